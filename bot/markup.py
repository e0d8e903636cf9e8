"""Rendering replies for Telegram: HTML text with every piece escaped, and inline keyboards.

Callback data stays under Telegram's 64 bytes: `e|<entry>|<lang>` sends an entry as a new
message, `d|<entry>|<lang>` turns a "did you mean" message into that answer, `f|<entry>|<lang>`
expands an answer into the entry's full text, `m|<entry>|<lang>` opens an entry inside the
topic menu, `l|<line>|<lang>` a line of work, `t|<lang>` the topic menu, and
`v|<+ or ->|<entry>` is a vote.
No matching happens here.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.knowledge import KnowledgeBase
from bot.language import Lang
from bot.reply import Option, Reply, title_of

MAX_MESSAGE = 4096
MAX_BUTTON_TEXT = 60

TOPICS_TEXT = {
    "zh": "<b>文章目录</b>：孝昌县“四化”并举抓基层党建，四个方面、十二项举措。请选择：",
    "en": "<b>Topics</b>: Xiaochang's four lines of work and twelve measures. Pick one:",
}
BACK = {"zh": "« 返回", "en": "« Back"}
FULL_TEXT = {"zh": "📄 全文", "en": "📄 Full text"}
ALL_TOPICS = {"zh": "📚 全部话题", "en": "📚 All topics"}
OVERVIEW = {"zh": "概述", "en": "Overview"}
VOTE_UP, VOTE_DOWN = "👍", "👎"


@dataclass(frozen=True)
class Rendered:
    """A message ready to send: HTML text and its keyboard."""

    text: str
    keyboard: InlineKeyboardMarkup | None


def _button(text: str, data: str) -> InlineKeyboardButton:
    short = text if len(text) <= MAX_BUTTON_TEXT else text[: MAX_BUTTON_TEXT - 1] + "…"
    return InlineKeyboardButton(short, callback_data=data)


def _fit(text: str) -> str:
    """Telegram refuses messages over 4096 characters; no reply should come near, but never exceed it."""
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def reply_html(reply: Reply) -> str:
    """A reply as Telegram HTML."""
    if reply.kind == "answer":
        heading = f"<b>{escape(reply.title)}</b>"
        if reply.line:
            heading += f" · <i>{escape(reply.line)}</i>"
        parts = [heading]
        parts += [f"▶ <b>{escape(lead)}</b>" for lead in reply.lead]
        if reply.text:
            parts.append(escape(reply.text))
        return _fit("\n\n".join(parts))
    lines = [escape(reply.text)]
    if reply.quote:
        lines.append(f"<i>{escape(reply.quote)}</i>")
    if reply.kind == "decline" and reply.options:
        lines.append(escape(reply.prompt))
    if reply.kind == "ask-back":
        lines.append(escape(reply.prompt))
    lines += [f"· {escape(example)}" for example in reply.examples]
    return _fit("\n".join(lines))


def option_rows(options: tuple[Option, ...], lang: Lang) -> list[list[InlineKeyboardButton]]:
    """One button per offered entry; pressing one turns the message into that answer."""
    return [[_button(option.title, f"d|{option.id}|{lang}")] for option in options]


def answer_keyboard(knowledge: KnowledgeBase, reply: Reply, *, in_menu: bool = False) -> InlineKeyboardMarkup:
    """Under an answer: the related measures, the topic menu (or, inside it, the way back), and 👍/👎."""
    lang = reply.lang
    entry = knowledge.by_id.get(reply.entry_id or "")
    rows: list[list[InlineKeyboardButton]] = []
    if reply.more and entry is not None:
        rows.append([_button(FULL_TEXT[lang], f"f|{entry.id}|{lang}")])
    if entry is not None and entry.line:
        related = [e for e in knowledge.measures_of(entry.line) if e.id != entry.id][:2]
        rows += [[_button(title_of(e, lang), f"e|{e.id}|{lang}")] for e in related]
    if in_menu:
        back = f"l|{entry.line}|{lang}" if entry is not None and entry.line else f"t|{lang}"
        rows.append([_button(BACK[lang], back)])
    else:
        rows.append([_button(ALL_TOPICS[lang], f"t|{lang}")])
    rows.append([_button(VOTE_UP, f"v|+|{reply.entry_id}"), _button(VOTE_DOWN, f"v|-|{reply.entry_id}")])
    return InlineKeyboardMarkup(rows)


def render(knowledge: KnowledgeBase, reply: Reply) -> Rendered:
    """Text and keyboard for any reply of the core."""
    if reply.kind == "answer":
        return Rendered(reply_html(reply), answer_keyboard(knowledge, reply))
    rows = option_rows(reply.options, reply.lang)
    if reply.kind in ("decline", "unexplained"):
        rows.append([_button(ALL_TOPICS[reply.lang], f"t|{reply.lang}")])
    return Rendered(reply_html(reply), InlineKeyboardMarkup(rows) if rows else None)


def topics_menu(knowledge: KnowledgeBase, lang: Lang) -> Rendered:
    """The top of the topic menu: the four lines of work."""
    rows = [[_button(line.zh if lang == "zh" else line.en, f"l|{line.id}|{lang}")] for line in knowledge.lines.values()]
    extra = [e for e in (knowledge.by_id.get("overview"), knowledge.by_id.get("about")) if e is not None]
    rows += [[_button(title_of(e, lang), f"m|{e.id}|{lang}")] for e in extra]
    return Rendered(TOPICS_TEXT[lang], InlineKeyboardMarkup(rows))


def line_menu(knowledge: KnowledgeBase, line_id: str, lang: Lang) -> Rendered | None:
    """One line of work: its own summary and its three measures, and the way back."""
    line = knowledge.lines.get(line_id)
    if line is None:
        return None
    rows = []
    if line_id in knowledge.by_id:
        rows.append([_button(OVERVIEW[lang], f"m|{line_id}|{lang}")])
    rows += [[_button(title_of(e, lang), f"m|{e.id}|{lang}")] for e in knowledge.measures_of(line_id)]
    rows.append([_button(BACK[lang], f"t|{lang}")])
    name = line.zh if lang == "zh" else line.en
    return Rendered(f"<b>{escape(name)}</b>", InlineKeyboardMarkup(rows))


def entry_page(knowledge: KnowledgeBase, reply: Reply) -> Rendered:
    """An answer opened from the topic menu: edited in place, with a way back to its line."""
    return Rendered(reply_html(reply), answer_keyboard(knowledge, reply, in_menu=True))
