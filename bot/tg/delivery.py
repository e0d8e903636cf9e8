"""Sending within Telegram's limits, chat by chat, and again after a dropped connection.

`PatientRateLimiter` keeps the bot within Telegram's limits: at most `overall_max_rate`
messages a second across chats and 20 a minute into one group (both as python-telegram-bot's
`AIORateLimiter`). A 429 (`RetryAfter`) is a chat's own: that chat's requests wait out its
`retry_after` and are sent again, while every other chat goes on (python-telegram-bot's
limiter pauses all of them).

It also retries a request whose connection failed or that the Bot API answered with a
server error, with pauses doubling up to 30 s, for about a minute in all: long enough that
answers in hand survive a short outage (a stop ends the retries and waits at once:
`stop_retrying`). A request that timed out is retried only when it never reached the Bot
API whole (no connection could be made or was free, or the request could not be written
out); one that timed out waiting for the answer is not: Telegram may have delivered the
message already, and a retry would send it twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import timedelta
from typing import Any

import httpx
from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]

NOT_RETRIED = frozenset({"getUpdates", "getMe"})
"""getUpdates is retried by the polling loop itself; getMe is a probe (start-up, heartbeat) that
should fail fast so that an unreachable Bot API is reported at once."""
GROUP_RATE = 20
"""Messages a minute into one group, Telegram's limit."""
TRACKED = 512
"""Groups and waiting chats tracked before those that are idle again are forgotten."""


class PatientRateLimiter(BaseRateLimiter[int]):
    """Telegram's rate limits, 429s waited out per chat, and retries with growing pauses after a failed
    connection or a server error."""

    def __init__(
        self,
        *,
        overall_max_rate: float = 30,
        overall_time_period: float = 1,
        max_retries: int = 3,
        network_retries: int = 7,
        first_pause: float = 0.5,
        longest_pause: float = 30.0,
        on_success: Callable[[str], None] | None = None,
    ) -> None:
        self._overall = AsyncLimiter(overall_max_rate, overall_time_period)
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._chat_free_at: dict[int | str, float] = {}
        """When each chat that got a 429 may be sent to again (monotonic time)."""
        self.max_retries = max_retries
        self.network_retries = network_retries
        self.first_pause = first_pause
        self.longest_pause = longest_pause
        self.on_success = on_success
        """Told the method name of each request the Bot API accepted (the inbox marks replies with it)."""
        self._stopping = asyncio.Event()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def stop_retrying(self) -> None:
        """From now on a failed request fails at once, and pauses end: the bot is stopping.

        Otherwise a stop during an outage would wait out a minute of retries for the answers
        in hand; Telegram hands unconfirmed updates out again after the restart.
        """
        self._stopping.set()

    async def _pause(self, seconds: float) -> bool:
        """Wait before the next try; True if the bot began stopping meanwhile."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._stopping.wait()
        return self._stopping.is_set()

    async def process_request(  # noqa: PLR0917 - the signature is BaseRateLimiter's
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        chat = _chat(data.get("chat_id"))
        rate_retries = rate_limit_args or self.max_retries
        pause = self.first_pause
        network_attempt = rate_attempt = 0
        while True:
            held = self._chat_free_at.get(chat, 0.0) - time.monotonic() if chat is not None else 0.0
            if held > 0 and await self._pause(held):
                raise NetworkError(f"stopping while chat {chat} waits out a 429")
            try:
                async with self._limits(chat):
                    result = await callback(*args, **kwargs)
            except RetryAfter as error:
                if rate_attempt >= rate_retries or self._stopping.is_set():
                    raise
                rate_attempt += 1
                seconds = self._wait_out(chat, error, endpoint)
                if chat is None and await self._pause(seconds):  # a call to no chat waits here itself
                    raise
            except NetworkError as error:
                last = network_attempt >= self.network_retries or self._stopping.is_set()
                if last or not never_arrived(error) or endpoint in NOT_RETRIED:
                    raise
                network_attempt += 1
                log.warning("%s failed (%s); retrying in %.1f s", endpoint, error.message, pause)
                if await self._pause(pause):
                    raise
                pause = min(2 * pause, self.longest_pause)
            else:
                if self.on_success is not None:
                    self.on_success(endpoint)
                return result

    @contextlib.asynccontextmanager
    async def _limits(self, chat: int | str | None) -> AsyncIterator[None]:
        """The overall limit for anything sent to a chat, and a group's own limit for a group."""
        if chat is None:
            yield
            return
        group = self._group(chat) if _is_group(chat) else None
        async with contextlib.AsyncExitStack() as limits:
            if group is not None:
                await limits.enter_async_context(group)
            await limits.enter_async_context(self._overall)
            yield

    def _group(self, chat: int | str) -> AsyncLimiter:
        if chat not in self._groups and len(self._groups) >= TRACKED:
            for key, limiter in list(self._groups.items()):
                if limiter.has_capacity(limiter.max_rate):
                    del self._groups[key]
        return self._groups.setdefault(chat, AsyncLimiter(GROUP_RATE, 60))

    def _wait_out(self, chat: int | str | None, error: RetryAfter, endpoint: str) -> float:
        """Hold this chat (only) for the `retry_after` Telegram asked for; the seconds to wait."""
        with warnings.catch_warnings():  # an int in python-telegram-bot 22, a timedelta later
            warnings.simplefilter("ignore", PTBDeprecationWarning)
            after = error.retry_after
        seconds = (after.total_seconds() if isinstance(after, timedelta) else float(after)) + 0.1
        if chat is None:
            log.info("%s: Telegram asks to wait %.0f s", endpoint, seconds)
            return seconds
        log.info("%s to chat %s: Telegram asks to wait %.0f s; other chats go on", endpoint, chat, seconds)
        now = time.monotonic()
        if len(self._chat_free_at) >= TRACKED:
            self._chat_free_at = {key: at for key, at in self._chat_free_at.items() if at > now}
        self._chat_free_at[chat] = max(self._chat_free_at.get(chat, 0.0), now + seconds)
        return seconds


def _chat(value: object) -> int | str | None:
    if value is None:
        return None
    with contextlib.suppress(ValueError, TypeError):
        return int(str(value))
    return str(value)


def _is_group(chat: int | str) -> bool:
    """Groups have negative ids; a channel or group may also be named by its @username."""
    return isinstance(chat, str) or chat < 0


def never_arrived(error: NetworkError) -> bool:
    """True when the failed request cannot have been acted on, so that sending it again is safe.

    A BadRequest is a NetworkError in python-telegram-bot, but Telegram did answer: sending
    again will not help. A timeout is safe only if the request was never written out whole
    (python-telegram-bot keeps httpx's own error as the cause); a dropped connection or a
    server error is retried.
    """
    if isinstance(error, BadRequest):
        return False
    if isinstance(error, TimedOut):
        return isinstance(error.__cause__, (httpx.ConnectTimeout, httpx.PoolTimeout, httpx.WriteTimeout))
    return True
