"""The web front end as a Starlette application: the page, its files, and the JSON endpoint it talks to.

`POST api/message` takes one JSON object (`{text}`, `{pick: token}`, `{full: entry}`,
`{topics: true}`, `{vote: "up"|"down", turn}` or `{hello: true}`, each with an optional `lang`
for taps) and answers `{session, replies: [...]}` (see `bot.web.rendering`), or `{session, error}`
with a line for the reader. Everything goes through the conversation layer, as on Telegram; the
page keeps no state but an anonymous session id (`bot.web.sessions`). Routes mounted from
elsewhere (another front end's, on the same server) come first. Every response carries a
Content-Security-Policy without inline script; the page may be framed by `WEB_FRAME_ANCESTORS`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.conversation.replies import Said, pick_of
from bot.conversation.turns import Conversation
from bot.core.brain import Brain
from bot.faq.knowledge import KnowledgeBase
from bot.language import Lang, as_lang
from bot.ops.settings import WebSettings
from bot.texts import say
from bot.web.limits import Limits
from bot.web.page import browser_language, page_html
from bot.web.rendering import Json, hello_json, note_json, said_json
from bot.web.sessions import HEADER, Visitor, new_session, usable

log = logging.getLogger(__name__)

MAX_BODY = 16 * 1024
"""Bytes a message to the page's endpoint may carry: a question is at most a thousand characters."""
BODY_TIMEOUT = 10.0
"""Seconds a message's body may take to arrive, so that a slow sender cannot hold a connection."""
TURN_BITS = 52
"""Reply ids are random and fit a JavaScript number exactly."""

Health = Callable[[], Awaitable[tuple[bool, str]]]


class Unreadable(Exception):
    """A request the page would never send."""


@dataclass(frozen=True)
class Site:
    """What the page serves from: the conversation, the FAQ answering now, the settings."""

    conversation: Conversation
    brain: Callable[[], Brain]
    settings: WebSettings
    health: Health | None = None
    """Whether the process serving the page is healthy, for `/healthz`."""


def web_app(site: Site, *, mounted: Sequence[BaseRoute] = ()) -> Starlette:
    """The page at `/`, its endpoint at `/api/message`, its files, `/widget.js` for other sites,
    `/healthz`, and the `mounted` routes before them all."""
    page = ChatPage(site)
    routes: list[BaseRoute] = [
        *mounted,
        Route("/", page.page, methods=["GET", "HEAD"]),
        Route("/api/message", page.message, methods=["POST"]),
        Route("/widget.js", page.widget, methods=["GET", "HEAD"]),
        Route("/healthz", page.healthz, methods=["GET"]),
        Mount("/static", StaticFiles(packages=[("bot.web", "static")]), name="static"),
    ]
    app = Starlette(routes=routes)
    app.add_middleware(SecurityHeaders, frame_ancestors=site.settings.frame_ancestors)
    return app


