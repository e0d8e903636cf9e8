"""Is the bot healthy? A heartbeat the running bot keeps fresh, and the judgement of it.

The bot rewrites `DATA_DIR/heartbeat.json` every `BEAT_SECONDS` with what its store said
(`database_ok`, `database`) and when it last reached the Bot API. `python -m bot health`
and the webhook's `/healthz` judge it alike (`judge`): healthy when the process is alive,
has an FAQ loaded, reached the Bot API recently and wrote the heartbeat recently. A store
that cannot keep updates does not make the bot unhealthy: it goes on answering from memory
and a load balancer should keep sending it questions; the line then begins "degraded:
store unavailable", within a few seconds of the outage.

The file is always `SIZE` bytes (padded), so on a full disk, where a new file cannot be
written, it is overwritten in place. Imports nothing from `telegram`.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

BEAT_SECONDS = 2.0
"""How often the running bot rewrites its heartbeat, with what its store says."""
HEARTBEAT_SECONDS = 30
"""How often the running bot checks that the Bot API answers."""
STALE_AFTER = 3 * HEARTBEAT_SECONDS
"""The Bot API not reached for longer than this: unhealthy."""
SILENT_AFTER = 30.0
"""A heartbeat not rewritten for longer than this: the bot is stuck, or cannot write DATA_DIR."""
SIZE = 2048
"""Bytes of the heartbeat file, whatever it says."""


@dataclass(frozen=True)
class Heartbeat:
    """What the running bot last said about itself."""

    pid: int
    started: float
    faq_file: str
    faq_entries: int
    api_ok_at: float
    tasks: int = 0
    """asyncio tasks alive when written: a number that should not grow over a long run."""
    database_ok: bool = True
    """False while the store cannot keep updates (they are answered from memory)."""
    database: str = ""
    """What the store said when last asked: where it is and whether it answers."""
    written: float = 0.0
    """When the heartbeat was written (0: unknown, an older bot)."""


def heartbeat_path(data_dir: Path) -> Path:
    """Where the heartbeat lives."""
    return data_dir / "heartbeat.json"


def write_heartbeat(data_dir: Path, beat: Heartbeat) -> None:
    """Replace the heartbeat file in one step, so a reader never sees half of it; on a full disk,
    overwrite it in place (same size, so no new block is needed)."""
    path = heartbeat_path(data_dir)
    body = json.dumps(asdict(beat)).encode()[: SIZE - 1].ljust(SIZE - 1) + b"\n"
    scratch = path.with_suffix(".tmp")
    try:
        scratch.write_bytes(body)
        scratch.replace(path)
    except OSError:
        with path.open("r+b") as old:  # raises the OSError of a missing or unwritable file
            old.write(body)


class NoHeartbeat(Exception):
    """No heartbeat can be read: the message is one line saying why."""


def read_heartbeat(data_dir: Path) -> Heartbeat:
    """The heartbeat the bot writing to `data_dir` left; raises `NoHeartbeat`."""
    path = heartbeat_path(data_dir)
    try:
        return Heartbeat(**json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise NoHeartbeat(f"no heartbeat at {path}: the bot is not running, or DATA_DIR differs") from None
    except (OSError, ValueError, TypeError) as error:
        raise NoHeartbeat(f"unreadable heartbeat at {path}: {error}") from None


def judge(beat: Heartbeat, now: float) -> tuple[bool, str]:
    """(healthy, one line saying why) for a heartbeat of a process known to be alive."""
    if beat.faq_entries <= 0:
        return False, "no FAQ is loaded"
    silent = now - beat.written
    if beat.written and silent > SILENT_AFTER:
        return False, (f"the bot (pid {beat.pid}) has not written its heartbeat for {silent:.0f} s: it is stuck, "
                       "or cannot write DATA_DIR")  # fmt: skip
    age = now - beat.api_ok_at
    if age > STALE_AFTER:
        return False, f"the Bot API was last reached {age:.0f} s ago (limit {STALE_AFTER} s)"
    state = "ok" if beat.database_ok else "degraded: store unavailable"
    database = f"; {beat.database}" if beat.database else ""
    return True, f"{state}: pid {beat.pid}, {beat.faq_entries} FAQ entries, Bot API reached {age:.0f} s ago{database}"


def check(data_dir: Path, now: float | None = None) -> tuple[bool, str]:
    """(healthy, one line saying why) for the bot writing to `data_dir`."""
    try:
        beat = read_heartbeat(data_dir)
    except NoHeartbeat as error:
        return False, str(error)
    if not _alive(beat.pid):
        return False, f"the bot process {beat.pid} is not running"
    return judge(beat, time.time() if now is None else now)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True
