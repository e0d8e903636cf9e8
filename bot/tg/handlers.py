"""Telegram handlers for what people send: commands, questions (text or a caption), edits,
stickers and photos, inline queries.

Handlers read the update, hand the message to the conversation layer (`bot.conversation.turns`)
and send what `bot.tg.markup` renders of its reply. They keep no conversation state: the
language, what was offered, the last answer and the usage log are the layer's. Buttons are in
`bot.tg.buttons`, admin commands in `bot.tg.admin`. No matching logic lives here.
"""

from __future__ import annotations

import logging
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

from bot.conversation.replies import Said
from bot.conversation.state import Who
from bot.core.normalise import detect_language
from bot.language import Lang, as_lang
from bot.storage.store import Answered
from bot.texts import day, say
from bot.tg.markup import MAX_INLINE_QUERY, Rendered, examples_keyboard, render, reply_html
from bot.tg.services import CHANNEL, BotServices

log = logging.getLogger(__name__)

Context = CallbackContext[ExtBot[int], dict[Any, Any], dict[Any, Any], BotServices]

INLINE_RESULTS = 5


def in_group(update: Update) -> bool:
    """Whether the update comes from a group or supergroup."""
    chat = update.effective_chat
    return chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


def who(update: Update, *, privately: bool = False) -> Who:
    """The conversation an update belongs to: this person in this chat (or, `privately`, in their
    private chat with the bot, where a result for them alone goes)."""
    user = update.effective_user
    chat = update.effective_chat
    person = str(user.id) if user else None
    place = person if privately or chat is None else str(chat.id)
    return Who(
        CHANNEL,
        place or "",
        person,
        group=in_group(update) and not privately,
        hint=as_lang(user.language_code) if user else None,
    )


async def user_lang(update: Update, context: Context, text: str = "") -> Lang:
    """The user's language: what they wrote if it says, else what they last wrote in, else their
    Telegram app's language, else Chinese."""
    return await context.bot_data.conversation.language(who(update), text)


def _code_lang(update: Update) -> Lang | None:
    user = update.effective_user
    return as_lang(user.language_code) if user else None


def _facts(context: Context, lang: Lang) -> dict[str, str]:
    article = context.bot_data.current().knowledge.article
    examples = article.examples(lang)
    return {
        "bot": escape(article.bot.of(lang)),
        "title": escape(article.title.of(lang)),
        "date": day(article.published, lang),
        "source": escape(article.source.of(lang)),
        "scope": escape(article.scope.of(lang)),
        "example": escape(examples[0]),
        "examples": say("title_separator", lang).join(
            escape(say("example_quote", lang, example=example)) for example in examples
        ),
    }


async def deliver(
    update: Update, context: Context, message: Message, said: Said, *, question_message_id: int | None = None
) -> Message:
    """Send a reply of the conversation under `message`, and tell the conversation where it went
    (the reply belongs to whoever the update is from)."""
    rendered = render(context.bot_data.current().knowledge, said)
    sent = await message.reply_text(rendered.text, reply_markup=rendered.keyboard)
    user = update.effective_user
    await context.bot_data.conversation.sent(
        said,
        chat_id=sent.chat_id,
        message_id=sent.message_id,
        user_id=user.id if user else None,
        question_message_id=question_message_id,
    )
    return sent


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
    """/help: how to ask (in a group, how to ask there), with the FAQ's example questions, and the
    commands, listed from those registered."""
    message = update.effective_message
    if message is None:
        return
    lang = await user_lang(update, context)
    services = context.bot_data
    listed = "\n".join(f"/{c.name} — {escape(c.describe(lang))}" for c in services.commands if not c.admin)
    text = say("help", lang, commands=listed, examples=_facts(context, lang)["examples"])
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
    """/topics: the article as a menu of its lines of work (numbered: a number picks), owned by who asked."""
    message = update.effective_message
    if message is None:
        return
    lang = await user_lang(update, context)
    said = await context.bot_data.conversation.topics(who(update), lang)
    await deliver(update, context, message, said, question_message_id=message.message_id)


