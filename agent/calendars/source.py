"""The calendar source interface every `[[calendars]]` entry implements (file, ICS URL, CalDAV)."""

from __future__ import annotations

from typing import Protocol

from agent.config.types import CalendarConfig


class CalendarSource(Protocol):
    """One configured calendar. `texts` returns the iCalendar texts of its collection, or None
    when nothing changed since the last call (a source keeps its own ETag, ctag or file
    signature)."""

    config: CalendarConfig

    def texts(self) -> list[str] | None:
        """The iCalendar texts of the collection, or None when unchanged since last time."""
        ...
