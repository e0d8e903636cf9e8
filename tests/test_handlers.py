"""The Telegram handlers, offline: real Update objects through `application.process_update`.

The Bot API is `RecordingBotApi`, which answers from memory; nothing touches a network.
The store is a real SQLite store in a temporary directory, on a clock the tests move.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import struct
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot.core.brain import Brain
from bot.faq.reloading import FaqReloader, ReloadResult, Trigger
from bot.ops.serving import record_version
from bot.ops.settings import Settings
from bot.storage.sqlite import SqliteStore
from bot.storage.store import Lifetimes
from bot.tg.application import BotApplication, build_application, register_commands
from tests.bot_api import BOT, RecordingBotApi
from tests.conftest import BROKEN, FAQ, broken_expectation, shipped_brain
from tests.test_store import Clock

TOKEN = "123456:" + "A" * 35
ZH_USER: dict[str, Any] = {"id": 7, "is_bot": False, "first_name": "王", "language_code": "zh-hans"}
EN_USER: dict[str, Any] = {"id": 8, "is_bot": False, "first_name": "Ann", "language_code": "en"}
OTHER: dict[str, Any] = {"id": 11, "is_bot": False, "first_name": "李", "language_code": "zh-hans"}
ADMIN_ID = 9001
ADMIN: dict[str, Any] = {"id": ADMIN_ID, "is_bot": False, "first_name": "管理员", "language_code": "zh-hans"}
EN_ADMIN: dict[str, Any] = {"id": 9002, "is_bot": False, "first_name": "Admin", "language_code": "en"}
GROUP = -100123
_ids = itertools.count(1)


class Harness:
    """An application over the recording Bot API and a real store, and ways to play users."""

    def __init__(self, application: BotApplication, api: RecordingBotApi, store: SqliteStore, clock: Clock) -> None:
        self.app = application
        self.api = api
        self.store = store
        self.clock = clock

    async def send(self, data: dict[str, Any]) -> None:
        await self.app.process_update(Update.de_json({"update_id": next(_ids), **data}, self.app.bot))

    def _message(
        self, text: str, user: dict[str, Any], chat_id: int | None, message_id: int | None = None
    ) -> dict[str, Any]:
        chat = chat_id or user["id"]
        message: dict[str, Any] = {
            "message_id": message_id or next(_ids),
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
        return message

    async def text(
        self,
        text: str,
        *,
        user: dict[str, Any] = ZH_USER,
        chat_id: int | None = None,
        reply_to: dict[str, Any] | None = None,
        message_id: int | None = None,
    ) -> int:
        message = self._message(text, user, chat_id, message_id)
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        await self.send({"message": message})
        return int(message["message_id"])

    async def edit(
        self, message_id: int, text: str, *, user: dict[str, Any] = ZH_USER, chat_id: int | None = None
    ) -> None:
        message = self._message(text, user, chat_id, message_id)
        message["edit_date"] = int(time.time())
        await self.send({"edited_message": message})

    async def press(self, data: str, on: dict[str, Any], *, user: dict[str, Any] = ZH_USER) -> None:
        message = {
            "message_id": on["message_id"],
            "date": int(time.time()),
            "chat": on["chat"],
            "from": BOT,
            "text": on["text"],
            "reply_markup": on.get("reply_markup"),
        }
        query = {"id": str(next(_ids)), "from": user, "chat_instance": "c", "data": data, "message": message}
        await self.send({"callback_query": query})

    def caption(self) -> str:
        """The caption of the last photo or document sent (a /stats chart, the FAQ file)."""
        return str(self.api.attachments[-1][1]["caption"])

    def last_message(self) -> dict[str, Any]:
        """The last message sent, as the Bot API returned it (with its message id)."""
        params = self.api.sent()[-1]
        chat = int(params["chat_id"])
        kind = "private" if chat > 0 else "supergroup"
        return {"message_id": self.api.sent_ids[-1], "chat": {"id": chat, "type": kind}, **params}


def _buttons(params: dict[str, Any]) -> list[str]:
    return [b["callback_data"] for row in params["reply_markup"]["inline_keyboard"] for b in row]


def _labels(params: dict[str, Any]) -> list[str]:
    return [b["text"] for row in params["reply_markup"]["inline_keyboard"] for b in row]


async def _harness(
    data: Path, clock: Clock, api: RecordingBotApi, admins: frozenset[int] = frozenset()
) -> tuple[BotApplication, SqliteStore]:
    store = SqliteStore(data, clock=clock, lifetimes=Lifetimes())
    await store.start()
    settings = Settings(faq_file=FAQ, token=TOKEN, api_url="http://bot-api.invalid", admin_ids=admins, data_dir=data)
    application = build_application(settings, shipped_brain(), store, request=api)
    return application, store


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Harness]:
    api = RecordingBotApi()
    clock = Clock()
    application, store = await _harness(tmp_path / "data", clock, api, frozenset({ADMIN_ID, EN_ADMIN["id"]}))
    async with application:
        yield Harness(application, api, store, clock)
    await store.close()


async def _events(bot: Harness, *kinds: str) -> list[Any]:
    await asyncio.wait_for(bot.store._queue.join(), 10)  # type: ignore[union-attr]
    return await bot.store.events.since(bot.clock.now - timedelta(days=1), kinds)


class TestCommands:
    async def test_start_greets_in_the_users_language_with_example_buttons(self, bot: Harness) -> None:
        """/start answers in Chinese for a zh user and in English for an en user, with the article's examples to tap."""
        await bot.text("/start")
        await bot.text("/start", user=EN_USER)
        zh, en = bot.api.sent()
        assert "孝昌县基层党建问答" in zh["text"]
        assert en["text"].startswith("Hello!")
        assert _buttons(zh) == ["q|0|zh", "q|1|zh", "q|2|zh"]
        assert _labels(en)[0] == "How many Party groups are there?"

    async def test_start_and_help_in_a_group_say_how_to_ask_there(self, bot: Harness) -> None:
        """In a group, /start and /help say to mention the bot, reply to it or use /ask, not "just send a question"."""
        await bot.text("/start", chat_id=GROUP)
        await bot.text("/help", chat_id=GROUP)
        start, help_text = bot.api.texts()
        assert "/ask" in start
        assert "直接发问题" not in start
        assert "在群里" in help_text

    async def test_help_lists_the_registered_commands_and_admins_see_theirs(self, bot: Harness) -> None:
        """/help's list comes from the registered commands; the admin commands only for an admin, privately."""
        await bot.text("/help")
        await bot.text("/help", user=ADMIN)
        for_user, for_admin = bot.api.texts()
        assert {"/topics", "/ask", "/about", "/help", "/start"} <= set(re.findall(r"/\w+", for_user))
        assert "/stats" not in for_user
        assert "/stats" in for_admin
        assert "/reload" in for_admin

    async def test_about_comes_from_the_faq(self, bot: Harness) -> None:
        """/about gives the article's title, date and source from the FAQ's article block."""
        await bot.text("/about", user=EN_USER)
        (about,) = bot.api.texts()
        assert "16 November 2022" in about
        assert "Xiaogan Party Building" in about

    async def test_command_list_is_registered_in_both_languages(self, bot: Harness) -> None:
        """The users' command list goes to setMyCommands once in English and once for zh; admin commands do not."""
        await register_commands(bot.app)
        calls = bot.api.sent("setMyCommands")
        assert [c.get("language_code") for c in calls] == [None, "zh"]
        names = {c["command"] for c in calls[1]["commands"]}
        assert {"topics", "ask", "about", "help"} <= names
        assert "stats" not in names

    async def test_an_unknown_command_gets_a_hint(self, bot: Harness) -> None:
        """/foo is not silence: one line pointing at /help; in a group only when it names this bot."""
        await bot.text("/foo")
        await bot.text("/foo", chat_id=GROUP)
        await bot.text("/foo@XiaochangFaqBot", chat_id=GROUP)
        private, group = bot.api.texts()
        assert private.startswith("没有 /foo 这个命令")
        assert "/help" in private
        assert group.startswith("没有 /foo 这个命令")


