"""`python -m bot run`: the bot as a service, by polling or by webhook, until a signal stops it.

SIGTERM and SIGINT stop it cleanly (updates in hand are finished, the database closed,
exit 0). The FAQ is reloaded when its file changes, on SIGHUP and on /reload, keeping
the old one if the new one is bad (see `bot.faq.reloading`). Start-up
problems (no token, a broken FAQ, an unreachable Bot API, a port in use) end in one line
and a non-zero exit, not a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import secrets
import signal
import sys
import time
from datetime import timedelta
from urllib.parse import urlsplit

from starlette.routing import BaseRoute
from telegram.error import Conflict, InvalidToken, NetworkError, TelegramError
from tornado.httpserver import HTTPServer

from bot.core.brain import Brain
from bot.faq.reloading import LAST_GOOD, ReloadResult, Trigger
from bot.ops.chart import find_font_elsewhere
from bot.ops.health import HEARTBEAT_SECONDS, Heartbeat, write_heartbeat
from bot.ops.health import check as check_health
from bot.ops.logs import configure_logging
from bot.ops.serving import (
    Companion,
    Loaded,
    StartupError,
    adopt_version,
    faq_parser,
    faq_reloader,
    load_faq,
    record_version,
    shared_faq,
    stop_reloads,
)
from bot.ops.settings import Settings
from bot.storage.open import open_store
from bot.storage.store import Store, StoreError
from bot.texts import say
from bot.tg.admin import MAX_SHOWN, problems_text
from bot.tg.application import ALLOWED_UPDATES, BotApplication, build_application, register_commands
from bot.tg.delivery import PatientRateLimiter
from bot.tg.handlers import Context
from bot.tg.inbox import InboxQueue
from bot.tg.routes import webhook_routes
from bot.tg.webhook import webhook_server

log = logging.getLogger("bot")

STOP_WAIT = 1.0
"""Seconds a stop waits for the FAQ watcher before leaving it behind."""
TAKE_OVER_EVERY = 3.0
"""Seconds between looks for updates a dead replica left (with a shared store)."""


def run_command(settings: Settings, companion: Companion | None = None) -> int:
    """Run the bot (and its `companion`, sharing its FAQ, store and HTTP server) until SIGINT or SIGTERM;
    return the exit status."""
    try:
        asyncio.run(serve(settings, companion))
    except StartupError as error:
        for line in error.lines:
            print(line, file=sys.stderr)
        return error.status
    log.info("stopped")
    return 0


def _load(settings: Settings) -> Loaded:
    if settings.token is None:
        raise StartupError(
            "faqbot: TELEGRAM_BOT_TOKEN is not set; get one from @BotFather, "
            "or try the bot without one with `python -m bot chat`",
            status=2,
        )
    return load_faq(settings.faq_file, settings.data_dir, faq_parser(settings.data_dir))


async def serve(settings: Settings, companion: Companion | None = None) -> None:
    """Start, serve until SIGTERM or SIGINT, stop; raise `StartupError` when it cannot start. With a
    `companion`, the webhook is one of the routes of the companion's HTTP server."""
    os.umask(0o077)  # what the bot writes under DATA_DIR (database, key, copies, heartbeat) is its owner's only
    if settings.webhook_url and not settings.webhook_secret:
        # a webhook is never served without a secret: only Telegram, told it by setWebhook, knows this one
        settings = dataclasses.replace(settings, webhook_secret=secrets.token_urlsafe(32))
    configure_logging(
        settings.log_level, settings.log_format, secrets=[settings.token or "", settings.webhook_secret or ""]
    )
    loaded = _load(settings)
    try:
        store = await open_store(settings.data_dir, settings.database_url)
    except StoreError as error:
        raise StartupError(f"faqbot: {error}") from None
    try:
        await _serve(settings, loaded, store, companion)
    finally:
        await store.close()


