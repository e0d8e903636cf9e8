"""Reading a reply to "which of these did you mean?" as the number of an option.

People answer a numbered list as `2`, `2.`, `②`, `第二个`, `选2`, `the second one` or
`option 2`. A whole message like that picks the option; anything more is a question.
Imports nothing from `telegram`.
"""

from __future__ import annotations

import re
import unicodedata

_CIRCLED = {chr(0x2460 + n): n + 1 for n in range(10)}
_CHINESE = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
}  # fmt: skip

_DIGITS = re.compile(r"^(?:#|no\.?|number|option|选|我选|选择|要)?\s*第?\s*(\d{1,2})\s*(?:个|项|条|号)?$")
_HAN = re.compile(r"^(?:选|我选|选择|要)?第?([一二两三四五六七八九十])(?:个|项|条|号)?$")
_WORDS = re.compile(r"^(?:the\s+)?(\w+)(?:\s+one)?$|^(?:option|number|no\.?)\s+(\w+)$")


def picked(text: str, count: int) -> int | None:
    """The option (from 1) that a whole message picks among `count`, or None if it is not such a reply."""
    folded = unicodedata.normalize("NFKC", text).strip().lower().rstrip(".。!！、)）")
    if not folded or len(folded) > 20:
        return None
    number: int | None = None
    if folded in _CIRCLED or text.strip() in _CIRCLED:
        number = _CIRCLED.get(text.strip())
    elif match := _DIGITS.match(folded):
        number = int(match.group(1))
    elif match := _HAN.match(folded):
        number = _CHINESE[match.group(1)]
    elif match := _WORDS.match(folded):
        word = match.group(1) or match.group(2)
        number = _ORDINALS.get(word) or (int(word) if word.isdigit() else None)
    if number is not None and 1 <= number <= count:
        return number
    return None
