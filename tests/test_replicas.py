"""Two replicas of `python -m bot run` in webhook mode behind a real nginx, sharing a real PostgreSQL.

The Bot API emulator (through the translating proxy) takes their replies; a sender posts
updates through nginx as Telegram does, posting again any update not acknowledged.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from tests.conftest import FAQ, missing
from tests.e2e.postgres import PostgresServer, binaries, postgres_server
from tests.e2e.proxy import BotApiProxy
from tests.e2e.replicas import HOOK_PATH, SECRET_HEADER, Sender, nginx, nginx_binary
from tests.e2e.service import started
from tests.e2e.user import TelegramUser, buttons, free_port, start_bot, stop_bot, wait_for

pytestmark = pytest.mark.e2e

SECRET = "replica-Secret_42"
QUESTIONS = ("孝昌县有多少个党小组", "太子米种了多少亩", "沈腾是谁", "龙泉村是什么试点", "十分钟服务承诺是什么",
             "How many Party groups are there?", "四大产业是哪些", "星创天地有几家")  # fmt: skip


class Replicas:
    """The running set: the replicas by name, their ports, nginx's port, and who answered what."""

    def __init__(self, proxy: BotApiProxy, token: str, database: str, root: Path) -> None:
        self.proxy, self.token, self.database, self.root = proxy, token, database, root
        self.ports = {name: free_port() for name in ("one", "two")}
        self.processes: dict[str, subprocess.Popen[str]] = {}
        self.sent: list[dict[str, Any]] = []
        """Every message the replicas sent, in order (private replies do not quote their question)."""
        self._lock = threading.Lock()
        proxy.observe = self._observe

    def _observe(self, method: str, params: dict[str, Any]) -> None:
        if method == "sendMessage":
            with self._lock:
                self.sent.append(params)

    def start(self, name: str, nginx_port: int, **env: str) -> subprocess.Popen[str]:
        folder = self.root / name
        folder.mkdir(exist_ok=True)
        faq = folder / "faq.yaml"
        if not faq.exists():
            shutil.copy(FAQ, faq)
        bot = start_bot(self.proxy.url, self.token, folder, log=folder / "bot.log", FAQ_FILE=str(faq),
                        DATABASE_URL=self.database, WEBHOOK_URL=f"http://127.0.0.1:{nginx_port}{HOOK_PATH}",
                        WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_PORT=str(self.ports[name]), WEBHOOK_SECRET=SECRET,
                        TELEGRAM_RATE_LIMIT="10000", **env)  # fmt: skip
        started(bot, folder / "bot.log")
        self.processes[name] = bot
        return bot

    def log(self, name: str) -> str:
        return (self.root / name / "bot.log").read_text()

    def direct(self, name: str, update: dict[str, object]) -> None:
        """Deliver an update to one replica, bypassing nginx."""
        url = f"http://127.0.0.1:{self.ports[name]}{HOOK_PATH}"
        assert httpx.post(url, json=update, headers={SECRET_HEADER: SECRET}, timeout=15).status_code == 200

    def sent_to(self, chat: int) -> list[dict[str, Any]]:
        """The messages sent to one chat, in order."""
        with self._lock:
            return [params for params in self.sent if int(str(params["chat_id"])) == chat]

    def answered(self) -> set[tuple[int, int]]:
        """The questions the replicas' shared record says were answered, by (chat, question message id)."""
        with psycopg.connect(self.database, autocommit=True) as db:
            rows = db.execute("SELECT chat_id, question_message_id FROM answers WHERE question_message_id IS NOT NULL")
            return {(int(chat), int(question)) for chat, question in rows.fetchall()}

    def stop(self) -> None:
        for bot in self.processes.values():
            stop_bot(bot)


@pytest.fixture
def replicas(api: tuple[str, BotApiProxy], postgres: PostgresServer, tmp_path: Path) -> Iterator[tuple[Replicas, int]]:
    """Two replicas on a fresh database behind nginx: (the set, nginx's port)."""
    if nginx_binary() is None:
        missing("nginx is not installed (Debian: apt-get install nginx-light)")
    token = f"{time.monotonic_ns() % 10**9}:" + "R" * 35
    running = Replicas(api[1], token, postgres.fresh_database(), tmp_path)
    with nginx(list(running.ports.values())) as port:
        running.start("one", port)
        running.start("two", port)
        try:
            yield running, port
        finally:
            running.stop()
            api[1].observe = None


