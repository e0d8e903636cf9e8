"""Load run: 200 users send 2,000 questions in a burst; the FAQ bot against a bare echo bot.

Both bots run as real processes against the same Bot API emulator (through the test
proxy), one after the other in the same run, with the same rate limiter settings.
Prints, for each: questions answered, answered more than once, replies per second,
and p50/p99 latency from a question's arrival at the API to its reply.

    python -m bench.load [--users 200] [--questions 2000] [--rate-limit 1000] [--rounds 3]

Ten questions a user keeps each within the bot's fair share (20 at once, then one a second), so
both bots answer every question.

The emulator's speed varies from run to run, so each round runs both bots (each on a
fresh emulator, the order alternating between rounds) and the summary gives medians.

Needs the emulator installed (`npm ci --prefix tests/e2e`, done by `.ci/run`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from tests.e2e.proxy import BotApiProxy
from tests.e2e.user import ROOT, bot_api, start_bot, wait_for


@dataclass(frozen=True)
class Result:
    """One bot's figures for one burst."""

    name: str
    sent: int
    answered: int
    twice: int
    seconds: float
    p50_ms: float
    p99_ms: float
    cpu_s: float
    peak_mb: float

    @property
    def rate(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0


def questions(count: int) -> list[str]:
    """`count` questions drawn in turn from the evaluation sets: a realistic mix of outcomes."""
    texts = []
    for name in ("tuning.yaml", "heldout.yaml"):
        data = yaml.safe_load((ROOT / "tests" / "eval" / name).read_text(encoding="utf-8"))
        texts += [str(item[2]) for item in data["questions"]]
    return [texts[i % len(texts)] for i in range(count)]


async def burst(emulator: str, token: str, users: int, texts: list[str]) -> None:
    """Every user sends their share of the questions, one after another, all users at once."""
    async with httpx.AsyncClient(base_url=emulator, timeout=30) as http:

        async def user(number: int) -> None:
            uid = 10_000 + number
            person = {"id": uid, "is_bot": False, "first_name": f"u{uid}", "language_code": "zh-hans"}
            for text in texts[number::users]:
                chat = {"id": uid, "type": "private"}
                body = {"botToken": token, "from": person, "chat": chat, "date": int(time.time()), "text": text}
                (await http.post("/sendMessage", json=body)).raise_for_status()

        await asyncio.gather(*(user(n) for n in range(users)))


def history(emulator: str, token: str) -> list[dict[str, Any]]:
    """Everything the emulator holds for a bot: the users' messages and the bot's replies."""
    response = httpx.post(f"{emulator}/getUpdatesHistory", json={"token": token}, timeout=60)
    response.raise_for_status()
    return list(response.json()["result"])


def _is_reply(item: dict[str, Any]) -> bool:
    return "chat_id" in item["message"]  # the bot's messages are stored as sent: with chat_id


def _reply_to(message: dict[str, Any]) -> int | None:
    raw = message.get("reply_parameters")
    params = json.loads(raw) if isinstance(raw, str) else raw
    return int(params["message_id"]) if isinstance(params, dict) else None


def _recorded_replies(data_dir: Path) -> dict[int, int]:
    """Reply message id to question message id, from the bot's own record: its private replies do not
    quote their question (the echo bot's do, and have no record)."""
    database = data_dir / "bot.sqlite3"
    if not database.exists():
        return {}
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT message_id, question_message_id FROM answers WHERE question_message_id IS NOT NULL")
        return {int(reply): int(question) for reply, question in rows.fetchall()}


def measure(
    name: str, command: list[str] | None, emulator: str, proxy: BotApiProxy, args: argparse.Namespace
) -> Result:
    """Start one bot (`command`, or `python -m bot run` when None), send the burst, read the figures."""
    token = f"{900 + len(name)}:{name.upper():A<35}"[:46]
    texts = questions(args.questions)
    with tempfile.TemporaryDirectory() as data:
        extra = {"TELEGRAM_RATE_LIMIT": str(args.rate_limit), "LOG_LEVEL": "WARNING"}
        log = args.logs / f"{name}.log"
        if command is None:
            bot = start_bot(proxy.url, token, Path(data), log=log, **extra)
        else:
            env = {**os.environ, "TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": proxy.url, **extra}
            with log.open("w") as output:  # the child keeps its own copy of the file
                bot = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, text=True)
        try:
            polls = len(proxy.called("getUpdates"))
            wait_for(lambda: len(proxy.called("getUpdates")) > polls or bot.poll() is not None, 30, f"{name} to poll")
            started = time.time()
            asyncio.run(burst(emulator, token, args.users, texts))

            def all_replied() -> bool:
                return sum(map(_is_reply, history(emulator, token))) >= len(texts)

            wait_for(all_replied, args.timeout, f"{name} to reply to every question")
            time.sleep(1.0)  # any second reply to a question would come now
            everything = history(emulator, token)
            cpu = cpu_seconds(bot.pid)
            peak = peak_rss_mb(bot.pid)
        finally:
            bot.send_signal(signal.SIGTERM)
            bot.wait(timeout=20)
        recorded = _recorded_replies(Path(data))
    asked = {int(i["messageId"]): int(i["time"]) for i in everything if not _is_reply(i)}
    per_question: dict[int, list[int]] = {}
    for item in filter(_is_reply, everything):
        target = _reply_to(item["message"]) or recorded.get(int(item["messageId"]))
        if target is not None:
            per_question.setdefault(target, []).append(int(item["time"]))
    latencies = sorted(min(times) - asked[q] for q, times in per_question.items() if q in asked)
    last = max(max(times) for times in per_question.values()) / 1000
    return Result(
        name=name,
        sent=len(texts),
        answered=sum(1 for q in asked if q in per_question),
        twice=sum(1 for times in per_question.values() if len(times) > 1),
        seconds=last - started,
        p50_ms=statistics.median(latencies),
        p99_ms=latencies[int(0.99 * (len(latencies) - 1))],
        cpu_s=cpu,
        peak_mb=peak,
    )


