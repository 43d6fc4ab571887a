"""Planning: from interviews, the messages around them and what was already drafted, decide
every follow-up (thank-you, action item, check-in), its deadline and what to do now.

Pure: `plan(world, settings, now)` returns a `Plan` of frozen follow-ups and actions; nothing
here reads a clock, a file or a server. The executor carries out the actions; `status`,
`preview` and `--dry-run` call the same function and stop there.

Keys are stable and carry what makes a follow-up distinct, so each is drafted at most once:
`thank_you/<interview>/<start>/<address>`, `check_in/<interview>/<n>`,
`action_item/<interview>/<hash of what and when>`, and for a task that takes days its
acknowledgement and progress update, `action_item/<interview>/<hash>/ack` and `.../progress`.

Which messages belong to an interview, which interviews share a company and which records an
interview has are answered from indexes built once per plan, so a plan costs in proportion to
the interviews and their own mail, not interviews times messages (benchmarks/plan_bench.py).
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from agent.businessdays import BusinessCalendar, local_instant
from agent.config.types import FollowupsConfig, Rule
from agent.model import (
    Address,
    Deadline,
    FindingKind,
    FollowUpKind,
    FollowUpRecord,
    FollowUpState,
    Interview,
    InterviewStatus,
    MessageRecord,
    Person,
    PersonRole,
    draft_tag,
    draft_tag_of,
    is_no_reply,
)
from agent.planning import lifecycle
from agent.planning.lifecycle import Application, Relations, end_of, interview_status
from agent.planning.requests import QUICK_KINDS, request_kind
from agent.understanding.phrases import needs_attachment

# What truly happened to a follow-up's draft: placed, sent, deleted, retired, edited. These
# are kept for good. What depends on the clock (planned, missed, and when each is due) is
# decided again on every pass from the interview's own times, so a pass run with a wrong clock
# (`--now`, or a machine whose clock jumped) cannot fix a decision for good.
STICKY = frozenset(
    {
        FollowUpState.DRAFTED,
        FollowUpState.SENT,
        FollowUpState.DISMISSED,
        FollowUpState.RETIRED,
        FollowUpState.STALE,
    }
)
DUE_TIME = time(17, 0)


@dataclass(frozen=True)
class Settings:
    me: frozenset[str]
    tz: ZoneInfo
    business: BusinessCalendar
    followups: FollowupsConfig
    rules: tuple[Rule, ...] = ()


@dataclass(frozen=True)
class World:
    interviews: tuple[Interview, ...]
    messages: tuple[MessageRecord, ...]
    records: dict[str, FollowUpRecord] = field(default_factory=dict)


@dataclass(frozen=True)
class FollowUp:
    """One follow-up as planned now."""

    key: str
    kind: FollowUpKind
    interview_id: str
    to: tuple[Address, ...]
    draft_at: datetime
    due: datetime
    state: FollowUpState
    reason: str
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    thread_subject: str = ""
    what: str = ""  # the promised or requested item (action items)
    # An action item's own draft (""), or the acknowledgement ("ack") or progress update
    # ("progress") of a task that takes days: kind `action_item` all three, keys apart.
    stage: str = ""
    named: tuple[str, ...] = ()  # interviewers to name when writing to the recruiter
    number: int = 1  # which check-in
    # The decision timeline the company gave, when a check-in counts from it (the draft names
    # its date), and the address of whoever gave it.
    timeline: Deadline | None = None
    timeline_from: str = ""
    # A company event the user accepted, which a check-in may mention in one line.
    event: AcceptedEvent | None = None


@dataclass(frozen=True)
class AcceptedEvent:
    """A company event the user said yes to (see `agent.ingest.rsvp`): its title as the
    invitation's subject gave it, and its start."""

    title: str
    start: datetime


# How long before the interview an accepted event may still be mentioned in a check-in.
EVENT_LOOKBACK = timedelta(days=30)


@dataclass(frozen=True)
class PlaceDraft:
    followup: FollowUp

    def describe(self) -> str:
        to = ", ".join(a.email for a in self.followup.to)
        return f"place {self.followup.kind} draft to {to} ({self.followup.key})"


@dataclass(frozen=True)
class RetireDraft:
    record: FollowUpRecord
    reason: str

    def describe(self) -> str:
        return f"retire draft {self.record.key}: {self.reason}"


@dataclass(frozen=True)
class RefreshDraft:
    """Replace a placed draft the user has not edited by `followup` drafted afresh (a note
    arrived after it was placed): the old one goes to Trash first, so Drafts never holds two.
    An edited draft stays, and its follow-up shows the note as pending (`NOTE_PENDING`)."""

    followup: FollowUp
    record: FollowUpRecord
    reason: str

    def describe(self) -> str:
        return f"replace draft {self.record.key}: {self.reason}"


