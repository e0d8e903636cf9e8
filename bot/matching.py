"""Finding the FAQ entry a question asks for, and deciding whether to answer.

How a question is scored against an entry:

1. The question is cut into units (see `normalise`). Every term the FAQ knows (keywords,
   titles, figures, and the words of its questions and answers, cut by jieba) is looked
   for among those units three ways: the same characters, the same sounds (a homophone
   typo), or, for terms of four units or more, the same sounds but one (a slip).
   A match that cuts across the question's own words (jieba) counts half.
2. The units that carry meaning are those some term explains plus those nothing
   explains; question words and the FAQ's generic words (孝昌县) are set aside. Each
   weighs by how telling it is: a known unit by the rarity of its term across entries,
   an unknown one by a fixed weight, more for a whole unknown word (工资) than for a
   stray character.
3. An entry's score is the share of that weight its own terms explain, each counted by
   where the entry holds it (a curated keyword more than a word of some answer). A
   rapidfuzz comparison with the entry's example questions, on sounds, catches
   questions phrased like the examples.
4. The decision: answer when the best entry is strong and clearly ahead; ask back when
   a few entries are close; decline when nothing explains the question. The weights
   and cut-offs come from the evaluation (`bot.evaluation.sweep`).
5. A question that asks for a detail (a price, a phone number: the FAQ's `details`)
   that the chosen entry never gives is declined, naming the detail and offering the
   entry: the entry is about the right thing but does not answer the question.

This module imports nothing from `telegram`.
"""

from __future__ import annotations

import heapq
import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import jieba
from rapidfuzz import fuzz, process

from bot.knowledge import Detail, Entry, Figure, KnowledgeBase, iter_texts
from bot.normalise import (
    STOP_EN_STEMS,
    Lang,
    Unit,
    detect_language,
    fold,
    pleasantry,
    prepare,
    query_units,
    stop_spans,
    units,
)

Outcome = Literal["answer", "ask", "none"]

KIND_WEIGHT = {
    "keyword": 1.0,
    "title": 1.0,
    "figure": 1.0,
    "value": 1.0,
    "title-word": 0.8,
    "figure-word": 0.8,
    "question": 0.7,
    "answer": 0.45,
}
"""How much a term says about its entry, by where the entry holds it."""

EXACT, SOUND, SLIP = 1.0, 0.9, 0.7
"""How much a match counts: the same characters, a homophone, one unit off."""

SIMILAR = 80
"""rapidfuzz ratio from which a question counts as phrased like one of an entry's examples."""

CROSSING = 0.5
"""A Chinese match that cuts across the question's words (共建 in 一共|建) counts half."""

FIGURE_TIE = 0.15
"""Figures whose share of label matched is within this of the best are asked for together."""

SLIP_MIN_UNITS = 4
RANKED = 10
"""How many candidates a ranking keeps: the decision looks at three, /ask lists five."""
MAX_QUERY_UNITS = 120
"""Longer messages are cut: nobody asks an FAQ question in more words than this."""

_QUANTITY = re.compile(r"多少|几|数量|数目|规模|面积|how many|how much|number of|\bcount\b")


@dataclass(frozen=True)
class Thresholds:
    """The scoring weights and the decision's cut-offs (0-100); all chosen on the tuning questions.

    `unknown_word`: how much a word of the question that no term explains weighs against
    every entry (工资 in a question about pay: a topic the article never mentions);
    `unknown_char`: the same for a stray character outside any such word (种, 地).
    `min_evidence`: how much telling content a question needs to score in full, so that
    one word found everywhere (党员) cannot pick an entry on its own.
    """

    answer: float = 35.0
    margin: float = 5.0
    ask: float = 35.0
    spread: float = 25.0
    unknown_word: float = 1.5
    unknown_char: float = 0.5
    min_evidence: float = 2.0


@dataclass(frozen=True)
class Candidate:
    """An entry with its score for one question."""

    entry: Entry
    score: float


