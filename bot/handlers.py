"""Telegram handlers: read the update, ask the core, send what `markup` renders.

No matching logic lives here. Long-lived services are in `context.bot_data`, a typed
`BotServices` object set up by `bot.application.build_application`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import CallbackContext, ExtBot

from bot.answering import MAX_QUESTION_CHARS, Brain
from bot.feedback import Event, FeedbackStore
from bot.language import Lang, as_lang
from bot.markup import entry_page, line_menu, render, reply_html, topics_menu
from bot.matching import Decision
from bot.normalise import detect_language
from bot.reloading import ReloadResult
from bot.reply import answer_reply, title_of
from bot.reporting import entry_titles, render_stats, render_unanswered, stats, unanswered
from bot.texts import day

log = logging.getLogger(__name__)

REMEMBERED_ANSWERS = 5000
"""Answers whose question is kept for their 👍/👎 buttons; older votes are recorded without it."""


@dataclass(frozen=True)
class Asked:
    """What an answer message answered, for the vote under it."""

    question: str
    lang: Lang


class BotServices:
    """What the handlers share: the current FAQ, the feedback store, recent questions."""

    def __init__(self) -> None:
        self.brain: Brain | None = None
        self.feedback: FeedbackStore | None = None
        self.asked: OrderedDict[tuple[int, int], Asked] = OrderedDict()
        self.admins: frozenset[int] = frozenset()
        self.reload: Callable[[str], Awaitable[ReloadResult]] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    def background(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run `work` on its own, keeping a reference until it ends (asyncio keeps only weak ones)."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def current(self) -> Brain:
        """The FAQ answering now (replaced whole on reload)."""
        if self.brain is None:
            raise RuntimeError("the application was built without an FAQ")
        return self.brain

    def remember(self, chat_id: int, message_id: int, asked: Asked) -> None:
        """Keep the question behind an answer message, forgetting the oldest beyond the limit."""
        self.asked[chat_id, message_id] = asked
        while len(self.asked) > REMEMBERED_ANSWERS:
            self.asked.popitem(last=False)

    async def record(self, event: Event) -> None:
        """Store a feedback event if a store is configured, off the event loop (a write may wait on the disk)."""
        if self.feedback is not None:
            await asyncio.to_thread(self.feedback.record, event)


Context = CallbackContext[ExtBot[int], dict[Any, Any], dict[Any, Any], BotServices]

TEXTS: dict[str, dict[Lang, str]] = {
    "start": {
        "zh": (
            "你好！我是<b>孝昌县基层党建问答</b>机器人。我只了解一篇报道：{title}（2022年11月16日），"
            "讲孝昌县“四化”并举抓基层党建的四个方面、十二项举措和相关数据。\n\n"
            "直接发问题给我就行，比如下面这些；/topics 浏览目录，/help 看用法。"
        ),
        "en": (
            "Hello! I answer questions about one report: {title} (16 November 2022), on how Xiaochang County "
            "strengthened grassroots Party building: four lines of work, twelve measures and their figures.\n\n"
            "Just send me a question, such as the ones below; /topics browses the article, /help explains more."
        ),
    },
    "help": {
        "zh": (
            "<b>怎么问</b>：用自己的话提问，中文英文都行，例如“党小组有多少个”“沈腾是谁”“875是什么”。"
            "打错字、繁体字也没关系。我不确定时会给出几个选项让您选。\n\n"
            "<b>命令</b>\n/topics 按目录浏览\n/ask 问题 — 在群里提问\n/about 关于这篇文章\n/help 本说明\n\n"
            "在群里：@我、回复我的消息，或用 /ask 提问。"
        ),
        "en": (
            '<b>How to ask</b>: in your own words, in Chinese or English, e.g. "How many Party groups are '
            'there?", "Who is Shen Teng?", "What is 875?". When unsure I offer a few options to pick from.\n\n'
            "<b>Commands</b>\n/topics browse the article\n/ask question: ask in a group\n"
            "/about about the article\n/help this text\n\nIn groups: mention me, reply to me, or use /ask."
        ),
    },
    "about": {
        "zh": ("<b>{title}</b>\n{date} · 来源：{source}\n\n我只知道这一篇文章的内容，其他问题无法回答。"),
        "en": ("<b>{title}</b>\n{date} · Source: {source}\n\nI only know what this one article says."),
    },
    "ask_usage": {
        "zh": "用法：/ask 问题，例如 /ask 党小组有多少个",
        "en": "Usage: /ask question, e.g. /ask How many Party groups?",
    },
    "not_text": {
        "zh": "我只能读文字问题。请用文字提问，例如：孝昌县有多少个党小组？",
        "en": "I can only read text. Please type your question, e.g. How many Party groups are there?",
    },
    "too_long": {
        "zh": "问题太长了，请用一两句话提问。",
        "en": "That is a long message; please ask in a sentence or two.",
    },
    "voted": {"zh": "谢谢您的反馈！", "en": "Thanks for the feedback!"},
    "admins_only": {
        "zh": "抱歉，这个命令只供管理员使用。",
        "en": "Sorry, that command is for the bot's admins.",
    },
    "reloaded": {"zh": "问答库已重新加载：{entries} 条。", "en": "FAQ reloaded: {entries} entries."},
    "not_reloaded": {
        "zh": "问答库有错误，未加载，仍在使用原来的版本：",
        "en": "The FAQ file has problems and was not loaded; the previous version still answers:",
    },
    "gone": {"zh": "这个选项已失效，请重新提问。", "en": "That option is no longer available; please ask again."},
    "error": {"zh": "抱歉，出了点问题，请再试一次。", "en": "Sorry, something went wrong. Please try again."},
}


def user_lang(update: Update, fallback_text: str = "") -> Lang:
    """The user's language: what they wrote if it says, else Telegram's language_code, else Chinese."""
    written = detect_language(fallback_text) if fallback_text else None
    return written or _code_lang(update) or "zh"


def _code_lang(update: Update) -> Lang | None:
    """The language of the user's Telegram app, if the bot speaks it."""
    user = update.effective_user
    return as_lang(user.language_code) if user else None


