"""How fast `/wechat` answers, as WeChat's servers would call it, beside a trivial endpoint.

    python -m bench.wechat [--messages 600] [--connections 20]

One real uvicorn server on a local port serves `/wechat` (the article's FAQ, SQLite in a
temporary DATA_DIR) and `/trivial`, which answers `success` without reading anything. Signed
text messages (the FAQ's example questions, each from its own OpenID, so every one is a first
question) are posted from `--connections` connections at once, in plaintext and in safe mode;
then as many bare POSTs to `/trivial`. Prints replies per second and p50/p99 latency for each,
the ratio to the trivial endpoint, the CPU time per message (client and server together, so the
difference to the trivial endpoint is what `/wechat` costs; steadier than wall time on a busy
machine), and what importing wechatpy costs a process that already has the web stack (a fresh
interpreter).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.conversation.turns import Conversation
from bot.core.brain import Brain
from bot.ops.settings import WeChatSettings
from bot.storage.sqlite import SqliteStore
from bot.wechat.endpoint import WeChat
from tests.e2e.user import ROOT
from tests.wechat_side import AES_KEY, APP_ID, TOKEN, WeChatSide

IMPORT_COST = """
import json, time
import httpx, starlette.applications, uvicorn, Crypto.Cipher.AES, defusedxml.ElementTree
def resident():
    return int(open("/proc/self/statm").read().split()[1]) * 4096 / 2**20
before, started = resident(), time.perf_counter()
import wechatpy, wechatpy.crypto, wechatpy.replies
print(json.dumps([time.perf_counter() - started, resident() - before]))
"""


async def trivial(request: Request) -> Response:
    """What any endpoint on this stack costs: read the body, answer `success`."""
    await request.body()
    return PlainTextResponse("success")


async def run(messages: int, connections: int) -> None:
    brain = Brain.load(ROOT / "knowledge" / "faq.yaml")
    questions = [q for entry in brain.knowledge.entries for q in entry.questions]
    with tempfile.TemporaryDirectory() as data:
        store = SqliteStore(Path(data))
        await store.start()
        settings = WeChatSettings(token=TOKEN, aes_key=AES_KEY, app_id=APP_ID)
        wechat = WeChat(settings, Conversation(lambda: brain, store), lambda: brain)
        app = Starlette(routes=[*wechat.routes, Route("/trivial", trivial, methods=["POST"])])
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False))
        serving = asyncio.create_task(server.serve(sockets=[listener]))
        while not server.started:
            await asyncio.sleep(0.01)
        root = f"http://127.0.0.1:{listener.getsockname()[1]}"
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(base_url=root, limits=limits, timeout=30) as client:
            results = {}
            for name, safe in (("plaintext", False), ("safe mode", True)):
                side = WeChatSide(safe=safe)
                senders = (f"oBench{safe:d}_{n:022d}" for n in itertools.count())
                asked = itertools.cycle(questions)

                async def one(
                    side: WeChatSide = side, senders: Iterator[str] = senders, asked: Iterator[str] = asked
                ) -> None:
                    query, body = side.post(side.text(next(asked), sender=next(senders))[0])
                    response = await client.post("/wechat", params=query, content=body)
                    assert response.status_code == 200
                    assert side.read(response.content) is not None

                results[name] = await _measure(one, messages, connections)

            async def bare() -> None:
                response = await client.post("/trivial", content=b"<xml></xml>")
                assert response.text == "success"

            results["trivial endpoint"] = await _measure(bare, messages, connections)
        server.should_exit = True
        await serving
        await wechat.close()
        await store.close()
    base = results["trivial endpoint"][0]
    print(f"{messages} messages from {connections} connections, one uvicorn server, client in the same process")
    print(f"{'':18} {'replies/s':>10} {'p50':>8} {'p99':>8} {'vs trivial':>11} {'CPU/message':>12}")
    for name, (rate, p50, p99, cpu) in results.items():
        print(
            f"{name:18} {rate:10.0f} {p50 * 1000:6.1f}ms {p99 * 1000:6.1f}ms {rate / base:10.2f}× {cpu * 1000:10.2f}ms"
        )
    seconds, megabytes = json.loads(subprocess.run([sys.executable, "-c", IMPORT_COST], capture_output=True,
                                                   text=True, check=True).stdout)  # fmt: skip
    print(f"importing wechatpy after the web stack: {seconds:.2f} s, {megabytes:.1f} MB more resident memory")


async def _measure(
    call: Callable[[], Awaitable[None]], count: int, connections: int
) -> tuple[float, float, float, float]:
    """Replies per second, p50/p99 latency and CPU seconds per call of `count` calls, `connections` at a time."""
    latencies: list[float] = []
    left = iter(range(count))

    async def worker() -> None:
        for _ in left:
            started = time.perf_counter()
            await call()
            latencies.append(time.perf_counter() - started)

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(connections)))
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    latencies.sort()
    return count / took, statistics.median(latencies), latencies[int(0.99 * (len(latencies) - 1))], cpu / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--connections", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(run(args.messages, args.connections))


if __name__ == "__main__":
    main()
