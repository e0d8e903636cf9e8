"""Replies: what a person reads, and how long it is."""

from __future__ import annotations

import io

import pytest

from bot.core.brain import Brain
from bot.core.reply import BUDGET, FACT_WINDOW, list_line, render_plain, within_budget
from bot.language import LANGS, Lang
from bot.ops.cli import chat_command
from bot.ops.settings import Settings
from tests.conftest import FAQ

APOLOGY = ("抱歉", "sorry", "does not say", "没有讲到")


class TestAnswerShape:
    def test_title_line_then_the_asked_figure_then_the_sentence_holding_it(self, brain: Brain) -> None:
        """A "how many" question: the measure and its line, the figure asked for, then the article's sentence."""
        _, reply = brain.respond("多少个党小组")
        lines = render_plain(reply).splitlines()
        assert lines[0] == "【纵向深化】（优化体系，一体推进）"
        assert lines[1] == "▶ 党小组 875个"
        assert "在村湾和产业基地设立875个党小组" in lines[2]
        assert len(lines) == 3
        assert reply.more

    def test_figures_are_not_repeated_after_the_text(self, brain: Brain) -> None:
        """No `数据：` line repeats the figures the text already gives."""
        for question in ("多少个党小组", "纵向深化", "How many Party groups are there?"):
            _, reply = brain.respond(question)
            text = render_plain(reply)
            assert "数据" not in text
            assert "Figures:" not in text

    def test_a_who_question_leads_with_the_names(self, brain: Brain) -> None:
        """唐根根和谁一起被提到: the names come within the first characters, not after a paragraph."""
        _, reply = brain.respond("唐根根和谁一起被提到")
        assert "沈腾、程琪" in render_plain(reply)[:FACT_WINDOW]

    def test_english_answer_is_english(self, brain: Brain) -> None:
        """An English question gets the English title, figure and text, and nothing in Chinese."""
        _, reply = brain.respond("How much Taizi rice is grown?")
        text = render_plain(reply)
        assert text.startswith("▶ 365,000 mu of high-quality Taizi rice")
        assert text.endswith("— Mobilising everyone")
        assert not any("\u4e00" <= char <= "\u9fff" for char in text)

    @pytest.mark.parametrize("lang", LANGS)
    def test_every_entrys_default_reply_is_within_the_budget(self, brain: Brain, lang: Lang) -> None:
        """The reply for any entry chosen from a menu fits a phone: 300 characters in Chinese, 600 in English."""
        for entry in brain.knowledge.entries:
            reply = brain.entry_reply(entry.id, lang)
            assert reply is not None
            assert len(render_plain(reply)) <= BUDGET[lang], (entry.id, len(render_plain(reply)))

    @pytest.mark.parametrize("lang", LANGS)
    def test_every_list_comes_back_whole_when_asked_for(self, brain: Brain, lang: Lang) -> None:
        """Asking for any list of the FAQ by its name gives every item of it, and says so when the article has 等."""
        for entry in brain.knowledge.entries:
            for listed in entry.lists:
                question = f"{listed.name}有哪些" if lang == "zh" else f"What are {listed.en_name}?"
                _, reply = brain.respond(question)
                assert list_line(listed, lang) in reply.lead, (entry.id, listed.name)
                text = render_plain(reply)
                assert all(item in text for item in listed.items_in(lang))
                assert reply.whole

    def test_a_partial_list_says_so(self, brain: Brain) -> None:
        """The article lists the ways farmers share in the gains with 等: the reply keeps the 等."""
        _, reply = brain.respond("利益联接方式有哪些")
        assert reply.lead[0].endswith("土地托管带动型等")

    def test_the_full_text_is_the_articles_paragraph(self, brain: Brain) -> None:
        """ "Full text" gives the entry's whole answer: for a measure, the article's own paragraph."""
        full = brain.full_reply("system-vertical", "zh")
        assert full is not None
        assert full.text == brain.knowledge.by_id["system-vertical"].answer
        assert full.whole
        assert not full.more


