"""The one source of "now". `--now` replaces it everywhere; nothing else calls `datetime.now()`."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime


class Clock:
    """Wall-clock time as an aware UTC datetime."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@dataclass
class FixedClock(Clock):
    """A clock stopped at `at` (for `--now`, previews and tests); `advance` moves it."""

    at: datetime

    def now(self) -> datetime:
        return self.at.astimezone(UTC)

    def advance(self, seconds: float) -> None:
        from datetime import timedelta

        self.at = self.at + timedelta(seconds=seconds)

    def sleep(self, seconds: float) -> None:
        self.advance(seconds)
