"""Bounded expansion of recurring series (RFC 5545 RRULE, RDATE, EXDATE, RECURRENCE-ID with
RANGE=THISANDFUTURE), with recurring_ical_events, into the occurrences that overlap a window.

The expansion is bounded, because a 250-byte rule can otherwise keep dateutil busy for minutes:
- rules finer than hourly, or with more than 24 instances a day, are not expanded;
- DTSTART is moved forward by whole periods to just before the window (a COUNT that cannot
  run out before the window ends is dropped first, so that this is possible);
- a rule may iterate only `_SPARE_PERIODS` months (or years, if YEARLY) past the window;
- a series that starts after the window has no occurrence in it and is not expanded;
- expansion has a budget counted in instances iterated (5,000 a series, 50,000 a call), not in
  seconds, so that the same input gives the same result on any machine.
When a series cannot be expanded, its master and overrides are returned as they are.
The window is the caller's: this module never reads "now" or any clock.
"""

from __future__ import annotations

import contextvars
import dataclasses
import logging
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from datetime import time as clock_time
from typing import Any, Final

import icalendar
import recurring_ical_events
from dateutil.rrule import rrule

from agent.calendars.ical_syntax import (
    WEEKDAYS,
    int_list,
    parse_date_time,
    parse_int,
    rule_parts,
    shortened,
    weekday_list,
)
from agent.calendars.timezones import When, naive
from agent.model import CalEvent

_log = logging.getLogger(__name__)


_MAX_PER_DAY: Final = 24  # densest recurrence that is expanded
# How many months (years for a YEARLY rule) past the window a rule may iterate: dateutil
# computes ten instances ahead, and a leap-day rule needs 40 years for ten.
_SPARE_PERIODS: Final = 480
# Budget for expansion, counted in instances iterated (not in seconds, so that the same input
# gives the same result on any machine): a cap for any one series (the densest series expanded,
# 24 a day, has about 4,000 in a window) and one for a whole calendar.
_INSTANCES_PER_SERIES: Final = 5_000
_INSTANCES_PER_CALL: Final = 50_000


@dataclass
class Event:
    """One parsed VEVENT with what expansion needs beside its `CalEvent`."""

    index: int
    event: CalEvent
    start: When
    end: When | None  # DTEND, or DTSTART plus DURATION for all-day events
    rrules: list[str]
    rdates: list[When]
    exdates: list[When]
    recurrence_id: When | None
    this_and_future: bool

    @property
    def is_master(self) -> bool:
        return self.recurrence_id is None and bool(self.rrules or self.rdates)


# ---------------------------------------------------------------------------------------------
# Series and expansion


def assemble(
    events: list[Event], window: tuple[datetime, datetime] | None, limit: int, user_tz: tzinfo
) -> list[CalEvent]:
    series: dict[str, list[Event]] = {}
    for ev in events:
        series.setdefault(ev.event.uid, []).append(ev)
    _align_all_day_recurrence_ids(series)

    expanded: dict[str, list[CalEvent]] = {}
    masters = {uid: _master(members) for uid, members in series.items()}
    if window is not None and limit > 0:
        recurring = [(uid, m) for uid, m in masters.items() if m is not None]
        left = _INSTANCES_PER_CALL
        for uid, master in recurring:
            allowance = min(left, _INSTANCES_PER_SERIES)
            result, used = _expand(master, series[uid], window, limit, user_tz, allowance)
            left -= used
            if result is not None:
                expanded[uid] = result

    out: list[CalEvent] = []
    done: set[str] = set()
    for ev in events:
        uid = ev.event.uid
        if uid not in expanded:
            out.append(ev.event)
        elif uid not in done:
            out.extend(expanded[uid])
            done.add(uid)
    return out


def _master(members: list[Event]) -> Event | None:
    """The copy of the series that wins (highest SEQUENCE, then latest DTSTAMP), if it recurs."""
    cores = [m for m in members if m.recurrence_id is None]
    if not cores:
        return None
    oldest = datetime.min.replace(tzinfo=UTC)
    best = max(cores, key=lambda m: (m.event.sequence, m.event.dtstamp or oldest))
    return best if best.is_master else None


def _align_all_day_recurrence_ids(series: dict[str, list[Event]]) -> None:
    """Exchange gives all-day overrides a DATE-TIME RECURRENCE-ID at local midnight; read it as
    the date it names, so it matches the occurrence it replaces."""
    for members in series.values():
        master = _master(members)
        if master is None or not master.start.is_date:
            continue
        for m in members:
            rid = m.recurrence_id
            if rid is not None and not rid.is_date:
                m.recurrence_id = When(naive(rid.value).date(), master.start.tz)
                m.event = dataclasses.replace(m.event, recurrence_id=m.recurrence_id.utc())


