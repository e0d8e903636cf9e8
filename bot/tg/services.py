"""What the Telegram handlers share: the current FAQ, the store, the conversation layer, the
admins, the commands.

Built and filled once, in `bot.tg.application.build_application`. Conversation state lives in
the store behind the conversation layer (`bot.conversation.turns`), not here: the handlers keep
none of it, and a restart loses nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

from bot.conversation.state import Who
from bot.conversation.turns import Conversation
from bot.core.brain import Brain
from bot.faq.reloading import FaqReloader
from bot.language import Lang
from bot.storage.store import Store
from bot.tg.fairness import Fairness

CHANNEL = "telegram"
"""This front end's name in conversation keys and the usage log."""


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
        self._conversation: Conversation | None = None

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
        self._conversation = Conversation(self.current, store)

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

    @property
    def conversation(self) -> Conversation:
        """The conversation layer: every turn, tap and vote goes through it, with its state in the store."""
        if self._conversation is None:
            raise RuntimeError("the application was built without a store")
        return self._conversation

    async def language(self, user_id: int | None) -> Lang | None:
        """The language a Telegram user last wrote in, if known (for notices the bot sends unasked)."""
        if user_id is None:
            return None
        return await self.conversation.language(Who(CHANNEL, str(user_id), str(user_id)))
