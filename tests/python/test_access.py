"""Users file, password policy, sign-in lock, access log and the `bank-tiering users`
commands (METHODOLOGY.md §15, INTERFACES.md §4) — without a browser.

Tested as an attacker would try: a password on the command line is impossible, a weak one
is refused, an unknown username is refused exactly like a wrong password (same message,
one argon2 verification) and is locked like a real one, the 6th attempt is locked even
with the right password, and the lock survives a new process (it is read from the log).
"""

from __future__ import annotations

import json
import os
import stat
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import Served

from bank_tiering.access import users as users_module
from bank_tiering.access.demo import (
    DEMO_BANK,
    DEMO_BRANCH,
    DEMO_RM,
    ensure_demo_users,
    generate_password,
)
from bank_tiering.access.log import KEYS, AccessLog
from bank_tiering.access.oidc import FRESH_SECONDS as OIDC_FRESH
from bank_tiering.access.oidc import admit
from bank_tiering.access.preflight import startup_problem
from bank_tiering.access.scope import Scope
from bank_tiering.access.settings import AccessSettings
from bank_tiering.access.signin import (
    FAILURES_TO_LOCK,
    LOCK_DURATION,
    REFUSED_ZH,
    locked_until,
    sign_in,
)
from bank_tiering.access.users import (
    UsersFileError,
    add_user,
    check_password,
    load_users,
    parse_users,
)
from bank_tiering.cli import main

GOOD = "Str0ng-Passw0rd!"
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
#: The module's own hasher and dummy hash (before fast_password_hashes replaces them).
PRODUCTION_HASHER, PRODUCTION_DUMMY_HASH = users_module._HASHER, users_module.DUMMY_HASH


pytestmark = pytest.mark.usefixtures("fast_password_hashes")


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AccessSettings:
    monkeypatch.setenv("BANK_TIERING_USERS", str(tmp_path / "users.yaml"))
    monkeypatch.setenv("BANK_TIERING_ACCESS_LOG", str(tmp_path / "logs" / "access.jsonl"))
    monkeypatch.setenv("BANK_TIERING_SERVING_DUCKDB", str(tmp_path / "no-serving.duckdb"))
    monkeypatch.delenv("BANK_TIERING_DASHBOARD_AUTH", raising=False)
    return AccessSettings.from_env()


def _cli(*args: str, input: str | None = None):
    result = CliRunner().invoke(main, ["users", *args], input=input)
    # a refusal is a message and exit code 2, never a traceback
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    return result


# --------------------------------------------------------------------------------------
# The CLI
# --------------------------------------------------------------------------------------


def test_users_add_with_password_stdin_writes_a_private_file_with_a_hash_only(
        env: AccessSettings) -> None:
    result = _cli("add", "Zhang.San", "--scope", "rm", "--rm", "RM0001", "--name", "张三",
                  "--password-stdin", input=GOOD + "\n")
    assert result.exit_code == 0, result.output
    path = env.users_path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    assert GOOD not in text and "$argon2id$" in text
    record, = yaml.safe_load(text)["users"]
    assert {k: record[k] for k in ("username", "name", "scope", "rm_id", "branch_id",
                                   "disabled")} == {
        "username": "zhang.san", "name": "张三", "scope": "rm", "rm_id": "RM0001",
        "branch_id": None, "disabled": False}
    user = load_users(path)["zhang.san"]
    assert users_module.verify_password(user.password_hash, GOOD)
    assert not users_module.verify_password(user.password_hash, GOOD + "x")
    assert not list(path.parent.glob(".users.yaml.*.tmp"))  # the atomic write left nothing
    event, = AccessLog(env.access_log_path).events()
    assert (event["action"], event["username"], event["scope"], event["scope_id"]) == (
        "user_added", "zhang.san", "rm", "RM0001")


