"""Reading a message against the question answered just before it.

People leave out what the turn before already said. A message may keep the asking and leave
out the subject (一共多少个, 他们都有谁, 那参加了多少人, "where is it?"): it is read with the
previous question's subject put in front. Or it may name a new subject and leave out the
asking (那茶叶呢, "and tea?", "what about the elderly?"): it is read with the previous
question's asking words (多少亩, 是指什么, "how many") after it.

The message is also decided alone, and the reading against the previous question wins only
when it does better: it answers where the message alone does not, or answers the same entry
with the asked fact in front. A message that names a subject of its own and is answered alone
with another entry is a new question, and the context ends there. A message with a word the FAQ
does not know (工资, GDP) is never given a subject it did not name, and one that asks a detail the
previous entry never gives (县长, a price) is not answered by it: at most it is told that the article
does not give it. A bare how-many of something the previous entry counts (多少个村) is its count, an
item asked by its place (最后一个呢) is of the list before, and a figure stated with a question mark
or disputing the answer (就一家？, 你说错了吧，应该是142个) is checked against the previous subject.
Imports nothing from `telegram`.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, replace

from bot.core.asking import ORDINAL_ZH, Asking, analyse, ask_spans
from bot.core.decision import Decision
from bot.core.focus import QUANTITY
from bot.core.index import Reading
from bot.core.matching import Matcher
from bot.core.normalise import fold, stop_spans
from bot.core.values import counts
from bot.language import Lang

ASKING_ZH = re.compile(
    r"什么|啥|怎么|怎样|如何|哪|多少|几|为什么|为啥|是不是|有没有|谁|吗|是否|多久|多大|多长|多远|对吧|是吧|吧\W*$|"
    + ORDINAL_ZH
)
ASKING_EN = re.compile(
    r"^(?:is|are|was|were|do|does|did|can|could|has|have|had|will|would|should)\b|"
    r"\b(?:what|which|who|whom|whose|when|where|why|how)\b"
)
"""Words that ask: a message with one of them says what it asks for."""

NEW_SUBJECT_ZH = re.compile(r"呢\s*[?？。.!！]*$|^\s*(?:那么|那|还有|另外)")
NEW_SUBJECT_EN = re.compile(r"^\s*(?:and|what about|how about|also|then)\b")
"""How a message marks that it asks the same about something else: 那茶叶呢, "and tea?"."""

STANDING_FOR_ZH = re.compile(r"^(?:那|那么)?(?:[它他她]们?|该)")
"""A pronoun opening a message (它属于哪个镇, 他们是干啥的): it stands for the previous subject."""
PLACE_POINTER_ZH = re.compile(r"^\s*(?:那里|那儿|那边|这里|这儿|当地)(?:的)?")
"""A word for "there" opening a message (那里有什么特别的): the previous subject, written in its place."""
ELIDED_ZH = re.compile(
    r"^(?:那|那么)?(?:是不是|不是|就是|是|跟|和|与|同|(?:有|就|只有|只|才|仅)(?=[\d一二两三四五六七八九十几多半]))|"
    + STANDING_FOR_ZH.pattern
)
ELIDED_EN = re.compile(r"^(?:is it|was it|are they|were they|isn't it|wasn't it|aren't they|is that|was that)\b")
"""How a message opens when it leaves its subject out: with the verb or the preposition that would
follow it (是花园镇吧, 跟几个村, 有15万亩吗, 就一家, "is it 131?"), or a pronoun standing for it (它属于哪个镇):
whatever it names is said of the previous subject."""

HOW_EN = frozenset(("often", "frequently", "long", "soon", "far", "old", "times", "year", "month", "week", "day"))
"""English words that ask how often, how long or how far: part of the asking, not a thing asked about."""


@dataclass(frozen=True)
class Previous:
    """The turn before: the question as it was read, and the entry that answered it."""

    question: str
    entry_id: str
    """What the question's subject is taken from: its words that this entry knows (or, if none, its title)."""


def follow(matcher: Matcher, message: str, previous: Previous, hint: Lang | None = None) -> Decision:
    """The decision for a message that may lean on the question before it; the decision's
    question is the message as it was read (the message itself when it stands alone)."""
    disputed = _disputed(message)
    if disputed:  # 你说错了吧，应该是142个: whether 142 holds of the previous subject
        checked = _within(matcher, disputed, previous, matcher.decide(disputed, hint))
        if checked is not None and checked.verdict is not None:
            return checked
    alone = matcher.decide(message, hint)
    if alone.kind == "small-talk":
        return alone
    return _within(matcher, message, previous, alone) or alone


