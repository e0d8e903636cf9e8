"""What durability costs: the inbox's writes on SQLite with synchronous=FULL (what the bot uses) and
NORMAL, each write committed alone or grouped with those queued meanwhile (what the bot does).

    python -m bench.durability [--updates 2000] [--rounds 3]

Each option keeps `--updates` updates and marks each handled, as the bot does for every update:
one at a time (each waiting for its own commit, as a quiet bot does) and as a burst (100 at once,
as polling hands them in). Prints updates per second for both, and p50/p99 of one write alone; the
figures are the medians of the rounds. The store is the bot's own (`SqliteStore`), in a temporary
folder on the same disk as the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bot.storage import sqlite
from bot.storage.sqlite import SqliteStore

BOT = 123456
BURST = 100


@dataclass(frozen=True)
class Figures:
    """One option's figures for one round."""

    alone_per_s: float
    burst_per_s: float
    p50_ms: float
    p99_ms: float


async def measure(folder: Path, updates: int) -> Figures:
    """Keep and mark handled `updates` updates one at a time, then as bursts; the rates and write times."""
    store = SqliteStore(folder)
    await store.start()
    try:
        payload = '{"update_id": 0, "message": {"text": "孝昌县有多少个党小组"}}' * 4
        times = []
        began = time.perf_counter()
        for number in range(updates):
            started = time.perf_counter()
            await store.deliveries.receive(BOT, number, payload)
            times.append(time.perf_counter() - started)
            await store.deliveries.done(BOT, number)
        alone = updates / (time.perf_counter() - began)
        began = time.perf_counter()
        for first in range(updates, 2 * updates, BURST):
            batch = range(first, min(first + BURST, 2 * updates))
            await asyncio.gather(*(store.deliveries.receive(BOT, n, payload) for n in batch))
            await asyncio.gather(*(store.deliveries.done(BOT, n) for n in batch))
        burst = updates / (time.perf_counter() - began)
    finally:
        await store.close()
    times.sort()
    return Figures(alone, burst, 1000 * times[len(times) // 2], 1000 * times[int(len(times) * 0.99)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    options = [("FULL", 1, ""), ("FULL", 500, "the bot"), ("NORMAL", 1, ""), ("NORMAL", 500, "")]
    print(f"{args.updates} updates kept and marked handled, {args.rounds} rounds (medians)")
    print(f"{'synchronous':<12} {'commits':<9} {'alone/s':>8} {'burst/s':>8} {'p50 ms':>7} {'p99 ms':>7}")
    for synchronous, batch, note in options:
        sqlite.SYNCHRONOUS, sqlite.COMMIT_BATCH = synchronous, batch
        rounds = []
        for _ in range(args.rounds):
            with tempfile.TemporaryDirectory(dir=tempfile.gettempdir()) as folder:
                rounds.append(asyncio.run(measure(Path(folder), args.updates)))
        grouped = "grouped" if batch > 1 else "alone"
        print(f"{synchronous:<12} {grouped:<9} {statistics.median(r.alone_per_s for r in rounds):>8.0f} "
              f"{statistics.median(r.burst_per_s for r in rounds):>8.0f} "
              f"{statistics.median(r.p50_ms for r in rounds):>7.2f} {statistics.median(r.p99_ms for r in rounds):>7.2f}"
              f"  {note}")  # fmt: skip


if __name__ == "__main__":
    main()
