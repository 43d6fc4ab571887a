"""Inline forwards (`agent.forwarded`) and how `understand` reads them: each producer's separator
yields the forwarded message, a reply is never taken for a forward, and whoever forwarded a
message is never a person of the interview. Messages go through the MIME reader, as from a store."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from zoneinfo import ZoneInfo

import pytest

from agent.businessdays import BusinessCalendar
from agent.mail import mime
from agent.model import Address, FindingKind, MailMessage
from agent.understanding.detect import Context, understand
from agent.understanding.forwarded import inner_message

TZ = ZoneInfo("America/New_York")
CONTEXT = Context(
    me=frozenset({"alex@example.com", "alex.rivera@gmail.com"}),
    tz=TZ,
    business=BusinessCalendar("US"),
    names=frozenset({"alex rivera"}),
)
SENT = datetime(2026, 10, 6, 13, 0, tzinfo=UTC)  # Tuesday 09:00 in New York

CONFIRMATION = """Hi Alex,

You're confirmed for a video interview on Thursday, October 8 at 2:00 PM ET with Marcus Bell,
our Analytics Manager. Plan for 45 minutes.

Zoom: https://harborline.zoom.us/j/93817264501

Best,
Priya Natarajan
Talent Acquisition Partner | Harborline
"""


def read(message: EmailMessage, *, is_sent: bool = False) -> MailMessage:
    raw = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
    return mime.message_from_bytes(
        raw, folder="INBOX", uid=7, max_part_bytes=262144, is_sent=is_sent
    )


def forward(
    subject: str,
    text: str,
    *,
    sender: str = "Alex Rivera <arivera@mail.stateu.edu>",
    calendar: str = "",
    is_sent: bool = False,
) -> MailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "alex@example.com"
    message["Subject"] = subject
    message["Date"] = format_datetime(SENT)
    message["Message-ID"] = "<fwd-1@mail.stateu.edu>"
    message.set_content(text)
    if calendar:
        message.add_attachment(
            calendar.encode(), maintype="application", subtype="ics", filename="invite.ics"
        )
    return read(message, is_sent=is_sent)


def inner(message: MailMessage) -> MailMessage:
    found = inner_message(message, TZ)
    assert found is not None
    return found


GMAIL = f"""FYI, forwarding to my main inbox.

---------- Forwarded message ---------
From: Priya Natarajan <priya.natarajan@harborline.io>
Date: Mon, Oct 5, 2026 at 4:47\u202fPM
Subject: Interview confirmation - Data Analyst
To: Alex Rivera <arivera@mail.stateu.edu>


{CONFIRMATION}"""


def test_gmail_forward_yields_the_forwarded_message_and_keeps_the_outer_identity() -> None:
    outer = forward(
        "Fwd: Interview confirmation - Data Analyst",
        GMAIL,
        calendar="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
    )
    found = inner(outer)
    assert found.from_ == Address("Priya Natarajan", "priya.natarajan@harborline.io")
    assert found.date == datetime(2026, 10, 5, 20, 47, tzinfo=UTC)  # in the user's zone
    assert found.subject == "Interview confirmation - Data Analyst"
    assert found.to == (Address("Alex Rivera", "arivera@mail.stateu.edu"),)
    assert found.text.lstrip().startswith("Hi Alex,") and "Forwarded message" not in found.text
    assert (found.message_id, found.uid, found.folder) == (outer.message_id, 7, "INBOX")
    assert found.calendars == outer.calendars and found.calendars


def test_thunderbird_forward_with_an_rfc5322_date() -> None:
    text = f"""-------- Forwarded Message --------
Subject: \tInterview confirmation - Data Analyst
Date: \tMon, 5 Oct 2026 16:47:12 -0400
From: \tPriya Natarajan <priya.natarajan@harborline.io>
To: \tarivera@mail.stateu.edu

{CONFIRMATION}"""
    found = inner(forward("Fwd: Interview confirmation - Data Analyst", text))
    assert found.from_.email == "priya.natarajan@harborline.io"
    assert found.date == datetime(2026, 10, 5, 20, 47, 12, tzinfo=UTC)
    assert found.to == (Address("", "arivera@mail.stateu.edu"),)


def test_apple_mail_forward_with_a_zone_abbreviation() -> None:
    text = f"""Begin forwarded message:

From: Priya Natarajan <priya.natarajan@harborline.io>
Subject: Interview confirmation - Data Analyst
Date: October 5, 2026 at 1:47:07\u202fPM PDT
To: Alex Rivera <alex.rivera@icloud.com>

{CONFIRMATION}"""
    found = inner(forward("Fwd: Interview confirmation - Data Analyst", text))
    assert found.from_.name == "Priya Natarajan"
    assert found.date == datetime(2026, 10, 5, 20, 47, tzinfo=UTC)


@pytest.mark.parametrize(
    ("subject", "block"),
    [
        (
            "FW: Interview confirmation",
            """________________________________
