"""The dashboard's users file (METHODOLOGY.md §15, INTERFACES.md §4).

A YAML file outside the warehouse and outside the repository (``BANK_TIERING_USERS``,
default ``data/users.yaml``)::

    users:
      - username: zhang.san
        name: 张三
        scope: rm            # bank | branch | rm
        branch_id: null      # the branch of a branch user
        rm_id: RM0001        # the RM id of an rm user
        password_hash: $argon2id$v=19$m=65536,t=3,p=4$...
        disabled: false
        created_at: '2025-12-03T08:00:00Z'
        password_set_at: '2025-12-03T08:00:00Z'

* Usernames are case-insensitive (stored in lower case): 1–64 characters of ``a-z 0-9 . _
  @ -``, starting with a letter or digit (so an e-mail address or a staff id fits, and an
  OIDC claim maps to one).
* Passwords are stored only as argon2id hashes (argon2-cffi's defaults, RFC 9106's
  low-memory profile: t=3, m=64 MiB, p=4). ``password_hash`` is null for a user who signs
  in only by single sign-on (``users add --no-password``).
* The file is written atomically (a temporary file in the same folder, fsync, rename) with
  permissions 0600, under an exclusive lock (``<file>.lock``) so two commands never lose
  each other's change. A hand-edited file that breaks a rule (a duplicate username, an
  unknown scope, a scope without its branch or RM) is refused with a message naming it.

Password policy (``check_password``; the 等级保护 2.0 "口令复杂度" expectation of Chinese
banks, with a longer minimum than its usual 8): 12–128 characters; at least three of lower
case, upper case, digits and other characters; not containing the username; no control
characters; not more than half of it one repeated character.
"""

from __future__ import annotations

import fcntl
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import yaml
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bank_tiering.access.scope import SCOPE_KINDS, Scope

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
NAME_MAX = 64
PASSWORD_MIN = 12
PASSWORD_MAX = 128
HEADER = (
    "# Users of the customer-tiering dashboard (METHODOLOGY.md §15).\n"
    "# Managed by `bank-tiering users add|passwd|disable|list`; passwords are argon2id\n"
    "# hashes. Keep this file out of the repository (permissions 0600).\n"
)

_HASHER = PasswordHasher()  # argon2id, RFC 9106 low-memory profile


class UsersFileError(ValueError):
    """The users file cannot be read, or an edit breaks one of its rules."""


class UsersFileMissing(UsersFileError):
    """There is no users file at the path."""


