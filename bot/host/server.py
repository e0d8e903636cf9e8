"""One HTTP server for every front end's routes: uvicorn, bounded so that idle or slow sockets
cannot use it up.

uvicorn closes a kept-alive connection that stays idle, but waits for ever for the first request
on a new one, and takes as many connections as the process has files. `BoundedH11Protocol` adds
what it lacks: at most `ServerLimits.connections` open at once, below the open-file limit (one
beyond is closed at once, said once a minute: `bot.ops.connections`), and
`ServerLimits.idle_timeout` seconds for each request's head to arrive, whether on a new connection
or between requests on a kept one (`WEB_MAX_CONNECTIONS`, `WEB_IDLE_TIMEOUT`). A body's deadline is
the application's (see `bot.web.app`, `bot.tg.routes`). The server listens on a socket bound here,
so a port in use is one line for the operator, not a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator
from typing import Any, ClassVar

import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.h11_impl import H11Protocol

from bot.ops.connections import ConnectionCap, connection_cap
from bot.ops.serving import StartupError
from bot.ops.settings import ServerLimits

log = logging.getLogger(__name__)

MAX_HEAD = 16 * 1024
"""Bytes a request's head may take (request line and headers)."""
GRACE = 5
"""Seconds a stop gives requests in flight to finish."""


class ListenError(StartupError):
    """The server cannot listen where it was told to: one line for the operator."""


class BoundedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a connection cap and a deadline for each request head.

    A subclass per server sets `cap` and `head_timeout` (see `bounded_protocol`). Only the asyncio
    protocol's own methods and uvicorn's response hook are extended; whether a request is in flight
    is read from the cycle uvicorn keeps for it (the server tests pin this against uvicorn's
    releases)."""

    cap: ClassVar[ConnectionCap]
    head_timeout: ClassVar[float]

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._admitted = self.cap.admit()
        self._deadline: asyncio.TimerHandle | None = None
        if not self._admitted:
            transport.abort()
            return
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        if self._admitted:
            self._admitted = False
            self.cap.release()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        self._arm()  # the next request's head must come in time too
        super().on_response_complete()

    def _arm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = self.loop.call_later(self.head_timeout, self._head_overdue)

    def _head_overdue(self) -> None:
        self._deadline = None
        in_flight = self.cycle is not None and not self.cycle.response_complete
        if not in_flight and not self.transport.is_closing():
            self.transport.close()


def bounded_protocol(limits: ServerLimits) -> type[BoundedH11Protocol]:
    """A protocol class for one server, with its own cap."""
    cap = connection_cap(limits.connections, "HTTP server")
    attributes: dict[str, Any] = {"cap": cap, "head_timeout": limits.idle_timeout}
    return type("ServerProtocol", (BoundedH11Protocol,), attributes)


def listening_socket(host: str, port: int, what: str) -> socket.socket:
    """A socket bound and listening on host:port, or `ListenError` saying why not."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.create_server((host, port), family=family, backlog=2048, reuse_port=False)
    except OSError as error:
        raise ListenError(f"faqbot: cannot listen on {host}:{port} for {what}: {error.strerror or error}") from None
    sock.set_inheritable(True)
    return sock


class HttpServer:
    """One uvicorn server on a bound socket, started and stopped by its owner (who keeps the signals)."""

    def __init__(self, app: ASGIApp, sock: socket.socket, limits: ServerLimits) -> None:
        self.sock = sock
        self.protocol = bounded_protocol(limits)
        config = uvicorn.Config(
            app,
            http=self.protocol,
            lifespan="off",
            log_config=None,
            access_log=False,
            server_header=False,
            timeout_keep_alive=int(limits.idle_timeout),
            timeout_graceful_shutdown=GRACE,
            h11_max_incomplete_event_size=MAX_HEAD,
            proxy_headers=True,  # X-Forwarded-For from a proxy on this host (FORWARDED_ALLOW_IPS, default 127.0.0.1)
        )
        self.server = _Server(config)
        self._task: asyncio.Task[None] | None = None

    @property
    def address(self) -> tuple[str, int]:
        """Where it listens (the port the system gave, for port 0)."""
        host, port = self.sock.getsockname()[:2]
        return str(host), int(port)

    async def start(self) -> None:
        """Begin serving; returns once the socket accepts connections."""
        self._task = asyncio.create_task(self.server.serve(sockets=[self.sock]), name="http server")
        while not self.server.started:
            if self._task.done():
                await self._task  # it failed to start: say why
                raise ListenError("faqbot: the HTTP server stopped as it started")
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        """Stop accepting, give requests in flight `GRACE` seconds, and close."""
        self.server.should_exit = True
        if self._task is not None:
            await self._task
        self.sock.close()


class _Server(uvicorn.Server):
    """uvicorn's server, leaving SIGINT and SIGTERM to the host, which stops every front end in its order."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield
