"""Screenshots of every dashboard page in Chromium (docs/screenshots/), taken on the serving
file of `make run` (BANK_TIERING_SERVING_DUCKDB, default data/serving/warehouse.duckdb).

    .venv/bin/python scripts/dashboard_screenshots.py docs/screenshots

The customer page is opened on a customer whose service tier is set by a manual override
in the latest period (the first by customer_id), so the shot shows one; without such a
customer it shows the page's default (the top contributor).
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import duckdb

from bank_tiering.dashboard.browser import running_dashboard, screenshot_pages
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="folder of the PNG files")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    serving = Settings.from_env().serving_path
    customer = overridden_customer(serving)
    query = {"customer": f"customer={customer}"} if customer else None
    with running_dashboard(serving) as url:
        for shot in screenshot_pages(url, args.out_dir, query):
            print(shot)


if __name__ == "__main__":
    main()