def now_utc() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """UTC ISO 8601 with a ``Z``: ``2025-12-03T08:00:00.123456Z``."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class User:
    """One user of the users file."""

    username: str
    display_name: str
    scope: Scope
    password_hash: str | None = None
    disabled: bool = False
    created_at: str | None = None
    password_set_at: str | None = None

    def as_record(self) -> dict:
        return {
            "username": self.username,
            "name": self.display_name,
            "scope": self.scope.kind,
            "branch_id": self.scope.branch_id,
            "rm_id": self.scope.rm_id,
            "password_hash": self.password_hash,
            "disabled": self.disabled,
            "created_at": self.created_at,
            "password_set_at": self.password_set_at,
        }


def normalize_username(username: str) -> str:
    """What the user typed as it is looked up and logged: stripped, lower case, at most
    64 characters (a longer one cannot be a username and is cut in the log)."""
    return (username or "").strip().lower()[:64]


def check_username(username: str) -> str:
    """The normalized username, or UsersFileError saying what is wrong with it."""
    name = (username or "").strip().lower()
    if not USERNAME_PATTERN.match(name):
        raise UsersFileError(
            f"用户名 {username!r} 无效 / invalid username: 1–64 characters of a-z 0-9 . _ @ -, "
            "starting with a letter or digit.")
    return name


def make_scope(kind: str, branch_id: str | None, rm_id: str | None) -> Scope:
    """A scope from the command line or the file, or UsersFileError with the rule broken."""
    if kind not in SCOPE_KINDS:
        raise UsersFileError(f"未知权限范围 / unknown scope {kind!r}: use bank, branch or rm.")
    for label, value in (("branch", branch_id), ("rm", rm_id)):
        if value is not None and not ID_PATTERN.match(str(value)):
            raise UsersFileError(f"--{label} {value!r} 无效 / invalid id: 1–64 characters of "
                                 "A-Z a-z 0-9 . _ -.")
    if kind == "branch" and not branch_id:
        raise UsersFileError("机构用户需要 --branch / scope branch needs --branch BRANCH_ID.")
    if kind == "rm" and not rm_id:
        raise UsersFileError("客户经理用户需要 --rm / scope rm needs --rm RM_ID.")
    if kind != "branch" and branch_id:
        raise UsersFileError(f"--branch 只用于 scope branch / --branch is only for scope "
                             f"branch (not {kind}).")
    if kind != "rm" and rm_id:
        raise UsersFileError(f"--rm 只用于 scope rm / --rm is only for scope rm (not {kind}).")
    return Scope(kind, branch_id=branch_id or None, rm_id=rm_id or None)


def check_password(password: str, username: str) -> None:
    """Raise UsersFileError when the password breaks the policy (module docstring)."""
    problems = []
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        problems.append(f"{PASSWORD_MIN}–{PASSWORD_MAX} characters (got {len(password)})")
    if any(ord(c) < 32 or ord(c) == 127 for c in password):
        problems.append("no control characters")
    classes = sum([any(c.islower() for c in password), any(c.isupper() for c in password),
                   any(c.isdigit() for c in password),
                   any(not c.isalnum() for c in password)])
    if classes < 3:
        problems.append("at least three of: lower case, upper case, digits, other characters")
    if username and username.lower() in password.lower():
        problems.append("must not contain the username")
    if password and max(password.count(c) for c in set(password)) * 2 > len(password):
        problems.append("not more than half of it one repeated character")
    if problems:
        raise UsersFileError("密码不符合要求 / the password does not meet the policy: "
                             + "; ".join(problems) + ".")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


#: A hash of a random password: verified against when the username is unknown (or has no
#: password), so an unknown user takes as long to refuse as a wrong password.
DUMMY_HASH = _HASHER.hash(os.urandom(16).hex())


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; always runs one argon2 verification (the dummy hash
    when there is none), so the time does not tell whether the user exists."""
    try:
        return _HASHER.verify(password_hash or DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


# --------------------------------------------------------------------------------------
# Reading and writing the file
# --------------------------------------------------------------------------------------


def _user_from_record(record: object, index: int) -> User:
    where = f"users[{index}]"
    if not isinstance(record, dict):
        raise UsersFileError(f"{where} is not a mapping")
    try:
        username = check_username(str(record.get("username") or ""))
        scope = make_scope(str(record.get("scope") or ""), record.get("branch_id"),
                           record.get("rm_id"))
    except UsersFileError as error:
        raise UsersFileError(f"{where}: {error}") from None
    password_hash = record.get("password_hash")
    if password_hash is not None and not str(password_hash).startswith("$argon2id$"):
        raise UsersFileError(f"{where} ({username}): password_hash is not an argon2id hash")
    disabled = record.get("disabled", False)
    if not isinstance(disabled, bool):
        raise UsersFileError(f"{where} ({username}): disabled must be true or false")
    return User(username=username, display_name=str(record.get("name") or username),
                scope=scope, password_hash=password_hash, disabled=disabled,
                created_at=record.get("created_at"),
                password_set_at=record.get("password_set_at"))


def parse_users(text: str, path: Path) -> dict[str, User]:
    try:
        data = yaml.safe_load(text) if text.strip() else {"users": []}
    except yaml.YAMLError as error:
        raise UsersFileError(f"用户文件 {path} 不是有效的 YAML / is not valid YAML: "
                             f"{error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("users", []), list):
        raise UsersFileError(f"用户文件 {path} 应包含 users 列表 / must hold a list 'users'")
    users: dict[str, User] = {}
    for index, record in enumerate(data.get("users") or []):
        try:
            user = _user_from_record(record, index)
        except UsersFileError as error:
            raise UsersFileError(f"用户文件 {path} 有误 / invalid users file: {error}") from None
        if user.username in users:
            raise UsersFileError(f"用户文件 {path} 有误 / invalid users file: username "
                                 f"{user.username!r} appears twice")
        users[user.username] = user
    return users


_CACHE: dict[Path, tuple[tuple[int, int], dict[str, User]]] = {}


def load_users(path: Path) -> dict[str, User]:
    """The users of the file (username -> User); re-read only when the file changed."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise UsersFileMissing(str(path)) from None
    key = (stat.st_mtime_ns, stat.st_size)
    cached = _CACHE.get(path)
    if cached and cached[0] == key:
        return cached[1]
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise UsersFileError(f"用户文件 {path} 无法读取 / cannot be read: {error}") from None
    users = parse_users(text, path)
    _CACHE[path] = (key, users)
    return users


def dump_users(users: dict[str, User]) -> str:
    body = yaml.safe_dump({"users": [u.as_record() for u in users.values()]},
                          allow_unicode=True, sort_keys=False, default_flow_style=False)
    return HEADER + body


def write_atomically(path: Path, text: str, mode: int = 0o600) -> None:
    """Write ``text`` to a temporary file beside ``path`` (permissions ``mode`` from the
    start), fsync it, rename it over ``path`` and fsync the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


@contextmanager
def editing(path: Path) -> Iterator[dict[str, User]]:
    """Read-modify-write the users file under an exclusive lock: yields the users (empty
    when there is no file yet); what the block leaves in the dict is written atomically.
    Nothing is written when the block raises."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(path.name + ".lock")
    with open(os.open(lock_path, os.O_WRONLY | os.O_CREAT, 0o600), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            users = dict(parse_users(path.read_text(encoding="utf-8"), path)
                         if path.exists() else {})
            before = dict(users)
            yield users
            if users != before or not path.exists():
                write_atomically(path, dump_users(users))
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def ensure_new(users: dict[str, User], username: str) -> str:
    """The normalized username when it is valid and not taken, else UsersFileError."""
    name = check_username(username)
    if name in users:
        raise UsersFileError(f"用户 {name} 已存在 / user {name!r} already exists (use "
                             "`users passwd` to set a new password).")
    return name


def add_user(users: dict[str, User], username: str, scope: Scope, display_name: str | None,
             password: str | None, moment: datetime | None = None) -> User:
    """Add a new user to ``users`` (UsersFileError when the username is taken or the
    password breaks the policy); ``password`` None = single sign-on only."""
    name = ensure_new(users, username)
    display = (display_name or name).strip()
    if not display or len(display) > NAME_MAX or any(ord(c) < 32 for c in display):
        raise UsersFileError(f"显示名称无效 / invalid --name: 1–{NAME_MAX} printable characters.")
    if password is not None:
        check_password(password, name)
    stamp = iso(moment or now_utc())
    user = User(username=name, display_name=display, scope=scope,
                password_hash=hash_password(password) if password is not None else None,
                created_at=stamp, password_set_at=stamp if password is not None else None)
    users[name] = user
    return user


def get_user(users: dict[str, User], username: str) -> User:
    name = normalize_username(username)
    if name not in users:
        raise UsersFileError(f"没有用户 {name} / no user {name!r} in the users file.")
    return users[name]


def set_password(users: dict[str, User], username: str, password: str,
                 moment: datetime | None = None) -> User:
    user = get_user(users, username)
    check_password(password, user.username)
    users[user.username] = replace(user, password_hash=hash_password(password),
                                   password_set_at=iso(moment or now_utc()))
    return users[user.username]


def disable_user(users: dict[str, User], username: str) -> User:
    user = get_user(users, username)
    users[user.username] = replace(user, disabled=True)
    return users[user.username]
