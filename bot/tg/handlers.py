"""Telegram handlers for what people send: commands, questions, edits, stickers, inline queries.

Handlers read the update, ask the core, and send what `bot.tg.markup` renders; conversation
state goes to the store through `BotServices`. Buttons are in `bot.tg.buttons`, admin commands
in `bot.tg.admin`. No matching logic lives here.
"""

from __future__ import annotations

import logging
import time
from html import escape
from typing import Any

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import ApplicationHandlerStop, CallbackContext, ExtBot

from bot.conversation.choosing import picked
from bot.core.brain import MAX_QUESTION_CHARS
from bot.core.decision import Decision
from bot.core.normalise import detect_language
from bot.core.reply import Reply
from bot.language import Lang, as_lang
from bot.storage.store import Answered, Choice, Event
from bot.texts import day, say
from bot.tg.markup import MAX_INLINE_QUERY, examples_keyboard, render, reply_html, topics_menu
from bot.tg.services import BotServices

log = logging.getLogger(__name__)

Context = CallbackContext[ExtBot[int], dict[Any, Any], dict[Any, Any], BotServices]

OUTCOME_EVENT = {
    "answer": "answered",
    "ask-back": "asked_back",
    "decline": "unanswered",
    "unexplained": "unanswered",
    "small-talk": "small_talk",
}
"""How each kind of decision is kept in the usage log."""

INLINE_RESULTS = 5


def in_group(update: Update) -> bool:
    """Whether the update comes from a group or supergroup."""
    chat = update.effective_chat
    return chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


async def user_lang(update: Update, context: Context, text: str = "") -> Lang:
    """The user's language: what they wrote if it says, else what they last wrote in, else their
    Telegram app's language, else Chinese."""
    if text and (written := detect_language(text)) is not None:
        return written
    user = update.effective_user
    remembered = await context.bot_data.language(user.id if user else None)
    return remembered or (as_lang(user.language_code) if user else None) or "zh"


def _code_lang(update: Update) -> Lang | None:
    user = update.effective_user
    return as_lang(user.language_code) if user else None


def _facts(context: Context, lang: Lang) -> dict[str, str]:
    article = context.bot_data.current().knowledge.article
    return {
        "bot": escape(article.bot.of(lang)),
        "title": escape(article.title.of(lang)),
        "date": day(article.published, lang),
        "source": escape(article.source.of(lang)),
        "scope": escape(article.scope.of(lang)),
        "example": escape(article.examples(lang)[0]),
    }


async def start(update: Update, context: Context) -> None:
    """/start: a greeting in the user's language, what the bot knows, and example questions to tap."""
    message = update.effective_message
    if message is None:
        return
    lang = await user_lang(update, context)
    knowledge = context.bot_data.current().knowledge
    text = say("start_group" if in_group(update) else "start", lang, **_facts(context, lang))
    await message.reply_text(text, reply_markup=examples_keyboard(knowledge, lang))


async def help_command(update: Update, context: Context) -> None:
    """/help: how to ask (in a group, how to ask there), and the commands, listed from those registered."""
    message = update.effective_message
    if message is None:
        return
    lang = await user_lang(update, context)
    services = context.bot_data
    listed = "\n".join(f"/{c.name} — {escape(c.describe(lang))}" for c in services.commands if not c.admin)
    text = say("help", lang, commands=listed)
    if in_group(update):
        text += say("help_group", lang)
    user = update.effective_user
    if services.is_admin(user.id if user else None) and not in_group(update):
        admin = "\n".join(f"/{c.name} — {escape(c.describe(lang))}" for c in services.commands if c.admin)
        text += say("help_admin", lang, commands=admin)
    await message.reply_text(text)


async def about(update: Update, context: Context) -> None:
    """/about: the article's title, date and source, and that the bot knows only it."""
    if update.effective_message:
        lang = await user_lang(update, context)
        await update.effective_message.reply_text(say("about", lang, **_facts(context, lang)))


async def topics(update: Update, context: Context) -> None:
    """/topics: the article as a menu of its lines of work, owned by who asked for it."""
    message = update.effective_message
    if message is None:
        return
    lang = await user_lang(update, context)
    menu = topics_menu(context.bot_data.current().knowledge, lang)
    sent = await message.reply_text(menu.text, reply_markup=menu.keyboard)
    user = update.effective_user
    await context.bot_data.remember(
        Answered(sent.chat_id, sent.message_id, "/topics", lang, "menu", user_id=user.id if user else None)
    )