def _examples(brain: Brain, lang: Lang) -> list[list[InlineKeyboardButton]]:
    knowledge = brain.knowledge
    rows = []
    for line in list(knowledge.lines)[:3]:
        measures = knowledge.measures_of(line)
        if measures:
            entry = measures[0]
            question = entry.questions[0] if lang == "zh" else entry.en.questions[0]
            rows.append([InlineKeyboardButton(question[:60], callback_data=f"e|{entry.id}|{lang}")])
    return rows


async def start(update: Update, context: Context) -> None:
    """/start: a greeting in the user's language, what the bot knows, three example questions."""
    message = update.effective_message
    if message is None:
        return
    lang = user_lang(update)
    brain = context.bot_data.current()
    await message.reply_text(
        TEXTS["start"][lang].format(title=escape(brain.knowledge.article.title.of(lang))),
        reply_markup=InlineKeyboardMarkup(_examples(brain, lang)),
    )


async def help_command(update: Update, context: Context) -> None:
    """/help: how to ask, and the commands."""
    if update.effective_message:
        await update.effective_message.reply_text(TEXTS["help"][user_lang(update)])


async def about(update: Update, context: Context) -> None:
    """/about: the article's title, date and source, and that the bot knows only it."""
    if update.effective_message:
        lang = user_lang(update)
        article = context.bot_data.current().knowledge.article
        await update.effective_message.reply_text(
            TEXTS["about"][lang].format(
                title=escape(article.title.of(lang)),
                date=day(article.published, lang),
                source=escape(article.source.of(lang)),
            )
        )


async def topics(update: Update, context: Context) -> None:
    """/topics: the article as a menu of its four lines of work."""
    if update.effective_message:
        menu = topics_menu(context.bot_data.current().knowledge, user_lang(update))
        await update.effective_message.reply_text(menu.text, reply_markup=menu.keyboard)


async def ask(update: Update, context: Context) -> None:
    """/ask question: answers in any chat, including groups with privacy mode on."""
    message = update.effective_message
    if message is None:
        return
    question = " ".join(context.args or [])
    if not question.strip():
        await message.reply_text(TEXTS["ask_usage"][user_lang(update)])
        return
    await answer_question(update, context, message, question)


async def private_text(update: Update, context: Context) -> None:
    """A text message in a private chat: a question."""
    message = update.effective_message
    if message is not None and message.text is not None:
        await answer_question(update, context, message, message.text)