def peak_rss_mb(pid: int) -> float:
    """The most resident memory a process has used so far (Linux /proc, VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--rate-limit", type=float, default=1000.0, help="TELEGRAM_RATE_LIMIT for both bots")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--logs", type=Path, default=Path(tempfile.gettempdir()), help="where the bots' logs go")
    args = parser.parse_args()
    bots: list[tuple[str, list[str] | None]] = [("echo", [sys.executable, "-m", "bench.echo_bot"]), ("faqbot", None)]
    results: list[Result] = []
    print(f"{args.users} users, {args.questions} questions in a burst, rate limit {args.rate_limit:g}/s")
    columns = (("answered", 10), ("twice", 7), ("replies/s", 11), ("p50 ms", 9), ("p99 ms", 9),
               ("bot CPU s", 11), ("peak MB", 9))  # fmt: skip
    print(f"{'round':<7}{'bot':<8}" + "".join(f"{title:>{width}}" for title, width in columns))
    for number in range(args.rounds):
        # a fresh emulator for each bot: it scans its whole store on every call, so a second
        # bot on the same emulator would be slowed by the first one's messages
        for name, command in bots if number % 2 == 0 else bots[::-1]:
            with bot_api() as (emulator, proxy):
                r = measure(name, command, emulator, proxy, args)
            results.append(r)
            print(
                f"{number + 1:<7}{r.name:<8}{r.answered:>6}/{r.sent:<4}{r.twice:>6}{r.rate:>11.1f}{r.p50_ms:>9.0f}"
                f"{r.p99_ms:>9.0f}{r.cpu_s:>11.1f}{r.peak_mb:>9.0f}",
                flush=True,
            )
    summary = {}
    for name, _ in bots:
        mine = [r for r in results if r.name == name]
        summary[name] = (
            statistics.median(r.rate for r in mine),
            statistics.median(r.p50_ms for r in mine),
            statistics.median(r.p99_ms for r in mine),
            statistics.median(r.cpu_s for r in mine),
        )
        rate, p50, p99, cpu = summary[name]
        print(f"median {name:<8} {rate:.1f} replies/s, p50 {p50:.0f} ms, p99 {p99:.0f} ms, bot CPU {cpu:.1f} s")
    print(f"faqbot / echo rate (medians): {summary['faqbot'][0] / summary['echo'][0]:.2f}")
    return 0 if all(r.answered == r.sent and r.twice == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
