"""Business-day arithmetic and wall-clock instants: the calendar that every deadline is counted in.

A business day is a weekday that is not a public holiday of the user's country (and subdivision),
as the `holidays` package knows them, observed days included ("Independence Day (observed)").
Pure: no clock, no I/O beyond the holiday tables that ship inside the `holidays` package.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

_SATURDAY = 5


class BusinessCalendar:
    """Weekends plus the public holidays of one country (and optional subdivision).

    `country` is an ISO 3166-1 alpha-2 code ("US", "de"); None or "" means weekends only.
    `subdivision` is the `holidays` package's code ("CA", "BY"); None means the national list.
    An unknown country or subdivision raises `ValueError` naming the code, at construction.
    Holiday sets are computed once per year and cached on the instance.
    """

    def __init__(self, country: str | None = None, subdivision: str | None = None) -> None:
        self.country = country.strip().upper() if country and country.strip() else None
        self.subdivision = subdivision.strip() if subdivision and subdivision.strip() else None
        if self.subdivision is not None and self.country is None:
            raise ValueError(f"holiday subdivision {subdivision!r} given without a country")
        self._years: dict[int, frozenset[date]] = {}
        if self.country is not None:
            self._load(1970)  # validates the codes now rather than at the first deadline

    def __repr__(self) -> str:
        return f"BusinessCalendar(country={self.country!r}, subdivision={self.subdivision!r})"

    def _load(self, year: int) -> frozenset[date]:
        cached = self._years.get(year)
        if cached is not None:
            return cached
        if self.country is None:
            days: frozenset[date] = frozenset()
        else:
            try:
                table = holidays.country_holidays(self.country, subdiv=self.subdivision, years=year)
            except NotImplementedError:
                if self.subdivision is not None and _country_exists(self.country):
                    raise ValueError(
                        f"unknown holiday subdivision {self.subdivision!r} for country "
                        f"{self.country!r} (see the `holidays` package's list of subdivisions)"
                    ) from None
                raise ValueError(
                    f"unknown holiday country code {self.country!r}: expected an ISO 3166-1 "
                    'alpha-2 code that the `holidays` package supports, such as "US" or "DE"'
                ) from None
            days = frozenset(table.keys())
        self._years[year] = days
        return days

    def is_holiday(self, d: date) -> bool:
        return d in self._load(d.year)

    def is_business_day(self, d: date) -> bool:
        return d.weekday() < _SATURDAY and not self.is_holiday(d)

    def add_business_days(self, d: date, n: int) -> date:
        """The n-th business day after `d` (n >= 0); `d` itself never counts, n == 0 returns `d`.

        "Within 5 business days" of a Friday is the following Friday.
        """
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}; use subtract_business_days")
        day = d
        remaining = n
        while remaining:
            day += timedelta(days=1)
            if self.is_business_day(day):
                remaining -= 1
        return day

    business_days_after = add_business_days

    def subtract_business_days(self, d: date, n: int) -> date:
        """The n-th business day before `d` (n >= 0); n == 0 returns `d`."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}; use add_business_days")
        day = d
        remaining = n
        while remaining:
            day -= timedelta(days=1)
            if self.is_business_day(day):
                remaining -= 1
        return day

    business_days_before = subtract_business_days

    def next_business_day_on_or_after(self, d: date) -> date:
        day = d
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def previous_business_day(self, d: date) -> date:
        """The last business day strictly before `d`."""
        return self.subtract_business_days(d, 1)

    def last_business_day_on_or_before(self, d: date) -> date:
        day = d
        while not self.is_business_day(day):
            day -= timedelta(days=1)
        return day


def _country_exists(country: str) -> bool:
    try:
        holidays.country_holidays(country, years=1970)
    except NotImplementedError:
        return False
    return True


def local_instant(d: date, t: time, tz: ZoneInfo) -> datetime:
    """The aware UTC instant at which clocks in `tz` show `t` on `d`.

    `t` must be naive (its `fold` is ignored). Across DST changes the earlier reading wins, as
    RFC 5545 prescribes for DATE-TIME values: a wall-clock time skipped by a spring-forward jump
    (02:30 on 2026-03-08 in New York) is taken with the offset in force before the jump, which
    lands one hour later on the clock (03:30 EDT); a time that occurs twice at a fall-back
    (01:30 on 2026-11-01) is the first occurrence (EDT).
    """
    if t.tzinfo is not None:
        raise ValueError("local_instant takes a naive wall-clock time; the zone is `tz`")
    wall = datetime.combine(d, t.replace(fold=0), tzinfo=tz)
    return wall.astimezone(UTC)
