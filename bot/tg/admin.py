"""Telegram handlers for the admins' commands: /stats, /reload (the FAQ's own commands are in
`bot.tg.admin_faq`, teaching from /unanswered in `bot.tg.teach`).

`admin_only` wraps each command and `admin_button` each admin button: anyone not in ADMIN_IDS
is told they are for admins (a button's data can be forged, so every press is checked; in a
group a non-admin's command gets no answer at all); an admin using a command in a group gets the
result in a private chat (the group sees one line, never users' questions or figures). A
command's result is HTML text, text with buttons, a file (a photo or a document), or several of
these. Admins read the bot in their own language.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import timedelta
from html import escape
from typing import Any

from telegram import Bot, CallbackQuery, Update, User
from telegram.constants import ChatAction
from telegram.error import Forbidden, TelegramError

from bot.faq.reloading import Trigger
from bot.faq.review import problem_line
from bot.language import LANGS, Lang
from bot.ops.chart import chart_data, draw_elsewhere
from bot.ops.reporting import PERIODS, entry_titles, render_stats, stats
from bot.storage.store import StoreError
from bot.texts import say
from bot.tg.callbacks import Callback, decode
from bot.tg.handlers import Context, in_group, user_lang
from bot.tg.markup import MAX_CAPTION, MAX_MESSAGE, Rendered, telegram_length

log = logging.getLogger(__name__)

MAX_SHOWN = 3500
"""Characters of a report sent in one message (Telegram takes 4,096 with the markup)."""
PROBLEMS_SHOWN = 20


@dataclass(frozen=True)
class Attachment:
    """A file for an admin, with an HTML caption: a photo (a chart) or a document (the FAQ)."""

    data: bytes
    filename: str
    caption: str
    photo: bool = False


AdminReply = str | Rendered | Attachment | tuple[str | Rendered | Attachment, ...]
"""A command's result; a tuple is sent as several messages, in order."""
AdminReport = Callable[[Update, Context, Lang], Awaitable[AdminReply | None]]
AdminPress = Callable[[Update, Context, CallbackQuery, Callback, User], Awaitable[None]]
CHAT_ACTION_EVERY = 4.0
"""Seconds between "sending a photo" notices while a chart is drawn (Telegram shows one for 5 s)."""


async def deliver(bot: Bot, chat_id: int, reply: AdminReply) -> None:
    """Send an admin command's result to a chat."""
    if isinstance(reply, tuple):
        for part in reply:
            await deliver(bot, chat_id, part)
    elif isinstance(reply, Attachment):
        if reply.photo:
            await bot.send_photo(chat_id, reply.data, caption=reply.caption, filename=reply.filename)
        else:
            await bot.send_document(chat_id, reply.data, caption=reply.caption, filename=reply.filename)
    elif isinstance(reply, Rendered):
        await bot.send_message(chat_id, reply.text, reply_markup=reply.keyboard)
    else:
        await bot.send_message(chat_id, reply)


def author(user: User | None) -> str:
    """Who put a version in use, as the history shows it: their @username, else their Telegram name
    (their id is kept beside it)."""
    if user is None:
        return "?"
    if user.username:
        return f"@{user.username}"
    return user.full_name.strip() or str(user.id)


def admin_button(press: AdminPress) -> Callable[[Update, Context], Coroutine[Any, Any, None]]:
    """Handle an admin's button only for admins: anyone else (a forged press included) is told it is
    for admins, and nothing happens."""

    @functools.wraps(press)
    async def handler(update: Update, context: Context) -> None:
        query, user = update.callback_query, update.effective_user
        if query is None:
            return
        callback = decode(query.data)
        lang = callback.lang if callback is not None else "zh"
        if user is None or callback is None or not context.bot_data.is_admin(user.id):
            await query.answer(say("admins_only", lang), show_alert=True)
            return
        await press(update, context, query, callback, user)

    return handler


def destination(update: Update) -> int | None:
    """Where an admin command's result goes: the chat itself, or the admin privately when used in a group."""
    message, user = update.effective_message, update.effective_user
    if in_group(update):
        return user.id if user is not None else None
    return message.chat_id if message is not None else None


