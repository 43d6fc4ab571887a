"""The user in the loop on a real Maildir: a message read without confidence is a possible
interview (listed, never drafted); `confirm` makes it one and its thank-you follows; `ignore`
drops it for good; `add` records an interview that has no mail."""

from __future__ import annotations

import email.message
import email.policy
import os
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from harness import Cli
from helpers import maildir_config

SENT = datetime(2026, 10, 20, 14, 0, tzinfo=UTC)
START = datetime(2026, 10, 22, 14, 30, tzinfo=UTC)  # Thursday 3:30 pm in London, 10:30 in NY


def meeting_offer(message_id: str) -> bytes:
    """A company person offering a meeting with a time, but naming no job: possible."""
    message = email.message.EmailMessage(policy=email.policy.SMTP)
    message["From"] = "Georgie Hale <georgie.hale@thornburyvale.co.uk>"
    message["To"] = "Alex Rivera <alex@example.com>"
    message["Subject"] = "Thornbury & Vale - chat w Ollie"
    message["Date"] = format_datetime(SENT)
    message["Message-ID"] = message_id
    message.set_content(
        "Hi Alex,\n\nGreat speaking earlier! Ollie Brennan would love to meet you, so I've "
        "locked in Thursday 22 October at 3.30pm UK time. 45 mins on zoom:\n"
        "https://thornburyvale.zoom.us/j/84731190245\n\nGeorgie\n"
    )
    return message.as_bytes()


class Mailbox(Cli):
    def __init__(self, root: Path, config: Path) -> None:
        super().__init__(config)
        self.root = root

    def deliver(self, raw: bytes, name: str) -> None:
        path = self.root / "new" / name
        path.write_bytes(raw)
        os.utime(path, (SENT.timestamp(), SENT.timestamp()))

    def drafts(self) -> list[Path]:
        folder = self.root / ".Drafts"
        return sorted(p for sub in ("cur", "new") for p in (folder / sub).iterdir())


@pytest.fixture
def mailbox(tmp_path: Path) -> Mailbox:
    root = tmp_path / "Mail"
    for folder in (root, root / ".Sent", root / ".Drafts", root / ".Trash"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True)
    return Mailbox(root, maildir_config(tmp_path / "agent", root))


def test_a_possible_interview_is_listed_confirmed_and_then_thanked(mailbox: Mailbox) -> None:
    mailbox.deliver(meeting_offer("<offer-1@thornburyvale.co.uk>"), "1.offer")
    mailbox.once(SENT + timedelta(hours=1))

    status = mailbox.status(SENT + timedelta(hours=1))
    assert status["interviews"] == []
    assert [p["message_id"] for p in status["possible"]] == ["<offer-1@thornburyvale.co.uk>"]
    listed = status["possible"][0]
    assert listed["reason"] and listed["from"].endswith("<georgie.hale@thornburyvale.co.uk>")
    assert "interview-agent confirm" in mailbox.ok("status", "--now", SENT.isoformat())

    out = mailbox.ok("confirm", "offer-1", "--now", (SENT + timedelta(hours=2)).isoformat())
    assert "confirmed" in out
    status = mailbox.status(SENT + timedelta(hours=2))
    assert status["possible"] == []
    (interview,) = status["interviews"]
    assert datetime.fromisoformat(interview["start"]) == START
    assert interview["company"].startswith("Thornbury")
    assert interview["evidence"][0] == "confirmed by you"

    mailbox.once(START + timedelta(hours=2))
    assert mailbox.drafts(), "the confirmed interview gets its thank-you"


def test_an_ignored_message_is_never_offered_again(mailbox: Mailbox) -> None:
    mailbox.deliver(meeting_offer("<offer-2@thornburyvale.co.uk>"), "2.offer")
    mailbox.once(SENT + timedelta(hours=1))
    mailbox.ok("ignore", "<offer-2@thornburyvale.co.uk>")
    mailbox.once(SENT + timedelta(hours=3))
    assert mailbox.status(SENT + timedelta(hours=3))["possible"] == []
    assert mailbox.drafts() == []


def test_an_unknown_or_ambiguous_message_id_is_a_clear_error(mailbox: Mailbox) -> None:
    mailbox.deliver(meeting_offer("<offer-3@thornburyvale.co.uk>"), "3.offer")
    mailbox.deliver(meeting_offer("<offer-4@thornburyvale.co.uk>"), "4.offer")
    mailbox.once(SENT + timedelta(hours=1))
    code, _, err = mailbox.run("confirm", "nothing-like-it")
    assert code == 64 and "no message" in err
    code, _, err = mailbox.run("ignore", "offer-")
    assert code == 64 and "give more of it" in err


def test_an_interview_added_by_hand_gets_its_thank_you(mailbox: Mailbox) -> None:
    at = datetime(2026, 10, 23, 15, 0, tzinfo=UTC)
    out = mailbox.ok(
        "add",
        "--company",
        "Quayside Health",
        "--at",
        at.isoformat(),
        "--end",
        (at + timedelta(minutes=30)).isoformat(),
        "--role",
        "Data Engineer",
        "--with",
        "Dana Lee <dana.lee@quayside.example>",
        "--recruiter",
        "Sam Ortiz <sam.ortiz@quayside.example>",
        "--now",
        (at - timedelta(days=1)).isoformat(),
    )
    assert "added" in out
    (interview,) = mailbox.status(at)["interviews"]
    assert interview["company"] == "Quayside Health" and interview["role"] == "Data Engineer"
    assert {p["email"] for p in interview["people"]} == {
        "dana.lee@quayside.example",
        "sam.ortiz@quayside.example",
    }
    mailbox.once(at + timedelta(hours=1))
    drafts = mailbox.drafts()
    assert len(drafts) == 1 and b"dana.lee@quayside.example" in drafts[0].read_bytes()


def test_add_refuses_an_end_before_the_start(mailbox: Mailbox) -> None:
    code, _, err = mailbox.run(
        "add", "--company", "X", "--at", "2026-10-23T15:00", "--end", "2026-10-23T14:00"
    )
    assert code == 64 and "--end" in err


def test_a_message_filed_into_interviews_is_read_as_the_users_interview(
    mailbox: Mailbox,
) -> None:
    raw = meeting_offer("<offer-5@thornburyvale.co.uk>")
    mailbox.deliver(raw, "5.offer")
    mailbox.once(SENT + timedelta(hours=1))
    assert mailbox.status(SENT + timedelta(hours=1))["interviews"] == []

    folder = mailbox.root / ".Interviews"
    for sub in ("cur", "new", "tmp"):
        (folder / sub).mkdir(parents=True)
    (folder / "cur" / "5.offer:2,S").write_bytes(raw)  # the user copied it there
    before = {p.name for p in (mailbox.root / "new").iterdir()}

    mailbox.once(SENT + timedelta(hours=2))
    (interview,) = mailbox.status(SENT + timedelta(hours=2))["interviews"]
    assert datetime.fromisoformat(interview["start"]) == START
    assert interview["evidence"][0] == "filed in the interviews folder by you"
    assert {p.name for p in (mailbox.root / "new").iterdir()} == before  # nothing moved
    assert [p.name for p in (folder / "cur").iterdir()] == ["5.offer:2,S"]