@dataclass(frozen=True)
class Decision:
    """What to do with a question: answer it, ask back, or say the article does not tell."""

    question: str
    lang: Lang
    outcome: Outcome
    candidates: tuple[Candidate, ...]
    figures: tuple[Figure, ...] = ()
    """The figures the question asks for, to lead the reply with."""
    missing: Detail | None = None
    """For "none": the detail the question asks for that its best entry does not give."""

    @property
    def best(self) -> Candidate | None:
        """The top candidate, if any entry scored at all."""
        return self.candidates[0] if self.candidates else None


@dataclass
class _Term:
    text: tuple[str, ...]
    sound: tuple[str, ...]
    generic: bool = False
    idf: float = 0.0

    def __post_init__(self) -> None:
        self.owners: dict[int, float] = {}
        self.figures: dict[int, set[int]] = defaultdict(set)


@dataclass(frozen=True)
class _Match:
    term: int
    start: int
    end: int
    quality: float


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)  # its start-up notes are not the bot's to print
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


@lru_cache(maxsize=65536)
def _pieces(text: str) -> tuple[Unit, ...]:
    """The units of an FAQ text; the same words recur across entries and reloads."""
    return units(fold(text))


@lru_cache(maxsize=65536)
def _is_stop_zh(word: str) -> bool:
    pieces = units(word)
    return len(stop_spans(pieces, "zh")) == len(pieces)


def _learn_words(vocabulary: Iterable[str]) -> None:
    """Teach jieba the FAQ's own terms so that it keeps them whole (the tokenizer is shared)."""
    tokenizer = _tokenizer()
    for word in vocabulary:
        tokenizer.add_word(word)


def _words_zh(text: str) -> list[str]:
    return [w for w in _tokenizer().lcut(fold(text)) if len(w.strip()) >= 2 and not _is_stop_zh(w.strip())]


def _words_en(text: str) -> list[str]:
    """English words worth a term: three letters or more, or a number of two digits or more (not a bare 2)."""
    pieces = _pieces(text)
    return [u.text for u in pieces if u.text not in STOP_EN_STEMS and len(u.text) >= (2 if u.text.isdigit() else 3)]


