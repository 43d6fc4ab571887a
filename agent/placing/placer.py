"""Placing: carry out a plan's actions on the Drafts folder, at most once per key.

The mbsync discipline: write the intent (a pending row with the Message-ID to be used), APPEND
the draft carrying its key header, then record the UID and mark it drafted. Before any APPEND
the Drafts folder is searched for the key (and for a look-alike the user edited and saved
without our header), so a crash at any point, a lost connection or a lost state file never
yields a second draft. Observing the folder also moves drafts the user sent or deleted to
`sent` or `dismissed`.

Two instances with their own state files (two machines, one account) can both search, find
nothing and APPEND. So after each APPEND the folder is searched for the key again, and where
there are two copies every instance keeps the first (the lowest UID) and removes only its own
later copy, by UID (`MailStore.remove_draft`: UID EXPUNGE, never a plain EXPUNGE); whichever
APPEND came second sees both. A copy left by an instance that died before cleaning up is
removed by it on its next pass (`observe`).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

import jinja2

from agent.compose.draft import Sender, build_draft, new_message_id
from agent.mail.store import DraftInfo, MailStore, sha256_of
from agent.model import (
    FollowUpRecord,
    FollowUpState,
    Interview,
    MessageRecord,
    draft_tag,
    draft_tag_of,
)
from agent.placing.copies import Removal, own_copy, remove_later_copy
from agent.planning.planner import (
    NOTE_PENDING,
    FollowUp,
    PlaceDraft,
    Plan,
    RecordState,
    RefreshDraft,
    RetireDraft,
)
from agent.state.store import StateStore

log = logging.getLogger(__name__)


def record_of(followup: FollowUp, previous: FollowUpRecord | None) -> FollowUpRecord:
    base = previous or FollowUpRecord(
        key=followup.key,
        interview_id=followup.interview_id,
        kind=followup.kind,
        state=followup.state,
    )
    return replace(
        base,
        state=followup.state,
        recipients=followup.to,
        draft_at=followup.draft_at,
        due=followup.due,
        reason=followup.reason,
    )


def _subject_key(subject: str) -> str:
    return " ".join(subject.lower().split())


class Placer:
    def __init__(
        self,
        store: MailStore,
        state: StateStore,
        env: jinja2.Environment,
        sender: Sender,
    ) -> None:
        self.store = store
        self.state = state
        self.env = env
        self.sender = sender
        self._drafts: list[DraftInfo] | None = None
        self.removed_copies: list[str] = []  # keys whose second copy (ours) was removed
        self.left_copies: list[str] = []  # keys left twice in Drafts (no UIDPLUS)

    def drafts(self) -> list[DraftInfo]:
        """The Drafts folder, each of our drafts with the key its opaque tag stands for."""
        if self._drafts is None:
            keys = {draft_tag(key): key for key in self.state.followups()}
            self._drafts = [replace(d, key=keys.get(d.key, d.key)) for d in self.store.drafts()]
        return self._drafts

    # -- observing what the user did ------------------------------------------------------

    def observe(self, messages: list[MessageRecord], now: datetime) -> None:
        """Drafted follow-ups whose draft left the Drafts folder become sent or dismissed."""
        records = [
            r
            for r in self.state.followups().values()
            if r.state == FollowUpState.DRAFTED or r.pending
        ]
        if not records:
            return
        drafts = self.drafts()
        copies: dict[str, list[DraftInfo]] = {}
        for draft in drafts:
            if draft.key:
                copies.setdefault(draft.key, []).append(draft)
        by_key: dict[str, DraftInfo] = {}
        for key, found in copies.items():
            if len(found) > 1:  # placed by two instances: keep the first (see _after_append)
                record = next((r for r in records if r.key == key), None)
                ordered = self.store.find_drafts(key)
                found = [self._settle(record, ordered)] if record and ordered else ordered
            if found:
                by_key[key] = found[0]
        sent = [m for m in messages if m.is_sent]
        for record in records:
            if record.pending:
                self._resolve_pending(record, by_key, now)
                continue
            present = by_key.get(record.key) or next(
                (d for d in drafts if d.uid and str(d.uid) == record.draft_ref), None
            )
            if present is not None:
                if str(present.uid) != record.draft_ref:
                    self.state.save_followup(replace(record, draft_ref=str(present.uid)))
                continue
            outgoing = self._sent_copy(record, sent)
            if outgoing is not None:
                self.state.save_followup(
                    replace(
                        record,
                        state=FollowUpState.SENT,
                        sent_at=outgoing.date,
                        reason=f"sent on {outgoing.date:%b %d}",
                    )
                )
                log.info("follow-up %s was sent by the user", record.key)
                continue
            edited = self._look_alike(record, drafts)
            if edited is not None:
                self.state.save_followup(replace(record, draft_ref=str(edited.uid)))
                continue
            self.state.save_followup(
                replace(
                    record,
                    state=FollowUpState.DISMISSED,
                    reason="you deleted the draft; 'interview-agent redraft KEY' brings it back",
                )
            )
            log.info("follow-up %s was dismissed (draft deleted)", record.key)

    def _resolve_pending(
        self, record: FollowUpRecord, by_key: dict[str, DraftInfo], now: datetime
    ) -> None:
        found = by_key.get(record.key) or self.store.find_draft(record.key)
        if found is not None:
            self.state.save_followup(
                replace(
                    record,
                    pending=False,
                    state=FollowUpState.DRAFTED,
                    draft_ref=str(found.uid),
                    draft_sha256=found.sha256 or record.draft_sha256,
                    placed_at=record.placed_at or now,
                )
            )
            log.info("follow-up %s: found the draft placed before an interruption", record.key)

    @staticmethod
    def _sent_copy(record: FollowUpRecord, sent: list[MessageRecord]) -> MessageRecord | None:
        to = {a.email for a in record.recipients}
        for message in sent:
            if message.agent_key == record.key or (
                record.draft_message_id and message.message_id == record.draft_message_id
            ):
                return message
        for message in sent:
            if (
                record.placed_at
                and message.date >= record.placed_at
                and to & {a.email for a in message.to}
            ):
                return message
        return None

    def _look_alike(self, record: FollowUpRecord, drafts: list[DraftInfo]) -> DraftInfo | None:
        """A draft the user edited and saved: same recipients, no key of ours."""
        to = {a.email for a in record.recipients}
        for draft in drafts:
            if draft.key and draft.key != record.key:
                continue
            if to and to == set(draft.to):
                return draft
        return None

    # -- executing a plan -----------------------------------------------------------------

    def execute(self, plan: Plan, interviews: dict[str, Interview], now: datetime) -> list[str]:
        """Carry out every action; returns the keys of drafts placed."""
        placed = []
        for action in plan.actions:
            if isinstance(action, RecordState):
                previous = self.state.followup(action.followup.key)
                if (
                    previous is not None
                    and previous.state
                    in (
                        FollowUpState.DRAFTED,
                        FollowUpState.SENT,
                        FollowUpState.DISMISSED,
                        FollowUpState.RETIRED,
                        FollowUpState.STALE,
                    )
                    and previous.state != action.followup.state
                ):
                    continue
                record = record_of(action.followup, previous)
                if record.pending and record.state != FollowUpState.PLANNED:
                    # observe() found no draft for this intent this pass: the APPEND never
                    # landed, and the follow-up is no longer to be placed.
                    record = replace(record, pending=False)
                self.state.save_followup(record)
            elif isinstance(action, PlaceDraft):
                if self.place(action.followup, interviews[action.followup.interview_id], now):
                    placed.append(action.followup.key)
            elif isinstance(action, RetireDraft):
                self.retire(action.record, action.reason)
            elif isinstance(action, RefreshDraft):
                interview = interviews[action.followup.interview_id]
                if self.refresh(action.followup, interview, action.reason, now):
                    placed.append(action.followup.key)
        return placed

    def place(self, followup: FollowUp, interview: Interview, now: datetime) -> bool:
        previous = self.state.followup(followup.key)
        if (
            previous is not None
            and previous.state
            not in (
                FollowUpState.PLANNED,
                FollowUpState.CANCELLED,  # no draft of it exists
                FollowUpState.MISSED,  # decided by a clock, which may have been wrong
            )
            and not previous.pending
        ):
            return False
        existing = self.store.find_draft(followup.key)
        if existing is None:
            subject_free = [
                d
                for d in self.drafts()
                if not d.key and set(d.to) == {a.email for a in followup.to}
            ]
            existing = subject_free[0] if subject_free and previous is None else None
        if existing is not None:
            self.state.save_followup(
                replace(
                    record_of(followup, previous),
                    state=FollowUpState.DRAFTED,
                    pending=False,
                    draft_ref=str(existing.uid),
                    draft_sha256=existing.sha256,
                    placed_at=(previous.placed_at if previous else None) or now,
                )
            )
            log.info("follow-up %s: already in Drafts; not placed again", followup.key)
            return False
        message_id = (
            previous.draft_message_id
            if previous and draft_tag_of(previous.draft_message_id) == draft_tag(followup.key)
            else new_message_id(self.sender.email, followup.key)
        )
        message = build_draft(
            self.env, followup, interview, self.sender, when=now, message_id=message_id
        )
        raw = message.as_bytes()
        digest = sha256_of(raw)
        self.state.save_followup(
            replace(
                record_of(followup, previous),
                state=FollowUpState.PLANNED,
                pending=True,
                draft_message_id=message_id,
                draft_sha256=digest,
            )
        )
        uid = self.store.append_draft(raw, now)
        log.debug("APPENDed %s to Drafts (UID %s)", followup.key, uid or "not told")
        placed = self._after_append(followup.key, uid, message_id, digest)
        self.state.save_followup(
            replace(
                record_of(followup, previous),
                state=FollowUpState.DRAFTED,
                pending=False,
                draft_message_id=placed.message_id if placed else message_id,
                draft_ref=str(placed.uid if placed else uid or ""),
                draft_sha256=(placed.sha256 if placed and placed.sha256 else digest),
                placed_at=now,
            )
        )
        self._drafts = None
        to = ", ".join(a.email for a in followup.to)
        log.info("draft placed: %s to %s", followup.kind, to)
        return True

    # -- at most once across instances ----------------------------------------------------

    def _after_append(
        self, key: str, uid: int | None, message_id: str, digest: str
    ) -> DraftInfo | None:
        """Search Drafts for `key` again, right after our APPEND: another instance (another
        machine, another state file) may have placed it too. Every instance keeps the first
        copy (the lowest UID) and removes its own later one, so whichever APPEND came second
        sees both and cleans up. Returns the copy kept (None if the search finds nothing)."""
        copies = self.store.find_drafts(key)
        if not copies:
            return None
        own = own_copy(copies, uid, message_id)
        keeper = copies[0]
        if own is not None and own.uid != keeper.uid:
            self._remove_copy(key, own, digest, keeper)
        return keeper if own is None or own.uid != keeper.uid else own

    def _settle(self, record: FollowUpRecord, copies: list[DraftInfo]) -> DraftInfo:
        """Two or more drafts carry this record's key: remove the later ones that are ours
        (our Message-ID and exactly the bytes we placed), keep the first."""
        keeper = copies[0]
        for copy in copies[1:]:
            if copy.message_id == record.draft_message_id and (
                not copy.sha256 or copy.sha256 == record.draft_sha256
            ):
                self._remove_copy(record.key, copy, record.draft_sha256, keeper)
        return keeper

    def _remove_copy(self, key: str, copy: DraftInfo, digest: str, keeper: DraftInfo) -> None:
        removal = remove_later_copy(self.store, None, copy, digest)
        if removal is Removal.NOT_OURS:
            return
        if removal is Removal.REMOVED:
            self.removed_copies.append(key)
            log.info(
                "removed a second copy of draft %s (UID %s): another instance placed it first "
                "(UID %s)",
                key,
                copy.uid,
                keeper.uid,
            )
        else:
            self.left_copies.append(key)
            log.warning(
                "draft %s is in Drafts twice (UIDs %s and %s): another instance placed it too, "
                "and this server cannot delete one message alone (no UIDPLUS); delete the "
                "second copy yourself",
                key,
                keeper.uid,
                copy.uid,
            )
        self._drafts = None

    def refresh(self, followup: FollowUp, interview: Interview, reason: str, now: datetime) -> bool:
        """Replace the draft of `followup` by a fresh one when it is still exactly what was
        placed: intent first (the record back to planned, the old Message-ID dropped), then
        the old draft to Trash, then the new APPEND, so Drafts never holds two and a crash
        between the steps ends in one draft (place() finds the old one, or places the new).
        An edited draft stays as the user left it; its follow-up shows the note as pending."""
        current = self.state.followup(followup.key)
        if current is None or current.state != FollowUpState.DRAFTED or current.pending:
            return False
        draft = self.store.find_draft(followup.key) or next(
            (d for d in self.drafts() if current.draft_ref and str(d.uid) == current.draft_ref),
            None,
        )
        if draft is None:
            return False  # observe() decides whether it was sent or deleted
        if not draft.sha256 or draft.sha256 != current.draft_sha256:
            pending = f"{NOTE_PENDING}: {reason}, after you edited the draft; add it yourself"
            if current.reason != pending:
                self.state.save_followup(replace(current, reason=pending))
            log.info("draft %s was edited; %s stays pending", followup.key, reason)
            return False
        self.state.save_followup(
            replace(
                current,
                state=FollowUpState.PLANNED,
                draft_message_id="",
                draft_ref="",
                reason=f"redrafted: {reason}",
            )
        )
        self.store.retire_draft(draft.uid)
        self._drafts = None
        log.info("draft %s moved to Trash to be redrafted (%s)", followup.key, reason)
        return self.place(replace(followup, reason=f"redrafted: {reason}"), interview, now)

    def retire(self, record: FollowUpRecord, reason: str) -> None:
        current = self.state.followup(record.key) or record
        if current.state != FollowUpState.DRAFTED:
            return
        draft = self.store.find_draft(record.key) or next(
            (d for d in self.drafts() if current.draft_ref and str(d.uid) == current.draft_ref),
            None,
        )  # without our key: the user edited it and observe() followed it
        if draft is None:
            return  # observe() decides whether it was sent or deleted
        if draft.sha256 and draft.sha256 == current.draft_sha256:
            self.store.retire_draft(draft.uid)
            self.state.save_followup(
                replace(
                    current, state=FollowUpState.RETIRED, reason=f"draft moved to Trash: {reason}"
                )
            )
            log.info("draft retired: %s (%s)", record.key, reason)
        else:
            self.state.save_followup(
                replace(
                    current,
                    state=FollowUpState.STALE,
                    reason=f"you edited it, so it stays: {reason}",
                )
            )
            log.info("draft %s is stale (%s)", record.key, reason)
        self._drafts = None
