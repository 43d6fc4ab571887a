"""Company events on a real Maildir: an invitation to a webinar from a company the user is
interviewing with is shown under its application and in `status --json`, and it is no reply
(the check-in clock does not move); the same invitation from another company is not shown."""

from __future__ import annotations

import email.message
import email.policy
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from helpers import maildir_config
from test_review import Mailbox

from agent.model import Address, MailMessage
from agent.understanding.events import invitation as invitation_of

AT = datetime(2026, 10, 23, 15, 0, tzinfo=UTC)  # a Friday, 11:00 in New York
INVITED = datetime(2026, 10, 27, 13, 0, tzinfo=UTC)
WEBINAR = datetime(2026, 10, 29, 16, 0, tzinfo=UTC)  # Thursday 12:00 pm ET


def invitation(sender: str, message_id: str) -> bytes:
    """Marketing mail with list headers, as an events platform sends it."""
    message = email.message.EmailMessage(policy=email.policy.SMTP)
    message["From"] = sender
    message["To"] = "alex@example.com"
    message["Subject"] = "You're invited: Data at scale, a live webinar"
    message["Date"] = format_datetime(INVITED)
    message["Message-ID"] = message_id
    message["List-Unsubscribe"] = "<https://events.example/unsubscribe?u=81723>"
    message.set_content(
        "Hi Alex,\n\nJoin our data team live on Thursday, October 29 at 12:00 PM ET for an "
        "hour on how we run pipelines at scale, with time for questions.\n\n"
        "Save your spot: https://events.example/r/81723\n"
    )
    return message.as_bytes()


@pytest.fixture
def mailbox(tmp_path: Path) -> Mailbox:
    root = tmp_path / "Mail"
    for folder in (root, root / ".Sent", root / ".Drafts", root / ".Trash"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True)
    box = Mailbox(root, maildir_config(tmp_path / "agent", root))
    box.ok(
        "add",
        "--company",
        "Quayside Health",
        "--at",
        AT.isoformat(),
        "--end",
        (AT + timedelta(minutes=30)).isoformat(),
        "--with",
        "Dana Lee <dana.lee@quayside.example>",
        "--now",
        (AT - timedelta(days=1)).isoformat(),
    )
    return box


def check_in_due(box: Mailbox, now: datetime) -> list[str]:
    (interview,) = box.status(now)["interviews"]
    return [f["due"] for f in interview["followups"] if f["kind"] == "check_in"]


def test_a_company_webinar_is_shown_under_its_application_and_is_no_reply(
    mailbox: Mailbox,
) -> None:
    now = INVITED + timedelta(hours=1)
    before = check_in_due(mailbox, now)
    assert before, "a check-in is planned after the interview"
    mailbox.deliver(
        invitation("Quayside Health Events <events@quayside.example>", "<w-1@quayside.example>"),
        "1.webinar",
    )
    mailbox.deliver(
        invitation("Harbour Labs <events@harbourlabs.example>", "<w-2@harbourlabs.example>"),
        "2.webinar",
    )
    mailbox.once(now)

    status = mailbox.status(now)
    (interview,) = status["interviews"]
    assert status["events"] == [
        {
            "interview": interview["id"],
            "company": "Quayside Health",
            "title": "You're invited: Data at scale, a live webinar",
            "start": WEBINAR.astimezone(
                datetime.fromisoformat(interview["start"]).tzinfo
            ).isoformat(timespec="minutes"),
            "message_id": "<w-1@quayside.example>",
        }
    ]
    assert check_in_due(mailbox, now) == before, "a marketing invitation is not a reply"
    table = mailbox.ok("status", "--now", now.isoformat())
    assert "Events" in table and "Data at scale" in table
    assert table.index("Quayside Health") < table.index("Data at scale")

    after = WEBINAR + timedelta(hours=2)
    assert mailbox.status(after)["events"] == [], "a past event is no longer shown"


def test_a_company_named_in_the_sender_invites_from_another_domain(mailbox: Mailbox) -> None:
    mailbox.deliver(
        invitation("Quayside Health <hello@quayside-events.example>", "<w-3@mailer.example>"),
        "3.webinar",
    )
    now = INVITED + timedelta(hours=1)
    mailbox.once(now)
    (event,) = mailbox.status(now)["events"]
    assert event["company"] == "Quayside Health" and event["message_id"] == "<w-3@mailer.example>"


def message(subject: str, text: str, *, list_mail: bool = False) -> MailMessage:
    return MailMessage(
        folder="INBOX",
        uid=1,
        message_id="<m@quayside.example>",
        date=INVITED,
        subject=subject,
        from_=Address("Sam Ortiz", "sam.ortiz@quayside.example"),
        sender=None,
        reply_to=(),
        to=(Address("Alex Rivera", "alex@example.com"),),
        cc=(),
        in_reply_to="",
        references=(),
        list_unsubscribe="<https://events.example/u>" if list_mail else "",
        text=text,
    )


NEW_YORK = ZoneInfo("America/New_York")


def test_an_event_word_in_the_subject_is_an_invitation_with_its_start() -> None:
    found = invitation_of(
        message("Open house at Quayside", "See you Thursday, October 29 at 12:00 PM ET."),
        NEW_YORK,
    )
    assert found is not None and found.title == "Open house at Quayside"
    assert found.start == WEBINAR


def test_in_the_text_an_event_needs_an_invitation_word() -> None:
    assert invitation_of(message("Update", "Our webinar went well."), NEW_YORK) is None
    assert invitation_of(message("Update", "Join us at our webinar."), NEW_YORK) is not None


def test_a_company_persons_reply_mentioning_an_event_stays_a_reply() -> None:
    text = "Thanks for your time today. Join us at our webinar next week if you like!"
    assert invitation_of(message("Re: our chat", text), NEW_YORK, personal=True) is None
    mass = message("News from Quayside", text, list_mail=True)
    assert invitation_of(mass, NEW_YORK, personal=True) is not None
