"""Answering from the whole article: the names of one kind it gives across its measures.

文章里提到了哪些大学, "Which towns does the article mention?", 文中点名的人有谁: no one measure
answers these, and the matcher alone declines them or asks which measure was meant. The facts
know every name the article gives, with its kind (a person, a place, an organisation) and its
ending (大学, 镇, 村, 社区; university, town, village), so the question is answered with all the
names of the kind asked, each with the measure it stands in, counted when a how-many asks. A
question is taken to be about the whole article only when it points at the article (文章, 提到,
mention) or sets aside names of the article's (除了周巷镇, 还有哪个镇: those are left out), and nothing
is left of it once the kind asked, the question words and those words are taken away:
孝昌县哪些镇的GDP最高 is not, nor is 都有谁 right after an answer. Imports nothing from `telegram`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.answers import excluding
from bot.core.asking import Asking
from bot.core.facts import Facts
from bot.core.values import Value
from bot.faq.knowledge import Entry, ItemList
from bot.language import Lang


@dataclass(frozen=True)
class Kind:
    """A kind of name a question may gather, how it is asked for, and which values are of it."""

    zh: str
    """The kind in a list's name: 文章提到的大学."""
    en: str
    asked_zh: tuple[str, ...]
    """Words that ask for it in Chinese, as the noun after 哪些 or before 有哪些 ends."""
    asked_en: tuple[str, ...]
    value: str
    """The kind of value it is: a person, a place or an organisation."""
    ending_zh: tuple[str, ...] = ()
    ending_en: tuple[str, ...] = ()
    """How its names end (王店镇, Wangdian town); any name of the kind of value when empty."""

    def holds(self, value: Value, lang: Lang) -> bool:
        """Whether a value of the article is a name of this kind."""
        if value.kind != self.value:
            return False
        if lang == "zh":
            return not self.ending_zh or value.text.endswith(self.ending_zh)
        # Huazhong University of Science and Technology: the kind's word stands inside the name
        return not self.ending_en or any(word in self.ending_en for word in value.text.lower().split())


KINDS = (
    Kind("大学", "universities", ("大学", "高校", "学校", "院校", "名校"),
         ("universities", "university", "colleges", "schools"), "org", ("大学",), ("university",)),
    Kind("镇", "towns", ("乡镇", "镇"), ("towns", "town", "townships"), "place", ("镇", "乡"), ("town", "township")),
    Kind("村（社区）", "villages and communities", ("村子", "村庄", "村", "社区"),
         ("villages", "village", "communities", "community"), "place", ("村", "社区"), ("village", "community")),
    Kind("地方", "places", ("地方", "城市", "地区", "地名"), ("places", "place", "cities", "city"), "place"),
    Kind("人", "people", ("人名", "人物", "人"), ("people", "persons", "person"), "person"),
)  # fmt: skip
"""The kinds of names a question may gather, most particular first."""

POINTING_ZH = re.compile(
    r"这篇|文章|报道|本文|全文|原文|文中|新闻|里面|里头|里边|当中|之中|提到|提及|提过|出现|说到|讲到|写到|涉及|点名|点到|"
    r"哪些|哪几|哪个|一共|总共|所有|分别|名字|姓名|多少|都|有|了|的|过|哪|几|什么|啥|谁|叫|是|个|所|位|家|些|请问|你好|"
    r"呢|吗|啊|呀|吧|嘛|中|里|共|被|在|和|与|还|孝昌县|孝昌|县"
)
"""What a Chinese question gathering names may hold besides the kind asked: question words and words
pointing at the article."""
POINTING_EN = frozenset((
    "which", "what", "who", "whose", "are", "is", "were", "was", "the", "a", "an", "article", "report", "story",
    "text", "piece", "mention", "mentions", "mentioned", "name", "names", "named", "does", "did", "do", "in", "it",
    "of", "all", "any", "there", "listed", "list", "appear", "appears", "by", "xiaochang", "county", "this",
    "please", "tell", "me", "can", "you", "give", "say", "says", "talk", "talks", "about", "refer", "refers",
    "referred", "to", "and", "or", "other", "cited", "cite", "cites", "featured", "feature", "features",
    "how", "many", "number",
))  # fmt: skip
"""English words a question gathering names may hold besides the kind asked."""


