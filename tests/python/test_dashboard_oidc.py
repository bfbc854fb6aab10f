"""Single sign-on through Streamlit's st.login against a real OpenID Connect provider on
127.0.0.1 (METHODOLOGY.md §15, INTERFACES.md §4), driven by Playwright through the real
redirect flow: npm's oidc-provider 9.x (installed once into target/oidc-provider/ from
tests/fixtures/oidc/package-lock.json, Node 20 of the machine) with its development login
and consent pages, and `bank-tiering dashboard` in oidc mode with an ``[auth]`` secrets
file (redirect URI, cookie secret, client id and secret, the provider's metadata URL).

* a user of the users file signs in at the provider and lands on the dashboard, its scope
  from the users file (claim preferred_username → username); a second tab of the same
  browser is signed in by Streamlit's cookie (no second sign-in is logged) and a
  ``?customer=`` link opens that customer; 退出登录 ends it at the provider as well;
* an account the users file does not know, and a disabled user, are refused after the
  provider's sign-in, with nothing of the data, and logged.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import Served

from bank_tiering.access.scope import Scope
from bank_tiering.access.users import add_user, disable_user, dump_users, write_atomically
from bank_tiering.dashboard.browser import (
    chromium,
    free_port,
    new_page,
    running_dashboard,
    stop_process,
    wait_until_rendered,
)
from bank_tiering.project import PROJECT_DIR

FIXTURE = PROJECT_DIR / "tests" / "fixtures" / "oidc"
CACHE = PROJECT_DIR / "target" / "oidc-provider"
CLIENT_ID, CLIENT_SECRET = "bank-tiering-dashboard", "test-only-client-secret-0123456789"
ACCOUNTS = {
    "u-zhang": {"preferred_username": "sso.zhang", "name": "张三"},
    "u-stranger": {"preferred_username": "stranger", "name": "外部账号"},
    "u-gone": {"preferred_username": "sso.gone", "name": "已停用"},
}
LATEST = "2025-02-01"


def install_oidc_provider() -> Path:
    """oidc-provider of the fixture's lock file in CACHE (npm ci once; nothing when the
    pinned version is there already)."""
    wanted = json.loads((FIXTURE / "package.json").read_text())["dependencies"]["oidc-provider"]
    installed = CACHE / "node_modules" / "oidc-provider" / "package.json"
    assert shutil.which("node") and shutil.which("npm"), "Node.js 20 and npm are needed"
    if not installed.exists() or json.loads(installed.read_text())["version"] != wanted:
        CACHE.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(FIXTURE / name, CACHE / name)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=CACHE,
                       check=True, timeout=300)
    shutil.copyfile(FIXTURE / "provider.mjs", CACHE / "provider.mjs")
    return CACHE


@contextmanager
def running_provider(port: int, redirect_uri: str) -> Iterator[str]:
    """The provider on 127.0.0.1:port; yields its issuer URL."""
    folder = install_oidc_provider()
    env = {**os.environ, "OIDC_PORT": str(port), "OIDC_CLIENT_ID": CLIENT_ID,
           "OIDC_CLIENT_SECRET": CLIENT_SECRET, "OIDC_REDIRECT_URI": redirect_uri,
           "OIDC_ACCOUNTS": json.dumps(ACCOUNTS)}
    proc = subprocess.Popen(["node", "provider.mjs"], cwd=folder, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    ready, output = threading.Event(), []

    def read() -> None:
        for line in proc.stdout:
            output.append(line)
            if "listening on" in line:
                ready.set()
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        if not ready.wait(60) or proc.poll() is not None:
            raise RuntimeError("oidc-provider did not start:\n" + "".join(output))
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(proc)


@pytest.fixture(scope="module")
def sso(served: Served, tmp_path_factory) -> Iterator[dict]:
    folder = tmp_path_factory.mktemp("oidc")
    dashboard_port, provider_port = free_port(), free_port()
    redirect = f"http://127.0.0.1:{dashboard_port}/oauth2callback"
    users: dict = {}
    add_user(users, "sso.zhang", Scope.bank(), "张三", None)  # single sign-on only
    add_user(users, "sso.gone", Scope.bank(), "已停用", None)
    disable_user(users, "sso.gone")
    write_atomically(folder / "users.yaml", dump_users(users))
    secrets = folder / "secrets.toml"
    write_atomically(secrets, "\n".join([
        "[auth]", f'redirect_uri = "{redirect}"', f'cookie_secret = "{"k" * 48}"',
        f'client_id = "{CLIENT_ID}"', f'client_secret = "{CLIENT_SECRET}"',
        f'server_metadata_url = "http://127.0.0.1:{provider_port}/.well-known/'
        'openid-configuration"',
        # oidc-provider has no "select_account" prompt (Streamlit's default)
        'client_kwargs = { prompt = "login" }', ""]))
    env = {"BANK_TIERING_DASHBOARD_AUTH": "oidc", "BANK_TIERING_USERS": str(folder /
           "users.yaml"), "BANK_TIERING_ACCESS_LOG": str(folder / "access.jsonl"),
           "BANK_TIERING_STREAMLIT_SECRETS": str(secrets)}
    with running_provider(provider_port, redirect) as issuer, \
            running_dashboard(served.serving_path, port=dashboard_port,
                              env=env) as url, chromium() as browser:
        yield {"url": url, "issuer": issuer, "browser": browser, "log": folder / "access.jsonl"}


def _sign_in_at_provider(page, sso: dict, account: str) -> None:
    """From the dashboard's sign-in page through the provider's login and consent."""
    page.get_by_role("button", name="单点登录").click()
    page.wait_for_url(re.compile(re.escape(sso["issuer"]) + "/interaction/"))
    page.locator('input[name="login"]').fill(account)
    page.locator('input[name="password"]').fill("any")
    page.locator('button[type="submit"]').click()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(re.escape(sso["url"]) + "/?$"))


def _events(sso: dict) -> list[tuple]:
    return [(e["action"], e["username"], e["method"], e["reason"]) for e in
            map(json.loads, sso["log"].read_text(encoding="utf-8").splitlines())]


def test_single_sign_on_a_second_tab_a_link_and_sign_out(sso: dict,
                                                          served: Served) -> None:
    from playwright.sync_api import expect

    customer, = served.query("select max(customer_id) from "
                                       "marts.fct_customer_segment where period_month = ?",
                                       [LATEST])[0]
    page = new_page(sso["browser"])
    page.goto(sso["url"])
    _sign_in_at_provider(page, sso, "u-zhang")
    wait_until_rendered(page, "分层总览")
    expect(page.get_by_text("张三（sso.zhang）")).to_be_visible()
    assert page.locator('[data-testid="stMetric"]').count() > 0

    tab = page.context.new_page()  # the same browser: Streamlit's cookie signs it in
    tab.goto(f"{sso['url']}/customer?customer={customer}")
    wait_until_rendered(tab, "客户视图")
    expect(tab.get_by_role("textbox")).to_have_value(customer)
    tab.close()

    page.get_by_role("button", name="退出登录").click()
    page.get_by_role("button", name="Yes, sign me out").click()  # the provider's logout
    page.get_by_role("button", name="单点登录").wait_for()
    assert page.locator('[data-testid="stMetric"]').count() == 0
    page.context.close()
    assert _events(sso) == [("sign_in", "sso.zhang", "oidc", None),
                            ("customer_view", "sso.zhang", "oidc", None),
                            ("sign_out", "sso.zhang", "oidc", "user")]


@pytest.mark.parametrize(("account", "username", "reason"), [
    ("u-stranger", "stranger", "oidc_unknown_user"),
    ("u-gone", "sso.gone", "oidc_disabled"),
])
def test_an_unknown_or_disabled_user_is_refused_and_logged(sso: dict, account: str,
                                                          username: str, reason: str) -> None:
    from playwright.sync_api import expect

    page = new_page(sso["browser"])
    page.goto(sso["url"])
    _sign_in_at_provider(page, sso, account)
    expect(page.get_by_text("未在看板用户中登记或已停用")).to_be_visible()
    wait_until_rendered(page, "客户分层看板")
    assert page.locator('[data-testid="stMetric"]').count() == 0
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    page.context.close()
    assert _events(sso)[-1] == ("sign_in_failed", username, "oidc", reason)
