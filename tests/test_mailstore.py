"""The `MailStore` contract (agent/mail/store.py), as vdirsyncer's StorageTests: one class of
behaviour tests run against every store, the IMAP store on a real Dovecot in each folder layout
and the Maildir store. Each store finds its folders by role, reads a message's headers and
parts, lists Drafts and searches it for a key, APPENDs a draft and tells its UID, moves one of
its own drafts to Trash, tells by `drafts_mark` when Drafts changed, and changes nothing else:
every other message keeps its content and flags, and unread mail stays unread."""

from __future__ import annotations

import email
import email.policy
import hashlib
import itertools
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol

import pytest
from helpers import invite_eml
from servers import HOST, LAYOUTS, PASSWORD, USER, Dovecot

from agent.mail.imap import ImapStore
from agent.mail.maildir import MaildirStore
from agent.mail.store import MailStore, sha256_of
from agent.model import KEY_HEADER, draft_tag

START = datetime(2026, 10, 6, 18, 0, tzinfo=UTC)
SENT = datetime(2026, 10, 1, 14, 0, tzinfo=UTC)
PLACED = START + timedelta(hours=1, minutes=30)
MAX_PART_BYTES = 262_144

# folder -> [(where the message is, its flags, sha256 of its bytes)], sorted
Snapshot = dict[str, list[tuple[str, tuple[str, ...], str]]]


def crlf(message: EmailMessage) -> bytes:
    return message.as_bytes(policy=email.policy.default.clone(linesep="\r\n"))


def draft(key: str, to: str = "oliver.grant@northwind.io", subject: str = "Thank you") -> bytes:
    """A draft as the agent composes it: our key header, CRLF line endings."""
    message = EmailMessage()
    message["From"] = "Alex Rivera <alex@example.com>"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(PLACED)
    message["Message-ID"] = f"<{hashlib.sha256(key.encode()).hexdigest()[:16]}@example.com>"
    message[KEY_HEADER] = key
    message.set_content("Thank you for your time today.\n")
    return crlf(message)


