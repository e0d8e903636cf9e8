"""Telegram handlers for the admins' commands: /stats, /unanswered, /reload (the FAQ's own
commands are in `bot.tg.admin_faq`).

`admin_only` wraps each: anyone not in ADMIN_IDS is told the command is for admins (in a
private chat; in a group they get no answer at all); an admin using one in a group gets the
result in a private chat (the group sees one line, never users' questions or figures). A
command's result is HTML text, text with buttons, or a file (a photo or a document). Admins read
the bot in their own language.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from html import escape
from typing import Any

from telegram import Bot, Update, User
from telegram.error import Forbidden

from bot.faq.reloading import Trigger
from bot.language import LANGS, Lang
from bot.ops.chart import chart_data, draw_elsewhere
from bot.ops.reporting import PERIODS, entry_titles, render_stats, render_unanswered, stats, unanswered
from bot.storage.store import StoreError
from bot.texts import say
from bot.tg.handlers import Context, in_group, user_lang
from bot.tg.markup import MAX_CAPTION, Rendered

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


AdminReply = str | Rendered | Attachment
AdminReport = Callable[[Update, Context, Lang], Awaitable[AdminReply | None]]


async def deliver(bot: Bot, chat_id: int, reply: AdminReply) -> None:
    """Send an admin command's result to a chat."""
    if isinstance(reply, Attachment):
        if reply.photo:
            await bot.send_photo(chat_id, reply.data, caption=reply.caption, filename=reply.filename)
        else:
            await bot.send_document(chat_id, reply.data, caption=reply.caption, filename=reply.filename)
    elif isinstance(reply, Rendered):
        await bot.send_message(chat_id, reply.text, reply_markup=reply.keyboard)
    else:
        await bot.send_message(chat_id, reply)


def author(user: User | None) -> str:
    """Who put a version in use, as the history shows it."""
    return f"admin {user.id}" if user is not None else "admin"


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


def _period(context: Context) -> int | None:
    argument = (context.args or [""])[0].lower() if context.args else ""
    return PERIODS.get(argument)


@admin_only
async def stats_command(update: Update, context: Context, lang: Lang) -> AdminReply | None:
    """/stats [day|week]: a chart (questions per day by outcome, the most asked measures) with the
    figures as its caption: rates, people's votes, a line per day. Text alone if no chart can be drawn."""
    days = _period(context)
    if days is None:
        return escape(say("period_usage", lang, command="/stats"))
    store = context.bot_data.store
    since = store.clock() - timedelta(days=days)
    try:
        events = await store.events.since(since)
        votes = await store.votes.since(since)
    except StoreError as error:
        return escape(str(error))
    knowledge = context.bot_data.current().knowledge
    report = stats(events, votes, since)
    text = render_stats(report, entry_titles(knowledge, lang), lang)
    titles = {code: entry_titles(knowledge, code) for code in LANGS}
    png = await draw_elsewhere(chart_data(report, titles, lang, store.clock().date()))
    if png is None:
        return f"<pre>{escape(text)[:MAX_SHOWN]}</pre>"
    caption = escape(text)[: MAX_CAPTION - len("<pre></pre>")]
    return Attachment(png, f"stats-{since:%Y%m%d}.png", f"<pre>{caption}</pre>", photo=True)


@admin_only
async def unanswered_command(update: Update, context: Context, lang: Lang) -> str | None:
    """/unanswered [day|week]: the most frequent questions the bot declined or asked back about."""
    days = _period(context)
    if days is None:
        return escape(say("period_usage", lang, command="/unanswered"))
    store = context.bot_data.store
    try:
        events = await store.events.since(store.clock() - timedelta(days=days), ("unanswered", "asked_back"))
    except StoreError as error:
        return escape(str(error))
    titles = entry_titles(context.bot_data.current().knowledge, lang)
    return f"<pre>{escape(render_unanswered(unanswered(events), titles, lang))[:MAX_SHOWN]}</pre>"


@admin_only
async def reload_command(update: Update, context: Context, lang: Lang) -> str | None:
    """/reload: load the FAQ file again; the admin who asked is told here, the others by notice."""
    services = context.bot_data
    user = update.effective_user
    if services.faq is None:
        return None
    result = await services.faq.reload(Trigger.COMMAND, user.id if user else None, author=author(user))
    if result.ok:
        changes = result.changes.lines(lang) if result.changes is not None else []
        return escape(
            "\n".join([say("reloaded", lang, entries=result.entries), *(changes or [say("diff_none", lang)])])
        )
    return f"{escape(say('not_reloaded', lang))}\n<pre>{escape(problems_text(result.problems, lang))[:MAX_SHOWN]}</pre>"


def problems_text(problems: tuple[str, ...] | list[str], lang: Lang) -> str:
    """Problems of an FAQ file, one per line, the first few of many."""
    shown = list(problems[:PROBLEMS_SHOWN])
    if len(problems) > len(shown):
        shown.append(say("more_problems", lang, count=len(problems) - len(shown)))
    return "\n".join(shown)
