"""The opt-in digest on a real Maildir: on a day with news, one unread message in INBOX from and
to the user, with the command that confirms a possible interview; never a second one that day
(also after the state file is lost); none before its time, none on a day with nothing to say,
none when it is off."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from helpers import maildir_config
from test_events import invitation
from test_review import SENT, Mailbox, meeting_offer

DAY_AFTER = datetime(2026, 10, 21, 12, 30, tzinfo=UTC)  # 08:30 in New York


def make_mailbox(tmp_path: Path, digest: str) -> Mailbox:
    root = tmp_path / "Mail"
    for folder in (root, root / ".Sent", root / ".Drafts", root / ".Trash"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True)
    config = maildir_config(tmp_path / "agent", root)
    config.write_text(config.read_text() + digest)
    return Mailbox(root, config)


@pytest.fixture
def mailbox(tmp_path: Path) -> Mailbox:
    return make_mailbox(tmp_path, '\n[digest]\nenabled = true\ntime = "08:00"\n')


def digests(box: Mailbox) -> list[tuple[Path, EmailMessage]]:
    found = []
    for sub in ("new", "cur"):
        for path in sorted((box.root / sub).iterdir()):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            if str(message["Subject"]).startswith("Interview follow-ups"):
                found.append((path, message))
    return found


def test_a_day_with_news_gets_one_unread_digest_and_never_a_second(mailbox: Mailbox) -> None:
    mailbox.deliver(meeting_offer("<offer-9@thornburyvale.co.uk>"), "9.offer")
    mailbox.once(SENT - timedelta(hours=7))  # 03:00 in New York: before its time
    assert digests(mailbox) == []

    mailbox.once(SENT + timedelta(hours=1))
    ((path, message),) = digests(mailbox)
    assert path.parent.name == "new" and ":2," not in path.name  # unread
    assert message["Subject"] == "Interview follow-ups: 1 to confirm"
    assert message["From"] == message["To"] == "Alex Rivera <alex@example.com>"
    text = message.get_content()
    assert "interview-agent confirm '<offer-9@thornburyvale.co.uk>'" in text
    assert "Thornbury & Vale - chat w Ollie" in text

    mailbox.once(SENT + timedelta(hours=2))
    assert len(digests(mailbox)) == 1
    status = mailbox.status(SENT + timedelta(hours=2))
    assert [p["message_id"] for p in status["possible"]] == ["<offer-9@thornburyvale.co.uk>"]
    assert status["interviews"] == [], "the digest is not read as mail"

    state = mailbox.config.parent / "state.db"
    state.unlink()  # lost: INBOX itself says the day's digest is there
    mailbox.once(SENT + timedelta(hours=3))
    assert len(digests(mailbox)) == 1

    mailbox.ok("ignore", "offer-9")
    mailbox.once(DAY_AFTER)  # the next day: nothing to say
    assert len(digests(mailbox)) == 1


def test_no_digest_unless_enabled(tmp_path: Path) -> None:
    box = make_mailbox(tmp_path, "")
    box.deliver(meeting_offer("<offer-10@thornburyvale.co.uk>"), "10.offer")
    box.once(SENT + timedelta(hours=1))
    box.once(DAY_AFTER)
    assert digests(box) == []


def test_the_digest_lists_new_drafts_follow_ups_due_and_company_events(mailbox: Mailbox) -> None:
    at = datetime(2026, 10, 23, 15, 0, tzinfo=UTC)  # Friday 11:00 in New York
    mailbox.ok(
        "add",
        "--company",
        "Quayside Health",
        "--at",
        at.isoformat(),
        "--end",
        (at + timedelta(minutes=30)).isoformat(),
        "--with",
        "Dana Lee <dana.lee@quayside.example>",
        "--now",
        (at - timedelta(days=1)).isoformat(),
    )
    mailbox.once(at + timedelta(hours=1))  # the thank-you is placed, then the day's digest
    ((_, first),) = digests(mailbox)
    (draft,) = mailbox.drafts()
    subject = str(
        email.message_from_bytes(draft.read_bytes(), policy=email.policy.default)["Subject"]
    )
    assert str(first["Subject"]).startswith("Interview follow-ups: 1 draft ready")
    assert f"to dana.lee@quayside.example: {subject}" in first.get_content()

    mailbox.deliver(
        invitation("Quayside Health Events <events@quayside.example>", "<w-9@quayside.example>"),
        "9.webinar",
    )
    mailbox.once(at + timedelta(hours=3))
    mailbox.once(datetime(2026, 10, 24, 12, 30, tzinfo=UTC))  # Saturday 08:30
    second = digests(mailbox)[-1][1]
    assert second["Subject"] == "Interview follow-ups: 1 due soon, 1 company event"
    text = second.get_content()
    assert "thank-you to Quayside Health (dana.lee@quayside.example), due Sat Oct 24" in text
    assert (
        "Quayside Health: You're invited: Data at scale, a live webinar (Thu Oct 29 12:00)" in text
    )
