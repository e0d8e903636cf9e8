"""Rendering the conversation's replies for Telegram: HTML text with every piece escaped, and
inline keyboards (numbered options become numbered buttons).

Every button's data comes from `bot.tg.callbacks`; every word from `bot.texts` or the reply.
No matching and no conversation state here. Telegram's own limits are named here once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation.replies import Pick, Said
from bot.core.reply import Reply, heading_first
from bot.faq.knowledge import KnowledgeBase
from bot.language import Lang
from bot.texts import say
from bot.tg.callbacks import NEW_MESSAGE, Callback, Kind

MAX_MESSAGE = 4096
"""Telegram's limit on a message's text."""
MAX_CAPTION = 1024
"""Telegram's limit on a photo's or document's caption."""
MAX_INLINE_QUERY = 256
"""Telegram passes on only this many characters of an inline query."""
MAX_BUTTON_TEXT = 60
"""Longer button labels are cut: a phone shows about this much."""
RELATED = 2
"""Related measures offered under an answer."""
VOTE_UP, VOTE_DOWN = "👍", "👎"


@dataclass(frozen=True)
class Rendered:
    """A message ready to send: HTML text and its keyboard."""

    text: str
    keyboard: InlineKeyboardMarkup | None


def button(text: str, callback: Callback) -> InlineKeyboardButton:
    """A button with a label cut to fit a phone."""
    short = text if len(text) <= MAX_BUTTON_TEXT else text[: MAX_BUTTON_TEXT - 1] + "…"
    return InlineKeyboardButton(short, callback_data=callback.encode())


def reply_html(reply: Reply) -> str:
    """A reply as Telegram HTML within Telegram's limit, cut (if it must be) between tags, never in one.

    The FAQ's bounds keep ordinary replies well under the limit; text full of characters
    that escaping lengthens (`&` becomes `&amp;`), or an entry with many long lists, may not
    be: then the body is cut first, then the leads from the last, then the rest.
    """
    html = _html(reply)
    while (over := telegram_length(html) - MAX_MESSAGE) > 0:
        reply = _shorter(reply, over)
        html = _html(reply)
    return html


def telegram_length(text: str) -> int:
    """A text's length as Telegram counts it, in UTF-16 code units (an emoji may count two)."""
    return len(text.encode("utf-16-le")) // 2


def _shorter(reply: Reply, over: int) -> Reply:
    """The reply with one of its parts cut by `over` characters or emptied: each call shortens it."""
    if reply.text:
        return replace(reply, text=_cut(reply.text, over))
    if reply.lead:
        last = _cut(reply.lead[-1], over)
        return replace(reply, lead=reply.lead[:-1] + ((last,) if last else ()))
    if reply.quote:
        return replace(reply, quote=_cut(reply.quote, over))
    if reply.line:
        return replace(reply, line=_cut(reply.line, over))
    return replace(reply, title=_cut(reply.title, over))


def _cut(text: str, over: int) -> str:
    """`text` shortened by at least `over` characters, marked with an ellipsis; empty if nothing is left."""
    keep = len(text) - over - 1
    return text[:keep] + "…" if keep > 0 else ""


def _html(reply: Reply) -> str:
    if reply.kind == "answer":
        title = f"<b>{escape(reply.title)}</b>"
        if reply.line:
            title += f" · <i>{escape(reply.line)}</i>"
        parts = [f"<b>{escape(reply.verdict)}</b>"] if reply.verdict else []
        if heading_first(reply):
            parts.append(title)
        parts += [f"▶ <b>{escape(lead)}</b>" for lead in reply.lead]
        if reply.text:
            parts.append(escape(reply.text))
        if not heading_first(reply):
            parts.append(f"— {title}")
        return "\n\n".join(parts)
    lines = [escape(reply.text)]
    if reply.quote:
        lines.append(f"<i>{escape(reply.quote)}</i>")
    return "\n".join(lines)


def _said_html(said: Said) -> str:
    """A reply other than an answer: its message (the quoted sentence in italics), the line before the
    options and how to pick one; each part cut to fit if it must be."""
    message = reply_html(said.reply) if said.reply is not None else escape(said.text)
    if said.kind == "line":
        message = f"<b>{message}</b>"
    lines = [message]
    if said.picks and said.lead_in:
        lines.append(escape(said.lead_in))
    if said.picks and said.how:
        lines.append(escape(said.how))
    return "\n".join(line for line in lines if line)


