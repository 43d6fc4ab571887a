"""Company events: whether a message invites to an event (a webinar, an open house, a meetup, a
networking evening, an info session), its title and, when the text gives one, its start.

Pure. Whether the sender is a company the user is interviewing with is the caller's question
(it knows the interviews); this module reads only the message. Such invitations are shown
under their application and never count as the company's reply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from agent.model import MailMessage, is_no_reply
from agent.understanding import phrases

_EVENT = re.compile(
    r"\b(?:webinars?|web\s+seminars?|open\s+(?:house|day|evening)s?|meet-?ups?|"
    r"networking\s+(?:evening|event|night|reception|mixer|drinks|breakfast)s?|"
    r"info(?:rmation(?:al)?)?\s+sessions?|careers?\s+(?:fair|event|evening)s?|tech\s+talks?|"
    r"hackathons?|livestreams?|live\s+stream|fireside\s+chats?|ask\s+me\s+anything)\b",
    re.I,
)
_INVITE = re.compile(
    r"\b(?:join\s+us|you(?:'re|\s+are)\s+invited|we(?:'d|\s+would)\s+love\s+(?:for\s+you\s+|you\s+)?"
    r"to\s+(?:join|attend|see\s+you)|invit(?:e|es|ing|ation)|register|registration|rsvp|"
    r"save\s+(?:your|a)\s+(?:spot|seat|place)|save\s+the\s+date|sign\s+up|reserve\s+your)\b",
    re.I,
)
_TEXT_READ = 6000


@dataclass(frozen=True)
class EventInvitation:
    title: str
    start: datetime | None  # aware UTC, or None when the text gives no time


def invitation(
    message: MailMessage, tz: ZoneInfo, *, personal: bool = False
) -> EventInvitation | None:
    """The event this message invites the user to, or None. An event word in the subject is
    enough; in the text only, it needs an invitation word too ("join us", "register").
    `personal`: the message was read as a company person's reply; it stays one (it resets the
    check-in clock) unless its subject names the event or it is mass mail."""
    if message.is_sent:
        return None
    text = message.text[:_TEXT_READ]
    in_subject = bool(_EVENT.search(message.subject))
    if not in_subject and not (_EVENT.search(text) and _INVITE.search(text)):
        return None
    if personal and not in_subject and not _mass_mail(message):
        return None
    title = " ".join(message.subject.split()) or "(untitled event)"
    return EventInvitation(title=title, start=_start(message, tz))


def _mass_mail(message: MailMessage) -> bool:
    return (
        bool(message.list_id or message.list_unsubscribe)
        or message.precedence in ("bulk", "list", "junk")
        or is_no_reply(message.from_.email)
    )


def _start(message: MailMessage, tz: ZoneInfo) -> datetime | None:
    if message.date is None:
        return None
    text = f"{message.subject}\n{message.text[:_TEXT_READ]}"
    times = phrases.find_meeting_times(text, message.date, tz)
    ahead = [t[0] for t in times if t[0] >= message.date - timedelta(hours=1)]
    return ahead[0] if ahead else None
