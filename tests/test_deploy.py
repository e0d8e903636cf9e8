"""The deployment files: the systemd unit verifies, the container keeps its promises."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"


def _directives(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        match = re.match(r"^(\w+)=(.*)$", line.strip())
        if match:
            found.setdefault(match.group(1), []).append(match.group(2))
    return found


class TestSystemdUnit:
    def test_unit_passes_systemd_analyze_verify(self, tmp_path: Path) -> None:
        """`systemd-analyze verify` accepts the unit, with ExecStart pointed at this install's faqbot."""
        analyze = shutil.which("systemd-analyze")
        if analyze is None:
            pytest.fail("systemd-analyze is not installed (apt-get install systemd; done by .ci/run)")
        installed = Path(sys.executable).parent / "faqbot"
        unit = (DEPLOY / "systemd" / "faqbot.service").read_text()
        local = tmp_path / "faqbot.service"
        local.write_text(unit.replace("/opt/faqbot/.venv/bin/faqbot", str(installed)))
        result = subprocess.run([analyze, "verify", str(local)], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        assert result.stderr.strip() == ""

    def test_unit_is_hardened_and_reloadable(self) -> None:
        """Non-root, read-only system, its own state directory, env file, restart on failure, SIGHUP reload."""
        unit = _directives((DEPLOY / "systemd" / "faqbot.service").read_text())
        assert unit["DynamicUser"] == ["yes"]
        assert unit["ProtectSystem"] == ["strict"]
        assert unit["StateDirectory"] == ["faqbot"]
        assert unit["EnvironmentFile"] == ["/etc/faqbot/faqbot.env"]
        assert unit["Restart"] == ["on-failure"]
        assert unit["ExecReload"] == ["/bin/kill -HUP $MAINPID"]
        assert "DATA_DIR=/var/lib/faqbot" in unit["Environment"][0]


class TestContainer:
    def test_dockerfile_slim_non_root_with_healthcheck_and_faq_volume(self) -> None:
        """The image is slim, runs as a non-root user, checks its health, and takes the FAQ as a volume."""
        text = (DEPLOY / "Dockerfile").read_text()
        assert re.search(r"^FROM python:3\.\d+-slim", text, re.M)
        users = re.findall(r"^USER (\S+)", text, re.M)
        assert users
        assert users[-1] not in ("root", "0")
        assert re.search(r'^HEALTHCHECK .*CMD \["faqbot", "health"\]', text, re.M)
        assert re.search(r'^VOLUME .*"/faq"', text, re.M)
        assert "FAQ_FILE=/faq/faq.yaml" in text

    def test_compose_mounts_the_faq_directory_and_keeps_data(self) -> None:
        """Compose mounts the knowledge directory read-only at /faq and keeps /data in a volume."""
        compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
        service = compose["services"]["faqbot"]
        assert "../knowledge:/faq:ro" in service["volumes"]
        assert any(v.endswith(":/data") for v in service["volumes"])
        assert service["restart"] == "unless-stopped"

    def test_dockerignore_keeps_secrets_and_state_out(self) -> None:
        """The build context leaves out the environment file, the virtualenv and local data."""
        ignored = set((ROOT / ".dockerignore").read_text().split())
        assert {".env", ".venv", "data", ".git"} <= ignored
