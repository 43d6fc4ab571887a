"""Who an interview is with: interviewers, the recruiter or coordinator, and the organizer.

Pure functions over a `MailMessage` and its calendar events (iTIP, RFC 5546: ORGANIZER and
ATTENDEE with CUTYPE and ROLE). People come from three places, merged into one list: the
invite's organizer and attendees, names written in the text ("Interviewers: A, B", itinerary
lines, "with Oliver Grant (Head of Design)"), and the sender, Reply-To or signature. The user,
rooms and resources, group calendars and no-reply senders are never people. Titles decide roles:
a recruiter, talent partner or coordinator is the recruiter; everyone else the candidate meets is
an interviewer; an untitled organizer who does not take part only organizes. A recruiter who runs
a screen alone is listed twice, as recruiter and as interviewer.

The tests of whether text is a name live in `agent.names`, the names the text writes in
`agent.mentions`; the names other modules use are re-exported here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from agent.model import Address, Attendee, CalEvent, MailMessage, Person, PersonRole, is_no_reply
from agent.understanding import platforms, signals
from agent.understanding.mentions import (
    EMAIL,
    body_text,
    mentions,
    quoted_text,
    recruiter_context,
    title_from_text,
)
from agent.understanding.names import TITLE_COMPOUND, fold, is_title, leading_name, normalize_name

__all__ = [
    "RECRUITER_TITLE",
    "TITLE_COMPOUND",
    "Scene",
    "body_text",
    "find_people",
    "fold",
    "is_title",
    "leading_name",
    "mentions",
    "names_of",
    "normalize_name",
    "quoted_text",
]

RECRUITER_TITLE = re.compile(
    rf"{signals.RECRUITER_TITLES.pattern}|reclut|recrut|personalreferent|people\s+operations|"
    r"scheduling|scheduler|assistant|"
    # human resources' short forms: "Chargée RH", "Técnica de RRHH"
    r"\b(?:RH|RRHH|HR)\b",
    re.I,
)


_MAX_PEOPLE = 60  # nobody meets more; a longer list is not an interview panel
_SCREEN = re.compile(
    r"phone\s+(?:screen|interview|call)|recruiter\s+(?:call|screen|chat|conversation)|"
    r"screening\s+call|will\s+call\s+you|"
    r"intro(?:ductory)?\s+(?:call|chat)|initial\s+(?:call|chat|conversation)|"
    r"(?:our|a)\s+(?:\d+[-\s]minute\s+)?(?:quick\s+)?(?:call|chat)\b|first\s+call",
    re.I,
)
# A stage a recruiter runs by name ("Initial Recruiter Screen"): its one interviewer recruits.
_RECRUITER_RUN = re.compile(
    r"\b(?:recruiter|recruiting|talent(?:\s+acquisition)?)\s+(?:phone\s+)?(?:screen(?:ing)?|call|"
    r"chat|conversation|interview)\b|\b(?:screen|call|chat)\s+with\s+(?:a|the|our)\s+recruiter\b",
    re.I,
)
_TAKES_PART = re.compile(
    r"\bwith\s+me\b|\bjoin\s+(?:me|us)\b|\bme\s+and\b|\bour\s+(?:conversation|chat|call|"
    r"discussion|interview)\b|look(?:ing)?\s+forward\s+to\s+(?:talking|speaking|chatting|"
    r"meeting\s+you|our)|\bI(?:'ll|\s+will)\s+(?:call|interview)\b",
    re.I,
)
# The writer puts themselves in the room, in any language we read: data/takes_part.tsv.
_SELF_INCLUDED = re.compile(
    r"\b(?:" + "|".join(f"(?:{p})" for p in signals.lines_of("takes_part")) + ")", re.I
)


@dataclass
class _Draft:
    name: str
    email: str = ""
    title: str = ""
    recruiter_hint: bool = False
    sources: set[str] = field(default_factory=set)  # host, attendee, text, sender, signature
    participant: bool = True
    on_row: bool = False  # named in a schedule's row: takes part, whatever their title


@dataclass(frozen=True)
class Scene:
    """What the people finder needs to know besides the message."""

    me: frozenset[str]
    my_names: frozenset[str] = frozenset()  # lower-cased
    company: str = ""
    company_labels: frozenset[str] = frozenset()  # folded domain labels of the employer
    agencies: frozenset[str] = frozenset()  # domains of staffing agencies: their people recruit


def _usable(email: str, me: frozenset[str]) -> bool:
    return (
        bool(email)
        and email not in me
        and not is_no_reply(email)
        and not (signals.ROOM_NAMES.search(email))
        and not signals.domain_matches(
            email.rpartition("@")[2],
            ("group.calendar.google.com", "resource.calendar.google.com", "calendar.google.com"),
        )
    )


def _is_room(attendee: Attendee) -> bool:
    return attendee.cutype.upper() in ("ROOM", "RESOURCE") or bool(
        signals.ROOM_NAMES.search(f"{attendee.name} {attendee.email}")
    )


def _matches(draft: _Draft, name: str, email: str) -> bool:
    if email and draft.email:
        return email == draft.email
    if not name and not email:
        return False
    if name and draft.name and fold(draft.name) == fold(name):
        return True
    if email and not draft.email and not name:
        address, other = email, draft.name
    elif draft.email and not draft.name:
        address, other = draft.email, name
    else:
        return False
    if not other:
        return False
    local = [fold(p) for p in re.split(r"[._-]", address.partition("@")[0]) if p]
    words = [fold(w) for w in other.split()]
    if len(local) >= 2:
        return local[0] == words[0] and local[-1] == words[-1]
    return bool(local) and local[0] in (words[0], words[0][:1] + words[-1], words[0] + words[-1])


class _Roster:
    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self.drafts: list[_Draft] = []

    def excluded(self, name: str, email: str) -> bool:
        if email and email in self.scene.me:
            return True
        folded = fold(name)
        if not folded:
            return not email
        if name.lower() in self.scene.my_names or folded in {fold(n) for n in self.scene.my_names}:
            return True
        if self.scene.company and folded == fold(self.scene.company):
            return True
        if any(
            folded.startswith(label) or label.startswith(folded)
            for label in self.scene.company_labels
            if len(label) >= 4
        ):
            return True
        return bool(signals.ROOM_NAMES.search(name))

    def add(
        self, name: str, email: str, title: str = "", source: str = "text", participant: bool = True
    ) -> _Draft | None:
        name = normalize_name(name)
        email = email.lower()
        if self.excluded(name, email) or len(self.drafts) >= _MAX_PEOPLE:
            return None
        words = fold(name) and [fold(w) for w in name.split()]
        for draft in self.drafts:
            if _matches(draft, name, email) or (
                words
                and draft.name
                and not email
                and len(words) > len(draft.name.split()) >= 2
                and words[-len(draft.name.split()) :] == [fold(w) for w in draft.name.split()]
            ):  # "Estará Javier Solís" is the attendee Javier Solís, a word glued before
                draft.email = draft.email or email
                draft.name = draft.name or name
                draft.title = draft.title or title
                draft.sources.add(source)
                draft.participant = draft.participant and participant
                return draft
        draft = _Draft(name, email, title, sources={source}, participant=participant)
        self.drafts.append(draft)
        return draft


def find_people(message: MailMessage, events: list[CalEvent], scene: Scene) -> list[Person]:
    """Everyone on the company's side of one interview, each with a role."""
    text = body_text(message, events)
    mine = [
        message.from_ if message.is_sent else None,
        *message.to,
        *message.cc,
        *(a for e in events for a in e.attendees),
    ]
    own = {normalize_name(a.name).lower() for a in mine if a and a.email in scene.me and a.name}
    scene = replace(scene, my_names=scene.my_names | (own - {""}))
    roster = _Roster(scene)
    trusted = _trusted_domains(message, events, scene)
    host: _Draft | None = None
    for event in events:
        organizer = event.organizer
        if organizer and _usable(organizer.email, scene.me) and not _is_room(organizer):
            host = roster.add(organizer.name, organizer.email, source="host") or host
        for attendee in event.attendees:
            if _is_room(attendee) or not _usable(attendee.email, scene.me):
                continue
            roster.add(
                attendee.name,
                attendee.email,
                source="attendee",
                participant=attendee.role.upper() != "NON-PARTICIPANT",
            )
    ats = any(
        platforms.sends_on_behalf(a.domain)
        for a in (message.from_, *([message.sender] if message.sender else []))
    )
    sender = _sender(message, scene.me)
    replier: _Draft | None = None
    if sender is not None:
        source = "replyto" if ats or sender.email != message.from_.email else "sender"
        replier = roster.add(sender.name, sender.email, source=source)
        if host is None and not events:
            host = replier
    for name, email, title, how in mentions(text):
        if email and email.rpartition("@")[2] not in trusted:
            email = ""
        added = roster.add(name, email, title, source="signature" if how == "signature" else "text")
        if added is not None and how in ("row", "list"):
            added.on_row = True
    new_words = {fold(w) for w in re.findall(r"[^\W\d_]+", text)}
    earlier = quoted_text(message)
    for name, email, title, how in mentions(earlier) if earlier else []:
        if how != "signature" and fold(name.split()[0]) in new_words:  # still in the story
            if email and email.rpartition("@")[2] not in trusted:
                email = ""
            roster.add(name, email, title, source="text")
    for match in re.finditer(EMAIL, f"{text}\n{earlier}"):
        email = match.group().lower()
        if email.rpartition("@")[2] in trusted and not any(d.email == email for d in roster.drafts):
            for draft in roster.drafts:
                if not draft.email and _matches(draft, "", email):
                    draft.email = email
                    break
            else:
                name = _name_before_address(f"{text}\n{earlier}", match.start(), email)
                if name:  # "contact Colleen Murphy at colleen.murphy@...": a contact, not a panel
                    roster.add(name, email, source="text", participant=False)
    _addresses_for_names(roster, message, trusted)
    firsts = [fold(d.name.split()[0]) for d in roster.drafts if d.name]
    for draft in roster.drafts:
        if not draft.title:
            first = draft.name.split()[0] if draft.name else ""
            unique = bool(first) and firsts.count(fold(first)) == 1
            draft.title = title_from_text(draft.name, text) or (
                title_from_text(first, text) if unique else ""
            )
        draft.recruiter_hint = not draft.on_row and (
            bool(
                RECRUITER_TITLE.search(draft.title)
                or (draft.name and recruiter_context(draft.name, text))
                or RECRUITER_TITLE.search(draft.email.partition("@")[0])
            )
            or (draft is replier and ats)
            or draft.email.rpartition("@")[2] in scene.agencies
        )
    return _assign_roles(roster.drafts, host, replier, text, message, events)


