"""Bulk UID FETCH of header fields, BODYSTRUCTURE and body sections, read without imapclient's
generic parser.

imapclient takes every FETCH response apart byte by byte in Python; for the header fields,
structure and text of thousands of messages that costs several times the server's own work. Here
the same UID FETCH goes through the imaplib connection imapclient wraps, and the usual shape
of each response is read with a regular expression. Any other shape (unsolicited data mixed
in, literals or escapes inside a BODYSTRUCTURE, an unexpected item order) is handed to
imapclient's own parser, response by response, so the result is always what `IMAPClient.fetch`
returns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import imapclient
from imapclient.exceptions import IMAPClientError
from imapclient.response_parser import parse_fetch_response
from imapclient.response_types import BodyData

_HEADER_RESPONSE = re.compile(rb"\d+ \(UID (\d+) BODY\[HEADER\.FIELDS \([^()\[\]]*\)\] \{\d+\}")
_STRUCTURE_RESPONSE = re.compile(rb"\d+ \(UID (\d+) BODYSTRUCTURE (\(.*\))\)", re.DOTALL)
_FIRST_SECTION = re.compile(rb"\d+ \(UID (\d+) BODY\[(?P<section>\d+(?:\.\d+)*)\] \{\d+\}")
_NEXT_SECTION = re.compile(rb" BODY\[(?P<section>\d+(?:\.\d+)*)\] \{\d+\}")
_TOKEN = re.compile(rb' ?(?:(\()|(\))|"([^"\\]*)"|(NIL)|(\d+))')


def _raw(client: imapclient.IMAPClient, uids: Sequence[int], item: str) -> list[Any]:
    """The untagged FETCH data of `UID FETCH uids (item)`, as imaplib returns it."""
    imap: Any = client._imap  # the connection imapclient itself sends its commands on
    typ, data = imap.uid("FETCH", ",".join(str(uid) for uid in uids), f"({item})")
    if typ != "OK":
        raise IMAPClientError(f"fetch failed: {data!r}")
    return [d for d in data if d is not None]


def _responses(data: list[Any]) -> list[list[Any]]:
    """imaplib's data split into one list per FETCH response: a line, or a line with a
    literal (a tuple) followed by further literals and the line that ends the response."""
    groups: list[list[Any]] = []
    open_literal = False
    for element in data:
        if open_literal:
            groups[-1].append(element)
        else:
            groups.append([element])
        open_literal = isinstance(element, tuple)
    return groups


def _slow(client: imapclient.IMAPClient, response: list[Any]) -> dict[int, Any]:
    """imapclient's reading of one response: {uid: {item: value}}. An unsolicited FETCH with
    no UID in it (a flag change another client made, `* 5 FETCH (FLAGS (\\Seen))`) is left
    out: keyed by UID, imapclient would file it under its sequence number as if that were a UID."""
    parsed = parse_fetch_response(response, client.normalise_times, False)
    return {int(fields[b"UID"]): fields for fields in parsed.values() if b"UID" in fields}


def header_fields(
    client: imapclient.IMAPClient, uids: Sequence[int], item: str
) -> dict[int, bytes]:
    """UID -> the header block for `item` (a BODY.PEEK[HEADER.FIELDS (...)] item)."""
    found: dict[int, bytes] = {}
    for response in _responses(_raw(client, uids, item)):
        first = response[0]
        match = _HEADER_RESPONSE.fullmatch(first[0]) if isinstance(first, tuple) else None
        if match is not None and response[1:] == [b")"] and isinstance(first[1], bytes):
            found[int(match.group(1))] = first[1]
            continue
        for uid, fields in _slow(client, response).items():
            value = next((v for k, v in fields.items() if k.startswith(b"BODY[HEADER")), None)
            if isinstance(value, bytes):
                found[uid] = value
            else:  # as the store always did: a message the server answered for, no fields
                found.setdefault(uid, b"")
    wanted = set(uids)
    return {uid: block for uid, block in found.items() if uid in wanted}


def structures(client: imapclient.IMAPClient, uids: Sequence[int]) -> dict[int, Any]:
    """UID -> the BODYSTRUCTURE of the message, as imapclient's `BodyData`."""
    found: dict[int, Any] = {}
    for response in _responses(_raw(client, uids, "BODYSTRUCTURE")):
        line = response[0]
        match = _STRUCTURE_RESPONSE.fullmatch(line) if len(response) == 1 else None
        structure = _tuple(match.group(2)) if match else None
        if match is not None and structure is not None:
            found[int(match.group(1))] = BodyData.create(structure)
            continue
        for uid, fields in _slow(client, response).items():
            if b"BODYSTRUCTURE" in fields:
                found[uid] = fields[b"BODYSTRUCTURE"]
    wanted = set(uids)
    return {uid: value for uid, value in found.items() if uid in wanted}


def sections(
    client: imapclient.IMAPClient, uids: Sequence[int], numbers: Sequence[str]
) -> dict[int, dict[str, bytes]]:
    """UID -> {section number: its bytes} for `BODY.PEEK[n]` of every one of `numbers`."""
    items = " ".join(f"BODY.PEEK[{n}]" for n in numbers)
    keys = {f"BODY[{n}]".encode(): n for n in numbers}
    found: dict[int, dict[str, bytes]] = {}
    for response in _responses(_raw(client, uids, items)):
        fast = _sections_of(response)
        if fast is not None:
            found[fast[0]] = {n: v for n, v in fast[1].items() if n in numbers}
            continue
        for uid, fields in _slow(client, response).items():
            for key, value in fields.items():
                if key in keys and isinstance(value, bytes):
                    found.setdefault(uid, {})[keys[key]] = value
    wanted = set(uids)
    return {uid: parts for uid, parts in found.items() if uid in wanted}


def _sections_of(response: list[Any]) -> tuple[int, dict[str, bytes]] | None:
    """`n (UID u BODY[1] {k}` literal ` BODY[2] {k}` literal ... `)`, else None."""
    if len(response) < 2 or response[-1] != b")":
        return None
    uid = 0
    parts: dict[str, bytes] = {}
    for index, element in enumerate(response[:-1]):
        if not isinstance(element, tuple) or not isinstance(element[1], bytes):
            return None
        pattern = _FIRST_SECTION if index == 0 else _NEXT_SECTION
        match = pattern.fullmatch(element[0])
        if match is None:
            return None
        if index == 0:
            uid = int(match.group(1))
        parts[match.group("section").decode()] = element[1]
    return uid, parts


def _tuple(text: bytes) -> tuple[Any, ...] | None:
    """A parenthesised list of quoted strings (no escapes), NIL and numbers, read the way
    imapclient reads it; None for anything else."""
    stack: list[list[Any]] = [[]]
    position = 0
    while position < len(text):
        token = _TOKEN.match(text, position)
        if token is None:
            return None
        position = token.end()
        opened, closed, quoted, nil, number = token.groups()
        if opened:
            stack.append([])
        elif closed:
            if len(stack) < 2:
                return None
            done = tuple(stack.pop())
            stack[-1].append(done)
        elif quoted is not None:
            stack[-1].append(quoted)
        elif nil:
            stack[-1].append(None)
        elif number[:1] != b"0" or len(number) == 1:
            stack[-1].append(int(number))
        else:
            stack[-1].append(number)
    if len(stack) != 1 or len(stack[0]) != 1 or not isinstance(stack[0][0], tuple):
        return None
    result: tuple[Any, ...] = stack[0][0]
    return result
