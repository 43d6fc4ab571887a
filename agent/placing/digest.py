"""The opt-in daily digest: at `[digest] time` (local), when there is something to say, one
message APPENDed to INBOX, unseen, from and to the user. Never sent; at most one per day, ever.

The day is decided once, on the first pass at or after the time: a digest is placed, or the
day is recorded as having had nothing to say. Placing follows the drafts' discipline (see
`agent.placing.placer`): the state's meta table journals the day (`digest:DAY` = `pending ID`)
before the APPEND and `placed ID` after it; before any APPEND INBOX itself is searched for the
day's opaque tag, so a crash between the two, a lost state file or a second instance on this
machine never yields a second digest that day.

Two instances with their own state files (two machines, one account) can both search, find
nothing and APPEND: as with drafts, INBOX is searched for the tag again right after the APPEND,
the first copy (lowest UID; Maildir: earliest name) is kept, and each instance removes only its
own later copy (`MailStore.remove_draft` on INBOX: UID EXPUNGE of that UID alone; without
UIDPLUS it is left and the user told). A later copy left by an instance that died before its
second search is removed by that instance on its next pass, from the intent in its journal.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from agent.compose.digest import (
    Digest,
    DueFollowUp,
    NoticedEvent,
    PlacedDraft,
    WaitingMessage,
    build_digest,
)
from agent.compose.draft import new_message_id
from agent.config.types import DigestConfig
from agent.mail.store import DraftInfo, MailStore, sha256_of
from agent.model import FollowUpState, Interview, MessageRecord
from agent.placing.copies import Removal, own_copy, remove_later_copy
from agent.planning.planner import Plan
from agent.state.store import StateStore

log = logging.getLogger(__name__)

_JOURNAL = "digest:"  # + the local day: "nothing", "pending <Message-ID>" or "placed <...>"
_LAST = "digest-last"  # when the last digest was placed (ISO 8601)
DUE_WITHIN = timedelta(days=2)


def digest_key(day: date) -> str:
    """The day's key; its `draft_tag` is what the digest's Message-ID carries."""
    return f"digest/{day.isoformat()}"


def due_day(settings: DigestConfig, tz: ZoneInfo, now: datetime, state: StateStore) -> date | None:
    """The local day whose digest is to be decided now, or None (off, before the time, or
    already decided)."""
    if not settings.enabled:
        return None
    local = now.astimezone(tz)
    if local.time() < settings.at:
        return None
    day = local.date()
    decided = (state.get_meta(_JOURNAL + day.isoformat()) or "").startswith(("placed", "nothing"))
    return None if decided else day


def last_digest(state: StateStore) -> datetime | None:
    """When the last digest was placed; None when none was (the first one tells all)."""
    value = state.get_meta(_LAST)
    return datetime.fromisoformat(value) if value else None


def gather(
    state: StateStore,
    store: MailStore,
    plan: Plan,
    interviews: list[Interview],
    possible: list[MessageRecord],
    events: list[tuple[Interview, MessageRecord]],
    now: datetime,
) -> Digest:
    """What the digest says: drafts placed since the last digest (still in Drafts), every
    possible interview waiting, follow-ups due within two days, events noticed since then
    (the first digest: every draft still in Drafts, every upcoming event)."""
    since = last_digest(state) or datetime.min.replace(tzinfo=UTC)
    placed = [
        r
        for r in state.followups().values()
        if r.state == FollowUpState.DRAFTED and r.placed_at is not None and r.placed_at > since
    ]
    drafts: list[PlacedDraft] = []
    if placed:
        subjects = {str(d.uid): d.subject for d in store.drafts()}
        for record in sorted(placed, key=lambda r: r.placed_at or now):
            if record.draft_ref in subjects:
                to = ", ".join(a.email for a in record.recipients)
                drafts.append(PlacedDraft(to, subjects[record.draft_ref]))
    companies = {i.id: i.facts.company for i in interviews}
    due = [
        DueFollowUp(
            str(f.kind), companies.get(f.interview_id, ""), ", ".join(a.email for a in f.to), f.due
        )
        for f in sorted(plan.followups, key=lambda f: f.due)
        if f.state in (FollowUpState.PLANNED, FollowUpState.DRAFTED)
        and now <= f.due <= now + DUE_WITHIN
    ]
    return Digest(
        drafts=tuple(drafts),
        possible=tuple(
            WaitingMessage(r.from_.name or r.from_.email, r.subject, r.date, r.message_id)
            for r in possible
        ),
        due=tuple(due),
        events=tuple(
            NoticedEvent(i.facts.company, r.subject, r.start) for i, r in events if r.date > since
        ),
    )


def place_digest(
    store: MailStore,
    state: StateStore,
    digest: Digest,
    *,
    day: date,
    name: str,
    address: str,
    tz: ZoneInfo,
    now: datetime,
) -> bool:
    """Decide `day`'s digest: place it (True) unless INBOX already holds it or there is
    nothing to say."""
    journal = _JOURNAL + day.isoformat()
    recorded = state.get_meta(journal) or ""
    if recorded.startswith(("placed", "nothing")):
        return False
    key = digest_key(day)
    inbox = store.roles.inbox
    copies = store.find_drafts(key, inbox)
    if copies:  # placed before a crash, by another instance, or the state was lost
        intent = recorded.split()
        if len(intent) == 3 and intent[0] == "pending":  # ours may be a later copy
            own = next((c for c in copies if c.message_id == intent[1]), None)
            if own is not None:
                _keep_first(store, day, copies, own, intent[2])
        state.set_meta(journal, "placed (found in INBOX)")
        return False
    if digest.empty:
        state.set_meta(journal, "nothing")
        log.debug("digest for %s: nothing to say", day)
        return False
    message_id = new_message_id(address, key)
    raw = build_digest(digest, name=name, address=address, tz=tz, now=now, message_id=message_id)
    placed = sha256_of(raw)
    state.set_meta(journal, f"pending {message_id} {placed}")
    uid = store.append_message(inbox, raw, (), now)
    kept = _after_append(store, day, uid, message_id, placed)
    state.set_meta(journal, "placed " + (kept.message_id if kept else message_id))
    state.set_meta(_LAST, now.isoformat())
    if kept is not None and kept.message_id != message_id:
        return False  # another instance's digest came first; ours is gone (or reported)
    log.info("digest placed in %s: %s", inbox, digest.subject())
    return True


def _after_append(
    store: MailStore, day: date, uid: int | None, message_id: str, placed: str
) -> DraftInfo | None:
    """Search INBOX for the day's digest again, right after our APPEND: another instance may
    have placed it too. The first copy is kept and ours removed when it came later, so
    whichever APPEND came second sees both and cleans up. Returns the copy kept (None if
    the search finds nothing)."""
    copies = store.find_drafts(digest_key(day), store.roles.inbox)
    if not copies:
        return None
    own = own_copy(copies, uid, message_id)
    if own is None:
        return copies[0]
    return _keep_first(store, day, copies, own, placed)


def _keep_first(
    store: MailStore, day: date, copies: list[DraftInfo], own: DraftInfo, placed: str
) -> DraftInfo:
    """Keep the first of `copies`; remove `own` when it is a later one and exactly the bytes
    we placed (anything else is not ours to delete, whatever its Message-ID says)."""
    keeper = copies[0]
    if own.uid == keeper.uid:
        return keeper
    removal = remove_later_copy(store, store.roles.inbox, own, placed)
    if removal is Removal.NOT_OURS:
        return keeper
    if removal is Removal.REMOVED:
        log.info(
            "removed a second copy of the digest for %s (UID %s): another instance placed it "
            "first (UID %s)",
            day,
            own.uid,
            keeper.uid,
        )
    else:
        log.warning(
            "the digest for %s is in %s twice (UIDs %s and %s): another instance placed it "
            "too, and this server cannot delete one message alone (no UIDPLUS); delete the "
            "second copy yourself",
            day,
            store.roles.inbox,
            keeper.uid,
            own.uid,
        )
    return keeper