class TestQuestions:
    async def test_answer_leads_with_figure_offers_full_text_related_and_votes(self, bot: Harness) -> None:
        """A question gets the title, the asked figure, the sentence holding it, and buttons."""
        await bot.text("孝昌县有多少个党小组？")
        reply = bot.api.sent()[-1]
        assert reply["parse_mode"] == "HTML"
        assert reply["text"].startswith("<b>纵向深化</b> · <i>优化体系，一体推进</i>\n\n▶ <b>党小组 875个</b>")
        assert "数据" not in reply["text"]
        buttons = _buttons(reply)
        assert buttons[0] == "f|system-vertical|zh"
        assert {"e|system-horizontal|zh", "e|system-quality|zh", "t|+|zh", "v|+|zh", "v|-|zh"} <= set(buttons)

    async def test_english_question_gets_english(self, bot: Harness) -> None:
        """An English question is answered in English, whatever the user's language setting."""
        await bot.text("Who is Shen Teng?", user=ZH_USER)
        assert "Shen Teng" in bot.api.texts()[-1].split("\n")[0]
        assert "— <b>Capable people come home and lead</b>" in bot.api.texts()[-1]

    async def test_no_answer_says_so_offers_numbered_topics_and_is_recorded(self, bot: Harness) -> None:
        """An unanswerable question is declined plainly, with numbered suggestions, and logged for the admins."""
        await bot.text("孝昌县GDP是多少")
        reply = bot.api.sent()[-1]
        assert reply["text"].startswith("抱歉，这篇报道里没有讲到这个")
        assert _labels(reply)[0].startswith("1. ")
        assert "t|+|zh" in _buttons(reply)
        events = await _events(bot, "unanswered")
        assert [e.question for e in events] == ["孝昌县GDP是多少"]
        assert events[0].user != "7"

    async def test_a_detail_the_article_does_not_give_is_named_with_the_entry_one_tap_away(self, bot: Harness) -> None:
        """太子米's price is not in the article: the reply says so, quotes the sentence, offers the entry."""
        await bot.text("太子米卖多少钱一斤")
        reply = bot.api.sent()[-1]
        assert reply["text"].startswith("文章没有说太子米卖多少钱一斤。它只说（群众全员发动）：")
        assert "<i>" in reply["text"]
        assert _buttons(reply)[0] == "d|act-everyone|zh"

    async def test_small_talk_gets_a_fitting_reply_never_an_apology(self, bot: Harness) -> None:
        """你好, 好的 and 谢谢 get a greeting, an acknowledgement and a "you're welcome"; none counts as unanswered."""
        for text in ("你好", "好的", "谢谢"):
            await bot.text(text)
        hello, ok, thanks = bot.api.texts()
        assert hello.startswith("你好！我是孝昌县基层党建问答")
        assert ok.startswith("好的")
        assert thanks.startswith("不客气")
        assert not any("抱歉" in text for text in (hello, ok, thanks))
        assert await _events(bot, "unanswered") == []

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

    async def test_full_text_expands_the_answer_in_place(self, bot: Harness) -> None:
        """ "Full text" edits the answer into the article's whole paragraph, in place, without the button."""
        await bot.text("多少个党小组")
        answer = bot.last_message()
        await bot.press("f|system-vertical|zh", answer)
        edit = bot.api.sent("editMessageText")[-1]
        assert edit["message_id"] == answer["message_id"]
        assert "按照居住相对集中、产业集聚、便于开展活动的原则" in edit["text"]
        assert not any(data.startswith("f|") for data in _buttons(edit))


class TestChoices:
    async def test_did_you_mean_numbers_its_options_and_offers_a_way_out(self, bot: Harness) -> None:
        """The question back numbers its options on the buttons and offers "none of these"."""
        await bot.text("Fengshan", user=EN_USER)
        asked = bot.last_message()
        assert _labels(asked)[:2] == ["1. Three intos and four on-behalfs", "2. Mobilising everyone"]
        assert _buttons(asked)[-1] == "n||en"
        await bot.press("n||en", asked, user=EN_USER)
        assert bot.api.sent("editMessageText")[-1]["text"].startswith("Topics: 4 lines of work and 12 measures.")

    @pytest.mark.parametrize("number", ["2", "2.", "②", "第二个", "the second one"])
    async def test_replying_with_a_number_picks_that_option(self, bot: Harness, number: str) -> None:
        """After a "did you mean", a reply of 2 (or ②, 第二个...) answers with option 2; not an unanswered one."""
        await bot.text("Fengshan", user=EN_USER)
        await bot.text(number, user=EN_USER)
        assert bot.api.texts()[-1].startswith("<b>Mobilising everyone</b>")
        assert [e.question for e in await _events(bot, "unanswered", "asked_back")] == ["Fengshan"]

    async def test_a_number_after_another_question_or_too_late_is_a_question(self, bot: Harness) -> None:
        """The choice lasts until the next question, or ten minutes: after that, 2 is read as a question."""
        await bot.text("Fengshan", user=EN_USER)
        await bot.text("How many Party groups are there?", user=EN_USER)
        await bot.text("2", user=EN_USER)
        assert not bot.api.texts()[-1].startswith("<b>Mobilising everyone</b>")
        await bot.text("Fengshan", user=EN_USER)
        bot.clock.move(minutes=11)
        await bot.text("2", user=EN_USER)
        assert not bot.api.texts()[-1].startswith("<b>Mobilising everyone</b>")

    async def test_pressing_an_option_turns_the_question_back_into_the_answer(self, bot: Harness) -> None:
        """A tap on an option edits the question back into that answer."""
        await bot.text("Fengshan", user=EN_USER)
        asked = bot.last_message()
        await bot.press("d|act-everyone|en", asked, user=EN_USER)
        edit = bot.api.sent("editMessageText")[-1]
        assert edit["text"].startswith("<b>Mobilising everyone</b>")
        assert edit["message_id"] == asked["message_id"]

    async def test_a_pending_choice_survives_a_restart(self, tmp_path: Path) -> None:
        """The bot restarts between the question back and the user's 2: the 2 still picks option 2."""
        api, clock = RecordingBotApi(), Clock()
        first, store = await _harness(tmp_path / "data", clock, api)
        async with first:
            await Harness(first, api, store, clock).text("Fengshan", user=EN_USER)
        await store.close()
        second, store = await _harness(tmp_path / "data", clock, api)
        async with second:
            await Harness(second, api, store, clock).text("2", user=EN_USER)
        await store.close()
        assert api.texts()[-1].startswith("<b>Mobilising everyone</b>")


