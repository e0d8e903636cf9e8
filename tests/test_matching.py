"""The matcher's behaviour: what it answers, asks back about, declines, or calls unexplained.

The first classes run on the shipped FAQ; `TestMechanisms` pins each mechanism on a tiny
FAQ written for it, so a change to the real FAQ cannot hide a broken mechanism.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.core.brain import Brain
from bot.core.decision import Decision
from bot.core.matching import Matcher, choose
from bot.core.reply import render_plain
from bot.core.tuning import Tuning
from tests.faqs import tiny_brain, tiny_matcher


def _answer(brain: Brain, question: str) -> str:
    decision = brain.decide(question)
    assert decision.answered is not None, (question, decision.kind, decision.candidates)
    return decision.answered.id


class TestAnswers:
    @pytest.mark.parametrize(
        ("question", "entry"),
        [
            ("党小租", "system-vertical"),
            ("风山社区", "lead-three-four"),
            ("三進四代是什麼", "lead-three-four"),
            ("请问一下，十分钟服务承诺是什么呢？", "lead-ten-minutes"),
        ],
    )
    def test_typos_traditional_and_fillers(self, brain: Brain, question: str, entry: str) -> None:
        """Homophone typos, traditional characters and polite padding still find the entry."""
        assert _answer(brain, question) == entry

    def test_a_name_of_the_article_s_own_is_no_typo_for_another(self, brain: Brain) -> None:
        """丰山镇获得了什么荣誉 sounds like an example of the measure about 冯山社区, but 丰山镇 is a town the
        article names elsewhere: its measure answers. 风山社区, no name of the article's, is still 冯山社区."""
        assert _answer(brain, "丰山镇获得了什么荣誉") == "act-everyone"
        assert _answer(brain, "风山社区获得了什么荣誉") == "lead-three-four"

    @pytest.mark.parametrize(
        ("question", "entry"),
        [("这篇文章主要讲的啥", "overview"), ("这篇文章讲了哪几个方面", "overview"),
         ("What is the article about?", "overview"), ("这篇文章是谁写的", "about"),
         ("文章里党小组讲了什么", "system-vertical")],
    )  # fmt: skip
    def test_what_the_article_says_as_a_whole_is_the_overview(self, brain: Brain, question: str, entry: str) -> None:
        """What the article is about, naming nothing but the article, is the overview of its measures; who wrote
        it is the article's own entry, and a measure named is that measure."""
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
        assert decision.answered is not None
        assert decision.answered.id == "system-vertical"
        assert decision.lang == "en"

    @pytest.mark.parametrize(
        ("zh", "en", "entry"),
        [
            ("年轻党员有多少", "How many young Party members are there?", "act-returnees"),
            ("太子米种了多少亩", "How much Taizi rice is grown?", "act-everyone"),
            ("导师帮带制是怎么回事", "How does the mentoring scheme work?", "learn-inside"),
        ],
    )
    def test_the_same_question_in_either_language_gets_the_same_entry(
        self, brain: Brain, zh: str, en: str, entry: str
    ) -> None:
        """Asked in Chinese or in English, a question is answered from the same entry."""
        assert _answer(brain, zh) == _answer(brain, en) == entry


