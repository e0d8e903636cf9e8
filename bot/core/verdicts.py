"""Whether what a question states holds: yes/no questions, wrong premises, comparisons.

A question states things on the way to asking (有2家吗, 全县300个村里……, 王店镇冯山社区……,
是在清华大学办的吗). Each count, date or name it states is checked against the fact it is about,
found by the words around it in the question:

- a count or date the article gives otherwise is corrected: 不是300个，是219个;
- a place or organisation the article ties to another of its kind is corrected with the article's
  clause: 不是王店镇：花园镇冯山社区等3个村（社区）获评全国民主法治示范村;
- a yes/no question whose statements hold gets "yes"; one that asks about a word the FAQ never
  uses (有补贴吗, the famous actor) is told the article does not say;
- 茶叶比鲜果多吗 compares the two counts.

Imports nothing from `telegram`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import replace
from decimal import Decimal

from bot.core.answers import (
    PUBLISHED_WORDS,
    SOURCE_LABELS,
    Case,
    Found,
    agrees,
    excluding,
    excluding_words,
    missing,
    past_premise,
    referent,
)
from bot.core.asking import ALTERNATIVE, LESS_THAN_ZH, MORE_THAN_ZH, Asking, analyse
from bot.core.decision import Verdict
from bot.core.facts import Fact, Facts, around, overlap, stems
from bot.core.index import Index, Reading
from bot.core.normalise import STOP_EN, loose_syllable
from bot.core.values import LEVELS, ORG_NOUNS_EN, ORG_SUFFIXES, PLACE_NOUNS_EN, PLACE_SUFFIXES, Kind, Value, name_kind
from bot.faq.knowledge import Entry, KnowledgeBase
from bot.language import LANGS, Lang

_COMPARED = re.compile(
    r"(?P<left>[\u4e00-\u9fff]{2,12})比(?P<right>[\u4e00-\u9fff]{2,8}?)(?:更|还)?"
    r"(?P<way>多|少|大|小|高|低)"
)
_EXCEEDS = re.compile(
    rf"(?P<left>[\u4e00-\u9fff]{{2,8}}?)(?:的[\u4e00-\u9fff]{{0,6}})?(?P<way>{'|'.join(MORE_THAN_ZH + LESS_THAN_ZH)})"
    r"(?P<right>[\u4e00-\u9fff]{2,8}?)(?:的[\u4e00-\u9fff]{0,6})?(?:了|吗|么|呢|没有|\W|$)"
)
"""茶叶种植面积超过鲜果吗: one thing said to exceed another, not a bound on a count (超过3000名)."""


class Verdicts:
    """Checks what questions state against one FAQ's facts."""

    def __init__(self, knowledge: KnowledgeBase, facts: Facts) -> None:
        self.facts = facts
        self._published = knowledge.article.published
        self._generic = {lang: set(knowledge.generic(lang)) for lang in LANGS}
        self._unknown: dict[tuple[str, Lang], list[tuple[int, int]]] = {}
        self._synonyms = dict(knowledge.synonyms("zh"))
        self._lists: dict[str, list[tuple[tuple[str, ...], list[list[str]]]]] = {}
        """Per entry, its parallel lists and their items' words (`_parallel`)."""
        self._text = "".join(fact.text for fact in facts.all("zh"))
        """The article's Chinese facts as one text: a word standing anywhere in it is the article's."""
        self._labels = [v.label for fact in facts.all("zh") for v in fact.of_kind("count") if v.label]
        """What the article's counts count: a noun heading one of them is a thing the article counts."""
        self._sounds = frozenset(_sound(word) for word in (*self._generic["zh"], *facts.names["zh"]))
        """How the article's own names and generic words sound: 孝唱县 is 孝昌县 mistyped, not another county."""
        self._letters = frozenset(
            "".join(sorted(word)) for word in (*self._generic["zh"], *facts.names["zh"]) if len(word) >= 3
        )
        """Their characters in order: 昌孝县 is 孝昌县 with two swapped."""
        generic_levels = {
            lang: [
                level
                for word in self._generic[lang]
                if (level := _level_of(word.split()[-1] if lang == "en" and word.split() else word, lang)) is not None
            ]
            for lang in LANGS
        }
        self._levels = {lang: min(found, default=len(LEVELS)) for lang, found in generic_levels.items()}
        """Per language, the level of the places the article is about (a county): a place of that level
        or above that is not the article's is somewhere else."""

    def judge(self, found: Found, case: Case) -> Found:
        """The found answer with a verdict: "no" with the article's word when something stated is
        not what the article says, "yes" for a yes/no question whose statements hold, or what is
        missing when a yes/no question turns on a word the FAQ never uses."""
        wrong = (
            self._wrong_count(case)
            or _wrong_quote(case)
            or self._wrong_source(case)
            or self._wrong_item(case)
            or self._wrong_name(case)
            or self._wrong_person(case)
            or self._unnamed_person(case)
            or self._wrong_pair(case)
            or _wrong_level(case)
        )
        if wrong is not None:
            # 服务人员30分钟内到场，这个承诺是哪个村先搞的: the wrong premise is corrected first, and what is
            # asked on top of it, which the article does not say, stays missing
            asked = past_premise(found.missing, wrong[0])
            return replace(
                found,
                verdict="no",
                said=wrong[0],
                truth=wrong[1],
                instead=self._instead(wrong[0], wrong[1], case),
                resolved=not found.missing,
                missing=asked or found.missing,
            )
        # 茶叶比鲜果多吗; 太子米是不是种得最多的: its count beside the others of its sentence. Answered so,
        # nothing is missing, whatever the question's other words asked
        compared = _compare(case) if case.asking.compared else _superlative(case) if case.asking.polar else None
        if compared is not None:
            return replace(found, verdict=compared[0], truth=compared[1], resolved=True, missing="")
        if found.missing or case.asking.compared:
            return found  # two things compared that the article gives no comparable counts of: no yes/no
        if not case.asking.polar:
            return found
        denied = _denied(case)
        if denied:  # 修长廊时出过赔偿纠纷吗: 实现“零赔偿、零上访、零纠纷”
            return replace(found, verdict="no", truth=denied, resolved=True)
        agreed = _agreed_denial(case) and not case.asking.asserted  # 新岗村是不是没有信访: 没有信访事项
        return replace(found, verdict="yes", resolved=True) if agreed else self._polar(found, case)

    def _polar(self, found: Found, case: Case) -> Found:
        """A yes/no question stating no count, date or place to check: "yes" when one fact holds all it
        asks about; the article does not say when it turns mostly on words the FAQ never uses (有补贴吗);
        else no verdict: the fact nearest to it answers, and says neither yes nor no (the famous actor)."""
        reading = case.reading
        text = case.asking.naming
        strangers = [
            name
            for name, _, _ in self._names_in(text, case.lang, case.index)
            if not self._known(name, case.lang, case.index)
        ]
        if strangers and not found.resolved:
            return missing(found, case)  # 上过湖北卫视吗, on Hubei TV: a name the article never gives
        # read with its lead-in (那131名导师都是些什么人？是退下来的老书记吗), the question part alone is weighed:
        # what the yes/no turns on is there, not in the lead-in
        asking = case.asking
        wider = bool(asking.context) and len(reading.text) > len(asking.core) + len(asking.context) // 2
        at = len(asking.context) + 1 if wider else 0  # the reading's text is the lead-in, "，", the question part
        inside = {p for p, unit in enumerate(reading.units) if unit.start >= at}
        unknown = sum(reading.telling.get(p, 0.0) for p in reading.unknown if p in inside)
        # words of four letters or more in English: go, get and the like say nothing
        words = [
            (start, end)
            for start, end in reading.unknown_words
            if (case.lang == "zh" or len(reading.units[start].text) >= 4) and start in inside
        ]
        if case.lang == "zh":  # 在村委会设立的吗: two unknown characters running together are a word unknown
            words += [run for run in _runs(reading.unknown & inside) if run not in words and run[1] - run[0] >= 2]
        weight = sum(reading.telling.get(p, 0.0) for start, end in words for p in range(start, end))
        total = sum(reading.telling.get(p, 0.0) for p in inside)
        # a stated count no count of the passage agrees with is not borne out, though none was found wrong:
        # no "yes" for it (有15万亩吗, of which of the four crops it does not say)
        counts = [v for fact in case.facts for v in fact.of_kind("count")]
        core, lang = case.asking.core, case.lang

        def borne_out(value: Value) -> bool:
            return any(_holds(value, v, core, lang) for v in counts)

        if any(not borne_out(value) for value in case.asking.asserted if value.kind == "count"):
            return found
        stated = bool(case.asking.asserted)
        # one of the article's names that stands where the question puts it (华中农业大学也是……的学校之一？) is
        # what the question turns on: the sentence holding it answers, and nothing is said to be missing
        names = self._names_hold(case)
        if weight >= 0.5 * total and not stated and not found.resolved and not names:
            return missing(found, case)
        covered = case.held(case.nearest().text)
        sure = not weight and covered >= 0.8 * (reading.total - unknown) and not (wider and unknown)
        sure = sure or self._mostly_held(case, words, covered=covered) or _written_in_a_clause(case, inside)
        # two names the article ties together (新岗村 and 王店镇) bear out what a question ties; one name
        # alone does not bear out what it says of it (Shen Teng, the famous actor)
        if stated or names >= 2 or (names and not weight) or sure:
            return replace(found, verdict="yes", resolved=True)
        return found

    def _mostly_held(self, case: Case, words: list[tuple[int, int]], *, covered: float) -> bool:
        """A yes/no question whose words the FAQ does not know all stand in the sentence that holds the rest
        (回乡创业的人有人培养吗: 吸引能人回乡创业，并将其作为重点培养对象): it holds. Not when it says only
        (只设在村湾: 村湾和产业基地), nor when a clause holding its words says none (有没有引起纠纷: 零纠纷)."""
        reading = case.reading
        if case.lang != "zh" or case.asking.context or not words or ONLY_WORDS.search(case.asking.core):
            return False
        if covered < 0.8 * (reading.total - sum(reading.telling.get(p, 0.0) for p in reading.unknown)):
            return False
        near = case.nearest()
        own = [reading.text[reading.units[start].start : reading.units[end - 1].end] for start, end in words]
        if any(word not in near.text for word in own) or len({m.term for m in reading.matches}) < 2:
            return False
        return not any(NONE_WORDS.search(part) for part in near.parts() if case.held(part) > 0)

    def names_media(self, text: str, lang: Lang, index: Index) -> bool:
        """Whether a question names a newspaper, agency or station (人民日报, Xinhua): it asks about the
        article's source, whichever words it shares with the measures."""
        if lang == "en":
            return bool(MEDIA_EN.search(text))
        if not any(ending in text for ending in MEDIA_ENDINGS):
            return False  # most questions: no name of a publisher's ending, and no names to read
        return any(kind == "org" and suffix in MEDIA_ENDINGS for _, kind, suffix in self._names_in(text, lang, index))

    def elsewhere(self, text: str, lang: Lang, index: Index) -> str:
        """A place the question asks about that is not the article's but of its kind (云梦县, 大悟县 for
        an article about a county): the question is about somewhere else. Empty when there is none."""
        levels = self._levels[lang]
        for name, kind, suffix in self._names_in(text, lang, index):
            level = _level_of(suffix, lang)
            if kind == "place" and level is not None and level >= levels and not self._known(name, lang, index):
                return name  # 大悟县; 孝感市, 湖北省: the article gives the county's figures, not theirs
        return ""

    def unknown_names(self, text: str, lang: Lang, index: Index) -> list[tuple[int, int]]:
        """Where a question names a place or organisation the article never does (清华大学, 大悟县)."""
        if lang != "zh":
            return []
        found = self._unknown.get((text, lang))
        if found is None:
            spans = index.word_spans(text)
            # 湖北|电视台, 武汉|大学: a name cut before its kind word is one name
            joined = [
                (spans[n - 1][0], end)
                for n, (start, end) in enumerate(spans)
                if n
                and spans[n - 1][1] == start
                and spans[n - 1][1] - spans[n - 1][0] >= 2
                and text[start:end] in ORG_SUFFIXES  # not 村, 镇: 全县|村, 涣散|村 are no names
            ]
            found = [
                (start, end)
                for start, end in (*spans, *joined)
                if end - start >= 3
                and name_kind(text[start:end]) is not None
                and not POINTING.match(text[start:end])
                and not self._known(text[start:end], lang, index)
            ]
            if len(self._unknown) > 4096:  # the same question is read twice, not kept
                self._unknown.clear()
            self._unknown[text, lang] = found
        return found

    # ------------------------------------------------------------------ what a question states

    def _wrong_count(self, case: Case) -> tuple[str, str] | None:
        """A count or date the question states that the article gives otherwise: (what it said, what the
        article says). Counts of the rest (另外两个) and either-or questions state nothing to check."""
        asking = case.asking
        if asking.alternative:
            return None
        # 另外两个, 除了冯山社区还有两个: a count after the words setting some aside is of the rest; one before
        # them (有5个村获评……，除了冯山社区还有哪些) is a count of the whole, checked as any other
        rest = excluding_words(asking.lang).search(asking.core) if excluding(asking) else None
        before_rest = [v for v in asking.asserted if rest is None or v.start < rest.start()]
        counts = [(fact, v) for fact in case.facts for v in fact.of_kind("count")]
        dated = [v for fact in case.facts for v in fact.of_kind("date")]
        for stated in before_rest:
            if stated.kind == "date":
                wrong_date = self._wrong_date(stated, dated, case.lang)
                if wrong_date is not None:
                    return wrong_date
                continue
            words = around(asking.core, stated.text)
            # what the stated count counts (5 provincial demonstration parks) tells its figure first
            noun = counted(asking.core, stated, asking.lang) or counted_before(asking.core, stated, asking.lang)
            if _list_of(case.entry, noun, stated, asking.lang) or _sums_up(asking.core, stated):
                # 五种利益联接方式: the entry lists five, though no sentence counts them; 土地、村集体、企业三方面:
                # the count of the things the question has just listed
                continue
            elsewhere = self._count_of_other(stated, noun, counts, case.index, asking.core[stated.end :])
            if elsewhere is not None:
                return elsewhere
            named = {id(v): _counts(noun, v.label, asking.lang) for _, v in counts}
            if any(agrees(stated, v) and 0 < named[id(v)] >= max(named.values()) for _, v in counts):
                continue  # 539个支部里面示范的占多少: 539 is the count of the branches, as stated
            if not self._tells(words, noun, stated, counts, asking.lang):
                # 茶叶那个数对吗，是不是13万亩: the clause says nothing of what; the rest of the question may
                words = asking.core.replace(stated.text, " ")
            if asking.context and not self._tells(words, noun, stated, counts, asking.lang):
                # 村企共建有多少个村参加了？是130个吗: the sentence before says what is counted
                earlier = analyse(asking.context, asking.lang)
                noun = next((earlier.noun(ask) for ask in earlier.asks if ask.kind == "count"), "") or noun
                words = f"{words} {earlier.core}"
            fitting = [
                (
                    overlap(words, (v.label + fact.clause_of(v)).replace(v.text, ""), asking.lang)
                    # a clause listing several counts holds all their words: the label tells them apart
                    # (茶叶那个数对吗，是不是13万亩: 茶叶13.9万亩 of 太子米……、茶叶……、苗木花卉13万亩)
                    + (0.5 * overlap(words, v.label, asking.lang) if not noun else 0.0)
                    # what the count counts: its label, or the words right after it (四大产业, four big industries)
                    + 2
                    * max(
                        _counts(noun, v.label, asking.lang),
                        _counts(noun, counted(fact.text, v, asking.lang), asking.lang),
                    ),
                    v,
                )
                for fact, v in counts
                if _comparable(stated, v)
            ]
            # 875个党员中心户, 291个村（社区）: a label headed by what the count is said to count names its
            # figure, whatever else the question's words share with other clauses
            after = asking.core[stated.end :]
            labelled = [item for item in fitting if _counts_what(item[1].label, noun, after, asking.lang)]
            fitting = labelled or fitting
            # 个 counts anything: the unit tells only when it is a measure word of its own (家, 亩, 名)
            same = [item for item in fitting if item[1].unit == stated.unit]
            pool = same if same and stated.unit != "个" else fitting
            if not pool:
                continue
            # of counts that fit as well, one in the stated measure word (130个: 103个, not 71家)
            best = max(pool, key=lambda item: (item[0], item[1].unit == stated.unit))
            # it agrees with the count it is about, not with any count of the passage (128 of the new
            # secretaries is not the 131 mentors)
            if (best[0] <= 0 and len(pool) > 1) or any(
                _holds(stated, v, asking.core, asking.lang) for score, v in pool if score >= best[0]
            ):
                continue
            if not _holds(stated, best[1], asking.core, asking.lang):
                return stated.text, _told_counts(best, pool, asking.lang)
        return None

    def _wrong_date(self, stated: Value, dated: list[Value], lang: Lang) -> tuple[str, str] | None:
        """A date stated that the entry gives otherwise; a year, when it gives none, other than the article's."""
        if dated and not any(v.number == stated.number for v in dated):
            return stated.text, canonical(dated[0])
        if not dated and stated.number is not None and stated.number != self._published.year:
            # 2023年太子米种了多少: the article's figures are those of its own year
            year = str(self._published.year)
            return stated.text, f"{year}年" if lang == "zh" else year
        return None

    def _count_of_other(
        self, stated: Value, noun: str, counts: list[tuple[Fact, Value]], index: Index, after: str
    ) -> tuple[str, str] | None:
        """A stated count that is the article's count of something else than the question says it counts
        (219个党支部: 219 are the county's villages; 1200个党小组: the councils and associations): what it
        said, and what the article counts so. Only for a noun that heads some count of the article's, so
        that it is a thing the article counts (党支部, 村, 党员), when no count of the passage is of it (then
        that count is what to check against), and when the sentence of the count does not name it too
        (3100个党员: 3100余名……的党员推选为党员中心户)."""
        lang = index.lang
        if lang != "zh" or not noun or not any(_headed_by(label, noun, lang) for label in self._labels):
            return None
        comparable = [(fact, v) for fact, v in counts if _comparable(stated, v)]
        if any(_counts_what(v.label, noun, after, lang) for _, v in comparable):
            return None
        agreeing = [(fact, v) for fact, v in comparable if agrees(stated, v) and v.label]
        if not agreeing:
            return None
        fact, value = agreeing[0]
        clause = fact.clause_of(value)
        if any(clause[start:end] == noun for start, end in index.word_spans(clause)):
            return None  # 3100多名党员: the article's sentence counts 党员 too, the households they were chosen as
        return f"{stated.text}{noun}", f"{value.label}{value.text}"

    def _wrong_person(self, case: Case) -> tuple[str, str] | None:
        """A person of the article the question gives a role the article gives someone else (终审是彭扬吗:
        李健初): the person it said, and the clause giving that role."""
        lang, text = case.lang, case.asking.naming
        people = {n.text for n in self.facts.named_in(text, lang) if n.kind == "person" and n.text in text}
        if len(people) != 1:
            return None
        (said,) = people
        roles = [(fact, v) for fact in case.facts for v in fact.of_kind("person") if v.label]
        # 彭扬是这篇稿子的终审，那编辑是谁呢: the role said of the person is the one in their own clause
        own = around(text, said)
        if any(_role_fullness(v.label, own, lang) > 0 for _, v in roles):
            text = own
        if lang == "zh":  # 责任编辑 is the article's 责编, not its 编辑
            for variant, word in sorted(self._synonyms.items(), key=lambda item: -len(item[0])):
                text = text.replace(variant, word)
        named = [(_role_fullness(v.label, text.replace(said, " "), lang), fact, v) for fact, v in roles]
        best = max((score for score, _, _ in named), default=0.0)
        if best <= 0:
            return None
        holders = [(fact, v) for score, fact, v in named if score >= best]
        if any(v.text == said for _, v in holders):
            return None
        return said, holders[0][0].text.strip().rstrip("，,；;。. ")

    @staticmethod
    def _tells(words: str, noun: str, stated: Value, counts: list[tuple[Fact, Value]], lang: Lang) -> bool:
        """Whether a question's own words tie a stated count to any count of the article (Is it 36.5
        thousand mu? ties it to none: only the sentence before says of what)."""
        return any(
            overlap(words, (v.label + fact.clause_of(v)).replace(v.text, ""), lang) > 0
            or _counts(noun, v.label, lang) > 0
            for fact, v in counts
            if _comparable(stated, v)
        )

    def _wrong_pair(self, case: Case) -> tuple[str, str] | None:
        """Two words the question ties that the article puts in two items of one parallel list (四事工作法里是
        理事会负责监事吗: 理事会管事、村监会监事): what it said, and the two items. A list is parallel when
        every item shares a character with all the others (谋事、管事、办事、监事), unlike a list of names."""
        if case.lang != "zh" or ALTERNATIVE["zh"].search(case.asking.core) or case.asking.compared:
            return None  # 是管事还是办事: either-or, answered by the list itself; 茶叶比鲜果多吗: a comparison
        text = re.sub(r"[“”\"]", "", case.asking.core)
        for items, words in self._parallel(case.entry, case.index):
            if any(re.sub(r"[“”\"]", "", item) in text for item in items):
                continue  # 小事不出村大事不出乡下一句是什么: the list quoted as it stands, not two of it tied anew
            pieces = [
                (n, word, text.find(word)) for n, item_words in enumerate(words) for word in item_words if word in text
            ]
            for n, first, at in pieces:
                for m, second, later in pieces:
                    if m == n or later <= at or first in items[m] or second in items[n]:
                        continue
                    if len(first) == len(second) and first[-1] == second[-1]:
                        continue  # 谋事管事办事监事分别是谁: words of one form are items listed, none tied to another
                    between = text[at + len(first) : later]
                    if len(between) <= 4 and not re.search(r"[和与跟及、,，或]", between):
                        return text[at : later + len(second)], f"{items[n]}、{items[m]}"
        return None

    def _wrong_source(self, case: Case) -> tuple[str, str] | None:
        """A newspaper, agency or station the question says published the article, when the article gives its
        source as another (这篇人民日报发的文章: the source line the article gives)."""
        lang, core = case.lang, case.asking.core
        if not PUBLISHED_WORDS[lang].search(core):
            return None
        sources = [fact for fact in case.facts for v in fact.of_kind("org") if v.label in SOURCE_LABELS]
        if not sources:
            return None
        source = sources[0].text.strip().rstrip("，,；;。.")
        if lang == "en":  # People's Daily, Xinhua News Agency: a name ending as a publisher's does
            named = MEDIA_EN.search(case.asking.question)
            return (named.group().strip(), source) if named and named.group().strip() not in source else None
        for name, kind, suffix in self._names_in(core, "zh", case.index):
            if kind == "org" and suffix in MEDIA_ENDINGS and not self._known(name, "zh", case.index):
                return name, source
        return None

    def _wrong_item(self, case: Case) -> tuple[str, str] | None:
        """One of a question's things listed with 、 or 和 that the article does not have, among others that are
        the items of one of the entry's lists (太子米、中药材、苗木花卉: 太子米、果茶、苗木花卉、生态养殖; 去襄阳、宜昌
        and 去黄冈和襄阳: 黄冈、宜昌): what it said, and the list."""
        if case.lang != "zh":
            return None
        for clause in re.split(r"[，,；;。？?！!]", case.asking.core):
            pieces = re.split(r"、|(?<=[\u4e00-\u9fff])[和与及](?=[\u4e00-\u9fff])", clause)  # 去黄冈和襄阳
            if len(pieces) < 2:
                continue
            for listed in case.entry.lists:
                items = listed.items_in("zh")
                matched = [next((item for item in items if item in piece), None) for piece in pieces]
                if not any(matched):
                    continue
                for n, (piece, item) in enumerate(zip(pieces, matched, strict=True)):
                    if item is not None:
                        continue
                    # an edge piece runs on into the words around the list (县里组织干部去襄阳): as long as
                    # the item beside it
                    width = len(next(m for m in (matched[n - 1] if n else None, *matched) if m))
                    said = piece[-width:] if n == 0 else piece[:width] if n == len(pieces) - 1 else piece
                    if (
                        len(said) >= 2
                        and _HAN.fullmatch(said)
                        and said not in self._text
                        and case.index.term_of(said) is None
                        and _sound(said) not in {_sound(item) for item in items}  # 黄刚: 黄冈 mistyped
                    ):
                        return said, "、".join(items)
        return None

    def _parallel(self, entry: Entry, index: Index) -> list[tuple[tuple[str, ...], list[list[str]]]]:
        """An entry's parallel lists in Chinese, each with the words (two characters or more) of each item;
        worked out once."""
        found = self._lists.get(entry.id)
        if found is None:
            found = []
            for listed in entry.lists:
                items = listed.items_in("zh")
                if len(items) >= 2 and set.intersection(*(set(re.sub(r"[“”\"]", "", item)) for item in items)):
                    # each item a doer and a deed (理事会|管事): words of Chinese characters, two or more each
                    words = [
                        [item[a:b] for a, b in index.word_spans(item) if b - a >= 2 and _HAN.fullmatch(item[a:b])]
                        for item in items
                    ]
                    if all(len(item_words) >= 2 for item_words in words):
                        found.append((items, words))
            self._lists[entry.id] = found
        return found

    def _wrong_name(self, case: Case) -> tuple[str, str] | None:
        """A place or organisation the question ties to something the article ties to another of its
        kind (王店镇冯山社区: 花园镇冯山社区; 清华大学 for the course at 浙江大学)."""
        lang = case.lang
        clauses = [(part, fact) for fact in case.facts for part in fact.parts()]
        if not clauses:
            return None
        text = case.asking.naming
        for name, kind, suffix in self._names_in(text, lang, case.index):
            if lang == "en" and any(_one_edit(name.lower(), known.lower()) for known in self.facts.names[lang]):
                continue  # Xinggang village: Xingang village with a letter slipped, not another village
            words = around(text, name)
            core = name[: -len(suffix)] if suffix and lang == "zh" else name

            def holds(part: str, name: str = name, core: str = core, suffix: str = suffix) -> bool:
                return name in part or bool(suffix and core in part)

            # of clauses the question's words fit as well, one holding the name bears the name out
            # (丰山镇是什么示范: 丰山镇……示范乡镇, not 周巷镇……示范村镇); when none fits the clause the name
            # stands in, a short question is read whole (幸福食堂，电视台是湖北卫视吗: a follow-up read with
            # the subject before it), a long one is not (its other clauses are about other things)
            for said in (words, text.replace(name, " ") if len(text) <= SHORT_QUESTION else words):
                score, _, clause, fact = max(
                    ((overlap(said, part.replace(name, ""), lang), holds(part), part, fact) for part, fact in clauses),
                    key=lambda item: item[:2],
                )
                if score > 0:
                    break
            if score <= 0 or holds(clause):
                continue
            rivals = [v for v in fact.values if _rival(v, kind, suffix) and v.text in clause and v.text not in words]
            if any(_listed_together(fact.text, name, v.text) for v in rivals):
                continue  # learn in Huanggang: "Huanggang, Yichang and other places" lists it with its rival
            if rivals:
                return name, clause.rstrip("，,；;。.")
            if holds(fact.text):
                continue  # 王店镇新岗村的幸福食堂上了央视吗: the sentence of the clause holds the name itself
            # the canteen … was featured on CCTV: the rival stands later in the sentence of the clause
            at = fact.text.find(clause)
            later = [v for v in fact.values if _rival(v, kind, suffix) and v.text not in words and v.start >= at >= 0]
            if kind == "org" and later:
                told = re.sub(r"^(?:and|but|while)\s+", "", fact.text[at : later[0].end].strip()).rstrip("，,；;。.")
                return name, told[:1].upper() + told[1:] if lang == "en" else told
            # 每年去武汉大学办培训班: the clause fits (……农村专技人才培训班), the bodies stand before it in its
            # sentence; 幸福食堂在花园镇吗: so may the town (王店镇新岗村……，应村民要求开办的老年人“幸福食堂”……)
            earlier = [v for v in fact.values if _rival(v, kind, suffix) and v.text not in words and v.end <= at]
            if lang == "zh" and earlier and at >= 0:
                start = max(fact.text.rfind(mark, 0, earlier[0].start) for mark in "，,；;。") + 1
                return name, fact.text[start : at + len(clause)].strip().rstrip("，,；;。.")
            # 该镇龙泉村: the clause points back to the town the sentence named before it
            pointed = referent(case.facts, fact, suffix) if lang == "zh" and suffix in clause else None
            if pointed is not None and pointed.text != name and f"该{suffix}" in clause:
                return name, clause.replace(f"该{suffix}", pointed.text, 1).rstrip("，,；;。.")
        return None

    def _unnamed_person(self, case: Case) -> tuple[str, str] | None:
        """A person the question calls by a name the article never gives (有没有一个叫王强的), where the entry
        names people: the name said, and the clause naming the entry's people."""
        if case.lang != "zh":
            return None
        called = _CALLED.search(case.asking.core)
        name = called.group(1) if called else ""
        if not name or re.search(r"什么|啥|谁|哪|怎", name) or name in self._text:
            return None
        people = [(fact, v) for fact in case.facts for v in fact.of_kind("person")]
        if not people:
            return None
        # 终审是不是一个叫张伟的人: the one in the role the question names, else the clause naming them all
        text = case.asking.core.replace(name, " ")
        roled = [(fact, v) for fact, v in people if v.label and _role_fullness(v.label, text, case.lang) > 0]
        fact, value = (roled or people)[0]
        clause = f"{value.label}：{value.text}" if roled else fact.clause_of(value)
        return name, clause.rstrip("，,；;。")

    def _instead(self, said: str, truth: str, case: Case) -> str:
        """The name of the article's clause `truth` that stands where the question's `said` did: of its
        kind and not the same (央视 for 湖北卫视, 周巷镇 for 丰山镇), the first in the clause; empty when
        `said` is no name or the clause holds none of its kind, or several different ones."""
        named = self._names_in(said, case.lang, case.index)
        if len(truth) <= len(said) or not named or named[0][0] != said:
            return ""
        _, kind, suffix = named[0]
        rivals = {
            v.text
            for fact in case.facts
            for v in fact.values
            if _rival(v, kind, suffix) and v.text in truth and v.text.lower() != said.lower()
        }
        return next(iter(rivals)) if len(rivals) == 1 else ""

    def _names_in(self, text: str, lang: Lang, index: Index) -> list[tuple[str, Kind, str]]:
        """The places and organisations a question names: the article's own, and unknown ones by
        their ending (清华大学, 大悟县), as (name, kind, its kind word)."""
        found: list[tuple[str, Kind, str]] = [
            (name.text, name.kind, name.suffix)
            for name in self.facts.named_in(text, lang)
            if name.kind in ("place", "org")
            and name.text not in self._generic[lang]
            and (name.text in text if lang == "zh" else name.text.lower() in text.lower())
        ]
        if lang == "en":  # Wuhan University, Dawu County: a capitalised name before a kind of place or body
            for match in _EN_NAME.finditer(text):
                word, kind_word = match.group(), match.group("kind")
                if any(w.lower() in STOP_EN or w.lower() in _EN_ASKING for w in word.split()[:-1]):
                    continue  # Which town, The village: not a name
                if not any(word.lower() in f[0].lower() or f[0].lower() in word.lower() for f in found):
                    found.append((word, "org" if kind_word.lower() in _EN_ORGS else "place", kind_word))
            return found
        for start, end in self.unknown_names(text, lang, index):
            word = text[start:end]
            kind = name_kind(word)
            if kind is not None and not any(word in f[0] or f[0] in word for f in found):
                found.append((word, kind[0], kind[1]))
        return found

    def _known(self, word: str, lang: Lang, index: Index) -> bool:
        """Whether the FAQ knows a word: a name of the article, one of its generic words, or a term; in
        Chinese also by its sound, as typed with a slip (孝唱县)."""
        if word in self._generic[lang] or word in self.facts.names[lang] or index.term_of(word) is not None:
            return True
        if lang == "en":  # Xinggang village: Xingang village with one letter slipped, no other village
            lowered = word.lower()
            return any(_one_edit(lowered, name.lower()) for name in self.facts.names[lang] if len(name) >= 6)
        # 孝唱县 as typed with a slip, 昌孝县 with two characters swapped: the county, not another one
        return _sound(word) in self._sounds or "".join(sorted(word)) in self._letters

    def _names_hold(self, case: Case) -> int:
        """How many places or people of the article the question names, when they all stand in one fact;
        0 when they do not (or it names none)."""
        text = case.asking.core
        names = [n.text for n in self.facts.named_in(text, case.lang) if n.text in text]
        names = [n for n in names if n not in self._generic[case.lang]]
        return len(names) if any(all(n in fact.text for n in names) for fact in case.facts) else 0


