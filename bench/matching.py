"""How fast the matcher is, and how that grows with the size of the FAQ.

    python -m bench.matching [--sizes 1000 10000] [--repeat 3]

For the article's FAQ and for generated FAQs of the given sizes (the article's entries
plus made-up ones whose words come from the article's own characters), prints the time
to build the index and, over the evaluation questions, p50 and p99 time per question
and questions per second. Then the time from start-up to a first answer (`python -m bot ask`
in a fresh process: the first start in a new DATA_DIR, which builds and checks the FAQ and
caches it, and the starts after it), and the time a reload takes from the file's bytes to the
edited FAQ being served (each reload a different edit of one entry's figure; the cache on, as in
the bot), and then the whole self-check that follows it in the background.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bot.core.brain import Brain
from bot.core.cache import FOLDER, Cache
from bot.core.matching import Matcher
from bot.faq.knowledge import English, Entry, Figure, KnowledgeBase, load_knowledge
from bot.faq.reloading import FaqReloader, Trigger
from bot.ops.evaluation import load_part, part_files
from tests.e2e.user import ROOT

FAQ = ROOT / "knowledge" / "faq.yaml"


def generated(base: KnowledgeBase, size: int, seed: int = 7) -> KnowledgeBase:
    """The article's entries plus made-up ones, up to `size` entries in all."""
    rng = random.Random(seed)
    article = (ROOT / "knowledge" / "article.txt").read_text(encoding="utf-8")
    chars = sorted({c for c in article if "\u4e00" <= c <= "\u9fff"})
    english = sorted({w.lower() for e in base.entries for w in e.en.answer.split() if w.isalpha()})

    def word(low: int, high: int) -> str:
        return "".join(rng.choices(chars, k=rng.randint(low, high)))

    def phrase(count: int) -> str:
        return " ".join(rng.choices(english, k=count))

    entries = list(base.entries)
    for number in range(size - len(entries)):
        entries.append(
            Entry(
                id=f"gen-{number}",
                line=None,
                title=word(4, 6),
                answer="，".join(word(4, 8) for _ in range(8)),
                questions=tuple(word(6, 10) for _ in range(4)),
                keywords=tuple(word(2, 4) for _ in range(6)),
                figures=(Figure(value=str(rng.randint(2, 9999)), unit="个", what=word(2, 4), en=phrase(2)),),
                en=English(title=phrase(3), answer=phrase(30), questions=(phrase(6), phrase(5)), keywords=(phrase(2),)),
            )
        )
    return replace(base, entries=tuple(entries))


def timing(matcher: Matcher, questions: list[str], repeat: int) -> tuple[float, float, float]:
    """p50 and p99 milliseconds per question, and questions per second."""
    for question in questions:
        matcher.decide(question)
    times = []
    for _ in range(repeat):
        for question in questions:
            started = time.perf_counter()
            matcher.decide(question)
            times.append(time.perf_counter() - started)
    times.sort()
    return 1000 * statistics.median(times), 1000 * times[int(0.99 * (len(times) - 1))], len(times) / sum(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    questions = [
        q.text for part in ("tuning", "held-out") for q in load_part(part_files(part, ROOT / "tests" / "eval"))
    ]
    base = load_knowledge(FAQ)
    print(f"{len(questions)} questions x {args.repeat}")
    print(f"{'entries':>8}{'build s':>10}{'p50 ms':>9}{'p99 ms':>9}{'questions/s':>13}")
    for knowledge in [base, *(generated(base, size) for size in args.sizes)]:
        started = time.perf_counter()
        matcher = Matcher(knowledge)
        built = time.perf_counter() - started
        p50, p99, rate = timing(matcher, questions, args.repeat)
        print(f"{len(knowledge.entries):>8}{built:>10.2f}{p50:>9.3f}{p99:>9.3f}{rate:>13.0f}", flush=True)
    with tempfile.TemporaryDirectory() as data:
        first, *later = start_ups(Path(data), 4)
        print(
            f"start-up to first answer (fresh process): first start {first:.2f} s (builds, checks and caches "
            f"the FAQ); later starts, median of {len(later)}: {statistics.median(later):.2f} s"
        )
        swap, whole = asyncio.run(reloads(Path(data), 5))
    print(
        f"FAQ reload of an edited entry, file to served (median of 5): {1000 * swap:.0f} ms; "
        f"the whole self-check after it, in the background: {1000 * whole:.0f} ms"
    )
    return 0


def start_ups(data: Path, count: int) -> list[float]:
    """Seconds from starting `python -m bot ask` to its answer, `count` times in one DATA_DIR."""
    env = {**os.environ, "DATA_DIR": str(data), "FAQ_FILE": str(FAQ)}
    times = []
    for _ in range(count):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot", "ask", "党小组"], cwd=ROOT, env=env, capture_output=True,
                       check=True)  # fmt: skip
        times.append(time.perf_counter() - started)
    return times


async def reloads(data: Path, count: int) -> tuple[float, float]:
    """Median seconds for a reload of an edited FAQ to be served, and for its whole check to follow."""
    faq = data / "faq.yaml"
    raw = FAQ.read_bytes()
    faq.write_bytes(raw)
    cache = Cache(data / FOLDER)

    def parse(raw: bytes, path: str, *, served: Brain | None = None) -> Brain:
        return Brain.parse(raw, path, cache=cache, served=served)

    reloader = FaqReloader(faq, data, parse, lambda _: None)
    reloader.serving(parse(raw, str(faq)), raw)
    swaps, wholes = [], []
    for number in range(count):
        faq.write_bytes(raw.replace("875个党小组".encode(), f"{876 + number}个党小组".encode(), 1))
        started = time.perf_counter()
        result = await reloader.reload(Trigger.SIGNAL)
        swaps.append(time.perf_counter() - started)
        started = time.perf_counter()
        await reloader.checked()
        wholes.append(time.perf_counter() - started)
        if not result.ok or result.changes is None or result.changes.empty:
            raise SystemExit(f"reload {number + 1} did not swap in the edit: {result}")
    return statistics.median(swaps), statistics.median(wholes)


if __name__ == "__main__":
    sys.exit(main())
