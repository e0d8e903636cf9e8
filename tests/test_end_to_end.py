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

pytestmark = pytest.mark.e2e

TOKEN = "777000:" + "E" * 35
ADMIN = 990
GROUP = -100777


class Rig:
    def __init__(self, emulator: str, proxy: BotApiProxy, bot: subprocess.Popen[str], data_dir: Path) -> None:
        self.emulator = emulator
        self.proxy = proxy
        self.bot = bot
        self.data_dir = data_dir

    def user(self, user_id: int, language: str = "zh-hans", group: int | None = None) -> TelegramUser:
        return TelegramUser(self.emulator, TOKEN, user_id, language=language, group=group)


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    with bot_api() as (emulator, proxy):
        data_dir = tmp_path_factory.mktemp("data")
        bot = start_bot(proxy.url, TOKEN, data_dir, ADMIN_IDS=str(ADMIN))
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
    assert english["text"].startswith("▶ <b>139,000 mu of tea</b>")
    assert "— <b>Mobilising everyone</b>" in english["text"]
    assert "139,000 mu of tea" in english["text"]

    user.say("孝昌县的GDP是多少")
    (declined,) = user.wait_replies()
    assert declined["text"].startswith("抱歉，这篇报道里没有讲到这个")

    user.say("新创天地有几家")
    (typo,) = user.wait_replies()
    assert "国家级“星创天地” 1家；省级“星创天地” 18家" in typo["text"]

    user.command("/topics")
    (menu,) = user.wait_replies()
    user.press(buttons(menu)["3. 强化引领，发挥作用"], menu)
    wait_for(lambda: "三进四代" in str(user.message(menu["message_id"]).get("reply_markup")), 15, "the line's menu")
    page_buttons = buttons(user.message(menu["message_id"]))
    user.press(page_buttons["3. “三进四代”善为善治"], {**menu, "text": "x"})
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
    assert [c.get("language_code") for c in rig.proxy.called("setMyCommands")][:2] == [None, "zh"]
    user.close()


def test_users_do_not_see_each_others_replies(rig: Rig) -> None:
    """Two people asking at once each get their own answer in their own chat."""
    first, second = rig.user(601), rig.user(602, "en")
    first.say("龙泉村")
    second.say("Who is Shen Teng?")
    (one,) = first.wait_replies()
    (two,) = second.wait_replies()
    assert one["text"].startswith("<b>“四事工作法”民事民办</b>")
    assert "— <b>Capable people come home and lead</b>" in two["text"]
    time.sleep(0.3)
    assert first.replies() == []
    assert second.replies() == []
    first.close()
    second.close()


def _option(message: dict[str, object], number: int) -> str:
    """The title behind a numbered option button ("2. Title")."""
    labels = [label for label in buttons(message) if label.startswith(f"{number}. ")]
    assert labels, buttons(message)
    return labels[0].removeprefix(f"{number}. ")


def test_a_number_reply_picks_that_option(rig: Rig) -> None:
    """After "did you mean", replying 2 answers with option 2, whose title the button showed."""
    user = rig.user(511, "en")
    user.say("Fengshan")
    (asked,) = user.wait_replies()
    assert asked["text"].startswith("Which of these did you mean?")
    user.say("2")
    (picked,) = user.wait_replies()
    assert picked["text"].startswith(f"<b>{_option(asked, 2)}</b>")
    user.close()


def test_follow_ups_read_against_the_last_answer(rig: Rig) -> None:
    """那茶叶呢 after an acreage answer gives tea's acreage; 能说详细点吗 the full text; 不对 the other
    entries the bot weighed, numbered; 2 after a decline and 1 after 👎 pick from what they offered."""
    user = rig.user(551)
    user.say("苗木花卉种了多少亩")
    user.wait_replies()
    user.say("那茶叶呢")
    (tea,) = user.wait_replies()
    assert "▶ <b>茶叶 13.9万亩</b>" in tea["text"]
    user.say("能说详细点吗")
    (full,) = user.wait_replies()
    assert "周巷镇入选全国一村一品示范村镇" in full["text"]
    user.say("党员中心户有多少")
    user.wait_replies()
    user.say("不对")
    (others,) = user.wait_replies()
    assert others["text"].startswith("抱歉没答好")
    assert _option(others, 1)
    user.say("孝昌县GDP是多少")
    (declined,) = user.wait_replies()
    user.say("2")
    (second,) = user.wait_replies()
    assert second["text"].startswith(f"<b>{_option(declined, 2)}</b>")
    user.say("党员中心户")
    (answer,) = user.wait_replies()
    user.press(buttons(answer)["👎"], answer)
    (offered,) = user.wait_replies()
    user.say("1")
    (first,) = user.wait_replies()
    assert first["text"].startswith(f"<b>{_option(offered, 1)}</b>")
    user.close()


def test_a_photos_caption_is_answered(rig: Rig) -> None:
    """A photo sent with a question as its caption gets the question answered."""
    user = rig.user(552)
    user.photo("孝昌县有多少个党小组？")
    (answer,) = user.wait_replies()
    assert "▶ <b>党小组 875个</b>" in answer["text"]
    user.close()