_CALLED = re.compile(r"(?:名叫|叫做|叫)([\u4e00-\u9fff]{2,3}?)(?=的|吗|呢|么|[？?，,。！!]|$)")
"""A person called by name in a question (有没有一个叫王强的): the name."""

_COUNTED = {
    "zh": re.compile(r"[\u4e00-\u9fff（）()]{1,8}?(?=[的了是有吗呢啊呀吧里中，,？?。！!\s]|对[吗吧不]|$)"),
    "en": re.compile(
        r"\s*(?:[a-z'-]+\s+){0,3}?[a-z'-]+"
        r"(?=\s+(?:are|is|were|was|do|does|did|have|has|had|in|at|on|of|for|to)\b|\s*[?,.!;\"”()]|$)"
    ),
}


DENIAL = {
    "zh": re.compile(r"(?:零|没有|无|未|不)(?P<what>[\u4e00-\u9fff]{2})"),
    "en": re.compile(r"\b(?:zero|no|without|never|not)\s+(?:any\s+)?(?P<what>[a-z]{4,})", re.IGNORECASE),
}
DENYING = {
    "zh": re.compile(r"[零没无未不非]"),
    "en": re.compile(r"\b(?:zero|no|not|never|without|n't|free (?:of|from))\b|n't\b"),
}


