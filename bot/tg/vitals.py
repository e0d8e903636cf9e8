"""The running bot's heartbeat: what its store and the Bot API said lately, kept fresh.

Every `BEAT_SECONDS`, and at once when the inbox begins or ends answering from memory, it asks
the store whether it answers and rewrites `DATA_DIR/heartbeat.json` (read by `python -m bot
health`); every `HEARTBEAT_SECONDS` it checks that the Bot API answers (getMe). The webhook's
`/healthz` judges the same heartbeat in memory, so both say the same thing, and a store
outage shows within a few seconds.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from pathlib import Path

from telegram.error import TelegramError

from bot.ops.health import BEAT_SECONDS, HEARTBEAT_SECONDS, Heartbeat, judge, write_heartbeat
from bot.tg.application import BotApplication

log = logging.getLogger("bot")

PROBE_WAIT = 1.5
"""Seconds the store's health probe may take before it counts as not answering."""
LOOK_EVERY = 0.25
"""Seconds between looks at whether the inbox began or ended answering from memory."""


class Vitals:
    """Keeps the heartbeat of one running bot."""

    def __init__(self, application: BotApplication, data_dir: Path, faq_file: Path) -> None:
        self.application = application
        self.data_dir = data_dir
        self.faq_file = faq_file
        self.started = time.time()
        self.api_ok_at = time.time()
        self.beat = self._heartbeat(True, "")
        self._told_unwritten = False

    def _heartbeat(self, database_ok: bool, database: str) -> Heartbeat:
        return Heartbeat(
            pid=os.getpid(),
            started=self.started,
            faq_file=str(self.faq_file),
            faq_entries=len(self.application.bot_data.current().knowledge.entries),
            api_ok_at=self.api_ok_at,
            tasks=len(asyncio.all_tasks()),
            database_ok=database_ok,
            database=database,
            written=time.time(),
        )

    def check(self) -> tuple[bool, str]:
        """(healthy, one line saying why), as `python -m bot health` would say it now."""
        return judge(self.beat, time.time())

    async def beat_once(self) -> None:
        """Ask the store and the inbox how they are, and write the heartbeat."""
        store = self.application.bot_data.store
        try:
            async with asyncio.timeout(PROBE_WAIT):
                database_ok, database = await store.healthy()
        except TimeoutError:
            database_ok, database = False, f"database {store.description} does not answer within {PROBE_WAIT} s"
        outage = self.application.inbox.outage
        if outage is not None:
            database_ok, database = False, f"{outage}; {database}"
        self.beat = self._heartbeat(database_ok, database)
        try:
            write_heartbeat(self.data_dir, self.beat)
            self._told_unwritten = False
        except OSError as error:
            if not self._told_unwritten:
                self._told_unwritten = True
                log.warning("heartbeat not written: %s", error)

    async def keep(self) -> None:
        """Beat every `BEAT_SECONDS`, and at once when the inbox begins or ends answering from memory;
        probe the Bot API every `HEARTBEAT_SECONDS`; until cancelled."""
        probed = beaten = time.monotonic()
        outage = False
        while True:
            await asyncio.sleep(LOOK_EVERY)
            now = time.monotonic()
            if now - probed >= HEARTBEAT_SECONDS:
                probed = now
                await self._probe_api()
            changed = (self.application.inbox.outage is not None) != outage
            if changed or now - beaten >= BEAT_SECONDS:
                beaten = now
                outage = self.application.inbox.outage is not None
                await self.beat_once()

    async def _probe_api(self) -> None:
        try:
            await self.application.bot.get_me()
        except TelegramError as error:
            log.warning("Bot API not reached: %s", error)
            return
        self.api_ok_at = time.time()
