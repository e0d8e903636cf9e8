"""The durable inbox: an update is kept before it is queued, a re-delivery is dropped, and what a
stopped run left unhandled comes back. (The crash itself is played in test_faults.)"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from telegram import Bot, Chat, Message, Update, User

from bot.storage.sqlite import SqliteStore
from bot.tg.inbox import Inbox, InboxQueue

TOKEN = "123456:" + "A" * 35


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    started = SqliteStore(tmp_path)
    await started.start()
    yield started
    await started.close()


def _update(update_id: int, text: str = "党小组") -> Update:
    user = User(7, "王", is_bot=False)
    chat = Chat(7, "private")
    return Update(
        update_id, message=Message(update_id, datetime(2026, 11, 28, tzinfo=UTC), chat, from_user=user, text=text)
    )


async def test_a_redelivered_update_is_queued_once(store: SqliteStore) -> None:
    """Telegram hands out the same update again (no offset confirmed it): it is handled once."""
    queue = InboxQueue(Inbox(store))
    await queue.put(_update(1))
    await queue.put(_update(1))
    await queue.put(_update(2))
    assert [u.update_id for u in (queue.get_nowait(), queue.get_nowait())] == [1, 2]  # type: ignore[attr-defined]
    assert queue.empty()


async def _left_for_next_run(store: SqliteStore) -> list[tuple[int, str | None]]:
    """What a next run on the same DATA_DIR would find left over: (update id, text)."""
    await store.close()
    following = SqliteStore(store.data_dir)
    await following.start()
    try:
        left = await Inbox(following).left_over(Bot(TOKEN))
    finally:
        await following.close()
    return [(u.update_id, u.message.text if u.message else None) for u in left]


async def test_what_a_run_left_unhandled_comes_back_and_handled_ones_do_not(store: SqliteStore) -> None:
    """Of three updates received, the one marked handled stays handled; the other two come back, whole."""
    inbox = Inbox(store)
    queue = InboxQueue(inbox)
    for number in (1, 2, 3):
        await queue.put(_update(number, f"问题{number}"))
    inbox.finish(inbox.begin(_update(2)))
    await inbox.settled()
    assert await _left_for_next_run(store) == [(1, "问题1"), (3, "问题3")]


async def test_the_first_reply_marks_the_update_handled(store: SqliteStore) -> None:
    """A reply going out marks its update handled at once; a typing notice does not."""
    inbox = Inbox(store)
    await InboxQueue(inbox).put(_update(5))
    await InboxQueue(inbox).put(_update(6))
    inbox.begin(_update(5))
    inbox.replied("sendChatAction")
    inbox.begin(_update(6))
    inbox.replied("sendMessage")
    await inbox.settled()
    assert await _left_for_next_run(store) == [(5, "党小组")]
