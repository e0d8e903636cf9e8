"""WeChat's servers, played by the tests: signed checks and messages in plaintext and safe mode, the
reading of replies, and a stub of the customer-service API.

The signatures and the AES of safe mode are written here from WeChat's documentation, not taken
from wechatpy, so that the bot's side (which uses wechatpy) is checked against an independent
reading of the protocol.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

from Crypto.Cipher import AES

TOKEN = "faqbot2022"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
APP_ID = "wx1234567890abcdef"
APP_SECRET = "0123456789abcdef0123456789abcdef"
ACCOUNT = "gh_0123456789ab"
READER = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"
"""A person's OpenID, in WeChat's shape."""


def signature(*parts: str) -> str:
    """WeChat's signature: SHA-1 of the parts sorted and joined."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


class WeChatSide:
    """One Official Account's messages as WeChat's servers send them to the bot."""

    def __init__(self, *, safe: bool = False, token: str = TOKEN) -> None:
        self.safe = safe
        self.token = token
        self.key = base64.b64decode(AES_KEY + "=")
        self._ids = iter(range(6_000_000_000_000_000_001, 7_000_000_000_000_000_000))

    def signed(self, *more: str, timestamp: int | None = None) -> dict[str, str]:
        """timestamp, nonce and signature over them (and `more`), as WeChat puts them in the query."""
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = str(secrets.randbelow(10**9))
        return {"timestamp": stamp, "nonce": nonce, "signature": signature(self.token, stamp, nonce, *more)}

    def check(self, echostr: str = "5837397520565271645") -> dict[str, str]:
        """The query of WeChat's server check."""
        return {**self.signed(), "echostr": echostr}

    # ------------------------------------------------------------------ messages

    def text(self, content: str, *, sender: str = READER, msg_id: int | None = None) -> tuple[str, int]:
        """A text message's XML and its MsgId."""
        number = msg_id or next(self._ids)
        return _xml(sender, "text", Content=content, MsgId=str(number)), number

    def voice(self, recognition: str | None, *, sender: str = READER) -> str:
        """A voice message, with what WeChat's speech recognition heard if it heard anything."""
        fields = {"MediaId": "media-1", "Format": "amr", "MsgId": str(next(self._ids))}
        if recognition is not None:
            fields["Recognition"] = recognition
        return _xml(sender, "voice", None, **fields)

    def image(self, *, sender: str = READER) -> str:
        """A picture."""
        return _xml(sender, "image", PicUrl="http://127.0.0.1/pic.jpg", MediaId="media-2", MsgId=str(next(self._ids)))

    def event(self, event: str, *, sender: str = READER, created: int | None = None, key: str = "") -> str:
        """An event (subscribe, unsubscribe, CLICK, ...): no MsgId."""
        return _xml(sender, "event", created=created, Event=event, EventKey=key)

    def post(self, xml: str | bytes) -> tuple[dict[str, str], bytes]:
        """The query and body of a POST carrying `xml`: plain and signed, or encrypted with `msg_signature`."""
        raw = xml.encode() if isinstance(xml, str) else xml
        if not self.safe:
            return {**self.signed(), "openid": READER}, raw
        encrypted = self.encrypt(raw)
        query = self.signed()
        query.update(encrypt_type="aes", openid=READER,
                     msg_signature=signature(self.token, query["timestamp"], query["nonce"], encrypted))  # fmt: skip
        body = f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        return query, body.encode()

    # ------------------------------------------------------------------ replies

    def read(self, body: bytes) -> Reply | None:
        """A passive reply as WeChat reads it (decrypted and its signature checked in safe mode); None for
        `success` or an empty body."""
        if body in (b"", b"success"):
            return None
        root = ElementTree.fromstring(body)
        if self.safe:
            fields = {child.tag: child.text or "" for child in root}
            expected = signature(self.token, fields["TimeStamp"], fields["Nonce"], fields["Encrypt"])
            assert fields["MsgSignature"] == expected, "the reply's signature is wrong"
            root = ElementTree.fromstring(self.decrypt(fields["Encrypt"]))
        fields = {child.tag: child.text or "" for child in root}
        return Reply(fields["ToUserName"], fields["FromUserName"], fields["MsgType"], fields["Content"])

    # ------------------------------------------------------------------ safe mode, as WeChat documents it

    def encrypt(self, plain: bytes) -> str:
        """16 random bytes, the length (4 bytes, network order), the XML, the AppID; PKCS#7 to 32 bytes;
        AES-256-CBC with the key's first 16 bytes as IV; base64."""
        data = secrets.token_bytes(16) + struct.pack(">I", len(plain)) + plain + APP_ID.encode()
        pad = 32 - len(data) % 32
        data += bytes([pad]) * pad
        return base64.b64encode(AES.new(self.key, AES.MODE_CBC, iv=self.key[:16]).encrypt(data)).decode()

    def decrypt(self, text: str) -> bytes:
        """The reverse, checking the AppID at the end."""
        data = AES.new(self.key, AES.MODE_CBC, iv=self.key[:16]).decrypt(base64.b64decode(text))
        data = data[: -data[-1]]
        (length,) = struct.unpack(">I", data[16:20])
        assert data[20 + length :] == APP_ID.encode(), "a reply for another account"
        return data[20 : 20 + length]


