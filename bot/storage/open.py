"""The one way to get a store: PostgreSQL when a database URL is given, else SQLite in the data folder.

It lives apart from `bot.storage.store` so that the interface knows neither backend: the backends
import the interface, and only this module imports the backends. Imports nothing from `telegram`.
"""

from __future__ import annotations

from pathlib import Path

from bot.storage.store import Clock, Lifetimes, Store, utc_now


async def open_store(
    data_dir: Path, database_url: str | None = None, clock: Clock = utc_now, lifetimes: Lifetimes | None = None
) -> Store:
    """The store asked for, started: PostgreSQL when `database_url` is set, else SQLite under `data_dir`."""
    store: Store
    if database_url:
        from bot.storage.postgres import PostgresStore  # noqa: PLC0415 - psycopg only where it is used

        store = PostgresStore(database_url, clock=clock, lifetimes=lifetimes or Lifetimes())
    else:
        from bot.storage.sqlite import SqliteStore  # noqa: PLC0415 - sqlite3 details only where they are used

        store = SqliteStore(data_dir, clock=clock, lifetimes=lifetimes or Lifetimes())
    await store.start()
    return store
