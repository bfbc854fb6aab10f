"""How the tier governance of a customer-month reads on screen (METHODOLOGY.md §10).

``grace_months_left`` = grace − months_below while the customer is on watch: the customer
is still served at the higher tier this month, and 0 means this month is the last one of
the grace period (next month, if still below, the service tier follows the assessed tier) —
never "剩余保级 0 个月", which reads as if the grace were over.
"""

from __future__ import annotations

from bank_tiering.dashboard import formatting as fmt


def grace_text(grace_left: float | None) -> str:
    """"本月后还可保级 2 个月", or "本月为保级期最后一个月" when none is left after this one."""
    if fmt.missing(grace_left) or int(grace_left) <= 0:
        return "本月为保级期最后一个月"
    return f"本月后还可保级 {fmt.count(grace_left)} 个月"


def watch_text(on_watch: bool, months_below: int, grace_left: float | None) -> str:
    """"连续 2 个月低于，本月后还可保级 1 个月" while on watch, else empty."""
    return (f"连续 {fmt.count(months_below)} 个月低于，{grace_text(grace_left)}"
            if on_watch else "")


def watch_notice(months_below: int, service_tier_label: str, grace_left: float | None) -> str:
    """The customer page's notice of a customer on watch."""
    last = fmt.missing(grace_left) or int(grace_left) <= 0
    return (f"**保级关注**：评定分层已连续 {fmt.count(months_below)} 个月低于服务等级"
            f"{service_tier_label}，保级期内仍按该等级服务，{grace_text(grace_left)}"
            + ("（下月仍低于将按评定分层服务）" if last else "") + "。")


def override_text(override_id: str | None, reason: str | None) -> str:
    """"OVR000001：<reason>" while an override is in force, else empty."""
    return "" if fmt.missing(override_id) else f"{override_id}：{reason}"
