"""Property-based tests: any text at all gives a reply Telegram accepts, and never an exception."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.conversation.replies import Said
from bot.conversation.state import Who
from bot.conversation.turns import said_for
from bot.core.focus import Focus
from bot.core.normalise import detect_language, fold, query_units, stop_spans
from bot.core.reply import answer_reply, full_reply, render_plain
from bot.faq.knowledge import LIMITS, MAX_LIST_ITEMS, English, Entry, Figure, ItemList, Unexplained
from bot.language import LANGS, Lang
from bot.tg.markup import MAX_MESSAGE, render, telegram_length
from tests.conftest import shipped_brain

BRAIN = shipped_brain()
PRIVATE = Who("telegram", "7", "7")
GROUP = Who("telegram", "-100", "7", group=True)
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
    assert 0 < telegram_length(text) <= MAX_MESSAGE


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages)
def test_any_message_gets_a_reply_telegram_accepts(text: str) -> None:
    """Whatever is sent (emoji, zero-width, control and RTL characters, HTML and Markdown look-alikes,
    4,096 characters), the bot decides, and its reply is valid Telegram HTML within the length limit."""
    decision, reply = BRAIN.respond(text)
    assert decision.kind in ("answer", "ask-back", "decline", "unexplained", "small-talk")
    for place in (PRIVATE, GROUP):
        rendered = render(BRAIN.knowledge, said_for(place, decision, reply, text))
        _valid_telegram_html(rendered.text)
        if rendered.keyboard is not None:
            for row in rendered.keyboard.inline_keyboard:
                for button in row:
                    assert len(str(button.callback_data).encode()) <= 64
    assert render_plain(reply).strip()


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


@cache
def _bounded(kind: str, lang: str, min_size: int = 1) -> st.SearchStrategy[str]:
    """Text up to the FAQ's bound for one kind of field, heavy in what escaping lengthens (made once per
    field: a strategy built afresh at every draw is validated afresh, most of this test's time)."""
    limit = LIMITS[kind].zh if lang == "zh" else LIMITS[kind].en
    letters = st.one_of(
        st.sampled_from("<>&\"'党小组875…；、 \n"), st.characters(codec="utf-8", exclude_categories=["Cs"])
    )
    # a short piece repeated to the bound: long fields without a long draw
    at_limit = st.text(alphabet=letters, min_size=1, max_size=8).map(lambda piece: (piece * limit)[:limit])
    return st.one_of(st.text(alphabet=letters, min_size=min_size, max_size=limit), at_limit)


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    """Any entry the validator's bounds allow: every field up to its limit, many figures and full lists."""

    def item_list() -> ItemList:
        count = draw(st.one_of(st.just(MAX_LIST_ITEMS), st.integers(1, MAX_LIST_ITEMS)))  # the bound, often
        return ItemList(
            name=draw(_bounded("list name", "zh")),
            items=tuple(draw(_bounded("list item", "zh")) for _ in range(count)),
            en_name=draw(_bounded("list name", "en")),
            en_items=tuple(draw(_bounded("list item", "en")) for _ in range(count)),
            partial=draw(st.booleans()),
        )

    figures = tuple(
        Figure(value=str(draw(st.integers(0, 10**9))), unit=draw(st.sampled_from(["个", "万亩", "名", "%"])),
               what=draw(_bounded("figure", "zh")), en=draw(_bounded("figure", "en")), plus=draw(st.booleans()))
        for _ in range(draw(st.integers(0, 8)))
    )  # fmt: skip
    line = draw(st.sampled_from(sorted(BRAIN.knowledge.lines)))
    return Entry(
        id="generated",
        title=draw(_bounded("title", "zh")),
        answer=draw(_bounded("answer", "zh")),
        questions=("问题",),
        en=English(
            title=draw(_bounded("title", "en")),
            answer=draw(_bounded("answer", "en")),
            questions=("question",),
            summary=draw(_bounded("summary", "en", 0)),
        ),
        line=line,
        figures=figures,
        summary=draw(_bounded("summary", "zh", 0)),
        lists=tuple(item_list() for _ in range(draw(st.one_of(st.just(4), st.integers(0, 4))))),
        unexplained=(Unexplained(zh=draw(_bounded("term", "zh")), en=draw(_bounded("term", "en"))),),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(entries(), st.sampled_from(LANGS))
def test_every_reply_of_any_valid_entry_is_whole_html_within_the_limit(entry: Entry, lang: Lang) -> None:
    """For any entry within the FAQ's bounds, however long its fields and however full of `<` and `&`,
    every reply about it (summary, each focus, whole lists, full text, menu page) is valid Telegram
    HTML of at most 4,096 characters: a cut never falls inside a tag or an entity."""
    knowledge = replace(BRAIN.knowledge, entries=(*BRAIN.knowledge.entries, entry))
    focuses = [
        Focus(),
        Focus(figures=entry.figures),
        Focus(lists=entry.lists),
        Focus(sentences=(entry.text(lang),)),
    ]
    replies = [answer_reply(knowledge, entry, lang, focus) for focus in focuses]
    replies.append(full_reply(knowledge, entry, lang))
    for reply in replies:
        for in_menu in (False, True):
            _valid_telegram_html(render(knowledge, Said("answer", lang, reply, in_menu=in_menu)).text)
