"""Composing drafts, read as the person who receives them: personal per interviewer, true
whenever sent, action items by kind of request, the user's notes, the thread's language; and
the mechanics: headers, message ids, format=flowed, cleaned facts, no header injection, no
header that names the program."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from helpers import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.compose import (
    LANGUAGES,
    VARIABLES,
    Sender,
    build_draft,
    check_templates,
    environment,
    flow,
    new_message_id,
    render,
    unflow,
    word_count,
)
from agent.compose.checking import SAMPLE_REQUESTS, sample_followups, sample_interview
from agent.compose.facts import fact, first_name, person_name, round_of, title_kind, topic_of
from agent.compose.notes import choose
from agent.compose.requests import read_request
from agent.compose.words import date_words
from agent.mail import mime
from agent.model import (
    KEY_HEADER,
    Address,
    Deadline,
    FollowUpKind,
    FollowUpState,
    Interview,
    InterviewFacts,
    Note,
    Person,
    PersonRole,
    draft_tag,
    draft_tag_of,
    is_draft_of,
)
from agent.planning.planner import AcceptedEvent, FollowUp
from agent.understanding.language import detect_language

START = datetime(2026, 9, 29, 18, 0, tzinfo=UTC)  # Tuesday 14:00 in New York
NY = ZoneInfo("America/New_York")
SENDER = Sender("Alex Rivera", "alex@example.com", "Alex Rivera", NY)
ALL_LANGUAGES = replace(SENDER, languages=LANGUAGES)
ENV = environment(None)
ROOT = Path(__file__).resolve().parent.parent

OLIVER = Person(
    "Oliver Grant", "oliver.grant@northwind.io", PersonRole.INTERVIEWER, "Engineering Manager"
)
PRIYA = Person("Priya Shah", "priya.shah@northwind.io", PersonRole.INTERVIEWER, "Staff Engineer")
RACHEL = Person(
    "Rachel Kim", "rachel.kim@northwind.io", PersonRole.RECRUITER, "Technical Recruiter"
)
NORTHWIND_INVITE = (
    "Interview with Northwind - Senior Backend Engineer",
    "System design interview with Oliver Grant (Engineering Manager) and Priya Shah (Staff "
    "Engineer).",
)
DAY_WORDS = {
    "en": "monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|yesterday|"
    r"tonight|this\s+(?:morning|afternoon|week)|next\s+week|last\s+week",
    "fr": "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|aujourd'hui|demain|hier|"
    r"la\s+semaine\s+(?:prochaine|dernière)",
    "de": "montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|heute|morgen|gestern|"
    r"nächste\s+woche|letzte\s+woche",
    "es": "lunes|martes|miércoles|jueves|viernes|sábado|domingo|hoy|mañana|ayer",
    "it": "lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica|oggi|domani|ieri",
    "pt": "segunda-feira|terça-feira|quarta-feira|quinta-feira|sexta-feira|sábado|domingo|hoje|"
    "amanhã|ontem",
}


def day_words(language: str) -> re.Pattern[str]:
    """Words that name a day relative to when they are written: true today, false next week."""
    return re.compile(rf"\b(?:{DAY_WORDS[language]})\b", re.I)


WEEKDAYS = day_words("en")


def make(
    company: str = "Northwind",
    role: str = "Senior Backend Engineer",
    people: tuple[Person, ...] = (RACHEL, OLIVER, PRIYA),
    notes: tuple[Note, ...] = (),
    invite: tuple[str, str] = NORTHWIND_INVITE,
    language: str = "",
    interview_id: str = "n1",
) -> Interview:
    return Interview(
        id=interview_id,
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
            people=people,
            summary=invite[0],
            description=invite[1],
            language=language,
        ),
    )


def followup(
    kind: FollowUpKind = FollowUpKind.THANK_YOU,
    to: Person | Address = OLIVER,
    *,
    subject: str = "",
    number: int = 1,
    what: str = "send your references",
    in_reply_to: str = "",
    references: tuple[str, ...] = (),
    named: tuple[str, ...] = (),
    timeline: Deadline | None = None,
    timeline_from: str = "",
) -> FollowUp:
    address = to if isinstance(to, Address) else Address(to.name, to.email)
    return FollowUp(
        key=f"{kind}/n1/{address.email}/{number}",
        kind=kind,
        interview_id="n1",
        to=(address,),
        draft_at=START,
        due=START + timedelta(days=3),
        state=FollowUpState.PLANNED,
        reason="",
        what=what,
        in_reply_to=in_reply_to or ("<a@northwind.io>" if subject else ""),
        references=references or (("<a@northwind.io>",) if subject else ()),
        thread_subject=subject,
        number=number,
        named=named,
        timeline=timeline,
        timeline_from=timeline_from,
    )


def parse(raw: bytes) -> email.message.EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message


def draft(
    f: FollowUp, interview: Interview, sender: Sender = SENDER, when: datetime = START
) -> email.message.EmailMessage:
    message = build_draft(
        ENV, f, interview, sender, when=when, message_id=new_message_id(sender.email, f.key)
    )
    return parse(message.as_bytes())


def body_of(f: FollowUp, interview: Interview, sender: Sender = SENDER) -> str:
    """The body as a format=flowed client shows it."""
    return unflow(draft(f, interview, sender).get_content())


def beyond_greeting(body: str) -> str:
    """What the recipient reads after the greeting (lines for the user left out)."""
    return for_the_recipient(body).split("\n", 1)[1]


def shared_sentences(one: str, other: str) -> set[str]:
    """The sentences two bodies have in common, beyond the greeting and the signature."""

    def sentences(body: str) -> set[str]:
        text = beyond_greeting(body).strip().rsplit("\n\n", 1)[0]  # without the sign-off
        found = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
        return {re.sub(r"Person \w+", "X", s) for s in found if s}

    return sentences(one) & sentences(other)


def for_the_recipient(body: str) -> str:
    """The body without the lines in square brackets (those are for the user): what the
    recipient reads, from the greeting on."""
    return "\n".join(line for line in body.splitlines() if not line.startswith("[")).lstrip()


# --- the draft as a message --------------------------------------------------------------------


def test_thank_you_headers_and_words() -> None:
    notes = (Note("the event pipeline migration"),)
    f = followup()
    message = draft(f, make(notes=notes))
    assert message["From"] == "Alex Rivera <alex@example.com>"
    assert message["To"] == "Oliver Grant <oliver.grant@northwind.io>"
    assert message["MIME-Version"] == "1.0"
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message.get_param("format") == "flowed"
    assert draft_tag_of(str(message["Message-ID"])) == draft_tag(f.key)
    assert str(message["Message-ID"]).endswith("@example.com>")
    body = unflow(message.get_content())
    assert body.startswith("Hi Oliver,\n")
    assert "Northwind" in body and "Senior Backend Engineer" in body
    assert "event pipeline migration" in body
    assert "system design" in body  # the round's topic, from the invite
    assert "Engineering Manager" not in body  # nobody is told their own title
    assert "Priya" in body  # the other person in the room
    assert 80 <= word_count(body) <= 180


def test_no_header_names_the_program_or_spells_the_key() -> None:
    f = followup(FollowUpKind.CHECK_IN, to=RACHEL, subject="Re: Next steps")
    message = draft(f, make())
    assert message[KEY_HEADER] is None
    for name, value in message.items():
        text = f"{name}: {value}".lower()
        assert "interview-agent" not in text and "interview agent" not in text
        assert "check_in" not in text and "n1/" not in text
    assert is_draft_of(draft_tag_of(str(message["Message-ID"])), f.key)
    assert not is_draft_of(draft_tag_of(str(message["Message-ID"])), f.key + "x")


def test_message_ids_are_tagged_unique_and_on_the_users_domain() -> None:
    first, second = new_message_id("alex@example.com", "k"), new_message_id("alex@example.com", "k")
    assert first != second
    assert draft_tag_of(first) == draft_tag_of(second) == draft_tag("k")
    assert re.fullmatch(r"<[a-z2-7]{24}\.[0-9a-f]{12}@example\.com>", first)
    assert draft_tag_of(new_message_id("alex@example.com")) == ""  # no key: not ours
    assert draft_tag_of("<CAF-demo-nextsteps@northwind.io>") == ""
    assert draft_tag("thank_you/a") != draft_tag("thank_you/b")
    assert is_draft_of("thank_you/a", "thank_you/a")  # a key in clear, from version 0.1


def test_missing_facts_degrade_gracefully() -> None:
    someone = Person("", "someone@northwind.io", PersonRole.INTERVIEWER)
    interview = make(company="", role="", people=(someone,), invite=("", ""))
    text = draft(followup(to=Address("", someone.email)), interview).as_string()
    assert "None" not in text and "{{" not in text and "Hi ," not in text
    assert "the role" in text and "Hi there," in text


def test_a_long_outlook_message_id_is_written_as_a_message_id() -> None:
    outlook = (
        "<"
        + "SN6PR11MB3456ABCDEF0123456789" * 6
        + "A0B1C2D3E4F5.namprd11.prod.outlook.com@SN6PR11MB3456.namprd11.prod.outlook.com>"
    )
    assert len(outlook) >= 200
    chain = tuple(f"<thread-{n}@northwind.io>" for n in range(30))
    f = followup(
        FollowUpKind.CHECK_IN,
        to=RACHEL,
        subject="RE: Next steps",
        in_reply_to=outlook,
        references=(*chain, outlook),
    )
    raw = build_draft(
        ENV, f, make(), SENDER, when=START, message_id=new_message_id(SENDER.email, f.key)
    ).as_bytes()
    assert b"=?" not in raw
    assert outlook.encode() in raw  # whole, on a line of its own
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert all(len(line) <= 998 for line in head.split(b"\r\n"))
    assert all(len(line) <= 78 for line in head.split(b"\r\n") if outlook.encode() not in line)
    parsed = parse(raw)
    assert parsed["In-Reply-To"] == outlook
    ids = mime.message_ids(str(parsed["References"]))
    assert len(ids) == 20 and ids[0] == chain[0] and ids[-1] == outlook
    assert parsed["Subject"] == "Re: Next steps"


def test_bodies_are_format_flowed_at_72_columns() -> None:
    notes = tuple(Note(f"a long point number {n} about the queueing design") for n in range(3))
    message = draft(followup(), make(notes=notes))
    raw = message.get_content().replace("\r\n", "\n")
    lines = raw.split("\n")
    assert max(len(line) for line in lines) <= 73  # 72 and the soft break's space
    assert any(line.endswith(" ") for line in lines)  # paragraphs were wrapped
    shown = unflow(raw)
    assert "a long point number 1 about the queueing design" in shown
    assert "\n\nBest regards,\nAlex Rivera" in shown  # hard breaks kept


PARAGRAPH = st.lists(
    st.text(alphabet="abcdefghij KLMNO.,>é", min_size=1, max_size=15), min_size=0, max_size=40
).map(" ".join)


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(PARAGRAPH, min_size=1, max_size=5))
def test_flowed_text_unflows_to_what_was_written(paragraphs: list[str]) -> None:
    text = "\n".join(p.rstrip(" ") for p in paragraphs)
    flowed = flow(text)
    for line in flowed.split("\n"):
        assert not line.startswith((">", "From "))  # space-stuffed
        line = line.removeprefix(" ").rstrip(" ")
        assert len(line) <= 72 or " " not in line
    assert unflow(flowed) == text


def test_non_ascii_names_are_encoded() -> None:
    zoe = Person("Zoë Müller-Łukasz", "zoe@northwind.io", PersonRole.INTERVIEWER)
    message = build_draft(
        ENV, followup(to=zoe), make(people=(zoe,)), SENDER, when=START, message_id="<x@example.com>"
    )
    raw = message.as_bytes()
    parsed = parse(raw)
    assert parsed["To"].addresses[0].display_name == "Zoë Müller-Łukasz"
    assert for_the_recipient(unflow(parsed.get_content())).startswith("Hi Zoë,")


# --- facts from untrusted mail -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Aurora Games Bcc", "Aurora Games"),
        ("Aurora Games\r\nBcc: x@evil.example", "Aurora Games"),
        ("Aurora Games Bcc: x@evil.example", "Aurora Games"),
        ("Northwind\nX-Interview-Agent-Key: forged", "Northwind"),
        ("{{ 7*7 }}", ""),
        ("None", ""),
        ("  null ", ""),
        ("=?utf-8?q?a=0D=0ABcc:_x@evil.example?=", ""),
        ("Globex\u202e", "Globex"),
        ("Head of Design", "Head of Design"),
        ("x" * 300, ""),
    ],
)
def test_facts_from_mail_are_cleaned(raw: str, clean: str) -> None:
    assert fact(raw) == clean


def test_names_are_cleaned() -> None:
    assert person_name("Grant, Oliver") == "Oliver Grant"
    assert person_name("OLIVER GRANT") == "Oliver Grant"
    assert person_name("Dr. Priya Shah") == "Priya Shah"
    assert first_name("Priya Shah <priya@northwind.io>") == "Priya"
    assert first_name("priya.shah@northwind.io") == ""
    assert first_name("Oliver\r\nBcc: x@evil.example") == "Oliver"


def test_a_hostile_invite_leaves_nothing_in_the_body() -> None:
    hostile = Person(
        "Oliver\r\nBcc: x@evil.example",
        "oliver.grant@northwind.io",
        PersonRole.INTERVIEWER,
        "{{ title }} None",
    )
    interview = make(
        company="Aurora Games\r\nBcc: x@evil.example",
        role="None",
        people=(hostile,),
        invite=("=?utf-8?q?Interview?= {{ summary }}", "Bcc: x@evil.example"),
    )
    f = followup(to=Address("Oliver\r\nBcc: x@evil.example", hostile.email))
    body = body_of(f, interview)
    assert "Aurora Games" in body
    for junk in ("Bcc", "evil", "{{", "}}", "None", "=?", "\r"):
        assert junk not in body
    assert for_the_recipient(body).startswith("Hi Oliver,")


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
    "{{",
    "None",
    "Bcc: x@evil.example",
    "=?utf-8?q?a=0D=0ABcc:_x@evil.example?=",
]
HOSTILE = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


@settings(max_examples=examples(150), deadline=None)
@given(HOSTILE, HOSTILE, HOSTILE, HOSTILE)
def test_no_header_injection_and_no_debris(
    name: str, subject: str, company: str, title: str
) -> None:
    clean_name = mime.decode_words(name)
    person = Person(clean_name, "oliver@northwind.io", PersonRole.INTERVIEWER, title)
    f = followup(to=Address(clean_name, person.email), subject=mime.decode_words(subject))
    interview = make(company=mime.decode_words(company), people=(person,), invite=(title, name))
    message = draft(f, interview)
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
    }
    assert {k.lower() for k in message} <= allowed
    assert message["Bcc"] is None
    body = unflow(message.get_content())
    assert "{{" not in body and not re.search(r"\bNone\b|\bBcc\b", body)


# --- personal per person -----------------------------------------------------------------------


def test_two_interviewers_never_get_the_same_body() -> None:
    interview = make()
    oliver, priya = body_of(followup(to=OLIVER), interview), body_of(followup(to=PRIYA), interview)
    assert not shared_sentences(oliver, priya), "interviewers compare notes"
    # a title chooses what is said; it is never quoted back to the person who holds it
    assert "Engineering Manager" not in oliver and "team" in oliver
    assert "Staff Engineer" not in priya


GREETINGS = {
    "en": "Hi ",
    "fr": "Bonjour ",
    "de": "Guten Tag ",
    "es": "Hola, ",
    "it": "Buongiorno ",
    "pt": "Olá, ",
}
# How the line for the user that asks for one detail of the conversation starts (a thank-you
# with no note for its recipient), up to the recipient's name.
ADD_A_DETAIL = {
    "en": "[BEFORE SENDING: add one thing you and ",
    "fr": "[AVANT D'ENVOYER\u00a0: ajoutez un point dont vous avez parlé avec ",
    "de": "[VOR DEM SENDEN: Ergänzen Sie eine Sache, über die Sie mit ",
    "es": "[ANTES DE ENVIAR: añada algo de lo que habló con ",
    "it": "[PRIMA DI INVIARE: aggiungi una cosa di cui hai parlato con ",
    "pt": "[ANTES DE ENVIAR: acrescente algo sobre o que conversou com ",
}


def detail_lines(body: str, language: str) -> list[str]:
    return [line for line in body.splitlines() if line.startswith(ADD_A_DETAIL[language])]


PANEL_TITLES = {
    "lead": "Engineering Manager",
    "individual": "Software Engineer",
    "people": "Technical Recruiter",
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", [2, 3])
@pytest.mark.parametrize("kind", ["lead", "individual", "people", "topic only", "nothing known"])
@pytest.mark.parametrize("shared", [(), (Note("the event pipeline migration"),)])
def test_a_panel_of_up_to_three_shares_not_one_sentence(
    language: str, size: int, kind: str, shared: tuple[Note, ...]
) -> None:
    """Whatever is known of them, and even when it is the same for all (three engineers on one
    system design round, a note that applies to each of them), no two of up to three
    interviewers read one same sentence, in any language; and nobody is told their own
    title."""
    title = PANEL_TITLES.get(kind, "")
    invite = ("", "") if kind == "nothing known" else NORTHWIND_INVITE
    people = tuple(
        Person(f"Person {chr(65 + n)}son", f"p{n}@northwind.io", PersonRole.INTERVIEWER, title)
        for n in range(size)
    )
    for interview_id in ("a1", "b2", "c3", "d4", "e5"):
        interview = make(
            people=people,
            notes=shared,
            invite=invite,
            language=language,
            interview_id=interview_id,
        )
        bodies = [body_of(followup(to=person), interview, ALL_LANGUAGES) for person in people]
        for n, body in enumerate(bodies):
            assert for_the_recipient(body).startswith(GREETINGS[language]), body
            # with no note, each is asked for a detail of their own conversation
            assert (ADD_A_DETAIL[language] in body) == (not shared), body
            assert not title or title not in body, (language, kind, body)
            for other in bodies[n + 1 :]:
                assert not shared_sentences(body, other), (language, kind, interview_id)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sample_panel_reads_two_different_letters(language: str) -> None:
    """The sample interview's manager and engineer, with notes for both of them and a note for
    one of them: no sentence in common, and neither title quoted back. The one exception is a
    note the user wrote as a whole sentence: it goes in as written."""
    for notes in (1, 2, 3):
        shape = sample_interview(language, notes=notes)
        followups = [f for f in sample_followups(shape) if f.kind == FollowUpKind.THANK_YOU]
        bodies = {
            f.to[0].email: render(ENV, f, shape, ALL_LANGUAGES, when=START)[1]
            for f in followups
            if f.to[0].email in ("oliver@example.org", "priya@example.org")
        }
        oliver, priya = bodies["oliver@example.org"], bodies["priya@example.org"]
        assert "Engineering Manager" not in oliver and "Staff Engineer" not in priya
        assert "event pipeline migration" in oliver and "event pipeline migration" in priya
        shared = shared_sentences(oliver, priya)
        assert all(
            s == "I liked hearing how the team runs its on-call rotation." for s in shared
        ), (
            notes,
            shared,
        )


@settings(max_examples=examples(60), deadline=None)
@given(
    st.integers(min_value=2, max_value=15), st.text(alphabet="abcdef0123", min_size=1, max_size=8)
)
def test_a_panel_of_strangers_gets_as_many_bodies(size: int, interview_id: str) -> None:
    """Nothing known of them but their names: no title, no topic, no notes."""
    people = tuple(
        Person(f"Person {chr(65 + n)}son", f"p{n}@northwind.io", PersonRole.INTERVIEWER)
        for n in range(size)
    )
    interview = make(people=people, invite=("", ""), interview_id=interview_id)
    bodies = set()
    for person in people:
        body = body_of(followup(to=person), interview)
        bodies.add(re.sub(r"Person \w+", "X", beyond_greeting(body)))  # not just the names
    assert len(bodies) == size


def test_a_thank_you_with_no_note_asks_for_one_detail_of_the_conversation() -> None:
    """What the mailbox cannot know, and what makes a thank-you worth reading: the user is asked
    for it at the top of the draft, by the person's name, and told how to give it next time."""
    body = body_of(followup(to=OLIVER), make())
    assert body.startswith(
        "[BEFORE SENDING: add one thing you and Oliver talked about (a question, a problem you "
        "worked through): it is what makes this note yours. Next time: interview-agent note n1 "
        '--for oliver.grant@northwind.io "..." before the draft is placed.]\n\nHi Oliver,\n'
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_detail_is_asked_for_by_name_only_when_there_is_no_note(language: str) -> None:
    def line(to: Person, *notes: Note) -> list[str]:
        body = body_of(followup(to=to), make(notes=notes, language=language), ALL_LANGUAGES)
        assert not detail_lines(for_the_recipient(body), language)  # never for the recipient
        return detail_lines(body, language)

    for person in (OLIVER, PRIYA):
        found = line(person)
        assert len(found) == 1 and found[0].startswith(BEFORE_SENDING[language]), found
        assert first_name(person.name) in found[0] and "interview-agent note" in found[0]
        assert found[0].endswith("]") and found[0].count("[") == 1
    only_priya = Note("the idempotency keys we sketched", for_email=PRIYA.email)
    assert not line(PRIYA, only_priya)
    assert "Oliver" in line(OLIVER, only_priya)[0]  # a note for someone else is not his
    assert not line(OLIVER, Note("the event pipeline migration"))  # a note for everyone
    assert not line(OLIVER, Note("I liked hearing how the team runs its on-call rotation."))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_recruiter_who_arranged_it_is_not_asked_for_a_detail(language: str) -> None:
    """She was not in the room: there is no conversation to bring back."""
    people = (RACHEL, replace(OLIVER, email=""), replace(PRIYA, email=""))
    f = followup(to=RACHEL, named=("Oliver Grant", "Priya Shah"))
    body = body_of(f, make(people=people, language=language), ALL_LANGUAGES)
    assert "Oliver" in body and not detail_lines(body, language), body
    assert not [line for line in body.splitlines() if line.startswith("[")], body


def test_a_recruiter_who_arranged_it_is_thanked_for_arranging() -> None:
    people = (RACHEL, replace(OLIVER, email=""), replace(PRIYA, email=""))
    f = followup(to=RACHEL, named=("Oliver Grant", "Priya Shah"))
    body = body_of(f, make(people=people))
    assert "Thank you for arranging my interview with Oliver and Priya" in body
    assert "speak with me" not in body and "speaking with me" not in body
    assert "your perspective" not in body


def test_a_recruiter_who_held_the_screen_is_thanked_for_it() -> None:
    screen = ("Phone screen: Northwind", "A 30-minute call with Rachel.")
    f = followup(to=RACHEL)
    body = body_of(f, make(people=(RACHEL,), invite=screen))
    assert "arranging" not in body
    assert re.search(
        r"(tell you more about|walk you through) my (background|experience)", body
    ) or ("what I've worked on" in body)


def test_round_topic_and_title_are_read() -> None:
    assert round_of(*NORTHWIND_INVITE) == "system_design"
    assert topic_of(*NORTHWIND_INVITE) == "system_design"
    assert round_of("Phone Screen - Acme", "") == "phone_screen"
    assert round_of("Entretien technique – Aubergine", "") == "technical"
    assert round_of("Final round: Globex", "") == "final"
    assert round_of("Interview with Northwind", "Meet the team.") == ""
    assert title_kind("Engineering Manager") == "lead"
    assert title_kind("Staff Engineer") == "individual"
    assert title_kind("Technical Recruiter") == "people"
    assert title_kind("") == ""


# --- every word true whenever it is sent -------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_draft_says_a_day_word(language: str) -> None:
    for shape in (sample_interview(language), sample_interview(language, full=False, notes=0)):
        for f in sample_followups(shape):
            subject, body = render(ENV, f, shape, ALL_LANGUAGES, when=START)
            assert not day_words(language).search(subject + "\n" + body), (f.kind, body)


def test_a_same_day_thank_you_has_no_day_word() -> None:
    same_day = START + timedelta(hours=1, minutes=30)
    body = unflow(draft(followup(), make(), when=same_day).get_content())
    assert not WEEKDAYS.search(body)


def test_a_check_in_names_the_interview_by_date_and_the_timeline_given() -> None:
    f = followup(
        FollowUpKind.CHECK_IN,
        to=RACHEL,
        subject="Next steps - Senior Backend Engineer",
        timeline=Deadline(date(2026, 10, 9), "by the end of next week"),
        timeline_from=RACHEL.email,
    )
    body = body_of(f, make())
    assert "my system design interview with Oliver and Priya on September 29" in body
    assert "You mentioned that the team expected to be in touch by October 9" in body
    assert "next week" not in body
    other = replace(f, timeline_from="oliver.grant@northwind.io")
    assert "Oliver mentioned" in body_of(other, make())
    assert "mentioned" not in body_of(replace(f, timeline=None), make())


def test_dates_carry_the_year_only_when_it_is_another_year() -> None:
    assert date_words(date(2026, 9, 29), "en", this_year=2026) == "September 29"
    assert date_words(date(2026, 12, 29), "en", this_year=2027) == "December 29, 2026"
    assert date_words(date(2026, 10, 1), "fr", this_year=2026) == "1er octobre"
    assert date_words(date(2026, 10, 1), "de", this_year=2026) == "1. Oktober"
    assert date_words(date(2026, 10, 1), "es", this_year=2025) == "1 de octubre de 2026"


def test_the_second_check_in_brings_something_new() -> None:
    first = body_of(followup(FollowUpKind.CHECK_IN, to=RACHEL), make())
    second = body_of(followup(FollowUpKind.CHECK_IN, to=RACHEL, number=2), make())
    paragraphs = set(first.split("\n\n"))
    assert not [p for p in second.split("\n\n")[1:-1] if p in paragraphs]
    assert "examples of my recent work" in second
    noted = make(notes=(Note("the event pipeline migration"), Note("how on-call works")))
    with_note = body_of(followup(FollowUpKind.CHECK_IN, to=RACHEL, number=2), noted)
    assert "kept thinking about how on-call works" in with_note
    assert "September 29" in with_note


# --- notes -------------------------------------------------------------------------------------


def test_notes_for_one_person_reach_only_their_draft() -> None:
    notes = (
        Note("the event pipeline migration"),
        Note("how they test schema changes", for_email=PRIYA.email),
        Note("I liked hearing how the team runs its on-call rotation."),
    )
    oliver = body_of(followup(to=OLIVER), make(notes=notes))
    priya = body_of(followup(to=PRIYA), make(notes=notes))
    assert "schema changes" in priya and "schema changes" not in oliver
    assert "event pipeline migration" in oliver and "event pipeline migration" in priya
    # a sentence goes in as written, never after "about"
    assert "I liked hearing how the team runs its on-call rotation." in oliver
    assert "about I liked" not in oliver and "discussing I liked" not in oliver


def test_phrases_and_sentences() -> None:
    chosen = choose(
        [
            Note("About the event pipeline migration."),
            Note("We talked about Kafka"),
            Note("The roadmap"),
            Note("Priya built the billing service in Rust and it shows."),
        ]
    )
    assert chosen.phrases == ("the event pipeline migration", "Kafka", "the roadmap")
    assert chosen.sentences == ("Priya built the billing service in Rust and it shows.",)
    assert chosen.left_out == ()


NOTE = st.text(alphabet="abcdefgh ijklm", min_size=3, max_size=80).map(str.strip).filter(bool)


@settings(max_examples=examples(80), deadline=None)
@given(st.lists(NOTE, min_size=0, max_size=8, unique=True))
def test_every_note_is_used_or_named_as_left_out(texts: list[str]) -> None:
    body = body_of(followup(to=OLIVER), make(notes=tuple(Note(t) for t in texts)))
    flat = " ".join(body.split()).lower()
    for text in texts:
        assert " ".join(text.split()).lower() in flat
    if len(texts) > 4 or sum(len(t.split()) for t in texts) > 60:
        assert body.startswith("[BEFORE SENDING: notes left out")
    assert word_count(for_the_recipient(body)) <= 180


# --- action items ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("what", "kind", "words"),
    [
        ("send your references", "references", "Here are my references, as requested:"),
        (
            "send a PDF of your portfolio (2-3 case studies)",
            "documents",
            "find my portfolio attached",
        ),
        (
            "share availability for the week of October 26",
            "availability",
            "for the week of October 26",
        ),
        ("schedule a call with our CTO", "schedule", "I've booked a call with your CTO for ["),
        ("review and sign the offer letter", "form", "find it signed and attached"),
        (
            "complete the take-home (rate-limited job queue) and send the repo link",
            "take_home",
            "Here is my solution",
        ),
        (
            "complete the HackerRank coding assessment",
            "assessment",
            "completed the coding assessment",
        ),
        ("complete the on-demand video interview", "assessment", "completed the video interview"),
        ("confirm that the final-round time works", "confirm", "confirm that the time works"),
        ("send your salary expectations", "other", "[BEFORE SENDING: write your answer here"),
    ],
)
def test_action_items_are_written_by_kind(what: str, kind: str, words: str) -> None:
    assert read_request(what).kind == kind
    f = followup(FollowUpKind.ACTION_ITEM, to=RACHEL, what=what, subject="Next steps")
    body = body_of(f, make())
    assert words in body
    said = for_the_recipient(body)
    assert what not in said and what.removeprefix("send ") not in said  # never pasted
    assert "As promised" not in body  # Rachel asked; the user promised nothing
    assert re.search(r"^\[[A-Z].*\]$", body, re.M)  # what the user must add or do
    if "attached" in said or "completed" in said or "booked" in said:
        assert re.search(r"^\[BEFORE SENDING: (?:attach|sign|complete|book)", body, re.M)


