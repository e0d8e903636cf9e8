"""Replies: what a person reads."""

from __future__ import annotations

from bot.answering import Brain
from bot.reply import render_plain


class TestAnswerReply:
    def test_answer_names_measure_line_and_leads_with_the_asked_figure(self, brain: Brain) -> None:
        """The reply gives the measure, its line of work, the asked figure first, then the rest."""
        _, reply = brain.respond("多少个党小组")
        text = render_plain(reply)
        lines = text.splitlines()
        assert lines[0] == "【纵向深化】（优化体系，一体推进）"
        assert lines[1] == "▶ 党小组 875个"
        assert "党员中心户 3100余名" in lines[-1]

    def test_english_answer_is_english(self, brain: Brain) -> None:
        """An English question gets the English title, answer and figures."""
        _, reply = brain.respond("How much Taizi rice is grown?")
        text = render_plain(reply)
        assert text.startswith("Mobilising everyone")
        assert "365,000 mu of Taizi high-quality rice" in text
        assert not any("\u4e00" <= char <= "\u9fff" for char in text)

    def test_reply_is_one_measure_not_the_article(self, brain: Brain) -> None:
        """Every reply stays short, well within one Telegram message."""
        for entry in brain.knowledge.entries:
            for lang in ("zh", "en"):
                reply = brain.entry_reply(entry.id, lang)
                assert reply is not None
                assert len(render_plain(reply)) < 1200


class TestOtherReplies:
    def test_no_answer_says_so_and_suggests(self, brain: Brain) -> None:
        """When the article does not say, the reply says so plainly and offers topics."""
        _, reply = brain.respond("孝昌县GDP是多少")
        text = render_plain(reply)
        assert text.startswith("抱歉，文章里没有讲到这个")
        assert len(reply.options) == 3

    def test_a_detail_not_given_is_named_and_the_entry_offered_first(self, brain: Brain) -> None:
        """The reply says what the article covers and which detail it leaves out, in the question's language."""
        _, reply = brain.respond("太子米卖多少钱一斤")
        assert reply.kind == "none"
        assert reply.text == "文章讲到了「群众全员发动」，但没有提到价格或费用。"
        assert reply.options[0].id == "act-everyone"
        _, reply = brain.respond("What is the price of Taizi rice?")
        assert reply.text == (
            "The article does not give a price or cost for that. What it does cover: Mobilising everyone."
        )
        assert reply.options[0].id == "act-everyone"

    def test_ask_back_lists_numbered_options(self, brain: Brain) -> None:
        """Asking back offers numbered candidates and says how to pick one."""
        _, reply = brain.respond("Fengshan")
        text = render_plain(reply)
        assert "1. " in text
        assert "2. " in text
        assert "Reply with a number" in text
