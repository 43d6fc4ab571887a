"""Faults at any moment never duplicate or lose a draft, and never touch other mail: the agent
killed with SIGKILL at random points of a pass, Dovecot killed in the middle of a pass, and
Dovecot killed and restarted under the daemon, in IDLE and mid-pass (mail that arrived while it
was down is picked up). The trials and their invariants are in faults.py, shared with the longer
benchmarks/soak.py.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from faults import (
    AFTERMATHS,
    Account,
    Daemon,
    Expected,
    Lab,
    daemon_trial,
    draft_keys,
    seed,
    server_kill_trial,
    sigkill_trial,
    start_daemon,
)
from servers import Dovecot, Snapshot, TcpProxy

from agent.errors import ExitCode

SIGKILL_TRIALS = 10
SEED = 20261013


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> Expected:
    """What one undisturbed pass over the fault mailbox drafts, and how long it works."""
    return Lab(tmp_path_factory.mktemp("reference")).reference()


@pytest.mark.parametrize("trial", range(SIGKILL_TRIALS))
def test_sigkill_at_a_random_point_of_a_pass(
    trial: int, expected: Expected, tmp_path: Path
) -> None:
    """`once` killed -9 once or twice at random moments of its IMAP work (in some trials the
    state file is then lost, or the server renumbers INBOX and Drafts), then run again: each
    draft is in Drafts exactly once, nothing else changed, the state says drafted."""
    assert len(expected.keys) == 7 and len(expected.drafted) == 7
    rng = random.Random(SEED + trial)
    outcome = sigkill_trial(
        Lab(tmp_path),
        expected,
        rng,
        kills=2 if trial % 5 == 2 else 1,
        then=AFTERMATHS[trial % 5 - 2] if trial % 5 > 2 else "",
    )
    assert outcome.problems == [], outcome.what


@pytest.mark.parametrize("trial", range(2))
def test_dovecot_killed_in_the_middle_of_a_pass(
    trial: int, expected: Expected, tmp_path: Path
) -> None:
    """The server dies under `once`: it fails with one plain line; after a restart the next
    pass completes the job without a duplicate."""
    outcome = server_kill_trial(Lab(tmp_path), expected, random.Random(SEED - trial))
    assert outcome.problems == [], outcome.what


# --- the daemon ----------------------------------------------------------------------------------


@pytest.fixture
def daemon(dovecot: Dovecot, tmp_path: Path) -> Iterator[tuple[Daemon, Snapshot]]:
    running, before = start_daemon(dovecot, tmp_path / "agent")
    yield running, before
    running.stop()


def test_daemon_survives_dovecot_killed_in_idle_and_mid_pass(
    daemon: tuple[Daemon, Snapshot],
) -> None:
    """Killed in IDLE (an invite arrives in the Maildir while IMAP is down), then killed in the
    pass that new mail starts: the daemon backs off, reconnects, drafts what came meanwhile,
    once, and touches nothing else."""
    running, before = daemon
    rng = random.Random(SEED)
    for n, in_idle in enumerate((True, False)):
        outcome = daemon_trial(running, before, n, rng, in_idle=in_idle)
        assert outcome.problems == [], outcome.what
    assert running.keys == 9
    assert running.stop() == 0
    text = running.text()
    assert "Traceback" not in text
    assert "IDLE connection" in text and "retrying in" in text  # it saw the crash, backed off


def test_a_hang_up_during_the_tls_handshake_is_a_connection_failure(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    """A front end that accepts the connection and closes it in the TLS handshake (a proxy or
    load balancer whose server is restarting) is a failure to retry, not a certificate problem:
    `once` exits with the connection code, and the daemon keeps retrying until the server is
    back instead of stopping for good (exit 77 is never restarted by the unit)."""
    seed(dovecot, datetime.now(UTC))
    dovecot.kill()
    proxy = TcpProxy(dovecot.tls_port)  # accepts, cannot reach Dovecot, hangs up
    try:
        code, _, err = Account(dovecot, tmp_path / "once", proxy.port).run("once")
    finally:
        proxy.close()
    assert code == ExitCode.UNAVAILABLE, err
    assert "certificate" not in err.lower()

    running = Daemon(dovecot, tmp_path / "daemon")
    try:
        running.wait(lambda: running.text().count("retrying in") >= 2, "two retries")
        dovecot.start()
        running.wait_for_keys(7, "the drafts once the server is back")
    finally:
        assert running.stop() == 0, running.text()
    assert set(draft_keys(dovecot).values()) == {1}
