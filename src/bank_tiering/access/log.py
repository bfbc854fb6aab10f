"""The append-only access log (METHODOLOGY.md §15): one JSON line per event.

``BANK_TIERING_ACCESS_LOG`` (default ``data/logs/access.jsonl``). Every line has the same
keys, in this order::

    {"time": "2025-12-03T08:00:00.123456Z", "username": "zhang.san", "scope": "rm",
     "scope_id": "RM0001", "action": "customer_view", "customer_id": "C0000123",
     "list_code": null, "rows": 3, "method": "password", "reason": null,
     "period": "2025-12", "format": null, "by": null}

* ``time`` is UTC; ``username`` what was typed (lower case, at most 64 characters) or the
  signed-in user; ``scope``/``scope_id`` the user's scope (null for a failed sign-in).
* ``action`` (:data:`ACTIONS`): ``sign_in``, ``sign_in_failed`` (``reason``:
  ``wrong_password``, ``unknown_user``, ``disabled``, ``no_password``, or for single
  sign-on ``oidc_unknown_user``, ``oidc_disabled``, ``oidc_no_claim``), ``sign_in_locked``
  (refused while locked, the password is not even considered), ``sign_out`` (``reason``
  ``user``, ``idle``, ``disabled`` or ``removed``), ``customer_view`` and
  ``customer_refused`` (``rows`` = customer-months shown), ``download`` (``list_code``
  names the table, ``rows`` its rows, ``format`` csv or xlsx), and the administration of
  the users file by ``bank-tiering users``: ``user_added``, ``password_set`` (it also lifts
  a lock), ``user_disabled`` (``by`` = the operating-system account that ran it).
* No PII: customer ids, never a customer's name, id number or phone; never a password.

Append-only: the file is opened with ``O_APPEND`` for every event and each line is one
``write`` followed by ``fsync`` (under a lock within the process), so lines of concurrent
sessions never interleave and an event is on disk before the page goes on. Nothing ever
rewrites it; rotate it with the operating system's tools (the lock of §15 reads the whole
file, so rotate no more often than daily — a rotation forgets at most a running lock).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from bank_tiering.access.scope import Scope
from bank_tiering.access.users import iso, now_utc

log = logging.getLogger(__name__)

ACTIONS = (
    "sign_in", "sign_in_failed", "sign_in_locked", "sign_out",
    "customer_view", "customer_refused", "download",
    "user_added", "password_set", "user_disabled",
)
KEYS = ("time", "username", "scope", "scope_id", "action", "customer_id", "list_code", "rows",
        "method", "reason", "period", "format", "by")

_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _lock(path: Path) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(path, threading.Lock())


class AccessLog:
    """The access log at ``path`` (created with 0600 permissions, folder 0700)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def append(self, action: str, *, username: str, scope: Scope | None = None,
               customer_id: str | None = None, list_code: str | None = None,
               rows: int | None = None, method: str | None = None, reason: str | None = None,
               period: str | None = None, format: str | None = None,
               by: str | None = None, moment: datetime | None = None) -> dict:
        """Append one event; returns the record written."""
        if action not in ACTIONS:
            raise ValueError(f"unknown access-log action {action!r}")
        record = {
            "time": iso(moment or now_utc()), "username": username,
            "scope": scope.kind if scope else None, "scope_id": scope.scope_id if scope else None,
            "action": action, "customer_id": customer_id, "list_code": list_code,
            "rows": None if rows is None else int(rows), "method": method, "reason": reason,
            "period": period, "format": format, "by": by,
        }
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with _lock(self.path):
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
        return record

    def events(self, username: str | None = None) -> Iterator[dict]:
        """The events in the order written (of one username when given); a line that does
        not parse (e.g. cut by a full disk) is skipped with a warning."""
        try:
            handle = open(self.path, encoding="utf-8")
        except FileNotFoundError:
            return
        needle = f'"username": {json.dumps(username, ensure_ascii=False)}' if username else ""
        with handle:
            for number, line in enumerate(handle, start=1):
                if username is not None and needle not in line:
                    continue  # cheap pre-filter: only that user's lines are parsed
                try:
                    record = json.loads(line)
                except ValueError:
                    log.warning("access log %s line %d does not parse: skipped", self.path, number)
                    continue
                if username is None or record.get("username") == username:
                    yield record
