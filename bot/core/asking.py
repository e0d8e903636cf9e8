"""What a question asks: its kind (how many, who, which place, which ones, how, why, when, what
is, yes or no), the words it asks by, and what it states on the way (`有2家吗`, `三次组织`).

Before that, the question is found in the message: a long message often opens with who is
asking and why (`我是周巷镇的一名村监会成员，……请问……`), and spoken Chinese has its own
question words (咋, 啥, 有木有). `analyse` returns an `Asking`: the question part to match
(`core`), the lead-in kept aside (`context`, for when the question part alone says too
little), the asks it makes (one message may ask two things: 去了几次，都去了哪些地方), whether
it is a yes/no question, and the values it asserts. A follow-up (那茶叶呢) is read against
the question before it by the conversation's `bot.core.followup`, before it comes here.

The patterns here are the grammar of questions in the two languages, not the article's
vocabulary. Imports nothing from `telegram`.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from bot.core.dictionary import dictionary
from bot.core.normalise import fold
from bot.core.values import MEASURES, Value, counts, dates
from bot.language import Lang

AskedKind = Literal["count", "when", "person", "name", "place", "which", "how", "why", "what", "none"]
"""What a question asks for: a count or amount (its measure says of what: people, area, money,
duration...), a date or time, a person, a proper name, a place, one or more of several (which
ones), a way, a reason, what something is, or nothing in particular (a topic named)."""

SPOKEN: dict[str, str] = {
    "咋": "怎么", "啥": "什么", "木有": "没有", "神马": "什么", "肿么": "怎么", "整了": "做了", "弄了": "做了",
    "干嘛": "干什么", "干吗": "干什么",
    "嘞": "", "滴": "的", "哒": "", "咯": "", "噻": "",
}  # fmt: skip
"""Spoken and chat forms of question words, of 'do' and of particles, as the written language has them."""

_MEASURE = "|".join(sorted(map(re.escape, MEASURES), key=len, reverse=True))
ORDINAL_ZH = (
    r"第(?P<n>[一二三四五六七八九十\d]{1,3})(?:个|项|种|化|条|句|层|类|方面|步)|"
    r"(?P<last>最后[一1]?(?:个|项|种|化|条|句|层|类)|最下面(?:一层|的)?|最底层)|"
    r"(?P<first>最上面(?:一层|的)?|最顶层|头[一1](?:个|项|种|条|句))"
)
"""Words asking for one item of a list by its place: 第二个, 最后一项, 最下面 (第一书记 is a title); the groups
say which place (`bot.core.answers` reads them)."""


QUESTION_WORDS: dict[Lang, tuple[tuple[AskedKind, str, tuple[str, ...]], ...]] = {
    "zh": (
        ("count", "money", ("多少钱", "几块钱?", "几毛", "多少元", "什么价", "贵不贵")),
        ("when", "", ("哪一?年", "哪一?天", "哪个月", "几月", "几号", "几点", "何时", "什么时[候间]")),
        ("count", "frequency", ("多久一次", "多久[开办搞举]一次", "[一每]年几次", "几年一次", "多长时间一次")),
        ("count", "duration", ("多久", "多长时间", "多少时间", "持续多长", "为期多长")),
        ("count", "age", ("几岁", "多大年纪", "多大岁数", "多少岁")),
        ("count", "people", ()),  # 人数, an asking noun (`ASKING_NOUNS`)
        ("count", "area", ()),  # 面积, the same
        # 十几年, 几十个: 几 beside 十, 百, 千 or 万 is a number (a dozen or so), no question
        ("count", "", (rf"(?<![哪十])几(?![十百千万])(?P<unit>{_MEASURE})?", rf"多少(?P<unit2>{_MEASURE})?",
                       rf"好多(?P<unit3>{_MEASURE})(?!了)", "多大", "多高", "多重", "多宽", "多深", "多长(?!时间)")),
        ("name", "", ("叫什么名", "叫什么", "叫啥")),
        ("person", "", ("谁", "哪位", "哪些人", "什么人", "何人", "哪个人")),
        ("place", "", ("哪里", "哪儿", "[在去到从来回]了?哪(?![些个几一二两三四五六七八九十])", "什么地方", "哪些地方",
                       "哪个(?P<place>镇|村|乡|县|市|省|社区|地方|地区)")),
        ("which", "", ("哪些", rf"哪几(?:{_MEASURE})?", rf"哪[一二两三四五六七八九十\d]*(?:{_MEASURE})",
                       "哪[一二两三四五六七八九十\\d]+", "分别", "都有", "有哪", "包括", "包含", "列举", "都是",
                       ORDINAL_ZH)),
        # 列为什么试点, 评为什么称号: 为 closes the verb there, 什么 asks what
        ("why", "", ("(?<![列作成称评认视定选改更转被])为什么", "为何")),
        ("how", "", ("怎么", "怎样", "如何", "什么办法", "什么措施", "什么做法", "什么招")),
        ("what", "", ("是什么", "什么意思", "指什么", "是指", "什么是", "干什么", "做什么", "有什么", "什么")),
    ),
    "en": (
        ("count", "money", (r"\bhow much (?:\w+ )*(?:cost|pay|charge)", "how much money")),
        # "When a villager calls, how long ...": a when-clause before a comma and a question is its condition
        ("when", "", (r"^when\b(?![^,?]*,\s*(?:how|what|which|who|whom|whose|where|why|is|are|was|were|do|does|did|"
                      r"can|could|will|would|has|have)\b)", r"\bwhen (?:was|were|did|does|do|is|will)\b",
                      r"what (?:year|date|day|time)\b",
                      r"which (?:year|date|day)\b")),
        ("count", "frequency", (r"\bhow (?:often|frequently)\b", r"\btimes a (?:year|month|week)\b")),
        ("count", "duration", (r"\bhow long\b",)),
        ("count", "times", (r"\bhow many times\b",)),
        ("count", "age", (r"\bhow old\b",)),
        ("count", "", (r"\bhow (?:many|much|big|large|high|tall|wide|deep|heavy|far)\b", r"\bnumber of\b",
                       r"\bwhat number\b")),
        ("name", "", (r"\bwhat is (?:it|he|she|they) called\b",)),
        ("person", "", (r"\bwho(?:m|se)?\b",)),
        ("place", "", (r"\bwhere\b",
                       r"\bwhich (?P<place>town|village|city|place|county|province|community|township)s?\b")),
        ("which", "", (r"\bwhich\b", r"\bwhat (?:are|were) (?:the )?\b", r"\blist\b", r"\bname (?:the|all)\b",
                       r"\bwhat (?:kinds?|types?|ways)\b")),
        ("why", "", (r"\bwhy\b",)),
        ("how", "", (r"\bhow\b",)),
        ("what", "", (r"\bwhat\b",)),
    ),
}  # fmt: skip
"""Per language, the question words of each kind, most particular first (多少钱 before 多少):
(kind, measure, alternatives). A count's measure is money, duration, age or frequency, or the
measure word written after 几/多少 (几期: times), or open."""

ASKING_NOUNS: dict[Lang, dict[tuple[AskedKind, str], tuple[str, ...]]] = {
    "zh": {
        ("count", "money"): ("价格", "价钱", "费用", "收费", "花费"),
        ("when", ""): ("日期", "发布时间", "时间是"),
        ("count", "frequency"): ("频率",),
        ("count", "age"): ("年龄",),
        ("count", "people"): ("人数",),
        ("count", "area"): ("面积",),
        ("count", ""): ("数量", "数目", "(?<![这那哪每一])个数", "总数", "规模",
                        "(?<=的)数字|数字(?=是|为|[？?。，,]|$)"),
        ("name", ""): ("名字", "名称"),
        ("why", ""): ("原因", "目的", "目标", "意义", "效果", "成效"),
    },
    "en": {
        ("count", "money"): (r"\bcosts?\b", r"\bprices?\b", r"\bfees?\b"),
        ("count", ""): (r"\bacreage\b", r"\btotal\b"),
        ("name", ""): (r"\bnames?\b", r"\bcalled\b"),
        ("what", ""): (r"\bmeaning\b", r"\bmean\b"),
    },
}  # fmt: skip
"""Nouns that ask for a kind of value without a question word (价格, 日期, acreage): words of the
language, kept apart from the question words so that what they add can be measured."""


MONEY_NOUNS: dict[Lang, re.Pattern[str]] = {
    "zh": re.compile(r"收入|产值|资金|经费|工资|补贴|投资|利润|营收|奖金|报酬|预算"),
    "en": re.compile(r"\b(?:income|revenue|salar(?:y|ies)|wages?|budget|funding|subsid(?:y|ies)|profits?|earn\w*)\b"),
}
"""Nouns of money: a "how much" of them (村集体收入多少) asks an amount of money, not any figure."""


@lru_cache(maxsize=2)
def asks_table(lang: Lang) -> tuple[tuple[AskedKind, str, re.Pattern[str]], ...]:
    """The question words and asking nouns of each kind, compiled: (kind, measure, pattern)."""
    table = [
        (kind, measure, (*words, *ASKING_NOUNS[lang].get((kind, measure), ())))
        for kind, measure, words in QUESTION_WORDS[lang]
    ]
    # a kind with no words at all (人数's, its nouns emptied) asks nothing: an empty pattern matches everywhere
    return tuple((kind, measure, re.compile("|".join(words))) for kind, measure, words in table if words)


_EN_NOUN = re.compile(
    r"\s*(?:of )?(?:the )?([a-z][a-z' -]*?)"
    r"(?=\s+(?:are|is|were|was|do|does|did|have|has|had|got|can|will|would|there|in|at|on|of)\b|[?,.!;]|$)"
)
"""What "how many" asks about: the words after it, up to the verb."""
_POLAR = {
    "zh": re.compile(
        r"(?:吗|(?<!什)么|嘛|没有|没|不)[\s?？!！。.~～]*$|是不是|是否|有没有|对不对|对吗|对吧|是吧|了没|可不可以"
        r"|是[^，,。；;什啥哪谁几]{1,16}吧[\s?？!！。.~～]*$"
    ),
    "en": re.compile(
        r"^(?:and |so |but )?(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|isn't|aren't|"
        r"wasn't|didn't|doesn't)\b",
        re.IGNORECASE,
    ),
}
"""A yes/no question: 有2家吗, 是不是, 有没有; Is / Did / Has ... at the start."""
ALTERNATIVE = {"zh": re.compile(r"还是"), "en": re.compile(r"\bor\b")}
"""How an either-or question offers its choice (两次还是三次, two or three)."""
MORE_THAN_ZH = ("超过", "多于", "大于", "高于")
LESS_THAN_ZH = ("少于", "小于", "低于")
"""Verbs that say one thing is more or less than another (茶叶种植面积超过鲜果吗), as 比……多 does."""
_COMPARE = {
    "zh": re.compile(
        r"比(?P<other>.{1,12}?)(?:更|还)?(?P<way>多|少|大|小|高|低)|"
        rf"(?:{'|'.join(MORE_THAN_ZH + LESS_THAN_ZH)})(?=[\u4e00-\u9fff])"
    ),
    "en": re.compile(r"\b(?:more|less|fewer|bigger|larger|smaller) than\b"),
}

LEAD_IN_ENDS = ["请问", "想问", "想知道", "想了解", "想请教", "请教", "想确认", "确认", "打听", "问一下", "问问"]
"""Words with which a long message turns from its lead-in to the question (……，请问……)."""


@lru_cache(maxsize=1)
def lead_in_end() -> re.Pattern[str]:
    """`LEAD_IN_ENDS`, compiled."""
    return re.compile(f"(?:{'|'.join(LEAD_IN_ENDS)})(?:一下)?" if LEAD_IN_ENDS else r"(?!)")


_SELF = re.compile(r"^(?:我|本人|作为|咱|俺)")
"""A clause about the person asking (我是……, 作为……): no part of the question."""
_SENTENCES = {"zh": re.compile(r"(?<=[。！？!?\n；;])"), "en": re.compile(r"(?<=[.!?\n;])\s+")}
_CLAUSES = re.compile(r"(?<=[，,])")
_CUE = {
    "zh": re.compile(r"[?？]|吗|呢|么|嘛|多少|几|哪|谁|什么|怎|如何|为何|是否|有没有|是不是"),
    "en": re.compile(
        r"\?|\b(?:how|what|which|who|whom|whose|where|when|why|is|are|was|were|do|does|did|can|has|have)\b",
        re.IGNORECASE,
    ),
}
"""Whether a sentence or clause asks anything."""


@dataclass(frozen=True)
class Ask:
    """One thing a question asks for."""

    kind: AskedKind
    measure: str = ""
    """For a count: what it measures when the question says (money, duration, age, or the measure
    word's kind: people, things, times, area, weight...)."""
    unit: str = ""
    """For a count, the measure word asked with (期 in 几期, 斤 in 多少斤); for a place, its kind (镇)."""
    start: int = 0
    end: int = 0
    """Where the question words stand in `Asking.core`."""


@dataclass(frozen=True)
class Asking:
    """A question as read: where it is, what it asks, what it states."""

    question: str
    lang: Lang
    core: str
    """The question part, spoken forms written out, lead-in left aside: what is matched."""
    context: str = ""
    """The lead-in before the question part, if any."""
    shown: str = ""
    """The question part as the person wrote it, to quote back (文章没有说……)."""
    asks: tuple[Ask, ...] = ()
    polar: bool = False
    """A yes/no question: the reply leads with 是/不是 (yes/no)."""
    alternative: bool = False
    """An either-or question (两次还是三次): answered with the one the article gives."""
    compared: bool = False
    """A question comparing two things (茶叶比鲜果多吗)."""
    asserted: tuple[Value, ...] = field(default=())
    """Counts, dates and names the question states, to check against the article."""

    @property
    def naming(self) -> str:
        """The text a question's names are read in: the question part as matched in Chinese; in English
        as written, since a name is told by its capitals (Wuhan University), which `core` folds away."""
        return self.core if self.lang == "zh" else (self.shown or self.question)

    @property
    def kind(self) -> AskedKind:
        """The main kind asked: the first ask's, or "none" when only a topic is named."""
        return self.asks[0].kind if self.asks else "none"

    def noun(self, ask: Ask) -> str:
        """The words an ask asks by: what a count counts (多少个党小组, 党小组有多少; how many mentors)."""
        return self.noun_after(ask) or self.noun_before(ask)

    def noun_after(self, ask: Ask) -> str:
        """The words right after the question words (多少名导师: 导师; which companies: companies)."""
        rest = self.core[ask.end :]
        if self.lang == "en":
            after = _EN_NOUN.match(rest)
            words = after.group(1).strip() if after else ""
            return "" if re.match(r"(?:is|are|was|were|do|does|did|has|have|had)\b", words) else words
        rest = re.sub(r"^(?:多少|多大|几|有多少|是多少|哪些|哪几|什么|啥)+", "", rest)  # 都有哪些: no noun after
        after = re.match(r"[\u4e00-\u9fff]{1,8}?(?=[的了是有吗呢啊呀吧嘞哈在和与跟、：:；;，,？?。！!\s]|$)", rest)
        if not after or not after.group():
            # 多少名导师帮带新任村书记: no particle near, a verb goes on; the word opening it is what is counted
            return next((rest[:size] for size in (4, 3, 2) if common_word(rest[:size])), "")
        noun = after.group()
        following = rest[len(noun) : len(noun) + 1]
        if len(noun) > 1 and following and common_word(noun[-1] + following):
            noun = noun[:-1]  # 哪些企业参与了: 与 ends 参与, it joins nothing, and 参 is no part of the noun
        # 多少人口: 人 begins a word here, it does not count people; 多少名村干部: 名 counts them
        joined = ask.unit in ("人", "户", "名", "位") and _word(ask.unit + noun[:1])
        return (ask.unit + noun) if joined else noun

    def noun_before(self, ask: Ask) -> str:
        """The words right before the question words (党小组有多少: 党小组); empty in English."""
        if self.lang == "en":
            return ""
        before = re.sub(r"(?:有|是|的|一共|总共|合计|总计|共计|到底|共|又)+$", "", self.core[: ask.start])
        tail = re.search(r"[\u4e00-\u9fff\d]{1,10}$", before)
        return tail.group() if tail else ""

    def asks_for(self, *kinds: AskedKind) -> bool:
        """Whether any of the asks is of these kinds."""
        return any(ask.kind in kinds for ask in self.asks)


_STATED_ASKED = re.compile(r"^[^？?]{2,}[是有在][^？?]{2,}[？?]+\s*$")
"""A statement around 是, 有 or 在 that ends with a question mark, and asks nothing else."""


@lru_cache(maxsize=4096)
def analyse(question: str, lang: Lang) -> Asking:
    """Read a message: the question part, its asks, yes/no, the values it states."""
    text = spoken(fold(question)) if lang == "zh" else fold(question)
    core, context = question_part(text, lang)
    shown, _ = question_part(question.strip(), lang)
    asks = tuple(_asks(core, lang))
    polar = bool(_POLAR[lang].search(core.strip())) and not ALTERNATIVE[lang].search(core)
    if lang == "en" and asks and asks[0].start < 3:
        polar = False  # a wh- question: "What is ... ?"
    asserted = tuple(_asserted(core, lang, asks))
    if not polar and not asks and asserted and _ECHOED.match(core):
        polar = True
    if not polar and not asks and lang == "zh" and _STATED_ASKED.search(core):
        polar = True  # 丰山镇是全省产业融合发展示范乡镇？: a statement with a question mark asks whether it holds
    return Asking(
        question=question,
        lang=lang,
        core=core,
        context=context,
        shown=shown,
        asks=asks,
        polar=polar,
        alternative=bool(ALTERNATIVE[lang].search(core)) and bool(asserted),
        compared=bool(_COMPARE[lang].search(core)),
        asserted=asserted,
    )


def ask_spans(asking: Asking, text: str, kinds: Collection[str] = ()) -> list[tuple[int, int]]:
    """Where an asking's question words (of these kinds; all when none are named) stand in a text
    that writes the question otherwise than its `core` (folded, particles dropped, in a longer
    message): the first place each is written."""
    spans = []
    for ask in asking.asks:
        words = asking.core[ask.start : ask.end]
        start = text.find(words) if words and (not kinds or ask.kind in kinds) else -1
        if start >= 0:
            spans.append((start, start + len(words)))
    return spans


COMMON_WORD = 500
"""How often a pair of characters stands in the general dictionary to be taken for a word of its own
(人口 23,243, 户籍 618; 人参 347 and 名导 13 are rarer than the 人 and 名 that count)."""


def _word(pair: str) -> bool:
    """Whether two characters are a common word (人口), not a measure word and the next word's start."""
    return len(pair) == 2 and common_word(pair)


def common_word(word: str) -> bool:
    """Whether a word stands in the general dictionary as often as a word of its own does (人口, not 制带)."""
    return dictionary().listed(word, 0) >= COMMON_WORD


def spoken(text: str) -> str:
    """A message with its spoken and chat forms written as the written language has them (`SPOKEN`)."""
    for spoken, written in SPOKEN.items():
        text = text.replace(spoken, written)
    return text


def question_part(text: str, lang: Lang) -> tuple[str, str]:
    """The part of a message that asks, and the lead-in before it.

    The question is the last sentence that asks anything; within it, what follows the last
    asking verb (请问, 想了解), else its clauses from the first one not about the asker (我是……).
    """
    sentences = [s for s in _SENTENCES[lang].split(text) if s.strip()]
    if len(sentences) <= 1 and not lead_in_end().search(text) and not _SELF.match(text.strip()):
        return text.strip(), ""
    asking = [n for n, s in enumerate(sentences) if _CUE[lang].search(s)]
    last = asking[-1] if asking else len(sentences) - 1
    sentence = sentences[last]
    before = "".join(sentences[:last])
    # 需要几个数字：孝昌在村湾建了多少个……: what follows a colon is what is asked, when it asks
    head, colon, tail = sentence.rpartition("：" if "：" in sentence else ":")
    if colon and head.strip() and _CUE[lang].search(tail):
        before, sentence = before + head + colon, tail
    verbs = list(lead_in_end().finditer(sentence)) if lang == "zh" else []
    if verbs and sentence[verbs[-1].end() :].strip(" ，,：:一下"):
        cut = verbs[-1].end()
        # 请问一下哈 浙江大学……: a particle after the asking verb is still the lead-in's
        asked = re.sub(r"^[\s，,：:]*[哈啊呀嗯哦噢喔嘛]*", "", sentence[cut:])
        return asked.strip(" ，,：:"), before + sentence[: verbs[-1].start()]
    clauses = _CLAUSES.split(sentence)
    first = 0
    while first < len(clauses) - 1 and _SELF.match(clauses[first].strip()) and not _CUE[lang].search(clauses[first]):
        first += 1
    return "".join(clauses[first:]).strip(), before + "".join(clauses[:first])


def _asks(core: str, lang: Lang) -> list[Ask]:
    """The asks of a question, in the order they stand; one per kind and place."""
    found: list[Ask] = []
    taken: list[tuple[int, int]] = []
    for kind, measure, pattern in asks_table(lang):
        for match in pattern.finditer(core):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            groups = match.groupdict()
            unit = groups.get("unit") or groups.get("unit2") or groups.get("unit3") or ""  # 好多亩: spoken 多少亩
            measured = MEASURES.get(unit, "things") if kind == "count" and not measure and unit else measure
            if kind == "count" and not measured and _money_near(core, match.start(), match.end(), lang):
                measured = "money"
            found.append(Ask(kind, measured, unit or groups.get("place") or "", match.start(), match.end()))
            taken.append(match.span())
    found.sort(key=lambda ask: ask.start)
    # 推进进村湾的几项工作里，跟文明有关的是哪一项: "among the several tasks" sets the scene for the ask after it
    found = [
        ask
        for n, ask in enumerate(found)
        if not (lang == "zh" and ask.kind == "count" and n + 1 < len(found) and _AMONG.match(core, ask.end))
    ]
    return _merge(found, core, lang)


_AMONG = re.compile(r"[\u4e00-\u9fff]{0,6}?(?:里|中|当中|之中|里面)[，,]")
"""After 几项, 多少个: a noun and 里/中 before a comma, as in 几项工作里，: where the next ask looks, not a
count asked."""


def _money_near(core: str, start: int, end: int, lang: Lang) -> bool:
    """Whether the words a "how much" asks by, in its clause, are of money (收入多少, how much income)."""
    clause = (
        re.split(r"[，,；;。？?！!]", core[:start])[-1] + core[start:end] + re.split(r"[，,；;。？?！!]", core[end:])[0]
    )
    return bool(MONEY_NOUNS[lang].search(clause))


PRIORITY: tuple[AskedKind, ...] = ("when", "count", "name", "person", "place", "which", "why", "how", "what")
"""Of several question words in one clause, the one that says what is asked: 几点几分 asks when, 多少个……
是什么 how many, 都有谁 who, 吹哨报到是怎么回事 吹什么哨 how."""
_CLAUSE_BREAK = {"zh": re.compile(r"[，,；;]"), "en": re.compile(r"[,;]|\band\b|\?")}


def _merge(asks: list[Ask], core: str, lang: Lang) -> list[Ask]:
    """One ask per clause: the most telling of its question words (`PRIORITY`), a count with its
    measure word before one without."""
    groups: list[list[Ask]] = []
    for ask in asks:
        if groups and not _CLAUSE_BREAK[lang].search(core[groups[-1][-1].end : ask.start]):
            groups[-1].append(ask)
        else:
            groups.append([ask])
    kept: list[Ask] = []
    for group in groups:
        best = min(group, key=lambda ask: (PRIORITY.index(ask.kind), not ask.unit, not ask.measure))
        if best.kind == "count" and not best.measure:
            measured = [ask for ask in group if ask.kind == "count" and ask.measure]
            best = measured[0] if measured else best
        kept.append(best)
    return kept


_QUOTED_NAME = re.compile(r"“[^”]{2,30}”|「[^」]{2,30}」|\"[^\"]{2,40}\"|(?<![A-Za-z])'[^']{2,40}'(?![A-Za-z])")
"""A name a question quotes: a count inside it is part of the name."""
_JUST = re.compile(r"(?:只有|只|就|仅有|仅|才|just|only)\s*$", re.IGNORECASE)
"""就一家, 只有一个, only one: the one stated is a figure, not an article."""
_ECHOED = re.compile(r"^\W*(?:就|只有|只|才|仅|一共|总共|共)?[^?？]{0,18}(?:[?？]+|吧[?？]*)\W*$")
"""就一家？, 10年？, 太子米种了超过30万亩了？, 不到40万亩吧: a short message that states a figure and asks
nothing else is asking whether it holds."""


def _asserted(core: str, lang: Lang, asks: tuple[Ask, ...]) -> list[Value]:
    """The counts and dates a question states (not the 几/多少 it asks with); names are found by
    the facts, which know the article's (`bot.core.facts`)."""
    found = [value for value in dates(core, lang) if value.kind == "date"]
    quoted = [match.span() for match in _QUOTED_NAME.finditer(core)]
    for value in counts(core, lang):
        if any(value.start < ask.end and ask.start < value.end for ask in asks):
            continue
        if any(start < value.start and value.end < end for start, end in quoted):
            continue  # 'four things work method', “十分钟服务承诺”: a name, not a figure stated
        if value.number == 1 and not value.plus and not _JUST.search(core[: value.start]):
            continue  # 一个, 一斤, 一年: an article or a rate (每亩一年), not a figure stated; 就一家 is one
        if not any(d.start <= value.start < d.end for d in found):
            found.append(value)
    return sorted(found, key=lambda value: value.start)
