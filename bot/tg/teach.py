"""Teaching the bot from what it could not answer: /unanswered, with buttons on every question.

/unanswered [day|week] lists the questions the bot declined or asked back about (near duplicates
grouped) and the answers people gave 👎, then sends each as a card of its own with buttons: the
entries the bot weighs most likely for it, "another entry…" (every entry, page by page) and "not
in the article". A press files the question (`bot.faq.teaching`): the admin's filings so far are
written into the FAQ in use and reviewed like an upload (schema and self-check, off the event
loop), and one review with Apply and Cancel takes the place of the previous one, so that several
questions go in with one Apply as one version. A filing that would make the self-check fail (for
instance another entry's examples then answered otherwise) is refused on its card with the reason;
the filings before it stay. Cards and reviews live in the store: it works the same with replicas.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime, timedelta
from html import escape

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from telegram.error import TelegramError

from bot.core.brain import Brain
from bot.faq.knowledge import KnowledgeBase
from bot.faq.teaching import Lesson, TeachingError, check, file_lessons, lessons_from_json, lessons_to_json
from bot.language import Lang
from bot.ops.reporting import Downvote, Group, downvoted, entry_titles, render_unanswered, unanswered
from bot.storage.store import Card, PendingReview, StoreError, new_id
from bot.texts import say
from bot.tg.admin import MAX_SHOWN, AdminReply, admin_button, admin_only, period
from bot.tg.admin_faq import review_with
from bot.tg.callbacks import Callback, Kind
from bot.tg.handlers import Context
from bot.tg.markup import Rendered, button, telegram_length

log = logging.getLogger(__name__)

CARDS_SHOWN = 8
"""Questions sent as cards with buttons, of each kind (declined or asked back; 👎), the most frequent first."""
CANDIDATES = 3
"""Entries a card offers by name: those the bot weighs most likely."""
PICK_PAGE = 10
"""Entries per page when picking any other entry."""
CARD_KEY = re.compile(r"^([A-Za-z0-9_-]{12})(?::([a-z0-9][a-z0-9-]{0,39})|(!)|\?([0-9]{1,3})|(<))$")
"""A card button's key: the card's id, then `:entry` (file it there), `!` (not in the article),
`?page` (pick another entry) or `<` (back to the card's own buttons)."""

_filing: dict[int, asyncio.Lock] = {}
"""One filing at a time per admin in this process: two quick presses must not both build on the same
earlier filings and lose one."""


@admin_only
async def unanswered_command(update: Update, context: Context, lang: Lang) -> AdminReply | None:
    """/unanswered [day|week]: what the bot could not answer, then a card with buttons for each question."""
    days = period(context)
    if days is None:
        return escape(say("period_usage", lang, command="/unanswered"))
    services, user = context.bot_data, update.effective_user
    store = services.store
    since = store.clock() - timedelta(days=days)
    try:
        events = await store.events.since(since, ("unanswered", "asked_back"))
        votes = await store.votes.since(since)
    except StoreError as error:
        log.warning("usage not read: %s", error)
        return escape(say("store_unavailable", lang))
    groups, downs = unanswered(events), downvoted(votes)
    brain = services.current()
    listed = _pre(render_unanswered(groups, entry_titles(brain.knowledge, lang), lang, downs))
    if (not groups and not downs) or user is None:
        return listed
    cards = _cards(brain, user.id, now=store.clock(), life=store.lifetimes.card, groups=groups, downs=downs)
    try:
        await store.cards.add([card for card, _ in cards])
    except StoreError as error:
        log.warning("cards not kept: %s", error)
        return listed
    shown = tuple(Rendered(text, card_keyboard(card, brain.knowledge, lang)) for card, text in cards)
    return (f"{listed}\n{escape(say('teach_hint', lang))}", *shown)


def _pre(text: str) -> str:
    """Plain text in a `<pre>` block within `MAX_SHOWN` (cut before escaping, so no entity is cut)."""
    while telegram_length(escape(text)) > MAX_SHOWN:
        text = text[: len(text) * 9 // 10]
    return f"<pre>{escape(text)}</pre>"


def _cards(
    brain: Brain, admin: int, *, now: datetime, life: timedelta, groups: list[Group], downs: list[Downvote]
) -> list[tuple[Card, str]]:
    """A card (and its text, HTML) per question: the declined and asked back, then the 👎."""
    made: list[tuple[Card, str]] = []
    for group in groups[:CARDS_SHOWN]:
        kind = "asked_back" if group.asked_back == group.count else "unanswered"
        card = Card(new_id(), admin, now, now + life, kind, group.lang, group.question, None,
                    _candidates(brain, group.question, group.lang, None))  # fmt: skip
        made.append((card, escape(f"{group.count}× {group.question}")))
    for vote in downs[:CARDS_SHOWN]:
        card = Card(new_id(), admin, now, now + life, "downvoted", vote.lang, vote.question, vote.entry_id,
                    _candidates(brain, vote.question, vote.lang, vote.entry_id))  # fmt: skip
        made.append((card, escape(f"{vote.people}👎 {vote.question}")))
    return made


def _candidates(brain: Brain, question: str, lang: Lang, exclude: str | None) -> tuple[str, ...]:
    """The entries the bot weighs most likely for a question, best first."""
    ranked = brain.matcher.rank(question, lang).candidates
    return tuple(c.entry.id for c in ranked if c.entry.id != exclude and c.score > 0)[:CANDIDATES]


def _lang(card: Card) -> Lang:
    return "en" if card.lang == "en" else "zh"


def card_keyboard(card: Card, knowledge: KnowledgeBase, lang: Lang) -> InlineKeyboardMarkup:
    """A card's own buttons: its likeliest entries, another entry, not in the article."""
    rows = [
        [button(f"→ {knowledge.by_id[entry].title_in(lang)}", Callback(Kind.TEACH, f"{card.id}:{entry}", lang))]
        for entry in card.candidates
        if entry in knowledge.by_id
    ]
    rows.append(
        [button(say("teach_other", lang), Callback(Kind.TEACH, f"{card.id}?0", lang)),
         button(say("teach_not_in_article", lang), Callback(Kind.TEACH, f"{card.id}!", lang))]
    )  # fmt: skip
    return InlineKeyboardMarkup(rows)


def picker(card: Card, knowledge: KnowledgeBase, page: int, lang: Lang) -> InlineKeyboardMarkup:
    """Every entry, a page at a time, to file a card's question under any of them."""
    entries = knowledge.entries[page * PICK_PAGE : (page + 1) * PICK_PAGE]
    rows = [[button(e.title_in(lang), Callback(Kind.TEACH, f"{card.id}:{e.id}", lang))] for e in entries]
    bottom: list[InlineKeyboardButton] = [button(say("back", lang), Callback(Kind.TEACH, f"{card.id}<", lang))]
    if (page + 1) * PICK_PAGE < len(knowledge.entries):
        bottom.append(button(say("teach_more", lang), Callback(Kind.TEACH, f"{card.id}?{page + 1}", lang)))
    rows.append(bottom)
    return InlineKeyboardMarkup(rows)


@admin_button
async def teach(update: Update, context: Context, query: CallbackQuery, callback: Callback, user: User) -> None:
    """A card's button: file its question, or page through the entries to pick one."""
    lang, services = callback.lang, context.bot_data
    found = CARD_KEY.match(callback.key)
    try:
        card = await services.store.cards.get(found.group(1)) if found else None
    except StoreError as error:
        log.warning("card not read: %s", error)
        await query.answer(say("store_unavailable", lang), show_alert=True)
        return
    message = query.message if isinstance(query.message, Message) else None
    if found is None or card is None:
        await query.answer(say("card_gone", lang), show_alert=True)
        await _keyboard(message, None)
        return
    _, entry, declined, page, back = found.groups()
    knowledge = services.current().knowledge
    if page is not None or back is not None:
        await query.answer()
        keyboard = picker(card, knowledge, int(page), lang) if page is not None else None
        await _keyboard(message, keyboard or card_keyboard(card, knowledge, lang))
        return
    lesson = Lesson(card.question, _lang(card), None if declined else entry)
    lock = _filing.setdefault(user.id, asyncio.Lock())
    async with lock:
        await _file(update, context, query, message, lesson=lesson, lang=lang)


async def _file(
    update: Update, context: Context, query: CallbackQuery, message: Message | None, *, lesson: Lesson, lang: Lang
) -> None:
    """File a lesson with the admin's earlier ones into a new teaching review, or refuse it with why."""
    services, user = context.bot_data, update.effective_user
    faq = services.faq
    if faq is None or user is None:
        await query.answer(say("faq_unavailable", lang), show_alert=True)
        return
    knowledge = services.current().knowledge
    try:
        check(knowledge, lesson)
    except TeachingError as error:
        await query.answer(error.reason(lang)[:200], show_alert=True)
        return
    await query.answer(say("teach_filing", lang))
    store = services.store
    try:
        draft = await store.reviews.open_teaching(user.id)
    except StoreError as error:
        log.warning("teaching review not read: %s", error)
        draft = None
    earlier = [
        old
        for old in (lessons_from_json(draft.lessons) if draft else [])
        if (old.question, old.lang) != (lesson.question, lesson.lang) and _still_fits(knowledge, old)
    ]
    lessons = [*earlier, lesson]
    try:
        raw = file_lessons(faq.raw, lessons)
    except TeachingError as error:
        await _settle_card(message, escape(error.reason(lang)), keep_buttons=True)
        return
    intro = filings(lessons, knowledge, lang)
    refused_head = say("teach_refused", lang, question=lesson.question, where=_where(lesson, knowledge, lang))
    reply, pending = await review_with(
        update, context, lang, raw, faq.path.name, kind="teach", lessons=lessons_to_json(lessons), intro=intro,
        refused_head=refused_head,
    )  # fmt: skip
    if pending is None or not isinstance(reply, Rendered):
        await _settle_card(message, reply if isinstance(reply, str) else reply.text, keep_buttons=True)
        return
    chat = message.chat_id if message is not None else user.id
    sent = await context.bot.send_message(chat, reply.text, reply_markup=reply.keyboard)
    try:
        await store.reviews.shown(pending.id, chat, sent.message_id)
        if draft is not None and await store.reviews.settle(draft.id, "replaced"):
            await _replaced(context, draft, knowledge, lang)
    except StoreError as error:
        log.warning("teaching review not updated: %s", error)
    done = say("teach_filed", lang, where=_where(lesson, knowledge, lang))
    await _settle_card(message, f"<b>{escape(done)}</b>", keep_buttons=False)


def _still_fits(knowledge: KnowledgeBase, lesson: Lesson) -> bool:
    """Whether an earlier filing can still be filed into the FAQ in use (it may have changed since)."""
    try:
        check(knowledge, lesson)
    except TeachingError:
        return False
    return True


def _where(lesson: Lesson, knowledge: KnowledgeBase, lang: Lang) -> str:
    if lesson.entry is None:
        return say("teach_where_declined", lang)
    entry = knowledge.by_id.get(lesson.entry)
    return say("teach_where_entry", lang, title=entry.title_in(lang) if entry else lesson.entry)


def filings(lessons: list[Lesson], knowledge: KnowledgeBase, lang: Lang) -> tuple[str, ...]:
    """The lines that head a teaching review: the questions it files, and where."""
    head = say("teach_pending", lang, count=len(lessons))
    return (
        head,
        *(f"{n}. “{lesson.question}” → {_where(lesson, knowledge, lang)}" for n, lesson in enumerate(lessons, 1)),
    )


async def _settle_card(message: Message | None, outcome_html: str, *, keep_buttons: bool) -> None:
    """Say on a card what became of its question; its buttons go once it is filed."""
    if message is None or message.text is None:
        return
    keyboard = message.reply_markup if keep_buttons else None
    text = escape(message.text.split("\n\n", 1)[0])
    try:
        await message.edit_text(f"{text}\n\n{outcome_html}", reply_markup=keyboard)
    except TelegramError as error:
        log.debug("card not updated: %s", error)


async def _keyboard(message: Message | None, keyboard: InlineKeyboardMarkup | None) -> None:
    if message is None:
        return
    try:
        await message.edit_reply_markup(keyboard)
    except TelegramError as error:
        log.debug("card buttons not changed: %s", error)


async def _replaced(context: Context, draft: PendingReview, knowledge: KnowledgeBase, lang: Lang) -> None:
    """The previous teaching review's message: its filings, and that the review below replaces it."""
    chat_id, message_id = draft.chat_id, draft.message_id
    if chat_id is None or message_id is None:
        return
    lines = "\n".join(filings(lessons_from_json(draft.lessons), knowledge, lang))
    text = f"{escape(lines)}\n\n<b>{escape(say('review_replaced', lang))}</b>"
    try:
        await context.bot.edit_message_text(text, chat_id, message_id, reply_markup=None)
    except TelegramError as error:
        log.debug("replaced review not updated: %s", error)
