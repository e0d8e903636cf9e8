"""Telegram handlers for button presses, one per kind of button (see `bot.tg.callbacks`).

Each press goes to the conversation layer, which says what to show and remembers what it
offered; this module only decides where the result goes. A message belongs to whoever asked
for it. In a private chat that is always the presser; in a group, a tap by anyone else never
changes the asker's message: the presser gets the result in a private chat, in their own
language (or, if the bot may not write to them there, a short note). Votes count once per
person per answer, the latest, and in a group the buttons stay; a 👎 brings the other entries
to try only to whoever asked.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden

from bot.conversation.replies import Said
from bot.conversation.state import Who
from bot.language import Lang
from bot.storage.store import Answered
from bot.texts import say
from bot.tg.callbacks import NEW_MESSAGE, Callback, Kind, decode
from bot.tg.handlers import Context, answer_question, deliver, in_group, who
from bot.tg.markup import render

log = logging.getLogger(__name__)

Produce = Callable[[Who, Lang], Awaitable[Said | None]]
"""What a press asks of the conversation, given where the result goes and in which language."""


class _Press:
    """A button press: the query, what the button means, the message it sits under, and whose that is."""

    def __init__(self, query: CallbackQuery, callback: Callback, message: Message | None, known: Answered | None,
                 owner: bool) -> None:  # fmt: skip
        self.query = query
        self.callback = callback
        self.message = message
        self.known = known
        """What the conversation knows of the message pressed under."""
        self.owner = owner
        """The presser asked for the message (always so in a private chat)."""


async def _pressed(update: Update, context: Context) -> _Press | None:
    query = update.callback_query
    if query is None:
        return None
    callback = decode(query.data)
    if callback is None:
        return None
    message = query.message if isinstance(query.message, Message) else None
    known = await context.bot_data.conversation.reply(message.chat_id, message.message_id) if message else None
    user = update.effective_user
    owner = message is not None and (
        not in_group(update) or (known is not None and user is not None and known.user_id == user.id)
    )
    return _Press(query, callback, message, known, owner)


async def _where(update: Update, context: Context, press: _Press) -> tuple[Who, Lang]:
    """Where a press's result goes, and in which language: the asker's message in the message's
    language; anyone else privately, in their own."""
    if press.owner:
        return who(update), press.callback.lang
    privately = who(update, privately=True)
    return privately, await context.bot_data.conversation.language(privately)


async def _answer(update: Update, context: Context, produce: Produce, *, in_place: bool) -> None:
    """Run a press through the conversation and show its result: in place of the pressed message or
    as a new message under it (for its owner), or privately (for anyone else)."""
    press = await _pressed(update, context)
    if press is None:
        return
    where, lang = await _where(update, context, press)
    said = await produce(where, lang)
    if said is None:
        await press.query.answer(say("gone", lang))
        return
    if not press.owner or press.message is None:
        await _privately(update, context, press, said)
        return
    await press.query.answer()
    if not in_place:
        await deliver(update, context, press.message, said)
        return
    rendered = render(context.bot_data.current().knowledge, said)
    try:
        await press.query.edit_message_text(rendered.text, reply_markup=rendered.keyboard)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise
    known, user = press.known, update.effective_user
    await context.bot_data.conversation.sent(
        said,
        chat_id=press.message.chat_id,
        message_id=press.message.message_id,
        user_id=user.id if user else None,
        question_message_id=known.question_message_id if known else None,
        question=known.question if known else None,
    )


async def _privately(update: Update, context: Context, press: _Press, said: Said) -> None:
    """Send a result to the presser's private chat, or tell them how to open one."""
    user = update.effective_user
    if user is None:
        return
    rendered = render(context.bot_data.current().knowledge, said)
    try:
        sent = await context.bot.send_message(user.id, rendered.text, reply_markup=rendered.keyboard)
    except Forbidden:
        await press.query.answer(say("start_private", said.lang), show_alert=True)
        return
    await press.query.answer(say("sent_privately", said.lang))
    await context.bot_data.conversation.sent(said, chat_id=sent.chat_id, message_id=sent.message_id, user_id=user.id)


async def choice(update: Update, context: Context) -> None:
    """A numbered option of a question back or a no: that answer, in place of the message."""
    key = _key(update)
    await _answer(update, context, lambda w, lang: context.bot_data.conversation.choose(w, key, lang), in_place=True)


