"""The conversation's replies as JSON for the page: structure only, never markup.

The page puts every string in with `textContent`, so nothing here is escaped and nothing may be
trusted as HTML. A reply carries its `turn` (the id it is kept under, for its votes), its parts
(the verdict on a yes/no question or a wrong premise, title, line of work, the asked fact first,
the text, a quoted sentence; `title_last` when the title follows the fact), numbered options as
`{label, token}` (a tap sends the token back; typing the number picks the same one), what else is
one tap away (the full text, votes, related measures, the topics) and example questions.
"""

from __future__ import annotations

from typing import Any

from bot.conversation.replies import Said
from bot.core.reply import heading_first
from bot.faq.knowledge import KnowledgeBase
from bot.language import Lang
from bot.texts import day, say

RELATED = 2
"""Related measures offered under an answer, as on Telegram."""
WITH_TOPICS = frozenset({"answer", "full", "decline", "unexplained", "others"})
"""Replies under which the page offers the topic menu."""

Json = dict[str, Any]


def said_json(said: Said, turn: int, knowledge: KnowledgeBase) -> Json:
    """One reply of the conversation for the page."""
    reply = said.reply
    out: Json = {"kind": said.kind, "lang": said.lang, "turn": turn, "text": said.text}
    if reply is not None:
        out |= {"verdict": reply.verdict, "title": reply.title, "line": reply.line, "lead": list(reply.lead),
                "text": reply.text, "quote": reply.quote, "examples": list(reply.examples),
                "title_last": reply.kind == "answer" and not heading_first(reply)}  # fmt: skip
    if said.picks:
        out["options"] = [{"label": f"{n}. {pick.title}", "token": pick.token} for n, pick in enumerate(said.picks, 1)]
        out["lead_in"] = said.lead_in
        out["how"] = said.how
    out["full"] = said.full_text_offered
    out["vote"] = said.votable
    out["entry"] = said.entry_id
    out["topics"] = said.kind in WITH_TOPICS
    out["related"] = _related(said, knowledge) if said.votable else []
    return out


def _related(said: Said, knowledge: KnowledgeBase) -> list[Json]:
    """Other measures of the answer's line of work, to tap (not numbered: a typed number picks only
    from numbered options)."""
    entry = knowledge.by_id.get(said.entry_id or "")
    if entry is None or not entry.line:
        return []
    others = [e for e in knowledge.measures_of(entry.line) if e.id != entry.id][:RELATED]
    return [{"label": e.title_in(said.lang), "token": f"entry:{e.id}"} for e in others]


def hello_json(knowledge: KnowledgeBase, lang: Lang) -> Json:
    """The greeting the page opens with: what the bot knows, and example questions to tap."""
    article = knowledge.article
    text = say("web_hello", lang, bot=article.bot.of(lang), title=article.title.of(lang),
               date=day(article.published, lang), scope=article.scope.of(lang))  # fmt: skip
    return {"kind": "hello", "lang": lang, "text": text, "examples": list(article.examples(lang)), "topics": True}


def note_json(text: str, lang: Lang) -> Json:
    """A short note from the page itself (thanks for a vote, a refusal)."""
    return {"kind": "note", "lang": lang, "text": text}
