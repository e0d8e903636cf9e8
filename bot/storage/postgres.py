"""The store on PostgreSQL (`DATABASE_URL`): one database shared by every replica of the bot.

psycopg 3 with its async connection pool. The schema is created and migrated on start, in
one transaction under an advisory lock, so two replicas starting at once do not collide.
The usage log goes through a bounded queue drained by one task (recording never holds a
handler); other writes are awaited for at most `WRITE_WAIT`, after which the handler goes
on without them (`StoreBusy`): a replica that loses the database keeps answering.

Claims: each replica says it is alive every `BEAT` seconds (`holders`); an update is held by
the replica that received it, and taken over by another once the holder has been silent
for `Lifetimes.holder`. FAQ versions are announced with NOTIFY on `faq_versions`; each
replica LISTENs and loads a new one within a moment. The key that hashes user ids lives in
the database, so that every replica hashes alike. Imports nothing from `telegram`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import psycopg
import psycopg_pool
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool

from bot.language import Lang
from bot.storage.migrations import migrations
from bot.storage.shapes import ADOPT, DONE, RECEIVE
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
from bot.storage.user_key import KEY_BYTES, pseudonym

log = logging.getLogger(__name__)

Connection = psycopg.AsyncConnection[TupleRow]
T = TypeVar("T")

WRITE_WAIT = 1.0
"""Seconds a handler waits for a write or a read before going on without it."""
CONNECT_WAIT = 10.0
"""Seconds the start waits for the database."""
QUEUE_SIZE = 2000
"""Usage-log events waiting to be written; beyond it new ones are dropped and counted."""
BEAT = 2.0
"""Seconds between a replica's "still alive"."""
AWAY_FOR = 5.0
"""Seconds other calls fail at once after one found the database away."""
PRUNE_EVERY = 3600.0
MIGRATION_LOCK = 0x66617162  # "faqb"
LOCK_WAIT = 30.0
"""Seconds `exclusive` waits for another replica to let go of a lock."""
CHANNEL = "faq_versions"


