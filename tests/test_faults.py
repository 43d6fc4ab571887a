"""Faults at any moment never duplicate or lose a draft, and never touch other mail: the agent
killed with SIGKILL at random points of a pass, Dovecot killed in the middle of a pass, and
Dovecot killed and restarted under the daemon, in IDLE and mid-pass (mail that arrived while it
was down is picked up). The trials and their invariants are in faults.py, shared with the longer
benchmarks/soak.py.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from faults import (
    AFTERMATHS,
    Daemon,
    Expected,
    Lab,
    daemon_trial,
    server_kill_trial,
    sigkill_trial,
    start_daemon,
)
from servers import Dovecot, Snapshot

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
    outcome = sigkill_trial(Lab(tmp_path), expected, rng, kills=2 if trial % 5 == 2 else 1,
                            then=AFTERMATHS[trial % 5 - 2] if trial % 5 > 2 else "")
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
