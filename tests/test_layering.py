"""How the code is layered: folders stacked in floors, a core with no front end in it, no import
cycles, and no article in the code.

The floors, lowest first (a folder may import its own floor and the ones below, never above):
the shared words (`bot.language`, `bot.texts`), the FAQ, the answering core, storage, the
conversation layer, operations, the front ends, which never import each other, and the host on
top (the process that serves them). `bot.__main__` sits above everything.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import yaml

from bot.core.brain import Brain
from tests.conftest import ARTICLE, FAQ, ROOT

FLOORS: tuple[frozenset[str], ...] = (
    frozenset({"language", "texts"}),
    frozenset({"faq"}),
    frozenset({"core"}),
    frozenset({"storage"}),
    frozenset({"conversation"}),
    frozenset({"ops"}),
    frozenset({"tg", "web", "wechat"}),
    frozenset({"host"}),
)
"""Each floor may import the floors below it; a front end imports no other front end, and only the host
above them all composes them."""
FRONT_ENDS = FLOORS[-2]
CORE_MAY_NOT_LOAD = ("telegram", "starlette", "uvicorn", "matplotlib", "psycopg", "sqlite3")
"""What the FAQ and the answering core never load: a front end's library, a chart, a database."""
MAX_TOP_MODULES = 8


def _modules() -> dict[str, Path]:
    """Every module of the bot package by dotted name."""
    found = {}
    for path in sorted((ROOT / "bot").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The bot modules a file imports anywhere in it, deferred and type-checking imports included."""
    named: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            named |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            named.add(node.module)
            named |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in named if name in modules}


def _folder(module: str) -> str:
    """The room a module lives in: its subpackage, or its own name at the top of `bot`."""
    return module.split(".")[1] if "." in module else "__init__"


def _floor(folder: str) -> int:
    for number, floor in enumerate(FLOORS):
        if folder in floor:
            return number
    return len(FLOORS) if folder == "__main__" else -1


class TestRooms:
    """The tree shows the architecture."""

    def test_every_module_lives_on_a_known_floor(self) -> None:
        """A new folder or top-level module must be given its floor here before it can be used."""
        unplaced = sorted(m for m in _modules() if m != "bot" and _floor(_folder(m)) < 0)
        assert unplaced == []

    def test_no_folder_imports_a_floor_above_it_or_another_front_end(self) -> None:
        """Imports go down the floors only; Telegram, the web page and WeChat never import each other."""
        modules = _modules()
        wrong = []
        for module, path in modules.items():
            mine = _folder(module)
            for imported in _imports(path, modules):
                theirs = _folder(imported)
                if imported == "bot" or theirs == mine:
                    continue
                above = _floor(theirs) > _floor(mine)
                sideways = mine in FRONT_ENDS and theirs in FRONT_ENDS
                if above or sideways:
                    wrong.append(f"{module} imports {imported}")
        assert wrong == []

    def test_there_are_no_import_cycles_not_even_deferred_ones(self) -> None:
        """No module reaches itself through imports, counting imports inside functions and under
        TYPE_CHECKING: those still tie two modules together."""
        modules = _modules()
        graph = {module: _imports(path, modules) - {module, "bot"} for module, path in modules.items()}
        state: dict[str, int] = defaultdict(int)  # 0 new, 1 on the path, 2 done
        cycles: list[str] = []

        def visit(module: str, path: list[str]) -> None:
            state[module] = 1
            for imported in sorted(graph[module]):
                if state[imported] == 1:
                    cycles.append(" -> ".join([*path[path.index(imported) :], imported]))
                elif state[imported] == 0:
                    visit(imported, [*path, imported])
            state[module] = 2

        for module in sorted(graph):
            if state[module] == 0:
                visit(module, [module])
        assert cycles == []

    def test_the_top_of_the_package_stays_small(self) -> None:
        """At most eight modules sit directly in `bot/`; everything else lives in a room."""
        top = sorted(p.name for p in (ROOT / "bot").glob("*.py"))
        assert len(top) <= MAX_TOP_MODULES, top

    def test_the_package_docstring_maps_every_room(self) -> None:
        """`bot/__init__.py` names each folder, so a newcomer finds the map where the code starts."""
        doc = ast.get_docstring(ast.parse((ROOT / "bot" / "__init__.py").read_text(encoding="utf-8"))) or ""
        rooms = sorted(p.parent.name for p in (ROOT / "bot").glob("*/__init__.py"))
        assert rooms
        missing = [room for room in rooms if f"bot/{room}/" not in doc]
        assert missing == []


def test_the_core_loads_no_front_end_chart_or_database() -> None:
    """Importing the FAQ and the answering core in a fresh interpreter loads no Telegram, no web
    framework, no matplotlib and no database driver: the core is used, tested and benchmarked alone."""
    core = sorted(m for m in _modules() if _folder(m) in {"faq", "core", "language", "texts"})
    assert {"bot.core.brain", "bot.core.matching", "bot.faq.knowledge"} <= set(core)
    script = "; ".join(f"import {name}" for name in core)
    script += f"; import sys; print(sorted(m for m in sys.modules if m.split('.')[0] in {CORE_MAY_NOT_LOAD!r}))"
    found = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


def test_no_module_names_the_article() -> None:
    """The article's title, source and the bot's name are read from the FAQ's `article:` block;
    none is written into the code, so the same bot can serve another article's FAQ."""
    article = yaml.safe_load(FAQ.read_text(encoding="utf-8"))["article"]
    names = [article[field][lang] for field in ("title", "source", "bot") for lang in ("zh", "en")]
    assert all(len(name) >= 6 for name in names)
    for path in sorted((ROOT / "bot").rglob("*")):
        if path.is_file() and path.suffix in {".py", ".sql", ".txt", ".yaml", ".html", ".js", ".css"}:
            text = path.read_text(encoding="utf-8")
            named = [name for name in names if name in text]
            assert not named, f"{path.relative_to(ROOT)} names the article: {named}"


def _article_strings() -> tuple[set[str], set[str], set[str]]:
    """What only this article says: its figures of three digits or more, its example questions (the
    FAQ's and the article block's, both languages), and the FAQ's Chinese terms of three characters
    or more that stand in the article's own text (党小组, 星创天地)."""
    brain = Brain.load(FAQ)
    knowledge = brain.knowledge
    article = ARTICLE.read_text(encoding="utf-8")
    figures = {f.value for e in knowledge.entries for f in e.figures if len(f.value.replace(".", "")) >= 3}
    asked = [q for e in knowledge.entries for q in (*e.questions, *e.en.questions)]
    asked += [q for lang in ("zh", "en") for q in knowledge.article.examples(lang)]
    questions = {q.rstrip("？?。.!！").lower() for q in asked if len(q) >= 4}
    terms: set[str] = set()
    for entry in knowledge.entries:
        terms |= {entry.title, *entry.keywords, *(f.what for f in entry.figures), *(u.zh for u in entry.unexplained)}
        for listed in entry.lists:
            terms |= {listed.name, *listed.items}
    chinese = {t for t in terms if len(t) >= 3 and re.fullmatch(r"[\u4e00-\u9fff]+", t) and t in article}
    return figures, questions, chinese


def test_no_code_writes_the_articles_figures_questions_or_terms() -> None:
    """Interface texts and code take examples and facts from the FAQ, never write them in: no string in
    the code (docstrings aside) holds one of the article's figures (875), example questions (沈腾是谁,
    "How many Party groups are there?") or terms (党小组)."""
    figures, questions, terms = _article_strings()
    assert figures
    assert questions
    assert terms
    found = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Constant) or not isinstance(node.value, str) or id(node) in docstrings:
                continue
            text = node.value
            named = [f for f in figures if re.search(rf"(?<![\d.]){re.escape(f)}(?![\d.])", text)]
            named += [q for q in questions if q in text.lower()]
            named += [t for t in terms if t in text]
            if named:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {named}")
    assert found == []


