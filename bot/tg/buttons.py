"""Telegram handlers for button presses, one per kind of button (see `bot.tg.callbacks`).

A message belongs to whoever asked for it. In a private chat that is always the presser;
in a group, a tap by anyone else never changes the asker's message: the presser gets the
result in a private chat (or, if the bot may not write to them there, a short note).
Votes count once per person per answer, the latest, and in a group the buttons stay.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden

from bot.core.reply import Option
from bot.language import Lang
from bot.storage.store import Answered, StoreBusy, StoreError
from bot.texts import say
from bot.tg.callbacks import Callback, Kind, decode
from bot.tg.handlers import Context, answer_question, in_group
from bot.tg.markup import Rendered, button, entry_page, line_menu, numbered, render, topics_menu

log = logging.getLogger(__name__)

FOLLOW_UPS = 3
"""Other entries offered after a 👎."""


def _pressed(update: Update) -> tuple[CallbackQuery, Callback, Message | None] | None:
    query = update.callback_query
    if query is None:
        return None
    callback = decode(query.data)
    if callback is None:
        return None
    message = query.message if isinstance(query.message, Message) else None
    return query, callback, message


async def _owner(context: Context, update: Update, message: Message | None) -> bool:
    """Whether the presser may change the message: in a private chat always; in a group only its asker."""
    if message is None:
        return False
    if not in_group(update):
        return True
    known = await context.bot_data.reply(message.chat_id, message.message_id)
    user = update.effective_user
    return known is not None and user is not None and known.user_id == user.id


async def _show(
    update: Update, context: Context, rendered: Rendered, lang: Lang, *, kind: str, entry: str | None
) -> None:
    """Edit the pressed message into `rendered` if the presser owns it, else send it to them privately."""
    pressed = _pressed(update)
    if pressed is None:
        return
    query, _, message = pressed
    user = update.effective_user
    if message is not None and await _owner(context, update, message):
        await query.answer()
        try:
            await query.edit_message_text(rendered.text, reply_markup=rendered.keyboard)
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                raise
        known = await context.bot_data.reply(message.chat_id, message.message_id)
        await context.bot_data.remember(
            Answered(message.chat_id, message.message_id, known.question if known else "", lang, kind, entry,
                     user.id if user else None, known.question_message_id if known else None)
        )  # fmt: skip
        return
    await _privately(update, context, rendered, lang, kind=kind, entry=entry)


async def _privately(
    update: Update, context: Context, rendered: Rendered, lang: Lang, *, kind: str, entry: str | None
) -> None:
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    try:
        sent = await context.bot.send_message(user.id, rendered.text, reply_markup=rendered.keyboard)
    except Forbidden:
        await query.answer(say("start_private", lang), show_alert=True)
        return
    await query.answer(say("sent_privately", lang))
    await context.bot_data.remember(Answered(sent.chat_id, sent.message_id, "", lang, kind, entry, user.id))


async def choice(update: Update, context: Context) -> None:
    """A "did you mean" option: that answer, in place of the question back."""
    pressed = _pressed(update)
    if pressed is None:
        return
    query, callback, message = pressed
    brain = context.bot_data.current()
    reply = brain.entry_reply(callback.key, callback.lang)
    if reply is None:
        await query.answer(say("gone", callback.lang))
        return
    user = update.effective_user
    if message is not None and user is not None and await _owner(context, update, message):
        await context.bot_data.settle(message.chat_id, user.id)
    await _show(update, context, render(brain.knowledge, reply), callback.lang, kind="answer", entry=reply.entry_id)


async def full_text(update: Update, context: Context) -> None:
    """ "Full text": the answer expanded into the entry's whole text, in place."""
    pressed = _pressed(update)
    if pressed is None:
        return
    query, callback, _ = pressed
    brain = context.bot_data.current()
    reply = brain.full_reply(callback.key, callback.lang)
    if reply is None:
        await query.answer(say("gone", callback.lang))
        return
    await _show(update, context, render(brain.knowledge, reply), callback.lang, kind="answer", entry=reply.entry_id)


async def entry(update: Update, context: Context) -> None:
    """A related measure: its answer as a new message (privately, for someone else's answer in a group)."""
    pressed = _pressed(update)
    if pressed is None:
        return
    query, callback, message = pressed
    brain = context.bot_data.current()
    reply = brain.entry_reply(callback.key, callback.lang)
    if reply is None:
        await query.answer(say("gone", callback.lang))
        return
    rendered = render(brain.knowledge, reply)
    if message is None or not await _owner(context, update, message):
        await _privately(update, context, rendered, callback.lang, kind="answer", entry=reply.entry_id)
        return
    await query.answer()
    sent = await message.reply_text(rendered.text, reply_markup=rendered.keyboard)
    user = update.effective_user
    await context.bot_data.remember(
        Answered(sent.chat_id, sent.message_id, "", callback.lang, "answer", reply.entry_id, user.id if user else None)
    )


