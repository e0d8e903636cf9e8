"""The web front end through its HTTP interface: the JSON it answers, its safety, its page, its limits.

The application is the real one (`bot.web.app.web_app`) over a real SQLite store, driven through
httpx's ASGI transport; the browser tests (`tests/test_browser.py`) drive the same page in Chromium.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from bot.conversation.state import CHANNEL_BLOCK, chat_number
from bot.conversation.turns import Conversation
from bot.core.brain import MAX_QUESTION_CHARS, Brain
from bot.faq.knowledge import parse_knowledge
from bot.ops.settings import Settings, SettingsError, WebSettings
from bot.storage.sqlite import SqliteStore
from bot.web.app import MAX_BODY, Site, web_app
from bot.web.limits import Budget, Limits
from bot.web.page import browser_language, page_html
from bot.web.sessions import HEADER, Visitor
from tests.conftest import FAQ

Json = dict[str, Any]


class Browser:
    """One browser session talking to the page's endpoint, as chat.js does."""

    def __init__(self, client: httpx.AsyncClient, language: str = "zh-CN,zh;q=0.9") -> None:
        self.client = client
        self.session = ""
        self.language = language

    async def send(self, body: Json) -> httpx.Response:
        headers = {"Accept-Language": self.language, **({HEADER: self.session} if self.session else {})}
        response = await self.client.post("/api/message", json=body, headers=headers)
        self.session = response.json().get("session", self.session)
        return response

    async def say(self, body: Json) -> Json:
        """The one reply to a message that must be answered."""
        response = await self.send(body)
        assert response.status_code == 200, response.text
        (reply,) = response.json()["replies"]
        return dict(reply)


class Harness:
    """The web application over a store in a temporary folder."""

    def __init__(self, app: Any, store: SqliteStore) -> None:
        self.store = store
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://page.test")

    def browser(self, language: str = "zh-CN,zh;q=0.9") -> Browser:
        return Browser(self.client, language)


async def _harness(tmp_path: Path, brain: Brain, settings: WebSettings) -> AsyncIterator[Harness]:
    store = SqliteStore(tmp_path)
    await store.start()
    site = Site(Conversation(lambda: brain, store), lambda: brain, settings)
    harness = Harness(web_app(site), store)
    async with harness.client:
        yield harness
    await store.close()


@pytest.fixture
async def web(tmp_path: Path, brain: Brain) -> AsyncIterator[Harness]:
    async for harness in _harness(tmp_path, brain, WebSettings()):
        yield harness


