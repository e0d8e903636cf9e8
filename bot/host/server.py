"""One HTTP server for every front end's routes: uvicorn, bounded so that idle or slow sockets
cannot use it up.

uvicorn closes a kept-alive connection that stays idle, but waits for ever for the first request
on a new one, and takes as many connections as the process has files. `BoundedH11Protocol` adds
what it lacks: at most `Bounds.connections` open at once (one beyond is closed at once, said once
a minute), and `Bounds.head_timeout` seconds for each request's head to arrive, whether on a new
connection or between requests on a kept one. A body's deadline is the application's (see
`bot.web.app`). The server listens on a socket bound here, so a port in use is one line for the
operator, not a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.h11_impl import H11Protocol

from bot.ops.serving import StartupError

log = logging.getLogger(__name__)

MAX_HEAD = 16 * 1024
"""Bytes a request's head may take (request line and headers)."""
GRACE = 5
"""Seconds a stop gives requests in flight to finish."""


class ListenError(StartupError):
    """The server cannot listen where it was told to: one line for the operator."""


@dataclass(frozen=True)
class Bounds:
    """How much of the process one HTTP server may take."""

    connections: int = 512
    """Connections open at once at most."""
    head_timeout: float = 10.0
    """Seconds a connection may take to send a whole request head, new or kept alive between requests."""


class ConnectionCap:
    """Counts open connections against a limit; says once a minute when it closes new ones."""

    EVERY = 60.0

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open = 0
        self.refused = 0
        self._told = -self.EVERY

    def admit(self) -> bool:
        """Whether a new connection may stay open (it must be released when it closes)."""
        if self.open >= self.limit:
            self.refused += 1
            now = time.monotonic()
            if now - self._told >= self.EVERY:
                self._told = now
                log.warning("%d connections open, the most allowed; closing new ones (%d so far)",
                            self.open, self.refused)  # fmt: skip
            return False
        self.open += 1
        return True

    def release(self) -> None:
        """A connection admitted earlier has closed."""
        self.open -= 1


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


def bounded_protocol(bounds: Bounds) -> type[BoundedH11Protocol]:
    """A protocol class for one server, with its own cap."""
    attributes: dict[str, Any] = {"cap": ConnectionCap(bounds.connections), "head_timeout": bounds.head_timeout}
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

    def __init__(self, app: ASGIApp, sock: socket.socket, bounds: Bounds) -> None:
        self.sock = sock
        self.protocol = bounded_protocol(bounds)
        config = uvicorn.Config(
            app,
            http=self.protocol,
            lifespan="off",
            log_config=None,
            access_log=False,
            server_header=False,
            timeout_keep_alive=int(bounds.head_timeout),
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
