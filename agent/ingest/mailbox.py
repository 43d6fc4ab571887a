"""Reading the mailbox: new messages in INBOX and Sent become interviews and message records.

Incremental by (folder, UIDVALIDITY, last UID); the first pass, and any pass after a
UIDVALIDITY change, looks back `lookback_days` with SEARCH SINCE. Bodies are fetched only for
messages that may matter (calendar parts, interview words, a known company or thread), and the
MIME structure only where it can (not for newsletters that nothing could make an interview).
Applying a message is idempotent (keyed by Message-ID), so a rescan never duplicates anything.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from agent.ingest import rsvp
from agent.mail.mime import PartInfo, is_calendar, is_tnef
from agent.mail.store import MailStore
from agent.model import (
    Finding,
    FindingKind,
    Interview,
    InterviewFacts,
    MailMessage,
    MessageRecord,
    draft_tag_of,
)
from agent.state.store import StateStore
from agent.understanding import events, extract, platforms
from agent.understanding.detect import (
    Context,
    bulk_whatever_the_text,
    read_as_interview,
    understand,
)
from agent.understanding.phrases.prose import strip_quoted

log = logging.getLogger(__name__)


@dataclass
class SyncReport:
    messages_read: int = 0
    interviews_new: int = 0
    interviews_updated: int = 0
    rescanned: tuple[str, ...] = ()


def interview_id(uid: str) -> str:
    return hashlib.sha1(uid.encode()).hexdigest()[:8]


def wins(new: InterviewFacts, old: InterviewFacts) -> bool:
    """RFC 5546 2.1.5: the higher SEQUENCE wins; on a tie the later DTSTAMP."""
    if new.sequence != old.sequence:
        return new.sequence > old.sequence
    if new.stamp and old.stamp:
        return new.stamp >= old.stamp
    return True


@functools.lru_cache(maxsize=4096)
def _ats_domain(domain: str) -> bool:
    return platforms.sends_on_behalf(domain)


@functools.lru_cache(maxsize=4096)
def _platform(domain: str) -> bool:
    return platforms.is_platform(domain)


# Findings whose thread later replies continue (a reply there may confirm the time).
_THREAD_KINDS = frozenset({FindingKind.INTERVIEW, FindingKind.CANCEL, FindingKind.POSSIBLE})


def _filed_by_the_user(message: MailMessage, finding: Finding, context: Context) -> Finding:
    """A message the user filed in the interviews folder is their interview mail, read as a
    `[[rules]]` entry forcing it would read it (when it gives a time)."""
    if finding.kind in (FindingKind.INTERVIEW, FindingKind.CANCEL):
        facts = finding.interview
        if facts is not None:
            evidence = ("filed in the interviews folder by you", *facts.evidence)
            return replace(finding, interview=replace(facts, evidence=evidence))
        return finding
    facts = read_as_interview(message, context)
    if facts is None:
        return finding
    return Finding(
        FindingKind.INTERVIEW,
        interview=replace(facts, evidence=("filed in the interviews folder by you",)),
        company=facts.company,
        company_domain=(facts.company_domains or ("",))[0],
        reason="filed in the interviews folder",
    )


class MailSync:
    def __init__(
        self,
        store: MailStore,
        state: StateStore,
        context: Context,
        *,
        lookback_days: int,
        max_part_bytes: int,
    ) -> None:
        self.store = store
        self.state = state
        self.lookback_days = lookback_days
        self.max_part_bytes = max_part_bytes
        self._interviews: dict[str, Interview] | None = None  # read when first needed
        self._domains: set[str] = set()
        self._company_keys: set[str] = set()
        self._threads: set[str] = set()
        self._events: list[MessageRecord] | None = None  # company events, read when needed
        self.context = replace(
            context,
            related=self._related,
            in_interview_thread=self._in_interview_thread,
            known_company=self._known_company,
        )

    @property
    def interviews(self) -> dict[str, Interview]:
        """The interviews known, by UID (read from the state once, on first use: a pass with
        no new mail needs none of them)."""
        if self._interviews is None:
            self._interviews = self._load()
        return self._interviews

    def _load(self) -> dict[str, Interview]:
        interviews = {i.facts.uid: i for i in self.state.interviews()}
        self._domains = {d for i in interviews.values() for d in i.facts.company_domains}
        self._company_keys = {extract.company_key(i.facts.company) for i in interviews.values()}
        # a reply to a thank-you the user sent from the agent's draft is related too
        self._threads = {i.source_message_id for i in interviews.values()}
        self._threads |= self.state.draft_message_ids()
        return interviews

    def run(self, now: datetime, report: SyncReport | None = None) -> SyncReport:
        report = SyncReport() if report is None else report
        folders = [(self.store.roles.inbox, False)]
        if self.store.roles.sent:
            folders.append((self.store.roles.sent, True))
        if self.store.roles.interviews:  # the user files their own interview mail there
            folders.append((self.store.roles.interviews, False))
        for folder, is_sent in folders:
            self._folder(folder, is_sent, now, report)
        return report

    def _folder(self, folder: str, is_sent: bool, now: datetime, report: SyncReport) -> None:
        position = self.store.position(folder)
        saved = self.state.folder_position(folder)
        since = (now - timedelta(days=self.lookback_days)).date()
        after = 0
        if saved is not None and saved[0] == position.uidvalidity:
            after = saved[1]
        else:
            if saved is not None:
                # Only news when something had been read there (a server may give a folder
                # no client opened read-write a new UIDVALIDITY in every session: Courier).
                (log.warning if saved[1] else log.debug)(
                    "%s: UIDVALIDITY changed (%s -> %s); rescanning the last %s days",
                    folder,
                    saved[0],
                    position.uidvalidity,
                    self.lookback_days,
                )
                report.rescanned += (folder,)
            # Recorded as soon as seen, with nothing read yet: a pass that reads nothing here
            # (an empty folder, only old mail, a crash) rescans it once, not on every pass.
            self.state.set_folder_position(folder, position.uidvalidity, 0)
        if 0 < position.uidnext <= after + 1:
            return  # nothing arrived since the last pass (or ever): no need to open the folder
        uids = self.store.new_uids(folder, after, since if after == 0 else None)
        if not uids:
            return
        records: list[MessageRecord] = []
        fetch = self.store.fetch
        messages = fetch(
            folder,
            uids,
            max_part_bytes=self.max_part_bytes,
            is_sent=is_sent,
            want_body=self._wants_body,
        )
        lookback_start = now - timedelta(days=self.lookback_days)
        for message in messages:
            report.messages_read += 1
            filed = folder == self.store.roles.interviews  # read again: the user says yes
            if message.message_id and self.state.has_message(message.message_id) and not filed:
                continue
            if message.problems:
                log.warning(
                    "%s UID %s %s: %s",
                    folder,
                    message.uid,
                    message.message_id,
                    "; ".join(message.problems),
                )
            if message.date is not None and message.date < lookback_start and after == 0:
                continue
            if self._own_digest(message):
                continue
            try:
                finding = understand(message, self.context)
                if folder == self.store.roles.interviews:
                    finding = _filed_by_the_user(message, finding, self.context)
                finding = self._company_event(message, finding)
            except Exception:  # one bad message must not block the mailbox
                log.exception("message %s in %s: could not be read; skipped", message.uid, folder)
                continue
            self._apply(message, finding, now, report)
            if message.is_sent and message.calendars:
                self._answer(message)
            if message.message_id and finding.kind in _THREAD_KINDS:
                self._threads.add(message.message_id)  # its replies belong to it
            record = self._record(message, finding)
            if record is not None:
                records.append(record)
        if records:
            self.state.save_messages(records)
            if any(r.kind == FindingKind.EVENT for r in records):
                self._events = None  # read again with these, when an answer needs them
        self.state.set_folder_position(folder, position.uidvalidity, max(uids))

    def _wants_body(self, message: MailMessage, parts: Sequence[PartInfo] | None) -> bool:
        if parts is None:  # the MIME structure always matters: Sent attachments answer
            return True  # action items; a calendar part can make list mail an invitation
        if message.is_sent:  # the user's answer to an invitation (iTIP REPLY) only
            return any(is_calendar(p) for p in parts)
        # A calendar part always; the text of anything but mailing-list mail too: a plain-text
        # confirmation may come from a sender never seen before, under a subject as bland as
        # "Our chat on Thursday". List mail from a known interview's company may invite to one
        # of its events (its text gives the start).
        return (
            any(is_calendar(p) or is_tnef(p) for p in parts)
            or not bulk_whatever_the_text(message, self.context)
            or self._related(message)
        )

    def company_events(self) -> list[MessageRecord]:
        """The invitations to company events read so far (this pass's are saved per folder)."""
        if self._events is None:
            self._events = self.state.messages_of_kind(FindingKind.EVENT)
        return self._events

    def _answer(self, message: MailMessage) -> None:
        """The user's iTIP REPLY in Sent to a company event: accepted, or declined after all."""
        for event, accepted in rsvp.answers(message, self.context.me, self.context.tz):
            self.mark_accepted(rsvp.matching(event, self.company_events()), accepted)

    def mark_accepted(self, records: list[MessageRecord], accepted: bool = True) -> None:
        """Record that the user accepted (or declined) these company events (also used for
        events found on the user's calendar)."""
        changed = [replace(r, accepted=accepted) for r in records if r.accepted != accepted]
        if not changed:
            return
        self.state.save_messages(changed)
        by_id = {r.message_id: r for r in changed}
        self._events = [by_id.get(r.message_id, r) for r in self.company_events()]
        for record in changed:
            log.info("company event %s %s", record.subject, "accepted" if accepted else "declined")

    def _own_digest(self, message: MailMessage) -> bool:
        """The agent's own digest in INBOX (from and to the user, with the opaque tag of the
        agent's Message-IDs): not mail to read."""
        me = self.context.me
        return (
            not message.is_sent
            and bool(draft_tag_of(message.message_id))
            and message.from_.email in me
            and all(a.email in me for a in message.recipients)
        )

    def _company_event(self, message: MailMessage, finding: Finding) -> Finding:
        """An invitation to an event of a company the user is interviewing with, as an `EVENT`
        finding (never a reply: a marketing mail must not reset a check-in clock)."""
        if finding.kind not in (FindingKind.NONE, FindingKind.REPLY) or message.is_sent:
            return finding
        if finding.reason == "ignored by a rule":
            return finding
        interview = self._company_of(message)  # first: a lookup, where reading is costly
        if interview is None:
            return finding
        invited = events.invitation(
            message, self.context.tz, personal=finding.kind == FindingKind.REPLY
        )
        if invited is None:
            return finding
        facts = interview.facts
        return Finding(
            FindingKind.EVENT,
            company=facts.company,
            company_domain=(*facts.company_domains, message.from_.domain)[0],
            reason=f"an event of {facts.company or 'the company'}",
            start=invited.start,
        )

    def _company_of(self, message: MailMessage) -> Interview | None:
        """The latest known interview whose company sent this message: by its domain (or a
        subdomain of it), else by its name in the sender's display name."""
        senders = (message.from_, *message.reply_to, message.sender)
        # a platform's or a webmail domain is never the company's (its name may still say it)
        domains = {a.domain for a in senders if a and a.domain and not _platform(a.domain)}
        name = message.from_.name.lower()
        for interview in sorted(self.interviews.values(), key=lambda i: i.start, reverse=True):
            facts = interview.facts
            if any(d == k or d.endswith("." + k) for d in domains for k in facts.company_domains):
                return interview
            company = facts.company.lower().strip()
            if len(company) > 2 and re.search(rf"(?<!\w){re.escape(company)}(?!\w)", name):
                return interview
        return None

    def _in_interview_thread(self, message: MailMessage) -> bool:
        """A reply in the thread of a known interview, of a possible one, or of a draft."""
        if self._interviews is None:
            self._interviews = self._load()
        return bool(({message.in_reply_to, *message.references} - {""}) & self._threads)

    def _known_company(self, message: MailMessage) -> bool:
        """From the domain (or a subdomain) of a known interview's company: a set lookup, as it
        is asked of many messages."""
        if self._interviews is None:
            self._interviews = self._load()
        domain = message.from_.domain
        if domain and any(domain == d or domain.endswith("." + d) for d in self._domains):
            return True
        # a text message or voicemail relayed by a phone service names the company instead
        return extract.names_a_company(strip_quoted(message.text[:3000]), self._company_keys)

    def _related(self, message: MailMessage) -> bool:
        """From a company, a scheduling service or a thread of an interview the agent knows."""
        if self._interviews is None:
            self._interviews = self._load()
        domains = [a.domain for a in (message.from_, *message.reply_to, message.sender) if a]
        if any(d in self._domains or _ats_domain(d) for d in domains if d):
            return True
        return bool(({message.in_reply_to, *message.references} - {""}) & self._threads)

    def _record(self, message: MailMessage, finding: Finding) -> MessageRecord | None:
        if not message.message_id or message.date is None:
            return None
        if (
            finding.kind == FindingKind.NONE
            and not message.is_sent
            and (message.list_id or message.list_unsubscribe)
        ):
            return None
        return MessageRecord(
            message_id=message.message_id,
            date=message.date,
            from_=message.from_,
            to=message.recipients,
            subject=message.subject,
            in_reply_to=message.in_reply_to,
            references=message.references,
            is_sent=message.is_sent,
            kind=finding.kind,
            has_attachment=bool(message.attachment_names),
            auto_reply=finding.kind == FindingKind.OUT_OF_OFFICE,
            timeline=finding.timeline,
            requests=finding.requests,
            back_on=finding.back_on,
            agent_key=message.agent_key,
            reason=finding.reason if finding.kind == FindingKind.POSSIBLE else "",
            start=finding.start if finding.kind == FindingKind.EVENT else None,
            event_uid=self._event_uid(message) if finding.kind == FindingKind.EVENT else "",
            company_domain=finding.company_domain
            or extract.company_domain_of([message.from_], self.context.me),
        )

    def _event_uid(self, message: MailMessage) -> str:
        uids = [e.uid for e in rsvp.calendar_events(message, self.context.tz) if e.uid]
        return uids[0] if uids else ""

    def _apply(
        self, message: MailMessage, finding: Finding, now: datetime, report: SyncReport
    ) -> None:
        facts = finding.interview
        if facts is None:
            return
        if finding.kind == FindingKind.CANCEL:
            self.cancel(facts, report)
            return
        self.accept(
            facts,
            source="text" if facts.uid.startswith("text-") else "mail",
            message_id=message.message_id,
            now=now,
            report=report,
        )

    def cancel(self, facts: InterviewFacts, report: SyncReport) -> None:
        """Cancel the interview with this UID unless a newer copy (higher SEQUENCE) is held
        (also used by calendar sources)."""
        existing = self.interviews.get(facts.uid)
        if existing is None and facts.uid.startswith("text-"):
            existing = self._cancelled_by_text(facts)
        if existing is None or existing.facts.cancelled:
            return
        if facts.sequence >= existing.facts.sequence:
            self._save(
                replace(
                    existing, facts=replace(existing.facts, cancelled=True, sequence=facts.sequence)
                )
            )
            log.info("interview %s (%s) cancelled", existing.id, existing.facts.company)
            report.interviews_updated += 1

    def accept(
        self,
        facts: InterviewFacts,
        *,
        source: str,
        message_id: str,
        now: datetime,
        report: SyncReport,
    ) -> Interview:
        """Add or update one interview (also used by calendar sources)."""
        existing = self.interviews.get(facts.uid)
        if existing is None and source == "text":
            existing = self._rescheduled(facts)
        if existing is not None:
            if existing.facts.uid != facts.uid or wins(facts, existing.facts):
                merged = _merge(existing.facts, facts)
                if merged != existing.facts:
                    updated = replace(existing, facts=merged)
                    self._save(updated)
                    log.info(
                        "interview %s (%s) updated: %s",
                        existing.id,
                        merged.company or "?",
                        merged.start.isoformat(),
                    )
                    report.interviews_updated += 1
                    return updated
            return existing
        interview = Interview(
            id=interview_id(facts.uid),
            facts=facts,
            first_seen=now,
            source=source,
            source_message_id=message_id,
        )
        self._save(interview)
        log.info(
            "interview found: %s with %s at %s",
            interview.id,
            facts.company or "?",
            facts.start.isoformat(),
        )
        report.interviews_new += 1
        return interview

    def _cancelled_by_text(self, facts: InterviewFacts) -> Interview | None:
        """The interview a plain-text cancellation names: the same company's, at the time it
        gives (its own UID is made up, so it cannot name one). Only one match counts."""
        matches = [
            interview
            for interview in self.interviews.values()
            if not interview.facts.cancelled
            and interview.facts.start == facts.start
            and (
                set(interview.facts.company_domains) & set(facts.company_domains)
                or (facts.company and interview.facts.company.lower() == facts.company.lower())
            )
        ]
        return matches[0] if len(matches) == 1 else None

    def _rescheduled(self, facts: InterviewFacts) -> Interview | None:
        """A new plain-text confirmation from the same company for a not-yet-held interview
        replaces the old schedule (agencies and ATS resend rather than update)."""
        for interview in self.interviews.values():
            if interview.source != "text" or interview.facts.cancelled:
                continue
            same = set(interview.facts.company_domains) & set(facts.company_domains) or (
                facts.company and interview.facts.company.lower() == facts.company.lower()
            )
            if same and (facts.stamp is None or interview.facts.start > facts.stamp):
                return interview
        return None

    def _save(self, interview: Interview) -> None:
        self.interviews.pop(interview.facts.uid, None)
        for uid, known in list(self.interviews.items()):
            if known.id == interview.id:
                del self.interviews[uid]
        self.interviews[interview.facts.uid] = interview
        self._domains.update(interview.facts.company_domains)
        self._company_keys.add(extract.company_key(interview.facts.company))
        self._threads.add(interview.source_message_id)
        self.state.save_interview(interview)


def _merge(old: InterviewFacts, new: InterviewFacts) -> InterviewFacts:
    """The winning copy's times and status, keeping facts only the older copy knew."""
    people = list(new.people)
    for person in old.people:
        if not any((p.email and p.email == person.email) or p.name == person.name for p in people):
            people.append(person)
    return replace(
        new,
        uid=old.uid,
        company=new.company or old.company,
        role=new.role or old.role,
        people=tuple(people),
        location=new.location or old.location,
        company_domains=tuple(dict.fromkeys((*new.company_domains, *old.company_domains))),
    )
