"""`python -m bot run`: the bot as a service, by polling or by webhook, until a signal stops it.

SIGTERM and SIGINT stop it cleanly within 8 s however busy it is (no more updates taken,
those taken handled for up to 5 s, those not begun by then left for the next run, the
database closed, exit 0; the page's server too, when it is hosted beside the bot); a watchdog
ends the process at 10 s if anything is stuck. The FAQ is reloaded when its file changes, on
SIGHUP and on /reload, keeping the old one if the new one is bad (see `bot.faq.reloading`).
Start-up problems (no token, a broken FAQ, an unreachable Bot API, a port in use) end in one
line and a non-zero exit, not a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import secrets
import signal
import threading
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from starlette.routing import BaseRoute
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.core.brain import Brain
from bot.faq.reloading import LAST_GOOD, ReloadResult, Trigger
from bot.ops.chart import find_font_elsewhere
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
    serve_until_stopped,
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
from bot.tg.inbox import InboxQueue
from bot.tg.polling import Poller
from bot.tg.routes import webhook_routes
from bot.tg.vitals import Vitals
from bot.tg.webhook import CappedHTTPServer, webhook_server

log = logging.getLogger("bot")

STOP_WAIT = 1.0
"""Seconds a stop waits for the FAQ watcher before leaving it behind."""
STOP_WITHIN = 8.0
"""Seconds from SIGTERM to the end of a stop, however busy the bot is (what is left is the next run's)."""
FINISH_WITHIN = 5.0
"""Of those, seconds the updates already begun have to finish (sending stops retrying at once)."""
CLOSE_RESERVE = 2.0
"""Of those, seconds kept for closing the store."""
HARD_STOP = 10.0
"""Seconds after SIGTERM at which the process ends even if something is stuck (the watchdog)."""
TAKE_OVER_EVERY = 3.0
"""Seconds between looks for updates a dead replica left (with a shared store)."""


def run_command(settings: Settings, companion: Companion | None = None) -> int:
    """Run the bot (and its `companion`, sharing its FAQ, store and HTTP server) until SIGINT or SIGTERM;
    return the exit status."""
    return serve_until_stopped(serve(settings, companion))


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
    stop = _stop_on_signals()
    if settings.webhook_url and not settings.webhook_secret:
        # a webhook is never served without a secret: only Telegram, told it by setWebhook, knows this one
        settings = dataclasses.replace(settings, webhook_secret=secrets.token_urlsafe(32))
    configure_logging(
        settings.log_level, settings.log_format, secrets=[settings.token or "", settings.webhook_secret or ""]
    )
    loaded = _load(settings)
    if settings.database_url:
        _data_dir(settings)  # SQLite makes it; with PostgreSQL the heartbeat and the last good FAQ still live there
    try:
        store = await open_store(settings.data_dir, settings.database_url)
    except StoreError as error:
        raise StartupError(f"faqbot: {error}") from None
    deadline: Deadline | None = None
    try:
        if not stop.is_set():
            deadline = await _serve(settings, loaded, store, stop, companion)
    finally:
        await _within(store.close(), deadline.left() if deadline else CLOSE_RESERVE, "closing the store")


def _stop_on_signals() -> asyncio.Event:
    """An event SIGTERM and SIGINT set; the first also starts the watchdog that ends a stop gone on too long."""
    stop = asyncio.Event()

    def on_signal() -> None:
        if not stop.is_set():
            stop.set()
            _watchdog(HARD_STOP)

    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, on_signal)
    loop.add_signal_handler(signal.SIGINT, on_signal)
    return stop


def _watchdog(seconds: float) -> None:
    """End the process `seconds` from now if it is still running: a stop is bounded, whatever is stuck.

    What was in hand is safe: kept in the inbox (answered at the next start) or not yet confirmed to
    Telegram (handed out again)."""

    def end() -> None:
        log.error("not stopped within %.0f s; ending now (what was in hand is answered after the restart)", seconds)
        logging.shutdown()
        os._exit(1)

    timer = threading.Timer(seconds, end)
    timer.daemon = True
    timer.start()


def _data_dir(settings: Settings) -> None:
    try:
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise StartupError(f"faqbot: cannot create DATA_DIR {settings.data_dir}: {error.strerror} (with DATABASE_URL "
                           "it still holds the heartbeat and the last good FAQ)") from None  # fmt: skip
    if not os.access(settings.data_dir, os.W_OK):
        raise StartupError(f"faqbot: cannot write in DATA_DIR {settings.data_dir} (with DATABASE_URL it still holds "
                           "the heartbeat and the last good FAQ)")  # fmt: skip


class Deadline:
    """A point in time a stop must be done by; how much of it is left."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds

    def left(self, keep: float = 0.0) -> float:
        """Seconds left, keeping `keep` of them for what comes after."""
        return max(0.0, self.at - keep - time.monotonic())


async def _within(work: Awaitable[Any], seconds: float, what: str) -> bool:
    """Run `work` for at most `seconds`; past that it is left running (the process is ending). True if done."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait([task], timeout=seconds)
    if not done:
        log.warning("%s did not finish within %.1f s; left behind", what, seconds)
        return False
    if not task.cancelled() and (error := task.exception()) is not None:
        raise error
    return True


