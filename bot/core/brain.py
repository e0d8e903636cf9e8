"""The current FAQ and its matcher, as one value that is swapped whole on reload.

A question is always answered from a single, fully built `Brain`: a reload builds the
new one aside and replaces the reference in one assignment. Imports nothing from `telegram`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.core.asking import Asking
from bot.core.decision import Decision
from bot.core.matching import MAX_QUESTION_CHARS, Matcher
from bot.core.reply import Reply, answer_reply, decision_reply, full_reply
from bot.faq.knowledge import Entry, KnowledgeBase, KnowledgeError, parse_knowledge, read_faq
from bot.language import LANGS, Lang

__all__ = ["MAX_QUESTION_CHARS", "Brain"]

TERM_PROBE = {"zh": "{term}是什么", "en": "What is {term}?"}
LIST_PROBE = {"zh": "{name}有哪些", "en": "What are {name}?"}
"""How the self-check asks about each unexplained term and each list of an entry."""


@dataclass(frozen=True)
class Brain:
    """One validated FAQ with its matcher."""

    knowledge: KnowledgeBase
    matcher: Matcher

    @classmethod
    def load(cls, path: str | Path) -> Brain:
        """Load, validate, index and self-check an FAQ file; raises `KnowledgeError` when it is bad."""
        return cls.parse(read_faq(path), str(path))

    @classmethod
    def parse(cls, raw: bytes, path: str) -> Brain:
        """The same, for the bytes of a file already read from `path`."""
        knowledge = parse_knowledge(raw, path)
        brain = cls(knowledge, Matcher(knowledge))
        problems = brain.self_check()
        if problems:
            raise KnowledgeError(problems)
        return brain

    def self_check(self) -> list[str]:
        """Each entry must answer its own example questions, give its lists when asked for them and
        say it does not explain its unexplained terms; the article's examples must be answered.
        One line per failure."""
        problems = []
        for entry in self.knowledge.entries:
            where = f"{self.knowledge.path}:{entry.source_line}"
            for lang in LANGS:
                problems += [f"{where}: {problem}" for problem in self._check_entry(entry, lang)]
        article = self.knowledge.article
        for lang in LANGS:
            for question in article.examples(lang):
                if self.matcher.decide(question, lang).kind != "answer":
                    problems.append(f"{self.knowledge.path}:1: the article's example {question!r} is not answered")
        # the curated figures and lists against the facts read from the texts
        lines = {entry.id: entry.source_line for entry in self.knowledge.entries}
        for entry_id, problem in self.matcher.facts.check():
            problems.append(f"{self.knowledge.path}:{lines.get(entry_id, 1)}: {problem}")
        return problems

    def _check_entry(self, entry: Entry, lang: Lang) -> list[str]:
        problems = []
        for question in entry.questions_in(lang):
            # judged on its words, not on being listed: listed, it would always match itself
            decision = self.matcher.decide(question, lang, signals=("terms", "figures"))
            if decision.answered is None or decision.answered.id != entry.id:
                problems.append(f"example {question!r} of entry {entry.id!r} {_why(decision, entry.id)}")
        for listed in entry.lists:
            question = LIST_PROBE[lang].format(name=listed.name_in(lang))
            decision = self.matcher.decide(question, lang)
            lists = decision.focus.lists if decision.focus else ()
            if decision.answered is None or decision.answered.id != entry.id or listed not in lists:
                problems.append(
                    f"{question!r} does not give list {listed.name_in(lang)!r} of entry {entry.id!r}; "
                    "give the list keywords"
                )
        for named in entry.unexplained:
            question = TERM_PROBE[lang].format(term=named.name(lang))
            gap = self.matcher.decide(question, lang).gap
            if gap is None or gap.term != named:
                problems.append(
                    f"{question!r} is not told that entry {entry.id!r} leaves {named.name(lang)!r} unexplained"
                )
        return problems

    def decide(self, question: str, hint: Lang | None = None, *, previous: Asking | None = None) -> Decision:
        """The decision for a question; `hint` is the user's language, for text that has none;
        `previous` is the `asking` of the decision before, for a follow-up (那茶叶呢, 一共多少个)."""
        return self.matcher.decide(question, hint, previous=previous)

    def respond(
        self, question: str, hint: Lang | None = None, *, previous: Asking | None = None
    ) -> tuple[Decision, Reply]:
        """The decision for a question and the reply to send."""
        decision = self.decide(question, hint, previous=previous)
        return decision, decision_reply(self.knowledge, decision)

    def entry_reply(self, entry_id: str, lang: Lang) -> Reply | None:
        """The reply for an entry chosen from a menu or a "did you mean" list: its summary."""
        entry = self.knowledge.by_id.get(entry_id)
        return answer_reply(self.knowledge, entry, lang) if entry else None

    def full_reply(self, entry_id: str, lang: Lang) -> Reply | None:
        """The whole entry, for the "full text" button."""
        entry = self.knowledge.by_id.get(entry_id)
        return full_reply(self.knowledge, entry, lang) if entry else None


def _why(decision: Decision, expected: str) -> str:
    best = decision.best.entry.id if decision.best else None
    if best in (None, expected):
        return "is not answered with confidence; add keywords or reword it"
    if decision.kind == "answer":
        return f"is answered by entry {best!r}"
    return f"matches entry {best!r} better"
