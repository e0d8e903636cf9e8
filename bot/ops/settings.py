"""Configuration, read from the environment once, in `main()`, into a frozen object.

Every variable is documented in `.env.example` and the README. A bad value raises
`SettingsError` with one line that says which variable and how to fix it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PACKAGE_FAQ = Path(__file__).resolve().parent.parent / "knowledge" / "faq.yaml"
TOKEN_SHAPE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class SettingsError(Exception):
    """A configuration value that cannot be used; the message is one line for the operator."""


@dataclass(frozen=True)
class ServerLimits:
    """Bounds of the web server that takes Telegram's webhook calls, so that idle or slow sockets
    cannot use it up."""

    connections: int = 100
    """Connections open at once at most; new ones beyond are closed at once (`WEBHOOK_MAX_CONNECTIONS`)."""
    idle_timeout: float = 10.0
    """Seconds a connection may take to send a whole request head, new or kept alive between requests
    (`WEBHOOK_IDLE_TIMEOUT`)."""
    body_timeout: float = 10.0
    """Seconds a request's body may take to arrive."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its environment."""

    faq_file: Path
    token: str | None = None
    api_url: str = "https://api.telegram.org"
    admin_ids: frozenset[int] = frozenset()
    log_level: str = "INFO"
    log_format: str = "text"
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: str | None = None
    data_dir: Path = Path("data")
    rate_limit: float = 30.0
    database_url: str | None = None
    """PostgreSQL for the whole store, shared by replicas; None keeps SQLite under DATA_DIR."""
    server_limits: ServerLimits = ServerLimits()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and check the settings; raise `SettingsError` on the first bad value."""
        env = os.environ if environ is None else environ
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip() or None
        if token is not None and not TOKEN_SHAPE.match(token):
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then 30+ letters); "
                "copy it again from @BotFather"
            )
        api_url = env.get("TELEGRAM_API_URL", "").strip().rstrip("/") or "https://api.telegram.org"
        if not re.match(r"^https?://[^/\s]+(/\S*)?$", api_url):
            raise SettingsError(f"TELEGRAM_API_URL {api_url!r} is not an http(s) URL such as https://api.telegram.org")
        level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
        if level not in LOG_LEVELS:
            raise SettingsError(f"LOG_LEVEL {level!r} is not one of {', '.join(LOG_LEVELS)}")
        log_format = env.get("LOG_FORMAT", "text").strip().lower() or "text"
        if log_format not in ("text", "json"):
            raise SettingsError(f"LOG_FORMAT {log_format!r} is not 'text' or 'json'")
        port_text = env.get("WEBHOOK_PORT", "8443").strip() or "8443"
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise SettingsError(f"WEBHOOK_PORT {port_text!r} is not a port number between 1 and 65535")
        webhook_secret = env.get("WEBHOOK_SECRET", "").strip() or None
        if webhook_secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", webhook_secret):
            raise SettingsError(
                "WEBHOOK_SECRET may hold only letters, digits, _ and - (1 to 256 of them), as Telegram requires"
            )
        database_url = env.get("DATABASE_URL", "").strip() or None
        if database_url is not None and not re.match(r"^postgres(ql)?://", database_url):
            raise SettingsError("DATABASE_URL must be a PostgreSQL URL such as postgresql://faqbot@db/faqbot, or unset")
        if database_url is not None and env.get("WEBHOOK_URL", "").strip() and webhook_secret is None:
            raise SettingsError(
                "WEBHOOK_SECRET must be set when DATABASE_URL is: "
                "every replica behind the load balancer needs the same one"
            )
        rate_text = env.get("TELEGRAM_RATE_LIMIT", "30").strip() or "30"
        try:
            rate_limit = float(rate_text)
        except ValueError:
            rate_limit = 0.0
        if not rate_limit > 0:
            raise SettingsError(f"TELEGRAM_RATE_LIMIT {rate_text!r} is not a positive number of messages per second")
        return cls(
            server_limits=_server_limits(env),
            faq_file=_faq_file(env),
            rate_limit=rate_limit,
            token=token,
            api_url=api_url,
            admin_ids=_admin_ids(env.get("ADMIN_IDS", "")),
            log_level=level,
            log_format=log_format,
            webhook_url=env.get("WEBHOOK_URL", "").strip() or None,
            webhook_listen=env.get("WEBHOOK_LISTEN", "").strip() or "127.0.0.1",
            webhook_port=int(port_text),
            webhook_secret=webhook_secret,
            data_dir=Path(env.get("DATA_DIR", "").strip() or "data"),
            database_url=database_url,
        )


def _server_limits(env: Mapping[str, str]) -> ServerLimits:
    connections = env.get("WEBHOOK_MAX_CONNECTIONS", "").strip() or str(ServerLimits.connections)
    if not connections.isdigit() or int(connections) < 1:
        raise SettingsError(f"WEBHOOK_MAX_CONNECTIONS {connections!r} is not a whole number of connections (1 or more)")
    idle = env.get("WEBHOOK_IDLE_TIMEOUT", "").strip() or str(ServerLimits.idle_timeout)
    try:
        seconds = float(idle)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 3600:
        raise SettingsError(f"WEBHOOK_IDLE_TIMEOUT {idle!r} is not a number of seconds between 0 and 3600")
    return ServerLimits(connections=int(connections), idle_timeout=seconds)


def _faq_file(env: Mapping[str, str]) -> Path:
    configured = env.get("FAQ_FILE", "").strip()
    if configured:
        return Path(configured)
    here = Path("knowledge/faq.yaml")
    return here if here.exists() else PACKAGE_FAQ


def _admin_ids(text: str) -> frozenset[int]:
    ids = set()
    for raw in text.replace(";", ",").split(","):
        piece = raw.strip()
        if not piece:
            continue
        if not piece.lstrip("-").isdigit():
            raise SettingsError(f"ADMIN_IDS item {piece!r} is not a numeric Telegram user id; separate ids with commas")
        ids.add(int(piece))
    return frozenset(ids)
