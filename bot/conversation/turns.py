"""The conversation: what a person's turn means given the turns before it, for every front end.

`Conversation.hear(who, text)` takes a message and gives back what to say (`Said`); the taps a
front end offers (an option, the full text, the topic menu, a vote) come in through the other
methods. Everything a turn needs lives here and in the store, nowhere in a front end:

- the language the person writes in (what they wrote, else what they last wrote in, else
  the front end's hint, else Chinese);
- what the last reply offered by number (a question back, a no's suggestions, the entries
  offered after "wrong" or 👎, the topic menu and its lines): `2`, `第二个`, "the second one"
  pick from it, and so does a number sent as a reply to that message, by anyone;
- the last answer and what it was about: 详细点 / more gives its full text, 不对 / wrong the
  other entries the bot weighed, 谢谢 a short reply, and 那茶叶呢, "and tea?", 一共多少个 are
  read against its question (`bot.core.followup`);
- the record of the turn in the usage log, with its channel.

The context lasts `Lifetimes.context` (ten minutes) from the last turn; a question on another
subject ends it. Nothing that reads like a question is taken for a follow-up: a number is a pick
only while options are offered, and "more", "wrong" and "thanks" only when the whole message
says nothing else (`bot.conversation.intents`). No front end in it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from bot.conversation.choosing import picked
from bot.conversation.intents import intent
from bot.conversation.replies import Pick, Said, SaidKind, pick_of
from bot.conversation.state import Context, Last, Offer, Who
from bot.core.brain import MAX_QUESTION_CHARS, Brain
from bot.core.decision import Decision
from bot.core.followup import Previous
from bot.core.normalise import detect_language
from bot.core.reply import Reply
from bot.language import Lang
from bot.storage.store import Answered, Event, Store, StoreBusy, StoreError
from bot.texts import say

log = logging.getLogger(__name__)

OUTCOME_EVENT = {
    "answer": "answered",
    "ask-back": "asked_back",
    "decline": "unanswered",
    "unexplained": "unanswered",
    "small-talk": "small_talk",
}
"""How each kind of decision is kept in the usage log."""

OTHERS = 3
"""Other entries offered after "wrong" or 👎."""


def said_for(who: Who, decision: Decision, reply: Reply, question: str) -> Said:
    """The core's decision and reply as the conversation says them to `who`: numbered options, and how
    to pick one where they are."""
    lang = decision.lang
    if decision.kind == "answer":
        return Said("answer", lang, reply, question=question)
    if decision.kind == "small-talk":
        return Said("small-talk", lang, reply, question=question)
    picks = tuple(Pick("entry", option.id, option.title) for option in reply.options)
    if decision.kind == "ask-back":
        how = how_to_pick(who, lang, asking=True)
        return Said("ask-back", lang, reply, picks=picks, how=how, question=question)
    lead_in = reply.prompt if decision.kind == "decline" else ""
    kind: SaidKind = "decline" if decision.kind == "decline" else "unexplained"
    return Said(kind, lang, reply, picks=picks, lead_in=lead_in, how=how_to_pick(who, lang), question=question)


def how_to_pick(who: Who, lang: Lang, *, asking: bool = False) -> str:
    """How to pick from numbered options, as fits the place: in a group, reply to the message or tap
    (a bare number there may not even reach the bot); without buttons, type the number."""
    if who.group:
        return say("pick_group", lang)
    if asking:
        return say("ask_hint", lang)
    return "" if who.buttons else say("pick_typed", lang)


def _last(decision: Decision) -> Last | None:
    """What a decided question leaves the conversation about: the entry answered with, or the one a
    "not given" reply quoted (详细点 then gives its full text, 不对 the others weighed)."""
    entry = decision.answered or (decision.gap.entry if decision.gap is not None else None)
    if entry is None:
        return None
    others = tuple(c.entry.id for c in decision.candidates if c.entry.id != entry.id)[:OTHERS]
    lists = decision.focus.lists if decision.focus is not None and decision.answered is not None else ()
    items = lists[0].items_in(decision.lang) if lists else ()
    return Last(entry.id, decision.question, decision.lang, others, items)


def _offer_of(replied: Answered, who: Who, lang: Lang) -> Offer | None:
    """The numbered options of a reply the bot sent, for a number sent as a reply to it: in their own
    language for whoever picks from someone else's message."""
    if not replied.options:
        return None
    mine = who.user is not None and str(replied.user_id) == who.user
    return Offer(replied.options, replied.question, replied.lang if mine else lang)


