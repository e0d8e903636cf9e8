"""How much one reader, and one network address, may ask: a budget per minute that refills steadily.

Each session and each address has a bucket holding up to a minute's worth of messages, refilled at
the per-minute rate; a message takes one from both (the address first, so a flood of fresh session
ids is held by its address). An empty bucket says how long until the next message may go, and the
page says so to the reader. Buckets that have refilled are forgotten, and there are at most
`MAX_TRACKED` of each kind, so memory stays bounded however many sessions come and go.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

MAX_TRACKED = 50_000
"""Sessions (and, separately, addresses) tracked at once at most: the least recently seen go first."""


@dataclass
class _Bucket:
    tokens: float
    at: float


class Budget:
    """Messages per minute for each key of one kind (sessions, or addresses)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def wait(self, key: str) -> float:
        """Seconds until `key` may send a message (0 now), without spending one."""
        bucket = self._refilled(key, self._clock())
        return 0.0 if bucket.tokens >= 1 else (1 - bucket.tokens) / self.rate

    def spend(self, key: str) -> None:
        """Take one message from `key`'s budget."""
        bucket = self._refilled(key, self._clock())
        bucket.tokens -= 1
        self._buckets[key] = bucket
        self._buckets.move_to_end(key)
        while len(self._buckets) > MAX_TRACKED:
            self._buckets.popitem(last=False)

    def _refilled(self, key: str, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            return _Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens >= self.capacity:
            del self._buckets[key]  # full again: nothing to remember
            return _Bucket(self.capacity, now)
        return bucket

    def __len__(self) -> int:
        return len(self._buckets)


class Limits:
    """The per-session and per-address budgets together."""

    def __init__(self, per_session: int, per_address: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.sessions = Budget(per_session, clock)
        self.addresses = Budget(per_address, clock)

    def admit(self, session: str, address: str) -> int:
        """0 and one message spent from both budgets, or the whole seconds to wait (nothing spent)."""
        wait = max(self.addresses.wait(address), self.sessions.wait(session))
        if wait > 0:
            return max(1, math.ceil(wait))
        self.addresses.spend(address)
        self.sessions.spend(session)
        return 0
