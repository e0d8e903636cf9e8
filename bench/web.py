"""How fast the web page answers: 200 browser sessions at once against the real server.

    python -m bench.web [--sessions 200] [--requests 10] [--rounds 3]

Starts `python -m bot web` (the real process: the bounded uvicorn server, the page, the store in
a fresh DATA_DIR) with one extra route mounted the way another front end's would be: a trivial
endpoint that answers "ok" through the same server and middleware. Then `--sessions` sessions,
each on its own kept-alive connection, send `--requests` requests one after another, all at
once: first to the trivial endpoint, then `GET /` (the page), then `POST /api/message` with
questions from the tuning part of the evaluation set (each session its own conversation, its
turns written to the store). Each round runs the three in turn; medians over rounds are printed,
with the page's and the answers' rate and latency as a ratio to the trivial endpoint's in the same
run. The clients run in this process, on the same machine: both sides share its cores. Last, the
same sessions and questions go through the conversation layer alone, in this process with no
HTTP at all, to show what answering itself costs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from tests.e2e.user import ROOT, free_port, wait_for

TRIVIAL = "/bench/trivial"


@dataclass(frozen=True)
class Figures:
    """One endpoint under load: requests answered, their rate, and latencies."""

    name: str
    answered: int
    failed: int
    per_second: float
    p50: float
    p99: float


class Session:
    """One browser: a kept-alive HTTP/1.1 connection and its session id."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.session = ""
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: dict[str, object] | None = None) -> tuple[int, bytes]:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
        head = [f"{method} {path} HTTP/1.1", "Host: bench", "Accept-Language: zh-CN,zh;q=0.9"]
        if body is not None:
            head += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
            if self.session:
                head.append(f"X-Session: {self.session}")
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)
        await self.writer.drain()
        status_line = await self.reader.readuntil(b"\r\n")
        headers = await self.reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in headers.split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        payload = await self.reader.readexactly(length)
        status = int(status_line.split()[1])
        if body is not None and status == 200:
            self.session = json.loads(payload)["session"]
        return status, payload

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def _phase(name: str, sessions: list[Session], requests: int, questions: list[str]) -> Figures:
    latencies: list[float] = []
    failed = 0

    async def one(number: int, session: Session) -> None:
        nonlocal failed
        for turn in range(requests):
            began = time.perf_counter()
            if name == "trivial":
                status, _ = await session.request("GET", TRIVIAL)
            elif name == "page":
                status, _ = await session.request("GET", "/")
            else:
                question = questions[(number * requests + turn) % len(questions)]
                status, _ = await session.request("POST", "/api/message", {"text": question})
            if status == 200:
                latencies.append(time.perf_counter() - began)
            else:
                failed += 1

    began = time.perf_counter()
    await asyncio.gather(*(one(number, session) for number, session in enumerate(sessions)))
    took = time.perf_counter() - began
    latencies.sort()
    return Figures(
        name,
        len(latencies),
        failed,
        len(latencies) / took,
        statistics.median(latencies) if latencies else 0.0,
        latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] if latencies else 0.0,
    )


async def _round(port: int, count: int, requests: int, questions: list[str]) -> list[Figures]:
    sessions = [Session(port) for _ in range(count)]
    try:
        await asyncio.gather(*(session.request("POST", "/api/message", {"hello": True}) for session in sessions))
        return [await _phase(name, sessions, requests, questions) for name in ("trivial", "page", "answers")]
    finally:
        for session in sessions:
            session.close()


async def _alone(data: Path, count: int, requests: int, questions: list[str]) -> float:
    """Turns per second of the same sessions and questions through the conversation layer alone, in
    this process over a store of its own: what the page costs on top of answering."""
    from bot.conversation.turns import Conversation  # noqa: PLC0415 - as the server process does
    from bot.core.brain import Brain  # noqa: PLC0415
    from bot.storage.sqlite import SqliteStore  # noqa: PLC0415
    from bot.web.sessions import Visitor, new_session  # noqa: PLC0415

    brain = Brain.load(ROOT / "knowledge" / "faq.yaml")
    store = SqliteStore(data)
    await store.start()
    conversation = Conversation(lambda: brain, store)
    visitors = [Visitor.of(new_session()) for _ in range(count)]

    async def one(number: int, visitor: Visitor) -> None:
        for turn in range(requests):
            said = await conversation.hear(visitor.who("zh"), questions[(number * requests + turn) % len(questions)])
            if said.votable:
                await conversation.sent(said, chat_id=visitor.chat_id, message_id=turn, user_id=visitor.chat_id)

    began = time.perf_counter()
    await asyncio.gather(*(one(number, visitor) for number, visitor in enumerate(visitors)))
    took = time.perf_counter() - began
    await store.close()
    return count * requests / took


