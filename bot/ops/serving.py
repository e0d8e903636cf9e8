"""What every serving process does with the FAQ, whichever front ends it hosts.

It starts from `FAQ_FILE`, or from the last good copy when the file is broken (built through the
cache under DATA_DIR); with a shared store it starts from the database's latest version instead,
records each version it puts in use, adopts the versions other replicas record, and applies
changes under the store's FAQ lock. A reason not to start is a `StartupError`: lines for the
operator and an exit status, never a traceback. A process may host other front ends beside its
own (`Companion`: the page beside Telegram). No front end in it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import logging
import sys
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from starlette.routing import BaseRoute

from bot.core.brain import Brain
from bot.core.cache import FOLDER, Cache
from bot.faq.knowledge import KnowledgeError, Problem, read_faq
from bot.faq.reloading import LAST_GOOD, FaqReloader, Notify
from bot.storage.store import Store, StoreError, Version
from bot.texts import phrase

log = logging.getLogger("bot")

Parse = functools.partial[Brain]
"""`Brain.parse` with the cache under DATA_DIR."""


class StartupError(Exception):
    """A reason the process cannot start, in lines for the operator, with the exit status to use."""

    def __init__(self, *lines: str, status: int = 1) -> None:
        super().__init__(lines[0] if lines else "")
        self.lines = lines
        self.status = status


def serve_until_stopped(serving: Coroutine[object, object, None]) -> int:
    """Run a serving process to its end; the exit status, with a `StartupError`'s lines on stderr."""
    try:
        asyncio.run(serving)
    except StartupError as error:
        for line in error.lines:
            print(line, file=sys.stderr)
        return error.status
    log.info("stopped")
    return 0


class Companion(Protocol):
    """Front ends served beside the one that runs the process, on one HTTP server: the process hands
    them the FAQ in use, the store, and its own routes to serve on the same server."""

    async def start(self, brain: Callable[[], Brain], store: Store, routes: Sequence[BaseRoute]) -> None:
        """Listen and serve; raise `StartupError` when it cannot."""

    async def stop(self) -> None:
        """Stop accepting, finish what is in flight, close."""


@dataclass(frozen=True)
class Loaded:
    """The FAQ a process starts with: from FAQ_FILE, or from the last good copy when FAQ_FILE is broken."""

    brain: Brain
    raw: bytes
    problems: tuple[str, ...] = ()
    """FAQ_FILE's problems when the process started from the last good copy instead."""


def faq_parser(data_dir: Path) -> Parse:
    """`Brain.parse` with the cache under DATA_DIR: an FAQ built and checked before is read back."""
    return functools.partial(Brain.parse, cache=Cache(data_dir / FOLDER))


def load_faq(faq_file: Path, data_dir: Path, parse: Parse) -> Loaded:
    """FAQ_FILE, or the last good copy with FAQ_FILE's problems logged; `StartupError` when neither builds."""
    try:
        raw = read_faq(faq_file)
        return Loaded(parse(raw, str(faq_file)), raw)
    except KnowledgeError as error:
        problems = error.problems
    last_good = data_dir / LAST_GOOD
    try:
        raw = read_faq(last_good)
        brain = parse(raw, str(last_good))
    except KnowledgeError:
        # neither is usable (a first start has no last good copy): the operator reads why
        raise StartupError(*problems) from None
    log.error("FAQ_FILE %s has %d problem(s); starting from the last good version, %s:", faq_file, len(problems),
              last_good)  # fmt: skip
    for problem in problems:
        log.error("%s", problem)
    return Loaded(brain, raw, tuple(problems))


def faq_reloader(
    faq_file: Path,
    data_dir: Path,
    store: Store,
    parse: Parse,
    *,
    install: Callable[[Brain], None],
    notify: Notify | None,
) -> FaqReloader[Brain]:
    """The FAQ file's reloader, recording versions in the store; with replicas the store's latest version
    is the FAQ in force. Applies hold the store's FAQ lock (a file lock, or PostgreSQL's advisory lock)."""

    async def record(raw: bytes, author: str, summary: str, author_id: int | None) -> int | None:
        version = await record_version(store, raw, author, summary, author_id)
        return version.number if version is not None else None

    async def latest() -> str | None:
        return await latest_digest(store)

    return FaqReloader(
        faq_file, data_dir, parse, install, tell_admins=notify, record=record,
        latest=latest if store.shared else None, exclusive=lambda: faq_lock(store),
    )  # fmt: skip


