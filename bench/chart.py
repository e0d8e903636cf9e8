"""How long the /stats chart takes: drawn in-process, and in a process of its own as the bot does.

    python -m bench.chart [--repeat 5]

A week of made-up questions (every outcome on every day, ten measures), the figures the
admin's /stats shows. Prints the median time to draw the PNG in this process (matplotlib
already imported), and the median time of `draw_elsewhere` (a fresh `python -m bot.ops.chart`,
which imports matplotlib each time): the wait an admin sees.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from bot.core.brain import Brain
from bot.language import LANGS
from bot.ops.chart import chart_data, draw, draw_elsewhere
from bot.ops.reporting import entry_titles, stats
from bot.storage.store import EventRow
from tests.e2e.user import ROOT


def week(now: datetime, seed: int = 7) -> list[EventRow]:
    """A week of usage events: a few hundred questions with every outcome, on every day."""
    rng = random.Random(seed)
    brain = Brain.load(ROOT / "knowledge" / "faq.yaml")
    ids = [entry.id for entry in brain.knowledge.entries]
    rows = []
    for number in range(700):
        kind = rng.choices(["answered", "asked_back", "unanswered"], weights=[7, 1, 2])[0]
        at = now - timedelta(days=rng.random() * 7)
        entry = rng.choice(ids) if kind == "answered" else None
        rows.append(EventRow(number, at, kind, "private", "zh", f"q{number}", entry, (), f"u{number % 50}"))
    return sorted(rows, key=lambda row: row.at)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    now = datetime.now(UTC)
    since = now - timedelta(days=7)
    knowledge = Brain.load(ROOT / "knowledge" / "faq.yaml").knowledge
    report = stats(week(now), [], since)
    data = chart_data(report, {lang: entry_titles(knowledge, lang) for lang in LANGS}, "zh", now.date())
    draw(data)  # imports matplotlib and builds its font cache once
    in_process, elsewhere = [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        png = draw(data)
        in_process.append(time.perf_counter() - started)
        started = time.perf_counter()
        assert asyncio.run(draw_elsewhere(data)) is not None
        elsewhere.append(time.perf_counter() - started)
    print(f"chart for a week ({report.questions} questions, {len(report.top)} measures): {len(png):,} bytes")
    print(f"  drawn in this process: median {statistics.median(in_process) * 1000:.0f} ms")
    print(f"  drawn in its own process (as /stats does): median {statistics.median(elsewhere) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
