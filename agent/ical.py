"""Turn iCalendar text into `CalEvent`s (RFC 5545; METHOD per RFC 5546; CONFERENCE per RFC 7986).

The module is pure. It uses no network and no global state, and it never reads "now": the
caller passes the user's zone and any expansion window. It accepts what real producers send:
LF or CRLF line ends, stray blank lines, a bare VEVENT, folding that splits a UTF-8 sequence
(pass bytes, or text decoded with errors="surrogateescape"), Windows zone names, Outlook
display-name TZIDs (with or without a VTIMEZONE), and the broken quoting
`TZID="Zone:20200910T090000"`. It also accepts both DTEND and DURATION, and HTML in DESCRIPTION.
A broken VEVENT is skipped with a warning. `ICalError` is raised only when the input holds no
calendar at all.

Recurring series are expanded with recurring_ical_events only when a window is given. The
expansion is bounded, because a 250-byte rule can otherwise keep dateutil busy for minutes:
- rules finer than hourly, or with more than 24 instances a day, are not expanded;
- DTSTART is moved forward by whole periods to just before the window (a COUNT that cannot
  run out before the window ends is dropped first, so that this is possible);
- a rule may iterate only `_SPARE_PERIODS` months (or years, if YEARLY) past the window;
- expansion has a wall-clock budget: 0.3 s a call plus 5 ms a series, at most 0.1 s a series.
When a series cannot be expanded, its master and overrides are returned as they are.
"""

from __future__ import annotations

import calendar
import contextvars
import dataclasses
import hashlib
import html
import logging
import math
import re
import time
import unicodedata
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from datetime import time as clock_time
from html.parser import HTMLParser
from typing import Any, Final

import icalendar
import recurring_ical_events
from dateutil.rrule import rrule
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from agent.model import Attendee, CalEvent

_log = logging.getLogger(__name__)

_MAX_INPUT_CHARS: Final = 16 * 1024 * 1024
_MAX_TEXT_CHARS: Final = 100_000  # DESCRIPTION and X-ALT-DESC are cut here before any work
_MAX_LIST_ITEMS: Final = 1000  # RDATE/EXDATE values kept per event
_MAX_PER_DAY: Final = 24  # densest recurrence that is expanded
# How many months (years for a YEARLY rule) past the window a rule may iterate: dateutil
# computes ten instances ahead, and a leap-day rule needs 40 years for ten.
_SPARE_PERIODS: Final = 480
# Wall-clock budget for expansion in one call: a base, plus an allowance per series (a normal
# series takes about 1 ms), and a cap for any one series.
_EXPANSION_SECONDS: Final = 0.3
_SECONDS_PER_SERIES: Final = 0.005
_SERIES_SECONDS: Final = 0.1


class ICalError(ValueError):
    """The input contains no iCalendar data that can be parsed."""


def parse_calendar(
    text: str | bytes,
    *,
    user_tz: zoneinfo.ZoneInfo,
    window: tuple[datetime, datetime] | None = None,
    max_occurrences: int = 200,
) -> list[CalEvent]:
    """Return the VEVENTs of `text`, in document order.

    Floating times and all-day dates are read in `user_tz`. With no `window`, a recurring
    series yields its master (start = DTSTART) and its overrides. With a `window`
    (aware datetimes), a series yields the occurrences that overlap it, at most
    `max_occurrences` of them (the earliest), each with `recurrence_id` set to its original
    start. The window limits expansion only: events that do not recur are always returned.
    """
    if window is not None:
        if window[0].tzinfo is None or window[1].tzinfo is None:
            raise ValueError("window must be timezone-aware")
        window = (window[0].astimezone(UTC), window[1].astimezone(UTC))
    if isinstance(text, bytes):
        text = text.decode("utf-8", "surrogateescape")
    if len(text) > _MAX_INPUT_CHARS:
        raise ICalError(f"calendar too large ({len(text)} characters)")
    roots = _parse_components(_content_lines(text))
    calendars = [c for c in roots if c.name == "VCALENDAR"]
    if not calendars and not any(c.name == "VEVENT" for c in roots):
        raise ICalError("no VCALENDAR or VEVENT found")

    zones = _Zones([c for c in _walk_top(roots) if c.name == "VTIMEZONE"], user_tz)
    events: list[_Event] = []
    for comp, method in _vevents(roots):
        try:
            events.append(_read_event(comp, method, zones, len(events)))
        except (ValueError, OverflowError) as exc:
            uid = comp.first("UID")
            _log.warning("skipping VEVENT (UID %s): %s", _short(uid.value if uid else ""), exc)
    return _assemble(events, window, max(0, max_occurrences), user_tz)


# ---------------------------------------------------------------------------------------------
# Content lines and components (RFC 5545 section 3.1)


@dataclass(frozen=True)
class _Prop:
    name: str
    params: dict[str, str]
    value: str


@dataclass
class _Comp:
    name: str
    props: list[_Prop] = field(default_factory=list)
    children: list[_Comp] = field(default_factory=list)

    def first(self, name: str) -> _Prop | None:
        return next((p for p in self.props if p.name == name), None)

    def all(self, name: str) -> list[_Prop]:
        return [p for p in self.props if p.name == name]

    def text(self, name: str) -> str:
        prop = self.first(name)
        return _unescape(prop.value[:_MAX_TEXT_CHARS]) if prop else ""


