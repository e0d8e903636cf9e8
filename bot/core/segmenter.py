"""Cutting Chinese text into words: a general dictionary, plus the words of one FAQ kept whole.

The cut is jieba's default one (0.42.1, with its model for unknown words), worked out here
over the compiled dictionary of `bot.core.dictionary`: for each run of characters, the most
probable path through the words it holds, and the hidden Markov model for stretches of
characters no word covers. It gives jieba's words, and `tests/test_segmenter.py` holds it to
jieba's own cut.

Every `Segmenter` has its own vocabulary laid over the shared dictionary (loaded once per
process, about 3 MB): adding an FAQ's terms never changes another segmenter, and a reloaded
FAQ takes its old words with it. The words get the frequency jieba's `add_word` would give
them, so a cut is what jieba would make had they been added. Imports nothing from `telegram`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from math import log
from typing import Any

from bot.core.dictionary import MISSING, STATES, Dictionary, dictionary

_BLOCK = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)")
"""What is cut by the dictionary; the rest goes character by character, runs of spaces whole."""
_SPACE = re.compile(r"(\r\n|\s)")
_LATIN = re.compile("[a-zA-Z0-9]")
_HAN_RUN = re.compile("([\u4e00-\u9fd5]+)")
"""What the model cuts; the letters and digits among the unknown characters stay in runs."""
_LATIN_RUN = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
_BEFORE = {"B": "ES", "M": "MB", "S": "SE", "E": "BM"}
"""The states each state may follow."""


class Segmenter:
    """The dictionary's cut, with a vocabulary of its own."""

    def __init__(self, vocabulary: Iterable[str] = ()) -> None:
        self._dictionary = dictionary()
        self._own: dict[str, int] = {}
        added = 0
        for word in {w.strip() for w in vocabulary if len(w.strip()) >= 2}:
            listed = self._dictionary.frequency(word)
            frequency = max(_plain().suggested(word), listed)
            if listed >= frequency:
                continue
            self._own[word] = frequency
            added += frequency
        self._own_starts = {word[:end] for word in self._own for end in range(1, len(word) + 1)}
        self._log_total = log(self._dictionary.total + added)
        # the FAQ's texts are cut again at every reload, and the same questions recur
        self._cut = lru_cache(maxsize=8192)(self._cut_once)

    def __getstate__(self) -> dict[str, object]:
        """What a cached index keeps of its segmenter: its own words; the dictionary is shared."""
        return {"own": self._own, "log_total": self._log_total}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._dictionary = dictionary()
        self._own = state["own"]
        self._own_starts = {word[:end] for word in self._own for end in range(1, len(word) + 1)}
        self._log_total = state["log_total"]
        self._cut = lru_cache(maxsize=8192)(self._cut_once)

    def known(self, word: str) -> bool:
        """Whether the general dictionary has the word (成绩): such a word in a question is no typo."""
        return bool(self._dictionary.frequency(word))

    def cut(self, text: str) -> list[str]:
        """The words of a text, in order; joined they give the text back."""
        return list(self._cut(text))

    def _cut_once(self, text: str) -> tuple[str, ...]:
        return tuple(_blocks(text, self._cut_block))

    # ------------------------------------------------------------------ the most probable path

    def _frequency(self, word: str) -> int:
        return self._own.get(word) or self._dictionary.frequency(word)

    def _route(self, block: str) -> list[int]:
        """Where the word starting at each position ends, on the most probable path (jieba's, ties
        going to the longer word)."""
        size = len(block)
        best = [0.0] * (size + 1)
        route = [0] * size
        words_at, own, starts, log_total = self._dictionary.words_at, self._own, self._own_starts, self._log_total
        for start in range(size - 1, -1, -1):
            ends = words_at(block, start)
            end = start + 1
            while end <= size and block[start:end] in starts:
                frequency = own.get(block[start:end])
                if frequency:  # the FAQ's frequency for a word both have
                    ends[end] = frequency
                end += 1
            if not ends:
                ends[start + 1] = self._frequency(block[start]) or 1
            score, last = max((log(f) - log_total + best[end], end - 1) for end, f in ends.items())
            best[start], route[start] = score, last + 1
        return route

    def _cut_block(self, block: str) -> Iterator[str]:
        """A run of word characters cut by the dictionary, and its unknown stretches by the model."""
        route = self._route(block)
        start, pending = 0, ""
        while start < len(block):
            end = route[start]
            if end - start == 1:
                pending += block[start]
            else:
                yield from self._unknown(pending)
                pending = ""
                yield block[start:end]
            start = end
        yield from self._unknown(pending)

    def _unknown(self, pending: str) -> Iterator[str]:
        """Characters the path left single: a word of the dictionary is kept as characters, the rest
        goes to the model."""
        if len(pending) == 1:
            yield pending
        elif pending and not self._frequency(pending):
            yield from _model_cut(self._dictionary, pending)
        else:
            yield from pending

    # ------------------------------------------------------------------ without the model

    def suggested(self, word: str) -> int:
        """The frequency that would make this segmenter keep `word` whole (jieba's `suggest_freq`)."""
        total = float(self._dictionary.total)
        probability: float = 1
        for piece in _blocks(word, self._cut_block_plain):
            probability *= self._dictionary.listed(piece, 1) / total
        return max(int(probability * self._dictionary.total) + 1, self._dictionary.listed(word, 1))

    def _cut_block_plain(self, block: str) -> Iterator[str]:
        """The dictionary's path alone, runs of single letters and digits kept together."""
        route = self._route(block)
        start, latin = 0, ""
        while start < len(block):
            end = route[start]
            piece = block[start:end]
            if end - start == 1 and _LATIN.match(piece):
                latin += piece
            else:
                if latin:
                    yield latin
                    latin = ""
                yield piece
            start = end
        if latin:
            yield latin


