"""The bot's state behind one interface: what happened, votes, conversations, deliveries, receipts of
messages that are resent, FAQ versions.

`Store` is made of small parts a handler asks for (`store.events`, `store.votes`, ...). Rows
are frozen dataclasses with timezone-aware `datetime`s; every method is `async`, so a server
database fits without changing callers. `bot.storage.open.open_store` is the one way to get a store:
SQLite under `DATA_DIR` unless `DATABASE_URL` names a PostgreSQL server. `Lifetimes` and the
store's `clock` are the one place that knows how long things last, so tests can move time.
Imports nothing from `telegram`.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import uuid
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from bot.language import Lang

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


def new_id() -> str:
    """An id for a review or a card: 12 random URL-safe characters (72 bits), never reused, not guessable."""
    return secrets.token_urlsafe(9)


def holder_name() -> str:
    """This process's name in claims on updates: host, pid and a random part (a pid can be reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Lifetimes:
    """How long each kind of state lasts."""

    context: timedelta = timedelta(minutes=10)
    """What the last reply offered and what the last answer was about last this long: a number, 详细点
    or 那茶叶呢 within it is read against them; after it, each message is a question of its own."""
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
    review_kept: timedelta = timedelta(days=7)
    """A review is kept this long after it expired, so that a late press on its buttons is told why not."""
    card: timedelta = timedelta(days=2)
    """A question from /unanswered can be filed with its buttons for this long."""
    language: timedelta = timedelta(days=90)
    """The language a person last wrote in is remembered this long."""
    resend: timedelta = timedelta(hours=1)
    """A message from a channel that resends (WeChat) is remembered this long, to answer a resend once:
    WeChat sends a message again within about 15 s."""
    events: timedelta = timedelta(days=400)
    """The usage log is kept this long: a year of /stats and reports, and a little more."""


@dataclass(frozen=True)
class Event:
    """Something worth an admin's attention, as a handler reports it."""

    kind: str
    """`answered`, `asked_back`, `unanswered`, `small_talk`, `chosen`, `more`, `wrong`."""
    chat_type: str
    lang: str
    question: str
    user_id: int | str | None
    """Who asked, within the channel: stored only as a keyed hash."""
    entry_id: str | None = None
    candidates: tuple[tuple[str, float], ...] = ()
    channel: str = "telegram"
    """The front end: `telegram`, `console`, `web`, `wechat`."""


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
    channel: str = "telegram"


@dataclass(frozen=True)
class VoteRow:
    """One person's vote on one answer (the latest they cast)."""

    chat_id: int
    message_id: int
    entry_id: str | None
    user: str
    vote: int
    at: datetime
    question: str | None = None
    """The question the answer was given to, while it is kept (`Lifetimes.answer`)."""
    lang: str | None = None


@dataclass(frozen=True)
class Answered:
    """A reply the bot sent: the question behind it, for its votes, its full-text button, edits, and a
    number sent as a reply to it."""

    chat_id: int
    message_id: int
    question: str
    lang: Lang
    kind: str
    entry_id: str | None = None
    user_id: int | None = None
    question_message_id: int | None = None
    at: datetime = field(default_factory=utc_now)
    options: tuple[str, ...] = ()
    """The numbered options it offered, as `entry:<id>` or `line:<id>`."""


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
    """What changed, as `bot.faq.diff.FaqDiff.summary` writes it (read in either language by `bot.faq.diff`)."""
    sha256: str
    size: int
    author_id: int | None = None
    """The Telegram id of the admin who put it in use; None for the file's own edits."""