def _addresses_for_names(roster: _Roster, message: MailMessage, trusted: frozenset[str]) -> None:
    """A person the text names who is also a recipient ("with Rohan Mehta", Cc: Rohan Mehta
    <rohan.mehta@...>) gets that address; a recipient the text does not name is not added."""
    for address in (*message.to, *message.cc):
        email = address.email.lower()
        if (
            not _usable(email, roster.scene.me)
            or email.rpartition("@")[2] not in trusted
            or any(d.email == email for d in roster.drafts)
        ):
            continue
        name = normalize_name(address.name)
        named = [
            d
            for d in roster.drafts
            if not d.email
            and d.name
            and (_matches(d, name, email) if name else _matches(d, "", email))
        ]
        if len(named) == 1:
            named[0].email = email


def _name_before_address(text: str, at: int, email: str) -> str:
    """The person an address belongs to when the same sentence names them just before it
    ("your recruiter, Colleen Murphy, at colleen.murphy@..."): the nearest name whose words
    the address's local part spells."""
    start = max(text.rfind("\n", 0, at) + 1, at - 120)
    span = text[start:at]
    probe = _Draft("", email)
    for found in reversed(list(re.finditer(r"(?<![\w'’-])[^\W\d_]", span))):
        name = leading_name(span[found.start() :])
        if name and _matches(probe, name.rstrip("."), ""):
            return name.rstrip(".")
    return ""


