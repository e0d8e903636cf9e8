"""An in-process stand-in for the Bot API: records every call, answers like Telegram, never touches a network.

A method it does not know fails the test, so a handler cannot call something untested.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

BOT = {"id": 4242, "is_bot": True, "first_name": "孝昌问答", "username": "XiaochangFaqBot"}


class RecordingBotApi(BaseRequest):
    """A `BaseRequest` that answers Bot API calls from memory and keeps them for assertions."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._ids = itertools.count(1000)
        self.fail_next: dict[str, int] = {}
        self.drop_next: dict[str, int] = {}
        self.time_out_next: dict[str, int] = {}
        """Calls that time out waiting for Telegram's answer (after Telegram took them: they are recorded)."""
        self.sent_ids: list[int] = []
        """The message id given to each message sent, in order."""
        self.forbidden_chats: set[int] = set()
        """Users who never started a private chat with the bot: sending to them is refused with 403."""
        self.files: dict[str, bytes] = {}
        """Files users sent, by file_id: getFile describes them, the file URL serves them."""
        self.declared_sizes: dict[str, int] = {}
        """A file_size getFile reports instead of the real one (a file too big to download)."""
        self.downloads: list[str] = []
        """The file_id of every file the bot downloaded."""
        self.attachments: list[tuple[str, dict[str, Any], bytes]] = []
        """(method, parameters, file bytes) of every sendDocument and sendPhoto."""

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = None,
        write_timeout: object = None,
        connect_timeout: object = None,
        pool_timeout: object = None,
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:  # a download, as Telegram serves it
            file_id = url.rsplit("/", 1)[-1]
            self.downloads.append(file_id)
            return 200, self.files[file_id]
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        self.calls.append((name, params))
        if name in ("sendDocument", "sendPhoto") and request_data is not None:
            field = "document" if name == "sendDocument" else "photo"
            upload = (request_data.multipart_data or {}).get(field)
            content = upload[1] if upload else b""
            self.attachments.append((name, params, content if isinstance(content, bytes) else content.read()))
        if self.drop_next.get(name, 0) > 0:
            self.drop_next[name] -= 1
            raise NetworkError("httpx.ConnectError: connection dropped (test)")
        if self.time_out_next.get(name, 0) > 0:
            self.time_out_next[name] -= 1
            raise TimedOut from httpx.ReadTimeout("no answer (test)")
        if name == "sendMessage" and int(str(params.get("chat_id", 0))) in self.forbidden_chats:
            forbidden = {"ok": False, "error_code": 403, "description": "Forbidden: bot can't initiate conversation"}
            return 403, json.dumps(forbidden).encode()
        if self.fail_next.get(name, 0) > 0:
            self.fail_next[name] -= 1
            return 400, json.dumps({"ok": False, "error_code": 400, "description": "Bad Request: test"}).encode()
        return 200, json.dumps({"ok": True, "result": self._result(name, params)}).encode()

    def _result(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return BOT
        if name in ("sendMessage", "editMessageText"):
            chat_id = int(params["chat_id"])
            message = {
                "message_id": int(params.get("message_id") or next(self._ids)),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "from": BOT,
                "text": params["text"],
            }
            if "reply_markup" in params:
                message["reply_markup"] = params["reply_markup"]
            if name == "sendMessage":
                self.sent_ids.append(int(message["message_id"]))
            return message
        if name in ("answerCallbackQuery", "answerInlineQuery", "setMyCommands", "editMessageReplyMarkup",
                    "sendChatAction"):  # fmt: skip
            return True
        if name == "getFile":
            file_id = str(params["file_id"])
            size = self.declared_sizes.get(file_id, len(self.files.get(file_id, b"")))
            path = f"documents/{file_id}"
            return {"file_id": file_id, "file_unique_id": file_id, "file_size": size, "file_path": path}
        if name in ("sendDocument", "sendPhoto"):
            chat_id = int(params["chat_id"])
            message = {"message_id": next(self._ids), "date": int(time.time()), "from": BOT,
                       "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}}  # fmt: skip
            if "caption" in params:
                message["caption"] = params["caption"]
            return message
        raise AssertionError(f"the bot called {name}, which the tests do not expect")

    def sent(self, name: str = "sendMessage") -> list[dict[str, Any]]:
        """The parameters of every call to one method, oldest first."""
        return [params for called, params in self.calls if called == name]

    def texts(self) -> list[str]:
        """The text of every message sent."""
        return [str(params["text"]) for params in self.sent()]
