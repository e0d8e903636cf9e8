"""The /stats chart: questions per day stacked by outcome, and the most asked measures, as a PNG.

matplotlib (Agg backend) is imported only here, when a chart is drawn; the running bot draws
in a short-lived process of its own (`python -m bot.ops.chart`, the data in as JSON, the PNG out),
so that its own memory never holds matplotlib. Chinese labels need a font with the
characters: the first of `CJK_FONTS` that is installed (Debian: `fonts-wqy-microhei` or
`fonts-noto-cjk`). matplotlib keeps the list of the system's fonts in a cache; a font installed
after the list was made is added to it. Without such a font the chart is drawn with English
labels rather than empty boxes, and the bot says so once at start-up (`find_font_elsewhere`) and
in the log of each chart drawn. Imports nothing from `telegram`.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import os
import sys
import textwrap
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from bot.language import Lang
from bot.ops.reporting import Stats
from bot.texts import say

log = logging.getLogger(__name__)

WIDTH, HEIGHT, DPI = 1200, 800, 100
"""The PNG's size in pixels, and the resolution it is drawn at."""
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)
"""Fonts with the Chinese characters, in order of preference."""
OUTCOMES = (("answered", "stats_answered", "#4c9a6a"), ("asked_back", "stats_asked_back", "#e0a43a"),
            ("unanswered", "stats_declined", "#c8553d"))  # fmt: skip
"""The stacked outcomes: event kind, their name in `bot.texts`, colour."""
DRAW_WAIT = 30.0
"""Seconds the bot waits for the chart process."""


def chart_data(report: Stats, titles: Mapping[Lang, Mapping[str, str]], lang: Lang, until: date) -> dict[str, Any]:
    """What the chart shows, as JSON-ready data: every day of the period up to `until` (quiet days
    too), the most asked measures, their titles in both languages."""
    counted = dict(report.per_day)
    first = min([report.since.date(), *counted])
    days = [first + timedelta(days=offset) for offset in range((max([until, *counted]) - first).days + 1)]
    return {
        "lang": lang,
        "since": f"{report.since:%Y-%m-%d}",
        "days": [
            [f"{day:%Y-%m-%d}", {kind: counted[day].get(kind, 0) if day in counted else 0 for kind, _, _ in OUTCOMES}]
            for day in days
        ],
        "top": [[entry, count] for entry, count in report.top],
        "titles": {language: dict(names) for language, names in titles.items()},
    }


NO_FONT = (
    "no font with Chinese characters is installed for the /stats chart (Debian: apt-get install "
    "fonts-wqy-microhei); charts for Chinese admins are drawn with English labels"
)


def cjk_font() -> str | None:
    """The first installed font of `CJK_FONTS`, or None. When none is in matplotlib's cached list of the
    system's fonts but the system has font files the list lacks (installed after it was made), they
    are added and the list saved again."""
    from matplotlib import font_manager  # noqa: PLC0415 - matplotlib only where charts are drawn

    found = _first_cjk()
    if found is not None:
        return found
    manager = font_manager.fontManager
    known = {entry.fname for entry in manager.ttflist}
    fresh = [path for path in font_manager.findSystemFonts() if path not in known]
    if not fresh:
        return None
    for path in fresh:
        with contextlib.suppress(Exception):  # a file FreeType cannot read is skipped, as matplotlib does
            manager.addfont(path)
    found = _first_cjk()
    if found is not None:
        log.info("matplotlib's font list was stale: %d font file(s) added, %s among them", len(fresh), found)
        with contextlib.suppress(OSError):
            from matplotlib import get_cachedir  # noqa: PLC0415

            cache = f"{get_cachedir()}/fontlist-v{font_manager.FontManager.__version__}.json"
            font_manager.json_dump(manager, cache)
    return found


def _first_cjk() -> str | None:
    from matplotlib import font_manager  # noqa: PLC0415 - matplotlib only where charts are drawn

    for family in CJK_FONTS:
        try:
            font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        except ValueError:
            continue
        return family
    return None


