"""Finding the FAQ entry a question asks for, and deciding what to do with it.

How a question is scored against an entry (see `bot.core.index` for how terms are found):

0. What is matched is the question part of the message (`bot.core.asking`): a lead-in
   about who is asking is set aside unless the question alone says too little, spoken
   forms are written out, and pinyin words of an English question are cut into syllables
   (`bot.core.romanised`). Counts, dates and unknown place names the question states carry
   no weight: a wrong one is corrected once the entry is found.
1. The units that carry meaning are those some term explains plus those nothing
   explains; question words and the FAQ's generic words (孝昌县) are set aside. Each
   weighs by how telling it is: a known unit by the rarity of its term across entries,
   an unknown one by a fixed weight, more for a whole unknown word (工资) than for a
   stray character.
2. Signals score each entry, and an entry's score is the best of them: `terms`, the share
   of the question's weight that the entry's own terms explain (each counted by where the
   entry holds it: a curated keyword more than a word of some answer); `examples`, a
   rapidfuzz comparison with the entry's example questions on sounds; `facts`, a clause of
   the entry's text holding nearly the whole question. Two more lift an entry: `figures`,
   the entry with a figure of what a "how many" question names, and `quoted`, the one entry
   owning a term the question quotes (“四代”). Each can be switched off by name (the FAQ's
   self-check judges examples on their words alone).
3. The decision: small talk is answered as such before any matching; then answer when
   the best entry is strong and clearly ahead, ask back when a few are close or when the
   question is only a broad topic word (党员), decline when nothing explains it or the
   question is about another place of the article's kind (大悟县).
4. For an answer, the part of the entry that answers: a list or sentences (`bot.core.focus`),
   then the value of the kind the question asks among the entry's facts (`bot.core.answers`),
   and the verdict on what it states (`bot.core.verdicts`). What the entry does not give is
   declined as "unexplained", in the question's words, with the nearest fact; so is a term the
   article names but never explains (五问) or a detail it never gives (`bot.core.gaps`).

This module imports nothing from `telegram`."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import replace

from rapidfuzz import fuzz, process

from bot.core.answers import SOURCE_LABELS, Answers, Case, Found, asked_words, past_premise
from bot.core.asking import Asking, analyse, ask_spans
from bot.core.decision import Candidate, Decision, Gap, Ranking
from bot.core.facts import Facts
from bot.core.focus import Focus, asks_number, figure_shares, find_focus, held_most, label_cover
from bot.core.gaps import Gaps
from bot.core.gathering import gather
from bot.core.index import Index, Reading
from bot.core.normalise import detect_language, prepare, query_units
from bot.core.romanised import hanzi_question, split_question, written_terms
from bot.core.smalltalk import small_talk
from bot.core.tuning import DEFAULT, Tuning
from bot.core.values import Kind, values
from bot.core.verdicts import Verdicts, compares
from bot.faq.knowledge import Entry, KnowledgeBase
from bot.language import LANGS, Lang

SIGNALS = ("terms", "examples", "figures", "facts", "quoted")
_QUOTED = re.compile(r"[“\"「『‘']([^”\"」』’']{2,30})[”\"」』’']")
MAX_QUESTION_CHARS = 1000
"""Longer messages are cut before matching; nobody asks an FAQ question in more."""


class Matcher:
    """Scores questions against one knowledge base and decides what to do with them."""

    def __init__(self, knowledge: KnowledgeBase, tuning: Tuning = DEFAULT) -> None:
        self.knowledge = knowledge
        self.tuning = tuning
        chinese = Index.build(knowledge, "zh", tuning)
        self.indices = {"zh": chinese, "en": Index.build(knowledge, "en", tuning, chinese)}
        self.gaps = Gaps(knowledge)
        self.facts = Facts(knowledge)
        self.answers = Answers(self.facts, self.indices["en"].syllables)
        self.verdicts = Verdicts(knowledge, self.facts)
        self._position = {entry.id: n for n, entry in enumerate(knowledge.entries)}
        self._told: dict[tuple[int, Lang], str] = {}
        """Per entry and language, its facts as one text (`_told_text`)."""
        self._overview = _overview(knowledge)
        english = self.indices["en"]
        self._english = frozenset(term.text[0] for term in english.terms if len(term.text) == 1)
        self._written = written_terms("".join(term.text) for term in chinese.terms if term.owners)
        self.filed: dict[Lang, list[tuple[str, int | None, str]]] = {lang: [] for lang in LANGS}
        """Per language, the questions admins filed (from /unanswered): (question, the position of the
        entry it was filed under or None for not in the article, its sounds). A question typed like one
        of them is answered by that entry, or declined, as the admin decided."""
        for lang in LANGS:
            for question, _ in knowledge.declined_in(lang):
                self.filed[lang].append((question, None, self._sounds(question, lang)))
            for position, entry in enumerate(knowledge.entries):
                for question in entry.asked_in(lang):
                    self.filed[lang].append((question, position, self._sounds(question, lang)))

    def language(self, question: str, hint: Lang | None = None) -> Lang:
        """The language to read a question in: its own, else the hint (the user's), else Chinese."""
        return detect_language(question) or hint or "zh"

    def rank(
        self,
        question: str,
        lang: Lang | None = None,
        *,
        tuning: Tuning | None = None,
        signals: Collection[str] = SIGNALS,
    ) -> Ranking:
        """Entries that explain part of the question, best first, scored by the named signals.

        What is matched is the question part of the message (`bot.core.asking`); when that alone
        is too weak to answer, the lead-in before it is matched with it, and the stronger of the
        two rankings is kept. Read so, the words no term explains in the lead-in and in the clauses
        before the last weigh nothing: they say who asks and why (我在外市组织部工作，最近在研究……),
        and would only thin out the words that say what about.
        """
        tuning = tuning or self.tuning
        lang = lang or self.language(question)
        asking = analyse(question[:MAX_QUESTION_CHARS], lang)
        ranking = self._rank(self._matchable(asking.core, lang), asking, lang, tuning, signals)
        torn = _torn(ranking, tuning)
        if asking.context and (torn or not ranking.candidates or ranking.candidates[0].score < tuning.answer):
            joined = self._matchable(f"{asking.context}，{asking.core}", lang)
            said = _CLAUSE_END.findall(asking.core)
            before = "".join(said[:-1]) if len(said) > 1 else ""
            lead = len(prepare(self._matchable(f"{asking.context}，{before}", lang), lang))
            wider = self._rank(joined, asking, lang, tuning, signals, lead=lead)
            if wider.candidates and (not ranking.candidates or wider.candidates[0].score > ranking.candidates[0].score):
                return wider
            # 我是丰山镇人……到底是个什么示范: the question part alone fits several entries alike; the lead-in
            # names which one
            if torn and wider.candidates and not _torn(wider, tuning) and wider.candidates[0].score >= tuning.answer:
                return wider
        return ranking

    def _matchable(self, text: str, lang: Lang) -> str:
        """The text to read: in English, pinyin words cut into syllables; in Chinese, pinyin words written
        as the FAQ's terms they read as (`bot.core.romanised`)."""
        if lang == "en":
            return split_question(text, self.indices["en"].syllables, self._english)
        return hanzi_question(text, self._written, self.indices["en"].syllables)

    def _asked(self, text: str, lang: Lang, asking: Asking) -> list[tuple[int, int]]:
        """Where a question's words say what is asked rather than about what: the words asking for a
        detail, and the counts, dates and names of places and organisations it states (两百多个吧,
        清华大学), which unless they are the article's own (875, 浙江大学) point to no entry: a wrong
        one is corrected once the entry is found (`bot.core.answers`)."""
        # 一年, 一个: a rate, an article; 每年: how often, which the article says of what it does
        stated = [(v.start, v.end) for v in values(text, lang) if v.number != 1 and v.kind != "frequency"]
        spans = self.gaps.asking(text, lang) + stated
        # 哪天, 几点: the words asking when say what is asked, like 多少钱; they name nothing
        spans += ask_spans(asking, text, ("when",))
        return spans + self.verdicts.unknown_names(text, lang, self.indices[lang])

    def _rank(
        self, question: str, asking: Asking, lang: Lang, tuning: Tuning, signals: Collection[str], *, lead: int = 0
    ) -> Ranking:
        """The ranking of one text; `lead` characters of it are a lead-in, whose unknown words weigh nothing."""
        index = self.indices[lang]
        reading = index.read(
            question[:MAX_QUESTION_CHARS], tuning, asking=lambda text, lang: self._asked(text, lang, asking)
        )
        if lead:
            reading = reading.without_unknown_before(lead)
        explained = _explain(index, reading)
        scores: dict[int, float] = {}
        if "terms" in signals and explained:
            total = max(reading.total, tuning.min_evidence)
            scores = {owner: 100 * held / total for owner, held in explained.items()}
        if "examples" in signals and scores:
            pool = _largest(scores, tuning.similar_pool)
            named = self._names_told(asking)
            for owner, score in self._similarity(index, index.sounds_of(reading), pool, tuning).items():
                # 丰山镇获得了什么荣誉 sounds like the example 冯山社区获得了什么荣誉; but 丰山镇 is a name of the
                # article's own, and an entry that never names it is not what the question is about
                if not named or any(name in self._told_text(owner, asking.lang) for name in named):
                    scores[owner] = max(scores[owner], score)
        # 有300个村社区吗 is about the figure of 村社区 as much as 有几个村社区 is
        stated = any(value.kind == "count" for value in asking.asserted)
        if "figures" in signals and scores and (asks_number(reading) or stated):
            self._figures(scores, reading, index, tuning)
        if "facts" in signals and scores:
            self._facts(scores, reading, index, tuning)
            self._kinds(scores, asking, tuning)
            self._subject(scores, asking, tuning)
            self._gist(scores, asking, reading, tuning)
            self._named(scores, asking, tuning)
        if "quoted" in signals and scores:
            self._quoted(scores, asking.core, index, tuning)
        order = _best(scores, tuning.ranked)
        entries = self.knowledge.entries
        most = _largest(explained, tuning.ranked)
        return Ranking(
            lang,
            reading,
            tuple(Candidate(entries[owner], round(scores[owner], 1)) for owner in order),
            {entries[owner].id: explained[owner] for owner in most},
            asking,
            _pieces(index, reading, order[0]) if order else 0,
        )

    def _figures(self, scores: dict[int, float], reading: Reading, index: Index, tuning: Tuning) -> None:
        """In a "how many" question, the entries with a figure of what it names gain: a little when
        the question names part of the figure's label, enough to answer when it names most of it
        and is mostly about it (How many villages are there: the figure of the county's 219
        villages; not How much money do villages earn)."""
        # only entries with a figure whose label or value holds a term the question has
        holders = {owner for match in reading.matches for owner in index.terms[match.term].figures}
        for owner in holders & scores.keys():
            entry = self.knowledge.entries[owner]
            shares = figure_shares(entry, owner, reading, index)
            best = max(shares, key=lambda number: shares[number])
            share = shares[best]
            if share >= tuning.figure_match:
                cover = label_cover(reading, index, owner, best)
                named = 100.0 * share * cover if share >= tuning.figure_answer else 0.0
                scores[owner] = min(100.0, max(scores[owner] + tuning.figure_bonus, named))

    def _quoted(self, scores: dict[int, float], text: str, index: Index, tuning: Tuning) -> None:
        """A term the question puts in quotes (“四代”, "细化举措，增强合力") names what it asks about:
        the one entry that has it as a title, keyword, list or term of its own gains, and leads the
        others by a margin unless they are quoted too."""
        quoted: set[int] = set()
        for found in _QUOTED.finditer(text):
            term = index.term_of(found.group(1))
            own = [owner for owner, weight in term.owners.items() if weight >= tuning.curated] if term else []
            if len(own) == 1 and own[0] in scores:
                quoted.add(own[0])
        if not quoted:
            return
        others = max((score for owner, score in scores.items() if owner not in quoted), default=0.0)
        for owner in quoted:
            scores[owner] = min(100.0, max(scores[owner] + tuning.quoted, others + tuning.margin))

    def _facts(self, scores: dict[int, float], reading: Reading, index: Index, tuning: Tuning) -> None:
        """An entry one of whose clauses holds what the question asks about, nearly all of it, is the
        entry the question is about (周巷镇入选的是什么: the clause 周巷镇入选全国一村一品示范村镇)."""
        if len({match.term for match in reading.matches}) < 2:
            return  # one word (党员) is in many clauses: it says nothing of which one is meant
        total = max(reading.total, tuning.min_evidence)
        pool = _largest(scores, tuning.fact_pool)
        for owner in pool:
            entry = self.knowledge.entries[owner]
            best = held_most(self.facts.clauses_of(entry, reading.lang), reading, index)
            if best >= tuning.fact_share * total:
                scores[owner] = max(scores[owner], tuning.fact_weight * 100 * best / total)

    def _subject(self, scores: dict[int, float], asking: Asking, tuning: Tuning) -> None:
        """A yes/no question that ties two of the article's names told of in different entries (新岗村是
        花园镇的吗, Is Xingang village in Huayuan town?) is about the first: what it says of it is what to
        check, in the entry that tells of it."""
        if not asking.polar:
            return
        text = asking.core.lower()
        # the county the whole article is about (孝昌县在浙江大学办过培训班吗) is told of everywhere: it
        # singles out no entry, and what the question ties to it is the other name's
        generic = {word.lower() for word in self.knowledge.generic(asking.lang)}
        names = sorted(
            (
                n
                for n in self.facts.named_in(asking.core, asking.lang)
                if n.text.lower() in text and n.text.lower() not in generic
            ),
            key=lambda n: text.find(n.text.lower()),
        )
        if len(names) < 2:
            return
        entries = self.knowledge.entries
        telling = {
            n.text: {o for o in scores if any(n.text in f.text for f in self.facts.of(entries[o], asking.lang))}
            for n in names[:2]
        }
        first, second = (telling[n.text] for n in names[:2])
        if not first or first == second:
            return
        top = max(scores.values())
        for owner in first - second:
            scores[owner] = min(100.0, max(scores[owner], top + tuning.margin))

    def _gist(self, scores: dict[int, float], asking: Asking, reading: Reading, tuning: Tuning) -> None:
        """A question for what the article says as a whole (这篇文章主要讲的啥, 讲了哪几个方面, What is the article
        about?) that names nothing but the article is answered by the overview, the entry that lists the
        measures, and not by the entry about the article itself (its date, source and editors)."""
        overview, lang = self._overview, asking.lang
        if overview is None or overview not in scores or not GIST[lang].search(asking.core):
            return
        if not ARTICLE_NOUNS[lang].search(asking.core):
            return
        index = self.indices[lang]
        if any(overview not in index.terms[match.term].owners for match in reading.matches):
            return  # 文章里党小组讲了什么: it names a measure's own words
        top = max(scores.values())
        scores[overview] = min(100.0, max(scores[overview], top + tuning.margin))

    def _named(self, scores: dict[int, float], asking: Asking, tuning: Tuning) -> None:
        """A person the article names in one entry alone is what a question naming them is about, whatever
        else it says in words the FAQ does not know (彭扬担任什么角色: the entry about the article); what it
        asks of them is then found there, or said not to be given."""
        entries = self.knowledge.entries
        text = asking.core.lower()
        people = {n.text for n in self.facts.named_in(asking.core, asking.lang) if n.kind == "person"}
        for name in (name for name in people if name.lower() in text):
            telling = [o for o in scores if any(name in f.text for f in self.facts.of(entries[o], asking.lang))]
            if len(telling) == 1:
                scores[telling[0]] = max(scores[telling[0]], tuning.answer)

    def _kinds(self, scores: dict[int, float], asking: Asking, tuning: Tuning) -> None:
        """A question asking when or who is about an entry that gives a date or a person: of the entries
        in the running, those that do gain as a figure of what a "how many" names does (文章哪天发的:
        the entry about the article, which gives its date)."""
        kinds: dict[str, tuple[Kind, ...]] = {"when": ("date", "time"), "person": ("person",)}
        wanted: list[Kind] = [kind for ask in asking.asks for kind in kinds.get(ask.kind, ())]
        if any(value.kind == "date" for value in asking.asserted):
            wanted.append("date")  # 是2023年发的吧
        # 文章是人民日报的稿子吗: a newspaper named asks about the source, which the entry giving it tells
        media = self.verdicts.names_media(asking.question, asking.lang, self.indices[asking.lang])
        if not (wanted or media) or not scores:
            return
        top = max(scores.values())
        for owner, score in scores.items():
            if score < top - tuning.spread:
                continue
            facts = self.facts.of(self.knowledge.entries[owner], asking.lang)
            sourced = media and any(v.label in SOURCE_LABELS for fact in facts for v in fact.of_kind("org"))
            if sourced or (wanted and any(fact.of_kind(*wanted) for fact in facts)):
                scores[owner] = min(100.0, score + tuning.figure_bonus)

    def _names_told(self, asking: Asking) -> list[str]:
        """The article's own names of places, organisations and people that the question writes out."""
        text = asking.core.lower()
        return [n.text for n in self.facts.named_in(asking.core, asking.lang) if n.text.lower() in text]

    def _told_text(self, owner: int, lang: Lang) -> str:
        """An entry's facts as one text, to look names up in."""
        told = self._told.get((owner, lang))
        if told is None:
            told = self._told[owner, lang] = "".join(f.text for f in self.facts.of(self.knowledge.entries[owner], lang))
        return told

    def _similarity(self, index: Index, sounds: str, pool: list[int], tuning: Tuning) -> dict[int, float]:
        """Per entry of `pool`, the best rapidfuzz ratio between the question and an example, on sounds."""
        if not sounds:
            return {}
        short = sounds.count(" ") < tuning.similar_short_units
        cutoff = tuning.similar_short if short else tuning.similar
        numbers = [number for owner in pool for number in index.examples_of.get(owner, ())]
        choices = [sounds for owner in pool for sounds in index.examples_sounds(owner)]
        found: dict[int, float] = {}
        for _, score, place in process.extract(
            sounds.split(), choices, scorer=fuzz.ratio, limit=tuning.similar_candidates, score_cutoff=cutoff
        ):
            owner = index.example_owner[numbers[place]]
            found[owner] = max(found.get(owner, 0.0), float(score))
        return found

    def decide(
        self,
        question: str,
        hint: Lang | None = None,
        *,
        tuning: Tuning | None = None,
        signals: Collection[str] = SIGNALS,
    ) -> Decision:
        """Answer, ask back, decline or chat, with what led there. `hint` is the user's language."""
        question = question[:MAX_QUESTION_CHARS]
        talk = small_talk(question)
        if talk is not None:
            return Decision(question, self.language(question, hint), "small-talk", talk=talk)
        ranking = self.rank(question, self.language(question, hint), tuning=tuning, signals=signals)
        tuning = tuning or self.tuning
        filed = self._filed(ranking, tuning)
        if filed is not None:
            return self._as_filed(question, ranking, filed, tuning)
        return self._with_first(self.conclude(question, ranking, tuning), ranking, tuning, signals)

    def _with_first(self, decision: Decision, ranking: Ranking, tuning: Tuning, signals: Collection[str]) -> Decision:
        """An answer to the last of two questions in one message (文章的来源是哪里？编辑是谁？) that the same
        entry answers the first of as well: what answers the first leads, then what answers the second."""
        asking = ranking.asking
        context = asking.context.strip() if asking is not None else ""
        if not context or not _ASKED_END.search(context) or decision.kind != "answer" or decision.focus is None:
            return decision
        if decision.verdict is not None or decision.gap is not None or not analyse(context, ranking.lang).asks:
            return decision
        first = self.conclude(context, self.rank(context, ranking.lang, tuning=tuning, signals=signals), tuning)
        if first.kind != "answer" or first.answered != decision.answered or first.focus is None or first.verdict:
            return decision
        if first.gap is not None:
            return decision
        one, two = first.focus, decision.focus
        merged = Focus(
            lists=(*one.lists, *(x for x in two.lists if x not in one.lists)),
            figures=(*one.figures, *(x for x in two.figures if x not in one.figures)),
            sentences=(*one.sentences, *(x for x in two.sentences if not _said_already(x, one.sentences))),
        )
        return replace(decision, focus=merged)

    def decide_about(self, question: str, lang: Lang, entry_id: str) -> Decision:
        """Decide a question known to be about one entry's subject (是花园镇吧, after a question about
        新岗村): that entry leads when the question names anything of it, whatever else it names."""
        ranking = self.rank(question, lang)
        own = [c for c in ranking.candidates if c.entry.id == entry_id and c.score > 0]
        if own:
            top = max(c.score for c in ranking.candidates)
            lead = Candidate(own[0].entry, min(100.0, max(own[0].score, top + self.tuning.margin)))
            others = tuple(c for c in ranking.candidates if c.entry.id != entry_id)
            ranking = replace(ranking, candidates=(lead, *others))
        return self.conclude(question, ranking, self.tuning)

    def _sounds(self, question: str, lang: Lang) -> str:
        """The sounds of the meaningful part of a question as `rank` reads it: its question part."""
        text = self._matchable(analyse(question[:MAX_QUESTION_CHARS], lang).core, lang)
        return self.indices[lang].content_sounds(query_units(text, lang))

    def _filed(self, ranking: Ranking, tuning: Tuning) -> tuple[str, int | None] | None:
        """The filed question this one repeats (typed otherwise), with where it was filed; None if none."""
        filed = self.filed[ranking.lang]
        if not filed:
            return None
        sounds = self.indices[ranking.lang].content_sounds(ranking.reading.units)
        if not sounds:
            return None
        found = process.extractOne(sounds, [s for _, _, s in filed], scorer=fuzz.ratio, score_cutoff=tuning.filed_same)
        if found is None:
            return None
        question, position, _ = filed[found[2]]
        return question, position

    def _as_filed(self, question: str, ranking: Ranking, filed: tuple[str, int | None], tuning: Tuning) -> Decision:
        """Declined, or answered by the entry it was filed under, as an admin decided for a question like it."""
        example, position = filed
        if position is None:
            return Decision(
                question,
                ranking.lang,
                "decline",
                ranking.candidates[: tuning.offered],
                declined_as=example,
                asking=ranking.asking,
            )
        entry = self.knowledge.entries[position]
        others = tuple(c for c in ranking.candidates if c.entry.id != entry.id)
        candidates = (Candidate(entry, 100.0), *others)[: tuning.offered]
        focus = find_focus(entry, position, ranking.reading, self.indices[ranking.lang], tuning)
        return Decision(question, ranking.lang, "answer", candidates, focus=focus, asking=ranking.asking)

    def conclude(self, question: str, ranking: Ranking, tuning: Tuning) -> Decision:
        """The decision for a ranked question under `tuning` (a sweep calls this on cached rankings)."""
        decision = replace(choose(question, ranking, tuning), asking=ranking.asking)
        settled = self._gathered(decision, ranking) or self._corrected(decision, ranking, tuning)
        if settled is not None:
            return settled
        if decision.kind == "decline" or not decision.candidates:
            return decision
        lang = ranking.lang
        index = self.indices[lang]
        best = decision.candidates[0].entry
        focus = find_focus(best, self._position[best.id], ranking.reading, index, tuning)
        asking = ranking.asking or analyse(question, lang)
        if self.verdicts.elsewhere(asking.naming, lang, index):
            return replace(decision, kind="decline")
        gap = self.gaps.detail(decision, ranking, focus)
        found = Found(focus)
        if gap is None:
            found = self._found(best, focus, asking, ranking, tuning)
            giving = self._rival(decision, asking, ranking, tuning, found)
            if giving is not None:
                return giving
            if found.missing:
                gap = Gap(best, found.nearest, asked=found.missing)
            elif not found.resolved:
                gap = self.gaps.find(decision, ranking, found.focus, index, tuning)
        else:
            # 全县茶叶种了14万亩，主要是什么品种: the variety is not given, and the wrong figure the question
            # rests on is corrected first all the same
            judged = self._found(best, focus, asking, ranking, tuning)
            if compares(asking) and judged.verdict is not None and not judged.missing:
                # 太子米是不是种得最多的: no ranking is given, but the counts the question compares answer it
                return _settled(replace(decision, asking=asking), judged, None)
            if judged.verdict == "no":
                found = judged
                asked = past_premise(asked_words(asking), judged.said)
                gap = replace(gap, asked=asked) if gap.term is None and not gap.asked and asked else gap
        return _settled(replace(decision, asking=asking), found, gap)

    def _corrected(self, decision: Decision, ranking: Ranking, tuning: Tuning) -> Decision | None:
        """A question too weakly matched to answer whose best entry finds it resting on a wrong premise
        (到武汉理工大学办的乡村干部培训班，学费多少: 华中科技大学, not 武汉理工大学): corrected, what it asks
        on top said to be missing; of a yes/no question back's entries, the one alone that finds a premise wrong.
        None when no entry finds anything wrong, or the match is weaker still."""
        if decision.kind not in ("decline", "ask-back") or decision.broad or not decision.candidates:
            return None
        lang = ranking.lang
        asking = ranking.asking or analyse(decision.question, lang)
        if decision.kind == "ask-back" and not asking.polar:
            return None  # of entries scored alike, the one giving what is asked answers (`_giving`)
        weighed = decision.candidates[:1] if decision.kind == "decline" else decision.candidates
        wrong = []
        for candidate in weighed:
            if candidate.score < tuning.weak_answer:
                continue
            judged = self._found_for(candidate.entry, asking, ranking, tuning)
            # 孝昌县2024年党建考核排第几: a weak match asking of another year asks of another time
            if judged.verdict == "no" and not _YEAR.search(judged.said):
                wrong.append((candidate, judged))
        if len(wrong) != 1:
            return None
        candidate, judged = wrong[0]
        gap = Gap(candidate.entry, judged.nearest, asked=judged.missing) if judged.missing else None
        return _answered_by(decision, asking, candidate, judged, gap)

    def _gathered(self, decision: Decision, ranking: Ranking) -> Decision | None:
        """A question about the whole article (文章里提到了哪些大学), answered with the names of the kind it
        asks from every measure (`bot.core.gathering`), whatever one measure's words it shares (地方 of
        外出学习的地方); None for any other question."""
        asking = ranking.asking or analyse(decision.question, ranking.lang)
        if decision.kind == "answer" and asking.context:
            return None  # 想采访几位回乡青年党员。文章里点名提到了哪几个人: the lead-in says which people
        gathered = gather(asking, self.facts, ranking.lang)
        if gathered is None:
            return None
        listed, entries = gathered
        scores = {c.entry.id: c.score for c in ranking.candidates}
        candidates = tuple(Candidate(entry, scores.get(entry.id, 0.0)) for entry in entries)
        return replace(decision, kind="answer", candidates=candidates, focus=Focus(lists=(listed,)), broad=False)

    def _rival(
        self, decision: Decision, asking: Asking, ranking: Ranking, tuning: Tuning, best: Found
    ) -> Decision | None:
        """Another entry offered that answers where the best does not: of a question back's entries scored
        alike, the one whose facts give what is asked (孝昌搞了多少个议事的组织); over a line of work's own
        entry, which gives no figures, the one measure of it whose facts give the count the question asks
        or judge the one it states (干部培训去了80人吗: 外学拓思路, 51人). None when no other does."""
        if decision.kind == "ask-back" and not decision.broad and asking.asks:
            return self._giving(decision, asking, ranking, tuning, best)
        entry = decision.candidates[0].entry
        counting = any(value.kind == "count" for value in asking.asserted) or any(
            a.kind == "count" for a in asking.asks
        )
        if decision.kind != "answer" or entry.id != entry.line or not counting or best.verdict or best.focus.figures:
            return None
        measures = tuple(c for c in decision.candidates[1:] if c.entry.line == entry.id)
        found = [(c, self._found_for(c.entry, asking, ranking, tuning)) for c in measures]
        giving = [(c, f) for c, f in found if f.verdict == "no" or (f.resolved and not f.missing and f.focus.figures)]
        if len(giving) != 1:
            return None
        return _answered_by(decision, asking, *giving[0])

    def _found_for(self, entry: Entry, asking: Asking, ranking: Ranking, tuning: Tuning) -> Found:
        """`_found` of an entry with its own focus."""
        focus = find_focus(entry, self._position[entry.id], ranking.reading, self.indices[ranking.lang], tuning)
        return self._found(entry, focus, asking, ranking, tuning)

    def _giving(
        self, decision: Decision, asking: Asking, ranking: Ranking, tuning: Tuning, best: Found
    ) -> Decision | None:
        """Of a question back's entries, the one whose facts give a value of the kind asked where the others'
        do not, as an answer; None when none does, or more than one."""
        index = self.indices[ranking.lang]
        answering = [(decision.candidates[0], best)] if best.resolved and not best.missing else []
        for candidate in decision.candidates[1:]:
            entry = candidate.entry
            focus = find_focus(entry, self._position[entry.id], ranking.reading, index, tuning)
            found = self._found(entry, focus, asking, ranking, tuning)
            if found.resolved and not found.missing:
                answering.append((candidate, found))
        if len(answering) > 1:
            # 四大产业，第二个种了多少亩: the item picked from the list the question names (果茶), over an
            # entry that gives areas of other things
            listing = [
                (candidate, found)
                for candidate, found in answering
                if found.focus.lists and any(listed.name in asking.core for listed in candidate.entry.lists)
            ]
            answering = listing if len(listing) == 1 else answering
        if len(answering) > 1:
            # 全县有多少个村（社区）: both measures count villages, but the label 全县村（社区） holds the question
            answering = _best_labelled(answering, ranking, index)
        if len(answering) != 1:
            return None
        return _answered_by(decision, asking, *answering[0])

    def _found(self, entry: Entry, focus: Focus, asking: Asking, ranking: Ranking, tuning: Tuning) -> Found:
        """What an entry's facts give the question: the asked values, judged against what it states."""
        index = self.indices[ranking.lang]
        case = Case(entry, self.facts.of(entry, ranking.lang), asking, ranking.reading, index, tuning)
        return self.verdicts.judge(self.answers.find(case, focus), case)


def _answered_by(
    decision: Decision, asking: Asking, candidate: Candidate, found: Found, gap: Gap | None = None
) -> Decision:
    """The decision answered by one of its candidates, moved first, with what that entry's facts found."""
    others = tuple(c for c in decision.candidates if c is not candidate)
    return _settled(replace(decision, kind="answer", candidates=(candidate, *others), asking=asking), found, gap)


def _said_already(sentence: str, said: tuple[str, ...]) -> bool:
    """Whether every clause of a sentence stands in sentences already in the reply."""
    clauses = [c for c in re.split(r"[，,；;。.]", sentence) if c.strip()]
    told = "".join(said)
    return bool(clauses) and all(clause in told for clause in clauses)


_ASKED_END = re.compile(r"[?？]\W*$")
"""The end of a sentence that asks."""

_CLAUSE_END = re.compile(r"[^，,；;。？?！!]+[，,；;。？?！!]*")
"""A clause with the mark that ends it."""

_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
"""A year, as a premise states it (2024年, in 2024)."""

GIST = {
    "zh": re.compile(
        r"(?:讲|写|说|谈|介绍)(?:了|的|些)*(?:什么|啥|哪些|哪几)|主要内容|大意|概括|(?:分|有|讲了)(?:哪|几)几?(?:个|大)?(?:方面|部分|块)"
    ),
    "en": re.compile(r"\bwhat(?: is|'s) (?:it|this|the article|the report|this article) about\b|\bsummar|\bmain point"),
}
"""How a question asks what the article says as a whole: 主要讲了什么, 分几大块, what is it about."""
ARTICLE_NOUNS = {
    "zh": re.compile(r"文章|报道|本文|全文|原文|这篇|稿子|新闻"),
    "en": re.compile(r"\b(?:article|report|story|piece|it|this)\b"),
}
"""Words naming the article itself."""


def _overview(knowledge: KnowledgeBase) -> int | None:
    """The position of the entry whose lists name most of the other entries (the overview's twelve measures),
    if one names at least half of them; None for an FAQ without one."""
    titles = {entry.title for entry in knowledge.entries}
    covering = [sum(item in titles for listed in entry.lists for item in listed.items) for entry in knowledge.entries]
    best = max(range(len(covering)), key=covering.__getitem__, default=None)
    return best if best is not None and 2 * covering[best] >= len(knowledge.entries) else None


def _best_labelled(
    answering: list[tuple[Candidate, Found]], ranking: Ranking, index: Index
) -> list[tuple[Candidate, Found]]:
    """Of several entries giving a figure, the one whose figure's label holds clearly the most of the
    question (by a fifth of it); all of them when none does."""
    lang = ranking.lang

    def label_held(found: Found) -> float:
        labels = tuple(figure.label(lang) for figure in found.focus.figures)
        return held_most(labels, ranking.reading, index) if labels else 0.0

    def said_of(found: Found) -> float:
        """How much of the label the question says: 全县村（社区） all of it, where 获评……示范村的村（社区）
        counts a part that the question does not single out."""
        labels = [re.sub(r"\W", "", figure.label(lang)) for figure in found.focus.figures]
        text = ranking.reading.text
        return max((sum(ch in text for ch in label) / len(label) for label in labels if label), default=0.0)

    scored = sorted(((label_held(found), (candidate, found)) for candidate, found in answering), key=lambda x: -x[0])
    if scored[0][0] > 0 and scored[0][0] - scored[1][0] >= 0.2 * ranking.reading.total:
        return [scored[0][1]]
    tied = [pair for held, pair in scored if held > 0 and held >= scored[0][0] - 0.2 * ranking.reading.total]
    said = sorted(((said_of(found), (candidate, found)) for candidate, found in tied), key=lambda x: -x[0])
    if len(said) >= 2 and said[0][0] - said[1][0] >= 0.3:
        return [said[0][1]]
    return answering


def _settled(decision: Decision, found: Found, gap: Gap | None) -> Decision:
    """A decision with what answering found: what the article does not give (declined when the question
    was a broad topic), or the answer's focus and verdict; a question back as it was."""
    asking = decision.asking
    if gap is not None and decision.broad:
        return replace(decision, kind="decline")
    if gap is not None:
        if gap.term is None and not gap.asked and asking is not None:
            gap = replace(gap, asked=asked_words(asking))  # what is missing, in the question's own words
        corrected = (
            replace(found.focus, said=found.said, truth=found.truth, instead=found.instead) if found.verdict else None
        )
        return replace(decision, kind="unexplained", focus=corrected, gap=gap, verdict=found.verdict)
    if decision.kind == "answer":
        focus = replace(found.focus, said=found.said, truth=found.truth, instead=found.instead)
        return replace(decision, focus=focus, verdict=found.verdict)
    return decision


def _largest(scores: dict[int, float], count: int) -> list[int]:
    """The `count` owners with the largest scores, ties in the dictionary's order: what `heapq.nlargest`
    gives, sorted in C rather than sifted in Python, which the thousands of entries of a large FAQ
    make the slower."""
    return sorted(scores, key=scores.__getitem__, reverse=True)[:count]


def _lead(ranking: Ranking) -> float:
    """How far the best entry scores above the next (above nothing, when it is alone)."""
    found = ranking.candidates
    return found[0].score - (found[1].score if len(found) > 1 else 0.0)


def _torn(ranking: Ranking, tuning: Tuning) -> bool:
    """Whether a ranking's best entries are too close to choose between (a question back)."""
    return len(ranking.candidates) >= 2 and _lead(ranking) < tuning.margin


def _best(scores: dict[int, float], count: int) -> list[int]:
    """The `count` best-scored owners, best first, ties by position: only those scoring at least the
    `count`-th best score are sorted, not the thousands a common word brings in a large FAQ."""
    chosen: Collection[int] = scores
    if len(scores) > count:
        least = sorted(scores.values(), reverse=True)[count - 1]
        chosen = [owner for owner, score in scores.items() if score >= least]
    return sorted(chosen, key=lambda owner: (-scores[owner], owner))[:count]


def _explain(index: Index, reading: Reading) -> dict[int, float]:
    """Per entry position, the weight of the question positions its terms explain, the best term per position.

    Positions under the same matches weigh the same for every entry, so each such group
    is counted once, times its size: a word that thousands of entries hold costs one pass.
    """
    covering: dict[int, list[int]] = defaultdict(list)
    for number, match in enumerate(reading.matches):
        for position in range(match.start, match.end):
            if position in reading.content:
                covering[position].append(number)
    explained: dict[int, float] = {}
    for numbers, width in Counter(tuple(numbers) for numbers in covering.values()).items():
        best: dict[int, float] = {}
        for number in numbers:
            match = reading.matches[number]
            term = index.terms[match.term]
            factor = match.quality * term.idf
            if not best:  # the first match of the group: no best to beat yet
                best = {owner: held for owner, weight in term.owners.items() if (held := factor * weight) > 0.0}
                continue
            for owner, weight in term.owners.items():
                held = factor * weight
                if held > best.get(owner, 0.0):
                    best[owner] = held
        for owner, held in best.items():
            explained[owner] = explained.get(owner, 0.0) + held * width
    return explained


def _pieces(index: Index, reading: Reading, owner: int) -> int:
    """In how many separate places of the question the terms of entry `owner` stand (overlapping
    matches, 十分钟 and 分钟, are one place)."""
    spans = sorted((m.start, m.end) for m in reading.matches if owner in index.terms[m.term].owners)
    pieces, reached = 0, -1
    for start, end in spans:
        if start >= reached:
            pieces += 1
        reached = max(reached, end)
    return pieces


def _weakly_clear(ranking: Ranking, tuning: Tuning) -> bool:
    """Whether a best entry scoring under the bar to answer still stands out enough to answer: well
    ahead of the next, with evidence in more than one place of the question (`Tuning.weak_answer`)."""
    ranked = ranking.candidates
    if not ranked or not tuning.weak_answer <= ranked[0].score < tuning.answer:
        return False
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    return ranked[0].score >= tuning.weak_lead * runner_up and ranking.pieces >= tuning.weak_pieces


def choose(question: str, ranking: Ranking, tuning: Tuning) -> Decision:
    """Answer, ask back or decline, from the scores alone."""
    lang, ranked = ranking.lang, ranking.candidates
    if _weakly_clear(ranking, tuning):
        return Decision(question, lang, "answer", ranked[: tuning.offered])
    if not ranked or ranked[0].score < tuning.ask:
        broad = _broad(ranking, tuning)
        if broad:
            return Decision(question, lang, "ask-back", broad, broad=True)
        return Decision(question, lang, "decline", ranked[: tuning.offered])
    if ranked[0].score >= tuning.answer and _lead(ranking) >= tuning.margin:
        return Decision(question, lang, "answer", ranked[: tuning.offered])
    close = [c for c in ranked if c.score >= tuning.ask and c.score >= ranked[0].score - tuning.spread]
    return Decision(question, lang, "ask-back", tuple(close[: tuning.offered]))


def _broad(ranking: Ranking, tuning: Tuning) -> tuple[Candidate, ...]:
    """For a question made only of broad topic words the FAQ uses in many places (党员, villages),
    the entries that use them most; none for any other question.

    Such a question explains too little to pick one entry, but it is not about anything the
    article leaves out: offering the likeliest entries is better than "the article does not say".
    """
    reading = ranking.reading
    if not reading.content or reading.unknown or not ranking.explained:
        return ()
    top = max(ranking.explained.values())
    held = sorted(ranking.explained.items(), key=lambda item: (-item[1], item[0]))
    by_id = {c.entry.id: c for c in ranking.candidates}
    offered = [by_id[entry] for entry, weight in held if weight >= tuning.broad_share * top and entry in by_id]
    return tuple(offered[: tuning.broad_entries])
