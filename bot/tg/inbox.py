"""The durable inbox on the Telegram side: no update is lost to a crash, none answered twice.

Telegram hands an update out again until it is confirmed: by the offset of a later
getUpdates call, or by the webhook's 2xx answer. python-telegram-bot confirms an update
when it fetches the next batch, not when the update is handled, so a crash loses every
update in hand. Here each update is written to the store's inbox *before* it is queued
for handling (`InboxQueue.put`), which comes before its confirmation in both modes; it is
marked handled the moment its reply goes out (`Inbox.replied`, called by the rate limiter
after each successful call), or when its handling ends if it sends nothing. On start,
what the last run received but did not handle is handled first (`Inbox.left_over`), and
a re-delivered update that is already in the inbox is dropped.

What remains: a reply sent in the last milliseconds before a kill, whose "handled" mark
was not yet written, goes out again after the restart (`sendMessage` has no idempotency
key). When the database is held by another process, updates are handled without waiting
for it (an answer matters more): their inbox rows are written once it is free.
"""

from __future__ import annotations

import asyncio
import json
import logging
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from telegram import Bot, Update

from bot.storage.store import Store, StoreBusy, StoreError

log = logging.getLogger(__name__)

REPLIES = frozenset(
    {"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument", "sendPhoto", "answerInlineQuery"}
)
"""Bot API methods that are an update's reply: the first one that succeeds marks the update handled."""


@dataclass
class _Handling:
    update_id: int
    done: bool = False


_HANDLING: ContextVar[_Handling | None] = ContextVar("handling", default=None)


class Inbox:
    """The bot's side of `Store.deliveries`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.holder = store.holder
        self._tasks: set[asyncio.Task[None]] = set()
        self.in_hand: set[int] = set()
        """Updates taken from the left-overs and not yet handled: a later look must not take them again."""

    async def receive(self, update: Update) -> bool:
        """Keep an update before it is confirmed; False for a re-delivery of one already received."""
        try:
            return await self.store.deliveries.receive(update.update_id, update.to_json())
        except StoreBusy:
            return True  # written when the database is free; handled now
        except StoreError as error:
            log.warning("update %s handled without the inbox: %s", update.update_id, error)
            return True

    async def claim(self, update: Update) -> bool:
        """With a store shared by several processes, take the update; False if another has it."""
        if not self.store.shared:
            return True
        try:
            return await self.store.deliveries.claim(update.update_id, self.holder)
        except StoreError as error:
            log.warning("update %s handled without a claim: %s", update.update_id, error)
            return True

    def begin(self, update: Update) -> _Handling:
        """Mark the running task as handling `update` (for `replied`)."""
        handling = _Handling(update.update_id)
        _HANDLING.set(handling)
        return handling

    def replied(self, endpoint: str) -> None:
        """A Bot API call succeeded: if it is the first reply of the update being handled, mark it handled."""
        handling = _HANDLING.get()
        if handling is None or handling.done or endpoint not in REPLIES:
            return
        self.finish(handling)

    def finish(self, handling: _Handling) -> None:
        """Mark an update handled (once), without holding the caller."""
        self.in_hand.discard(handling.update_id)
        if handling.done:
            return
        handling.done = True
        task = asyncio.ensure_future(self._done(handling.update_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _done(self, update_id: int) -> None:
        try:
            await self.store.deliveries.done(update_id)
        except StoreBusy:
            pass
        except StoreError as error:
            log.warning("update %s not marked handled: %s", update_id, error)

    async def settled(self) -> None:
        """Wait until every "handled" mark started so far is written (before closing the store)."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def left_over(self, bot: Bot) -> list[Update]:
        """Updates received but never handled (the last run stopped in between), oldest first."""
        try:
            inbound = await self.store.deliveries.unhandled()
        except StoreError as error:
            log.warning("updates left by the last run not read: %s", error)
            return []
        updates = []
        for item in inbound:
            if item.update_id in self.in_hand:
                continue
            try:
                data: Any = json.loads(item.payload)
                update = Update.de_json(data, bot)
            except (ValueError, TypeError, KeyError) as error:
                log.warning("update %s in the inbox cannot be read (%s); skipped", item.update_id, error)
                await self._done(item.update_id)
                continue
            updates.append(update)
        return updates


QUEUED = 256
"""Updates waiting to be handled at most. In a burst, fetching waits for room (Telegram keeps the
rest until asked for them), so memory does not hold thousands of updates at once."""


class InboxQueue(asyncio.Queue[object]):
    """The application's update queue: an update is in the inbox before it is queued, and a
    re-delivered one is not queued again. Polling and the webhook both put updates here."""

    def __init__(self, inbox: Inbox) -> None:
        super().__init__(maxsize=QUEUED)
        self.inbox = inbox

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and not await self.inbox.receive(item):
            log.info("update %s was delivered again; it is already in hand", item.update_id)
            return
        await super().put(item)

    async def put_left_over(self, update: Update) -> None:
        """Queue an update the inbox already holds (left by the last run, or by a replica that died)."""
        self.inbox.in_hand.add(update.update_id)
        await super().put(update)
