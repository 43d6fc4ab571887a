"""The values that flow through the pipeline: mail, calendar events, interviews, follow-ups.

Every type here is a frozen dataclass with no I/O. Sources produce `MailMessage` and `CalEvent`;
understanding turns them into `Finding`s; the state store keeps `Interview`s and `FollowUp`s;
planning returns `Action`s. Times are aware `datetime`s in UTC unless a field says otherwise.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

# The header that carried a draft's follow-up key in clear, up to version 0.1. Drafts are no
# longer written with it (a client such as mutt sends it on to the company); stores still read
# it, so that drafts placed by an older version are recognised. See `draft_tag`.
KEY_HEADER = "X-Interview-Agent-Key"

# A draft's Message-ID is `<TAG.NONCE@the user's domain>`: TAG (24 characters of base32) is
# `draft_tag(key)`, NONCE 12 hex digits of randomness. Nothing in it names the program or spells
# the key, and it looks like the ids many clients write.
_DRAFT_ID = re.compile(r"<([a-z2-7]{24})\.[0-9a-f]{12}@[^<>\s]+>")


def draft_tag(key: str) -> str:
    """The opaque value that stands for a follow-up key in its draft's Message-ID: a hash, so
    a recipient who reads the headers learns nothing, while the agent, which knows its keys,
    finds its drafts by searching Drafts for the tag (IMAP `SEARCH HEADER Message-ID tag`)."""
    digest = hashlib.sha256(b"draft\x00" + key.encode("utf-8")).digest()
    return base64.b32encode(digest[:15]).decode("ascii").lower()


def draft_tag_of(message_id: str) -> str:
    """The tag in a Message-ID the agent wrote, or "" for any other Message-ID."""
    match = _DRAFT_ID.fullmatch(message_id.strip())
    return match[1] if match else ""


def is_draft_of(found: str, key: str) -> bool:
    """Whether `found` (what a store read from a draft: a tag, or a key written in clear by an
    older version) stands for the follow-up `key`."""
    return bool(found) and (found == key or found == draft_tag(key))


# The languages drafts can be written in (ISO 639-1): `[me] languages` lists those the user
# writes; a draft is in its company's language when it is one of them, else in English.
LANGUAGES = ("en", "fr", "de", "es", "it", "pt")

# Addresses nobody reads: a draft is never addressed to one, and they are never a person.
NO_REPLY = re.compile(
    r"^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|notifications?|notify|"
    r"mailer[-_.]daemon|postmaster|bounces?|automated|auto[-_.]?confirm|calendar[-_.]"
    r"notification|system|alerts?|"
    # the same, in other languages: "nao-responda", "no-responder", "ne-pas-repondre",
    # "keine-antwort", "non-rispondere", "notificaciones", "powiadomienia", "benachrichtigung"
    r"n[aã]o[-_.]?responda|no[-_.]?responder|ne[-_.]?pas[-_.]?r[eé]pondre|keine[-_.]?antwort|"
    r"nicht[-_.]?antworten|non[-_.]?rispondere|niet[-_.]?beantwoorden|nie[-_.]?odpowiadaj|"
    r"notifica(?:ciones|coes|ções|cao|ção|zioni|tions?)|powiadomieni[ae]|benachrichtigung(?:en)?|"
    r"meddelanden|varsling|ilmoitukset|upozorneni|ertesites|bildirim)"
    r"(?:[-_.+][^@]*)?@|^[^@]*\+(?:autoreply|email)[^@]*@|"
    r"@(?:[^@]*\.)?(?:greenhouse-mail\.io|bounce\.|email\.apple\.com)",
    re.I,
)


def is_no_reply(address: str) -> bool:
    return bool(address) and bool(NO_REPLY.search(address))


@dataclass(frozen=True)
class Address:
    """One mailbox: display name (may be empty) and lower-cased address (may be empty)."""

    name: str
    email: str

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2] if "@" in self.email else ""


class PersonRole(enum.StrEnum):
    INTERVIEWER = "interviewer"
    RECRUITER = "recruiter"
    ORGANIZER = "organizer"


@dataclass(frozen=True)
class Person:
    """Someone on the company's side. `email` is empty when only a name is known."""

    name: str
    email: str
    role: PersonRole
    title: str = ""

    @property
    def first_name(self) -> str:
        name = self.name.strip()
        if not name or "@" in name:
            return ""
        if "," in name:  # "Grant, Oliver"
            after = name.split(",", 1)[1].strip()
            if after:
                return after.split()[0]
        return name.split()[0]


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str
    cutype: str = "INDIVIDUAL"  # RFC 5545 CUTYPE: INDIVIDUAL, GROUP, RESOURCE, ROOM, UNKNOWN
    role: str = "REQ-PARTICIPANT"
    partstat: str = "NEEDS-ACTION"


