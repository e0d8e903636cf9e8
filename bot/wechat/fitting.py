"""Fitting a reply into WeChat's 2,048 bytes: an answer cut with the way to its full text, anything else in
parts.

WeChat takes at most 2,048 bytes of UTF-8 in a text reply's `Content` (and in a customer-service text).
An answer longer than that is cut where a line or a sentence ends and closes with the hint that 全文
gives the whole text; a text asked for whole (the full text, a report) comes in numbered parts, the
first as the reply and the others through the customer-service API; where that API is not configured,
the one part there is room for, cut. Pure functions: no WeChat, no web framework.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.language import Lang
from bot.texts import say

MAX_BYTES = 2048
"""WeChat's limit on a text message's content, in bytes of UTF-8."""
ELLIPSIS = "…"
_BREAKS = re.compile(r"(?<=[。！？；!?;])|(?<=[.,，、：:] )")
"""Where a sentence or a clause ends: a line too long for one part is broken there first."""


def size(text: str) -> int:
    """A text's length as WeChat counts it."""
    return len(text.encode("utf-8"))


def fit_answer(text: str, hint: str, limit: int = MAX_BYTES) -> str:
    """An answer within `limit`: whole when it fits, else cut, ending with `hint` (回复“全文”看全文)."""
    if size(text) <= limit:
        return text
    body = text.removesuffix(hint).rstrip()
    return cut(body, limit - size("\n" + hint)) + "\n" + hint


def fit_whole(text: str, lang: Lang, *, parts: bool, limit: int = MAX_BYTES) -> tuple[str, ...]:
    """A text asked for whole: one message when it fits; else numbered parts of at most `limit` bytes
    each when more than one message can be sent (`parts`), or the first part's room, cut."""
    if size(text) <= limit:
        return (text,)
    if not parts:
        return (cut(text, limit),)
    room = limit - size(say("part_of", lang, part=99, parts=99))
    pieces = split(text, room)
    return tuple(piece + say("part_of", lang, part=n, parts=len(pieces)) for n, piece in enumerate(pieces, 1))


def cut(text: str, limit: int) -> str:
    """The start of `text` within `limit` bytes, ending where a line or a sentence ends if one is near,
    with an ellipsis when anything was left out."""
    if size(text) <= limit:
        return text
    head = split(text, limit - size(ELLIPSIS))[0]
    return head.rstrip() + ELLIPSIS


def split(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` bytes, broken between lines where it can be, else between
    sentences or clauses, else between characters; nothing lost but the line breaks between pieces."""
    pieces: list[str] = []
    current = ""
    for joiner, unit in _units(text, limit):
        joined = current + joiner + unit if current else unit
        if size(joined) <= limit:
            current = joined
            continue
        pieces.append(current)
        current = unit
    pieces.append(current)
    return pieces


def _units(text: str, limit: int) -> Iterator[tuple[str, str]]:
    """The lines of `text`, with each line too long for a piece given in sentences, clauses or runs of
    characters that fit: (what joins the unit to the one before it, the unit)."""
    for line in text.split("\n"):
        if size(line) <= limit:
            yield "\n", line
            continue
        joiner = "\n"
        for sentence in _BREAKS.split(line):
            for piece in _within(sentence, limit) if size(sentence) > limit else [sentence]:
                if piece:
                    yield joiner, piece
                    joiner = ""


def _within(text: str, limit: int) -> list[str]:
    """Characters of `text` in runs of at most `limit` bytes."""
    runs, current = [], ""
    for char in text:
        if size(current + char) > limit:
            runs.append(current)
            current = ""
        current += char
    runs.append(current)
    return runs
