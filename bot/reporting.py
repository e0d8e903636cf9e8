"""What the admins learn from use: statistics, and the questions the bot could not answer.

Works on the rows of `bot.feedback` and returns plain text (for Telegram inside
`<pre>`, and for the terminal) or CSV. Near-duplicate questions are grouped, so that
"孝昌县GDP是多少" and "孝昌县的GDP是多少？" count as one. Imports nothing from `telegram`.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rapidfuzz import fuzz

from bot.knowledge import KnowledgeBase
from bot.normalise import detect_language, query_units

SAME_QUESTION = 85
"""rapidfuzz ratio from which two questions count as the same one."""

BAR_WIDTH = 20

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Stats:
    """Use over a period."""

    since: datetime
    answered: int
    asked_back: int
    unanswered: int
    votes_up: int
    votes_down: int
    top: tuple[tuple[str, int], ...]
    per_day: tuple[tuple[str, int], ...]

    @property
    def questions(self) -> int:
        """Questions matched in the period."""
        return self.answered + self.asked_back + self.unanswered

    def rate(self, part: int) -> str:
        """A count as a share of the questions."""
        return f"{100 * part / self.questions:.0f}%" if self.questions else "-"


@dataclass
class Group:
    """Questions that are the same question, however typed."""

    question: str
    key: str
    count: int = 0
    asked_back: int = 0
    variants: list[str] = field(default_factory=list)
    candidates: Counter[str] = field(default_factory=Counter)


def entry_titles(knowledge: KnowledgeBase) -> dict[str, str]:
    """Entry id to title, for showing entries by name in the reports."""
    return {entry.id: entry.title for entry in knowledge.entries}


def stats(rows: Sequence[Row], since: datetime, top: int = 5) -> Stats:
    """Count outcomes, top measures, votes and questions per day."""
    kinds = Counter(row["kind"] for row in rows)
    entries = Counter(row["entry_id"] for row in rows if row["kind"] == "answered" and row["entry_id"])
    days = Counter(str(row["at"])[:10] for row in rows if row["kind"] != "vote")
    votes = Counter(row["vote"] for row in rows if row["kind"] == "vote")
    return Stats(
        since=since,
        answered=kinds["answered"],
        asked_back=kinds["asked_back"],
        unanswered=kinds["unanswered"],
        votes_up=votes[1],
        votes_down=votes[-1],
        top=tuple(entries.most_common(top)),
        per_day=tuple(sorted(days.items())),
    )


def _key(question: str) -> str:
    return "".join(unit.text for unit in query_units(question, detect_language(question) or "zh"))


def unanswered(rows: Sequence[Row], limit: int = 10) -> list[Group]:
    """Questions declined or asked back about, near duplicates grouped, most frequent first."""
    groups: list[Group] = []
    asked = Counter(row["question"] for row in rows if row["kind"] in ("unanswered", "asked_back"))
    kinds = {row["question"]: row["kind"] for row in rows}
    best = {row["question"]: json.loads(row["candidates"] or "[]") for row in rows}
    for question, count in asked.most_common():
        key = _key(question) or question
        group = next((g for g in groups if fuzz.ratio(key, g.key) >= SAME_QUESTION), None)
        if group is None:
            group = Group(question=question, key=key)
            groups.append(group)
        group.count += count
        group.asked_back += count if kinds[question] == "asked_back" else 0
        if question != group.question:
            group.variants.append(question)
        for entry_id, _ in best[question][:1]:
            group.candidates[entry_id] += count
    groups.sort(key=lambda g: -g.count)
    return groups[:limit]


def render_stats(report: Stats, titles: Mapping[str, str]) -> str:
    """The statistics as plain text, with a bar per day."""
    lines = [
        f"Since {report.since:%Y-%m-%d %H:%M} UTC: {report.questions} questions",
        f"  answered    {report.answered:>5}  {report.rate(report.answered):>4}",
        f"  asked back  {report.asked_back:>5}  {report.rate(report.asked_back):>4}",
        f"  declined    {report.unanswered:>5}  {report.rate(report.unanswered):>4}",
        f"  votes       {report.votes_up:>5} 👍  {report.votes_down} 👎",
    ]
    if report.top:
        lines.append("Most asked:")
        lines += [f"  {count:>5}  {titles.get(entry, entry)}" for entry, count in report.top]
    if report.per_day:
        lines.append("Per day:")
        most = max(count for _, count in report.per_day)
        for day, count in report.per_day:
            bar = "▇" * max(1, round(BAR_WIDTH * count / most))
            lines.append(f"  {day[5:]} {bar} {count}")
    return "\n".join(lines)


def render_unanswered(groups: Sequence[Group], titles: Mapping[str, str]) -> str:
    """The grouped questions as plain text: count, question, how else it was typed, nearest entry."""
    if not groups:
        return "No unanswered questions in this period."
    lines = []
    for group in groups:
        note = f" ({group.asked_back} asked back)" if group.asked_back else ""
        lines.append(f"{group.count:>4}× {group.question}{note}")
        if group.variants:
            lines.append(f"      also: {' / '.join(group.variants[:3])}")
        if group.candidates:
            nearest = group.candidates.most_common(1)[0][0]
            lines.append(f"      nearest: {titles.get(nearest, nearest)}")
    return "\n".join(lines)


def to_csv(report: Stats, groups: Sequence[Group]) -> str:
    """Statistics and grouped questions as one CSV table: section, key, count, detail."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "key", "count", "detail"])
    for key, count in (("answered", report.answered), ("asked_back", report.asked_back),
                       ("unanswered", report.unanswered)):  # fmt: skip
        writer.writerow(["stats", key, count, report.rate(count)])
    writer.writerow(["stats", "votes_up", report.votes_up, ""])
    writer.writerow(["stats", "votes_down", report.votes_down, ""])
    for entry, count in report.top:
        writer.writerow(["top", entry, count, ""])
    for day, count in report.per_day:
        writer.writerow(["day", day, count, ""])
    for group in groups:
        writer.writerow(["unanswered", group.question, group.count, " / ".join(group.variants)])
    return out.getvalue()
