"""How long the bot takes through faults: the times the tests no longer assert, as figures.

    python -m bench.waits [--hold 10]

- the store (SQLite, in this process) while another process holds the database: the first
  write (it gives up after WRITE_WAIT), the writes after it, recording 50 usage events, and a
  close that gives up the writes still stuck;
- the bot (`python -m bot run` against the Bot API emulator, as the tests run it): a stop by
  SIGTERM when idle, and during an outage with a reply waiting to be sent again; an edit of the
  FAQ file until it is served; and how soon questions are answered while another process holds
  the database for `--hold` seconds;
- with PostgreSQL (and nginx) installed: how soon a replica answers once the database is away,
  and how soon a second replica serves an FAQ edit the first loaded.

Needs the emulator (`npm ci --prefix tests/e2e`); the PostgreSQL part is left out, saying so,
when its binaries are not installed.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from bot.storage.sqlite import SqliteStore
from bot.storage.store import Event, StoreBusy
from tests.e2e.postgres import binaries, postgres_server
from tests.e2e.proxy import BotApiProxy
from tests.e2e.replicas import HOOK_PATH, nginx, nginx_binary
from tests.e2e.service import started
from tests.e2e.user import ROOT, TelegramUser, bot_api, free_port, start_bot, stop_bot, wait_for

FAQ = ROOT / "knowledge" / "faq.yaml"
SECRET = "waits-Secret_1"
QUESTIONS = ("孝昌县有多少个党小组", "太子米种了多少亩", "沈腾是谁", "龙泉村是什么试点", "十分钟服务承诺是什么")


def line(what: str, figure: str) -> None:
    print(f"  {what:<62} {figure}", flush=True)


async def store_waits(folder: Path) -> None:
    """The SQLite store with its database held by another process."""
    store = SqliteStore(folder)
    await store.start()
    holder = sqlite3.connect(folder / "bot.sqlite3", timeout=0, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    loop = asyncio.get_running_loop()
    took = []
    for user in range(5):
        began = loop.time()
        with suppress(StoreBusy):
            await store.conversations.remember_language(f"telegram:{user}", "en")
        took.append(loop.time() - began)
    line("store: first write while held (gives up after WRITE_WAIT)", f"{took[0]:.2f} s")
    line("store: each write after it, slowest of 4", f"{1000 * max(took[1:]):.1f} ms")
    began = loop.time()
    for number in range(50):
        await store.events.record(Event("answered", "private", "zh", f"q{number}", 7))
    line("store: recording 50 usage events while held", f"{1000 * (loop.time() - began):.1f} ms")
    began = loop.time()
    await store.close()
    line("store: a close giving up writes stuck behind the lock", f"{loop.time() - began:.2f} s")
    holder.execute("ROLLBACK")
    holder.close()


@contextmanager
def running_bot(proxy: BotApiProxy, folder: Path, name: str, **env: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    token = f"{7000 + len(name)}:{name.upper():B<35}"[:45]
    folder.mkdir(parents=True, exist_ok=True)
    bot = start_bot(proxy.url, token, folder, log=folder / "bot.log", **env)
    try:
        started(bot, folder / "bot.log")
        yield bot, token
    finally:
        if bot.poll() is None:
            stop_bot(bot)


def stop_time(bot: subprocess.Popen[str]) -> float:
    began = time.monotonic()
    bot.send_signal(signal.SIGTERM)
    bot.wait(timeout=60)
    return time.monotonic() - began


def bot_waits(root: Path, hold: float) -> None:
    """One bot through the emulator: stops, a file edit, a held database."""
    with bot_api() as (emulator, proxy):
        with running_bot(proxy, root / "idle", "idle") as (bot, _):
            line("bot: stop by SIGTERM when idle", f"{stop_time(bot):.2f} s")

        with running_bot(proxy, root / "outage", "outage") as (bot, token):
            attempts: list[float] = []

            def fault(method: str, called: str) -> tuple[int, dict[str, Any]] | None:
                if called != token or method != "sendMessage":
                    return None
                attempts.append(time.monotonic())
                return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}

            proxy.fault = fault
            try:
                TelegramUser(emulator, token, 8102).say("党小组")
                wait_for(lambda: len(attempts) >= 2, 15, "the answer to be retried")
                line("bot: stop by SIGTERM with a reply waiting out an outage", f"{stop_time(bot):.2f} s")
            finally:
                proxy.fault = None

        faq = root / "edit" / "faq.yaml"
        faq.parent.mkdir(parents=True)
        shutil.copy(FAQ, faq)
        with running_bot(proxy, faq.parent, "edit", FAQ_FILE=str(faq)):
            log = faq.parent / "bot.log"
            wait_for(lambda: "watching" in log.read_text(), 10, "the watcher to start")
            faq.write_text(FAQ.read_text(encoding="utf-8").replace("设立875个党小组", "设立875个党小组（改）"), "utf-8")
            changed = time.monotonic()
            wait_for(lambda: "FAQ reloaded (the file changed)" in log.read_text(), 30, "the reload")
            line("bot: FAQ file edited until served (quiet for 0.8 s first)", f"{time.monotonic() - changed:.2f} s")

        with running_bot(proxy, root / "held", "held") as (_, token):
            user = TelegramUser(emulator, token, 8904)
            user.say("你好")
            user.wait_replies()
            holder = sqlite3.connect(root / "held" / "bot.sqlite3", isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")
            holder.execute("INSERT INTO people (key, lang, at) VALUES ('telegram:1', 'zh', 0)")
            held_at, waits = time.monotonic(), []
            count = int(hold / 0.5)
            for number in range(count):
                began = time.monotonic()
                user.say(QUESTIONS[number % len(QUESTIONS)])
                user.wait_replies(timeout=30)
                waits.append(time.monotonic() - began)
                time.sleep(max(0.0, held_at + (number + 1) * 0.5 - time.monotonic()))
            holder.execute("ROLLBACK")
            holder.close()
            line(f"bot: {count} answers while the database is held {hold:.0f} s: median, slowest",
                 f"{statistics.median(waits):.2f} s, {max(waits):.2f} s")  # fmt: skip
            user.close()


def replica_waits(root: Path) -> None:
    """With PostgreSQL: answers once the database is away; and two replicas following an FAQ edit."""
    if binaries() is None:
        print("  (PostgreSQL's server binaries are not installed: the replica figures are left out)")
        return
    with bot_api() as (emulator, proxy), postgres_server() as server:
        away = running_bot(proxy, root / "away", "away", DATABASE_URL=server.fresh_database())
        with away as (_, token):
            user = TelegramUser(emulator, token, 7101)
            user.say("孝昌县有多少个党小组")
            user.wait_replies()
            server.stop()
            waits = []
            for question in QUESTIONS[1:4]:
                began = time.monotonic()
                user.say(question)
                user.wait_replies(timeout=30)
                waits.append(time.monotonic() - began)
            line("replica: answers once PostgreSQL is away (first finds it away)",
                 ", ".join(f"{w:.2f} s" for w in waits))  # fmt: skip
            user.close()
    if nginx_binary() is None:
        print("  (nginx is not installed: the figure of two replicas following an edit is left out)")
        return
    with bot_api() as (_, proxy), postgres_server() as server:
        database, token = server.fresh_database(), "7000:" + "F" * 35
        ports = {"one": free_port(), "two": free_port()}
        with nginx(list(ports.values())) as nginx_port:
            bots = []
            try:
                for name, port in ports.items():
                    folder = root / "replicas" / name
                    folder.mkdir(parents=True)
                    shutil.copy(FAQ, folder / "faq.yaml")
                    bots.append(start_bot(proxy.url, token, folder, log=folder / "bot.log",
                                          FAQ_FILE=str(folder / "faq.yaml"), DATABASE_URL=database,
                                          WEBHOOK_URL=f"http://127.0.0.1:{nginx_port}{HOOK_PATH}",
                                          WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_PORT=str(port),
                                          WEBHOOK_SECRET=SECRET))  # fmt: skip
                    started(bots[-1], folder / "bot.log")
                one, two = root / "replicas" / "one", root / "replicas" / "two"
                wait_for(lambda: "watching" in (one / "bot.log").read_text(), 10, "the watcher to start")
                (one / "faq.yaml").write_text(FAQ.read_text(encoding="utf-8").replace("875", "876"), encoding="utf-8")
                wait_for(lambda: "FAQ reloaded (the file changed)" in (one / "bot.log").read_text(), 30, "the reload")
                loaded = time.monotonic()
                wait_for(lambda: "put in use" in (two / "bot.log").read_text(), 30, "replica two to follow")
                line("replicas: the second serves an edit after the first loaded it",
                     f"{time.monotonic() - loaded:.2f} s")  # fmt: skip
            finally:
                for bot in bots:
                    stop_bot(bot)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hold", type=float, default=10.0, help="seconds the database is held under the bot")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        asyncio.run(store_waits(root / "store"))
        bot_waits(root, args.hold)
        replica_waits(root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
