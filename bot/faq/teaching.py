"""Filing questions into the FAQ file's text, as an admin teaches the bot from what it could not answer.

A question filed under an entry becomes one of its example questions (`ask`, or `en: ask` for an
English question); one filed as not in the article goes into `declined`, the questions the bot
declines together with those typed like them. The file is edited where its list stands, so its
comments and layout stay as the editor left them; the result is reviewed (schema and self-check)
and applied like any upload, so a question that would make another entry's examples fail is
refused with the self-check's reason. Used by /unanswered in Telegram and by `python -m bot teach`.
Imports nothing from `telegram`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.faq.knowledge import KnowledgeBase
from bot.language import Lang
from bot.texts import Phrase, phrase

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DECLINED_HEAD = (
    "\n# 文章没有答案的问题 / Questions the article does not answer: the bot declines them, and those\n"
    "# typed like them. Filed from /unanswered or with `python -m bot teach`.\n"
)
"""The comment over a `declined:` section the first filing adds."""


@dataclass(frozen=True)
class Lesson:
    """One question an admin filed: under an entry (`entry`), or as not in the article (`entry` None)."""

    question: str
    lang: Lang
    entry: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The lesson as a JSON object, as a teaching review keeps it."""
        return {"question": self.question, "lang": self.lang, "entry": self.entry}


class TeachingError(Exception):
    """A question that cannot be filed as asked; `reason` says why, in either language."""

    def __init__(self, reason: Phrase) -> None:
        super().__init__(reason("en"))
        self.reason = reason


def lessons_to_json(lessons: Sequence[Lesson]) -> str:
    """Lessons as the JSON a teaching review keeps."""
    return json.dumps([lesson.as_json() for lesson in lessons], ensure_ascii=False)


def lessons_from_json(text: str) -> list[Lesson]:
    """Lessons from the JSON a teaching review keeps (unreadable items are left out)."""
    found = []
    for item in json.loads(text or "[]"):
        if isinstance(item, dict) and isinstance(item.get("question"), str):
            lang: Lang = "en" if item.get("lang") == "en" else "zh"
            entry = item.get("entry")
            found.append(Lesson(item["question"], lang, entry if isinstance(entry, str) else None))
    return found


def tidy(question: str) -> str:
    """A question as it goes into the file: on one line, without the spaces around it."""
    return " ".join(question.split())


def check(knowledge: KnowledgeBase, lesson: Lesson) -> None:
    """Raise `TeachingError` when a lesson cannot be filed into this FAQ: no such entry, or already filed there."""
    question = tidy(lesson.question)
    if not question:
        raise TeachingError(phrase("teach_empty"))
    if lesson.entry is None:
        if question in {q for q, _ in knowledge.declined_in(lesson.lang)}:
            raise TeachingError(phrase("teach_already_declined", question=question))
        return
    entry = knowledge.by_id.get(lesson.entry)
    if entry is None:
        raise TeachingError(phrase("teach_no_entry", id=lesson.entry))
    if question in (*entry.questions_in(lesson.lang), *entry.asked_in(lesson.lang)):
        raise TeachingError(phrase("teach_already_there", question=question, title=entry.title_in(lesson.lang)))


def file_lessons(raw: bytes, lessons: Sequence[Lesson]) -> bytes:
    """The FAQ file's bytes with each lesson filed, in order; the rest of the file as it was."""
    text = raw.decode("utf-8")
    for lesson in lessons:
        text = file_lesson(text, lesson)
    return text.encode("utf-8")


def file_lesson(text: str, lesson: Lesson) -> str:
    """The FAQ file's text with one question added to an entry's examples or to `declined`.

    The text must be a valid FAQ (it is the one in use); raises `TeachingError` when the entry
    is not in it.
    """
    root = yaml.compose(text, Loader=_LOADER)
    if not isinstance(root, MappingNode):
        raise TeachingError(phrase("teach_no_entry", id=lesson.entry or ""))
    quoted = json.dumps(tidy(lesson.question), ensure_ascii=False)
    if lesson.entry is None:
        return _decline(text, root, lesson.lang, quoted)
    entries = _value(root, "entries")
    entry = None
    if isinstance(entries, SequenceNode):
        entry = next((item for item in entries.value if _id_of(item) == lesson.entry), None)
    if not isinstance(entry, MappingNode):
        raise TeachingError(phrase("teach_no_entry", id=lesson.entry))
    holder = entry if lesson.lang == "zh" else _value(entry, "en")
    if not isinstance(holder, MappingNode):
        raise TeachingError(phrase("teach_no_entry", id=lesson.entry))
    asked = _value(holder, "asked")
    if isinstance(asked, SequenceNode):
        return _append(text, asked, quoted)
    if asked is not None:
        raise TeachingError(phrase("teach_asked_unreadable", id=lesson.entry))
    return _add_key(text, holder, "asked", quoted)