class TestOtherReplies:
    def test_no_answer_says_so_and_suggests(self, brain: Brain) -> None:
        """When the article does not say, the reply says so plainly and offers topics."""
        _, reply = brain.respond("孝昌县GDP是多少")
        text = render_plain(reply)
        assert text.startswith("抱歉，这篇报道里没有讲到这个")
        assert len(reply.options) == 3

    def test_a_message_of_punctuation_alone_is_asked_for_a_question_once_per_example(self, brain: Brain) -> None:
        """？？？ gets "ask in one sentence, e.g. …" and the other examples, none of them twice."""
        _, reply = brain.respond("？？？")
        text = render_plain(reply)
        assert text.startswith("请用一句话提问，例如：")
        assert all(text.count(example) == 1 for example in brain.knowledge.article.examples("zh"))

    def test_an_unexplained_term_quotes_the_sentence_and_offers_the_measure(self, brain: Brain) -> None:
        """五问 is named, not explained: the reply says so, quotes the sentence naming it and offers its measure."""
        decision, reply = brain.respond("五问是什么")
        assert decision.kind == "unexplained"
        assert reply.text == "文章提到了“五问”，但没有解释它具体是什么。原文（自我提质）："
        assert reply.quote.startswith("对照“五问”开展支部“巡整”")
        assert [option.id for option in reply.options] == ["system-quality"]

    def test_a_detail_not_given_is_named_with_the_sentence(self, brain: Brain) -> None:
        """The reply says what the article leaves out in the question's own words, in its language."""
        _, reply = brain.respond("太子米卖多少钱一斤")
        assert reply.kind == "unexplained"
        assert reply.text == "文章没有说太子米卖多少钱一斤。它只说（群众全员发动）："
        assert "太子米" in reply.quote
        assert reply.options[0].id == "act-everyone"
        _, reply = brain.respond("What is the price of Taizi rice?")
        assert (
            reply.text
            == 'The article does not answer "What is the price of Taizi rice?" What it does say (Mobilising everyone):'
        )

    def test_ask_back_lists_numbered_options(self, brain: Brain) -> None:
        """Asking back offers numbered candidates and says how to pick one."""
        _, reply = brain.respond("Fengshan")
        text = render_plain(reply)
        assert "1. " in text
        assert "2. " in text
        assert "Reply with a number" in text

    @pytest.mark.parametrize(
        "text",
        [
            "你好",
            "好的",
            "嗯",
            "谢谢",
            "多谢了",
            "明白了，谢谢",
            "你是谁",
            "你能做什么",
            "thanks!",
            "ok",
            "who are you?",
        ],
    )
    def test_small_talk_never_apologises_and_stays_short(self, brain: Brain, text: str) -> None:
        """Small talk gets a fitting reply: never the "article does not say" apology, and short."""
        decision, reply = brain.respond(text)
        assert decision.kind == "small-talk"
        shown = render_plain(reply)
        assert not any(word in shown for word in APOLOGY)
        assert within_budget(reply)

    @pytest.mark.parametrize("text", ["你能回答哪些方面的问题？", "Can you speak English?", "你会说英语吗"])
    def test_what_it_answers_and_in_which_language_is_asked_of_the_bot(self, brain: Brain, text: str) -> None:
        """What the bot answers about, and whether it takes English, are questions about it: the help reply,
        which says Chinese or English both do."""
        decision, reply = brain.respond(text)
        assert decision.kind == "small-talk"
        assert "英文" in reply.text or "English" in reply.text

    def test_who_are_you_names_the_bot_and_its_article(self, brain: Brain) -> None:
        """The bot says who it is and what it knows, from the FAQ's article block."""
        _, reply = brain.respond("你是谁")
        article = brain.knowledge.article
        assert article.bot.zh in reply.text
        assert article.title.zh in reply.text


class TestConsole:
    def test_small_talk_in_the_console_never_apologises(self) -> None:
        """The console decides small talk exactly as Telegram does: no apology for 好的 or 谢谢."""
        out = io.StringIO()
        chat_command(Settings(faq_file=FAQ), stdin=io.StringIO("好的\n谢谢\n你是谁\n"), stdout=out)
        shown = out.getvalue()
        assert "不客气" in shown
        assert not any(word in shown for word in APOLOGY)
