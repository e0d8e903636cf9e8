"""Building the Telegram application: one way in, used by `run` and by the tests.

`build_application(settings, brain, store)` fills the services every handler shares, wires
the handlers (one per command, one per kind of button), the defaults, the rate limiter and
the Bot API address; it starts nothing. The caller decides between polling and a webhook.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
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
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.core.brain import Brain
from bot.faq.reloading import FaqReloader
from bot.ops.settings import Settings
from bot.storage.store import Store
from bot.tg import admin, admin_faq, buttons, handlers, teach
from bot.tg.callbacks import Kind, pattern
from bot.tg.delivery import PatientRateLimiter
from bot.tg.fairness import Fairness
from bot.tg.handlers import Context
from bot.tg.inbox import Inbox, InboxQueue, bot_id
from bot.tg.services import BotServices, Command

log = logging.getLogger(__name__)

CONCURRENT_UPDATES = 16
"""Updates handled at once. Measured with `python -m bench.load` (1,000 questions, 2 rounds,
medians): 8 gave 130 replies/s, 16 gave 228, 32 gave 184, 64 gave 157 and PTB's default of
256 gave 131, against 166-203 for the echo bot in the same runs. With fewer the bot waits on
the Bot API's answers; with more, the HTTP connection pool's bookkeeping costs more CPU than
the waiting. (An earlier machine with a slower emulator put 8 first, at 95, and 16 second.)"""


class BotApplication(Application[ExtBot[int], Any, dict[Any, Any], dict[Any, Any], BotServices, Any]):
    """python-telegram-bot's Application, with the durable inbox around each update: the update is
    claimed (when several processes share the store), and marked handled when its reply goes
    out or, if it sends none, when its handling ends, errors included; it keeps its place among
    the updates handled at once until the mark is written (see `bot.tg.inbox`)."""

    def __init__(self, *, inbox: Inbox, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.inbox = inbox

    async def process_update(self, update: object) -> None:
        if not isinstance(update, Update):
            await super().process_update(update)
            return
        if self.inbox.stopping:
            # not begun before the stop: it stays in the inbox (or unconfirmed at Telegram) for the next run
            self.inbox.release(update.update_id)
            return
        if not await self.inbox.claim(update):
            log.debug("update %s is being handled by another process", update.update_id)
            self.inbox.in_hand.discard(update.update_id)
            return
        handling = self.inbox.begin(update)
        try:
            await super().process_update(update)
        finally:
            self.inbox.finish(handling)
            # the place among those handled at once is kept until the mark is written: a kill then
            # repeats at most CONCURRENT_UPDATES replies
            await self.inbox.written(handling)


COMMANDS = (
    Command("start", "开始", "Start"),
    Command("help", "使用说明", "How to use the bot"),
    Command("topics", "按目录浏览文章", "Browse the article"),
    Command("ask", "提问（群聊中使用）", "Ask a question (in groups)"),
    Command("about", "关于这篇文章", "About the article"),
    Command("stats", "使用统计 [天|周]", "Usage statistics [day|week]", admin=True),
    Command("unanswered", "没答上的问题，可以归档 [天|周]", "Questions not answered, to file [day|week]", admin=True),
    Command("reload", "重新加载问答库", "Load the FAQ file again", admin=True),
    Command("faq", "下载正在使用的问答库", "Download the FAQ in use", admin=True),
    Command("history", "问答库的版本历史", "The FAQ's versions", admin=True),
    Command("rollback", "回到某个版本 N", "Go back to version N", admin=True),
)
"""Every command, in the order /help and Telegram's menu list them."""

COMMAND_HANDLERS: dict[str, Callable[[Update, Context], Coroutine[Any, Any, None]]] = {
    "start": handlers.start,
    "help": handlers.help_command,
    "topics": handlers.topics,
    "ask": handlers.ask,
    "about": handlers.about,
    "stats": admin.stats_command,
    "unanswered": teach.unanswered_command,
    "reload": admin.reload_command,
    "faq": admin_faq.faq_command,
    "history": admin_faq.history_command,
    "rollback": admin_faq.rollback_command,
}