class PostgresStore:
    """`Store` on PostgreSQL, shared by replicas."""

    def __init__(self, url: str, *, clock: Clock = utc_now, lifetimes: Lifetimes | None = None) -> None:
        self.url = url
        self.clock = clock
        self.lifetimes = lifetimes or Lifetimes()
        self.description = f"postgresql:{_safe(url)}"
        self.shared = True
        self.holder = holder_name()
        self._pool: AsyncConnectionPool[Connection] | None = None
        self._key = b""
        self._queue: asyncio.Queue[tuple[Any, ...]] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._closed = False
        self.dropped = 0
        self._dropped_told = 0.0
        self._last_error = ""
        self._away_until = 0.0
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
        """Connect, migrate (once, whichever replica comes first), read the key, start the writers."""
        pool: AsyncConnectionPool[Connection] = AsyncConnectionPool(
            self.url, min_size=1, max_size=8, open=False, timeout=WRITE_WAIT, kwargs={"autocommit": True}
        )
        try:
            await pool.open(wait=True, timeout=CONNECT_WAIT)
        except (psycopg.Error, TimeoutError, OSError) as error:
            with contextlib.suppress(Exception):
                await pool.close()
            raise StoreError(f"cannot reach the database {self.description}: {_first_line(error)}") from None
        self._pool = pool
        try:
            async with pool.connection(timeout=CONNECT_WAIT) as db:
                await self._migrate(db)
                self._key = await self._load_key(db)
                await self._beat(db)
        except psycopg.Error as error:
            await pool.close()
            raise StoreError(f"cannot use the database {self.description}: {_first_line(error)}") from None
        self._queue = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._tasks = [
            asyncio.create_task(self._drain_events(), name="store writer"),
            asyncio.create_task(self._keep_alive(), name="store heartbeat"),
        ]

    async def _migrate(self, db: Connection) -> None:
        async with db.transaction():
            await db.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            await db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (number INTEGER PRIMARY KEY, at TIMESTAMPTZ)"
            )
            cursor = await db.execute("SELECT COALESCE(MAX(number), 0) FROM schema_migrations")
            row = await cursor.fetchone()
            current = int(row[0]) if row else 0
            for number, script in migrations("postgres"):
                if number > current:
                    await db.execute(script.encode())
                    await db.execute("INSERT INTO schema_migrations VALUES (%s, %s)", (number, self.clock()))
                    log.info("database migrated to version %d", number)

    async def _load_key(self, db: Connection) -> bytes:
        await db.execute(
            "INSERT INTO store_settings (name, value) VALUES ('user-key', %s) ON CONFLICT (name) DO NOTHING",
            (secrets.token_bytes(KEY_BYTES),),
        )
        cursor = await db.execute("SELECT value FROM store_settings WHERE name = 'user-key'")
        row = await cursor.fetchone()
        key = bytes(row[0]) if row else b""
        if len(key) < KEY_BYTES:
            raise StoreError(f"the user key in {self.description} is {len(key)} bytes; it must be {KEY_BYTES}")
        return key

    async def _beat(self, db: Connection) -> None:
        await db.execute(
            "INSERT INTO holders (name, seen) VALUES (%s, %s) ON CONFLICT (name) DO UPDATE SET seen = excluded.seen",
            (self.holder, self.clock()),
        )

    async def _keep_alive(self) -> None:
        last_prune = time.monotonic()
        while True:
            await asyncio.sleep(BEAT)
            try:
                await self.run(self._beat, probe=True)
                if time.monotonic() - last_prune >= PRUNE_EVERY:
                    last_prune = time.monotonic()
                    await self.run(self._prune)
            except StoreError as error:
                log.debug("heartbeat not written: %s", error)

    async def close(self) -> None:
        """Write what is queued (for at most a few seconds), say this replica is gone, disconnect."""
        if self._closed:
            return
        self._closed = True
        if self._queue is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._queue.join(), 3.0)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._pool is not None:
            with contextlib.suppress(StoreError):
                await self.run(lambda db: db.execute("DELETE FROM holders WHERE name = %s", (self.holder,)))
            await self._pool.close(timeout=3.0)
        if self.dropped:
            log.warning("store closed; %d usage events dropped while the database was away", self.dropped)

    async def healthy(self) -> tuple[bool, str]:
        """Whether the database answers a query."""
        try:
            await self.run(lambda db: db.execute("SELECT 1"))
        except StoreError as error:
            return False, f"database {self.description} does not answer: {error}"
        note = f" ({self.dropped} usage events dropped)" if self.dropped else ""
        return True, f"database {self.description} answers{note}"

    @contextlib.asynccontextmanager
    async def exclusive(self, name: str) -> AsyncIterator[None]:
        """An advisory lock named by `name`, held on a connection of its own by one replica at a time;
        `StoreBusy` when another holds it longer than `LOCK_WAIT`. A replica that dies lets go of it."""
        if self._pool is None:
            raise StoreError("the store is not open")
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big") >> 1
        try:
            async with self._pool.connection(timeout=WRITE_WAIT) as db:
                deadline = time.monotonic() + LOCK_WAIT
                while not await _value(db, "SELECT pg_try_advisory_lock(%s)", (key,)):
                    if time.monotonic() > deadline:
                        raise StoreBusy(f"the lock {name!r} in {self.description} is held elsewhere")
                    await asyncio.sleep(0.05)
                try:
                    yield
                finally:
                    await db.execute("SELECT pg_advisory_unlock(%s)", (key,))
        except (psycopg.Error, psycopg_pool.PoolTimeout) as error:
            raise StoreError(f"the database {self.description} failed: {_first_line(error)}") from None

    def user_hash(self, user_id: int | str | None) -> str:
        """A stable pseudonym for a user id, the same on every replica."""
        return pseudonym(self._key, user_id)

    async def follow_versions(self, on_version: Callable[[int], Awaitable[None]], stop: Callable[[], bool]) -> None:
        """LISTEN for new FAQ versions; reconnect with growing pauses when the database goes away."""
        pause = 1.0
        while not stop():
            try:
                async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as db:
                    await db.execute(f"LISTEN {CHANNEL}")
                    pause = 1.0
                    while not stop():  # each round waits at most a second, to notice a stop
                        async for note in db.notifies(timeout=1.0):
                            if note.payload.isdigit():
                                await on_version(int(note.payload))
            except (psycopg.Error, OSError) as error:
                log.warning("not hearing of new FAQ versions (%s); trying again in %.0f s", _first_line(error), pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 30.0)

    # ------------------------------------------------------------------ doing

    async def run(
        self, work: Callable[[Connection], Awaitable[T]], *, wait: float | None = WRITE_WAIT, probe: bool = False
    ) -> T:
        """Run `work` on a pooled connection in one transaction; `StoreBusy` past `wait` or while the
        database is away, `StoreError` on failure. Once a call finds the database away, others fail at
        once for `AWAY_FOR` seconds (answers do not wait on it); the heartbeat (`probe`) still tries."""
        if self._pool is None:
            raise StoreError("the store is not open")
        if not probe and time.monotonic() < self._away_until:
            raise StoreBusy(f"the database {self.description} is away ({self._last_error})")
        pool = self._pool

        async def attempt() -> T:
            async with pool.connection() as db, db.transaction():
                return await work(db)

        try:
            result = await (attempt() if wait is None else asyncio.wait_for(attempt(), wait))
        except TimeoutError:
            self._away(f"no answer within {wait} s")
            raise StoreBusy(f"the database {self.description} did not answer within {wait} s") from None
        except (psycopg.OperationalError, psycopg_pool.PoolTimeout) as error:
            self._away(_first_line(error))
            raise StoreError(f"the database {self.description} failed: {self._last_error}") from None
        except psycopg.Error as error:
            self._last_error = _first_line(error)
            raise StoreError(f"the database {self.description} failed: {self._last_error}") from None
        if self._away_until:
            log.warning("the database %s answers again", self.description)
            self._away_until = 0.0
        return result

    def _away(self, why: str) -> None:
        if not self._away_until:
            log.warning("the database %s is away (%s); answering without it, trying again every %.0f s",
                        self.description, why, BEAT)  # fmt: skip
        self._last_error = why
        self._away_until = time.monotonic() + AWAY_FOR

    def queue_event(self, event: Event) -> None:
        """Hand an event, stamped now, to the writer; if too many wait, drop it and count it."""
        if self._queue is None or self._closed:
            self.dropped += 1
            return
        candidates = json.dumps([[entry, score] for entry, score in event.candidates])
        row = (self.clock(), event.kind, event.chat_type, event.lang, event.question[:1000], event.entry_id,
               candidates, self.user_hash(event.user_id), event.channel)  # fmt: skip
        try:
            self._queue.put_nowait(row)
        except asyncio.QueueFull:
            self.dropped += 1
            now = time.monotonic()
            if now - self._dropped_told >= 60:
                self._dropped_told = now
                log.warning("usage log: %d events dropped so far; the database is not keeping up", self.dropped)

    async def flush(self) -> None:
        """Wait (briefly) for queued usage events to be written, so a report includes them."""
        if self._queue is not None and not self._closed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._queue.join(), WRITE_WAIT)

    async def _drain_events(self) -> None:
        assert self._queue is not None
        while True:
            batch = [await self._queue.get()]
            while not self._queue.empty() and len(batch) < 200:
                batch.append(self._queue.get_nowait())
            rows = list(batch)

            async def insert(db: Connection, rows: list[tuple[Any, ...]] = rows) -> None:
                await _insert_events(db, rows)

            try:
                await self.run(insert, wait=10.0)
            except StoreError as error:
                self.dropped += len(batch)
                log.warning("usage log: %d events not recorded: %s", len(batch), error)
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _prune(self, db: Connection) -> None:
        now, life = self.clock(), self.lifetimes
        await db.execute("DELETE FROM dialogues WHERE expires < %s", (now,))
        await db.execute("DELETE FROM answers WHERE at < %s", (now - life.answer,))
        await db.execute("DELETE FROM people WHERE at < %s", (now - life.language,))
        await db.execute("DELETE FROM inbox WHERE done < %s", (now - life.handled,))
        await db.execute("DELETE FROM reviews WHERE expires < %s", (now,))
        await db.execute("DELETE FROM faq_reviews WHERE expires < %s", (now - life.review_kept,))
        await db.execute("DELETE FROM cards WHERE expires < %s", (now,))
        await db.execute("DELETE FROM receipts WHERE at < %s", (now - life.resend,))
        await db.execute("DELETE FROM events WHERE at < %s", (now - life.events,))
        await db.execute("DELETE FROM holders WHERE seen < %s", (now - life.handled,))


