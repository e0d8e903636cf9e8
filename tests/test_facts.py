"""The article's facts and what questions ask of them: typed values, question reading, the asked value,
yes/no and wrong premises, and never a false "the article does not say"."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import asking as asking_module
from bot.core.asking import analyse, ask_spans
from bot.core.facts import Facts
from bot.core.followup import Previous
from bot.core.normalise import fold
from bot.core.reply import render_plain
from bot.core.romanised import hanzi_question, split_question, split_word, written_terms
from bot.core.values import Value, counts, dates
from bot.faq.knowledge import Entry
from bot.language import Lang
from tests.conftest import shipped_brain
from tests.faqs import tiny_knowledge

BRAIN = shipped_brain()


def _first_line(question: str) -> str:
    """The first line of the shipped bot's reply to a question, as a person reads it."""
    return render_plain(BRAIN.respond(question)[1]).splitlines()[0]


def _typed_values() -> list[tuple[Lang, Entry, Value, str]]:
    """Every value of the article that a question can ask for, with a question asking for it; not the
    names of the whole article's place (孝昌县: the FAQ's generic words), which every fact is about."""
    found: list[tuple[Lang, Entry, Value, str]] = []
    generic = {word.lower() for lang in ("zh", "en") for word in BRAIN.knowledge.generic(lang)}
    for entry in BRAIN.knowledge.entries:
        for lang in ("zh", "en"):
            for fact in BRAIN.matcher.facts.of(entry, lang):
                for value in fact.values:
                    if value.text.lower() in generic or value.text.lower().split()[0] in generic:
                        continue
                    question = _asking_for(entry, _around(fact.text, fact.clause_of(value), value, lang), value, lang)
                    if question:
                        found.append((lang, entry, value, question))
    return found


def _around(sentence: str, clause: str, value: Value, lang: Lang) -> str:
    """What the article says of a value: its clause in Chinese; in English what follows it up to the next
    "and" or the sentence's end (was selected as a national "one village, one product" model town), or
    what comes before it when little follows."""
    if lang == "zh":
        return clause
    after = re.split(r", and |;|\. | and ", sentence[value.end :])[0].strip(" ,.")
    if len(after.split()) >= 3:
        return after
    return " ".join(sentence[: value.start].split()[-10:]).strip(" ,")


def _asking_for(entry: Entry, clause: str, value: Value, lang: Lang) -> str:
    """A question asking for the value: by its figure's label, its role, or the clause it stands in."""
    rest = clause.replace(value.text, "").strip("，。；,.; ")
    figure = next((f for f in entry.figures if f.label(lang) == value.label), None)
    questions = {
        "count": (f"{figure.what}有多少", f"How many {figure.en}?") if figure else ("", ""),
        "date": ("这篇文章是什么时候发布的", "When was the article published?"),
        "person": (f"{value.label}是谁", f"Who is the {value.label.lower()}?")
        if value.label
        else (f"{rest}都有谁", f"Who {rest}?"),
        "place": (f"{value.label}是哪里", f"What is the {value.label.lower()}?")
        if value.label
        else (f"{rest}是在哪里", f"Which place {rest}?"),
    }
    kind = {"time": "date", "org": "place"}.get(value.kind, value.kind)
    zh, en = questions.get(kind, ("", ""))
    return zh if lang == "zh" else en


TYPED = _typed_values()
POLITE = {
    "zh": (("", "请问", "你好，", "我想知道", "我是一名村干部，想了解一下，"), ("", "？", "呢", "啊")),
    "en": (("", "Please, ", "Hi! ", "I read the report. "), ("?", "", "? Thanks", "?")),
}
"""What people put before and after a question, by language."""


class TestValues:
    @pytest.mark.parametrize(
        ("text", "number", "unit", "plus"),
        [("875个党小组", "875", "个", False), ("3100余名", "3100", "名", True), ("两次组织", "2", "次", False),
         ("一百三十一名导师", "131", "名", False), ("36.5万亩", "36.5", "万亩", False),
         ("两百多个", "200", "个", True)],
    )  # fmt: skip
    def test_chinese_counts_in_digits_and_numerals(self, text: str, number: str, unit: str, plus: bool) -> None:
        """Counts are read with their measure word, in Arabic or Chinese numerals, 余/多 as "more than"."""
        (value,) = counts(text, "zh")
        assert (value.number, value.unit, value.plus) == (Decimal(number), unit, plus)

    @pytest.mark.parametrize(
        ("text", "low", "high"),
        [("几十个党小组", "20", "99"), ("十几年", "11", "19"), ("上千个", "1000", "9999"), ("数十个", "20", "99")],
    )  # fmt: skip
    def test_a_rough_count_is_a_range(self, text: str, low: str, high: str) -> None:
        """几十个 is a count from 20 to 99, never 10 or 0 read out of its 十."""
        (value,) = counts(fold(text), "zh")
        assert (value.number, value.upto) == (Decimal(low), Decimal(high))

    def test_ordinals_and_words_are_not_counts(self) -> None:
        """第一书记, 每个 and 一方面 hold no count."""
        assert counts("驻村第一书记，每个村，一方面", "zh") == []

    def test_english_counts(self) -> None:
        """Digits with their group commas, number words, twice, more than."""
        found = counts("Twice, more than 3,100 members and 365,000 mu", "en")
        assert [(v.number, v.unit, v.plus) for v in found] == [
            (Decimal(2), "times", False),
            (Decimal(3100), "members", True),
            (Decimal(365000), "mu", False),
        ]

    def test_digits_run_on_into_letters_name_a_thing(self) -> None:
        """COVID-19, G20 and 5G name things; they count nothing, and no question is corrected by them."""
        assert counts("What about COVID-19, the G20 and 5G networks?", "en") == []
        assert BRAIN.decide("What does the article say about COVID-19?").verdict is None

    def test_a_scale_word_after_a_number_is_part_of_the_count(self) -> None:
        """36.5 thousand mu is 36,500 mu, not 36.5 and a thousand; a thousand alone is 1,000."""
        found = counts("36.5 thousand mu, two hundred villages and a thousand people", "en")
        assert [(v.text, v.number) for v in found] == [
            ("36.5 thousand", Decimal(36500)),
            ("two hundred", Decimal(200)),
            ("thousand", Decimal(1000)),
        ]

    def test_dates_times_and_how_often(self) -> None:
        """A date, the time of day and a word for how often are values of their own kinds."""
        kinds = [(v.kind, v.text) for v in dates("2022年11月16日10:04发布，每年办班", "zh")]
        assert kinds == [("date", "2022年11月16日"), ("time", "10:04"), ("frequency", "每年")]


class TestFacts:
    def test_names_are_typed_by_their_pinyin_in_the_english(self) -> None:
        """Shen Teng is a person, Wangdian town a place, Zhejiang University an organisation: in both languages."""
        names = BRAIN.matcher.facts.names
        assert (names["zh"]["沈腾"].kind, names["zh"]["王店镇"].kind, names["zh"]["浙江大学"].kind) == (
            "person",
            "place",
            "org",
        )
        assert names["en"]["Xingang village"].kind == "place"

    def test_a_deed_with_a_variant_ending_as_a_place_ends_is_no_place(self) -> None:
        """下基层 has the variant 下村 (to go down to the villages): 下 is no village's name, so neither is a place."""
        assert "下基层" not in BRAIN.matcher.facts.names["zh"]
        assert BRAIN.matcher.facts.names["zh"]["央视"].kind == "org"  # 中央电视台: 中央 names the station

    def test_a_persons_role_is_their_label(self) -> None:
        """编辑：彭扬 gives 彭扬 the role 编辑."""
        about = BRAIN.knowledge.by_id["about"]
        people = {v.text: v.label for f in BRAIN.matcher.facts.of(about, "zh") for v in f.of_kind("person")}
        assert people == {"彭扬": "编辑", "陈腊梅": "责编", "李健初": "终审"}

    def test_a_figure_labels_its_count(self) -> None:
        """The count 875个 is labelled 党小组 by the FAQ's figure."""
        entry = BRAIN.knowledge.by_id["system-vertical"]
        labels = {v.text: v.label for f in BRAIN.matcher.facts.of(entry, "zh") for v in f.of_kind("count")}
        assert labels["875个"] == "党小组"

    def test_figures_that_disagree_with_the_facts_are_reported(self) -> None:
        """A figure whose number the English text does not give is a problem of its entry."""
        knowledge = tiny_knowledge("""\
        - id: groups
          line: work
          title: 党小组
          answer: 全县设立875个党小组。
          figures: [{value: 875, unit: 个, what: 党小组, en: Party groups}]
          ask: [党小组有多少个]
          en:
            title: Party groups
            answer: The county has 857 Party groups.
            ask: [How many Party groups?]
        """)
        assert [entry for entry, _ in Facts(knowledge).check()] == ["groups"]


