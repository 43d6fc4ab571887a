"""End to end against a real Dovecot over TLS, in every folder layout: the command line finds an
interview invite in INBOX and places one thank-you per interviewer in Drafts, at most once,
whatever the user, the network, the server or a crash does, and touches nothing else."""

from __future__ import annotations

import email
import email.message
import email.policy
import email.utils
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from harness import Cli, Result, child, cli
from helpers import (
    INTERVIEWERS,
    PASSWORD_ENV,
    imap_config,
    invite_eml,
    outlook_invite_eml,
)
from servers import (
    LAYOUTS,
    PASSWORD,
    Dovecot,
    ImapTestServer,
    TcpProxy,
    free_port,
    make_ca,
)

from agent.app import one_pass
from agent.compose import unflow
from agent.config import load_config
from agent.mail.imap import ImapStore
from agent.model import draft_tag_of
from agent.state.store import StateStore

KEY_HEADER = "X-Interview-Agent-Key"
START = datetime(2026, 10, 6, 18, 0, tzinfo=UTC)  # 14:00 in New York
END = START + timedelta(hours=1)
SENT = datetime(2026, 10, 1, 14, 0, tzinfo=UTC)
AFTER = END + timedelta(minutes=31)
INTERVIEWER_ADDRESSES = {address for _, address in INTERVIEWERS}
WITH_PASSWORD = {PASSWORD_ENV: PASSWORD}
DRAFT_FLAGS = {"\\Draft", "\\Seen"}


def iso(moment: datetime) -> str:
    return moment.isoformat()


class Account(Cli):
    """The user's mailbox on a test IMAP server, and the CLI configured for it (also used by
    test_servers_e2e.py, on every server)."""

    def __init__(self, server: ImapTestServer, config: Path) -> None:
        super().__init__(config)
        self.server = server

    @property
    def drafts_folder(self) -> str:
        return self.server.folder_names["drafts"]

    @property
    def trash_folder(self) -> str:
        return self.server.folder_names["trash"]

    def deliver(self, raw: bytes, when: datetime = SENT, flags: tuple[str, ...] = ()) -> int:
        return self.server.append("INBOX", raw, flags=flags, msg_time=when)

    def messages(self, folder: str) -> list[tuple[set[str], email.message.EmailMessage, int]]:
        with self.server.client() as client:
            client.select_folder(folder, readonly=True)
            fetched = client.fetch(client.search(), ["FLAGS", "BODY.PEEK[]"])
        result = []
        for uid, data in sorted(fetched.items()):
            flags = {f.decode() for f in data[b"FLAGS"]} - {"\\Recent"}
            result.append((flags, parse(data[b"BODY[]"]), uid))
        return result

    def drafts(self) -> list[email.message.EmailMessage]:
        return [message for _, message, _ in self.messages(self.drafts_folder)]

    def drafts_to(self) -> list[str]:
        return sorted(str(m["To"].addresses[0].addr_spec) for m in self.drafts())

    def delete_draft(self, to: str) -> email.message.EmailMessage:
        """What a mail client does when the user deletes a draft: flag it and expunge."""
        with self.server.client() as client:
            client.select_folder(self.drafts_folder)
            uids = client.search(["TO", to])
            assert len(uids) == 1
            raw = client.fetch(uids, ["BODY.PEEK[]"])[uids[0]][b"BODY[]"]
            client.delete_messages(uids)
            client.expunge()
        return parse(raw)

    def edit_draft(self, to: str, addition: str) -> None:
        """What a mail client does when the user edits and saves a draft: a new message, with
        a new Message-ID and without our private header, replaces the old one."""
        old = self.delete_draft(to)
        edited = email.message.EmailMessage()
        for name in ("From", "To", "Subject", "Date"):
            edited[name] = str(old[name])
        edited["Message-ID"] = email.utils.make_msgid(domain="example.com")
        body = old.get_body(("plain",))
        assert body is not None
        edited.set_content(body.get_content() + addition)
        self.server.append(self.drafts_folder, edited.as_bytes(), flags=("\\Draft", "\\Seen"))


def parse(raw: bytes) -> email.message.EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message


@pytest.fixture(params=sorted(LAYOUTS))
def server(request: pytest.FixtureRequest, dovecot_factory: Callable[..., Dovecot]) -> Dovecot:
    return dovecot_factory(request.param)