def test_users_add_prompts_twice_and_refuses_a_mismatch(env: AccessSettings) -> None:
    ok = _cli("add", "li.si", "--scope", "branch", "--branch", "BR001",
              input=f"{GOOD}\n{GOOD}\n")
    assert ok.exit_code == 0, ok.output
    assert ok.output.count("密码") == 2 and GOOD not in ok.output  # hidden, asked twice
    mismatch = _cli("add", "wang.wu", "--scope", "bank", input=f"{GOOD}\n{GOOD}x\n")
    assert mismatch.exit_code == 2 and "differ" in mismatch.output
    assert set(load_users(env.users_path)) == {"li.si"}


@pytest.mark.parametrize(("args", "message"), [
    (["add", "x1", "--scope", "branch"], "needs --branch"),
    (["add", "x1", "--scope", "rm"], "needs --rm"),
    (["add", "x1", "--scope", "bank", "--branch", "BR001"], "only for scope branch"),
    (["add", "x1", "--scope", "branch", "--branch", "BR001", "--rm", "R1"], "only for scope rm"),
    (["add", "bad name!", "--scope", "bank"], "invalid username"),
    (["add", "x1", "--scope", "branch", "--branch", "BR 001"], "invalid id"),
    (["add", "x1", "--scope", "galaxy"], "Invalid value for '--scope'"),
    (["passwd", "nobody"], "no user 'nobody'"),
    (["disable", "nobody"], "no user 'nobody'"),
    (["list"], "no users file"),
])
def test_users_commands_refuse_bad_input_with_exit_code_2(
        env: AccessSettings, args: list[str], message: str) -> None:
    extra = ["--password-stdin"] if args[0] == "add" else []
    result = _cli(*args, *extra, input=GOOD + "\n")
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not env.users_path.exists() or not load_users(env.users_path)


def test_users_add_refuses_a_duplicate_and_weak_or_empty_passwords(env: AccessSettings) -> None:
    assert _cli("add", "zhao", "--scope", "bank", "--password-stdin",
                input=GOOD + "\n").exit_code == 0
    before = env.users_path.read_bytes()
    duplicate = _cli("add", "ZHAO", "--scope", "bank", "--password-stdin", input=GOOD + "\n")
    assert duplicate.exit_code == 2 and "already exists" in duplicate.output
    for weak, why in (("short1A!", "12–128"), ("alllowercaseletters", "three of"),
                      ("Qian-Passw0rd!", "username"), ("", "no password"),
                      ("aaaaaaaaaaaaA1!", "repeated")):
        result = _cli("add", "qian", "--scope", "bank", "--password-stdin", input=weak + "\n")
        assert result.exit_code == 2 and why in result.output, (weak, result.output)
    assert env.users_path.read_bytes() == before  # nothing written by a refusal


def test_passwd_disable_and_list_never_print_a_hash(env: AccessSettings) -> None:
    _cli("add", "sun", "--scope", "branch", "--branch", "BR002", "--password-stdin",
         input=GOOD + "\n")
    old_hash = load_users(env.users_path)["sun"].password_hash
    assert _cli("passwd", "sun", "--password-stdin", input="An0ther-Secret#\n").exit_code == 0
    user = load_users(env.users_path)["sun"]
    assert user.password_hash != old_hash
    assert users_module.verify_password(user.password_hash, "An0ther-Secret#")
    assert _cli("disable", "sun").exit_code == 0
    listed = _cli("list")
    assert listed.exit_code == 0
    assert "sun" in listed.output and "disabled" in listed.output
    assert "$argon2" not in listed.output and "An0ther" not in listed.output
    actions = [e["action"] for e in AccessLog(env.access_log_path).events()]
    assert actions == ["user_added", "password_set", "user_disabled"]


def test_a_hand_edited_users_file_with_a_broken_rule_is_refused(tmp_path: Path) -> None:
    record = {"username": "a", "scope": "bank", "password_hash": None}
    for users, message in (
            ([record, record], "appears twice"),
            ([{**record, "scope": "branch"}], "needs --branch"),
            ([{**record, "password_hash": "plain-text"}], "not an argon2id hash"),
            ([{**record, "disabled": "no"}], "true or false"),
    ):
        with pytest.raises(UsersFileError, match=message):
            parse_users(yaml.safe_dump({"users": users}), tmp_path / "users.yaml")
    with pytest.raises(UsersFileError, match="not valid YAML"):
        parse_users("users: [", tmp_path / "users.yaml")


