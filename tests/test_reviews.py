"""Reviews of FAQ uploads that cannot misfire, and the admin's texts in their own language.

Handler tests over the in-process Bot API (`tests/bot_api.py`) and a real SQLite store: the
review's id and digest on its buttons, expiry, staleness, double presses, forged presses, the
edges of /rollback, the size caps, and every problem of a broken FAQ said in both languages.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.brain import Brain
from bot.faq.knowledge import KnowledgeError, Problem, parse_knowledge
from bot.texts import FAQ_TEXTS, TEXTS
from bot.tg.markup import MAX_MESSAGE, telegram_length
from tests.conftest import BROKEN, FAQ, ROOT
from tests.test_handlers import (
    ADMIN,
    ADMIN_ID,
    EDITED,
    EN_ADMIN,
    ZH_USER,
    AdminHarness,
    own_admin_bot,
)

EN_ADMIN_ID = int(EN_ADMIN["id"])
QUOTED = re.compile(r"“[^”]*”|「[^」]*」|'[^']*'|\"[^\"]*\"|`[^`]*`")
"""FAQ content and the file's own keys, as the texts quote them."""
ALLOWED_LATIN = {"YAML", "UTF", "UTC", "YYYY", "MM", "DD", "Tab", "true", "false", "id"}
"""Latin words a Chinese text may hold: names of formats and of YAML's own values."""


@pytest.fixture
async def admin_bot(tmp_path: Path) -> AsyncIterator[AdminHarness]:
    async for harness in own_admin_bot(tmp_path):
        yield harness


def _keys(params: dict[str, Any]) -> list[str]:
    return [b["callback_data"] for row in params["reply_markup"]["inline_keyboard"] for b in row]


def _edited(bot: AdminHarness) -> dict[str, Any]:
    return bot.api.sent("editMessageText")[-1]


def _alerts(bot: AdminHarness) -> list[str]:
    return [str(p.get("text", "")) for p in bot.api.sent("answerCallbackQuery")]


async def _review(bot: AdminHarness, content: bytes = EDITED, user: dict[str, Any] = ADMIN) -> dict[str, Any]:
    await bot.document(content, user=user)
    return bot.last_message()


def latin_words(text: str) -> set[str]:
    """The Latin words of a Chinese text outside what it quotes (content, keys) and outside commands."""
    bare = QUOTED.sub("", text)
    bare = re.sub(r"/\w+", "", bare)
    return {w for w in re.findall(r"[A-Za-z]{2,}", bare) if w not in ALLOWED_LATIN}


def han(text: str) -> str:
    """The Chinese characters of an English text outside what it quotes."""
    return "".join(re.findall(r"[\u4e00-\u9fff]", QUOTED.sub("", text)))


