"""The conversation layer: turns read against the ones before, on a real store; and that every front
end goes through it, keeping no conversation state of its own."""

from __future__ import annotations

import ast
import asyncio
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.conversation.intents import intent
from bot.conversation.replies import plain_text
from bot.conversation.state import Context, Last, Offer, Who
from bot.conversation.turns import Conversation
from bot.core.brain import Brain
from bot.core.decision import Decision
from bot.core.followup import Previous, follow
from bot.core.reply import decision_reply, render_plain
from bot.ops.cli import chat_command
from bot.ops.settings import Settings
from bot.storage.sqlite import SqliteStore
from bot.storage.store import Lifetimes
from tests.bot_api import RecordingBotApi
from tests.conftest import FAQ, ROOT, Heard
from tests.test_handlers import Harness, _harness
from tests.test_store import Clock

PERSON = Who("telegram", "7", "7")
EN_PERSON = Who("telegram", "8", "8", hint="en")
GROUP_MEMBER = Who("telegram", "-100", "11", group=True)


@pytest.fixture
async def talk(tmp_path: Path, brain: Brain, clock: Clock) -> AsyncIterator[Conversation]:
    store = SqliteStore(tmp_path, clock=clock, lifetimes=Lifetimes())
    await store.start()
    yield Conversation(lambda: brain, store)
    await store.close()


def _reply(brain: Brain, decision: Decision) -> str:
    """The reply to a decision as a person reads it."""
    return render_plain(decision_reply(brain.knowledge, decision))


@pytest.fixture
def clock() -> Clock:
    return Clock()


class TestIntents:
    @pytest.mark.parametrize(
        ("text", "kind"),
        [
            ("详细点", "more"), ("能说详细点吗", "more"), ("展开", "more"), ("tell me more", "more"), ("全文", "more"),
            ("不对", "wrong"), ("不是这个", "wrong"), ("你说的不是我问的", "wrong"), ("wrong answer", "wrong"),
            ("答错了", "wrong"), ("懂了 谢谢哈", "thanks"), ("thanks a lot", "thanks"),
        ],
    )  # fmt: skip
    def test_whole_messages_about_the_last_answer_are_read_so(self, text: str, kind: str) -> None:
        """More, wrong and thanks are read from how people say them, in both languages."""
        assert intent(text) == kind

    @pytest.mark.parametrize(
        "text",
        [
            "详细说说党小组",
            "党小组不是875个吗",
            "不是党员能参加吗",
            "不错",
            "还有茶叶呢",
            "2",
            "Tell me more about tea",
        ],
    )
    def test_a_message_that_names_anything_is_a_question(self, text: str) -> None:
        """A cue beside a subject, a figure or praise (不错) is not a follow-up: the matcher gets it."""
        assert intent(text) is None

    @pytest.mark.parametrize(
        "text", ["外学这块还有别的吗", "外学还有什么", "Anything else on the outside part?", "还有别的吗"]
    )
    def test_a_request_for_more_may_name_the_measure_just_answered(self, text: str) -> None:
        """Beside a cue for more, the names of the measure just answered name nothing new."""
        assert intent(text, {"外学拓思路", "外学", "learning from outside to widen horizons", "outside"}) == "more"

    @pytest.mark.parametrize(
        ("text", "kind"),
        [("外出学习还有别的吗", "more"), ("详细说说这个办法", "more"), ("你没理解我的意思", "wrong"),
         ("非常感谢，帮大忙了", "thanks"), ("还有宜昌呢", None)],
    )  # fmt: skip
    def test_the_measures_keywords_and_words_for_it_beside_a_cue_for_more(self, text: str, kind: str | None) -> None:
        """Beside 别的 or 详细, a keyword of the measure (外出学习) or a word standing for it (这个办法) names
        nothing new; beside 还有 alone a keyword is a subject (还有宜昌呢 asks about Yichang)."""
        assert intent(text, {"外学拓思路", "外学"}, {"外出学习", "宜昌", "浙大"}) == kind

    @pytest.mark.parametrize(("text", "kind"), [("这个组织体系还有别的内容吗", "more"), ("还有党小组呢", None),
                                                ("还有别的村吗", None)])  # fmt: skip
    def test_words_of_the_answer_just_given_beside_a_cue_for_more(self, text: str, kind: str | None) -> None:
        """Beside 别的 or 详细, words of the measure's own text (组织体系) name nothing new; beside 还有 alone they
        are a subject, and a word the text does not hold (村) is one."""
        told = "采取支部指派或党员推荐方式，健全完善“村党总支—村湾党支部（党小组）—党员中心户”党组织体系。"
        assert intent(text, {"纵向深化"}, {"党员中心户"}, told) == kind

    @pytest.mark.parametrize("text", ["外学这块还有别的吗", "还有茶叶呢", "Tell me more about tea"])
    def test_a_request_for_more_naming_another_thing_is_a_question(self, text: str) -> None:
        """Names of a measure other than the one answered, or of one of its figures, still make a question."""
        assert intent(text, {"群众全员发动", "全员发动", "mobilising everyone"}) is None