class _Index:
    """The terms of one language, with their lookup tables."""

    def __init__(self, knowledge: KnowledgeBase, lang: Lang) -> None:
        self.lang = lang
        self.terms: list[_Term] = []
        self._by_text: dict[tuple[str, ...], int] = {}
        self.exact: dict[tuple[str, ...], list[int]] = defaultdict(list)
        self.sound: dict[tuple[str, ...], list[int]] = defaultdict(list)
        self.slip: dict[tuple[int, int, tuple[str, ...]], list[int]] = defaultdict(list)
        """Terms that may be found one unit off, by (length, 0, first half) and (length, 1, second half)."""
        self.question_owner: list[int] = []
        self._question_texts: list[str] = []
        self.figure_size: dict[tuple[int, int], int] = {}
        if lang == "zh":
            _learn_words([kw for e in knowledge.entries for kw in e.keywords] + [e.title for e in knowledge.entries])
        for position, entry in enumerate(knowledge.entries):
            self._add_entry(position, entry)
        for word in knowledge.generic_zh if lang == "zh" else knowledge.generic_en:
            term = self._term(word)
            if term is not None:
                term.generic = True
        self._weigh(knowledge)
        self._add_synonyms(knowledge.synonyms_zh if lang == "zh" else knowledge.synonyms_en)
        for number, term in enumerate(self.terms):
            self.exact[term.text].append(number)
            if len(term.sound) >= 2:
                self.sound[term.sound].append(number)
            if len(term.sound) >= SLIP_MIN_UNITS and not self._mostly_question_words(term):
                # one unit off leaves one half whole: look a window up by its halves, then compare
                half = len(term.sound) // 2
                self.slip[len(term.sound), 0, term.sound[:half]].append(number)
                self.slip[len(term.sound), 1, term.sound[half:]].append(number)
        self.longest = max((len(t.text) for t in self.terms), default=1)
        self.questions = [self.content_sounds(query_units(q, lang)) for q in self._question_texts]

    def _mostly_question_words(self, term: _Term) -> bool:
        """A term such as 讲了什么: one character off, it would match any question (做了什么)."""
        pieces = tuple(Unit(text, sound) for text, sound in zip(term.text, term.sound, strict=True))
        return 2 * len(stop_spans(pieces, self.lang)) >= len(pieces)

    def content(self, query: Sequence[Unit], matches: Sequence[_Match]) -> set[int]:
        """Positions that carry meaning: explained by a term, or unexplained and not a question word.

        A term found wholly inside the question's own question words explains nothing
        (没有, a word of one answer, inside 有没有), unless the FAQ lists it as a keyword,
        title or figure (什么时候, a keyword of the entry about the article).
        """
        meaningful: set[int] = set()
        generic: set[int] = set()
        stops = stop_spans(query, self.lang)
        for match in matches:
            span = range(match.start, match.end)
            term = self.terms[match.term]
            if all(position in stops for position in span) and max(term.owners.values(), default=1.0) < 1.0:
                continue
            (generic if term.generic else meaningful).update(span)
        return meaningful | (set(range(len(query))) - stops - generic)

    def content_sounds(self, query: Sequence[Unit]) -> str:
        """The sounds of the meaningful part of a question, for fuzzy comparison."""
        return _sounds(query, self.content(query, self.spot(query)))

    def _weigh(self, knowledge: KnowledgeBase) -> None:
        """Rarity of each term: in how many entries' whole text it stands, not only where indexed.

        Each entry's texts are scanned once for every known term (n-grams up to the longest
        term), so the cost grows with the FAQ's length, not with terms times entries.
        """
        lengths = sorted({len(term.text) for term in self.terms})
        spread = [0] * len(self.terms)
        for entry in knowledge.entries:
            found: set[int] = set()
            for _, text in iter_texts(entry, self.lang):
                sequence = tuple(unit.text for unit in _pieces(text))
                for start in range(len(sequence)):
                    for length in lengths:
                        if start + length > len(sequence):
                            break
                        number = self._by_text.get(sequence[start : start + length])
                        if number is not None:
                            found.add(number)
            for number in found:
                spread[number] += 1
        count = len(knowledge.entries)
        for number, term in enumerate(self.terms):
            if term.owners:
                frequency = max(spread[number], len(term.owners))
                term.idf = max(0.05, math.log(count / frequency) / math.log(count)) if count > 1 else 1.0

    def _add_synonyms(self, synonyms: Mapping[str, str]) -> None:
        """A variant stands for its word wherever the word stands, and counts as much."""
        for variant, word in synonyms.items():
            original = self._term(word)
            term = self._term(variant)
            if original is None or term is None or term is original:
                continue
            for owner, weight in original.owners.items():
                term.owners[owner] = max(term.owners.get(owner, 0.0), weight)
            for owner, numbers in original.figures.items():
                term.figures[owner].update(numbers)
            term.idf = max(term.idf, original.idf)
            term.generic = term.generic or original.generic

    def _term(self, text: str) -> _Term | None:
        pieces = _pieces(text)
        if not pieces:
            return None
        key = tuple(u.text for u in pieces)
        if key not in self._by_text:
            self._by_text[key] = len(self.terms)
            self.terms.append(_Term(key, tuple(u.sound for u in pieces)))
        return self.terms[self._by_text[key]]

    def _own(self, text: str, entry: int, kind: str, figure: int | None = None) -> None:
        term = self._term(text)
        if term is None:
            return
        term.owners[entry] = max(term.owners.get(entry, 0.0), KIND_WEIGHT[kind])
        if figure is not None:
            term.figures[entry].add(figure)

    def _words(self, text: str) -> list[str]:
        return _words_zh(text) if self.lang == "zh" else _words_en(text)

    def _add_entry(self, position: int, entry: Entry) -> None:
        texts = iter_texts(entry, self.lang)
        for kind, text in texts:
            if kind in ("keyword", "title"):
                self._own(text, position, kind)
            if kind == "question":
                self._question_texts.append(text)
                self.question_owner.append(position)
            if kind not in ("keyword", "figure"):
                weight_kind = "title-word" if kind == "title" else kind
                for word in self._words(text):
                    self._own(word, position, weight_kind)
        for number, figure in enumerate(entry.figures):
            label = figure.what if self.lang == "zh" else figure.en
            self.figure_size[position, number] = max(1, len(_pieces(label)))
            self._own(label, position, "figure", number)
            for word in self._words(label):
                self._own(word, position, "figure-word", number)
            if len(figure.value.replace(".", "")) < 2:
                continue  # a bare 2 or 2个 says too little ("what's 2+2", 我有2个问题): the label must match
            self._own(figure.value, position, "value", number)
            if self.lang == "zh":
                self._own(figure.zh, position, "value", number)
                self._own(figure.value + figure.unit, position, "value", number)
            else:
                self._own(figure.en_number.rstrip("+").replace(",", ""), position, "value", number)

    def _one_off(self, window: tuple[str, ...]) -> set[int]:
        """Slip terms whose sounds differ from the window's in at most one place."""
        size, half = len(window), len(window) // 2
        near = {*self.slip.get((size, 0, window[:half]), ()), *self.slip.get((size, 1, window[half:]), ())}
        return {t for t in near if sum(a != b for a, b in zip(self.terms[t].sound, window, strict=True)) <= 1}

    def spot(self, query: Sequence[Unit]) -> list[_Match]:
        """Every occurrence of a known term in the query, best quality per place."""
        texts = tuple(u.text for u in query)
        sounds = tuple(u.sound for u in query)
        best: dict[tuple[int, int, int], float] = {}
        size = len(query)
        for start in range(size):
            for end in range(start + 1, min(size, start + self.longest) + 1):
                found = [(t, EXACT) for t in self.exact.get(texts[start:end], ())]
                window = sounds[start:end]
                if end - start >= 2:
                    found += [(t, SOUND) for t in self.sound.get(window, ())]
                if end - start >= SLIP_MIN_UNITS:
                    found += [(t, SLIP) for t in self._one_off(window)]
                for term, quality in found:
                    key = (term, start, end)
                    if quality > best.get(key, 0.0):
                        best[key] = quality
        found_all = [_Match(t, s, e, q) for (t, s, e), q in best.items()]
        spans = {(m.start, m.end) for m in found_all}
        return [m for m in found_all if m.quality == EXACT or not _inside_longer(m, spans)]


