"""What the bot says back, as structured parts, and as plain text for the console.

Every answer has the same shape: a title line (the measure and its line of work), then
what answers the question asked (a list, the figures, the sentences that hold it, or the
summary), and nothing else; the whole entry is one tap away (`more`). The Telegram side
renders the same `Reply` as HTML. This module imports nothing from `telegram`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.decision import Decision, Kind, Verdict
from bot.core.focus import Focus
from bot.faq.knowledge import Entry, ItemList, KnowledgeBase
from bot.language import Lang
from bot.texts import day, say

BUDGET = {"zh": 300, "en": 600}
"""The most characters a reply may take on a phone screen, unless a whole list or the full text was asked for."""

FACT_WINDOW = 90
"""The asked fact should stand within this many characters of a reply's start (checked by `bot eval`)."""


@dataclass(frozen=True)
class Option:
    """An entry offered to the user: its id and title in the reply's language."""

    id: str
    title: str


@dataclass(frozen=True)
class Reply:
    """A reply in parts, ready to render as plain text or HTML."""

    kind: Kind
    lang: Lang
    text: str = ""
    """The body: the sentences or summary that answer, or the message itself."""
    title: str = ""
    line: str = ""
    lead: tuple[str, ...] = ()
    """What the reply leads with: the figures asked for (`党小组 875个`) or whole lists (`三进：…`)."""
    verdict: str = ""
    """Before everything, for a yes/no question or a wrong premise: `不是，是1家。`, `Yes.`"""
    quote: str = ""
    """For "unexplained": the article's sentence that mentions the thing."""
    options: tuple[Option, ...] = ()
    prompt: str = ""
    """The line before or after the options: "可以试试问：", "回复序号……"."""
    examples: tuple[str, ...] = ()
    """Example questions to offer (greeting, help, an empty message)."""
    entry_id: str | None = None
    more: bool = False
    """The entry holds more than this reply shows: offer its full text."""
    whole: bool = False
    """A whole list or the full text was asked for: the length budget does not apply."""
    focused: bool = False
    """The reply answers something particular (a figure, a list, a sentence), not with the summary."""


def title_of(entry: Entry, lang: Lang) -> str:
    """An entry's title in a language."""
    return entry.title_in(lang)


def list_line(listed: ItemList, lang: Lang) -> str:
    """A list, whole and compact: `四大产业：太子米、果茶、苗木花卉、生态养殖`."""
    items = listed.items_in(lang)
    if lang == "zh":
        tail = say("partial", lang) if listed.partial else ""
        return f"{listed.name}：{'、'.join(items)}{tail}"
    tail = f", {say('partial', lang)}" if listed.partial else ""
    name = listed.en_name[:1].upper() + listed.en_name[1:]
    return f"{name}: {'; '.join(items)}{tail}"


def answer_reply(
    knowledge: KnowledgeBase, entry: Entry, lang: Lang, focus: Focus | None = None, verdict: Verdict | None = None
) -> Reply:
    """The reply for one entry, leading with what the question asked for (the summary if nothing
    particular), and before that with the verdict on a yes/no question or a wrong premise."""
    focus = focus or Focus()
    separator = "；" if lang == "zh" else "; "
    figures = (separator.join(figure.phrase(lang) for figure in focus.figures),) if focus.figures else ()
    if figures and focus.converted:  # 茶叶 13.9万亩（约9,267公顷）: the first figure in the unit asked
        first = focus.figures[0].phrase(lang)
        shown = f"{first}（{focus.converted}）" if lang == "zh" else f"{first} ({focus.converted})"
        figures = (figures[0].replace(first, shown, 1),)
    if focus.lists:  # the list is the answer; a sentence stays when another ask of the question found it
        lead = figures + tuple(list_line(listed, lang) for listed in focus.lists)
        body = (" " if lang == "en" else "").join(focus.sentences)
    else:
        lead = figures
        body = (" " if lang == "en" else "").join(focus.sentences) or entry.short(lang)
        body = _with_measures(knowledge, entry, lang, body)
    shown = body or "".join(lead)
    return Reply(
        kind="answer",
        lang=lang,
        text=body,
        title=entry.title_in(lang),
        line=knowledge.line_name(entry, lang),
        lead=lead,
        verdict=verdict_line(verdict, focus, lang),
        entry_id=entry.id,
        more=shown != entry.text(lang),
        whole=bool(focus.lists),
        focused=not focus.general,
    )


