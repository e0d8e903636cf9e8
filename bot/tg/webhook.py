"""The webhook server: Telegram's updates in on one path, `/healthz` beside them.

Replaces python-telegram-bot's built-in webhook server so that health checks and the
webhook share one port. There is always a secret (`run` makes one when none is set):
updates whose secret-token header does not match are refused with 403, bodies that are
not an update with 400 (not JSON, nested deeper than any update, a number beyond 64 bits),
before anything is queued. An update is answered 200 only once it is durably in the inbox;
while the store cannot take it, it is answered from memory and refused with 503, so that
Telegram delivers it again (see `bot.tg.inbox`). A stopping bot answers 503 too.

The server is bounded by `ServerLimits` (see `bot.ops.settings`): a connection has
`idle_timeout` seconds to send a whole request head, whether new or kept alive between
requests, and `body_timeout` for its body; beyond `connections` open at once, new ones are
closed at once (`ConnectionCap`), so idle sockets cannot use up the process's open files.
Facing the internet, put nginx in front (`deploy/nginx/faqbot.conf`).
"""

from __future__ import annotations

import json
import logging
import resource
import time
from collections.abc import Callable
from hmac import compare_digest
from typing import Any

from telegram import Update
from tornado.httpserver import HTTPServer
from tornado.iostream import IOStream
from tornado.web import Application as WebApplication
from tornado.web import RequestHandler

from bot.ops.settings import ServerLimits
from bot.tg.inbox import InboxQueue, Receipt

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20
"""Bytes a webhook call may carry; Telegram's updates are a few kilobytes."""
MAX_DEPTH = 64
"""Nesting an update's JSON may have; Telegram's are a dozen levels deep at most."""
LARGEST = (1 << 63) - 1
"""Telegram's ids fit in 64 bits; a larger number is not an update (and no store could keep it)."""
RESERVED_FILES = 128
"""Open files kept free beyond the connection cap: the database, the Bot API's connections, logs."""


class UpdateHandler(RequestHandler):
    """POST <path>: one update from Telegram, queued for the application."""

    def initialize(self, bot_application: Any, secret: str) -> None:
        self.bot_application = bot_application
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not compare_digest(given.encode(), self.secret.encode()):
            log.warning("webhook call refused: wrong or missing secret token")
            self.set_status(403)
            return
        update = self._update()
        if update is None:
            self.set_status(400)
            return
        queue = self.bot_application.update_queue
        assert isinstance(queue, InboxQueue)
        (receipt,) = await queue.take([update])
        kept = receipt is not Receipt.REFUSED and queue.inbox.kept(update.update_id)
        # not kept yet: Telegram must deliver it again (it is being answered from memory, or the bot stops)
        self.set_status(200 if kept else 503)

    def _update(self) -> Update | None:
        try:
            data = json.loads(self.request.body)
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
            return Update.de_json(data, self.bot_application.bot)
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


class HealthHandler(RequestHandler):
    """GET /healthz: 200 when healthy, 503 when not, with one line saying why."""

    def initialize(self, check: Callable[[], tuple[bool, str]]) -> None:
        self.check = check

    def get(self) -> None:
        healthy, reason = self.check()
        self.set_status(200 if healthy else 503)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"healthy": healthy, "reason": reason}))


class ConnectionCap:
    """At most `limit` connections open at once; one beyond it is closed at once, said once a minute."""

    EVERY = 60.0

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open = 0
        self.refused = 0
        self._told = -self.EVERY

    def admit(self) -> bool:
        """Whether a new connection may stay open (it must be released when it closes)."""
        if self.open >= self.limit:
            self.refused += 1
            now = time.monotonic()
            if now - self._told >= self.EVERY:
                self._told = now
                log.warning("webhook server: %d connections open, the most allowed; closing new ones "
                            "(%d so far)", self.open, self.refused)  # fmt: skip
            return False
        self.open += 1
        return True

    def release(self) -> None:
        """A connection admitted earlier has closed."""
        self.open -= 1


def connection_cap(limits: ServerLimits) -> ConnectionCap:
    """The cap for `limits`, kept below the open files this process may have (raising its soft limit if it can)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = limits.connections + RESERVED_FILES
    if soft != resource.RLIM_INFINITY and soft < wanted:
        raised = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
        except (ValueError, OSError):
            pass
    limit = limits.connections if soft == resource.RLIM_INFINITY else min(limits.connections, soft - RESERVED_FILES)
    if limit < limits.connections:
        log.warning("webhook server: at most %d connections (open files are limited to %d)", limit, soft)
    return ConnectionCap(max(1, limit))


class CappedHTTPServer(HTTPServer):
    """tornado's HTTP server with a `ConnectionCap` (set before it listens)."""

    cap: ConnectionCap

    def handle_stream(self, stream: IOStream, address: tuple[Any, ...]) -> None:
        if not self.cap.admit():
            stream.close()
            return
        super().handle_stream(stream, address)

    def on_close(self, server_conn: object) -> None:
        super().on_close(server_conn)
        self.cap.release()


def _log_request(handler: RequestHandler) -> None:
    """Each call at DEBUG only: a refusal says why in its own line, and a 503 during an outage (Telegram
    delivering again) must not flood the log."""
    request = handler.request
    log.debug("%d %s %s %.1f ms", handler.get_status(), request.method, request.uri, 1000 * request.request_time())


def webhook_server(
    application: Any, path: str, secret: str, check: Callable[[], tuple[bool, str]], limits: ServerLimits
) -> CappedHTTPServer:
    """An HTTP server (not yet listening) for the webhook at `/path` and `/healthz`."""
    routes = [
        (f"/{path.strip('/')}", UpdateHandler, {"bot_application": application, "secret": secret}),
        ("/healthz", HealthHandler, {"check": check}),
    ]
    server = CappedHTTPServer(
        WebApplication(routes, log_function=_log_request),
        max_body_size=MAX_BODY,
        idle_connection_timeout=limits.idle_timeout,  # tornado's header timeout too: new and kept-alive alike
        body_timeout=limits.body_timeout,
    )
    server.cap = connection_cap(limits)
    return server
