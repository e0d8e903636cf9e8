"""The store: every part, against every implementation (the same tests for each)."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import stat
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.storage.migrations import migrations
from bot.storage.open import open_store
from bot.storage.postgres import PostgresStore
from bot.storage.sqlite import SqliteStore
from bot.storage.store import Answered, Event, Lifetimes, Store, StoreBusy, StoreError
from tests.e2e.postgres import PostgresServer

START = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
BOT = 123456
"""The bot whose updates the inbox keeps (update ids are each bot's own)."""


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def move(self, **delta: float) -> None:
        self.now += timedelta(**delta)


StoreMaker = Callable[[Clock], SqliteStore]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["sqlite", "postgres"])
async def store(request: pytest.FixtureRequest, tmp_path: Path, clock: Clock) -> AsyncIterator[Store]:
    """A started store of each kind (SQLite, and PostgreSQL on a real server), on a clock the test moves."""
    started: Store
    if request.param == "postgres":
        server: PostgresServer = request.getfixturevalue("postgres")
        started = PostgresStore(server.fresh_database(), clock=clock, lifetimes=Lifetimes())
    else:
        started = SqliteStore(tmp_path / "data", clock=clock, lifetimes=Lifetimes())
    await started.start()
    yield started
    await started.close()


class TestEvents:
    async def test_events_come_back_in_order_with_times_and_without_user_ids(self, store: Store, clock: Clock) -> None:
        """The usage log keeps each event with its time; a user id is stored only as a keyed hash."""
        await store.events.record(Event("answered", "private", "zh", "党小组", 7, "system-vertical", (("a", 1.0),)))
        clock.move(minutes=1)
        await store.events.record(Event("unanswered", "group", "en", "GDP?", 8))
        await _settle(store)
        rows = await store.events.since(START - timedelta(days=1))
        assert [(r.kind, r.question, r.at) for r in rows] == [
            ("answered", "党小组", START),
            ("unanswered", "GDP?", START + timedelta(minutes=1)),
        ]
        assert rows[0].candidates == (("a", 1.0),)
        assert rows[0].user == store.user_hash(7) != "7"
        assert [r.kind for r in await store.events.since(START, kinds=("unanswered",))] == ["unanswered"]

    async def test_each_event_keeps_its_channel(self, store: Store) -> None:
        """Where a turn happened (Telegram, the console, ...) is kept, Telegram when unsaid."""
        await store.events.record(Event("answered", "private", "zh", "党小组", 7))
        await store.events.record(Event("answered", "private", "zh", "党小组", "local", channel="console"))
        await _settle(store)
        rows = await store.events.since(START - timedelta(days=1))
        assert [r.channel for r in rows] == ["telegram", "console"]


class TestVotes:
    async def test_one_vote_per_person_per_answer_the_latest_counting(self, store: Store) -> None:
        """Pressing 👎 many times and then 👍 leaves one vote, 👍; another person's vote is separate."""
        await store.conversations.answered(Answered(7, 100, "党小组", "zh", "answer", "system-vertical", 7))
        for _ in range(5):
            assert await store.votes.cast(7, 100, 7, -1)
        assert await store.votes.cast(7, 100, 7, 1)
        assert await store.votes.cast(7, 100, 9, -1)
        votes = await store.votes.since(START - timedelta(days=1))
        assert sorted((v.user == store.user_hash(7), v.vote, v.entry_id) for v in votes) == [
            (False, -1, "system-vertical"),
            (True, 1, "system-vertical"),
        ]

    async def test_a_vote_on_an_answer_that_was_never_sent_is_refused(self, store: Store) -> None:
        """Votes for message ids the bot never answered with are not stored."""
        assert not await store.votes.cast(7, 4242, 7, 1)
        await store.conversations.answered(Answered(7, 101, "x", "zh", "decline"))
        assert not await store.votes.cast(7, 101, 7, 1)
        assert await store.votes.since(START - timedelta(days=1)) == []