@lru_cache(maxsize=1)
def _plain() -> Segmenter:
    """The dictionary alone, which FAQ words are weighed against."""
    return Segmenter()


def _blocks(text: str, cut_block: Callable[[str], Iterator[str]]) -> Iterator[str]:
    """Cut each run of word characters with `cut_block`; keep runs of spaces, other characters one by one."""
    for block in _BLOCK.split(text):
        if not block:
            continue
        if _BLOCK.match(block):
            yield from cut_block(block)
            continue
        for piece in _SPACE.split(block):
            if _SPACE.match(piece):
                yield piece
            else:
                yield from piece


def _model_cut(words: Dictionary, text: str) -> Iterator[str]:
    """Unknown characters cut by the model: Chinese by the most probable states, letters and digits in runs."""
    for block in _HAN_RUN.split(text):
        if _HAN_RUN.match(block):
            yield from _by_states(block, _states(words, block))
        else:
            yield from (piece for piece in _LATIN_RUN.split(block) if piece)


def _by_states(text: str, states: list[str]) -> Iterator[str]:
    begin = following = 0
    for position, (char, state) in enumerate(zip(text, states, strict=True)):
        if state == "B":
            begin = position
        elif state == "E":
            yield text[begin : position + 1]
            following = position + 1
        elif state == "S":
            yield char
            following = position + 1
    if following < len(text):
        yield text[following:]


def _states(words: Dictionary, text: str) -> list[str]:
    """The most probable states of each character (Viterbi), summed and compared as jieba does: on
    equal scores the later state letter wins."""
    model = words.model
    place, trans = model.place, model.trans
    emit_b, emit_m, emit_e, emit_s = (model.emit[state] for state in STATES)
    b_e, b_m = trans["B"].get("E", MISSING), trans["B"].get("M", MISSING)
    e_b, e_s = trans["E"].get("B", MISSING), trans["E"].get("S", MISSING)
    m_e, m_m = trans["M"].get("E", MISSING), trans["M"].get("M", MISSING)
    s_b, s_s = trans["S"].get("B", MISSING), trans["S"].get("S", MISSING)
    at = place(text[0])
    if at is None:
        b, m, e, s = (model.start[state] + MISSING for state in STATES)
    else:
        b = model.start["B"] + emit_b[at]
        m = model.start["M"] + emit_m[at]
        e = model.start["E"] + emit_e[at]
        s = model.start["S"] + emit_s[at]
    back: list[tuple[str, str, str, str]] = []
    """Per character after the first, the state before each of B, M, E, S on their best paths."""
    for char in text[1:]:
        at = place(char)
        em_b, em_m, em_e, em_s = (
            (MISSING, MISSING, MISSING, MISSING) if at is None else (emit_b[at], emit_m[at], emit_e[at], emit_s[at])
        )
        from_e, from_s = e + e_b + em_b, s + s_b + em_b
        new_b, before_b = (from_s, "S") if from_s >= from_e else (from_e, "E")
        from_m, from_b = m + m_m + em_m, b + b_m + em_m
        new_m, before_m = (from_m, "M") if from_m >= from_b else (from_b, "B")
        from_b, from_m = b + b_e + em_e, m + m_e + em_e
        new_e, before_e = (from_m, "M") if from_m >= from_b else (from_b, "B")
        from_s, from_e = s + s_s + em_s, e + e_s + em_s
        new_s, before_s = (from_s, "S") if from_s >= from_e else (from_e, "E")
        b, m, e, s = new_b, new_m, new_e, new_s
        back.append((before_b, before_m, before_e, before_s))
    state = "S" if s >= e else "E"
    states = [state]
    for before in reversed(back):
        state = before[STATES.index(state)]
        states.append(state)
    states.reverse()
    return states
