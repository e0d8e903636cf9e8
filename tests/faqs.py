"""Small FAQ files written inline, for tests that pin down one mechanism each."""

from __future__ import annotations

from textwrap import dedent, indent

from bot.core.brain import Brain
from bot.core.matching import Matcher
from bot.faq.knowledge import KnowledgeBase, parse_knowledge

ARTICLE = """\
article:
  title: {zh: 测试文章, en: A test article}
  date: '2022-11-16'
  source: {zh: 测试来源, en: A test source}
  bot: {zh: 测试问答, en: Test FAQ}
  scope: {zh: 几项测试举措, en: a few test measures}
  examples: {zh: [测试问题], en: [A test question]}
lines:
  work: {zh: 工作, en: Work}
"""


def tiny_faq(entries: str, top: str = "") -> bytes:
    """An FAQ file: the article block and one line of work, `top` (generic, synonyms, details), then `entries`."""
    body = ARTICLE + dedent(top) + "entries:\n" + indent(dedent(entries), "  ")
    return body.encode()


def tiny_knowledge(entries: str, top: str = "") -> KnowledgeBase:
    """The same, parsed."""
    return parse_knowledge(tiny_faq(entries, top), "tiny.yaml")


def tiny_matcher(entries: str, top: str = "") -> Matcher:
    """A matcher over a tiny FAQ."""
    return Matcher(tiny_knowledge(entries, top))


def tiny_brain(entries: str, top: str = "") -> Brain:
    """A brain over a tiny FAQ, without the self-check (which needs the article's example answered)."""
    knowledge = tiny_knowledge(entries, top)
    return Brain(knowledge, Matcher(knowledge))
