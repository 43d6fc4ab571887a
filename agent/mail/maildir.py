"""A local Maildir++ mailbox as a `MailStore` (the demo and users of mbsync/offlineimap).

The INBOX is the Maildir itself and other folders are `.Name` subfolders (or `Name`). Maildir
has no UIDs, so a message's UID is derived from its unique file name (stable while the file
exists), and UIDVALIDITY is constant. Reading never renames a file, so flags (and unread
state) are untouched. Drafts are written to `tmp/` then renamed into `cur/` with flags `DS`,
with the local LF line endings that Maildir readers expect; a draft's checksum is taken over its
CRLF wire form, so it compares equal to the checksum of the message the agent composed.
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import os
import socket
import uuid
import zlib
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from agent.errors import MailboxError
from agent.mail import mime
from agent.mail.store import BodyFilter, DraftInfo, FolderPosition, FolderRoles, sha256_of
from agent.model import KEY_HEADER, MailMessage

MAX_LOCAL_MESSAGE_BYTES = 64 * 1024 * 1024


def _wire_form(raw: bytes) -> bytes:
    """The message with CRLF line endings, as IMAP would transfer it."""
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _uid_of(name: str) -> int:
    return zlib.crc32(name.split(":", 1)[0].encode()) & 0x7FFFFFFF or 1


class MaildirStore:
    def __init__(
        self, root: Path, *, drafts: str = "Drafts", sent: str = "Sent", trash: str = "Trash"
    ) -> None:
        if not (root / "cur").is_dir():
            raise MailboxError(f"{root} is not a Maildir (it has no cur/ folder)")
        self.root = root
        self.roles = FolderRoles(inbox="INBOX", drafts=drafts, sent=sent, trash=trash)
        self._paths: dict[tuple[str, int], Path] = {}
        self._dir(drafts, create=True)

    def _dir(self, folder: str, *, create: bool = False) -> Path | None:
        if folder.upper() == "INBOX":
            return self.root
        for candidate in (self.root / f".{folder}", self.root / folder):
            if (candidate / "cur").is_dir():
                return candidate
        if create:
            path = self.root / f".{folder}"
            for sub in ("cur", "new", "tmp"):
                (path / sub).mkdir(parents=True, exist_ok=True, mode=0o700)
            return path
        return None

    def _files(self, folder: str) -> list[Path]:
        base = self._dir(folder)
        if base is None:
            return []
        files = [p for sub in ("new", "cur") for p in (base / sub).iterdir() if p.is_file()]
        files.sort(key=lambda p: (p.stat().st_mtime_ns, p.name))
        return files

    def position(self, folder: str) -> FolderPosition:
        return FolderPosition(uidvalidity=1, uidnext=0)

    def new_uids(self, folder: str, after_uid: int, since: date | None) -> list[int]:
        # Maildir UIDs are not ordered: every message is listed and the caller skips the
        # Message-IDs it already knows.
        uids = []
        cutoff = (
            datetime(since.year, since.month, since.day, tzinfo=UTC).timestamp() if since else 0
        )
        for path in self._files(folder):
            if path.stat().st_mtime < cutoff:
                continue
            uid = _uid_of(path.name)
            self._paths[(folder, uid)] = path
            uids.append(uid)
        return uids

    def fetch(
        self,
        folder: str,
        uids: Sequence[int],
        *,
        max_part_bytes: int,
        is_sent: bool,
        want_body: BodyFilter | None = None,
    ) -> Iterator[MailMessage]:
        for uid in uids:
            path = self._paths.get((folder, uid))
            if path is None or not path.exists():
                continue
            with path.open("rb") as handle:
                raw = handle.read(MAX_LOCAL_MESSAGE_BYTES)
            yield mime.message_from_bytes(
                raw, folder=folder, uid=uid, max_part_bytes=max_part_bytes, is_sent=is_sent
            )

    def _draft_files(self) -> list[Path]:
        return self._files(self.roles.drafts)

    def drafts(self) -> list[DraftInfo]:
        return [self._describe(path) for path in self._draft_files()]

    def drafts_mark(self) -> str:
        base = self._dir(self.roles.drafts)
        if base is None:
            return ""
        try:
            listing = sorted(
                f"{sub}/{entry.name}:{entry.stat().st_size}:{entry.stat().st_mtime_ns}"
                for sub in ("new", "cur")
                for entry in os.scandir(base / sub)
                if entry.is_file()
            )
        except OSError:  # a draft renamed while listed: changing, so no mark
            return ""
        return "maildir:" + hashlib.sha256("\n".join(listing).encode()).hexdigest()

    def _describe(self, path: Path) -> DraftInfo:
        raw = path.read_bytes()
        headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
        return DraftInfo(
            uid=_uid_of(path.name),
            message_id=(mime.message_ids(headers.get("Message-ID")) or ("",))[0],
            key=mime.clean(str(headers.get(KEY_HEADER, ""))),
            to=tuple(a.email for a in mime.parse_addresses(headers.get("To"))),
            subject=mime.decode_words(headers.get("Subject")),
            sha256=sha256_of(_wire_form(raw)),
        )

    def find_draft(self, key: str) -> DraftInfo | None:
        for info in self.drafts():
            if info.key == key:
                return info
        return None

    def append_draft(self, raw: bytes, when: datetime) -> int | None:
        base = self._dir(self.roles.drafts, create=True)
        assert base is not None
        host = socket.gethostname().replace("/", "_")
        unique = f"{int(when.timestamp())}.{uuid.uuid4().hex}.{host}"
        tmp = base / "tmp" / unique
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw.replace(b"\r\n", b"\n"))
            handle.flush()
            os.fsync(handle.fileno())
        final = base / "cur" / f"{unique}:2,DS"
        os.rename(tmp, final)
        stamp = when.timestamp()
        os.utime(final, (stamp, stamp))
        return _uid_of(final.name)

    def retire_draft(self, uid: int) -> None:
        for path in self._draft_files():
            if _uid_of(path.name) == uid:
                trash = self._dir(self.roles.trash or "Trash", create=True)
                assert trash is not None
                os.rename(path, trash / "cur" / path.name)
                return

    def close(self) -> None:
        return None
