"""What one message means: an interview (new, updated, cancelled), a company's reply, a
rejection, an offer or an out-of-office notice (iTIP RFC 5546, iMIP RFC 6047, RFC 3834).

Pure: `understand(message, context)` returns a `Finding`. Precision comes first: an invite is
an interview only with an interview signal and no distractor; plain text needs an interview
word, a confirmation word and a meeting time. Text in a message is data, never instructions:
nothing in a body can force a decision or add a recipient the sender's domain doesn't vouch for.
An inline forward is read as the message it carries (`agent.forwarded`), its forwarder never one
of the interview's people.
"""

from __future__ import annotations

import fnmatch
import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TypedDict
from zoneinfo import ZoneInfo

from agent.businessdays import BusinessCalendar
from agent.calendars import ical
from agent.config.types import Rule
from agent.model import (
    Address,
    CalEvent,
    Finding,
    FindingKind,
    InterviewFacts,
    MailMessage,
    Person,
)
from agent.understanding import extract, forwarded, phrases, platforms, purposes, signals
from agent.understanding.language import detect_language
from agent.understanding.mentions import EMAIL
from agent.understanding.names import fold, is_title
from agent.understanding.phrases import picks, zones
from agent.understanding.phrases.prose import QUOTE_HEADER, QUOTE_MARKS, strip_quoted

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Context:
    me: frozenset[str]  # the user's addresses, lower-cased
    tz: ZoneInfo
    business: BusinessCalendar
    rules: tuple[Rule, ...] = ()
    now: datetime | None = None  # bounds recurring-event expansion
    names: frozenset[str] = frozenset()  # the user's own names ([me] name): never a company
    # Whether a message comes from a company or thread of a known interview. Timelines and
    # requests are looked for only in those (the phrase analysis is the costliest step of
    # reading a large mailbox). None: in every message.
    related: Callable[[MailMessage], bool] | None = None
    # Whoever forwarded the message being read (the user from another address, a colleague):
    # never a person of the interview. Set by `understand` itself for a forward's inner message.
    bystanders: tuple[Address, ...] = ()
    # Whether a message replies in the thread of an interview (or of a possible one) the agent
    # knows: evidence that a meeting it sets up is that interview's.
    in_interview_thread: Callable[[MailMessage], bool] | None = None
    # Whether a message comes from the company of an interview the agent knows (its domain):
    # evidence that a meeting it moves ("I moved our intro call to Thursday, same time") is
    # that interview, even with no thread and no job named.
    known_company: Callable[[MailMessage], bool] | None = None


@dataclass(frozen=True)
class RuleVerdict:
    action: str = ""  # "interview", "ignore" or ""
    company: str = ""
    role: str = ""


def apply_rules(message: MailMessage, rules: tuple[Rule, ...], calendar: str = "") -> RuleVerdict:
    """The first forcing rule decides; annotations from every matching rule are merged."""
    verdict = RuleVerdict()
    for rule in rules:
        if not rule_matches(rule, message, calendar):
            continue
        if rule.action in ("interview", "ignore") and not verdict.action:
            verdict = replace(verdict, action=rule.action)
        if rule.company and not verdict.company:
            verdict = replace(verdict, company=rule.company)
        if rule.role and not verdict.role:
            verdict = replace(verdict, role=rule.role)
    return verdict


def rule_matches(rule: Rule, message: MailMessage, calendar: str = "") -> bool:
    if rule.calendar is not None and rule.calendar != calendar:
        return False
    if rule.from_:
        senders = [message.from_.email, *(a.email for a in message.reply_to)]
        if not any(_sender_matches(pattern, s) for pattern in rule.from_ for s in senders if s):
            return False
    if rule.subject is not None and not rule.subject.search(message.subject):
        return False
    return rule.body is None or bool(rule.body.search(message.text))


def _sender_matches(pattern: str, address: str) -> bool:
    pattern = pattern.lower()
    if "@" not in pattern and "*" not in pattern and "?" not in pattern:
        domain = address.rpartition("@")[2]
        return domain == pattern or domain.endswith("." + pattern)
    return fnmatch.fnmatchcase(address, pattern)


def synthetic_uid(company: str, start: datetime, message_id: str) -> str:
    seed = f"{company.lower()}|{message_id}|{start.isoformat()}"
    return "text-" + hashlib.sha1(seed.encode()).hexdigest()[:16]


def understand(message: MailMessage, context: Context, calendar: str = "") -> Finding:
    verdict = apply_rules(message, context.rules, calendar)
    if verdict.action == "ignore":
        return Finding(FindingKind.NONE, reason="ignored by a rule")
    sender_domain = extract.company_domain_of(
        [message.from_, *message.reply_to, *([message.sender] if message.sender else [])],
        context.me,
    )
    if message.is_sent:
        return Finding(FindingKind.NONE, company_domain=sender_domain)
    if _is_auto_reply(message):
        back = phrases.find_return_date(message.text, _sent(message, context), context.tz)
        return Finding(
            FindingKind.OUT_OF_OFFICE,
            company_domain=sender_domain,
            back_on=back,
            reason="out-of-office auto-reply",
        )
    forced = verdict.action == "interview"
    events = _events(message, context)
    if (
        _bulk(message)
        and not forced
        and not _invites_the_user(events, context)
        and not _relayed_by_a_platform(message)
        and not _relayed_conversation(message)
    ):
        return Finding(FindingKind.NONE, reason="mailing list or newsletter")
    inner = forwarded.inner_message(message, context.tz)
    if inner is not None:
        return _forwarded(message, inner, events, context, verdict, sender_domain)
    found = _interview(message, events, context, verdict, forced)
    if (
        found is not None
        and found.kind == FindingKind.INTERVIEW
        and not forced
        and _only_copied(message, context)
        and not _invites_the_user(events, context)
    ):
        # "Jordan, you're confirmed for Tuesday at 3", with the user in Cc: whose interview
        # it is cannot be told from the words, so the user says (possible, not drafted)
        return _possible(message, "you were only copied: the interview may be someone else's")
    if found is not None and found.kind != FindingKind.POSSIBLE:
        return found
    after = _after_interview(message, context, sender_domain)
    if found is not None and after.kind in (FindingKind.REPLY, FindingKind.NONE):
        return replace(after, kind=FindingKind.POSSIBLE, reason=found.reason)
    return after


def read_as_interview(message: MailMessage, context: Context) -> InterviewFacts | None:
    """What a message the user says is an interview (`confirm`) tells of it: read as a
    `[[rules]]` entry forcing it would read it; None when it gives no time."""
    finding = _interview(
        message, _events(message, context), context, RuleVerdict(action="interview"), True
    )
    return finding.interview if finding is not None else None


def _interview(
    message: MailMessage,
    events: list[CalEvent],
    context: Context,
    verdict: RuleVerdict,
    forced: bool,
) -> Finding | None:
    """What an invitation or a plain-text confirmation schedules or cancels, or None."""
    if events:
        finding = from_calendar(message, events, context, verdict, forced)
        if finding is not None:
            return finding
    # a published file (a booking page's .ics) is not an invitation: the mail's words are
    if not message.has_tnef and all(e.method == "PUBLISH" for e in events):
        return _from_text(message, context, verdict, forced)
    return None


def _forwarded(
    outer: MailMessage,
    inner: MailMessage,
    events: list[CalEvent],
    context: Context,
    verdict: RuleVerdict,
    sender_domain: str,
) -> Finding:
    """A forward is read as the message it carries, by the same rules as if that message had
    come directly (rules match either message; either may force or ignore). Whoever forwarded
    it is never a person of the interview. When the carried message schedules nothing, only
    the forwarder's own words count, as for any other message with quoted text."""
    inner_verdict = apply_rules(inner, context.rules)
    if inner_verdict.action == "ignore":
        return Finding(FindingKind.NONE, reason="ignored by a rule (forwarded message)")
    verdict = RuleVerdict(
        action=verdict.action or inner_verdict.action,
        company=inner_verdict.company or verdict.company,
        role=inner_verdict.role or verdict.role,
    )
    forwarders = (outer.from_, *([outer.sender] if outer.sender else []), *outer.reply_to)
    inner_context = replace(context, bystanders=(*context.bystanders, *forwarders))
    finding = _interview(inner, events, inner_context, verdict, verdict.action == "interview")
    if finding is not None and finding.kind in (FindingKind.INTERVIEW, FindingKind.CANCEL):
        return replace(finding, reason=f"{finding.reason} (forwarded)")
    return _after_interview(outer, context, sender_domain)


