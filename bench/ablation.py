"""The answering mechanism without the word lists written for it: figures with them kept, and emptied.

    python -m bench.ablation

Reading a question and the article's facts rests on the grammar of questions and of Chinese
(question words, measure words, the endings of place names), and on a few lists of words that
were written while tuning. This empties those lists, all at once, and scores the tuning and
held-out parts again, next to the figures with the lists kept:

- `bot.core.asking`: `SPOKEN` (咋, 啥, 木有...), `LEAD_IN_ENDS` (请问, 想了解...),
  `ASKING_NOUNS` (价格, 日期, acreage...: nouns that ask without a question word) and
  `MONEY_NOUNS` (收入, income: a how-much of them asks money);
- `bot.core.answers`: `LIGHT_VERBS` (谁负责……), `EXCLUDING_WORDS` (除了, besides), `WAY_MARKS`
  (采取……方式, 确保……: the clause that answers a how or a why), `TITLE_WORDS` (标题, 文章,
  headline: what such a thing is called is the title in 《》), `PUBLISHED_WORDS` (文章, 稿子, 出自: the
  article as a piece published somewhere) and `WAY_NAMES` (做法, 办法: a way of working whose name is
  asked, the measure's);
- `bot.core.verdicts`: `LEVEL_WORDS` (全国, 省级, national: a level a question may state wrongly),
  `ABOVE`, `BELOW` and `ABOUT` (超过, 不到, 大约, more than: a stated count that is a bound, or rough), `DENIAL` and
  `DENYING` (零, 没有, zero, no: what the article or the question denies), `POINTING`
  (哪个, 这个: a word of a name's kind that asks or points, not a name), `MEDIA_ENDINGS` and
  `MEDIA_EN` (日报, People's Daily: a publisher a question says the article came from),
  `ONLY_WORDS` (只, 仅: a yes/no question claiming nothing else holds) and `NONE_WORDS` (零, 没有: a
  clause saying something did not happen);
- `bot.core.followup`: `PLACE_POINTER_ZH` (那里, 当地: the previous subject, as a place);
- `bot.core.gaps`: `KIND_OF` (之一: a word naming the kind a thing is among, not an attribute asked);
- `bot.core.matching`: `GIST` and `ARTICLE_NOUNS` (主要讲了什么 of 这篇文章: what the article says as a whole);
- `bot.core.values`: `FREQUENCY_WORDS` (每年, yearly), `NAMED_KINDS` (企业, company) and `ROUGH_COUNTS`
  (几十, 上千: a count said roughly);
- `bot.core.gathering`: `ARTICLE_ZH`, `ARTICLE_EN` (文章, 提到, mention: a question about the whole
  article) and `EXCLUDING_ZH`, `EXCLUDING_EN` (除了, 还有, besides: names set aside);
- the FAQ: the keywords added with them (`ADDED_KEYWORDS`), the variants (`ADDED_VARIANTS`), and the
  Chinese variants from the table of everyday words for the article's terms (`article_variants.txt`).

Only figures are printed, never a held-out question.
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace

from bot.core import answers, asking, followup, gaps, gathering, matching, values, verdicts
from bot.core.brain import Brain
from bot.core.matching import Matcher
from bot.faq.knowledge import KnowledgeBase, load_knowledge
from bot.ops.evaluation import Report, evaluate, load_part, part_files
from tests.e2e.user import ROOT

FAQ = ROOT / "knowledge" / "faq.yaml"
ADDED_KEYWORDS = frozenset({"做主", "决定", "fast", "quickly", "cities", "attended", "university"})
"""Keywords the FAQ gained in the same change as the lists (terms kept from removed question phrases)."""
ADDED_VARIANTS = frozenset({"benefit", "benefits"})
"""Synonym variants the FAQ gained since (benefit for gains)."""
ARTICLE_VARIANTS = frozenset(
    line.strip()
    for line in (ROOT / "bench" / "article_variants.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)
"""The Chinese variants from the table of everyday words written from the article (`article_variants.txt`)."""


def without_added(knowledge: KnowledgeBase) -> KnowledgeBase:
    """The FAQ without `ADDED_KEYWORDS`, `ADDED_VARIANTS` and `ARTICLE_VARIANTS`."""

    def kept(words: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(word for word in words if word not in ADDED_KEYWORDS)

    entries = tuple(
        replace(
            entry,
            keywords=kept(entry.keywords),
            en=replace(entry.en, keywords=kept(entry.en.keywords)),
            lists=tuple(
                replace(listed, keywords=kept(listed.keywords), en_keywords=kept(listed.en_keywords))
                for listed in entry.lists
            ),
        )
        for entry in knowledge.entries
    )
    variants = {variant: word for variant, word in knowledge.synonyms_en.items() if variant not in ADDED_VARIANTS}
    chinese = {variant: word for variant, word in knowledge.synonyms_zh.items() if variant not in ARTICLE_VARIANTS}
    return replace(knowledge, entries=entries, synonyms_en=variants, synonyms_zh=chinese)


def empty_lists() -> None:
    """Empty every list named in the module docstring, and forget what was compiled from them."""
    asking.SPOKEN.clear()
    asking.LEAD_IN_ENDS.clear()
    for lang in asking.ASKING_NOUNS:
        asking.ASKING_NOUNS[lang] = {}
    never = re.compile(r"(?!)")
    asking.MONEY_NOUNS.update(dict.fromkeys(asking.MONEY_NOUNS, never))
    answers.WAY_MARKS.update(dict.fromkeys(answers.WAY_MARKS, never))
    for levels in verdicts.LEVEL_WORDS.values():
        levels.clear()
    for bounds in (verdicts.ABOVE, verdicts.BELOW, verdicts.ABOUT):
        bounds.update(dict.fromkeys(bounds, (never, never)))
    verdicts.DENIAL.update(dict.fromkeys(verdicts.DENIAL, never))
    verdicts.DENYING.update(dict.fromkeys(verdicts.DENYING, never))
    verdicts.POINTING = never
    answers.PUBLISHED_WORDS.update(dict.fromkeys(answers.PUBLISHED_WORDS, never))
    answers.WAY_NAMES = never
    followup.PLACE_POINTER_ZH = never
    verdicts.MEDIA_ENDINGS = frozenset()
    verdicts.MEDIA_EN = never
    verdicts.ONLY_WORDS = verdicts.NONE_WORDS = never
    gaps.KIND_OF.update(dict.fromkeys(gaps.KIND_OF, never))
    matching.GIST.update(dict.fromkeys(matching.GIST, never))
    matching.ARTICLE_NOUNS.update(dict.fromkeys(matching.ARTICLE_NOUNS, never))
    answers.LIGHT_VERBS.clear()
    answers.TITLE_WORDS.update(dict.fromkeys(answers.TITLE_WORDS, frozenset()))
    for words in answers.EXCLUDING_WORDS.values():
        words.clear()
    for words in values.FREQUENCY_WORDS.values():
        words.clear()
    values.NAMED_KINDS.update(dict.fromkeys(values.NAMED_KINDS, ()))
    values.ROUGH_COUNTS.clear()
    gathering.ARTICLE_ZH = gathering.ARTICLE_EN = never
    gathering.EXCLUDING_ZH = gathering.EXCLUDING_EN = never
    for cached in (asking.analyse, asking.asks_table, asking.lead_in_end, answers.deed_words, answers.excluding_words):
        cached.cache_clear()
    values.frequency_words.cache_clear()
    values.rough_counts.cache_clear()


def row(name: str, report: Report) -> str:
    """One line of figures."""
    tally = report.overall

    def share(part: int, whole: int) -> str:
        return f"{100 * part / whole:5.1f}%" if whole else "    -"

    return (
        f"{name:<34}{share(tally.correct, tally.answerable):>9}{share(tally.handled, tally.rest):>9}"
        f"{share(tally.confident_wrong, tally.total):>9}{share(tally.facts_shown, tally.with_facts):>11}"
        f"{share(tally.verdicts_right, tally.verdicts):>9}"
    )


def main() -> int:
    parts = {name: load_part(part_files(name, ROOT / "tests" / "eval")) for name in ("tuning", "held-out")}
    knowledge = load_knowledge(FAQ)
    print(f"{'':<34}{'right':>9}{'handled':>9}{'wrong':>9}{'fact first':>11}{'yes/no':>9}")
    kept = Brain(knowledge, Matcher(knowledge))
    results = {name: evaluate(kept, questions) for name, questions in parts.items()}
    empty_lists()
    bare = without_added(knowledge)
    emptied = Brain(bare, Matcher(bare))
    for name, questions in parts.items():
        print(row(f"{name}, lists kept", results[name]))
        print(row(f"{name}, lists emptied", evaluate(emptied, questions)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
