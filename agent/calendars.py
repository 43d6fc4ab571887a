"""Calendar sources (`[[calendars]]`): local .ics files and vdir folders, ICS URLs, CalDAV.

Each source returns the events of a bounded window (recurrences expanded by `ical`, which caps
them). Events become interviews through the same understanding as invitations in mail; the
same UID seen in mail and in a calendar is one interview.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from agent import ical
from agent.config import CalendarConfig, Config
from agent.model import Address, CalEvent, FindingKind, MailMessage
from agent.sync import MailSync, SyncReport
from agent.understand import RuleVerdict, _from_calendar, apply_rules

log = logging.getLogger(__name__)

WINDOW_BACK = timedelta(days=45)
WINDOW_AHEAD = timedelta(days=120)


class CalendarSource(Protocol):
    config: CalendarConfig

    def texts(self) -> list[str] | None:
        """The iCalendar texts of the collection, or None when unchanged since last time."""
        ...


@dataclass
class LocalCalendar:
    """A local .ics file, or a vdir folder of .ics files (one event per file)."""

    config: CalendarConfig
    _stamp: float = -1.0

    def texts(self) -> list[str] | None:
        path = self.config.path or Path(self.config.url)
        files = sorted(path.glob("*.ics")) if path.is_dir() else [path]
        stamp = max((f.stat().st_mtime for f in files if f.exists()), default=0.0)
        if stamp == self._stamp:
            return None
        self._stamp = stamp
        return [f.read_text(encoding="utf-8", errors="replace") for f in files if f.exists()]


def open_calendars(config: Config) -> list[CalendarSource]:
    sources: list[CalendarSource] = []
    for calendar in config.calendars:
        if calendar.path is not None:
            sources.append(LocalCalendar(calendar))
        else:
            from agent.remote_calendars import open_remote

            sources.append(open_remote(calendar))
    return sources


def events_of(texts: list[str], config: Config, now: datetime) -> list[CalEvent]:
    events: list[CalEvent] = []
    window = (now - WINDOW_BACK, now + WINDOW_AHEAD)
    for text in texts:
        try:
            events.extend(ical.parse_calendar(text, user_tz=config.me.timezone, window=window))
        except ical.ICalError as exc:
            log.info("calendar entry skipped: %s", exc)
    return events


def sync_calendars(
    sources: object, syncer: MailSync, config: Config, now: datetime, report: SyncReport
) -> None:
    assert isinstance(sources, list)
    for source in sources:
        try:
            texts = source.texts()
        except Exception as exc:  # a calendar being down must not stop mail
            log.warning("calendar %s: %s", source.config.name, exc)
            continue
        if texts is None:
            continue
        for event in events_of(texts, config, now):
            accept_event(event, source.config, syncer, config, now, report)


def accept_event(event: CalEvent, calendar: CalendarConfig, syncer: MailSync, config: Config,
                 now: datetime, report: SyncReport) -> None:
    message = MailMessage(
        folder=f"calendar:{calendar.name}", uid=0, message_id="", date=event.dtstamp,
        subject=event.summary,
        from_=Address(event.organizer.name, event.organizer.email) if event.organizer
        else Address("", ""),
        sender=None, reply_to=(), to=(), cc=(), in_reply_to="", references=(),
        text=event.description,
    )
    verdict = apply_rules(message, config.rules, calendar.name)
    if verdict.action == "ignore":
        return
    forced = calendar.interviews_only or verdict.action == "interview"
    finding = _from_calendar(message, [event], syncer.context, verdict or RuleVerdict(), forced)
    if finding is None or finding.interview is None:
        return
    if finding.kind == FindingKind.CANCEL:
        existing = syncer.interviews.get(finding.interview.uid)
        if existing is not None and not existing.facts.cancelled:
            from dataclasses import replace

            syncer._save(replace(existing, facts=replace(existing.facts, cancelled=True)))
        return
    if finding.kind == FindingKind.INTERVIEW:
        syncer.accept(finding.interview, source="calendar", message_id="", now=now,
                      report=report)
