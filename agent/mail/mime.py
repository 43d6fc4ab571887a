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
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.message import Message

from agent.model import Address, MailMessage

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 64_000
MAX_NESTING = 50  # deeper MIME trees are damage (Dovecot stops parsing at 100 levels)
CALENDAR_SIZE_FACTOR = 4  # calendar parts may be larger than text parts (VTIMEZONE blocks)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_MSGID = re.compile(r"<[^<>\s\x00-\x1f\x7f]+>")
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
    "Content-Disposition",
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
    if "=?" not in str(raw):  # no encoded word: decode_header would return it unchanged
        return clean(str(raw))
    try:
        chunks = []
        for data, charset in email.header.decode_header(str(raw)):
            if isinstance(data, bytes):
                text = _decode_bytes(data, charset or "ascii")
                chunks.append(data.decode("utf-8", "replace") if text is None else text)
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
    line = _CONTROL.sub(" ", str(raw))
    for name, addr in _plain_addresses(line) or email.utils.getaddresses([line]):
        addr = addr.strip().lower()
        if addr and ("@" not in addr or " " in addr):
            continue
        name = decode_words(name).strip().strip('"').strip()
        if name.lower() == addr:
            name = ""
        if addr or name:
            result.append(Address(name=name, email=addr))
    return tuple(result)


_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_DOT_ATOM = rf"{_ATEXT}+(?:\.{_ATEXT}+)*"
_PLAIN_ADDRESS = re.compile(
    rf"[ \t]*(?:((?:{_ATEXT}|\.)+(?:[ \t]+(?:{_ATEXT}|\.)+)*)[ \t]*)?"
    rf"(<)?({_DOT_ATOM}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)(>)?[ \t]*"
)


def _plain_addresses(line: str) -> list[tuple[str, str]] | None:
    """The common shapes ("Name <a@b.c>", "a@b.c", comma-separated) as getaddresses reads
    them, without its character-by-character parser; None for anything else (quotes,
    comments, groups, routes, empty items), which goes to getaddresses."""
    found = []
    for item in line.split(","):
        match = _PLAIN_ADDRESS.fullmatch(item)
        if match is None:
            return None
        name, opened, addr, closed = match.groups()
        if opened is None and closed is None and not name:
            found.append(("", addr))
        elif opened is not None and closed is not None:
            found.append((" ".join((name or "").split()), addr))
        else:
            return None
    return found


def parse_date(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(clean(str(raw)))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):  # "31 Dec 9999 -2359" overflows
        return None


def date_offset(raw: str | None) -> timedelta | None:
    """The offset a Date header writes ("+0200"), or None ("-0000", none, unreadable)."""
    if not raw:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(clean(str(raw)))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed.utcoffset() if parsed.tzinfo is not None else None


def message_ids(raw: str | None) -> tuple[str, ...]:
    return tuple(_MSGID.findall(str(raw or "")))


def parse_header_block(raw: bytes) -> Message:
    """Parse a header block leniently (compat32 never raises on crafted headers)."""
    return email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)


_FIELD_START = re.compile(r"[\041-\071\073-\176]+:")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def parse_header_fields(raw: bytes) -> Message:
    """`parse_header_block` for a header block alone (IMAP HEADER.FIELDS): the same header
    fields, read line by line when the block is well-formed (every line a field or its
    continuation, up to a blank line); anything else goes to the email package's parser."""
    message = Message(policy=email.policy.compat32)
    lines: list[str] = []
    for line in _LINE.findall(raw.decode("ascii", "surrogateescape")):
        if line[0] in " \t" and lines:
            lines.append(line)
            continue
        if lines:
            message.set_raw(*email.policy.compat32.header_source_parse(lines))
            lines = []
        if line in ("\r\n", "\n", "\r"):
            return message
        if not _FIELD_START.match(line):
            return parse_header_block(raw)
        lines.append(line)
    if lines:
        message.set_raw(*email.policy.compat32.header_source_parse(lines))
    return message


def readable(part: PartInfo) -> bool:
    """Body text or calendar data, whatever its size (attachments are never readable)."""
    if is_calendar(part):
        return True
    if part.disposition == "attachment" or part.filename:
        return False
    return part.content_type in ("text/plain", "text/html")


