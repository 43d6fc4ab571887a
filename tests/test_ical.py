"""agent.ical: real invite formats and their traps, bounded recurrence, the corpus, fuzzing."""

from __future__ import annotations

import contextlib
import email
import email.policy
import logging
import zoneinfo
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.calendars.ical import ICalError, parse_calendar
from agent.model import Attendee, CalEvent

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
CORPUS = Path(__file__).parent / "real-world-ics"  # where each file came from: its README.md


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def vcalendar(*components: str, method: str = "REQUEST") -> str:
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//test//EN"]
    if method:
        head.append(f"METHOD:{method}")
    body = "\r\n".join(c.strip("\n").replace("\n", "\r\n") for c in components)
    return "\r\n".join([*head, body, "END:VCALENDAR", ""])


def parse(text: str | bytes, **kwargs: object) -> list[CalEvent]:
    kwargs.setdefault("user_tz", BERLIN)
    return parse_calendar(text, **kwargs)  # type: ignore[arg-type]


def one(text: str | bytes, **kwargs: object) -> CalEvent:
    events = parse(text, **kwargs)
    assert len(events) == 1, events
    return events[0]


def dated_event(tzid_param: str, value: str, extra: str = "") -> str:
    return f"""
BEGIN:VEVENT
UID:tz-test
DTSTAMP:20240101T000000Z
DTSTART{tzid_param}:{value}
SUMMARY:Interview
{extra}END:VEVENT
"""


# -- Producers ------------------------------------------------------------------------------

GOOGLE = vcalendar(
    """
BEGIN:VEVENT
DTSTART:20260609T180000Z
DTEND:20260609T190000Z
DTSTAMP:20260601T091220Z
ORGANIZER;CN=recruiter@acme.example:mailto:Recruiter@Acme.example
UID:65m17hsdolmotv3kvmrtg40ont@google.com
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=TRUE
 ;CN=Dana Recruiter;X-NUM-GUESTS=0:mailto:recruiter@acme.example
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=
 TRUE;CN=homer@example.com;X-NUM-GUESTS=0:mailto:homer@example.com
X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij
DESCRIPTION:Looking forward to it. <b>Bring</b> a laptop.&nbsp\\;<br><br>Agend
 a: &lt\\;intro&gt\\;\\n\\n-::~:~::~:~::-\\nJoin with Google Meet: https://meet.go
 ogle.com/abc-defg-hij\\n-::~:~::~:~::-
LOCATION:
SEQUENCE:0
STATUS:CONFIRMED
SUMMARY:Interview with Acme
TRANSP:OPAQUE
END:VEVENT
"""
)


def test_google_utc_invite() -> None:
    event = one(GOOGLE)
    assert event.uid == "65m17hsdolmotv3kvmrtg40ont@google.com"
    assert event.method == "REQUEST"
    assert (event.start, event.end) == (utc(2026, 6, 9, 18), utc(2026, 6, 9, 19))
    assert event.dtstamp == utc(2026, 6, 1, 9, 12) + timedelta(seconds=20)
    assert event.all_day is False
    assert event.summary == "Interview with Acme"
    assert event.status == "CONFIRMED"
    assert event.sequence == 0
    assert event.organizer == Attendee(name="", email="recruiter@acme.example")
    assert event.attendees == (
        Attendee("Dana Recruiter", "recruiter@acme.example", partstat="ACCEPTED"),
        Attendee("", "homer@example.com"),
    )
    assert event.conference_url == "https://meet.google.com/abc-defg-hij"
    assert event.description.startswith("Looking forward to it. Bring a laptop.\n\nAgenda: <intro>")
    assert "<b>" not in event.description
    assert "Join with Google Meet: https://meet.google.com/abc-defg-hij" in event.description
    assert event.recurrence_id is None


FLE_VTIMEZONE = """
BEGIN:VTIMEZONE
TZID:FLE Standard Time
BEGIN:STANDARD
DTSTART:16010101T040000
TZOFFSETFROM:+0300
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0300
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
"""


def exchange_invite(day: str) -> str:
    return vcalendar(
        FLE_VTIMEZONE,
        f"""
BEGIN:VEVENT
ORGANIZER;CN=Marge:mailto:marge@example.org
ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Hom
 er:mailto:homer@example.org
ATTENDEE;CUTYPE=ROOM;ROLE=NON-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Room 4.01 (Helsin
 ki):mailto:room-401@example.org
ATTENDEE;CUTYPE=RESOURCE;ROLE=NON-PARTICIPANT;CN=Projector:mailto:projector@example.org
DESCRIPTION;LANGUAGE=en-US:\\n\\n____\\nMicrosoft Teams meeting\\nClick here to join
  the meeting<https://teams.microsoft.com/l/meetup-join/19%3ameeting_ABC%40thread.v2
 /0?context=%7b%22Tid%22%3a%22description%22%7d>\\n____\\n
UID:040000008200E00074C5B7101A82E0080000000060B608D090DDD701000000000000000
 0100000004BE0CFFA54BCF64E956E34143362C3C0
SUMMARY;LANGUAGE=en-US:Technical interview
DTSTART;TZID=FLE Standard Time:{day}T090000
DTEND;TZID=FLE Standard Time:{day}T093000
DTSTAMP:20211119T200029Z
STATUS:CONFIRMED
SEQUENCE:0
LOCATION;LANGUAGE=en-US:Microsoft Teams Meeting
X-MICROSOFT-SKYPETEAMSMEETINGURL:https://teams.microsoft.com/l/meetup-join/19%3a
 meeting_ABC%40thread.v2/0?context=%7b%22Tid%22%3a%22property%22%7d
X-MICROSOFT-CDO-ALLDAYEVENT:FALSE
BEGIN:VALARM
DESCRIPTION:REMINDER
TRIGGER;RELATED=START:-PT15M
ACTION:DISPLAY
END:VALARM
END:VEVENT
""",
    )


