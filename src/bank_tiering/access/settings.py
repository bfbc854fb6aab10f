"""The access settings of INTERFACES.md §4, from the environment, with their defaults.

* ``BANK_TIERING_USERS`` (default ``data/users.yaml``): the users file, never in the
  repository.
* ``BANK_TIERING_ACCESS_LOG`` (default ``data/logs/access.jsonl``): the append-only access
  log.
* ``BANK_TIERING_DASHBOARD_AUTH`` (default ``users``): ``users`` (password sign-in against
  the users file), ``oidc`` (single sign-on through Streamlit's ``st.login``, the user
  still has to be in the users file) or ``none`` (local analysis mode, loopback only).
* ``BANK_TIERING_OIDC_USERNAME_CLAIM`` (default ``preferred_username``): the ID-token
  claim whose value is the username of the users file.
* ``BANK_TIERING_OIDC_PROVIDER`` (default none): a named provider section
  ``[auth.<name>]`` of the secrets file; none = the provider keys directly under ``[auth]``.
* ``BANK_TIERING_STREAMLIT_SECRETS`` (default ``data/streamlit/secrets.toml``): the
  Streamlit secrets file that holds ``[auth]`` (OIDC mode).
* ``BANK_TIERING_DASHBOARD_ADDRESS`` (default ``127.0.0.1``): the address the dashboard
  listens on in ``users`` and ``oidc`` mode (e.g. behind a TLS reverse proxy); ``none``
  mode refuses anything but a loopback address.

Relative paths are relative to the project folder, like every other path of the project.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from bank_tiering.project import PROJECT_DIR

USERS_ENV = "BANK_TIERING_USERS"
ACCESS_LOG_ENV = "BANK_TIERING_ACCESS_LOG"
AUTH_ENV = "BANK_TIERING_DASHBOARD_AUTH"
OIDC_CLAIM_ENV = "BANK_TIERING_OIDC_USERNAME_CLAIM"
OIDC_PROVIDER_ENV = "BANK_TIERING_OIDC_PROVIDER"
SECRETS_ENV = "BANK_TIERING_STREAMLIT_SECRETS"
ADDRESS_ENV = "BANK_TIERING_DASHBOARD_ADDRESS"

USERS_DEFAULT = "data/users.yaml"
ACCESS_LOG_DEFAULT = "data/logs/access.jsonl"
SECRETS_DEFAULT = "data/streamlit/secrets.toml"
OIDC_CLAIM_DEFAULT = "preferred_username"
ADDRESS_DEFAULT = "127.0.0.1"
#: The sign-in modes; the first is the default.
MODES = ("users", "oidc", "none")


class AccessSettingsError(ValueError):
    """An access setting has a value the dashboard cannot work with."""


def resolve(path: str | Path) -> Path:
    """An absolute path: a relative one is relative to the project folder."""
    path = Path(path).expanduser()
    return path if path.is_absolute() else (PROJECT_DIR / path).resolve()


def is_loopback(address: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``."""
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class AccessSettings:
    """Where the users file and the access log are, and how the dashboard signs users in."""

    users_path: Path
    access_log_path: Path
    mode: str = "users"
    oidc_claim: str = OIDC_CLAIM_DEFAULT
    oidc_provider: str | None = None
    secrets_path: Path = Path(SECRETS_DEFAULT)
    address: str = ADDRESS_DEFAULT

    @classmethod
    def from_env(cls) -> AccessSettings:
        mode = os.environ.get(AUTH_ENV, MODES[0]).strip().lower() or MODES[0]
        if mode not in MODES:
            raise AccessSettingsError(
                f"{AUTH_ENV}={mode!r} 不是有效的登录方式 / is not a sign-in mode: use one of "
                f"{', '.join(MODES)}.")
        claim = os.environ.get(OIDC_CLAIM_ENV, "").strip() or OIDC_CLAIM_DEFAULT
        provider = os.environ.get(OIDC_PROVIDER_ENV, "").strip() or None
        return cls(
            users_path=resolve(os.environ.get(USERS_ENV) or USERS_DEFAULT),
            access_log_path=resolve(os.environ.get(ACCESS_LOG_ENV) or ACCESS_LOG_DEFAULT),
            mode=mode,
            oidc_claim=claim,
            oidc_provider=provider,
            secrets_path=resolve(os.environ.get(SECRETS_ENV) or SECRETS_DEFAULT),
            address=os.environ.get(ADDRESS_ENV, "").strip() or ADDRESS_DEFAULT,
        )

    def environment(self) -> dict[str, str]:
        """These settings as environment variables (what the dashboard process is given)."""
        env = {
            USERS_ENV: str(self.users_path),
            ACCESS_LOG_ENV: str(self.access_log_path),
            AUTH_ENV: self.mode,
            OIDC_CLAIM_ENV: self.oidc_claim,
            SECRETS_ENV: str(self.secrets_path),
            ADDRESS_ENV: self.address,
        }
        if self.oidc_provider:
            env[OIDC_PROVIDER_ENV] = self.oidc_provider
        return env
