"""Typed values in a text: counts and amounts with their units, dates, times, and names by their kind.

The same reader serves the article (`bot.core.facts` cuts its sentences into facts and reads
the values of each) and the questions (`bot.core.asking` reads what a question asserts:
`有2家吗`, `三次组织`, `2021年`, `清华大学`). Counts are read in Arabic and in Chinese
numerals (两次, 一百三十一名), with the measure word after them (个, 名, 万亩) and 余/多 for
"more than"; English counts in digits or words (twice, 875, 365,000).

The word lists here are grammar, not vocabulary of the article: Chinese measure words sorted
by what they measure, number words, and the suffixes of Chinese place and organisation names.
Imports nothing from `telegram`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from bot.language import Lang

Kind = Literal["count", "date", "time", "frequency", "person", "place", "org"]
"""What a value is: a count or amount with a unit, a date, a time of day, how often (每年), a person,
a place or an organisation. Lists are the FAQ's own (`ItemList`), checked against the facts."""

MEASURES: dict[str, str] = {
    **dict.fromkeys(("名", "人", "位", "户", "员"), "people"),
    **dict.fromkeys(
        ("个", "家", "所", "项", "条", "座", "种", "类", "级", "批", "处", "件", "支", "大", "方面"), "things"
    ),
    **dict.fromkeys(("次", "期", "回", "届", "轮", "遍", "趟"), "times"),
    **dict.fromkeys(("年", "个月", "月", "天", "日", "周", "小时", "个小时", "钟头", "分钟", "秒"), "duration"),
    **dict.fromkeys(("亩", "万亩", "公顷", "平方米", "平方公里"), "area"),
    **dict.fromkeys(("斤", "公斤", "千克", "吨", "克"), "weight"),
    **dict.fromkeys(("元", "万元", "亿元", "块", "块钱"), "money"),
    **dict.fromkeys(("岁",), "age"),
    **dict.fromkeys(("里", "公里", "米"), "length"),
}
"""Chinese measure words and what they measure; 个 goes with people as well as things."""

SCALE: dict[str, Decimal] = {
    **{unit: Decimal(1) for unit in ("分钟", "亩", "斤", "元", "块", "块钱", "米")},
    **dict.fromkeys(("小时", "个小时", "钟头"), Decimal(60)),
    **dict.fromkeys(("天", "日"), Decimal(60 * 24)),
    "周": Decimal(60 * 24 * 7),
    **dict.fromkeys(("月", "个月"), Decimal(60 * 24 * 30)),
    "年": Decimal(60 * 24 * 365),
    "秒": Decimal(1) / 60,
    "万亩": Decimal(10_000),
    "公顷": Decimal(15),
    **dict.fromkeys(("公斤", "千克"), Decimal(2)),
    "吨": Decimal(2000),
    "克": Decimal("0.002"),
    "万元": Decimal(10_000),
    "亿元": Decimal(100_000_000),
    "公里": Decimal(1000),
}
"""Measure words of one measure in one base unit (minutes, mu, jin, yuan, metres), so that 10个月 and 10年
are told apart and 半小时 is 30分钟; 里 is left out (a 十里 avenue is a name, not a length)."""

_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_POWERS = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
_NUMERAL = "零一二两三四五六七八九十百千万"
_MEASURE = "|".join(sorted(map(re.escape, MEASURES), key=len, reverse=True))
_COUNT_ZH = re.compile(
    rf"(?<![第每某哪几多任\d.])(?P<number>\d+(?:\.\d+)?|[{_NUMERAL}]{{1,7}}|半)(?P<plus>余|多)?(?P<unit>{_MEASURE})"
)
"""A count: 875个, 3100余名, 36.5万亩, 两次, 一百三十一名 (not 第一, 每个, 哪几个)."""
ROUGH_COUNTS: dict[str, tuple[int, int]] = {
    "十几": (11, 19),
    "几十": (20, 99),
    "数十": (20, 99),
    "上百": (100, 999),
    "几百": (200, 999),
    "数百": (200, 999),
    "上千": (1000, 9999),
    "几千": (2000, 9999),
    "数千": (2000, 9999),
    "几万": (20000, 99999),
}
"""Numerals that say a count roughly, with the range each means: 几十个 (20 to 99), 十几年, 上百家 (not 几个,
which asks)."""


