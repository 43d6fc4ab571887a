"""Notes on a real Maildir: `note --for` reaches one person's thank-you only, `note --promise
--to` chooses who the action item goes to, and a note that arrives after the thank-you was
placed replaces the draft the user has not touched (and is shown pending when they have)."""

from __future__ import annotations

import email
import email.message
import email.policy
import email.utils
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from harness import Cli
from helpers import invite_eml, maildir_config

from agent.compose import unflow
from agent.model import Interview, InterviewFacts, Note
from agent.state.store import MIGRATIONS, StateStore

START = datetime(2026, 10, 6, 18, 0, tzinfo=UTC)
END = START + timedelta(hours=1)
SENT = datetime(2026, 10, 1, 14, 0, tzinfo=UTC)
AFTER = END + timedelta(minutes=31)


class Mailbox(Cli):
    def __init__(self, root: Path, config: Path) -> None:
        super().__init__(config)
        self.root = root

    def deliver(self, raw: bytes, name: str) -> None:
        (self.root / "new" / name).write_bytes(raw)

    def files(self, folder: str) -> list[Path]:
        base = self.root / folder
        return sorted(p for sub in ("cur", "new") for p in (base / sub).iterdir())

    def bodies(self) -> dict[str, str]:
        """Each draft's recipient and its body as a mail client shows it."""
        result = {}
        for path in self.files(".Drafts"):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            assert isinstance(message, email.message.EmailMessage)
            to = str(message["To"].addresses[0].addr_spec)
            result[to] = unflow(message.get_content())
        return result

    def interview_id(self, now: datetime) -> str:
        (interview,) = self.status(now)["interviews"]
        return str(interview["id"])


@pytest.fixture
def mailbox(tmp_path: Path) -> Mailbox:
    root = tmp_path / "Mail"
    for folder in (root, root / ".Sent", root / ".Drafts", root / ".Trash"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True)
    box = Mailbox(root, maildir_config(tmp_path / "agent", root))
    box.deliver(invite_eml(start=START, end=END, sent=SENT), "1727000001.invite.host")
    box.once(SENT + timedelta(hours=1))
    return box


def test_a_note_for_one_person_reaches_only_their_thank_you(mailbox: Mailbox) -> None:
    iid = mailbox.interview_id(END)
    out = mailbox.ok("note", iid[:6], "--for", "priya", "how they test schema migrations")
    assert "priya.shah@northwind.io" in out
    mailbox.once(AFTER)
    bodies = mailbox.bodies()
    assert "schema migrations" in bodies["priya.shah@northwind.io"]
    assert "schema migrations" not in bodies["oliver.grant@northwind.io"]


def test_note_for_refuses_an_address_that_is_no_one_in_the_interview(mailbox: Mailbox) -> None:
    iid = mailbox.interview_id(END)
    code, _, err = mailbox.run("note", iid, "--for", "someone@else.example", "a point")
    assert code != 0 and "oliver.grant@northwind.io" in err
    code, _, err = mailbox.run("note", iid, "--for", "", "a point")
    assert code != 0


def test_a_promise_goes_to_the_person_named_with_to(mailbox: Mailbox) -> None:
    iid = mailbox.interview_id(END)
    mailbox.ok(
        "note", iid, "--promise", "send my portfolio", "--due", "2026-10-09", "--to", "priya"
    )
    (item,) = [
        f for f in mailbox.status(AFTER)["interviews"][0]["followups"] if f["kind"] == "action_item"
    ]
    assert item["to"] == "priya.shah@northwind.io"