@contextlib.asynccontextmanager
async def showing(bot: Bot, chat_id: int | None, action: str) -> AsyncIterator[None]:
    """Show a chat action ("sending a photo") in a chat until the work inside is done."""

    async def keep_showing() -> None:
        while chat_id is not None:
            try:
                await bot.send_chat_action(chat_id, action)
            except TelegramError as error:
                log.debug("chat action not shown: %s", error)
                return
            await asyncio.sleep(CHAT_ACTION_EVERY)

    task = asyncio.create_task(keep_showing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def admin_only(report: AdminReport) -> Callable[[Update, Context], Coroutine[Any, Any, None]]:
    """Run an admin command for admins only, and deliver its result privately when used in a group."""

    @functools.wraps(report)
    async def handler(update: Update, context: Context) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None:
            return
        lang = await user_lang(update, context)
        if user is None or not context.bot_data.is_admin(user.id):
            if not in_group(update):  # in a group, a refusal would only be noise for everyone there
                await message.reply_text(say("admins_only", lang))
            return
        result = await report(update, context, lang)
        if result is None:
            return
        if not in_group(update):
            await deliver(context.bot, message.chat_id, result)
            return
        try:
            await deliver(context.bot, user.id, result)
        except Forbidden:
            await message.reply_text(say("admin_in_group_refused", lang))
            return
        await message.reply_text(say("admin_in_group", lang))

    return handler


def period(context: Context) -> int | None:
    """The days a command's [day|week] argument asks for; None for an argument it does not take."""
    argument = (context.args or [""])[0].lower() if context.args else ""
    return PERIODS.get(argument)


@admin_only
async def stats_command(update: Update, context: Context, lang: Lang) -> AdminReply | None:
    """/stats [day|week]: a chart (questions per day by outcome, the most asked measures) with the
    figures as its caption: rates, people's votes, a line per day. Text alone if no chart can be drawn."""
    days = period(context)
    if days is None:
        return escape(say("period_usage", lang, command="/stats"))
    store = context.bot_data.store
    since = store.clock() - timedelta(days=days)
    try:
        events = await store.events.since(since)
        votes = await store.votes.since(since)
    except StoreError as error:
        log.warning("usage not read: %s", error)
        return escape(say("store_unavailable", lang))
    knowledge = context.bot_data.current().knowledge
    report = stats(events, votes, since)
    text = render_stats(report, entry_titles(knowledge, lang), lang)
    titles = {code: entry_titles(knowledge, code) for code in LANGS}
    async with showing(context.bot, destination(update), ChatAction.UPLOAD_PHOTO):
        png = await draw_elsewhere(chart_data(report, titles, lang, store.clock().date()))
    if png is None:
        return f"<pre>{escape(text)[:MAX_SHOWN]}</pre>"
    caption = escape(text)[: MAX_CAPTION - len("<pre></pre>")]
    return Attachment(png, f"stats-{since:%Y%m%d}.png", f"<pre>{caption}</pre>", photo=True)


@admin_only
async def reload_command(update: Update, context: Context, lang: Lang) -> str | None:
    """/reload: load the FAQ file again; the admin who asked is told here, the others by notice."""
    services = context.bot_data
    user = update.effective_user
    if services.faq is None:
        return None
    result = await services.faq.reload(
        Trigger.COMMAND, user.id if user else None, author=author(user), author_id=user.id if user else None
    )
    if result.ok:
        changes = result.changes.lines(lang) if result.changes is not None else []
        return escape(
            "\n".join([say("reloaded", lang, entries=result.entries), *(changes or [say("diff_none", lang)])])
        )
    return with_problems(say("not_reloaded", lang), result.problems, lang)


def problems_text(problems: Sequence[str], lang: Lang) -> str:
    """Problems of an FAQ file, one per line in the admin's language (`第 12 行：…`), the first few of many."""
    shown = [problem_line(problem, lang) for problem in problems[:PROBLEMS_SHOWN]]
    if len(problems) > len(shown):
        shown.append(say("more_problems", lang, count=len(problems) - len(shown)))
    return "\n".join(shown)


def with_problems(head: str, problems: Sequence[str], lang: Lang, limit: int = MAX_MESSAGE) -> str:
    """`head` (plain text) and the problems in a `<pre>` block, as HTML within `limit` (in Telegram's
    units): problems that do not fit are counted rather than cut, so no tag is ever left open."""
    count = min(len(problems), PROBLEMS_SHOWN)
    while True:
        lines = [problem_line(problem, lang) for problem in problems[:count]]
        if len(problems) > count:
            lines.append(say("more_problems", lang, count=len(problems) - count))
        html = f"{escape(head)}\n<pre>{escape(chr(10).join(lines))}</pre>"
        if telegram_length(html) <= limit or count == 0:
            break
        count -= 1
    while telegram_length(html) > limit:  # a head too long on its own: shortened, outside any tag
        head = head[: len(head) * 9 // 10]
        html = escape(head) + "…"
    return html