class TestWhatWasAsked:
    def test_asked_figure_is_picked(self, brain: Brain) -> None:
        """'多少个党小组' asks for one figure of the entry: 875 个."""
        decision = brain.decide("孝昌县有多少个党小组")
        assert decision.focus is not None
        assert [f.zh for f in decision.focus.figures] == ["875个"]

    def test_of_figures_of_one_number_the_measure_written_picks(self, brain: Brain) -> None:
        """10 years and 10 minutes are both figures of the same entry: "for 10 years" picks the years, and the
        sentence giving them."""
        decision = brain.decide("Has Xingang village gone without petitions for 10 years?")
        assert decision.focus is not None
        assert [f.unit for f in decision.focus.figures] == ["年"]
        assert "10 years" in decision.focus.sentences[0]

    def test_figure_picked_by_its_label_not_by_order(self, brain: Brain) -> None:
        """'How many mentors' picks the mentors figure, not the other one of the same entry."""
        decision = brain.decide("how many mentors")
        assert decision.focus is not None
        assert [f.value for f in decision.focus.figures] == ["131"]

    def test_equally_matched_figures_are_all_given(self, brain: Brain) -> None:
        """星创天地 has a national and a provincial count: asking how many gives both."""
        decision = brain.decide("星创天地有几家")
        assert decision.focus is not None
        assert [f.zh for f in decision.focus.figures] == ["1家", "18家"]

    def test_no_figure_when_none_is_asked(self, brain: Brain) -> None:
        """A question about how something works does not lead with a number."""
        decision = brain.decide("党员中心户是怎么选出来的")
        assert decision.focus is not None
        assert decision.focus.figures == ()

    @pytest.mark.parametrize(
        ("question", "holds"),
        [("唐根根和谁一起被提到", "沈腾、程琪"), ("哪个村十年没有信访", "新岗村"), ("幸福食堂在哪个镇", "王店镇")],
    )
    def test_who_and_where_questions_get_the_sentence_that_answers(
        self, brain: Brain, question: str, holds: str
    ) -> None:
        """A who/which/where question is answered with the article's sentence naming the person or place."""
        decision = brain.decide(question)
        assert decision.focus is not None
        assert any(holds in sentence for sentence in decision.focus.sentences)

    def test_what_is_asked_beside_the_measure_s_name_picks_its_sentence(self, brain: Brain) -> None:
        """The measure's name (村企互助联动) chose the entry and stands in none of its sentences more than
        another: the sentence holding the rest (机制) answers, though the summary leaves it out. A
        question that ends on the name asks what the measure is, and gets its summary."""
        decision = brain.decide("村企互助联动要构建什么机制")
        assert decision.focus is not None
        assert any("以企带村" in sentence for sentence in decision.focus.sentences)
        named = brain.decide("群众全员发动是什么")
        assert named.focus is not None
        assert named.focus.general

    @pytest.mark.parametrize(
        ("question", "shown"),
        [("出来打工好多年了，老家茶叶种了多少亩", "13.9万亩"), ("党小组总计多少个", "875个"),
         ("谋事、管事、办事和监事分别是谁负责的", "理事会管事")],
    )  # fmt: skip
    def test_what_is_said_on_the_way_is_not_asked(self, brain: Brain, question: str, shown: str) -> None:
        """好多年了 tells how long, it asks nothing; 总计 (like 一共) is no detail asked of the count; who does
        each of a list's deeds is the list of who does what. None is "the article does not say"."""
        decision, reply = brain.respond(question)
        assert decision.kind == "answer"
        assert shown in render_plain(reply)

    def test_a_way_of_working_described_is_named_by_its_measure(self, brain: Brain) -> None:
        """那套做法叫什么 after a description asks the measure's name: the reply, headed by it, answers."""
        decision, reply = brain.respond("帮群众调解小纠纷、替个人跑诉求的那套做法叫什么")
        assert decision.kind == "answer"
        assert "三进四代" in render_plain(reply)[:20]

    @pytest.mark.parametrize("question", ["幸福食堂的老板叫什么", "王店镇的镇长叫什么名字"])
    def test_a_name_asked_of_someone_the_article_never_speaks_of_is_missing(self, brain: Brain, question: str) -> None:
        """The name of the one after 的 is not a place or name that its sentence gives of something else."""
        assert brain.decide(question).kind == "unexplained"

    def test_a_lead_in_s_own_words_do_not_thin_out_the_question(self, brain: Brain) -> None:
        """做组织工作, 对比各地的做法 say who asks and why; words no term explains there weigh nothing, so the
        three-level system asked about in the last clause answers rather than being declined."""
        decision = brain.decide("我在区里做组织工作，正在对比各地的党建做法，孝昌的三级党组织体系是怎么构成的？")
        assert decision.answered is not None
        assert decision.answered.id == "system-vertical"

    def test_a_count_of_a_one_character_noun_run_on_into_a_verb(self, brain: Brain) -> None:
        """几个村评上了: 村评 is no word anywhere; 村 is what is counted, and the article counts it (3个)."""
        decision, reply = brain.respond("几个村评上了全国民主法治示范村")
        assert decision.kind == "answer"
        assert "3个" in render_plain(reply)

    def test_two_questions_one_entry_answers_are_both_answered(self, brain: Brain) -> None:
        """文章的来源是哪里？终审是谁？: the entry about the article answers both, the first question's fact first."""
        text = render_plain(brain.respond("文章的来源是哪里？终审是谁？")[1])
        assert "孝感党建" in text
        assert "李健初" in text
        assert text.index("孝感党建") < text.index("李健初")

    def test_where_the_article_comes_from_is_its_source(self, brain: Brain) -> None:
        """这篇稿子是从哪来的 asks the article's source, not a place of its text."""
        assert "孝感党建" in render_plain(brain.respond("这篇稿子是从哪来的")[1])

    @pytest.mark.parametrize(
        ("question", "shown"),
        [("鲜果一共折合多少公顷", "鲜果 14万亩（约9,333公顷）"),
         ("How many acres of nursery stock and flowers are there?", "(about 21,416 acres)")],
    )  # fmt: skip
    def test_an_area_asked_in_another_unit_is_converted(self, brain: Brain, question: str, shown: str) -> None:
        """The article gives land in mu; asked in hectares or acres, the figure is given with its size in them."""
        assert shown in render_plain(brain.respond(question)[1])

    def test_how_is_answered_by_the_text_not_its_shortened_summary(self, brain: Brain) -> None:
        """The summary shortens away how the returnees are drawn back (筑巢引凤, 重点培养对象); a how question
        gets the sentence of the article's text that holds it as well as the summary does."""
        text = render_plain(brain.respond("外出的能人是怎么被请回村里的")[1])
        assert "筑巢引凤" in text

    def test_a_sentence_is_never_cut_inside_a_bracket(self, brain: Brain) -> None:
        """A long sentence cut to its clauses keeps a bracketed list whole, its last item and its bracket."""
        question = "How many Party branches sit on the industry chains, and which industries?"
        text = render_plain(brain.respond(question)[1])
        assert "and ecological livestock and fish farming)" in text

    def test_a_deed_beginning_with_a_light_verb_s_character_is_the_entry_s(self, brain: Brain) -> None:
        """谁要求办的: 要 begins 要求 (应村民要求开办), no light verb before the deed; the sentence answers, where
        the deed 求办 was unknown and the article was said not to say. 谁出钱 is still not given."""
        assert brain.decide("幸福食堂当初是谁要求办的").kind == "answer"
        assert brain.decide("幸福食堂当初是谁出钱办的").kind == "unexplained"

    def test_the_lead_in_decides_when_the_question_part_alone_cannot(self, brain: Brain) -> None:
        """文章里是怎么说的 fits several entries alike; the lead-in before it (服务网络, 核心, 骨干) names one."""
        decision = brain.decide("我是一名志愿者。想知道村里的服务网络里，谁是核心、谁是骨干？文章里是怎么说的。")
        assert decision.kind == "answer"
        assert decision.answered is not None
        assert decision.answered.id == "lead-ten-minutes"

    def test_of_entries_scored_alike_the_one_whose_facts_answer_is_chosen(self, brain: Brain) -> None:
        """多少个议事的组织 fits 四事工作法 (先议事后决策) about as well as 横向扩面; only the latter counts them."""
        decision = brain.decide("孝昌搞了多少个议事的组织")
        assert decision.kind == "answer"
        assert decision.answered is not None
        assert decision.answered.id == "system-horizontal"

    def test_a_list_asked_for_comes_back_whole(self, brain: Brain) -> None:
        """Asking for the ways farmers share in the gains gives all five of them."""
        decision = brain.decide("农民分享土地收益有哪几种方式")
        assert decision.focus is not None
        assert [listed.name for listed in decision.focus.lists] == ["利益联接方式"]
        assert len(decision.focus.lists[0].items) == 5

    def test_a_slogan_made_of_two_lists_gives_both(self, brain: Brain) -> None:
        """三进四代是什么 asks for the three intos and the four on-behalfs."""
        decision = brain.decide("三进四代是什么")
        assert decision.focus is not None
        assert {listed.name for listed in decision.focus.lists} == {"三进", "四代"}


