"""iCalendar syntax (RFC 5545): unfolding content lines (section 3.1), parameters, nested
components, and the property value types this agent reads: TEXT, DATE, DATE-TIME, DURATION,
UTC-OFFSET, INTEGER and the parts of a RECUR value (section 3.3).

Pure and lenient: what real producers get wrong (stray blank lines, ";;" in parameters, folding
inside a UTF-8 sequence, `TZID="Zone:20200910T090000"`) is read rather than rejected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Final

_MAX_TEXT_CHARS: Final = 100_000  # DESCRIPTION and X-ALT-DESC are cut here before any work


# ---------------------------------------------------------------------------------------------
# Content lines and components (RFC 5545 section 3.1)


@dataclass(frozen=True)
class Prop:
    name: str
    params: dict[str, str]
    value: str


@dataclass
class Comp:
    name: str
    props: list[Prop] = field(default_factory=list)
    children: list[Comp] = field(default_factory=list)

    def first(self, name: str) -> Prop | None:
        return next((p for p in self.props if p.name == name), None)

    def all(self, name: str) -> list[Prop]:
        return [p for p in self.props if p.name == name]

    def text(self, name: str) -> str:
        prop = self.first(name)
        return unescape(prop.value[:_MAX_TEXT_CHARS]) if prop else ""


def content_lines(text: str) -> list[str]:
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


def _parse_line(line: str) -> Prop | None:
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
            return Prop(name, {"TZID": tzid.group(2)} if tzid else {}, tail)
    return prop


def _split_line(line: str) -> Prop | None:
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
                    return Prop(name, params, line[colon + 1 :])
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
        return Prop(name, params, line[i + 1 :])
    if last_quoted is not None and ":" in last_quoted:
        # TZID="W. Europe Standard Time:20200910T090000": the quote swallowed the value.
        head, _, tail = last_quoted.rpartition(":")
        pname = next(reversed(params))
        params[pname] = head
        return Prop(name, params, tail)
    return None


def _caret_decode(value: str) -> str:
    """RFC 6868 parameter escapes."""
    if "^" not in value:
        return value
    return re.sub(
        r"\^(.)", lambda m: {"n": "\n", "'": '"', "^": "^"}.get(m.group(1), m.group()), value
    )


_MAX_DEPTH: Final = 8  # VCALENDAR > VTIMEZONE > STANDARD is 3; deeper BEGINs are ignored


def parse_components(lines: Iterable[str]) -> list[Comp]:
    roots: list[Comp] = []
    stack: list[Comp] = []
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
            comp = Comp(name)
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


def walk_top(roots: list[Comp]) -> Iterable[Comp]:
    """Top-level components and the direct children of each VCALENDAR."""
    for root in roots:
        yield root
        if root.name == "VCALENDAR":
            yield from root.children


def vevents(roots: list[Comp]) -> Iterable[tuple[Comp, str]]:
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


def unescape(value: str) -> str:
    return _TEXT_ESCAPE_RE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


_DATETIME_RE: Final = re.compile(
    r"(\d{4})-?(\d{2})-?(\d{2})"
    r"(?:[T ](\d{2}):?(\d{2})(?::?(\d{2}))?(?:[.,]\d{1,9})?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?",
    re.IGNORECASE,
)


def parse_date_time(value: str) -> tuple[date | datetime, tzinfo | None]:
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
    offset = parse_offset(zone)
    if offset is None:
        raise ValueError(f"bad offset {zone!r}")
    return naive, timezone(offset)


_OFFSET_RE: Final = re.compile(r"([+-])(\d{2}):?(\d{2})(?::?(\d{2}))?")


def parse_offset(value: str) -> timedelta | None:
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


def parse_duration(value: str) -> tuple[int, int] | None:
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


def parse_int(value: str) -> int:
    match = re.match(r"\s*\+?(\d{1,9})", value)
    return int(match.group(1)) if match else 0


def shortened(value: str) -> str:
    """A value made safe and short for a log line."""
    return repr(value[:80])


# ---------------------------------------------------------------------------------------------
# RECUR value parts (RFC 5545 section 3.3.10)

WEEKDAYS: Final = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
_BYDAY_RE: Final = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")


def rule_parts(value: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for item in value.split(";"):
        key, _, val = item.partition("=")
        if key.strip():
            parts.setdefault(key.strip().upper(), val.strip().upper())
    return parts


def int_list(value: str, low: int, high: int) -> tuple[int, ...]:
    items = [v.strip() for v in value.split(",") if v.strip()]
    if len(items) > 366 or not all(re.fullmatch(r"[+-]?\d{1,3}", v) for v in items):
        raise ValueError(f"bad number list {value[:40]!r}")
    numbers = tuple(int(v) for v in items)
    if not all(low <= v <= high and (v != 0 or low == 0) for v in numbers):
        raise ValueError(f"number out of range in {value[:40]!r}")
    return numbers


def weekday_list(value: str) -> tuple[tuple[int, int], ...]:
    out = []
    for item in value.split(","):
        match = _BYDAY_RE.fullmatch(item.strip())
        if match is None:
            raise ValueError(f"bad BYDAY {value[:40]!r}")
        nth = int(match.group(1) or 0)
        if abs(nth) > 53:
            raise ValueError(f"bad BYDAY {value[:40]!r}")
        out.append((WEEKDAYS[match.group(2)], nth))
    return tuple(out)
