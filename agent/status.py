"""What `status` shows: interviews grouped by application, each with its follow-ups, as a table
for people and as the JSON object other tools rely on (SPEC.md, "Interfaces")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from agent.config.types import Config
from agent.model import FollowUpState, Interview, MessageRecord
from agent.planning.lifecycle import end_of, interview_status
from agent.planning.planner import Plan


def _local(value: datetime, tz: ZoneInfo) -> str:
    return value.astimezone(tz).isoformat(timespec="minutes")


def as_json(
    plan: Plan,
    interviews: list[Interview],
    config: Config,
    now: datetime,
    possible: Sequence[MessageRecord] = (),
    events: Sequence[tuple[Interview, MessageRecord]] = (),
) -> dict[str, Any]:
    tz = config.me.timezone
    minutes = config.followups.default_interview_minutes
    result = []
    for interview in interviews:
        facts = interview.facts
        end = end_of(interview, minutes)
        result.append(
            {
                "id": interview.id,
                "company": facts.company,
                "role": facts.role,
                "start": _local(facts.start, tz),
                "end": _local(end, tz),
                "status": str(interview_status(interview, now, minutes)),
                "application": _stage(plan, interview.id),
                "people": [
                    {"name": p.name, "email": p.email, "role": str(p.role)} for p in facts.people
                ],
                "evidence": list(facts.evidence),
                "followups": [
                    {
                        "key": f.key,
                        "kind": str(f.kind),
                        "to": ", ".join(a.email for a in f.to),
                        "draft_at": _local(f.draft_at, tz),
                        "due": _local(f.due, tz),
                        "state": str(f.state),
                        "reason": f.reason,
                    }
                    for f in plan.for_interview(interview.id)
                ],
            }
        )
    return {
        "interviews": result,
        "possible": [
            {
                "message_id": r.message_id,
                "from": _address(r.from_.name, r.from_.email),
                "subject": r.subject,
                "date": _local(r.date, tz),
                "reason": r.reason,
            }
            for r in possible
        ],
        "events": [
            {
                "interview": interview.id,
                "company": interview.facts.company,
                "title": r.subject,
                "start": _local(r.start, tz) if r.start is not None else None,
                "message_id": r.message_id,
            }
            for interview, r in events
        ],
    }


def _address(name: str, email: str) -> str:
    return f"{name} <{email}>" if name else email


def _stage(plan: Plan, interview_id: str) -> str:
    found = plan.application_of(interview_id)
    return str(found.stage) if found is not None else ""


def relative(when: datetime, now: datetime) -> str:
    seconds = (when - now).total_seconds()
    if seconds < 0:
        return "overdue" if seconds < -60 else "now"
    minutes = seconds / 60
    if minutes < 60:
        return f"in {int(minutes)} min"
    if minutes < 48 * 60:
        return f"in {int(minutes // 60)} h"
    return f"in {int(minutes // 1440)} days"


def print_table(
    plan: Plan,
    interviews: list[Interview],
    config: Config,
    now: datetime,
    out: TextIO,
    possible: Sequence[MessageRecord] = (),
    events: Sequence[tuple[Interview, MessageRecord]] = (),
) -> None:
    tz = config.me.timezone
    _print_possible(possible, tz, out)
    if not interviews:
        print("No interviews found yet.", file=out)
        return
    minutes = config.followups.default_interview_minutes
    by_id = {i.id: i for i in interviews}
    groups = [[by_id[i] for i in a.interview_ids if i in by_id] for a in plan.applications]
    grouped = {i.id for g in groups for i in g}
    groups += [[i] for i in interviews if i.id not in grouped]
    for members in groups:
        if not members:
            continue
        found = plan.application_of(members[0].id)
        company = members[0].facts.company or "(company unknown)"
        print(f"{company} — {found.headline(tz) if found else 'unknown stage'}", file=out)
        for interview in members:
            _print_interview(plan, interview, tz, now, minutes, out)
        ids = {i.id for i in members}
        _print_events([r for i, r in events if i.id in ids], tz, out)
        print(file=out)


def _print_possible(possible: Sequence[MessageRecord], tz: ZoneInfo, out: TextIO) -> None:
    """Mail that may be an interview, newest first, each with the command that says yes."""
    if not possible:
        return
    print("Possible interviews (no drafts until you confirm one)", file=out)
    for record in possible:
        when = record.date.astimezone(tz)
        sender = record.from_.name or record.from_.email
        print(f"  {when:%a %b %d}  {sender}: {record.subject[:70]}", file=out)
        print(f"      {record.reason}", file=out)
        print(f"      interview-agent confirm '{record.message_id}'   (or: ignore)", file=out)
    print(file=out)


def _print_events(records: Sequence[MessageRecord], tz: ZoneInfo, out: TextIO) -> None:
    """The company's event invitations, under its application."""
    if not records:
        return
    print("  Events", file=out)
    for record in records:
        when = (
            f"{record.start.astimezone(tz):%a %b %d %H:%M}"
            if record.start is not None
            else "date not given"
        )
        print(f"      {when:<16} {record.subject[:70]}", file=out)


def _print_interview(
    plan: Plan, interview: Interview, tz: ZoneInfo, now: datetime, minutes: int, out: TextIO
) -> None:
    facts = interview.facts
    start = facts.start.astimezone(tz)
    status = interview_status(interview, now, minutes)
    print(
        f"  {interview.id}  {facts.company or '(company unknown)'} – "
        f"{facts.role or '(role unknown)'}  {start:%a %b %d %H:%M %Z}  [{status}]",
        file=out,
    )
    for followup in plan.for_interview(interview.id):
        due = followup.due.astimezone(tz)
        when = (
            relative(followup.due, now)
            if followup.state in (FollowUpState.PLANNED, FollowUpState.DRAFTED)
            else ""
        )
        to = ", ".join(a.email for a in followup.to) or "-"
        print(
            f"      {followup.kind:<12} {followup.state:<9} due {due:%a %b %d %H:%M}"
            f" {when:<10} to {to}",
            file=out,
        )
        print(f"          {followup.reason}", file=out)
        print(f"          key: {followup.key}", file=out)
