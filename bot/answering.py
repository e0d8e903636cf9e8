"""The current FAQ and its matcher, as one value that is swapped whole on reload.

A question is always answered from a single, fully built `Brain`: a reload builds the
new one aside and replaces the reference in one assignment. Imports nothing from `telegram`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.knowledge import KnowledgeBase, load_knowledge
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
        """Load, validate and index an FAQ file; raises `KnowledgeError` when it is bad."""
        knowledge = load_knowledge(path)
        return cls(knowledge, Matcher(knowledge))

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