DISPUTING = re.compile(
    r"^(?:你)?(?:说错了|搞错了|弄错了|错了|不对)[吧吗啊呀哦，,。！!\s]*(?:应该|应当|明明|其实|我记得|我看的)?是?"
)
"""How a message opens when it disputes the last answer with a figure of its own (你说错了吧，应该是142个)."""


def _disputed(message: str) -> str:
    """A message disputing the last answer with a figure, as the yes/no question it amounts to (是不是142个);
    empty for any other message."""
    folded = fold(message).strip()
    opening = DISPUTING.match(folded)
    if opening is None or not opening.group():
        return ""
    stated = [v for v in analyse(folded, "zh").asserted if v.kind == "count"]
    return f"是不是{stated[0].text}" if len(stated) == 1 and stated[0].start >= opening.end() - 2 else ""


def _within(matcher: Matcher, message: str, previous: Previous, alone: Decision) -> Decision | None:
    """The decision for the message read against the previous question, when that reading does better."""
    lang = alone.lang
    there = PLACE_POINTER_ZH.match(message) if lang == "zh" else None
    message = message[there.end() :] if there and message[there.end() :].strip() else message
    mine = _reading(matcher, message, lang)
    folded = fold(message)
    # 是湖北卫视吗: a message leaving its subject out may name what the article does not; it is checked
    # against the previous subject, not taken for a subject of its own
    naming = bool((ELIDED_ZH if lang == "zh" else ELIDED_EN).match(folded)) and bool(
        matcher.verdicts.unknown_names(mine.text, lang, matcher.indices[lang])
    )
    pointing = lang == "zh" and (bool(STANDING_FOR_ZH.match(folded)) or there is not None)
    if (
        not naming
        and not pointing
        and (_unknown_subject(mine, lang) or any(len(mine.units[p].text) > 1 for p in mine.unknown))
    ):
        return None  # a word the FAQ does not know (工资, GDP): not something the previous answer covers
    before = _reading(matcher, previous.question, lang)
    # 就一家？: a figure stated with a question mark asks whether it holds, with no word that asks
    stating = analyse(message, lang)
    asks = bool((ASKING_ZH if lang == "zh" else ASKING_EN).search(folded)) or (stating.polar and bool(stating.asserted))
    subject = _subject(matcher, before, previous.entry_id, lang)
    # in English as written: a name is told by its capitals (Is it Chen Lamei?)
    written = folded if lang == "zh" else message
    read = _read_against(mine, before, subject, folded, lang, asks=asks, written=written)
    if read is None:
        return None
    within = matcher.decide(read, lang)
    if within.kind not in ("answer", "small-talk") and not asks and subject:
        # 其中示范的呢: the new subject alone is found in many places; with the previous one, in one
        read = f"{subject}，其中{read}" if lang == "zh" else f"{subject}, {read}"
        within = matcher.decide(read, lang)
    if within.kind == "small-talk" or _asks_elsewhere(matcher, message, mine, within, lang):
        return None
    # 是花园镇吧, 跟几个村: a message that leaves its subject out is about the previous one, whatever it names
    elided = bool((ELIDED_ZH if lang == "zh" else ELIDED_EN).match(folded)) or _counts_of_previous(
        matcher, stating, previous.entry_id
    )
    if elided:
        within = matcher.decide_about(read, lang, previous.entry_id)
    elided = elided and within.kind == "answer"
    names = _names_subject(mine)
    lacks_subject = not names and not _counts_its_own(folded, lang)
    keep = elided or (
        not (names and _found_its_own(alone, within)) and _better(within, alone, asks=asks, lacks_subject=lacks_subject)
    )
    return replace(within, question=read) if keep else None


def _counts_of_previous(matcher: Matcher, stating: Asking, entry_id: str) -> bool:
    """Whether a message is only a "how many" of something the previous entry counts (多少个村 after 71家企业与
    103个行政村开展支部共建; and how many villages?): a count of the previous subject, not the county's 219
    villages."""
    if not stating.asks:
        return False
    ask = stating.asks[0]
    noun = stating.noun_after(ask).strip(" ?？.!")
    entry = matcher.knowledge.by_id.get(entry_id)
    facts = matcher.facts.of(entry, stating.lang) if entry is not None else ()
    labels = [value.label.lower() for fact in facts for value in fact.of_kind("count")]
    if stating.lang == "en":  # And how many villages?: a word of one of its labels, by its first five letters
        words = noun.lower().split()
        short = len(stating.core) <= 30 and ask.start <= 4 and len(words) == 1
        return ask.kind == "count" and short and any(words[0][:5] in label for label in labels)
    if len(stating.core) > 8 or ask.kind != "count" or ask.start > 3 or not noun or len(noun) > 3:
        return False
    return any(noun in label for label in labels)


