"""`bank-tiering dashboard`: run the Streamlit app on 127.0.0.1, read-only on the serving file."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

log = logging.getLogger(__name__)

APP = Path(__file__).with_name("app.py")


def streamlit_command(port: int) -> list[str]:
    """The `streamlit run` command line: local address only, headless, no telemetry."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        "--global.developmentMode", "false",
        "--client.toolbarMode", "viewer",
    ]


def serve(serving_path: Path, port: int) -> int:
    """Serve the dashboard until interrupted.

    The CLI process becomes the Streamlit server (exec), so a signal to it (Ctrl+C, a
    supervisor's SIGTERM) reaches the server and no orphan is left behind. Returns only
    when there is nothing to serve.
    """
    if not serving_path.exists():
        click.echo(f"No serving file at {serving_path}: run `make run` (build and publish) "
                   "first.", err=True)
        return 1
    env = {**os.environ, "BANK_TIERING_SERVING_DUCKDB": str(serving_path)}
    click.echo(f"Dashboard on http://127.0.0.1:{port} (read-only on {serving_path}); "
               "Ctrl+C stops it.")
    sys.stdout.flush()
    sys.stderr.flush()
    command = streamlit_command(port)
    os.execve(command[0], command, env)
