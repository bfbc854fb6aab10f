"""Sign-in, session and sign-out of the dashboard (METHODOLOGY.md §15, INTERFACES.md §4).

``app.py`` calls :func:`gate` first on every run: it returns the signed-in
:class:`Viewer` (username, display name, scope) or None, and then either the page runs
(with :func:`sidebar` showing who is signed in and the button 退出登录) or
:func:`sign_in_page` draws the sign-in form and nothing else.

* ``users`` mode — the form (用户名, 密码, 登录) checks the password against the users file
  (:func:`bank_tiering.access.signin.sign_in`: lock after five failures, no user
  enumeration). A sign-in lives in this browser tab's Streamlit session only: no token
  is kept in the browser, so reloading the tab or opening a link in a new tab asks to sign
  in again — and keeps the link (the URL, ``?customer=`` included, is not touched by the
  form: after the sign-in the page of the link opens).
* ``oidc`` mode — Streamlit's ``st.login`` signs in at the bank's identity provider, and
  the claim ``BANK_TIERING_OIDC_USERNAME_CLAIM`` must name an enabled user of the users
  file (which gives the scope). Streamlit keeps the identity in its own signed, HttpOnly
  cookie (30 days); the dashboard adds the idle limit on top
  (:mod:`bank_tiering.access.oidc`: a fresh sign-in, or one this server saw active within
  the idle limit; otherwise the user signs in again at the provider). The provider's
  redirect lands on the start page, so a deep link opened before the sign-in has to be
  opened again afterwards (a link opened while signed in works directly).
* ``none`` mode — local analysis: no sign-in, bank scope, every page says 单机分析模式;
  the server listens on a loopback address and the app refuses other clients.

Every run re-reads the user from the users file (cached by modification time): a user
disabled or removed while signed in is signed out at the next click. An idle session
(:data:`~bank_tiering.access.signin.IDLE_LIMIT`, 30 minutes) ends at the next run, and a
fragment checks every minute so an open page does not stay on screen.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import streamlit as st

from bank_tiering.access.log import AccessLog
from bank_tiering.access.oidc import admit, sign_in_key
from bank_tiering.access.preflight import startup_problem
from bank_tiering.access.scope import Scope
from bank_tiering.access.settings import AccessSettings, AccessSettingsError, is_loopback
from bank_tiering.access.signin import IDLE_LIMIT, sign_in
from bank_tiering.access.users import User, load_users

#: Session State keys of the sign-in.
USER_KEY = "auth_username"
SEEN_KEY = "auth_last_seen"
METHOD_KEY = "auth_method"
NOTICE_KEY = "auth_notice"
OIDC_KEY = "auth_oidc_sign_in"
REFUSED_KEY = "auth_oidc_refused"
VIEWER_KEY = "auth_viewer"

LOCAL_MODE_ZH = "单机分析模式"
IDLE_SECONDS = IDLE_LIMIT.total_seconds()

#: OIDC sign-ins this server saw active: (issuer, subject, issued at) -> last activity.
_OIDC_ACTIVITY: dict[tuple, float] = {}
_OIDC_LOCK = threading.Lock()


@dataclass(frozen=True)
class Viewer:
    """Who is looking: the user's name and scope, and how they signed in."""

    username: str
    display_name: str
    scope: Scope
    method: str  # password | oidc | local



def settings() -> AccessSettings:
    """The access settings of this process (the dashboard server passes them on)."""
    try:
        return AccessSettings.from_env()
    except AccessSettingsError as error:
        st.error(str(error))
        st.stop()
        raise


class _PageAccessLog(AccessLog):
    """The access log of a page run: when a line cannot be written (e.g. a full disk) the
    run stops with a message instead of going on unlogged (§15: no access without its
    log line)."""

    def append(self, action: str, **fields) -> dict:
        try:
            return super().append(action, **fields)
        except OSError as error:
            st.error(f"访问日志 {self.path} 无法写入，操作未完成。请联系管理员。（{error}）")
            st.stop()
            raise


def access_log() -> AccessLog:
    return _PageAccessLog(settings().access_log_path)


