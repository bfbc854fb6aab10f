"""Orchestration: :func:`generate` and :func:`append_month` write the landing contract.

The customer and account universe depends only on ``(seed, customers, start_month)``
(not on ``months``), and month ``m`` of balances, transactions and fees depends only on
the universe and months ``0..m``. Generating ``months=N+1`` therefore reproduces the
first ``N`` months of ``months=N`` exactly, which :func:`append_month` relies on.
"""

from __future__ import annotations

import logging
import shutil
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from bank_tiering.generator.accounts import generate_accounts
from bank_tiering.generator.bad_rows import inject_bad_rows
from bank_tiering.generator.balances import balances_month
from bank_tiering.generator.contacts import write_contacts
from bank_tiering.generator.customers import generate_customers
from bank_tiering.generator.episodes import month_factors, month_transactions, plan_episodes
from bank_tiering.generator.helpers import (
    S_DAILY,
    S_FEE,
    S_LEVEL,
    S_TXN,
    balance_partition_name,
    month_start,
    stream,
)
from bank_tiering.generator.manifest import MANIFEST_NAME
from bank_tiering.generator.overrides import write_tier_overrides
from bank_tiering.generator.reference import (
    credit_ratings_table,
    ftp_rates_table,
    fx_rates_table,
    prospects_table,
    surveys_table,
)
from bank_tiering.generator.rms import simulate_books, write_relationship_managers
from bank_tiering.generator.schema import BALANCE_LAYOUTS, CONTRACT, TABLES
from bank_tiering.generator.transactions import fees_month, transactions_month

logger = logging.getLogger(__name__)


def _clear_outputs(out_dir: Path, keep_balance_partitions: bool) -> None:
    for t in TABLES:
        f = out_dir / f"{t}.parquet"
        if f.exists() and not (keep_balance_partitions and t == "balances"):
            f.unlink()
    bdir = out_dir / "balances"
    if bdir.exists() and not keep_balance_partitions:
        shutil.rmtree(bdir)
    manifest = out_dir / MANIFEST_NAME
    if manifest.exists():
        manifest.unlink()


def _validate(customers: int, months: int, seed: int, start_month: date, bad_rows: int,
              balances_layout: str) -> None:
    if customers < 10:
        raise ValueError("customers must be at least 10")
    if months < 1:
        raise ValueError("months must be at least 1")
    if seed < 0:
        raise ValueError("seed must be non-negative")
    if start_month.day != 1:
        raise ValueError("start_month must be the first day of a month")
    if bad_rows < 0:
        raise ValueError("bad_rows must be non-negative")
    if balances_layout not in BALANCE_LAYOUTS:
        raise ValueError(f"balances_layout must be one of {BALANCE_LAYOUTS}")


