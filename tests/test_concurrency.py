"""At most once even when two run: two `interview-agent once` started together, on one state
file (the second waits for the state lock, then finds every draft in place) and on two (two
machines with one account: whichever copy of a key came second is removed by the process that
placed it), against a real Dovecot and a Maildir. The short form of benchmarks/concurrency.py;
the trials and their invariants are in races.py.

Also here: the state lock itself (a second `run` exits 75 at once naming the first's pid,
`once` waits for a pass, then gives up with 75), and migrations of a new state file by two
processes at once.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import json
import logging
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from faults import Expected
from harness import child, cli
from helpers import PASSWORD_ENV, imap_config, invite_eml, maildir_config
from races import imap_trial, maildir_trial, reference, seed_maildir, tag_of
from servers import PASSWORD, Dovecot

import agent.cli
from agent.app import PassResult, one_pass
from agent.config import Config, load_config
from agent.errors import ExitCode, StateBusy
from agent.mail.imap import ImapStore
from agent.mail.maildir import MaildirStore
from agent.mail.store import MailStore
from agent.model import draft_tag
from agent.state.lock import StateLock, lock_path
from agent.state.store import MIGRATIONS, SCHEMA_VERSION, StateStore, use_write_ahead_log

TRIALS = 6


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> Expected:
    """What one undisturbed pass over the faults.py mailbox drafts: seven drafts."""
    found = reference(tmp_path_factory.mktemp("reference"))
    assert len(found.keys) == 7 and len(found.drafted) == 7
    return found


@pytest.mark.parametrize("trial", range(TRIALS))
def test_two_passes_on_one_state_file(trial: int, expected: Expected, tmp_path: Path) -> None:
    """The second waits for the lock (or gives up with 75): never two drafts for one key."""
    outcome = imap_trial(tmp_path, expected, shared=True, existing=trial % 2 == 1)
    assert outcome.problems == [], outcome.what


@pytest.mark.parametrize("trial", range(TRIALS))
def test_two_passes_on_two_state_files(trial: int, expected: Expected, tmp_path: Path) -> None:
    """Both may APPEND a key: every instance keeps the lowest UID and removes its own later
    copy, so each key is in Drafts once when both are done."""
    outcome = imap_trial(tmp_path, expected, shared=False, existing=trial % 2 == 1)
    assert outcome.problems == [], outcome.what


@pytest.fixture(scope="module")
def maildir_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seed_maildir(tmp_path_factory.mktemp("maildir") / "Mail")


@pytest.mark.parametrize("shared", [True, False], ids=["one-state", "two-states"])
@pytest.mark.parametrize("trial", range(3))
def test_two_passes_on_one_maildir(
    trial: int, shared: bool, expected: Expected, maildir_template: Path, tmp_path: Path
) -> None:
    """The same rule by file: names sort in the order drafts appeared, the first is kept."""
    outcome = maildir_trial(tmp_path, maildir_template, expected, shared=shared)
    assert outcome.problems == [], outcome.what


# --- the lock itself -------------------------------------------------------------------------


def test_the_lock_names_its_holder_and_is_private(tmp_path: Path) -> None:
    state = tmp_path / "state" / "state.db"
    with StateLock.acquire(state, "run"):
        assert lock_path(state).stat().st_mode & 0o777 == 0o600
        assert lock_path(state).read_text().split() == [str(os.getpid()), "run"]
        started = time.monotonic()
        with pytest.raises(StateBusy) as caught:
            StateLock.acquire(state, "once", wait=0.3)
        assert time.monotonic() - started >= 0.3
        assert f"pid {os.getpid()}" in str(caught.value)
        assert "interview-agent run" in str(caught.value)
        assert caught.value.exit_code == ExitCode.TEMPFAIL
    with StateLock.acquire(state, "once", wait=0):  # released: free at once
        pass


def hold_lock_in_child(state: Path, command: str) -> subprocess.Popen[str]:
    """A separate process holding the state lock until its stdin closes."""
    code = (
        "import sys; from pathlib import Path; from agent.state.lock import StateLock\n"
        f"lock = StateLock.acquire(Path({str(state)!r}), {command!r})\n"
        "print('locked', flush=True); sys.stdin.read()\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "locked"
    return child


def release(child: subprocess.Popen[str]) -> None:
    assert child.stdin is not None
    child.stdin.close()
    child.wait(timeout=10)


def test_a_second_run_exits_75_at_once_naming_the_first(tmp_path: Path) -> None:
    mailbox = tmp_path / "Mail"
    for sub in ("cur", "new", "tmp"):
        (mailbox / sub).mkdir(parents=True)
    config = maildir_config(tmp_path / "agent", mailbox)
    holder = hold_lock_in_child(tmp_path / "agent" / "state.db", "run")
    try:
        started = time.monotonic()
        done = child(config, "run")
        assert time.monotonic() - started < 10  # at once: no waiting, no retrying
    finally:
        release(holder)
    assert done.code == ExitCode.TEMPFAIL, done.err
    assert f"pid {holder.pid}" in done.err
    assert "Traceback" not in done.err


def test_once_waits_for_a_pass_then_runs(tmp_path: Path, dovecot: Dovecot) -> None:
    config = imap_config(tmp_path, port=dovecot.tls_port, ca_file=dovecot.ca_file)
    holder = hold_lock_in_child(tmp_path / "state.db", "once")
    timer = threading.Timer(1.0, release, [holder])
    timer.start()
    try:
        started = time.monotonic()
        done = child(config, "once", env={PASSWORD_ENV: PASSWORD})
        waited = time.monotonic() - started
    finally:
        timer.join()
    assert done.code == 0, done.err
    assert waited >= 1.0


def test_once_gives_up_with_75_naming_the_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bounded: `once` does not queue behind a daemon for ever."""
    mailbox = tmp_path / "Mail"
    for sub in ("cur", "new", "tmp"):
        (mailbox / sub).mkdir(parents=True)
    config = maildir_config(tmp_path / "agent", mailbox)
    monkeypatch.setattr(agent.cli, "ONCE_WAIT_SECONDS", 0.5)
    with StateLock.acquire(tmp_path / "agent" / "state.db", "run"):
        code, _, err = cli(config, "once")
    assert code == ExitCode.TEMPFAIL
    assert f"pid {os.getpid()}" in err and "interview-agent run" in err
    # read-only commands never wait, even while the lock is held
    with StateLock.acquire(tmp_path / "agent" / "state.db", "run"):
        started = time.monotonic()
        for args in (["status"], ["status", "--json"], ["preview"], ["once", "--dry-run"]):
            code, _, err = cli(config, *args)
            assert code == 0, (args, err)
        assert time.monotonic() - started < 5


