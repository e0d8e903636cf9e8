"""What each part of the running bot costs in resident memory, step by step in a fresh process.

    python -m bench.memory

Imports and builds what `python -m bot run` does, in its order, and prints the growth of
resident memory (Linux /proc, VmRSS) after each step; then, in a second fresh process, the
Python objects each step left (tracemalloc, which itself costs memory, hence apart). For
comparison each ends by loading what the bot loaded before (jieba 0.42.1's dictionary, a test
dependency) and says what that would add.
"""

from __future__ import annotations

import importlib
import logging
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def resident_mb() -> float:
    """This process's resident memory now."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    if len(sys.argv) > 1:
        return measure(objects=sys.argv[1] == "objects")
    for kind in ("resident", "objects"):
        subprocess.run([sys.executable, "-m", "bench.memory", kind], cwd=ROOT, check=True)
        print()
    return 0


def measure(*, objects: bool) -> int:
    """Print one table: resident memory, or with `objects` the Python objects each step left."""
    if objects:
        tracemalloc.start()
    steps: list[tuple[str, Callable[[], object]]] = [
        ("python-telegram-bot and its HTTP client", lambda: importlib.import_module("telegram.ext")),
        ("PyYAML, rapidfuzz, OpenCC", lambda: [importlib.import_module(m) for m in ("yaml", "rapidfuzz", "opencc")]),
        ("pypinyin (single characters only)", lambda: importlib.import_module("bot.core.normalise")),
        ("the answering core's code", lambda: importlib.import_module("bot.core.brain")),
        ("the compiled dictionary (bot/core/words)", _dictionary),
        ("the article's FAQ, built and checked", _faq),
        ("the front end, storage and operations code", lambda: importlib.import_module("bot.tg.runner")),
        ("psycopg (PostgreSQL driver)", lambda: importlib.import_module("psycopg")),
    ]
    steps.append(("(before: jieba 0.42.1 and its dictionary)", _jieba))
    if objects:
        print(f"{'step':<46}{'objects MB':>11}")
    else:
        print(f"{'step':<46}{'RSS MB':>8}{'+MB':>7}{'s':>7}")
        print(f"{'the interpreter':<46}{resident_mb():>8.1f}")
    last = resident_mb()
    for name, step in steps:
        before = tracemalloc.get_traced_memory()[0]
        started = time.perf_counter()
        step()
        took = time.perf_counter() - started
        if objects:
            print(f"{name:<46}{(tracemalloc.get_traced_memory()[0] - before) / 2**20:>11.1f}", flush=True)
        else:
            now = resident_mb()
            print(f"{name:<46}{now:>8.1f}{now - last:>7.1f}{took:>7.2f}", flush=True)
            last = now
    return 0


_kept: list[object] = []


def _dictionary() -> object:
    _kept.append(importlib.import_module("bot.core.dictionary").dictionary())
    return _kept[-1]


def _faq() -> object:
    _kept.append(importlib.import_module("bot.core.brain").Brain.load(ROOT / "knowledge" / "faq.yaml"))
    return _kept[-1]


def _jieba() -> object:
    """jieba's dictionary as the bot used to load it (without pkg_resources, from jieba's cache file)."""
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # as the bot did: pkg_resources costs 12 MB
    try:
        jieba = importlib.import_module("jieba")
    finally:
        del sys.modules["pkg_resources"]
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = tempfile.gettempdir()
    tokenizer.initialize()
    _kept.append(tokenizer)
    return tokenizer.lcut("孝昌县有多少个党小组")


if __name__ == "__main__":
    sys.exit(main())
