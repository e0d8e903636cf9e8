"""The FAQ as data: the schema, and loading a YAML file into it with full validation.

Loading never half-succeeds: it returns a complete `KnowledgeBase` or raises
`KnowledgeError` listing every problem as `file:line: message`. Every text has an upper
bound, so that any reply built from a valid file fits one Telegram message. This module
imports nothing from `telegram`.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path
from typing import Protocol, TypeVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.language import LANGS, Lang
from bot.texts import Phrase, phrase, say

MAX_FILE_BYTES = 1_000_000
"""An FAQ about one article is a few tens of kilobytes; anything this big is a mistake."""

ENTRY_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
NUMBER = re.compile(r"^\d+(\.\d+)?$")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader where PyYAML was built with it: the same answers, several times faster."""
_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_CJK_GAP = re.compile(f"(?<=[{_CJK}]) +|[ ](?=[{_CJK}])")
"""Spaces next to Chinese text, left where a long YAML line was folded: Chinese has none."""
_QUOTES = re.compile("[\"'“”‘’「」]")

_UNIT_EN_SCALE = {"万亩": 10_000}
"""Chinese units that carry a power of ten, spelled out in English figures."""


@dataclass(frozen=True)
class Limit:
    """The longest a kind of text may be, in characters, in Chinese and in English."""

    zh: int
    en: int

    def of(self, lang: Lang) -> int:
        """The bound for one language."""
        return self.zh if lang == "zh" else self.en


LIMITS = {
    "title": Limit(60, 100),
    "line": Limit(30, 60),
    "summary": Limit(200, 450),
    "answer": Limit(1200, 2800),
    "question": Limit(100, 200),
    "keyword": Limit(40, 60),
    "figure": Limit(60, 140),
    "list name": Limit(30, 80),
    "list item": Limit(40, 100),
    "term": Limit(30, 80),
    "article": Limit(100, 200),
}
"""Bounds on every text of the file. A reply is built from at most a title, a line of work and
an answer (the full text), so with these no reply comes near Telegram's 4,096 characters; a
default reply (title, line, summary) stays within a phone-sized 300 (Chinese) or 600 (English)."""

MAX_LIST_ITEMS = 20


@dataclass(frozen=True)
class Bilingual:
    """A short text in both languages."""

    zh: str
    en: str

    def of(self, lang: Lang) -> str:
        """The text in one language."""
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Article:
    """What the FAQ is about: the article's title, date and source, and the bot's own name."""

    title: Bilingual
    published: date
    source: Bilingual
    bot: Bilingual
    scope: Bilingual
    """What the article covers, as a phrase: "how the county strengthened ..."."""
    examples_zh: tuple[str, ...]
    examples_en: tuple[str, ...]

    def examples(self, lang: Lang) -> tuple[str, ...]:
        """Example questions to offer a new user."""
        return self.examples_zh if lang == "zh" else self.examples_en


@dataclass(frozen=True)
class Figure:
    """One number the article gives, such as `875 个 党小组`."""

    value: str
    unit: str
    what: str
    en: str
    plus: bool = False

    @property
    def zh(self) -> str:
        """The figure as the article writes it, e.g. `3100余名`."""
        return f"{self.value}{'余' if self.plus else ''}{self.unit}"

    @cached_property
    def en_number(self) -> str:
        """The figure as an English number, e.g. `365,000` for 36.5万亩 (worked out once: read per question)."""
        scaled = Decimal(self.value) * _UNIT_EN_SCALE.get(self.unit, 1)
        text = f"{scaled.normalize():,f}"
        return text + ("+" if self.plus else "")

    def label(self, lang: Lang) -> str:
        """What the figure counts, in one language."""
        return self.what if lang == "zh" else self.en

    def phrase(self, lang: Lang) -> str:
        """The figure as a short phrase: `党小组 875个` or `875 Party groups`."""
        return f"{self.what} {self.zh}" if lang == "zh" else f"{self.en_number} {self.en}"


@dataclass(frozen=True)
class ItemList:
    """A list the article gives, such as the five ways farmers share in the gains.

    `partial` when the article ends it with 等 ("and others"): the reply says so.
    """

    name: str
    items: tuple[str, ...]
    en_name: str
    en_items: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    en_keywords: tuple[str, ...] = ()
    partial: bool = False

    def name_in(self, lang: Lang) -> str:
        """The list's name in one language."""
        return self.name if lang == "zh" else self.en_name

    def items_in(self, lang: Lang) -> tuple[str, ...]:
        """The items in one language."""
        return self.items if lang == "zh" else self.en_items

    def keywords_in(self, lang: Lang) -> tuple[str, ...]:
        """Other words that ask for this list."""
        return self.keywords if lang == "zh" else self.en_keywords


