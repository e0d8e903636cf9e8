"""Turning what people type into units the matcher can compare.

Chinese is compared character by character, each character carrying a "loose" pinyin
syllable so that homophone typos from pinyin input (党小租 for 党小组) and the usual
confusions (zh/z, ing/in, l/n) still line up. English is compared word by word after
case folding and light stemming. This module imports nothing from `telegram`.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import opencc

# Only single characters are ever looked up (see loose_syllable), and pypinyin gives every
# single character the same reading with or without its phrase dictionary; skipping that
# dictionary, and pypinyin's private copy of its tables, saves about 45 MB in every process.
os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")
from pypinyin import Style, lazy_pinyin

from bot.language import Lang

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_CHAR = re.compile(f"[{_HAN}]")
_UNIT = re.compile(rf"[{_HAN}]|\d+(?:\.\d+)?|[a-z]+")
_DIGIT_GROUP = re.compile(r"(?<=\d),(?=\d{3}\b)")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")

FILLERS_ZH = (
    "请问一下", "请问", "请告诉我", "告诉我", "我想知道", "想知道", "我想问问", "我想问", "想问一下",
    "想问", "问一下", "麻烦你", "麻烦", "能不能说说", "能不能", "能否", "可不可以", "帮我查查",
    "帮我查", "帮我", "说一下", "讲一下", "介绍一下", "一下", "谢谢", "你好", "您好", "小助手",
    "机器人", "呢", "吗", "嘛", "呀", "啊", "吧", "哦", "喔", "哈", "呗", "啦",
)  # fmt: skip
"""Politeness and particles: dropped before matching, they say nothing about the topic."""

STOP_ZH = (
    "什么时候", "什么样", "什么", "啥子", "啥", "怎么样", "怎么办", "咋办", "怎么", "怎样", "如何", "哪些", "哪个",
    "哪里", "哪儿", "哪", "多少", "几个", "几家", "几", "为什么", "为啥", "是不是", "有没有", "谁",
    "是", "的", "了", "有", "在", "和", "与", "及", "跟", "都", "也", "就", "还", "又", "被", "把",
    "给", "对", "为", "从", "这个", "这些", "这", "那个", "那", "其", "该", "些", "么", "个",
    "做", "搞", "干", "回事", "意思", "指", "叫", "说", "讲", "请", "我", "你", "他", "她", "它",
    "们", "吗", "地", "得", "着", "过", "要", "会", "能", "可以", "一", "上", "中", "里", "到", "等",
    "多", "余", "名", "位", "人", "家", "次", "项", "条", "所", "具体", "主要", "情况", "关于",
    "内容", "一些", "方面", "知道", "问", "下", "事情", "事", "到底", "究竟", "一般", "通常", "平时", "最后",
    "大概", "大约", "总共", "一共", "合计", "总计", "共计", "来", "去", "分别", "各自",
)  # fmt: skip
"""Question words and function words: matched when part of a known term, else ignored."""

STOP_EN = frozenset((
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "been", "being",
    "but", "by", "can", "could", "did", "do", "does", "doing", "done", "for", "from", "get", "got", "had",
    "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "just", "know", "let", "like", "many",
    "me", "more", "most", "much", "my", "no", "not", "of", "on", "or", "our", "please", "s", "so", "some",
    "tell", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "to",
    "us", "want", "was", "we", "were", "what", "when", "where", "which", "who", "whom", "why", "will", "with",
    "would", "you", "your", "t", "number", "give", "show", "explain", "mean", "means", "meant", "say", "said",
    "happen", "happens", "happened", "ask", "asked", "asking",
))  # fmt: skip
"""English words that carry no topic."""


@dataclass(frozen=True)
class Unit:
    """One comparable piece of text: a Chinese character, a number or an English word."""

    text: str
    sound: str
    start: int = 0
    end: int = 0


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


_NUMERAL = re.compile(
    r"(?<![一二两三四五六七八九十百千万哪这那每第某任几上数])([一二两三四五六七八九十百千]{1,5})(?=(?:个|名|人|家|年|分钟|万亩|亩))"
)
_DIGIT = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_POWER = {"十": 10, "百": 100, "千": 1000}


def _chinese_number(numeral: str) -> str:
    """十 as 10, 一百二十 as 120: the way the article writes a count."""
    total, digit = 0, None
    for char in numeral:
        if char in _DIGIT:
            digit = _DIGIT[char]
        else:
            total += (digit if digit is not None else 1) * _POWER[char]
            digit = None
    return str(total + (digit or 0))


@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Width, script and case folding: full-width to half-width, traditional to simplified, and a
    count written in characters as digits where a unit follows (十年 as 10年, the article's way)."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    if _HAN_CHAR.search(text):
        text = _NUMERAL.sub(lambda match: _chinese_number(match.group(1)), _converter().convert(text))
    return text.lower()


_LATIN_WORD = re.compile(r"[a-z]{2,}")
UNIVERSAL = frozenset({"ok", "okay", "kk", "lol", "hmm", "hm", "haha", "hahaha", "xd", "omg", "wow"})
"""Latin words typed the same way in any language: on their own they say nothing of the writer's."""


