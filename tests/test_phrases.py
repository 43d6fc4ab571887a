"""Dates in prose: timelines, requests, out-of-office returns and meeting times (table-driven),
plus hypothesis: the finders never raise, and stay linear on 100 KB of hostile text (a
catastrophic backtrack would not finish on it either)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from helpers import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.businessdays import BusinessCalendar
from agent.model import Deadline, Request
from agent.understanding.phrases import (
    find_meeting_length,
    find_meeting_times,
    find_requests,
    find_return_date,
    find_timeline,
)

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
US = BusinessCalendar("US")
SENT = datetime(2026, 9, 29, 10, 0, tzinfo=NY)  # a Tuesday morning in New York


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- timelines ------------------------------------------------------------------------------

TIMELINES = [
    (
        "We'll get back to you by the end of next week.",
        date(2026, 10, 9),
        "by the end of next week",
    ),
    (
        "We\u2019ll get back to you by the end of next week.",
        date(2026, 10, 9),
        "by the end of next week",
    ),
    ("We'll be in touch by end of week.", date(2026, 10, 2), "by end of week"),
    ("We will make a decision by EOW.", date(2026, 10, 2), "by EOW"),
    ("We'll be in touch by the end of the week.", date(2026, 10, 2), "by the end of the week"),
    (
        "You can expect to hear from us within 5 business days.",
        date(2026, 10, 6),
        "within 5 business days",
    ),
    ("You'll hear from us in the next 2 weeks.", date(2026, 10, 13), "in the next 2 weeks"),
    (
        "You can expect to hear from us within 5-7 business days.",
        date(2026, 10, 8),
        "within 5-7 business days",
    ),
    (
        "You can expect to hear from us within 5\u20137 business days.",
        date(2026, 10, 8),
        "within 5\u20137 business days",
    ),
    (
        "We're wrapping up interviews this week and will share an update early next week.",
        date(2026, 10, 6),
        "early next week",
    ),
    ("I'll follow up by Friday.", date(2026, 10, 2), "by Friday"),
    (
        "The team will make a decision by Friday, March 14.",
        date(2027, 3, 14),
        "by Friday, March 14",
    ),
    ("We hope to decide by March 14.", date(2027, 3, 14), "by March 14"),
    (
        "If you haven't heard from us by the 20th, feel free to reach out.",
        date(2026, 10, 20),
        "by the 20th",
    ),
    (
        "I'll follow up once I've collected feedback from the panel, usually within 2\u20133 days.",
        date(2026, 10, 2),
        "within 2\u20133 days",
    ),
    ("We usually respond within a week.", date(2026, 10, 6), "within a week"),
    ("We'll get back to you in a couple of days.", date(2026, 10, 1), "in a couple of days"),
    (
        "Please allow up to two weeks for the team to review your take-home.",
        date(2026, 10, 13),
        "up to two weeks",
    ),
    ("We aim to get back to you within a week or two.", date(2026, 10, 13), "within a week or two"),
    ("We'll get back to you next week.", date(2026, 10, 9), "next week"),
    ("We'll get back to you next Friday.", date(2026, 10, 9), "next Friday"),
    ("Decision by Friday.", date(2026, 10, 2), "by Friday"),
    ("By Friday, we'll have a decision.", date(2026, 10, 2), "By Friday"),
    ("Within 5 business days you'll hear from us.", date(2026, 10, 6), "Within 5 business days"),
    ("We'll get back to you within 24 hours.", date(2026, 9, 30), "within 24 hours"),
    ("We'll be in touch by the end of the month.", date(2026, 9, 30), "by the end of the month"),
    (
        "You'll get feedback by the end of October.",
        date(2026, 10, 30),  # Oct 31 is a Saturday
        "by the end of October",
    ),
    ("The hiring manager will decide by 10/09.", date(2026, 10, 9), "by 10/09"),
    ("Sarah will get back to you sometime next week.", date(2026, 10, 9), "sometime next week"),
    ("We'll decide mid next week.", date(2026, 10, 7), "mid next week"),
    ("You should hear back within 5 business days.", date(2026, 10, 6), "within 5 business days"),
    # German, French, Spanish
    ("Wir melden uns bis Ende der Woche.", date(2026, 10, 2), "bis Ende der Woche"),
    (
        "Sie hören innerhalb von 5 Werktagen von uns.",
        date(2026, 10, 6),
        "innerhalb von 5 Werktagen",
    ),
    ("Wir melden uns bis Ende nächster Woche.", date(2026, 10, 9), "bis Ende nächster Woche"),
    (
        "Nous reviendrons vers vous d'ici la fin de la semaine.",
        date(2026, 10, 2),
        "d'ici la fin de la semaine",
    ),
    ("Nous vous répondrons sous 5 jours ouvrés.", date(2026, 10, 6), "sous 5 jours ouvrés"),
    ("Te responderemos antes del viernes.", date(2026, 10, 2), "antes del viernes"),
    (
        "Nos pondremos en contacto contigo a finales de la próxima semana.",
        date(2026, 10, 9),
        "a finales de la próxima semana",
    ),
    (
        "Recibirás una respuesta en los próximos 5 días hábiles.",
        date(2026, 10, 6),
        "en los próximos 5 días hábiles",
    ),
]


@pytest.mark.parametrize(("text", "day", "phrase"), TIMELINES)
def test_find_timeline(text: str, day: date, phrase: str) -> None:
    assert find_timeline(text, SENT, NY, US) == Deadline(day, phrase)


@pytest.mark.parametrize(
    "text",
    [
        "Please send your references by Friday.",  # a request to the candidate
        "Could you share your availability by Wednesday?",
        "Thanks for your time today! We'll be in touch.",  # no date
        "We received your application on September 20.",
        "Our hiring committee meets on Thursdays; I'll reach out after that.",
        "We'll hold this interview time for you for the next 24 hours.",
        "> We'll get back to you by Friday.\nThanks!",  # quoted
        "Thanks!\n\nOn Mon, Sep 21, 2026 at 9:00 AM Rachel <r@example.com> wrote:\n"
        "We'll get back to you by Friday.",
        "Please note that the take-home is due by Friday.",
        "It was great to meet you on Monday, we'll be in touch soon.",
        "Thank you for interviewing with us on October 1. We'll be in touch.",
        "",
    ],
)
def test_find_timeline_ignores(text: str) -> None:
    assert find_timeline(text, SENT, NY, US) is None


def test_timeline_first_sentence_wins() -> None:
    text = (
        "We'll get back to you by the end of next week. If you haven't heard from us by the "
        "20th, feel free to reach out."
    )
    assert find_timeline(text, SENT, NY, US) == Deadline(
        date(2026, 10, 9), "by the end of next week"
    )


def test_timeline_beside_a_request() -> None:
    text = "Please send your references by Friday and we'll get back to you by end of next week."
    assert find_timeline(text, SENT, NY, US) == Deadline(date(2026, 10, 9), "by end of next week")
    assert find_requests(text, SENT, NY, US) == (
        Request("send your references", Deadline(date(2026, 10, 2), "by Friday")),
    )


def test_relative_dates_start_from_the_local_date_of_sending() -> None:
    # 02:10 UTC on Tuesday is still Monday (Columbus Day) in New York
    sent = datetime(2026, 10, 13, 2, 10, tzinfo=UTC)
    got = find_timeline("You should hear back within 5 business days.", sent, NY, US)
    assert got == Deadline(date(2026, 10, 19), "within 5 business days")


def test_business_days_skip_us_holidays() -> None:
    before_thanksgiving = datetime(2026, 11, 24, 9, 0, tzinfo=NY)
    got = find_timeline("We'll reply within 3 business days.", before_thanksgiving, NY, US)
    assert got == Deadline(date(2026, 11, 30), "within 3 business days")
    before_labor_day = datetime(2026, 9, 3, 9, 0, tzinfo=NY)
    got = find_timeline("We'll reply within 2 business days.", before_labor_day, NY, US)
    assert got == Deadline(date(2026, 9, 8), "within 2 business days")
    weekends_only = BusinessCalendar(None)
    got = find_timeline("We'll reply within 2 business days.", before_labor_day, NY, weekends_only)
    assert got == Deadline(date(2026, 9, 7), "within 2 business days")


def test_end_of_week_is_its_last_business_day() -> None:
    # Friday 2026-07-03 is Independence Day (observed)
    sent = datetime(2026, 6, 30, 9, 0, tzinfo=NY)
    got = find_timeline("We'll be in touch by end of week.", sent, NY, US)
    assert got == Deadline(date(2026, 7, 2), "by end of week")


def test_weekday_on_its_own_day_means_next_week() -> None:
    friday = datetime(2026, 10, 2, 9, 0, tzinfo=NY)
    assert find_timeline("We'll decide by Friday.", friday, NY, US) == Deadline(
        date(2026, 10, 9), "by Friday"
    )
    assert find_timeline("We'll decide by this Friday.", friday, NY, US) == Deadline(
        date(2026, 10, 2), "by this Friday"
    )


def test_timeline_resolves_in_the_users_zone() -> None:
    # 23:30 on Tuesday in New York is already Wednesday in Berlin
    sent = datetime(2026, 9, 29, 23, 30, tzinfo=NY)
    assert find_timeline("We'll reply within 2 days.", sent, NY, US) == Deadline(
        date(2026, 10, 1), "within 2 days"
    )
    assert find_timeline("We'll reply within 2 days.", sent, BERLIN, US) == Deadline(
        date(2026, 10, 2), "within 2 days"
    )


# --- requests -------------------------------------------------------------------------------

REQUESTS = [
    (
        "Please send your references by Friday.",
        [("send your references", date(2026, 10, 2), "by Friday")],
    ),
    (
        "Could you send a copy of your certification? Reply by August 19, 2026.",
        [("send a copy of your certification", date(2026, 8, 19), "by August 19, 2026")],
    ),
    (
        "Could you please send your references and a copy of your certification? Reply by "
        "August 19, 2026.",
        [
            (
                "send your references and a copy of your certification",
                date(2026, 8, 19),
                "by August 19, 2026",
            )
        ],
    ),
    (
        "Please complete the take-home within 5 days.",
        [("complete the take-home", date(2026, 10, 4), "within 5 days")],
    ),
    (
        "Send your portfolio before Thursday.",
        [("send your portfolio", date(2026, 10, 1), "before Thursday")],
    ),
    (
        "Share your availability by Wednesday.",
        [("share your availability", date(2026, 9, 30), "by Wednesday")],
    ),
    (
        "Could you share your availability by Wednesday?",
        [("share your availability", date(2026, 9, 30), "by Wednesday")],
    ),
    (
        "Thanks again! Please share your availability by Wednesday so we can set up the onsite.",
        [("share your availability", date(2026, 9, 30), "by Wednesday")],
    ),
    (
        "Please let us know your availability by Wednesday.",
        [("let us know your availability", date(2026, 9, 30), "by Wednesday")],
    ),
    (
        "Submit your solution by Monday 9:00 AM PT.",
        [("submit your solution", date(2026, 10, 5), "by Monday")],
    ),
    (
        "Book a slot using the link below by Thursday.",
        [("book a slot using the link below", date(2026, 10, 1), "by Thursday")],
    ),
    (
        "Please review and sign the offer by October 5.",
        [("review and sign the offer", date(2026, 10, 5), "by October 5")],
    ),
    (
        "I'd appreciate it if you could send your portfolio by Thursday.",
        [("send your portfolio", date(2026, 10, 1), "by Thursday")],
    ),
    (
        "We'll need your references by Friday.",
        [("send your references", date(2026, 10, 2), "by Friday")],
    ),
    (
        "We need you to complete the background check by Oct 9.",
        [("complete the background check", date(2026, 10, 9), "by Oct 9")],
    ),
    (
        "You have 7 days to complete this coding challenge.",
        [("complete this coding challenge", date(2026, 10, 6), "You have 7 days")],
    ),
    (
        "Next steps:\n- Send references by Friday\n- Complete the take-home within 5 days\n",
        [
            ("send references", date(2026, 10, 2), "by Friday"),
            ("complete the take-home", date(2026, 10, 4), "within 5 days"),
        ],
    ),
    (
        "Could you please confirm by Friday that this time works for you?",
        [("confirm that this time works for you", date(2026, 10, 2), "by Friday")],
    ),
    (
        "Please complete the take-home within 5 days and send your repo link back to me.",
        [
            (
                "complete the take-home and send your repo link back to me",
                date(2026, 10, 4),
                "within 5 days",
            )
        ],
    ),
    (
        "Please review and sign by Friday, October 30.",
        [("review and sign", date(2026, 10, 30), "by Friday, October 30")],
    ),
    (
        "Bitte senden Sie uns Ihre Referenzen bis Freitag.",
        [("senden Sie uns Ihre Referenzen", date(2026, 10, 2), "bis Freitag")],
    ),
    (
        "Merci de nous envoyer vos références d'ici vendredi.",
        [("nous envoyer vos références", date(2026, 10, 2), "d'ici vendredi")],
    ),
    (
        "Merci d'envoyer vos références avant le 9 octobre.",
        [("envoyer vos références", date(2026, 10, 9), "avant le 9 octobre")],
    ),
    (
        "Por favor, envíe sus referencias antes del viernes.",
        [("envíe sus referencias", date(2026, 10, 2), "antes del viernes")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), REQUESTS)
def test_find_requests(text: str, expected: list[tuple[str, date, str]]) -> None:
    want = tuple(Request(what, Deadline(day, phrase)) for what, day, phrase in expected)
    assert find_requests(text, SENT, NY, US) == want


@pytest.mark.parametrize(
    "text",
    [
        "We'll get back to you by Friday.",  # the company's promise
        "We'll complete our review by Friday.",
        "Please share your availability for next week (include your time zone).",  # no date
        "Please accept the meeting invitation.",
        "Please arrive on Friday at 10am.",  # a time to be somewhere, not a deadline
        "You'll have 72 hours from when you open the link.",  # from an unknown moment
        "Please note that the take-home is due by Friday.",
        "I'll send you the details by Friday.",
        "> Please send your references by Friday.",
    ],
)
def test_find_requests_ignores(text: str) -> None:
    assert find_requests(text, SENT, NY, US) == ()


# --- out-of-office returns ------------------------------------------------------------------

RETURNS = [
    (
        "I am out of the office until Monday, October 12, with limited access to email.",
        date(2026, 10, 12),
    ),
    ("I'm out of the office until Monday.", date(2026, 10, 5)),
    ("Thanks for your message. I'm back on 10/12.", date(2026, 10, 12)),
    ("I am returning on October 12th.", date(2026, 10, 12)),
    ("I will be back on Oct 12 and will reply then.", date(2026, 10, 12)),
    ("I'm on vacation through Friday, October 9.", date(2026, 10, 12)),  # inclusive
    ("I'm out of office from October 5 to October 9.", date(2026, 10, 12)),
    ("Ich bin bis einschließlich 12.10. nicht im Büro.", date(2026, 10, 13)),
    ("Ich bin ab dem 13.10. wieder erreichbar.", date(2026, 10, 13)),
    ("Vielen Dank. Ab dem 13.10. wieder erreichbar.", date(2026, 10, 13)),
    ("Je suis absente. Je serai de retour le 12 octobre.", date(2026, 10, 12)),
    ("Estaré de vuelta el 12 de octubre.", date(2026, 10, 12)),
    ("Estoy fuera de la oficina hasta el 12 de octubre.", date(2026, 10, 12)),
]


@pytest.mark.parametrize(("text", "expected"), RETURNS)
def test_find_return_date(text: str, expected: date) -> None:
    assert find_return_date(text, SENT, NY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Thanks, I'll get back to you until Friday.",  # no absence word
        "We'll get back to you by Friday.",
        "I am out of the office until further notice.",
        "",
    ],
)
def test_find_return_date_ignores(text: str) -> None:
    assert find_return_date(text, SENT, NY) is None


# --- meeting times --------------------------------------------------------------------------

MEETINGS = [
    (
        "Great news, you're confirmed for Thursday, October 1 at 11:00 AM ET with Oliver Grant.",
        [(utc(2026, 10, 1, 15, 0), None, "Thursday, October 1 at 11:00 AM ET")],
    ),
    (
        "Your interview is confirmed for Tuesday, March 10 at 2:00 PM ET.",
        # no year: the next March 10, in 2027, when New York is still on EST
        [(utc(2027, 3, 10, 19, 0), None, "Tuesday, March 10 at 2:00 PM ET")],
    ),
    ("See you on 3/10 at 2pm PT.", [(utc(2027, 3, 10, 22, 0), None, "3/10 at 2pm PT")]),
    (
        "Monday, 31 August 2026 09:30am (Eastern Time - US & Canada)",
        [
            (
                utc(2026, 8, 31, 13, 30),
                None,
                "Monday, 31 August 2026 09:30am (Eastern Time - US & Canada)",
            )
        ],
    ),
    (
        "Event Date/Time: 09:30am - Monday, 31 August 2026 (Eastern Time - US & Canada)",
        [
            (
                utc(2026, 8, 31, 13, 30),
                None,
                "09:30am - Monday, 31 August 2026 (Eastern Time - US & Canada)",
            )
        ],
    ),
    ("Thursday 3pm EST works for us.", [(utc(2026, 10, 1, 19, 0), None, "Thursday 3pm EST")]),
    ("Let's talk at 14:00 CET.", [(utc(2026, 9, 30, 12, 0), None, "14:00 CET")]),
    (
        "Oct 1, 2026, 11:00 AM - 12:00 PM EDT",
        [
            (
                utc(2026, 10, 1, 15, 0),
                utc(2026, 10, 1, 16, 0),
                "Oct 1, 2026, 11:00 AM - 12:00 PM EDT",
            )
        ],
    ),
    (
        "Donnerstag, 1. Oktober um 11:00 Uhr",
        [(utc(2026, 10, 1, 15, 0), None, "Donnerstag, 1. Oktober um 11:00 Uhr")],
    ),
    ("jeudi 1er octobre à 11h00", [(utc(2026, 10, 1, 15, 0), None, "jeudi 1er octobre à 11h00")]),
    (
        "el jueves 1 de octubre a las 11:00",
        [(utc(2026, 10, 1, 15, 0), None, "jueves 1 de octubre a las 11:00")],
    ),
    (
        "Thursday, October 1, 2026 11:00am (Pacific Time - Los Angeles)",
        [
            (
                utc(2026, 10, 1, 18, 0),
                None,
                "Thursday, October 1, 2026 11:00am (Pacific Time - Los Angeles)",
            )
        ],
    ),
    (
        "Wed Oct 1 2pm (GMT-07:00) Pacific Time - Los Angeles",  # the date wins over "Wed"
        [(utc(2026, 10, 1, 21, 0), None, "Wed Oct 1 2pm (GMT-07:00) Pacific Time - Los Angeles")],
    ),
    (
        "Thursday at 11:00 America/Chicago",
        [(utc(2026, 10, 1, 16, 0), None, "Thursday at 11:00 America/Chicago")],
    ),
    (
        "Thursday, Oct 1 at 11:00 AM IST",
        [(utc(2026, 10, 1, 5, 30), None, "Thursday, Oct 1 at 11:00 AM IST")],
    ),
    (
        "Thursday, Oct 1 at 4:00 PM BST",
        [(utc(2026, 10, 1, 15, 0), None, "Thursday, Oct 1 at 4:00 PM BST")],
    ),
    (
        "Thursday, Oct 1 at 9:00 JST",
        [(utc(2026, 10, 1, 0, 0), None, "Thursday, Oct 1 at 9:00 JST")],
    ),
    (
        "Thursday, Oct 1 at 9:00 AEST",
        [(utc(2026, 9, 30, 23, 0), None, "Thursday, Oct 1 at 9:00 AEST")],
    ),  # AEDT from Oct 4
    (
        "Thursday, Oct 1 at 3 PM GMT",
        [(utc(2026, 10, 1, 15, 0), None, "Thursday, Oct 1 at 3 PM GMT")],
    ),
    (
        "Thursday, Oct 1 at 3 PM UTC+2",
        [(utc(2026, 10, 1, 13, 0), None, "Thursday, Oct 1 at 3 PM UTC+2")],
    ),
    ("Thursday, Oct 1 at 10am CT", [(utc(2026, 10, 1, 15, 0), None, "Thursday, Oct 1 at 10am CT")]),
    ("Thursday, Oct 1 at 10am MT", [(utc(2026, 10, 1, 16, 0), None, "Thursday, Oct 1 at 10am MT")]),
    (
        "Thursday, Oct 1 at 10am Pacific",
        [(utc(2026, 10, 1, 17, 0), None, "Thursday, Oct 1 at 10am Pacific")],
    ),
    (
        "Thursday, Oct 1 at 10:00 CEST",
        [(utc(2026, 10, 1, 8, 0), None, "Thursday, Oct 1 at 10:00 CEST")],
    ),
    (
        "The interview is on 10/01/2026 at 15:00 Europe/Berlin",
        [(utc(2026, 10, 1, 13, 0), None, "10/01/2026 at 15:00 Europe/Berlin")],
    ),
    (
        "Could you do Thursday at 14:00 instead?",  # no zone: the user's
        [(utc(2026, 10, 1, 18, 0), None, "Thursday at 14:00")],
    ),
    (
        "How about 2-3pm ET on Thursday?",
        [(utc(2026, 10, 1, 18, 0), utc(2026, 10, 1, 19, 0), "2-3pm ET on Thursday")],
    ),
    (
        "Let's meet next Tuesday at 9:30 a.m. CT",
        [(utc(2026, 10, 6, 14, 30), None, "next Tuesday at 9:30 a.m. CT")],
    ),
    ("Thursday at noon ET", [(utc(2026, 10, 1, 16, 0), None, "Thursday at noon ET")]),
    (
        "Thursday Oct 15, 2026 \u22c5 10am \u2013 12pm\nEastern Time - New York",
        [
            (
                utc(2026, 10, 15, 14, 0),
                utc(2026, 10, 15, 16, 0),
                "Thursday Oct 15, 2026 \u22c5 10am \u2013 12pm Eastern Time - New York",
            )
        ],
    ),
    (
        "Tuesday, October 6, 2026, 4:00 PM - 5:00 PM EDT",
        [
            (
                utc(2026, 10, 6, 20, 0),
                utc(2026, 10, 6, 21, 0),
                "Tuesday, October 6, 2026, 4:00 PM - 5:00 PM EDT",
            )
        ],
    ),
    (
        "Wednesday, October 14 from 1:00 to 4:00 PM ET",
        [
            (
                utc(2026, 10, 14, 17, 0),
                utc(2026, 10, 14, 20, 0),
                "Wednesday, October 14 from 1:00 to 4:00 PM ET",
            )
        ],
    ),
    (
        "Friday, October 23, 2026 8:30 AM-9:15 AM (UTC-05:00) Eastern Time (US & Canada)",
        [
            (
                utc(2026, 10, 23, 12, 30),
                utc(2026, 10, 23, 13, 15),
                "Friday, October 23, 2026 8:30 AM-9:15 AM (UTC-05:00) Eastern Time (US & Canada)",
            )
        ],
    ),
    (
        "Tue, 17 Nov 2026, 10:00 am - 12:00 pm (America/New_York)",
        [
            (
                utc(2026, 11, 17, 15, 0),
                utc(2026, 11, 17, 17, 0),
                "Tue, 17 Nov 2026, 10:00 am - 12:00 pm (America/New_York)",
            )
        ],
    ),
    (
        "Mittwoch, 7. Oktober \u00b7 16:00\u201317:00 Mitteleurop\u00e4ische Zeit",
        [
            (
                utc(2026, 10, 7, 14, 0),
                utc(2026, 10, 7, 15, 0),
                "Mittwoch, 7. Oktober \u00b7 16:00\u201317:00 Mitteleurop\u00e4ische Zeit",
            )
        ],
    ),
    (
        "Fri, Oct 2 \u00b7 3:00 \u2013 3:30pm ET",
        [
            (
                utc(2026, 10, 2, 19, 0),
                utc(2026, 10, 2, 19, 30),
                "Fri, Oct 2 \u00b7 3:00 \u2013 3:30pm ET",
            )
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), MEETINGS)
def test_find_meeting_times(
    text: str, expected: list[tuple[datetime, datetime | None, str]]
) -> None:
    assert find_meeting_times(text, SENT, NY) == expected


def test_schedule_with_ranges_takes_the_day_named_before_it() -> None:
    text = (
        "Please see your interview schedule for Tuesday, October 6:\n"
        "10:00\u201310:45 AM PT Coding (Alex Kim)\n"
        "11:00\u201311:45 AM PT System Design (Priya Rao)\n"
    )
    got = find_meeting_times(text, SENT, NY)
    assert [(s, e) for s, e, _ in got] == [
        (utc(2026, 10, 6, 17, 0), utc(2026, 10, 6, 17, 45)),
        (utc(2026, 10, 6, 18, 0), utc(2026, 10, 6, 18, 45)),
    ]


def test_time_range_without_a_day_is_the_next_such_time() -> None:
    got = find_meeting_times("10:00\u201310:45 AM PT Coding (Alex Kim)", SENT, NY)
    assert got == [(utc(2026, 9, 29, 17, 0), utc(2026, 9, 29, 17, 45), "10:00\u201310:45 AM PT")]


def test_german_meeting_in_a_german_users_zone() -> None:
    sent = datetime(2026, 9, 29, 10, 0, tzinfo=BERLIN)
    got = find_meeting_times("Donnerstag, 1. Oktober um 11:00 Uhr", sent, BERLIN)
    assert got == [(utc(2026, 10, 1, 9, 0), None, "Donnerstag, 1. Oktober um 11:00 Uhr")]


@pytest.mark.parametrize(
    ("text", "sent", "start"),
    [
        # New York springs forward on 2026-03-08 and falls back on 2026-11-01
        (
            "Tuesday, March 10 at 2:00 PM ET",
            datetime(2026, 3, 1, 9, 0, tzinfo=NY),
            utc(2026, 3, 10, 18, 0),
        ),
        (
            "Friday, March 6 at 2:00 PM ET",
            datetime(2026, 3, 1, 9, 0, tzinfo=NY),
            utc(2026, 3, 6, 19, 0),
        ),
        ("Monday 9am ET", datetime(2026, 3, 5, 10, 0, tzinfo=NY), utc(2026, 3, 9, 13, 0)),
        ("Sunday, March 8, 2026 at 2:30 AM ET", SENT, utc(2026, 3, 8, 7, 30)),  # in the gap
        ("Sunday, November 1, 2026 at 1:30 AM ET", SENT, utc(2026, 11, 1, 5, 30)),  # the first
        ("Monday, November 2 at 9:00 AM ET", SENT, utc(2026, 11, 2, 14, 0)),
        ("Friday, October 30 at 9:00 AM ET", SENT, utc(2026, 10, 30, 13, 0)),
        # London and New York change on different dates: 2026-10-25 vs 2026-11-01
        ("Tuesday, October 27 at 3:00 PM GMT", SENT, utc(2026, 10, 27, 15, 0)),
        ("Tuesday, October 27 at 3:00 PM Europe/London", SENT, utc(2026, 10, 27, 15, 0)),
        ("Tuesday, October 27 at 11:00 AM ET", SENT, utc(2026, 10, 27, 15, 0)),
    ],
)
def test_meeting_times_across_dst(text: str, sent: datetime, start: datetime) -> None:
    got = find_meeting_times(text, sent, NY)
    assert [s for s, _, _ in got] == [start]


def test_weekday_alone_is_today_only_while_the_time_is_ahead() -> None:
    thursday_morning = datetime(2026, 10, 1, 10, 0, tzinfo=NY)
    thursday_evening = datetime(2026, 10, 1, 16, 0, tzinfo=NY)
    assert find_meeting_times("Thursday 3pm EST", thursday_morning, NY)[0][0] == utc(
        2026, 10, 1, 19, 0
    )
    assert find_meeting_times("Thursday 3pm EST", thursday_evening, NY)[0][0] == utc(
        2026, 10, 8, 19, 0
    )


def test_same_meeting_twice_is_listed_once() -> None:
    text = (
        "Confirmed: Thursday, October 1 at 11:00 AM ET.\n"
        "Reminder: Thursday, October 1 at 11:00 AM ET."
    )
    assert len(find_meeting_times(text, SENT, NY)) == 1


def test_meetings_come_in_text_order() -> None:
    text = "New time: Friday, October 2 at 1:00 PM ET (was Thursday, October 1 at 11:00 AM ET)."
    got = find_meeting_times(text, SENT, NY)
    assert [s for s, _, _ in got] == [utc(2026, 10, 2, 17, 0), utc(2026, 10, 1, 15, 0)]


@pytest.mark.parametrize(
    "text",
    [
        "Thursday, October 1",  # a date without a time
        "Please submit by Friday 5pm ET.",  # a deadline
        "Our office hours are Mon-Fri 9am-5pm ET.",
        "Sent: Tuesday, September 29, 2026 10:13 AM",  # a reply header
        "On Tue, Sep 29, 2026 at 10:00 AM Rachel <rachel@example.com> wrote:",
        "> Thursday, October 1 at 11:00 AM ET",  # quoted
        "We have 3 rounds and 2 panels; 14:00 is lunch.",  # a time without day or zone
        "Two-hour windows between 9 AM and 4 PM ET work best.",  # availability, not a meeting
        "Version 10.12.1 ships at build 11:00:01.",
        "",
    ],
)
def test_find_meeting_times_ignores(text: str) -> None:
    assert find_meeting_times(text, SENT, NY) == []


# --- properties -----------------------------------------------------------------------------

ZONES = st.sampled_from(
    [NY, BERLIN, ZoneInfo("Asia/Kolkata"), ZoneInfo("UTC"), ZoneInfo("Australia/Sydney")]
)
SENT_TIMES = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2090, 12, 31), timezones=ZONES
)
CALENDARS = st.sampled_from([US, BusinessCalendar(None), BusinessCalendar("DE", "BY")])

# Pieces of the grammar, so random text reaches deep into the patterns.
FRAGMENTS = [
    "by",
    "before",
    "within",
    "in the next",
    "until",
    "back on",
    "we'll",
    "please",
    "Reply",
    "Friday",
    "Fri",
    "Thursday,",
    "October",
    "Oct.",
    "1",
    "12",
    "31",
    "2026",
    "10/12",
    "12.10.",
    "3/10",
    "11:00",
    "10:00\u201310:45",
    "AM",
    "pm",
    "ET",
    "EST",
    "(Eastern Time - US & Canada)",
    "Pacific Time - Los Angeles",
    "GMT-07:00",
    "UTC+2",
    "CET",
    "America/New_York",
    "end of",
    "next week",
    "5-7",
    "business days",
    "weeks",
    "a couple of",
    "the 20th",
    "bis",
    "Ende der Woche",
    "Werktagen",
    "d'ici",
    "la fin de la semaine",
    "sous",
    "jours ouvrés",
    "antes del",
    "viernes",
    "a las",
    "um",
    "Uhr",
    "11h00",
    "1er",
    "de",
    "at",
    "-",
    ",",
    ".",
    "?",
    "\n",
    "\n\n",
    "> ",
    "  ",
    "On",
    "wrote:",
    "out of office",
    "einschließlich",
    "wieder",
    "ab dem",
    "de retour le",
]
TEXTS = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(FRAGMENTS), max_size=40).map(" ".join),
    st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join),
)


@settings(max_examples=examples(300), deadline=None)
@given(TEXTS, SENT_TIMES, ZONES, CALENDARS)
def test_finders_never_raise(
    text: str, sent: datetime, tz: ZoneInfo, cal: BusinessCalendar
) -> None:
    timeline = find_timeline(text, sent, tz, cal)
    assert timeline is None or isinstance(timeline.day, date)
    for request in find_requests(text, sent, tz, cal):
        assert request.what and request.due.phrase
    back = find_return_date(text, sent, tz)
    assert back is None or back >= sent.astimezone(tz).date()
    for start, end, phrase in find_meeting_times(text, sent, tz):
        assert start.tzinfo is UTC and phrase
        assert end is None or (end.tzinfo is UTC and end > start)


@pytest.mark.parametrize(
    "sent",
    [
        datetime(9999, 12, 31, 23, 0, tzinfo=UTC),
        datetime(9999, 12, 25, 23, 0, tzinfo=UTC),
        datetime(1, 1, 1, 0, 0, tzinfo=UTC),
    ],
)
def test_finders_survive_a_forged_date_header(sent: datetime) -> None:
    text = (
        "We'll reply within 5 business days, by end of next week, within 2 months. Please "
        "send it by end of month. Out of office through Monday. Back on Dec 31. Thursday 3pm "
        "ET. 14:00 CET. Oct 1 at 2pm PT. 11pm-1am ET. Tuesday, February 30 at 2pm PT."
    )
    find_timeline(text, sent, NY, US)
    find_requests(text, sent, NY, US)
    find_return_date(text, sent, NY)
    find_meeting_times(text, sent, NY)


def test_impossible_date_is_no_meeting() -> None:
    assert find_meeting_times("Tuesday, February 30 at 2pm PT", SENT, NY) == []


def test_finders_take_a_naive_sent_as_utc() -> None:
    naive = datetime(2026, 9, 29, 14, 0)
    assert find_timeline("We'll reply by Friday.", naive, NY, US) == Deadline(
        date(2026, 10, 2), "by Friday"
    )


HOSTILE = [
    "1",
    " ",
    "1 ",
    "Monday, ",
    "by ",
    "10:00-",
    "1:1:",
    "1.1.",
    "1/1/",
    "a",
    "we'll ",
    "please ",
    "within 5 ",
    "\n",
    ">",
    "On ",
    "end of the ",
    "out of office until ",
    "ab dem 13.10. ",
    "(GMT-07:00) ",
    "Pacific Time - ",
    "- ",
    "wieder ab ",
    "2 am ",
    "11h ",
    "From: x\n",
    "the 20th ",
    "a las ",
    "Eastern Time ",
    "Please send it. ",
    "Oct 1, ",
    "EST ",
    "12",
    ".",
    "!",
    "a.",
    "14:00 CET ",
    "until Monday ",
    "within 999 business days ",
    "feel free ",
]


@settings(max_examples=examples(8), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(HOSTILE), min_size=1, max_size=6).map("".join))
def test_finders_finish_on_100_kb_of_hostile_text(unit: str) -> None:
    """No timing assert: a catastrophic backtrack would not finish at all."""
    text = (unit * (100_000 // len(unit) + 1))[:100_000]
    find_timeline(text, SENT, NY, US)
    find_requests(text, SENT, NY, US)
    find_return_date(text, SENT, NY)
    find_meeting_times(text, SENT, NY)


# --- meeting lengths ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("Confirming our 30-minute phone screen tomorrow at 4:30pm ET.", 30),
        ("Same Meet link. Plan for 45 minutes.", 45),
        ("It's a 45 minute video interview with me and Sam.", 45),
        ("We have you down for an hour with the team.", 60),
        ("An hour-long conversation with the founders.", 60),
        ("The onsite runs 1.5 hours.", 90),
        ("Please join 10 minutes early. The call takes 30 mins.", 30),
        ("Arrive 15 minutes before; the panel is 90 minutes.", 90),
        ("It will last 45 minutes.", 45),
        ("The last 15 minutes are for your questions; the interview is an hour.", 60),
    ],
)
def test_find_meeting_length(text: str, minutes: int) -> None:
    assert find_meeting_length(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize(
    "text",
    [
        "Please submit feedback within 24 hours.",
        "Please reply within 2 hours so we can hold the slot.",
        "You have 72 hours to complete the test.",
        "Please log in 15 minutes early.",
        "It takes 5 minutes to fill in the form.",
        "> Plan for 45 minutes.",
        "We saw a spike in the last 30 minutes.",
    ],
)
def test_find_meeting_length_ignores(text: str) -> None:
    assert find_meeting_length(text) is None


# --- meeting times: formats from held-out set 2 (written generally, fictional text) ----------


def test_portuguese_dates_ranges_and_brasilia_time() -> None:
    text = (
        "Data\tsexta-feira, 9 de outubro de 2026\n\n"
        "Horário\t10h30 às 11h15 (horário de Brasília, GMT-3)\n"
    )
    got = find_meeting_times(text, SENT, NY)
    assert [(s, e) for s, e, _ in got] == [(utc(2026, 10, 9, 13, 30), utc(2026, 10, 9, 14, 15))]


def test_day_month_name_year_with_from_and_to_lines_and_a_declared_zone() -> None:
    text = (
        "Interview Details\n"
        "From       : 14-Oct-2026 10:00 AM\n"
        "To         : 14-Oct-2026 11:30 AM\n"
        "Time Zone  : (GMT -7:00) Pacific Time (America/Los_Angeles)\n"
    )
    got = find_meeting_times(text, SENT, NY)
    assert [(s, e) for s, e, _ in got] == [(utc(2026, 10, 14, 17), utc(2026, 10, 14, 18, 30))]


def test_a_from_line_and_a_to_line_on_other_days_stay_two_times() -> None:
    text = "From: Oct 14, 2026 10:00 AM\nTo: Oct 16, 2026 10:00 AM\n"
    got = find_meeting_times(text, SENT, NY)
    assert [e for _s, e, _ in got] == [None, None]


def test_itinerary_rows_under_a_day_are_one_meeting_first_start_to_last_end() -> None:
    text = (
        "Your visit on Thursday, October 8 (all times Central):\n\n"
        "10:00 – 10:45 AM   Hiring manager conversation   Ana Ruiz\n"
        "10:45 – 11:30 AM   Systems design                Li Wei\n"
        "11:30 AM – 12:15 PM   Lunch                      Sam Ortiz\n\n"
        "Please arrive around 9:45.\n"
    )
    got = find_meeting_times(text, SENT, NY)
    assert [(s, e) for s, e, _ in got] == [(utc(2026, 10, 8, 15), utc(2026, 10, 8, 17, 15))]


def test_a_bare_range_with_no_day_named_before_it_is_not_a_meeting() -> None:
    assert find_meeting_times("Our office is staffed 9:00 – 11:00 AM.", SENT, NY) == []


# --- held-out 3: relative days, itinerary openings, day-first dates, "your time" -----------


@pytest.mark.parametrize(
    ("text", "start"),
    [
        # the day the meeting is on, then the meeting, then its time
        ("We need to cancel tomorrow's interview with Sam Reyes at noon.", utc(2026, 9, 30, 16, 0)),
        ("Quick note on today's call at 3pm.", utc(2026, 9, 29, 19, 0)),
        ("Thursday's phone screen with the team at 11:30 AM PT", utc(2026, 10, 1, 18, 30)),
        # a weekday beside an ambiguous numeric date picks the reading it agrees with
        ("Date: Tuesday 06/10/2026\nTime: 9:30am your time", utc(2026, 10, 6, 13, 30)),
        ("Date: Wednesday 06/10/2026\nTime: 9:30am your time", utc(2026, 6, 10, 13, 30)),
    ],
)
def test_meeting_day_forms(text: str, start: datetime) -> None:
    assert [t[0] for t in find_meeting_times(text, SENT, NY)] == [start]


def test_a_number_between_day_and_time_breaks_the_link() -> None:
    assert find_meeting_times("Tomorrow's interview for req 4411 at noon", SENT, NY) == []


def test_itinerary_opening_row_with_only_a_start() -> None:
    text = (
        "Your visit is on Monday, October 12. All times are Eastern.\n\n"
        "  8:30 am      Breakfast with the search chair\n"
        " 10:00-10:45   Meeting with the dean\n"
        " 11:00-12:00   Faculty meetings\n"
    )
    assert [(s, e) for s, e, _ in find_meeting_times(text, SENT, NY)] == [
        (utc(2026, 10, 12, 12, 30), utc(2026, 10, 12, 16, 0))
    ]


def test_a_lone_row_with_only_a_start_is_no_meeting() -> None:
    text = "Your visit is on Monday, October 12.\n\n  8:30 am      Breakfast with the chair\n"
    assert find_meeting_times(text, SENT, NY) == []


def test_italian_length_and_date() -> None:
    assert find_meeting_length("Ora: 09:00, durata prevista 60 minuti") == timedelta(hours=1)
    found = find_meeting_times("Data: martedì 3 novembre 2026\nOra: 09:00 (GMT+1)", SENT, NY)
    assert [t[0] for t in found] == [utc(2026, 11, 3, 8, 0)]
