"""The terminal side: an interactive chat, batch answers, FAQ validation and evaluation.

Imports nothing from `telegram`, so the bot is useful with no token at all.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from bot.core.brain import Brain
from bot.core.decision import Decision
from bot.core.reply import Reply, render_plain
from bot.faq.knowledge import KnowledgeError, read_faq
from bot.faq.review import review
from bot.language import LANGS, Lang
from bot.ops.chart import chart_data, draw
from bot.ops.evaluation import evaluate, format_report, load_questions, sweep
from bot.ops.reporting import entry_titles, render_stats, render_unanswered, stats, to_csv, unanswered
from bot.ops.settings import Settings
from bot.storage.open import open_store
from bot.storage.sqlite import DATABASE, LEGACY
from bot.storage.store import StoreError
from bot.texts import say


def _brain(path: Path) -> Brain | None:
    try:
        return Brain.load(path)
    except KnowledgeError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return None


def chat_command(settings: Settings, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Answer questions typed at a prompt until end of input; a number picks an offered option."""
    source, out = stdin or sys.stdin, stdout or sys.stdout
    brain = _brain(settings.faq_file)
    if brain is None:
        return 1
    last: str | None = None
    interactive = source.isatty()
    article = brain.knowledge.article
    for lang in ("zh", "en"):
        print(say("console_greeting", lang, bot=article.bot.of(lang), title=article.title.of(lang),
                  example=article.examples(lang)[0]), file=out)  # fmt: skip
    offered: Sequence[str] = ()
    lang_of_offer: Lang = "zh"
    while True:
        if interactive:
            print("> ", end="", file=out, flush=True)
        try:
            line = source.readline()
        except KeyboardInterrupt:
            break
        if not line:
            break
        question = line.strip()
        if question in ("/quit", "/exit"):
            break
        if not question:
            continue
        reply: Reply | None
        if question == "/full" and last is not None:
            reply = brain.full_reply(last, lang_of_offer)
        elif question.isdigit() and 0 < int(question) <= len(offered):
            reply = brain.entry_reply(offered[int(question) - 1], lang_of_offer)
            offered = ()
        else:
            _, reply = brain.respond(question, lang_of_offer)
            offered = [option.id for option in reply.options]
            lang_of_offer = reply.lang
        if reply is not None:
            last = reply.entry_id or last
            hint = "\n(/full)" if reply.more else ""
            print(render_plain(reply) + hint + "\n", file=out, flush=True)
    return 0


def _as_json(decision: Decision, reply: Reply) -> str:
    best = decision.best
    gap = decision.gap
    missing = None
    if gap is not None:
        missing = (
            gap.term.name(decision.lang) if gap.term else gap.detail.name(decision.lang) if gap.detail else "number"
        )
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
    brain = _brain(settings.faq_file)
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
    settings: Settings, tuning: Path, heldout: Path, *, misses: bool, sweep_thresholds: bool, show_heldout: bool
) -> int:
    """Print accuracy on the tuning set, and on the held-out set only when asked for."""
    brain = _brain(settings.faq_file)
    if brain is None:
        return 1
    print(f"tuning: {brain.matcher.tuning}")
    parts = [("tuning", tuning)] + ([("held-out", heldout)] if show_heldout else [])
    for name, path in parts:
        questions = load_questions(path)
        report = evaluate(brain, questions)
        # the held-out part is never looked at question by question: only its figures are shown
        shown = misses and name == "tuning"
        print(format_report(f"{name} ({path}, {len(questions)} questions)", report, show_misses=shown))
    if sweep_thresholds:
        best, tally = sweep(brain.matcher, load_questions(tuning))
        print(
            f"best cut-offs on the tuning part: answer={best.answer} margin={best.margin} ask={best.ask} "
            f"unknown_word={best.unknown_word} unknown_char={best.unknown_char} min_evidence={best.min_evidence}"
        )
        print(f"  right {tally.correct}/{tally.answerable}, handled {tally.handled}/{tally.rest}, "
              f"confident wrong {tally.confident_wrong}/{tally.total}")  # fmt: skip
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
    brain = _brain(settings.faq_file)
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
        print(render_stats(summary, titles) + "\n\n" + render_unanswered(groups, titles))
    return 0
