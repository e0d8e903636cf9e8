"""What the conversation says back, for any front end to render: `Said`, and as plain text.

A `Said` carries structure, not markup: the core's reply in parts (the asked fact first, then
what answers it), the numbered options and what each opens, the line that says how to pick
one, whether the full text is one tap (or one word) away and whether it can be voted on.
Telegram renders it as HTML with buttons; the console (and a front end without buttons, such
as WeChat) as plain text, where options are numbered lines and a typed number picks. No front
end in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.core.reply import Reply, render_plain
from bot.language import Lang
from bot.texts import say

SaidKind = Literal[
    "answer", "full", "ask-back", "decline", "unexplained", "small-talk", "others", "topics", "line", "too-long", "gone"
]
"""What a reply is: an answer (or its full text), a question back, an honest no, what the article
leaves out, small talk, other entries after "wrong" or 👎, the topic menu or one line of work in it,
or a note (a message too long, an option no longer there)."""

PickKind = Literal["entry", "line"]


@dataclass(frozen=True)
class Pick:
    """A numbered option: an entry to answer with, or a line of work to open."""

    kind: PickKind
    id: str
    title: str

    @property
    def token(self) -> str:
        """How the option is kept: `entry:<id>` or `line:<id>`."""
        return f"{self.kind}:{self.id}"


def pick_of(token: str) -> tuple[PickKind, str] | None:
    """An option kept as a token, or None for one this version does not read."""
    kind, _, key = token.partition(":")
    if kind == "entry" and key:
        return "entry", key
    if kind == "line" and key:
        return "line", key
    return None


@dataclass(frozen=True)
class Said:
    """One reply, in parts."""

    kind: SaidKind
    lang: Lang
    reply: Reply | None = None
    """The core's reply, for an answer, a question back, a no or small talk: title, line of work and
    the asked fact first for an answer; the message and the sentence it quotes otherwise."""
    text: str = ""
    """The message itself, for the conversation's own replies (other entries, the topic menu, notes)."""
    picks: tuple[Pick, ...] = ()
    """Numbered options, in order: a tap on one, or its number typed, opens it."""
    lead_in: str = ""
    """The line before the options ("可以试试问：")."""
    how: str = ""
    """How to pick, as fits the place: reply with a number; in a group, reply to this message or tap."""
    in_menu: bool = False
    """An answer opened from the topic menu: the way back to its line goes with it."""
    question: str = ""
    """What was asked (or, for a pick, the question behind the options), for the record."""

    @property
    def entry_id(self) -> str | None:
        """The entry the reply is about."""
        return self.reply.entry_id if self.reply is not None else None

    @property
    def full_text_offered(self) -> bool:
        """The full text is one step away: the answer shows only part of its entry."""
        return self.kind == "answer" and self.reply is not None and self.reply.more

    @property
    def votable(self) -> bool:
        """An answer, which people may vote on."""
        return self.kind in ("answer", "full")


def plain_text(said: Said) -> str:
    """The reply as plain text for a front end without buttons: numbered lines, and how to go on."""
    reply = said.reply
    if reply is not None and said.kind in ("answer", "full", "small-talk"):
        lines = [render_plain(reply)]
        if said.full_text_offered:
            lines.append(say("full_hint", said.lang))
        return "\n".join(lines)
    lines = [reply.text if reply is not None else said.text]
    if reply is not None and reply.quote:
        lines.append(reply.quote)
    if said.lead_in and said.picks:
        lines.append(said.lead_in)
    lines += [f"{number}. {pick.title}" for number, pick in enumerate(said.picks, 1)]
    if said.how and said.picks:
        lines.append(said.how)
    lines += [f"· {example}" for example in (reply.examples if reply is not None else ())]
    return "\n".join(line for line in lines if line)