def test_a_promise_is_written_as_one() -> None:
    notes = (Note("send my portfolio", promise_due=date(2026, 10, 2)),)
    f = followup(FollowUpKind.ACTION_ITEM, to=RACHEL, what="send my portfolio")
    body = body_of(f, make(notes=notes))
    assert "As promised, please find my portfolio attached." in body
    assert '[BEFORE SENDING: attach the file; you promised to: "send my portfolio"]' in body


BEFORE_SENDING = {
    "en": "[BEFORE SENDING: ",
    "fr": "[AVANT D'ENVOYER\u00a0: ",
    "de": "[VOR DEM SENDEN: ",
    "es": "[ANTES DE ENVIAR: ",
    "it": "[PRIMA DI INVIARE: ",
    "pt": "[ANTES DE ENVIAR: ",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_line_for_the_user_starts_with_a_marker_no_one_can_miss(language: str) -> None:
    """A line in square brackets is for the user; sent unedited, the recipient reads the tool's
    instructions instead of the references. Each such line says so first, in the draft's
    language."""
    seen = set()
    for shape in (
        sample_interview(language, notes=5),
        sample_interview(language, full=False, notes=0),
    ):
        for f in sample_followups(shape):
            body = render(ENV, f, shape, ALL_LANGUAGES, when=START)[1]
            lines = [line for line in body.splitlines() if line.startswith("[")]
            if f.kind == FollowUpKind.ACTION_ITEM and not f.stage:
                assert lines, body  # every action item asks the user for something
            for line in lines:
                assert line.startswith(BEFORE_SENDING[language]), line
                assert line.endswith("]") and line.count("[") == 1, line
                seen.add(f.kind)
    assert seen == {FollowUpKind.THANK_YOU, FollowUpKind.ACTION_ITEM}  # notes left out, too


CLAIMED_PROGRESS = {
    "en": ("going well", "on track"),
    "fr": ("avance bien", "comme prévu"),
    "de": ("gut voran", "wie geplant"),
    "es": ("va bien", "según lo previsto"),
    "it": ("procede bene", "come previsto"),
    "pt": ("bons progressos", "como previsto"),
}
WORKING_ON_IT = {
    "en": "I'm working on the take-home exercise and will send you my solution by October 4.",
    "fr": "Je travaille sur l'exercice",
    "de": "ich arbeite an der Probeaufgabe",
    "es": "Estoy trabajando en el ejercicio",
    "it": "Sto lavorando all'esercizio",
    "pt": "Estou a trabalhar no exercício",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_progress_update_says_only_that_the_work_is_under_way(language: str) -> None:
    """Halfway to the date, the tool knows the task is open and when it is due, nothing of how
    it goes: the update says the user is working on it and will send it by the date."""
    shape = sample_interview(language)
    progress = [f for f in sample_followups(shape) if f.stage == "progress"]
    assert len(progress) == len(SAMPLE_REQUESTS)
    for f in progress:
        body = render(ENV, f, shape, ALL_LANGUAGES, when=START)[1]
        for claim in CLAIMED_PROGRESS[language]:
            assert claim not in body, (f.what, body)
        assert re.search(r"\b4\b", body), body  # the date it will come by
        if read_request(f.what).kind == "take_home":
            assert WORKING_ON_IT[language] in body, body


INVITED = {
    "en": "Thank you again for the invitation to your open house on September 29.",
    "fr": "invitation",
    "de": "Einladung",
    "es": "invitación",
    "it": "invito",
    "pt": "convite",
}
ATTENDED = {
    "en": "join",
    "fr": "participer",
    "de": "teilzunehmen",
    "es": "participar",
    "it": "partecipare",
    "pt": "participar",
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("number", [1, 2])
def test_an_accepted_event_that_is_past_is_not_said_to_be_attended(
    language: str, number: int
) -> None:
    """Accepting an invitation is not going: once the event has begun, the check-in thanks
    them for the invitation, which is true either way; while it is ahead, it looks forward."""
    open_house = AcceptedEvent("You're invited: our open house", START)
    f = replace(followup(FollowUpKind.CHECK_IN, to=RACHEL, number=number), event=open_house)
    interview = make(language=language)
    after = " ".join(
        render(ENV, f, interview, ALL_LANGUAGES, when=START + timedelta(days=9))[1].split()
    )
    assert INVITED[language] in after and ATTENDED[language] not in after, after
    before = render(ENV, f, interview, ALL_LANGUAGES, when=START - timedelta(days=2))[1]
    assert INVITED[language] not in before
    if language == "en":
        assert "I'm looking forward to the open house on September 29." in before


# --- the thread's language ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "greeting", "words"),
    [
        ("fr", "Bonjour Oliver,", "conception de systèmes"),
        ("de", "Guten Tag Oliver Grant,", "Systemdesign"),
        ("es", "Hola, Oliver:", "diseño de sistemas"),
        ("it", "Buongiorno Oliver,", "sulla progettazione di sistemi"),
        ("pt", "Olá, Oliver,", "design de sistemas"),
    ],
)
def test_a_company_that_writes_in_a_language_the_user_writes_gets_it(
    language: str, greeting: str, words: str
) -> None:
    interview = make(language=language)
    body = body_of(followup(), interview, ALL_LANGUAGES)
    assert for_the_recipient(body).startswith(greeting) and words in body
    assert "Engineering Manager" not in body and "Priya" in body
    english = body_of(followup(), interview, SENDER)  # the user writes English only
    assert for_the_recipient(english).startswith("Hi Oliver,")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hi Alex, thank you for your time. We will get back to you with the next steps.", "en"),
        (
            "Bonjour Alex, merci pour votre candidature. Nous vous proposons un entretien avec "
            "notre équipe le 6 octobre.",
            "fr",
        ),
        (
            "Hallo Alex, vielen Dank für Ihre Bewerbung. Wir laden Sie zu einem Gespräch mit "
            "unserem Team ein.",
            "de",
        ),
        (
            "Hola Alex, gracias por tu interés en el puesto. Nos gustaría invitarte a una "
            "entrevista con el equipo.",
            "es",
        ),
        (
            "Buongiorno Alex, grazie per la candidatura. Abbiamo il piacere di invitarla a un "
            "colloquio con il nostro team.",
            "it",
        ),
        (
            "Olá Alex, obrigado pela sua candidatura. Gostaríamos de convidá-lo para uma "
            "entrevista com a nossa equipe, você pode?",
            "pt",
        ),
        ("Interview", ""),
        ("Hallo Alex, bedankt voor je sollicitatie. We nodigen je uit voor een gesprek.", ""),
    ],
)
def test_the_language_is_told_from_common_words(text: str, language: str) -> None:
    assert detect_language(text) == language


