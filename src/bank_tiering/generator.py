"""Vectorised sample-data generator for the raw landing contract (INTERFACES.md §2).

The generator writes a believable Chinese bank: retail customers in every AUM tier,
corporate customers in every tier (strategic groups, large, medium, small, with and
without loans, real-estate and emerging-market firms), institutions, foreign-currency
accounts with weekday-only FX fixings, rating changes, an FTP curve change inside the
window, dormant and churned customers and prospects.

Design rules:

* Everything is NumPy / PyArrow vectorised; the only Python loops run over months,
  products or currencies, never over rows.
* Randomness comes from independent streams ``np.random.default_rng([seed, stream, ...])``.
  The customer and account universe depends only on ``(seed, customers, start_month)``
  (not on ``months``), and month ``m`` of balances, transactions and fees depends only
  on the universe and months ``0..m``.  Generating ``months=N+1`` therefore reproduces
  the first ``N`` months of ``months=N`` exactly, which :func:`append_month` relies on.
* Types: strings ``VARCHAR``, dates ``DATE``, ``txn_ts`` ``TIMESTAMP`` (µs, no zone),
  every decimal (money, rates, scores) ``DOUBLE`` (money rounded to cents),
  ``employee_count`` / ``term_months`` ``INTEGER``, survey flags ``BOOLEAN``.
  With ``bad_rows > 0`` every column of every table is ``VARCHAR`` instead (see
  :mod:`bank_tiering.generator_bad_rows`).
"""

from __future__ import annotations

import logging
import shutil
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from tqdm import tqdm

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------
# Contract
# --------------------------------------------------------------------------------------

_STR = pa.string()
_DATE = pa.date32()
_DBL = pa.float64()
_INT = pa.int32()
_BOOL = pa.bool_()
_TS = pa.timestamp("us")

#: Column names, order and physical types of every raw table (INTERFACES.md §2).
CONTRACT: dict[str, list[tuple[str, pa.DataType]]] = {
    "customers": [
        ("customer_id", _STR), ("customer_type", _STR), ("customer_name", _STR),
        ("id_number", _STR), ("phone", _STR), ("birth_date", _DATE), ("gender", _STR),
        ("occupation", _STR), ("annual_income", _DBL), ("industry_code", _STR),
        ("emerging_tag", _STR), ("group_id", _STR), ("annual_sales", _DBL),
        ("total_assets", _DBL), ("employee_count", _INT), ("branch_id", _STR),
        ("onboard_date", _DATE), ("close_date", _DATE),
    ],
    "accounts": [
        ("account_id", _STR), ("customer_id", _STR), ("product_family", _STR),
        ("product_code", _STR), ("currency", _STR), ("open_date", _DATE),
        ("maturity_date", _DATE), ("close_date", _DATE), ("interest_rate", _DBL),
        ("risk_class", _STR), ("collateral_type", _STR),
    ],
    "balances": [("account_id", _STR), ("balance_date", _DATE), ("balance", _DBL)],
    "transactions": [
        ("txn_id", _STR), ("account_id", _STR), ("txn_ts", _TS), ("amount", _DBL),
        ("direction", _STR), ("channel", _STR), ("initiated_by", _STR),
    ],
    "fees": [
        ("fee_id", _STR), ("customer_id", _STR), ("account_id", _STR), ("fee_date", _DATE),
        ("fee_type", _STR), ("amount", _DBL), ("currency", _STR),
    ],
    "ftp_rates": [
        ("product_family", _STR), ("term_months", _INT), ("effective_date", _DATE),
        ("ftp_rate", _DBL),
    ],
    "credit_ratings": [("customer_id", _STR), ("rating_date", _DATE), ("rating", _STR)],
    "relationship_surveys": [
        ("customer_id", _STR), ("survey_date", _DATE), ("satisfaction_score", _DBL),
        ("has_cooperation_agreement", _BOOL), ("executive_is_vip", _BOOL),
        ("wallet_share", _DBL),
    ],
    "fx_rates": [("currency", _STR), ("rate_date", _DATE), ("cny_per_unit", _DBL)],
    "prospects": [
        ("prospect_id", _STR), ("prospect_name", _STR), ("customer_type", _STR),
        ("industry_code", _STR), ("branch_id", _STR), ("annual_sales", _DBL),
        ("total_assets", _DBL), ("sales_growth_rate", _DBL),
        ("market_influence_score", _DBL), ("chain_influence_score", _DBL),
        ("product_fit_score", _DBL), ("marketing_feasibility_score", _DBL),
        ("product_advantage_score", _DBL), ("service_convenience_score", _DBL),
    ],
}

TABLES: tuple[str, ...] = tuple(CONTRACT)
BALANCE_LAYOUTS = ("monthly", "single")

# --------------------------------------------------------------------------------------
# Code lists
# --------------------------------------------------------------------------------------

EPOCH = date(1970, 1, 1)
NA_DAY = np.int64(2**31 - 1)  # sentinel for a null date (epoch days)
#: Universe horizon: customers and accounts open/close up to this many days after the
#: window start, independently of ``months``.
HORIZON_DAYS = 730

CTYPES = ("retail", "corporate", "institution")
RETAIL, CORPORATE, INSTITUTION = 0, 1, 2
FAMILIES = (
    "demand_deposit", "time_deposit", "loan", "wealth_management", "fund", "insurance", "bond",
)
DD, TD, LN, WM, FD, INS, BD = range(7)
CURRENCIES = ("CNY", "USD", "HKD", "EUR")
CNY, USD, HKD, EUR = range(4)
FX_START = np.array([1.0, 7.18, 0.921, 7.85])
FX_DAILY_SD = np.array([0.0, 0.0022, 0.0022, 0.0040])
OCCUPATIONS = (
    "employee", "civil_servant", "self_employed", "freelancer", "business_owner",
    "executive", "retired", "student", "other",
)
RATINGS = ("AAA", "AA", "A", "BBB", "BB", "B", "CCC", "D")
RISK_CLASSES = ("normal", "special_mention", "substandard", "doubtful", "loss")
COLLATERALS = ("mortgage", "pledge", "guarantee", "unsecured")
FEE_TYPES = (
    "settlement", "wealth_commission", "agency_insurance", "card", "advisory", "guarantee", "fx",
)
CHANNELS = ("counter", "atm", "mobile", "online", "pos", "batch")
DIRECTIONS = ("debit", "credit")
INITIATORS = ("customer", "bank")
EMERGING_TAGS = ("internet", "iot", "mobile_payment")
N_BRANCHES = 20
STRATEGIC_GROUPS = tuple(f"G{i:03d}" for i in range(1, 6))

#: (industry code, weight among corporates, Chinese business word)
CORP_INDUSTRIES: tuple[tuple[str, float, str], ...] = (
    ("A01", 3, "农业科技"), ("B06", 2, "矿业"), ("C13", 4, "食品"), ("C26", 4, "化工"),
    ("C36", 6, "汽车零部件"), ("C39", 6, "电子科技"), ("D44", 2, "能源"),
    ("E47", 5, "建设工程"), ("E48", 3, "路桥工程"), ("F51", 11, "商贸"), ("F52", 7, "百货"),
    ("G54", 4, "物流"), ("G59", 3, "仓储"), ("H62", 3, "餐饮管理"), ("I64", 4, "网络科技"),
    ("I65", 6, "软件技术"), ("K70", 6, "房地产开发"), ("L72", 5, "商务咨询"),
    ("M73", 3, "生物医药研究"), ("R86", 1, "文化传媒"),
)
#: (industry code, weight among institutions, name endings, USCC registration prefix)
INST_INDUSTRIES: tuple[tuple[str, float, tuple[str, ...], str], ...] = (
    ("S92", 3, ("财政局", "教育局", "住房和城乡建设局", "人力资源和社会保障局"), "11"),
    ("S94", 1, ("社会保险事业管理中心", "医疗保障事务中心"), "12"),
    ("S95", 1, ("慈善总会", "红十字会", "工商业联合会"), "51"),
    ("P83", 3, ("第一中学", "职业技术学院", "大学", "实验小学"), "12"),
    ("Q84", 3, ("第一人民医院", "中医院", "妇幼保健院", "疾病预防控制中心"), "12"),
    ("N78", 1, ("市政公用事业管理处", "园林绿化管理中心"), "12"),
    ("O82", 1, ("社区服务中心", "养老服务中心"), "52"),
)
#: SME medium-enterprise floors by longest industry prefix (METHODOLOGY.md §4):
#: prefix -> (annual_sales, total_assets, employee_count); NaN = no floor.
_NAN = float("nan")
SME_FLOORS: dict[str, tuple[float, float, float]] = {
    "*": (_NAN, _NAN, 100), "A": (5e6, _NAN, _NAN), "B": (2e7, _NAN, 300),
    "C": (2e7, _NAN, 300), "D": (2e7, _NAN, 300), "E": (6e7, 5e7, _NAN),
    "F51": (5e7, _NAN, 20), "F52": (5e6, _NAN, 50), "G": (3e7, _NAN, 300),
    "G59": (1e7, _NAN, 100), "G60": (2e7, _NAN, 300), "H": (2e7, _NAN, 100),
    "I": (1e7, _NAN, 100), "K": (1e7, 5e7, _NAN), "L": (_NAN, 8e7, 100),
}
LOW_LARGE_SECTIONS = frozenset("ILMNOPQR")

CITIES = (
    "北京", "上海", "广州", "深圳", "杭州", "南京", "苏州", "成都", "武汉", "天津",
    "重庆", "西安", "宁波", "青岛", "厦门", "长沙", "郑州", "合肥", "济南", "福州",
)
AREA_CODES = (
    110101, 310104, 440106, 440305, 330106, 320102, 320505, 510107, 420106, 120101,
    500103, 610113, 330203, 370202, 350203, 430104, 410105, 340104, 370102, 350102,
)
SURNAMES = tuple(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
)
GIVEN_CHARS = tuple(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰萍红建文辉力鹏飞宇浩然涵欣怡梓轩雨婷"
    "思佳俊晨阳嘉琪博志秀梅海燕丹凯瑞琳"
)
BRAND_CHARS = tuple(
    "华信恒泰瑞丰鑫达宏远盛隆嘉和安康博创新科联通金源德兴中海天润宇晟辰锦方正永立泽凯"
)
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# RNG stream ids
_S_CUST, _S_ACC, _S_LEVEL, _S_DAILY, _S_TXN, _S_FEE = 1, 2, 3, 4, 5, 6
_S_RATING, _S_SURVEY, _S_PROSPECT, _S_FX = 7, 8, 9, 10


