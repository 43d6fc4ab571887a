"""The state store's message index: planning loads the messages around the interviews (by
address, domain and thread), and an older state file gains the index on migration."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from agent.model import (
    Address,
    FindingKind,
    FollowUpKind,
    FollowUpRecord,
    FollowUpState,
    Interview,
    InterviewFacts,
    MessageRecord,
    Person,
    PersonRole,
)
from agent.state import codec
from agent.state.store import MIGRATIONS, StateStore

ME = frozenset({"alex@example.com"})
ALEX = Address("Alex", "alex@example.com")


def record(
    mid: str,
    sender: Address,
    to: Address = ALEX,
    *,
    reply_to: str = "",
    sent: bool = False,
    company: str = "",
) -> MessageRecord:
    return MessageRecord(
        message_id=mid,
        date=datetime(2025, 3, int(mid.strip("<>m").split("@")[0]), tzinfo=UTC),
        from_=sender,
        to=(to,),
        subject="s",
        in_reply_to=reply_to,
        references=(reply_to,) if reply_to else (),
        is_sent=sent,
        kind=FindingKind.NONE,
        company_domain=company,
    )


def interview() -> Interview:
    start = datetime(2025, 3, 10, 15, tzinfo=UTC)
    facts = InterviewFacts(
        uid="u1",
        sequence=0,
        stamp=None,
        start=start,
        end=None,
        company="Northwind",
        role="",
        people=(Person("Rachel Kim", "rachel@northwind.io", PersonRole.RECRUITER),),
        company_domains=("northwind.io",),
    )
    return Interview(
        id="i1", facts=facts, first_seen=start, source="mail", source_message_id="<m1@northwind.io>"
    )


def test_messages_around_an_interview_are_its_people_domains_and_threads(tmp_path: Path) -> None:
    state = StateStore.open(tmp_path / "state.db")
    agency = Address("Sam", "sam@agency.example")
    state.save_messages(
        [
            record("<m1@northwind.io>", Address("Rachel", "rachel@northwind.io")),
            record("<m2@example.com>", ALEX, Address("Rachel", "rachel@northwind.io"), sent=True),
            record("<m3@agency.example>", agency, reply_to="<m1@northwind.io>"),  # in the thread
            record("<m4@agency.example>", agency),  # from a sender of a related message
            record("<m5@example.com>", ALEX, agency, reply_to="<m4@agency.example>", sent=True),
            record("<m6@gmail.com>", Address("Friend", "friend@gmail.com")),
            record("<m7@ats.example>", Address("", "no-reply@ats.example"), company="northwind.io"),
            record("<m8@example.com>", ALEX, Address("Friend", "friend@gmail.com"), sent=True),
            record("<m9@example.com>", ALEX, Address("Pat", "pat@elsewhere.example"), sent=True),
        ]
    )
    followup = FollowUpRecord(
        key="thank_you/i1/x",
        interview_id="i1",
        kind=FollowUpKind.THANK_YOU,
        state=FollowUpState.DRAFTED,
        recipients=(Address("Pat", "pat@elsewhere.example"),),
    )
    found = state.messages_around([interview()], [followup], ME)
    assert [m.message_id for m in found] == [
        "<m1@northwind.io>",
        "<m2@example.com>",
        "<m3@agency.example>",
        "<m4@agency.example>",
        "<m5@example.com>",
        "<m7@ats.example>",
        "<m9@example.com>",
    ]
    assert state.messages_around([], [], ME) == []
    assert len(state.messages()) == 9


def test_a_version_1_state_file_gains_the_message_index(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in MIGRATIONS[1].split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    old = record("<m1@northwind.io>", Address("Rachel", "rachel@northwind.io"))
    conn.execute(
        "INSERT INTO messages VALUES (?, ?, ?)",
        (old.message_id, old.date.isoformat(), json.dumps(codec.record_to_json(old))),
    )
    conn.close()
    state = StateStore.open(path)
    assert state.messages_around([interview()], [], ME) == [old]
    assert state.messages_with(["d:northwind.io"]) == [old]