class _Refused(Exception):
    """A rule that is not expanded; the message says why."""


class _BudgetExceeded(Exception):
    pass


@dataclass
class _Budget:
    end: datetime  # the end of the window, as a wall-clock time in the series' zone


_BUDGET: Final = contextvars.ContextVar[_Budget | None]("_BUDGET", default=None)


class _BoundedRule(rrule):
    """A dateutil rrule that raises `_BudgetExceeded` once it has iterated `_SPARE_PERIODS`
    past the budget's end. dateutil reads `_byeaster` each time its
    iteration enters a new month or year, also when no day matches: a rule that can never
    match (such as BYMONTH=2;BYMONTHDAY=30) would otherwise iterate to the year 9999."""

    @property
    def _byeaster(self) -> Any:
        state = self.__dict__
        budget = _BUDGET.get()
        if budget is not None:
            if "_ia_limit" not in state:
                start: datetime = state["_dtstart"]
                years = budget.end.year - start.year
                # dateutil's YEARLY is 0; other frequencies rebuild at most once a month.
                periods = years if state["_freq"] == 0 else years * 12 + budget.end.month
                state["_ia_limit"] = max(0, periods) + _SPARE_PERIODS
                state["_ia_ticks"] = 0
            state["_ia_ticks"] += 1
            if state["_ia_ticks"] > state["_ia_limit"]:
                raise _BudgetExceeded
        return state["_byeaster"]


class _BoundedSeries(recurring_ical_events.Series):  # type: ignore[misc]
    class RecurrenceRules(recurring_ical_events.Series.RecurrenceRules):  # type: ignore[misc]
        def rrulestr(self, rule_string: str) -> rrule:
            rule = super().rrulestr(rule_string)
            if type(rule) is not rrule:
                raise _Refused("unexpected rule type")
            rule.__class__ = _BoundedRule
            return rule


def _expand(
    master: Event,
    members: list[Event],
    window: tuple[datetime, datetime],
    limit: int,
    user_tz: tzinfo,
    allowance: int,
) -> tuple[list[CalEvent] | None, int]:
    """The occurrences of one series that overlap `window`, earliest first, at most `limit`
    (None when the series is left unexpanded), and how many instances were iterated: at most
    `allowance`."""
    uid = shortened(master.event.uid)
    if allowance <= 0:
        _log.warning("series %s not expanded: the calendar's expansion budget is spent", uid)
        return None, 0
    zone = master.start.tz
    span = max(_length(m) for m in members) + timedelta(days=1)
    try:
        low = (window[0] - span).astimezone(zone).replace(tzinfo=None)
        high = (window[1] + timedelta(days=1)).astimezone(zone).replace(tzinfo=None)
        if naive(master.start.value) > high:  # it starts after the window: nothing in it
            return [], 0
        cal = icalendar.Calendar()
        for member in members:
            if member is master or member.recurrence_id is not None:
                cal.add_component(_series_component(member, master, low, high))
    except (_Refused, ValueError, OverflowError) as exc:
        _log.warning("series %s not expanded: %s", uid, exc)
        return None, 0

    by_index = {m.index: m for m in members}
    found: list[CalEvent] = []
    iterated = 0
    token = _BUDGET.set(_Budget(high))
    try:
        query = recurring_ical_events.of(
            cal,
            components=[recurring_ical_events.ComponentsWithName("VEVENT", series=_BoundedSeries)],
        )
        for component in query.after(low):
            iterated += 1
            if naive(component.decoded("DTSTART")) > high:
                break
            occurrence = _occurrence(component, by_index, master, user_tz)
            if occurrence is not None and _overlaps(occurrence, window):
                found.append(occurrence)
                if len(found) >= limit:
                    _log.info("series %s: keeping its first %d occurrences", uid, limit)
                    break
            if iterated >= allowance:
                raise _BudgetExceeded
    except _BudgetExceeded:
        _log.warning("series %s: expansion stopped at its budget", uid)
        if not found:
            return None, iterated
    except Exception as exc:  # recurring_ical_events and dateutil meeting hostile input
        _log.warning("series %s not expanded: %s", uid, type(exc).__name__)
        return None, iterated
    finally:
        _BUDGET.reset(token)
    found.sort(key=lambda e: e.start)
    return found, iterated


def _length(member: Event) -> timedelta:
    end = member.event.end
    return end - member.event.start if end is not None else timedelta(0)


def _overlaps(event: CalEvent, window: tuple[datetime, datetime]) -> bool:
    end = event.end if event.end is not None and event.end > event.start else event.start
    return event.start < window[1] and (end > window[0] or event.start >= window[0])


