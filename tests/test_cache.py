"""What is built from an FAQ is kept on disk by digest, and a reload checks what changed first.

The cache: an FAQ built and checked before is read back whole (and answers the same), a changed
one is built again, a damaged, foreign or unreadable cache file is ignored and worked out again,
and the folder keeps only a few entries. The reload: only the entries that differ from the FAQ
in use are checked before it is swapped in; the whole check follows in the background, and only
an FAQ that passes it is kept as the last good version.
"""

from __future__ import annotations

import logging
import os
import pickle
from pathlib import Path

import pytest

import bot.core.brain
from bot.core.brain import Brain
from bot.core.cache import KEEP, Cache
from bot.faq.knowledge import KnowledgeError, read_faq
from bot.faq.reloading import LAST_GOOD, FaqReloader, ReloadResult, Trigger
from bot.ops.evaluation import load_questions
from tests.conftest import FAQ, ROOT

RAW = read_faq(FAQ)
EDITED = RAW.replace("875个党小组".encode(), "876个党小组".encode(), 1)
"""The FAQ with one figure of one entry (system-vertical) changed."""


def _no_building(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("built again")

    monkeypatch.setattr(bot.core.brain, "Matcher", refuse)


class TestCache:
    def test_an_unchanged_faq_is_read_back_and_answers_the_same(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, brain: Brain
    ) -> None:
        """A second start reads the built, checked FAQ back instead of building it, and every answer is the same."""
        cache = Cache(tmp_path)
        Brain.parse(RAW, str(FAQ), cache=cache)
        _no_building(monkeypatch)
        cached = Brain.parse(RAW, str(FAQ), cache=cache)
        assert cached.checked_only is None
        for question in load_questions(ROOT / "tests" / "eval" / "tuning.yaml")[::7]:
            assert cached.respond(question.text) == brain.respond(question.text), question.text

    def test_a_changed_faq_or_another_path_is_built_again(self, tmp_path: Path) -> None:
        """Other bytes, or the same bytes read from another path, make another key."""
        cache = Cache(tmp_path)
        assert len({cache.key(RAW, "faq.yaml"), cache.key(EDITED, "faq.yaml"), cache.key(RAW, "other.yaml")}) == 3

    def test_a_refused_faq_is_refused_again_with_the_same_problems(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An FAQ that failed its self-check fails again from the cache, each problem as before."""
        broken = RAW.replace("孝昌县有多少个党小组".encode(), "全县的篮球比赛有几场".encode())
        cache = Cache(tmp_path)
        with pytest.raises(KnowledgeError) as first:
            Brain.parse(broken, "faq.yaml", cache=cache)
        _no_building(monkeypatch)
        with pytest.raises(KnowledgeError) as again:
            Brain.parse(broken, "faq.yaml", cache=cache)
        assert again.value.problems == first.value.problems

    @pytest.mark.parametrize("damage", ["cut short", "one byte changed", "empty"])
    def test_a_damaged_file_is_ignored_removed_and_rebuilt(
        self, tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A cache file cut short or changed is not read: the FAQ is built again and the file rewritten."""
        cache = Cache(tmp_path)
        Brain.parse(RAW, str(FAQ), cache=cache)
        (path,) = tmp_path.glob("*.pickle")
        data = path.read_bytes()
        damaged = {"cut short": data[: len(data) // 2], "one byte changed": data[:-1] + bytes([data[-1] ^ 1]),
                   "empty": b""}[damage]  # fmt: skip
        path.write_bytes(damaged)
        with caplog.at_level(logging.WARNING):
            assert Brain.parse(RAW, str(FAQ), cache=cache).decide("党小组").kind == "answer"
        assert "working it out again" in caplog.text
        assert path.read_bytes() == data

    def test_a_file_that_would_run_code_is_refused(self, tmp_path: Path) -> None:
        """A well-formed cache file whose pickle calls something outside the bot's classes runs nothing."""
        marker = tmp_path / "ran"

        class Payload:
            def __reduce__(self) -> tuple[object, tuple[str]]:
                return os.system, (f"touch {marker}",)

        cache = Cache(tmp_path / "cache")
        cache.put("key", Payload())
        assert cache.get("key", object) is None
        assert not marker.exists()
        assert not (tmp_path / "cache" / "key.pickle").exists()

    def test_a_folder_that_cannot_be_written_only_costs_the_time(self, tmp_path: Path) -> None:
        """With no writable cache folder the FAQ is built and served all the same."""
        blocker = tmp_path / "file"
        blocker.write_text("not a folder")
        assert Brain.parse(RAW, str(FAQ), cache=Cache(blocker / "cache")).decide("党小组").kind == "answer"

    def test_only_the_most_recently_used_entries_are_kept(self, tmp_path: Path) -> None:
        """The folder holds at most KEEP entries; the oldest go first."""
        cache = Cache(tmp_path)
        for number in range(KEEP + 3):
            cache.put(f"key{number}", [number])
            os.utime(tmp_path / f"key{number}.pickle", (number, number))
        kept = sorted(path.stem for path in tmp_path.glob("*.pickle"))
        assert kept == sorted(f"key{number}" for number in range(3, KEEP + 3))
        assert cache.get(f"key{KEEP + 2}", list) == [KEEP + 2]

    def test_the_cache_is_a_pickle_behind_a_checksum(self, tmp_path: Path) -> None:
        """What is read back is exactly what was put, for plain values too."""
        cache = Cache(tmp_path)
        cache.put("plain", {"a": (1, 2.5, "三")})
        assert cache.get("plain", dict) == {"a": (1, 2.5, "三")}
        assert cache.get("plain", list) is None  # of another kind: not used
        assert pickle.HIGHEST_PROTOCOL >= 5


class TestChangedEntries:
    def test_a_reload_checks_only_the_entries_that_changed(self, brain: Brain) -> None:
        """With the FAQ in use at hand, only the edited entry's self-check runs before the swap."""
        edited = Brain.parse(EDITED, str(FAQ), served=brain)
        assert edited.checked_only == frozenset({"system-vertical"})

    def test_a_change_outside_the_entries_checks_them_all(self, brain: Brain) -> None:
        """A change to the article block may move any answer: every entry is checked."""
        edited = RAW.replace("zh: 孝昌县基层党建问答\n".encode(), "zh: 孝昌县党建问答\n".encode(), 1)
        assert edited != RAW
        assert Brain.parse(edited, str(FAQ), served=brain).checked_only is None

    def test_a_partly_checked_faq_is_checked_whole_when_parsed_again(
        self, tmp_path: Path, brain: Brain, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Parsed again without the FAQ in use, a partly checked FAQ comes back from the cache checked whole."""
        cache = Cache(tmp_path)
        Brain.parse(EDITED, str(FAQ), cache=cache, served=brain)
        _no_building(monkeypatch)
        assert Brain.parse(EDITED, str(FAQ), cache=cache).checked_only is None


class TestReload:
    async def test_an_edit_is_kept_as_last_good_once_checked_whole(self, tmp_path: Path, brain: Brain) -> None:
        """A reload swaps in the edited FAQ after checking what changed, then keeps it once the whole check passes."""
        faq = tmp_path / "faq.yaml"
        faq.write_bytes(RAW)
        installed: list[Brain] = []
        reloader = FaqReloader(faq, tmp_path, Brain.parse, installed.append)
        reloader.serving(brain, RAW)
        faq.write_bytes(EDITED)
        result = await reloader.reload(Trigger.SIGNAL)
        assert result.ok
        assert installed[-1].checked_only == frozenset({"system-vertical"})
        await reloader.checked()
        assert (tmp_path / LAST_GOOD).read_bytes() == EDITED

    async def test_an_edit_failing_the_whole_check_is_taken_back_and_the_admins_told(
        self, tmp_path: Path, brain: Brain, caplog: pytest.LogCaptureFixture
    ) -> None:
        """An FAQ whose unchanged entries fail the whole check once it is in use is taken back: the FAQ
        served before returns, the problems are logged and sent to the admins, and it is not kept."""
        faq = tmp_path / "faq.yaml"
        faq.write_bytes(RAW)
        installed: list[Brain] = []
        told: list[ReloadResult] = []

        def build(raw: bytes, path: str, *, served: Brain | None = None) -> Brain:
            built = Brain.parse(raw, path, served=served)
            if served is None:  # the whole check: as if an unchanged entry's example now went elsewhere
                raise KnowledgeError([f"{path}:600: example '党小组' of entry 'system-vertical' is answered by 'x'"])
            return built

        async def tell(result: ReloadResult, _trigger: Trigger, _quiet_for: int | None) -> None:
            told.append(result)

        reloader = FaqReloader(faq, tmp_path, build, installed.append, tell_admins=tell)
        reloader.serving(brain, RAW)
        faq.write_bytes(EDITED)
        with caplog.at_level(logging.ERROR):
            assert (await reloader.reload(Trigger.SIGNAL)).ok
            await reloader.checked()
        assert installed[-1] is brain
        assert reloader.raw == RAW
        assert "taken back after the whole self-check" in caplog.text
        assert [result.ok for result in told] == [True, False]  # told of the edit, then of taking it back
        assert "answered by 'x'" in told[-1].problems[0]
        assert (tmp_path / LAST_GOOD).read_bytes() == RAW

    async def test_an_unchanged_file_is_not_built(self, tmp_path: Path, brain: Brain) -> None:
        """A reload of the bytes already in use builds nothing and swaps nothing."""
        faq = tmp_path / "faq.yaml"
        faq.write_bytes(RAW)
        built: list[bytes] = []

        def build(raw: bytes, path: str, *, served: Brain | None = None) -> Brain:
            built.append(raw)
            return Brain.parse(raw, path, served=served)

        reloader = FaqReloader(faq, tmp_path, build, lambda _: None)
        reloader.serving(brain, RAW)
        assert (await reloader.reload(Trigger.SIGNAL)).ok
        assert built == []
