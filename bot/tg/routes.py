"""Telegram's webhook as a route of the shared HTTP server (`python -m bot run` with `WEB_PORT` set).

The same checks as the webhook's own server (`bot.tg.webhook`), through `read_update`, which both
use: a call without the secret token is refused with 403, a body that is not an update with 400,
before anything is queued; an accepted update is in the durable inbox before the 200 goes back.
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

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20
"""Bytes a webhook call may carry; Telegram's updates are a few kilobytes."""
BODY_TIMEOUT = 10.0
"""Seconds a call's body may take to arrive, so that a slow sender cannot hold a connection."""


def read_update(body: bytes, bot: Bot) -> Update | None:
    """The update a webhook call carries, or None (the reason logged) when it is not one."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        log.warning("webhook call refused: the body is not JSON")
        return None
    if not isinstance(data, dict) or type(data.get("update_id")) is not int:
        log.warning("webhook call refused: the body is not an update (%s)", type(data).__name__)
        return None
    try:
        return Update.de_json(data, bot)
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        log.warning("webhook call refused: not an update (%s)", error)
        return None


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
        await application.update_queue.put(received)
        return Response(status_code=200)

    return [Route(path, update, methods=["POST"])]


async def _body(request: Request) -> bytes | None:
    """The call's body, or None once it passes `MAX_BODY`."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return body
