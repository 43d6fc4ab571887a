"""The opt-in daily digest: at `[digest] time` (local), when there is something to say, one
message APPENDed to INBOX, unseen, from and to the user. Never sent; at most one per day, ever.

The day is decided once, on the first pass at or after the time: a digest is placed, or the
day is recorded as having had nothing to say. Placing follows the drafts' discipline (see
`agent.placing.placer`): the state's meta table journals the day (`digest:DAY` = `pending ID`)
before the APPEND and `placed ID` after it; before any APPEND INBOX itself is searched for the
day's opaque tag, so a crash between the two, a lost state file or a second instance on this
machine never yields a second digest that day.
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
from agent.mail.store import MailStore
from agent.model import FollowUpState, Interview, MessageRecord, draft_tag
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
    if (state.get_meta(journal) or "").startswith(("placed", "nothing")):
        return False
    key = digest_key(day)
    inbox = store.roles.inbox
    if store.has_message_id(inbox, draft_tag(key)):  # placed before a crash, or state lost
        state.set_meta(journal, "placed (found in INBOX)")
        return False
    if digest.empty:
        state.set_meta(journal, "nothing")
        log.debug("digest for %s: nothing to say", day)
        return False
    message_id = new_message_id(address, key)
    raw = build_digest(digest, name=name, address=address, tz=tz, now=now, message_id=message_id)
    state.set_meta(journal, "pending " + message_id)
    store.append_message(inbox, raw, (), now)
    state.set_meta(journal, "placed " + message_id)
    state.set_meta(_LAST, now.isoformat())
    log.info("digest placed in %s: %s", inbox, digest.subject())
    return True