async def _serve(
    settings: Settings, loaded: Loaded, store: Store, stop: asyncio.Event, companion: Companion | None
) -> Deadline:
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
    asyncio.get_running_loop().add_signal_handler(
        signal.SIGHUP, lambda: services.background(reloader.reload(Trigger.SIGNAL))
    )
    vitals = Vitals(application, settings.data_dir, settings.faq_file)
    server = await _http(application, settings, store, companion, vitals)
    watcher = asyncio.create_task(reloader.watch(stop), name="faq watcher")
    stop_task = asyncio.create_task(stop_reloads(stop, reloader))

    async def on_version(number: int) -> None:
        await adopt_version(store, reloader, number)

    following = asyncio.create_task(store.follow_versions(on_version, stop.is_set), name="faq versions")
    started = ReloadResult(False, 0, loaded.problems) if loaded.problems else None
    deadline = Deadline(STOP_WITHIN)
    try:
        deadline = await _run(application, settings, stop, started, Intake(server), vitals)
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
            await _within(task, min(STOP_WAIT, deadline.left(CLOSE_RESERVE)), name)
        if server is not None:
            server.stop()
        if companion is not None:
            await _within(companion.stop(), deadline.left(CLOSE_RESERVE), "stopping the web page's server")
    return deadline


async def _http(
    application: BotApplication, settings: Settings, store: Store, companion: Companion | None, vitals: Vitals
) -> CappedHTTPServer | None:
    """The webhook's own server, listening (in webhook mode, with no companion); or the companion
    started, with the webhook among its routes."""
    if companion is None:
        return _listen(application, settings, vitals)
    await companion.start(application.bot_data.current, store, _routes(application, settings))
    return None


def _routes(application: BotApplication, settings: Settings) -> list[BaseRoute]:
    """In webhook mode, the webhook as a route for a shared server (its path is WEBHOOK_URL's); else none."""
    if not (settings.webhook_url and settings.webhook_secret):
        return []
    return webhook_routes(application, urlsplit(settings.webhook_url).path, settings.webhook_secret)


def _listen(application: BotApplication, settings: Settings, vitals: Vitals) -> CappedHTTPServer | None:
    """In webhook mode, the server for Telegram's calls and /healthz, listening; else None."""
    if not (settings.webhook_url and settings.webhook_secret):
        return None
    path = urlsplit(settings.webhook_url).path
    server = webhook_server(application, path, settings.webhook_secret, vitals.check, settings.server_limits)
    try:
        server.listen(settings.webhook_port, settings.webhook_listen)
    except OSError as error:
        where = f"{settings.webhook_listen}:{settings.webhook_port}"
        raise StartupError(f"faqbot: cannot listen on {where} for the webhook: {error.strerror}") from None
    return server


@dataclass
class Intake:
    """Where updates come in: the poller, or the webhook server."""

    server: CappedHTTPServer | None
    poller: Poller | None = None

    async def close(self, application: BotApplication) -> None:
        """Take no more updates: the poller's waiting call is cut short, the server stops listening (and
        answers 503 on connections still open)."""
        if self.poller is not None:
            await self.poller.cancel()
        if self.server is not None:
            self.server.stop()
        if isinstance(queue := application.update_queue, InboxQueue):
            queue.close()


async def _run(  # noqa: PLR0917 - the pieces _serve made, each used here
    application: BotApplication,
    settings: Settings,
    stop: asyncio.Event,
    started: ReloadResult | None,
    intake: Intake,
    vitals: Vitals,
) -> Deadline:
    async with application:  # initialize: reaches the Bot API (getMe) or raises
        await register_commands(application)
        await vitals.beat_once()
        beating = asyncio.create_task(vitals.keep(), name="heartbeat")
        await application.start()
        await _left_over(application)
        shared = application.bot_data.store.shared
        sweeping = asyncio.create_task(_take_over(application, stop), name="take over") if shared else None
        if started is not None:
            application.bot_data.background(tell_admins(application, settings, started, Trigger.START, None))
        if settings.admin_ids:  # only admins draw /stats charts: check once that Chinese can be drawn
            application.bot_data.background(find_font_elsewhere())
        if settings.webhook_url:
            await application.bot.set_webhook(
                url=settings.webhook_url, secret_token=settings.webhook_secret, allowed_updates=ALLOWED_UPDATES
            )
            log.info("serving the webhook at %s", settings.webhook_url)
        elif isinstance(application.update_queue, InboxQueue):
            intake.poller = Poller(application.bot, application.update_queue, ALLOWED_UPDATES, settings.poll_timeout)
            await intake.poller.start()
            log.info("polling %s", settings.api_url)
        await stop.wait()
        return await _stop(application, intake, [beating, *([sweeping] if sweeping else [])])


async def _stop(application: BotApplication, intake: Intake, background: list[asyncio.Task[None]]) -> Deadline:
    """Stop within `STOP_WITHIN` seconds however busy the bot is: take no more updates, handle those
    taken for up to `FINISH_WITHIN`, then leave the ones not begun for the next run (kept in the
    inbox, or unconfirmed at Telegram), confirm what the store keeps."""
    deadline = Deadline(STOP_WITHIN)
    log.info("stopping")
    if isinstance(limiter := application.bot.rate_limiter, PatientRateLimiter):
        limiter.stop_retrying()
    await intake.close(application)
    for task in background:
        task.cancel()
    stopping = asyncio.ensure_future(application.stop())
    finished, _ = await asyncio.wait([stopping], timeout=min(FINISH_WITHIN, deadline.left(CLOSE_RESERVE)))
    if not finished:
        application.inbox.stopping = True  # those not begun are skipped now, so the rest can end
        await _within(stopping, deadline.left(CLOSE_RESERVE), "finishing the updates begun")
    await application.inbox.settled(deadline.left(CLOSE_RESERVE))
    if intake.poller is not None:
        await _within(intake.poller.confirm(), deadline.left(CLOSE_RESERVE), "confirming the updates kept")
    log.info("stopped taking updates; %d left for the next run", application.inbox.left_for_next_run)
    return deadline


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
