"""What people asked that the bot could not answer well, and their votes, in SQLite.

Rows go to `DATA_DIR/feedback.sqlite3` (WAL, one transaction per row). User ids are
stored only as a keyed hash. A write that fails (full disk, locked database) is logged
and skipped: recording must never stop the bot from answering. Imports nothing from
`telegram`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,            -- UTC, ISO 8601
    kind TEXT NOT NULL,          -- 'answered', 'asked_back', 'unanswered' or 'vote'
    chat_type TEXT NOT NULL,     -- private, group, supergroup, channel, console
    lang TEXT NOT NULL,
    question TEXT NOT NULL,
    entry_id TEXT,               -- the entry answered or voted on
    vote INTEGER,                -- +1 or -1 for votes
    candidates TEXT NOT NULL,    -- JSON list of [entry id, score]
    user TEXT NOT NULL           -- keyed hash of the user id, never the id itself
);
CREATE INDEX IF NOT EXISTS events_kind_at ON events (kind, at);
"""


@dataclass(frozen=True)
class Event:
    """One thing worth an admin's attention."""

    kind: str
    chat_type: str
    lang: str
    question: str
    user_id: int | None
    entry_id: str | None = None
    vote: int | None = None
    candidates: tuple[tuple[str, float], ...] = ()


class FeedbackStore:
    """An append-only log of events in SQLite; safe to call from several threads."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "feedback.sqlite3"
        self._lock = threading.Lock()
        data_dir.mkdir(parents=True, exist_ok=True)
        self._key = self._salt(data_dir / "user-key")
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=2.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    @staticmethod
    def _salt(path: Path) -> bytes:
        if not path.exists():
            path.write_bytes(secrets.token_bytes(32))
            path.chmod(0o600)
        return path.read_bytes()

    def user_hash(self, user_id: int | None) -> str:
        """A stable pseudonym for a user: the same user gives the same hash, the id is not recoverable."""
        if user_id is None:
            return ""
        return hmac.new(self._key, str(user_id).encode(), hashlib.sha256).hexdigest()[:20]

    def record(self, event: Event) -> bool:
        """Store one event; on any database error log it and return False."""
        row = (
            datetime.now(UTC).isoformat(timespec="seconds"),
            event.kind,
            event.chat_type,
            event.lang,
            event.question[:1000],
            event.entry_id,
            event.vote,
            json.dumps([[entry, score] for entry, score in event.candidates]),
            self.user_hash(event.user_id),
        )
        try:
            with self._lock, self._db:
                self._db.execute(
                    "INSERT INTO events (at, kind, chat_type, lang, question, entry_id, vote, candidates, user)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    row,
                )
        except sqlite3.Error as error:
            log.warning("feedback not recorded (%s): %s", event.kind, error)
            return False
        return True

    def events(self, kind: str | None = None, since: datetime | None = None) -> list[dict[str, Any]]:
        """Stored events, oldest first, optionally of one kind and from a time on."""
        clauses, args = [], []
        if kind:
            clauses.append("kind = ?")
            args.append(kind)
        if since is not None:
            clauses.append("at >= ?")
            args.append(since.astimezone(UTC).isoformat(timespec="seconds"))
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        with self._lock:
            self._db.row_factory = sqlite3.Row
            try:
                return [dict(row) for row in self._db.execute(f"SELECT * FROM events{where} ORDER BY id", args)]
            finally:
                self._db.row_factory = None

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
