"""The segmenter cuts as jieba 0.42.1 does, from the compiled dictionary shipped in `bot/core/words/`.

jieba itself (a test dependency) is the reference: every text of the FAQ, every evaluation
question and the article, and any text hypothesis makes up, is cut the same way by both,
with and without the FAQ's own words.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.dictionary import WORDS, compile_dictionary, dictionary
from bot.core.index import _vocabulary
from bot.core.normalise import fold, prepare
from bot.core.segmenter import Segmenter
from bot.faq.knowledge import iter_texts, load_knowledge
from bot.ops.evaluation import load_questions
from tests.conftest import ARTICLE, FAQ, ROOT

KNOWLEDGE = load_knowledge(FAQ)
VOCABULARY = frozenset(_vocabulary(KNOWLEDGE))
ALPHABET = "".join(sorted(set(ARTICLE.read_text(encoding="utf-8")))) + "abcXYZ019 .%-+#&_\r\n\t，。?"


def _texts() -> list[str]:
    texts = [fold(text) for entry in KNOWLEDGE.entries for _, text in iter_texts(entry, "zh")]
    for part in ("tuning", "heldout"):
        texts += [prepare(q.text, "zh") for q in load_questions(ROOT / "tests" / "eval" / f"{part}.yaml")]
    return texts + ARTICLE.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def reference() -> dict[frozenset[str], Any]:
    """jieba's own tokenizers: its dictionary alone, and with the FAQ's words added as the bot adds them."""
    jieba.setLogLevel(logging.WARNING)
    plain = jieba.dt
    plain.initialize()
    with_words = jieba.Tokenizer()
    for word in {w.strip() for w in VOCABULARY if len(w.strip()) >= 2}:
        frequency = plain.suggest_freq(word, False)
        if jieba.get_FREQ(word, 0) < frequency:
            with_words.add_word(word, frequency)
    return {frozenset(): plain, VOCABULARY: with_words}


def _same(reference: Any, segmenter: Segmenter, texts: Iterable[str]) -> list[tuple[str, list[str], list[str]]]:
    return [(t, jieba_cut, ours) for t in texts if (jieba_cut := reference.lcut(t)) != (ours := segmenter.cut(t))]


class TestSegmenter:
    @pytest.mark.parametrize("vocabulary", [frozenset(), VOCABULARY], ids=["dictionary alone", "with FAQ words"])
    def test_cuts_the_faq_the_questions_and_the_article_as_jieba(
        self, reference: dict[frozenset[str], Any], vocabulary: frozenset[str]
    ) -> None:
        """Every FAQ text, evaluation question and article line is cut into jieba's words."""
        assert _same(reference[vocabulary], Segmenter(vocabulary), _texts()) == []

    @settings(max_examples=150, deadline=None)
    @given(text=st.text(alphabet=ALPHABET, max_size=60))
    def test_cuts_any_text_as_jieba(self, reference: dict[frozenset[str], Any], text: str) -> None:
        """Any mix of Chinese, letters, digits, symbols and spaces is cut as jieba cuts it."""
        for vocabulary in (frozenset(), VOCABULARY):
            assert _same(reference[vocabulary], _segmenter(vocabulary), [text]) == []

    def test_knows_the_words_of_jieba_dictionary(self) -> None:
        """A word of the general dictionary is known, a word only the FAQ has or a phrase is not."""
        segmenter = Segmenter(VOCABULARY)
        assert segmenter.known("成绩")
        assert jieba.get_FREQ("成绩")
        assert not segmenter.known("星创天地")
        assert not jieba.get_FREQ("星创天地")
        assert not segmenter.known("党小")  # the start of a word, not a word

    def test_a_vocabulary_stays_with_its_own_segmenter(self) -> None:
        """An FAQ's words are kept whole by its segmenter only."""
        assert Segmenter(["星创天地"]).cut("星创天地有几家")[0] == "星创天地"
        assert Segmenter().cut("星创天地有几家")[0] != "星创天地"

    def test_answering_loads_no_jieba(self) -> None:
        """A process that builds the FAQ and answers never imports jieba (its dictionary costs 60 MB)."""
        code = (
            "import sys; from bot.core.brain import Brain; "
            "Brain.load(sys.argv[1]).decide('党小组'); print('jieba' in sys.modules)"
        )
        ran = subprocess.run(
            [sys.executable, "-c", code, str(FAQ)], capture_output=True, text=True, check=True, cwd=ROOT
        )
        assert ran.stdout.strip() == "False"

    def test_joined_words_give_the_text_back(self) -> None:
        """Cutting loses nothing: the words joined are the text."""
        text = "孝昌县 有875个党小组, AT&T c++ 3.5% 星创天地\r\n"
        assert "".join(Segmenter(VOCABULARY).cut(text)) == text


class TestDictionary:
    def test_shipped_files_are_compiled_from_jieba_data(self, tmp_path: Path) -> None:
        """`python -m bot.core.dictionary` on the installed jieba gives exactly the shipped files."""
        compile_dictionary(Path(jieba.__file__).parent, tmp_path)
        for name in ("words.marisa", "words.freq", "model.json", "model.emit"):
            assert (tmp_path / name).read_bytes() == (WORDS / name).read_bytes(), name

    def test_holds_every_word_and_frequency_of_jieba(self) -> None:
        """The compiled dictionary has jieba's 349,045 words, each with jieba's frequency."""
        words = dictionary()
        assert len(words.trie) == 349_045
        assert words.frequency("党小组") == jieba.get_FREQ("党小组")
        assert words.frequency("党小") == 0


_SEGMENTERS: dict[frozenset[str], Segmenter] = {}


def _segmenter(vocabulary: frozenset[str]) -> Segmenter:
    return _SEGMENTERS.setdefault(vocabulary, Segmenter(vocabulary))
