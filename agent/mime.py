"""Turn headers and selected MIME parts into a `MailMessage` (RFC 5322, 2045-2047, 2231).

Both mail stores describe a message the same way: the raw header block, a list of `PartInfo`
leaves numbered like IMAP body sections, and the transfer-encoded bytes of only the parts
`wanted()` picks (text and calendar parts under a size cap). Attachments are never read.

Headers are hostile input: they are parsed with the lenient compat32 policy, decoded by hand,
and every CR, LF and control character is removed, so nothing read from mail can later become a
header line of a draft.
"""

from __future__ import annotations

import base64
import binascii
import email.errors
import email.header
import email.parser
import email.policy
import email.utils
import html.parser
import logging
import quopri
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message

from agent.model import Address, MailMessage

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 64_000
CALENDAR_SIZE_FACTOR = 4  # calendar parts may be larger than text parts (VTIMEZONE blocks)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_MSGID = re.compile(r"<[^<>\s]+>")
HEADER_FIELDS = (
    "Message-ID",
    "Date",
    "Subject",
    "From",
    "Sender",
    "Reply-To",
    "To",
    "Cc",
    "In-Reply-To",
    "References",
    "List-Id",
    "List-Unsubscribe",
    "Auto-Submitted",
    "X-Autoreply",
    "X-Autorespond",
    "Precedence",
    "Content-Type",
    "X-Interview-Agent-Key",
)


@dataclass(frozen=True)
class PartInfo:
    """One leaf of the MIME tree, as BODYSTRUCTURE or the email package describes it."""

    section: str  # IMAP body section: "1", "2.1", ...
    content_type: str  # lower-case "type/subtype"
    charset: str
    encoding: str  # lower-case Content-Transfer-Encoding
    size: int  # encoded size in bytes
    disposition: str  # "attachment", "inline" or ""
    filename: str
    method: str = ""  # text/calendar "method" parameter


def clean(value: str) -> str:
    """Collapse every control character (CR and LF included) to one space."""
    return _CONTROL.sub(" ", value).strip()


def decode_words(raw: str | None) -> str:
    """Decode RFC 2047 encoded words; never raises, never returns a line break."""
    if not raw:
        return ""
    try:
        chunks = []
        for data, charset in email.header.decode_header(str(raw)):
            if isinstance(data, bytes):
                chunks.append(_decode_bytes(data, charset or "ascii"))
            else:
                chunks.append(data)
        text = "".join(chunks)
    except (ValueError, LookupError, email.errors.HeaderParseError):
        text = str(raw)
    return clean(text)


def parse_addresses(raw: str | None) -> tuple[Address, ...]:
    """Addresses of an address-list header; names decoded, addresses lower-cased."""
    if not raw:
        return ()
    result = []
    for name, addr in email.utils.getaddresses([_CONTROL.sub(" ", str(raw))]):
        addr = addr.strip().lower()
        if addr and ("@" not in addr or " " in addr):
            continue
        name = decode_words(name).strip().strip('"').strip()
        if name.lower() == addr:
            name = ""
        if addr or name:
            result.append(Address(name=name, email=addr))
    return tuple(result)


def parse_date(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(clean(str(raw)))
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def message_ids(raw: str | None) -> tuple[str, ...]:
    return tuple(_MSGID.findall(str(raw or "")))


def parse_header_block(raw: bytes) -> Message:
    """Parse a header block leniently (compat32 never raises on crafted headers)."""
    return email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)


def wanted(part: PartInfo, max_part_bytes: int) -> bool:
    """True for the parts the agent downloads: body text and calendar data under the cap."""
    if is_calendar(part):
        return part.size <= max_part_bytes * CALENDAR_SIZE_FACTOR
    if part.disposition == "attachment" or part.filename:
        return False
    return part.content_type in ("text/plain", "text/html") and part.size <= max_part_bytes


def is_calendar(part: PartInfo) -> bool:
    name = part.filename.lower()
    return (
        part.content_type in ("text/calendar", "application/ics", "text/x-vcalendar")
        or name.endswith((".ics", ".ical", ".vcs"))
    )


def is_tnef(part: PartInfo) -> bool:
    return part.content_type in ("application/ms-tnef", "application/vnd.ms-tnef") or (
        part.filename.lower() == "winmail.dat"
    )


def decode_payload(payload: bytes, encoding: str, charset: str) -> str:
    """Undo the transfer encoding, then the charset (unknown charsets fall back to UTF-8)."""
    data = payload
    try:
        if encoding == "base64":
            data = base64.b64decode(b"".join(payload.split()), validate=False)
        elif encoding == "quoted-printable":
            data = quopri.decodestring(payload)
    except (binascii.Error, ValueError):
        log.info("undecodable %s part; reading it as is", encoding)
    return _decode_bytes(data, charset or "utf-8")


def _decode_bytes(data: bytes, charset: str) -> str:
    try:
        return data.decode(charset, errors="replace")
    except LookupError:
        log.info("unknown charset %r; reading as UTF-8", charset[:40])
        return data.decode("utf-8", errors="replace")