BUTTON_HANDLERS: dict[Kind, Callable[[Update, Context], Coroutine[Any, Any, None]]] = {
    Kind.CHOICE: buttons.choice,
    Kind.FULL: buttons.full_text,
    Kind.MENU_FULL: buttons.full_text,
    Kind.ENTRY: buttons.entry,
    Kind.MENU_ENTRY: buttons.menu,
    Kind.LINE: buttons.menu,
    Kind.TOPICS: buttons.menu,
    Kind.NONE: buttons.menu,
    Kind.EXAMPLE: buttons.example,
    Kind.VOTE: buttons.vote,
    Kind.APPLY: admin_faq.apply,
    Kind.CANCEL: admin_faq.cancel,
    Kind.TEACH: teach.teach,
}


async def register_commands(application: BotApplication) -> None:
    """Register the users' command list in Chinese and English; a refusal is logged, not fatal."""
    public = [c for c in application.bot_data.commands if not c.admin]
    try:
        await application.bot.set_my_commands([BotCommand(c.name, c.en) for c in public])
        await application.bot.set_my_commands([BotCommand(c.name, c.zh) for c in public], language_code="zh")
    except TelegramError as error:
        log.warning("command list not registered: %s", error)


def build_application(
    settings: Settings,
    brain: Brain,
    store: Store,
    *,
    faq: FaqReloader[Brain] | None = None,
    request: BaseRequest | None = None,
) -> BotApplication:
    """The bot, ready to start: its services, handlers, HTML defaults, rate limiter, Bot API address."""
    if settings.token is None:
        raise ValueError("a token is needed to build the Telegram application")
    context_types = ContextTypes(bot_data=BotServices)
    inbox = Inbox(store, bot_id(settings.token))
    fairness = Fairness(settings.admin_ids)
    limiter = PatientRateLimiter(
        overall_max_rate=settings.rate_limit,
        overall_time_period=1,
        max_retries=3,
        longest_pause=settings.retry_pause,
        on_success=inbox.replied,
    )
    builder = (
        ApplicationBuilder()
        .application_class(BotApplication, {"inbox": inbox})
        .update_queue(InboxQueue(inbox, admit=fairness.admit))
        .updater(None)  # polling is `bot.tg.polling`: it confirms only what the inbox keeps
        .job_queue(None)  # nothing is scheduled: the heartbeat is `bot.tg.vitals`
        .token(settings.token)
        .base_url(f"{settings.api_url}/bot")
        .base_file_url(f"{settings.api_url}/file/bot")
        .context_types(context_types)
        .defaults(
            # PTB quotes the question answered in groups (where it says whose answer it is) and not in
            # private chats (where it only takes room)
            Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True))
        )
        .concurrent_updates(CONCURRENT_UPDATES)
        .rate_limiter(limiter)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        builder = builder.read_timeout(settings.api_timeout).get_updates_read_timeout(settings.api_timeout)
    application = builder.build()
    assert isinstance(application, BotApplication)
    application.bot_data.configure(
        brain, store, admins=settings.admin_ids, commands=COMMANDS, faq=faq, fairness=fairness
    )
    add_handlers(application, settings.admin_ids)
    return application


def add_handlers(application: BotApplication, admins: frozenset[int] = frozenset()) -> None:
    """Every handler of the bot, in the order they are tried."""
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    new = filters.UpdateType.MESSAGE
    # a photo's caption is asked like a text; a document is an FAQ upload only from an admin
    written = (filters.TEXT | filters.CAPTION) & ~filters.COMMAND
    application.add_handler(TypeHandler(Update, handlers.slow_down), group=-1)
    application.add_handlers([CommandHandler(name, handler) for name, handler in COMMAND_HANDLERS.items()])
    application.add_handlers(
        [
            MessageHandler(
                new & filters.COMMAND & (private | filters.Regex(_ADDRESSED_COMMAND)), handlers.unknown_command
            ),
            MessageHandler(new & private & filters.Document.ALL & filters.User(admins), admin_faq.upload),
            MessageHandler(new & private & written, handlers.private_text),
            MessageHandler(new & groups & written, handlers.group_text),
            MessageHandler(filters.UpdateType.EDITED_MESSAGE & written, handlers.edited),
            MessageHandler(new & private & ~filters.TEXT & ~filters.StatusUpdate.ALL, handlers.not_text),
            *(CallbackQueryHandler(handler, pattern=pattern(kind)) for kind, handler in BUTTON_HANDLERS.items()),
            InlineQueryHandler(handlers.inline_query),
        ]
    )
    application.add_error_handler(handlers.error_handler)


_ADDRESSED_COMMAND = r"^/\w+@\w+"
"""A command naming a bot (/foo@XiaochangFaqBot): in a group, only those are for this bot to answer."""

ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
