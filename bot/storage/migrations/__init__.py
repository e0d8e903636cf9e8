"""Numbered schema migrations, one SQL file each, per database kind (`sqlite/`, `postgres/`).

A store applies, in order and each in its own transaction, the files numbered above the
version its database records. Never edit a released file: add the next number.
"""

from __future__ import annotations

from importlib.resources import files


def migrations(kind: str) -> list[tuple[int, str]]:
    """(number, SQL) of every migration for a database kind, in order."""
    folder = files(__name__).joinpath(kind)
    found = []
    for item in folder.iterdir():
        name = item.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), item.read_text(encoding="utf-8")))
    return sorted(found)
