"""`python -m bot web`: the web chat page on `WEB_HOST`:`WEB_PORT`, with no Telegram token (and `/wechat`
on the same server when WECHAT_TOKEN is set).

The process loads the FAQ (reloaded when its file changes and on SIGHUP, keeping the old one if
the new one is bad), opens the store, and serves the page through one bounded HTTP server until
SIGTERM or SIGINT: then requests in flight finish, the store is closed and it exits 0. Start-up
problems (a broken FAQ, a port in use, an unusable DATA_DIR) end in one line and a non-zero exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from starlette.routing import BaseRoute

from bot.conversation.turns import Conversation
from bot.core.brain import Brain
from bot.faq.reloading import FaqReloader, Trigger
from bot.host.server import HttpServer, listening_socket
from bot.ops.logs import configure_logging
from bot.ops.serving import (
    StartupError,
    adopt_version,
    faq_parser,
    faq_reloader,
    load_faq,
    record_version,
    serve_until_stopped,
    shared_faq,
)
from bot.ops.settings import Settings
from bot.storage.open import open_store
from bot.storage.store import Store, StoreError
from bot.web.app import Site, web_app

if TYPE_CHECKING:
    from bot.wechat.endpoint import WeChat

log = logging.getLogger("bot")

STOP_WAIT = 1.0
"""Seconds a stop waits for the FAQ watcher before leaving it behind."""


def web_command(settings: Settings, mounted: Sequence[BaseRoute] = ()) -> int:
    """Serve the page until SIGINT or SIGTERM; return the exit status."""
    return serve_until_stopped(serve_web(settings, mounted))


class Serving:
    """The FAQ in use, swapped whole on reload."""

    def __init__(self, brain: Brain) -> None:
        self.brain = brain

    def current(self) -> Brain:
        return self.brain

    def install(self, brain: Brain) -> None:
        self.brain = brain


async def serve_web(settings: Settings, mounted: Sequence[BaseRoute] = ()) -> None:
    """Start, serve until SIGTERM or SIGINT, stop; raise `StartupError` when it cannot start.
    `mounted` routes are served by the same server (a benchmark's trivial endpoint, another front end's)."""
    os.umask(0o077)  # what the process writes under DATA_DIR is its owner's only
    configure_logging(settings.log_level, settings.log_format, secrets=[settings.token or ""])
    parse = faq_parser(settings.data_dir)
    loaded = load_faq(settings.faq_file, settings.data_dir, parse)
    try:
        store = await open_store(settings.data_dir, settings.database_url)
    except StoreError as error:
        raise StartupError(f"faqbot: {error}") from None
    try:
        serving = Serving(loaded.brain)
        reloader = faq_reloader(
            settings.faq_file, settings.data_dir, store, parse, install=serving.install, notify=None
        )
        if store.shared:
            loaded = await shared_faq(store, loaded, parse)
            serving.install(loaded.brain)
        reloader.serving(loaded.brain, loaded.raw, keep=not loaded.problems)
        start = "in use at start" + (" (the last good copy)" if loaded.problems else "")
        await record_version(store, loaded.raw, "file", start)
        if store.shared and not loaded.problems:
            await reloader.follow(loaded.raw)
        conversation = Conversation(serving.current, store)

        async def health() -> tuple[bool, str]:
            entries = len(serving.current().knowledge.entries)
            database_ok, database = await store.healthy()
            state = "ok" if database_ok else "ok, but degraded"
            return entries > 0, f"{state}: {entries} FAQ entries; {database}"

        wechat = wechat_front(settings, conversation, serving.current)
        routes = [*mounted, *(wechat.routes if wechat is not None else [])]
        server = page_server(settings, Site(conversation, serving.current, settings.web, health), routes)
        try:
            await _serve(server, store, reloader)
        finally:
            if wechat is not None:
                await wechat.close()
    finally:
        await store.close()


def wechat_front(settings: Settings, conversation: Conversation, brain: Callable[[], Brain]) -> WeChat | None:
    """The WeChat front end when WECHAT_TOKEN is set: its `/wechat` goes on the same server, through the
    same conversation."""
    if settings.wechat is None:
        return None
    mode = "safe mode" if settings.wechat.aes_key else "plaintext mode"
    api = "with" if settings.wechat.app_secret else "without"
    log.info("serving /wechat for a WeChat Official Account (%s, %s the customer-service API)", mode, api)
    # loaded only when WeChat is set up: wechatpy and the requests it brings cost a bot without it
    # about 7.6 MB
    from bot.wechat.endpoint import WeChat  # noqa: PLC0415 - wechatpy only where WeChat is set up

    return WeChat(settings.wechat, conversation, brain)


def page_server(settings: Settings, site: Site, mounted: Sequence[BaseRoute] = ()) -> HttpServer:
    """The one HTTP server of the process, bound to WEB_HOST:WEB_PORT: the page, and `mounted` routes."""
    web = settings.web
    sock = listening_socket(web.host, web.listen_port, "the web page")
    return HttpServer(web_app(site, mounted=mounted), sock, settings.server_limits)


async def _reload(reloader: FaqReloader[Brain]) -> None:
    await reloader.reload(Trigger.SIGNAL)


async def _serve(server: HttpServer, store: Store, reloader: FaqReloader[Brain]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    background: set[asyncio.Task[None]] = set()

    def reload() -> None:
        task = asyncio.create_task(_reload(reloader))
        background.add(task)
        task.add_done_callback(background.discard)

    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    loop.add_signal_handler(signal.SIGHUP, reload)
    await server.start()
    host, port = server.address
    log.info("serving the web page at http://%s:%d/", f"[{host}]" if ":" in host else host, port)
    watcher = asyncio.create_task(reloader.watch(stop), name="faq watcher")

    async def on_version(number: int) -> None:
        await adopt_version(store, reloader, number)

    following = asyncio.create_task(store.follow_versions(on_version, stop.is_set), name="faq versions")
    try:
        await stop.wait()
    finally:
        log.info("stopping")
        stop.set()
        reloader.stop()
        await server.stop()
        for task, name in ((watcher, "the FAQ watcher"), (following, "the FAQ version listener")):
            try:
                await asyncio.wait_for(task, STOP_WAIT)
            except TimeoutError:
                log.warning("%s did not stop within %s s; left behind", name, STOP_WAIT)
        for task in background:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