async def _insert_events(db: Connection, rows: list[tuple[Any, ...]]) -> None:
    async with db.cursor() as cursor:
        await cursor.executemany(
            'INSERT INTO events (at, kind, chat_type, lang, question, entry_id, candidates, "user", channel)'
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )


async def _one(db: Connection, query: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
    cursor = await db.execute(query.encode(), params)
    return await cursor.fetchone()


async def _value(db: Connection, query: str, params: Sequence[Any] = ()) -> Any:
    row = await _one(db, query, params)
    return row[0] if row else None


async def _all(db: Connection, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    cursor = await db.execute(query.encode(), params)
    return await cursor.fetchall()


def _safe(url: str) -> str:
    """The URL without its password, for logs."""
    if "@" not in url or "://" not in url:
        return url
    _, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    return f"//{credentials.split(':', 1)[0]}@{host}" if credentials else f"//{host}"


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def _candidates(text: str | None) -> tuple[tuple[str, float], ...]:
    return tuple((str(entry), float(score)) for entry, score in json.loads(text or "[]"))


def _lang(text: str) -> Lang:
    return "en" if text == "en" else "zh"


class _Events:
    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    async def record(self, event: Event) -> None:
        self.store.queue_event(event)

    async def since(self, since: datetime, kinds: Sequence[str] = ()) -> list[EventRow]:
        await self.store.flush()
        clause = " AND kind = ANY(%s)" if kinds else ""
        params: list[Any] = [since, list(kinds)] if kinds else [since]
        rows = await self.store.run(
            lambda db: _all(
                db,
                'SELECT id, at, kind, chat_type, lang, question, entry_id, candidates, "user", channel FROM events'
                f" WHERE at >= %s{clause} ORDER BY id",
                params,
            )
        )
        return [EventRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], _candidates(r[7]), r[8], r[9]) for r in rows]


