"""The durable inbox: an update is kept before it is queued and confirmed, a re-delivery is dropped, what a
stopped run left unhandled comes back, and a store that cannot keep updates costs none of them. (The
crash itself is played in test_faults.)"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from telegram import Bot, Chat, Message, Update, User

from bot.storage.sqlite import SqliteStore
from bot.storage.store import StoreError
from bot.tg.inbox import Inbox, InboxQueue, Receipt, bot_id

TOKEN = "123456:" + "A" * 35
BOT = bot_id(TOKEN)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def store(tmp_path: Path, clock: Clock) -> AsyncIterator[SqliteStore]:
    started = SqliteStore(tmp_path, clock=clock)
    await started.start()
    yield started
    await started.close()


def _update(update_id: int, text: str = "党小组") -> Update:
    user = User(7, "王", is_bot=False)
    chat = Chat(7, "private")
    return Update(
        update_id, message=Message(update_id, datetime(2026, 11, 28, tzinfo=UTC), chat, from_user=user, text=text)
    )


async def _left_for_next_run(store: SqliteStore, bot: int = BOT) -> list[tuple[int, str | None]]:
    """What a next run on the same DATA_DIR would find left over: (update id, text)."""
    await store.close()
    following = SqliteStore(store.data_dir, clock=store.clock)
    await following.start()
    try:
        left = await Inbox(following, bot).left_over(Bot(TOKEN))
    finally:
        await following.close()
    return [(u.update_id, u.message.text if u.message else None) for u in left]


def _held(store: SqliteStore) -> sqlite3.Connection:
    """Another process's hold on the database's write lock."""
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


class TestReceiving:
    async def test_a_redelivered_update_is_queued_once(self, store: SqliteStore) -> None:
        """Telegram hands out the same update again (no offset confirmed it): it is handled once."""
        queue = InboxQueue(Inbox(store, BOT))
        assert await queue.take([_update(1), _update(1), _update(2)]) == [Receipt.KEPT, Receipt.AGAIN, Receipt.KEPT]
        assert await queue.take([_update(2)]) == [Receipt.AGAIN]
        assert [u.update_id for u in (queue.get_nowait(), queue.get_nowait())] == [1, 2]  # type: ignore[attr-defined]
        assert queue.empty()

    async def test_an_id_seen_over_a_day_ago_is_a_new_update(self, store: SqliteStore, clock: Clock) -> None:
        """Update ids start again (a week without updates): an id handled more than 24 hours ago is answered."""
        inbox = Inbox(store, BOT)
        assert await inbox.receive_all([_update(9)]) == [Receipt.KEPT]
        inbox.finish(inbox.begin(_update(9)))
        await inbox.settled(5)
        clock.now += timedelta(hours=23)
        assert await inbox.receive_all([_update(9)]) == [Receipt.AGAIN]
        clock.now += timedelta(hours=2)
        assert await inbox.receive_all([_update(9, "新问题")]) == [Receipt.KEPT]
        assert await _left_for_next_run(store) == [(9, "新问题")]

    async def test_update_ids_are_each_bots_own(self, store: SqliteStore) -> None:
        """A new token on the same DATA_DIR starts its ids again: its update 3 is not the old bot's update 3."""
        assert await Inbox(store, BOT).receive_all([_update(3)]) == [Receipt.KEPT]
        assert await Inbox(store, BOT + 1).receive_all([_update(3, "另一个机器人")]) == [Receipt.KEPT]
        assert await _left_for_next_run(store, BOT + 1) == [(3, "另一个机器人")]


