"""Is the bot healthy? A heartbeat file the running bot keeps fresh, and the check that reads it.

The bot writes `DATA_DIR/heartbeat.json` when it starts and each time it reaches the Bot
API, with what its database said. `python -m bot health` exits 0 only when that process is
alive, has an FAQ loaded and reached the Bot API recently; a database that does not answer
is named in the line but does not make the bot unhealthy: it goes on answering (recording is
best-effort), and a load balancer should keep sending it questions. Imports nothing from
`telegram`.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HEARTBEAT_SECONDS = 30
"""How often the running bot checks that the Bot API answers."""

STALE_AFTER = 3 * HEARTBEAT_SECONDS
"""A heartbeat older than this means the bot has not reached the Bot API lately."""


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
    database: str = ""
    """What the store said when last asked: where it is and whether it answers."""


def heartbeat_path(data_dir: Path) -> Path:
    """Where the heartbeat lives."""
    return data_dir / "heartbeat.json"


def write_heartbeat(data_dir: Path, beat: Heartbeat) -> None:
    """Replace the heartbeat file in one step, so a reader never sees half of it."""
    path = heartbeat_path(data_dir)
    scratch = path.with_suffix(".tmp")
    scratch.write_text(json.dumps(asdict(beat)), encoding="utf-8")
    scratch.replace(path)


def check(data_dir: Path, now: float | None = None) -> tuple[bool, str]:
    """(healthy, one line saying why) for the bot writing to `data_dir`."""
    now = time.time() if now is None else now
    path = heartbeat_path(data_dir)
    try:
        beat = Heartbeat(**json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return False, f"no heartbeat at {path}: the bot is not running, or DATA_DIR differs"
    except (OSError, ValueError, TypeError) as error:
        return False, f"unreadable heartbeat at {path}: {error}"
    if not _alive(beat.pid):
        return False, f"the bot process {beat.pid} is not running"
    if beat.faq_entries <= 0:
        return False, "no FAQ is loaded"
    age = now - beat.api_ok_at
    if age > STALE_AFTER:
        return False, f"the Bot API was last reached {age:.0f} s ago (limit {STALE_AFTER} s)"
    database = f"; {beat.database}" if beat.database else ""
    state = "ok" if beat.database_ok else "ok, but degraded"
    return True, f"{state}: pid {beat.pid}, {beat.faq_entries} FAQ entries, Bot API reached {age:.0f} s ago{database}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True
