"""Small talk: greetings, thanks, goodbyes, "ok", and questions about the bot itself.

A message is small talk when all of it is made of such phrases (明白了，谢谢; OK thanks;
你是机器人吗), with particles, punctuation and a few filler words allowed between them.
Anything more, and it is a question for the matcher: 你好，党小组有多少个 is a question.
Decided here, once, for the console and Telegram alike. Imports nothing from `telegram`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from bot.core.asking import spoken
from bot.core.normalise import fold

Talk = Literal["hello", "thanks", "bye", "who", "help", "praise", "ack", "laugh"]

PHRASES: dict[Talk, tuple[str, ...]] = {
    "hello": (
        "你好", "您好", "你们好", "大家好", "嗨", "哈喽", "哈罗", "早上好", "上午好", "中午好", "下午好", "晚上好",
        "早", "早安", "在吗", "在不在", "有人吗", "你好吗", "你怎么样", "你今天怎么样", "最近怎么样", "hello", "hi",
        "hey", "hiya", "howdy", "good morning", "how are you", "how are you doing", "how's it going",
        "good afternoon", "good evening", "morning", "yo", "greetings",
        "开始", "start", "get started",  # /start typed where it is no command: the console, the page, WeChat
    ),
    "thanks": (
        "谢谢", "谢了", "谢啦", "多谢", "感谢", "非常感谢", "太感谢了", "辛苦了", "辛苦", "thanks", "thank you",
        "thank u", "thx", "ty", "many thanks", "much appreciated", "appreciate it", "cheers", "that helps",
        "very helpful", "helpful",
    ),
    "bye": (
        "再见", "拜拜", "拜", "回头见", "下次见", "晚安", "bye", "goodbye", "bye bye", "see you", "see ya",
        "good night", "later", "bye for now", "see you later", "talk later", "talk to you later",
    ),
    "who": (
        "你是谁", "您是谁", "你是什么", "你是机器人吗", "你是机器人", "你是人工智能吗", "你是ai吗", "你是真人吗",
        "你是人吗", "你叫什么", "你叫什么名字", "你的名字", "你是哪位", "who are you", "what are you",
        "are you a bot", "are you a robot", "are you human", "are you real", "are you ai", "what is your name",
        "who am i talking to", "who is this", "你是真人还是机器人", "真人还是机器人",
        "what's your name", "your name", "谁开发的你", "谁做的你", "谁开发了你", "谁做了你", "谁创造了你",
        "who made you", "who built you", "who created you", "who developed you",
    ),
    "help": (
        "你能做什么", "你能干什么", "你会什么", "你会干什么", "你会做什么", "你能回答什么", "你会回答什么",
        "你能回答哪些问题", "你会回答哪些问题", "你能回答什么问题", "你会回答什么问题", "能回答什么", "能回答哪些问题",
        "能回答什么问题", "能做什么", "能干什么", "能帮我做什么", "你能帮我什么", "能帮我什么", "怎么用", "怎么用你",
        "如何使用", "怎么使用", "怎么问", "怎么提问", "问什么", "能问什么", "可以问什么", "你有什么用", "帮助",
        "使用说明", "what can you do", "what do you do", "how do i use this", "how do i use this bot",
        "how do i use you", "how does this work", "help", "what can i ask", "what do you know",
        # what it answers about, and in which languages (the reply says: Chinese or English)
        "你能回答哪些方面的问题", "你知道什么", "你都知道些什么", "你会说英语吗", "能说英语吗", "可以用英语问吗",
        "can you speak english", "do you speak english", "what can you answer", "what questions can you answer",
    ),
    "praise": (
        "你真棒", "真棒", "太棒了", "好棒", "厉害", "你好厉害", "真厉害", "牛", "不错", "很好", "好用", "真好", "666",
        "good job", "well done", "good bot", "awesome", "amazing", "excellent", "brilliant", "you are great",
        "you're great",
    ),
    "ack": (
        "好的", "好", "好滴", "好哒", "好嘞", "嗯", "嗯嗯", "哦", "噢", "喔", "知道了", "明白了", "明白", "了解了",
        "了解", "懂了", "收到", "行", "行吧", "可以", "没问题", "原来如此", "这样啊", "是这样", "ok", "okay", "k",
        "kk", "got it", "i see", "understood", "alright", "all right", "sure", "fine", "noted", "makes sense",
        "cool", "great", "nice", "perfect", "👍", "👌",
    ),
    "laugh": ("哈哈", "哈哈哈", "呵呵", "嘿嘿", "嘻嘻", "lol", "haha", "hahaha", "hehe", "😂", "🤣", "😄"),
}  # fmt: skip
"""Whole phrases of each kind, written folded (lower case, simplified)."""

PRIORITY: tuple[Talk, ...] = ("thanks", "bye", "who", "help", "hello", "praise", "ack", "laugh")
"""Which kind a message of several is answered as: 明白了，谢谢 is thanks."""

FILLERS = frozenset((
    "啊", "呀", "呢", "吧", "啦", "嘛", "哟", "了", "的", "噢", "嘞", "滴", "哒", "哇", "呐", "你", "您", "大家", "都",
    "还", "so", "much", "very", "a", "lot", "again", "there", "bot", "dear", "for", "the", "your", "you", "u", "all",
    "guys", "man", "friend", "really", "just", "oh", "ah", "well", "please", "请问", "小助手", "助手", "机器人", "🙏",
    "😊", "🙂", "❤",
))  # fmt: skip
"""Words that may stand between the phrases without making the message a question."""

_TOKEN = re.compile(r"[\u3400-\u9fff]|[a-z0-9']+|[\U0001F300-\U0001FAFF\u2764]")


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(spoken(fold(text))))  # 你能干啥 as 你能干什么


@lru_cache(maxsize=1)
def _phrases() -> dict[tuple[str, ...], Talk]:
    return {_tokens(phrase): kind for kind, phrases in PHRASES.items() for phrase in phrases}


@lru_cache(maxsize=1)
def _longest() -> int:
    """The most tokens a phrase or a filler has: the widest piece of a message worth looking up."""
    return max(len(piece) for piece in (*_phrases(), *_fillers()))


@lru_cache(maxsize=1)
def _fillers() -> frozenset[tuple[str, ...]]:
    """The fillers as tokens: 大家 and 小助手 are several."""
    return frozenset(_tokens(filler) for filler in FILLERS)


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    """Every token a phrase or a filler is made of: a message with any other is no small talk."""
    return frozenset(token for phrase in (*_phrases(), *_fillers()) for token in phrase)


def small_talk(text: str) -> Talk | None:
    """The kind of small talk a whole message is, or None when it is (or holds) a question."""
    tokens = _tokens(text)
    if not tokens or len(tokens) > 16 or not _vocabulary().issuperset(tokens):
        return None
    phrases, fillers = _phrases(), _fillers()
    longest = _longest()
    # best[i]: the reading of tokens[:i] as phrases and fillers with the fewest fillers, then the
    # fewest (so longest) phrases, as (fillers, phrases, kinds); None if there is none.
    # 你好 is a greeting, not 你 and 好; 你好厉害 is praise, not 你好 and 厉害.
    best: list[tuple[int, int, frozenset[Talk]] | None] = [(0, 0, frozenset())] + [None] * len(tokens)
    for end in range(1, len(tokens) + 1):
        options: list[tuple[int, int, frozenset[Talk]]] = []
        for size in range(1, min(longest, end) + 1):
            piece, start = tokens[end - size : end], best[end - size]
            if start is None:
                continue
            if piece in fillers:
                options.append((start[0] + 1, start[1], start[2]))
            kind = phrases.get(piece)
            if kind is not None:
                options.append((start[0], start[1] + 1, start[2] | {kind}))
        if options:
            best[end] = min(options, key=lambda option: option[:2])
    found = best[-1]
    if found is None or not found[2]:
        return None
    return next(kind for kind in PRIORITY if kind in found[2])
