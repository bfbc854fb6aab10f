"""A dashboard user's scope (METHODOLOGY.md §15): which customers the user may see.

* ``bank`` (总行) — every customer;
* ``branch`` (机构) — the customers whose ``branch_id`` is the user's branch;
* ``rm`` (客户经理) — the user's book (§14): the customer-months whose owner at the period
  end (``rm_id`` of ``fct_customer_segment``, per period) is the user's RM id.

The dashboard puts the scope in the SQL of every query (``bank_tiering.dashboard.queries``);
this module only says what a scope is.
"""

from __future__ import annotations

from dataclasses import dataclass

SCOPE_KINDS = ("bank", "branch", "rm")


@dataclass(frozen=True)
class Scope:
    """One scope: ``kind`` and the branch or RM it is limited to."""

    kind: str
    branch_id: str | None = None
    rm_id: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in SCOPE_KINDS:
            raise ValueError(f"unknown scope {self.kind!r}: use one of {', '.join(SCOPE_KINDS)}")
        wanted = {"bank": (False, False), "branch": (True, False), "rm": (False, True)}[self.kind]
        if (bool(self.branch_id), bool(self.rm_id)) != wanted:
            raise ValueError({
                "bank": "a bank scope has neither a branch nor an RM",
                "branch": "a branch scope needs a branch id (and no RM id)",
                "rm": "an rm scope needs an RM id (and no branch id)",
            }[self.kind])

    @classmethod
    def bank(cls) -> Scope:
        return cls("bank")

    @classmethod
    def branch(cls, branch_id: str) -> Scope:
        return cls("branch", branch_id=branch_id)

    @classmethod
    def rm(cls, rm_id: str) -> Scope:
        return cls("rm", rm_id=rm_id)

    @property
    def scope_id(self) -> str | None:
        """The branch or RM id the scope is limited to (None for the bank)."""
        return self.branch_id or self.rm_id

    @property
    def label_zh(self) -> str:
        """E.g. ``总行（全部客户）``, ``机构 BR001``, ``客户经理 RM0001 名下客户``."""
        if self.kind == "bank":
            return "总行（全部客户）"
        if self.kind == "branch":
            return f"机构 {self.branch_id}"
        return f"客户经理 {self.rm_id} 名下客户"
