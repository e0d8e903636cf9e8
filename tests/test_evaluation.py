"""The accuracy the matcher reaches on the tuning questions, and the shape of the question sets."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.brain import Brain
from bot.core.decision import Decision
from bot.core.reply import render_plain
from bot.ops.evaluation import (
    TARGET_CATEGORY,
    Question,
    Report,
    Tally,
    english_forms,
    evaluate,
    in_english,
    load_part,
    load_questions,
    part_files,
    shows_facts,
    verdict,
)

EVAL = Path(__file__).parent / "eval"
CATEGORIES = {
    "words",
    "paraphrase",
    "keyword",
    "typo",
    "traditional",
    "figure",
    "name",
    "english",
    "unanswerable",
    "offtopic",
    "who",
    "list",
    "unexplained",
    "smalltalk",
    "topic",
}
BATCH7 = {
    *("article", "asr", "cjk-variants", "leadin", "notgiven"),
    *("onefact", "pinyin-english", "premise", "spoken", "yesno"),
}
"""The styles the seventh batch added: spoken and speech-to-text wording, lead-ins, yes/no, wrong premises..."""
BATCH8 = {"which-where", "how-why"}
"""The styles the eighth batch added: which place or name, and how or why."""


@pytest.fixture(scope="module")
def tuning(brain: Brain) -> Report:
    return evaluate(brain, load_part(part_files("tuning", EVAL)))


@pytest.fixture(scope="module")
def held_out(brain: Brain) -> Report:
    return evaluate(brain, load_part(part_files("held-out", EVAL)))


class TestQuestionSets:
    """The held-out part is read here only to check its shape; nothing of it is printed, even on failure."""

    def test_sets_are_large_varied_and_disjoint(self, brain: Brain) -> None:
        """At least 250 questions over every category, a fifth held out, no question in both parts."""
        tuning = load_part(part_files("tuning", EVAL))
        held_out = load_part(part_files("held-out", EVAL))
        assert len(tuning) + len(held_out) >= 250
        assert len(held_out) >= 0.16 * (len(tuning) + len(held_out))
        shared = len({q.text for q in tuning} & {q.text for q in held_out})
        assert shared == 0, f"{shared} held-out questions also stand in the tuning part"
        assert set(Counter(q.category for q in tuning)) == CATEGORIES | BATCH7 | BATCH8
        assert set(Counter(q.category for q in held_out)) == CATEGORIES | BATCH7 | BATCH8
        unknown = sum(not question.entries <= set(brain.knowledge.by_id) for question in held_out)
        assert unknown == 0, f"{unknown} held-out questions name entries the FAQ does not have"
        for question in tuning:
            assert question.entries <= set(brain.knowledge.by_id), question

    def test_expectations_are_well_formed(self) -> None:
        """Every expectation is one the evaluation knows; questions that must show facts say which."""
        for part in ("tuning", "held-out"):
            bad = 0
            for question in load_part(part_files(part, EVAL)):
                bad += not (
                    question.wants in ("answer", "decline", "unexplained", "smalltalk")
                    and (question.wants != "answer" or question.entries)
                    and all(question.facts)
                    and (question.category not in ("who", "list") or question.facts)
                    and question.says in (None, "yes", "no")
                    and (question.says is None or question.wants == "answer")
                )
            assert bad == 0, f"{bad} questions of the {part} part are malformed"

    def test_no_question_is_copied_from_the_faq(self, brain: Brain) -> None:
        """The evaluation does not test the FAQ's own example questions back at it."""
        examples = {q for e in brain.knowledge.entries for q in (*e.questions, *e.en.questions)}
        for part in ("tuning", "held-out"):
            copied = len({q.text for q in load_part(part_files(part, EVAL))} & examples)
            assert copied == 0, f"{copied} questions of the {part} part are the FAQ's own examples"

    def test_only_the_questions_list_is_read(self, tmp_path: Path) -> None:
        """A set file's other lists (follow-ups) are left alone; an empty fact means none, `says` is read."""
        path = tmp_path / "set.yaml"
        path.write_text(
            "questions:\n"
            "  - [yesno, act-returnees, 国家级星创天地有2家吗, 1家, 'no']\n"
            "  - [english, lead-three-four, 'What does san jin si dai mean?', '']\n"
            "followups:\n  - [ellipsis, 党小组设在哪里, system-vertical, 一共多少个, system-vertical, '875']\n",
            encoding="utf-8",
        )
        first, second = load_questions(path)
        assert (first.facts, first.says) == (("1家",), "no")
        assert (second.facts, second.says) == ((), None)

    def test_an_unquoted_yes_or_no_is_a_verdict_not_a_boolean(self, tmp_path: Path) -> None:
        """YAML reads `says` written as a bare no as false: it is still "no", never dropped as no verdict;
        a `says` that is neither is refused."""
        path = tmp_path / "set.yaml"
        path.write_text(
            "questions:\n  - [yesno, act-returnees, 国家级星创天地有2家吗, 1家, no]\n"
            "  - [yesno, act-returnees, 国家级星创天地有1家吗, 1家, yes]\n",
            encoding="utf-8",
        )
        assert [q.says for q in load_questions(path)] == ["no", "yes"]
        path.write_text("questions:\n  - [yesno, act-returnees, 有2家吗, 1家, maybe]\n", encoding="utf-8")
        with pytest.raises(ValueError, match="says must be yes or no"):
            load_questions(path)