def _loaded_by_the_whole_bot(package: str) -> str:
    """The modules of `package` that importing every module of the bot loads, in a fresh interpreter."""
    modules = sorted(m for m in _modules() if not m.endswith("__main__"))
    script = "; ".join(f"import {name}" for name in modules)
    script += f"; import sys; print(sorted(m for m in sys.modules if m.split('.')[0] == {package!r}))"
    found = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    return found.stdout.strip()


def test_no_module_loads_matplotlib_until_a_chart_is_drawn() -> None:
    """Importing the whole bot, front ends included, loads no matplotlib: it costs the running bot
    tens of megabytes, so only the chart process (`python -m bot.ops.chart`) imports it."""
    assert _loaded_by_the_whole_bot("matplotlib") == "[]"


def test_the_telegram_bot_loads_no_wechat_until_it_is_set_up() -> None:
    """`python -m bot run` without WECHAT_TOKEN loads no wechatpy (nor the requests it brings): about
    7.6 MB of the running bot's memory; the WeChat front end is imported when it is set up."""
    script = (
        "import bot.__main__, bot.host.run, sys; print(sorted(m for m in sys.modules if m.split('.')[0] == 'wechatpy'))"
    )
    found = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


def test_no_module_loads_cryptography() -> None:
    """Importing the whole bot, Telegram and WeChat included, loads no `cryptography`: python-telegram-bot
    imports it whenever it is installed (for Telegram Passport, which the bot does not use), at about
    6.5 MB, so WeChat's AES comes from pycryptodome and nothing the bot depends on installs it."""
    assert _loaded_by_the_whole_bot("cryptography") == "[]"