async def menu(update: Update, context: Context) -> None:
    """The topic menu, a line of work in it, or a measure opened from it, in place ("none of these" too)."""
    pressed = _pressed(update)
    if pressed is None:
        return
    query, callback, _ = pressed
    knowledge = context.bot_data.current().knowledge
    lang = callback.lang
    entry_id: str | None = None
    if callback.kind in (Kind.TOPICS, Kind.NONE):
        rendered = topics_menu(knowledge, lang)
    elif callback.kind == Kind.LINE:
        found = line_menu(knowledge, callback.key, lang)
        if found is None:
            await query.answer(say("gone", lang))
            return
        rendered = found
    else:
        reply = context.bot_data.current().entry_reply(callback.key, lang)
        if reply is None:
            await query.answer(say("gone", lang))
            return
        rendered, entry_id = entry_page(knowledge, reply), reply.entry_id
    await _show(update, context, rendered, lang, kind="menu", entry=entry_id)


async def example(update: Update, context: Context) -> None:
    """An example question button: asked as if the presser had typed it."""
    pressed = _pressed(update)
    if pressed is None:
        return
    query, callback, message = pressed
    examples = context.bot_data.current().knowledge.article.examples(callback.lang)
    if not callback.key.isdigit() or int(callback.key) >= len(examples) or message is None:
        await query.answer(say("gone", callback.lang))
        return
    await query.answer()
    await answer_question(update, context, message, examples[int(callback.key)])


async def vote(update: Update, context: Context) -> None:
    """👍 or 👎 under an answer: one vote per person per answer; after 👎, other entries to try."""
    pressed = _pressed(update)
    if pressed is None:
        return
    query, callback, message = pressed
    user = update.effective_user
    if message is None or user is None:
        await query.answer()
        return
    sign = 1 if callback.key == "+" else -1
    try:
        stored = await context.bot_data.store.votes.cast(message.chat_id, message.message_id, user.id, sign)
    except StoreBusy:
        stored = True  # queued: stored once the database is free, if the answer is known
    except StoreError as error:
        log.warning("vote not stored: %s", error)
        stored = True  # the vote is lost, not refused: thank the person all the same
    if not stored:
        await query.answer(say("vote_gone", callback.lang))
        return
    await query.answer(say("voted", callback.lang))
    if not in_group(update) and message.reply_markup is not None:
        rows = [list(row) for row in message.reply_markup.inline_keyboard]
        kept = [row for row in rows if not any(_is_vote(b.callback_data) for b in row)]
        try:
            await query.edit_message_reply_markup(InlineKeyboardMarkup(kept))
        except BadRequest as error:
            log.debug("vote buttons not removed: %s", error)
    if sign < 0:
        await _follow_up(update, context, message, callback.lang)


def _is_vote(data: Any) -> bool:
    found = decode(data if isinstance(data, str) else None)
    return found is not None and found.kind == Kind.VOTE


async def _follow_up(update: Update, context: Context, message: Message, lang: Lang) -> None:
    """After 👎: the other entries the question came closest to, and the topic menu."""
    known = await context.bot_data.reply(message.chat_id, message.message_id)
    brain = context.bot_data.current()
    options: tuple[Option, ...] = ()
    if known is not None and known.question:
        ranking = brain.matcher.rank(known.question, known.lang)
        others = [c.entry for c in ranking.candidates if c.entry.id != known.entry_id][:FOLLOW_UPS]
        options = tuple(Option(e.id, e.title_in(lang)) for e in others)
    rows = numbered(options, Kind.ENTRY, lang)
    rows.append([_topics_button(lang)])
    rendered = Rendered(say("voted_down", lang), InlineKeyboardMarkup(rows))
    if in_group(update):
        await _quiet_private(update, context, rendered)
        return
    await message.reply_text(rendered.text, reply_markup=rendered.keyboard)


def _topics_button(lang: Lang) -> InlineKeyboardButton:
    return button(say("all_topics", lang), Callback(Kind.TOPICS, "", lang))


async def _quiet_private(update: Update, context: Context, rendered: Rendered) -> None:
    user = update.effective_user
    if user is None:
        return
    try:
        await context.bot.send_message(user.id, rendered.text, reply_markup=rendered.keyboard)
    except Forbidden:
        log.debug("follow-up not sent: the user has no private chat with the bot")
