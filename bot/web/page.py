"""The chat page's HTML: the template in `page.html` filled in the browser's language.

Every value is escaped as it goes in, the FAQ's article block included. The page holds no script
of its own (the Content-Security-Policy forbids inline script): `static/chat.js` does the talking,
and reads its button labels from the `data-*` attributes of `<html>`.
"""

from __future__ import annotations

from html import escape
from importlib.resources import files
from string import Template

from bot.core.brain import MAX_QUESTION_CHARS
from bot.faq.knowledge import KnowledgeBase
from bot.language import LANGS, Lang
from bot.texts import day, say

TEMPLATE = Template(files("bot.web").joinpath("page.html").read_text(encoding="utf-8"))

PAGE_LABELS = {"offline": "web_offline", "failed": "web_failed"}
"""`data-*` attribute of `<html>` to text key: the page's own notes, in the browser's language."""
REPLY_LABELS = {"full": "full_text", "topics": "all_topics", "helpful": "web_helpful", "not-helpful": "web_not_helpful"}
"""The same for the buttons under a reply, given in both languages (`data-full-en`): they follow the reply's."""
VOTE_LABELS = {"up": "👍", "down": "👎"}


def browser_language(accept_language: str) -> Lang | None:
    """The first of our languages in an Accept-Language header, by preference (`zh-CN,zh;q=0.9,en;q=0.8`)."""
    ranked: list[tuple[float, int, Lang]] = []
    for position, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in ("zh", "en"):
            continue
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if weight > 0:
            ranked.append((-weight, position, "zh" if primary == "zh" else "en"))
    return min(ranked)[2] if ranked else None


def page_html(knowledge: KnowledgeBase, lang: Lang) -> str:
    """The page, its labels in `lang`."""
    article = knowledge.article
    labels = {name: say(key, lang) for name, key in PAGE_LABELS.items()} | VOTE_LABELS
    labels |= {f"{name}-{each}": say(key, each) for name, key in REPLY_LABELS.items() for each in LANGS}
    attributes = " ".join(f'data-{name}="{escape(text)}"' for name, text in labels.items())
    title = article.title.of(lang)
    values = {
        "lang": "zh-CN" if lang == "zh" else "en",
        "labels": attributes,
        "title": f"{article.bot.of(lang)} · {title}",
        "bot": article.bot.of(lang),
        "intro": say("web_intro", lang, title=title, date=day(article.published, lang)),
        "log": say("web_log", lang),
        "noscript": say("web_noscript", lang),
        "label": say("web_label", lang),
        "max": str(MAX_QUESTION_CHARS),
        "placeholder": say("web_placeholder", lang, example=article.examples(lang)[0]),
        "send": say("web_send", lang),
    }
    return TEMPLATE.substitute({k: v if k == "labels" else escape(v) for k, v in values.items()})
