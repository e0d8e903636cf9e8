"""What the admins learn from use: statistics, and the questions the bot could not answer.

Works on the store's rows and returns plain text in the admin's language (for Telegram
inside `<pre>`, and for the terminal) or CSV. Near-duplicate questions are grouped, so that
"孝昌县GDP是多少" and "孝昌县的GDP是多少？" count as one. Votes count people: one vote per
person per answer, the latest. Imports nothing from `telegram`.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from rapidfuzz import fuzz

from bot.core.normalise import detect_language, query_units
from bot.faq.knowledge import KnowledgeBase
from bot.language import Lang
from bot.storage.store import EventRow, VoteRow
from bot.texts import say

SAME_QUESTION = 85
"""rapidfuzz ratio from which two questions count as the same one."""

BAR_WIDTH = 20
TOP = 5
"""Measures listed as the most asked."""
GROUPS = 10
"""Unanswered questions listed."""
SHOWN_CHARS = 60
"""An unanswered question longer than this is cut: a report line is for recognising it, not reading it."""

QUESTION_KINDS = ("answered", "asked_back", "unanswered")
"""The usage log's kinds that are questions (small talk is not)."""

PERIODS = {"": 7, "week": 7, "w": 7, "周": 7, "本周": 7, "一周": 7, "day": 1, "today": 1, "d": 1, "天": 1, "今天": 1}
"""The periods /stats and /unanswered understand, in days, wherever an admin types them."""


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
    per_day: tuple[tuple[date, Counter[str]], ...]
    """Each day with questions: its counts by outcome."""
    channels: tuple[tuple[str, int], ...] = ()
    """Questions by front end (`telegram`, `web`, `console`, ...), the busiest first."""

    @property
    def questions(self) -> int:
        """Questions in the period."""
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
    lang: Lang = "zh"
    """The language it was asked in."""


@dataclass(frozen=True)
class Downvote:
    """An answer people gave 👎: the question, the entry it came from, how many people."""

    question: str
    entry_id: str | None
    lang: Lang
    people: int


def entry_titles(knowledge: KnowledgeBase, lang: Lang = "zh") -> dict[str, str]:
    """Entry id to title, for showing entries by name in the reports."""
    return {entry.id: entry.title_in(lang) for entry in knowledge.entries}


def stats(events: Sequence[EventRow], votes: Sequence[VoteRow], since: datetime, top: int = TOP) -> Stats:
    """Count outcomes, top measures, people's votes and questions per day."""
    asked = [row for row in events if row.kind in QUESTION_KINDS]
    kinds = Counter(row.kind for row in asked)
    entries = Counter(row.entry_id for row in asked if row.kind == "answered" and row.entry_id)
    days: dict[date, Counter[str]] = {}
    for row in asked:
        days.setdefault(row.at.date(), Counter())[row.kind] += 1
    return Stats(
        since=since,
        answered=kinds["answered"],
        asked_back=kinds["asked_back"],
        unanswered=kinds["unanswered"],
        votes_up=sum(1 for vote in votes if vote.vote > 0),
        votes_down=sum(1 for vote in votes if vote.vote < 0),
        top=tuple(entries.most_common(top)),
        per_day=tuple(sorted(days.items())),
        channels=tuple(sorted(Counter(row.channel for row in asked).items(), key=lambda item: (-item[1], item[0]))),
    )


def _key(question: str) -> str:
    return "".join(unit.text for unit in query_units(question, detect_language(question) or "zh"))


def unanswered(events: Sequence[EventRow], limit: int = GROUPS) -> list[Group]:
    """Questions declined or asked back about, near duplicates grouped, most frequent first."""
    # a bare number ("2") is a pick that came too late, not a question the FAQ is missing
    rows = [row for row in events if row.kind in ("unanswered", "asked_back") and not _bare_number(row.question)]
    asked = Counter(row.question for row in rows)
    kinds = {row.question: row.kind for row in rows}
    best = {row.question: row.candidates for row in rows}
    langs: dict[str, Lang] = {row.question: "en" if row.lang == "en" else "zh" for row in rows}
    groups: list[Group] = []
    for question, count in asked.most_common():
        key = _key(question) or question
        group = next((g for g in groups if fuzz.ratio(key, g.key) >= SAME_QUESTION), None)
        if group is None:
            group = Group(question=question, key=key, lang=langs[question])
            groups.append(group)
        group.count += count
        group.asked_back += count if kinds[question] == "asked_back" else 0
        if question != group.question:
            group.variants.append(question)
        for entry_id, _ in best[question][:1]:
            group.candidates[entry_id] += count
    groups.sort(key=lambda g: -g.count)
    return groups[:limit]