def numbered(picks: tuple[Pick, ...], kind: Kind, lang: Lang) -> list[list[InlineKeyboardButton]]:
    """One numbered button per offered entry (`1. 纵向深化`); a line of work opens its menu."""
    return [
        [button(f"{n}. {pick.title}", Callback(Kind.LINE if pick.kind == "line" else kind, pick.id, lang))]
        for n, pick in enumerate(picks, 1)
    ]


def answer_keyboard(knowledge: KnowledgeBase, reply: Reply, *, in_menu: bool = False) -> InlineKeyboardMarkup:
    """Under an answer: its full text, the related measures, the topic menu (or, inside it, the way
    back), 👍/👎. Inside the menu, the full text keeps the way back too."""
    lang = reply.lang
    entry = knowledge.by_id.get(reply.entry_id or "")
    rows: list[list[InlineKeyboardButton]] = []
    if entry is not None and reply.more:
        full = Kind.MENU_FULL if in_menu else Kind.FULL
        rows.append([button(say("full_text", lang), Callback(full, entry.id, lang))])
    if entry is not None and entry.line:
        related = [e for e in knowledge.measures_of(entry.line) if e.id != entry.id][:RELATED]
        rows += [[button(e.title_in(lang), Callback(Kind.ENTRY, e.id, lang))] for e in related]
    if in_menu:
        back = (
            Callback(Kind.LINE, entry.line, lang)
            if entry is not None and entry.line
            else Callback(Kind.TOPICS, "", lang)
        )
        rows.append([button(say("back", lang), back)])
    else:
        rows.append([_topics_button(lang)])
    rows.append([button(VOTE_UP, Callback(Kind.VOTE, "+", lang)), button(VOTE_DOWN, Callback(Kind.VOTE, "-", lang))])
    return InlineKeyboardMarkup(rows)


def _topics_button(lang: Lang) -> InlineKeyboardButton:
    """📚 All topics: the menu as a message of its own, leaving the message it was under as it was."""
    return button(say("all_topics", lang), Callback(Kind.TOPICS, NEW_MESSAGE, lang))


def render(knowledge: KnowledgeBase, said: Said) -> Rendered:
    """Text and keyboard for any reply of the conversation."""
    lang = said.lang
    if said.reply is not None and said.kind in ("answer", "full"):
        return Rendered(reply_html(said.reply), answer_keyboard(knowledge, said.reply, in_menu=said.in_menu))
    rows: list[list[InlineKeyboardButton]] = []
    if said.kind == "ask-back":
        rows = numbered(said.picks, Kind.CHOICE, lang)
        rows.append([button(say("none_of_these", lang), Callback(Kind.NONE, "", lang))])
    elif said.kind in ("decline", "unexplained"):
        rows = numbered(said.picks, Kind.CHOICE, lang)
        rows.append([_topics_button(lang)])
    elif said.kind == "others":
        rows = numbered(said.picks, Kind.ENTRY, lang)
        rows.append([_topics_button(lang)])
    elif said.kind in ("topics", "line"):
        rows = numbered(said.picks, Kind.MENU_ENTRY, lang)
        if said.kind == "line":
            rows.append([button(say("back", lang), Callback(Kind.TOPICS, "", lang))])
    examples = knowledge.article.examples(lang)
    for example in said.reply.examples if said.reply is not None else ():
        if example in examples:
            rows.append([button(example, Callback(Kind.EXAMPLE, str(examples.index(example)), lang))])
    return Rendered(_said_html(said), InlineKeyboardMarkup(rows) if rows else None)


def examples_keyboard(knowledge: KnowledgeBase, lang: Lang) -> InlineKeyboardMarkup:
    """The article's example questions, each a button that asks it."""
    examples = knowledge.article.examples(lang)
    return InlineKeyboardMarkup(
        [[button(example, Callback(Kind.EXAMPLE, str(number), lang))] for number, example in enumerate(examples)]
    )