@pytest.fixture
def account(
    server: Dovecot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Account:
    """The user's account, in each folder layout."""
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    config = imap_config(tmp_path / "agent", port=server.tls_port, ca_file=server.ca_file)
    return Account(server, config)


@pytest.fixture
def standard_account(
    dovecot: Dovecot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Account:
    """The user's account, for behaviour that does not depend on folder names."""
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    config = imap_config(tmp_path / "agent", port=dovecot.tls_port, ca_file=dovecot.ca_file)
    return Account(dovecot, config)


def followups(status: dict[str, Any], kind: str = "thank_you") -> dict[str, dict[str, Any]]:
    (interview,) = status["interviews"]
    return {f["to"]: f for f in interview["followups"] if f["kind"] == kind}


# --- the happy path -----------------------------------------------------------------------------


def test_thank_you_per_interviewer_placed_after_the_interview(account: Account) -> None:
    account.deliver(invite_eml(start=START, end=END, sent=SENT))

    account.once(END + timedelta(minutes=29))
    assert account.drafts() == []

    account.once(AFTER)
    placed = account.messages(account.drafts_folder)
    assert len(placed) == 2
    assert {str(m["To"].addresses[0].addr_spec) for _, m, _ in placed} == INTERVIEWER_ADDRESSES
    for flags, message, _ in placed:
        assert flags >= DRAFT_FLAGS
        assert message["From"].addresses[0].addr_spec == "alex@example.com"
        assert message["From"].addresses[0].display_name == "Alex Rivera"
        assert len(message["To"].addresses) == 1
        assert message["Subject"]
        assert message["Date"].datetime == AFTER
        assert message["Message-ID"].endswith("@example.com>")
        assert message["MIME-Version"] == "1.0"
        assert message.get_content_type() == "text/plain"
        assert message.get_content_charset() == "utf-8"
        assert message[KEY_HEADER] is None  # recognised by its Message-ID
        assert draft_tag_of(str(message["Message-ID"]))
        body = unflow(message.get_content())  # as a mail client shows a format=flowed body
        first = message["To"].addresses[0].display_name.split()[0]
        assert first in body
        assert "Northwind" in body
        assert "Senior Backend Engineer" in body
        assert "None" not in body and "{{" not in body and "}}" not in body
        assert len(body.split()) < 250
    assert len({draft_tag_of(str(m["Message-ID"])) for _, m, _ in placed}) == 2


def test_second_pass_adds_nothing(account: Account) -> None:
    account.deliver(invite_eml(start=START, end=END, sent=SENT))
    account.once(AFTER)
    before = account.server.snapshot()[account.drafts_folder]
    account.once(AFTER + timedelta(minutes=5))
    account.once(AFTER + timedelta(hours=3))
    assert account.server.snapshot()[account.drafts_folder] == before
    assert len(before) == 2


def test_deleted_draft_is_not_recreated(account: Account) -> None:
    account.deliver(invite_eml(start=START, end=END, sent=SENT))
    account.once(AFTER)
    account.delete_draft("oliver.grant@northwind.io")

    account.once(AFTER + timedelta(minutes=10))
    account.once(AFTER + timedelta(hours=2))
    assert account.drafts_to() == ["priya.shah@northwind.io"]
    states = followups(account.status(AFTER + timedelta(hours=2)))
    assert states["oliver.grant@northwind.io"]["state"] == "dismissed"
    assert states["priya.shah@northwind.io"]["state"] == "drafted"


def test_edited_draft_is_not_duplicated(account: Account) -> None:
    account.deliver(invite_eml(start=START, end=END, sent=SENT))
    account.once(AFTER)
    account.edit_draft("oliver.grant@northwind.io", "\nP.S. Loved the whiteboard session.\n")
    for minutes in (5, 60):
        account.once(AFTER + timedelta(minutes=minutes))
    account.edit_draft("oliver.grant@northwind.io", "")
    for minutes in (65, 600):
        account.once(AFTER + timedelta(minutes=minutes))
    assert account.drafts_to() == sorted(INTERVIEWER_ADDRESSES)
    edited = [m for m in account.drafts() if not draft_tag_of(str(m["Message-ID"]))]
    assert len(edited) == 1
    assert "whiteboard" in edited[0].get_content()
    states = followups(account.status(AFTER + timedelta(hours=11)))
    assert states["oliver.grant@northwind.io"]["state"] == "drafted"


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
    sent_folder = account.server.folder_names["sent"]
    account.server.append(
        sent_folder,
        b"From: alex@example.com\r\nTo: friend@example.org\r\n"
        b"Subject: lunch\r\nMessage-ID: <lunch@example.com>\r\n"
        b"Date: Thu, 01 Oct 2026 09:00:00 -0400\r\n\r\nSee you at noon.\r\n",
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
    assert len(unread) == 1
    assert len(after[drafts]) == 2


def test_sent_draft_becomes_sent(account: Account) -> None:
    account.deliver(invite_eml(start=START, end=END, sent=SENT))
    account.once(AFTER)
    sent = account.delete_draft("priya.shah@northwind.io")
    outgoing = email.message.EmailMessage()
    for name in ("From", "To", "Subject"):
        outgoing[name] = str(sent[name])
    outgoing["Date"] = email.utils.format_datetime(AFTER + timedelta(hours=1))
    outgoing["Message-ID"] = email.utils.make_msgid(domain="mail.example.com")
    body = sent.get_body(("plain",))
    assert body is not None
    outgoing.set_content(body.get_content())
    account.server.append(
        account.server.folder_names["sent"],
        outgoing.as_bytes(),
        flags=("\\Seen",),
        msg_time=AFTER + timedelta(hours=1),
    )

    account.once(AFTER + timedelta(hours=2))
    assert account.drafts_to() == ["oliver.grant@northwind.io"]
    states = followups(account.status(AFTER + timedelta(hours=2)))
    assert states["priya.shah@northwind.io"]["state"] == "sent"
    assert states["oliver.grant@northwind.io"]["state"] == "drafted"


def test_dry_run_places_nothing(standard_account: Account) -> None:
    account = standard_account
    account.deliver(invite_eml(start=START, end=END, sent=SENT))
    code, out, err = account.run("once", "--dry-run", "--now", iso(AFTER))
    assert code == 0, err
    assert "oliver.grant@northwind.io" in out and "priya.shah@northwind.io" in out
    assert account.drafts() == []
    account.once(AFTER)
    assert account.drafts_to() == sorted(INTERVIEWER_ADDRESSES)


NON_ASCII = (("Zoë Müller", "zoe.mueller@northwind.io"), ("José Núñez", "jose.nunez@northwind.io"))


def test_exchange_invite_with_non_ascii_interviewers(standard_account: Account) -> None:
    """Base64 calendar part, a Windows time-zone name, names outside ASCII."""
    account = standard_account
    account.deliver(
        outlook_invite_eml(
            start_local="20261006T140000",
            end_local="20261006T150000",
            sent=SENT,
            interviewers=NON_ASCII,
        )
    )
    account.once(AFTER)
    drafts = {str(m["To"].addresses[0].addr_spec): m for m in account.drafts()}
    assert sorted(drafts) == ["jose.nunez@northwind.io", "zoe.mueller@northwind.io"]
    for name, address in NON_ASCII:
        message = drafts[address]
        assert message["To"].addresses[0].display_name == name
        assert name.split()[0] in message.get_content()
        assert message.get_content_charset() == "utf-8"
    (interview,) = account.status(AFTER)["interviews"]
    assert datetime.fromisoformat(interview["start"]) == START


def test_no_thank_you_to_someone_the_user_already_wrote_to(account: Account) -> None:
    account.deliver(invite_eml(start=START, end=END, sent=SENT))
    wrote = END + timedelta(minutes=10)
    account.server.append(
        account.server.folder_names["sent"],
        b"From: Alex Rivera <alex@example.com>\r\nTo: Oliver Grant <oliver.grant@northwind.io>"
        b"\r\nSubject: Thanks!\r\nMessage-ID: <thanks@example.com>\r\nDate: "
        + email.utils.format_datetime(wrote).encode()
        + b"\r\n\r\nThanks, Oliver.\r\n",
        flags=("\\Seen",),
        msg_time=wrote,
    )
    account.once(AFTER)
    assert account.drafts_to() == ["priya.shah@northwind.io"]
    states = followups(account.status(AFTER))
    assert states["oliver.grant@northwind.io"]["state"] == "sent"


# --- a big attachment is never downloaded ------------------------------------------------------


def test_attachment_is_never_downloaded(
    account: Account, tcp_proxy: Callable[..., TcpProxy], tmp_path: Path
) -> None:
    server = account.server
    account.deliver(
        invite_eml(start=START, end=END, sent=SENT, attachment=os.urandom(5 * 1024 * 1024))
    )
    proxy = tcp_proxy(server.tls_port)
    account.config = imap_config(tmp_path / "proxied", port=proxy.port, ca_file=server.ca_file)

    account.once(AFTER)
    assert proxy.bytes_from_server < 1024 * 1024
    assert account.drafts_to() == sorted(INTERVIEWER_ADDRESSES)
    (interview,) = account.status(AFTER)["interviews"]
    assert interview["company"] == "Northwind"


# --- state lost, crashes, renumbered folders -----------------------------------------------------


def test_lost_state_file_does_not_duplicate(account: Account, tmp_path: Path) -> None:
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
    states = followups(account.status(AFTER + timedelta(minutes=20)))
    assert {f["state"] for f in states.values()} == {"drafted"}


class CrashAfterAppend(ImapStore):
    """The server stores the draft, then the agent dies before it can record it."""

    def append_draft(self, raw: bytes, when: datetime) -> int | None:
        super().append_draft(raw, when)
        raise ConnectionResetError("simulated crash right after APPEND")


class CrashBeforeAppend(ImapStore):
    """The agent writes its intent, then dies before the APPEND."""

    def append_draft(self, raw: bytes, when: datetime) -> int | None:
        raise ConnectionResetError("simulated crash right before APPEND")


def pass_that_crashes(account: Account, crashing: type[ImapStore]) -> None:
    """One pass at AFTER through a store that dies around its first APPEND."""
    config = load_config(account.config)
    imap = config.imap
    assert imap is not None and imap.tls_ca_file is not None
    state = StateStore.open(config.state.path)
    store = crashing(
        host=imap.host,
        port=imap.port,
        security=imap.security,
        username=imap.username,
        secret_kind="password",
        secret=PASSWORD,
        ca_file=str(imap.tls_ca_file),
    )
    with pytest.raises(ConnectionResetError):
        one_pass(config, state, store, AFTER)
    store.close()
    state.close()


@pytest.mark.parametrize("crashing", [CrashAfterAppend, CrashBeforeAppend])
def test_crash_between_append_and_recording(crashing: type[ImapStore], account: Account) -> None:
    account.deliver(invite_eml(start=START, end=END, sent=SENT))
    pass_that_crashes(account, crashing)
    assert len(account.drafts()) == (1 if crashing is CrashAfterAppend else 0)

    account.once(AFTER + timedelta(minutes=1))
    account.once(AFTER + timedelta(minutes=2))
    assert account.drafts_to() == sorted(INTERVIEWER_ADDRESSES)
    states = followups(account.status(AFTER + timedelta(minutes=2)))
    assert {f["state"] for f in states.values()} == {"drafted"}


def test_draft_sent_before_its_append_was_confirmed_is_not_placed_again(
    standard_account: Account,
) -> None:
    """The agent dies right after an APPEND; before it runs again the user sends that draft
    (the client keeps its Message-ID, drops our header). The next pass must see it as sent."""
    account = standard_account
    account.deliver(invite_eml(start=START, end=END, sent=SENT))
    pass_that_crashes(account, CrashAfterAppend)
    (draft,) = account.drafts()
    recipient = str(draft["To"].addresses[0].addr_spec)
    sent = account.delete_draft(recipient)
    del sent[KEY_HEADER]
    account.server.append(
        account.server.folder_names["sent"],
        sent.as_bytes(),
        flags=("\\Seen",),
        msg_time=AFTER + timedelta(minutes=1),
    )

    account.once(AFTER + timedelta(minutes=2))
    account.once(AFTER + timedelta(minutes=3))
    others = sorted(set(INTERVIEWER_ADDRESSES) - {recipient})
    assert account.drafts_to() == others
    states = followups(account.status(AFTER + timedelta(minutes=3)))
    assert states[recipient]["state"] == "sent"


def test_uidvalidity_change_rescans_without_duplicates(account: Account) -> None:
    """After the renumbering, UIDs restart below the last one the agent read: it must rescan
    (finding the new invite) without duplicating the interview it knew or its drafts."""
    server = account.server
    assert isinstance(server, Dovecot)  # renumbered on disk, while stopped
    with server.client() as client:  # mail that came and went: the invite gets a high UID
        for n in range(5):
            client.append("INBOX", f"Subject: old {n}\r\n\r\nold\r\n".encode())
        client.select_folder("INBOX")
        client.delete_messages(client.search())
        client.expunge()
    account.deliver(invite_eml(start=START, end=END, sent=SENT))
    account.once(AFTER)
    with server.client() as client:
        before = client.select_folder("INBOX", readonly=True)[b"UIDVALIDITY"]
    server.stop()
    server.reset_uidvalidity("INBOX")
    server.reset_uidvalidity(account.drafts_folder)
    server.start()
    with server.client() as client:
        assert client.select_folder("INBOX", readonly=True)[b"UIDVALIDITY"] != before
    week = timedelta(days=7)
    account.deliver(
        invite_eml(
            start=START + week,
            end=END + week,
            sent=AFTER,
            uid="final-round@google.com",
            message_id="<invite-9@google.com>",
        ),
        when=AFTER,
    )

    account.once(AFTER + timedelta(minutes=10))
    account.once(AFTER + timedelta(minutes=20))
    assert account.drafts_to() == sorted(INTERVIEWER_ADDRESSES)
    interviews = account.status(AFTER + timedelta(minutes=20))["interviews"]
    assert [datetime.fromisoformat(i["start"]) for i in interviews] == [START, START + week]


# --- cancellations ------------------------------------------------------------------------------


def cancel_eml() -> bytes:
    return invite_eml(
        start=START,
        end=END,
        sent=SENT + timedelta(days=2),
        method="CANCEL",
        sequence=1,
        message_id="<cancel-1@google.com>",
    )


def test_cancelled_before_the_end_gets_no_thank_you(account: Account) -> None:
    account.deliver(invite_eml(start=START, end=END, sent=SENT))
    account.once(START - timedelta(days=1))
    account.deliver(cancel_eml(), when=SENT + timedelta(days=2))
    account.once(START - timedelta(minutes=10))
    account.once(AFTER)
    account.once(AFTER + timedelta(hours=5))
    assert account.drafts() == []
    (interview,) = account.status(AFTER)["interviews"]
    assert interview["status"] == "cancelled"
    assert {f["state"] for f in interview["followups"] if f["kind"] == "thank_you"} == {"cancelled"}


def test_cancel_after_drafting_moves_the_draft_to_trash(account: Account) -> None:
    account.deliver(invite_eml(start=START, end=END, sent=SENT))
    account.once(AFTER)
    assert len(account.drafts()) == 2
    account.deliver(cancel_eml(), when=SENT + timedelta(days=2))
    account.once(AFTER + timedelta(minutes=10))
    account.once(AFTER + timedelta(minutes=20))

    assert account.drafts() == []
    trashed = [m for _, m, _ in account.messages(account.trash_folder)]
    assert sorted(str(m["To"].addresses[0].addr_spec) for m in trashed) == sorted(
        INTERVIEWER_ADDRESSES
    )
    assert all(draft_tag_of(str(m["Message-ID"])) for m in trashed)
    states = followups(account.status(AFTER + timedelta(minutes=20)))
    assert {f["state"] for f in states.values()} == {"retired"}


def test_reschedule_moves_the_thank_you(standard_account: Account) -> None:
    account = standard_account
    account.deliver(invite_eml(start=START, end=END, sent=SENT))
    account.once(START - timedelta(days=1))
    later = timedelta(days=1)
    account.deliver(
        invite_eml(
            start=START + later,
            end=END + later,
            sent=SENT + later,
            sequence=1,
            message_id="<invite-2@google.com>",
        ),
        when=SENT + later,
    )
    account.once(AFTER)
    assert account.drafts() == []
    account.once(AFTER + later)
    assert account.drafts_to() == sorted(INTERVIEWER_ADDRESSES)
    (interview,) = account.status(AFTER + later)["interviews"]
    assert datetime.fromisoformat(interview["start"]) == START + later


def test_cancel_keeps_a_draft_the_user_edited(account: Account) -> None:
    account.deliver(invite_eml(start=START, end=END, sent=SENT))
    account.once(AFTER)
    account.edit_draft("oliver.grant@northwind.io", "\nP.S. Loved the whiteboard session.\n")
    account.once(AFTER + timedelta(minutes=5))
    account.deliver(cancel_eml(), when=SENT + timedelta(days=2))
    account.once(AFTER + timedelta(minutes=10))

    assert account.drafts_to() == ["oliver.grant@northwind.io"]
    trashed = [m for _, m, _ in account.messages(account.trash_folder)]
    assert [str(m["To"].addresses[0].addr_spec) for m in trashed] == ["priya.shah@northwind.io"]
    states = followups(account.status(AFTER + timedelta(minutes=10)))
    assert states["oliver.grant@northwind.io"]["state"] == "stale"
    assert states["priya.shah@northwind.io"]["state"] == "retired"


# --- status --json ------------------------------------------------------------------------------


def test_status_json_shape(account: Account) -> None:
    account.deliver(invite_eml(start=START, end=END, sent=SENT))
    account.once(AFTER)
    status = account.status(AFTER)
    assert set(status) == {"interviews", "possible", "events"}  # SPEC.md, "Interfaces"
    assert status["possible"] == []
    (interview,) = status["interviews"]
    assert {
        "id",
        "company",
        "role",
        "start",
        "end",
        "status",
        "people",
        "evidence",
        "followups",
    } <= set(interview)
    assert interview["evidence"][0] == "calendar invite to the user"
    assert interview["company"] == "Northwind"
    assert interview["role"] == "Senior Backend Engineer"
    assert interview["status"] == "done"
    for key in ("start", "end"):
        moment = datetime.fromisoformat(interview[key])
        assert moment.utcoffset() is not None
    assert datetime.fromisoformat(interview["start"]) == START
    assert datetime.fromisoformat(interview["end"]) == END
    people = {p["email"]: p for p in interview["people"]}
    for person in interview["people"]:
        assert set(person) == {"name", "email", "role"}
    for _name, address in INTERVIEWERS:
        assert people[address]["role"] == "interviewer"
    assert "alex@example.com" not in people
    assert not any("resource.calendar" in address for address in people)
    kinds = {f["kind"] for f in interview["followups"]}
    assert "thank_you" in kinds
    for followup in interview["followups"]:
        assert {"kind", "to", "draft_at", "due", "state", "reason"} <= set(followup)
        for key in ("draft_at", "due"):
            assert datetime.fromisoformat(followup[key]).utcoffset() is not None
        assert followup["state"] in {
            "planned",
            "drafted",
            "sent",
            "dismissed",
            "cancelled",
            "missed",
            "retired",
            "stale",
        }
        assert followup["reason"]
    thanks = followups(status)
    assert set(thanks) == INTERVIEWER_ADDRESSES
    for followup in thanks.values():
        assert followup["state"] == "drafted"
        assert datetime.fromisoformat(followup["draft_at"]) == END + timedelta(minutes=30)
        assert datetime.fromisoformat(followup["due"]) == END + timedelta(hours=24)


# --- failures a user can fix: one line, the right exit code, no traceback -----------------------


def assert_one_line_failure(done: Result) -> str:
    assert done.code not in (0, 78), done.err
    assert "Traceback" not in done.err
    lines = [line for line in done.err.splitlines() if line.strip()]
    assert len(lines) == 1, done.err
    return lines[0]


def test_runtime_failures_are_one_plain_line(dovecot: Dovecot, tmp_path: Path) -> None:
    now = iso(AFTER)
    other_ca = make_ca(tmp_path / "other-ca", name="some other CA")
    wrong_ca = imap_config(tmp_path / "wrong-ca", port=dovecot.tls_port, ca_file=other_ca)
    line = assert_one_line_failure(child(wrong_ca, "once", "--now", now, env=WITH_PASSWORD))
    assert "certificate" in line.lower() and "tls_ca_file" in line

    right = imap_config(tmp_path / "right", port=dovecot.tls_port, ca_file=dovecot.ca_file)
    done = child(right, "once", "--now", now, env={PASSWORD_ENV: "not-the-password-42"})
    line = assert_one_line_failure(done)
    assert "not-the-password-42" not in done.err + done.out
    assert "tester" in line

    closed = imap_config(tmp_path / "closed", port=free_port(), ca_file=dovecot.ca_file)
    line = assert_one_line_failure(child(closed, "once", "--now", now, env=WITH_PASSWORD))
    assert "[imap].port" in line


@pytest.mark.parametrize("security", ["starttls", "none"])
def test_starttls_and_plain_loopback(
    security: str,
    dovecot: Dovecot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    config = imap_config(tmp_path, port=dovecot.port, ca_file=dovecot.ca_file)
    config.write_text(config.read_text().replace('security = "tls"', f'security = "{security}"'))
    account = Account(dovecot, config)
    account.deliver(invite_eml(start=START, end=END, sent=SENT))
    account.once(AFTER)
    assert account.drafts_to() == sorted(INTERVIEWER_ADDRESSES)


def test_config_errors_are_listed_at_once(tmp_path: Path, dovecot: Dovecot) -> None:
    config = imap_config(
        tmp_path,
        port=dovecot.tls_port,
        ca_file=dovecot.ca_file,
        extra='hots = "imap.example.com"\npassword = "hunter2-in-file"\n',
    )
    done = child(config, "once", env=WITH_PASSWORD)
    assert done.code == 78
    assert "Traceback" not in done.err
    lines = done.err.strip().splitlines()
    assert len(lines) == 2, done.err
    assert any("[imap].hots" in line and '"host"' in line for line in lines)
    assert any("[imap].password" in line and "set-password" in line for line in lines)
    assert "hunter2-in-file" not in done.err
    assert all(line.startswith("config.toml: ") for line in lines)


# --- a connection lost at any point -------------------------------------------------------------


CUTS = [("down", 0.3), ("down", 0.8), ("down", 0.95), ("up", 0.5), ("up", 0.8)]


@pytest.fixture(scope="module")
def pass_traffic() -> Iterator[dict[str, int]]:
    """The bytes each way of one whole first pass (through a proxy), measured once."""
    server = Dovecot()
    proxy: TcpProxy | None = None
    try:
        server.start()
        server.append("INBOX", invite_eml(start=START, end=END, sent=SENT), msg_time=SENT)
        proxy = TcpProxy(server.tls_port)
        with tempfile.TemporaryDirectory() as directory:
            config = imap_config(Path(directory), port=proxy.port, ca_file=server.ca_file)
            assert cli(config, "once", "--now", iso(AFTER), env=WITH_PASSWORD).code == 0
        yield {"down": proxy.bytes_from_server, "up": proxy.bytes_to_server}
    finally:
        if proxy is not None:
            proxy.close()
        server.close()


@pytest.mark.parametrize(("direction", "cut_at"), CUTS)
def test_connection_lost_mid_pass_never_duplicates(
    direction: str,
    cut_at: float,
    pass_traffic: dict[str, int],
    dovecot: Dovecot,
    tcp_proxy: Callable[..., TcpProxy],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cut the connection once a fraction of a pass's traffic has gone one way (in the middle
    of a FETCH, before or after an APPEND, ...): the pass fails with one line, and the next one
    leaves exactly one draft per interviewer."""
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    budget = int(pass_traffic[direction] * cut_at)
    proxy = tcp_proxy(dovecot.tls_port, **{f"drop_after_{direction}stream_bytes": budget})
    account = Account(dovecot, imap_config(tmp_path, port=proxy.port, ca_file=dovecot.ca_file))
    account.deliver(invite_eml(start=START, end=END, sent=SENT))
    code, _, err = account.run("once", "--now", iso(AFTER))
    if code != 0:
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and "lost the connection" in err and code not in (70, 78), err
    account.once(AFTER + timedelta(minutes=1))
    account.once(AFTER + timedelta(minutes=2))
    assert account.drafts_to() == sorted(INTERVIEWER_ADDRESSES)


def test_plain_text_confirmation_with_a_bland_subject_from_a_new_sender(
    standard_account: Account,
) -> None:
    """No calendar part, no interview word in the subject, a domain the agent has never seen:
    the text must still be read (over IMAP the body is fetched only when it may matter)."""
    account = standard_account
    sent = datetime(2026, 10, 12, 15, 48, tzinfo=UTC)
    raw = (
        "From: Odalys Ferreira <odalys@tessellatemaps.com>\r\n"
        "To: Alex Rivera <alex@example.com>\r\n"
        "Subject: Our chat on Thursday\r\n"
        f"Date: {email.utils.format_datetime(sent)}\r\n"
        "Message-ID: <chat-1@tessellatemaps.com>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "MIME-Version: 1.0\r\n\r\n"
        "Hi Alex,\r\n\r\nConfirming our interview for the Map Data Engineer role on Thursday, "
        "October 15 at 11:30 AM ET for 45 minutes. I'll call you on Google Meet: https://meet.google.com/tsm-qpwx-hvb\r\n\r\n"
        "Talk soon,\r\nOdalys Ferreira\r\nEngineering Manager, Tessellate Maps\r\n"
    ).encode()
    account.deliver(raw, when=sent)
    account.once(sent + timedelta(hours=1))
    (interview,) = account.status(sent + timedelta(hours=1))["interviews"]
    assert datetime.fromisoformat(interview["start"]) == datetime(2026, 10, 15, 15, 30, tzinfo=UTC)


def test_an_invitation_relayed_with_list_headers_is_still_read(standard_account: Account) -> None:
    """A scheduling service or a Google Group may add List-Unsubscribe / List-Id to a personal
    invitation: the calendar part naming the user still makes it an interview; a newsletter
    carrying no invitation stays ignored, its text never downloaded."""
    account = standard_account
    listed = b"List-Unsubscribe: <https://mailer.example.net/u/1>\r\n"
    account.deliver(listed + invite_eml(start=START, end=END, sent=SENT))
    account.deliver(
        listed + b"From: Tips <tips@mailer.example.net>\r\nTo: alex@example.com\r\n"
        b"Subject: 5 interview tips\r\nMessage-ID: <tips-1@mailer.example.net>\r\n"
        b"Date: Thu, 01 Oct 2026 10:00:00 -0400\r\n\r\nYour interview is on "
        b"Tuesday, October 6 at 2:00 PM ET with our team.\r\n"
    )
    account.once(AFTER)
    (interview,) = account.status(AFTER)["interviews"]
    assert datetime.fromisoformat(interview["start"]) == START
    assert account.drafts_to() == sorted(INTERVIEWER_ADDRESSES)


# --- company events and the digest --------------------------------------------------------------


def test_a_company_event_and_the_digest_over_imap(
    dovecot: Dovecot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A webinar invitation with list headers from the interview's company is listed as its
    event (its text downloaded for the start); with the digest on, one unseen message in INBOX
    lists the drafts placed and the event, once, and nothing else in INBOX changes."""
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    digest = '\n[digest]\nenabled = true\ntime = "08:00"\n'
    config = imap_config(
        tmp_path / "agent", port=dovecot.tls_port, ca_file=dovecot.ca_file, extra=digest
    )
    account = Account(dovecot, config)
    account.deliver(invite_eml(start=START, end=END, sent=SENT), flags=("\\Seen",))
    account.once(SENT + timedelta(hours=1))  # nothing to say yet: no digest
    account.deliver(
        b"From: Northwind Events <events@northwind.io>\r\nTo: alex@example.com\r\n"
        b"Subject: Northwind tech talks: join us\r\nMessage-ID: <talks-1@northwind.io>\r\n"
        b"List-Unsubscribe: <https://northwind.io/u/1>\r\n"
        b"Date: Mon, 05 Oct 2026 09:00:00 -0400\r\n\r\nJoin us on Thursday, October 15 at "
        b"6:00 PM ET for an evening of short talks. RSVP below.\r\n",
        when=START - timedelta(days=1),
    )
    before = {(m["Message-ID"], frozenset(flags)) for flags, m, _ in account.messages("INBOX")}
    assert len(before) == 2

    account.once(AFTER)
    (event,) = account.status(AFTER)["events"]
    assert event["message_id"] == "<talks-1@northwind.io>"
    assert datetime.fromisoformat(event["start"]) == datetime(2026, 10, 15, 22, 0, tzinfo=UTC)

    account.once(AFTER + timedelta(minutes=5))
    after = {(m["Message-ID"], frozenset(flags)): m for flags, m, _ in account.messages("INBOX")}
    assert before < set(after), "nothing else in INBOX changed"
    ((message_id, flags),) = set(after) - before
    assert flags == frozenset(), "the digest is unseen"
    digest_message = after[(message_id, flags)]
    assert digest_message["Subject"] == (
        "Interview follow-ups: 2 drafts ready, 2 due soon, 1 company event"
    )
    text = digest_message.get_content()
    assert "to oliver.grant@northwind.io:" in text and "Northwind tech talks" in text
