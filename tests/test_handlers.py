"""The Telegram handlers, offline: real Update objects through `application.process_update`.

The Bot API is `RecordingBotApi`, which answers from memory; nothing touches a network.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot.answering import Brain
from bot.application import BotApplication, build_application, register_commands
from bot.feedback import FeedbackStore
from bot.reloading import FaqReloader
from bot.settings import Settings
from tests.bot_api import BOT, RecordingBotApi
from tests.conftest import BROKEN, FAQ, broken_expectation

TOKEN = "123456:" + "A" * 35
ZH_USER = {"id": 7, "is_bot": False, "first_name": "王", "language_code": "zh-hans"}
EN_USER = {"id": 8, "is_bot": False, "first_name": "Ann", "language_code": "en"}
GROUP = -100123
_ids = itertools.count(1)


class Harness:
    """An application over the recording Bot API, and ways to play a user."""

    def __init__(self, application: BotApplication, api: RecordingBotApi, feedback: FeedbackStore) -> None:
        self.app = application
        self.api = api
        self.feedback = feedback

    async def send(self, data: dict[str, Any]) -> None:
        await self.app.process_update(Update.de_json({"update_id": next(_ids), **data}, self.app.bot))

    async def text(
        self,
        text: str,
        *,
        user: dict[str, Any] = ZH_USER,
        chat_id: int | None = None,
        reply_to: dict[str, Any] | None = None,
    ) -> None:
        chat = chat_id or user["id"]
        message: dict[str, Any] = {
            "message_id": next(_ids),
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private" if chat > 0 else "supergroup"},
            "from": user,
            "text": text,
        }
        entities = []
        if text.startswith("/"):
            entities.append({"type": "bot_command", "offset": 0, "length": len(text.split(maxsplit=1)[0])})
        entities += [
            {"type": "mention", "offset": m.start(), "length": m.end() - m.start()} for m in re.finditer(r"@\w+", text)
        ]
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        await self.send({"message": message})

    async def press(self, data: str, on: dict[str, Any], *, user: dict[str, Any] = ZH_USER) -> None:
        message = {
            "message_id": on["message_id"],
            "date": int(time.time()),
            "chat": on["chat"],
            "from": BOT,
            "text": on["text"],
            "reply_markup": on.get("reply_markup"),
        }
        await self.send(
            {
                "callback_query": {
                    "id": str(next(_ids)),
                    "from": user,
                    "chat_instance": "c",
                    "data": data,
                    "message": message,
                }
            }
        )

    def last_message(self) -> dict[str, Any]:
        params = self.api.sent()[-1]
        return {"message_id": 999, "chat": {"id": int(params["chat_id"]), "type": "private"}, **params}


def _buttons(params: dict[str, Any]) -> list[str]:
    return [b["callback_data"] for row in params["reply_markup"]["inline_keyboard"] for b in row]


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Harness]:
    api = RecordingBotApi()
    feedback = FeedbackStore(tmp_path)
    settings = Settings(faq_file=FAQ, token=TOKEN, api_url="http://bot-api.invalid")
    application = build_application(settings, Brain.load(FAQ), feedback=feedback, request=api)
    async with application:
        yield Harness(application, api, feedback)
    feedback.close()


class TestCommands:
    async def test_start_greets_in_the_users_language_with_three_examples(self, bot: Harness) -> None:
        """/start answers in Chinese for a zh user and in English for an en user, with three example buttons."""
        await bot.text("/start")
        await bot.text("/start", user=EN_USER)
        zh, en = bot.api.sent()
        assert "孝昌县基层党建问答" in zh["text"]
        assert en["text"].startswith("Hello!")
        assert len(_buttons(zh)) == 3
        assert all(data.startswith("e|") for data in _buttons(en))

    async def test_help_and_about(self, bot: Harness) -> None:
        """/help lists the commands; /about gives title, date and source and says it knows only this article."""
        await bot.text("/help")
        await bot.text("/about", user=EN_USER)
        help_text, about_text = bot.api.texts()
        assert "/topics" in help_text
        assert "/ask" in help_text
        assert "16 November 2022" in about_text
        assert "only know" in about_text

    async def test_command_list_is_registered_in_both_languages(self, bot: Harness) -> None:
        """The command list goes to setMyCommands once in English and once for language code zh."""
        await register_commands(bot.app)
        calls = bot.api.sent("setMyCommands")
        assert [c.get("language_code") for c in calls] == [None, "zh"]
        assert {c["command"] for c in calls[1]["commands"]} >= {"topics", "ask", "about", "help"}


class TestQuestions:
    async def test_answer_leads_with_figure_and_offers_related_and_votes(self, bot: Harness) -> None:
        """A question gets the measure, its line, the asked figure first, related measures and 👍/👎."""
        await bot.text("孝昌县有多少个党小组？")
        reply = bot.api.sent()[-1]
        assert reply["parse_mode"] == "HTML"
        assert reply["text"].startswith("<b>纵向深化</b> · <i>优化体系，一体推进</i>\n\n▶ <b>党小组 875个</b>")
        buttons = _buttons(reply)
        assert {"e|system-horizontal|zh", "e|system-quality|zh", "v|+|system-vertical", "v|-|system-vertical"} <= set(
            buttons
        )

    async def test_english_question_gets_english(self, bot: Harness) -> None:
        """An English question is answered in English, whatever the user's language setting."""
        await bot.text("Who is Shen Teng?", user=ZH_USER)
        assert bot.api.texts()[-1].startswith("<b>Capable people come home and lead</b>")

    async def test_no_answer_says_so_offers_topics_and_is_recorded(self, bot: Harness) -> None:
        """An unanswerable question is declined plainly, with suggestions, and logged for the admins."""
        await bot.text("孝昌县GDP是多少")
        reply = bot.api.sent()[-1]
        assert reply["text"].startswith("抱歉，这篇报道里没有讲到这个")
        assert "t|zh" in _buttons(reply)
        events = bot.feedback.events("unanswered")
        assert [e["question"] for e in events] == ["孝昌县GDP是多少"]
        assert events[0]["user"] != "7"

    async def test_a_detail_the_article_does_not_give_is_named_with_the_entry_one_tap_away(self, bot: Harness) -> None:
        """太子米's price is not in the article: the reply says so and offers the 太子米 entry as a button."""
        await bot.text("太子米卖多少钱一斤")
        reply = bot.api.sent()[-1]
        assert reply["text"].startswith("文章没有提到价格或费用。相关原文（群众全员发动）：")
        assert _buttons(reply)[0] == "d|act-everyone|zh"
        assert [e["question"] for e in bot.feedback.events("unanswered")] == ["太子米卖多少钱一斤"]

    async def test_did_you_mean_turns_into_the_chosen_answer(self, bot: Harness) -> None:
        """Asking back offers buttons; pressing one edits that message into the answer."""
        await bot.text("Fengshan", user=EN_USER)
        asked = bot.last_message()
        assert set(_buttons(asked)) == {"d|lead-three-four|en", "d|act-everyone|en"}
        await bot.press("d|act-everyone|en", asked, user=EN_USER)
        edit = bot.api.sent("editMessageText")[-1]
        assert edit["text"].startswith("<b>Mobilising everyone</b>")
        assert bot.feedback.events("asked_back")[0]["question"] == "Fengshan"

    async def test_greetings_get_a_greeting(self, bot: Harness) -> None:
        """'你好' is answered as a greeting, not matched against the FAQ."""
        await bot.text("你好")
        assert bot.api.texts()[-1].startswith("你好！我是孝昌县基层党建问答")

    async def test_long_message_gets_a_polite_reply(self, bot: Harness) -> None:
        """A message far longer than a question is not matched; the user is asked to be brief."""
        await bot.text("党小组" * 800)
        assert bot.api.texts()[-1] == "问题太长了，请用一两句话提问。"

    async def test_html_lookalikes_are_escaped(self, bot: Harness) -> None:
        """Text that looks like HTML never reaches Telegram as markup."""
        await bot.text("<b>党小组</b> & <script>")
        text = bot.api.texts()[-1]
        assert "<script>" not in text
        assert set(re.findall(r"</?(\w+)", text)) <= {"b", "i"}