# The start of the reason of a drafted follow-up whose draft lacks a later note because the
# user edited it: shown by `status`, and no further refresh is tried for it.
NOTE_PENDING = "note pending"


@dataclass(frozen=True)
class RecordState:
    followup: FollowUp

    def describe(self) -> str:
        return f"mark {self.followup.key} {self.followup.state}: {self.followup.reason}"


Action = PlaceDraft | RetireDraft | RefreshDraft | RecordState


@dataclass(frozen=True)
class Plan:
    followups: tuple[FollowUp, ...]
    actions: tuple[Action, ...]
    applications: tuple[Application, ...] = ()

    def for_interview(self, interview_id: str) -> list[FollowUp]:
        return list(self._followups_of.get(interview_id, ()))

    def application_of(self, interview_id: str) -> Application | None:
        return self._application_of.get(interview_id)

    @cached_property
    def _followups_of(self) -> dict[str, list[FollowUp]]:
        found: dict[str, list[FollowUp]] = {}
        for f in self.followups:
            found.setdefault(f.interview_id, []).append(f)
        return found

    @cached_property
    def _application_of(self) -> dict[str, Application]:
        found: dict[str, Application] = {}
        for a in self.applications:
            for interview_id in a.interview_ids:
                found.setdefault(interview_id, a)
        return found


def _day(value: datetime, tz: ZoneInfo) -> str:
    return lifecycle.day(value, tz)


def _usable(address: str, me: frozenset[str]) -> bool:
    return bool(address) and address not in me and not is_no_reply(address)


class Records:
    """The follow-up records by key prefix (`check_in/<interview>/`), in the world's order."""

    def __init__(self, records: dict[str, FollowUpRecord]) -> None:
        self._records = records
        self._keys = sorted(records)
        self._order = {key: n for n, key in enumerate(records)}

    def starting(self, prefix: str) -> list[tuple[str, FollowUpRecord]]:
        first = bisect.bisect_left(self._keys, prefix)
        last = first
        while last < len(self._keys) and self._keys[last].startswith(prefix):
            last += 1
        return [
            (key, self._records[key])
            for key in sorted(self._keys[first:last], key=self._order.__getitem__)
        ]