@dataclass(frozen=True)
class Reply:
    """A passive reply: to whom, from which account, its type and its text."""

    to: str
    account: str
    kind: str
    content: str


def _xml(sender: str, kind: str, created: int | None = None, **fields: str) -> str:
    stamp = int(time.time()) if created is None else created
    parts = [f"<ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>", f"<FromUserName><![CDATA[{sender}]]></FromUserName>",
             f"<CreateTime>{stamp}</CreateTime>", f"<MsgType><![CDATA[{kind}]]></MsgType>"]  # fmt: skip
    parts += [f"<{name}><![CDATA[{value}]]></{name}>" for name, value in fields.items()]
    return "<xml>" + "".join(parts) + "</xml>"


# ---------------------------------------------------------------------- the customer-service API


@dataclass
class Stub:
    """What the stub of WeChat's API has been asked, and how it is to answer."""

    tokens: int = 0
    """Access tokens handed out."""
    sent: list[dict[str, Any]] = field(default_factory=list)
    """Customer-service messages accepted, in order."""
    refuse_next: list[int] = field(default_factory=list)
    """Error codes to answer the next sends with, one each (40001: the token is not valid)."""
    fail_next: int = 0
    """Sends to answer with HTTP 502 before accepting again."""
    token_calls: list[dict[str, Any]] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def texts(self, to: str = READER) -> list[str]:
        """The texts sent to a person."""
        with self.changed:
            return [m["text"]["content"] for m in self.sent if m["touser"] == to]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[str]:
        """Wait until `count` messages were sent; their texts."""
        with self.changed:
            self.changed.wait_for(lambda: len(self.sent) >= count, timeout)
            return [m["text"]["content"] for m in self.sent]


def _handler(stub: Stub) -> type[BaseHTTPRequestHandler]:
    valid: set[str] = set()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            url = urlsplit(self.path)
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode("utf-8"))
            if url.path == "/cgi-bin/stable_token":
                with stub.changed:
                    stub.tokens += 1
                    stub.token_calls.append(body)
                    token = f"token-{stub.tokens}"
                    valid.add(token)
                self._json({"access_token": token, "expires_in": 7200})
            elif url.path == "/cgi-bin/message/custom/send":
                token = parse_qs(url.query).get("access_token", [""])[0]
                with stub.changed:
                    if stub.fail_next:
                        stub.fail_next -= 1
                        self.send_response(502)
                        self.end_headers()
                        return
                    if token not in valid:
                        self._json({"errcode": 40001, "errmsg": "invalid credential"})
                        return
                    if stub.refuse_next:
                        code = stub.refuse_next.pop(0)
                        if code == 40001:
                            valid.discard(token)
                        self._json({"errcode": code, "errmsg": "refused by the stub"})
                        return
                    stub.sent.append(body)
                    stub.changed.notify_all()
                self._json({"errcode": 0, "errmsg": "ok"})
            else:
                self.send_response(404)
                self.end_headers()

        def _json(self, data: dict[str, Any]) -> None:
            raw = json.dumps(data).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

    return Handler


@contextmanager
def customer_service_stub() -> Iterator[tuple[str, Stub]]:
    """WeChat's API (access tokens and customer-service messages) on a local port: (its root, the stub)."""
    stub = Stub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", stub
    finally:
        server.shutdown()
        server.server_close()