def _content_lines(text: str) -> list[str]:
    """Unfold and split; repair UTF-8 sequences that folding cut in two."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\n ", "").replace("\n\t", "")
    if re.search("[\ud800-\udfff]", text):
        try:
            raw = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # surrogates that did not come from undecodable bytes
            raw = text.encode("utf-8", "replace")
        text = raw.decode("utf-8", "replace")
    return text.split("\n")


_NAME_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_UNQUOTED_RE: Final = re.compile(r'[^;:,"]*')
_PARAM_START_RE: Final = re.compile(r";[^A-Za-z0-9:]*")  # also steps over ";;" (Zoom) and junk


_DATE_PROPS: Final = frozenset(
    {"DTSTART", "DTEND", "DUE", "RECURRENCE-ID", "EXDATE", "RDATE", "DTSTAMP"}
)
_DATE_VALUE_RE: Final = re.compile(r"\s*\d{4}-?\d{2}-?\d{2}")
_TZID_PARAM_RE: Final = re.compile(r';TZID=("?)([^";]*)\1', re.IGNORECASE)


def _parse_line(line: str) -> _Prop | None:
    """Split one unfolded line into name, parameters and value; None for junk.

    A date property whose TZID swallowed its value (a quote around both, or an unquoted
    Outlook display name such as `(UTC-05:00) Eastern Time`) gets the text after the last
    colon as its value; its other parameters are lost."""
    prop = _split_line(line)
    name = prop.name if prop is not None else line.partition(";")[0].partition(":")[0].upper()
    if name in _DATE_PROPS and (prop is None or not _DATE_VALUE_RE.match(prop.value)):
        head, colon, tail = line.rpartition(":")
        if colon and _DATE_VALUE_RE.match(tail):
            tzid = _TZID_PARAM_RE.search(head)
            return _Prop(name, {"TZID": tzid.group(2)} if tzid else {}, tail)
    return prop


def _split_line(line: str) -> _Prop | None:
    match = _NAME_RE.match(line)
    if match is None:
        return None
    name, i, n = match.group().upper(), match.end(), len(line)
    params: dict[str, str] = {}
    last_quoted: str | None = None
    while i < n and line[i] == ";":
        skip = _PARAM_START_RE.match(line, i)
        assert skip is not None  # line[i] is ";"
        pmatch = _NAME_RE.match(line, skip.end())
        if pmatch is None:
            i = skip.end()
            continue
        pname, i = pmatch.group().upper(), pmatch.end()
        if i >= n or line[i] != "=":
            params.setdefault(pname, "")
            continue
        i += 1
        values: list[str] = []
        last_quoted = None
        while True:
            if i < n and line[i] == '"':
                close = line.find('"', i + 1)
                if close == -1:  # unterminated quote: the value starts at the next colon
                    colon = line.find(":", i + 1)
                    if colon == -1:
                        return None
                    values.append(line[i + 1 : colon])
                    params.setdefault(pname, _caret_decode(",".join(values)))
                    return _Prop(name, params, line[colon + 1 :])
                last_quoted = line[i + 1 : close]
                values.append(last_quoted)
                i = close + 1
            else:
                umatch = _UNQUOTED_RE.match(line, i)
                assert umatch is not None  # the pattern matches the empty string
                values.append(umatch.group())
                last_quoted = None
                i = umatch.end()
            if i < n and line[i] == ",":
                i += 1
                continue
            break
        params.setdefault(pname, _caret_decode(",".join(values)))
        if i < n and line[i] not in ";:":  # junk after a quoted value: skip to a separator
            stop = min((k for k in (line.find(";", i), line.find(":", i)) if k != -1), default=n)
            i = stop
    if i < n and line[i] == ":":
        return _Prop(name, params, line[i + 1 :])
    if last_quoted is not None and ":" in last_quoted:
        # TZID="W. Europe Standard Time:20200910T090000": the quote swallowed the value.
        head, _, tail = last_quoted.rpartition(":")
        pname = next(reversed(params))
        params[pname] = head
        return _Prop(name, params, tail)
    return None


def _caret_decode(value: str) -> str:
    """RFC 6868 parameter escapes."""
    if "^" not in value:
        return value
    return re.sub(
        r"\^(.)", lambda m: {"n": "\n", "'": '"', "^": "^"}.get(m.group(1), m.group()), value
    )


_MAX_DEPTH: Final = 8  # VCALENDAR > VTIMEZONE > STANDARD is 3; deeper BEGINs are ignored


def _parse_components(lines: Iterable[str]) -> list[_Comp]:
    roots: list[_Comp] = []
    stack: list[_Comp] = []
    for line in lines:
        if not line.strip():
            continue
        prop = _parse_line(line)
        if prop is None:
            continue
        if prop.name == "BEGIN" and len(stack) < _MAX_DEPTH:
            name = prop.value.strip().upper()
            # A component never nests in one of its own kind: a BEGIN for an open one ends it.
            for k in range(len(stack) - 1, -1, -1):
                if stack[k].name == name:
                    del stack[k:]
                    break
            comp = _Comp(name)
            (stack[-1].children if stack else roots).append(comp)
            stack.append(comp)
        elif prop.name == "END":
            name = prop.value.strip().upper()
            for k in range(len(stack) - 1, -1, -1):
                if stack[k].name == name:
                    del stack[k:]
                    break
        elif stack:
            stack[-1].props.append(prop)
    return roots


def _walk_top(roots: list[_Comp]) -> Iterable[_Comp]:
    """Top-level components and the direct children of each VCALENDAR."""
    for root in roots:
        yield root
        if root.name == "VCALENDAR":
            yield from root.children


def _vevents(roots: list[_Comp]) -> Iterable[tuple[_Comp, str]]:
    for root in roots:
        if root.name == "VEVENT":
            yield root, ""
        elif root.name == "VCALENDAR":
            method = root.first("METHOD")
            name = method.value.strip().upper() if method else ""
            for child in root.children:
                if child.name == "VEVENT":
                    yield child, name


# ---------------------------------------------------------------------------------------------
# Property values


_TEXT_ESCAPE_RE: Final = re.compile(r"\\(.)", re.DOTALL)


def _unescape(value: str) -> str:
    return _TEXT_ESCAPE_RE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


_DATETIME_RE: Final = re.compile(
    r"(\d{4})-?(\d{2})-?(\d{2})"
    r"(?:[T ](\d{2}):?(\d{2})(?::?(\d{2}))?(?:[.,]\d{1,9})?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?",
    re.IGNORECASE,
)


def _parse_date_time(value: str) -> tuple[date | datetime, tzinfo | None]:
    """A DATE or a naive DATE-TIME, with UTC (or a fixed zone) if the value names one."""
    match = _DATETIME_RE.fullmatch(value.strip())
    if match is None:
        raise ValueError(f"bad date-time {value[:40]!r}")
    year, month, day, hour, minute, second, zone = match.groups()
    if hour is None:
        return date(int(year), int(month), int(day)), None
    naive = datetime(
        int(year), int(month), int(day), int(hour), int(minute), min(int(second or 0), 59)
    )
    if zone is None:
        return naive, None
    if zone.upper() == "Z":
        return naive, UTC
    offset = _parse_offset(zone)
    if offset is None:
        raise ValueError(f"bad offset {zone!r}")
    return naive, timezone(offset)


_OFFSET_RE: Final = re.compile(r"([+-])(\d{2}):?(\d{2})(?::?(\d{2}))?")


def _parse_offset(value: str) -> timedelta | None:
    match = _OFFSET_RE.fullmatch(value.strip())
    if match is None:
        return None
    sign, hours, minutes, seconds = match.groups()
    offset = timedelta(hours=int(hours), minutes=int(minutes), seconds=int(seconds or 0))
    if offset >= timedelta(hours=24):
        return None
    return -offset if sign == "-" else offset


_DURATION_RE: Final = re.compile(
    r"([+-])?P(?:(\d{1,6})W)?(?:(\d{1,6})D)?(?:T(?:(\d{1,7})H)?(?:(\d{1,9})M)?(?:(\d{1,9})S)?)?",
    re.IGNORECASE,
)


def _parse_duration(value: str) -> tuple[int, int] | None:
    """(days, seconds) of a non-negative RFC 5545 duration, or None."""
    match = _DURATION_RE.fullmatch(value.strip())
    if match is None or not any(match.groups()[1:]):
        return None
    sign, weeks, days, hours, minutes, seconds = match.groups()
    if sign == "-":
        return None
    total_days = int(weeks or 0) * 7 + int(days or 0)
    total_seconds = int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(seconds or 0)
    return total_days, total_seconds


def _parse_int(value: str) -> int:
    match = re.match(r"\s*\+?(\d{1,9})", value)
    return int(match.group(1)) if match else 0


def _short(value: str) -> str:
    """A value made safe and short for a log line."""
    return repr(value[:80])


# ---------------------------------------------------------------------------------------------
# Time zones


def _tzid_key(tzid: str) -> str:
    return " ".join(_unescape(tzid).strip().strip('"').split()).casefold()


def _name_key(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", plain.casefold().replace("&", " and ")).strip()


_WINDOWS_ZONES: Final = {name.casefold(): iana for name, iana in WINDOWS_TO_OLSON.items()}

# Outlook writes the display name of a Windows zone as the TZID. Keyed by the text after
# "(UTC+hh:mm)", normalised by `_name_key`.
_DISPLAY_NAMES: Final = {
    _name_key(display): iana
    for display, iana in {
        "International Date Line West": "Etc/GMT+12",
        "Hawaii": "Pacific/Honolulu",
        "Alaska": "America/Anchorage",
        "Pacific Time (US & Canada)": "America/Los_Angeles",
        "Pacific Time (US & Canada); Tijuana": "America/Los_Angeles",
        "Baja California": "America/Tijuana",
        "Tijuana, Baja California": "America/Tijuana",
        "Arizona": "America/Phoenix",
        "Mountain Time (US & Canada)": "America/Denver",
        "Chihuahua, La Paz, Mazatlan": "America/Chihuahua",
        "Central America": "America/Guatemala",
        "Central Time (US & Canada)": "America/Chicago",
        "Guadalajara, Mexico City, Monterrey": "America/Mexico_City",
        "Saskatchewan": "America/Regina",
        "Bogota, Lima, Quito": "America/Bogota",
        "Bogota, Lima, Quito, Rio Branco": "America/Bogota",
        "Eastern Time (US & Canada)": "America/New_York",
        "Indiana (East)": "America/Indiana/Indianapolis",
        "Caracas": "America/Caracas",
        "Atlantic Time (Canada)": "America/Halifax",
        "Georgetown, La Paz, Manaus, San Juan": "America/La_Paz",
        "Santiago": "America/Santiago",
        "Newfoundland": "America/St_Johns",
        "Brasilia": "America/Sao_Paulo",
        "Buenos Aires": "America/Argentina/Buenos_Aires",
        "City of Buenos Aires": "America/Argentina/Buenos_Aires",
        "Buenos Aires, Georgetown": "America/Argentina/Buenos_Aires",
        "Greenland": "America/Nuuk",
        "Montevideo": "America/Montevideo",
        "Azores": "Atlantic/Azores",
        "Cabo Verde Is.": "Atlantic/Cape_Verde",
        "Coordinated Universal Time": "UTC",
        "Dublin, Edinburgh, Lisbon, London": "Europe/London",
        "Greenwich Mean Time : Dublin, Edinburgh, Lisbon, London": "Europe/London",
        "Monrovia, Reykjavik": "Atlantic/Reykjavik",
        "Casablanca": "Africa/Casablanca",
        "Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna": "Europe/Berlin",
        "Belgrade, Bratislava, Budapest, Ljubljana, Prague": "Europe/Budapest",
        "Brussels, Copenhagen, Madrid, Paris": "Europe/Paris",
        "Sarajevo, Skopje, Warsaw, Zagreb": "Europe/Warsaw",
        "West Central Africa": "Africa/Lagos",
        "Athens, Bucharest": "Europe/Bucharest",
        "Athens, Bucharest, Istanbul": "Europe/Bucharest",
        "Beirut": "Asia/Beirut",
        "Cairo": "Africa/Cairo",
        "Harare, Pretoria": "Africa/Johannesburg",
        "Helsinki, Kyiv, Riga, Sofia, Tallinn, Vilnius": "Europe/Helsinki",
        "Helsinki, Kiev, Riga, Sofia, Tallinn, Vilnius": "Europe/Helsinki",
        "Jerusalem": "Asia/Jerusalem",
        "Amman": "Asia/Amman",
        "Istanbul": "Europe/Istanbul",
        "Kuwait, Riyadh": "Asia/Riyadh",
        "Baghdad": "Asia/Baghdad",
        "Nairobi": "Africa/Nairobi",
        "Moscow, St. Petersburg": "Europe/Moscow",
        "Moscow, St. Petersburg, Volgograd": "Europe/Moscow",
        "Tehran": "Asia/Tehran",
        "Abu Dhabi, Muscat": "Asia/Dubai",
        "Baku": "Asia/Baku",
        "Kabul": "Asia/Kabul",
        "Islamabad, Karachi": "Asia/Karachi",
        "Tashkent": "Asia/Tashkent",
        "Ekaterinburg": "Asia/Yekaterinburg",
        "Chennai, Kolkata, Mumbai, New Delhi": "Asia/Kolkata",
        "Sri Jayawardenepura": "Asia/Colombo",
        "Kathmandu": "Asia/Kathmandu",
        "Astana": "Asia/Almaty",
        "Dhaka": "Asia/Dhaka",
        "Yangon (Rangoon)": "Asia/Yangon",
        "Bangkok, Hanoi, Jakarta": "Asia/Bangkok",
        "Novosibirsk": "Asia/Novosibirsk",
        "Beijing, Chongqing, Hong Kong, Urumqi": "Asia/Shanghai",
        "Kuala Lumpur, Singapore": "Asia/Singapore",
        "Perth": "Australia/Perth",
        "Taipei": "Asia/Taipei",
        "Ulaanbaatar": "Asia/Ulaanbaatar",
        "Osaka, Sapporo, Tokyo": "Asia/Tokyo",
        "Seoul": "Asia/Seoul",
        "Adelaide": "Australia/Adelaide",
        "Darwin": "Australia/Darwin",
        "Brisbane": "Australia/Brisbane",
        "Canberra, Melbourne, Sydney": "Australia/Sydney",
        "Guam, Port Moresby": "Pacific/Port_Moresby",
        "Hobart": "Australia/Hobart",
        "Vladivostok": "Asia/Vladivostok",
        "Solomon Is., New Caledonia": "Pacific/Guadalcanal",
        "Auckland, Wellington": "Pacific/Auckland",
        "Fiji": "Pacific/Fiji",
        "Nuku'alofa": "Pacific/Tongatapu",
        "Samoa": "Pacific/Apia",
    }.items()
}

_DISPLAY_NAME_RE: Final = re.compile(
    r"\(\s*(?:UTC|GMT)\s*(?:([+-])\s*(\d{1,2})(?:\s*[:.]\s*(\d{2}))?)?\s*\)\s*(.*)",
    re.IGNORECASE | re.DOTALL,
)
_IANA_RE: Final = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+){0,3}")


def _iana_zone(name: str) -> tzinfo | None:
    """An IANA zone for `name`, also for "/vendor/prefix/Area/City" TZIDs (RFC 5545 3.2.19)."""
    name = name.strip()
    parts = [p for p in name.split("/") if p]
    candidates = (
        ["/".join(parts[k:]) for k in range(len(parts))] if name.startswith("/") else [name]
    )
    for candidate in candidates:
        if len(candidate) > 64 or not _IANA_RE.fullmatch(candidate):
            continue
        if candidate.upper() in ("UTC", "Z", "GMT", "ETC/UTC", "ETC/GMT"):
            return UTC
        try:
            return zoneinfo.ZoneInfo(candidate)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            continue
    return None


class _Zones:
    """Resolves TZID parameters, in this order: an IANA Area/City name (tzdata is more exact
    than a VTIMEZONE copied from it); the calendar's VTIMEZONE of that TZID (compared after
    unescaping, so it may override a Windows name or a bare name such as EST); any other IANA
    name; a Windows zone name; an Outlook display name; the offset written in a display name.
    An unknown TZID is read in the user's zone."""

    def __init__(self, vtimezones: list[_Comp], user_tz: tzinfo) -> None:
        self.user_tz = user_tz
        self._definitions: dict[str, _Comp] = {}
        for comp in vtimezones:
            tzid = comp.first("TZID")
            if tzid is not None:
                self._definitions.setdefault(_tzid_key(tzid.value), comp)
        self._cache: dict[str, tzinfo] = {}

    def get(self, tzid: str) -> tzinfo:
        key = _tzid_key(tzid)
        if not key:
            return self.user_tz
        if key not in self._cache:
            self._cache[key] = self._resolve(tzid, key)
        return self._cache[key]

    def _resolve(self, tzid: str, key: str) -> tzinfo:
        name = " ".join(_unescape(tzid).strip().strip('"').split())
        zone = _iana_zone(name)
        if zone is not None and "/" in name:
            return zone
        definition = self._definitions.get(key)
        vtimezone = _VTimezone.from_component(name, definition) if definition else None
        if vtimezone is not None:
            return vtimezone
        if zone is not None:
            return zone
        windows = _WINDOWS_ZONES.get(key)
        if windows is not None:
            zone = _iana_zone(windows)
            if zone is not None:
                return zone
        match = _DISPLAY_NAME_RE.fullmatch(name)
        iana = _DISPLAY_NAMES.get(_name_key(match.group(4) if match else name))
        if iana is not None:
            zone = _iana_zone(iana)
            if zone is not None:
                return zone
        if match is not None:
            sign, hours, minutes, _ = match.groups()
            offset = timedelta(hours=int(hours or 0), minutes=int(minutes or 0))
            if offset <= timedelta(hours=14):
                return timezone(-offset if sign == "-" else offset)
        _log.warning("unknown TZID %s: reading its times in the user's zone", _short(name))
        return self.user_tz