class TestWhatTheArticleLeavesOut:
    @pytest.mark.parametrize("question", ["18家省级星创天地分别是哪些", "那71家企业都是哪些企业"])
    def test_which_of_things_the_article_only_counts_is_not_given(self, brain: Brain, question: str) -> None:
        """The article counts them (18家, 71家) and names none: which they are is not given, not answered with
        the sentence counting them."""
        assert brain.decide(question).kind == "unexplained"

    def test_a_detail_named_outside_the_asking_clause_is_not_asked(self, brain: Brain) -> None:
        """打个电话 says how villagers call; 多久 in the next clause is what is asked, and the article gives it.
        Asked in the clause of the question word, the phone number is still missing."""
        decision, reply = brain.respond("家里有事打个电话给村里，服务人员多久能到")
        assert decision.kind == "answer"
        assert "10分钟" in render_plain(reply)
        assert brain.decide("我想去幸福食堂吃饭，电话是多少").kind == "unexplained"

    @pytest.mark.parametrize(
        ("question", "entry", "term"),
        [
            ("五问具体是哪五问", "system-quality", "五问"),
            ("三话一会", "learn-lead", "三话一会"),
            ("What is a Star Innovation Space?", "act-returnees", "星创天地"),
        ],
    )
    def test_a_term_named_but_never_explained_is_declined_with_its_sentence(
        self, brain: Brain, question: str, entry: str, term: str
    ) -> None:
        """The article only names it: the bot says so, quoting the sentence that names it, and offers the measure."""
        decision = brain.decide(question)
        assert decision.kind == "unexplained"
        assert decision.gap is not None
        assert decision.gap.entry.id == entry
        assert decision.gap.term is not None
        assert decision.gap.term.zh == term
        assert decision.gap.term.name(decision.lang).lower() in decision.gap.sentence.lower()

    def test_what_the_article_does_say_about_the_term_is_answered(self, brain: Brain) -> None:
        """How many Star Innovation Spaces there are, the article does tell."""
        assert brain.decide("星创天地有几家").kind == "answer"

    @pytest.mark.parametrize(
        ("question", "entry", "detail"),
        [
            ("党员中心户每个月有补贴吗", "system-vertical", "pay"),
            ("星创天地去哪里申请", "act-returnees", "apply"),
            ("phone number for the Happiness Canteen", "lead-ten-minutes", "contact"),
        ],
    )
    def test_a_detail_the_entry_does_not_give_is_declined_with_the_entry_offered(
        self, brain: Brain, question: str, entry: str, detail: str
    ) -> None:
        """The article speaks of the thing but not of its pay, address...: say so, offer the entry."""
        decision = brain.decide(question)
        assert decision.kind == "unexplained"
        assert decision.gap is not None
        assert decision.gap.detail is not None
        assert decision.gap.detail.id == detail
        assert decision.gap.entry.id == entry

    @pytest.mark.parametrize(
        ("question", "entry"),
        [
            ("太子米卖多少钱一斤", "act-everyone"),
            ("What is the price of Taizi rice?", "act-everyone"),
            ("幸福食堂早上几点开门", "lead-ten-minutes"),
            ("议事协商会一年开几次会", "system-horizontal"),
            ("乡镇党校的校长是谁", "learn-inside"),
            ("导师帮带一般持续多久", "learn-inside"),
            ("浙大培训几期", "learn-outside"),
        ],
    )
    def test_a_value_of_a_kind_the_entry_does_not_give_is_missing_in_the_questions_words(
        self, brain: Brain, question: str, entry: str
    ) -> None:
        """A price, a time, how often, who holds a post, how long, how many sessions: when the entry has
        no value of the kind asked, the reply says so in the question's own words and offers the entry."""
        decision = brain.decide(question)
        assert decision.kind == "unexplained"
        assert decision.gap is not None
        assert decision.gap.entry.id == entry
        assert decision.gap.asked == question.rstrip("?")

    def test_a_role_no_one_holds_is_not_answered_with_someone_else(self, brain: Brain) -> None:
        """孝昌县县委书记是谁: the article names people, but no county Party secretary; no name is given for one."""
        decision, reply = brain.respond("孝昌县县委书记是谁")
        assert decision.kind in ("decline", "unexplained")
        assert not any(name in render_plain(reply) for name in ("彭扬", "陈腊梅", "李健初", "沈腾"))

    @pytest.mark.parametrize("question", ["全县有几所乡镇党校", "孝昌县的面积有多大"])
    def test_a_number_the_article_does_not_give_is_not_answered_with_another(self, brain: Brain, question: str) -> None:
        """'How many' of something no figure counts is declined, not answered with the entry's other figures."""
        decision = brain.decide(question)
        assert decision.answered is None
        assert decision.kind in ("unexplained", "decline")

    @pytest.mark.parametrize(
        ("question", "word"),
        [
            ("新岗村的村长", "村长"),
            ("龙泉村有多少耕地", "耕地"),
            ("How many employees does the canteen have?", "employees"),
        ],
    )
    def test_a_word_the_faq_never_uses_asked_of_a_named_thing_is_what_is_missing(
        self, brain: Brain, question: str, word: str
    ) -> None:
        """A word right after 的 or 多少, or after "how many", that the FAQ never uses is what is asked, and
        the article does not give it: declined in the question's own words, with the thing's entry offered."""
        decision, reply = brain.respond(question)
        assert decision.kind == "unexplained"
        assert decision.gap is not None
        assert word in decision.gap.asked
        assert word in render_plain(reply).split("\n")[0]

    def test_the_same_thing_without_the_detail_is_answered(self, brain: Brain) -> None:
        """How much 太子米 is grown the article does tell."""
        decision = brain.decide("太子米种了多少亩")
        assert decision.kind == "answer"


