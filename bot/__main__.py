"""The command line: `python -m bot chat|ask|validate|eval|run|web|health|report|diff|teach` (also installed as
`faqbot`).

Only parses arguments, reads settings and hands over; the work is done elsewhere.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.ops.cli import (
    ask_command,
    chat_command,
    diff_command,
    eval_command,
    followups_command,
    report_command,
    teach_command,
    validate_command,
)
from bot.ops.evaluation import PARTS, part_files
from bot.ops.health import check as check_health
from bot.ops.settings import Settings, SettingsError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="faqbot",
        description="Answers questions about one article from a hand-written FAQ, on Telegram or in the terminal.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("chat", help="ask questions in the terminal, as on Telegram")
    ask = commands.add_parser("ask", help="answer the questions given, or one per line from stdin")
    ask.add_argument("--json", action="store_true", help="one JSON object per line per question")
    ask.add_argument("questions", nargs="*", metavar="QUESTION")
    validate = commands.add_parser("validate", help="check an FAQ file; exit 1 and list every problem if bad")
    validate.add_argument("path", nargs="?", type=Path, help="the FAQ file (default: FAQ_FILE or knowledge/faq.yaml)")
    evaluate = commands.add_parser("eval", help="accuracy on the written question sets")
    for part, flag in (("tuning", "--tuning"), ("held-out", "--heldout"), ("sealed", "--sealed")):
        evaluate.add_argument(
            flag,
            type=Path,
            action="append",
            metavar="FILE",
            help=f"a file of the {part} part, repeatable (default: {', '.join(PARTS[part])} under tests/eval)",
        )
    evaluate.add_argument("--misses", action="store_true", help="list every tuning question not handled right")
    evaluate.add_argument("--sweep", action="store_true", help="search thresholds on the tuning part only")
    evaluate.add_argument(
        "--heldout-figures", action="store_true", help="also print the held-out part's figures (never its questions)"
    )
    evaluate.add_argument(
        "--sealed-figures",
        action="store_true",
        help="print only the sealed part's figures and follow-up figures, once, at the end of a round "
        "(never its questions)",
    )
    commands.add_parser("run", help="start the Telegram bot (needs TELEGRAM_BOT_TOKEN)")
    commands.add_parser("web", help="serve the web chat page on WEB_HOST:WEB_PORT (no token needed)")
    report = commands.add_parser("report", help="statistics and unanswered questions from DATA_DIR")
    report.add_argument("--days", type=int, default=7, help="how far back to look (default 7)")
    report.add_argument("--csv", action="store_true", help="one CSV table instead of text")
    report.add_argument("--png", type=Path, metavar="FILE", help="also write the /stats chart to FILE")
    compare = commands.add_parser("diff", help="review an FAQ file against another, as an admin's upload is reviewed")
    compare.add_argument("old", type=Path, help="the FAQ in use")
    compare.add_argument("new", type=Path, help="the candidate")
    compare.add_argument("--lang", choices=["zh", "en"], default="zh", help="the review's language (default zh)")
    teach = commands.add_parser(
        "teach", help="list what the bot could not answer; or file a question under an entry in FAQ_FILE"
    )
    teach.add_argument("question", nargs="?", metavar="QUESTION", help="the question to file (omit to list)")
    teach.add_argument("--entry", metavar="ID", help="file it as an example question of this entry")
    teach.add_argument("--declined", action="store_true", help="file it as a question the article does not answer")
    teach.add_argument("--lang", choices=["zh", "en"], help="the question's language (default: as written)")
    teach.add_argument("--days", type=int, default=7, help="how far back to list (default 7)")
    commands.add_parser("health", help="exit 0 when the running bot is alive, has its FAQ and reached the Bot API")
    return parser


def _shown_parts(*, sealed: bool, held_out: bool) -> tuple[str, ...]:
    """The parts `eval` reports: the sealed one alone, else tuning (with held out when asked)."""
    if sealed:
        return ("sealed",)
    return ("tuning", "held-out") if held_out else ("tuning",)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status."""
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"faqbot: {error}", file=sys.stderr)
        return 2
    # with no command: the bot when there is a token, else the console
    command = args.command or ("run" if settings.token else "chat")
    commands: dict[str, Callable[[], int]] = {
        "chat": lambda: chat_command(settings),
        "ask": lambda: ask_command(settings, args.questions, as_json=args.json),
        "validate": lambda: validate_command(args.path or settings.faq_file),
        "eval": lambda: _eval(settings, args),
        "health": lambda: health_command(settings),
        "report": lambda: report_command(settings, days=args.days, as_csv=args.csv, png=args.png),
        "diff": lambda: diff_command(args.old, args.new, args.lang),
        "teach": lambda: teach_command(
            settings, args.question, entry=args.entry, declined=args.declined, lang=args.lang, days=args.days
        ),
        "run": lambda: _run(settings),
        "web": lambda: _web(settings),
    }
    return commands[command]()


def _eval(settings: Settings, args: argparse.Namespace) -> int:
    """`eval`: the questions' figures, then the follow-ups' of the same parts and files."""
    parts = {
        "tuning": args.tuning or part_files("tuning"),
        "held-out": args.heldout or part_files("held-out"),
        "sealed": args.sealed or part_files("sealed"),
    }
    show = _shown_parts(sealed=args.sealed_figures, held_out=args.heldout_figures)
    misses = args.misses and not args.sealed_figures
    sweep = args.sweep and not args.sealed_figures
    return eval_command(settings, parts, misses=misses, sweep_thresholds=sweep, show=show) or followups_command(
        settings, parts, misses=misses, show=show
    )


def health_command(settings: Settings) -> int:
    """Exit 0 and say so when the running bot is healthy, else exit 1 and say why."""
    healthy, reason = check_health(settings.data_dir)
    print(reason, file=sys.stdout if healthy else sys.stderr)
    return 0 if healthy else 1


def _run(settings: Settings) -> int:
    from bot.host.run import run_command  # noqa: PLC0415 - the Telegram stack is loaded only to run the bot

    return run_command(settings)


def _web(settings: Settings) -> int:
    from bot.host.web import web_command  # noqa: PLC0415 - the web stack is loaded only to serve the page

    return web_command(settings)


def entry_point() -> int:
    """`faqbot` and `python -m bot`: main(), quiet when the reader of our output goes away."""
    try:
        return main()
    except BrokenPipeError:
        # `faqbot ask ... | head`: the pipe closed; stop without a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(entry_point())
