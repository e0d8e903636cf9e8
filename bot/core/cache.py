"""Keeping what is expensive to work out from an FAQ (a built and checked matcher) on disk, by digest.

An entry is found by the digest of everything it was worked out from: the bytes of the FAQ,
the path it was read from (it appears in the problems named), and the code that did the work
(every file of the answering core and of the FAQ package, the shipped dictionary included,
and the Python version). Any change to any of them is a different key, so a stale entry is
never found: it is simply not used, and the oldest entries beyond `KEEP` are removed.

An entry is a checksum followed by a pickle. A file whose checksum does not match (cut short,
damaged) is ignored and removed, and the value is worked out again. The pickle is read with an
unpickler that builds only the classes of the `bot` package and plain containers, so a file
put there by someone else cannot run code; the folder lives under `DATA_DIR`, which only the
bot's user may write. Imports nothing from `telegram`.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import pickle
import sys
import types
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)

FOLDER = "cache"
"""The cache's folder under DATA_DIR."""
KEEP = 6
"""Entries kept in the folder: the FAQ in use, the last good copy, and a few recent versions."""
MAGIC = b"faqbot-cache 1\n"
PACKAGE = Path(__file__).resolve().parent.parent
CODE = ("core", "faq", "language.py", "texts.py")
"""What the cached values are worked out by, under `bot/`: a change to any of it is a new key."""

T = TypeVar("T")


@lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 over the answering core's code and data, the FAQ package's code and the Python version."""
    digest = hashlib.sha256(sys.version.encode())
    for path in _files(PACKAGE / name for name in CODE):
        digest.update(str(path.relative_to(PACKAGE)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _files(roots: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        if root.is_file():
            found.append(root)
        elif root.is_dir():
            found += [p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return sorted(found)


def _mapping_proxy(items: dict[Any, Any]) -> types.MappingProxyType[Any, Any]:
    return types.MappingProxyType(items)


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        # read-only mappings (the tuning's weights) cannot be pickled as they are
        if type(obj) is types.MappingProxyType:
            return _mapping_proxy, (dict(obj),)
        return NotImplemented


_CONTAINERS = {("collections", "defaultdict"), ("collections", "OrderedDict"), ("builtins", "list"),
               ("builtins", "set"), ("builtins", "frozenset"), ("builtins", "slice"), ("datetime", "date"),
               ("decimal", "Decimal"), ("re", "_compile"), (__name__, "_mapping_proxy")}  # fmt: skip
"""Besides the bot's own classes: containers and plain values (the facts' amounts are `Decimal`s)."""


class _Unpickler(pickle.Unpickler):
    """Builds the bot's own classes and plain containers, nothing else."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _CONTAINERS:
            return super().find_class(module, name)
        if module.startswith("bot.") and "." not in name:
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not built from a cache")


class Cache:
    """Values worked out from an FAQ, kept in one folder by digest."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def key(self, *parts: bytes | str) -> str:
        """The digest of what a value is worked out from, and of the code that works it out."""
        digest = hashlib.sha256(code_digest().encode())
        for part in parts:
            data = part.encode() if isinstance(part, str) else part
            digest.update(hashlib.sha256(data).digest())
        return digest.hexdigest()

    def get(self, key: str, kind: type[T]) -> T | None:
        """The value kept under `key` if there is one, whole and of `kind`; else None."""
        path = self.folder / f"{key}.pickle"
        try:
            data = path.read_bytes()
        except OSError:
            return None
        body = data[len(MAGIC) + 32 :]
        if not data.startswith(MAGIC) or data[len(MAGIC) : len(MAGIC) + 32] != hashlib.sha256(body).digest():
            self._discard(path, "damaged or cut short")
            return None
        try:
            value = _Unpickler(io.BytesIO(body)).load()
        except Exception as error:  # anything a bad pickle raises: the value is worked out again
            self._discard(path, f"unreadable ({type(error).__name__}: {error})")
            return None
        if not isinstance(value, kind):
            self._discard(path, f"holds a {type(value).__name__}, not a {kind.__name__}")
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: the last to be removed
        return value

    def put(self, key: str, value: object) -> None:
        """Keep `value` under `key` (written whole or not at all); a folder that cannot be written is
        only logged: the value is worked out again next time."""
        buffer = io.BytesIO()
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
        body = buffer.getvalue()
        path = self.folder / f"{key}.pickle"
        scratch = path.with_suffix(f".{os.getpid()}.tmp")
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            with os.fdopen(os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
                out.write(MAGIC + hashlib.sha256(body).digest() + body)
            scratch.replace(path)
        except OSError as error:
            log.debug("not cached in %s: %s", self.folder, error)  # the store, beside it, says why a full disk matters
            with contextlib.suppress(OSError):
                scratch.unlink()
            return
        self._prune()

    def _discard(self, path: Path, why: str) -> None:
        log.warning("cache file %s is %s; working it out again", path, why)
        with contextlib.suppress(OSError):
            path.unlink()

    def _prune(self) -> None:
        """Remove all but the `KEEP` most recently used entries."""
        try:
            entries = sorted(self.folder.glob("*.pickle"), key=_used, reverse=True)
        except OSError:
            return
        for stale in entries[KEEP:]:
            with contextlib.suppress(OSError):
                stale.unlink()


def _used(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
