"""The dashboard in a real browser: `bank-tiering dashboard` on a free port over the served
sample, driven by Python Playwright in Debian's Chromium (installed by `make test`).
It reads visible text, changes a filter and sees the number change, checks a worklist's
size and a customer's override against the marts, and leaves screenshots under
target/browser/. Every wait is on an element, never a sleep."""

from __future__ import annotations

from conftest import Served

from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard.browser import (
    CHROMIUM,
    browser_page,
    choose,
    metric,
    metric_value,
    running_dashboard,
    wait_until_rendered,
)
from bank_tiering.project import PROJECT_DIR

SHOTS = PROJECT_DIR / "target" / "browser"
LATEST = "2025-02-01"


def test_dashboard_in_chromium(served: Served) -> None:
    from playwright.sync_api import expect

    assert CHROMIUM.exists(), f"{CHROMIUM} missing: `make test` installs Debian's chromium"

    SHOTS.mkdir(parents=True, exist_ok=True)
    total, = served.query("select count(*) from marts.fct_customer_segment "
                          "where period_month = ?", [LATEST])[0]
    retail, = served.query("select count(*) from marts.fct_customer_segment "
                           "where period_month = ? and market_class = 'retail'", [LATEST])[0]
    lost, ytd_rows = served.query("select sum(lost_customers), count(*) from marts.mart_tier_flows "
                                  "where flow_type = 'ytd' and period_month = ?", [LATEST])[0]
    near_upgrade, = served.query("select count(*) from marts.mart_rm_worklist where "
                                 "list_code = 'near_upgrade' and period_month = ?", [LATEST])[0]
    customer, override_id, reason = served.query(
        "select customer_id, override_id, override_reason from marts.fct_customer_segment "
        "where period_month = ? and override_id is not null order by customer_id limit 1",
        [LATEST])[0]
    with running_dashboard(served.serving_path) as url, browser_page() as page:
        page.goto(url)
        wait_until_rendered(page, "分层总览")
        # a tier label in Chinese, rendered with a CJK font, and the mart's total
        expect(page.get_by_role("cell", name="高净值客户", exact=True).first).to_be_visible()
        assert metric_value(page, "客户数") == fmt.count(total)
        page.screenshot(path=str(SHOTS / "overview.png"), full_page=True)

        choose(page, "市场", "个人客户市场")
        expect(page.locator('[data-testid="stMetricValue"]').first).to_have_text(
            fmt.count(retail))
        wait_until_rendered(page, "分层总览")
        expect(page.get_by_role("heading", name="公司客户市场")).to_have_count(0)
        page.screenshot(path=str(SHOTS / "overview_retail.png"), full_page=True)

        # the market filter survives switching pages; flows show the seed example's table
        page.get_by_role("link", name="分层流动").click()
        wait_until_rendered(page, "分层流动")
        table = page.locator('[data-testid="stTable"]').nth(1)
        expect(table).to_contain_text("流失客户")
        expect(table).not_to_contain_text("公司客户市场")
        choose(page, "市场", "全部市场")
        ytd = page.locator('[data-testid="stTable"]').nth(1)
        # the rerun may not have started yet: wait until the table has every market's rows
        expect(ytd.locator("tbody tr")).to_have_count(ytd_rows)
        wait_until_rendered(page, "分层流动")
        cells = ytd.locator("tbody tr").evaluate_all(
            "rows => rows.map(r => r.children[5].innerText)")
        assert sum(int(c.replace(",", "")) for c in cells) == lost
        page.screenshot(path=str(SHOTS / "flows.png"), full_page=True)

        # the worklists (all markets again): a list's size equals the mart's
        page.get_by_role("link", name="客户经理工作清单").click()
        wait_until_rendered(page, "客户经理工作清单")
        expect(metric(page, "临界提升客户")).to_have_text(fmt.count(near_upgrade))
        expect(page.locator('[data-testid="stTable"]').first).to_contain_text("上一档分层线")
        page.screenshot(path=str(SHOTS / "worklist.png"), full_page=True)

        # a link to a customer whose service tier an override sets: its id and reason shown
        page.goto(f"{url}/customer?customer={customer}")
        wait_until_rendered(page, "客户视图")
        expect(page.get_by_role("textbox")).to_have_value(customer)
        expect(page.get_by_text(f"{override_id}：{reason}").first).to_be_visible()
        page.screenshot(path=str(SHOTS / "customer.png"), full_page=True)
