"""The bot's state behind one interface: what happened, votes, conversations, deliveries, FAQ versions.

`Store` is made of small parts a handler asks for (`store.events`, `store.votes`, ...). Rows
are frozen dataclasses with timezone-aware `datetime`s; every method is `async`, so a server
database fits without changing callers. `bot.storage.open.open_store` is the one way to get a store:
SQLite under `DATA_DIR` unless `DATABASE_URL` names a PostgreSQL server. `Lifetimes` and the
store's `clock` are the one place that knows how long things last, so tests can move time.
Imports nothing from `telegram`.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.language import Lang

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


def holder_name() -> str:
    """This process's name in claims on updates: host, pid and a random part (a pid can be reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Lifetimes:
    """How long each kind of state lasts."""

    choice: timedelta = timedelta(minutes=10)
    """A "did you mean" can be answered with a number for this long; after it, a number is a question again."""
    answer: timedelta = timedelta(days=30)
    """The question behind an answer is kept this long, for its 👍/👎 and its full-text button."""
    holder: timedelta = timedelta(seconds=10)
    """A replica that has not said it is alive for this long is taken for dead: its claims go to others."""
    handled: timedelta = timedelta(hours=24)
    """An update id is remembered this long to refuse a re-delivery: Telegram keeps an update at most
    24 hours, and ids start again (a new token, or a week without updates), so an id older than this
    is a new update."""
    review: timedelta = timedelta(minutes=30)
    """An admin's review of an FAQ upload can be applied for this long."""
    language: timedelta = timedelta(days=90)
    """The language a user last wrote in is remembered this long."""
    events: timedelta = timedelta(days=400)
    """The usage log is kept this long: a year of /stats and reports, and a little more."""


@dataclass(frozen=True)
class Event:
    """Something worth an admin's attention, as a handler reports it."""

    kind: str
    """`answered`, `asked_back`, `unanswered`, `small_talk`."""
    chat_type: str
    lang: str
    question: str
    user_id: int | None
    entry_id: str | None = None
    candidates: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class EventRow:
    """A stored event: user ids only as a keyed hash."""

    id: int
    at: datetime
    kind: str
    chat_type: str
    lang: str
    question: str
    entry_id: str | None
    candidates: tuple[tuple[str, float], ...]
    user: str


@dataclass(frozen=True)
class VoteRow:
    """One person's vote on one answer (the latest they cast)."""

    chat_id: int
    message_id: int
    entry_id: str | None
    user: str
    vote: int
    at: datetime


@dataclass(frozen=True)
class Choice:
    """A "did you mean" waiting for the asker to pick an option, by button or by number."""

    chat_id: int
    user_id: int
    message_id: int
    options: tuple[str, ...]
    lang: Lang
    question: str
    expires: datetime


@dataclass(frozen=True)
class Answered:
    """A reply the bot sent: the question behind it, for its votes, its full-text button and edits."""

    chat_id: int
    message_id: int
    question: str
    lang: Lang
    kind: str
    entry_id: str | None = None
    user_id: int | None = None
    question_message_id: int | None = None
    at: datetime = field(default_factory=utc_now)


@dataclass(frozen=True)
class Inbound:
    """An update as it arrived, kept until handled."""

    bot: int
    """The bot it was sent to (update ids are each bot's own)."""
    update_id: int
    payload: str
    received: datetime
    holder: str | None = None


@dataclass(frozen=True)
class Version:
    """One version of the FAQ: who applied it, when, what changed, and its bytes."""

    number: int
    at: datetime
    author: str
    summary: str
    sha256: str
    size: int


@dataclass(frozen=True)
class PendingReview:
    """An FAQ file checked for an admin and waiting for Apply or Cancel."""

    id: int
    admin: int
    at: datetime
    expires: datetime
    name: str
    base: str
    """SHA-256 of the FAQ file on disk when the review was made."""
    summary: str
    body: bytes
    rollback_of: int | None = None


class Events(Protocol):
    """The usage log."""

    async def record(self, event: Event) -> None:
        """Store one event; never raises (a failure is logged and counted)."""

    async def since(self, since: datetime, kinds: Sequence[str] = ()) -> list[EventRow]:
        """Events from a time on, oldest first, optionally of some kinds."""


class Votes(Protocol):
    """👍 and 👎, one per person per answer."""

    async def cast(self, chat_id: int, message_id: int, user_id: int, vote: int) -> bool:
        """Record a person's vote on an answer the bot sent; False (nothing stored) if there is no such answer."""

    async def since(self, since: datetime) -> list[VoteRow]:
        """The votes on answers given from a time on, one per person per answer."""


