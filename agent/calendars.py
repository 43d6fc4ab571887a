"""Calendar sources (`[[calendars]]`): local .ics files and vdir folders here, ICS URLs and
CalDAV collections in `remote_calendars`; and turning their events into interviews.

Each source returns the iCalendar texts of its collection, or None when nothing changed. The
events of a bounded window (recurrences expanded by `ical`, which caps them) go through the
same understanding as invitations in mail, so the same UID seen in mail and in a calendar is
one interview. A recurring series counts once: its next occurrence (else its last).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from agent import ical
from agent.config import CalendarConfig, Config
from agent.errors import AgentError
from agent.model import Address, CalEvent, FindingKind, MailMessage
from agent.sync import MailSync, SyncReport
from agent.understand import apply_rules, from_calendar

log = logging.getLogger(__name__)

WINDOW_BACK = timedelta(days=45)
WINDOW_AHEAD = timedelta(days=120)
MAX_LOCAL_BYTES = 20 * 1024 * 1024
RECENT = timedelta(hours=48)  # an occurrence that ended this recently is still "the" one


class CalendarSource(Protocol):
    config: CalendarConfig

    def texts(self) -> list[str] | None:
        """The iCalendar texts of the collection, or None when unchanged since last time."""
        ...


@dataclass
class LocalCalendar:
    """A local .ics file, or a vdir folder of .ics files (one event per file)."""

    config: CalendarConfig
    _signature: tuple[tuple[str, int, int], ...] | None = field(default=None, repr=False)

    def texts(self) -> list[str] | None:
        path = self.config.path or Path(self.config.url).expanduser()
        try:
            files = sorted(path.glob("*.ics")) if path.is_dir() else [path]
            stats = [(f, f.stat()) for f in files]
        except OSError as exc:
            raise AgentError(f"calendar {self.config.name}: cannot read {path}: "
                             f"{exc.strerror}") from None
        signature = tuple((f.name, s.st_mtime_ns, s.st_size) for f, s in stats)
        if signature == self._signature:
            return None
        texts = []
        for file, stat in stats:
            if stat.st_size > MAX_LOCAL_BYTES:
                log.warning("calendar %s: %s is larger than %d MB; skipped", self.config.name,
                            file.name, MAX_LOCAL_BYTES // (1024 * 1024))
                continue
            try:
                texts.append(file.read_text(encoding="utf-8", errors="replace"))
            except OSError as exc:  # removed between listing and reading: next poll sees it
                log.info("calendar %s: %s: %s", self.config.name, file.name, exc.strerror)
        self._signature = signature
        return texts


def open_calendars(
    config: Config, environ: Mapping[str, str] | None = None
) -> list[CalendarSource]:
    sources: list[CalendarSource] = []
    for calendar in config.calendars:
        if calendar.path is not None:
            sources.append(LocalCalendar(calendar))
        else:
            from agent.remote_calendars import open_remote

            sources.append(open_remote(calendar, environ))
    return sources


def events_of(texts: list[str], config: Config, now: datetime) -> list[CalEvent]:
    """The events overlapping the window around `now`, one per UID (see `one_per_series`).
    Years of calendar history are not interviews to follow up, and a series `ical` refused
    to expand (finer than hourly) keeps only its first start, usually long past."""
    events: list[CalEvent] = []
    start, end = now - WINDOW_BACK, now + WINDOW_AHEAD
    for text in texts:
        try:
            parsed = ical.parse_calendar(text, user_tz=config.me.timezone, window=(start, end))
        except ical.ICalError as exc:
            log.info("calendar entry skipped: %s", exc)
            continue
        events.extend(e for e in parsed if e.start < end and (e.end or e.start) >= start)
    return one_per_series(events, now)


def one_per_series(events: list[CalEvent], now: datetime) -> list[CalEvent]:
    """Keep one event per UID: the first occurrence not ended before `now - RECENT`, else
    the last one. An interview is a single meeting; a series would otherwise move it to
    whichever occurrence came last."""
    by_uid: dict[str, list[CalEvent]] = {}
    for event in events:
        by_uid.setdefault(event.uid, []).append(event)
    chosen = []
    for occurrences in by_uid.values():
        if len(occurrences) == 1:
            chosen.append(occurrences[0])
            continue
        ordered = sorted(occurrences, key=lambda e: e.start)
        current = next((e for e in ordered if (e.end or e.start) >= now - RECENT), ordered[-1])
        chosen.append(current)
    return chosen


def sync_calendars(
    sources: object, syncer: MailSync, config: Config, now: datetime, report: SyncReport
) -> None:
    """Read every source; a calendar that fails is logged and skipped, so mail goes on."""
    assert isinstance(sources, list)
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
    finding = from_calendar(message, [event], syncer.context, verdict, forced)
    if finding is None or finding.interview is None:
        return
    if finding.kind == FindingKind.CANCEL:
        syncer.cancel(finding.interview, report)
        return
    if finding.kind == FindingKind.INTERVIEW:
        syncer.accept(finding.interview, source="calendar", message_id="", now=now,
                      report=report)
