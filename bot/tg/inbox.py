"""The durable inbox on the Telegram side: no update is lost to a crash or a failing store, none
answered twice when the store works.

Telegram hands an update out again until it is confirmed: by the offset of a later getUpdates
call (`bot.tg.polling`), or by the webhook's 2xx answer (`bot.tg.webhook`). Each update is
written to the store's inbox first (`Inbox.receive_all`), and confirmed only once that write
is durable. When the store cannot take the write (another process holds the SQLite file, the
disk is full, PostgreSQL is away) the update is answered from memory at once but not
confirmed: polling keeps its offset at the first such update, the webhook answers 503, and
Telegram keeps it. The inbox keeps trying to write it, and once it lands (as handled, if it
was answered meanwhile) it is confirmed. One log line says when this begins and one when it
ends; health reports it (`Inbox.outage`).

An update is marked handled the moment its reply goes out (`Inbox.replied`, called by the
rate limiter after each successful call), or when its handling ends if it sends nothing; its
handling keeps its place among the updates handled at once until that mark is written
(`Inbox.written`, for at most `DONE_WAIT`). On start, what the last run received but did not
handle is handled first (`Inbox.left_over`), and a re-delivered update that is already in the
inbox is dropped.

What remains: a reply Telegram accepted just before a kill, whose answer had not reached the
bot yet (one round trip) or whose "handled" mark was not yet written, goes out again after
the restart (`sendMessage` has no idempotency key): at most as many as are handled at once,
since each holds its place until its mark is written. So does an update answered from memory
during a store outage, since nothing durable says it was answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import functools
import json
import logging
import time
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from telegram import Bot, Update

from bot.storage.store import Store, StoreError

log = logging.getLogger(__name__)

REPLIES = frozenset(
    {"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument", "sendPhoto", "answerInlineQuery"}
)
"""Bot API methods that are an update's reply: the first one that succeeds marks the update handled."""

KEEP_WAIT = 0.5
"""Seconds an update waits for its inbox write before it is answered from memory (and not confirmed)."""
RETRY_EVERY = 1.0
"""Seconds between tries to write the updates the store has not taken yet."""
DONE_WAIT = 0.5
"""Seconds a handled update waits for its "handled" mark to be written before it gives up its place
(the store is slow or away: the mark is still written later)."""


class Receipt(enum.Enum):
    """What the inbox did with an update handed to it."""

    KEPT = "kept"
    """New, and durably in the store: Telegram may be told it arrived."""
    IN_MEMORY = "in memory"
    """New, to be answered now, but the store has not taken it: Telegram must not be told yet."""
    AGAIN = "again"
    """A re-delivery of an update already in hand: not answered again."""
    REFUSED = "refused"
    """The bot is stopping: not taken; Telegram hands it out again."""


@dataclass
class _Handling:
    update_id: int
    done: bool = False
    marking: asyncio.Future[None] | None = None
    """The write of its "handled" mark, once begun (None when it is written with the update itself)."""


@dataclass
class _Unkept:
    """An update answered from memory whose inbox write has not landed yet."""

    update: Update
    payload: str
    writing: asyncio.Future[bool] | None = None
    handled: bool = False


_HANDLING: ContextVar[_Handling | None] = ContextVar("handling", default=None)


def bot_id(token: str) -> int:
    """A bot's numeric id, the part of its token before the colon (update ids are that bot's own)."""
    return int(token.split(":", 1)[0])


