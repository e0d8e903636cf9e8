"""The WeChat front end, with the tests playing WeChat's servers: signed checks and messages, safe
mode, resends, slow answers through a stub of the customer-service API, hostile XML, and admins.

Most tests call `/wechat` on its own Starlette app through httpx's ASGI transport; the slow answers
go to a real uvicorn server on a local port, where the reply really leaves before the answer is done.
"""

from __future__ import annotations

import asyncio
import io
import re
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette

from bot.conversation.replies import Said, plain_text
from bot.conversation.state import Who
from bot.conversation.turns import Conversation, said_for
from bot.core.brain import Brain
from bot.core.focus import Focus
from bot.core.reply import answer_reply, full_reply
from bot.faq.knowledge import Entry
from bot.language import Lang
from bot.ops.cli import chat_command
from bot.ops.reporting import downvoted, entry_titles, render_stats, render_unanswered, stats, unanswered
from bot.ops.settings import Settings, WeChatSettings
from bot.storage.postgres import PostgresStore
from bot.storage.sqlite import DATABASE, SqliteStore
from bot.storage.store import EventRow, Store
from bot.texts import say
from bot.wechat.customer_service import CustomerService
from bot.wechat.endpoint import WeChat
from bot.wechat.fitting import MAX_BYTES, cut, fit_answer, fit_whole, size, split
from bot.wechat.messages import Messages, fitted
from bot.wechat.protocol import Envelope, Incoming, Wire
from tests.conftest import FAQ, Heard
from tests.e2e.postgres import PostgresServer
from tests.faqs import tiny_brain
from tests.test_properties import BRAIN, entries
from tests.wechat_side import (
    ACCOUNT,
    AES_KEY,
    APP_ID,
    APP_SECRET,
    READER,
    TOKEN,
    Reply,
    Stub,
    WeChatSide,
    customer_service_stub,
    signature,
)

ADMIN = "oAdmin_0123456789abcdefghij"
QUESTION = "孝昌县有多少个党小组"
NOT_IN_THE_ARTICLE = "孝昌县GDP是多少"
PLAIN = WeChatSettings(token=TOKEN, admin_openids=frozenset({ADMIN}))


class Front:
    """A WeChat front end on its own Starlette app, called as WeChat's servers call it."""

    def __init__(self, wechat: WeChat, side: WeChatSide, client: httpx.AsyncClient, store: Store) -> None:
        self.wechat = wechat
        self.side = side
        self.client = client
        self.store = store

    async def call(self, xml: str | bytes) -> httpx.Response:
        """POST a message as WeChat does (signed; encrypted in safe mode)."""
        query, body = self.side.post(xml)
        return await self.client.post("/wechat", params=query, content=body)

    async def send(self, xml: str | bytes) -> Reply | None:
        """The passive reply to a message; None for `success`."""
        response = await self.call(xml)
        assert response.status_code == 200, response.text
        return self.side.read(response.content)

    async def ask(self, text: str, sender: str = READER) -> str:
        """The reply's text to a text message."""
        reply = await self.send(self.side.text(text, sender=sender)[0])
        assert reply is not None
        assert (reply.to, reply.account, reply.kind) == (sender, ACCOUNT, "text")
        return reply.content

    async def questions(self) -> list[EventRow]:
        """The usage log, once what is queued is written."""
        queue = getattr(self.store, "_queue", None)
        if queue is not None:
            await asyncio.wait_for(queue.join(), 10)
        return await self.store.events.since(self.store.clock() - timedelta(days=1))


@asynccontextmanager
async def front(
    store: Store, brain: Brain, wechat: WeChatSettings = PLAIN, *, safe: bool = False
) -> AsyncIterator[Front]:
    """`/wechat` for one account, on a Starlette app of its own, with WeChat's side to call it."""
    endpoint = WeChat(wechat, Conversation(lambda: brain, store), lambda: brain)
    app = Starlette(routes=endpoint.routes)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wechat.test") as client:
        yield Front(endpoint, WeChatSide(safe=safe), client, store)
    await endpoint.close()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    started = SqliteStore(tmp_path)
    await started.start()
    yield started
    await started.close()


