"""A local Maildir++ mailbox as a `MailStore` (the demo and users of mbsync/offlineimap).

The INBOX is the Maildir itself and other folders are `.Name` subfolders (or `Name`). Maildir
has no UIDs, so a message's UID is derived from its unique file name (stable while the file
exists), and UIDVALIDITY is constant. Reading never renames a file, so flags (and unread
state) are untouched. Drafts are written to `tmp/` then renamed into `cur/` with flags `DS`,
with the local LF line endings that Maildir readers expect; a draft's checksum is taken over its
CRLF wire form, so it compares equal to the checksum of the message the agent composed.

Two processes placing the same key (two configs on one Maildir) follow the IMAP rule by file:
a message's name begins with the time of its rename into `cur/` (a draft) or `new/` (the
digest, in INBOX), taken under an flock on the folder's `interview-agent.lock`, so names sort
in the order messages appeared and the first is the copy both keep.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import fcntl
import hashlib
import os
import socket
import time
import uuid
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from agent.errors import MailboxError
from agent.mail import mime
from agent.mail.store import BodyFilter, DraftInfo, FolderPosition, FolderRoles, sha256_of
from agent.model import KEY_HEADER, MailMessage, draft_tag_of, is_draft_of

MAX_LOCAL_MESSAGE_BYTES = 64 * 1024 * 1024
LOCK_NAME = "interview-agent.lock"  # in a folder the agent writes, beside cur/ new/ tmp/


# IMAP system flags as Maildir info letters (https://cr.yp.to/proto/maildir.html)
_FLAG_LETTERS = {"\\Draft": "D", "\\Flagged": "F", "\\Answered": "R", "\\Seen": "S"}


def _wire_form(raw: bytes) -> bytes:
    """The message with CRLF line endings, as IMAP would transfer it."""
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _uid_of(name: str) -> int:
    return zlib.crc32(name.split(":", 1)[0].encode()) & 0x7FFFFFFF or 1


def _keeping_order(name: str) -> tuple[int, str]:
    """Maildir names start with a time ("<seconds>." or, ours, "<nanoseconds>."): earlier
    first, by the number, then by the name, so every process orders copies alike."""
    head = name.split(".", 1)[0]
    if not head.isdigit():
        return (0, name)
    number = int(head)
    return (number * 1_000_000_000 if len(head) <= 10 else number, name)


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """flock on the folder's lock file: one draft appears at a time, so the order of names
    is the order drafts appeared in."""
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


class MaildirStore:
    def __init__(
        self,
        root: Path,
        *,
        drafts: str = "Drafts",
        sent: str = "Sent",
        trash: str = "Trash",
        read_only: bool = False,
        interviews: str = "Interviews",
    ) -> None:
        if not (root / "cur").is_dir():
            raise MailboxError(f"{root} is not a Maildir (it has no cur/ folder)")
        self.root = root
        self.roles = FolderRoles(
            inbox="INBOX",
            drafts=drafts,
            sent=sent,
            trash=trash,
            interviews=interviews if (root / f".{interviews}" / "cur").is_dir() else None,
        )
        self._paths: dict[tuple[str, int], Path] = {}
        if not read_only:  # `once --dry-run` creates nothing, not even the Drafts folder
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
        found: list[tuple[int, str, Path]] = []
        for sub in ("new", "cur"):
            for entry in os.scandir(base / sub):
                try:
                    if entry.is_file():
                        found.append((entry.stat().st_mtime_ns, entry.name, Path(entry.path)))
                except FileNotFoundError:  # renamed or removed meanwhile by another program
                    continue
        found.sort()
        return [path for _, _, path in found]

    def _described(self, paths: list[Path]) -> Iterator[DraftInfo]:
        """Each draft that is still there when read: a client, or another instance removing
        its second copy, may take one away between the listing and the reading."""
        for path in paths:
            try:
                yield self._describe(path)
            except FileNotFoundError:
                continue

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
        return list(self._described(self._draft_files()))

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
        message_id = (mime.message_ids(headers.get("Message-ID")) or ("",))[0]
        return DraftInfo(
            uid=_uid_of(path.name),
            message_id=message_id,
            # our tag in the Message-ID, or the key in clear from an older version
            key=mime.clean(str(headers.get(KEY_HEADER, ""))) or draft_tag_of(message_id),
            to=tuple(a.email for a in mime.parse_addresses(headers.get("To"))),
            subject=mime.decode_words(headers.get("Subject")),
            sha256=sha256_of(_wire_form(raw)),
        )

    def find_draft(self, key: str) -> DraftInfo | None:
        found = self.find_drafts(key)
        return found[0] if found else None

    def find_drafts(self, key: str, folder: str | None = None) -> list[DraftInfo]:
        files = self._files(folder) if folder else self._draft_files()
        found = self._described(sorted(files, key=lambda path: _keeping_order(path.name)))
        return [replace(info, key=key) for info in found if is_draft_of(info.key, key)]

    def _deliver(self, base: Path, raw: bytes, flags: Sequence[str], when: datetime) -> int:
        """Written in tmp/, then renamed, under the folder's lock, into new/ when it has no
        flags (unseen, as new mail) or cur/ with the flags in its name; the name starts with
        the time of the rename, so names sort in the order messages appeared, on which every
        process on this machine agrees (see `find_drafts`)."""
        host = socket.gethostname().replace("/", "_").replace(":", "_")
        unique = f"P{os.getpid()}R{uuid.uuid4().hex[:16]}.{host}"
        tmp = base / "tmp" / unique
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw.replace(b"\r\n", b"\n"))
            handle.flush()
            os.fsync(handle.fileno())
        letters = "".join(sorted(_FLAG_LETTERS[f] for f in flags if f in _FLAG_LETTERS))
        with _folder_lock(base):
            name = f"{time.time_ns()}.{unique}"
            final = base / "new" / name if not flags else base / "cur" / f"{name}:2,{letters}"
            os.rename(tmp, final)
            directory = os.open(final.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
        stamp = when.timestamp()
        os.utime(final, (stamp, stamp))
        return _uid_of(final.name)

    def append_draft(self, raw: bytes, when: datetime) -> int | None:
        base = self._dir(self.roles.drafts, create=True)
        assert base is not None
        return self._deliver(base, raw, ("\\Draft", "\\Seen"), when)

    def append_message(
        self, folder: str, raw: bytes, flags: Sequence[str], when: datetime
    ) -> int | None:
        """Delivered as a mail program delivers (see `_deliver`)."""
        base = self._dir(folder)
        if base is None:
            raise MailboxError(f"{self.root}: no folder {folder!r} to store a message in")
        return self._deliver(base, raw, flags, when)

    def has_message_id(self, folder: str, fragment: str) -> bool:
        needle = fragment.encode("ascii", "replace")
        for path in self._files(folder):
            try:
                raw = path.read_bytes()
            except FileNotFoundError:
                continue
            head = raw.split(b"\n\n", 1)[0]
            if needle not in head:
                continue
            headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(head)
            if fragment in str(headers.get("Message-ID", "")):
                return True
        return False

    def remove_draft(self, uid: int, folder: str | None = None) -> bool:
        files = self._files(folder) if folder else self._draft_files()
        named = [path for path in files if _uid_of(path.name) == uid]
        if len(named) > 1:
            return False  # two file names share the number: remove neither
        for path in named:
            path.unlink(missing_ok=True)
        return True  # removed, or already gone

    def newest_arrival(self) -> datetime | None:
        newest = 0
        for sub in ("new", "cur"):
            with contextlib.suppress(OSError):
                for entry in os.scandir(self.root / sub):
                    with contextlib.suppress(OSError):
                        if entry.is_file():
                            newest = max(newest, entry.stat().st_mtime_ns)
        return datetime.fromtimestamp(newest / 1e9, UTC) if newest else None

    def retire_draft(self, uid: int) -> None:
        for path in self._draft_files():
            if _uid_of(path.name) == uid:
                trash = self._dir(self.roles.trash or "Trash", create=True)
                assert trash is not None
                os.rename(path, trash / "cur" / path.name)
                return

    def close(self) -> None:
        return None
