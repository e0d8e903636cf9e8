"""The article's facts: every sentence of every entry's text, cut into clauses, with its typed values.

A fact is one sentence of an entry's full text (for a measure, the article's own paragraph)
with the values it holds: counts and amounts with their units (`bot.core.values`), dates and
times, the people, places and organisations it names, and the entry's lists. The entry is the
fact's context: the matcher finds the entry, the facts say which sentence and which value
answer what was asked.

Names are typed without a dictionary of names: an FAQ gives every text in Chinese and English,
and English writes Chinese names in pinyin. A capitalised English word that is pinyin is found
again, by its sounds, in the entry's Chinese, and its kind is read the way romanised names are
written: a person as surname and given name apart (Shen Teng: 沈腾), a place as one word, or
with its kind after it (Wangdian town: 王店镇; Zhejiang University: 浙江大学).

The FAQ's hand-written figures, lists and terms are the curated layer over the facts: a
figure gives its count a label (党小组), and `Facts.check` makes sure the two agree (every
figure is a count the facts read, in both languages). Imports nothing from `telegram`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property, lru_cache

from bot.core.normalise import STOP_EN, loose_syllable, loosen
from bot.core.romanised import split_word, syllables_of
from bot.core.values import ORG_NOUNS_EN, PLACE_NOUNS_EN, Kind, Value, name_kind, values
from bot.faq.knowledge import Entry, Figure, KnowledgeBase, iter_texts
from bot.language import LANGS, Lang
from bot.texts import Phrase, phrase

_SENTENCE_END = {
    "zh": re.compile(r"(?<=[。；！？])"),
    "en": re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])|(?<=;)\s+"),
}
_CLAUSE_END = {"zh": re.compile(r"(?<=[，：])"), "en": re.compile(r"(?<=[,:])\s+")}
_SEGMENT = {"zh": re.compile(r"[，；。、：]"), "en": re.compile(r"[,;.:]|\band\b")}
"""What bounds the words a count stands among: its label when no figure names it."""
_PARTS = {"zh": re.compile(r"[，；、]"), "en": re.compile(r"[,;]")}
_CAPITALISED = re.compile(r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*")
_ROLE = re.compile(r"([\u4e00-\u9fff]{1,6})[：:]\s*$|\b([A-Za-z][A-Za-z ]{1,30}):\s*$")
"""A name's role when the text gives it before a colon: 编辑：彭扬, Editor: Peng Yang."""


@dataclass(frozen=True)
class Name:
    """A name the article uses, in one language, with its kind."""

    kind: Kind
    text: str
    """As the text writes it: 王店镇, 沈腾, Wangdian town."""
    core: str
    """Without its kind word: 王店 for 王店镇, Wangdian for Wangdian town."""
    suffix: str = ""
    """Its kind word: 镇, 大学; in English town, university."""


@dataclass(frozen=True)
class Fact:
    """One sentence of an entry's text, with its clauses and values."""

    entry: Entry
    lang: Lang
    number: int
    """Its place among the entry's sentences."""
    text: str
    clauses: tuple[str, ...]
    values: tuple[Value, ...]
    """Counts, dates, times and names, with their spans in `text`; counts labelled."""

    def of_kind(self, *kinds: Kind) -> tuple[Value, ...]:
        """The values of these kinds."""
        return tuple(value for value in self.values if value.kind in kinds)

    def parts(self) -> list[str]:
        """The sentence cut at every comma, semicolon and list mark: the smallest pieces that say something."""
        return list(self._parts)

    @cached_property
    def _parts(self) -> tuple[str, ...]:
        """`parts`, cut once: they are read for many questions."""
        return tuple(part for part in _PARTS[self.lang].split(self.text) if part.strip())

    def clause_of(self, value: Value, before: int = 0) -> str:
        """The clause a value stands in, with `before` clauses before it."""
        at = 0
        for number, clause in enumerate(self.clauses):
            if at <= value.start < at + len(clause):
                return "".join(self.clauses[max(0, number - before) : number + 1])
            at += len(clause)
        return self.text


@dataclass(frozen=True)
class Told:
    """What an entry tells, to check a question's words against: its texts but its example questions,
    joined, and in English the first four letters of their words."""

    text: str
    beginnings: frozenset[str]


def sentences(text: str, lang: Lang) -> tuple[str, ...]:
    """The sentences (and clauses closed by ；) of a text."""
    return tuple(s.strip() for s in _SENTENCE_END[lang].split(text) if s.strip())


