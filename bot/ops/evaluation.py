"""Measuring the matcher on a written question set: accuracy by category, and a threshold sweep.

A question set is YAML: `questions: [[category, expected, question], ...]`, with an optional
fourth element, the facts the reply must show (`新岗村` or `沈腾|程琪`), and an optional fifth,
`says` (`yes` or `no`), for yes/no questions and questions resting on a wrong premise. Only
`questions:` is read: a file may hold other lists (`followups:`, scored by the conversation
layer). `expected` is:

- an entry id, or several as `a|b`: answered with (one of) that entry;
- `any:a|b`: answered with one of them, or asked back with one of them offered (a broad topic);
- null: declined, since the article does not answer it (small talk counts too: some older
  off-topic questions are pleasantries);
- `unexplained:id`: declined as something entry `id` names but does not explain or give;
- `smalltalk`: answered as small talk, never with an apology or an entry.

A confident wrong answer, the worst outcome, is an answer with the wrong entry or an
answer where none was expected. For questions answered right that carry facts, the
reply must hold them all, the first within `FACT_WINDOW` characters of its start. A question
with `says` is right only when the reply leads with that verdict (是/不是, yes/no) and, for a
"no", shows the facts (the value the article does give); such a question is also right when the
premise is corrected from the right entry and what is asked on top of it is said to be missing.
Every reply is checked against the length budget.

The parts (`PARTS`) are each made of several files: the tuning part is read and tuned on; the
held-out and sealed parts are only ever reported as figures. This module imports nothing from
`telegram`.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from pathlib import Path

import yaml

from bot.core.brain import Brain
from bot.core.decision import Decision, Ranking
from bot.core.facts import aligned_names
from bot.core.matching import Matcher, choose
from bot.core.reply import FACT_WINDOW, render_plain, within_budget
from bot.core.tuning import Tuning
from bot.faq.knowledge import KnowledgeBase, plain

WRONG_COST = 5.0
"""In the sweep, a confident wrong answer costs five times what a right answer earns."""

ASKED_CREDIT = 0.5
"""In the sweep, asking back (with the right entry among the options, or on a question the
article cannot answer) earns half of a right answer: one more tap for the user."""

PARTS: dict[str, tuple[str, ...]] = {
    "tuning": (
        "tuning.yaml",
        "batch7-tuning.yaml",
        "batch8-tuning.yaml",
        "batch9-tuning.yaml",
        "batch10-tuning.yaml",
        "batch11-tuning.yaml",
        "batch12-tuning.yaml",
        "batch13-tuning.yaml",
        "batch14-tuning.yaml",
    ),
    "held-out": (
        "heldout.yaml",
        "batch7-heldout.yaml",
        "sealed.yaml",
        "batch8-heldout.yaml",
        "batch8-sealed.yaml",
        "batch9-heldout.yaml",
        "batch9-sealed.yaml",
        "batch10-heldout.yaml",
        "batch10-sealed.yaml",
        "batch11-heldout.yaml",
        "batch11-sealed.yaml",
        "batch12-heldout.yaml",
        "batch12-sealed.yaml",
        "batch13-heldout.yaml",
        "batch14-heldout.yaml",
    ),
    "sealed": ("batch14-sealed.yaml",),
}
"""The files of each part, under `tests/eval/`: every batch was split at random between the parts
before any of it was tried. A sealed part, once scored at the end of the work it measured, joins
the held-out part (batch 7's `sealed.yaml`, then `batch8-sealed.yaml` to `batch12-sealed.yaml`),
and the next batch's sealed part takes its place."""

EVAL_DIR = Path("tests/eval")

TARGET_RIGHT, TARGET_REST, TARGET_WRONG, TARGET_CATEGORY = 0.95, 0.95, 0.02, 0.90
"""The targets: answerable questions answered right, the rest handled right (declined, or
answered as small talk), confident wrong answers at most, and every category's right share."""


@dataclass(frozen=True)
class Question:
    """One question of the set, with what it should get."""

    category: str
    expected: str | None
    text: str
    facts: tuple[str, ...] = ()
    says: str | None = None
    """For a yes/no question or a wrong premise: the verdict the reply must lead with, `yes` or `no`."""

    @property
    def wants(self) -> str:
        """`answer`, `decline`, `unexplained` or `smalltalk`."""
        if self.expected is None:
            return "decline"
        if self.expected == "smalltalk":
            return "smalltalk"
        if self.expected.startswith("unexplained:"):
            return "unexplained"
        return "answer"

    @property
    def entries(self) -> frozenset[str]:
        """The entries that answer it (for `answer`), or the one that names it (for `unexplained`)."""
        if self.expected is None or self.expected == "smalltalk":
            return frozenset()
        return frozenset(self.expected.split(":", 1)[-1].split("|"))

    @property
    def ask_ok(self) -> bool:
        """A question back offering one of the entries is as good as an answer (`any:`)."""
        return bool(self.expected and self.expected.startswith("any:"))


@dataclass(frozen=True)
class Tally:
    """Counts for one group of questions."""

    answerable: int = 0
    correct: int = 0
    asked_with_right: int = 0
    rest: int = 0
    handled: int = 0
    """Of the rest: declined (or, for small talk, answered as small talk)."""
    right: int = 0
    """Right by each question's own standard (an unexplained term declined with its entry, ...)."""
    confident_wrong: int = 0
    with_facts: int = 0
    facts_shown: int = 0
    replies: int = 0
    within_budget: int = 0
    verdicts: int = 0
    """Answerable questions with a `says`."""
    verdicts_right: int = 0
    """Of those, replies leading with the right verdict (and, for a "no", showing the facts)."""

    @property
    def total(self) -> int:
        """Questions in the group."""
        return self.answerable + self.rest

    def __add__(self, other: Tally) -> Tally:
        return Tally(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def add(self, question: Question, decision: Decision, reply_text: str | None = None, fits: bool = True) -> Tally:
        """This tally with one more question counted; facts and budget only when the reply is given."""
        answered = decision.answered.id if decision.answered else None
        offered = {c.entry.id for c in decision.candidates}
        wants = question.wants
        if wants == "answer":
            correct = answered in question.entries or _premise_corrected(question, decision)
            asked = decision.kind == "ask-back" and bool(offered & question.entries)
            right = correct or (asked and question.ask_ok)
            judged = question.says is not None
            if judged:
                right = correct and _verdict_right(question, decision, reply_text)
            tally = replace(
                self,
                answerable=self.answerable + 1,
                correct=self.correct + right,
                asked_with_right=self.asked_with_right + (asked and not question.ask_ok),
                confident_wrong=self.confident_wrong + (answered is not None and not correct),
                verdicts=self.verdicts + judged,
                verdicts_right=self.verdicts_right + (judged and right),
            )
        else:
            declined = decision.kind in ("decline", "unexplained")
            if wants == "smalltalk":
                handled = right = decision.kind == "small-talk"
            elif wants == "unexplained":
                gap = decision.gap
                handled = declined
                right = decision.kind == "unexplained" and gap is not None and gap.entry.id in question.entries
            else:
                # a pleasantry counted off-topic in an older batch is rightly answered as small talk
                handled = right = declined or decision.kind == "small-talk"
            tally = replace(
                self,
                rest=self.rest + 1,
                handled=self.handled + handled,
                right=self.right + right,
                confident_wrong=self.confident_wrong + (answered is not None),
            )
            return tally if reply_text is None else tally._reply(question, False, reply_text, fits)
        tally = replace(tally, right=tally.right + (tally.correct > self.correct))
        return tally if reply_text is None else tally._reply(question, correct, reply_text, fits)

    def _reply(self, question: Question, answered_right: bool, text: str, fits: bool) -> Tally:
        checked = answered_right and bool(question.facts)
        shown = checked and _shows(text, question.facts)
        return replace(
            self,
            with_facts=self.with_facts + checked,
            facts_shown=self.facts_shown + shown,
            replies=self.replies + 1,
            within_budget=self.within_budget + fits,
        )


def _premise_corrected(question: Question, decision: Decision) -> bool:
    """A wrong premise corrected from the right entry, with what is asked on top of it said to be missing
    (茶叶种了20万亩，有什么知名品牌: 不是20万亩，是13.9万亩。文章没有说有什么知名品牌): the answer the
    question wants, though it is not an answer with the entry."""
    gap = decision.gap
    return (
        question.says == "no"
        and decision.kind == "unexplained"
        and decision.verdict == "no"
        and gap is not None
        and gap.entry.id in question.entries
    )


_VERDICT = {
    "zh": re.compile(
        r"^\s*(?:(?P<no>不是|不对|没有|不[，,。！!：:；\s])|(?P<yes>(?:是的?|对的?|有的?)(?=[，,。！!：:；\s]|$)))"
    ),
    "en": re.compile(r"^\s*(?:(?P<no>no)|(?P<yes>yes))\b", re.IGNORECASE),
}


def verdict(text: str) -> str | None:
    """The verdict a reply leads with: `yes` (是, 对, yes), `no` (不是, 不对, no), or None."""
    for pattern in _VERDICT.values():
        found = pattern.match(text)
        if found:
            return "no" if found.group("no") else "yes"
    return None


def _verdict_right(question: Question, decision: Decision, reply_text: str | None) -> bool:
    """The reply leads with the verdict the question wants and, for a "no", shows what the article says.

    Judged on the reply as the user reads it; a sweep, which renders no replies, judges the
    decision's own verdict."""
    if reply_text is None:
        said = decision.verdict
        return said == question.says
    if verdict(reply_text) != question.says:
        return False
    return question.says == "yes" or not question.facts or _shows_all(reply_text, question.facts)


def _shows_all(text: str, facts: tuple[str, ...]) -> bool:
    whole = _judged(text)
    return all(_stands(fact, whole) for fact in facts)


def _shows(text: str, facts: tuple[str, ...]) -> bool:
    """Every fact stands in the reply, the first within the window at its start."""
    whole = _judged(text)
    return _stands(facts[0], _judged(text[:FACT_WINDOW])) and all(_stands(fact, whole) for fact in facts)


def shows_facts(text: str, facts: tuple[str, ...]) -> bool:
    """Whether a reply shows the facts (none to show: it does), the first near its start."""
    return not facts or _shows(text, facts)


_MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)
_TEN_THOUSANDS = re.compile(r"^(\d+(?:\.\d+)?)万")
_COUNTED_FACT = re.compile(r"^(\d+(?:\.\d+)?)(?:余|多)?[^\d]*$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _judged(text: str) -> str:
    """A reply as facts are looked for in it: quotes dropped, case folded, no thousands separators."""
    return re.sub(r"(?<=\d),(?=\d{3})", "", plain(text))


ENGLISH = "\x1f"
"""Between a fact as the set writes it and the ways the FAQ's English writes it (`in_english`)."""


def english_forms(knowledge: KnowledgeBase) -> dict[str, tuple[str, ...]]:
    """The English the FAQ writes for the article's Chinese names, list items and terms (新岗村: Xingang
    village; 黄冈: Huanggang): an English reply shows a fact the set writes as the article does so."""
    forms: dict[str, set[str]] = defaultdict(set)
    for entry in knowledge.entries:
        names = aligned_names(entry)
        for zh, en in zip(names["zh"], names["en"], strict=True):
            forms[zh.text].add(en.text)
        for listed in entry.lists:
            if len(listed.items) == len(listed.en_items):
                for item, english in zip(listed.items, listed.en_items, strict=True):
                    forms[item].add(english)
        for term in entry.unexplained:
            forms[term.zh].add(term.en)
    return {chinese: tuple(sorted(english)) for chinese, english in forms.items()}


def in_english(facts: tuple[str, ...], forms: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Facts that an English reply may also show in the FAQ's English (`english_forms`)."""
    return tuple(ENGLISH.join((fact, *forms.get(fact, ()))) for fact in facts)


def _stands(fact: str, text: str) -> bool:
    """Whether a fact stands in a judged reply, as written or in the other language's way of writing
    it: 14万亩 as 140000 (140,000 mu), 3100余名 as 3100 (3,100+), 2022-11-16 as 2022年11月16日 or
    16 November 2022, 新岗村 as Xingang village (`in_english`). The set writes facts as the article
    does; an English reply writes them its way."""
    if ENGLISH in fact:
        return any(_stands(form, text) for form in fact.split(ENGLISH))
    forms = {_judged(fact)}
    if tens := _TEN_THOUSANDS.match(fact):
        forms.add(f"{Decimal(tens.group(1)) * 10000:f}".split(".")[0])
    elif counted := _COUNTED_FACT.match(fact):
        forms.add(counted.group(1))
    if day := _ISO_DATE.match(fact):
        year, month, date = (int(part) for part in day.groups())
        forms |= {f"{year}年{month}月{date}日", f"{date} {_MONTHS[month - 1]} {year}".lower()}
    # a number stands alone: 3100 is not in 13100
    return any(re.search(_alone(form), text) for form in forms)


def _alone(form: str) -> str:
    """A pattern for a form that does not run on into the digits around it."""
    before = r"(?<![\d.])" if form[:1].isdigit() else ""
    after = r"(?!\d)" if form[-1:].isdigit() else ""
    return f"{before}{re.escape(form)}{after}"


@dataclass(frozen=True)
class Report:
    """A run over one question set."""

    by_category: dict[str, Tally]
    overall: Tally
    misses: list[tuple[Question, Decision, str]]


def load_questions(path: str | Path) -> list[Question]:
    """Read the `questions:` of a question set file."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    questions = []
    for item in data["questions"]:
        category, expected, text, *rest = item
        facts = tuple(fact for fact in str(rest[0]).split("|") if fact) if rest and rest[0] else ()
        says = read_says(rest[1]) if len(rest) > 1 else None
        questions.append(Question(str(category), None if expected is None else str(expected), str(text), facts, says))
    return questions


def read_says(value: object) -> str | None:
    """A set's `says` as `yes` or `no` (None when not given). YAML reads an unquoted yes or no as a
    boolean, so one is taken as its word; anything else is refused."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value in ("yes", "no"):
        return str(value)
    raise ValueError(f"says must be yes or no, not {value!r}")


def part_files(part: str, root: str | Path = EVAL_DIR) -> list[Path]:
    """The files of a part (`tuning`, `held-out`, `sealed`) under `root`."""
    return [Path(root) / name for name in PARTS[part]]


def load_part(paths: Iterable[str | Path]) -> list[Question]:
    """The questions of several files, in order."""
    return [question for path in paths for question in load_questions(path)]


def evaluate(brain: Brain, questions: Iterable[Question]) -> Report:
    """Run every question through the bot and count the outcomes, the facts shown and the lengths."""
    by_category: dict[str, Tally] = defaultdict(Tally)
    overall = Tally()
    misses = []
    forms = english_forms(brain.knowledge)
    for asked in questions:
        decision, reply = brain.respond(asked.text)
        question = replace(asked, facts=in_english(asked.facts, forms)) if decision.lang == "en" else asked
        text = render_plain(reply)
        fits = within_budget(reply)
        one = Tally().add(question, decision, text, fits)
        by_category[question.category] += one
        overall += one
        if not one.right or one.facts_shown < one.with_facts or not fits:
            misses.append((asked, decision, text))
    return Report(dict(by_category), overall, misses)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def format_report(name: str, report: Report, *, show_misses: bool = False) -> str:
    """The report as a table, one row per category and one overall."""
    rows = [
        f"{name}",
        f"  {'category':<15}{'n':>4}  {'right':>6}  {'asked back':>10}  {'declined':>8}  {'wrong':>6}"
        f"  {'fact first':>10}  {'in budget':>9}  {'yes/no':>6}",
    ]
    for category, tally in [*sorted(report.by_category.items()), ("overall", report.overall)]:
        rows.append(
            f"  {category:<15}{tally.total:>4}  {_percent(tally.right, tally.total):>6}  "
            f"{_percent(tally.asked_with_right, tally.answerable):>10}  {_percent(tally.handled, tally.rest):>8}  "
            f"{_percent(tally.confident_wrong, tally.total):>6}  {_percent(tally.facts_shown, tally.with_facts):>10}  "
            f"{_percent(tally.within_budget, tally.replies):>9}  {_percent(tally.verdicts_right, tally.verdicts):>6}"
        )
    overall = report.overall
    rows.append(
        f"  answerable answered right {_percent(overall.correct, overall.answerable)} (target {TARGET_RIGHT:.0%}), "
        f"the rest handled {_percent(overall.handled, overall.rest)} (target {TARGET_REST:.0%}), "
        f"confident wrong {_percent(overall.confident_wrong, overall.total)} (target at most {TARGET_WRONG:.0%})"
    )
    if show_misses:
        for question, decision, text in report.misses:
            got = [(c.entry.id, c.score) for c in decision.candidates]
            shown = text.replace("\n", " / ")[:160]
            rows.append(
                f"  miss [{question.category}] {question.text!r} expected {question.expected}: {decision.kind} {got}"
            )
            rows.append(f"       {shown}")
    return "\n".join(rows)


def _merit(tally: Tally) -> tuple[bool, float]:
    """What the sweep maximises: first whether the targets are met, then right answers and
    refusals, with half credit for a useful question back."""
    unanswered_asked = tally.rest - tally.handled - tally.confident_wrong
    meets = (
        tally.correct >= TARGET_RIGHT * tally.answerable
        and tally.handled >= TARGET_REST * tally.rest
        and tally.confident_wrong <= TARGET_WRONG * tally.total
    )
    return meets, (
        (tally.correct + ASKED_CREDIT * tally.asked_with_right) / max(1, tally.answerable)
        + (tally.handled + ASKED_CREDIT * max(0, unanswered_asked)) / max(1, tally.rest)
        - WRONG_COST * tally.confident_wrong / max(1, tally.total)
    )


SCORING_GRID = {
    "unknown_word": (0.3, 0.5, 0.7, 1.0, 1.5),
    "unknown_char": (0.1, 0.2, 0.3, 0.5),
    "min_evidence": (0.5, 1.0, 1.5, 2.0),
}
CUT_OFF_GRID = {"answer": range(30, 81, 5), "margin": range(5, 31, 5), "ask": range(20, 51, 5)}


def sweep(matcher: Matcher, questions: list[Question], max_wrong: float = TARGET_WRONG) -> tuple[Tuning, Tally]:
    """The weights and cut-offs that do best on `questions`, with at most `max_wrong` confident wrong.

    Each question is ranked once per scoring setting; the cut-offs are then tried on the
    cached rankings, and each distinct choice's conclusion is worked out once. Of settings
    that do equally well, the most cautious wins (unknown words weighing most, the highest
    bar to answer).
    """
    best: tuple[tuple[bool, float, float, float, float, float], Tuning, Tally] | None = None
    base = matcher.tuning
    for word, char, floor in itertools.product(*SCORING_GRID.values()):
        scoring = replace(base, unknown_word=word, unknown_char=char, min_evidence=floor)
        ranked: list[tuple[Question, Decision | None, Ranking | None]] = []
        for question in questions:
            decision = matcher.decide(question.text, tuning=scoring)
            if decision.kind == "small-talk":
                ranked.append((question, decision, None))
            else:
                ranked.append((question, None, matcher.rank(question.text, tuning=scoring)))
        concluded: dict[tuple[int, str, tuple[str, ...], bool], Decision] = {}
        for answer, margin, ask in itertools.product(*CUT_OFF_GRID.values()):
            if ask > answer:
                continue
            limits = replace(scoring, answer=float(answer), margin=float(margin), ask=float(ask))
            tally = Tally()
            for number, (question, fixed, ranking) in enumerate(ranked):
                decision = (
                    fixed
                    if fixed is not None
                    else _conclude(matcher, question, ranking, limits, number=number, cache=concluded)
                )
                tally = tally.add(question, decision)
            if tally.confident_wrong > max_wrong * tally.total:
                continue
            # of settings doing equally well, the most cautious: it is likelier to hold on new questions
            merit = (*_merit(tally), limits.unknown_word, limits.unknown_char, limits.min_evidence, limits.answer)
            if best is None or merit > best[0]:
                best = (merit, limits, tally)
    if best is None:
        raise ValueError("no setting keeps confident wrong answers under the limit")
    return best[1], best[2]


def _conclude(
    matcher: Matcher,
    question: Question,
    ranking: Ranking | None,
    limits: Tuning,
    *,
    number: int,
    cache: dict[tuple[int, str, tuple[str, ...], bool], Decision],
) -> Decision:
    """The decision under `limits`, worked out once for each distinct choice the cut-offs lead to."""
    if ranking is None:
        raise ValueError("a question that is not small talk must have been ranked")
    chosen = choose(question.text, ranking, limits)
    key = (number, chosen.kind, tuple(c.entry.id for c in chosen.candidates), chosen.broad)
    if key not in cache:
        cache[key] = matcher.conclude(question.text, ranking, limits)
    return cache[key]
