"""Keeping the running bot's FAQ current: on a file change, on /reload, on SIGHUP.

A reload builds the new FAQ aside, validates it completely (schema and self-check), and
only then swaps it in with one assignment: no question is answered from a half-loaded
file. A bad file is refused: the bot keeps serving the last good version, logs every
problem as `file:line: message` and sends them to the admins. The last good version is
also kept on disk, in `DATA_DIR/faq.last-good.yaml`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from watchfiles import awatch

from bot.answering import Brain
from bot.knowledge import KnowledgeError, read_faq

log = logging.getLogger(__name__)

LAST_GOOD = "faq.last-good.yaml"


class Trigger(Enum):
    """Why a reload was done; the value is how the log says it, admins read it in their language."""

    FILE = "the file changed"
    SIGNAL = "SIGHUP"
    COMMAND = "/reload"


Notify = Callable[["ReloadResult", Trigger, "int | None"], Awaitable[None]]
"""Tell the admins about a reload: (what happened, why it was done, an admin not to tell)."""


@dataclass(frozen=True)
class ReloadResult:
    """What a reload did: swapped in a new FAQ, or refused the file and why."""

    ok: bool
    entries: int
    problems: tuple[str, ...] = ()


class FaqReloader:
    """Reloads one FAQ file into a running bot, one reload at a time."""

    def __init__(
        self,
        path: Path,
        data_dir: Path,
        install: Callable[[Brain], None],
        tell_admins: Notify | None = None,
    ) -> None:
        self.path = path
        self.data_dir = data_dir
        self.install = install
        self.tell_admins = tell_admins
        self._lock = asyncio.Lock()

    def keep(self, raw: bytes) -> None:
        """Store the bytes of an FAQ that validated as the last good version."""
        scratch = self.data_dir / (LAST_GOOD + ".tmp")
        try:
            scratch.write_bytes(raw)
            scratch.replace(self.data_dir / LAST_GOOD)
        except OSError as error:
            log.warning("last good FAQ not kept: %s", error)

    def _load(self) -> tuple[Brain, bytes]:
        raw = read_faq(self.path)
        return Brain.parse(raw, str(self.path)), raw

    async def reload(self, trigger: Trigger, quiet_for: int | None = None) -> ReloadResult:
        """Load the file again; swap it in if it validates, else keep serving the current FAQ.

        The admins are told when a file is refused, except `quiet_for`, the admin who asked
        (their command's reply already says it).
        """
        reason = trigger.value if quiet_for is None else f"{trigger.value} by admin {quiet_for}"
        async with self._lock:
            try:
                brain, raw = await asyncio.to_thread(self._load)
            except KnowledgeError as error:
                log.error("FAQ not reloaded (%s), still serving the previous one; %d problem(s):", reason,
                          len(error.problems))  # fmt: skip
                for problem in error.problems:
                    log.error("%s", problem)
                result = ReloadResult(False, 0, tuple(error.problems))
                if self.tell_admins is not None:
                    await self.tell_admins(result, trigger, quiet_for)
                return result
            self.install(brain)
            await asyncio.to_thread(self.keep, raw)
            entries = len(brain.knowledge.entries)
            log.info("FAQ reloaded (%s): %d entries from %s", reason, entries, self.path)
            return ReloadResult(True, entries)

    async def watch(self, stop: asyncio.Event) -> None:
        """Reload whenever the file changes, until `stop` is set."""
        folder = self.path.resolve().parent
        target = self.path.resolve()
        async for changes in awatch(folder, stop_event=stop, debounce=300, step=100, recursive=False):
            if any(Path(changed).resolve() == target for _, changed in changes):
                await self.reload(Trigger.FILE)