def test_two_processes_migrate_a_state_file_once(tmp_path: Path) -> None:
    """Two processes opening a new state file, or one of an older schema, at the same moment:
    one builds or migrates it, the other finds the schema in place (user_version is read inside
    the write transaction), 10 times over each. Before, the second crashed with `table folders
    already exists` (exit 70)."""
    code = (
        "import sys; from pathlib import Path; from agent.state.store import StateStore\n"
        "StateStore.open(Path(sys.argv[1])).close()\n"
    )
    for n in range(20):
        state = tmp_path / f"s{n}" / "state.db"
        if n % 2:  # an existing file of schema 1
            state.parent.mkdir()
            with contextlib.closing(sqlite3.connect(state)) as db:
                db.executescript(MIGRATIONS[1] + "PRAGMA user_version = 1;")
        runs = [
            subprocess.Popen(
                [sys.executable, "-c", code, str(state)], stderr=subprocess.PIPE, text=True
            )
            for _ in range(2)
        ]
        for run in runs:
            _, err = run.communicate(timeout=60)
            assert run.returncode == 0, err
        with contextlib.closing(sqlite3.connect(state)) as db:
            assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_the_switch_to_wal_waits_for_a_reader_of_a_rollback_journal(tmp_path: Path) -> None:
    """A file of schema 1 still has a rollback journal. Leaving it needs an exclusive lock, and
    when two processes ask at once SQLite tells one "locked" without calling its busy handler.
    The store waits for that itself: here a reader holds the file for 0.3 s and the switching
    connection has no busy handler at all, so only the store's own wait can carry it through
    (CI saw the race once as exit 1 from `StateStore.open`)."""
    state = tmp_path / "state.db"
    with contextlib.closing(sqlite3.connect(state, isolation_level=None)) as db:
        db.executescript(MIGRATIONS[1] + "PRAGMA user_version = 1;")
    reader = sqlite3.connect(state, isolation_level=None, check_same_thread=False)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM folders").fetchall()
    release = threading.Timer(0.3, lambda: reader.execute("COMMIT"))
    release.start()
    try:
        with contextlib.closing(sqlite3.connect(state, isolation_level=None, timeout=0)) as conn:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                conn.execute("PRAGMA journal_mode=WAL")  # what SQLite alone does
            use_write_ahead_log(conn)
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        release.join()
        reader.close()


# --- the rule itself, one race made on purpose ---------------------------------------------------

START = datetime(2026, 10, 6, 18, 0, tzinfo=UTC)
AFTER = START + timedelta(hours=1, minutes=31)
SENT = datetime(2026, 10, 1, 14, 0, tzinfo=UTC)


OTHER_NONCE = b"000000000000"


def other_instance_copy(raw: bytes) -> bytes:
    """The same draft as another instance would place it: the same tag in its Message-ID
    (the tag stands for the key), its own random part."""
    return re.sub(
        rb"(Message-ID: <[a-z2-7]{24}\.)[0-9a-f]{12}@", rb"\g<1>" + OTHER_NONCE + b"@", raw, count=1
    )


class RacedImap(ImapStore):
    """Another instance APPENDs each draft between this one's search and its APPEND."""

    def append_draft(self, raw: bytes, when: datetime) -> int | None:
        self.client.append(self.roles.drafts, other_instance_copy(raw), flags=("\\Draft",))
        return super().append_draft(raw, when)


class RacedMaildir(MaildirStore):
    def append_draft(self, raw: bytes, when: datetime) -> int | None:
        super().append_draft(other_instance_copy(raw), when)
        return super().append_draft(raw, when)


