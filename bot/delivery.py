"""Sending within Telegram's limits, and again after a dropped connection.

`PatientRateLimiter` is python-telegram-bot's `AIORateLimiter` (overall and per-group
limits, `RetryAfter` honoured) that also retries a request whose connection failed
before an answer came. A timeout is not retried: Telegram may have delivered the
message already, and a retry would send it twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]


class PatientRateLimiter(AIORateLimiter):
    """`AIORateLimiter`, plus a few retries with growing pauses after a failed connection."""

    def __init__(self, *, network_retries: int = 3, first_pause: float = 0.5, **limits: Any) -> None:
        super().__init__(**limits)
        self.network_retries = network_retries
        self.first_pause = first_pause

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
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except NetworkError as error:
                # BadRequest is a NetworkError in PTB, but Telegram did answer: sending again will not help
                dropped = not isinstance(error, (BadRequest, TimedOut))
                if not dropped or attempt == self.network_retries or endpoint == "getUpdates":
                    raise
                log.warning("%s failed (%s); retrying in %.1f s", endpoint, error.message, pause)
                await asyncio.sleep(pause)
                pause *= 2
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises
