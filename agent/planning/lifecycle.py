"""Lifecycles: where each interview stands, and where each application stands.

An interview is `scheduled`, `done` or `cancelled`. An application is one company's process
across all its interviews (grouped by a shared company domain, else the same company name):

- `interviewing`: a round that is not cancelled is still ahead (or under way);
- `awaiting`: the last round is done and no decision has come;
- `offer` / `rejected`: the company's latest decision, unless a later round was scheduled
  after it (then the process goes on and the decision no longer stands);
- `closed`: every round was cancelled, or, while awaiting, nothing happened for
  `close_after_days` days after the last exchange, the last stated timeline and the last
  follow-up still planned or in Drafts.

Pure: values in, values out, `now` passed in. The planner uses the same relations (which
messages belong to an interview, which interviews belong together), indexed once per plan
(`Relations`, `company_keys`) so a pass costs in proportion to each interview's own mail, not
interviews times messages.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from agent.model import FindingKind, Interview, InterviewStatus, MessageRecord


class Stage(enum.StrEnum):
    INTERVIEWING = "interviewing"
    AWAITING = "awaiting"
    OFFER = "offer"
    REJECTED = "rejected"
    CLOSED = "closed"


_LABELS = {
    Stage.INTERVIEWING: "interviewing",
    Stage.AWAITING: "awaiting a decision",
    Stage.OFFER: "offer",
    Stage.REJECTED: "rejected",
    Stage.CLOSED: "closed",
}


@dataclass(frozen=True)
class Application:
    """One company's process as seen at `now`."""

    company: str
    interview_ids: tuple[str, ...]  # in order of start
    stage: Stage
    since: datetime | None  # when it entered this stage, when known
    reason: str  # one line: why it is in this stage

    def headline(self, tz: ZoneInfo) -> str:
        """'awaiting a decision since Oct 2', 'closed (every interview was cancelled)'."""
        text = _LABELS[self.stage]
        if self.since is not None:
            text += f" since {day(self.since, tz)}"
        return f"{text} ({self.reason})" if self.reason else text


def day(value: datetime, tz: ZoneInfo) -> str:
    local = value.astimezone(tz)
    return f"{local:%b} {local.day}"


def end_of(interview: Interview, default_minutes: int) -> datetime:
    facts = interview.facts
    if facts.end is not None and facts.end > facts.start:
        return facts.end
    return facts.start + timedelta(minutes=default_minutes)


def interview_status(interview: Interview, now: datetime, default_minutes: int) -> InterviewStatus:
    if interview.facts.cancelled:
        return InterviewStatus.CANCELLED
    return (
        InterviewStatus.DONE
        if end_of(interview, default_minutes) <= now
        else (InterviewStatus.SCHEDULED)
    )


def related(
    interview: Interview, messages: Iterable[MessageRecord], *, sent: bool
) -> list[MessageRecord]:
    """The messages between the user and this interview's company: sent ones addressed to its
    people or domain; received ones from them, or in the thread of the invitation or of a
    message the user sent them (an interviewer answering a thank-you from another address).
    The definition, one scan; planning asks `Relations`, which answers the same from an index."""
    facts = interview.facts
    domains = set(facts.company_domains)
    people = {p.email for p in facts.people if p.email}
    messages = list(messages)
    mine = (
        set()
        if sent
        else {m.message_id for m in related(interview, messages, sent=True) if m.message_id}
    )
    result = []
    for message in messages:
        if message.is_sent != sent or message.kind == FindingKind.EVENT:
            continue
        if sent:
            hit = any(a.email in people or a.domain in domains for a in message.to)
        else:
            hit = (
                message.from_.email in people
                or (bool(message.from_.domain) and message.from_.domain in domains)
                or bool(message.company_domain and message.company_domain in domains)
            )
            if not hit and interview.source_message_id:
                hit = interview.source_message_id in message.thread_ids
            if not hit and mine:
                hit = not mine.isdisjoint(_answered(message))
        if hit:
            result.append(message)
    return result


def _answered(message: MessageRecord) -> set[str]:
    """The Message-IDs a message answers (its own not among them)."""
    return {*message.references, message.in_reply_to} - {""}


_Keys = tuple[frozenset[str], frozenset[str], frozenset[str]]  # addresses, domains, threads


def _keys(interview: Interview, *, sent: bool) -> _Keys:
    """What relates a message to this interview, in the terms `Relations` indexes by."""
    facts = interview.facts
    threads = () if sent or not interview.source_message_id else (interview.source_message_id,)
    return (
        frozenset(p.email for p in facts.people if p.email),
        frozenset(facts.company_domains),
        frozenset(threads),
    )


