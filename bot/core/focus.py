"""Which part of an entry answers the question: a list, the figures, or the sentences that hold it.

A question about 新岗村 should be answered with the sentence about 新岗村, one about the
"four big industries" with that list, whole, and one asking how many Party groups with
875. When nothing more particular is asked, the reply is the entry's summary.
Imports nothing from `telegram`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.core.index import Index, Reading
from bot.core.normalise import fold, units
from bot.core.tuning import Tuning
from bot.faq.knowledge import Entry, Figure, ItemList
from bot.language import Lang

LIST_CUE = {
    "zh": re.compile(
        r"哪些|哪几|哪[一二两三四五六七八九十个]|几[种个类项条级步句件方样]|分别|都有|都是|包括|包含|列[出举]|所有|全部|各[是有自]|每个"
    ),
    "en": re.compile(
        r"\b(?:what|which) (?:are|were)\b|\blist\b|\bname (?:the|all)\b|\ball (?:the )?\b|\beach\b|"
        r"\bwhat (?:kinds?|types?|ways|sorts?)\b|\bwho are\b"
    ),
}
"""Words that ask for a list as a whole: 哪些, 分别, 包括; which are, list, each."""

NAME_CUE = {
    "zh": re.compile(r"是什么|有什么|指什么|指的是|什么样"),
    "en": re.compile(r"\bwhat (?:is|was|does)\b|\bwhat's\b|\bhow many\b|\bwhich\b|\bwhat do\b"),
}
"""Words that ask what something is: with a list's own name (三进是什么) they ask for the list."""


QUANTITY = re.compile(
    r"多少|(?<!哪)几|数量|数目|规模|面积|多大|多长|多高|"
    r"how many|how much|how big|how large|number of|\bcount\b|\bsize\b"
)
"""Words that ask for a number."""

_SENTENCE_END = {
    "zh": re.compile(r"(?<=[。；！？])"),
    "en": re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])|(?<=;)\s+"),
}


@dataclass(frozen=True)
class Focus:
    """What to lead a reply with; all empty means the entry's summary answers."""

    lists: tuple[ItemList, ...] = ()
    figures: tuple[Figure, ...] = ()
    sentences: tuple[str, ...] = ()
    said: str = ""
    """For a "no": what the question stated that the article does not bear out (300个, 清华大学)."""
    truth: str = ""
    """For a "no" or a comparison: what the article says instead."""
    instead: str = ""
    """For a "no" corrected with a clause: the article's name in it that stands where the question's
    did (央视 for 湖北卫视), said before the clause."""
    converted: str = ""
    """The first figure in the unit the question asks it in, where the article gives another
    (约9,267公顷 for 13.9万亩 asked in hectares)."""

    @property
    def general(self) -> bool:
        """Nothing particular was asked: the summary answers."""
        return not (self.lists or self.figures or self.sentences)


@lru_cache(maxsize=8192)
def sentences(text: str, lang: Lang) -> tuple[str, ...]:
    """The sentences (and clauses closed by ；) of a text; an entry's are cut again for every question."""
    return tuple(s.strip() for s in _SENTENCE_END[lang].split(text) if s.strip())


@lru_cache(maxsize=4096)
def _unit_text(text: str) -> str:
    """A text as the index's units, joined, to look terms up in."""
    return " " + " ".join(u.text for u in units(fold(text))) + " "


def find_focus(entry: Entry, position: int, reading: Reading, index: Index, tuning: Tuning) -> Focus:
    """The part of `entry` that answers the question read in `reading`."""
    lists = _asked_lists(entry, position, reading, index, tuning)
    if lists:
        return Focus(lists=lists)
    figures = asked_figures(entry, position, reading, index, tuning)
    chosen = _answering_sentences(entry, reading, index, tuning)
    if figures:
        lang = reading.lang
        held = [s for s in sentences(entry.text(lang), lang) if _holds_figure(s, figures[0], lang)]
        # 10 years: the sentence with the number in the figure's own measure, before one with 10 minutes
        held.sort(key=lambda s: not _measure_written(figures[0], fold(s), lang))
        around = tuple(_clauses(s, reading, index, tuning) for s in held[:1])
        return Focus(figures=figures, sentences=around or chosen[:1])
    return Focus(sentences=chosen)


