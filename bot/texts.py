"""Every sentence the bot says that is not from the FAQ, in Chinese and English side by side.

Facts about the article (its title, date, source, the bot's name, example questions) are
not here: they come from the FAQ's `article:` block and fill the `{placeholders}`. Texts
are plain; the Telegram side escapes them for HTML, except those whose key ends in
`_html`, which it sends as they are (their placeholders are escaped when filled).
Imports nothing from `telegram`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.language import Lang

TEXTS: Mapping[str, Mapping[Lang, str]] = {
    # -- replies of the core
    "decline": {
        "zh": "抱歉，这篇报道里没有讲到这个。我只了解《{title}》（{date}）。",
        "en": 'Sorry, the article does not say. I only know one report: "{title}" ({date}).',
    },
    "empty": {
        "zh": "请用一句话提问，例如：{example}",
        "en": "Please ask a question in words, for example: {example}",
    },
    "try": {"zh": "可以试试问：", "en": "You could ask:"},
    "ask_back": {"zh": "您想问的是哪一项？", "en": "Which of these did you mean?"},
    "ask_broad": {
        "zh": "文章好几处都讲到了这个，您想了解哪一项？",
        "en": "The article speaks of this in several places. Which one would you like?",
    },
    "ask_hint": {"zh": "回复序号，或换个说法再问。", "en": "Reply with a number, or ask another way."},
    "unexplained_term": {
        "zh": "文章提到了“{term}”，但没有解释它具体是什么。原文（{title}）：",
        "en": 'The article names "{term}" but does not explain it. What it says ({title}):',
    },
    "unexplained_detail": {
        "zh": "文章没有提到{detail}。相关原文（{title}）：",
        "en": "The article does not give {detail}. What it says ({title}):",
    },
    "the_number": {"zh": "这个数字", "en": "that number"},
    "the_word": {"zh": "“{word}”", "en": '"{word}"'},
    "partial": {"zh": "等", "en": "among others"},
    "list_count": {"zh": "（{count}项）", "en": " ({count})"},
    # -- small talk
    "talk_hello": {
        "zh": "你好！我是{bot}，可以回答关于《{title}》这篇报道的问题。想了解什么？",
        "en": 'Hello! I\'m the {bot}: ask me about the report "{title}". What would you like to know?',
    },
    "talk_thanks": {
        "zh": "不客气！还有问题随时问我。",
        "en": "You're welcome! Ask me anything else about the article.",
    },
    "talk_bye": {"zh": "再见！", "en": "Goodbye!"},
    "talk_who": {
        "zh": "我是{bot}，一个问答机器人，只了解一篇报道：《{title}》（{date}，{source}），讲的是{scope}。",
        "en": (
            'I\'m the {bot}, a question-answering bot that knows one report: "{title}" ({date}, {source}), on {scope}.'
        ),
    },
    "talk_help": {
        "zh": "用自己的话提问就行，中文英文都可以，打错字、只发关键词或数字也没关系。比如：",
        "en": "Just ask in your own words, in English or Chinese; keywords or a figure alone work too. For example:",
    },
    "talk_praise": {"zh": "谢谢夸奖！还想了解什么？", "en": "Thank you! What else would you like to know?"},
    "talk_ack": {"zh": "好的。还有问题随时问我。", "en": "OK. Ask me anything else about the article."},
    "talk_laugh": {"zh": "😄 还想了解什么？", "en": "😄 Anything else you would like to know?"},
    # -- the console
    "console_greeting": {
        "zh": "{bot}：有关《{title}》的问题请直接输入（/quit 或 Ctrl-D 退出）。例如：{example}",
        "en": '{bot}: type a question about "{title}" (/quit or Ctrl-D to leave). For example: {example}',
    },
}


def say(key: str, lang: Lang, **fields: Any) -> str:
    """A text in one language with its placeholders filled."""
    return TEXTS[key][lang].format(**fields)


def day(published: date, lang: Lang) -> str:
    """A date as a reader of that language writes it: 2022年11月16日, 16 November 2022."""
    if lang == "zh":
        return f"{published.year}年{published.month}月{published.day}日"
    return f"{published.day} {published:%B} {published.year}"