class TestTopics:
    async def test_menu_opens_line_then_measure_then_goes_back(self, bot: Harness) -> None:
        """/topics shows the four lines; a line shows its measures; a measure shows the answer with a way back."""
        await bot.text("/topics")
        menu = bot.last_message()
        assert [d for d in _buttons(menu) if d.startswith("l|")] == [
            "l|learn|zh",
            "l|system|zh",
            "l|lead|zh",
            "l|act|zh",
        ]
        await bot.press("l|system|zh", menu)
        line = bot.api.sent("editMessageText")[-1]
        assert _buttons(line) == [
            "m|system|zh",
            "m|system-vertical|zh",
            "m|system-horizontal|zh",
            "m|system-quality|zh",
            "t|zh",
        ]
        await bot.press("m|system-vertical|zh", {**menu, **line})
        page = bot.api.sent("editMessageText")[-1]
        assert page["text"].startswith("<b>纵向深化</b>")
        assert "l|system|zh" in _buttons(page)
        await bot.press("t|zh", {**menu, **page})
        assert bot.api.sent("editMessageText")[-1]["text"] == menu["text"]
        assert len(bot.api.sent()) == 1


class TestVotes:
    async def test_vote_is_recorded_with_question_and_buttons_removed(self, bot: Harness) -> None:
        """👍 under an answer records question, entry and vote, thanks the user, and removes the vote row."""
        await bot.text("沈腾是谁")
        answer = bot.api.sent()[-1]
        message = {"message_id": 1000, "chat": {"id": 7, "type": "private"}, **answer}
        await bot.press("v|+|act-returnees", message)
        votes = bot.feedback.events("vote")
        assert [(v["question"], v["entry_id"], v["vote"]) for v in votes] == [("沈腾是谁", "act-returnees", 1)]
        assert bot.api.sent("answerCallbackQuery")[-1]["text"] == "谢谢您的反馈！"
        kept = _buttons(bot.api.sent("editMessageReplyMarkup")[-1])
        assert not any(data.startswith("v|") for data in kept)