class TestTally:
    @pytest.mark.parametrize(
        ("text", "said"),
        [("不是，是1家。", "no"), ("是的，王店镇新岗村", "yes"), ("No, 1 national", "no"), ("Yes. Xingang", "yes"),
         ("【能人回乡带动】不是", None), ("是在浙江大学办的", None), ("Nothing", None)],
    )  # fmt: skip
    def test_the_verdict_is_what_the_reply_leads_with(self, text: str, said: str | None) -> None:
        """是/不是 and yes/no count only as the reply's first word, not inside it or as part of a longer word."""
        assert verdict(text) == said

    def test_a_yes_no_question_is_right_only_with_the_right_verdict(self, brain: Brain) -> None:
        """Right entry is not enough: the reply must lead with the verdict and, for a no, show the true value."""
        question = Question("yesno", "act-returnees", "国家级星创天地有2家吗", ("1家",), "no")
        decision = Decision(question.text, "zh", "answer", brain.decide("星创天地有几家").candidates)
        assert Tally().add(question, decision, "不是，国家级星创天地是1家。").right == 1
        assert Tally().add(question, decision, "是，国家级星创天地是1家。").right == 0
        assert Tally().add(question, decision, "不是。").right == 0
        assert Tally().add(question, decision, "国家级星创天地1家").right == 0

    def test_a_wrong_premise_corrected_with_the_rest_missing_is_right(self, brain: Brain) -> None:
        """不是20万亩，是13.9万亩 then "the article does not say" for what is asked on top is what a wrong premise
        wants, from its entry; the same from another entry, or without the "no", is not right."""
        text = "孝昌的茶叶种了20万亩，有什么知名品牌"
        decision = brain.decide(text)
        assert (decision.kind, decision.verdict) == ("unexplained", "no")
        reply = render_plain(brain.respond(text)[1])
        right = Tally().add(Question("premise", "act-everyone", text, ("13.9万亩",), "no"), decision, reply)
        other = Tally().add(Question("premise", "act-enterprises", text, ("13.9万亩",), "no"), decision, reply)
        unjudged = Tally().add(
            Question("premise", "act-everyone", text, ("13.9万亩",), "no"), replace(decision, verdict=None)
        )
        assert (right.correct, right.facts_shown, right.confident_wrong) == (1, 1, 0)
        assert (other.correct, unjudged.correct) == (0, 0)

    def test_a_wrong_entry_is_a_confident_wrong_answer(self, brain: Brain) -> None:
        """Answering with another entry than the expected one counts against the bot, not as right."""
        decision = brain.decide("党小组有多少个")
        tally = Tally().add(Question("figure", "act-everyone", "党小组有多少个"), decision)
        assert (tally.correct, tally.confident_wrong) == (0, 1)

    def test_a_question_back_offering_the_entry_is_right_only_for_a_broad_topic(self, brain: Brain) -> None:
        """For `any:` a question back with the entry among the options is right; for an entry id it is not."""
        decision = brain.decide("Fengshan")
        assert decision.kind == "ask-back"
        broad = Tally().add(Question("topic", "any:act-everyone|lead-four-matters", "Fengshan"), decision)
        narrow = Tally().add(Question("name", "act-everyone", "Fengshan"), decision)
        assert (broad.right, narrow.right, narrow.asked_with_right) == (1, 0, 1)

    def test_an_unexplained_term_is_right_only_with_its_entry(self, brain: Brain) -> None:
        """`unexplained:x` wants the "not explained" reply naming entry x; a plain refusal is only declined."""
        decision = brain.decide("五问是什么")
        right = Tally().add(Question("unexplained", "unexplained:system-quality", "五问是什么"), decision)
        other = Tally().add(Question("unexplained", "unexplained:learn-lead", "五问是什么"), decision)
        assert (right.right, right.handled, other.right, other.handled) == (1, 1, 0, 1)

    def test_facts_must_lead_the_reply(self, brain: Brain) -> None:
        """A reply holding the asked fact only after the first characters does not count as showing it."""
        question = Question("who", "lead-ten-minutes", "新岗村在哪", ("王店镇",))
        decision = Decision("新岗村在哪", "zh", "answer", brain.decide("新岗村在哪").candidates)
        late = Tally().add(question, decision, "x" * 100 + "王店镇")
        early = Tally().add(question, decision, "王店镇新岗村")
        assert (late.facts_shown, early.facts_shown) == (0, 1)