def _assign_roles(
    drafts: list[_Draft],
    host: _Draft | None,
    replier: _Draft | None,
    text: str,
    message: MailMessage,
    events: list[CalEvent],
) -> list[Person]:
    people: list[Person] = []
    for draft in drafts:
        if draft.recruiter_hint:
            role = PersonRole.RECRUITER
        elif draft is host:
            role = (
                PersonRole.INTERVIEWER
                if draft.title or _TAKES_PART.search(text)
                else (PersonRole.ORGANIZER)
            )
        elif draft is replier and "text" not in draft.sources and "attendee" not in draft.sources:
            role = PersonRole.RECRUITER
        elif not draft.participant or (not draft.name and "attendee" not in draft.sources):
            continue
        else:
            role = PersonRole.INTERVIEWER
        people.append(Person(draft.name, draft.email, role, draft.title))
    interviewers = [p for p in people if p.role == PersonRole.INTERVIEWER]
    if not interviewers:
        people = [
            replace(p, role=PersonRole.INTERVIEWER) if p.role == PersonRole.ORGANIZER else p
            for p in people
        ]
        interviewers = [p for p in people if p.role == PersonRole.INTERVIEWER]
    recruiters = [p for p in people if p.role == PersonRole.RECRUITER]
    if not recruiters and interviewers:
        people = [
            replace(p, role=PersonRole.RECRUITER) if p.role == PersonRole.ORGANIZER else p
            for p in people
        ]  # an organizer who only organizes coordinates
        recruiters = [p for p in people if p.role == PersonRole.RECRUITER]
    if (
        not recruiters and not events and host is not None and host is replier and not (host.title)
    ):  # a plain-text thread: the untitled writer arranging the time is the contact
        contact = next((p for p in people if p.email and p.email == host.email), None)
        if contact is not None:
            people.append(replace(contact, role=PersonRole.RECRUITER))
            recruiters = [people[-1]]
    if not recruiters and replier is not None and replier.on_row:
        # the recruiter who wrote the schedule also runs one of its blocks: both
        writer = next((p for p in people if p.email and p.email == replier.email), None)
        if writer is not None:
            people.append(replace(writer, role=PersonRole.RECRUITER))
            recruiters = [people[-1]]
    if replier is not None and _SELF_INCLUDED.search(text):
        # "Je spreekt met Lies en mezelf", "vous serez reçu par M. Bourguignon et moi-même"
        writer = next((p for p in people if p.email and p.email == replier.email), None)
        if (
            writer is not None
            and writer.role != PersonRole.INTERVIEWER
            and not any(
                p.email == writer.email and p.role == PersonRole.INTERVIEWER for p in people
            )
        ):
            people.append(replace(writer, role=PersonRole.INTERVIEWER))
            interviewers = [p for p in people if p.role == PersonRole.INTERVIEWER]
    heads = " ".join([message.subject, *(e.summary for e in events), text[:1500]])
    if not interviewers and len(recruiters) == 1 and _SCREEN.search(heads):
        people.append(replace(recruiters[0], role=PersonRole.INTERVIEWER))
    titles = " ".join([message.subject, *(e.summary for e in events)])
    if not recruiters and len(interviewers) == 1 and _RECRUITER_RUN.search(titles):
        people.append(replace(interviewers[0], role=PersonRole.RECRUITER))
    return people


