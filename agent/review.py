"""The user in the loop: possible interviews to confirm or ignore, and interviews added by hand.

A message that looks like the user's interview but was not read with confidence is kept in the
state as a `possible` record, with the reason, and drafts nothing. `status` lists it; `confirm`
makes it an interview (from what the message says, and what the flags add), `ignore` drops it
for good. `add` records an interview that has no mail at all (a phone screen arranged by
phone). Decisions are kept in the state's meta table (`decided:<Message-ID>`), so a message
decided once is never offered again, also after the next pass reads it anew.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from email.utils import parseaddr

from agent.config.types import Config
from agent.errors import UsageError
from agent.ingest.mailbox import interview_id
from agent.model import (
    FindingKind,
    Interview,
    InterviewFacts,
    MessageRecord,
    Person,
    PersonRole,
)
from agent.state.store import StateStore

_DECIDED = "decided:"


def decision(state: StateStore, message_id: str) -> str:
    """ "confirmed", "ignored", or "" for a message the user has not decided on."""
    return state.get_meta(_DECIDED + message_id) or ""


def possible(state: StateStore, config: Config, now: datetime) -> list[MessageRecord]:
    """Possible interviews the user has not decided on, newest first, within the lookback."""
    since = now - timedelta(days=config.sync.lookback_days)
    found = [
        r
        for r in state.messages()
        if r.kind == FindingKind.POSSIBLE and r.date >= since and not decision(state, r.message_id)
    ]
    return sorted(found, key=lambda r: r.date, reverse=True)


def company_events(
    state: StateStore, interviews: Sequence[Interview], config: Config, now: datetime
) -> list[tuple[Interview, MessageRecord]]:
    """Invitations to events of the companies the user is interviewing with, each with the
    latest interview of its company, soonest first: those not yet past (or with no start
    given and received within the lookback)."""
    since = now - timedelta(days=config.sync.lookback_days)
    latest_first = sorted(interviews, key=lambda i: i.start, reverse=True)
    found = []
    for record in state.messages():
        if record.kind != FindingKind.EVENT or record.date < since:
            continue
        if record.start is not None and record.start < now:
            continue
        interview = next((i for i in latest_first if _of_company(record, i)), None)
        if interview is not None:
            found.append((interview, record))
    return sorted(found, key=lambda pair: pair[1].start or pair[1].date)


def _of_company(record: MessageRecord, interview: Interview) -> bool:
    domains = interview.facts.company_domains
    if record.company_domain and record.company_domain in domains:
        return True
    company = interview.facts.company.lower().strip()
    return len(company) > 2 and bool(
        re.search(rf"(?<!\w){re.escape(company)}(?!\w)", record.from_.name.lower())
    )


def message_id_of(state: StateStore, prefix: str) -> MessageRecord:
    """The stored message a Message-ID or a unique prefix of it names (with or without <>)."""
    wanted = prefix.strip().strip("<>")
    if not wanted:
        raise UsageError("give a Message-ID (or the start of one); 'status' lists them")
    matches = [r for r in state.messages() if r.message_id.strip("<>").startswith(wanted)]
    exact = [r for r in matches if r.message_id.strip("<>") == wanted]
    if exact:
        return exact[0]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UsageError(
            f"no message {prefix!r} is known; only mail read by a pass can be confirmed "
            "('interview-agent once' reads new mail; 'status' lists possible interviews)"
        )
    raise UsageError(f"{prefix!r} is the start of {len(matches)} Message-IDs; give more of it")


def ignore(state: StateStore, record: MessageRecord) -> None:
    state.set_meta(_DECIDED + record.message_id, "ignored")


def person(value: str, role: PersonRole) -> Person:
    """`"Dana Lee <dana@acme.com>"` (or a bare address, or a bare name) as a person."""
    name, email = parseaddr(value)
    if not name and not email:
        raise UsageError(f'expected "Name <address>", got {value!r}')
    if email and "@" not in email:
        name, email = (f"{name} {email}".strip(), "")
    return Person(name=name.strip(), email=email.strip().lower(), role=role)


def people_of(with_: Sequence[str], recruiter: str | None) -> tuple[Person, ...]:
    found = [person(v, PersonRole.INTERVIEWER) for v in with_]
    if recruiter:
        found.append(person(recruiter, PersonRole.RECRUITER))
    return tuple(found)


def by_hand(
    state: StateStore,
    *,
    company: str,
    start: datetime,
    end: datetime | None,
    role: str,
    people: tuple[Person, ...],
    now: datetime,
    message: MessageRecord | None = None,
    read: InterviewFacts | None = None,
) -> Interview:
    """Save an interview the user gave (`add`), or confirmed from a message (`confirm`): what
    the message said (`read`), with what the user wrote winning."""
    if end is not None and end <= start:
        raise UsageError("--end must be after --at")
    seed = f"{company.lower()}|{start.isoformat()}|{message.message_id if message else 'add'}"
    uid = "manual-" + hashlib.sha1(seed.encode()).hexdigest()[:16]
    base = read or InterviewFacts(
        uid=uid, sequence=0, stamp=now, start=start, end=end, company="", role="", people=()
    )
    domains = tuple(dict.fromkeys(p.email.rpartition("@")[2] for p in people if p.email))
    facts = replace(
        base,
        uid=base.uid if read is not None else uid,
        start=start,
        end=end if end is not None else base.end,
        company=company or base.company,
        role=role or base.role,
        people=people or base.people,
        company_domains=base.company_domains or domains,
        evidence=(
            ("confirmed by you", *base.evidence) if message is not None else ("added by you",)
        ),
    )
    interview = Interview(
        id=interview_id(facts.uid),  # the id ingesting gives the same UID
        facts=facts,
        first_seen=now,
        source="manual",
        source_message_id=message.message_id if message else "",
    )
    state.save_interview(interview)
    if message is not None:
        state.set_meta(_DECIDED + message.message_id, "confirmed")
    return interview
