"""What changed between two versions of the FAQ, in words an admin reads on a phone.

Entries are matched by id: added, removed, or changed (which of their parts, and each
figure added, removed or changed in value). Changes outside the entries (the article
block, lines of work, synonyms, generic words, details) are named, not itemised. Used
after every reload, in an upload's review and by `python -m bot diff`.
Imports nothing from `telegram`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.faq.knowledge import Entry, Figure, KnowledgeBase
from bot.language import Lang
from bot.texts import say

PARTS = ("title", "line", "summary", "answer", "questions", "keywords", "lists", "unexplained", "en")
"""The parts of an entry a change is reported for (named in `bot.texts` as `part_<name>`)."""
PART_TEXTS = {part: f"part_{part}" for part in PARTS}

SETTINGS = ("article", "lines", "generic", "synonyms", "details", "declined")
"""The parts of the FAQ outside the entries (named in `bot.texts` as `setting_<name>`)."""
SETTING_TEXTS = {name: f"setting_{name}" for name in SETTINGS}

_SUMMARY = re.compile(r"^\+(\d+) -(\d+) ~(\d+) entries(?:, (\d+) figure change\(s\))?(?:, (.+) changed)?$")
_SUMMARY_WORDS = {
    "no change in content": "summary_none",
    "loaded": "summary_loaded",
    "in use at start": "summary_start",
    "in use at start (the last good copy)": "summary_start_last_good",
}
"""The summaries the history keeps besides `FaqDiff.summary`'s, with their texts."""

SHOWN = 8
"""Entries listed per kind of change; more are counted."""


@dataclass(frozen=True)
class EntryChange:
    """How one entry differs between two versions."""

    id: str
    title: str
    en_title: str
    parts: tuple[str, ...]
    figures_added: tuple[Figure, ...] = ()
    figures_removed: tuple[Figure, ...] = ()
    figures_changed: tuple[tuple[Figure, Figure], ...] = ()
    questions_added: int = 0
    """Example questions added, in both languages together."""
    questions_removed: int = 0


@dataclass(frozen=True)
class FaqDiff:
    """Everything that differs between an old and a new FAQ."""

    added: tuple[Entry, ...]
    removed: tuple[Entry, ...]
    changed: tuple[EntryChange, ...]
    settings: tuple[str, ...]
    declined_added: int = 0
    """Questions filed as not in the article, added (both languages together)."""
    declined_removed: int = 0

    @property
    def empty(self) -> bool:
        """Whether the two versions answer alike (comments and layout may still differ)."""
        return not (self.added or self.removed or self.changed or self.settings)

    def summary(self) -> str:
        """One line for logs and the version history: `+1 -0 ~2 entries, figures 3`."""
        figures = sum(len(c.figures_added) + len(c.figures_removed) + len(c.figures_changed) for c in self.changed)
        text = f"+{len(self.added)} -{len(self.removed)} ~{len(self.changed)} entries"
        if figures:
            text += f", {figures} figure change(s)"
        if self.settings:
            text += f", {', '.join(self.settings)} changed"
        return text if not self.empty else "no change in content"

    def lines(self, lang: Lang) -> list[str]:
        """The changes as short lines in one language (empty when nothing changed)."""
        out: list[str] = []
        if self.added:
            out.append(say("diff_added", lang, count=len(self.added), titles=_titles(self.added, lang)))
        if self.removed:
            out.append(say("diff_removed", lang, count=len(self.removed), titles=_titles(self.removed, lang)))
        for change in self.changed[:SHOWN]:
            parts = [say(PART_TEXTS[part], lang) for part in change.parts] + _figure_lines(change, lang)
            title = change.title if lang == "zh" else change.en_title
            out.append(say("diff_changed", lang, title=title, parts=say("list_separator", lang).join(parts)))
        if len(self.changed) > SHOWN:
            out.append(say("diff_more_changed", lang, count=len(self.changed) - SHOWN))
        others = [name for name in self.settings if name != "declined"]
        if others:
            names = [say(SETTING_TEXTS[name], lang) for name in others]
            out.append(say("diff_settings", lang, names=say("list_separator", lang).join(names)))
        if "declined" in self.settings:
            out.append(say("diff_declined", lang, added=self.declined_added, removed=self.declined_removed))
        return out


