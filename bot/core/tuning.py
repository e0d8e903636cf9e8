"""Every number that shapes matching and deciding, in one place, each with where it comes from.

"Swept" means `python -m bot eval --sweep` chooses it on the tuning questions (never the
held-out ones) and the value here is the one it chose; "by hand" says why it is fixed.
A sweep passes a `Tuning` to the matcher rather than changing one in place. Imports
nothing from `telegram`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

_KIND_WEIGHT = MappingProxyType(
    {
        "keyword": 1.0,
        "title": 1.0,
        "figure": 1.0,
        "value": 1.0,
        "title-word": 0.8,
        "figure-word": 0.8,
        "item": 0.8,
        "question": 0.7,
        "answer": 0.45,
    }
)


@dataclass(frozen=True)
class Tuning:
    """The matcher's weights and the decision's cut-offs (scores are 0-100)."""

    # -- the decision: swept
    answer: float = 45.0
    """Swept. The least score that answers."""
    margin: float = 5.0
    """Swept. How far the best entry must lead the next to be answered rather than asked about."""
    ask: float = 45.0
    """Swept. The least score for an entry to be offered in a question back."""
    weak_answer: float = 30.0
    """By hand, on the tuning part's distribution. A best entry scoring under `answer` but at least
    this is answered when it stands out alike by `weak_lead` and `weak_pieces`: a question in other
    words than the article's (怎么让土地不荒着) is seldom explained in full, but what is explained
    points at one entry. Questions the article does not answer that score so high hold one word of
    the FAQ only (推荐一部电影, 孝昌县的历史有多久); on the tuning part no such question passes from 25
    to 35 with a lead of 1.3 to 2, and the middle of that range is kept."""
    weak_lead: float = 1.5
    """By hand, with `weak_answer`: how many times the next entry's score the best must score."""
    weak_pieces: int = 2
    """By hand, with `weak_answer`: in how many separate places of the question the best entry's
    own terms must stand."""
    spread: float = 25.0
    """By hand. Entries within this of the best are offered together when asking back; wide
    enough for two or three options, the most a phone shows without scrolling."""

    # -- weighing the question: swept
    unknown_word: float = 0.7
    """Swept. Weight against every entry of a question word no FAQ term explains (工资): a topic the
    article never mentions."""
    unknown_char: float = 0.5
    """Swept. The same for a stray character outside any such word (种, 地)."""
    min_evidence: float = 1.0
    """Swept. How much telling content a question needs to score in full, so that one word found
    everywhere (党员) cannot pick an entry on its own."""

    # -- how much a match counts: by hand
    kind_weight: Mapping[str, float] = field(default_factory=lambda: _KIND_WEIGHT)
    """By hand: how much a term says about its entry by where the entry holds it. A curated keyword,
    title or figure is the entry's own word (1); words of the title, of a figure's label or list
    items nearly so; words of example questions less, words anywhere in the answer least."""
    curated: float = 1.0
    """By hand: the kind weight from which a term counts as written for its entry (keyword, title,
    figure) rather than picked up from running text."""
    exact: float = 1.0
    sound: float = 0.9
    """By hand: a homophone (党小租) counts a little less than the same characters."""
    slip: float = 0.7
    """By hand: a term one syllable off (星创天弟) counts less again; only terms of `slip_min_units` or more."""
    slip_min_units: int = 4
    """By hand: shorter terms one unit off match too much by chance (two of three characters)."""
    crossing: float = 0.5
    """By hand: a Chinese match cutting across the question's words (共建 in 一共|建) counts half."""
    idf_floor: float = 0.05
    """By hand: a term found in every entry still says a little."""

    # -- the examples signal: by hand
    similar: float = 80.0
    """By hand: rapidfuzz ratio (on sounds) from which a question counts as phrased like an example."""
    similar_short: float = 95.0
    """By hand: the same for questions of three units or fewer, where a ratio of 80 is one unit."""
    similar_short_units: int = 3
    filed_same: float = 90.0
    """By hand. How alike (rapidfuzz ratio on the sounds of the meaningful part) a question must be to
    one an admin filed (under an entry, or as not in the article) to be answered or declined as that
    one was: the same question typed otherwise (a particle, a slip of pinyin), not another question
    on the same topic."""
    similar_pool: int = 50
    """By hand: only the examples of the entries this many best by their words are compared; an entry
    phrased like an example shares its words too. Changes nothing at the article's 18 entries and
    keeps a 10,000-entry FAQ fast."""
    similar_candidates: int = 5
    """By hand: examples compared per question; more never changed a ranking on the tuning set."""

    # -- reading the answer: by hand
    figure_tie: float = 0.15
    """By hand: figures whose share of label matched is within this of the best are given together."""
    figure_bonus: float = 10.0
    """By hand: what an entry gains in a "how many" question when it has a figure of what is named;
    two margins, enough to settle a near tie between the entry with the figure and one without."""
    fact_weight: float = 0.85
    """By hand: what a clause holding the whole question scores, against 100 for an entry whose own
    terms explain it all: the article's wording is evidence, a little less than the FAQ's keywords."""
    fact_share: float = 0.8
    """By hand: the share of the question a clause must hold to count at all: co-occurring in one
    clause is evidence only for nearly the whole question (怎么举报村干部 is not about any clause)."""
    fact_pool: int = 5
    """By hand: the entries, best by their words, whose clauses are read; as for the examples."""
    quoted: float = 25.0
    """By hand: what the one entry owning a term gains when a question quotes the term (“四代”): five
    margins, since quoting names the thing asked about; not enough to lift a weak match to an answer."""
    figure_answer: float = 0.5
    """By hand: a "how many" question naming at least this share of a figure's label scores that share
    for the figure's entry, even where its words alone are too common to tell (villages)."""
    figure_match: float = 0.25
    """By hand: the share of a figure's label a question must name for the figure to be the one asked
    about: 党员 alone (two of the nine characters of 活跃在一线的青年党员) is not asking for it, 培训班
    (three of 浙江大学培训班学员) is."""
    list_alone: float = 0.8
    """By hand: a list's name making up this share of a question asks for the list on its own (三进)."""
    list_parts: float = 0.5
    """By hand: the words inside a list's name must make up this share of a question to ask for it."""
    list_rival: float = 0.5
    """By hand: lists named at least this share as strongly as the best are given together (三进四代)."""
    sentence_share: float = 0.5
    """By hand: a sentence answers when it holds at least this share of the question's weight, else the summary does."""
    long_sentence_zh: int = 60
    long_sentence_en: int = 200
    """By hand: sentences longer than these are cut to the clauses that hold the question's terms."""
    clause_share: float = 0.3
    """By hand: a clause of a long sentence is kept when it holds at least this share of what the best
    clause holds, so that a broad word (发展) in a far clause does not pull the whole sentence in."""
    unexplained_share: float = 0.5
    """By hand: a question counts as asking what a named-but-unexplained term is when that term
    explains at least this share of its telling content (五问是什么: all; 对照五问开展支部巡整: a third)."""
    broad_entries: int = 3
    """By hand: a question of broad topic words only (党员, villages) offers this many entries to choose from."""
    broad_share: float = 0.15
    """By hand: an entry is offered for a broad word only if it holds at least this share of the
    weight the best one holds, so that a word two entries use is not answered with five."""

    # -- sizes: by hand
    ranked: int = 10
    """How many candidates a ranking keeps: the decision looks at three, /ask lists five."""
    offered: int = 3
    """Options in a question back or a refusal: three fit a phone screen."""
    max_query_units: int = 120
    """Longer messages are cut: nobody asks an FAQ question in more words than this."""

    def weight(self, kind: str) -> float:
        """How much a term of this kind says about its entry."""
        return self.kind_weight[kind]


DEFAULT = Tuning()
