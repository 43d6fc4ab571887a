"""The variables a template receives: what is known of the follow-up, its interview and its
recipient, cleaned and put into the draft's language. README.md ("Writing your own templates")
lists them; `VARIABLES` below is that list, and a test keeps the two in step.

Nothing here invents a fact: a value that is not known is "" (or an empty list) and the
template leaves the sentence out. Nothing here says a weekday or "today": a date is written as
a date ("September 29"), which stays true whenever the draft is sent.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from agent.compose import notes as note_words
from agent.compose import words
from agent.compose.events import event_kind
from agent.compose.facts import fact, first_name, person_name, round_of, title_kind, topic_of
from agent.compose.requests import read_request
from agent.model import Address, FollowUpKind, Interview, Person, PersonRole
from agent.planning.planner import FollowUp


@dataclass(frozen=True)
class Sender:
    """The user, as drafts are written from them."""

    name: str
    email: str
    signature: str
    tz: ZoneInfo
    languages: tuple[str, ...] = ("en",)


# Every variable a template may use, by template ("*": all of them). Documented in README.md.
VARIABLES: dict[str, tuple[str, ...]] = {
    "*": (
        "language",
        "greeting",
        "full_name",
        "title",
        "title_kind",
        "a_title",
        "company",
        "role",
        "date",
        "round",
        "round_name",
        "topic",
        "interviewers",
        "interviewers_full",
        "others",
        "others_full",
        "notes",
        "note_sentences",
        "left_out",
        "thread_subject",
        "variant",
        "my_name",
        "signature",
    ),
    "thank_you": ("arranged", "interview_id", "address"),
    "check_in": (
        "number",
        "timeline_date",
        "timeline_by",
        "timeline_by_recipient",
        "event",
        "event_date",
        "event_past",
    ),
    "action_item": (
        "kind",
        "thing",
        "item",
        "detail",
        "request",
        "promised",
        "due_date",
        "timezone",
    ),
}

# The marks job ads put after a title in some countries ("(m/w/d)", "(H/F)"): not part of it.
_GENDER_MARK = re.compile(r"\s*[(\[](?:[mwfdxhia*]\s*/\s*){1,3}[mwfdxhia*][)\]]", re.I)
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|aw|sv|vs|antw|wg|fwd?|tr|rv|r|res|enc)\s*:\s*)+", re.I)


def draft_language(interview: Interview, sender: Sender) -> str:
    """The company's language when the user writes it too (`[me] languages`), else English."""
    language = interview.facts.language
    if language in words.LANGUAGES and language in sender.languages:
        return language
    return "en"


def _person(interview: Interview, email: str) -> Person | None:
    return next((p for p in interview.facts.people if p.email and p.email == email), None)


def _interviewers(interview: Interview) -> list[Person]:
    seen: set[str] = set()
    found = []
    for person in interview.facts.people:
        key = person.email or person.name
        if person.role == PersonRole.INTERVIEWER and key and key not in seen:
            seen.add(key)
            found.append(person)
    return found


def _call_names(names: list[str]) -> list[str]:
    """How to name people in a sentence: first names, or full names when two share one."""
    full = [person_name(n) for n in names]
    full = [n for n in full if n]
    firsts = [n.split()[0] for n in full]
    return [full[i] if firsts.count(firsts[i]) > 1 else firsts[i] for i in range(len(full))]


def _full_names(names: list[str]) -> list[str]:
    return [n for n in (person_name(name) for name in names) if n]


def _variant(interview: Interview, email: str) -> int:
    """A number that differs between the interviewers of one interview (their position among
    them, counted from a start of the interview's own), so that templates choose their
    wording from it and two of them never receive the same body."""
    emails = [p.email for p in _interviewers(interview) if p.email]
    position = emails.index(email) if email in emails else 0
    seed = int(hashlib.sha256(interview.id.encode()).hexdigest()[:6], 16) % 1000
    return seed + position


def _with_article(title: str) -> str:
    """ "a Staff Engineer", "an Engineering Manager", "a UX Designer" (English only)."""
    if not title:
        return ""
    sounds_like_a_vowel = title[:1].lower() in "aeio" or (
        title[:1].lower() == "u"
        and not title[1:2].isupper()
        and not title.lower().startswith(("uni", "use", "usu", "uti"))
    )
    return ("an " if sounds_like_a_vowel else "a ") + title