def wanted(part: PartInfo, max_part_bytes: int) -> bool:
    """True for the parts the agent downloads: body text and calendar data under the cap."""
    if is_calendar(part):
        return part.size <= max_part_bytes * CALENDAR_SIZE_FACTOR
    return readable(part) and part.size <= max_part_bytes


def is_calendar(part: PartInfo) -> bool:
    name = part.filename.lower()
    return part.content_type in (
        "text/calendar",
        "application/ics",
        "text/x-vcalendar",
    ) or name.endswith((".ics", ".ical", ".vcs"))


def is_tnef(part: PartInfo) -> bool:
    return part.content_type in ("application/ms-tnef", "application/vnd.ms-tnef") or (
        part.filename.lower() == "winmail.dat"
    )


def decode_payload(
    payload: bytes, encoding: str, charset: str, problems: list[str] | None = None
) -> str:
    """Undo the transfer encoding, then the charset (unknown charsets fall back to UTF-8).
    What could not be decoded is added to `problems`."""
    noted = [] if problems is None else problems
    data = payload
    try:
        if encoding == "base64":
            data = base64.b64decode(b"".join(payload.split()), validate=False)
        elif encoding == "quoted-printable":
            data = quopri.decodestring(payload)
    except (binascii.Error, ValueError):
        noted.append(f"undecodable {clean(encoding[:40])} part read as is")
    text = _decode_bytes(data, charset or "utf-8")
    if text is None:
        noted.append(f"unknown charset {clean(charset[:40])!r} read as UTF-8")
        text = data.decode("utf-8", errors="replace")
    return text


def _decode_bytes(data: bytes, charset: str) -> str | None:
    """The text, or None when `charset` is unknown. A charset label names a Python codec, and
    some codecs (idna, punycode, rot13, zlib) are not charsets at all: any failure counts."""
    try:
        return data.decode(charset, errors="replace")
    except (LookupError, UnicodeError, ValueError, TypeError):
        return None


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
        elif tag in ("td", "th"):
            self.chunks.append("\t")  # table cells stay apart: "Time\t1:00 - 2:00 PM"
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
    max_part_bytes: int = 0,
    problems: Sequence[str] = (),
) -> MailMessage:
    """Assemble a `MailMessage` from a parsed header block and the downloaded part bytes.

    Damage is noted in `problems` (with `max_part_bytes`, also text parts left unread for
    their size), never with the message's content, for the caller to log once."""
    bare = message_of_headers(folder=folder, uid=uid, headers=headers, is_sent=is_sent)
    return with_parts(bare, parts, payloads, max_part_bytes=max_part_bytes, problems=problems)


def message_of_headers(*, folder: str, uid: int, headers: Message, is_sent: bool) -> MailMessage:
    """The message as its header block describes it: no text, no parts. Its `problems` are
    the header block's own; `with_parts` adds what the MIME structure and the parts say."""
    first: dict[str, str] = {}
    for name, value in headers.items():
        first.setdefault(name.lower(), value)
    get = first.get
    auto = decode_words(get("auto-submitted")).lower()
    if not auto and (get("x-autoreply") or get("x-autorespond")):
        auto = "auto-replied"
    sender = parse_addresses(get("sender"))
    from_ = parse_addresses(get("from"))
    date = parse_date(get("date"))
    noted = []
    if date is None and clean(str(get("date") or "")):
        noted.append("unreadable Date header")
    return MailMessage(
        folder=folder,
        uid=uid,
        message_id=(message_ids(get("message-id")) or ("",))[0],
        date=date,
        subject=decode_words(get("subject")),
        from_=from_[0] if from_ else Address("", ""),
        sender=sender[0] if sender else None,
        reply_to=parse_addresses(get("reply-to")),
        to=parse_addresses(get("to")),
        cc=parse_addresses(get("cc")),
        in_reply_to=(message_ids(get("in-reply-to")) or ("",))[0],
        references=message_ids(get("references")),
        list_id=decode_words(get("list-id")),
        list_unsubscribe=decode_words(get("list-unsubscribe")),
        auto_submitted=auto,
        precedence=decode_words(get("precedence")).lower(),
        is_sent=is_sent,
        date_offset=date_offset(get("date")) if date is not None else None,
        agent_key=clean(str(get("x-interview-agent-key", ""))),
        problems=tuple(noted),
    )


