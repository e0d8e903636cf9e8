"""Sending within Telegram's limits, and again after a dropped connection.

`PatientRateLimiter` is python-telegram-bot's `AIORateLimiter` (overall and per-group
limits, `RetryAfter` honoured) that also retries a request whose connection failed or
that the Bot API answered with a server error, with pauses doubling up to 30 s, for
about a minute in all: long enough that answers in hand survive a short outage (a stop
ends the retries at once: `stop_retrying`). A request that timed out is retried only
when it never reached the Bot API whole (no connection could be made or was free, or
the request could not be written out); one that timed out waiting for the answer is
not: Telegram may have delivered the message already, and a retry would send it twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]

NOT_RETRIED = frozenset({"getUpdates", "getMe"})
"""getUpdates is retried by the polling loop itself; getMe is a probe (start-up, heartbeat) that
should fail fast so that an unreachable Bot API is reported at once."""


class PatientRateLimiter(AIORateLimiter):
    """`AIORateLimiter`, plus retries with growing pauses after a failed connection or a server error."""

    def __init__(
        self,
        *,
        network_retries: int = 7,
        first_pause: float = 0.5,
        longest_pause: float = 30.0,
        on_success: Callable[[str], None] | None = None,
        **limits: Any,
    ) -> None:
        super().__init__(**limits)
        self.network_retries = network_retries
        self.first_pause = first_pause
        self.longest_pause = longest_pause
        self.on_success = on_success
        """Told the method name of each request the Bot API accepted (the inbox marks replies with it)."""
        self._stopping = asyncio.Event()

    def stop_retrying(self) -> None:
        """From now on a failed request fails at once, and pauses end: the bot is stopping.

        Otherwise a stop during an outage would wait out a minute of retries for the answers
        in hand; Telegram hands unconfirmed updates out again after the restart.
        """
        self._stopping.set()

    async def _pause(self, seconds: float) -> bool:
        """Wait before the next try; True if the bot began stopping meanwhile."""
        try:
            await asyncio.wait_for(self._stopping.wait(), seconds)
        except TimeoutError:
            return False
        return True

    async def process_request(  # noqa: PLR0917 - the signature is BaseRateLimiter's
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        pause = self.first_pause
        for attempt in range(self.network_retries + 1):
            try:
                result = await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except NetworkError as error:
                last = attempt == self.network_retries or self._stopping.is_set()
                if last or not never_arrived(error) or endpoint in NOT_RETRIED:
                    raise
                log.warning("%s failed (%s); retrying in %.1f s", endpoint, error.message, pause)
                if await self._pause(pause):
                    raise
                pause = min(2 * pause, self.longest_pause)
            else:
                if self.on_success is not None:
                    self.on_success(endpoint)
                return result
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


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