class TestConversations:
    async def test_a_conversations_state_lasts_until_it_expires_or_is_replaced(
        self, store: Store, clock: Clock
    ) -> None:
        """What a conversation remembers is kept by its key until it expires; a newer state replaces it."""
        key = "telegram:7:7"
        await store.conversations.keep(key, '{"offer":1}', START + store.lifetimes.context)
        assert await store.conversations.recall(key) == '{"offer":1}'
        assert await store.conversations.recall("telegram:7:8") is None
        await store.conversations.keep(key, '{"last":2}', START + store.lifetimes.context)
        assert await store.conversations.recall(key) == '{"last":2}'
        clock.move(minutes=11)
        assert await store.conversations.recall(key) is None

    async def test_the_question_behind_a_reply_is_found_by_either_message(self, store: Store) -> None:
        """A reply is found by its own message id (for votes, full text, a number replying to it) and by
        the question's (for edits), with the options it offered."""
        reply = Answered(-100, 501, "党小组", "zh", "ask-back", None, 7, 500, START, ("entry:a", "line:b"))
        await store.conversations.answered(reply)
        assert await store.conversations.reply(-100, 501) == reply
        assert await store.conversations.reply_to(-100, 500) == reply
        assert await store.conversations.reply(-100, 500) is None

    async def test_a_persons_language_is_remembered(self, store: Store) -> None:
        """The language a person last wrote in is there for their next command, whatever their channel."""
        assert await store.conversations.language("telegram:7") is None
        await store.conversations.remember_language("telegram:7", "en")
        await store.conversations.remember_language("wechat:o6_bmjrPTlm6_2sgVt7hMZOPfL2M", "zh")
        assert await store.conversations.language("telegram:7") == "en"
        assert await store.conversations.language("wechat:o6_bmjrPTlm6_2sgVt7hMZOPfL2M") == "zh"


class TestMigrations:
    async def test_languages_kept_before_the_conversation_layer_carry_over(self, tmp_path: Path) -> None:
        """A database made by the previous version keeps its users' languages, now keyed by channel."""
        db = sqlite3.connect(tmp_path / "bot.sqlite3", isolation_level=None)
        for number, script in migrations("sqlite")[:2]:
            db.executescript(script)
            db.execute(f"PRAGMA user_version = {number}")
        db.execute("INSERT INTO languages (user_id, lang, at) VALUES (7, 'en', ?)", (START.timestamp(),))
        db.close()
        store = SqliteStore(tmp_path, clock=Clock())
        await store.start()
        assert await store.conversations.language("telegram:7") == "en"
        await store.close()


class TestDeliveries:
    async def test_an_update_is_received_once_and_handled_once(self, store: Store) -> None:
        """A re-delivered update is known; the one that received it holds it (it is not left over);
        once done it is not claimable again."""
        assert await store.deliveries.receive(BOT, 1, '{"update_id": 1}')
        assert not await store.deliveries.receive(BOT, 1, '{"update_id": 1}')
        assert await store.deliveries.unhandled(BOT) == []
        assert await store.deliveries.claim(BOT, 1, store.holder)
        await store.deliveries.done(BOT, 1)
        assert not await store.deliveries.claim(BOT, 1, store.holder)

    async def test_a_claim_holds_while_its_holder_is_alive(self, store: Store) -> None:
        """Another process cannot take an update this one holds."""
        await store.deliveries.receive(BOT, 2, "{}")
        assert await store.deliveries.claim(BOT, 2, store.holder)
        assert not await store.deliveries.claim(BOT, 2, "another process")

    async def test_an_update_claimed_without_being_received_is_handled_once(self, store: Store) -> None:
        """A claim is itself the record: the same id claimed again after done is refused."""
        assert await store.deliveries.claim(BOT, 3, store.holder)
        await store.deliveries.done(BOT, 3)
        assert not await store.deliveries.claim(BOT, 3, "another process")

    async def test_what_a_stopped_run_received_is_the_next_runs_to_handle(self, tmp_path: Path) -> None:
        """SQLite (one process): updates the last run received and did not finish come back to the next,
        which may claim them; finished ones do not."""
        last = SqliteStore(tmp_path)
        await last.start()
        for update_id in (4, 5):
            await last.deliveries.receive(BOT, update_id, f'{{"update_id": {update_id}}}')
        await last.deliveries.done(BOT, 5)
        await last.close()
        this = SqliteStore(tmp_path)
        await this.start()
        assert [u.update_id for u in await this.deliveries.unhandled(BOT)] == [4]
        assert await this.deliveries.claim(BOT, 4, this.holder)
        await this.close()


