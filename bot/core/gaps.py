"""What the article leaves out: terms it names without explaining, and details it never gives.

Two kinds of question find the right entry but could not be answered honestly by it:
- one about a term the entry only names (五问, "three talks and one meeting"): the entry
  lists it under `unexplained`, and a question made mostly of that term asks what it is;
- one asking for a detail (a price, a phone number: the FAQ's `details`) that the entry's
  text never speaks of.
Either way the reply says so, quoting the sentence that mentions the thing, and offers
the entry. Imports nothing from `telegram`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.asking import Asking, ask_spans
from bot.core.decision import Decision, Gap, Ranking
from bot.core.focus import Focus, sentences
from bot.core.index import Index, Reading
from bot.core.normalise import fold
from bot.core.tuning import Tuning
from bot.faq.knowledge import Detail, Entry, KnowledgeBase, Unexplained, plain
from bot.language import LANGS, Lang


class Gaps:
    """Finds what a question asks that its entry leaves out, in both languages."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self._asks: dict[Lang, list[tuple[Detail, re.Pattern[str]]]] = {lang: [] for lang in LANGS}
        self._tells: dict[tuple[Lang, str], re.Pattern[str]] = {}
        self._texts: dict[tuple[Lang, str], str] = {}
        for lang in LANGS:
            for detail in knowledge.details:
                ask, told = (detail.ask_zh, detail.told_zh) if lang == "zh" else (detail.ask_en, detail.told_en)
                self._asks[lang].append((detail, _pattern(ask, lang)))
                self._tells[lang, detail.id] = _pattern(told, lang)
            for entry in knowledge.entries:
                self._texts[lang, entry.id] = fold(f"{entry.title_in(lang)} {entry.short(lang)} {entry.text(lang)}")
        self._position = {entry.id: n for n, entry in enumerate(knowledge.entries)}
        # one search tells most questions they ask for no detail at all, before each detail is tried
        self._any = {
            lang: re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in asks) or r"(?!)")
            for lang, asks in self._asks.items()
        }

    def asked(self, question: str, lang: Lang) -> list[Detail]:
        """The details the question asks for."""
        folded = fold(question)
        if not self._any[lang].search(folded):
            return []
        return [detail for detail, pattern in self._asks[lang] if pattern.search(folded)]

    def asking(self, text: str, lang: Lang) -> list[tuple[int, int]]:
        """Where in a (folded) question it asks for a detail: those words say what is asked, not about what."""
        if not self._any[lang].search(text):
            return []
        return [match.span() for _, pattern in self._asks[lang] for match in pattern.finditer(text)]

    def gives(self, entry: Entry, detail: Detail, lang: Lang) -> bool:
        """Whether the entry's text speaks of the detail."""
        return bool(self._tells[lang, detail.id].search(self._texts[lang, entry.id]))

    def detail(self, choice: Decision, ranking: Ranking, focus: Focus) -> Gap | None:
        """A detail the question asks for (a price, a phone number) that no entry offered gives: the
        one answered with, or all those offered in a question back. Nothing is missing when the
        question asks for a list the entry gives. Read in the question part, not in its lead-in."""
        if focus.lists or not choice.candidates:
            return None
        lang = ranking.lang
        best = choice.candidates[0].entry
        offered = choice.candidates[:1] if choice.kind == "answer" else choice.candidates
        question = ranking.asking.core if ranking.asking is not None else choice.question
        for detail in self.asked(_asking_clauses(question, ranking.asking), lang):
            if not any(self.gives(c.entry, detail, lang) for c in offered):
                return Gap(best, _mentioning(best, focus, lang), detail=detail)
        return None

    def find(self, choice: Decision, ranking: Ranking, focus: Focus, index: Index, tuning: Tuning) -> Gap | None:
        """What the question asks of the best candidate's entry that it does not tell, when the facts
        found no value of the kind asked (`bot.core.answers`).

        Nothing is missing when the question asks for a list the entry gives. A word the FAQ never
        uses, asked of something the article names (冯山社区的人口), is missing unless an entry
        offered uses it. A term is unexplained when the question is mostly about it and asks for
        no figure the entry does give.
        """
        if focus.lists or not choice.candidates:
            return None
        lang = ranking.lang
        best = choice.candidates[0].entry
        offered = choice.candidates[:1] if choice.kind == "answer" else choice.candidates
        asking = ranking.asking
        attribute = asked_attribute(ranking.reading, ask_spans(asking, ranking.reading.text) if asking else ())
        if attribute and not any(plain(attribute) in self._texts[lang, c.entry.id] for c in offered):
            return Gap(best, _mentioning(best, focus, lang), attribute=attribute)
        reading = ranking.reading
        if focus.figures or reading.total <= 0:
            return None
        position = self._position[best.id]
        for number, named in enumerate(best.unexplained):
            share = reading.covered(index.term_sets["unexplained", position, number]) / reading.total
            if share >= tuning.unexplained_share:
                return Gap(best, _naming(best, named, lang), term=named)
        return None


