"""The health check reads the heartbeat the running bot writes; a database away is named, not fatal."""

from __future__ import annotations

import os
import time
from pathlib import Path

from bot.ops.health import Heartbeat, check, write_heartbeat


def _beat(tmp_path: Path, **fields: object) -> None:
    values: dict[str, object] = {"pid": os.getpid(), "started": time.time(), "faq_file": "faq.yaml",
                                 "faq_entries": 18, "api_ok_at": time.time(), **fields}  # fmt: skip
    write_heartbeat(tmp_path, Heartbeat(**values))  # type: ignore[arg-type]


def test_a_bot_with_its_database_is_healthy_and_says_where_it_is(tmp_path: Path) -> None:
    """Healthy, with the database's own line."""
    _beat(tmp_path, database="database postgresql://faqbot@db/faqbot answers")
    healthy, reason = check(tmp_path)
    assert healthy
    assert reason.startswith("ok: pid ")
    assert reason.endswith("; database postgresql://faqbot@db/faqbot answers")


def test_a_bot_without_its_database_stays_healthy_but_says_so(tmp_path: Path) -> None:
    """It goes on answering, so a load balancer keeps it; the line says it is degraded and why."""
    _beat(tmp_path, database_ok=False, database="database postgresql://faqbot@db/faqbot does not answer: away")
    healthy, reason = check(tmp_path)
    assert healthy
    assert reason.startswith("ok, but degraded: pid ")
    assert "does not answer" in reason


def test_a_stale_heartbeat_is_unhealthy(tmp_path: Path) -> None:
    """The Bot API not reached for over 90 s: unhealthy."""
    _beat(tmp_path, api_ok_at=time.time() - 200)
    healthy, reason = check(tmp_path)
    assert not healthy
    assert "last reached" in reason
