"""The current FAQ and its matcher, as one value that is swapped whole on reload.

A question is always answered from a single, fully built `Brain`: a reload builds the
new one aside and replaces the reference in one assignment.

Building and self-checking the article's FAQ takes a few tenths of a second, so a `Cache` keeps
the outcome by the digest of the FAQ's bytes and of the code: an unchanged FAQ is read back
whole, not built and checked again, at every start. A reload, which has the FAQ being served at
hand, checks only the entries that differ from it (and the article's examples); the
reloader then finishes the whole check in the background (`checked_only` says what a brain's
check covered). Imports nothing from `telegram`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import Path

from bot.core.cache import Cache
from bot.core.decision import Decision
from bot.core.followup import Previous, follow
from bot.core.matching import MAX_QUESTION_CHARS, Matcher
from bot.core.normalise import fold
from bot.core.reply import Reply, answer_reply, decision_reply, full_reply
from bot.faq.knowledge import Entry, KnowledgeBase, KnowledgeError, Problem, parse_knowledge, read_faq
from bot.language import LANGS, Lang
from bot.texts import Phrase, phrase

__all__ = ["MAX_QUESTION_CHARS", "Brain"]

TERM_PROBE = {"zh": "{term}是什么", "en": "What is {term}?"}
LIST_PROBE = {"zh": "{name}有哪些", "en": "What are {name}?"}
"""How the self-check asks about each unexplained term and each list of an entry."""


@dataclass(frozen=True)
class Brain:
    """One validated FAQ with its matcher."""

    knowledge: KnowledgeBase
    matcher: Matcher
    checked_only: frozenset[str] | None = None
    """The entries the self-check covered, when it did not cover them all (a reload's)."""

    @classmethod
    def load(cls, path: str | Path, *, cache: Cache | None = None) -> Brain:
        """Load, validate, index and self-check an FAQ file; raises `KnowledgeError` when it is bad."""
        return cls.parse(read_faq(path), str(path), cache=cache)

    @classmethod
    def parse(cls, raw: bytes, path: str, *, cache: Cache | None = None, served: Brain | None = None) -> Brain:
        """The same, for the bytes of a file already read from `path`.

        With `cache`, an FAQ this code has built and wholly checked before is read back from it (or
        refused again with the same problems). With `served`, the brain in use, only the entries
        that differ from its FAQ are checked, with the article's examples: all of them when
        anything outside the entries changed.
        """
        key = cache.key(raw, path) if cache is not None else ""
        known = cache.get(key, Checked) if cache is not None else None
        if known is not None and (known.brain is None or known.brain.checked_only is None or served is not None):
            return known.result()
        if known is not None and known.brain is not None:  # built before, not yet wholly checked
            brain = replace(known.brain, checked_only=None)
            problems = brain.self_check()
        else:
            knowledge = parse_knowledge(raw, path)
            only = _changed(served.knowledge, knowledge) if served is not None else None
            brain = cls(knowledge, Matcher(knowledge), only)
            problems = brain.self_check(only)
        outcome = Checked(None if problems else brain, tuple(problems))
        if cache is not None:
            cache.put(key, outcome)
        return outcome.result()

    def self_check(self, only: Collection[str] | None = None) -> list[str]:
        """Each entry must answer its own example questions, give its lists when asked for them and
        say it does not explain its unexplained terms, and its figures and lists must agree with the
        facts read from its texts; the article's examples must be answered, and the questions filed as
        ones the article does not answer must be declined. One `Problem` per failure. With `only`, just
        those entries are checked (and the article's and declined examples)."""
        path = self.knowledge.path
        problems: list[str] = []
        for entry in self.knowledge.entries:
            if only is not None and entry.id not in only:
                continue
            for lang in LANGS:
                problems += [Problem(path, entry.source_line, problem) for problem in self._check_entry(entry, lang)]
        article = self.knowledge.article
        for lang in LANGS:
            for question in article.examples(lang):
                if self.matcher.decide(question, lang).kind != "answer":
                    problems.append(Problem(path, 1, phrase("check_article_example", question=question)))
            for question, line in self.knowledge.declined_in(lang):
                decision = self.matcher.decide(question, lang)
                if decision.kind not in ("decline", "unexplained"):
                    outcome = decision.kind if decision.answered is None else decision.answered.id
                    problems.append(Problem(path, line, phrase("check_declined", question=question, outcome=outcome)))
        # the curated figures and lists against the facts read from the texts
        lines = {entry.id: entry.source_line for entry in self.knowledge.entries}
        for entry_id, problem in self.matcher.facts.check():
            if only is None or entry_id in only:
                problems.append(Problem(path, lines.get(entry_id, 1), problem))
        return problems

    def _check_entry(self, entry: Entry, lang: Lang) -> list[Phrase]:
        problems = []
        for question in entry.questions_in(lang):
            # judged on its words, not on being listed: listed, it would always match itself
            decision = self.matcher.decide(question, lang, signals=("terms", "figures"))
            if decision.answered is None or decision.answered.id != entry.id:
                why = _why(decision, entry.id)
                problems.append(phrase("check_example", question=question, id=entry.id, why=why))
        for question in entry.asked_in(lang):
            # filed from /unanswered: answered by likeness to itself, as the bot will answer it
            decision = self.matcher.decide(question, lang)
            if decision.answered is None or decision.answered.id != entry.id:
                why = _why(decision, entry.id)
                problems.append(phrase("check_asked", question=question, id=entry.id, why=why))
        for listed in entry.lists:
            question = LIST_PROBE[lang].format(name=listed.name_in(lang))
            decision = self.matcher.decide(question, lang)
            lists = decision.focus.lists if decision.focus else ()
            if decision.answered is None or decision.answered.id != entry.id or listed not in lists:
                problems.append(phrase("check_list", question=question, name=listed.name_in(lang), id=entry.id))
        for named in entry.unexplained:
            question = TERM_PROBE[lang].format(term=named.name(lang))
            gap = self.matcher.decide(question, lang).gap
            if gap is None or gap.term != named:
                problems.append(phrase("check_term", question=question, id=entry.id, term=named.name(lang)))
        return problems

    def decide(self, question: str, hint: Lang | None = None) -> Decision:
        """The decision for a question; `hint` is the user's language, for text that has none."""
        return self.matcher.decide(question, hint)

    def respond(
        self, question: str, hint: Lang | None = None, previous: Previous | None = None
    ) -> tuple[Decision, Reply]:
        """The decision for a question and the reply to send. With `previous` (the question answered
        just before, and its entry), a message that leaves out its subject or its asking is read
        against it (`bot.core.followup`); the decision's question is then the message as read."""
        decision = self.decide(question, hint) if previous is None else follow(self.matcher, question, previous, hint)
        return decision, decision_reply(self.knowledge, decision)

    def entry_reply(self, entry_id: str, lang: Lang) -> Reply | None:
        """The reply for an entry chosen from a menu or a "did you mean" list: its summary."""
        entry = self.knowledge.by_id.get(entry_id)
        return answer_reply(self.knowledge, entry, lang) if entry else None

    def names(self, entry_id: str) -> frozenset[str]:
        """What a measure is called, folded, in both languages: its title, its line's, and the words
        it is known by that are part of either (外学 of 外学拓思路), for a request for more that names
        the measure just answered (外学这块还有别的吗)."""
        entry = self.knowledge.by_id.get(entry_id)
        if entry is None:
            return frozenset()
        line = self.knowledge.lines.get(entry.line) if entry.line else None
        titles = {fold(t) for t in (entry.title, entry.en.title, *((line.zh, line.en) if line else ()))}
        words = {fold(w) for w in (*entry.keywords, *entry.en.keywords)}
        return frozenset(titles | {w for w in words if any(w in t for t in titles)})

    def keywords(self, entry_id: str) -> frozenset[str]:
        """The words a measure is known by, folded, in both languages (外出学习 of 外学拓思路)."""
        entry = self.knowledge.by_id.get(entry_id)
        return frozenset(fold(w) for w in (*entry.keywords, *entry.en.keywords)) if entry else frozenset()

    def told(self, entry_id: str) -> str:
        """A measure's full text, folded, in both languages: a request for more that names something in
        it (这个组织体系还有别的内容吗) names nothing new."""
        entry = self.knowledge.by_id.get(entry_id)
        return fold(f"{entry.text('zh')}\n{entry.text('en')}") if entry else ""

    def full_reply(self, entry_id: str, lang: Lang) -> Reply | None:
        """The whole entry, for the "full text" button."""
        entry = self.knowledge.by_id.get(entry_id)
        return full_reply(self.knowledge, entry, lang) if entry else None


@dataclass(frozen=True)
class Checked:
    """What building and checking an FAQ came to, as the cache keeps it: a brain, or the problems."""

    brain: Brain | None
    problems: tuple[str, ...] = ()

    def result(self) -> Brain:
        """The brain; raises `KnowledgeError` with the problems of an FAQ that was refused."""
        if self.brain is None:
            raise KnowledgeError(list(self.problems))
        return self.brain


def _changed(old: KnowledgeBase, new: KnowledgeBase) -> frozenset[str] | None:
    """The ids of the entries of `new` that differ from `old` (where they stand in the file aside);
    None when something outside the entries changed, which any entry's answers may depend on."""
    if replace(old, entries=(), path="") != replace(new, entries=(), path=""):
        return None
    before = {entry.id: replace(entry, source_line=0) for entry in old.entries}
    return frozenset(entry.id for entry in new.entries if before.get(entry.id) != replace(entry, source_line=0))


def _why(decision: Decision, expected: str) -> Phrase:
    if decision.declined_as is not None:
        return phrase("why_declined", example=decision.declined_as)
    best = decision.best.entry.id if decision.best else None
    if best in (None, expected):
        return phrase("why_unsure")
    if decision.kind == "answer":
        return phrase("why_answered_by", other=best)
    return phrase("why_matches", other=best)
