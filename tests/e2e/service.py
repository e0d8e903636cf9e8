"""Running `python -m bot` as a process in tests: the run command, one-shot commands, start and stop."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from tests.e2e.proxy import BotApiProxy
from tests.e2e.user import ROOT, start_bot, wait_for

Launch = Callable[..., tuple[subprocess.Popen[str], str]]
"""Start `python -m bot run` with extra environment; (the process, its token)."""

_tokens = itertools.count(500000)


def faqbot(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run one `python -m bot` command to its end."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def started(bot: subprocess.Popen[str], log: Path) -> None:
    """Wait until the bot polls or serves its webhook; fail with its log if it exited instead."""
    wait_for(lambda: "polling" in log.read_text() or "webhook at" in log.read_text() or bot.poll() is not None,
             30, "the bot to start")  # fmt: skip
    assert bot.poll() is None, log.read_text()


def stop(bot: subprocess.Popen[str], sig: signal.Signals = signal.SIGTERM, *, within: float = 30) -> float:
    """Signal the bot and wait for it to exit (failing after `within` seconds); the seconds it took."""
    began = time.monotonic()
    bot.send_signal(sig)
    bot.wait(timeout=within)
    return time.monotonic() - began


def launcher(proxy: BotApiProxy, data_dir: Path) -> Iterator[Launch]:
    """Start bots with a token of their own each (so no other test's bot takes their updates),
    logging to `data_dir/bot.log`; any still running at the end are killed."""
    running: list[subprocess.Popen[str]] = []

    def start(**env: str) -> tuple[subprocess.Popen[str], str]:
        token = env.pop("token", None) or f"{next(_tokens)}:" + "T" * 35
        bot = start_bot(proxy.url, token, data_dir, log=data_dir / "bot.log", **env)
        running.append(bot)
        started(bot, data_dir / "bot.log")
        return bot, token

    yield start
    for bot in running:
        if bot.poll() is None:
            bot.kill()
            bot.wait(timeout=10)
