"""Shared fixtures: the real FAQ, loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering import Brain

ROOT = Path(__file__).resolve().parent.parent
FAQ = ROOT / "knowledge" / "faq.yaml"
ARTICLE = ROOT / "knowledge" / "article.txt"


@pytest.fixture(scope="session")
def brain() -> Brain:
    """The shipped FAQ with its matcher."""
    return Brain.load(FAQ)