class TestStoreOutage:
    async def test_an_update_the_store_cannot_take_is_answered_but_not_confirmed(self, store: SqliteStore) -> None:
        """With the database held elsewhere, an update is queued at once from memory, but not confirmed
        (polling's offset stays below it) until the store takes it; then it is kept."""
        inbox = Inbox(store, BOT)
        queue = InboxQueue(inbox)
        holder = _held(store)
        try:
            assert await queue.take([_update(4), _update(5)]) == [Receipt.IN_MEMORY, Receipt.IN_MEMORY]
            assert queue.qsize() == 2
            assert inbox.first_unkept() == 4
            assert not inbox.kept(5)
            assert inbox.outage is not None
            assert inbox.outage.startswith("store unavailable")
            assert await queue.take([_update(4)]) == [Receipt.AGAIN]
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        while inbox.first_unkept() is not None:
            await inbox.kept_some(5)
        assert inbox.kept(4)
        assert inbox.kept(5)
        assert inbox.outage is None
        assert await _left_for_next_run(store) == [(4, "党小组"), (5, "党小组")]

    async def test_an_update_answered_during_the_outage_is_kept_as_handled(
        self, store: SqliteStore, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The store fails every write (a full disk, PostgreSQL away); an update answered meanwhile is
        written once it works again, already handled: a restart does not answer it twice."""
        inbox = Inbox(store, BOT)
        working = store.deliveries.receive
        failing = True

        async def receive(bot: int, update_id: int, payload: str) -> bool:
            if failing:
                raise StoreError("the database failed: database or disk is full")
            return await working(bot, update_id, payload)

        monkeypatch.setattr(store.deliveries, "receive", receive)
        assert await inbox.receive_all([_update(6), _update(7)]) == [Receipt.IN_MEMORY, Receipt.IN_MEMORY]
        assert inbox.outage is not None
        assert "disk is full" in inbox.outage
        inbox.finish(inbox.begin(_update(6)))
        failing = False
        while inbox.first_unkept() is not None:
            await inbox.kept_some(5)
        await inbox.settled(5)
        assert await _left_for_next_run(store) == [(7, "党小组")]


class TestHandling:
    async def test_what_a_run_left_unhandled_comes_back_and_handled_ones_do_not(self, store: SqliteStore) -> None:
        """Of three updates received, the one marked handled stays handled; the other two come back, whole."""
        inbox = Inbox(store, BOT)
        await InboxQueue(inbox).take([_update(n, f"问题{n}") for n in (1, 2, 3)])
        inbox.finish(inbox.begin(_update(2)))
        await inbox.settled(5)
        assert await _left_for_next_run(store) == [(1, "问题1"), (3, "问题3")]

    async def test_the_first_reply_marks_the_update_handled(self, store: SqliteStore) -> None:
        """A reply going out marks its update handled at once; a typing notice does not."""
        inbox = Inbox(store, BOT)
        await InboxQueue(inbox).take([_update(5), _update(6)])
        inbox.begin(_update(5))
        inbox.replied("sendChatAction")
        inbox.begin(_update(6))
        inbox.replied("sendMessage")
        await inbox.settled(5)
        assert await _left_for_next_run(store) == [(5, "党小组")]

    async def test_a_finished_update_waits_until_its_handled_mark_is_written(self, store: SqliteStore) -> None:
        """The handling of an update ends only once its "handled" mark is in the database, so that a kill
        repeats no more replies than are handled at once."""
        inbox = Inbox(store, BOT)
        await InboxQueue(inbox).take([_update(8)])
        handling = inbox.begin(_update(8))
        inbox.finish(handling)
        await inbox.written(handling)
        with sqlite3.connect(store.path) as db:
            (done,) = db.execute("SELECT done FROM inbox WHERE update_id = 8").fetchone()
        assert done is not None

    async def test_a_handled_mark_the_store_cannot_write_yet_does_not_hold_the_handling(
        self, store: SqliteStore
    ) -> None:
        """With the database held elsewhere, waiting for the mark gives up (the handling goes on to the next
        update), and the mark is written once the database is free."""
        inbox = Inbox(store, BOT)
        await InboxQueue(inbox).take([_update(9)])
        holder = _held(store)
        try:
            handling = inbox.begin(_update(9))
            inbox.finish(handling)
            await asyncio.wait_for(inbox.written(handling), 10)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        await inbox.settled(10)
        assert await _left_for_next_run(store) == []

    async def test_an_update_over_its_senders_share_is_kept_as_handled_not_queued(self, store: SqliteStore) -> None:
        """An update the fairness rule turns away is not queued, and not answered after a restart either."""
        inbox = Inbox(store, BOT)
        queue = InboxQueue(inbox, admit=lambda update: update.update_id != 2)
        await queue.take([_update(1), _update(2)])
        assert queue.qsize() == 1
        await inbox.settled(5)
        assert await _left_for_next_run(store) == [(1, "党小组")]

    async def test_a_stopping_queue_takes_nothing_new(self, store: SqliteStore) -> None:
        """At a stop, new updates are refused (Telegram hands them out again); those queued stay queued,
        and in the inbox for the next run until handled."""
        inbox = Inbox(store, BOT)
        queue = InboxQueue(inbox)
        await queue.take([_update(1), _update(2)])
        queue.close()
        assert await queue.take([_update(3)]) == [Receipt.REFUSED]
        assert queue.qsize() == 2
        assert await _left_for_next_run(store) == [(1, "党小组"), (2, "党小组")]
