"""Which failed Bot API calls are sent again, and which are not."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.tg.delivery import PatientRateLimiter, never_arrived


def _timed_out(cause: Exception) -> TimedOut:
    """A TimedOut as python-telegram-bot raises it: httpx's error kept as the cause."""
    try:
        raise TimedOut from cause
    except TimedOut as error:
        return error


class _Flaky:
    """A Bot API call that fails with the given errors, then succeeds."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self, *_args: Any, **_kwargs: Any) -> dict[str, Any]:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return {"message_id": 1}


async def _send(call: _Flaky, endpoint: str = "sendMessage") -> Any:
    limiter = PatientRateLimiter(first_pause=0.01, network_retries=3)
    return await limiter.process_request(call, (), {}, endpoint, {"chat_id": 1}, None)


@pytest.mark.parametrize(
    "error",
    [
        _timed_out(httpx.ConnectTimeout("connect")),
        _timed_out(httpx.PoolTimeout("pool")),
        _timed_out(httpx.WriteTimeout("write")),
        NetworkError("httpx.ConnectError: connection refused"),
        NetworkError("Bad Gateway"),
    ],
    ids=["connect-timeout", "pool-timeout", "write-timeout", "refused", "server-error"],
)
async def test_a_request_that_never_arrived_is_sent_again(error: Exception) -> None:
    """No connection, none free, a request not written out, a server error: the reply goes out next try."""
    call = _Flaky(error)
    assert await _send(call) == {"message_id": 1}
    assert call.calls == 2


@pytest.mark.parametrize(
    "error",
    [_timed_out(httpx.ReadTimeout("read")), BadRequest("chat not found")],
    ids=["read-timeout", "bad-request"],
)
async def test_a_request_that_may_have_arrived_is_not_sent_twice(error: Exception) -> None:
    """Telegram may have delivered it (a timeout waiting for the answer) or refused it for good."""
    call = _Flaky(error)
    with pytest.raises(type(error)):
        await _send(call)
    assert call.calls == 1


async def test_probes_and_polling_fail_fast() -> None:
    """getMe and getUpdates are not retried here: their callers have their own rhythm."""
    for endpoint in ("getMe", "getUpdates"):
        call = _Flaky(NetworkError("Bad Gateway"))
        with pytest.raises(NetworkError):
            await _send(call, endpoint)
        assert call.calls == 1


async def test_retries_give_up_after_the_last_pause() -> None:
    """A long outage ends in the error after the set number of retries, not in an endless loop."""
    call = _Flaky(*[NetworkError("Bad Gateway")] * 10)
    with pytest.raises(NetworkError):
        await _send(call)
    assert call.calls == 4


def test_a_timeout_without_a_known_cause_counts_as_possibly_delivered() -> None:
    """When it is unknown how far a timed-out request got, it is not sent again."""
    assert not never_arrived(TimedOut())


async def test_stopping_ends_the_pauses_and_the_retries() -> None:
    """A bot told to stop gives up a reply that is waiting out an outage, at once, with the error."""
    limiter = PatientRateLimiter(first_pause=30.0, network_retries=3)
    call = _Flaky(*[NetworkError("Bad Gateway")] * 10)
    sending = asyncio.create_task(limiter.process_request(call, (), {}, "sendMessage", {"chat_id": 1}, None))
    await asyncio.sleep(0.05)
    assert call.calls == 1  # now in the first 30-second pause
    limiter.stop_retrying()
    with pytest.raises(NetworkError):
        await asyncio.wait_for(sending, 1.0)
    assert call.calls == 1
    later = _Flaky(NetworkError("Bad Gateway"))
    with pytest.raises(NetworkError):
        await limiter.process_request(later, (), {}, "sendMessage", {"chat_id": 1}, None)
    assert later.calls == 1


class _Chats:
    """A Bot API that answers a chat's first call with a 429 (retry after 1 s) when told to, and records calls."""

    def __init__(self, *limited: int) -> None:
        self.limited = set(limited)
        self.calls: list[int] = []

    def call(self, chat: int) -> Any:
        async def send(*_args: Any, **_kwargs: Any) -> dict[str, Any]:
            self.calls.append(chat)
            if chat in self.limited:
                self.limited.discard(chat)
                raise RetryAfter(1)
            return {"message_id": len(self.calls)}

        return send


async def test_a_429_holds_only_its_own_chat(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chat 1 is told to wait: chat 2 is sent to meanwhile, and chat 1's next message waits its turn
    instead of meeting another 429; chat 1's first message goes out after the wait."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # python-telegram-bot 23's RetryAfter, without 22's warning
    limiter = PatientRateLimiter()
    api = _Chats(1)
    first = asyncio.create_task(limiter.process_request(api.call(1), (), {}, "sendMessage", {"chat_id": 1}, None))
    while not api.calls:
        await asyncio.sleep(0.01)
    other = await limiter.process_request(api.call(2), (), {}, "sendMessage", {"chat_id": 2}, None)
    assert other == {"message_id": 2}
    second = asyncio.create_task(limiter.process_request(api.call(1), (), {}, "sendMessage", {"chat_id": 1}, None))
    await asyncio.gather(first, second)
    assert api.calls == [1, 2, 1, 1]


async def test_stopping_ends_a_wait_for_a_429(monkeypatch: pytest.MonkeyPatch) -> None:
    """A chat waiting out a long retry_after gives up at once when the bot stops."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    limiter = PatientRateLimiter()
    api = _Chats(1)
    waiting = asyncio.create_task(limiter.process_request(api.call(1), (), {}, "sendMessage", {"chat_id": 1}, None))
    while not api.calls:
        await asyncio.sleep(0.01)
    later = asyncio.create_task(limiter.process_request(api.call(1), (), {}, "sendMessage", {"chat_id": 1}, None))
    await asyncio.sleep(0.05)
    limiter.stop_retrying()
    with pytest.raises((NetworkError, RetryAfter)):
        await asyncio.wait_for(later, 0.5)
    waiting.cancel()
    assert api.calls == [1]


async def test_a_429_for_a_call_to_no_chat_is_waited_out_before_the_next_try(monkeypatch: pytest.MonkeyPatch) -> None:
    """An inline answer (no chat) told to wait is not tried again at once: it waits its retry_after, and a
    stop during the wait ends it without another try."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    limiter = PatientRateLimiter()
    call = _Flaky(RetryAfter(30))
    waiting = asyncio.create_task(limiter.process_request(call, (), {}, "answerInlineQuery", {}, None))
    while not call.calls:
        await asyncio.sleep(0.01)
    limiter.stop_retrying()
    with pytest.raises(RetryAfter):
        await asyncio.wait_for(waiting, 5)
    assert call.calls == 1