def _told_counts(best: tuple[float, Value], pool: list[tuple[float, Value]], lang: Lang) -> str:
    """What the article says instead of a wrong count: the best fitting count; or, when counts of several
    labels fit as well (星创天地有20家吗), each with its label (国家级“星创天地”1家、省级“星创天地”18家)."""
    tied = [v for score, v in pool if score >= best[0] and v.unit == best[1].unit and v.label]
    if len({v.label for v in tied}) < 2:
        return best[1].text
    joiner, gap = ("、", "") if lang == "zh" else ("; ", " ")
    return joiner.join(f"{v.label}{gap}{v.text}" for v in tied)


def _written_in_a_clause(case: Case, inside: set[int]) -> bool:
    """Whether one clause of the entry writes nearly all of a Chinese yes/no question word for word, in
    runs of two meaningful characters or more (议事平台是在村党组织领导下搭建的吗: 搭建村党组织领导下的协商
    共治议事平台): it says what the question asks whether it says. 在村 does not write the 村 of 村委会."""
    reading = case.reading
    if case.lang != "zh" or case.asking.context:
        return False
    weighed = {p: reading.telling.get(p, 0.0) for p in inside if p in reading.content}
    total = sum(weighed.values())
    if total <= 0:
        return False
    for fact in case.facts:
        for clause in _clauses_of_fact(fact.text):
            covered = _runs_in(reading, clause, weighed.keys())
            if sum(w for p, w in weighed.items() if p in covered) >= WRITTEN_SHARE * total:
                return True
    return False


WRITTEN_SHARE = 0.85
"""How much of a yes/no question one clause must write out word for word to bear it out."""


def _clauses_of_fact(text: str) -> list[str]:
    return [c for c in re.split(r"[，,；;。]", text) if c.strip()]


def _runs_in(reading: Reading, clause: str, meaningful: Collection[int]) -> set[int]:
    """The positions of a read question that stand in a run the clause holds, of two meaningful ones or more."""
    units = reading.units
    found: set[int] = set()
    for start in range(len(units)):
        end = start
        while end < len(units) and "".join(u.text for u in units[start : end + 1]) in clause:
            end += 1
        if sum(p in meaningful for p in range(start, end)) >= 2:
            found.update(range(start, end))
    return found


def _denied(case: Case) -> str:
    """The clause of the article that denies what a yes/no question asks whether happened (出过赔偿纠纷吗:
    “零赔偿、零上访、零纠纷”; has Xingang had petitions: no petition in 10 years); empty when none does,
    or when the question itself is worded in the negative (没出过纠纷吧), which the other checks read."""
    lang, core = case.lang, case.asking.core
    if _negated(core, lang):
        return ""
    if lang == "zh" and any(core[: v.start].endswith("是") for v in case.asking.asserted if v.kind == "count"):
        return ""  # 新岗村信访是10年吧: whether the count is right, not whether petitions happened
    return _denying_clause(case)


