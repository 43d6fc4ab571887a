"""The opt-in digest from two machines at once (two state files, one account), against a real
Dovecot and on a Maildir: both search INBOX, find nothing and APPEND; the instance whose copy
came second removes its own (UID EXPUNGE of that UID alone), so INBOX ends with one digest,
unread, and the user's own messages as they were. Without UIDPLUS the copy is left and the user
told. The race is made on purpose: the other instance runs its whole pass between this one's
search and its APPEND, or between its APPEND and its second search; and two `once` processes
are started together."""

from __future__ import annotations

import email
import email.policy
import hashlib
import logging
import subprocess
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from harness import start_child
from helpers import PASSWORD_ENV, imap_config, maildir_config
from servers import PASSWORD, Dovecot
from test_concurrency import imap_store
from test_review import SENT, meeting_offer

from agent.app import one_pass
from agent.config import load_config
from agent.mail.imap import ImapStore
from agent.mail.maildir import MaildirStore
from agent.mail.store import DraftInfo, MailStore
from agent.state.store import StateStore

DIGEST = '\n[digest]\nenabled = true\ntime = "08:00"\n'
NOW = SENT + timedelta(hours=1)  # 11:00 in New York: the digest is due, one offer to confirm
REMOVED = "removed a second copy of the digest"
FIRST = ["laptop-appends-first", "desktop-appends-first"]

Hook = Callable[[], None]


def run_pass(config: Path, store: MailStore) -> None:
    loaded = load_config(config)
    state = StateStore.open(loaded.state.path)
    try:
        one_pass(loaded, state, store, NOW)
    finally:
        store.close()
        state.close()


def journal(config: Path) -> str:
    state = StateStore.open(load_config(config).state.path)
    try:
        return state.get_meta("digest:" + NOW.date().isoformat()) or ""
    finally:
        state.close()


class Interleaved:
    """Runs `other` (another instance's whole pass) once, between this store's search of INBOX
    and its APPEND: the other instance finds nothing either, and its copy comes first."""

    def __init__(self, other: Hook) -> None:
        self.other: Hook | None = other
        self.appended = False

    def before_append(self) -> None:
        other, self.other = self.other, None
        if other is not None:
            other()

    def after_append(self) -> None:
        self.appended = True

    def before_search(self) -> None:
        pass


class Together(Interleaved):
    """Two passes in two threads meet here: both have searched INBOX and found nothing, then
    `first` APPENDs, then the other; each then searches again on its own."""

    def __init__(self, meeting: threading.Barrier, first_done: threading.Event, first: bool):
        super().__init__(lambda: None)
        self.meeting, self.first_done, self.first = meeting, first_done, first

    def before_append(self) -> None:
        self.meeting.wait(timeout=60)
        if not self.first:
            assert self.first_done.wait(timeout=60)

    def after_append(self) -> None:
        super().after_append()
        if self.first:
            self.first_done.set()


