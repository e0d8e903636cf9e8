"""A bare python-telegram-bot echo bot: the yardstick for the FAQ bot's throughput.

Same library, same rate limiter settings, same polling as `python -m bot run`; it only
echoes the text back as a reply. Usage: TELEGRAM_BOT_TOKEN=... TELEGRAM_API_URL=... python -m bench.echo_bot
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, Defaults, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with the same text."""
    if update.effective_message and update.effective_message.text:
        await update.effective_message.reply_text(update.effective_message.text)


def main() -> None:
    root = os.environ["TELEGRAM_API_URL"].rstrip("/")
    rate = float(os.environ.get("TELEGRAM_RATE_LIMIT", "30"))
    application = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .defaults(Defaults(do_quote=True))
        .concurrent_updates(True)
        .rate_limiter(AIORateLimiter(overall_max_rate=rate, overall_time_period=1, max_retries=3))
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.run_polling(allowed_updates=[Update.MESSAGE], timeout=10, poll_interval=0.0)


if __name__ == "__main__":
    main()
