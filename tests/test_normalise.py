"""Normalisation: what people type becomes comparable units."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.core.normalise import detect_language, fold, loosen, query_units, stem, stop_spans


class TestFold:
    def test_traditional_becomes_simplified(self) -> None:
        """Traditional characters read as simplified ones."""
        assert fold("孝昌縣有多少個黨小組") == "孝昌县有多少个党小组"

    def test_full_width_becomes_half_width(self) -> None:
        """Full-width digits and letters read as ordinary ones."""
        assert fold("８７５ＡＢＣ") == "875abc"

    def test_invisible_characters_are_dropped(self) -> None:
        """Zero-width and direction marks do not split a word."""
        assert fold("党\u200b小\u202e组") == "党小组"


class TestQueryUnits:
    def test_fillers_and_punctuation_are_dropped(self) -> None:
        """Politeness words and particles say nothing about the topic."""
        assert [u.text for u in query_units("请问一下，党小组呢？", "zh")] == ["党", "小", "组"]

    def test_numbers_stay_whole(self) -> None:
        """36.5 is one unit, and digit-group commas are removed."""
        assert [u.text for u in query_units("36.5万亩", "zh")][:1] == ["36.5"]
        assert [u.text for u in query_units("365,000 mu", "en")] == ["365000", "mu"]

    def test_homophone_typo_sounds_the_same(self) -> None:
        """党小租 (a pinyin-input typo) sounds like 党小组."""
        typo = [u.sound for u in query_units("党小租", "zh")]
        right = [u.sound for u in query_units("党小组", "zh")]
        assert typo == right


class TestLoosen:
    @pytest.mark.parametrize(
        ("one", "other"), [("xin", "xing"), ("zhu", "zu"), ("shan", "san"), ("nong", "long"), ("chen", "ceng")]
    )
    def test_common_pinyin_confusions_merge(self, one: str, other: str) -> None:
        """Front and back nasals, retroflex and flat initials, n and l sound alike."""
        assert loosen(one) == loosen(other)

    def test_different_syllables_stay_apart(self) -> None:
        """Merging stops short of making unrelated syllables equal."""
        assert loosen("dang") != loosen("dong")


_SOUNDS_OF_ALL_CHARACTERS = """
import hashlib
from bot.core.normalise import loose_syllable
sounds = "|".join(loose_syllable(chr(code)) for code in range(0x3400, 0xA000))
print(hashlib.sha256(sounds.encode()).hexdigest())
"""


def test_skipping_the_phrase_dictionary_changes_no_reading() -> None:
    """pypinyin loads without its phrase dictionary (45 MB) because every character reads the same.

    An empty PYPINYIN_NO_PHRASES is set but false, so the second run loads the dictionary.
    """
    readings = []
    for setting in ("1", ""):
        env = {**os.environ, "PYPINYIN_NO_PHRASES": setting}
        run = subprocess.run(
            [sys.executable, "-c", _SOUNDS_OF_ALL_CHARACTERS], env=env, capture_output=True, text=True, check=True
        )
        readings.append(run.stdout)
    assert readings[0] == readings[1]


class TestEnglish:
    @pytest.mark.parametrize(
        ("word", "stemmed"),
        [("companies", "compani"), ("groups", "group"), ("trained", "train"), ("happiness", "happi")],
    )
    def test_stem(self, word: str, stemmed: str) -> None:
        """Plural, past and -ness endings come off; a final y is i, as before those endings."""
        assert stem(word) == stemmed

    @pytest.mark.parametrize(
        ("one", "other"),
        [("guide", "guiding"), ("village", "villages"), ("services", "service"), ("rectified", "rectify"),
         ("villagers", "village"), ("happiness", "happy"), ("organizations", "organisation"), ("study", "studied")],
    )  # fmt: skip
    def test_forms_of_one_word_meet(self, one: str, other: str) -> None:
        """The stemmer need not be right, only consistent: both forms give the same stem."""
        assert stem(one) == stem(other)

    def test_stop_words_are_found_after_stemming(self) -> None:
        """'does' and 'this' are stop words even though the stemmer changes them."""
        sequence = query_units("What does this article say", "en")
        assert {sequence[i].text for i in stop_spans(sequence, "en")} == {"what", stem("does"), stem("this"), "say"}


class TestLanguage:
    @pytest.mark.parametrize(
        ("text", "lang"),
        [("党小组", "zh"), ("How many Party groups?", "en"), ("what is 党小组", "zh"), ("875", None), ("👍", None),
         ("ok", None), ("OK 875", None), ("/start", None), ("/help@XiaochangBot", None)],
    )  # fmt: skip
    def test_detect(self, text: str, lang: str | None) -> None:
        """Any Chinese character makes a question Chinese, English words make it English; digits,
        emoji, words typed alike in any language ("ok") and commands (/start) have no language of their own."""
        assert detect_language(text) == lang


class TestNumbers:
    @pytest.mark.parametrize(
        ("text", "folded"),
        [
            ("十年", "10年"),
            ("七十一家", "71家"),
            ("一百二十名", "120名"),
            ("三进四代", "三进四代"),
            ("哪一个", "哪一个"),
        ],
    )
    def test_a_count_in_characters_reads_as_the_articles_digits(self, text: str, folded: str) -> None:
        """十年 is the article's 10年; numbers that are not counts (三进四代, 哪一个) stay as they are."""
        assert fold(text) == folded
