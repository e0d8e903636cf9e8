"""Statistics and grouped unanswered questions, from feedback rows."""

from __future__ import annotations

import csv
import io
import struct
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.core.brain import Brain
from bot.language import LANGS
from bot.ops.chart import HEIGHT, WIDTH, chart_data, draw
from bot.ops.reporting import entry_titles, render_stats, render_unanswered, stats, to_csv, unanswered
from bot.storage.store import EventRow, VoteRow

SINCE = datetime(2026, 11, 20, tzinfo=UTC)


def _row(kind: str, question: str, day: int = 21, entry: str | None = None) -> EventRow:
    at = datetime(2026, 11, day, 10, tzinfo=UTC)
    return EventRow(0, at, kind, "private", "zh", question, entry, (("system-vertical", 30.0),), "u")


ROWS = [
    _row("answered", "党小组", entry="system-vertical"),
    _row("answered", "党小组有多少个", day=22, entry="system-vertical"),
    _row("answered", "沈腾", day=22, entry="act-returnees"),
    _row("asked_back", "Fengshan", day=22),
    _row("unanswered", "孝昌县GDP是多少"),
    _row("unanswered", "孝昌县的GDP是多少？", day=22),
    _row("unanswered", "孝昌縣GDP是多少", day=22),
    _row("unanswered", "今天天气怎么样", day=22),
    _row("small_talk", "你好", day=22),
]
VOTES = [
    VoteRow(7, 1, "system-vertical", "u1", 1, SINCE),
    VoteRow(7, 2, "act-returnees", "u1", -1, SINCE),
]


class TestStats:
    def test_counts_rates_top_measures_and_votes(self) -> None:
        """Outcomes, the most answered measures, votes and questions per day are counted."""
        report = stats(ROWS, VOTES, SINCE)
        assert (report.questions, report.answered, report.asked_back, report.unanswered) == (8, 3, 1, 4)
        assert report.top[0] == ("system-vertical", 2)
        assert (report.votes_up, report.votes_down) == (1, 1)
        assert [(day.day, sum(counts.values())) for day, counts in report.per_day] == [(21, 2), (22, 6)]
        assert report.per_day[1][1]["unanswered"] == 3
        assert report.rate(report.answered) == "38%"

    def test_text_has_a_bar_per_day_scaled_to_the_busiest(self) -> None:
        """The busiest day gets the full bar; titles replace entry ids."""
        text = render_stats(stats(ROWS, VOTES, SINCE), {"system-vertical": "纵向深化"})
        assert "11-22 ▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇ 6" in text
        assert "2  纵向深化" in text

    def test_questions_are_split_by_channel_in_text_and_csv(self) -> None:
        """Questions from the web page, Telegram and the console are counted apart, the busiest first."""
        rows = [*ROWS, replace(ROWS[0], channel="web"), replace(ROWS[4], channel="web"),
                replace(ROWS[2], channel="console"), replace(ROWS[8], channel="web")]  # fmt: skip
        report = stats(rows, VOTES, SINCE)
        assert report.channels == (("telegram", 8), ("web", 2), ("console", 1))
        assert "telegram 8 (73%) · web 2 (18%) · console 1 (9%)" in render_stats(report, {}, "en")
        table = list(csv.reader(io.StringIO(to_csv(report, []))))
        assert ["channel", "web", "2", "18%"] in table


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

    def test_bare_numbers_are_not_listed_and_long_questions_are_cut(self) -> None:
        """A lone 2 (a pick that came too late) is no question the FAQ lacks; a long question shows its start."""
        long = "我想请问一下，" * 20
        groups = unanswered([_row("unanswered", "2"), _row("unanswered", "２"), _row("unanswered", long)])
        assert [g.question for g in groups] == [long]
        line = render_unanswered(groups, {}).splitlines()[0]
        assert line.startswith("   1× 我想请问一下，")
        assert line.endswith("…")
        assert len(line) < 80

    def test_text_and_csv(self) -> None:
        """The text lists counts and variants; the CSV is one table with a header."""
        groups = unanswered(ROWS)
        assert render_unanswered(groups, {}).splitlines()[0] == "   3× 孝昌县GDP是多少"
        table = list(csv.reader(io.StringIO(to_csv(stats(ROWS, VOTES, SINCE), groups))))
        assert table[0] == ["section", "key", "count", "detail"]
        assert ["unanswered", "孝昌县GDP是多少", "3", "孝昌县的GDP是多少？ / 孝昌縣GDP是多少"] in table

    def test_nothing_to_report(self) -> None:
        """An empty period says so."""
        assert render_unanswered(unanswered([]), {}) == "这段时间没有未回答的问题。"
        assert render_unanswered(unanswered([]), {}, "en") == "No unanswered questions in this period."


def test_the_stats_chart_is_a_png_of_the_promised_size_with_every_day(brain: Brain) -> None:
    """A week with questions on two days only: the chart data has all eight days (quiet ones at zero),
    and draws as a 1200 x 800 PNG."""
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    rows = [
        EventRow(1, now - timedelta(days=3), "answered", "private", "zh", "党小组", "system-vertical", (), "u1"),
        EventRow(2, now, "unanswered", "private", "zh", "GDP", None, (), "u2"),
    ]
    report = stats(rows, [], now - timedelta(days=7))
    data = chart_data(report, {lang: entry_titles(brain.knowledge, lang) for lang in LANGS}, "zh", now.date())
    assert [day for day, _ in data["days"]] == [f"2026-11-{day}" for day in range(21, 29)]
    assert data["days"][4][1] == {"answered": 1, "asked_back": 0, "unanswered": 0}
    png = draw(data)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (WIDTH, HEIGHT)