class TestAsking:
    def test_the_word_a_count_opens_with_is_what_it_counts(self) -> None:
        """多少名导师帮带新任村书记: no particle follows near; 导师, the word after 多少名, is what is counted."""
        asking = analyse("多少名导师帮带新任村书记？", "zh")
        assert asking.noun_after(asking.asks[0]) == "导师"
        assert BRAIN.respond("多少名导师帮带新任村书记？")[1].lead == ("导师 131名",)

    def test_a_particle_after_the_asking_verb_is_the_lead_ins(self) -> None:
        """请问一下哈 ……: 哈 is not part of the question, nor quoted back."""
        assert analyse("请问一下哈 浙江大学那个班子一共去了几个人啊", "zh").core == "浙江大学那个班子一共去了几个人啊"

    def test_how_many_people_is_told_by_a_count_of_people(self) -> None:
        """去了几个人: what is counted is people, which the 51 trained are; 新岗村有几个人 is not given."""
        assert BRAIN.respond("浙江大学那个班子一共去了几个人")[1].lead == ("浙江大学培训班学员 51人",)
        assert BRAIN.decide("新岗村有几个人").kind == "unexplained"

    def test_a_rough_numeral_asks_nothing(self) -> None:
        """十几年 in a lead-in is a dozen-odd years: the question after it is what is asked."""
        asking = analyse("我在广东创业十几年了，最近想回老家发展，国家级星创天地有几家？", "zh")
        assert [ask.measure for ask in asking.asks] == ["things"]

    def test_the_question_words_are_found_in_the_message_as_written_otherwise(self) -> None:
        """The words asking when (哪天) are found in a longer text, and only those of the kinds named."""
        asking = analyse("文章哪天发的，谁编辑的", "zh")
        text = "我想问文章哪天发的，谁编辑的"
        assert ask_spans(asking, text, ("when",)) == [(5, 7)]
        assert len(ask_spans(asking, text)) == 2

    @pytest.mark.parametrize(
        ("question", "kind", "measure"),
        [("浙大培训几期", "count", "times"), ("太子米一亩地能产多少斤", "count", "weight"),
         ("幸福食堂吃一顿饭要多少钱", "count", "money"), ("议事协商会多久开一次", "count", "frequency"),
         ("这篇报道是哪一年的", "when", ""), ("编辑是谁", "person", ""), ("新岗村是哪个镇的", "place", ""),
         ("四大产业分别是哪些", "which", ""), ("党员中心户是怎么选出来的", "how", ""),
         ("How long does mentoring last?", "count", "duration"), ("Who edited this article?", "person", "")],
    )  # fmt: skip
    def test_what_a_question_asks(self, question: str, kind: str, measure: str) -> None:
        """Each question is read for the kind of value it asks, and for a count, its measure."""
        asking = analyse(question, "en" if question.isascii() else "zh")
        assert (asking.kind, asking.asks[0].measure) == (kind, measure)

    @pytest.mark.parametrize(
        ("question", "stated"),
        [("就一家？", "1家"), ("只有一个吗", "1个"), ("一个村有几个党小组", ""), ("10年？", "10年")],
    )
    def test_a_figure_stated_with_a_question_mark_is_asked_about(self, question: str, stated: str) -> None:
        """就一家？ states one and asks whether it holds; 一个村 is an article, stated as no figure."""
        asking = analyse(question, "zh")
        assert [value.text for value in asking.asserted] == ([stated] if stated else [])
        assert asking.polar == bool(stated)

    def test_what_follows_a_colon_is_what_is_asked(self) -> None:
        """需要几个数字：……建了多少个理事会: the lead-in before the colon asks nothing."""
        asking = analyse("我是记者，需要几个数字：孝昌在村湾建了多少个理事会？", "zh")
        assert asking.core == "孝昌在村湾建了多少个理事会?"
        assert asking.noun_after(asking.asks[0]) == "理事会"

    def test_among_the_several_sets_the_scene_for_the_ask_after_it(self) -> None:
        """几项工作里，……是哪一项 asks which one; 几项 among them counts nothing asked."""
        asking = analyse("推进进村湾的几项工作里，跟文明有关的是哪一项", "zh")
        assert [ask.kind for ask in asking.asks] == ["which"]
        assert [ask.kind for ask in analyse("进村湾的有几项工作", "zh").asks] == ["count"]

    @pytest.mark.parametrize("question", ["龙泉村被列为什么试点", "冯山社区被评为什么称号"])
    def test_a_verb_ending_in_wei_before_shenme_asks_what_not_why(self, question: str) -> None:
        """列为|什么, 评为|什么: 为 closes the verb, and 什么 asks what; no 为什么 is asked."""
        assert analyse(question, "zh").kind != "why"

    def test_a_when_clause_before_the_question_is_its_condition(self) -> None:
        """ "When a villager calls for help, how long ..." asks how long, not when; "When was ..." asks when."""
        asking = analyse("When a villager calls for help, how long until someone comes?", "en")
        assert [ask.kind for ask in asking.asks] == ["count"]
        assert analyse("When was the article published?", "en").kind == "when"

    @pytest.mark.parametrize(
        ("question", "noun"),
        [("孝昌县有多少人口", "人口"), ("一共培训了多少名村干部", "村干部"), ("有多少人参加", "参加"),
         ("浙大培训班多少人数", ""), ("建了多少个理事会、协商会", "理事会")],
    )  # fmt: skip
    def test_what_a_count_counts(self, question: str, noun: str) -> None:
        """The measure word begins what is counted only when the two make a common word (人口, not 名村 or 人参)."""
        asking = analyse(question, "zh")
        assert asking.noun_after(asking.asks[0]) == noun

    def test_a_kind_without_words_asks_nothing(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """With the asking nouns gone (as `bench.ablation` empties them), 人数's kind has no words: it
        asks nothing, rather than everywhere."""
        monkeypatch.setitem(asking_module.ASKING_NOUNS, "zh", {})
        asking_module.asks_table.cache_clear()
        asking_module.analyse.cache_clear()
        try:
            assert not any(pattern.fullmatch("") for _, _, pattern in asking_module.asks_table("zh"))
            assert len(analyse("党小组有多少个", "zh").asks) == 1
        finally:
            monkeypatch.undo()
            asking_module.asks_table.cache_clear()
            asking_module.analyse.cache_clear()

    def test_this_number_asks_nothing_more(self) -> None:
        """茶叶这块有多少亩，只要这个数: 个数 asks how many, 这个数 points back at what was asked."""
        assert len(analyse("茶叶这块有多少亩，只要这个数", "zh").asks) == 1
        assert len(analyse("党小组个数", "zh").asks) == 1

    def test_a_lead_in_is_left_aside(self) -> None:
        """Who is asking and why comes before 请问: the question is what follows it."""
        asking = analyse(
            "我是孝昌县花园镇的一名普通党员，平时在村里负责一些群众工作。最近看到县里发的报道，我想了解一下，"
            "请问全县一共设立了多少个党小组？",
            "zh",
        )
        assert asking.core == "全县一共设立了多少个党小组?"
        assert "花园镇" in asking.context

    def test_spoken_question_words_are_read(self) -> None:
        """咋, 啥 and 木有 ask as 怎么, 什么 and 没有 do."""
        assert analyse("吹哨报到是咋回事", "zh").kind == "how"
        assert analyse("回乡青年有名字木有", "zh").polar

    @pytest.mark.parametrize(
        ("question", "polar", "stated"),
        [("党小组有900个吗", True, ["900个"]), ("整顿了11个软弱涣散村党组织，是不是", True, ["11个"]),
         ("全县300个村里，有多少青年党员回乡了", False, ["300个"]), ("文章标题是什么", False, []),
         ("组织了两次还是三次", False, ["两次", "三次"]), ("Did they set up 900 Party groups?", True, ["900"])],
    )  # fmt: skip
    def test_yes_no_and_what_a_question_states(self, question: str, polar: bool, stated: list[str]) -> None:
        """A yes/no question is told apart from a what-question; the counts it states are read."""
        asking = analyse(question, "en" if question.isascii() else "zh")
        assert asking.polar == polar
        assert [v.text for v in asking.asserted] == stated

    def test_a_follow_up_asks_what_the_question_before_asked(self) -> None:
        """那茶叶呢 after a "how many mu" question asks how many mu of tea."""
        before = BRAIN.decide("太子米种了多少亩")
        assert before.answered is not None
        after, _ = BRAIN.respond("那茶叶呢", previous=Previous(before.question, before.answered.id))
        assert after.focus is not None
        assert [f.what for f in after.focus.figures] == ["茶叶"]


class TestRomanised:
    def test_a_pinyin_word_is_cut_as_unmarked_pinyin_reads(self) -> None:
        """Xingang is xin-gang, not xing-ang: a syllable after the first does not begin with a vowel."""
        assert split_word("xingang", frozenset({"xin", "xing", "gang", "ang"})) == ("xin", "gang")

    def test_only_runs_of_pinyin_are_cut(self) -> None:
        """dangxiaozu is cut into syllables; English words and a lone syllable are left alone."""
        cut = split_question("How many dangxiaozu did they set up", frozenset({"dang", "xiao", "zu"}), frozenset())
        assert cut == "How many dan xiao zu did they set up"

    def test_pinyin_inside_chinese_is_written_as_the_terms_it_reads_as(self) -> None:
        """xiaochang and dang xiao zu become 孝昌 and 党小组; a lone syllable, an English word and a run
        that is not wholly terms stay as typed."""
        written = written_terms(["孝昌", "党小组", "孝昌县"])
        syllables = frozenset({"xiao", "chang", "dang", "zu", "xian"})
        assert hanzi_question("xiaochang dang xiao zu有几个", written, syllables) == "孝昌党小组有几个"
        assert hanzi_question("xiao有几个", written, syllables) == "xiao有几个"
        assert hanzi_question("ok xiaochangzu有几个", written, syllables) == "ok xiaochangzu有几个"

    @pytest.mark.parametrize(
        ("question", "entry", "fact"),
        [("xiaochang有多少个村", "act-returnees", "219"),
         ("taizimi种了多少亩", "act-everyone", "36.5万亩"),
         ("How many dang xiao zu are there?", "system-vertical", "875"),
         ("Which shequ in Huayuan zhen is a quanguo minzhu fazhi shifan cun?", "lead-three-four", "Fengshan"),
         ("what are the sida chanye", "act-enterprises", "Taizi rice; fruit and tea")],
    )  # fmt: skip
    def test_pinyin_terms_are_answered(self, question: str, entry: str, fact: str) -> None:
        """The article's terms written in pinyin, inside English or Chinese, find their entry and fact; a list's
        Chinese name in pinyin (si da chanye, 四大产业) names the list, which answers whole."""
        decision, reply = BRAIN.respond(question)
        assert decision.answered is not None
        assert decision.answered.id == entry
        assert fact in render_plain(reply)


class TestTheAskedValue:
    def test_a_count_of_another_measure_is_missing_in_the_questions_words(self) -> None:
        """浙大培训几期 asks a number of sessions; 51人 is not one: the article does not say, quoting what it does."""
        decision, reply = BRAIN.respond("浙大培训几期")
        assert decision.kind == "unexplained"
        assert render_plain(reply).startswith("文章没有说浙大培训几期。")
        assert "51人" in reply.quote

    def test_the_person_holding_a_role(self) -> None:
        """责任编辑是哪位 is 陈腊梅, the 责编, and no other editor."""
        _, reply = BRAIN.respond("责任编辑是哪位")
        assert "陈腊梅" in render_plain(reply)
        assert "彭扬" not in render_plain(reply)

    def test_a_list_of_places_answers_where(self) -> None:
        """Where the cadres went is the list of places, whole."""
        decision = BRAIN.decide("干部去了哪些地方学习")
        assert decision.focus is not None
        assert [listed.name for listed in decision.focus.lists] == ["外出学习的地方"]

    def test_two_asks_are_both_answered(self) -> None:
        """有多少家企业……，涉及哪些产业 gets the count and the list."""
        _, reply = BRAIN.respond("目前有多少家企业跟村里结对了，涉及哪些产业？")
        text = render_plain(reply)
        assert "71家" in text
        assert "太子米、果茶、苗木花卉、生态养殖" in text

    @pytest.mark.parametrize(
        ("question", "lead"),
        [("示范的农村基层党支部有多少个", "示范支部 124个"), ("星创天地国家级的有几家", "国家级“星创天地” 1家"),
         ("帮带新书记的导师有多少名", "导师 131名；新任村（社区）党组织书记 128名")],
    )  # fmt: skip
    def test_words_before_de_single_out_what_is_counted(self, question: str, lead: str) -> None:
        """示范的党支部 are the model ones among the branches; a clause before 的 that names another counted
        thing (帮带新书记的导师) does not move the count off the mentors it counts."""
        _, reply = BRAIN.respond(question)
        assert reply.lead == (lead,)

    def test_a_measure_named_alone_leads_with_its_figures(self) -> None:
        """纵向深化 alone gets the measure and its key figures."""
        _, reply = BRAIN.respond("纵向深化")
        assert reply.lead == ("党小组 875个；党员中心户 3100余名",)

    def test_a_place_asked_for_leads_with_only_the_figures_told_of_it(self) -> None:
        """Which village went 10 years without petitions: Xingang's figure leads, not the ten minutes the
        same measure also gives."""
        _, reply = BRAIN.respond("Which village in Wangdian town went 10 years without petitions?")
        assert reply.lead == ("10 years without a petition in Xingang village",)


class TestVerdicts:
    @pytest.mark.parametrize(
        ("question", "first_line"),
        [("党员中心户大约3000名吗", "是的。"), ("党小组大概1000个吗", "不是1000个，是875个。"),
         ("Were there about 3,000 central Party-member households?", "Yes.")],
    )  # fmt: skip
    def test_a_rough_count_holds_within_a_tenth(self, question: str, first_line: str) -> None:
        """大约3000名: 3100余名 is about that many; 875 is not about 1000."""
        assert _first_line(question) == first_line

    @pytest.mark.parametrize(
        ("question", "first_line"),
        [("幸福食堂在花园镇吗",
          "不是花园镇，是王店镇：王店镇新岗村10年来没有信访事项，应村民要求开办的老年人“幸福食堂”走进央视。"),
         ("龙头企业是县级以上吗", "不是县级：培育市级以上农业产业化龙头企业81家。")],
    )  # fmt: skip
    def test_a_wrong_town_or_level_is_corrected(self, question: str, first_line: str) -> None:
        """The town may stand before the clause about the canteen in its sentence; 县级 is a level, as 市级 is."""
        assert _first_line(question) == first_line

    @pytest.mark.parametrize(
        ("question", "first_line"),
        [("茶叶种植面积超过鲜果吗", "不是：茶叶13.9万亩，鲜果14万亩。"),
         ("太子米超过鲜果吗", "是的：太子米优质稻36.5万亩，鲜果14万亩。"),
         ("茶叶比鲜果多吗", "不是：茶叶13.9万亩，鲜果14万亩。")],
    )  # fmt: skip
    def test_one_thing_said_to_exceed_another_is_compared(self, question: str, first_line: str) -> None:
        """超过 between two things compares them, as 比……多 does; two items of one list compared are not
        a pair tied wrongly (it read 不是茶叶比鲜果)."""
        assert _first_line(question) == first_line

    @pytest.mark.parametrize(
        ("question", "first_line"),
        [("党组织体系是怎样的三级结构", "【纵向深化】（优化体系，一体推进）"),
         ("539个支部里面示范的占多少", "【自我提质】（优化体系，一体推进）"),
         ("示范支部有539个吗", "不是539个，是124个。")],
    )  # fmt: skip
    def test_a_count_the_article_gives_of_what_it_counts_is_no_wrong_premise(
        self, question: str, first_line: str
    ) -> None:
        """三级 counts levels, no count of the 875 Party groups; 539个支部 is the count of the branches, so a
        question about the model ones among them is not corrected; 示范支部 are 124, not 539."""
        assert _first_line(question) == first_line

    @pytest.mark.parametrize(
        ("question", "first_line"),
        [("县里干部是不是去了黄冈和襄阳", "不是襄阳：黄冈、宜昌。"),
         ("干部到黄刚和宜昌学了啥", "【外学拓思路】（深化学习，凝聚共识）")],
    )  # fmt: skip
    def test_a_wrong_item_listed_with_he_is_corrected_and_a_mistyped_one_is_not(
        self, question: str, first_line: str
    ) -> None:
        """黄冈和襄阳: 襄阳 is not among the places visited; 黄刚 sounds as 黄冈 does: a typo, not a wrong place."""
        assert _first_line(question) == first_line

    @pytest.mark.parametrize(
        ("question", "first_line"),
        [("党小组有900个吗", "不是900个，是875个。"), ("国家级星创天地有2家吗", "不是2家，是1家。"),
         ("新岗村是属于王店镇的吗", "是的。"), ("帮带新书记的导师是131名吗", "是的。"),
         ("全县300个村里，有多少青年党员回乡了？", "不是300个，是219个。"),
         ("131名导师帮带了131名新书记对吗", "不是131名，是128名。"), ("鲜果是不是13.9万亩", "不是13.9万亩，是14万亩。"),
         ("示范支部是不是369个", "不是369个，是124个。"), ("孝昌县2023年太子米种了多少", "不是2023年，是2022年。"),
         ("王店镇龙泉村是什么试点", "不是王店镇，是周巷镇：周巷镇龙泉村被列为全国村级议事协商创新实验试点。"),
         ("龙头企业是不是省级以上的81家", "不是省级：培育市级以上农业产业化龙头企业81家。"),
         ("Given that Xiaochang has 5 provincial demonstration parks, how many national hubs are there?",
          "No: 4, not 5."),
         ("Did the county set up 900 Party groups?", "No: 875, not 900."),
         ("村企共建有多少个村参加了？是130个吗", "不是130个，是103个。"),
         ("为什么那300多名导师带新书记效果这么好", "不是300多名，是131名。"),
         ("How much land for Taizi rice? Is it 36.5 thousand mu?", "No: 365,000, not 36.5 thousand."),
         ("终审是彭扬吗", "不是彭扬：终审：李健初。"), ("责任编辑是彭扬吗", "不是彭扬：责编：陈腊梅。"),
         ("编辑是彭扬吗", "是的。"), ("陈腊梅是终审，那责编又是谁", "不是陈腊梅：终审：李健初。"),
         ("终审是不是一个叫张伟的人", "不是张伟：终审：李健初。"), ("孝昌县有没有整顿软弱涣散村党组织？", "是的。"),
         ("议事平台是村党组织领导下搭建的吧？", "是的。"),
         ("回乡青年代表里有叫李明的吗", "不是李明：以沈腾、程琪、唐根根等为代表的150余名青年党员活跃在乡村振兴一线。"),
         ("周巷镇修十里苗木长廊的时候出过赔偿纠纷吗", "不是：实现“零赔偿、零上访、零纠纷”。"),
         ("新岗村10年没有信访事项吗", "是的。"), ("长廊建设有没有赔偿", "不是：实现“零赔偿、零上访、零纠纷”。"),
         ("新岗村是不是没有信访", "是的。"), ("Has Xingang village been free of petitions?", "Yes."),
         ("四事工作法里是理事会负责监事吗", "不是理事会负责监事：理事会管事、村监会监事。"),
         ("太子米果茶是四大产业吗", "是的。"), ("导师是不是130个", "不是130个，是131名。"),
         ("党员中心户超过3000名吗", "是的。"), ("党员中心户超过4000名吗", "不是4000名，是3100余名。"),
         ("党小组不到900个吗", "是的。"), ("Are there more than 900 party groups?", "No: 875, not more than 900."),
         ("龙泉村，试点是省级的吗", "不是省级：该镇龙泉村被列为全国村级议事协商创新实验试点。"),
         ("Has Xingang village had any petitions?",
          "No: Xingang village in Wangdian town has had no petition in 10 years."),
         ("Is the final reviewer Peng Yang?", "No, not Peng Yang: final review: Li Jianchu."),
         ("三进四代讲的是“小事不出乡”吗", "不是小事不出乡，是小事不出村。"), ("是“小事不出村”吗", "是的。"),
         ("太子米、香菇、生态养殖这四大产业链上有几个党支部", "不是香菇：太子米、果茶、苗木花卉、生态养殖。"),
         ("干部去了武汉、宜昌学习什么经验", "不是武汉：黄冈、宜昌。"),
         ("光明日报登的这篇报道，终审是谁", "不是光明日报：来源：孝感党建、中共孝昌县委组织部。"),
         ("这篇报道是孝感党建发的吗", "是的。"),
         ("Was this published by People's Daily?",
          "No, not People's Daily: Source: Xiaogan Party Building and the Organisation Department of the CPC "
          "Xiaochang County Committee."), ("王店镇新岗村的幸福食堂上了央视吗", "是的。"),
         ("省级星创天地有20家对吗", "不是20家，是18家。"),
         ("星创天地一共是20家吗", "不是20家：国家级“星创天地”1家、省级“星创天地”18家。"),
         ("苗木花卉13.9万亩是真的吗", "不是13.9万亩，是13万亩。"),
         ("丰山镇入选全国一村一品示范村镇以后，周巷镇获批了什么",
          "不是周巷镇，是丰山镇：丰山镇获批全省产业融合发展示范乡镇。"),
         ("Did Xingang's canteen get on CCTV?", "Yes."),
         ("新岗村是10个月没有信访吗", "不是10个月，是10年。"), ("服务人员半小时内到场吗", "不是半小时，是10分钟。"),
         ("服务人员是半小时到场吧", "不是半小时，是10分钟。"),
         ("每年在武汉大学办的培训班是给谁办的",
          "不是武汉大学：每年到华中科技大学和华中农业大学定向举办乡村干部、农村专技人才培训班。")],
    )  # fmt: skip
    def test_the_reply_leads_with_the_verdict(self, question: str, first_line: str) -> None:
        """A yes/no question gets 是/不是 first; a wrong figure, stated or assumed, is corrected first."""
        assert _first_line(question) == first_line

    def test_a_place_tied_to_the_wrong_town_is_corrected_with_the_articles_words(self) -> None:
        """王店镇冯山社区: the article's 冯山社区 is in 花园镇, and the reply says so first."""
        decision, reply = BRAIN.respond("王店镇冯山社区获得了什么称号？")
        assert decision.verdict == "no"
        assert render_plain(reply).startswith("不是王店镇，是花园镇：花园镇冯山社区")

    def test_a_yes_no_question_turning_on_an_unknown_word_gets_no_yes(self) -> None:
        """村委会 is no word of the FAQ, though 村 and 会 are: 村民理事会是在村委会设立的吗 is not 是的."""
        assert BRAIN.decide("村民理事会是在村委会设立的吗").verdict != "yes"

    @pytest.mark.parametrize(
        "question", ["What does 'four things work method' mean?", "What did Xiaochang officials learn in Huanggang?"]
    )
    def test_a_quoted_name_or_a_listed_place_is_no_wrong_premise(self, question: str) -> None:
        """'four things work method' is a name, its four no figure; Huanggang stands beside Yichang in one list."""
        assert BRAIN.decide(question).verdict is None

    @pytest.mark.parametrize("question", ["在哪两所大学定向办班", "孝昌的年轻党员在干嘛"])
    def test_a_question_that_counts_or_asks_what_is_done_states_nothing(self, question: str) -> None:
        """哪两所大学 asks which two, it names no university; 在干嘛 asks what they do, it is no yes/no."""
        assert BRAIN.decide(question).verdict is None

    def test_a_thing_the_article_has_elsewhere_is_not_corrected_as_a_list_item(self) -> None:
        """太子米、茶叶种了多少: 茶叶 is no item of the four industries, but the article grows it: no "不是茶叶"."""
        assert BRAIN.decide("太子米、茶叶这几个产业有几个党支部").verdict is None

    def test_a_count_of_the_items_an_entry_lists_is_not_corrected(self) -> None:
        """五种利益联接方式: the entry lists five ways, which no sentence counts; not "不是五种，是81家"."""
        decision, reply = BRAIN.respond("那五种利益联接方式都是啥")
        assert decision.verdict is None
        assert "81家" not in render_plain(reply).splitlines()[0]

    def test_a_count_the_article_itself_gives_is_not_corrected(self) -> None:
        """What are the four industries? The article's four big industries are four: no "No: 20"."""
        decision, reply = BRAIN.respond("What are the four industries?")
        assert decision.verdict is None
        assert render_plain(reply).startswith("▶ The four big industries: Taizi rice")

    def test_a_yes_no_question_whose_count_nothing_bears_out_gets_no_yes(self) -> None:
        """是130个吗 after 村企共建有多少个村: 130 is no count of the passage, so never 是的."""
        assert BRAIN.decide("村企共建有多少个村参加了？是130个吗").verdict == "no"
        assert BRAIN.decide("村企共建有多少个村参加了？是103个吗").verdict == "yes"

    @pytest.mark.parametrize(
        "question",
        [
            "小事不出村大事不出乡下一句是什么",
            "哪个镇做到了零赔偿零上访",
            "理事会是管事还是办事",
            "鲜果是14万亩还是13万亩",
        ],
    )
    def test_a_list_quoted_or_asked_either_or_is_no_wrong_pairing(self, question: str) -> None:
        """Items quoted as the article has them, an either-or and a list of figures tie nothing anew: no "不是…"."""
        assert not render_plain(BRAIN.respond(question)[1]).startswith("不是")

    def test_a_wrong_premise_is_corrected_before_what_is_not_given(self) -> None:
        """服务人员30分钟内到场，这个承诺是哪个村先搞的: 10分钟 first, then that the article does not say
        which village began it, in the question's words without the corrected clause."""
        decision, reply = BRAIN.respond("服务人员30分钟内到场，这个承诺是哪个村先搞的？")
        assert decision.kind == "unexplained"
        assert render_plain(reply).startswith("不是30分钟，是10分钟。文章没有说这个承诺是哪个村先搞的。")

    def test_a_place_the_article_ties_to_the_asked_words_is_not_corrected(self) -> None:
        """丰山镇是什么示范: 丰山镇 is a 示范乡镇 as surely as 周巷镇 a 示范村镇; the reply gives it, with no "no"."""
        decision, reply = BRAIN.respond("丰山镇是什么示范")
        assert decision.verdict is None
        assert render_plain(reply).splitlines()[1] == "丰山镇获批全省产业融合发展示范乡镇。"

    def test_a_place_the_article_is_not_about_is_declined(self) -> None:
        """大悟县 and Yunmeng County are other counties, 孝感市 a city: their Party groups are not the article's 875."""
        for question in (
            "大悟县有多少个党小组",
            "How many party groups does Yunmeng County have?",
            "孝感市一共设立了多少个党小组",
        ):
            assert BRAIN.decide(question).kind == "decline", question

    def test_the_articles_county_mistyped_is_still_the_article(self) -> None:
        """孝唱县 sounds as 孝昌县 does: a slip of the keyboard, not another county to decline."""
        decision, reply = BRAIN.respond("孝唱县设了多少个当小组")
        assert decision.kind == "answer"
        assert "875个" in render_plain(reply)

    def test_a_station_the_article_does_not_name_is_corrected_with_the_one_it_does(self) -> None:
        """央视 is a television station (the FAQ gives 中央电视台 as a variant of it): 湖北卫视 is corrected with
        it, named before the clause that says so, and 哪个电视台 is a question, not a station."""
        assert render_plain(BRAIN.respond("幸福食堂上过湖北卫视吗")[1]).startswith("不是湖北卫视，是央视：")
        assert BRAIN.decide("幸福食堂上了哪个电视台").verdict is None

    def test_a_corrected_name_is_followed_by_the_articles_only_when_the_clause_has_one(self) -> None:
        """清华大学 for 浙江大学: the clause names one university, said first; 武汉大学 for the yearly classes:
        it names two, so the clause alone says which."""
        assert _first_line("乡村振兴干部培训班是在清华大学办的吗").startswith("不是清华大学，是浙江大学：")
        assert _first_line("每年在武汉大学办的培训班是给谁办的").startswith("不是武汉大学：")

    def test_the_articles_own_county_singles_out_no_entry_of_a_yes_no_question(self) -> None:
        """孝昌县在浙江大学办过……吗: the county is told of in every entry; the university says which one."""
        decision = BRAIN.decide("孝昌县在浙江大学办过乡村振兴干部培训班吗？")
        assert decision.answered is not None
        assert decision.answered.id == "learn-outside"
        assert decision.verdict == "yes"

    def test_a_wrong_premise_is_corrected_before_a_detail_the_article_does_not_give(self) -> None:
        """全县茶叶种了14万亩，主要是什么品种: 不是14万亩 first, then only the variety is said to be missing."""
        assert _first_line("全县茶叶种了14万亩，主要是什么品种？").startswith(
            "不是14万亩，是13.9万亩。文章没有说主要是什么品种。"
        )

    @pytest.mark.parametrize(
        ("question", "first_line"),
        [("“小事不出村、大事不出县、矛盾不上交”是靠哪种做法实现的？", "不是大事不出县，是大事不出乡。"),
         ("周巷镇在“五里苗木长廊”建设中实现了“三零”，哪三零？", "不是五里苗木长廊，是十里苗木长廊。"),
         ("文章讲孝昌县“三化”并举推进基层党建，具体是哪三化？", "不是三化，是四化。"),
         ("文中的“三必到四必访”是哪种工作方式的一部分？", "不是三必到四必访，是三必到五必访。")],
    )  # fmt: skip
    def test_a_quoted_phrase_one_character_off_the_articles_is_corrected(self, question: str, first_line: str) -> None:
        """Whatever the question asks, a phrase it quotes one character off a phrase the article quotes or
        lists is corrected first, phrase by phrase in a quote of several; a phrase is said as the right one."""
        assert _first_line(question) == first_line

    @pytest.mark.parametrize(
        ("question", "first_line"),
        [("在村湾和产业基地设立的875个党员中心户，是怎么挑出来的？", "不是875个，是3100余名。"),
         ("全县291个村(社区)里有多少青年党员活跃在一线？", "不是291个，是219个。"),
         ("孝昌有5个村(社区)获评全国民主法治示范村，除了冯山社区还有哪些？", "不是5个，是3个。")],
    )  # fmt: skip
    def test_a_stated_count_is_checked_against_what_it_counts(self, question: str, first_line: str) -> None:
        """875个党员中心户: the label naming what the count counts settles its figure, whatever else the question
        shares with other clauses; a count before 除了 is of the whole, only one after it of the rest."""
        assert _first_line(question) == first_line

    @pytest.mark.parametrize(
        ("question", "first_line"),
        [("丰山镇是全省产业融合发展示范乡镇？", "是的。"), ("回乡创业的人有人培养吗", "是的。"),
         ("文章是人民日报的稿子吗？", "不是人民日报：来源：孝感党建、中共孝昌县委组织部。")],
    )  # fmt: skip
    def test_statements_asked_with_a_question_mark_and_sources_named(self, question: str, first_line: str) -> None:
        """A statement ending with ？ asks whether it holds; words of its own that all stand in the sentence
        holding the rest bear it out; a newspaper named asks about the article's source."""
        assert _first_line(question) == first_line

    def test_the_kind_a_thing_is_among_is_not_an_attribute_the_article_lacks(self) -> None:
        """……的学校之一: 学校 is what 华中农业大学 is, not something asked of it that the article does not give."""
        assert BRAIN.decide("华中农业大学也是孝昌定向办班的学校之一？").kind == "answer"

    @pytest.mark.parametrize(
        ("question", "first_line"),
        [("全县有219个党支部吗", "不是219个党支部：全县村（社区）219个。"),
         ("有1200个党小组吗", "不是1200个党小组：村民理事会、议事协商会和专项协会1200余个。"),
         ("全县有3100个党员吗", "是的。"), ("党员中心户有3100个吗", "是的。")],
    )  # fmt: skip
    def test_a_count_the_article_gives_of_something_else_is_no_yes(self, question: str, first_line: str) -> None:
        """219 is the count of villages, not of branches: a stated count is borne out only by a count of what
        it is said to count, when the article counts that thing somewhere; 3100余名 counts 党员 too (its
        sentence says so), the households they were chosen as."""
        assert _first_line(question) == first_line

    @pytest.mark.parametrize(
        ("question", "first_line"),
        [("孝昌的苗木花卉比茶叶多吗", "不是：苗木花卉13万亩，茶叶13.9万亩。"),
         ("党小组比党员中心户多吗", "不是：党小组875个，党员中心户3100余名。"),
         ("太子米是不是种得最多的", "是的：太子米优质稻36.5万亩，鲜果14万亩，茶叶13.9万亩，苗木花卉13万亩。"),
         ("茶叶是不是种得最多的", "不是：太子米优质稻36.5万亩，鲜果14万亩，茶叶13.9万亩，苗木花卉13万亩。")],
    )  # fmt: skip
    def test_counts_compared_are_worked_out(self, question: str, first_line: str) -> None:
        """比……多 compares the two counts whatever stands before the first (孝昌的), in one measure or two of
        things (个, 名); 最多 compares one with the others of its sentence, though no ranking is given."""
        assert _first_line(question) == first_line

    def test_an_english_name_one_letter_off_the_articles_is_a_typo(self) -> None:
        """Xinggang village is Xingang village mistyped, not another village to correct; Huayuan town for
        Xingang's is still corrected."""
        assert BRAIN.decide("What happened in Xinggang village in Wangdian town?").verdict is None
        assert _first_line("Is Xingang village in Huayuan town?").startswith("No, not Huayuan town but Wangdian town")

    def test_a_count_of_the_things_just_listed_states_no_premise(self) -> None:
        """土地、村集体、企业三方面: three is how many were listed, not a count of the companies to correct."""
        assert BRAIN.decide("公司和村子结对以后，希望土地、村集体、企业三方面各达到什么效果？").verdict is None
        assert _first_line("党小组有900个吗") == "不是900个，是875个。"

    @pytest.mark.parametrize(
        ("question", "start"),
        [("搞“三进四代”最终要达到什么效果？", "确保“小事不出村、大事不出乡、矛盾不上交”。"),
         ("文章开头说孝昌是以什么为目标的?", "孝昌县以提升基层党组织政治功能和组织力为目标")],
    )  # fmt: skip
    def test_what_a_measure_is_for_leads_its_reply(self, question: str, start: str) -> None:
        """效果, like 目的, asks what a measure is for: the clause saying it leads (确保……), where the summary
        said what is done; a summary that says it (以……为目标) is kept."""
        assert render_plain(BRAIN.respond(question)[1]).splitlines()[1].startswith(start)

    def test_items_of_a_parallel_list_named_one_after_another_are_not_a_wrong_pair(self) -> None:
        """谋事管事办事监事分别是谁 lists the four matters; it ties none of them to another's doer."""
        assert BRAIN.decide("谋事管事办事监事分别是谁").verdict is None
        assert BRAIN.decide("四事工作法里是理事会负责监事吗").verdict == "no"

    def test_a_name_the_article_never_gives_is_not_borne_out(self) -> None:
        """幸福食堂上过湖北电视台吗: the article names 央视 (CCTV), not that station; the reply says no."""
        for question in ("幸福食堂上过湖北电视台吗", "Was the happiness canteen featured on Hubei TV?"):
            assert BRAIN.decide(question).verdict == "no", question
        _, reply = BRAIN.respond("Was the happiness canteen featured on Hubei TV?")
        assert render_plain(reply).startswith('No, not Hubei TV but CCTV: The "Happiness Canteen" for the elderly')

    def test_a_yes_no_question_after_a_lead_in_is_borne_out_by_its_own_words(self) -> None:
        """是退下来的老书记吗 after 那131名导师都是些什么人: the lead-in's words, all the article's, make no 是的."""
        assert BRAIN.decide("那131名导师都是些什么人？是退下来的老书记吗？").verdict != "yes"

    def test_a_yes_no_question_about_a_word_the_article_never_uses_is_not_said(self) -> None:
        """Is Shen Teng the famous actor? The article does not say, and does not say "yes"."""
        decision = BRAIN.decide("Is Shen Teng the famous actor?")
        assert decision.verdict != "yes"


class TestWhatIsNotGiven:
    @pytest.mark.parametrize(
        "question",
        [
            "孝昌县有多少个驻村第一书记",
            "多少个乡镇党校",
            "孝昌县村集体收入多少",
            "唐根根在哪个镇",
            "11个软弱涣散村党组织是哪些村",
            "How many first secretaries are stationed in villages?",
            "How many township Party schools are there?",
        ],
    )
    def test_a_detail_the_article_does_not_give_is_said_to_be_missing(self, question: str) -> None:
        """Something spoken of but never counted, an amount of money, a town or villages the sentence never names."""
        assert BRAIN.decide(question).kind == "unexplained"

    @pytest.mark.parametrize(
        ("question", "fact"), [("提升中间支部有多少个", "369个"), ("浙江大学培训班人数是多少", "51人")]
    )
    def test_a_count_asked_in_other_words_is_given(self, question: str, fact: str) -> None:
        """提升中间支部 is what the label 提升的中间支部 counts; 人数 asks how many people, like 多少人."""
        decision, reply = BRAIN.respond(question)
        assert decision.kind == "answer"
        assert fact in render_plain(reply)[:40]

    @pytest.mark.parametrize("question", ["监事是谁负责的", "谋事归谁管"])
    def test_who_does_one_deed_of_a_who_does_what_list_is_the_list(self, question: str) -> None:
        """监事是谁负责的: the list of who does what (村“两委”谋事……村监会监事) answers, not "the article
        does not say"."""
        decision, reply = BRAIN.respond(question)
        assert decision.kind == "answer"
        assert "村监会监事" in render_plain(reply)[:60]

    def test_a_noun_ending_as_a_label_ends_counts_what_it_counts(self) -> None:
        """同盟 ends as 党建联盟 ends: the head of a Chinese noun is its last character; 人口 ends as no label does."""
        decision, reply = BRAIN.respond("村企抱团搞的党建同盟有几个")
        assert decision.kind == "answer"
        assert "2个" in render_plain(reply)[:40]
        assert BRAIN.decide("冯山社区有多少人口").kind == "unexplained"

    @pytest.mark.parametrize(
        ("question", "start"),
        [
            ("李健初在文章里是什么角色", "终审：李健初"),
            ("What was Peng Yang's job on this article?", "Editor: Peng Yang"),
        ],
    )
    def test_what_a_named_person_is_is_their_role(self, question: str, start: str) -> None:
        """李健初是什么角色: the role the article gives them leads."""
        _, reply = BRAIN.respond(question)
        assert start in render_plain(reply)[:40]

    @pytest.mark.parametrize(
        ("question", "start"),
        [("四事工作法第三个是什么", "▶ 四事第3项：专项协会办事"), ("四化的最后一个是什么", "▶ 四化第4项：细化举措"),
         ("What is the second of the four lines of work?", "▶ The four lines of work, number 2: optimise the system")],
    )  # fmt: skip
    def test_an_item_asked_by_its_place_is_that_item(self, question: str, start: str) -> None:
        """第三个, 最后一个, the second of: the one item of the list at that place."""
        _, reply = BRAIN.respond(question)
        assert render_plain(reply).splitlines()[1 if question[0] != "W" else 0] == start

    def test_a_place_is_taken_in_the_list_the_question_names(self) -> None:
        """四大产业，第二个种了多少亩: the second of the four industries (果茶), never the second way of linking
        farmers, a list the question does not name."""
        text = render_plain(BRAIN.respond("四大产业，第二个种了多少亩")[1])
        assert "果茶" in text
        assert "土地流转聘用型" not in text

    @pytest.mark.parametrize("question", ["第一书记有几个", "服务网最后形成了什么样的干群互动"])
    def test_a_title_or_an_adverb_is_no_place_in_a_list(self, question: str) -> None:
        """第一书记 is a title and 最后 "in the end": no item is picked by its place."""
        _, reply = BRAIN.respond(question)
        assert "项：" not in render_plain(reply)

    def test_what_a_thing_is_for_leads_without_stray_marks(self) -> None:
        """龙泉村为什么成了全国试点: 实现…… leads, and what is left of the sentence keeps no dangling ，；."""
        _, reply = BRAIN.respond("龙泉村为什么成了全国试点")
        text = render_plain(reply)
        assert "实现“零赔偿" in text
        assert "，；" not in text

    def test_what_a_named_place_got_is_the_sentence_naming_it(self) -> None:
        """丰山镇获得了什么称号: the one sentence of the entry naming 丰山镇 leads, not the summary."""
        assert render_plain(BRAIN.respond("丰山镇获得了什么称号")[1]).splitlines()[1].startswith("丰山镇获批")

    @pytest.mark.parametrize(
        ("question", "name"),
        [
            ("导师帮带制叫什么名字", "“将带兵、师帮徒”"),
            ("党组织、企业和农民一起干的那种模式，具体叫什么", "“党支部+企业+农民”"),
        ],
    )
    def test_a_quote_right_before_a_word_is_its_name(self, question: str, name: str) -> None:
        """导师帮带制叫什么名字: “将带兵、师帮徒” stands right before 导师帮带制, naming it; “党支部+企业+农民”
        before 发展模式 names the 模式 of the clause before the asking."""
        decision, reply = BRAIN.respond(question)
        assert decision.kind == "answer"
        assert name in render_plain(reply)

    def test_what_the_approach_is_for_is_the_sentence_of_its_aim(self) -> None:
        """四化并举的目标是什么: no sentence gives the four whole; the one saying what for (以……为目标) answers."""
        text = render_plain(BRAIN.respond("四化并举的目标是什么")[1])
        assert "为目标" in text

    def test_who_a_course_is_for_is_the_sentence_about_the_course(self) -> None:
        """华中农大的培训班是给谁办的: the sentence of that course (乡村干部、农村专技人才), not the mentors of
        another sentence that only shares 培训."""
        _, reply = BRAIN.respond("华中农大的培训班是给谁办的")
        text = render_plain(reply)
        assert "乡村干部、农村专技人才" in text
        assert "131名" not in text

    def test_a_counted_noun_in_other_words_is_read_as_the_articles_word(self) -> None:
        """How many enterprises: the FAQ gives enterprise as a variant of company, so the companies lead."""
        _, reply = BRAIN.respond("How many enterprises paired up with villages?")
        assert render_plain(reply).startswith("▶ 71 companies")

    def test_a_measure_the_nearest_fact_gives_is_given(self) -> None:
        """A number of times that the clause nearest the question gives is the answer, not "the article does
        not say" above it; the Zhejiang course, whose sentence gives none, is not given."""
        decision, reply = BRAIN.respond("How many times did officials go to Huanggang?")
        assert decision.kind == "answer"
        assert render_plain(reply).startswith("Twice")
        assert BRAIN.decide("How many times was the Zhejiang course held?").kind == "unexplained"

    def test_a_count_whose_noun_is_cut_with_its_verb_is_still_given(self) -> None:
        """导师帮带制带了多少人 is cut 导师帮带|制带: 导师帮带 names what is counted, so the count is given."""
        decision, reply = BRAIN.respond("导师帮带制带了多少人")
        assert decision.kind == "answer"
        assert "128名" in render_plain(reply)

    @pytest.mark.parametrize("question", ["这篇报道的标题叫啥", "这篇文章叫什么名字"])
    def test_what_the_article_is_called_is_its_title(self, question: str) -> None:
        """标题叫啥: the title the article gives in 《》, not "the article does not say"."""
        decision, reply = BRAIN.respond(question)
        assert decision.kind == "answer"
        assert "《孝昌县：坚持“四化”并举" in render_plain(reply)

    def test_who_where_no_one_is_named_is_the_people_counted(self) -> None:
        """浙江大学培训班都是些什么人: the article names no one, it counts 51 and says who they were."""
        _, reply = BRAIN.respond("浙江大学培训班都是些什么人")
        assert "驻村第一书记和村党组织书记等51人" in render_plain(reply)

    def test_a_count_of_another_sentence_is_not_what_a_named_thing_counts(self) -> None:
        """在浙江大学办了几次培训: the 两次 are the trips to 黄冈 and 宜昌; the article does not say how many
        Zhejiang courses there were, and says so with the 51 who were trained there."""
        decision, reply = BRAIN.respond("孝昌县在浙江大学办了几次培训")
        assert decision.kind == "unexplained"
        assert "51人" in reply.quote

    def test_what_is_not_given_quotes_the_clause_about_the_question(self) -> None:
        """周巷镇有几个示范: the clause about 周巷镇 is quoted, not the acreage its sentence opens with."""
        _, reply = BRAIN.respond("周巷镇有几个示范")
        assert reply.quote.startswith("周巷镇入选全国一村一品示范村镇")

    def test_one_of_a_group_counted_as_a_whole_is_not_counted(self) -> None:
        """冯山社区的人数: 3 counts the villages 冯山社区 is one of (冯山社区等3个村), not its people."""
        assert BRAIN.decide("冯山社区的人数是多少").kind == "unexplained"

    def test_a_word_said_beside_the_question_is_not_what_it_asks(self) -> None:
        """丰山镇拿了个省里的牌子，是什么示范: 牌子 stands in a clause that asks nothing; 示范 is asked, and given."""
        assert BRAIN.decide("听说丰山镇拿了个省里的牌子，是什么示范？").kind == "answer"
        assert BRAIN.decide("冯山社区的人口有多少").kind == "unexplained"

    def test_a_town_pointed_back_to_is_given(self) -> None:
        """龙泉村在哪个镇: 该镇, the 周巷镇 of the clause before."""
        _, reply = BRAIN.respond("龙泉村在哪个镇")
        assert "周巷镇" in render_plain(reply)[:60]

    def test_how_and_why_lead_with_the_way_and_the_end(self) -> None:
        """How the households are chosen is 支部指派或党员推荐; what 三进四代 is for is 小事不出村."""
        _, how = BRAIN.respond("党员中心户是怎么产生的")
        _, why = BRAIN.respond("三进四代的目的是什么")
        assert "支部指派或党员推荐" in render_plain(how)[:60]
        assert "小事不出村" in render_plain(why)[:60]


class TestHowAndWhy:
    def test_a_clause_saying_again_what_is_asked_gives_way_to_its_sentence(self) -> None:
        """全县怎么推进党支部标准化规范化建设: not the clause 推进党支部标准化规范化建设 again, but its sentence,
        with what was done (查、评、改 across 539 branches)."""
        _, reply = BRAIN.respond("全县怎么推进党支部标准化规范化建设的？")
        assert "539个农村基层党支部深入开展查、评、改" in reply.text


class TestRoughAndHeadedCounts:
    @pytest.mark.parametrize(
        ("question", "first_line"),
        [("几十个党小组吗", "不是几十个，是875个。"), ("有几百个党小组吗", "是的。"),
         ("党小组有上千个吧", "不是上千个，是875个。"), ("新岗村十几年没有信访吗", "不是十几年，是10年。")],
    )  # fmt: skip
    def test_a_rough_count_is_checked_as_a_range(self, question: str, first_line: str) -> None:
        """875 is some hundreds, not some tens nor a thousand or more; 10 years is not a dozen-odd."""
        assert _first_line(question) == first_line

    def test_how_many_kinds_of_a_listed_thing_is_the_list_counted(self) -> None:
        """利益联接方式有几种: no count names them, but the article lists five (and 等): the list, counted."""
        _, reply = BRAIN.respond("利益联接方式有几种")
        assert reply.lead == (
            "利益联接方式（列出5种）：订单合同型、土地流转聘用型、土地入股分红型、转移就业型、土地托管带动型等",
        )

    def test_a_count_asked_by_a_verb_and_its_object_is_of_that_object(self) -> None:
        """种茶的面积: 茶, a word of the FAQ's own, is what the 茶叶 count counts; 种玉米 is not given."""
        assert BRAIN.respond("种茶的面积有多大？")[1].lead == ("茶叶 13.9万亩",)
        assert BRAIN.decide("种玉米的面积有多大？").kind == "unexplained"

    def test_the_number_of_a_thing_is_its_count(self) -> None:
        """想核对一下……龙头企业的数字 asks for the count of the companies, though it has no question word."""
        decision, reply = BRAIN.respond("我在写材料，想核对一下文中龙头企业的数字。")
        assert decision.kind == "answer"
        assert reply.lead == ("市级以上农业产业化龙头企业 81家",)
        assert analyse("数字乡村建设怎么样", "zh").kind != "count"  # 数字化, 数字乡村: no number asked


class TestGathering:
    def test_names_of_one_kind_are_gathered_from_every_measure(self) -> None:
        """文章里提到了哪些大学: the three universities of two measures, each with its measure."""
        decision, reply = BRAIN.respond("文章里提到了哪些大学")
        assert decision.kind == "answer"
        assert reply.lead == (
            "文章提到的大学：浙江大学（外学拓思路）、华中科技大学（内学强素质）、华中农业大学（内学强素质）",
        )

    def test_in_english_and_without_the_articles_own_county(self) -> None:
        """Towns the article mentions are its four towns; Xiaochang County is what it is about, not a place it names."""
        _, reply = BRAIN.respond("Which towns does the article mention?")
        assert reply.lead == (
            "The towns the article names: Wangdian town (The ten-minute service pledge); Huayuan town (Three intos "
            "and four on-behalfs); Zhouxiang town (The four-matters method); Fengshan town (Mobilising everyone)",
        )
        _, reply = BRAIN.respond("文章提到了哪些地方")
        assert reply.lead[0].startswith("文章提到的地方：黄冈（外学拓思路）、宜昌（外学拓思路）、王店镇")
        assert "孝昌县" not in reply.lead[0]

    @pytest.mark.parametrize(
        ("question", "lead"),
        [("除了周巷镇还有哪个镇", "文章提到的其他镇：王店镇（“十分钟服务承诺”联户联心）、花园镇（“三进四代”善为善治）、"
                                  "丰山镇（群众全员发动）"),
         ("除了沈腾，还有哪些人", "文章提到的其他人：程琪（能人回乡带动）、唐根根（能人回乡带动）")],
    )  # fmt: skip
    def test_names_set_aside_are_left_out(self, question: str, lead: str) -> None:
        """除了周巷镇: the article's other towns; 除了沈腾: the others named with him, not the editors."""
        assert BRAIN.respond(question)[1].lead == (lead,)

    @pytest.mark.parametrize(
        "question", ["除了冯山社区，另外两个是哪些村", "除了冯山社区，另外两个全国民主法治示范村叫什么？"]
    )
    def test_the_rest_of_a_counted_set_the_article_does_not_name_is_not_given(self, question: str) -> None:
        """冯山社区等3个村: the other two are not named, and no other village of the article is one of them."""
        assert BRAIN.decide(question).kind == "unexplained"

    def test_how_many_of_a_kind_the_article_names_leads_with_the_number(self) -> None:
        """文章里一共提到了几所大学: 3所, then which; in English with the full names (Huazhong University of
        Science and Technology, not cut at "of")."""
        assert BRAIN.respond("文章里一共提到了几所大学")[1].lead[0].startswith("文章提到的大学（3所）：浙江大学")
        assert BRAIN.respond("How many universities does the article mention?")[1].lead == (
            "The universities the article names (3): Zhejiang University (Learning from outside to widen horizons); "
            "Huazhong University of Science and Technology (Learning within to raise quality); Huazhong Agricultural "
            "University (Learning within to raise quality)",
        )

    @pytest.mark.parametrize("question", ["孝昌县哪些镇的GDP最高", "都有谁", "哪个镇的"])
    def test_a_question_with_more_to_it_or_not_pointing_at_the_article_is_not_gathered(self, question: str) -> None:
        """Something asked of the towns (GDP), or a question that may lean on the answer before it, is no gathering."""
        decision = BRAIN.decide(question)
        assert decision.focus is None or not any(
            listed.name.startswith("文章提到的") for listed in decision.focus.lists
        )


class TestNeverFalselyMissing:
    """For every typed value of the article, a question asking for it is never told the article does not say it."""

    def test_every_value_is_asked_for(self) -> None:
        """The values asked for cover every kind, in both languages."""
        kinds = {(lang, value.kind) for lang, _, value, _ in TYPED}
        assert {("zh", "count"), ("en", "count"), ("zh", "person"), ("en", "person"), ("zh", "place")} <= kinds
        assert {("zh", "date"), ("en", "date"), ("zh", "org"), ("en", "org")} <= kinds

    @pytest.mark.parametrize("typed", TYPED, ids=[t[3][:30] for t in TYPED])
    def test_a_question_for_a_value_is_answered(self, typed: tuple[Lang, Entry, Value, str]) -> None:
        """Asked for a value the article gives, the bot answers (or asks which entry was meant), never declines;
        an answer shows the value."""
        lang, _, value, question = typed
        decision, reply = BRAIN.respond(question, lang)
        assert decision.kind in ("answer", "ask-back"), (question, decision.kind)
        shown = render_plain(reply).replace(",", "")
        number = f"{value.number:f}".rstrip("0").rstrip(".") if value.number is not None else ""
        if decision.kind == "answer" and value.kind != "date":
            assert value.text in render_plain(reply) or (number and number in shown), (question, value.text)

    @pytest.mark.parametrize(
        ("question", "shown"),
        [("茶叶各种了多少亩", "▶ 茶叶 13.9万亩"), ("浙大那个班有几个人", "▶ 浙江大学培训班学员 51人"),
         ("这文章谁编的啊", "编辑：彭扬")],
    )  # fmt: skip
    def test_the_measure_word_or_the_deed_says_what_is_asked(self, question: str, shown: str) -> None:
        """多少亩 asks an area whatever words stand before it (各种 is no word of the question here); 几个人
        of a measure with one count of people asks that count; 谁编的 asks for the person whose role
        begins with the deed. None of them is told the article does not say."""
        decision, reply = BRAIN.respond(question)
        assert decision.kind == "answer"
        assert shown in render_plain(reply)

    @pytest.mark.parametrize(
        ("question", "shown"),
        [("育树苗、种花草的面积有多大？", "▶ 苗木花卉 13万亩"), ("种茶的面积有多大？", "▶ 茶叶 13.9万亩")],
    )  # fmt: skip
    def test_an_area_asked_in_other_words_is_the_one_whose_label_shares_them(self, question: str, shown: str) -> None:
        """面积 asks an area; of the entry's areas, the one whose label shares most characters with what the
        question says (树苗、花草: 苗木花卉) answers, where saying none is given would be false."""
        assert shown in render_plain(BRAIN.respond(question)[1])

    @pytest.mark.parametrize("question", ["孝昌县面积多大", "县里土地面积多大", "新岗村面积多大", "种玉米的面积多大"])
    def test_an_area_of_the_county_or_of_land_is_not_a_crops(self, question: str) -> None:
        """The county's own area, its land, a village's, a crop it never names: no crop's area answers them
        (玉米 shares one character with 太子米, which is chance)."""
        assert BRAIN.decide(question).kind in ("unexplained", "decline")

    @pytest.mark.parametrize(
        ("question", "kind"),
        [("沈腾是做什么生意的", "unexplained"), ("沈腾回乡后搞的是什么产业？", "unexplained"),
         ("沈腾是干什么的", "answer")],
    )  # fmt: skip
    def test_what_a_person_does_that_the_article_never_tells(self, question: str, kind: str) -> None:
        """The article names 沈腾 and tells nothing of his business: a question for it is told so, with the
        sentence naming him; one asking what he does with no thing named gets that sentence."""
        assert BRAIN.decide(question).kind == kind

    def test_a_person_named_is_what_the_question_is_about(self) -> None:
        """彭扬担任什么角色: 彭扬 stands in one entry alone, so the question is about it whatever else it says
        in words the FAQ does not know; 李健初是哪里人: his role is given, no place of his."""
        assert _first_line("彭扬担任什么角色") == "【关于这篇文章】"
        assert "编辑：彭扬" in render_plain(BRAIN.respond("彭扬担任什么角色")[1])
        decision = BRAIN.decide("李健初是哪里人")
        assert decision.kind == "unexplained"

    def test_which_named_things_the_article_only_counts_are_not_given(self) -> None:
        """哪些企业参与了共建: the article counts the 71 companies and names none (参与's 与 joins nothing, so
        the noun asked by is 企业); 昌孝县, the county's name with two characters swapped, is the county."""
        assert BRAIN.decide("哪些企业参与了共建").kind == "unexplained"
        assert BRAIN.decide("哪71家企业参与了共建").kind == "unexplained"
        assert BRAIN.decide("昌孝县的太子米").kind == "answer"

    def test_a_count_of_a_measure_of_its_own_is_still_not_given(self) -> None:
        """浙大培训几期: the one number of times the measure gives is the trips elsewhere; not given."""
        assert BRAIN.decide("浙大培训几期").kind == "unexplained"
        assert BRAIN.decide("浙大那个班有几个老师").kind == "unexplained"

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.sampled_from(TYPED), st.integers(0, 4), st.integers(0, 3))
    def test_whatever_the_politeness_around_it(
        self, typed: tuple[Lang, Entry, Value, str], before: int, after: int
    ) -> None:
        """Greetings and lead-ins before, particles after change nothing: never "the article does not say"."""
        lang, _, _, question = typed
        polite = POLITE[lang]
        asked = polite[0][before % len(polite[0])] + question.rstrip("?？") + polite[1][after % len(polite[1])]
        decision = BRAIN.decide(asked, lang)
        assert decision.kind not in ("unexplained", "decline"), (asked, decision.kind)