def _agreed_denial(case: Case) -> bool:
    """Whether a yes/no question worded in the negative denies what the article denies (Has Xingang been
    free of petitions: no petition in 10 years; 修长廊没出过纠纷吧: 零纠纷): it holds."""
    return _negated(case.asking.core, case.lang) and bool(_denying_clause(case))


def _negated(question: str, lang: Lang) -> bool:
    """Whether a question is worded in the negative: 有没有, 是不是 and the like only ask (有没有赔偿 asks
    whether there was any; 是不是没有赔偿 says there was none)."""
    if lang == "zh":
        question = re.sub(r"([\u4e00-\u9fff])[没不]\1", "", question)
    return bool(DENYING[lang].search(question))


def _denying_clause(case: Case) -> str:
    """The clause of the article that denies a word of the question, in a sentence holding more of it."""
    lang, core = case.lang, case.asking.core
    words = core if lang == "zh" else " ".join(w[:5] for w in re.findall(r"[a-z]{4,}", core.lower()))
    for fact in case.facts:
        # the sentence must hold more of the question than the denied word: it is about what is asked
        for clause in re.split(r"(?<=[，；。,;])|(?<=\.)\s", fact.text):
            for match in DENIAL[lang].finditer(clause):
                what = match.group("what") if lang == "zh" else match.group("what").lower()[:5]
                if what in words and case.held(fact.text) > case.held(what):
                    return clause.strip().rstrip("，,；;。.")
    return ""