def _word_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the words jieba finds in the question."""
    spans = []
    offset = 0
    for word in _tokenizer().lcut(text):
        spans.append((offset, offset + len(word)))
        offset += len(word)
    return spans


def _unknown_words(query: Sequence[Unit], unknown: set[int], words: list[tuple[int, int]]) -> set[int]:
    """Unknown positions that make up a whole word of two or more characters (工资, 贷款)."""
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


def _straddles(start: int, end: int, words: list[tuple[int, int]]) -> bool:
    """True when the span takes part of a word and reaches beyond it (共建 in 一共|建)."""
    for word_start, word_end in words:
        inside = start <= word_start and word_end <= end
        apart = word_end <= start or end <= word_start
        within = word_start <= start and end <= word_end
        if not (inside or apart or within):
            return True
    return False


def _align(matches: list[_Match], query: Sequence[Unit], words: list[tuple[int, int]]) -> list[_Match]:
    """Matches that cut across the words of the question count less."""
    aligned = []
    for match in matches:
        if _straddles(query[match.start].start, query[match.end - 1].end, words):
            aligned.append(_Match(match.term, match.start, match.end, match.quality * CROSSING))
        else:
            aligned.append(match)
    return aligned


def _explain(index: _Index, live: Sequence[_Match], covering: Mapping[int, list[int]], into: dict[int, float]) -> None:
    """Add to each entry the weight of the question positions its terms explain, the best term per position.

    Positions under the same matches weigh the same for every entry, so each such group
    is counted once, times its size: a word that thousands of entries hold costs one pass.
    """
    for numbers, width in Counter(tuple(numbers) for numbers in covering.values()).items():
        if len(numbers) == 1:  # the usual case: one term over these positions, no maximum to take
            match = live[numbers[0]]
            term = index.terms[match.term]
            factor = match.quality * term.idf
            for owner, weight in term.owners.items():
                into[owner] = into.get(owner, 0.0) + factor * weight * width
            continue
        best: dict[int, float] = {}
        for number in numbers:
            match = live[number]
            term = index.terms[match.term]
            factor = match.quality * term.idf
            for owner, weight in term.owners.items():
                held = factor * weight
                if held > best.get(owner, 0.0):
                    best[owner] = held
        for owner, held in best.items():
            into[owner] = into.get(owner, 0.0) + held * width


def _sounds(query: Sequence[Unit], keep: set[int]) -> str:
    """The sounds of the kept units of a question, space-separated, as the examples are stored."""
    return " ".join(unit.sound for position, unit in enumerate(query) if position in keep)


def _inside_longer(match: _Match, spans: set[tuple[int, int]]) -> bool:
    """A sound-alike is no evidence where a longer term already claims those units.

    `spans` are the places of all matches: many terms share one place, so this is short.
    """
    return any(
        start <= match.start and match.end <= end and end - start > match.end - match.start for start, end in spans
    )


class Matcher:
    """Scores questions against one knowledge base and decides what to do with them."""

    def __init__(self, knowledge: KnowledgeBase, thresholds: Thresholds | None = None) -> None:
        self.knowledge = knowledge
        self.thresholds = thresholds or Thresholds()
        self._indices = {"zh": _Index(knowledge, "zh"), "en": _Index(knowledge, "en")}
        self._details = {lang: _DetailCheck(knowledge, lang) for lang in ("zh", "en")}

    def rank(
        self, question: str, lang: Lang | None = None, *, examples: bool = True
    ) -> tuple[Lang, list[Candidate], dict[int, float]]:
        """All entries that explain part of the question, best first, and the top one's figures hit.

        `examples=False` leaves out the comparison with the entries' example questions, so
        that an example can be judged on its words alone (the FAQ's self-check).
        """
        lang = lang or detect_language(question)
        index = self._indices[lang]
        text = prepare(question, lang)
        query = units(text)[:MAX_QUERY_UNITS]
        words = _word_spans(text) if lang == "zh" else []
        matches = _align(index.spot(query), query, words) if words else index.spot(query)
        content = index.content(query, matches)
        if not content:
            return lang, [], {}
        live = [match for match in matches if not index.terms[match.term].generic]
        telling: dict[int, float] = {}
        covering: dict[int, list[int]] = defaultdict(list)
        explained: dict[int, float] = {}
        figure_hits: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        for number, match in enumerate(live):
            term = index.terms[match.term]
            span = [p for p in range(match.start, match.end) if p in content]
            for position in span:
                telling[position] = max(telling.get(position, 0.0), term.idf)
                covering[position].append(number)
            for owner, figures in term.figures.items():
                for figure in figures:
                    figure_hits[owner][figure] += (match.end - match.start) / index.figure_size[owner, figure]
        _explain(index, live, covering, explained)
        unknown = content - telling.keys()
        in_words = _unknown_words(query, unknown, words) if words else unknown
        for position in unknown:
            telling[position] = self.thresholds.unknown_word if position in in_words else self.thresholds.unknown_char
        total = max(sum(telling.values()), self.thresholds.min_evidence)
        similar = self._similarity(index, _sounds(query, content)) if examples else {}
        scores = {
            owner: round(max(100 * held / total, similar.get(owner, 0.0)), 1) for owner, held in explained.items()
        }
        order = heapq.nsmallest(RANKED, scores, key=lambda owner: (-scores[owner], owner))
        ranked = [Candidate(self.knowledge.entries[owner], scores[owner]) for owner in order]
        return lang, ranked, dict(figure_hits.get(order[0], {})) if order else {}

    def _similarity(self, index: _Index, sounds: str) -> dict[int, float]:
        """Per entry, the best rapidfuzz ratio between the question and an example, on sounds."""
        if not sounds:
            return {}
        cutoff = SIMILAR if sounds.count(" ") >= 3 else 95
        found: dict[int, float] = {}
        for _, score, number in process.extract(
            sounds, index.questions, scorer=fuzz.ratio, limit=5, score_cutoff=cutoff
        ):
            owner = index.question_owner[number]
            found[owner] = max(found.get(owner, 0.0), float(score))
        return found

    def decide(self, question: str, lang: Lang | None = None, *, examples: bool = True) -> Decision:
        """Answer, ask back or decline, with the candidates that led there."""
        lang = lang or detect_language(question)
        if pleasantry(question):
            return Decision(question, lang, "none", ())
        lang, ranked, figure_hits = self.rank(question, lang, examples=examples)
        return self.withhold(choose(question, lang, ranked, figure_hits, self.thresholds))

    def withhold(self, decision: Decision) -> Decision:
        """An honest no, offering the entry, when the question asks for a detail the entry does not give.

        (太子米多少钱一斤: the article tells how much 太子米 is grown, not what it costs.)
        With several entries offered, only when none of them gives it.
        """
        if decision.outcome == "none" or not decision.candidates:
            return decision
        check = self._details[decision.lang]
        offered = decision.candidates[:1] if decision.outcome == "answer" else decision.candidates
        for detail in check.asked(decision.question):
            if not any(check.gives(candidate.entry, detail) for candidate in offered):
                return Decision(decision.question, decision.lang, "none", decision.candidates, missing=detail)
        return decision


class _DetailCheck:
    """Which details a question asks for, and which entries give them, in one language."""

    def __init__(self, knowledge: KnowledgeBase, lang: Lang) -> None:
        self.lang = lang
        self._asks: list[tuple[Detail, re.Pattern[str]]] = []
        self._tells: dict[str, re.Pattern[str]] = {}
        for detail in knowledge.details:
            ask, told = (detail.ask_zh, detail.told_zh) if lang == "zh" else (detail.ask_en, detail.told_en)
            self._asks.append((detail, self._pattern(ask)))
            self._tells[detail.id] = self._pattern(told)
        self._texts = {entry.id: fold(" ".join(self._shown(entry))) for entry in knowledge.entries}

    def _pattern(self, words: Sequence[str]) -> re.Pattern[str]:
        """Any of the words; English ones only as whole words (pay, not payment)."""
        folded = sorted({fold(word) for word in words} - {""}, key=len, reverse=True)
        if not folded:
            return re.compile(r"(?!)")  # no words: matches nothing (the loader refuses empty lists)
        alternatives = "|".join(re.escape(word) for word in folded)
        return re.compile(f"(?:{alternatives})" if self.lang == "zh" else rf"\b(?:{alternatives})\b")

    def _shown(self, entry: Entry) -> list[str]:
        """What a reply with the entry shows: its title, answer and figures (not its example questions)."""
        if self.lang == "zh":
            return [entry.title, entry.answer, *(f"{f.what} {f.zh}" for f in entry.figures)]
        return [entry.en.title, entry.en.answer, *(f"{f.en_number} {f.en}" for f in entry.figures)]

    def asked(self, question: str) -> list[Detail]:
        """The details the question asks for."""
        folded = fold(question)
        return [detail for detail, pattern in self._asks if pattern.search(folded)]

    def gives(self, entry: Entry, detail: Detail) -> bool:
        """Whether the entry's reply speaks of the detail."""
        return bool(self._tells[detail.id].search(self._texts[entry.id]))


def choose(
    question: str, lang: Lang, ranked: list[Candidate], figure_hits: dict[int, float], limits: Thresholds
) -> Decision:
    """The decision for ranked candidates under the given cut-offs."""
    if not ranked or ranked[0].score < limits.ask:
        return Decision(question, lang, "none", tuple(ranked[:3]))
    best = ranked[0]
    close = [c for c in ranked if c.score >= limits.ask and c.score >= best.score - limits.spread][:3]
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    if best.score >= limits.answer and best.score - runner_up >= limits.margin:
        figures = _asked_figures(best.entry, question, figure_hits)
        return Decision(question, lang, "answer", tuple(ranked[:3]), figures)
    return Decision(question, lang, "ask", tuple(close))


def _asked_figures(entry: Entry, question: str, hits: dict[int, float]) -> tuple[Figure, ...]:
    """The figures a question asks for: it names the number, or asks how many of something.

    Figures whose labels the question matches about equally well (星创天地: national and
    provincial) are all given, rather than one picked at random.
    """
    if not hits:
        return ()
    folded = fold(question)
    top = max(hits.values())
    asked = [entry.figures[n] for n, hit in sorted(hits.items()) if hit >= top - FIGURE_TIE]
    if any(f.value in folded for f in asked) or _QUANTITY.search(folded):
        return tuple(asked)
    return ()