def current() -> Viewer:
    """The viewer of this run (set by :func:`gate`; a page only runs when there is one)."""
    viewer = st.session_state.get(VIEWER_KEY)
    if not isinstance(viewer, Viewer):
        st.error("未登录。")
        st.stop()
    return viewer


def log_event(action: str, **fields) -> None:
    """One access-log line for the viewer of this run."""
    viewer = current()
    method = viewer.method
    access_log().append(action, username=viewer.username, scope=viewer.scope, method=method,
                        **fields)


# --------------------------------------------------------------------------------------
# The gate
# --------------------------------------------------------------------------------------


def gate() -> Viewer | None:
    """The signed-in viewer, or None when the sign-in page must be shown. Stops the run
    with one message when the mode cannot work (e.g. no users file)."""
    config = settings()
    problem = startup_problem(config)
    if problem:
        st.error(problem)
        st.stop()
    if config.mode == "none":
        client = st.context.ip_address  # None for a loopback client
        if isinstance(client, str) and not is_loopback(client):
            st.error(f"{LOCAL_MODE_ZH}只接受本机访问 / local analysis mode serves this machine "
                     "only.")
            st.stop()
        viewer = Viewer("local", LOCAL_MODE_ZH, Scope.bank(), "local")
    else:
        users = load_users(config.users_path)
        viewer = (_oidc_viewer(users, config) if config.mode == "oidc"
                  else _session_viewer(users))
    st.session_state[VIEWER_KEY] = viewer
    return viewer


def _end_session(reason: str, notice: str | None) -> None:
    """Log the sign-out of the session's user and forget everything of the session."""
    username = st.session_state.get(USER_KEY)
    if username:
        viewer = st.session_state.get(VIEWER_KEY)
        access_log().append("sign_out", username=username,
                            scope=viewer.scope if isinstance(viewer, Viewer) else None,
                            method=st.session_state.get(METHOD_KEY), reason=reason)
    oidc = st.session_state.get(OIDC_KEY)
    if oidc is not None:
        with _OIDC_LOCK:
            _OIDC_ACTIVITY.pop(oidc, None)
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if notice:
        st.session_state[NOTICE_KEY] = notice


def _session_viewer(users: dict[str, User]) -> Viewer | None:
    """The viewer of a signed-in session: the user still enabled, the session not idle."""
    username = st.session_state.get(USER_KEY)
    if not username:
        return None
    user = users.get(username)
    now = time.time()
    if user is None or user.disabled:
        _end_session("removed" if user is None else "disabled",
                     "您的账户已停用，会话已结束。请联系管理员。")
        return None
    if now - float(st.session_state.get(SEEN_KEY, 0.0)) > IDLE_SECONDS:
        _end_session("idle", f"{int(IDLE_SECONDS // 60)} 分钟无操作，已自动退出登录，请重新登录。")
        return None
    st.session_state[SEEN_KEY] = now
    viewer = Viewer(user.username, user.display_name, user.scope,
                    st.session_state.get(METHOD_KEY, "password"))
    return viewer


def _start_session(user: User, method: str) -> None:
    st.session_state[USER_KEY] = user.username
    st.session_state[METHOD_KEY] = method
    st.session_state[SEEN_KEY] = time.time()
    st.session_state.pop(NOTICE_KEY, None)


