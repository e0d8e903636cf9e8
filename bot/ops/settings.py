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
from urllib.parse import urlsplit

PACKAGE_FAQ = Path(__file__).resolve().parent.parent / "knowledge" / "faq.yaml"
TOKEN_SHAPE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
DEFAULT_WEB_PORT = 8080


class SettingsError(Exception):
    """A configuration value that cannot be used; the message is one line for the operator."""


@dataclass(frozen=True)
class ServerLimits:
    """Bounds of the process's HTTP server (the shared one with WEB_PORT, else the webhook's own), so that
    idle or slow sockets cannot use it up."""

    connections: int = 512
    """Connections open at once at most (`WEB_MAX_CONNECTIONS`); new ones beyond are closed at once. Kept
    below the process's open-file limit (see `bot.ops.connections`)."""
    idle_timeout: float = 10.0
    """Seconds a connection may take to send a whole request head, new or kept alive between requests
    (`WEB_IDLE_TIMEOUT`)."""


@dataclass(frozen=True)
class WebSettings:
    """The web chat page: where it listens and how much one reader may ask."""

    host: str = "127.0.0.1"
    port: int | None = None
    """`WEB_PORT`: None when unset, so that `run` serves no page; `python -m bot web` then uses `DEFAULT_WEB_PORT`."""
    per_session: int = 20
    """Messages a minute one browser session may send (`WEB_SESSION_PER_MINUTE`)."""
    per_address: int = 120
    """Messages a minute one network address may send (`WEB_ADDRESS_PER_MINUTE`): higher than a session's,
    since a county office puts many readers behind one address."""
    frame_ancestors: str = "*"
    """Sites that may show the page in a frame (`WEB_FRAME_ANCESTORS`), as CSP `frame-ancestors` sources."""

    @property
    def listen_port(self) -> int:
        """The port `python -m bot web` listens on."""
        return self.port if self.port is not None else DEFAULT_WEB_PORT


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its environment."""

    faq_file: Path
    token: str | None = None
    api_url: str = "https://api.telegram.org"
    admin_ids: frozenset[int] = frozenset()
    wechat: WeChatSettings | None = None
    """The WeChat front end; None when WECHAT_TOKEN is not set."""
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
    web: WebSettings = WebSettings()
    server_limits: ServerLimits = ServerLimits()
    api_timeout: float = 5.0
    """Seconds the bot waits for the Bot API to answer one call."""
    poll_timeout: float = 10.0
    """Seconds a long poll (getUpdates) is held open; the bot waits that plus `api_timeout` for it."""
    retry_pause: float = 30.0
    """The longest pause between tries of a reply the Bot API failed; the pauses double up to it from 0.5 s."""

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
        web = _web(env)
        webhook_url = env.get("WEBHOOK_URL", "").strip() or None
        if web.port is not None and webhook_url is not None and not urlsplit(webhook_url).path.startswith("/telegram/"):
            raise SettingsError(
                f"WEBHOOK_URL {webhook_url!r}: with WEB_PORT set the webhook shares the page's server, under "
                "/telegram/; give it a path such as https://bot.example.org/telegram/hook"
            )
        return cls(
            server_limits=ServerLimits(
                connections=_count(env, "WEB_MAX_CONNECTIONS", ServerLimits.connections, "connections"),
                idle_timeout=_seconds(env, "WEB_IDLE_TIMEOUT", ServerLimits.idle_timeout),
            ),
            api_timeout=_seconds(env, "TELEGRAM_TIMEOUT", cls.api_timeout),
            poll_timeout=_seconds(env, "TELEGRAM_POLL_TIMEOUT", cls.poll_timeout),
            retry_pause=_seconds(env, "TELEGRAM_RETRY_PAUSE", cls.retry_pause),
            faq_file=_faq_file(env),
            rate_limit=rate_limit,
            token=token,
            api_url=api_url,
            admin_ids=_admin_ids(env.get("ADMIN_IDS", "")),
            wechat=_wechat(env),
            log_level=level,
            log_format=log_format,
            webhook_url=webhook_url,
            webhook_listen=env.get("WEBHOOK_LISTEN", "").strip() or "127.0.0.1",
            webhook_port=int(port_text),
            webhook_secret=webhook_secret,
            data_dir=Path(env.get("DATA_DIR", "").strip() or "data"),
            database_url=database_url,
            web=web,
        )


def _web(env: Mapping[str, str]) -> WebSettings:
    port_text = env.get("WEB_PORT", "").strip()
    if port_text and (not port_text.isdigit() or not 0 < int(port_text) < 65536):
        raise SettingsError(f"WEB_PORT {port_text!r} is not a port number between 1 and 65535")
    ancestors = env.get("WEB_FRAME_ANCESTORS", "").strip() or WebSettings.frame_ancestors
    if not re.fullmatch(r"(\*|'none'|'self'|https?://[A-Za-z0-9.*:-]+)( (\*|'self'|https?://[A-Za-z0-9.*:-]+))*",
                        ancestors):  # fmt: skip
        raise SettingsError(
            f"WEB_FRAME_ANCESTORS {ancestors!r} is not a space-separated list of sites such as "
            "https://www.example.gov.cn, or * for any, or 'none'"
        )
    return WebSettings(
        host=env.get("WEB_HOST", "").strip() or WebSettings.host,
        port=int(port_text) if port_text else None,
        per_session=_count(env, "WEB_SESSION_PER_MINUTE", WebSettings.per_session, "messages a minute"),
        per_address=_count(env, "WEB_ADDRESS_PER_MINUTE", WebSettings.per_address, "messages a minute"),
        frame_ancestors=ancestors,
    )


def _count(env: Mapping[str, str], name: str, default: int, what: str) -> int:
    text = env.get(name, "").strip() or str(default)
    if not text.isdigit() or int(text) < 1:
        raise SettingsError(f"{name} {text!r} is not a whole number of {what} (1 or more)")
    return int(text)


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """A duration in seconds, positive and at most an hour."""
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 3600:
        raise SettingsError(f"{name} {text!r} is not a number of seconds between 0 and 3600 (default {default:g})")
    return value


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


@dataclass(frozen=True)
class WeChatSettings:
    """The WeChat Official Account front end (`/wechat`), served when WECHAT_TOKEN is set."""

    token: str
    """The Token of the account's server configuration: every call from WeChat is signed with it."""
    aes_key: str | None = None
    """The EncodingAESKey, for safe mode (messages encrypted); None for plaintext mode."""
    app_id: str | None = None
    app_secret: str | None = None
    """With the AppID, the key to the customer-service message API: slow answers and long texts."""
    api_url: str = "https://api.weixin.qq.com"
    """WeChat's API root (`{root}/cgi-bin/...`)."""
    admin_openids: frozenset[str] = frozenset()
    """OpenIDs (as this account sees them) that get the text forms of /stats and /unanswered."""
    reply_wait: float = 4.0
    """Seconds an answer may take before WeChat is told `success` and the answer goes by the customer-service
    API instead (WeChat waits 5 s for a reply, network included)."""


