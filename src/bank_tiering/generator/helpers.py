"""Shared vectorised helpers: random streams, epoch-day dates, ids and Arrow arrays.

Randomness comes from independent streams ``np.random.default_rng([seed, stream, ...])``;
every stream id of the package is listed here, so a new part picks an unused one.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bank_tiering.generator.codes import EPOCH, NA_DAY
from bank_tiering.generator.schema import CONTRACT, DATE, DBL, OPTIONAL_CONTRACT, STR

#: Random stream ids, one per part (a new part takes an unused number).
S_CUST, S_ACC, S_LEVEL, S_DAILY, S_TXN, S_FEE = 1, 2, 3, 4, 5, 6
S_RATING, S_SURVEY, S_PROSPECT, S_FX = 7, 8, 9, 10
S_OVERRIDES, S_RMS, S_EPISODES, S_CONTACTS = 41, 42, 43, 44


def stream(seed: int, *keys: int) -> np.random.Generator:
    """Independent, reproducible random stream for ``(seed, *keys)``."""
    return np.random.default_rng([seed, *keys])


def epoch_day(d: date) -> int:
    return (d - EPOCH).days


def month_start(start: date, m: int) -> int:
    """Epoch day of the first day of month ``m`` counted from ``start``."""
    y, mo = divmod(start.month - 1 + m, 12)
    return epoch_day(date(start.year + y, mo + 1, 1))


def month_starts(start: date, months: np.ndarray) -> np.ndarray:
    """Vectorised :func:`month_start`: epoch days of the first days of months ``months``."""
    first = np.datetime64(start, "M") + np.asarray(months, dtype=np.int64).astype("timedelta64[M]")
    return first.astype("datetime64[D]").astype(np.int64)


def month_index(start: date, days: np.ndarray) -> np.ndarray:
    """Month number (0 = the month of ``start``) of each epoch day."""
    months = np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[M]")
    return (months - np.datetime64(start, "M")).astype(np.int64)


def balance_partition_name(start: date, m: int) -> str:
    """File name of month ``m``'s balance partition, e.g. ``2025-01.parquet``."""
    return f"{np.datetime64(month_start(start, m), 'D').astype('datetime64[M]')}.parquet"


def shift_iso(iso: str, days: int) -> str:
    """An ISO date string ``days`` later (the bad rows work on text)."""
    return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()


def add_months(days: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Add calendar months to epoch days, clipping the day of month (Jan 31 + 1 = Feb 28)."""
    d = days.astype("datetime64[D]")
    mo = d.astype("datetime64[M]")
    dom = (d - mo.astype("datetime64[D]")).astype(np.int64)
    target = mo + months.astype("timedelta64[M]")
    first = target.astype("datetime64[D]")
    month_len = ((target + 1).astype("datetime64[D]") - first).astype(np.int64)
    return first.astype(np.int64) + np.minimum(dom, month_len - 1)


def calendar_month(day: int) -> int:
    return int(np.datetime64(day, "D").astype("datetime64[M]").astype(np.int64) % 12) + 1


def choice(rng: np.random.Generator, n: int, probs: np.ndarray | list[float]) -> np.ndarray:
    """Vectorised categorical draw of ``n`` indices with the given weights."""
    cum = np.cumsum(np.asarray(probs, dtype=np.float64))
    return np.searchsorted(cum / cum[-1], rng.random(n), side="right").clip(0, len(cum) - 1)


def choice_by_group(
    rng: np.random.Generator, groups: np.ndarray, table: np.ndarray | list[list[float]]
) -> np.ndarray:
    """Categorical draw where row ``groups[i]`` of ``table`` holds the weights of row i."""
    tab = np.asarray(table, dtype=np.float64)
    cum = np.cumsum(tab, axis=1)
    cum /= cum[:, -1:]
    u = rng.random(len(groups))
    return (u[:, None] > cum[groups]).sum(axis=1).clip(0, tab.shape[1] - 1)


def loguniform(rng: np.random.Generator, lo: np.ndarray | float, hi: np.ndarray | float,
                n: int) -> np.ndarray:
    return np.exp(rng.uniform(np.log(lo), np.log(hi), n))


def digits(values: np.ndarray, width: int) -> np.ndarray:
    """ASCII digit matrix ``(n, width)`` of non-negative integers, zero padded."""
    out = np.empty((len(values), width), dtype=np.uint8)
    v = values.astype(np.int64)
    for j in range(width - 1, -1, -1):
        out[:, j] = 48 + v % 10
        v = v // 10
    return out


def fixed_width(chars: np.ndarray) -> pa.Array:
    """Arrow string array from a ``(n, width)`` uint8 ASCII matrix (zero-copy layout)."""
    n, w = chars.shape
    offsets = np.arange(0, (n + 1) * w, w, dtype=np.int32)
    data = np.ascontiguousarray(chars).tobytes()
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def id_array(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """``prefix`` + zero-padded numbers, e.g. ``C0000001``."""
    p = np.frombuffer(prefix.encode(), dtype=np.uint8)
    chars = np.empty((len(numbers), len(p) + width), dtype=np.uint8)
    chars[:, : len(p)] = p
    chars[:, len(p):] = digits(numbers, width)
    return fixed_width(chars)


def take(values: tuple[str, ...] | list[str], idx: np.ndarray) -> pa.Array:
    """Strings ``values[idx]``; a negative index gives null."""
    idx = np.asarray(idx, dtype=np.int64)
    neg = idx < 0
    arr = pa.array(np.where(neg, 0, idx), mask=neg if neg.any() else None)
    return pc.take(pa.array(list(values), type=STR), arr)


def null_where(arr: pa.Array, mask: np.ndarray) -> pa.Array:
    if not mask.any():
        return arr
    return pc.if_else(pa.array(mask), pa.scalar(None, arr.type), arr)


def date_array(days: np.ndarray) -> pa.Array:
    mask = days == NA_DAY
    return pa.array(np.where(mask, 0, days).astype(np.int32), type=DATE,
                    mask=mask if mask.any() else None)


def float_array(x: np.ndarray) -> pa.Array:
    mask = np.isnan(x)
    return pa.array(x.astype(np.float64), type=DBL, mask=mask if mask.any() else None)


def contract_table(name: str, cols: dict[str, pa.Array]) -> pa.Table:
    """Build a table with exactly the contract's column order and types."""
    columns = CONTRACT.get(name) or OPTIONAL_CONTRACT[name]
    schema = pa.schema([pa.field(c, t) for c, t in columns])
    arrays = [cols[c] if cols[c].type == t else cols[c].cast(t) for c, t in columns]
    return pa.Table.from_arrays(arrays, schema=schema)


def as_text(table: pa.Table) -> pa.Table:
    """Every column of ``table`` as text (the bad-rows mode)."""
    return table.cast(pa.schema([pa.field(f.name, STR) for f in table.schema]))


def text_table(name: str, rows: list[dict[str, object]]) -> pa.Table:
    """Rows of an optional table with every column as text (the bad-rows mode)."""
    columns = [c for c, _ in OPTIONAL_CONTRACT[name]]
    return pa.table({c: pa.array([r.get(c) for r in rows], type=STR) for c in columns})


def round_to(x: np.ndarray, step: float) -> np.ndarray:
    return np.round(x / step) * step
