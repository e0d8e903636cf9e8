"""The store in one SQLite file under `DATA_DIR`: the default, for one process.

Writes go through one thread, in order, and return once committed with `synchronous=FULL`
(on disk: a power cut loses none); writes that queue up while one commit is under way go
together in the next transaction, each in a savepoint of its own (group commit). Reads use
a second connection (in WAL mode a writer never blocks them). The usage log goes through a
bounded queue drained by that writer: recording never holds a handler, and when the queue
is full what is dropped is counted and logged once a minute. Other writes (a pending
choice) are awaited for at most `WRITE_WAIT`; the inbox's wait for their commit however
long it takes (the inbox decides how long to wait, see `bot.tg.inbox`). When another
process holds the database, the writer keeps retrying in order and nothing is lost;
meanwhile the store is *behind*: writes are queued without waiting for them, so a locked
database never slows an answer, and the backlog is bounded by `MAX_BACKLOG`. Everything
under `DATA_DIR` is owner-only. A database file that is not a database any more is read
for its unhandled updates, moved aside and a fresh one started with them. Imports nothing
from `telegram`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from bot.faq.reloading import file_lock
from bot.language import Lang
from bot.storage.migrations import migrations
from bot.storage.shapes import ADOPT, DONE, RECEIVE, for_sqlite
from bot.storage.store import (
    CARD_COLUMNS,
    REVIEW_COLUMNS,
    Answered,
    Card,
    Clock,
    Event,
    EventRow,
    Inbound,
    Lifetimes,
    PendingReview,
    Receipt,
    StoreBusy,
    StoreError,
    Version,
    VoteRow,
    card_from,
    card_values,
    holder_name,
    review_from,
    review_values,
    utc_now,
)
from bot.storage.user_key import UserKeyError, load_or_create, pseudonym

log = logging.getLogger(__name__)

DATABASE = "bot.sqlite3"
LEGACY = "feedback.sqlite3"
"""The usage log of versions before this store; its events are copied in once."""
BUSY_WAIT = 1.0
"""Seconds a write waits on a database another process holds before the writer tries it again."""
READ_WAIT = 0.25
"""Seconds a read waits on a busy database before the handler goes on without it."""
WRITE_WAIT = 0.5
"""Seconds a handler waits for a write before going on without it (the write still happens)."""
MAX_BACKLOG = 5000
"""Writes waiting for the writer at most; beyond it (a database locked for long) new ones are refused."""
CACHE_KIB = 512
"""Page cache per connection: the database is small and mostly appended to; SQLite's default is 2 MiB."""
CLOSE_WAIT = 2.0
"""Seconds closing waits for queued usage events; then writes still blocked by another process are given up."""
QUEUE_SIZE = 2000
"""Usage-log events waiting to be written; beyond it new ones are dropped and counted."""
COMMIT_BATCH = 500
"""Writes committed together at most (one transaction, one fsync)."""
SYNCHRONOUS = "FULL"
"""FULL: each commit is on disk before it returns, so an update confirmed to Telegram after its inbox
write survives a power cut. NORMAL (in WAL mode) syncs only at checkpoints: a power cut loses the
commits since the last one. `python -m bench.durability` measures both."""
PRUNE_EVERY = 3600.0
"""Seconds between removals of expired conversation state and old handled updates."""

T = TypeVar("T")
Outcome = tuple[asyncio.Future[Any], Any, BaseException | None]
"""A write's future, and its result or the error it raised."""


def _epoch(moment: datetime) -> float:
    return moment.timestamp()


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


