"""An IMAP4rev1 mailbox as a `MailStore` (RFC 3501; SPECIAL-USE RFC 6154; UIDPLUS RFC 4315).

Reading folders uses EXAMINE and BODY.PEEK only, so no flag ever changes. Messages are read in
chunks, each in batched steps: a fixed set of header fields for every message, BODYSTRUCTURE
only where the structure can matter, then only the text and calendar sections (under the size
cap) of the messages whose text is wanted. UID sets are always explicit and chunked
(imapclient's "1:*" parsing bug; Dovecot's 64 KiB command-line limit). Drafts are APPENDed with
\\Draft \\Seen and the UID comes from APPENDUID (only when UIDPLUS is offered), validated, else
from a SEARCH on the key header. Nothing is written to a mailbox the session has open read-only
(UNSELECT or CLOSE first). Extensions are used only when the server offers them.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import re
import socket
import ssl
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from email.message import Message
from typing import Any

import imapclient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

from agent.errors import (
    AgentError,
    AuthenticationFailed,
    CertificateError,
    ConfigError,
    ConnectionFailed,
    FolderMissing,
    MailboxError,
    QuotaExceeded,
)
from agent.mail import imapfetch, mime
from agent.mail.mime import PartInfo
from agent.mail.store import (
    BodyFilter,
    DraftInfo,
    FolderPosition,
    FolderRoles,
    ListedFolder,
    find_roles,
    sha256_of,
)
from agent.model import KEY_HEADER, MailMessage, draft_tag, draft_tag_of, is_draft_of

log = logging.getLogger(__name__)

CHUNK = 1000  # UIDs per FETCH: command lines far below Dovecot's 64 KiB limit
BODY_BATCH_BYTES = 4_000_000  # wanted parts downloaded together, at most (about) this much
HEADER_ITEM = "BODY.PEEK[HEADER.FIELDS ({})]".format(" ".join(mime.HEADER_FIELDS).upper())
_APPENDUID = re.compile(rb"\[APPENDUID (\d+) (\d+)\]", re.IGNORECASE)
_OVERQUOTA = re.compile(r"\[OVERQUOTA\]|quota", re.IGNORECASE)  # RFC 5530, or its words


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


def _params(raw: Any) -> dict[str, str]:
    if not isinstance(raw, (tuple, list)):
        return {}
    items = list(raw)
    return {_text(items[i]).lower(): _text(items[i + 1]) for i in range(0, len(items) - 1, 2)}


def _filename(params: dict[str, str]) -> str:
    for key in ("filename", "filename*", "name", "name*"):
        value = params.get(key)
        if value:
            if key.endswith("*") and "''" in value:
                from urllib.parse import unquote

                charset, _, encoded = value.partition("''")
                return unquote(encoded, encoding=charset or "utf-8", errors="replace")
            return mime.decode_words(value)
    return ""


def parts_of_bodystructure(structure: Any, prefix: str = "") -> list[PartInfo]:
    """Flatten an imapclient BODYSTRUCTURE into leaves with their section numbers."""
    if isinstance(structure, (tuple, list)) and structure and isinstance(structure[0], list):
        parts: list[PartInfo] = []
        for index, child in enumerate(structure[0], start=1):
            section = f"{prefix}.{index}" if prefix else str(index)
            parts.extend(parts_of_bodystructure(child, section))
        return parts
    fields = list(structure)
    maintype, subtype = _text(fields[0]).lower(), _text(fields[1]).lower()
    params = _params(fields[2])
    extension = {"text": 8, "message": 10}.get(maintype, 7)
    if maintype == "message" and subtype != "rfc822":
        extension = 7
    disposition_field = fields[extension + 1] if len(fields) > extension + 1 else None
    disposition, disp_params = "", {}
    if isinstance(disposition_field, (tuple, list)) and disposition_field:
        disposition = _text(disposition_field[0]).lower()
        disp_params = _params(disposition_field[1] if len(disposition_field) > 1 else None)
    try:
        size = int(fields[6])
    except (TypeError, ValueError, IndexError):
        size = 0
    return [
        PartInfo(
            section=prefix or "1",
            content_type=f"{maintype}/{subtype}",
            charset=params.get("charset", ""),
            encoding=_text(fields[5]).lower() or "7bit",
            size=size,
            disposition=disposition,
            filename=_filename(disp_params) or _filename(params),
            method=params.get("method", "").strip('";').upper(),
        )
    ]


class _Read:
    """What has been read of one message so far."""

    def __init__(self, bare: MailMessage, single_text: bool) -> None:
        self.bare = bare  # from the header fields only
        self.single_text = single_text
        self.parts: list[PartInfo] | None = None  # None until BODYSTRUCTURE is read
        self.with_structure = bare
        self.wanted: list[PartInfo] = []
        self.payloads: dict[str, bytes] | None = None  # None until the wanted parts are read

    def message(self, max_part_bytes: int) -> MailMessage:
        if self.parts is None:
            return self.bare
        if self.payloads is None:
            return self.with_structure
        return mime.with_parts(self.bare, self.parts, self.payloads, max_part_bytes=max_part_bytes)


def _wants(item: _Read, want_body: BodyFilter | None) -> bool:
    """Whether the wanted parts of a message with known structure are to be downloaded."""
    if item.parts is None or not item.wanted:
        return False
    return want_body is None or want_body(item.with_structure, item.parts)


_SINGLE_TEXT = re.compile(r"\s*text/(?:plain|html)\s*(?:;|$)", re.IGNORECASE)


def single_text_part(headers: Message) -> bool:
    """True when the header fields alone show a single text/plain or text/html body with no
    file name: no attachment and no calendar part can hide in it. Unsure means False."""
    if headers.get("Content-Disposition") is not None:
        return False
    types = headers.get_all("Content-Type") or []
    if not types:
        return True  # RFC 2045 5.2: text/plain
    if len(types) > 1:
        return False
    value = str(types[0])
    return bool(_SINGLE_TEXT.match(value)) and "name" not in value.lower()


def _roles(
    host: str,
    listed: Sequence[ListedFolder],
    drafts: str | None,
    sent: str | None,
    trash: str | None,
    inbox: str,
    interviews: str = "Interviews",
) -> FolderRoles:
    """The folder roles; `FolderMissing` (exit 78, not retried) when a folder the config
    names does not exist, or no Drafts folder can be found, listing the folders there are."""
    names = {folder.name for folder in listed}
    known = ", ".join(sorted(names, key=str.casefold)) or "none"
    problems = [
        f'[imap].{key}: "{value}" does not exist on {host}; its folders are: {known}. Set it '
        "to one of them exactly (or remove it to find the folder by its role)"
        for key, value in (
            ("drafts_folder", drafts),
            ("sent_folder", sent),
            ("trash_folder", trash),
            ("inbox_folder", inbox if inbox.upper() != "INBOX" else None),
        )
        if value is not None and value not in names
    ]
    if problems:
        raise FolderMissing(problems)
    roles = find_roles(
        listed, drafts=drafts, sent=sent, trash=trash, inbox=inbox, interviews=interviews
    )
    if roles is None:
        raise FolderMissing(
            [
                f"[imap].drafts_folder: no Drafts folder found on {host} (its folders are: "
                f"{known}); set drafts_folder to the one your mail client saves drafts in"
            ]
        )
    return roles


def _tls_context(ca_file: str | None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=ca_file)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


# RFC 5530 codes for a login refused for a passing reason: the server's auth backend is down,
# the mailbox is busy, a server bug. Retrying later is right; stopping the service is not.
_TEMPORARY_LOGIN_CODES = re.compile(r"\[(?:UNAVAILABLE|INUSE|SERVERBUG)\]", re.I)


def login_failure(host: str, username: str, response: str) -> AgentError:
    """The error for a refused LOGIN/AUTHENTICATE: temporary (retried with backoff) or final
    (exit 77, the unit does not restart on it, so a wrong password cannot lock the account)."""
    if _TEMPORARY_LOGIN_CODES.search(response):
        return ConnectionFailed(
            f"{host} could not log {username} in for now (it said it is temporarily "
            "unavailable); will retry"
        )
    return AuthenticationFailed(f"{host} refused the login for {username}: check the user name")


class ImapStore:
    """One authenticated IMAP connection with the folder roles resolved."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        security: str,
        username: str,
        secret_kind: str,
        secret: str,
        ca_file: str | None = None,
        timeout: float = 60.0,
        drafts: str | None = None,
        sent: str | None = None,
        trash: str | None = None,
        inbox: str = "INBOX",
        interviews: str = "Interviews",
    ) -> None:
        self.host = host
        self.client = _connect(host, port, security, ca_file, timeout)
        try:
            self._login(username, secret_kind, secret)
        except AgentError:
            self._shutdown()
            raise
        except LoginError as exc:
            self._shutdown()
            raise login_failure(host, username, str(exc)) from exc
        except (OSError, IMAPClientError) as exc:
            self._shutdown()
            raise ConnectionFailed(f"lost the connection to {host} during login: {exc}") from exc
        log.debug("logged in to %s:%d as %s", host, port, username)
        self.capabilities = {_text(c).upper() for c in self.client.capabilities()}
        listed = [
            ListedFolder(name=name, flags=tuple(_text(f) for f in flags), delimiter=_text(delim))
            for flags, delim, name in self.client.list_folders()
        ]
        try:
            self.roles: FolderRoles = _roles(host, listed, drafts, sent, trash, inbox, interviews)
        except FolderMissing:
            self._shutdown()
            raise
        log.debug(
            "folders on %s: drafts %s, sent %s, trash %s (of %d listed)",
            host,
            self.roles.drafts,
            self.roles.sent,
            self.roles.trash,
            len(listed),
        )
        self._selected: tuple[str, bool] | None = None

    def _login(self, username: str, secret_kind: str, secret: str) -> None:
        """LOGIN when it can carry the credentials; AUTHENTICATE PLAIN (RFC 4616: UTF-8)
        when the user name or password has a character beyond ASCII, which LOGIN cannot
        send. No error ever shows the secret or a piece of it."""
        if secret_kind == "oauth2":
            self.client.oauth2_login(username, secret)
            return
        if username.isascii() and secret.isascii():
            self.client.login(username, secret)
            return
        log.debug("non-ASCII credentials: logging in with AUTHENTICATE PLAIN (UTF-8)")
        try:
            self.client.plain_login(username, secret)
        except LoginError as exc:
            if re.search(r"mechanism|unsupported|not supported", str(exc), re.IGNORECASE):
                raise AuthenticationFailed(
                    f"{self.host} does not accept AUTHENTICATE PLAIN, and LOGIN cannot send a "
                    "user name or password with characters beyond ASCII (RFC 3501); ask the "
                    "provider for an app password, or use oauth2_token_command"
                ) from None
            raise
        except UnicodeError:
            raise AuthenticationFailed(
                f"{self.host}: the user name or password could not be encoded as UTF-8"
            ) from None

    def _shutdown(self) -> None:
        with contextlib.suppress(OSError, IMAPClientError):
            self.client.shutdown()

    def _select(self, folder: str, *, readonly: bool = True) -> dict[bytes, Any]:
        try:
            info: dict[bytes, Any] = self.client.select_folder(folder, readonly=readonly)
        except (OSError, IMAPClientAbortError) as exc:
            raise ConnectionFailed(
                f"lost the connection to {self.host} ({exc}); run it again, "
                "nothing will be drafted twice"
            ) from exc
        except IMAPClientError as exc:
            raise MailboxError(f"cannot open folder {folder!r} on {self.host}: {exc}") from exc
        self._selected = (folder, readonly)
        return info

    def _status(self, folder: str) -> dict[bytes, Any]:
        """UIDVALIDITY, UIDNEXT and MESSAGES of a folder. STATUS reads the server's index
        without opening the folder; the folder already open is reopened instead (RFC 3501
        6.3.10: STATUS is not the way to check the selected folder), unless its answer has no
        UIDNEXT (Courier's has none; its STATUS does)."""
        if self._selected is not None and self._selected[0] == folder:
            info = self._select(folder, readonly=self._selected[1])
            if b"UIDNEXT" in info:
                return {
                    b"UIDVALIDITY": info.get(b"UIDVALIDITY", 0),
                    b"UIDNEXT": info.get(b"UIDNEXT", 0),
                    b"MESSAGES": info.get(b"EXISTS", 0),
                }
        try:
            status: dict[bytes, Any] = self.client.folder_status(
                folder, [b"UIDVALIDITY", b"UIDNEXT", b"MESSAGES"]
            )
        except (OSError, IMAPClientAbortError) as exc:
            raise ConnectionFailed(
                f"lost the connection to {self.host} ({exc}); run it again, "
                "nothing will be drafted twice"
            ) from exc
        except IMAPClientError as exc:
            raise MailboxError(f"cannot open folder {folder!r} on {self.host}: {exc}") from exc
        return status

    def position(self, folder: str) -> FolderPosition:
        info = self._status(folder)
        return FolderPosition(
            uidvalidity=int(info.get(b"UIDVALIDITY", 0)), uidnext=int(info.get(b"UIDNEXT", 0))
        )

    def drafts_mark(self) -> str:
        info = self._status(self.roles.drafts)
        values = [int(info.get(k, 0)) for k in (b"UIDVALIDITY", b"UIDNEXT", b"MESSAGES")]
        # Messages never change; a listing changes only by an APPEND (UIDNEXT grows) or an
        # EXPUNGE (MESSAGES shrinks). Flags are not part of the listing.
        return "imap:{}:{}:{}".format(*values) if values[0] and values[1] else ""

    def new_uids(self, folder: str, after_uid: int, since: date | None) -> list[int]:
        self._select(folder)
        criteria: list[Any] = []
        if after_uid > 0:
            criteria += ["UID", f"{after_uid + 1}:*"]
        if since is not None:
            criteria += ["SINCE", since]
        found = self.client.search(criteria or ["ALL"])
        return sorted(int(uid) for uid in found if int(uid) > after_uid)

    def fetch(
        self,
        folder: str,
        uids: Sequence[int],
        *,
        max_part_bytes: int,
        is_sent: bool,
        want_body: BodyFilter | None = None,
    ) -> Iterator[MailMessage]:
        self._select(folder)
        for start in range(0, len(uids), CHUNK):
            yield from self._chunk(
                folder, list(uids[start : start + CHUNK]), max_part_bytes, is_sent, want_body
            )

    def _chunk(
        self,
        folder: str,
        uids: list[int],
        max_part_bytes: int,
        is_sent: bool,
        want_body: BodyFilter | None,
    ) -> Iterator[MailMessage]:
        """One chunk in three batched steps: the header fields of every message; BODYSTRUCTURE
        of those whose structure can matter; the wanted parts of those whose text is wanted,
        a few megabytes at a time, just before those messages are handed out.

        `want_body` is asked again right before a message is handed out (what the caller has
        learnt from the messages before it can make it true), and a message that turns out
        to want more is then completed on its own."""
        blocks = imapfetch.header_fields(self.client, uids, HEADER_ITEM)
        read: dict[int, _Read] = {}
        for uid in uids:
            block = blocks.get(uid)
            if block is not None:
                headers = mime.parse_header_fields(block)
                bare = mime.message_of_headers(
                    folder=folder, uid=uid, headers=headers, is_sent=is_sent
                )
                read[uid] = _Read(bare, single_text_part(headers))
        needs = [uid for uid, r in read.items() if self._structure_matters(r, want_body)]
        self._structures(folder, needs, read, max_part_bytes)
        queue = collections.deque(read.values())
        while queue:
            window: list[_Read] = []
            wanting: list[_Read] = []
            budget = 0
            while queue and (not window or budget < BODY_BATCH_BYTES):
                window.append(queue.popleft())
                if _wants(window[-1], want_body):
                    wanting.append(window[-1])
                    budget += sum(p.size for p in window[-1].wanted)
            self._bodies(wanting, max_part_bytes)
            for item in window:
                if item.parts is None and self._structure_matters(item, want_body):
                    self._structures(folder, [item.bare.uid], read, max_part_bytes)
                if item.parts is not None and item.payloads is None and _wants(item, want_body):
                    self._bodies([item], max_part_bytes)
                yield item.message(max_part_bytes)
                item.payloads = None  # handed out: let the downloaded bytes go

    @staticmethod
    def _structure_matters(item: _Read, want_body: BodyFilter | None) -> bool:
        if item.parts is not None:
            return False
        if want_body is None:
            return True
        if item.single_text:  # no attachment, no calendar: only its text can be wanted
            return want_body(item.bare, ())
        return want_body(item.bare, None)

    def _structures(
        self, folder: str, uids: list[int], read: dict[int, _Read], max_part_bytes: int
    ) -> None:
        if not uids:
            return
        response = imapfetch.structures(self.client, uids)
        for uid in uids:
            item = read[uid]
            try:
                item.parts = parts_of_bodystructure(response[uid])
            except (KeyError, IndexError, TypeError, ValueError):
                log.info("%s UID %s: unreadable BODYSTRUCTURE; reading headers only", folder, uid)
                item.parts = []
            item.with_structure = mime.with_parts(
                item.bare, item.parts, {}, max_part_bytes=max_part_bytes
            )
            item.wanted = [p for p in item.parts if mime.wanted(p, max_part_bytes)]

    def _bodies(self, items: list[_Read], max_part_bytes: int) -> None:
        """Download the wanted parts, one FETCH per set of section numbers."""
        groups: dict[tuple[str, ...], list[_Read]] = {}
        for item in items:
            groups.setdefault(tuple(p.section for p in item.wanted), []).append(item)
        for sections, group in groups.items():
            response = imapfetch.sections(self.client, [item.bare.uid for item in group], sections)
            for item in group:
                item.payloads = response.get(item.bare.uid, {})

    def drafts(self) -> list[DraftInfo]:
        self._select(self.roles.drafts)
        uids = self.client.search(["ALL"])
        return self._describe([int(u) for u in uids])

    def _describe(self, uids: list[int]) -> list[DraftInfo]:
        result = []
        item = f"BODY.PEEK[HEADER.FIELDS (MESSAGE-ID TO SUBJECT {KEY_HEADER.upper()})]"
        for start in range(0, len(uids), CHUNK):
            chunk = uids[start : start + CHUNK]
            response = self.client.fetch(chunk, [item])
            keyed = []
            for uid in chunk:
                data = response.get(uid, {})
                raw = next((v for k, v in data.items() if k.startswith(b"BODY[")), b"") or b""
                headers = mime.parse_header_block(raw)
                message_id = (mime.message_ids(headers.get("Message-ID")) or ("",))[0]
                # our tag in the Message-ID, or the key in clear from an older version
                key = mime.clean(str(headers.get(KEY_HEADER, ""))) or draft_tag_of(message_id)
                result.append(
                    DraftInfo(
                        uid=uid,
                        message_id=message_id,
                        key=key,
                        to=tuple(a.email for a in mime.parse_addresses(headers.get("To"))),
                        subject=mime.decode_words(headers.get("Subject")),
                        sha256="",
                    )
                )
                if key:
                    keyed.append(uid)
            if keyed:
                bodies = self.client.fetch(keyed, ["BODY.PEEK[]"])
                for index, info in enumerate(result):
                    body = bodies.get(info.uid, {}).get(b"BODY[]")
                    if isinstance(body, bytes):
                        result[index] = DraftInfo(
                            info.uid,
                            info.message_id,
                            info.key,
                            info.to,
                            info.subject,
                            sha256_of(body),
                        )
        return result

    def find_draft(self, key: str) -> DraftInfo | None:
        found = self.find_drafts(key)
        return found[0] if found else None

    def find_drafts(self, key: str, folder: str | None = None) -> list[DraftInfo]:
        self._select(folder or self.roles.drafts)  # afresh: every APPEND committed is seen
        found = {int(u) for u in self.client.search(["HEADER", "Message-ID", draft_tag(key)])}
        found |= {int(u) for u in self.client.search(["HEADER", KEY_HEADER, key])}  # older drafts
        return [
            replace(i, key=key) for i in self._describe(sorted(found)) if is_draft_of(i.key, key)
        ]

    def _writable(self, folder: str) -> None:
        """Before writing to `folder` (APPEND): end this session's read-only selection of it.
        A server may refuse to write the mailbox a session has open with EXAMINE (Courier:
        "Current box is selected READ-ONLY"). UNSELECT (RFC 3691) when offered, else CLOSE,
        which expunges nothing in a read-only mailbox (RFC 3501 6.4.2)."""
        if self._selected != (folder, True):
            return
        if "UNSELECT" in self.capabilities:
            self.client.unselect_folder()
        else:
            self.client.close_folder()
        self._selected = None

    def append_draft(self, raw: bytes, when: datetime) -> int | None:
        folder = self.roles.drafts
        self._writable(folder)
        try:
            response = self.client.append(
                folder, raw, flags=(imapclient.DRAFT, imapclient.SEEN), msg_time=when
            )
        except IMAPClientAbortError:
            raise
        except IMAPClientError as exc:
            if _OVERQUOTA.search(str(exc)):
                raise QuotaExceeded(
                    f"{self.host} refused to store a draft in {folder}: the mailbox is over its "
                    "quota. Free some space (empty Trash and Junk, delete old mail with large "
                    "attachments); the draft is placed on the next pass"
                ) from exc
            raise
        return self._appended_uid(folder, response)

    def _appended_uid(self, folder: str, response: Any) -> int | None:
        """The UID of the message just APPENDed to `folder`: only from a server that offers
        UIDPLUS (RFC 4315), and only when its UIDVALIDITY is the folder's; otherwise the
        caller finds the message by searching for its key."""
        uidplus = "UIDPLUS" in self.capabilities
        match = _APPENDUID.search(response if uidplus and isinstance(response, bytes) else b"")
        if match:
            uidvalidity, uid = int(match.group(1)), int(match.group(2))
            if uid > 0 and uidvalidity == self.position(folder).uidvalidity:
                return uid
        return None

    def append_message(
        self, folder: str, raw: bytes, flags: Sequence[str], when: datetime
    ) -> int | None:
        self._writable(folder)
        try:
            response = self.client.append(folder, raw, flags=tuple(flags), msg_time=when)
        except IMAPClientAbortError:
            raise
        except IMAPClientError as exc:
            raise MailboxError(
                f"{self.host} refused to store a message in {folder}: {exc}"
            ) from exc
        return self._appended_uid(folder, response)

    def has_message_id(self, folder: str, fragment: str) -> bool:
        self._select(folder)  # EXAMINE: nothing there changes
        return bool(self.client.search(["HEADER", "Message-ID", fragment]))

    def remove_draft(self, uid: int, folder: str | None = None) -> bool:
        if "UIDPLUS" not in self.capabilities:
            return False  # a plain EXPUNGE would also remove what others marked \Deleted
        self._select(folder or self.roles.drafts, readonly=False)
        self.client.add_flags([uid], [imapclient.DELETED], silent=True)
        self.client.uid_expunge([uid])
        return True

    def newest_arrival(self) -> datetime | None:
        info = self._select(self.roles.inbox)
        uidnext = int(info.get(b"UIDNEXT", 0) or 0)
        # "n:*" with n above every UID still names the highest one (RFC 3501 6.4.8)
        found = self.client.search(["UID", f"{max(uidnext, 1)}:*"])
        if not found:
            return None
        newest = max(int(u) for u in found)
        stamp = self.client.fetch([newest], ["INTERNALDATE"]).get(newest, {}).get(b"INTERNALDATE")
        if not isinstance(stamp, datetime):
            return None
        return stamp.astimezone(UTC) if stamp.tzinfo else stamp.astimezone().astimezone(UTC)

    def retire_draft(self, uid: int) -> None:
        self._select(self.roles.drafts, readonly=False)
        trash = self.roles.trash
        if trash and "MOVE" in self.capabilities:
            self.client.move([uid], trash)
            return
        if trash:
            self.client.copy([uid], trash)
        self.client.add_flags([uid], [imapclient.DELETED], silent=True)
        if "UIDPLUS" in self.capabilities:
            self.client.uid_expunge([uid])
        # Without UIDPLUS a plain EXPUNGE could remove other deleted messages: leave it flagged.

    def close(self) -> None:
        with contextlib.suppress(OSError, IMAPClientError):
            self.client.logout()


