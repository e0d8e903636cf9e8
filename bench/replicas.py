"""Replicas behind nginx: throughput and latency with one and with two, and what a death costs.

    python -m bench.replicas [--updates 1000] [--connections 8]

Starts a real PostgreSQL, the Bot API emulator (Node), nginx from deploy/nginx/faqbot.conf
and `python -m bot run` replicas in webhook mode on local ports, as the tests do. A sender
posts updates through nginx as Telegram does (8 connections, each update again until
acknowledged); a reply counts when the bot's sendMessage for it reaches the Bot API.
Prints, for one and for two replicas: replies per second, and p50/p99 from an update's first
post to its reply. Then, with two, kills one (SIGKILL) in a steady stream of updates and
prints how long until the survivor answered an update posted after the death, and how long
until the dead one's unanswered updates were answered by the survivor.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.postgres import postgres_server
from tests.e2e.proxy import BotApiProxy
from tests.e2e.replicas import HOOK_PATH, Sender, nginx
from tests.e2e.user import ROOT, bot_api, free_port, start_bot, stop_bot, wait_for

SECRET = "bench-Secret_1"
QUESTIONS = (
    "孝昌县有多少个党小组",
    "太子米种了多少亩",
    "沈腾是谁",
    "龙泉村是什么试点",
    "How many Party groups are there?",
)


class Replies:
    """When the bot's reply to each update reached the Bot API. Each update comes from a person of its
    own whose chat id is the update's message id: private replies do not quote their question, so the
    chat tells which update a reply answers."""

    def __init__(self, proxy: BotApiProxy) -> None:
        self.at: dict[int, float] = {}
        self.lock = threading.Lock()
        proxy.observe = self.observe

    def observe(self, method: str, params: dict[str, Any]) -> None:
        if method == "sendMessage":
            with self.lock:
                self.at.setdefault(int(params["chat_id"]), time.monotonic())


def _replica(
    proxy: BotApiProxy, token: str, database: str, root: Path, *, nginx_port: int, port: int
) -> subprocess.Popen[str]:
    folder = Path(tempfile.mkdtemp(dir=root))
    bot = start_bot(proxy.url, token, folder, log=folder / "bot.log", FAQ_FILE=str(ROOT / "knowledge" / "faq.yaml"),
                    DATABASE_URL=database, WEBHOOK_URL=f"http://127.0.0.1:{nginx_port}{HOOK_PATH}",
                    WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_PORT=str(port), WEBHOOK_SECRET=SECRET,
                    TELEGRAM_RATE_LIMIT="100000", LOG_LEVEL="WARNING")  # fmt: skip
    wait_for(lambda: bot.poll() is not None or _listening(port), 60, "the replica to listen")
    return bot


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def throughput(count: int, replicas: int, connections: int, first_id: int) -> None:
    """Post `count` updates through nginx to `replicas` replicas; print replies/s and p50/p99."""
    with postgres_server() as server, bot_api() as (_, proxy):
        root = Path(tempfile.mkdtemp(prefix="faqbot-bench-"))
        ports = [free_port() for _ in range(replicas)]
        token = f"{900000 + replicas}:" + "B" * 35
        replies = Replies(proxy)
        database = server.fresh_database()
        with nginx(ports) as nginx_port:
            bots = [_replica(proxy, token, database, root, nginx_port=nginx_port, port=port) for port in ports]
            try:
                sender = Sender(f"http://127.0.0.1:{nginx_port}{HOOK_PATH}", SECRET, connections=connections)
                updates = [sender.update(first_id + n, first_id + n, QUESTIONS[n % len(QUESTIONS)])
                           for n in range(count)]  # fmt: skip
                began = time.monotonic()
                sender.send_all(updates)
                wanted = {u["message"]["message_id"] for u in updates}
                wait_for(lambda: wanted <= set(replies.at), 120, "every reply")
                took = max(replies.at[i] for i in wanted) - began
                waits = [replies.at[i] - sender.sent_at[i] for i in wanted]
                p50, p99 = statistics.median(waits) * 1000, _percentile(waits, 0.99) * 1000
                print(f"  {replicas} replica(s): {count / took:6.0f} replies/s; p50 {p50:6.1f} ms, p99 {p99:6.1f} ms")
            finally:
                for bot in bots:
                    stop_bot(bot)
                proxy.observe = None
        shutil.rmtree(root, ignore_errors=True)


def failover(rate: float, connections: int) -> None:
    """Two replicas under a steady stream; SIGKILL one; print how long until the survivor answers."""
    with postgres_server() as server, bot_api() as (_, proxy):
        root = Path(tempfile.mkdtemp(prefix="faqbot-bench-"))
        ports = [free_port(), free_port()]
        token = "909090:" + "F" * 35
        replies = Replies(proxy)
        database = server.fresh_database()
        with nginx(ports) as nginx_port:
            bots = [_replica(proxy, token, database, root, nginx_port=nginx_port, port=port) for port in ports]
            sender = Sender(f"http://127.0.0.1:{nginx_port}{HOOK_PATH}", SECRET, connections=connections)
            stop = threading.Event()
            posted: list[int] = []

            def stream() -> None:
                number = 0
                with httpx.Client() as client:
                    while not stop.is_set():
                        update = sender.update(500_000 + number, 500_000 + number, QUESTIONS[number % 5])
                        threading.Thread(target=sender.post, args=(client, update), daemon=True).start()
                        posted.append(update["message"]["message_id"])
                        number += 1
                        time.sleep(1 / rate)

            streaming = threading.Thread(target=stream)
            streaming.start()
            try:
                time.sleep(3)
                killed_at = time.monotonic()
                bots[0].send_signal(signal.SIGKILL)
                bots[0].wait(timeout=10)

                def posted_after() -> list[int]:
                    return [i for i in list(posted) if sender.sent_at.get(i, 0) >= killed_at]

                wait_for(lambda: any(i in replies.at for i in posted_after()), 60, "an answer after the death")
                first = min(replies.at[i] for i in posted_after() if i in replies.at)
                time.sleep(2)
                stop.set()
                streaming.join()
                wanted = set(posted)
                wait_for(lambda: wanted <= set(replies.at), 120, "every reply")
                held = [replies.at[i] for i in wanted if sender.sent_at[i] < killed_at and replies.at[i] > killed_at]
                print(f"  first answer to an update posted after the death: {(first - killed_at) * 1000:.0f} ms")
                if held:
                    print(f"  {len(held)} update(s) posted before the death answered after it, the last "
                          f"{max(held) - killed_at:.1f} s after (a holder is dead after 10 s)")  # fmt: skip
                else:
                    print("  no update posted before the death was left for the survivor")
            finally:
                stop.set()
                for bot in bots:
                    stop_bot(bot)
                proxy.observe = None
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    print(f"{args.updates} updates through nginx, {args.connections} connections:")
    throughput(args.updates, 1, args.connections, 1_000_000)
    throughput(args.updates, 2, args.connections, 2_000_000)
    print("one of two replicas killed in a stream of 20 updates/s:")
    failover(20.0, args.connections)


if __name__ == "__main__":
    main()
