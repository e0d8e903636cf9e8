"""Which of an entry's facts answers what a question asks, or what the entry does not give.

Given the entry a question matched and what it asks (`bot.core.asking`), the asked value leads
the reply:

- **how many**: the count whose measure and label fit (几期 wants a count of times, 多少斤 a
  weight: 51人 answers neither); counts about as good as the best are all given;
- **when**: a date or time; **who**: the person the question names, or whose role it asks
  (编辑是谁), or the people a list of the entry names; **what is it called**: a name the
  question does not already give; **where** and **which one**: the place or organisation the
  sentence about the question names, or a list whose items are all places;
- several asks in one question (有多少家企业……，涉及哪些产业) are answered one after another.

When the entry has no value of the asked kind about the subject, that is what is missing: the
reply says so in the question's own words (文章没有说浙大培训几期) and quotes the nearest fact,
which by construction does not answer it. Nothing else is called missing here; what a question
states is checked in `bot.core.verdicts`. Imports nothing from `telegram`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

from bot.core.asking import ORDINAL_ZH, Ask, Asking, ask_spans, asks_table, common_word
from bot.core.decision import Verdict
from bot.core.dictionary import dictionary
from bot.core.facts import Fact, Facts, Told, around, overlap, stems
from bot.core.focus import Focus, clauses_holding, cut_to_question, held
from bot.core.gaps import asked_attribute
from bot.core.index import Index, Reading
from bot.core.normalise import STOP_EN, fold, stop_spans, units
from bot.core.reply import FACT_WINDOW
from bot.core.romanised import split_word
from bot.core.tuning import Tuning
from bot.core.values import MEASURES, PLACE_NOUNS_EN, PLACE_SUFFIXES, SCALE, Value, names_a_kind, number_of, same_level
from bot.faq.knowledge import Entry, ItemList
from bot.language import LANGS, Lang

_ENDING = re.compile(r"[\s?？!！。.~～,，、;；:：]+$|[^\w\u3400-\u9fff]+$")
_PARTICLES = re.compile(r"(?:啊|呀|呢|吧|嘞|滴|哈|哦|嘛|呗|啦|了吗|吗|(?<![什怎这那多])么)+$")
_EN_MEASURE = {
    **dict.fromkeys(("mu", "hectares", "hectare", "acres", "square"), "area"),
    **dict.fromkeys(("minutes", "minute", "years", "year", "hours", "days", "months", "weeks"), "duration"),
    **dict.fromkeys(("yuan", "rmb"), "money"),
    **dict.fromkeys(("times",), "times"),
}
"""What an English count measures, by the noun after it (a count of anything else is of things)."""
_ROLE_ASK = {
    "zh": re.compile(r"(?P<role>[^\W\d_的是]{2,8}?)(?:是谁|叫什么|叫啥|姓什么|是哪位)(?=[\W啊呀呢吧嘞]|$)"),
    "en": re.compile(
        r"\bwho (?:is|was|are|were) (?:the |its |their )?(?P<role>[a-z][a-z -]{2,40}?)(?: of\b| in\b| for\b|\?|$)"
    ),
}
"""A question for the person holding a role: 县委书记是谁, who is the county Party secretary."""
LIGHT_VERBS = ["负责", "来", "去", "在", "给", "替", "帮", "为", "能", "会", "要"]
"""Verbs that stand before the deed a person is asked about (谁负责谋事, 谁来监督)."""
EXCLUDING_WORDS: dict[Lang, list[str]] = {
    "zh": ["除了", "除去", "另外", "其他", "其余", "别的"],
    "en": ["besides", "apart from", "other than", "except"],
}
"""Words that ask about the rest of something (除了冯山社区，另外两个): what the question names is not
the answer, and a count it states is of the rest."""


@lru_cache(maxsize=2)
def deed_words(lang: Lang) -> re.Pattern[str]:
    """What a person is asked to have done (谁创办, who founded)."""
    if lang == "zh":
        light = "|".join(LIGHT_VERBS) or "(?!)"
        return re.compile(rf"谁(?:{light})*([\u4e00-\u9fff]{{2,6}})")
    return re.compile(r"\bwho (?!is\b|are\b|was\b|were\b|has\b|have\b|had\b|does\b|did\b|do\b)([a-z]{4,})\b")


@lru_cache(maxsize=2)
def excluding_words(lang: Lang) -> re.Pattern[str]:
    """`EXCLUDING_WORDS`, compiled."""
    words = EXCLUDING_WORDS[lang]
    if not words:
        return re.compile(r"(?!)")
    return re.compile("|".join(words) if lang == "zh" else rf"\b(?:{'|'.join(words)})\b")


def excluding(asking: Asking) -> bool:
    """Whether a question asks about the rest of something (除了……另外……, besides)."""
    return bool(excluding_words(asking.lang).search(asking.core))


AMOUNTS = ("area", "weight", "length")
"""Measures of an amount (land in 亩, a weight, a length), which the article gives side by side."""

_STOP_CHARS = "的了是有在去来过着和与及跟都也就还又被把给对为从这那其该些么个吗呢啊呀吧"
"""Function characters around a noun read from a question (去了几次: no noun)."""


@dataclass(frozen=True)
class Found:
    """What answers, and what the question stated that the article does not bear out."""

    focus: Focus
    verdict: Verdict | None = None
    said: str = ""
    """For a "no": what the question stated (300个, 清华大学)."""
    truth: str = ""
    """For a "no": what the article says instead (219个; the sentence with 浙江大学)."""
    instead: str = ""
    """For a "no" corrected with a sentence: the article's name in it of the stated one's kind (浙江大学)."""
    missing: str = ""
    """What the question asks that the entry does not give, in its own words; empty when it does."""
    nearest: str = ""
    """With `missing`: the fact nearest to what was asked, which does not answer it."""
    resolved: bool = False
    """A value of the asked kind was found (or the question's statements judged): nothing is missing."""


@dataclass(frozen=True)
class Case:
    """One question about one entry: everything a step of answering reads."""

    entry: Entry
    facts: tuple[Fact, ...]
    asking: Asking
    reading: Reading
    index: Index
    tuning: Tuning

    @property
    def lang(self) -> Lang:
        """The question's language."""
        return self.asking.lang

    def held(self, text: str) -> float:
        """How much of the question a text holds (`bot.core.focus.held`)."""
        return held(text, self.reading, self.index)

    def nearest(self) -> Fact:
        """The fact that holds most of the question."""
        return max(self.facts, key=lambda fact: self.held(fact.text))


class Answers:
    """Finds, in an entry's facts, the value a question asks for."""

    key_figures = 4
    """A measure named alone is answered with at most this many of its figures: a phone screen's worth."""

    def __init__(self, facts: Facts, syllables: frozenset[str] = frozenset()) -> None:
        self.facts = facts
        knowledge = facts.knowledge
        self.synonyms = {lang: dict(knowledge.synonyms(lang)) for lang in LANGS}
        self._generic = {lang: frozenset(knowledge.generic(lang)) for lang in LANGS}
        self.syllables = syllables
        """The pinyin syllables of the FAQ's Chinese: an English question's words of them are terms."""

    def find(self, case: Case, focus: Focus) -> Found:
        """The reply's focus for the case's entry, led by the asked values; or what is missing."""
        if not case.facts:
            return Found(focus)
        stated = [listed for listed in focus.lists if _all_named(listed, case)]
        if stated and case.asking.asks and not case.asking.polar:
            # 华中科技大学和华中农业大学办的是什么班: a list the question itself names is not what it asks
            kept = tuple(listed for listed in focus.lists if listed not in stated)
            sentences = focus.sentences or (
                cut_to_question(case.nearest().text, case.reading, case.index, case.tuning),
            )
            focus = replace(focus, lists=kept, sentences=sentences if not kept else focus.sentences)
        ordinal = _ordinal(case, focus)
        if ordinal is not None:  # 四化里第二化是什么, 最后一个呢: that item of the list
            return Found(replace(focus, lists=(ordinal,), figures=(), sentences=()), resolved=True)
        if not case.asking.asks and not case.asking.polar and focus.general and case.entry.figures:
            # a topic or a measure named alone: the measure with its key figures
            return Found(replace(focus, figures=case.entry.figures[: self.key_figures]), resolved=True)
        found = Found(focus)
        for ask in case.asking.asks:
            found = self._step(ask, found, case)
            if len(case.asking.asks) > 1 and not found.missing:
                found = self._part(ask, found, case)
            if found.missing:
                break
        if case.asking.kind in ("how", "why") and not found.missing:
            found = replace(found, focus=_with_way(found.focus, case))
        converted = _converted(found.focus, case)
        return replace(found, focus=replace(found.focus, converted=converted)) if converted else found

    # ------------------------------------------------------------------ one step per kind asked

    def _step(self, ask: Ask, found: Found, case: Case) -> Found:
        """The step for the kind asked; how and why have none: their answer is the sentence found."""
        # looked up at each call, not kept on the object: the start-up cache keeps no bound methods
        steps: dict[str, Callable[[Ask, Found, Case], Found]] = {
            "count": self._count,
            "when": self._when,
            "person": self._person,
            "name": self._name,
            "place": self._place,
            "which": self._which,
            "what": self._named,
        }
        step = steps.get(ask.kind)
        return step(ask, found, case) if step is not None else found

    def _count(self, ask: Ask, found: Found, case: Case) -> Found:
        unlabelled = self._unlabelled_count(ask, found, case)
        if unlabelled is not None:
            return unlabelled
        # 多少人口, 一年产量多少: what is counted is not in the entry; 多少个乡镇党校, 多少个驻村第一书记:
        # spoken of, never counted
        if not self._counted_told(ask, case) or self._uncounted(ask, case):
            return missing(found, case)
        after = _after_measure(case.asking.noun_after(ask), case)
        # 多少个村: a noun of one character is what is counted too
        noun = " ".join(_words(after, case)[:2]) or (after if len(after) == 1 and case.lang == "zh" else "")
        chosen = self._counts(ask, noun, case)
        if chosen:  # 在浙江大学办了几次: the 两次 are the trips to 黄冈, not Zhejiang's
            return missing(found, case) if self._elsewhere_named(chosen, case) else _lead(found, chosen, case)
        chosen = self._amounts(ask, case)  # 育树苗、种花草的面积: 苗木花卉, by the characters they share
        if chosen or (found.focus.lists and ask.measure in ("", "things", "people", *AMOUNTS)):
            # 几种方式, 各类支部分别有多少个, 种植面积有哪些: the list gives them
            return _lead(found, chosen, case) if chosen else replace(found, resolved=True)
        if found.focus.figures and ask.measure in ("", *AMOUNTS) and not case.asking.polar:
            return replace(found, resolved=True)
        given = self._near_measure(ask, case) or self._only_count(ask, noun, case)
        return _lead(found, given, case) if given else missing(found, case)

    def _unlabelled_count(self, ask: Ask, found: Found, case: Case) -> Found | None:
        """A count no label gives: how often (多久一次), or how many kinds of a thing the entry lists."""
        if ask.measure == "frequency":  # 多久一次: how often the article says, if it says
            often = [(fact, v) for fact in case.facts for v in fact.of_kind("frequency")]
            return _lead(found, often, case) if often else missing(found, case)
        listed = self._counted_list(ask, case)
        if listed is not None:  # 利益联接方式有几种: the five the article lists, 等 and all
            return replace(found, focus=replace(found.focus, lists=(listed,), figures=()), resolved=True)
        return None

    def _counted_list(self, ask: Ask, case: Case) -> ItemList | None:
        """The entry's list a "how many kinds" counts (利益联接方式有几种), when no count of the entry does:
        how many the article lists is the answer it gives."""
        if case.lang != "zh" or ask.measure not in ("", "things") or ask.unit not in ("种", "类", "项", "条", "个"):
            return None
        noun = (case.asking.noun_after(ask) or case.asking.noun_before(ask)).strip(_STOP_CHARS)
        if len(noun) < 2:
            return None
        if any(noun in v.label for fact in case.facts for v in fact.of_kind("count")):
            return None
        listed = next((listed for listed in case.entry.lists if noun in listed.name or listed.name in noun), None)
        if listed is None:
            return None
        # the number asked leads: 利益联接方式（列出5种）：订单合同型、……等
        return replace(listed, name=f"{listed.name}（列出{len(listed.items)}{ask.unit}）")

    def _near_measure(self, ask: Ask, case: Case) -> list[tuple[Fact, Value]]:
        """A measure of its own (a duration, a number of times) that the fact nearest the question gives in
        a clause about the question (具体多久到: 服务人员10分钟现场报到): what is asked, though no label names
        it; saying it is not given would quote it."""
        if ask.measure in ("", "things", "people"):
            return []
        stated = {(v.number, v.unit) for v in case.asking.asserted}
        near = case.nearest()
        given = [
            (near, v)
            for v in near.of_kind("count")
            if _fits(ask, v, case.lang)
            and (v.number, v.unit) not in stated
            and case.held(near.clause_of(v, before=1)) > 0
        ]
        return [] if self._elsewhere_named(given, case) else given

    def _amounts(self, ask: Ask, case: Case) -> list[tuple[Fact, Value]]:
        """An amount asked (面积多大, 多少亩) of something the entry's labels name in other words: the
        amounts whose labels share the most characters, two at least, with what the question says (育树苗、
        种花草的面积: 苗木花卉13万亩), leaving out the article's places and the county itself (花园镇, 孝昌县面积
        is no crop's). None when no label shares any: then the entry gives no such amount."""
        if case.lang != "zh" or ask.measure not in AMOUNTS:
            return []
        core = case.asking.core
        text = core[: ask.start] + " " + core[ask.end :]
        for name in self.facts.named_in(core, case.lang):
            text = text.replace(name.text, " ")
        for word in self._generic[case.lang]:
            text = text.replace(word, " ")
        chars = {c for c in text if "\u4e00" <= c <= "\u9fff" and c not in _STOP_CHARS and not _is_stop(c)}
        scored = [
            (sum(c in v.label for c in chars), fact, v)
            for fact in case.facts
            for v in fact.of_kind("count")
            if v.measure == ask.measure
        ]
        best = max((score for score, _, _ in scored), default=0)
        # one character shared is chance (玉米 and 太子米), two are not (树苗、花草 and 苗木花卉)
        return [(fact, v) for score, fact, v in scored if score == best] if best >= 2 else []

    def _only_count(self, ask: Ask, noun: str, case: Case) -> list[tuple[Fact, Value]]:
        """The entry's one count of people, asked for as 几个人 with nothing else counted (浙大那个班有几个人:
        51人, the only count of people): saying the article does not give it would be false."""
        if case.lang != "zh" or noun != "人" or ask.measure not in ("things", "people"):
            return []
        stated = {(v.number, v.unit) for v in case.asking.asserted}
        fitting = [
            (fact, v)
            for fact in case.facts
            for v in fact.of_kind("count")
            if v.measure == "people" and (v.number, v.unit) not in stated
        ]
        if len({(v.number, v.unit) for _, v in fitting}) != 1 or self._elsewhere_named(fitting[:1], case):
            return []
        return fitting[:1]

    def _elsewhere_named(self, chosen: list[tuple[Fact, Value]], case: Case) -> bool:
        """Whether the question names one of the article's places, bodies or people that the sentences of
        the chosen counts leave out while another sentence of the entry holds it."""
        text = case.asking.naming
        names = [
            n.text
            for n in self.facts.named_in(text, case.lang)
            if n.text not in self._generic[case.lang] and (n.text in text or n.text.lower() in text.lower())
        ]
        if not names:
            return False
        held = [name for name in names if any(name in fact.text for fact in case.facts)]
        return bool(held) and not any(name in fact.text for name in held for fact, _ in chosen)

    def _when(self, _ask: Ask, found: Found, case: Case) -> Found:
        dated = [(fact, v) for fact in case.facts for v in fact.of_kind("date", "time")]
        return _lead(found, dated, case) if dated else missing(found, case)

    def _person(self, _ask: Ask, found: Found, case: Case) -> Found:
        """A person asked for: named in the question (沈腾是谁: the sentence about them), by role
        (编辑是谁: the person the article gives that role), or those the entry lists or a sentence names."""
        doing = _doing(case)
        if doing:  # 谋事是谁的职责: the list of who does what (村“两委”谋事、理事会管事……)
            return replace(found, focus=replace(found.focus, lists=doing), resolved=True)
        names = self.facts.named_in(case.asking.core, case.lang)
        named = {n.text for n in names}
        persons = [(fact, v) for fact in case.facts for v in fact.of_kind("person") if v.text not in named]
        role = _ROLE_ASK[case.lang].search(case.asking.core)
        people = [n.text for n in names if n.kind == "person"]
        wanted = role.group("role") if role and not any(n in role.group("role") for n in people) else ""
        if not wanted:
            return self._doer(found, persons, case)
        by_role = [(case.held(v.label), fact, v) for fact, v in persons if v.label]
        top = max((score for score, _, _ in by_role), default=0.0)
        if top > 0:
            return _lead(found, [(fact, v) for score, fact, v in by_role if score >= top], case)
        holding = [(fact, v) for fact, v in persons if _role_fits(wanted, v.label or fact.clause_of(v), case.lang)]
        if holding:
            return _lead(found, holding[:3], case)
        if not found.focus.lists and (not persons or not _role_named(wanted, case)):
            return missing(found, case)  # 县委书记是谁: the entry names no one, or no one in that role
        return found

    def _doer(self, found: Found, persons: list[tuple[Fact, Value]], case: Case) -> Found:
        """Who did something: missing when the entry tells no such deed (谁创办的, who founded), else the
        people the entry lists or the sentence about the question names."""
        deed = deed_words(case.lang).search(case.asking.core)
        words = _words(deed.group(1), case)[:1] if deed else []
        # 谁要求办的: 要 is no light verb there, but begins 要求, the entry's word (应村民要求开办)
        whole = deed.group(0)[1:3] if deed and case.lang == "zh" else ""
        if words and not self._known(words[0], case) and not (len(whole) == 2 and whole in case.entry.text("zh")):
            return missing(found, case)
        listed = self._listed_names(("person",), case)
        if listed:
            return replace(found, focus=replace(found.focus, lists=listed), resolved=True)
        if deed and case.lang == "zh":  # 谁编的: the person whose role begins with the deed (编辑：彭扬)
            verb = deed.group(1).strip(_STOP_CHARS)[:1]
            roled = [(fact, v) for fact, v in persons if verb and v.label.startswith(verb)]
            if roled:
                return _lead(found, roled, case)
        return self._sentence_people(found, persons, case)

    def _sentence_people(self, found: Found, persons: list[tuple[Fact, Value]], case: Case) -> Found:
        """The people named in the sentence about the question; a role word of an English question
        counts for the person given that role (edited: Editor)."""
        if found.focus.lists:
            return found
        if not persons:
            return self._counted_people(found, case)
        words = re.findall(r"[a-z]{4,}", case.asking.core.lower()) if case.lang == "en" else []
        scored = [
            (case.held(fact.text) + float(any(_role_fits(w, v.label, case.lang) for w in words)), fact, v)
            for fact, v in persons
        ]
        best = max(score for score, _, _ in scored)
        if best <= 0:
            return found
        return _lead(found, [(fact, v) for score, fact, v in scored if score >= best], case)

    def _counted_people(self, found: Found, case: Case) -> Found:
        """Who, where the entry names no one: the people it counts in the sentence about the question
        (浙江大学培训班都是些什么人: 乡镇党委书记……驻村第一书记和村党组织书记等51人)."""
        # only in the sentence holding most of the question: 华中农大的培训班是给谁办的 is not answered with the
        # mentors of another sentence that shares 培训
        near = case.nearest()
        counted = (
            [(near, v) for v in near.of_kind("count") if v.measure == "people"] if case.held(near.text) > 0 else []
        )
        return _lead(found, counted[:2], case) if counted else found

    def _name(self, _ask: Ask, found: Found, case: Case) -> Found:
        """A name asked for (叫什么名字): one the clause about the question gives and the question does not."""
        if self._no_others(_ask, found, case):
            return missing(found, case)  # 除了冯山社区，另外两个叫什么: no other is named
        named = {n.text for n in self.facts.named_in(case.asking.core, case.lang)}
        near = [
            (fact, v)
            for fact in case.facts
            for v in fact.of_kind("person", "org", "place")
            if v.text not in named and any(case.held(c) > 0 and v.text in c for c in fact.parts())
        ]
        # 幸福食堂的老板叫什么: the name of the one after 的, which no clause naming anything speaks of
        owner = _OWNED.search(case.asking.core[: _ask.start]) if case.lang == "zh" else None
        if owner and not any(owner.group(1) in fact.text or owner.group(1)[-1] in v.text for fact, v in near):
            near = []
        if near and case.held(case.nearest().text) > 0:
            return _lead(found, near[:3], case)
        titled = self._titled(_ask, case)
        if titled:
            return _lead(found, titled, case)
        if case.lang == "zh" and WAY_NAMES.search(case.asking.core[: _ask.start]):
            # 帮老百姓调解……替大家伙说话的那套做法叫什么: a way of working described, not named, is the
            # measure itself, whose name heads the reply; its sentence closest to the description follows
            told = cut_to_question(case.nearest().text, case.reading, case.index, case.tuning)
            return replace(found, focus=replace(found.focus, sentences=found.focus.sentences or (told,)), resolved=True)
        return found if found.focus.lists else missing(found, case)

    def _titled(self, ask: Ask, case: Case) -> list[tuple[Fact, Value]]:
        """A thing's name the article puts in quotes (食堂叫啥: “幸福食堂”): a quoted term of the entry that
        ends with the word the question names the thing by."""
        if case.lang == "zh":  # 那种模式，具体叫什么: the thing may be named in the clause before
            before = re.sub(r"[^\u4e00-\u9fff]", "", case.asking.core[: ask.start])[-12:]
            words = _words(before, case)
        else:  # what is the canteen called: the last word before the asking one
            words = re.findall(r"[a-z]{4,}", case.asking.core[: ask.start].lower())
        quoted = [
            (fact, term, (term.group(1) or term.group(2)).lower())
            for fact in case.facts
            for term in _QUOTED_TERM.finditer(fact.text)
        ]
        for head in reversed([w for w in words if len(w) >= 2]):  # the word nearest the asking one first
            for fact, term, text in quoted:
                # “幸福食堂” for 食堂; “将带兵、师帮徒”导师帮带制: the quote right before the word names it
                after = fact.text[term.end() : term.end() + len(head) + 2]  # “党支部+企业+农民”发展模式
                if (text.endswith(head) and text != head) or (after.endswith(head) or after.startswith(head)):
                    return [(fact, Value("org", term.group(), term.start(), term.end()))]
        # 标题叫啥, what is the headline called: a title is what the article puts in 《》
        before = case.asking.core[: ask.start].lower()
        if any(word in before for word in TITLE_WORDS[case.lang]):
            titles = [(fact, m) for fact in case.facts for m in _TITLE.finditer(fact.text)]
            if titles:
                fact, title = titles[0]
                return [(fact, Value("org", title.group(), title.start(), title.end()))]
        return []

    def _place(self, ask: Ask, found: Found, case: Case) -> Found:
        """Where: a list of the entry's places, else the place of the asked kind (镇, village) that the
        sentence about the question names and the question does not."""
        if _attribute(case):
            return missing(found, case)  # 乡镇党校的老师从哪里来: the article never speaks of the teachers
        people = {n.text for n in self.facts.named_in(case.asking.core, case.lang) if n.kind == "person"}
        telling = [fact for fact in case.facts if any(name in fact.text for name in people)]
        if telling and not any(fact.of_kind("place", "org") for fact in telling):
            return missing(found, case)  # 李健初是哪里人: the article gives his role, and no place of his
        # 这篇报道出自哪里: where the article comes from is its source
        sources = [(fact, v) for fact in case.facts for v in fact.of_kind("org") if v.label in SOURCE_LABELS]
        published = bool(sources) and bool(PUBLISHED_WORDS[case.lang].search(case.asking.core))
        listed = () if published else self._listed_names(("place", "org"), case)
        chosen = sources if published else self._places(ask, case)
        # 去了哪些地方: the list of places, over a list found by its words, unless a place stands in a
        # sentence nearer the question (在……开办培训班是在哪里: 浙江大学)
        if listed and not (chosen and case.held(chosen[0][0].text) > self._giving(listed[0], case)):
            return replace(found, focus=replace(found.focus, lists=listed), resolved=True)
        if chosen:  # a place answers where, before a list found by its words (the three zeros)
            return _lead(replace(found, focus=replace(found.focus, lists=())), chosen, case)
        if found.focus.lists:
            return found
        return missing(found, case) if self._no_others(ask, found, case) or _kind_untold(ask, case) else found

    def _named(self, ask: Ask, found: Found, case: Case) -> Found:
        """What or which of things known by their names (哪些企业, what company): the names, if given; what a
        person the question names is (彭扬担任什么角色): the role the article gives them."""
        names = self.facts.named_in(case.asking.core, case.lang)
        named = {n.text for n in names if n.kind == "person"}
        roles = [(fact, v) for fact in case.facts for v in fact.of_kind("person") if v.text in named and v.label]
        if roles:
            return _lead(found, roles, case)
        if self._untold_of_person(ask, named, case):
            return missing(found, case)
        if found.focus.lists or not names_a_kind(case.asking.noun(ask), case.lang):
            # 丰山镇获得了什么称号: what the one sentence naming the place says of it, over the summary
            places = {n.text for n in names if n.kind in ("place", "org")} - self._generic[case.lang]
            about = [(fact, v) for fact in case.facts for v in fact.of_kind("place", "org") if v.text in places]
            if found.focus.general and len({fact.text for fact, _ in about}) == 1:
                return _lead(found, about[:1], case)
            return found
        return self._name(ask, found, case)

    def _untold_of_person(self, ask: Ask, named: set[str], case: Case) -> bool:
        """Whether a question asks what kind of thing a person of the article does (沈腾是做什么生意的, 沈腾回乡
        搞的是什么产业) that no sentence naming them tells: the article names them and nothing of it."""
        noun = _words(case.asking.noun(ask), case)[:1] if case.lang == "zh" else []
        telling = [fact.text for fact in case.facts if any(name in fact.text for name in named)]
        return bool(named and noun and telling) and not any(noun[0] in text for text in telling)

    def _which(self, ask: Ask, found: Found, case: Case) -> Found:
        """Which ones: a list of names (哪些大学) or one found by its words, the names of things known
        by them (哪些企业), or the place of the kind asked (which town)."""
        naming = names_a_kind(case.asking.noun(ask), case.lang)
        if self._no_others(ask, found, case) or _only_counted(case):
            # 除了冯山社区，另外两个是哪些村: the sentence names no other village; 4家省级示范园分别是哪几家:
            # the article counts them and names none
            return missing(found, case)
        if found.focus.lists and not naming:
            return found
        listed = self._listed_names(("place", "org"), case) if naming or ask.unit else ()
        if listed:  # 哪些大学: the list of names, over a list found by its words
            return replace(found, focus=replace(found.focus, lists=listed), resolved=True)
        if naming:
            return self._name(ask, found, case)
        chosen = self._places(ask, case) if ask.unit or re.search(r"\bwhich \w+ in\b", case.asking.core) else []
        if chosen:
            return _lead(found, chosen, case)
        return self._rest(ask, found, case)

    def _rest(self, ask: Ask, found: Found, case: Case) -> Found:
        """Which ones, when no list or name answers: missing when the sentence about the question names
        no place of the kind asked (11个软弱涣散村党组织是哪些村); else the measure's one list when the
        question names the measure (深化学习方面分了哪几种学法)."""
        if not found.focus.lists and _kind_untold(ask, case, case.asking.noun(ask)):
            return missing(found, case)
        entry = case.entry
        named = case.reading.total > 0 and case.held(entry.title_in(case.lang)) >= 0.5 * case.reading.total
        if len(entry.lists) == 1 and named:
            return replace(found, focus=replace(found.focus, lists=entry.lists), resolved=True)
        return found

    def _part(self, ask: Ask, found: Found, case: Case) -> Found:
        """One of several asks that found no value (有什么平台，已经有多少青年党员): the clause naming
        what it asks by joins the reply."""
        if ask.kind not in ("what", "how", "which") or found.focus.lists:
            return found
        noun = case.asking.noun(ask)
        naming = [(fact, part) for fact in case.facts for part in fact.parts() if noun and noun in part]
        if not naming:
            return found
        fact, part = max(naming, key=lambda pair: case.held(pair[1]))
        start = fact.text.find(part)
        return _lead(found, [(fact, Value("count", part, start, start + len(part)))], case)

    # ------------------------------------------------------------------ the values

    def _counted_told(self, ask: Ask, case: Case) -> bool:
        """Whether the entry speaks of what a count counts: the words after 多少 (多少名导师, 多少人口)
        must be in it; else the word before (太子米一年产量多少) must be one the FAQ uses at all."""
        if ask.measure in ("duration", "money", "age", "frequency", "times"):
            return True
        if case.lang == "zh" and ask.measure in AMOUNTS:
            # 多少亩, 各种了多少亩, 面积多大: the measure says what is measured (land), whatever words stand before it
            return any(v.measure == ask.measure for fact in case.facts for v in fact.of_kind("count"))
        if case.lang == "zh" and case.asking.noun_after(ask) == "人":  # 去了几个人: people, as 51人 counts them
            return any(v.measure == "people" for fact in case.facts for v in fact.of_kind("count"))
        written = case.asking.noun_after(ask)
        noun = _after_measure(written, case)
        after = _words(noun, case)[:2]
        if noun != written or after:  # 几个村评上了: 村, one character, is what is counted
            return (
                noun in case.entry.text("zh")
                if noun != written
                else self._told(" ".join(after), case) or _headed(after[-1], case)
            )
        # 培训班人数是多少: 人数 asks how many, like 多少; what is counted is the word before it
        before = [w for w in _words(case.asking.noun_before(ask), case) if not _asks_itself(w, case.lang)][-2:]
        # 导师帮带制带了多少人: a last word that is no word (制带, the verb cut with a piece of the noun) leaves
        # the one before it to name what is counted; a real one (冯山社区的人口) names it itself
        if case.lang != "zh" or common_word(before[-1] if before else ""):
            before = before[-1:]
        if not before or any(
            self._told(word, case) or case.index.term_of(word) is not None or _headed(word, case) for word in before
        ):
            return not _attribute(case)
        return False

    def _uncounted(self, ask: Ask, case: Case) -> bool:
        """Whether what a "how many" counts is something the entry speaks of but never counts: no count's
        label names it, and where the entry names it no count stands, or the count there is of a group
        it is one of (驻村第一书记 among the 51 trained: the article gives no count of them)."""
        asking, lang = case.asking, case.lang
        # how much land, 多少亩: an amount, which a sentence gives without naming it
        if ask.measure not in (("things", "people") if lang == "zh" else ("", "things", "people")):
            return False
        if (
            lang == "en"
            and "many" not in asking.core[ask.start : ask.end]
            and "number" not in asking.core[ask.start : ask.end]
        ):
            return False  # how much land: an amount
        noun = (asking.noun_after(ask) or asking.noun_before(ask)).strip(_STOP_CHARS)
        # in English the words after "how many" may run on into the verb (villagers use the service):
        # what is counted is in its first two words
        asked = [w[:5] for w in re.findall(r"[a-z]{3,}", noun.lower()) if w not in STOP_EN][:2]
        # 沈腾一共多少人: no count of one person is asked, but of the group the article counts them in
        person = any(n.kind == "person" and n.text == noun for n in self.facts.named_in(noun, lang))
        if len(noun) < 2 or (lang == "en" and not asked) or person:
            return False
        counts = [(fact, v) for fact in case.facts for v in fact.of_kind("count")]

        def names(text: str) -> bool:
            if lang == "zh":
                return noun in text
            found = set(stems(text))
            return all(stem in found for stem in asked)

        def labels(label: str) -> bool:  # 提升中间支部 is counted by the label 提升的中间支部
            bare = label.replace("的", "")
            return names(label) or names(bare) or (lang == "zh" and len(bare) >= 2 and bare in noun)

        if any(labels(v.label) or labels(_other_label(case.entry, v)) for _, v in counts):
            return False
        parts = [(fact, part) for fact in case.facts for part in fact.parts() if names(part)]
        if not parts:
            return False  # not named as such: whether it is told is read by its words (`_counted_told`)
        listed = any(names(item) for listed in case.entry.lists for item in listed.items_in(lang))
        # 冯山社区等3个村: a count after 等 is of a group the named one is one of
        counted_there = any(
            v.text in part and f"{noun}等{v.text}" not in part for fact, part in parts for v in fact.of_kind("count")
        )
        return listed or not counted_there

    def _known(self, word: str, case: Case) -> bool:
        """Whether the entry speaks of a word, or the FAQ knows it at all."""
        return self._told(word, case) or case.index.term_of(word) is not None

    def _told(self, noun: str, case: Case) -> bool:
        """Whether the entry speaks of what a question counts, by the word or the word it is a variant of."""
        words = noun.split() if case.lang == "zh" else ([noun] if noun else [])
        variants = self.synonyms[case.lang]
        words += [variants[w] for w in (*words, *noun.lower().split()) if w in variants]
        return _noun_told(words, self.facts.told(case.entry, case.lang), case.lang, self.syllables)

    def _counts(self, ask: Ask, noun: str, case: Case) -> list[tuple[Fact, Value]]:
        """The counts that answer a "how many": of the asked measure, about what the question names.

        A count fits when it measures what is asked (几期 a number of times, 多少斤 a weight; 个 any
        number of things or people); it answers when its label or its sentence holds the question's
        terms, the label counting double, and a label naming what the question counts (多少名导师)
        most of all; of several asks in one question, each by the words of its own clause. Counts
        about as good as the best are all given (国家级 and 省级 for 星创天地有几家).
        """
        asking = case.asking
        clause = around(asking.core, asking.core[ask.start : ask.end])
        # how many enterprises: the label says companies, the article's word the variant stands for
        variants = self.synonyms[case.lang]
        nouns = [*noun.split(), *(variants[w] for w in noun.lower().split() if w in variants)]
        # 示范的党支部, 其中示范的: the words before 的 single out some of what is counted, and a label
        # holding them names those (示范支部 124个, not the 539 branches in all)
        singling, counted = _singled_out(asking.core[: ask.start])
        singled = [w for w in _words(singling, case) if w not in noun.split()]
        counted_nouns = [*nouns, counted] if counted else nouns
        if singled:  # only words that tell the counts apart, held by some labels and not all (星创天地国家级的: 国家级)
            labels = [v.label for fact in case.facts for v in fact.of_kind("count") if _fits(ask, v, case.lang)]
            singled = [w for w in singled if 0 < sum(w in label for label in labels) < len(labels)]
        scored: list[tuple[float, Fact, Value]] = []
        for fact in case.facts:
            for value in fact.of_kind("count"):
                if not _fits(ask, value, case.lang):
                    continue
                if any(value.number == stated.number and value.unit == stated.unit for stated in asking.asserted):
                    continue  # the question states it (71家企业跟多少个行政村): not what is asked
                label = max(case.held(value.label), case.held(_other_label(case.entry, value)))
                score = 2 * label + case.held(fact.clause_of(value, before=1)) + 0.5 * case.held(fact.text)
                score += 0.5 if ask.unit and value.unit == ask.unit else 0.0
                # 多少个……，……又有几个: of several asks, each by the words of its own clause above all
                shared = overlap(clause, value.label, case.lang)
                score += shared * (case.reading.total if len(asking.asks) > 1 else 1.0)
                # a label naming what the question counts (多少名导师, how many mentors) settles it
                named = max((_noun_in(w, value.label, case.lang) for w in nouns), default=0.0)
                score += 3 * case.reading.total * named
                if singled and (not counted_nouns or any(_noun_in(w, value.label, case.lang) for w in counted_nouns)):
                    # of what the question counts (帮带新书记的导师: the mentors, not the secretaries they help)
                    score += 4 * case.reading.total * sum(w in value.label for w in singled) / len(singled)
                scored.append((score, fact, value))
        if not scored:
            return []
        best = max(score for score, _, _ in scored)
        exact = [item for item in scored if ask.unit and item[2].unit == ask.unit and ask.unit != "个"]
        if best < 0.25 * case.reading.total and not exact:
            return []
        if best <= 0.0 and case.reading.total > 0 and len(exact) != 1:
            return []
        return [(fact, value) for score, fact, value in scored if score >= best - 0.15 * max(best, 1e-9)][:4]

    def _places(self, ask: Ask, case: Case) -> list[tuple[Fact, Value]]:
        """The place or organisation of the kind asked (哪个镇: a town) that the sentence about the
        question names; any place or organisation when no kind is asked."""
        found = self._near_places(ask, case)
        kind = _asked_place_kind(ask, case.lang)
        if kind and case.lang == "zh":  # 龙泉村在哪个镇: 该镇, the town named before
            fact = case.nearest()
            pointed = referent(case.facts, fact, kind)
            if pointed is not None and pointed.text not in case.asking.core:
                told = next(f for f in case.facts if pointed in f.values)
                at = fact.text.find(f"该{kind}")
                return [(told, pointed), (fact, Value("place", f"该{kind}", at, at + len(kind) + 1))]
        return [pair for pair in found if not kind or same_level(_place_level(pair[1]), kind)]

    def _near_places(self, ask: Ask, case: Case) -> list[tuple[Fact, Value]]:
        """The place or organisation the sentence about the question names, of the kind asked if one is."""
        named = {n.text for n in self.facts.named_in(case.asking.core, case.lang)}
        placed = [
            (fact, v)
            for fact in case.facts
            for v in fact.of_kind("place", "org")
            if v.text not in named and v.text.lower() not in case.asking.core.lower()
        ]
        if not placed:
            return []
        top = max(case.held(fact.text) for fact, _ in placed)
        if top <= 0:
            return []
        suited = [pair for pair in placed if case.held(pair[0].text) >= top]
        suited.sort(
            key=lambda pair: (
                not (ask.unit and pair[1].unit.lower() == ask.unit.lower()),
                -max((case.held(part) for part in pair[0].parts() if pair[1].text in part), default=0.0),
            )
        )
        return suited[:1]

    def _no_others(self, ask: Ask, found: Found, case: Case) -> bool:
        """Whether a question about the rest of some places (除了冯山社区，另外两个……村) finds the sentence
        about it naming no other place of that kind. Only places: other universities or people may be
        in other measures of the article, which the sentence cannot rule out."""
        if case.lang != "zh" or found.focus.lists or not excluding(case.asking):
            return False
        kind = _place_ending(ask.unit if ask.kind == "place" and ask.unit else case.asking.noun(ask))
        if not kind or self._others(ask, case):
            return False
        # 花园镇冯山社区等3个村（社区）: the sentence counts more places of the kind than it names; a sentence
        # that counts none (周巷镇……) leaves the others to the rest of the article
        fact = case.nearest()
        named = sum(1 for v in fact.of_kind("place") if same_level(v.unit, kind))
        return any(
            v.number is not None and v.number > named and same_level(_unbracketed(v.label)[-1:], kind)
            for v in fact.of_kind("count")
        )

    def _others(self, ask: Ask, case: Case) -> bool:
        """Whether the sentence about the question names others of the kind a question about the
        rest asks for (另外两个……示范村: villages or communities, not the town)."""
        named = {n.text for n in self.facts.named_in(case.asking.core, case.lang)}
        kind = _place_ending(case.asking.noun(ask)) if case.lang == "zh" else ""
        return any(
            case.held(fact.clause_of(v)) > 0
            for fact in case.facts
            for v in fact.of_kind("place", "org", "person")
            if v.text not in named and (not kind or same_level(v.unit, kind))
        )

    def _listed_names(self, kinds: tuple[str, ...], case: Case) -> tuple[ItemList, ...]:
        """The entry's list whose items are all names of these kinds (places visited: 黄冈、宜昌; the
        young Party members named), when the sentence giving it is about the question."""
        names = {v.text for fact in case.facts for v in fact.values if v.kind in kinds}
        for listed in case.entry.lists:
            if all(item in names for item in listed.items_in(case.lang)) and self._giving(listed, case) > 0:
                return (listed,)
        return ()

    def _giving(self, listed: ItemList, case: Case) -> float:
        """How much of the question the sentence giving a list holds."""
        items = listed.items_in(case.lang)
        giving = [fact for fact in case.facts if all(item in fact.text for item in items)]
        return case.held(giving[0].text) if giving else 0.0


WAY_MARKS: dict[str, re.Pattern[str]] = {
    "how": re.compile(r"^(?:采取|通过|按照|依托|利用|借助|采用|实行)|方式|方法|办法"),
    "why": re.compile(r"^(?:为了|为|确保|以便|做到|实现|保障|推动|引导)|目的|目标"),
}
"""How a clause of the article says the way something is done (采取……方式) or what it is for (确保……):
the answer to a how or a why, which a sentence cut to the question's words may have left out."""


AREA_UNITS: dict[Lang, tuple[tuple[re.Pattern[str], Decimal, str], ...]] = {
    "zh": (
        (re.compile(r"公顷"), Decimal(15), "公顷"),
        (re.compile(r"平方公里|平方千米"), Decimal(1500), "平方公里"),
        (re.compile(r"英亩"), Decimal("6.0703"), "英亩"),
    ),
    "en": (
        (re.compile(r"\bhectares?\b|\bha\b"), Decimal(15), "hectares"),
        (re.compile(r"\bacres?\b"), Decimal("6.0703"), "acres"),
        (re.compile(r"\bsquare kilomet(?:er|re)s?\b|\bkm2\b|\bkm²"), Decimal(1500), "square kilometres"),
    ),
}
"""Units of land a question may ask in where the article gives mu: each pattern, its size in mu, its name."""


def _converted(focus: Focus, case: Case) -> str:
    """The first figure, an area in mu, in the unit the question asks for instead (茶叶折合多少公顷: 约9,267公顷;
    how many acres of tea: about 22,898 acres); empty when it asks in mu or asks no area."""
    if not focus.figures:
        return ""
    figure = focus.figures[0]
    scale = SCALE.get(figure.unit) if MEASURES.get(figure.unit) == "area" else None
    asked = next((unit for unit in AREA_UNITS[case.lang] if unit[0].search(case.asking.core)), None)
    if scale is None or asked is None or figure.unit == asked[2]:
        return ""
    size = Decimal(figure.value) * scale / asked[1]
    shown = f"{size:,.0f}" if size >= 10 else f"{size:,.1f}"
    return f"约{shown}{asked[2]}" if case.lang == "zh" else f"about {shown} {asked[2]}"


def _only_counted(case: Case) -> bool:
    """Whether a which-ones question states a count the article gives (4家省级示范园分别是哪几家) of things
    it names nowhere: no name stands in the count's clause and no list of the entry is of them."""
    if case.lang != "zh":
        return False
    core = case.asking.core
    for stated in case.asking.asserted:
        if stated.kind != "count":
            continue
        after = core[stated.end : stated.end + 8]
        for fact in case.facts:
            for value in fact.of_kind("count"):
                # the same count of the same thing: 4家省级示范园 is the 4家 labelled 省级示范园
                if not agrees(stated, value) or stated.unit != value.unit or value.label[:2] not in after:
                    continue
                clause = fact.clause_of(value)
                named = any(v.kind in ("place", "org", "person") and v.text in clause for v in fact.values)
                listed = any(overlap(value.label, listed.name_in(case.lang), case.lang) for listed in case.entry.lists)
                return not named and not listed
    return False


def _with_way(focus: Focus, case: Case) -> Focus:
    """The focus's sentences with the clause of their sentence that says how (or why), when the cut
    left it out (党员中心户是怎么产生的: 采取支部指派或党员推荐方式)."""
    if case.lang != "zh":
        return focus
    mark = WAY_MARKS[case.asking.kind]
    if case.asking.kind == "why" and focus.lists and not focus.sentences:
        # 三进四代的目的是什么: not the lists of what is done, but the sentence saying what for; where no
        # sentence gives the whole list (四化并举的目标是什么), the entry's sentence saying what for
        items = focus.lists[0].items_in(case.lang)
        giving = [fact for fact in case.facts if all(item in fact.text for item in items)]
        if not giving:
            giving = [fact for fact in case.facts if any(mark.search(part) for part in fact.parts())][:1]
        if giving and any(mark.search(part) for part in giving[0].parts()):
            focus = replace(focus, lists=(), sentences=(giving[0].text,))
    asked = "".join(case.asking.core[ask.start : ask.end] for ask in case.asking.asks if ask.kind == "why")
    if case.asking.kind == "why" and focus.general and asked not in case.entry.short(case.lang):
        # 三进四代最终要达到什么效果: not the summary, but the sentence saying what for, the one holding most of
        # the question (or the entry's only one); a summary saying it (以……为目标) answers as it is
        giving = [fact for fact in case.facts if any(mark.search(part) for part in _clauses_of(fact.text))]
        best = max(giving, key=lambda fact: case.held(fact.text), default=None)
        if best is not None and (case.held(best.text) > 0 or len({f.text for f in giving}) == 1):
            focus = replace(focus, sentences=(best.text,))
    if case.asking.kind == "how" and focus.general and not focus.figures:
        # 乡村党组织是怎么把能人吸引回来的: the summary shortens away how (筑巢引凤); the sentence of the text
        # holding the question as well as the summary does says it
        summary = case.held(case.entry.short(case.lang))
        best = max(case.facts, key=lambda fact: case.held(fact.text))
        if summary > 0 and case.held(best.text) >= summary:
            focus = replace(focus, sentences=(cut_to_question(best.text, case.reading, case.index, case.tuning),))
    if not focus.sentences:
        return focus
    sentences = tuple(_unechoed(sentence, case) for sentence in focus.sentences)
    return replace(focus, sentences=tuple(_way_told(sentence, case, mark) for sentence in sentences))


def _unechoed(sentence: str, case: Case) -> str:
    """A clause that only says again what a how or why question says (全县怎么推进党支部标准化规范化建设:
    推进党支部标准化规范化建设) tells nothing: its whole sentence does, with what was done."""
    bare = re.sub(r"[^\u4e00-\u9fff\d]", "", sentence)
    if len(bare) < 4 or sum(ch in case.asking.core for ch in bare) < 0.8 * len(bare):
        return sentence
    whole = next((fact.text for fact in case.facts if sentence.rstrip("。") in fact.text), None)
    return whole if whole is not None and len(whole) > len(sentence) + 4 else sentence


def _way_told(sentence: str, case: Case, mark: re.Pattern[str]) -> str:
    """One sentence of a reply with the clause of its fact that says how or what for."""
    whole = next((fact.text for fact in case.facts if sentence.rstrip("。") in fact.text), None)
    if case.asking.kind == "why":
        # what it is for leads: 确保“小事不出村……”, then what is done for it
        ends = [part for part in _clauses_of(whole or sentence) if mark.search(part)]
        end = ends[-1].rstrip("，,；;。") if ends else ""
        if end and end in sentence and not sentence.startswith(end):
            rest = re.sub(r"[，,]\s*(?=[，,；;。])", "", sentence.replace(end, "")).strip("，,；; 。")
            return f"{end}。{rest}。"
    ways = [part for part in _clauses_of(whole) if mark.search(part) and part not in sentence] if whole else []
    way = ways[0].rstrip("，,；;。") if ways else ""
    if whole is None or not way or way in sentence:
        return sentence
    if whole.find(ways[0]) < whole.find(sentence.rstrip("。")):
        return f"{way}，{sentence}"
    return f"{sentence.rstrip('。')}，{way}。"


def _clauses_of(text: str) -> list[str]:
    """A sentence's clauses, as its commas and semicolons cut it (not its 、: those are items)."""
    return [clause for clause in re.split(r"(?<=[，；。])", text) if clause.strip("，；。 ")]


def _all_named(listed: ItemList, case: Case) -> bool:
    """Whether the question names every item of a list (of two or more)."""
    items = listed.items_in(case.lang)
    core = case.asking.core.lower()
    return len(items) >= 2 and all(fold(item).lower() in core for item in items)


def _asked_place_kind(ask: Ask, lang: Lang, noun: str = "") -> str:
    """The kind of place a question asks for by its ending (哪个镇: 镇; which village: 村), or empty."""
    word = (ask.unit or noun).strip().lower()
    if lang == "en":
        return PLACE_NOUNS_EN.get(word.rstrip("s"), "")
    return next((suffix for suffix in PLACE_SUFFIXES if word == suffix), "")


def _unbracketed(label: str) -> str:
    """A label without what it ends with in brackets: 村（社区） as 村."""
    return re.sub(r"[（(][^）)]*[）)]$", "", label)


def _place_ending(noun: str) -> str:
    """The place ending a Chinese noun asking for places ends with (哪些村, 示范村: 村), or empty."""
    return next((suffix for suffix in PLACE_SUFFIXES if noun.endswith(suffix)), "")


def _kind_untold(ask: Ask, case: Case, noun: str = "") -> bool:
    """A kind of place asked for (唐根根在哪个镇, 是哪些村) that the sentence about the question does
    not name: what the question asks is not given."""
    kind = _asked_place_kind(ask, case.lang, noun)
    if not kind:
        return False
    fact = case.nearest()
    if case.held(fact.text) <= 0 or referent(case.facts, fact, kind) is not None:
        return False
    return not any(same_level(_place_level(v), kind) for v in fact.of_kind("place"))


def referent(facts: tuple[Fact, ...], fact: Fact, kind: str) -> Value | None:
    """The place a fact points back to (该镇龙泉村: the town the sentence before named), if it does."""
    if f"该{kind}" not in fact.text or fact not in facts:
        return None
    at = fact.text.find(f"该{kind}")
    earlier = [v for f in facts[: facts.index(fact)] for v in f.values] + [v for v in fact.values if v.end <= at]
    named = [v for v in earlier if v.kind == "place" and same_level(_place_level(v), kind)]
    return named[-1] if named else None


def _place_level(value: Value) -> str:
    """A place's kind as its Chinese ending says it (village: 村)."""
    return PLACE_NOUNS_EN.get(value.unit.lower(), value.unit)


def missing(found: Found, case: Case) -> Found:
    """The question asks what the entry does not give: say so in its words, quoting the nearest fact,
    cut to what it holds of the question, or, for a "how many", to the counts it does give (浙大培训几期:
    ……等51人学习提能)."""
    fact = case.nearest()
    counts = fact.of_kind("count") if case.asking.asks_for("count") else ()
    # the count it does give of what the question names (浙大培训几期: ……等51人学习提能); else the clause
    # holding most of the question (周巷镇有几个示范: 周巷镇入选……, not the acreage the sentence opens with)
    about = [v for v in counts if case.held(v.label) > 0]
    if about:
        best = max(about, key=lambda v: case.held(v.label))
        nearest = clauses_holding(fact.text, best.text, case.reading, case.index, case.tuning)
    else:
        nearest = cut_to_question(fact.text, case.reading, case.index, case.tuning)
    return replace(found, missing=asked_words(case.asking), nearest=nearest)


def past_premise(asked: str, said: str) -> str:
    """The clauses of what a question asks that do not hold what it said wrongly (服务人员30分钟内到场，这个
    承诺是哪个村先搞的: 这个承诺是哪个村先搞的): what is still missing once the premise is corrected."""
    return "，".join(clause for clause in re.split(r"\s*[，,；;]\s*", asked) if said not in clause)


def asked_words(asking: Asking) -> str:
    """What a question asks, in its own words, for "the article does not say ...": 浙大培训几期."""
    text = (asking.shown or asking.core).strip()
    for _ in range(3):
        text = _ENDING.sub("", text)
        text = _PARTICLES.sub("", text) if asking.lang == "zh" else text
    return text.strip() or (asking.shown or asking.core).strip()


TITLE_WORDS: dict[Lang, frozenset[str]] = {
    "zh": frozenset({"标题", "题目", "篇名", "文章", "报道", "新闻", "稿子"}),
    "en": frozenset({"title", "headline", "article", "report"}),
}
"""Words for a piece of writing or its title: what one is called is the title given in 《》 or quotes."""
_TITLE = re.compile(r"《[^》]{2,80}》|\"[^\"]{10,120}\"")
_OWNED = re.compile(r"的(?!那|这)([\u4e00-\u9fff]{2,4}?)(?:是|叫)?$")
"""What a name is asked of, after 的 (幸福食堂的老板叫什么: 老板)."""
PUBLISHED_WORDS = {
    "zh": re.compile(r"文章|报道|稿子|这篇|发的|发布|刊发|刊登|登的|来源|出自"),
    "en": re.compile(r"\b(?:article|report|story|piece|published|publish|source)\b", re.IGNORECASE),
}
"""Words that speak of the article as a piece published somewhere."""
SOURCE_LABELS = frozenset(("来源", "Source"))
"""The labels the facts give the article's source (来源：孝感党建……)."""
WAY_NAMES = re.compile(
    r"(?:做法|办法|方法|法子|机制|模式|制度|举措|措施|工作法)(?:的)?(?:正式|具体|官方)?(?:名字|名称|叫法)?(?:是)?$"
)
"""A way of working, right before a name is asked (那套做法叫什么): the measure that is that way."""
_QUOTED_TERM = re.compile(r"“([^”]{2,20})”|\"([^\"]{2,40})\"")


def _lead(found: Found, chosen: list[tuple[Fact, Value]], case: Case) -> Found:
    """The focus leading with the chosen values: a figure's phrase where the FAQ gives one, and the
    clauses that hold them; after what an earlier ask of the same question led with."""
    focus = found.focus
    figures = list(focus.figures) if found.resolved else []
    texts = list(focus.sentences) if found.resolved else []
    for fact, value in chosen:
        figure = next(
            (f for f in case.entry.figures if value.kind == "count" and f.label(case.lang) == value.label), None
        )
        if figure is not None and figure not in figures:
            figures.append(figure)
        # an asked name or place leads its reply: a sentence holding it late is cut to its clause
        within = FACT_WINDOW // 2 if value.kind in ("place", "org", "person") else 0
        text = clauses_holding(fact.text, value.text, case.reading, case.index, case.tuning, within=within)
        if text not in texts:
            texts.append(text)
    kept = focus.figures
    if not figures and chosen and all(value.kind in ("place", "org", "person") for _, value in chosen):
        # Which village went 10 years without petitions: the name leads, with only the figures told of it
        named = [value.text.lower() for _, value in chosen]
        kept = tuple(f for f in focus.figures if any(name in f.label(case.lang).lower() for name in named))
    led = replace(focus, figures=tuple(figures) or kept, sentences=tuple(texts[:3]) or focus.sentences)
    return replace(found, focus=led, resolved=True)


def _other_label(entry: Entry, value: Value) -> str:
    """A curated count's label in Chinese: pinyin in an English question names the Chinese term."""
    return next((figure.what for figure in entry.figures if figure.en == value.label), "")


def _noun_told(words: list[str], told: Told, lang: Lang, syllables: frozenset[str]) -> bool:
    """Whether the entry speaks of what a count counts: one of the words (or what it is a variant
    of) stands in the entry's texts, an English word by its first four letters or in pinyin. No
    words are told."""
    if not words:
        return True
    if lang == "zh":  # by sound, so that a typo (党小租) names what the text names (党小组)
        sounds = _sounds(told.text)
        return any(word in told.text or _sounds(word) in sounds for word in words)
    found = [w for word in words for w in re.findall(r"[a-z]{3,}", word.lower()) if w not in STOP_EN]
    return not found or any(w[:4] in told.beginnings or split_word(w, syllables) for w in found)


def _attribute(case: Case) -> str:
    """A word the FAQ never uses that the question asks by (冯山社区的人口), unless it is itself a word
    asking how many (总数 in 党支部总数是多少)."""
    word = asked_attribute(case.reading, ask_spans(case.asking, case.reading.text))
    return "" if _asks_itself(word, case.lang) else word


def _asks_itself(word: str, lang: Lang) -> bool:
    """Whether a word is itself a question word or an asking noun (总数, 人数)."""
    return any(pattern.fullmatch(word) for _, _, pattern in asks_table(lang))


def _after_measure(noun: str, case: Case) -> str:
    """What stands after a Chinese count's measure word, cut to its first character when that and the
    next make no word, in the FAQ or the general dictionary (几个村评上了: 村评 is none, 村 is counted);
    else as it is."""
    if case.lang != "zh" or len(noun) < 2:
        return noun
    spans = case.index.word_spans(noun)
    if not spans or spans[0][0] != 0:
        return noun
    first = noun[: spans[0][1]]
    if (
        len(first) == 2
        and not dictionary().listed(first, 0)
        and case.index.term_of(first) is None
        and not _is_stop(noun[0])
    ):
        return noun[0]
    return noun


def _words(noun: str, case: Case) -> list[str]:
    """The content words of a noun phrase, in order: Chinese cut as the index cuts it, English by spaces."""
    if case.lang != "zh":
        return [noun] if noun else []
    words = [noun[start:end].strip(_STOP_CHARS) for start, end in case.index.word_spans(noun)]
    generic = case.index.generic_words
    return [w for w in words if len(w) >= 2 and not w.isdigit() and not _is_stop(w) and w not in generic]


@lru_cache(maxsize=8192)
def _is_stop(word: str) -> bool:
    """A question or function word (一共, 那边 is not one; 一共 and 什么 are); kept per word."""
    pieces = units(word)
    return len(stop_spans(pieces, "zh")) == len(pieces)


@lru_cache(maxsize=1024)
def _sounds(text: str) -> str:
    return " ".join(unit.sound for unit in units(fold(text)) if unit.text not in _STOP_CHARS)


def _headed(noun: str, case: Case) -> bool:
    """Whether a Chinese noun of two characters or more ends as one of the entry's count labels ends: its
    last character is its head, the kind of thing it is, so 同盟 counts what 党建联盟 counts; or its head
    is a word of the FAQ's own that a label holds (种茶: 茶, of 茶叶)."""
    if case.lang != "zh" or len(noun) < 2:
        return False
    labels = [value.label for fact in case.facts for value in fact.of_kind("count")]
    if any(label.endswith(noun[-1]) for label in labels):
        return True
    return case.index.term_of(noun[-1]) is not None and any(noun[-1] in label for label in labels)


_ORDINAL = {
    "zh": re.compile(ORDINAL_ZH),
    "en": re.compile(
        r"\bthe (?:(?P<n>first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th)|(?P<last>last|final)) "
        r"(?:one|item|line|measure|way|type|kind|step|level|of)\b"
    ),
}
"""How a question asks for one item of a list by its place: 第二个, 最后一项, the third one."""
_EN_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
                "5th": 5}  # fmt: skip