def bulk_whatever_the_text(message: MailMessage, context: Context) -> bool:
    """True when `understand` finds nothing in this message (a mailing list or newsletter)
    whatever its text and attachments hold, unless it has a calendar part inviting the user:
    a cheap pre-filter on the header fields, for deciding what not to download."""
    if message.is_sent or _is_auto_reply(message):
        return False
    if any(rule.action == "interview" for rule in context.rules):
        return False  # a rule may force it, on its text
    # job boards and schedulers relay a recruiter's own words with list headers
    return _bulk(message) and not _relayed_by_a_platform(message)


def _bulk(message: MailMessage) -> bool:
    """A mailing list or a newsletter, by its header fields. A List-Unsubscribe alone is not
    enough when the subject is about an interview: since 2024 the large mailbox providers ask
    it of every sender of volume, so platforms put it on their one-to-one notices too
    ("Brisa Andina te invita a una entrevista", "Interview confirmation - Senior Analyst")."""
    if message.list_id or message.precedence in ("bulk", "list", "junk"):
        return True
    return bool(message.list_unsubscribe) and not signals.INTERVIEW_WORDS.search(message.subject)


def _invites_the_user(events: list[CalEvent], context: Context) -> bool:
    """An iTIP invitation (or cancellation) naming the user as an attendee: personal, even when
    a scheduling service or a group relays it with list headers."""
    return any(
        e.method in ("REQUEST", "CANCEL") and any(a.email in context.me for a in e.attendees)
        for e in events
    )


def _only_copied(message: MailMessage, context: Context) -> bool:
    """The user is in Cc and not in To, and the mail is addressed to someone else."""
    to = {a.email.lower() for a in message.to if a.email}
    copied = {a.email.lower() for a in message.cc if a.email}
    return bool(to) and not (to & context.me) and bool(copied & context.me)


def _sent(message: MailMessage, context: Context) -> datetime:
    return message.date or context.now or datetime(1970, 1, 1, tzinfo=context.tz)


def _is_auto_reply(message: MailMessage) -> bool:
    auto = message.auto_submitted
    if auto and auto != "no":
        # RFC 3834 "auto-replied" (an answer to the user's mail: vacation, out of office);
        # "auto-generated" is a notice, an out-of-office only by its subject
        return (
            auto.startswith("auto-replied")
            or "reply" in auto
            or bool(signals.OUT_OF_OFFICE_SUBJECT.search(message.subject))
        )
    return bool(signals.OUT_OF_OFFICE_SUBJECT.search(message.subject))


def _events(message: MailMessage, context: Context) -> list[CalEvent]:
    events: list[CalEvent] = []
    for text in message.calendars:
        try:
            events.extend(ical.parse_calendar(text, user_tz=context.tz))
        except ical.ICalError as exc:
            log.info("message %s: unreadable calendar part (%s)", message.message_id, exc)
    return events


def _interview_signal(message: MailMessage, events: list[CalEvent], context: Context) -> bool:
    texts = [message.subject, *(e.summary for e in events)]
    if any(signals.INTERVIEW_WORDS.search(t) for t in texts if t):
        return True
    description = " ".join(e.description[:3000] for e in events)
    if signals.INTERVIEW_WORDS.search(description) and _ats_involved(message, events):
        return True
    return _invited_about_a_job(message, events, context)


def _invited_about_a_job(message: MailMessage, events: list[CalEvent], context: Context) -> bool:
    """An iTIP invitation to the user, from someone outside the user's organisation, that
    ties the meeting to a job ("about the Staff Platform Engineer role", "Scheduled via
    Ashby"): an interview even when its title says only "Intro chat" or "Portfolio review".
    """
    invitations = [e for e in events if e.method == "REQUEST" and e.organizer is not None]
    if not invitations or not any(a.email in context.me for e in invitations for a in e.attendees):
        return False
    text = "\n".join(
        [message.subject, *(f"{e.summary}\n{e.description[:3000]}" for e in invitations)]
    )
    if signals.HIRING_CONTEXT.search(_URL.sub(" ", text)):
        return True
    # "Lanthorn / Alex Rivera - Security Engineer intro", "Alex / Dana — Product Analytics Lead":
    # a job title in the title, with a meeting or the user's own name beside it
    titles = [e.summary for e in invitations if e.summary]
    names = _names_of_the_user(message, events, context) | {
        w for n in context.names for w in n.split() if len(w) > 1
    }
    named = [s for s in titles if set(re.findall(r"\w+", s.lower())) & names]
    # "Alex Rivera <> Priya Raman: Staff Product Designer portfolio review": the user's name and
    # a job title in the invitation's title, from someone outside the user's organisation
    if any(
        extract.ends_as_a_job_title(piece)
        for s in named
        for piece in re.split(r"\s+[-–—|/@]\s+|:\s+|<>", s)
        if piece.strip() and not set(re.findall(r"\w+", piece.lower())) & names
    ):
        return True
    return any(
        signals.MEETING_NOUNS.search(s) or set(re.findall(r"\w+", s.lower())) & names
        for s in titles
    ) and bool(extract.find_role(replace(message, subject="", text=""), invitations))


def _ats_involved(message: MailMessage, events: list[CalEvent]) -> bool:
    addresses = [message.from_.domain, *(a.domain for a in message.reply_to)]
    if message.sender:
        addresses.append(message.sender.domain)
    for event in events:
        if event.organizer:
            addresses.append(event.organizer.email.rpartition("@")[2])
    if any(platforms.sends_on_behalf(d) for d in addresses if d):
        return True
    blob = " ".join(e.description[:3000] for e in events) + message.text[:3000]
    # a job board's name in a text is no sign: "follow us on LinkedIn" is in every footer
    return any(p.kind in ("ats", "scheduler", "interviewing") for p in platforms.named(blob))


_URL = re.compile(r"<?\b(?:https?://|mailto:)[^\s<>]+>?", re.I)
# Body-level vetoes that ATS letters also carry as boilerplate ("Thank you for your interest in
# the X position. We are pleased to confirm your interview"): they yield to an interview word
# in the subject or the event's title.
_BOILERPLATE_VETOES = frozenset({"application received"})


def _distractor(message: MailMessage, events: list[CalEvent]) -> str:
    head = [message.subject, *(e.summary for e in events)]
    body = _URL.sub(
        " ", message.text[:6000] + "\n" + "\n".join(e.description[:3000] for e in events)
    )
    if signals.INSTRUCTIONS_TO_A_PROGRAM.search(f"{message.subject}\n{body}"):
        return "instructions to a program"
    if signals.SENDERS_OWN_INTERVIEW.search(strip_quoted(message.text[:6000])):
        return "the sender's own interview"
    if (
        signals.HOST_NOTIFICATION.search(f"{message.subject}\n{body}")
        and not signals.INVITED_YOU.search(body)
        and not _to_the_invitee(message, body)
    ):
        return "a scheduler's notice to the host"
    kind = signals.distractor_kind(*head)
    if kind:
        return kind
    purpose = purposes.not_a_job(*head, body[:4000])  # what a meeting is for is said early
    if purpose:
        return f"not a job interview ({purpose})"
    if platforms.never_live(message.from_.domain) and not (
        _LIVE_ON_A_RECORDING_PLATFORM.search(body) and _strong_live_signal(body)
    ):
        return "an assessment or newsletter platform"
    headed = any(signals.INTERVIEW_WORDS.search(t) for t in head if t)
    # what earlier messages of a thread said ("thanks for applying") is not this message's kind
    body = _URL.sub(
        " ",
        strip_quoted(message.text[:6000]) + "\n" + "\n".join(e.description[:3000] for e in events),
    )
    for name in (
        "async video",
        "assessment",
        "webinar",
        "podcast",
        "security code",
        "coaching",
        "application received",
    ):
        if name in _BOILERPLATE_VETOES and (headed or _invites_to_an_interview(message, body)):
            continue
        if signals.DISTRACTOR_PATTERNS[name].search(body) and not _strong_live_signal(body):
            return name
    return ""