class _Votes:
    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    async def cast(self, chat_id: int, message_id: int, user_id: int, vote: int) -> bool:
        user, now = self.store.user_hash(user_id), self.store.clock()

        async def work(db: Connection) -> bool:
            query = "SELECT 1 FROM answers WHERE chat_id = %s AND message_id = %s AND kind = 'answer'"
            known = await _one(db, query, (chat_id, message_id))
            if known is None:
                return False
            await db.execute(
                'INSERT INTO votes (chat_id, message_id, "user", vote, at) VALUES (%s, %s, %s, %s, %s)'
                ' ON CONFLICT (chat_id, message_id, "user") DO UPDATE SET vote = excluded.vote, at = excluded.at',
                (chat_id, message_id, user, 1 if vote > 0 else -1, now),
            )
            return True

        return await self.store.run(work)

    async def since(self, since: datetime) -> list[VoteRow]:
        rows = await self.store.run(
            lambda db: _all(
                db,
                'SELECT v.chat_id, v.message_id, a.entry_id, v."user", v.vote, v.at, a.question, a.lang FROM votes v'
                " LEFT JOIN answers a ON a.chat_id = v.chat_id AND a.message_id = v.message_id"
                " WHERE v.at >= %s ORDER BY v.at",
                (since,),
            )
        )
        return [VoteRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]) for r in rows]