@pytest.mark.parametrize(
    ("day", "start"),
    [("20211127", utc(2021, 11, 27, 7)), ("20210615", utc(2021, 6, 15, 6))],
    ids=["winter", "summer"],
)
def test_exchange_windows_zone_with_vtimezone(day: str, start: datetime) -> None:
    event = one(exchange_invite(day))
    assert (event.start, event.end) == (start, start + timedelta(minutes=30))
    assert event.summary == "Technical interview"
    assert event.description.startswith("____\nMicrosoft Teams meeting\nClick here to join")
    assert event.location == "Microsoft Teams Meeting"
    assert event.conference_url.endswith("%22property%22%7d")  # the property wins


def test_rooms_and_resources_keep_their_cutype() -> None:
    event = one(exchange_invite("20211127"))
    assert event.organizer == Attendee("Marge", "marge@example.org")
    assert event.attendees == (
        Attendee("Homer", "homer@example.org", "INDIVIDUAL", "REQ-PARTICIPANT", "NEEDS-ACTION"),
        Attendee(
            "Room 4.01 (Helsinki)", "room-401@example.org", "ROOM", "NON-PARTICIPANT", "ACCEPTED"
        ),
        Attendee("Projector", "projector@example.org", "RESOURCE", "NON-PARTICIPANT"),
    )


@pytest.mark.parametrize(
    ("tzid", "value", "start"),
    [
        ("Pacific Standard Time", "20240701T090000", utc(2024, 7, 1, 16)),
        ("W. Europe Standard Time", "20240110T090000", utc(2024, 1, 10, 8)),
        ("FLE Standard Time", "20240110T090000", utc(2024, 1, 10, 7)),
        ("india standard time", "20240110T090000", utc(2024, 1, 10, 3, 30)),
        ("Europe/Berlin", "20240701T090000", utc(2024, 7, 1, 7)),
        ("/mozilla.org/20050126_1/America/New_York", "20240110T090000", utc(2024, 1, 10, 14)),
    ],
)
def test_zone_names_without_vtimezone(tzid: str, value: str, start: datetime) -> None:
    assert one(vcalendar(dated_event(f";TZID={tzid}", value))).start == start


@pytest.mark.parametrize(
    ("tzid", "value", "start"),
    [
        ("(UTC-05:00) Eastern Time (US & Canada)", "20240701T090000", utc(2024, 7, 1, 13)),
        ("(GMT+10:00) Canberra, Melbourne, Sydney", "20240110T090000", utc(2024, 1, 9, 22)),
        ("(UTC-03:00) Brasília", "20240501T100000", utc(2024, 5, 1, 13)),
        ("(UTC+07:00) Bangkok, Hanoi, Jakarta", "20240501T100000", utc(2024, 5, 1, 3)),
        ("(GMT-07.00) Mountain Time (US & Canada)", "20240701T090000", utc(2024, 7, 1, 15)),
        ("(UTC+05:30) A Place Not In The Table", "20240501T100000", utc(2024, 5, 1, 4, 30)),
    ],
)
def test_display_name_zones_without_vtimezone(tzid: str, value: str, start: datetime) -> None:
    assert one(vcalendar(dated_event(f';TZID="{tzid}"', value))).start == start


def test_unquoted_display_name_with_colon_is_recovered() -> None:
    text = vcalendar(dated_event(";TZID=(UTC-05:00) Eastern Time (US & Canada)", "20240701T090000"))
    assert one(text).start == utc(2024, 7, 1, 13)


def test_display_name_vtimezone_matches_after_unescaping() -> None:
    # The VTIMEZONE escapes its commas, the parameter quotes them; its rules (deliberately
    # +08:00 here) win over the name.
    text = vcalendar(
        """
BEGIN:VTIMEZONE
TZID:(UTC+07:00) Bangkok\\, Hanoi\\, Jakarta
BEGIN:STANDARD
DTSTART:16010101T000000
TZOFFSETFROM:+0800
TZOFFSETTO:+0800
END:STANDARD
END:VTIMEZONE
""",
        dated_event(';TZID="(UTC+07:00) Bangkok, Hanoi, Jakarta"', "20190430T090000"),
    )
    assert one(text).start == utc(2019, 4, 30, 1)


def test_vtimezone_wins_over_the_windows_name_it_carries() -> None:
    # khal's tz_windows_format.ics: "New Zealand Standard Time" with Central European rules.
    text = vcalendar(
        """
BEGIN:VTIMEZONE
TZID:New Zealand Standard Time
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
""",
        dated_event(";TZID=New Zealand Standard Time", "20240701T090000"),
    )
    assert one(text).start == utc(2024, 7, 1, 7)


def test_area_city_names_use_tzdata_and_bare_names_their_vtimezone() -> None:
    # A bogus VTIMEZONE for Europe/Berlin loses to tzdata; "EST" (fixed -05:00 in tzdata)
    # with US daylight rules keeps its VTIMEZONE, as its producer meant.
    bogus_berlin = """
BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:STANDARD
DTSTART:19700101T000000
TZOFFSETFROM:+0500
TZOFFSETTO:+0500
END:STANDARD
END:VTIMEZONE
"""
    est = """
BEGIN:VTIMEZONE
TZID:EST
BEGIN:STANDARD
DTSTART:19701101T020000
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700308T020000
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
END:DAYLIGHT
END:VTIMEZONE
"""
    text = vcalendar(
        bogus_berlin,
        est,
        dated_event(";TZID=Europe/Berlin", "20240701T090000"),
        dated_event(";TZID=EST", "20240701T090000").replace("tz-test", "est"),
    )
    assert [e.start for e in parse(text)] == [utc(2024, 7, 1, 7), utc(2024, 7, 1, 13)]


@pytest.mark.parametrize(
    ("value", "start"),
    [("20240110T100000", utc(2024, 1, 10, 10)), ("20240701T100000", utc(2024, 7, 1, 9))],
)
def test_unknown_tzid_uses_its_vtimezone_offsets(value: str, start: datetime) -> None:
    text = vcalendar(
        """
BEGIN:VTIMEZONE
TZID:Customized Time Zone
BEGIN:STANDARD
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0000
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T010000
TZOFFSETFROM:+0000
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
""",
        dated_event(";TZID=Customized Time Zone", value),
    )
    assert one(text).start == start