@pytest.fixture
def stub() -> Iterator[tuple[str, Stub]]:
    """A stub of WeChat's API on a local port: (its root, what it was asked)."""
    with customer_service_stub() as running:
        yield running


def expected(brain: Brain, text: str) -> str:
    """What a first message gets from the conversation, as plain text."""
    decision, reply = brain.respond(text)
    return plain_text(said_for(Who("wechat", "x", "x", buttons=False), decision, reply, text))


def with_api(root: str, reply_wait: float = PLAIN.reply_wait) -> WeChatSettings:
    """The account with its AppSecret: the customer-service API at `root`."""
    return replace(PLAIN, app_id=APP_ID, app_secret=APP_SECRET, api_url=root, reply_wait=reply_wait)


class TestServerCheck:
    async def test_a_signed_check_is_answered_with_its_echostr(self, store: Store, brain: Brain) -> None:
        """WeChat's GET with a valid signature gets its echostr back, as is."""
        async with front(store, brain) as wechat:
            response = await wechat.client.get("/wechat", params=wechat.side.check("1234567890123"))
        assert (response.status_code, response.text) == (200, "1234567890123")

    @pytest.mark.parametrize(
        "spoil",
        [
            lambda q: {**q, "signature": "0" * 40},
            lambda q: {k: v for k, v in q.items() if k != "signature"},
            lambda q: {**q, "nonce": q["nonce"] + "1"},
            lambda q: {**q, "timestamp": str(int(q["timestamp"]) - 3600),
                       "signature": signature(TOKEN, str(int(q["timestamp"]) - 3600), q["nonce"])},
        ],
        ids=["forged", "unsigned", "changed nonce", "an hour old"],
    )  # fmt: skip
    async def test_anything_else_is_refused(
        self, store: Store, brain: Brain, spoil: Callable[[dict[str, str]], dict[str, str]]
    ) -> None:
        """A forged, missing or stale signature gets 403 and no echo."""
        async with front(store, brain) as wechat:
            response = await wechat.client.get("/wechat", params=spoil(wechat.side.check("42")))
        assert response.status_code == 403
        assert "42" not in response.text

    async def test_a_check_signed_with_another_token_is_refused(self, store: Store, brain: Brain) -> None:
        """Another account's token does not verify this server."""
        async with front(store, brain) as wechat:
            query = WeChatSide(token="anothertoken").check("42")
            assert (await wechat.client.get("/wechat", params=query)).status_code == 403


