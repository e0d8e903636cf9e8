"""The bot as a service: the real `python -m bot run` process, its signals, health, logs and start-up.

Runs against the Bot API emulator through the translating proxy (see test_end_to_end).
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import FAQ
from tests.e2e.proxy import BotApiProxy
from tests.e2e.service import Launch, faqbot, stop
from tests.e2e.user import TelegramUser, free_port, wait_for

pytestmark = pytest.mark.e2e

TOKEN = "424242:" + "S" * 35


Answer = tuple[int, dict[str, object]]
"""An injected Bot API answer: (HTTP status, JSON body)."""


class TestShutdown:
    @pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
    def test_signal_stops_the_bot_cleanly(self, launch: Launch, tmp_path: Path, sig: signal.Signals) -> None:
        """SIGTERM and SIGINT stop polling and exit 0, database closed (`python -m bench.waits` times it)."""
        log = tmp_path / "bot.log"
        bot, _ = launch()
        stop(bot, sig)
        assert bot.returncode == 0, log.read_text()
        assert "stopped" in log.read_text()
        assert not (tmp_path / "bot.sqlite3-wal").exists() or (tmp_path / "bot.sqlite3-wal").stat().st_size == 0

    def test_updates_in_hand_are_finished_before_exit(self, api: tuple[str, BotApiProxy], launch: Launch) -> None:
        """Questions the bot has taken are all answered even when SIGTERM comes right after."""
        bot, token = launch()
        user = TelegramUser(api[0], token, 8101)
        questions = ("党小组", "沈腾", "龙泉村", "太子米", "Fengshan", "孝昌县GDP是多少")
        for question in questions:
            user.say(question)
        wait_for(lambda: api[1].delivered.get(token, 0) >= len(questions), 15, "the bot to take every question")
        time.sleep(0.05)  # the last getUpdates answer is on its way to the bot
        stop(bot)
        assert bot.returncode == 0
        assert len(user.replies()) == len(questions)
        user.close()

    def test_a_stop_during_an_outage_does_not_wait_out_the_retries(
        self, api: tuple[str, BotApiProxy], launch: Launch, tmp_path: Path
    ) -> None:
        """An answer is waiting out an outage (a minute of retries); SIGTERM still ends the bot, without
        waiting them out (`python -m bench.waits` times it)."""
        emulator, proxy = api
        bot, token = launch()
        attempts: list[float] = []

        def fault(method: str, called: str) -> Answer | None:
            if called != token or method != "sendMessage":
                return None
            attempts.append(time.monotonic())
            return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}

        proxy.fault = fault
        try:
            user = TelegramUser(emulator, token, 8102)
            user.say("党小组")
            wait_for(lambda: len(attempts) >= 2, 15, "the answer to be retried")
            stop(bot, within=10)
        finally:
            proxy.fault = None
        assert bot.returncode == 0
        assert "may not have arrived" in (tmp_path / "bot.log").read_text()
        user.close()


class TestHealth:
    def test_health_follows_the_running_bot(self, launch: Launch, tmp_path: Path) -> None:
        """`python -m bot health` exits 0 while the bot runs and 1, saying why, once it has stopped."""
        bot, _ = launch()
        healthy = faqbot("health", DATA_DIR=str(tmp_path))
        assert healthy.returncode == 0, healthy.stderr
        assert healthy.stdout.startswith("ok: pid")
        stop(bot)
        gone = faqbot("health", DATA_DIR=str(tmp_path))
        assert gone.returncode == 1
        assert "not running" in gone.stderr

    def test_health_without_a_bot(self, tmp_path: Path) -> None:
        """With no heartbeat at all, health fails with one line."""
        result = faqbot("health", DATA_DIR=str(tmp_path))
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1

    def test_healthz_on_the_webhook_server(self, launch: Launch) -> None:
        """In webhook mode, GET /healthz on the webhook's port says healthy with 200."""
        port = free_port()
        bot, _ = launch(WEBHOOK_URL=f"http://127.0.0.1:{port}/hook", WEBHOOK_PORT=str(port))
        response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
        assert response.status_code == 200
        assert response.json()["healthy"] is True
        stop(bot)
        assert bot.returncode == 0