class Inbox:
    """The bot's side of `Store.deliveries`."""

    def __init__(self, store: Store, bot: int) -> None:
        self.store = store
        self.bot = bot
        self.holder = store.holder
        self._tasks: set[asyncio.Future[Any]] = set()
        self.in_hand: set[int] = set()
        """Updates taken from the left-overs and not yet handled: a later look must not take them again."""
        self._unkept: dict[int, _Unkept] = {}
        self._progress = asyncio.Event()
        """Set each time an update the store had not taken is kept (polling waits on it to confirm)."""
        self._outage_since: float | None = None
        self._outage_why = ""
        self._answered_meanwhile = 0
        self._retrying: asyncio.Task[None] | None = None
        self.stopping = False
        """Set when a stop runs out of time: updates not begun by then are left for the next run."""
        self.left_for_next_run = 0

    # ------------------------------------------------------------------ receiving

    async def receive_all(self, updates: Sequence[Update]) -> list[Receipt]:
        """Keep each update in the store before it is confirmed (the writes go together); each one's receipt.

        An update the store has not taken within `KEEP_WAIT` (at once, while it is known not to
        take any) is answered from memory and kept as soon as the store can.
        """
        again: set[int] = set()
        writes: dict[int, tuple[Update, str, asyncio.Future[bool]]] = {}
        for position, update in enumerate(updates):
            number = update.update_id
            if number in self._unkept or number in writes:
                again.add(position)
                continue
            payload = update.to_json()
            writes[number] = (update, payload, asyncio.ensure_future(self._receive(number, payload)))
        if writes:
            # asyncio.wait neither cancels the writes nor swallows a cancellation of the caller
            await asyncio.wait([w for _, _, w in writes.values()], timeout=0 if self._outage_since else KEEP_WAIT)
        receipts: dict[int, Receipt] = {}
        for number, (update, payload, write) in writes.items():
            if write.done() and not write.cancelled() and write.exception() is None:
                receipts[number] = Receipt.KEPT if write.result() else Receipt.AGAIN
            else:
                receipts[number] = Receipt.IN_MEMORY
                self._answer_from_memory(number, _Unkept(update, payload, write), write)
        return [Receipt.AGAIN if i in again else receipts[u.update_id] for i, u in enumerate(updates)]

    async def _receive(self, number: int, payload: str) -> bool:
        return await self.store.deliveries.receive(self.bot, number, payload)

    def _answer_from_memory(self, number: int, item: _Unkept, write: asyncio.Future[bool]) -> None:
        self._unkept[number] = item
        self._answered_meanwhile += 1
        if write.done():
            self._failed(write)
        else:
            write.add_done_callback(functools.partial(self._written, number))
        if self._outage_since is None:
            self._outage_since = time.monotonic()
            self._outage_why = self._outage_why or f"no answer within {KEEP_WAIT} s"
            log.warning("the store cannot keep updates (%s); answering them from memory, and not confirming them "
                        "to Telegram until it can", self._outage_why)  # fmt: skip
        if self._retrying is None or self._retrying.done():
            self._retrying = asyncio.create_task(self._keep_trying(), name="inbox keeper")

    def _failed(self, write: asyncio.Future[bool]) -> None:
        error = write.exception() if not write.cancelled() else None
        if isinstance(error, StoreError):
            self._outage_why = str(error)
        elif error is not None:
            log.warning("an update's inbox write failed: %r", error)

    def _written(self, number: int, write: asyncio.Future[bool]) -> None:
        """A write of an update answered from memory ended: kept, or to be tried again."""
        if write.cancelled() or write.exception() is not None:
            self._failed(write)
            return
        item = self._unkept.pop(number, None)
        if item is not None and item.handled:
            self._mark_done(number)
        self._progress.set()
        if not self._unkept and self._outage_since is not None:
            log.warning("the store keeps updates again after %.0f s; the %d update(s) answered from memory meanwhile "
                        "are kept and confirmed", time.monotonic() - self._outage_since,
                        self._answered_meanwhile)  # fmt: skip
            self._outage_since = None
            self._outage_why = ""
            self._answered_meanwhile = 0

    async def _keep_trying(self) -> None:
        """Every `RETRY_EVERY` seconds, write again the updates whose last write failed."""
        while self._unkept:
            await asyncio.sleep(RETRY_EVERY)
            for number, item in list(self._unkept.items()):
                if item.writing is None or item.writing.done():
                    item.writing = asyncio.ensure_future(self._receive(number, item.payload))
                    item.writing.add_done_callback(functools.partial(self._written, number))

    def kept(self, update_id: int) -> bool:
        """Whether Telegram may be told the update arrived: the store holds it (or it was never ours)."""
        return update_id not in self._unkept

    def first_unkept(self) -> int | None:
        """The lowest update id the store has not taken yet (polling confirms only below it)."""
        return min(self._unkept) if self._unkept else None

    async def kept_some(self, timeout: float) -> None:
        """Wait until an update answered from memory is kept, or `timeout` seconds."""
        self._progress.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._progress.wait()

    @property
    def outage(self) -> str | None:
        """Why updates are answered from memory, for health; None while the store keeps them."""
        if self._outage_since is None:
            return None
        return (f"store unavailable ({self._outage_why}); {len(self._unkept)} update(s) answered from memory and "
                f"not confirmed, for {time.monotonic() - self._outage_since:.0f} s")  # fmt: skip

    # ------------------------------------------------------------------ handling

    async def claim(self, update: Update) -> bool:
        """With a store shared by several processes, take the update; False if another has it."""
        if not self.store.shared:
            return True
        try:
            return await self.store.deliveries.claim(self.bot, update.update_id, self.holder)
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
        handling.marking = self._mark_done(handling.update_id)

    async def written(self, handling: _Handling) -> None:
        """Wait, at most `DONE_WAIT` seconds, until the "handled" mark of a finished update is written."""
        if handling.marking is not None and not handling.marking.done():
            # asyncio.wait neither cancels the write nor swallows a cancellation of the caller
            await asyncio.wait([handling.marking], timeout=DONE_WAIT)

    def handled(self, update_id: int) -> None:
        """Mark an update handled that is not answered (over its sender's share)."""
        self.finish(_Handling(update_id))

    def release(self, update_id: int) -> None:
        """The bot is stopping before handling this update: it stays unhandled for the next run (in the
        inbox, or unconfirmed at Telegram)."""
        self.in_hand.discard(update_id)
        self.left_for_next_run += 1

    def _mark_done(self, update_id: int) -> asyncio.Future[None] | None:
        unkept = self._unkept.get(update_id)
        if unkept is not None:
            unkept.handled = True  # written with the update, once the store takes it
            return None
        task = asyncio.ensure_future(self._done(update_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _done(self, update_id: int) -> None:
        try:
            await self.store.deliveries.done(self.bot, update_id)
        except StoreError as error:
            log.warning("update %s not marked handled: %s", update_id, error)

    async def settled(self, timeout: float) -> None:
        """Wait (at most `timeout` seconds) until every "handled" mark started so far is written."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout)

    async def left_over(self, bot: Bot) -> list[Update]:
        """Updates received but never handled (the last run stopped in between), oldest first."""
        try:
            inbound = await self.store.deliveries.unhandled(self.bot)
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

Admit = Callable[[Update], bool]
"""Whether an update is to be handled (False: over its sender's share, dropped as handled)."""


class InboxQueue(asyncio.Queue[object]):
    """The application's update queue: an update is in the inbox before it is queued, a re-delivered
    one is not queued again, and none is queued once the bot is stopping. Polling and the webhook
    both hand updates in through `take`."""

    def __init__(self, inbox: Inbox, admit: Admit | None = None) -> None:
        super().__init__(maxsize=QUEUED)
        self.inbox = inbox
        self.admit = admit
        self.closed = False

    async def take(self, updates: Sequence[Update]) -> list[Receipt]:
        """Keep the updates in the inbox and queue the new ones in order; each one's receipt."""
        if self.closed:
            return [Receipt.REFUSED] * len(updates)
        receipts = await self.inbox.receive_all(updates)
        for update, receipt in zip(updates, receipts, strict=True):
            if receipt is Receipt.AGAIN:
                log.debug("update %s was delivered again; it is already in hand", update.update_id)
            elif self.closed:
                self.inbox.release(update.update_id)  # the bot began stopping while this was being kept
            elif self.admit is not None and not self.admit(update):
                self.inbox.handled(update.update_id)
            else:
                await super().put(update)
        return receipts

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            await self.take([item])
        else:
            await super().put(item)  # python-telegram-bot's own stop signal

    async def put_left_over(self, update: Update) -> None:
        """Queue an update the inbox already holds (left by the last run, or by a replica that died)."""
        if self.closed:
            return
        self.inbox.in_hand.add(update.update_id)
        await super().put(update)

    def close(self) -> None:
        """Take no more updates: the bot is stopping (those queued are still handled, while time allows)."""
        self.closed = True
