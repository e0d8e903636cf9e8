"""Chinese terms written in pinyin: inside English questions (`How many dang xiao zu are there?`) and
inside Chinese ones (`xiaochang有多少个村`).

English speakers who know the article's terms often write them in pinyin, spaced as they like
(`dangxiaozu`, `dang xiao zu`, `Dang Xiaozu`). Both sides are brought to one form, a loose
syllable per unit (the same loosening as Chinese typos: zh/z, ch/c, sh/s, l/n, -ng/-n):

- the FAQ's Chinese terms are added to the English index in that form (`bot.core.index`);
- a question's words that are no English word the FAQ uses and that split wholly into syllables
  of the FAQ's own characters are cut into those syllables before matching.

In a Chinese question, a run of pinyin words that reads wholly as the FAQ's Chinese terms, one after
another, is written back in those terms' characters (`hanzi_question`).

A word splits the way pinyin is read without apostrophes: a syllable after the first does not
begin with a, o or e (Xingang is xin-gang, not xing-ang). Imports nothing from `telegram`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from bot.core.normalise import STOP_EN, loosen, stem

_HAN_RUN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]+$")
_WORD = re.compile(r"[A-Za-z]+")
_JOINED = re.compile(r"^[ \t-]*$")
LONGEST_SYLLABLE = 6
"""zhuang, chuang, shuang: no pinyin syllable is longer."""


@lru_cache(maxsize=8192)
def plain_syllable(char: str) -> str:
    """A Chinese character's toneless pinyin, not loosened: `zhuan` for 专."""
    return lazy_pinyin(char, style=Style.NORMAL, errors="default")[0]


def romanise(text: str) -> str | None:
    """An all-Chinese text as loose syllables, `dang xiao zu` for 党小组; None if it holds anything else."""
    if not _HAN_RUN.match(text):
        return None
    return " ".join(loosen(plain_syllable(char)) for char in text)


def syllables_of(texts: Iterable[str]) -> frozenset[str]:
    """The plain syllables of every Chinese character in `texts`: what a pinyin word may be cut into."""
    chars = {char for text in texts for char in text if "\u3400" <= char <= "\u9fff"}
    return frozenset(plain_syllable(char) for char in chars)


def split_word(word: str, syllables: Collection[str]) -> tuple[str, ...] | None:
    """A word cut into syllables of `syllables`, the way unmarked pinyin reads; None if it cannot be."""
    return _split(word.lower(), frozenset(syllables) if not isinstance(syllables, frozenset) else syllables)


@lru_cache(maxsize=4096)
def _split(word: str, syllables: frozenset[str]) -> tuple[str, ...] | None:
    # best[i]: the best cut of word[:i] as (syllables beginning with a vowel after the first, count, cut)
    best: list[tuple[int, int, tuple[str, ...]] | None] = [(0, 0, ())] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for size in range(1, min(LONGEST_SYLLABLE, end) + 1):
            before = best[end - size]
            piece = word[end - size : end]
            if before is None or piece not in syllables:
                continue
            vowel = int(bool(before[2]) and piece[0] in "aoe")
            option = (before[0] + vowel, before[1] + 1, (*before[2], piece))
            if best[end] is None or option[:2] < best[end][:2]:  # type: ignore[index]
                best[end] = option
    found = best[-1]
    return found[2] if found is not None else None


def split_question(text: str, syllables: frozenset[str], english: Collection[str]) -> str:
    """An English question with its pinyin words cut into loose syllables (`ruanruo` as `ruan ruo`).

    Words are taken in runs standing next to each other (only spaces or hyphens between). A run
    is cut when each of its words is pinyin and at least one is no English word the FAQ uses
    (`english`, stemmed as `bot.core.normalise.stem` does): `Taizi mi` is cut, `Shen Teng` and a
    lone `long` are not. English function words (`STOP_EN`: a, can, mean) are never pinyin.
    """
    words = list(_WORD.finditer(text))
    cuts = [None if match.group().lower() in STOP_EN else split_word(match.group(), syllables) for match in words]
    pieces, last, start = [], 0, 0
    while start < len(words):
        end = start + 1
        while (
            end < len(words)
            and cuts[end - 1]
            and cuts[end]
            and _JOINED.match(text[words[end - 1].end() : words[end].start()])
        ):
            end += 1
        run = range(start, end)
        foreign = [n for n in run if stem(words[n].group().lower()) not in english]
        if all(cuts[n] for n in run) and foreign and (len(run) > 1 or len(cuts[start] or ()) > 1):
            for n in run:
                pieces.append(text[last : words[n].start()])
                pieces.append(" ".join(loosen(syllable) for syllable in cuts[n] or ()))
                last = words[n].end()
        start = end
    pieces.append(text[last:])
    return "".join(pieces)


def written_terms(terms: Iterable[str]) -> dict[str, str]:
    """Chinese terms of two characters or more by their loose syllables (`xiao chang` for 孝昌); where
    two terms sound alike, the first given keeps the sound."""
    written: dict[str, str] = {}
    for term in terms:
        key = romanise(term) if len(term) >= 2 else None
        if key is not None:
            written.setdefault(key, term)
    return written


def hanzi_question(text: str, written: Mapping[str, str], syllables: frozenset[str]) -> str:
    """A Chinese question with its pinyin runs written as the FAQ's terms they read as (`xiaochang` as
    孝昌); a run that does not read wholly as terms, or is a single syllable, is left as it is."""
    if not _LATIN.search(text):
        return text
    return _LATIN_RUN.sub(lambda run: _as_terms(run.group(), written, syllables) or run.group(), text)


_LATIN = re.compile(r"[A-Za-z]")
_LATIN_RUN = re.compile(r"[A-Za-z]+(?:[ \t-]+[A-Za-z]+)*")


def _as_terms(run: str, written: Mapping[str, str], syllables: frozenset[str]) -> str | None:
    cut: list[str] = []
    for word in _WORD.findall(run):
        if (pieces := split_word(word, syllables)) is None:
            return None
        cut += [loosen(piece) for piece in pieces]
    if len(cut) < 2:
        return None
    terms, start = [], 0
    while start < len(cut):
        # the longest term that begins here
        end = next((end for end in range(len(cut), start, -1) if " ".join(cut[start:end]) in written), None)
        if end is None:
            return None
        terms.append(written[" ".join(cut[start:end])])
        start = end
    return "".join(terms)