class TestFollowUps:
    async def test_a_message_leaving_out_the_subject_or_the_asking_is_read_against_the_last_answer(
        self, bot: Harness
    ) -> None:
        """那茶叶呢 after an acreage question gives tea's acreage; 一共多少个 after 党小组 gives 875;
        "and tea?" works in English too."""
        await bot.text("苗木花卉种了多少亩")
        await bot.text("那茶叶呢")
        assert "▶ <b>茶叶 13.9万亩</b>" in bot.api.texts()[-1]
        await bot.text("党小组设在哪里")
        await bot.text("一共多少个")
        assert "▶ <b>党小组 875个</b>" in bot.api.texts()[-1]
        await bot.text("How much land grows nursery stock and flowers?", user=EN_USER)
        await bot.text("and tea?", user=EN_USER)
        assert "139,000 mu" in bot.api.texts()[-1].split("</b>", 2)[1]

    async def test_more_gives_the_full_text_of_the_last_answer(self, bot: Harness) -> None:
        """详细点 right after an answer is its entry's whole paragraph, not "the article does not say"."""
        await bot.text("十分钟服务承诺是什么")
        await bot.text("能说详细点吗")
        full = bot.api.sent()[-1]
        assert full["text"].startswith("<b>“十分钟服务承诺”联户联心</b>")
        assert "抱歉" not in full["text"]
        assert not any(data.startswith("f|") for data in _buttons(full))
        assert [e.kind for e in await _events(bot, "more")] == ["more"]

    async def test_wrong_offers_the_other_candidates_and_a_number_picks_one(self, bot: Harness) -> None:
        """不对 after an answer offers the other entries the bot weighed, numbered; 1 picks the first."""
        await bot.text("党员中心户有多少")
        await bot.text("不对")
        others = bot.api.sent()[-1]
        assert others["text"].startswith("抱歉没答好")
        first = _labels(others)[0]
        assert first.startswith("1. ")
        await bot.text("1")
        assert bot.api.texts()[-1].startswith(f"<b>{first.removeprefix('1. ')}</b>")
        assert [e.question for e in await _events(bot, "wrong")] != []

    async def test_a_number_picks_from_a_declines_suggestions(self, bot: Harness) -> None:
        """After "the article does not say" with numbered suggestions, 2 opens the second suggestion."""
        await bot.text("孝昌县GDP是多少")
        declined = bot.api.sent()[-1]
        second = _labels(declined)[1].removeprefix("2. ")
        await bot.text("2")
        assert bot.api.texts()[-1].startswith(f"<b>{second}</b>")

    async def test_a_number_picks_from_the_entries_offered_after_thumbs_down(self, bot: Harness) -> None:
        """After 👎 and its list of other entries, 1 answers with the first of them."""
        await bot.text("党员中心户")
        await bot.press("v|-|zh", bot.last_message())
        offered = bot.api.sent()[-1]
        first = _labels(offered)[0].removeprefix("1. ")
        await bot.text("1")
        assert bot.api.texts()[-1].startswith(f"<b>{first}</b>")

    async def test_thanks_after_an_answer_gets_a_short_reply(self, bot: Harness) -> None:
        """懂了，谢谢哈 after an answer is "you're welcome", not an apology."""
        await bot.text("三进四代是啥")
        await bot.text("懂了 谢谢哈")
        assert bot.api.texts()[-1] == "不客气！还有问题随时问我。"

    async def test_a_new_question_or_ten_minutes_end_the_context(self, bot: Harness) -> None:
        """After a question on something else, or after ten minutes, 详细点 no longer expands the old answer."""
        await bot.text("十分钟服务承诺是什么")
        await bot.text("孝昌县GDP是多少")
        await bot.text("详细点")
        assert "村干部包村湾" not in bot.api.texts()[-1]
        await bot.text("十分钟服务承诺是什么")
        bot.clock.move(minutes=11)
        await bot.text("详细点")
        assert "村干部包村湾" not in bot.api.texts()[-1]

    async def test_a_real_question_is_never_taken_for_a_follow_up(self, bot: Harness) -> None:
        """A full question right after an answer is answered as itself, even when it starts with 那."""
        await bot.text("党建联盟几个")
        await bot.text("那村干部全员培训采取什么方式")
        assert bot.api.texts()[-1].startswith("<b>内学强素质</b>")
        await bot.text("详细说说党小组")
        assert bot.api.texts()[-1].startswith("<b>纵向深化</b>")