@dataclass(frozen=True)
class _TzRule:
    """The YEARLY rules that VTIMEZONE observances use; anything else is not evaluated."""

    interval: int
    months: tuple[int, ...]
    weekdays: tuple[tuple[int, int], ...]  # (weekday, ordinal); ordinal 0 means every one
    monthdays: tuple[int, ...]
    until: datetime | None  # compared with onsets in UTC
    count: int | None


@dataclass
class _Observance:
    start: datetime  # local wall-clock time, in offset_from
    offset_from: timedelta
    offset_to: timedelta
    is_dst: bool
    name: str
    rule: _TzRule | None
    rdates: tuple[datetime, ...]

    def onsets_in(self, year: int) -> list[datetime]:
        found = [d for d in (self.start, *self.rdates) if d.year == year]
        rule = self.rule
        if rule is None or year < self.start.year or (year - self.start.year) % rule.interval:
            return found
        if rule.count is not None and (year - self.start.year) // rule.interval >= rule.count:
            return found
        for month in rule.months or (self.start.month,):
            last = calendar.monthrange(year, month)[1]
            days = [d for d in (_month_day(md, last) for md in rule.monthdays) if d]
            if rule.weekdays:
                chosen: set[int] = set()
                for weekday, nth in rule.weekdays:
                    matching = [
                        d for d in range(1, last + 1) if date(year, month, d).weekday() == weekday
                    ]
                    if nth == 0:
                        chosen.update(matching)
                    elif 0 < abs(nth) <= len(matching):
                        chosen.add(matching[nth - 1 if nth > 0 else nth])
                days = sorted(chosen & set(days)) if rule.monthdays else sorted(chosen)
            elif not rule.monthdays:
                days = [self.start.day] if self.start.day <= last else []
            for day in days:
                onset = self.start.replace(year=year, month=month, day=day)
                if onset >= self.start and (
                    rule.until is None or onset - self.offset_from <= rule.until
                ):
                    found.append(onset)
        return found