@lru_cache(maxsize=1)
def rough_counts() -> re.Pattern[str]:
    """A count said roughly (`ROUGH_COUNTS`) with its measure word, compiled."""
    if not ROUGH_COUNTS:
        return re.compile(r"(?!)")
    return re.compile(rf"(?P<rough>{'|'.join(ROUGH_COUNTS)})(?:余|多)?(?P<unit>{_MEASURE})")


_COUNT_ZH_DIGIT = re.compile(rf"[\d{_NUMERAL}半]")
"""What every count begins with."""
_ANY_DIGIT = re.compile(r"\d")
_DATE_ZH = re.compile(r"(?P<year>\d{4})\s*年(?:\s*(?P<month>\d{1,2})\s*月(?:\s*(?P<day>\d{1,2})\s*[日号])?)?")
_DATE_ISO = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})")
_TIME = re.compile(r"(?<!\d)(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)(?!\d)")

_EN_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "twenty": 20, "hundred": 100, "thousand": 1000, "twice": 2, "once": 1,
}  # fmt: skip
_EN_NUMBER = re.compile(
    r"(?P<plus>more than |over )?(?:about |some |nearly |almost )?"
    # COVID-19, G20, 5G: digits run on into letters name a thing, they count nothing
    r"(?P<number>(?<![A-Za-z\d.,])(?<![A-Za-z]-)(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![A-Za-z\d])|"
    r"\b(?:" + "|".join(_EN_WORDS) + r")\b)(?P<times> times)?",
    re.IGNORECASE,
)
_EN_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december")  # fmt: skip
_DATE_EN = re.compile(
    r"(?P<day>\d{1,2}) (?P<month>" + "|".join(_EN_MONTHS) + r") (?P<year>\d{4})|\b(?P<lone>(?:19|20)\d{2})\b",
    re.IGNORECASE,
)
_EN_NOUN = re.compile(r"[a-z][a-z'-]*", re.IGNORECASE)
_EN_SKIP = frozenset({"of", "the", "a", "an", "more", "than", "and"})

FREQUENCY_WORDS: dict[Lang, list[str]] = {
    "zh": ["每年", "每月", "每周", "每天", "每季度", "每星期", "定期"],
    "en": ["every year", "every month", "every week", "every day", "annually", "yearly", "monthly", "weekly", "daily",
           "regularly"],
}  # fmt: skip
"""How often something happens, as a text says it."""


@lru_cache(maxsize=2)
def frequency_words(lang: Lang) -> re.Pattern[str]:
    """`FREQUENCY_WORDS`, compiled."""
    words = FREQUENCY_WORDS[lang]
    if not words:
        return re.compile(r"(?!)")
    return re.compile("|".join(words) if lang == "zh" else rf"\b(?:{'|'.join(words)})\b", re.IGNORECASE)


NAMED_KINDS: dict[Lang, tuple[str, ...]] = {
    "zh": ("企业", "公司", "单位", "学校", "大学", "品牌", "牌子", "部门", "机构", "名字", "名称"),
    "en": ("company", "companies", "firm", "firms", "brand", "brands", "school", "schools", "university",
           "universities", "organisation", "organisations", "name", "names"),
}  # fmt: skip
"""Things known by their proper names: a question asking which of them (哪些企业) asks for names."""

PLACE_SUFFIXES = ("社区", "镇", "村", "乡", "县", "市", "省", "区")
ORG_SUFFIXES = ("大学", "学院", "党校", "日报", "电视台", "卫视", "新闻社", "通讯社", "社")
"""How Chinese names of places and organisations end: 王店镇, 冯山社区, 浙江大学."""
PLACE_NOUNS_EN = {"town": "镇", "village": "村", "community": "社区", "county": "县", "city": "市",
                  "township": "乡", "province": "省", "district": "区"}  # fmt: skip