class TestTopics:
    async def test_topics_are_numbered_and_a_typed_number_opens_them(self, bot: Harness) -> None:
        """/topics numbers its lines of work (all twelve measures under four lines); 3 opens the third, then
        2 its first measure (1 is its overview)."""
        await bot.text("/topics")
        menu = bot.last_message()
        assert menu["text"].startswith("文章目录：4个方面、12项举措。")
        assert _labels(menu)[2] == "3. 强化引领，发挥作用"
        await bot.text("3")
        line = bot.last_message()
        assert _labels(line)[:2] == ["1. 概述", "2. “十分钟服务承诺”联户联心"]
        await bot.text("2")
        assert bot.api.texts()[-1].startswith("<b>“十分钟服务承诺”联户联心</b>")

    async def test_all_topics_under_an_answer_leaves_the_answer_alone(self, bot: Harness) -> None:
        """📚 All topics sends the menu as a new message; the answer it was under is not edited away."""
        await bot.text("多少个党小组")
        answer = bot.last_message()
        await bot.press("t|+|zh", answer)
        assert bot.api.sent("editMessageText") == []
        assert bot.api.texts()[-1].startswith("文章目录")

    async def test_full_text_inside_the_menu_keeps_the_way_back(self, bot: Harness) -> None:
        """A measure opened from /topics, expanded to its full text, still has « 返回 to its line."""
        await bot.text("/topics")
        menu = bot.last_message()
        await bot.press("m|system-vertical|zh", menu)
        page = bot.api.sent("editMessageText")[-1]
        full = next(data for data in _buttons(page) if data.startswith("g|"))
        await bot.press(full, {**menu, "text": page["text"]})
        expanded = bot.api.sent("editMessageText")[-1]
        assert "按照居住相对集中" in expanded["text"]
        assert "l|system|zh" in _buttons(expanded)
        assert "« 返回" in _labels(expanded)

    async def test_every_overview_names_all_its_measures(self, bot: Harness) -> None:
        """Asked by its name, each line of work's reply names every one of its measures."""
        knowledge = bot.app.bot_data.current().knowledge
        for line_id, line in knowledge.lines.items():
            await bot.text(line.name("zh"))
            reply = bot.api.texts()[-1]
            assert all(m.title in reply for m in knowledge.measures_of(line_id)), reply

    async def test_thumbs_down_with_nothing_else_to_offer_says_so(self, bot: Harness) -> None:
        """👎 on an answer the question came close to nothing else for: a plain "ask another way", no empty list."""
        await bot.text("幸福食堂")
        await bot.press("v|-|zh", bot.last_message())
        follow = bot.api.sent()[-1]
        assert follow["text"].startswith("抱歉没答好。没有别的相近内容了")
        assert all(not label.startswith("1. ") for label in _labels(follow))


class TestRoughEdges:
    async def test_a_photo_whose_caption_is_a_question_gets_it_answered(self, bot: Harness) -> None:
        """A photo sent with the caption 党小组有多少个 gets the answer, as text would."""
        photo = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
        message = {"message_id": next(_ids), "date": int(time.time()), "from": ZH_USER, "photo": photo,
                   "caption": "党小组有多少个", "chat": {"id": ZH_USER["id"], "type": "private"}}  # fmt: skip
        await bot.send({"message": message})
        assert "▶ <b>党小组 875个</b>" in bot.api.texts()[-1]

    async def test_private_replies_do_not_quote_group_replies_do(self, bot: Harness) -> None:
        """In a private chat the answer is not a quote of the question; in a group it says whose it is."""
        await bot.text("党小组有多少个")
        assert "reply_parameters" not in bot.api.sent()[-1]
        await bot.text("/ask 党小组有多少个", chat_id=GROUP)
        assert "reply_parameters" in bot.api.sent()[-1]

    async def test_help_and_ask_take_their_examples_from_the_faq(self, bot: Harness) -> None:
        """/help and a bare /ask show the FAQ's own example questions."""
        examples = bot.app.bot_data.current().knowledge.article.examples("zh")
        await bot.text("/help")
        await bot.text("/ask")
        help_text, usage = bot.api.texts()
        assert all(example in help_text for example in examples)
        assert usage == f"用法：/ask 问题，例如 /ask {examples[0]}"


class TestLanguage:
    async def test_a_bare_figure_from_an_english_user_is_answered_in_english(self, bot: Harness) -> None:
        """875 has no language of its own: an English user gets English."""
        await bot.text("875", user=EN_USER)
        assert bot.api.texts()[-1].startswith("▶ <b>875 Party groups</b>")

    async def test_the_language_a_user_writes_in_is_kept_for_commands(self, bot: Harness) -> None:
        """A user whose app is Chinese but who asks in English gets the topic menu in English afterwards."""
        await bot.text("How many Party groups are there?", user=ZH_USER)
        await bot.text("/topics", user=ZH_USER)
        assert bot.api.texts()[-1].startswith("Topics:")

    async def test_an_english_users_sticker_gets_english(self, bot: Harness) -> None:
        """Non-text messages are answered in the user's language."""
        sticker = {"file_id": "x", "file_unique_id": "y", "width": 1, "height": 1, "is_animated": False,
                   "is_video": False, "type": "regular"}  # fmt: skip
        message = {"message_id": next(_ids), "date": int(time.time()), "from": EN_USER,
                   "chat": {"id": EN_USER["id"], "type": "private"}, "sticker": sticker}  # fmt: skip
        await bot.send({"message": message})
        assert bot.api.texts()[-1].startswith("I can only read text")


