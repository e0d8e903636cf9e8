"""The secret that turns user ids into pseudonyms for the usage log and votes.

Written once, atomically (a temporary file, fsync, rename), owner-only; a key file that is
empty or short is refused rather than used: hashes under a weak key could be reversed.
Imports nothing from `telegram`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_BYTES = 32


class UserKeyError(Exception):
    """A key that cannot be used safely; the message is one line for the operator."""


def pseudonym(key: bytes, user_id: int | str | None) -> str:
    """A stable pseudonym: the same user gives the same one, the id cannot be recovered."""
    if user_id is None:
        return ""
    return hmac.new(key, str(user_id).encode(), hashlib.sha256).hexdigest()[:20]


def load_or_create(path: Path) -> bytes:
    """The key at `path`, created if there is none; raises `UserKeyError` for a damaged or unreadable one."""
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        return _create(path)
    except OSError as error:
        raise UserKeyError(f"cannot read the user key {path}: {error.strerror}") from None
    if len(key) < KEY_BYTES:
        raise UserKeyError(
            f"the user key {path} is {len(key)} bytes, not {KEY_BYTES}: it was damaged (a full disk?); "
            "delete it to start a new one (earlier hashes will no longer match)"
        )
    return key


def _create(path: Path) -> bytes:
    key = secrets.token_bytes(KEY_BYTES)
    scratch = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        descriptor = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            written = os.write(descriptor, key)
            if written != len(key):
                raise OSError(28, "the key could not be written whole")
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(scratch, path)
    except OSError as error:
        scratch.unlink(missing_ok=True)
        raise UserKeyError(f"cannot write the user key {path}: {error.strerror}") from None
    return key