def render_summary(summary: str, lang: Lang) -> str:
    """A version's summary as the history keeps it (`FaqDiff.summary`, or how it came in use), in one language;
    a summary this version does not know is shown as it is."""
    summary, _, back = summary.partition("; back to v")
    if back.isdigit():
        return render_summary(summary, lang) + say("summary_back_to", lang, number=back)
    if summary in _SUMMARY_WORDS:
        return say(_SUMMARY_WORDS[summary], lang)
    match = _SUMMARY.match(summary)
    if match is None:
        return summary
    added, removed, changed, figures, settings = match.groups()
    counted = (("summary_added", added), ("summary_removed", removed), ("summary_changed", changed),
               ("summary_figures", figures or "0"))  # fmt: skip
    parts = [say(key, lang, count=count) for key, count in counted if count != "0"]
    names = [say(SETTING_TEXTS[name], lang) for name in (settings or "").split(", ") if name in SETTING_TEXTS]
    if names:
        parts.append(say("summary_settings", lang, names=say("title_separator", lang).join(names)))
    return say("summary_separator", lang).join(parts) or say("summary_none", lang)


def diff(old: KnowledgeBase, new: KnowledgeBase) -> FaqDiff:
    """What differs between two validated FAQs."""
    added = tuple(e for e in new.entries if e.id not in old.by_id)
    removed = tuple(e for e in old.entries if e.id not in new.by_id)
    changed = []
    for entry in new.entries:
        before = old.by_id.get(entry.id)
        if before is not None and (change := _entry_change(before, entry)) is not None:
            changed.append(change)
    differs = {
        "article": old.article != new.article,
        "lines": dict(old.lines) != dict(new.lines),
        "generic": (old.generic_zh, old.generic_en) != (new.generic_zh, new.generic_en),
        "synonyms": (dict(old.synonyms_zh), dict(old.synonyms_en)) != (dict(new.synonyms_zh), dict(new.synonyms_en)),
        "details": old.details != new.details,
        "declined": _declined(old) != _declined(new),
    }
    settings = [name for name in SETTINGS if differs[name]]
    declined_before, declined_after = _declined(old), _declined(new)
    return FaqDiff(added, removed, tuple(changed), tuple(settings), len(declined_after - declined_before),
                   len(declined_before - declined_after))  # fmt: skip


def _declined(knowledge: KnowledgeBase) -> set[tuple[str, str]]:
    """The questions filed as not in the article, by language (where the file has them does not matter)."""
    return {(d.lang, d.question) for d in knowledge.declined}


def _entry_change(old: Entry, new: Entry) -> EntryChange | None:
    parts = tuple(
        part
        for part in PARTS
        if part != "questions"
        and getattr(old, part) != getattr(new, part)
        and (part != "en" or replace(old.en, asked=()) != replace(new.en, asked=()))
    )
    before_questions = {*old.questions, *old.en.questions, *old.asked, *old.en.asked}
    after_questions = {*new.questions, *new.en.questions, *new.asked, *new.en.asked}
    before = {figure.what: figure for figure in old.figures}
    after = {figure.what: figure for figure in new.figures}
    figures_added = tuple(f for what, f in after.items() if what not in before)
    figures_removed = tuple(f for what, f in before.items() if what not in after)
    figures_changed = tuple((before[w], f) for w, f in after.items() if w in before and before[w] != f)
    added, removed = len(after_questions - before_questions), len(before_questions - after_questions)
    if not (parts or figures_added or figures_removed or figures_changed or added or removed):
        return None
    return EntryChange(new.id, new.title, new.en.title, parts, figures_added, figures_removed, figures_changed,
                       added, removed)  # fmt: skip


def _titles(entries: tuple[Entry, ...], lang: Lang) -> str:
    names = [(e.title if lang == "zh" else e.en.title) for e in entries[:SHOWN]]
    text = say("title_separator", lang).join(names)
    if len(entries) > len(names):
        text += say("diff_more_titles", lang, count=len(entries) - len(names))
    return text


def _figure_lines(change: EntryChange, lang: Lang) -> list[str]:
    out = [say("diff_figure_changed", lang, old=a.phrase(lang), new=b.phrase(lang)) for a, b in change.figures_changed]
    out += [say("diff_figure_added", lang, figure=f.phrase(lang)) for f in change.figures_added]
    out += [say("diff_figure_removed", lang, figure=f.phrase(lang)) for f in change.figures_removed]
    if change.questions_added or change.questions_removed:
        out.append(say("diff_questions", lang, added=change.questions_added, removed=change.questions_removed))
    return out
