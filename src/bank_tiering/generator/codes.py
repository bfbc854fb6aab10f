"""Code lists and business constants of the sample bank (INTERFACES.md §2, METHODOLOGY.md §4)."""

from __future__ import annotations

from datetime import date

import numpy as np

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
