"""Each user's fair share of the bot, so that one person's flood does not delay everyone else.

A token bucket per user: `BURST` updates at once, then `PER_SECOND` more each second. An
update over its sender's share is dropped at the door (kept in the inbox as handled, not
answered, costing no matching and no sending); the first one gets a polite "slow down" (a
toast for a button), once until the sender's share is whole again. Inline queries come with
every keystroke, so they have a bucket of their own and are dropped silently over it. Admins
are not limited.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from telegram import Update

log = logging.getLogger(__name__)

BURST = 20
"""Updates a user may send at once: a few questions pasted in a row, a run of button presses."""
PER_SECOND = 1.0
"""Updates a user may send each second beyond the burst: Telegram's own pace for one chat (about one
message a second), and more than anyone types."""
INLINE_BURST = 10
INLINE_PER_SECOND = 1.0
"""Inline queries a user may send at once, then each second: Telegram sends one per pause in typing."""
TRACKED = 10_000
"""Users tracked before those whose share is whole again are forgotten (they would start whole anyway)."""
REPORT_EVERY = 60.0


@dataclass
class _Bucket:
    tokens: float
    at: float
    told: bool = False


class _Buckets:
    def __init__(self, burst: float, per_second: float, clock: Callable[[], float]) -> None:
        self.burst, self.per_second, self.clock = burst, per_second, clock
        self.users: dict[int, _Bucket] = {}

    def take(self, user: int) -> _Bucket | None:
        """Take one token from the user's bucket; None if it is empty (the bucket is returned then)."""
        now = self.clock()
        bucket = self.users.get(user)
        if bucket is None:
            if len(self.users) >= TRACKED:
                self._forget_whole(now)
            bucket = self.users[user] = _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.per_second)
        bucket.at = now
        if bucket.tokens >= self.burst:
            bucket.told = False  # whole again: a later flood is told again
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return None
        return bucket

    def _forget_whole(self, now: float) -> None:
        for user, bucket in list(self.users.items()):
            if bucket.tokens + (now - bucket.at) * self.per_second >= self.burst:
                del self.users[user]


class Fairness:
    """Decides, update by update, whether its sender is within their share."""

    def __init__(self, admins: frozenset[int] = frozenset(), clock: Callable[[], float] = time.monotonic) -> None:
        self.admins = admins
        self._messages = _Buckets(BURST, PER_SECOND, clock)
        self._inline = _Buckets(INLINE_BURST, INLINE_PER_SECOND, clock)
        self._owed: set[int] = set()
        self.dropped = 0
        self._clock = clock
        self._reported_at = -REPORT_EVERY

    def admit(self, update: Update) -> bool:
        """Whether to handle the update; an update owed a "slow down" is admitted (see `owes_slow_down`)."""
        user = update.effective_user
        if user is None or user.id in self.admins:
            return True
        inline = update.inline_query is not None
        over = (self._inline if inline else self._messages).take(user.id)
        if over is None:
            return True
        if not inline and not over.told:
            over.told = True
            self._owed.add(update.update_id)
            return True
        self.dropped += 1
        self._report()
        return False

    def owes_slow_down(self, update: Update) -> bool:
        """Whether this update is the first over its sender's share, to be answered "slow down" (once)."""
        if update.update_id not in self._owed:
            return False
        self._owed.discard(update.update_id)
        return True

    def _report(self) -> None:
        now = self._clock()
        if now - self._reported_at >= REPORT_EVERY:  # at most once a minute: a flood must not flood the log
            self._reported_at = now
            log.warning("%d update(s) over their sender's share (%d at once, then %s a second) not answered so far",
                        self.dropped, BURST, PER_SECOND)  # fmt: skip
