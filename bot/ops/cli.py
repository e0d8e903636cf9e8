"""The terminal side: an interactive chat, batch answers, FAQ validation and evaluation, usage
reports, and teaching the FAQ from the questions it could not answer.

The chat is a front end like Telegram: it goes through the conversation layer and keeps no state
of its own. Imports nothing from `telegram`, so the bot is useful with no token at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shlex
import sys
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from bot.conversation.replies import plain_text
from bot.conversation.state import Who
from bot.conversation.turns import Conversation
from bot.core.brain import Brain
from bot.core.cache import FOLDER, Cache
from bot.core.decision import Decision
from bot.core.normalise import detect_language
from bot.core.reply import Reply, render_plain
from bot.faq.knowledge import KnowledgeError, read_faq
from bot.faq.reloading import LOCK_FILE, file_lock, write_atomically
from bot.faq.review import review
from bot.faq.teaching import Lesson, TeachingError, check, file_lessons
from bot.language import LANGS, Lang
from bot.ops.chart import chart_data, draw
from bot.ops.evaluation import evaluate, format_report, load_part, sweep
from bot.ops.followups import evaluate_followups, format_followups, load_followups
from bot.ops.reporting import downvoted, entry_titles, render_stats, render_unanswered, stats, to_csv, unanswered
from bot.ops.settings import Settings
from bot.storage.open import open_store
from bot.storage.sqlite import DATABASE, LEGACY
from bot.storage.store import StoreError
from bot.texts import say


def _brain(path: Path, data_dir: Path | None = None) -> Brain | None:
    """The FAQ at `path`, read back from the cache under `data_dir` when it was built and checked before."""
    try:
        return Brain.load(path, cache=Cache(data_dir / FOLDER) if data_dir is not None else None)
    except KnowledgeError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return None


CONSOLE = Who("console", "terminal", "local", buttons=False)
"""The console's one conversation: no buttons, so options are numbered lines and a typed number picks."""


