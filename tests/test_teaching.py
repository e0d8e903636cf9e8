"""Teaching the bot from what it could not answer: filing into the FAQ's text, the matcher honouring
filed questions, /unanswered's cards in Telegram, and `python -m bot teach` from a shell."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.brain import Brain
from bot.faq.diff import diff
from bot.faq.knowledge import KnowledgeError, parse_knowledge
from bot.faq.teaching import Lesson, TeachingError, check, file_lesson, file_lessons
from tests.conftest import FAQ, ROOT, shipped_brain
from tests.faqs import tiny_faq
from tests.test_handlers import (
    ADMIN,
    ADMIN_ID,
    EN_ADMIN,
    EN_USER,
    ZH_USER,
    AdminHarness,
    own_admin_bot,
)

GDP = "孝昌县GDP是多少"
"""A question the article does not answer."""
LEADERS = "党小组长是谁选出来的"
"""A question the bot tells it cannot answer (who), which an admin decides the Party-groups entry does."""
VERTICAL = "system-vertical"


@pytest.fixture(scope="module")
def shipped() -> Brain:
    return shipped_brain()


def _taught(*lessons: Lesson) -> Brain:
    return Brain.parse(file_lessons(FAQ.read_bytes(), list(lessons)), "taught.yaml")


class TestFiling:
    def test_a_question_goes_into_the_entrys_asked_list_and_the_rest_stays(self) -> None:
        """Filed under an entry: a new `asked` list in that entry, every other line of the file unchanged."""
        before = FAQ.read_text(encoding="utf-8")
        after = file_lesson(before, Lesson(LEADERS, "zh", VERTICAL))
        added = [line for line in after.splitlines() if line not in before.splitlines()]
        assert [line.strip() for line in added] == ["asked:", f'- "{LEADERS}"']
        assert parse_knowledge(after.encode()).by_id[VERTICAL].asked == (LEADERS,)
        again = file_lesson(after, Lesson("党小组长怎么产生", "zh", VERTICAL))
        assert parse_knowledge(again.encode()).by_id[VERTICAL].asked == (LEADERS, "党小组长怎么产生")

    def test_an_english_question_goes_under_the_entrys_english_side(self) -> None:
        """An English question lands in `en: asked`."""
        taught = file_lesson(FAQ.read_text(encoding="utf-8"), Lesson("Who picks group leaders?", "en", VERTICAL))
        entry = parse_knowledge(taught.encode()).by_id[VERTICAL]
        assert (entry.asked, entry.en.asked) == ((), ("Who picks group leaders?",))

    def test_lists_written_inline_and_entries_written_inline_are_added_to(self) -> None:
        """`asked: [a]` grows inside its brackets; an `en: {...}` mapping gets `asked: [...]`."""
        text = tiny_faq("""\
            - id: one
              title: 一
              answer: 第一条的回答
              ask: [第一个问题]
              asked: [旧问题]
              en: {title: One, answer: The first answer, ask: [First question]}
            """).decode()
        taught = file_lesson(file_lesson(text, Lesson("新问题", "zh", "one")), Lesson("New one", "en", "one"))
        entry = parse_knowledge(taught.encode()).by_id["one"]
        assert (entry.asked, entry.en.asked) == (("旧问题", "新问题"), ("New one",))

    def test_declined_questions_make_their_section_then_join_it(self) -> None:
        """The first declined question adds a `declined:` section; later ones, in either language, join it."""
        text = FAQ.read_text(encoding="utf-8")
        for question, lang in ((GDP, "zh"), ("What is the GDP?", "en"), ("孝昌县人口多少", "zh")):
            text = file_lesson(text, Lesson(question, lang))  # type: ignore[arg-type]
        knowledge = parse_knowledge(text.encode())
        assert knowledge.declined_in("zh") == (
            (GDP, knowledge.declined_in("zh")[0][1]),
            ("孝昌县人口多少", knowledge.declined_in("zh")[1][1]),
        )
        assert [q for q, _ in knowledge.declined_in("en")] == ["What is the GDP?"]
        assert text.count("declined:") == 1

    def test_quotes_and_backslashes_come_back_as_they_were_typed(self) -> None:
        """A question with quotes, a backslash and a colon is filed and read back exactly."""
        odd = 'What\'s "875" \\ a: b?'
        taught = file_lesson(FAQ.read_text(encoding="utf-8"), Lesson(odd, "en", VERTICAL))
        assert parse_knowledge(taught.encode()).by_id[VERTICAL].en.asked == (odd,)

    def test_an_unknown_entry_or_a_question_already_filed_is_refused(self, shipped: Brain) -> None:
        """No such entry, or a question already among the entry's examples, is refused with why."""
        with pytest.raises(TeachingError) as missing:
            check(shipped.knowledge, Lesson(GDP, "zh", "no-such-entry"))
        assert missing.value.reason("zh") == "问答库里没有条目“no-such-entry”"
        example = shipped.knowledge.by_id[VERTICAL].questions[0]
        with pytest.raises(TeachingError):
            check(shipped.knowledge, Lesson(example, "zh", VERTICAL))