From: Priya Natarajan <priya.natarajan@harborline.io>
Sent: Monday, October 5, 2026 4:47 PM
To: Alex Rivera <alex.rivera@contoso-labs.com>
Subject: Interview confirmation""",
        ),
        (
            "TR: Confirmation d'entretien",
            """De : Priya Natarajan <priya.natarajan@harborline.io>
Envoyé : lundi 5 octobre 2026 16:47
À : Alex Rivera <alex.rivera@contoso-labs.com>
Objet : Confirmation d'entretien""",
        ),
        (
            "WG: Interviewbestätigung",
            """-----Ursprüngliche Nachricht-----
Von: Priya Natarajan <priya.natarajan@harborline.io>
Gesendet: Montag, 5. Oktober 2026 16:47
An: Alex Rivera <alex.rivera@contoso-labs.com>; Jordan Lee <jordan.lee@contoso-labs.com>
Betreff: Interviewbestätigung""",
        ),
        (
            "RV: Confirmación de entrevista",
            """De: Priya Natarajan [mailto:priya.natarajan@harborline.io]
Enviado el: lunes, 5 de octubre de 2026 16:47
Para: Alex Rivera
Asunto: Confirmación de entrevista""",
        ),
    ],
)
def test_outlook_forward_blocks_in_four_languages(subject: str, block: str) -> None:
    found = inner(forward(subject, f"See below.\n\n{block}\n\n{CONFIRMATION}"))
    assert found.from_.email == "priya.natarajan@harborline.io"
    assert found.subject == subject.split(": ", 1)[1]
    assert found.text.lstrip().startswith("Hi Alex,")
    assert found.date is not None and found.date <= SENT


def test_outlook_dates_in_the_users_zone() -> None:
    block = """De : Priya Natarajan <priya.natarajan@harborline.io>
Envoyé : lundi 5 octobre 2026 16:47
À : Alex Rivera <alex.rivera@contoso-labs.com>
Objet : Confirmation d'entretien"""
    found = inner(forward("TR: Confirmation d'entretien", f"{block}\n\n{CONFIRMATION}"))
    assert found.date == datetime(2026, 10, 5, 20, 47, tzinfo=UTC)


def test_a_name_only_outlook_sender_is_kept_by_name() -> None:
    block = """From: Priya Natarajan
Sent: Monday, October 5, 2026 4:47 PM
To: Alex Rivera
Subject: Interview confirmation"""
    found = inner(forward("FW: Interview confirmation", f"{block}\n\n{CONFIRMATION}"))
    assert found.from_ == Address("Priya Natarajan", "")


def test_an_outlook_block_under_a_reply_subject_is_a_quoted_reply_not_a_forward() -> None:
    block = """From: Priya Natarajan <priya.natarajan@harborline.io>
Sent: Monday, October 5, 2026 4:47 PM
To: Alex Rivera <alex@example.com>
Subject: Interview confirmation"""
    assert (
        inner_message(
            forward("RE: Interview confirmation", f"Thanks!\n\n{block}\n\n{CONFIRMATION}"), TZ
        )
        is None
    )


def test_a_reply_that_quotes_a_forward_is_a_reply() -> None:
    text = (
        "Sounds good, see you then.\n\nOn Tue, Oct 6, 2026 at 9:14 AM Alex Rivera "
        "<alex@example.com> wrote:\n\n" + GMAIL
    )
    assert inner_message(forward("Re: Fwd: Interview confirmation", text), TZ) is None
    quoted = "\n".join(f"> {line}" for line in GMAIL.splitlines())
    assert inner_message(forward("Re: Fwd: Interview", f"Great.\n\n{quoted}"), TZ) is None


def test_a_long_message_of_the_forwarders_own_is_not_mostly_a_forward() -> None:
    own = " ".join(["We talked it over and I think the team would love to meet you."] * 8)
    assert inner_message(forward("Fwd: Interview confirmation", f"{own}\n\n{GMAIL}"), TZ) is None


def test_a_forward_of_a_forward_yields_the_innermost_message() -> None:
    twice = f"""Passing this along.

---------- Forwarded message ---------
From: Jordan Lee <jordan.lee@stateu.edu>
Date: Mon, Oct 5, 2026 at 5:30\u202fPM
Subject: Fwd: Interview confirmation - Data Analyst
To: <arivera@mail.stateu.edu>


{GMAIL}"""
    found = inner(forward("Fwd: Fwd: Interview confirmation - Data Analyst", twice))
    assert found.from_.email == "priya.natarajan@harborline.io"
    assert found.subject == "Interview confirmation - Data Analyst"


def test_an_unreadable_or_later_date_falls_back_to_the_forwards_date() -> None:
    for date in ("sometime last week", "Mon, Oct 12, 2026 at 4:47 PM"):
        text = GMAIL.replace("Mon, Oct 5, 2026 at 4:47\u202fPM", date)
        assert inner(forward("Fwd: Interview confirmation", text)).date == SENT