class TestMessages:
    """Questions, taps and votes go through the conversation layer, as on Telegram."""

    async def test_the_page_opens_with_a_greeting_and_example_questions(self, web: Harness, brain: Brain) -> None:
        """`{hello}` gets what the bot knows, in the browser's language, and the article's examples to tap."""
        reply = await web.browser("en-GB,en;q=0.9").say({"hello": True})
        assert reply["kind"] == "hello"
        assert reply["lang"] == "en"
        assert reply["examples"] == list(brain.knowledge.article.examples("en"))

    async def test_a_chinese_question_gets_the_asked_fact_first(self, web: Harness) -> None:
        """The answer leads with the asked figure, names its measure and line, and offers the full text and votes."""
        reply = await web.browser().say({"text": "孝昌县有多少个党小组？"})
        assert reply["kind"] == "answer"
        assert reply["lead"] == ["党小组 875个"]
        assert reply["title"] == "纵向深化"
        assert reply["full"] is True
        assert reply["vote"] is True
        assert reply["related"]
        assert all(option["token"].startswith("entry:") for option in reply["related"])

    async def test_an_english_question_is_answered_in_english_whatever_the_browser_says(self, web: Harness) -> None:
        """Language follows what the person writes, not the browser; the long English title follows the fact."""
        reply = await web.browser("zh-CN").say({"text": "How many Party groups are there?"})
        assert reply["lang"] == "en"
        assert "875" in " ".join(reply["lead"])
        assert reply["title_last"] is True

    async def test_a_yes_no_question_leads_with_its_verdict(self, web: Harness) -> None:
        """党小组有900个吗 gets the correction as the reply's verdict; a question that is not yes/no gets none."""
        browser = web.browser()
        corrected = await browser.say({"text": "党小组有900个吗"})
        assert corrected["verdict"].startswith("不是")
        assert "875" in corrected["verdict"]
        assert corrected["title_last"] is False
        plain = await browser.say({"text": "孝昌县有多少个党小组？"})
        assert plain["verdict"] == ""

    async def test_a_did_you_mean_is_answered_by_a_typed_number_or_by_its_token(self, web: Harness) -> None:
        """A question back offers numbered options; `2` typed, or the option's token tapped, opens the second."""
        typing, tapping = web.browser(), web.browser()
        offered = await typing.say({"text": "Fengshan"})
        assert offered["kind"] == "ask-back"
        assert [o["label"][:3] for o in offered["options"]] == ["1. ", "2. "]
        typed = await typing.say({"text": "2"})
        second = offered["options"][1]
        assert typed["kind"] == "answer"
        assert typed["title"] == second["label"][3:]
        await tapping.say({"text": "Fengshan"})
        tapped = await tapping.say({"pick": second["token"], "lang": "en"})
        assert tapped["entry"] == typed["entry"]

    async def test_a_follow_up_is_read_against_the_last_answer(self, web: Harness) -> None:
        """那党员中心户呢 after a question about Party groups asks the same of the other figure."""
        browser = web.browser()
        await browser.say({"text": "孝昌县有多少个党小组？"})
        reply = await browser.say({"text": "那党员中心户呢"})
        assert reply["lead"] == ["党员中心户 3100余名"]

    async def test_each_session_is_a_conversation_of_its_own(self, web: Harness) -> None:
        """A number typed in another session is a question there, not a pick from this one's options."""
        await web.browser().say({"text": "Fengshan"})
        other = await web.browser().say({"text": "2"})
        assert other["kind"] != "answer" or other["title"] != "Mobilising everyone"

    async def test_the_full_text_and_the_topics_are_one_tap_away(self, web: Harness) -> None:
        """`{full}` gives the entry's whole text; `{topics}` the lines of work, each opening its measures."""
        browser = web.browser()
        answer = await browser.say({"text": "孝昌县有多少个党小组？"})
        full = await browser.say({"full": answer["entry"], "lang": "zh"})
        assert full["kind"] == "full"
        assert len(full["text"]) > len(answer["text"])
        topics = await browser.say({"topics": True, "lang": "zh"})
        assert topics["kind"] == "topics"
        line = await browser.say({"pick": topics["options"][0]["token"], "lang": "zh"})
        assert line["kind"] == "line"
        assert line["options"]

    async def test_a_vote_is_kept_once_per_answer_and_a_thumbs_down_offers_others(self, web: Harness) -> None:
        """👍 thanks, 👎 offers the other candidates, the later vote counts, and a turn of another session
        or an unknown one is not counted."""
        browser = web.browser()
        answer = await browser.say({"text": "孝昌县有多少个党小组？"})
        thanks = await browser.say({"vote": "up", "turn": answer["turn"], "lang": "zh"})
        assert thanks["kind"] == "note"
        others = await browser.say({"vote": "down", "turn": answer["turn"], "lang": "zh"})
        assert others["kind"] == "others"
        stranger = await web.browser().say({"vote": "up", "turn": answer["turn"], "lang": "zh"})
        assert stranger["kind"] == "note"
        assert stranger["text"] != thanks["text"]
        votes = await web.store.votes.since(web.store.clock().replace(year=2000))
        assert [vote.vote for vote in votes] == [-1]

    async def test_web_turns_go_to_the_usage_log_with_their_channel(self, web: Harness) -> None:
        """Questions asked on the page are logged as channel `web`, for /stats and `report` to split."""
        await web.browser().say({"text": "孝昌县有多少个党小组？"})
        events = await web.store.events.since(web.store.clock().replace(year=2000))
        assert [(event.kind, event.channel) for event in events] == [("answered", "web")]

    async def test_an_option_the_faq_no_longer_has_says_so(self, web: Harness) -> None:
        """A stale tap gets a polite note, not an error."""
        reply = await web.browser().say({"pick": "entry:no-such-entry", "lang": "en"})
        assert reply["kind"] == "gone"
        assert reply["text"]