@dataclass(frozen=True)
class PendingReview:
    """An FAQ file checked for an admin: waiting for Apply or Cancel, or settled, and how.

    `state` is `open`, `applying`, or how it was settled: `applied` (as `version`), `cancelled`,
    `stale` (the FAQ in force changed after the review), `refused` (it did not build when applied),
    `replaced` (a newer teaching review took its place)."""

    id: str
    admin: int
    author: str
    """The admin's Telegram name or @username, as the history shows it."""
    kind: str
    """`upload`, `rollback` or `teach`."""
    at: datetime
    expires: datetime
    name: str
    base: str
    """SHA-256 of the FAQ in force when the review was made: Apply refuses if it is no longer."""
    digest: str
    """SHA-256 of `body`: every button of the review carries its start."""
    summary: str
    body: bytes
    rollback_of: int | None = None
    lessons: str = "[]"
    """For a teaching review: the questions it files (JSON, see `bot.faq.teaching`)."""
    state: str = "open"
    version: int | None = None
    chat_id: int | None = None
    message_id: int | None = None
    """Where the review was shown, to take its buttons away when a newer one replaces it."""


@dataclass(frozen=True)
class Card:
    """A question /unanswered offers an admin to file, kept for its buttons (which carry only its id)."""

    id: str
    admin: int
    at: datetime
    expires: datetime
    kind: str
    """`unanswered`, `asked_back` or `downvoted` (answered, and 👎)."""
    lang: str
    question: str
    answered: str | None
    """For a 👎: the entry the answer came from."""
    candidates: tuple[str, ...]
    """The entries its buttons offer, best first."""


@dataclass(frozen=True)
class Receipt:
    """A message from a channel that sends again what it got no reply to (WeChat): which process took it
    to answer, and what it was answered with once settled."""

    key: str
    holder: str
    at: datetime
    settled: bool = False
    reply: str | None = None
    """The reply given, to give again to a resend; None when it was answered another way, or not at all."""


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
    """What a conversation needs to remember across messages and restarts. What a conversation's state
    means is the conversation layer's business (`bot.conversation`): here it is a document with a key."""

    async def keep(self, key: str, state: str, expires: datetime) -> None:
        """Keep a conversation's state (replacing any) until `expires`."""

    async def recall(self, key: str) -> str | None:
        """A conversation's state, if kept and not expired."""

    async def answered(self, reply: Answered) -> None:
        """Remember the question behind a reply."""

    async def reply(self, chat_id: int, message_id: int) -> Answered | None:
        """The question behind a reply message."""

    async def reply_to(self, chat_id: int, question_message_id: int) -> Answered | None:
        """The reply the bot gave to a question message (to edit it when the question is edited)."""

    async def remember_language(self, person: str, lang: Lang) -> None:
        """Remember the language a person (`telegram:<user id>`) last wrote in."""

    async def language(self, person: str) -> Lang | None:
        """The language a person last wrote in, if known."""


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


class Receipts(Protocol):
    """Messages from a channel that resends what it got no reply to (WeChat): each answered once,
    whichever process a resend reaches."""

    async def take(self, key: str) -> Receipt | None:
        """Take a message to answer: None when it is this process's to answer now (new, or taken by a
        process that is gone without settling it); else its receipt as it stands."""

    async def settle(self, key: str, reply: str | None) -> None:
        """Note that a message taken was answered: with `reply`, to give again to a resend, or another way (None)."""

    async def get(self, key: str) -> Receipt | None:
        """A message's receipt, if it was taken."""


class Versions(Protocol):
    """The FAQ's history."""

    async def add(self, raw: bytes, author: str, summary: str, author_id: int | None = None) -> Version:
        """Record a new version (the next number) with its bytes."""

    async def latest(self, limit: int = 10) -> list[Version]:
        """The newest versions, newest first."""

    async def get(self, number: int) -> tuple[Version, bytes] | None:
        """A version and its bytes."""


