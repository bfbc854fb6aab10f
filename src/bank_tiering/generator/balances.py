"""Daily end-of-day balances, the large table (accounts × days), one month at a time."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bank_tiering.generator.accounts import AMORT, BULLET, CONST, NOISY, Accounts
from bank_tiering.generator.episodes import MonthFactors
from bank_tiering.generator.helpers import contract_table, date_array
from bank_tiering.generator.schema import DBL


def balances_month(
    a: Accounts, shock: np.ndarray, ms: int, me: int, rng: np.random.Generator,
    factors: MonthFactors | None = None,
) -> pa.Table:
    """End-of-day balances of every account for the days ``ms <= d < me``.

    ``shock`` is the cumulated monthly log-shock per account (a random walk over months);
    within the month noisy products follow a daily log random walk.  Rows exist only for
    days on which the account is open and its balance is non-zero.
    """
    nd = me - ms
    act = np.flatnonzero((a.open < me) & (a.close > ms))
    days = ms + np.arange(nd, dtype=np.int64)
    kind = a.kind[act]
    lvl = a.level[act]
    bal = np.empty((len(act), nd), dtype=np.float64)

    noisy = np.flatnonzero(kind == NOISY)
    z = rng.standard_normal((len(noisy), nd), dtype=np.float32)
    np.cumsum(z, axis=1, out=z)
    an = act[noisy]
    expo = z * a.sd[an].astype(np.float32)[:, None]
    expo += (a.sm[an] * shock[an]).astype(np.float32)[:, None]
    np.exp(expo, out=expo)
    bal[noisy] = expo
    bal[noisy] *= lvl[noisy, None]

    const = np.flatnonzero((kind == CONST) | (kind == BULLET))
    bal[const] = lvl[const, None]

    amort = np.flatnonzero(kind == AMORT)
    aa = act[amort]
    elapsed = np.floor((days[None, :] - a.open[aa][:, None]) / 30.4375)
    frac = 1.0 - elapsed / np.maximum(a.term[aa], 1)[:, None]
    bal[amort] = lvl[amort, None] * np.clip(frac, 0.0, 1.0)

    if factors is not None and len(factors.acc):
        pos = np.searchsorted(act, factors.acc)
        found = (pos < len(act)) & (act[np.minimum(pos, len(act) - 1)] == factors.acc)
        flat = found & factors.flat
        bal[pos[flat]] = factors.level[flat, None] * factors.factor[flat]
        scaled = found & ~factors.flat
        bal[pos[scaled]] *= factors.factor[scaled]
    np.round(bal, 2, out=bal)
    mask = (days[None, :] >= a.open[act][:, None]) & (days[None, :] < a.close[act][:, None])
    mask &= bal >= 0.01
    sw = np.flatnonzero(a.sweep[act])
    if len(sw):
        mask[sw] &= rng.random((len(sw), nd)) >= 0.35
    ai, di = np.nonzero(mask)
    return contract_table("balances", {
        "account_id": pc.take(a.ids, pa.array(act[ai].astype(np.int32))),
        "balance_date": date_array(days[di]),
        "balance": pa.array(bal[ai, di], type=DBL),
    })
