"""Telegram handlers for the admins' commands: /stats, /unanswered, /reload.

`admin_only` wraps each: anyone not in ADMIN_IDS is told the command is for admins; an
admin using one in a group gets the result in a private chat (the group sees one line,
never users' questions or figures). Admins read the bot in their own language.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from html import escape
from typing import Any

from telegram import Update
from telegram.error import Forbidden

from bot.handlers import Context, in_group, user_lang
from bot.language import Lang
from bot.reloading import Trigger
from bot.reporting import entry_titles, render_stats, render_unanswered, stats, unanswered
from bot.storage import StoreError
from bot.texts import say

log = logging.getLogger(__name__)

MAX_SHOWN = 3500
"""Characters of a report sent in one message (Telegram takes 4,096 with the markup)."""
PROBLEMS_SHOWN = 20
PERIODS = {"": 7, "week": 7, "w": 7, "周": 7, "本周": 7, "一周": 7, "day": 1, "today": 1, "d": 1, "天": 1, "今天": 1}
"""The periods /stats and /unanswered understand, in days."""

AdminReport = Callable[[Update, Context, Lang], Awaitable[str | None]]


def admin_only(report: AdminReport) -> Callable[[Update, Context], Coroutine[Any, Any, None]]:
    """Run an admin command for admins only, and deliver its result privately when used in a group."""

    @functools.wraps(report)
    async def handler(update: Update, context: Context) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None:
            return
        lang = await user_lang(update, context)
        if user is None or not context.bot_data.is_admin(user.id):
            await message.reply_text(say("admins_only", lang))
            return
        text = await report(update, context, lang)
        if text is None:
            return
        if not in_group(update):
            await message.reply_text(text)
            return
        try:
            await context.bot.send_message(user.id, text)
        except Forbidden:
            await message.reply_text(say("admin_in_group_refused", lang))
            return
        await message.reply_text(say("admin_in_group", lang))

    return handler


def _period(context: Context) -> int | None:
    argument = (context.args or [""])[0].lower() if context.args else ""
    return PERIODS.get(argument)


@admin_only
async def stats_command(update: Update, context: Context, lang: Lang) -> str | None:
    """/stats [day|week]: questions, answer and ask-back rates, top measures, people's votes, a bar per day."""
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
    titles = entry_titles(context.bot_data.current().knowledge, lang)
    return f"<pre>{escape(render_stats(stats(events, votes, since), titles, lang))[:MAX_SHOWN]}</pre>"


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
    if services.reload is None:
        return None
    result = await services.reload(Trigger.COMMAND, user.id if user else None)
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
