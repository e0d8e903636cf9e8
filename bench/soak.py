"""Soak run: an hour's worth of mixed traffic compressed into a few minutes.

    python -m bench.soak [--minutes 3] [--rate 20]

Starts the real bot against the Bot API emulator and sends, at a steady rate, questions
from the evaluation sets (answered, asked back and declined ones), commands and button
presses (topic menus, votes), from 50 users. Every 15 seconds it samples the bot's
resident memory, open files, threads, and asyncio tasks (from the heartbeat file), then
prints the samples and how much each grew from 60 s (warmed up) to the end.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import yaml

from bench.load import peak_rss_mb
from tests.e2e.user import ROOT, TelegramUser, bot_api, buttons, start_bot, stop_bot, wait_for

SAMPLE_SECONDS = 15


def sample(pid: int, data_dir: Path) -> dict[str, float]:
    """Memory, open files, threads and asyncio tasks of the bot process now."""
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    fields = {line.split(":")[0]: line.split(":")[1].split() for line in status if ":" in line}
    beat = json.loads((data_dir / "heartbeat.json").read_text(encoding="utf-8"))
    return {
        "rss_mb": int(fields["VmRSS"][0]) / 1024,
        "files": float(len(list(Path(f"/proc/{pid}/fd").iterdir()))),
        "threads": float(fields["Threads"][0]),
        "tasks": float(beat.get("tasks", 0)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--rate", type=float, default=20.0, help="messages per second")
    args = parser.parse_args()
    texts = []
    for name in ("tuning", "heldout"):
        questions = yaml.safe_load((ROOT / "tests" / "eval" / f"{name}.yaml").read_text("utf-8"))["questions"]
        texts += [str(item[2]) for item in questions]
    rng = random.Random(11)
    token = "313131:" + "K" * 35
    with bot_api() as (emulator, proxy), tempfile.TemporaryDirectory() as data:
        data_dir = Path(data)
        bot = start_bot(proxy.url, token, data_dir, log=data_dir / "bot.log", LOG_LEVEL="WARNING")
        users = [TelegramUser(emulator, token, 20_000 + n) for n in range(50)]
        try:
            wait_for(lambda: (data_dir / "heartbeat.json").exists() or bot.poll() is not None, 30, "the bot")
            samples: list[tuple[float, dict[str, float]]] = []
            started = time.monotonic()
            next_sample, sent, pressed = started, 0, 0
            while time.monotonic() - started < 60 * args.minutes:
                user = rng.choice(users)
                roll = rng.random()
                if roll < 0.8:
                    user.say(rng.choice(texts))
                elif roll < 0.9:
                    user.command(rng.choice(["/start", "/help", "/topics", "/about"]))
                else:
                    replies = user.replies()
                    options = [(m, callback) for m in replies for callback in buttons(m).values()]
                    if options:
                        message, callback = rng.choice(options)
                        user.press(callback, message)
                        pressed += 1
                sent += 1
                if time.monotonic() >= next_sample:
                    samples.append((time.monotonic() - started, sample(bot.pid, data_dir)))
                    print(f"{samples[-1][0]:6.0f} s  " + "  ".join(f"{k} {v:.0f}" for k, v in samples[-1][1].items()),
                          flush=True)  # fmt: skip
                    next_sample += SAMPLE_SECONDS
                time.sleep(max(0.0, started + sent / args.rate - time.monotonic()))
            assert bot.poll() is None, "the bot stopped during the soak"
            peak = peak_rss_mb(bot.pid)
        finally:
            for user in users:
                user.close()
            stop_bot(bot)
    # from 60 s: warmed up, and the heartbeat (every 30 s) has counted tasks under traffic
    settled = [values for at, values in samples if at >= 60] or [samples[-1][1]]
    first, last = settled[0], settled[-1]
    print(f"{sent} messages ({pressed} button presses) in {args.minutes:g} min; bot exit status {bot.returncode}")
    print("growth from 60 s to the end: " + ", ".join(f"{k} {last[k] - first[k]:+.0f}" for k in first))
    print(f"peak memory {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
