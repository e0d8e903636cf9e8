"""Keeping the running bot's FAQ current: on a file change, on /reload, on SIGHUP.

A reload builds the new FAQ aside, validates it completely (schema and self-check), and
only then swaps it in with one assignment: no question is answered from a half-loaded
file. A bad file is refused: the bot keeps serving the last good version, logs every
problem as `file:line: message` and sends them to the admins. A good one is swapped in
and the admins are told what changed (entries and figures added, removed, changed); a
file whose bytes did not change is not reloaded. The last good version is also kept on
disk, in `DATA_DIR/faq.last-good.yaml`, to start from when the file is broken at start.

A reload checks only the entries that changed against the FAQ being served, and the article's
examples, so that it is quick; once the new FAQ serves, the whole self-check runs in the
background. Only an FAQ that passes it whole is kept as the last good version; one that does
not (an edit that leads another entry's example questions astray) is taken back: the FAQ served
before returns, every problem is logged and the admins are told, as for a refused file.

An admin's reviewed upload is put in use by `apply`: exactly the reviewed bytes, or a refusal
with the reason. Applies are serialised (in this process by the reload lock, across processes
by `exclusive`, a file lock or the database's advisory lock), and each checks that the FAQ in
force is still the one the review was made against. With replicas the FAQ in force is the
store's latest version (`latest`); each replica's file follows it (written atomically) where it
can be written, and is only the seed of the first version where it cannot.

The file is reloaded only once it has stopped changing for `QUIET` seconds, so an editor
that writes in steps is not caught half-way. It is read only if it is a regular file
(see `read_faq`), in a thread of its own that a stop does not wait for. The watcher
watches the folder of the configured path and that of the file it points to, and
follows the path when it is made to point elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import functools
import hashlib
import logging
import os
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from watchfiles import awatch

from bot.faq.diff import FaqDiff, diff
from bot.faq.knowledge import Built, KnowledgeBase, KnowledgeError, Problem, os_reason, read_faq
from bot.texts import phrase

log = logging.getLogger(__name__)

LAST_GOOD = "faq.last-good.yaml"
QUIET = 0.8
"""Seconds the file must stay unchanged (size, time, inode) before a change is loaded."""
READ_WAIT = 20.0
"""Seconds a reload waits for the file to be read and checked before giving up."""
LOCK_FILE = "faq.lock"
"""Under DATA_DIR: the lock that serialises applies of processes sharing it (the bot, `python -m bot teach`)."""
LOCK_WAIT = 30.0
"""Seconds an apply waits for another process's apply before giving up."""

T = TypeVar("T")


class Checked(Built, Protocol):
    """An FAQ built for serving, saying how much of its self-check was done."""

    @property
    def checked_only(self) -> frozenset[str] | None:
        """The entries its self-check covered, when that was not all of them."""
        ...


B = TypeVar("B", bound=Checked)


class Rebuild(Protocol[B]):
    """Validate, build and self-check the bytes of an FAQ read from a path (`Brain.parse`); with
    `served`, the FAQ in use, the self-check may cover only what changed. Raises `KnowledgeError`."""

    def __call__(self, raw: bytes, path: str, *, served: B | None = None) -> B: ...


class Trigger(Enum):
    """Why a reload was done; the value is how the log says it, admins read it in their language."""

    FILE = "the file changed"
    SIGNAL = "SIGHUP"
    COMMAND = "/reload"
    START = "start-up"
    UPLOAD = "an admin's upload"
    ROLLBACK = "an admin's rollback"
    TEACH = "an admin's teaching from /unanswered"
    VERSION = "a version from another replica"


Notify = Callable[["ReloadResult", Trigger, "int | None"], Awaitable[None]]
"""Tell the admins about a reload: (what happened, why it was done, an admin not to tell)."""
Record = Callable[[bytes, str, str, "int | None"], Awaitable["int | None"]]
"""Keep a version that was put in use: (its bytes, who put it in use, what changed, their Telegram id);
the version's number, None when it could not be kept."""
Latest = Callable[[], Awaitable["str | None"]]
"""The SHA-256 of the store's latest FAQ version, None when it has none; raises `KnowledgeError` when
the store cannot say."""
Exclusive = Callable[[], AbstractAsyncContextManager[None]]
"""Hold the FAQ's lock across processes for the length of an apply."""


