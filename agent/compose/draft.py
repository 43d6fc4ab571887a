"""Composing: a planned follow-up and its interview become an RFC 5322 draft (`EmailMessage`).

Templates are Jinja2 files (`<kind>.txt.j2`; the first line is `Subject: ...`) rendered by one
`Environment` with `StrictUndefined`. A user folder may override any of them. Headers are set
through the stdlib `email` API from cleaned strings (no CR, LF or control character), never
by concatenating header text, so a name or subject read from mail cannot add a header line.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address as HeaderAddress
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2

from agent.mail.mime import clean
from agent.model import KEY_HEADER, Address, FollowUpKind, FollowUpState, Interview, PersonRole
from agent.planning.planner import FollowUp

TEMPLATE_NAMES = ("thank_you", "action_item", "check_in_first", "check_in_second")
MAX_WORDS = 250


class TemplateError(ValueError):
    """A template is missing, does not parse, or renders something unusable."""


@dataclass(frozen=True)
class Sender:
    name: str
    email: str
    signature: str
    tz: ZoneInfo


def shipped_templates() -> Path:
    """The default templates: inside the installed package, or `templates/` in a checkout."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "templates"
    if installed.is_dir():
        return installed
    return package.parent / "templates"


def environment(folder: Path | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if folder is not None:
        loaders.append(jinja2.FileSystemLoader(str(folder)))
    loaders.append(jinja2.FileSystemLoader(str(shipped_templates())))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=False,
    )


def template_name(followup: FollowUp) -> str:
    if followup.kind == FollowUpKind.CHECK_IN:
        return "check_in_first" if followup.number <= 1 else "check_in_second"
    return str(followup.kind)


def _join(names: list[str]) -> str:
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _first(name: str) -> str:
    name = name.strip()
    if not name or "@" in name:
        return ""
    if "," in name:
        rest = name.split(",", 1)[1].strip()
        return rest.split()[0] if rest else ""
    return name.split()[0]


def _item(what: str) -> str:
    item = re.sub(
        r"^(?:please\s+)?(?:send|share|submit|provide|forward|email)\s+(?:over\s+)?",
        "",
        what.strip(),
        flags=re.I,
    )
    item = re.sub(r"\byour\b", "my", item, flags=re.I)
    return item.rstrip(".") or "the information you asked for"


def context_for(followup: FollowUp, interview: Interview, sender: Sender) -> dict[str, object]:
    facts = interview.facts
    greeting = _join([_first(a.name) for a in followup.to]) or "there"
    local = facts.start.astimezone(sender.tz)
    today_words = f"on {local:%A}"
    named = list(followup.named) or [
        p.name
        for p in facts.people
        if p.role == PersonRole.INTERVIEWER
        and p.name
        and not any(p.email and p.email == a.email for a in followup.to)
    ]
    notes = [n.text.rstrip(".") for n in interview.notes if n.promise_due is None]
    role = facts.role
    return {
        "greeting": greeting,
        "company": facts.company,
        "company_phrase": facts.company or "your company",
        "role": role,
        "role_phrase": f"the {role} role" if role else "the role",
        "when_phrase": today_words,
        "named": _join([_first(n) or n for n in named])
        if followup.kind == FollowUpKind.THANK_YOU
        and not any(
            p.role == PersonRole.INTERVIEWER and p.email == followup.to[0].email
            for p in facts.people
        )
        else "",
        "notes": notes,
        "what": followup.what,
        "item": _item(followup.what),
        "thread_subject": re.sub(r"^(?:re|aw|sv)\s*:\s*", "", followup.thread_subject, flags=re.I),
        "signature": sender.signature or sender.name,
        "number": followup.number,
    }


def render(
    env: jinja2.Environment, followup: FollowUp, interview: Interview, sender: Sender
) -> tuple[str, str]:
    """The subject and body text of a draft."""
    try:
        template = env.get_template(template_name(followup) + ".txt.j2")
        text = template.render(**context_for(followup, interview, sender))
    except jinja2.TemplateError as exc:
        raise TemplateError(f"template {template_name(followup)}: {exc}") from exc
    first, _, body = text.partition("\n")
    if not first.lower().startswith("subject:"):
        raise TemplateError(
            f"template {template_name(followup)}: the first line must be 'Subject: ...'"
        )
    subject = clean(first.split(":", 1)[1])
    body = re.sub(r"\n{3,}", "\n\n", body.strip("\n")) + "\n"
    return subject, body


def _header_address(address: Address) -> HeaderAddress:
    username, _, domain = address.email.partition("@")
    return HeaderAddress(display_name=clean(address.name), username=username, domain=domain)


def new_message_id(sender_email: str) -> str:
    domain = sender_email.rpartition("@")[2] or "interview-agent.invalid"
    return f"<ia-{uuid.uuid4().hex}@{clean(domain)}>"


def build_draft(
    env: jinja2.Environment,
    followup: FollowUp,
    interview: Interview,
    sender: Sender,
    *,
    when: datetime,
    message_id: str,
) -> EmailMessage:
    subject, body = render(env, followup, interview, sender)
    message = EmailMessage(policy=SMTP)
    message["From"] = _header_address(Address(sender.name, sender.email))
    message["To"] = [_header_address(a) for a in followup.to]
    message["Subject"] = subject
    message["Date"] = format_datetime(when.astimezone(sender.tz))
    message["Message-ID"] = message_id
    if followup.in_reply_to:
        message["In-Reply-To"] = clean(followup.in_reply_to)
        refs = [clean(r) for r in followup.references if r]
        if refs:
            message["References"] = " ".join(refs[-20:])
    message[KEY_HEADER] = followup.key
    message.set_content(body, charset="utf-8")
    return message


def word_count(text: str) -> int:
    return len(text.split())


def check_templates(env: jinja2.Environment) -> list[str]:
    """Every problem with the templates (used by `check`), rendered on a sample interview."""
    from agent.model import InterviewFacts, Person

    problems = []
    start = datetime(2026, 10, 1, 15, 0, tzinfo=ZoneInfo("UTC"))
    interview = Interview(
        id="sample",
        first_seen=start,
        source="mail",
        facts=InterviewFacts(
            uid="u",
            sequence=0,
            stamp=None,
            start=start,
            end=None,
            company="Example",
            role="Engineer",
            people=(Person("Sam Lee", "sam@example.org", PersonRole.INTERVIEWER),),
        ),
    )
    sender = Sender("Alex Rivera", "alex@example.com", "", ZoneInfo("UTC"))
    for name in TEMPLATE_NAMES:
        kind = FollowUpKind.CHECK_IN if name.startswith("check_in") else FollowUpKind(name)
        followup = FollowUp(
            key="k",
            kind=kind,
            interview_id="sample",
            to=(Address("Sam Lee", "sam@example.org"),),
            draft_at=start,
            due=start,
            state=FollowUpState.PLANNED,
            reason="",
            what="send my portfolio",
            number=2 if name.endswith("second") else 1,
        )
        try:
            subject, body = render(env, followup, interview, sender)
        except TemplateError as exc:
            problems.append(str(exc))
            continue
        if not subject:
            problems.append(f"template {name}: the subject is empty")
        if word_count(body) > MAX_WORDS:
            problems.append(f"template {name}: {word_count(body)} words; keep it under {MAX_WORDS}")
        if re.search(r"\bNone\b|\{\{|\}\}", subject + body):
            problems.append(f"template {name}: renders template debris")
    return problems
