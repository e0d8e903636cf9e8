"""A translating proxy between the bot and the Bot API emulator, so the bot speaks real Bot API.

telegram-test-api answers differently from Telegram (see the notes in `shared/notes`):
no `is_bot` in getMe, dates in milliseconds, `null` results for edits, no `chat_instance`
on callback queries, errors as HTTP 500 with `message`, several methods missing, and a
getUpdates that ignores `timeout` and `offset`. This proxy rewrites those answers into
Telegram's shapes; the bot's own request path is exactly the one it uses against Telegram.
It also records each method the bot called, for assertions.

Like Telegram, it keeps every update it has handed out pending until a later getUpdates
confirms it with its `offset`, and hands pending updates out again until then: an update
taken by a bot that died before confirming it reaches the next bot. It numbers updates
itself, so that updates the emulator cannot make (edited messages) fit in the sequence.

Files users send go through it too: the emulator stores a message's `document` as given but
has no `getFile` and serves no downloads, so a test puts the file's bytes here (`files`) and
the proxy answers `getFile` and serves `/file/bot<token>/<path>` as Telegram does.

Webhooks go through it too, as through Telegram: the bot's `setWebhook` (URL and
secret) is kept here, the emulator is told to deliver to the proxy, and each update is
passed on to the bot's URL with the `X-Telegram-Bot-Api-Secret-Token` header.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ANSWERED_HERE = {"setMyCommands", "deleteMyCommands", "sendChatAction", "answerInlineQuery", "setChatMenuButton"}
"""Methods the emulator lacks: the proxy answers them as Telegram would, with `true`."""

TRUE_RESULTS = {"answerCallbackQuery", "deleteMessage", "setWebhook", "deleteWebhook"}


def _seconds(value: Any) -> Any:
    return value // 1000 if isinstance(value, int) and value > 10**11 else value


def _message(message: dict[str, Any]) -> dict[str, Any]:
    message = dict(message)
    message["date"] = _seconds(message.get("date", int(time.time())))
    chat = dict(message.get("chat") or {"id": int(message.get("chat_id", 0))})
    chat.setdefault("type", "private")
    message["chat"] = chat
    for key in ("botToken", "chat_id", "parse_mode", "link_preview_options"):
        message.pop(key, None)
    if isinstance(message.get("reply_markup"), str):
        message["reply_markup"] = json.loads(message["reply_markup"])
    if message.get("reply_markup") is None:
        message.pop("reply_markup", None)
    return message


def _update(update: dict[str, Any]) -> dict[str, Any]:
    update = dict(update)
    for kind in ("message", "edited_message"):
        if kind in update:
            update[kind] = _message(update[kind])
    if "callback_query" in update:
        query = dict(update["callback_query"])
        query.setdefault("chat_instance", str(query.get("from", {}).get("id", "0")))
        if "message" in query:
            query["message"] = _message(query["message"])
        update["callback_query"] = query
    return update


class BotApiProxy:
    """Forwards `/bot<token>/<method>` to the emulator and rewrites its answers."""

    def __init__(self, emulator: str, port: int = 0) -> None:
        self.emulator = emulator.rstrip("/")
        self.calls: list[tuple[str, str, bytes, str]] = []
        """(method, token, body, content type) of every call, from every bot the module's tests start."""
        self.lock = threading.Lock()
        self.fault: Callable[[str, str], tuple[int, dict[str, Any]] | None] | None = None
        """Fault injection: given (method, token), an answer to give instead of the emulator's."""
        self.lag: Callable[[str, str], float] | None = None
        """A slow Bot API: given (method, token), seconds to hold the emulator's answer back."""
        self.webhooks: dict[str, tuple[str, str | None]] = {}
        self.delivered: dict[str, int] = {}
        """Updates handed to each bot (by token) in getUpdates answers."""
        self.observe: Callable[[str, dict[str, Any]], None] | None = None
        """Told (method, parameters) of each call as it arrives: benchmarks time replies with it."""
        self.attachments: list[tuple[str, dict[str, Any], bytes]] = []
        """(method, fields, file bytes) of each sendPhoto and sendDocument, which the emulator lacks."""
        self.pending: dict[str, list[dict[str, Any]]] = {}
        """Updates handed out (or injected) and not yet confirmed by an offset, per token."""
        self.files: dict[str, bytes] = {}
        """Files users sent, by file_id: `getFile` describes them and their path serves them."""
        self._update_ids = iter(range(1, 10**9))
        self.server = _Server(("127.0.0.1", port), self._handler())
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The Bot API root to give the bot as TELEGRAM_API_URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> BotApiProxy:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def called(self, method: str, token: str | None = None) -> list[dict[str, Any]]:
        """The parameters of every call made to one method: by the bot with `token`, or by any bot (the
        proxy serves a whole test module, so without a token earlier tests' calls are counted too)."""
        with self.lock:
            raw = [(body, kind) for name, by, body, kind in self.calls if name == method and token in (None, by)]
        return [_params(body, kind) for body, kind in raw]

    def inject(self, token: str, kind: str, payload: dict[str, Any]) -> None:
        """Queue an update of a kind the emulator's user side cannot send, e.g. `edited_message`."""
        with self.lock:
            self.pending.setdefault(token, []).append({"update_id": next(self._update_ids), kind: payload})

    def _pending(self, token: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Forget the updates the offset confirms; the ones still pending, oldest first."""
        offset = int(params.get("offset") or 0)
        with self.lock:
            kept = [u for u in self.pending.get(token, []) if u["update_id"] >= offset]
            self.pending[token] = kept
            return list(kept[: int(params.get("limit") or 100)])

    def _take(self, token: str, fresh: list[dict[str, Any]]) -> None:
        """Keep new updates from the emulator pending, renumbered into this proxy's sequence."""
        with self.lock:
            self.pending.setdefault(token, []).extend({**u, "update_id": next(self._update_ids)} for u in fresh)
            self.delivered[token] = self.delivered.get(token, 0) + len(fresh)

    def _forward(self, path: str, body: bytes, content_type: str) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(
            self.emulator + path, data=body, headers={"Content-Type": content_type}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            with error:
                return error.code, json.loads(error.read() or b"{}")
        except OSError as error:  # the emulator is gone (stopping, or a fault test)
            return 502, {"ok": False, "description": f"emulator unreachable: {error}"}

    def answer(self, path: str, body: bytes, content_type: str) -> tuple[int, dict[str, Any]]:
        """What Telegram would have answered to this call."""
        method = path.rsplit("/", 1)[-1]
        with self.lock:
            self.calls.append((method, _token(path), body, content_type))
        if self.observe is not None:
            self.observe(method, _params(body, content_type))
        if (injected := self._injected(method, path)) is not None:
            return injected
        if (here := self._answered_here(method, path, body, content_type)) is not None:
            return here
        if method == "getUpdates":
            status, payload, injected = self._get_updates(path, body, content_type)
            if injected is not None:
                return injected
        else:
            status, payload = self._forward(path, body, content_type)
        if status >= 300 or payload.get("ok") is False:
            description = payload.get("description") or payload.get("message") or "Bad Request"
            return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"}
        result = self._rewrite(method, path, payload.get("result"))
        if self.lag is not None:
            time.sleep(self.lag(method, _token(path)))
        return 200, {"ok": True, "result": result}

    def _answered_here(
        self, method: str, path: str, body: bytes, content_type: str
    ) -> tuple[int, dict[str, Any]] | None:
        """Calls the emulator cannot answer as Telegram would, answered here; None for the others."""
        if method in ANSWERED_HERE:
            return 200, {"ok": True, "result": True}
        if method in ("sendPhoto", "sendDocument"):
            return 200, {"ok": True, "result": self._attachment(method, body, content_type)}
        if method == "getFile":
            file_id = str(_params(body, content_type).get("file_id", ""))
            if file_id not in self.files:
                return 400, {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}
            size = len(self.files[file_id])
            found = {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_size": size,
                "file_path": f"documents/{file_id}",
            }
            return 200, {"ok": True, "result": found}
        if method == "setWebhook":
            return self._set_webhook(path, _params(body, content_type))
        if method == "deleteWebhook":
            self.webhooks.pop(_token(path), None)
        return None

    def _get_updates(
        self, path: str, body: bytes, content_type: str
    ) -> tuple[int, dict[str, Any], tuple[int, dict[str, Any]] | None]:
        params = _params(body, content_type)
        if self._pending(_token(path), params):
            # updates still pending come back at once, with any new ones after them (as Telegram does)
            status, payload = self._forward(path, body, content_type)
            if status < 300 and payload.get("ok") is not False:
                self._take(_token(path), payload.get("result") or [])
            return 200, {"ok": True, "result": self._pending(_token(path), params)}, None
        status, payload, injected = self._long_poll(path, body, content_type)
        if injected is None and status < 300 and payload.get("ok") is not False:
            self._take(_token(path), payload.get("result") or [])
            payload = {"ok": True, "result": self._pending(_token(path), params)}
        return status, payload, injected

    def _injected(self, method: str, path: str) -> tuple[int, dict[str, Any]] | None:
        return self.fault(method, _token(path)) if self.fault is not None else None

    def _long_poll(
        self, path: str, body: bytes, content_type: str
    ) -> tuple[int, dict[str, Any], tuple[int, dict[str, Any]] | None]:
        """getUpdates held open until there is news or its timeout (at most 5 s) passes.

        A fault that begins during a long poll reaches it too, as a real outage would: its
        answer comes third, to be given as it is.
        """
        status, payload = self._forward(path, body, content_type)
        deadline = time.monotonic() + min(float(_params(body, content_type).get("timeout") or 0), 5.0)
        token = _token(path)
        while status == 200 and not payload.get("result") and time.monotonic() < deadline:
            if self.pending.get(token):  # an update was injected meanwhile
                break
            time.sleep(0.02)
            if (injected := self._injected("getUpdates", path)) is not None:
                return status, payload, injected
            status, payload = self._forward(path, body, content_type)
        return status, payload, None

    def _rewrite(self, method: str, path: str, result: Any) -> Any:
        """The emulator's result with the fields real Telegram gives and python-telegram-bot expects."""
        if method == "getMe":
            return {
                "is_bot": True,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": True,
                **(result or {}),
            }
        if method == "getUpdates":
            return [_update(u) for u in result or []]
        if method == "sendMessage" and isinstance(result, dict):
            return _message(result)
        if method in ("editMessageText", "editMessageReplyMarkup") or method in TRUE_RESULTS:
            return True if result is None else result
        return result

    def _attachment(self, method: str, body: bytes, content_type: str) -> dict[str, Any]:
        """Record a photo or document sent (as Telegram would keep it) and answer with its message."""
        fields, files = _multipart(body, content_type)
        with self.lock:
            self.attachments.append((method, fields, next(iter(files.values()), b"")))
            message_id = 10**6 + len(self.attachments)
        chat_id = int(fields.get("chat_id", 0))
        chat = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
        message: dict[str, Any] = {"message_id": message_id, "date": int(time.time()), "chat": chat}
        if "caption" in fields:
            message["caption"] = fields["caption"]
        return message

    def _set_webhook(self, path: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        token = _token(path)
        self.webhooks[token] = (str(params["url"]), params.get("secret_token"))
        body = json.dumps({"url": f"{self.url}/hook/{token}"}).encode()
        status, _ = self._forward(path, body, "application/json")
        if status != 200:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: webhook not set"}
        return 200, {"ok": True, "result": True, "description": "Webhook was set"}

    def deliver(self, token: str, body: bytes) -> int:
        """Pass an update from the emulator to the bot's webhook, as Telegram would."""
        url, secret = self.webhooks[token]
        update = json.dumps(_update(json.loads(body))).encode()
        headers = {"Content-Type": "application/json"}
        if secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = str(secret)
        request = urllib.request.Request(url, data=update, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            with error:
                return int(error.code)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the bot's HTTP client expects

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if self.path.startswith("/file/bot"):  # a download, as Telegram serves it
                    self._send_file(proxy.files.get(self.path.rsplit("/", 1)[-1]))
                    return
                payload: dict[str, Any] = {}
                if self.path.startswith("/hook/"):
                    status = proxy.deliver(self.path.removeprefix("/hook/"), body)
                else:
                    status, payload = proxy.answer(self.path, body, self.headers.get("Content-Type", ""))
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the bot stopped while its long poll was held here

            do_GET = do_POST

            def _send_file(self, content: bytes | None) -> None:
                self.send_response(200 if content is not None else 404)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(content or b"")))
                self.end_headers()
                self.wfile.write(content or b"")

            def log_message(self, format: str, *args: Any) -> None:
                return None

        return Handler


def _token(path: str) -> str:
    return path.split("/")[1].removeprefix("bot")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # the default backlog of 5 resets connections under a burst

    def handle_error(self, request: Any, client_address: Any) -> None:
        # a bot killed mid-request resets its connections: expected in crash tests, not worth a traceback
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


def _params(body: bytes, content_type: str) -> dict[str, Any]:
    if not body:
        return {}
    if "json" in content_type:
        loaded = json.loads(body)
        return loaded if isinstance(loaded, dict) else {}
    params: dict[str, Any] = {}
    for key, value in urllib.parse.parse_qsl(body.decode(), keep_blank_values=True):
        try:
            params[key] = json.loads(value)
        except json.JSONDecodeError:
            params[key] = value
    return params


def _multipart(body: bytes, content_type: str) -> tuple[dict[str, str], dict[str, bytes]]:
    """The text fields and the files of a multipart/form-data body."""
    message = BytesParser(policy=default).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    fields: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = str(part.get_param("name", header="content-disposition") or "")
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        if part.get_filename():
            files[name] = content
        else:
            fields[name] = content.decode("utf-8")
    return fields, files