def test_unknown_tzid_without_vtimezone_is_read_in_the_users_zone(
    caplog: pytest.LogCaptureFixture,
) -> None:
    event = one(vcalendar(dated_event(";TZID=Customized Time Zone", "20240110T100000")))
    assert event.start == utc(2024, 1, 10, 9)
    assert "Customized Time Zone" in caplog.text


def test_broken_tzid_quoting_is_recovered() -> None:
    text = vcalendar(
        """
BEGIN:VEVENT
UID:broken-quote
DTSTART;TZID="W. Europe Standard Time:20200910T090000"
DTEND;TZID=W. Europe Standard Time:20200910T093000
END:VEVENT
BEGIN:VEVENT
UID:unterminated-quote
DTSTART;TZID="W. Europe Standard Time:20200911T090000
END:VEVENT
BEGIN:VEVENT
UID:junk
DTSTART;TZID="
END:VEVENT
""",
        method="PUBLISH",
    )
    events = {e.uid: e for e in parse(text)}
    assert set(events) == {"broken-quote", "unterminated-quote"}
    assert (events["broken-quote"].start, events["broken-quote"].end) == (
        utc(2020, 9, 10, 7),
        utc(2020, 9, 10, 7, 30),
    )
    assert events["unterminated-quote"].start == utc(2020, 9, 11, 7)


@pytest.mark.parametrize(
    ("zone", "start"), [(BERLIN, utc(2024, 1, 10, 8, 30)), (NEW_YORK, utc(2024, 1, 10, 14, 30))]
)
def test_floating_times_are_read_in_the_users_zone(
    zone: zoneinfo.ZoneInfo, start: datetime
) -> None:
    text = """BEGIN:VEVENT
SUMMARY:An Event
DTSTART:20240110T093000
DTEND:20240110T103000
UID:floating1234567890
END:VEVENT
"""
    event = one(text, user_tz=zone)
    assert (event.start, event.end, event.all_day) == (start, start + timedelta(hours=1), False)
    assert event.method == ""  # a bare VEVENT has no VCALENDAR


def test_all_day_events() -> None:
    text = vcalendar(
        """
BEGIN:VEVENT
UID:two-days
DTSTART;VALUE=DATE:20240110
DTEND;VALUE=DATE:20240112
END:VEVENT
BEGIN:VEVENT
UID:no-end
DTSTART;VALUE=DATE:20240701
END:VEVENT
BEGIN:VEVENT
UID:duration
DTSTART;VALUE=DATE:20240701
DURATION:P3D
END:VEVENT
""",
        method="PUBLISH",
    )
    events = {e.uid: e for e in parse(text)}
    assert all(e.all_day for e in events.values())
    assert (events["two-days"].start, events["two-days"].end) == (
        utc(2024, 1, 9, 23),
        utc(2024, 1, 11, 23),
    )
    assert (events["no-end"].start, events["no-end"].end) == (
        utc(2024, 6, 30, 22),
        utc(2024, 7, 1, 22),
    )
    assert events["duration"].end == utc(2024, 7, 3, 22)


def test_end_from_dtend_else_duration_else_none() -> None:
    text = vcalendar(
        """
BEGIN:VEVENT
UID:duration
DTSTART:20240110T090000Z
DURATION:PT1H30M
END:VEVENT
BEGIN:VEVENT
UID:both
DTSTART:20220316T110000Z
DTEND:20220316T113000Z
DURATION:PT1H
END:VEVENT
BEGIN:VEVENT
UID:neither
DTSTART:20240110T090000Z
END:VEVENT
BEGIN:VEVENT
UID:day-across-dst
DTSTART;TZID=Europe/Berlin:20240330T120000
DURATION:P1D
END:VEVENT
""",
    )
    ends = {e.uid: e.end for e in parse(text)}
    assert ends == {
        "duration": utc(2024, 1, 10, 10, 30),
        "both": utc(2022, 3, 16, 11, 30),  # DTEND wins, as Thunderbird's samples need
        "neither": None,
        "day-across-dst": utc(2024, 3, 31, 10),  # a nominal day: 23 hours that weekend
    }


def test_unreadable_dtend_falls_back_on_duration() -> None:
    text = dated_event("", "20240110T090000Z", "DTEND:soon\nDURATION:PT20M\n")
    assert one(text).end == utc(2024, 1, 10, 9, 20)


def test_event_missing_its_end_line_does_not_swallow_the_next() -> None:
    text = vcalendar(
        "BEGIN:VEVENT\nUID:first\nDTSTART:20240110T090000Z",
        "BEGIN:VEVENT\nUID:second\nDTSTART:20240111T090000Z\nEND:VEVENT",
    )
    assert [e.uid for e in parse(text)] == ["first", "second"]


def test_cancel() -> None:
    text = vcalendar(
        """
BEGIN:VEVENT
UID:02e79b96
SEQUENCE:1
DTSTAMP:20220317T191602Z
DTSTART:20220316T110000Z
DTEND:20220316T113000Z
SUMMARY:Canceled: Single Event
STATUS:CANCELED
ORGANIZER;CN=Sender;
 EMAIL=sender@example.com:mailto:sender@example.com
END:VEVENT
""",
        method="cancel",
    )
    event = one(text)
    assert (event.method, event.status, event.sequence) == ("CANCEL", "CANCELLED", 1)
    assert event.summary == "Canceled: Single Event"
    assert event.organizer == Attendee("Sender", "sender@example.com")