class TestLogs:
    def test_json_lines_and_no_token_even_in_debug(
        self, api: tuple[str, BotApiProxy], launch: Launch, tmp_path: Path
    ) -> None:
        """With LOG_FORMAT=json every line is a JSON object, and the token never appears, even at DEBUG."""
        log = tmp_path / "bot.log"
        bot, token = launch(LOG_FORMAT="json", LOG_LEVEL="DEBUG")
        user = TelegramUser(api[0], token, 8201)
        user.say("党小组有多少个")
        user.wait_replies()
        user.close()
        stop(bot)
        lines = log.read_text().splitlines()
        entries = [json.loads(line) for line in lines]
        assert {"time", "level", "logger", "message"} <= set(entries[0])
        answered = [e["message"] for e in entries if e["message"].startswith("question answered")]
        assert len(answered) == 1
        assert "outcome=answer" in answered[0]
        assert "took_ms=" in answered[0]
        assert token.split(":")[1] not in log.read_text()


class TestReload:
    def test_sighup_swaps_a_good_faq_and_keeps_serving_after_a_bad_one(
        self, api: tuple[str, BotApiProxy], launch: Launch, tmp_path: Path
    ) -> None:
        """SIGHUP loads the edited FAQ; a broken file is refused with file:line and the last good one serves."""
        faq = tmp_path / "faq.yaml"
        shutil.copy(FAQ, faq)
        log = tmp_path / "bot.log"
        bot, token = launch(FAQ_FILE=str(faq))
        user = TelegramUser(api[0], token, 8301)
        edited = faq.read_text(encoding="utf-8").replace("设立875个党小组", "设立875个党小组（已更新）")
        faq.write_text(edited, encoding="utf-8")
        bot.send_signal(signal.SIGHUP)
        wait_for(lambda: "FAQ reloaded" in log.read_text(), 15, "the reload")
        user.say("党小组")
        (updated,) = user.wait_replies()
        assert "（已更新）" in updated["text"]
        faq.write_text("entries: [\n", encoding="utf-8")
        bot.send_signal(signal.SIGHUP)
        # the refusal's header and its problems are logged one after the other: wait for the problem
        wait_for(lambda: f"{faq}:2: YAML syntax error" in log.read_text(), 15, "the refusal")
        assert "FAQ not reloaded" in log.read_text()
        user.say("党小组")
        (still,) = user.wait_replies()
        assert "（已更新）" in still["text"]
        user.close()
        stop(bot)
        assert bot.returncode == 0


class TestStartup:
    def _one_line(self, result: subprocess.CompletedProcess[str]) -> str:
        assert result.returncode != 0
        assert "Traceback" not in result.stderr
        lines = [line for line in result.stderr.splitlines() if line.startswith("faqbot:")]
        assert len(lines) == 1, result.stderr
        return lines[0]

    def test_missing_token(self, tmp_path: Path) -> None:
        """No token: one line saying how to get one, exit 2."""
        result = faqbot("run", TELEGRAM_BOT_TOKEN="", DATA_DIR=str(tmp_path))
        assert result.returncode == 2
        assert "TELEGRAM_BOT_TOKEN is not set" in self._one_line(result)

    def test_malformed_token(self, tmp_path: Path) -> None:
        """A token of the wrong shape: one line, exit 2."""
        result = faqbot("run", TELEGRAM_BOT_TOKEN="12345", DATA_DIR=str(tmp_path))
        assert "does not look like a bot token" in self._one_line(result)

    def test_unreadable_faq(self, tmp_path: Path) -> None:
        """An FAQ that cannot be read: one line naming the file, exit 1."""
        result = faqbot("run", TELEGRAM_BOT_TOKEN=TOKEN, FAQ_FILE=str(tmp_path / "missing.yaml"),
                         DATA_DIR=str(tmp_path))  # fmt: skip
        assert result.returncode == 1
        assert (
            result.stderr.strip() == f"{tmp_path / 'missing.yaml'}:1: cannot read the file: No such file or directory"
        )

    def test_unreachable_bot_api(self, tmp_path: Path) -> None:
        """A Bot API that does not answer: one line naming it, exit 1."""
        dead = f"http://127.0.0.1:{free_port()}"
        result = faqbot("run", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=dead, DATA_DIR=str(tmp_path))
        assert f"cannot reach the Bot API at {dead}" in self._one_line(result)

    def test_port_in_use(self, api: tuple[str, BotApiProxy], tmp_path: Path) -> None:
        """A webhook port already taken: one line naming it, exit 1."""
        _, proxy = api
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            result = faqbot("run", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=proxy.url, DATA_DIR=str(tmp_path),
                             WEBHOOK_URL=f"http://127.0.0.1:{port}/hook", WEBHOOK_PORT=str(port))  # fmt: skip
        assert f"cannot listen on 127.0.0.1:{port}" in self._one_line(result)