@dataclass(frozen=True)
class CalEvent:
    """One VEVENT (or one expanded occurrence), normalised.

    `start`/`end` are aware UTC instants. Floating and all-day times are resolved in the
    user's time zone by the parser, which is given it. `end` is None when the event has
    neither DTEND nor DURATION.
    """

    uid: str
    method: str  # VCALENDAR METHOD upper-cased: REQUEST, CANCEL, PUBLISH, REPLY, ... or ""
    sequence: int
    dtstamp: datetime | None
    start: datetime
    end: datetime | None
    all_day: bool
    summary: str
    description: str
    location: str
    status: str  # CONFIRMED, TENTATIVE, CANCELLED or ""
    organizer: Attendee | None
    attendees: tuple[Attendee, ...]
    conference_url: str = ""
    recurrence_id: datetime | None = None


@dataclass(frozen=True)
class MailMessage:
    """What the agent knows of one message after fetching only what it needs.

    `text` is the decoded text/plain part (or text/html reduced to text when there is no
    plain part), capped in size. `calendars` holds the decoded text of every text/calendar
    part and .ics attachment. Attachments other than calendars are never downloaded:
    `attachment_names` lists their file names from the MIME structure only.
    """

    folder: str
    uid: int
    message_id: str
    date: datetime | None
    subject: str
    from_: Address
    sender: Address | None
    reply_to: tuple[Address, ...]
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    in_reply_to: str
    references: tuple[str, ...]
    list_id: str = ""
    list_unsubscribe: str = ""
    auto_submitted: str = ""  # RFC 3834 value, or "auto-replied" inferred from X-Autoreply etc.
    precedence: str = ""
    text: str = ""
    calendars: tuple[str, ...] = ()
    attachment_names: tuple[str, ...] = ()
    has_tnef: bool = False
    is_sent: bool = False  # read from the user's Sent folder
    agent_key: str = ""  # our X-Interview-Agent-Key header, on drafts the agent placed
    problems: tuple[str, ...] = ()  # damage found while reading it (logged once by the sync)
    # the Date header's own offset from UTC (`date` is in UTC): the sending clock's, a hint to
    # the sender's zone; None when the header writes none ("-0000") or is unreadable
    date_offset: timedelta | None = None

    @property
    def recipients(self) -> tuple[Address, ...]:
        return self.to + self.cc


class FindingKind(enum.StrEnum):
    INTERVIEW = "interview"  # a new or updated interview
    CANCEL = "cancel"  # cancels an interview (by UID, or the company's next one)
    REJECTION = "rejection"
    OFFER = "offer"
    OUT_OF_OFFICE = "out_of_office"
    REPLY = "reply"  # a company person wrote (resets the check-in clock)
    # Looks like the user's interview but is not read with confidence: no drafts; listed in
    # `status` for the user to confirm or ignore, with `Finding.reason` saying why.
    POSSIBLE = "possible"
    # An invitation to a company's event (webinar, open house, meetup): shown under the
    # application, never counted as a reply (a marketing mail must not reset a check-in clock).
    EVENT = "event"
    NONE = "none"


@dataclass(frozen=True)
class Deadline:
    """A date someone stated, with the words they used (for `reason`)."""

    day: date  # in the user's time zone
    phrase: str


@dataclass(frozen=True)
class Request:
    """Something the company asked the candidate to do by a date."""

    what: str
    due: Deadline
    # False for a request that gives no date ("when you get a chance"): `due` is then the
    # day it was asked (phrase ""), and planning gives it a default deadline after that day
    dated: bool = True