def verdict_line(verdict: Verdict | None, focus: Focus, lang: Lang) -> str:
    """`不是300个，是219个。`, `不是丰山镇：周巷镇在……`, `是的。`; empty without a verdict."""
    if verdict is None:
        return ""
    if verdict == "yes":
        return say("verdict_yes_because", lang, truth=focus.truth) if focus.truth else say("verdict_yes", lang)
    if focus.said and focus.truth:
        if focus.instead:  # 不是湖北卫视，是央视：……: the name first, then the clause saying so
            return say("verdict_no_instead", lang, said=focus.said, instead=focus.instead, truth=focus.truth)
        # 不是300个，是219个 for a figure or a date, 不是大事不出县，是大事不出乡 for a phrase in the place of the
        # one said; 不是花园镇：王店镇新岗村…… for a clause of the article, and for several phrases (黄冈、宜昌)
        value = focus.truth[:1].isdigit() and len(focus.truth) <= 16
        phrase = len(focus.truth) == len(focus.said) and not re.search(r"[、，,；;：:。“”]", focus.truth)
        return say(
            "verdict_no_value" if value or phrase else "verdict_no_sentence", lang, said=focus.said, truth=focus.truth
        )
    return say("verdict_no_because", lang, truth=focus.truth) if focus.truth else say("verdict_no", lang)


def _with_measures(knowledge: KnowledgeBase, entry: Entry, lang: Lang, body: str) -> str:
    """A line of work's reply always names all its measures, as its summary does: the sentences a
    question picked out of its text may not, and the measures are what a reader of the overview comes for."""
    measures = knowledge.measures_of(entry.id) if entry.id in knowledge.lines else ()
    titles = [measure.title_in(lang) for measure in measures]
    if not titles or body == entry.short(lang) or all(title.lower() in body.lower() for title in titles):
        return body
    joined = "、".join(titles) if lang == "zh" else "; ".join(titles)
    # 这一方面有三项举措, as the article writes a small count in Chinese
    count = "零一二三四五六七八九十"[len(titles)] if lang == "zh" and len(titles) <= 10 else str(len(titles))
    return f"{body}{'' if lang == 'zh' else ' '}{say('line_measures', lang, count=count, titles=joined)}"


def full_reply(knowledge: KnowledgeBase, entry: Entry, lang: Lang) -> Reply:
    """The whole entry: its full text (for a measure, the article's own paragraph)."""
    return Reply(
        kind="answer",
        lang=lang,
        text=entry.text(lang),
        title=entry.title_in(lang),
        line=knowledge.line_name(entry, lang),
        entry_id=entry.id,
        whole=True,
    )


def _options(entries: list[Entry], lang: Lang) -> tuple[Option, ...]:
    return tuple(Option(e.id, e.title_in(lang)) for e in entries)


def suggestions(knowledge: KnowledgeBase, decision: Decision, count: int = 3) -> tuple[Option, ...]:
    """Entries to offer when the bot cannot answer: the weak candidates, else the lines of work."""
    picked = [c.entry for c in decision.candidates[:count]]
    for line_id in knowledge.lines:
        if len(picked) >= count:
            break
        entry = knowledge.by_id.get(line_id)
        if entry is not None and entry not in picked:
            picked.append(entry)
    return _options(picked[:count], decision.lang)


