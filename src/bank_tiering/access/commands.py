"""``bank-tiering users …``: manage the dashboard's users file (INTERFACES.md §4).

    bank-tiering users add USERNAME --scope bank|branch|rm [--branch BRANCH_ID] [--rm RM_ID]
                           [--name DISPLAY_NAME] [--password-stdin | --no-password]
    bank-tiering users passwd USERNAME [--password-stdin]
    bank-tiering users disable USERNAME
    bank-tiering users list

A password is never an argument: ``add`` and ``passwd`` prompt for it twice (hidden), or
read one line from standard input with ``--password-stdin`` (for scripts). Every refusal
is one message on standard error and exit code 2, never a traceback. Each change is also
an event of the access log (``user_added``, ``password_set``, ``user_disabled``, with the
operating-system account that ran it).
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from pathlib import Path

import click
import duckdb

from bank_tiering.access.log import AccessLog
from bank_tiering.access.settings import AccessSettings, AccessSettingsError
from bank_tiering.access.signin import locked_until
from bank_tiering.access.users import (
    User,
    UsersFileError,
    UsersFileMissing,
    add_user,
    disable_user,
    editing,
    ensure_new,
    get_user,
    load_users,
    make_scope,
    set_password,
)

EXIT_REFUSED = 2


def _fail(message: str) -> None:
    click.echo(f"users: {message}", err=True)
    sys.exit(EXIT_REFUSED)


def _settings() -> AccessSettings:
    try:
        return AccessSettings.from_env()
    except AccessSettingsError as error:
        _fail(str(error))
        raise  # unreachable: _fail exits


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _current(path: Path) -> dict[str, User]:
    """The users of the file, none when there is no file yet."""
    try:
        return load_users(path)
    except UsersFileMissing:
        return {}


def _change(settings: AccessSettings, action: str,
            change: Callable[[dict[str, User]], User]) -> User:
    """Apply ``change`` to the users file (under its lock, written atomically) and log
    ``action`` for the user it returns; a refusal exits with code 2."""
    try:
        with editing(settings.users_path) as current:
            user = change(current)
    except (UsersFileError, OSError) as error:
        _fail(str(error))
    AccessLog(settings.access_log_path).append(
        action, username=user.username, scope=user.scope, by=_operator())
    return user


def read_password(from_stdin: bool) -> str:
    """One line of standard input (``--password-stdin``; the line end is not part of it),
    or a hidden prompt asked twice; refuses a mismatch or nothing."""
    if from_stdin:
        line = click.get_text_stream("stdin").readline()
        password = line.removesuffix("\n").removesuffix("\r")
        if not password:
            _fail("没有从标准输入读到密码 / no password on standard input (one line expected).")
        return password
    first = click.prompt("密码 / Password", hide_input=True, default="", show_default=False)
    if not first:
        _fail("密码不能为空 / the password must not be empty.")
    second = click.prompt("再次输入密码 / Repeat the password", hide_input=True, default="",
                          show_default=False)
    if first != second:
        _fail("两次输入的密码不一致 / the two passwords differ: nothing was changed.")
    return first


def _serving_ids(kind: str) -> set[str] | None:
    """The branch ids (kind ``branch``) or RM ids (``rm``) of the serving file, or None
    when there is no serving file to check against."""
    from bank_tiering.project import Settings

    path = Settings.from_env().serving_path
    if not path.exists():
        return None
    sql = {"branch": "select distinct branch_id from marts.fct_customer_segment",
           "rm": "select rm_id from marts.dim_relationship_manager"}[kind]
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            return {row[0] for row in con.execute(sql).fetchall()}
    except duckdb.Error:
        return None


def _warn_unknown(kind: str, value: str | None) -> None:
    if value is None:
        return
    known = _serving_ids(kind)
    if known is not None and value not in known:
        label = "机构" if kind == "branch" else "客户经理"
        click.echo(f"users: 注意 / warning: {label} {value} 不在当前发布的数据中 / is not in "
                   "the published marts (the user sees no customer until it is).", err=True)


@click.group()
def users() -> None:
    """Manage the dashboard's users (METHODOLOGY.md §15): BANK_TIERING_USERS, default
    data/users.yaml."""


@users.command("add")
@click.argument("username")
@click.option("--scope", "kind", required=True, type=click.Choice(["bank", "branch", "rm"]),
              help="bank: every customer; branch: the customers of --branch; rm: the book of "
                   "--rm.")
@click.option("--branch", "branch_id", default=None, help="The branch of a branch user.")
@click.option("--rm", "rm_id", default=None, help="The RM id of an rm user.")
@click.option("--name", "display_name", default=None, help="Display name (default: USERNAME).")
@click.option("--password-stdin", is_flag=True, help="Read the password as one line of stdin.")
@click.option("--no-password", is_flag=True,
              help="No password: the user signs in only by single sign-on (OIDC mode).")
def add(username: str, kind: str, branch_id: str | None, rm_id: str | None,
        display_name: str | None, password_stdin: bool, no_password: bool) -> None:
    """Add USERNAME with a scope; asks for the password (twice, hidden)."""
    settings = _settings()
    if password_stdin and no_password:
        _fail("--password-stdin 与 --no-password 不能同时使用 / use one of them, not both.")
    try:
        scope = make_scope(kind, branch_id, rm_id)
        ensure_new(_current(settings.users_path), username)  # refused before the prompt
    except (UsersFileError, OSError) as error:
        _fail(str(error))
    password = None if no_password else read_password(password_stdin)
    user = _change(settings, "user_added",
                   lambda current: add_user(current, username, scope, display_name, password))
    _warn_unknown(kind, branch_id or rm_id)
    click.echo(f"Added {user.username} ({user.display_name}, {user.scope.label_zh}) to "
               f"{settings.users_path}.")


@users.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password as one line of stdin.")
def passwd(username: str, password_stdin: bool) -> None:
    """Set a new password for USERNAME (also lifts a sign-in lock)."""
    settings = _settings()
    try:
        get_user(_current(settings.users_path), username)  # refused before the prompt
    except (UsersFileError, OSError) as error:
        _fail(str(error))
    password = read_password(password_stdin)
    user = _change(settings, "password_set",
                   lambda current: set_password(current, username, password))
    click.echo(f"New password set for {user.username}.")


@users.command("disable")
@click.argument("username")
def disable(username: str) -> None:
    """Disable USERNAME: it can no longer sign in, and an open session ends."""
    settings = _settings()
    user = _change(settings, "user_disabled", lambda current: disable_user(current, username))
    click.echo(f"Disabled {user.username}.")


@users.command("list")
def list_users() -> None:
    """The users with scope and status (never a password hash)."""
    settings = _settings()
    try:
        current = load_users(settings.users_path)
    except UsersFileMissing:
        _fail(f"没有用户文件 / no users file at {settings.users_path}: add a user with "
              "`bank-tiering users add USERNAME --scope bank|branch|rm`.")
    except UsersFileError as error:
        _fail(str(error))
    access_log = AccessLog(settings.access_log_path)
    click.echo(f"{settings.users_path}: {len(current)} users")
    click.echo(f"  {'username':<24}{'scope':<8}{'branch/rm':<14}{'status':<40}name")
    for user in current.values():
        until = locked_until(access_log, user.username)
        status = ("disabled" if user.disabled
                  else f"locked until {until.astimezone():%Y-%m-%d %H:%M:%S %z}" if until
                  else "sso-only (no password)" if not user.password_hash else "active")
        click.echo(f"  {user.username:<24}{user.scope.kind:<8}{user.scope.scope_id or '-':<14}"
                   f"{status:<40}{user.display_name}")

