"""The two languages the bot speaks. Imports nothing from `telegram`."""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


def as_lang(code: str | None) -> Lang | None:
    """A Telegram `language_code` (`en-GB`, `zh-hans`) as one of the bot's languages; None if unknown."""
    if not code:
        return None
    return "zh" if code.lower().startswith("zh") else "en"
