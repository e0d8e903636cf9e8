"""The terms of one FAQ in one language, and finding them in a question.

Build side: `Index.build(knowledge, lang, tuning)` collects every term the FAQ knows
(keywords, titles, list names and items, unexplained terms, figures, and the words of its
questions and answers, cut by the FAQ's own `Segmenter`), notes which entries hold each
and how (a curated keyword more than a word of some answer), weighs each by how rare it
is across entries, and lays out lookup tables by characters, by sounds, and by halves of
sounds for one-syllable slips. The result is not changed afterwards.

Query side: `Index.read(question)` cuts a question into units, finds every term in it
three ways (the same characters, the same sounds, the same sounds but one), and says which
positions carry meaning and how much each weighs. Imports nothing from `telegram`.
"""

from __future__ import annotations

import gc
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import overload

from bot.core.labels import label_parts
from bot.core.normalise import (
    STOP_EN_STEMS,
    STOP_ZH,
    Unit,
    fold,
    loosen,
    prepare,
    query_units,
    stem,
    stop_spans,
    units,
)
from bot.core.romanised import romanise, split_word, syllables_of
from bot.core.segmenter import Segmenter
from bot.core.tuning import Tuning
from bot.faq.knowledge import Entry, KnowledgeBase, iter_texts
from bot.language import Lang

Asking = Callable[[str, Lang], list[tuple[int, int]]]
"""Finds, in a folded question, the character spans of words asking for a detail."""


@dataclass
class Term:
    """A string the FAQ holds, as units, with the entries that hold it and how telling it is."""

    text: tuple[str, ...]
    sound: tuple[str, ...]
    generic: bool = False
    idf: float = 0.0
    owners: dict[int, float] = field(default_factory=dict)
    """Entry position to the weight of the strongest place the entry holds the term."""
    figures: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    """Entry position to the figures whose label or value the term is part of."""
    stands_for: list[tuple[str, ...]] = field(default_factory=list)
    """For a synonym (责任编辑), the article's words it stands for (责编)."""

    @property
    def curated_for(self) -> float:
        """The weight of the strongest place any entry holds the term."""
        return max(self.owners.values(), default=0.0)

    def joined(self, lang: Lang) -> str:
        """The term as text again."""
        return ("" if lang == "zh" else " ").join(self.text)


@dataclass(frozen=True)
class Match:
    """A term found in a question, over question positions [start, end)."""

    term: int
    start: int
    end: int
    quality: float


@dataclass(frozen=True)
class Reading:
    """A question as one index reads it."""

    lang: Lang
    text: str
    """The question folded, with particles dropped: what positions refer to."""
    units: tuple[Unit, ...]
    matches: tuple[Match, ...]
    """Terms found, generic ones (孝昌县) left out, crossing matches already discounted."""
    content: frozenset[int]
    """Positions that carry meaning: explained by a term, or unexplained and not a question word."""
    telling: Mapping[int, float]
    """How much each content position weighs (unknown positions included)."""
    unknown: frozenset[int]
    """Content positions no term explains."""
    unknown_words: tuple[tuple[int, int], ...] = ()
    """Positions [start, end) of the question's whole words no term explains (人口 in 冯山社区有多少人口)."""
    _weighed: dict[Index, tuple[frozenset[int], tuple[tuple[int, float, tuple[int, ...]], ...]]] = field(
        default_factory=dict, compare=False, repr=False
    )
    """What `weighed` worked out, per index."""
    _named: dict[Index, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)
    """What `named_words` worked out, per index."""

    @cached_property
    def total(self) -> float:
        """The weight of the whole question (summed once: it is read for every entry and text weighed)."""
        return sum(self.telling.values())

    def without_unknown_before(self, end: int) -> Reading:
        """This reading with the words no term explains before `end` (a character offset in `text`) left
        out: in a lead-in (我在外市组织部工作，最近在研究党小组……) they tell who asks, not what about."""
        quiet = frozenset(p for p in self.unknown if self.units[p].start < end)
        if not quiet:
            return self
        return Reading(
            self.lang,
            self.text,
            self.units,
            self.matches,
            self.content - quiet,
            {p: w for p, w in self.telling.items() if p not in quiet},
            self.unknown - quiet,
            tuple(span for span in self.unknown_words if span[0] not in quiet),
        )

    def weighed(self, index: Index) -> tuple[frozenset[int], tuple[tuple[int, float, tuple[int, ...]], ...]]:
        """The terms found, and per match its term, its weight in `index` (rarity times quality) and the
        content positions it stands on: worked out once, for the many texts a question is held against."""
        found = self._weighed.get(index)
        if found is None:
            found = self._weighed[index] = (
                self.found,
                tuple(
                    (
                        m.term,
                        index.terms[m.term].idf * m.quality,
                        tuple(p for p in range(m.start, m.end) if p in self.content),
                    )
                    for m in self.matches
                ),
            )
        return found

    def named_words(self, index: Index) -> frozenset[str]:
        """The units of the question's content, with those of the terms found in `index` and of the
        words they stand for: a typo (党小租) or a synonym (水稻) names what its term names."""
        found = self._named.get(index)
        if found is None:
            words = {self.units[p].text for p in self.content}
            for match in self.matches:
                term = index.terms[match.term]
                words.update(term.text)
                for original in term.stands_for:
                    words.update(original)
            found = self._named[index] = frozenset(words)
        return found

    @cached_property
    def found(self) -> frozenset[int]:
        """The terms of the matches."""
        return frozenset(m.term for m in self.matches)

    def covered(self, terms: set[int]) -> float:
        """The weight of the positions that any of `terms` covers."""
        if self.found.isdisjoint(terms):
            return 0.0
        positions = {p for m in self.matches if m.term in terms for p in range(m.start, m.end)}
        return sum(self.telling.get(p, 0.0) for p in positions)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Building makes millions of small objects and no garbage cycles: the cycle collector would scan
    the growing index again and again (a third of the time for 10,000 entries)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _ExampleSounds(Sequence[str]):
    """The sounds of each example question's meaningful part, worked out when first compared: a large
    FAQ is built in a fraction of the time, and most examples are never compared at all."""

    def __init__(self, index: Index, examples: list[str]) -> None:
        self._index = index
        self._examples = examples
        self._sounds: list[str | None] = [None] * len(examples)

    def __len__(self) -> int:
        return len(self._examples)

    @overload
    def __getitem__(self, number: int) -> str: ...
    @overload
    def __getitem__(self, number: slice) -> Sequence[str]: ...
    def __getitem__(self, number: int | slice) -> str | Sequence[str]:
        if isinstance(number, slice):
            return [self[n] for n in range(len(self))[number]]
        sounds = self._sounds[number]
        if sounds is None:  # two threads may both work it out: the same string either way
            sounds = self._sounds[number] = self._index.content_sounds(
                query_units(self._examples[number], self._index.lang)
            )
        return sounds