def no_delay(client: imapclient.IMAPClient) -> None:
    """TCP_NODELAY on the connection, as mail clients set it. imapclient writes some commands
    in two pieces (SEARCH, APPEND); with Nagle's algorithm the second piece waits for the ACK
    of the first, which a server that waits for the whole line before answering sends only
    when its delayed-ACK timer fires: about 40 ms more per such command (Cyrus, Courier)."""
    with contextlib.suppress(OSError, AttributeError):
        client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _connect(
    host: str, port: int, security: str, ca_file: str | None, timeout: float
) -> imapclient.IMAPClient:
    context = _tls_context(ca_file) if security in ("tls", "starttls") else None
    socket_timeout = imapclient.SocketTimeout(connect=min(timeout, 30.0), read=timeout)
    try:
        client = imapclient.IMAPClient(
            host, port=port, ssl=security == "tls", ssl_context=context, timeout=socket_timeout
        )
        no_delay(client)
        if security == "starttls":
            client.starttls(context)
        return client
    except ssl.SSLCertVerificationError as exc:
        fix = (
            f"[imap].tls_ca_file ({ca_file}) is not the CA that signed it; point it at the "
            "right one"
            if ca_file
            else "if your server uses a private CA, set [imap].tls_ca_file to its certificate"
        )
        raise CertificateError(
            f"the TLS certificate of {host}:{port} is not trusted ({exc.verify_message}); {fix}"
        ) from exc
    except (ssl.SSLEOFError, ssl.SSLZeroReturnError) as exc:
        # The peer hung up mid-handshake: a server or a proxy in front of it restarting. A
        # transient failure (the daemon retries it), not a certificate problem (which stops it).
        raise ConnectionFailed(
            f"{host}:{port} closed the connection during the TLS handshake ({exc.reason or exc});"
            " if this persists, check [imap].port and [imap].security"
        ) from exc
    except ssl.SSLError as exc:
        if security == "tls" and _speaks_plain_imap(host, port, timeout):
            raise _wrong_security(host, port, "tls") from None
        raise CertificateError(
            f"TLS with {host}:{port} failed ({exc.reason or exc}); check [imap].port and "
            '[imap].security (993 is usually "tls", 143 "starttls")'
        ) from exc
    except socket.gaierror as exc:
        raise ConnectionFailed(
            f"cannot find the IMAP server {host!r} ({exc.strerror}); check [imap].host"
        ) from exc
    except TimeoutError as exc:
        if security != "tls" and _speaks_tls(host, port, timeout):
            raise _wrong_security(host, port, security) from None
        raise ConnectionFailed(f"{host}:{port} did not answer in time") from exc
    except (OSError, IMAPClientError) as exc:
        if security != "tls" and _speaks_tls(host, port, timeout):
            raise _wrong_security(host, port, security) from None
        raise ConnectionFailed(
            f"cannot connect to {host}:{port} ({exc}); check [imap].host and [imap].port, "
            "and that the server is up"
        ) from exc