def draw(data: Mapping[str, Any]) -> bytes:
    """The chart as PNG bytes, WIDTH x HEIGHT pixels."""
    import matplotlib  # noqa: PLC0415 - matplotlib only where charts are drawn

    matplotlib.use("Agg")
    from matplotlib.figure import Figure  # noqa: PLC0415

    lang: Lang = "zh" if data.get("lang") == "zh" else "en"
    font = cjk_font() if lang == "zh" else None
    if lang == "zh" and font is None:
        log.warning("%s", NO_FONT)
        lang = "en"
    if font is not None:
        matplotlib.rcParams["font.family"] = [font, "DejaVu Sans"]
    titles = data.get("titles", {}).get(lang, {})
    figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, layout="constrained")
    figure.suptitle(say("chart_title", lang, since=data.get("since", "")), fontsize=16)
    days_axis, top_axis = figure.subplots(1, 2, width_ratios=(3, 2))
    _days(days_axis, data.get("days", []), lang)
    _top(top_axis, data.get("top", []), titles, lang)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def _days(axis: Any, days: list[Any], lang: Lang) -> None:
    labels = [date.fromisoformat(day).strftime("%m-%d") for day, _ in days]
    bottom = [0] * len(days)
    for kind, name, colour in OUTCOMES:
        counts = [int(counts.get(kind, 0)) for _, counts in days]
        axis.bar(labels, counts, bottom=bottom, label=say(name, lang), color=colour)
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    axis.set_title(say("chart_days", lang))
    axis.set_xlabel(say("chart_day_axis", lang))
    axis.set_ylabel(say("chart_questions_axis", lang))
    axis.legend(loc="upper left")
    if not days:
        axis.text(0.5, 0.5, say("chart_empty", lang), ha="center", va="center", transform=axis.transAxes)


def _top(axis: Any, top: list[Any], titles: Mapping[str, str], lang: Lang) -> None:
    names = [_short(titles.get(entry, entry)) for entry, _ in top][::-1]
    counts = [int(count) for _, count in top][::-1]
    axis.barh(names, counts, color="#4c7a9a")
    axis.set_title(say("chart_top", lang))
    axis.set_xlabel(say("chart_answers_axis", lang))
    if not top:
        axis.text(0.5, 0.5, say("chart_empty", lang), ha="center", va="center", transform=axis.transAxes)


def _short(title: str) -> str:
    """A measure's title as a bar's label: on at most two lines, wrapped by width (wider for English)."""
    width = 14 if any("\u4e00" <= char <= "\u9fff" for char in title) else 28
    return textwrap.fill(title, width, max_lines=2, placeholder="…")


async def draw_elsewhere(data: Mapping[str, Any]) -> bytes | None:
    """Draw in a process of its own (the bot's memory never holds matplotlib); None if that fails."""
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.ops.chart",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
    except OSError as error:
        log.warning("chart not drawn: %s", error)
        return None
    try:
        png, errors = await asyncio.wait_for(process.communicate(json.dumps(data).encode()), DRAW_WAIT)
    except TimeoutError:
        process.kill()
        await process.wait()
        log.warning("chart not drawn within %.0f s", DRAW_WAIT)
        return None
    said = errors.decode(errors="replace").strip().splitlines()
    if process.returncode != 0 or not png.startswith(b"\x89PNG"):
        log.warning("chart not drawn: %s", said[-1] if said else "no output")
        return None
    for line in said:
        if line.startswith("WARNING"):
            log.warning("chart: %s", line.split(":", 2)[-1])
    return png


async def find_font_elsewhere() -> str | None:
    """The font the chart process would use for Chinese, found in a process of its own; logs one
    warning when there is none (or the process cannot say)."""
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.ops.chart", "--font", stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        out, _ = await asyncio.wait_for(process.communicate(), DRAW_WAIT)
    except (OSError, TimeoutError) as error:
        log.warning("the /stats chart's fonts were not checked: %s", error)
        return None
    font = out.decode(errors="replace").strip()
    if not font:
        log.warning("%s", NO_FONT)
        return None
    log.info("the /stats chart draws Chinese with the font %s", font)
    return font


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    if sys.argv[1:] == ["--font"]:
        os.nice(19)  # the start-up check gives way to the bot answering on the same machine
        print(cjk_font() or "")
    else:
        sys.stdout.buffer.write(draw(json.load(sys.stdin)))
