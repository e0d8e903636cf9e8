"""A real browser and a real `python -m bot web` for the page's tests, and the README's screenshot.

Chromium and chromedriver are Debian's (`.ci/run` installs them), driven through selenium with no
download at run time. `python -m tests.e2e.browser PATH` takes the README's screenshot from a
real run: a phone-sized page after a few turns.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.wait import WebDriverWait

from tests.e2e.user import ROOT, free_port, wait_for

WAIT = 30.0
"""Seconds a test waits for what the page should show far sooner (a restart's retries included)."""
PHONE = (375, 740)


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    for binary in ("chromium", "chromedriver"):
        if shutil.which(binary) is None:
            return f"{binary} is not installed (Debian: apt-get install chromium chromium-driver)"
    return None


def chromium(language: str = "zh-CN") -> webdriver.Chrome:
    """Headless Chromium whose Accept-Language is `language`."""
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,900"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    options.binary_location = shutil.which("chromium") or "chromium"
    return webdriver.Chrome(service=Service(shutil.which("chromedriver") or "chromedriver"), options=options)


def as_phone(driver: webdriver.Chrome) -> None:
    """Make the viewport a 375 px wide phone screen (a window cannot be made that narrow headless)."""
    width, height = PHONE
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 2, "mobile": True}
    )


class WebServer:
    """`python -m bot web` on a local port, with its own DATA_DIR; started and stopped by the test."""

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.log = data_dir / "web.log"
        self.process: subprocess.Popen[str] | None = None
        self._starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> WebServer:
        env = {**os.environ, "DATA_DIR": str(self.data_dir), "WEB_PORT": str(self.port), "TELEGRAM_BOT_TOKEN": "",
               "FAQ_FILE": str(ROOT / "knowledge" / "faq.yaml")}  # fmt: skip
        with self.log.open("a") as output:  # the child keeps its own copy of the file
            process = subprocess.Popen([sys.executable, "-m", "bot", "web"], cwd=ROOT, env=env, stdout=output,
                                       stderr=subprocess.STDOUT, text=True)  # fmt: skip
        self.process = process
        serving = f"serving the web page at http://127.0.0.1:{self.port}/"
        wait_for(lambda: self.log.read_text().count(serving) > self._starts or process.poll() is not None, 60,
                 "the web page to be served")  # fmt: skip
        assert process.poll() is None, self.log.read_text()
        self._starts += 1
        return self

    def stop(self) -> int:
        """SIGTERM, and the exit status."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class Page:
    """The chat page in a browser, read and driven through its markup contract only."""

    def __init__(self, driver: webdriver.Chrome) -> None:
        self.driver = driver

    def open(self, url: str) -> Page:
        """A fresh session on the page, once its greeting is shown."""
        self.driver.get(url)
        self.driver.execute_script("sessionStorage.clear()")
        self.driver.get(url)
        self.wait(lambda: len(self.bot_messages()) >= 1, "the greeting")
        return self

    def wait(self, condition: Callable[[], bool], what: str) -> None:
        WebDriverWait(self.driver, WAIT, poll_frequency=0.05).until(lambda _: condition(), what)

    def log(self) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, '[role="log"]')

    def bot_messages(self) -> list[WebElement]:
        return self.log().find_elements(By.CSS_SELECTOR, '[data-from="bot"]')

    def user_messages(self) -> list[WebElement]:
        return self.log().find_elements(By.CSS_SELECTOR, '[data-from="user"]')

    def ask(self, text: str) -> WebElement:
        """Type `text` in the labelled box, press Enter, and wait for the bot's next message."""
        before = len(self.bot_messages())
        box = self.driver.find_element(By.ID, "question")
        box.send_keys(text, Keys.ENTER)
        return self.next_reply(before)

    def tap(self, button: WebElement) -> WebElement:
        """Tap a button and wait for the bot's next message."""
        before = len(self.bot_messages())
        button.click()
        return self.next_reply(before)

    def next_reply(self, before: int) -> WebElement:
        self.wait(lambda: len(self.bot_messages()) > before and self._idle(), "the bot's reply")
        return self.bot_messages()[-1]

    def _idle(self) -> bool:
        return bool(self.driver.find_element(By.ID, "send").is_enabled())

    @staticmethod
    def options(message: WebElement) -> list[WebElement]:
        """The numbered options of a bot message."""
        return message.find_elements(By.CSS_SELECTOR, ".options:not(.examples):not(.related) button")


def screenshot(path: Path) -> None:
    """The README's picture: a phone-sized page after a question, a follow-up and a detail the article leaves out."""
    data = Path(os.environ.get("TMPDIR", "/tmp")) / f"faqbot-screenshot-{os.getpid()}"
    data.mkdir(parents=True, exist_ok=True)
    server = WebServer(data).start()
    driver = chromium("zh-CN")
    try:
        as_phone(driver)
        page = Page(driver).open(server.url)
        page.ask("孝昌县有多少个党小组？")
        page.ask("那党员中心户呢")
        page.ask("太子米多少钱一斤")
        driver.save_screenshot(str(path))
    finally:
        driver.quit()
        server.stop()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    screenshot(Path(sys.argv[1] if len(sys.argv) > 1 else "knowledge/web-example.png"))