def _generate(
    out_dir: Path, customers: int, months: int, seed: int, start_month: date, bad_rows: int,
    balances_layout: str, progress: bool, balance_months: range,
) -> dict[str, int]:
    _validate(customers, months, seed, start_month, bad_rows, balances_layout)
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    appending = balance_months.start > 0
    _clear_outputs(out_dir, keep_balance_partitions=appending)
    cust = generate_customers(seed, customers, start_month)
    acc = generate_accounts(seed, cust, start_month)
    episodes = plan_episodes(seed, cust, acc, start_month)  # sets close dates and activity
    logger.info("universe: %d customers, %d accounts", cust.n, acc.n)
    counts: dict[str, int] = {}

    def write(name: str, table: pa.Table) -> None:
        pq.write_table(table, out_dir / f"{name}.parquet")
        counts[name] = table.num_rows

    write("customers", cust.table)
    write("accounts", acc.table)
    write("ftp_rates", ftp_rates_table(acc, start_month, months))
    write("fx_rates", fx_rates_table(seed, start_month, months))
    write("credit_ratings", credit_ratings_table(seed, cust, acc, start_month))
    write("relationship_surveys", surveys_table(seed, cust, start_month, episodes))
    write("prospects", prospects_table(seed, customers))

    bdir = out_dir / "balances"
    if balances_layout == "monthly":
        bdir.mkdir(exist_ok=True)
    schemas = {t: pa.schema([pa.field(c, ty) for c, ty in CONTRACT[t]]) for t in TABLES}
    txn_writer = pq.ParquetWriter(out_dir / "transactions.parquet", schemas["transactions"])
    fee_writer = pq.ParquetWriter(out_dir / "fees.parquet", schemas["fees"])
    bal_writer = (pq.ParquetWriter(out_dir / "balances.parquet", schemas["balances"])
                  if balances_layout == "single" else None)
    counts.update(balances=0, transactions=0, fees=0)
    shock = np.zeros(acc.n, dtype=np.float64)
    pool = ThreadPoolExecutor(max_workers=1)  # overlap parquet writing with generation
    pending: list[Future[None]] = []

    def write_balances(m: int, table: pa.Table) -> None:
        if bal_writer is not None:
            bal_writer.write_table(table)
        else:
            pq.write_table(table, bdir / balance_partition_name(start_month, m))

    try:
        for m in tqdm(range(months), desc="generating months", unit="month",
                      disable=not progress):
            ms, me = month_start(start_month, m), month_start(start_month, m + 1)
            shock += stream(seed, S_LEVEL, m).standard_normal(acc.n)
            fees, debits = fees_month(cust, acc, ms, me, stream(seed, S_FEE, m))
            txns = transactions_month(cust, acc, ms, me, stream(seed, S_TXN, m), debits,
                                      month_transactions(episodes, acc, shock, ms, me))
            fee_writer.write_table(fees)
            txn_writer.write_table(txns)
            counts["fees"] += fees.num_rows
            counts["transactions"] += txns.num_rows
            if m in balance_months:
                bal = balances_month(acc, shock, ms, me, stream(seed, S_DAILY, m),
                                     month_factors(episodes, acc, shock, ms, me))
                counts["balances"] += bal.num_rows
                for f in pending:
                    f.result()
                pending = [pool.submit(write_balances, m, bal)]
        for f in pending:
            f.result()
    finally:
        pool.shutdown(wait=True)
        txn_writer.close()
        fee_writer.close()
        if bal_writer is not None:
            bal_writer.close()
    logger.info("generated %s in %.1f s", counts, time.perf_counter() - t0)

    if bad_rows > 0:
        manifest = inject_bad_rows(
            out_dir, bad_rows=bad_rows, seed=seed, start_month=start_month, months=months,
            customers=customers, balances_layout=balances_layout,
        )
        counts = {t: int(v["raw_rows"]) for t, v in manifest["tables"].items()}
    # the optional tables (own modules; each extends the bad-rows manifest)
    overrides = write_tier_overrides(out_dir, seed, cust.table, start_month, months,
                                     bad=bad_rows > 0)
    books = simulate_books(seed, cust, start_month, months)
    rms = write_relationship_managers(out_dir, seed, cust, start_month, months, bad_rows,
                                      books)
    contacts = write_contacts(out_dir, seed, cust, books, episodes, start_month, months,
                              bad_rows)
    return {**{t: counts[t] for t in TABLES}, "tier_overrides": overrides, **rms,
            "contacts": contacts}


def generate(
    out_dir: Path,
    customers: int = 2000,
    months: int = 12,
    seed: int = 42,
    start_month: date = date(2025, 1, 1),
    bad_rows: int = 0,
    balances_layout: str = "monthly",
    progress: bool = True,
) -> dict[str, int]:
    """Write the full raw landing contract into ``out_dir``; return rows written per table.

    The optional tables are written too: ``tier_overrides``, the pair
    ``relationship_managers`` / ``customer_assignments`` and ``contacts``.

    Args:
        out_dir: target directory (created if missing); previously generated contract files
            there are replaced.
        customers: size of the customer universe (≈80 % retail, 17 % corporate,
            3 % institution).
        months: number of calendar months of balances, transactions and fees.
        seed: random seed; the same arguments always give identical files.
        start_month: first day of the first month.
        bad_rows: when > 0, every table is written with VARCHAR columns and roughly this
            many bad rows are injected (at least one per table and reason); ground truth in
            ``_bad_rows_manifest.json``.
        balances_layout: ``"monthly"`` (``balances/YYYY-MM.parquet``) or ``"single"``
            (``balances.parquet``).
        progress: show a tqdm progress bar over months.
    """
    return _generate(out_dir, customers, months, seed, start_month, bad_rows,
                     balances_layout, progress, range(months))


def append_month(
    out_dir: Path,
    customers: int = 2000,
    months: int = 13,
    seed: int = 42,
    start_month: date = date(2025, 1, 1),
    progress: bool = True,
) -> dict[str, int]:
    """Extend a monthly-partitioned data set generated with ``months - 1`` by one month.

    Writes only ``balances/<last month>.parquet`` and rewrites the small tables
    (customers, accounts, transactions, fees, reference and optional tables) for
    ``months`` months; the existing balance partitions are kept, and they equal what a
    full run with ``months`` would write.  Returns rows written per table (``balances`` counts only
    the new partition).
    """
    if months < 2:
        raise ValueError("append_month needs months >= 2")
    return _generate(out_dir, customers, months, seed, start_month, 0, "monthly", progress,
                     range(months - 1, months))