def _rng(seed: int, *keys: int) -> np.random.Generator:
    """Independent, reproducible random stream for ``(seed, *keys)``."""
    return np.random.default_rng([seed, *keys])


# --------------------------------------------------------------------------------------
# Small vectorised helpers
# --------------------------------------------------------------------------------------


def _epoch_day(d: date) -> int:
    return (d - EPOCH).days


def _month_start(start: date, m: int) -> int:
    """Epoch day of the first day of month ``m`` counted from ``start``."""
    y, mo = divmod(start.month - 1 + m, 12)
    return _epoch_day(date(start.year + y, mo + 1, 1))


def _add_months(days: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Add calendar months to epoch days, clipping the day of month (Jan 31 + 1 = Feb 28)."""
    d = days.astype("datetime64[D]")
    mo = d.astype("datetime64[M]")
    dom = (d - mo.astype("datetime64[D]")).astype(np.int64)
    target = mo + months.astype("timedelta64[M]")
    first = target.astype("datetime64[D]")
    month_len = ((target + 1).astype("datetime64[D]") - first).astype(np.int64)
    return first.astype(np.int64) + np.minimum(dom, month_len - 1)


def _calendar_month(day: int) -> int:
    return int(np.datetime64(day, "D").astype("datetime64[M]").astype(np.int64) % 12) + 1


def _choice(rng: np.random.Generator, n: int, probs: np.ndarray | list[float]) -> np.ndarray:
    """Vectorised categorical draw of ``n`` indices with the given weights."""
    cum = np.cumsum(np.asarray(probs, dtype=np.float64))
    return np.searchsorted(cum / cum[-1], rng.random(n), side="right").clip(0, len(cum) - 1)


def _choice_by_group(
    rng: np.random.Generator, groups: np.ndarray, table: np.ndarray | list[list[float]]
) -> np.ndarray:
    """Categorical draw where row ``groups[i]`` of ``table`` holds the weights of row i."""
    tab = np.asarray(table, dtype=np.float64)
    cum = np.cumsum(tab, axis=1)
    cum /= cum[:, -1:]
    u = rng.random(len(groups))
    return (u[:, None] > cum[groups]).sum(axis=1).clip(0, tab.shape[1] - 1)


def _loguniform(rng: np.random.Generator, lo: np.ndarray | float, hi: np.ndarray | float,
                n: int) -> np.ndarray:
    return np.exp(rng.uniform(np.log(lo), np.log(hi), n))


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """ASCII digit matrix ``(n, width)`` of non-negative integers, zero padded."""
    out = np.empty((len(values), width), dtype=np.uint8)
    v = values.astype(np.int64)
    for j in range(width - 1, -1, -1):
        out[:, j] = 48 + v % 10
        v = v // 10
    return out


def _fixed_width(chars: np.ndarray) -> pa.Array:
    """Arrow string array from a ``(n, width)`` uint8 ASCII matrix (zero-copy layout)."""
    n, w = chars.shape
    offsets = np.arange(0, (n + 1) * w, w, dtype=np.int32)
    data = np.ascontiguousarray(chars).tobytes()
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """``prefix`` + zero-padded numbers, e.g. ``C0000001``."""
    p = np.frombuffer(prefix.encode(), dtype=np.uint8)
    chars = np.empty((len(numbers), len(p) + width), dtype=np.uint8)
    chars[:, : len(p)] = p
    chars[:, len(p):] = _digits(numbers, width)
    return _fixed_width(chars)


def _take(values: tuple[str, ...] | list[str], idx: np.ndarray) -> pa.Array:
    """Strings ``values[idx]``; a negative index gives null."""
    idx = np.asarray(idx, dtype=np.int64)
    neg = idx < 0
    arr = pa.array(np.where(neg, 0, idx), mask=neg if neg.any() else None)
    return pc.take(pa.array(list(values), type=_STR), arr)


def _null_where(arr: pa.Array, mask: np.ndarray) -> pa.Array:
    if not mask.any():
        return arr
    return pc.if_else(pa.array(mask), pa.scalar(None, arr.type), arr)


def _dates(days: np.ndarray) -> pa.Array:
    mask = days == NA_DAY
    return pa.array(np.where(mask, 0, days).astype(np.int32), type=_DATE,
                    mask=mask if mask.any() else None)


def _floats(x: np.ndarray) -> pa.Array:
    mask = np.isnan(x)
    return pa.array(x.astype(np.float64), type=_DBL, mask=mask if mask.any() else None)


def _table(name: str, cols: dict[str, pa.Array]) -> pa.Table:
    """Build a table with exactly the contract's column order and types."""
    schema = pa.schema([pa.field(c, t) for c, t in CONTRACT[name]])
    arrays = [cols[c] if cols[c].type == t else cols[c].cast(t) for c, t in CONTRACT[name]]
    return pa.Table.from_arrays(arrays, schema=schema)


def _round_sig(x: np.ndarray, step: float) -> np.ndarray:
    return np.round(x / step) * step


# --------------------------------------------------------------------------------------
# Customers
# --------------------------------------------------------------------------------------


@dataclass
class Customers:
    """Customer universe: latent attributes used by later stages plus the output table."""

    n: int
    ctype: np.ndarray
    onboard: np.ndarray
    close: np.ndarray
    wealth: np.ndarray  # retail: 0 mass, 1 affluent, 2 hnw; -1 otherwise
    target: np.ndarray  # retail target AUM / corporate deposit level (CNY)
    size: np.ndarray  # corporate: 0 small, 1 medium, 2 large; -1 otherwise
    corp_loan: np.ndarray  # corporate/institution decided to borrow
    strategic: np.ndarray
    industry: np.ndarray  # index into CORP_INDUSTRIES or INST_INDUSTRIES; -1 retail
    occupation: np.ndarray
    lam: np.ndarray  # customer-initiated transactions per month
    quiet: np.ndarray  # no customer activity on or after this day (NA_DAY = never)
    engage: np.ndarray  # relationship depth 0..1: products, activity, surveys, fee business
    ids: pa.Array
    table: pa.Table


def _resident_ids(rng: np.random.Generator, birth: np.ndarray, male: np.ndarray) -> pa.Array:
    """18-character PRC resident ID numbers with a valid ISO 7064 MOD 11-2 check digit."""
    n = len(birth)
    area = np.asarray(AREA_CODES)[rng.integers(0, len(AREA_CODES), n)]
    ymd = birth.astype("datetime64[D]")
    y = ymd.astype("datetime64[Y]").astype(np.int64) + 1970
    mth = ymd.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dom = (ymd - ymd.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    seq = rng.integers(0, 50, n) * 2 + male.astype(np.int64)  # odd = male
    seq = rng.integers(0, 10, n) * 100 + seq % 100
    body = np.concatenate(
        [_digits(area, 6), _digits(y, 4), _digits(mth, 2), _digits(dom, 2), _digits(seq, 3)],
        axis=1,
    )
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
    s = ((body.astype(np.int64) - 48) * weights).sum(axis=1) % 11
    check = np.frombuffer(b"10X98765432", dtype=np.uint8)[s]
    return _fixed_width(np.concatenate([body, check[:, None]], axis=1))


def _uscc(rng: np.random.Generator, prefix2: np.ndarray) -> pa.Array:
    """18-character unified social credit codes (GB 32100) with valid check characters."""
    n = len(prefix2)
    area = np.asarray(AREA_CODES)[rng.integers(0, len(AREA_CODES), n)]
    org = _digits(rng.integers(0, 10**8, n), 8)
    ow = np.array([3, 7, 9, 10, 5, 8, 4, 2])
    oc = 11 - ((org.astype(np.int64) - 48) * ow).sum(axis=1) % 11
    org_check = np.where(oc == 10, ord("X"), np.where(oc == 11, 48, 48 + oc)).astype(np.uint8)
    head = np.asarray(prefix2, dtype="S2").view(np.uint8).reshape(n, 2)
    body = np.concatenate([head, _digits(area, 6), org, org_check[:, None]], axis=1)
    lut = np.zeros(128, dtype=np.int64)
    for i, ch in enumerate(_USCC_CHARS):
        lut[ord(ch)] = i
    w = np.array([pow(3, i, 31) for i in range(17)])
    c = (31 - (lut[body] * w).sum(axis=1) % 31) % 31
    check = np.frombuffer(_USCC_CHARS.encode(), dtype=np.uint8)[c]
    return _fixed_width(np.concatenate([body, check[:, None]], axis=1))


def _phones(rng: np.random.Generator, n: int) -> pa.Array:
    second = np.array([3, 5, 7, 8, 9])[rng.integers(0, 5, n)]
    rest = rng.integers(0, 10**9, n)
    chars = np.concatenate(
        [np.full((n, 1), ord("1"), np.uint8), (48 + second).astype(np.uint8)[:, None],
         _digits(rest, 9)], axis=1,
    )
    return _fixed_width(chars)


def _company_names(rng: np.random.Generator, words: pa.Array, group: np.ndarray) -> pa.Array:
    """City + two brand characters + business word + legal-form suffix."""
    n = len(words)
    city = _take(CITIES, rng.integers(0, len(CITIES), n))
    b1 = _take(BRAND_CHARS, rng.integers(0, len(BRAND_CHARS), n))
    b2 = _take(BRAND_CHARS, rng.integers(0, len(BRAND_CHARS), n))
    sfx_idx = np.where(group, _choice(rng, n, [0.4, 0.2, 0.4]), _choice(rng, n, [0.72, 0.28, 0]))
    suffix = _take(("有限公司", "股份有限公司", "集团有限公司"), sfx_idx)
    return pc.binary_join_element_wise(city, b1, b2, words, suffix, "")


def _institution_names(rng: np.random.Generator, industry: np.ndarray) -> pa.Array:
    """City + an institution name typical of its industry (hospital, school, bureau...)."""
    endings = [e for x in INST_INDUSTRIES for e in x[2]]
    size = np.array([len(x[2]) for x in INST_INDUSTRIES])
    offset = np.cumsum(size) - size
    pick = offset[industry] + rng.integers(0, 1 << 30, len(industry)) % size[industry]
    city = _take(CITIES, rng.integers(0, len(CITIES), len(industry)))
    return pc.binary_join_element_wise(city, _take(endings, pick), "")


def _sme_floor_table(codes: tuple[str, ...]) -> np.ndarray:
    """(n_codes, 3) medium floors of each industry code by longest matching prefix."""
    out = np.empty((len(codes), 3))
    for i, code in enumerate(codes):
        best = max((p for p in SME_FLOORS if p == "*" or code.startswith(p)), key=len)
        out[i] = SME_FLOORS[best]
    return out


def _large_threshold(codes: tuple[str, ...]) -> np.ndarray:
    return np.array([1.5e8 if c[0] in LOW_LARGE_SECTIONS else 3e8 for c in codes])


def _exact_counts(n: int, shares: list[float], minimum: int = 0) -> np.ndarray:
    counts = np.maximum(np.round(np.asarray(shares) * n).astype(np.int64), minimum)
    counts[0] = n - counts[1:].sum()
    return counts


def generate_customers(seed: int, n: int, start: date) -> Customers:
    """Generate the customer universe (independent of the number of months)."""
    rng = _rng(seed, _S_CUST)
    s0 = _epoch_day(start)
    n_ret, n_corp, n_inst = _exact_counts(n, [0.80, 0.17, 0.03], minimum=1 if n >= 10 else 0)
    ctype = rng.permutation(np.repeat([RETAIL, CORPORATE, INSTITUTION], [n_ret, n_corp, n_inst]))
    is_r, is_c, is_i = ctype == RETAIL, ctype == CORPORATE, ctype == INSTITUTION
    ir, ic, ii = np.flatnonzero(is_r), np.flatnonzero(is_c), np.flatnonzero(is_i)

    # --- onboarding, newness ------------------------------------------------------
    new = rng.random(n) < 0.08
    onboard = np.where(
        rng.random(n) < 0.35,
        s0 - rng.integers(30, 730, n),
        s0 - rng.integers(730, 7300, n),
    )
    onboard = np.where(new, s0 + np.minimum(rng.exponential(200, n).astype(np.int64), 720),
                       onboard)

    # --- retail attributes --------------------------------------------------------
    wealth = np.full(n, -1)
    n_hnw = max(3, round(0.012 * len(ir))) if len(ir) >= 50 else int(len(ir) >= 3)
    n_aff = max(5, round(0.10 * len(ir))) if len(ir) >= 50 else int(len(ir) >= 2)
    perm = rng.permutation(ir)
    wealth[ir] = 0
    wealth[perm[:n_hnw]] = 2
    wealth[perm[n_hnw:n_hnw + n_aff]] = 1
    target = np.zeros(n)
    w = wealth
    target[w == 2] = 5e6 * np.exp(rng.uniform(0.25, 2.3, (w == 2).sum()))
    target[w == 1] = _loguniform(rng, 6e5, 4.5e6, (w == 1).sum())
    target[w == 0] = np.clip(rng.lognormal(np.log(25_000), 1.4, (w == 0).sum()), 100, 4.5e5)

    occ_probs = np.array([
        [.38, .07, .10, .08, .03, .02, .15, .07, .10],  # mass
        [.30, .10, .10, .05, .15, .12, .15, .00, .03],  # affluent
        [.05, .02, .10, .03, .40, .25, .12, .00, .03],  # hnw
    ])
    occupation = np.full(n, -1)
    occupation[ir] = _choice_by_group(rng, wealth[ir], occ_probs)
    age = np.zeros(n)
    age[ir] = rng.uniform(24, 62, len(ir))
    age[ir] = np.where(wealth[ir] == 2, rng.uniform(35, 75, len(ir)), age[ir])
    age[ir] = np.where(occupation[ir] == 7, rng.uniform(18, 25, len(ir)), age[ir])
    age[ir] = np.where(occupation[ir] == 6, rng.uniform(55, 85, len(ir)), age[ir])
    birth = np.full(n, NA_DAY)
    birth[ir] = (s0 - age[ir] * 365.25).astype(np.int64)
    adult = birth + int(18.2 * 365.25)
    onboard = np.where(is_r, np.maximum(onboard, adult), onboard)
    new = onboard >= s0
    gender_idx = np.where(is_r, _choice(rng, n, [0.5, 0.49, 0.01]), -1)
    income = np.full(n, np.nan)
    inc_med = np.array([90_000, 300_000, 1_500_000])[np.maximum(wealth, 0)]
    income[ir] = rng.lognormal(np.log(inc_med[ir]), 0.6)
    income[ir] = np.where(occupation[ir] == 7, rng.uniform(0, 20_000, len(ir)), income[ir])
    income[ir] = np.where(occupation[ir] == 6, rng.uniform(40_000, 120_000, len(ir)), income[ir])
    income[ir] = np.where(rng.random(len(ir)) < 0.10, np.nan, _round_sig(income[ir], 100))

    # --- corporate attributes -------------------------------------------------------
    industry = np.full(n, -1)
    cw = np.array([x[1] for x in CORP_INDUSTRIES])
    industry[ic] = _choice(rng, len(ic), cw)
    iw = np.array([x[1] for x in INST_INDUSTRIES])
    industry[ii] = _choice(rng, len(ii), iw)
    corp_codes = tuple(x[0] for x in CORP_INDUSTRIES)
    size = np.full(n, -1)
    size[ic] = _choice(rng, len(ic), [0.65, 0.27, 0.08])
    corp_loan = np.zeros(n, dtype=bool)
    corp_loan[ic] = rng.random(len(ic)) < np.array([0.38, 0.55, 0.75])[size[ic]]
    corp_loan[ii] = rng.random(len(ii)) < 0.25
    if len(ii) >= 2 and corp_loan[ii].sum() < 2:  # a couple of institutions always borrow
        corp_loan[ii[:2]] = True

    floors = _sme_floor_table(corp_codes)[industry[ic]]
    thr = _large_threshold(corp_codes)[industry[ic]]
    k = len(ic)
    sz = size[ic]
    sales = np.empty(k)
    assets = np.empty(k)
    emp = np.empty(k)
    # large: above the large threshold of the section
    lg = sz == 2
    sales[lg] = thr[lg] * np.exp(rng.uniform(0.05, 2.3, lg.sum()))
    assets[lg] = sales[lg] * rng.uniform(0.6, 2.5, lg.sum())
    emp[lg] = _loguniform(rng, 500, 20_000, lg.sum())
    # medium: every floor met, below the large threshold
    md = sz == 1
    lo = np.where(np.isnan(floors[md, 0]), 5e6, floors[md, 0]) * 1.15
    sales[md] = _loguniform(rng, lo, thr[md] * 0.85, md.sum())
    assets[md] = np.maximum(np.nan_to_num(floors[md, 1], nan=0) * 1.2,
                            sales[md] * rng.uniform(0.5, 2.0, md.sum()))
    emp[md] = np.where(np.isnan(floors[md, 2]), _loguniform(rng, 20, 800, md.sum()),
                       np.nan_to_num(floors[md, 2]) * rng.uniform(1.1, 4.0, md.sum()))
    # small: below every floor its row sets
    sm = sz == 0
    sales[sm] = np.where(np.isnan(floors[sm, 0]), _loguniform(rng, 5e5, 5e7, sm.sum()),
                         np.nan_to_num(floors[sm, 0]) * rng.uniform(0.05, 0.9, sm.sum()))
    assets[sm] = np.where(np.isnan(floors[sm, 1]), sales[sm] * rng.uniform(0.3, 1.5, sm.sum()),
                          np.nan_to_num(floors[sm, 1]) * rng.uniform(0.05, 0.9, sm.sum()))
    emp[sm] = np.where(np.isnan(floors[sm, 2]), _loguniform(rng, 3, 300, sm.sum()),
                       np.nan_to_num(floors[sm, 2]) * rng.uniform(0.05, 0.95, sm.sum()))
    # real estate is asset heavy
    is_k = np.array([corp_codes[j][0] == "K" for j in range(len(corp_codes))])[industry[ic]]
    assets = np.where(is_k & ~sm, np.maximum(assets, sales * rng.uniform(2, 6, k)), assets)
    assets[sm] = np.where(rng.random(sm.sum()) < 0.04, np.nan, assets[sm])
    emp[sm] = np.where(rng.random(sm.sum()) < 0.04, np.nan, emp[sm])
    annual_sales = np.full(n, np.nan)
    total_assets = np.full(n, np.nan)
    employees = np.full(n, np.nan)
    annual_sales[ic] = _round_sig(sales, 1000)
    total_assets[ic] = _round_sig(assets, 1000)
    employees[ic] = np.maximum(np.floor(emp), 1)
    # institutions: assets and staff, no sales
    total_assets[ii] = _round_sig(_loguniform(rng, 2e7, 5e9, len(ii)), 1000)
    employees[ii] = np.floor(_loguniform(rng, 30, 5000, len(ii)))

    # deposit level of corporates / institutions
    target[ic] = rng.lognormal(np.log(np.array([3e5, 1.5e6, 8e6])[sz]), 1.3)
    target[ii] = rng.lognormal(np.log(3e6), 1.5, len(ii))

    # emerging tags
    tag = np.full(n, -1)
    code_c = np.array(corp_codes)[industry[ic]]
    p_tag = np.where(np.isin(code_c, ["I64", "I65", "C39"]), 0.5, 0.03)
    has_tag = rng.random(k) < p_tag
    tag_pref = np.where(code_c == "I64", 0, np.where(code_c == "C39", 1, 2))
    tag_probs = np.array([[.7, .0, .3], [.2, .8, .0], [.4, .3, .3]])
    tag[ic] = np.where(has_tag, _choice_by_group(rng, tag_pref, tag_probs), -1)

    # --- groups ---------------------------------------------------------------------
    group = np.full(n, -1)
    strategic = np.zeros(n, dtype=bool)
    loan_c = ic[corp_loan[ic]]
    if len(loan_c):
        n_sc = min(len(loan_c), int(np.clip(round(0.04 * len(loan_c)), 8, 60)))
        wsc = np.array([0.5, 2.0, 5.0])[size[loan_c]]
        members = rng.choice(loan_c, n_sc, replace=False, p=wsc / wsc.sum())
        group[members] = np.arange(n_sc) % len(STRATEGIC_GROUPS)
    loan_i = ii[corp_loan[ii]]
    if len(loan_i):
        n_si = min(len(loan_i), int(np.clip(round(0.1 * len(loan_i)), 2, 15)))
        members = rng.choice(loan_i, n_si, replace=False)
        group[members] = np.arange(n_si) % len(STRATEGIC_GROUPS)
    nl_c = ic[~corp_loan[ic]]
    if len(nl_c):
        members = rng.choice(nl_c, min(len(nl_c), max(1, len(ic) // 150)), replace=False)
        group[members] = rng.integers(0, len(STRATEGIC_GROUPS), len(members))
    strategic[group >= 0] = True
    n_groups = max(5, len(ic) // 40)
    free = np.flatnonzero((ctype != RETAIL) & (group < 0))
    joins = free[rng.random(len(free)) < np.where(ctype[free] == CORPORATE, 0.08, 0.04)]
    group[joins] = len(STRATEGIC_GROUPS) + rng.integers(0, n_groups, len(joins))

    # --- relationship depth ------------------------------------------------------------
    # engage (0..1) is how deep the relationship is: it drives the number of product
    # families held, customer activity, CRM survey answers (satisfaction, agreement, VIP,
    # wallet share) and fee business, so the bank's value to the customer (METHODOLOGY.md
    # §5) spreads around the 60 line and correlates with the customer's contribution.
    # Wealthier retail customers, larger firms and strategic groups run deeper.
    depth_group = np.select(
        [is_r & (wealth == 0), is_r & (wealth == 1), is_r & (wealth == 2), strategic,
         is_c & (size == 0), is_c & (size == 1), is_c & (size == 2)],
        [0, 1, 2, 3, 4, 5, 6], 7,
    )
    beta_a = np.array([1.8, 2.1, 2.5, 3.0, 1.7, 1.9, 2.2, 2.0])[depth_group]
    beta_b = np.array([1.2, 1.1, 1.0, 0.9, 1.1, 1.0, 1.0, 1.0])[depth_group]
    engage = rng.beta(beta_a, beta_b)
    # deep relationships are mostly old ones (tenure, 续存时间)
    stretched = s0 - ((s0 - onboard) * (0.5 + engage)).astype(np.int64)
    onboard = np.where(onboard < s0, np.minimum(stretched, s0 - 30), onboard)
    onboard = np.where(is_r, np.maximum(onboard, adult), onboard)
    # a deeper relationship keeps a larger share of the customer's money here
    target = np.select(
        [is_r & (wealth == 0), is_r & (wealth == 1), ~is_r],
        [np.clip(target * (0.3 + 1.4 * engage), 100, 4.5e5),
         np.clip(target * (0.6 + 0.8 * engage), 5.5e5, 4.8e6),
         target * (0.4 + 1.2 * engage)],
        target,
    )

    # --- lifecycle and activity -----------------------------------------------------
    churn = (~new) & (~strategic) & (rng.random(n) < 0.04)
    close = np.where(churn, np.maximum(s0 + rng.integers(20, 540, n), onboard + 60), NA_DAY)
    # classes: 0 active, 1 moderate, 2 occasional, 3 dormant, 4 fading; by depth band
    band = np.digitize(engage, [0.35, 0.6])
    act_probs = np.array([[.08, .24, .38, .18, .12], [.32, .36, .20, .08, .04],
                          [.75, .19, .04, .01, .01]])
    act = _choice_by_group(rng, band, act_probs)
    act = np.where((strategic | new) & (act == 3), 1, act)
    engage = np.where(act >= 3, engage * 0.6, engage)  # dormant and fading customers drift
    hi = np.where(ctype == RETAIL, 24.0, 32.0)
    lam = np.select(
        [act == 0, act == 1, act == 2, act == 3],
        [rng.uniform(3.5 + 16 * engage, hi), rng.uniform(1.0, 3.0, n),
         rng.uniform(0.15, 0.6, n), 0.0],
        default=rng.uniform(3.5, 10, n),
    )
    quiet = np.where(act == 4, s0 + rng.integers(15, 200, n), NA_DAY)
    target = np.where((act == 3) & is_r & (wealth == 0), target * 0.2, target)

    # --- names, ids, contact ----------------------------------------------------------
    sur_w = 1.0 / (np.arange(len(SURNAMES)) + 5.0)
    sur = _take(SURNAMES, _choice(rng, n, sur_w))
    g1 = _take(GIVEN_CHARS, rng.integers(0, len(GIVEN_CHARS), n))
    g2 = _take(GIVEN_CHARS + ("",) * 25, rng.integers(0, len(GIVEN_CHARS) + 25, n))
    person = pc.binary_join_element_wise(sur, g1, g2, "")
    words = _take(tuple(x[2] for x in CORP_INDUSTRIES), np.where(is_c, industry, 0))
    company = _company_names(rng, words, group >= 0)
    inst_name = _institution_names(rng, np.where(is_i, industry, 0))
    cname = pc.if_else(pa.array(is_r), person, pc.if_else(pa.array(is_c), company, inst_name))

    male = np.where(gender_idx == 0, True, np.where(gender_idx == 1, False, rng.random(n) < .5))
    rid = _resident_ids(rng, np.where(is_r, birth, s0 - 40 * 365), male)
    inst_prefix = np.array([x[3] for x in INST_INDUSTRIES])[np.where(is_i, industry, 0)]
    prefix2 = np.where(is_i, inst_prefix, "91")
    uscc = _uscc(rng, prefix2)
    id_number = pc.if_else(pa.array(is_r), rid, uscc)
    phone = _null_where(_phones(rng, n), rng.random(n) < np.where(is_r, 0.05, 0.12))

    codes_all = np.array(corp_codes + tuple(x[0] for x in INST_INDUSTRIES))
    ind_idx = np.where(is_c, industry, np.where(is_i, industry + len(CORP_INDUSTRIES), -1))
    branch = 1 + _choice(rng, n, 1.0 / np.sqrt(np.arange(1, N_BRANCHES + 1)))
    group_names = tuple(f"G{i:03d}" for i in range(1, len(STRATEGIC_GROUPS) + n_groups + 1))
    ids = _ids("C", np.arange(1, n + 1), 7)
    table = _table("customers", {
        "customer_id": ids,
        "customer_type": _take(CTYPES, ctype),
        "customer_name": cname,
        "id_number": id_number,
        "phone": phone,
        "birth_date": _dates(birth),
        "gender": _take(("M", "F"), np.where(gender_idx > 1, -1, gender_idx)),
        "occupation": _take(OCCUPATIONS, occupation),
        "annual_income": _floats(income),
        "industry_code": _take(tuple(codes_all), ind_idx),
        "emerging_tag": _take(EMERGING_TAGS, tag),
        "group_id": _take(group_names, group),
        "annual_sales": _floats(annual_sales),
        "total_assets": _floats(total_assets),
        "employee_count": _floats(employees).cast(_INT),
        "branch_id": _ids("BR", branch, 3),
        "onboard_date": _dates(onboard),
        "close_date": _dates(close),
    })
    return Customers(
        n=n, ctype=ctype, onboard=onboard.astype(np.int64), close=close.astype(np.int64),
        wealth=wealth, target=target, size=size, corp_loan=corp_loan, strategic=strategic,
        industry=industry, occupation=occupation, lam=lam, quiet=quiet.astype(np.int64),
        engage=engage,
        ids=ids, table=table,
    )


# --------------------------------------------------------------------------------------
# Accounts
# --------------------------------------------------------------------------------------

# balance kinds
_NOISY, _CONST, _AMORT, _BULLET = 0, 1, 2, 3


@dataclass(frozen=True)
class Product:
    """One product of the catalogue."""

    code: str
    family: int
    currency: int = CNY
    terms: tuple[int, ...] = ()  # candidate original terms in months; () = no maturity
    rate: tuple[float, float] | None = None  # customer rate range; None = null
    kind: int = _NOISY
    sd: float = 0.0  # daily log-noise
    sm: float = 0.0  # monthly log-shock
    alpha: float = 1.0  # share weight of the customer's deposit/AUM level
    collateral: tuple[float, float, float, float] | None = None
    close_p: float = 0.0  # chance of closing inside the horizon (open-ended products)


PRODUCTS: tuple[Product, ...] = (
    Product("DD_CNY", DD, rate=(0.0025, 0.0025), sd=0.02, sm=0.10, alpha=1.5, close_p=0.04),
    Product("DD_USD", DD, USD, rate=(0.0015, 0.0015), sd=0.02, sm=0.08, alpha=0.6, close_p=0.05),
    Product("DD_HKD", DD, HKD, rate=(0.0010, 0.0010), sd=0.02, sm=0.08, alpha=0.6, close_p=0.05),
    Product("DD_EUR", DD, EUR, rate=(0.0005, 0.0005), sd=0.02, sm=0.08, alpha=0.6, close_p=0.05),
    Product("TD_3M", TD, terms=(3,), rate=(0.014, 0.0155), kind=_CONST, alpha=0.8),
    Product("TD_6M", TD, terms=(6,), rate=(0.016, 0.0175), kind=_CONST, alpha=0.9),
    Product("TD_1Y", TD, terms=(12,), rate=(0.018, 0.0195), kind=_CONST, alpha=1.2),
    Product("TD_2Y", TD, terms=(24,), rate=(0.020, 0.0215), kind=_CONST, alpha=1.0),
    Product("TD_3Y", TD, terms=(36,), rate=(0.024, 0.0255), kind=_CONST, alpha=1.0),
    Product("TD_5Y", TD, terms=(60,), rate=(0.0265, 0.028), kind=_CONST, alpha=0.8),
    Product("WM_R1", WM, sd=0.0005, sm=0.01, alpha=1.2, close_p=0.08),
    Product("WM_R2", WM, sd=0.001, sm=0.02, alpha=1.5, close_p=0.08),
    Product("WM_R3", WM, sd=0.003, sm=0.04, alpha=1.0, close_p=0.10),
    Product("FD_MMF", FD, sd=0.0003, sm=0.01, alpha=1.0, close_p=0.10),
    Product("FD_BOND", FD, sd=0.002, sm=0.02, alpha=0.8, close_p=0.10),
    Product("FD_EQUITY", FD, sd=0.012, sm=0.06, alpha=0.8, close_p=0.12),
    Product("INS_LIFE", INS, terms=(240,), kind=_CONST, alpha=0.8),
    Product("INS_ANNUITY", INS, terms=(120,), kind=_CONST, alpha=0.8),
    Product("BD_SAVINGS_3Y", BD, terms=(36,), kind=_CONST, alpha=0.6),
    Product("BD_SAVINGS_5Y", BD, terms=(60,), kind=_CONST, alpha=0.6),
    Product("LN_MORTGAGE", LN, terms=(120, 240, 300, 360), rate=(0.034, 0.045), kind=_AMORT,
            collateral=(1, 0, 0, 0)),
    Product("LN_CONSUMER", LN, terms=(12, 24, 36, 60), rate=(0.045, 0.068), kind=_AMORT,
            collateral=(0, 0, 0.3, 0.7)),
    Product("LN_BUSINESS", LN, terms=(12, 24, 36), rate=(0.04, 0.06), kind=_AMORT,
            collateral=(0.6, 0, 0.4, 0)),
    Product("LN_CREDIT_LINE", LN, rate=(0.05, 0.06), sd=0.01, sm=0.08,
            collateral=(0, 0, 0, 1), close_p=0.05),
    Product("LN_WORKING_CAP", LN, terms=(6, 12, 24, 36), rate=(0.04, 0.06), kind=_BULLET,
            collateral=(0.3, 0.2, 0.35, 0.15)),
    Product("LN_FIXED_ASSET", LN, terms=(60, 84, 120), rate=(0.04, 0.056), kind=_AMORT,
            collateral=(0.7, 0.3, 0, 0)),
    Product("LN_REVOLVING", LN, rate=(0.042, 0.06), sd=0.01, sm=0.08,
            collateral=(0, 0.2, 0.5, 0.3), close_p=0.05),
    Product("LN_RE_DEV", LN, terms=(24, 36, 60), rate=(0.05, 0.065), kind=_BULLET,
            collateral=(1, 0, 0, 0)),
    Product("LN_TRADE_FIN", LN, USD, terms=(3, 6, 12), rate=(0.045, 0.06), kind=_BULLET,
            collateral=(0, 0.6, 0.4, 0)),
    Product("LN_PUBLIC", LN, terms=(36, 60, 120), rate=(0.038, 0.048), kind=_AMORT,
            collateral=(0, 0.3, 0.3, 0.4)),
)
_PCODE = {p.code: i for i, p in enumerate(PRODUCTS)}


@dataclass
class Accounts:
    """Account universe with the per-account balance model parameters."""

    n: int
    cust: np.ndarray
    product: np.ndarray
    family: np.ndarray
    currency: np.ndarray
    open: np.ndarray
    maturity: np.ndarray
    close: np.ndarray
    rate: np.ndarray
    level: np.ndarray  # balance level in account currency
    risk: np.ndarray  # index into RISK_CLASSES, -1 for non-loans
    kind: np.ndarray
    sd: np.ndarray
    sm: np.ndarray
    term: np.ndarray
    sweep: np.ndarray
    primary: np.ndarray  # per customer: index of the primary CNY demand account
    ids: pa.Array
    table: pa.Table


def _holdings(c: Customers, rng: np.random.Generator) -> list[tuple[str, np.ndarray, bool]]:
    """How many accounts of each product every customer holds.

    Returns ``(product code, counts per customer, core)``; a core loan is opened before the
    window with a long maturity so that borrowing corporates keep their loan status.
    """
    n = c.n
    r = c.ctype == RETAIL
    co = c.ctype == CORPORATE
    ins = c.ctype == INSTITUTION
    rich = np.where(c.wealth >= 1, 1.0, 0.0)
    hnw = c.wealth == 2

    def u() -> np.ndarray:
        return rng.random(n)

    occ = c.occupation
    owner = np.isin(occ, [2, 4])
    k70 = np.zeros(n, dtype=bool)
    k70[co] = np.array([x[0] == "K70" for x in CORP_INDUSTRIES])[c.industry[co]]
    out: list[tuple[str, np.ndarray, bool]] = []

    def add(code: str, counts: np.ndarray, core: bool = False) -> None:
        out.append((code, counts.astype(np.int64), core))

    # deeper relationships hold more product families (product coverage, METHODOLOGY §5)
    e = c.engage
    deep = 0.35 + 1.4 * e

    def pois(p: np.ndarray, extra: float) -> np.ndarray:
        return (u() < p) * (1 + rng.poisson(extra, n))

    add("DD_CNY", 1 + (u() < np.select([r, co], [0.35, 0.45], 0.5))
        + rng.poisson(np.select([r, co], [0.05, 0.4], 0.8), n))
    usd = u() < np.select([r, co], [0.05 + 0.15 * rich, 0.20], 0.05) * deep
    add("DD_USD", usd)
    add("DD_HKD", u() < np.select([r, co], [0.02 + 0.05 * rich, 0.06], 0.0))
    add("DD_EUR", u() < np.select([r, co], [0.01 + 0.03 * rich, 0.06], 0.0))
    td_p = np.minimum(np.select([r, co], [0.15 + 0.75 * e + 0.15 * rich, 0.15 + 0.65 * e],
                                0.25 + 0.6 * e), 0.95)
    td_extra = np.select([r, co], [0.6 + 1.0 * rich, 0.5], 0.8)
    td_total = pois(td_p, td_extra)
    td_kind = np.array([_PCODE[x] for x in ("TD_3M", "TD_6M", "TD_1Y", "TD_2Y", "TD_3Y", "TD_5Y")])
    # spread a customer's time deposits over terms: one draw per customer and slot
    td_counts = np.zeros((n, len(td_kind)), dtype=np.int64)
    max_td = int(td_total.max()) if n else 0
    for slot in range(max_td):
        pick = _choice(rng, n, [0.12, 0.16, 0.32, 0.14, 0.16, 0.10])
        td_counts[np.arange(n), pick] += td_total > slot
    for j, pidx in enumerate(td_kind):
        add(PRODUCTS[pidx].code, td_counts[:, j])
    wm_p = np.minimum(np.where(r, 0.02 + 0.55 * e + 0.35 * rich,
                               np.where(co, 0.03 + 0.5 * e, 0.02 + 0.4 * e)), 0.95)
    has_wm = u() < wm_p
    wm_pick = _choice_by_group(rng, np.where(r, 0, 1), [[.3, .5, .2], [.6, .4, 0]])
    for j, code in enumerate(("WM_R1", "WM_R2", "WM_R3")):
        add(code, has_wm & (wm_pick == j))
    fund_p = np.minimum(np.where(r, 0.02 + 0.5 * e + 0.3 * rich, 0.0), 0.95)
    has_fd = u() < fund_p
    fd_pick = _choice(rng, n, [0.35, 0.35, 0.30])
    for j, code in enumerate(("FD_MMF", "FD_BOND", "FD_EQUITY")):
        add(code, has_fd & (fd_pick == j))
    ins_p = np.minimum(np.where(r, 0.02 + 0.4 * e + 0.2 * rich, 0.0), 0.95)
    has_ins = u() < ins_p
    ins_pick = u() < 0.6
    add("INS_LIFE", has_ins & ins_pick)
    add("INS_ANNUITY", has_ins & ~ins_pick)
    bd_p = np.where(r, 0.01 + 0.1 * e + 0.1 * rich + 0.1 * (occ == 6), 0.0)
    has_bd = u() < bd_p
    bd_pick = u() < 0.5
    add("BD_SAVINGS_3Y", has_bd & bd_pick)
    add("BD_SAVINGS_5Y", has_bd & ~bd_pick)
    # retail loans
    add("LN_MORTGAGE", r & (u() < 0.12 + 0.1 * hnw))
    add("LN_CONSUMER", r & (u() < 0.09))
    add("LN_BUSINESS", r & (u() < np.where(owner, 0.25, 0.01)))
    add("LN_CREDIT_LINE", r & (u() < 0.05))
    # corporate / institution loans: one core loan + extras
    borrow = c.corp_loan & co
    core_pick = _choice(rng, n, [0.45, 0.25, 0.30])
    core_pick = np.where(k70 & (u() < 0.6), 3, core_pick)
    add("LN_WORKING_CAP", borrow & (core_pick == 0), core=True)
    add("LN_FIXED_ASSET", borrow & (core_pick == 1), core=True)
    add("LN_REVOLVING", borrow & (core_pick == 2), core=True)
    add("LN_RE_DEV", borrow & (core_pick == 3), core=True)
    add("LN_WORKING_CAP", borrow * rng.poisson(0.6, n))
    add("LN_TRADE_FIN", borrow & usd & (u() < 0.5))
    add("LN_PUBLIC", c.corp_loan & ins, core=True)
    return out


def generate_accounts(seed: int, c: Customers, start: date) -> Accounts:
    """Generate accounts for the customer universe (independent of the number of months)."""
    rng = _rng(seed, _S_ACC)
    s0 = _epoch_day(start)
    horizon = s0 + HORIZON_DAYS
    holds = _holdings(c, rng)
    cust_l, prod_l, core_l, order_l = [], [], [], []
    for j, (code, counts, core) in enumerate(holds):
        owners = np.repeat(np.arange(c.n), counts)
        cust_l.append(owners)
        prod_l.append(np.full(len(owners), _PCODE[code]))
        core_l.append(np.full(len(owners), core))
        order_l.append(np.full(len(owners), j))
    cust = np.concatenate(cust_l)
    product = np.concatenate(prod_l)
    core = np.concatenate(core_l)
    order = np.concatenate(order_l)
    # primary CNY demand account = the customer's first DD_CNY (order 0, first occurrence)
    sort = np.lexsort((order, cust))
    cust, product, core, order = cust[sort], product[sort], core[sort], order[sort]
    n = len(cust)
    first_of_cust = np.r_[True, cust[1:] != cust[:-1]]
    primary = np.flatnonzero(first_of_cust)  # DD_CNY always comes first per customer

    fam = np.array([p.family for p in PRODUCTS])[product]
    cur = np.array([p.currency for p in PRODUCTS])[product]
    kind = np.array([p.kind for p in PRODUCTS])[product]
    sd = np.array([p.sd for p in PRODUCTS])[product]
    sm = np.array([p.sm for p in PRODUCTS])[product]
    ctype = c.ctype[cust]
    onboard = c.onboard[cust]
    cclose = c.close[cust]
    new = onboard >= s0

    # --- terms -------------------------------------------------------------------------
    term = np.zeros(n, dtype=np.int64)
    for i, p in enumerate(PRODUCTS):
        sel = product == i
        if p.terms and sel.any():
            term[sel] = np.asarray(p.terms)[rng.integers(0, len(p.terms), sel.sum())]
    core_long = core & (term > 0)
    term = np.where(core_long, np.maximum(term, 36), term)
    # working-capital loans: half amortise, half bullet
    kind = np.where((product == _PCODE["LN_WORKING_CAP"]) & (rng.random(n) < 0.5), _AMORT, kind)
    term_days = (term * 30.44).astype(np.int64)

    # --- open dates ------------------------------------------------------------------------
    pre = rng.random(n) < 0.85
    span_lo = np.where(term > 0, np.maximum(onboard, s0 - (term_days * 0.9).astype(np.int64)),
                       onboard)
    span_lo = np.minimum(span_lo, s0 - 1)
    open_pre = span_lo + (rng.random(n) * np.maximum(s0 - 1 - span_lo, 0)).astype(np.int64)
    open_in = s0 + np.minimum(rng.exponential(150, n).astype(np.int64), HORIZON_DAYS - 30)
    open_new = onboard + np.minimum(rng.exponential(45, n).astype(np.int64), 400)
    opened = np.where(new, open_new, np.where(pre, open_pre, np.maximum(open_in, onboard)))
    opened = np.where(core, np.maximum(onboard, s0 - rng.integers(30, 365, n)), opened)
    opened = np.where(core & new, onboard + rng.integers(0, 30, n), opened)
    opened[primary] = onboard[primary]
    # churned customers: everything opened at least 30 days before the relationship ends
    opened = np.where(cclose != NA_DAY, np.minimum(opened, cclose - 30), opened)
    opened = np.maximum(opened, onboard)

    # --- maturity and close -----------------------------------------------------------------
    maturity = np.where(term > 0, _add_months(opened, term), NA_DAY)
    fixed = (fam == TD) | ((fam == LN) & (term > 0))
    close = np.where(fixed & (maturity < horizon), maturity, NA_DAY)
    close_p = np.array([p.close_p for p in PRODUCTS])[product]
    closes = (rng.random(n) < close_p) & ~np.isin(np.arange(n), primary)
    close = np.where(closes, np.maximum(s0 + rng.integers(15, HORIZON_DAYS, n), opened + 31),
                     close)
    close = np.where(cclose != NA_DAY, np.minimum(close, cclose), close)
    close = np.where(close != NA_DAY, np.maximum(close, opened + 1), close)

    # --- rates, risk, collateral --------------------------------------------------------------
    lo = np.array([p.rate[0] if p.rate else np.nan for p in PRODUCTS])[product]
    hi = np.array([p.rate[1] if p.rate else np.nan for p in PRODUCTS])[product]
    rate = np.round(lo + rng.random(n) * (hi - lo), 4)
    corp_dd = (product == _PCODE["DD_CNY"]) & (ctype == CORPORATE)
    rate = np.where(corp_dd, np.array([0.002, 0.0025, 0.003])[rng.integers(0, 3, n)], rate)
    size = np.where(ctype == CORPORATE, c.size[cust], 1)
    rate = np.where((fam == LN) & (ctype == CORPORATE),
                    np.round(rate - 0.004 * (size - 1), 4), rate)
    is_loan = fam == LN
    risk = np.where(is_loan, _choice_by_group(
        rng, np.where(ctype == CORPORATE, np.clip(size, 0, 2), 1),
        [[.88, .07, .025, .015, .01], [.92, .05, .015, .01, .005], [.96, .03, .01, 0, 0]],
    ), -1)
    coll_tab = np.array([p.collateral or (0, 0, 0, 1) for p in PRODUCTS])[product]
    cum = np.cumsum(coll_tab, axis=1)
    coll = (rng.random(n)[:, None] > cum / cum[:, -1:]).sum(axis=1)
    coll = np.where(is_loan, np.where(rng.random(n) < 0.01, -1, coll), -1)

    # --- balance levels -----------------------------------------------------------------------
    alpha = np.array([p.alpha for p in PRODUCTS])[product]
    share = rng.gamma(alpha * 2.0, 1.0)
    asset_like = ~is_loan
    share = np.where(asset_like, share, 0.0)
    tot = np.bincount(cust, weights=share, minlength=c.n)
    level = c.target[cust] * share / np.where(tot[cust] > 0, tot[cust], 1.0)
    # loans: principal by product and customer size
    size_mult = np.where(ctype == CORPORATE, np.array([1.0, 5.0, 25.0])[np.clip(size, 0, 2)], 1)
    loan_med = {
        "LN_MORTGAGE": 1.2e6, "LN_CONSUMER": 8e4, "LN_BUSINESS": 5e5, "LN_CREDIT_LINE": 3e4,
        "LN_WORKING_CAP": 3e6, "LN_FIXED_ASSET": 6e6, "LN_REVOLVING": 2e6, "LN_RE_DEV": 2e7,
        "LN_TRADE_FIN": 1.5e7, "LN_PUBLIC": 3e7,
    }
    med = np.zeros(n)
    for code, m in loan_med.items():
        med[product == _PCODE[code]] = m
    hnw = (ctype == RETAIL) & (c.wealth[cust] == 2)
    principal = rng.lognormal(np.log(np.maximum(med, 1)), 0.6) * size_mult * np.where(hnw, 3, 1)
    level = np.where(is_loan, principal, level)
    level = np.maximum(level / FX_START[cur], 10.0)
    # investment products are bought in round amounts
    level = np.where(np.isin(fam, [TD, WM, INS, BD]), np.maximum(_round_sig(level, 1000), 1000),
                     level)
    sweep = (fam == DD) & (ctype != RETAIL) & (rng.random(n) < 0.08)
    sweep[primary] = False

    ids = _ids("A", np.arange(1, n + 1), 8)
    table = _table("accounts", {
        "account_id": ids,
        "customer_id": pc.take(c.ids, pa.array(cust)),
        "product_family": _take(FAMILIES, fam),
        "product_code": _take(tuple(p.code for p in PRODUCTS), product),
        "currency": _take(CURRENCIES, cur),
        "open_date": _dates(opened),
        "maturity_date": _dates(maturity),
        "close_date": _dates(close),
        "interest_rate": _floats(rate),
        "risk_class": _take(RISK_CLASSES, risk),
        "collateral_type": _take(COLLATERALS, coll),
    })
    return Accounts(
        n=n, cust=cust, product=product, family=fam, currency=cur, open=opened.astype(np.int64),
        maturity=maturity.astype(np.int64), close=close.astype(np.int64), rate=rate,
        level=level, risk=risk, kind=kind, sd=sd, sm=sm, term=term, sweep=sweep, primary=primary,
        ids=ids, table=table,
    )


# --------------------------------------------------------------------------------------
# Balances (the large table)
# --------------------------------------------------------------------------------------


def _balances_month(
    a: Accounts, shock: np.ndarray, ms: int, me: int, rng: np.random.Generator
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

    noisy = np.flatnonzero(kind == _NOISY)
    z = rng.standard_normal((len(noisy), nd), dtype=np.float32)
    np.cumsum(z, axis=1, out=z)
    an = act[noisy]
    expo = z * a.sd[an].astype(np.float32)[:, None]
    expo += (a.sm[an] * shock[an]).astype(np.float32)[:, None]
    np.exp(expo, out=expo)
    bal[noisy] = expo
    bal[noisy] *= lvl[noisy, None]

    const = np.flatnonzero((kind == _CONST) | (kind == _BULLET))
    bal[const] = lvl[const, None]

    amort = np.flatnonzero(kind == _AMORT)
    aa = act[amort]
    elapsed = np.floor((days[None, :] - a.open[aa][:, None]) / 30.4375)
    frac = 1.0 - elapsed / np.maximum(a.term[aa], 1)[:, None]
    bal[amort] = lvl[amort, None] * np.clip(frac, 0.0, 1.0)

    np.round(bal, 2, out=bal)
    mask = (days[None, :] >= a.open[act][:, None]) & (days[None, :] < a.close[act][:, None])
    mask &= bal >= 0.01
    sw = np.flatnonzero(a.sweep[act])
    if len(sw):
        mask[sw] &= rng.random((len(sw), nd)) >= 0.35
    ai, di = np.nonzero(mask)
    return _table("balances", {
        "account_id": pc.take(a.ids, pa.array(act[ai].astype(np.int32))),
        "balance_date": _dates(days[di]),
        "balance": pa.array(bal[ai, di], type=_DBL),
    })


# --------------------------------------------------------------------------------------
# Fees and transactions (monthly)
# --------------------------------------------------------------------------------------


def _open_span(a: Accounts, idx: np.ndarray, ms: int, me: int) -> tuple[np.ndarray, np.ndarray]:
    lo = np.maximum(a.open[idx], ms)
    hi = np.minimum(a.close[idx], me)
    return lo, hi


def _month_tag(ms: int) -> str:
    return str(np.datetime64(ms, "D").astype("datetime64[M]")).replace("-", "")


def _fee_scale(c: Customers) -> np.ndarray:
    """Fee business grows with the customer: retail with its financial assets (commission on
    wealth products, insurance), corporates and institutions with their deposits and size
    class (settlement volume, advisory, guarantees); strategic groups bring the most."""
    retail = np.clip(np.sqrt(np.maximum(c.target, 1) / 25_000), 0.5, 30)
    firm = np.clip((np.maximum(c.target, 1) / 1e6) ** 0.55, 0.15, 20)
    firm = firm * np.where(c.size >= 0, np.array([1.0, 2.0, 3.5])[np.maximum(c.size, 0)], 1.5)
    firm = np.minimum(firm * np.where(c.strategic, 2.5, 1.0), 30)
    return np.where(c.ctype == RETAIL, retail, firm)


def _fees_month(
    c: Customers, a: Accounts, ms: int, me: int, rng: np.random.Generator
) -> tuple[pa.Table, dict[str, np.ndarray]]:
    """Fee income rows of one month plus the bank-initiated debits they cause."""
    prim = a.primary
    active = (a.open[prim] < me) & (a.close[prim] > ms)
    e = c.engage
    p = np.select([c.wealth >= 1, c.ctype == RETAIL, c.ctype == CORPORATE],
                  [0.25 + 0.6 * e, 0.02 + 0.3 * e, 0.6 * (0.5 + e)], 0.45 * (0.5 + e))
    p = np.minimum(p, 0.97)
    extra = np.where(c.ctype == RETAIL, 0.8, 0.6 + 1.2 * np.log10(np.maximum(_fee_scale(c), 1)))
    cnt = (active & (rng.random(c.n) < p)) * (1 + np.minimum(rng.poisson(extra), 6))
    cust = np.repeat(np.arange(c.n), cnt)
    acc = prim[cust]
    lo, hi = _open_span(a, acc, ms, me)
    day = lo + (rng.random(len(cust)) * (hi - lo)).astype(np.int64)
    #                    settle wealth agency card  advis guar  fx
    probs = np.array([[.13, .20, .12, .48, .00, .00, .07],
                      [.40, .05, .08, .05, .15, .15, .12],
                      [.50, .05, .10, .10, .15, .05, .05]])
    ftype = _choice_by_group(rng, c.ctype[cust], probs)
    med = np.array([30.0, 800, 400, 40, 5000, 8000, 150])[ftype]
    med = med * np.where(c.ctype[cust] == RETAIL, 1.0, 2.5) * _fee_scale(c)[cust]
    amount = rng.lognormal(np.log(med), 0.9)
    usd = ((ftype == 6) & (rng.random(len(cust)) < 0.6)) | (rng.random(len(cust)) < 0.02)
    amount = np.maximum(np.round(np.where(usd, amount / FX_START[USD], amount), 2), 1.0)
    linked = ~usd & (rng.random(len(cust)) < 0.7)
    order = np.argsort(day, kind="stable")
    cust, acc, day, ftype, amount, usd, linked = (
        x[order] for x in (cust, acc, day, ftype, amount, usd, linked)
    )
    fee_ids = _ids("F" + _month_tag(ms), np.arange(1, len(cust) + 1), 7)
    table = _table("fees", {
        "fee_id": fee_ids,
        "customer_id": pc.take(c.ids, pa.array(cust)),
        "account_id": _null_where(pc.take(a.ids, pa.array(acc)), ~linked),
        "fee_date": _dates(day),
        "fee_type": _take(FEE_TYPES, ftype),
        "amount": pa.array(amount, type=_DBL),
        "currency": _take(("CNY", "USD"), usd.astype(np.int64)),
    })
    bank = {
        "account": acc[linked], "ts": day[linked] * 86_400 + 3 * 3600,
        "amount": amount[linked], "direction": np.zeros(linked.sum(), np.int64),
    }
    return table, bank


def _transactions_month(
    c: Customers, a: Accounts, ms: int, me: int, rng: np.random.Generator,
    fee_debits: dict[str, np.ndarray],
) -> pa.Table:
    """Customer-initiated and bank-initiated (interest, instalments, fees) transactions."""
    # --- customer-initiated, on demand accounts open in the month -------------------------
    cand = np.flatnonzero((a.family == DD) & (a.open < me) & (a.close > ms))
    cc = a.cust[cand]
    first = np.searchsorted(cc, np.arange(c.n), side="left")
    ncand = np.searchsorted(cc, np.arange(c.n), side="right") - first
    cnt = np.minimum(rng.poisson(c.lam), 30) * (ncand > 0)
    cust = np.repeat(np.arange(c.n), cnt)
    acc = cand[first[cust] + (rng.random(len(cust)) * ncand[cust]).astype(np.int64)]
    lo, hi = _open_span(a, acc, ms, me)
    day = lo + (rng.random(len(cust)) * (hi - lo)).astype(np.int64)
    keep = day < c.quiet[cust]
    cust, acc, day = cust[keep], acc[keep], day[keep]
    k = len(cust)
    ct = c.ctype[cust]
    #                  counter atm  mobile online pos  batch
    chan_p = np.array([[.13, .12, .45, .10, .20, .00],
                       [.20, .00, .05, .50, .00, .25],
                       [.20, .00, .00, .40, .00, .40],
                       [.03, .06, .66, .08, .17, .00]])  # retail, deep relationship: digital
    digital = (ct == RETAIL) & (c.engage[cust] >= 0.5)
    channel = _choice_by_group(rng, np.where(digital, 3, ct), chan_p)
    med = np.array([300.0, 30_000, 50_000])[ct] / FX_START[a.currency[acc]]
    amount = np.maximum(np.round(rng.lognormal(np.log(med), 1.2), 2), 0.01)
    direction = (rng.random(k) < 0.45).astype(np.int64)  # 1 = credit
    secs = day * 86_400 + rng.integers(7 * 3600, 22 * 3600, k)

    # --- bank: quarterly interest on demand deposits (21st of Mar/Jun/Sep/Dec) -------------
    parts = [(acc, secs, amount, direction, channel, np.zeros(k, np.int64))]
    if _calendar_month(ms) in (3, 6, 9, 12):
        d21 = ms + 20
        sel = np.flatnonzero((a.family == DD) & (a.open <= d21) & (a.close > d21) & (a.rate > 0))
        amt = np.maximum(np.round(a.level[sel] * a.rate[sel] * 91 / 360, 2), 0.01)
        parts.append((sel, np.full(len(sel), d21 * 86_400 + 3600), amt,
                      np.ones(len(sel), np.int64), np.full(len(sel), 5), np.ones(len(sel), int)))
    # --- bank: monthly instalments of amortising loans ---------------------------------------
    am = np.flatnonzero((a.kind == _AMORT) & (a.open < me) & (a.close > ms))
    dom = (a.open[am].astype("datetime64[D]") - a.open[am].astype("datetime64[D]")
           .astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    pay = ms + np.minimum(dom, 27)
    ok = (pay > a.open[am]) & (pay < a.close[am])
    am, pay = am[ok], pay[ok]
    amt = np.round(a.level[am] / np.maximum(a.term[am], 1) + a.level[am] * a.rate[am] / 12, 2)
    parts.append((am, pay * 86_400 + 2 * 3600, np.maximum(amt, 0.01),
                  np.zeros(len(am), np.int64), np.full(len(am), 5), np.ones(len(am), int)))
    # --- bank: fee debits ---------------------------------------------------------------------
    nf = len(fee_debits["account"])
    parts.append((fee_debits["account"], fee_debits["ts"], fee_debits["amount"],
                  fee_debits["direction"], np.full(nf, 5), np.ones(nf, int)))

    acc, secs, amount, direction, channel, initiator = (
        np.concatenate([p[i] for p in parts]) for i in range(6)
    )
    order = np.lexsort((acc, secs))
    acc, secs, amount, direction, channel, initiator = (
        x[order] for x in (acc, secs, amount, direction, channel, initiator)
    )
    return _table("transactions", {
        "txn_id": _ids("T" + _month_tag(ms), np.arange(1, len(acc) + 1), 8),
        "account_id": pc.take(a.ids, pa.array(acc)),
        "txn_ts": pa.array(secs.astype(np.int64) * 1_000_000, type=_TS),
        "amount": pa.array(amount.astype(np.float64), type=_DBL),
        "direction": _take(DIRECTIONS, direction),
        "channel": _take(CHANNELS, channel),
        "initiated_by": _take(INITIATORS, initiator),
    })


# --------------------------------------------------------------------------------------
# Reference tables
# --------------------------------------------------------------------------------------


def _ftp_rates(a: Accounts, start: date, months: int) -> pa.Table:
    """FTP curves: historical curves before the window and a cut on the 15th of month 4."""
    base = {
        "demand_deposit": {0: 0.0135},
        "time_deposit": {3: 0.018, 6: 0.020, 12: 0.022, 24: 0.024, 36: 0.028, 60: 0.031},
        "loan": {0: 0.026, 6: 0.024, 12: 0.025, 36: 0.028, 60: 0.030, 120: 0.032},
    }
    first_year = int(np.datetime64(int(a.open.min()), "D").astype("datetime64[Y]")
                     .astype(np.int64)) + 1970
    curves: list[tuple[int, float]] = []
    for year, shift in ((first_year, 0.006), (start.year - 5, 0.004), (start.year - 2, 0.002)):
        d = _epoch_day(date(year, 1, 1))
        if not curves or d > curves[-1][0]:
            curves.append((d, shift))
    pre = _month_start(start, -6)
    if pre > curves[-1][0]:
        curves.append((pre, 0.0))
    change_month = min(3, months // 2)
    curves.append((_month_start(start, change_month) + 14, -0.001))
    fam, term, eff, rate = [], [], [], []
    for d, shift in curves:
        for f, pts in base.items():
            for t, r in pts.items():
                fam.append(f)
                term.append(t)
                eff.append(d)
                rate.append(round(r + shift, 5))
    return _table("ftp_rates", {
        "product_family": pa.array(fam, type=_STR),
        "term_months": pa.array(term, type=_INT),
        "effective_date": _dates(np.array(eff)),
        "ftp_rate": pa.array(rate, type=_DBL),
    })


def _fx_rates(seed: int, start: date, months: int) -> pa.Table:
    """Weekday-only fixings from two weeks before the window to its last day."""
    s0 = _epoch_day(start)
    first = s0 - 14
    end = _month_start(start, months)
    days = np.arange(first, end, dtype=np.int64)
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    days = days[weekday < 5]
    cur_l, day_l, rate_l = [], [], []
    for ci in (USD, HKD, EUR):
        z = _rng(seed, _S_FX, ci).standard_normal(len(days))
        path = FX_START[ci] * np.exp(np.cumsum(z * FX_DAILY_SD[ci]))
        cur_l.append(np.full(len(days), ci))
        day_l.append(days)
        rate_l.append(np.round(path, 4))
    return _table("fx_rates", {
        "currency": _take(CURRENCIES, np.concatenate(cur_l)),
        "rate_date": _dates(np.concatenate(day_l)),
        "cny_per_unit": pa.array(np.concatenate(rate_l), type=_DBL),
    })


def _credit_ratings(seed: int, c: Customers, a: Accounts, start: date) -> pa.Table:
    """Ratings before the window plus upgrades/downgrades inside the horizon."""
    rng = _rng(seed, _S_RATING)
    s0 = _epoch_day(start)
    n = c.n
    has_loan = np.bincount(a.cust[a.family == LN], minlength=n) > 0
    worst = np.full(n, -1)
    loan_idx = np.flatnonzero(a.family == LN)
    np.maximum.at(worst, a.cust[loan_idx], a.risk[loan_idx])
    rated = np.where(c.ctype == RETAIL, has_loan & (rng.random(n) < 0.3), rng.random(n) < 0.85)
    group = np.select(
        [c.ctype == INSTITUTION, c.ctype == RETAIL, c.size == 2, c.size == 1], [4, 5, 0, 1], 2
    )
    probs = np.array([
        [.15, .35, .35, .15, 0, 0, 0, 0], [0, .10, .30, .40, .20, 0, 0, 0],
        [0, 0, .10, .30, .35, .20, .05, 0], [0, 0, 0, 0, 0, 0, 0, 0],
        [.30, .40, .25, .05, 0, 0, 0, 0], [0, 0, .20, .40, .30, .10, 0, 0],
    ])
    probs[3] = probs[2]
    rating = _choice_by_group(rng, group, probs)
    rating = np.where(worst >= 3, np.where(rng.random(n) < 0.5, 6, 7), rating)
    rating = np.where(worst == 2, np.maximum(rating, 5), rating)
    first = np.maximum(s0 - rng.integers(30, 700, n), c.onboard)
    ch1 = rated & (rng.random(n) < 0.35)
    ch2 = ch1 & (rng.random(n) < 0.3)
    d1 = np.maximum(s0, first + 30) + rng.integers(0, 540, n)
    d2 = d1 + rng.integers(30, 200, n)
    step1 = np.where(rng.random(n) < 0.55, 1, -1)
    step2 = np.where(rng.random(n) < 0.5, 1, -1)
    r1 = np.clip(rating + step1, 0, 7)
    r2 = np.clip(r1 + step2, 0, 7)
    ok1 = ch1 & ((c.close == NA_DAY) | (d1 < c.close))
    ok2 = ch2 & ok1 & ((c.close == NA_DAY) | (d2 < c.close))
    cust = np.concatenate([np.flatnonzero(rated), np.flatnonzero(ok1), np.flatnonzero(ok2)])
    day = np.concatenate([first[rated], d1[ok1], d2[ok2]])
    rat = np.concatenate([rating[rated], r1[ok1], r2[ok2]])
    order = np.lexsort((day, cust))
    return _table("credit_ratings", {
        "customer_id": pc.take(c.ids, pa.array(cust[order])),
        "rating_date": _dates(day[order]),
        "rating": _take(RATINGS, rat[order]),
    })


def _surveys(seed: int, c: Customers, start: date) -> pa.Table:
    """One to three CRM surveys for some customers (more for corporates and the wealthy)."""
    rng = _rng(seed, _S_SURVEY)
    s0 = _epoch_day(start)
    n = c.n
    p = np.where(c.ctype == RETAIL, np.where(c.wealth >= 1, 0.85, 0.3 + 0.7 * c.engage), 0.9)
    k = (rng.random(n) < p) * (1 + (rng.random(n) < 0.4) + (rng.random(n) < 0.15))
    cust = np.repeat(np.arange(n), k)
    nth = np.arange(len(cust)) - np.repeat(np.cumsum(k) - k, k)
    first = np.maximum(s0 - rng.integers(30, 365, n), c.onboard + 14)
    gaps = np.where(nth == 0, 0, rng.integers(90, 270, len(cust)))
    csum = np.cumsum(gaps)
    day = first[cust] + csum - np.repeat(csum[np.cumsum(k[k > 0]) - k[k > 0]], k[k > 0])
    alive = day < c.close[cust]
    cust, day = cust[alive], day[alive]
    m = len(cust)
    ct = c.ctype[cust]
    e = c.engage[cust]  # answers follow the depth of the relationship
    score = np.round(np.clip(rng.normal(50 + 42 * e, 9, m), 0, 100), 1)
    agree = rng.random(m) < np.where(ct == RETAIL, 0.95 * e, 0.05 + 0.9 * e)
    vip = (ct != RETAIL) & (rng.random(m) < np.where(ct == CORPORATE, 0.05 + 0.6 * e,
                                                     0.03 + 0.4 * e))
    wallet = np.round(rng.beta(1.5 + 5 * e, 5.5 - 3 * e), 3)
    wallet = np.where(rng.random(m) < 0.15, np.nan, wallet)
    return _table("relationship_surveys", {
        "customer_id": pc.take(c.ids, pa.array(cust)),
        "survey_date": _dates(day),
        "satisfaction_score": pa.array(score, type=_DBL),
        "has_cooperation_agreement": pa.array(agree, type=_BOOL),
        "executive_is_vip": pa.array(vip, type=_BOOL),
        "wallet_share": _floats(wallet),
    })


def _prospects(seed: int, n_customers: int) -> pa.Table:
    """About ``customers / 20`` corporate and institution prospects with all scores."""
    rng = _rng(seed, _S_PROSPECT)
    n = max(10, n_customers // 20)
    inst = rng.random(n) < 0.15
    ci = _choice(rng, n, [x[1] for x in CORP_INDUSTRIES])
    ii = _choice(rng, n, [x[1] for x in INST_INDUSTRIES])
    words = _take(tuple(x[2] for x in CORP_INDUSTRIES), ci)
    company = _company_names(rng, words, np.zeros(n, dtype=bool))
    inst_name = _institution_names(rng, ii)
    sales = _round_sig(rng.lognormal(np.log(8e7), 1.5, n), 1000)
    assets = _round_sig(sales * rng.uniform(0.5, 3.0, n), 1000)

    def score(lo: float, hi: float) -> np.ndarray:
        return np.round(rng.uniform(lo, hi, n), 1)

    return _table("prospects", {
        "prospect_id": _ids("P", np.arange(1, n + 1), 6),
        "prospect_name": pc.if_else(pa.array(inst), inst_name, company),
        "customer_type": _take(CTYPES, np.where(inst, INSTITUTION, CORPORATE)),
        "industry_code": _take(tuple(x[0] for x in CORP_INDUSTRIES + INST_INDUSTRIES),
                               np.where(inst, ii + len(CORP_INDUSTRIES), ci)),
        "branch_id": _ids("BR", 1 + rng.integers(0, N_BRANCHES, n), 3),
        "annual_sales": pa.array(sales, type=_DBL),
        "total_assets": pa.array(assets, type=_DBL),
        "sales_growth_rate": pa.array(np.round(rng.normal(0.08, 0.15, n), 4), type=_DBL),
        "market_influence_score": pa.array(score(10, 100), type=_DBL),
        "chain_influence_score": pa.array(score(10, 100), type=_DBL),
        "product_fit_score": pa.array(score(20, 100), type=_DBL),
        "marketing_feasibility_score": pa.array(score(20, 100), type=_DBL),
        "product_advantage_score": pa.array(score(20, 100), type=_DBL),
        "service_convenience_score": pa.array(score(20, 100), type=_DBL),
    })


# --------------------------------------------------------------------------------------
# Orchestration
# --------------------------------------------------------------------------------------


def balance_partition_name(start: date, m: int) -> str:
    """File name of month ``m``'s balance partition, e.g. ``2025-01.parquet``."""
    return f"{np.datetime64(_month_start(start, m), 'D').astype('datetime64[M]')}.parquet"


def _clear_outputs(out_dir: Path, keep_balance_partitions: bool) -> None:
    for t in TABLES:
        f = out_dir / f"{t}.parquet"
        if f.exists() and not (keep_balance_partitions and t == "balances"):
            f.unlink()
    bdir = out_dir / "balances"
    if bdir.exists() and not keep_balance_partitions:
        shutil.rmtree(bdir)
    manifest = out_dir / "_bad_rows_manifest.json"
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
    logger.info("universe: %d customers, %d accounts", cust.n, acc.n)
    counts: dict[str, int] = {}

    def write(name: str, table: pa.Table) -> None:
        pq.write_table(table, out_dir / f"{name}.parquet")
        counts[name] = table.num_rows

    write("customers", cust.table)
    write("accounts", acc.table)
    write("ftp_rates", _ftp_rates(acc, start_month, months))
    write("fx_rates", _fx_rates(seed, start_month, months))
    write("credit_ratings", _credit_ratings(seed, cust, acc, start_month))
    write("relationship_surveys", _surveys(seed, cust, start_month))
    write("prospects", _prospects(seed, customers))

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
            ms, me = _month_start(start_month, m), _month_start(start_month, m + 1)
            shock += _rng(seed, _S_LEVEL, m).standard_normal(acc.n)
            fees, debits = _fees_month(cust, acc, ms, me, _rng(seed, _S_FEE, m))
            txns = _transactions_month(cust, acc, ms, me, _rng(seed, _S_TXN, m), debits)
            fee_writer.write_table(fees)
            txn_writer.write_table(txns)
            counts["fees"] += fees.num_rows
            counts["transactions"] += txns.num_rows
            if m in balance_months:
                bal = _balances_month(acc, shock, ms, me, _rng(seed, _S_DAILY, m))
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
        from bank_tiering.generator_bad_rows import inject_bad_rows

        manifest = inject_bad_rows(
            out_dir, bad_rows=bad_rows, seed=seed, start_month=start_month, months=months,
            customers=customers, balances_layout=balances_layout,
        )
        counts = {t: int(v["raw_rows"]) for t, v in manifest["tables"].items()}
    # the optional tier_overrides table (own module; extends the bad-rows manifest)
    from bank_tiering.generator_overrides import write_tier_overrides

    overrides = write_tier_overrides(out_dir, seed, cust.table, start_month, months,
                                     bad=bad_rows > 0)
    return {**{t: counts[t] for t in TABLES}, "tier_overrides": overrides}


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
    (customers, accounts, transactions, fees, reference tables) for ``months`` months;
    the existing balance partitions are kept, and they equal what a full run with
    ``months`` would write.  Returns rows written per table (``balances`` counts only
    the new partition).
    """
    if months < 2:
        raise ValueError("append_month needs months >= 2")
    return _generate(out_dir, customers, months, seed, start_month, 0, "monthly", progress,
                     range(months - 1, months))