_ANSWER_COLUMNS = "chat_id, message_id, question, lang, kind, entry_id, user_id, question_message_id, at, options"


def _answered(row: tuple[Any, ...] | None) -> Answered | None:
    if row is None:
        return None
    options = tuple(str(option) for option in json.loads(row[9] or "[]"))
    return Answered(row[0], row[1], row[2], _lang(row[3]), row[4], row[5], row[6], row[7], row[8], options)


class _Conversations:
    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    async def keep(self, key: str, state: str, expires: datetime) -> None:
        await self.store.run(
            lambda db: db.execute(
                "INSERT INTO dialogues (key, state, expires) VALUES (%s, %s, %s) ON CONFLICT (key) DO UPDATE SET"
                " state = excluded.state, expires = excluded.expires",
                (key, state, expires),
            )
        )

    async def recall(self, key: str) -> str | None:
        row = await self.store.run(
            lambda db: _one(
                db, "SELECT state FROM dialogues WHERE key = %s AND expires >= %s", (key, self.store.clock())
            )
        )
        return None if row is None else str(row[0])

    async def answered(self, reply: Answered) -> None:
        row = (reply.chat_id, reply.message_id, reply.question[:1000], reply.lang, reply.kind, reply.entry_id,
               reply.user_id, reply.question_message_id, reply.at, json.dumps(reply.options))  # fmt: skip
        await self.store.run(
            lambda db: db.execute(
                f"INSERT INTO answers ({_ANSWER_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (chat_id, message_id) DO UPDATE SET question = excluded.question,"
                " lang = excluded.lang, kind = excluded.kind, entry_id = excluded.entry_id,"
                " user_id = excluded.user_id, question_message_id = excluded.question_message_id, at = excluded.at,"
                " options = excluded.options",
                row,
            )
        )

    async def reply(self, chat_id: int, message_id: int) -> Answered | None:
        return _answered(
            await self.store.run(
                lambda db: _one(
                    db,
                    f"SELECT {_ANSWER_COLUMNS} FROM answers WHERE chat_id = %s AND message_id = %s",
                    (chat_id, message_id),
                )
            )
        )

    async def reply_to(self, chat_id: int, question_message_id: int) -> Answered | None:
        return _answered(
            await self.store.run(
                lambda db: _one(
                    db,
                    f"SELECT {_ANSWER_COLUMNS} FROM answers WHERE chat_id = %s AND question_message_id = %s"
                    " ORDER BY at DESC LIMIT 1",
                    (chat_id, question_message_id),
                )
            )
        )

    async def remember_language(self, person: str, lang: Lang) -> None:
        now = self.store.clock()
        await self.store.run(
            lambda db: db.execute(
                "INSERT INTO people (key, lang, at) VALUES (%s, %s, %s)"
                " ON CONFLICT (key) DO UPDATE SET lang = excluded.lang, at = excluded.at",
                (person, lang, now),
            )
        )

    async def language(self, person: str) -> Lang | None:
        row = await self.store.run(lambda db: _one(db, "SELECT lang FROM people WHERE key = %s", (person,)))
        return None if row is None else _lang(row[0])


