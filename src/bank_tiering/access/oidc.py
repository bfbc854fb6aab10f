"""Who a single sign-on (OIDC, Streamlit's ``st.login``) lets in (METHODOLOGY.md §15).

Streamlit keeps the identity provider's claims in its own signed, HttpOnly cookie for 30
days; a new dashboard session (a reload, a new tab, a link) finds them there. The
dashboard admits such a session (:func:`admit`) only when

* the claim ``BANK_TIERING_OIDC_USERNAME_CLAIM`` (default ``preferred_username``) names
  an enabled user of the users file (which gives the scope) — else it is refused and
  logged (``oidc_no_claim``, ``oidc_unknown_user``, ``oidc_disabled``);
* and the sign-in is live: its ID token was issued at most :data:`FRESH_SECONDS` ago (the
  redirect back from the provider: a new sign-in, logged), or this server saw the same
  sign-in (issuer, subject, issued-at) active within the idle limit (another tab of it).
  Otherwise the session is over (idle, or the server restarted) and the user signs in at
  the provider again — so the idle limit of §15 holds whatever the cookie's lifetime.
"""

from __future__ import annotations

from dataclasses import dataclass

from bank_tiering.access.signin import IDLE_LIMIT
from bank_tiering.access.users import User, normalize_username

FRESH_SECONDS = 120.0


@dataclass(frozen=True)
class Admission:
    """The outcome for one session: ``user`` when admitted, else ``refused`` (a reason of
    the access log) or ``expired`` (sign in again)."""

    user: User | None = None
    username: str = ""
    refused: str | None = None
    expired: str | None = None  # "stale" (no live sign-in) or "idle"
    new_sign_in: bool = False


def sign_in_key(claims: dict) -> tuple:
    """What identifies one sign-in at the provider: issuer, subject, issued-at."""
    return (claims.get("iss"), claims.get("sub"), claims.get("iat"))


def admit(claims: dict, users: dict[str, User], claim: str, last_activity: float | None,
          now: float) -> Admission:
    """Admit a session with these claims (module docstring); ``last_activity`` is when this
    server last saw the same sign-in active (None: never)."""
    raw = claims.get(claim)
    username = normalize_username(str(raw)) if raw else ""
    user = users.get(username)
    if not username:
        return Admission(refused="oidc_no_claim")
    if user is None:
        return Admission(username=username, refused="oidc_unknown_user")
    if user.disabled:
        return Admission(username=username, refused="oidc_disabled")
    if last_activity is not None:
        if now - last_activity > IDLE_LIMIT.total_seconds():
            return Admission(username=username, expired="idle")
        return Admission(user=user, username=username)
    issued = claims.get("iat")
    if isinstance(issued, int | float) and 0 <= now - float(issued) <= FRESH_SECONDS:
        return Admission(user=user, username=username, new_sign_in=True)
    return Admission(username=username, expired="stale")