def detect_language(text: str) -> Lang | None:
    """`zh` when the text holds Chinese, `en` when it holds English words, None when it has no
    language of its own (digits, emoji, "ok")."""
    folded = fold(text)
    if _HAN_CHAR.search(folded):
        return "zh"
    if _COMMAND.fullmatch(folded.strip()):
        return None  # /start, /help: a command is in no language; the user's own answers it
    if any(word not in UNIVERSAL for word in _LATIN_WORD.findall(folded)):
        return "en"
    return None


_COMMAND = re.compile(r"/[a-z_]+(?:@\w+)?")
"""A bot command as Telegram and the console take it (/start, /help@SomeBot)."""


def strip_fillers(text: str) -> str:
    """Remove politeness words and particles from folded Chinese text."""
    for filler in FILLERS_ZH:
        text = text.replace(filler, " ")
    return text


@lru_cache(maxsize=8192)
def loose_syllable(char: str) -> str:
    """A character's toneless pinyin with the usual input confusions merged."""
    syllable = lazy_pinyin(char, style=Style.NORMAL, errors="default")[0]
    return loosen(syllable)


def loosen(syllable: str) -> str:
    """Merge zh/z, ch/c, sh/s, l/n, and the -ng/-n finals that pinyin typists confuse."""
    for hard, soft in (("zh", "z"), ("ch", "c"), ("sh", "s")):
        if syllable.startswith(hard):
            syllable = soft + syllable[len(hard) :]
            break
    if syllable.startswith("l"):
        syllable = "n" + syllable[1:]
    if syllable.endswith("ng") and len(syllable) > 2 and syllable[-3] in "aeio":
        syllable = syllable[:-1]
    return syllable


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """A light English stemmer: plural and verb endings, British and American spelling (kept per word:
    the same words come again and again).

    Both sides go through it, so it needs to be consistent, not correct: guide and guiding
    meet at guid, village and villages at villag.
    """
    word = word.replace("ization", "isation").replace("izing", "ising").replace("ize", "ise")
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes")):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 4 and word.endswith("ied"):
        return word[:-3] + "i"  # studied and study at studi
    if len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) > 4 and word.endswith("ed"):
        word = word[:-2]
    if len(word) > 3 and word.endswith("e") and not word.endswith("ee"):
        word = word[:-1]
    # happiness and happy at happi, villager and village at villag
    if len(word) > 6 and word.endswith("ness"):
        word = word[:-4]
    elif len(word) > 5 and word.endswith("er") and not word.endswith("eer"):
        word = word[:-2]
    if len(word) > 3 and word.endswith("y"):
        word = word[:-1] + "i"
    return word


def units(text: str) -> tuple[Unit, ...]:
    """Split folded text into units; English words are stemmed wherever they appear."""
    found = []
    for match in _UNIT.finditer(text):
        piece, start, end = match.group(), match.start(), match.end()
        if len(piece) == 1 and not piece.isascii() and not piece.isdigit():  # a Chinese character
            found.append(Unit(piece, loose_syllable(piece), start, end))
        elif piece[0].isdigit():
            found.append(Unit(piece, piece, start, end))
        else:
            word = stem(piece)
            found.append(Unit(word, word, start, end))
    return tuple(found)


def prepare(text: str, lang: Lang) -> str:
    """A question folded, with Chinese particles dropped and digit-group commas removed."""
    folded = _DIGIT_GROUP.sub("", fold(text))
    return strip_fillers(folded) if lang == "zh" else folded


def query_units(text: str, lang: Lang) -> tuple[Unit, ...]:
    """The units of a question: folded, particles dropped, split."""
    return units(prepare(text, lang))


def stop_spans(sequence: Sequence[Unit], lang: Lang) -> set[int]:
    """Positions in `sequence` that belong to a question or function word."""
    if lang == "en":
        return {i for i, unit in enumerate(sequence) if unit.text in STOP_EN_STEMS}
    text = "".join(unit.text if len(unit.text) == 1 else "\0" for unit in sequence)
    stopped: set[int] = set()
    # only the phrases beginning with a character of the text, still longest first
    chosen = sorted({number for char in set(text) for number in _STOP_ZH_BY_FIRST.get(char, ())})
    for phrase in (_STOP_ZH_LONGEST_FIRST[number] for number in chosen):
        start = text.find(phrase)
        while start != -1:
            span = range(start, start + len(phrase))
            if not stopped.intersection(span):
                stopped.update(span)
            start = text.find(phrase, start + 1)
    return stopped


STOP_EN_STEMS = frozenset(stem(word) for word in STOP_EN)
_STOP_ZH_LONGEST_FIRST = sorted(STOP_ZH, key=len, reverse=True)
"""一般 before 一, so that a longer question word is found whole."""
"""The stop words as `units` leaves them, to compare with stemmed words."""
_STOP_ZH_BY_FIRST: dict[str, list[int]] = {}
"""Per first character, the places in `_STOP_ZH_LONGEST_FIRST` of the phrases beginning with it."""
for _number, _phrase in enumerate(_STOP_ZH_LONGEST_FIRST):
    _STOP_ZH_BY_FIRST.setdefault(_phrase[0], []).append(_number)