def plain(sender: str, to: str, subject: str, message_id: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(SENT)
    message["Message-ID"] = message_id
    message.set_content("Hello.\n")
    return crlf(message)


INVITE = invite_eml(
    start=START, end=START + timedelta(hours=1), sent=SENT, attachment=b"%PDF-1.4 " * 2000
)
NEWSLETTER = plain(
    "Weekly Jobs <jobs@news.example.org>", "alex@example.com", "Ten jobs", "<jobs@news.example>"
)
TO_A_FRIEND = plain("alex@example.com", "friend@example.org", "Lunch", "<lunch@example.com>")
USERS_DRAFT = plain("alex@example.com", "landlord@example.org", "Lease", "<lease@example.com>")


class Mailbox(Protocol):
    """A mailbox of one kind, seen from outside the store: what a mail client or a delivery
    agent does to it, and what it holds."""

    roles: dict[str, str]  # inbox, drafts, sent, trash -> the folder's name

    def put(self, role: str, raw: bytes, flags: Sequence[str] = ()) -> None: ...

    def delete(self, role: str, message_id: str) -> None: ...

    def messages(self, role: str) -> list[bytes]: ...

    def snapshot(self) -> Snapshot: ...

    def open(self) -> MailStore: ...


def message_ids(raws: list[bytes]) -> list[str]:
    return sorted(str(email.message_from_bytes(raw)["Message-ID"]) for raw in raws)


class MailStoreContract:
    """Every store: a subclass gives the `mailbox` fixture, a fresh empty one of its kind."""

    @pytest.fixture
    def store(self, mailbox: Mailbox) -> Iterator[MailStore]:
        """The store opened on `mailbox` holding an invite (unread, with an attachment) and a
        newsletter (read and flagged) in INBOX, a sent message, and the user's own draft."""
        mailbox.put("inbox", INVITE)
        mailbox.put("inbox", NEWSLETTER, ("\\Seen", "\\Flagged"))
        mailbox.put("sent", TO_A_FRIEND, ("\\Seen",))
        mailbox.put("drafts", USERS_DRAFT, ("\\Draft", "\\Seen"))
        opened = mailbox.open()
        yield opened
        opened.close()

    def test_finds_its_folders_by_role(self, mailbox: Mailbox, store: MailStore) -> None:
        roles = store.roles
        assert (roles.inbox, roles.drafts, roles.sent, roles.trash) == tuple(
            mailbox.roles[role] for role in ("inbox", "drafts", "sent", "trash")
        )
        assert roles.sent is not None
        assert len(store.new_uids(roles.inbox, 0, None)) == 2
        assert len(store.new_uids(roles.sent, 0, None)) == 1
        assert [d.message_id for d in store.drafts()] == ["<lease@example.com>"]
        first = store.position(roles.inbox)
        assert first.uidvalidity > 0 and store.position(roles.inbox) == first

    def test_reads_headers_and_parts(self, store: MailStore) -> None:
        inbox = store.new_uids(store.roles.inbox, 0, None)
        read = {
            m.message_id: m
            for m in store.fetch(
                store.roles.inbox, inbox, max_part_bytes=MAX_PART_BYTES, is_sent=False
            )
        }
        invite = read["<invite-1@google.com>"]
        assert invite.subject.startswith("Invitation: Interview with Northwind")
        assert invite.from_.email == "rachel.kim@northwind.io"
        assert [a.email for a in invite.to] == ["alex@example.com"]
        assert invite.date == SENT
        assert "You have been invited" in invite.text
        assert invite.calendars and all("BEGIN:VCALENDAR" in c for c in invite.calendars)
        assert invite.attachment_names == ("company-handbook.pdf",)
        assert not invite.is_sent and invite.uid in inbox
        assert read["<jobs@news.example>"].subject == "Ten jobs"

        assert store.roles.sent is not None
        sent = store.new_uids(store.roles.sent, 0, None)
        (mine,) = store.fetch(store.roles.sent, sent, max_part_bytes=MAX_PART_BYTES, is_sent=True)
        assert mine.is_sent and mine.subject == "Lunch"
        assert [a.email for a in mine.to] == ["friend@example.org"]

    def test_append_tells_the_uid_and_reads_back_the_same_bytes(
        self, mailbox: Mailbox, store: MailStore
    ) -> None:
        raw = draft("thank_you/a1/oliver.grant@northwind.io")
        uid = store.append_draft(raw, PLACED)
        assert uid is not None
        (info,) = [d for d in store.drafts() if d.key]
        assert info.uid == uid
        assert info.key == "thank_you/a1/oliver.grant@northwind.io"
        assert info.to == ("oliver.grant@northwind.io",)
        assert info.subject == "Thank you"
        assert info.sha256 == sha256_of(raw)  # what the agent placed, unedited
        placed = [flags for _, flags, _ in mailbox.snapshot()[mailbox.roles["drafts"]]]
        assert sorted(placed) == [("\\Draft", "\\Seen")] * 2

    def test_lists_drafts_and_finds_one_by_its_exact_key(self, store: MailStore) -> None:
        keys = ["check_in/b2/1", "check_in/b2/12", "thank_you/b2/priya@northwind.io"]
        uids = {key: store.append_draft(draft(key), PLACED) for key in keys}
        listed = {d.key: d for d in store.drafts()}
        assert set(listed) == {*keys, ""}  # "": the user's own draft
        assert listed[""].message_id == "<lease@example.com>"
        for key in keys:
            found = store.find_draft(key)
            assert found is not None and found.key == key and found.uid == uids[key]
        assert store.find_draft("check_in/b2") is None
        assert store.find_draft("thank_you/none") is None

    def test_retires_its_own_draft_to_trash(self, mailbox: Mailbox, store: MailStore) -> None:
        raw = draft("thank_you/c3/oliver.grant@northwind.io")
        uid = store.append_draft(raw, PLACED)
        assert uid is not None
        store.retire_draft(uid)
        assert [d.key for d in store.drafts()] == [""]
        assert store.find_draft("thank_you/c3/oliver.grant@northwind.io") is None
        assert message_ids(mailbox.messages("trash")) == message_ids([raw])
        assert message_ids(mailbox.messages("drafts")) == ["<lease@example.com>"]

    def test_drafts_mark_changes_when_drafts_change(
        self, mailbox: Mailbox, store: MailStore
    ) -> None:
        marks = [store.drafts_mark()]
        assert marks[0] and store.drafts_mark() == marks[0]  # nothing changed
        store.new_uids(store.roles.inbox, 0, None)
        assert store.drafts_mark() == marks[0]

        def changed(mark: str) -> None:
            assert mark and mark not in marks
            marks.append(mark)

        uid = store.append_draft(draft("thank_you/d4/oliver.grant@northwind.io"), PLACED)
        changed(store.drafts_mark())
        mailbox.put("drafts", plain("alex@example.com", "x@example.org", "New", "<new@x>"))
        changed(store.drafts_mark())
        mailbox.delete("drafts", "<lease@example.com>")  # the user deletes a draft
        changed(store.drafts_mark())
        assert uid is not None
        store.retire_draft(uid)
        changed(store.drafts_mark())

    def test_changes_nothing_but_its_own_drafts(self, mailbox: Mailbox, store: MailStore) -> None:
        before = mailbox.snapshot()
        for folder in (store.roles.inbox, store.roles.sent):
            assert folder is not None
            uids = store.new_uids(folder, 0, None)
            list(store.fetch(folder, uids, max_part_bytes=MAX_PART_BYTES, is_sent=False))
            store.position(folder)
        store.drafts()
        store.drafts_mark()
        store.find_draft("thank_you/e5/oliver.grant@northwind.io")
        kept = store.append_draft(draft("thank_you/e5/oliver.grant@northwind.io"), PLACED)
        retired = store.append_draft(draft("thank_you/e5/priya.shah@northwind.io"), PLACED)
        assert kept is not None and retired is not None
        store.retire_draft(retired)

        after = mailbox.snapshot()
        drafts, trash = mailbox.roles["drafts"], mailbox.roles["trash"]
        for folder in set(before) | set(after):
            if folder not in (drafts, trash):
                assert after.get(folder) == before.get(folder), folder
        assert [flags for _, flags, _ in after[mailbox.roles["inbox"]]].count(()) == 1  # unread
        assert set(before[drafts]) <= set(after[drafts])  # the user's draft, untouched
        assert len(after[drafts]) == len(before[drafts]) + 1
        assert len(after[trash]) == len(before.get(trash, [])) + 1

    def test_appends_one_unseen_message_to_inbox_and_finds_it(
        self, mailbox: Mailbox, store: MailStore
    ) -> None:
        """The digest's way in: one APPEND to INBOX, unseen; nothing else there changes."""
        inbox = store.roles.inbox
        assert not store.has_message_id(inbox, "q5digesttagq5")
        before = mailbox.snapshot()
        store.append_message(inbox, DIGEST, (), PLACED)
        assert store.has_message_id(inbox, "q5digesttagq5")
        after = mailbox.snapshot()
        name = mailbox.roles["inbox"]
        for folder in set(before) | set(after):
            if folder != name:
                assert after.get(folder) == before.get(folder), folder
        assert set(before[name]) <= set(after[name])
        assert len(after[name]) == len(before[name]) + 1
        assert [flags for _, flags, _ in after[name]].count(()) == 2  # the invite, the digest

    def test_finds_and_removes_its_own_later_copy_in_inbox_and_nothing_else(
        self, mailbox: Mailbox, store: MailStore
    ) -> None:
        """The digest's guard against a second machine: two copies of one day's digest in
        INBOX are found in the order they came, and the later one removed by its UID alone;
        the user's messages there (one unread, one read and flagged) keep their flags."""
        inbox, key = store.roles.inbox, "digest/2026-10-01"
        before = mailbox.snapshot()
        first = store.append_message(inbox, tagged_digest(key, "0a1b2c3d4e5f"), (), PLACED)
        later = store.append_message(inbox, tagged_digest(key, "ffffffffffff"), (), PLACED)
        copies = store.find_drafts(key, inbox)
        assert [c.message_id.split(".")[1][:12] for c in copies] == ["0a1b2c3d4e5f", "ffffffffffff"]
        assert all(c.key == key and c.sha256 for c in copies)
        assert first is None or later is None or [c.uid for c in copies] == [first, later]
        assert store.find_drafts(key) == [], "Drafts is another folder"
        assert store.remove_draft(copies[1].uid, inbox)
        assert [c.message_id for c in store.find_drafts(key, inbox)] == [copies[0].message_id]
        after = mailbox.snapshot()
        name = mailbox.roles["inbox"]
        for folder in set(before) | set(after):
            if folder != name:
                assert after.get(folder) == before.get(folder), folder
        assert set(before[name]) <= set(after[name])
        assert len(after[name]) == len(before[name]) + 1
        assert [flags for _, flags, _ in after[name]].count(()) == 2  # the invite, the digest


def tagged_digest(key: str, nonce: str) -> bytes:
    """A digest as the agent writes it: its key's tag in the Message-ID, a random part."""
    return DIGEST.replace(b"<q5digesttagq5.0a1b2c3d4e5f@", f"<{draft_tag(key)}.{nonce}@".encode())


DIGEST = (
    b"From: Alex Rivera <alex@example.com>\r\nTo: Alex Rivera <alex@example.com>\r\n"
    b"Subject: Interview follow-ups: 1 draft ready\r\n"
    b"Message-ID: <q5digesttagq5.0a1b2c3d4e5f@example.com>\r\n"
    b"Date: Thu, 01 Oct 2026 12:30:00 +0000\r\n\r\nOne draft is ready.\r\n"
)


# --- the IMAP store on a real Dovecot, in every folder layout ----------------------------------


class DovecotMailbox:
    def __init__(self, server: Dovecot) -> None:
        self.server = server
        self.roles = dict(server.folder_names)

    def put(self, role: str, raw: bytes, flags: Sequence[str] = ()) -> None:
        self.server.append(self.roles[role], raw, flags=flags, msg_time=SENT)

    def delete(self, role: str, message_id: str) -> None:
        with self.server.client() as client:
            client.select_folder(self.roles[role])
            uids = client.search(["HEADER", "Message-ID", message_id])
            assert len(uids) == 1, uids
            client.delete_messages(uids)
            client.expunge()

    def messages(self, role: str) -> list[bytes]:
        with self.server.client() as client:
            client.select_folder(self.roles[role], readonly=True)
            fetched = client.fetch(client.search(), ["BODY.PEEK[]"])
        return [data[b"BODY[]"] for _, data in sorted(fetched.items())]

    def snapshot(self) -> Snapshot:
        return {
            folder: sorted((str(uid), flags, digest) for uid, flags, digest in messages)
            for folder, messages in self.server.snapshot().items()
        }

    def open(self) -> MailStore:
        return ImapStore(
            host=HOST,
            port=self.server.tls_port,
            security="tls",
            username=USER,
            secret_kind="password",
            secret=PASSWORD,
            ca_file=str(self.server.ca_file),
        )


class TestImapStore(MailStoreContract):
    @pytest.fixture(params=sorted(LAYOUTS))
    def mailbox(
        self, request: pytest.FixtureRequest, dovecot_factory: Callable[..., Dovecot]
    ) -> DovecotMailbox:
        return DovecotMailbox(dovecot_factory(request.param))


# --- the Maildir store --------------------------------------------------------------------------

MAILDIR_FLAGS = {"\\Draft": "D", "\\Flagged": "F", "\\Answered": "R", "\\Seen": "S"}


class MaildirMailbox:
    """A Maildir++ as mbsync or offlineimap keeps it: INBOX at the top, `.Name` folders."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.roles = {"inbox": "INBOX", "drafts": "Drafts", "sent": "Sent", "trash": "Trash"}
        self.names = itertools.count(1)
        for folder in self.roles.values():
            for sub in ("cur", "new", "tmp"):
                (self.folder(folder) / sub).mkdir(parents=True, exist_ok=True)

    def folder(self, name: str) -> Path:
        return self.root if name == "INBOX" else self.root / f".{name}"

    def files(self, name: str) -> list[Path]:
        base = self.folder(name)
        return sorted(p for sub in ("new", "cur") for p in (base / sub).iterdir())

    def put(self, role: str, raw: bytes, flags: Sequence[str] = ()) -> None:
        """As a delivery agent leaves it: in new/ when it has no flags, else in cur/."""
        base = self.folder(self.roles[role])
        name = f"1790000000.{next(self.names)}.test"
        letters = "".join(sorted(MAILDIR_FLAGS[flag] for flag in flags))
        path = base / "cur" / f"{name}:2,{letters}" if flags else base / "new" / name
        path.write_bytes(raw.replace(b"\r\n", b"\n"))

    def delete(self, role: str, message_id: str) -> None:
        (path,) = [
            p
            for p in self.files(self.roles[role])
            if email.message_from_bytes(p.read_bytes())["Message-ID"] == message_id
        ]
        path.unlink()

    def messages(self, role: str) -> list[bytes]:
        return [p.read_bytes() for p in self.files(self.roles[role])]

    def snapshot(self) -> Snapshot:
        def flags(path: Path) -> tuple[str, ...]:
            letters = path.name.partition(":2,")[2]
            return tuple(sorted(f for f, letter in MAILDIR_FLAGS.items() if letter in letters))

        return {
            name: sorted(
                (
                    str(p.relative_to(self.folder(name))),
                    flags(p),
                    hashlib.sha256(p.read_bytes()).hexdigest(),
                )
                for p in self.files(name)
            )
            for name in self.roles.values()
        }

    def open(self) -> MailStore:
        return MaildirStore(self.root)


class TestMaildirStore(MailStoreContract):
    @pytest.fixture
    def mailbox(self, tmp_path: Path) -> MaildirMailbox:
        return MaildirMailbox(tmp_path / "Mail")