def _counts_its_own(message: str, lang: Lang) -> bool:
    """Whether a message asks how many of something it names itself, though the FAQ does not know it
    (孝昌县有多少人口): not a subject left out, but one the article may not speak of."""
    asking = analyse(message, lang)
    return lang == "zh" and any(
        ask.kind == "count" and ask.measure in ("", "things", "people") and len(asking.noun_after(ask)) >= 2
        for ask in asking.asks
    )


def _unknown_subject(reading: Reading, lang: Lang) -> bool:
    """Whether a message names a thing the FAQ does not know: a word no term explains, other than one
    right before a count it states (正好100个, 大概100个: how it states the count, not a thing) or one
    after the words asking how (那是怎么选出来的: the deed asked about, not a thing)."""
    starts = {value.start for value in counts(reading.text, lang)}
    how = [ask.end for ask in analyse(reading.text, lang).asks if ask.kind == "how"] if lang == "zh" else []
    after = min(how, default=len(reading.text) + 1)
    return any(
        reading.units[end - 1].end not in starts and reading.units[start].start < after
        for start, end in reading.unknown_words
    )


def _reading(matcher: Matcher, text: str, lang: Lang) -> Reading:
    """A message read for its words, with the words it asks by (多久……一次, 都有谁, where: as
    `bot.core.asking` finds them) set aside with the details it asks for: a follow-up names a
    subject of its own only by its other words."""

    def asking(folded: str, lang: Lang) -> list[tuple[int, int]]:
        spans = list(matcher.gaps.asking(folded, lang))
        spans += [(value.start, value.end) for value in counts(folded, lang)]  # 100个: stated, not named
        return spans + ask_spans(analyse(folded, lang), folded)

    return matcher.indices[lang].read(text, matcher.tuning, asking=asking)


def _found_its_own(alone: Decision, within: Decision) -> bool:
    """Whether the message alone already points somewhere the reading against the previous question
    leaves: a term it names that the article does not explain (五问), unless what the reading against the
    previous question leads with is a figure of that term (国家级星创天地呢 after a how-many: 1家), or
    candidates without that entry."""
    if alone.gap is not None and alone.gap.term is not None:
        term = fold(alone.gap.term.name(alone.lang))
        figures = within.focus.figures if within.kind == "answer" and within.focus is not None else ()
        return not any(term in fold(figure.label(alone.lang)) for figure in figures)
    return alone.kind != "decline" and within.answered not in {c.entry for c in alone.candidates}


def _asks_elsewhere(matcher: Matcher, message: str, mine: Reading, within: Decision, lang: Lang) -> bool:
    """Whether the message asks a detail that an answer from the previous entry would only guess at:
    one the entry never gives (a price), or one asked of something the message names itself and the
    FAQ does not know (县长是谁, "who is the mayor": not the people the previous answer named)."""
    entry = within.answered
    asked = matcher.gaps.asked(message, lang)
    if entry is None or not asked:
        return False
    if not all(matcher.gaps.gives(entry, detail, lang) for detail in asked):
        return True
    spans = matcher.gaps.asking(mine.text, lang)
    inside = [
        (start, end) for start, end in _words(matcher, mine, lang) if any(a <= start and end <= b for a, b in spans)
    ]
    stops = stop_spans(mine.units, lang)
    known = {p for m in mine.matches for p in range(m.start, m.end)}
    phrases = " ".join(phrase for detail in asked for phrase in (detail.ask_zh if lang == "zh" else detail.ask_en))
    for start, end in inside:
        if mine.text[start:end] in phrases:
            continue  # 怎么选出来: the detail's own way of asking, which the entry gives
        word = [p for p, unit in enumerate(mine.units) if start <= unit.start and unit.end <= end]
        if lang == "zh" and len(word) >= 2 and not (set(word) & (stops | known)):
            return True  # 县长, 电话: a thing of its own, not 多久 or 一次
        if lang == "en" and word and not (set(word) & (stops | known)) and mine.text[start:end] not in HOW_EN:
            return True  # mayor, phone
    return False


def _words(matcher: Matcher, reading: Reading, lang: Lang) -> list[tuple[int, int]]:
    """The character spans of a read question's words: as the segmenter cuts Chinese, by unit in English."""
    if lang == "zh":
        return matcher.indices[lang].word_spans(reading.text)
    return [(unit.start, unit.end) for unit in reading.units]