def _invites_to_an_interview(message: MailMessage, body: str) -> bool:
    """The body invites to an interview at a time it names, in any language we read ("Thank
    you for your interest in the Product Analyst position ... we would like to invite you to
    an interview on Wednesday 7th October at 3:00 pm"): a letter's thanks are boilerplate."""
    return bool(
        (signals.INTERVIEW_WORDS.search(body) or signals.MEETING_NOUNS.search(message.subject))
        # an invitation made in the message, or a booking its subject confirms ("Confirmed:
        # Intro call - Founding Engineer (Tallgrass Labs) with Marcus Bell on Tuesday ...")
        and (_INVITES_YOU_NOW.search(body) or signals.CONFIRMATION_WORDS.search(message.subject))
        and message.date is not None
        and phrases.find_meeting_times(body, message.date, _UTC_ZONE)
    )


_UTC_ZONE = ZoneInfo("UTC")
# An invitation made in the message itself ("we are pleased to invite you", "zapraszamy"), not
# promised ("we will invite you to an interview soon"): English here, the other languages'
# invitation words from data/confirmation_words.tsv.
_INVITES_YOU_NOW = re.compile(
    r"\b(?:(?:pleased|happy|delighted|glad|like|love|want)\s+to\s+invite\s+you|we\s+invite\s+you|"
    r"you(?:'re|\s+are)\s+(?:cordially\s+)?invited|invites\s+you\s+to|(?:is|are)\s+scheduled\s+for|"
    + "|".join(f"(?:{p})" for p in signals.lines_of("confirmation_words"))
    + ")",
    re.I,
)


# A booking's invitee (with the next line: "Invitee Email:" then the address), and the line that
# names its organizer or host ("Priya Chandran - Organizer", "Host: Levan Beridze").
_INVITEE = re.compile(r"^\s*invitee(?:\s+e-?mail)?\s*:[^\n]*(?:\n[^\n]*)?", re.I | re.M)
_HOST_LINE = re.compile(r"^[^\n]*\b(?:organi[sz]er|host)\b[^\n]*(?:\n[^\n]*)?", re.I | re.M)
_ADDRESS_IN_TEXT = re.compile(EMAIL)


def _to_the_invitee(message: MailMessage, body: str) -> bool:
    """The booking is the invitee's own confirmation, not the host's notice: it names its
    invitee and the mail goes to them ("Invitee: Alex Rivera (alex@example.com)"), or it names
    someone else as organizer or host and lists the recipient as a guest."""
    recipients = {a.email for a in message.recipients if a.email}
    if any(
        address.lower() in recipients
        for block in _INVITEE.findall(body)
        for address in _ADDRESS_IN_TEXT.findall(block)
    ):
        return True
    hosts = _HOST_LINE.findall(body)
    listed = {a.lower() for a in _ADDRESS_IN_TEXT.findall(body)} & recipients
    return bool(hosts and listed) and not any(
        address in line.lower() for line in hosts for address in listed
    )


def _own_domains(context: Context) -> frozenset[str]:
    """The user's own non-webmail domains: mail from there comes from colleagues."""
    return frozenset(
        domain
        for domain in (a.rpartition("@")[2] for a in context.me)
        if domain and not platforms.is_generic(domain)
    )


def _users_own_meeting(message: MailMessage, events: list[CalEvent], context: Context) -> str:
    """Why the meeting is the user's own work rather than their interview, or "".

    It comes from a colleague on the user's own domain (a candidate is not invited by their
    own employer's people), or it is written for the interviewer's side of an interview
    ("Candidate: Jamie Lin", a scorecard to fill in): the user is the one interviewing.
    """
    own = _own_domains(context)
    organizers = [e.organizer.email for e in events if e.organizer]
    senders = [message.from_.email, *([message.sender.email] if message.sender else [])]
    if any(a.rpartition("@")[2] in own for a in (*organizers, *senders) if a):
        return "a meeting from the user's own organisation"
    text = _URL.sub(" ", "\n".join([message.text[:6000], *(e.description[:3000] for e in events)]))
    if signals.INTERVIEWER_SIDE.search(text):
        return "the user is the interviewer"
    names = _names_of_the_user(message, events, context)
    for label in signals.CANDIDATE_LABEL.finditer(text):
        words = set(re.findall(r"\w+", label["name"].lower()))
        if names and not words & names:
            return "the user is the interviewer"
    return ""


def _names_of_the_user(
    message: MailMessage, events: list[CalEvent], context: Context
) -> frozenset[str]:
    """Words of the user's name as this message writes it (To display name, attendee CN)."""
    names = [a.name for a in (*message.to, *message.cc) if a.email in context.me]
    names += [a.name for e in events for a in e.attendees if a.email in context.me]
    return frozenset(w for n in names if "@" not in n for w in re.findall(r"\w{2,}", n.lower()))


# One-way video platforms also run live interviews, and say so: "a live video interview".
_LIVE_ON_A_RECORDING_PLATFORM = re.compile(
    # a recording platform's scheduling of a live or in-person interview ("Interview type: In
    # person", HireVue's on-site schedule)
    r"\blive\s+(?:video\s+)?(?:interview|call|session|conversation)\b|\bin[-\s]person\b|"
    r"\bon-?site\s+interview",
    re.I,
)


def _strong_live_signal(text: str) -> bool:
    """Words that only a live, scheduled conversation has (guards body-level distractors)."""
    return bool(
        re.search(
            r"you(?:'ll|\s+will)\s+(?:meet|be\s+meeting|speak)\s+with|interviewers?\s*:|"
            r"confirmed\s+for|(?:is|are)\s+scheduled\s+for|(?:has|have)\s+been\s+scheduled|"
            r"(?:zoom|teams|meet|webex)\s+link|"
            r"join\s+(?:zoom|with\s+google\s+meet|the\s+meeting)|phone\s+screen|on-?site|"
            r"interview\s+panel|confirm\w*\s+(?:your|the|our)\s+(?:[\w-]+\s+){0,3}interview\b|"
            r"\blive\s+(?:video\s+)?interview\b|\bassessment\s+(?:cent(?:re|er)|day)\b|"
            r"\bsuper\s?day\b",
            text,
            re.I,
        )
    )


def from_calendar(
    message: MailMessage,
    events: list[CalEvent],
    context: Context,
    verdict: RuleVerdict,
    forced: bool,
) -> Finding | None:
    methods = {e.method for e in events}
    if "REPLY" in methods or "COUNTER" in methods:
        return Finding(FindingKind.NONE, reason="an RSVP reply to an invitation")
    primary = sorted(events, key=lambda e: (e.recurrence_id is not None, e.start))[0]
    cancelled = primary.method == "CANCEL" or primary.status == "CANCELLED"
    if not forced:
        own = _users_own_meeting(message, events, context)
        if own:
            return Finding(FindingKind.NONE, reason=f"not an interview: {own}")
        if cancelled:
            facts = _facts(message, [primary], context, verdict, cancelled=True)
            return Finding(
                FindingKind.CANCEL,
                interview=facts,
                company=facts.company,
                reason="invitation cancelled",
            )
        distractor = _distractor(message, events)
        if distractor:
            return Finding(FindingKind.NONE, reason=f"not an interview: {distractor}")
        if (
            message.date is not None
            and (primary.end or primary.start) < message.date - _STALE_EVENT
        ):
            return Finding(FindingKind.NONE, reason="an event long over when the mail was sent")
        if not _interview_signal(message, events, context):
            return None
        if not _candidacy(message, events, context):
            # "Recorded Interview - Claim 4471", "Oral history interview: Alex Rivera": the
            # word, but nothing says the user is a candidate for a job
            return _possible(message, "an interview invitation that names no job")
        if (
            primary.method == "PUBLISH"
            and not _ats_involved(message, events)
            # a platform known by its own words ("Aoife Walsh (Joran Analytics)" writing from
            # mail.hirehive.com) publishes the file for the employer, as a known ATS does
            and not (
                message.from_.domain and extract.sends_for_others(message, message.from_.domain)
            )
            and not (
                signals.INTERVIEW_WORDS.search(message.subject)
                and signals.INTERVIEW_WORDS.search(primary.summary)
            )
        ):
            return Finding(FindingKind.NONE, reason="a published event, not an invitation")
    facts = _facts(message, [primary], context, verdict, cancelled=cancelled)
    end = _end_of_blocks(primary, events, context.tz)
    if end is not None and end != facts.end:
        facts = replace(facts, end=end)
    facts = replace(facts, evidence=_calendar_evidence(message, events, primary, context, forced))
    kind = FindingKind.CANCEL if cancelled else FindingKind.INTERVIEW
    return Finding(
        kind,
        interview=facts,
        company=facts.company,
        company_domain=(facts.company_domains or ("",))[0],
        reason="calendar invitation",
    )