def imap_store(config: Config, kind: type[ImapStore]) -> ImapStore:
    imap = config.imap
    assert imap is not None
    return kind(
        host=imap.host,
        port=imap.port,
        security=imap.security,
        username=imap.username,
        secret_kind="password",
        secret=PASSWORD,
        ca_file=str(imap.tls_ca_file),
        drafts=imap.drafts_folder,
    )


def tags_and_ids(messages: list[bytes]) -> list[tuple[str, str]]:
    """(tag, Message-ID) of each draft of ours."""
    found = []
    for raw in messages:
        headers = email.message_from_bytes(raw, policy=email.policy.default)
        if tag_of(raw):
            found.append((tag_of(raw), str(headers["Message-ID"])))
    return sorted(found)


def from_other_instance(found: list[tuple[str, str]]) -> bool:
    return all(OTHER_NONCE.decode() in message_id for _, message_id in found)


def imap_drafts(server: Dovecot, folder: str) -> list[bytes]:
    with server.client() as client:
        client.select_folder(folder, readonly=True)
        fetched = client.fetch(client.search(), ["BODY.PEEK[]"])
    return [data[b"BODY[]"] for _, data in sorted(fetched.items())]


def raced_pass(config: Path, store: MailStore, caplog: pytest.LogCaptureFixture) -> PassResult:
    loaded = load_config(config)
    state = StateStore.open(loaded.state.path)
    try:
        with caplog.at_level(logging.INFO, logger="agent"):
            return one_pass(loaded, state, store, AFTER)
    finally:
        store.close()
        state.close()


def test_the_later_copy_is_removed_by_whoever_placed_it(
    dovecot: Dovecot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Both instances placed each thank-you; this one's APPEND came second (the higher UID),
    so it removes its own copy (STORE \\Deleted, UID EXPUNGE of that UID alone) and records
    the other's as the draft: each key once, and the copy kept is the first."""
    dovecot.append("INBOX", invite_eml(start=START, end=START + timedelta(hours=1), sent=SENT))
    config = imap_config(tmp_path, port=dovecot.tls_port, ca_file=dovecot.ca_file)
    result = raced_pass(config, imap_store(load_config(config), RacedImap), caplog)
    assert len(result.placed) == 2 and sorted(result.removed_copies) == sorted(result.placed)
    found = tags_and_ids(imap_drafts(dovecot, "Drafts"))
    assert [tag for tag, _ in found] == sorted(draft_tag(key) for key in result.placed)  # once
    assert from_other_instance(found)  # the first copy is the one kept
    assert caplog.text.count("removed a second copy of draft") == 2
    code, out, _ = cli(config, "status", "--json", "--now", AFTER.isoformat())
    interviews = json.loads(out)["interviews"]
    states = {f["state"] for i in interviews for f in i["followups"] if f["kind"] == "thank_you"}
    assert code == 0 and states == {"drafted"}


def test_without_uidplus_the_later_copy_is_left_and_reported(
    dovecot_minimal: Dovecot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A server without UIDPLUS cannot expunge one message alone (a plain EXPUNGE would take
    whatever else is marked \\Deleted): the copy stays, flagged nowhere, and the user is told."""
    dovecot_minimal.append(
        "INBOX", invite_eml(start=START, end=START + timedelta(hours=1), sent=SENT)
    )
    config = imap_config(tmp_path, port=dovecot_minimal.tls_port, ca_file=dovecot_minimal.ca_file)
    result = raced_pass(config, imap_store(load_config(config), RacedImap), caplog)
    assert len(result.placed) == 2 and sorted(result.left_copies) == sorted(result.placed)
    found = tags_and_ids(imap_drafts(dovecot_minimal, "Drafts"))
    assert len(found) == 4  # both copies of both keys: nothing deleted, nothing flagged
    assert "no UIDPLUS" in caplog.text and "delete the second copy yourself" in caplog.text
    with dovecot_minimal.client() as client:
        client.select_folder("Drafts", readonly=True)
        flags = client.get_flags(client.search())
    assert not any(b"\\Deleted" in f for f in flags.values())


def test_a_maildir_keeps_the_first_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    mailbox = tmp_path / "Mail"
    for sub in ("cur", "new", "tmp"):
        (mailbox / sub).mkdir(parents=True)
    (mailbox / "cur" / "1.invite:2,").write_bytes(
        invite_eml(start=START, end=START + timedelta(hours=1), sent=SENT)
    )
    os.utime(mailbox / "cur" / "1.invite:2,", (SENT.timestamp(), SENT.timestamp()))
    config = maildir_config(tmp_path / "agent", mailbox)
    result = raced_pass(config, RacedMaildir(mailbox), caplog)
    assert len(result.placed) == 2 and sorted(result.removed_copies) == sorted(result.placed)
    drafts = [p.read_bytes() for p in sorted((mailbox / ".Drafts" / "cur").iterdir())]
    found = tags_and_ids(drafts)
    assert [tag for tag, _ in found] == sorted(draft_tag(key) for key in result.placed)
    assert from_other_instance(found)
