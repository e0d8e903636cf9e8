"""What changed between two FAQ versions, as admins read it after a reload and in a review."""

from __future__ import annotations

import re

from bot.core.brain import Brain
from bot.faq.diff import diff
from bot.faq.knowledge import KnowledgeBase, parse_knowledge
from tests.conftest import FAQ

TEXT = FAQ.read_text(encoding="utf-8")


def _faq(text: str) -> KnowledgeBase:
    return parse_knowledge(text.encode("utf-8"), "faq.yaml")


def _without_last_entry(text: str) -> str:
    starts = [m.start() for m in re.finditer(r"^  - id: ", text, re.MULTILINE)]
    return text[: starts[-1]]


def test_the_same_faq_has_no_changes(brain: Brain) -> None:
    """A file compared with itself (or with another layout of it) shows nothing."""
    changes = diff(brain.knowledge, _faq(TEXT.replace("\n\n", "\n\n\n")))
    assert changes.empty
    assert changes.lines("zh") == []
    assert changes.summary() == "no change in content"


def test_a_changed_figure_is_named_with_its_old_and_new_value(brain: Brain) -> None:
    """875 -> 876 names the entry, the parts that changed and the figure in each language."""
    changes = diff(brain.knowledge, _faq(TEXT.replace("875", "876")))
    assert changes.summary() == "+0 -0 ~1 entries, 1 figure change(s)"
    assert changes.lines("zh") == ["修改「纵向深化」：摘要；回答；英文；数据 党小组 875个 → 党小组 876个"]
    assert changes.lines("en") == [
        "Changed “Deepening vertically”: summary; answer; English; figure 875 Party groups → 876 Party groups"
    ]


def test_added_and_removed_entries_are_listed_by_title(brain: Brain) -> None:
    """Dropping the last entry reads as one removal, and the reverse as one addition."""
    smaller = _faq(_without_last_entry(TEXT))
    removed = diff(brain.knowledge, smaller)
    last = brain.knowledge.entries[-1]
    assert removed.lines("zh") == [f"删除 1 条：{last.title}"]
    assert diff(smaller, brain.knowledge).lines("en") == [f"Added 1: {last.en.title}"]


def test_changes_outside_the_entries_are_named(brain: Brain) -> None:
    """A new synonym changes no entry but is reported as a change of the synonyms."""
    changes = diff(brain.knowledge, _faq(TEXT.replace("    信访: [上访,", "    信访: [上访, 信访户,")))
    assert changes.lines("zh") == ["其他：同义词"]
    assert changes.settings == ("synonyms",)