async def group_text(update: Update, context: Context) -> None:
    """A text message in a group: answered only when it mentions the bot or replies to it."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    me = context.bot
    replied = message.reply_to_message
    to_me = replied is not None and replied.from_user is not None and replied.from_user.id == me.id
    mention = f"@{me.username}".lower() if me.username else None
    mentions = list(message.parse_entities([MessageEntity.MENTION]).values())
    if not to_me and not (mention and any(m.lower() == mention for m in mentions)):
        return
    question = message.text
    if mention:
        question = " ".join(word for word in question.split() if word.lower() != mention)
    await answer_question(update, context, message, question)


async def answer_question(update: Update, context: Context, message: Message, question: str) -> None:
    """Match a question and reply with the answer, a question back, or an honest no."""
    services = context.bot_data
    lang = user_lang(update, question)
    if len(question) > MAX_QUESTION_CHARS:
        await message.reply_text(TEXTS["too_long"][lang])
        return
    started = time.perf_counter()
    brain = services.current()
    decision, reply = brain.respond(question, _code_lang(update))
    rendered = render(brain.knowledge, reply)
    sent = await message.reply_text(rendered.text, reply_markup=rendered.keyboard)
    answered = decision.answered
    log.info(
        "question answered outcome=%s entry=%s lang=%s took_ms=%.1f",
        decision.kind,
        answered.id if answered else "-",
        decision.lang,
        (time.perf_counter() - started) * 1000,
    )
    if answered is not None:
        services.remember(sent.chat_id, sent.message_id, Asked(question, decision.lang))
    await services.record(_event(decision, update, message.chat.type))


OUTCOME_EVENT = {
    "answer": "answered",
    "ask-back": "asked_back",
    "decline": "unanswered",
    "unexplained": "unanswered",
    "small-talk": "small_talk",
}


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


async def _admin_message(update: Update, context: Context) -> Message | None:
    """The message of an admin's command; anyone else is told it is for admins, and gets None."""
    message, user = update.effective_message, update.effective_user
    if message is None:
        return None
    if user is None or user.id not in context.bot_data.admins:
        await message.reply_text(TEXTS["admins_only"][user_lang(update)])
        return None
    return message


def _since(context: Context) -> datetime:
    days = 1 if (context.args or [""])[0].lower() in ("day", "today", "天", "今天") else 7
    return datetime.now(UTC) - timedelta(days=days)


async def stats_command(update: Update, context: Context) -> None:
    """/stats [day|week] (admins only): questions, answer and ask-back rates, top measures, votes."""
    message = await _admin_message(update, context)
    feedback = context.bot_data.feedback
    if message is None or feedback is None:
        return
    since = _since(context)
    rows = await asyncio.to_thread(feedback.events, None, since)
    titles = entry_titles(context.bot_data.current().knowledge)
    await message.reply_text(f"<pre>{escape(render_stats(stats(rows, since), titles))}</pre>")


async def unanswered_command(update: Update, context: Context) -> None:
    """/unanswered [day|week] (admins only): the most frequent questions the bot could not answer."""
    message = await _admin_message(update, context)
    feedback = context.bot_data.feedback
    if message is None or feedback is None:
        return
    rows = await asyncio.to_thread(feedback.events, None, _since(context))
    titles = entry_titles(context.bot_data.current().knowledge)
    await message.reply_text(f"<pre>{escape(render_unanswered(unanswered(rows), titles))[:3900]}</pre>")


async def reload_command(update: Update, context: Context) -> None:
    """/reload (admins only): load the FAQ file again and say what happened."""
    message = await _admin_message(update, context)
    services = context.bot_data
    if message is None or services.reload is None:
        return
    lang = user_lang(update)
    user_id = update.effective_user.id if update.effective_user else 0
    result = await services.reload(f"/reload by admin {user_id}")
    if result.ok:
        await message.reply_text(TEXTS["reloaded"][lang].format(entries=result.entries))
        return
    problems = "\n".join(result.problems[:20])
    await message.reply_text(f"{escape(TEXTS['not_reloaded'][lang])}\n<pre>{escape(problems)[:3500]}</pre>")