async def full_text(update: Update, context: Context) -> None:
    """ "Full text": the answer expanded into the entry's whole text, in place (inside the topic menu,
    keeping the way back)."""
    key, menu = _key(update), _kind(update) == Kind.MENU_FULL
    await _answer(
        update, context, lambda w, lang: context.bot_data.conversation.full(w, key, lang, in_menu=menu), in_place=True
    )


async def entry(update: Update, context: Context) -> None:
    """A related measure, or one of the entries offered after 👎: its answer as a new message."""
    key = _key(update)
    await _answer(update, context, lambda w, lang: context.bot_data.conversation.choose(w, key, lang), in_place=False)


async def menu(update: Update, context: Context) -> None:
    """The topic menu, a line of work in it, or a measure opened from it, in place ("none of these" too);
    📚 All topics opens the menu as a new message, leaving the answer it was under as it was."""
    kind, key = _kind(update), _key(update)
    conversation = context.bot_data.conversation
    produce: Produce
    if kind == Kind.LINE:
        produce = lambda w, lang: conversation.line(w, key, lang)  # noqa: E731 - one line per kind reads best
    elif kind == Kind.MENU_ENTRY:
        produce = lambda w, lang: conversation.choose(w, key, lang, in_menu=True)  # noqa: E731
    else:
        produce = conversation.topics
    new = kind == Kind.TOPICS and key == NEW_MESSAGE
    await _answer(update, context, produce, in_place=not new)


async def example(update: Update, context: Context) -> None:
    """An example question button: asked as if the presser had typed it."""
    press = await _pressed(update, context)
    if press is None:
        return
    callback = press.callback
    examples = context.bot_data.current().knowledge.article.examples(callback.lang)
    if not callback.key.isdigit() or int(callback.key) >= len(examples) or press.message is None:
        await press.query.answer(say("gone", callback.lang))
        return
    await press.query.answer()
    await answer_question(update, context, press.message, examples[int(callback.key)])


async def vote(update: Update, context: Context) -> None:
    """👍 or 👎 under an answer: one vote per person per answer; after the asker's 👎, other entries to
    try (privately, in a group); anyone else's 👎 is only counted."""
    press = await _pressed(update, context)
    user = update.effective_user
    if press is None:
        return
    message = press.message
    if message is None or user is None:
        await press.query.answer()
        return
    sign = 1 if press.callback.key == "+" else -1
    group = in_group(update)
    where = who(update, privately=group)
    lang = press.callback.lang if press.owner else await context.bot_data.conversation.language(where)
    stored, others = await context.bot_data.conversation.vote(
        where, (message.chat_id, message.message_id), user_id=user.id, sign=sign, lang=lang, follow_up=press.owner
    )
    if not stored:
        await press.query.answer(say("vote_gone", lang))
        return
    await press.query.answer(say("voted", lang))
    if not group and message.reply_markup is not None:
        rows = [list(row) for row in message.reply_markup.inline_keyboard]
        kept = [row for row in rows if not any(_is_vote(b.callback_data) for b in row)]
        try:
            await press.query.edit_message_reply_markup(InlineKeyboardMarkup(kept))
        except BadRequest as error:
            log.debug("vote buttons not removed: %s", error)
    if others is None:
        return
    if group:
        await _quiet_private(context, user.id, others)
        return
    await deliver(update, context, message, others)


def _is_vote(data: Any) -> bool:
    found = decode(data if isinstance(data, str) else None)
    return found is not None and found.kind == Kind.VOTE


async def _quiet_private(context: Context, user_id: int, said: Said) -> None:
    """Send a result privately if the bot may; silently skip it if not (the toast already thanked them)."""
    rendered = render(context.bot_data.current().knowledge, said)
    try:
        sent = await context.bot.send_message(user_id, rendered.text, reply_markup=rendered.keyboard)
    except Forbidden:
        log.debug("follow-up not sent: the user has no private chat with the bot")
        return
    await context.bot_data.conversation.sent(said, chat_id=sent.chat_id, message_id=sent.message_id, user_id=user_id)


def _key(update: Update) -> str:
    found = decode(update.callback_query.data if update.callback_query else None)
    return found.key if found else ""


def _kind(update: Update) -> Kind | None:
    found = decode(update.callback_query.data if update.callback_query else None)
    return found.kind if found else None
