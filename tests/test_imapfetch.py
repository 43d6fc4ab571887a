"""The fast FETCH readers give what imapclient's parser gives, on a real Dovecot, for ordinary
and hostile messages (quotes, backslashes, parentheses and 8-bit bytes in file names, deep and
nested MIME trees, messages without any of the fields); the store reads the same message
whatever its body filter says and whenever it changes its mind; and what the header-only
pre-filters skip could not have mattered."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

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