class TestTopicsAndTalk:
    @pytest.mark.parametrize("question", ["村民", "党员", "villages", "Party members"])
    def test_a_broad_topic_word_gets_entries_to_choose_from(self, brain: Brain, question: str) -> None:
        """A word the article uses in many places is not "the article does not say": the likely entries are offered."""
        decision = brain.decide(question)
        assert decision.kind in ("answer", "ask-back")
        assert decision.candidates

    @pytest.mark.parametrize(
        ("text", "talk"),
        [("你好", "hello"), ("好的", "ack"), ("嗯", "ack"), ("明白了，谢谢", "thanks"), ("你是谁", "who"),
         ("what can you do?", "help"), ("OK thanks", "thanks"), ("拜拜", "bye"), ("/start", "hello"),
         ("/help", "help"), ("你能干啥", "help"), ("你好呀小助手", "hello"), ("你好，请问你能回答什么问题", "help"),
         ("Who made you?", "who"), ("How are you?", "hello")],
    )  # fmt: skip
    def test_small_talk_is_answered_as_such(self, brain: Brain, text: str, talk: str) -> None:
        """Greetings, thanks, acknowledgements and questions about the bot are small talk, never matched, spoken
        forms (啥) and words addressing the bot (小助手, 请问) included."""
        decision = brain.decide(text)
        assert decision.kind == "small-talk"
        assert decision.talk == talk

    def test_a_greeting_with_a_question_is_a_question(self, brain: Brain) -> None:
        """'你好，党小组有多少个' is answered, not greeted."""
        assert brain.decide("你好，党小组有多少个").kind == "answer"

    def test_digits_alone_follow_the_users_language(self, brain: Brain) -> None:
        """A bare figure has no language of its own: it is answered in the language the user is known to use."""
        assert brain.decide("875", "en").lang == "en"
        assert brain.decide("875", "zh").lang == "zh"
        assert brain.decide("875").lang == "zh"


