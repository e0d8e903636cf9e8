"""End to end: the real `python -m bot run` process against the Bot API emulator, played as a user.

The emulator (npm `telegram-test-api`) runs on 127.0.0.1; a translating proxy in
`tests/e2e/proxy.py` makes its answers look like Telegram's. Nothing reaches Telegram.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.proxy import BotApiProxy
from tests.e2e.user import TelegramUser, bot_api, buttons, free_port, start_bot, stop_bot, wait_for

TOKEN = "777000:" + "E" * 35


class Rig:
    def __init__(self, emulator: str, proxy: BotApiProxy, bot: subprocess.Popen[str], data_dir: Path) -> None:
        self.emulator = emulator
        self.proxy = proxy
        self.bot = bot
        self.data_dir = data_dir

    def user(self, user_id: int, language: str = "zh-hans") -> TelegramUser:
        return TelegramUser(self.emulator, TOKEN, user_id, language=language)


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    with bot_api() as (emulator, proxy):
        data_dir = tmp_path_factory.mktemp("data")
        bot = start_bot(proxy.url, TOKEN, data_dir)
        try:
            wait_for(lambda: proxy.called("getUpdates") or bot.poll() is not None, 30, "the bot to start polling")
            assert bot.poll() is None, bot.stdout.read() if bot.stdout else ""
            yield Rig(emulator, proxy, bot, data_dir)
        finally:
            stop_bot(bot)


def test_a_conversation(rig: Rig) -> None:
    """A person starts the bot, asks in Chinese and English, with a typo, something it cannot answer,
    browses /topics, picks a "did you mean" option and votes 👍; every reply says the right thing."""
    user = rig.user(501)

    user.command("/start")
    (hello,) = user.wait_replies()
    assert "孝昌县基层党建问答" in hello["text"]
    assert len(buttons(hello)) == 3

    user.say("孝昌县有多少个党小组？")
    (answer,) = user.wait_replies()
    assert answer["text"].startswith("<b>纵向深化</b>")
    assert "▶ <b>党小组 875个</b>" in answer["text"]

    user.say("How many mu of tea does the county grow?")
    (english,) = user.wait_replies()
    assert english["text"].startswith("<b>Mobilising everyone</b>")
    assert "139,000 mu of tea" in english["text"]

    user.say("孝昌县的GDP是多少")
    (declined,) = user.wait_replies()
    assert declined["text"].startswith("抱歉，这篇报道里没有讲到这个")

    user.say("新创天地有几家")
    (typo,) = user.wait_replies()
    assert "国家级“星创天地” 1家；省级“星创天地” 18家" in typo["text"]

    user.command("/topics")
    (menu,) = user.wait_replies()
    user.press(buttons(menu)["强化引领，发挥作用"], menu)
    wait_for(lambda: "三进四代" in str(user.message(menu["message_id"]).get("reply_markup")), 15, "the line's menu")
    page_buttons = buttons(user.message(menu["message_id"]))
    user.press(page_buttons["“三进四代”善为善治"], {**menu, "text": "x"})
    wait_for(lambda: "小事不出村" in user.message(menu["message_id"])["text"], 15, "the measure in place")

    user.say("Fengshan")
    (asked,) = user.wait_replies()
    assert asked["text"].startswith("Which of these did you mean?")
    (option,) = [label for label in buttons(asked) if label.endswith("Mobilising everyone")]
    user.press(buttons(asked)[option], asked)
    wait_for(lambda: "Taizi rice" in user.message(asked["message_id"])["text"], 15, "the chosen answer in place")

    user.press(buttons(answer)["👍"], answer)
    with sqlite3.connect(rig.data_dir / "bot.sqlite3") as db:
        votes = wait_for(
            lambda: db.execute(
                "SELECT a.question, a.entry_id, v.vote FROM votes v JOIN answers a USING (chat_id, message_id)"
            ).fetchall(),
            15,
            "the vote to be recorded",
        )
    assert votes == [("孝昌县有多少个党小组？", "system-vertical", 1)]
    assert [c.get("language_code") for c in rig.proxy.called("setMyCommands")] == [None, "zh"]
    user.close()


def test_users_do_not_see_each_others_replies(rig: Rig) -> None:
    """Two people asking at once each get their own answer in their own chat."""
    first, second = rig.user(601), rig.user(602, "en")
    first.say("龙泉村")
    second.say("Who is Shen Teng?")
    (one,) = first.wait_replies()
    (two,) = second.wait_replies()
    assert one["text"].startswith("<b>“四事工作法”民事民办</b>")
    assert two["text"].startswith("<b>Capable people come home and lead</b>")
    time.sleep(0.3)
    assert first.replies() == []
    assert second.replies() == []
    first.close()
    second.close()


def test_token_never_appears_in_the_log(rig: Rig) -> None:
    """The bot's log, written while it served the conversations above, never contains the token."""
    rig.bot.send_signal(signal.SIGTERM)
    output, _ = rig.bot.communicate(timeout=15)
    assert rig.bot.returncode == 0
    assert "question answered outcome=answer" in output
    assert TOKEN not in output
    assert TOKEN.split(":")[1] not in output


@pytest.fixture(scope="module")
def webhook_rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Rig, str]]:
    with bot_api() as (emulator, proxy):
        hook_port = free_port()
        hook_url = f"http://127.0.0.1:{hook_port}/telegram-hook"
        bot = start_bot(
            proxy.url,
            TOKEN,
            tmp_path_factory.mktemp("hook-data"),
            WEBHOOK_URL=hook_url,
            WEBHOOK_LISTEN="127.0.0.1",
            WEBHOOK_PORT=str(hook_port),
            WEBHOOK_SECRET="s3cret-Token_1",
        )
        try:
            wait_for(lambda: proxy.webhooks or bot.poll() is not None, 30, "the bot to set its webhook")
            assert bot.poll() is None, bot.stdout.read() if bot.stdout else ""
            yield Rig(emulator, proxy, bot, Path()), hook_url
        finally:
            stop_bot(bot)


class TestWebhook:
    def test_webhook_mode_answers_and_checks_the_secret(self, webhook_rig: tuple[Rig, str]) -> None:
        """With WEBHOOK_URL set the bot registers its webhook with the secret, answers what Telegram
        delivers there, and refuses a delivery without the secret."""
        rig, hook_url = webhook_rig
        assert rig.proxy.webhooks[TOKEN] == (hook_url, "s3cret-Token_1")
        assert rig.proxy.called("getUpdates") == []
        user = rig.user(701)
        user.say("龙泉村是什么试点")
        (reply,) = user.wait_replies()
        assert reply["text"].startswith("<b>“四事工作法”民事民办</b>")
        forged = httpx.post(
            hook_url,
            json={
                "update_id": 1,
                "message": {"message_id": 1, "date": 0, "text": "x", "chat": {"id": 1, "type": "private"}},
            },
        )
        assert forged.status_code == 403
        user.close()