def with_parts(
    bare: MailMessage,
    parts: Sequence[PartInfo],
    payloads: dict[str, bytes],
    *,
    max_part_bytes: int = 0,
    problems: Sequence[str] = (),
) -> MailMessage:
    """`bare` (from `message_of_headers`) with its MIME structure and downloaded parts."""
    noted = list(problems)
    plain: list[str] = []
    markup: list[str] = []
    calendars: list[str] = []
    for part in parts:
        if max_part_bytes and readable(part) and not wanted(part, max_part_bytes):
            noted.append(
                f"{part.content_type} part {part.section[:20]} of {part.size} bytes "
                "is over the size cap; not read"
            )
        payload = payloads.get(part.section)
        if payload is None:
            continue
        text = decode_payload(payload, part.encoding, part.charset, noted)
        if is_calendar(part):
            calendars.append(text)
        elif part.content_type == "text/plain":
            plain.append(text)
        elif part.content_type == "text/html":
            markup.append(text)
    body = "\n\n".join(plain) if plain else html_to_text("\n".join(markup))
    # a text part decoded from quoted-printable or base64 keeps the sender's CRLF: one line
    # ending for every reader of text
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    noted.extend(bare.problems)
    if any(p.section.count(".") >= MAX_NESTING for p in parts):
        noted.append(f"MIME parts nested more than {MAX_NESTING} levels deep")
    return replace(
        bare,
        text=body[:MAX_TEXT_CHARS],
        calendars=tuple(calendars),
        attachment_names=tuple(p.filename for p in parts if p.filename and not is_calendar(p)),
        has_tnef=any(is_tnef(p) for p in parts),
        problems=tuple(dict.fromkeys(noted)),
    )


def leaves_of(message: Message) -> Iterable[tuple[PartInfo, Message]]:
    """Walk a parsed message's leaves with IMAP section numbers (RFC 3501 6.4.5).

    Iterative, so a tree hundreds of levels deep costs no Python stack."""
    # A message/rfc822 attachment is a leaf here: the agent does not read forwarded mail.
    if message.get_content_maintype() == "message":
        yield part_info_of(message, "1", 0), message
        return
    stack: list[tuple[Message, str]] = [(message, "")]
    while stack:
        node, prefix = stack.pop()
        if node.is_multipart():
            children = node.get_payload()
            if isinstance(children, list):
                numbered = [
                    (child, f"{prefix}.{index}" if prefix else str(index))
                    for index, child in enumerate(children, start=1)
                ]
                stack.extend(reversed(numbered))
            continue
        yield part_info_of(node, prefix or "1", len(raw_payload(node))), node


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
    # Not get_payload(): for 8-bit content it decodes with the part's charset (double-decoding
    # Latin-1, and raising for codecs such as punycode). BytesParser keeps the body as ASCII with
    # surrogate escapes, which turn back into the exact bytes.
    raw = getattr(node, "_payload", None)
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    return b""


def message_from_bytes(
    raw: bytes, *, folder: str, uid: int, max_part_bytes: int, is_sent: bool
) -> MailMessage:
    """Build a `MailMessage` from a whole message held locally (Maildir, tests, demo)."""
    problems: list[str] = []
    try:
        parsed = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(raw)
    except RecursionError:  # the stdlib parser recurses once per nesting level
        problems.append("MIME parts nested too deeply to parse; read the headers only")
        parsed = parse_header_block(raw)
        parsed.set_payload("")
    parts: list[PartInfo] = []
    payloads: dict[str, bytes] = {}
    for info, node in leaves_of(parsed):
        parts.append(info)
        if wanted(info, max_part_bytes):
            payloads[info.section] = raw_payload(node)
    return build_message(
        folder=folder,
        uid=uid,
        headers=parsed,
        parts=parts,
        payloads=payloads,
        is_sent=is_sent,
        max_part_bytes=max_part_bytes,
        problems=problems,
    )