class TestReviewButtons:
    async def test_review_ids_are_random_and_each_button_carries_the_files_digest(
        self, admin_bot: AdminHarness
    ) -> None:
        """Two reviews get unrelated 12-character ids, and their buttons name the start of each file's SHA-256."""
        first = _keys(await _review(admin_bot))
        second = _keys(await _review(admin_bot, EDITED.replace(b"876", b"877")))
        ids = [re.match(r"^y\|([A-Za-z0-9_-]{12})\.([0-9a-f]{12})\|zh$", keys[0]) for keys in (first, second)]
        assert ids[0] is not None
        assert ids[1] is not None
        assert ids[0].group(1) != ids[1].group(1)
        assert ids[0].group(2) != ids[1].group(2)

    async def test_a_button_naming_another_file_applies_nothing(self, admin_bot: AdminHarness) -> None:
        """The review's id with another file's digest is refused: nothing is written, no version added."""
        review = await _review(admin_bot)
        apply = _keys(review)[0]
        forged = apply[:-16] + ("0" * 12) + "|zh"
        await admin_bot.press(forged, review, user=ADMIN)
        assert "找不到这次审阅" in _edited(admin_bot)["text"]
        assert admin_bot.faq.read_bytes() == FAQ.read_bytes()
        assert len(await admin_bot.store.versions.latest()) == 1

    async def test_an_expired_review_is_refused_and_loses_its_buttons(self, admin_bot: AdminHarness) -> None:
        """31 minutes on, Apply says the review expired, takes the buttons and the instruction away, changes nothing."""
        review = await _review(admin_bot)
        admin_bot.clock.now += timedelta(minutes=31)
        await admin_bot.press(_keys(review)[0], review, user=ADMIN)
        edited = _edited(admin_bot)
        assert edited["text"].endswith("<b>这次审阅已过期，没有应用；请重新上传文件。</b>")
        assert "⏳" not in edited["text"]
        assert "reply_markup" not in edited
        assert admin_bot.faq.read_bytes() == FAQ.read_bytes()

    async def test_a_second_press_adds_no_version(self, admin_bot: AdminHarness) -> None:
        """Apply pressed again says it was already applied as v2; the history still has two versions."""
        review = await _review(admin_bot)
        await admin_bot.press(_keys(review)[0], review, user=ADMIN)
        await admin_bot.press(_keys(review)[0], review, user=ADMIN)
        assert _edited(admin_bot)["text"].endswith("<b>这次审阅已经应用过了（版本 v2），没有再加新版本。</b>")
        assert [v.number for v in await admin_bot.store.versions.latest()] == [2, 1]

    async def test_two_presses_at_once_apply_once(self, admin_bot: AdminHarness) -> None:
        """Two Apply presses handled at the same moment put the file in use once, as one version."""
        review = await _review(admin_bot)
        press = _keys(review)[0]
        await asyncio.gather(*(admin_bot.press(press, review, user=ADMIN) for _ in range(3)))
        assert [v.number for v in await admin_bot.store.versions.latest()] == [2, 1]
        assert admin_bot.faq.read_bytes() == EDITED

    async def test_a_review_made_before_another_was_applied_is_stale(self, admin_bot: AdminHarness) -> None:
        """Two reviews of the same FAQ: applying one makes the other stale, and Apply on it refuses."""
        first = await _review(admin_bot)
        second = await _review(admin_bot, EDITED.replace(b"876", b"877"))
        await admin_bot.press(_keys(first)[0], first, user=ADMIN)
        await admin_bot.press(_keys(second)[0], second, user=ADMIN)
        assert "正在使用的问答库已经改过了" in _edited(admin_bot)["text"]
        assert admin_bot.faq.read_bytes() == EDITED

    async def test_presses_by_others_are_refused_and_change_nothing(self, admin_bot: AdminHarness) -> None:
        """A user's forged Cancel is refused as admins-only; another admin may not settle the review; the
        uploading admin's Apply still works."""
        review = await _review(admin_bot)
        apply, cancel = _keys(review)
        await admin_bot.press(cancel, review, user=ZH_USER)
        await admin_bot.press(cancel.replace("|zh", "|en"), review, user=EN_ADMIN)
        assert _alerts(admin_bot)[-2:] == [
            "抱歉，这个命令只供管理员使用。",
            "This is another admin's review; only they can apply or cancel it.",
        ]
        assert admin_bot.api.sent("editMessageText") == []
        await admin_bot.press(apply, review, user=ADMIN)
        assert _edited(admin_bot)["text"].endswith("<b>已应用：版本 v2，18 条。</b>")

    @pytest.mark.parametrize("data", ["y|12345678901234567890|zh", "x|99999999999999999999.ab|en", "y||zh",
                                      "a|12345678901234567890|zh", "x|²|zh"])  # fmt: skip
    async def test_junk_in_a_button_gets_an_answer_not_the_error_handler(
        self, admin_bot: AdminHarness, data: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A 20-digit id or any junk, from an admin or anyone, is answered in one line; nothing fails."""
        message = {"message_id": 5, "chat": {"id": ADMIN_ID, "type": "private"}, "text": "?"}
        for user in (ADMIN, ZH_USER):
            await admin_bot.press(data, message, user=user)
        assert len(admin_bot.api.sent("answerCallbackQuery")) == 2
        assert "error while handling" not in caplog.text


class TestUploads:
    async def test_an_identical_upload_offers_no_apply(self, admin_bot: AdminHarness) -> None:
        """The FAQ in use sent back unchanged: it says nothing would change, and there is no button."""
        reply = await _review(admin_bot, FAQ.read_bytes())
        assert reply["text"] == "「faq.yaml」和正在使用的问答库一模一样，没有什么可以应用的。"
        assert "reply_markup" not in reply

    async def test_a_change_of_comments_only_says_so_and_may_be_applied(self, admin_bot: AdminHarness) -> None:
        """Bytes that differ only in a comment: "no change in content", and Apply stays on offer."""
        reply = await _review(admin_bot, FAQ.read_bytes() + b"\n# a note\n")
        assert "内容没有变化，只有注释或排版不同。" in reply["text"]
        assert len(_keys(reply)) == 2

    async def test_an_upload_of_too_many_entries_is_refused_before_it_is_built(self, admin_bot: AdminHarness) -> None:
        """201 entries (the cap is 200) are refused by count, with no review kept."""
        entry = (
            "  - id: e{n}\n    title: 条目{n}\n    answer: 回答{n}\n    ask: [问题{n}]\n"
            "    en: {{title: E{n}, answer: A{n}, ask: [Q{n}]}}\n"
        )
        head = FAQ.read_text(encoding="utf-8").split("\nentries:\n")[0]
        many = head + "\nentries:\n" + "".join(entry.format(n=n) for n in range(201))
        reply = await _review(admin_bot, many.encode())
        assert reply["text"] == "文件有 201 条，从 Telegram 上传的问答库最多 200 条；没有审阅。"

    async def test_a_refused_review_with_many_long_problems_fits_one_message(self, admin_bot: AdminHarness) -> None:
        """Hundreds of long problems: the refusal stays within 4,096 characters with its <pre> closed."""
        keys = "".join(f"{'键' * 90}{n}: 1\n" for n in range(300))
        reply = await _review(admin_bot, FAQ.read_bytes() + b"\n" + keys.encode())
        text = reply["text"]
        assert telegram_length(text) <= MAX_MESSAGE
        assert text.count("<pre>") == text.count("</pre>") == 1
        assert text.endswith("</pre>")
        assert "……还有" in text


class TestRollback:
    @pytest.mark.parametrize(("argument", "answer"), [
        ("²", "用法：/rollback 编号，编号见 /history。"),
        ("99999999999999999999999", "用法：/rollback 编号，编号见 /history。"),
        ("999999999999", "没有版本 999999999999，见 /history。"),
        ("-1", "用法：/rollback 编号，编号见 /history。"),
        ("v7", "没有版本 7，见 /history。"),
    ])  # fmt: skip
    async def test_arguments_that_are_no_version_get_one_line(
        self, admin_bot: AdminHarness, argument: str, answer: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Superscripts, 23 digits, negatives, unknown numbers: one line each, never the error handler."""
        await admin_bot.text(f"/rollback {argument}", user=ADMIN)
        assert admin_bot.api.texts()[-1] == answer
        assert "error while handling" not in caplog.text


class TestAdminLanguage:
    async def test_an_english_admin_reads_reviews_problems_and_history_in_english(
        self, admin_bot: AdminHarness
    ) -> None:
        """An English admin's upload, broken and then fine, and /history: no Chinese outside the FAQ's content."""
        await admin_bot.text("/start", user=EN_ADMIN)
        broken = FAQ.read_bytes().replace(
            b"    title: \xe7\xba\xb5\xe5\x90\x91\xe6\xb7\xb1\xe5\x8c\x96\n", b"    titel: x\n"
        )
        seen = [(await _review(admin_bot, broken, EN_ADMIN))["text"]]
        review = await _review(admin_bot, EDITED, EN_ADMIN)
        seen.append(review["text"])
        await admin_bot.press(_keys(review)[0], review, user=EN_ADMIN)
        seen.append(_edited(admin_bot)["text"])
        await admin_bot.text("/history", user=EN_ADMIN)
        seen.append(admin_bot.api.texts()[-1])
        assert seen[0].startswith("“faq.yaml” has 2 problem(s); nothing was changed:")
        assert "line " in seen[0]
        for text in seen:
            assert han(text) == "", text
        assert "the file on the server · in use at start" in seen[-1]

    @pytest.mark.parametrize("broken", BROKEN, ids=[p.stem for p in BROKEN])
    def test_every_problem_of_a_broken_file_reads_in_either_language(self, broken: Path) -> None:
        """Each problem of each broken file: in Chinese no English word outside quotes, in English no Chinese."""
        try:
            Brain.parse(broken.read_bytes(), broken.name)
        except KnowledgeError as error:
            problems = error.problems
        else:
            pytest.fail(f"{broken.name} loaded")
        assert problems
        for problem in problems:
            assert isinstance(problem, Problem)
            assert latin_words(problem.in_lang("zh")) == set(), problem.in_lang("zh")
            assert han(problem.in_lang("en")) == "", problem.in_lang("en")
            assert str(problem).endswith(problem.message("en"))

    def test_every_text_is_written_in_both_languages_and_every_key_used_exists(self) -> None:
        """No text lacks a language, the English has no Chinese, and each key the code names is a text."""
        texts = {**TEXTS, **FAQ_TEXTS}
        for key, both in texts.items():
            assert set(both) == {"zh", "en"}, key
            assert han(both["en"].replace("{", "").replace("}", "")) == "", key
        named = set()
        for path in (ROOT / "bot").rglob("*.py"):
            named |= set(re.findall(r"""(?:say|phrase)\(\s*["']([a-z_]+)["']""", path.read_text(encoding="utf-8")))
        assert named - texts.keys() == set()

    def test_a_yaml_error_reads_in_chinese_whichever_parser_gave_it(self) -> None:
        """libyaml's and PyYAML's wordings of the same mistakes are both said in Chinese."""
        for text in ("a: [1, 2\nb: 3\n", "a: b: c\n", "a:\n\t- b\n", "- a\nb: c\n", 'a: "\\q"\n', "a: 'x\n"):
            try:
                parse_knowledge(text.encode(), "x.yaml")
            except KnowledgeError as error:
                (problem,) = error.problems
            assert isinstance(problem, Problem)
            assert latin_words(problem.in_lang("zh")) == set(), problem.in_lang("zh")