class TestMessages:
    async def test_a_text_is_answered_by_the_conversation_as_a_passive_reply(self, store: Store, brain: Brain) -> None:
        """A question gets the conversation's answer as plain text, from the account to the person."""
        async with front(store, brain) as wechat:
            assert await wechat.ask(QUESTION) == expected(brain, QUESTION)

    async def test_numbered_options_are_picked_by_typing_a_number(self, store: Store, brain: Brain) -> None:
        """A reply with options shows them as numbered lines, says to reply with a number, and a typed 2
        opens the second."""
        decision, reply = brain.respond(NOT_IN_THE_ARTICLE)
        second = reply.options[1]
        async with front(store, brain) as wechat:
            offered = await wechat.ask(NOT_IN_THE_ARTICLE)
            picked = await wechat.ask("2")
        assert f"1. {reply.options[0].title}" in offered
        assert f"2. {second.title}" in offered
        assert say("pick_typed", "zh") in offered
        chosen = brain.entry_reply(second.id, "zh")
        assert chosen is not None
        assert picked == plain_text(Said("answer", "zh", chosen))
        assert decision.kind == "decline"

    async def test_typed_quanwen_gives_the_full_text(self, store: Store, brain: Brain) -> None:
        """An answer ends with 回复“全文”看全文 when there is more; 全文 then gives the entry's full text."""
        decision, _ = brain.respond(QUESTION)
        assert decision.answered is not None
        full = brain.full_reply(decision.answered.id, "zh")
        assert full is not None
        async with front(store, brain) as wechat:
            assert (await wechat.ask(QUESTION)).endswith("回复“全文”看全文）")
            assert await wechat.ask("全文") == plain_text(Said("full", "zh", full))

    async def test_a_voice_message_is_its_recognition(self, store: Store, brain: Brain) -> None:
        """What WeChat's speech recognition heard is answered as if typed."""
        async with front(store, brain) as wechat:
            reply = await wechat.send(wechat.side.voice(QUESTION + "。"))
        assert reply is not None
        assert reply.content == expected(brain, QUESTION + "。")

    @pytest.mark.parametrize("kind", ["voice", "image"])
    async def test_a_message_without_text_asks_for_text(self, store: Store, brain: Brain, kind: str) -> None:
        """A voice message WeChat could not read, or a picture, gets a polite request for text with an example."""
        example = brain.knowledge.article.examples("zh")[0]
        async with front(store, brain) as wechat:
            reply = await wechat.send(wechat.side.voice(None) if kind == "voice" else wechat.side.image())
            assert await wechat.questions() == []
        assert reply is not None
        assert reply.content == say("not_text", "zh", example=example)

    async def test_following_the_account_gets_the_greeting_with_example_questions(
        self, store: Store, brain: Brain
    ) -> None:
        """subscribe (also through a QR code) gets what the bot knows and the FAQ's example questions."""
        article = brain.knowledge.article
        async with front(store, brain) as wechat:
            for key in ("", "qrscene_123"):
                reply = await wechat.send(wechat.side.event("subscribe", key=key, created=1700000000 + len(key)))
                assert reply is not None
                assert article.bot.of("zh") in reply.content
                assert all(f"· {example}" in reply.content for example in article.examples("zh"))

    @pytest.mark.parametrize("event", ["unsubscribe", "CLICK", "VIEW", "LOCATION", "TEMPLATESENDJOBFINISH"])
    async def test_other_events_get_success(self, store: Store, brain: Brain, event: str) -> None:
        """Where WeChat expects nothing, it gets `success` and nothing is logged."""
        async with front(store, brain) as wechat:
            response = await wechat.call(wechat.side.event(event))
            assert (response.status_code, response.text) == (200, "success")
            assert await wechat.questions() == []

    async def test_the_log_has_wechat_turns_and_no_openid_is_stored(
        self, store: Store, brain: Brain, tmp_path: Path
    ) -> None:
        """Each turn is in the usage log as channel `wechat`; the OpenID is nowhere in the database,
        only its keyed hash (as Telegram's user ids)."""
        async with front(store, brain) as wechat:
            await wechat.ask(QUESTION)
            await wechat.ask("全文")
            await wechat.ask(NOT_IN_THE_ARTICLE)
            rows = await wechat.questions()
        assert [(row.kind, row.channel) for row in rows] == [
            ("answered", "wechat"), ("more", "wechat"), ("unanswered", "wechat")
        ]  # fmt: skip
        assert all(row.user and READER not in row.user for row in rows)
        await store.close()
        database = (tmp_path / DATABASE).read_bytes() + b"".join(p.read_bytes() for p in tmp_path.glob("*-wal"))
        assert READER.encode() not in database
        assert QUESTION.encode() in database


class TestReplyXml:
    @settings(max_examples=150, deadline=None)
    @given(st.text(max_size=300).map(lambda text: "]]>" + text + "<![CDATA["), st.booleans())
    def test_any_text_stays_one_text_reply(self, text: str, safe: bool) -> None:
        """Whatever a reply holds (`]]>`, markup, control characters, say from echoing what someone typed),
        it is one text reply with that text, from the account to the person, in either mode: nothing in it
        becomes XML; only what XML cannot carry at all is left out."""
        wire = Wire(TOKEN, AES_KEY, APP_ID)
        message = Incoming("text", READER, ACCOUNT, 1700000000, 1, "?")
        reply = WeChatSide(safe=safe).read(wire.reply(message, Envelope(safe=safe, nonce="123"), text).encode())
        carried = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", text)
        assert reply == Reply(READER, ACCOUNT, "text", carried.replace("\r\n", "\n").replace("\r", "\n"))


