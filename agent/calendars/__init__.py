"""Calendar sources (`[[calendars]]`): local .ics files and vdir folders (`local`), ICS URLs
and CalDAV collections (`remote`), iCalendar reading (`ical`, with `ical_syntax`, `timezones`
and `recurrence`) and the bounded window of events a pass looks at (`window`).

Sources only fetch and parse; turning events into interviews is `agent.ingest`'s job.
"""

from __future__ import annotations

from collections.abc import Mapping

from agent.calendars.local import LocalCalendar
from agent.calendars.source import CalendarSource
from agent.config.types import Config

__all__ = ["CalendarSource", "LocalCalendar", "open_calendars"]


def open_calendars(
    config: Config, environ: Mapping[str, str] | None = None
) -> list[CalendarSource]:
    """One source per `[[calendars]]` entry; network libraries load only when one is remote."""
    sources: list[CalendarSource] = []
    for calendar in config.calendars:
        if calendar.path is not None:
            sources.append(LocalCalendar(calendar))
        else:
            from agent.calendars.remote import open_remote

            sources.append(open_remote(calendar, environ))
    return sources
