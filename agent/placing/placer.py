"""Placing: carry out a plan's actions on the Drafts folder, at most once per key.

The mbsync discipline: write the intent (a pending row with the Message-ID to be used), APPEND
the draft carrying its key header, then record the UID and mark it drafted. Before any APPEND
the Drafts folder is searched for the key (and for a look-alike the user edited and saved
without our header), so a crash at any point, a lost connection or a lost state file never
yields a second draft. Observing the folder also moves drafts the user sent or deleted to
`sent` or `dismissed`.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

import jinja2

from agent.compose.draft import Sender, build_draft, new_message_id
from agent.mail.store import DraftInfo, MailStore, sha256_of
from agent.model import FollowUpRecord, FollowUpState, Interview, MessageRecord
from agent.planning.planner import FollowUp, PlaceDraft, Plan, RecordState, RetireDraft
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

    def drafts(self) -> list[DraftInfo]:
        if self._drafts is None:
            self._drafts = self.store.drafts()
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
        by_key = {d.key: d for d in drafts if d.key}
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
        return placed

    def place(self, followup: FollowUp, interview: Interview, now: datetime) -> bool:
        previous = self.state.followup(followup.key)
        if (
            previous is not None
            and previous.state
            not in (
                FollowUpState.PLANNED,
                FollowUpState.CANCELLED,  # no draft of it exists
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
            if previous and previous.draft_message_id
            else new_message_id(self.sender.email)
        )
        message = build_draft(
            self.env, followup, interview, self.sender, when=now, message_id=message_id
        )
        raw = message.as_bytes()
        self.state.save_followup(
            replace(
                record_of(followup, previous),
                state=FollowUpState.PLANNED,
                pending=True,
                draft_message_id=message_id,
                draft_sha256=sha256_of(raw),
            )
        )
        uid = self.store.append_draft(raw, now)
        if uid is None:
            found = self.store.find_draft(followup.key)
            uid = found.uid if found else None
        self.state.save_followup(
            replace(
                record_of(followup, previous),
                state=FollowUpState.DRAFTED,
                pending=False,
                draft_message_id=message_id,
                draft_ref=str(uid or ""),
                draft_sha256=sha256_of(raw),
                placed_at=now,
            )
        )
        self._drafts = None
        to = ", ".join(a.email for a in followup.to)
        log.info("draft placed: %s to %s", followup.kind, to)
        return True

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
