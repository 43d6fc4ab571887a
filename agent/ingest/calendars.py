"""Calendar events into interviews: every source's events in the window go through the same
understanding as invitations in mail, so the same UID seen in mail and in a calendar is one
interview. A recurring series counts once: its next occurrence (else its last).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from agent.calendars import CalendarSource
from agent.calendars.window import events_of
from agent.config.types import CalendarConfig, Config
from agent.errors import AgentError
from agent.ingest import rsvp
from agent.ingest.mailbox import MailSync, SyncReport
from agent.model import Address, CalEvent, FindingKind, MailMessage
from agent.understanding.detect import apply_rules, from_calendar

log = logging.getLogger(__name__)


def sync_calendars(
    sources: Sequence[CalendarSource],
    syncer: MailSync,
    config: Config,
    now: datetime,
    report: SyncReport,
) -> None:
    """Read every source; a calendar that fails is logged and skipped, so mail goes on."""
    for source in sources:
        try:
            texts = source.texts()
        except AgentError as exc:
            log.warning("%s", exc)
            continue
        except Exception as exc:  # a calendar being down must not stop mail
            log.warning("calendar %s: %s: %s", source.config.name, type(exc).__name__, exc)
            continue
        if texts is None:
            continue
        for event in events_of(texts, config.me.timezone, now):
            accept_event(event, source.config, syncer, config, now, report)


def accept_event(
    event: CalEvent,
    calendar: CalendarConfig,
    syncer: MailSync,
    config: Config,
    now: datetime,
    report: SyncReport,
) -> None:
    message = MailMessage(
        folder=f"calendar:{calendar.name}",
        uid=0,
        message_id="",
        date=event.dtstamp,
        subject=event.summary,
        from_=Address(event.organizer.name, event.organizer.email)
        if event.organizer
        else Address("", ""),
        sender=None,
        reply_to=(),
        to=(),
        cc=(),
        in_reply_to="",
        references=(),
        text=event.description,
    )
    verdict = apply_rules(message, config.rules, calendar.name)
    if verdict.action == "ignore":
        return
    forced = calendar.interviews_only or verdict.action == "interview"
    finding = from_calendar(message, [event], syncer.context, verdict, forced)
    if finding is None or finding.interview is None:
        if rsvp.going(event, config.me.addresses):
            # a company event on the user's calendar: they mean to go
            syncer.mark_accepted(rsvp.matching(event, syncer.company_events()))
        return
    if finding.kind == FindingKind.CANCEL:
        syncer.cancel(finding.interview, report)
        return
    if finding.kind == FindingKind.INTERVIEW:
        syncer.accept(finding.interview, source="calendar", message_id="", now=now, report=report)