class TestContext:
    def test_what_a_conversation_remembers_survives_being_kept(self) -> None:
        """The offer and the last answer come back as they were written."""
        context = Context(
            Offer(("entry:a", "line:b"), "Fengshan", "en"), Last("a", "党小组有多少个", "zh", ("b", "c"), ("x", "y"))
        )
        assert Context.loads(context.dumps()) == context

    def test_a_newer_versions_fields_are_kept_and_garbage_is_forgotten(self) -> None:
        """Fields this version does not read are written back; a damaged document is an empty context."""
        kept = Context.loads('{"mood": "curious", "last": {"entry": "a", "question": "q", "lang": "zh", "others": []}}')
        assert kept.extra == {"mood": "curious"}
        assert '"mood":"curious"' in kept.dumps()
        assert Context.loads("{not json") == Context()
        assert Context.loads('{"offer": 3}') == Context()


class TestFollowUpReading:
    @pytest.mark.parametrize(
        "turns",
        [
            ("苗木花卉种了多少亩", "act-everyone", "那茶叶呢", "▶ 茶叶 13.9万亩"),
            ("党小组设在哪里", "system-vertical", "一共多少个", "▶ 党小组 875个"),
            ("回乡青年党员有多少", "act-returnees", "他们都有谁", "沈腾、程琪、唐根根"),
            ("How much land grows nursery stock and flowers?", "act-everyone", "and tea?", "139,000 mu"),
            ("利益联接方式一共有几种", "act-everyone", "分别叫啥", "订单合同型"),
        ],
    )
    def test_a_message_leaving_something_out_is_read_against_the_previous_question(
        self, brain: Brain, turns: tuple[str, str, str, str]
    ) -> None:
        """The subject or the asking the message leaves out comes from the previous question, and the
        reply leads with what the two turns together ask."""
        before, entry, message, fact = turns
        decision = follow(brain.matcher, message, Previous(before, entry))
        assert decision.answered is not None
        assert decision.answered.id == entry
        assert fact in _reply(brain, decision)

    def test_a_message_of_question_words_alone_is_asked_of_the_previous_subject(self, brain: Brain) -> None:
        """多久一次 names nothing (多久 is how it asks): it asks how often of the previous subject, and a
        character of that subject's words (干 of 村干部) stays in it, though 干什么 would ask with it."""
        decision = follow(brain.matcher, "多久一次", Previous("村干部全员培训去哪些高校", "learn-inside"))
        assert decision.answered is not None
        assert decision.answered.id == "learn-inside"
        assert decision.question.startswith("村干部全员培训")
        assert "每年" in _reply(brain, decision)

    def test_what_the_article_leaves_out_is_said_of_the_previous_subject(self, brain: Brain) -> None:
        """多久选一次 after a question about 党员中心户: the article does not say it of them, not of another entry."""
        decision = follow(brain.matcher, "多久选一次", Previous("党员中心户有多少", "system-vertical"))
        assert decision.kind == "unexplained"
        assert decision.gap is not None
        assert decision.gap.entry.id == "system-vertical"

    @pytest.mark.parametrize("message", ["县长是谁", "孝昌县GDP是多少", "工资多少", "Who is the mayor?"])
    def test_what_the_previous_answer_does_not_cover_is_not_answered_from_it(self, brain: Brain, message: str) -> None:
        """A word the FAQ does not know, or a detail asked of something the message names itself, is not
        answered with the previous entry."""
        decision = follow(brain.matcher, message, Previous("回乡青年党员有多少", "act-returnees"))
        assert decision.kind != "answer"

    @pytest.mark.parametrize(
        ("before", "entry", "message", "first_line"),
        [("导师有多少", "learn-inside", "是不是130个", "不是130个，是131名。"),
         ("茶叶种了多少", "act-everyone", "有15万亩吗", "不是15万亩，是13.9万亩。"),
         ("茶叶种了多少", "act-everyone", "有13.9万亩吗", "是的。"),
         ("茶叶多少亩", "act-everyone", "那个数对吗，是不是13万亩", "不是13万亩，是13.9万亩。"),
         ("幸福食堂上了哪个电视台", "lead-ten-minutes", "是湖北卫视吗",
          "不是湖北卫视，是央视：应村民要求开办的老年人“幸福食堂”走进央视。"),
         ("省级示范园有几家", "act-returnees", "就4家？", "是的。"),
         ("省级示范园有几家", "act-returnees", "只有一家吗", "不是1家，是4家。"),
         ("新岗村几年没人信访", "lead-ten-minutes", "是十年吧", "是的。"),
         ("服务人员多长时间到", "lead-ten-minutes", "是不是半个小时", "不是半个小时，是10分钟。"),
         ("示范支部多少个", "system-quality", "你说错了吧，应该是142个", "不是142个，是124个。"),
         ("太子米种了多少？", "act-everyone", "超过30万亩了？", "是的。"),
         ("Who is the article's editor?", "about", "Is it Chen Lamei?", "No, not Chen Lamei: Editor: Peng Yang."),
         ("太子米种了多少？", "act-everyone", "不到30万亩吧", "不是30万亩，是36.5万亩。")],
    )  # fmt: skip
    def test_a_yes_no_check_of_the_previous_answer_gets_its_verdict(
        self, brain: Brain, before: str, entry: str, message: str, first_line: str
    ) -> None:
        """是不是130个, 有15万亩吗, 就4家？ after a count: the figure is checked against the count of the previous
        subject, in the unit of that count (半个小时 is not 10分钟)."""
        decision = follow(brain.matcher, message, Previous(before, entry))
        assert _reply(brain, decision).splitlines()[0] == first_line

    @pytest.mark.parametrize(
        ("before", "entry", "message", "line"),
        [("四化是哪四化", "overview", "最后一个呢", "▶ 四化第4项：细化举措"),
         ("党组织体系是什么样的", "system-vertical", "最下面一层呢", "▶ 党组织体系第3项：党员中心户")],
    )  # fmt: skip
    def test_an_item_asked_by_its_place_is_of_the_previous_list(
        self, brain: Brain, before: str, entry: str, message: str, line: str
    ) -> None:
        """最后一个呢, 最下面一层呢 after a list: that item of the previous answer's list."""
        decision = follow(brain.matcher, message, Previous(before, entry))
        assert line in _reply(brain, decision).splitlines()

    @pytest.mark.parametrize(
        ("message", "line"),
        [("多少个村", "▶ 参与支部共建的行政村 103个"), ("设了几个党支部", "▶ 产业链上的党支部 20个")],
    )
    def test_a_bare_how_many_of_what_the_previous_entry_counts_is_its_count(
        self, brain: Brain, message: str, line: str
    ) -> None:
        """多少个村 after the companies paired with villages: the 103 villages, not the county's 219."""
        decision = follow(brain.matcher, message, Previous("多少家企业跟村里搞共建", "act-enterprises"))
        assert decision.answered is not None
        assert decision.answered.id == "act-enterprises"
        assert line in _reply(brain, decision).splitlines()

    @pytest.mark.parametrize(
        ("before", "entry", "message", "line"),
        [("全县有多少个农村基层党支部", "system-quality", "其中示范的呢", "▶ 示范支部 124个"),
         ("省级示范园有几家", "act-returnees", "国家级星创天地呢", "▶ 国家级“星创天地” 1家")],
    )  # fmt: skip
    def test_a_new_subject_with_the_previous_how_many_gets_its_own_count(
        self, brain: Brain, before: str, entry: str, message: str, line: str
    ) -> None:
        """其中示范的呢 is the model branches among those counted; 国家级星创天地呢 after a how-many is the
        count of a term the article does not explain, which it does give."""
        decision = follow(brain.matcher, message, Previous(before, entry))
        assert line in _reply(brain, decision).splitlines()

    def test_a_pronoun_stands_for_the_previous_subject(self, brain: Brain) -> None:
        """它属于哪个镇 after 新岗村: 它 is the village, though 属于 is a word the FAQ does not use."""
        decision = follow(brain.matcher, "它属于哪个镇", Previous("新岗村是什么情况", "lead-ten-minutes"))
        assert decision.kind == "answer"
        assert "王店镇新岗村" in _reply(brain, decision)

    def test_there_is_the_previous_place(self, brain: Brain) -> None:
        """那里 after a question about 新岗村 is the village, written in its place: 那里有什么特别的 gets what the
        article says of it, and 那里有多少人 is its population, which the article does not give."""
        special = follow(brain.matcher, "那里有什么特别的", Previous("新岗村在哪个镇", "lead-ten-minutes"))
        assert special.kind == "answer"
        assert "幸福食堂" in _reply(brain, special)
        people = follow(brain.matcher, "那里有多少人", Previous("冯山社区在哪个镇", "lead-three-four"))
        assert people.kind == "unexplained"

    def test_how_many_after_a_person_counts_the_group_they_are_named_in(self, brain: Brain) -> None:
        """一共多少人 after 沈腾是谁 asks how many such people there are: the 150 young members the article
        names him among, not "the article does not say"."""
        decision = follow(brain.matcher, "一共多少人", Previous("沈腾是谁", "act-returnees"))
        assert decision.kind == "answer"
        assert "150余名" in _reply(brain, decision).splitlines()[1]

    def test_an_english_how_many_of_what_the_previous_entry_counts(self, brain: Brain) -> None:
        """And how many villages? after the companies of the branch partnerships is their 103 villages, not a
        question back between the county's 219 villages and the partnerships."""
        before = Previous("How many firms are in the partnerships?", "act-enterprises")
        decision = follow(brain.matcher, "And how many villages?", before)
        assert decision.kind == "answer"
        assert "103" in _reply(brain, decision).splitlines()[0]

    def test_how_a_deed_came_about_is_asked_of_the_previous_subject(self, brain: Brain) -> None:
        """那是怎么选出来的 after 党员中心户有多少人: 选出来 is the deed asked about, which the entry tells."""
        decision = follow(brain.matcher, "那是怎么选出来的", Previous("党员中心户有多少人", "system-vertical"))
        assert decision.answered is not None
        assert decision.answered.id == "system-vertical"
        assert "支部指派或党员推荐" in _reply(brain, decision)

    def test_a_count_of_something_the_message_names_borrows_no_subject(self, brain: Brain) -> None:
        """孝昌县有多少人口 after a question about the county's Party secretary counts its own 人口: it is
        declined as it stands, not read as 县委孝昌县有多少人口."""
        decision = follow(brain.matcher, "孝昌县有多少人口", Previous("孝昌县县委书记是谁", "about"))
        assert decision.kind == "decline"
        assert decision.question == "孝昌县有多少人口"

    def test_a_term_the_message_names_keeps_its_own_reading(self, brain: Brain) -> None:
        """五问是什么 after a question about rice prices is still "the article names 五问 but does not explain it"."""
        decision = follow(brain.matcher, "五问是什么", Previous("太子米多少钱一斤", "act-everyone"))
        assert decision.kind == "unexplained"
        assert decision.gap is not None
        assert decision.gap.entry.id == "system-quality"

    def test_a_question_of_its_own_keeps_its_own_answer(self, brain: Brain) -> None:
        """那村干部全员培训采取什么方式 after another answer is answered as asked."""
        decision = follow(brain.matcher, "那村干部全员培训采取什么方式", Previous("龙头企业有多少家", "act-everyone"))
        assert decision.answered is not None
        assert decision.answered.id == "learn-inside"
        assert decision.question == "那村干部全员培训采取什么方式"