class TestDeclines:
    @pytest.mark.parametrize("question", ["孝昌县GDP是多少", "今天天气怎么样", "What is the population of Xiaochang?"])
    def test_questions_the_article_does_not_answer(self, brain: Brain, question: str) -> None:
        """Questions about things the article never mentions are declined, not guessed."""
        assert brain.decide(question).answered is None

    @pytest.mark.parametrize("question", ["", "   ", "？？？", "😀😀", "\u200b", "孝昌县"])
    def test_empty_and_content_free_messages(self, brain: Brain, question: str) -> None:
        """Messages with nothing to match are declined without error."""
        assert brain.decide(question).kind == "decline"

    @pytest.mark.parametrize("question", ["what's 2+2", "2个", "1", "4家"])
    def test_a_one_digit_number_alone_points_nowhere(self, brain: Brain, question: str) -> None:
        """Figures of one digit (2个党建联盟) need their label: a bare 2 turns up in any message."""
        assert brain.decide(question).answered is None

    def test_a_word_inside_the_question_words_explains_nothing(self, brain: Brain) -> None:
        """没有 (a word of one answer) inside 有没有 does not make a question about that entry."""
        assert brain.matcher.rank("有没有").candidates == ()

    def test_a_real_word_is_not_a_typo_for_its_homophone(self, brain: Brain) -> None:
        """成绩 is a word of its own, not a typo for 层级: 高考成绩 is not about the Party structure."""
        assert brain.decide("孝昌县的高考成绩怎么样").answered is None

    def test_a_name_the_faq_knows_only_part_of_is_another_thing(self, brain: Brain) -> None:
        """武汉大学 is not one of the universities the article names, although it ends in 大学."""
        assert brain.decide("武汉大学怎么样").answered is None

    def test_a_weak_match_resting_on_a_wrong_premise_is_corrected(self, brain: Brain) -> None:
        """Too weakly matched to answer, a question whose best entry finds its premise wrong is corrected,
        not declined: the training is at 华中科技大学, not 武汉理工大学; the fee it asks is not given. One
        asking of another year (2024年) is still declined."""
        decision, reply = brain.respond("每年到武汉理工大学办的那个乡村干部培训班，学费多少钱？")
        assert decision.verdict == "no"
        assert render_plain(reply).startswith("不是武汉理工大学：")
        assert brain.decide("孝昌县2024年党建考核排第几").kind == "decline"

    def test_a_count_stated_of_a_line_of_work_is_judged_by_its_measure(self, brain: Brain) -> None:
        """干部培训 names the line of study best, whose own entry gives no figures; the one measure of it that
        counts the trainees judges the 80 stated: 51人."""
        decision, reply = brain.respond("干部培训去了80人吗")
        assert decision.answered is not None
        assert decision.answered.id == "learn-outside"
        assert render_plain(reply).startswith("不是80人，是51人")


