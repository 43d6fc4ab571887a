"""Meeting times and lengths written in prose, as in scheduling confirmations: "Thursday,
October 1 at 11:00 AM ET", "10:00-10:45 AM PT", "our 30-minute phone screen".

Pure: a weekday or a time without a date is resolved against the message's own date, never a
clock. Written zones are IANA names, spelled-out names ("Eastern Time - US & Canada", Google
Calendar's "Central European Time - Berlin"), abbreviations (civil time of the region, so "EST"
in July is New York time) and UTC/GMT offsets; without one, the user's zone.
"""

from __future__ import annotations

import bisect
import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from agent.businessdays import local_instant
from agent.understanding import datafiles
from agent.understanding.phrases.dates import (
    WEEKDAY_FULL,
    WEEKDAY_SHORT,
    base_date,
    date_from,
    dated_piece,
    expand,
    weekday_after,
    weekday_of,
    weekday_piece,
)
from agent.understanding.phrases.prose import (
    FLAGS,
    QUOTE_HEADER,
    QUOTE_MARKS,
    QUOTED_LINE,
    clean,
    normalise,
    phrase_key,
)
from agent.understanding.phrases.zones import abbreviations, place_in_parentheses, zone_after

_ZONE_NAMES: tuple[tuple[str, str], ...] = (
    # (normalised prefix of a spelled-out zone, IANA zone); first match wins
    ("central europe", "Europe/Berlin"),
    ("mitteleurop", "Europe/Berlin"),
    ("heure d'europe centrale", "Europe/Paris"),
    ("heure de paris", "Europe/Paris"),
    ("eastern european", "Europe/Athens"),
    ("western european", "Europe/Lisbon"),
    ("australian eastern", "Australia/Sydney"),
    ("eastern", "America/New_York"),
    ("central", "America/Chicago"),
    ("mountain", "America/Denver"),
    ("pacific", "America/Los_Angeles"),
    ("alaska", "America/Anchorage"),
    ("hawaii", "Pacific/Honolulu"),
    ("atlantic", "America/Halifax"),
    ("greenwich", "UTC"),
    ("coordinated universal", "UTC"),
    ("british", "Europe/London"),
    ("horário de brasília", "America/Sao_Paulo"),
    ("horario de brasilia", "America/Sao_Paulo"),
    ("india", "Asia/Kolkata"),
    ("japan", "Asia/Tokyo"),
    ("singapore", "Asia/Singapore"),
)
# Abbreviations name the region's civil time, not a fixed offset: "3pm EST" written in July
# means 3pm on New York clocks, so EST and EDT both map to America/New_York.
_ZONE_ABBR: dict[str, str] = {
    "ET": "America/New_York", "EST": "America/New_York", "EDT": "America/New_York",
    "CT": "America/Chicago", "CST": "America/Chicago", "CDT": "America/Chicago",
    "MT": "America/Denver", "MST": "America/Denver", "MDT": "America/Denver",
    "PT": "America/Los_Angeles", "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles",
    "AKST": "America/Anchorage", "AKDT": "America/Anchorage", "HST": "Pacific/Honolulu",
    "GMT": "UTC", "UTC": "UTC", "BST": "Europe/London", "WET": "Europe/Lisbon",
    "WEST": "Europe/Lisbon", "CET": "Europe/Berlin", "CEST": "Europe/Berlin",
    "MEZ": "Europe/Berlin", "MESZ": "Europe/Berlin", "EET": "Europe/Athens",
    "EEST": "Europe/Athens", "IST": "Asia/Kolkata", "JST": "Asia/Tokyo",
    "SGT": "Asia/Singapore", "AEST": "Australia/Sydney", "AEDT": "Australia/Sydney",
    # written by Latin American employers, though tzdata now spells these as offsets
    "BRT": "America/Sao_Paulo", "BRST": "America/Sao_Paulo",
    "ART": "America/Argentina/Buenos_Aires",
}  # fmt: skip
# Every other abbreviation tzdata writes for one offset only ("WAT", "SAST", "NZDT", "HKT").
_ZONE_ABBR = {**abbreviations(), **_ZONE_ABBR}


def _zone_piece(p: str) -> str:
    return expand(
        r"""
        (?:\s{0,2}[(\[]?\s{0,2}
          (?:(?:GMT|UTC)\s?[-+−]\d{1,2}(?::?\d\d)?\)?\s{1,2}(?=[A-Za-z]))?  # "(GMT-07:00) Pacific"
          (?:
              (?P<P_google>(?-i:[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2})\sTime\s[-–]\s
                (?P<P_city>(?-i:[A-Z][a-z]+(?:[\s_][A-Z][a-z]+){0,2})))
            | (?P<P_name>(?:Central\s(?:European|Europe)|Eastern\sEuropean|Western\sEuropean
                |Australian\sEastern|Eastern|Central|Mountain|Pacific|Alaska|Hawaii|Atlantic
                |Greenwich|Coordinated\sUniversal|British|India|Japan|Singapore)
                (?:\s(?:Standard|Daylight|Summer|Mean))?(?:\sTime)?
                (?:\s?(?:\(US\s?&\s?Canada\)|[-–]\sUS\s?(?:&|and)\s?Canada))?
              | Mitteleuropäische\s(?:Sommer)?zeit
              | heure\s(?:d'été\s)?d'Europe\scentrale | heure\sde\sParis
              | hor[áa]rio\sde\sBras[íi]lia)
            | (?P<P_iana>(?-i:(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian
                |Pacific|Etc)/[A-Za-z_]{2,30}(?:/[A-Za-z_]{2,30})?))
            # the reader's zone, the user's: "9.30pm your time", "9pm on your side", "15h00
            # pour vous", "10 Uhr bei Ihnen"
            | (?P<P_own>your\s(?:local\s)?time|(?:on|at)\syour\s(?:side|end)|for\syou\b
                |pour\svous\b|bei\s(?:Ihnen|dir)\b|para\s(?:ti|usted|voc[eê])\b
                |(?:de|do)\s(?:tu|su|seu)\slado\b|per\s(?:te|lei)\b)
            | (?P<P_off>(?:GMT|UTC)\s?(?P<P_sign>[-+−])(?P<P_oh>\d{1,2})(?::?(?P<P_om>\d\d))?)
            | (?P<P_abbr>(?-i:"""
        + "|".join(sorted(_ZONE_ABBR, key=len, reverse=True))
        + r"""))(?![\w/])
          )
          \s{0,2}[)\]]?
        )
        """,
        p,
    )


