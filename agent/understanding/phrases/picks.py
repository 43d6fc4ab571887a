"""Which offered slot a short reply settles on.

A recruiter offers times ("Thursday 22nd October, 4:00 pm PKT" or "Friday 23rd, 11:00 am
PKT"), the candidate picks one, and the recruiter closes the thread in a few words that name
the slot only by what tells it apart from the others: "Thursday it is, 4pm our time",
"you're all set for 8 our time", "Fechado! Quinta às 10h". Such a reply gives no date of its
own; its weekday, day of the month and clock time are cues that pick one of the times written
earlier in the thread, and that time (with its date and zone) is the meeting's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from agent.understanding.phrases.dates import weekday_of
from agent.understanding.phrases.meetings import find_meeting_times
from agent.understanding.phrases.prose import normalise

# Short weekday names that are too ambiguous for dates in general ("segunda" is also Spanish
# for "second") but in a reply that picks among offered days say which day it is.
_SHORT_WEEKDAYS = {
    "segunda": 0, "terça": 1, "terca": 1, "quarta": 2, "quinta": 3, "sexta": 4,
}  # fmt: skip

_WORD = re.compile(r"[^\W\d_][\w-]*")
# Clock times as replies write them: "4pm", "4:00 pm", "10h", "15h30", "16 Uhr", "8.30",
# and a bare hour after "at"/"for" and their equivalents ("all set for 8 our time").
_CLOCK_CUE = re.compile(
    r"(?<![\d/.:])(?:"
    r"(?P<h1>\d{1,2})(?:[:.h](?P<m1>\d{2}))?\s?(?P<ap>[ap])\.?\s?m\b\.?|"
    r"(?P<h2>\d{1,2})[:.h](?P<m2>\d{2})(?![\d/.:])|"
    r"(?P<h3>\d{1,2})\s?(?:h|uhr|hrs?|heures?|horas?|o'?clock)\b|"
    r"\b(?:at|for|from|às|as|a\s+las|a\s+la|alle|um|à|om|kl\.?|klo)\s+(?P<h4>\d{1,2})(?![\d/.:])"
    r")",
    re.I,
)
# A day of the month: "the 22nd", "22/10", "10/21", "22.10."
_DAY_CUE = re.compile(
    r"(?<![\d/.:])(?:(?P<d>\d{1,2})(?:st|nd|rd|th|º|°)\b|"
    r"(?P<a>\d{1,2})[/.](?P<b>\d{1,2})(?![\d:]))",
    re.I,
)
# A reply that turns a slot down or asks about it has not settled on it.
_NOT_SETTLED = re.compile(
    r"\?|\b(?:not|no\s+longer|can't|cannot|won't|doesn't|isn't|unfortunately|sorry|instead|"
    r"leider|nicht|malheureusement|pas|lamentablemente|desafortunadamente|infelizmente|"
    r"purtroppo|non|não|nao|niet|inte|ikke|ei)\b",
    re.I,
)
_URL = re.compile(r"\b(?:https?://|mailto:|www\.)\S+", re.I)


@dataclass(frozen=True)
class _Cues:
    weekday: int | None
    clocks: tuple[tuple[int, int | None, str | None], ...]  # hour, minute, "a"/"p"/None
    days: tuple[tuple[int, int | None], ...]  # day, month or None


def _cues(text: str) -> _Cues:
    weekdays = {
        d
        for w in _WORD.findall(text)
        for d in [weekday_of(w), _SHORT_WEEKDAYS.get(w.lower())]
        if d is not None
    }
    clocks = []
    for m in _CLOCK_CUE.finditer(text):
        hour = next(int(m[g]) for g in ("h1", "h2", "h3", "h4") if m[g])
        minute = next((int(m[g]) for g in ("m1", "m2") if m[g]), None)
        clocks.append((hour, minute, m["ap"].lower() if m["ap"] else None))
    days: list[tuple[int, int | None]] = []
    for m in _DAY_CUE.finditer(_CLOCK_CUE.sub(" ", text)):
        if m["d"]:
            days.append((int(m["d"]), None))
        else:  # 22/10 or 10/21: either order
            a, b = int(m["a"]), int(m["b"])
            days += [(a, b), (b, a)]
    return _Cues(
        weekday=next(iter(weekdays)) if len(weekdays) == 1 else None,
        clocks=tuple(clocks),
        days=tuple(days),
    )


def _fits(local: datetime, cues: _Cues) -> bool:
    if cues.weekday is not None and local.weekday() != cues.weekday:
        return False
    if cues.clocks and not any(_same_clock(local, c) for c in cues.clocks):
        return False
    return not cues.days or any(
        local.day == d and (m is None or local.month == m) for d, m in cues.days
    )


def _same_clock(local: datetime, clock: tuple[int, int | None, str | None]) -> bool:
    hour, minute, meridiem = clock
    if minute is not None and local.minute != minute:
        return False
    if meridiem is not None:
        return 1 <= hour <= 12 and local.hour == hour % 12 + (12 if meridiem == "p" else 0)
    return local.hour in (hour, hour + 12) if hour < 12 else local.hour == hour


def slot_picked(
    reply: str, earlier: str, sent: datetime, zone: tzinfo
) -> list[tuple[datetime, datetime | None, str]]:
    """The one time of `earlier` (the thread, quote marks removed) that the cues of `reply`
    pick out, as `find_meeting_times` gives it; [] when the reply names no cue, turns the
    slot down, asks, or its cues fit no time or several. `zone` is the zone the thread's
    clock times are written in."""
    reply = _URL.sub(" ", normalise(reply))
    cues = _cues(reply)
    if cues.weekday is None and not cues.clocks and not cues.days:
        return []
    if _NOT_SETTLED.search(reply):
        return []
    tz = zone if isinstance(zone, ZoneInfo) else None
    if tz is None:
        return []
    offered = find_meeting_times(earlier, sent, tz)
    fitting = {
        start: (start, end, phrase)
        for start, end, phrase in offered
        if start >= sent - timedelta(hours=1) and _fits(start.astimezone(tz), cues)
    }
    return list(fitting.values()) if len(fitting) == 1 else []
