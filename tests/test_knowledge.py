"""The FAQ file: its content against the article, and validation of broken files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core.brain import Brain
from bot.faq.knowledge import KnowledgeBase, KnowledgeError, load_knowledge, parse_knowledge
from tests.conftest import ARTICLE, BROKEN, FAQ, broken_expectation

FIGURE_IN_TEXT = re.compile(r"(\d+(?:\.\d+)?)(余?)(万亩|个|名|人|家|分钟|年)")

MEASURES = {
    "外学拓思路",
    "内学强素质",
    "领学聚思想",
    "纵向深化",
    "横向扩面",
    "自我提质",
    "“十分钟服务承诺”联户联心",
    "“三进四代”善为善治",
    "“四事工作法”民事民办",
    "能人回乡带动",
    "村企互助联动",
    "群众全员发动",
}


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeBase:
    return load_knowledge(FAQ)


def _article_body() -> str:
    lines = ARTICLE.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not re.match(r"^\d{4}-\d{2}-\d{2}", line))


class TestShippedFaq:
    def test_has_every_measure_line_overview_and_about(self, knowledge: KnowledgeBase) -> None:
        """One entry per measure, one per line of work, an overview and one about the article."""
        titles = {entry.title for entry in knowledge.entries}
        assert titles >= MEASURES
        for line in knowledge.lines.values():
            assert knowledge.by_id[line.id].title == line.zh
        assert {"overview", "about"} <= set(knowledge.by_id)
        assert len(knowledge.entries) == 18

    def test_every_measure_has_three_per_line(self, knowledge: KnowledgeBase) -> None:
        """Each of the four lines of work has exactly three measures under it."""
        for line in knowledge.lines:
            assert len(knowledge.measures_of(line)) == 3

    def test_every_article_figure_is_in_the_faq(self, knowledge: KnowledgeBase) -> None:
        """Each number-with-unit of the article is the figure of some entry."""
        in_faq = {f.zh for e in knowledge.entries for f in e.figures}
        in_article = {"".join(m) for m in FIGURE_IN_TEXT.findall(_article_body())}
        assert len(in_article) >= 25
        assert in_article - in_faq == set()

    def test_every_faq_figure_is_in_the_article(self, knowledge: KnowledgeBase) -> None:
        """Nothing is invented: every figure in the FAQ stands in the article as written."""
        article = _article_body()
        missing = [(e.id, f.zh) for e in knowledge.entries for f in e.figures if f.zh not in article]
        assert missing == []

    def test_figure_stands_in_its_own_answer(self, knowledge: KnowledgeBase) -> None:
        """An entry's figures are in its own answer text, so the reply never contradicts them."""
        for entry in knowledge.entries:
            for figure in entry.figures:
                assert figure.zh in entry.answer, (entry.id, figure.zh)

    def test_every_entry_has_english(self, knowledge: KnowledgeBase) -> None:
        """Every entry can be answered in English."""
        for entry in knowledge.entries:
            assert entry.en.title
            assert entry.en.answer
            assert entry.en.questions

    def test_each_measure_answers_with_the_articles_own_paragraph(self, knowledge: KnowledgeBase) -> None:
        """A measure's full text is its paragraph in the article, word for word: nothing added, nothing left out."""
        paragraphs = {
            line.split("。", 1)[0]: line.split("。", 1)[1] for line in _article_body().splitlines() if "。" in line
        }
        for title in MEASURES:
            entry = next(e for e in knowledge.entries if e.title == title)
            assert entry.answer == paragraphs[title], title

    def test_every_list_item_and_unexplained_term_stands_in_its_answer(self, knowledge: KnowledgeBase) -> None:
        """Lists repeat the answer's words and unexplained terms are named by it, in both languages."""
        for entry in knowledge.entries:
            for listed in entry.lists:
                assert len(listed.items) == len(listed.en_items) >= 2
            for named in entry.unexplained:
                assert named.zh in entry.answer
                assert named.en.lower() in entry.en.answer.lower()

    def test_the_article_block_says_what_the_bot_is_about(self, knowledge: KnowledgeBase) -> None:
        """Title, date, source and the bot's name come from the FAQ, not from the code."""
        article = knowledge.article
        assert article.title.zh == ARTICLE.read_text(encoding="utf-8").splitlines()[0]
        assert article.published.isoformat() == "2022-11-16"
        assert article.examples("zh")
        assert article.examples("en")

    def test_folded_chinese_has_no_spaces(self, knowledge: KnowledgeBase) -> None:
        """Long answers folded over several YAML lines do not gain spaces between Chinese characters."""
        for entry in knowledge.entries:
            assert not re.search(r"[\u4e00-\u9fff，；。] [\u4e00-\u9fff]", entry.answer), entry.id