def _oidc_viewer(users: dict[str, User], config: AccessSettings) -> Viewer | None:
    """The viewer of a single sign-on (:func:`bank_tiering.access.oidc.admit`)."""
    if not st.user.is_logged_in:
        if st.session_state.get(USER_KEY):
            _end_session("idle", "单点登录会话已结束，请重新登录。")
        return None
    claims = st.user.to_dict()
    key = sign_in_key(claims)
    if st.session_state.get(USER_KEY) and st.session_state.get(OIDC_KEY) == key:
        viewer = _session_viewer(users)  # a running session: still enabled, not idle
        if viewer is not None:
            with _OIDC_LOCK:
                _OIDC_ACTIVITY[key] = time.time()
        return viewer
    now = time.time()
    with _OIDC_LOCK:
        last = _OIDC_ACTIVITY.get(key)
    admission = admit(claims, users, config.oidc_claim, last, now)
    if admission.refused:
        if st.session_state.get(REFUSED_KEY) != key:  # logged once per session
            access_log().append("sign_in_failed", username=admission.username or "(none)",
                                method="oidc", reason=admission.refused)
            st.session_state[REFUSED_KEY] = key
        return None
    if admission.expired:
        with _OIDC_LOCK:
            _OIDC_ACTIVITY.pop(key, None)
        if admission.expired == "idle":
            user = users[admission.username]
            access_log().append("sign_out", username=user.username, scope=user.scope,
                                method="oidc", reason="idle")
        st.session_state[NOTICE_KEY] = ("单点登录会话已结束（30 分钟无操作或看板已重启），"
                                        "请重新登录。")
        return None
    user = admission.user
    if admission.new_sign_in:
        access_log().append("sign_in", username=user.username, scope=user.scope, method="oidc")
    _start_session(user, "oidc")
    st.session_state[OIDC_KEY] = key
    with _OIDC_LOCK:
        _OIDC_ACTIVITY[key] = now
    return Viewer(user.username, user.display_name, user.scope, "oidc")


# --------------------------------------------------------------------------------------
# What the user sees
# --------------------------------------------------------------------------------------


def sign_in_page() -> None:
    """The sign-in form (users mode) or the single sign-on button (oidc mode), nothing
    else: no page, no filter, no figure."""
    config = settings()
    st.title("客户分层看板")
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.info(notice)
    if config.mode == "oidc":
        _oidc_sign_in(config)
        return
    column, _ = st.columns([2, 3])
    with column.form("sign_in", clear_on_submit=True):
        st.subheader("登录")
        username = st.text_input("用户名", key="sign_in_username")
        password = st.text_input("密码", type="password", key="sign_in_password")
        submitted = st.form_submit_button("登录")
    if submitted:
        result = sign_in(load_users(config.users_path), access_log(), username, password)
        if result.ok:
            _start_session(result.user, "password")
            st.rerun()
        column.error(result.message_zh)


def _oidc_sign_in(config: AccessSettings) -> None:
    if st.user.is_logged_in and st.session_state.get(REFUSED_KEY):
        # signed in at the provider, but not a user of the dashboard
        st.error("您的单点登录账号未在看板用户中登记或已停用，无权访问。请联系管理员。")
        if st.button("退出登录"):
            st.logout()
        return
    st.subheader("登录")
    st.caption("使用本行统一身份认证（单点登录）。")
    if st.button("单点登录", type="primary"):
        if config.oidc_provider:
            st.login(config.oidc_provider)
        else:
            st.login()


def sign_out() -> None:
    """The button's callback: end the session (logged) before the run that follows shows
    the sign-in page; in oidc mode also at Streamlit (its cookie) and the provider."""
    method = st.session_state.get(METHOD_KEY)
    _end_session("user", "已退出登录。")
    if method == "oidc":
        st.logout()


@st.fragment(run_every=60)
def _idle_watch() -> None:
    """Every minute: a session idle for longer than the limit reruns the app, which ends
    it (this check itself is not activity)."""
    seen = st.session_state.get(SEEN_KEY)
    if seen is not None and time.time() - float(seen) > IDLE_SECONDS:
        st.rerun(scope="app")


def sidebar(viewer: Viewer) -> None:
    """Who is signed in, the button 退出登录 (or the 单机分析模式 note), on every page."""
    if viewer.method == "local":
        st.warning(f"**{LOCAL_MODE_ZH}**：未启用登录，仅本机（127.0.0.1）可访问，显示全部客户。"
                   "多人使用时请以用户文件或单点登录方式启动看板。")
        st.sidebar.caption(f"{LOCAL_MODE_ZH} · 全部客户")
        return
    st.sidebar.markdown(f"**{viewer.display_name}**（{viewer.username}）  \n"
                        f"权限范围：{viewer.scope.label_zh}")
    st.sidebar.button("退出登录", key="sign_out", on_click=sign_out)
    with st.sidebar:
        _idle_watch()