def test_no_separator_no_forward() -> None:
    assert inner_message(forward("Fwd: notes", CONFIRMATION), TZ) is None


# -- understanding ----------------------------------------------------------------------------


def _people(finding_people: tuple[object, ...]) -> set[str]:
    return {getattr(p, "email", "") or getattr(p, "name", "").lower() for p in finding_people}


def test_a_forwarded_confirmation_is_understood_as_the_recruiters_message() -> None:
    finding = understand(forward("Fwd: Interview confirmation - Data Analyst", GMAIL), CONTEXT)
    assert finding.kind == FindingKind.INTERVIEW and finding.interview is not None
    facts = finding.interview
    assert facts.company == "Harborline"
    assert facts.start == datetime(2026, 10, 8, 18, 0, tzinfo=UTC)
    assert _people(facts.people) == {"priya.natarajan@harborline.io", "marcus bell"}
    assert "stateu.edu" not in " ".join(facts.company_domains)


def test_the_forwarder_is_never_a_person_of_the_interview() -> None:
    """A recruiter forwards a colleague's scheduling mail that names the recruiter, copied."""
    text = """Hi Alex, please see below from my colleague.

Jordan Lee

---------- Forwarded message ---------
From: Priya Natarajan <priya.natarajan@harborline.io>
Date: Mon, Oct 5, 2026 at 4:47\u202fPM
Subject: Interview confirmation - Data Analyst
To: Alex Rivera <alex@example.com>
Cc: Jordan Lee <jordan.lee@harborline.io>


Hi Alex,

You're confirmed for a video interview on Thursday, October 8 at 2:00 PM ET with Marcus Bell
and Jordan Lee (jordan.lee@harborline.io). Plan for 45 minutes.

Best,
Priya Natarajan
Talent Acquisition Partner | Harborline
"""
    outer = forward(
        "Fwd: Interview confirmation - Data Analyst",
        text,
        sender="Jordan Lee <jordan.lee@harborline.io>",
    )
    finding = understand(outer, CONTEXT)
    assert finding.kind == FindingKind.INTERVIEW and finding.interview is not None
    people = _people(finding.interview.people)
    assert "jordan.lee@harborline.io" not in people and "jordan lee" not in people
    assert "priya.natarajan@harborline.io" in people  # the forwarded sender can be


def test_a_forwarded_invite_does_not_list_the_forwarders_address_as_an_attendee() -> None:
    calendar = "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
            "METHOD:REQUEST",
            "BEGIN:VEVENT",
            "UID:fwd-invite-1@google.com",
            "DTSTAMP:20261005T200000Z",
            "DTSTART:20261021T190000Z",
            "DTEND:20261021T200000Z",
            "SUMMARY:Harborline - Technical Interview (Alex Rivera)",
            "ORGANIZER;CN=Priya Natarajan:mailto:priya.natarajan@harborline.io",
            "ATTENDEE;CN=Marcus Bell:mailto:marcus.bell@harborline.io",
            "ATTENDEE;CN=arivera@mail.stateu.edu:mailto:arivera@mail.stateu.edu",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )
    text = GMAIL.replace(
        "Subject: Interview confirmation - Data Analyst",
        "Subject: Invitation: Harborline - Technical Interview (Alex Rivera)",
    )
    finding = understand(
        forward("Fwd: Invitation: Harborline - Technical Interview", text, calendar=calendar),
        CONTEXT,
    )
    assert finding.kind == FindingKind.INTERVIEW and finding.interview is not None
    assert finding.interview.uid == "fwd-invite-1@google.com"
    people = _people(finding.interview.people)
    assert "arivera@mail.stateu.edu" not in people
    assert "marcus.bell@harborline.io" in people


def test_a_forwarded_dinner_stays_a_dinner_whatever_the_forwarder_writes() -> None:
    text = """Confirmed, the interview is Thursday at 2pm - come celebrate after!

---------- Forwarded message ---------
From: Hugo Martin <hugo.martin@example.org>
Date: Mon, Oct 5, 2026 at 6:02\u202fPM
Subject: Dinner Saturday
To: <arivera@mail.stateu.edu>


Dinner at our place on Saturday, October 10 at 7:30 PM. Bring dessert!
Hugo
"""
    finding = understand(forward("Fwd: Dinner Saturday", text), CONTEXT)
    assert finding.kind not in (FindingKind.INTERVIEW, FindingKind.CANCEL)
    assert finding.interview is None


def test_a_forward_the_user_sent_is_not_read_as_an_interview() -> None:
    finding = understand(
        forward(
            "Fwd: Interview confirmation",
            GMAIL,
            sender="Alex Rivera <alex@example.com>",
            is_sent=True,
        ),
        CONTEXT,
    )
    assert finding.kind == FindingKind.NONE