def test_names_quoted_with_commas_umlauts_or_that_are_addresses() -> None:
    text = vcalendar(
        """
BEGIN:VEVENT
UID:names
DTSTART:20130416T100000Z
ORGANIZER;CN="acme, ädmin":mailto:adm-acme@mydomain.de
ATTENDEE;CN="Müller, Jörg";ROLE=OPT-PARTICIPANT:MAILTO:Joerg.Mueller@Example.DE
ATTENDEE;CN="Джон Доу":mailto:john@example.com
ATTENDEE;CN=bart@e.example.com:mailto:bart@example.com
ATTENDEE;CN="Jane Doe";CUTYPE=INDIVIDUAL;EMAIL="Jane@Example.com":urn:uuid:B2C3
ATTENDEE;CN="Only ^'Name^'":invalid:nomail
ATTENDEE:invalid:nomail
LOCATION:im büro
END:VEVENT
""",
    )
    event = one(text)
    assert event.organizer == Attendee("acme, ädmin", "adm-acme@mydomain.de")
    assert event.attendees == (
        Attendee("Müller, Jörg", "joerg.mueller@example.de", role="OPT-PARTICIPANT"),
        Attendee("Джон Доу", "john@example.com"),
        Attendee("", "bart@example.com"),
        Attendee("Jane Doe", "jane@example.com"),
        Attendee('Only "Name"', ""),
    )
    assert event.location == "im büro"


@pytest.mark.parametrize(
    ("line", "sequence"),
    [("SEQUENCE:3", 3), ("SEQUENCE: 7 ", 7), ("SEQUENCE:abc", 0), ("SEQUENCE:-2", 0), ("", 0)],
)
def test_sequence_tolerates_junk(line: str, sequence: int) -> None:
    assert one(vcalendar(dated_event("", "20240110T090000Z", line + "\n"))).sequence == sequence


@pytest.mark.parametrize(
    ("line", "stamp"),
    [
        ("DTSTAMP:20240101T120000Z", utc(2024, 1, 1, 12)),
        ("DTSTAMP:20240101T120000", utc(2024, 1, 1, 12)),
        ("DTSTAMP:tomorrow", None),
    ],
)
def test_dtstamp_is_utc(line: str, stamp: datetime | None) -> None:
    text = f"BEGIN:VEVENT\nUID:s\nDTSTART:20240110T090000Z\n{line}\nEND:VEVENT\n"
    assert one(text).dtstamp == stamp


def test_line_endings_blank_lines_and_folding_give_the_same_result() -> None:
    crlf = GOOGLE
    lf = crlf.replace("\r\n", "\n")
    cr = crlf.replace("\r\n", "\r")
    blank = crlf.replace("\r\nSEQUENCE", "\r\n\r\n\r\nSEQUENCE").replace(
        "BEGIN:VEVENT", "\r\nBEGIN:VEVENT"
    )
    expected = parse(crlf)
    assert parse(lf) == parse(cr) == parse(blank) == expected
    assert parse(crlf.encode()) == expected


def test_folding_inside_a_utf8_sequence() -> None:
    # "Tätä" folded between the two bytes of the second "ä".
    raw = (
        b"BEGIN:VEVENT\r\nUID:u\r\nDTSTART:20240110T090000Z\r\n"
        b"SUMMARY:T\xc3\xa4t\xc3\r\n \xa4\r\nEND:VEVENT\r\n"
    )
    assert one(raw).summary == "Tätä"
    assert one(raw.decode("utf-8", "surrogateescape")).summary == "Tätä"


def test_text_is_unescaped_and_language_ignored() -> None:
    text = dated_event(
        "",
        "20240110T090000Z",
        "SUMMARY;LANGUAGE=de-DE:Gespräch\\, Runde 2\\; final\n"
        "LOCATION;LANGUAGE=en-us:C:\\\\Rooms\\nFloor 3\n"
        "DESCRIPTION:Bring 2 < 3 things & a\\Npen\n",
    ).replace("SUMMARY:Interview\n", "")
    event = one(text)
    assert event.summary == "Gespräch, Runde 2; final"
    assert event.location == "C:\\Rooms\nFloor 3"
    assert event.description == "Bring 2 < 3 things & a\npen"  # not HTML: left as it is


def test_html_only_in_x_alt_desc_is_used_as_text() -> None:
    text = dated_event(
        "",
        "20240110T090000Z",
        "DESCRIPTION:\nX-ALT-DESC;FMTTYPE=text/html:<html><body><p>Hello <b>there</b></p>"
        "<p>See you</p><style>p {}</style></body></html>\n",
    )
    assert one(text).description == "Hello there\n\nSee you"


@pytest.mark.parametrize(
    ("lines", "url"),
    [
        (
            "X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij\n",
            "https://meet.google.com/abc-defg-hij",
        ),
        (
            "X-MICROSOFT-SKYPETEAMSMEETINGURL:https://teams.microsoft.com/l/meetup-join/19%3a1\n"
            "LOCATION:https://acme.zoom.us/j/123\n",
            "https://teams.microsoft.com/l/meetup-join/19%3a1",
        ),
        (
            "CONFERENCE;VALUE=URI;FEATURE=PHONE:tel:+1-412-555-0123,,,654321\n"
            "CONFERENCE;VALUE=URI;FEATURE=VIDEO:https://chat.example.com/audio?id=123456\n",
            "https://chat.example.com/audio?id=123456",
        ),
        (
            "LOCATION:Zoom: https://us06web.zoom.us/j/81234567890?pwd=aBc.1\n",
            "https://us06web.zoom.us/j/81234567890?pwd=aBc.1",
        ),
        (
            "DESCRIPTION:Join at https://teams.live.com/meet/9385551482824.\n",
            "https://teams.live.com/meet/9385551482824",
        ),
        (
            "DESCRIPTION:Gå med: meet.google.com/pyb-ndcu-hhc\\nThanks\n",
            "https://meet.google.com/pyb-ndcu-hhc",
        ),
        (
            "DESCRIPTION:Webex: https://acme.webex.com/meet/jdoe (host)\n",
            "https://acme.webex.com/meet/jdoe",
        ),
        ("LOCATION:https://bluejeans.com/7999979999\n", "https://bluejeans.com/7999979999"),
        (
            'DESCRIPTION:<a href="https://acme.zoom.us/j/55512345678">Join</a>\n',
            "https://acme.zoom.us/j/55512345678",
        ),
        (
            "DESCRIPTION:Options<https://teams.microsoft.com/meetingOptions/?x=1> "
            "https://www.webex.com/downloads.html https://zoom.us/pricing\n",
            "",
        ),
    ],
)
def test_conference_url(lines: str, url: str) -> None:
    assert one(dated_event("", "20240110T090000Z", lines)).conference_url == url