def _asked_lists(entry: Entry, position: int, reading: Reading, index: Index, tuning: Tuning) -> tuple[ItemList, ...]:
    """The entry's lists the question asks for: named (三进) with a word asking what it is or for a
    list, or named alone; named by the words inside its name (服务网络……组成, one of them not
    a word of the entry's own topic) with a word asking for a list; or two of its items named
    (订单合同型、土地流转聘用型)."""
    if not entry.lists or reading.total <= 0:
        return ()
    cue = bool(LIST_CUE[reading.lang].search(reading.text))
    asks = cue or bool(NAME_CUE[reading.lang].search(reading.text))
    strength: dict[int, float] = {}
    for number, _ in enumerate(entry.lists):
        named = reading.covered(index.term_sets["list", position, number])
        parts = reading.covered(index.term_sets["list part", position, number])
        items = {m.term for m in reading.matches if m.term in index.term_sets["item", position, number]}
        if named > 0 and (asks or named >= tuning.list_alone * reading.total):
            strength[number] = named
        elif (
            cue
            and parts >= tuning.list_parts * reading.total
            and reading.covered(index.term_sets["list mark", position, number])
        ):
            strength[number] = parts
        elif len(items) >= 2:
            strength[number] = reading.covered(items)
    if not strength:
        return ()
    top = max(strength.values())
    return tuple(entry.lists[n] for n in sorted(strength) if strength[n] >= tuning.list_rival * top)


def figure_shares(entry: Entry, position: int, reading: Reading, index: Index) -> dict[int, float]:
    """For each figure of the entry, how well the question names it (1 when it writes the number)."""
    lang = reading.lang
    asked_words = reading.named_words(index)
    folded = fold(reading.text)
    numbers = _NUMBER.findall(folded)
    hits: dict[int, float] = {}
    for number, figure in enumerate(entry.figures):
        if len(figure.value.replace(".", "")) >= 2 and _number_in(figure, folded, lang, numbers):
            # 10年 names the ten years, not the ten minutes, though both are 10
            written = (figure.zh, f"{figure.value}{figure.unit}")
            hits[number] = 1.0 if lang == "en" or any(form in folded for form in written) else 0.8
            continue
        parts = index.figure_parts.get((position, number), ())
        shares = [len(part & asked_words) / len(part) for part in parts]
        hits[number] = max(shares, default=0.0)
    return hits


def label_cover(reading: Reading, index: Index, position: int, number: int) -> float:
    """The share of the question's weight standing on words of the figure's label."""
    if reading.total <= 0:
        return 0.0
    words = frozenset().union(*index.figure_parts.get((position, number), ()))
    held = sum(weight for p, weight in reading.telling.items() if reading.units[p].text in words)
    return held / reading.total


def asked_figures(entry: Entry, position: int, reading: Reading, index: Index, tuning: Tuning) -> tuple[Figure, ...]:
    """The figures a question asks for: it names the number, or asks how many of what a figure counts.

    A figure counts as named by the share of its label (or of one part of a label that lists
    several things) that the question's meaningful words cover: 培训班 names 浙江大学培训班学员,
    党员 alone does not name 活跃在一线的青年党员. Figures named about equally well (星创天地:
    national and provincial) are all given, rather than one picked at random.
    """
    if not entry.figures:
        return ()
    hits = figure_shares(entry, position, reading, index)
    top = max(hits.values())
    if top < tuning.figure_match:
        return ()
    asked = [entry.figures[n] for n, hit in sorted(hits.items()) if hit >= top - tuning.figure_tie]
    folded = fold(reading.text)
    # 10 years: of figures of the same number (10 minutes, 10 years), the one in the measure written after it
    measured = [f for f in asked if _measure_written(f, folded, reading.lang)]
    asked = measured if measured and len(measured) < len(asked) else asked
    if top >= 1.0 and any(_number_in(f, folded, reading.lang) for f in asked):
        return tuple(asked)
    return tuple(asked) if asks_number(reading) else ()


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _number_in(figure: Figure, folded: str, lang: Lang, written: list[str] | None = None) -> bool:
    """Whether the question writes the figure's number (875, 36.5, 365,000); `written`, the numbers
    it writes, when already found."""
    if figure.value in (_NUMBER.findall(folded) if written is None else written):
        return True
    return lang == "en" and figure.en_number.rstrip("+").replace(",", "") in folded.replace(",", "")