class TestSafety:
    """Nothing a person or the FAQ writes runs as code, and no reader can flood the page."""

    async def test_every_response_carries_a_policy_without_inline_script(self, web: Harness) -> None:
        """The page, its files and its endpoint all forbid inline script and outside sources."""
        for response in (
            await web.client.get("/"),
            await web.client.get("/static/chat.js"),
            await web.browser().send({"hello": True}),
        ):
            policy = response.headers["content-security-policy"]
            assert "script-src 'self'" in policy
            assert "unsafe-inline" not in policy
            assert "default-src 'none'" in policy
            assert response.headers["x-content-type-options"] == "nosniff"

    async def test_no_cookie_is_ever_set(self, web: Harness) -> None:
        """The session id travels in a header the page keeps in session storage, never in a cookie."""
        browser = web.browser()
        responses = [await web.client.get("/"), await browser.send({"hello": True})]
        responses.append(await browser.send({"text": "孝昌县有多少个党小组？"}))
        assert all("set-cookie" not in response.headers for response in responses)
        assert browser.session

    async def test_the_session_id_is_kept_and_logged_only_as_a_hash(
        self, web: Harness, caplog: pytest.LogCaptureFixture, tmp_path: Path
    ) -> None:
        """Neither the log nor the database holds the session id in the clear."""
        caplog.set_level(logging.DEBUG)
        browser = web.browser()
        await browser.say({"text": "Fengshan"})
        await browser.say({"text": "2"})
        await web.store.close()
        assert browser.session not in caplog.text
        stored = b"".join(path.read_bytes() for path in tmp_path.glob("bot.sqlite3*"))
        assert browser.session.encode() not in stored
        assert Visitor.of(browser.session).key.encode() in stored

    async def test_a_question_over_the_length_cap_is_refused_politely(self, web: Harness) -> None:
        """A message longer than the cap gets a one-line note, and the page's box has the same cap."""
        reply = await web.browser().say({"text": "党" * (MAX_QUESTION_CHARS + 1)})
        assert reply["kind"] == "too-long"
        page = (await web.client.get("/")).text
        assert f'maxlength="{MAX_QUESTION_CHARS}"' in page

    @pytest.mark.parametrize(
        ("content", "content_type"),
        [
            (b"{not json", "application/json"),
            (b"[1, 2]", "application/json"),
            (b'{"text": 12}', "application/json"),
            (b'{"vote": "up", "turn": "1"}', "application/json"),
            (b'{"text": "hi"}', "text/plain"),
            (b'{"text": "' + b"a" * MAX_BODY + b'"}', "application/json"),
        ],
    )  # fmt: skip
    async def test_a_request_the_page_would_never_send_gets_a_line_for_a_reader(
        self, web: Harness, content: bytes, content_type: str
    ) -> None:
        """Bad JSON, the wrong shape, the wrong type or an oversize body: 400 with a sentence, never a traceback."""
        response = await web.client.post("/api/message", content=content, headers={"Content-Type": content_type})
        assert response.status_code == 400
        assert response.json()["error"]

    async def test_a_session_that_sends_too_fast_is_told_how_long_to_wait(self, tmp_path: Path, brain: Brain) -> None:
        """Past its budget a session gets 429, a Retry-After and a sentence in the reader's language."""
        async for web in _harness(tmp_path, brain, WebSettings(per_session=3)):
            browser = web.browser("en")
            statuses = [(await browser.send({"hello": True})).status_code for _ in range(4)]
            assert statuses == [200, 200, 200, 429]
            refused = await browser.send({"hello": True})
            assert int(refused.headers["retry-after"]) >= 1
            assert "wait" in refused.json()["error"]
            assert (await web.browser().send({"hello": True})).status_code == 200

    async def test_an_address_that_sends_too_fast_is_held_whatever_its_sessions(
        self, tmp_path: Path, brain: Brain
    ) -> None:
        """A flood of fresh sessions from one address is held by the address's budget."""
        async for web in _harness(tmp_path, brain, WebSettings(per_address=5)):
            statuses = [(await web.browser().send({"hello": True})).status_code for _ in range(6)]
            assert statuses == [200] * 5 + [429]


class TestPage:
    """The page itself: self-contained, labelled in the browser's language, every value escaped."""

    async def test_the_page_follows_the_browser_language(self, web: Harness) -> None:
        """`<html lang>`, the title and the labels come in the browser's language."""
        english = (await web.client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})).text
        chinese = (await web.client.get("/", headers={"Accept-Language": "zh-CN"})).text
        assert '<html lang="en"' in english
        assert "Your question" in english
        assert '<html lang="zh-CN"' in chinese
        assert "您的问题" in chinese
        assert "<title>" in chinese

    async def test_the_page_loads_nothing_from_another_site(self, web: Harness) -> None:
        """No CDN, no outside font: every script and style is the server's own, and its files are served."""
        page = (await web.client.get("/")).text
        assert "http://" not in page
        assert "https://" not in page
        assert "<script>" not in page
        for path in ("/static/chat.js", "/static/chat.css", "/widget.js"):
            assert (await web.client.get(path)).status_code == 200

    def test_the_article_block_is_escaped_in_the_page(self) -> None:
        """A bot name holding markup is shown as text."""
        data = yaml.safe_load(FAQ.read_text(encoding="utf-8"))
        data["article"]["bot"]["en"] = '<script>alert("x")</script> & "Co"'
        knowledge = parse_knowledge(yaml.safe_dump(data, allow_unicode=True).encode(), "escaped.yaml")
        page = page_html(knowledge, "en")
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Co&quot;" in page

    @pytest.mark.parametrize(
        ("header", "lang"),
        [("zh-CN,zh;q=0.9,en;q=0.8", "zh"), ("en-US,en;q=0.9,zh;q=0.8", "en"), ("fr-FR,fr;q=0.9,en;q=0.5", "en"),
         ("de, zh-TW;q=0.3", "zh"), ("en;q=0.2, zh;q=0.7", "zh"), ("fr", None), ("", None), ("en;q=0", None)],
    )  # fmt: skip
    def test_the_browser_language_is_the_first_of_ours_by_preference(self, header: str, lang: str | None) -> None:
        """Accept-Language picks Chinese or English by weight; a browser preferring neither gets the default."""
        assert browser_language(header) == lang