class TestReceipts:
    async def test_a_message_is_taken_once_and_its_reply_kept_for_a_resend(self, store: Store) -> None:
        """The first take of a message is the taker's to answer; a resend finds it taken, then settled
        with the reply to give again, or with none (answered another way)."""
        assert await store.receipts.take("wechat:msg:1") is None
        pending = await store.receipts.take("wechat:msg:1")
        assert pending is not None
        assert (pending.holder, pending.settled, pending.reply) == (store.holder, False, None)
        await store.receipts.settle("wechat:msg:1", "<reply>")
        settled = await store.receipts.take("wechat:msg:1")
        assert settled is not None
        assert (settled.settled, settled.reply) == (True, "<reply>")
        assert await store.receipts.get("wechat:msg:1") == settled
        assert await store.receipts.take("wechat:msg:2") is None
        await store.receipts.settle("wechat:msg:2", None)
        other = await store.receipts.get("wechat:msg:2")
        assert other is not None
        assert (other.settled, other.reply) == (True, None)
        assert await store.receipts.get("wechat:msg:3") is None

    async def test_a_message_a_stopped_run_left_unsettled_is_the_next_runs(self, tmp_path: Path) -> None:
        """SQLite (one process): a message taken by a run that stopped before settling it is taken by the
        next run's resend; a settled one is not."""
        last = SqliteStore(tmp_path)
        await last.start()
        assert await last.receipts.take("wechat:msg:4") is None
        assert await last.receipts.take("wechat:msg:5") is None
        await last.receipts.settle("wechat:msg:5", "answered")
        await last.close()
        this = SqliteStore(tmp_path)
        await this.start()
        assert await this.receipts.take("wechat:msg:4") is None
        again = await this.receipts.take("wechat:msg:5")
        assert again is not None
        assert again.reply == "answered"
        await this.close()