def _ordinal(case: Case, focus: Focus) -> ItemList | None:
    """The one item a question asks for by its place in a list of the entry (第二化: 优化体系), as a list of
    one named by the list and the place; None when it asks none, or the place is beyond the list."""
    match = _ORDINAL[case.lang].search(case.asking.core)
    if match is None or case.asking.polar:
        return None
    # the list the question names (四化的最后一个), or the one it asks for; never a list it does not name
    # (四大产业，第二个种了多少亩 is not about the entry's ways of linking farmers)
    named = [
        (held, one)
        for one in case.entry.lists
        if (held := max(case.held(text) for text in (one.name_in(case.lang), *one.keywords_in(case.lang)))) > 0
    ]
    lists = focus.lists or tuple(one for _, one in sorted(named, key=lambda item: -item[0]))
    if not lists:
        return None
    listed = lists[0]
    items = listed.items_in(case.lang)
    if match.group("last"):
        place = len(items)
    elif match.groupdict().get("first"):
        place = 1
    else:
        written = match.group("n")
        number = _EN_ORDINALS.get(written.lower()) if case.lang == "en" else number_of(written)
        place = int(number) if number is not None else 0
    if not 1 <= place <= len(items):
        return None
    return replace(
        listed,
        name=f"{listed.name}第{place}项",
        en_name=f"{listed.en_name}, number {place}",
        items=(listed.items[place - 1],),
        en_items=(listed.en_items[place - 1],),
        partial=False,
    )


