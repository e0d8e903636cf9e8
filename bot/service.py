"""`python -m bot run`: start the Telegram bot, by polling or by webhook, until a signal stops it.

Start-up problems (no token, a broken FAQ, an unreachable Bot API, a port in use) are
reported in one line with a non-zero exit, not a traceback.
"""

from __future__ import annotations

import logging
import sys
from urllib.parse import urlsplit

from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.answering import Brain
from bot.application import ALLOWED_UPDATES, build_application
from bot.feedback import FeedbackStore
from bot.knowledge import KnowledgeError
from bot.settings import Settings

log = logging.getLogger("bot")

POLL_TIMEOUT = 10
"""Seconds a getUpdates call waits for news (long polling)."""


class _StartupFailure(logging.Filter):
    """Drops PTB's traceback for a failed start-up: `run_command` reports it in one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Network Retry Loop (Bootstrap")


def configure_logging(level: str) -> None:
    """One line per event on standard error."""
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
        force=True,
    )
    # the HTTP client logs every request URL at INFO, and the URL holds the token
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("telegram.ext").addFilter(_StartupFailure())


class StartupError(Exception):
    """A reason the bot cannot start, in lines for the operator, with the exit status to use."""

    def __init__(self, *lines: str, status: int = 1) -> None:
        super().__init__(lines[0] if lines else "")
        self.lines = lines
        self.status = status


def run_command(settings: Settings) -> int:
    """Run the bot until SIGINT or SIGTERM; return the exit status."""
    try:
        serve(settings)
    except StartupError as error:
        for line in error.lines:
            print(line, file=sys.stderr)
        return error.status
    log.info("stopped")
    return 0


def serve(settings: Settings) -> None:
    """Load everything, then poll or serve the webhook until stopped; raise `StartupError` on a bad start."""
    if settings.token is None:
        raise StartupError(
            "faqbot: TELEGRAM_BOT_TOKEN is not set; get one from @BotFather, "
            "or try the bot without one with `python -m bot chat`",
            status=2,
        )
    configure_logging(settings.log_level)
    try:
        brain = Brain.load(settings.faq_file)
    except KnowledgeError as error:
        raise StartupError(*error.problems) from None
    try:
        feedback = FeedbackStore(settings.data_dir)
    except OSError as error:
        raise StartupError(f"faqbot: cannot use DATA_DIR {settings.data_dir}: {error.strerror or error}") from None
    application = build_application(settings, brain, feedback=feedback)
    log.info("FAQ loaded: %d entries from %s", len(brain.knowledge.entries), settings.faq_file)
    try:
        if settings.webhook_url:
            application.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=urlsplit(settings.webhook_url).path.lstrip("/"),
                webhook_url=settings.webhook_url,
                secret_token=settings.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            application.run_polling(allowed_updates=ALLOWED_UPDATES, timeout=POLL_TIMEOUT, poll_interval=0.0)
    except InvalidToken:
        raise StartupError("faqbot: the Bot API refused TELEGRAM_BOT_TOKEN; check it with @BotFather") from None
    except NetworkError as error:
        raise StartupError(f"faqbot: cannot reach the Bot API at {settings.api_url}: {error.message}") from None
    except TelegramError as error:
        raise StartupError(f"faqbot: the Bot API answered with an error at start-up: {error.message}") from None
    except OSError as error:
        where = f"{settings.webhook_listen}:{settings.webhook_port}"
        raise StartupError(f"faqbot: cannot listen on {where} for the webhook: {error.strerror or error}") from None
    finally:
        feedback.close()