class _TextOfHtml(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "head"):
            self._skip += 1
        elif tag in ("br", "p", "div", "tr", "li", "h1", "h2", "h3"):
            self.chunks.append("\n")
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("http"):
                self.chunks.append(f" <{href}> ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chunks.append(data)


def html_to_text(markup: str) -> str:
    parser = _TextOfHtml()
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError):
        pass
    text = "".join(parser.chunks)
    return re.sub(r"[ \t\r\f\v]*\n\s*\n\s*", "\n\n", text).strip()


def build_message(
    *,
    folder: str,
    uid: int,
    headers: Message,
    parts: Sequence[PartInfo],
    payloads: dict[str, bytes],
    is_sent: bool,
) -> MailMessage:
    """Assemble a `MailMessage` from a parsed header block and the downloaded part bytes."""
    plain: list[str] = []
    markup: list[str] = []
    calendars: list[str] = []
    for part in parts:
        payload = payloads.get(part.section)
        if payload is None:
            continue
        text = decode_payload(payload, part.encoding, part.charset)
        if is_calendar(part):
            calendars.append(text)
        elif part.content_type == "text/plain":
            plain.append(text)
        elif part.content_type == "text/html":
            markup.append(text)
    body = "\n\n".join(plain) if plain else html_to_text("\n".join(markup))
    auto = decode_words(headers.get("Auto-Submitted")).lower()
    if not auto and (headers.get("X-Autoreply") or headers.get("X-Autorespond")):
        auto = "auto-replied"
    sender = parse_addresses(headers.get("Sender"))
    from_ = parse_addresses(headers.get("From"))
    return MailMessage(
        folder=folder,
        uid=uid,
        message_id=(message_ids(headers.get("Message-ID")) or ("",))[0],
        date=parse_date(headers.get("Date")),
        subject=decode_words(headers.get("Subject")),
        from_=from_[0] if from_ else Address("", ""),
        sender=sender[0] if sender else None,
        reply_to=parse_addresses(headers.get("Reply-To")),
        to=parse_addresses(headers.get("To")),
        cc=parse_addresses(headers.get("Cc")),
        in_reply_to=(message_ids(headers.get("In-Reply-To")) or ("",))[0],
        references=message_ids(headers.get("References")),
        list_id=decode_words(headers.get("List-Id")),
        list_unsubscribe=decode_words(headers.get("List-Unsubscribe")),
        auto_submitted=auto,
        precedence=decode_words(headers.get("Precedence")).lower(),
        text=body[:MAX_TEXT_CHARS],
        calendars=tuple(calendars),
        attachment_names=tuple(
            p.filename for p in parts if p.filename and not is_calendar(p)
        ),
        has_tnef=any(is_tnef(p) for p in parts),
        is_sent=is_sent,
        agent_key=clean(str(headers.get("X-Interview-Agent-Key", ""))),
    )


def leaves_of(message: Message) -> Iterable[tuple[PartInfo, Message]]:
    """Walk a parsed message's leaves with IMAP section numbers (RFC 3501 6.4.5)."""

    def walk(node: Message, prefix: str) -> Iterable[tuple[PartInfo, Message]]:
        if node.is_multipart():
            children = node.get_payload()
            if not isinstance(children, list):
                return
            for index, child in enumerate(children, start=1):
                section = f"{prefix}.{index}" if prefix else str(index)
                yield from walk(child, section)
            return
        raw = node.get_payload(decode=False)
        size = len(raw.encode("utf-8", "surrogateescape")) if isinstance(raw, str) else 0
        yield part_info_of(node, prefix or "1", size), node

    # A message/rfc822 attachment is a leaf here: the agent does not read forwarded mail.
    if message.get_content_maintype() == "message":
        yield part_info_of(message, "1", 0), message
        return
    yield from walk(message, "")


def part_info_of(node: Message, section: str, size: int) -> PartInfo:
    filename = ""
    try:
        filename = decode_words(node.get_filename() or "")
    except (ValueError, LookupError):
        filename = ""
    disposition = (node.get_content_disposition() or "").lower()
    return PartInfo(
        section=section,
        content_type=node.get_content_type().lower(),
        charset=str(node.get_content_charset() or ""),
        encoding=str(node.get("Content-Transfer-Encoding", "7bit")).strip().lower(),
        size=size,
        disposition=disposition,
        filename=filename,
        method=str(node.get_param("method") or "").strip('";').upper(),
    )


def raw_payload(node: Message) -> bytes:
    """The still transfer-encoded bytes of a leaf, as IMAP BODY[section] would return them."""
    raw = node.get_payload(decode=False)
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    return b""


def message_from_bytes(
    raw: bytes, *, folder: str, uid: int, max_part_bytes: int, is_sent: bool
) -> MailMessage:
    """Build a `MailMessage` from a whole message held locally (Maildir, tests, demo)."""
    parsed = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(raw)
    parts: list[PartInfo] = []
    payloads: dict[str, bytes] = {}
    for info, node in leaves_of(parsed):
        parts.append(info)
        if wanted(info, max_part_bytes):
            payloads[info.section] = raw_payload(node)
    return build_message(
        folder=folder, uid=uid, headers=parsed, parts=parts, payloads=payloads, is_sent=is_sent
    )

