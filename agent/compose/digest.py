"""The daily digest as a message (RFC 5322, text/plain; charset=utf-8): from and to the user,
saying what waits: drafts placed since the last digest, possible interviews to confirm (each
with the exact command), follow-ups due within two days, and company events. Pure: the caller
gathers the facts and places the message (`agent.placing.digest`).

Its Message-ID carries the opaque tag of the day's key (`agent.model.draft_tag`), by which the
agent finds it in INBOX (never two on one day) and knows it is not mail to read.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address as HeaderAddress
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class PlacedDraft:
    to: str
    subject: str


@dataclass(frozen=True)
class WaitingMessage:
    """A possible interview the user has not decided on."""

    sender: str
    subject: str
    date: datetime
    message_id: str


@dataclass(frozen=True)
class DueFollowUp:
    kind: str
    company: str
    to: str
    due: datetime


@dataclass(frozen=True)
class NoticedEvent:
    company: str
    title: str
    start: datetime | None


@dataclass(frozen=True)
class Digest:
    drafts: tuple[PlacedDraft, ...] = ()
    possible: tuple[WaitingMessage, ...] = ()
    due: tuple[DueFollowUp, ...] = ()
    events: tuple[NoticedEvent, ...] = ()

    @property
    def empty(self) -> bool:
        """Nothing to say: no digest that day."""
        return not (self.drafts or self.possible or self.due or self.events)

    def subject(self) -> str:
        """ "Interview follow-ups: 2 drafts ready, 1 to confirm" (only the parts that apply)."""
        parts = []
        if self.drafts:
            parts.append(_count(len(self.drafts), "draft") + " ready")
        if self.possible:
            parts.append(f"{len(self.possible)} to confirm")
        if self.due:
            parts.append(f"{len(self.due)} due soon")
        if self.events:
            parts.append(_count(len(self.events), "company event"))
        return "Interview follow-ups: " + ", ".join(parts)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _one_line(text: str, limit: int = 90) -> str:
    """Untrusted text (a subject, a name) on one line, capped."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def confirm_command(message_id: str) -> str:
    """The exact command that confirms a possible interview, quoted for a shell."""
    return f"interview-agent confirm {shlex.quote(message_id)}"


def body(digest: Digest, tz: ZoneInfo) -> str:
    lines: list[str] = []
    if digest.drafts:
        lines.append("Drafts ready in your Drafts folder (review, edit and send them):")
        lines += [f"  - to {_one_line(d.to)}: {_one_line(d.subject)}" for d in digest.drafts]
        lines.append("")
    if digest.possible:
        lines.append("Possible interviews (nothing is drafted until you confirm one):")
        for p in digest.possible:
            when = p.date.astimezone(tz)
            lines.append(f"  - {when:%a %b %d}, {_one_line(p.sender, 50)}: {_one_line(p.subject)}")
            lines.append(f"      {confirm_command(p.message_id)}")
        lines.append("")
    if digest.due:
        lines.append("Follow-ups due in the next two days:")
        for f in digest.due:
            when = f.due.astimezone(tz)
            company = _one_line(f.company, 50) or "the company"
            lines.append(
                f"  - {f.kind.replace('_', '-')} to {company} ({_one_line(f.to, 60) or '-'}), "
                f"due {when:%a %b %d %H:%M}"
            )
        lines.append("")
    if digest.events:
        lines.append("Events of the companies you are interviewing with:")
        for e in digest.events:
            starts = f"{e.start.astimezone(tz):%a %b %d %H:%M}" if e.start else "date not given"
            lines.append(f"  - {_one_line(e.company, 50)}: {_one_line(e.title)} ({starts})")
        lines.append("")
    lines.append("Placed in your INBOX by interview-agent; it was not sent to anyone.")
    return "\n".join(lines) + "\n"


def build_digest(
    digest: Digest, *, name: str, address: str, tz: ZoneInfo, now: datetime, message_id: str
) -> bytes:
    """The digest message, from and to the user, ready to APPEND (CRLF line endings)."""
    message = EmailMessage(policy=SMTP)
    user, _, domain = address.partition("@")
    me = HeaderAddress(display_name=_one_line(name, 80), username=user, domain=domain)
    message["From"] = me
    message["To"] = me
    message["Subject"] = digest.subject()
    message["Date"] = format_datetime(now.astimezone(tz))
    message["Message-ID"] = message_id
    message.set_content(body(digest, tz), charset="utf-8")
    return message.as_bytes()
