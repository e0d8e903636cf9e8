"""What the core decides about a message, as plain values: the ranking of entries, the decision,
and what the article leaves out. Both `bot.core.matching` (which makes them) and `bot.core.gaps`
(which reads a ranking to find a gap) use these, so they live below both. Imports nothing from
`telegram`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from bot.core.asking import Asking
from bot.core.focus import Focus
from bot.core.index import Reading
from bot.core.smalltalk import Talk
from bot.faq.knowledge import Detail, Entry, Unexplained
from bot.language import Lang

Kind = Literal["answer", "ask-back", "decline", "unexplained", "small-talk"]
"""What the bot does with a message; `ask --json` reports it as `kind`."""

Verdict = Literal["yes", "no"]
"""The answer to a yes/no question, or "no" to a question resting on a wrong premise."""


@dataclass(frozen=True)
class Candidate:
    """An entry with its score for one question."""

    entry: Entry
    score: float


@dataclass(frozen=True)
class Ranking:
    """Every entry that explains part of a question, best first, with how the question was read."""

    lang: Lang
    reading: Reading
    candidates: tuple[Candidate, ...]
    explained: Mapping[str, float]
    """Entry id to the weight of the question its terms explain (before dividing by the total)."""
    asking: Asking | None = None
    """What the question asks, as read before matching."""
    pieces: int = 0
    """In how many separate places of the question the best entry's own terms stand: two or more are
    two pieces of evidence for it, where one can be a word it shares by chance."""


@dataclass(frozen=True)
class Decision:
    """What to do with a message, and what led there."""

    question: str
    lang: Lang
    kind: Kind
    candidates: tuple[Candidate, ...] = ()
    focus: Focus | None = None
    """For an answer: what part of the entry answers."""
    gap: Gap | None = None
    """For "unexplained": what the article leaves out, and where it mentions the thing."""
    talk: Talk | None = None
    """For small talk: which kind."""
    broad: bool = False
    """For a question back: the question was a broad topic, not two close matches."""
    verdict: Verdict | None = None
    """For an answer to a yes/no question or one resting on a wrong premise: what the reply leads with."""
    asking: Asking | None = None
    """How the question was read (what it asks, about what): pass it back as `previous` with a follow-up."""
    declined_as: str | None = None
    """For a decline: the question filed in the FAQ as one the article does not answer that this one repeats."""

    @property
    def best(self) -> Candidate | None:
        """The top candidate, if any entry scored at all."""
        return self.candidates[0] if self.candidates else None

    @property
    def answered(self) -> Entry | None:
        """The entry answered with, for an answer."""
        return self.candidates[0].entry if self.kind == "answer" and self.candidates else None


@dataclass(frozen=True)
class Gap:
    """Something asked that the article mentions but does not tell."""

    entry: Entry
    sentence: str
    """The article's sentence (in the entry's full text) that mentions the thing."""
    term: Unexplained | None = None
    detail: Detail | None = None
    number: bool = False
    """The question asks how many of something the entry gives no figure for."""
    attribute: str = ""
    """A word of the question the article never uses, asked of something it names (冯山社区的“人口”)."""
    asked: str = ""
    """What the question asks that the entry gives no value for, in its own words (浙大培训几期)."""
