"""What the Telegram handlers share: the current FAQ, the store, the admins, the commands.

Built and filled once, in `bot.tg.application.build_application`. Conversation state lives in
the store, not here, so a restart loses nothing; the helpers below make the store's use by
a handler best-effort where the answer matters more than the record (a failed write is
logged and the handler goes on).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.brain import Brain
from bot.faq.reloading import FaqReloader
from bot.language import Lang
from bot.storage.store import Answered, Choice, Event, Store, StoreBusy, StoreError
from bot.tg.fairness import Fairness

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Command:
    """A command the bot answers: its name, what it does in each language, and who may use it."""

    name: str
    zh: str
    en: str
    admin: bool = False

    def describe(self, lang: Lang) -> str:
        """What the command does, in one language."""
        return self.zh if lang == "zh" else self.en


class BotServices:
    """The long-lived parts every handler may use."""

    def __init__(self) -> None:
        # python-telegram-bot makes this object itself (ContextTypes); build_application fills it at once
        self.brain: Brain | None = None
        self._store: Store | None = None
        self.admins: frozenset[int] = frozenset()
        self.commands: tuple[Command, ...] = ()
        self.faq: FaqReloader[Brain] | None = None
        """The FAQ file and its versions: reload, apply an upload; None where nothing reloads (tests, console)."""
        self.fairness: Fairness | None = None
        """Each user's share; None where nothing is limited."""
        self._tasks: set[asyncio.Task[Any]] = set()

    def configure(
        self,
        brain: Brain,
        store: Store,
        *,
        admins: frozenset[int] = frozenset(),
        commands: Sequence[Command] = (),
        faq: FaqReloader[Brain] | None = None,
        fairness: Fairness | None = None,
    ) -> None:
        """Fill in the services; called once, by `bot.tg.application.build_application`."""
        self.fairness = fairness
        self.brain = brain
        self._store = store
        self.admins = admins
        self.commands = tuple(commands)
        self.faq = faq

    @property
    def store(self) -> Store:
        """The store."""
        if self._store is None:
            raise RuntimeError("the application was built without a store")
        return self._store

    def current(self) -> Brain:
        """The FAQ answering now (replaced whole on reload)."""
        if self.brain is None:
            raise RuntimeError("the application was built without an FAQ")
        return self.brain

    def background(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run `work` on its own, keeping a reference until it ends (asyncio keeps only weak ones)."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def is_admin(self, user_id: int | None) -> bool:
        """Whether a user may use the admin commands."""
        return user_id is not None and user_id in self.admins

    async def record(self, event: Event) -> None:
        """Put an event in the usage log (queued: never holds the handler)."""
        await self.store.events.record(event)

    async def remember(self, reply: Answered) -> None:
        """Keep the question behind a reply; a failure is logged, the conversation goes on without it."""
        try:
            await self.store.conversations.answered(reply)
        except StoreBusy:
            pass  # queued: written once the database is free (the store says so once)
        except StoreError as error:
            log.warning("reply %s/%s not remembered: %s", reply.chat_id, reply.message_id, error)

    async def offer(self, choice: Choice) -> None:
        """Keep a pending "did you mean"; without it, a number reply is read as a question."""
        try:
            await self.store.conversations.offer(choice)
        except StoreBusy:
            pass  # queued: written once the database is free (the store says so once)
        except StoreError as error:
            log.warning("choice in chat %s not kept: %s", choice.chat_id, error)

    async def settle(self, chat_id: int, user_id: int) -> None:
        """Forget a pending choice."""
        try:
            await self.store.conversations.settle(chat_id, user_id)
        except StoreBusy:
            pass  # queued: written once the database is free (the store says so once)
        except StoreError as error:
            log.warning("choice in chat %s not settled: %s", chat_id, error)

    async def pending(self, chat_id: int, user_id: int) -> Choice | None:
        """The pending choice of a user in a chat, if the store can say."""
        try:
            return await self.store.conversations.pending(chat_id, user_id)
        except StoreError as error:
            log.warning("pending choice in chat %s not read: %s", chat_id, error)
            return None

    async def reply(self, chat_id: int, message_id: int) -> Answered | None:
        """The question behind a reply message, if known."""
        try:
            return await self.store.conversations.reply(chat_id, message_id)
        except StoreError as error:
            log.warning("reply %s/%s not read: %s", chat_id, message_id, error)
            return None

    async def reply_to(self, chat_id: int, question_message_id: int) -> Answered | None:
        """The bot's reply to a question message, if known."""
        try:
            return await self.store.conversations.reply_to(chat_id, question_message_id)
        except StoreError as error:
            log.warning("reply to %s/%s not read: %s", chat_id, question_message_id, error)
            return None

    async def language(self, user_id: int | None) -> Lang | None:
        """The language a user last wrote in, if known."""
        if user_id is None:
            return None
        try:
            return await self.store.conversations.language(user_id)
        except StoreError as error:
            log.warning("language of a user not read: %s", error)
            return None

    async def remember_language(self, user_id: int | None, lang: Lang) -> None:
        """Remember the language a user wrote in, for the next message without one."""
        if user_id is None:
            return
        try:
            await self.store.conversations.remember_language(user_id, lang)
        except StoreBusy:
            pass  # queued: written once the database is free (the store says so once)
        except StoreError as error:
            log.warning("language of a user not kept: %s", error)