PROBE_SECONDS = 5.0


def _wrong_security(host: str, port: int, security: str) -> ConfigError:
    """A port that speaks otherwise than `security` asks: a configuration problem (78)."""
    if security == "tls":
        return ConfigError(
            [
                f'[imap].security: "tls" (TLS from the first byte) was asked of {host}:{port}, '
                "but that port speaks plain IMAP (it greeted in clear text, as port 143 does). "
                'Set security = "starttls" to keep this port, or port = 993 for "tls"'
            ]
        )
    return ConfigError(
        [
            f'[imap].security: "{security}" was asked of {host}:{port}, but that port expects '
            "TLS from the first byte (implicit TLS, as port 993 does). "
            'Set security = "tls" to keep this port, or port = 143 for "starttls"'
        ]
    )


def _speaks_plain_imap(host: str, port: int, timeout: float) -> bool:
    """Whether `port` greets in clear text ("* OK", RFC 3501 7.1)."""
    try:
        with socket.create_connection((host, port), timeout=min(timeout, PROBE_SECONDS)) as sock:
            greeting = sock.recv(64)
    except OSError:
        return False
    return greeting.startswith((b"* OK", b"* PREAUTH", b"* BYE"))


def _speaks_tls(host: str, port: int, timeout: float) -> bool:
    """Whether `port` completes a TLS handshake (any certificate: this only names the port's
    kind; the real connection verifies it)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with (
            socket.create_connection((host, port), timeout=min(timeout, PROBE_SECONDS)) as sock,
            context.wrap_socket(sock, server_hostname=host),
        ):
            return True
    except (OSError, ValueError):
        return False