def _doing(case: Case) -> tuple[ItemList, ...]:
    """The entry's list of who does what, when the question names one item's deed (谋事 of 村“两委”谋事) or
    every item's (谋事、管事、办事、监事分别由谁负责): each item a doer and a deed of its own, every item
    sharing a character with the others (谋事、管事、办事、监事)."""
    if case.lang != "zh":
        return ()
    for listed in case.entry.lists:
        items = [re.sub(r"[“”\"]", "", item) for item in listed.items_in("zh")]
        shared = set.intersection(*(set(item) for item in items)) if len(items) >= 2 else set()
        deeds = [item[-2:] for item in items]
        parallel = shared and all(len(item) > 2 and deed[-1] in shared for item, deed in zip(items, deeds, strict=True))
        named = sum(deed in case.asking.core for deed in deeds)
        if parallel and len(set(deeds)) == len(deeds) and named in (1, len(deeds)):
            return (listed,)
    return ()


_SINGLED = re.compile(r"([\u4e00-\u9fff]{1,6})的([\u4e00-\u9fff]{0,8})$")


def _singled_out(before: str) -> tuple[str, str]:
    """The words that single out some of what a Chinese "how many" counts, those before its last 的 or
    after 其中, and what it counts, after the 的 if written there (示范的党支部有多少个: 示范, 党支部;
    其中示范的有多少个 and 其中示范有多少个: 示范, nothing); empty when there are none."""
    before = re.sub(r"(?:有|是|一共|总共|合计|总计|共计|共)+$", "", before)
    found = _SINGLED.search(before)
    if not found:
        among = re.search(r"(?:其中|当中|之中)([\u4e00-\u9fff]{1,6})$", before)  # ……，其中示范有多少个
        return (among.group(1), "") if among else ("", "")
    return re.sub(r"^(?:其中|里面|当中|之中)", "", found.group(1)), found.group(2) or ""


