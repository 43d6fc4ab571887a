"""The fast FETCH readers give what imapclient's parser gives, on a real Dovecot, for ordinary
and hostile messages (quotes, backslashes, parentheses and 8-bit bytes in file names, deep and
nested MIME trees, messages without any of the fields); the store reads the same message
whatever its body filter says and whenever it changes its mind; and what the header-only
pre-filters skip could not have mattered.

Without a server, as imapclient tests its response parser: recorded response bytes replayed on
loopback give the expected values, by the quick path for the usual shapes and by imapclient's
parser for the others (literals and escapes inside BODYSTRUCTURE, NIL, FLAGS interleaved,
items in another order, responses for UIDs in another order or not asked for)."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from imapclient import IMAPClient
from imapclient.response_parser import parse_fetch_response
from imapclient.response_types import BodyData
from servers import HOST, PASSWORD, USER, Dovecot

from agent.businessdays import BusinessCalendar
from agent.config import Rule
from agent.mail import imapfetch, mime
from agent.mail.imap import CHUNK, HEADER_ITEM, ImapStore, single_text_part
from agent.model import FindingKind, MailMessage
from agent.understanding import forwarded
from agent.understanding.detect import Context, bulk_whatever_the_text, understand

CORPUS = Path(__file__).parent / "corpus"


def _part(ctype: str, body: str, extra: str = "") -> str:
    return f"Content-Type: {ctype}\r\n{extra}\r\n{body}\r\n"


def _multipart(subtype: str, parts: list[str], boundary: str = "b1") -> str:
    inner = "".join(f"--{boundary}\r\n{p}" for p in parts)
    return (
        f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n{inner}--{boundary}--\r\n'
    )


def _messages() -> list[bytes]:
    head = "From: A <a@example.org>\r\nTo: alex@example.com\r\nSubject: s\r\n"
    names = [
        'a "quoted" name.pdf',
        "back\\slash.pdf",
        "paren (1).pdf",
        "semi;colon.ics",
        "=?utf-8?q?r=C3=A9sum=C3=A9?=.pdf",
    ]
    quoted = [n.replace("\\", "\\\\").replace('"', '\\"') for n in names]
    attachments = [
        _part(
            f'application/pdf; name="{n}"',
            "JVBERi0=",
            f'Content-Disposition: attachment; filename="{n}"\r\n'
            "Content-Transfer-Encoding: base64\r\n",
        )
        for n in quoted
    ]
    nested = _part("text/plain", "deep")
    for depth in range(30):
        nested = _multipart("mixed", [nested], boundary=f"d{depth}")
    raw = [
        head + "\r\nplain body\r\n",
        "X-Nothing: here\r\n\r\nno fields at all\r\n",
        head + _multipart("mixed", [_part("text/plain", "hi"), *attachments]),
        head + _multipart("alternative", [_part("text/plain", "t"), _part("text/html", "<p>h")]),
        head + nested,
        head
        + _multipart(
            "mixed", [_part("text/plain", "fwd"), _part("message/rfc822", head + "\r\ninner\r\n")]
        ),
        head.replace("Subject: s", "Subject: caf\xe9 \xff") + "\r\nlatin\r\n",
        head + 'Content-Type: text/plain; name="n\xe9.txt"\r\n\r\n8bit name\r\n',
        head + "Content-Type: text/calendar; method=REQUEST\r\n\r\nBEGIN:VCALENDAR\r\n",
    ]
    messages = [m.encode("latin-1") for m in raw]
    messages.extend(path.read_bytes() for path in sorted(CORPUS.glob("*.eml")))
    return messages


def test_fast_readers_match_imapclient(dovecot: Dovecot) -> None:
    for raw in _messages():
        dovecot.append("INBOX", raw)
    with dovecot.client() as client:
        client.select_folder("INBOX", readonly=True)
        uids = sorted(client.search(["ALL"]))
        assert len(uids) == len(_messages())
        expected = client.fetch(uids, [HEADER_ITEM, "BODYSTRUCTURE"])
        blocks = imapfetch.header_fields(client, [*uids, max(uids) + 50], HEADER_ITEM)
        structures = imapfetch.structures(client, uids)
        for uid in uids:
            header = next(v for k, v in expected[uid].items() if k.startswith(b"BODY[HEADER"))
            assert blocks[uid] == header
            assert structures[uid] == expected[uid][b"BODYSTRUCTURE"]
        assert set(blocks) == set(uids)
        for uid in uids:  # alone, so that each takes the fast path when it can
            assert imapfetch.structures(client, [uid]) == {uid: expected[uid][b"BODYSTRUCTURE"]}
            assert imapfetch.header_fields(client, [uid], HEADER_ITEM) == {uid: blocks[uid]}
        for numbers in (["1"], ["1", "2"], ["2", "1.1"], ["1.2.1", "3", "TEXT"]):
            items = [f"BODY.PEEK[{n}]" for n in numbers]
            slow = client.fetch(uids, items)
            want = {
                uid: {
                    n: v
                    for n in numbers
                    if isinstance(v := slow[uid].get(f"BODY[{n}]".encode()), bytes)
                }
                for uid in uids
                if uid in slow
            }
            quick = imapfetch.sections(client, uids, numbers)
            assert {u: p for u, p in quick.items() if p} == {u: p for u, p in want.items() if p}
            for uid in uids[:12]:
                alone = imapfetch.sections(client, [uid], numbers).get(uid, {})
                assert alone == want.get(uid, {})
        fast = [
            imapfetch._tuple(
                b'("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 12 1 NIL NIL NIL NIL)'
            )
        ]
        assert fast[0] is not None


def test_store_reads_the_same_with_and_without_the_prefilter(dovecot: Dovecot) -> None:
    for raw in _messages():
        dovecot.append("INBOX", raw)
    store = ImapStore(
        host=HOST,
        port=dovecot.tls_port,
        security="tls",
        username=USER,
        secret_kind="password",
        secret=PASSWORD,
        ca_file=str(dovecot.ca_file),
    )
    try:
        uids = store.new_uids("INBOX", 0, None)
        assert len(uids) < CHUNK
        everything = list(store.fetch("INBOX", uids, max_part_bytes=262_144, is_sent=False))
        asked: list[tuple[int, bool]] = []

        def want(message: MailMessage, parts: object) -> bool:
            asked.append((message.uid, parts is None))
            return True

        filtered = list(
            store.fetch("INBOX", uids, max_part_bytes=262_144, is_sent=False, want_body=want)
        )
        assert filtered == everything
        assert any(asked)

        def never(message: MailMessage, parts: object) -> bool:
            return False

        bare = {
            m.uid: m
            for m in store.fetch(
                "INBOX", uids, max_part_bytes=262_144, is_sent=False, want_body=never
            )
        }
        assert all(not m.text and not m.calendars for m in bare.values())
        assert [m.uid for m in bare.values()] == [m.uid for m in everything]
        for message in everything:
            assert bare[message.uid].subject == message.subject
            assert bare[message.uid].from_ == message.from_
        learnt: list[int] = []  # the caller learns something from the first message

        def later(message: MailMessage, parts: object) -> bool:
            return bool(learnt)

        for index, message in enumerate(
            store.fetch("INBOX", uids, max_part_bytes=262_144, is_sent=False, want_body=later)
        ):
            learnt.append(message.uid)
            if index > 0:
                assert message == everything[index]
    finally:
        store.close()


def test_the_bulk_prefilter_never_hides_a_finding() -> None:
    """Whatever `bulk_whatever_the_text` passes over (list mail without a calendar part) finds
    nothing even with its body read, and an invitation to the user relayed with list headers is
    still an interview (a forward of an invitation to an address the agent doesn't know as the
    user's need not be): each corpus message is read whole with a List-Id / List-Unsubscribe /
    Precedence added."""
    context = Context(
        me=frozenset({"alex@example.com", "alex.rivera@gmail.com"}),
        tz=ZoneInfo("America/New_York"),
        business=BusinessCalendar("US"),
        now=datetime(2026, 10, 6, 20, 0, tzinfo=UTC),
    )
    forcing = Rule(
        name="r",
        from_=(),
        subject=re.compile("."),
        body=None,
        calendar=None,
        action="interview",
        company=None,
        role=None,
        disable=(),
    )
    passed = invitations = 0
    for path in sorted(CORPUS.glob("*.eml")):
        expected = json.loads(path.with_suffix(".json").read_text())
        for extra in (
            b"List-Id: <news.example.org>\r\n",
            b"List-Unsubscribe: <https://x.y/u>\r\n",
            b"Precedence: bulk\r\n",
        ):
            message = mime.message_from_bytes(
                extra + path.read_bytes(),
                folder="INBOX",
                uid=1,
                max_part_bytes=262_144,
                is_sent=False,
            )
            kind = understand(message, context).kind
            if bulk_whatever_the_text(message, context) and not message.calendars:
                passed += 1
                assert kind == FindingKind.NONE, path.name
            direct = forwarded.inner_message(message, context.tz) is None  # not a forward of
            # an invitation to another address of the user's (the agent cannot know it is theirs)
            if expected["interview"] and expected["uid"] and not expected["cancel"] and direct:
                invitations += 1
                assert kind == FindingKind.INTERVIEW, path.name
            with_rule = replace(context, rules=(forcing,))
            assert not bulk_whatever_the_text(message, with_rule)
            assert not bulk_whatever_the_text(replace(message, is_sent=True), context)
    assert passed > 0 and invitations > 0


def test_single_text_part_only_when_the_headers_prove_it() -> None:
    def single(block: bytes) -> bool:
        return single_text_part(mime.parse_header_fields(block + b"\r\n"))

    assert single(b"Subject: x\r\n")
    assert single(b"Content-Type: text/plain; charset=utf-8\r\n")
    assert single(b"Content-Type: TEXT/HTML\r\n")
    for block in (
        b"Content-Type: multipart/alternative; boundary=b\r\n",
        b"Content-Type: text/calendar; method=REQUEST\r\n",
        b"Content-Type: text/plain; name=notes.txt\r\n",
        b"Content-Type: text/plain\r\nContent-Disposition: attachment\r\n",
        b"Content-Type: text/plain\r\nContent-Type: multipart/mixed\r\n",
        b"Content-Type: application/ms-tnef\r\n",
        b"Content-Type: text/plainx\r\n",
    ):
        assert not single(block), block


# --- byte fixtures: recorded server bytes in, parsed values out (no server) ----------------------


class Replay:
    """A one-connection IMAP peer on loopback that answers the handshake (CAPABILITY, LOGIN,
    EXAMINE) and replies to each UID FETCH with the next of `replies`: bytes exactly as a
    server sent them, so the readers see what imaplib makes of real wire data."""

    def __init__(self, replies: Sequence[bytes]) -> None:
        self.replies = list(replies)
        self.commands: list[bytes] = []
        self.listener = socket.create_server((HOST, 0))
        self.port: int = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        connection, _ = self.listener.accept()
        with connection, connection.makefile("rb") as lines:
            connection.sendall(b"* OK replay ready\r\n")
            for line in lines:
                tag, _, command = line.rstrip(b"\r\n").partition(b" ")
                verb = command.split(b" ", 1)[0].upper()
                reply = b""
                if verb == b"CAPABILITY":
                    reply = b"* CAPABILITY IMAP4rev1\r\n"
                elif verb in (b"SELECT", b"EXAMINE"):
                    reply = b"* 3 EXISTS\r\n* OK [UIDVALIDITY 1] UIDs valid\r\n"
                elif verb == b"UID":
                    self.commands.append(command)
                    reply = self.replies.pop(0)
                elif verb == b"LOGOUT":
                    connection.sendall(b"* BYE\r\n" + tag + b" OK bye\r\n")
                    return
                connection.sendall(reply + tag + b" OK done\r\n")

    def close(self) -> None:
        self.listener.close()
        self.thread.join(timeout=5)


@contextlib.contextmanager
def replaying(*replies: bytes) -> Iterator[tuple[IMAPClient, Replay]]:
    """A client logged in to a `Replay` of `replies`, with INBOX examined."""
    peer = Replay(replies)
    client = IMAPClient(HOST, port=peer.port, ssl=False, timeout=5)
    try:
        client.login("tester", "secret")
        client.select_folder("INBOX", readonly=True)
        yield client, peer
    finally:
        client.logout()
        peer.close()


def literal(data: bytes) -> bytes:
    return b"{%d}\r\n" % len(data) + data


def read_twice(
    monkeypatch: pytest.MonkeyPatch,
    reply: bytes,
    fast: Callable[[IMAPClient], dict[int, Any]],
    items: list[str],
) -> tuple[dict[int, Any], bool, dict[int, dict[bytes, Any]]]:
    """`fast(client)` on `reply`; whether it needed imapclient's parser; and what
    `IMAPClient.fetch(items)` makes of the same bytes."""
    fallbacks: list[object] = []

    def counted(*args: Any) -> Any:
        fallbacks.append(args)
        return parse_fetch_response(*args)

    monkeypatch.setattr(imapfetch, "parse_fetch_response", counted)
    with replaying(reply, reply) as (client, peer):
        found = fast(client)
        slow = dict(client.fetch([7, 9], items))
        assert peer.commands[1].startswith(b"UID FETCH 7,9 ")
    return found, bool(fallbacks), slow


HEADER_FIELDS = "BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)]"
SEVEN = b"From: Rachel Kim <rachel@northwind.io>\r\nSubject: Interview\r\n\r\n"
NINE = b"Subject: =?utf-8?q?Entrevue_=C3=A0_10h?=\r\n\r\n"


def header(uid: int, block: bytes, number: int = 1, before: bytes = b"") -> bytes:
    return (
        b"* %d FETCH (UID %d %sBODY[HEADER.FIELDS (FROM SUBJECT)] " % (number, uid, before)
        + literal(block)
        + b")\r\n"
    )


@pytest.mark.parametrize(
    ("reply", "expected", "fast"),
    [
        pytest.param(header(7, SEVEN) + header(9, NINE, 2), {7: SEVEN, 9: NINE}, True, id="usual"),
        pytest.param(
            header(9, NINE, 2) + header(7, SEVEN), {7: SEVEN, 9: NINE}, True, id="other-order"
        ),
        pytest.param(
            header(7, b"\r\n") + header(9, NINE, 2), {7: b"\r\n", 9: NINE}, True, id="no-fields"
        ),
        pytest.param(
            header(7, SEVEN) + header(50, NINE, 2), {7: SEVEN}, True, id="a-uid-not-asked-for"
        ),
        pytest.param(
            header(7, SEVEN, before=b"FLAGS (\\Seen) ") + header(9, NINE, 2),
            {7: SEVEN, 9: NINE},
            False,
            id="flags-interleaved",
        ),
        pytest.param(
            header(7, SEVEN) + b"* 2 FETCH (FLAGS (\\Seen \\Flagged))\r\n" + header(9, NINE, 3),
            {7: SEVEN, 9: NINE},
            False,
            id="unsolicited-flags-between",
        ),
        pytest.param(
            b"* 1 FETCH (BODY[HEADER.FIELDS (FROM SUBJECT)] " + literal(SEVEN) + b" UID 7)\r\n",
            {7: SEVEN},
            False,
            id="uid-after-the-body",
        ),
        pytest.param(
            b'* 1 FETCH (UID 7 BODY[HEADER.FIELDS (FROM SUBJECT)] "")\r\n'
            b"* 2 FETCH (UID 9 BODY[HEADER.FIELDS (FROM SUBJECT)] NIL)\r\n",
            {7: b"", 9: b""},
            False,
            id="quoted-empty-and-nil",
        ),
    ],
)
def test_header_fields_from_bytes(
    reply: bytes, expected: dict[int, bytes], fast: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    found, fell_back, slow = read_twice(
        monkeypatch,
        reply,
        lambda client: imapfetch.header_fields(client, [7, 9], HEADER_FIELDS),
        [HEADER_FIELDS],
    )
    assert found == expected
    assert fell_back != fast
    imapclients = {
        uid: next((v for k, v in fields.items() if k.startswith(b"BODY[HEADER")), None) or b""
        for uid, fields in slow.items()
        if uid in (7, 9)
    }
    assert found == imapclients


def test_an_unsolicited_fetch_is_never_read_as_the_uid_of_its_sequence_number(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`* 9 FETCH (FLAGS (\\Seen))` is another client's flag change on message number 9, not
    an answer for UID 9 (whose message here was expunged meanwhile). imapclient, keyed by UID,
    files it under 9; a message with no header fields would then be read for UID 9."""
    reply = header(7, SEVEN) + b"* 9 FETCH (FLAGS (\\Seen))\r\n"
    found, fell_back, slow = read_twice(
        monkeypatch,
        reply,
        lambda client: imapfetch.header_fields(client, [7, 9], HEADER_FIELDS),
        [HEADER_FIELDS],
    )
    assert fell_back
    assert found == {7: SEVEN}
    assert 9 in slow  # what imapclient alone makes of it


PLAIN = b'("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 12 1 NIL NIL NIL NIL)'
NILS = (None, None, None, None)  # MD5, disposition, language, location: absent
PLAIN_READ = (b"text", b"plain", (b"charset", b"utf-8"), None, None, b"7bit", 12, 1, *NILS)
ALTERNATIVE = (
    b'(("text" "plain" ("charset" "utf-8") NIL NIL "quoted-printable" 5 1 NIL NIL NIL NIL)'
    b'("text" "calendar" ("charset" "utf-8" "method" "REQUEST") NIL NIL "base64" 120 2 NIL NIL'
    b' NIL NIL) "alternative" ("boundary" "b1") NIL NIL NIL)'
)
CALENDAR_PARAMETERS = (b"charset", b"utf-8", b"method", b"REQUEST")
ALTERNATIVE_READ = (
    [
        (b"text", b"plain", (b"charset", b"utf-8"), None, None, b"quoted-printable", 5, 1, *NILS),
        (b"text", b"calendar", CALENDAR_PARAMETERS, None, None, b"base64", 120, 2, *NILS),
    ],
    b"alternative",
    (b"boundary", b"b1"),
    None,
    None,
    None,
)
PDF = b'("application" "pdf" ("name" %s) NIL NIL "base64" 8 NIL ("attachment" NIL))'


def pdf_read(name: bytes) -> tuple[object, ...]:
    disposition = (b"attachment", None)
    return (b"application", b"pdf", (b"name", name), None, None, b"base64", 8, None, disposition)


def structure(uid: int, body: bytes, number: int = 1, before: bytes = b"") -> bytes:
    return b"* %d FETCH (UID %d %sBODYSTRUCTURE %s)\r\n" % (number, uid, before, body)


@pytest.mark.parametrize(
    ("reply", "expected", "fast"),
    [
        pytest.param(
            structure(7, PLAIN) + structure(9, ALTERNATIVE, 2),
            {7: PLAIN_READ, 9: ALTERNATIVE_READ},
            True,
            id="usual",
        ),
        pytest.param(
            structure(9, ALTERNATIVE, 2) + structure(7, PLAIN),
            {7: PLAIN_READ, 9: ALTERNATIVE_READ},
            True,
            id="other-order",
        ),
        pytest.param(
            structure(7, b'("text" "plain" NIL NIL NIL "7bit" 0 0 NIL NIL NIL NIL)'),
            {7: (b"text", b"plain", None, None, None, b"7bit", 0, 0, None, None, None, None)},
            True,
            id="nil",
        ),
        pytest.param(
            structure(7, b'("text" "plain" NIL NIL NIL "7bit" 012 1 NIL NIL NIL NIL)'),
            {7: (b"text", b"plain", None, None, None, b"7bit", b"012", 1, None, None, None, None)},
            True,
            id="number-with-a-leading-zero-stays-bytes",
        ),
        pytest.param(
            structure(7, PDF % literal(b'x "y".pdf')),
            {7: pdf_read(b'x "y".pdf')},
            False,
            id="literal-inside",
        ),
        pytest.param(
            structure(7, PDF % b'"a \\"quoted\\" \\\\ name.pdf"'),
            {7: pdf_read(b'a "quoted" \\ name.pdf')},
            False,
            id="quoted-string-with-escapes",
        ),
        pytest.param(
            structure(7, PLAIN, before=b"FLAGS (\\Seen) ") + structure(9, ALTERNATIVE, 2),
            {7: PLAIN_READ, 9: ALTERNATIVE_READ},
            False,
            id="flags-interleaved",
        ),
        pytest.param(
            b"* 1 FETCH (BODYSTRUCTURE %s UID 7)\r\n" % PLAIN,
            {7: PLAIN_READ},
            False,
            id="uid-after-the-structure",
        ),
        pytest.param(
            structure(7, PLAIN) + b"* 3 FETCH (UID 12 FLAGS ())\r\n" + structure(50, PLAIN, 4),
            {7: PLAIN_READ},
            False,
            id="unsolicited-flags-and-a-uid-not-asked-for",
        ),
    ],
)
def test_structures_from_bytes(
    reply: bytes,
    expected: dict[int, tuple[object, ...]],
    fast: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    found, fell_back, slow = read_twice(
        monkeypatch,
        reply,
        lambda client: imapfetch.structures(client, [7, 9]),
        ["BODYSTRUCTURE"],
    )
    assert found == expected
    assert all(isinstance(value, BodyData) for value in found.values())
    assert fell_back != fast
    assert found == {
        uid: fields[b"BODYSTRUCTURE"]
        for uid, fields in slow.items()
        if uid in (7, 9) and b"BODYSTRUCTURE" in fields
    }


INVITE = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def sections(uid: int, *parts: tuple[str, bytes], number: int = 1, before: bytes = b"") -> bytes:
    items = b" ".join(b"BODY[%s] " % n.encode() + literal(data) for n, data in parts)
    return b"* %d FETCH (UID %d %s%s)\r\n" % (number, uid, before, items)


@pytest.mark.parametrize(
    ("reply", "expected", "fast"),
    [
        pytest.param(
            sections(7, ("1", b"Hi Alex"), ("2", INVITE))
            + sections(9, ("1", b"Hola"), ("2", b""), number=2),
            {7: {"1": b"Hi Alex", "2": INVITE}, 9: {"1": b"Hola", "2": b""}},
            True,
            id="usual",
        ),
        pytest.param(
            sections(9, ("1", b"Hola"), ("2", INVITE), number=2)
            + sections(7, ("1", b"Hi"), ("2", INVITE)),
            {7: {"1": b"Hi", "2": INVITE}, 9: {"1": b"Hola", "2": INVITE}},
            True,
            id="other-order",
        ),
        pytest.param(
            sections(7, ("1", b"Hi")) + sections(9, ("2", INVITE), ("3", b"x"), number=2),
            {7: {"1": b"Hi"}, 9: {"2": INVITE}},
            True,
            id="fewer-or-other-sections",
        ),
        pytest.param(
            b"* 1 FETCH (UID 7 BODY[1] " + literal(b"Hi") + b" BODY[2] NIL)\r\n",
            {7: {"1": b"Hi"}},
            False,
            id="nil-section",
        ),
        pytest.param(
            b'* 1 FETCH (UID 7 BODY[1] "Hi \\"Alex\\"" BODY[2] ' + literal(INVITE) + b")\r\n",
            {7: {"1": b'Hi "Alex"', "2": INVITE}},
            False,
            id="quoted-string-with-escapes",
        ),
        pytest.param(
            sections(7, ("1", b"Hi"), ("2", INVITE), before=b"FLAGS (\\Seen) "),
            {7: {"1": b"Hi", "2": INVITE}},
            False,
            id="flags-interleaved",
        ),
        pytest.param(
            b"* 1 FETCH (BODY[1] " + literal(b"Hi") + b" UID 7)\r\n",
            {7: {"1": b"Hi"}},
            False,
            id="uid-after-the-section",
        ),
    ],
)
def test_sections_from_bytes(
    reply: bytes,
    expected: dict[int, dict[str, bytes]],
    fast: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    found, fell_back, slow = read_twice(
        monkeypatch,
        reply,
        lambda client: imapfetch.sections(client, [7, 9], ["1", "2"]),
        ["BODY.PEEK[1]", "BODY.PEEK[2]"],
    )
    assert found == expected
    assert fell_back != fast
    imapclients: dict[int, dict[str, bytes]] = {}
    for uid, fields in slow.items():
        for number in ("1", "2"):
            value = fields.get(f"BODY[{number}]".encode())
            if uid in (7, 9) and isinstance(value, bytes):
                imapclients.setdefault(uid, {})[number] = value
    assert found == imapclients