@dataclass(frozen=True)
class Unexplained:
    """Something the article names without explaining it (the 五问), in both languages."""

    zh: str
    en: str
    keywords: tuple[str, ...] = ()
    """Other ways of writing it, in either language."""

    def name(self, lang: Lang) -> str:
        """The term in one language."""
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class English:
    """The English side of an entry."""

    title: str
    answer: str
    questions: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    summary: str = ""
    asked: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    """One answer of the FAQ: a measure, a line of work, the overview or the article."""

    id: str
    title: str
    answer: str
    questions: tuple[str, ...]
    en: English
    line: str | None = None
    figures: tuple[Figure, ...] = ()
    keywords: tuple[str, ...] = ()
    summary: str = ""
    lists: tuple[ItemList, ...] = ()
    unexplained: tuple[Unexplained, ...] = ()
    source_line: int = 0
    asked: tuple[str, ...] = ()
    """Questions people asked that an admin filed here from /unanswered: answered by their likeness to
    these, so the self-check asks them with every signal (the written examples, `ask`, on words alone)."""

    def title_in(self, lang: Lang) -> str:
        """The title in one language."""
        return self.title if lang == "zh" else self.en.title

    def text(self, lang: Lang) -> str:
        """The full text in one language: for a measure, the article's own paragraph."""
        return self.answer if lang == "zh" else self.en.answer

    def short(self, lang: Lang) -> str:
        """The summary in one language, or the full text where it is short enough to need none."""
        summary = self.summary if lang == "zh" else self.en.summary
        return summary or self.text(lang)

    def questions_in(self, lang: Lang) -> tuple[str, ...]:
        """The example questions in one language."""
        return self.questions if lang == "zh" else self.en.questions

    def asked_in(self, lang: Lang) -> tuple[str, ...]:
        """The questions filed here from /unanswered, in one language."""
        return self.asked if lang == "zh" else self.en.asked

    def keywords_in(self, lang: Lang) -> tuple[str, ...]:
        """The keywords in one language."""
        return self.keywords if lang == "zh" else self.en.keywords


@dataclass(frozen=True)
class LineOfWork:
    """One of the article's four lines of work, in both languages."""

    id: str
    zh: str
    en: str

    def name(self, lang: Lang) -> str:
        """The line's name in one language."""
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Detail:
    """A kind of detail people ask about that an entry may not give: a price, a phone number.

    A question that uses one of the `ask` words asks for it; an entry whose text holds one
    of the `told` words gives it. Both in each language, matched as written after folding.
    """

    id: str
    name_zh: str
    name_en: str
    ask_zh: tuple[str, ...]
    ask_en: tuple[str, ...]
    told_zh: tuple[str, ...]
    told_en: tuple[str, ...]

    def name(self, lang: Lang) -> str:
        """The detail's name for a reply: 价格, a price."""
        return self.name_zh if lang == "zh" else self.name_en


@dataclass(frozen=True)
class Declined:
    """A question the article does not answer, filed so that the bot declines it (and those like it)."""

    question: str
    lang: Lang
    line: int
    """Where the file has it, for the self-check's messages."""


@dataclass(frozen=True)
class KnowledgeBase:
    """A validated FAQ."""

    article: Article
    entries: tuple[Entry, ...]
    lines: Mapping[str, LineOfWork]
    generic_zh: tuple[str, ...] = ()
    generic_en: tuple[str, ...] = ()
    synonyms_zh: Mapping[str, str] = field(default_factory=dict)
    synonyms_en: Mapping[str, str] = field(default_factory=dict)
    details: tuple[Detail, ...] = ()
    declined: tuple[Declined, ...] = ()
    path: str = ""
    by_id: Mapping[str, Entry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {entry.id: entry for entry in self.entries})

    def measures_of(self, line: str) -> tuple[Entry, ...]:
        """The entries that belong to a line of work, apart from the line's own entry."""
        return tuple(e for e in self.entries if e.line == line and e.id != line)

    def line_name(self, entry: Entry, lang: Lang) -> str:
        """The name of the line of work an entry belongs to; empty for a line's own entry and the overview."""
        line = self.lines.get(entry.line or "")
        return line.name(lang) if line is not None and line.id != entry.id else ""

    def generic(self, lang: Lang) -> tuple[str, ...]:
        """The words naming the whole article, in one language."""
        return self.generic_zh if lang == "zh" else self.generic_en

    def synonyms(self, lang: Lang) -> Mapping[str, str]:
        """Variant to the article's word, in one language."""
        return self.synonyms_zh if lang == "zh" else self.synonyms_en

    def declined_in(self, lang: Lang) -> tuple[tuple[str, int], ...]:
        """The questions filed as not in the article, in one language, each with its line."""
        return tuple((d.question, d.line) for d in self.declined if d.lang == lang)


class Problem(str):
    """One problem of an FAQ file. It reads as `file:line: message` in English wherever a string is
    expected (the log, the command line, `KnowledgeError.problems`); `in_lang` says it to an admin
    in their language, by its line."""

    path: str
    line: int
    message: Phrase

    def __new__(cls, path: str, line: int, message: Phrase) -> Problem:
        made = super().__new__(cls, f"{path}:{line}: {message('en')}")
        made.path = path
        made.line = line
        made.message = message
        return made

    def __reduce__(self) -> tuple[type[Problem], tuple[str, int, Phrase]]:
        # kept by the start-up cache: made again from its parts, not from the English text alone
        return Problem, (self.path, self.line, self.message)

    def in_lang(self, lang: Lang) -> str:
        """`第 12 行：…` / `line 12: …`."""
        return say("problem_line", lang, line=self.line, message=self.message(lang))