async def not_text(update: Update, context: Context) -> None:
    """Stickers, photos, voice and the like in a private chat: a short polite reply."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(TEXTS["not_text"][user_lang(update)])


async def button(update: Update, context: Context) -> None:
    """A button press: open a menu, an entry, pick an option, or vote."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    kind, _, rest = query.data.partition("|")
    brain = context.bot_data.current()
    knowledge = brain.knowledge
    if kind == "v":
        await _vote(update, context, rest)
        return
    await query.answer()
    target = query.message if isinstance(query.message, Message) else None
    if kind == "t":
        menu = topics_menu(knowledge, _lang(rest))
        await query.edit_message_text(menu.text, reply_markup=menu.keyboard)
        return
    key, _, lang_text = rest.partition("|")
    lang = _lang(lang_text)
    if kind == "l":
        menu_page = line_menu(knowledge, key, lang)
        if menu_page is not None:
            await query.edit_message_text(menu_page.text, reply_markup=menu_page.keyboard)
        return
    reply = brain.entry_reply(key, lang)
    if reply is None:
        await query.answer(TEXTS["gone"][lang])
        return
    if kind == "m":
        page = entry_page(knowledge, reply)
        await query.edit_message_text(page.text, reply_markup=page.keyboard)
    elif kind == "f":
        full = brain.full_reply(key, lang)
        if full is not None:
            rendered = render(knowledge, full)
            await query.edit_message_text(rendered.text, reply_markup=rendered.keyboard)
    elif kind == "d" and target is not None:
        rendered = render(knowledge, reply)
        await query.edit_message_text(rendered.text, reply_markup=rendered.keyboard)
        context.bot_data.remember(target.chat_id, target.message_id, Asked("", lang))
    elif target is not None:
        rendered = render(knowledge, reply)
        sent = await target.reply_text(rendered.text, reply_markup=rendered.keyboard)
        context.bot_data.remember(sent.chat_id, sent.message_id, Asked("", lang))


def _lang(text: str) -> Lang:
    return "en" if text == "en" else "zh"


async def _vote(update: Update, context: Context, rest: str) -> None:
    query = update.callback_query
    if query is None:
        return
    sign, _, entry_id = rest.partition("|")
    message = query.message if isinstance(query.message, Message) else None
    asked = context.bot_data.asked.get((message.chat_id, message.message_id)) if message else None
    lang = asked.lang if asked else user_lang(update)
    await context.bot_data.record(
        Event(
            kind="vote",
            chat_type=message.chat.type if message else ChatType.PRIVATE,
            lang=lang,
            question=asked.question if asked else "",
            user_id=query.from_user.id,
            entry_id=entry_id,
            vote=1 if sign == "+" else -1,
        )
    )
    await query.answer(TEXTS["voted"][lang])
    if message is not None and message.reply_markup is not None:
        rows = [list(row) for row in message.reply_markup.inline_keyboard]
        kept = [row for row in rows if not any(str(b.callback_data or "").startswith("v|") for b in row)]
        try:
            await query.edit_message_reply_markup(InlineKeyboardMarkup(kept))
        except BadRequest as error:
            log.debug("vote buttons not removed: %s", error)


async def inline_query(update: Update, context: Context) -> None:
    """@bot query in any chat: the best matching measures, as articles to send."""
    query = update.inline_query
    if query is None:
        return
    brain = context.bot_data.current()
    text = query.query[:256]
    lang = detect_language(text) or user_lang(update)
    if text.strip():
        ranking = brain.matcher.rank(text, lang)
        entries = [c.entry for c in ranking.candidates if c.score >= brain.matcher.tuning.ask][:5]
    else:
        entries = [brain.knowledge.by_id[i] for i in ("overview", *brain.knowledge.lines) if i in brain.knowledge.by_id]
    results = []
    for entry in entries:
        reply = answer_reply(brain.knowledge, entry, lang)
        results.append(
            InlineQueryResultArticle(
                id=entry.id,
                title=title_of(entry, lang),
                description=(reply.text[:100]),
                input_message_content=InputTextMessageContent(reply_html(reply)),
            )
        )
    await query.answer(results, cache_time=300)


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
            await update.effective_message.reply_text(TEXTS["error"][user_lang(update)])
        except TelegramError:
            log.warning("could not tell the user about the error")