class Facts:
    """Every fact of one FAQ, by entry and language, with the names it uses."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self.knowledge = knowledge
        self.names: dict[Lang, dict[str, Name]] = {lang: {} for lang in LANGS}
        self._facts: dict[tuple[str, Lang], tuple[Fact, ...]] = {}
        known_as = {lang: _named_by_variants(knowledge, lang) for lang in LANGS}
        for entry in knowledge.entries:
            names = aligned_names(entry)
            for lang in LANGS:
                text = entry.text(lang).lower()
                names[lang] += [name for name in known_as[lang] if name.text.lower() in text]
            for lang in LANGS:
                for name in names[lang]:
                    self.names[lang].setdefault(name.text, name)
                self._facts[entry.id, lang] = tuple(_facts(entry, lang, names[lang]))
        self._told: dict[tuple[str, Lang], Told] = {}
        self._clauses = {
            key: tuple(clause for fact in facts for clause in fact.clauses) for key, facts in self._facts.items()
        }
        self._longest_first = {
            lang: sorted(self.names[lang].values(), key=lambda name: -len(name.text)) for lang in LANGS
        }
        self._needles = {
            lang: [(name, _needles(name, lang)) for name in names] for lang, names in self._longest_first.items()
        }

    def of(self, entry: Entry, lang: Lang) -> tuple[Fact, ...]:
        """The facts of an entry in one language, in the order of its text."""
        return self._facts.get((entry.id, lang), ())

    def told(self, entry: Entry, lang: Lang) -> Told:
        """What an entry tells (`Told`), worked out once: it is read for every "how many" question."""
        found = self._told.get((entry.id, lang))
        if found is None:
            text = " ".join(text for kind, text in iter_texts(entry, lang) if kind != "question")
            beginnings = frozenset(w[:4] for w in re.findall(r"[a-z]{3,}", text.lower())) if lang == "en" else None
            found = self._told[entry.id, lang] = Told(text, beginnings or frozenset())
        return found

    def clauses_of(self, entry: Entry, lang: Lang) -> tuple[str, ...]:
        """The clauses of an entry's facts in one language, in the order of its text."""
        return self._clauses.get((entry.id, lang), ())

    def all(self, lang: Lang) -> Iterable[Fact]:
        """Every fact in one language."""
        for entry in self.knowledge.entries:
            yield from self.of(entry, lang)

    def named_in(self, text: str, lang: Lang) -> list[Name]:
        """The article's names that a text uses, whole or without their kind word (王店 for 王店镇), longest first."""
        folded = text if lang == "zh" else text.lower()
        found = []
        for name, needles in self._needles[lang]:
            for needle in needles:
                if needle in folded:
                    found.append(name)
                    break
        return found

    def check(self) -> list[tuple[str, Phrase]]:
        """Where the FAQ's figures and lists disagree with the facts read from the texts: (entry id, problem)."""
        problems: list[tuple[str, Phrase]] = []
        for entry in self.knowledge.entries:
            zh = [v for fact in self.of(entry, "zh") for v in fact.of_kind("count")]
            en = [v for fact in self.of(entry, "en") for v in fact.of_kind("count")]
            for figure in entry.figures:
                if not any(_is_figure(value, figure) for value in zh):
                    problems.append((entry.id, phrase("check_figure_not_count", figure=figure.zh, id=entry.id)))
                if not any(value.number == _en_value(figure) for value in en):
                    problems.append(
                        (entry.id, phrase("check_figure_not_en", figure=figure.zh, id=entry.id, en=figure.en_number))
                    )
            for lang in LANGS:
                texts = " ".join(fact.text for fact in self.of(entry, lang))
                for listed in entry.lists:
                    missing = [item for item in listed.items_in(lang) if _plain(item) not in _plain(texts)]
                    if missing:
                        problems.append(
                            (
                                entry.id,
                                phrase("check_list_item", name=listed.name_in(lang), id=entry.id, item=missing[0]),
                            )
                        )
        return problems


def _needles(name: Name, lang: Lang) -> tuple[str, ...]:
    """What a text may hold to use a name: the whole name, or the name without its kind word when
    that is two characters or more; only the second when the whole holds it (the whole begins with it)."""
    whole = name.text if lang == "zh" else name.text.lower()
    core = name.core if lang == "zh" else name.core.lower()
    if len(core) < 2:
        return (whole,)
    return (core,) if core in whole else (whole, core)


def around(text: str, word: str) -> str:
    """The clause of a question that `word` stands in, without the word."""
    for clause in re.split(r"[，,；;。？?！!]", text):
        if word in clause:
            return clause.replace(word, " ")
    return text.replace(word, " ")