class SqliteStore:
    """`Store` on one SQLite file."""

    def __init__(self, data_dir: Path, *, clock: Clock = utc_now, lifetimes: Lifetimes | None = None) -> None:
        self.data_dir = data_dir
        self.path = data_dir / DATABASE
        self.clock = clock
        self.lifetimes = lifetimes or Lifetimes()
        self.description = f"sqlite:{self.path}"
        self.shared = False
        """One process per SQLite store: updates need no claims."""
        self.holder = holder_name()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-writer")
        self._reader_lock = threading.Lock()
        self._write_db: sqlite3.Connection | None = None
        self._read_db: sqlite3.Connection | None = None
        self._key = b""
        self._queue: asyncio.Queue[tuple[Any, ...]] | None = None
        self._drain: asyncio.Task[None] | None = None
        self.dropped = 0
        self._dropped_told = 0.0
        self._last_prune = 0.0
        self._closed = False
        self._closing = threading.Event()
        """Set when closing: a write blocked by another process is then given up, not retried."""
        self._backlog = 0
        self._pending: deque[tuple[Callable[[sqlite3.Connection], Any], asyncio.Future[Any]]] = deque()
        """Writes waiting for the writer thread's next transaction (appended on the loop, taken in the thread)."""
        self._committing = False
        """Whether the writer thread has been asked to commit what is pending (touched on the loop only)."""
        self._behind_since: float | None = None
        """When a write last took longer than WRITE_WAIT; None once the writer has caught up."""
        self.refused = 0
        self.events = _Events(self)
        self.votes = _Votes(self)
        self.conversations = _Conversations(self)
        self.deliveries = _Deliveries(self)
        self.receipts = _Receipts(self)
        self.versions = _Versions(self)
        self.reviews = _Reviews(self)
        self.cards = _Cards(self)

    # ------------------------------------------------------------------ life

    async def start(self) -> None:
        """Open (creating DATA_DIR owner-only), move a corrupted file aside, migrate, start the writer."""
        await asyncio.get_running_loop().run_in_executor(self._writer, self._open)
        self._queue = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._drain = asyncio.create_task(self._drain_events(), name="store writer")

    def _open(self) -> None:
        fresh = self._check_files()
        salvaged: list[tuple[Any, ...]] = []
        try:
            self._write_db = self._connect()
            self._check_whole(self._write_db)
        except sqlite3.DatabaseError as error:
            if isinstance(error, sqlite3.OperationalError) and not _looks_corrupt(error):
                raise StoreError(f"cannot use the database {self.path}: {error}") from None
            salvaged = self._move_aside(error)
            fresh = True
            self._write_db = self._connect()
        try:
            self._migrate(self._write_db)
            if fresh:
                _transaction(self._write_db, self._import_legacy)
            if salvaged:
                insert = "INSERT OR IGNORE INTO inbox (bot, update_id, payload, received) VALUES (?, ?, ?, ?)"
                _transaction(self._write_db, lambda db: db.executemany(insert, salvaged))
        except sqlite3.OperationalError as error:
            raise StoreError(f"cannot use the database {self.path}: {error}") from None
        self._read_db = self._connect(READ_WAIT)
        for name in (DATABASE, f"{DATABASE}-wal", f"{DATABASE}-shm"):
            path = self.data_dir / name
            try:
                if path.exists():
                    path.chmod(0o600)
            except OSError as error:
                log.warning("%s is not made owner-only: %s", path, error.strerror)

    def _check_files(self) -> bool:
        """Create DATA_DIR, check it and the database can be written, load the key; True for a new database."""
        try:
            self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create DATA_DIR {self.data_dir}: {error.strerror}") from None
        if not os.access(self.data_dir, os.W_OK):
            raise StoreError(f"cannot write in DATA_DIR {self.data_dir} (read-only, or another user's): "
                             "the bot keeps its database there")  # fmt: skip
        try:
            self._key = load_or_create(self.data_dir / "user-key")
        except UserKeyError as error:
            raise StoreError(str(error)) from None
        if not self.path.exists():
            return True
        if not os.access(self.path, os.R_OK | os.W_OK):
            raise StoreError(f"cannot read and write the database {self.path}: permission denied")
        if self.path.stat().st_size == 0 and not self.path.with_name(DATABASE + "-wal").exists():
            log.warning("the database %s is empty (0 bytes; a full disk?): starting it afresh", self.path)
        return False

    def _connect(self, busy_wait: float = BUSY_WAIT) -> sqlite3.Connection:
        old_mask = os.umask(0o077)
        try:
            db = sqlite3.connect(self.path, timeout=busy_wait, check_same_thread=False, isolation_level=None)
        finally:
            os.umask(old_mask)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"PRAGMA synchronous={SYNCHRONOUS}")
        db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        return db

    def _check_whole(self, db: sqlite3.Connection) -> None:
        row = db.execute("PRAGMA quick_check").fetchone()
        if row is None or row[0] != "ok":
            raise sqlite3.DatabaseError(f"quick_check says {row[0] if row else 'nothing'}")

    def _move_aside(self, error: Exception) -> list[tuple[Any, ...]]:
        """Move a damaged database aside; the unhandled updates that still read from it."""
        if self._write_db is not None:
            self._write_db.close()
            self._write_db = None
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        aside = self.path.with_name(f"{DATABASE}.corrupt-{stamp}")
        try:
            os.replace(self.path, aside)
            for suffix in ("-wal", "-shm"):
                side = self.path.with_name(DATABASE + suffix)
                if side.exists():
                    os.replace(side, aside.with_name(aside.name + suffix))
        except OSError as move_error:
            raise StoreError(
                f"the database {self.path} is damaged ({error}) and cannot be moved aside: {move_error.strerror}"
            ) from None
        salvaged = salvage_inbox(aside)
        log.warning("the database %s was damaged (%s); moved it to %s and started a fresh one with the %d unhandled "
                    "update(s) that still read from it", self.path, error, aside, len(salvaged))  # fmt: skip
        return salvaged

    def _migrate(self, db: sqlite3.Connection) -> None:
        if db.execute("PRAGMA user_version").fetchone()[0] >= migrations("sqlite")[-1][0]:
            return  # up to date: no write lock needed, so a start does not wait on another holder
        db.execute("BEGIN IMMEDIATE")  # a second process starting at once waits here
        try:
            current = db.execute("PRAGMA user_version").fetchone()[0]
            for number, script in migrations("sqlite"):
                if number > current:
                    for statement in _statements(script):
                        db.execute(statement)
                    db.execute(f"PRAGMA user_version = {number}")
                    log.info("database migrated to version %d", number)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _import_legacy(self, db: sqlite3.Connection) -> None:
        legacy = self.data_dir / LEGACY
        if not legacy.exists():
            return
        try:
            old = sqlite3.connect(f"file:{legacy}?mode=ro", uri=True)
            rows = old.execute(
                "SELECT at, kind, chat_type, lang, question, entry_id, candidates, user FROM events"
                " WHERE kind IN ('answered', 'asked_back', 'unanswered')"
            ).fetchall()
            old.close()
        except sqlite3.Error as error:
            log.warning("the old usage log %s could not be read (%s); starting without it", legacy, error)
            return
        db.executemany(
            "INSERT INTO events (at, kind, chat_type, lang, question, entry_id, candidates, user)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(_epoch(datetime.fromisoformat(row[0])), *row[1:]) for row in rows],
        )
        log.info("copied %d events from the old usage log %s", len(rows), legacy)

    async def close(self) -> None:
        """Write what is queued, then close the database (a second close does nothing).

        Bounded in time: when another process holds the database, what cannot be written
        within `CLOSE_WAIT` (plus one `BUSY_WAIT`) is given up and counted in the log.
        """
        if self._closed:
            return
        self._closed = True
        if self._queue is not None and self._drain is not None:
            try:
                await asyncio.wait_for(self._queue.join(), CLOSE_WAIT)
            except TimeoutError:
                log.warning(
                    "closing: %d usage events still waiting; the database is held elsewhere", self._queue.qsize()
                )
            self._closing.set()
            self._drain.cancel()
        self._closing.set()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._writer, self._close)
        self._writer.shutdown(wait=True)
        self._fail_pending(StoreError("the store is closed"))
        if self.dropped or self.refused:
            log.warning("store closed; %d usage events dropped, %d writes refused while the database was held",
                        self.dropped, self.refused)  # fmt: skip

    def _close(self) -> None:
        for db in (self._write_db, self._read_db):
            if db is not None:
                db.close()
        self._write_db = self._read_db = None

    async def healthy(self) -> tuple[bool, str]:
        """Whether the database answers a read."""
        try:
            await self.read(lambda db: db.execute("SELECT 1").fetchone())
        except StoreError as error:
            return False, f"database {self.path} does not answer: {error}"
        notes = []
        if self._behind_since is not None:
            notes.append(f"{self._backlog} writes waiting for {time.monotonic() - self._behind_since:.0f} s")
        if self.dropped:
            notes.append(f"{self.dropped} usage events dropped")
        note = f" ({'; '.join(notes)})" if notes else ""
        return True, f"database {self.path} answers{note}"

    def exclusive(self, name: str) -> AbstractAsyncContextManager[None]:
        """A lock file beside the database (`DATA_DIR/<name>.lock`), held with flock."""
        return file_lock(self.data_dir / f"{name}.lock")

    @property
    def behind(self) -> bool:
        """Whether writes are waiting on a database another process holds."""
        return self._behind_since is not None

    def user_hash(self, user_id: int | str | None) -> str:
        """A stable pseudonym for a user id."""
        return pseudonym(self._key, user_id)

    async def follow_versions(self, on_version: Callable[[int], Awaitable[None]], stop: Callable[[], bool]) -> None:
        """One process per SQLite store: no other adds versions."""
        del on_version, stop

    def now(self) -> float:
        """The store's clock, as epoch seconds."""
        return _epoch(self.clock())

    # ------------------------------------------------------------------ doing

    async def write(self, work: Callable[[sqlite3.Connection], T], *, wait: float | None = WRITE_WAIT) -> T:
        """Run `work` on the writer connection, in order with every other write, and return once it is
        committed (on disk: synchronous=FULL).

        Writes that queue up while one commit is under way go together in the next transaction,
        each in a savepoint of its own (group commit): one fsync for many writes, and one
        failing does not undo the others. With `wait`, the caller waits at most that long, and
        not at all while the store is behind: it then gets `StoreBusy`, and the write still
        happens once the database is free. Raises `StoreError` when the database fails.
        """
        if self._backlog >= MAX_BACKLOG:
            self.refused += 1
            raise StoreBusy(f"the database {self.path} is held elsewhere; {self._backlog} writes are waiting")
        if self._write_db is None or self._closing.is_set():
            raise StoreError("the store is closed")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._pending.append((work, future))
        self._backlog += 1
        future.add_done_callback(self._written)
        self._commit_soon(loop)
        try:
            if wait is None:
                return await asyncio.shield(future)
            if self._behind_since is not None:
                raise StoreBusy(f"the database {self.path} is held elsewhere; the write is queued")
            done, _ = await asyncio.wait([future], timeout=wait)
            if not done:
                if self._behind_since is None:
                    self._behind_since = time.monotonic()
                    log.warning("the database %s is held by another process; writes are queued until it is free",
                                self.path)  # fmt: skip
                raise StoreBusy(f"the database {self.path} did not answer within {wait} s; the write is queued")
            return future.result()
        except sqlite3.Error as error:
            raise StoreError(f"the database {self.path} failed: {error}") from None

    def _commit_soon(self, loop: asyncio.AbstractEventLoop) -> None:
        """Have the writer thread commit what is pending, unless it is already on it."""
        if self._committing or not self._pending:
            return
        self._committing = True
        try:
            self._writer.submit(self._commit_pending, loop)
        except RuntimeError:  # the writer has shut down
            self._committing = False
            self._fail_pending(StoreError("the store is closed"))

    def _committed(self, loop: asyncio.AbstractEventLoop) -> None:
        """On the event loop: the writer thread found nothing more; writes queued since need a new round."""
        self._committing = False
        self._commit_soon(loop)

    def _fail_pending(self, error: Exception) -> None:
        while self._pending:
            _, future = self._pending.popleft()
            if not future.done():
                future.set_exception(error)

    def _commit_pending(self, loop: asyncio.AbstractEventLoop) -> None:
        """In the writer thread: commit pending writes, a batch per transaction, until none are left."""
        while self._pending:
            batch = [self._pending.popleft() for _ in range(min(len(self._pending), COMMIT_BATCH))]
            for future, result, error in self._commit(batch):
                loop.call_soon_threadsafe(_settle, future, result, error)
        loop.call_soon_threadsafe(self._committed, loop)

    def _commit(self, batch: list[tuple[Callable[[sqlite3.Connection], Any], asyncio.Future[Any]]]) -> list[Outcome]:
        """Run a batch of writes in one transaction, each in its own savepoint; while another process holds
        the database, try again (each try waits BUSY_WAIT). Nothing counts as done before the commit."""
        while True:
            db = self._write_db
            if db is None:
                return [(future, None, StoreError("the store is closed")) for _, future in batch]
            try:
                db.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as error:
                if not _is_busy(error) or self._closing.is_set():
                    return [(future, None, error) for _, future in batch]
        outcomes: list[Outcome] = []
        try:
            for work, future in batch:
                db.execute("SAVEPOINT one_write")
                try:
                    result = work(db)
                except Exception as error:  # any error is that write's own, handed to its caller as raised
                    db.execute("ROLLBACK TO one_write")
                    outcomes.append((future, None, error))
                else:
                    outcomes.append((future, result, None))
                db.execute("RELEASE one_write")
            db.execute("COMMIT")
        except sqlite3.Error as error:  # a full disk, a damaged file: none of the batch is written
            if db.in_transaction:
                db.execute("ROLLBACK")
            return [(future, None, error) for _, future in batch]
        return outcomes

    async def flush(self) -> None:
        """Wait (at most WRITE_WAIT) for queued usage events to be written, so a report includes them."""
        if self._queue is not None and not self._closed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._queue.join(), WRITE_WAIT)

    def _written(self, future: asyncio.Future[Any]) -> None:
        self._backlog -= 1
        error = None if future.cancelled() else future.exception()
        if error is not None and not isinstance(error, StoreError):
            log.debug("a write failed: %s", error)
        if self._backlog == 0 and self._behind_since is not None:
            log.info("the database %s is free again after %.0f s", self.path, time.monotonic() - self._behind_since)
            self._behind_since = None

    async def read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` on the reader connection, off the event loop; raises `StoreError` if the database fails."""
        try:
            return await asyncio.to_thread(self._on_reader, work)
        except sqlite3.Error as error:
            raise StoreError(f"the database {self.path} failed: {error}") from None

    def _on_reader(self, work: Callable[[sqlite3.Connection], T]) -> T:
        with self._reader_lock:
            if self._read_db is None:
                raise StoreError("the store is closed")
            return work(self._read_db)

    def queue_event(self, event: Event) -> None:
        """Hand an event, stamped now, to the writer; if too many wait, drop it and count it."""
        if self._queue is None or self._closed:
            self.dropped += 1
            return
        try:
            self._queue.put_nowait(self._event_row(event))
        except asyncio.QueueFull:
            self.dropped += 1
            now = time.monotonic()
            if now - self._dropped_told >= 60:
                self._dropped_told = now
                log.warning("usage log: %d events dropped so far; the database is not keeping up", self.dropped)

    async def _drain_events(self) -> None:
        assert self._queue is not None
        while True:
            batch = [await self._queue.get()]
            while not self._queue.empty() and len(batch) < 200:
                batch.append(self._queue.get_nowait())
            rows = list(batch)
            try:
                await self.write(functools.partial(_insert_events, rows=rows), wait=None)
            except StoreError as error:
                self.dropped += len(batch)
                log.warning("usage log: %d events not recorded: %s", len(batch), error)
            finally:
                for _ in batch:
                    self._queue.task_done()
            if time.monotonic() - self._last_prune >= PRUNE_EVERY:
                self._last_prune = time.monotonic()
                try:
                    await self.write(self._prune, wait=None)
                except StoreError as error:
                    log.warning("expired state not removed: %s", error)

    def _event_row(self, event: Event) -> tuple[Any, ...]:
        return (
            self.now(),
            event.kind,
            event.chat_type,
            event.lang,
            event.question[:1000],
            event.entry_id,
            json.dumps([[entry, score] for entry, score in event.candidates]),
            self.user_hash(event.user_id),
            event.channel,
        )

    def _prune(self, db: sqlite3.Connection) -> None:
        now = self.now()
        life = self.lifetimes
        db.execute("DELETE FROM dialogues WHERE expires < ?", (now,))
        db.execute("DELETE FROM answers WHERE at < ?", (now - life.answer.total_seconds(),))
        db.execute("DELETE FROM people WHERE at < ?", (now - life.language.total_seconds(),))
        db.execute("DELETE FROM inbox WHERE done < ?", (now - life.handled.total_seconds(),))
        db.execute("DELETE FROM reviews WHERE expires < ?", (now,))
        db.execute("DELETE FROM faq_reviews WHERE expires < ?", (now - life.review_kept.total_seconds(),))
        db.execute("DELETE FROM cards WHERE expires < ?", (now,))
        db.execute("DELETE FROM receipts WHERE at < ?", (now - life.resend.total_seconds(),))
        db.execute("DELETE FROM events WHERE at < ?", (now - life.events.total_seconds(),))


def _insert_events(db: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
    db.executemany(
        "INSERT INTO events (at, kind, chat_type, lang, question, entry_id, candidates, user, channel)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    """On the event loop: hand a write's outcome to whoever waits for it (unless it gave up)."""
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


def _statements(script: str) -> list[str]:
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [statement.strip() for statement in "\n".join(lines).split(";") if statement.strip()]


def _transaction(db: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    """Run `work` in one transaction that takes the write lock first, so it is all or nothing."""
    db.execute("BEGIN IMMEDIATE")
    try:
        result = work(db)
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return result


def _is_busy(error: sqlite3.Error) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


def _looks_corrupt(error: sqlite3.Error) -> bool:
    text = str(error).lower()
    return "malformed" in text or "not a database" in text or "corrupt" in text


def salvage_inbox(path: Path) -> list[tuple[Any, ...]]:
    """The unhandled updates (bot, update id, payload, received) that still read from a damaged database.

    Reads the inbox table in row order; where a page does not read, jumps ahead by growing steps
    until rows read again, so one damaged page costs only the updates on it.
    """
    found: list[tuple[Any, ...]] = []
    try:
        old = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return found
    try:
        columns = {row[1] for row in old.execute("PRAGMA table_info(inbox)")}
        bot = "bot" if "bot" in columns else "0"
        after, step = 0, 1
        while step < 1 << 62:
            try:
                rows = old.execute(
                    f"SELECT rowid, {bot}, update_id, payload, received, done FROM inbox"
                    " WHERE rowid > ? ORDER BY rowid",
                    (after,),
                )
                for row in rows:
                    after, step = row[0], 1
                    if row[5] is None and row[3] is not None:
                        found.append(row[1:5])
                break
            except sqlite3.DatabaseError:
                after, step = after + step, step * 2
    except sqlite3.DatabaseError as error:
        log.warning("no updates could be read from the damaged database %s: %s", path, error)
    finally:
        old.close()
    return found


class _Events:
    def __init__(self, store: SqliteStore) -> None:
        self.store = store

    async def record(self, event: Event) -> None:
        self.store.queue_event(event)

    async def since(self, since: datetime, kinds: Sequence[str] = ()) -> list[EventRow]:
        await self.store.flush()
        clause = f" AND kind IN ({','.join('?' * len(kinds))})" if kinds else ""
        rows = await self.store.read(
            lambda db: db.execute(
                "SELECT id, at, kind, chat_type, lang, question, entry_id, candidates, user, channel FROM events"
                f" WHERE at >= ?{clause} ORDER BY id",
                (_epoch(since), *kinds),
            ).fetchall()
        )
        return [
            EventRow(
                id=row[0],
                at=_moment(row[1]),
                kind=row[2],
                chat_type=row[3],
                lang=row[4],
                question=row[5],
                entry_id=row[6],
                candidates=tuple((str(e), float(s)) for e, s in json.loads(row[7] or "[]")),
                user=row[8],
                channel=row[9],
            )
            for row in rows
        ]


class _Votes:
    def __init__(self, store: SqliteStore) -> None:
        self.store = store

    async def cast(self, chat_id: int, message_id: int, user_id: int, vote: int) -> bool:
        user = self.store.user_hash(user_id)
        now = self.store.now()

        def work(db: sqlite3.Connection) -> bool:
            known = db.execute(
                "SELECT 1 FROM answers WHERE chat_id = ? AND message_id = ? AND kind = 'answer'",
                (chat_id, message_id),
            ).fetchone()
            if known is None:
                return False
            db.execute(
                "INSERT INTO votes (chat_id, message_id, user, vote, at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (chat_id, message_id, user) DO UPDATE SET vote = excluded.vote, at = excluded.at",
                (chat_id, message_id, user, 1 if vote > 0 else -1, now),
            )
            return True

        return await self.store.write(work)

    async def since(self, since: datetime) -> list[VoteRow]:
        rows = await self.store.read(
            lambda db: db.execute(
                "SELECT v.chat_id, v.message_id, a.entry_id, v.user, v.vote, v.at, a.question, a.lang FROM votes v"
                " LEFT JOIN answers a ON a.chat_id = v.chat_id AND a.message_id = v.message_id"
                " WHERE v.at >= ? ORDER BY v.at",
                (_epoch(since),),
            ).fetchall()
        )
        return [VoteRow(r[0], r[1], r[2], r[3], r[4], _moment(r[5]), r[6], r[7]) for r in rows]


class _Conversations:
    def __init__(self, store: SqliteStore) -> None:
        self.store = store

    async def keep(self, key: str, state: str, expires: datetime) -> None:
        row = (key, state, _epoch(expires))

        def work(db: sqlite3.Connection) -> None:
            db.execute("INSERT OR REPLACE INTO dialogues (key, state, expires) VALUES (?, ?, ?)", row)

        await self.store.write(work)

    async def recall(self, key: str) -> str | None:
        row = await self.store.read(
            lambda db: db.execute(
                "SELECT state FROM dialogues WHERE key = ? AND expires >= ?", (key, self.store.now())
            ).fetchone()
        )
        return None if row is None else str(row[0])

    async def answered(self, reply: Answered) -> None:
        row = (reply.chat_id, reply.message_id, reply.question[:1000], reply.lang, reply.kind, reply.entry_id,
               reply.user_id, reply.question_message_id, _epoch(reply.at), json.dumps(reply.options))  # fmt: skip

        def work(db: sqlite3.Connection) -> None:
            db.execute(f"INSERT OR REPLACE INTO answers ({_ANSWER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)

        await self.store.write(work)

    async def reply(self, chat_id: int, message_id: int) -> Answered | None:
        row = await self.store.read(
            lambda db: db.execute(
                f"SELECT {_ANSWER_COLUMNS} FROM answers WHERE chat_id = ? AND message_id = ?", (chat_id, message_id)
            ).fetchone()
        )
        return _answered(row)

    async def reply_to(self, chat_id: int, question_message_id: int) -> Answered | None:
        row = await self.store.read(
            lambda db: db.execute(
                f"SELECT {_ANSWER_COLUMNS} FROM answers WHERE chat_id = ? AND question_message_id = ?"
                " ORDER BY at DESC LIMIT 1",
                (chat_id, question_message_id),
            ).fetchone()
        )
        return _answered(row)

    async def remember_language(self, person: str, lang: Lang) -> None:
        now = self.store.now()

        def work(db: sqlite3.Connection) -> None:
            db.execute("INSERT OR REPLACE INTO people (key, lang, at) VALUES (?, ?, ?)", (person, lang, now))

        await self.store.write(work)

    async def language(self, person: str) -> Lang | None:
        row = await self.store.read(
            lambda db: db.execute("SELECT lang FROM people WHERE key = ?", (person,)).fetchone()
        )
        if row is None:
            return None
        return "en" if row[0] == "en" else "zh"


_ANSWER_COLUMNS = "chat_id, message_id, question, lang, kind, entry_id, user_id, question_message_id, at, options"


def _answered(row: tuple[Any, ...] | None) -> Answered | None:
    if row is None:
        return None
    lang: Lang = "en" if row[3] == "en" else "zh"
    options = tuple(str(option) for option in json.loads(row[9] or "[]"))
    return Answered(row[0], row[1], row[2], lang, row[4], row[5], row[6], row[7], _moment(row[8]), options)


class _Deliveries:
    """One process uses a SQLite store: updates this process holds are in hand; any other holder's
    are a stopped run's, to be finished by this one. Every write here waits for its commit (an
    update is confirmed to Telegram only once it is on disk), however long the database is held."""

    def __init__(self, store: SqliteStore) -> None:
        self.store = store

    async def receive(self, bot: int, update_id: int, payload: str) -> bool:
        now, holder = self.store.now(), self.store.holder
        forgotten = now - self.store.lifetimes.handled.total_seconds()

        def work(db: sqlite3.Connection) -> bool:
            cursor = db.execute(for_sqlite(RECEIVE), (bot, update_id, payload, now, holder, forgotten))
            return cursor.rowcount == 1

        return await self.store.write(work, wait=None)

    async def claim(self, bot: int, update_id: int, holder: str) -> bool:
        now, alive = self.store.now(), self.store.holder

        def work(db: sqlite3.Connection) -> bool:
            cursor = db.execute(
                "UPDATE inbox SET holder = ? WHERE bot = ? AND update_id = ? AND done IS NULL"
                " AND (holder IS NULL OR holder = ? OR holder != ?)",
                (holder, bot, update_id, holder, alive),
            )
            if cursor.rowcount == 1:
                return True
            exists = db.execute("SELECT 1 FROM inbox WHERE bot = ? AND update_id = ?", (bot, update_id)).fetchone()
            if exists is not None:
                return False
            db.execute(
                "INSERT INTO inbox (bot, update_id, payload, received, holder) VALUES (?, ?, NULL, ?, ?)",
                (bot, update_id, now, holder),
            )
            return True

        return await self.store.write(work)

    async def done(self, bot: int, update_id: int) -> None:
        now = self.store.now()
        await self.store.write(lambda db: db.execute(for_sqlite(DONE), (now, bot, update_id)), wait=None)

    async def unhandled(self, bot: int) -> list[Inbound]:
        rows = await self.store.read(
            lambda db: db.execute(
                "SELECT bot, update_id, payload, received, holder FROM inbox WHERE bot IN (?, 0) AND done IS NULL"
                " AND payload IS NOT NULL AND (holder IS NULL OR holder != ?) ORDER BY update_id",
                (bot, self.store.holder),
            ).fetchall()
        )
        if any(row[0] == 0 for row in rows):
            await self.store.write(lambda db: db.execute(for_sqlite(ADOPT), (bot,)), wait=None)
        return [Inbound(bot, r[1], r[2], _moment(r[3]), r[4]) for r in rows]


class _Receipts:
    """One process uses a SQLite store: a message taken by any other holder was left by a stopped run."""

    def __init__(self, store: SqliteStore) -> None:
        self.store = store

    async def take(self, key: str) -> Receipt | None:
        now, holder = self.store.now(), self.store.holder

        def work(db: sqlite3.Connection) -> Receipt | None:
            if db.execute("INSERT OR IGNORE INTO receipts (key, holder, at) VALUES (?, ?, ?)",
                          (key, holder, now)).rowcount == 1:  # fmt: skip
                return None
            if db.execute("UPDATE receipts SET holder = ?, at = ? WHERE key = ? AND settled = 0 AND holder != ?",
                          (holder, now, key, holder)).rowcount == 1:  # fmt: skip
                return None
            return _receipt(db.execute(f"SELECT {_RECEIPT_COLUMNS} FROM receipts WHERE key = ?", (key,)).fetchone())

        return await self.store.write(work)

    async def settle(self, key: str, reply: str | None) -> None:
        def work(db: sqlite3.Connection) -> None:
            db.execute("UPDATE receipts SET settled = 1, reply = ? WHERE key = ?", (reply, key))

        await self.store.write(work)

    async def get(self, key: str) -> Receipt | None:
        return _receipt(
            await self.store.read(
                lambda db: db.execute(f"SELECT {_RECEIPT_COLUMNS} FROM receipts WHERE key = ?", (key,)).fetchone()
            )
        )


_RECEIPT_COLUMNS = "key, holder, at, settled, reply"


def _receipt(row: tuple[Any, ...] | None) -> Receipt | None:
    return None if row is None else Receipt(row[0], row[1], _moment(row[2]), bool(row[3]), row[4])


class _Versions:
    def __init__(self, store: SqliteStore) -> None:
        self.store = store

    async def add(self, raw: bytes, author: str, summary: str, author_id: int | None = None) -> Version:
        now = self.store.now()
        digest = hashlib.sha256(raw).hexdigest()

        def work(db: sqlite3.Connection) -> Version:
            number = db.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM versions").fetchone()[0]
            db.execute(
                "INSERT INTO versions (number, at, author, summary, sha256, body, author_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (number, now, author, summary, digest, raw, author_id),
            )
            return Version(number, _moment(now), author, summary, digest, len(raw), author_id)

        return await self.store.write(work)

    async def latest(self, limit: int = 10) -> list[Version]:
        rows = await self.store.read(
            lambda db: db.execute(
                "SELECT number, at, author, summary, sha256, length(body), author_id FROM versions"
                " ORDER BY number DESC LIMIT ?",
                (limit,),
            ).fetchall()
        )
        return [Version(r[0], _moment(r[1]), r[2], r[3], r[4], r[5], r[6]) for r in rows]

    async def get(self, number: int) -> tuple[Version, bytes] | None:
        row = await self.store.read(
            lambda db: db.execute(
                "SELECT number, at, author, summary, sha256, body, author_id FROM versions WHERE number = ?",
                (number,),
            ).fetchone()
        )
        if row is None:
            return None
        body = bytes(row[5])
        return Version(row[0], _moment(row[1]), row[2], row[3], row[4], len(body), row[6]), body


class _Reviews:
    def __init__(self, store: SqliteStore) -> None:
        self.store = store

    async def add(self, review: PendingReview) -> None:
        row = review_values(review, _epoch)
        holes = ", ".join("?" * len(row))
        await self.store.write(
            lambda db: db.execute(f"INSERT INTO faq_reviews ({REVIEW_COLUMNS}) VALUES ({holes})", row), wait=None
        )

    async def get(self, review_id: str) -> PendingReview | None:
        row = await self.store.read(
            lambda db: db.execute(f"SELECT {REVIEW_COLUMNS} FROM faq_reviews WHERE id = ?", (review_id,)).fetchone()
        )
        return review_from(row, _moment) if row is not None else None

    async def settle(
        self, review_id: str, state: str, *, was: Sequence[str] = ("open",), version: int | None = None
    ) -> bool:
        holes = ", ".join("?" * len(was))

        def work(db: sqlite3.Connection) -> bool:
            cursor = db.execute(
                f"UPDATE faq_reviews SET state = ?, version = COALESCE(?, version) WHERE id = ? AND state IN ({holes})",
                (state, version, review_id, *was),
            )
            return cursor.rowcount == 1

        return await self.store.write(work, wait=None)

    async def shown(self, review_id: str, chat_id: int, message_id: int) -> None:
        await self.store.write(
            lambda db: db.execute(
                "UPDATE faq_reviews SET chat_id = ?, message_id = ? WHERE id = ?", (chat_id, message_id, review_id)
            ),
            wait=None,
        )

    async def open_teaching(self, admin: int) -> PendingReview | None:
        row = await self.store.read(
            lambda db: db.execute(
                f"SELECT {REVIEW_COLUMNS} FROM faq_reviews WHERE admin = ? AND kind = 'teach' AND state = 'open'"
                " AND expires >= ? ORDER BY at DESC LIMIT 1",
                (admin, self.store.now()),
            ).fetchone()
        )
        return review_from(row, _moment) if row is not None else None


class _Cards:
    def __init__(self, store: SqliteStore) -> None:
        self.store = store

    async def add(self, cards: Sequence[Card]) -> None:
        rows = [card_values(card, _epoch) for card in cards]
        holes = ", ".join("?" * 9)
        await self.store.write(
            lambda db: db.executemany(f"INSERT INTO cards ({CARD_COLUMNS}) VALUES ({holes})", rows), wait=None
        )

    async def get(self, card_id: str) -> Card | None:
        row = await self.store.read(
            lambda db: db.execute(
                f"SELECT {CARD_COLUMNS} FROM cards WHERE id = ? AND expires >= ?", (card_id, self.store.now())
            ).fetchone()
        )
        return card_from(row, _moment) if row is not None else None