class _Deliveries:
    """The inbox shared by replicas: the receiver holds an update; a silent holder loses it to the others."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    def _alive_since(self) -> datetime:
        return self.store.clock() - self.store.lifetimes.holder

    async def receive(self, bot: int, update_id: int, payload: str) -> bool:
        store = self.store
        now = store.clock()
        forgotten = now - store.lifetimes.handled

        async def work(db: Connection) -> bool:
            cursor = await db.execute(RECEIVE, (bot, update_id, payload, now, store.holder, forgotten))
            return cursor.rowcount == 1

        return await store.run(work)

    async def claim(self, bot: int, update_id: int, holder: str) -> bool:
        store, alive = self.store, self._alive_since()

        async def work(db: Connection) -> bool:
            cursor = await db.execute(
                "UPDATE inbox SET holder = %s WHERE bot = %s AND update_id = %s AND done IS NULL AND (holder IS NULL"
                " OR holder = %s OR holder NOT IN (SELECT name FROM holders WHERE seen >= %s))",
                (holder, bot, update_id, holder, alive),
            )
            if cursor.rowcount == 1:
                return True
            cursor = await db.execute(
                "INSERT INTO inbox (bot, update_id, payload, received, holder) VALUES (%s, %s, NULL, %s, %s)"
                " ON CONFLICT (bot, update_id) DO NOTHING",
                (bot, update_id, store.clock(), holder),
            )
            return cursor.rowcount == 1

        return await store.run(work)

    async def done(self, bot: int, update_id: int) -> None:
        now = self.store.clock()
        await self.store.run(lambda db: db.execute(DONE, (now, bot, update_id)))

    async def unhandled(self, bot: int) -> list[Inbound]:
        async def work(db: Connection) -> list[tuple[Any, ...]]:
            await db.execute(ADOPT, (bot,))
            return await _all(
                db,
                "SELECT bot, update_id, payload, received, holder FROM inbox WHERE bot = %s AND done IS NULL"
                " AND payload IS NOT NULL AND (holder IS NULL OR holder NOT IN (SELECT name FROM holders"
                " WHERE seen >= %s)) ORDER BY update_id LIMIT 500",
                (bot, self._alive_since()),
            )

        rows = await self.store.run(work)
        return [Inbound(r[0], r[1], r[2], r[3], r[4]) for r in rows]


class _Receipts:
    """Receipts shared by replicas: a message stays with the replica that took it while that replica is
    alive; one that stopped saying so without settling it loses it to the next resend."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    async def take(self, key: str) -> Receipt | None:
        store = self.store
        now, alive = store.clock(), store.clock() - store.lifetimes.holder

        async def work(db: Connection) -> Receipt | None:
            cursor = await db.execute(
                "INSERT INTO receipts (key, holder, at) VALUES (%s, %s, %s) ON CONFLICT (key) DO NOTHING",
                (key, store.holder, now),
            )
            if cursor.rowcount == 1:
                return None
            cursor = await db.execute(
                "UPDATE receipts SET holder = %s, at = %s WHERE key = %s AND NOT settled AND holder <> %s"
                " AND holder NOT IN (SELECT name FROM holders WHERE seen >= %s)",
                (store.holder, now, key, store.holder, alive),
            )
            if cursor.rowcount == 1:
                return None
            return _receipt(await _one(db, f"SELECT {_RECEIPT_COLUMNS} FROM receipts WHERE key = %s", (key,)))

        return await store.run(work)

    async def settle(self, key: str, reply: str | None) -> None:
        await self.store.run(
            lambda db: db.execute("UPDATE receipts SET settled = TRUE, reply = %s WHERE key = %s", (reply, key))
        )

    async def get(self, key: str) -> Receipt | None:
        return _receipt(
            await self.store.run(lambda db: _one(db, f"SELECT {_RECEIPT_COLUMNS} FROM receipts WHERE key = %s", (key,)))
        )


_RECEIPT_COLUMNS = "key, holder, at, settled, reply"


def _receipt(row: tuple[Any, ...] | None) -> Receipt | None:
    return None if row is None else Receipt(row[0], row[1], row[2], bool(row[3]), row[4])


