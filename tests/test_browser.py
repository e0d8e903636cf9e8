"""The web chat page in a real browser: headless Chromium against the real `python -m bot web`.

The tests read and drive the page only through its markup contract: the conversation is the
element with `role="log"`, each message carries `data-from`, options are buttons inside the
bot's message, and the labelled text box sends on Enter.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from tests.conftest import missing
from tests.e2e.browser import PHONE, WAIT, Page, WebServer, as_phone, browser_missing, chromium


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    if (reason := browser_missing()) is not None:
        missing(reason)
    running = WebServer(tmp_path_factory.mktemp("web")).start()
    yield running
    running.kill()


@pytest.fixture(scope="module")
def driver() -> Iterator[webdriver.Chrome]:
    if (reason := browser_missing()) is not None:
        missing(reason)
    browser = chromium("zh-CN")
    yield browser
    browser.quit()


@pytest.fixture
def page(driver: webdriver.Chrome, server: WebServer) -> Page:
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    return Page(driver).open(server.url)


class TestMarkup:
    """What any browser test can rely on."""

    def test_the_page_keeps_its_markup_contract(self, page: Page) -> None:
        """A polite live log, a labelled box, a language and a title, and a greeting with buttons to tap."""
        driver = page.driver
        log = page.log()
        assert log.get_attribute("aria-live") == "polite"
        box = driver.find_element(By.ID, "question")
        label = driver.find_element(By.CSS_SELECTOR, 'label[for="question"]')
        assert box.is_displayed()
        assert label.text == "您的问题"
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
        assert driver.title
        (greeting,) = page.bot_messages()
        assert greeting.find_elements(By.TAG_NAME, "button")


class TestConversation:
    """A person's questions, taps and follow-ups, as on Telegram."""

    def test_a_chinese_question_is_answered_with_the_asked_fact_first(self, page: Page) -> None:
        """The reply's first line after its title is the asked figure."""
        reply = page.ask("孝昌县有多少个党小组？")
        assert reply.find_element(By.CSS_SELECTOR, ".lead").text == "党小组 875个"
        assert page.user_messages()[-1].text == "孝昌县有多少个党小组？"

    def test_an_english_question_is_answered_in_english(self, page: Page) -> None:
        """Language follows what the person writes, though the browser asked for Chinese; the asked
        figure comes before the measure's long English title."""
        reply = page.ask("How many Party groups are there?")
        assert "875 Party groups" in reply.text
        assert "Full text" in reply.text
        parts = reply.find_elements(By.CSS_SELECTOR, ".body > *")
        assert parts[0].get_attribute("class") == "lead"
        assert parts[-1].get_attribute("class") == "title"

    def test_a_wrong_premise_is_corrected_first(self, page: Page) -> None:
        """党小组有900个吗 gets 不是 and the article's figure before anything else."""
        reply = page.ask("党小组有900个吗")
        first = reply.find_elements(By.CSS_SELECTOR, ".body > *")[0]
        assert first.get_attribute("class") == "verdict"
        assert first.text.startswith("不是")
        assert "875" in first.text

    def test_a_did_you_mean_is_answered_by_a_tap(self, page: Page) -> None:
        """Tapping the second numbered option opens that entry."""
        offered = page.ask("Fengshan")
        options = page.options(offered)
        assert [option.text[:3] for option in options] == ["1. ", "2. "]
        title = options[1].text[3:]
        reply = page.tap(options[1])
        assert reply.find_element(By.CSS_SELECTOR, ".title").text.startswith(title)

    def test_a_did_you_mean_is_answered_by_a_typed_number(self, page: Page) -> None:
        """Typing 2 picks the second option, as on Telegram."""
        offered = page.ask("Fengshan")
        title = page.options(offered)[1].text[3:]
        reply = page.ask("2")
        assert reply.find_element(By.CSS_SELECTOR, ".title").text.startswith(title)

    def test_a_follow_up_is_read_against_the_last_answer(self, page: Page) -> None:
        """那党员中心户呢 after a question about Party groups gives the other figure."""
        page.ask("孝昌县有多少个党小组？")
        reply = page.ask("那党员中心户呢")
        assert reply.find_element(By.CSS_SELECTOR, ".lead").text == "党员中心户 3100余名"

    def test_the_full_text_opens_in_place_and_a_vote_is_thanked(self, page: Page) -> None:
        """全文 replaces the answer's body with the whole paragraph; 👍 gets a thank-you note."""
        reply = page.ask("孝昌县有多少个党小组？")
        short = reply.find_element(By.CSS_SELECTOR, ".body").text
        reply.find_element(By.CSS_SELECTOR, "button.full").click()
        page.wait(lambda: reply.find_element(By.CSS_SELECTOR, ".body").text != short, "the full text")
        assert len(reply.find_element(By.CSS_SELECTOR, ".body").text) > len(short)
        note = page.tap(reply.find_elements(By.CSS_SELECTOR, "button.vote")[0])
        assert note.text == "谢谢您的反馈！"


