"""The same behaviour on every IMAP server: one suite run against Dovecot 2.3, Cyrus IMAP 3 (both
namespaces), Courier-IMAP 5 and a Dovecot that offers IMAP4rev1 alone (no UIDPLUS, IDLE,
SPECIAL-USE, CONDSTORE, ESEARCH, MOVE, LITERAL+), standing in for old and minimal servers.

On each: one pass places the due drafts and a second places nothing; a discarded draft is not
recreated and an edited one not duplicated; nothing outside Drafts changes (flags, unread
mail); the daemon notices new mail (IDLE where offered, else its planner tick) and places a due
draft; a lost state file is rebuilt without duplicates; a folder renumbered (new UIDVALIDITY)
is rescanned once, not on every pass. Dovecot starts afresh for each test; Cyrus and Courier
start once per session and each test resets the account.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from harness import Daemon
from helpers import PASSWORD_ENV, imap_config, invite_eml
from servers import PASSWORD, ImapTestServer, UnpackedServer
from test_imap_e2e import (
    AFTER,
    DRAFT_FLAGS,
    END,
    INTERVIEWER_ADDRESSES,
    SENT,
    START,
    Account,
    followups,
)

# name of the fixture -> whether the server offers IDLE
SERVERS = {
    "dovecot": True,
    "dovecot_minimal": False,
    "cyrus": True,
    "cyrus_altns": True,
    "courier": True,
}
WITH_PASSWORD = {PASSWORD_ENV: PASSWORD}
DAEMON_WAIT_SECONDS = 30.0
# A planner tick of 60 s: a draft placed within the wait came through IDLE. Without IDLE the
# tick is what polls INBOX; 2 s keeps the test short.
DAEMON_SECTION = """\
timeout_seconds = 10

[daemon]
tick_seconds = {tick}
sent_poll_seconds = 120
idle_renew_minutes = 9
max_backoff_seconds = 4
"""
OLD = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)  # beyond the 45-day look-back from AFTER


@pytest.fixture(params=sorted(SERVERS))
def server(request: pytest.FixtureRequest) -> ImapTestServer:
    """Each server, as a new account."""
    started: ImapTestServer = request.getfixturevalue(request.param)
    if isinstance(started, UnpackedServer):
        started.reset()
    return started


@pytest.fixture
def account(server: ImapTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Account:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    config = imap_config(tmp_path / "agent", port=server.tls_port, ca_file=server.ca_file)
    return Account(server, config)


def logged_once(
    account: Account, now: datetime, caplog: pytest.LogCaptureFixture, level: int = logging.DEBUG
) -> str:
    """`interview-agent once --now NOW`, which must succeed; the messages it logged at `level`
    or above, one a line (in this process the log goes to pytest's handler)."""
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="agent"):
        account.once(now)
    return "\n".join(r.getMessage() for r in caplog.records if r.levelno >= level)


def message(sender: str, to: str, subject: str, when: datetime, text: str) -> bytes:
    return (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\n"
        f"Message-ID: <{hashlib.sha1(subject.encode()).hexdigest()[:12]}@example.org>\r\n"
        f"Date: {when:%a, %d %b %Y %H:%M:%S +0000}\r\n\r\n{text}\r\n"
    ).encode()


# --- one pass, then another --------------------------------------------------------------------


def test_one_pass_places_the_due_drafts_and_a_second_none(
    account: Account, caplog: pytest.LogCaptureFixture
) -> None:
    account.deliver(invite_eml(start=START, end=END, sent=SENT))

    account.once(END + timedelta(minutes=29))
    assert account.drafts() == []

    account.once(AFTER)
    placed = account.messages(account.drafts_folder)
    assert {str(m["To"].addresses[0].addr_spec) for _, m, _ in placed} == INTERVIEWER_ADDRESSES
    assert len(placed) == 2
    for flags, draft, _ in placed:
        assert flags >= DRAFT_FLAGS
        assert draft["From"].addresses[0].addr_spec == "alex@example.com"
        assert draft["Message-ID"].endswith("@example.com>")
        assert "Northwind" in draft.get_content()
    before = account.server.snapshot()[account.drafts_folder]

    for minutes in (5, 180):
        later = AFTER + timedelta(minutes=minutes)
        # Courier gives an empty Sent a new UIDVALIDITY in every session: not worth a warning.
        assert "UIDVALIDITY" not in logged_once(account, later, caplog, logging.WARNING)
    assert account.server.snapshot()[account.drafts_folder] == before
    states = followups(account.status(AFTER + timedelta(hours=3)))
    assert {f["state"] for f in states.values()} == {"drafted"}


def test_a_discarded_and_an_edited_draft(account: Account) -> None:
    account.deliver(invite_eml(start=START, end=END, sent=SENT))
    account.once(AFTER)
    account.delete_draft("oliver.grant@northwind.io")
    account.edit_draft("priya.shah@northwind.io", "\nP.S. Loved the whiteboard session.\n")

    for minutes in (10, 120):
        account.once(AFTER + timedelta(minutes=minutes))
    (edited,) = account.drafts()
    assert str(edited["To"].addresses[0].addr_spec) == "priya.shah@northwind.io"
    assert "whiteboard" in edited.get_content()
    states = followups(account.status(AFTER + timedelta(hours=2)))
    assert states["oliver.grant@northwind.io"]["state"] == "dismissed"
    assert states["priya.shah@northwind.io"]["state"] == "drafted"


