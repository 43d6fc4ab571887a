"""Company events on a real Maildir: an invitation to a webinar from a company the user is
interviewing with is shown under its application and in `status --json`, and it is no reply
(the check-in clock does not move); the same invitation from another company is not shown."""

from __future__ import annotations

import email
import email.message
import email.policy
import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from helpers import maildir_config
from test_review import Mailbox

from agent.compose import Sender, environment, render
from agent.compose.checking import sample_interview
from agent.model import Address, FollowUpKind, FollowUpState, MailMessage
from agent.planning.planner import AcceptedEvent, FollowUp
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


# -- an accepted event in the next check-in ------------------------------------------------------

CHECK_IN_TIME = datetime(2026, 11, 9, 13, 30, tzinfo=UTC)  # Monday 08:30 in New York
REPLIED = INVITED + timedelta(hours=2)


def event_calendar(method: str, partstat: str = "ACCEPTED") -> str:
    """The webinar as iCalendar: the user's iTIP REPLY (RFC 5546 3.2.3), or their own event."""
    me = [f"ATTENDEE;PARTSTAT={partstat};CN=Alex Rivera:mailto:alex@example.com"]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Apple Inc.//macOS 15.1//EN",
        *([f"METHOD:{method}"] if method else []),
        "BEGIN:VEVENT",
        "UID:webinar-81723@events.example",
        "DTSTAMP:20261027T150000Z",
        "DTSTART:20261029T160000Z",
        "DTEND:20261029T170000Z",
        "SUMMARY:Data at scale",
        *(["ORGANIZER:mailto:events@quayside.example", *me] if method else []),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"


def rsvp(partstat: str, message_id: str, when: datetime = REPLIED) -> bytes:
    """What Apple Mail puts in Sent when the user answers the invitation."""
    message = email.message.EmailMessage(policy=email.policy.SMTP)
    message["From"] = "Alex Rivera <alex@example.com>"
    message["To"] = "events@quayside.example"
    word = {"ACCEPTED": "Accepted", "DECLINED": "Declined"}[partstat]
    message["Subject"] = f"{word}: Data at scale @ Thu Oct 29, 2026 12:00 PM (EDT)"
    message["Date"] = format_datetime(when)
    message["Message-ID"] = message_id
    message.set_content(f"{word}: Data at scale\n")
    message.add_alternative(
        event_calendar("REPLY", partstat), subtype="calendar", params={"method": "REPLY"}
    )
    return message.as_bytes()


def send(box: Mailbox, raw: bytes, name: str, when: datetime = REPLIED) -> None:
    path = box.root / ".Sent" / "cur" / f"{name}:2,S"
    path.write_bytes(raw)
    os.utime(path, (when.timestamp(), when.timestamp()))


def check_in_text(box: Mailbox) -> str:
    box.once(CHECK_IN_TIME)
    texts = []
    for path in box.drafts():
        draft = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(draft, email.message.EmailMessage)
        body = draft.get_body(("plain",))
        assert body is not None
        texts.append(" ".join(str(body.get_content()).split()))
    (text,) = texts  # the thank-you was missed long ago: only the check-in
    assert "following up on my interview" in text.lower() or "follow up on my" in text
    return text


THANKED_FOR_INVITATION = "Thank you again for the invitation to your webinar on October 29."


def invited(box: Mailbox) -> None:
    box.deliver(
        invitation("Quayside Health Events <events@quayside.example>", "<w-4@quayside.example>"),
        "4.webinar",
    )
    box.once(INVITED + timedelta(hours=1))


def test_a_check_in_mentions_the_event_the_user_accepted_in_sent(mailbox: Mailbox) -> None:
    invited(mailbox)
    send(mailbox, rsvp("ACCEPTED", "<rsvp-1@example.com>"), "1.rsvp")
    assert THANKED_FOR_INVITATION in check_in_text(mailbox)


def test_no_event_is_named_that_the_user_did_not_accept(mailbox: Mailbox) -> None:
    invited(mailbox)
    text = check_in_text(mailbox)
    assert "webinar" not in text and "October 29" not in text


def test_an_event_declined_after_all_is_not_named(mailbox: Mailbox) -> None:
    invited(mailbox)
    send(mailbox, rsvp("ACCEPTED", "<rsvp-2@example.com>"), "2.rsvp")
    later = REPLIED + timedelta(days=1)
    send(mailbox, rsvp("DECLINED", "<rsvp-3@example.com>", later), "3.rsvp", later)
    assert "webinar" not in check_in_text(mailbox)


def test_an_event_on_the_users_calendar_counts_as_accepted(
    mailbox: Mailbox, tmp_path: Path
) -> None:
    calendar = tmp_path / "personal.ics"
    calendar.write_text(event_calendar(""))
    with mailbox.config.open("a") as config:
        config.write(f'\n[[calendars]]\nname = "personal"\ntype = "ics"\nurl = "{calendar}"\n')
    invited(mailbox)  # the calendar is read before the mail: it matches from the next pass
    assert THANKED_FOR_INVITATION in check_in_text(mailbox)


def test_the_line_says_looking_forward_while_the_event_is_ahead() -> None:
    interview = sample_interview("en")
    check_in = FollowUp(
        key="check_in/sample/1",
        kind=FollowUpKind.CHECK_IN,
        interview_id=interview.id,
        to=(Address("Sam Lee", "sam@example.org"),),
        draft_at=AT,
        due=AT,
        state=FollowUpState.PLANNED,
        reason="",
    )
    event = AcceptedEvent(
        "Quayside open house: meet the team", datetime(2026, 12, 3, 23, 0, tzinfo=UTC)
    )
    sender = Sender("Alex Rivera", "alex@example.com", "", NEW_YORK)
    env = environment(None)

    def body(followup: FollowUp, when: datetime, language: str = "en") -> str:
        shape = sample_interview(language)
        return " ".join(render(env, followup, shape, sender, when=when)[1].split())

    with_event = replace(check_in, event=event)
    before, after = datetime(2026, 11, 20, tzinfo=UTC), datetime(2026, 12, 10, tzinfo=UTC)
    assert "I'm looking forward to the open house on December 3." in body(with_event, before)
    assert "Thank you again for the invitation to your open house on December 3." in body(
        with_event, after
    )
    assert "open house" not in body(check_in, after)
    second = replace(with_event, number=2)
    assert "Thank you again for the invitation to your open house on December 3." in body(
        second, after
    )
    sender = Sender("Alex Rivera", "alex@example.com", "", NEW_YORK, ("en", "de", "fr"))
    assert "für die Einladung zu Ihrer Veranstaltung am 3. Dezember." in body(
        with_event, after, "de"
    )
    assert "votre journée portes ouvertes du 3 décembre." in body(with_event, before, "fr")
