"""`python -m bot run`: the Telegram bot, and with `WEB_PORT` set the web page (and `/wechat` when
WECHAT_TOKEN is set) in the same process.

Without `WEB_PORT` this is Telegram's own runner as it was (polling, or the webhook on
`WEBHOOK_LISTEN`:`WEBHOOK_PORT`). With it, the page is served beside the bot on `WEB_HOST`:`WEB_PORT`
from the same FAQ (reloads included) and the same store, and in webhook mode Telegram's calls come
to that one server too, at WEBHOOK_URL's path under `/telegram/`; `/healthz` there is the bot's.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from starlette.routing import BaseRoute

from bot.conversation.turns import Conversation
from bot.core.brain import Brain
from bot.host.server import HttpServer
from bot.host.web import page_server, wechat_front
from bot.ops.health import check as check_health
from bot.ops.settings import Settings
from bot.storage.store import Store
from bot.tg.runner import run_command as run_telegram
from bot.web.app import Site

if TYPE_CHECKING:
    from bot.wechat.endpoint import WeChat

log = logging.getLogger("bot")


def run_command(settings: Settings) -> int:
    """Run the bot, and the page (and `/wechat`) beside it when WEB_PORT is set; return the exit status."""
    if settings.wechat is not None and settings.web.port is None:
        print("faqbot: WECHAT_TOKEN is set but WEB_PORT is not: /wechat is served on the web page's server; "
              "set WEB_PORT (or serve it with `python -m bot web`)", file=sys.stderr)  # fmt: skip
        return 2
    return run_telegram(settings, PageBeside(settings) if settings.web.port is not None else None)


class PageBeside:
    """The web page as the Telegram bot's companion: one HTTP server for the page and the webhook."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.server: HttpServer | None = None
        self.wechat: WeChat | None = None

    async def start(self, brain: Callable[[], Brain], store: Store, routes: Sequence[BaseRoute]) -> None:
        data_dir = self.settings.data_dir

        async def health() -> tuple[bool, str]:
            return await asyncio.to_thread(check_health, data_dir)

        conversation = Conversation(brain, store)
        self.wechat = wechat_front(self.settings, conversation, brain)
        site = Site(conversation, brain, self.settings.web, health)
        self.server = page_server(self.settings, site, [*routes, *(self.wechat.routes if self.wechat else [])])
        await self.server.start()
        host, port = self.server.address
        log.info("serving the web page at http://%s:%d/%s", host, port, " and the webhook there" if routes else "")

    async def stop(self) -> None:
        if self.server is not None:
            await self.server.stop()
        if self.wechat is not None:
            await self.wechat.close()
