"""`python -m bot run`: the bot as a service, by polling or by webhook, until a signal stops it.

SIGTERM and SIGINT stop it cleanly within 8 s however busy it is (no more updates taken,
those taken handled for up to 5 s, those not begun by then left for the next run, the
database closed, exit 0); a watchdog ends the process at 10 s if anything is stuck. The FAQ is
reloaded when its file changes, on SIGHUP and on /reload, keeping the old one if the new one
is bad (see `bot.faq.reloading`). Start-up problems (no token, a broken FAQ, an unreachable
Bot API, a port in use) end in one line and a non-zero exit, not a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import logging
import os
import secrets
import signal
import sys
import threading
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.core.brain import Brain
from bot.faq.knowledge import KnowledgeError, read_faq
from bot.faq.reloading import LAST_GOOD, FaqReloader, ReloadResult, Trigger
from bot.ops.logs import configure_logging
from bot.ops.settings import Settings
from bot.storage.open import open_store
from bot.storage.store import Store, StoreError
from bot.texts import say
from bot.tg.admin import MAX_SHOWN, problems_text
from bot.tg.application import ALLOWED_UPDATES, BotApplication, build_application, register_commands
from bot.tg.delivery import PatientRateLimiter
from bot.tg.inbox import InboxQueue
from bot.tg.polling import Poller
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


class StartupError(Exception):
    """A reason the bot cannot start, in lines for the operator, with the exit status to use."""

    def __init__(self, *lines: str, status: int = 1) -> None:
        super().__init__(lines[0] if lines else "")
        self.lines = lines
        self.status = status


def run_command(settings: Settings) -> int:
    """Run the bot until SIGINT or SIGTERM; return the exit status."""
    try:
        asyncio.run(serve(settings))
    except StartupError as error:
        for line in error.lines:
            print(line, file=sys.stderr)
        return error.status
    log.info("stopped")
    return 0


@dataclass(frozen=True)
class Loaded:
    """The FAQ the bot starts with: from FAQ_FILE, or from the last good copy when FAQ_FILE is broken."""

    brain: Brain
    raw: bytes
    problems: tuple[str, ...] = ()
    """FAQ_FILE's problems when the bot started from the last good copy instead."""


def _load(settings: Settings) -> Loaded:
    if settings.token is None:
        raise StartupError(
            "faqbot: TELEGRAM_BOT_TOKEN is not set; get one from @BotFather, "
            "or try the bot without one with `python -m bot chat`",
            status=2,
        )
    try:
        raw = read_faq(settings.faq_file)
        return Loaded(Brain.parse(raw, str(settings.faq_file)), raw)
    except KnowledgeError as error:
        problems = error.problems
    last_good = settings.data_dir / LAST_GOOD
    try:
        raw = read_faq(last_good)
        brain = Brain.parse(raw, str(last_good))
    except KnowledgeError:
        # neither is usable (a first start has no last good copy): the operator reads why
        raise StartupError(*problems) from None
    log.error("FAQ_FILE %s has %d problem(s); starting from the last good version, %s:", settings.faq_file,
              len(problems), last_good)  # fmt: skip
    for problem in problems:
        log.error("%s", problem)
    return Loaded(brain, raw, tuple(problems))


async def serve(settings: Settings) -> None:
    """Start, serve until SIGTERM or SIGINT, stop; raise `StartupError` when it cannot start."""
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
            deadline = await _serve(settings, loaded, store, stop)
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


async def _serve(settings: Settings, loaded: Loaded, store: Store, stop: asyncio.Event) -> Deadline:
    holder: list[BotApplication] = []

    def install(new: Brain) -> None:
        holder[0].bot_data.brain = new

    async def notify(result: ReloadResult, trigger: Trigger, quiet_for: int | None) -> None:
        await tell_admins(holder[0], settings, result, trigger, quiet_for)

    async def record(raw: bytes, author: str, summary: str) -> None:
        await record_version(store, raw, author, summary)

    reloader = FaqReloader(
        settings.faq_file, settings.data_dir, Brain.parse, install, tell_admins=notify, record=record
    )
    if store.shared:
        loaded = await _shared_faq(store, loaded)
    reloader.serving(loaded.brain, loaded.raw, keep=not loaded.problems)
    await record(loaded.raw, "file", "in use at start" + (" (the last good copy)" if loaded.problems else ""))
    application = build_application(settings, loaded.brain, store, faq=reloader)
    holder.append(application)
    services = application.bot_data
    asyncio.get_running_loop().add_signal_handler(
        signal.SIGHUP, lambda: services.background(reloader.reload(Trigger.SIGNAL))
    )
    vitals = Vitals(application, settings.data_dir, settings.faq_file)
    server = _listen(application, settings, vitals)
    watcher = asyncio.create_task(reloader.watch(stop), name="faq watcher")
    stop_task = asyncio.create_task(_stop_reloads(stop, reloader))

    async def on_version(number: int) -> None:
        await _adopt(store, reloader, number)

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
    return deadline


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


async def _shared_faq(store: Store, loaded: Loaded) -> Loaded:
    """With a shared store the database's latest version is the FAQ (FAQ_FILE only seeds the first):
    every replica starts from the same one. One that does not build here leaves FAQ_FILE in use."""
    try:
        latest = await store.versions.latest(1)
        if not latest or latest[0].sha256 == hashlib.sha256(loaded.raw).hexdigest():
            return loaded
        found = await store.versions.get(latest[0].number)
    except StoreError as error:
        log.warning("the FAQ versions in %s were not read (%s); starting from FAQ_FILE", store.description, error)
        return loaded
    if found is None:
        return loaded
    version, body = found
    try:
        brain = await asyncio.to_thread(Brain.parse, body, f"v{version.number}")
    except KnowledgeError as error:
        log.error("FAQ v%d from the database does not build here (%s); starting from FAQ_FILE", version.number,
                  error.problems[0])  # fmt: skip
        return loaded
    log.info("serving FAQ v%d from the database (%s, %s)", version.number, version.author, version.summary)
    return Loaded(brain, body)


async def _adopt(store: Store, reloader: FaqReloader[Brain], number: int) -> None:
    """Another replica recorded FAQ version `number`: put it in use here too."""
    try:
        found = await store.versions.get(number)
    except StoreError as error:
        log.warning("FAQ v%d not read: %s", number, error)
        return
    if found is not None:
        await reloader.adopt(found[1], f"v{number}")


async def record_version(store: Store, raw: bytes, author: str, summary: str) -> None:
    """Add a version to the FAQ's history unless it is the latest already (a restart, a touched file)."""
    try:
        latest = await store.versions.latest(1)
        if latest and latest[0].sha256 == hashlib.sha256(raw).hexdigest():
            return
        version = await store.versions.add(raw, author, summary)
    except StoreError as error:
        log.warning("FAQ version not recorded: %s", error)
        return
    log.info("FAQ version v%d recorded (%s: %s)", version.number, author, summary)


async def _stop_reloads(stop: asyncio.Event, reloader: FaqReloader[Brain]) -> None:
    """When the bot begins to stop, a reload still reading the file gives up."""
    await stop.wait()
    reloader.stop()


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
        if settings.webhook_url:
            await application.bot.set_webhook(
                url=settings.webhook_url, secret_token=settings.webhook_secret, allowed_updates=ALLOWED_UPDATES
            )
            log.info("serving the webhook at %s", settings.webhook_url)
        elif isinstance(application.update_queue, InboxQueue):
            intake.poller = Poller(application.bot, application.update_queue, ALLOWED_UPDATES)
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