ORG_NOUNS_EN = frozenset({"university", "college", "school", "tv", "television", "station"})
"""English words after a romanised name that say it is a place or an organisation (Wangdian town)."""


@dataclass(frozen=True)
class Value:
    """One typed value standing in a text, with where it stands."""

    kind: Kind
    text: str
    """As written: `875个`, `两次`, `2022年11月16日`, `王店镇`."""
    start: int
    end: int
    number: Decimal | None = None
    unit: str = ""
    """The measure word of a count (个, 万亩, 次; in English the noun after the number), or the
    suffix of a name (镇, 大学)."""
    plus: bool = False
    """余, 多, "more than": the count is at least `number`."""
    upto: Decimal | None = None
    """For a count said roughly (几十个, 十几年), the most it may be; `number` is the least."""
    label: str = ""
    """What a count counts or a name names, when known: 党小组; for a person, the role (编辑)."""

    @property
    def measure(self) -> str:
        """What a count measures: people, things, times, duration, area, weight, money, age, length."""
        return MEASURES.get(self.unit, "things") if self.kind == "count" else ""

    @property
    def amount(self) -> Decimal | None:
        """A Chinese count in the base unit of its measure (`SCALE`: 半小时 as 30 minutes), or None."""
        scale = SCALE.get(self.unit)
        return self.number * scale if self.number is not None and scale is not None else None


def chinese_number(numeral: str) -> Decimal | None:
    """一百三十一 as 131, 两 as 2, 三千一百 as 3100, 十二 as 12; None for what is not a numeral."""
    if not numeral:
        return None
    total, section, digit = 0, 0, None
    for char in numeral:
        if char in _DIGITS:
            if digit is not None and _DIGITS[char] and digit:  # 一一: not a numeral
                return None
            digit = _DIGITS[char]
        elif char == "万":
            section = (section + (digit or 0)) or 1
            total += section * 10_000
            section, digit = 0, None
        elif char in _POWERS:
            section += (digit if digit is not None else 1) * _POWERS[char]
            digit = None
        else:
            return None
    return Decimal(total + section + (digit or 0))


def number_of(text: str) -> Decimal | None:
    """A number written in digits, Chinese numerals or English words."""
    text = text.strip().replace(",", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return Decimal(text)
    if text.lower() in _EN_WORDS:
        return Decimal(_EN_WORDS[text.lower()])
    if text == "半":  # 半小时, 半个月
        return Decimal("0.5")
    return chinese_number(text)


def counts(text: str, lang: Lang) -> list[Value]:
    """The counts and amounts in a text, each with its unit (and in English the noun after it)."""
    return _counts_zh(text) if lang == "zh" else _counts_en(text)


def _counts_zh(text: str) -> list[Value]:
    found: list[Value] = []
    if not _COUNT_ZH_DIGIT.search(text):
        return found  # no digit and no numeral: no count (most questions)
    for match in rough_counts().finditer(text):
        low, high = ROUGH_COUNTS[match.group("rough")]
        found.append(
            Value("count", match.group(), match.start(), match.end(), Decimal(low), match.group("unit"),
                  upto=Decimal(high))
        )  # fmt: skip
    rough = list(found)
    for match in _COUNT_ZH.finditer(text):
        number = number_of(match.group("number"))
        unit = match.group("unit")
        if number is None or any(v.start < match.end() and match.start() < v.end for v in rough):
            continue
        if unit in ("年", "月", "日") and len(match.group("number")) == 4:  # 2022年: a date, not a count
            continue
        if match.group("number") in ("一",) and unit in ("大", "方面", "级", "日", "天", "月"):
            continue  # 一大批, 一方面: words, not counts
        found.append(Value("count", match.group(), match.start(), match.end(), number, unit, bool(match.group("plus"))))
    return sorted(found, key=lambda value: value.start)


def _counts_en(text: str) -> list[Value]:
    found = []
    for match in _EN_NUMBER.finditer(text):
        if _TIME.match(text, max(0, match.start() - 3)) and ":" in text[max(0, match.start() - 3) : match.end() + 3]:
            continue  # the 10 and 04 of 10:04
        number = number_of(match.group("number"))
        if number is None:
            continue
        word = match.group("number").lower()
        unit = "times" if match.group("times") or word in ("twice", "once") else _noun_after(text, match.end())
        if re.match(r"\s*(?:-|–)", text[match.end() :]):
            unit = _noun_after(text, match.end() + 1)
        found.append(
            Value("count", match.group().strip(), match.start(), match.end(), number, unit, bool(match.group("plus")))
        )
    return [value for value in _scaled(found, text) if not _inside_date(value, text)]


_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}


