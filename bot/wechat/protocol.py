"""WeChat's side of the wire: signed calls, safe mode, the XML of messages and of passive replies.

No web framework in it: it takes a query and a body and gives an `Incoming` message, or a reply's
XML. Signatures, the AES of safe mode, parsing and replies are wechatpy's (`WeChatSigner`,
`WeChatCrypto`, `parse_message`, `TextReply`); around them this module adds what wechatpy leaves
out. Every body is read by defusedxml first, which refuses a DOCTYPE and so every entity
declaration (wechatpy's xmltodict would quietly drop entities rather than refuse them); signatures
are compared in constant time, and a timestamp far from this server's clock is refused, since in
plaintext mode the signature covers the time and nonce but not the body; every field taken from a
message is checked for its shape; and a reply's text is made safe for the CDATA that wechatpy
writes it into without escaping.
"""

from __future__ import annotations

import re
import struct
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from hmac import compare_digest
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import WeChatException
from wechatpy.replies import TextReply
from wechatpy.utils import WeChatSigner

MAX_BODY = 64 * 1024
"""Bytes a call may carry: WeChat's messages are a few hundred bytes, a text at most a few kilobytes."""
MAX_SKEW = 300
"""Seconds a signed call's timestamp may be from this server's clock (WeChat's own clocks are right)."""

_NAME = re.compile(r"[A-Za-z0-9_@.-]{1,64}")
"""An OpenID or an account's id, as WeChat writes them."""
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 does not allow, even inside CDATA."""
SUBSCRIBED = frozenset({"subscribe", "subscribe_scan", "subscribe_scan_product"})
"""Events of a person following the account (wechatpy names a follow through a QR code apart)."""


class Refused(Exception):
    """A call that is not WeChat's or not a message: the HTTP status to answer, and why (for the log)."""

    def __init__(self, status: int, why: str) -> None:
        super().__init__(why)
        self.status = status


@dataclass(frozen=True)
class Incoming:
    """One message or event from a person, as WeChat sent it."""

    kind: str
    """`text`, `voice`, `image`, `video`, `shortvideo`, `location`, `link`, `file`, `event`, or `unknown`."""
    sender: str
    """The person's OpenID for this account."""
    account: str
    """The account's own id (the reply comes from it)."""
    created: int
    msg_id: int | None = None
    """WeChat's id of a message; events have none."""
    text: str = ""
    """A text message's content, or what WeChat's speech recognition heard in a voice message."""
    event: str = ""
    """An event's type, lower case: `subscribe`, `unsubscribe`, `click`, ..."""

    def receipt(self, sender_hash: str) -> str:
        """What names this message among resends: its MsgId, or for an event, who sent it and when (as
        WeChat documents), with the sender as a keyed hash."""
        if self.msg_id:
            return f"wechat:msg:{self.msg_id}"
        return f"wechat:event:{sender_hash}:{self.created}:{self.event}"


@dataclass(frozen=True)
class Envelope:
    """How a message came (plaintext or safe mode, with its nonce), so the reply goes back the same way."""

    safe: bool
    nonce: str