class ChatPage:
    """The handlers of the page's routes."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.limits = Limits(site.settings.per_session, site.settings.per_address)
        self._widget = files("bot.web").joinpath("static", "widget.js").read_bytes()
        self._pages: dict[Lang, tuple[KnowledgeBase, str]] = {}
        """The page in each language, for the FAQ it was filled from (made again after a reload)."""

    async def page(self, request: Request) -> Response:
        """The chat page, its labels in the browser's language."""
        lang = browser_language(request.headers.get("accept-language", "")) or "zh"
        knowledge = self.site.brain().knowledge
        made = self._pages.get(lang)
        if made is None or made[0] is not knowledge:
            made = self._pages[lang] = (knowledge, page_html(knowledge, lang))
        html = made[1]
        return HTMLResponse(html, headers={"Cache-Control": "no-cache", "Vary": "Accept-Language"})

    async def widget(self, request: Request) -> Response:
        """The script another site includes to open the page in a frame."""
        return Response(self._widget, media_type="text/javascript", headers={"Cache-Control": "public, max-age=3600"})

    async def healthz(self, request: Request) -> Response:
        """200 when the process serving the page is healthy, 503 when not, with one line saying why."""
        healthy, reason = await self.site.health() if self.site.health is not None else (True, "ok")
        return JSONResponse({"healthy": healthy, "reason": reason}, status_code=200 if healthy else 503)

    async def message(self, request: Request) -> Response:
        """One message from the page: a question, a tap, a vote or the opening hello."""
        session = usable(request.headers.get(HEADER)) or new_session()
        visitor = Visitor.of(session)
        hint = browser_language(request.headers.get("accept-language", ""))
        address = request.client.host if request.client is not None else "-"
        wait = self.limits.admit(visitor.key, address)
        if wait:
            error = say("web_too_fast", hint or "zh", seconds=wait)
            return _json({"session": session, "error": error}, 429, {"Retry-After": str(wait)})
        try:
            body = await _body(request)
            replies = await self._answer(visitor, hint, body)
        except Unreadable as problem:
            log.info("web request refused: %s", problem)
            return _json({"session": session, "error": say("web_unreadable", hint or "zh")}, 400)
        except ClientDisconnect:
            return Response(status_code=400)
        except Exception:
            log.exception("web message not answered")
            return _json({"session": session, "error": say("error", hint or "zh")}, 500)
        return _json({"session": session, "replies": replies})

    async def _answer(self, visitor: Visitor, hint: Lang | None, body: dict[str, Any]) -> list[Json]:
        conversation = self.site.conversation
        who = visitor.who(hint)
        knowledge = self.site.brain().knowledge
        text = body.get("text")
        if isinstance(text, str):
            return await self._said(visitor, await conversation.hear(who, text.strip()))
        lang = as_lang(str(body.get("lang", ""))) or await conversation.language(who)
        if body.get("hello") is True:
            return [hello_json(knowledge, await conversation.language(who))]
        if body.get("topics") is True:
            return await self._said(visitor, await conversation.topics(who, lang))
        pick = body.get("pick")
        if isinstance(pick, str):
            return await self._said(visitor, await self._pick(visitor, pick, lang))
        full = body.get("full")
        if isinstance(full, str):
            said = await conversation.full(who, full, lang)
            return await self._said(visitor, said or Said("gone", lang, text=say("gone", lang)))
        vote, turn = body.get("vote"), body.get("turn")
        if vote in ("up", "down") and type(turn) is int and 0 <= turn < 1 << TURN_BITS:
            return await self._vote(visitor, turn, sign=1 if vote == "up" else -1, lang=lang)
        raise Unreadable(f"no known field in {sorted(body)[:5]}")

    async def _pick(self, visitor: Visitor, token: str, lang: Lang) -> Said:
        """An option tapped: an entry's answer, or a line of work's menu."""
        conversation = self.site.conversation
        chosen = pick_of(token)
        said: Said | None = None
        if chosen is not None and chosen[0] == "line":
            said = await conversation.line(visitor.who(lang), chosen[1], lang)
        elif chosen is not None:
            said = await conversation.choose(visitor.who(lang), chosen[1], lang)
        return said or Said("gone", lang, text=say("gone", lang))

    async def _vote(self, visitor: Visitor, turn: int, *, sign: int, lang: Lang) -> list[Json]:
        """👍 or 👎 on one of this session's answers; after 👎, the other entries to try."""
        stored, others = await self.site.conversation.vote(
            visitor.who(lang), (visitor.chat_id, turn), user_id=visitor.chat_id, sign=sign, lang=lang, follow_up=True
        )
        if not stored:
            return [note_json(say("vote_gone", lang), lang)]
        if others is None:
            return [note_json(say("voted", lang), lang)]
        return await self._said(visitor, others)

    async def _said(self, visitor: Visitor, said: Said) -> list[Json]:
        """A reply for the page, kept under a fresh id when it can be voted on."""
        turn = secrets.randbits(TURN_BITS)
        if said.votable:
            await self.site.conversation.sent(said, chat_id=visitor.chat_id, message_id=turn, user_id=visitor.chat_id)
        return [said_json(said, turn, self.site.brain().knowledge)]


async def _body(request: Request) -> dict[str, Any]:
    """The request's JSON object, read within `BODY_TIMEOUT` and `MAX_BODY`."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise Unreadable("not application/json")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise Unreadable(f"a body of {declared} bytes")

    async def read() -> bytes:
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                raise Unreadable(f"a body over {MAX_BODY} bytes")
        return body

    try:
        raw = await asyncio.wait_for(read(), BODY_TIMEOUT)
    except TimeoutError:
        raise Unreadable(f"a body slower than {BODY_TIMEOUT} s") from None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise Unreadable("not JSON") from None
    if not isinstance(data, dict):
        raise Unreadable(f"a JSON {type(data).__name__}, not an object")
    return data


def _json(data: Json, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers={"Cache-Control": "no-store", **(headers or {})})


class SecurityHeaders:
    """Adds the Content-Security-Policy (no inline script, nothing from other sites, framing only by
    `frame_ancestors`) and related headers to every response."""

    def __init__(self, app: ASGIApp, frame_ancestors: str) -> None:
        self.app = app
        policy = (
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            f"base-uri 'none'; form-action 'self'; frame-ancestors {frame_ancestors}"
        )
        self.headers = [
            (b"content-security-policy", policy.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.headers]
            await send(message)

        await self.app(scope, receive, with_headers)
