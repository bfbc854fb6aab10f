"""Sign-in, sign-out, lock, idle limit and the modes of the dashboard (METHODOLOGY.md §15,
INTERFACES.md §4) with AppTest: the sign-in page shows the form only; a wrong password and
an unknown user read the same; the 6th attempt is locked even with the right password, in
a new session too; sign-out and an idle session end in the form; a disabled user is
signed out; a ``?customer=`` link survives the form; local analysis mode says so on every
page and the sidebar never shows a server path. Every step has its access-log line."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import Served
from streamlit.testing.v1 import AppTest

from bank_tiering.access.scope import Scope
from bank_tiering.access.users import add_user, dump_users, load_users, write_atomically
from bank_tiering.dashboard import auth
from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard.pages import PAGES

APP = Path(fmt.__file__).with_name("app.py")
PASSWORD = "Acc3ss-Test-Passw0rd"


pytestmark = pytest.mark.usefixtures("fast_password_hashes")


@pytest.fixture
def setup(served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    users: dict = {}
    add_user(users, "bank.user", Scope.bank(), "总行用户", PASSWORD)
    add_user(users, "other.user", Scope.bank(), "另一用户", PASSWORD)
    path = tmp_path / "users.yaml"
    write_atomically(path, dump_users(users))
    log = tmp_path / "logs" / "access.jsonl"
    monkeypatch.setenv("BANK_TIERING_SERVING_DUCKDB", str(served.serving_path))
    monkeypatch.setenv("BANK_TIERING_DASHBOARD_AUTH", "users")
    monkeypatch.setenv("BANK_TIERING_USERS", str(path))
    monkeypatch.setenv("BANK_TIERING_ACCESS_LOG", str(log))
    return {"users": path, "log": log, "served": served}


def _new(customer: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    if customer:
        at.query_params["customer"] = customer
    at.run()
    assert not at.exception, at.exception
    return at


def _attempt(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="sign_in_username").input(username)
    at.text_input(key="sign_in_password").input(password)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def _is_sign_in_form_only(at: AppTest) -> bool:
    return ([t.label for t in at.text_input] == ["用户名", "密码"]
            and [b.label for b in at.button] == ["登录"]
            and not at.metric and not at.table and not at.selectbox
            and at.title[0].value == "客户分层看板")


def _events(log: Path) -> list[tuple]:
    return [(e["action"], e["username"], e["reason"])
            for e in map(json.loads, log.read_text(encoding="utf-8").splitlines())]


def test_without_a_users_file_only_the_refusal_is_shown(setup: dict) -> None:
    setup["users"].unlink()
    at = _new()
    message, = [e.value for e in at.error]
    assert str(setup["users"]) in message and "bank-tiering users add" in message
    assert not at.text_input and not at.metric


def test_sign_in_form_then_the_page_then_sign_out(setup: dict) -> None:
    at = _new()
    assert _is_sign_in_form_only(at)
    _attempt(at, "Bank.User", PASSWORD)  # usernames are case-insensitive
    assert at.title[0].value == "分层总览" and at.metric
    assert [b.label for b in at.sidebar.button] == ["退出登录"]
    sidebar_text = " ".join(m.value for m in [*at.sidebar.markdown, *at.sidebar.caption])
    assert "总行用户" in sidebar_text and str(setup["served"].serving_path) not in sidebar_text
    assert "warehouse.duckdb" not in " ".join(c.value for c in at.caption)
    at.sidebar.button[0].click().run()
    assert _is_sign_in_form_only(at)
    assert "已退出登录" in at.info[0].value
    at.switch_page("views/customer.py").run()  # no page runs without a sign-in
    assert _is_sign_in_form_only(at)
    assert _events(setup["log"]) == [("sign_in", "bank.user", None),
                                     ("sign_out", "bank.user", "user")]


def test_wrong_password_and_unknown_user_read_the_same_and_the_6th_is_locked(
        setup: dict) -> None:
    at = _new()
    _attempt(at, "bank.user", "not-the-password")
    wrong = at.error[0].value
    _attempt(at, "no.such.user", PASSWORD)
    assert at.error[0].value == wrong == "用户名或密码错误。"
    for _ in range(3):
        _attempt(at, "bank.user", "still-wrong")
    _attempt(at, "bank.user", "fifth-wrong")
    assert "锁定" in at.error[0].value
    # a new session (another tab, or after a restart): still locked, the right password too
    at = _attempt(_new(), "bank.user", PASSWORD)
    assert _is_sign_in_form_only(at)
    message = at.error[0].value
    assert "锁定" in message and "之后再试" in message and "UTC" in message
    assert _events(setup["log"]) == [
        ("sign_in_failed", "bank.user", "wrong_password"),
        ("sign_in_failed", "no.such.user", "unknown_user"),
        *[("sign_in_failed", "bank.user", "wrong_password")] * 4,
        ("sign_in_locked", "bank.user", None)]
    # another user is not affected
    assert _attempt(_new(), "other.user", PASSWORD).title[0].value == "分层总览"


def test_an_idle_session_ends_after_30_minutes(setup: dict) -> None:
    at = _attempt(_new(), "bank.user", PASSWORD)
    at.session_state[auth.SEEN_KEY] = time.time() - 29 * 60
    at.run()
    assert at.title[0].value == "分层总览"  # 29 minutes: still signed in (and refreshed)
    at.session_state[auth.SEEN_KEY] = time.time() - 31 * 60
    at.run()
    assert _is_sign_in_form_only(at) and "30 分钟无操作" in at.info[0].value
    assert _events(setup["log"])[-1] == ("sign_out", "bank.user", "idle")


def test_a_user_disabled_while_signed_in_is_signed_out(setup: dict) -> None:
    at = _attempt(_new(), "bank.user", PASSWORD)
    users = dict(load_users(setup["users"]))
    users["bank.user"] = replace(users["bank.user"], disabled=True)
    time.sleep(0.01)  # a new modification time
    write_atomically(setup["users"], dump_users(users))
    at.run()
    assert _is_sign_in_form_only(at) and "停用" in at.info[0].value
    _attempt(at, "bank.user", PASSWORD)
    assert at.error[0].value == "用户名或密码错误。"  # refused like any wrong password
    assert _events(setup["log"])[-2:] == [("sign_out", "bank.user", "disabled"),
                                          ("sign_in_failed", "bank.user", "disabled")]


def test_a_customer_link_survives_the_sign_in(setup: dict) -> None:
    customer, = setup["served"].query("select max(customer_id) from "
                                      "marts.fct_customer_segment")[0]
    at = _new(customer)
    assert _is_sign_in_form_only(at) and at.query_params["customer"] == customer
    _attempt(at, "bank.user", PASSWORD)
    assert at.query_params["customer"] == customer
    at.switch_page("views/customer.py").run()
    assert at.text_input[0].value == customer and at.metric
    assert _events(setup["log"])[-1] == ("customer_view", "bank.user", None)
    at.text_input[0].input("张三").run()  # a name typed into the box never reaches the log
    assert at.error[0].value.startswith("无权查看该客户")
    last = json.loads(setup["log"].read_text(encoding="utf-8").splitlines()[-1])
    assert (last["action"], last["customer_id"]) == ("customer_refused", "(not an id)")
    assert "张三" not in setup["log"].read_text(encoding="utf-8")


def test_local_analysis_mode_says_so_on_every_page(setup: dict,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BANK_TIERING_DASHBOARD_AUTH", "none")
    setup["users"].unlink()  # not needed in this mode
    at = _new()
    for spec in PAGES:
        at.switch_page(spec.view).run()
        assert not at.exception, at.exception
        assert "单机分析模式" in at.warning[0].value, spec.title
        assert not at.sidebar.button  # nobody to sign out
    view, = [e for e in map(json.loads, setup["log"].read_text().splitlines())]
    assert (view["action"], view["username"], view["scope"], view["method"]) == (
        "customer_view", "local", "bank", "local")


def _oidc_app(setup: dict, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
              claims: dict) -> AppTest:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[auth]\nredirect_uri = "http://127.0.0.1:8501/oauth2callback"\n'
                       f'cookie_secret = "{"k" * 40}"\nclient_id = "dashboard"\n'
                       'client_secret = "x"\nserver_metadata_url = '
                       '"http://127.0.0.1:9/.well-known/openid-configuration"\n')
    monkeypatch.setenv("BANK_TIERING_DASHBOARD_AUTH", "oidc")
    monkeypatch.setenv("BANK_TIERING_STREAMLIT_SECRETS", str(secrets))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.user = {"is_logged_in": True, "iss": "http://idp", "sub": claims.pop("sub"), **claims}
    at.run()
    assert not at.exception, at.exception
    return at


def test_oidc_session_admission_in_the_app(setup: dict, monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    """The gate of oidc mode (the redirect flow itself: test_dashboard_oidc.py)."""
    now = time.time()
    fresh = _oidc_app(setup, monkeypatch, tmp_path, {"sub": "s1", "iat": now - 3,
                                                     "preferred_username": "bank.user"})
    assert fresh.title[0].value == "分层总览" and fresh.metric
    fresh.run()  # the same session goes on: no second sign-in
    stale = _oidc_app(setup, monkeypatch, tmp_path, {"sub": "s2", "iat": now - 7200,
                                                     "preferred_username": "bank.user"})
    assert [b.label for b in stale.button] == ["单点登录"] and not stale.metric
    assert "请重新登录" in stale.info[0].value and not stale.error
    stranger = _oidc_app(setup, monkeypatch, tmp_path, {"sub": "s3", "iat": now - 3,
                                                        "preferred_username": "stranger"})
    assert "未在看板用户中登记" in stranger.error[0].value and not stranger.metric
    assert [b.label for b in stranger.button] == ["退出登录"]
    stranger.run()  # logged once per session
    assert _events(setup["log"]) == [("sign_in", "bank.user", None),
                                     ("sign_in_failed", "stranger", "oidc_unknown_user")]