def _measure_written(figure: Figure, folded: str, lang: Lang) -> bool:
    """Whether the question writes the figure's number with the figure's own measure right after it
    (10年 for 10年; 10 years for "years without a petition")."""
    if lang == "zh":
        return f"{figure.value}{figure.unit}" in folded
    found = re.search(rf"(?<![\d.]){re.escape(figure.value)}\s+([a-z]+)", folded)
    return found is not None and found.group(1)[:4] in figure.en.lower()


def asks_number(reading: Reading) -> bool:
    """Whether the question asks how many or how much."""
    return bool(QUANTITY.search(fold(reading.text)))


def _holds_figure(sentence: str, figure: Figure, lang: Lang) -> bool:
    if lang == "zh":
        return figure.zh in sentence
    return figure.en_number.rstrip("+") in sentence


def _answering_sentences(entry: Entry, reading: Reading, index: Index, tuning: Tuning) -> tuple[str, ...]:
    """The sentence of the full text that holds what was asked, cut to the clauses that hold it.

    Each question position counts for a text when a term found there stands in it, weighed
    as in matching. The best sentence answers when it holds at least half of the question and
    no less than the summary does; a long one is cut to the clauses holding the terms (with
    the clause before, when they begin by pointing back: 该镇龙泉村). None when the summary
    answers as well.
    """
    lang = reading.lang
    texts = _with_context(sentences(entry.text(lang), lang), lang)
    if reading.total <= 0 or not texts:
        return ()
    credit = held_each(texts, reading, index)
    best = max(range(len(texts)), key=lambda n: credit[n])
    if credit[best] < tuning.sentence_share * reading.total or credit[best] < _held(entry.short(lang), reading, index):
        return _beyond_title(entry, texts, reading, index, tuning)
    return (_clauses(texts[best], reading, index, tuning),)


def _beyond_title(
    entry: Entry, texts: tuple[str, ...], reading: Reading, index: Index, tuning: Tuning
) -> tuple[str, ...]:
    """The sentence holding what a question asks beside the measure's own name, when the summary
    leaves it out (村企互助联动想形成一个怎样的长效机制: the sentence of 长效机制): the name chose the
    entry and stands for all of it, so it weighs for no one sentence."""
    lang = reading.lang
    named = index.terms_in(entry.title_in(lang))
    found, weighed = reading.weighed(index)
    rest = tuple((term, weight, positions) for term, weight, positions in weighed if term not in named)
    last = max((p for _, _, positions in weighed for p in positions), default=-1)
    if found <= named or not rest or any(last in positions for term, _, positions in weighed if term in named):
        return ()  # 总的思路是什么: the question ends on the measure's name and asks what it is
    whole = _held_of(frozenset(term for term, _, _ in rest), rest)
    summary = _held_of(index.terms_in(entry.short(lang)) - named, rest)
    credit = [_held_of(index.terms_in(text) - named, rest) for text in texts]
    best = max(range(len(texts)), key=lambda n: credit[n])
    if credit[best] < tuning.sentence_share * whole or credit[best] <= summary:
        return ()
    return (_clauses(texts[best], reading, index, tuning),)


@lru_cache(maxsize=8192)
def _with_context(texts: tuple[str, ...], lang: Lang) -> tuple[str, ...]:
    """Each sentence, with the one before when it begins by pointing back to it (该镇龙泉村……)."""
    joiner = " " if lang == "en" else ""
    return tuple(
        texts[n - 1] + joiner + text if n > 0 and _BACK_REFERENCE[lang].match(text) else text
        for n, text in enumerate(texts)
    )


_CLAUSE_END = {"zh": re.compile(r"(?<=，)"), "en": re.compile(r"(?<=,) (?=and )|(?<=;) ")}
_BACK_REFERENCE = {
    "zh": re.compile(r"^(?:该|其|这|此)"),
    "en": re.compile(r"^(?:it|its|they|their|this|the town's)\b", re.I),
}


def _clauses(sentence: str, reading: Reading, index: Index, tuning: Tuning) -> str:
    """A long sentence cut to the run of clauses holding the question's terms."""
    lang = reading.lang
    if len(sentence) <= (tuning.long_sentence_zh if lang == "zh" else tuning.long_sentence_en):
        return sentence
    parts = list(_clause_parts(sentence, lang))
    credit = held_each(parts, reading, index)
    holding = [n for n, held in enumerate(credit) if held > 0 and held >= tuning.clause_share * max(credit)]
    if not holding or len(parts) < 2:
        return sentence
    first, last = holding[0], holding[-1]
    if first > 0 and _BACK_REFERENCE[lang].match(parts[first].strip()):
        first -= 1
    run = "".join(parts[first : last + 1]) if lang == "zh" else " ".join(parts[first : last + 1])
    run = run.strip()
    if lang == "zh" and run.endswith("，"):
        run = run[:-1] + "。"
    elif lang == "en" and run.endswith(","):
        run = run[:-1] + "."
    return run[:1].upper() + run[1:] if lang == "en" else run


