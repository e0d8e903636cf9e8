"""The webhook server: Telegram's updates in on one path, `/healthz` beside them.

Replaces python-telegram-bot's built-in webhook server so that health checks and the
webhook share one port. There is always a secret (`run` makes one when none is set):
updates whose secret-token header does not match are refused with 403, bodies that are
not an update with 400, before anything is queued. An accepted update is in the durable
inbox before the 200 goes back to Telegram (see `bot.tg.inbox`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from hmac import compare_digest
from typing import Any

from telegram import Update
from tornado.httpserver import HTTPServer
from tornado.web import Application as WebApplication
from tornado.web import RequestHandler

from bot.tg.routes import MAX_BODY, SECRET_HEADER, read_update

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
        await self.bot_application.update_queue.put(update)
        self.set_status(200)

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


def webhook_server(application: Any, path: str, secret: str, check: Callable[[], tuple[bool, str]]) -> HTTPServer:
    """An HTTP server (not yet listening) for the webhook at `/path` and `/healthz`."""
    routes = [
        (f"/{path.strip('/')}", UpdateHandler, {"bot_application": application, "secret": secret}),
        ("/healthz", HealthHandler, {"check": check}),
    ]
    return HTTPServer(WebApplication(routes), max_body_size=MAX_BODY)