class TestLiveReload:
    def test_file_change_is_picked_up_and_a_bad_one_reported_to_admins(
        self, api: tuple[str, BotApiProxy], launch: Launch, tmp_path: Path
    ) -> None:
        """An edited FAQ is served with no signal (`python -m bench.waits` times how soon), and the
        admins are told what changed; a broken edit is refused, the admins get the problems in
        Telegram, the last good answers go on and stay on disk."""
        faq = tmp_path / "faq.yaml"
        shutil.copy(FAQ, faq)
        log = tmp_path / "bot.log"
        bot, token = launch(FAQ_FILE=str(faq), ADMIN_IDS="9401")
        user, admin = TelegramUser(api[0], token, 8401), TelegramUser(api[0], token, 9401)
        wait_for(lambda: "watching" in (tmp_path / "bot.log").read_text(), 10, "the watcher to start")
        faq.write_text(faq.read_text(encoding="utf-8").replace("设立875个党小组", "设立875个党小组（改）"), "utf-8")
        wait_for(lambda: "FAQ reloaded (the file changed)" in log.read_text(), 10, "the reload")
        user.say("党小组")
        (updated,) = user.wait_replies()
        assert "（改）" in updated["text"]
        (changes,) = admin.wait_replies()
        assert changes["text"] == "问答库已重新加载（文件有改动）：18 条。\n修改「纵向深化」：摘要；回答"
        wait_for(lambda: "（改）" in (tmp_path / "faq.last-good.yaml").read_text("utf-8"), 10, "the edit to be kept")
        kept = (tmp_path / "faq.last-good.yaml").read_text(encoding="utf-8")
        faq.write_text(kept.replace("  - id: learn-outside\n", "  - id: learn-outside\n    colour: red\n"), "utf-8")
        (notice,) = admin.wait_replies()
        assert notice["text"].startswith(f"问答库文件 {faq} 有错误，未加载（文件有改动）")
        assert "不认识的键 `colour`" in notice["text"]
        user.say("党小组")
        (still,) = user.wait_replies()
        assert "（改）" in still["text"]
        assert (tmp_path / "faq.last-good.yaml").read_text(encoding="utf-8") == kept
        user.close()
        admin.close()
        stop(bot)
        assert bot.returncode == 0


def _logged(data_dir: Path, question: str) -> bool:
    """Whether the usage log holds a question yet (it is written behind the answer, by a queue)."""
    with sqlite3.connect(data_dir / "bot.sqlite3") as db:
        return db.execute("SELECT 1 FROM events WHERE question = ?", (question,)).fetchone() is not None


class TestAdminCommands:
    def test_admin_commands_through_the_emulator(
        self, api: tuple[str, BotApiProxy], launch: Launch, tmp_path: Path
    ) -> None:
        """Through the emulator: /stats is refused to a user, and /unanswered answered for an admin after real
        traffic, with a card per question."""
        _, token = launch(ADMIN_IDS="9501")
        user, admin = TelegramUser(api[0], token, 8501), TelegramUser(api[0], token, 9501)
        user.say("孝昌县GDP是多少")
        user.wait_replies()
        user.command("/stats")
        (refused,) = user.wait_replies()
        assert refused["text"] == "抱歉，这个命令只供管理员使用。"
        wait_for(lambda: _logged(tmp_path, "孝昌县GDP是多少"), 15, "the question in the usage log")
        admin.command("/unanswered")
        report, card = admin.wait_replies(2)  # the report, then a card to file the question from
        assert "1× 孝昌县GDP是多少" in report["text"]
        assert card["text"] == "1× 孝昌县GDP是多少"
        user.close()
        admin.close()


