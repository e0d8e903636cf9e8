"""The /stats chart: questions per day stacked by outcome, and the most asked measures, as a PNG.

matplotlib (Agg backend) is imported only here, when a chart is drawn; the running bot draws
in a short-lived process of its own (`python -m bot.ops.chart`, the data in as JSON, the PNG out),
so that its own memory never holds matplotlib. Chinese labels need a font with the
characters: the first of `CJK_FONTS` that is installed (Debian: `fonts-wqy-microhei` or
`fonts-noto-cjk`); without one, the chart is drawn with English labels rather than empty
boxes. Imports nothing from `telegram`.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import sys
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


def cjk_font() -> str | None:
    """The first installed font of `CJK_FONTS`, or None."""
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
        log.warning("no font with Chinese characters is installed (e.g. fonts-wqy-microhei); chart in English")
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


def _short(title: str, width: int = 18) -> str:
    return title if len(title) <= width else title[: width - 1] + "…"


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
    if process.returncode != 0 or not png.startswith(b"\x89PNG"):
        log.warning("chart not drawn: %s", errors.decode(errors="replace").strip().splitlines()[-1:] or "no output")
        return None
    return png


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    sys.stdout.buffer.write(draw(json.load(sys.stdin)))