class TestLimits:
    """Budgets refill steadily and forget whoever has stopped sending."""

    def test_a_budget_refills_at_its_rate(self) -> None:
        """Sixty a minute: sixty at once, then one a second."""
        now = [0.0]
        budget = Budget(60, clock=lambda: now[0])
        for _ in range(60):
            assert budget.wait("a") == 0
            budget.spend("a")
        assert budget.wait("a") == pytest.approx(1.0)
        now[0] += 1.0
        assert budget.wait("a") == 0

    def test_a_refilled_budget_is_forgotten(self) -> None:
        """Memory holds only those still paying off a burst."""
        now = [0.0]
        budget = Budget(60, clock=lambda: now[0])
        budget.spend("a")
        assert len(budget) == 1
        now[0] += 2.0
        assert budget.wait("a") == 0
        assert len(budget) == 0

    def test_a_refused_message_costs_nothing(self) -> None:
        """Waiting is not punished: a refusal spends neither budget."""
        now = [0.0]
        limits = Limits(per_session=1, per_address=10, clock=lambda: now[0])
        assert limits.admit("s", "a") == 0
        assert limits.admit("s", "a") == 60
        assert limits.addresses.wait("a") == 0
        now[0] += 60
        assert limits.admit("s", "a") == 0


class TestSessions:
    """Chats of channels without integer ids get integers no Telegram chat can have."""

    def test_web_chat_numbers_are_stable_distinct_and_above_any_telegram_id(self) -> None:
        """The same session always maps to the same number, within the web's own block of 64-bit integers."""
        numbers = {chat_number("web", f"chat{n}") for n in range(1000)}
        assert len(numbers) == 1000
        assert all(CHANNEL_BLOCK <= n < 2 * CHANNEL_BLOCK for n in numbers)
        assert chat_number("web", "chat1") == chat_number("web", "chat1")
        assert chat_number("wechat", "chat1") >= 2 * CHANNEL_BLOCK
        assert 2 * CHANNEL_BLOCK + CHANNEL_BLOCK < 1 << 63


class TestSettings:
    """The page's settings: defaults that serve nothing from `run`, and one line for a bad value."""

    def test_the_defaults(self) -> None:
        """`web` listens on 127.0.0.1:8080; `run` serves no page unless WEB_PORT is set."""
        web = Settings.from_env({}).web
        assert (web.host, web.port, web.listen_port) == ("127.0.0.1", None, 8080)
        assert Settings.from_env({"WEB_PORT": "9000"}).web.port == 9000

    @pytest.mark.parametrize(
        ("env", "says"),
        [({"WEB_PORT": "http"}, "WEB_PORT 'http' is not a port number"),
         ({"WEB_SESSION_PER_MINUTE": "0"}, "WEB_SESSION_PER_MINUTE '0' is not a whole number"),
         ({"WEB_ADDRESS_PER_MINUTE": "lots"}, "WEB_ADDRESS_PER_MINUTE 'lots' is not a whole number"),
         ({"WEB_MAX_CONNECTIONS": "-1"}, "WEB_MAX_CONNECTIONS '-1' is not a whole number"),
         ({"WEB_FRAME_ANCESTORS": "javascript:x"}, "WEB_FRAME_ANCESTORS 'javascript:x' is not"),
         ({"WEB_PORT": "8080", "WEBHOOK_URL": "https://bot.example/hook"},
          "WEBHOOK_URL 'https://bot.example/hook': with WEB_PORT set")],
    )  # fmt: skip
    def test_a_bad_value_is_one_line(self, env: dict[str, str], says: str) -> None:
        """Each names the variable and what it takes."""
        with pytest.raises(SettingsError) as refused:
            Settings.from_env(env)
        assert str(refused.value).startswith(says)

    async def test_framing_is_limited_to_the_sites_named(self, tmp_path: Path, brain: Brain) -> None:
        """WEB_FRAME_ANCESTORS becomes the policy's frame-ancestors."""
        settings = replace(WebSettings(), frame_ancestors="https://www.example.gov.cn")
        async for web in _harness(tmp_path, brain, settings):
            policy = (await web.client.get("/")).headers["content-security-policy"]
            assert policy.endswith("frame-ancestors https://www.example.gov.cn")
