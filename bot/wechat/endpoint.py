"""`/wechat`: the endpoint a WeChat Official Account's server configuration points at, as Starlette routes.

GET is WeChat's check of the server: a signed call answered with its `echostr`. POST is a message.
In order, a POST is: read up to `MAX_BODY` bytes (413 past it) within the reply wait (408); checked, decrypted and read
(`bot.wechat.protocol`: 403 for a bad signature, 400 for XML with a DOCTYPE, entities or the wrong
shape), so that nothing refused reaches the conversation or the log; taken in the store's receipts
(`Store.receipts`), so that WeChat's resends of it, to this or any replica, are answered once; then
answered through `bot.wechat.messages` within `WECHAT_REPLY_WAIT` seconds, as a passive reply.

An answer not ready by then is not waited for: WeChat gets `success` (it then neither resends nor
tells the person the account is out of service) and the answer follows through the customer-service
API when it is ready. Parts of a long text after the first follow the same way, after the reply has
gone. A resend gets the reply the first delivery got, or `success` when that one went another way;
a resend arriving while the first is still being answered waits for it until its own deadline.

`WeChat.routes` is the seam to the program's web server; `WeChat.close` ends its connections.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.conversation.turns import Conversation
from bot.core.brain import Brain
from bot.ops.settings import WeChatSettings
from bot.storage.store import Receipt, StoreBusy, StoreError
from bot.wechat.customer_service import CustomerService
from bot.wechat.messages import Messages
from bot.wechat.protocol import MAX_BODY, Envelope, Incoming, Refused, Wire

log = logging.getLogger(__name__)

PATH = "/wechat"
POLL = 0.1
"""Seconds between looks at the store while a resend waits for the first delivery's answer."""
SUCCESS = "success"
"""What WeChat takes for "received, nothing to say" (it then stops resending)."""


class WeChat:
    """The WeChat front end of one Official Account, as routes for a Starlette server."""

    def __init__(
        self,
        settings: WeChatSettings,
        conversation: Conversation,
        brain: Callable[[], Brain],
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._settings = settings
        self._wire = Wire(settings.token, settings.aes_key, settings.app_id, clock)
        self._store = conversation.store
        self._customer = (
            CustomerService(settings.api_url, settings.app_id, settings.app_secret)
            if settings.app_id is not None and settings.app_secret is not None
            else None
        )
        self._messages = Messages(settings, conversation, brain, parts=self._customer is not None)

    @property
    def routes(self) -> list[BaseRoute]:
        """`/wechat`, GET and POST, for the program's web server."""
        return [Route(PATH, self.endpoint, methods=["GET", "POST"])]

    async def close(self) -> None:
        """Close the connections to WeChat's API."""
        if self._customer is not None:
            await self._customer.close()

    async def endpoint(self, request: Request) -> Response:
        """One call from WeChat's servers."""
        started = time.monotonic()
        query = dict(request.query_params)
        try:
            if request.method != "POST":
                return PlainTextResponse(self._wire.verify(query))
            try:
                # a body slower than the reply wait cannot be answered in time anyway; nor may it hold the server
                body = await asyncio.wait_for(_body(request), self._settings.reply_wait)
            except TimeoutError:
                raise Refused(408, f"a body slower than {self._settings.reply_wait} s") from None
            if body is None:
                raise Refused(413, f"a body over {MAX_BODY} bytes")
            message, envelope = self._wire.open(body, query)
        except Refused as refused:
            log.warning("wechat: refused %s from %s: %s", request.method, _client(request), refused)
            return PlainTextResponse("", status_code=refused.status)
        return await self._answer(message, envelope, started + self._settings.reply_wait)

    # ------------------------------------------------------------------ a message

    async def _answer(self, message: Incoming, envelope: Envelope, deadline: float) -> Response:
        key = message.receipt(self._store.user_hash(message.sender))
        receipt = await self._take(key)
        if receipt is not None:
            return await self._again(key, receipt, message, envelope, deadline)
        turn = asyncio.create_task(self._messages.answer(message), name=f"wechat {message.kind}")
        done, _ = await asyncio.wait({turn}, timeout=max(0.0, deadline - time.monotonic()))
        if turn not in done:
            log.info("wechat: a %s took over %.1f s; its answer follows by the customer-service API",
                     message.kind, self._settings.reply_wait)  # fmt: skip
            return PlainTextResponse(SUCCESS, background=BackgroundTask(self._late, key, turn, message.sender))
        texts = turn.result()
        if not texts:
            await self._settle(key, None)
            return PlainTextResponse(SUCCESS)
        await self._settle(key, texts[0])
        rest = BackgroundTask(self._send, message.sender, texts[1:]) if len(texts) > 1 else None
        return self._reply(message, envelope, texts[0], rest)

    async def _again(
        self, key: str, receipt: Receipt, message: Incoming, envelope: Envelope, deadline: float
    ) -> Response:
        """A resend: the first delivery's reply when it is (or becomes, before this one's deadline) known."""
        while not receipt.settled and time.monotonic() + POLL < deadline:
            await asyncio.sleep(POLL)
            try:
                receipt = await self._store.receipts.get(key) or receipt
            except StoreError as error:
                log.warning("wechat: receipt %s not read: %s", key, error)
        log.info("wechat: a resent %s answered %s", message.kind, "again" if receipt.reply else "with success")
        if receipt.settled and receipt.reply:
            return self._reply(message, envelope, receipt.reply)
        return PlainTextResponse(SUCCESS)

    def _reply(self, message: Incoming, envelope: Envelope, text: str, rest: BackgroundTask | None = None) -> Response:
        xml = self._wire.reply(message, envelope, text)
        return Response(xml, media_type="application/xml", background=rest)

    async def _late(self, key: str, turn: asyncio.Task[tuple[str, ...]], openid: str) -> None:
        """Send an answer that was not ready in time, once it is; a resend meanwhile gets `success`."""
        await self._settle(key, None)
        await self._send(openid, await turn)

    async def _send(self, openid: str, texts: tuple[str, ...]) -> None:
        """Texts after the reply, in order, through the customer-service API."""
        if not texts:
            return
        if self._customer is None:
            log.warning("wechat: an answer came too late for the reply and is not sent: "
                        "set WECHAT_APP_ID and WECHAT_APP_SECRET to send it by the customer-service API")  # fmt: skip
            return
        for text in texts:
            if not await self._customer.send(openid, text):
                return

    # ------------------------------------------------------------------ the store

    async def _take(self, key: str) -> Receipt | None:
        """The message's receipt if it was taken before (a resend); None when it is this process's to answer.
        When the store cannot say, the message is answered: better twice than not at all."""
        try:
            return await self._store.receipts.take(key)
        except StoreBusy:
            return None  # queued: it is taken once the database is free
        except StoreError as error:
            log.warning("wechat: receipt %s not taken (%s); answering without it", key, error)
            return None

    async def _settle(self, key: str, reply: str | None) -> None:
        try:
            await self._store.receipts.settle(key, reply)
        except StoreBusy:
            pass  # queued: written once the database is free
        except StoreError as error:
            log.warning("wechat: receipt %s not settled: %s", key, error)


async def _body(request: Request) -> bytes | None:
    """The request's body, or None when it is longer than `MAX_BODY` (read no further than that)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return bytes(body)


def _client(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"