def _series_value(when: When, master: Event) -> date | datetime:
    """`when` as the master's DTSTART is written: a date, or a wall-clock time in its zone."""
    if master.start.is_date:
        return when.value if when.is_date else naive(when.value).date()
    return when.wall(master.start.tz)


def _series_component(
    member: Event, master: Event, low: datetime, high: datetime
) -> icalendar.Event:
    """A stripped VEVENT for recurring_ical_events, every time floating in the series' zone.
    It has no end: ends are taken from the parsed events."""
    comp = icalendar.Event()
    comp.add("UID", member.event.uid)
    comp.add("SEQUENCE", member.event.sequence)
    comp.add("X-IA-INDEX", str(member.index))
    start = _series_value(member.start, master)
    if member is master:
        plans = [_plan_rule(rule, naive(start), master, low, high) for rule in member.rrules]
        kept = [plan for plan in plans if plan is not None]
        if member.rrules and not kept:
            raise _Refused("no RRULE that can be expanded")
        if len(kept) == 1:  # each rule moves DTSTART along its own grid
            start = kept[0][1] if isinstance(start, datetime) else kept[0][1].date()
        for rule, _ in kept:
            comp.add("RRULE", icalendar.vRecur.from_ical(rule))
        for rdate in member.rdates:
            comp.add("RDATE", _series_value(rdate, master))
        for exdate in member.exdates:
            comp.add("EXDATE", _series_value(exdate, master))
    comp.add("DTSTART", start)
    if member.recurrence_id is not None:
        params = {"RANGE": "THISANDFUTURE"} if member.this_and_future else {}
        comp.add("RECURRENCE-ID", _series_value(member.recurrence_id, master), parameters=params)
    return comp


def _occurrence(
    component: icalendar.Component, by_index: dict[int, Event], master: Event, user_tz: tzinfo
) -> CalEvent | None:
    source = by_index.get(int(str(component.get("X-IA-INDEX", "-1"))))
    if source is None:
        return None
    start_value = component.decoded("DTSTART")
    if source.recurrence_id is not None and start_value == _series_value(source.start, master):
        return source.event  # an override, exactly as it was written
    start = When(start_value, master.start.tz if isinstance(start_value, datetime) else user_tz)
    start_utc = start.utc()
    end_utc: datetime | None = None
    if source.end is not None and source.end.is_date and start.is_date:
        length = naive(source.end.value) - naive(source.start.value)
        end_utc = When((naive(start.value) + length).date(), user_tz).utc()
    elif source.event.end is not None:
        end_utc = start_utc + (source.event.end - source.event.start)
    if source.recurrence_id is None:
        rid = start_utc
    else:  # a later occurrence moved by a RANGE=THISANDFUTURE override
        rid = start_utc - (source.event.start - (source.event.recurrence_id or source.event.start))
    return dataclasses.replace(source.event, start=start_utc, end=end_utc, recurrence_id=rid)


# RRULE planning ------------------------------------------------------------------------------

_FREQS: Final = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY")
_INT_PARTS: Final = {
    "BYSECOND": (0, 60),
    "BYMINUTE": (0, 59),
    "BYHOUR": (0, 23),
    "BYMONTHDAY": (-31, 31),
    "BYYEARDAY": (-366, 366),
    "BYWEEKNO": (-53, 53),
    "BYMONTH": (1, 12),
    "BYSETPOS": (-366, 366),
}
_PERIODS: Final = {
    "HOURLY": timedelta(hours=1),
    "DAILY": timedelta(days=1),
    "WEEKLY": timedelta(weeks=1),
}


def _plan_rule(
    text: str, start: datetime, master: Event, low: datetime, high: datetime
) -> tuple[str, datetime] | None:
    """The rule rewritten so that dateutil does bounded work, with the DTSTART to use it with;
    None, with a log line, for a rule that is not expanded. All-day rules arrive with `start`
    at midnight and get a DATE UNTIL."""
    try:
        return _rewrite_rule(rule_parts(text), start, master.start, low, high)
    except (_Refused, ValueError, OverflowError) as exc:
        _log.warning("series %s: not expanding its RRULE: %s", shortened(master.event.uid), exc)
        return None