def test_password_hashes_are_argon2id_with_rfc_9106_parameters() -> None:
    assert PRODUCTION_HASHER.hash(GOOD).startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PRODUCTION_DUMMY_HASH.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_password_policy() -> None:
    check_password(GOOD, "zhang")
    check_password("correct horse BATTERY staple", "zhang")  # a passphrase is fine
    for bad in ("Sh0rt!", "x" * 129 + "A1!", "NoDigitsOrSymbols", "Tab\tInside-Passw0rd"):
        with pytest.raises(UsersFileError):
            check_password(bad, "zhang")
    assert all(check_password(generate_password(), "demo") is None for _ in range(50))


# --------------------------------------------------------------------------------------
# Sign-in and the lock
# --------------------------------------------------------------------------------------


def _one_user(tmp_path: Path) -> tuple[dict, AccessLog]:
    users: dict = {}
    add_user(users, "zhang", Scope.rm("RM0001"), "张三", GOOD)
    add_user(users, "gone", Scope.bank(), "停用", GOOD)
    users["gone"] = replace(users["gone"], disabled=True)
    return users, AccessLog(tmp_path / "access.jsonl")


def test_five_failures_lock_for_15_minutes_even_with_the_right_password(tmp_path: Path) -> None:
    users, log = _one_user(tmp_path)
    for i in range(FAILURES_TO_LOCK - 1):
        result = sign_in(users, log, "zhang", "wrong", T0 + timedelta(seconds=i))
        assert not result.ok and result.message_zh == REFUSED_ZH
    fifth = sign_in(users, log, "zhang", "wrong", T0 + timedelta(seconds=10))
    assert not fifth.ok and "锁定" in fifth.message_zh
    until = T0 + timedelta(seconds=10) + LOCK_DURATION
    sixth = sign_in(users, log, "zhang", GOOD, T0 + timedelta(minutes=5))
    assert not sixth.ok and sixth.locked_until == until
    assert "锁定" in sixth.message_zh and f"{until.astimezone():%H:%M:%S}" in sixth.message_zh
    # a new process (another dashboard, a restart) reads the same lock from the log
    assert locked_until(AccessLog(log.path), "zhang", T0 + timedelta(minutes=14)) == until
    assert sign_in(users, log, "zhang", GOOD, until + timedelta(seconds=1)).ok
    actions = [(e["action"], e["reason"]) for e in log.events("zhang")]
    assert actions == [("sign_in_failed", "wrong_password")] * 5 + [
        ("sign_in_locked", None), ("sign_in", None)]


def test_a_success_resets_the_count_and_passwd_lifts_a_lock(tmp_path: Path) -> None:
    users, log = _one_user(tmp_path)
    for i in range(4):
        sign_in(users, log, "zhang", "wrong", T0 + timedelta(seconds=i))
    assert sign_in(users, log, "zhang", GOOD, T0 + timedelta(seconds=5)).ok
    for i in range(4):
        sign_in(users, log, "zhang", "wrong", T0 + timedelta(seconds=10 + i))
    assert locked_until(log, "zhang", T0 + timedelta(seconds=20)) is None  # 4 in a row only
    sign_in(users, log, "zhang", "wrong", T0 + timedelta(seconds=15))
    assert locked_until(log, "zhang", T0 + timedelta(seconds=20)) is not None
    log.append("password_set", username="zhang", moment=T0 + timedelta(seconds=30))
    assert sign_in(users, log, "zhang", GOOD, T0 + timedelta(seconds=31)).ok


