"""Chinese names, PRC resident ID numbers, unified social credit codes and phone numbers.

Customer names, ID numbers and phones are PII (INTERFACES.md §2); the same name
characters also name the bank's staff.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bank_tiering.generator.codes import INST_INDUSTRIES
from bank_tiering.generator.helpers import choice, digits, fixed_width, take

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
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def person_names(rng: np.random.Generator, n: int) -> pa.Array:
    """Chinese person names: a surname (common ones more often) and one or two characters."""
    sur_w = 1.0 / (np.arange(len(SURNAMES)) + 5.0)
    sur = take(SURNAMES, choice(rng, n, sur_w))
    g1 = take(GIVEN_CHARS, rng.integers(0, len(GIVEN_CHARS), n))
    g2 = take(GIVEN_CHARS + ("",) * 25, rng.integers(0, len(GIVEN_CHARS) + 25, n))
    return pc.binary_join_element_wise(sur, g1, g2, "")


def resident_ids(rng: np.random.Generator, birth: np.ndarray, male: np.ndarray) -> pa.Array:
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
        [digits(area, 6), digits(y, 4), digits(mth, 2), digits(dom, 2), digits(seq, 3)],
        axis=1,
    )
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
    s = ((body.astype(np.int64) - 48) * weights).sum(axis=1) % 11
    check = np.frombuffer(b"10X98765432", dtype=np.uint8)[s]
    return fixed_width(np.concatenate([body, check[:, None]], axis=1))


def uscc_codes(rng: np.random.Generator, prefix2: np.ndarray) -> pa.Array:
    """18-character unified social credit codes (GB 32100) with valid check characters."""
    n = len(prefix2)
    area = np.asarray(AREA_CODES)[rng.integers(0, len(AREA_CODES), n)]
    org = digits(rng.integers(0, 10**8, n), 8)
    ow = np.array([3, 7, 9, 10, 5, 8, 4, 2])
    oc = 11 - ((org.astype(np.int64) - 48) * ow).sum(axis=1) % 11
    org_check = np.where(oc == 10, ord("X"), np.where(oc == 11, 48, 48 + oc)).astype(np.uint8)
    head = np.asarray(prefix2, dtype="S2").view(np.uint8).reshape(n, 2)
    body = np.concatenate([head, digits(area, 6), org, org_check[:, None]], axis=1)
    lut = np.zeros(128, dtype=np.int64)
    for i, ch in enumerate(USCC_CHARS):
        lut[ord(ch)] = i
    w = np.array([pow(3, i, 31) for i in range(17)])
    c = (31 - (lut[body] * w).sum(axis=1) % 31) % 31
    check = np.frombuffer(USCC_CHARS.encode(), dtype=np.uint8)[c]
    return fixed_width(np.concatenate([body, check[:, None]], axis=1))


def phone_numbers(rng: np.random.Generator, n: int) -> pa.Array:
    second = np.array([3, 5, 7, 8, 9])[rng.integers(0, 5, n)]
    rest = rng.integers(0, 10**9, n)
    chars = np.concatenate(
        [np.full((n, 1), ord("1"), np.uint8), (48 + second).astype(np.uint8)[:, None],
         digits(rest, 9)], axis=1,
    )
    return fixed_width(chars)


def company_names(rng: np.random.Generator, words: pa.Array, group: np.ndarray) -> pa.Array:
    """City + two brand characters + business word + legal-form suffix."""
    n = len(words)
    city = take(CITIES, rng.integers(0, len(CITIES), n))
    b1 = take(BRAND_CHARS, rng.integers(0, len(BRAND_CHARS), n))
    b2 = take(BRAND_CHARS, rng.integers(0, len(BRAND_CHARS), n))
    sfx_idx = np.where(group, choice(rng, n, [0.4, 0.2, 0.4]), choice(rng, n, [0.72, 0.28, 0]))
    suffix = take(("有限公司", "股份有限公司", "集团有限公司"), sfx_idx)
    return pc.binary_join_element_wise(city, b1, b2, words, suffix, "")


def institution_names(rng: np.random.Generator, industry: np.ndarray) -> pa.Array:
    """City + an institution name typical of its industry (hospital, school, bureau...)."""
    endings = [e for x in INST_INDUSTRIES for e in x[2]]
    size = np.array([len(x[2]) for x in INST_INDUSTRIES])
    offset = np.cumsum(size) - size
    pick = offset[industry] + rng.integers(0, 1 << 30, len(industry)) % size[industry]
    city = take(CITIES, rng.integers(0, len(CITIES), len(industry)))
    return pc.binary_join_element_wise(city, take(endings, pick), "")
