"""Shared fixtures: the real FAQ, loaded once; the Bot API emulator and bot processes for e2e tests."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.conversation.replies import Said
from bot.conversation.state import Who
from bot.conversation.turns import Conversation
from bot.core.brain import Brain
from tests.e2e.postgres import PostgresServer, binaries, postgres_server
from tests.e2e.proxy import BotApiProxy
from tests.e2e.service import Launch, launcher
from tests.e2e.user import bot_api

ROOT = Path(__file__).resolve().parent.parent
FAQ = ROOT / "knowledge" / "faq.yaml"
ARTICLE = ROOT / "knowledge" / "article.txt"
BROKEN = sorted((Path(__file__).parent / "broken").glob("*.yaml"))
"""FAQ files that must be refused; each starts with `# expect: line N: message`."""


def broken_expectation(path: Path) -> tuple[int, str]:
    """The line and message a broken FAQ file says it must be refused with."""
    header = path.read_text(encoding="utf-8", errors="replace").splitlines()[0]
    match = re.match(r"# expect: line (\d+): (.+)$", header)
    assert match, f"{path.name} must start with '# expect: line N: message'"
    return int(match.group(1)), match.group(2)


@functools.cache
def shipped_brain() -> Brain:
    """The shipped FAQ with its matcher, built once per test process: a brain is never changed
    after it is built (a reload makes another), so every test may share this one."""
    return Brain.load(FAQ)


@pytest.fixture(scope="session")
def brain() -> Brain:
    """The shipped FAQ with its matcher."""
    return shipped_brain()


Heard = list[tuple[str, str, str, str | None]]
"""What the conversation layer heard and said: (channel, text, reply kind, entry id), in order."""


@pytest.fixture
def heard(monkeypatch: pytest.MonkeyPatch) -> Heard:
    """Every message any front end passes through `Conversation.hear` in the test, with its reply."""
    turns: Heard = []
    original = Conversation.hear

    async def spy(self: Conversation, who: Who, text: str, **kwargs: Any) -> Said:
        said = await original(self, who, text, **kwargs)
        turns.append((who.channel, text, said.kind, said.entry_id))
        return said

    monkeypatch.setattr(Conversation, "hear", spy)
    return turns


@pytest.fixture(scope="module")
def api() -> Iterator[tuple[str, BotApiProxy]]:
    """A Bot API emulator and its proxy for one test module: (emulator URL, proxy)."""
    with bot_api() as running:
        yield running


@pytest.fixture
def launch(api: tuple[str, BotApiProxy], tmp_path: Path) -> Iterator[Launch]:
    """Start `python -m bot run` processes against `api`, with DATA_DIR = tmp_path (the FAQ's cache in
    it: `tests.e2e.user.start_bot` puts it there)."""
    yield from launcher(api[1], tmp_path)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the whole run; skipped (saying why) only where its binaries are
    missing, and never when FAQBOT_REQUIRE_SERVERS is set (as `.ci/run` does)."""
    if binaries() is None:
        missing("PostgreSQL's server binaries are not installed (Debian: apt-get install postgresql)")
    with postgres_server() as server:
        yield server


def missing(reason: str) -> None:
    """A server a test needs is not installed: skip, saying why; fail where FAQBOT_REQUIRE_SERVERS says
    every server must be there (`.ci/run`)."""
    if os.environ.get("FAQBOT_REQUIRE_SERVERS"):
        pytest.fail(f"{reason}; FAQBOT_REQUIRE_SERVERS says it must be")
    pytest.skip(reason)