def _scaled(found: list[Value], text: str) -> list[Value]:
    """36.5 thousand mu is 36,500 mu: a number and the scale word right after it are one count."""
    merged: list[Value] = []
    for value in found:
        last = merged[-1] if merged else None
        scale = _SCALES.get(value.text.lower())
        if scale and last is not None and last.number is not None and not text[last.end : value.start].strip():
            merged[-1] = replace(last, text=text[last.start : value.end], end=value.end, number=last.number * scale)
            continue
        merged.append(value)
    return merged


def _noun_after(text: str, end: int) -> str:
    """The first content word after a number: `Party` in "875 Party groups", `mu` in "365,000 mu"."""
    for word in _EN_NOUN.findall(text[end : end + 60]):
        lower = str(word).lower()
        if lower not in _EN_SKIP and lower not in _EN_WORDS:
            return lower
    return ""


def _inside_date(value: Value, text: str) -> bool:
    return any(match.start() <= value.start and value.end <= match.end() for match in _DATE_EN.finditer(text))


def dates(text: str, lang: Lang) -> list[Value]:
    """Dates (2022年11月16日, 2022-11-16, 16 November 2022, a year alone), times of day (10:04) and how
    often (每年, every year)."""
    found: list[Value] = []
    if _ANY_DIGIT.search(text):  # every date and time has a digit; most questions have none
        if lang == "zh":
            for pattern in (_DATE_ISO, _DATE_ZH):
                for match in pattern.finditer(text):
                    if not any(v.start <= match.start() < v.end for v in found):
                        found.append(Value("date", match.group(), match.start(), match.end(), Decimal(match["year"])))
        else:
            for match in _DATE_EN.finditer(text):
                year = match.group("year") or match.group("lone")
                found.append(Value("date", match.group(), match.start(), match.end(), Decimal(year)))
        for match in _TIME.finditer(text):
            found.append(Value("time", match.group(), match.start(), match.end()))
    for match in frequency_words(lang).finditer(text):
        found.append(Value("frequency", match.group(), match.start(), match.end()))
    return found


def names_a_kind(noun: str, lang: Lang) -> bool:
    """Whether a noun is of things known by their proper names (企业, companies)."""
    if lang == "en":  # which companies, what brand: the word after the question word
        words = noun.lower().split()
        return bool(words) and words[0] in NAMED_KINDS["en"]
    return any(noun.endswith(kind) for kind in NAMED_KINDS["zh"])


def name_kind(name: str) -> tuple[Kind, str] | None:
    """Whether a Chinese word is, by its ending, a place (王店镇) or an organisation (浙江大学), and that ending."""
    for suffix in ORG_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return "org", suffix
    for suffix in PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return "place", suffix
    return None


LEVELS = (("村", "社区"), ("镇", "乡"), ("县", "区"), ("市",), ("省",))
"""Chinese places of one level: a village or a community, a town or a township..."""


def same_level(suffix: str, other: str) -> bool:
    """Whether two name endings are places of one level (村 and 社区 are; 镇 and 村 are not)."""
    return suffix == other or any(suffix in level and other in level for level in LEVELS)


def values(text: str, lang: Lang) -> list[Value]:
    """Counts, dates and times in a text, in order (names need the article's names: `bot.core.facts`)."""
    found = dates(text, lang)
    found += [v for v in counts(text, lang) if not any(d.start <= v.start < d.end for d in found)]
    return sorted(found, key=lambda v: v.start)