def _value(mapping: Node | None, key: str) -> Node | None:
    if not isinstance(mapping, MappingNode):
        return None
    return next((v for k, v in mapping.value if isinstance(k, ScalarNode) and k.value == key), None)


def _id_of(item: Node) -> str | None:
    found = _value(item, "id")
    return str(found.value) if isinstance(found, ScalarNode) else None


def _line_end(text: str, index: int) -> int:
    """The index just after the line break of the line holding `index` (the text's end if none)."""
    end = text.find("\n", index)
    return len(text) if end < 0 else end + 1


def _tail(text: str, node: Node) -> int:
    """Where to write after a block node: past the line of its last scalar (a block mapping's or list's own
    end lies where the next thing begins, comments and all)."""
    while isinstance(node, (MappingNode, SequenceNode)) and not node.flow_style and node.value:
        node = node.value[-1][1] if isinstance(node, MappingNode) else node.value[-1]
    end = node.end_mark
    return end.index if end.column == 0 else _line_end(text, end.index)


def _append(text: str, sequence: SequenceNode, quoted: str) -> str:
    """Add an item at the end of a list, written as the list is (`[a, b]` or one `- a` per line)."""
    if sequence.flow_style or not sequence.value:
        close = text.rfind("]", 0, sequence.end_mark.index)
        if close < 0:  # an empty block list cannot be written; the schema requires items anyway
            raise TeachingError(phrase("teach_no_entry", id=""))
        return text[:close] + (", " if sequence.value else "") + quoted + text[close:]
    first, last = sequence.value[0], sequence.value[-1]
    line_start = text.rfind("\n", 0, first.start_mark.index) + 1
    prefix = text[line_start : first.start_mark.index]
    if prefix.strip() != "-":
        prefix = " " * max(0, first.start_mark.column - 2) + "- "
    at = _tail(text, last)
    before = text[:at] if text[:at].endswith("\n") or not text[:at] else text[:at] + "\n"
    return before + prefix + quoted + "\n" + text[at:]


def _add_key(text: str, mapping: MappingNode, key: str, quoted: str) -> str:
    """Add `key: [quoted]` as a list of one item at the end of a mapping, written as the mapping is."""
    if mapping.flow_style:
        close = text.rfind("}", 0, mapping.end_mark.index)
        if close < 0:
            raise TeachingError(phrase("teach_declined_unreadable"))
        return text[:close] + f", {key}: [{quoted}]" + text[close:]
    first_key = mapping.value[0][0]
    indent = " " * first_key.start_mark.column
    at = _tail(text, mapping)
    before = text[:at] if text[:at].endswith("\n") else text[:at] + "\n"
    return f"{before}{indent}{key}:\n{indent}  - {quoted}\n{text[at:]}"


def _decline(text: str, root: MappingNode, lang: Lang, quoted: str) -> str:
    """Add a question to `declined.<lang>`, making the list (or the whole section) where it is missing."""
    declined = _value(root, "declined")
    if declined is None:
        body = text if text.endswith("\n") else text + "\n"
        return f"{body}{DECLINED_HEAD}declined:\n  {lang}:\n    - {quoted}\n"
    if not isinstance(declined, MappingNode):
        raise TeachingError(phrase("teach_declined_unreadable"))
    listed = _value(declined, lang)
    if isinstance(listed, SequenceNode):
        return _append(text, listed, quoted)
    if listed is not None:
        raise TeachingError(phrase("teach_declined_unreadable"))
    if not declined.value:
        close = text.rfind("}", 0, declined.end_mark.index)
        if close < 0:
            raise TeachingError(phrase("teach_declined_unreadable"))
        return text[:close] + f"{lang}: [{quoted}]" + text[close:]
    return _add_key(text, declined, lang, quoted)
