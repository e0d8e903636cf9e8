"""Reviewing a new FAQ file before it is put in use: checked exactly as a reload would check it,
and compared with the FAQ being served. Used by an admin's upload and rollback in Telegram and
by `python -m bot diff OLD NEW`. Imports nothing from `telegram`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.faq.diff import FaqDiff, diff
from bot.faq.knowledge import Build, Built, KnowledgeBase, KnowledgeError, Problem
from bot.language import Lang
from bot.texts import say

_LOCATED = re.compile(r"^.*?:(\d+): (.*)$", re.DOTALL)


@dataclass(frozen=True)
class Review:
    """A candidate FAQ: its problems, or the FAQ it builds and what it changes."""

    name: str
    before: int
    """Entries in the FAQ being served."""
    brain: Built | None = None
    changes: FaqDiff | None = None
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the file would be loaded."""
        return self.brain is not None

    def summary(self) -> str:
        """One line for the version history and the log."""
        if self.changes is None:
            return f"refused: {len(self.problems)} problem(s)"
        return self.changes.summary()

    def lines(self, lang: Lang) -> list[str]:
        """The review as an admin reads it: every problem by line, or the check and what changes."""
        if self.brain is None or self.changes is None:
            head = say("review_refused", lang, name=self.name, count=len(self.problems))
            return [head, *(problem_line(problem, lang) for problem in self.problems)]
        after = len(self.brain.knowledge.entries)
        head = say("review_ok", lang, name=self.name, after=after, before=self.before)
        changes = self.changes.lines(lang)
        if not changes:
            return [head, say("review_same_content", lang)]
        return [head, say("review_changes", lang), *changes]


def review(current: KnowledgeBase, raw: bytes, name: str, build: Build[Built]) -> Review:
    """Check `raw` as a reload would (`build`: schema and self-check) and compare it with `current`."""
    try:
        brain = build(raw, name)
    except KnowledgeError as error:
        return Review(name, len(current.entries), problems=tuple(error.problems))
    return Review(name, len(current.entries), brain, diff(current, brain.knowledge))


def problem_line(problem: str, lang: Lang) -> str:
    """`file:12: message` as an editor reads it in a chat, in their language: `第 12 行：…` / `line 12: …`."""
    if isinstance(problem, Problem):
        return problem.in_lang(lang)
    match = _LOCATED.match(problem)
    if match is None:
        return problem
    return say("problem_line", lang, line=match.group(1), message=match.group(2))