class Relations:
    """The messages of one plan, indexed once by what can relate them to an interview, so each
    interview looks only at its own: `related` answers what a scan of every message would
    (the same messages, in the same order) without the scan.

    Received messages are found by sender address, sender domain or company domain, and every
    Message-ID of their thread; sent ones by the address and domain of each recipient (an
    address without a domain has the domain "", as `Address.domain` says)."""

    def __init__(self, messages: Sequence[MessageRecord]) -> None:
        # a company's event invitation is no exchange with it (`related` leaves it out too)
        self.messages = tuple(m for m in messages if m.kind != FindingKind.EVENT)
        # [sent]: (by address, by domain, by thread), each key to positions in `messages`
        self._index: tuple[tuple[dict[str, list[int]], ...], ...] = (({}, {}, {}), ({}, {}, {}))
        self._by_address: dict[str, list[int]] = {}
        self._memo: dict[tuple[bool, _Keys, frozenset[str]], list[MessageRecord]] = {}
        # id() of an interview asked about: it (held, so the id stays its) and its keys
        self._asked: dict[int, tuple[Interview, _Keys, _Keys]] = {}
        received, sent = self._index
        for n, message in enumerate(self.messages):
            sender = message.from_.email
            if message.is_sent:
                addresses = {a.email for a in message.to if a.email}
                domains = {a.domain for a in message.to}
                threads: set[str] = set()
                by_address, by_domain, by_thread = sent
            else:
                addresses = {sender} if sender else set()
                domains = {d for d in (message.from_.domain, message.company_domain) if d}
                threads = {*message.references, message.in_reply_to, message.message_id}
                threads.discard("")
                by_address, by_domain, by_thread = received
            for key in addresses:
                by_address.setdefault(key, []).append(n)
            for key in domains:
                by_domain.setdefault(key, []).append(n)
            for key in threads:
                by_thread.setdefault(key, []).append(n)
            for email in {sender, *(a.email for a in message.to)}:
                self._by_address.setdefault(email, []).append(n)

    def related(self, interview: Interview, *, sent: bool) -> list[MessageRecord]:
        """What the module function `related` returns; the list is shared, never change it."""
        asked = self._asked.get(id(interview))
        if asked is None or asked[0] is not interview:
            asked = self._asked[id(interview)] = (
                interview,
                _keys(interview, sent=False),
                _keys(interview, sent=True),
            )
        mine: frozenset[str] = (
            frozenset()
            if sent
            else frozenset(m.message_id for m in self.related(interview, sent=True) if m.message_id)
        )
        memo_key = (sent, asked[2] if sent else asked[1], mine)
        found = self._memo.get(memo_key)
        if found is None:
            hits = {
                n
                for index, keys in zip(self._index[sent], memo_key[1], strict=True)
                for key in keys
                for n in index.get(key, ())
            }
            by_thread = self._index[sent][2]  # answers to what the user sent (see `related`)
            hits |= {
                n
                for key in mine
                for n in by_thread.get(key, ())
                if not mine.isdisjoint(_answered(self.messages[n]))
            }
            found = self._memo[memo_key] = [self.messages[n] for n in sorted(hits)]
        return found

    def involving(self, email: str) -> list[MessageRecord]:
        """The messages from or to `email`, in order."""
        return [self.messages[n] for n in self._by_address.get(email, ())]


def same_company(a: Interview, b: Interview) -> bool:
    if set(a.facts.company_domains) & set(b.facts.company_domains):
        return True
    return bool(a.facts.company) and a.facts.company.lower() == b.facts.company.lower()


def company_keys(interview: Interview) -> set[str]:
    """Two interviews are of the same company (`same_company`) exactly when their keys meet."""
    keys = {f"d:{d}" for d in interview.facts.company_domains}
    if interview.facts.company:
        keys.add(f"c:{interview.facts.company.lower()}")
    return keys


