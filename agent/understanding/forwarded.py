"""Inline-forwarded mail: the message a forward carries, read back out of the forward.

Pure: `inner_message(message, tz)` returns the forwarded message as a `MailMessage` (its From,
Date, Subject, To and body) when the text is mostly a forward, else None. Forwards are
recognised by the separators their producers write, since no RFC standardises them (RFC 2046
5.2.1 covers only message/rfc822 attachments, which this module does not read):

- Gmail: "---------- Forwarded message ---------" then From:/Date:/Subject:/To: lines;
- Thunderbird: "-------- Forwarded Message --------" then Subject:/Date:/From:/To:;
- Apple Mail: "Begin forwarded message:", a blank line, then From:/Subject:/Date:/To:;
- Outlook desktop and OWA: a "From: / Sent: / To: / Subject:" block (often under a
  "________________________________" line), also "De:/Envoyé:/À:/Objet:" and
  "Von:/Gesendet:/An:/Betreff:". The same block quotes a reply, so it counts as a forward only
  under a forward's subject ("FW:", "Fwd:", "TR:", "WG:", "RV:").

"Mostly a forward" means the forwarder wrote little above the separator and nothing quoted
there: a reply that quotes a forward is a reply.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from agent.mail.mime import parse_addresses, parse_date
from agent.model import Address, MailMessage
from agent.understanding import phrases
from agent.understanding.phrases.prose import QUOTE_HEADER

# Subject prefixes mail clients add when forwarding (English, French, German, Spanish,
# Portuguese, Dutch, Nordic, Italian).
FORWARD_PREFIX = re.compile(
    r"^\s*(?:\[?(?:fwd?|fw|tr|wg|rv|enc|doorst|vs|vb|i)\]?\s?:\s*)+", re.IGNORECASE
)

# A forward's own marker line (Gmail, Thunderbird, Yahoo, Apple Mail; localized).
_MARKER = re.compile(
    r"""^[ \t]*(?:
        -{3,}[ \t]*(?:Forwarded[ \t]+message|Weitergeleitete[ \t]+Nachricht
                     |Message[ \t]+transf[ée]r[ée]|Mensaje[ \t]+reenviado
                     |Messaggio[ \t]+inoltrato|Doorgestuurd[ \t]+bericht)[ \t]*-{3,}
      | (?:Begin[ \t]+forwarded[ \t]+message|D[ée]but[ \t]+du[ \t]+message[ \t]+r[ée]exp[ée]di[ée]
          |Anfang[ \t]+der[ \t]+weitergeleiteten[ \t]+Nachricht
          |Inicio[ \t]+del[ \t]+mensaje[ \t]+reenviado)[ \t]*:
    )[ \t]*\r?$""",
    re.IGNORECASE | re.MULTILINE | re.VERBOSE,
)
# The header labels of a forwarded block, by the field they name.
_LABELS: dict[str, tuple[str, ...]] = {
    "from": ("from", "de", "von", "van", "da"),
    "date": ("date", "sent", "datum", "gesendet", "envoyé", "enviado", "enviado el", "fecha",
             "verzonden",
             "inviato", "data"),
    "subject": ("subject", "objet", "betreff", "asunto", "onderwerp", "oggetto", "assunto"),
    "to": ("to", "à", "a", "an", "para", "aan"),
    "cc": ("cc", "kopie"),
    "reply-to": ("reply-to", "répondre à", "antwort an", "responder a"),
    "other": ("importance", "priorité", "wichtigkeit", "importancia", "attachments",
              "pièces jointes", "anlagen", "datos adjuntos", "bcc", "cci"),
}  # fmt: skip
_FIELD_OF = {label: name for name, labels in _LABELS.items() for label in labels}
_LABEL = "|".join(
    re.escape(label).replace(r"\ ", r"[ \t]") for label in sorted(_FIELD_OF, key=len, reverse=True)
)
_HEADER_LINE = re.compile(
    rf"^[ \t]*\*?(?P<label>{_LABEL})\*?[ \t]?:\*?[ \t]*(?P<value>[^\n]*?)[ \t]*\r?$",
    re.IGNORECASE,
)
# Outlook's block has no marker of its own: the From line (under an optional rule or
# "Original Message" line) followed by a Sent/Date/To/Subject line.
_OUTLOOK_BLOCK = re.compile(
    r"""^(?:[ \t]*(?:_{10,}|-{2,}[ \t]?(?:Original[ \t]+Message|Ursprüngliche[ \t]+Nachricht
                  |Message[ \t]+d'origine|Mensaje[ \t]+original)[ \t]?-{2,})[ \t]*\r?\n
           (?:[ \t]*\r?\n){0,2})?
        (?=[ \t]*\*?(?:From|De|Von|Van|Da)\*?[ \t]?:[^\n]{1,300}\n
           [ \t]*\*?(?:Sent|Date|Gesendet|Datum|Envoyé|Enviado(?:[ \t]el)?|Fecha|Verzonden
                     |Inviato|To|An|À|Para|Aan|Subject|Betreff|Objet|Asunto|Onderwerp)
           \*?[ \t]?:)""",
    re.IGNORECASE | re.MULTILINE | re.VERBOSE,
)
_MAX_OWN_WORDS = 80  # a forwarder's note ("FYI, see below"), not a message of its own
_MAX_DEPTH = 3  # a forward of a forward of a forward
_OUTLOOK_MAILTO = re.compile(r"\[mailto:([^\]\s]+)\]", re.IGNORECASE)
_SECONDS = re.compile(r"\b(\d{1,2}:\d\d):\d\d\b")
_RFC5322_ZONE = re.compile(r"(?:[+-]\d{4}|\b(?:UT|GMT|[ECMP][SD]T)\b)(?:\s*\([^)]*\))?\s*$")


def is_forward_subject(subject: str) -> bool:
    return bool(FORWARD_PREFIX.match(subject))


def inner_message(message: MailMessage, tz: ZoneInfo) -> MailMessage | None:
    """The message `message` forwards inline, or None when its text is not mostly a forward.

    The result has the forwarded From, Date (the outer Date when the forwarded one is
    unreadable or later than the forward), Subject, To, Cc, Reply-To and body; it keeps the
    outer message's identity (folder, UID, Message-ID, thread headers) and its calendar parts
    and attachment names (a forwarded invitation keeps its invite.ics). A forward of a forward
    is unwrapped to the innermost message."""
    inner: MailMessage | None = None
    current = message
    for _ in range(_MAX_DEPTH):
        found = _unwrap(current, tz)
        if found is None:
            break
        inner = current = found
    return inner


def _unwrap(message: MailMessage, tz: ZoneInfo) -> MailMessage | None:
    text = message.text
    start = _forward_start(text, message.subject)
    if start is None:
        return None
    separator, headers_at = start
    if not _little_above(text[:separator]):
        return None
    fields, body_at = _header_block(text, headers_at)
    senders = _addresses(fields.get("from", ""))
    if not senders:
        return None
    body = _unquoted(text[body_at:].strip("\r\n"))
    if not body.strip():
        return None
    subject = fields.get("subject") or FORWARD_PREFIX.sub("", message.subject)
    return replace(
        message,
        date=_forwarded_date(fields.get("date", ""), message.date, tz),
        subject=subject,
        from_=senders[0],
        sender=None,
        reply_to=_addresses(fields.get("reply-to", "")),
        to=_addresses(fields.get("to", "")),
        cc=_addresses(fields.get("cc", "")),
        list_id="",
        list_unsubscribe="",
        auto_submitted="",
        precedence="",
        text=body,
        is_sent=False,
        agent_key="",
    )


def _forward_start(text: str, subject: str) -> tuple[int, int] | None:
    """(where the forward's separator starts, where its header block starts), or None."""
    marker = _MARKER.search(text)
    outlook = _OUTLOOK_BLOCK.search(text) if is_forward_subject(subject) else None
    if outlook is not None and (marker is None or outlook.start() < marker.start()):
        return outlook.start(), outlook.end()
    if marker is not None:
        return marker.start(), marker.end()
    return None


def _little_above(preamble: str) -> bool:
    """The forwarder's own note above the separator is short and quotes nothing."""
    if QUOTE_HEADER.search(preamble):
        return False
    if any(line.lstrip().startswith(">") for line in preamble.splitlines()):
        return False
    return len(re.findall(r"\w+", preamble)) <= _MAX_OWN_WORDS


def _header_block(text: str, at: int) -> tuple[dict[str, str], int]:
    """The forwarded header fields after `at` (field -> value) and where the body begins.

    Blank lines before the block are skipped (Apple Mail leaves one); the block ends at the
    first blank line or the first line that is neither a header nor its continuation."""
    fields: dict[str, str] = {}
    position = at
    last = ""
    lines = text[at:].split("\n")
    for line in lines:
        end = position + len(line) + 1
        stripped = line.strip()
        if not stripped:
            if fields:
                return fields, end
            position = end
            continue
        header = _HEADER_LINE.match(line)
        if header is not None:
            field = _FIELD_OF[" ".join(header["label"].lower().split())]
            if field != "other" and field not in fields:
                fields[field] = header["value"].strip(" *")
                last = field
            else:
                last = ""
        elif fields and last and line[:1] in " \t":
            fields[last] = f"{fields[last]} {stripped}"
        else:
            return fields, position
        position = end
    return fields, len(text)


def _addresses(value: str) -> tuple[Address, ...]:
    """Addresses as a forward writes them: "Name <a@b.c>", Outlook's "Name [mailto:a@b.c]"
    and ";" lists, or a bare display name (Outlook desktop often writes only the name)."""
    value = _OUTLOOK_MAILTO.sub(r"<\1>", value).replace(";", ",").strip(" ,")
    if not value:
        return ()
    if "@" not in value:
        return tuple(Address(n.strip().strip('"'), "") for n in value.split(",") if n.strip())
    return parse_addresses(value)


def _forwarded_date(value: str, outer: datetime | None, tz: ZoneInfo) -> datetime | None:
    """The forwarded Date: RFC 5322 (Thunderbird), else as clients print it ("Mon, Oct 5, 2026
    at 10:12 AM", "Montag, 5. Oktober 2026 10:12"), in `tz` when it names no zone."""
    found: datetime | None = None
    value = " ".join(value.split())
    if value and _RFC5322_ZONE.search(value) and not re.search(r"\b[AP]\.?M\b", value, re.I):
        found = parse_date(value)
    if found is None and value:
        reference = outer or datetime(2000, 1, 1, tzinfo=UTC)
        times = phrases.find_meeting_times(_SECONDS.sub(r"\1", value), reference, tz)
        found = times[0][0] if times else None
    if found is None or (outer is not None and found > outer):
        return outer
    return found


def _unquoted(body: str) -> str:
    """A body some clients forward with every line quoted ("> "), one level unquoted."""
    lines = body.split("\n")
    written = [line for line in lines if line.strip()]
    if written and all(line.lstrip().startswith(">") for line in written):
        return "\n".join(re.sub(r"^[ \t]*> ?", "", line) for line in lines)
    return body
