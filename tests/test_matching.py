"""The matcher's behaviour on the real FAQ: what it answers, asks back about, or declines."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.answering import Brain
from bot.knowledge import load_knowledge
from bot.matching import Matcher, Thresholds
from tests.conftest import FAQ


def _answer(brain: Brain, question: str) -> str | None:
    decision = brain.decide(question)
    assert decision.outcome == "answer", (question, decision.outcome, decision.candidates)
    return decision.best.entry.id if decision.best else None


class TestAnswers:
    @pytest.mark.parametrize(
        ("question", "entry"),
        [
            ("党小租", "system-vertical"),
            ("新创天地", "act-returnees"),
            ("风山社区", "lead-three-four"),
            ("三進四代是什麼", "lead-three-four"),
            ("请问一下，十分钟服务承诺是什么呢？", "lead-ten-minutes"),
        ],
    )
    def test_typos_traditional_and_fillers(self, brain: Brain, question: str, entry: str) -> None:
        """Homophone typos, traditional characters and polite padding still find the entry."""
        assert _answer(brain, question) == entry

    @pytest.mark.parametrize(
        ("question", "entry"),
        [("875", "system-vertical"), ("36.5万亩是什么", "act-everyone"), ("539", "system-quality")],
    )
    def test_a_bare_figure_finds_its_entry(self, brain: Brain, question: str, entry: str) -> None:
        """A question that is just a number finds the entry holding it."""
        assert _answer(brain, question) == entry

    @pytest.mark.parametrize(
        ("question", "entry"),
        [("沈腾", "act-returnees"), ("龙泉村", "lead-four-matters"), ("浙江大学", "learn-outside"), ("彭扬", "about")],
    )
    def test_a_name_finds_the_entry_mentioning_it(self, brain: Brain, question: str, entry: str) -> None:
        """People and places named in the article lead to the entry that names them."""
        assert _answer(brain, question) == entry

    def test_english_question_is_answered_in_english(self, brain: Brain) -> None:
        """An English question gets the entry and an English reply language."""
        decision = brain.decide("How many Party groups are there?")
        assert decision.outcome == "answer"
        assert decision.lang == "en"
        assert decision.best is not None
        assert decision.best.entry.id == "system-vertical"

    def test_asked_figure_is_picked(self, brain: Brain) -> None:
        """'多少个党小组' asks for one figure of the entry: 875 个."""
        decision = brain.decide("孝昌县有多少个党小组")
        assert [f.zh for f in decision.figures] == ["875个"]

    def test_figure_picked_by_its_label_not_by_order(self, brain: Brain) -> None:
        """'How many mentors' picks the mentors figure, not the other one of the same entry."""
        decision = brain.decide("how many mentors")
        assert [f.value for f in decision.figures] == ["131"]

    def test_equally_matched_figures_are_all_given(self, brain: Brain) -> None:
        """星创天地 has a national and a provincial count: asking how many gives both."""
        decision = brain.decide("星创天地有几家")
        assert [f.zh for f in decision.figures] == ["1家", "18家"]

    def test_no_figure_when_none_is_asked(self, brain: Brain) -> None:
        """A question about how something works does not lead with a number."""
        assert brain.decide("党员中心户是怎么选出来的").figures == ()


class TestDeclines:
    @pytest.mark.parametrize("question", ["孝昌县GDP是多少", "今天天气怎么样", "What is the population of Xiaochang?"])
    def test_questions_the_article_does_not_answer(self, brain: Brain, question: str) -> None:
        """Questions about things the article never mentions are declined, not guessed."""
        assert brain.decide(question).outcome == "none"

    @pytest.mark.parametrize("question", ["", "   ", "？？？", "😀😀", "\u200b", "孝昌县"])
    def test_empty_and_content_free_messages(self, brain: Brain, question: str) -> None:
        """Messages with nothing to match are declined without error."""
        assert brain.decide(question).outcome == "none"

    def test_greeting_is_not_matched(self, brain: Brain) -> None:
        """'Good morning' is a greeting, not a question about 'good governance'."""
        decision = brain.decide("good morning")
        assert decision.outcome == "none"
        assert decision.candidates == ()


class TestDetailsNotGiven:
    @pytest.mark.parametrize(
        ("question", "entry", "detail"),
        [
            ("太子米卖多少钱一斤", "act-everyone", "price"),
            ("党员中心户每个月有补贴吗", "system-vertical", "pay"),
            ("星创天地去哪里申请", "act-returnees", "apply"),
            ("What is the price of Taizi rice?", "act-everyone", "price"),
            ("phone number for the Happiness Canteen", "lead-ten-minutes", "contact"),
            ("幸福食堂早上几点开门", "lead-ten-minutes", "hours"),
            ("议事协商会一年开几次会", "system-horizontal", "frequency"),
            ("哪家龙头企业最大", "act-everyone", "ranking"),
            ("乡镇党校的校长是谁", "learn-inside", "person"),
            ("导师帮带一般持续多久", "learn-inside", "duration"),
        ],
    )
    def test_a_detail_the_entry_does_not_give_is_declined_with_the_entry_offered(
        self, brain: Brain, question: str, entry: str, detail: str
    ) -> None:
        """The article speaks of the thing but not of its price, pay, address...: say so, offer the entry."""
        decision = brain.decide(question)
        assert decision.outcome == "none"
        assert decision.missing is not None
        assert decision.missing.id == detail
        assert decision.best is not None
        assert decision.best.entry.id == entry

    @pytest.mark.parametrize(
        ("question", "entry"),
        [("Can villagers join in the village councils?", "system-horizontal"), ("村干部培训的频率", "learn-inside")],
    )
    def test_a_detail_not_asked_or_one_given_keeps_the_answer(self, brain: Brain, question: str, entry: str) -> None:
        """'join in' is taking part, not applying; how often cadres train the entry does say (每年)."""
        decision = brain.decide(question)
        assert decision.outcome == "answer"
        assert decision.best is not None
        assert decision.best.entry.id == entry

    def test_the_same_thing_without_the_detail_is_answered(self, brain: Brain) -> None:
        """How much 太子米 is grown the article does tell."""
        decision = brain.decide("太子米种了多少亩")
        assert decision.outcome == "answer"
        assert decision.missing is None

    def test_an_entry_that_gives_the_detail_answers(self, brain: Brain) -> None:
        """Once the FAQ says what a meal costs, the same question is answered with that entry."""
        knowledge = brain.knowledge
        entries = tuple(
            replace(e, answer=e.answer + "老年人在幸福食堂吃饭每餐只收3块钱。") if e.id == "lead-ten-minutes" else e
            for e in knowledge.entries
        )
        matcher = Matcher(replace(knowledge, entries=entries))
        question = "幸福食堂吃一顿饭多少钱"
        assert brain.decide(question).outcome == "none"
        decision = matcher.decide(question)
        assert decision.outcome == "answer"
        assert decision.best is not None
        assert decision.best.entry.id == "lead-ten-minutes"


class TestWeakEvidence:
    @pytest.mark.parametrize("question", ["what's 2+2", "2个", "1", "4家"])
    def test_a_one_digit_number_alone_points_nowhere(self, brain: Brain, question: str) -> None:
        """Figures of one digit (2个党建联盟) need their label: a bare 2 turns up in any message."""
        assert brain.decide(question).outcome == "none"

    def test_a_larger_number_alone_still_finds_its_figure(self, brain: Brain) -> None:
        """875 is distinctive enough to stand for the Party groups."""
        decision = brain.decide("875")
        assert decision.outcome == "answer"
        assert decision.best is not None
        assert decision.best.entry.id == "system-vertical"

    def test_a_word_inside_the_question_words_explains_nothing(self, brain: Brain) -> None:
        """没有 (a word of one answer) inside 有没有 does not make a question about that entry."""
        _, ranked, _ = brain.matcher.rank("有没有")
        assert ranked == []


class TestAskBack:
    def test_one_name_for_two_places_asks_back(self, brain: Brain) -> None:
        """'Fengshan' is both 冯山社区 and 丰山镇: the bot offers both instead of guessing."""
        decision = brain.decide("Fengshan")
        assert decision.outcome == "ask"
        assert {c.entry.id for c in decision.candidates} == {"lead-three-four", "act-everyone"}


class TestThresholds:
    def test_stricter_cut_offs_turn_answers_into_questions_back(self) -> None:
        """The decision follows its thresholds: with an unreachable answer bar, nothing is answered."""
        strict = Matcher(load_knowledge(FAQ), Thresholds(answer=101, ask=0))
        decision = strict.decide("党小组")
        assert decision.outcome == "ask"

    def test_long_message_is_cut_not_refused(self, brain: Brain) -> None:
        """A 4,096-character message is matched on its start and answered or declined, never an error."""
        decision = brain.decide("党小组" + "啊" * 4093)
        assert decision.outcome in ("answer", "ask", "none")
