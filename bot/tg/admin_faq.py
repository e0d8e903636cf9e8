"""Admins keep the FAQ from a private chat: /faq, upload a `.yaml`, review, Apply or Cancel,
/history and /rollback N.

An uploaded file is checked exactly as a reload checks one, off the event loop, and compared
with the FAQ in use (`bot.faq.review`); nothing changes before Apply, and a file identical to
the one in use offers no Apply. A review has a random id that is never reused, and each of its
buttons carries the start of the SHA-256 of the exact file it shows. Apply puts exactly that
file in use (`FaqReloader.apply`: serialised across processes, refused when the FAQ in force is
no longer the one reviewed) or says why not: expired, stale, already applied, cancelled; a
second press adds no version. Settled reviews lose their buttons and their "press Apply" line.
A rollback is a review of an old version's bytes, applied the same way; so is a teaching review
(`bot.tg.teach`).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from html import escape

from telegram import CallbackQuery, Document, InlineKeyboardMarkup, MaybeInaccessibleMessage, Message, Update, User
from telegram.error import TelegramError

from bot.core.brain import Brain
from bot.faq.diff import render_summary
from bot.faq.knowledge import KnowledgeError, parse_knowledge
from bot.faq.reloading import Trigger
from bot.faq.review import Review, review
from bot.language import Lang
from bot.storage.store import PendingReview, StoreError, Version, new_id
from bot.texts import say
from bot.tg.admin import AdminReply, Attachment, admin_button, admin_only, author, problems_text, with_problems
from bot.tg.callbacks import Callback, Kind
from bot.tg.handlers import Context, in_group, user_lang
from bot.tg.markup import MAX_CAPTION, MAX_MESSAGE, Rendered, button, telegram_length

log = logging.getLogger(__name__)

YAML_SUFFIXES = (".yaml", ".yml")
HISTORY = 10
"""Versions /history lists."""
MAX_UPLOAD_BYTES = 400_000
"""An upload's size cap: five times the article's FAQ (81 KB). Reviewing one builds the whole
matcher (0.4 s for the article's FAQ), off the event loop but on the bot's CPU; the loader's
own cap (1 MB) is for files on the server."""
MAX_UPLOAD_ENTRIES = 200
"""An upload's cap on entries, checked on its schema before the matcher is built: ten times the article's."""
DIGEST_SHOWN = 12
"""Hex digits of a file's SHA-256 its review's buttons carry."""
REVIEW_KEY = re.compile(rf"^([A-Za-z0-9_-]{{12}})\.([0-9a-f]{{{DIGEST_SHOWN}}})$")
"""A review button's key: the review's id and the start of the file's digest."""
HINT_MARK = "⏳"
"""How the "press Apply" line of a review begins (`bot.texts`), to take it away once the review is settled."""
ROLLBACK_ARGUMENT = re.compile(r"^[vV#]?([0-9]{1,18})$")
SETTLED_TEXTS = {
    "applied": "review_already_applied",
    "cancelled": "review_was_cancelled",
    "stale": "review_stale",
    "refused": "review_was_refused",
    "replaced": "review_replaced",
    "applying": "review_applying",
}
"""What a press on a settled review is told, by the review's state."""


def shown_author(name: str, lang: Lang) -> str:
    """A version's author as the history shows it: an admin's name, or the file on the server."""
    if name == "file":
        return say("author_file", lang)
    legacy = re.fullmatch(r"admin (\d+)(?: \(v(\d+)\))?", name)  # versions recorded before names were kept
    if legacy is not None:
        return say("author_admin", lang, id=legacy.group(1))
    return name


def version_line(version: Version, lang: Lang) -> str:
    """One line of /history: number, time, author, what changed, in the admin's language."""
    return say("version_line", lang, number=version.number, at=f"{version.at:%Y-%m-%d %H:%M}",
               author=shown_author(version.author, lang), summary=render_summary(version.summary, lang))  # fmt: skip


@admin_only
async def faq_command(update: Update, context: Context, lang: Lang) -> AdminReply | None:
    """/faq: the FAQ in use, as a `.yaml` document, its version and how to edit it in the caption."""
    faq = context.bot_data.faq
    if faq is None or not faq.raw:
        return escape(say("faq_unavailable", lang))
    digest = faq.digest()
    line = say("faq_caption_unknown", lang)
    try:
        for version in await context.bot_data.store.versions.latest(HISTORY * 5):
            if version.sha256 == digest:
                line = say("faq_caption", lang, line=version_line(version, lang))
                break
    except StoreError as error:
        log.warning("FAQ versions not read: %s", error)
    caption = escape(line + "\n" + say("faq_edit_hint", lang))
    return Attachment(faq.raw, faq.path.name, caption if len(caption) <= MAX_CAPTION else escape(line)[:MAX_CAPTION])


@admin_only
async def history_command(update: Update, context: Context, lang: Lang) -> AdminReply | None:
    """/history: the last versions, newest first, one line each."""
    try:
        versions = await context.bot_data.store.versions.latest(HISTORY)
    except StoreError as error:
        log.warning("FAQ versions not read: %s", error)
        return escape(say("store_unavailable", lang))
    if not versions:
        return escape(say("history_empty", lang))
    lines = [say("history_head", lang), *(version_line(v, lang) for v in versions), say("history_hint", lang)]
    return escape("\n".join(lines))


@admin_only
async def rollback_command(update: Update, context: Context, lang: Lang) -> AdminReply | None:
    """/rollback N: a review of version N against the FAQ in use, with Apply and Cancel."""
    argument = (context.args or [""])[0]
    found = ROLLBACK_ARGUMENT.match(argument)
    if found is None:
        return escape(say("rollback_usage", lang))
    number = int(found.group(1))
    try:
        # a number beyond any version (they count from 1) is not asked of the database
        version = await context.bot_data.store.versions.get(number) if number < 2**31 else None
    except StoreError as error:
        log.warning("FAQ version %d not read: %s", number, error)
        return escape(say("store_unavailable", lang))
    if version is None:
        return escape(say("rollback_unknown", lang, number=number))
    return await reviewed(update, context, lang, version[1], f"v{number}", kind="rollback", rollback_of=number)


async def upload(update: Update, context: Context) -> None:
    """A document in a private chat: an admin's `.yaml` is reviewed; anyone else gets one line."""
    message, user = update.effective_message, update.effective_user
    if message is None or message.document is None or in_group(update):
        return
    lang = await user_lang(update, context)
    if user is None or not context.bot_data.is_admin(user.id):
        await message.reply_text(say("upload_not_admin", lang))
        return
    name = message.document.file_name or "faq.yaml"
    raw = await _download(message.document, name, lang)
    if isinstance(raw, str):
        await message.reply_text(raw)
        return
    reply = await reviewed(update, context, lang, raw, name)
    text, keyboard = (reply.text, reply.keyboard) if isinstance(reply, Rendered) else (reply, None)
    await message.reply_text(text, reply_markup=keyboard)


async def _download(document: Document, name: str, lang: Lang) -> bytes | str:
    """The document's bytes, or why not (HTML-safe): not `.yaml`, over the size cap (known from
    Telegram's figures before any download), or the download failed."""
    if not name.lower().endswith(YAML_SUFFIXES):
        return escape(say("upload_not_yaml", lang, name=name))
    if document.file_size is not None and document.file_size > MAX_UPLOAD_BYTES:
        return say("upload_too_big", lang, size=document.file_size, limit=MAX_UPLOAD_BYTES)
    try:
        file = await document.get_file()
        if file.file_size is not None and file.file_size > MAX_UPLOAD_BYTES:
            return say("upload_too_big", lang, size=file.file_size, limit=MAX_UPLOAD_BYTES)
        raw = bytes(await file.download_as_bytearray())
    except TelegramError as error:
        log.warning("upload not downloaded: %s", error)
        return say("upload_failed", lang)
    if len(raw) > MAX_UPLOAD_BYTES:
        return say("upload_too_big", lang, size=len(raw), limit=MAX_UPLOAD_BYTES)
    return raw


def _check(current: Brain, raw: bytes, name: str) -> Review | int:
    """The review of `raw` (in a thread of its own: building a matcher takes a while), or the number
    of its entries when there are more than an upload may have."""
    try:
        entries = len(parse_knowledge(raw, name).entries)
    except KnowledgeError:
        entries = 0  # the review says what is wrong
    if entries > MAX_UPLOAD_ENTRIES:
        return entries
    return review(current.knowledge, raw, name, Brain.parse)


async def reviewed(
    update: Update,
    context: Context,
    lang: Lang,
    raw: bytes,
    name: str,
    *,
    kind: str = "upload",
    rollback_of: int | None = None,
) -> Rendered | str:
    """Check `raw` against the FAQ in use: its problems, or the review with Apply and Cancel."""
    reply, _ = await review_with(update, context, lang, raw, name, kind=kind, rollback_of=rollback_of)
    return reply


async def review_with(
    update: Update,
    context: Context,
    lang: Lang,
    raw: bytes,
    name: str,
    *,
    kind: str = "upload",
    rollback_of: int | None = None,
    lessons: str = "[]",
    intro: tuple[str, ...] = (),
    refused_head: str | None = None,
) -> tuple[Rendered | str, PendingReview | None]:
    """Check `raw` against the FAQ in use: its problems (under `refused_head`, if given), or the review
    with Apply and Cancel and the review as kept in the store under a new id. `intro` lines go first."""
    services, user = context.bot_data, update.effective_user
    faq = services.faq
    if faq is None or user is None:
        return escape(say("faq_unavailable", lang)), None
    if raw == faq.raw:
        return escape("\n".join([*intro, say("review_identical", lang, name=name)])), None
    try:
        base: str | None = await faq.in_force()  # before the review: what it is compared with is in force
    except KnowledgeError as error:
        log.warning("the FAQ in force is not known: %s", "; ".join(error.problems))
        base = None
    result = await asyncio.to_thread(_check, services.current(), raw, name)
    if isinstance(result, int):
        return escape(say("upload_too_many_entries", lang, entries=result, limit=MAX_UPLOAD_ENTRIES)), None
    lines = [*intro, *result.lines(lang)]
    if not result.ok:
        head = refused_head or "\n".join([*intro, say("review_refused", lang, name=name, count=len(result.problems))])
        return with_problems(head, result.problems, lang), None
    store = services.store
    try:
        if base is None:
            raise StoreError("the FAQ in force is not known")
        now = store.clock()
        pending = PendingReview(
            id=new_id(),
            admin=user.id,
            author=author(user),
            kind=kind,
            at=now,
            expires=now + store.lifetimes.review,
            name=name,
            base=base,
            digest=hashlib.sha256(raw).hexdigest(),
            summary=result.summary(),
            body=raw,
            rollback_of=rollback_of,
            lessons=lessons,
        )
        await store.reviews.add(pending)
    except StoreError as error:
        log.warning("review not kept: %s", error)
        return _fitted(lines, say("review_not_kept", lang)), None
    minutes = int(store.lifetimes.review.total_seconds() // 60)
    hint = say("review_apply_hint", lang, minutes=minutes)
    return Rendered(_fitted(lines, hint), review_keyboard(pending, lang)), pending


def _fitted(lines: list[str], last: str) -> str:
    """Review lines and a last line as HTML within Telegram's limit: lines before the last are dropped
    (marked …) rather than cut, so the last one, which the buttons depend on, always shows."""
    shown = list(lines)
    while len(shown) > 1 and telegram_length(escape("\n".join([*shown, last]))) > MAX_MESSAGE:
        shown = [*shown[:-2], "…"]
    return escape("\n".join([*shown, last]))


def review_keyboard(pending: PendingReview, lang: Lang) -> InlineKeyboardMarkup:
    """Apply and Cancel, each tied to the review and to the digest of the file it shows."""
    key = f"{pending.id}.{pending.digest[:DIGEST_SHOWN]}"
    return InlineKeyboardMarkup(
        [[button(say("apply", lang), Callback(Kind.APPLY, key, lang)),
          button(say("cancel", lang), Callback(Kind.CANCEL, key, lang))]]
    )  # fmt: skip


async def _pressed_review(
    context: Context, query: CallbackQuery, callback: Callback, user: User
) -> PendingReview | None:
    """The review a button names, if it is this admin's and open; else the press is answered with why
    not (and the message closed when the review is over) and None is returned."""
    lang = callback.lang
    found = REVIEW_KEY.match(callback.key)
    try:
        pending = await context.bot_data.store.reviews.get(found.group(1)) if found else None
    except StoreError as error:
        log.warning("review not read: %s", error)
        await query.answer(say("store_unavailable", lang), show_alert=True)
        return None
    if found is None or pending is None or not pending.digest.startswith(found.group(2)):
        await query.answer()
        await close_review(query.message, say("review_unknown", lang), lang)
        return None
    if pending.admin != user.id:
        await query.answer(say("review_not_yours", lang), show_alert=True)
        return None
    if pending.state != "open":
        text = say(SETTLED_TEXTS.get(pending.state, "review_unknown"), lang, number=pending.version or "?")
        await query.answer(text if pending.state == "applying" else None)
        if pending.state != "applying":
            await close_review(query.message, text, lang)
        return None
    if pending.expires < context.bot_data.store.clock():
        await query.answer()
        await close_review(query.message, say("review_expired", lang), lang)
        return None
    return pending


@admin_button
async def apply(update: Update, context: Context, query: CallbackQuery, callback: Callback, user: User) -> None:
    """Apply: put exactly the reviewed file in use, or say why not."""
    lang, services = callback.lang, context.bot_data
    pending = await _pressed_review(context, query, callback, user)
    if pending is None or services.faq is None:
        return
    reviews = services.store.reviews
    if not await reviews.settle(pending.id, "applying"):
        # another press got there first: say what became of it
        await _pressed_review(context, query, callback, user)
        return
    await query.answer(say("applying", lang))
    trigger = {"rollback": Trigger.ROLLBACK, "teach": Trigger.TEACH}.get(pending.kind, Trigger.UPLOAD)
    note = f"; back to v{pending.rollback_of}" if pending.rollback_of is not None else ""
    try:
        result = await services.faq.apply(
            pending.body, trigger, pending.author, base=pending.base, quiet_for=user.id, author_id=user.id, note=note
        )
    except BaseException:
        await reviews.settle(pending.id, "refused", was=("applying",))  # never left "being applied" for good
        raise
    if result.ok:
        await reviews.settle(pending.id, "applied", was=("applying",), version=result.version)
        outcome = say("applied", lang, entries=result.entries, number=result.version or "?")
    elif result.stale:
        await reviews.settle(pending.id, "stale", was=("applying",))
        outcome = say("review_stale_teach" if pending.kind == "teach" else "review_stale", lang)
    else:
        await reviews.settle(pending.id, "refused", was=("applying",))
        outcome = say("not_applied", lang) + "\n" + problems_text(result.problems, lang)
    await close_review(query.message, outcome, lang)


@admin_button
async def cancel(update: Update, context: Context, query: CallbackQuery, callback: Callback, user: User) -> None:
    """Cancel: forget the review; nothing changes."""
    pending = await _pressed_review(context, query, callback, user)
    if pending is None:
        return
    if not await context.bot_data.store.reviews.settle(pending.id, "cancelled"):
        await _pressed_review(context, query, callback, user)
        return
    await query.answer()
    await close_review(query.message, say("review_cancelled", callback.lang), callback.lang)


def _without_hint(text: str) -> str:
    """A review's text without its last line when that is the "press Apply" line (it starts with ⏳)."""
    head, _, last = text.rpartition("\n")
    return head if head and last.startswith(HINT_MARK) else text


async def close_review(message: MaybeInaccessibleMessage | None, outcome: str, lang: Lang) -> None:
    """The review message keeps its text (less its "press Apply" line), loses its buttons, and says
    what became of it; within Telegram's limit, cut outside any tag."""
    del lang
    if not isinstance(message, Message) or message.text is None:
        return
    ending = f"\n\n<b>{escape(outcome)}</b>"
    kept = _without_hint(message.text)
    while kept and telegram_length(escape(kept) + ending) > MAX_MESSAGE:
        kept = kept[: len(kept) * 9 // 10]
    try:
        await message.edit_text(f"{escape(kept)}{ending}", reply_markup=None)
    except TelegramError as error:
        log.debug("review message not updated: %s", error)