def _calendar_evidence(
    message: MailMessage,
    events: list[CalEvent],
    primary: CalEvent,
    context: Context,
    forced: bool,
) -> tuple[str, ...]:
    """What an interview read from a calendar stands on, in short phrases."""
    invited = any(a.email in context.me for a in primary.attendees)
    if primary.method == "CANCEL" or primary.status == "CANCELLED":
        found = ["calendar cancellation"]
    elif primary.method == "REQUEST" and invited:
        found = ["calendar invite to the user"]
    elif primary.method == "REQUEST":
        found = ["calendar invite"]
    else:
        found = ["calendar file in the mail" if message.message_id else "event in a calendar"]
    if forced:
        found.append("a rule or the calendar marks it an interview")
    word = signals.INTERVIEW_WORDS.search(f"{message.subject}\n{primary.summary}")
    if word:
        found.append(f"the word '{' '.join(word[0].split())}' in its title")
    domains = [message.from_.domain, *(a.domain for a in message.reply_to)]
    domains += [e.organizer.email.rpartition("@")[2] for e in events if e.organizer]
    platform = next((p for d in domains if d for p in [platforms.platform_of(d)] if p), None)
    if platform is not None and platform.kind in platforms.ON_BEHALF:
        found.append(f"sent through {platform.name}")
    if not word and _invited_about_a_job(message, events, context):
        found.append("an invitation about a job")
    return tuple(found)


_LONGEST_DAY_OF_BLOCKS = timedelta(hours=12)
# An invitation to something that ended this long before the mail was sent schedules nothing
# (a forwarded old invite, a recurring series that began in 1970).
_STALE_EVENT = timedelta(days=7)


def _end_of_blocks(primary: CalEvent, events: list[CalEvent], tz: ZoneInfo) -> datetime | None:
    """The end of the last block when one message carries several blocks of one interview day
    (Greenhouse attaches one .ics per block; gaps between them are breaks, not new interviews).
    """
    day = primary.start.astimezone(tz).date()
    ends = [primary.end or primary.start]
    for event in events:
        if (
            event.recurrence_id is None
            and event.method == primary.method
            and event.status != "CANCELLED"
            and event.start >= primary.start
            and event.start.astimezone(tz).date() == day
        ):
            ends.append(event.end or event.start)
    last = max(ends)
    if last - primary.start > _LONGEST_DAY_OF_BLOCKS:
        return primary.end
    return last if last > primary.start else primary.end


def _facts(
    message: MailMessage,
    events: list[CalEvent],
    context: Context,
    verdict: RuleVerdict,
    *,
    cancelled: bool,
) -> InterviewFacts:
    event = events[0]
    company = verdict.company or extract.find_company(message, events, context.me, context.names)
    role = verdict.role or extract.find_role(message, events)
    people = _people(message, events, context, company)
    domains = _company_domains(message, people, events, _not_the_company(context))
    return InterviewFacts(
        uid=event.uid or synthetic_uid(company, event.start, message.message_id),
        sequence=event.sequence,
        stamp=event.dtstamp or message.date,
        start=event.start,
        end=event.end,
        company=company,
        role=role,
        people=tuple(people),
        location=_location(message, event),
        cancelled=cancelled,
        company_domains=domains,
        **_own_words(message, event.summary, event.description),
    )


# How much of the company's own words an interview keeps (for composing: the round, its topic).
_WORDS_KEPT = 1500


class _OwnWords(TypedDict):
    summary: str
    description: str
    language: str


def _own_words(message: MailMessage, summary: str, description: str) -> _OwnWords:
    """The summary and description an interview keeps, and the language its company wrote in
    (read from all of the new text, which says more than a summary)."""
    new_text = strip_quoted(message.text[:20000])
    return _OwnWords(
        summary=summary[:300],
        description=(description or new_text)[:_WORDS_KEPT],
        language=detect_language(f"{summary}\n{description}\n{new_text}"),
    )


def _not_the_company(context: Context) -> frozenset[str]:
    """The user's addresses and those of whoever forwarded the message."""
    return context.me | {a.email for a in context.bystanders if a.email}


def _people(
    message: MailMessage, events: list[CalEvent], context: Context, company: str
) -> list[Person]:
    """The company's people of one interview; the user and any forwarder are never among them."""
    names = context.names | {a.name.lower() for a in context.bystanders if a.name}
    return extract.find_people(message, events, _not_the_company(context), names, company)


def _company_domains(
    message: MailMessage, people: list[Person], events: list[CalEvent], me: frozenset[str]
) -> tuple[str, ...]:
    candidates = [Address(p.name, p.email) for p in people] + [message.from_, *message.reply_to]
    for event in events:
        if event.organizer:
            candidates.append(Address(event.organizer.name, event.organizer.email))
    domains: list[str] = []
    for address in candidates:
        domain = extract.company_domain_of([address], me)
        if domain and domain not in domains:
            domains.append(domain)
    return tuple(domains)


def _relayed_by_a_platform(message: MailMessage) -> bool:
    """Sent through a platform that sends for employers (an ATS, a scheduler, a job board's
    messaging, an interviewing service), known by our list or by its own words ("Powered by
    HiringRoom" from notificaciones@hiringroom.com)."""
    senders = [message.from_, *message.reply_to, *([message.sender] if message.sender else [])]
    return any(platforms.sends_on_behalf(a.domain) for a in senders if a.domain) or bool(
        message.from_.domain and extract.sends_for_others(message, message.from_.domain)
    )


_VIA = re.compile(r"\S\s+(?:via|through|über|par|por|tramite)\s+\S", re.I)


def _relayed_conversation(message: MailMessage) -> bool:
    """One person's message relayed by a board or a network ("Oryx Pay via Bayt.com", a reply
    address with the conversation's token), which may carry list headers like a newsletter."""
    return any(extract.is_relay_address(a.email) for a in message.reply_to) or bool(
        _VIA.search(message.from_.name or "")
    )


