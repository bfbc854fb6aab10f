"""The dashboard in a real browser: one `bank-tiering dashboard` process in users mode over
the served sample, driven by Python Playwright in Debian's Chromium (installed by `make
test`), as four users of the users file (METHODOLOGY.md §15) — and the screenshots of
docs/screenshots/, taken here so they always show the code they document:

* the bank user: every page of the navigation in turn (Chinese labels with a CJK font, a
  filter changes a number, flows and a worklist equal the marts, no table cell broken inside
  a word), each photographed; a customer link opens that customer (signing in again: a
  ``page.goto`` is a new Streamlit session, and the link survives the form);
* the RM: a link to another RM's customer reads 无权查看该客户 with no amount; the overview's
  customers and AUM are the RM's book's; the worklist holds only the RM's customers; the
  CSV download holds only them; 流失预警 has no back-test (bank-wide: 全行口径); after 退出登录
  only the sign-in form is left;
* the branch user: a mistyped address opens the Chinese page 页面不存在 (never Streamlit's
  English "Page not found"); the branch filter offers the own branch only, the totals are
  the branch's;
* a fifth wrong password locks the account: the 6th attempt with the right one reads 锁定.

The access log has a line for each. Every wait is on an element, never a sleep.
"""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pytest
from conftest import Served

from bank_tiering.access.scope import Scope
from bank_tiering.access.users import add_user, dump_users, write_atomically
from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard.browser import (
    CHROMIUM,
    PAGES,
    choose,
    chromium,
    metric,
    metric_value,
    new_page,
    open_page,
    running_dashboard,
    shoot,
    sign_in,
    sign_out,
    wait_until_rendered,
    wrapped_cells,
)
from bank_tiering.project import PROJECT_DIR

#: The screenshots the README shows: written by the tests of this module only.
SHOTS = PROJECT_DIR / "docs" / "screenshots"
PAGE_SHOTS = [f"{i}_{path or 'overview'}.png" for i, (path, _) in enumerate(PAGES, start=1)]
SHOT_NAMES = ["0_sign_in.png", *PAGE_SHOTS, f"{len(PAGES) + 1}_books_branch.png",
              f"{len(PAGES) + 2}_books_rm.png", f"{len(PAGES) + 3}_customer_refused.png",
              f"{len(PAGES) + 4}_not_found.png"]
LATEST = "2025-02-01"
PASSWORD = "Br0wser-Test-Passw0rd"
STARTED = time.time()


@pytest.fixture(scope="module")
def case(served: Served) -> dict:
    q = served.query
    # the RM with the most worklist rows in LATEST (so the worklist and its download have
    # rows), and the branch of the RM's customers
    rm, branch = q("select rm_id, max(branch_id) from marts.mart_rm_worklist where "
                   "period_month = ? and rm_id is not null group by rm_id "
                   "order by count(*) desc, rm_id limit 1", [LATEST])[0]
    other, = q("select customer_id from marts.fct_customer_segment where period_month = ? and "
               "rm_id is distinct from ? order by avg_aum desc, customer_id limit 1",
               [LATEST, rm])[0]
    book, book_aum = q("select count(*), sum(avg_aum) from marts.fct_customer_segment "
                       "where period_month = ? and rm_id = ?", [LATEST, rm])[0]
    rm_list, = q("select list_code from marts.mart_rm_worklist where period_month = ? and "
                 "rm_id = ? group by 1 order by count(*) desc, 1 limit 1", [LATEST, rm])[0]
    return {"rm": rm, "branch": branch, "other": other, "book": book, "book_aum": book_aum,
            "rm_list": rm_list, "rm_list_rows": {c for (c,) in q(
                "select customer_id from marts.mart_rm_worklist where period_month = ? and "
                "rm_id = ? and list_code = ?", [LATEST, rm, rm_list])},
            "list_labels": dict(q("select code, label_zh from parameters.code_labels "
                                  "where code_set = 'worklist'"))}