class Conversations(Protocol):
    """What a conversation needs to remember across messages and restarts."""

    async def offer(self, choice: Choice) -> None:
        """Remember a "did you mean" as the pending choice of its asker in its chat (replacing any)."""

    async def pending(self, chat_id: int, user_id: int) -> Choice | None:
        """The asker's pending choice in a chat, if it has not expired."""

    async def settle(self, chat_id: int, user_id: int) -> None:
        """Forget the pending choice: it was answered, or another question came."""

    async def answered(self, reply: Answered) -> None:
        """Remember the question behind a reply."""

    async def reply(self, chat_id: int, message_id: int) -> Answered | None:
        """The question behind a reply message."""

    async def reply_to(self, chat_id: int, question_message_id: int) -> Answered | None:
        """The reply the bot gave to a question message (to edit it when the question is edited)."""

    async def remember_language(self, user_id: int, lang: Lang) -> None:
        """Remember the language a user last wrote in."""

    async def language(self, user_id: int) -> Lang | None:
        """The language a user last wrote in, if known."""


class Deliveries(Protocol):
    """The durable inbox: every update is written before Telegram is told it arrived, and handled once.

    Update ids are a bot's own, so each call names the bot (`bot`, its numeric id). A write returns
    only once it is durable: an update is confirmed to Telegram after `receive` returns.
    """

    async def receive(self, bot: int, update_id: int, payload: str) -> bool:
        """Keep an update until handled; False if it was seen in the last `lifetimes.handled` (a
        re-delivery). An id seen longer ago than that is a new update (ids start again)."""

    async def claim(self, bot: int, update_id: int, holder: str) -> bool:
        """Take an update to handle it; False if it is handled, or another live process holds it."""

    async def done(self, bot: int, update_id: int) -> None:
        """Mark an update handled: a re-delivery of it will not be answered again."""

    async def unhandled(self, bot: int) -> list[Inbound]:
        """Updates received but not handled whose holder is gone (a process that crashed or stopped):
        this one's to handle now. Rows kept before the inbox recorded bots are taken as this bot's."""


class Versions(Protocol):
    """The FAQ's history."""

    async def add(self, raw: bytes, author: str, summary: str) -> Version:
        """Record a new version (the next number) with its bytes."""

    async def latest(self, limit: int = 10) -> list[Version]:
        """The newest versions, newest first."""

    async def get(self, number: int) -> tuple[Version, bytes] | None:
        """A version and its bytes."""


class Reviews(Protocol):
    """Reviews of FAQ files waiting for an admin's Apply."""

    async def add(
        self, admin: int, name: str, body: bytes, *, base: str, summary: str, rollback_of: int | None = None
    ) -> int:
        """Keep a review until `lifetimes.review` has passed; its id."""

    async def get(self, review_id: int) -> PendingReview | None:
        """A review that has not expired."""

    async def drop(self, review_id: int) -> None:
        """Forget a review (applied or cancelled)."""


class Store(Protocol):
    """Everything the bot keeps, in one place."""

    @property
    def events(self) -> Events:
        """The usage log."""

    @property
    def votes(self) -> Votes:
        """👍 and 👎."""

    @property
    def conversations(self) -> Conversations:
        """Pending choices, the questions behind replies, users' languages."""

    @property
    def deliveries(self) -> Deliveries:
        """The durable inbox."""

    @property
    def versions(self) -> Versions:
        """The FAQ's history."""

    @property
    def reviews(self) -> Reviews:
        """Uploads waiting for Apply."""

    @property
    def lifetimes(self) -> Lifetimes:
        """How long things last."""

    @property
    def clock(self) -> Clock:
        """The store's idea of now."""

    @property
    def description(self) -> str:
        """Where it is, for logs and health: `sqlite:data/bot.sqlite3`."""

    @property
    def shared(self) -> bool:
        """Whether several processes use this store at once (each update is then claimed before handling)."""

    @property
    def holder(self) -> str:
        """This process's name in claims."""

    async def start(self) -> None:
        """Open the database, apply migrations, start the background writer."""

    async def close(self) -> None:
        """Write what is queued and close."""

    async def healthy(self) -> tuple[bool, str]:
        """Whether the database answers, with one line saying so."""

    def user_hash(self, user_id: int | None) -> str:
        """A stable pseudonym for a user id; the id cannot be recovered from it."""

    async def follow_versions(self, on_version: Callable[[int], Awaitable[None]], stop: Callable[[], bool]) -> None:
        """Call `on_version(number)` for each FAQ version another process adds, until `stop()` (a store
        that only one process uses returns at once: it has no one to hear from)."""


class StoreError(Exception):
    """A store that cannot be used: the message is one line for the operator."""


class StoreBusy(StoreError):
    """The database is held elsewhere: the write was queued, not waited for (or refused when too many wait)."""