def group(interviews: Sequence[Interview]) -> list[list[Interview]]:
    """Interviews of the same company together (transitively), each group in start order,
    groups in order of their first interview."""
    ordered = sorted(interviews, key=lambda i: (i.start, i.id))
    parent = list(range(len(ordered)))

    def root(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    first_with: dict[str, int] = {}
    for n, interview in enumerate(ordered):
        for key in company_keys(interview):
            other = first_with.setdefault(key, n)
            parent[root(n)] = root(other)
    members: dict[int, list[Interview]] = {}
    for n, interview in enumerate(ordered):
        members.setdefault(root(n), []).append(interview)
    return sorted(members.values(), key=lambda g: (g[0].start, g[0].id))


def _known_at(interview: Interview) -> datetime:
    stamp = interview.facts.stamp
    return min(stamp, interview.first_seen) if stamp is not None else interview.first_seen


def application(
    interviews: Sequence[Interview],
    messages: Sequence[MessageRecord],
    now: datetime,
    *,
    tz: ZoneInfo,
    default_minutes: int,
    close_after_days: int,
    ahead: Mapping[str, datetime],
    relations: Relations | None = None,
) -> Application:
    """The stage of one company's interviews. `ahead` maps an interview id to the latest
    `draft_at` of its follow-ups still planned or sitting in Drafts. `relations`, when given,
    is `messages` already indexed."""
    relations = Relations(messages) if relations is None else relations
    company = next((i.facts.company for i in interviews if i.facts.company), "")
    ids = tuple(i.id for i in interviews)
    live = [i for i in interviews if not i.facts.cancelled]
    inbound: dict[str, MessageRecord] = {}
    outbound: dict[str, MessageRecord] = {}
    for interview in interviews:
        for m in relations.related(interview, sent=False):
            inbound.setdefault(m.message_id, m)
        for m in relations.related(interview, sent=True):
            outbound.setdefault(m.message_id, m)
    decisions = sorted(
        (
            m
            for m in inbound.values()
            if m.kind in (FindingKind.REJECTION, FindingKind.OFFER) and m.date <= now
        ),
        key=lambda m: m.date,
    )
    if decisions:
        decision = decisions[-1]
        if not any(i.start > decision.date for i in live):
            if decision.kind == FindingKind.OFFER:
                return Application(
                    company,
                    ids,
                    Stage.OFFER,
                    decision.date,
                    "offer received on " + day(decision.date, tz),
                )
            who = decision.from_.name or decision.from_.email
            return Application(
                company,
                ids,
                Stage.REJECTED,
                decision.date,
                f"{who} declined on {day(decision.date, tz)}",
            )
    upcoming = [i for i in live if end_of(i, default_minutes) > now]
    if upcoming:
        since = min(min(_known_at(i) for i in upcoming), now)
        nxt = upcoming[0].start.astimezone(tz)
        return Application(
            company, ids, Stage.INTERVIEWING, since, f"next interview {day(nxt, tz)} {nxt:%H:%M}"
        )
    if not live:
        return Application(company, ids, Stage.CLOSED, None, "every interview was cancelled")
    last_end = max(end_of(i, default_minutes) for i in live)
    quiet_from = max(
        [
            last_end,
            *(
                m.date
                for m in inbound.values()
                if m.date <= now and not m.auto_reply and m.kind != FindingKind.OUT_OF_OFFICE
            ),
            *(m.date for m in outbound.values() if m.date <= now),
            *(
                datetime.combine(m.timeline.day, time(0), tz)
                for m in inbound.values()
                if m.timeline is not None and m.date <= now
            ),
            *(ahead[i] for i in ids if i in ahead),
        ]
    )
    closes = quiet_from + timedelta(days=close_after_days)
    if now >= closes:
        return Application(
            company,
            ids,
            Stage.CLOSED,
            closes,
            f"no news for {close_after_days} days after {day(quiet_from, tz)}",
        )
    said = sorted(
        (m for m in inbound.values() if m.timeline is not None and last_end <= m.date <= now),
        key=lambda m: m.date,
    )
    reason = ""
    if said and said[-1].timeline is not None:
        who = said[-1].from_.name.split()[0] if said[-1].from_.name else said[-1].from_.email
        reason = f"{who} wrote '{said[-1].timeline.phrase}' on {day(said[-1].date, tz)}"
    return Application(company, ids, Stage.AWAITING, last_end, reason)


def applications(
    interviews: Sequence[Interview],
    messages: Sequence[MessageRecord],
    now: datetime,
    *,
    tz: ZoneInfo,
    default_minutes: int,
    close_after_days: int,
    ahead: Mapping[str, datetime],
    relations: Relations | None = None,
) -> tuple[Application, ...]:
    """Every application, in order of its first interview. `relations`: as for `application`."""
    relations = Relations(messages) if relations is None else relations
    return tuple(
        application(
            g,
            messages,
            now,
            tz=tz,
            default_minutes=default_minutes,
            close_after_days=close_after_days,
            ahead=ahead,
            relations=relations,
        )
        for g in group(interviews)
    )
