"""End to end, the admins' side: the real `python -m bot run` against the Bot API emulator.

Reviews that cannot misfire (stale, expired, pressed twice, pressed by two admins at once, forged),
an identical upload, teaching from /unanswered, each admin reading only their own language, and
the rough edges that must get one line rather than the error handler. Uploads reach the bot as
Telegram sends them: the proxy serves getFile and the download (`tests/e2e/proxy.py`).
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FAQ
from tests.e2e.proxy import BotApiProxy
from tests.e2e.service import Launch
from tests.e2e.user import TelegramUser, buttons, wait_for
from tests.test_reviews import han, latin_words

pytestmark = pytest.mark.e2e

ADMIN, OTHER_ADMIN, EN_ADMIN, USER, EN_USER = 9701, 9702, 9703, 8701, 8702
EDITED = FAQ.read_text(encoding="utf-8").replace("875", "876").encode()
LEADERS = "党小组长是谁选出来的"


def _faq(tmp_path: Path) -> Path:
    faq = tmp_path / "faq.yaml"
    faq.write_bytes(FAQ.read_bytes())
    return faq


def _start(launch: Launch, tmp_path: Path, admins: str = f"{ADMIN},{OTHER_ADMIN},{EN_ADMIN}") -> tuple[Any, str, Path]:
    faq = _faq(tmp_path)
    bot, token = launch(ADMIN_IDS=admins, FAQ_FILE=str(faq))
    return bot, token, faq


NOTICES = ("问答库已重新加载", "FAQ reloaded")
"""How the notices other admins get after an apply begin; a test waiting for its review skips them."""


def _review(admin: TelegramUser, proxy: BotApiProxy, content: bytes) -> dict[str, Any]:
    admin.send_document(proxy, content)
    got: list[dict[str, Any]] = []

    def reviewed() -> dict[str, Any] | None:
        got.extend(r for r in admin.replies() if not r["text"].startswith(NOTICES))
        return got[0] if got else None

    review: dict[str, Any] = wait_for(reviewed, 60, "the review")
    return review


def _now(admin: TelegramUser, message: dict[str, Any], changed_from: str, timeout: float = 30) -> str:
    """A message's text once the bot has edited it."""
    return str(wait_for(lambda: (t := admin.message(message["message_id"])["text"]) != changed_from and t, timeout,
                        "the message to be edited"))  # fmt: skip


def _logged(data_dir: Path, question: str) -> None:
    """Wait until the usage log holds a question (it is written behind the answer, by a queue)."""

    def there() -> bool:
        with sqlite3.connect(data_dir / "bot.sqlite3") as db:
            return db.execute("SELECT 1 FROM events WHERE question = ?", (question,)).fetchone() is not None

    wait_for(there, 15, f"{question!r} in the usage log")


