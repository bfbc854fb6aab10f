"""Password sign-in with a lock after failures, and the idle limit (METHODOLOGY.md §15).

Rules:

* Five failed password sign-ins in a row (:data:`FAILURES_TO_LOCK`) lock the username for
  15 minutes (:data:`LOCK_DURATION`) from the fifth failure. While locked every attempt is
  refused as ``锁定`` with the time the lock ends — also with the right password — and is
  logged as ``sign_in_locked`` (it neither extends the lock nor counts as a failure).
  After the lock the count starts again from zero; a successful sign-in resets it, and so
  does ``bank-tiering users passwd`` (an administrator's way to lift a lock).
* The lock is **derived from the access log** (:func:`locked_until`): the log is already
  append-only, shared by every dashboard process, session and tab, and survives restarts,
  so the lock does too — with no second file that could disagree with the log. The cost
  is one read of the log per sign-in attempt (a bank's dashboard writes a few thousand
  lines a day; rotate the log as :mod:`~bank_tiering.access.log` says).
* No user enumeration: an unknown username, a disabled user or one without a password is
  refused with exactly the message of a wrong password, after an argon2 verification
  against a dummy hash (the same time), and it is counted and locked like any username —
  so a lock does not tell that a username exists either. The log keeps the real reason.
* An idle session ends after 30 minutes (:data:`IDLE_LIMIT`); the dashboard checks it on
  every run and every minute while a page is open.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bank_tiering.access.log import AccessLog
from bank_tiering.access.users import (
    User,
    normalize_username,
    now_utc,
    verify_password,
)

log = logging.getLogger(__name__)

FAILURES_TO_LOCK = 5
LOCK_DURATION = timedelta(minutes=15)
IDLE_LIMIT = timedelta(minutes=30)

#: What a refused sign-in reads (the same for every reason: no user enumeration).
REFUSED_ZH = "用户名或密码错误。"
MISSING_ZH = "请输入用户名和密码。"


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def locked_until(access_log: AccessLog, username: str, now: datetime | None = None
                 ) -> datetime | None:
    """When the lock of ``username`` ends, or None when it is not locked at ``now``.

    Replays the username's password sign-in events of the log in order: a
    ``sign_in_failed`` (method ``password``) counts one failure — the fifth in a row
    starts a lock of LOCK_DURATION and resets the count; ``sign_in`` and ``password_set``
    reset the count and lift a lock; ``sign_in_locked`` changes nothing.
    """
    now = now or now_utc()
    failures = 0
    until: datetime | None = None
    for event in access_log.events(username):
        action = event.get("action")
        try:
            moment = _parse_time(event["time"])
        except (KeyError, TypeError, ValueError):
            continue
        if action == "sign_in_failed" and event.get("method") == "password":
            if until is not None and moment < until:
                continue  # written while locked by a process that had not seen the lock
            until = None
            failures += 1
            if failures >= FAILURES_TO_LOCK:
                until, failures = moment + LOCK_DURATION, 0
        elif action in ("sign_in", "password_set"):
            failures, until = 0, None
    return until if until is not None and now < until else None


def format_local(moment: datetime) -> str:
    """``2025-12-03 16:15:00（UTC+08:00）`` in the server's time zone."""
    local = moment.astimezone()
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M:%S}（UTC{offset[:3]}:{offset[3:]}）"


def locked_message(until: datetime) -> str:
    return (f"账户已锁定：连续 {FAILURES_TO_LOCK} 次登录失败，请于 {format_local(until)} 之后"
            "再试，或请管理员重设密码。")


@dataclass(frozen=True)
class SignInResult:
    """The outcome of one attempt: the user when it succeeded, else the message to show."""

    user: User | None
    message_zh: str
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None


def sign_in(users: dict[str, User], access_log: AccessLog, username: str, password: str,
            now: datetime | None = None) -> SignInResult:
    """Check one password sign-in and log it (sign_in, sign_in_failed or sign_in_locked)."""
    name = normalize_username(username)
    if not name or not password:
        return SignInResult(None, MISSING_ZH)
    user = users.get(name)
    matches = verify_password(user.password_hash if user else None, password)
    moment = now or now_utc()
    until = locked_until(access_log, name, moment)
    if until is not None:
        access_log.append("sign_in_locked", username=name, method="password", moment=moment)
        return SignInResult(None, locked_message(until), until)
    if user is None or user.disabled or not user.password_hash or not matches:
        reason = ("unknown_user" if user is None else "disabled" if user.disabled
                  else "no_password" if not user.password_hash else "wrong_password")
        access_log.append("sign_in_failed", username=name, method="password", reason=reason,
                          moment=moment)
        until = locked_until(access_log, name, moment)
        if until is not None:
            return SignInResult(None, f"{REFUSED_ZH}{locked_message(until)}", until)
        return SignInResult(None, REFUSED_ZH)
    access_log.append("sign_in", username=name, scope=user.scope, method="password",
                      moment=moment)
    return SignInResult(user, "")