_BEFORE_ATTRIBUTE = {
    "zh": re.compile(r"(?:的|多少|几[个名家所位户座条项种]?)$"),
    "en": re.compile(r"\b(?:how many|how much|the)$"),
}
_CLAUSE = re.compile(r"[^，,；;。？?！!]+")
KIND_OF = {"zh": re.compile(r"^(?:之一|中的一|里的一)"), "en": re.compile(r"(?!)")}
"""What follows a word that names the kind a thing is among (学校之一, one of the schools)."""
_AFTER_ATTRIBUTE = {"zh": re.compile(r"^(?:是多少|有多少|多少|是几)"), "en": re.compile(r"^of\b")}


def asked_attribute(reading: Reading, asks: Sequence[tuple[int, int]] = ()) -> str:
    """The word a question asks about something by, when the FAQ never uses it: a word right after
    的 or 多少 (冯山社区的人口, 有多少人口), right before 多少 (产量多少), or "how many X", "the X of";
    empty when there is none. Such a word is what is asked, and the article does not give it.

    `asks` are where the question's asking words stand in the reading's text: a word in a clause
    without any is said, not asked (省里的牌子 in 丰山镇拿了个省里的牌子，是什么示范)."""
    lang = reading.lang
    clauses = [(m.start(), m.end()) for m in _CLAUSE.finditer(reading.text)]
    asking = [c for c in clauses if any(c[0] <= start < c[1] for start, _ in asks)]
    for start, end in reading.unknown_words:
        at = reading.units[start].start
        if asking and not any(c[0] <= at < c[1] for c in asking):
            continue
        word = reading.text[reading.units[start].start : reading.units[end - 1].end]
        before = reading.text[: reading.units[start].start].rstrip()
        after = reading.text[reading.units[end - 1].end :].lstrip()
        if len(word) < 2 or (lang == "en" and len(word) < 4) or KIND_OF[lang].match(after):
            continue  # ……的学校之一: the kind of thing named, not something asked of it
        if _BEFORE_ATTRIBUTE[lang].search(before) or _AFTER_ATTRIBUTE[lang].search(after):
            return word
    return ""


def _asking_clauses(question: str, asking: Asking | None) -> str:
    """The clauses of a question that hold a question word, when it has any: a detail named in another
    is said, not asked (村民打个电话喊一声，多久有人上门: the phone is how they call, not what is asked)."""
    asks = ask_spans(asking, question) if asking is not None else []
    if not asks:
        return question
    clauses = [m for m in _CLAUSE.finditer(question) if any(m.start() <= start < m.end() for start, _ in asks)]
    return "，".join(m.group() for m in clauses) or question


def _pattern(words: Sequence[str], lang: Lang) -> re.Pattern[str]:
    """Any of the words; English ones only as whole words (pay, not payment)."""
    folded = sorted({fold(word) for word in words} - {""}, key=len, reverse=True)
    if not folded:
        return re.compile(r"(?!)")  # no words: matches nothing (the loader refuses empty lists)
    alternatives = "|".join(re.escape(word) for word in folded)
    return re.compile(f"(?:{alternatives})" if lang == "zh" else rf"\b(?:{alternatives})\b")


def _naming(entry: Entry, named: Unexplained, lang: Lang) -> str:
    """The sentence of the entry's full text that names the term (the loader made sure one does)."""
    wanted = plain(named.name(lang))
    found = [s for s in sentences(entry.text(lang), lang) if wanted in plain(s)]
    return found[0] if found else entry.short(lang)


def _mentioning(entry: Entry, focus: Focus, lang: Lang) -> str:
    """The sentence that speaks of what the question is about: the one it matched best, else the summary."""
    return focus.sentences[0] if focus.sentences else entry.short(lang)
