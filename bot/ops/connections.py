"""A cap on the connections an HTTP server keeps open, below the process's open-file limit.

Idle or half-open sockets are cheap to make and each holds an open file: without a cap, a thousand of
them leave none for the database, the Bot API's connections and the logs, and every real request
fails. Both servers a process may run (the shared one in `bot.host.server`, the webhook's own in
`bot.tg.webhook`) count their connections here; one beyond the cap is closed at once, and that is said
once a minute. Imports no front end and no web framework.
"""

from __future__ import annotations

import logging
import resource
import time

log = logging.getLogger(__name__)

RESERVED_FILES = 128
"""Open files kept free beyond the connection cap: the database, the Bot API's connections, logs."""


class ConnectionCap:
    """At most `limit` connections open at once; one beyond it is refused, said once a minute."""

    EVERY = 60.0

    def __init__(self, limit: int, server: str = "HTTP server") -> None:
        self.limit = limit
        self.server = server
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
                log.warning("%s: %d connections open, the most allowed; closing new ones (%d so far)",
                            self.server, self.open, self.refused)  # fmt: skip
            return False
        self.open += 1
        return True

    def release(self) -> None:
        """A connection admitted earlier has closed."""
        self.open -= 1


def connection_cap(connections: int, server: str) -> ConnectionCap:
    """A cap of `connections`, kept below the open files this process may have (raising its soft limit
    if it can); `server` names it in the log."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + RESERVED_FILES
    if soft != resource.RLIM_INFINITY and soft < wanted:
        raised = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
        except (ValueError, OSError):
            pass
    limit = connections if soft == resource.RLIM_INFINITY else min(connections, soft - RESERVED_FILES)
    if limit < connections:
        log.warning("%s: at most %d connections (open files are limited to %d)", server, limit, soft)
    return ConnectionCap(max(1, limit), server)