async def shared_faq(store: Store, loaded: Loaded, parse: Parse) -> Loaded:
    """With a shared store the database's latest version is the FAQ, and every replica starts from it
    (its FAQ_FILE then follows it). FAQ_FILE seeds the first version; a FAQ_FILE that holds none of
    the recorded versions (edited while the replica was stopped, or a new image) becomes the next one.
    A version that does not build here leaves FAQ_FILE in use."""
    digest = hashlib.sha256(loaded.raw).hexdigest()
    try:
        recorded = await store.versions.latest(KNOWN_VERSIONS)
        if not recorded or recorded[0].sha256 == digest:
            return loaded
        if not loaded.problems and all(version.sha256 != digest for version in recorded):
            log.info("FAQ_FILE holds none of the recorded versions; it becomes the next one")
            return loaded
        found = await store.versions.get(recorded[0].number)
    except StoreError as error:
        log.warning("the FAQ versions in %s were not read (%s); starting from FAQ_FILE", store.description, error)
        return loaded
    if found is None:
        return loaded
    version, body = found
    try:
        brain = await asyncio.to_thread(parse, body, f"v{version.number}")
    except KnowledgeError as error:
        log.error("FAQ v%d from the database does not build here (%s); starting from FAQ_FILE", version.number,
                  error.problems[0])  # fmt: skip
        return loaded
    log.info("serving FAQ v%d from the database (%s, %s)", version.number, version.author, version.summary)
    return Loaded(brain, body)


KNOWN_VERSIONS = 1000
"""Versions looked through at start for the one FAQ_FILE holds."""


async def latest_digest(store: Store) -> str | None:
    """The SHA-256 of the store's latest FAQ version (the FAQ in force with replicas); None if it has none."""
    try:
        latest = await store.versions.latest(1)
    except StoreError as error:
        reason = phrase("faq_versions_unreadable", reason=str(error))
        raise KnowledgeError([Problem(store.description, 1, reason)]) from None
    return latest[0].sha256 if latest else None


@contextlib.asynccontextmanager
async def faq_lock(store: Store) -> AsyncIterator[None]:
    """The FAQ's lock across every process using the store; a store that cannot give it refuses the apply."""
    lock = store.exclusive("faq")
    try:
        await lock.__aenter__()
    except StoreError as error:
        reason = phrase("faq_versions_unreadable", reason=str(error))
        raise KnowledgeError([Problem(store.description, 1, reason)]) from None
    try:
        yield
    finally:
        await lock.__aexit__(None, None, None)


async def adopt_version(store: Store, reloader: FaqReloader[Brain], number: int) -> None:
    """Another replica recorded FAQ version `number`: put it in use here too."""
    try:
        found = await store.versions.get(number)
    except StoreError as error:
        log.warning("FAQ v%d not read: %s", number, error)
        return
    if found is not None:
        await reloader.adopt(found[1], f"v{number}")


async def record_version(
    store: Store, raw: bytes, author: str, summary: str, author_id: int | None = None
) -> Version | None:
    """Add a version to the FAQ's history unless it is the latest already (a restart, a touched file);
    the version that holds `raw` (None when the store cannot say)."""
    try:
        latest = await store.versions.latest(1)
        if latest and latest[0].sha256 == hashlib.sha256(raw).hexdigest():
            return latest[0]
        version = await store.versions.add(raw, author, summary, author_id)
    except StoreError as error:
        log.warning("FAQ version not recorded: %s", error)
        return None
    log.info("FAQ version v%d recorded (%s: %s)", version.number, author, summary)
    return version


async def stop_reloads(stop: asyncio.Event, reloader: FaqReloader[Brain]) -> None:
    """When the bot begins to stop, a reload still reading the file gives up."""
    await stop.wait()
    reloader.stop()
