"""The health check judges the heartbeat the running bot writes; a store away is named, not fatal."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from bot.ops.health import SIZE, Heartbeat, check, heartbeat_path, write_heartbeat


def _beat(tmp_path: Path, **fields: object) -> None:
    values: dict[str, object] = {"pid": os.getpid(), "started": time.time(), "faq_file": "faq.yaml",
                                 "faq_entries": 18, "api_ok_at": time.time(), "written": time.time(),
                                 **fields}  # fmt: skip
    write_heartbeat(tmp_path, Heartbeat(**values))  # type: ignore[arg-type]


def test_a_bot_with_its_database_is_healthy_and_says_where_it_is(tmp_path: Path) -> None:
    """Healthy, with the database's own line."""
    _beat(tmp_path, database="database postgresql://faqbot@db/faqbot answers")
    healthy, reason = check(tmp_path)
    assert healthy
    assert reason.startswith("ok: pid ")
    assert reason.endswith("; database postgresql://faqbot@db/faqbot answers")


def test_a_bot_whose_store_is_away_stays_healthy_but_says_it_is_degraded(tmp_path: Path) -> None:
    """It goes on answering from memory, so a load balancer keeps it; the line says the store is unavailable."""
    _beat(tmp_path, database_ok=False, database="database postgresql://faqbot@db/faqbot does not answer: away")
    healthy, reason = check(tmp_path)
    assert healthy
    assert reason.startswith("degraded: store unavailable: pid ")
    assert "does not answer" in reason


def test_a_stale_heartbeat_is_unhealthy(tmp_path: Path) -> None:
    """The Bot API not reached for over 90 s: unhealthy."""
    _beat(tmp_path, api_ok_at=time.time() - 200)
    healthy, reason = check(tmp_path)
    assert not healthy
    assert "last reached" in reason


def test_a_heartbeat_not_rewritten_is_unhealthy_and_says_why_it_may_be(tmp_path: Path) -> None:
    """The bot writes every 2 s: one silent for a minute is stuck or cannot write DATA_DIR, not an API outage."""
    _beat(tmp_path, api_ok_at=time.time() - 200, written=time.time() - 60)
    healthy, reason = check(tmp_path)
    assert not healthy
    assert "has not written its heartbeat for 60 s" in reason


def test_the_heartbeat_is_rewritten_in_place_when_no_new_file_can_be_made(tmp_path: Path) -> None:
    """On a full disk the scratch file cannot be written: the heartbeat, always the same size, is
    overwritten where it is."""
    _beat(tmp_path, faq_entries=18)
    (tmp_path / "heartbeat.tmp").mkdir()  # writing the scratch file now fails, as on a full disk
    _beat(tmp_path, faq_entries=17)
    assert json.loads(heartbeat_path(tmp_path).read_text())["faq_entries"] == 17
    assert heartbeat_path(tmp_path).stat().st_size == SIZE