async def _serve(settings: Settings, loaded: Loaded, store: Store, companion: Companion | None) -> None:
    holder: list[BotApplication] = []

    def install(new: Brain) -> None:
        holder[0].bot_data.brain = new

    async def notify(result: ReloadResult, trigger: Trigger, quiet_for: int | None) -> None:
        await tell_admins(holder[0], settings, result, trigger, quiet_for)

    parse = faq_parser(settings.data_dir)
    reloader = faq_reloader(settings.faq_file, settings.data_dir, store, parse, install=install, notify=notify)
    if store.shared:
        loaded = await shared_faq(store, loaded, parse)
    reloader.serving(loaded.brain, loaded.raw, keep=not loaded.problems)
    start = "in use at start" + (" (the last good copy)" if loaded.problems else "")
    await record_version(store, loaded.raw, "file", start)
    if store.shared and not loaded.problems:
        await reloader.follow(loaded.raw)
    application = build_application(settings, loaded.brain, store, faq=reloader)
    holder.append(application)
    services = application.bot_data
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    loop.add_signal_handler(signal.SIGHUP, lambda: services.background(reloader.reload(Trigger.SIGNAL)))
    server = await _http(application, settings, store, companion)
    watcher = asyncio.create_task(reloader.watch(stop), name="faq watcher")
    stop_task = asyncio.create_task(stop_reloads(stop, reloader))

    async def on_version(number: int) -> None:
        await adopt_version(store, reloader, number)

    following = asyncio.create_task(store.follow_versions(on_version, stop.is_set), name="faq versions")
    started = ReloadResult(False, 0, loaded.problems) if loaded.problems else None
    try:
        await _run(application, settings, stop, started)
    except InvalidToken:
        raise StartupError("faqbot: the Bot API refused TELEGRAM_BOT_TOKEN; check it with @BotFather") from None
    except NetworkError as error:
        raise StartupError(f"faqbot: cannot reach the Bot API at {settings.api_url}: {error.message}") from None
    except TelegramError as error:
        raise StartupError(f"faqbot: the Bot API answered with an error at start-up: {error.message}") from None
    finally:
        stop.set()
        await stop_task
        for task, name in ((watcher, "the FAQ watcher"), (following, "the FAQ version listener")):
            try:
                await asyncio.wait_for(task, STOP_WAIT)
            except TimeoutError:
                log.warning("%s did not stop within %s s; left behind", name, STOP_WAIT)
        if server is not None:
            server.stop()
        if companion is not None:
            await companion.stop()


async def _http(
    application: BotApplication, settings: Settings, store: Store, companion: Companion | None
) -> HTTPServer | None:
    """The webhook's own server, listening (in webhook mode, with no companion); or the companion
    started, with the webhook among its routes."""
    if companion is None:
        return _listen(application, settings)
    await companion.start(application.bot_data.current, store, _routes(application, settings))
    return None


def _routes(application: BotApplication, settings: Settings) -> list[BaseRoute]:
    """In webhook mode, the webhook as a route for a shared server (its path is WEBHOOK_URL's); else none."""
    if not (settings.webhook_url and settings.webhook_secret):
        return []
    return webhook_routes(application, urlsplit(settings.webhook_url).path, settings.webhook_secret)


def _listen(application: BotApplication, settings: Settings) -> HTTPServer | None:
    """In webhook mode, the server for Telegram's calls and /healthz, listening; else None."""
    if not (settings.webhook_url and settings.webhook_secret):
        return None
    path = urlsplit(settings.webhook_url).path
    server = webhook_server(application, path, settings.webhook_secret, lambda: check_health(settings.data_dir))
    try:
        server.listen(settings.webhook_port, settings.webhook_listen)
    except OSError as error:
        where = f"{settings.webhook_listen}:{settings.webhook_port}"
        raise StartupError(f"faqbot: cannot listen on {where} for the webhook: {error.strerror}") from None
    return server


async def _run(
    application: BotApplication, settings: Settings, stop: asyncio.Event, started: ReloadResult | None
) -> None:
    async with application:  # initialize: reaches the Bot API (getMe) or raises
        await register_commands(application)
        await _beat(application, settings)
        if application.job_queue is not None:
            application.job_queue.run_repeating(
                heartbeat, interval=HEARTBEAT_SECONDS, first=HEARTBEAT_SECONDS, data=settings
            )
        await application.start()
        await _left_over(application)
        shared = application.bot_data.store.shared
        sweeping = asyncio.create_task(_take_over(application, stop), name="take over") if shared else None
        if started is not None:
            application.bot_data.background(tell_admins(application, settings, started, Trigger.START, None))
        if settings.admin_ids:  # only admins draw /stats charts: check once that Chinese can be drawn
            application.bot_data.background(find_font_elsewhere())
        updater = application.updater
        if settings.webhook_url:
            await application.bot.set_webhook(
                url=settings.webhook_url, secret_token=settings.webhook_secret, allowed_updates=ALLOWED_UPDATES
            )
            log.info("serving the webhook at %s", settings.webhook_url)
        elif updater is not None:
            await updater.start_polling(
                allowed_updates=ALLOWED_UPDATES,
                timeout=timedelta(seconds=settings.poll_timeout),
                poll_interval=0.0,
                error_callback=PollingErrors().report,
            )
            log.info("polling %s", settings.api_url)
        await stop.wait()
        log.info("stopping")
        if isinstance(limiter := application.bot.rate_limiter, PatientRateLimiter):
            limiter.stop_retrying()
        if updater is not None and updater.running:
            await updater.stop()
        if sweeping is not None:
            sweeping.cancel()
        await application.stop()
        await application.inbox.settled()