class TestSafety:
    """What a person types is shown as text."""

    def test_markup_typed_by_a_person_is_shown_as_text(self, page: Page) -> None:
        """Tags and a script in a question appear literally; no element is made from them and nothing runs."""
        typed = '<img src=x onerror="document.title=\'pwned\'"><b>bold</b><script>document.title="pwned"</script>'
        title = page.driver.title
        page.ask(typed)
        shown = page.user_messages()[-1]
        assert shown.get_attribute("textContent") == typed
        assert page.log().find_elements(By.CSS_SELECTOR, "img, b, script") == []
        assert page.driver.title == title


class TestPhone:
    """The page at a phone's width."""

    def test_at_375_pixels_nothing_scrolls_sideways(self, page: Page) -> None:
        """After an answer, a long unbroken question, the topics and a question back, the page is no wider than
        the screen."""
        as_phone(page.driver)
        assert page.driver.execute_script("return window.innerWidth") == PHONE[0]
        page.ask("孝昌县有多少个党小组？")
        page.ask("https://example.org/" + "a" * 200)
        page.tap(page.bot_messages()[-1].find_element(By.CSS_SELECTOR, "button.topics"))
        page.ask("Fengshan")
        widths = page.driver.execute_script(
            "const e = document.documentElement; return [e.scrollWidth, e.clientWidth, document.body.scrollWidth]"
        )
        assert widths[0] <= widths[1]
        assert widths[2] <= widths[1]


class TestEmbedding:
    """Another site shows the page."""

    def test_widget_js_opens_the_page_in_a_frame_on_another_site(
        self, driver: webdriver.Chrome, server: WebServer
    ) -> None:
        """A county site's page includes widget.js; its button opens the chat in a frame, where a question is
        answered (the policy lets any site frame it by default, and the session lives in the frame)."""
        host = f'<!doctype html><title>County</title><h1>County</h1><script src="{server.url}widget.js" defer></script>'
        with _site(host) as site:
            driver.get(site)
            opener = WebDriverWait(driver, WAIT).until(lambda d: d.find_element(By.CSS_SELECTOR, "body > button"))
            opener.click()
            frame = driver.find_element(By.TAG_NAME, "iframe")
            driver.switch_to.frame(frame)
            try:
                page = Page(driver)
                page.wait(lambda: len(page.bot_messages()) >= 1, "the greeting in the frame")
                assert "875" in page.ask("孝昌县有多少个党小组？").text
            finally:
                driver.switch_to.default_content()


@contextmanager
def _site(html: str) -> Iterator[str]:
    """Another site (another origin: its own port) serving one page."""
    body = html.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: ARG002 - quiet: the base class's signature
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    serving = threading.Thread(target=httpd.serve_forever, daemon=True)
    serving.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_the_page_carries_on_through_a_restart_of_the_server(tmp_path: Path) -> None:
    """A question back asked before the server restarts is answered by a typed number after it: the page
    retries while the server is away, and the conversation was kept in the store."""
    if (reason := browser_missing()) is not None:
        missing(reason)
    server = WebServer(tmp_path).start()
    driver = chromium("en-US")
    try:
        page = Page(driver).open(server.url)
        offered = page.ask("Fengshan")
        title = page.options(offered)[1].text[3:]
        assert server.stop() == 0
        before = len(page.bot_messages())
        page.driver.find_element(By.ID, "question").send_keys("2\n")
        server.start()
        page.wait(lambda: any(title in m.text for m in page.bot_messages()[before:]), "the pick after the restart")
        assert page.bot_messages()[-1].find_element(By.CSS_SELECTOR, ".title").text.startswith(title)
    finally:
        driver.quit()
        server.kill()
