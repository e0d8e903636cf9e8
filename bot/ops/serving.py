"""What every serving process does with the FAQ, whichever front ends it hosts.

It starts from `FAQ_FILE`, or from the last good copy when the file is broken; with a shared
store it starts from the database's latest version instead, records each version it puts in
use, and adopts the versions other replicas record. A reason not to start is a `StartupError`:
lines for the operator and an exit status, never a traceback. A process may host other front ends
beside its own (`Companion`: the page beside Telegram). No front end in it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from starlette.routing import BaseRoute

from bot.core.brain import Brain
from bot.faq.knowledge import KnowledgeError, read_faq
from bot.faq.reloading import LAST_GOOD, FaqReloader
from bot.storage.store import Store, StoreError

log = logging.getLogger("bot")


class StartupError(Exception):
    """A reason the process cannot start, in lines for the operator, with the exit status to use."""

    def __init__(self, *lines: str, status: int = 1) -> None:
        super().__init__(lines[0] if lines else "")
        self.lines = lines
        self.status = status


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


def load_faq(faq_file: Path, data_dir: Path) -> Loaded:
    """FAQ_FILE, or the last good copy with FAQ_FILE's problems logged; `StartupError` when neither builds."""
    try:
        raw = read_faq(faq_file)
        return Loaded(Brain.parse(raw, str(faq_file)), raw)
    except KnowledgeError as error:
        problems = error.problems
    last_good = data_dir / LAST_GOOD
    try:
        raw = read_faq(last_good)
        brain = Brain.parse(raw, str(last_good))
    except KnowledgeError:
        # neither is usable (a first start has no last good copy): the operator reads why
        raise StartupError(*problems) from None
    log.error("FAQ_FILE %s has %d problem(s); starting from the last good version, %s:", faq_file, len(problems),
              last_good)  # fmt: skip
    for problem in problems:
        log.error("%s", problem)
    return Loaded(brain, raw, tuple(problems))


async def shared_faq(store: Store, loaded: Loaded) -> Loaded:
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


async def adopt_version(store: Store, reloader: FaqReloader[Brain], number: int) -> None:
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
