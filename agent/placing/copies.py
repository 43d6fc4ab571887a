"""At most once across instances, for drafts and the digest alike: after an APPEND the same
key is searched again; every instance keeps the first copy (the lowest UID, the earliest
file) and removes only its own later one, and only when it still holds exactly the bytes it
placed (anything else is the user's, whatever its header says)."""

from __future__ import annotations

import enum
from collections.abc import Sequence

from agent.mail.store import DraftInfo, MailStore


class Removal(enum.Enum):
    REMOVED = "removed"  # UID EXPUNGE of that one message
    LEFT = "left"  # the server cannot delete one message alone (no UIDPLUS)
    NOT_OURS = "not ours"  # not the bytes placed: never deleted


def own_copy(copies: Sequence[DraftInfo], uid: int | None, message_id: str) -> DraftInfo | None:
    """Our copy among `copies`: by the UID the APPEND reported, else by our Message-ID."""
    if uid is not None:
        return next((c for c in copies if c.uid == uid), None)
    return next((c for c in copies if c.message_id == message_id), None)


def remove_later_copy(
    store: MailStore, folder: str | None, copy: DraftInfo, placed: str
) -> Removal:
    """Remove `copy` (a later copy of a key whose first one is kept) if it holds the bytes
    whose SHA-256 is `placed`."""
    if copy.sha256 and placed and copy.sha256 != placed:
        return Removal.NOT_OURS
    return Removal.REMOVED if store.remove_draft(copy.uid, folder) else Removal.LEFT