def _month_day(monthday: int, last: int) -> int:
    day = monthday if monthday > 0 else last + 1 + monthday
    return day if 1 <= day <= last else 0


_WEEKDAYS: Final = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
_BYDAY_RE: Final = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")


def _rule_parts(value: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for item in value.split(";"):
        key, _, val = item.partition("=")
        if key.strip():
            parts.setdefault(key.strip().upper(), val.strip().upper())
    return parts


def _int_list(value: str, low: int, high: int) -> tuple[int, ...]:
    items = [v.strip() for v in value.split(",") if v.strip()]
    if len(items) > 366 or not all(re.fullmatch(r"[+-]?\d{1,3}", v) for v in items):
        raise ValueError(f"bad number list {value[:40]!r}")
    numbers = tuple(int(v) for v in items)
    if not all(low <= v <= high and (v != 0 or low == 0) for v in numbers):
        raise ValueError(f"number out of range in {value[:40]!r}")
    return numbers


def _weekday_list(value: str) -> tuple[tuple[int, int], ...]:
    out = []
    for item in value.split(","):
        match = _BYDAY_RE.fullmatch(item.strip())
        if match is None:
            raise ValueError(f"bad BYDAY {value[:40]!r}")
        nth = int(match.group(1) or 0)
        if abs(nth) > 53:
            raise ValueError(f"bad BYDAY {value[:40]!r}")
        out.append((_WEEKDAYS[match.group(2)], nth))
    return tuple(out)


def _parse_tz_rule(value: str) -> _TzRule | None:
    parts = _rule_parts(value)
    if parts.get("FREQ") != "YEARLY":
        return None
    try:
        until = None
        if "UNTIL" in parts:
            parsed, _ = _parse_date_time(parts["UNTIL"])
            until = (
                parsed if isinstance(parsed, datetime) else datetime.combine(parsed, clock_time())
            )
        return _TzRule(
            interval=max(1, _parse_int(parts.get("INTERVAL", "1"))),
            months=_int_list(parts["BYMONTH"], 1, 12) if "BYMONTH" in parts else (),
            weekdays=_weekday_list(parts["BYDAY"]) if "BYDAY" in parts else (),
            monthdays=_int_list(parts["BYMONTHDAY"], -31, 31) if "BYMONTHDAY" in parts else (),
            until=until,
            count=_parse_int(parts["COUNT"]) if "COUNT" in parts else None,
        )
    except ValueError:
        return None


class _VTimezone(tzinfo):
    """A zone defined by a VTIMEZONE: for a wall-clock time, the observance with the latest
    onset at or before it. Only YEARLY rules are evaluated (they are all that producers emit),
    which keeps a hostile rule from costing anything."""

    def __init__(self, name: str, observances: list[_Observance]) -> None:
        self._name = name
        self._observances = observances
        self._earliest = min(observances, key=lambda o: o.start)
        self._offsets = list(dict.fromkeys(o.offset_to for o in observances))
        self._years: dict[int, list[tuple[datetime, _Observance]]] = {}

    @classmethod
    def from_component(cls, name: str, comp: _Comp) -> _VTimezone | None:
        observances = []
        for child in comp.children[:20]:
            if child.name not in ("STANDARD", "DAYLIGHT"):
                continue
            start_prop, to_prop = child.first("DTSTART"), child.first("TZOFFSETTO")
            offset_to = _parse_offset(to_prop.value) if to_prop else None
            if start_prop is None or offset_to is None:
                continue
            from_prop = child.first("TZOFFSETFROM")
            offset_from = (_parse_offset(from_prop.value) if from_prop else None) or offset_to
            try:
                start = _naive(_parse_date_time(start_prop.value)[0])
                rdates = tuple(
                    _naive(_parse_date_time(v)[0])
                    for p in child.all("RDATE")
                    for v in p.value.split(",")[:_MAX_LIST_ITEMS]
                )
            except ValueError:
                continue
            rule_prop = child.first("RRULE")
            observances.append(
                _Observance(
                    start=start,
                    offset_from=offset_from,
                    offset_to=offset_to,
                    is_dst=child.name == "DAYLIGHT",
                    name=child.text("TZNAME") or name,
                    rule=_parse_tz_rule(rule_prop.value) if rule_prop else None,
                    rdates=rdates,
                )
            )
        return cls(name, observances) if observances else None

    def _onsets(self, year: int) -> list[tuple[datetime, _Observance]]:
        if year not in self._years:
            self._years[year] = sorted(
                ((onset, obs) for obs in self._observances for onset in obs.onsets_in(year)),
                key=lambda pair: pair[0],
            )
        return self._years[year]

    def _offset_at(self, wall: datetime) -> tuple[timedelta, _Observance | None]:
        for year in (wall.year, wall.year - 1):
            if year < 1:
                break
            before = [pair for pair in self._onsets(year) if pair[0] <= wall]
            if before:
                return before[-1][1].offset_to, before[-1][1]
        # Nothing in the last two years: the latest single onset, then the last rule onset.
        best: tuple[datetime, _Observance] | None = None
        for obs in self._observances:
            candidates = [d for d in (obs.start, *obs.rdates) if d <= wall]
            if obs.rule is not None and obs.rule.until is not None:
                last_year = min(wall.year - 2, obs.rule.until.year)
                for year in (last_year, last_year - 1):
                    if year >= 1:
                        candidates += [d for d in obs.onsets_in(year) if d <= wall]
            for onset in candidates:
                if best is None or onset > best[0]:
                    best = (onset, obs)
        if best is None:
            return self._earliest.offset_from, None
        return best[1].offset_to, best[1]

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return self._offset_at(dt.replace(tzinfo=None))[0] if dt is not None else timedelta(0)

    def dst(self, dt: datetime | None) -> timedelta:
        if dt is None:
            return timedelta(0)
        _, obs = self._offset_at(dt.replace(tzinfo=None))
        return obs.offset_to - obs.offset_from if obs is not None and obs.is_dst else timedelta(0)

    def tzname(self, dt: datetime | None) -> str:
        if dt is None:
            return self._name
        _, obs = self._offset_at(dt.replace(tzinfo=None))
        return obs.name if obs is not None else self._name

    def fromutc(self, dt: datetime) -> datetime:
        utc = dt.replace(tzinfo=None)
        for offset in self._offsets:
            wall = utc + offset
            if self._offset_at(wall)[0] == offset:
                return wall.replace(tzinfo=self)
        return (utc + self._offset_at(utc)[0]).replace(tzinfo=self)

    def __repr__(self) -> str:
        return f"<VTIMEZONE {self._name!r}>"


def _naive(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, clock_time())


@dataclass(frozen=True)
class _When:
    """A DATE (all-day, read in the user's zone) or a wall-clock DATE-TIME in a zone."""

    value: date | datetime
    tz: tzinfo

    @property
    def is_date(self) -> bool:
        return not isinstance(self.value, datetime)

    def utc(self) -> datetime:
        return _naive(self.value).replace(tzinfo=self.tz).astimezone(UTC)

    def wall(self, tz: tzinfo) -> datetime:
        """This instant as a wall-clock time in `tz`."""
        if not self.is_date and self.tz is tz:
            return _naive(self.value)
        return self.utc().astimezone(tz).replace(tzinfo=None)


def _read_when(prop: _Prop, zones: _Zones) -> _When:
    value, fixed = _parse_date_time(prop.value)
    if not isinstance(value, datetime):
        return _When(value, zones.user_tz)
    if fixed is not None:
        return _When(value, fixed)
    return _When(value, zones.get(prop.params.get("TZID", "")))


def _read_when_list(props: list[_Prop], zones: _Zones) -> list[_When]:
    out = []
    for prop in props:
        for item in prop.value.split(",")[:_MAX_LIST_ITEMS]:
            start = item.split("/", 1)[0]  # a PERIOD: its start is the occurrence
            try:
                out.append(_read_when(dataclasses.replace(prop, value=start), zones))
            except ValueError:
                continue
    return out


# ---------------------------------------------------------------------------------------------
# Events


@dataclass
class _Event:
    """One parsed VEVENT with what expansion needs beside its `CalEvent`."""

    index: int
    event: CalEvent
    start: _When
    end: _When | None  # DTEND, or DTSTART plus DURATION for all-day events
    rrules: list[str]
    rdates: list[_When]
    exdates: list[_When]
    recurrence_id: _When | None
    this_and_future: bool

    @property
    def is_master(self) -> bool:
        return self.recurrence_id is None and bool(self.rrules or self.rdates)


def _read_event(comp: _Comp, method: str, zones: _Zones, index: int) -> _Event:
    start_prop = comp.first("DTSTART")
    if start_prop is None:
        raise ValueError("no DTSTART")
    start = _read_when(start_prop, zones)
    start_utc = start.utc()

    end, end_utc = _read_end(comp, start, zones)
    if end_utc is not None and end_utc < start_utc:
        _log.warning("VEVENT %s ends before it starts; ignoring its end", _short(_uid(comp)))
        end, end_utc = None, None

    recurrence_id: _When | None = None
    this_and_future = False
    rid_prop = comp.first("RECURRENCE-ID")
    if rid_prop is not None:
        recurrence_id = _read_when(rid_prop, zones)
        this_and_future = rid_prop.params.get("RANGE", "").upper() == "THISANDFUTURE"

    status = comp.text("STATUS").strip().upper()
    event = CalEvent(
        uid=_uid(comp),
        method=method,
        sequence=_parse_int(comp.text("SEQUENCE")),
        dtstamp=_dtstamp(comp, zones),
        start=start_utc,
        end=end_utc,
        all_day=start.is_date,
        summary=comp.text("SUMMARY").strip(),
        description=_description(comp),
        location=comp.text("LOCATION").strip(),
        status="CANCELLED" if status == "CANCELED" else status,
        organizer=_person(comp.first("ORGANIZER")),
        attendees=tuple(a for a in map(_person, comp.all("ATTENDEE")) if a is not None),
        conference_url=_conference_url(comp),
        recurrence_id=recurrence_id.utc() if recurrence_id is not None else None,
    )
    return _Event(
        index=index,
        event=event,
        start=start,
        end=end,
        rrules=[p.value for p in comp.all("RRULE")][:4],
        rdates=_read_when_list(comp.all("RDATE"), zones),
        exdates=_read_when_list(comp.all("EXDATE"), zones),
        recurrence_id=recurrence_id,
        this_and_future=this_and_future,
    )


def _read_end(comp: _Comp, start: _When, zones: _Zones) -> tuple[_When | None, datetime | None]:
    """DTEND, else DTSTART plus DURATION, else a day for an all-day event, else nothing. The
    `_When` is kept for date ends, which expansion needs."""
    end_prop, duration_prop = comp.first("DTEND"), comp.first("DURATION")
    duration = _parse_duration(duration_prop.value) if duration_prop else None
    try:
        if end_prop is not None:
            end = _read_when(end_prop, zones)
            return end, end.utc()
    except (ValueError, OverflowError):
        pass  # an unreadable DTEND: fall back on DURATION
    try:
        if duration is not None and start.is_date and not duration[1]:
            end = _When(start.value + timedelta(days=duration[0]), start.tz)
            return end, end.utc()
        if duration is not None:  # days are nominal (DST), seconds exact (RFC 5545 3.3.6)
            wall = _naive(start.value) + timedelta(days=duration[0])
            exact = timedelta(seconds=duration[1])
            return None, wall.replace(tzinfo=start.tz).astimezone(UTC) + exact
        if start.is_date:
            end = _When(start.value + timedelta(days=1), start.tz)
            return end, end.utc()
    except (ValueError, OverflowError):
        pass
    return None, None


def _uid(comp: _Comp) -> str:
    uid = comp.text("UID").strip()
    if uid:
        return uid
    # No UID (RFC 5545 requires one): derive a stable one from what identifies the event.
    seed = "\n".join(
        p.value for name in ("DTSTART", "SUMMARY", "ORGANIZER") if (p := comp.first(name))
    )
    return "missing-uid-" + hashlib.sha256(seed.encode("utf-8", "replace")).hexdigest()[:24]


def _dtstamp(comp: _Comp, zones: _Zones) -> datetime | None:
    prop = comp.first("DTSTAMP")
    if prop is None:
        return None
    try:
        value, fixed = _parse_date_time(prop.value)
        if isinstance(value, datetime) and fixed is None and "TZID" in prop.params:
            fixed = zones.get(prop.params["TZID"])
        return _naive(value).replace(tzinfo=fixed or UTC).astimezone(UTC)  # RFC: always UTC
    except (ValueError, OverflowError):
        return None


def _person(prop: _Prop | None) -> Attendee | None:
    if prop is None:
        return None
    value = prop.value.strip().strip('"').strip()
    if value.lower().startswith("mailto:"):
        email = value[7:].strip()
    elif "@" in value and ":" not in value:
        email = value
    else:  # urn:uuid:..., invalid:nomail: Apple puts the address in EMAIL=
        email = prop.params.get("EMAIL", "").strip()
    email = email.lower() if "@" in email and " " not in email else ""
    name = " ".join(prop.params.get("CN", "").split())
    if len(name) > 1 and name[0] == name[-1] == '"':  # quoted twice
        name = name[1:-1].strip()
    if re.fullmatch(r"(?:mailto:)?[^\s@]+@[^\s@]+", name, re.IGNORECASE):
        name = ""  # a CN that is an address (Google writes the attendee's own) is no name
    if not name and not email:
        return None

    def param(key: str, default: str) -> str:
        return prop.params.get(key, "").strip().upper() or default

    return Attendee(
        name=name,
        email=email,
        cutype=param("CUTYPE", "INDIVIDUAL"),
        role=param("ROLE", "REQ-PARTICIPANT"),
        partstat=param("PARTSTAT", "NEEDS-ACTION"),
    )


_HTML_RE: Final = re.compile(
    r"</?(?:a|b|i|u|p|br|hr|div|span|strong|em|font|ul|ol|li|table|tbody|thead|tr|td|th|"
    r"html|head|body|meta|style|img|h[1-6]|blockquote|pre|center)\b[^<>]*>",
    re.IGNORECASE,
)
_ANGLE_URL_RE: Final = re.compile(r"<((?:https?|mailto|tel):[^<>\s]*)>", re.IGNORECASE)


def _description(comp: _Comp) -> str:
    text = comp.text("DESCRIPTION")
    if not text.strip():
        text = comp.text("X-ALT-DESC")
    if _HTML_RE.search(text):
        text = _html_to_text(text)
    return text.strip()


class _TextExtractor(HTMLParser):
    _BREAKS: Final = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        elif tag in self._BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BREAKS and tag != "br":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _html_to_text(markup: str) -> str:
    """Text of an HTML description. Newlines in the source are kept, because Google mixes
    escaped newlines with markup; `text<https://...>` links (Outlook's plain text) survive."""
    markup = _ANGLE_URL_RE.sub(r" \1 ", markup)
    extractor = _TextExtractor()
    try:
        extractor.feed(markup)
        extractor.close()
        text = "".join(extractor.parts)
    except AssertionError:  # html.parser on some "<![" constructs
        text = html.unescape(re.sub(r"<[^<>]*>", " ", markup))
    text = text.replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


_CONFERENCE_RE: Final = re.compile(
    r"(?:https?://|(?<![\w.@/-]))"
    r"(?:teams\.microsoft\.(?:com|us)/(?:l/meetup-join|meet)/"
    r"|teams\.live\.com/meet/"
    r"|teams\.cloud\.microsoft/(?:l/meetup-join|meet)/"
    r"|(?:[a-z0-9-]+\.)*(?:zoom\.us|zoomgov\.com)/(?:j|w|my|s)/"
    r"|meet\.google\.com/[a-z]{3}-[a-z]{4}-[a-z]{3}(?![a-z-])"
    r"|(?!www\.)[a-z0-9-]+(?:\.[a-z0-9-]+)*\.webex\.com/(?!downloads)"
    r"|(?:www\.)?bluejeans\.com/(?:m/)?\d"
    r"|facetime\.apple\.com/join"
    r"|(?:[a-z0-9-]+\.)?whereby\.com/(?!information|user|org)[a-z0-9]"
    r"|(?:app\.)?chime\.aws/(?:meetings/)?\d"
    r")[^\s<>\"'\\]*",
    re.IGNORECASE,
)


def _conference_url(comp: _Comp) -> str:
    for name in ("X-GOOGLE-CONFERENCE", "X-MICROSOFT-SKYPETEAMSMEETINGURL", "CONFERENCE"):
        for prop in comp.all(name):
            value = prop.value.strip()
            if re.fullmatch(r"https?://\S+", value, re.IGNORECASE):
                return value
    for name in ("URL", "LOCATION", "DESCRIPTION", "X-ALT-DESC"):
        url = conference_link(comp.text(name))
        if url:
            return url
    return ""


def conference_link(text: str) -> str:
    """The first join URL (Zoom, Meet, Teams, Webex, BlueJeans, FaceTime, Whereby, Chime) in
    a text, "" when there is none."""
    match = _CONFERENCE_RE.search(text)
    if match is None:
        return ""
    url = match.group().rstrip(".,;:!?)]}")
    return url if url.lower().startswith("http") else "https://" + url


# ---------------------------------------------------------------------------------------------
# Series and expansion


def _assemble(
    events: list[_Event], window: tuple[datetime, datetime] | None, limit: int, user_tz: tzinfo
) -> list[CalEvent]:
    series: dict[str, list[_Event]] = {}
    for ev in events:
        series.setdefault(ev.event.uid, []).append(ev)
    _align_all_day_recurrence_ids(series)

    expanded: dict[str, list[CalEvent]] = {}
    masters = {uid: _master(members) for uid, members in series.items()}
    if window is not None and limit > 0:
        recurring = [(uid, m) for uid, m in masters.items() if m is not None]
        now = time.monotonic()
        deadline = now + _EXPANSION_SECONDS + _SECONDS_PER_SERIES * len(recurring)
        for uid, master in recurring:
            series_deadline = min(deadline, time.monotonic() + _SERIES_SECONDS)
            result = _expand(master, series[uid], window, limit, user_tz, series_deadline)
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


def _master(members: list[_Event]) -> _Event | None:
    """The copy of the series that wins (highest SEQUENCE, then latest DTSTAMP), if it recurs."""
    cores = [m for m in members if m.recurrence_id is None]
    if not cores:
        return None
    oldest = datetime.min.replace(tzinfo=UTC)
    best = max(cores, key=lambda m: (m.event.sequence, m.event.dtstamp or oldest))
    return best if best.is_master else None


def _align_all_day_recurrence_ids(series: dict[str, list[_Event]]) -> None:
    """Exchange gives all-day overrides a DATE-TIME RECURRENCE-ID at local midnight; read it as
    the date it names, so it matches the occurrence it replaces."""
    for members in series.values():
        master = _master(members)
        if master is None or not master.start.is_date:
            continue
        for m in members:
            rid = m.recurrence_id
            if rid is not None and not rid.is_date:
                m.recurrence_id = _When(_naive(rid.value).date(), master.start.tz)
                m.event = dataclasses.replace(m.event, recurrence_id=m.recurrence_id.utc())


class _Refused(Exception):
    """A rule that is not expanded; the message says why."""


class _BudgetExceeded(Exception):
    pass


@dataclass
class _Budget:
    end: datetime  # the end of the window, as a wall-clock time in the series' zone
    deadline: float  # time.monotonic()


_BUDGET: Final = contextvars.ContextVar[_Budget | None]("_BUDGET", default=None)


class _BoundedRule(rrule):
    """A dateutil rrule that raises `_BudgetExceeded` once it has iterated `_SPARE_PERIODS`
    past the budget's end, or past its deadline. dateutil reads `_byeaster` each time its
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
            if state["_ia_ticks"] > state["_ia_limit"] or time.monotonic() > budget.deadline:
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
    master: _Event,
    members: list[_Event],
    window: tuple[datetime, datetime],
    limit: int,
    user_tz: tzinfo,
    deadline: float,
) -> list[CalEvent] | None:
    """The occurrences of one series that overlap `window`, earliest first, at most `limit`;
    None when the series is left unexpanded."""
    uid = _short(master.event.uid)
    if time.monotonic() > deadline:
        _log.warning("series %s not expanded: the expansion time budget is spent", uid)
        return None
    zone = master.start.tz
    span = max(_length(m) for m in members) + timedelta(days=1)
    try:
        low = (window[0] - span).astimezone(zone).replace(tzinfo=None)
        high = (window[1] + timedelta(days=1)).astimezone(zone).replace(tzinfo=None)
        cal = icalendar.Calendar()
        for member in members:
            if member is master or member.recurrence_id is not None:
                cal.add_component(_series_component(member, master, low, high))
    except (_Refused, ValueError, OverflowError) as exc:
        _log.warning("series %s not expanded: %s", uid, exc)
        return None

    by_index = {m.index: m for m in members}
    found: list[CalEvent] = []
    token = _BUDGET.set(_Budget(high, deadline))
    try:
        query = recurring_ical_events.of(
            cal,
            components=[recurring_ical_events.ComponentsWithName("VEVENT", series=_BoundedSeries)],
        )
        for component in query.after(low):
            if _naive(component.decoded("DTSTART")) > high:
                break
            occurrence = _occurrence(component, by_index, master, user_tz)
            if occurrence is not None and _overlaps(occurrence, window):
                found.append(occurrence)
                if len(found) >= limit:
                    _log.info("series %s: keeping its first %d occurrences", uid, limit)
                    break
            if time.monotonic() > deadline:
                raise _BudgetExceeded
    except _BudgetExceeded:
        _log.warning("series %s: expansion stopped at its budget", uid)
        if not found:
            return None
    except Exception as exc:  # recurring_ical_events and dateutil meeting hostile input
        _log.warning("series %s not expanded: %s", uid, type(exc).__name__)
        return None
    finally:
        _BUDGET.reset(token)
    found.sort(key=lambda e: e.start)
    return found


def _length(member: _Event) -> timedelta:
    end = member.event.end
    return end - member.event.start if end is not None else timedelta(0)


def _overlaps(event: CalEvent, window: tuple[datetime, datetime]) -> bool:
    end = event.end if event.end is not None and event.end > event.start else event.start
    return event.start < window[1] and (end > window[0] or event.start >= window[0])


def _series_value(when: _When, master: _Event) -> date | datetime:
    """`when` as the master's DTSTART is written: a date, or a wall-clock time in its zone."""
    if master.start.is_date:
        return when.value if when.is_date else _naive(when.value).date()
    return when.wall(master.start.tz)


def _series_component(
    member: _Event, master: _Event, low: datetime, high: datetime
) -> icalendar.Event:
    """A stripped VEVENT for recurring_ical_events, every time floating in the series' zone.
    It has no end: ends are taken from the parsed events."""
    comp = icalendar.Event()
    comp.add("UID", member.event.uid)
    comp.add("SEQUENCE", member.event.sequence)
    comp.add("X-IA-INDEX", str(member.index))
    start = _series_value(member.start, master)
    if member is master:
        plans = [_plan_rule(rule, _naive(start), master, low, high) for rule in member.rrules]
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
    component: icalendar.Component, by_index: dict[int, _Event], master: _Event, user_tz: tzinfo
) -> CalEvent | None:
    source = by_index.get(int(str(component.get("X-IA-INDEX", "-1"))))
    if source is None:
        return None
    start_value = component.decoded("DTSTART")
    if source.recurrence_id is not None and start_value == _series_value(source.start, master):
        return source.event  # an override, exactly as it was written
    start = _When(start_value, master.start.tz if isinstance(start_value, datetime) else user_tz)
    start_utc = start.utc()
    end_utc: datetime | None = None
    if source.end is not None and source.end.is_date and start.is_date:
        length = _naive(source.end.value) - _naive(source.start.value)
        end_utc = _When((_naive(start.value) + length).date(), user_tz).utc()
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
    text: str, start: datetime, master: _Event, low: datetime, high: datetime
) -> tuple[str, datetime] | None:
    """The rule rewritten so that dateutil does bounded work, with the DTSTART to use it with;
    None, with a log line, for a rule that is not expanded. All-day rules arrive with `start`
    at midnight and get a DATE UNTIL."""
    try:
        return _rewrite_rule(_rule_parts(text), start, master.start, low, high)
    except (_Refused, ValueError, OverflowError) as exc:
        _log.warning("series %s: not expanding its RRULE: %s", _short(master.event.uid), exc)
        return None


