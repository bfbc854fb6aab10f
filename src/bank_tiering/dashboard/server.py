"""`bank-tiering dashboard`: run the Streamlit app, read-only on the serving file, in the
sign-in mode of ``BANK_TIERING_DASHBOARD_AUTH`` (METHODOLOGY.md §15, INTERFACES.md §4).

Before the server starts, :func:`bank_tiering.access.preflight.startup_problem` checks the
mode: ``users`` and ``oidc`` need a users file with an enabled user (else one message in
Chinese and English naming the file and the ``users add`` command, exit code 2), ``oidc``
also Streamlit's ``[auth]`` secrets, and ``none`` (local analysis) a loopback address.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from bank_tiering.access.preflight import startup_problem
from bank_tiering.access.settings import AccessSettings, AccessSettingsError

log = logging.getLogger(__name__)

APP = Path(__file__).with_name("app.py")
EXIT_REFUSED = 2


def streamlit_command(port: int, access: AccessSettings) -> list[str]:
    """The `streamlit run` command line: the mode's address, headless, no telemetry, and
    the secrets file (``[auth]`` of st.login) of the access settings only."""
    address = "127.0.0.1" if access.mode == "none" else access.address
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.address", address,
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        "--global.developmentMode", "false",
        "--client.toolbarMode", "viewer",
        "--secrets.files", str(access.secrets_path),
    ]


def serve(serving_path: Path, port: int) -> int:
    """Serve the dashboard until interrupted.

    The CLI process becomes the Streamlit server (exec), so a signal to it (Ctrl+C, a
    supervisor's SIGTERM) reaches the server and no orphan is left behind. Returns only
    when there is nothing to serve or the sign-in mode cannot work.
    """
    try:
        access = AccessSettings.from_env()
    except AccessSettingsError as error:
        click.echo(str(error), err=True)
        return EXIT_REFUSED
    problem = startup_problem(access)
    if problem:
        click.echo(problem, err=True)
        return EXIT_REFUSED
    if not serving_path.exists():
        click.echo(f"No serving file at {serving_path}: run `make run` (build and publish) "
                   "first.", err=True)
        return 1
    env = {**os.environ, **access.environment(),
           "BANK_TIERING_SERVING_DUCKDB": str(serving_path)}
    command = streamlit_command(port, access)
    address = command[command.index("--server.address") + 1]
    mode = {"users": "sign-in with the users file " + str(access.users_path),
            "oidc": "single sign-on (OIDC), users file " + str(access.users_path),
            "none": "单机分析模式 local analysis mode, no sign-in"}[access.mode]
    click.echo(f"Dashboard on http://{address}:{port} (read-only on {serving_path}; {mode}; "
               f"access log {access.access_log_path}); Ctrl+C stops it.")
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(command[0], command, env)