def _from_text(
    message: MailMessage, context: Context, verdict: RuleVerdict, forced: bool
) -> Finding | None:
    """A plain-text scheduling confirmation: interview evidence + confirmation words + a time.

    Interview evidence is an interview word, or a meeting tied to a job (a role or an
    application named, a platform that sends for employers, a recruiter's signature, a thread
    about an interview). A message that has some of this but not enough to act on is a
    `POSSIBLE` finding (no drafts; the user confirms or ignores it)."""
    subject_and_body = f"{message.subject}\n{message.text[:6000]}"
    new_text = strip_quoted(message.text[:6000])
    called_off = bool(signals.TEXT_CANCELLATION.search(new_text))
    # "cancelled; I'll email you new times" is off; "moved to Thursday at 2" is not
    cancelled = called_off and (
        not signals.RESCHEDULED.search(new_text) or bool(signals.REBOOK_LATER.search(new_text))
    )
    evidence: list[str] = []
    word = signals.INTERVIEW_WORDS.search(subject_and_body)
    if word:
        evidence.append(f"the word '{' '.join(word[0].split())}'")
    in_thread = context.in_interview_thread is not None and context.in_interview_thread(message)
    # in an interview's thread, "you're set for Thursday at 11:30" needs no noun for the meeting
    meeting = signals.MEETING_NOUNS.search(subject_and_body) or in_thread
    job: list[str] | None = None  # read only when needed: it is the costliest evidence
    if not forced:
        if not word:
            # a meeting tied to a job, confirmed: the cheap words first, most mail stops here
            if not meeting or not (
                called_off
                or signals.CONFIRMATION_WORDS.search(subject_and_body)
                or signals.OPT_OUT.search(new_text)  # "If anything changes on the day, ..."
            ):
                return None
            job = _candidacy(message, [], context)
            if not job:
                return _possible_meeting(message, context)
        if _distractor(message, []) or _users_own_meeting(message, [], context):
            return None
        if job is None:
            job = _candidacy(message, [], context)
            if not job:
                # "your interview" at a time, from someone: an adoption's, a skipper's, a
                # study's; a job interview names its job, its hiring or its recruiter
                return _possible(message, "an interview with nothing to show it is for a job")
        if signals.REJECTION.search(message.text) or signals.is_offer(message.text):
            return None
    sent = _sent(message, context)
    # a time that names no zone is in the sender's (when the mail says where that is), else
    # the user's; "your time" is always the user's
    zone = _venue_zone(new_text) or _senders_zone(message, new_text, context) or context.tz
    times = _same_time_on_a_new_day(message, new_text, sent, zone) or _thread_times(
        message, new_text, sent, zone, reader=context.tz
    )
    times = [t for t in times if t[0] >= sent - timedelta(hours=1)]
    times = _dated_by_the_thread(times, message, new_text, sent, zone)
    picked = False
    if not times and signals.CONFIRMATION_WORDS.search(new_text):
        times = _time_the_thread_agreed(message, sent, context.tz)
    if not times:
        times = _slot_the_reply_picked(message, new_text, sent, context.tz)
        picked = bool(times)
    if not times:
        return None
    greeted = _greeted(new_text)
    if not forced and greeted and not _is_the_user(greeted, message, context):
        # "Dear Alexis, your interview is confirmed": a confirmation meant for someone else
        # (sent to the user by mistake, or forwarded by a friend who got it)
        return _possible(message, f"addressed to {greeted.title()}, not to you")
    confirmed = (
        called_off
        or picked
        or signals.CONFIRMATION_WORDS.search(subject_and_body)
        # one time, and a way out if it does not suit: "Shout if the time doesn't work"
        or (len({t[0] for t in times}) == 1 and signals.OPT_OUT.search(new_text))
        or (word and _in_a_labelled_field(new_text, times[0][2]))
    )
    if not forced and not confirmed:
        return _possible(message, "an interview at a time no one has confirmed")
    if not forced and not cancelled and _proposes_times(times, new_text):
        return _possible(message, "times are proposed; none is confirmed yet")
    if not forced and not cancelled and _asked_about(new_text, times[0][2]):
        # "Would Thursday 29th or Friday 30th October at 4pm GMT work for you?"
        return _possible(message, "a time is asked about; it is not confirmed yet")
    evidence += job if job is not None else _candidacy(message, [], context)
    start, end, phrase = times[0]
    evidence.append(f"a time: '{phrase[:60]}'")
    if end is None:
        later = [t for t in times[1:] if t[0] >= start]
        if later and later[-1][1] is not None and later[-1][1] - start <= timedelta(hours=9):
            end = later[-1][1]
    end = _end_of_schedule(times, new_text) or end
    if end is None:  # a length the new text gives, else the one its thread gave
        length = phrases.find_meeting_length(new_text) or phrases.find_meeting_length(
            QUOTE_MARKS.sub("", message.text[:20000])
        )
        end = start + length if length is not None else None
    from_address = message.from_
    company = verdict.company or extract.find_company(message, [], context.me, context.names)
    role = verdict.role or extract.find_role(message, [])
    people = _people(message, [], context, company)
    if forced:
        evidence.insert(0, "a rule marks it an interview")
    facts = InterviewFacts(
        uid=synthetic_uid(company or from_address.domain, start, message.message_id),
        sequence=0,
        stamp=message.date,
        start=start,
        end=end,
        company=company,
        role=role,
        people=tuple(people),
        location=_video_link(message.text),
        cancelled=cancelled,
        company_domains=_company_domains(message, people, [], _not_the_company(context)),
        evidence=(
            "plain-text cancellation" if cancelled else "plain-text confirmation",
            *evidence,
        ),
        **_own_words(message, message.subject, ""),
    )
    if not forced and not company and not people:
        return _possible(message, "an interview notice that names no company and no one")
    return Finding(
        FindingKind.CANCEL if cancelled else FindingKind.INTERVIEW,
        interview=facts,
        company=company,
        company_domain=(facts.company_domains or ("",))[0],
        reason="plain-text cancellation" if cancelled else "plain-text confirmation",
    )


# A field of a notice: "When: ...", "Wanneer: ...", "Heure : ...", "Termin: ...", "När: ...".
_FIELD_LABEL = re.compile(
    r"[ \t]*(?:[-•*–]\s*)?[^\W\d_][^\W\d]{1,14}(?:[ \t][^\W\d]{1,14})?[ \t]?:[ \t]"
)
_NOT_A_TIME_FIELD = re.compile(
    r"\s*(?:deadline|due|respond|reply|answer|expires?|frist|délai|plazo|scadenza|prazo)", re.I
)


def _in_a_labelled_field(text: str, phrase: str) -> bool:
    """The meeting's time is the value of a labelled field, as a notice of a settled meeting
    writes it in any language ("Wanneer: dinsdag 10 november, 14:00"); a proposal writes its
    times in sentences or as a list of options (several times: `_proposes_times`)."""
    at = text.find(phrase[:24])
    if at < 0:
        return False
    line_start = text.rfind("\n", 0, at) + 1
    label = _FIELD_LABEL.match(text, line_start)
    return (
        label is not None
        and label.end() <= at
        and not _NOT_A_TIME_FIELD.match(text, line_start)
        and "\n" not in text[line_start:at]
    )


# "moved to Monday 19th October, same time", "décalé au jeudi 5 novembre, même heure"
_SAME_TIME = re.compile(
    r"(?:at\s+)?(?:the\s+)?same\s+time|(?:à\s+la\s+)?même\s+heure|(?:a\s+la\s+)?misma\s+hora|"
    r"(?:alla\s+)?stessa\s+ora|(?:zur\s+)?gleichen\s+(?:Uhr)?zeit|(?:à\s+)?mesma\s+hora|"
    # Dutch, Nordic, Catalan, Polish, Finnish, Czech, Turkish, Romanian
    r"(?:op\s+)?(?:hetzelfde|zelfde)\s+(?:uur|tijdstip|tijd)|(?:på\s+|til\s+)?samm[ae]\s+tid|"
    r"(?:a\s+la\s+)?mateixa\s+hora|o\s+tej\s+samej\s+godzinie|samaan\s+aikaan|"
    r"ve\s+stejn[ýy]\s+čas|aynı\s+saatte|la\s+aceea[șş]i\s+or[ăa]",
    re.I,
)


def _same_time_on_a_new_day(
    message: MailMessage, new_text: str, sent: datetime, tz: ZoneInfo
) -> list[tuple[datetime, datetime | None, str]]:
    """A move to a new day "at the same time": the clock time is the earlier message's, read
    in the zone the thread named (or the user's), on the day the new text gives."""
    said = _SAME_TIME.search(new_text)
    if said is None or new_text == message.text[:20000]:
        return []
    earlier = message.text[:20000][len(new_text) :] or message.text[:20000]
    zone = phrases.zone_named_in(message.text[:20000])
    zone = zone if isinstance(zone, ZoneInfo) else tz
    before = phrases.find_meeting_times(
        QUOTE_MARKS.sub("", earlier), sent - timedelta(days=60), zone
    )
    if not before:
        return []
    start, end, _ = before[0]
    local = start.astimezone(zone)
    length = end - start if end is not None else None
    restated = new_text[: said.start()] + f" at {local:%H:%M} " + new_text[said.end() :]
    found = phrases.find_meeting_times(restated, sent, zone)
    return [(s, s + length if length and e is None else e, p) for s, e, p in found[:1]]


def _dated_by_the_thread(
    times: list[tuple[datetime, datetime | None, str]],
    message: MailMessage,
    new_text: str,
    sent: datetime,
    zone: ZoneInfo,
) -> list[tuple[datetime, datetime | None, str]]:
    """ "Perfect, then we're set for Wednesday at 14:00", answering an offer of "Wednesday,
    November 11 at 14:00": a weekday with no date is the one the quoted thread dated, at the
    same clock time, rather than the next such weekday."""
    if (
        not times
        or new_text == message.text[:20000]
        or re.search(r"\d", zones.CLOCK_TIME.sub(" ", times[0][2]))  # it writes its date
    ):
        return times
    quoted = QUOTE_MARKS.sub("", message.text[len(new_text) : 20000])
    start, end, phrase = times[0]
    local = start.astimezone(zone)
    for earlier, _end, _phrase in phrases.find_meeting_times(quoted, sent, zone):
        other = earlier.astimezone(zone)
        if (
            other.date() > local.date()
            and other.weekday() == local.weekday()
            and other.time() == local.time()
        ):
            shift = earlier - start
            return [(earlier, end + shift if end else None, phrase), *times[1:]]
    return times