def clauses_holding(
    sentence: str, value: str, reading: Reading, index: Index, tuning: Tuning, *, within: int = 0
) -> str:
    """A long sentence cut to the clause holding `value`, with the clauses before it that say what
    it is about (在浙江大学开办……培训班，组织……等51人学习提能) or that it points back to; a shorter
    one too when `value` would stand beyond its first `within` characters (an asked place)."""
    lang = reading.lang
    late = within > 0 and sentence.find(value) + len(value) > within
    if len(sentence) <= (tuning.long_sentence_zh if lang == "zh" else tuning.long_sentence_en) and not late:
        return sentence
    parts = list(_clause_parts(sentence, lang))
    where = next((n for n, part in enumerate(parts) if value in part), None)
    if where is None:
        return _clauses(sentence, reading, index, tuning)
    first = where
    while (
        first > 0
        and where - first < 2
        and (_held(parts[first], reading, index) <= 0 or _BACK_REFERENCE[lang].match(parts[first].strip()))
    ):
        if _held(parts[first - 1], reading, index) <= 0 and not _BACK_REFERENCE[lang].match(parts[first].strip()):
            break
        first -= 1
    run = ("".join if lang == "zh" else " ".join)(parts[first : where + 1]).strip()
    if lang == "zh" and run.endswith("，"):
        run = run[:-1] + "。"
    elif lang == "en" and run.endswith(","):
        run = run[:-1] + "."
    if lang == "en":
        run = re.sub(r"^(?:and|but|while|so)\s+", "", run)  # a clause cut from its sentence stands alone
        return run[:1].upper() + run[1:]
    return run


@lru_cache(maxsize=8192)
def _clause_parts(sentence: str, lang: Lang) -> tuple[str, ...]:
    """A sentence cut into its clauses, once: the article's sentences are cut for question after question.
    A bracket is never cut: (Taizi rice, fruit and tea, …, and ecological farming) stays one with its clause."""
    parts: list[str] = []
    for part in (part for part in _CLAUSE_END[lang].split(sentence) if part):
        joined = parts[-1] if parts else ""
        if joined.count("(") + joined.count("（") > joined.count(")") + joined.count("）"):
            parts[-1] = joined + (" " if lang == "en" else "") + part
        else:
            parts.append(part)
    return tuple(parts)


def cut_to_question(sentence: str, reading: Reading, index: Index, tuning: Tuning) -> str:
    """A long sentence cut to the run of clauses holding the question's terms."""
    return _clauses(sentence, reading, index, tuning)


def held(text: str, reading: Reading, index: Index) -> float:
    """How much of the question the terms standing in `text` explain."""
    return _held(text, reading, index)


def held_each(texts: Iterable[str], reading: Reading, index: Index) -> list[float]:
    """`held` of each text, in order: the question's matches weighed once for all of them."""
    found, weighed = reading.weighed(index)
    terms_in = index.terms_in
    return [0.0 if found.isdisjoint(present := terms_in(text)) else _held_of(present, weighed) for text in texts]


def held_most(texts: tuple[str, ...], reading: Reading, index: Index) -> float:
    """The most `held` of any of the texts; only those holding a term of the question are weighed."""
    found, weighed = reading.weighed(index)
    holding = index.holding(texts)
    chosen = sorted({number for term in found for number in holding.get(term, ())})
    return max((_held_of(index.terms_in(texts[number]), weighed) for number in chosen), default=0.0)


def _held(text: str, reading: Reading, index: Index) -> float:
    """How much of the question the terms standing in `text` explain (`Index.terms_in`)."""
    present = index.terms_in(text)
    found, weighed = reading.weighed(index)
    if found.isdisjoint(present):
        return 0.0
    return _held_of(present, weighed)


def _held_of(present: frozenset[int], weighed: tuple[tuple[int, float, tuple[int, ...]], ...]) -> float:
    held: dict[int, float] = {}
    for term, weight, positions in weighed:
        if term in present:
            for position in positions:
                if weight > held.get(position, 0.0):
                    held[position] = weight
    return sum(held.values())
