"""How the code is layered: a matching core with no Telegram in it, and no article in the code."""

from __future__ import annotations

import subprocess
import sys

import yaml

from tests.conftest import FAQ, ROOT

TELEGRAM_SIDE = {
    "admin",
    "admin_faq",
    "application",
    "buttons",
    "delivery",
    "handlers",
    "inbox",
    "markup",
    "service",
    "webhook",
}
"""The modules that speak to Telegram; every other module under bot/ is the core."""


def test_the_core_imports_without_telegram() -> None:
    """Importing every core module (all but the Telegram side) in a fresh interpreter loads no
    python-telegram-bot: the core can be used, tested and benchmarked without it."""
    core = sorted(p.stem for p in (ROOT / "bot").glob("*.py") if p.stem not in TELEGRAM_SIDE)
    assert {"answering", "matching", "knowledge", "reply", "storage", "console"} <= set(core)
    script = "; ".join(f"import bot.{name}" for name in core if name != "__main__")
    script += "; import sys; print(sorted(m for m in sys.modules if m.split('.')[0] == 'telegram'))"
    found = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


def test_the_telegram_side_is_what_it_says() -> None:
    """Each module listed as the Telegram side exists (a renamed one must be listed again)."""
    assert {p.stem for p in (ROOT / "bot").glob("*.py")} >= TELEGRAM_SIDE


def test_no_module_names_the_article() -> None:
    """The article's title, source and the bot's name are read from the FAQ's `article:` block;
    none is written into the code, so the same bot can serve another article's FAQ."""
    article = yaml.safe_load(FAQ.read_text(encoding="utf-8"))["article"]
    names = [article[field][lang] for field in ("title", "source", "bot") for lang in ("zh", "en")]
    assert all(len(name) >= 6 for name in names)
    for path in sorted((ROOT / "bot").rglob("*")):
        if path.is_file() and path.suffix in {".py", ".sql", ".txt", ".yaml"}:
            text = path.read_text(encoding="utf-8")
            named = [name for name in names if name in text]
            assert not named, f"{path.relative_to(ROOT)} names the article: {named}"


def test_no_module_loads_matplotlib_until_a_chart_is_drawn() -> None:
    """Importing the whole bot, Telegram side included, loads no matplotlib: it costs the running
    bot tens of megabytes, so only the chart process (`python -m bot.ops.chart`) imports it."""
    modules = sorted(p.stem for p in (ROOT / "bot").glob("*.py") if p.stem != "__main__")
    script = "; ".join(f"import bot.{name}" for name in modules)
    script += "; import sys; print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))"
    found = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"
