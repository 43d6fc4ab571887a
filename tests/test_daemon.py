"""`interview-agent run` as a user runs it: a subprocess against a real Dovecot, with the real
clock. New mail arrives by IMAP IDLE, a server crash is survived, SIGTERM exits 0 and SIGHUP
reloads the config (keeping the old one when the new one is broken).

The planner tick is left at 60 s, so an interview showing up well within the 30 s wait came
through IDLE; nothing else is timed.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from harness import Daemon, child
from helpers import PASSWORD_ENV, imap_config, invite_eml
from servers import PASSWORD, Dovecot

from agent.errors import AuthenticationFailed, ConnectionFailed, ExitCode
from agent.ingest.mailbox import interview_id
from agent.mail.imap import login_failure

WAIT_SECONDS = 30.0
DAEMON_SECTION = """\
timeout_seconds = 10

[daemon]
tick_seconds = 60
sent_poll_seconds = 120
idle_renew_minutes = 9
max_backoff_seconds = 4
"""


class Agent(Daemon):
    """The daemon subprocess, its log, and the CLI next to it."""

    def __init__(self, config: Path, log: Path) -> None:
        super().__init__(config, log, env={PASSWORD_ENV: PASSWORD}, wait_seconds=WAIT_SECONDS)

    def status(self) -> dict[str, object]:
        done = child(self.config, "status", "--json", env=self.env)
        assert done.code == 0, done.err
        result: dict[str, object] = json.loads(done.out)
        return result

    def interview_ids(self) -> set[str]:
        interviews = self.status()["interviews"]
        assert isinstance(interviews, list)
        return {str(i["id"]) for i in interviews}

    def wait_for_interview(self, uid: str) -> None:
        wanted = interview_id(uid)
        self.wait(lambda: wanted in self.interview_ids(), f"interview {uid}")


@pytest.fixture
def agent(dovecot: Dovecot, tmp_path: Path) -> Iterator[Agent]:
    config = imap_config(
        tmp_path / "config", port=dovecot.tls_port, ca_file=dovecot.ca_file, extra=DAEMON_SECTION
    )
    daemon = Agent(config, tmp_path / "daemon.log")
    daemon.start()
    daemon.wait_for_log("IDLE: waiting for new mail in INBOX")
    yield daemon
    if daemon.running:
        daemon.stop()


def deliver(dovecot: Dovecot, n: int) -> str:
    """APPEND an interview invite for two hours from now; return its UID."""
    now = datetime.now(UTC).replace(microsecond=0)
    uid = f"daemon-{n}-{time.time_ns()}@google.com"
    dovecot.append(
        "INBOX",
        invite_eml(
            start=now + timedelta(hours=2),
            end=now + timedelta(hours=3),
            sent=now,
            uid=uid,
            message_id=f"<invite-{n}-{time.time_ns()}@google.com>",
        ),
    )
    return uid


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_new_invite_shows_up_in_status(agent: Agent, dovecot: Dovecot) -> None:
    uid = deliver(dovecot, 1)
    agent.wait_for_interview(uid)
    assert "interview found" in agent.text()


def test_survives_a_server_crash(agent: Agent, dovecot: Dovecot) -> None:
    first = deliver(dovecot, 1)
    agent.wait_for_interview(first)
    assert agent.proc is not None

    dovecot.kill()
    before = cpu_seconds(agent.proc.pid)
    time.sleep(5)
    # imapclient's idle_check returns [] at once on EOF: a naive loop spins at 100 % CPU.
    assert cpu_seconds(agent.proc.pid) - before < 2.5
    assert agent.running
    dovecot.start()

    second = deliver(dovecot, 2)
    agent.wait_for_interview(second)
    assert "IDLE connection" in agent.text()  # the watcher saw the crash and reconnected
    assert "Traceback" not in agent.text()


def test_sigterm_exits_zero(agent: Agent) -> None:
    assert agent.proc is not None
    agent.signal(signal.SIGTERM)
    assert agent.proc.wait(timeout=10) == 0
    assert "stopping" in agent.text()


def test_sighup_reloads_and_keeps_the_old_config_when_broken(
    agent: Agent, dovecot: Dovecot
) -> None:
    good = agent.config.read_text()
    agent.config.write_text(good.replace("tick_seconds = 60", 'tick_seconds = "often"'))
    agent.signal(signal.SIGHUP)
    agent.wait_for_log("config reload failed, keeping the old config")
    assert "[daemon].tick_seconds" in agent.text()
    assert agent.running

    agent.config.write_text(good.replace("tick_seconds = 60", "tick_seconds = 30"))
    agent.signal(signal.SIGHUP)
    agent.wait_for_log("config reloaded from")
    agent.wait_for_log("IDLE: waiting for new mail in INBOX", count=2)
    uid = deliver(dovecot, 1)
    agent.wait_for_interview(uid)
    assert agent.stop() == 0


def test_wrong_password_exits_with_its_code(dovecot: Dovecot, tmp_path: Path) -> None:
    config = imap_config(
        tmp_path / "config", port=dovecot.tls_port, ca_file=dovecot.ca_file, extra=DAEMON_SECTION
    )
    daemon = Agent(config, tmp_path / "daemon.log")
    daemon.env[PASSWORD_ENV] = "wrong"
    daemon.start()
    assert daemon.proc is not None
    assert daemon.proc.wait(timeout=30) == 77  # EX_NOPERM: the unit does not restart on it
    assert "refused the login" in daemon.text()
    assert f"environment variable {PASSWORD_ENV}" in daemon.text()  # the hint fits the source
    assert "set-password" not in daemon.text()
    assert "wrong" not in daemon.text()


@pytest.mark.parametrize(
    ("response", "final"),
    [
        ("b'[AUTHENTICATIONFAILED] Authentication failed.'", True),
        ("b'Login failed.'", True),
        ("b'[UNAVAILABLE] Temporary authentication failure. [host:2026-11-26]'", False),
        ("b'[INUSE] Mailbox is locked by another session'", False),
        ("b'[SERVERBUG] Internal error occurred.'", False),
    ],
)
def test_only_a_final_login_refusal_stops_the_service(response: str, final: bool) -> None:
    """RFC 5530: a server that cannot check the password right now is retried with backoff;
    only a refusal of the credentials exits 77, which the unit does not restart on."""
    error = login_failure("imap.example.com", "alex", response)
    assert isinstance(error, AuthenticationFailed) == final
    assert isinstance(error, ConnectionFailed) != final
    assert error.exit_code == (ExitCode.NOPERM if final else ExitCode.UNAVAILABLE)


def test_sigterm_while_the_server_hangs(dovecot: Dovecot, tmp_path: Path) -> None:
    """A pass stuck on a server that stopped answering is cut short: still exit 0."""
    config = imap_config(
        tmp_path / "config",
        port=dovecot.tls_port,
        ca_file=dovecot.ca_file,
        extra=DAEMON_SECTION.replace("tick_seconds = 60", "tick_seconds = 1").replace(
            "timeout_seconds = 10", "timeout_seconds = 60"
        ),
    )
    daemon = Agent(config, tmp_path / "daemon.log")
    daemon.start()
    daemon.wait_for_log("IDLE: waiting for new mail in INBOX")
    master = int((dovecot.root / "run" / "master.pid").read_text())
    os.killpg(master, signal.SIGSTOP)  # every Dovecot process: connections stay open, silent
    try:
        time.sleep(2.5)  # a planner tick starts a pass that now waits for the server
        assert daemon.proc is not None
        daemon.signal(signal.SIGTERM)
        assert daemon.proc.wait(timeout=10) == 0
    finally:
        os.killpg(master, signal.SIGCONT)
    assert "closing the connection to stop" in daemon.text()