def downvoted(votes: Sequence[VoteRow], limit: int = GROUPS) -> list[Downvote]:
    """Answers people gave 👎 (their latest vote) whose question is still known, the most disliked
    first; the same question answered from the same entry counts once, by people."""
    people: Counter[tuple[str, str | None, Lang]] = Counter()
    for vote in votes:
        if vote.vote < 0 and vote.question:
            people[(vote.question, vote.entry_id, "en" if vote.lang == "en" else "zh")] += 1
    return [Downvote(q, entry, lang, count) for (q, entry, lang), count in people.most_common(limit)]


def render_stats(report: Stats, titles: Mapping[str, str], lang: Lang = "zh") -> str:
    """The statistics as plain text, with a bar per day."""
    lines = [
        say("stats_head", lang, since=f"{report.since:%Y-%m-%d %H:%M}", questions=report.questions),
        f"  {say('stats_answered', lang):<10} {report.answered:>5}  {report.rate(report.answered):>4}",
        f"  {say('stats_asked_back', lang):<10} {report.asked_back:>5}  {report.rate(report.asked_back):>4}",
        f"  {say('stats_declined', lang):<10} {report.unanswered:>5}  {report.rate(report.unanswered):>4}",
        f"  {say('stats_votes', lang):<10} {say('stats_votes_line', lang, up=report.votes_up, down=report.votes_down)}",
    ]
    if report.channels:
        split = " · ".join(f"{channel} {count} ({report.rate(count)})" for channel, count in report.channels)
        lines.append(f"  {say('stats_channels', lang):<10} {split}")
    if report.top:
        lines.append(say("stats_top", lang))
        lines += [f"  {count:>5}  {titles.get(entry, entry)}" for entry, count in report.top]
    if report.per_day:
        lines.append(say("stats_days", lang))
        most = max(sum(counts.values()) for _, counts in report.per_day)
        for day, counts in report.per_day:
            total = sum(counts.values())
            bar = "▇" * max(1, round(BAR_WIDTH * total / most))
            lines.append(f"  {day:%m-%d} {bar} {total}")
    return "\n".join(lines)


def _bare_number(question: str) -> bool:
    return question.strip().rstrip(".。)）").isdigit()


def _cut(question: str) -> str:
    return question if len(question) <= SHOWN_CHARS else question[: SHOWN_CHARS - 1] + "…"


def render_unanswered(
    groups: Sequence[Group], titles: Mapping[str, str], lang: Lang = "zh", downvotes: Sequence[Downvote] = ()
) -> str:
    """The grouped questions as plain text: count, question, how else it was typed, nearest entry;
    then the answers people gave 👎, with the entry each came from."""
    if not groups and not downvotes:
        return say("unanswered_none", lang)
    lines = [
        line
        for vote in downvotes
        for line in (
            f"{vote.people:>4}👎 {vote.question}",
            f"      {say('unanswered_got', lang)}{titles.get(vote.entry_id or '', vote.entry_id or '-')}",
        )
    ]
    if not groups:
        return "\n".join(lines)
    return "\n".join([*_group_lines(groups, titles, lang), *lines])


def _group_lines(groups: Sequence[Group], titles: Mapping[str, str], lang: Lang) -> list[str]:
    lines = []
    for group in groups:
        note = say("unanswered_asked_back", lang, count=group.asked_back) if group.asked_back else ""
        lines.append(f"{group.count:>4}× {_cut(group.question)}{note}")
        if group.variants:
            lines.append(f"      {say('unanswered_also', lang)}{' / '.join(_cut(v) for v in group.variants[:3])}")
        if group.candidates:
            nearest = group.candidates.most_common(1)[0][0]
            lines.append(f"      {say('unanswered_nearest', lang)}{titles.get(nearest, nearest)}")
    return lines


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
    for channel, count in report.channels:
        writer.writerow(["channel", channel, count, report.rate(count)])
    for entry, count in report.top:
        writer.writerow(["top", entry, count, ""])
    for day, counts in report.per_day:
        writer.writerow(["day", day.isoformat(), sum(counts.values()), ""])
    for group in groups:
        writer.writerow(["unanswered", group.question, group.count, " / ".join(group.variants)])
    return out.getvalue()
