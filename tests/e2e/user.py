"""Playing a Telegram user against the emulator's client API, and starting the pieces of a run."""

from __future__ import annotations

import html
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.proxy import BotApiProxy

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def start_emulator(port: int) -> subprocess.Popen[bytes]:
    """Start telegram-test-api on 127.0.0.1:port; `.ci/run` installs it with npm."""
    if not (HERE / "node_modules" / "telegram-test-api").is_dir():
        raise RuntimeError("the Bot API emulator is not installed: run `npm ci --prefix tests/e2e` (done by .ci/run)")
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not installed; the end-to-end tests need Node.js 20 (installed by .ci/run)")
    process = subprocess.Popen([node, str(HERE / "emulator.js"), str(port)], cwd=HERE, stdout=subprocess.DEVNULL)

    def listening() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            return False

    wait_for(listening, 15, "the emulator to listen")
    return process


@contextmanager
def bot_api() -> Iterator[tuple[str, BotApiProxy]]:
    """A fresh emulator on 127.0.0.1 and the proxy in front of it: (emulator URL, proxy)."""
    port = free_port()
    emulator = start_emulator(port)
    proxy = BotApiProxy(f"http://127.0.0.1:{port}").start()
    try:
        yield f"http://127.0.0.1:{port}", proxy
    finally:
        proxy.stop()
        emulator.terminate()
        emulator.wait(timeout=10)


def stop_bot(bot: subprocess.Popen[str]) -> None:
    """SIGTERM a bot still running, wait for it, and close its output pipe."""
    if bot.poll() is None:
        bot.send_signal(signal.SIGTERM)
        bot.wait(timeout=15)
    if bot.stdout is not None:
        bot.stdout.close()


def start_bot(
    api_url: str, token: str, data_dir: Path, *, log: Path | None = None, **extra: str
) -> subprocess.Popen[str]:
    """The real bot process, `python -m bot run`, pointed at the given Bot API root.

    Its output goes to `log` when given (for long runs: a pipe nobody reads would fill
    and block it), else to a pipe for the caller to read.
    """
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_URL": api_url,
        "DATA_DIR": str(data_dir),
        "FAQ_FILE": str(ROOT / "knowledge" / "faq.yaml"),
        "LOG_LEVEL": "INFO",
        **extra,
    }
    command = [sys.executable, "-m", "bot", "run"]
    if log is None:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with log.open("w") as output:  # the child keeps its own copy of the file
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, text=True)


