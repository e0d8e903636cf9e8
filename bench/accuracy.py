"""Accuracy side by side: this bot against two plain baselines, on the same questions.

    python -m bench.accuracy

Baselines: rapidfuzz `WRatio` between the question and each entry's example questions,
and BM25 (`rank-bm25`) over jieba tokens of each entry's whole text. Each baseline answers
with its best entry when the score passes a threshold, chosen for it on the tuning part
the same way as the bot's (the most right answers and refusals with at most 2% confident
wrong); all three are then scored on the held-out part, which none was tuned on.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence

import jieba
from rank_bm25 import BM25Okapi
from rapidfuzz import fuzz

from bot.core.brain import Brain
from bot.core.normalise import detect_language, fold
from bot.faq.knowledge import KnowledgeBase, iter_texts
from bot.ops.evaluation import Question, load_part, part_files
from tests.e2e.user import ROOT

Scorer = Callable[[str], tuple[str | None, float]]


def wratio_scorer(knowledge: KnowledgeBase) -> Scorer:
    """Best entry by rapidfuzz WRatio against every example question, both languages."""
    examples = [(fold(q), e.id) for e in knowledge.entries for q in (*e.questions, *e.en.questions)]

    def score(question: str) -> tuple[str | None, float]:
        text = fold(question)
        best = max(examples, key=lambda item: fuzz.WRatio(text, item[0]))
        return best[1], fuzz.WRatio(text, best[0])

    return score


def _tokens(text: str) -> list[str]:
    return [t for t in jieba.lcut(fold(text)) if t.strip() and any(c.isalnum() for c in t)]


def bm25_scorer(knowledge: KnowledgeBase) -> Scorer:
    """Best entry by BM25 over jieba tokens of each entry's texts, one index per language."""
    indices = {}
    for lang in ("zh", "en"):
        corpus = [_tokens(" ".join(text for _, text in iter_texts(e, lang))) for e in knowledge.entries]
        indices[lang] = BM25Okapi(corpus)
    ids = [e.id for e in knowledge.entries]

    def score(question: str) -> tuple[str | None, float]:
        scores = indices[detect_language(question) or "zh"].get_scores(_tokens(question))
        best = max(range(len(ids)), key=lambda i: scores[i])
        return ids[best], float(scores[best])

    return score


def tally(results: Sequence[tuple[Question, str | None]]) -> tuple[float, float, float]:
    """Answerable answered right, the rest not answered, confident wrong: as shares.

    The same counts as `bot eval` for what the baselines can do: they answer or not; small
    talk and unexplained terms count as handled when not answered.
    """
    answerable = [(q, got) for q, got in results if q.wants == "answer"]
    rest = [(q, got) for q, got in results if q.wants != "answer"]
    right = sum(got in q.entries for q, got in answerable)
    declined = sum(got is None for _, got in rest)
    wrong = sum(got is not None and (q.wants != "answer" or got not in q.entries) for q, got in results)
    return right / len(answerable), declined / len(rest), wrong / len(results)


def tuned(scorer: Scorer, tuning: list[Question]) -> float:
    """The threshold that gets most right on the tuning part with at most 2% confident wrong."""
    scored = [(q, *scorer(q.text)) for q in tuning]
    best, best_merit = 0.0, -1.0
    for threshold in sorted({s for _, _, s in scored}):
        right, declined, wrong = tally([(q, e if s >= threshold else None) for q, e, s in scored])
        if wrong <= 0.02 and right + declined > best_merit:
            best, best_merit = threshold, right + declined
    return best


def main() -> int:
    jieba.setLogLevel(logging.WARNING)
    brain = Brain.load(ROOT / "knowledge" / "faq.yaml")
    tuning = load_part(part_files("tuning", ROOT / "tests" / "eval"))
    held_out = load_part(part_files("held-out", ROOT / "tests" / "eval"))

    def bot(question: str) -> str | None:
        answered = brain.decide(question).answered
        return answered.id if answered else None

    systems: list[tuple[str, Callable[[str], str | None]]] = [("this bot", bot)]
    for name, make in (("rapidfuzz WRatio", wratio_scorer), ("BM25 (jieba)", bm25_scorer)):
        scorer = make(brain.knowledge)
        threshold = tuned(scorer, tuning)

        def answer(question: str, scorer: Scorer = scorer, threshold: float = threshold) -> str | None:
            entry, score = scorer(question)
            return entry if score >= threshold else None

        systems.append((f"{name} (threshold {threshold:.1f})", answer))
    print(f"{'system':<34}{'part':<10}{'answered right':>15}{'declined':>10}{'confident wrong':>17}")
    for name, system in systems:
        for part, questions in (("tuning", tuning), ("held-out", held_out)):
            right, declined, wrong = tally([(q, system(q.text)) for q in questions])
            print(f"{name:<34}{part:<10}{right:>14.1%}{declined:>10.1%}{wrong:>17.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
