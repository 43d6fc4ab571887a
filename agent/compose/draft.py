"""Composing: a planned follow-up and its interview become an RFC 5322 draft (`EmailMessage`).

Templates are Jinja2 files (`<kind>.txt.j2`; the first line is `Subject: ...`), English at the
top of the templates folder and one folder per other language (`fr/`, `de/`, `es/`, `it/`,
`pt/`), rendered by one `Environment` with `StrictUndefined`. A user folder may override any
of them. The body is `format=flowed` (RFC 3676), `text/plain; charset=utf-8`.

Headers are set through the stdlib `email` API from cleaned strings (no CR, LF or control
character), never by concatenating header text, so a name or subject read from mail cannot add
a header line. In-Reply-To and References are written as message ids (RFC 5322 section 3.6.4),
folded between ids and never RFC 2047 encoded, however long an id is. No header names the
program or spells the follow-up's key: the draft is recognised by its Message-ID, whose first
part is `agent.model.draft_tag(key)` (see `new_message_id`).
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from email.headerregistry import Address as HeaderAddress
from email.message import EmailMessage
from email.policy import SMTP, Policy
from email.utils import format_datetime
from pathlib import Path

import jinja2

from agent.compose.context import Sender, context_for, draft_language
from agent.compose.facts import fact
from agent.compose.flowed import flow
from agent.model import Address, FollowUpKind, Interview, draft_tag
from agent.planning.planner import FollowUp

TEMPLATE_NAMES = (
    "thank_you",
    "action_item",
    "action_item_ack",
    "action_item_progress",
    "check_in_first",
    "check_in_second",
)
MAX_WORDS = 250
# How long a thank-you should be (SPEC: about 80 to 180 words), checked by `check`.
THANK_YOU_WORDS = (80, 180)

__all__ = [
    "MAX_WORDS",
    "TEMPLATE_NAMES",
    "Sender",
    "TemplateError",
    "build_draft",
    "environment",
    "new_message_id",
    "render",
    "shipped_templates",
    "template_path",
]


class TemplateError(ValueError):
    """A template is missing, does not parse, or renders something unusable."""


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
    if followup.kind == FollowUpKind.ACTION_ITEM and followup.stage:
        return f"action_item_{followup.stage}"  # its acknowledgement or progress update
    return str(followup.kind)


def template_path(name: str, language: str) -> str:
    """Where a template lives in a templates folder: English at the top, others in a folder
    named by the language's code."""
    return f"{name}.txt.j2" if language == "en" else f"{language}/{name}.txt.j2"


# What a rendered body may not contain: the debris of a template or of a missing value.
DEBRIS = re.compile(r"\bNone\b|\{\{|\}\}|\{%|%\}|\bundefined\b| [,.;:!?](?:\s|$)|\(\s*\)|  \S")


def render(
    env: jinja2.Environment,
    followup: FollowUp,
    interview: Interview,
    sender: Sender,
    *,
    when: datetime,
) -> tuple[str, str]:
    """The subject and body text of a draft (the body with one paragraph per line)."""
    name = template_name(followup)
    path = template_path(name, draft_language(interview, sender))
    try:
        template = env.get_template(path)
        text = template.render(**context_for(followup, interview, sender, when=when))
    except jinja2.TemplateError as exc:
        raise TemplateError(f"template {path}: {exc}") from exc
    first, _, body = text.lstrip().partition("\n")  # set and comment lines may come first
    if not first.lower().startswith("subject:"):
        raise TemplateError(f"template {path}: the first line must be 'Subject: ...'")
    subject = " ".join(first.split(":", 1)[1].split())
    lines = [_tidy_line(line) for line in body.split("\n")]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines).strip("\n")) + "\n"
    return subject, body


def _tidy_line(line: str) -> str:
    """A rendered line without the spaces an empty value leaves (between words, at either
    end); a signature separator ("-- ") is kept as it is."""
    if line == "-- ":
        return line
    return re.sub(r"(?<=\S)[ \t]{2,}(?=\S)", " ", line).strip()


class MessageIds(str):
    """A header holding message ids (In-Reply-To, References), folded between ids and never
    encoded. The stdlib folds an unstructured header by turning a word longer than a line into
    RFC 2047 encoded words, and `=?utf-8?q?=3C...?=` is not a message id: threading breaks.
    An object with `name` and `fold` is how the `email` package lets a header fold itself."""

    name: str
    ids: tuple[str, ...]

    def __new__(cls, name: str, ids: tuple[str, ...]) -> MessageIds:
        header = super().__new__(cls, " ".join(ids))
        header.name = name
        header.ids = ids
        return header

    def fold(self, *, policy: Policy) -> str:
        width = policy.max_line_length or 78
        lines: list[str] = []
        line = f"{self.name}:"
        for message_id in self.ids:
            if len(line) + 1 + len(message_id) > width and line != f"{self.name}:":
                lines.append(line)
                line = ""
            line += " " + message_id
        lines.append(line)
        return policy.linesep.join(lines) + policy.linesep


_MESSAGE_ID = re.compile(r"<[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+>")


def message_ids(values: tuple[str, ...]) -> tuple[str, ...]:
    """The well-formed message ids among `values`, each once, in order."""
    found: list[str] = []
    for value in values:
        for message_id in _MESSAGE_ID.findall(value or ""):
            if message_id not in found:
                found.append(message_id)
    return tuple(found)


def references(chain: tuple[str, ...], parent: str) -> tuple[str, ...]:
    """The References of a reply to `parent`: the thread's chain, then the parent, at most 20
    ids (the first, which names the thread, and the last 19)."""
    ids = [i for i in message_ids(chain) if i != parent]
    ids.append(parent)
    return tuple(ids if len(ids) <= 20 else [ids[0], *ids[-19:]])


def _header_address(address: Address) -> HeaderAddress:
    username, _, domain = address.email.partition("@")
    name = " ".join(fact(address.name, 200).split()) if address.name else ""
    return HeaderAddress(display_name=name, username=username, domain=domain)


def _domain(email: str) -> str:
    domain = email.rpartition("@")[2].lower()
    return domain if re.fullmatch(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?", domain) else "localhost"


def new_message_id(sender_email: str, key: str = "") -> str:
    """A Message-ID on the user's domain. For a follow-up's draft (`key` given) it starts with
    the key's opaque tag (`agent.model.draft_tag`), by which the agent finds the draft again;
    the random part keeps every id unique (two instances placing one key, a redraft)."""
    nonce = secrets.token_hex(6)
    if not key:
        return f"<{secrets.token_hex(12)}.{nonce}@{_domain(sender_email)}>"
    return f"<{draft_tag(key)}.{nonce}@{_domain(sender_email)}>"


def build_draft(
    env: jinja2.Environment,
    followup: FollowUp,
    interview: Interview,
    sender: Sender,
    *,
    when: datetime,
    message_id: str,
) -> EmailMessage:
    subject, body = render(env, followup, interview, sender, when=when)
    message = EmailMessage(policy=SMTP)
    message["From"] = _header_address(Address(sender.name, sender.email))
    message["To"] = [_header_address(a) for a in followup.to]
    message["Subject"] = subject
    message["Date"] = format_datetime(when.astimezone(sender.tz))
    message["Message-ID"] = message_id
    parent = message_ids((followup.in_reply_to,))
    if parent:
        message["In-Reply-To"] = MessageIds("In-Reply-To", parent[:1])
        message["References"] = MessageIds("References", references(followup.references, parent[0]))
    message.set_content(flow(body), charset="utf-8", params={"format": "flowed"})
    return message