class Reviews(Protocol):
    """Reviews of FAQ files: waiting for an admin's Apply, then settled."""

    async def add(self, review: PendingReview) -> None:
        """Keep a review (made with `new_id()`); it is forgotten `lifetimes.review_kept` after it expires."""

    async def get(self, review_id: str) -> PendingReview | None:
        """A review in whatever state; None if there never was one of that id, or it is long gone."""

    async def settle(
        self, review_id: str, state: str, *, was: Sequence[str] = ("open",), version: int | None = None
    ) -> bool:
        """Move a review to `state` if it is in one of the states `was`; False (nothing changed) if not.
        One of two presses at once wins."""

    async def shown(self, review_id: str, chat_id: int, message_id: int) -> None:
        """Remember the message that shows a review."""

    async def open_teaching(self, admin: int) -> PendingReview | None:
        """An admin's newest open teaching review (the questions they filed and have not applied yet)."""


class Cards(Protocol):
    """The questions /unanswered offers to file, for their buttons."""

    async def add(self, cards: Sequence[Card]) -> None:
        """Keep cards until they expire."""

    async def get(self, card_id: str) -> Card | None:
        """A card that has not expired."""


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
        """Conversations' state, the questions behind replies, people's languages."""

    @property
    def deliveries(self) -> Deliveries:
        """The durable inbox."""

    @property
    def receipts(self) -> Receipts:
        """Messages of channels that resend, each answered once."""

    @property
    def versions(self) -> Versions:
        """The FAQ's history."""

    @property
    def reviews(self) -> Reviews:
        """Uploads waiting for Apply."""

    @property
    def cards(self) -> Cards:
        """Questions /unanswered offers to file."""

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

    def exclusive(self, name: str) -> AbstractAsyncContextManager[None]:
        """Hold the lock called `name` against every other process using this store (an FAQ apply)."""

    def user_hash(self, user_id: int | str | None) -> str:
        """A stable pseudonym for a user id; the id cannot be recovered from it."""

    async def follow_versions(self, on_version: Callable[[int], Awaitable[None]], stop: Callable[[], bool]) -> None:
        """Call `on_version(number)` for each FAQ version another process adds, until `stop()` (a store
        that only one process uses returns at once: it has no one to hear from)."""


class StoreError(Exception):
    """A store that cannot be used: the message is one line for the operator."""


class StoreBusy(StoreError):
    """The database is held elsewhere: the write was queued, not waited for (or refused when too many wait)."""


REVIEW_COLUMNS = (
    "id, admin, author, kind, at, expires, name, base, digest, summary, rollback_of, lessons, body, state, version,"
    " chat_id, message_id"
)
CARD_COLUMNS = "id, admin, at, expires, kind, lang, question, answered, candidates"


def review_values(review: PendingReview, moment: Callable[[datetime], object]) -> tuple[object, ...]:
    """A review as the row `REVIEW_COLUMNS` names; `moment` turns a time into the database's kind."""
    return (review.id, review.admin, review.author, review.kind, moment(review.at), moment(review.expires),
            review.name, review.base, review.digest, review.summary, review.rollback_of, review.lessons,
            review.body, review.state, review.version, review.chat_id, review.message_id)  # fmt: skip


def review_from(row: Sequence[Any], moment: Callable[[Any], datetime]) -> PendingReview:
    """A review from its `REVIEW_COLUMNS` row; `moment` reads the database's times."""
    return PendingReview(row[0], row[1], row[2], row[3], moment(row[4]), moment(row[5]), row[6], row[7], row[8],
                         row[9], bytes(row[12]), row[10], row[11], row[13], row[14], row[15], row[16])  # fmt: skip


def card_values(card: Card, moment: Callable[[datetime], object]) -> tuple[object, ...]:
    """A card as the row `CARD_COLUMNS` names."""
    return (card.id, card.admin, moment(card.at), moment(card.expires), card.kind, card.lang, card.question,
            card.answered, json.dumps(list(card.candidates)))  # fmt: skip


def card_from(row: Sequence[Any], moment: Callable[[Any], datetime]) -> Card:
    """A card from its `CARD_COLUMNS` row."""
    return Card(row[0], row[1], moment(row[2]), moment(row[3]), row[4], row[5], row[6], row[7],
                tuple(str(entry) for entry in json.loads(row[8])))  # fmt: skip