class TestFactsShown:
    def test_a_fact_is_found_as_either_language_writes_it(self) -> None:
        """14万亩 stands in "140,000 mu", 3100余名 in "3,100+", 2022-11-16 in 2022年11月16日 and in
        "16 November 2022"; the first fact must stand near the start."""
        assert shows_facts("▶ 140,000 mu of fresh fruit", ("14万亩",))
        assert shows_facts("▶ 3,100+ central Party-member households", ("3100余名",))
        assert shows_facts("这是一篇2022年11月16日10:04发布的新闻报道", ("2022-11-16", "10:04"))
        assert shows_facts("A news report published on 16 November 2022 at 10:04", ("2022-11-16",))
        assert not shows_facts("▶ 139,000 mu of tea", ("14万亩",))

    def test_an_english_reply_shows_a_name_in_the_faqs_english(self, brain: Brain) -> None:
        """新岗村 stands in an English reply as Xingang village, the FAQ's English for it; not in a Chinese one
        that lacks it, and not as another place."""
        facts = in_english(("新岗村",), english_forms(brain.knowledge))
        assert shows_facts("Xingang village in Wangdian town has had no petition in 10 years", facts)
        assert not shows_facts("Longquan village in Zhouxiang town", facts)
        assert not shows_facts("王店镇有个村", ("新岗村",))
        assert not shows_facts("▶ 13,100 households", ("3100余名",))
        assert not shows_facts("x" * 100 + "875", ("875",))


class TestTuningAccuracy:
    """Figures reached on the tuning part (`python -m bot eval`), each gated a little below where it
    stands, so that a change that loses ground fails; the targets themselves are in the README."""

    def test_answerable_questions_answered_right(self, tuning: Report) -> None:
        """At least 86% of answerable tuning questions get the right entry (and the right yes/no); batch 13's
        half, all wrong premises, yes/no questions and paraphrases, took it from 90.8% to 87.4%."""
        overall = tuning.overall
        assert overall.correct / overall.answerable >= 0.86

    def test_the_rest_is_declined_or_chatted(self, tuning: Report) -> None:
        """At least 95% of tuning questions that are not answerable are declined, or answered as small talk."""
        overall = tuning.overall
        assert overall.handled / overall.rest >= 0.95

    def test_confident_wrong_answers_are_rare(self, tuning: Report) -> None:
        """No more than 2% of tuning questions get a confident wrong answer."""
        overall = tuning.overall
        assert overall.confident_wrong / overall.total <= 0.02

    def test_asked_facts_lead_the_replies(self, tuning: Report) -> None:
        """At least 92% of right answers that must show a fact show it, the first within 90 characters."""
        overall = tuning.overall
        assert overall.facts_shown / overall.with_facts >= 0.92

    def test_yes_no_questions_lead_with_the_right_verdict(self, tuning: Report) -> None:
        """At least 83% of yes/no and wrong-premise questions get the right 是/不是 first (batch 13's half
        took it from 93% to 84%)."""
        overall = tuning.overall
        assert overall.verdicts_right / overall.verdicts >= 0.83

    def test_every_reply_is_within_the_length_budget(self, tuning: Report) -> None:
        """No reply to a tuning question runs over 300 (Chinese) or 600 (English) characters unless asked whole."""
        assert tuning.overall.within_budget == tuning.overall.replies

    def test_most_categories_reach_ninety_percent(self, tuning: Report) -> None:
        """Every category is at least 90% right on the tuning part but paraphrases, spoken questions,
        questions about the article itself, how or why, wrong premises, yes/no questions, details the
        article does not give, long lead-ins and which or where (see the README for their figures)."""
        low = {
            name: tally.right / tally.total
            for name, tally in tuning.by_category.items()
            if tally.right < TARGET_CATEGORY * tally.total
        }
        allowed = {
            *("paraphrase", "spoken", "article", "how-why", "premise"),
            *("yesno", "notgiven", "leadin", "which-where"),
        }
        assert set(low) <= allowed, low


class TestHeldOutAccuracy:
    """The held-out part's figures, gated with a margin for noise as the tuning part's are. A failure
    names the figure, never a question (the held-out part is not read question by question)."""

    def test_answerable_questions_answered_right(self, held_out: Report) -> None:
        """At least 81% of answerable held-out questions get the right entry (and the right yes/no)."""
        overall = held_out.overall
        share = overall.correct / overall.answerable
        assert share >= 0.81, f"{share:.1%}"

    def test_the_rest_is_declined_or_chatted(self, held_out: Report) -> None:
        """At least 86% of held-out questions that are not answerable are declined, or answered as small talk."""
        overall = held_out.overall
        share = overall.handled / overall.rest
        assert share >= 0.86, f"{share:.1%}"

    def test_confident_wrong_answers_stay_below_their_mark(self, held_out: Report) -> None:
        """No more than 4.5% of held-out questions get a confident wrong answer (the target, 2%, is missed)."""
        overall = held_out.overall
        share = overall.confident_wrong / overall.total
        assert share <= 0.045, f"{share:.1%}"

    def test_asked_facts_lead_the_replies(self, held_out: Report) -> None:
        """At least 85% of right held-out answers that must show a fact show it early."""
        overall = held_out.overall
        share = overall.facts_shown / overall.with_facts
        assert share >= 0.85, f"{share:.1%}"