@cache
def _zones_by_city() -> dict[str, str]:
    by_city: dict[str, str] = {}
    for name in available_timezones():
        by_city.setdefault(name.rsplit("/", 1)[-1].replace("_", " ").lower(), name)
    return by_city


def _zone_info(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _zone_from(m: re.Match[str], p: str) -> tzinfo | None:
    """The zone a pattern named with prefix `p`, or None when none was written or it is unknown."""
    g = m.groupdict()
    if g.get(f"{p}_iana"):
        return _zone_info(g[f"{p}_iana"])
    if g.get(f"{p}_city"):
        city = _zones_by_city().get(" ".join(g[f"{p}_city"].split()).lower())
        if city:
            return _zone_info(city)
        return _zone_for_name(g[f"{p}_google"])
    if g.get(f"{p}_name"):
        return _zone_for_name(g[f"{p}_name"])
    if g.get(f"{p}_abbr"):
        return _zone_info(_ZONE_ABBR[g[f"{p}_abbr"]])
    if g.get(f"{p}_off"):
        hours, minutes = int(g[f"{p}_oh"]), int(g[f"{p}_om"] or 0)
        if hours > 14 or minutes > 59:
            return None
        sign = -1 if g[f"{p}_sign"] in "-−" else 1
        return timezone(sign * timedelta(hours=hours, minutes=minutes))
    return None


def _zone_for_name(name: str) -> ZoneInfo | None:
    key = " ".join(name.lower().split())
    for prefix, zone in _ZONE_NAMES:
        if key.startswith(prefix):
            return _zone_info(zone)
    return None


def _time_piece(p: str, *, first: bool) -> str:
    bare_hour = (
        r"""| (?P<P_hb>\d{1,2})(?=\s{0,2}(?:-|–|—|to|until|till)\s{0,2}\d{1,2}(?:[:.]\d\d)?\s{0,2}
                [ap]\.?\s?m\b)"""
        if first
        else ""
    )
    return expand(
        r"""
        (?=\w)(?<![\w:.])
        (?:
            (?P<P_h12>\d{1,2})(?:[:.](?P<P_m12>[0-5]\d))?\s{0,2}(?P<P_ap>[ap])(?:\.\s?m\b\.?|\s?m\b)
          | (?P<P_h24>\d{1,2})(?:[:h]|u(?=\d\d\b))(?P<P_m24>[0-5]\d)(?![\d:])(?::[0-5]\d)?
                (?:\s{0,2}(?:Uhr|h|hrs|horas)\b)?
          | (?P<P_hde>\d{1,2})(?:\.(?P<P_mde>[0-5]\d))?\s{0,2}Uhr\b
          | (?P<P_hfr>\d{1,2})\s?h(?:\s?(?P<P_mfr>[0-5]\d))?(?!\w)
          | (?<=kl\.\s)(?P<P_hkl>\d{1,2})\.(?P<P_mkl>[0-5]\d)
          # a range of 24-hour times with dots, as Italian, Nordic and Finnish rows write them:
          # "14.00 – 14.45" (its start, then its end)
          | (?P<P_hdot>\d{1,2})\.(?P<P_mdot>[0-5]\d)(?=\s{0,2}(?:[-–—]|a|à|to|til|tot|bis|do)\s{0,2}
                \d{1,2}\.[0-5]\d(?![\d.]))
          | (?:(?<=\d\.\d\d[-–—])|(?<=\d\.\d\d\s[-–—]\s)|(?<=\d\.\d\d[-–—]\s)|(?<=\d\.\d\d\s[-–—])
              |(?<=\d\.\d\d\sa\s)|(?<=\d\.\d\d\sà\s)|(?<=\d\.\d\d\sto\s)|(?<=\d\.\d\d\sdo\s)
              |(?<=\d\.\d\d\still\s)|(?<=\d\.\d\d\stot\s)|(?<=\d\.\d\d\sbis\s))
            (?P<P_hdoe>\d{1,2})\.(?P<P_mdoe>[0-5]\d)(?![\d.])
          # "09.00 WITA", "14.30 CET": a dotted time is a clock time when a zone follows it
          | (?P<P_hdz>\d{1,2})\.(?P<P_mdz>[0-5]\d)(?=\s{0,2}\(?(?-i:[A-Z]{2,5})(?![\w/]))
          # a day part for a meridiem: "12 del mediodía", "4 de la tarde", "9 du matin"
          | (?P<P_hdp>\d{1,2})(?:[:.](?P<P_mdp>[0-5]\d))?\s{0,2}(?:h\s{0,2})?
                (?P<P_dp>del\s+mediod[ií]a|de\s+la\s+(?:tarde|mañana|manana|noche)|
                da\s+(?:tarde|manhã|manha|noite)|du\s+(?:matin|soir)|de\s+l'après-midi|
                del\s+pomeriggio|di\s+(?:mattina|sera)|della\s+(?:mattina|sera))\b
          | (?<=a\slas\s)(?P<P_hes>\d{1,2})(?![\d:.h])
          | (?<=\bat\s)(?P<P_hat>\d{1,2})
                (?![\d:]|[.,]\d|\s?(?:h\b|[ap]\.?\s?m\b|%|per|min|hour|day|week))
          | (?P<P_noon>noon|midday|Mittag|midi|mediodía)
          """
        + bare_hour
        + r"""
        )
        """,
        p,
    )


_TIME_RANGE = (
    _time_piece("s", first=True)
    + r"(?:\s{0,2}(?:-|–|—|to|until|till|bis|às|à|a|até|and|y)\s{0,2}"
    + _time_piece("e", first=False)
    + r")?"
)
_DAY_PART = (
    r"(?:"
    + dated_piece("d")
    # "2026. október 7., szerda, 16:00": the weekday after the date it names
    + r"(?:[ \t]{0,2},?[ \t]{0,2}(?:"
    + WEEKDAY_FULL
    + r")\b)?"
    + r"|(?:(?P<wmod>this|next|coming)\s{1,3})?"
    + weekday_piece("w")
    + r"|(?P<rel>today|tomorrow)(?!\w))"
)
_TIME_SEP = (
    r"(?:,?\s{0,3}(?:at|@|um|à|às|as|alle\s{1,3}ore|alle|ore|om|a\s{1,3}las|a\s{1,3}la|from|kl\.|-|–|—|\||·|⋅|:"
    r"|de|T)?\s{0,3})"
)

_MEETING_DAY_FIRST = re.compile(
    r"(?=\w)(?<!\w)" + _DAY_PART + _TIME_SEP + _TIME_RANGE + r"(?:" + _zone_piece("z") + r")?",
    FLAGS,
)
_MEETING_TIME_FIRST = re.compile(
    _TIME_RANGE + r"(?:" + _zone_piece("z") + r")?"
    r"\s{0,3}(?:-|–|—|,|on|am|le|el|\|)?\s{0,3}" + _DAY_PART + r"(?:" + _zone_piece("y") + r")?",
    FLAGS,
)
# A day, the meeting it holds and then its time: "tomorrow's interview with Raymond Okoye at
# noon", "Thursday's call at 3pm". The words between name the meeting and hold no number.
_MEETING_DAY_THEN_AT = re.compile(
    r"(?=\w)(?<!\w)" + _DAY_PART + r"(?:'s)?\s{1,3}(?:[\w-]+\s{1,3}){0,2}"
    r"(?:interview|call|meeting|conversation|chat|screen)s?"
    r"(?:\s{1,3}with\s{1,3}[^\W\d_][^\n.!?\d]{0,50}?)?\s{1,3}(?:at|@)\s{1,3}"
    + _TIME_RANGE
    + r"(?:"
    + _zone_piece("z")
    + r")?",
    FLAGS,
)
_MEETING_TIME_ONLY = re.compile(_TIME_RANGE + _zone_piece("z"), FLAGS)
# A time whose zone is written in words after it ("16:00 Zurich time", "14h30 (hora de
# Lisboa)"): a meeting only when `zones.zone_after` reads a zone there.
_MEETING_TIME_WORDS_ZONE = re.compile(_TIME_RANGE, FLAGS)
# A range with no day and no zone, as an itinerary's rows write it ("9:30 – 10:15 AM"): a
# meeting only under a day named just before it (or under the row before it).
_MEETING_RANGE_ONLY = re.compile(
    _time_piece("s", first=True)
    + r"\s{0,2}(?:-|–|—|to|until|bis|às|à|até|a|al|alle)\s{0,2}"
    + _time_piece("e", first=False),
    FLAGS,
)
# A notice's time field ("Date: Thursday 22 October 2026" then "Time: 2:00pm"): a time with no
# zone, labelled as the meeting's, under the day named before it.
_TIME_FIELD_LABEL = re.compile(
    r"[ \t]{0,8}(?:[*_#]+\s?)?(?:time|start\s+time|hora|heure|horaire|uhrzeit|zeit|ora|orario|"
    r"tijd|tijdstip|tid|tidspunkt|klokkeslett|kellonaika|aika|godzina|čas|saat|időpont|"
    r"horário)(?:[*_]+)?[ \t]{0,3}:[ \t]{0,20}(?:[*_]+)?",
    re.IGNORECASE,
)


# "Thursday it is! See you at 10.": a time said as the meeting's, under the day before it.
_SEE_YOU_AT = re.compile(r"\b(?:see|meet)\s+you\s+(?:then\s+|there\s+)?at\s+$", re.IGNORECASE)


def _labelled_as_the_meeting(words: str, start: int) -> bool:
    """The time at `start` is written as the meeting's: in a time field ("Time: 2:00pm") or
    after "see you at"."""
    line_start = words.rfind("\n", 0, start) + 1
    return bool(
        _TIME_FIELD_LABEL.fullmatch(words[line_start:start])
        or _SEE_YOU_AT.search(words[max(line_start, start - 30) : start])
    )


# An itinerary row that gives only its start ("  8:30 am     Breakfast with ..."): the first
# block of an itinerary when range rows follow it closely, never a meeting alone.
_MEETING_ROW_START = re.compile(
    r"^[ \t]{0,8}" + _time_piece("s", first=False) + r"(?=[ \t]{2,}[^\W\d_]|\t)",
    FLAGS | re.MULTILINE,
)
# A zone declared once for the times of a message: "(all times Eastern)", "Time Zone : (GMT
# -4:00) Eastern Time"; it applies to every time that writes no zone of its own.
_DECLARED_ZONE = re.compile(
    r"(?:\b(?:all\s{1,3}(?:the\s{1,3})?)?(?:times|timings)\s{1,3}(?:(?:below|above|here|in\s{1,3}"
    r"this\s{1,3}(?:e-?mail|message|schedule))\s{1,3})?(?:are\s{1,3}|shown\s{1,3}|listed\s{1,3})?"
    r"(?:in\s{1,3})?"
    # "Times shown in your time zone: Eastern Time (GMT-05:00)"
    r"(?:your\s{1,3}(?:local\s{1,3})?time[ \t]?zone\s{0,3}:?\s{0,3})?"
    r"|^[ \t]{0,8}time[ \t]?zone[ \t]{0,20}:[ \t]{0,20})" + _zone_piece("z"),
    FLAGS | re.MULTILINE,
)
# "From : 20-Oct-2026 03:00 PM" then "To : 20-Oct-2026 04:00 PM": one meeting's two ends.
_START_LABEL = re.compile(
    r"^[ \t]{0,8}(?:from|start(?:s|\s{1,3}time|\s{1,3}date)?|begins?|von|beginn|de|desde|"
    r"início|inicio|début|debut)[ \t]{0,20}:[ \t]{0,20}$",
    re.IGNORECASE | re.MULTILINE,
)
_END_LABEL = re.compile(
    r"^[ \t]{0,8}(?:to|end(?:s|\s{1,3}time|\s{1,3}date)?|until|ends?|bis|ende|à|a|até|hasta|"
    r"fin|término|termino)[ \t]{0,20}:[ \t]{0,20}$",
    re.IGNORECASE | re.MULTILINE,
)
# Characters between itinerary rows: rows that close up share the first row's day and make
# one meeting (an onsite's blocks, start of the first to end of the last, breaks included).
_CHAINED_ROW = 160
_LONGEST_ROW = timedelta(hours=8)
_CONTEXT_DAY = re.compile(r"(?=\w)(?<!\w)" + _DAY_PART, FLAGS)

_NOT_A_MEETING_BEFORE = re.compile(
    r"""(?:\b(?:lands?|landing|arrives?|arrival|departs?|departure|flight|pick\s+you\s+up|pickup|
        check[-\s]?in|check[-\s]?out|hotel)\b[^\n]{0,30}
      | \b(?:by|before|until|till|no\s+later\s+than|due|deadline:?|bis|avant|antes\s+del?
        |d'ici|expires?|closes?|through|thru|between|entre|zwischen)\s{0,3}(?:the\s)?
      | (?:"""
    + WEEKDAY_FULL
    + "|"
    + WEEKDAY_SHORT
    + r""")\.?\s{0,2}(?:-|–|—|to|through|thru|bis)
        \s{0,2}(?:"""
    + WEEKDAY_FULL
    + "|"
    + WEEKDAY_SHORT
    + r""")?\.?,?:?\s{0,3}
      | [^\s][ \t]{0,2}[-–—][ \t]{0,2}  # the end of a range; a bullet's dash opens a line
    )$""",
    FLAGS,
)
_HEADER_LINE = re.compile(
    r"""^[ \t]*(?:Sent|Gesendet|Envoyé|Enviado|Inviato|Verzonden|Skickat)\s?:
      | ^[ \t]*(?:On|Am|Le|El)\s[^\n]{0,300}(?:wrote|schrieb|a\s+écrit|escribió)""",
    re.IGNORECASE | re.VERBOSE | re.MULTILINE,
)
# "Date:" heads a quoted message's header block, and also labels a meeting's own date in a
# confirmation ("Date : le mardi 3 novembre à 14h30"). It is a header only beside another
# header line: a From, To, Cc or Subject within two lines, in any of the languages read.
_DATE_LABEL = re.compile(r"^[ \t]*(?:Date|Datum|Fecha|Data)\s?:", re.IGNORECASE | re.MULTILINE)
_HEADER_NEIGHBOUR = re.compile(
    r"^[ \t>]*(?:From|To|Cc|Subject|Von|An|Betreff|De|À|A|Objet|Para|Asunto|Da|Oggetto|"
    r"Van|Aan|Onderwerp|Från|Till|Ämne|Assunto)\s?:",
    re.IGNORECASE | re.MULTILINE,
)


_MORNING = re.compile(r"ma[ñn]ana|manh[ãa]|matin|mattina", re.IGNORECASE)
_LATEST_PM = 6  # "6:30" with no meridiem is 18:30; "7:30" stays morning


def _clock(m: re.Match[str], p: str) -> tuple[int, int, str | None] | None:
    """(hour, minute, "a"/"p"/None) for the time piece with prefix `p`, or None if absent."""
    g = m.groupdict()
    for hour_group, minute_group in (
        ("h12", "m12"),
        ("h24", "m24"),
        ("hdot", "mdot"),
        ("hdz", "mdz"),
        ("hdoe", "mdoe"),
        ("hde", "mde"),
        ("hfr", "mfr"),
        ("hkl", "mkl"),
        ("hdp", "mdp"),
        ("hes", None),
        ("hat", None),
        ("hb", None),
    ):
        hour = g.get(f"{p}_{hour_group}")
        if hour:
            minute = g.get(f"{p}_{minute_group}") if minute_group else None
            meridiem = g.get(f"{p}_ap") if hour_group == "h12" else None
            if hour_group == "hdp":
                meridiem = "a" if _MORNING.search(g.get(f"{p}_dp") or "") else "p"
            if hour_group == "hat":  # "Tuesday at 2": a meeting hour, so 1-7 is afternoon
                return (
                    int(hour),
                    0,
                    "p" if 1 <= int(hour) <= 7 else ("a" if int(hour) <= 11 else "p"),
                )
            if hour_group == "h24" and not hour.startswith("0") and 1 <= int(hour) <= _LATEST_PM:
                # "Friday at 2:00", "same time (2:30)": a meeting at 2:00 is in the afternoon;
                # a night-time meeting is written "02:00"
                meridiem = "p"
            return int(hour), int(minute or 0), meridiem.lower() if meridiem else None
    if g.get(f"{p}_noon"):
        return 12, 0, None
    return None


def _to_24h(hour: int, minute: int, meridiem: str | None) -> time | None:
    if meridiem is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _times(m: re.Match[str]) -> tuple[time, time | None] | None:
    start = _clock(m, "s")
    if start is None:
        return None
    end = _clock(m, "e")
    if end is None:
        if start[2] is None and m.groupdict().get("s_hb"):
            return None
        t = _to_24h(*start)
        return (t, None) if t else None
    end_t = _to_24h(*end)
    if end_t is None:
        return None
    hour, minute, meridiem = start
    if meridiem is None and end[2] is not None and hour <= 12:
        # "10:00-10:45 AM", "2-3pm": the start shares the end's meridiem unless that puts it
        # after the end ("11:00-1:00 PM" starts in the morning)
        shared = _to_24h(hour, minute, end[2])
        if shared is not None and shared <= end_t:
            meridiem = end[2]
        elif hour <= 12:
            meridiem = "a" if end[2] == "p" else "p"
    start_t = _to_24h(hour, minute, meridiem)
    return (start_t, end_t) if start_t else None


def _instant(d: date, t: time, zone: tzinfo) -> datetime:
    if isinstance(zone, ZoneInfo):
        return local_instant(d, t, zone)
    return datetime.combine(d, t, tzinfo=zone).astimezone(UTC)


def _first_day_after(
    sent: datetime, zone: tzinfo, t: time, weekday: int | None, next_week: bool
) -> date:
    """The first day (of `weekday` if given) on which `t` in `zone` is after `sent`."""
    local = base_date(sent, zone)
    if weekday is not None and next_week:
        return weekday_after(local, weekday, mode="next_week")
    day = local if weekday is None else weekday_after(local, weekday, mode="on_or_after")
    step = 1 if weekday is None else 7
    if _instant(day, t, zone) <= sent:
        day += timedelta(days=step)
    return day


def _day_of(m: re.Match[str], base: date, sent: datetime, zone: tzinfo, t: time) -> date | None:
    """The meeting's day from a match of _DAY_PART; the date beats a disagreeing weekday."""
    if (
        m["d_mon1"]
        or m["d_mon2"]
        or m["d_year3"]
        or m["d_mon4"]
        or m["d_mon5"]
        or m["d_mon6"]
        or m["d_day7"]
        or m.groupdict().get("d_mon8")
        or m.groupdict().get("d_day9")
    ):
        return date_from(m, "d", base)
    if m["rel"]:
        return base + timedelta(days=1 if phrase_key(m["rel"]) == "tomorrow" else 0)
    if m["w_wd"]:
        weekday = weekday_of(m["w_wd"])
        if weekday is None:
            return None
        return _first_day_after(sent, zone, t, weekday, phrase_key(m["wmod"] or "") == "next")
    return None


def find_meeting_times(
    text: str,
    sent: datetime,
    tz: ZoneInfo,
    *,
    reader: tzinfo | None = None,
    near: timedelta | None = None,
) -> list[tuple[datetime, datetime | None, str]]:
    """Scheduled meeting times written in prose: (start, end or None, phrase), aware UTC, in
    text order, each (start, end) once.

    A time needs a day ("Thursday, October 1 at 11:00 AM ET", "09:30am - Monday, 31 August
    2026 (Eastern Time - US & Canada)", "Thursday 3pm EST") or, alone, an explicit zone
    ("10:00-10:45 AM PT", "14:00 CET"); then its day is the nearest day named in the 300
    characters before it, else the first day on which that time is still ahead of the message.
    A weekday alone is its first occurrence whose time is after the message. No zone: `tz`.
    A date without a time is not a meeting. Deadlines ("by Friday 5pm"), office hours
    ("Mon-Fri 9am-5pm ET") and reply headers ("Sent: ...", "On ... wrote:") are skipped.
    Quoted lines (">") are ignored; unquoted older text is kept, after the newer. A time
    written in the reader's zone ("9.30pm your time") is in `reader` (default `tz`).
    `near` (the sender's UTC offset) chooses among cities that share a name ("hora de
    Valencia" from Spain, not Venezuela).
    """
    words = _PAREN_WEEKDAY.sub(_blank, QUOTED_LINE.sub("", normalise(text)))
    # "Friday (11/13), same time": the date in the day's place, the comma kept after it
    words = _PAREN_DATE.sub(lambda m: f" {m[1]}{m[2]} ", words)
    base = base_date(sent, tz)
    aware_sent = sent if sent.tzinfo is not None else sent.replace(tzinfo=UTC)
    declared = _declared_zone(words)
    matches: list[tuple[int, int, re.Match[str], str]] = []
    for kind, pattern in (
        ("day_first", _MEETING_DAY_FIRST),
        ("day_then_at", _MEETING_DAY_THEN_AT),
        ("time_first", _MEETING_TIME_FIRST),
        ("time_only", _MEETING_TIME_ONLY),
        ("time_words_zone", _MEETING_TIME_WORDS_ZONE),
        ("range_only", _MEETING_RANGE_ONLY),
        ("row_start", _MEETING_ROW_START),
    ):
        for m in pattern.finditer(words):
            if kind == "time_words_zone" and zone_after(words, m.end()) is None:
                if _labelled_as_the_meeting(words, m.start()):
                    matches.append((m.start(), -m.end(), m, "time_field"))
                continue  # only a time with its zone in words after it is this kind
            matches.append((m.start(), -m.end(), m, kind))
    matches.sort(key=lambda x: (x[0], x[1]))
    days_named = _DaysNamed(words)
    taken_until = -1
    located: list[tuple[re.Match[str], tuple[datetime, datetime | None, str]]] = []
    row: tuple[int, re.Match[str]] | None = None  # the last itinerary row: where, and its day
    opening: tuple[int, tuple[datetime, datetime | None, str]] | None = None  # a row_start
    for start, _, m, kind in matches:
        if start < taken_until:
            continue
        if _not_a_meeting(words, m):
            taken_until = m.end()  # nor is any time inside it ("by Friday 5pm ET")
            continue
        taken_until = m.end()  # a bad date or time here is not rescued by the time inside it
        context = None
        if kind in ("time_only", "time_words_zone", "range_only", "row_start", "time_field"):
            context = days_named.last_before(m.start())
            if context is None and kind == "range_only" and row and start - row[0] <= _CHAINED_ROW:
                context = row[1]
        found = _meeting(
            m,
            kind,
            context,
            base,
            aware_sent,
            declared or tz,
            words,
            reader or tz,
            (near, aware_sent) if near is not None else None,
        )
        if found is None:
            continue
        if kind == "row_start":
            opening = (m.end(), found)
            continue
        if kind == "range_only" and opening and start - opening[0] <= _CHAINED_ROW:
            first_row = opening[1]
            if first_row[0] <= found[0] and found[1] is not None:
                found = (first_row[0], found[1], f"{first_row[2]} … {found[2]}")
        opening = None
        if kind == "range_only" and context is not None:
            if row and start - row[0] <= _CHAINED_ROW and located and located[-1][1][1]:
                first = located[-1][1]  # the next row of one itinerary: one meeting, longer
                if first[1] is not None and first[1] <= found[0] and found[1] is not None:
                    located[-1] = (located[-1][0], (first[0], found[1], f"{first[2]} … {found[2]}"))
                    row = (m.end(), context)
                    continue
            row = (m.end(), context)
        located.append((m, found))
    return _unique(_joined(words, located))


# "14 de Outubro de 2026 (quarta-feira), às 14h30": a weekday in parentheses after a date
# only repeats it; blanked (same length), the date and the time read as one.
_PAREN_WEEKDAY = re.compile(
    r"[ \t]?\((?:"
    + WEEKDAY_FULL
    + r")\)"
    # "22 Ekim 2026 Perşembe": the weekday after a dated year, as Turkish and Hungarian write it
    + r"|(?<=\d{4})[ \t,]{1,2}(?:"
    + WEEKDAY_FULL
    + r")\b",
    re.I,
)


# "quinta-feira (22/10) às 10h": a numeric date in parentheses after a weekday, read as if
# the parentheses were spaces (same length).
_PAREN_DATE = re.compile(r"(?<=[^\W\d_]\s)\((\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?)\)(,?)")


def _blank(m: re.Match[str]) -> str:
    return " " * len(m[0])


_CLOCK = re.compile(r"\b\d{1,2}(?:[:.h]\d{2})?\s?(?:[ap]\.?\s?m\.?)?(?=[\s,;)(])", re.I)
_CLOCK_AND_ZONE = re.compile(_CLOCK.pattern + _zone_piece("z"), FLAGS)


def zone_named_in(text: str) -> tzinfo | None:
    """The first zone written after a time anywhere in `text`, quoted lines included: in a
    thread, "between 2pm and 4pm UK time", "10am Brisbane time" or "14:00 CET" tells the zone
    that a later "Wednesday at 3" of the same thread is in."""
    words = normalise(QUOTE_MARKS.sub("", text))
    # a reply's attribution line ("On 27 October 2026 16:12:09 CET, Alex wrote:", "Sent:
    # Tuesday 14:07") says when a mail was written, in its writer's zone: not the meeting's
    words = _blank_attributions(words)
    for m in _CLOCK.finditer(words):
        found = zone_after(words, m.end())
        if found is not None:
            return found
        written = _CLOCK_AND_ZONE.match(words, m.start())
        zone = _zone_from(written, "z") if written is not None else None
        if zone is not None:
            return zone
    for m in _OPENING_PAREN.finditer(words):  # "two options (ora italiana):"
        found = zone_after(words, m.start())
        if found is not None:
            return found
    return None


_OPENING_PAREN = re.compile(r"\((?=[^()\n]{3,40}\))")


def _blank_attributions(words: str) -> str:
    """`words` with each reply attribution ("On ... wrote:", "Sent: ...") blanked to its line's
    end, same length."""
    spans = [(h.start(), h.end()) for h in QUOTE_HEADER.finditer(words)]
    spans += [(h.start(), h.end()) for h in _HEADER_LINE.finditer(words)]
    for start, end in spans:
        line_end = words.find("\n", end)
        stop = len(words) if line_end < 0 else line_end
        words = words[:start] + " " * (stop - start) + words[stop:]
    return words


_DECLARED_IN_WORDS = re.compile(
    r"\b(?:all\s{1,3}(?:the\s{1,3})?)?(?:times|timings)\s{1,3}(?:(?:below|above|here)\s{1,3})?"
    r"(?:are\s{1,3}|shown\s{1,3}|listed\s{1,3})?(?:in\s{1,3})?|"
    r"\btutti\s{1,3}gli\s{1,3}orari(?:\s{1,3}sono)?(?:\s{1,3}(?:espressi|indicati))?(?:\s{1,3}in)?|"
    r"\btous\s{1,3}les\s{1,3}horaires(?:\s{1,3}sont)?(?:\s{1,3}(?:indiqués|exprimés|donnés))?"
    r"(?:\s{1,3}en)?|"
    r"\b(?:todos\s{1,3}los\s{1,3}horarios|toutes\s{1,3}les\s{1,3}heures|alle\s{1,3}"
    r"(?:Zeiten|Uhrzeiten)|tutti\s{1,3}gli\s{1,3}orari|todos\s{1,3}os\s{1,3}hor[áa]rios)"
    r"[^.\n]{0,20}?\s(?=\()?",
    FLAGS,
)


def _declared_zone(words: str) -> tzinfo | None:
    """The zone a message declares once for all its times ("all times Eastern", "All times
    are UK time", "todos los horarios en hora de Madrid"), or None."""
    m = _DECLARED_ZONE.search(words)
    if m:
        return _zone_from(m, "z")
    for m in _DECLARED_IN_WORDS.finditer(words):
        found = zone_after(words, m.end())
        if found is not None:
            return found
        # "All times below are Doha time (AST, GMT+3)": an offset the declaration writes
        stated = _stated_offset(words, m.end(), m.end() + 20)
        if stated is not None:
            return timezone(stated)
    return None


def _joined(
    words: str, located: list[tuple[re.Match[str], tuple[datetime, datetime | None, str]]]
) -> list[tuple[datetime, datetime | None, str]]:
    """The results, with a "From: <time>" line and the "To: <time>" line after it made one
    meeting (ATS detail blocks write a meeting's ends on two labelled lines)."""
    results: list[tuple[datetime, datetime | None, str]] = []
    i = 0
    while i < len(located):
        m, found = located[i]
        if i + 1 < len(located) and found[1] is None:
            m2, later = located[i + 1]
            if (
                later[1] is None
                and timedelta(0) < later[0] - found[0] <= _LONGEST_ROW
                and _labelled(words, m, _START_LABEL)
                and _labelled(words, m2, _END_LABEL)
            ):
                results.append((found[0], later[0], f"{found[2]} – {later[2]}"))
                i += 2
                continue
        results.append(found)
        i += 1
    return results


def _labelled(words: str, m: re.Match[str], label: re.Pattern[str]) -> bool:
    """Whether the text before `m` on its line is exactly `label` ("From :", "To :")."""
    line_start = words.rfind("\n", 0, m.start()) + 1
    return bool(label.fullmatch(words, line_start, m.start()))


def _unique(
    found: list[tuple[datetime, datetime | None, str]],
) -> list[tuple[datetime, datetime | None, str]]:
    results: list[tuple[datetime, datetime | None, str]] = []
    seen: set[tuple[datetime, datetime | None]] = set()
    for start, end, phrase in found:
        if (start, end) not in seen:
            seen.add((start, end))
            results.append((start, end, phrase))
    return results


def _length_words(unit: str) -> str:
    """The alternation of data/lengths.tsv for one unit, every language's line."""
    return datafiles.alternation("lengths", unit)


_LENGTH = re.compile(
    r"""(?<![\w.])(?:
        (?P<min>\d{2,3})\s?[-\s]?\s?(?:"""
    + _length_words("minute")
    + r""")\b
      | (?P<hours>\d(?:[.,]\d)?|1\.5|one\s+and\s+a\s+half|"""
    + _length_words("one")
    + r""")\s?[-\s]?\s?(?:"""
    + _length_words("hour")
    + r""")\b
      | (?P<hourlong>hour)[-\s]long\b
      | (?P<half>"""
    + _length_words("half")
    + r""")
    )(?!\s+(?:early|before|prior|ahead|beforehand|late|after|in\s+advance|to\s+(?:complete|
        prepare|review)|of\s+(?:prep|preparation|reading)))""",
    re.IGNORECASE | re.VERBOSE,
)
# "in the last 30 minutes" is a deadline; "it will last 45 minutes" is a length
_WITHIN = re.compile(
    r"\b(?:within|in|next|after|every|the\s+(?:last|past)|up\s+to)\s+(?:the\s+)?$", re.I
)
_SHORTEST_MEETING, _LONGEST_MEETING = timedelta(minutes=15), timedelta(hours=8)


def find_meeting_length(text: str) -> timedelta | None:
    """The length a scheduling message gives its meeting ("our 30-minute phone screen",
    "Plan for 45 minutes", "an hour-long call"), or None.

    The first length between 15 minutes and 8 hours wins; lengths that say how early to
    arrive or how long to prepare ("join 10 minutes early", "2 hours before") are skipped.
    """
    words = QUOTED_LINE.sub("", normalise(text))
    for m in _LENGTH.finditer(words):
        if _WITHIN.search(words, max(0, m.start() - 20), m.start()):
            continue  # "within 2 hours", "in the next 30 minutes": a deadline, not a length
        if m["min"]:
            length = timedelta(minutes=int(m["min"]))
        elif m["hourlong"]:
            length = timedelta(hours=1)
        elif m["half"]:
            length = timedelta(minutes=30)
        else:
            word = " ".join(m["hours"].lower().replace(",", ".").split())
            hours = {"two": 2.0, "one and a half": 1.5}.get(word)
            if hours is None:
                hours = float(word) if word[:1].isdigit() else 1.0  # "an", "eine", "uma"
            length = timedelta(hours=hours)
        if _SHORTEST_MEETING <= length <= _LONGEST_MEETING:
            return length
    return None


def _span(start: time, end: time) -> timedelta:
    return datetime.combine(date.min, end) - datetime.combine(date.min, start)


def _not_a_meeting(words: str, m: re.Match[str]) -> bool:
    """A deadline, office hours or a reply header rather than a meeting."""
    line_start = words.rfind("\n", max(0, m.start() - 400), m.start()) + 1
    if (line_start or m.start() <= 400) and _HEADER_LINE.match(words, line_start):
        return True
    if (
        (line_start or m.start() <= 400)
        and _DATE_LABEL.match(words, line_start)
        and _beside_a_header(words, line_start)
    ):
        return True
    line_start = max(line_start, m.start() - 400)
    return bool(_NOT_A_MEETING_BEFORE.search(words, max(line_start, m.start() - 40), m.start()))


def _beside_a_header(words: str, line_start: int) -> bool:
    """A header line (From, To, Subject...) within two lines of the line at `line_start`."""
    before = line_start
    for _ in range(2):
        before = words.rfind("\n", 0, max(0, before - 1)) + 1
    after = line_start
    for _ in range(3):
        found = words.find("\n", after + 1)
        after = len(words) if found < 0 else found
    return bool(_HEADER_NEIGHBOUR.search(words[before:after]))


class _DaysNamed:
    """Every day named in a text ("Tuesday, October 6"), found once, for times without one."""

    def __init__(self, words: str) -> None:
        self.words = words
        self.found: list[re.Match[str]] | None = None
        self.ends: list[int] = []

    def last_before(self, pos: int, reach: int = 300) -> re.Match[str] | None:
        if self.found is None:
            self.found = list(_CONTEXT_DAY.finditer(self.words))
            self.ends = [m.end() for m in self.found]
        i = bisect.bisect_right(self.ends, pos) - 1
        if i >= 0 and self.found[i].start() >= pos - reach:
            return self.found[i]
        return None


# The sender's clock in words, or an abbreviation of letters we do not know, after a time.
_OURS = re.compile(
    r"\s{0,2}(?:our\s+(?:local\s+)?time|(?:à\s+)?notre\s+heure|(?:a\s+)?nuestra\s+hora|"
    r"unserer\s+Zeit|(?:(?-i:[A-Z]{2,5})(?![\w/])))",
    re.IGNORECASE,
)
# A UTC offset written beside a time's zone, on its line: "(hora del Pacífico, GMT-7)".
_STATED_OFFSET = re.compile(
    r"(?:UTC|GMT)\s?(?P<sign>[-+−])\s?(?P<h>\d{1,2})(?::?(?P<m>[0-5]\d))?(?!\d)"
)


def _stated_offset(words: str, start: int, end: int) -> timedelta | None:
    """The UTC offset written in a time's match or just after it on its line, or None."""
    line_end = words.find("\n", end)
    window = words[start : min(end + 40, line_end if line_end >= 0 else len(words))]
    found = _STATED_OFFSET.search(window)
    if found is None or int(found["h"]) > 14:
        return None
    sign = -1 if found["sign"] in "-−" else 1
    return sign * timedelta(hours=int(found["h"]), minutes=int(found["m"] or 0))


def _standard_offset(local: datetime) -> timedelta | None:
    offset, saving = local.utcoffset(), local.dst()
    return offset - saving if offset is not None and saving is not None else offset


def _zone_in_parentheses(words: str, pos: int) -> tzinfo | None:
    """The zone of "(Navajo Nation, MDT)" or "(Apia)" at `pos`: a place, else a known
    abbreviation among its parts."""
    place = place_in_parentheses(words, pos)
    if place is not None:
        return place
    inside = re.match(r"\s{0,2}\(([^()\n]{2,40})\)", words[pos:])
    if inside is None or re.search(r"\d", inside[1]):
        return None
    for part in inside[1].split(","):
        name = _ZONE_ABBR.get(part.strip())
        if name:
            return _zone_info(name)
    return None


def _writes(zone: tzinfo, abbreviation: str, when: datetime) -> bool:
    """`zone` writes `abbreviation` in the coming half-year (CST in Regina, EST in Jamaica),
    or tzdata writes no letters for it ("+06" for Dhaka), so the local one is the writer's
    ("BST (Dhaka time, GMT+6)": Bangladesh Standard Time)."""
    names = {
        (when + timedelta(days=days)).astimezone(zone).tzname() or "" for days in (0, 60, 120, 180)
    }
    return abbreviation in names or all(n[:1] in "+-" for n in names)


# Kinds whose pattern has no zone of its own: a zone comes from the words after the time.
_NO_ZONE_GROUPS = ("range_only", "time_words_zone", "time_field")


def _meeting(
    m: re.Match[str],
    kind: str,
    context: re.Match[str] | None,
    base: date,
    sent: datetime,
    tz: tzinfo,
    words: str,
    reader: tzinfo,
    near: tuple[timedelta, datetime] | None = None,
) -> tuple[datetime, datetime | None, str] | None:
    """One match as a meeting; `context` is the day named before a time that names none."""
    times = _times(m)
    if times is None:
        return None
    start_t, end_t = times
    groups = m.groupdict()
    own = kind not in _NO_ZONE_GROUPS and (
        groups.get("z_own") or (kind == "time_first" and groups.get("y_own"))
    )
    written = (
        (reader if own else None)
        or (_zone_from(m, "z") if kind not in _NO_ZONE_GROUPS else None)
        or (_zone_from(m, "y") if kind == "time_first" else None)
        or zone_after(words, m.end(), near)
        # "15:00 – 16:00 (Gibraltar, CET)": the place in parentheses after the time
        or place_in_parentheses(words, m.end())
        # a zone written after the day a schedule's rows sit under: "Jeudi 29 octobre (heure
        # de Paris) :" then "15h00 – 15h45 : ..."
        or (zone_after(words, context.end(), near) if context is not None else None)
    )
    if kind == "time_words_zone" and written is None:
        return None
    abbreviation = groups.get("z_abbr") if kind not in _NO_ZONE_GROUPS else None
    zone: tzinfo = written or tz
    if written is None:
        # "8:30 AM our time (Navajo Nation, MDT)", "10:00am WST (Apia)": a word for the
        # sender's clock, or an abbreviation we do not know, then the place in parentheses
        ours = _OURS.match(words, m.end())
        if ours is not None:
            zone = _zone_in_parentheses(words, ours.end()) or zone
    if abbreviation:
        # "10:30 AM CST (Regina, Saskatchewan)": the place says which zone writes CST, and
        # Saskatchewan keeps it all year
        place = place_in_parentheses(words, m.end())
        if place is not None and _writes(place, abbreviation, sent):
            zone = place
    if kind == "range_only" and (
        context is None
        or end_t is None
        or not start_t < end_t
        or _span(start_t, end_t) > _LONGEST_ROW
    ):
        return None
    if kind in ("row_start", "time_field") and context is None:
        return None
    try:
        if kind in ("time_only", "time_words_zone", "range_only", "row_start", "time_field"):
            day = _day_of(context, base, sent, zone, start_t) if context else None
            if day is None:
                day = _first_day_after(sent, zone, start_t, None, False)
        else:
            day = _day_of(m, base, sent, zone, start_t)
        if day is None:
            return None
        stated = _stated_offset(words, m.start(), m.end())
        local = datetime.combine(day, start_t, tzinfo=zone)
        if stated is not None and stated not in (local.utcoffset(), _standard_offset(local)):
            # "9:30 (hora del Pacífico, GMT-7)" in Los Cabos, which keeps -7 when California
            # does not: the offset written beside the name is the instant's. A zone's standard
            # offset is how people label it all year ("(UTC-05:00) Eastern Time" in October).
            zone = timezone(stated)
        start = _instant(day, start_t, zone)
        end = None
        if end_t is not None:
            end = _instant(day, end_t, zone)
            if end <= start:
                end = _instant(day + timedelta(days=1), end_t, zone)
    except (OverflowError, ValueError):  # off the calendar: a forged Date header near year 9999
        return None
    return start, end, clean(m[0])
