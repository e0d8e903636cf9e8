"""Admins keep the FAQ from a private chat: /faq, upload a `.yaml`, review, Apply or Cancel,
/history and /rollback N.

An uploaded file is checked exactly as a reload checks one and compared with the FAQ in use
(`bot.faq.review`); nothing changes before Apply. Apply refuses when the review has expired or
the file on disk changed after the review, else writes the file atomically and reloads it;
the reload records the version with the admin as its author. A rollback is a review of an
old version's bytes, applied the same way.
"""

from __future__ import annotations

import hashlib
import logging
from html import escape

from telegram import Document, InlineKeyboardMarkup, MaybeInaccessibleMessage, Message, Update
from telegram.error import TelegramError

from bot.core.brain import Brain
from bot.faq.knowledge import MAX_FILE_BYTES
from bot.faq.reloading import Trigger
from bot.faq.review import Review, review
from bot.language import Lang
from bot.storage.store import StoreError, Version
from bot.texts import say
from bot.tg.admin import AdminReply, Attachment, admin_only, author, problems_text
from bot.tg.callbacks import Callback, Kind, decode
from bot.tg.handlers import Context, in_group, user_lang
from bot.tg.markup import MAX_CAPTION, MAX_MESSAGE, Rendered, button

log = logging.getLogger(__name__)

YAML_SUFFIXES = (".yaml", ".yml")
HISTORY = 10
"""Versions /history lists."""


def _version_line(version: Version, lang: Lang) -> str:
    return say("version_line", lang, number=version.number, at=f"{version.at:%Y-%m-%d %H:%M}",
               author=version.author, summary=version.summary)  # fmt: skip


@admin_only
async def faq_command(update: Update, context: Context, lang: Lang) -> AdminReply | None:
    """/faq: the FAQ in use, as a `.yaml` document, its version in the caption."""
    faq = context.bot_data.faq
    if faq is None or not faq.raw:
        return escape(say("faq_unavailable", lang))
    digest = faq.digest()
    caption = say("faq_caption_unknown", lang)
    try:
        for version in await context.bot_data.store.versions.latest(HISTORY * 5):
            if version.sha256 == digest:
                caption = say("faq_caption", lang, line=_version_line(version, lang))
                break
    except StoreError as error:
        log.warning("FAQ versions not read: %s", error)
    return Attachment(faq.raw, faq.path.name, escape(caption)[:MAX_CAPTION])


@admin_only
async def history_command(update: Update, context: Context, lang: Lang) -> AdminReply | None:
    """/history: the last versions, newest first, one line each."""
    try:
        versions = await context.bot_data.store.versions.latest(HISTORY)
    except StoreError as error:
        return escape(str(error))
    if not versions:
        return escape(say("history_empty", lang))
    lines = [say("history_head", lang), *(_version_line(v, lang) for v in versions), say("history_hint", lang)]
    return escape("\n".join(lines))


@admin_only
async def rollback_command(update: Update, context: Context, lang: Lang) -> AdminReply | None:
    """/rollback N: a review of version N against the FAQ in use, with Apply and Cancel."""
    argument = (context.args or [""])[0].lstrip("vV#")
    if not argument.isdigit():
        return escape(say("rollback_usage", lang))
    try:
        found = await context.bot_data.store.versions.get(int(argument))
    except StoreError as error:
        return escape(str(error))
    if found is None:
        return escape(say("rollback_unknown", lang, number=argument))
    version, body = found
    return await _reviewed(update, context, lang, body, f"v{version.number}", rollback_of=version.number)


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
    reply = await _reviewed(update, context, lang, raw, name)
    text, keyboard = (reply.text, reply.keyboard) if isinstance(reply, Rendered) else (reply, None)
    await message.reply_text(text, reply_markup=keyboard)


async def _download(document: Document, name: str, lang: Lang) -> bytes | str:
    """The document's bytes, or why not (HTML-safe): not `.yaml`, over the size cap (known from
    Telegram's figures before any download), or the download failed."""
    if not name.lower().endswith(YAML_SUFFIXES):
        return escape(say("upload_not_yaml", lang, name=name))
    if document.file_size is not None and document.file_size > MAX_FILE_BYTES:
        return say("upload_too_big", lang, size=document.file_size, limit=MAX_FILE_BYTES)
    try:
        file = await document.get_file()
        if file.file_size is not None and file.file_size > MAX_FILE_BYTES:
            return say("upload_too_big", lang, size=file.file_size, limit=MAX_FILE_BYTES)
        raw = bytes(await file.download_as_bytearray())
    except TelegramError as error:
        log.warning("upload not downloaded: %s", error)
        return say("upload_failed", lang)
    if len(raw) > MAX_FILE_BYTES:
        return say("upload_too_big", lang, size=len(raw), limit=MAX_FILE_BYTES)
    return raw


