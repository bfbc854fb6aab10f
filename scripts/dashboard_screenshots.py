"""Screenshots of the dashboard in Chromium (docs/screenshots/), taken on the serving file of
`make run` (BANK_TIERING_SERVING_DUCKDB, default data/serving/warehouse.duckdb).

    .venv/bin/python scripts/dashboard_screenshots.py docs/screenshots

The dashboard runs in users mode with a temporary users file and access log (the real
ones are never touched): one user per scope, picked from the marts like the demo users of
`make run` (bank; the branch with the most customers; its RM with the largest book).

* ``0_sign_in.png`` — the sign-in form;
* ``1_overview.png`` … ``7_customer.png`` — every page as the bank user; the customer page
  is opened (a link, ``?customer=``) on a customer whose service tier is set by a manual
  override in the latest period (the first by customer_id), when there is one;
* ``8_books_branch.png`` — 我的客户 as the branch user (the RMs' books side by side);
* ``9_books_rm.png`` — 我的客户 as the RM (the own book), and ``10_customer_refused.png`` —
  the RM following a link to a customer of another RM (无权查看该客户).
"""

from __future__ import annotations

import argparse
import logging
import tempfile
from pathlib import Path

import duckdb

from bank_tiering.access.demo import demo_scopes, generate_password
from bank_tiering.access.users import add_user, dump_users, write_atomically
from bank_tiering.dashboard.browser import (
    PAGES,
    browser_page,
    open_page,
    running_dashboard,
    screenshot_pages,
    shoot,
    sign_in,
)
from bank_tiering.project import Settings


def overridden_customer(serving: Path) -> str | None:
    """The first customer whose service tier an override changes in the latest period."""
    with duckdb.connect(str(serving), read_only=True) as con:
        row = con.execute(
            """
            select customer_id from marts.fct_customer_segment
            where period_month = (select max(period_month) from marts.fct_customer_segment)
                and override_id is not null and service_tier_code != tier_code
            order by customer_id limit 1
            """
        ).fetchone()
    return row[0] if row else None


def customer_of_another_rm(serving: Path, rm_id: str) -> str | None:
    """The latest period's largest customer that is not in ``rm_id``'s book."""
    with duckdb.connect(str(serving), read_only=True) as con:
        row = con.execute(
            """
            select customer_id from marts.fct_customer_segment
            where period_month = (select max(period_month) from marts.fct_customer_segment)
                and rm_id is distinct from ?
            order by avg_aum desc, customer_id limit 1
            """, [rm_id]).fetchone()
    return row[0] if row else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="folder of the PNG files")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    out: Path = args.out_dir
    out.mkdir(parents=True, exist_ok=True)
    serving = Settings.from_env().serving_path
    picks = demo_scopes(serving)
    credentials: dict[str, tuple[str, str]] = {}
    users: dict = {}
    for username, name, scope in picks:
        credentials[scope.kind] = (username, generate_password())
        add_user(users, username, scope, name, credentials[scope.kind][1])
    customer = overridden_customer(serving)
    with tempfile.TemporaryDirectory() as folder:
        write_atomically(Path(folder) / "users.yaml", dump_users(users))
        env = {"BANK_TIERING_DASHBOARD_AUTH": "users",
               "BANK_TIERING_USERS": str(Path(folder) / "users.yaml"),
               "BANK_TIERING_ACCESS_LOG": str(Path(folder) / "access.jsonl")}
        with running_dashboard(serving, env=env) as url:
            with browser_page() as page:
                page.goto(url)
                page.get_by_role("button", name="登录").wait_for()
                shoot(page, out / "0_sign_in.png")
            query = {"customer": f"customer={customer}"} if customer else None
            screenshot_pages(url, out, credentials["bank"], query)
            books = dict(PAGES)["books"]
            if "branch" in credentials:
                with browser_page() as page:
                    page.goto(url)
                    sign_in(page, *credentials["branch"], title=PAGES[0][1])
                    open_page(page, books)
                    shoot(page, out / "8_books_branch.png", books)
            if "rm" in credentials:
                rm_id = next(s.rm_id for _, _, s in picks if s.kind == "rm")
                with browser_page() as page:
                    page.goto(url)
                    sign_in(page, *credentials["rm"], title=PAGES[0][1])
                    open_page(page, books)
                    shoot(page, out / "9_books_rm.png", books)
                    other = customer_of_another_rm(serving, rm_id)
                    page.goto(f"{url}/customer?customer={other}")
                    sign_in(page, *credentials["rm"], title="客户视图")
                    shoot(page, out / "10_customer_refused.png", "客户视图")
    for shot in sorted(out.glob("*.png")):
        print(shot)


if __name__ == "__main__":
    main()
