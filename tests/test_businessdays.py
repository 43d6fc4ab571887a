"""Business days (weekends, US and German holidays) and wall-clock instants across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.businessdays import BusinessCalendar, local_instant

NY = ZoneInfo("America/New_York")
US = BusinessCalendar("US")
WEEKENDS_ONLY = BusinessCalendar(None)

LABOR_DAY = date(2026, 9, 7)
THANKSGIVING = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 9, 29), True),  # a Tuesday
        (date(2026, 10, 3), False),  # Saturday
        (date(2026, 10, 4), False),  # Sunday
        (LABOR_DAY, False),
        (THANKSGIVING, False),
        (date(2026, 11, 27), True),  # the day after Thanksgiving is not a federal holiday
        (date(2026, 7, 3), False),  # Independence Day (observed): July 4 is a Saturday
        (date(2026, 12, 25), False),
        (date(2026, 10, 12), False),  # Columbus Day
    ],
)
def test_is_business_day_us(day: date, expected: bool) -> None:
    assert US.is_business_day(day) is expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 9, 29), 0, date(2026, 9, 29)),
        (date(2026, 9, 29), 1, date(2026, 9, 30)),
        (date(2026, 9, 29), 5, date(2026, 10, 6)),  # over a weekend
        (date(2026, 10, 2), 1, date(2026, 10, 5)),  # Friday -> Monday
        (date(2026, 10, 3), 1, date(2026, 10, 5)),  # from a Saturday
        (date(2026, 9, 4), 1, date(2026, 9, 8)),  # over Labor Day
        (date(2026, 11, 24), 3, date(2026, 11, 30)),  # over Thanksgiving
        (date(2026, 10, 9), 1, date(2026, 10, 13)),  # over Columbus Day
        (date(2026, 12, 31), 1, date(2027, 1, 4)),  # New Year's Day 2027 is a Friday
    ],
)
def test_add_business_days(start: date, n: int, expected: date) -> None:
    assert US.add_business_days(start, n) == expected
    assert US.business_days_after(start, n) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 9, 8), 1, date(2026, 9, 4)),  # back over Labor Day
        (date(2026, 11, 30), 2, date(2026, 11, 25)),  # back over Thanksgiving
        (date(2026, 10, 5), 1, date(2026, 10, 2)),
        (date(2026, 10, 5), 0, date(2026, 10, 5)),
    ],
)
def test_subtract_business_days(start: date, n: int, expected: date) -> None:
    assert US.subtract_business_days(start, n) == expected


def test_next_and_previous_business_day() -> None:
    assert US.next_business_day_on_or_after(date(2026, 9, 5)) == date(2026, 9, 8)
    assert US.next_business_day_on_or_after(date(2026, 9, 29)) == date(2026, 9, 29)
    assert US.next_business_day_on_or_after(THANKSGIVING) == date(2026, 11, 27)
    assert US.previous_business_day(date(2026, 9, 8)) == date(2026, 9, 4)
    assert US.previous_business_day(date(2026, 11, 27)) == date(2026, 11, 25)
    assert US.previous_business_day(date(2026, 9, 30)) == date(2026, 9, 29)


def test_weekends_only_without_a_country() -> None:
    assert WEEKENDS_ONLY.is_business_day(LABOR_DAY)
    assert not WEEKENDS_ONLY.is_business_day(date(2026, 10, 3))
    assert WEEKENDS_ONLY.add_business_days(date(2026, 9, 4), 1) == LABOR_DAY
    assert BusinessCalendar("").is_business_day(LABOR_DAY)


def test_country_code_is_case_insensitive() -> None:
    assert not BusinessCalendar("us").is_business_day(THANKSGIVING)


def test_subdivision_holidays() -> None:
    epiphany = date(2026, 1, 6)  # a Tuesday; a holiday in Bavaria, not in Berlin
    assert not BusinessCalendar("DE", "BY").is_business_day(epiphany)
    assert BusinessCalendar("DE", "BE").is_business_day(epiphany)


def test_unknown_country_is_a_clear_value_error() -> None:
    with pytest.raises(ValueError, match="'XX'"):
        BusinessCalendar("XX")


def test_unknown_subdivision_is_a_clear_value_error() -> None:
    with pytest.raises(ValueError, match=r"'ZZ'.*'US'"):
        BusinessCalendar("US", "ZZ")


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        US.add_business_days(date(2026, 9, 29), -1)
    with pytest.raises(ValueError):
        US.subtract_business_days(date(2026, 9, 29), -1)


@pytest.mark.parametrize(
    ("day", "wall", "zone", "expected_utc"),
    [
        (date(2026, 9, 29), time(10, 0), NY, datetime(2026, 9, 29, 14, 0, tzinfo=UTC)),  # EDT
        (date(2026, 12, 1), time(10, 0), NY, datetime(2026, 12, 1, 15, 0, tzinfo=UTC)),  # EST
        # spring forward 2026-03-08: 02:30 does not exist and moves one hour later (03:30 EDT)
        (date(2026, 3, 8), time(2, 30), NY, datetime(2026, 3, 8, 7, 30, tzinfo=UTC)),
        (date(2026, 3, 8), time(3, 30), NY, datetime(2026, 3, 8, 7, 30, tzinfo=UTC)),
        (date(2026, 3, 8), time(1, 30), NY, datetime(2026, 3, 8, 6, 30, tzinfo=UTC)),
        # fall back 2026-11-01: 01:30 happens twice; the first (EDT) is taken
        (date(2026, 11, 1), time(1, 30), NY, datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
        (date(2026, 11, 1), time(2, 30), NY, datetime(2026, 11, 1, 7, 30, tzinfo=UTC)),
        (
            date(2026, 3, 29),
            time(2, 30),
            ZoneInfo("Europe/Berlin"),
            datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
        ),
        (
            date(2026, 9, 29),
            time(9, 0),
            ZoneInfo("Asia/Kolkata"),
            datetime(2026, 9, 29, 3, 30, tzinfo=UTC),
        ),
    ],
)
def test_local_instant(day: date, wall: time, zone: ZoneInfo, expected_utc: datetime) -> None:
    got = local_instant(day, wall, zone)
    assert got == expected_utc
    assert got.tzinfo is UTC


def test_spring_forward_gap_reads_later_on_the_clock() -> None:
    assert local_instant(date(2026, 3, 8), time(2, 30), NY).astimezone(NY).time() == time(3, 30)


def test_fold_of_the_time_is_ignored() -> None:
    first = local_instant(date(2026, 11, 1), time(1, 30, fold=1), NY)
    assert first == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


def test_local_instant_refuses_an_aware_time() -> None:
    with pytest.raises(ValueError):
        local_instant(date(2026, 9, 29), time(10, 0, tzinfo=UTC), NY)


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31))
counts = st.integers(min_value=0, max_value=300)


@given(days, st.integers(min_value=1, max_value=300))
def test_adding_lands_on_a_business_day(day: date, n: int) -> None:
    result = US.add_business_days(day, n)
    assert result > day
    assert US.is_business_day(result)


@given(days, counts, counts)
def test_adding_is_monotonic_in_n(day: date, a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert US.add_business_days(day, low) <= US.add_business_days(day, high)
    if low < high:
        assert US.add_business_days(day, low) < US.add_business_days(day, high)


@given(days, days, counts)
def test_adding_is_monotonic_in_the_start(a: date, b: date, n: int) -> None:
    early, late = sorted((a, b))
    assert US.add_business_days(early, n) <= US.add_business_days(late, n)


@given(days, st.integers(min_value=1, max_value=60))
def test_adding_counts_exactly_n_business_days(day: date, n: int) -> None:
    result = US.add_business_days(day, n)
    between = [day + timedelta(days=k) for k in range(1, (result - day).days + 1)]
    assert sum(US.is_business_day(d) for d in between) == n


@given(days, st.integers(min_value=0, max_value=300))
def test_subtract_undoes_add_from_a_business_day(day: date, n: int) -> None:
    start = US.next_business_day_on_or_after(day)
    assert US.subtract_business_days(US.add_business_days(start, n), n) == start


@given(days)
def test_previous_and_next_bracket_the_day(day: date) -> None:
    before = US.previous_business_day(day)
    after = US.next_business_day_on_or_after(day)
    assert before < day <= after
    assert US.is_business_day(before) and US.is_business_day(after)
    assert all(
        not US.is_business_day(before + timedelta(days=k)) for k in range(1, (day - before).days)
    )


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2035, 12, 31)))
def test_local_instant_round_trips_outside_gaps(wall: datetime) -> None:
    got = local_instant(wall.date(), wall.time(), NY)
    local = got.astimezone(NY).replace(tzinfo=None)
    # equal, except inside the spring-forward hour, which moves one hour later
    assert local - wall in (timedelta(0), timedelta(hours=1))
