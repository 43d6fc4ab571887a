"""Builders for end-to-end tests: Google-style iMIP invites (RFC 6047) as .eml bytes, and
config files pointing at a test Dovecot or a Maildir; and the number of examples a property test
runs under the loaded hypothesis profile."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from hypothesis import settings

PASSWORD_ENV = "IA_TEST_PASSWORD"
ME = ("Alex Rivera", "alex@example.com")
RECRUITER = ("Rachel Kim", "rachel.kim@northwind.io")
INTERVIEWERS = (
    ("Oliver Grant", "oliver.grant@northwind.io"),
    ("Priya Shah", "priya.shah@northwind.io"),
)
ROOM = ("NYC-5-Hudson Room", "c_188room@resource.calendar.google.com")
COMPANY = "Northwind"
ROLE = "Senior Backend Engineer"
UID = "7kq0e2e3northwind@google.com"

ME_SECTION = """\
[me]
name = "Alex Rivera"
email = "alex@example.com"
timezone = "America/New_York"
country = "US"
"""


def examples(count: int) -> int:
    """`count` examples as written (`make test`, CI), scaled by the loaded profile: the `dev`
    profile that `make unit` loads runs a tenth of them (max_examples 10 against the default 100),
    so the edit-test loop stays fast and the whole suite still runs every example."""
    return max(1, round(count * settings().max_examples / 100))


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar_text(
    *,
    start: datetime,
    end: datetime,
    sent: datetime,
    method: str = "REQUEST",
    sequence: int = 0,
    uid: str = UID,
    interviewers: tuple[tuple[str, str], ...] = INTERVIEWERS,
) -> str:
    """One VEVENT as Google Calendar sends it: organizer, the user, two interviewers, a room."""
    cancelled = method == "CANCEL"
    organizer_name, organizer = RECRUITER
    attendees = [
        f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;"
        f"CN={ME[0]}:mailto:{ME[1]}",
        *(
            f'ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN="{name}":'
            f"mailto:{address}"
            for name, address in interviewers
        ),
        f"ATTENDEE;CUTYPE=ROOM;ROLE=NON-PARTICIPANT;CN={ROOM[0]}:mailto:{ROOM[1]}",
    ]
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"DTSTART:{_stamp(start)}",
        f"DTEND:{_stamp(end)}",
        f"DTSTAMP:{_stamp(sent)}",
        f"ORGANIZER;CN={organizer_name}:mailto:{organizer}",
        f"UID:{uid}",
        *attendees,
        "X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij",
        f"SEQUENCE:{sequence}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        f"SUMMARY:Interview with {COMPANY} - {ROLE}",
        "DESCRIPTION:System design interview with Oliver Grant (Engineering Manager) and "
        "Priya Shah (Staff Engineer).",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"


def invite_eml(
    *,
    start: datetime,
    end: datetime,
    sent: datetime,
    method: str = "REQUEST",
    sequence: int = 0,
    uid: str = UID,
    message_id: str = "<invite-1@google.com>",
    attachment: bytes = b"",
    interviewers: tuple[tuple[str, str], ...] = INTERVIEWERS,
) -> bytes:
    """A Google Calendar invitation (or cancellation) mail with an inline text/calendar part,
    the invite.ics attachment and, when given, a large unrelated attachment."""
    cancelled = method == "CANCEL"
    when = f"{start:%a %b %d, %Y %H:%M} UTC"
    message = EmailMessage()
    message["From"] = f"{RECRUITER[0]} <{RECRUITER[1]}>"
    message["To"] = f"{ME[0]} <{ME[1]}>"
    prefix = "Canceled event" if cancelled else "Invitation"
    message["Subject"] = f"{prefix}: Interview with {COMPANY} - {ROLE} @ {when} ({ME[1]})"
    message["Date"] = format_datetime(sent)
    message["Message-ID"] = message_id
    text = (
        "This event has been canceled.\n"
        if cancelled
        else "You have been invited to the following event.\n\n"
        f"Interview with {COMPANY} - {ROLE}\n{when}\n"
        "Joining info: https://meet.google.com/abc-defg-hij\n\n"
        "Hi Alex, you'll meet Oliver Grant (Engineering Manager) and Priya Shah "
        "(Staff Engineer) for a system design conversation.\n\n"
        f"{RECRUITER[0]}\nTechnical Recruiter, {COMPANY}\n"
    )
    calendar = calendar_text(
        start=start,
        end=end,
        sent=sent,
        method=method,
        sequence=sequence,
        uid=uid,
        interviewers=interviewers,
    )
    message.set_content(text)
    message.add_alternative(calendar, subtype="calendar", params={"method": method})
    message.make_mixed()
    message.add_attachment(
        calendar.encode(), maintype="application", subtype="ics", filename="invite.ics"
    )
    if attachment:
        message.add_attachment(
            attachment, maintype="application", subtype="pdf", filename="company-handbook.pdf"
        )
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def outlook_invite_eml(
    *,
    start_local: str,
    end_local: str,
    sent: datetime,
    interviewers: tuple[tuple[str, str], ...] = INTERVIEWERS,
) -> bytes:
    """An Exchange invitation: Windows time-zone name, HTML and a base64 text/calendar part.
    `start_local`/`end_local` are "YYYYMMDDTHHMMSS" in Eastern time."""
    organizer_name, organizer = RECRUITER
    lines = [
        "BEGIN:VCALENDAR",
        "METHOD:REQUEST",
        "PRODID:Microsoft Exchange Server 2010",
        "VERSION:2.0",
        "BEGIN:VTIMEZONE",
        "TZID:Eastern Standard Time",
        "BEGIN:STANDARD",
        "DTSTART:16010101T020000",
        "TZOFFSETFROM:-0400",
        "TZOFFSETTO:-0500",
        "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:16010101T020000",
        "TZOFFSETFROM:-0500",
        "TZOFFSETTO:-0400",
        "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;BYMONTH=3",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
        "BEGIN:VEVENT",
        f'ORGANIZER;CN="{organizer_name}":mailto:{organizer}',
        *(
            f'ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN="{name}":'
            f"mailto:{address}"
            for name, address in interviewers
        ),
        f'ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN="{ME[0]}":'
        f"mailto:{ME[1]}",
        f"SUMMARY;LANGUAGE=en-US:Interview: {COMPANY} - {ROLE}",
        f"DTSTART;TZID=Eastern Standard Time:{start_local}",
        f"DTEND;TZID=Eastern Standard Time:{end_local}",
        "UID:040000008200E00074C5B7101A82E00800000000outlook-e2e",
        "CLASS:PUBLIC",
        "PRIORITY:5",
        f"DTSTAMP:{_stamp(sent)}",
        "TRANSP:OPAQUE",
        "STATUS:CONFIRMED",
        "SEQUENCE:0",
        "LOCATION;LANGUAGE=en-US:Microsoft Teams Meeting",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    message = EmailMessage()
    message["From"] = f"{RECRUITER[0]} <{RECRUITER[1]}>"
    message["To"] = f"{ME[0]} <{ME[1]}>"
    message["Subject"] = f"Interview: {COMPANY} - {ROLE}"
    message["Date"] = format_datetime(sent)
    message["Message-ID"] = "<outlook-e2e@northwind.io>"
    message.set_content(f"Interview for the {ROLE} role at {COMPANY}.\n")
    message.add_alternative(
        f"<html><body><p>Interview for the {ROLE} role at {COMPANY}.</p></body></html>",
        subtype="html",
    )
    message.add_alternative(
        "\r\n".join(lines).encode(),
        maintype="text",
        subtype="calendar",
        params={"method": "REQUEST", "charset": "utf-8"},
        cte="base64",
    )
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def imap_config(
    directory: Path,
    *,
    port: int,
    ca_file: Path,
    extra: str = "",
    state: Path | None = None,
) -> Path:
    """A config file for the test Dovecot (implicit TLS, password from $IA_TEST_PASSWORD)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "config.toml"
    path.write_text(
        ME_SECTION
        + f"""
[imap]
host = "127.0.0.1"
port = {port}
security = "tls"
tls_ca_file = "{ca_file}"
username = "tester"
password_env = "{PASSWORD_ENV}"
{extra}
[state]
path = "{state or directory / "state.db"}"
"""
    )
    return path


def maildir_config(directory: Path, mailbox: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "config.toml"
    path.write_text(
        ME_SECTION + f'\n[maildir]\npath = "{mailbox}"\n\n[state]\npath = "{directory}/state.db"\n'
    )
    return path
