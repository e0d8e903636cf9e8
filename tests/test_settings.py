"""Configuration from the environment: each bad value stops the start with one line saying how to fix it."""

from __future__ import annotations

import pytest

from bot.ops.settings import Settings, SettingsError

TOKEN = "123456:" + "A" * 35


def test_sqlite_under_data_dir_is_the_default() -> None:
    """With no DATABASE_URL the store is SQLite: nothing to install to try the bot."""
    assert Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN}).database_url is None


def test_a_postgresql_url_is_taken() -> None:
    """DATABASE_URL=postgresql://... puts the store in PostgreSQL."""
    url = "postgresql://faqbot:secret@db:5432/faqbot"
    assert Settings.from_env({"DATABASE_URL": url}).database_url == url


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"DATABASE_URL": "mysql://db/faqbot"}, "DATABASE_URL must be a PostgreSQL URL"),
        ({"DATABASE_URL": "postgresql://db/faqbot", "WEBHOOK_URL": "https://bot.example/hook"},
         "WEBHOOK_SECRET must be set when DATABASE_URL is"),
        ({"WEBHOOK_SECRET": "has spaces"}, "WEBHOOK_SECRET may hold only letters"),
        ({"WEBHOOK_PORT": "70000"}, "WEBHOOK_PORT '70000' is not a port number"),
        ({"WEBHOOK_MAX_CONNECTIONS": "0"}, "WEBHOOK_MAX_CONNECTIONS '0' is not a whole number"),
        ({"WEBHOOK_IDLE_TIMEOUT": "soon"}, "WEBHOOK_IDLE_TIMEOUT 'soon' is not a number of seconds"),
    ],
)  # fmt: skip
def test_a_bad_value_is_one_line_naming_the_variable(env: dict[str, str], says: str) -> None:
    """Replicas need one shared webhook secret, so a database without one is refused, as are bad values."""
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(env)
    assert str(refused.value).startswith(says)
    assert "\n" not in str(refused.value)


def test_the_webhook_servers_limits_are_read() -> None:
    """WEBHOOK_MAX_CONNECTIONS and WEBHOOK_IDLE_TIMEOUT bound the webhook server; unset, 100 and 10 s."""
    assert Settings.from_env({}).server_limits.connections == 100
    limits = Settings.from_env({"WEBHOOK_MAX_CONNECTIONS": "20", "WEBHOOK_IDLE_TIMEOUT": "2.5"}).server_limits
    assert (limits.connections, limits.idle_timeout) == (20, 2.5)
