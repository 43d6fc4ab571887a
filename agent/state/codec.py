"""JSON forms of the model values the state store keeps. Round-trips exactly; tolerant of
missing keys so that a record written by an older version still loads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from agent.model import (
    Address,
    Deadline,
    FindingKind,
    FollowUpKind,
    FollowUpRecord,
    FollowUpState,
    InterviewFacts,
    MessageRecord,
    Person,
    PersonRole,
    Request,
)

Json = dict[str, Any]


def _dt(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse_dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _addr(a: Address) -> list[str]:
    return [a.name, a.email]


def _parse_addr(value: Any) -> Address:
    return Address(name=str(value[0]), email=str(value[1]))


def _deadline(d: Deadline | None) -> Json | None:
    return {"day": d.day.isoformat(), "phrase": d.phrase} if d else None


def _parse_deadline(value: Any) -> Deadline | None:
    if not value:
        return None
    return Deadline(day=date.fromisoformat(value["day"]), phrase=str(value["phrase"]))


def facts_to_json(f: InterviewFacts) -> Json:
    return {
        "uid": f.uid,
        "sequence": f.sequence,
        "stamp": _dt(f.stamp),
        "start": _dt(f.start),
        "end": _dt(f.end),
        "company": f.company,
        "role": f.role,
        "people": [[p.name, p.email, str(p.role), p.title] for p in f.people],
        "location": f.location,
        "cancelled": f.cancelled,
        "company_domains": list(f.company_domains),
        "evidence": list(f.evidence),
        "summary": f.summary,
        "description": f.description,
        "language": f.language,
    }


def facts_from_json(v: Json) -> InterviewFacts:
    start = _parse_dt(v["start"])
    assert start is not None
    return InterviewFacts(
        uid=v["uid"],
        sequence=int(v.get("sequence", 0)),
        stamp=_parse_dt(v.get("stamp")),
        start=start,
        end=_parse_dt(v.get("end")),
        company=v.get("company", ""),
        role=v.get("role", ""),
        people=tuple(
            Person(name=p[0], email=p[1], role=PersonRole(p[2]), title=p[3])
            for p in v.get("people", [])
        ),
        location=v.get("location", ""),
        cancelled=bool(v.get("cancelled", False)),
        company_domains=tuple(v.get("company_domains", [])),
        evidence=tuple(str(e) for e in v.get("evidence", [])),
        summary=str(v.get("summary", "")),
        description=str(v.get("description", "")),
        language=str(v.get("language", "")),
    )


def record_to_json(r: MessageRecord) -> Json:
    return {
        "message_id": r.message_id,
        "date": _dt(r.date),
        "from": _addr(r.from_),
        "to": [_addr(a) for a in r.to],
        "subject": r.subject,
        "in_reply_to": r.in_reply_to,
        "references": list(r.references),
        "is_sent": r.is_sent,
        "kind": str(r.kind),
        "has_attachment": r.has_attachment,
        "auto_reply": r.auto_reply,
        "timeline": _deadline(r.timeline),
        "requests": [
            {"what": q.what, "due": _deadline(q.due), **({} if q.dated else {"dated": False})}
            for q in r.requests
        ],
        "back_on": r.back_on.isoformat() if r.back_on else None,
        "agent_key": r.agent_key,
        "company_domain": r.company_domain,
        "reason": r.reason,
        "start": _dt(r.start),
        **({"event_uid": r.event_uid} if r.event_uid else {}),
        **({"accepted": True} if r.accepted else {}),
    }


def record_from_json(v: Json) -> MessageRecord:
    when = _parse_dt(v["date"])
    assert when is not None
    requests = []
    for q in v.get("requests", []):
        due = _parse_deadline(q["due"])
        if due is not None:
            requests.append(Request(what=q["what"], due=due, dated=q.get("dated", True)))
    return MessageRecord(
        message_id=v["message_id"],
        date=when,
        from_=_parse_addr(v["from"]),
        to=tuple(_parse_addr(a) for a in v.get("to", [])),
        subject=v.get("subject", ""),
        in_reply_to=v.get("in_reply_to", ""),
        references=tuple(v.get("references", [])),
        is_sent=bool(v.get("is_sent", False)),
        kind=FindingKind(v.get("kind", "none")),
        has_attachment=bool(v.get("has_attachment", False)),
        auto_reply=bool(v.get("auto_reply", False)),
        timeline=_parse_deadline(v.get("timeline")),
        requests=tuple(requests),
        back_on=date.fromisoformat(v["back_on"]) if v.get("back_on") else None,
        agent_key=v.get("agent_key", ""),
        company_domain=v.get("company_domain", ""),
        reason=str(v.get("reason", "")),
        start=_parse_dt(v.get("start")),
        event_uid=str(v.get("event_uid", "")),
        accepted=bool(v.get("accepted", False)),
    )


def followup_to_json(r: FollowUpRecord) -> Json:
    return {
        "key": r.key,
        "interview_id": r.interview_id,
        "kind": str(r.kind),
        "state": str(r.state),
        "recipients": [_addr(a) for a in r.recipients],
        "draft_at": _dt(r.draft_at),
        "due": _dt(r.due),
        "reason": r.reason,
        "draft_message_id": r.draft_message_id,
        "draft_ref": r.draft_ref,
        "draft_sha256": r.draft_sha256,
        "placed_at": _dt(r.placed_at),
        "sent_at": _dt(r.sent_at),
        "pending": r.pending,
    }


def followup_from_json(v: Json) -> FollowUpRecord:
    return FollowUpRecord(
        key=v["key"],
        interview_id=v["interview_id"],
        kind=FollowUpKind(v["kind"]),
        state=FollowUpState(v["state"]),
        recipients=tuple(_parse_addr(a) for a in v.get("recipients", [])),
        draft_at=_parse_dt(v.get("draft_at")),
        due=_parse_dt(v.get("due")),
        reason=v.get("reason", ""),
        draft_message_id=v.get("draft_message_id", ""),
        draft_ref=v.get("draft_ref", ""),
        draft_sha256=v.get("draft_sha256", ""),
        placed_at=_parse_dt(v.get("placed_at")),
        sent_at=_parse_dt(v.get("sent_at")),
        pending=bool(v.get("pending", False)),
    )
