"""What a button carries: one codec for every kind, within Telegram's 64 bytes.

`kind|key|lang`: `e` sends an entry, `d` answers a "did you mean" with an entry, `f` expands
an answer into its full text, `g` the same inside the topic menu (keeping the way back), `m`
opens an entry inside the topic menu, `l` a line of work, `t` the topic menu (in place, or as a
new message when `key` is `+`), `n` is "none of these" (the topic menu), `q` asks the article's example
question number `key`, `v` is a vote (`+` or `-`), `y` applies and `x` cancels an admin's
review of an FAQ file (`key` is the review's id and the start of the file's digest), `a`
files a question from /unanswered (`key` is the card's id and what to do). Each kind has its
own handler, chosen by `pattern(kind)`. Imports nothing from `telegram`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.language import Lang

MAX_CALLBACK_BYTES = 64
"""Telegram's limit on a button's callback data."""
NEW_MESSAGE = "+"
"""The key of a topic-menu button that opens the menu as a message of its own."""


class Kind(StrEnum):
    """The kinds of button."""

    ENTRY = "e"
    CHOICE = "d"
    FULL = "f"
    MENU_FULL = "g"
    MENU_ENTRY = "m"
    LINE = "l"
    TOPICS = "t"
    NONE = "n"
    EXAMPLE = "q"
    VOTE = "v"
    APPLY = "y"
    CANCEL = "x"
    TEACH = "a"


@dataclass(frozen=True)
class Callback:
    """A button's meaning."""

    kind: Kind
    key: str = ""
    lang: Lang = "zh"

    def encode(self) -> str:
        """The callback data; raises `ValueError` if it would not fit."""
        data = f"{self.kind.value}|{self.key}|{self.lang}"
        if len(data.encode()) > MAX_CALLBACK_BYTES or "|" in self.key:
            raise ValueError(f"callback data {data!r} does not fit Telegram's {MAX_CALLBACK_BYTES} bytes")
        return data


def decode(data: str | None) -> Callback | None:
    """A button's meaning, or None for data this version of the bot did not make."""
    if not data:
        return None
    parts = data.split("|")
    if len(parts) != 3:
        return None
    kind_text, key, lang_text = parts
    try:
        kind = Kind(kind_text)
    except ValueError:
        return None
    lang: Lang = "en" if lang_text == "en" else "zh"
    return Callback(kind, key, lang)


def pattern(kind: Kind) -> re.Pattern[str]:
    """The callback data of one kind, for `CallbackQueryHandler(pattern=...)`."""
    return re.compile(rf"^{re.escape(kind.value)}\|")