@dataclass(frozen=True)
class ReloadResult:
    """What a reload did: swapped in a new FAQ (and what changed), found nothing new, or refused the file."""

    ok: bool
    entries: int
    problems: tuple[str, ...] = ()
    changes: FaqDiff | None = None
    """What changed against the FAQ served before; None when nothing was swapped in."""
    stale: bool = False
    """An apply refused because the FAQ in force is not the one its review was made against."""
    version: int | None = None
    """The version number the swapped-in FAQ was recorded as, when it was."""


class FaqReloader(Generic[B]):
    """Reloads one FAQ file into a running bot, one reload at a time; `build` makes what is served
    from the file's bytes (the answering core's `Brain.parse`), `install` puts it in use."""

    def __init__(
        self,
        path: Path,
        data_dir: Path,
        build: Rebuild[B],
        install: Callable[[B], None],
        *,
        tell_admins: Notify | None = None,
        record: Record | None = None,
        latest: Latest | None = None,
        exclusive: Exclusive | None = None,
    ) -> None:
        self.path = path
        self.data_dir = data_dir
        self.build = build
        self.install = install
        self.tell_admins = tell_admins
        self.record = record
        self.latest = latest
        """With replicas: the store's latest version is the FAQ in force, and the file follows it."""
        self.exclusive: Exclusive = exclusive or functools.partial(file_lock, data_dir / LOCK_FILE)
        self._lock = asyncio.Lock()
        self._stopping = asyncio.Event()
        self._knowledge: KnowledgeBase | None = None
        self._served: B | None = None
        self._finishing: set[asyncio.Future[None]] = set()
        self._digest = ""
        self.raw = b""
        """The bytes of the FAQ being served."""

    def serving(self, brain: B, raw: bytes, *, keep: bool = True) -> None:
        """Say which FAQ is being served (at start); `keep` it as the last good version on disk."""
        self._knowledge, self._served = brain.knowledge, brain
        self._digest = hashlib.sha256(raw).hexdigest()
        self.raw = raw
        if keep:
            self.keep(raw)

    def stop(self) -> None:
        """The bot is stopping: a reload still reading gives up at once."""
        self._stopping.set()

    def keep(self, raw: bytes) -> None:
        """Store the bytes of an FAQ that validated as the last good version."""
        scratch = self.data_dir / (LAST_GOOD + ".tmp")
        try:
            scratch.write_bytes(raw)
            scratch.replace(self.data_dir / LAST_GOOD)
        except OSError as error:
            log.warning("last good FAQ not kept: %s", error)

    def _load(self) -> tuple[B | None, bytes]:
        """The file's bytes, built unless they are those being served."""
        raw = read_faq(self.path)
        if hashlib.sha256(raw).hexdigest() == self._digest:
            return None, raw
        return self.build(raw, str(self.path), served=self._served), raw

    async def reload(
        self, trigger: Trigger, quiet_for: int | None = None, author: str = "file", author_id: int | None = None
    ) -> ReloadResult:
        """Load the file again; swap it in if it validates, else keep serving the current FAQ.

        The admins are told when a file is refused or swapped in, except `quiet_for`, the
        admin who asked (their command's reply already says it). A version swapped in is
        recorded with `author` ("file" for edits on the server).
        """
        reason = trigger.value if quiet_for is None else f"{trigger.value} by admin {quiet_for}"
        async with self._lock:
            try:
                brain, raw = await self._in_own_thread(self._load)
            except KnowledgeError as error:
                return await self._refused(error, f"FAQ not reloaded ({reason})", trigger, quiet_for)
            if brain is None:
                entries = len(self._knowledge.entries) if self._knowledge else 0
                log.info("FAQ file unchanged (%s): still %d entries from %s", reason, entries, self.path)
                return ReloadResult(True, entries)
            result = await self._swap(brain, raw, f"FAQ reloaded ({reason})", str(self.path), trigger)
            return await self._recorded(
                result, raw, trigger=trigger, quiet_for=quiet_for, author=author, author_id=author_id
            )

    async def _recorded(
        self,
        result: ReloadResult,
        raw: bytes,
        *,
        trigger: Trigger,
        quiet_for: int | None,
        author: str,
        author_id: int | None,
        note: str = "",
    ) -> ReloadResult:
        """Record a swapped-in FAQ as a version and tell the admins what changed."""
        version = None
        if self.record is not None:
            summary = result.changes.summary() if result.changes is not None else "loaded"
            version = await self.record(raw, author, summary + note, author_id)
        if self.tell_admins is not None and result.changes is not None and not result.changes.empty:
            await self.tell_admins(result, trigger, quiet_for)
        return replace(result, version=version)

    async def adopt(self, raw: bytes, source: str) -> ReloadResult:
        """Put in use a version another replica recorded (checked there, checked again here). A version
        that does not build here is refused and reported; this replica keeps the one it serves."""
        async with self._lock:
            if hashlib.sha256(raw).hexdigest() == self._digest:
                return ReloadResult(True, len(self._knowledge.entries) if self._knowledge else 0)
            try:
                brain = await self._in_own_thread(lambda: self.build(raw, source, served=self._served))
            except KnowledgeError as error:
                return await self._refused(error, f"FAQ {source} not put in use here", Trigger.VERSION, None)
            result = await self._swap(brain, raw, "FAQ put in use", f"{source} (another replica's)", Trigger.VERSION)
            await self.follow(raw)
            return result

    async def follow(self, raw: bytes) -> None:
        """With replicas, the file follows the version in force, where it can be written (else it only seeded)."""
        if self.latest is None:
            return
        try:
            if await self._in_own_thread(lambda: read_faq(self.path)) == raw:
                return
        except KnowledgeError:
            pass  # missing or unreadable: written below
        try:
            await asyncio.to_thread(write_atomically, self.path.resolve(), raw)
        except OSError as error:
            log.warning("FAQ_FILE %s does not follow the version in force (%s); it only seeded the first version",
                        self.path, error.strerror)  # fmt: skip

    async def _refused(self, error: KnowledgeError, what: str, trigger: Trigger, quiet_for: int | None) -> ReloadResult:
        """Log a refused FAQ with every problem, tell the admins, and say so."""
        log.error("%s, still serving the previous one; %d problem(s):", what, len(error.problems))
        for problem in error.problems:
            log.error("%s", problem)
        result = ReloadResult(False, 0, tuple(error.problems))
        if self.tell_admins is not None:
            await self.tell_admins(result, trigger, quiet_for)
        return result

    async def _swap(self, brain: B, raw: bytes, what: str, source: str, trigger: Trigger) -> ReloadResult:
        """Put a checked FAQ in use, keep it as the last good copy, log what changed."""
        changes = diff(self._knowledge, brain.knowledge) if self._knowledge is not None else None
        before = (self._served, self.raw)
        self.install(brain)
        self._knowledge, self._served = brain.knowledge, brain
        self._digest, self.raw = hashlib.sha256(raw).hexdigest(), raw
        if brain.checked_only is None:
            await asyncio.to_thread(self.keep, raw)
        else:
            finishing = asyncio.ensure_future(self._finish_check(raw, source, before, trigger))
            self._finishing.add(finishing)
            finishing.add_done_callback(self._finishing.discard)
        entries = len(brain.knowledge.entries)
        summary = changes.summary() if changes is not None else "loaded"
        log.info("%s: %d entries from %s; %s", what, entries, source, summary)
        return ReloadResult(True, entries, changes=changes)

    async def _finish_check(self, raw: bytes, source: str, before: tuple[B | None, bytes], trigger: Trigger) -> None:
        """Check the whole of an FAQ put in use after checking only what changed: keep it as the last
        good version when it passes; when it fails and is still in use, put back the one served before."""
        try:
            await self._in_own_thread(lambda: self.build(raw, source))
        except KnowledgeError as error:
            if self._stopping.is_set():
                return
            async with self._lock:
                previous, previous_raw = before
                if previous is None or hashlib.sha256(raw).hexdigest() != self._digest:
                    log.error("FAQ from %s failed the whole self-check (%d problem(s)); it is no longer in use",
                              source, len(error.problems))  # fmt: skip
                    return
                self.install(previous)
                self._knowledge, self._served = previous.knowledge, previous
                self._digest, self.raw = hashlib.sha256(previous_raw).hexdigest(), previous_raw
                if self.record is not None:  # with replicas, the version in force is the one served again
                    await self.record(previous_raw, "file", "taken back: failed the whole self-check", None)
                await self._refused(error, f"FAQ from {source} taken back after the whole self-check", trigger, None)
            return
        if hashlib.sha256(raw).hexdigest() == self._digest:  # still the one in use
            await asyncio.to_thread(self.keep, raw)
            log.info("FAQ from %s passed the whole self-check", source)

    async def checked(self) -> None:
        """Wait until the FAQ in use has been checked whole (a reload finishes its check in the background)."""
        while self._finishing:
            await asyncio.gather(*self._finishing, return_exceptions=True)

    def digest(self) -> str:
        """SHA-256 of the FAQ being served."""
        return self._digest

    async def digest_on_disk(self) -> str:
        """SHA-256 of the FAQ file as it is on disk now ("" if it cannot be read)."""
        try:
            raw = await self._in_own_thread(lambda: read_faq(self.path))
        except KnowledgeError:
            return ""
        return hashlib.sha256(raw).hexdigest()

    async def in_force(self) -> str:
        """The SHA-256 of the FAQ in force: with replicas the store's latest version, else the file on disk
        ("" when it cannot be read). Raises `KnowledgeError` when the store cannot say."""
        if self.latest is not None and (latest := await self.latest()) is not None:
            return latest
        return await self.digest_on_disk()

    async def apply(
        self,
        raw: bytes,
        trigger: Trigger,
        author: str,
        *,
        base: str,
        quiet_for: int | None = None,
        author_id: int | None = None,
        note: str = "",
    ) -> ReloadResult:
        """Put reviewed bytes in use, exactly these, or refuse and say why.

        One apply at a time, across processes: under the lock, the FAQ in force must still be
        `base` (the one the review was made against), else the result is `stale`. The bytes
        are built again, written to the file atomically (a temporary file of its own in the
        file's folder, fsync, rename; through a symlink to its target) and swapped in as they
        are (not read back, so an edit landing meanwhile cannot take their place), then
        recorded as the next version (`note` added to its summary). With replicas a file that
        cannot be written only warns: the store's version is the FAQ.
        """
        target = self.path.resolve()
        what = f"FAQ not applied ({trigger.value} by {author})"
        try:
            async with self._lock, self.exclusive():
                if await self.in_force() != base:
                    log.warning("%s: the FAQ in force changed after the review", what)
                    return ReloadResult(False, 0, stale=True)
                brain = await self._in_own_thread(lambda: self.build(raw, str(self.path)))
                try:
                    await asyncio.to_thread(write_atomically, target, raw)
                except OSError as error:
                    problem = Problem(str(target), 1, phrase("faq_cannot_write", reason=os_reason(error)))
                    if self.latest is None:
                        log.error("%s: %s", what, problem)
                        return ReloadResult(False, 0, (problem,))
                    log.warning("FAQ_FILE not updated: %s; the store's version is in force", problem)
                what_done = f"FAQ applied ({trigger.value} by {author})"
                result = await self._swap(brain, raw, what_done, str(target), trigger)
                return await self._recorded(
                    result, raw, trigger=trigger, quiet_for=quiet_for, author=author, author_id=author_id, note=note
                )
        except KnowledgeError as error:
            log.error("%s: %s", what, "; ".join(error.problems))
            return ReloadResult(False, 0, tuple(error.problems))

    async def _in_own_thread(self, work: Callable[[], T]) -> T:
        """Run `work` in a daemon thread: a read that hangs can neither hold a stop nor the exit."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()

        def apply(action: Callable[[], None]) -> None:
            if not future.done():
                action()

        def deliver(action: Callable[[], None]) -> None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting
                loop.call_soon_threadsafe(apply, action)

        def run() -> None:
            try:
                value = work()
            except BaseException as raised:  # handed to the waiting coroutine
                deliver(functools.partial(future.set_exception, raised))
                return
            deliver(functools.partial(future.set_result, value))

        threading.Thread(target=run, name="faq reader", daemon=True).start()
        stopping = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait((future, stopping), timeout=READ_WAIT, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if not future.done():
            future.cancel()
            why = phrase("faq_stopping") if self._stopping.is_set() else phrase("faq_read_slow", seconds=READ_WAIT)
            raise KnowledgeError([Problem(str(self.path), 1, phrase("faq_not_loaded", why=why))])
        return future.result()

    def _folders(self) -> set[Path]:
        return {self.path.absolute().parent, self.path.resolve().parent}

    def _concerns(self, changed: Iterable[str]) -> bool:
        names = {self.path.absolute(), self.path.resolve()}
        return any(Path(path) in names or Path(path).resolve() in names for path in changed)

    def _signature(self) -> tuple[int, int, int] | None:
        try:
            info = os.stat(self.path)
        except OSError:
            return None
        return info.st_ino, info.st_size, info.st_mtime_ns

    async def _settled(self, stop: asyncio.Event) -> None:
        """Wait until the file has not changed for QUIET seconds (or the bot stops)."""
        last, since = self._signature(), time.monotonic()
        while time.monotonic() - since < QUIET and not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.1)
            now = self._signature()
            if now != last:
                last, since = now, time.monotonic()

    async def watch(self, stop: asyncio.Event) -> None:
        """Reload whenever the file changes and then stays unchanged a moment, until `stop` is set."""
        while not stop.is_set():
            folders = self._folders()
            watched = [folder for folder in folders if folder.is_dir()]
            if not watched:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 1.0)
                continue
            watching = False
            # waking once a second with no news lets the log say when the watch is really in place
            async for changes in awatch(*watched, stop_event=stop, debounce=300, step=100, recursive=False,
                                        rust_timeout=1000, yield_on_timeout=True):  # fmt: skip
                if not watching:
                    watching = True
                    log.info("watching %s for changes", ", ".join(sorted(str(folder) for folder in watched)))
                if not self._concerns(path for _, path in changes):
                    continue
                await self._settled(stop)
                if stop.is_set():
                    return
                await self.reload(Trigger.FILE)
                if self._folders() != folders:
                    log.info("the FAQ path %s now points to %s; watching there", self.path, self.path.resolve())
                    break


@contextlib.asynccontextmanager
async def file_lock(path: Path, wait: float = LOCK_WAIT) -> AsyncIterator[None]:
    """Hold an exclusive lock on `path` (created if missing) against other processes; raises
    `KnowledgeError` when another holds it for longer than `wait` seconds."""
    try:
        descriptor = await asyncio.to_thread(os.open, path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise KnowledgeError([Problem(str(path), 1, phrase("faq_cannot_write", reason=os_reason(error)))]) from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise KnowledgeError([Problem(str(path), 1, phrase("faq_locked", seconds=wait))]) from None
                await asyncio.sleep(0.05)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def write_atomically(target: Path, raw: bytes) -> None:
    """Replace `target` with `raw` so that a reader sees the old file or the new one, never a part.
    The temporary file's name is its own (not the process's): two writers never share one. The file
    keeps its mode, and its owner where the writer may give it (root teaching from a shell)."""
    known = target.stat() if target.exists() else None
    mode = known.st_mode & 0o777 if known is not None else 0o644
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    scratch = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(raw)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(scratch, mode)
        if known is not None and (known.st_uid, known.st_gid) != (os.getuid(), os.getgid()):
            with contextlib.suppress(PermissionError):
                os.chown(scratch, known.st_uid, known.st_gid)
        os.replace(scratch, target)
    except BaseException:
        with contextlib.suppress(OSError):
            scratch.unlink()
        raise
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
