"""Demo users on the generated sample (INTERFACES.md §4: ``make run`` creates one per scope).

Only when ``bank-tiering run`` generated the raw data itself (it leaves
:data:`SAMPLE_MARKER` in the raw folder), after the serving file is published:

* ``demo_bank`` — scope bank;
* ``demo_branch`` — scope branch, the branch with the most customers in the latest period
  (ties: the smallest branch id);
* ``demo_rm`` — scope rm, the RM of that branch with the largest book of active ownership
  in the latest period (ties: the smallest rm id); none when the marts have no such RM.

Each gets a random password (:func:`generate_password`, ``secrets``), printed once. A
username already in the users file is left exactly as it is (its password is not known,
so none is printed): the demo never overwrites a user.
"""

from __future__ import annotations

import json
import secrets
import string
from dataclasses import dataclass
from pathlib import Path

import duckdb

from bank_tiering.access.log import AccessLog
from bank_tiering.access.scope import Scope
from bank_tiering.access.users import add_user, check_password, editing

SAMPLE_MARKER = ".bank_tiering_sample.json"
DEMO_BANK, DEMO_BRANCH, DEMO_RM = "demo_bank", "demo_branch", "demo_rm"
_SYMBOLS = "-_.!@#%"


def mark_generated_sample(raw_dir: Path, **facts: object) -> None:
    """Leave the marker that says this raw folder is a generated sample."""
    (raw_dir / SAMPLE_MARKER).write_text(
        json.dumps({"generated_by": "bank-tiering run", **facts}, default=str) + "\n",
        encoding="utf-8")


def is_generated_sample(raw_dir: Path) -> bool:
    return (raw_dir / SAMPLE_MARKER).exists()


def generate_password(length: int = 16) -> str:
    """A random password that meets the policy: one of each character class, the rest from
    all of them, shuffled (``secrets``)."""
    pools = (string.ascii_lowercase, string.ascii_uppercase, string.digits, _SYMBOLS)
    everything = "".join(pools)
    while True:
        chars = [secrets.choice(pool) for pool in pools]
        chars += [secrets.choice(everything) for _ in range(length - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        password = "".join(chars)
        try:
            check_password(password, "demo")
            return password
        except ValueError:
            continue


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    scope: Scope
    password: str | None  # None: the user already existed and was left as it is


def demo_scopes(serving_path: Path) -> list[tuple[str, str, Scope]]:
    """(username, display name, scope) of the demo users, picked from the published marts."""
    picks: list[tuple[str, str, Scope]] = [(DEMO_BANK, "演示用户（总行）", Scope.bank())]
    with duckdb.connect(str(serving_path), read_only=True) as con:
        row = con.execute(
            """
            select branch_id, count(*) from marts.fct_customer_segment
            where period_month = (select max(period_month) from marts.fct_customer_segment)
                and branch_id is not null
            group by branch_id order by count(*) desc, branch_id limit 1
            """).fetchone()
        if row is None:
            return picks
        branch = row[0]
        picks.append((DEMO_BRANCH, f"演示用户（机构 {branch} 负责人）", Scope.branch(branch)))
        rm = con.execute(
            """
            select s.rm_id, max(m.rm_name), count(*) from marts.fct_customer_segment as s
            inner join marts.dim_relationship_manager as m on m.rm_id = s.rm_id
            where s.period_month = (select max(period_month) from marts.fct_customer_segment)
                and s.rm_status = 'active' and m.branch_id = ?
            group by s.rm_id order by count(*) desc, s.rm_id limit 1
            """, [branch]).fetchone()
    if rm is not None:
        picks.append((DEMO_RM, f"演示用户（客户经理 {rm[1]}）", Scope.rm(rm[0])))
    return picks


def ensure_demo_users(serving_path: Path, users_path: Path, access_log: AccessLog
                      ) -> list[DemoUser]:
    """Add the demo users missing from the users file; returns every demo user (password
    None for one that was already there)."""
    picks = demo_scopes(serving_path)
    result = []
    with editing(users_path) as users:
        for username, name, scope in picks:
            if username in users:
                existing = users[username]
                result.append(DemoUser(username, existing.display_name, existing.scope, None))
                continue
            password = generate_password()
            add_user(users, username, scope, name, password)
            result.append(DemoUser(username, name, scope, password))
    for demo in result:
        if demo.password is not None:
            access_log.append("user_added", username=demo.username, scope=demo.scope,
                              by="bank-tiering run (demo)")
    return result
