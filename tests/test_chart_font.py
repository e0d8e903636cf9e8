"""The /stats chart's Chinese font: found at start-up, matplotlib's stale font list refreshed, and the
admin shown "sending a photo" while a chart is drawn."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.ops import chart
from tests.bot_api import RecordingBotApi
from tests.conftest import ROOT
from tests.test_handlers import ADMIN, ADMIN_ID, Harness, _harness
from tests.test_store import Clock


def _font(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.ops.chart", "--font"], cwd=ROOT, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip


class TestFontFinding:
    def test_a_font_installed_after_matplotlib_listed_the_fonts_is_found_and_listed(self, tmp_path: Path) -> None:
        """matplotlib's saved font list lacks the Chinese font (installed later): the chart process finds it
        anyway, and saves the list with it, so the next one finds it at once."""
        setup = (
            "from matplotlib import font_manager as fm, get_cachedir\n"
            "m = fm.fontManager\n"
            f"gone = {{e.fname for e in m.ttflist if e.name in {chart.CJK_FONTS!r}}}\n"
            "m.ttflist = [e for e in m.ttflist if e.fname not in gone]\n"
            "fm.json_dump(m, f'{get_cachedir()}/fontlist-v{fm.FontManager.__version__}.json')\n"
        )
        env = {"MPLCONFIGDIR": str(tmp_path)}
        subprocess.run([sys.executable, "-c", setup], env={**os.environ, **env}, check=True, timeout=120)
        first = _font(env)
        if not first.stdout.strip():
            pytest.fail(
                "no Chinese font is installed on this machine (apt-get install fonts-wqy-microhei; .ci/run does)"
            )
        assert first.stdout.strip() in chart.CJK_FONTS
        cache = next(tmp_path.glob("fontlist-*.json")).read_text(encoding="utf-8")
        assert first.stdout.strip() in cache

    def test_no_font_at_all_means_none_not_a_failure(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """With no Chinese font in matplotlib's list nor among the system's font files, the font is None."""
        from matplotlib import font_manager  # noqa: PLC0415 - matplotlib only where a chart is tested

        known = [entry.fname for entry in font_manager.fontManager.ttflist]
        monkeypatch.setattr(chart, "_first_cjk", lambda: None)
        monkeypatch.setattr(font_manager, "findSystemFonts", lambda *_: known)
        assert chart.cjk_font() is None

    async def test_the_start_up_check_names_the_font(self, caplog: pytest.LogCaptureFixture) -> None:
        """The check the bot runs at start-up, in a process of its own, logs the font it found."""
        caplog.set_level("INFO")
        assert await chart.find_font_elsewhere() in chart.CJK_FONTS
        assert "the /stats chart draws Chinese with the font" in caplog.text


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Harness]:
    api = RecordingBotApi()
    clock = Clock()
    application, store = await _harness(tmp_path / "data", clock, api, frozenset({ADMIN_ID}))
    async with application:
        yield Harness(application, api, store, clock)
    await store.close()


class TestStatsChatAction:
    async def test_the_admin_sees_sending_a_photo_while_the_chart_is_drawn(self, bot: Harness) -> None:
        """/stats sends the "upload_photo" chat action to the admin before the chart arrives."""
        await bot.text("党小组")
        await bot.text("/stats", user=ADMIN)
        names = [name for name, _ in bot.api.calls]
        assert "sendChatAction" in names
        assert names.index("sendChatAction") < names.index("sendPhoto")
        (action, *_) = bot.api.sent("sendChatAction")
        assert (int(action["chat_id"]), action["action"]) == (ADMIN_ID, "upload_photo")
