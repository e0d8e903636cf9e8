"""The command line, run as a user runs it: `python -m bot ...` in a subprocess."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from bot.storage.open import open_store
from bot.storage.store import Event
from tests.conftest import FAQ, ROOT

BROKEN = Path(__file__).parent / "broken"


def _run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "FAQ_FILE": str(FAQ), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=60,
        check=False,
    )


class TestAsk:
    def test_json_lines_have_the_documented_fields(self) -> None:
        """`ask --json` prints one object per question with the documented keys."""
        result = _run("ask", "--json", "党小组有多少个", "孝昌县GDP是多少", "Fengshan")
        assert result.returncode == 0, result.stderr
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        fields = {"question", "kind", "matched", "answer", "id", "title", "score", "lang", "verdict", "missing"}
        assert [set(row) for row in rows] == [fields | {"suggestions"}] * 3
        answered, declined, asked = rows
        assert [row["kind"] for row in rows] == ["answer", "decline", "ask-back"]
        assert answered["matched"] is True
        assert answered["id"] == "system-vertical"
        assert "875" in answered["answer"]
        assert declined["matched"] is False
        assert declined["id"] is None
        assert asked["matched"] is False
        assert asked["lang"] == "en"
        assert {s["id"] for s in asked["suggestions"]} == {"lead-three-four", "act-everyone"}

    def test_small_talk_and_unexplained_terms_have_their_own_kind(self) -> None:
        """`ask --json` says when a message was small talk, or named a term the article leaves unexplained."""
        result = _run("ask", "--json", "你好", "五问是什么", "太子米多少钱一斤")
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        assert [row["kind"] for row in rows] == ["small-talk", "unexplained", "unexplained"]
        assert [row["matched"] for row in rows] == [False, False, False]
        assert [row["missing"] for row in rows] == [None, "五问", "太子米多少钱一斤"]
        assert rows[1]["suggestions"][0]["id"] == "system-quality"

    def test_questions_from_stdin_one_per_line(self) -> None:
        """With no arguments, `ask` reads one question per line and skips blank lines."""
        result = _run("ask", "--json", stdin="沈腾\n\nWho is Shen Teng?\n")
        ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
        assert ids == ["act-returnees", "act-returnees"]


class TestValidate:
    def test_good_file_exits_zero_with_a_summary(self) -> None:
        """A valid FAQ gives one summary line and exit status 0."""
        result = _run("validate", str(FAQ))
        assert result.returncode == 0
        assert result.stdout.strip().endswith("example questions")
        assert "18 entries" in result.stdout

    def test_broken_file_exits_one_with_file_line_messages(self) -> None:
        """A broken FAQ lists its problems as file:line: message and exits 1, with no traceback."""
        path = BROKEN / "unknown_key.yaml"
        result = _run("validate", str(path))
        assert result.returncode == 1
        assert f"{path}:8: unknown key 'colour'" in result.stderr.splitlines()[1]
        assert "Traceback" not in result.stderr

    def test_faq_file_variable_is_honoured(self) -> None:
        """FAQ_FILE points every command at another file."""
        result = _run("ask", "党小组", env={"FAQ_FILE": str(BROKEN / "empty_file.yaml")})
        assert result.returncode == 1
        assert "the file is empty" in result.stderr


class TestChat:
    def test_chat_answers_and_follows_a_numbered_choice(self, tmp_path: Path) -> None:
        """The console answers like the bot, and a number picks an offered option."""
        result = _run("chat", stdin="Fengshan\n2\n党小组有多少个\n/quit\n", env={"DATA_DIR": str(tmp_path)})
        assert result.returncode == 0
        out = result.stdout
        assert "Which of these did you mean?" in out
        assert "Mobilising everyone" in out.split("Which of these did you mean?")[1]
        assert "▶ 党小组 875个" in out

    def test_chat_follows_up_as_the_bot_does(self, tmp_path: Path) -> None:
        """In the console, 那茶叶呢 reads against the last answer, 全文 expands it, a decline's suggestions
        are numbered lines that a typed number picks, and each turn is logged as the console's."""
        script = "苗木花卉种了多少亩\n那茶叶呢\n全文\n孝昌县GDP是多少\n2\n"
        result = _run("chat", stdin=script, env={"DATA_DIR": str(tmp_path)})
        assert result.returncode == 0, result.stderr
        replies = result.stdout.split("\n\n")
        tea, full, declined, picked = replies[-5:-1]
        assert "▶ 茶叶 13.9万亩" in tea
        assert "（回复“全文”看全文）" in tea
        assert "周巷镇入选全国一村一品示范村镇" in full
        assert "2. 优化体系，一体推进" in declined
        assert declined.endswith("回复序号即可。")
        assert picked.startswith("【优化体系，一体推进】")
        report = _run("report", "--csv", env={"DATA_DIR": str(tmp_path)})
        assert "stats,answered,2," in report.stdout

    def test_bad_setting_is_one_line(self) -> None:
        """A malformed environment value is reported in one line, with exit status 2."""
        result = _run("chat", env={"TELEGRAM_BOT_TOKEN": "not-a-token"})
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1
        assert "TELEGRAM_BOT_TOKEN" in result.stderr


