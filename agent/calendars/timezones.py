"""Time zones of iCalendar times (RFC 5545 sections 3.2.19 and 3.6.5): resolving a TZID
parameter to a `tzinfo`, and the wall-clock times (`When`) read with it.

A TZID may be an IANA name (also behind a "/vendor/" prefix), a VTIMEZONE in the same calendar
(its STANDARD/DAYLIGHT observances and their RRULEs become a `tzinfo`), a Windows zone name, an
Outlook display name ("(UTC+01:00) Amsterdam, Berlin, ...") or only the offset written in one.
An unknown TZID is read in the user's zone, with a warning. Pure: no network, no clock.
"""

from __future__ import annotations

import calendar
import dataclasses
import logging
import re
import unicodedata
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from datetime import time as clock_time
from typing import Final

from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from agent.calendars.ical_syntax import (
    Comp,
    Prop,
    int_list,
    parse_date_time,
    parse_int,
    parse_offset,
    rule_parts,
    shortened,
    unescape,
    weekday_list,
)

_log = logging.getLogger(__name__)


_MAX_LIST_ITEMS: Final = 1000  # RDATE/EXDATE values kept per event


# ---------------------------------------------------------------------------------------------
# Time zones


def _tzid_key(tzid: str) -> str:
    return " ".join(unescape(tzid).strip().strip('"').split()).casefold()


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


class Zones:
    """Resolves TZID parameters, in this order: an IANA Area/City name (tzdata is more exact
    than a VTIMEZONE copied from it); the calendar's VTIMEZONE of that TZID (compared after
    unescaping, so it may override a Windows name or a bare name such as EST); any other IANA
    name; a Windows zone name; an Outlook display name; the offset written in a display name.
    An unknown TZID is read in the user's zone."""

    def __init__(self, vtimezones: list[Comp], user_tz: tzinfo) -> None:
        self.user_tz = user_tz
        self._definitions: dict[str, Comp] = {}
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
        name = " ".join(unescape(tzid).strip().strip('"').split())
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
        _log.warning("unknown TZID %s: reading its times in the user's zone", shortened(name))
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


def _parse_tz_rule(value: str) -> _TzRule | None:
    parts = rule_parts(value)
    if parts.get("FREQ") != "YEARLY":
        return None
    try:
        until = None
        if "UNTIL" in parts:
            parsed, _ = parse_date_time(parts["UNTIL"])
            until = (
                parsed if isinstance(parsed, datetime) else datetime.combine(parsed, clock_time())
            )
        return _TzRule(
            interval=max(1, parse_int(parts.get("INTERVAL", "1"))),
            months=int_list(parts["BYMONTH"], 1, 12) if "BYMONTH" in parts else (),
            weekdays=weekday_list(parts["BYDAY"]) if "BYDAY" in parts else (),
            monthdays=int_list(parts["BYMONTHDAY"], -31, 31) if "BYMONTHDAY" in parts else (),
            until=until,
            count=parse_int(parts["COUNT"]) if "COUNT" in parts else None,
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
    def from_component(cls, name: str, comp: Comp) -> _VTimezone | None:
        observances = []
        for child in comp.children[:20]:
            if child.name not in ("STANDARD", "DAYLIGHT"):
                continue
            start_prop, to_prop = child.first("DTSTART"), child.first("TZOFFSETTO")
            offset_to = parse_offset(to_prop.value) if to_prop else None
            if start_prop is None or offset_to is None:
                continue
            from_prop = child.first("TZOFFSETFROM")
            offset_from = (parse_offset(from_prop.value) if from_prop else None) or offset_to
            try:
                start = naive(parse_date_time(start_prop.value)[0])
                rdates = tuple(
                    naive(parse_date_time(v)[0])
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


def naive(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, clock_time())


@dataclass(frozen=True)
class When:
    """A DATE (all-day, read in the user's zone) or a wall-clock DATE-TIME in a zone."""

    value: date | datetime
    tz: tzinfo

    @property
    def is_date(self) -> bool:
        return not isinstance(self.value, datetime)

    def utc(self) -> datetime:
        return naive(self.value).replace(tzinfo=self.tz).astimezone(UTC)

    def wall(self, tz: tzinfo) -> datetime:
        """This instant as a wall-clock time in `tz`."""
        if not self.is_date and self.tz is tz:
            return naive(self.value)
        return self.utc().astimezone(tz).replace(tzinfo=None)


def read_when(prop: Prop, zones: Zones) -> When:
    value, fixed = parse_date_time(prop.value)
    if not isinstance(value, datetime):
        return When(value, zones.user_tz)
    if fixed is not None:
        return When(value, fixed)
    return When(value, zones.get(prop.params.get("TZID", "")))


def read_when_list(props: list[Prop], zones: Zones) -> list[When]:
    out = []
    for prop in props:
        for item in prop.value.split(",")[:_MAX_LIST_ITEMS]:
            start = item.split("/", 1)[0]  # a PERIOD: its start is the occurrence
            try:
                out.append(read_when(dataclasses.replace(prop, value=start), zones))
            except ValueError:
                continue
    return out