class TestFiledQuestions:
    def test_a_question_filed_under_an_entry_is_answered_by_it_typed_otherwise_too(self, shipped: Brain) -> None:
        """The bot says it cannot tell who; filed under the Party-groups entry, it and a variant are answered there."""
        assert shipped.decide(LEADERS).kind == "unexplained"
        taught = _taught(Lesson(LEADERS, "zh", VERTICAL))
        for asked in (LEADERS, "党小组长是谁选的？"):
            decision = taught.decide(asked)
            assert (decision.kind, decision.answered.id if decision.answered else None) == ("answer", VERTICAL)

    def test_a_question_filed_as_not_in_the_article_is_declined_typed_otherwise_too(self, shipped: Brain) -> None:
        """Asked back about before; filed as not in the article, it and a variant are declined."""
        question = "Fengshan"
        assert shipped.decide(question).kind == "ask-back"
        taught = _taught(Lesson(question, "en"))
        assert taught.decide(question).kind == "decline"
        assert taught.decide("fengshan?").declined_as == question

    def test_other_questions_are_answered_as_before(self, shipped: Brain) -> None:
        """Filing touches only questions like the filed ones: the article's examples and others decide as before."""
        taught = _taught(Lesson(GDP, "zh"), Lesson(LEADERS, "zh", VERTICAL))
        for question in ("孝昌县有多少个党小组", "沈腾是谁", "太子米多少钱一斤", "How many Party groups are there?"):
            before, after = shipped.decide(question), taught.decide(question)
            assert (before.kind, before.best and before.best.entry.id) == (
                after.kind,
                after.best and after.best.entry.id,
            )

    def test_a_filing_that_breaks_another_entrys_examples_is_refused_with_the_reason(self) -> None:
        """Filed under the overview, an example of the Party-groups entry is answered there: refused, saying so."""
        with pytest.raises(KnowledgeError) as refused:
            _taught(Lesson("孝昌县有多少个党小组", "zh", "overview"))
        assert any("of entry 'system-vertical' is answered by entry 'overview'" in p for p in refused.value.problems)

    def test_the_review_counts_filed_questions(self, shipped: Brain) -> None:
        """The diff names the entry with one example question more, and one question declined."""
        taught = _taught(Lesson(LEADERS, "zh", VERTICAL), Lesson(GDP, "zh"))
        assert diff(shipped.knowledge, taught.knowledge).lines("zh") == [
            "修改「纵向深化」：示例问题 +1 −0",
            "文章没有的问题 +1 −0",
        ]


@pytest.fixture
async def teach_bot(tmp_path: Path) -> AsyncIterator[AdminHarness]:
    async for harness in own_admin_bot(tmp_path):
        yield harness


def _buttons(params: dict[str, Any]) -> dict[str, str]:
    return {b["text"]: b["callback_data"] for row in params["reply_markup"]["inline_keyboard"] for b in row}


def _cards(bot: AdminHarness, since: int) -> list[dict[str, Any]]:
    """The card messages /unanswered sent (those with buttons), each with its message id."""
    found = []
    for params, message_id in zip(bot.api.sent()[since:], bot.api.sent_ids[since:], strict=True):
        if "reply_markup" in params:
            found.append({**params, "message_id": message_id, "chat": {"id": ADMIN_ID, "type": "private"}})
    return found


async def _unanswered(bot: AdminHarness, user: dict[str, Any] = ADMIN) -> tuple[str, list[dict[str, Any]]]:
    await asyncio.wait_for(bot.store._queue.join(), 10)  # type: ignore[union-attr]  # the usage log is written behind
    since = len(bot.api.sent())
    await bot.text("/unanswered", user=user)
    return bot.api.texts()[since], _cards(bot, since)


def _card(cards: list[dict[str, Any]], question: str) -> dict[str, Any]:
    return next(card for card in cards if question in card["text"])


