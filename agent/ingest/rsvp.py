"""The user's answer to a company event: their iCalendar REPLY in Sent (iTIP, RFC 5546 section
3.2.3) saying PARTSTAT=ACCEPTED, or the event on their own calendar, marks the event's record
`accepted`; a later REPLY declining it takes that back. A check-in to the company may then
mention the event in one line (`agent.compose.events`); an event never accepted is never named.

An answer names its event by the invitation's UID when both carry one, else by the same start
and a word of the title in common ("Data at scale" on the calendar, "You're invited: Data at
scale, a live webinar" in the mail).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta
from zoneinfo import ZoneInfo

from agent.calendars import ical
from agent.model import CalEvent, MailMessage, MessageRecord

# Words of an event's title that say nothing about which event it is.
_COMMON = frozenset(
    {"accepted", "declined", "tentative", "invitation", "invited", "invite", "join", "with"}
    | {"your", "youre", "from", "live", "event", "events", "updated", "save", "date"}
)


def calendar_events(message: MailMessage, tz: ZoneInfo) -> list[CalEvent]:
    """The VEVENTs of a message's calendar parts (an unreadable part is no answer)."""
    found: list[CalEvent] = []
    for text in message.calendars:
        try:
            found.extend(ical.parse_calendar(text, user_tz=tz))
        except ical.ICalError:
            continue
    return found


def answers(message: MailMessage, me: frozenset[str], tz: ZoneInfo) -> list[tuple[CalEvent, bool]]:
    """The events a message of the user's answers (iTIP REPLY), each with whether the user
    accepted it: the PARTSTAT of the user's own ATTENDEE line."""
    found = []
    for event in calendar_events(message, tz):
        if event.method != "REPLY":
            continue
        own = [a for a in event.attendees if a.email.lower() in me]
        if own:
            found.append((event, own[0].partstat.upper() == "ACCEPTED"))
    return found


def going(event: CalEvent, me: frozenset[str]) -> bool:
    """Whether an event on the user's calendar says they go: not cancelled, and accepted by the
    user's own ATTENDEE line when it has one (a server such as Google's puts every invitation
    on the calendar, unanswered: NEEDS-ACTION is no yes). An event the user put there
    themselves has no such line."""
    if event.status == "CANCELLED" or event.method == "CANCEL":
        return False
    own = [a.partstat.upper() for a in event.attendees if a.email.lower() in me]
    return not own or own[0] == "ACCEPTED"


def _words(title: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]{4,}", title.lower()) if w not in _COMMON}


def same_event(event: CalEvent, record: MessageRecord) -> bool:
    """Whether a calendar event (or an answer's copy of one) is the event `record` invites to."""
    if event.uid and record.event_uid:
        return event.uid == record.event_uid
    if record.start is None or abs(event.start - record.start) > timedelta(minutes=1):
        return False
    return bool(_words(event.summary) & _words(record.subject))


def matching(event: CalEvent, records: Iterable[MessageRecord]) -> list[MessageRecord]:
    return [r for r in records if same_event(event, r)]