async def ask(update: Update, context: Context) -> None:
    """/ask question: answers in any chat, including groups with privacy mode on."""
    message = update.effective_message
    if message is None:
        return
    question = " ".join(context.args or [])
    if not question.strip():
        await message.reply_text(say("ask_usage", await user_lang(update, context)))
        return
    await answer_question(update, context, message, question)


async def unknown_command(update: Update, context: Context) -> None:
    """A command the bot does not have: one line pointing at /help."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    command = message.text.split(maxsplit=1)[0].split("@", 1)[0]
    await message.reply_text(say("unknown_command", await user_lang(update, context), command=escape(command)))


async def private_text(update: Update, context: Context) -> None:
    """A text message in a private chat: a question, or a number answering "did you mean"."""
    message = update.effective_message
    if message is not None and message.text is not None:
        await answer_question(update, context, message, message.text)


def _addressed(message: Message, context: Context) -> str | None:
    """The question in a group message addressed to the bot (a mention or a reply to it), else None."""
    if message.text is None:
        return None
    me = context.bot
    replied = message.reply_to_message
    to_me = replied is not None and replied.from_user is not None and replied.from_user.id == me.id
    mention = f"@{me.username}".lower() if me.username else None
    mentions = list(message.parse_entities([MessageEntity.MENTION]).values())
    if not to_me and not (mention and any(m.lower() == mention for m in mentions)):
        return None
    text = message.text
    if mention:
        text = " ".join(word for word in text.split() if word.lower() != mention)
    return text


async def group_text(update: Update, context: Context) -> None:
    """A text message in a group: answered only when it mentions the bot or replies to it."""
    message = update.effective_message
    if message is None:
        return
    question = _addressed(message, context)
    if question is not None:
        await answer_question(update, context, message, question)


async def edited(update: Update, context: Context) -> None:
    """An edited question is answered again, by editing the reply to it (or with a new reply if it had none)."""
    message = update.edited_message
    if message is None or message.text is None:
        return
    question = _addressed(message, context) if in_group(update) else message.text
    if question is None:
        return
    previous = await context.bot_data.reply_to(message.chat_id, message.message_id)
    await answer_question(update, context, message, question, edit=previous)


async def answer_question(
    update: Update, context: Context, message: Message, question: str, *, edit: Answered | None = None
) -> None:
    """Answer a question: a number picking a pending option, or the core's decision, sent or edited in."""
    services = context.bot_data
    user = update.effective_user
    user_id = user.id if user else None
    written = detect_language(question)
    lang = written or await user_lang(update, context)
    if len(question) > MAX_QUESTION_CHARS:
        await message.reply_text(say("too_long", lang))
        return
    if user_id is not None and edit is None and await _pick(update, context, message, question, user_id):
        return
    started = time.perf_counter()
    brain = services.current()
    decision, reply = brain.respond(question, lang)
    rendered = render(brain.knowledge, reply)
    sent = await _send_or_edit(context, message, rendered.text, rendered.keyboard, edit)
    answered = decision.answered
    log.info(
        "question answered outcome=%s entry=%s lang=%s took_ms=%.1f",
        decision.kind,
        answered.id if answered else "-",
        decision.lang,
        (time.perf_counter() - started) * 1000,
    )
    if written is not None and written != await services.language(user_id):
        await services.remember_language(user_id, written)
    chat_id, message_id = (
        (sent.chat_id, sent.message_id) if sent else (edit.chat_id, edit.message_id) if edit else (0, 0)
    )
    if message_id:
        await services.remember(
            Answered(chat_id, message_id, question, decision.lang, decision.kind,
                     answered.id if answered else _offered(reply), user_id, message.message_id)
        )  # fmt: skip
    if user_id is not None and message_id:
        if decision.kind == "ask-back":
            store = services.store
            expires = store.clock() + store.lifetimes.choice
            options = tuple(option.id for option in reply.options)
            await services.offer(Choice(chat_id, user_id, message_id, options, decision.lang, question, expires))
        else:
            await services.settle(message.chat_id, user_id)
    await services.record(_event(decision, update, message.chat.type))


def _offered(reply: Reply) -> str | None:
    """The entry a refusal offers first (for its full text), if any."""
    return reply.options[0].id if reply.options else reply.entry_id


