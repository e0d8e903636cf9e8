"""What the bot says back, as structured parts, and as plain text for the console.

The Telegram side renders the same `Reply` as HTML; both stay short: one measure, not the
article. This module imports nothing from `telegram`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.knowledge import Entry, Figure, KnowledgeBase
from bot.matching import Decision
from bot.normalise import Lang

ARTICLE_TITLE = {
    "zh": "《孝昌县：坚持“四化”并举，全力推动基层党建向纵深发展》",
    "en": '"Xiaochang County: pursuing the four -isations together to push grassroots Party building deeper"',
}

NO_ANSWER = {
    "zh": "抱歉，文章里没有讲到这个。我只了解{title}这一篇报道（2022年11月16日）。",
    "en": "Sorry, the article does not say. I only know one report: {title} (16 November 2022).",
}
NOT_GIVEN = {
    "zh": "文章讲到了「{title}」，但没有提到{detail}。",
    "en": "The article does not give {detail} for that. What it does cover: {title}.",
}
ASK_BACK = {"zh": "您想问的是哪一项？", "en": "Which of these did you mean?"}
ASK_HINT = {"zh": "回复序号，或换个说法再问。", "en": "Reply with a number, or ask another way."}
TRY = {"zh": "可以试试问：", "en": "You could ask:"}
FIGURES = {"zh": "数据", "en": "Figures"}
EMPTY = {
    "zh": "请用一句话提问，例如：孝昌县有多少个党小组？",
    "en": "Please ask a question in words, for example: How many Party groups are there?",
}


@dataclass(frozen=True)
class Option:
    """An entry offered to the user: its id and title in the reply's language."""

    id: str
    title: str


@dataclass(frozen=True)
class Reply:
    """A reply in parts, ready to render as plain text or HTML."""

    kind: str
    lang: Lang
    text: str
    title: str = ""
    line: str = ""
    lead: str = ""
    figures: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()
    entry_id: str | None = None


def title_of(entry: Entry, lang: Lang) -> str:
    """An entry's title in a language."""
    return entry.title if lang == "zh" else entry.en.title


def figure_text(figure: Figure, lang: Lang) -> str:
    """A figure as a short phrase: `党小组 875个` or `875 Party groups`."""
    if lang == "zh":
        return f"{figure.what} {figure.zh}"
    return f"{figure.en_number} {figure.en}"


def answer_reply(knowledge: KnowledgeBase, entry: Entry, lang: Lang, asked: tuple[Figure, ...] = ()) -> Reply:
    """The reply for one entry, leading with the asked figures when there are any."""
    line = knowledge.lines.get(entry.line or "")
    line_name = (line.zh if lang == "zh" else line.en) if line and line.id != entry.id else ""
    return Reply(
        kind="answer",
        lang=lang,
        text=entry.answer if lang == "zh" else entry.en.answer,
        title=title_of(entry, lang),
        line=line_name,
        lead=("；" if lang == "zh" else "; ").join(figure_text(f, lang) for f in asked),
        figures=tuple(figure_text(f, lang) for f in entry.figures),
        entry_id=entry.id,
    )


def suggestions(knowledge: KnowledgeBase, decision: Decision, count: int = 3) -> tuple[Option, ...]:
    """Entries to offer when the bot cannot answer: the weak candidates, else the lines of work."""
    picked = [c.entry for c in decision.candidates[:count]]
    for line_id in knowledge.lines:
        if len(picked) >= count:
            break
        entry = knowledge.by_id.get(line_id)
        if entry is not None and entry not in picked:
            picked.append(entry)
    return tuple(Option(e.id, title_of(e, decision.lang)) for e in picked[:count])


def decision_reply(knowledge: KnowledgeBase, decision: Decision) -> Reply:
    """The reply to a decision: the answer, the question back, or an honest no."""
    lang = decision.lang
    if decision.outcome == "answer" and decision.best is not None:
        return answer_reply(knowledge, decision.best.entry, lang, decision.figures)
    if decision.outcome == "ask":
        options = tuple(Option(c.entry.id, title_of(c.entry, lang)) for c in decision.candidates)
        return Reply(kind="ask", lang=lang, text=ASK_BACK[lang], options=options)
    if not decision.question.strip():
        return Reply(kind="none", lang=lang, text=EMPTY[lang])
    if decision.missing is not None and decision.best is not None:
        text = NOT_GIVEN[lang].format(title=title_of(decision.best.entry, lang), detail=decision.missing.name(lang))
        return Reply(kind="none", lang=lang, text=text, options=suggestions(knowledge, decision))
    return Reply(
        kind="none",
        lang=lang,
        text=NO_ANSWER[lang].format(title=ARTICLE_TITLE[lang]),
        options=suggestions(knowledge, decision),
    )


def render_plain(reply: Reply) -> str:
    """The reply as plain text, for the console and the JSON output."""
    if reply.kind == "answer":
        heading = f"【{reply.title}】" if reply.lang == "zh" else reply.title
        if reply.line:
            heading += f"（{reply.line}）" if reply.lang == "zh" else f" ({reply.line})"
        parts = [heading]
        if reply.lead:
            parts.append(f"▶ {reply.lead}")
        parts.append(reply.text)
        if reply.figures:
            separator = "；" if reply.lang == "zh" else "; "
            colon = "：" if reply.lang == "zh" else ": "
            parts.append(f"{FIGURES[reply.lang]}{colon}{separator.join(reply.figures)}")
        return "\n".join(parts)
    lines = [reply.text]
    if reply.options:
        if reply.kind == "none":
            lines.append(TRY[reply.lang])
        lines += [f"{number}. {option.title}" for number, option in enumerate(reply.options, 1)]
        if reply.kind == "ask":
            lines.append(ASK_HINT[reply.lang])
    return "\n".join(lines)
