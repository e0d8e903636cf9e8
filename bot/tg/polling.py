"""Polling: getUpdates in a loop, confirming an update to Telegram only once the inbox keeps it.

Telegram confirms an update when a later getUpdates call names an offset above it.
python-telegram-bot's Updater moves its offset past every update it has queued; this loop
moves it only past updates the store has taken (`Inbox.first_unkept`). While the store cannot
take them, the updates already fetched are answered from memory and handed out again by
Telegram on each call, and dropped as re-deliveries; Telegram hands out at most 100 at a time,
so up to 100 are answered from memory before later ones wait at Telegram for the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
from collections.abc import Sequence
from datetime import timedelta

from telegram import Bot, Update
from telegram.error import Conflict, RetryAfter, TelegramError, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot.tg.inbox import Inbox, InboxQueue, Receipt

log = logging.getLogger("bot")

FIRST_PAUSE, LONGEST_PAUSE = 1.0, 30.0
"""Pauses after a failed getUpdates: from 1 s, half again as long each time, up to 30 s (as python-telegram-bot).
A call that timed out is made again at once, and a 429 waits its `retry_after` (as python-telegram-bot too)."""
RETRY_AFTER_SLACK = 0.5
"""Seconds added to a 429's `retry_after` before polling again."""
NOTHING_NEW_PAUSE = 0.25
"""Seconds to wait before asking again when Telegram handed out only updates answered from memory
(it hands pending updates out at once, so a long poll does not wait): a new question then waits
at most this long, for four calls a second while the store is away."""
TAKE_WAIT = 2.0
"""Seconds a stop waits for a batch already fetched to be kept and queued."""
CONFIRM_WAIT = 2.0
"""Seconds the last getUpdates at a stop (confirming what the store has kept) may take."""


class PollingErrors:
    """Polling errors in one line each, at most once a minute per kind, instead of a traceback each time.

    A Conflict means another process polls with the same token: Telegram gives updates to one
    of them at a time.
    """

    EVERY = 60.0

    def __init__(self) -> None:
        self._told: dict[str, float] = {}

    def report(self, error: TelegramError) -> None:
        kind = type(error).__name__
        now = time.monotonic()
        if now - self._told.get(kind, -self.EVERY) < self.EVERY:
            return
        self._told[kind] = now
        if isinstance(error, Conflict):
            log.error("another process is polling with this token (%s); backing off, retrying up to every 30 s",
                      error.message)  # fmt: skip
        else:
            log.warning("getUpdates failed (%s: %s); retrying with growing pauses", kind, error.message)


class Poller:
    """Fetches updates into the inbox queue until stopped, confirming only what the inbox keeps."""

    def __init__(self, bot: Bot, queue: InboxQueue, allowed_updates: Sequence[str], poll_timeout: float) -> None:
        self.bot = bot
        self.poll_timeout = timedelta(seconds=poll_timeout)
        """How long a getUpdates call waits for news (long polling; TELEGRAM_POLL_TIMEOUT)."""
        self.queue = queue
        self.inbox: Inbox = queue.inbox
        self.allowed_updates = list(allowed_updates)
        self.errors = PollingErrors()
        self._newest: int | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    @property
    def offset(self) -> int | None:
        """The offset the next call names: it confirms every update below it."""
        unkept = self.inbox.first_unkept()
        if unkept is not None:
            return unkept
        return None if self._newest is None else self._newest + 1

    async def start(self) -> None:
        """Make sure no webhook is set (Telegram refuses getUpdates then), and start polling."""
        await self.bot.delete_webhook()
        self._task = asyncio.create_task(self._poll(), name="polling")

    async def cancel(self) -> None:
        """Stop fetching: a getUpdates waiting for news is cut short, but a batch already fetched is still
        kept and queued (it was handed out; at most `TAKE_WAIT` seconds)."""
        if self._task is None:
            return
        self._stopping.set()
        done, _ = await asyncio.wait([self._task], timeout=TAKE_WAIT)
        if not done:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def confirm(self) -> None:
        """Once stopped: confirm to Telegram what the store keeps (the rest it hands out again later)."""
        if self.offset is None:
            return
        try:
            async with asyncio.timeout(CONFIRM_WAIT):
                await self.bot.get_updates(offset=self.offset, timeout=0, allowed_updates=self.allowed_updates)
        except (TelegramError, TimeoutError) as error:
            log.info("the last updates were not confirmed (%s); Telegram will hand them out again", error)

    async def _poll(self) -> None:
        pause = 0.0
        while not self._stopping.is_set():
            try:
                updates = await self._fetch()
            except TimedOut:
                pause = 0.0  # a long poll the Bot API did not answer in time: ask again at once
                continue
            except RetryAfter as error:
                await self._pause(_seconds(error) + RETRY_AFTER_SLACK)
                continue
            except TelegramError as error:
                self.errors.report(error)
                pause = min(LONGEST_PAUSE, pause * 1.5 if pause else FIRST_PAUSE)
                await self._pause(pause)
                continue
            pause = 0.0
            if not updates:
                continue
            try:
                await self._take(updates)
            except Exception:  # a fault of ours must not end polling: the updates come again, unconfirmed
                log.exception("updates %s-%s not taken; asking for them again in %.0f s", updates[0].update_id,
                              updates[-1].update_id, LONGEST_PAUSE)  # fmt: skip
                await asyncio.sleep(LONGEST_PAUSE)

    async def _pause(self, seconds: float) -> None:
        """Wait before the next call, cut short if the bot begins to stop."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._stopping.wait()

    async def _fetch(self) -> tuple[Update, ...]:
        """One getUpdates call, given up (with nothing) if the bot begins to stop while it waits for news."""
        fetching = asyncio.ensure_future(
            self.bot.get_updates(offset=self.offset, timeout=self.poll_timeout, allowed_updates=self.allowed_updates)
        )
        stopping = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait([fetching, stopping], return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if not fetching.done():
            fetching.cancel()
            with contextlib.suppress(asyncio.CancelledError, TelegramError):
                await fetching
            return ()
        return fetching.result()

    async def _take(self, updates: Sequence[Update]) -> None:
        receipts = await self.queue.take(updates)
        newest = max(u.update_id for u in updates)
        self._newest = newest if self._newest is None else max(self._newest, newest)
        if all(r is Receipt.AGAIN for r in receipts) and self.inbox.first_unkept() is not None:
            # only updates answered from memory came back: ask again once one is kept, or in a moment
            await self.inbox.kept_some(NOTHING_NEW_PAUSE)


def _seconds(error: RetryAfter) -> float:
    """A 429's `retry_after` in seconds (an int in python-telegram-bot 22, a timedelta later)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        after = error.retry_after
    return after.total_seconds() if isinstance(after, timedelta) else float(after)