# --- templates ---------------------------------------------------------------------------------


def test_shipped_templates_pass_check() -> None:
    assert check_templates(ENV) == []


def test_every_language_has_every_template() -> None:
    names = {p.name for p in (ROOT / "templates").glob("*.txt.j2")}
    for language in LANGUAGES[1:]:
        assert {p.name for p in (ROOT / "templates" / language).glob("*.txt.j2")} == names


def test_a_users_template_is_used_and_checked(tmp_path: Path) -> None:
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "thank_you.txt.j2").write_text(
        "Subject: Merci {{ greeting }}\n\nBonjour {{ greeting }},\n\n{{ nothing_here }}\n"
    )
    env = environment(tmp_path)
    problems = check_templates(env)
    assert problems and all("fr/thank_you.txt.j2" in p for p in problems)
    (tmp_path / "fr" / "thank_you.txt.j2").write_text(
        "Subject: Merci\n\nBonjour {{ greeting }},\n\nMerci pour {{ topic or 'notre échange' }}."
        "\n\n{{ signature }}\n"
    )
    subject, body = render(
        environment(tmp_path), followup(), make(language="fr"), ALL_LANGUAGES, when=START
    )
    assert subject == "Merci" and body.startswith("Bonjour Oliver,")
    english = render(environment(tmp_path), followup(), make(), ALL_LANGUAGES, when=START)[1]
    assert for_the_recipient(english).startswith("Hi")


def test_the_readme_documents_every_template_variable() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Writing your own templates", 1)[1].split("\n## ", 1)[0]
    for names in VARIABLES.values():
        for name in names:
            assert f"`{name}`" in section, name


def test_sample_requests_cover_every_kind() -> None:
    kinds = {read_request(what).kind for what in SAMPLE_REQUESTS}
    assert kinds == {
        "references",
        "documents",
        "availability",
        "schedule",
        "form",
        "take_home",
        "assessment",
        "confirm",
        "other",
    }


def test_a_gender_mark_after_a_role_is_not_part_of_it() -> None:
    body = body_of(followup(), make(role="Backend Engineer (m/w/d)"))
    assert "the Backend Engineer role" in body and "m/w/d" not in body