def _time_the_thread_agreed(
    message: MailMessage, sent: datetime, tz: ZoneInfo
) -> list[tuple[datetime, datetime | None, str]]:
    """A short confirmation that restates no time ("Great, locked in!", "allora confermiamo
    domani alle 15"): the time is the one the message it answers named, when that message (the
    first one it quotes, usually the user's pick) names exactly one."""
    text = message.text[:20000]
    header = QUOTE_HEADER.search(text)
    if header is None:
        return []
    quoted = QUOTE_MARKS.sub("", text[header.end() :])
    earlier = QUOTE_HEADER.search(quoted)
    answered = quoted[: earlier.start()] if earlier else quoted
    zone = phrases.zone_named_in(text)
    times = phrases.find_meeting_times(answered, sent, zone if isinstance(zone, ZoneInfo) else tz)
    times = [t for t in times if t[0] >= sent - timedelta(hours=1)]
    return times[:1] if len({t[0] for t in times}) == 1 else []


# The closing of a letter, where its signature begins: "Warm regards,", "Viele Grüße",
# "Cordialement", "Saludos", "Um abraço".
_CLOSING = re.compile(
    r"^[ \t]*(?:(?:kind|best|warm|warmest|many)\s+(?:regards|wishes)|regards|best|cheers|thanks|"
    r"thank\s+you|sincerely|(?:mit\s+)?(?:freundlichen|besten|vielen|viele|liebe)\s+grüße(?:n)?|"
    r"grüße|cordialement|bien\s+(?:à\s+vous|cordialement)|saludos|un\s+saludo|atentamente|"
    r"abraços?|um\s+abraço|atenciosamente|cordiali\s+saluti|distinti\s+saluti|saluti|"
    r"met\s+vriendelijke\s+groet(?:en)?|groeten|med\s+vänliga\s+hälsningar|hälsningar|"
    r"med\s+venlig\s+hilsen|hilsen|pozdrawiam|s\s+pozdravem)\b[^\n]{0,20}$",
    re.I | re.M,
)
# A line that gives a street address: a number beside a word, or a postal code.
_ADDRESS_LINE = re.compile(r"\d+\s+[^\W\d_]|[^\W\d_]\s+\d+\b|\b\d{4,6}\b")


def _venue_zone(new_text: str) -> ZoneInfo | None:
    """The zone of the place the meeting is at, when the message gives its address above the
    signature ("The Langham, New York, Fifth Avenue / 400 Fifth Avenue, New York, NY 10018"):
    a time with no zone is that place's clock, whoever writes from wherever."""
    closing = _CLOSING.search(new_text)
    body = new_text[: closing.start()] if closing else new_text
    found = {
        zone
        for line in body.splitlines()
        if _ADDRESS_LINE.search(line) and not zones.CLOCK_TIME.search(line)  # a time converts
        for zone in zones.places_named(line)
    }
    if len(found) != 1:
        return None
    name = found.pop()
    try:
        return ZoneInfo(name)
    except (ValueError, OSError):
        return None


# Country-code domains that are sold as generic names ("startup.io", "acme.co"): Google's list
# of generic ccTLDs. They say nothing of where the sender is.
_GENERIC_CCTLDS = frozenset(
    [
        "ad",
        "as",
        "bz",
        "cc",
        "cd",
        "co",
        "dj",
        "fm",
        "io",
        "la",
        "me",
        "ms",
        "nu",
        "sc",
        "sr",
        "su",
        "tv",
        "tk",
        "ws",
        "ai",
        "gg",
        "ly",
        "to",
        "sh",
        "im",
        "ac",
        "vc",
    ]
)
_TLD_TERRITORY = {"uk": "GB", "eu": ""}


def _senders_zone(message: MailMessage, new_text: str, context: Context) -> ZoneInfo | None:
    """The zone of a sender whose clock is not the user's: the Date header's offset, read
    through the places the message names (its signature's city), its domains' countries and
    its language, when all the zones they allow keep that offset (a d.vinci notice sent at
    +0200 signed in Hamburg: Europe/Berlin, so its "14:00 bis 15:00 Uhr" on 29 October is
    CET). Never another zone of the user's own country: "Thursday at 2" from Denver stays
    the user's time, as the user would read it."""
    offset, when = message.date_offset, message.date
    if offset is None or when is None or offset == when.astimezone(context.tz).utcoffset():
        return None
    territories = zones.territory_zones()
    own = {c for c, names in territories.items() if context.tz.key in names}
    domains = {a.domain for a in (message.from_, *message.reply_to) if a.domain}
    domains |= {a.rpartition("@")[2].lower() for a in _ADDRESS_IN_TEXT.findall(new_text)}
    codes = []
    for domain in sorted(domains):
        tld = domain.rpartition(".")[2].lower()
        if len(tld) == 2 and tld not in _GENERIC_CCTLDS:
            codes.append(_TLD_TERRITORY.get(tld, tld.upper()))
    language = detect_language(new_text)
    hints = (
        zones.places_named(new_text),
        [z for c in codes for z in territories.get(c, ())],
        []
        if language == "en"
        else [
            z
            for c in zones.language_territories().get(language, ())
            for z in territories.get(c, ())
        ],
    )
    for group in hints:
        zone = zones.zone_keeping_offset(offset, when, group)
        if zone is not None:
            return None if any(zone.key in territories.get(c, ()) for c in own) else zone
    if offset == timedelta(0):
        # "+0000" that no place fits is a server's clock (a platform's, a mail relay's), not
        # the writer's: the country of the sender's own domain says the zone, where it has one
        return _country_zone(message, territories, context)
    return None


def _country_zone(
    message: MailMessage, territories: dict[str, tuple[str, ...]], context: Context
) -> ZoneInfo | None:
    """The one clock of the country of the sender's domain ("jobs.nhs.uk": London), never the
    user's own country; None where the country has several clocks or the domain is generic."""
    tld = message.from_.domain.rpartition(".")[2].lower()
    if len(tld) != 2 or tld in _GENERIC_CCTLDS or message.date is None:
        return None
    names = territories.get(_TLD_TERRITORY.get(tld, tld.upper()), ())
    if not names or context.tz.key in names:
        return None
    return zones.zone_keeping_offset(
        message.date.astimezone(ZoneInfo(names[0])).utcoffset() or timedelta(0),
        message.date,
        names,
    )


def _slot_the_reply_picked(
    message: MailMessage, new_text: str, sent: datetime, tz: ZoneInfo
) -> list[tuple[datetime, datetime | None, str]]:
    """A short reply that settles on one of the times its thread offered by naming only what
    tells it apart ("Thursday it is, 4pm our time", "Fechado! Quinta às 10h"): that time, with
    the date and zone the thread gave it."""
    text = message.text[:20000]
    if not new_text.strip() or new_text == text or len(new_text) > 1500:
        return []
    zone = phrases.zone_named_in(text)
    earlier = QUOTE_MARKS.sub("", text[len(new_text) :])
    return picks.slot_picked(new_text, earlier, sent, zone if isinstance(zone, ZoneInfo) else tz)


