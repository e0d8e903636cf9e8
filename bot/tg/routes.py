"""Telegram's webhook as a route of the shared HTTP server (`python -m bot run` with `WEB_PORT` set).

The same checks as the webhook's own server (`bot.tg.webhook`), through `read_update` and `take`,
which both use: a call without the secret token is refused with 403, a body that is not an update
with 400 (not JSON, nested deeper than any update, a number beyond 64 bits), before anything is
queued. An update is answered 200 only once it is durably in the inbox; while the store cannot take
it, it is answered from memory and refused with 503, so that Telegram delivers it again (see
`bot.tg.inbox`). A stopping bot answers 503 too.
"""

from __future__ import annotations

import asyncio
import json
import logging
from hmac import compare_digest
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from telegram import Bot, Update

from bot.tg.inbox import InboxQueue, Receipt

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20
"""Bytes a webhook call may carry; Telegram's updates are a few kilobytes."""
BODY_TIMEOUT = 10.0
"""Seconds a call's body may take to arrive, so that a slow sender cannot hold a connection."""
MAX_DEPTH = 64
"""Nesting an update's JSON may have; Telegram's are a dozen levels deep at most."""
LARGEST = (1 << 63) - 1
"""Telegram's ids fit in 64 bits; a larger number is not an update (and no store could keep it)."""


def read_update(body: bytes, bot: Bot) -> Update | None:
    """The update a webhook call carries, or None (the reason logged) when it is not one."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        log.warning("webhook call refused: the body is not JSON (or is nested too deep)")
        return None
    if not isinstance(data, dict) or type(data.get("update_id")) is not int:
        log.warning("webhook call refused: the body is not an update (%s)", type(data).__name__)
        return None
    if (problem := _beyond_bounds(data)) is not None:
        log.warning("webhook call refused: not an update (%s)", problem)
        return None
    try:
        return Update.de_json(data, bot)
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        log.warning("webhook call refused: not an update (%s)", error)
        return None


def _beyond_bounds(data: object) -> str | None:
    """Why a decoded body cannot be an update (too deep, a number beyond 64 bits), or None."""
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"nested deeper than {MAX_DEPTH}"
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, int) and not -LARGEST - 1 <= value <= LARGEST:
            return "a number beyond 64 bits"
    return None


async def take(application: Any, update: Update) -> int:
    """Hand an update to the application's inbox queue; the status for Telegram: 200 once the store
    keeps it, 503 while it does not (it is answered from memory meanwhile) or the bot is stopping."""
    queue = application.update_queue
    assert isinstance(queue, InboxQueue)
    (receipt,) = await queue.take([update])
    kept = receipt is not Receipt.REFUSED and queue.inbox.kept(update.update_id)
    # not kept yet: Telegram must deliver it again (it is being answered from memory, or the bot stops)
    return 200 if kept else 503


def webhook_routes(application: Any, path: str, secret: str) -> list[BaseRoute]:
    """The webhook at `path` (WEBHOOK_URL's, under `/telegram/`), for `application`'s update queue."""

    async def update(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not compare_digest(given.encode(), secret.encode()):
            log.warning("webhook call refused: wrong or missing secret token")
            return Response(status_code=403)
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY:
            log.warning("webhook call refused: a body of %s bytes", declared)
            return Response(status_code=413)
        try:
            body = await asyncio.wait_for(_body(request), BODY_TIMEOUT)
        except (ClientDisconnect, TimeoutError):
            return Response(status_code=400)
        if body is None:
            log.warning("webhook call refused: a body over %d bytes", MAX_BODY)
            return Response(status_code=413)
        received = read_update(body, application.bot)
        if received is None:
            return Response(status_code=400)
        return Response(status_code=await take(application, received))

    return [Route(path, update, methods=["POST"])]


async def _body(request: Request) -> bytes | None:
    """The call's body, or None once it passes `MAX_BODY`."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return body
