"""The parts of a figure's label a question can name: 党小组, or one of 村民理事会、议事协商会和专项协会.

Imports nothing from `telegram`.
"""

from __future__ import annotations

import re

from bot.core.normalise import STOP_EN_STEMS, fold, units
from bot.language import Lang

_LABEL_PARTS = {"zh": re.compile(r"[、，,]|和"), "en": re.compile(r",|\band\b")}
_MU = re.compile(r"^mu of ")
"""An English 万亩 figure reads `365,000 mu of ...`: the mu says nothing of what is counted."""


def label_parts(label: str, lang: Lang, generic: tuple[str, ...]) -> tuple[frozenset[str], ...]:
    """The units of each part of a figure's label that a question could name: not function words,
    not 全县, not the unit mu; one part per thing a label lists (村民理事会、议事协商会和专项协会)."""
    label = _MU.sub("", fold(label))
    found = []
    for part in _LABEL_PARTS[lang].split(label):
        text = part
        for word in generic:
            text = text.replace(fold(word), " ")
        pieces = [u.text for u in units(text)]
        kept = (
            frozenset(p for p in pieces if p not in STOP_EN_STEMS)
            if lang == "en"
            else frozenset(p for p in pieces if p not in "的之")
        )
        if kept:
            found.append(kept)
    return tuple(found)