_STOP_CHARS_ZH = frozenset(word for word in STOP_ZH if len(word) == 1)
"""The one-character question and function words."""


@lru_cache(maxsize=65536)
def _pieces(text: str) -> tuple[Unit, ...]:
    """The units of an FAQ text; the same words recur across entries and reloads."""
    return units(fold(text))


@lru_cache(maxsize=65536)
def _keys(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """An FAQ text's units and their sounds, as the index keys terms by."""
    pieces = _pieces(text)
    return tuple(u.text for u in pieces), tuple(u.sound for u in pieces)


def _words_en(text: str) -> list[str]:
    """English words worth a term: three letters or more, or a number of two digits or more (not a bare 2)."""
    pieces = _pieces(text)
    return [u.text for u in pieces if u.text not in STOP_EN_STEMS and len(u.text) >= (2 if u.text.isdigit() else 3)]


_NOWHERE: tuple[tuple[int, ...], bool] = ((), False)
"""A window no term is or begins with."""


def _steps(
    table: Mapping[tuple[str, ...], list[int]], prefixes: set[tuple[str, ...]]
) -> dict[tuple[str, ...], tuple[tuple[int, ...], bool]]:
    """Per key of `table` or beginning of one: its terms, and whether a longer key begins with it."""
    beginning: tuple[tuple[int, ...], bool] = ((), True)
    steps = dict.fromkeys(prefixes, beginning)
    for key, terms in table.items():
        steps[key] = (tuple(terms), key in prefixes)
    return steps


def _note(best: dict[tuple[int, int, int], float], terms: Iterable[int], start: int, end: int, quality: float) -> None:
    """Terms found over [start, end) at a quality: each place keeps its best."""
    for term in terms:
        key = (term, start, end)
        if quality > best.get(key, 0.0):
            best[key] = quality


def _inside_longer(match: Match, spans: set[tuple[int, int]]) -> bool:
    """A sound-alike is no evidence where a longer term already claims those units."""
    return any(
        start <= match.start and match.end <= end and end - start > match.end - match.start for start, end in spans
    )


def _straddles(start: int, end: int, words: Sequence[tuple[int, int]]) -> bool:
    """True when the span takes part of a word and reaches beyond it (共建 in 一共|建)."""
    for word_start, word_end in words:
        inside = start <= word_start and word_end <= end
        apart = word_end <= start or end <= word_start
        within = word_start <= start and end <= word_end
        if not (inside or apart or within):
            return True
    return False


def _unknown_words(query: Sequence[Unit], unknown: set[int], words: Sequence[tuple[int, int]]) -> set[int]:
    """Unknown positions that make up a whole word of two or more characters (工资, 贷款)."""
    if not unknown:
        return set()
    by_start = {unit.start: position for position, unit in enumerate(query)}
    found: set[int] = set()
    for word_start, word_end in words:
        if word_end - word_start < 2 or word_start not in by_start:
            continue
        first = by_start[word_start]
        span = [p for p in range(first, len(query)) if query[p].start < word_end]
        if span and all(p in unknown for p in span):
            found.update(span)
    return found


class Index:
    """The terms of one language of one FAQ, with their lookup tables."""

    def __init__(self, lang: Lang, tuning: Tuning, segmenter: Segmenter | None) -> None:
        self.lang = lang
        self.tuning = tuning
        self.segmenter = segmenter
        self.terms: list[Term] = []
        self.by_text: dict[tuple[str, ...], int] = {}
        self.exact: dict[tuple[str, ...], list[int]] = defaultdict(list)
        self.sound: dict[tuple[str, ...], list[int]] = defaultdict(list)
        self.slip: dict[tuple[int, int, tuple[str, ...]], list[int]] = defaultdict(list)
        """Terms that may be found one unit off, by (length, 0, first half) and (length, 1, second half)."""
        self.longest = 1
        self.example_owner: list[int] = []
        self.example_sounds: Sequence[str] = ()
        self.examples_of: dict[int, list[int]] = {}
        self.generic_words: tuple[str, ...] = ()
        self.figure_parts: dict[tuple[int, int], tuple[frozenset[str], ...]] = {}
        """Per (entry, figure), the units of each part of its label, to see how well a question names it."""
        self.romanised: set[int] = set()
        """For the English index: the terms that are Chinese ones in pinyin."""
        self.chinese: dict[tuple[str, ...], list[int]] = defaultdict(list)
        """For the English index: the Chinese text of each such term, to the term."""
        self.variants: dict[int, list[int]] = defaultdict(list)
        """Per term, the synonyms standing for it (群众: 老百姓, 乡亲们)."""
        self._held_terms: dict[str, frozenset[int]] = {}
        self._examples_sounds: dict[int, list[list[str]]] = {}
        self._holding: dict[tuple[str, ...], dict[int, tuple[int, ...]]] = {}
        self._prefixes: set[tuple[str, ...]] = set()
        self._text_steps: dict[tuple[str, ...], tuple[tuple[int, ...], bool]] = {}
        """`exact` and `_prefixes` in one table, for `spot`: per key or beginning of one, the terms it is
        and whether a longer one begins with it."""
        self._sound_steps: dict[tuple[str, ...], tuple[tuple[int, ...], bool]] = {}
        """`sound` and its keys' beginnings in one table, as `_text_steps`."""
        self._halves: tuple[dict[tuple[str, ...], tuple[tuple[int, ...], bool]], ...] = ()
        """For the slip table's first halves, then its second halves: the sizes of the slip terms each
        half belongs to, and the proper beginnings of the halves."""
        self.syllables: frozenset[str] = frozenset()
        """For the English index: the pinyin syllables of the FAQ's Chinese, which a question's pinyin words
        are cut into (`bot.core.romanised`)."""
        self.term_sets: dict[tuple[str, int, int], set[int]] = defaultdict(set)
        """The terms standing for a part of an entry: ("list", entry, n) for a list's name and keywords,
        ("list part", entry, n) for the words inside them, ("list mark", entry, n) for those of them
        the entry's title and keywords do not use, ("item", entry, n), ("unexplained", entry, n)."""

    # ------------------------------------------------------------------ build side

    @classmethod
    def build(cls, knowledge: KnowledgeBase, lang: Lang, tuning: Tuning, chinese: Index | None = None) -> Index:
        """Index every entry of `knowledge` in `lang`; an English index also takes the Chinese index's
        terms in pinyin (`chinese`), for English questions that name the article's terms so."""
        with _collector_paused():
            return cls._build(knowledge, lang, tuning, chinese)

    @classmethod
    def _build(cls, knowledge: KnowledgeBase, lang: Lang, tuning: Tuning, chinese: Index | None) -> Index:
        segmenter = _segmenter(frozenset(_vocabulary(knowledge))) if lang == "zh" else None
        index = cls(lang, tuning, segmenter)
        index.generic_words = knowledge.generic(lang)
        examples: list[str] = []
        for position, entry in enumerate(knowledge.entries):
            examples += index._add_entry(position, entry)
        for word in knowledge.generic(lang):
            term = index._term(word)
            if term is not None:
                term.generic = True
        index._weigh(knowledge)
        index._add_synonyms(knowledge.synonyms(lang))
        if chinese is not None:
            index._add_romanised(chinese)
        index._lay_out()
        index.example_sounds = _ExampleSounds(index, examples)
        for number, owner in enumerate(index.example_owner):
            index.examples_of.setdefault(owner, []).append(number)
        return index

    def examples_sounds(self, owner: int) -> list[list[str]]:
        """The sounds of an entry's example questions, each as its list of sounds, in the order of
        `examples_of`; kept once worked out."""
        found = self._examples_sounds.get(owner)
        if found is None:
            found = self._examples_sounds[owner] = [
                self.example_sounds[n].split() for n in self.examples_of.get(owner, ())
            ]
        return found

    def words(self, text: str, *, own: bool = True) -> list[str]:
        """The words of an FAQ text worth a term of their own; with `own=False`, as jieba alone
        cuts them, so that the parts of the FAQ's own terms come out too."""
        if self.segmenter is None:
            return _words_en(text)
        segmenter = self.segmenter if own else _plain_segmenter()
        return [w for w in segmenter.cut(fold(text)) if len(w.strip()) >= 2 and not _is_stop_zh(w.strip())]

    def term_of(self, text: str) -> Term | None:
        """The term written as `text`, if the FAQ has it."""
        key, _ = _keys(text)
        number = self.by_text.get(key)
        return self.terms[number] if number is not None else None

    def _term(self, text: str) -> Term | None:
        return self._keyed(*_keys(text))

    def _keyed(self, key: tuple[str, ...], sound: tuple[str, ...]) -> Term | None:
        if not key:
            return None
        number = self.by_text.get(key)
        if number is None:
            number = self.by_text[key] = len(self.terms)
            self.terms.append(Term(key, sound))
        return self.terms[number]

    def _own(self, text: str, entry: int, kind: str, figure: int | None = None) -> int | None:
        term = self._term(text)
        if term is None:
            return None
        term.owners[entry] = max(term.owners.get(entry, 0.0), self.tuning.weight(kind))
        if figure is not None:
            term.figures[entry].add(figure)
        return self.by_text[term.text]

    def _add_entry(self, position: int, entry: Entry) -> list[str]:
        """Index one entry's texts; returns its example questions."""
        examples = []
        for kind, text in iter_texts(entry, self.lang):
            if kind in ("keyword", "title", "item"):
                self._own(text, position, kind)
                # the words inside a term kept whole (民情 in 察民情) still say something of the entry
                part = {"title": "title-word", "keyword": "question"}.get(kind, "answer")
                for word in self.words(text, own=False):
                    self._own(word, position, part)
            if kind == "question":
                examples.append(text)
                self.example_owner.append(position)
            if kind not in ("keyword", "figure"):
                weight_kind = {"title": "title-word", "item": "answer"}.get(kind, kind)
                for word in self.words(text):
                    self._own(word, position, weight_kind)
            if kind == "answer":  # and the words jieba alone finds (线上 in 线上线下)
                for word in self.words(text, own=False):
                    self._own(word, position, "answer")
        self._add_parts(position, entry)
        self._add_figures(position, entry)
        return examples

    def _add_parts(self, position: int, entry: Entry) -> None:
        """Note which terms name each list, list item and unexplained term of an entry."""
        topic = {
            w
            for text in (entry.title_in(self.lang), *entry.keywords_in(self.lang))
            for w in self.words(text, own=False)
        }
        for number, listed in enumerate(entry.lists):
            for text in (listed.name_in(self.lang), *listed.keywords_in(self.lang)):
                if (term := self._own(text, position, "keyword")) is not None:
                    self.term_sets["list", position, number].add(term)
                for word in self.words(text, own=False):  # 服务网络 and 组成 name 服务网络的组成 too
                    if (term := self._own(word, position, "answer")) is not None:
                        self.term_sets["list part", position, number].add(term)
                        if word not in topic:  # 组成, not 服务网络, which the whole entry is about
                            self.term_sets["list mark", position, number].add(term)
            for item in listed.items_in(self.lang):
                if (term := self._own(item, position, "item")) is not None:
                    self.term_sets["item", position, number].add(term)
        for number, named in enumerate(entry.unexplained):
            for text in (named.name(self.lang), *named.keywords):
                if (term := self._own(text, position, "keyword")) is not None:
                    self.term_sets["unexplained", position, number].add(term)

    def _add_figures(self, position: int, entry: Entry) -> None:
        for number, figure in enumerate(entry.figures):
            label = figure.label(self.lang)
            self.figure_parts[position, number] = label_parts(label, self.lang, self.generic_words)
            self._own(label, position, "figure", number)
            for word in self.words(label):
                self._own(word, position, "figure-word", number)
            if len(figure.value.replace(".", "")) < 2:
                continue  # a bare 2 or 2个 says too little ("what's 2+2", 我有2个问题): the label must match
            self._own(figure.value, position, "value", number)
            if self.lang == "zh":
                self._own(figure.zh, position, "value", number)
                self._own(figure.value + figure.unit, position, "value", number)
            else:
                self._own(figure.en_number.rstrip("+").replace(",", ""), position, "value", number)

    def _weigh(self, knowledge: KnowledgeBase) -> None:
        """Rarity of each term: in how many entries' whole text it stands, not only where indexed.

        Each entry's texts are scanned once for every known term (n-grams up to the longest
        term), so the cost grows with the FAQ's length, not with terms times entries.
        """
        starts = {term.text[:end] for term in self.terms for end in range(1, len(term.text))}
        spread = [0] * len(self.terms)
        for entry in knowledge.entries:
            found: set[int] = set()
            for _, text in iter_texts(entry, self.lang):
                sequence = _keys(text)[0]
                for start in range(len(sequence)):
                    for end in range(start + 1, len(sequence) + 1):
                        piece = sequence[start:end]
                        number = self.by_text.get(piece)
                        if number is not None:
                            found.add(number)
                        if piece not in starts:
                            break  # no longer term begins with these units
            for number in found:
                spread[number] += 1
        count = len(knowledge.entries)
        for number, term in enumerate(self.terms):
            if term.owners:
                frequency = max(spread[number], len(term.owners))
                rarity = math.log(count / frequency) / math.log(count) if count > 1 else 1.0
                term.idf = max(self.tuning.idf_floor, rarity)

    def _add_synonyms(self, synonyms: Mapping[str, str]) -> None:
        """A variant stands for its word wherever the word stands, and counts as much."""
        for variant, word in synonyms.items():
            original = self._term(word)
            term = self._term(variant)
            if original is None or term is None or term is original:
                continue
            _stands_for(term, original)
            term.stands_for.append(original.text)
            self.variants[self.by_text[original.text]].append(self.by_text[term.text])
            for members in self.term_sets.values():
                if self.by_text[original.text] in members:
                    members.add(self.by_text[term.text])

    def _add_romanised(self, chinese: Index) -> None:
        """The Chinese index's terms of two characters or more, in pinyin, standing for the same entries."""
        self.syllables = syllables_of("".join(term.text) for term in chinese.terms)
        # what the Chinese terms name (四大产业, a list's name), which their pinyin names too (si da chanye)
        naming: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
        for named, members in chinese.term_sets.items():
            for member in members:
                naming[member].append(named)
        for number, original in enumerate(chinese.terms):
            written = romanise("".join(original.text)) if len(original.text) >= 2 and original.owners else None
            # the syllables are units already: only the stemmer English units go through is left to apply
            key = tuple(_stemmed(syllable) for syllable in written.split()) if written else ()
            term = self._keyed(key, key)
            if term is None:
                continue
            _stands_for(term, original)
            if original.text not in term.stands_for:
                term.stands_for.append(original.text)  # so that a Chinese label counts as naming it
            self.romanised.add(self.by_text[term.text])
            self.chinese[original.text].append(self.by_text[term.text])
            for named in naming.get(number, ()):
                self.term_sets[named].add(self.by_text[term.text])

    def _lay_out(self) -> None:
        slip_min = self.tuning.slip_min_units
        for number, term in enumerate(self.terms):
            self.exact[term.text].append(number)
            if len(term.sound) >= 2:
                self.sound[term.sound].append(number)
            # a variant (一起共建 for 共同缔造) is how people write the word already: a slip of it is no typo
            # of the article's word, and would make one of another (村企共建)
            variant = bool(term.stands_for)
            if (
                len(term.sound) >= slip_min
                and number not in self.romanised
                and not variant
                and not self._mostly_question_words(term)
            ):
                # one unit off leaves one half whole: look a window up by its halves, then compare
                half = len(term.sound) // 2
                self.slip[len(term.sound), 0, term.sound[:half]].append(number)
                self.slip[len(term.sound), 1, term.sound[half:]].append(number)
        self.longest = max((len(t.text) for t in self.terms), default=1)
        keys = [term.text for term in self.terms] + list(self.chinese)
        self._prefixes = {key[:size] for key in keys for size in range(1, len(key))}
        self._text_steps = _steps(self.exact, self._prefixes)
        self._sound_steps = _steps(self.sound, {key[:size] for key in self.sound for size in range(1, len(key))})
        halves: tuple[dict[tuple[str, ...], list[int]], dict[tuple[str, ...], list[int]]] = ({}, {})
        for size, side, sounds in self.slip:
            halves[side].setdefault(sounds, []).append(size)
        self._halves = tuple(
            _steps(sizes, {key[:end] for key in sizes for end in range(1, len(key))}) for sizes in halves
        )

    def _mostly_question_words(self, term: Term) -> bool:
        """A term such as 讲了什么: one character off, it would match any question (做了什么)."""
        pieces = tuple(Unit(text, sound) for text, sound in zip(term.text, term.sound, strict=True))
        return 2 * len(stop_spans(pieces, self.lang)) >= len(pieces)

    # ------------------------------------------------------------------ query side

    def read(self, question: str, tuning: Tuning, asking: Asking | None = None) -> Reading:
        """What a question says in this index's terms, weighed under `tuning`.

        `asking` finds the words that ask for a detail (多少钱, how long): like question words,
        they say what is asked rather than what about, so unless an entry's own keyword explains
        them (政策 for the entry about studying policy) they carry no weight of their own.
        """
        text = prepare(question, self.lang)
        query = units(text)[: tuning.max_query_units]
        words = self.word_spans(text)
        matches = self._align(self.spot(query), query, words, tuning)
        spans = asking(text, self.lang) if asking is not None else []
        asked = (
            {p for p, u in enumerate(query) if any(start <= u.start and u.end <= end for start, end in spans)}
            if spans
            else set()
        )
        content = self.content(query, matches, asked)
        live = tuple(
            m for m in matches if not self.terms[m.term].generic and not content.isdisjoint(range(m.start, m.end))
        )
        telling: dict[int, float] = {}
        for match in live:
            idf = self.terms[match.term].idf
            for position in range(match.start, match.end):
                if position in content:
                    telling[position] = max(telling.get(position, 0.0), idf)
        unknown = content - telling.keys()
        in_words = _unknown_words(query, unknown, words) if self.lang == "zh" else unknown
        live, in_words = self._partly_known(query, words, live, unknown=unknown, in_words=in_words, tuning=tuning)
        for position in unknown:
            telling[position] = tuning.unknown_word if position in in_words else tuning.unknown_char
        return Reading(
            self.lang,
            text,
            query,
            live,
            frozenset(content),
            telling,
            frozenset(unknown),
            _spans(in_words, words, query),
        )

    def _partly_known(
        self,
        query: Sequence[Unit],
        words: Sequence[tuple[int, int]],
        live: tuple[Match, ...],
        *,
        unknown: set[int],
        in_words: set[int],
        tuning: Tuning,
    ) -> tuple[tuple[Match, ...], set[int]]:
        """A question word the FAQ knows only part of (武汉大学, where it knows 大学) is another thing:
        the matches inside it count as crossing ones, and the rest of it as an unknown word."""
        if not words or not unknown:
            return live, in_words
        by_start = {unit.start: position for position, unit in enumerate(query)}
        discounted: set[tuple[int, int]] = set()
        grown = set(in_words)
        for word_start, word_end in words:
            if word_end - word_start < 2 or word_start not in by_start:
                continue
            first = by_start[word_start]
            span = range(first, first + sum(1 for u in query[first:] if u.start < word_end))
            missing = [p for p in span if p in unknown]
            if not missing or len(missing) == len(span):
                continue
            grown.update(missing)
            discounted.add((span.start, span.stop))
        if not discounted:
            return live, in_words
        changed = tuple(
            Match(m.term, m.start, m.end, m.quality * tuning.crossing)
            if any(start <= m.start and m.end <= stop for start, stop in discounted)
            else m
            for m in live
        )
        return changed, grown

    def terms_in(self, text: str) -> frozenset[int]:
        """The terms standing in an FAQ text (a sentence, a clause, a label), with the synonyms of
        those; in English also the romanised terms that its capitalised pinyin names spell (Huayuan:
        hua yuan). Worked out once per text: the same sentences are read for every question."""
        found = self._held_terms.get(text)
        if found is not None:
            return found
        pieces = tuple(unit.text for unit in _pieces(text))
        spotted = self._spotted(pieces, self.exact)
        if self.lang == "en" and self.chinese:  # a Chinese label (党小组) names what dang xiao zu names
            spotted |= self._spotted(pieces, self.chinese)
        if self.lang == "en":
            for word in re.findall(r"\b[A-Z][a-z]+\b", text):
                cut = split_word(word, self.syllables)
                if cut:  # only the romanised terms: Teng, cut to ten, is no English "ten"
                    syllables = tuple(stem(loosen(syllable)) for syllable in cut)
                    spotted |= self._spotted(syllables, self.exact) & self.romanised
        spotted.update(variant for number in list(spotted) for variant in self.variants.get(number, ()))
        if len(self._held_terms) > 50_000:  # a bound, not a working size: the article's texts are a few hundred
            self._held_terms.clear()
        found = self._held_terms[text] = frozenset(spotted)
        return found

    def holding(self, texts: tuple[str, ...]) -> Mapping[int, tuple[int, ...]]:
        """Per term, which of the texts it stands in (`terms_in`): the texts worth holding a question
        against, among the many clauses of an entry."""
        found = self._holding.get(texts)
        if found is None:
            by_term: dict[int, list[int]] = defaultdict(list)
            for number, text in enumerate(texts):
                for term in self.terms_in(text):
                    by_term[term].append(number)
            if len(self._holding) > 50_000:  # a bound, as for `terms_in`
                self._holding.clear()
            found = self._holding[texts] = {term: tuple(numbers) for term, numbers in by_term.items()}
        return found

    def _spotted(self, sequence: tuple[str, ...], table: Mapping[tuple[str, ...], list[int]]) -> set[int]:
        found: set[int] = set()
        for start in range(len(sequence)):
            for end in range(start + 1, min(len(sequence), start + self.longest) + 1):
                window = sequence[start:end]
                found.update(table.get(window, ()))
                if window not in self._prefixes:
                    break  # no longer term begins so
        return found

    def word_spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the words of a (prepared) Chinese question; none for English."""
        if self.segmenter is None:
            return []
        spans = []
        offset = 0
        for word in self.segmenter.cut(text):
            spans.append((offset, offset + len(word)))
            offset += len(word)
        return spans

    def _one_off(self, window: tuple[str, ...]) -> set[int]:
        """Slip terms whose sounds differ from the window's in at most one place."""
        size, half = len(window), len(window) // 2
        near = {*self.slip.get((size, 0, window[:half]), ()), *self.slip.get((size, 1, window[half:]), ())}
        return {t for t in near if sum(a != b for a, b in zip(self.terms[t].sound, window, strict=True)) <= 1}

    def _slips(self, window: tuple[str, ...], texts: tuple[str, ...]) -> list[int]:
        """The one-off sound-alikes of a window (`_one_off`) that can be typos: a window that opens or
        closes on a function word (是央视对 for 实验试点) is words of the question, not a typo; nor is
        one where the one sound that differs is a function word's (五个问题 is no 五小问题)."""
        if texts[0] in _STOP_CHARS_ZH or texts[-1] in _STOP_CHARS_ZH:
            return []
        return [
            t
            for t in self._one_off(window)
            if not any(
                a != b and text in _STOP_CHARS_ZH for a, b, text in zip(self.terms[t].sound, window, texts, strict=True)
            )
        ]

    def _slip_windows(self, sounds: tuple[str, ...]) -> set[tuple[int, int]]:
        """The windows [start, end) of a question's sounds with a whole half of some slip term's sounds
        in place: the only ones `_one_off` can find a term for. Each half is looked up while it can
        still grow into one (`_halves`), rather than every window at every size."""
        found: set[tuple[int, int]] = set()
        size = len(sounds)
        for side, steps in enumerate(self._halves):
            for start in range(size):
                for end in range(start + 1, size + 1):
                    wholes, longer = steps.get(sounds[start:end], _NOWHERE)
                    for whole in wholes:
                        # the first half begins the window; the second ends it, after the first half
                        first = start if side == 0 else start - whole // 2
                        if first >= 0 and first + whole <= size:
                            found.add((first, first + whole))
                    if not longer:
                        break
        return found

    def spot(self, query: Sequence[Unit]) -> list[Match]:
        """Every occurrence of a known term in the query, best quality per place.

        A sound-alike counts only where it can be a typo: not over a shorter one's place, and not
        where the question's two characters are a real word of their own.
        """
        tuning = self.tuning
        texts = tuple(u.text for u in query)
        sounds = tuple(u.sound for u in query)
        best: dict[tuple[int, int, int], float] = {}
        size = len(query)
        slipping: dict[int, set[int]] = {}  # per start, the ends of the windows one sound off a term
        for first, last in self._slip_windows(sounds):
            slipping.setdefault(first, set()).add(last)
        by_texts, by_sounds = self._text_steps, self._sound_steps
        for start in range(size):
            # a window is widened only while a term may still begin with it, by its characters or its
            # sounds, or while a window one sound off a term (`_slip_windows`) lies ahead
            by_text = by_sound = True
            ends = slipping.get(start, ())
            furthest = max(ends) if ends else 0
            for end in range(start + 1, min(size, start + self.longest) + 1):
                if by_text:
                    terms, by_text = by_texts.get(texts[start:end], _NOWHERE)
                    if terms:
                        _note(best, terms, start, end, tuning.exact)
                if by_sound or end <= furthest:
                    window = sounds[start:end]
                    if by_sound:
                        terms, by_sound = by_sounds.get(window, _NOWHERE)
                        if terms:  # of two units or more
                            _note(best, terms, start, end, tuning.sound)
                    if end in ends:
                        _note(best, self._slips(window, texts[start:end]), start, end, tuning.slip)
                if not (by_text or by_sound or end < furthest):
                    break
        return self._typos_kept(best, texts)

    def _typos_kept(self, best: dict[tuple[int, int, int], float], texts: tuple[str, ...]) -> list[Match]:
        """The terms found, with the sound-alikes that cannot be typos left out (`spot`)."""
        tuning = self.tuning
        real: dict[tuple[int, int], bool] = {}  # many sound-alikes share a place: each place is judged once
        found_all = []
        for (term, start, end), quality in best.items():
            if quality != tuning.exact:
                place = (start, end)
                if place not in real:
                    real[place] = self._real_word(texts[start:end])
                if real[place]:
                    continue
            found_all.append(Match(term, start, end, quality))
        spans = {(m.start, m.end) for m in found_all}
        inside: dict[tuple[int, int], bool] = {}
        kept = []
        for match in found_all:
            if match.quality != tuning.exact:
                place = (match.start, match.end)
                if place not in inside:
                    inside[place] = _inside_longer(match, spans)
                if inside[place]:
                    continue
            kept.append(match)
        return kept

    def _real_word(self, window: tuple[str, ...]) -> bool:
        """Two characters that are a word of their own (成绩) are not a typo for a homophone (层级)."""
        return len(window) == 2 and self.segmenter is not None and self.segmenter.known("".join(window))

    def _align(
        self, matches: list[Match], query: Sequence[Unit], words: Sequence[tuple[int, int]], tuning: Tuning
    ) -> list[Match]:
        """Matches that cut across the words of the question count less; a two-character sound-alike
        that does is no typo at all (是试 in 村是|试点 is not 四事)."""
        if not words:
            return matches
        aligned = []
        for match in matches:
            if _straddles(query[match.start].start, query[match.end - 1].end, words):
                if match.quality < tuning.exact and match.end - match.start == 2:
                    continue
                aligned.append(Match(match.term, match.start, match.end, match.quality * tuning.crossing))
            else:
                aligned.append(match)
        return aligned

    def content(self, query: Sequence[Unit], matches: Iterable[Match], asked: set[int] | None = None) -> set[int]:
        """Positions that carry meaning: explained by a term, or unexplained and not a question word.

        A term found wholly inside the question's own question words explains nothing
        (没有, a word of one answer, inside 有没有), unless the FAQ wrote it for an entry
        (什么时候, a keyword of the entry about the article). In English the function words
        inside a longer term ("the", "of") carry no weight of their own.
        """
        meaningful: set[int] = set()
        generic: set[int] = set()
        stops = stop_spans(query, self.lang)
        asked = asked or set()
        blocked = stops | asked
        for match in matches:
            span = set(range(match.start, match.end))
            term = self.terms[match.term]
            if span <= blocked:
                if term.curated_for < self.tuning.curated:
                    continue
            elif self.lang == "en":
                span -= stops  # "the" in "the ten-minute service pledge" says nothing
            (generic if term.generic else meaningful).update(span)
        return meaningful | (set(range(len(query))) - stops - generic - asked)

    def content_sounds(self, query: Sequence[Unit]) -> str:
        """The sounds of the meaningful part of a question, for fuzzy comparison with the examples."""
        keep = self.content(query, self.spot(query))
        return " ".join(unit.sound for position, unit in enumerate(query) if position in keep)

    def sounds_of(self, reading: Reading) -> str:
        """The sounds of a read question's meaningful part."""
        return " ".join(unit.sound for position, unit in enumerate(reading.units) if position in reading.content)


def _spans(positions: set[int], words: Sequence[tuple[int, int]], query: Sequence[Unit]) -> tuple[tuple[int, int], ...]:
    """Runs of unknown positions that are whole words: by the question's words in Chinese, one unit each in English."""
    if not positions:
        return ()
    if not words:
        return tuple((p, p + 1) for p in sorted(positions))
    found = []
    for word_start, word_end in words:
        span = [p for p, unit in enumerate(query) if word_start <= unit.start and unit.end <= word_end]
        if len(span) >= 2 and all(p in positions for p in span):
            found.append((span[0], span[-1] + 1))
    return tuple(found)


@lru_cache(maxsize=1024)
def _stemmed(syllable: str) -> str:
    return stem(syllable)


@lru_cache(maxsize=2)
def _segmenter(vocabulary: frozenset[str]) -> Segmenter:
    """The segmenter for a vocabulary; a reload with the same words reuses it, and what it has cut."""
    return Segmenter(vocabulary)


@lru_cache(maxsize=1)
def _plain_segmenter() -> Segmenter:
    return Segmenter()


_STOP_CHARS = frozenset("".join(STOP_ZH))


@lru_cache(maxsize=65536)
def _is_stop_zh(word: str) -> bool:
    if any("\u4e00" <= char <= "\u9fff" and char not in _STOP_CHARS for char in word):
        return False  # a character no question word has: not all of it can be question words
    pieces = units(word)
    return len(stop_spans(pieces, "zh")) == len(pieces)


def _vocabulary(knowledge: KnowledgeBase) -> list[str]:
    """The FAQ's own Chinese words, kept whole when cutting its texts and its questions."""
    words: list[str] = []
    for entry in knowledge.entries:
        words += [fold(entry.title), *(fold(k) for k in entry.keywords)]
        for listed in entry.lists:
            words += [fold(listed.name), *(fold(k) for k in listed.keywords)]
        for named in entry.unexplained:
            words += [fold(named.zh), *(fold(k) for k in named.keywords)]
    return words


def _stands_for(term: Term, original: Term) -> None:
    """`term` stands for `original` wherever it stands, and counts as much."""
    for owner, weight in original.owners.items():
        term.owners[owner] = max(term.owners.get(owner, 0.0), weight)
    for owner, numbers in original.figures.items():
        term.figures[owner].update(numbers)
    term.idf = max(term.idf, original.idf)
    term.generic = term.generic or original.generic