# -- Recurrence -----------------------------------------------------------------------------

WEEKLY = vcalendar(
    """
BEGIN:VEVENT
UID:weekly-1
RECURRENCE-ID;TZID=Europe/Berlin:20240312T100000
DTSTART;TZID=Europe/Berlin:20240313T150000
DTEND;TZID=Europe/Berlin:20240313T160000
SUMMARY:Weekly sync (moved)
SEQUENCE:1
END:VEVENT
BEGIN:VEVENT
UID:weekly-1
RECURRENCE-ID;TZID=Europe/Berlin:20240326T100000
DTSTART;TZID=Europe/Berlin:20240326T100000
DTEND;TZID=Europe/Berlin:20240326T110000
SUMMARY:Weekly sync
STATUS:CANCELLED
SEQUENCE:1
END:VEVENT
BEGIN:VEVENT
UID:weekly-1
DTSTART;TZID=Europe/Berlin:20240102T100000
DTEND;TZID=Europe/Berlin:20240102T110000
RRULE:FREQ=WEEKLY;BYDAY=TU
EXDATE;TZID=Europe/Berlin:20240319T100000
SUMMARY:Weekly sync
STATUS:CONFIRMED
END:VEVENT
""",
    method="PUBLISH",
)


def test_recurring_series_is_expanded_in_the_window() -> None:
    events = parse(WEEKLY, window=(utc(2024, 3, 1), utc(2024, 4, 3)))
    assert [(e.start, e.recurrence_id, e.summary, e.status) for e in events] == [
        (utc(2024, 3, 5, 9), utc(2024, 3, 5, 9), "Weekly sync", "CONFIRMED"),
        (utc(2024, 3, 13, 14), utc(2024, 3, 12, 9), "Weekly sync (moved)", ""),
        (utc(2024, 3, 26, 9), utc(2024, 3, 26, 9), "Weekly sync", "CANCELLED"),
        (utc(2024, 4, 2, 8), utc(2024, 4, 2, 8), "Weekly sync", "CONFIRMED"),  # summer time
    ]
    assert all(e.end == e.start + timedelta(hours=1) for e in events)
    assert {e.uid for e in events} == {"weekly-1"}


def test_without_a_window_a_series_is_its_master_and_overrides() -> None:
    events = parse(WEEKLY)
    assert [(e.start, e.recurrence_id) for e in events] == [
        (utc(2024, 3, 13, 14), utc(2024, 3, 12, 9)),
        (utc(2024, 3, 26, 9), utc(2024, 3, 26, 9)),
        (utc(2024, 1, 2, 9), None),
    ]


def test_window_limits_expansion_only() -> None:
    text = vcalendar(
        GOOGLE.split("BEGIN:VEVENT", 1)[1]
        .rsplit("END:VEVENT", 1)[0]
        .join(["BEGIN:VEVENT", "END:VEVENT"]),
        method="PUBLISH",
    )
    assert len(parse(text, window=(utc(2000, 1, 1), utc(2000, 1, 2)))) == 1


def test_max_occurrences_keeps_the_earliest_of_each_series() -> None:
    daily = dated_event(";TZID=Europe/Berlin", "20240101T090000", "RRULE:FREQ=DAILY\n")
    hourly = dated_event("", "20240101T000000Z", "RRULE:FREQ=HOURLY\n").replace("tz-test", "h")
    single = dated_event("", "20240101T000000Z").replace("tz-test", "single")
    events = parse(
        vcalendar(daily, hourly, single),
        window=(utc(2024, 6, 1), utc(2025, 6, 1)),
        max_occurrences=30,
    )
    days = [e.start for e in events if e.uid == "tz-test"]
    hours = [e.start for e in events if e.uid == "h"]
    assert days == [utc(2024, 6, 1, 7) + timedelta(days=n) for n in range(30)]
    assert hours == [utc(2024, 6, 1) + timedelta(hours=n) for n in range(30)]
    assert [e.start for e in events if e.uid == "single"] == [utc(2024, 1, 1)]


def test_many_ordinary_series_are_all_expanded() -> None:
    weekly = [
        dated_event(
            ";TZID=Europe/Berlin", "20200106T090000", "RRULE:FREQ=WEEKLY;BYDAY=MO,WE\n"
        ).replace("tz-test", f"w{n}")
        for n in range(300)
    ]
    events = parse(vcalendar(*weekly), window=(utc(2025, 6, 2), utc(2025, 6, 9)))
    assert len(events) == 600
    assert {e.start for e in events} == {utc(2025, 6, 2, 7), utc(2025, 6, 4, 7)}


def test_rdate_series_with_utc_exdate() -> None:
    text = vcalendar(
        dated_event(
            ";TZID=America/New_York",
            "20240105T090000",
            "RDATE;TZID=America/New_York:20240112T090000,20240119T090000\n"
            "RDATE;VALUE=PERIOD:20240126T140000Z/PT2H\n"
            "EXDATE:20240112T140000Z\n"
            "DURATION:PT30M\n",
        )
    )
    events = parse(text, window=(utc(2024, 1, 1), utc(2024, 2, 1)))
    assert [(e.start, e.end) for e in events] == [
        (utc(2024, 1, 5, 14), utc(2024, 1, 5, 14, 30)),
        (utc(2024, 1, 19, 14), utc(2024, 1, 19, 14, 30)),
        (utc(2024, 1, 26, 14), utc(2024, 1, 26, 14, 30)),  # a PERIOD counts from its start
    ]