class TestReplicas:
    """Two processes on one PostgreSQL database, as two replicas of the bot."""

    async def test_a_silent_replicas_updates_go_to_another(self, postgres: PostgresServer) -> None:
        """Replica A receives an update, then goes silent (its last "alive" older than the holder
        lifetime): B cannot take the update before, can after, and A's later claim is refused."""
        url = postgres.fresh_database()
        first, second = PostgresStore(url), PostgresStore(url)
        await first.start()
        await second.start()
        assert await first.deliveries.receive(BOT, 7, '{"update_id": 7}')
        assert not await second.deliveries.receive(BOT, 7, '{"update_id": 7}')
        assert not await second.deliveries.claim(BOT, 7, second.holder)
        assert await second.deliveries.unhandled(BOT) == []
        for task in first._tasks:  # frozen: no more "alive", as after a SIGKILL
            task.cancel()
        silent_since = second.clock() - second.lifetimes.holder - timedelta(seconds=1)
        await second.run(lambda db: db.execute("UPDATE holders SET seen = %s WHERE name = %s",
                                               (silent_since, first.holder)))  # fmt: skip
        assert [u.update_id for u in await second.deliveries.unhandled(BOT)] == [7]
        assert await second.deliveries.claim(BOT, 7, second.holder)
        assert not await second.deliveries.claim(BOT, 7, first.holder)
        await first.close()
        await second.close()

    async def test_a_silent_replicas_message_goes_to_the_next_resend(self, postgres: PostgresServer) -> None:
        """Replica A takes a message: B's resend finds it taken while A is alive, takes it once A has
        been silent past the holder lifetime, and A then finds it B's."""
        url = postgres.fresh_database()
        first, second = PostgresStore(url), PostgresStore(url)
        await first.start()
        await second.start()
        assert await first.receipts.take("wechat:msg:9") is None
        held = await second.receipts.take("wechat:msg:9")
        assert held is not None
        assert held.holder == first.holder
        for task in first._tasks:  # frozen: no more "alive", as after a SIGKILL
            task.cancel()
        silent_since = second.clock() - second.lifetimes.holder - timedelta(seconds=1)
        await second.run(lambda db: db.execute("UPDATE holders SET seen = %s WHERE name = %s",
                                               (silent_since, first.holder)))  # fmt: skip
        assert await second.receipts.take("wechat:msg:9") is None
        taken = await first.receipts.take("wechat:msg:9")
        assert taken is not None
        assert taken.holder == second.holder
        await first.close()
        await second.close()

    async def test_state_and_the_user_key_are_shared(self, postgres: PostgresServer) -> None:
        """A "did you mean" offered by one replica is found by the other, and both hash a user alike."""
        url = postgres.fresh_database()
        first, second = PostgresStore(url), PostgresStore(url)
        await first.start()
        await second.start()
        state = '{"offer":{"options":["entry:system-vertical","entry:act-everyone"]}}'
        await first.conversations.keep("telegram:1:7", state, START + timedelta(days=9999))
        assert await second.conversations.recall("telegram:1:7") == state
        assert first.user_hash(7) == second.user_hash(7)
        await first.close()
        await second.close()

    async def test_a_new_version_is_announced_to_the_other_replicas(self, postgres: PostgresServer) -> None:
        """A version added by one replica reaches the other through LISTEN/NOTIFY within a moment."""
        url = postgres.fresh_database()
        first, second = PostgresStore(url), PostgresStore(url)
        await first.start()
        await second.start()
        heard: list[int] = []
        stop = asyncio.Event()

        async def hear(number: int) -> None:
            heard.append(number)
            stop.set()

        listening = asyncio.create_task(second.follow_versions(hear, stop.is_set))
        await asyncio.sleep(0.5)
        version = await first.versions.add(b"entries: []", "file", "test")
        await asyncio.wait_for(stop.wait(), 5)
        await asyncio.wait_for(listening, 5)
        assert heard == [version.number]
        await first.close()
        await second.close()

    async def test_two_replicas_migrating_at_once_both_start(self, postgres: PostgresServer) -> None:
        """Replicas started together on an empty database: one migrates, the other waits; both work."""
        url = postgres.fresh_database()
        stores = [PostgresStore(url) for _ in range(3)]
        await asyncio.gather(*(store.start() for store in stores))
        for number, store in enumerate(stores):
            await store.conversations.remember_language(f"telegram:{number}", "en")
        assert [await stores[0].conversations.language(f"telegram:{n}") for n in range(3)] == ["en"] * 3
        for store in stores:
            await store.close()


class TestVersions:
    async def test_versions_are_numbered_and_keep_their_bytes(self, store: Store) -> None:
        """Each version gets the next number, with its author, summary and exact bytes."""
        first = await store.versions.add(b"one", "file", "first")
        second = await store.versions.add(b"two", "admin 9", "second")
        assert (first.number, second.number) == (1, 2)
        assert [v.number for v in await store.versions.latest()] == [2, 1]
        found = await store.versions.get(1)
        assert found is not None
        assert found[1] == b"one"
        assert found[0].author == "file"
        assert await store.versions.get(3) is None


