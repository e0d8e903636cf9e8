"""Measuring follow-ups: two turns of one conversation, played through the conversation layer.

A question set file may hold `followups: [[category, first, expected, second, expected, facts, says], ...]`:
a first question and what it should get (as in `bot.ops.evaluation`), then a second message
in the same conversation and what that should get:

- an entry id (or several as `a|b`): answered with that entry, read against the first turn
  where it leaves something out (那茶叶呢), showing the facts (`|`-separated, the first within
  `FACT_WINDOW` characters of the reply's start);
- `more`: the full text of the entry the first turn answered with;
- `wrong`: the other entries the bot weighed, or a request to ask another way; never an answer;
- `thanks`: a short "you're welcome", never an answer or an apology;
- null: not answered (declined, or small talk).

`says`, for a second message that asks yes or no (是不是131个), is the verdict its reply must lead
with, as for the yes/no questions of `bot.ops.evaluation`.

A confident wrong second reply is an answer with another entry than expected, or any answer
where none was expected (a "wrong" or a "thanks" swallowed as a question). Each pair is played
in a conversation of its own, on a store in a temporary directory, exactly as a person's
messages are. A part's files are those `bot.ops.evaluation.PARTS` names for its questions. This
module imports nothing from `telegram`.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from pathlib import Path

import yaml

from bot.conversation.replies import Said, plain_text
from bot.conversation.state import Who
from bot.conversation.turns import Conversation
from bot.core.brain import Brain
from bot.ops.evaluation import english_forms, in_english, read_says, shows_facts, verdict
from bot.storage.sqlite import SqliteStore
from bot.texts import say

ANSWERED = ("answer", "full")


@dataclass(frozen=True)
class FollowUp:
    """Two turns: a first question and a second message, with what each should get."""

    category: str
    first: str
    first_expected: str | None
    second: str
    expected: str | None
    facts: tuple[str, ...] = ()
    says: str | None = None
    """For a second message asking yes or no: the verdict its reply must lead with, `yes` or `no`."""

    @property
    def entries(self) -> frozenset[str]:
        """The entries that answer the second message, when it is a question."""
        if self.expected is None or self.expected in ("more", "wrong", "thanks", "smalltalk"):
            return frozenset()
        return frozenset(self.expected.split(":", 1)[-1].split("|"))


@dataclass(frozen=True)
class FollowTally:
    """Counts for one group of follow-ups."""

    total: int = 0
    first_right: int = 0
    """First turns answered with (one of) the expected entries, or handled as expected."""
    right: int = 0
    """Second turns handled as expected, facts shown."""
    confident_wrong: int = 0

    def __add__(self, other: FollowTally) -> FollowTally:
        return FollowTally(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


@dataclass(frozen=True)
class FollowReport:
    """A run over the follow-ups of one part."""

    by_category: dict[str, FollowTally]
    overall: FollowTally
    misses: list[tuple[FollowUp, Said, Said]]


def load_followups(paths: Iterable[Path]) -> list[FollowUp]:
    """The follow-ups of some question set files (files without any give none)."""
    found = []
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("followups") or ():
            category, first, first_expected, second, expected, *rest = item
            facts = tuple(f for f in str(rest[0] or "").split("|") if f) if rest else ()
            says = read_says(rest[1]) if len(rest) > 1 else None
            found.append(
                FollowUp(str(category), str(first), _text(first_expected), str(second), _text(expected), facts, says)
            )
    return found


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def evaluate_followups(brain: Brain, followups: Iterable[FollowUp]) -> FollowReport:
    """Play every pair as a conversation of its own and count the outcomes."""
    return asyncio.run(_evaluate(brain, list(followups)))


async def _evaluate(brain: Brain, followups: list[FollowUp]) -> FollowReport:
    by_category: dict[str, FollowTally] = defaultdict(FollowTally)
    overall = FollowTally()
    misses = []
    with tempfile.TemporaryDirectory(prefix="faqbot-followups-") as scratch:
        store = SqliteStore(Path(scratch))
        await store.start()
        try:
            conversation = Conversation(lambda: brain, store)
            forms = english_forms(brain.knowledge)
            for number, pair in enumerate(followups):
                who = Who("evaluation", str(number), "evaluation")
                first = await conversation.hear(who, pair.first)
                second = await conversation.hear(who, pair.second)
                # an English reply may show a fact in the FAQ's English (新岗村: Xingang village)
                judged = replace(pair, facts=in_english(pair.facts, forms)) if second.lang == "en" else pair
                one = _tally(judged, first, second)
                by_category[pair.category] += one
                overall += one
                if not one.right:
                    misses.append((pair, first, second))
        finally:
            await store.close()
    return FollowReport(dict(by_category), overall, misses)


def _tally(pair: FollowUp, first: Said, second: Said) -> FollowTally:
    expected = pair.expected
    first_entries = frozenset((pair.first_expected or "").split(":", 1)[-1].split("|"))
    first_right = (first.kind in ANSWERED and first.entry_id in first_entries) or (
        pair.first_expected is None and first.kind not in ANSWERED
    )
    answered = second.kind in ANSWERED
    if expected == "more":
        right = second.kind == "full" and first.kind == "answer" and second.entry_id == first.entry_id
        wrong = answered and not right
    elif expected == "wrong":
        right = second.kind == "others" and first.entry_id not in {p.id for p in second.picks}
        wrong = answered
    elif expected in ("thanks", "smalltalk"):
        right = second.kind == "small-talk" and (
            expected != "thanks" or (second.reply is not None and second.reply.text == say("talk_thanks", second.lang))
        )
        wrong = answered
    elif expected is None:
        right = not answered
        wrong = answered
    else:
        text = plain_text(second)
        right = answered and second.entry_id in pair.entries and shows_facts(text, pair.facts)
        right = right and (pair.says is None or verdict(text) == pair.says)
        wrong = answered and second.entry_id not in pair.entries
    return replace(FollowTally(), total=1, first_right=int(first_right), right=int(right), confident_wrong=int(wrong))


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def format_followups(name: str, report: FollowReport, *, show_misses: bool = False) -> str:
    """The report as a table: per category, the second turns handled right and answered wrongly."""
    rows = [name, f"  {'category':<13}{'n':>4}  {'right':>6}  {'wrong':>6}  {'first right':>11}"]
    for category, tally in [*sorted(report.by_category.items()), ("overall", report.overall)]:
        rows.append(
            f"  {category:<13}{tally.total:>4}  {_percent(tally.right, tally.total):>6}  "
            f"{_percent(tally.confident_wrong, tally.total):>6}  {_percent(tally.first_right, tally.total):>11}"
        )
    if show_misses:
        for pair, first, second in report.misses:
            rows.append(
                f"  miss [{pair.category}] {pair.first!r} -> {first.kind} {first.entry_id}; "
                f"{pair.second!r} expected {pair.expected}: {second.kind} {second.entry_id}"
            )
            rows.append(f"       {plain_text(second).replace(chr(10), ' / ')[:160]}")
    return "\n".join(rows)