def _thread_times(
    message: MailMessage, new_text: str, sent: datetime, tz: ZoneInfo, *, reader: ZoneInfo
) -> list[tuple[datetime, datetime | None, str]]:
    """The meeting times of a message. In a reply whose new text writes a time with no zone
    ("that's booked in, Wednesday at 3"), the time is in the zone the thread named for it
    ("between 2pm and 4pm UK time"), and "tomorrow" is the sender's tomorrow there."""
    text = message.text[:20000]
    near = message.date_offset
    times = phrases.find_meeting_times(text, sent, tz, reader=reader, near=near)
    if new_text == text or not new_text.strip():
        return times
    zone = phrases.zone_named_in(text)
    if not isinstance(zone, ZoneInfo) or zone == tz:
        return times
    as_user = phrases.find_meeting_times(new_text, sent, tz, reader=reader, near=near)
    as_thread = phrases.find_meeting_times(new_text, sent, zone, reader=reader, near=near)
    if not as_user or not as_thread or as_user[0][0] == as_thread[0][0]:
        return times  # the new text writes its own zone, or no time
    if len({t[0] for t in as_user}) < len({t[0] for t in as_thread}):
        # "17:00 our time (11:00 for you in New York)": read in the sender's zone, the two
        # clocks the new text gives are one instant; the thread's zone was the reader's
        return times
    return as_thread + [t for t in times if t not in as_user]


# The greeting a message opens with, and the name in it: "Dear Alexis,", "Hi Maya -",
# "Sehr geehrter Herr Rivera,", "Bonjour Monsieur Rivera". Words for everyone ("team", "all",
# "there") name no one.
_GREETING = re.compile(
    r"\A\s*(?:hi|hello|hey|dear|good\s+(?:morning|afternoon|evening)|hola|buenos\s+d[ií]as|"
    r"bonjour|salut|hallo|guten\s+tag|ciao|buongiorno|olá|ola|bom\s+dia|hej|hoi|beste|"
    r"estimad[oa]|querid[oa]|gentile|car[oa]|liebe[r]?|sehr\s+geehrte[r]?|prezad[oa]|ch[eè]re?)"
    r",?\s+(?:(?:mr|mrs|ms|mx|dr|herr|frau|monsieur|madame|m|mme|señora?|sr|sra|sig|signora?|"
    r"senhora?)\.?\s+)?(?P<name>[^\W\d_][\w'’-]{1,30})\s*[,!:–—-]",
    re.I,
)
_EVERYONE = frozenset(
    [
        "team",
        "all",
        "everyone",
        "there",
        "folks",
        "candidate",
        "candidates",
        "friend",
        "friends",
        "equipo",
        "équipe",
        "tutti",
        "todos",
        "tous",
        "zusammen",
    ]
)


def _greeted(text: str) -> str:
    """The name the message greets, lower case, or ""."""
    m = _GREETING.match(text)
    name = m["name"].lower() if m else ""
    return "" if name in _EVERYONE else name


def _is_the_user(name: str, message: MailMessage, context: Context) -> bool:
    """`name` is a word of the user's name (the config's, or as the message writes it)."""
    own = _names_of_the_user(message, [], context) | {
        w for n in context.names for w in re.findall(r"\w{2,}", n.lower())
    }
    return not own or fold(name) in {fold(w) for w in own}


def _possible(message: MailMessage, why: str) -> Finding:
    return Finding(FindingKind.POSSIBLE, reason=why)


# The way a hiring meeting is offered ("Ollie would love to meet you"): with a time and a
# confirmation but no job named, the message is worth showing, not acting on.
_WANTS_TO_MEET_YOU = re.compile(
    r"\b(?:would\s+(?:love|like)|keen|excited|wants?)\s+to\s+(?:meet|chat\s+with|speak\s+(?:with|to)|"
    r"talk\s+(?:with|to))\s+you\b",
    re.I,
)


def _possible_meeting(message: MailMessage, context: Context) -> Finding | None:
    """A confirmed meeting offered to the user by someone at a company, with a time, but with
    no sign it is for a job: possible, never acted on (the caller has seen the meeting and its
    confirmation)."""
    if not _WANTS_TO_MEET_YOU.search(strip_quoted(message.text[:6000])):
        return None
    if platforms.is_generic(message.from_.domain) or _users_own_meeting(message, [], context):
        return None
    if not phrases.find_meeting_times(message.text[:20000], _sent(message, context), context.tz):
        return None
    return _possible(message, "a meeting with someone at a company, with no job named")


# A JOB_CONTEXT match of two words says something of a job only through its noun: "the
# vacancy", "Ihre Bewerbung", "the position"; "your application" (to adopt, to join a board),
# "votre candidature" (to a language school), "the opening" (of a retreat), "the role" (of a
# steward) and "a job" (an interpreter's) do not. A longer one names the job ("the Marketing
# Analytics Manager opening").
_JOB_NOUN = re.compile(
    r"hiring|recruit|vacan|stelle|bewerbung|poste|puesto|vaga|vacature|sollicitat|posi[tcç]i|"
    r"position|stanowisk|pozic|pozisyon|postul|tjänst|stilling|tehtäv|rekryt|rekrut|selecci|"
    r"selezion|sele[çc]|assunzion|embauche|contrata",
    re.I,
)


def _names_a_job(phrase: str) -> bool:
    words = phrase.split()
    if _JOB_NOUN.search(phrase):
        return True
    # the words between are the job's name, not a sentence ("your resume and with preparing
    # for job interviews")
    return len(words) > 2 and not any(w.lower() in _NOT_IN_A_JOB_NAME for w in words[1:-1])


# "tu candidatura para Head of Partnerships", "your application for Senior Data Engineer": the
# job's title after the words that name an application.
_FOR_A_TITLE = re.compile(
    r"\s{1,3}(?:para|for|pour|per|für|voor|na|pro|do|al|au|a)\s{1,3}(?:(?:el|la|the|le|il|o|a|die|"
    r"der|das|de)\s{1,3})?(?:(?:puesto|position|poste|posizione|Stelle|vaga|role)\s{1,3}(?:de|of|"
    r"di|als)?\s{0,3})?(?P<title>(?-i:[A-Z][\w/&-]*)(?:\s{1,3}(?:of|de|for|&|(?-i:[A-Z][\w/&-]*)))"
    r"{0,5})",
    re.I,
)


def _title_follows(text: str, at: int) -> bool:
    m = _FOR_A_TITLE.match(text, at)
    return m is not None and is_title(m["title"])


_NOT_IN_A_JOB_NAME = frozenset(
    re.findall(r"\S+", "and or with for to in on at by is are was be you your we our this that")
)


# A signature that shows hiring: a recruiting or HR title ("Talent Acquisition", "HR menadžer",
# "People & Culture"), or a search or staffing firm; not any "Coordinator", who may book anything.
_HIRING_SIGNATURE = re.compile(
    rf"(?:{signals.RECRUITER_TITLES.pattern})|staffing|headhunt|executive\s+search|"
    r"(?-i:\b[A-Z]\w+\s+Search\b)",
    re.I,
)
_COORDINATOR = re.compile(r"coordinat", re.I)
# a signature's lines, above the legal notice a firm may add (long lines, not read)
_SIGNATURE_LINES = 10
_SIGNATURE_LINE_LENGTH = 100
_RULE_LINE = re.compile(r"^[ \t]*[-_=*—]{5,}[ \t]*$", re.M)