def _role_fullness(role: str, text: str, lang: Lang) -> float:
    """How fully a question names a role: in Chinese the role's length if it stands in the text (终审),
    in English the share of its words that do (final review in "the final reviewer"), a longer
    role fully named counting more (managing editor over editor)."""
    if lang == "zh":
        return float(len(role)) if role in text else 0.0
    wanted = stems(role)
    present = set(stems(text))
    if not wanted or not all(w in present for w in wanted):
        return 0.0
    return float(len(wanted))


_HAN = re.compile(r"[\u4e00-\u9fff]+")
ABOVE = {
    "zh": (re.compile(r"(?:超过|超出|多于|高于|大于|不少于|不低于|至少|起码)$"), re.compile(r"^(?:以上|往上|出头)")),
    "en": (re.compile(r"\b(?:more than|over|above|at least|greater than|exceeding)\s*$"), re.compile(r"^\s*or more\b")),
}
BELOW = {
    "zh": (re.compile(r"(?:不到|少于|低于|小于|不足|不超过|不满|至多|最多)$"), re.compile(r"^(?:以下|以内|不到)")),
    "en": (re.compile(r"\b(?:less than|fewer than|under|below|at most)\s*$"), re.compile(r"^\s*or (?:less|fewer)\b")),
}
"""Words that make a stated count a bound (超过3000名, 不到900个, more than 800): what they go before or after."""
ABOUT = {
    "zh": (re.compile(r"(?:大约|大概|约|差不多|将近|接近|近)$"), re.compile(r"^(?:左右|上下)")),
    "en": (re.compile(r"\b(?:about|around|roughly|approximately|nearly|almost|some)\s*$"), re.compile(r"^\s*or so\b")),
}
"""Words that make a stated count a rough one (大约3000名, about 3,000): within a tenth of it holds."""
ROUGHLY = Decimal("0.1")
"""How far from a rough count the article's may be and bear it out: 3100余 is about 3000, 875 not about 1000."""


def _bound(text: str, value: Value, lang: Lang) -> str:
    """Whether a stated count is a lower bound ("above"), an upper one ("below"), a rough count ("about"),
    or a count ("")."""
    before, after = text[: value.start], text[value.end :]
    if lang == "en":  # "more than 800" is read as the count's own text
        before = f"{before}{value.text[: -len(value.text.split()[-1])] if ' ' in value.text else ''}"
    for name, (ahead, behind) in (("above", ABOVE[lang]), ("below", BELOW[lang]), ("about", ABOUT[lang])):
        if ahead.search(before.lower() if lang == "en" else before) or behind.search(after):
            return name
    return ""


def _holds(stated: Value, value: Value, text: str, lang: Lang) -> bool:
    """Whether the article's count bears out a stated one: agrees with it, lies beyond a bound it sets
    (超过3000名: 3100余名 does; 不到900个: 875个 does), or near a rough one (大约3000名: 3100余名 is)."""
    bound = _bound(text, stated, lang)
    if not bound or stated.number is None or value.number is None:
        return agrees(stated, value)
    said, told = stated.number, value.number
    if stated.unit != value.unit and stated.amount is not None and value.amount is not None:
        said, told = stated.amount, value.amount  # 不到半小时: 10分钟 is under 30 minutes
    if bound == "about":  # 大约3000名: 3100余名 is about that many
        return agrees(stated, value) or abs(told - said) <= ROUGHLY * said
    return told >= said if bound == "above" else told <= said


MEDIA_ENDINGS = frozenset({"日报", "电视台", "卫视", "新闻社", "通讯社", "社"})
"""The endings of the Chinese names of newspapers, agencies and stations: what publishes an article."""
MEDIA_EN = re.compile(r"(?:\b[A-Z][\w']+ )*(?:Daily|News|Times|Post|Agency|Press|Xinhua)\b")
"""An English name of a newspaper, an agency or a station (People's Daily, Xinhua)."""
_QUOTED = re.compile(r"[“「\"']([^”」\"']{2,30})[”」\"']")
_ARTICLE_QUOTED = re.compile(r"[“「]([^”」]{2,30})[”」]")


def _wrong_quote(case: Case) -> tuple[str, str] | None:
    """A phrase a question quotes that the article does not have, one character off a phrase the article
    quotes or lists (“小事不出乡”: 小事不出村; “五里苗木长廊”: 十里苗木长廊; “三化”: 四化): what it quoted,
    and the phrase the article has. A quote of several phrases (“小事不出村、大事不出县……”) is checked
    phrase by phrase; a phrase of two characters only against the entry's lists and their names."""
    if case.lang != "zh":
        return None
    texts = "".join(fact.text for fact in case.facts)
    listed = [name for lst in case.entry.lists for name in (lst.name_in("zh"), *lst.items_in("zh"))]
    quoted_there = [q for fact in case.facts for found in _ARTICLE_QUOTED.findall(fact.text) for q in _phrases(found)]
    for quote in _QUOTED.findall(case.asking.core):
        for said in _phrases(quote):
            if said in texts:
                continue
            phrases = listed if len(said) == 2 else [*listed, *quoted_there]
            for phrase in phrases:
                if len(phrase) == len(said) and sum(a != b for a, b in zip(phrase, said, strict=True)) == 1:
                    return said, phrase
    return None


