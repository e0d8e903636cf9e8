"""Configuration from the environment: each bad value stops the start with one line saying how to fix it."""

from __future__ import annotations

import pytest

from bot.ops.settings import WECHAT_VARIABLES, Settings, SettingsError
from tests.conftest import ROOT

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
        ({"WEB_MAX_CONNECTIONS": "0"}, "WEB_MAX_CONNECTIONS '0' is not a whole number"),
        ({"WEB_IDLE_TIMEOUT": "soon"}, "WEB_IDLE_TIMEOUT 'soon' is not a number of seconds"),
    ],
)  # fmt: skip
def test_a_bad_value_is_one_line_naming_the_variable(env: dict[str, str], says: str) -> None:
    """Replicas need one shared webhook secret, so a database without one is refused, as are bad values."""
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(env)
    assert str(refused.value).startswith(says)
    assert "\n" not in str(refused.value)


def test_the_http_servers_limits_are_read() -> None:
    """WEB_MAX_CONNECTIONS and WEB_IDLE_TIMEOUT bound the process's HTTP server; unset, 512 and 10 s."""
    default = Settings.from_env({}).server_limits
    assert (default.connections, default.idle_timeout) == (512, 10.0)
    limits = Settings.from_env({"WEB_MAX_CONNECTIONS": "20", "WEB_IDLE_TIMEOUT": "2.5"}).server_limits
    assert (limits.connections, limits.idle_timeout) == (20, 2.5)


def test_the_bots_waits_default_to_what_it_always_waited_and_can_be_shortened() -> None:
    """TELEGRAM_TIMEOUT, TELEGRAM_POLL_TIMEOUT and TELEGRAM_RETRY_PAUSE are 5, 10 and 30 s unless set."""
    default = Settings.from_env({})
    assert (default.api_timeout, default.poll_timeout, default.retry_pause) == (5.0, 10.0, 30.0)
    short = Settings.from_env({"TELEGRAM_TIMEOUT": "1", "TELEGRAM_POLL_TIMEOUT": "0.5", "TELEGRAM_RETRY_PAUSE": "2"})
    assert (short.api_timeout, short.poll_timeout, short.retry_pause) == (1.0, 0.5, 2.0)


AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


class TestWeChat:
    def test_no_token_no_wechat(self) -> None:
        """Without WECHAT_TOKEN there is no /wechat, also with .env.example's defaults for the API and the wait."""
        assert Settings.from_env({}).wechat is None
        defaults = {"WECHAT_API_URL": "https://api.weixin.qq.com", "WECHAT_REPLY_WAIT": "4"}
        assert Settings.from_env(defaults).wechat is None

    def test_a_token_alone_is_plaintext_mode_without_the_api(self) -> None:
        """A token is enough for plaintext mode; slow answers need the AppID and AppSecret."""
        wechat = Settings.from_env({"WECHAT_TOKEN": "faqbot2022"}).wechat
        assert wechat is not None
        assert (wechat.aes_key, wechat.app_id, wechat.app_secret, wechat.reply_wait) == (None, None, None, 4.0)
        assert wechat.api_url == "https://api.weixin.qq.com"

    def test_safe_mode_the_api_and_admins_are_read(self) -> None:
        """The AES key, AppID, AppSecret, API root, admins' OpenIDs and the reply wait are taken as given."""
        wechat = Settings.from_env({
            "WECHAT_TOKEN": "faqbot2022", "WECHAT_AES_KEY": AES_KEY, "WECHAT_APP_ID": "wx1234567890abcdef",
            "WECHAT_APP_SECRET": "0123456789abcdef0123456789abcdef", "WECHAT_API_URL": "http://127.0.0.1:9/",
            "WECHAT_ADMIN_OPENIDS": "o6_bmjrPTlm6_2sgVt7hMZOPfL2M, oABC123def456", "WECHAT_REPLY_WAIT": "0.5",
        }).wechat  # fmt: skip
        assert wechat is not None
        assert (wechat.aes_key, wechat.app_id, wechat.api_url, wechat.reply_wait) == (
            AES_KEY,
            "wx1234567890abcdef",
            "http://127.0.0.1:9",
            0.5,
        )
        assert wechat.app_secret == "0123456789abcdef0123456789abcdef"
        assert wechat.admin_openids == {"o6_bmjrPTlm6_2sgVt7hMZOPfL2M", "oABC123def456"}

    @pytest.mark.parametrize(
        ("env", "says"),
        [
            ({"WECHAT_AES_KEY": AES_KEY}, "WECHAT_AES_KEY is set but WECHAT_TOKEN is not"),
            ({"WECHAT_TOKEN": "no"}, "WECHAT_TOKEN must be 3 to 32 letters or digits"),
            ({"WECHAT_TOKEN": "faqbot", "WECHAT_AES_KEY": AES_KEY[:-1], "WECHAT_APP_ID": "wx1234567890abcdef"},
             "WECHAT_AES_KEY must be the 43 letters"),
            ({"WECHAT_TOKEN": "faqbot", "WECHAT_AES_KEY": AES_KEY}, "WECHAT_APP_ID must be set with WECHAT_AES_KEY"),
            ({"WECHAT_TOKEN": "faqbot", "WECHAT_APP_ID": "0123456789abcdef"}, "WECHAT_APP_ID '0123456789abcdef'"),
            ({"WECHAT_TOKEN": "faqbot", "WECHAT_API_URL": "api.weixin.qq.com"}, "WECHAT_API_URL 'api.weixin.qq.com'"),
            ({"WECHAT_TOKEN": "faqbot", "WECHAT_ADMIN_OPENIDS": "o6 bmj"}, "WECHAT_ADMIN_OPENIDS item 'o6 bmj'"),
            ({"WECHAT_TOKEN": "faqbot", "WECHAT_REPLY_WAIT": "5"}, "WECHAT_REPLY_WAIT '5' must be seconds"),
        ],
    )  # fmt: skip
    def test_a_bad_value_is_one_line_naming_the_variable(self, env: dict[str, str], says: str) -> None:
        """Each WeChat setting is checked as the account's configuration page checks it."""
        with pytest.raises(SettingsError) as refused:
            Settings.from_env(env)
        assert str(refused.value).startswith(says)
        assert "\n" not in str(refused.value)

    def test_every_wechat_variable_is_documented(self) -> None:
        """Each variable the WeChat front end reads is in the README's table and in .env.example."""
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        example = (ROOT / ".env.example").read_text(encoding="utf-8")
        for name in ("WECHAT_TOKEN", *WECHAT_VARIABLES):
            assert f"`{name}`" in readme, name
            assert f"\n{name}=" in example, name