class TestConversation:
    async def test_the_language_written_in_is_remembered_for_messages_without_one(self, talk: Conversation) -> None:
        """After an English question, a bare 875 is answered in English even for a Chinese app."""
        await talk.hear(PERSON, "How many Party groups are there?")
        said = await talk.hear(PERSON, "875")
        assert said.lang == "en"
        assert await talk.language(PERSON) == "en"

    async def test_the_context_outlives_a_restart_and_expires_after_ten_minutes(
        self, tmp_path: Path, brain: Brain, clock: Clock
    ) -> None:
        """A new process on the same store still reads 详细点 against the last answer; ten minutes later, not."""
        first = SqliteStore(tmp_path, clock=clock)
        await first.start()
        await Conversation(lambda: brain, first).hear(PERSON, "十分钟服务承诺是什么")
        await first.close()
        second = SqliteStore(tmp_path, clock=clock)
        await second.start()
        talk = Conversation(lambda: brain, second)
        assert (await talk.hear(PERSON, "详细点")).kind == "full"
        clock.move(minutes=11)
        assert (await talk.hear(PERSON, "详细点")).kind != "full"
        await second.close()

    async def test_a_number_picks_from_the_topics_then_from_a_line(self, talk: Conversation) -> None:
        """/topics offers lines of work by number; a line offers its overview and measures."""
        await talk.topics(PERSON, "zh")
        line = await talk.hear(PERSON, "2")
        assert (line.kind, line.text) == ("line", "优化体系，一体推进")
        answer = await talk.hear(PERSON, "第二个")
        assert (answer.kind, answer.entry_id) == ("answer", "system-vertical")

    async def test_a_number_after_a_listed_answer_asks_about_that_item(self, talk: Conversation) -> None:
        """四大产业是哪些, then 2: the second industry, 果茶, is asked about; 第一个 after the four lines: the first."""
        await talk.hear(PERSON, "四大产业是哪些")
        item = await talk.hear(PERSON, "2")
        assert (item.kind, item.question) == ("answer", "果茶")
        await talk.hear(PERSON, "四化是哪四化")
        first = await talk.hear(PERSON, "第一个")
        assert (first.kind, first.question) == ("answer", "深化学习")

    async def test_a_number_replying_to_a_message_picks_from_that_messages_options(self, talk: Conversation) -> None:
        """Someone replying 1 to another person's question back gets option 1 of that message."""
        asked = await talk.hear(EN_PERSON, "Fengshan")
        await talk.sent(asked, chat_id=-100, message_id=50, user_id=8)
        picked = await talk.hear(GROUP_MEMBER, "1", replying_to=(-100, 50))
        assert (picked.kind, picked.entry_id) == ("answer", asked.picks[0].id)

    async def test_more_replying_to_an_answer_expands_that_answer_for_whoever_sends_it(
        self, talk: Conversation
    ) -> None:
        """In a group, 详细点 sent as a reply to someone else's answer gives that answer's full text."""
        answer = await talk.hear(Who("telegram", "-100", "7", group=True), "十分钟服务承诺是什么")
        await talk.sent(answer, chat_id=-100, message_id=60, user_id=7)
        full = await talk.hear(GROUP_MEMBER, "详细点", replying_to=(-100, 60))
        assert (full.kind, full.entry_id) == ("full", "lead-ten-minutes")

    async def test_an_edited_message_is_a_question_of_its_own(self, talk: Conversation) -> None:
        """An edit to 2 after a question back is not a pick: it is read as the question 2."""
        await talk.hear(PERSON, "Fengshan")
        assert (await talk.hear(PERSON, "2", edited=True)).kind != "answer"

    async def test_numbered_replies_say_how_to_pick_where_they_are(self, talk: Conversation) -> None:
        """Without buttons a decline says to reply with a number; in a group, to reply to the message."""
        console = Who("console", "terminal", "local", buttons=False)
        declined = await talk.hear(console, "孝昌县GDP是多少")
        assert plain_text(declined).endswith("回复序号即可。")
        grouped = await talk.hear(Who("telegram", "-100", "7", group=True), "孝昌县GDP是多少")
        assert grouped.how.startswith("在群里请回复这条消息")

    async def test_each_turn_is_logged_with_its_channel(self, talk: Conversation) -> None:
        """The usage log says which front end each turn came through."""
        await talk.hear(PERSON, "党小组有多少个")
        await talk.hear(Who("console", "terminal", "local", buttons=False), "党小组有多少个")
        store = talk.store
        assert isinstance(store, SqliteStore)
        await store.flush()
        rows = await store.events.since(store.clock().replace(year=2000))
        assert [row.channel for row in rows] == ["telegram", "console"]