@pytest.fixture(scope="module")
def dashboard(served: Served, case: dict, tmp_path_factory):
    """One dashboard process in users mode, and one Chromium, for every test here."""
    assert CHROMIUM.exists(), f"{CHROMIUM} missing: `make test` installs Debian's chromium"
    SHOTS.mkdir(parents=True, exist_ok=True)
    folder = tmp_path_factory.mktemp("browser_access")
    users: dict = {}
    add_user(users, "bank.user", Scope.bank(), "总行分析员", PASSWORD)
    add_user(users, "branch.user", Scope.branch(case["branch"]), "机构负责人", PASSWORD)
    add_user(users, "rm.user", Scope.rm(case["rm"]), "客户经理", PASSWORD)
    add_user(users, "lock.user", Scope.bank(), "锁定测试", PASSWORD)
    write_atomically(folder / "users.yaml", dump_users(users))
    log = folder / "access.jsonl"
    env = {"BANK_TIERING_DASHBOARD_AUTH": "users", "BANK_TIERING_USERS": str(folder /
           "users.yaml"), "BANK_TIERING_ACCESS_LOG": str(log)}
    with running_dashboard(served.serving_path, env=env) as url, chromium() as browser:
        yield {"url": url, "browser": browser, "log": log}


def _events(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def _wait_for_events(log: Path, username: str, count: int, timeout: float = 30.0) -> None:
    """Until the access log holds ``count`` lines of ``username`` (the server wrote the
    line of the attempt just made before the next one is typed)."""
    deadline = time.monotonic() + timeout
    while sum(e["username"] == username for e in _events(log)) < count:
        assert time.monotonic() < deadline, f"no access-log line {count} of {username}"
        time.sleep(0.05)


def test_bank_user_every_page_filters_and_a_customer_link(dashboard: dict, served: Served
                                                          ) -> None:
    from playwright.sync_api import expect

    q = served.query
    total, = q("select count(*) from marts.fct_customer_segment where period_month = ?",
               [LATEST])[0]
    retail, = q("select count(*) from marts.fct_customer_segment where period_month = ? and "
                "market_class = 'retail'", [LATEST])[0]
    lost, ytd_rows = q("select sum(lost_customers), count(*) from marts.mart_tier_flows "
                       "where flow_type = 'ytd' and period_month = ?", [LATEST])[0]
    near_upgrade, = q("select count(*) from marts.mart_rm_worklist where "
                      "list_code = 'near_upgrade' and period_month = ?", [LATEST])[0]
    low, = q("select count(*) from marts.fct_customer_segment where period_month = ? and "
             "churn_risk_band = 'low'", [LATEST])[0]
    backtest_rows, = q("select count(*) from marts.mart_early_warning_backtest where "
                       "period_month = ?", [LATEST])[0]
    customer, override_id, reason = q(
        "select customer_id, override_id, override_reason from marts.fct_customer_segment "
        "where period_month = ? and override_id is not null and service_tier_code != tier_code "
        "order by customer_id limit 1", [LATEST])[0]
    page = new_page(dashboard["browser"])
    url = dashboard["url"]
    page.goto(url)
    page.get_by_role("button", name="登录").wait_for()
    shoot(page, SHOTS / SHOT_NAMES[0])
    sign_in(page, "bank.user", PASSWORD, title=PAGES[0][1])
    # a tier label in Chinese, rendered with a CJK font, and the mart's total
    expect(page.get_by_role("cell", name="高净值客户", exact=True).first).to_be_visible()
    assert metric_value(page, "客户数") == f"{fmt.count(total)}户"

    choose(page, "市场", "个人客户市场")
    expect(metric(page, "客户数")).to_have_text(f"{fmt.count(retail)}户")
    wait_until_rendered(page, "分层总览")
    expect(page.get_by_role("heading", name="公司客户市场")).to_have_count(0)
    expect(page.get_by_text("个人客户市场").first).to_be_visible()  # the caption's label
    choose(page, "市场", "全部市场")
    wait_until_rendered(page, "分层总览")

    for (path, title), shot in zip(PAGES, PAGE_SHOTS, strict=True):
        if path:
            open_page(page, title)
        if title == "分层流动":  # the seed example's table, lost split by cause
            ytd = page.locator('[data-testid="stTable"]').nth(2)
            expect(ytd.locator("tbody tr")).to_have_count(ytd_rows)
            cells = ytd.locator("tbody tr").evaluate_all(
                "rows => rows.map(r => r.children[4].innerText)")
            assert sum(int(c.split(" = ")[0].replace(",", "")) for c in cells) == lost
        if title == "客户经理工作清单":
            expect(metric(page, "临界提升客户")).to_have_text(f"{fmt.count(near_upgrade)}户")
            expect(page.locator('[data-testid="stTable"]').first).to_contain_text("客户经理状态")
        if title == "趋势":
            expect(page.locator('[data-testid="stVegaLiteChart"]')).to_have_count(6)
        if title == "流失预警":  # the bands, the warning lists and the back-test, bank-wide
            expect(metric(page, "低风险客户")).to_have_text(f"{fmt.count(low)}户")
            expect(page.get_by_role("heading", name="预警回测（全行口径）")).to_be_visible()
            backtest = page.locator('[data-testid="stTable"]').filter(has_text="预警客户（户）")
            expect(backtest.locator("tbody tr")).to_have_count(backtest_rows)
        if path != "customer":  # the customer page is shot opened by its link, below
            shoot(page, SHOTS / shot, title)
        assert wrapped_cells(page) == [], title  # no cell broken inside a word

    # a link to a customer whose service tier an override sets: a new session, so the
    # sign-in form first; the link is kept through it
    page.goto(f"{url}/customer?customer={customer}")
    sign_in(page, "bank.user", PASSWORD, title="客户视图")
    expect(page.get_by_role("textbox")).to_have_value(customer)
    expect(page.get_by_text(f"{override_id}：{reason}").first).to_be_visible()
    expect(page.get_by_text("客户经理：").first).to_be_visible()
    shoot(page, SHOTS / PAGE_SHOTS[-1], "客户视图")
    page.context.close()
    views = [e for e in _events(dashboard["log"]) if e["username"] == "bank.user"]
    assert [e["action"] for e in views] == ["sign_in", "customer_view", "sign_in",
                                            "customer_view"]
    assert views[-1]["customer_id"] == customer


def test_rm_sees_only_the_book_downloads_it_and_signs_out(dashboard: dict, case: dict,
                                                          tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = new_page(dashboard["browser"])
    page.goto(f"{dashboard['url']}/customer?customer={case['other']}")
    sign_in(page, "rm.user", PASSWORD, title="客户视图")
    expect(page.get_by_text("无权查看该客户").first).to_be_visible()
    expect(page.get_by_role("textbox")).to_have_value(case["other"])
    assert page.locator('[data-testid="stMetric"]').count() == 0
    assert page.locator('[data-testid="stTable"]').count() == 0
    shoot(page, SHOTS / SHOT_NAMES[-2], "客户视图")

    open_page(page, "分层总览")
    assert metric_value(page, "客户数") == f"{fmt.count(case['book'])}户"
    assert metric_value(page, "金融资产（月日均）") == fmt.amount(case["book_aum"])

    open_page(page, "客户经理工作清单")
    label = case["list_labels"][case["rm_list"]]
    choose(page, "清单", label)
    heading = page.get_by_role("heading", name=f"{label}（{len(case['rm_list_rows'])}户）")
    heading.wait_for()
    wait_until_rendered(page, "客户经理工作清单")
    table = page.locator('[data-testid="stTable"]').first
    shown = set(table.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => r.children[2].innerText)"))
    assert shown == case["rm_list_rows"]
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 CSV").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_bytes().decode("utf-8-sig"))))
    assert {r["客户号"] for r in rows} == case["rm_list_rows"]
    assert {r["客户经理编号"] for r in rows} == {case["rm"]}

    open_page(page, "流失预警")  # the back-test is bank-wide: not the RM's to see
    expect(page.get_by_text("预警回测为全行口径").first).to_be_visible()
    expect(page.locator('[data-testid="stTable"]').filter(has_text="预警客户（户）")
           ).to_have_count(0)

    open_page(page, "我的客户")
    assert metric_value(page, "名下客户数") == f"{fmt.count(case['book'])}户"
    shoot(page, SHOTS / SHOT_NAMES[-3], "我的客户")

    sign_out(page)
    assert page.locator('[data-testid="stMetric"]').count() == 0
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    expect(page.get_by_label("用户名")).to_be_visible()
    expect(page.get_by_label("密码")).to_be_visible()
    page.context.close()
    events = [e for e in _events(dashboard["log"]) if e["username"] == "rm.user"]
    assert [e["action"] for e in events] == ["sign_in", "customer_refused", "download",
                                             "sign_out"]
    refused, downloaded = events[1], events[2]
    assert refused["customer_id"] == case["other"] and refused["rows"] == 0
    assert (downloaded["list_code"], downloaded["rows"], downloaded["format"]) == (
        case["rm_list"], len(rows), "csv")
    assert all(e["scope"] == "rm" and e["scope_id"] == case["rm"] for e in events)


def test_a_mistyped_address_and_the_branch_user_sees_the_branch_only(
        dashboard: dict, case: dict, served: Served) -> None:
    from playwright.sync_api import expect

    n, = served.query("select count(*) from marts.fct_customer_segment where "
                      "period_month = ? and branch_id = ?", [LATEST, case["branch"]])[0]
    page = new_page(dashboard["browser"])
    page.goto(f"{dashboard['url']}/flow")  # mistyped: the page is /flows
    sign_in(page, "branch.user", PASSWORD, title="页面不存在")
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(page.get_by_role("dialog")).to_have_count(0)
    main = page.locator('[data-testid="stMainBlockContainer"]')
    for _, title in PAGES:  # a link to every page
        expect(main.get_by_role("link", name=title, exact=True)).to_have_count(1)
    shoot(page, SHOTS / SHOT_NAMES[-1], "页面不存在")
    main.get_by_role("link", name="分层总览").click()
    wait_until_rendered(page, "分层总览")
    assert metric_value(page, "客户数") == f"{fmt.count(n)}户"
    page.locator('[data-testid="stSelectbox"]').filter(has_text="机构").first.click()
    expect(page.get_by_role("option")).to_have_count(1)
    expect(page.get_by_role("option", name=case["branch"], exact=True)).to_be_visible()
    page.keyboard.press("Escape")
    open_page(page, "我的客户")
    expect(page.get_by_text(case["rm"]).first).to_be_visible()
    shoot(page, SHOTS / SHOT_NAMES[-4], "我的客户")
    page.context.close()
    assert [e["action"] for e in _events(dashboard["log"])
            if e["username"] == "branch.user"] == ["sign_in"]


def test_the_sixth_attempt_is_locked_even_with_the_right_password(dashboard: dict) -> None:
    from playwright.sync_api import expect

    page = new_page(dashboard["browser"])
    page.goto(dashboard["url"])
    for attempt in range(5):
        sign_in(page, "lock.user", f"wrong-{attempt}")
        expect(page.get_by_text("用户名或密码错误").first).to_be_visible()
        _wait_for_events(dashboard["log"], "lock.user", attempt + 1)  # this attempt counted
    page.reload()  # a new session: the lock is not in the session
    sign_in(page, "lock.user", PASSWORD)
    expect(page.get_by_text("账户已锁定").first).to_be_visible()
    assert page.locator('[data-testid="stMetric"]').count() == 0
    page.context.close()
    assert [(e["action"], e["reason"]) for e in _events(dashboard["log"])
            if e["username"] == "lock.user"] == [
        *[("sign_in_failed", "wrong_password")] * 5, ("sign_in_locked", None)]


def test_the_screenshots_are_this_runs_and_nothing_else() -> None:
    """docs/screenshots holds exactly the shots taken above, each written by this run (a
    stale or hand-made one fails here)."""
    found = {p.name: p.stat().st_mtime for p in SHOTS.glob("*.png")}
    assert sorted(found) == sorted(SHOT_NAMES)
    assert all(mtime >= STARTED for mtime in found.values()), [
        name for name, mtime in found.items() if mtime < STARTED]