def _last_of(replied: Answered) -> Last | None:
    """The answer a message replies to, as what the conversation is about (详细点 replying to it)."""
    if replied.kind != "answer" or replied.entry_id is None:
        return None
    return Last(replied.entry_id, replied.question, replied.lang)


class Conversation:
    """Turns of conversations, their state kept in the store."""

    def __init__(self, brain: Callable[[], Brain], store: Store) -> None:
        self._brain = brain
        """The FAQ answering now (it is swapped whole on reload, so it is asked for each turn)."""
        self.store = store

    # ------------------------------------------------------------------ language

    async def language(self, who: Who, text: str = "") -> Lang:
        """The language to speak to a person: what `text` is written in, else what they last wrote
        in, else the front end's hint, else Chinese."""
        written = detect_language(text) if text else None
        return written or await self._remembered(who) or who.hint or "zh"

    async def _remembered(self, who: Who) -> Lang | None:
        if who.person is None:
            return None
        try:
            return await self.store.conversations.language(who.person)
        except StoreError as error:
            log.warning("language of a person not read: %s", error)
            return None

    async def _hear_language(self, who: Who, text: str) -> Lang:
        """The language of a message, remembering it when it has one of its own."""
        written = detect_language(text)
        remembered = await self._remembered(who)
        if written is not None and written != remembered and who.person is not None:
            await self._write(self.store.conversations.remember_language(who.person, written), "a person's language")
        return written or remembered or who.hint or "zh"

    # ------------------------------------------------------------------ a message

    async def hear(
        self, who: Who, text: str, *, replying_to: tuple[int, int] | None = None, edited: bool = False
    ) -> Said:
        """The reply to a message. `replying_to` is the (chat, message) of the bot's reply it answers,
        where the front end says so; an `edited` message is answered anew as a question of its own."""
        lang = await self._hear_language(who, text)
        if len(text) > MAX_QUESTION_CHARS:
            return Said("too-long", lang, text=say("too_long", lang))
        if edited:
            return await self._question(who, Context(), text, lang)
        context = await self._recall(who)
        replied = await self.reply(*replying_to) if replying_to is not None else None
        if replied is not None:
            # a reply to one of the bot's messages is about that message, whoever it was for
            context = Context(_offer_of(replied, who, lang), _last_of(replied) or context.last)
        if context.offer is not None and (number := picked(text, len(context.offer.options))) is not None:
            return await self._picked(who, context.offer, number)
        if context.last is not None and (number := picked(text, len(context.last.items))) is not None:
            # 四大产业是哪些 → 2: the second of the items just listed, asked about as a question
            return await self._question(who, Context(), context.last.items[number - 1], lang)
        if context.last is not None and (said := await self._follow_up(who, context, context.last, text, lang)):
            return said
        return await self._question(who, context, text, lang)

    async def _follow_up(self, who: Who, context: Context, last: Last, text: str, lang: Lang) -> Said | None:
        """A message about the last answer rather than a question: more of it, others than it, thanks."""
        brain = self._brain()
        follow = intent(text, brain.names(last.entry), brain.keywords(last.entry), brain.told(last.entry))
        if follow == "more":
            return await self._more(who, context, last)
        if follow == "wrong":
            return await self._wrong(who, last, text)
        if follow == "thanks":
            await self._record(who, "small_talk", lang, text)
            return Said("small-talk", lang, Reply("small-talk", lang, say("talk_thanks", lang)), question=text)
        return None

    async def _question(self, who: Who, context: Context, text: str, lang: Lang) -> Said:
        brain = self._brain()
        last = context.last
        previous = Previous(last.question, last.entry) if last is not None else None
        started = time.perf_counter()
        decision, reply = brain.respond(text, lang, previous)
        said = said_for(who, decision, reply, text)
        answered = decision.answered
        log.info(
            "question answered outcome=%s entry=%s lang=%s channel=%s took_ms=%.1f",
            decision.kind,
            answered.id if answered else "-",
            decision.lang,
            who.channel,
            (time.perf_counter() - started) * 1000,
        )
        await self._record(
            who,
            OUTCOME_EVENT[decision.kind],
            decision.lang,
            text,
            entry_id=answered.id if answered else None,
            candidates=tuple((c.entry.id, c.score) for c in decision.candidates),
        )
        if decision.kind != "small-talk":
            offer = Offer(tuple(p.token for p in said.picks), text, decision.lang) if said.picks else None
            await self._keep(who, Context(offer=offer, last=_last(decision)))
        return said

    # ------------------------------------------------------------------ follow-ups

    async def _picked(self, who: Who, offer: Offer, number: int) -> Said:
        token = offer.options[number - 1]
        chosen = pick_of(token)
        if chosen is None:
            return Said("gone", offer.lang, text=say("gone", offer.lang))
        kind, key = chosen
        if kind == "line":
            said = await self.line(who, key, offer.lang)
            return said or Said("gone", offer.lang, text=say("gone", offer.lang))
        said = await self.choose(who, key, offer.lang, question=offer.question)
        return said or Said("gone", offer.lang, text=say("gone", offer.lang))

    async def _more(self, who: Who, context: Context, last: Last) -> Said:
        reply = self._brain().full_reply(last.entry, last.lang)
        if reply is None:
            return Said("gone", last.lang, text=say("gone", last.lang))
        await self._record(who, "more", last.lang, last.question, entry_id=last.entry)
        await self._keep(who, context)
        return Said("full", last.lang, reply, question=last.question)

    async def _wrong(self, who: Who, last: Last, text: str) -> Said:
        lang = detect_language(text) or last.lang
        await self._record(who, "wrong", lang, last.question, entry_id=last.entry)
        return await self._others(who, last.others, lang, question=last.question)

    async def _others(self, who: Who, entries: tuple[str, ...], lang: Lang, *, question: str) -> Said:
        """Other entries to try, numbered, or, with none left, a request to ask another way."""
        by_id = self._brain().knowledge.by_id
        picks = tuple(Pick("entry", e, by_id[e].title_in(lang)) for e in entries if e in by_id)
        offer = Offer(tuple(p.token for p in picks), question, lang) if picks else None
        await self._keep(who, Context(offer=offer))
        if not picks:
            return Said("others", lang, text=say("others_none", lang), question=question)
        how = how_to_pick(who, lang)
        return Said("others", lang, text=say("voted_down", lang), picks=picks, how=how, question=question)

    # ------------------------------------------------------------------ taps

    async def choose(
        self, who: Who, entry_id: str, lang: Lang, *, question: str = "", in_menu: bool = False
    ) -> Said | None:
        """An entry picked (by number, or by tapping an option, a related measure or a menu item): its
        answer, which becomes what the conversation is about. None when the FAQ no longer has it."""
        brain = self._brain()
        reply = brain.entry_reply(entry_id, lang)
        entry = brain.knowledge.by_id.get(entry_id)
        if reply is None or entry is None:
            return None
        await self._keep(who, Context(last=Last(entry_id, entry.title_in(lang), lang)))
        await self._record(who, "chosen", lang, question or entry.title_in(lang), entry_id=entry_id)
        return Said("answer", lang, reply, in_menu=in_menu, question=question)

    async def full(self, who: Who, entry_id: str, lang: Lang, *, in_menu: bool = False) -> Said | None:
        """The full text of an entry (the "full text" button); None when the FAQ no longer has it."""
        brain = self._brain()
        reply = brain.full_reply(entry_id, lang)
        entry = brain.knowledge.by_id.get(entry_id)
        if reply is None or entry is None:
            return None
        await self._keep(who, Context(last=Last(entry_id, entry.title_in(lang), lang)))
        return Said("full", lang, reply, in_menu=in_menu)

    async def topics(self, who: Who, lang: Lang) -> Said:
        """The topic menu: the lines of work, numbered, and the entries outside them."""
        knowledge = self._brain().knowledge
        picks = tuple(Pick("line", line.id, line.name(lang)) for line in knowledge.lines.values())
        picks += tuple(Pick("entry", e.id, e.title_in(lang)) for e in knowledge.entries if e.line is None
                       and e.id not in knowledge.lines)  # fmt: skip
        measures = sum(len(knowledge.measures_of(line)) for line in knowledge.lines)
        text = say("topics", lang, lines=len(knowledge.lines), measures=measures)
        await self._keep(who, Context(offer=Offer(tuple(p.token for p in picks), "/topics", lang)))
        return Said("topics", lang, text=text, picks=picks, how=how_to_pick(who, lang), question="/topics")

    async def line(self, who: Who, line_id: str, lang: Lang) -> Said | None:
        """One line of work: its overview and its measures, numbered; None for a line the FAQ no longer has."""
        knowledge = self._brain().knowledge
        line = knowledge.lines.get(line_id)
        if line is None:
            return None
        picks: tuple[Pick, ...] = ()
        if line_id in knowledge.by_id:
            picks += (Pick("entry", line_id, say("overview", lang)),)
        picks += tuple(Pick("entry", e.id, e.title_in(lang)) for e in knowledge.measures_of(line_id))
        await self._keep(who, Context(offer=Offer(tuple(p.token for p in picks), line.name(lang), lang)))
        return Said("line", lang, text=line.name(lang), picks=picks, how=how_to_pick(who, lang), question="/topics")

    async def vote(
        self, who: Who, message: tuple[int, int], *, user_id: int, sign: int, lang: Lang, follow_up: bool
    ) -> tuple[bool, Said | None]:
        """A 👍 or 👎 on an answer the bot sent (`message`: its chat and message id): whether it was for
        a known answer, and after 👎 from whoever asked (`follow_up`), the other entries to try (numbered:
        a number picks). `who` is where those go."""
        chat_id, message_id = message
        try:
            stored = await self.store.votes.cast(chat_id, message_id, user_id, sign)
        except StoreBusy:
            stored = True  # queued: stored once the database is free, if the answer is known
        except StoreError as error:
            log.warning("vote not stored: %s", error)
            stored = True  # the vote is lost, not refused: thank the person all the same
        if not stored or sign > 0 or not follow_up:
            return stored, None
        known = await self.reply(chat_id, message_id)
        others: tuple[str, ...] = ()
        if known is not None and known.question:
            ranking = self._brain().matcher.rank(known.question, known.lang)
            others = tuple(c.entry.id for c in ranking.candidates if c.entry.id != known.entry_id)[:OTHERS]
        return stored, await self._others(who, others, lang, question=known.question if known else "")

    # ------------------------------------------------------------------ what was sent

    async def sent(
        self,
        said: Said,
        *,
        chat_id: int,
        message_id: int,
        user_id: int | None,
        question_message_id: int | None = None,
        question: str | None = None,
    ) -> None:
        """Note where a front end with message ids put a reply: for its votes, its buttons, an edit of
        the question, and a number sent as a reply to it. `question` keeps the question behind a
        message edited into this reply (a question back turned into the chosen answer)."""
        kind = "answer" if said.votable else "menu" if said.kind in ("topics", "line") else said.kind
        asked = said.question if question is None else question
        row = Answered(chat_id, message_id, asked, said.lang, kind, said.entry_id, user_id,
                       question_message_id, options=tuple(p.token for p in said.picks))  # fmt: skip
        await self._write(self.store.conversations.answered(row), f"reply {chat_id}/{message_id}")

    async def reply(self, chat_id: int, message_id: int) -> Answered | None:
        """The question behind a reply the bot sent, if known."""
        try:
            return await self.store.conversations.reply(chat_id, message_id)
        except StoreError as error:
            log.warning("reply %s/%s not read: %s", chat_id, message_id, error)
            return None

    async def reply_to(self, chat_id: int, question_message_id: int) -> Answered | None:
        """The bot's reply to a question message, if known (to edit it when the question is edited)."""
        try:
            return await self.store.conversations.reply_to(chat_id, question_message_id)
        except StoreError as error:
            log.warning("reply to %s/%s not read: %s", chat_id, question_message_id, error)
            return None

    # ------------------------------------------------------------------ the store

    async def _recall(self, who: Who) -> Context:
        try:
            return Context.loads(await self.store.conversations.recall(who.key))
        except StoreError as error:
            log.warning("conversation %s not read: %s", who.key, error)
            return Context()

    async def _keep(self, who: Who, context: Context) -> None:
        expires = self.store.clock() + self.store.lifetimes.context
        await self._write(self.store.conversations.keep(who.key, context.dumps(), expires), f"conversation {who.key}")

    async def _record(
        self,
        who: Who,
        kind: str,
        lang: Lang,
        question: str,
        *,
        entry_id: str | None = None,
        candidates: tuple[tuple[str, float], ...] = (),
    ) -> None:
        """Put the turn in the usage log (queued: never holds the turn)."""
        event = Event(kind, who.place, lang, question, who.user, entry_id, candidates, channel=who.channel)
        await self.store.events.record(event)

    @staticmethod
    async def _write(write: Awaitable[None], what: str) -> None:
        """Wait for a write that the answer matters more than: a failure is logged and the turn goes on."""
        try:
            await write
        except StoreBusy:
            pass  # queued: written once the database is free (the store says so once)
        except StoreError as error:
            log.warning("%s not kept: %s", what, error)
