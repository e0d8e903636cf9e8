"""Building the Telegram application: one way in, used by `run` and by the tests.

`build_application(settings, brain)` wires the handlers, the defaults, the rate limiter
and the Bot API address; it starts nothing. The caller decides between polling and a
webhook.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    ExtBot,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import handlers
from bot.answering import Brain
from bot.delivery import PatientRateLimiter
from bot.feedback import FeedbackStore
from bot.handlers import BotServices
from bot.settings import Settings

log = logging.getLogger(__name__)

CONCURRENT_UPDATES = 16
"""Updates handled at once. Measured with `python -m bench.load` (1,000 questions, 2 rounds,
medians): 8 gave 130 replies/s, 16 gave 228, 32 gave 184, 64 gave 157 and PTB's default of
256 gave 131, against 166-203 for the echo bot in the same runs. With fewer the bot waits on
the Bot API's answers; with more, the HTTP connection pool's bookkeeping costs more CPU than
the waiting. (An earlier machine with a slower emulator put 8 first, at 95, and 16 second.)"""

BotApplication = Application[ExtBot[int], Any, dict[Any, Any], dict[Any, Any], BotServices, Any]

COMMANDS = {
    "zh": [
        ("topics", "按目录浏览文章"),
        ("ask", "提问（群聊中使用）"),
        ("about", "关于这篇文章"),
        ("help", "使用说明"),
        ("start", "开始"),
    ],
    "en": [
        ("topics", "Browse the article"),
        ("ask", "Ask a question (in groups)"),
        ("about", "About the article"),
        ("help", "How to use the bot"),
        ("start", "Start"),
    ],
}


async def register_commands(application: BotApplication) -> None:
    """Register the command list in Chinese and English; a refusal is logged, not fatal."""
    try:
        await application.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS["en"]])
        await application.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS["zh"]], language_code="zh")
    except TelegramError as error:
        log.warning("command list not registered: %s", error)


def build_application(
    settings: Settings,
    brain: Brain,
    *,
    feedback: FeedbackStore | None = None,
    request: BaseRequest | None = None,
) -> BotApplication:
    """The bot, ready to start: handlers, HTML defaults, rate limiter, Bot API address."""
    if settings.token is None:
        raise ValueError("a token is needed to build the Telegram application")
    context_types = ContextTypes(bot_data=BotServices)
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(f"{settings.api_url}/bot")
        .base_file_url(f"{settings.api_url}/file/bot")
        .context_types(context_types)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                # quote the question answered: with several questions in a row, each answer says whose it is
                do_quote=True,
            )
        )
        .concurrent_updates(CONCURRENT_UPDATES)
        .post_init(register_commands)
        .rate_limiter(PatientRateLimiter(overall_max_rate=settings.rate_limit, overall_time_period=1, max_retries=3))
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application: BotApplication = builder.build()
    application.bot_data.brain = brain
    application.bot_data.feedback = feedback
    add_handlers(application)
    return application


def add_handlers(application: BotApplication) -> None:
    """Every handler of the bot, in the order they are tried."""
    private = filters.ChatType.PRIVATE
    application.add_handlers(
        [
            CommandHandler("start", handlers.start),
            CommandHandler("help", handlers.help_command),
            CommandHandler("about", handlers.about),
            CommandHandler("topics", handlers.topics),
            CommandHandler("ask", handlers.ask),
            CommandHandler("reload", handlers.reload_command),
            CommandHandler("stats", handlers.stats_command),
            CommandHandler("unanswered", handlers.unanswered_command),
            MessageHandler(private & filters.TEXT & ~filters.COMMAND, handlers.private_text),
            MessageHandler(filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND, handlers.group_text),
            MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, handlers.not_text),
            CallbackQueryHandler(handlers.button),
            InlineQueryHandler(handlers.inline_query),
        ]
    )
    application.add_error_handler(handlers.error_handler)


ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