def _phrases(quote: str) -> list[str]:
    """A quote's phrases: the whole, or its parts between 、，; (小事不出村、大事不出乡)."""
    parts = [part.strip() for part in re.split(r"[、，,；;]", quote) if part.strip()]
    return parts if len(parts) > 1 else [quote.strip()]


def _list_of(entry: Entry, noun: str, stated: Value, lang: Lang) -> bool:
    """Whether a stated count is the length of an entry's list that what it counts names (五种利益联接方式:
    the five ways of linking farmers the entry lists, though no sentence counts them)."""
    if not noun or stated.number is None:
        return False
    return any(
        len(listed.items_in(lang)) == stated.number
        and any(overlap(noun, name, lang) > 0 for name in (listed.name_in(lang), *listed.keywords_in(lang)))
        for listed in entry.lists
    )


KIND_UNITS = frozenset(("级", "层", "类", "种", "项", "条", "步"))
"""Measure words that count kinds, levels or steps (三级结构, 五种方式), not things: such a count is only
comparable with one in the same measure word (三级 is no count of the 875 Party groups)."""


def _comparable(stated: Value, value: Value) -> bool:
    """Whether a stated count may be of what an article's count counts: the same measure or measure word;
    个 counts anything, people too (130个导师); a count of kinds or levels only its own kind."""
    if stated.unit in KIND_UNITS or value.unit in KIND_UNITS:
        return value.unit == stated.unit
    return (
        value.measure == stated.measure
        or value.unit == stated.unit
        or (stated.unit == "个" and value.measure in ("people", "things"))
    )


SHORT_QUESTION = 20
"""Characters of a question short enough to be about one thing throughout."""
POINTING = re.compile(r"^(?:哪|什么|啥|那|这|某|每|各|本|几|多少|[一二两三四五六七八九十\d]+[所个家座名位])")
"""哪个电视台, 什么大学, 这个村, 两所大学: a word of its kind that asks, points or counts, not a name."""


def _sound(word: str) -> tuple[str, ...]:
    return tuple(loose_syllable(char) for char in word)


def _counts(noun: str, label: str, lang: Lang) -> float:
    """How well what a question counts fits what a count of the article counts: the words they share; a
    noun of one character (村) by whether the label holds it."""
    if lang == "zh" and len(noun) == 1:
        return float(noun in label)
    return overlap(noun, label, lang)


def counted(text: str, value: Value, lang: Lang) -> str:
    """The words right after a stated count: what it counts (300个村里: 村; 5 provincial parks)."""
    rest = text[value.end :].lower() if lang == "en" else text[value.end :]
    if lang == "zh" and _CHECKING.match(rest):
        return ""  # 有20家对吗, 13.9万亩是真的吗: what follows asks whether it holds, it counts nothing
    # 300多名导师带新书记效果这么好: no word ends it within reach; what it counts begins it all the same
    found = _COUNTED[lang].match(rest) or (re.match(r"[\u4e00-\u9fff]{1,4}", rest) if lang == "zh" else None)
    return found.group().strip().strip("吗呢啊呀吧嘛么了的") if found else ""


_CHECKING = re.compile(r"(?:对|是|吗|呢|吧|嘛|没错|真|确实|准确|正确|不)")
"""How the words after a stated count begin when they ask whether it holds (对吗, 是真的吗, 没错吧)."""
_EN_ASKING = {"which", "what", "whose", "each", "every", "any", "some", "another", "other", "same", "national"}
_EN_ORGS = ORG_NOUNS_EN | {"company"}
"""English kinds of bodies (the rest are places)."""
_EN_NAME = re.compile(
    r"\b(?:[A-Z][a-z]+ )+(?P<kind>University|College|School|County|Town|Township|Village|Community|City|Province|TV"
    r"|university|county|town|township|village|community|city|province)\b"
)
"""An English name of a place or body the question states: capitalised words, then what kind it is."""


_BEFORE_COUNT = re.compile(r"(?:是不是|是否|有没有|大概|大约|差不多|将近|正好|一共|总共|共|有|是|的|了|都|就|才|只)+$")


LEVEL_WORDS: dict[Lang, dict[str, str]] = {
    "zh": {
        **dict.fromkeys(("国家级", "全国", "国家"), "national"),
        **dict.fromkeys(("省级", "全省", "省里"), "province"),
        **dict.fromkeys(("市级", "全市", "市里"), "city"),
        **dict.fromkeys(("县级",), "county"),
    },
    "en": {
        **dict.fromkeys(("national", "nationwide", "country-level", "state-level"), "national"),
        **dict.fromkeys(("provincial", "province-level"), "province"),
        **dict.fromkeys(("city-level", "municipal"), "city"),
        **dict.fromkeys(("county-level",), "county"),
    },
}
"""Words of the level a title or an honour is of (全国, 省级, national): a question may state the wrong one."""


def _levels_in(text: str, lang: Lang) -> list[tuple[str, str, int]]:
    """The level words of a text: (word, level, where), longest first at each place."""
    folded = text if lang == "zh" else text.lower()
    words = sorted((word for word in LEVEL_WORDS[lang] if word in folded), key=len, reverse=True)
    found: list[tuple[str, str, int]] = []
    for word in words:
        pattern = re.escape(word) if lang == "zh" else rf"\b{re.escape(word)}\b"
        for match in re.finditer(pattern, text if lang == "zh" else text.lower()):
            if not any(start <= match.start() < start + len(w) for w, _, start in found):
                found.append((word, LEVEL_WORDS[lang][word], match.start()))
    return found


def _wrong_level(case: Case) -> tuple[str, str] | None:
    """A level the question gives a title or an honour that the article gives another (龙泉村被列为省级
    试点: 全国; 省级以上的龙头企业: 市级以上): what it said, and the article's clause."""
    lang = case.lang
    text = case.asking.core
    stated = _levels_in(text, lang)
    if not stated:
        return None
    clauses = [part for fact in case.facts for part in re.split(r"[，；。,;]", fact.text) if part.strip()]
    for word, level, _ in stated:
        # the clause the level word stands in, else the whole question (龙泉村，试点是省级的吗)
        for words in (around(text, word), text.replace(word, " ")):
            scored = [(overlap(words, part, lang), part) for part in clauses]
            score, clause = max(scored, key=lambda item: item[0], default=(0.0, ""))
            if score >= 2:
                break
        if score < 2:
            continue  # no clause is clearly about what the question gives a level
        levels = {found for _, found, _ in _levels_in(clause, lang)}
        if levels and level not in levels:
            clause = re.sub(r"^(?:and|but|while)\s+", "", clause.strip()).rstrip(".")
            return word, clause[:1].upper() + clause[1:] if lang == "en" else clause
    return None


def _level_of(word: str, lang: Lang) -> int | None:
    """How high a place is by its ending (村 0, 镇 1, 县 2, 市 3, 省 4; village, town, county ...)."""
    suffix = PLACE_NOUNS_EN.get(word.lower(), "") if lang == "en" else (name_kind(word) or ("", word))[1]
    if lang == "zh" and suffix not in PLACE_SUFFIXES:
        suffix = word if word in PLACE_SUFFIXES else ""
    return next((n for n, level in enumerate(LEVELS) if suffix in level), None) if suffix else None