def test_nothing_outside_drafts_changes(account: Account) -> None:
    account.deliver(invite_eml(start=START, end=END, sent=SENT))
    account.deliver(
        invite_eml(
            start=START + timedelta(days=20),
            end=END + timedelta(days=20),
            sent=SENT,
            uid="other@google.com",
            message_id="<o@google.com>",
        ),
        flags=("\\Seen", "\\Flagged"),
    )
    account.deliver(
        message("Ann <ann@example.org>", "alex@example.com", "lunch?", SENT, "Noon?"),
        flags=("\\Answered",),
    )
    account.server.append(
        account.server.folder_names["sent"],
        message("alex@example.com", "ann@example.org", "Re: lunch?", SENT, "See you at noon."),
        flags=("\\Seen",),
        msg_time=SENT,
    )
    before = account.server.snapshot()

    account.once(AFTER)
    account.once(AFTER + timedelta(hours=1))
    after = account.server.snapshot()
    drafts = account.drafts_folder
    assert {k: v for k, v in after.items() if k != drafts} == {
        k: v for k, v in before.items() if k != drafts
    }
    unread = [flags for flags, _, _ in account.messages("INBOX") if "\\Seen" not in flags]
    assert len(unread) == 2
    assert len(after[drafts]) == 2


# --- the daemon -------------------------------------------------------------------------------


@pytest.fixture
def daemon(
    server: ImapTestServer, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Daemon]:
    idle = SERVERS[request.node.callspec.params["server"]]
    config = imap_config(
        tmp_path / "daemon",
        port=server.tls_port,
        ca_file=server.ca_file,
        extra=DAEMON_SECTION.format(tick=60 if idle else 2),
    )
    started = Daemon(
        config, tmp_path / "daemon.log", env=WITH_PASSWORD, wait_seconds=DAEMON_WAIT_SECONDS
    )
    started.start()
    started.wait_for_log("IDLE: waiting for new mail in INBOX" if idle else "does not support IDLE")
    started.wait_for_log("pass (start)")
    yield started
    if started.running:
        assert started.stop() == 0


def test_the_daemon_notices_new_mail_and_places_a_due_draft(
    daemon: Daemon, server: ImapTestServer
) -> None:
    """An invite for an interview that ended an hour ago (by the real clock) arrives while the
    daemon runs: its thank-you drafts are due at once."""
    account = Account(server, daemon.config)
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(hours=2)
    account.deliver(
        invite_eml(start=start, end=start + timedelta(hours=1), sent=now - timedelta(days=2)),
        when=now,
    )
    daemon.wait(lambda: len(account.drafts()) >= 2, "two drafts")
    daemon.wait_for_log("draft placed", count=2)
    assert account.drafts_to() == sorted(INTERVIEWER_ADDRESSES)
    assert "Traceback" not in daemon.text()
    assert "WARNING agent.ingest.mailbox" not in daemon.text()  # no "UIDVALIDITY changed"


# --- state lost, folders renumbered --------------------------------------------------------------


def test_state_lost_then_rebuilt_without_duplicates(account: Account, tmp_path: Path) -> None:
    """One draft as placed (found by its key), one edited by the user (found by its
    recipient): neither is placed again when the state file is gone."""
    account.deliver(invite_eml(start=START, end=END, sent=SENT))
    account.once(AFTER)
    account.edit_draft("oliver.grant@northwind.io", "\nP.S. Loved the whiteboard session.\n")
    for path in (tmp_path / "agent").glob("state.db*"):
        path.unlink()

    account.once(AFTER + timedelta(minutes=20))
    account.once(AFTER + timedelta(minutes=40))
    assert account.drafts_to() == sorted(INTERVIEWER_ADDRESSES)
    states = followups(account.status(AFTER + timedelta(minutes=40)))
    assert {f["state"] for f in states.values()} == {"drafted"}


def test_a_renumbered_folder_is_rescanned_once(
    account: Account, caplog: pytest.LogCaptureFixture
) -> None:
    """Sent holds only mail older than the look-back, so no pass reads anything there. It is
    deleted and made again (a new UIDVALIDITY, RFC 9051 2.3.1.1): the next pass rescans it and
    records the new value; the one after does not rescan it again."""
    sent_folder = account.server.folder_names["sent"]
    old = message("alex@example.com", "ann@example.org", "Old news", OLD, "From June.")
    account.server.append(sent_folder, old, flags=("\\Seen",), msg_time=OLD)
    account.deliver(invite_eml(start=START, end=END, sent=SENT))
    account.once(AFTER)
    with account.server.client() as client:
        before = client.folder_status(sent_folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"]
        client.delete_folder(sent_folder)
        client.create_folder(sent_folder)
        client.subscribe_folder(sent_folder)
    account.server.append(sent_folder, old, flags=("\\Seen",), msg_time=OLD)
    with account.server.client() as client:
        assert client.folder_status(sent_folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"] != before

    logs = [logged_once(account, AFTER + timedelta(minutes=m), caplog) for m in (10, 20, 30)]
    assert [log.count(f"{sent_folder}: UIDVALIDITY changed") for log in logs] == [1, 0, 0]
    assert account.drafts_to() == sorted(INTERVIEWER_ADDRESSES)
