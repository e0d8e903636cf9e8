"""Anonymous sessions: an id the page keeps in the browser's session storage, never a cookie.

The page sends its id in the `X-Session` header; a request without a usable one gets a fresh id
back. The id itself is never kept or logged: the conversation, the usage log and the rate limits
see only a hash of it (`Visitor`), and the store's integer chat id comes from that hash through
`bot.conversation.state.chat_number`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from bot.conversation.state import Who, chat_number
from bot.language import Lang

HEADER = "X-Session"
SHAPE = re.compile(r"[A-Za-z0-9_-]{32,64}")
"""What a session id looks like: `secrets.token_urlsafe(32)` gives 43 of these characters."""
CHANNEL = "web"


def new_session() -> str:
    """A fresh anonymous session id: 256 random bits, unguessable, tied to nothing."""
    return secrets.token_urlsafe(32)


def usable(given: str | None) -> str | None:
    """The session id a request sent, if it has the right shape."""
    return given if given is not None and SHAPE.fullmatch(given) else None


@dataclass(frozen=True)
class Visitor:
    """One browser session, known only by a hash of its id."""

    key: str
    """A hash of the session id: what the conversation, the log and the limits see."""

    @classmethod
    def of(cls, session: str) -> Visitor:
        """The visitor behind a session id."""
        return cls(hashlib.sha256(f"{CHANNEL}-session:{session}".encode()).hexdigest()[:32])

    @property
    def chat_id(self) -> int:
        """The integer the store keeps this session's replies and votes under (as its user too)."""
        return chat_number(CHANNEL, self.key)

    def who(self, hint: Lang | None) -> Who:
        """The conversation: one reader in one private chat, with buttons to tap."""
        return Who(CHANNEL, self.key, self.key, hint=hint, buttons=True)
