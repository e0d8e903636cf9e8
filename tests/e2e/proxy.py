"""A translating proxy between the bot and the Bot API emulator, so the bot speaks real Bot API.

telegram-test-api answers differently from Telegram (see the notes in `shared/notes`):
no `is_bot` in getMe, dates in milliseconds, `null` results for edits, no `chat_instance`
on callback queries, errors as HTTP 500 with `message`, several methods missing, and a
getUpdates that ignores `timeout`. This proxy rewrites those answers into Telegram's
shapes; the bot's own request path is exactly the one it uses against Telegram.
It also records each method the bot called, for assertions.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
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
    if "message" in update:
        update["message"] = _message(update["message"])
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
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.lock = threading.Lock()
        self.fault: Callable[[str], tuple[int, dict[str, Any]] | None] | None = None
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
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

    def called(self, method: str) -> list[dict[str, Any]]:
        """The parameters of every call the bot made to one method."""
        with self.lock:
            return [params for name, params in self.calls if name == method]

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

    def answer(self, path: str, body: bytes, content_type: str) -> tuple[int, dict[str, Any]]:
        """What Telegram would have answered to this call."""
        method = path.rsplit("/", 1)[-1]
        params = _params(body, content_type)
        with self.lock:
            self.calls.append((method, params))
        if self.fault is not None and (injected := self.fault(method)) is not None:
            return injected
        if method in ANSWERED_HERE:
            return 200, {"ok": True, "result": True}
        status, payload = self._forward(path, body, content_type)
        if method == "getUpdates":
            deadline = time.monotonic() + min(float(params.get("timeout") or 0), 5.0)
            while status == 200 and not payload.get("result") and time.monotonic() < deadline:
                time.sleep(0.02)
                status, payload = self._forward(path, body, content_type)
        if status >= 300 or payload.get("ok") is False:
            description = payload.get("description") or payload.get("message") or "Bad Request"
            return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"}
        result = payload.get("result")
        if method == "getMe":
            result = {
                "is_bot": True,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": True,
                **result,
            }
        elif method == "getUpdates":
            result = [_update(u) for u in result or []]
        elif method in ("sendMessage",):
            result = _message(result)
        elif method in ("editMessageText", "editMessageReplyMarkup") or method in TRUE_RESULTS:
            result = True if result is None else result
        return 200, {"ok": True, "result": result}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status, payload = proxy.answer(self.path, body, self.headers.get("Content-Type", ""))
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST

            def log_message(self, format: str, *args: Any) -> None:
                return None

        return Handler


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
