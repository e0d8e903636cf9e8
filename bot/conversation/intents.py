"""Reading a message that is about the last answer rather than a question: "more", "wrong", "thanks".

Right after an answer people say 详细点, 能说详细点吗, tell me more (the full text, please),
不对, 不是这个意思, wrong answer (the other candidates, please), or 懂了，谢谢 (you're welcome).
A message is read so only when all of it is such a cue plus words that carry no subject of
their own (a handful of function characters and talking verbs); anything that names a thing,
such as 详细说说党小组 or 不是875个吗, is a question and goes to the matcher, unless it opens by
rejecting the answer and names the thing only to say it was not what was asked (不对，我问的不是
面积), or asks for more and names only the measure just answered (外学这块还有别的吗 after the
Zhejiang course: the conversation passes the measure's names). Imports nothing from `telegram`.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Literal

from bot.core.normalise import fold

Intent = Literal["more", "wrong", "thanks"]

CUES: dict[Intent, tuple[str, ...]] = {
    "wrong": (
        "不对", "不是", "(?<!不)错", "答非所问", "不相关", "没答", "没回答", "跑题", "离题", "不准确", "不正确", "误解",
        "没懂", "没明白", "没理解", "理解错", "误会", "不沾边", "牛头不对马嘴", "驴唇不对马嘴",
        "wrong", "incorrect", "not correct", "not what", "isn't what", "wasn't what", "not it", "not right",
        "not quite", "not the", "isn't it", "nope", "no", "irrelevant", "mistaken", "misunderstood", "misunderstand",
        "off topic", "doesn't answer", "does not answer", "didn't answer", "did not answer", "not looking for",
    ),
    "more": (
        "详细", "详情", "细", "具体", "展开", "多说", "多讲", "多介绍", "再说", "继续", "接着", "然后", "还有",
        "全文", "原文", "完整", "全部", "更多", "别的", "其他", "其它", "都说", "说一下",
        "more", "detail", "details", "detailed", "elaborate", "expand", "full", "continue", "go on", "keep going",
        "and then", "else", "further", "whole", "longer", "everything",
    ),
    "thanks": ("谢", "感谢", "帮大忙", "帮了大忙", "帮了我大忙", "thank", "thanks", "thx", "ty", "cheers", "appreciate",
               "appreciated", "helpful"),
}  # fmt: skip
"""What each kind of message says, as patterns over the folded message; the first kind found wins
(不错, "not bad", is praise: no cue)."""

QUIET_ZH = frozenset(
    "说讲再一点些下可以能请吗呢吧啊哈呀了的得地我你您问这那个意思给多还有什么是看内容回答介绍告诉嗯哦噢喔好懂明白知道"
    "收到行啦嘛就都很太非常呗清楚儿他她它们吧就要想把其实刚才解完全也根本样像理怎做发案到子上搞节些误"
    "别其块段落写"
)
"""Characters that may stand beside a cue without making the message a question: they name nothing."""
QUIET_EN = frozenset((
    "tell", "me", "please", "can", "could", "would", "you", "a", "bit", "little", "the", "give", "show", "about",
    "it", "that", "this", "some", "answer", "is", "was", "i", "my", "that's", "thats", "what", "asked", "ask",
    "for", "meant", "mean", "ok", "okay", "got", "so", "much", "very", "lot", "on", "text", "of", "and", "but",
    "not", "wanted", "want", "to", "know", "see", "read", "say", "said", "one", "your", "just", "more", "really",
    "all", "oh", "ah", "great", "good", "nice", "hmm", "well", "there", "here", "be", "again", "sorry", "yes",
    "think", "don't", "dont", "do", "does", "question", "info", "information", "explain", "way", "u", "pls",
    "something", "else", "in", "paragraph", "quite", "completely", "totally", "still", "at", "actually", "i'm",
    "im", "we", "looking", "passage", "section", "part", "rest", "other", "others", "anything",
))  # fmt: skip
"""English words that may stand beside a cue without making the message a question."""

OPENING_WRONG = re.compile(
    r"^(?:不对|不是这个|不是这样|错了|答错了|搞错了|wrong|no[,.!]|nope|that's not it|that is not it|not that)"
)
"""How a message opens when it rejects the last answer outright (不对，……, "wrong, ...")."""
ASKED_OTHER = re.compile(
    r"我问的不是|我不是问|不是问|没问|另(?:外)?(?:一|1)个|别的|其他的|其它的|"
    r"\bi (?:didn't|did not|wasn't|was not) ask|\bnot asking\b|\b(?:another|the other|a different)\b"
)
"""What such a message goes on to say when it names what was not asked, or asks for another one
(不对，我问的不是面积; 不是这个，我问的是另一个村; wrong, I didn't ask about the area)."""

ABOUT_IT_ZH = ("办法", "做法", "措施", "举措", "方法", "机制", "制度", "内容", "情况", "部分", "方面", "事情", "事儿")
"""Nouns that stand for the measure just answered beside a request for more (详细说说这个办法, 这块的情况)."""
SOME_CUES = frozenset(("还有", "然后", "接着", "继续", "再说", "else", "and then", "further"))
"""Cues for more that also open a question about something else (还有茶叶呢): beside them, only the
measure's own names are no subject; beside any other (详细, 别的, 全部) its keywords are none either."""

MAX_CHARS = 40
"""Longer messages are questions, whatever they hold."""

_WORD = re.compile(r"[a-z']+|[\u3400-\u9fff]|\d+")


def intent(text: str, names: Collection[str] = (), words: Collection[str] = (), told: str = "") -> Intent | None:
    """What a whole message says about the last answer, or None when it is (or holds) a question.

    `names` are the names of the measure just answered (its title and the words it is called by,
    folded): beside a request for more they name nothing new (外学这块还有别的吗); `words` are its
    other keywords, and `told` its full text (folded), whose words name nothing new beside a cue that
    asks only for more (外出学习还有别的吗, 这个组织体系还有别的内容吗)."""
    folded = fold(text).strip()
    if not folded or len(folded) > MAX_CHARS:
        return None
    if OPENING_WRONG.match(folded) and ASKED_OTHER.search(folded):
        return "wrong"  # it names a thing, but only to say it was not what was asked
    for kind, cues in CUES.items():
        rest = folded
        found = False
        only_some = True
        for cue in sorted(cues, key=len, reverse=True):
            pattern = cue if not cue.isascii() else rf"\b{re.escape(cue)}\b"
            rest, count = re.subn(pattern, " ", rest)
            found = found or count > 0
            only_some = only_some and (not count or cue in SOME_CUES)
        if found and kind == "more":
            rest = _unnamed(rest, (*names, *ABOUT_IT_ZH, *(() if only_some else words)))
            rest = rest if only_some else _untold(rest, told)
        if found and all(_quiet(word) for word in _WORD.findall(rest)):
            return kind
    return None


def _unnamed(rest: str, names: Collection[str]) -> str:
    """The message without the names of the measure just answered, longest first."""
    for name in sorted(names, key=len, reverse=True):
        if len(name) < 2:
            continue
        pattern = re.escape(name) if not name.isascii() else rf"\b{re.escape(name)}\b"
        rest = re.sub(pattern, " ", rest)
    return rest


def _untold(rest: str, told: str) -> str:
    """The message without the runs of two Chinese characters or more that stand in `told`, longest first."""
    if not told:
        return rest
    kept = []
    at = 0
    while at < len(rest):
        end = next((end for end in range(len(rest), at + 1, -1) if _is_han(rest[at:end]) and rest[at:end] in told), 0)
        kept.append(" " if end else rest[at])
        at = end or at + 1
    return "".join(kept)


def _is_han(text: str) -> bool:
    return all("\u3400" <= ch <= "\u9fff" for ch in text)


def _quiet(word: str) -> bool:
    if _is_han(word):
        return word in QUIET_ZH
    return word in QUIET_EN