def chat_command(settings: Settings, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Answer messages typed at a prompt until end of input, through the same conversation layer as
    Telegram: numbers pick, 详细点 gives the full text, 那茶叶呢 follows on."""
    brain = _brain(settings.faq_file, settings.data_dir)
    if brain is None:
        return 1
    return asyncio.run(_chat(settings, brain, stdin or sys.stdin, stdout or sys.stdout))


async def _chat(settings: Settings, brain: Brain, source: TextIO, out: TextIO) -> int:
    try:
        store = await open_store(settings.data_dir, settings.database_url)
    except StoreError as error:
        print(f"faqbot: {error}", file=sys.stderr)
        return 1
    conversation = Conversation(lambda: brain, store)
    interactive = source.isatty()
    article = brain.knowledge.article
    for lang in ("zh", "en"):
        print(say("console_greeting", lang, bot=article.bot.of(lang), title=article.title.of(lang),
                  example=article.examples(lang)[0]), file=out)  # fmt: skip
    try:
        while True:
            if interactive:
                print("> ", end="", file=out, flush=True)
            try:
                line = await asyncio.to_thread(source.readline)
            except KeyboardInterrupt:
                break
            if not line:
                break
            message = line.strip()
            if message in ("/quit", "/exit"):
                break
            if message:
                said = await conversation.hear(CONSOLE, message)
                print(plain_text(said) + "\n", file=out, flush=True)
    finally:
        await store.close()
    return 0


def _as_json(decision: Decision, reply: Reply) -> str:
    best = decision.best
    gap = decision.gap
    missing = None
    if gap is not None:  # the term left unexplained, or what was asked in the question's own words
        missing = gap.term.name(decision.lang) if gap.term else gap.asked
    return json.dumps(
        {
            "question": decision.question,
            "kind": decision.kind,
            "matched": decision.kind == "answer",
            "answer": render_plain(reply),
            "id": decision.answered.id if decision.answered else None,
            "title": reply.title or None,
            "score": best.score if best else 0.0,
            "lang": decision.lang,
            "verdict": decision.verdict,
            "missing": missing,
            "suggestions": [
                {"id": c.entry.id, "title": c.entry.title_in(decision.lang), "score": c.score}
                for c in decision.candidates
            ],
        },
        ensure_ascii=False,
    )


def ask_command(settings: Settings, questions: Iterable[str], *, as_json: bool, stdin: TextIO | None = None) -> int:
    """Answer each question given, or each line of standard input when none are."""
    brain = _brain(settings.faq_file, settings.data_dir)
    if brain is None:
        return 1
    asked = list(questions) or [line.rstrip("\n") for line in (stdin or sys.stdin)]
    for question in asked:
        if not question.strip():
            continue
        decision, reply = brain.respond(question)
        print(_as_json(decision, reply) if as_json else f"? {question}\n{render_plain(reply)}\n", flush=True)
    return 0


def validate_command(path: Path) -> int:
    """Check one FAQ file: a summary line and exit 0, or every problem and exit 1."""
    brain = _brain(path)
    if brain is None:
        return 1
    knowledge = brain.knowledge
    figures = sum(len(e.figures) for e in knowledge.entries)
    questions = sum(len(e.questions) + len(e.en.questions) for e in knowledge.entries)
    print(
        f"{path}: ok: {len(knowledge.entries)} entries, {len(knowledge.lines)} lines of work, "
        f"{figures} figures, {questions} example questions"
    )
    return 0


def eval_command(
    settings: Settings,
    parts: Mapping[str, Sequence[Path]],
    *,
    misses: bool,
    sweep_thresholds: bool,
    show: Sequence[str] = ("tuning",),
) -> int:
    """Print accuracy on the parts named in `show`; questions one by one only for the tuning part."""
    brain = _brain(settings.faq_file, settings.data_dir)
    if brain is None:
        return 1
    print(f"tuning: {brain.matcher.tuning}")
    for name in show:
        paths = parts[name]
        questions = load_part(paths)
        report = evaluate(brain, questions)
        # the held-out and sealed parts are never looked at question by question: only their figures are shown
        shown = misses and name == "tuning"
        where = ", ".join(str(path) for path in paths)
        print(format_report(f"{name} ({where}, {len(questions)} questions)", report, show_misses=shown))
    if sweep_thresholds:
        best, tally = sweep(brain.matcher, load_part(parts["tuning"]))
        print(
            f"best cut-offs on the tuning part: answer={best.answer} margin={best.margin} ask={best.ask} "
            f"unknown_word={best.unknown_word} unknown_char={best.unknown_char} min_evidence={best.min_evidence}"
        )
        print(f"  right {tally.correct}/{tally.answerable}, handled {tally.handled}/{tally.rest}, "
              f"confident wrong {tally.confident_wrong}/{tally.total}")  # fmt: skip
    return 0


def followups_command(
    settings: Settings, parts: Mapping[str, Sequence[Path]], *, misses: bool, show: Sequence[str] = ("tuning",)
) -> int:
    """Print the follow-up figures (two turns through the conversation layer) of the parts named in
    `show`; pairs one by one only for the tuning part."""
    brain = _brain(settings.faq_file, settings.data_dir)
    if brain is None:
        return 1
    for part in show:
        followups = load_followups(parts[part])
        if not followups:
            continue
        report = evaluate_followups(brain, followups)
        # only the tuning part is ever shown pair by pair
        name = f"{part} follow-ups ({len(followups)} pairs, second turn)"
        print(format_followups(name, report, show_misses=misses and part == "tuning"))
    return 0


def diff_command(old: Path, new: Path, lang: Lang) -> int:
    """Review NEW against OLD as an admin's upload is reviewed: exit 0 if NEW would load, else 1."""
    base = _brain(old)
    if base is None:
        return 2
    try:
        raw = read_faq(new)
    except KnowledgeError as error:
        print(error.problems[0], file=sys.stderr)
        return 1
    result = review(base.knowledge, raw, str(new), Brain.parse)
    print("\n".join(result.lines(lang)))
    return 0 if result.ok else 1


def report_command(settings: Settings, *, days: int, as_csv: bool, png: Path | None = None) -> int:
    """Print what /stats and /unanswered show, for the last `days` days, as text or CSV; with `png`,
    also write the /stats chart there."""
    if days < 1:
        print(f"faqbot: --days {days}: give a number of days of 1 or more", file=sys.stderr)
        return 2
    database = settings.data_dir / DATABASE
    if not settings.database_url and not database.exists() and not (settings.data_dir / LEGACY).exists():
        print(
            f"faqbot: no database at {database}: DATA_DIR chooses where the bot keeps it; "
            "point DATA_DIR at the running bot's data directory",
            file=sys.stderr,
        )
        return 1
    return asyncio.run(_report(settings, days=days, as_csv=as_csv, png=png))


async def _report(settings: Settings, *, days: int, as_csv: bool, png: Path | None) -> int:
    try:
        store = await open_store(settings.data_dir, settings.database_url)
    except StoreError as error:
        print(f"faqbot: {error}", file=sys.stderr)
        return 1
    try:
        since = store.clock() - timedelta(days=days)
        events = await store.events.since(since)
        votes = await store.votes.since(since)
    finally:
        await store.close()
    titles: dict[str, str] = {}
    brain = _brain(settings.faq_file, settings.data_dir)
    if brain is not None:
        titles = entry_titles(brain.knowledge)
    summary, groups = stats(events, votes, since), unanswered(events)
    if png is not None:
        both = {lang: entry_titles(brain.knowledge, lang) for lang in LANGS} if brain is not None else {}
        try:
            png.write_bytes(draw(chart_data(summary, both, "zh", store.clock().date())))
        except OSError as error:
            print(f"faqbot: cannot write the chart to {png}: {error.strerror}", file=sys.stderr)
            return 1
    if as_csv:
        sys.stdout.write(to_csv(summary, groups))
    else:
        print(render_stats(summary, titles) + "\n\n" + render_unanswered(groups, titles, "zh", downvoted(votes)))
    return 0


def teach_command(
    settings: Settings,
    question: str | None,
    *,
    entry: str | None,
    declined: bool,
    lang: Lang | None,
    days: int,
) -> int:
    """Without a question: what the bot could not answer lately, with the entries each could go under.
    With one: file it under `entry` (or as not in the article) in FAQ_FILE, after the same review and
    self-check as an upload; exit 1, with the reason, when it would not pass."""
    if question is None:
        return asyncio.run(_teach_list(settings, days))
    if (entry is None) == (not declined):
        print("faqbot: teach QUESTION needs --entry ID or --declined (not both)", file=sys.stderr)
        return 2
    return _teach_file(settings, Lesson(question, lang or detect_language(question) or "zh", entry))


def _teach_file(settings: Settings, lesson: Lesson) -> int:
    path = settings.faq_file
    brain = _brain(path)
    if brain is None:
        return 1
    try:
        check(brain.knowledge, lesson)
        raw = read_faq(path)
        taught = file_lessons(raw, [lesson])
    except TeachingError as error:
        print(f"faqbot: {error.reason('en')}", file=sys.stderr)
        return 1
    except KnowledgeError as error:
        print(error.problems[0], file=sys.stderr)
        return 1
    result = review(brain.knowledge, taught, str(path), Brain.parse)
    print("\n".join(result.lines("en")))
    if not result.ok:
        return 1
    return asyncio.run(_teach_write(settings, raw, taught))


async def _teach_write(settings: Settings, before: bytes, taught: bytes) -> int:
    """Write the taught FAQ over FAQ_FILE, under the lock the running bot's applies take, unless the file
    changed since it was read."""
    path = settings.faq_file
    try:
        async with file_lock(settings.data_dir / LOCK_FILE) if settings.data_dir.is_dir() else _unlocked():
            if read_faq(path) != before:
                print(f"faqbot: {path} changed while it was checked; run the command again", file=sys.stderr)
                return 1
            write_atomically(path.resolve(), taught)
    except (KnowledgeError, OSError) as error:
        print(f"faqbot: {path} not written: {error}", file=sys.stderr)
        return 1
    print(f"{path}: filed; a running bot loads it within a few seconds (then /history shows it)")
    return 0


@contextlib.asynccontextmanager
async def _unlocked() -> AsyncIterator[None]:
    yield


async def _teach_list(settings: Settings, days: int) -> int:
    if settings.database_url is None and not (settings.data_dir / DATABASE).exists():
        print(
            f"faqbot: no database at {settings.data_dir / DATABASE}: point DATA_DIR at the bot's data", file=sys.stderr
        )
        return 1
    brain = _brain(settings.faq_file)
    if brain is None:
        return 1
    try:
        store = await open_store(settings.data_dir, settings.database_url)
    except StoreError as error:
        print(f"faqbot: {error}", file=sys.stderr)
        return 1
    try:
        since = store.clock() - timedelta(days=days)
        events = await store.events.since(since, ("unanswered", "asked_back"))
        votes = await store.votes.since(since)
    finally:
        await store.close()
    groups, downs = unanswered(events), downvoted(votes)
    asked = [(g.question, g.lang, f"{g.count}×", None) for g in groups] + [
        (d.question, d.lang, f"{d.people}👎", d.entry_id) for d in downs
    ]
    if not asked:
        print(say("unanswered_none", "en"))
        return 0
    for number, (question, lang, count, got) in enumerate(asked, 1):
        print(f"{number}. {count} {question}" + (f"  (answered with {got})" if got else ""))
        ranked = [c.entry for c in brain.matcher.rank(question, lang).candidates if c.entry.id != got][:3]
        for entry in ranked:
            print(f"     --entry {entry.id:<22} {entry.title_in(lang)}")
        print(f"   python -m bot teach {shlex.quote(question)} --entry ID   (or --declined)")
    return 0