def _noun_in(noun: str, label: str, lang: Lang) -> float:
    """How surely a count's label names what a question counts: 1 when it holds the noun (导师 in 导师;
    mentors in mentors), half when, in Chinese, it holds the noun's last two characters or ends as the
    noun ends (同盟 and 党建联盟: the head of a Chinese noun is its last character; 村 and 行政村), 0 else."""
    if lang == "zh":
        noun = noun.strip(_STOP_CHARS)
        if len(noun) >= 2 and noun in label:
            return 1.0
        return 0.5 if (len(noun) >= 2 and noun[-2:] in label) or (noun and label.endswith(noun[-1])) else 0.0
    first = stems(noun)
    return float(bool(first) and first[0] in stems(label))


def _fits(ask: Ask, value: Value, lang: Lang) -> bool:
    """Whether a count measures what is asked: 期 a number of times, 斤 a weight; 个 anything counted."""
    measure = value.measure if lang == "zh" else _EN_MEASURE.get(value.unit, "things")
    if not ask.measure:
        return measure not in ("duration", "money", "age") or lang == "en"
    if ask.unit == "个" or (ask.measure == "people" and measure == "things"):
        return measure in ("people", "things")
    if ask.measure == "things" and measure == "people":
        return ask.unit in ("个", "位")
    return measure == ask.measure