class TestVotes:
    async def test_one_vote_per_person_per_answer_the_latest_counting(self, bot: Harness) -> None:
        """Pressing 👎 again and again and then 👍 stores one vote, 👍; the vote row goes in a private chat."""
        await bot.text("沈腾是谁")
        answer = bot.last_message()
        for _ in range(3):
            await bot.press("v|-|zh", answer)
        await bot.press("v|+|zh", answer)
        votes = await bot.store.votes.since(bot.clock.now - timedelta(days=1))
        assert [(v.vote, v.entry_id) for v in votes] == [(1, "act-returnees")]
        assert bot.api.sent("answerCallbackQuery")[-1]["text"] == "谢谢您的反馈！"
        kept = _buttons(bot.api.sent("editMessageReplyMarkup")[-1])
        assert not any(data.startswith("v|") for data in kept)

    async def test_a_vote_for_an_answer_never_sent_is_refused(self, bot: Harness) -> None:
        """A vote on a message id the bot never answered with is not stored."""
        fake = {"message_id": 424242, "chat": {"id": 7, "type": "private"}, "text": "x"}
        await bot.press("v|+|zh", fake)
        assert await bot.store.votes.since(bot.clock.now - timedelta(days=1)) == []
        assert bot.api.sent("answerCallbackQuery")[-1]["text"] == "这条回答已经过期，无法评价了。"

    async def test_a_thumbs_down_offers_other_entries(self, bot: Harness) -> None:
        """After 👎 the user is offered the other entries the question came close to, and the topics."""
        await bot.text("党员中心户")
        await bot.press("v|-|zh", bot.last_message())
        follow = bot.api.sent()[-1]
        assert follow["text"].startswith("抱歉没答好")
        assert _buttons(follow)[-1] == "t|+|zh"


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

    async def test_another_members_taps_never_change_the_askers_answer(self, bot: Harness) -> None:
        """Every button of someone's answer, pressed by another member, leaves that message as it was;
        the presser gets the result privately."""
        await bot.text("/ask 多少个党小组", chat_id=GROUP)
        answer = bot.last_message()
        edits_before = [c for c in bot.api.calls if c[0].startswith("edit")]
        for data in _buttons(answer):
            await bot.press(data, answer, user=OTHER)
        edits = [c for c in bot.api.calls if c[0].startswith("edit")]
        assert edits == edits_before
        private = [p for p in bot.api.sent() if int(p["chat_id"]) == OTHER["id"]]
        assert len(private) >= 4
        assert all(int(p["chat_id"]) in (GROUP, OTHER["id"]) for p in bot.api.sent())

    async def test_a_member_the_bot_cannot_write_to_gets_a_note(self, bot: Harness) -> None:
        """Someone who never started a private chat with the bot is told how, and the group sees nothing."""
        bot.api.forbidden_chats.add(OTHER["id"])
        await bot.text("/ask 多少个党小组", chat_id=GROUP)
        answer = bot.last_message()
        sent_before = len(bot.api.sent())
        await bot.press("f|system-vertical|zh", answer, user=OTHER)
        assert bot.api.sent("answerCallbackQuery")[-1]["text"].startswith("请先私聊我")
        assert len([p for p in bot.api.sent() if int(p["chat_id"]) == GROUP]) == sent_before

    async def test_the_askers_own_tap_changes_their_answer(self, bot: Harness) -> None:
        """The asker's tap on "full text" expands their own answer in the group."""
        await bot.text("/ask 多少个党小组", chat_id=GROUP)
        answer = bot.last_message()
        await bot.press("f|system-vertical|zh", answer)
        assert bot.api.sent("editMessageText")[-1]["message_id"] == answer["message_id"]

    async def test_votes_in_a_group_keep_the_buttons_for_others(self, bot: Harness) -> None:
        """In a group a vote is stored, and the vote row stays for the other members."""
        await bot.text("/ask 多少个党小组", chat_id=GROUP)
        answer = bot.last_message()
        await bot.press("v|+|zh", answer, user=OTHER)
        await bot.press("v|+|zh", answer)
        assert bot.api.sent("editMessageReplyMarkup") == []
        assert len(await bot.store.votes.since(bot.clock.now - timedelta(days=1))) == 2

    async def test_a_numbered_message_in_a_group_says_how_to_answer_it_there(self, bot: Harness) -> None:
        """In a group the question back says to reply to it with a number, or tap."""
        await bot.text("/ask Fengshan", chat_id=GROUP, user=EN_USER)
        assert "reply to this message with a number, or tap a button" in bot.api.texts()[-1]

    async def test_a_number_replying_to_the_bots_message_picks_for_whoever_sent_it(self, bot: Harness) -> None:
        """Another member's 2, sent as a reply to someone's question back, answers that member with option 2,
        in their own language; the asker's own choice still waits."""
        await bot.text("/ask Fengshan", chat_id=GROUP, user=EN_USER)
        asked = bot.last_message()
        replied = {"message_id": asked["message_id"], "date": 0, "from": BOT,
                   "chat": {"id": GROUP, "type": "supergroup"}, "text": asked["text"]}  # fmt: skip
        await bot.text("2", chat_id=GROUP, user=OTHER, reply_to=replied)
        answer = bot.api.sent()[-1]
        assert answer["text"].startswith("<b>群众全员发动</b>")
        assert answer["reply_parameters"]["message_id"] != asked["message_id"]
        await bot.text("1", chat_id=GROUP, user=EN_USER, reply_to=replied)
        assert bot.api.texts()[-1].startswith("<b>Three intos and four on-behalfs</b>")

    async def test_another_members_tap_comes_in_their_own_language(self, bot: Harness) -> None:
        """An English asker's answer, expanded by a Chinese-speaking member, reaches that member in Chinese."""
        await bot.text("/ask How many Party groups are there?", chat_id=GROUP, user=EN_USER)
        answer = bot.last_message()
        await bot.press("f|system-vertical|en", answer, user=OTHER)
        private = [p for p in bot.api.sent() if int(p["chat_id"]) == OTHER["id"]]
        assert private[-1]["text"].startswith("<b>纵向深化</b>")

    async def test_another_members_thumbs_down_is_counted_without_an_apology(self, bot: Harness) -> None:
        """A member's 👎 on someone else's answer counts, and sends them nothing about a question they never asked."""
        await bot.text("/ask 多少个党小组", chat_id=GROUP)
        answer = bot.last_message()
        sent_before = len(bot.api.sent())
        await bot.press("v|-|zh", answer, user=OTHER)
        assert len(bot.api.sent()) == sent_before
        assert len(await bot.store.votes.since(bot.clock.now - timedelta(days=1))) == 1

    async def test_admin_commands_in_a_group_post_nothing_of_users_questions_there(self, bot: Harness) -> None:
        """An admin's /unanswered in a group goes to the admin privately; the group sees one line without it."""
        await bot.text("孝昌县GDP是多少")
        await bot.text("/unanswered", user=ADMIN, chat_id=GROUP)
        in_group = [p["text"] for p in bot.api.sent() if int(p["chat_id"]) == GROUP]
        private = [p["text"] for p in bot.api.sent() if int(p["chat_id"]) == ADMIN_ID]
        assert in_group == ["管理命令的结果只在私聊里发送，已私信发给您。"]
        assert "GDP" in private[0]

    async def test_a_non_admin_is_refused_privately_and_not_answered_in_a_group(self, bot: Harness) -> None:
        """Someone not an admin gets the refusal in a private chat, and in a group no answer at all:
        no statistics anywhere, and no noise for the group."""
        await bot.text("/stats", chat_id=GROUP)
        await bot.text("/unanswered@XiaochangFaqBot", chat_id=GROUP)
        assert bot.api.texts() == []
        await bot.text("/stats")
        assert bot.api.texts() == ["抱歉，这个命令只供管理员使用。"]


class TestEdits:
    async def test_an_edited_question_is_answered_again_in_the_same_reply(self, bot: Harness) -> None:
        """Editing a question edits the bot's reply to it into the new answer."""
        question = await bot.text("党小组有多少个")
        answer = bot.last_message()
        await bot.edit(question, "沈腾是谁")
        edit = bot.api.sent("editMessageText")[-1]
        assert edit["message_id"] == answer["message_id"]
        assert edit["text"].startswith("<b>能人回乡带动</b>")
        assert len(bot.api.sent()) == 1

    async def test_an_edited_message_the_bot_never_answered_gets_a_reply(self, bot: Harness) -> None:
        """A message edited before the bot saw it (or whose reply is gone) is answered anew."""
        await bot.edit(next(_ids), "沈腾是谁")
        assert bot.api.texts()[-1].startswith("<b>能人回乡带动</b>")