def _candidacy(message: MailMessage, events: list[CalEvent], context: Context) -> list[str]:
    """What shows the user is a candidate for a job, in short phrases; [] when nothing does.

    Stronger than a meeting's job evidence: the bare word "interview", "your application" or a
    coordinator's signature are no proof (an adoption, a board, a study and a survey have all
    three). A job's own interview phrase ("job interview", "Vorstellungsgespräch"), a job title
    the mail names, hiring words, an applicant-tracking system or job board, a recruiter's
    signature or an interview's thread are."""
    found: list[str] = []
    new_text = strip_quoted(message.text[:6000])
    described = "\n".join(f"{e.summary}\n{e.description[:3000]}" for e in events)
    heads = "\n".join([message.subject, *(e.summary for e in events)])
    texts = f"{heads}\n{new_text}\n{described}"
    if _job_interview_named(texts):
        found.append("a job interview named")
    if extract.find_role(message, events) or extract.names_an_occupation(heads):
        found.append("a job title named")
    unlinked = _URL.sub(" ", texts)
    if signals.HIRING_CONTEXT.search(unlinked) or any(
        _names_a_job(m[0]) or _title_follows(unlinked, m.end())
        for m in signals.JOB_CONTEXT.finditer(unlinked)
    ):
        found.append("hiring words")
    senders = [message.from_, *message.reply_to, *([message.sender] if message.sender else [])]
    domains = [a.domain for a in senders if a.domain]
    domains += [e.organizer.email.rpartition("@")[2] for e in events if e.organizer]
    platform = next((p for d in domains for p in [platforms.platform_of(d)] if p), None)
    if platform is not None and platform.kind in platforms.HIRING:
        found.append(f"sent through {platform.name}")
    # the last lines of each block a rule divides ("Human Resources Advisor, Staffing" above the
    # French half of a bilingual letter; "Selección de Personal" in a board's relayed message),
    # or the sender's name
    lines = [
        line
        for block in _RULE_LINE.split(new_text)
        for line in [line for line in block.splitlines() if line.strip()][-_SIGNATURE_LINES:]
        if len(line) <= _SIGNATURE_LINE_LENGTH
    ]
    if any(
        m is not None and not _COORDINATOR.match(m[0])
        for line in [*lines, message.from_.name or ""]
        for m in [_HIRING_SIGNATURE.search(line)]
    ):
        found.append("signed by a recruiter")
    if events and _invited_about_a_job(message, events, context):
        found.append("an invitation about a job")
    if context.in_interview_thread is not None and context.in_interview_thread(message):
        found.append("a reply in an interview's thread")
    elif context.known_company is not None and context.known_company(message):
        found.append("from the company of a known interview")
    elif len(new_text) < len(message.text[:6000]):
        # a reply whose quoted thread shows the job, by the same measure: "Fechado! Quinta às
        # 10h", answering "Gostamos muito do seu perfil para a vaga de Product Manager Sênior"
        quoted = _URL.sub(" ", QUOTE_MARKS.sub("", message.text[len(new_text) : 12000]))
        if _job_interview_named(quoted) or any(
            _names_a_job(m[0]) or _title_follows(quoted, m.end())
            for m in signals.JOB_CONTEXT.finditer(quoted)
        ):
            found.append("a reply to a thread about a job")
    return found


def _job_interview_named(text: str) -> bool:
    """A job's own interview phrase ("technical interview", "Vorstellungsgespräch"), not one
    that any selection has."""
    return any(
        signals.is_job_interview_phrase(m[0]) for m in signals.INTERVIEW_WORDS.finditer(text)
    )


# Offering times to choose from rather than confirming one.
_PROPOSAL = re.compile(
    r"\bwhich\s+(?:one|of\s+(?:these|them|the\s+\w+)|works|suits|would\s+work|is\s+best)|"
    r"\blet\s+(?:me|us)\s+know\s+(?:which|what\s+works|if\s+any\b(?!thing))|"
    # "em um destes horários", "en uno de estos horarios", "à l'un de ces créneaux"
    r"\b(?:um|uno|una|l'un|einem|uno)\s+(?:destes|destas|de\s+estos|de\s+estas|de\s+ces|dieser|di\s+questi)\s|"
    r"\b(?:two|three|four|a\s+few|some|these|the\s+following)\s+(?:slots|options|times)\b|"
    r"\beither\s+of\s+these|\bcu[áa]l\s+(?:te|le)\s+(?:viene|va|acomoda|sirve|conviene|queda)|"
    r"\blaquelle|\bwelche[rsn]?\s+"
    r"(?:termin|zeit)|\bquale\s+(?:preferisci|ti\s+va)|\bqual\s+(?:prefere|funciona)",
    re.I,
)


def _asked_about(text: str, phrase: str) -> bool:
    """The sentence that gives the time is a question offering a choice ("Would Thursday 29th
    or Friday 30th at 4pm work?"). A question with one time ("Talk Thursday at 11?", "Can we
    move to Friday 11am?") is how people confirm in a hurry, and stays a confirmation."""
    at = text.find(phrase[:24])
    if at < 0:
        return False
    begin = max(text.rfind(c, 0, at) for c in ".?!\n") + 1
    end = re.search(r"[.?!\n]\s", text[at + len(phrase) :] + "\n ")
    stop = at + len(phrase) + (end.start() if end else 0)
    return text[stop : stop + 1] == "?" and bool(_OR.search(text, begin, stop))


_OR = re.compile(r"\b(?:or|ou|o|oder|of|eller|tai|lub|nebo|veya|ή)\b", re.I)


def _proposes_times(times: list[tuple[datetime, datetime | None, str]], text: str) -> bool:
    """Two or more different slots offered to choose from ("They have two slots: ... let me
    know which one works"), not a schedule of blocks."""
    starts = {t[0] for t in times}
    return len(starts) >= 2 and bool(_PROPOSAL.search(text))


_LONGEST_SCHEDULE = timedelta(days=7)
# A message listing several blocks of one process ("your interviews", "your schedule") rather
# than times to choose from ("which of these works", "options", "or").
_SCHEDULE_WORDS = re.compile(r"\b(?:interviews|schedule|itinerary|agenda|blocks|sessions)\b", re.I)
_CHOICE_WORDS = re.compile(
    r"\b(?:or|options?|alternatives?|choose|pick|select|which\s+(?:of|one|"
    r"works|suits)|availability|available\s+slots?|either)\b",
    re.I,
)


def _end_of_schedule(
    times: list[tuple[datetime, datetime | None, str]], text: str
) -> datetime | None:
    """The end of the last block when a text confirms a schedule of blocks on different days
    (tests/corpus/README.md: start of the first block, end of the last), or None."""
    if len(times) < 2 or any(t[1] is None for t in times) or not _SCHEDULE_WORDS.search(text):
        return None
    if _CHOICE_WORDS.search(text):
        return None
    starts = [t[0] for t in times]
    if starts != sorted(set(starts)) or starts[-1] - starts[0] > _LONGEST_SCHEDULE:
        return None
    return times[-1][1]


# A LOCATION that names a medium but gives no way in ("FaceTime", "Video call (see
# confirmation email)", "Microsoft Teams Meeting"): the join link is elsewhere in the mail.
_VAGUE_PLACE = re.compile(
    r"^\s*$|^\D*\b(?:video|call|zoom|teams|meet|webex|facetime|whereby|chime|bluejeans|"
    r"online|virtual|remote|web\s*conference|link|see\b)",
    re.I,
)


def _video_link(text: str) -> str:
    """The first join URL in a text; links the HTML reduction kept as "<https://...>" count."""
    return ical.conference_link(text)


def _location(message: MailMessage, event: CalEvent) -> str:
    """Where the interview is: the invite's join URL (from its conference properties, URL,
    LOCATION or DESCRIPTION), else a join URL in the mail's text when the invite's LOCATION is
    empty or only names the medium, else the LOCATION as written (an address, a room, a
    phone number)."""
    if event.conference_url:
        return event.conference_url
    if _VAGUE_PLACE.search(event.location):
        return _video_link(message.text) or event.location
    return event.location


def _after_interview(message: MailMessage, context: Context, sender_domain: str) -> Finding:
    """A message that is not an interview: rejection, offer, or an ordinary reply. Mail that
    gives orders to a program is none of these: nothing is taken from it."""
    text = message.text[:20000]
    body_top = strip_quoted(text)
    if signals.INSTRUCTIONS_TO_A_PROGRAM.search(f"{message.subject}\n{body_top}"):
        return Finding(FindingKind.NONE, reason="instructions to a program")
    sent = _sent(message, context)
    if message.has_tnef and signals.INTERVIEW_WORDS.search(message.subject):
        log.info("message %s: a winmail.dat invite; details are unreadable", message.message_id)
    if context.related is not None and not context.related(message):
        # an outcome matters only from a company (or a thread, or a scheduling service) of an
        # interview the agent knows: the outcome phrases, a line per language, are not read in
        # the rest of the mailbox
        return Finding(FindingKind.REPLY, company_domain=sender_domain, reason="a message")
    if signals.REJECTION.search(body_top) and not signals.is_offer(body_top):
        return Finding(FindingKind.REJECTION, company_domain=sender_domain, reason="rejection")
    if signals.is_offer(body_top) or signals.is_offer(message.subject):
        return Finding(FindingKind.OFFER, company_domain=sender_domain, reason="offer")
    timeline = phrases.find_timeline(body_top, sent, context.tz, context.business)
    requests = phrases.find_requests(body_top, sent, context.tz, context.business, undated=True)
    return Finding(
        FindingKind.REPLY,
        company_domain=sender_domain,
        timeline=timeline,
        requests=requests,
        reason="a message",
    )