@dataclass(frozen=True)
class InterviewFacts:
    """An interview as one source describes it."""

    uid: str  # calendar UID, or a synthetic one for plain-text confirmations
    sequence: int
    stamp: datetime | None  # DTSTAMP or the message date: the tie-breaker between copies
    start: datetime
    end: datetime | None
    company: str
    role: str
    people: tuple[Person, ...]
    location: str = ""
    cancelled: bool = False
    company_domains: tuple[str, ...] = ()
    # What the interview stands on, in short phrases ("calendar invite to the user",
    # "confirmation from a scheduling platform"): a wrong finding is explained from the output.
    evidence: tuple[str, ...] = ()
    # The company's own words about it, as read (untrusted; composing cleans them): the
    # invite's SUMMARY (or the mail's subject) and DESCRIPTION (or the mail's new text), capped.
    # Composing reads the round and its topic from them.
    summary: str = ""
    description: str = ""
    # The language the company wrote in (ISO 639-1: "en", "fr", "de", "es", "it", "pt"; ""
    # when unknown), detected from its text by `agent.understanding.language`.
    language: str = ""


@dataclass(frozen=True)
class Finding:
    """What one message (or calendar event) means to the agent."""

    kind: FindingKind
    interview: InterviewFacts | None = None
    company: str = ""
    company_domain: str = ""
    timeline: Deadline | None = None
    requests: tuple[Request, ...] = ()
    back_on: date | None = None  # out-of-office return date
    reason: str = ""
    start: datetime | None = None  # a company event's start, when its text gives one


class InterviewStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    DONE = "done"
    CANCELLED = "cancelled"


class FollowUpKind(enum.StrEnum):
    THANK_YOU = "thank_you"
    ACTION_ITEM = "action_item"
    CHECK_IN = "check_in"


class FollowUpState(enum.StrEnum):
    PLANNED = "planned"
    DRAFTED = "drafted"
    SENT = "sent"
    DISMISSED = "dismissed"
    CANCELLED = "cancelled"
    MISSED = "missed"
    RETIRED = "retired"
    STALE = "stale"


@dataclass(frozen=True)
class Note:
    text: str
    promise_due: date | None = None  # set for `note --promise ... --due`
    added: datetime | None = None
    for_email: str = ""  # `note --for ADDRESS`: for that person's draft only; "": everyone's


@dataclass(frozen=True)
class Interview:
    """An interview as the agent holds it: the winning facts plus what it learned."""

    id: str
    facts: InterviewFacts
    first_seen: datetime
    source: str  # "mail", "calendar" or "text"
    source_message_id: str = ""
    notes: tuple[Note, ...] = field(default=())

    @property
    def start(self) -> datetime:
        return self.facts.start


@dataclass(frozen=True)
class MessageRecord:
    """The compact memory of one message that matters to planning (kept in the state store)."""

    message_id: str
    date: datetime
    from_: Address
    to: tuple[Address, ...]
    subject: str
    in_reply_to: str
    references: tuple[str, ...]
    is_sent: bool
    kind: FindingKind
    has_attachment: bool = False
    auto_reply: bool = False
    timeline: Deadline | None = None
    requests: tuple[Request, ...] = ()
    back_on: dt.date | None = None
    agent_key: str = ""
    company_domain: str = ""
    reason: str = ""  # why a possible interview was not read with confidence
    start: datetime | None = None  # a company event's start, when its text gives one
    # A company event's calendar UID, when its invitation carries one (iTIP REQUEST)
    event_uid: str = ""
    # A company event the user accepted: their iTIP REPLY in Sent said PARTSTAT=ACCEPTED, or
    # the event is on their calendar. A check-in to the company may mention it.
    accepted: bool = False

    @property
    def thread_ids(self) -> tuple[str, ...]:
        own = (self.message_id,) if self.message_id else ()
        return (*self.references, *((self.in_reply_to,) if self.in_reply_to else ()), *own)


@dataclass(frozen=True)
class FollowUpRecord:
    """What the state store remembers of one follow-up key."""

    key: str
    interview_id: str
    kind: FollowUpKind
    state: FollowUpState
    recipients: tuple[Address, ...] = ()
    draft_at: datetime | None = None
    due: datetime | None = None
    reason: str = ""
    draft_message_id: str = ""
    draft_ref: str = ""
    draft_sha256: str = ""
    placed_at: datetime | None = None
    sent_at: datetime | None = None
    pending: bool = False  # intent written, APPEND not yet confirmed