class Planner:
    def __init__(self, world: World, settings: Settings, now: datetime) -> None:
        self.world = world
        self.s = settings
        self.now = now
        self.followups: list[FollowUp] = []
        self.actions: list[Action] = []
        self.relations = Relations(world.messages)
        self.records = Records(world.records)
        self._companies: dict[str, list[int]] = {}
        for n, interview in enumerate(world.interviews):
            for key in lifecycle.company_keys(interview):
                self._companies.setdefault(key, []).append(n)
        self._threads: dict[str, MessageRecord | None] = {}
        self._accepted = [
            m for m in world.messages if m.kind == FindingKind.EVENT and m.accepted and m.start
        ]

    # -- relations ------------------------------------------------------------------------

    def related(self, interview: Interview, *, sent: bool) -> list[MessageRecord]:
        return self.relations.related(interview, sent=sent)

    def same_company_as(self, interview: Interview) -> list[Interview]:
        """The interviews of this one's company (itself too), in the world's order."""
        found = {
            n for key in lifecycle.company_keys(interview) for n in self._companies.get(key, ())
        }
        return [self.world.interviews[n] for n in sorted(found)]

    def disabled(self, interview: Interview, kind: FollowUpKind) -> bool:
        config = {
            FollowUpKind.THANK_YOU: self.s.followups.thank_you.enabled,
            FollowUpKind.CHECK_IN: self.s.followups.check_in.enabled,
            FollowUpKind.ACTION_ITEM: self.s.followups.action_item.enabled,
        }[kind]
        if not config:
            return True
        company = interview.facts.company.lower()
        for rule in self.s.rules:
            if kind not in rule.disable:
                continue
            if rule.company and rule.company.lower() == company and company:
                return True
            domains = interview.facts.company_domains
            if rule.from_ and any(
                rule.matches_sender(f"x@{d}")
                or any(p.strip("*@.") == d or d.endswith("." + p.strip("*@.")) for p in rule.from_)
                for d in domains
            ):
                return True
        return False

    def emit(self, followup: FollowUp, record: FollowUpRecord | None) -> None:
        self.followups.append(followup)
        if followup.state == FollowUpState.PLANNED and followup.draft_at <= self.now:
            self.actions.append(PlaceDraft(followup))
        elif (
            record is None
            or record.state != followup.state
            or (record.reason != followup.reason and followup.state not in STICKY)
        ):
            self.actions.append(RecordState(followup))

    def sticky(self, key: str) -> FollowUpRecord | None:
        record = self.world.records.get(key)
        return record if record is not None and record.state in STICKY else None

    def from_record(self, record: FollowUpRecord, base: FollowUp) -> FollowUp:
        return FollowUp(
            key=base.key,
            kind=base.kind,
            interview_id=base.interview_id,
            to=record.recipients or base.to,
            draft_at=record.draft_at or base.draft_at,
            due=record.due or base.due,
            state=record.state,
            reason=record.reason or base.reason,
            in_reply_to=base.in_reply_to,
            references=base.references,
            thread_subject=base.thread_subject,
            what=base.what,
            stage=base.stage,
            named=base.named,
            number=base.number,
            timeline=base.timeline,
            timeline_from=base.timeline_from,
            event=base.event,
        )

    def stop_reason(self, interview: Interview, decided: str) -> str:
        """Why this interview's check-ins and action items stop, or "". `decided` is its
        `decision_reason`."""
        if decided:
            return decided
        for other in self.same_company_as(interview):
            if (
                other.id != interview.id
                and not other.facts.cancelled
                and other.start > interview.start
            ):
                return "next round on " + _day(other.start, self.s.tz)
        return ""

    def decision_reason(self, interview: Interview) -> str:
        """The company's rejection or offer since this interview began, as a reason, or ""."""
        for message in self.related(interview, sent=False):
            if message.date < interview.start:
                continue
            if message.kind == FindingKind.REJECTION:
                return f"{message.from_.name or message.from_.email} declined on " + _day(
                    message.date, self.s.tz
                )
            if message.kind == FindingKind.OFFER:
                return "offer received on " + _day(message.date, self.s.tz)
        return ""

    # -- thank-you ------------------------------------------------------------------------

    def thank_you(self, interview: Interview, status: InterviewStatus, decided: str) -> None:
        facts = interview.facts
        config = self.s.followups.thank_you
        end = end_of(interview, self.s.followups.default_interview_minutes)
        draft_at = end + timedelta(minutes=config.delay_minutes)
        due = end + timedelta(hours=config.due_hours)
        stamp = facts.start.strftime("%Y%m%dT%H%M")
        prefix = f"thank_you/{interview.id}/"
        current_prefix = f"{prefix}{stamp}/"
        for old_key, old in self.records.starting(prefix):
            if not old_key.startswith(current_prefix):
                self.retire_or_cancel(old, "the interview moved to " + _day(facts.start, self.s.tz))
        if self.disabled(interview, FollowUpKind.THANK_YOU):
            return
        interviewers = [
            p
            for p in facts.people
            if p.role == PersonRole.INTERVIEWER and _usable(p.email, self.s.me)
        ]
        named: tuple[str, ...] = ()
        targets: list[Person] = interviewers
        if not targets:
            targets = [
                p
                for p in facts.people
                if p.role in (PersonRole.RECRUITER, PersonRole.ORGANIZER)
                and _usable(p.email, self.s.me)
            ][:1]
            named = tuple(
                p.name for p in facts.people if p.role == PersonRole.INTERVIEWER and p.name
            )
        sent = self.related(interview, sent=True)
        for person in _one_per_address(targets):
            key = f"{current_prefix}{person.email}"
            base = FollowUp(
                key=key,
                kind=FollowUpKind.THANK_YOU,
                interview_id=interview.id,
                to=(Address(person.name, person.email),),
                draft_at=draft_at,
                due=due,
                state=FollowUpState.PLANNED,
                reason=f"interview ended {_day(end, self.s.tz)} "
                f"{end.astimezone(self.s.tz):%H:%M}; thank-you within "
                f"{config.due_hours} h",
                named=named,
            )
            record = self.world.records.get(key)
            sticky = self.sticky(key)
            if sticky is not None:
                if status == InterviewStatus.CANCELLED and sticky.state == FollowUpState.DRAFTED:
                    self.actions.append(RetireDraft(sticky, "the interview was cancelled"))
                elif sticky.state == FollowUpState.DRAFTED:
                    self.refresh_for_notes(interview, person, sticky, base)
                self.emit(self.from_record(sticky, base), record)
                continue
            wrote = [
                m
                for m in sent
                if m.date >= facts.start
                and any(a.email == person.email for a in m.to)
                and m.agent_key != key
            ]
            if status == InterviewStatus.CANCELLED:
                state, reason = FollowUpState.CANCELLED, "the interview was cancelled"
            elif wrote:
                state = FollowUpState.SENT
                reason = f"you wrote to {person.first_name or person.email} on " + _day(
                    wrote[0].date, self.s.tz
                )
            elif decided:
                state, reason = FollowUpState.CANCELLED, decided
            elif self.now > end + timedelta(hours=config.missed_after_hours):
                # Learnt of too late, or its time passed while the program was not running.
                # Decided from the interview's end and now, never kept: a clock that was
                # wrong for one pass cannot lose a thank-you for good.
                state = FollowUpState.MISSED
                late = interview.first_seen > end + timedelta(hours=config.missed_after_hours)
                reason = (
                    "first seen " + _day(interview.first_seen, self.s.tz) if late else "not placed"
                ) + f", more than {config.missed_after_hours} h after the interview"
            else:
                state, reason = FollowUpState.PLANNED, base.reason
            self.emit(_with(base, state=state, reason=reason), record)

    def refresh_for_notes(
        self, interview: Interview, person: Person, record: FollowUpRecord, base: FollowUp
    ) -> None:
        """A note for `person` (or for everyone) added after their thank-you was placed: draft
        it again with the note, unless the user's edits already keep it pending."""
        if record.placed_at is None or record.reason.startswith(NOTE_PENDING):
            return
        later = [
            n.added
            for n in interview.notes
            if n.promise_due is None
            and n.for_email in ("", person.email.lower())
            and n.added is not None
            and n.added.tzinfo is not None
            and n.added > record.placed_at
        ]
        if later:
            reason = "a note added " + _day(max(later), self.s.tz)
            self.actions.append(RefreshDraft(base, record, reason))

    def retire_or_cancel(self, record: FollowUpRecord, reason: str) -> None:
        if record.state == FollowUpState.DRAFTED:
            self.actions.append(RetireDraft(record, reason))
        elif record.state == FollowUpState.PLANNED:
            base = FollowUp(
                key=record.key,
                kind=record.kind,
                interview_id=record.interview_id,
                to=record.recipients,
                draft_at=record.draft_at or self.now,
                due=record.due or self.now,
                state=FollowUpState.CANCELLED,
                reason=reason,
            )
            self.actions.append(RecordState(base))

    # -- check-ins ------------------------------------------------------------------------

    def check_ins(self, interview: Interview, status: InterviewStatus, stop: str) -> None:
        if status != InterviewStatus.DONE or self.disabled(interview, FollowUpKind.CHECK_IN):
            if status == InterviewStatus.CANCELLED:
                for _key, old in self.records.starting(f"check_in/{interview.id}/"):
                    self.retire_or_cancel(old, "the interview was cancelled")
            return
        config = self.s.followups.check_in
        end = end_of(interview, self.s.followups.default_interview_minutes)
        inbound = [m for m in self.related(interview, sent=False) if m.date >= interview.start]
        replies = [m for m in inbound if not m.auto_reply and m.kind != FindingKind.OUT_OF_OFFICE]
        outbound = [m for m in self.related(interview, sent=True) if m.date >= interview.start]
        number, sent_count, last_sent = 1, 0, None
        prefix = f"check_in/{interview.id}/"
        records = sorted(
            (r for _k, r in self.records.starting(prefix)),
            key=lambda r: int(r.key.rsplit("/", 1)[1]),
        )
        for existing in records:
            n = int(existing.key.rsplit("/", 1)[1])
            base = self.check_in_base(interview, n, existing.draft_at or end, existing.reason)
            if existing.state == FollowUpState.DRAFTED:
                later = [m for m in replies if existing.placed_at and m.date > existing.placed_at]
                if later:
                    who = later[-1].from_.name or later[-1].from_.email
                    self.actions.append(
                        RetireDraft(
                            existing, f"{who} replied on " + _day(later[-1].date, self.s.tz)
                        )
                    )
                elif stop:
                    self.actions.append(RetireDraft(existing, stop))
                self.emit(self.from_record(existing, base), existing)
                return
            if existing.state in STICKY:
                self.emit(self.from_record(existing, base), existing)
            if existing.state == FollowUpState.SENT:
                sent_count += 1
                last_sent = existing.sent_at or existing.placed_at
            if existing.state == FollowUpState.DISMISSED:
                return
            if existing.state in STICKY:
                number = n + 1
        if sent_count >= config.max_count:
            return
        exchanges = [end, *(m.date for m in replies), *(m.date for m in outbound)]
        if last_sent:
            exchanges.append(last_sent)
        anchor = max(exchanges)
        latest_reply = replies[-1] if replies else None
        timelines = [m for m in replies if m.timeline is not None]
        due_day: date
        stated: tuple[Deadline, str] | None = None
        if (
            timelines
            and latest_reply is not None
            and timelines[-1] is latest_reply
            and (
                timelines[-1].timeline is not None
                # once the user wrote after the promised day (a check-in, sent from our draft or
                # by hand), the promise is spent: count from that message instead
                and anchor.astimezone(self.s.tz).date() <= timelines[-1].timeline.day
            )
        ):
            timeline = timelines[-1].timeline
            stated = (timeline, latest_reply.from_.email)
            due_day = self.s.business.add_business_days(
                timeline.day, config.after_timeline_business_days
            )
            who = (
                latest_reply.from_.name.split()[0]
                if latest_reply.from_.name
                else (latest_reply.from_.email)
            )
            reason = (
                f"{who} wrote '{timeline.phrase}' on {_day(latest_reply.date, self.s.tz)}; "
                f"{config.after_timeline_business_days} business days after that"
            )
        else:
            due_day = self.s.business.add_business_days(
                anchor.astimezone(self.s.tz).date(), config.default_business_days
            )
            reason = (
                f"no news since {_day(anchor, self.s.tz)}; "
                f"{config.default_business_days} business days after the last exchange"
            )
        ooo = [m for m in inbound if m.back_on is not None and m.date >= anchor]
        if ooo and ooo[-1].back_on is not None and ooo[-1].back_on > due_day:
            due_day = ooo[-1].back_on
            reason += f"; moved to {ooo[-1].back_on:%b} {ooo[-1].back_on.day}: out of office"
        due_day = self.s.business.next_business_day_on_or_after(due_day)
        draft_at = local_instant(due_day, config.at, self.s.tz)
        base = self.check_in_base(interview, number, draft_at, reason)
        if stated is not None:
            base = replace(base, timeline=stated[0], timeline_from=stated[1])
        record = self.world.records.get(base.key)
        if stop:
            self.emit(_with(base, state=FollowUpState.CANCELLED, reason=stop), record)
            return
        if not base.to:
            self.emit(
                _with(
                    base,
                    state=FollowUpState.CANCELLED,
                    reason="no recruiter or organizer address known",
                ),
                record,
            )
            return
        self.emit(base, record)

    def check_in_base(
        self, interview: Interview, number: int, draft_at: datetime, reason: str
    ) -> FollowUp:
        facts = interview.facts
        recipient = next(
            (
                p
                for role in (PersonRole.RECRUITER, PersonRole.ORGANIZER, PersonRole.INTERVIEWER)
                for p in facts.people
                if p.role == role and _usable(p.email, self.s.me)
            ),
            None,
        )
        to = (Address(recipient.name, recipient.email),) if recipient else ()
        thread = self.latest_thread(recipient.email) if recipient else None
        return FollowUp(
            key=f"check_in/{interview.id}/{number}",
            kind=FollowUpKind.CHECK_IN,
            interview_id=interview.id,
            to=to,
            draft_at=draft_at,
            due=draft_at,
            state=FollowUpState.PLANNED,
            reason=reason,
            in_reply_to=thread.message_id if thread else "",
            references=(*thread.references, thread.message_id) if thread else (),
            thread_subject=thread.subject if thread else "",
            number=number,
            event=self.accepted_event(interview, number),
        )

    def accepted_event(self, interview: Interview, number: int) -> AcceptedEvent | None:
        """The company event a check-in may mention: one the user accepted, of this interview's
        company, starting at most `EVENT_LOOKBACK` before the interview; the latest already
        begun, else the soonest ahead. A second check-in names only an event whose invitation
        arrived after the first was placed, so that it never repeats the first's line."""
        facts = interview.facts
        company = facts.company.lower().strip()
        earlier = self.world.records.get(f"check_in/{interview.id}/{number - 1}")
        since = earlier.placed_at if number > 1 and earlier is not None else None
        found = [
            m
            for m in self._accepted
            if m.start is not None
            and m.start >= interview.start - EVENT_LOOKBACK
            and (since is None or m.date > since)
            and (
                (m.company_domain and m.company_domain in facts.company_domains)
                or (len(company) > 2 and company in m.from_.name.lower())
            )
        ]
        begun = [m for m in found if m.start is not None and m.start <= self.now]
        ahead = [m for m in found if m.start is not None and m.start > self.now]
        chosen = (
            max(begun, key=lambda m: m.start or m.date)
            if begun
            else min(ahead, key=lambda m: m.start or m.date)
            if ahead
            else None
        )
        if chosen is None or chosen.start is None:
            return None
        return AcceptedEvent(title=chosen.subject, start=chosen.start)

    def latest_thread(self, email: str) -> MessageRecord | None:
        if email not in self._threads:
            candidates = [
                m for m in self.relations.involving(email) if m.message_id and not m.auto_reply
            ]
            self._threads[email] = max(candidates, key=lambda m: m.date) if candidates else None
        return self._threads[email]

    # -- action items ---------------------------------------------------------------------

    def action_items(self, interview: Interview, owner_of: dict[str, str], stop: str) -> None:
        if self.disabled(interview, FollowUpKind.ACTION_ITEM):
            return
        config = self.s.followups.action_item
        items: list[tuple[str, date, str, MessageRecord | None, Address | None, bool]] = []
        for message in self.related(interview, sent=False):
            if owner_of.get(message.message_id) != interview.id:
                continue
            for request in message.requests:
                who = message.from_.name.split()[0] if message.from_.name else "They"
                asked = f"{who} asked to '{request.what}'"
                if request.dated:
                    due_day = request.due.day
                    reason = f"{asked} {request.due.phrase} on {_day(message.date, self.s.tz)}"
                else:
                    # no date given: due (and drafted) a few business days after the request
                    due_day = self.s.business.add_business_days(
                        request.due.day, config.undated_business_days
                    )
                    reason = (
                        f"{asked} on {_day(message.date, self.s.tz)} without a date; "
                        f"{config.undated_business_days} business days after that"
                    )
                items.append((request.what, due_day, reason, message, message.from_, request.dated))
        for note in interview.notes:
            if note.promise_due is not None:
                items.append(
                    (
                        note.text,
                        note.promise_due,
                        f"you promised to '{note.text}' by "
                        f"{note.promise_due:%b} {note.promise_due.day}",
                        None,
                        next(
                            (
                                Address(p.name, p.email)
                                for p in interview.facts.people
                                if note.for_email and p.email.lower() == note.for_email
                            ),
                            None,
                        ),
                        True,
                    )
                )
        sent = self.related(interview, sent=True)
        for what, due_day, reason, source, asker, dated in items:
            digest = hashlib.sha1(f"{what}|{due_day}".encode()).hexdigest()[:8]
            key = f"action_item/{interview.id}/{digest}"
            draft_day = (
                self.s.business.subtract_business_days(due_day, config.business_days_before)
                if dated
                else due_day
            )
            draft_at = local_instant(draft_day, config.at, self.s.tz)
            due = local_instant(due_day, DUE_TIME, self.s.tz)
            if asker is None or not _usable(asker.email, self.s.me):
                person = next(
                    (
                        p
                        for p in interview.facts.people
                        if p.role == PersonRole.RECRUITER and _usable(p.email, self.s.me)
                    ),
                    None,
                ) or next((p for p in interview.facts.people if _usable(p.email, self.s.me)), None)
                asker = Address(person.name, person.email) if person else None
            base = FollowUp(
                key=key,
                kind=FollowUpKind.ACTION_ITEM,
                interview_id=interview.id,
                to=(asker,) if asker else (),
                draft_at=draft_at,
                due=due,
                state=FollowUpState.PLANNED,
                reason=reason,
                what=what,
                in_reply_to=source.message_id if source else "",
                references=(*source.references, source.message_id) if source else (),
                thread_subject=source.subject if source else "",
            )
            record = self.world.records.get(key)
            sticky = self.sticky(key)
            if sticky is not None:
                self.emit(self.from_record(sticky, base), record)
                if source is not None and dated:
                    self.long_task(interview, base, sticky.state, source, stop)
                continue
            # the acknowledgement or progress update of this request, once sent, answers nothing
            own = self.own_copies(key)
            answers = [m for m in sent if not own(m)]
            answered = [
                m
                for m in answers
                if m.has_attachment
                and (
                    (source is not None and source.message_id in m.thread_ids)
                    or (
                        asker is not None
                        and any(a.email == asker.email for a in m.to)
                        and (source is None or m.date >= source.date)
                    )
                )
            ]
            # a request for no file (references, availability, a call) is settled by any reply
            # of the user's in its thread after it
            replied = (
                [m for m in answers if source.message_id in m.thread_ids and m.date >= source.date]
                if source is not None and not needs_attachment(what)
                else []
            )
            if answered:
                state, why = (
                    FollowUpState.SENT,
                    "you answered with an attachment on " + _day(answered[0].date, self.s.tz),
                )
            elif replied:
                state, why = (
                    FollowUpState.SENT,
                    "you replied on " + _day(min(m.date for m in replied), self.s.tz),
                )
            elif stop:
                state, why = FollowUpState.CANCELLED, stop
            elif not base.to:
                state, why = FollowUpState.CANCELLED, "no address to send it to"
            elif self.now > due:
                state, why = FollowUpState.MISSED, reason + "; the date has passed"
            else:
                state, why = FollowUpState.PLANNED, reason
            self.emit(_with(base, state=state, reason=why), record)
            if source is not None and dated:
                self.long_task(interview, base, state, source, stop)

    def own_copies(self, key: str) -> Callable[[MessageRecord], bool]:
        """Whether a message in Sent is the acknowledgement or progress update of the action
        item `key` as the user sent it (by its Message-ID's tag, an older version's key header,
        or the moment the executor saw it sent): neither answers the request."""
        keys = (f"{key}/ack", f"{key}/progress")
        tags = {draft_tag(k) for k in keys}
        moments = {
            r.sent_at
            for k in keys
            if (r := self.world.records.get(k)) is not None and r.sent_at is not None
        }

        def own(message: MessageRecord) -> bool:
            return (
                message.agent_key in keys
                or draft_tag_of(message.message_id) in tags
                or message.date in moments
            )

        return own

    def long_task(
        self,
        interview: Interview,
        item: FollowUp,
        item_state: FollowUpState,
        source: MessageRecord,
        stop: str,
    ) -> None:
        """The acknowledgement and the progress update of a request that takes days: a
        take-home, or a task due more than `long_task_business_days` business days after the
        day it arrived. Both are replies to the request, to whoever asked (never a no-reply
        sender). The acknowledgement is placed at `at` on the day the request arrives (or when
        it arrives, if later) unless the user has replied in its thread; the progress update at
        `at` on the business day halfway to the date, before the action item's own draft,
        unless anyone has written in the thread since the acknowledgement was due. Both stop,
        and a placed one is retired, once the request is closed."""
        config = self.s.followups.action_item
        kind, _thing = request_kind(item.what)
        if (
            kind in QUICK_KINDS
            or not item.to
            or not _usable(source.from_.email, self.s.me)
            or not (config.acknowledge or config.progress_update)
        ):
            return
        tz, business = self.s.tz, self.s.business
        asked_day = source.date.astimezone(tz).date()
        due_day = item.due.astimezone(tz).date()
        span = _business_days_between(business, asked_day, due_day)
        if span < 1 or (span <= config.long_task_business_days and kind != "take_home"):
            return
        who = item.to[0].name.split()[0] if item.to[0].name else item.to[0].email
        asked = f"{who}'s request to '{item.what}' ({_day(source.date, tz)})"
        due_words = f"{due_day:%a %b} {due_day.day}"
        if item_state in (FollowUpState.PLANNED, FollowUpState.DRAFTED):
            closed = ""
        elif stop:
            closed = stop
        else:
            closed = {
                FollowUpState.SENT: "the request is answered",
                FollowUpState.DISMISSED: "the action item was dismissed",
                FollowUpState.MISSED: "its date has passed",
            }.get(item_state, f"the action item is {item_state}")
        own = self.own_copies(item.key)
        thread = [
            m
            for m in (*self.related(interview, sent=True), *self.related(interview, sent=False))
            if source.message_id in m.thread_ids
            and m.message_id != source.message_id
            and m.date >= source.date
            and not m.auto_reply
            and not own(m)
        ]
        ack_at = max(local_instant(asked_day, config.at, tz), source.date)
        if config.acknowledge:
            ack = replace(
                item,
                key=f"{item.key}/ack",
                stage="ack",
                draft_at=ack_at,
                reason=f"acknowledges {asked}, due {due_words}",
            )
            window = local_instant(business.add_business_days(asked_day, 1), DUE_TIME, tz)
            self.stage(
                ack,
                closed,
                [m for m in thread if m.is_sent],
                FollowUpState.SENT,
                None
                if self.now <= window
                else (FollowUpState.MISSED, "not placed by the next business day"),
            )
        mid_day = business.add_business_days(asked_day, span // 2)
        if not config.progress_update or mid_day >= item.draft_at.astimezone(tz).date():
            return
        progress = replace(
            item,
            key=f"{item.key}/progress",
            stage="progress",
            draft_at=local_instant(mid_day, config.at, tz),
            reason=f"progress update halfway to {due_words} on {asked}",
        )
        held: tuple[FollowUpState, str] | None = None
        ack_record = self.world.records.get(f"{item.key}/ack")
        if ack_record is not None and ack_record.state in (
            FollowUpState.DRAFTED,
            FollowUpState.STALE,
        ):
            if self.now >= progress.draft_at:
                held = (FollowUpState.CANCELLED, "the acknowledgement is still in Drafts, unsent")
        elif (
            ack_record is not None
            and ack_record.state == FollowUpState.SENT
            and ack_record.sent_at is not None
            and ack_record.sent_at > progress.draft_at
        ):
            held = (
                FollowUpState.CANCELLED,
                "you sent the acknowledgement on " + _day(ack_record.sent_at, tz),
            )
        elif self.now > item.draft_at:
            held = (FollowUpState.MISSED, "not placed before the action item's own draft")
        self.stage(
            progress,
            closed,
            [m for m in thread if m.date > ack_at],
            FollowUpState.CANCELLED,
            held,
        )

    def stage(
        self,
        followup: FollowUp,
        closed: str,
        wrote: list[MessageRecord],
        wrote_state: FollowUpState,
        held: tuple[FollowUpState, str] | None,
    ) -> None:
        """Decide an acknowledgement or progress update: `closed` says why its request is no
        longer open, `wrote` are the messages in the thread that make it needless (it becomes
        `wrote_state`), `held` the state it takes instead of being placed now, and why. A
        placed draft that turned needless is retired."""
        record = self.world.records.get(followup.key)
        sticky = self.sticky(followup.key)
        news = ""
        if wrote:
            last = wrote[-1]
            name = last.from_.name.split()[0] if last.from_.name else last.from_.email
            news = (
                ("you replied" if last.is_sent else f"{name} wrote")
                + " on "
                + _day(last.date, self.s.tz)
            )
        if sticky is not None:
            if sticky.state == FollowUpState.DRAFTED and (closed or news):
                self.actions.append(RetireDraft(sticky, closed or news))
            self.emit(self.from_record(sticky, followup), record)
            return
        if closed:
            state, why = FollowUpState.CANCELLED, closed
        elif news:
            state, why = wrote_state, news
        elif held is not None:
            state, why = held
        else:
            state, why = FollowUpState.PLANNED, followup.reason
        self.emit(_with(followup, state=state, reason=why), record)

    def owners(self) -> dict[str, str]:
        """Assign each company message to one interview: the latest of that company that
        started before it, else the next one."""
        candidates: dict[int, list[Interview]] = {}  # id() of a message: its interviews
        for interview in sorted(self.world.interviews, key=lambda i: i.start):
            for message in self.related(interview, sent=False):
                if message.requests:
                    candidates.setdefault(id(message), []).append(interview)
        owner: dict[str, str] = {}
        for message in self.world.messages:
            mine = candidates.get(id(message)) if message.requests else None
            if not mine:
                continue
            before = [i for i in mine if i.start <= message.date]
            owner[message.message_id] = (before[-1] if before else mine[0]).id
        return owner

    def plan(self) -> Plan:
        """Plan once: every interview's follow-ups, then every application's stage."""
        owners = self.owners()
        minutes = self.s.followups.default_interview_minutes
        for interview in self.world.interviews:
            status = interview_status(interview, self.now, minutes)
            decided = self.decision_reason(interview)
            stop = self.stop_reason(interview, decided)
            self.thank_you(interview, status, decided)
            self.action_items(interview, owners, stop)
            self.check_ins(interview, status, stop)
        ahead: dict[str, datetime] = {}
        for f in self.followups:
            if f.state in (FollowUpState.PLANNED, FollowUpState.DRAFTED):
                ahead[f.interview_id] = max(f.draft_at, ahead.get(f.interview_id, f.draft_at))
        applications = lifecycle.applications(
            self.world.interviews,
            self.world.messages,
            self.now,
            tz=self.s.tz,
            default_minutes=minutes,
            close_after_days=self.s.followups.close_after_days,
            ahead=ahead,
            relations=self.relations,
        )
        return Plan(
            followups=tuple(self.followups), actions=tuple(self.actions), applications=applications
        )


def _business_days_between(business: BusinessCalendar, start: date, end: date) -> int:
    """How many business days come after `start`, up to and including `end`."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += business.is_business_day(day)
    return count


def _one_per_address(people: list[Person]) -> list[Person]:
    """The first of each address, in order (an invite may list a person twice)."""
    first: dict[str, Person] = {}
    for person in people:
        first.setdefault(person.email, person)
    return list(first.values())


def _with(base: FollowUp, *, state: FollowUpState, reason: str) -> FollowUp:
    return replace(base, state=state, reason=reason)


def plan(world: World, settings: Settings, now: datetime) -> Plan:
    """Every follow-up of every interview, and the actions due at `now`."""
    return Planner(world, settings, now).plan()


def unchanged_until(
    world: World, settings: Settings, planned: Plan, now: datetime, limit: datetime
) -> datetime:
    """The first moment after `now` (at most `limit`) at which `plan(world, settings, t)` may
    ask for other actions than `planned`, its plan at `now`: an interview ends (its thank-you
    and check-ins begin), a planned draft's time comes, a planned action item's due moment
    passes or a thank-you's window closes (it is missed). Before that moment, planning the
    same world again is redundant."""
    minutes = settings.followups.default_interview_minutes
    missed = timedelta(hours=settings.followups.thank_you.missed_after_hours, microseconds=1)
    moments = [end_of(interview, minutes) for interview in world.interviews]
    moments += [end_of(interview, minutes) + missed for interview in world.interviews]
    for followup in planned.followups:
        if followup.state == FollowUpState.PLANNED:
            moments += [followup.draft_at, followup.due + timedelta(microseconds=1)]
    return min([m for m in moments if m > now] + [limit])