def agrees(stated: Value, value: Value) -> bool:
    """Whether a stated count agrees with the article's: the same number, or a range that holds it
    (两百多个 and 219个; 3100 and 3100余)."""
    if stated.number is None or value.number is None:
        return False
    if stated.upto is not None:  # 几十个: any count from 20 to 99 of its measure
        return _within_range(stated, value)
    if stated.unit != value.unit and stated.measure == value.measure and None not in (stated.amount, value.amount):
        return stated.amount == value.amount  # 10个月 is not 10年; 半小时 is 30分钟
    if stated.number == value.number:
        return True
    if stated.plus:
        step = Decimal(10) ** max(0, len(str(int(stated.number))) - 1)
        return stated.number <= value.number < stated.number + step
    return False


def _within_range(stated: Value, value: Value) -> bool:
    """Whether the article's count lies in the range of one said roughly (几十个, 十几年), in one unit."""
    if stated.number is None or stated.upto is None or value.number is None or stated.measure != value.measure:
        return False
    scale = SCALE.get(stated.unit) if stated.unit != value.unit else Decimal(1)
    told = value.amount if stated.unit != value.unit else value.number
    return scale is not None and told is not None and stated.number * scale <= told <= stated.upto * scale


def _role_named(role: str, case: Case) -> bool:
    """Whether the entry speaks of a role at all (领头雁 is in the text; 县委书记 is not)."""
    texts = [fact.text for fact in case.facts] + [case.entry.title_in(case.lang), *case.entry.keywords_in(case.lang)]
    if case.lang == "zh":
        return any(role in text or role[-2:] in text for text in texts if len(role) >= 2)
    words = stems(role)
    for text in texts:
        found = stems(text)
        if any(found[n : n + len(words)] == words for n in range(len(found))):
            return True
    return False


def _role_fits(role: str, text: str, lang: Lang) -> bool:
    """Whether a text gives the role a question asks about (编辑 for 编辑是谁; Editor for edited)."""
    if lang == "zh":
        return role in text or (len(role) >= 2 and role[-2:] in text)
    words = re.findall(r"[a-z]{4,}", role.lower())
    return bool(words) and all(any(w[:4] == t[:4] for t in re.findall(r"[a-z]{4,}", text.lower())) for w in words)
