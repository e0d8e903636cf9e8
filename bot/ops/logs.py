"""Logging for the service: one line per event, as text or JSON, with secrets blanked out.

`LOG_FORMAT=json` gives one JSON object per line for log collectors. Whatever a library
logs, the bot token never reaches the output.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class Redact(logging.Filter):
    """Replaces each secret in a record's message and traceback with `[redacted]`."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.exc_text = None
        for secret in self.secrets:
            message = message.replace(secret, "[redacted]")
        record.msg, record.args = message, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str, fmt: str = "text", secrets: Iterable[str] = ()) -> None:
    """Send every log line to standard error, formatted and redacted."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(Redact(secrets))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # the HTTP client logs each request URL at INFO, and Bot API URLs hold the token
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # the file watcher logs every change it sees at INFO: the bot says what it did about them itself
    logging.getLogger("watchfiles").setLevel(logging.WARNING)
