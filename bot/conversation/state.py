"""What a conversation remembers between turns, and who and where a turn happens.

`Who` names a conversation across front ends: its channel (`telegram`, `console`, later `web`
and `wechat`), the chat and the person in it. `Context` is what the conversation remembers for
the next turn: what the last reply offered by number, and what the last answer was about. It is
kept in the store as one small JSON document per conversation, so a restart or another replica
carries on where this one left off. No front end in it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from bot.language import Lang, as_lang


@dataclass(frozen=True)
class Who:
    """Who writes, and where: the key of a conversation and of the person's language."""

    channel: str
    """The front end: `telegram`, `console`, `web`, `wechat`."""
    chat: str
    """The chat within the channel (a Telegram chat id)."""
    user: str | None = None
    """The person within the channel (a Telegram user id); None where the channel does not say."""
    group: bool = False
    """A chat of several people, where the bot answers only when addressed."""
    hint: Lang | None = None
    """The front end's idea of the person's language (Telegram's `language_code`)."""
    buttons: bool = True
    """Whether the front end shows numbered options as buttons to tap."""

    @property
    def key(self) -> str:
        """The conversation: one person in one chat."""
        return f"{self.channel}:{self.chat}:{self.user or ''}"

    @property
    def person(self) -> str | None:
        """The person, for the language they write in, whichever chat they write in."""
        return f"{self.channel}:{self.user}" if self.user else None

    @property
    def place(self) -> str:
        """The kind of chat, as the usage log keeps it."""
        return "group" if self.group else "private"


@dataclass(frozen=True)
class Offer:
    """Numbered options the last reply offered: a number picks one."""

    options: tuple[str, ...]
    """`entry:<id>` or `line:<id>`, in order."""
    question: str
    lang: Lang


@dataclass(frozen=True)
class Last:
    """The last answer: what it was about, for 那茶叶呢, 详细点 and 不对."""

    entry: str
    question: str
    """The question as it was read (with what it left out filled in), or the entry's title when picked."""
    lang: Lang
    others: tuple[str, ...] = ()
    """The other entries the bot weighed, best first."""
    items: tuple[str, ...] = ()
    """The items of the list the answer led with, for a number after it (2, 第三个: that item)."""


@dataclass(frozen=True)
class Context:
    """What a conversation remembers for its next turn."""

    offer: Offer | None = None
    last: Last | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    """Fields a newer version wrote that this one does not read: kept, not lost."""

    def dumps(self) -> str:
        """As kept in the store."""
        data: dict[str, Any] = dict(self.extra)
        if self.offer is not None:
            data["offer"] = {"options": list(self.offer.options), "question": self.offer.question,
                             "lang": self.offer.lang}  # fmt: skip
        if self.last is not None:
            last = self.last
            data["last"] = {"entry": last.entry, "question": last.question, "lang": last.lang,
                            "others": list(last.others), "items": list(last.items)}  # fmt: skip
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def loads(cls, text: str | None) -> Context:
        """From the store; an empty context for nothing, or for a document this version cannot read."""
        if not text:
            return cls()
        try:
            data = json.loads(text)
            offer = data.pop("offer", None)
            last = data.pop("last", None)
            return cls(
                Offer(tuple(map(str, offer["options"])), str(offer["question"]), _lang(offer["lang"]))
                if offer
                else None,
                Last(
                    str(last["entry"]),
                    str(last["question"]),
                    _lang(last["lang"]),
                    tuple(map(str, last["others"])),
                    tuple(map(str, last.get("items", ()))),
                )
                if last
                else None,
                data,
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return cls()


NUMBERED_CHANNELS = {"web": 1, "wechat": 2}
"""Channels whose chats have no integer id of their own, with the block of integers each one's chats get."""
CHANNEL_BLOCK = 1 << 58
"""Integers per channel block. Telegram's chat ids have at most 52 significant bits, so block 1 and above
(2**58 up to 2**63) can never be a Telegram chat, and every block fits the store's 64-bit columns."""


def chat_number(channel: str, chat: str) -> int:
    """The integer a chat of a channel without integer ids is kept under where the store keys replies
    and votes by chat id (`Conversation.sent`, `Conversation.vote`): a hash of the chat within its
    channel's block, far above any Telegram chat id. This is the one place that hands them out."""
    block = NUMBERED_CHANNELS[channel]
    digest = hashlib.sha256(f"{channel}:{chat}".encode()).digest()
    return block * CHANNEL_BLOCK + int.from_bytes(digest[:8], "big") % CHANNEL_BLOCK


def _lang(value: object) -> Lang:
    return as_lang(str(value)) or "zh"