class TestSqliteFiles:
    async def test_data_dir_and_files_are_owner_only(self, tmp_path: Path) -> None:
        """DATA_DIR is created 0700 and the database and key 0600."""
        store = await open_store(tmp_path / "data")
        await store.close()
        assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
        for name in ("bot.sqlite3", "user-key"):
            assert stat.S_IMODE((tmp_path / "data" / name).stat().st_mode) == 0o600

    async def test_a_short_user_key_is_refused(self, tmp_path: Path) -> None:
        """A key left empty or short (a full disk at first start) stops the bot with one line."""
        data = tmp_path / "data"
        data.mkdir()
        (data / "user-key").write_bytes(b"")
        with pytest.raises(StoreError, match=r"user key .* is 0 bytes"):
            await open_store(data)

    async def test_a_damaged_database_is_moved_aside_and_a_fresh_one_started(self, tmp_path: Path) -> None:
        """A file that is not a database any more is kept aside, and the bot starts on a new one."""
        data = tmp_path / "data"
        data.mkdir()
        (data / "bot.sqlite3").write_bytes(b"this is not a database" * 100)
        store = await open_store(data)
        await store.close()
        assert [p.name.startswith("bot.sqlite3.corrupt-") for p in data.iterdir()].count(True) == 1

    async def test_a_read_only_data_dir_is_one_line(self, tmp_path: Path) -> None:
        """DATA_DIR that cannot be written gives one line naming it."""
        if os.geteuid() == 0:
            pytest.skip("root ignores directory permissions; the tests of a file in DATA_DIR's way cover root")
        data = tmp_path / "data"
        data.mkdir()
        data.chmod(0o500)
        try:
            with pytest.raises(StoreError, match=str(data)):
                await open_store(data)
        finally:
            data.chmod(0o700)

    @pytest.mark.parametrize("where", ["data", "parent/data"])
    async def test_a_file_in_the_way_of_data_dir_is_one_line(self, tmp_path: Path, where: str) -> None:
        """DATA_DIR that is a file, or lies under one, gives one line naming it (as any user)."""
        (tmp_path / where.split("/", maxsplit=1)[0]).write_text("not a directory")
        data = tmp_path / where
        with pytest.raises(StoreError, match=str(data)) as refused:
            await open_store(data)
        assert "\n" not in str(refused.value)

    async def test_migrations_are_recorded_and_not_applied_twice(self, tmp_path: Path) -> None:
        """The schema's version is kept in the file; opening it again applies nothing."""
        for _ in range(2):
            store = await open_store(tmp_path)
            await store.close()
        with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
            assert db.execute("PRAGMA user_version").fetchone()[0] >= 1

    async def test_the_old_usage_log_is_copied_in_once(self, tmp_path: Path) -> None:
        """A DATA_DIR from before this store keeps its history: questions asked are copied over."""
        with sqlite3.connect(tmp_path / "feedback.sqlite3") as old:
            old.execute(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, at TEXT, kind TEXT, chat_type TEXT, lang TEXT,"
                " question TEXT, entry_id TEXT, vote INTEGER, candidates TEXT, user TEXT)"
            )
            old.execute(
                "INSERT INTO events VALUES (1, '2026-11-01T10:00:00+00:00', 'answered', 'private', 'zh', '党小组',"
                " 'system-vertical', NULL, '[]', 'abc')"
            )
        store = await open_store(tmp_path)
        rows = await store.events.since(datetime(2026, 1, 1, tzinfo=UTC))
        await store.close()
        assert [(r.question, r.at.day) for r in rows] == [("党小组", 1)]

    async def test_recording_never_waits_on_a_held_database(self, tmp_path: Path) -> None:
        """With the file held by another process, recording returns and the event waits its turn
        (`python -m bench.waits` times it)."""
        store = await open_store(tmp_path)
        holder = sqlite3.connect(tmp_path / "bot.sqlite3", timeout=0)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            for number in range(50):
                await store.events.record(Event("answered", "private", "zh", f"q{number}", 7))
        finally:
            holder.rollback()
            holder.close()
        await _settle(store)
        assert len(await store.events.since(datetime(2026, 1, 1, tzinfo=UTC))) == 50
        await store.close()

    async def test_writes_to_a_held_database_are_queued_not_waited_for_and_not_lost(self, tmp_path: Path) -> None:
        """While another process holds the write lock, each write gives up waiting (StoreBusy; the first
        after WRITE_WAIT, the others at once: `python -m bench.waits` times them); when the lock is
        released every one of them is written."""
        store = SqliteStore(tmp_path)
        await store.start()
        holder = sqlite3.connect(tmp_path / "bot.sqlite3", timeout=0, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        for user in range(5):
            with pytest.raises(StoreBusy):
                await store.conversations.remember_language(f"telegram:{user}", "en")
            assert store.behind
        holder.execute("ROLLBACK")
        holder.close()
        for _ in range(100):
            if not store.behind:
                break
            await asyncio.sleep(0.1)
        assert [await store.conversations.language(f"telegram:{user}") for user in range(5)] == ["en"] * 5
        await store.close()

    async def test_closing_gives_up_on_a_database_held_for_good(self, tmp_path: Path) -> None:
        """A close with writes stuck behind another process's lock ends, giving them up (`python -m
        bench.waits` times it: about CLOSE_WAIT and two BUSY_WAITs)."""
        store = SqliteStore(tmp_path)
        await store.start()
        holder = sqlite3.connect(tmp_path / "bot.sqlite3", timeout=0, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        for number in range(20):
            await store.events.record(Event("answered", "private", "zh", f"q{number}", 7))
        with pytest.raises(StoreBusy):
            await store.conversations.remember_language("telegram:1", "en")
        await asyncio.wait_for(store.close(), 60)
        holder.execute("ROLLBACK")
        holder.close()


async def _settle(store: Store) -> None:
    """Wait until the queued usage events are written."""
    queue = getattr(store, "_queue", None)
    if queue is not None:
        await asyncio.wait_for(queue.join(), 10)


async def _prune(store: Store) -> None:
    """Run the store's hourly removal of what has expired, now."""
    if isinstance(store, SqliteStore):
        await store.write(store._prune, wait=None)
    elif isinstance(store, PostgresStore):
        await store.run(store._prune)


class TestInboxLifetimes:
    async def test_an_update_id_is_forgotten_a_day_after_it_was_seen(self, store: Store, clock: Clock) -> None:
        """Telegram keeps an update 24 hours at most and its ids start again: an id seen 25 hours ago is
        a new update, one seen 23 hours ago a re-delivery."""
        assert await store.deliveries.receive(BOT, 11, '{"update_id": 11, "old": true}')
        await store.deliveries.done(BOT, 11)
        clock.move(hours=23)
        assert not await store.deliveries.receive(BOT, 11, '{"update_id": 11}')
        clock.move(hours=2)
        assert await store.deliveries.receive(BOT, 11, '{"update_id": 11, "new": true}')
        assert not await store.deliveries.receive(BOT, 11, '{"update_id": 11}')

    async def test_update_ids_are_kept_per_bot(self, store: Store) -> None:
        """Another bot (a new token on the same data) has its own update 12."""
        assert await store.deliveries.receive(BOT, 12, "{}")
        assert await store.deliveries.receive(BOT + 1, 12, "{}")
        await store.deliveries.done(BOT, 12)
        assert not await store.deliveries.claim(BOT, 12, store.holder)
        assert await store.deliveries.claim(BOT + 1, 12, store.holder)


class TestPruning:
    async def test_the_usage_log_and_handled_updates_expire(self, store: Store, clock: Clock) -> None:
        """Events older than `lifetimes.events` and updates handled over a day ago are removed."""
        await store.events.record(Event("answered", "private", "zh", "旧问题", 7))
        await store.deliveries.receive(BOT, 13, "{}")
        await store.deliveries.done(BOT, 13)
        await _settle(store)
        clock.move(days=store.lifetimes.events.days - 1)
        await store.events.record(Event("answered", "private", "zh", "新问题", 7))
        await _settle(store)
        clock.move(days=2)
        await _prune(store)
        assert [e.question for e in await store.events.since(START)] == ["新问题"]
        assert await store.deliveries.receive(BOT, 13, "{}")  # forgotten, so new again


def _inbox_page(path: Path) -> int:
    """A leaf page of the inbox table in the middle of the file (neither its first nor its last)."""
    with sqlite3.connect(path) as db:
        try:
            pages = [
                row[0] for row in db.execute("SELECT pageno FROM dbstat WHERE name = 'inbox' AND pagetype = 'leaf'")
            ]
        except sqlite3.OperationalError:
            pytest.skip("this SQLite has no dbstat table to find the inbox's pages with")
    assert len(pages) >= 3
    return int(sorted(pages)[len(pages) // 2])


class TestSqliteDurability:
    async def test_each_write_is_on_disk_before_it_returns(self, tmp_path: Path) -> None:
        """The writer runs with synchronous=FULL: an update confirmed after its inbox write survives a power cut."""
        store = SqliteStore(tmp_path)
        await store.start()
        assert await store.write(lambda db: db.execute("PRAGMA synchronous").fetchone()[0], wait=None) == 2
        await store.close()

    async def test_a_damaged_database_gives_back_the_unhandled_updates_that_still_read(self, tmp_path: Path) -> None:
        """One page of the inbox overwritten with garbage: the database is moved aside, and every unhandled
        update on the other pages is in the fresh one; only those on the damaged page are lost."""
        store = SqliteStore(tmp_path)
        await store.start()
        for update_id in range(1, 401):
            await store.deliveries.receive(BOT, update_id, json.dumps({"update_id": update_id, "text": "问" * 40}))
        for update_id in range(1, 401, 4):
            await store.deliveries.done(BOT, update_id)
        await store.close()
        page = _inbox_page(tmp_path / "bot.sqlite3")
        with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
            page_size = db.execute("PRAGMA page_size").fetchone()[0]
        with (tmp_path / "bot.sqlite3").open("r+b") as damaged:
            damaged.seek((page - 1) * page_size)
            damaged.write(b"\xff" * page_size)
        fresh = SqliteStore(tmp_path)
        await fresh.start()
        kept = {u.update_id for u in await fresh.deliveries.unhandled(BOT)}
        await fresh.close()
        unhandled = {n for n in range(1, 401) if n % 4 != 1}
        lost = unhandled - kept
        print(f"unhandled updates recovered from a database with one damaged page: {len(kept)} of {len(unhandled)}")
        assert kept <= unhandled
        assert 0 < len(lost) <= 40  # one leaf page holds a few dozen of these rows
        assert len([p for p in tmp_path.glob("bot.sqlite3.corrupt-*") if not p.name.endswith(("-wal", "-shm"))]) == 1

    async def test_an_empty_database_file_is_said_in_the_log(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A 0-byte database (left by a full disk) is started afresh, with a warning saying so."""
        (tmp_path / "bot.sqlite3").write_bytes(b"")
        store = await open_store(tmp_path)
        await store.close()
        assert any("is empty (0 bytes" in r.getMessage() for r in caplog.records)

    async def test_a_start_does_not_wait_for_a_database_held_elsewhere(self, tmp_path: Path) -> None:
        """Another process holds the write lock: the store still opens (no migration is due) and reads."""
        store = await open_store(tmp_path)
        await store.deliveries.receive(BOT, 21, "{}")
        await store.close()
        holder = sqlite3.connect(tmp_path / "bot.sqlite3", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            reopened = await asyncio.wait_for(open_store(tmp_path), 5)
            assert [u.update_id for u in await reopened.deliveries.unhandled(BOT)] == [21]
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        await reopened.close()

    async def test_updates_kept_before_the_inbox_knew_bots_become_the_first_bots(self, tmp_path: Path) -> None:
        """A database from before migration 6 (every table as it was until then): its unhandled update is
        the next run's, whatever its token."""
        with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
            for number, script in migrations("sqlite"):
                if number < 6:
                    db.executescript(script)
            db.execute("PRAGMA user_version = 5")
            db.execute("INSERT INTO inbox (update_id, payload, received) VALUES (31, '{}', 0)")
        store = await open_store(tmp_path)
        assert [(u.bot, u.update_id) for u in await store.deliveries.unhandled(BOT)] == [(BOT, 31)]
        await store.deliveries.done(BOT, 31)
        assert await store.deliveries.unhandled(BOT) == []
        await store.close()
