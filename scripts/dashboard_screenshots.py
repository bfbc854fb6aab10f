"""Screenshots of every dashboard page in Chromium (docs/screenshots/), taken on the serving
file of `make run` (BANK_TIERING_SERVING_DUCKDB, default data/serving/warehouse.duckdb).

    .venv/bin/python scripts/dashboard_screenshots.py docs/screenshots
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from bank_tiering.dashboard.browser import running_dashboard, screenshot_pages
from bank_tiering.project import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="folder of the PNG files")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with running_dashboard(Settings.from_env().serving_path) as url:
        for shot in screenshot_pages(url, args.out_dir):
            print(shot)


if __name__ == "__main__":
    main()
