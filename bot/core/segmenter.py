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

    def _graph(self, block: str) -> list[dict[int, int]]:
        """For each position, the words that start there: their end to their frequency (the FAQ's
        frequency for a word both have)."""
        graph = []
        size = len(block)
        for start in range(size):
            ends = dict(self._dictionary.words_at(block, start))
            end = start + 1
            while end <= size and block[start:end] in self._own_starts:
                frequency = self._own.get(block[start:end])
                if frequency:
                    ends[end] = frequency
                end += 1
            graph.append(ends or {start + 1: self._frequency(block[start]) or 1})
        return graph

    def _route(self, block: str) -> list[int]:
        """Where the word starting at each position ends, on the most probable path."""
        graph = self._graph(block)
        size = len(block)
        best: list[tuple[float, int]] = [(0.0, 0)] * (size + 1)
        for start in range(size - 1, -1, -1):
            # as jieba compares them: ties go to the longer word
            best[start] = max((log(f) - self._log_total + best[end][0], end - 1) for end, f in graph[start].items())
        return [end + 1 for _, end in best[:size]]

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
    """The most probable states of each character (Viterbi), compared in jieba's order."""
    model = words.model
    scores = {state: model.start[state] + model.emission(state, text[0]) for state in STATES}
    paths = {state: [state] for state in STATES}
    for char in text[1:]:
        now: dict[str, float] = {}
        paths_now: dict[str, list[str]] = {}
        for state in STATES:
            emitted = model.emission(state, char)
            score, before = max(
                (scores[previous] + model.trans[previous].get(state, MISSING) + emitted, previous)
                for previous in _BEFORE[state]
            )
            now[state] = score
            paths_now[state] = [*paths[before], state]
        scores, paths = now, paths_now
    _, last = max((scores[state], state) for state in "ES")
    return paths[last]