class TelegramUser:
    """One person in one chat, talking to the bot through the emulator."""

    def __init__(
        self,
        emulator: str,
        token: str,
        user_id: int,
        *,
        language: str = "zh-hans",
        group: int | None = None,
        name: str | None = None,
    ) -> None:
        # no keep-alive: the emulator closes idle connections after 5 s, leaving stale ones in a pool
        self.http = httpx.Client(base_url=emulator, timeout=10, limits=httpx.Limits(max_keepalive_connections=0))
        self.token = token
        self.user = {"id": user_id, "is_bot": False, "first_name": name or f"user{user_id}", "language_code": language}
        if group is None:
            self.chat: dict[str, Any] = {"id": user_id, "type": "private", "first_name": f"user{user_id}"}
        else:
            self.chat = {"id": group, "type": "supergroup", "title": f"group{group}"}

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        response = self.http.post(path, json=body)
        response.raise_for_status()
        return response.json().get("result")

    def _message(self, text: str) -> dict[str, Any]:
        return {"botToken": self.token, "from": self.user, "chat": self.chat, "date": int(time.time()), "text": text}

    def say(self, text: str) -> None:
        self._post("/sendMessage", self._message(text))

    def reply(self, text: str, to: dict[str, Any], bot: dict[str, Any]) -> None:
        """Send a text as a reply to one of the bot's messages (`bot` is the bot's user, from getMe)."""
        replied = {"message_id": to["message_id"], "from": bot, "chat": self.chat, "date": int(time.time()),
                   "text": to.get("text", "")}  # fmt: skip
        self._post("/sendMessage", {**self._message(text), "reply_to_message": replied})

    def photo(self, caption: str) -> None:
        """Send a photo with a caption (the emulator hands the message on as it is given)."""
        message = {key: value for key, value in self._message("").items() if key != "text"}
        sizes = [{"file_id": "photo1", "file_unique_id": "photo1", "width": 90, "height": 90}]
        self._post("/sendMessage", {**message, "photo": sizes, "caption": caption})

    def said(self, text: str) -> dict[str, Any]:
        """Send a text message and return it as the bot receives it, message_id included (polling only)."""
        self.say(text)
        history = self._post("/getUpdatesHistory", {"token": self.token}) or []
        mine = [
            {**item["message"], "message_id": item["messageId"]}
            for item in history
            if item.get("message", {}).get("from", {}).get("id") == self.user["id"]
            and item["message"].get("text") == text
        ]
        return mine[-1]

    def edit(self, proxy: BotApiProxy, message: dict[str, Any], text: str) -> None:
        """Edit a message sent earlier; the emulator cannot, so the proxy delivers the edit."""
        edited = {key: message[key] for key in ("message_id", "from", "chat", "date")}
        proxy.inject(self.token, "edited_message", {**edited, "text": text, "edit_date": int(time.time())})

    def send_document(self, proxy: BotApiProxy, content: bytes, name: str = "faq.yaml") -> None:
        """Send a file as a document; the proxy keeps its bytes for the bot to download, as Telegram would."""
        file_id = f"doc-{self.user['id']}-{time.monotonic_ns()}"
        proxy.files[file_id] = content
        document = {"file_id": file_id, "file_unique_id": file_id, "file_name": name, "file_size": len(content)}
        self._post("/sendMessage", {**self._message(""), "text": None, "document": document})

    def command(self, text: str) -> None:
        entity = {"offset": 0, "length": len(text.split(maxsplit=1)[0]), "type": "bot_command"}
        self._post("/sendCommand", {**self._message(text), "entities": [entity]})

    def press(self, data: str, on: dict[str, Any]) -> None:
        """Press a button of a message. Telegram hands the bot the message's plain text (its HTML tags
        read into entities) and its keyboard; the emulator keeps what was sent, so both are made so here."""
        message = {
            "message_id": on["message_id"],
            "date": int(time.time()),
            "text": html.unescape(re.sub(r"<[^>]+>", "", on["text"])),
            "chat": self.chat,
            "from": {"id": 1, "is_bot": True, "first_name": "bot"},
        }
        if isinstance(on.get("reply_markup"), dict):
            message["reply_markup"] = on["reply_markup"]
        self._post("/sendCallback", {"botToken": self.token, "from": self.user, "message": message, "data": data})

    def replies(self) -> list[dict[str, Any]]:
        """Bot messages in this chat not read yet, each with its message_id."""
        unread = self._post("/getUpdates", {"token": self.token, "chatId": self.chat["id"]}) or []
        return [{**item["message"], "message_id": item["messageId"]} for item in unread]

    def wait_replies(self, count: int = 1, timeout: float = 15) -> list[dict[str, Any]]:
        got: list[dict[str, Any]] = []

        def enough() -> bool:
            got.extend(self.replies())
            return len(got) >= count

        wait_for(enough, timeout, f"{count} replies")
        return got

    def message(self, message_id: int) -> dict[str, Any]:
        """A bot message as it stands now, edits included."""
        history = self._post("/getUpdatesHistory", {"token": self.token}) or []
        for item in history:
            if item.get("messageId") == message_id and "chat_id" in item.get("message", {}):
                return {**item["message"], "message_id": message_id}
        raise AssertionError(f"message {message_id} not found")

    def close(self) -> None:
        self.http.close()


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """The message's inline buttons, text to callback data."""
    markup = message.get("reply_markup") or {}
    return {b["text"]: b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row}