class TestTeachFromTelegram:
    async def test_each_question_comes_with_entries_another_entry_and_not_in_the_article(
        self, teach_bot: AdminHarness
    ) -> None:
        """Declined, asked-back and 👎 questions each get a card: likely entries, another entry, not in the article."""
        await teach_bot.text(GDP)
        await teach_bot.text("Fengshan", user=EN_USER)
        await teach_bot.text("党小组一共有多少")
        answer = teach_bot.last_message()
        await teach_bot.press("v|-|zh", answer)
        listed, cards = await _unanswered(teach_bot)
        assert "1× 孝昌县GDP是多少" in listed
        assert "1👎 党小组一共有多少" in listed
        assert "得到的回答：纵向深化" in listed
        fengshan = _buttons(_card(cards, "Fengshan"))
        assert list(fengshan)[-2:] == ["其他条目…", "✗ 文章没有"]
        assert len(fengshan) >= 4  # two or more likely entries by name
        assert "→ 纵向深化" not in _buttons(_card(cards, "👎"))  # not the entry that got the 👎

    async def test_a_filed_question_is_answered_by_its_entry_after_apply(self, teach_bot: AdminHarness) -> None:
        """File a question under an entry through "another entry…", Apply: the next time it is answered there."""
        await teach_bot.text(LEADERS)
        assert any(words in teach_bot.api.texts()[-1] for words in ("没有提到", "没有讲到", "没有说"))
        _, cards = await _unanswered(teach_bot)
        card = _card(cards, LEADERS)
        await teach_bot.press(_buttons(card)["其他条目…"], card, user=ADMIN)
        picked = teach_bot.api.sent("editMessageReplyMarkup")[-1]["reply_markup"]
        pick = next(b["callback_data"] for row in picked["inline_keyboard"] for b in row if b["text"] == "纵向深化")
        await teach_bot.press(pick, card, user=ADMIN)
        review = teach_bot.last_message()
        assert review["text"].startswith(f"待应用的归档（1 个）：\n1. “{LEADERS}” → 归到「纵向深化」")
        assert "修改「纵向深化」：示例问题 +1 −0" in review["text"]
        assert teach_bot.api.sent("editMessageText")[-1]["text"].endswith(
            "<b>已归档：归到「纵向深化」。在下面的审阅里按“应用”生效。</b>"
        )
        await teach_bot.press(_buttons(review)["✅ 应用"], review, user=ADMIN)
        await teach_bot.text(LEADERS)
        assert teach_bot.api.texts()[-1].startswith("<b>纵向深化</b>")
        (latest,) = await teach_bot.store.versions.latest(1)
        assert (latest.number, latest.author, latest.author_id) == (2, "管理员", ADMIN_ID)

    async def test_several_filings_go_in_with_one_apply(self, teach_bot: AdminHarness) -> None:
        """Two questions filed one after the other: the second review holds both and replaces the first; one
        Apply makes one version; the first review's buttons are gone."""
        for question in (GDP, "孝昌县人口有多少"):
            await teach_bot.text(question)
        _, cards = await _unanswered(teach_bot)
        first_card, second_card = _card(cards, GDP), _card(cards, "人口")
        await teach_bot.press(_buttons(first_card)["✗ 文章没有"], first_card, user=ADMIN)
        first = teach_bot.last_message()
        await teach_bot.press(_buttons(second_card)["✗ 文章没有"], second_card, user=ADMIN)
        second = teach_bot.last_message()
        assert second["text"].startswith("待应用的归档（2 个）：")
        replaced = teach_bot.api.sent("editMessageText")[-2]
        assert replaced["message_id"] == first["message_id"]
        assert replaced["text"].endswith("<b>已被下面新的审阅取代，这里不能再应用。</b>")
        await teach_bot.press(_buttons(first)["✅ 应用"], first, user=ADMIN)
        assert "已被下面新的审阅取代" in teach_bot.api.sent("editMessageText")[-1]["text"]
        await teach_bot.press(_buttons(second)["✅ 应用"], second, user=ADMIN)
        assert [v.number for v in await teach_bot.store.versions.latest()] == [2, 1]
        for question in (GDP, "孝昌县的人口有多少"):
            await teach_bot.text(question)
            assert teach_bot.api.texts()[-1].startswith("抱歉，这篇报道里没有讲到这个")

    async def test_a_filing_the_self_check_refuses_is_refused_on_its_card(self, teach_bot: AdminHarness) -> None:
        """A question that would make another entry's example fail is refused on its card with the reason,
        its buttons kept; the filing before it stays in the review."""
        await teach_bot.text(GDP)
        await teach_bot.text("孝昌县有多少个党小组呢", user=ZH_USER)
        answer = teach_bot.last_message()
        await teach_bot.press("v|-|zh", answer)
        _, cards = await _unanswered(teach_bot)
        gdp, groups = _card(cards, GDP), _card(cards, "👎")
        await teach_bot.press(_buttons(gdp)["✗ 文章没有"], gdp, user=ADMIN)
        await teach_bot.press(_buttons(groups)["✗ 文章没有"], groups, user=ADMIN)
        refusal = teach_bot.api.sent("editMessageText")[-1]
        assert refusal["message_id"] == groups["message_id"]
        assert "没有归档“孝昌县有多少个党小组呢”（标为文章没有）：归进去自检就不通过了：" in refusal["text"]
        assert "被当成了文章没有答案的问题" in refusal["text"]
        assert "reply_markup" in refusal
        draft = await teach_bot.store.reviews.open_teaching(ADMIN_ID)
        assert draft is not None
        assert GDP in draft.lessons
        assert "党小组呢" not in draft.lessons

    async def test_teaching_buttons_are_for_admins_only(self, teach_bot: AdminHarness) -> None:
        """Someone not an admin pressing a card's button (forged or forwarded) is refused; nothing is filed."""
        await teach_bot.text(GDP)
        _, cards = await _unanswered(teach_bot)
        card = _card(cards, GDP)
        await teach_bot.press(_buttons(card)["✗ 文章没有"], card, user=ZH_USER)
        assert teach_bot.api.sent("answerCallbackQuery")[-1]["text"] == "抱歉，这个命令只供管理员使用。"
        assert await teach_bot.store.reviews.open_teaching(int(ZH_USER["id"])) is None
        assert await teach_bot.store.reviews.open_teaching(ADMIN_ID) is None

    async def test_an_english_admin_teaches_in_english(self, teach_bot: AdminHarness) -> None:
        """An English admin's cards, review and answers carry no Chinese of the interface."""
        await teach_bot.text("What is the GDP of the county?", user=EN_USER)
        await teach_bot.text("/start", user=EN_ADMIN)
        _, cards = await _unanswered(teach_bot, user=EN_ADMIN)
        card = _card(cards, "GDP")
        assert list(_buttons(card))[-2:] == ["Another entry…", "✗ Not in the article"]
        await teach_bot.press(_buttons(card)["✗ Not in the article"], card, user=EN_ADMIN)
        review = teach_bot.last_message()
        assert review["text"].startswith(
            "Filed, waiting for Apply (1):\n1. “What is the GDP of the county?” → as not in the article"
        )
        assert "questions the article does not answer +1 −0" in review["text"]