def counted_before(text: str, value: Value, lang: Lang) -> str:
    """The words right before a stated count, in its clause: what it is of (鲜果是不是13.9万亩: 鲜果)."""
    if lang != "zh":
        return ""
    clause = re.split(r"[，,；;。？?！!]", text[: value.start])[-1]
    found = re.search(r"[\u4e00-\u9fff]{1,8}$", _BEFORE_COUNT.sub("", clause))
    return found.group().split("的")[-1] if found else ""  # 帮带新书记的导师: 导师


def canonical(value: Value) -> str:
    """A date as the article's own header writes it (2022-11-16); other values as written."""
    found = re.match(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})", value.text)
    if value.kind == "date" and found:
        return f"{found.group(1)}-{int(found.group(2)):02d}-{int(found.group(3)):02d}"
    return value.text


def _runs(positions: Iterable[int]) -> list[tuple[int, int]]:
    """Runs of consecutive positions, as [start, end) spans."""
    runs: list[tuple[int, int]] = []
    for position in sorted(positions):
        if runs and runs[-1][1] == position:
            runs[-1] = (runs[-1][0], position + 1)
        else:
            runs.append((position, position + 1))
    return runs


def _listed_together(text: str, name: str, other: str) -> bool:
    """Whether two names stand side by side in one list of a text (黄冈、宜昌; Huanggang, Yichang)."""
    between = r"\s*(?:、|,|，|和|与|及|and|or)\s*"
    return bool(
        re.search(re.escape(name) + between + re.escape(other), text, re.IGNORECASE)
        or re.search(re.escape(other) + between + re.escape(name), text, re.IGNORECASE)
    )


ONLY_WORDS = re.compile(r"只|仅|光是|单单|全都|都是")
"""Words that make a yes/no question claim more than that something holds: that nothing else does."""
NONE_WORDS = re.compile(r"零|没有|无|未|不(?!断)")
"""Words by which a clause of the article says something did not happen (零纠纷, 没有信访事项)."""


def _one_edit(first: str, second: str) -> bool:
    """Whether two words differ by one letter added, dropped or changed (Xinggang, Xingang)."""
    if abs(len(first) - len(second)) > 1 or first == second:
        return False
    if len(first) == len(second):
        return sum(a != b for a, b in zip(first, second, strict=True)) == 1
    short, long = sorted((first, second), key=len)
    return any(long[:at] + long[at + 1 :] == short for at in range(len(long)))


def _bare(text: str) -> str:
    """A label or noun without what it says in brackets or quotes: 全县村（社区） as 全县村."""
    return re.sub(r"[（(][^）)]*[）)]|[“”\"]", "", text).strip()


def _headed_by(label: str, noun: str, lang: Lang) -> bool:
    """Whether a count's label names what a noun does, as its head: 全县村（社区） is of 村, 党员中心户 of 党员中心户,
    not of 党员 (a household is counted), 整顿的软弱涣散村党组织 of 党组织, not of 村."""
    if lang != "zh" or not noun:
        return False
    noun = _bare(noun)
    return bool(noun) and _bare(label).endswith(noun)


def _counts_what(label: str, noun: str, after: str, lang: Lang) -> bool:
    """Whether a count's label names what a stated count counts: headed by the noun read after it, or
    by the words right after it, whichever way they were cut (875个党员中心户: 党员中心户, read as 党员)."""
    bare = _bare(label)
    return _headed_by(label, noun, lang) or (
        lang == "zh" and any(after.startswith(bare[-size:]) for size in range(len(bare), 1, -1))
    )


def _sums_up(text: str, stated: Value) -> bool:
    """Whether a stated count counts the items listed right before it (土地、村集体、企业三方面; 黄冈和宜昌两地)."""
    if stated.number is None or stated.number < 2:
        return False
    before = re.split(r"[，,；;。？?！!：:]", text[: stated.start])[-1]
    if "、" not in before and not (stated.number == 2 and re.search(r"和|及|与|跟", before)):
        return False  # no list: 71家企业和三个村 states a count of its own
    items = [item for item in re.split(r"、|和|及|与|跟|,", before) if item.strip()]
    return len(items) == stated.number


def _rival(value: Value, kind: Kind, suffix: str) -> bool:
    """A name of the article of the kind a question's name has (a town for a town; 华中科技大学, whose kind
    word is 科技大学, for 武汉大学)."""
    return value.kind == kind and (value.unit.lower().endswith(suffix.lower()) or not suffix or not value.unit)


_MOST = re.compile(r"最(?P<way>多|少|大|小|高|低)")
"""A yes/no question whether one thing is the most or the least of its kind (太子米是不是种得最多的)."""


def compares(asking: Asking) -> bool:
    """Whether a question compares counts: two things (茶叶比鲜果多吗) or one with its peers (最多的吗)."""
    return asking.compared or (asking.polar and asking.lang == "zh" and bool(_MOST.search(asking.core)))


def _superlative(case: Case) -> tuple[Verdict, str] | None:
    """太子米是不是种得最多的: the count the question names against the others of its sentence in the same
    measure word, and whether it is the largest (or the smallest)."""
    match = _MOST.search(case.asking.core) if case.lang == "zh" else None
    if match is None:
        return None
    subject = case.asking.core[: match.start()]
    best: tuple[float, Fact, Value] | None = None
    for fact in case.facts:
        for v in fact.of_kind("count"):
            score = overlap(subject, v.label, "zh") + (1.0 if v.label and v.label[:2] in subject else 0.0)
            if score > 0 and (best is None or score > best[0]):
                best = (score, fact, v)
    if best is None or best[2].number is None:
        return None
    _, fact, value = best
    peers = [v for v in fact.of_kind("count") if v.unit == value.unit and v.number is not None]
    if len(peers) < 2:
        return None
    numbers = [v.number for v in peers if v.number is not None]
    most = match.group("way") in ("多", "大", "高")
    holds = value.number == (max(numbers) if most else min(numbers))
    verdict: Verdict = "yes" if holds else "no"
    return verdict, "，".join(f"{v.label}{v.text}" for v in peers)


def _compare(case: Case) -> tuple[Verdict, str] | None:
    """茶叶比鲜果多吗: the two counts compared, and the verdict."""
    match = _COMPARED.search(case.asking.core) or _EXCEEDS.search(case.asking.core)
    if match is None:
        return None
    counts = [v for fact in case.facts for v in fact.of_kind("count")]

    def value_for(subject: str) -> Value | None:
        scored = [(overlap(subject, v.label, "zh"), v) for v in counts]
        scored = [item for item in scored if item[0] > 0]
        return max(scored, key=lambda item: item[0])[1] if scored else None

    left, right = value_for(match.group("left")), value_for(match.group("right"))
    if left is None or right is None or left.number is None or right.number is None:
        return None
    # 党小组比党员中心户多吗: 875个 and 3100余名 are both numbers of things; 亩 and 个 are not comparable
    if left.unit != right.unit and not {left.measure, right.measure} <= {"people", "things"}:
        return None
    more = match.group("way") in ("多", "大", "高", *MORE_THAN_ZH)
    holds = left.number > right.number if more else left.number < right.number
    verdict: Verdict = "yes" if holds else "no"
    return verdict, f"{left.label}{left.text}，{right.label}{right.text}"