def test_a_version_2_state_file_keeps_its_notes_and_gains_per_person_notes(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for version in (1, 2):
        for statement in MIGRATIONS[version].split(";"):
            if statement.strip():
                conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    conn.execute(
        "INSERT INTO notes (interview_id, text, promise_due, added) VALUES (?, ?, ?, ?)",
        ("i1", "everyone's point", None, SENT.isoformat()),
    )
    conn.close()
    facts = InterviewFacts(
        uid="u1",
        sequence=0,
        stamp=None,
        start=START,
        end=END,
        company="Northwind",
        role="",
        people=(),
    )
    state = StateStore.open(path)
    state.save_interview(Interview(id="i1", facts=facts, first_seen=SENT, source="mail"))
    state.add_note("i1", Note("Priya's point", added=SENT, for_email="Priya@Northwind.io"))
    (interview,) = StateStore.open(path).interviews()
    assert [(n.text, n.for_email) for n in interview.notes] == [
        ("everyone's point", ""),
        ("Priya's point", "priya@northwind.io"),
    ]


def _mail(sender: str, to: str, when: datetime, body: str, mid: str, reply_to: str = "") -> bytes:
    thread = f"In-Reply-To: {reply_to}\nReferences: {reply_to}\n" if reply_to else ""
    return (
        f"From: {sender}\nTo: {to}\nSubject: Next steps\nMessage-ID: {mid}\n{thread}"
        f"Date: {email.utils.format_datetime(when)}\n\n{body}"
    ).encode()


RACHEL = "Rachel Kim <rachel.kim@northwind.io>"
ALEX = "Alex Rivera <alex@example.com>"
ASKED = datetime(2026, 10, 7, 14, 0, tzinfo=UTC)  # a Wednesday, 10:00 in New York


def _action_items(mailbox: Mailbox, now: datetime) -> list[dict[str, str]]:
    (interview,) = mailbox.status(now)["interviews"]
    return [f for f in interview["followups"] if f["kind"] == "action_item"]


def test_an_undated_request_is_due_two_business_days_later_and_a_reply_settles_it(
    mailbox: Mailbox,
) -> None:
    mailbox.deliver(
        _mail(
            RACHEL,
            ALEX,
            ASKED,
            "Hi Alex,\n\nThanks for your time yesterday. Could you send your references "
            "when you get a chance?\n\nRachel\n",
            "<ask-1@northwind.io>",
        ),
        "1727000020.ask.host",
    )
    mailbox.once(ASKED + timedelta(hours=1))
    (item,) = _action_items(mailbox, ASKED + timedelta(hours=1))
    assert item["state"] == "planned" and item["to"] == "rachel.kim@northwind.io"
    assert datetime.fromisoformat(item["due"]).date().isoformat() == "2026-10-09"
    assert datetime.fromisoformat(item["draft_at"]) == datetime(2026, 10, 9, 12, 0, tzinfo=UTC)
    assert "without a date" in item["reason"]

    answered = ASKED + timedelta(hours=3)  # in plain text: references need no file
    reply = _mail(
        ALEX,
        RACHEL,
        answered,
        "Hi Rachel,\n\nHere they are: ...\n",
        "<re-ask-1@example.com>",
        reply_to="<ask-1@northwind.io>",
    )
    (mailbox.root / ".Sent" / "cur" / "1727000021.re.host:2,S").write_bytes(reply)
    mailbox.once(answered + timedelta(hours=1))
    (item,) = _action_items(mailbox, answered + timedelta(hours=1))
    assert item["state"] == "sent" and "you replied" in item["reason"]


def test_a_document_request_needs_a_reply_with_an_attachment(mailbox: Mailbox) -> None:
    mailbox.deliver(
        _mail(
            RACHEL,
            ALEX,
            ASKED,
            "Hi Alex,\n\nPlease send your portfolio by Friday.\n\nRachel\n",
            "<ask-2@northwind.io>",
        ),
        "1727000020.ask.host",
    )
    reply = _mail(
        ALEX,
        RACHEL,
        ASKED + timedelta(hours=3),
        "Hi Rachel,\n\nWill do.\n",
        "<re-ask-2@example.com>",
        reply_to="<ask-2@northwind.io>",
    )
    (mailbox.root / ".Sent" / "cur" / "1727000021.re.host:2,S").write_bytes(reply)
    mailbox.once(ASKED + timedelta(hours=4))
    (item,) = _action_items(mailbox, ASKED + timedelta(hours=4))
    assert item["state"] == "planned"


def test_preview_shows_the_draft_as_a_mail_client_does(mailbox: Mailbox) -> None:
    out = mailbox.ok("preview", "--now", END.isoformat())
    assert "format=flowed" not in out and "Content-Transfer-Encoding" not in out
    # 19:30 UTC, in the user's zone: when it will be placed, and the Date it will carry
    assert "placed 2026-10-06 15:30 EDT" in out and "Date: Tue, Oct 6, 2026 15:30 EDT" in out
    (first, *_rest) = out.split("\n--- ")
    body = first.split("\n\n", 1)[1]
    assert all(not line.endswith(" ") for line in body.splitlines())  # flowed lines joined
    assert any(len(line) > 78 for line in body.splitlines())  # a paragraph is one line
    assert "Priya" in out and "Oliver" in out


def test_a_later_note_replaces_an_unedited_draft_and_is_pending_in_an_edited_one(
    mailbox: Mailbox,
) -> None:
    iid = mailbox.interview_id(END)
    mailbox.once(AFTER)
    assert len(mailbox.files(".Drafts")) == 2
    (oliver,) = [p for p in mailbox.files(".Drafts") if b"oliver.grant@" in p.read_bytes()]
    edited = oliver.read_bytes().replace(b"Hi Oliver,", b"Dear Oliver,")
    oliver.write_bytes(edited)  # the user edits and saves Oliver's draft

    later = AFTER + timedelta(minutes=20)
    mailbox.ok("note", iid, "--now", later.isoformat(), "how they shard the ledger")
    mailbox.once(later + timedelta(minutes=1))
    bodies = mailbox.bodies()
    assert sorted(bodies) == ["oliver.grant@northwind.io", "priya.shah@northwind.io"]
    assert "shard the ledger" in bodies["priya.shah@northwind.io"]
    assert "shard the ledger" not in bodies["oliver.grant@northwind.io"]
    assert oliver.read_bytes() == edited  # the user's edit is never touched
    assert len(mailbox.files(".Trash")) == 1  # Priya's first draft, retired
    followups = mailbox.status(later + timedelta(minutes=2))["interviews"][0]["followups"]
    states = {f["to"]: (f["state"], f["reason"]) for f in followups if f["kind"] == "thank_you"}
    assert states["priya.shah@northwind.io"][0] == "drafted"
    assert states["oliver.grant@northwind.io"][0] == "drafted"
    assert states["oliver.grant@northwind.io"][1].startswith("note pending")

    for minutes in (3, 30, 90):  # nothing more happens: one draft each, ever
        mailbox.once(later + timedelta(minutes=minutes))
    assert len(mailbox.files(".Drafts")) == 2 and len(mailbox.files(".Trash")) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Could you send your references when you get a chance?", ["send your references"]),
        (
            "Please share your availability for a call with our CTO.",
            ["share your availability for a call with our CTO"],
        ),
        ("Please keep this confidential.", []),
        ("Please accept the meeting invitation.", []),
        ("Please let me know if you have any questions.", []),
    ],
)
def test_an_undated_request_is_kept_only_when_it_asks_for_something(
    text: str, expected: list[str]
) -> None:
    from zoneinfo import ZoneInfo

    from agent.businessdays import BusinessCalendar
    from agent.understanding.phrases import find_requests

    ny = ZoneInfo("America/New_York")
    found = find_requests(text, SENT, ny, BusinessCalendar("US"), undated=True)
    assert [r.what for r in found] == expected
    assert all(not r.dated and r.due.day == SENT.astimezone(ny).date() for r in found)
    assert find_requests(text, SENT, ny, BusinessCalendar("US")) == ()
