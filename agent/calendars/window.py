"""The events of a bounded window around now, one per series (recurrences expanded by `ical`,
which caps them). Years of calendar history are not interviews to follow up."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from agent.calendars import ical
from agent.model import CalEvent

log = logging.getLogger(__name__)

WINDOW_BACK = timedelta(days=45)
WINDOW_AHEAD = timedelta(days=120)
RECENT = timedelta(hours=48)  # an occurrence that ended this recently is still "the" one


def events_of(texts: list[str], user_tz: ZoneInfo, now: datetime) -> list[CalEvent]:
    """The events overlapping the window around `now`, one per UID (see `one_per_series`).
    A series `ical` refused to expand (finer than hourly) keeps only its first start, usually
    long past."""
    events: list[CalEvent] = []
    start, end = now - WINDOW_BACK, now + WINDOW_AHEAD
    for text in texts:
        try:
            parsed = ical.parse_calendar(text, user_tz=user_tz, window=(start, end))
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