class TestFaults:
    """The Bot API misbehaving: the bot keeps running and every question gets one answer."""

    @pytest.mark.parametrize(
        "refusal",
        [
            (429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                   "parameters": {"retry_after": 1}}),
            (500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}),
        ],
        ids=["429-retry-after", "500"],
    )  # fmt: skip
    def test_refused_replies_are_sent_again(
        self, api: tuple[str, BotApiProxy], launch: Launch, refusal: Answer
    ) -> None:
        """The first two attempts to send an answer are refused; the third goes through, once."""
        emulator, proxy = api
        _, token = launch()
        attempts: list[float] = []

        def fault(method: str, called: str) -> Answer | None:
            if called != token or method != "sendMessage":
                return None
            attempts.append(time.monotonic())
            return refusal if len(attempts) <= 2 else None

        proxy.fault = fault
        try:
            user = TelegramUser(emulator, token, 8601)
            user.say("党小组")
            (reply,) = user.wait_replies(timeout=20)
        finally:
            proxy.fault = None
        assert reply["text"].startswith("<b>纵向深化</b>")
        assert len(attempts) == 3
        if refusal[0] == 429:
            assert attempts[1] - attempts[0] >= 1  # retry_after honoured
        time.sleep(0.5)
        assert user.replies() == []
        user.close()

    def test_questions_sent_while_the_api_is_away_are_answered_when_it_returns(
        self, api: tuple[str, BotApiProxy], launch: Launch
    ) -> None:
        """For a while every call fails (three seconds, with pauses between resends of at most one,
        TELEGRAM_RETRY_PAUSE); the bot keeps running and then answers what was asked."""
        emulator, proxy = api
        bot, token = launch(TELEGRAM_RETRY_PAUSE="1")
        back_at = time.monotonic() + 3
        failed: list[str] = []

        def fault(method: str, called: str) -> Answer | None:
            if called == token and time.monotonic() < back_at:
                failed.append(method)
                return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
            return None

        proxy.fault = fault
        try:
            user = TelegramUser(emulator, token, 8701)
            wait_for(lambda: failed, 5, "the outage to be met")
            for question in ("党小组", "沈腾", "Who is Shen Teng?"):
                user.say(question)
            time.sleep(max(0.0, back_at - time.monotonic()))
            assert bot.poll() is None
            replies = user.wait_replies(3, timeout=40)
        finally:
            proxy.fault = None
        assert len(replies) == 3
        time.sleep(0.5)
        assert user.replies() == []
        assert bot.poll() is None
        user.close()

    def test_questions_sent_while_the_api_is_silent_are_answered_when_it_returns(
        self, api: tuple[str, BotApiProxy], launch: Launch
    ) -> None:
        """For a while no call is ever answered: the bot's calls time out, it keeps asking, then answers.
        Its waits are shortened (TELEGRAM_TIMEOUT and TELEGRAM_POLL_TIMEOUT of one second) and so is the silence."""
        emulator, proxy = api
        bot, token = launch(TELEGRAM_TIMEOUT="1", TELEGRAM_POLL_TIMEOUT="1")
        back_at = time.monotonic() + 3
        hold = 6.0  # longer than any of the bot's waits (2 s for a long poll here): the bot gives up first
        held: list[tuple[str, float]] = []

        def fault(method: str, called: str) -> Answer | None:
            if called != token or time.monotonic() >= back_at:
                return None
            held.append((method, time.monotonic()))
            time.sleep(hold)
            return 504, {"ok": False, "error_code": 504, "description": "Gateway Timeout"}

        proxy.fault = fault
        try:
            user = TelegramUser(emulator, token, 8801)
            wait_for(lambda: held, 5, "a call to be held")
            for question in ("党小组", "Who is Shen Teng?"):
                user.say(question)
            time.sleep(max(0.0, back_at - time.monotonic()))
            assert bot.poll() is None
            replies = user.wait_replies(2, timeout=40)
            answered = time.monotonic()
        finally:
            proxy.fault = None
        assert held[0][0] == "getUpdates"
        assert answered < held[0][1] + hold  # it stopped waiting for the silent call and polled again
        texts = [r["text"] for r in replies]
        assert any(text.startswith("<b>纵向深化</b>") for text in texts)
        assert any("— <b>Capable people come home and lead</b>" in text for text in texts)  # named last in English
        time.sleep(0.5)
        assert user.replies() == []
        assert bot.poll() is None
        user.close()

    def test_a_reply_answered_too_late_is_not_sent_twice(
        self, api: tuple[str, BotApiProxy], launch: Launch, tmp_path: Path
    ) -> None:
        """Telegram delivers a message but answers after the bot stopped waiting: the user sees it once.

        The bot cannot tell a late answer from a lost request, and a second copy would be the
        worse mistake for an FAQ; the next question is answered as usual.
        """
        emulator, proxy = api
        bot, token = launch(TELEGRAM_TIMEOUT="1")
        slowed: list[float] = []

        def lag(method: str, called: str) -> float:
            if called == token and method == "sendMessage" and not slowed:
                slowed.append(time.monotonic())
                return 2.0  # past the bot's wait for an answer (one second here, TELEGRAM_TIMEOUT)
            return 0.0

        proxy.lag = lag
        try:
            user = TelegramUser(emulator, token, 8802)
            user.say("党小组")
            (first,) = user.wait_replies()
            time.sleep(max(0.0, slowed[0] + 2.5 - time.monotonic()))
            assert user.replies() == []
            user.say("沈腾")
            (second,) = user.wait_replies()
        finally:
            proxy.lag = None
        assert first["text"].startswith("<b>纵向深化</b>")
        assert "沈腾" in second["text"]
        assert "may not have arrived" in (tmp_path / "bot.log").read_text()  # the bot did give up waiting
        assert bot.poll() is None
        user.close()