def together(passes: list[Callable[[Interleaved], None]]) -> None:
    """Run each pass in its own thread, the first given APPENDing first."""
    meeting, first_done = threading.Barrier(len(passes)), threading.Event()
    failures: list[BaseException] = []

    def run(one: Callable[[Interleaved], None], first: bool) -> None:
        try:
            one(Together(meeting, first_done, first))
        except BaseException as exc:  # reported in the test's thread
            failures.append(exc)
            meeting.abort()
            first_done.set()

    threads = [threading.Thread(target=run, args=(one, n == 0)) for n, one in enumerate(passes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures


class Crashed(Exception):
    """The process dies here."""


class CrashAfterAppend(Interleaved):
    def before_search(self) -> None:
        if self.appended:
            raise Crashed


class RacedImap(ImapStore):
    race: Interleaved

    def append_message(
        self, folder: str, raw: bytes, flags: Sequence[str], when: datetime
    ) -> int | None:
        self.race.before_append()
        uid = super().append_message(folder, raw, flags, when)
        self.race.after_append()
        return uid

    def find_drafts(self, key: str, folder: str | None = None) -> list[DraftInfo]:
        if folder is not None:
            self.race.before_search()
        return super().find_drafts(key, folder)


class RacedMaildir(MaildirStore):
    race: Interleaved

    def append_message(
        self, folder: str, raw: bytes, flags: Sequence[str], when: datetime
    ) -> int | None:
        self.race.before_append()
        uid = super().append_message(folder, raw, flags, when)
        self.race.after_append()
        return uid

    def find_drafts(self, key: str, folder: str | None = None) -> list[DraftInfo]:
        if folder is not None:
            self.race.before_search()
        return super().find_drafts(key, folder)


def parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def is_digest(raw: bytes) -> bool:
    return str(parse(raw)["Subject"]).startswith("Interview follow-ups")


# --- IMAP ------------------------------------------------------------------------------------


def imap_inbox(server: Dovecot) -> list[tuple[int, tuple[str, ...], bytes]]:
    """(UID, flags without \\Recent, bytes) of every message in INBOX."""
    with server.client() as client:
        client.select_folder("INBOX", readonly=True)
        fetched = client.fetch(client.search(), ["FLAGS", "BODY.PEEK[]"])
    return [
        (uid, tuple(sorted(f.decode() for f in d[b"FLAGS"] if f != b"\\Recent")), d[b"BODY[]"])
        for uid, d in sorted(fetched.items())
    ]


def two_imap_machines(server: Dovecot, tmp_path: Path) -> tuple[Path, Path]:
    server.append("INBOX", meeting_offer("<offer-31@thornburyvale.co.uk>"), msg_time=SENT)
    server.append("INBOX", meeting_offer("<offer-32@thornburyvale.co.uk>"), ("\\Seen",), SENT)
    laptop, desktop = (
        imap_config(tmp_path / name, port=server.tls_port, ca_file=server.ca_file, extra=DIGEST)
        for name in ("laptop", "desktop")
    )
    return laptop, desktop


def raced_imap_pass(laptop: Path, desktop: Path) -> None:
    """The laptop's pass, with the desktop's whole pass run between its search and APPEND."""

    def desktop_pass() -> None:
        run_pass(desktop, imap_store(load_config(desktop), ImapStore))

    store = imap_store(load_config(laptop), RacedImap)
    assert isinstance(store, RacedImap)
    store.race = Interleaved(desktop_pass)
    run_pass(laptop, store)


def imap_pass(config: Path) -> Callable[[Interleaved], None]:
    def one(race: Interleaved) -> None:
        store = imap_store(load_config(config), RacedImap)
        assert isinstance(store, RacedImap)
        store.race = race
        run_pass(config, store)

    return one


def assert_one_unread_digest_and_the_users_mail_untouched(
    before: list[tuple[int, tuple[str, ...], bytes]],
    after: list[tuple[int, tuple[str, ...], bytes]],
) -> bytes:
    users = [m for m in after if not is_digest(m[2])]
    assert users == before, "the user's own INBOX messages, and their flags, are untouched"
    digests = [m for m in after if is_digest(m[2])]
    assert len(digests) == 1, f"{len(digests)} digests in INBOX"
    ((_, flags, raw),) = digests
    assert "\\Seen" not in flags and "\\Deleted" not in flags
    return raw


@pytest.mark.parametrize("first", FIRST)
def test_two_machines_racing_leave_one_digest_in_imap_inbox(
    first: str, dovecot: Dovecot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Both search INBOX and find nothing, then both APPEND: the later copy is removed by the
    machine that placed it, and the first is the one kept."""
    laptop, desktop = two_imap_machines(dovecot, tmp_path)
    before = imap_inbox(dovecot)
    others = {f: m for f, m in dovecot.snapshot().items() if f != "INBOX"}
    order = [laptop, desktop] if first == "laptop-appends-first" else [desktop, laptop]
    with caplog.at_level(logging.INFO, logger="agent"):
        together([imap_pass(config) for config in order])
    kept = assert_one_unread_digest_and_the_users_mail_untouched(before, imap_inbox(dovecot))
    assert {f: m for f, m in dovecot.snapshot().items() if f != "INBOX"} == others
    assert caplog.text.count(REMOVED) == 1  # both APPENDed; the later one removed its own
    assert "no UIDPLUS" not in caplog.text
    assert journal(order[0]) == "placed " + str(parse(kept)["Message-ID"]), "the first is kept"
    assert journal(order[1]) == journal(order[0]), "both record the copy kept"
    # later passes that day, on either machine, leave it at one
    run_pass(laptop, imap_store(load_config(laptop), ImapStore))
    run_pass(desktop, imap_store(load_config(desktop), ImapStore))
    assert_one_unread_digest_and_the_users_mail_untouched(before, imap_inbox(dovecot))


def test_without_uidplus_the_second_digest_is_left_and_reported(
    dovecot_minimal: Dovecot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A plain EXPUNGE would take whatever else is marked \\Deleted in INBOX: nothing is
    flagged or removed, and the user is told to delete the copy."""
    laptop, desktop = two_imap_machines(dovecot_minimal, tmp_path)
    before = imap_inbox(dovecot_minimal)
    with caplog.at_level(logging.INFO, logger="agent"):
        raced_imap_pass(laptop, desktop)
    after = imap_inbox(dovecot_minimal)
    assert [m for m in after if not is_digest(m[2])] == before
    digests = [m for m in after if is_digest(m[2])]
    assert len(digests) == 2
    assert not any("\\Deleted" in flags or "\\Seen" in flags for _, flags, _ in digests)
    assert "no UIDPLUS" in caplog.text and "delete the second copy yourself" in caplog.text
    assert REMOVED not in caplog.text


def test_a_second_copy_left_by_a_crash_is_removed_on_the_next_pass(
    dovecot: Dovecot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The laptop dies between its APPEND and its second search (the desktop's copy came
    first): its journal still holds the intent, and its next pass removes its own copy."""
    laptop, desktop = two_imap_machines(dovecot, tmp_path)
    before = imap_inbox(dovecot)

    def desktop_pass() -> None:
        run_pass(desktop, imap_store(load_config(desktop), ImapStore))

    store = imap_store(load_config(laptop), RacedImap)
    assert isinstance(store, RacedImap)
    store.race = CrashAfterAppend(desktop_pass)
    with pytest.raises(Crashed):
        run_pass(laptop, store)
    assert len([m for m in imap_inbox(dovecot) if is_digest(m[2])]) == 2
    assert journal(laptop).startswith("pending ")

    with caplog.at_level(logging.INFO, logger="agent"):
        run_pass(laptop, imap_store(load_config(laptop), ImapStore))
    kept = assert_one_unread_digest_and_the_users_mail_untouched(before, imap_inbox(dovecot))
    assert REMOVED in caplog.text
    assert journal(desktop) == "placed " + str(parse(kept)["Message-ID"])
    assert journal(laptop).startswith("placed")


# --- Maildir ---------------------------------------------------------------------------------


def maildir_inbox(root: Path) -> dict[str, str]:
    """Every INBOX file: name -> sha256 of its content (the name carries its flags)."""
    return {
        f"{sub}/{path.name}": hashlib.sha256(path.read_bytes()).hexdigest()
        for sub in ("new", "cur")
        for path in (root / sub).iterdir()
    }


def maildir_digests(root: Path) -> list[Path]:
    return [
        path
        for sub in ("new", "cur")
        for path in sorted((root / sub).iterdir())
        if is_digest(path.read_bytes())
    ]


def two_maildir_machines(tmp_path: Path) -> tuple[Path, Path, Path]:
    root = tmp_path / "Mail"
    for folder in (root, root / ".Sent", root / ".Drafts", root / ".Trash"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True)
    (root / "new" / "1.offer").write_bytes(meeting_offer("<offer-33@thornburyvale.co.uk>"))
    (root / "cur" / "2.offer:2,S").write_bytes(meeting_offer("<offer-34@thornburyvale.co.uk>"))
    configs = []
    for name in ("laptop", "desktop"):
        config = maildir_config(tmp_path / name, root)
        config.write_text(config.read_text() + DIGEST)
        configs.append(config)
    return root, configs[0], configs[1]


def maildir_pass(config: Path, root: Path) -> Callable[[Interleaved], None]:
    def one(race: Interleaved) -> None:
        store = RacedMaildir(root)
        store.race = race
        run_pass(config, store)

    return one


@pytest.mark.parametrize("first", FIRST)
def test_two_machines_racing_leave_one_digest_in_a_maildir_inbox(
    first: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root, laptop, desktop = two_maildir_machines(tmp_path)
    before = maildir_inbox(root)
    order = [laptop, desktop] if first == "laptop-appends-first" else [desktop, laptop]
    with caplog.at_level(logging.INFO, logger="agent"):
        together([maildir_pass(config, root) for config in order])
    after = maildir_inbox(root)
    (digest,) = maildir_digests(root)
    assert digest.parent.name == "new" and ":2," not in digest.name  # unread
    assert {k: v for k, v in after.items() if k != f"new/{digest.name}"} == before
    assert caplog.text.count(REMOVED) == 1
    kept = parse(digest.read_bytes())["Message-ID"]
    assert journal(order[0]) == f"placed {kept}", "the first file is kept"


# --- two processes -----------------------------------------------------------------------------


def run_together(configs: list[Path]) -> list[tuple[int, str]]:
    processes = [
        start_child(config, "once", "--now", NOW.isoformat(), env={PASSWORD_ENV: PASSWORD})
        for config in configs
    ]
    results = []
    for process in processes:
        try:
            _, err = process.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
            _, err = process.communicate()
        results.append((process.returncode, err.decode(errors="replace")))
    return results


@pytest.mark.parametrize("trial", range(3))
def test_two_once_processes_leave_one_digest_in_imap_inbox(
    trial: int, dovecot_factory: Callable[..., Dovecot], tmp_path: Path
) -> None:
    server = dovecot_factory("standard")
    laptop, desktop = two_imap_machines(server, tmp_path)
    before = imap_inbox(server)
    for code, err in run_together([laptop, desktop]):
        assert code == 0 and "Traceback" not in err, err
    assert_one_unread_digest_and_the_users_mail_untouched(before, imap_inbox(server))


@pytest.mark.parametrize("trial", range(3))
def test_two_once_processes_leave_one_digest_in_a_maildir_inbox(trial: int, tmp_path: Path) -> None:
    root, laptop, desktop = two_maildir_machines(tmp_path)
    before = maildir_inbox(root)
    for code, err in run_together([laptop, desktop]):
        assert code == 0 and "Traceback" not in err, err
    (digest,) = maildir_digests(root)
    assert {k: v for k, v in maildir_inbox(root).items() if k != f"new/{digest.name}"} == before