def gather(asking: Asking, facts: Facts, lang: Lang) -> tuple[ItemList, tuple[Entry, ...]] | None:
    """The names of the kind a question about the whole article asks for, as a list with the measure
    each stands in, and the entries holding them, most names first; None for any other question."""
    if not asking.asks or asking.polar or asking.kind not in ("which", "person", "place", "name", "what", "count"):
        return None
    if any(value.kind == "count" for value in asking.asserted):
        return None  # 除了冯山社区，另外两个是哪些村: two of a set the article counts, not any others
    # 除了周巷镇，还有哪些镇: the names a question sets aside are left out of what it gathers
    named = [name.text for name in facts.named_in(asking.core, lang)] if excluding(asking) else []
    kind = _kind_asked(asking, lang, named)
    if kind is None:
        return None
    found: dict[str, Entry] = {}
    generic = {word.lower() for word in facts.knowledge.generic(lang)}
    for fact in facts.all(lang):
        if named and kind.value == "person" and not any(name in fact.text for name in named):
            continue  # 除了沈腾，还有哪些人: the others named with him, not the article's editors
        for value in fact.values:
            if (
                kind.holds(value, lang)
                and value.text not in found
                and value.text not in named
                and not _the_articles_own(value, generic)
            ):
                found[value.text] = fact.entry
    if len(found) < 2:
        return None
    entries: dict[str, tuple[Entry, int]] = {}
    for entry in found.values():
        entries[entry.id] = (entry, entries.get(entry.id, (entry, 0))[1] + 1)
    if lang == "zh":
        items = tuple(f"{name}（{entry.title}）" for name, entry in found.items())
    else:
        items = tuple(f"{name} ({entry.en.title})" for name, entry in found.items())
    other_zh, other_en = ("其他", "other ") if named else ("", "")
    # 文章里一共提到了几所大学: how many leads, then which
    many_zh = f"（{len(found)}{asking.asks[0].unit or '个'}）" if asking.kind == "count" else ""
    many_en = f" ({len(found)})" if asking.kind == "count" else ""
    listed = ItemList(
        name=f"文章提到的{other_zh}{kind.zh}{many_zh}", items=items if lang == "zh" else (),
        en_name=f"the {other_en}{kind.en} the article names{many_en}", en_items=items if lang == "en" else (),
    )  # fmt: skip
    ranked = tuple(entry for entry, _ in sorted(entries.values(), key=lambda pair: -pair[1]))
    return listed, ranked


ARTICLE_ZH = re.compile(r"文章|报道|本文|全文|原文|文中|新闻|提到|提及|提过|出现|说到|讲到|写到|涉及|点名|点到")
ARTICLE_EN = re.compile(
    r"\b(?:article|report|story|text|piece|mention|mentions|mentioned|named|appear|appears|cited|cites)\b"
)
"""Words that point at the article as a whole: a question gathering names must have one (or set aside a
name of the article's), for 都有谁 or 哪个镇的 right after an answer asks about what was just answered."""
EXCLUDING_ZH = re.compile(r"除了|除去|以外|之外|另外|其他|其它|其余|别的|还有|还")
EXCLUDING_EN = re.compile(r"\b(?:besides|apart from|other than|except|else|other|others|also)\b")
"""The words that set names aside (除了……以外, besides), taken out with the names themselves."""


def _kind_asked(asking: Asking, lang: Lang, named: list[str]) -> Kind | None:
    """The kind of names asked for, when the question points at the article, or sets aside names of
    the article's (`named`), and all it holds besides is asking and pointing."""
    core = asking.core.lower()
    for name in sorted(named, key=len, reverse=True):
        core = core.replace(name.lower(), " ")
    if not named and not (ARTICLE_ZH if lang == "zh" else ARTICLE_EN).search(core):
        return None
    core = (EXCLUDING_ZH if lang == "zh" else EXCLUDING_EN).sub(" ", core)
    for kind in KINDS:
        words = kind.asked_zh if lang == "zh" else kind.asked_en
        if lang == "zh":
            found = next((w for w in words if w in core), None)
            if found is None and not (kind.zh == "人" and asking.kind == "person"):
                continue
            rest = core.replace(found, " ") if found else core
            if not re.sub(r"[^\u4e00-\u9fff]", "", POINTING_ZH.sub("", rest)):
                return kind
        else:
            tokens = re.findall(r"[a-z']+", core)
            if not (set(tokens) & set(words)) and not (kind.zh == "人" and asking.kind == "person"):
                continue
            if all(t in POINTING_EN or t in words for t in tokens):
                return kind
    return None


def _the_articles_own(value: Value, generic: set[str]) -> bool:
    """The county the article is about (a word the FAQ calls generic: 孝昌县) is no place it mentions."""
    return value.text.lower() in generic or value.text.lower().split()[0] in generic
