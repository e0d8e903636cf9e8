"""The webhook server: Telegram's updates in on one path, `/healthz` beside them.

Replaces python-telegram-bot's built-in webhook server so that health checks and the
webhook share one port. There is always a secret (`run` makes one when none is set):
updates whose secret-token header does not match are refused with 403, bodies that are
not an update with 400 (not JSON, nested deeper than any update, a number beyond 64 bits),
before anything is queued. An update is answered 200 only once it is durably in the inbox;
while the store cannot take it, it is answered from memory and refused with 503, so that
Telegram delivers it again (see `bot.tg.inbox`). A stopping bot answers 503 too.

The server is bounded by `ServerLimits` (see `bot.ops.settings`), as the shared server is: a
connection has `idle_timeout` seconds to send a whole request head, whether new or kept alive
between requests (`WEB_IDLE_TIMEOUT`), and `BODY_TIMEOUT` for its body; beyond `connections`
open at once (`WEB_MAX_CONNECTIONS`), new ones are closed at once (`bot.ops.connections`), so
idle sockets cannot use up the process's open files. Facing the internet, put nginx in front
(`deploy/nginx/faqbot.conf`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from hmac import compare_digest
from typing import Any

from telegram import Update
from tornado.httpserver import HTTPServer
from tornado.iostream import IOStream
from tornado.web import Application as WebApplication
from tornado.web import RequestHandler

from bot.ops.connections import ConnectionCap, connection_cap
from bot.ops.settings import ServerLimits
from bot.tg.routes import BODY_TIMEOUT, MAX_BODY, SECRET_HEADER, read_update, take

log = logging.getLogger(__name__)


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
        self.set_status(await take(self.bot_application, update))

    def _update(self) -> Update | None:
        return read_update(self.request.body, self.bot_application.bot)


class HealthHandler(RequestHandler):
    """GET /healthz: 200 when healthy, 503 when not, with one line saying why."""

    def initialize(self, check: Callable[[], tuple[bool, str]]) -> None:
        self.check = check

    def get(self) -> None:
        healthy, reason = self.check()
        self.set_status(200 if healthy else 503)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"healthy": healthy, "reason": reason}))


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
        body_timeout=BODY_TIMEOUT,
    )
    server.cap = connection_cap(limits.connections, "webhook server")
    return server