def test_this_and_future_override_moves_later_occurrences() -> None:
    text = vcalendar(
        dated_event(";TZID=Europe/Berlin", "20240101T100000", "RRULE:FREQ=DAILY;COUNT=6\n"),
        dated_event(
            ";TZID=Europe/Berlin",
            "20240103T120000",
            "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20240103T100000\n",
        ).replace("SUMMARY:Interview", "SUMMARY:Later"),
    )
    events = parse(text, window=(utc(2024, 1, 1), utc(2024, 1, 10)))
    assert [(e.start.hour, e.recurrence_id.hour if e.recurrence_id else None) for e in events] == [
        (9, 9),
        (9, 9),
        (11, 9),
        (11, 9),
        (11, 9),
        (11, 9),
    ]
    assert [e.summary for e in events] == ["Interview"] * 2 + ["Later"] * 4


def test_all_day_series_with_exchange_datetime_recurrence_id() -> None:
    text = vcalendar(
        """
BEGIN:VTIMEZONE
TZID:GMT Standard Time
BEGIN:STANDARD
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0000
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T010000
TZOFFSETFROM:+0000
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
RRULE:FREQ=WEEKLY;UNTIL=20200916T230000Z;INTERVAL=2;BYDAY=TH;WKST=MO
UID:bins
SUMMARY:Refuse black bin
DTSTART;VALUE=DATE:20200402
DTEND;VALUE=DATE:20200403
END:VEVENT
BEGIN:VEVENT
UID:bins
RECURRENCE-ID;TZID=GMT Standard Time:20200416T000000
SUMMARY:Refuse black bin (Friday)
DTSTART;VALUE=DATE:20200417
DTEND;VALUE=DATE:20200418
END:VEVENT
""",
        method="PUBLISH",
    )
    events = parse(text, window=(utc(2020, 4, 1), utc(2020, 5, 1)))
    assert [(e.start, e.end, e.recurrence_id, e.all_day) for e in events] == [
        (utc(2020, 4, 1, 22), utc(2020, 4, 2, 22), utc(2020, 4, 1, 22), True),
        (utc(2020, 4, 16, 22), utc(2020, 4, 17, 22), utc(2020, 4, 15, 22), True),
        (utc(2020, 4, 29, 22), utc(2020, 4, 30, 22), utc(2020, 4, 29, 22), True),
    ]
    assert events[1].summary == "Refuse black bin (Friday)"