class TestAskBack:
    def test_one_name_for_two_places_asks_back(self, brain: Brain) -> None:
        """'Fengshan' is both 冯山社区 and 丰山镇: the bot offers both instead of guessing."""
        decision = brain.decide("Fengshan")
        assert decision.kind == "ask-back"
        assert {c.entry.id for c in decision.candidates} == {"lead-three-four", "act-everyone"}

    @pytest.mark.parametrize(
        ("question", "entry"),
        [("全县有多少个村（社区）？", "act-returnees"), ("全县农村党支部总共几个", "system-quality")],
    )
    def test_of_measures_alike_the_one_whose_figure_the_question_names_whole_answers(
        self, brain: Brain, question: str, entry: str
    ) -> None:
        """Two measures count villages (社区); 全县村（社区） is all the question says, where 获评……示范村的
        村（社区） counts a part of them it does not single out: the 219 answer, with no question back."""
        decision = brain.decide(question)
        assert decision.kind == "answer"
        assert decision.answered is not None
        assert decision.answered.id == entry


class TestTuning:
    def test_stricter_cut_offs_turn_answers_into_questions_back(self, brain: Brain) -> None:
        """The decision follows the tuning it is given: with an unreachable answer bar, nothing is answered."""
        strict = replace(brain.matcher.tuning, answer=101.0, ask=0.0)
        assert brain.matcher.decide("党小组", tuning=strict).kind == "ask-back"
        assert brain.matcher.decide("党小组").kind == "answer"

    def test_a_weak_but_clear_best_entry_is_answered(self, brain: Brain) -> None:
        """Under the bar to answer, an entry far ahead of the next with evidence in two places answers;
        the same ranking with one piece of evidence, or with a close runner-up, is not answered."""
        ranking = brain.matcher.rank("党小组")
        first, second = (replace(c, score=s) for c, s in zip(ranking.candidates, (35.0, 20.0), strict=False))
        tuning = brain.matcher.tuning
        clear = replace(ranking, candidates=(first, second), pieces=2)
        assert choose("q", clear, tuning).kind == "answer"
        assert choose("q", replace(clear, pieces=1), tuning).kind != "answer"
        assert choose("q", replace(clear, candidates=(first, replace(second, score=30.0))), tuning).kind != "answer"
        assert choose("q", clear, replace(tuning, weak_answer=101.0)).kind != "answer"

    def test_a_question_in_other_words_is_answered_when_it_points_at_one_entry(self, brain: Brain) -> None:
        """干部 and 出去 are two pieces of evidence for learning from outside, though 开眼界 is not the
        article's word."""
        ranking = brain.matcher.rank("干部出去开眼界去了哪")
        assert ranking.candidates[0].score < brain.matcher.tuning.answer
        assert ranking.pieces >= 2
        assert _answer(brain, "干部出去开眼界去了哪") == "learn-outside"

    def test_one_word_the_faq_shares_by_chance_answers_nothing(self, brain: Brain) -> None:
        """推荐 (of 党员推荐) is the only thing 电影推荐一下 shares with the FAQ: one piece of evidence."""
        assert brain.matcher.rank("电影推荐一下").pieces == 1
        assert brain.decide("电影推荐一下").answered is None

    def test_a_signal_can_be_switched_off_by_name(self, brain: Brain) -> None:
        """Without the examples signal, an example question is judged on its words alone."""
        with_examples = brain.matcher.rank("孝昌县是怎么抓基层党建的").candidates[0].score
        words_only = brain.matcher.rank("孝昌县是怎么抓基层党建的", signals=("terms",)).candidates[0].score
        assert with_examples == 100.0
        assert words_only < with_examples

    def test_long_message_is_cut_not_refused(self, brain: Brain) -> None:
        """A 4,096-character message is matched on its start and answered or declined, never an error."""
        decision = brain.decide("党小组" + "啊" * 4093)
        assert decision.kind in ("answer", "ask-back", "decline", "unexplained")