class TestWordLists:
    def test_the_faqs_word_lists_are_counted_here(self, knowledge: KnowledgeBase) -> None:
        """The FAQ's keywords (of entries, lists and terms), synonym variants and detail words, counted.

        A change to any of these numbers shows in review. They may shrink; growing them after
        reading questions is how a matcher memorises the questions it has seen, so an increase needs
        a reason of its own (a real synonym many questions would use), given in the commit. 306 of
        the variants come from a table of everyday words for the article's terms written from the
        article alone (`bench/article_variants.txt`, which the ablation removes).
        """
        keywords = sum(len(e.keywords) + len(e.en.keywords) for e in knowledge.entries)
        keywords += sum(len(lst.keywords) + len(lst.en_keywords) for e in knowledge.entries for lst in e.lists)
        keywords += sum(len(term.keywords) for e in knowledge.entries for term in e.unexplained)
        variants = len(knowledge.synonyms("zh")) + len(knowledge.synonyms("en"))
        details = sum(len(d.ask_zh) + len(d.ask_en) + len(d.told_zh) + len(d.told_en) for d in knowledge.details)
        assert (keywords, variants, details) == (753, 425, 318)


class TestFigure:
    def test_english_number_multiplies_out_wan(self, knowledge: KnowledgeBase) -> None:
        """36.5万亩 reads as 365,000 in English, and 余 becomes a plus sign."""
        rice = next(f for f in knowledge.by_id["act-everyone"].figures if f.value == "36.5")
        households = next(f for f in knowledge.by_id["system-vertical"].figures if f.plus)
        assert rice.en_number == "365,000"
        assert households.zh == "3100余名"
        assert households.en_number == "3,100+"


class TestValidation:
    @pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
    def test_broken_file_is_refused_with_line_and_message(self, path: Path) -> None:
        """Each broken file fails (schema or self-check) with `file:line: message` naming the line and problem."""
        line, message = broken_expectation(path)
        with pytest.raises(KnowledgeError) as caught:
            Brain.load(path)
        assert any(p.startswith(f"{path}:{line}: ") and message in p for p in caught.value.problems), (
            caught.value.problems
        )

    def test_every_problem_is_reported_not_only_the_first(self) -> None:
        """Validation goes on after the first problem so an admin fixes them all at once."""
        text = (
            FAQ.read_text(encoding="utf-8")
            .replace("  - id: learn-outside\n", "  - id: learn-outside\n    colour: red\n", 1)
            .replace("  - id: act-everyone\n", "  - id: act\n", 1)
        )
        with pytest.raises(KnowledgeError) as caught:
            parse_knowledge(text.encode(), "faq.yaml")
        problems = caught.value.problems
        assert any("unknown key 'colour'" in p for p in problems)
        assert any("duplicate id 'act'" in p for p in problems)

    def test_not_utf8_is_refused(self) -> None:
        """A file saved in another encoding gets a message saying to save it as UTF-8."""
        raw = FAQ.read_text(encoding="utf-8").encode("gb18030")
        with pytest.raises(KnowledgeError, match="not UTF-8"):
            parse_knowledge(raw, "faq.yaml")

    def test_oversized_file_is_refused_before_parsing(self) -> None:
        """A huge file is refused on its size alone."""
        with pytest.raises(KnowledgeError, match="at most"):
            parse_knowledge(b"#" * 2_000_000, "faq.yaml")

    def test_missing_file_is_one_line(self, tmp_path: Path) -> None:
        """A path that does not exist gives one line, not a traceback."""
        with pytest.raises(KnowledgeError) as caught:
            load_knowledge(tmp_path / "nope.yaml")
        assert len(caught.value.problems) == 1
        assert "cannot read the file" in caught.value.problems[0]
