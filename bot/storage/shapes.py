"""SQL that both backends run as written, so that each behaviour has one copy.

Written with PostgreSQL's `%s` placeholders; `for_sqlite` turns them into SQLite's `?`. Times
are parameters (epoch seconds in SQLite, `timestamptz` in PostgreSQL), so the text is the same.
Imports nothing.
"""

from __future__ import annotations

RECEIVE = (
    "INSERT INTO inbox (bot, update_id, payload, received, holder) VALUES (%s, %s, %s, %s, %s)"
    " ON CONFLICT (bot, update_id) DO UPDATE SET payload = excluded.payload, received = excluded.received,"
    " holder = excluded.holder, done = NULL WHERE inbox.received < %s"
)
"""Keep an update: a new row, or one whose id was last seen before the given time (ids start again).
Parameters: bot, update id, payload, now, holder, the time before which an id is forgotten."""

DONE = "UPDATE inbox SET done = %s, payload = NULL WHERE bot = %s AND update_id = %s"
"""Mark an update handled; its payload is not needed any more. Parameters: now, bot, update id."""

ADOPT = "UPDATE inbox SET bot = %s WHERE bot = 0"
"""Rows kept before the inbox recorded bots become the given bot's (one bot per store until then)."""


def for_sqlite(statement: str) -> str:
    """The statement with SQLite's placeholders."""
    return statement.replace("%s", "?")