def decision_reply(knowledge: KnowledgeBase, decision: Decision) -> Reply:
    """The reply to a decision: the answer, a question back, an honest no, or small talk."""
    lang = decision.lang
    article = knowledge.article
    facts = {
        "title": article.title.of(lang),
        "date": day(article.published, lang),
        "source": article.source.of(lang),
        "bot": article.bot.of(lang),
        "scope": article.scope.of(lang),
        "example": article.examples(lang)[0],
    }
    if decision.kind == "small-talk" and decision.talk is not None:
        examples = article.examples(lang) if decision.talk in ("hello", "help", "who") else ()
        return Reply(kind="small-talk", lang=lang, text=say(f"talk_{decision.talk}", lang, **facts), examples=examples)
    if decision.kind == "answer" and decision.best is not None:
        return answer_reply(knowledge, decision.best.entry, lang, decision.focus, decision.verdict)
    if decision.kind == "ask-back":
        return Reply(
            kind="ask-back",
            lang=lang,
            text=say("ask_broad" if decision.broad else "ask_back", lang),
            options=_options([c.entry for c in decision.candidates], lang),
            prompt=say("ask_hint", lang),
        )
    if decision.kind == "unexplained" and decision.gap is not None:
        gap = decision.gap
        title = gap.entry.title_in(lang)
        if gap.term is not None:
            text = say("unexplained_term", lang, term=gap.term.name(lang), title=title)
        elif gap.asked:
            text = say("not_said", lang, what=gap.asked, title=title)
        else:
            if gap.detail is not None:
                detail = gap.detail.name(lang)
            elif gap.attribute:
                detail = say("the_word", lang, word=gap.attribute)
            else:
                detail = say("the_number", lang)
            text = say("unexplained_detail", lang, detail=detail, title=title)
        if decision.verdict is not None and decision.focus is not None:  # a wrong premise, corrected first
            text = f"{verdict_line(decision.verdict, decision.focus, lang)}{'' if lang == 'zh' else ' '}{text}"
        others = [c.entry for c in decision.candidates if c.entry.id != gap.entry.id]
        return Reply(
            kind="unexplained",
            lang=lang,
            text=text,
            quote=gap.sentence,
            options=_options([gap.entry, *others][:1], lang),
            entry_id=gap.entry.id,
        )
    if not decision.question.strip() or not any(ch.isalnum() for ch in decision.question):
        # the first example is in the text already
        return Reply(kind="decline", lang=lang, text=say("empty", lang, **facts), examples=article.examples(lang)[1:])
    return Reply(
        kind="decline",
        lang=lang,
        text=say("decline", lang, **facts),
        options=suggestions(knowledge, decision),
        prompt=say("try", lang),
    )


def heading(reply: Reply) -> str:
    """The title line of an answer: `【纵向深化】（优化体系，一体推进）`, or in English the title alone."""
    if reply.lang == "zh":
        return f"【{reply.title}】" + (f"（{reply.line}）" if reply.line else "")
    return reply.title  # English lines of work are long: on a phone they would push the answer down


def heading_first(reply: Reply) -> bool:
    """Whether the title line comes before what answers: in Chinese, where it is a few characters, and
    before a summary; an English title (up to a hundred characters) would push an asked fact down, so
    after one it comes last."""
    return reply.lang == "zh" or not reply.focused


def render_plain(reply: Reply) -> str:
    """The reply as plain text, for the console and the JSON output."""
    if reply.kind == "answer":
        parts = [reply.verdict] if reply.verdict else []
        if heading_first(reply):
            parts.append(heading(reply))
        parts += [f"▶ {lead}" for lead in reply.lead]
        if reply.text:
            parts.append(reply.text)
        if not heading_first(reply):
            parts.append(f"— {heading(reply)}")
        return "\n".join(parts)
    lines = [reply.text]
    if reply.quote:
        lines.append(reply.quote)
    if reply.options and reply.kind == "decline":
        lines.append(reply.prompt)
    lines += [f"{number}. {option.title}" for number, option in enumerate(reply.options, 1)]
    if reply.options and reply.kind == "ask-back":
        lines.append(reply.prompt)
    lines += [f"· {example}" for example in reply.examples]
    return "\n".join(line for line in lines if line)


def within_budget(reply: Reply) -> bool:
    """Whether a reply fits a phone screen: 300 characters in Chinese, 600 in English, unless asked whole."""
    return reply.whole or len(render_plain(reply)) <= BUDGET[reply.lang]