WECHAT_VARIABLES = ("WECHAT_AES_KEY", "WECHAT_APP_ID", "WECHAT_APP_SECRET", "WECHAT_API_URL",
                    "WECHAT_ADMIN_OPENIDS", "WECHAT_REPLY_WAIT")  # fmt: skip
"""What configures the WeChat front end besides its token."""
WECHAT_ACCOUNT = ("WECHAT_AES_KEY", "WECHAT_APP_ID", "WECHAT_APP_SECRET", "WECHAT_ADMIN_OPENIDS")
"""Those that name an account: set without a token, they are a mistake (the API root and the wait
have defaults that `.env.example` spells out)."""


def _wechat(env: Mapping[str, str]) -> WeChatSettings | None:
    """The WeChat front end's settings, checked as WeChat's own configuration page checks them."""
    value = {name: env.get(name, "").strip() for name in ("WECHAT_TOKEN", *WECHAT_VARIABLES)}
    token = value["WECHAT_TOKEN"]
    if not token:
        stray = [name for name in WECHAT_ACCOUNT if value[name]]
        if stray:
            raise SettingsError(f"{stray[0]} is set but WECHAT_TOKEN is not; set WECHAT_TOKEN to serve /wechat")
        return None
    if not re.fullmatch(r"[A-Za-z0-9]{3,32}", token):
        raise SettingsError(
            "WECHAT_TOKEN must be 3 to 32 letters or digits, the Token of the Official Account's server configuration"
        )
    aes_key, app_id = value["WECHAT_AES_KEY"] or None, value["WECHAT_APP_ID"] or None
    secret = value["WECHAT_APP_SECRET"]
    if aes_key is not None and not re.fullmatch(r"[A-Za-z0-9]{43}", aes_key):
        raise SettingsError("WECHAT_AES_KEY must be the 43 letters and digits of the account's EncodingAESKey")
    if app_id is not None and not re.fullmatch(r"wx[A-Za-z0-9]{16}", app_id):
        raise SettingsError(f"WECHAT_APP_ID {app_id!r} is not an AppID such as wx1234567890abcdef")
    if secret and not re.fullmatch(r"[A-Za-z0-9]{16,64}", secret):
        raise SettingsError("WECHAT_APP_SECRET must be the account's AppSecret: letters and digits only")
    if app_id is None and (aes_key is not None or secret):
        needs = "WECHAT_AES_KEY" if aes_key is not None else "WECHAT_APP_SECRET"
        raise SettingsError(f"WECHAT_APP_ID must be set with {needs}: safe mode and the API both name the account")
    api_url = value["WECHAT_API_URL"].rstrip("/") or "https://api.weixin.qq.com"
    if not re.match(r"^https?://[^/\s]+(/\S*)?$", api_url):
        raise SettingsError(f"WECHAT_API_URL {api_url!r} is not an http(s) URL such as https://api.weixin.qq.com")
    wait_text = value["WECHAT_REPLY_WAIT"] or "4"
    try:
        wait = float(wait_text)
    except ValueError:
        wait = 0.0
    if not 0 < wait < 5:
        raise SettingsError(
            f"WECHAT_REPLY_WAIT {wait_text!r} must be seconds above 0 and below 5: WeChat waits 5 s for a reply"
        )
    return WeChatSettings(
        token=token,
        aes_key=aes_key,
        app_id=app_id,
        app_secret=secret or None,
        api_url=api_url,
        admin_openids=_openids(value["WECHAT_ADMIN_OPENIDS"]),
        reply_wait=wait,
    )


def _openids(text: str) -> frozenset[str]:
    ids = set()
    for raw in text.replace(";", ",").split(","):
        piece = raw.strip()
        if not piece:
            continue
        if not re.fullmatch(r"[A-Za-z0-9_-]{6,64}", piece):
            raise SettingsError(
                f"WECHAT_ADMIN_OPENIDS item {piece!r} is not an OpenID (letters, digits, _ and -); "
                "separate OpenIDs with commas"
            )
        ids.add(piece)
    return frozenset(ids)