class TestAdmins:
    async def test_stats_speak_the_admins_language_and_refuse_unknown_periods(self, bot: Harness) -> None:
        """/stats month is refused with the usage line; /stats day reports, in English for an English admin."""
        await bot.text("党小组")
        await bot.text("/stats month", user=EN_ADMIN)
        await bot.text("/stats day", user=EN_ADMIN)
        assert bot.api.texts()[-1].startswith("Usage: /stats [day|week]")
        report = bot.caption()
        assert report.startswith("<pre>Since ")
        assert "1 questions" in report

    async def test_stats_count_people_not_presses(self, bot: Harness) -> None:
        """Three 👍 from one person are one vote in /stats."""
        await bot.text("沈腾是谁")
        answer = bot.last_message()
        for _ in range(3):
            await bot.press("v|+|zh", answer)
        await bot.text("/stats", user=ADMIN)
        assert "1 人 👍" in bot.caption()

    async def test_stats_and_unanswered_are_for_admins(self, bot: Harness) -> None:
        """/stats and /unanswered are refused to others; admins get counts and grouped questions."""
        for question in ("Fengshan", "党小组", "孝昌县GDP是多少", "孝昌县的GDP是多少？"):
            await bot.text(question)
        await bot.text("/stats")
        refused = bot.api.texts()[-1]
        await bot.text("/stats week", user=ADMIN)
        report = bot.caption()
        before = len(bot.api.texts())
        await bot.text("/unanswered", user=ADMIN)
        missing = bot.api.texts()[before]
        assert refused == "抱歉，这个命令只供管理员使用。"
        assert report.startswith("<pre>自 ")
        assert "4 个问题" in report
        assert "纵向深化" in report
        assert "   2× 孝昌县GDP是多少" in missing


class TestInline:
    async def test_inline_query_returns_matching_measures(self, bot: Harness) -> None:
        """@bot query returns the best matching measures as articles to send."""
        await bot.send({"inline_query": {"id": "iq", "from": EN_USER, "query": "党小组", "offset": ""}})
        (answer,) = bot.api.sent("answerInlineQuery")
        ids = [result["id"] for result in answer["results"]]
        assert ids[0] == "system-vertical"
        assert answer["results"][0]["input_message_content"]["parse_mode"] == "HTML"

    async def test_an_inline_query_with_no_match_offers_a_hint(self, bot: Harness) -> None:
        """No match is not an empty list without a word: a button says so and opens a private chat."""
        await bot.send({"inline_query": {"id": "iq", "from": EN_USER, "query": "weather in Paris", "offset": ""}})
        (answer,) = bot.api.sent("answerInlineQuery")
        assert answer["results"] == []
        assert answer["button"]["text"].startswith("Nothing found")


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

    async def test_a_store_that_fails_does_not_stop_answers(
        self, bot: Harness, caplog: pytest.LogCaptureFixture
    ) -> None:
        """With the database gone, questions are still answered; what could not be kept is logged."""
        await bot.store.close()
        await bot.text("Fengshan", user=EN_USER)
        await bot.text("党小组")
        assert bot.api.texts()[-1].startswith("<b>纵向深化</b>")
        assert "not kept" in caplog.text or "not remembered" in caplog.text


class AdminHarness(Harness):
    """The harness with a reloadable copy of the FAQ, and the notices admins got."""

    def __init__(self, bot: Harness, faq: Path) -> None:
        super().__init__(bot.app, bot.api, bot.store, bot.clock)
        self.faq = faq
        self.told: list[tuple[ReloadResult, Trigger, int | None]] = []
        self.reloader = FaqReloader(
            faq, faq.parent, Brain.parse, self._install, tell_admins=self._tell, record=self._record
        )
        self.reloader.serving(bot.app.bot_data.current(), faq.read_bytes())
        bot.app.bot_data.faq = self.reloader

    def _install(self, brain: Brain) -> None:
        self.app.bot_data.brain = brain

    async def _tell(self, result: ReloadResult, trigger: Trigger, quiet_for: int | None) -> None:
        self.told.append((result, trigger, quiet_for))

    async def _record(self, raw: bytes, author: str, summary: str, author_id: int | None) -> int | None:
        version = await record_version(self.store, raw, author, summary, author_id)
        return version.number if version is not None else None

    async def document(
        self,
        content: bytes,
        name: str = "faq.yaml",
        *,
        user: dict[str, Any] = ADMIN,
        chat_id: int | None = None,
        declared: int | None = None,
    ) -> None:
        """Send a file; `declared` is the size Telegram states for it (default: its real size)."""
        file_id = f"file{next(_ids)}"
        self.api.files[file_id] = content
        chat = chat_id or user["id"]
        document = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_name": name,
            "file_size": len(content) if declared is None else declared,
        }
        message = {"message_id": next(_ids), "date": int(time.time()), "from": user, "document": document,
                   "chat": {"id": chat, "type": "private" if chat > 0 else "supergroup"}}  # fmt: skip
        await self.send({"message": message})


@pytest.fixture
async def admin_bot(bot: Harness, tmp_path: Path) -> AdminHarness:
    faq = tmp_path / "faq.yaml"
    faq.write_bytes(FAQ.read_bytes())
    harness = AdminHarness(bot, faq)
    await record_version(bot.store, faq.read_bytes(), "file", "in use at start")
    return harness


async def own_admin_bot(tmp_path: Path) -> AsyncIterator[AdminHarness]:
    """An admin harness with a store and clock of its own (both admins listed), and a copy of the shipped
    FAQ under `tmp_path` recorded as the version in use at start."""
    api = RecordingBotApi()
    clock = Clock()
    application, store = await _harness(tmp_path / "data", clock, api, frozenset({ADMIN_ID, int(EN_ADMIN["id"])}))
    faq = tmp_path / "faq.yaml"
    faq.write_bytes(FAQ.read_bytes())
    async with application:
        harness = AdminHarness(Harness(application, api, store, clock), faq)
        await harness._record(faq.read_bytes(), "file", "in use at start", None)
        yield harness
    await store.close()


EDITED = FAQ.read_text(encoding="utf-8").replace("875", "876").encode("utf-8")
"""The FAQ with one figure changed (875 Party groups become 876), in its answer, summary and English."""


