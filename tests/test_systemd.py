"""The systemd units in systemd/ pass `systemd-analyze verify --user`, pointed at the installed
`interview-agent` (verify checks that ExecStart is executable), and keep the promises the README
makes: no restart loop on a configuration problem, a reload on SIGHUP, a 5-minute timer."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNITS = Path(__file__).resolve().parent.parent / "systemd"
INSTALLED = "%h/.local/bin/interview-agent"


def agent_binary() -> str:
    found = Path(sys.executable).parent / "interview-agent"
    assert found.exists(), f"{found} missing: install the project (make test does)"
    return str(found)


def read_unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNITS / name)
    return parser


@pytest.mark.servers  # needs systemd-analyze, which `make servers` installs
def test_units_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail("systemd-analyze is not installed (apt-get install systemd; make test does)")
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    copies = tmp_path / "units"
    copies.mkdir()
    names = sorted(p.name for p in UNITS.iterdir() if p.suffix in (".service", ".timer"))
    assert names == [
        "interview-agent-once.service",
        "interview-agent.service",
        "interview-agent.timer",
    ]
    for name in names:
        text = (UNITS / name).read_text()
        if name.endswith(".service"):
            assert f"ExecStart={INSTALLED} " in text, name
        (copies / name).write_text(text.replace(INSTALLED, agent_binary()))
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "SYSTEMD_LOG_LEVEL": "notice"}
    done = subprocess.run(
        [analyze, "verify", "--user", *names],
        cwd=copies,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = (done.stdout + done.stderr).strip()
    assert done.returncode == 0, output
    assert output == "", output  # no warnings either


def test_daemon_unit_does_not_loop_on_problems_you_must_fix() -> None:
    service = read_unit("interview-agent.service")["Service"]
    assert service["ExecStart"].endswith("interview-agent run")
    assert service["Restart"] == "on-failure"
    assert service["RestartSec"] == "30"
    assert "78" in service["RestartPreventExitStatus"].split()
    assert service["ExecReload"] == "/bin/kill -HUP $MAINPID"
    assert service["NoNewPrivileges"] == "yes"


def test_timer_runs_one_pass_every_five_minutes() -> None:
    timer = read_unit("interview-agent.timer")["Timer"]
    assert timer["OnUnitActiveSec"] == "5min"
    assert timer["Unit"] == "interview-agent-once.service"
    once = read_unit("interview-agent-once.service")["Service"]
    assert once["Type"] == "oneshot"
    assert once["ExecStart"].endswith("interview-agent once")
