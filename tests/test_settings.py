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
        ({"TELEGRAM_TIMEOUT": "0"}, "TELEGRAM_TIMEOUT '0' is not a number of seconds"),
        ({"TELEGRAM_RETRY_PAUSE": "soon"}, "TELEGRAM_RETRY_PAUSE 'soon' is not a number of seconds"),
    ],
)  # fmt: skip
def test_a_bad_value_is_one_line_naming_the_variable(env: dict[str, str], says: str) -> None:
    """Replicas need one shared webhook secret, so a database without one is refused, as are bad values."""
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(env)
    assert str(refused.value).startswith(says)
    assert "\n" not in str(refused.value)


def test_the_bots_waits_default_to_what_it_always_waited_and_can_be_shortened() -> None:
    """TELEGRAM_TIMEOUT, TELEGRAM_POLL_TIMEOUT and TELEGRAM_RETRY_PAUSE are 5, 10 and 30 s unless set."""
    default = Settings.from_env({})
    assert (default.api_timeout, default.poll_timeout, default.retry_pause) == (5.0, 10.0, 30.0)
    short = Settings.from_env({"TELEGRAM_TIMEOUT": "1", "TELEGRAM_POLL_TIMEOUT": "0.5", "TELEGRAM_RETRY_PAUSE": "2"})
    assert (short.api_timeout, short.poll_timeout, short.retry_pause) == (1.0, 0.5, 2.0)