TWO = """\
- id: groups
  line: work
  title: 党小组
  answer: 全县设立875个党小组。
  figures: [{value: 875, unit: 个, what: 党小组, en: Party groups}]
  ask: [党小组有多少个]
  keywords: [党小组, 星创天地]
  en:
    title: Party groups
    answer: The county has 875 Party groups.
    ask: [How many Party groups?]
    keywords: [party groups]
- id: canteen
  line: work
  title: 幸福食堂
  answer: 新岗村开办了老年人幸福食堂。
  ask: [幸福食堂是哪里的]
  keywords: [幸福食堂, 新岗村]
  en:
    title: The canteen
    answer: Xingang village opened a canteen for the elderly.
    ask: [Where is the canteen?]
    keywords: [canteen]
"""


class TestMechanisms:
    """One tiny FAQ per mechanism."""

    def _best(self, matcher: Matcher, question: str) -> Decision:
        return matcher.decide(question)

    def test_one_syllable_off_finds_a_long_term(self) -> None:
        """星创天弟 is 星创天地 with one syllable wrong: a term of four or more units is still found."""
        decision = self._best(tiny_matcher(TWO), "星创天弟")
        assert decision.answered is not None
        assert decision.answered.id == "groups"

    def test_a_short_term_one_syllable_off_is_not_found(self) -> None:
        """党大组 is not 党小组: three units, one off, is too likely by chance."""
        assert tiny_matcher(TWO).rank("党大组").candidates == ()

    def test_a_synonym_stands_for_its_word(self) -> None:
        """With 老人 listed as a variant of 老年人, 老人食堂 finds the canteen's entry."""
        plain = tiny_matcher(TWO)
        with_synonym = tiny_matcher(TWO, "synonyms:\n  zh:\n    老年人: [老人]\n")
        assert with_synonym.rank("老人").candidates[0].entry.id == "canteen"
        assert all(c.entry.id != "canteen" or c.score < 50 for c in plain.rank("老人").candidates)

    def test_a_generic_word_points_nowhere_and_costs_nothing(self) -> None:
        """孝昌县 names the whole article: alone it matches no entry, beside 党小组 it does not dilute it."""
        matcher = tiny_matcher(TWO, "generic:\n  zh: [孝昌县]\n")
        assert matcher.decide("孝昌县").kind == "decline"
        assert matcher.rank("孝昌县党小组").candidates[0].score == matcher.rank("党小组").candidates[0].score

    def test_a_rare_term_weighs_more_than_a_common_one(self) -> None:
        """A word both entries hold says less than one only this entry holds."""
        entries = TWO.replace(
            "answer: 新岗村开办了老年人幸福食堂。", "answer: 新岗村开办了老年人幸福食堂，全县都知道。"
        )
        entries = entries.replace("answer: 全县设立875个党小组。", "answer: 全县设立875个党小组，全县都知道。")
        matcher = tiny_matcher(entries)
        held = {c.entry.id: c.score for c in matcher.rank("都知道党小组").candidates}
        assert held["groups"] > 2 * held.get("canteen", 0.0)

    def test_a_detail_the_entry_never_gives_is_named(self) -> None:
        """With a price detail defined, 幸福食堂多少钱 is declined as a price the entry does not give."""
        details = """\
        details:
          price:
            name: {zh: 价格, en: a price}
            ask: {zh: [多少钱], en: [price]}
            told: {zh: [元], en: [yuan]}
        """
        brain = tiny_brain(TWO, details)
        decision = brain.decide("幸福食堂多少钱")
        assert decision.kind == "unexplained"
        assert decision.gap is not None
        assert decision.gap.detail is not None
        assert decision.gap.detail.id == "price"

    def test_an_unexplained_term_is_declined_and_quoted(self) -> None:
        """An entry listing 五问 as unexplained says so when asked what it is, quoting its sentence."""
        entries = """\
        - id: branches
          line: work
          title: 自我提质
          answer: 对照“五问”开展支部巡整。全县539个支部查评改。
          unexplained: [{term: 五问, en: five questions}]
          ask: [支部怎么整改]
          keywords: [自我提质, 查评改]
          en:
            title: Self-improvement
            answer: Branches are inspected against the five questions. 539 branches.
            ask: [How are branches fixed?]
        """
        decision = tiny_matcher(entries).decide("五问是什么")
        assert decision.kind == "unexplained"
        assert decision.gap is not None
        assert decision.gap.sentence == "对照“五问”开展支部巡整。"

    def test_a_list_is_given_whole_when_asked_for(self) -> None:
        """An entry's list comes back whole when its name is asked with 哪些."""
        entries = """\
        - id: industries
          line: work
          title: 村企互助
          answer: 在太子米、果茶、苗木花卉、生态养殖“四大产业”链上设立党支部。
          lists:
            - name: 四大产业
              items: [太子米, 果茶, 苗木花卉, 生态养殖]
              en: {name: the four industries, items: [rice, tea, flowers, farming]}
          ask: [产业链上有党支部吗]
          keywords: [村企互助]
          en:
            title: Companies
            answer: Branches on the chains of rice, tea, flowers and farming.
            ask: [Are there branches on industry chains?]
        """
        decision = tiny_matcher(entries).decide("四大产业有哪些")
        assert decision.focus is not None
        assert decision.focus.lists[0].items == ("太子米", "果茶", "苗木花卉", "生态养殖")

    def test_each_matcher_keeps_its_own_vocabulary(self) -> None:
        """Building a matcher for one FAQ does not change how another cuts its questions."""
        first = tiny_matcher(TWO)
        before = first.indices["zh"].word_spans("星创天地有几家")
        tiny_matcher(TWO.replace("keywords: [党小组, 星创天地]", "keywords: [党小组, 创天]"))
        assert first.indices["zh"].word_spans("星创天地有几家") == before

    def test_the_tuning_is_passed_in_not_changed(self) -> None:
        """A decision under another tuning leaves the matcher's own tuning as it was."""
        matcher = tiny_matcher(TWO)
        own = matcher.tuning
        matcher.decide("党小组", tuning=Tuning(answer=99.0))
        assert matcher.tuning is own