def test_a_replica_killed_mid_burst_loses_no_question_and_answers_none_twice(replicas: tuple[Replicas, int]) -> None:
    """1,000 updates through nginx; one replica is SIGKILLed a third of the way: every question is
    answered, by the survivor if need be (what the dead one held, once its silence shows), and none
    twice beyond the replies that were on their way at the instant of the kill."""
    running, port = replicas
    sender = Sender(f"http://127.0.0.1:{port}{HOOK_PATH}", SECRET)
    updates = [sender.update(10_000 + n, 50_000 + n % 97, QUESTIONS[n % len(QUESTIONS)]) for n in range(1000)]
    killer = threading.Thread(target=lambda: _kill_when(running, "one", lambda: len(running.sent) >= 300))
    killer.start()
    sender.send_all(updates)
    killer.join()
    asked = {(u["message"]["chat"]["id"], u["message"]["message_id"]) for u in updates}
    wait_for(lambda: asked <= running.answered(), 60, "every question to be answered")
    time.sleep(1.0)  # a second reply to a question would come now
    twice = len(running.sent) - len(asked)
    print(f"posts: {sender.attempts} for 1000 updates; answered twice: {twice}")
    assert running.answered() == asked
    assert twice >= 0
    assert twice <= 16  # the answers on their way at the kill: 16 updates are handled at once


def _kill_when(running: Replicas, name: str, condition: Callable[[], bool]) -> None:
    wait_for(condition, 60, "a third of the answers")
    running.processes[name].send_signal(signal.SIGKILL)
    running.processes[name].wait(timeout=10)


def test_a_did_you_mean_asked_of_one_replica_is_answered_through_the_other(replicas: tuple[Replicas, int]) -> None:
    """The pending choice lives in PostgreSQL: "Fengshan" to replica one, then "2" to replica two, picks
    option 2."""
    running, _ = replicas
    sender = Sender("", SECRET)
    running.direct("one", sender.update(1, 7001, "Fengshan"))
    wait_for(lambda: len(running.sent_to(7001)) >= 1, 15, "the did-you-mean")
    running.direct("two", sender.update(2, 7001, "2"))
    wait_for(lambda: len(running.sent_to(7001)) >= 2, 15, "the pick")
    asked, picked = running.sent_to(7001)
    labels = [str(b["text"]) for row in asked["reply_markup"]["inline_keyboard"] for b in row]
    second = next(label for label in labels if label.startswith("2. ")).removeprefix("2. ")
    assert str(picked["text"]).startswith(f"<b>{second}</b>")


def test_an_faq_change_through_one_replica_is_served_by_both(replicas: tuple[Replicas, int]) -> None:
    """Replica one's FAQ file is edited: it loads and records the version, replica two hears of it
    through LISTEN/NOTIFY and serves it too (how soon after replica one: `python -m bench.waits`)."""
    running, _ = replicas
    faq = running.root / "one" / "faq.yaml"
    faq.write_text(FAQ.read_text(encoding="utf-8").replace("875", "876"), encoding="utf-8")
    wait_for(lambda: "FAQ reloaded (the file changed)" in running.log("one"), 15, "replica one to reload")
    wait_for(lambda: "put in use" in running.log("two"), 15, "replica two to follow")
    sender = Sender("", SECRET)
    running.direct("two", sender.update(3, 7002, "孝昌县有多少个党小组"))
    wait_for(lambda: running.sent_to(7002), 15, "the answer")
    (reply,) = running.sent_to(7002)
    assert "876" in str(reply["text"])


def test_a_replica_that_loses_the_database_keeps_answering(api: tuple[str, BotApiProxy], tmp_path: Path) -> None:
    """PostgreSQL stops under a running bot: questions are still answered (recording is skipped; how
    soon: `python -m bench.waits`), and the log says the database is away."""
    if binaries() is None:
        missing("PostgreSQL's server binaries are not installed (Debian: apt-get install postgresql)")
    emulator, proxy = api
    token = f"{time.monotonic_ns() % 10**9}:" + "D" * 35
    with postgres_server() as server:
        bot = start_bot(proxy.url, token, tmp_path, log=tmp_path / "bot.log", DATABASE_URL=server.fresh_database())
        try:
            started(bot, tmp_path / "bot.log")
            user = TelegramUser(emulator, token, 7101)
            user.say("孝昌县有多少个党小组")
            assert user.wait_replies()
            server.stop()
            for question in ("太子米种了多少亩", "沈腾是谁", "龙泉村是什么试点"):
                user.say(question)
                assert user.wait_replies(timeout=20)
            assert "is away" in (tmp_path / "bot.log").read_text()
            user.close()
        finally:
            stop_bot(bot)


