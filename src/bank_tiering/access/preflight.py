"""Can the dashboard start in its sign-in mode? One clear message (Chinese and English)
when it cannot; used by ``bank-tiering dashboard`` before it starts the server and by the
app on every run (a file removed while the server runs stops the pages too)."""

from __future__ import annotations

import os
import tomllib

from bank_tiering.access.settings import AUTH_ENV, AccessSettings, is_loopback
from bank_tiering.access.users import UsersFileError, UsersFileMissing, load_users

#: Keys Streamlit's st.login needs in ``[auth]`` and in the provider's section.
AUTH_KEYS = ("redirect_uri", "cookie_secret")
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
COOKIE_SECRET_MIN = 32


def _add_user_hint(settings: AccessSettings, zh: bool = True) -> str:
    where = f"BANK_TIERING_USERS={settings.users_path}"
    return ("bank-tiering users add USERNAME --scope bank|branch|rm [--branch BRANCH_ID] "
            "[--rm RM_ID]" + (f"（{where}）" if zh else f" ({where})"))


def users_problem(settings: AccessSettings) -> str | None:
    """Why the users file cannot serve sign-ins, or None."""
    try:
        users = load_users(settings.users_path)
    except UsersFileMissing:
        return (f"看板未启动：没有用户文件 {settings.users_path}（登录方式 {settings.mode}）。请先"
                f"添加用户：{_add_user_hint(settings)}；仅在本机分析时可设置 {AUTH_ENV}=none。\n"
                f"The dashboard does not start: there is no users file at "
                f"{settings.users_path} (sign-in mode {settings.mode}). Add a user first: "
                f"{_add_user_hint(settings, zh=False)} — or, for local analysis on this "
                "machine only, "
                f"set {AUTH_ENV}=none.")
    except UsersFileError as error:
        return f"看板未启动 / the dashboard does not start: {error}"
    if not any(not u.disabled for u in users.values()):
        return (f"看板未启动：用户文件 {settings.users_path} 中没有启用的用户。请添加用户："
                f"{_add_user_hint(settings)}\nThe dashboard does not start: the users file "
                f"{settings.users_path} has no enabled user. Add one: "
                f"{_add_user_hint(settings, zh=False)}")
    return None


def oidc_problem(settings: AccessSettings) -> str | None:
    """Why Streamlit's st.login cannot work with the secrets file, or None."""
    path = settings.secrets_path
    intro = (f"看板未启动：单点登录（OIDC）配置 {path} ")
    try:
        secrets = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return (f"{intro}不存在。\nThe dashboard does not start: no Streamlit secrets file at "
                f"{path} (BANK_TIERING_STREAMLIT_SECRETS) with an [auth] section for OIDC "
                "(README, Dashboard: single sign-on).")
    except (OSError, tomllib.TOMLDecodeError) as error:
        return f"{intro}无法读取 / cannot be read: {error}"
    auth = secrets.get("auth")
    if not isinstance(auth, dict):
        return f"{intro}缺少 [auth] 部分 / has no [auth] section."
    provider = auth.get(settings.oidc_provider, {}) if settings.oidc_provider else auth
    if not isinstance(provider, dict):
        return f"{intro}缺少 [auth.{settings.oidc_provider}] / has no such provider section."
    missing = [f"auth.{k}" for k in AUTH_KEYS if not auth.get(k)]
    section = f"auth.{settings.oidc_provider}" if settings.oidc_provider else "auth"
    missing += [f"{section}.{k}" for k in PROVIDER_KEYS if not provider.get(k)]
    if missing:
        return f"{intro}缺少 / lacks: {', '.join(missing)}."
    if not str(auth["redirect_uri"]).endswith("/oauth2callback"):
        return (f"{intro}的 redirect_uri 必须以 /oauth2callback 结尾 / auth.redirect_uri must end "
                "with /oauth2callback.")
    if len(str(auth["cookie_secret"])) < COOKIE_SECRET_MIN:
        return (f"{intro}的 cookie_secret 太短 / auth.cookie_secret must have at least "
                f"{COOKIE_SECRET_MIN} characters (e.g. python -c \"import secrets; "
                "print(secrets.token_urlsafe(48))\").")
    return None


def access_log_problem(settings: AccessSettings) -> str | None:
    """Why the access log cannot be appended to, or None (no log, no dashboard: §15)."""
    path = settings.access_log_path
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600))
    except OSError as error:
        return (f"看板未启动：访问日志 {path} 无法写入 / the dashboard does not start: the "
                f"access log {path} cannot be appended to (BANK_TIERING_ACCESS_LOG): {error}")
    return None


def startup_problem(settings: AccessSettings) -> str | None:
    """The reason the dashboard must not start in ``settings.mode``, or None."""
    problem = access_log_problem(settings)
    if problem:
        return problem
    if settings.mode == "none":
        if not is_loopback(settings.address):
            return (f"单机分析模式只能监听本机地址 / local analysis mode listens on a loopback "
                    f"address only, not {settings.address} (BANK_TIERING_DASHBOARD_ADDRESS).")
        return None
    problem = users_problem(settings)
    if problem is None and settings.mode == "oidc":
        problem = oidc_problem(settings)
    return problem
