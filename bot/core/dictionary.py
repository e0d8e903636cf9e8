"""The general Chinese dictionary and the model for words it lacks, compiled small.

The words, their frequencies and the hidden Markov model for unknown words are jieba 0.42.1's
(MIT licence), compiled once into `bot/core/words/`: a MARISA trie of the 349,045 words, their
frequencies as an array, and the model's tables (its emission probabilities as an array).
Loaded, they hold about 3 MB where jieba's own dictionary holds about 60 MB, and they load in
milliseconds, with nothing built at start-up.

    python -m bot.core.dictionary    # compile again from the installed jieba package's data

Compiling reads jieba's data files (`dict.txt`, `finalseg/prob_*.py`) without importing jieba.
Imports nothing from `telegram`.
"""

from __future__ import annotations

import array
import ast
import bisect
import importlib.util
import json
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import marisa_trie

WORDS = Path(__file__).parent / "words"
"""Where the compiled dictionary lives: `words.marisa`, `words.freq`, `model.json` and `model.emit`."""

STATES = "BMES"
"""The model's states: a word's beginning, middle and end, and a word of one character."""
MISSING = -3.14e100
"""The log probability the model gives what it never saw."""


@dataclass(frozen=True)
class Model:
    """The hidden Markov model that cuts runs of characters the dictionary has no word for."""

    start: dict[str, float]
    trans: dict[str, dict[str, float]]
    chars: str
    """Every character the model knows, in order: a character's place here is its place in `emit`."""
    emit: dict[str, array.array[float]]
    """Per state, each known character's log probability (MISSING where that state never saw it)."""

    def place(self, char: str) -> int | None:
        """Where `char` stands in `chars`, or None for a character the model never saw."""
        at = bisect.bisect_left(self.chars, char)
        return at if at < len(self.chars) and self.chars[at] == char else None


@dataclass(frozen=True)
class Dictionary:
    """Words with how often each occurs, and the model for the rest."""

    trie: marisa_trie.Trie
    frequencies: array.array[int]
    """Each word's frequency, by the word's id in the trie."""
    total: int
    """The sum of all frequencies (a word listed twice counts twice, as jieba counts it)."""
    longest: int
    model: Model

    def frequency(self, word: str) -> int:
        """How often a word occurs; 0 when it is not a word."""
        number = self.trie.get(word)
        return 0 if number is None else int(self.frequencies[number])

    def listed(self, text: str, default: int) -> int:
        """As jieba's frequency table answers: a word's frequency, 0 for the beginning of a word that
        is not one itself, else `default`."""
        number = self.trie.get(text)
        if number is not None:
            return int(self.frequencies[number])
        return 0 if next(self.trie.iterkeys(text), None) is not None else default

    def words_at(self, text: str, start: int) -> dict[int, int]:
        """The words that begin at `start`: their end to their frequency."""
        frequencies = self.frequencies
        return {
            start + len(word): frequencies[number]
            for word, number in self.trie.iter_prefixes_with_ids(text[start : start + self.longest])
            if frequencies[number]
        }


@lru_cache(maxsize=1)
def dictionary() -> Dictionary:
    """The compiled dictionary, loaded once per process."""
    return load(WORDS)


def load(folder: Path) -> Dictionary:
    """Load a compiled dictionary; raises `ValueError` when its files do not fit together."""
    trie = marisa_trie.Trie()
    trie.load(str(folder / "words.marisa"))
    frequencies = array.array("I")
    frequencies.frombytes((folder / "words.freq").read_bytes())
    if sys.byteorder == "big":
        frequencies.byteswap()
    meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    if len(frequencies) != len(trie) or len(frequencies) != meta["words"]:
        raise ValueError(f"{folder}: the words and their frequencies do not match; compile them again")
    table = array.array("d")
    table.frombytes((folder / "model.emit").read_bytes())
    if sys.byteorder == "big":
        table.byteswap()
    chars = str(meta["chars"])
    if len(table) != len(STATES) * len(chars):
        raise ValueError(f"{folder}: the model's table does not match its characters; compile them again")
    emit = {state: table[n * len(chars) : (n + 1) * len(chars)] for n, state in enumerate(STATES)}
    model = Model(meta["start"], meta["trans"], chars, emit)
    return Dictionary(trie, frequencies, int(meta["total"]), int(meta["longest"]), model)


def _jieba_data() -> Path:
    """The folder of the installed jieba package, found without importing it."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("jieba is not installed: pip install -e '.[test]'")
    return Path(spec.submodule_search_locations[0])


def _table(path: Path) -> dict[str, object]:
    """A jieba model table: a Python file assigning one literal to `P`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["P"]:
            value = ast.literal_eval(node.value)
            if isinstance(value, dict):
                return value
    raise ValueError(f"{path}: no table P in it")


def compile_dictionary(source: Path, target: Path) -> None:
    """Compile jieba's dictionary and model in `source` into `target`."""
    frequency: dict[str, int] = {}
    total = 0
    with (source / "dict.txt").open("rb") as lines:
        for number, line in enumerate(lines, 1):
            try:
                word, count = line.strip().decode("utf-8").split(" ")[:2]
                frequency[word] = int(count)
            except ValueError as error:
                raise ValueError(f"{source / 'dict.txt'}:{number}: not a word and its frequency") from error
            total += frequency[word]
    trie = marisa_trie.Trie(frequency)
    frequencies = array.array("I", bytes(4 * len(trie)))
    for word, number in trie.iteritems():
        frequencies[number] = frequency[word]
    if sys.byteorder == "big":
        frequencies.byteswap()
    start, trans, emit = (_table(source / "finalseg" / f"prob_{name}.py") for name in ("start", "trans", "emit"))
    emitted: dict[str, dict[str, float]] = {state: dict(emit[state]) for state in STATES}  # type: ignore[call-overload]
    chars = sorted(set().union(*emitted.values()))
    meta = {
        "source": "jieba 0.42.1: dict.txt, finalseg/prob_start.py, prob_trans.py, prob_emit.py",
        "words": len(trie),
        "total": total,
        "longest": max(len(word) for word in frequency),
        "start": start,
        "trans": trans,
        "chars": "".join(chars),
    }
    table = array.array("d", [emitted[state].get(char, MISSING) for state in STATES for char in chars])
    if sys.byteorder == "big":
        table.byteswap()
    target.mkdir(parents=True, exist_ok=True)
    trie.save(str(target / "words.marisa"))
    (target / "words.freq").write_bytes(frequencies.tobytes())
    (target / "model.json").write_text(json.dumps(meta, ensure_ascii=False) + "\n", encoding="utf-8")
    (target / "model.emit").write_bytes(table.tobytes())


def main() -> int:
    """Compile the dictionary from the installed jieba package into `bot/core/words/`."""
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else _jieba_data()
    compile_dictionary(source, WORDS)
    print(f"compiled {source} into {WORDS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