DOS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//x//y//EN
BEGIN:VEVENT
UID:dos@example.com
DTSTAMP:20250101T000000Z
DTSTART:19700101T000000Z
DTEND:19700101T000001Z
RRULE:{rule}
SUMMARY:x
END:VEVENT
END:VCALENDAR
"""
NEAR_NOW = (utc(2025, 6, 1, 12), utc(2025, 6, 1, 13))


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=SECONDLY",
        "FREQ=MINUTELY;BYSECOND=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20",
        "FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11;BYMINUTE=0,15,30,45",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",  # never matches
        "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=WEEKLY;BYDAY=MO;BYSETPOS=2",
        "FREQ=DAILY;INTERVAL=0",
    ],
)
def test_rules_that_would_run_for_minutes_keep_just_the_master(rule: str) -> None:
    events = parse(DOS.format(rule=rule), window=NEAR_NOW)
    assert [(e.start, e.recurrence_id) for e in events] == [(utc(1970, 1, 1), None)]


def test_dense_rules_from_1970_are_expanded_from_near_the_window() -> None:
    hourly = parse(DOS.format(rule="FREQ=HOURLY"), window=(utc(2025, 1, 1), utc(2025, 1, 2)))
    assert [e.start for e in hourly] == [utc(2025, 1, 1, h) for h in range(24)]
    assert all(e.recurrence_id == e.start for e in hourly)
    counted = parse(DOS.format(rule="FREQ=DAILY;BYHOUR=9,17;COUNT=999999999"), window=NEAR_NOW)
    assert [e.start for e in counted] == []  # 09:00 and 17:00 UTC only
    counted = parse(
        DOS.format(rule="FREQ=DAILY;COUNT=1000000000"), window=(utc(2025, 1, 1), utc(2025, 1, 3))
    )
    assert [e.start for e in counted] == [utc(2025, 1, 1), utc(2025, 1, 2)]
    ended = parse(DOS.format(rule="FREQ=DAILY;COUNT=3"), window=NEAR_NOW)
    assert ended == []


def test_many_hostile_series_keep_their_masters() -> None:
    events = [
        DOS.format(rule="FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30")
        .split("BEGIN:VEVENT")[1]
        .split("END:VEVENT")[0]
        .replace("dos@example.com", f"dos-{n}")
        for n in range(40)
    ]
    text = vcalendar(*(f"BEGIN:VEVENT{e}END:VEVENT" for e in events))
    result = parse(text, window=NEAR_NOW)
    assert [e.uid for e in result] == [f"dos-{n}" for n in range(40)]


# -- Errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "hello world", "BEGIN:VTODO\nEND:VTODO\n", ":::", "\x00"])
def test_input_without_a_calendar_raises_icalerror(text: str) -> None:
    with pytest.raises(ICalError):
        parse(text)


def test_empty_calendar_is_no_events() -> None:
    assert parse("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n") == []


def test_broken_vevent_is_skipped_with_a_warning_that_never_shows_the_description(
    caplog: pytest.LogCaptureFixture,
) -> None:
    text = vcalendar(
        "BEGIN:VEVENT\nUID:no-start\nDESCRIPTION:SECRET-PHRASE\nEND:VEVENT",
        "BEGIN:VEVENT\nUID:bad-start\nDESCRIPTION:SECRET-PHRASE\nDTSTART:2024-13-45\nEND:VEVENT",
        dated_event("", "20240110T090000Z", "DESCRIPTION:SECRET-PHRASE\n"),
    )
    with caplog.at_level(logging.WARNING, logger="agent.ical"):
        assert [e.uid for e in parse(text)] == ["tz-test"]
    assert "no-start" in caplog.text and "bad-start" in caplog.text
    assert "SECRET-PHRASE" not in caplog.text


def test_window_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse(GOOGLE, window=(datetime(2024, 1, 1), datetime(2024, 2, 1)))


# -- Real-world samples --------------------------------------------------------------------

CORPUS_FILES = sorted(CORPUS.glob("*.ics")) + sorted(CORPUS.glob("*.eml"))

# Starts (UTC) that must be among each file's events; floating and all-day read in Berlin.
EXPECTED_STARTS = {
    "icalendar_issue_101_umlaut_organizer_cn.ics": {utc(2013, 4, 16, 10)},
    "icalendar_issue_237_outlook_non_ascii_tzid.ics": {utc(2017, 5, 11, 16, 30)},
    "icalendar_timezone_same_start_exchange_pst_request.ics": {utc(2017, 2, 24, 20)},
    "khal_event_dt_floating.ics": {utc(2014, 4, 9, 7, 30)},
    "nodeical_exchange-custom-tz.ics": {utc(2019, 4, 30, 2)},
    "nodeical_ms_timezones.ics": {
        utc(2020, 9, 10, 7),
        utc(2020, 6, 9, 7),  # the broken TZID quoting
        utc(2020, 9, 15, 15, 30),
        utc(2020, 7, 7, 19),
    },
    "nodeical_tentative-apple-calendar.ics": {utc(2022, 7, 4, 23), utc(2022, 7, 5, 16)},
    "rie_issue_18_cancelled_occurrence.ics": {utc(2020, 1, 28, 21), utc(2020, 1, 29, 21)},
    "rie_issue_28_exchange_allday_recurrence_id.ics": {utc(2020, 4, 1, 22), utc(2020, 4, 16, 22)},
    "rie_issue_62_google_moved_occurrence.ics": {
        utc(2021, 12, 17, 20, 30),
        utc(2021, 11, 26, 20, 30),
    },
    "tb_cancel-single-event.eml": {utc(2022, 3, 16, 11)},
    "tb_meet-meeting-invite.eml": {utc(2021, 3, 22, 9, 30)},
    "tb_message-containing-event.eml": {utc(2016, 9, 1, 6, 25)},
    "tb_outlook-test-invite.eml": {utc(2021, 11, 27, 7)},
    "tb_teams-meeting-invite.eml": {utc(2020, 12, 2, 17)},
    "tb_update-major.eml": {utc(2022, 3, 16, 5)},
}


def calendar_texts(path: Path) -> list[str]:
    data = path.read_bytes()
    if path.suffix == ".ics":
        return [data.decode("utf-8", "surrogateescape")]
    message = email.message_from_bytes(data, policy=email.policy.default)
    texts = []
    for part in message.walk():
        if part.get_content_type() in ("text/calendar", "application/ics"):
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            texts.append(payload.decode(part.get_content_charset() or "utf-8", "surrogateescape"))
    return texts


def test_corpus_is_there() -> None:
    assert {p.name for p in CORPUS_FILES} == set(EXPECTED_STARTS)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_corpus_file_parses(path: Path) -> None:
    texts = calendar_texts(path)
    assert texts, "no calendar part"
    for text in texts:
        events = parse(text)
        assert EXPECTED_STARTS[path.name] <= {e.start for e in events}
        for window in [(utc(2020, 1, 1), utc(2022, 1, 1)), NEAR_NOW]:
            expanded = parse(text, window=window)
            assert all(e.start.tzinfo is UTC for e in expanded)


def test_corpus_details() -> None:
    [teams] = parse(calendar_texts(CORPUS / "tb_teams-meeting-invite.eml")[0])
    assert teams.conference_url.startswith(
        "https://teams.microsoft.com/l/meetup-join/19%3ameeting_"
    )
    assert "18e1-40c4" in teams.conference_url  # from the property, not the description
    assert teams.attendees[1] == Attendee("", "homer@example.com")
    for text in calendar_texts(CORPUS / "tb_meet-meeting-invite.eml"):
        [meet] = parse(text)
        assert meet.conference_url == "https://meet.google.com/pyb-ndcu-hhc"
        assert meet.description.startswith("This is a test. Bold. Italic.")
    bluejeans = parse((CORPUS / "nodeical_ms_timezones.ics").read_text())[-1]
    assert bluejeans.conference_url == "https://bluejeans.com/7999979999"
    apple = parse((CORPUS / "nodeical_tentative-apple-calendar.ics").read_text())
    assert [e.status for e in apple] == ["TENTATIVE", "CONFIRMED", "CANCELLED", ""]
    assert apple[0].attendees == (Attendee("", "tentative@example.com", partstat="TENTATIVE"),)
    [cancel] = parse(calendar_texts(CORPUS / "tb_cancel-single-event.eml")[0])
    assert (cancel.method, cancel.status, cancel.sequence) == ("CANCEL", "CANCELLED", 1)
    assert cancel.end == utc(2022, 3, 16, 11, 30)
    cancelled = parse(
        (CORPUS / "rie_issue_18_cancelled_occurrence.ics").read_text(),
        window=(utc(2020, 1, 1), utc(2020, 2, 1)),
    )
    assert [e.status for e in cancelled] == ["", "CANCELLED", ""]


# -- Fuzzing --------------------------------------------------------------------------------

FUZZ = settings(
    deadline=timedelta(milliseconds=2000),
    max_examples=examples(150),
    suppress_health_check=[HealthCheck.too_slow],
)
SEEDS = [GOOGLE, exchange_invite("20211127"), WEEKLY, DOS.format(rule="FREQ=WEEKLY;COUNT=5")]
INTERESTING_LINES = [
    "BEGIN:VEVENT",
    "END:VEVENT",
    "BEGIN:VCALENDAR",
    "END:VCALENDAR",
    "BEGIN:VTIMEZONE",
    "END:VTIMEZONE",
    "BEGIN:STANDARD",
    "TZOFFSETTO:+2359",
    "TZOFFSETFROM:-9999",
    "RRULE:FREQ=SECONDLY",
    "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    "RRULE:FREQ=HOURLY;COUNT=99999999;BYMINUTE=0,30",
    "RRULE:FREQ=MONTHLY;BYDAY=5MO;BYSETPOS=-1;UNTIL=99991231T235959Z",
    "RRULE:FREQ=YEARLY;BYYEARDAY=366;BYWEEKNO=53;INTERVAL=400",
    "RRULE:;;FREQ=",
    "RDATE;VALUE=PERIOD:19970101T180000Z/PT5H30M,19970102T180000Z/19970102T190000Z",
    "EXDATE;VALUE=DATE:20240101,junk",
    "RECURRENCE-ID;RANGE=THISANDFUTURE:20240312T100000Z",
    "RECURRENCE-ID;VALUE=DATE:20240312",
    "DTSTART:00010101T000000",
    "DTSTART:99991231T235959Z",
    "DTSTART;VALUE=DATE:99991231",
    'DTSTART;TZID="(UTC+05:00) Nowhere:20240101T000000"',
    "DTSTART;TZID=../../etc/passwd:20240101T000000",
    "DTEND:19000101T000000Z",
    "DURATION:P999999W",
    "DURATION:-PT1H",
    "SEQUENCE:99999999999999999999999",
    'ATTENDEE;CN="unterminated:mailto:x@y',
    "ORGANIZER;CN=;EMAIL=:",
    "DESCRIPTION:<![ x]> <a href=https://zoom.us/j/1>",
    "X-GOOGLE-CONFERENCE:javascript:alert(1)",
    " folded continuation",
    "\ufeffBEGIN:VEVENT",
]


@FUZZ
@given(st.text(max_size=3000))
def test_random_text_raises_nothing_but_icalerror(text: str) -> None:
    try:
        events = parse(text, window=NEAR_NOW)
    except ICalError:
        return
    assert all(e.start.utcoffset() == timedelta(0) for e in events)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_raise_nothing_but_icalerror(data: bytes) -> None:
    with contextlib.suppress(ICalError):
        parse(data)


@st.composite
def mutated_calendars(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(SEEDS)).split("\r\n")
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(lines)))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "garble", "swap", "value"]))
        if action == "delete" and at < len(lines):
            del lines[at]
        elif action == "duplicate" and at < len(lines):
            lines.insert(at, lines[at])
        elif action == "insert":
            lines.insert(at, draw(st.sampled_from(INTERESTING_LINES) | st.text(max_size=40)))
        elif action == "garble" and at < len(lines):
            cut = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:cut] + draw(st.text(max_size=10)) + lines[at][cut:]
        elif action == "swap" and at + 1 < len(lines):
            lines[at], lines[at + 1] = lines[at + 1], lines[at]
        elif action == "value" and at < len(lines) and ":" in lines[at]:
            lines[at] = lines[at].split(":", 1)[0] + ":" + draw(st.text(max_size=30))
    return draw(st.sampled_from(["\r\n", "\n"])).join(lines)


WINDOWS = st.none() | st.builds(
    lambda start, days: (start, start + timedelta(days=days)),
    st.datetimes(
        min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    st.integers(0, 400),
)


@FUZZ
@given(mutated_calendars(), WINDOWS, st.integers(1, 300))
def test_mutated_calendars_raise_nothing_but_icalerror(
    text: str, window: tuple[datetime, datetime] | None, limit: int
) -> None:
    try:
        events = parse(text, window=window, max_occurrences=limit)
    except ICalError:
        return
    for event in events:
        assert event.start.utcoffset() == timedelta(0)
        assert event.end is None or event.end >= event.start
    assert len(events) <= limit + text.upper().count("BEGIN:VEVENT")


BY_PARTS = {
    "BYMONTH": st.lists(st.integers(1, 12).map(str), min_size=1, max_size=3),
    "BYMONTHDAY": st.lists(st.integers(-31, 31).filter(bool).map(str), min_size=1, max_size=3),
    "BYDAY": st.lists(
        st.sampled_from(["MO", "TU", "WE", "1FR", "-1SU", "5MO", "2TH"]), min_size=1, max_size=3
    ),
    "BYHOUR": st.lists(st.integers(0, 23).map(str), min_size=1, max_size=30),
    "BYMINUTE": st.lists(st.integers(0, 59).map(str), min_size=1, max_size=3),
    "BYSETPOS": st.lists(st.integers(-3, 3).filter(bool).map(str), min_size=1, max_size=2),
    "BYYEARDAY": st.lists(st.integers(-366, 366).filter(bool).map(str), min_size=1, max_size=2),
    "BYWEEKNO": st.lists(st.integers(-53, 53).filter(bool).map(str), min_size=1, max_size=2),
}


@st.composite
def rules(draw: st.DrawFn) -> str:
    freqs = ["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"]
    parts = [f"FREQ={draw(st.sampled_from(freqs))}"]
    parts.append(f"INTERVAL={draw(st.integers(0, 5))}")
    if draw(st.booleans()):
        parts.append(f"COUNT={draw(st.sampled_from([1, 3, 1000, 10**9]))}")
    elif draw(st.booleans()):
        parts.append(
            f"UNTIL={draw(st.sampled_from(['20300101T000000Z', '20250601', '19800101T000000']))}"
        )
    for key in draw(st.lists(st.sampled_from(sorted(BY_PARTS)), unique=True, max_size=3)):
        parts.append(f"{key}={','.join(draw(BY_PARTS[key]))}")
    return ";".join(parts)


@FUZZ
@given(
    rules(),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    st.booleans(),
    WINDOWS.filter(bool),
)
def test_any_rule_expands_within_the_window_and_budget(
    rule: str, start: datetime, all_day: bool, window: tuple[datetime, datetime]
) -> None:
    value = start.strftime("%Y%m%d") if all_day else start.strftime("%Y%m%dT%H%M%S")
    param = ";VALUE=DATE" if all_day else ";TZID=Europe/Berlin"
    text = vcalendar(dated_event(param, value, f"RRULE:{rule}\nDURATION:PT1H\n"))
    events = parse(text, window=window, max_occurrences=50)
    assert len(events) <= 50
    if len(events) > 1 or (events and events[0].recurrence_id is not None):
        assert all(e.recurrence_id is not None for e in events)
        assert all(e.start < window[1] and (e.end or e.start) >= window[0] for e in events)
        assert [e.start for e in events] == sorted(e.start for e in events)