class TestReport:
    def test_report_prints_stats_and_csv(self, tmp_path: Path) -> None:
        """`report` prints what /stats and /unanswered show; `--csv` gives one table."""

        async def fill() -> None:
            store = await open_store(tmp_path)
            await store.events.record(Event("answered", "private", "zh", "党小组", 7, entry_id="system-vertical"))
            await store.events.record(Event("unanswered", "private", "zh", "孝昌县GDP是多少", 7))
            await store.close()

        asyncio.run(fill())
        text = _run("report", env={"DATA_DIR": str(tmp_path)})
        assert text.returncode == 0, text.stderr
        assert "2 个问题" in text.stdout
        assert "1× 孝昌县GDP是多少" in text.stdout
        table = _run("report", "--csv", env={"DATA_DIR": str(tmp_path)})
        assert table.stdout.splitlines()[0] == "section,key,count,detail"
        assert "unanswered,孝昌县GDP是多少,1," in table.stdout
        chart = _run("report", "--png", str(tmp_path / "stats.png"), env={"DATA_DIR": str(tmp_path)})
        assert chart.returncode == 0, chart.stderr
        assert (tmp_path / "stats.png").read_bytes()[:4] == b"\x89PNG"


class TestDiff:
    def test_diff_prints_the_review_an_upload_would_get(self, tmp_path: Path) -> None:
        """`diff OLD NEW` checks NEW as a reload would and lists what changes; exit 0 when NEW loads."""
        new = tmp_path / "new.yaml"
        new.write_text(FAQ.read_text(encoding="utf-8").replace("875", "876"), encoding="utf-8")
        result = _run("diff", str(FAQ), str(new), "--lang", "en")
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[-1] == (
            "Changed “Deepening vertically”: summary; answer; English; figure 875 Party groups → 876 Party groups"
        )

    def test_diff_of_a_broken_file_lists_its_problems_and_exits_one(self, tmp_path: Path) -> None:
        """A candidate that would not load: its problems by line, in the review's language, exit 1."""
        new = tmp_path / "new.yaml"
        new.write_text("entries: [\n  a,\n\nfoo: 1\n", encoding="utf-8")
        result = _run("diff", str(FAQ), str(new))
        assert result.returncode == 1
        assert "第 5 行：YAML 语法错误：[ 列表里少了逗号或右方括号 ]；第 1 行开始的 [ 列表没有结束" in result.stdout
        english = _run("diff", str(FAQ), str(new), "--lang", "en")
        assert "line 5: YAML syntax error: did not find expected ',' or ']'" in english.stdout
        assert "the [ list opened on line 1 is not closed" in english.stdout

    def test_report_refuses_a_data_dir_without_a_database(self, tmp_path: Path) -> None:
        """In a fresh checkout `report` does not make an empty database: it says where it looked and why."""
        result = _run("report", env={"DATA_DIR": str(tmp_path / "nowhere")})
        assert result.returncode == 1
        assert str(tmp_path / "nowhere") in result.stderr
        assert "DATA_DIR" in result.stderr
        assert not (tmp_path / "nowhere").exists()

    def test_report_refuses_a_negative_period(self, tmp_path: Path) -> None:
        """`--days -3` is refused, not turned into a date in the future."""
        result = _run("report", "--days", "-3", env={"DATA_DIR": str(tmp_path)})
        assert result.returncode == 2
        assert "--days -3" in result.stderr


class TestEval:
    def test_sealed_figures_print_only_the_sealed_part_and_no_question(self, tmp_path: Path) -> None:
        """`eval --sealed-figures` scores the sealed part's files alone and prints figures, never a question."""
        sealed = tmp_path / "sealed.yaml"
        sealed.write_text(
            "questions:\n"
            "  - [figure, system-vertical, 孝昌县有几个党小组呀, '875']\n"
            "  - [yesno, act-returnees, 国家级星创天地有2家吗, 1家, 'no']\n"
            "followups:\n  - [ellipsis, 党小组设在哪里, system-vertical, 一共多少个, system-vertical, '875']\n",
            encoding="utf-8",
        )
        result = _run("eval", "--sealed-figures", "--misses", "--sealed", str(sealed))
        assert result.returncode == 0, result.stderr
        assert f"sealed ({sealed}, 2 questions)" in result.stdout
        assert "tuning (" not in result.stdout
        assert "held-out (" not in result.stdout
        assert "党小组" not in result.stdout
        assert "星创天地" not in result.stdout