async def ask(update: Update, context: Context) -> None:
    """/ask question: answers in any chat, including groups with privacy mode on."""
    message = update.effective_message
    if message is None:
        return
    question = " ".join(context.args or [])
    if not question.strip():
        lang = await user_lang(update, context)
        await message.reply_text(say("ask_usage", lang, example=_facts(context, lang)["example"]))
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
    """A text message in a private chat, or a photo's caption: a question, a number picking an
    option, or a follow-up to the last answer."""
    message = update.effective_message
    if message is None:
        return
    text = message.text if message.text is not None else message.caption
    if text is not None:
        await answer_question(update, context, message, text)


def _addressed(message: Message, context: Context) -> str | None:
    """The question in a group message (or caption) addressed to the bot (a mention or a reply to it), else None."""
    text = message.text if message.text is not None else message.caption
    if text is None:
        return None
    mention = f"@{context.bot.username}".lower() if context.bot.username else None
    found = (
        message.parse_entities([MessageEntity.MENTION])
        if message.text is not None
        else (message.parse_caption_entities([MessageEntity.MENTION]))
    )
    if _replying_to(message, context) is None and not (mention and any(m.lower() == mention for m in found.values())):
        return None
    if mention:
        text = " ".join(word for word in text.split() if word.lower() != mention)
    return text


def _replying_to(message: Message, context: Context) -> tuple[int, int] | None:
    """The bot's message this one replies to, as (chat, message), if it replies to one."""
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
        return None
    return replied.chat_id, replied.message_id


async def group_text(update: Update, context: Context) -> None:
    """A text message (or caption) in a group: answered only when it mentions the bot or replies to it;
    a number replying to a numbered message of the bot picks from it, for whoever sent it."""
    message = update.effective_message
    if message is None:
        return
    question = _addressed(message, context)
    if question is not None:
        await answer_question(update, context, message, question)


async def edited(update: Update, context: Context) -> None:
    """An edited question is answered again, by editing the reply to it (or with a new reply if it had none)."""
    message = update.edited_message
    if message is None:
        return
    text = message.text if message.text is not None else message.caption
    question = _addressed(message, context) if in_group(update) else text
    if question is None:
        return
    previous = await context.bot_data.conversation.reply_to(message.chat_id, message.message_id)
    await answer_question(update, context, message, question, edit=previous)


async def answer_question(
    update: Update, context: Context, message: Message, question: str, *, edit: Answered | None = None
) -> None:
    """Hand a message to the conversation and send its reply, or edit it into the earlier reply `edit`."""
    conversation = context.bot_data.conversation
    said = await conversation.hear(
        who(update), question, replying_to=_replying_to(message, context), edited=edit is not None
    )
    if edit is None:
        mine = message.from_user is not None and message.from_user.id == context.bot.id  # an example button
        await deliver(update, context, message, said, question_message_id=None if mine else message.message_id)
        return
    rendered = render(context.bot_data.current().knowledge, said)
    await _edit(context, edit, rendered)
    user = update.effective_user
    await conversation.sent(
        said,
        chat_id=edit.chat_id,
        message_id=edit.message_id,
        user_id=user.id if user else None,
        question_message_id=message.message_id,
    )


async def _edit(context: Context, edit: Answered, rendered: Rendered) -> None:
    try:
        await context.bot.edit_message_text(
            rendered.text, edit.chat_id, edit.message_id, reply_markup=rendered.keyboard
        )
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise


async def slow_down(update: Update, context: Context) -> None:
    """Before any other handler: the first update over its sender's share is answered "slow down", once
    (in a private chat, or as a button's toast; a group is not told about one member)."""
    fairness = context.bot_data.fairness
    if fairness is None or not fairness.owes_slow_down(update):
        return
    written = update.effective_message.text if update.effective_message is not None else None
    text = say("slow_down", await user_lang(update, context, written or ""))
    if update.callback_query is not None:
        await update.callback_query.answer(text)
    elif update.effective_message is not None and not in_group(update):
        await update.effective_message.reply_text(text)
    raise ApplicationHandlerStop


async def not_text(update: Update, context: Context) -> None:
    """Stickers, voice, photos without a caption, a document from someone not an admin, in a private
    chat: a short polite reply asking for the question as text."""
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