def _sender(message: MailMessage, me: frozenset[str]) -> Address | None:
    """The person behind the mail: the sender, else (no-reply, ATS) the Reply-To person."""
    for address in (message.from_, *message.reply_to):
        if _usable(address.email, me) and not platforms.sends_on_behalf(address.domain):
            return address
    for address in message.reply_to:
        if _usable(address.email, me):
            return address
    return None


def _trusted_domains(message: MailMessage, events: list[CalEvent], scene: Scene) -> frozenset[str]:
    """Domains whose addresses may be taken from the text: the sender's, the organizer's,
    the Reply-To's, and any domain the employer's name matches."""
    addresses: list[str] = [message.from_.email, *(a.email for a in message.reply_to)]
    for event in events:
        if event.organizer:
            addresses.append(event.organizer.email)
        addresses.extend(a.email for a in event.attendees)
    domains = {a.rpartition("@")[2] for a in addresses if "@" in a and a not in scene.me}
    domains = {d for d in domains if not platforms.is_generic(d)}
    for email in re.findall(EMAIL, message.text):
        domain = email.rpartition("@")[2].lower()
        label = fold(domain.split(".")[0])
        if len(label) >= 4 and label in scene.company_labels | {fold(scene.company)}:
            domains.add(domain)
    return frozenset(domains)


def names_of(addresses: Iterable[Address]) -> set[str]:
    return {normalize_name(a.name).lower() for a in addresses if a.name}