def _timezone_name(when: datetime, tz: ZoneInfo) -> str:
    name = when.astimezone(tz).tzname() or ""
    return f"UTC{name}" if name[:1] in "+-" else name


def context_for(
    followup: FollowUp, interview: Interview, sender: Sender, *, when: datetime
) -> dict[str, object]:
    """The variables of `followup`'s template, drafted at `when`."""
    facts = interview.facts
    language = draft_language(interview, sender)
    this_year = when.astimezone(sender.tz).year
    recipient = followup.to[0] if followup.to else Address("", "")
    person = _person(interview, recipient.email)
    title = fact(person.title, 60) if person else ""
    kind = title_kind(title)
    interviewers = _interviewers(interview)
    summary, description = fact(facts.summary, 300), facts.description
    round_code = round_of(summary, description)
    topic_code = topic_of(summary, description)
    in_the_room = list(followup.named) or [p.name for p in interviewers]
    others = [p.name for p in interviewers if not (p.email and p.email == recipient.email)]
    chosen = note_words.ChosenNotes()
    if followup.kind == FollowUpKind.THANK_YOU:
        chosen = note_words.choose(note_words.notes_for(interview.notes, recipient.email))
    elif followup.kind == FollowUpKind.CHECK_IN and followup.number > 1:
        chosen = note_words.latest(note_words.notes_for(interview.notes, recipient.email))
    context: dict[str, object] = {
        "language": language,
        "greeting": words.join_names([first_name(a.name) for a in followup.to], language),
        "full_name": person_name(recipient.name),
        "title": title,
        "title_kind": kind,
        "a_title": _with_article(title),
        "company": fact(facts.company, 60),
        "role": fact(_GENDER_MARK.sub("", facts.role), 80),
        "date": words.date_words(
            facts.start.astimezone(sender.tz).date(), language, this_year=this_year
        ),
        "round": round_code,
        "round_name": words.ROUND_NAMES[round_code][language],
        "topic": words.TOPICS[topic_code][language] if topic_code else "",
        "interviewers": words.join_names(_call_names(in_the_room), language),
        "interviewers_full": words.join_names(_full_names(in_the_room), language),
        "others": words.join_names(_call_names(others), language),
        "others_full": words.join_names(_full_names(others), language),
        "notes": words.join_names(list(chosen.phrases), language),
        "note_sentences": " ".join(chosen.sentences),
        "left_out": list(chosen.left_out),
        "thread_subject": fact(_REPLY_PREFIX.sub("", followup.thread_subject), 200),
        "variant": _variant(interview, recipient.email),
        "my_name": sender.name,
        "signature": sender.signature or sender.name,
    }
    if followup.kind == FollowUpKind.THANK_YOU:
        context["interview_id"] = interview.id  # for the `note` command a draft suggests
        context["address"] = recipient.email
        context["arranged"] = bool(interviewers or followup.named) and not (
            person is not None and person.role == PersonRole.INTERVIEWER
        )
    elif followup.kind == FollowUpKind.CHECK_IN:
        timeline = followup.timeline
        by = followup.timeline_from
        by_person = _person(interview, by) if by else None
        event = followup.event
        context.update(
            event=event_kind(event.title, language) if event else "",
            event_date=words.date_words(
                event.start.astimezone(sender.tz).date(), language, this_year=this_year
            )
            if event
            else "",
            # begun by the time the draft is written: "it was good to join", else "looking
            # forward to"
            event_past=event is not None and event.start <= when,
            number=followup.number,
            timeline_date=words.date_words(timeline.day, language, this_year=this_year)
            if timeline
            else "",
            timeline_by_recipient=bool(by) and any(a.email == by for a in followup.to),
            timeline_by=first_name(by_person.name) if by_person else "",
        )
    else:
        ask = read_request(followup.what)
        table = words.FORMS if ask.kind == "form" else words.DOCUMENTS
        context.update(
            kind=ask.kind,
            thing=ask.thing,
            item=table.get(ask.thing, table[""])[language],
            detail=ask.detail if language == "en" else "",
            request=note_words.tidy(followup.what)[:200],
            promised=any(
                n.promise_due is not None and n.text == followup.what for n in interview.notes
            ),
            due_date=words.date_words(
                followup.due.astimezone(sender.tz).date(), language, this_year=this_year
            ),
            timezone=_timezone_name(followup.due, sender.tz),
        )
    return context