class TestGroups:
    async def test_quiet_unless_addressed(self, bot: Harness) -> None:
        """In a group the bot ignores chatter, and answers a mention, a reply to it, or /ask."""
        await bot.text("党小组有多少个", chat_id=GROUP)
        assert bot.api.sent() == []
        await bot.text("@XiaochangFaqBot 党小组有多少个", chat_id=GROUP)
        mine = {"message_id": 5, "date": 0, "from": BOT, "chat": {"id": GROUP, "type": "supergroup"}, "text": "…"}
        await bot.text("沈腾是谁", chat_id=GROUP, reply_to=mine)
        await bot.text("/ask 龙泉村", chat_id=GROUP)
        texts = bot.api.texts()
        assert [t.split("</b>")[0] for t in texts] == ["<b>纵向深化", "<b>能人回乡带动", "<b>“四事工作法”民事民办"]

    async def test_mention_of_someone_else_is_ignored(self, bot: Harness) -> None:
        """A message mentioning another account is not for the bot."""
        await bot.text("@someone 党小组有多少个", chat_id=GROUP)
        assert bot.api.sent() == []

    async def test_sticker_in_group_is_ignored_and_in_private_answered(self, bot: Harness) -> None:
        """Non-text messages get a short reply in private and nothing in groups."""
        sticker = {
            "file_id": "x",
            "file_unique_id": "y",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
        for chat in (GROUP, 7):
            await bot.send(
                {
                    "message": {
                        "message_id": next(_ids),
                        "date": int(time.time()),
                        "from": ZH_USER,
                        "chat": {"id": chat, "type": "private" if chat > 0 else "supergroup"},
                        "sticker": sticker,
                    }
                }
            )
        assert bot.api.texts() == ["我只能读文字问题。请用文字提问，例如：孝昌县有多少个党小组？"]


class TestInline:
    async def test_inline_query_returns_matching_measures(self, bot: Harness) -> None:
        """@bot query returns the best matching measures as articles to send."""
        await bot.send({"inline_query": {"id": "iq", "from": EN_USER, "query": "党小组", "offset": ""}})
        (answer,) = bot.api.sent("answerInlineQuery")
        ids = [result["id"] for result in answer["results"]]
        assert ids[0] == "system-vertical"
        assert answer["results"][0]["input_message_content"]["parse_mode"] == "HTML"


class TestDelivery:
    async def test_a_dropped_connection_is_retried(self, bot: Harness) -> None:
        """A reply whose connection failed is sent again, once, and the user gets one answer."""
        bot.api.drop_next["sendMessage"] = 2
        await bot.text("党小组")
        attempts = bot.api.sent()
        assert len(attempts) == 3
        assert bot.api.texts()[-1].startswith("<b>纵向深化</b>")


class TestErrors:
    async def test_failed_send_is_logged_and_the_bot_keeps_going(
        self, bot: Harness, caplog: pytest.LogCaptureFixture
    ) -> None:
        """When Telegram refuses a reply, the error is logged, the user told, and later updates still work."""
        bot.api.fail_next["sendMessage"] = 1
        await bot.text("党小组")
        await bot.text("沈腾")
        assert "error while handling an update" in caplog.text
        assert bot.api.texts()[-2] == "抱歉，出了点问题，请再试一次。"
        assert bot.api.texts()[-1].startswith("<b>能人回乡带动</b>")

    async def test_a_reply_that_timed_out_is_logged_not_apologised_for(
        self, bot: Harness, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Telegram may have delivered it: no apology after it, no second copy, a warning in the log."""
        bot.api.time_out_next["sendMessage"] = 1
        await bot.text("党小组")
        assert len(bot.api.sent()) == 1
        assert "a reply to chat" in caplog.text
        assert "may not have arrived" in caplog.text
        await bot.text("沈腾")
        assert bot.api.texts()[-1].startswith("<b>能人回乡带动</b>")


ADMIN_ID = 9001
ADMIN = {"id": ADMIN_ID, "is_bot": False, "first_name": "管理员", "language_code": "zh-hans"}


class AdminHarness(Harness):
    """The harness with a reloadable copy of the FAQ, one admin, and the notices admins got."""

    def __init__(self, bot: Harness, faq: Path) -> None:
        super().__init__(bot.app, bot.api, bot.feedback)
        self.faq = faq
        self.told: list[str] = []
        self.reloader = FaqReloader(faq, faq.parent, self._install, self._tell)
        bot.app.bot_data.reload = self.reloader.reload
        bot.app.bot_data.admins = frozenset({ADMIN_ID})

    def _install(self, brain: Brain) -> None:
        self.app.bot_data.brain = brain

    async def _tell(self, text: str) -> None:
        self.told.append(text)


@pytest.fixture
async def admin_bot(bot: Harness, tmp_path: Path) -> AdminHarness:
    faq = tmp_path / "faq.yaml"
    faq.write_bytes(FAQ.read_bytes())
    return AdminHarness(bot, faq)


class TestReload:
    async def test_reload_is_refused_to_non_admins(self, admin_bot: AdminHarness) -> None:
        """/reload from someone not in ADMIN_IDS gets a polite refusal and reloads nothing."""
        await admin_bot.text("/reload")
        assert admin_bot.api.texts() == ["抱歉，这个命令只供管理员使用。"]

    async def test_admin_reload_swaps_in_the_edited_faq(self, admin_bot: AdminHarness) -> None:
        """An admin's /reload loads the edited file; the next answer comes from it."""
        faq = admin_bot.faq
        faq.write_text(faq.read_text(encoding="utf-8").replace("设立875个党小组", "设立875个党小组（新版）"), "utf-8")
        await admin_bot.text("/reload", user=ADMIN)
        await admin_bot.text("党小组")
        reloaded, answer = admin_bot.api.texts()
        assert reloaded == "问答库已重新加载：18 条。"
        assert "（新版）" in answer

    @pytest.mark.parametrize("broken", BROKEN, ids=[p.stem for p in BROKEN])
    async def test_broken_file_is_refused_and_the_old_faq_still_answers(
        self, admin_bot: AdminHarness, broken: Path
    ) -> None:
        """Each broken file is refused with its line and message, admins are told, and answers go on."""
        line, expected = broken_expectation(broken)
        faq = admin_bot.faq
        faq.write_bytes(broken.read_bytes())
        result = await admin_bot.reloader.reload("test")
        assert not result.ok
        assert any(p.startswith(f"{faq}:{line}: ") and expected in p for p in result.problems), result.problems
        assert expected in admin_bot.told[-1]
        await admin_bot.text("孝昌县有多少个党小组")
        assert "▶ <b>党小组 875个</b>" in admin_bot.api.texts()[-1]

    async def test_admin_reload_of_a_broken_file_lists_the_problems(self, admin_bot: AdminHarness) -> None:
        """An admin's /reload of a bad file answers with the problems, escaped, and the old FAQ stays."""
        faq = admin_bot.faq
        faq.write_text("entries: [<b>\n", encoding="utf-8")
        await admin_bot.text("/reload", user=ADMIN)
        text = admin_bot.api.texts()[-1]
        assert text.startswith("问答库有错误，未加载，仍在使用原来的版本：")
        assert f"{faq}:2: YAML syntax error" in text
        assert set(re.findall(r"</?(\w+)", text)) == {"pre"}

    async def test_last_good_version_is_kept_on_disk(self, admin_bot: AdminHarness, tmp_path: Path) -> None:
        """A good reload keeps a copy of the file it loaded; a bad one leaves that copy alone."""
        faq = admin_bot.faq
        assert (await admin_bot.reloader.reload("test")).ok
        kept = (tmp_path / "faq.last-good.yaml").read_bytes()
        assert kept == FAQ.read_bytes()
        faq.write_text("entries: [\n", encoding="utf-8")
        assert not (await admin_bot.reloader.reload("test")).ok
        assert (tmp_path / "faq.last-good.yaml").read_bytes() == kept


class TestAdminReports:
    async def test_stats_and_unanswered_are_for_admins(self, admin_bot: AdminHarness) -> None:
        """/stats and /unanswered are refused to others; admins get counts and grouped questions."""
        for question in ("党小组", "孝昌县GDP是多少", "孝昌县的GDP是多少？", "Fengshan"):
            await admin_bot.text(question)
        await admin_bot.text("/stats")
        await admin_bot.text("/stats week", user=ADMIN)
        await admin_bot.text("/unanswered", user=ADMIN)
        refused, report, missing = admin_bot.api.texts()[-3:]
        assert refused == "抱歉，这个命令只供管理员使用。"
        assert report.startswith("<pre>Since ")
        assert ": 4 questions" in report
        assert "纵向深化" in report
        assert "   2× 孝昌县GDP是多少" in missing


class TestFeedbackFailures:
    async def test_a_locked_database_does_not_stop_answers(
        self, bot: Harness, caplog: pytest.LogCaptureFixture
    ) -> None:
        """While another process holds the database, the write is logged and skipped; the answer is sent."""
        holder = sqlite3.connect(bot.feedback.path, timeout=0)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            await bot.text("孝昌县GDP是多少")
        finally:
            holder.rollback()
            holder.close()
        assert bot.api.texts()[-1].startswith("抱歉，这篇报道里没有讲到这个")
        assert "feedback not recorded (unanswered)" in caplog.text


class TestReloadUnderLoad:
    async def test_questions_during_reloads_get_whole_answers_from_one_version(
        self, admin_bot: AdminHarness, caplog: pytest.LogCaptureFixture
    ) -> None:
        """While the file is rewritten and reloaded again and again, every question gets an answer whose
        title and text come from the same version, and nothing fails."""
        original = admin_bot.faq.read_text(encoding="utf-8")

        def version(mark: str) -> str:
            return original.replace("    title: 纵向深化\n", f"    title: 纵向深化{mark}\n").replace(
                "设立875个党小组；", f"设立875个党小组{mark}；"
            )

        done = asyncio.Event()

        async def rewrite() -> None:
            for turn in range(6):
                admin_bot.faq.write_text(version("（甲）" if turn % 2 else "（乙）"), encoding="utf-8")
                assert (await admin_bot.reloader.reload("test")).ok
            done.set()

        asked = 0

        async def ask() -> None:
            nonlocal asked
            while not done.is_set():
                asked += 1
                await admin_bot.text("党小组")
                await asyncio.sleep(0.005)

        await asyncio.gather(rewrite(), ask(), ask())
        answers = [t for t in admin_bot.api.texts() if "党小组" in t]
        seen = {m for t in answers for m in ("（甲）", "（乙）") if m in t}
        assert len(answers) == asked
        assert seen == {"（甲）", "（乙）"}
        for text in answers:
            title, _, body = text.partition("</b>")
            in_title = {m for m in ("（甲）", "（乙）") if m in title}
            in_body = {m for m in ("（甲）", "（乙）") if m in body}
            assert in_title == in_body, text[:80]
            assert len(in_title) <= 1
        assert "error while handling an update" not in caplog.text