def _serve(port: int) -> None:
    """The server side (`--serve PORT`): `python -m bot web` with the trivial endpoint mounted."""
    from starlette.requests import Request  # noqa: PLC0415 - only the server process needs the web stack
    from starlette.responses import PlainTextResponse  # noqa: PLC0415
    from starlette.routing import Route  # noqa: PLC0415

    from bot.host.web import web_command  # noqa: PLC0415
    from bot.ops.settings import Settings  # noqa: PLC0415

    async def trivial(request: Request) -> PlainTextResponse:  # noqa: ARG001 - Starlette passes the request
        return PlainTextResponse("ok")

    settings = Settings.from_env({**os.environ, "WEB_PORT": str(port)})
    sys.exit(web_command(settings, mounted=[Route(TRIVIAL, trivial)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--requests", type=int, default=10, help="requests per session per endpoint")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(args.serve)
        return
    questions = [item[2] for item in yaml.safe_load((ROOT / "tests/eval/tuning.yaml").read_text())["questions"]]
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        log = Path(data) / "web.log"
        # every session comes from 127.0.0.1 here: the limits would measure themselves, not the page
        limits = {"WEB_SESSION_PER_MINUTE": "100000", "WEB_ADDRESS_PER_MINUTE": "1000000",
                  "WEB_MAX_CONNECTIONS": "1024"}  # fmt: skip
        env = {**os.environ, "DATA_DIR": data, "TELEGRAM_BOT_TOKEN": "", "LOG_LEVEL": "WARNING", **limits}
        with log.open("w") as output:
            server = subprocess.Popen([sys.executable, "-m", "bench.web", "--serve", str(port)], cwd=ROOT, env=env,
                                      stdout=output, stderr=subprocess.STDOUT)  # fmt: skip
        try:
            wait_for(lambda: _up(port) or server.poll() is not None, 60, "the web server")
            assert server.poll() is None, log.read_text()
            rounds = [asyncio.run(_round(port, args.sessions, args.requests, questions)) for _ in range(args.rounds)]
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        alone = [asyncio.run(_alone(Path(data) / f"alone{n}", args.sessions, args.requests, questions))
                 for n in range(args.rounds)]  # fmt: skip
    _report(rounds, args)
    print(f"\nthe same turns through the conversation layer alone, no HTTP: {statistics.median(alone):.0f} per second")


def _up(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def _report(rounds: list[list[Figures]], args: argparse.Namespace) -> None:
    print(f"{args.sessions} sessions at once, {args.requests} requests each per endpoint, {args.rounds} rounds "
          "(medians)")  # fmt: skip
    print("| endpoint | answered | failed | per second | p50 | p99 | rate vs trivial | p50 vs trivial |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    median = {name: _median([r for round_ in rounds for r in round_ if r.name == name]) for name in
              ("trivial", "page", "answers")}  # fmt: skip
    trivial = median["trivial"]
    labels = {"trivial": f"`GET {TRIVIAL}`", "page": "`GET /`", "answers": "`POST /api/message`"}
    for name, figures in median.items():
        print(f"| {labels[name]} | {figures.answered} | {figures.failed} | {figures.per_second:.0f} | "
              f"{1000 * figures.p50:.0f} ms | {1000 * figures.p99:.0f} ms | "
              f"{figures.per_second / trivial.per_second:.2f} × | {figures.p50 / trivial.p50:.1f} × |")  # fmt: skip


def _median(runs: list[Figures]) -> Figures:
    return Figures(
        runs[0].name,
        int(statistics.median(r.answered for r in runs)),
        int(statistics.median(r.failed for r in runs)),
        statistics.median(r.per_second for r in runs),
        statistics.median(r.p50 for r in runs),
        statistics.median(r.p99 for r in runs),
    )


if __name__ == "__main__":
    main()
