"""What each WeChat message gets back: the conversation's reply, a greeting, a report, or nothing.

A text is a question for the conversation layer (`bot.conversation`), which keeps everything the
next turn needs in the store: a typed number picks from its last numbered reply, 全文 gives the full
text, 那……呢 follows on. A voice message is its speech recognition's text; without one, and for
pictures, links and the like, the reply asks for text. Following the account gets the greeting and
example questions; other events get nothing (`success`). Admins (`WECHAT_ADMIN_OPENIDS`) also have
the text forms of /stats and /unanswered, made by the same report functions as on Telegram; anyone
sending /openid is told their own OpenID, which WeChat shows nowhere else, to be made an admin.

The person is known to the conversation and the log only by a keyed hash of their OpenID. Replies
come as texts of at most 2,048 bytes (`bot.wechat.fitting`). No web framework and no HTTP in it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import timedelta

from bot.conversation.replies import Said, plain_text
from bot.conversation.state import Who
from bot.conversation.turns import Conversation
from bot.core.brain import Brain
from bot.language import Lang
from bot.ops.reporting import PERIODS, downvoted, entry_titles, render_stats, render_unanswered, stats, unanswered
from bot.ops.settings import WeChatSettings
from bot.storage.store import StoreError
from bot.texts import day, say
from bot.wechat.fitting import fit_answer, fit_whole
from bot.wechat.protocol import SUBSCRIBED, Incoming

log = logging.getLogger(__name__)

CHANNEL = "wechat"
_COMMAND = re.compile(r"/([A-Za-z_]+)(?:\s+(\S+))?\s*")
REPORTS = ("stats", "unanswered")
"""The admin commands WeChat has: their text forms (no files can be uploaded or charts shown there)."""


def fitted(said: Said, *, parts: bool) -> tuple[str, ...]:
    """A reply of the conversation as WeChat texts of at most 2,048 bytes: an answer cut with the hint
    that 全文 gives the rest; anything else (the full text, options) whole, in parts when `parts`."""
    text = plain_text(said)
    if said.kind == "answer":
        return (fit_answer(text, say("full_hint", said.lang)),)
    return fit_whole(text, said.lang, parts=parts)


class Messages:
    """Turns WeChat's messages into replies, through the one conversation."""

    def __init__(
        self, settings: WeChatSettings, conversation: Conversation, brain: Callable[[], Brain], *, parts: bool
    ) -> None:
        self._settings = settings
        self._conversation = conversation
        self._brain = brain
        self._parts = parts
        """Whether more than one message can go back (the customer-service API is configured)."""

    def who(self, message: Incoming) -> Who:
        """The person as the conversation knows them: by a keyed hash of their OpenID, with no buttons."""
        person = self._conversation.store.user_hash(message.sender)
        return Who(CHANNEL, person, person, group=False, hint=None, buttons=False)

    async def answer(self, message: Incoming) -> tuple[str, ...]:
        """The texts to send back, in order (none: WeChat expects nothing); never raises."""
        who = self.who(message)
        try:
            return await self._answer(message, who)
        except Exception:
            log.exception("wechat: a %s message could not be answered", message.kind)
            return (say("error", await self._conversation.language(who)),)

    async def _answer(self, message: Incoming, who: Who) -> tuple[str, ...]:
        if message.kind == "event":
            return await self._welcome(who) if message.event in SUBSCRIBED else ()
        if message.kind not in ("text", "voice") or not message.text:
            lang = await self._conversation.language(who)
            return (say("not_text", lang, example=self._brain().knowledge.article.examples(lang)[0]),)
        if message.kind == "text" and (report := await self._command(message, who)) is not None:
            return report
        said = await self._conversation.hear(who, message.text)
        return fitted(said, parts=self._parts)

    async def _welcome(self, who: Who) -> tuple[str, ...]:
        lang = await self._conversation.language(who)
        article = self._brain().knowledge.article
        lines = [say("wechat_welcome", lang, bot=article.bot.of(lang), title=article.title.of(lang),
                     date=day(article.published, lang), scope=article.scope.of(lang))]  # fmt: skip
        lines += [f"· {example}" for example in article.examples(lang)]
        return fit_whole("\n".join(lines), lang, parts=self._parts)

    # ------------------------------------------------------------------ admins

    async def _command(self, message: Incoming, who: Who) -> tuple[str, ...] | None:
        """An admin's report, or what a command gets that is not one; None for anything else (a question)."""
        command = _COMMAND.fullmatch(message.text)
        if command is None:
            return None
        name, argument = command.group(1).lower(), (command.group(2) or "").lower()
        if name == "openid":  # WeChat shows no one their OpenID, and WECHAT_ADMIN_OPENIDS needs it
            return (say("wechat_openid", await self._conversation.language(who), openid=message.sender),)
        admin = message.sender in self._settings.admin_openids
        if name not in REPORTS:
            return (say("wechat_admin_commands", await self._conversation.language(who)),) if admin else None
        lang = await self._conversation.language(who)
        if not admin:
            return (say("admins_only", lang),)
        days = PERIODS.get(argument)
        if days is None:
            return (say("period_usage", lang, command=f"/{name}"),)
        return fit_whole(await self._report(name, days, lang), lang, parts=self._parts)

    async def _report(self, name: str, days: int, lang: Lang) -> str:
        """The text /stats or /unanswered shows on Telegram, from the same report functions."""
        store = self._conversation.store
        since = store.clock() - timedelta(days=days)
        titles = entry_titles(self._brain().knowledge, lang)
        try:
            votes = await store.votes.since(since)
            if name == "stats":
                return render_stats(stats(await store.events.since(since), votes, since), titles, lang)
            events = await store.events.since(since, ("unanswered", "asked_back"))
        except StoreError as error:
            log.warning("wechat: usage not read: %s", error)
            return say("store_unavailable", lang)
        return render_unanswered(unanswered(events), titles, lang, downvoted(votes))