async def _reviewed(
    update: Update, context: Context, lang: Lang, raw: bytes, name: str, *, rollback_of: int | None = None
) -> Rendered | str:
    """Check `raw` against the FAQ in use: its problems, or the review with Apply and Cancel."""
    faq, user = context.bot_data.faq, update.effective_user
    if faq is None or user is None:
        return escape(say("faq_unavailable", lang))
    result: Review = review(context.bot_data.current().knowledge, raw, name, Brain.parse)
    lines = result.lines(lang)
    if not result.ok:
        head, *problems = lines
        return f"{escape(head)}\n<pre>{escape(problems_text(problems, lang))}</pre>"[:MAX_MESSAGE]
    base = await faq.digest_on_disk()
    try:
        review_id = await context.bot_data.store.reviews.add(
            user.id, name, raw, base=base, summary=result.summary(), rollback_of=rollback_of
        )
    except StoreError as error:
        log.warning("review not kept: %s", error)
        return escape("\n".join([*lines, say("review_not_kept", lang)]))[:MAX_MESSAGE]
    minutes = int(context.bot_data.store.lifetimes.review.total_seconds() // 60)
    text = escape("\n".join([*lines, say("review_apply_hint", lang, minutes=minutes)]))[:MAX_MESSAGE]
    keyboard = InlineKeyboardMarkup(
        [[button(say("apply", lang), Callback(Kind.APPLY, str(review_id), lang)),
          button(say("cancel", lang), Callback(Kind.CANCEL, str(review_id), lang))]]
    )  # fmt: skip
    return Rendered(text, keyboard)


async def apply(update: Update, context: Context) -> None:
    """Apply: put the reviewed file in use, unless the review expired or the file changed since."""
    query, user = update.callback_query, update.effective_user
    callback = decode(query.data if query else None)
    if query is None or callback is None or user is None or not callback.key.isdigit():
        return
    lang = callback.lang
    services = context.bot_data
    if not services.is_admin(user.id) or services.faq is None:
        await query.answer(say("admins_only", lang), show_alert=True)
        return
    try:
        pending = await services.store.reviews.get(int(callback.key))
    except StoreError as error:
        await query.answer(str(error)[:200], show_alert=True)
        return
    if pending is None or pending.admin != user.id:
        await query.answer()
        await _close_review(query.message, say("review_expired", lang))
        return
    if await services.faq.digest_on_disk() != pending.base:
        await query.answer()
        await _close_review(query.message, say("review_stale", lang))
        return
    await query.answer(say("applying", lang))
    trigger = Trigger.ROLLBACK if pending.rollback_of is not None else Trigger.UPLOAD
    who = author(user) if pending.rollback_of is None else f"{author(user)} (v{pending.rollback_of})"
    result = await services.faq.apply(pending.body, trigger, who, quiet_for=user.id)
    await services.store.reviews.drop(pending.id)
    if result.ok:
        digest = hashlib.sha256(pending.body).hexdigest()
        number = await _version_of(context, digest)
        await _close_review(query.message, say("applied", lang, entries=result.entries, number=number or "?"))
    else:
        await _close_review(query.message, say("not_applied", lang) + "\n" + problems_text(result.problems, lang))


async def cancel(update: Update, context: Context) -> None:
    """Cancel: forget the review; nothing changes."""
    query = update.callback_query
    callback = decode(query.data if query else None)
    if query is None or callback is None or not callback.key.isdigit():
        return
    try:
        await context.bot_data.store.reviews.drop(int(callback.key))
    except StoreError as error:
        log.warning("review not dropped: %s", error)
    await query.answer()
    await _close_review(query.message, say("review_cancelled", callback.lang))


async def _version_of(context: Context, digest: str) -> int | None:
    try:
        for version in await context.bot_data.store.versions.latest(5):
            if version.sha256 == digest:
                return version.number
    except StoreError:
        return None
    return None


async def _close_review(message: MaybeInaccessibleMessage | None, outcome: str) -> None:
    """The review message keeps its text, loses its buttons, and says what became of it."""
    if not isinstance(message, Message) or message.text is None:
        return
    kept = escape(message.text)[: MAX_MESSAGE - len(outcome) * 6 - 20]
    try:
        await message.edit_text(f"{kept}\n\n<b>{escape(outcome)}</b>", reply_markup=None)
    except TelegramError as error:
        log.debug("review message not updated: %s", error)