def test_in_a_group_a_number_replying_to_the_bots_message_picks_for_whoever_sent_it(rig: Rig) -> None:
    """A member's question back in a group says how to answer there; another member's 2, sent as a reply
    to it, answers that member with option 2, in their own language."""
    group = -100779
    asker, other = rig.user(561, "en", group=group), rig.user(562, group=group)
    me = httpx.get(f"{rig.proxy.url}/bot{TOKEN}/getMe", timeout=10).json()["result"]
    asker.command("/ask Fengshan")
    (asked,) = asker.wait_replies()
    assert "reply to this message with a number, or tap a button" in asked["text"]
    assert _option(asked, 2) == "Mobilising everyone"
    other.reply("2", asked, me)
    (picked,) = other.wait_replies()
    assert picked["text"].startswith("<b>群众全员发动</b>")
    asker.close()
    other.close()


def test_an_english_users_bare_figure_is_answered_in_english(rig: Rig) -> None:
    """A message with no language of its own (a figure) follows the user's language_code."""
    user = rig.user(512, "en")
    user.say("875")
    (reply,) = user.wait_replies()
    assert "875 Party groups" in reply["text"]
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in reply["text"].split("\n")[0])
    user.close()


def test_an_unknown_command_gets_a_hint(rig: Rig) -> None:
    """/foo is not silence: one line pointing at /help, in the user's language."""
    user = rig.user(513, "en")
    user.command("/foo")
    (hint,) = user.wait_replies()
    assert hint["text"] == "There is no /foo command. Send /help to see what I can do, or just ask a question."
    user.close()


def test_an_edited_question_edits_its_answer(rig: Rig) -> None:
    """Correcting a sent question makes the bot rewrite its reply to it, not send another."""
    user = rig.user(514)
    question = user.said("孝昌县有多少个党小组？")
    (reply,) = user.wait_replies()
    assert "875个" in reply["text"]
    user.edit(rig.proxy, question, "孝昌县种了多少亩茶叶？")
    wait_for(lambda: "13.9万亩" in user.message(reply["message_id"])["text"], 15, "the reply to be edited")
    assert user.replies() == []
    user.close()


def test_another_member_tapping_every_button_leaves_the_askers_answer_alone(rig: Rig) -> None:
    """In a group, a second member's taps go to that member privately; the asker's message and its
    buttons stay as they were for everyone."""
    asker, other = rig.user(521, group=GROUP), rig.user(522, group=GROUP)
    asker.command("/ask 孝昌县有多少个党小组")
    (answer,) = asker.wait_replies()
    before = asker.message(answer["message_id"])
    taps = buttons(answer)
    assert len(taps) >= 3
    answered = len(rig.proxy.called("answerCallbackQuery"))
    for data in taps.values():
        other.press(data, answer)
    wait_for(lambda: len(rig.proxy.called("answerCallbackQuery")) >= answered + len(taps), 15, "every tap handled")
    after = asker.message(answer["message_id"])
    assert (after["text"], after.get("reply_markup")) == (before["text"], before.get("reply_markup"))
    assert asker.replies() == []
    privately = rig.user(522)
    assert privately.wait_replies(), "the presser heard back privately"
    for person in (asker, other, privately):
        person.close()


def test_an_admin_command_in_a_group_posts_nothing_there(rig: Rig) -> None:
    """/unanswered in a group answers the admin in a private chat; the group gets at most a pointer
    there, never a user's question."""
    member, admin = rig.user(531, group=GROUP), rig.user(ADMIN, group=GROUP)
    member.command("/ask 孝昌县的人均收入是多少")
    member.wait_replies()
    admin.command("/unanswered")
    private = rig.user(ADMIN)
    report, *_ = private.wait_replies(2)  # the list, then a card with buttons per question
    assert "孝昌县的人均收入是多少" in report["text"]
    time.sleep(0.5)
    in_group = [m["text"] for m in admin.replies()]
    assert in_group == ["管理命令的结果只在私聊里发送，已私信发给您。"]
    for person in (member, admin, private):
        person.close()


def test_a_restart_between_the_question_and_the_number_loses_nothing(tmp_path: Path) -> None:
    """The pending choice lives in the store: after SIGTERM and a new start, 2 still picks option 2,
    and a 👍 on an answer given before the restart is still counted."""
    with bot_api() as (emulator, proxy):

        def run() -> subprocess.Popen[str]:
            bot = start_bot(proxy.url, TOKEN, tmp_path, log=tmp_path / f"bot-{time.monotonic()}.log")
            polls = len(proxy.called("getUpdates"))
            wait_for(lambda: len(proxy.called("getUpdates")) > polls or bot.poll() is not None, 30, "polling")
            return bot

        user = TelegramUser(emulator, TOKEN, 541, language="en")
        bot = run()
        user.say("How many Party groups are there?")
        (answer,) = user.wait_replies()
        user.say("Fengshan")
        (asked,) = user.wait_replies()
        stop_bot(bot)
        bot = run()
        try:
            user.say("2")
            (picked,) = user.wait_replies()
            assert picked["text"].startswith(f"<b>{_option(asked, 2)}</b>")
            user.press(buttons(answer)["👍"], answer)
            wait_for(lambda: proxy.called("answerCallbackQuery"), 15, "the vote to be acknowledged")
        finally:
            stop_bot(bot)
        with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
            assert db.execute("SELECT vote FROM votes").fetchall() == [(1,)]
        user.close()


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
