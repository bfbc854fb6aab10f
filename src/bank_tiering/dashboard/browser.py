"""Drive the dashboard in a real browser: Debian's Chromium through Python Playwright.

Used by the browser tests (tests/python/test_dashboard_browser.py, which also takes the
screenshots under docs/screenshots/, and test_dashboard_oidc.py).
``playwright install`` cannot download a browser here, so Playwright drives the system
``/usr/bin/chromium`` (``apt-get install chromium fonts-wqy-microhei``: without the CJK
font Chinese renders as boxes). Every wait is on an element or a server message, never
on a fixed sleep.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bank_tiering.dashboard import pages

log = logging.getLogger(__name__)

CHROMIUM = Path(os.environ.get("BANK_TIERING_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
#: Streamlit scrolls an inner container, so a tall viewport shows (and shoots) a whole page;
#: screenshots fit the height to the content (fit_to_content).
VIEWPORT = {"width": 1600, "height": 2600}
#: The least height of a screenshot (the sidebar's filters and page links fit).
MIN_SHOT_HEIGHT = 900
#: (url path, title) of the pages, in the navigation's order (the default page is "/").
PAGES = tuple(("" if spec == pages.DEFAULT else spec.url_path, spec.title)
              for spec in pages.PAGES)
#: The title of the sign-in page (INTERFACES.md §4: fields 用户名 and 密码, button 登录).
SIGN_IN_TITLE = "客户分层看板"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_dashboard(serving_path: Path, port: int | None = None,
                      startup_timeout: float = 90.0,
                      env: dict[str, str] | None = None) -> Iterator[str]:
    """Start `bank-tiering dashboard` on a free port (``env``: more environment, e.g. the
    sign-in mode and the users file); yield its URL; stop it afterwards."""
    port = port or free_port()
    cli = Path(sys.executable).with_name("bank-tiering")
    env = {**os.environ, "BANK_TIERING_SERVING_DUCKDB": str(serving_path),
           "PYTHONUNBUFFERED": "1", **(env or {})}
    proc = subprocess.Popen(
        [str(cli), "dashboard", "--port", str(port)], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    ready = threading.Event()
    output: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            output.append(line)
            if f":{port}" in line and "URL" in line:
                ready.set()
        ready.set()  # the process ended: stop waiting

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not ready.wait(startup_timeout) or proc.poll() is not None:
            raise RuntimeError("the dashboard did not start:\n" + "".join(output))
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(proc)
        reader.join(timeout=5)


def stop_process(proc: subprocess.Popen) -> None:
    """SIGTERM to the server's own process group (it runs in a new session), SIGKILL if it
    has not stopped within 20 s: nothing it started outlives the test."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # anything left in the group
    except ProcessLookupError:
        pass


@contextmanager
def chromium() -> Iterator:
    """Headless Debian Chromium through Playwright (one browser, many pages)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser):
    """A page of its own browser context (own cookies: another user) with a tall viewport."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    return page


def sign_in(page, username: str, password: str, title: str | None = None) -> None:
    """Fill the sign-in form (用户名, 密码, 登录); wait for ``title`` (the page expected
    after it) when given."""
    page.get_by_role("heading", name=SIGN_IN_TITLE).first.wait_for()
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    if title:
        wait_until_rendered(page, title)
    else:  # refused: the form is cleared by the run that answered
        from playwright.sync_api import expect

        expect(page.get_by_label("用户名")).to_have_value("")
        wait_until_rendered(page, SIGN_IN_TITLE)


def sign_out(page) -> None:
    """Click 退出登录 and wait for the sign-in form."""
    page.get_by_role("button", name="退出登录").click()
    page.get_by_role("button", name="登录").wait_for()
    wait_until_rendered(page, SIGN_IN_TITLE)


def wait_until_rendered(page, title: str) -> None:
    """Wait until a page shows its title and Streamlit has finished running the script."""
    page.get_by_role("heading", name=title).first.wait_for()
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()
    # elements still loading (skeletons) or left over from the previous run (stale)
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stSkeleton"], [data-stale="true"]')""")
    for chart in page.locator('[data-testid="stVegaLiteChart"]').all():
        chart.locator("canvas, svg").first.wait_for()


def metric(page, label: str):
    """The value element of the st.metric with this label (a locator: expect() retries)."""
    box = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label)).first
    return box.locator('[data-testid="stMetricValue"]')


def metric_value(page, label: str) -> str:
    """The text of the st.metric with this label."""
    return metric(page, label).inner_text().strip()


def choose(page, label: str, option: str) -> None:
    """Pick an option of the (sidebar) selectbox with this label."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.click()
    page.get_by_role("option", name=option, exact=True).click()


def fit_to_content(page) -> None:
    """Make the viewport exactly as tall as the page's content (at least MIN_SHOT_HEIGHT):
    a shot of the viewport then has nothing cut off and no blank below the content."""
    height = page.evaluate(
        """() => Math.ceil(document.querySelector('[data-testid="stMainBlockContainer"]')
                           .getBoundingClientRect().height)""")
    page.set_viewport_size({"width": VIEWPORT["width"], "height": max(height, MIN_SHOT_HEIGHT)})


def open_page(page, title: str) -> None:
    """Open a page of the signed-in session by its link in the navigation (a ``goto``
    would start a new session: a new sign-in)."""
    page.get_by_role("link", name=title, exact=True).click()
    wait_until_rendered(page, title)


def shoot(page, path: Path, title: str | None = None) -> Path:
    """A screenshot of the whole page content at ``path``."""
    fit_to_content(page)
    if title:
        wait_until_rendered(page, title)
    page.screenshot(path=str(path), full_page=True)
    log.info("saved %s", path)
    return path


#: Text of the table cells that are one word (Chinese characters, letters and digits only —
#: no space or punctuation, where a line may break — at most 12 characters) and that the
#: browser laid out on more than one line: a word broken inside (个人客户市 / 场).
_WRAPPED_CELLS = """() => [...document.querySelectorAll('[data-testid="stTable"] td')]
    .filter(td => { const t = td.innerText.trim();
                    return t.length <= 12 && /^[\\u4e00-\\u9fffA-Za-z0-9.,%+-]+$/.test(t); })
    .filter(td => {
        const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
        const tops = new Set();
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const range = document.createRange();
            range.selectNodeContents(n);
            for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
        }
        return tops.size > 1;
    })
    .map(td => td.innerText.trim())"""


def wrapped_cells(page) -> list[str]:
    """The one-word table cells of the page that wrap onto a second line (should be none)."""
    return page.evaluate(_WRAPPED_CELLS)