def stems(text: str) -> list[str]:
    """An English text's words of three letters or more, each by its first five: how answering tells
    one English word from another (mentors and mentoring alike)."""
    return [word[:5] for word in re.findall(r"[a-z]{3,}", text.lower())]


def overlap(first: str, second: str, lang: Lang) -> float:
    """How much two texts share: Chinese character pairs, or English words by their first five letters."""
    if lang == "zh":
        return float(len(_pairs(first) & _pairs(second)))
    words = [{w[:5] for w in re.findall(r"[a-z]{4,}", text.lower())} for text in (first, second)]
    return float(len(words[0] & words[1]))


@lru_cache(maxsize=8192)
def _pairs(text: str) -> frozenset[str]:
    """The pairs of Chinese characters side by side in a text; the article's clauses and labels recur."""
    han = [_HAN_FIRST <= char <= _HAN_LAST for char in text]
    return frozenset(text[n : n + 2] for n in range(len(text) - 1) if han[n] and han[n + 1])


_HAN_FIRST, _HAN_LAST = "\u4e00", "\u9fff"


def _plain(text: str) -> str:
    return re.sub("[\"'“”‘’「」]", "", text).lower()


def _en_value(figure: Figure) -> Decimal:
    return Decimal(figure.en_number.rstrip("+").replace(",", ""))


def _is_figure(value: Value, figure: Figure) -> bool:
    return value.number == Decimal(figure.value) and value.unit == figure.unit and value.plus == figure.plus


def _facts(entry: Entry, lang: Lang, names: list[Name]) -> list[Fact]:
    found = []
    for number, sentence in enumerate(sentences(entry.text(lang), lang)):
        clauses = tuple(part for part in _CLAUSE_END[lang].split(sentence) if part)
        found.append(Fact(entry, lang, number, sentence, clauses, tuple(_values(entry, sentence, lang, names))))
    return found


def _values(entry: Entry, sentence: str, lang: Lang, names: list[Name]) -> list[Value]:
    """The values of one sentence: counts labelled by the entry's figures or their words around, then names."""
    found = [
        replace(value, label=_label(entry, value, sentence, lang)) if value.kind == "count" else value
        for value in values(sentence, lang)
    ]
    for name in names:
        text = name.text
        start = sentence.find(text) if lang == "zh" else sentence.lower().find(text.lower())
        while start != -1:
            end = start + len(text)
            if not any(v.start <= start < v.end for v in found if v.kind in ("person", "place", "org")):
                found.append(
                    Value(name.kind, sentence[start:end], start, end, unit=name.suffix, label=_role(sentence, start))
                )
            start = sentence.find(text, end) if lang == "zh" else sentence.lower().find(text.lower(), end)
    return sorted(found, key=lambda v: v.start)


def _label(entry: Entry, value: Value, sentence: str, lang: Lang) -> str:
    """What a count counts: its figure's label when the FAQ gives one, else the words it stands among."""
    for figure in entry.figures:
        if lang == "zh" and _is_figure(value, figure):
            return figure.what
        if lang == "en" and value.number == _en_value(figure):
            return figure.en
    bounds = [m.start() for m in _SEGMENT[lang].finditer(sentence)]
    before = max((b for b in bounds if b < value.start), default=-1)
    after = min((b for b in bounds if b >= value.end), default=len(sentence))
    words = (sentence[before + 1 : value.start] + " " + sentence[value.end : after]).strip()
    return words if lang == "zh" else " ".join(words.split()[:6])


def _role(sentence: str, start: int) -> str:
    found = _ROLE.search(sentence[max(0, start - 32) : start])
    return (found.group(1) or found.group(2) or "").strip() if found else ""


def _named_by_variants(knowledge: KnowledgeBase, lang: Lang) -> list[Name]:
    """Words the FAQ gives a variant that is a name by its ending, or in English a kind of body (央视:
    中央电视台; cctv: tv): names of that kind, though they have no such ending themselves."""
    found: dict[str, Name] = {}
    for variant, word in knowledge.synonyms(lang).items():
        if lang == "zh":
            kind = name_kind(variant)
            # 下村 for 下基层 is a deed, not a village: a name has at least two characters before its ending
            if kind is not None and len(variant) - len(kind[1]) >= 2 and name_kind(word) is None and len(word) >= 2:
                found.setdefault(word, Name(kind[0], word, word))
        elif variant.split()[-1:] and variant.split()[-1] in ORG_NOUNS_EN and word.split()[-1] not in ORG_NOUNS_EN:
            text = word.upper() if len(word) <= 5 and " " not in word else word.title()  # cctv: CCTV
            found.setdefault(word, Name("org", text, text))
    return list(found.values())


