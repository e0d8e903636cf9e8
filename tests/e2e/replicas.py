"""Replicas for tests and benchmarks: a real nginx in front of bot processes in webhook mode, and a
sender that posts updates through it as Telegram does.

nginx runs from `deploy/nginx/faqbot.conf` itself, with its upstream servers and listen port
replaced by local ones, so the tests exercise the shipped configuration. Debian's nginx
package provides the binary (`.ci/run` installs it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.user import ROOT, free_port, wait_for

NGINX_CONF = ROOT / "deploy" / "nginx" / "faqbot.conf"
HOOK_PATH = "/telegram-hook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def nginx_binary() -> str | None:
    """nginx on PATH or in /usr/sbin; None if missing."""
    return shutil.which("nginx") or (str(Path("/usr/sbin/nginx")) if Path("/usr/sbin/nginx").exists() else None)


@contextmanager
def nginx(upstreams: list[int]) -> Iterator[int]:
    """nginx on a free local port, load-balancing the webhook over replicas on `upstreams` ports."""
    binary = nginx_binary()
    if binary is None:
        raise FileNotFoundError("nginx is not installed (Debian: apt-get install nginx-light)")
    root = Path(tempfile.mkdtemp(prefix="faqbot-nginx-"))
    port = free_port()
    site = NGINX_CONF.read_text(encoding="utf-8")
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;\n" for p in upstreams)
    site = re.sub(r"(upstream faqbot_replicas \{\n)(?:.*\n)*?(?=    keepalive)", lambda m: m.group(1) + servers, site)
    site = re.sub(r"listen \d+;", f"listen 127.0.0.1:{port};", site)
    (root / "nginx.conf").write_text(
        f"""worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
{site}
}}
""",
        encoding="utf-8",
    )
    process = subprocess.Popen([binary, "-p", str(root), "-c", str(root / "nginx.conf"), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    try:
        wait_for(lambda: _answers(port) or process.poll() is not None, 15, "nginx to listen")
        if process.poll() is not None:
            raise RuntimeError(f"nginx did not start: {process.stderr.read().decode() if process.stderr else ''}")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()
        shutil.rmtree(root, ignore_errors=True)


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/nginx-healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@dataclass
class Sender:
    """Posts updates to a webhook as Telegram does: one at a time per connection, several
    connections at once, each update again (after a pause) until it is acknowledged with a 2xx."""

    url: str
    secret: str
    connections: int = 8
    sent_at: dict[int, float] = field(default_factory=dict)
    """When each update (by message id) was first posted."""
    attempts: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def update(self, update_id: int, user: int, text: str) -> dict[str, Any]:
        person = {"id": user, "is_bot": False, "first_name": f"u{user}", "language_code": "zh-hans"}
        message = {"message_id": update_id, "date": int(time.time()), "chat": {"id": user, "type": "private"},
                   "from": person, "text": text}  # fmt: skip
        return {"update_id": update_id, "message": message}

    def post(self, client: httpx.Client, update: dict[str, Any]) -> None:
        with self._lock:
            self.sent_at.setdefault(update["message"]["message_id"], time.monotonic())
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with self._lock:
                self.attempts += 1
            try:
                response = client.post(self.url, json=update, headers={SECRET_HEADER: self.secret}, timeout=15)
                if response.is_success:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise AssertionError(f"update {update['update_id']} was never acknowledged")

    def send_all(self, updates: list[dict[str, Any]]) -> None:
        """Post every update, `connections` at a time."""
        clients = [httpx.Client() for _ in range(self.connections)]
        try:
            with ThreadPoolExecutor(self.connections) as pool:
                list(pool.map(lambda pair: self.post(clients[pair[0] % len(clients)], pair[1]), enumerate(updates)))
        finally:
            for client in clients:
                client.close()