async def _take_over(application: BotApplication, stop: asyncio.Event) -> None:
    """With replicas: every few seconds, take over what a replica that died had received and not answered."""
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), TAKE_OVER_EVERY)
        if not stop.is_set():
            await _left_over(application, "another replica received but did not handle (it stopped)")


async def _left_over(application: BotApplication, whose: str = "the last run received but did not handle") -> None:
    """Handle what a stopped process (the last run, or a replica) received but did not handle."""
    queue = application.update_queue
    left = await application.inbox.left_over(application.bot)
    if left and isinstance(queue, InboxQueue):
        log.warning("answering %d update(s) %s", len(left), whose)
        for update in left:
            await queue.put_left_over(update)


class PollingErrors:
    """Polling errors in one line each, at most once a minute per kind, instead of a traceback each time.

    python-telegram-bot already waits longer after each failed getUpdates (1 s, growing by
    half up to 30 s); this says why, once. A Conflict means another process polls with the
    same token: Telegram gives updates to one of them at a time.
    """

    EVERY = 60.0

    def __init__(self) -> None:
        self._told: dict[str, float] = {}

    def report(self, error: TelegramError) -> None:
        kind = type(error).__name__
        now = time.monotonic()
        if now - self._told.get(kind, -self.EVERY) < self.EVERY:
            return
        self._told[kind] = now
        if isinstance(error, Conflict):
            log.error("another process is polling with this token (%s); backing off, retrying up to every 30 s",
                      error.message)  # fmt: skip
        else:
            log.warning("getUpdates failed (%s: %s); retrying with growing pauses", kind, error.message)


async def _beat(application: BotApplication, settings: Settings) -> None:
    brain = application.bot_data.current()
    database_ok, database = await application.bot_data.store.healthy()
    beat = Heartbeat(
        pid=os.getpid(),
        started=time.time(),
        faq_file=str(settings.faq_file),
        faq_entries=len(brain.knowledge.entries),
        api_ok_at=time.time(),
        tasks=len(asyncio.all_tasks()),
        database_ok=database_ok,
        database=database,
    )
    try:
        write_heartbeat(settings.data_dir, beat)
    except OSError as error:
        log.warning("heartbeat not written: %s", error)


async def heartbeat(context: Context) -> None:
    """Check that the Bot API answers; if it does, say so in the heartbeat file."""
    try:
        await context.bot.get_me()
    except TelegramError as error:
        log.warning("Bot API not reached: %s", error)
        return
    if context.job is not None and isinstance(context.job.data, Settings):
        assert isinstance(context.application, BotApplication)
        await _beat(context.application, context.job.data)


async def tell_admins(
    application: BotApplication, settings: Settings, result: ReloadResult, trigger: Trigger, quiet_for: int | None
) -> None:
    """Tell every admin (but `quiet_for`) in their own language what a reload did, once each: the
    problems of a refused file, or what changed in one swapped in."""
    services = application.bot_data
    for admin_id in sorted(settings.admin_ids - ({quiet_for} if quiet_for is not None else set())):
        lang = await services.language(admin_id) or "zh"
        reason = say(f"reload_trigger_{trigger.name.lower()}", lang)
        if trigger is Trigger.START:
            last_good = settings.data_dir / LAST_GOOD
            head = say("started_from_last_good", lang, path=settings.faq_file, last_good=last_good)
            body = problems_text(result.problems, lang)
        elif not result.ok:
            head = say("not_reloaded_notice", lang, path=settings.faq_file, reason=reason)
            body = problems_text(result.problems, lang)
        else:
            head = say("reloaded_notice", lang, reason=reason, entries=result.entries)
            body = "\n".join(result.changes.lines(lang)) if result.changes is not None else ""
        text = f"{head}\n{body}".strip()
        try:
            await application.bot.send_message(admin_id, text[:MAX_SHOWN], parse_mode=None)
        except TelegramError as error:
            log.warning("admin %s not told: %s", admin_id, error)
