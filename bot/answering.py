"""The current FAQ and its matcher, as one value that is swapped whole on reload.

A question is always answered from a single, fully built `Brain`: a reload builds the
new one aside and replaces the reference in one assignment. Imports nothing from `telegram`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.knowledge import KnowledgeBase, KnowledgeError, parse_knowledge, read_faq
from bot.matching import Decision, Matcher
from bot.normalise import Lang
from bot.reply import Reply, answer_reply, decision_reply

MAX_QUESTION_CHARS = 1000
"""Longer messages are cut before matching; nobody asks an FAQ question in more."""


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
        """Every example question must be answered by its own entry; one line per one that is not."""
        problems = []
        for entry in self.knowledge.entries:
            sides: tuple[tuple[Lang, tuple[str, ...]], ...] = (("zh", entry.questions), ("en", entry.en.questions))
            for lang, questions in sides:
                for question in questions:
                    # judged on its words, not on being listed: listed, it would always match itself
                    decision = self.matcher.decide(question, lang, examples=False)
                    best = decision.best.entry.id if decision.best else None
                    if decision.outcome == "answer" and best == entry.id:
                        continue
                    if best in (None, entry.id):
                        why = "is not answered with confidence; add keywords or reword it"
                    elif decision.outcome == "answer":
                        why = f"is answered by entry {best!r}"
                    else:
                        why = f"matches entry {best!r} better"
                    where = f"{self.knowledge.path}:{entry.source_line}"
                    problems.append(f"{where}: example {question!r} of entry {entry.id!r} {why}")
        return problems

    def decide(self, question: str, lang: Lang | None = None) -> Decision:
        """The decision for a question."""
        return self.matcher.decide(question[:MAX_QUESTION_CHARS], lang)

    def respond(self, question: str, lang: Lang | None = None) -> tuple[Decision, Reply]:
        """The decision for a question and the reply to send."""
        decision = self.decide(question, lang)
        return decision, decision_reply(self.knowledge, decision)

    def entry_reply(self, entry_id: str, lang: Lang) -> Reply | None:
        """The reply for an entry chosen from a menu or a "did you mean" list."""
        entry = self.knowledge.by_id.get(entry_id)
        return answer_reply(self.knowledge, entry, lang) if entry else None
