"""A real PostgreSQL server for the tests: `initdb` into a temporary directory, on a free local port.

Debian's `postgresql` package provides the binaries (`.ci/run` installs it). PostgreSQL will
not run as root: when the tests run as root, the server runs as the `postgres` user.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.user import free_port

_databases = itertools.count(1)


def binaries() -> Path | None:
    """The folder of `initdb` and `pg_ctl`: Debian's newest, or the ones on PATH; None if missing."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


class PostgresServer:
    """A running throwaway server; `fresh_database()` gives each test its own empty database."""

    def __init__(self, url: str, admin_url: str, stop: Callable[[], None], start: Callable[[], None]) -> None:
        self.url = url
        self.admin_url = admin_url
        self.stop = stop
        """Stop the server now (a database that goes away under the bot)."""
        self.start = start
        """Start a stopped server again, on the same port and data (the database comes back)."""

    def fresh_database(self) -> str:
        """A new empty database on the server, by URL."""
        import psycopg  # noqa: PLC0415 - only the PostgreSQL tests need it

        name = f"test_{os.getpid()}_{next(_databases)}"
        with psycopg.connect(self.admin_url, autocommit=True) as db:
            db.execute(f"CREATE DATABASE {name}".encode())
        return self.url.rsplit("/", 1)[0] + f"/{name}"


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """Start a server for the duration of the block; its data is removed afterwards."""
    folder = binaries()
    if folder is None:
        raise FileNotFoundError("PostgreSQL's initdb is not installed (Debian: apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="faqbot-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", free_port()

    def run(*command: str) -> None:
        subprocess.run([*as_user, *command], check=True, capture_output=True, timeout=120)

    try:
        run(str(folder / "initdb"), "-D", str(data), "-U", "faqbot", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        stopped: list[bool] = [True]

        def start() -> None:
            if stopped:
                log = str(root / "server.log")
                run(str(folder / "pg_ctl"), "-D", str(data), "-o", options, "-l", log, "-w", "start")
                stopped.clear()

        def stop() -> None:
            if not stopped:
                stopped.append(True)
                run(str(folder / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")

        start()
        base = f"postgresql://faqbot@127.0.0.1:{port}"
        try:
            yield PostgresServer(f"{base}/postgres", f"{base}/postgres", stop, start)
        finally:
            stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)
