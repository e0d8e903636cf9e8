"""Property-based tests: any text at all gives a reply Telegram accepts, and never an exception."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answering import Brain
from bot.markup import MAX_MESSAGE, render
from bot.normalise import detect_language, fold, query_units, stop_spans
from bot.reply import render_plain
from tests.conftest import FAQ

BRAIN = Brain.load(FAQ)
TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler",
                 "span", "blockquote"}  # fmt: skip

awkward = st.sampled_from(
    ["\u200b", "\u200f", "\u202e", "\ufeff", "\x00", "\x1b[31m", "<b>", "</i>", "&amp;", "**", "__", "`", "[a](b)",
     "😀", "👍🏽", "👨‍👩‍👧", "ﷺ", "עברית", "العربية", "党小组", "875", "36.5万亩", "\n", "\t", "　", "％", "？"]
)  # fmt: skip
messages = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(awkward, st.text(max_size=5)), max_size=40).map("".join),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=4000, max_size=4096),
)


class _Checker(HTMLParser):
    """Accepts only the tags Telegram's HTML mode knows, properly nested."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002 - HTMLParser calls it so
        assert tag in TELEGRAM_TAGS, tag
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open, f"</{tag}> closes nothing"
        assert self.open.pop() == tag, tag


def _valid_telegram_html(text: str) -> None:
    checker = _Checker()
    checker.feed(text)
    checker.close()
    assert checker.open == []
    assert 0 < len(text) <= MAX_MESSAGE


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages)
def test_any_message_gets_a_reply_telegram_accepts(text: str) -> None:
    """Whatever is sent (emoji, zero-width, control and RTL characters, HTML and Markdown look-alikes,
    4,096 characters), the bot decides, and its reply is valid Telegram HTML within the length limit."""
    decision, reply = BRAIN.respond(text)
    assert decision.kind in ("answer", "ask-back", "decline", "unexplained", "small-talk")
    rendered = render(BRAIN.knowledge, reply)
    _valid_telegram_html(rendered.text)
    assert render_plain(reply).strip()
    if rendered.keyboard is not None:
        for row in rendered.keyboard.inline_keyboard:
            for button in row:
                assert len(str(button.callback_data).encode()) <= 64


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_normalisation_is_total_and_stable(text: str) -> None:
    """Folding is idempotent, and splitting into units and finding question words never fails."""
    assert fold(fold(text)) == fold(text)
    lang = detect_language(text) or "zh"
    pieces = query_units(text, lang)
    assert stop_spans(pieces, lang) <= set(range(len(pieces)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages)
def test_rankings_are_ordered_bounded_and_distinct(text: str) -> None:
    """Any text ranks entries best first, each once, with scores between 0 and 100."""
    ranked = BRAIN.matcher.rank(text).candidates
    scores = [candidate.score for candidate in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= score <= 100 for score in scores)
    assert len({candidate.entry.id for candidate in ranked}) == len(ranked)