class TestOneConversation:
    async def test_wechat_and_the_console_have_the_same_conversation(
        self, store: Store, brain: Brain, tmp_path: Path, heard: Heard
    ) -> None:
        """The same messages typed in the console and sent on WeChat pass through the one layer and get
        the same replies (kinds and entries): numbers, 详细点, 不对, follow-ups and thanks included."""
        script = [
            "苗木花卉种了多少亩",
            "那茶叶呢",
            "详细点",
            "党员中心户有多少",
            "不对",
            "1",
            NOT_IN_THE_ARTICLE,
            "2",
            "谢谢",
        ]
        console = Settings(faq_file=FAQ, data_dir=tmp_path / "console")
        assert await asyncio.to_thread(chat_command, console, io.StringIO("\n".join(script) + "\n"), io.StringIO()) == 0
        async with front(store, brain) as wechat:
            for text in script:
                await wechat.ask(text)
        typed = [turn[1:] for turn in heard if turn[0] == "console"]
        assert [turn[1:] for turn in heard if turn[0] == "wechat"] == typed
        assert [kind for _, kind, _ in typed] == [
            "answer", "answer", "full", "answer", "others", "answer", "decline", "answer", "small-talk"
        ]  # fmt: skip


class TestSafeMode:
    async def test_an_encrypted_message_gets_an_encrypted_signed_reply(self, store: Store, brain: Brain) -> None:
        """In safe mode the message is decrypted with the EncodingAESKey and AppID, and the reply is
        encrypted and signed so that WeChat (here: an independent implementation) reads it."""
        safe = replace(PLAIN, aes_key=AES_KEY, app_id=APP_ID)
        async with front(store, brain, safe, safe=True) as wechat:
            assert await wechat.ask(QUESTION) == expected(brain, QUESTION)
            response = await wechat.client.get("/wechat", params=wechat.side.check("echo-in-safe-mode"))
        assert response.text == "echo-in-safe-mode"

    async def test_plaintext_mode_still_answers_when_the_key_is_set(self, store: Store, brain: Brain) -> None:
        """While an account switches modes WeChat may still send plaintext: a signed one is answered in kind."""
        safe = replace(PLAIN, aes_key=AES_KEY, app_id=APP_ID)
        async with front(store, brain, safe) as wechat:
            assert await wechat.ask(QUESTION) == expected(brain, QUESTION)

    @pytest.mark.parametrize("spoil", ["msg_signature", "ciphertext", "no key"])
    async def test_a_message_that_does_not_decrypt_or_verify_is_refused(
        self, store: Store, brain: Brain, spoil: str
    ) -> None:
        """A wrong msg_signature is 403; garbage for ciphertext, or safe mode without a key, is 400;
        nothing reaches the conversation."""
        settings = PLAIN if spoil == "no key" else replace(PLAIN, aes_key=AES_KEY, app_id=APP_ID)
        async with front(store, brain, settings, safe=True) as wechat:
            query, body = wechat.side.post(wechat.side.text(QUESTION)[0])
            if spoil == "msg_signature":
                query["msg_signature"] = "0" * 40
            if spoil == "ciphertext":
                encrypted = "QUJD" * 7
                query["msg_signature"] = signature(TOKEN, query["timestamp"], query["nonce"], encrypted)
                body = f"<xml><ToUserName>{ACCOUNT}</ToUserName><Encrypt>{encrypted}</Encrypt></xml>".encode()
            response = await wechat.client.post("/wechat", params=query, content=body)
            assert response.status_code == (403 if spoil == "msg_signature" else 400)
            assert await wechat.questions() == []


