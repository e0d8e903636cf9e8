"""The host: one bounded HTTP server for the front ends' routes, and `python -m bot web` as a process.

The server tests run the real uvicorn server on a local port and play the sockets a careless or
hostile client would hold: silent ones, slow heads, idle kept-alive ones, more than the cap.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bot.host.server import HttpServer, ListenError, listening_socket
from bot.ops.settings import ServerLimits
from tests.conftest import FAQ, ROOT
from tests.e2e.proxy import BotApiProxy
from tests.e2e.service import Launch, faqbot, stop
from tests.e2e.user import TelegramUser, free_port, wait_for
from tests.wechat_side import TOKEN, WeChatSide

PATIENCE = 10.0
"""Seconds a test waits for what must happen much sooner (a close after a 0.3 s deadline)."""


async def _slow(request: Request) -> PlainTextResponse:
    await asyncio.sleep(float(request.query_params.get("for", "0")))
    return PlainTextResponse("done")


@pytest.fixture
async def server() -> AsyncIterator[HttpServer]:
    app = Starlette(routes=[Route("/", _slow)])
    running = HttpServer(app, listening_socket("127.0.0.1", 0, "a test"), ServerLimits(connections=3, idle_timeout=0.3))
    await running.start()
    yield running
    await running.stop()


async def _closed(reader: asyncio.StreamReader) -> bool:
    """Whether the server closed the connection (read to its end within PATIENCE)."""
    try:
        await asyncio.wait_for(reader.read(), PATIENCE)
    except TimeoutError:
        return False
    return True


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str = "/") -> bytes:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: test\r\n\r\n".encode())
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), PATIENCE)
    sizes = [line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")]
    length = int(sizes[0].split(b":")[1])
    return head + await reader.readexactly(length)


class TestBoundedServer:
    """Sockets cannot use the server up."""

    async def test_a_connection_that_sends_nothing_is_closed_at_the_head_deadline(self, server: HttpServer) -> None:
        """uvicorn alone would wait for ever for a first request; the host closes the socket."""
        reader, writer = await asyncio.open_connection(*server.address)
        assert await _closed(reader)
        writer.close()

    async def test_a_head_sent_a_little_at_a_time_is_cut_off(self, server: HttpServer) -> None:
        """Trickling a header line by line (slowloris) does not keep a connection open."""
        reader, writer = await asyncio.open_connection(*server.address)
        writer.write(b"GET / HTTP/1.1\r\n")

        async def trickle() -> None:
            for n in range(100):
                writer.write(f"X-Slow-{n}: 1\r\n".encode())
                await asyncio.sleep(0.05)

        trickling = asyncio.create_task(trickle())
        assert await _closed(reader)
        trickling.cancel()
        writer.close()

    async def test_a_kept_alive_connection_must_send_its_next_head_in_time(self, server: HttpServer) -> None:
        """After a response, an idle kept-alive connection is closed too."""
        reader, writer = await asyncio.open_connection(*server.address)
        assert (await _get(reader, writer)).endswith(b"done")
        assert await _closed(reader)
        writer.close()

    async def test_a_request_in_flight_is_not_cut_off_by_the_head_deadline(self, server: HttpServer) -> None:
        """The deadline is for heads: an answer that takes longer than it still arrives."""
        reader, writer = await asyncio.open_connection(*server.address)
        assert (await _get(reader, writer, "/?for=0.8")).endswith(b"done")
        writer.close()

    async def test_beyond_the_cap_new_connections_are_closed_until_one_is_free(self, server: HttpServer) -> None:
        """Three held open: a fourth is closed at once; when one of the three goes, a new one is served."""
        held = [await asyncio.open_connection(*server.address) for _ in range(3)]
        await asyncio.sleep(0)  # let the server take them
        reader, writer = await asyncio.open_connection(*server.address)
        assert await _closed(reader)
        writer.close()
        held[0][1].close()
        for _ in range(100):
            if server.protocol.cap.open < 3:
                break
            await asyncio.sleep(0.01)
        async with httpx.AsyncClient(base_url="http://{}:{}".format(*server.address)) as client:
            assert (await client.get("/")).text == "done"
        for _, other in held[1:]:
            other.close()

    def test_a_port_in_use_is_one_line(self) -> None:
        """Another process on the port: a sentence naming the address, not a traceback."""
        with socket.create_server(("127.0.0.1", 0)) as taken:
            port = taken.getsockname()[1]
            with pytest.raises(ListenError) as refused:
                listening_socket("127.0.0.1", port, "the web page")
        assert str(refused.value).startswith(f"faqbot: cannot listen on 127.0.0.1:{port} for the web page")


@contextmanager
def bot_web(tmp_path: Path, **env: str) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """`python -m bot web` on a free port with DATA_DIR = tmp_path, logging to `web.log`, once it serves
    the page: (the process, its port); killed at the end if still running."""
    port = free_port()
    env = {**os.environ, "DATA_DIR": str(tmp_path), "WEB_PORT": str(port), "TELEGRAM_BOT_TOKEN": "", **env}
    with (tmp_path / "web.log").open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "bot", "web"], cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        wait_for(lambda: "serving the web page" in (tmp_path / "web.log").read_text() or process.poll() is not None,
                 60, "the page to be served")  # fmt: skip
        assert process.poll() is None, (tmp_path / "web.log").read_text()
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


class TestWebCommand:
    """`python -m bot web` as an operator runs it."""

    def test_it_serves_the_page_without_a_token_and_stops_cleanly_on_sigterm(self, tmp_path: Path) -> None:
        """No TELEGRAM_BOT_TOKEN needed; SIGTERM ends it with status 0 and the store closed."""
        with bot_web(tmp_path) as (process, port):
            health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=PATIENCE).json()
            assert health["healthy"] is True
            page = httpx.get(f"http://127.0.0.1:{port}/", timeout=PATIENCE)
            assert 'role="log"' in page.text
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0
        assert "stopped" in (tmp_path / "web.log").read_text()

    def test_with_a_wechat_token_it_serves_wechat_on_the_same_server(self, tmp_path: Path) -> None:
        """WECHAT_TOKEN set: WeChat's signed check and a signed question reach `/wechat` on the page's
        server and are answered through the same conversation, logged as channel `wechat`."""
        side = WeChatSide()
        with bot_web(tmp_path, WECHAT_TOKEN=TOKEN) as (process, port):
            url = f"http://127.0.0.1:{port}/wechat"
            assert httpx.get(url, params=side.check("4242"), timeout=PATIENCE).text == "4242"
            query, body = side.post(side.text("孝昌县有多少个党小组？")[0])
            reply = side.read(httpx.post(url, params=query, content=body, timeout=PATIENCE).content)
            assert reply is not None
            assert "875" in reply.content
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0
        assert "serving /wechat for a WeChat Official Account (plaintext mode" in (tmp_path / "web.log").read_text()
        assert "channel,wechat,1," in faqbot("report", "--csv", DATA_DIR=str(tmp_path)).stdout

    def test_run_with_a_wechat_token_needs_the_web_port(self, tmp_path: Path) -> None:
        """`run` serves /wechat on the page's server, so WECHAT_TOKEN without WEB_PORT is one line, exit 2."""
        done = faqbot("run", DATA_DIR=str(tmp_path), WECHAT_TOKEN=TOKEN)
        assert done.returncode == 2
        assert done.stderr.startswith("faqbot: WECHAT_TOKEN is set but WEB_PORT is not")
        assert "Traceback" not in done.stderr

    def test_a_broken_faq_is_refused_with_its_problems(self, tmp_path: Path) -> None:
        """A broken FAQ_FILE and no last good copy: every problem by line, exit 1."""
        broken = tmp_path / "faq.yaml"
        broken.write_text(FAQ.read_text(encoding="utf-8").replace("entries:", "entries: [", 1), encoding="utf-8")
        done = faqbot("web", FAQ_FILE=str(broken), DATA_DIR=str(tmp_path), WEB_PORT=str(free_port()))
        assert done.returncode == 1
        assert done.stderr.startswith(f"{broken}:")
        assert "Traceback" not in done.stderr

    def test_a_port_in_use_stops_the_start_with_one_line(self, tmp_path: Path) -> None:
        """The port is taken: one line, exit 1."""
        with socket.create_server(("127.0.0.1", 0)) as taken:
            port = taken.getsockname()[1]
            done = faqbot("web", DATA_DIR=str(tmp_path), WEB_PORT=str(port))
        assert done.returncode == 1
        assert done.stderr.strip().splitlines()[-1].startswith(f"faqbot: cannot listen on 127.0.0.1:{port}")
        assert "Traceback" not in done.stderr