FRONT_ENDS = [
    *sorted((ROOT / "bot" / "tg").glob("*.py")),
    *sorted((ROOT / "bot" / "wechat").glob("*.py")),
    ROOT / "bot" / "ops" / "cli.py",
]
CONVERSATION_INSIDES = ("bot.conversation.choosing", "bot.conversation.intents", "bot.core.followup")


class TestOneLayerForEveryFrontEnd:
    @pytest.mark.parametrize("path", FRONT_ENDS, ids=[p.name for p in FRONT_ENDS])
    def test_no_front_end_touches_conversation_state(self, path: Path) -> None:
        """Telegram's and WeChat's modules and the console never read or write the store's conversation
        state, never make its records, and never read numbers or follow-ups themselves: only the layer does."""
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "conversations":
                found.append(f"line {node.lineno}: .{node.attr}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("Answered", "Event"):
                found.append(f"line {node.lineno}: {node.func.id}(...)")
            if isinstance(node, ast.ImportFrom) and node.module in CONVERSATION_INSIDES:
                found.append(f"line {node.lineno}: from {node.module}")
        assert found == []

    async def test_the_console_and_telegram_have_the_same_conversation(self, tmp_path: Path, heard: Heard) -> None:
        """The same messages typed in the console and sent on Telegram pass through the one layer and
        get the same replies: the same kinds, about the same entries."""
        script = [
            "苗木花卉种了多少亩",
            "那茶叶呢",
            "详细点",
            "党员中心户有多少",
            "不对",
            "1",
            "孝昌县GDP是多少",
            "2",
            "谢谢",
        ]
        out = io.StringIO()
        settings = Settings(faq_file=FAQ, data_dir=tmp_path / "console")
        typed = io.StringIO("\n".join(script) + "\n")
        assert await asyncio.to_thread(chat_command, settings, typed, out) == 0
        api, clock = RecordingBotApi(), Clock()
        application, store = await _harness(tmp_path / "telegram", clock, api)
        async with application:
            harness = Harness(application, api, store, clock)
            for text in script:
                await harness.text(text)
        await store.close()
        console = [(text, kind, entry) for channel, text, kind, entry in heard if channel == "console"]
        telegram = [(text, kind, entry) for channel, text, kind, entry in heard if channel == "telegram"]
        assert [text for text, _, _ in console] == script
        assert telegram == console
        assert [kind for _, kind, _ in console] == [
            "answer", "answer", "full", "answer", "others", "answer", "decline", "answer", "small-talk"
        ]  # fmt: skip
        assert len(api.sent()) == len(script)
