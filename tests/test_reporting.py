"""Statistics and grouped unanswered questions, from feedback rows."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

from bot.reporting import render_stats, render_unanswered, stats, to_csv, unanswered

SINCE = datetime(2026, 11, 20, tzinfo=UTC)


def _row(kind: str, question: str, day: int = 21, entry: str | None = None, vote: int | None = None) -> dict[str, Any]:
    return {"at": f"2026-11-{day}T10:00:00+00:00", "kind": kind, "question": question, "entry_id": entry,
            "vote": vote, "candidates": json.dumps([["system-vertical", 30.0]])}  # fmt: skip


ROWS = [
    _row("answered", "党小组", entry="system-vertical"),
    _row("answered", "党小组有多少个", day=22, entry="system-vertical"),
    _row("answered", "沈腾", day=22, entry="act-returnees"),
    _row("asked_back", "Fengshan", day=22),
    _row("unanswered", "孝昌县GDP是多少"),
    _row("unanswered", "孝昌县的GDP是多少？", day=22),
    _row("unanswered", "孝昌縣GDP是多少", day=22),
    _row("unanswered", "今天天气怎么样", day=22),
    _row("vote", "党小组", entry="system-vertical", vote=1),
    _row("vote", "沈腾", entry="act-returnees", vote=-1),
]


class TestStats:
    def test_counts_rates_top_measures_and_votes(self) -> None:
        """Outcomes, the most answered measures, votes and questions per day are counted."""
        report = stats(ROWS, SINCE)
        assert (report.questions, report.answered, report.asked_back, report.unanswered) == (8, 3, 1, 4)
        assert report.top[0] == ("system-vertical", 2)
        assert (report.votes_up, report.votes_down) == (1, 1)
        assert report.per_day == (("2026-11-21", 2), ("2026-11-22", 6))
        assert report.rate(report.answered) == "38%"

    def test_text_has_a_bar_per_day_scaled_to_the_busiest(self) -> None:
        """The busiest day gets the full bar; titles replace entry ids."""
        text = render_stats(stats(ROWS, SINCE), {"system-vertical": "纵向深化"})
        assert "11-22 ▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇ 6" in text
        assert "2  纵向深化" in text


class TestUnanswered:
    def test_near_duplicates_are_one_group(self) -> None:
        """The same question typed three ways (punctuation, 的, traditional) counts as one, asked 3 times."""
        groups = unanswered(ROWS)
        assert [(g.question, g.count) for g in groups] == [
            ("孝昌县GDP是多少", 3),
            ("Fengshan", 1),
            ("今天天气怎么样", 1),
        ]
        assert set(groups[0].variants) == {"孝昌县的GDP是多少？", "孝昌縣GDP是多少"}
        assert groups[1].asked_back == 1

    def test_text_and_csv(self) -> None:
        """The text lists counts and variants; the CSV is one table with a header."""
        groups = unanswered(ROWS)
        assert render_unanswered(groups, {}).splitlines()[0] == "   3× 孝昌县GDP是多少"
        table = list(csv.reader(io.StringIO(to_csv(stats(ROWS, SINCE), groups))))
        assert table[0] == ["section", "key", "count", "detail"]
        assert ["unanswered", "孝昌县GDP是多少", "3", "孝昌县的GDP是多少？ / 孝昌縣GDP是多少"] in table

    def test_nothing_to_report(self) -> None:
        """An empty period says so."""
        assert render_unanswered(unanswered([]), {}) == "No unanswered questions in this period."