def aligned_names(entry: Entry) -> dict[Lang, list[Name]]:
    """The names an entry's English writes in pinyin, each with the Chinese it stands for."""
    english = f"{entry.en.title}. {entry.en.answer}"
    chinese = f"{entry.title}。{entry.answer}"
    syllables = syllables_of([chinese])
    sounds = [loose_syllable(char) if "\u4e00" <= char <= "\u9fff" else "" for char in chinese]
    zh: list[Name] = []
    en: list[Name] = []
    seen: dict[tuple[str, ...], int] = {}
    for run, cuts in _pinyin_runs(english, syllables):
        words = run.group().split()
        wanted = [loosen(syllable) for cut in cuts for syllable in cut]
        # the n-th time English writes a name, it stands for the n-th place Chinese has those sounds
        places = _find(sounds, wanted)
        nth = seen.get(tuple(wanted), 0)
        seen[tuple(wanted)] = nth + 1
        if not places:
            continue
        place = places[min(nth, len(places) - 1)]
        # Huazhong University of Science and Technology: an organisation's name may run on with "of"
        after = re.match(
            r"[ -]([A-Za-z]+(?:[ -][A-Z][a-z]+)*(?: of [A-Z][a-z]+(?: and [A-Z][a-z]+)?)?)", english[run.end() :]
        )
        noun = after.group(1) if after and after.group(1).lower() not in STOP_EN else ""
        core_zh = chinese[place : place + len(wanted)]
        kind, suffix_zh, suffix_en = _kind_of(words, cuts, noun.split(" ")[0], chinese[place + len(wanted) :])
        if kind is None:
            continue
        en_text = run.group() + (f" {noun if kind == 'org' else suffix_en}" if suffix_en else "")
        zh.append(Name(kind, core_zh + suffix_zh, core_zh, suffix_zh))
        en.append(Name(kind, en_text, run.group(), suffix_en))
    return {"zh": zh, "en": en}


def _pinyin_runs(english: str, syllables: frozenset[str]) -> Iterable[tuple[re.Match[str], list[tuple[str, ...]]]]:
    """Runs of capitalised words that are all pinyin (`Shen Teng`, `Wangdian`), with their syllables."""
    for match in _CAPITALISED.finditer(english):
        start = match.start()
        words = list(re.finditer(r"[A-Za-z]+", match.group()))
        cuts = [split_word(word.group(), syllables) for word in words]
        first = 0
        for number in range(len(words) + 1):
            if number < len(words) and cuts[number] is not None:
                continue
            if number > first:
                span = (start + words[first].start(), start + words[number - 1].end())
                run = re.compile(re.escape(english[span[0] : span[1]])).match(english, span[0])
                if run is not None:
                    yield run, [cut for cut in cuts[first:number] if cut is not None]
            first = number + 1


def _kind_of(
    words: list[str], cuts: list[tuple[str, ...]], noun: str, chinese_after: str
) -> tuple[Kind | None, str, str]:
    """A romanised name's kind, and its kind word in Chinese and English (镇, town)."""
    lower = noun.lower()
    if lower in PLACE_NOUNS_EN:
        suffix = PLACE_NOUNS_EN[lower]
        return "place", suffix if chinese_after.startswith(suffix) else "", noun
    if lower in ORG_NOUNS_EN or (noun[:1].isupper() and len(words) == 1):
        # the organisation's Chinese name runs on to its end: 浙江大学, 华中科技大学, 孝感党建
        tail = re.match(r"[\u4e00-\u9fff]{0,6}?(?:大学|学院|学校)|[\u4e00-\u9fff]{0,4}(?=[、，。；：])", chinese_after)
        return "org", tail.group() if tail else "", noun
    if len(words) in (2, 3) and len(cuts[0]) == 1 and all(len(cut) <= 2 for cut in cuts):
        return "person", "", ""
    if len(words) == 1 and len(cuts[0]) >= 2 and not noun:
        return "place", "", ""
    return None, "", ""


def _find(sounds: list[str], wanted: list[str]) -> list[int]:
    """Where runs of Chinese characters sound as `wanted`."""
    size = len(wanted)
    return [start for start in range(len(sounds) - size + 1) if sounds[start : start + size] == wanted]