class _Versions:
    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    async def add(self, raw: bytes, author: str, summary: str, author_id: int | None = None) -> Version:
        now, digest = self.store.clock(), hashlib.sha256(raw).hexdigest()

        async def work(db: Connection) -> Version:
            # numbers are given one at a time across replicas
            await db.execute("LOCK TABLE versions IN EXCLUSIVE MODE")
            row = await _one(db, "SELECT COALESCE(MAX(number), 0) + 1 FROM versions")
            number = int(row[0]) if row else 1
            await db.execute(
                "INSERT INTO versions (number, at, author, summary, sha256, body, author_id)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (number, now, author, summary, digest, raw, author_id),
            )
            await db.execute("SELECT pg_notify(%s, %s)", (CHANNEL, str(number)))
            return Version(number, now, author, summary, digest, len(raw), author_id)

        return await self.store.run(work)

    async def latest(self, limit: int = 10) -> list[Version]:
        rows = await self.store.run(
            lambda db: _all(
                db,
                "SELECT number, at, author, summary, sha256, length(body), author_id FROM versions"
                " ORDER BY number DESC LIMIT %s",
                (limit,),
            )
        )
        return [Version(r[0], r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows]

    async def get(self, number: int) -> tuple[Version, bytes] | None:
        row = await self.store.run(
            lambda db: _one(
                db,
                "SELECT number, at, author, summary, sha256, body, author_id FROM versions WHERE number = %s",
                (number,),
            )
        )
        if row is None:
            return None
        body = bytes(row[5])
        return Version(row[0], row[1], row[2], row[3], row[4], len(body), row[6]), body


def _same(moment: datetime) -> datetime:
    return moment


class _Reviews:
    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    async def add(self, review: PendingReview) -> None:
        row = review_values(review, _same)
        holes = ", ".join(["%s"] * len(row))
        await self.store.run(
            lambda db: db.execute(f"INSERT INTO faq_reviews ({REVIEW_COLUMNS}) VALUES ({holes})".encode(), row),
            wait=None,
        )

    async def get(self, review_id: str) -> PendingReview | None:
        row = await self.store.run(
            lambda db: _one(db, f"SELECT {REVIEW_COLUMNS} FROM faq_reviews WHERE id = %s", (review_id,))
        )
        return review_from(row, _same) if row is not None else None

    async def settle(
        self, review_id: str, state: str, *, was: Sequence[str] = ("open",), version: int | None = None
    ) -> bool:
        async def work(db: Connection) -> bool:
            cursor = await db.execute(
                "UPDATE faq_reviews SET state = %s, version = COALESCE(%s, version) WHERE id = %s AND state = ANY(%s)",
                (state, version, review_id, list(was)),
            )
            return cursor.rowcount == 1

        return await self.store.run(work, wait=None)

    async def shown(self, review_id: str, chat_id: int, message_id: int) -> None:
        await self.store.run(
            lambda db: db.execute(
                "UPDATE faq_reviews SET chat_id = %s, message_id = %s WHERE id = %s", (chat_id, message_id, review_id)
            ),
            wait=None,
        )

    async def open_teaching(self, admin: int) -> PendingReview | None:
        row = await self.store.run(
            lambda db: _one(
                db,
                f"SELECT {REVIEW_COLUMNS} FROM faq_reviews WHERE admin = %s AND kind = 'teach' AND state = 'open'"
                " AND expires >= %s ORDER BY at DESC LIMIT 1",
                (admin, self.store.clock()),
            )
        )
        return review_from(row, _same) if row is not None else None


class _Cards:
    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    async def add(self, cards: Sequence[Card]) -> None:
        rows = [card_values(card, _same) for card in cards]
        holes = ", ".join(["%s"] * 9)

        async def work(db: Connection) -> None:
            async with db.cursor() as cursor:
                await cursor.executemany(f"INSERT INTO cards ({CARD_COLUMNS}) VALUES ({holes})".encode(), rows)

        await self.store.run(work, wait=None)

    async def get(self, card_id: str) -> Card | None:
        row = await self.store.run(
            lambda db: _one(
                db,
                f"SELECT {CARD_COLUMNS} FROM cards WHERE id = %s AND expires >= %s",
                (card_id, self.store.clock()),
            )
        )
        return card_from(row, _same) if row is not None else None