def _rewrite_rule(
    parts: dict[str, str], start: datetime, master_start: When, low: datetime, high: datetime
) -> tuple[str, datetime]:
    all_day = master_start.is_date
    freq = parts.get("FREQ", "")
    if freq not in _FREQS or (all_day and freq == "HOURLY"):
        raise _Refused(f"FREQ={freq[:20]} is not expanded")
    interval = parse_int(parts.get("INTERVAL", "1"))
    if not 1 <= interval <= 1000:
        raise _Refused("INTERVAL out of range")
    count = parse_int(parts["COUNT"]) if "COUNT" in parts else None
    if count is not None and count < 1:
        raise _Refused("COUNT out of range")
    by: dict[str, str] = {}
    for key, value in parts.items():
        if key in _INT_PARTS:
            int_list(value, *_INT_PARTS[key])
            by[key] = value
        elif key == "BYDAY":
            weekday_list(value)
            by[key] = value
    if all_day and any(key in by for key in ("BYHOUR", "BYMINUTE", "BYSECOND")):
        raise _Refused("time parts in an all-day rule")

    def size(key: str) -> int:
        return len(by[key].split(",")) if key in by else 1

    hours = math.ceil(24 / interval) if freq == "HOURLY" and "BYHOUR" not in by else size("BYHOUR")
    if hours * size("BYMINUTE") * size("BYSECOND") > _MAX_PER_DAY:
        raise _Refused(f"more than {_MAX_PER_DAY} occurrences a day")

    until: datetime | None = None
    if "UNTIL" in parts:
        given, fixed = parse_date_time(parts["UNTIL"])
        if isinstance(given, datetime) and fixed is not None:
            given = given.replace(tzinfo=fixed).astimezone(master_start.tz).replace(tzinfo=None)
        if isinstance(given, datetime) and not all_day:
            until = given
        else:  # a DATE UNTIL takes in the whole day
            until = datetime.combine(
                naive(given).date(), clock_time() if all_day else clock_time.max
            )
    if count is not None and not by:  # one instance a period: COUNT becomes an UNTIL
        last = _advance(start, freq, interval * (count - 1))
        if last is not None:
            until, count = (last if until is None else min(until, last)), None
    if count is not None and count > _most_instances(freq, interval, by, start, high):
        count = None  # the series cannot use up its COUNT before the window ends
    if count is None and start < low:
        start = _shift_before(start, freq, interval, low if not all_day else _midnight(low))

    rule = [f"FREQ={freq}", f"INTERVAL={interval}"]
    if count is not None:
        rule.append(f"COUNT={count}")
    if until is not None:
        rule.append("UNTIL=" + _format(until.date() if all_day else until))
    if parts.get("WKST") in WEEKDAYS:
        rule.append("WKST=" + parts["WKST"])
    rule += [f"{key}={value}" for key, value in by.items()]
    return ";".join(rule), start


def _most_instances(
    freq: str, interval: int, by: dict[str, str], start: datetime, end: datetime
) -> int:
    """An upper bound on the instances a rule has from `start` to `end`."""

    def size(key: str) -> int:
        return len(by[key].split(",")) if key in by else 1

    per_day = size("BYHOUR") * size("BYMINUTE") * size("BYSECOND")
    if freq in _PERIODS:
        periods = (end - start) // (_PERIODS[freq] * interval) + 1
        per_period = {"HOURLY": size("BYMINUTE") * size("BYSECOND"), "DAILY": per_day}.get(
            freq, 7 * per_day
        )
    elif freq == "MONTHLY":
        periods = ((end.year - start.year) * 12 + end.month - start.month) // interval + 1
        per_period = 31 * per_day
    else:
        periods = (end.year - start.year) // interval + 1
        per_period = 366 * per_day
    return max(0, periods) * per_period


def _midnight(value: datetime) -> datetime:
    return datetime.combine(value.date(), clock_time())


def _format(value: date | datetime) -> str:
    day = f"{value.year:04d}{value.month:02d}{value.day:02d}"
    if isinstance(value, datetime):
        return f"{day}T{value.hour:02d}{value.minute:02d}{value.second:02d}"
    return day


def _advance(start: datetime, freq: str, periods: int) -> datetime | None:
    """`start` moved by whole periods; None where that would change the rule's meaning."""
    try:
        if freq in _PERIODS:
            return start + _PERIODS[freq] * periods
        if freq == "MONTHLY":
            if start.day > 28:
                return None
            months = start.month - 1 + periods
            return start.replace(year=start.year + months // 12, month=months % 12 + 1)
        if (start.month, start.day) == (2, 29):
            return None
        return start.replace(year=start.year + periods)
    except (OverflowError, ValueError):
        return None


def _shift_before(start: datetime, freq: str, interval: int, target: datetime) -> datetime:
    """The latest start on the rule's grid at or before `target`."""
    if freq in _PERIODS:
        periods = (target - start) // (_PERIODS[freq] * interval)
    elif freq == "MONTHLY":
        periods = ((target.year - start.year) * 12 + target.month - start.month - 1) // interval
    else:
        periods = (target.year - start.year - 1) // interval
    if periods <= 0:
        return start
    return _advance(start, freq, periods * interval) or start
