"""Cutting Chinese text into words: jieba's dictionary, plus the words of one FAQ kept whole.

Every `Segmenter` has its own vocabulary laid over jieba's shared dictionary (loaded once per
process, about 55 MB): adding an FAQ's terms never changes another segmenter, and a reloaded
FAQ takes its old words with it. The words get the frequency jieba's own `add_word` would give
them, so segmentation is what jieba would do had they been added. Imports nothing from
`telegram`.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from types import ModuleType
from typing import Any


def _import_jieba() -> ModuleType:
    """jieba, imported without pkg_resources.

    jieba 0.42 uses pkg_resources only to open its own dictionary file, and falls back to
    opening it directly when pkg_resources cannot be imported. Importing pkg_resources scans
    every installed distribution and costs about 12 MB in every process, so it is hidden
    while jieba is imported (unless something imported it already).
    """
    if "pkg_resources" in sys.modules:
        return importlib.import_module("jieba")
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes `import pkg_resources` fail
    try:
        return importlib.import_module("jieba")
    finally:
        del sys.modules["pkg_resources"]


jieba = _import_jieba()


@lru_cache(maxsize=1)
def _base() -> Any:
    """jieba's dictionary, loaded once and never changed."""
    # its start-up notes, and a cache it could not write (a full disk), are not the bot's to print
    jieba.setLogLevel(logging.CRITICAL)
    tokenizer = jieba.Tokenizer()
    try:
        tokenizer.tmp_dir = tempfile.gettempdir()  # where jieba keeps its dictionary cache
    except OSError:  # no temporary directory can be written: build the dictionary without a cache
        tokenizer.tmp_dir = os.path.dirname(str(jieba.__file__))
    tokenizer.initialize()
    return tokenizer


class _Overlay(dict[str, int]):
    """A segmenter's own words and their prefixes, in front of the shared dictionary.

    jieba reads its dictionary with `in`, `[]` and `.get`, and only reads it: those three look
    here first, then in the shared one.
    """

    def __init__(self, base: dict[str, int], own: dict[str, int]) -> None:
        super().__init__(own)
        self.base = base

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or key in self.base

    def __getitem__(self, key: str) -> int:
        try:
            return dict.__getitem__(self, key)
        except KeyError:
            return self.base[key]

    def get(self, key: str, default: Any = None) -> Any:
        value = dict.get(self, key)
        return self.base.get(key, default) if value is None else value


class Segmenter:
    """jieba with a vocabulary of its own."""

    def __init__(self, vocabulary: Iterable[str] = ()) -> None:
        base = _base()
        own: dict[str, int] = {}
        added = 0
        for word in {w.strip() for w in vocabulary if len(w.strip()) >= 2}:
            frequency = max(base.suggest_freq(word, False), base.FREQ.get(word, 0))
            if base.FREQ.get(word, 0) >= frequency:
                continue
            own[word] = frequency
            added += frequency
            for end in range(1, len(word)):
                if word[:end] not in base.FREQ:
                    own.setdefault(word[:end], 0)
        self._tokenizer = jieba.Tokenizer()
        if own:
            self._tokenizer.FREQ = _Overlay(base.FREQ, own)
            self._tokenizer.total = base.total + added
        else:
            self._tokenizer.FREQ = base.FREQ
            self._tokenizer.total = base.total
        self._tokenizer.initialized = True
        # the FAQ's texts are cut again at every reload, and the same questions recur
        self._cut = lru_cache(maxsize=8192)(self._cut_once)

    def known(self, word: str) -> bool:
        """Whether jieba's own dictionary has the word (成绩): such a word in a question is no typo."""
        return bool(_base().FREQ.get(word))

    def cut(self, text: str) -> list[str]:
        """The words of a text, in order; joined they give the text back."""
        return list(self._cut(text))

    def _cut_once(self, text: str) -> tuple[str, ...]:
        return tuple(self._tokenizer.lcut(text))