def _rewrite_rule(
    parts: dict[str, str], start: datetime, master_start: _When, low: datetime, high: datetime
) -> tuple[str, datetime]:
    all_day = master_start.is_date
    freq = parts.get("FREQ", "")
    if freq not in _FREQS or (all_day and freq == "HOURLY"):
        raise _Refused(f"FREQ={freq[:20]} is not expanded")
    interval = _parse_int(parts.get("INTERVAL", "1"))
    if not 1 <= interval <= 1000:
        raise _Refused("INTERVAL out of range")
    count = _parse_int(parts["COUNT"]) if "COUNT" in parts else None
    if count is not None and count < 1:
        raise _Refused("COUNT out of range")
    by: dict[str, str] = {}
    for key, value in parts.items():
        if key in _INT_PARTS:
            _int_list(value, *_INT_PARTS[key])
            by[key] = value
        elif key == "BYDAY":
            _weekday_list(value)
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
        given, fixed = _parse_date_time(parts["UNTIL"])
        if isinstance(given, datetime) and fixed is not None:
            given = given.replace(tzinfo=fixed).astimezone(master_start.tz).replace(tzinfo=None)
        if isinstance(given, datetime) and not all_day:
            until = given
        else:  # a DATE UNTIL takes in the whole day
            until = datetime.combine(
                _naive(given).date(), clock_time() if all_day else clock_time.max
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
    if parts.get("WKST") in _WEEKDAYS:
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