ADMIN = 7301
PERSON = {"id": ADMIN, "is_bot": False, "first_name": "Admin", "language_code": "zh-hans"}


def _holds(path: Path, content: bytes) -> bool:
    return path.read_bytes() == content


def _upload(running: Replicas, name: str, update_id: int, content: bytes) -> None:
    running.proxy.files[f"doc{update_id}"] = content
    document = {"file_id": f"doc{update_id}", "file_unique_id": f"doc{update_id}", "file_name": "faq.yaml",
                "file_size": len(content)}  # fmt: skip
    message = {"message_id": update_id, "date": int(time.time()), "chat": {"id": ADMIN, "type": "private"},
               "from": PERSON, "document": document}  # fmt: skip
    running.direct(name, {"update_id": update_id, "message": message})


def _press(running: Replicas, name: str, update_id: int, data: str, on: dict[str, Any]) -> None:
    message = {"message_id": on["message_id"], "date": int(time.time()), "chat": {"id": ADMIN, "type": "private"},
               "from": {"id": 1, "is_bot": True, "first_name": "bot"}, "text": "review"}  # fmt: skip
    query = {"id": str(update_id), "from": PERSON, "chat_instance": "x", "data": data, "message": message}
    running.direct(name, {"update_id": update_id, "callback_query": query})


def test_the_faq_in_force_is_the_stores_latest_version_on_every_replica(
    api: tuple[str, BotApiProxy], postgres: PostgresServer, tmp_path: Path
) -> None:
    """An upload reviewed on one replica and applied through the other is in force on both, and both
    replicas' files follow it; a review made before it is refused as stale on either; two reviews
    applied at the same moment on the two replicas: one is applied, the other refused as stale."""
    if nginx_binary() is None:
        missing("nginx is not installed (Debian: apt-get install nginx-light)")
    emulator, proxy = api
    token = f"{time.monotonic_ns() % 10**9}:" + "F" * 35
    running = Replicas(proxy, token, postgres.fresh_database(), tmp_path)
    admin = TelegramUser(emulator, token, ADMIN)
    text = FAQ.read_text(encoding="utf-8")
    edits = [text.replace("875", value).encode() for value in ("8761", "8762", "8763", "8764")]

    def review(name: str, update_id: int, content: bytes) -> dict[str, Any]:
        _upload(running, name, update_id, content)
        found = wait_for(lambda: [r for r in admin.replies() if buttons(r)], 60, "the review")
        return dict(found[0])

    def outcome(message: dict[str, Any]) -> str:
        found = wait_for(lambda: "<b>" in (t := admin.message(message["message_id"])["text"]) and t, 60, "the end")
        return str(found).rsplit("<b>", 1)[-1]

    with nginx(list(running.ports.values())) as port:
        running.start("one", port, ADMIN_IDS=str(ADMIN))
        running.start("two", port, ADMIN_IDS=str(ADMIN))
        try:
            first = review("one", 81_001, edits[0])
            second = review("two", 81_002, edits[1])
            _press(running, "two", 81_003, buttons(first)["✅ 应用"], first)
            assert outcome(first).startswith("已应用：版本 v2")
            for name in ("one", "two"):
                wait_for(
                    partial(_holds, tmp_path / name / "faq.yaml", edits[0]), 15, f"replica {name}'s file to follow"
                )
            _press(running, "one", 81_004, buttons(second)["✅ 应用"], second)
            assert "已经改过了" in outcome(second)
            third, fourth = review("one", 81_005, edits[2]), review("two", 81_006, edits[3])
            at_once = [
                threading.Thread(target=_press, args=(running, name, update_id, buttons(made)["✅ 应用"], made))
                for name, update_id, made in (("one", 81_007, third), ("two", 81_008, fourth))
            ]
            for press in at_once:
                press.start()
            for press in at_once:
                press.join()
            ends = sorted(outcome(made)[:3] for made in (third, fourth))
            assert ends == ["审阅之", "已应用"], ends
        finally:
            running.stop()
    admin.close()