class TestResends:
    async def test_a_resent_message_gets_the_first_reply_and_is_one_question(self, store: Store, brain: Brain) -> None:
        """WeChat sending the same MsgId again gets the same reply, and the log has one question."""
        async with front(store, brain) as wechat:
            xml, _ = wechat.side.text(QUESTION)
            first = await wechat.send(xml)
            again = await wechat.send(xml)
            assert first is not None
            assert again == first
            assert [row.kind for row in await wechat.questions()] == ["answered"]

    async def test_a_resent_event_is_answered_once(
        self, store: Store, brain: Brain, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An event is known by its sender and CreateTime: sent again, it gets the first greeting without
        being answered again; the same event at another time is answered anew."""
        answered: list[str] = []
        original = Messages.answer

        async def spy(self: Messages, message: Incoming) -> tuple[str, ...]:
            answered.append(message.event)
            return await original(self, message)

        monkeypatch.setattr(Messages, "answer", spy)
        async with front(store, brain) as wechat:
            first = await wechat.send(wechat.side.event("subscribe", created=1700000000))
            again = await wechat.send(wechat.side.event("subscribe", created=1700000000))
            later = await wechat.send(wechat.side.event("subscribe", created=1700000100))
        assert first is not None
        assert first == again == later
        assert answered == ["subscribe", "subscribe"]

    async def test_a_number_resent_does_not_pick_twice(self, store: Store, brain: Brain) -> None:
        """The resend of a pick is answered with the pick's reply, not read against the new state."""
        async with front(store, brain) as wechat:
            await wechat.ask(NOT_IN_THE_ARTICLE)
            xml, _ = wechat.side.text("1")
            assert await wechat.send(xml) == await wechat.send(xml)
            assert [row.kind for row in await wechat.questions()] == ["unanswered", "chosen"]

    async def test_a_resend_to_another_replica_is_answered_once(self, postgres: PostgresServer, brain: Brain) -> None:
        """Two replicas on one PostgreSQL: a message answered by one and resent to the other gets the same
        reply there, and one question is logged."""
        url = postgres.fresh_database()
        first, second = PostgresStore(url), PostgresStore(url)
        await first.start()
        await second.start()
        async with front(first, brain) as one, front(second, brain) as other:
            xml, _ = one.side.text(QUESTION)
            reply = await one.send(xml)
            assert reply is not None
            assert await other.send(xml) == reply
            assert [row.kind for row in await one.questions()] == ["answered"]
            assert [row.kind for row in await other.questions()] == ["answered"]
        await first.close()
        await second.close()


class TestHostileCalls:
    BOMB = (
        '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        "<xml><ToUserName>gh_0123456789ab</ToUserName><FromUserName>{reader}</FromUserName>"
        "<CreateTime>1700000000</CreateTime><MsgType>text</MsgType><Content>&d;</Content><MsgId>1</MsgId></xml>"
    )
    XXE = (
        '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<xml><ToUserName>gh_0123456789ab</ToUserName><FromUserName>{reader}</FromUserName>"
        "<CreateTime>1700000000</CreateTime><MsgType>text</MsgType><Content>&x;</Content><MsgId>2</MsgId></xml>"
    )

    @pytest.mark.parametrize(
        ("body", "status"),
        [
            (BOMB, 400),
            (XXE, 400),
            ("<xml><Content>&undeclared;</Content></xml>", 400),
            ("not xml at all", 400),
            ("<message><Content>hi</Content></message>", 400),
            ("<xml><MsgType>text</MsgType><Content>no sender</Content></xml>", 400),
            ("<xml>" + "<a>" * 5000 + "</a>" * 5000 + "</xml>", 400),
            ("<xml><Content>" + "x" * 70_000 + "</Content></xml>", 413),
        ],
        ids=["entity bomb", "external entity", "undeclared entity", "not xml", "wrong root", "no sender", "deep",
             "too big"],
    )  # fmt: skip
    async def test_hostile_bodies_are_refused_and_nothing_is_logged(
        self, store: Store, brain: Brain, body: str, status: int
    ) -> None:
        """DOCTYPEs and entities (a billion laughs, an external file), bodies that are not a WeChat message,
        and bodies over the cap are refused before anything is read as a question."""
        async with front(store, brain) as wechat:
            response = await wechat.call(body.format(reader=READER))
            assert response.status_code == status
            assert await wechat.questions() == []

    async def test_a_forged_message_is_refused_and_not_logged(self, store: Store, brain: Brain) -> None:
        """A message with a wrong signature (say, a forged admin's /stats) gets 403 and no answer; nothing
        is logged as a question."""
        async with front(store, brain) as wechat:
            query, body = wechat.side.post(wechat.side.text(QUESTION)[0])
            for forged in ({**query, "signature": "f" * 40}, {k: v for k, v in query.items() if k != "signature"}):
                response = await wechat.client.post("/wechat", params=forged, content=body)
                assert response.status_code == 403
                assert QUESTION not in response.text
            query, body = wechat.side.post(wechat.side.text("/stats", sender=ADMIN)[0])
            response = await wechat.client.post("/wechat", params={**query, "signature": "f" * 40}, content=body)
            assert response.status_code == 403
            assert await wechat.questions() == []


LONG = """\
- id: long-entry
  title: 很长的一项
  line: work
  ask: [很长的一项是什么]
  summary: 这一项的摘要。
  answer: {answer}
  en:
    title: A long one
    summary: The summary of this one.
    answer: A long answer.
    ask: [What is the long one?]
"""


def long_brain() -> Brain:
    """An FAQ whose one entry has an answer at the FAQ's bound: about 3,600 bytes, past WeChat's 2,048."""
    sentence = "这是很长的一项举措里的一句话，讲了很多很多的细节。"
    answer = (sentence * 60)[:1200]
    return tiny_brain(LONG.format(answer=answer))


class TestLongTexts:
    async def test_the_full_text_comes_in_parts_within_2048_bytes(self, store: Store, stub: tuple[str, Stub]) -> None:
        """全文 of a text longer than 2,048 bytes: the reply is its first numbered part, the others follow
        through the customer-service API, each within 2,048 bytes, together the whole text."""
        brain = long_brain()
        root, api = stub
        full = brain.full_reply("long-entry", "zh")
        assert full is not None
        whole = plain_text(Said("full", "zh", full))
        assert size(whole) > MAX_BYTES
        async with front(store, brain, with_api(root)) as wechat:
            answer = await wechat.ask("很长的一项是什么")
            first = await wechat.ask("全文")
        rest = await asyncio.to_thread(api.wait_for, 1)
        parts = [first, *rest]
        assert len(parts) == 2
        assert all(size(part) <= MAX_BYTES for part in parts)
        assert parts[0].endswith("（1/2）")
        assert parts[1].endswith("（2/2）")
        joined = "".join(part.removesuffix(f"（{n}/2）") for n, part in enumerate(parts, 1))
        assert joined.replace("\n", "") == whole.replace("\n", "")
        assert size(answer) <= MAX_BYTES

    async def test_without_the_api_a_long_text_is_cut_to_one_reply(self, store: Store) -> None:
        """With no AppSecret only the reply can go back: the full text is cut within 2,048 bytes."""
        brain = long_brain()
        async with front(store, brain) as wechat:
            await wechat.ask("很长的一项是什么")
            reply = await wechat.ask("全文")
        assert size(reply) <= MAX_BYTES
        assert reply.endswith("…")


class TestFitting:
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(entries(), st.sampled_from(["zh", "en"]))
    def test_every_reply_of_any_valid_entry_fits_wechat(self, entry: Entry, lang: Lang) -> None:
        """For any entry within the FAQ's bounds, every reply about it (summary, each focus, whole lists,
        the full text) goes to WeChat in texts of at most 2,048 bytes: an answer as one, ending with the
        全文 hint when cut; the full text in parts that hold all of it."""
        knowledge = replace(BRAIN.knowledge, entries=(*BRAIN.knowledge.entries, entry))
        focuses = [
            Focus(),
            Focus(figures=entry.figures),
            Focus(lists=entry.lists),
            Focus(sentences=(entry.text(lang),)),
        ]
        hint = say("full_hint", lang)
        for focus in focuses:
            said = Said("answer", lang, answer_reply(knowledge, entry, lang, focus))
            (text,) = fitted(said, parts=True)
            assert size(text) <= MAX_BYTES
            assert size(plain_text(said)) <= MAX_BYTES or text.endswith(hint)
        full = Said("full", lang, full_reply(knowledge, entry, lang))
        parts = fitted(full, parts=True)
        assert all(size(part) <= MAX_BYTES for part in parts)
        labels = [say("part_of", lang, part=n, parts=len(parts)) if len(parts) > 1 else "" for n in range(1, 99)]
        bodies = [part.removesuffix(label) for part, label in zip(parts, labels, strict=False)]
        assert "".join(bodies).replace("\n", "") == plain_text(full).replace("\n", "")

    def test_a_long_answer_is_cut_and_ends_with_the_way_to_the_full_text(self) -> None:
        """An answer over the limit is cut where a sentence ends and closes with the 全文 hint."""
        hint = say("full_hint", "zh")
        text = "标题\n" + "这是一句话。" * 400 + "\n" + hint
        fitted = fit_answer(text, hint)
        assert size(fitted) <= MAX_BYTES
        assert fitted.endswith("。…\n" + hint)
        assert fit_answer("短的回答\n" + hint, hint) == "短的回答\n" + hint

    @settings(max_examples=200, deadline=None)
    @given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=3000),
           st.integers(8, 2048))  # fmt: skip
    def test_any_text_splits_into_pieces_within_the_limit_losing_nothing(self, text: str, limit: int) -> None:
        """Pieces are within the limit and together give the text back, but for line breaks between them."""
        pieces = split(text, limit)
        assert all(size(piece) <= limit for piece in pieces)
        assert "".join(pieces).replace("\n", "") == text.replace("\n", "")
        assert size(cut(text, limit)) <= limit

    @settings(max_examples=100, deadline=None)
    @given(st.text(max_size=4000), st.sampled_from(["zh", "en"]))
    def test_any_whole_text_fits_in_parts(self, text: str, lang: Lang) -> None:
        """Every part of a text asked for whole is within WeChat's 2,048 bytes."""
        assert all(size(part) <= MAX_BYTES for part in fit_whole(text, lang, parts=True))
        assert len(fit_whole(text, lang, parts=False)) == 1