def _versions(data_dir: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(data_dir / "bot.sqlite3") as db:
        return db.execute("SELECT number, author FROM versions ORDER BY number").fetchall()


class TestReviews:
    def test_stale_expired_and_double_presses_apply_nothing_more(
        self, api: tuple[str, BotApiProxy], launch: Launch, tmp_path: Path
    ) -> None:
        """A review made before another was applied is refused as stale; one whose time ran out is refused as
        expired and loses its buttons; Apply pressed twice adds one version; the file holds what was applied."""
        emulator, proxy = api
        _, token, faq = _start(launch, tmp_path)
        admin = TelegramUser(emulator, token, ADMIN, name="王管理")
        first = _review(admin, proxy, EDITED)
        second = _review(admin, proxy, EDITED.replace(b"876", b"877"))
        third = _review(admin, proxy, EDITED.replace(b"876", b"878"))
        admin.press(buttons(first)["✅ 应用"], first)
        assert _now(admin, first, first["text"]).endswith("<b>已应用：版本 v2，18 条。</b>")
        admin.press(buttons(first)["✅ 应用"], first)
        time.sleep(1)
        admin.press(buttons(second)["✅ 应用"], second)
        assert "正在使用的问答库已经改过了" in _now(admin, second, second["text"])
        with sqlite3.connect(tmp_path / "bot.sqlite3") as db:  # half an hour passes for the third review
            db.execute("UPDATE faq_reviews SET expires = expires - 3600 WHERE state = 'open'")
        admin.press(buttons(third)["✅ 应用"], third)
        expired = _now(admin, third, third["text"])
        assert expired.endswith("<b>这次审阅已过期，没有应用；请重新上传文件。</b>")
        edits = [e for e in proxy.called("editMessageText", token) if int(e["message_id"]) == third["message_id"]]
        assert "reply_markup" not in edits[-1]  # Telegram takes the buttons off an edit without them
        assert [number for number, _ in _versions(tmp_path)] == [1, 2]
        assert faq.read_bytes() == EDITED
        admin.close()

    def test_an_identical_upload_offers_no_apply(
        self, api: tuple[str, BotApiProxy], launch: Launch, tmp_path: Path
    ) -> None:
        """The FAQ in use sent back as it is: one line saying nothing would change, and no button."""
        emulator, proxy = api
        _, token, _ = _start(launch, tmp_path)
        admin = TelegramUser(emulator, token, ADMIN)
        reply = _review(admin, proxy, FAQ.read_bytes())
        assert reply["text"] == "「faq.yaml」和正在使用的问答库一模一样，没有什么可以应用的。"
        assert buttons(reply) == {}
        admin.close()

    def test_two_admins_pressing_apply_at_once_are_both_told_the_truth(
        self, api: tuple[str, BotApiProxy], launch: Launch, tmp_path: Path
    ) -> None:
        """Six rounds of two admins pressing Apply on different edits at the same moment: each round one is
        applied and the other refused as stale, one version is added, and the file holds the applied one."""
        emulator, proxy = api
        _, token, faq = _start(launch, tmp_path)
        admins = [TelegramUser(emulator, token, ADMIN), TelegramUser(emulator, token, OTHER_ADMIN)]
        text = FAQ.read_text(encoding="utf-8")
        outcomes = []
        for round_ in range(6):
            edits = [text.replace("875", f"87{round_}{n}").encode() for n in range(2)]
            reviews = [_review(admin, proxy, edit) for admin, edit in zip(admins, edits, strict=True)]
            presses = [
                threading.Thread(target=a.press, args=(buttons(r)["✅ 应用"], r))
                for a, r in zip(admins, reviews, strict=True)
            ]
            for press in presses:
                press.start()
            for press in presses:
                press.join()
            ends = [_now(a, r, r["text"]).rsplit("<b>", 1)[-1] for a, r in zip(admins, reviews, strict=True)]
            applied = [n for n, end in enumerate(ends) if end.startswith("已应用")]
            stale = [n for n, end in enumerate(ends) if "已经改过了" in end]
            outcomes.append((len(applied), len(stale)))
            assert len(applied) == 1, ends
            assert faq.read_bytes() == edits[applied[0]]
        assert outcomes == [(1, 1)] * 6
        assert len(_versions(tmp_path)) == 7
        assert not list(tmp_path.glob(".faq.yaml.*"))
        for admin in admins:
            admin.close()

    def test_forged_presses_and_junk_get_one_line_and_change_nothing(
        self, api: tuple[str, BotApiProxy], launch: Launch, tmp_path: Path
    ) -> None:
        """A user forging Cancel (and Apply) on an admin's review, 20-digit ids, /rollback ² and 23 digits: each
        gets one line; the review still applies; nothing reaches the error handler."""
        emulator, proxy = api
        _, token, _ = _start(launch, tmp_path)
        admin, user = TelegramUser(emulator, token, ADMIN), TelegramUser(emulator, token, USER)
        review = _review(admin, proxy, EDITED)
        cancel, apply = buttons(review)["✖ 取消"], buttons(review)["✅ 应用"]
        elsewhere = {**review, "message_id": review["message_id"] + 1000}
        for data, junk in zip(
            (cancel, apply.replace("|zh", "|en"), "x|12345678901234567890|en", "y|99999999999999999999|zh"),
            ("a|12345678901234567890|zh", "y||zh", "x|²|en", "a|zzzzzzzzzzzz?999|zh"),
            strict=True,
        ):
            user.press(data, {**review, "chat": user.chat})
            admin.press(junk, elsewhere)
        admin.command("/rollback ²")
        admin.command("/rollback 99999999999999999999999")
        lines = [r["text"] for r in admin.wait_replies(2)]
        assert lines == ["用法：/rollback 编号，编号见 /history。"] * 2
        answered = wait_for(
            lambda: len(found := proxy.called("answerCallbackQuery", token)) >= 8 and found,
            15,
            "every press to be answered",
        )
        refusals = ("抱歉，这个命令只供管理员使用。", "Sorry, that command is for the bot's admins.")
        assert sum(str(a.get("text")) in refusals for a in answered) == 4, answered
        admin.press(apply, review)
        assert _now(admin, review, review["text"]).endswith("<b>已应用：版本 v2，18 条。</b>")
        assert "error while handling" not in (tmp_path / "bot.log").read_text()
        admin.close()
        user.close()

    def test_a_refusal_of_many_long_problems_is_one_valid_message(
        self, api: tuple[str, BotApiProxy], launch: Launch, tmp_path: Path
    ) -> None:
        """Hundreds of long problems: the refusal is sent, within 4,096 characters, its <pre> closed."""
        emulator, proxy = api
        _, token, _ = _start(launch, tmp_path)
        admin = TelegramUser(emulator, token, ADMIN)
        keys = "".join(f"{'键' * 90}{n}: 1\n" for n in range(300))
        reply = _review(admin, proxy, FAQ.read_bytes() + b"\n" + keys.encode())
        assert len(reply["text"].encode("utf-16-le")) // 2 <= 4096
        assert reply["text"].count("<pre>") == reply["text"].count("</pre>") == 1
        admin.close()

    def test_reviewing_a_large_upload_holds_up_no_one(
        self, api: tuple[str, BotApiProxy], launch: Launch, tmp_path: Path
    ) -> None:
        """While a 200-entry upload is reviewed, people's questions are answered before its review comes back;
        the slowest answer is printed."""
        emulator, proxy = api
        _, token, _ = _start(launch, tmp_path)
        admin, user = TelegramUser(emulator, token, ADMIN), TelegramUser(emulator, token, USER)
        text = FAQ.read_text(encoding="utf-8")
        entries = text.split("\nentries:\n", 1)[1]
        big = (text + "".join(re.sub(r"- id: ([a-z-]+)", rf"- id: \1-c{n}", entries) for n in range(3))).encode()
        assert len(big) < 400_000
        admin.send_document(proxy, big)
        sent = time.monotonic()
        answered = []
        for question in ("党小组", "沈腾是谁", "太子米种了多少亩", "星创天地有几家"):
            asked = time.monotonic()
            user.say(question)
            user.wait_replies(timeout=30)
            answered.append(time.monotonic() - asked)
        review = admin.wait_replies(timeout=120)
        print(f"\nlarge upload ({len(big):,} bytes) reviewed in {time.monotonic() - sent:.1f} s; "
              f"answers meanwhile: slowest {max(answered):.2f} s, median {sorted(answered)[2]:.2f} s")  # fmt: skip
        assert review
        admin.close()
        user.close()


class TestTeaching:
    def test_a_declined_question_filed_under_an_entry_is_answered_by_it(
        self, api: tuple[str, BotApiProxy], launch: Launch, tmp_path: Path
    ) -> None:
        """A question the bot could not answer, filed from /unanswered under an entry it picks from all of them,
        is answered by that entry after Apply; the version names the admin."""
        emulator, _ = api
        _, token, _ = _start(launch, tmp_path)
        admin, user = TelegramUser(emulator, token, ADMIN, name="王管理"), TelegramUser(emulator, token, USER)
        user.say(LEADERS)
        (before,) = user.wait_replies()
        assert not before["text"].startswith("<b>纵向深化</b>")
        _logged(tmp_path, LEADERS)
        admin.command("/unanswered")
        listed, card = admin.wait_replies(2)
        assert "1× " + LEADERS in listed["text"]
        admin.press(buttons(card)["其他条目…"], card)
        picker = wait_for(lambda: buttons(admin.message(card["message_id"])).get("纵向深化"), 15, "the entry list")
        admin.press(picker, card)
        (review,) = admin.wait_replies(timeout=60)
        assert review["text"].startswith(f"待应用的归档（1 个）：\n1. “{LEADERS}” → 归到「纵向深化」")
        admin.press(buttons(review)["✅ 应用"], review)
        assert _now(admin, review, review["text"]).endswith("<b>已应用：版本 v2，18 条。</b>")
        user.say(LEADERS)
        (after,) = user.wait_replies()
        assert after["text"].startswith("<b>纵向深化</b>")
        assert _versions(tmp_path)[-1] == (2, "王管理")
        admin.close()
        user.close()

    def test_a_question_marked_not_in_the_article_is_declined_afterwards(
        self, api: tuple[str, BotApiProxy], launch: Launch, tmp_path: Path
    ) -> None:
        """A question asked back about, marked "not in the article", is declined after Apply."""
        emulator, _ = api
        _, token, _ = _start(launch, tmp_path)
        admin, user = TelegramUser(emulator, token, ADMIN), TelegramUser(emulator, token, EN_USER, language="en")
        user.say("Fengshan")
        (asked,) = user.wait_replies()
        assert asked["text"].startswith("Which of these did you mean?")
        _logged(tmp_path, "Fengshan")
        admin.command("/unanswered")
        _, card = admin.wait_replies(2)
        admin.press(buttons(card)["✗ 文章没有"], card)
        (review,) = admin.wait_replies(timeout=60)
        admin.press(buttons(review)["✅ 应用"], review)
        _now(admin, review, review["text"])
        user.say("Fengshan")
        (declined,) = user.wait_replies()
        assert declined["text"].startswith("Sorry, the article does not say.")
        admin.close()
        user.close()


class TestLanguages:
    @pytest.mark.parametrize("lang", ["zh", "en"])
    def test_an_admin_reads_no_interface_text_in_the_other_language(
        self, api: tuple[str, BotApiProxy], launch: Launch, tmp_path: Path, lang: str
    ) -> None:
        """Through a whole session (a broken upload, a review applied, /history, /rollback cancelled,
        /unanswered with a filing, /faq, /help, a forged press), a Chinese admin reads no English and an
        English admin no Chinese, outside the FAQ's own content (quoted) and the commands' names."""
        emulator, proxy = api
        _, token, _ = _start(launch, tmp_path)
        zh = lang == "zh"
        admin = TelegramUser(emulator, token, ADMIN if zh else EN_ADMIN, language="zh-hans" if zh else "en",
                             name="王管理" if zh else "Ann")  # fmt: skip
        user = TelegramUser(emulator, token, USER if zh else EN_USER, language="zh-hans" if zh else "en")
        apply, cancel = ("✅ 应用", "✖ 取消") if zh else ("✅ Apply", "✖ Cancel")
        seen: list[str] = []
        admin.command("/help")
        seen += [r["text"] for r in admin.wait_replies()]
        broken = FAQ.read_bytes().replace("    title: 纵向深化\n".encode(), b"    titel: x\n")
        seen.append(_review(admin, proxy, broken)["text"])
        review = _review(admin, proxy, EDITED)
        seen.append(review["text"])
        admin.press(buttons(review)[apply], review)
        seen.append(_now(admin, review, review["text"]))
        admin.command("/rollback 1")
        rollback = admin.wait_replies()[0]
        seen.append(rollback["text"])
        admin.press(buttons(rollback)[cancel], rollback)
        seen.append(_now(admin, rollback, rollback["text"]))
        admin.press(buttons(rollback)[apply], rollback)
        admin.command("/history")
        seen += [r["text"] for r in admin.wait_replies()]
        question = LEADERS if zh else "What is the county's GDP?"
        user.say(question)
        user.wait_replies()
        _logged(tmp_path, question)
        admin.command("/unanswered")
        listed, card = admin.wait_replies(2)
        seen += [listed["text"], card["text"]]
        seen += list(buttons(card))
        admin.press(buttons(card)["✗ 文章没有" if zh else "✗ Not in the article"], card)
        taught = admin.wait_replies(timeout=60)[0]
        seen += [taught["text"], _now(admin, card, card["text"])]
        admin.command("/faq")

        def mine() -> list[dict[str, Any]]:
            return [f for m, f, _ in proxy.attachments if m == "sendDocument" and int(f["chat_id"]) == admin.user["id"]]

        seen.append(str(wait_for(mine, 15, "the FAQ file")[-1]["caption"]))
        user.press(buttons(review)[apply], {**review, "chat": user.chat})
        for text in seen:
            plain = re.sub(r"<[^>]+>", "", text)
            if zh:
                assert latin_words(plain) == set(), plain
            else:
                assert han(plain) == "", plain
        admin.close()
        user.close()