class Wire:
    """Signed calls in, replies out, for one account: plaintext mode, or safe mode with an AES key."""

    def __init__(
        self, token: str, aes_key: str | None = None, app_id: str | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        self._token = token
        self._crypto = WeChatCrypto(token, aes_key, app_id) if aes_key is not None and app_id is not None else None
        self._clock = clock

    # ------------------------------------------------------------------ in

    def verify(self, query: Mapping[str, str]) -> str:
        """The server check (a GET): the `echostr` to answer when the call is signed with the token."""
        self._signed(query, query.get("signature", ""))
        echo = query.get("echostr", "")
        if not echo or len(echo) > 256:
            raise Refused(400, "a signed check without an echostr")
        return echo

    def open(self, body: bytes, query: Mapping[str, str]) -> tuple[Incoming, Envelope]:
        """A message POSTed by WeChat: checked, decrypted in safe mode, and read."""
        nonce = query.get("nonce", "")
        if query.get("encrypt_type", "raw").lower() != "aes":
            self._signed(query, query.get("signature", ""))
            return _incoming(body, _fields(body)), Envelope(safe=False, nonce=nonce)
        if self._crypto is None:
            raise Refused(400, "a safe-mode message, but WECHAT_AES_KEY is not set: set it, or use plaintext mode")
        encrypted = _fields(body).get("Encrypt", "")
        if not encrypted:
            raise Refused(400, "a safe-mode message without Encrypt")
        self._signed(query, query.get("msg_signature", ""), encrypted)
        try:
            plain = self._crypto.decrypt_message({"Encrypt": encrypted}, query["msg_signature"],
                                                 query["timestamp"], nonce)  # fmt: skip
        except (WeChatException, ValueError, IndexError, struct.error) as error:
            raise Refused(400, f"a safe-mode message that does not decrypt ({type(error).__name__})") from None
        inner = plain.encode("utf-8")
        return _incoming(inner, _fields(inner)), Envelope(safe=True, nonce=nonce)

    def _signed(self, query: Mapping[str, str], given: str, *more: str) -> None:
        timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
        if not given or not timestamp.isdigit() or len(nonce) > 64:
            raise Refused(403, "an unsigned call")
        if abs(self._clock() - int(timestamp)) > MAX_SKEW:
            raise Refused(403, f"a call signed {int(timestamp) - self._clock():+.0f} s from this server's clock")
        signer = WeChatSigner()
        signer.add_data(self._token, timestamp, nonce, *more)
        if not compare_digest(signer.signature.encode(), given.encode()):
            raise Refused(403, "a call with a wrong signature")

    # ------------------------------------------------------------------ out

    def reply(self, message: Incoming, envelope: Envelope, text: str) -> str:
        """A passive text reply to `message`, encrypted when it came encrypted."""
        now = int(self._clock())
        reply = TextReply(source=message.account, target=message.sender, content=cdata_safe(text), time=now)
        xml: str = reply.render()
        if envelope.safe and self._crypto is not None:
            xml = self._crypto.encrypt_message(xml, envelope.nonce or str(now), str(now))
        return xml


def cdata_safe(text: str) -> str:
    """Text that stays text inside CDATA: no characters XML forbids, and a `]]>` split across two sections."""
    return _NOT_XML.sub("", text).replace("]]>", "]]]]><![CDATA[>")


def _fields(body: bytes) -> dict[str, str]:
    """The children of a message's `<xml>`, read with no DOCTYPE, no entities and nothing fetched."""
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise Refused(400, f"XML that defusedxml refuses ({type(error).__name__})") from None
    except (ParseError, ValueError):
        raise Refused(400, "a body that is not XML") from None
    if root.tag != "xml":
        raise Refused(400, f"XML whose root is <{str(root.tag)[:20]}>, not <xml>")
    return {str(child.tag): child.text or "" for child in root if len(child) == 0}


def _incoming(body: bytes, fields: Mapping[str, str]) -> Incoming:
    """A checked body read by wechatpy, each field taken only in the shape WeChat sends it."""
    try:
        message: Any = parse_message(body.decode("utf-8"))
        kind, event = str(message.type), str(getattr(message, "event", "") or "")
        created, msg_id = int(message.time or 0), int(message.id or 0) or None
        said = message.content if kind == "text" else message.recognition if kind == "voice" else ""
    except (KeyError, TypeError, AttributeError, ValueError, UnicodeDecodeError):
        raise Refused(400, "XML that is not a WeChat message") from None
    sender, account = message.source, message.target
    if not isinstance(sender, str) or not isinstance(account, str):
        raise Refused(400, "a message with more than one sender or account")
    if not _NAME.fullmatch(sender) or not _NAME.fullmatch(account):
        raise Refused(400, "a message without a sender or an account")
    if kind == "unknown" and fields.get("MsgType", "").lower() == "event":
        kind, event = "event", fields.get("Event", "").lower()
    text = said.strip() if isinstance(said, str) else ""
    return Incoming(kind, sender, account, created, msg_id, text, event[:64])
