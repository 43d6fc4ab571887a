"""Who and what an interview is about: company, role, interviewers and recruiter.

Pure functions over a `MailMessage` and its calendar events. Company names come from text,
display names and subjects, never from an applicant-tracking vendor's domain. An address is
only taken from a message body when its domain is the sender's or the organizer's (an unknown
sender cannot make the agent write to a stranger).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from agent import signals
from agent.model import Address, Attendee, CalEvent, MailMessage, Person, PersonRole

_NAME = (
    r"[A-ZÀ-ÖØ-Þ][\w'’.-]+"
    r"(?:\s+(?:van|von|de|da|del|der|di|le|la)?\s*[A-ZÀ-ÖØ-Þ][\w'’.-]+){1,3}"
)
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_WITH_PERSON = re.compile(
    rf"(?:with|mit|avec|con)\s+(?:our\s+|your\s+|the\s+)?(?:(?P<title>[\w\s,&-]{{2,40}}?),\s+)?"
    rf"(?P<name>{_NAME})(?:\s*[(<\[]\s*(?P<email>{_EMAIL})\s*[)>\]])?(?:\s*[(,]\s*(?P<title2>[A-Z][\w\s&-]{{2,40}}?)\))?"
)
_PERSON_PAREN = re.compile(rf"(?P<name>{_NAME})\s*\((?P<title>[A-Z][\w\s,&/-]{{2,50}}?)\)")
_SCHEDULE_LINE = re.compile(
    rf"^\s*[-•*]?\s*\d{{1,2}}[:.]\d{{2}}.*?(?:with\s+|[(–—-]\s*)(?P<name>{_NAME})\s*\)?\s*$",
    re.M,
)
_INTERVIEWERS_LIST = re.compile(
    r"(?:interviewers?|interview\s+panel|you(?:'ll|\s+will)\s+(?:be\s+)?meet(?:ing)?(?:\s+with)?|"
    r"panel)\s*:?\s*(?P<names>[^\n]{3,200})",
    re.I,
)
_SIGNATURE_NAME = re.compile(rf"^\s*(?:--\s*\n)?(?P<name>{_NAME})\s*$", re.M)

_COMPANY_PATTERNS = (
    re.compile(r"(?:interview|call|chat|conversation|screen|onsite|meeting)\s+(?:with|at|for)\s+"
               r"(?P<c>[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,3})", re.I),
    re.compile(r"(?:with|at|to|from|bei|chez)\s+(?P<c>[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,3})"
               r"\s*(?:[!.,:|/–—-]|$)"),
    re.compile(r"^(?P<c>[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,2})\s+(?:interview|virtual"
               r"\s+interview|in-person\s+interview|phone\s+screen|onsite)", re.I),
)
_COMPANY_DISPLAY = re.compile(
    r"^(?P<c>.+?)\s+(?:careers|jobs|hiring(?:\s+team)?|recruiting|recruitment|talent(?:\s+"
    r"acquisition|\s+team)?|people\s+team|hr|candidate\s+calendar|@\s*icims|workday(?:\s+"
    r"notification)?|hrworkday|via\s+\w+|-\s*no\s*reply)\b",
    re.I,
)
_ROLE_PATTERNS = (
    re.compile(r"(?:for|für|pour|para)\s+(?:the|a|an|our|le|la|el|die|den)?\s*(?:position\s+"
               r"(?:of\s+)?|role\s+(?:of\s+)?|poste\s+de\s+|puesto\s+de\s+|stelle\s+als\s+)?"
               r"(?P<r>(?:[A-Z][\w/&+.#-]*|of|and|&|-)(?:\s+(?:[A-Z][\w/&+.#-]*|of|and|&|-|I{1,3}|"
               r"\d)){0,6})\s+(?:role|position|opening|job|req\b|Stelle|poste)", re.I),
    re.compile(r"(?:role|position|job\s+title|poste|puesto|stelle)\s*:\s*(?P<r>[^\n]{3,60})",
               re.I),
    re.compile(r"(?:for|as|als|comme|como)\s+(?:the\s+|a\s+|an\s+)?(?P<r>(?:Senior|Sr\.?|Junior|"
               r"Jr\.?|Staff|Principal|Lead|Head|Chief|Associate|Assoc|VP)?\s*[A-Z][\w/&+.#-]*"
               r"(?:\s+[A-Z][\w/&+.#-]*){0,4}\s+(?:Engineer|Developer|Designer|Manager|Analyst|"
               r"Scientist|Architect|Director|Lead|Consultant|Specialist|Intern|Researcher|"
               r"Administrator|Accountant|Controller|Associate|Product\s+Owner|SRE))\b"),
)
_ROLE_WORDS = re.compile(
    r"engineer|developer|designer|manager|analyst|scientist|architect|director|lead|"
    r"consultant|specialist|intern|researcher|administrator|accountant|controller|associate|"
    r"owner|sre|devops|recruiter|marketing|sales|product|data|finance|operations|ingenieur|"
    r"entwickler|ingénieur|développeur|desarrollador|ingeniero|analista",
    re.I,
)
_NOT_COMPANY = re.compile(
    r"^(?:me|us|you|our|the|a|an|team|interview|your|my|zoom|google|teams|microsoft|meet|"
    r"the\s+team|hiring|recruiting|calendar|invitation|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|january|february|march|april|may|june|july|august|september|"
    r"october|november|december|today|tomorrow|next|this|am|pm|et|pt|ct|utc|gmt|"
    r"head|senior|staff|lead|hiring\s+manager|engineering|design|\d.*)$",
    re.I,
)


def company_from_domain(domain: str) -> str:
    """`northwind.io` -> `Northwind`; "" for generic, vendor and personal domains."""
    if not domain or signals.domain_matches(
        domain, signals.GENERIC_DOMAINS + signals.ATS_DOMAINS + signals.NEVER_INTERVIEW_DOMAINS
    ):
        return ""
    labels = [p for p in domain.lower().split(".") if p]
    if len(labels) >= 2:
        labels = labels[:-1]
        if len(labels) >= 2 and labels[-1] in ("co", "com", "ac", "org", "net"):
            labels = labels[:-1]
    label = labels[-1] if labels else ""
    skip = {"mail", "email", "careers", "jobs", "hr", "talent", "recruiting", "corp"}
    if label in skip and len(labels) > 1:
        label = labels[-2]
    return " ".join(w.capitalize() for w in re.split(r"[-_]", label) if w)


def company_domain_of(addresses: Iterable[Address], me: frozenset[str]) -> str:
    """The first address domain that belongs to an employer (not a vendor, not webmail)."""
    for address in addresses:
        domain = address.domain
        if not domain or address.email in me:
            continue
        if signals.domain_matches(
            domain, signals.GENERIC_DOMAINS + signals.ATS_DOMAINS + signals.NEVER_INTERVIEW_DOMAINS
        ):
            continue
        return domain
    return ""


def _clean_company(value: str) -> str:
    value = re.sub(r"\s+", " ", value).strip(" \t-–—:|/,.!\"'")
    value = re.sub(r"^(?:the)\s+", "", value, flags=re.I)
    value = re.sub(r"\s+(?:team|inc\.?|llc|ltd\.?|gmbh|s\.a\.)$", "", value, flags=re.I)
    if not value or len(value) > 40 or _NOT_COMPANY.match(value):
        return ""
    return value


def find_company(message: MailMessage, events: list[CalEvent], me: frozenset[str]) -> str:
    """The employer's name: display names, subject and summary, then the employer's domain."""
    for address in (message.from_, *(a for a in message.reply_to), *(
        [message.sender] if message.sender else []
    )):
        match = _COMPANY_DISPLAY.match(address.name or "")
        if match:
            found = _clean_company(match.group("c"))
            if found:
                return found
    local = message.from_.email.split("@")[0]
    if signals.domain_matches(message.from_.domain, ("myworkday.com", "icims.com")):
        base = re.split(r"[+]", local)[0]
        if base and base not in ("noreply", "no-reply", "careers"):
            return base.capitalize()
    texts = [e.summary for e in events] + [_strip_prefixes(message.subject)]
    own_names = {a.name.lower() for a in message.recipients if a.name} | {
        a.name.lower() for e in events for a in e.attendees if a.email in me and a.name
    }
    for text in texts:
        for pattern in _COMPANY_PATTERNS:
            for match in pattern.finditer(text):
                found = _clean_company(match.group("c"))
                if found and found.lower() in own_names:
                    continue
                if found and not _ROLE_WORDS.search(found.split()[-1]):
                    return found
    agency = re.match(r"^(?:[\w\s]*interview[\w\s]*?)\s*[-–—:/]\s*(?P<c>[^-–—/]+?)\s*[-–—/]",
                      _strip_prefixes(message.subject), re.I)
    if agency:
        found = _clean_company(agency.group("c"))
        if found:
            return found
    organizer_domains = [
        Address(e.organizer.name, e.organizer.email) for e in events if e.organizer
    ]
    people = [*organizer_domains, message.from_, *message.reply_to,
              *(Address(a.name, a.email) for e in events for a in e.attendees)]
    domain = company_domain_of(people, me)
    if domain:
        return company_from_domain(domain)
    return ""


def _strip_prefixes(subject: str) -> str:
    return re.sub(
        r"^(?:(?:re|fwd?|aw|wg|tr|rv|sv|updated\s+invitation(?:\s+with\s+note)?|invitation"
        r"(?:\s+from\s+an\s+unknown\s+sender)?(?:\s+with\s+note)?|invitación|einladung|"
        r"reminder|erinnerung|rappel|recordatorio|confirmed|canceled|cancelled|"
        r"actualización\s+de\s+invitación|aktualisierte\s+einladung)\s*:\s*)+",
        "",
        subject,
        flags=re.I,
    ).split(" @ ")[0]


def find_role(message: MailMessage, events: list[CalEvent]) -> str:
    texts = [_strip_prefixes(message.subject), *(e.summary for e in events),
             message.text[:4000], *(e.description[:2000] for e in events)]
    for text in texts:
        for pattern in _ROLE_PATTERNS:
            for match in pattern.finditer(text):
                role = re.sub(r"\s+", " ", match.group("r")).strip(" .,:;-–—")
                role = re.sub(r"^(?:the|a|an)\s+", "", role, flags=re.I)
                if 2 < len(role) <= 60 and _ROLE_WORDS.search(role):
                    return role
    dashed = re.split(r"\s+[-–—|/]\s+", _strip_prefixes(message.subject))
    for piece in dashed[1:]:
        if _ROLE_WORDS.search(piece) and len(piece) <= 60:
            return piece.strip()
    return ""


def _usable(email: str, me: frozenset[str]) -> bool:
    return bool(email) and email not in me and not signals.is_no_reply(email) and not (
        signals.ROOM_NAMES.search(email)
    ) and not email.endswith("group.calendar.google.com")


def _is_room(attendee: Attendee) -> bool:
    return attendee.cutype.upper() in ("ROOM", "RESOURCE") or bool(
        signals.ROOM_NAMES.search(f"{attendee.name} {attendee.email}")
    )


def people_from_events(events: list[CalEvent], me: frozenset[str], text: str) -> list[Person]:
    """Organizer and attendees: not the user, not rooms, not group calendars or no-reply."""
    people: dict[str, Person] = {}
    for event in events:
        others = [
            a for a in event.attendees
            if a.email not in me and not _is_room(a)
            and not (event.organizer and a.email == event.organizer.email)
        ]
        organizer = event.organizer
        if organizer and _usable(organizer.email, me) and not _is_room(organizer):
            titled_recruiter = _title_near(organizer.name, text)
            role = (
                PersonRole.RECRUITER
                if others or signals.RECRUITER_TITLES.search(titled_recruiter)
                or signals.RECRUITER_TITLES.search(organizer.email.split("@")[0])
                else PersonRole.INTERVIEWER
            )
            people.setdefault(organizer.email, Person(organizer.name, organizer.email, role,
                                                      titled_recruiter))
        for attendee in others:
            if not _usable(attendee.email, me):
                continue
            title = _title_near(attendee.name, text)
            role = (
                PersonRole.RECRUITER
                if signals.RECRUITER_TITLES.search(title)
                or signals.RECRUITER_TITLES.search(attendee.email.split("@")[0])
                else PersonRole.INTERVIEWER
            )
            people.setdefault(attendee.email, Person(attendee.name, attendee.email, role, title))
    return list(people.values())


def _title_near(name: str, text: str) -> str:
    if not name or not text:
        return ""
    match = re.search(re.escape(name) + r"\s*[(,–—-]\s*(?P<t>[A-Z][\w\s&/-]{2,40}?)[),\n]", text)
    return match.group("t").strip() if match else ""


def people_from_text(
    text: str, trusted_domains: frozenset[str], me: frozenset[str]
) -> list[Person]:
    """Interviewers named in prose: "with Oliver Grant (oliver.grant@...)", schedule lines."""
    found: dict[str, Person] = {}

    def add(name: str, email: str, title: str) -> None:
        name = re.sub(r"\s+", " ", name).strip()
        if not name or _NOT_COMPANY.match(name.split()[0]) or signals.RECRUITER_TITLES.fullmatch(
            name
        ):
            return
        email = email.lower()
        if email and (email in me or email.rpartition("@")[2] not in trusted_domains):
            email = ""
        role = (
            PersonRole.RECRUITER if signals.RECRUITER_TITLES.search(title) else
            PersonRole.INTERVIEWER
        )
        key = email or name.lower()
        if key not in found:
            found[key] = Person(name, email, role, title.strip())

    for match in _WITH_PERSON.finditer(text):
        add(match.group("name"), match.group("email") or "",
            (match.group("title") or match.group("title2") or ""))
    for match in _SCHEDULE_LINE.finditer(text):
        add(match.group("name"), "", "")
    for match in _INTERVIEWERS_LIST.finditer(text):
        for name_match in re.finditer(rf"(?P<name>{_NAME})(?:\s*\((?P<t>[^)]{{2,50}})\))?",
                                      match.group("names")):
            add(name_match.group("name"), "", name_match.group("t") or "")
    return list(found.values())


def recruiter_from_message(message: MailMessage, me: frozenset[str]) -> Person | None:
    """The person behind the mail: the sender, or for a no-reply sender the Reply-To or the
    signature's name."""
    candidates = [message.from_, *message.reply_to]
    for address in candidates:
        if _usable(address.email, me) and not signals.domain_matches(
            address.domain, signals.ATS_DOMAINS
        ):
            return Person(address.name, address.email, PersonRole.RECRUITER)
    for address in message.reply_to:
        if _usable(address.email, me):
            return Person(address.name, address.email, PersonRole.RECRUITER)
    tail = message.text.strip().splitlines()[-12:]
    for line_index, line in enumerate(tail):
        match = _SIGNATURE_NAME.match(line)
        if match and line_index + 1 < len(tail) and signals.RECRUITER_TITLES.search(
            tail[line_index + 1]
        ):
            return Person(match.group("name"), "", PersonRole.RECRUITER,
                          tail[line_index + 1].strip())
    return None