class TestFaqFromTelegram:
    async def test_faq_sends_the_file_in_use_with_its_version(self, admin_bot: AdminHarness) -> None:
        """/faq: the served file as a document, its version, time and author in the caption."""
        await admin_bot.text("/faq", user=ADMIN)
        ((method, params, content),) = admin_bot.api.attachments
        assert method == "sendDocument"
        assert content == FAQ.read_bytes()
        assert str(params["caption"]).startswith("正在使用的问答库：v1 · ")
        assert "· 服务器上的文件 · 启动时使用" in str(params["caption"])
        assert "编辑这个文件，再把它发回给我" in str(params["caption"])

    async def test_an_upload_is_reviewed_then_applied_and_served(self, admin_bot: AdminHarness) -> None:
        """A valid upload gets a review (what changes, the figure old and new) with Apply and Cancel;
        nothing changes before Apply; Apply writes the file, records v2 by that admin, and serves it."""
        await admin_bot.document(EDITED)
        review = admin_bot.last_message()
        assert review["text"].startswith("「faq.yaml」检查通过：18 条（现在 18 条）；自检通过")
        assert "修改「纵向深化」：摘要；回答；英文；数据 党小组 875个 → 党小组 876个" in review["text"]
        assert _labels(review) == ["✅ 应用", "✖ 取消"]
        await admin_bot.text("孝昌县有多少个党小组")
        assert "875个" in admin_bot.api.texts()[-1]
        await admin_bot.press(_buttons(review)[0], review, user=ADMIN)
        (edited,) = admin_bot.api.sent("editMessageText")
        assert edited["text"].endswith("<b>已应用：版本 v2，18 条。</b>")
        assert "⏳" not in edited["text"]
        assert "reply_markup" not in edited
        assert admin_bot.faq.read_bytes() == EDITED
        await admin_bot.text("孝昌县有多少个党小组")
        assert "876个" in admin_bot.api.texts()[-1]
        await admin_bot.text("/history", user=ADMIN)
        history = admin_bot.api.texts()[-1]
        assert "v2 · " in history
        assert "· 管理员 · 修改 1 条，1 处数据变化" in history
        (latest,) = await admin_bot.store.versions.latest(1)
        assert (latest.author, latest.author_id) == ("管理员", ADMIN_ID)

    async def test_cancel_changes_nothing(self, admin_bot: AdminHarness) -> None:
        """Cancel closes the review; the file and the answers stay as they were, and Apply no longer works."""
        await admin_bot.document(EDITED)
        review = admin_bot.last_message()
        apply, cancel = _buttons(review)
        await admin_bot.press(cancel, review, user=ADMIN)
        assert admin_bot.api.sent("editMessageText")[-1]["text"].endswith("<b>已取消，没有做任何改动。</b>")
        await admin_bot.press(apply, review, user=ADMIN)
        assert admin_bot.api.sent("editMessageText")[-1]["text"].endswith("<b>这次审阅已经取消了，没有应用。</b>")
        assert admin_bot.faq.read_bytes() == FAQ.read_bytes()

    async def test_a_broken_upload_gets_its_problems_by_line_and_changes_nothing(self, admin_bot: AdminHarness) -> None:
        """An upload that would not load: every problem with its line (the unclosed bracket's too), no buttons."""
        await admin_bot.document(b"entries: [\n  a,\n  b\n\nfoo: 1\n", "new.yaml")
        reply = admin_bot.last_message()
        assert reply["text"].startswith("「new.yaml」有 1 处问题，没有做任何改动：")
        assert "第 5 行：YAML 语法错误：[ 列表里少了逗号或右方括号 ]" in reply["text"]
        assert "第 1 行开始的 [ 列表没有结束" in reply["text"]
        assert "reply_markup" not in reply
        assert admin_bot.faq.read_bytes() == FAQ.read_bytes()

    async def test_apply_is_refused_when_the_file_changed_after_the_review(self, admin_bot: AdminHarness) -> None:
        """Someone edits the file on the server between the review and Apply: Apply refuses."""
        await admin_bot.document(EDITED)
        review = admin_bot.last_message()
        on_server = FAQ.read_text(encoding="utf-8").replace("设立875个党小组", "设立875个党小组（服务器）")
        admin_bot.faq.write_text(on_server, encoding="utf-8")
        await admin_bot.press(_buttons(review)[0], review, user=ADMIN)
        assert "正在使用的问答库已经改过了" in admin_bot.api.sent("editMessageText")[-1]["text"]
        assert admin_bot.faq.read_text(encoding="utf-8") == on_server

    async def test_a_rollback_is_reviewed_and_applied_like_an_upload(self, admin_bot: AdminHarness) -> None:
        """After v2, /rollback 1 reviews v1's bytes against v2; Apply puts them back as v3."""
        await admin_bot.document(EDITED)
        review = admin_bot.last_message()
        await admin_bot.press(_buttons(review)[0], review, user=ADMIN)
        await admin_bot.text("/rollback 1", user=ADMIN)
        rollback = admin_bot.last_message()
        assert rollback["text"].startswith("「v1」检查通过")
        assert "数据 党小组 876个 → 党小组 875个" in rollback["text"]
        await admin_bot.press(_buttons(rollback)[0], rollback, user=ADMIN)
        assert admin_bot.faq.read_bytes() == FAQ.read_bytes()
        await admin_bot.text("/history", user=ADMIN)
        assert "v3 · " in admin_bot.api.texts()[-1]
        assert "· 管理员 · 修改 1 条，1 处数据变化（回到 v1）" in admin_bot.api.texts()[-1]

    async def test_edits_on_the_server_become_versions_too(self, admin_bot: AdminHarness) -> None:
        """A reload of a file edited on the server is recorded with "file" as its author."""
        admin_bot.faq.write_bytes(EDITED)
        assert (await admin_bot.reloader.reload(Trigger.SIGNAL)).ok
        (latest,) = await admin_bot.store.versions.latest(1)
        assert (latest.number, latest.author) == (2, "file")

    async def test_uploads_from_others_and_in_groups_are_not_taken(self, admin_bot: AdminHarness) -> None:
        """A user's document gets one polite line asking for the question as text (nothing about
        uploads) and is not downloaded; in a group, documents are ignored."""
        await admin_bot.document(EDITED, user=ZH_USER)
        assert admin_bot.api.texts() == ["我只能读文字问题。请用文字提问，例如：孝昌县有多少个党小组？"]
        await admin_bot.document(EDITED, chat_id=GROUP)
        assert len(admin_bot.api.texts()) == 1
        assert admin_bot.api.downloads == []

    async def test_a_file_too_big_is_refused_before_it_is_downloaded(self, admin_bot: AdminHarness) -> None:
        """15 MB (as Telegram states it, in the message or from getFile) is refused without a download."""
        await admin_bot.document(b"x" * 1000, declared=15_000_000)
        assert admin_bot.api.texts()[-1].startswith("文件有 15,000,000 字节，问答库最多 400,000 字节")
        file_id = f"file{next(_ids)}"
        admin_bot.api.files[file_id] = b"x" * 1000
        admin_bot.api.declared_sizes[file_id] = 15_000_000
        document = {"file_id": file_id, "file_unique_id": file_id, "file_name": "big.yaml"}
        message = {"message_id": next(_ids), "date": int(time.time()), "from": ADMIN, "document": document,
                   "chat": {"id": ADMIN_ID, "type": "private"}}  # fmt: skip
        await admin_bot.send({"message": message})
        assert admin_bot.api.texts()[-1].startswith("文件有 15,000,000 字节")
        assert admin_bot.api.downloads == []

    async def test_stats_is_a_chart_with_the_figures_as_its_caption(self, admin_bot: AdminHarness) -> None:
        """/stats sends a PNG of 1200 x 800 pixels, captioned with the text summary."""
        await admin_bot.text("孝昌县有多少个党小组")
        await admin_bot.text("孝昌县GDP是多少")
        await admin_bot.text("/stats", user=ADMIN)
        ((method, params, png),) = admin_bot.api.attachments
        assert method == "sendPhoto"
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", png[16:24]) == (1200, 800)
        assert str(params["caption"]).startswith("<pre>自 ")
        assert "2 个问题" in str(params["caption"])


