"""Turn iCalendar text into `CalEvent`s (RFC 5545; METHOD per RFC 5546; CONFERENCE per RFC 7986).

The public entry points: `parse_calendar`, `conference_link` and `ICalError`. This module reads
VEVENTs into events; the syntax is `agent.ical_syntax`, TZID resolution `agent.timezones` and
bounded recurrence expansion `agent.recurrence`.

The module is pure. It uses no network and no global state, and it never reads "now": the
caller passes the user's zone and any expansion window. It accepts what real producers send:
LF or CRLF line ends, stray blank lines, a bare VEVENT, folding that splits a UTF-8 sequence
(pass bytes, or text decoded with errors="surrogateescape"), Windows zone names, Outlook
display-name TZIDs (with or without a VTIMEZONE), and the broken quoting
`TZID="Zone:20200910T090000"`. It also accepts both DTEND and DURATION, and HTML in DESCRIPTION.
A broken VEVENT is skipped with a warning. `ICalError` is raised only when the input holds no
calendar at all.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import zoneinfo
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Final

from agent.calendars.ical_syntax import (
    Comp,
    Prop,
    content_lines,
    parse_components,
    parse_date_time,
    parse_duration,
    parse_int,
    shortened,
    vevents,
    walk_top,
)
from agent.calendars.recurrence import Event, assemble
from agent.calendars.timezones import When, Zones, naive, read_when, read_when_list
from agent.model import Attendee, CalEvent

_log = logging.getLogger(__name__)


_MAX_INPUT_CHARS: Final = 16 * 1024 * 1024


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
    roots = parse_components(content_lines(text))
    calendars = [c for c in roots if c.name == "VCALENDAR"]
    if not calendars and not any(c.name == "VEVENT" for c in roots):
        raise ICalError("no VCALENDAR or VEVENT found")

    zones = Zones([c for c in walk_top(roots) if c.name == "VTIMEZONE"], user_tz)
    events: list[Event] = []
    for comp, method in vevents(roots):
        try:
            events.append(_read_event(comp, method, zones, len(events)))
        except (ValueError, OverflowError) as exc:
            uid = comp.first("UID")
            _log.warning("skipping VEVENT (UID %s): %s", shortened(uid.value if uid else ""), exc)
    return assemble(events, window, max(0, max_occurrences), user_tz)


# ---------------------------------------------------------------------------------------------
# Events


def _read_event(comp: Comp, method: str, zones: Zones, index: int) -> Event:
    start_prop = comp.first("DTSTART")
    if start_prop is None:
        raise ValueError("no DTSTART")
    start = read_when(start_prop, zones)
    start_utc = start.utc()

    end, end_utc = _read_end(comp, start, zones)
    if end_utc is not None and end_utc < start_utc:
        _log.warning("VEVENT %s ends before it starts; ignoring its end", shortened(_uid(comp)))
        end, end_utc = None, None

    recurrence_id: When | None = None
    this_and_future = False
    rid_prop = comp.first("RECURRENCE-ID")
    if rid_prop is not None:
        recurrence_id = read_when(rid_prop, zones)
        this_and_future = rid_prop.params.get("RANGE", "").upper() == "THISANDFUTURE"

    status = comp.text("STATUS").strip().upper()
    event = CalEvent(
        uid=_uid(comp),
        method=method,
        sequence=parse_int(comp.text("SEQUENCE")),
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
    return Event(
        index=index,
        event=event,
        start=start,
        end=end,
        rrules=[p.value for p in comp.all("RRULE")][:4],
        rdates=read_when_list(comp.all("RDATE"), zones),
        exdates=read_when_list(comp.all("EXDATE"), zones),
        recurrence_id=recurrence_id,
        this_and_future=this_and_future,
    )


def _read_end(comp: Comp, start: When, zones: Zones) -> tuple[When | None, datetime | None]:
    """DTEND, else DTSTART plus DURATION, else a day for an all-day event, else nothing. The
    `When` is kept for date ends, which expansion needs."""
    end_prop, duration_prop = comp.first("DTEND"), comp.first("DURATION")
    duration = parse_duration(duration_prop.value) if duration_prop else None
    try:
        if end_prop is not None:
            end = read_when(end_prop, zones)
            return end, end.utc()
    except (ValueError, OverflowError):
        pass  # an unreadable DTEND: fall back on DURATION
    try:
        if duration is not None and start.is_date and not duration[1]:
            end = When(start.value + timedelta(days=duration[0]), start.tz)
            return end, end.utc()
        if duration is not None:  # days are nominal (DST), seconds exact (RFC 5545 3.3.6)
            wall = naive(start.value) + timedelta(days=duration[0])
            exact = timedelta(seconds=duration[1])
            return None, wall.replace(tzinfo=start.tz).astimezone(UTC) + exact
        if start.is_date:
            end = When(start.value + timedelta(days=1), start.tz)
            return end, end.utc()
    except (ValueError, OverflowError):
        pass
    return None, None


def _uid(comp: Comp) -> str:
    uid = comp.text("UID").strip()
    if uid:
        return uid
    # No UID (RFC 5545 requires one): derive a stable one from what identifies the event.
    seed = "\n".join(
        p.value for name in ("DTSTART", "SUMMARY", "ORGANIZER") if (p := comp.first(name))
    )
    return "missing-uid-" + hashlib.sha256(seed.encode("utf-8", "replace")).hexdigest()[:24]


def _dtstamp(comp: Comp, zones: Zones) -> datetime | None:
    prop = comp.first("DTSTAMP")
    if prop is None:
        return None
    try:
        value, fixed = parse_date_time(prop.value)
        if isinstance(value, datetime) and fixed is None and "TZID" in prop.params:
            fixed = zones.get(prop.params["TZID"])
        return naive(value).replace(tzinfo=fixed or UTC).astimezone(UTC)  # RFC: always UTC
    except (ValueError, OverflowError):
        return None


def _person(prop: Prop | None) -> Attendee | None:
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


def _description(comp: Comp) -> str:
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
    r"|meeting\.zoho\.(?:com(?:\.au|\.cn)?|eu|in|jp|ca|sa|uk)/(?:meeting/|join\b)"
    r"|(?:global|app)\.gotomeeting\.com/(?:join/|\?meetingid=)\d|meet\.goto\.com/\w"
    r"|gotomeet\.me/\w"
    r"|meet\.jit\.si/\w|8x8\.vc/\w"
    r"|join\.skype\.com/\w|meet\.lync\.com/\w"
    r"|(?:v|video|meetings)\.ringcentral\.com/(?:join|j)/\d"
    r"|meetings\.dialpad\.com/(?:room/)?\w|dialpad\.com/meetings/\w"
    r"|(?:meet\.)?around\.co/r/\w"
    r"|app\.livestorm\.co/\w"
    r")[^\s<>\"'\\]*",
    re.IGNORECASE,
)


def _conference_url(comp: Comp) -> str:
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
    """The first join URL (Zoom, Meet, Teams, Webex, BlueJeans, FaceTime, Whereby, Chime,
    Zoho Meeting, GoTo Meeting, Jitsi, Skype, RingCentral, Dialpad, Around, Livestorm) in a
    text, "" when there is none; a provider's home or download page is not a join link."""
    match = _CONFERENCE_RE.search(text)
    if match is None:
        return ""
    url = match.group().rstrip(".,;:!?)]}")
    return url if url.lower().startswith("http") else "https://" + url