async def _pick(update: Update, context: Context, message: Message, text: str, user_id: int) -> bool:
    """If the text is a number answering the user's pending "did you mean" in this chat, answer with that option."""
    services = context.bot_data
    choice = await services.pending(message.chat_id, user_id)
    if choice is None:
        return False
    number = picked(text, len(choice.options))
    if number is None:
        return False
    await services.settle(message.chat_id, user_id)
    brain = services.current()
    reply = brain.entry_reply(choice.options[number - 1], choice.lang)
    if reply is None:
        await message.reply_text(say("gone", choice.lang))
        return True
    rendered = render(brain.knowledge, reply)
    sent = await message.reply_text(rendered.text, reply_markup=rendered.keyboard)
    await services.remember(
        Answered(sent.chat_id, sent.message_id, choice.question, choice.lang, "answer", reply.entry_id, user_id,
                 message.message_id)
    )  # fmt: skip
    chat = update.effective_chat
    await services.record(
        Event("chosen", chat.type if chat else ChatType.PRIVATE, choice.lang, choice.question, user_id, reply.entry_id)
    )
    return True


async def _send_or_edit(
    context: Context, message: Message, text: str, keyboard: Any, edit: Answered | None
) -> Message | None:
    """Send a reply to `message`, or edit the earlier reply `edit` into it (returns None when edited)."""
    if edit is None:
        return await message.reply_text(text, reply_markup=keyboard)
    try:
        await context.bot.edit_message_text(text, edit.chat_id, edit.message_id, reply_markup=keyboard)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise
    return None


def _event(decision: Decision, update: Update, chat_type: str) -> Event:
    answered = decision.answered
    return Event(
        kind=OUTCOME_EVENT[decision.kind],
        chat_type=chat_type,
        lang=decision.lang,
        question=decision.question,
        user_id=update.effective_user.id if update.effective_user else None,
        entry_id=answered.id if answered else None,
        candidates=tuple((c.entry.id, c.score) for c in decision.candidates),
    )


async def slow_down(update: Update, context: Context) -> None:
    """Before any other handler: the first update over its sender's share is answered "slow down", once
    (in a private chat, or as a button's toast; a group is not told about one member)."""
    fairness = context.bot_data.fairness
    if fairness is None or not fairness.owes_slow_down(update):
        return
    text = say("slow_down", await user_lang(update, context))
    if update.callback_query is not None:
        await update.callback_query.answer(text)
    elif update.effective_message is not None and not in_group(update):
        await update.effective_message.reply_text(text)
    raise ApplicationHandlerStop


async def not_text(update: Update, context: Context) -> None:
    """Stickers, photos, voice and the like in a private chat: a short polite reply."""
    if update.effective_message is not None:
        lang = await user_lang(update, context)
        await update.effective_message.reply_text(say("not_text", lang, **_facts(context, lang)))


async def inline_query(update: Update, context: Context) -> None:
    """@bot query in any chat: the best matching measures, as articles to send; a hint when none match."""
    query = update.inline_query
    if query is None:
        return
    brain = context.bot_data.current()
    knowledge = brain.knowledge
    text = query.query[:MAX_INLINE_QUERY]
    lang = detect_language(text) or _code_lang(update) or "zh"
    if text.strip():
        ranking = brain.matcher.rank(text, lang)
        entries = [c.entry for c in ranking.candidates if c.score >= brain.matcher.tuning.ask][:INLINE_RESULTS]
    else:
        entries = [e for e in knowledge.entries if e.line is None or e.id in knowledge.lines]
    results = []
    for entry in entries:
        reply = brain.entry_reply(entry.id, lang)
        if reply is None:
            continue
        results.append(
            InlineQueryResultArticle(
                id=entry.id,
                title=entry.title_in(lang),
                description=reply.text[:100],
                input_message_content=InputTextMessageContent(reply_html(reply)),
            )
        )
    hint = None
    if not results:
        hint = InlineQueryResultsButton(
            text=f"{say('inline_none', lang)}: {say('inline_open', lang)}", start_parameter="inline"
        )
    await query.answer(results, cache_time=300, button=hint)


async def error_handler(update: object, context: Context) -> None:
    """Log any error with its update and keep going; tell a private chat something went wrong.

    A reply lost to the network (timed out, or still failing after the retries) is only
    logged: a timed-out reply may well have arrived, and an apology after it would confuse;
    if it did not, the apology would most likely be lost the same way.
    """
    error = context.error
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        chat = update.effective_chat.id if isinstance(update, Update) and update.effective_chat else None
        log.warning("a reply to chat %s may not have arrived: %s", chat, error)
        return
    log.error("error while handling an update: %s", error, exc_info=error)
    if isinstance(update, Update) and update.effective_message and update.effective_chat:
        if update.effective_chat.type != ChatType.PRIVATE:
            return
        try:
            await update.effective_message.reply_text(say("error", _code_lang(update) or "zh"))
        except TelegramError:
            log.warning("could not tell the user about the error")