@pytest.mark.e2e
class TestRunWithThePage:
    """`python -m bot run` with WEB_PORT: one process, one FAQ and store, one HTTP server."""

    def test_the_page_is_served_beside_a_polling_bot(
        self, api: tuple[str, BotApiProxy], launch: Launch, tmp_path: Path
    ) -> None:
        """Telegram and the page answer side by side; `report` counts each channel's questions apart."""
        port = free_port()
        bot, token = launch(WEB_PORT=str(port))
        user = TelegramUser(api[0], token, 8801)
        user.say("孝昌县有多少个党小组？")
        (reply,) = user.wait_replies()
        assert "875" in reply["text"]
        answer = _ask(port, "How many Party groups are there?")
        assert "875" in " ".join(answer["lead"])
        assert stop(bot) < 30
        assert bot.returncode == 0
        report = faqbot("report", "--csv", DATA_DIR=str(tmp_path))
        assert "channel,telegram,1," in report.stdout
        assert "channel,web,1," in report.stdout
        user.close()

    def test_wechat_is_served_beside_the_bot(
        self, api: tuple[str, BotApiProxy], launch: Launch, tmp_path: Path
    ) -> None:
        """With WECHAT_TOKEN too, one process answers Telegram and WeChat (on the page's server); the
        report counts each channel's questions apart; it stops cleanly."""
        port, side = free_port(), WeChatSide()
        bot, token = launch(WEB_PORT=str(port), WECHAT_TOKEN=TOKEN)
        user = TelegramUser(api[0], token, 8803)
        user.say("孝昌县有多少个党小组？")
        (reply,) = user.wait_replies()
        assert "875" in reply["text"]
        query, body = side.post(side.text("孝昌县有多少个党小组？")[0])
        answered = side.read(httpx.post(f"http://127.0.0.1:{port}/wechat", params=query, content=body,
                                        timeout=PATIENCE).content)  # fmt: skip
        assert answered is not None
        assert "875" in answered.content
        assert stop(bot) < 30
        assert bot.returncode == 0
        report = faqbot("report", "--csv", DATA_DIR=str(tmp_path))
        assert "channel,telegram,1," in report.stdout
        assert "channel,wechat,1," in report.stdout
        user.close()

    def test_the_webhook_shares_the_pages_server_under_telegram(
        self, api: tuple[str, BotApiProxy], launch: Launch
    ) -> None:
        """Telegram's calls come to WEBHOOK_URL's path on the page's port; a call without the secret is
        refused there; /healthz there is the bot's."""
        port = free_port()
        hook = f"http://127.0.0.1:{port}/telegram/hook"
        bot, token = launch(WEB_PORT=str(port), WEBHOOK_URL=hook, WEBHOOK_SECRET="shared-Secret_1")
        user = TelegramUser(api[0], token, 8802)
        user.say("孝昌县有多少个党小组？")
        (reply,) = user.wait_replies()
        assert "875" in reply["text"]
        assert api[1].webhooks[token] == (hook, "shared-Secret_1")
        message = {"message_id": 1, "date": 0, "text": "x", "chat": {"id": 1, "type": "private"}}
        forged = httpx.post(hook, json={"update_id": 5, "message": message})
        assert forged.status_code == 403
        assert "875" in " ".join(_ask(port, "孝昌县有多少个党小组？")["lead"])
        health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=PATIENCE)
        assert health.json()["reason"].startswith("ok: pid")
        assert stop(bot) < 30
        assert bot.returncode == 0
        user.close()


def _ask(port: int, question: str) -> dict[str, Any]:
    """One question to the page's endpoint, its one reply."""
    response = httpx.post(f"http://127.0.0.1:{port}/api/message", json={"text": question}, timeout=PATIENCE)
    assert response.status_code == 200, response.text
    (reply,) = response.json()["replies"]
    return dict(reply)