@asynccontextmanager
async def served(app: Starlette) -> AsyncIterator[str]:
    """A real uvicorn server for `app` on a local port, until the block ends: its root URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        await serving
        listener.close()


class Gate:
    """Holds every read of conversation state until opened, as a database under load might: an answer
    then takes as long as the test says."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, store: Store) -> None:
        self.open = asyncio.Event()
        recall: Callable[[str], Awaitable[str | None]] = store.conversations.recall

        async def held(key: str) -> str | None:
            await asyncio.wait_for(self.open.wait(), 30)
            return await recall(key)

        monkeypatch.setattr(store.conversations, "recall", held)


class TestSlowAnswers:
    async def test_a_slow_answer_is_success_then_the_customer_service_api(
        self, store: Store, brain: Brain, stub: tuple[str, Stub], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """On a real server: an answer not ready within the reply wait gets `success` (WeChat then neither
        resends nor gives up on the account) and arrives later through the customer-service API; a resend
        meanwhile gets `success` too; the access token is fetched once; one question is logged."""
        root, api = stub
        endpoint = WeChat(with_api(root, reply_wait=0.3), Conversation(lambda: brain, store), lambda: brain)
        side, gate = WeChatSide(), Gate(monkeypatch, store)
        async with served(Starlette(routes=endpoint.routes)) as url, httpx.AsyncClient(base_url=url) as client:

            async def post(xml: str) -> str:
                query, body = side.post(xml)
                response = await client.post("/wechat", params=query, content=body)
                assert response.status_code == 200
                return response.text

            question, _ = side.text(QUESTION)
            assert await post(question) == "success"
            assert await post(question) == "success"
            assert api.sent == []
            gate.open.set()
            assert (await asyncio.to_thread(api.wait_for, 1)) == [expected(brain, QUESTION)]
            gate.open.clear()
            assert await post(side.text("全文")[0]) == "success"
            gate.open.set()
            assert len(await asyncio.to_thread(api.wait_for, 2)) == 2
            fast = side.read((await post(side.text(NOT_IN_THE_ARTICLE)[0])).encode())
            assert fast is not None
        await endpoint.close()
        assert [message["touser"] for message in api.sent] == [READER, READER]
        assert api.tokens == 1
        assert api.token_calls == [{"grant_type": "client_credential", "appid": APP_ID, "secret": APP_SECRET}]
        queue = getattr(store, "_queue", None)
        assert queue is not None
        await asyncio.wait_for(queue.join(), 10)
        rows = await store.events.since(store.clock() - timedelta(days=1))
        assert [row.kind for row in rows] == ["answered", "more", "unanswered"]


class TestSlowBodies:
    async def test_a_body_slower_than_the_reply_wait_is_refused(self, store: Store, brain: Brain) -> None:
        """On a real server, a POST whose body does not come within the reply wait gets 408 and holds the
        connection no longer; nothing is logged."""
        endpoint = WeChat(replace(PLAIN, reply_wait=0.3), Conversation(lambda: brain, store), lambda: brain)
        query, _ = WeChatSide().post(WeChatSide().text(QUESTION)[0])
        async with served(Starlette(routes=endpoint.routes)) as url:
            host, port = url.removeprefix("http://").split(":")
            reader, writer = await asyncio.open_connection(host, int(port))
            target = "/wechat?" + "&".join(f"{k}={v}" for k, v in query.items())
            writer.write(f"POST {target} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 100\r\n\r\n<xml>".encode())
            await writer.drain()
            status = await asyncio.wait_for(reader.readline(), 10)
            writer.close()
        await endpoint.close()
        assert status.startswith(b"HTTP/1.1 408")
        queue = getattr(store, "_queue", None)
        assert queue is not None
        await asyncio.wait_for(queue.join(), 10)
        assert await store.events.since(store.clock() - timedelta(days=1)) == []


class TestCustomerService:
    async def test_an_expired_token_is_fetched_again_and_the_message_sent(self, stub: tuple[str, Stub]) -> None:
        """When WeChat says the token is not valid (40001), a new one is fetched and the message sent once."""
        root, api = stub
        service = CustomerService(root, APP_ID, APP_SECRET, pause=0.01)
        api.refuse_next.append(40001)
        assert await service.send(READER, "你好")
        assert (api.tokens, api.texts()) == (2, ["你好"])
        await service.close()

    async def test_server_errors_are_tried_again(self, stub: tuple[str, Stub]) -> None:
        """A 502 from WeChat's API is tried again, with a pause, until it is taken."""
        root, api = stub
        service = CustomerService(root, APP_ID, APP_SECRET, pause=0.01)
        api.fail_next = 2
        assert await service.send(READER, "第二次")
        assert api.texts() == ["第二次"]
        await service.close()

    async def test_a_refusal_is_logged_not_retried(
        self, stub: tuple[str, Stub], caplog: pytest.LogCaptureFixture
    ) -> None:
        """45015 (the person last wrote over 48 hours ago) is WeChat's last word: logged, not tried again."""
        root, api = stub
        service = CustomerService(root, APP_ID, APP_SECRET, pause=0.01)
        api.refuse_next.append(45015)
        assert not await service.send(READER, "太晚了")
        assert api.texts() == []
        assert "45015" in caplog.text
        assert "token-1" not in caplog.text
        assert APP_SECRET not in caplog.text
        await service.close()


class TestAdmins:
    async def test_an_admin_gets_the_text_forms_of_stats_and_unanswered(self, store: Store, brain: Brain) -> None:
        """/stats and /unanswered on WeChat are the reports' own text, counting WeChat's questions."""
        async with front(store, brain) as wechat:
            await wechat.ask(QUESTION)
            await wechat.ask(NOT_IN_THE_ARTICLE)
            rows = await wechat.questions()
            shown = await wechat.ask("/stats", sender=ADMIN)
            week = await wechat.ask("/unanswered week", sender=ADMIN)
            day = await wechat.ask("/unanswered day", sender=ADMIN)
            votes = await store.votes.since(store.clock() - timedelta(days=7))
        titles = entry_titles(brain.knowledge, "zh")
        since = store.clock() - timedelta(days=7)
        assert shown.splitlines()[1:] == render_stats(stats(rows, votes, since), titles).splitlines()[1:]
        assert week == render_unanswered(unanswered(rows), titles, "zh", downvoted(votes)) == day
        assert NOT_IN_THE_ARTICLE in week
        assert "wechat 2 (100%)" in shown

    async def test_nothing_else_and_no_one_else(self, store: Store, brain: Brain) -> None:
        """A reader's /stats is refused; an admin's other command lists what WeChat has; a period that is
        not one gets the usage line; none of it is a question in the log."""
        async with front(store, brain) as wechat:
            assert await wechat.ask("/stats") == say("admins_only", "zh")
            assert await wechat.ask("/reload", sender=ADMIN) == say("wechat_admin_commands", "zh")
            assert await wechat.ask("/stats month", sender=ADMIN) == say("period_usage", "zh", command="/stats")
            assert await wechat.questions() == []

    async def test_anyone_can_learn_their_own_openid_to_be_made_an_admin(self, store: Store, brain: Brain) -> None:
        """WeChat shows nobody their OpenID; /openid tells the sender theirs (and nothing is logged)."""
        async with front(store, brain) as wechat:
            assert await wechat.ask("/openid") == say("wechat_openid", "zh", openid=READER)
            assert await wechat.questions() == []