def _better(within: Decision, alone: Decision, *, asks: bool, lacks_subject: bool) -> bool:
    """Whether the message read against the previous question is the better reading."""
    if within.kind == "answer":
        if alone.kind != "answer":
            return True
        # a new subject with the previous asking (那茶叶呢): the same entry, with the asked fact first;
        # a message that asks on its own and is answered is a question of its own, unless it names no
        # subject (那个数对吗，是不是13万亩: of the 茶叶 asked before, not of whatever 13万亩 is)
        return (not asks or lacks_subject) and within.answered == alone.answered
    # with no subject of its own, the previous one is all the message can be about: saying what the
    # article leaves out of it, or asking which part was meant, beats "the article does not say"
    return lacks_subject and alone.kind in ("decline", "unexplained") and within.kind in ("unexplained", "ask-back")


def _names_subject(reading: Reading) -> bool:
    """Whether a message names something the FAQ knows (a term of its own, not only question words, nor
    the measure of a count it states: 是不是13万亩 names no crop)."""
    stated = [(v.start, v.end) for v in counts(reading.text, reading.lang)]
    units = reading.units
    return any(
        set(range(m.start, m.end)) & reading.content
        and not any(a <= units[m.start].start and units[m.end - 1].end <= b for a, b in stated)
        for m in reading.matches
    )


def _read_against(
    mine: Reading, before: Reading, subject: str, folded: str, lang: Lang, *, asks: bool, written: str = ""
) -> str | None:
    """The message with what it leaves out taken from the previous question, or None if it leaves nothing out."""
    if asks:  # as written, particles and all: 对吧 asks yes or no
        return _join(subject, (written or folded).strip(), lang) if subject else None
    marked = (NEW_SUBJECT_ZH if lang == "zh" else NEW_SUBJECT_EN).search(folded)
    if not marked or not _names_subject(mine):
        return None
    asking = _part(before, _asking_positions(before, lang))
    stated = [value for value in counts(before.text, lang) if value.number != 1]
    if stated and analyse(before.text, lang).polar:
        # 导师是不是131个 → 那新书记呢: not whether they too are 131, but how many they are
        unit = stated[0].unit
        asking = f"有多少{unit}" if lang == "zh" else f"how many {unit}".strip()
    subject = _part(mine, sorted(mine.content))
    if not asking or not subject:
        return None
    return _join(subject, asking, lang) if lang == "zh" else _join(asking, subject, lang)


def _subject(matcher: Matcher, before: Reading, entry_id: str, lang: Lang) -> str:
    """What the previous question was about: its words that the entry it was answered with knows, or
    the entry's title when it named none of them (an entry picked from a list)."""
    entries = matcher.knowledge.entries
    owner = next((n for n, entry in enumerate(entries) if entry.id == entry_id), None)
    if owner is None:
        return ""
    terms = matcher.indices[lang].terms
    known = {p for m in before.matches if owner in terms[m.term].owners for p in range(m.start, m.end)}
    positions = (known & before.content) - _stop_words(matcher, before, lang) - _asking_set(before)
    return _part(before, positions) or entries[owner].title_in(lang)


def _stop_words(matcher: Matcher, reading: Reading, lang: Lang) -> set[int]:
    """The positions of question and function words standing as words of their own: in Chinese, not a
    character of a longer word (干 of 村干部, which 干什么 makes a question word)."""
    stops = stop_spans(reading.units, lang)
    if lang != "zh":
        return stops
    inside: set[int] = set()
    for start, end in matcher.indices[lang].word_spans(reading.text):
        word = {p for p, unit in enumerate(reading.units) if start <= unit.start and unit.end <= end}
        if len(word) >= 2 and not word <= stops:
            inside |= word
    return stops - inside


def _asking_set(reading: Reading) -> set[int]:
    """The positions of the words that ask how many, and the measure word right after them (多少|亩)."""
    found: set[int] = set()
    text = reading.text
    for match in QUANTITY.finditer(text):
        inside = [p for p, u in enumerate(reading.units) if match.start() <= u.start and u.end <= match.end()]
        found.update(inside)
        if inside and inside[-1] + 1 < len(reading.units):
            found.add(inside[-1] + 1)
    return found


def _asking_positions(reading: Reading, lang: Lang) -> list[int]:
    """Where the question asks (question and function words, and how many of what)."""
    return sorted(stop_spans(reading.units, lang) | _asking_set(reading))


def _part(reading: Reading, positions: Collection[int]) -> str:
    """The words of a read question at some positions, in order, as the question wrote them."""
    pieces: list[str] = []
    last = -2
    for position in sorted(positions):
        unit = reading.units[position]
        word = reading.text[unit.start : unit.end]
        if pieces and reading.lang == "en":
            pieces.append(" ")
        elif pieces and position != last + 1 and reading.lang == "zh":
            pieces.append("，")
        pieces.append(word)
        last = position
    return "".join(pieces).strip("， ")


def _join(first: str, second: str, lang: Lang) -> str:
    return f"{first}{second}" if lang == "zh" else f"{first} {second}"