class TestTeachCommand:
    def _run(self, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "FAQ_FILE": str(tmp_path / "faq.yaml"), "DATA_DIR": str(tmp_path / "data")}
        return subprocess.run([sys.executable, "-m", "bot", "teach", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=60, check=False)  # fmt: skip

    def test_a_question_filed_from_the_shell_is_reviewed_and_written(self, tmp_path: Path) -> None:
        """`teach QUESTION --entry ID` prints the review and writes the file; `--declined` likewise."""
        (tmp_path / "faq.yaml").write_bytes(FAQ.read_bytes())
        filed = self._run(tmp_path, LEADERS, "--entry", VERTICAL)
        assert filed.returncode == 0, filed.stderr
        assert "Changed “Deepening vertically”: example questions +1 −0" in filed.stdout
        declined = self._run(tmp_path, GDP, "--declined")
        assert declined.returncode == 0, declined.stderr
        knowledge = parse_knowledge((tmp_path / "faq.yaml").read_bytes())
        assert knowledge.by_id[VERTICAL].asked == (LEADERS,)
        assert [q for q, _ in knowledge.declined_in("zh")] == [GDP]

    def test_a_filing_that_fails_the_self_check_leaves_the_file_alone(self, tmp_path: Path) -> None:
        """Refused with the self-check's line and exit 1; the file is as it was."""
        (tmp_path / "faq.yaml").write_bytes(FAQ.read_bytes())
        refused = self._run(tmp_path, "孝昌县有多少个党小组", "--entry", "overview")
        assert refused.returncode == 1
        assert "of entry 'system-vertical' is answered by entry 'overview'" in refused.stdout
        assert (tmp_path / "faq.yaml").read_bytes() == FAQ.read_bytes()

    def test_listing_needs_the_bots_data(self, tmp_path: Path) -> None:
        """Without a database in DATA_DIR, the listing says where it looked, in one line."""
        (tmp_path / "faq.yaml").write_bytes(FAQ.read_bytes())
        listed = self._run(tmp_path)
        assert listed.returncode == 1
        assert "no database at" in listed.stderr
