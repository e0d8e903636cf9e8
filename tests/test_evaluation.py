"""The accuracy the matcher reaches on the tuning questions, and the shape of the question sets."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.answering import Brain
from bot.evaluation import Report, evaluate, load_questions

EVAL = Path(__file__).parent / "eval"
CATEGORIES = {
    "words",
    "paraphrase",
    "keyword",
    "typo",
    "traditional",
    "figure",
    "name",
    "english",
    "unanswerable",
    "offtopic",
}


@pytest.fixture(scope="module")
def tuning(brain: Brain) -> Report:
    return evaluate(brain.matcher, load_questions(EVAL / "tuning.yaml"))


class TestQuestionSets:
    def test_sets_are_large_varied_and_disjoint(self, brain: Brain) -> None:
        """At least 250 questions over every category, a fifth held out, no question in both parts."""
        tuning = load_questions(EVAL / "tuning.yaml")
        held_out = load_questions(EVAL / "heldout.yaml")
        assert len(tuning) + len(held_out) >= 250
        assert len(held_out) >= 0.16 * (len(tuning) + len(held_out))
        assert {q.text for q in tuning}.isdisjoint({q.text for q in held_out})
        assert set(Counter(q.category for q in tuning)) == CATEGORIES
        assert set(Counter(q.category for q in held_out)) == CATEGORIES
        for question in tuning + held_out:
            assert question.expected is None or question.expected in brain.knowledge.by_id

    def test_no_question_is_copied_from_the_faq(self, brain: Brain) -> None:
        """The evaluation does not test the FAQ's own example questions back at it."""
        examples = {q for e in brain.knowledge.entries for q in (*e.questions, *e.en.questions)}
        for name in ("tuning.yaml", "heldout.yaml"):
            assert {q.text for q in load_questions(EVAL / name)}.isdisjoint(examples)


class TestTuningAccuracy:
    """Figures reached on the tuning part with the shipped thresholds (`python -m bot eval`)."""

    def test_answerable_questions_answered_right(self, tuning: Report) -> None:
        """At least 95% of answerable tuning questions get the right entry as a confident answer."""
        overall = tuning.overall
        assert overall.correct / overall.answerable >= 0.95

    def test_unanswerable_questions_declined(self, tuning: Report) -> None:
        """At least 95% of tuning questions the article cannot answer are declined."""
        overall = tuning.overall
        assert overall.declined / overall.unanswerable >= 0.95

    def test_confident_wrong_answers_are_rare(self, tuning: Report) -> None:
        """No more than 2% of tuning questions get a confident wrong answer."""
        overall = tuning.overall
        assert overall.confident_wrong / overall.total <= 0.02
