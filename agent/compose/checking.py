"""`check` for templates: every template, in every language, rendered on sample interviews
that cover what can vary (a panel, a recruiter who arranged the round, no facts at all, many
notes, each kind of request), and every problem a user would notice reported at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import jinja2

from agent.compose.context import Sender
from agent.compose.draft import (
    DEBRIS,
    MAX_WORDS,
    THANK_YOU_WORDS,
    TemplateError,
    render,
    template_name,
    template_path,
)
from agent.compose.words import LANGUAGES
from agent.model import (
    Address,
    Deadline,
    FollowUpKind,
    FollowUpState,
    Interview,
    InterviewFacts,
    Note,
    Person,
    PersonRole,
)
from agent.planning.planner import AcceptedEvent, FollowUp

SAMPLE_START = datetime(2026, 10, 1, 15, 0, tzinfo=ZoneInfo("UTC"))
SAMPLE_REQUESTS = (
    "send your references",
    "send a PDF of your portfolio",
    "share your availability for the week of October 26",
    "schedule a call with our CTO",
    "review and sign the offer letter",
    "complete the take-home exercise and send the repo link",
    "complete the HackerRank coding assessment",
    "confirm that the final-round time works",
    "send your salary expectations",
)


def word_count(text: str) -> int:
    return len([w for w in text.split() if any(c.isalnum() for c in w)])


def sample_interview(language: str, *, full: bool = True, notes: int = 1) -> Interview:
    people = (
        (
            Person("Sam Lee", "sam@example.org", PersonRole.RECRUITER, "Technical Recruiter"),
            Person(
                "Oliver Grant", "oliver@example.org", PersonRole.INTERVIEWER, "Engineering Manager"
            ),
            Person("Priya Shah", "priya@example.org", PersonRole.INTERVIEWER, "Staff Engineer"),
        )
        if full
        else (Person("", "someone@example.org", PersonRole.INTERVIEWER),)
    )
    sample_notes = (
        Note("the event pipeline migration"),
        Note("I liked hearing how the team runs its on-call rotation."),
        Note("how they test schema changes", for_email="priya@example.org"),
        Note("the roadmap for next year"),
        Note("their plans for a second data center and the hiring that comes with it"),
    )
    return Interview(
        id="sample",
        first_seen=SAMPLE_START,
        source="mail",
        notes=sample_notes[:notes],
        facts=InterviewFacts(
            uid="u",
            sequence=0,
            stamp=None,
            start=SAMPLE_START,
            end=SAMPLE_START + timedelta(hours=1),
            company="Example" if full else "",
            role="Backend Engineer" if full else "",
            people=people,
            summary="System design interview" if full else "",
            language=language,
        ),
    )


def sample_followups(interview: Interview) -> Iterator[FollowUp]:
    """One follow-up of every template and every shape its template can take."""
    people = interview.facts.people
    interviewers = [p for p in people if p.role == PersonRole.INTERVIEWER]
    contact = next((p for p in people if p.role == PersonRole.RECRUITER), people[0])
    to_contact = (Address(contact.name, contact.email),)
    base = FollowUp(
        key="k",
        kind=FollowUpKind.THANK_YOU,
        interview_id=interview.id,
        to=to_contact,
        draft_at=SAMPLE_START,
        due=SAMPLE_START + timedelta(days=3),
        state=FollowUpState.PLANNED,
        reason="",
    )
    for person in interviewers:
        yield replace(base, to=(Address(person.name, person.email),))
    if contact.role != PersonRole.INTERVIEWER:
        yield replace(base, named=tuple(p.name for p in interviewers))
    check_in = replace(base, kind=FollowUpKind.CHECK_IN, thread_subject="Re: Next steps")
    yield check_in
    yield replace(
        check_in,
        timeline=Deadline(date(2026, 10, 9), "by the end of next week"),
        timeline_from=contact.email,
    )
    yield replace(check_in, number=2, thread_subject="")
    for begun, number in ((True, 1), (False, 2)):  # a company event the user accepted
        start = SAMPLE_START + timedelta(days=-2 if begun else 2)
        event = AcceptedEvent("You're invited: our autumn open house", start)
        yield replace(check_in, number=number, event=event)
    for what in SAMPLE_REQUESTS:
        item = replace(base, kind=FollowUpKind.ACTION_ITEM, what=what)
        yield item
        yield replace(item, stage="ack", thread_subject="Next steps")
        yield replace(item, stage="progress")


def check_templates(env: jinja2.Environment) -> list[str]:
    """Every problem with the templates (used by `check`), rendered on samples in every
    language."""
    problems: list[str] = []
    sender = Sender("Alex Rivera", "alex@example.com", "", ZoneInfo("UTC"), LANGUAGES)
    for language in LANGUAGES:
        for shape in (
            sample_interview(language),
            sample_interview(language, notes=5),
            sample_interview(language, full=False, notes=0),
        ):
            for followup in sample_followups(shape):
                problems += _problems(env, followup, shape, sender)
    return list(dict.fromkeys(problems))


def _problems(
    env: jinja2.Environment, followup: FollowUp, interview: Interview, sender: Sender
) -> list[str]:
    name = template_path(template_name(followup), interview.facts.language)
    try:
        subject, body = render(env, followup, interview, sender, when=SAMPLE_START)
    except TemplateError as exc:
        return [str(exc)]
    found = []
    words = word_count(body)
    if not subject:
        found.append(f"template {name}: the subject is empty")
    if words > MAX_WORDS:
        found.append(f"template {name}: {words} words; keep it under {MAX_WORDS}")
    if followup.kind == FollowUpKind.THANK_YOU and words > THANK_YOU_WORDS[1]:
        found.append(
            f"template {name}: a thank-you of {words} words; keep it under {THANK_YOU_WORDS[1]}"
        )
    debris = DEBRIS.search(subject + "\n" + body)
    if debris:
        found.append(f"template {name}: renders template debris ({debris[0].strip()!r})")
    if body.count("[") != body.count("]"):
        found.append(f"template {name}: a bracket is left open")
    return found