def os_reason(error: OSError) -> Phrase:
    """Why the system refused a file, in words (the English is the system's own)."""
    reason = error.strerror or type(error).__name__
    kinds = {errno.ENOENT: "os_missing", errno.EACCES: "os_denied", errno.EPERM: "os_denied",
             errno.EISDIR: "os_folder", errno.EROFS: "os_read_only", errno.ENOSPC: "os_full"}  # fmt: skip
    return phrase(kinds.get(error.errno or 0, "os_other"), reason=reason, code=error.errno)


class KnowledgeError(Exception):
    """An FAQ file that cannot be used; `problems` holds one `file:line: message` each (a `Problem`)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class Built(Protocol):
    """An FAQ built for serving (the answering core's `Brain`): what this package needs of it."""

    @property
    def knowledge(self) -> KnowledgeBase:
        """The validated FAQ it was built from."""
        ...


B = TypeVar("B", bound=Built)
Build = Callable[[bytes, str], B]
"""Validate, build and self-check the bytes of an FAQ file read from a path; raises `KnowledgeError`.
The FAQ package is below the answering core, so whoever builds is handed in (`Brain.parse`)."""


class _Problems:
    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[str] = []

    def add(self, node: Node | None, message: Phrase) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.items.append(Problem(self.path, line, message))


def read_faq(path: str | Path) -> bytes:
    """The bytes of an FAQ file; a file that cannot be read raises `KnowledgeError`.

    Only a regular file is read (a symlink is followed to one), opened without blocking
    (a FIFO in its place would wait forever for a writer) and read to at most the size cap
    plus one byte (a symlink to /dev/zero never ends), so reading always returns at once.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise KnowledgeError([Problem(str(path), 1, phrase("faq_cannot_read", reason=os_reason(error)))]) from None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise KnowledgeError([Problem(str(path), 1, phrase("faq_not_regular"))])
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(descriptor, MAX_FILE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    except OSError as error:
        raise KnowledgeError([Problem(str(path), 1, phrase("faq_cannot_read", reason=os_reason(error)))]) from None
    finally:
        os.close(descriptor)


def load_knowledge(path: str | Path) -> KnowledgeBase:
    """Read and validate an FAQ file; raise `KnowledgeError` with every problem found."""
    return parse_knowledge(read_faq(path), str(path))


def parse_knowledge(raw: bytes, path: str = "<faq>") -> KnowledgeBase:
    """Validate FAQ bytes as read from `path` (used in messages only)."""
    if len(raw) > MAX_FILE_BYTES:
        raise KnowledgeError([Problem(path, 1, phrase("faq_too_big", size=len(raw), limit=MAX_FILE_BYTES))])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise KnowledgeError([Problem(path, line, phrase("faq_not_utf8"))]) from None
    root = _compose(text, path)
    problems = _Problems(path)
    knowledge = _read_root(root, problems, path)
    if problems.items or knowledge is None:
        raise KnowledgeError(problems.items or [Problem(path, 1, phrase("faq_no_faq"))])
    return knowledge


def _compose(text: str, path: str) -> Node | None:
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1 if event.start_mark else 1
                raise KnowledgeError([Problem(path, line, phrase("faq_alias"))])
        return yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        reason = _yaml_reason(error.problem or error.context or "invalid YAML")
        raise KnowledgeError(
            [Problem(path, line, phrase("faq_syntax", reason=reason, opened=_opened(error, line)))]
        ) from None
    except yaml.YAMLError as error:
        raise KnowledgeError([Problem(path, 1, phrase("faq_yaml_error", reason=_yaml_reason(str(error))))]) from None


_OPENERS = {
    "flow sequence": "opener_list",
    "flow mapping": "opener_mapping",
    "quoted scalar": "opener_quote",
    "block mapping": "opener_block",
    "block collection": "opener_block",
}

_YAML_REASONS = (
    (re.compile(r"expected key|expected ':'"), "yaml_key"),
    (re.compile(r"',' or '\]'"), "yaml_list"),
    (re.compile(r"',' or '\}'"), "yaml_mapping"),
    (re.compile(r"'-' indicator|<block end>"), "yaml_dash"),
    (re.compile(r"mapping values are not allowed"), "yaml_colon"),
    (re.compile(r"sequence entries are not allowed|mapping keys are not allowed"), "yaml_sequence"),
    (re.compile(r"tab character"), "yaml_tab"),
    (re.compile(r"cannot start any token"), "yaml_character"),
    (re.compile(r"end of stream"), "yaml_end"),
    (re.compile(r"escape"), "yaml_escape"),
    (re.compile(r"node content"), "yaml_content"),
    (re.compile(r"document"), "yaml_document"),
    (re.compile(r"alias|anchor|alphabetic or numeric"), "yaml_anchor"),
    (re.compile(r"directive|tag|URI"), "yaml_tag"),
    (re.compile(r"block scalar|indentation indicator|chomping|comment or (a )?line break"), "yaml_block"),
    (re.compile(r"control characters|unacceptable character|special characters"), "yaml_control"),
    (re.compile(r"duplicate key"), "yaml_duplicate"),
    (re.compile(r"indentation|unclosed"), "yaml_indent"),
)
"""YAML's reasons (libyaml's and PyYAML's wordings), by the words that tell them apart."""


def _yaml_reason(reason: str) -> Phrase:
    """YAML's reason as it gave it, said in Chinese by what it is about."""
    key = next((key for pattern, key in _YAML_REASONS if pattern.search(reason)), "yaml_other")
    return phrase(key, reason=reason.strip())


def _opened(error: yaml.MarkedYAMLError, line: int) -> Phrase | str:
    """Where the construct the parser was in was opened, when that is another line: an unclosed
    bracket or quote is noticed lines later, but it is to be fixed where it was opened."""
    if error.context_mark is None or error.context_mark.line + 1 == line or not error.context:
        return ""
    what = next((name for key, name in _OPENERS.items() if key in error.context), "opener_it")
    return phrase("faq_opened", what=phrase(what), line=error.context_mark.line + 1)


def _pairs(node: MappingNode, problems: _Problems, allowed: Mapping[str, bool], what: Phrase) -> dict[str, Node]:
    """The keys of a mapping, after checking for unknown, duplicate and missing keys.

    `allowed` maps each known key to whether it is required.
    """
    found: dict[str, Node] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else None
        if key is None or key not in allowed:
            known = ", ".join(allowed)
            problems.add(key_node, phrase("faq_unknown_key", key=key, what=what, known=known))
        elif key in found:
            problems.add(key_node, phrase("faq_duplicate_key", key=key, what=what))
        else:
            found[key] = value_node
    for key, required in allowed.items():
        if required and key not in found:
            problems.add(node, phrase("faq_missing_key", what=what, key=key))
    return found


_SCALAR_TEXT = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp")


def _text(node: Node | None, problems: _Problems, what: Phrase, limit: int | None = None) -> str | None:
    if not isinstance(node, ScalarNode) or node.tag != "tag:yaml.org,2002:str":
        if isinstance(node, ScalarNode) and node.tag in _SCALAR_TEXT:
            return str(node.value).strip()
        problems.add(node, phrase("faq_not_text", what=what))
        return None
    value = _CJK_GAP.sub("", " ".join(str(node.value).split()))
    if not value:
        problems.add(node, phrase("faq_empty", what=what))
        return None
    if limit is not None and len(value) > limit:
        problems.add(node, phrase("faq_too_long", what=what, length=len(value), limit=limit))
        return None
    return value


def _texts(
    node: Node | None, problems: _Problems, what: Phrase, *, required: bool, limit: int | None = None
) -> tuple[str, ...]:
    if node is None:
        return ()
    if not isinstance(node, SequenceNode):
        problems.add(node, phrase("faq_not_list", what=what))
        return ()
    if required and not node.value:
        problems.add(node, phrase("faq_empty_list", what=what))
    items = (_text(item, problems, phrase("what_item_of", what=what), limit) for item in node.value)
    return tuple(item for item in items if item is not None)


def _mapping(node: Node | None, problems: _Problems, what: Phrase) -> MappingNode | None:
    if not isinstance(node, MappingNode):
        problems.add(node, phrase("faq_not_mapping", what=what))
        return None
    return node


def _flag(node: Node | None, problems: _Problems, what: Phrase) -> bool:
    if node is None:
        return False
    if not isinstance(node, ScalarNode) or node.tag != "tag:yaml.org,2002:bool":
        problems.add(node, phrase("faq_not_flag", what=what))
        return False
    return str(node.value).lower() in ("true", "yes", "on")


def _bilingual(node: Node | None, problems: _Problems, what: Phrase, kind: str) -> Bilingual | None:
    """A `{zh: ..., en: ...}` pair, each within the bounds of its kind of text."""
    if (body := _mapping(node, problems, what)) is None:
        return None
    parts = _pairs(body, problems, {"zh": True, "en": True}, what)
    zh = (
        _text(parts.get("zh"), problems, phrase("what_lang", what=what, lang="zh"), LIMITS[kind].zh)
        if "zh" in parts
        else None
    )
    en = (
        _text(parts.get("en"), problems, phrase("what_lang", what=what, lang="en"), LIMITS[kind].en)
        if "en" in parts
        else None
    )
    return Bilingual(zh, en) if zh and en else None


def _read_root(root: Node | None, problems: _Problems, path: str) -> KnowledgeBase | None:
    if root is None:
        problems.add(None, phrase("faq_file_empty"))
        return None
    top = _mapping(root, problems, phrase("what_the_file"))
    if top is None:
        return None
    allowed = {"article": True, "generic": False, "synonyms": False, "details": False, "lines": True, "entries": True,
               "declined": False}  # fmt: skip
    keys = _pairs(top, problems, allowed, phrase("what_the_file"))
    article = _read_article(keys["article"], problems) if "article" in keys else None
    generic_zh: tuple[str, ...] = ()
    generic_en: tuple[str, ...] = ()
    if "generic" in keys and (generic := _mapping(keys["generic"], problems, _key("generic"))):
        parts = _pairs(generic, problems, {"zh": False, "en": False}, _key("generic"))
        generic_zh = _texts(parts.get("zh"), problems, _key("generic.zh"), required=False)
        generic_en = _texts(parts.get("en"), problems, _key("generic.en"), required=False)
    synonyms_zh: dict[str, str] = {}
    synonyms_en: dict[str, str] = {}
    if "synonyms" in keys and (synonyms := _mapping(keys["synonyms"], problems, _key("synonyms"))):
        parts = _pairs(synonyms, problems, {"zh": False, "en": False}, _key("synonyms"))
        synonyms_zh = _read_synonyms(parts.get("zh"), problems, _key("synonyms.zh"))
        synonyms_en = _read_synonyms(parts.get("en"), problems, _key("synonyms.en"))
    details = _read_details(keys.get("details"), problems)
    lines = _read_lines(keys.get("lines"), problems)
    entries = _read_entries(keys.get("entries"), problems, lines)
    declined = _read_declined(keys.get("declined"), problems)
    if problems.items or article is None:
        return None
    return KnowledgeBase(
        article=article,
        entries=tuple(entries),
        lines=lines,
        generic_zh=generic_zh,
        generic_en=generic_en,
        synonyms_zh=synonyms_zh,
        synonyms_en=synonyms_en,
        details=details,
        declined=declined,
        path=path,
    )


_ARTICLE_KEYS = {"title": True, "date": True, "source": True, "bot": True, "scope": True, "examples": True}


def _read_article(node: Node, problems: _Problems) -> Article | None:
    """`article: {title, date, source, bot, scope: {zh, en}, examples: {zh: [...], en: [...]}}`."""
    if (body := _mapping(node, problems, _key("article"))) is None:
        return None
    keys = _pairs(body, problems, _ARTICLE_KEYS, _key("article"))
    texts = {
        key: _bilingual(keys[key], problems, phrase("what_article_part", key=key), "article")
        for key in ("title", "source", "bot", "scope")
        if key in keys
    }
    published = None
    if "date" in keys:
        raw = _text(keys["date"], problems, phrase("what_article_part", key="date"))
        try:
            published = date.fromisoformat(raw) if raw else None
        except ValueError:
            problems.add(keys["date"], phrase("faq_bad_date", raw=raw))
    examples: dict[str, tuple[str, ...]] = {}
    examples_what = phrase("what_article_part", key="examples")
    if "examples" in keys and (both := _mapping(keys["examples"], problems, examples_what)):
        parts = _pairs(both, problems, {"zh": True, "en": True}, examples_what)
        for lang in ("zh", "en"):
            examples[lang] = _texts(
                parts.get(lang),
                problems,
                phrase("what_article_examples", lang=lang),
                required=True,
                limit=LIMITS["question"].en,
            )
    title, source, bot, scope = (texts.get(key) for key in ("title", "source", "bot", "scope"))
    if title and source and bot and scope and published and examples.get("zh") and examples.get("en"):
        return Article(title, published, source, bot, scope, examples["zh"], examples["en"])
    return None


def _named(node: Node | None, problems: _Problems, section: str, kind: str) -> Iterator[tuple[Node, str, Node]]:
    """The `id: ...` items of a section (`lines`, `details`), each id checked: (id node, id, value node).
    `kind` is `line` or `detail`."""
    if node is None or (top := _mapping(node, problems, _key(section))) is None:
        return
    kind_name = phrase("what_kind_line" if kind == "line" else "what_kind_detail")
    for key_node, value_node in top.value:
        key = _text(key_node, problems, phrase("what_an_id", kind=kind_name))
        if key is None:
            continue
        if not ENTRY_ID.match(key):
            problems.add(key_node, phrase("faq_bad_section_id", kind=kind_name, key=key))
        yield key_node, key, value_node


def _read_details(node: Node | None, problems: _Problems) -> tuple[Detail, ...]:
    """`id: {name: {zh, en}, ask: {zh, en}, told: {zh, en}}` lines, each part a list but `name`."""
    details: list[Detail] = []
    seen: set[str] = set()
    for key_node, key, value_node in _named(node, problems, "details", "detail"):
        if key in seen:
            problems.add(key_node, phrase("faq_duplicate_detail", key=key))
        seen.add(key)
        if (body := _mapping(value_node, problems, phrase("what_detail", key=key))) is None:
            continue
        parts = _pairs(body, problems, {"name": True, "ask": True, "told": True}, phrase("what_detail", key=key))
        read: dict[str, dict[str, Node]] = {}
        for part in ("name", "ask", "told"):
            of_part = phrase("what_part_of_detail", part=part, key=key)
            if part in parts and (both := _mapping(parts[part], problems, of_part)):
                read[part] = _pairs(both, problems, {"zh": True, "en": True}, of_part)
        if len(read) < 3:
            continue
        names = [
            _text(read["name"].get(lang), problems, phrase("what_name_of_detail", lang=lang, key=key))
            for lang in ("zh", "en")
        ]
        words = {
            (part, lang): _texts(
                read[part].get(lang),
                problems,
                phrase("what_words_of_detail", part=part, lang=lang, key=key),
                required=True,
            )
            for part in ("ask", "told")
            for lang in ("zh", "en")
        }
        if names[0] and names[1]:
            details.append(
                Detail(key, names[0], names[1], words["ask", "zh"], words["ask", "en"], words["told", "zh"],
                       words["told", "en"])
            )  # fmt: skip
    return tuple(details)


def _read_declined(node: Node | None, problems: _Problems) -> tuple[Declined, ...]:
    """`declined: {zh: [...], en: [...]}`: questions the article does not answer, which the bot declines."""
    if node is None or (body := _mapping(node, problems, _key("declined"))) is None:
        return ()
    parts = _pairs(body, problems, {"zh": False, "en": False}, _key("declined"))
    found = []
    for lang in LANGS:
        what = _key(f"declined.{lang}")
        items = parts.get(lang)
        if items is None:
            continue
        if not isinstance(items, SequenceNode):
            problems.add(items, phrase("faq_not_list", what=what))
            continue
        for item in items.value:
            text = _text(item, problems, phrase("what_item_of", what=what), LIMITS["question"].of(lang))
            if text:
                found.append(Declined(text, lang, item.start_mark.line + 1))
    return tuple(found)


def _read_synonyms(node: Node | None, problems: _Problems, what: Phrase) -> dict[str, str]:
    """`word: [variant, ...]` lines, turned into variant -> word."""
    variants: dict[str, str] = {}
    if node is None or (body := _mapping(node, problems, what)) is None:
        return variants
    for key_node, value_node in body.value:
        word = _text(key_node, problems, phrase("what_word_of", what=what))
        for variant in _texts(value_node, problems, phrase("what_variants", word=word, what=what), required=True):
            if variant in variants and variants[variant] != word:
                problems.add(
                    value_node, phrase("faq_variant_of_two", variant=variant, first=variants[variant], second=word)
                )
            elif word is not None:
                variants[variant] = word
    return variants


def _read_lines(node: Node | None, problems: _Problems) -> dict[str, LineOfWork]:
    lines: dict[str, LineOfWork] = {}
    for key_node, key, value_node in _named(node, problems, "lines", "line"):
        if key in lines:
            problems.add(key_node, phrase("faq_duplicate_line", key=key))
        names = _bilingual(value_node, problems, phrase("what_line", key=key), "line")
        if names is not None:
            lines[key] = LineOfWork(id=key, zh=names.zh, en=names.en)
    return lines


_ENTRY_KEYS = {
    "id": True,
    "line": False,
    "title": True,
    "summary": False,
    "answer": True,
    "figures": False,
    "lists": False,
    "unexplained": False,
    "ask": True,
    "asked": False,
    "keywords": False,
    "en": True,
}
_EN_KEYS = {"title": True, "summary": False, "answer": True, "ask": True, "asked": False, "keywords": False}
_FIGURE_KEYS = {"value": True, "unit": True, "what": True, "en": True, "plus": False}
_LIST_KEYS = {"name": True, "items": True, "partial": False, "keywords": False, "en": True}
_LIST_EN_KEYS = {"name": True, "items": True, "keywords": False}
_TERM_KEYS = {"term": True, "en": True, "keywords": False}


def _read_entries(node: Node | None, problems: _Problems, lines: Mapping[str, LineOfWork]) -> list[Entry]:
    if node is None:
        return []
    if not isinstance(node, SequenceNode):
        problems.add(node, phrase("faq_entries_not_list"))
        return []
    if not node.value:
        problems.add(node, phrase("faq_entries_empty"))
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for item in node.value:
        entry = _read_entry(item, problems, lines)
        if entry is None:
            continue
        if entry.id in seen:
            problems.add(item, phrase("faq_duplicate_id", id=entry.id, line=seen[entry.id]))
            continue
        seen[entry.id] = entry.source_line
        entries.append(entry)
    return entries


def _key(key: str) -> Phrase:
    """A key of the file (or a dotted path of keys) as what a problem is about."""
    return phrase("what_key", key=key)


def plain(text: str) -> str:
    """Text as compared for "does it stand in the answer": quotes dropped, case folded."""
    return _QUOTES.sub("", text).lower()


def _read_entry(node: Node, problems: _Problems, lines: Mapping[str, LineOfWork]) -> Entry | None:
    body = _mapping(node, problems, phrase("what_an_entry"))
    if body is None:
        return None
    before = len(problems.items)
    named = next((v for k, v in body.value if isinstance(k, ScalarNode) and k.value == "id"), None)
    shown_id = named.value if isinstance(named, ScalarNode) and named.value else None
    name = phrase("what_entry", id=shown_id) if shown_id else phrase("what_an_entry")
    keys = _pairs(body, problems, _ENTRY_KEYS, name)
    entry_id = _text(keys.get("id"), problems, _key("id")) if "id" in keys else None
    if entry_id is not None and not ENTRY_ID.match(entry_id):
        problems.add(keys["id"], phrase("faq_bad_id", id=entry_id))
    line = None
    if "line" in keys:
        line = _text(keys["line"], problems, phrase("what_field_of", key="line", name=name))
        if line is not None and line not in lines:
            known = phrase("faq_known_ids", ids=", ".join(lines)) if lines else phrase("faq_none_defined")
            problems.add(keys["line"], phrase("faq_unknown_line", name=name, line=line, known=known))

    def field_text(key: str, kind: str) -> str:
        what = phrase("what_field_of", key=key, name=name)
        return (_text(keys[key], problems, what, LIMITS[kind].zh) or "") if key in keys else ""

    title, summary, answer = (
        field_text("title", "title"),
        field_text("summary", "summary"),
        field_text("answer", "answer"),
    )
    if answer and not summary and len(answer) > LIMITS["summary"].zh:
        problems.add(keys["answer"], phrase("faq_long_answer", name=name, limit=LIMITS["summary"].zh))
    questions = _texts(
        keys.get("ask"),
        problems,
        phrase("what_field_of", key="ask", name=name),
        required=True,
        limit=LIMITS["question"].zh,
    )
    keywords = _texts(
        keys.get("keywords"),
        problems,
        phrase("what_field_of", key="keywords", name=name),
        required=False,
        limit=LIMITS["keyword"].zh,
    )
    asked = _texts(
        keys.get("asked"),
        problems,
        phrase("what_field_of", key="asked", name=name),
        required=False,
        limit=LIMITS["question"].zh,
    )
    figures = _read_figures(keys.get("figures"), problems, name, answer)
    english = _read_english(keys.get("en"), problems, name)
    en_answer = english.answer if english else ""
    lists = _read_lists(keys.get("lists"), problems, name, answer, en_answer)
    unexplained = _read_terms(keys.get("unexplained"), problems, name, answer, en_answer)
    if len(problems.items) > before or entry_id is None or english is None:
        return None
    return Entry(
        id=entry_id,
        line=line,
        title=title,
        summary=summary,
        answer=answer,
        figures=figures,
        lists=lists,
        unexplained=unexplained,
        questions=questions,
        keywords=keywords,
        en=english,
        source_line=node.start_mark.line + 1,
        asked=asked,
    )


def _read_english(node: Node | None, problems: _Problems, name: Phrase) -> English | None:
    en_of = phrase("what_field_of", key="en", name=name)
    if node is None or (body := _mapping(node, problems, en_of)) is None:
        return None
    keys = _pairs(body, problems, _EN_KEYS, en_of)

    def field_text(key: str, kind: str) -> str | None:
        what = phrase("what_en_field_of", key=key, name=name)
        return _text(keys[key], problems, what, LIMITS[kind].en) if key in keys else None

    title, summary, answer = (
        field_text("title", "title"),
        field_text("summary", "summary"),
        field_text("answer", "answer"),
    )
    if answer and not summary and len(answer) > LIMITS["summary"].en:
        problems.add(keys["answer"], phrase("faq_long_en_answer", name=name, limit=LIMITS["summary"].en))
    questions = _texts(
        keys.get("ask"),
        problems,
        phrase("what_en_field_of", key="ask", name=name),
        required=True,
        limit=LIMITS["question"].en,
    )
    keywords = _texts(
        keys.get("keywords"),
        problems,
        phrase("what_en_field_of", key="keywords", name=name),
        required=False,
        limit=LIMITS["keyword"].en,
    )
    asked = _texts(
        keys.get("asked"),
        problems,
        phrase("what_en_field_of", key="asked", name=name),
        required=False,
        limit=LIMITS["question"].en,
    )
    if title is None or answer is None:
        return None
    return English(
        title=title, answer=answer, questions=questions, keywords=keywords, summary=summary or "", asked=asked
    )


def _read_lists(
    node: Node | None, problems: _Problems, name: Phrase, answer: str, en_answer: str
) -> tuple[ItemList, ...]:
    """`lists: [{name, items, partial, keywords, en: {name, items, keywords}}]`; every item stands in the answer."""
    if node is None:
        return ()
    if not isinstance(node, SequenceNode):
        problems.add(node, phrase("faq_lists_not_list", name=name))
        return ()
    found = []
    for item in node.value:
        if (body := _mapping(item, problems, phrase("what_a_list_of", name=name))) is None:
            continue
        keys = _pairs(body, problems, _LIST_KEYS, phrase("what_a_list_of", name=name))
        title = (
            _text(keys.get("name"), problems, phrase("what_list_name_of", name=name), LIMITS["list name"].zh)
            if "name" in keys
            else None
        )
        items = _list_items(
            keys.get("items"), problems, phrase("what_list_items", title=title, name=name), answer, "zh"
        )
        keywords = _texts(
            keys.get("keywords"),
            problems,
            phrase("what_list_keywords", title=title),
            required=False,
            limit=LIMITS["keyword"].zh,
        )
        partial = _flag(keys.get("partial"), problems, phrase("what_list_partial", title=title))
        en = _mapping(keys["en"], problems, phrase("what_list_en", title=title)) if "en" in keys else None
        if en is None or title is None:
            continue
        en_keys = _pairs(en, problems, _LIST_EN_KEYS, phrase("what_list_en", title=title))
        en_title = (
            _text(en_keys.get("name"), problems, phrase("what_list_en_name", title=title), LIMITS["list name"].en)
            if "name" in en_keys
            else None
        )
        en_items = _list_items(
            en_keys.get("items"), problems, phrase("what_list_en_items", title=title, name=name), en_answer, "en"
        )
        en_keywords = _texts(
            en_keys.get("keywords"),
            problems,
            phrase("what_list_en_keywords", title=title),
            required=False,
            limit=LIMITS["keyword"].en,
        )
        if items and en_items and len(items) != len(en_items):
            problems.add(
                en_keys.get("items"),
                phrase("faq_list_lengths", title=title, name=name, zh=len(items), en=len(en_items)),
            )
        if en_title and items and en_items:
            found.append(ItemList(title, items, en_title, en_items, keywords, en_keywords, partial))
    return tuple(found)


def _list_items(node: Node | None, problems: _Problems, what: Phrase, answer: str, lang: Lang) -> tuple[str, ...]:
    items = _texts(node, problems, what, required=True, limit=LIMITS["list item"].of(lang))
    if node is not None and len(items) > MAX_LIST_ITEMS:
        problems.add(node, phrase("faq_list_too_many", what=what, count=len(items), limit=MAX_LIST_ITEMS))
    if node is not None and len(items) == 1:
        problems.add(node, phrase("faq_list_one", what=what))
    for item in items:
        if answer and plain(item) not in plain(answer):
            problems.add(node, phrase("faq_item_not_in_answer", what=what, item=item))
    return items


def _read_terms(
    node: Node | None, problems: _Problems, name: Phrase, answer: str, en_answer: str
) -> tuple[Unexplained, ...]:
    """`unexplained: [{term, en, keywords}]`: things the answer names without explaining."""
    if node is None:
        return ()
    if not isinstance(node, SequenceNode):
        problems.add(node, phrase("faq_terms_not_list", name=name))
        return ()
    terms = []
    a_term = phrase("what_a_term_of", name=name)
    for item in node.value:
        if (body := _mapping(item, problems, a_term)) is None:
            continue
        keys = _pairs(body, problems, _TERM_KEYS, a_term)
        zh = _text(keys.get("term"), problems, a_term, LIMITS["term"].zh) if "term" in keys else None
        en = (
            _text(keys.get("en"), problems, phrase("what_term_en", term=zh), LIMITS["term"].en)
            if "en" in keys
            else None
        )
        keywords = _texts(
            keys.get("keywords"),
            problems,
            phrase("what_term_keywords", term=zh),
            required=False,
            limit=LIMITS["keyword"].en,
        )
        if zh and answer and plain(zh) not in plain(answer):
            problems.add(keys["term"], phrase("faq_term_not_in_answer", term=zh, name=name))
        if en and en_answer and plain(en) not in plain(en_answer):
            problems.add(keys["en"], phrase("faq_term_not_in_en_answer", term=en, name=name))
        if zh and en:
            terms.append(Unexplained(zh, en, keywords))
    return tuple(terms)


def _read_figures(node: Node | None, problems: _Problems, name: Phrase, answer: str) -> tuple[Figure, ...]:
    if node is None:
        return ()
    if not isinstance(node, SequenceNode):
        problems.add(node, phrase("faq_figures_not_list", name=name))
        return ()
    figures = []
    for item in node.value:
        if (body := _mapping(item, problems, phrase("what_a_figure_of", name=name))) is None:
            continue
        keys = _pairs(body, problems, _FIGURE_KEYS, phrase("what_a_figure_of", name=name))
        figure = _read_figure(keys, problems, name)
        if figure is None:
            continue
        if answer and figure.zh not in answer:
            problems.add(item, phrase("faq_figure_not_in_answer", figure=figure.zh, name=name))
        figures.append(figure)
    return tuple(figures)


def _read_figure(keys: Mapping[str, Node], problems: _Problems, name: Phrase) -> Figure | None:
    value_node = keys.get("value")
    value = None
    if isinstance(value_node, ScalarNode):
        if NUMBER.match(value_node.value.strip()):
            try:
                value = str(Decimal(value_node.value.strip()))
            except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
                value = None
        if value is None:
            problems.add(value_node, phrase("faq_figure_not_number", value=value_node.value, name=name))
    elif value_node is not None:
        problems.add(value_node, phrase("faq_figure_value_not_number", name=name))
    texts: dict[str, str | None] = {
        key: _text(
            keys[key],
            problems,
            phrase("what_figure_field", key=key, name=name),
            LIMITS["figure"].of("en" if key == "en" else "zh"),
        )
        for key in ("unit", "what", "en")
        if key in keys
    }
    plus = _flag(keys.get("plus"), problems, phrase("what_figure_field", key="plus", name=name))
    unit, what, en = texts.get("unit"), texts.get("what"), texts.get("en")
    if value is None or unit is None or what is None or en is None:
        return None
    return Figure(value=value, unit=unit, what=what, en=en, plus=plus)


def iter_texts(entry: Entry, lang: Lang) -> Iterator[tuple[str, str]]:
    """Every text of an entry in one language with its kind, for indexing."""
    yield "title", entry.title_in(lang)
    for question in (*entry.questions_in(lang), *entry.asked_in(lang)):
        yield "question", question
    for keyword in entry.keywords_in(lang):
        yield "keyword", keyword
    for listed in entry.lists:
        yield "keyword", listed.name_in(lang)
        for keyword in listed.keywords_in(lang):
            yield "keyword", keyword
        for item in listed.items_in(lang):
            yield "item", item
    for term in entry.unexplained:
        yield "keyword", term.name(lang)
        for keyword in term.keywords:
            yield "keyword", keyword
    summary = entry.summary if lang == "zh" else entry.en.summary
    if summary:
        yield "answer", summary
    yield "answer", entry.text(lang)
    for figure in entry.figures:
        yield "figure", figure.label(lang)