class TestReload:
    async def test_reload_is_refused_to_non_admins(self, admin_bot: AdminHarness) -> None:
        """/reload from someone not in ADMIN_IDS gets a polite refusal and reloads nothing."""
        await admin_bot.text("/reload")
        assert admin_bot.api.texts() == ["抱歉，这个命令只供管理员使用。"]

    async def test_admin_reload_swaps_in_the_edited_faq(self, admin_bot: AdminHarness) -> None:
        """An admin's /reload loads the edited file and says what changed; the next answer comes from it;
        the other admins are told too."""
        faq = admin_bot.faq
        text = faq.read_text(encoding="utf-8")
        faq.write_text(
            text.replace("在村湾和产业基地设立875个党小组；", "在村湾和产业基地设立875个党小组（新版）；"), "utf-8"
        )
        await admin_bot.text("/reload", user=ADMIN)
        await admin_bot.text("党小组")
        reloaded, answer = admin_bot.api.texts()
        assert reloaded == "问答库已重新加载：18 条。\n修改「纵向深化」：回答"
        assert "（新版）" in answer
        result, trigger, quiet_for = admin_bot.told[-1]
        assert (trigger, quiet_for) == (Trigger.COMMAND, ADMIN_ID)
        assert result.changes is not None
        assert result.changes.summary() == "+0 -0 ~1 entries"

    async def test_reloading_an_unchanged_file_says_so_and_tells_nobody(self, admin_bot: AdminHarness) -> None:
        """/reload of the file as it is reports no change in content, and no notice goes out."""
        await admin_bot.text("/reload", user=ADMIN)
        assert admin_bot.api.texts() == ["问答库已重新加载：18 条。\n内容没有变化。"]
        assert admin_bot.told == []

    @pytest.mark.parametrize("broken", BROKEN, ids=[p.stem for p in BROKEN])
    async def test_broken_file_is_refused_and_the_old_faq_still_answers(
        self, admin_bot: AdminHarness, broken: Path
    ) -> None:
        """Each broken file is refused with its line and message, admins are told, and answers go on."""
        line, expected = broken_expectation(broken)
        faq = admin_bot.faq
        faq.write_bytes(broken.read_bytes())
        result = await admin_bot.reloader.reload(Trigger.SIGNAL)
        assert not result.ok
        assert any(p.startswith(f"{faq}:{line}: ") and expected in p for p in result.problems), result.problems
        assert admin_bot.told[-1][0] == result
        await admin_bot.text("孝昌县有多少个党小组")
        assert "▶ <b>党小组 875个</b>" in admin_bot.api.texts()[-1]

    async def test_admin_reload_of_a_broken_file_is_reported_once_to_that_admin(self, admin_bot: AdminHarness) -> None:
        """An admin's /reload of a bad file answers with the problems, escaped; the notice skips that admin."""
        faq = admin_bot.faq
        faq.write_text("entries: [<b>\n", encoding="utf-8")
        await admin_bot.text("/reload", user=ADMIN)
        text = admin_bot.api.texts()[-1]
        assert text.startswith("问答库有错误，未加载，仍在使用原来的版本：")
        assert "第 2 行：YAML 语法错误" in text
        assert set(re.findall(r"</?(\w+)", text)) == {"pre"}
        assert admin_bot.told[-1][2] == ADMIN_ID

    async def test_last_good_version_is_kept_on_disk(self, admin_bot: AdminHarness, tmp_path: Path) -> None:
        """A good reload keeps a copy of the file it loaded; a bad one leaves that copy alone."""
        faq = admin_bot.faq
        assert (await admin_bot.reloader.reload(Trigger.SIGNAL)).ok
        kept = (tmp_path / "faq.last-good.yaml").read_bytes()
        assert kept == FAQ.read_bytes()
        faq.write_text("entries: [\n", encoding="utf-8")
        assert not (await admin_bot.reloader.reload(Trigger.SIGNAL)).ok
        assert (tmp_path / "faq.last-good.yaml").read_bytes() == kept


class TestReloadUnderLoad:
    async def test_questions_during_reloads_get_whole_answers_from_one_version(
        self, admin_bot: AdminHarness, caplog: pytest.LogCaptureFixture
    ) -> None:
        """While the file is rewritten and reloaded again and again, every question gets an answer whose
        title and text come from the same version, and nothing fails."""
        original = admin_bot.faq.read_text(encoding="utf-8")

        def version(mark: str) -> str:
            return original.replace("    title: 纵向深化\n", f"    title: 纵向深化{mark}\n").replace(
                "在村湾和产业基地设立875个党小组，", f"在村湾和产业基地设立875个党小组{mark}，"
            )

        done = asyncio.Event()

        async def rewrite() -> None:
            for turn in range(6):
                admin_bot.faq.write_text(version("（甲）" if turn % 2 else "（乙）"), encoding="utf-8")
                assert (await admin_bot.reloader.reload(Trigger.SIGNAL)).ok
            done.set()

        asked = 0

        async def ask() -> None:
            nonlocal asked
            while not done.is_set():
                asked += 1
                await admin_bot.text("纵向深化")
                await asyncio.sleep(0.005)

        await asyncio.gather(rewrite(), ask(), ask())
        answers = [t for t in admin_bot.api.texts() if "纵向深化" in t]
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