def test_unknown_and_disabled_users_are_refused_like_a_wrong_password(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    users, log = _one_user(tmp_path)
    verified: list[str] = []
    real = users_module._HASHER

    class Spy:
        def verify(self, password_hash: str, password: str) -> bool:
            verified.append(password_hash)
            return real.verify(password_hash, password)

    monkeypatch.setattr(users_module, "_HASHER", Spy())
    wrong = sign_in(users, log, "zhang", "wrong", T0)
    unknown = sign_in(users, log, "nobody", GOOD, T0)
    disabled = sign_in(users, log, "gone", GOOD, T0)
    assert wrong.message_zh == unknown.message_zh == disabled.message_zh == REFUSED_ZH
    # one argon2 verification each: the unknown user against the dummy hash
    assert verified == [users["zhang"].password_hash, users_module.DUMMY_HASH,
                        users["gone"].password_hash]
    reasons = {e["username"]: e["reason"] for e in log.events()}
    assert reasons == {"zhang": "wrong_password", "nobody": "unknown_user", "gone": "disabled"}
    # an unknown username is locked like a real one: a lock tells nothing either
    for i in range(1, FAILURES_TO_LOCK):
        sign_in(users, log, "nobody", GOOD, T0 + timedelta(seconds=i))
    assert "锁定" in sign_in(users, log, "nobody", GOOD, T0 + timedelta(seconds=9)).message_zh


# --------------------------------------------------------------------------------------
# The access log
# --------------------------------------------------------------------------------------


def test_the_access_log_is_append_only_json_lines_from_many_threads(tmp_path: Path) -> None:
    log = AccessLog(tmp_path / "logs" / "access.jsonl")
    log.append("sign_in", username="first", scope=Scope.branch("BR001"), method="password")
    first_line = log.path.read_bytes()

    def views(n: int) -> None:
        for i in range(50):
            log.append("customer_view", username=f"user{n}", scope=Scope.rm("RM1"),
                       customer_id=f"C{i:07d}", rows=3, period="2025-02")

    threads = [threading.Thread(target=views, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    data = log.path.read_bytes()
    assert data.startswith(first_line)  # earlier lines are never rewritten
    lines = data.decode("utf-8").splitlines()
    assert len(lines) == 201
    records = [json.loads(line) for line in lines]
    assert all(list(r) == list(KEYS) for r in records)
    assert records[0]["time"].endswith("Z") and records[0]["scope_id"] == "BR001"
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.path.parent.stat().st_mode) == 0o700
    with open(log.path, "ab") as handle:  # a torn last line is skipped, not fatal
        handle.write(b'{"time": "2025')
    assert len(list(log.events())) == 201


# --------------------------------------------------------------------------------------
# Start-up refusals and demo users
# --------------------------------------------------------------------------------------


def test_the_dashboard_refuses_to_start_without_a_users_file(
        env: AccessSettings, monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(main, ["dashboard"])
    assert result.exit_code == 2
    assert str(env.users_path) in result.output and "bank-tiering users add" in result.output
    assert "没有用户文件" in result.output and "no users file" in result.output
    monkeypatch.setenv("BANK_TIERING_DASHBOARD_AUTH", "none")
    monkeypatch.setenv("BANK_TIERING_DASHBOARD_ADDRESS", "0.0.0.0")
    refused = CliRunner().invoke(main, ["dashboard"])
    assert refused.exit_code == 2 and "loopback" in refused.output
    monkeypatch.setenv("BANK_TIERING_DASHBOARD_AUTH", "sometimes")
    assert CliRunner().invoke(main, ["dashboard"]).exit_code == 2


def test_oidc_mode_needs_the_auth_secrets(env: AccessSettings, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    _cli("add", "sso.user", "--scope", "bank", "--no-password")
    secrets = tmp_path / "secrets.toml"
    monkeypatch.setenv("BANK_TIERING_DASHBOARD_AUTH", "oidc")
    monkeypatch.setenv("BANK_TIERING_STREAMLIT_SECRETS", str(secrets))
    assert "no Streamlit secrets file" in startup_problem(AccessSettings.from_env())
    secrets.write_text('[auth]\nredirect_uri = "http://127.0.0.1:8501/oauth2callback"\n'
                       'cookie_secret = "short"\n')
    assert "client_id" in startup_problem(AccessSettings.from_env())
    secrets.write_text('[auth]\nredirect_uri = "http://127.0.0.1:8501/oauth2callback"\n'
                       f'cookie_secret = "{"s" * 40}"\nclient_id = "dashboard"\n'
                       'client_secret = "x"\nserver_metadata_url = '
                       '"http://127.0.0.1:9/.well-known/openid-configuration"\n')
    assert startup_problem(AccessSettings.from_env()) is None


def test_demo_users_one_per_scope_never_overwritten(served: Served,
                                                   tmp_path: Path) -> None:
    users_path = tmp_path / "users.yaml"
    log = AccessLog(tmp_path / "access.jsonl")
    demo = {d.username: d for d in ensure_demo_users(served.serving_path, users_path,
                                                     log)}
    assert set(demo) == {DEMO_BANK, DEMO_BRANCH, DEMO_RM}
    branch, = served.query(
        "select branch_id from marts.fct_customer_segment where period_month = "
        "(select max(period_month) from marts.fct_customer_segment) "
        "group by 1 order by count(*) desc, 1 limit 1")[0]
    assert demo[DEMO_BRANCH].scope == Scope.branch(branch)
    rm = demo[DEMO_RM].scope.rm_id
    book, rm_branch = served.query(
        "select count(*), max(m.branch_id) from marts.fct_customer_segment as s "
        "join marts.dim_relationship_manager as m using (rm_id) where s.rm_id = ? and "
        "s.rm_status = 'active' and s.period_month = "
        "(select max(period_month) from marts.fct_customer_segment)", [rm])[0]
    assert book > 0 and rm_branch == branch
    stored = load_users(users_path)
    for name, user in demo.items():
        check_password(user.password, name)
        assert users_module.verify_password(stored[name].password_hash, user.password)
    before = users_path.read_bytes()
    again = ensure_demo_users(served.serving_path, users_path, log)
    assert all(d.password is None for d in again) and users_path.read_bytes() == before
    assert os.stat(users_path).st_mode & 0o077 == 0


def test_single_sign_on_admission_needs_a_known_user_and_a_live_sign_in() -> None:
    users: dict = {}
    add_user(users, "sso.user", Scope.branch("BR001"), "单点", None)
    add_user(users, "sso.gone", Scope.bank(), "停用", None)
    users["sso.gone"] = replace(users["sso.gone"], disabled=True)
    now = 1_000_000.0
    claims = {"iss": "https://idp", "sub": "s1", "iat": now - 5,
              "preferred_username": "SSO.User"}
    fresh = admit(claims, users, "preferred_username", None, now)
    assert fresh.user == users["sso.user"] and fresh.new_sign_in
    # another tab of a sign-in this server saw active 29 minutes ago: in, not a new sign-in
    tab = admit({**claims, "iat": now - 3600}, users, "preferred_username", now - 29 * 60, now)
    assert tab.user == users["sso.user"] and not tab.new_sign_in
    assert admit(claims, users, "preferred_username", now - 31 * 60, now).expired == "idle"
    # a 30-day cookie of a sign-in this server never saw (restart) or long ago: sign in again
    stale = admit({**claims, "iat": now - OIDC_FRESH - 1}, users, "preferred_username", None,
                  now)
    assert stale.user is None and stale.expired == "stale"
    for changed, reason in (({"preferred_username": "stranger"}, "oidc_unknown_user"),
                            ({"preferred_username": "sso.gone"}, "oidc_disabled"),
                            ({"preferred_username": None}, "oidc_no_claim")):
        refused = admit({**claims, **changed}, users, "preferred_username", None, now)
        assert refused.user is None and refused.refused == reason
    assert admit({**claims, "upn": "sso.user"}, users, "upn", None, now).user is not None


def test_no_dashboard_without_a_writable_access_log(env: AccessSettings, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("BANK_TIERING_DASHBOARD_AUTH", "none")
    monkeypatch.setenv("BANK_TIERING_ACCESS_LOG", str(blocker / "access.jsonl"))
    result = CliRunner().invoke(main, ["dashboard"])
    assert result.exit_code == 2 and "access log" in result.output and "无法写入" in result.output
