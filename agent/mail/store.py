"""The `MailStore` interface both backends implement, and folder roles (RFC 6154 SPECIAL-USE).

A store reads INBOX and Sent without changing them, and writes only to Drafts (APPEND), for
a retired draft of the agent's own, Trash, and for the opt-in digest, one new message APPENDed
to INBOX (`append_message`). The one deletion is of a second copy of the agent's own message,
in Drafts or (the digest) INBOX, placed by another instance at the same moment
(`find_drafts` and `remove_draft` take the folder). Messages are addressed by (folder, UID); a
store reports its folder's UIDVALIDITY so that the caller can detect a renumbering.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from agent.mail.mime import PartInfo
from agent.model import MailMessage

# want_body(message, parts): whether to download the text and calendar parts of a message.
# `parts` is its MIME structure, () when the header fields show a single text part, or None
# when the structure is still unread: then the question is whether the structure can matter
# at all (a calendar part or an attachment would change what is done with the message).
BodyFilter = Callable[[MailMessage, Sequence[PartInfo] | None], bool]

_DRAFTS = (
    "drafts",
    "draft",
    "brouillons",
    "entwürfe",
    "entwurfe",
    "borradores",
    "bozze",
    "concepten",
    "rascunhos",
    "utkast",
    "kladde",
    "szkice",
    "черновики",
)
_SENT = (
    "sent",
    "sent mail",
    "sent items",
    "sent messages",
    "envoyés",
    "éléments envoyés",
    "messages envoyés",
    "gesendet",
    "gesendete elemente",
    "gesendete objekte",
    "enviados",
    "elementos enviados",
    "posta inviata",
    "inviati",
    "verzonden",
    "verzonden items",
    "itens enviados",
    "skickat",
    "skickade objekt",
    "wysłane",
    "отправленные",
)
_TRASH = (
    "trash",
    "deleted items",
    "deleted messages",
    "bin",
    "corbeille",
    "papierkorb",
    "gelöschte elemente",
    "papelera",
    "elementos eliminados",
    "cestino",
    "prullenbak",
    "lixeira",
    "papperskorgen",
    "kosz",
    "корзина",
)


@dataclass(frozen=True)
class FolderRoles:
    inbox: str
    drafts: str
    sent: str | None
    trash: str | None
    interviews: str | None = None  # the user's own interview mail, when the folder exists


@dataclass(frozen=True)
class FolderPosition:
    uidvalidity: int
    uidnext: int


@dataclass(frozen=True)
class DraftInfo:
    """A message in the Drafts folder, described by the headers the agent needs."""

    uid: int
    message_id: str
    # Ours: the tag in our Message-ID (`agent.model.draft_tag`; `find_drafts` gives the key
    # itself) or an older version's key header; "" for a draft the user wrote, or edited in a
    # client.
    key: str
    to: tuple[str, ...]
    subject: str
    sha256: str  # of the whole message as stored


@dataclass(frozen=True)
class ListedFolder:
    name: str
    flags: tuple[str, ...]  # e.g. ("\\Drafts", "\\HasNoChildren")
    delimiter: str


def _leaf(folder: ListedFolder) -> str:
    name = folder.name
    if folder.delimiter and folder.delimiter in name:
        name = name.rsplit(folder.delimiter, 1)[1]
    return unicodedata.normalize("NFC", name).casefold()


def find_roles(
    folders: Sequence[ListedFolder],
    *,
    drafts: str | None = None,
    sent: str | None = None,
    trash: str | None = None,
    inbox: str = "INBOX",
    interviews: str = "Interviews",
) -> FolderRoles | None:
    """Pick the Drafts, Sent and Trash folders: configured name, then SPECIAL-USE, then names.

    Returns None when no Drafts folder can be found (the caller reports it with the list).
    """

    def pick(configured: str | None, flag: str, names: tuple[str, ...]) -> str | None:
        if configured:
            return configured
        for folder in folders:
            if flag.casefold() in (f.casefold() for f in folder.flags):
                return folder.name
        for wanted in names:
            for folder in folders:
                if _leaf(folder) == wanted and "\\noselect" not in (
                    f.casefold() for f in folder.flags
                ):
                    return folder.name
        return None

    found_drafts = pick(drafts, "\\Drafts", _DRAFTS)
    if found_drafts is None:
        return None
    return FolderRoles(
        inbox=inbox,
        drafts=found_drafts,
        sent=pick(sent, "\\Sent", _SENT),
        trash=pick(trash, "\\Trash", _TRASH),
        interviews=next(
            (
                f.name
                for f in folders
                if f.name == interviews or _leaf(f).casefold() == interviews.casefold()
            ),
            None,
        ),
    )


def sha256_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


class MailStore(Protocol):
    """A mailbox the agent reads and places drafts in. IMAP and Maildir implement it."""

    roles: FolderRoles

    def position(self, folder: str) -> FolderPosition:
        """UIDVALIDITY and UIDNEXT of a folder, without changing it (UIDNEXT 0: unknown, the
        folder must be searched)."""
        ...

    def new_uids(self, folder: str, after_uid: int, since: date | None) -> list[int]:
        """UIDs above `after_uid`, and (when `since` is given) dated on or after it."""
        ...

    def fetch(
        self,
        folder: str,
        uids: Sequence[int],
        *,
        max_part_bytes: int,
        is_sent: bool,
        want_body: BodyFilter | None = None,
    ) -> Iterator[MailMessage]:
        """Headers, structure and the wanted parts of each message; never flags anything.

        `want_body`, given the header-only message and its parts, says whether its text and
        calendar parts are worth downloading (see `BodyFilter`); a store may skip reading the
        MIME structure of a message for which it answers False with `parts=None`. It may be
        asked more than once per message and is expected to turn only from False to True."""
        ...

    def drafts(self) -> list[DraftInfo]:
        """Every message in the Drafts folder (headers only)."""
        ...

    def drafts_mark(self) -> str:
        """A value that changes whenever `drafts()` may answer differently (a draft added,
        removed or replaced); "" when the store cannot tell. Cheap: no message is read."""
        ...

    def find_draft(self, key: str) -> DraftInfo | None:
        """The draft carrying our key header `key`, searched on the server: the first of
        `find_drafts` (the copy every instance keeps)."""
        ...

    def find_drafts(self, key: str, folder: str | None = None) -> list[DraftInfo]:
        """Every message of ours carrying `key` (its tag in the Message-ID, or an older
        version's key header) in `folder` (Drafts unless given), in keeping order: the first
        is the one every instance keeps when two placed the same key (IMAP: the lowest UID,
        which the server gave to the first APPEND; Maildir: the earliest file name, taken
        under the folder's lock). Searched on the server, folder opened read-only, never from
        a cached listing."""
        ...

    def append_draft(self, raw: bytes, when: datetime) -> int | None:
        """APPEND to Drafts with \\Draft \\Seen; the new UID when the server tells it."""
        ...

    def append_message(
        self, folder: str, raw: bytes, flags: Sequence[str], when: datetime
    ) -> int | None:
        """APPEND one new message to `folder` with these IMAP flags (none: unseen); the new
        UID when the server tells it. Only an APPEND: no other message of the folder, and none
        of its flags, is touched. Copies appear in keeping order (see `find_drafts`)."""
        ...

    def has_message_id(self, folder: str, fragment: str) -> bool:
        """Whether `folder` holds a message whose Message-ID contains `fragment` (an opaque
        tag): searched in the folder itself, opened read-only, never from a cached listing."""
        ...

    def remove_draft(self, uid: int, folder: str | None = None) -> bool:
        """Delete one of the agent's own messages for good, from `folder` (Drafts unless
        given): that message and no other (IMAP: STORE \\Deleted, then UID EXPUNGE of that
        UID alone). False, and nothing changed, when the server cannot expunge one message
        alone (no UIDPLUS)."""
        ...

    def newest_arrival(self) -> datetime | None:
        """When the newest message in INBOX arrived, by the server's clock (IMAP
        INTERNALDATE; a Maildir file's time); None for an empty INBOX."""
        ...

    def retire_draft(self, uid: int) -> None:
        """Move one of the agent's own drafts to Trash (or delete it when there is none)."""
        ...

    def close(self) -> None: ...
