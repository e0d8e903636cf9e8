"""Measuring the matcher on a written question set: accuracy by category, and a threshold sweep.

A question set is YAML: `questions: [[category, expected id or null, question], ...]`.
An answerable question is right when the bot answers it with the expected entry; an
unanswerable one is right when the bot declines. A confident wrong answer, the worst
outcome, is an answer with the wrong entry or an answer where none was expected.
This module imports nothing from `telegram`.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from bot.matching import Decision, Matcher, Thresholds, choose
from bot.normalise import pleasantry

WRONG_COST = 5.0
"""In the sweep, a confident wrong answer costs five times what a right answer earns."""

ASKED_CREDIT = 0.5
"""In the sweep, asking back (with the right entry among the options, or on a question the
article cannot answer) earns half of a right answer: one more tap for the user."""


@dataclass(frozen=True)
class Question:
    """One question of the set, with what it should get."""

    category: str
    expected: str | None
    text: str


@dataclass(frozen=True)
class Tally:
    """Counts for one group of questions."""

    answerable: int = 0
    correct: int = 0
    asked_with_right: int = 0
    unanswerable: int = 0
    declined: int = 0
    confident_wrong: int = 0
    confident_wrong_unanswerable: int = 0

    @property
    def total(self) -> int:
        """Questions in the group."""
        return self.answerable + self.unanswerable

    def add(self, question: Question, decision: Decision) -> Tally:
        """This tally with one more question counted."""
        best = decision.best.entry.id if decision.best else None
        if question.expected is None:
            return replace(
                self,
                unanswerable=self.unanswerable + 1,
                declined=self.declined + (decision.outcome == "none"),
                confident_wrong=self.confident_wrong + (decision.outcome == "answer"),
                confident_wrong_unanswerable=self.confident_wrong_unanswerable + (decision.outcome == "answer"),
            )
        offered = {c.entry.id for c in decision.candidates}
        return replace(
            self,
            answerable=self.answerable + 1,
            correct=self.correct + (decision.outcome == "answer" and best == question.expected),
            asked_with_right=self.asked_with_right + (decision.outcome == "ask" and question.expected in offered),
            confident_wrong=self.confident_wrong + (decision.outcome == "answer" and best != question.expected),
        )


@dataclass(frozen=True)
class Report:
    """A run over one question set."""

    by_category: dict[str, Tally]
    overall: Tally
    misses: list[tuple[Question, Decision]]


def load_questions(path: str | Path) -> list[Question]:
    """Read a question set file."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return [Question(str(c), None if e is None else str(e), str(t)) for c, e, t in data["questions"]]


def evaluate(matcher: Matcher, questions: list[Question]) -> Report:
    """Run every question through the matcher and count the outcomes."""
    by_category: dict[str, Tally] = defaultdict(Tally)
    overall = Tally()
    misses = []
    for question in questions:
        decision = matcher.decide(question.text)
        by_category[question.category] = by_category[question.category].add(question, decision)
        updated = overall.add(question, decision)
        if updated.correct == overall.correct and updated.declined == overall.declined:
            misses.append((question, decision))
        overall = updated
    return Report(dict(by_category), overall, misses)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def format_report(name: str, report: Report, *, show_misses: bool = False) -> str:
    """The report as a table, one row per category and one overall."""
    rows = [
        f"{name}",
        f"  {'category':<14}{'n':>4}  {'answered right':>14}  {'asked back':>10}  "
        f"{'declined':>8}  {'confident wrong':>15}",
    ]
    for category, tally in [*sorted(report.by_category.items()), ("overall", report.overall)]:
        rows.append(
            f"  {category:<14}{tally.total:>4}  {_percent(tally.correct, tally.answerable):>14}  "
            f"{_percent(tally.asked_with_right, tally.answerable):>10}  "
            f"{_percent(tally.declined, tally.unanswerable):>8}  {_percent(tally.confident_wrong, tally.total):>15}"
        )
    if show_misses:
        for question, decision in report.misses:
            got = [(c.entry.id, c.score) for c in decision.candidates]
            rows.append(
                f"  miss [{question.category}] {question.text!r} expected {question.expected}: {decision.outcome} {got}"
            )
    return "\n".join(rows)


TARGET_RIGHT, TARGET_DECLINED, TARGET_WRONG = 0.95, 0.95, 0.02
"""The targets: answerable questions answered right, unanswerable declined, confident wrong."""


def _merit(tally: Tally) -> tuple[bool, float]:
    """What the sweep maximises: first whether the targets are met, then right answers and
    refusals, with half credit for a useful question back."""
    unanswerable_asked = tally.unanswerable - tally.declined - tally.confident_wrong_unanswerable
    meets = (
        tally.correct >= TARGET_RIGHT * tally.answerable
        and tally.declined >= TARGET_DECLINED * tally.unanswerable
        and tally.confident_wrong <= TARGET_WRONG * tally.total
    )
    return meets, (
        (tally.correct + ASKED_CREDIT * tally.asked_with_right) / max(1, tally.answerable)
        + (tally.declined + ASKED_CREDIT * unanswerable_asked) / max(1, tally.unanswerable)
        - WRONG_COST * tally.confident_wrong / max(1, tally.total)
    )


def sweep(matcher: Matcher, questions: list[Question], max_wrong: float = TARGET_WRONG) -> tuple[Thresholds, Report]:
    """The weights and cut-offs that do best on `questions`, with at most `max_wrong` confident wrong.

    Each question is ranked once per scoring setting; the cut-offs are then tried on the
    cached rankings, which keeps a sweep of thousands of settings to seconds.
    """
    best: tuple[tuple[bool, float], Thresholds] | None = None
    original = matcher.thresholds
    try:
        for word, char, floor in itertools.product((0.5, 0.7, 1.0, 1.5), (0.2, 0.3, 0.5), (1.0, 1.5, 2.0)):
            matcher.thresholds = replace(original, unknown_word=word, unknown_char=char, min_evidence=floor)
            ranked = [(q, pleasantry(q.text), *matcher.rank(q.text)) for q in questions]
            for answer, margin, ask in itertools.product(range(30, 81, 5), range(5, 31, 5), range(20, 51, 5)):
                if ask > answer:
                    continue
                limits = replace(matcher.thresholds, answer=answer, margin=margin, ask=ask)
                tally = Tally()
                for question, polite, lang, candidates, hits in ranked:
                    decision = (
                        Decision(question.text, lang, "none", ())
                        if polite
                        else matcher.withhold(choose(question.text, lang, candidates, hits, limits))
                    )
                    tally = tally.add(question, decision)
                if tally.confident_wrong > max_wrong * tally.total:
                    continue
                right = _merit(tally)
                if best is None or right > best[0]:
                    best = (right, limits)
    finally:
        matcher.thresholds = original
    if best is None:
        raise ValueError("no setting keeps confident wrong answers under the limit")
    matcher.thresholds = best[1]
    try:
        report = evaluate(matcher, questions)
    finally:
        matcher.thresholds = original
    return best[1], report
