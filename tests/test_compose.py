"""Composing drafts: headers, encoding, length, graceful gaps, and no header injection."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from agent.compose.draft import Sender, build_draft, check_templates, environment, word_count
from agent.mail import mime
from agent.model import (
    Address,
    FollowUpKind,
    FollowUpState,
    Interview,
    InterviewFacts,
    Note,
    Person,
    PersonRole,
)
from agent.planning.planner import FollowUp

START = datetime(2026, 9, 29, 18, 0, tzinfo=UTC)
SENDER = Sender("Alex Rivera", "alex@example.com", "Alex Rivera", ZoneInfo("America/New_York"))
ENV = environment(None)


def make(
    company: str = "Northwind",
    role: str = "Backend Engineer",
    name: str = "Oliver Grant",
    notes: tuple[Note, ...] = (),
) -> Interview:
    return Interview(
        id="n1",
        first_seen=START,
        source="mail",
        notes=notes,
        facts=InterviewFacts(
            uid="u",
            sequence=0,
            stamp=None,
            start=START,
            end=START + timedelta(hours=1),
            company=company,
            role=role,
            people=(Person(name, "oliver@northwind.io", PersonRole.INTERVIEWER),),
        ),
    )


def followup(
    kind: FollowUpKind = FollowUpKind.THANK_YOU,
    name: str = "Oliver Grant",
    subject: str = "",
    number: int = 1,
) -> FollowUp:
    return FollowUp(
        key=f"{kind}/n1/x",
        kind=kind,
        interview_id="n1",
        to=(Address(name, "oliver@northwind.io"),),
        draft_at=START,
        due=START,
        state=FollowUpState.PLANNED,
        reason="",
        what="send your references",
        in_reply_to="<a@northwind.io>" if subject else "",
        references=("<a@northwind.io>",) if subject else (),
        thread_subject=subject,
        number=number,
    )


def parse(raw: bytes) -> email.message.EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message


def test_thank_you_headers_and_words() -> None:
    notes = (Note("the event pipeline migration"),)
    message = build_draft(
        ENV, followup(), make(notes=notes), SENDER, when=START, message_id="<ia-1@example.com>"
    )
    parsed = parse(message.as_bytes())
    assert parsed["From"] == "Alex Rivera <alex@example.com>"
    assert parsed["To"] == "Oliver Grant <oliver@northwind.io>"
    assert parsed["Message-ID"] == "<ia-1@example.com>"
    assert parsed["MIME-Version"] == "1.0"
    assert parsed.get_content_type() == "text/plain"
    assert parsed.get_content_charset() == "utf-8"
    assert parsed["X-Interview-Agent-Key"] == "thank_you/n1/x"
    body = parsed.get_content()
    assert "Hi Oliver," in body and "Northwind" in body and "Backend Engineer" in body
    assert "event pipeline migration" in body
    assert 80 <= word_count(body) <= 180


def test_missing_facts_degrade_gracefully() -> None:
    message = build_draft(
        ENV,
        followup(name=""),
        make(company="", role="", name=""),
        SENDER,
        when=START,
        message_id="<ia-2@example.com>",
    )
    text = message.as_string()
    assert "None" not in text and "{{" not in text and "Hi ," not in text
    assert "the role" in text and "Hi there," in text


def test_check_in_is_a_reply_in_the_thread() -> None:
    message = build_draft(
        ENV,
        followup(FollowUpKind.CHECK_IN, subject="Re: Next steps"),
        make(),
        SENDER,
        when=START,
        message_id="<ia-3@example.com>",
    )
    parsed = parse(message.as_bytes())
    assert parsed["Subject"] == "Re: Next steps"
    assert parsed["In-Reply-To"] == "<a@northwind.io>"
    assert parsed["References"] == "<a@northwind.io>"
    second = build_draft(
        ENV,
        followup(FollowUpKind.CHECK_IN, number=2),
        make(),
        SENDER,
        when=START,
        message_id="<ia-4@example.com>",
    )
    assert second.get_content() != message.get_content()


def test_non_ascii_names_are_encoded() -> None:
    message = build_draft(
        ENV,
        followup(name="Zoë Müller-Łukasz"),
        make(name="Zoë Müller-Łukasz"),
        SENDER,
        when=START,
        message_id="<ia-5@example.com>",
    )
    raw = message.as_bytes()
    assert raw.isascii() or b"=?utf-8?" in raw.lower()
    assert parse(raw)["To"].addresses[0].display_name == "Zoë Müller-Łukasz"


PIECES = [
    "a",
    "b",
    " ",
    "\r",
    "\n",
    ":",
    ";",
    ",",
    "<",
    ">",
    '"',
    "=",
    "?",
    "\t",
    "Bcc: x@evil.example",
    "=?utf-8?q?a=0D=0ABcc:_x@evil.example?=",
]
HOSTILE = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


@settings(max_examples=150, deadline=None)
@given(HOSTILE, HOSTILE, HOSTILE)
def test_no_header_injection(name: str, subject: str, company: str) -> None:
    clean_name = mime.decode_words(name)
    message = build_draft(
        ENV,
        followup(name=clean_name, subject=mime.decode_words(subject)),
        make(company=mime.decode_words(company), name=clean_name),
        SENDER,
        when=START,
        message_id="<ia-6@example.com>",
    )
    parsed = parse(message.as_bytes())
    allowed = {
        "from",
        "to",
        "subject",
        "date",
        "message-id",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
        "in-reply-to",
        "references",
        "x-interview-agent-key",
    }
    assert {k.lower() for k in parsed} <= allowed
    assert parsed["Bcc"] is None


def test_shipped_templates_pass_check() -> None:
    assert check_templates(ENV) == []
