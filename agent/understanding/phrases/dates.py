"""Calendar dates written in prose: the weekday, month and number vocabulary of English,
German, French and Spanish, regex pieces that match a date, and their resolution to a `date`.

Pure: every relative date is resolved against the message's own date, never a clock.
Conventions (each one a decision a test pins down):
- A weekday alone means the next such day strictly after the message date ("by Friday" written
  on a Friday is a week later); "this Friday" may be today; "next Friday" and "Friday next week"
  are in the following Monday-to-Sunday week.
- A date without a year is its next occurrence on or after the message date; when a weekday
  name disagrees with the date, the date wins.
- Numeric dates: "3/10" is month/day (US) unless the first number exceeds 12 or a weekday
  written beside it fits only the day/month reading ("Tuesday 06/10/2026"); "12.10." is
  day.month (German); "2026-10-12" is ISO 8601; "20-Oct-2026" is day-month-year.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta, tzinfo

from agent.understanding.phrases.prose import alternation, phrase_key
from agent.understanding.phrases.zones import calendar_words

_WEEKDAYS: dict[str, int] = {
    "monday": 0, "montag": 0, "lundi": 0, "lunes": 0,
    "tuesday": 1, "dienstag": 1, "mardi": 1, "martes": 1,
    "wednesday": 2, "mittwoch": 2, "mercredi": 2, "miércoles": 2, "miercoles": 2,
    "thursday": 3, "donnerstag": 3, "jeudi": 3, "jueves": 3,
    "friday": 4, "freitag": 4, "vendredi": 4, "viernes": 4,
    "saturday": 5, "samstag": 5, "sonnabend": 5, "samedi": 5, "sábado": 5, "sabado": 5,
    "sunday": 6, "sonntag": 6, "dimanche": 6, "domingo": 6,
    # Portuguese: the "-feira" forms (a bare "segunda" is also Spanish for "second")
    "segunda-feira": 0, "terça-feira": 1, "terca-feira": 1, "quarta-feira": 2,
    "quinta-feira": 3, "sexta-feira": 4,
    # Italian
    "lunedì": 0, "lunedi": 0, "martedì": 1, "martedi": 1, "mercoledì": 2, "mercoledi": 2,
    "giovedì": 3, "giovedi": 3, "venerdì": 4, "venerdi": 4, "sabato": 5, "domenica": 6,
}  # fmt: skip


def _transpositions(word: str) -> list[str]:
    """The word with two neighbouring letters swapped, as hurried typing does ("Thrusday")."""
    return [word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(1, len(word) - 1)]


# A mistyped English weekday still names its day: neighbours swapped past the first letter.
for _name, _day in [(n, d) for n, d in _WEEKDAYS.items() if n.isascii() and n.endswith("day")]:
    for _typo in _transpositions(_name):
        _WEEKDAYS.setdefault(_typo, _day)

# Abbreviations are also English words ("sat", "wed", "sun"), so they must be capitalised.
_WEEKDAY_ABBR: dict[str, int] = {
    "Mon": 0, "Tue": 1, "Tues": 1, "Wed": 2, "Thu": 3, "Thur": 3, "Thurs": 3, "Fri": 4,
    "Sat": 5, "Sun": 6,
}  # fmt: skip
_WEEKDAY_KEYS = {**_WEEKDAYS, **{k.lower(): v for k, v in _WEEKDAY_ABBR.items()}}

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "januar": 1, "jänner": 1, "janvier": 1, "janv": 1, "enero": 1,
    "ene": 1,
    "february": 2, "feb": 2, "februar": 2, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2,
    "febrero": 2,
    "march": 3, "mar": 3, "märz": 3, "maerz": 3, "mär": 3, "mars": 3, "marzo": 3,
    "april": 4, "apr": 4, "avril": 4, "avr": 4, "abril": 4, "abr": 4,
    "may": 5, "mai": 5, "mayo": 5,
    "june": 6, "jun": 6, "juni": 6, "juin": 6, "junio": 6,
    "july": 7, "jul": 7, "juli": 7, "juillet": 7, "juil": 7, "julio": 7,
    "august": 8, "aug": 8, "août": 8, "aout": 8, "agosto": 8,
    "september": 9, "sep": 9, "sept": 9, "septembre": 9, "septiembre": 9, "setiembre": 9,
    "october": 10, "oct": 10, "oktober": 10, "okt": 10, "octobre": 10, "octubre": 10,
    "november": 11, "nov": 11, "novembre": 11, "noviembre": 11,
    "december": 12, "dec": 12, "dezember": 12, "dez": 12, "décembre": 12, "decembre": 12,
    "déc": 12, "diciembre": 12, "dic": 12,
    # Portuguese (abril, agosto: as in Spanish)
    "janeiro": 1, "fevereiro": 2, "março": 3, "maio": 5, "junho": 6, "julho": 7,
    "setembro": 9, "outubro": 10, "novembro": 11, "dezembro": 12,
    # Italian (marzo, agosto, novembre: as above)
    "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
    "settembre": 9, "ottobre": 10, "dicembre": 12,
}  # fmt: skip

NUMBERS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14,
    "fifteen": 15, "twenty": 20, "thirty": 30, "twenty-four": 24, "forty-eight": 48,
    "seventy-two": 72, "a couple of": 2, "a couple": 2, "couple of": 2, "a few": 3, "few": 3,
    "ein": 1, "eine": 1, "einem": 1, "einer": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5,
    "sechs": 6, "sieben": 7, "acht": 8, "zehn": 10, "vierzehn": 14, "ein paar": 3,
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8,
    "dix": 10, "quinze": 15, "quelques": 3,
    "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
    "ocho": 8, "diez": 10, "quince": 15, "un par de": 2, "unos pocos": 3,
}  # fmt: skip

# unit word -> (unit, counts business days only)
_UNIT_WORDS: dict[tuple[str, bool], tuple[str, ...]] = {
    ("day", False): (
        "day",
        "days",
        "tag",
        "tage",
        "tagen",
        "jour",
        "jours",
        "día",
        "días",
        "dia",
        "dias",
    ),
    ("day", True): (
        "werktag",
        "werktage",
        "werktagen",
        "arbeitstag",
        "arbeitstage",
        "arbeitstagen",
        "businessday",
        "businessdays",
    ),
    ("week", False): (
        "week",
        "weeks",
        "woche",
        "wochen",
        "semaine",
        "semaines",
        "semana",
        "semanas",
    ),
    ("hour", False): (
        "hour",
        "hours",
        "hr",
        "hrs",
        "stunde",
        "stunden",
        "heure",
        "heures",
        "hora",
        "horas",
    ),
    ("month", False): ("month", "months", "monat", "monate", "monaten", "mois", "mes", "meses"),
}
UNITS = {word: unit for unit, words in _UNIT_WORDS.items() for word in words}

NUM = r"(?:\d{1,3}(?!\d)|" + alternation(*NUMBERS) + r")"
# Other languages' month and weekday names are CLDR's (data/zone_names.json): a language is
# a line in zones.CALENDAR_LANGUAGES, not a list here.
for _word, _number in calendar_words()[0].items():
    MONTHS.setdefault(_word, _number)
for _word, _number in calendar_words()[1].items():
    _WEEKDAYS.setdefault(_word, _number)
_WEEKDAY_KEYS.update({k: v for k, v in _WEEKDAYS.items() if k not in _WEEKDAY_KEYS})
MONTH = r"(?:" + alternation(*MONTHS) + r")"
WEEKDAY_FULL = alternation(*_WEEKDAYS)
_ENGLISH_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Other languages write a weekday and a bare day of an unnamed month: "viernes 25", "vendredi
# 25", "Freitag, 25.", "venerdì 25" (English writes "Friday the 25th", read above).
_OTHER_WEEKDAY = alternation(*(w for w in _WEEKDAYS if w not in _ENGLISH_WEEKDAYS))
WEEKDAY_SHORT = "(?-i:" + "|".join(sorted(_WEEKDAY_ABBR, key=len, reverse=True)) + ")"


# ---------------------------------------------------------------------------------------------
# Pattern pieces. Each takes a prefix so one compiled pattern can hold two copies of a piece
# (named groups must be unique). None has an unbounded quantifier next to another one, so
# matching stays linear on hostile input.


def expand(template: str, prefix: str) -> str:
    return template.replace("P_", prefix + "_").replace("%MONTH", MONTH)


def _date_piece(p: str) -> str:
    """A calendar date: month-first, day-first (any language), ISO, US numeric, German numeric,
    day-month-year with a month name ("20-Oct-2026", as ATS detail blocks write it)."""
    return expand(
        r"""
        (?<![\w/.:])
        (?:
            (?P<P_mon1>%MONTH)\.?\s{0,2}(?P<P_day1>\d{1,2})(?:st|nd|rd|th)?(?!\d|:\d)
                (?:,?\s{1,2}(?P<P_year1>(?:19|20|21)\d\d)(?!\d))?
          | (?P<P_day2>\d{1,2})(?:st|nd|rd|th|er|\.|º|°|ª|ᵉʳ)?\s{0,2}
                (?:of\s{1,2}|de\s{1,2}|d['’]\s?)?
                (?P<P_mon2>%MONTH)(?!\w)(?:\.(?=\s{0,2}[\d,]))?(?:,?\s{1,2}(?:de\s{1,2})?(?P<P_year2>(?:19|20|21)\d\d)(?!\d))?
          | (?P<P_year3>(?:19|20|21)\d\d)-(?P<P_mon3>\d\d)-(?P<P_day3>\d\d)(?!\d)
          | (?P<P_mon4>\d{1,2})/(?P<P_day4>\d{1,2})(?:/(?P<P_year4>\d{4}|\d\d))?(?![\d/])
          | (?P<P_day5>\d{1,2})\.(?P<P_mon5>\d{1,2})\.(?P<P_year5>\d{4}|\d\d(?!\d))?
          | (?P<P_day6>\d{1,2})-(?P<P_mon6>%MONTH)-(?P<P_year6>(?:19|20|21)\d\d|\d\d)(?!\d)
          # year first, as Hungarian and Lithuanian write it: "2026. október 7.", "2026 m. spalio 7"
          | (?P<P_year8>(?:19|20|21)\d\d)\.?\s{1,2}(?:m\.\s)?(?P<P_mon8>%MONTH)\s{1,2}
                (?P<P_day8>\d{1,2})\.?(?!\d)
        )
        (?!\w)
        """,
        p,
    )


def weekday_piece(p: str) -> str:
    return expand(
        r"(?P<P_wd>" + WEEKDAY_FULL + "|" + WEEKDAY_SHORT + r"(?:\.(?=\s{0,2}[\w,]))?)(?!\w)", p
    )


def dated_piece(p: str) -> str:
    """A date, optionally after its weekday ("Friday, March 14", "Donnerstag, den 1. Oktober")."""
    return (
        r"(?:(?:"
        + weekday_piece(p + "w")
        + r",?\s{1,3}(?:the\s|den\s|le\s|el\s)?)?"
        + _date_piece(p)
        # a weekday and an ordinal day of an unnamed month: "Friday 30th", "Friday the 30th"
        + r"|"
        + weekday_piece(p + "o")
        + expand(r",?\s{1,3}(?:the\s)?(?P<P_day7>\d{1,2})(?:st|nd|rd|th)(?!\w)", p)
        + r"|"
        + expand(
            r"(?P<P_vwd>"
            + _OTHER_WEEKDAY
            + r"),?\s{1,3}(?:den\s|le\s|el\s|il\s|o\s|de\s)?(?P<P_day9>\d{1,2})(?:\.|º|°)?"
            # not a time: "viernes 13 h", "Freitag 14 Uhr", "vendredi 10:30"
            r"(?![\d:]|\.\d|\s?(?:h|hs|uhr|horas?|heures?|ore|uur|[ap]\.?\s?m)\b)",
            p,
        )
        + r")"
    )


# ---------------------------------------------------------------------------------------------
# Resolving the pieces


def base_date(sent: datetime, tz: tzinfo) -> date:
    """The message's local date; near date.min or date.max (a forged Date header), the UTC one."""
    aware = sent if sent.tzinfo is not None else sent.replace(tzinfo=UTC)
    try:
        return aware.astimezone(tz).date()
    except OverflowError:
        return aware.astimezone(UTC).date()


def _calendar_date(day: int, month: int, year: str | None, base: date) -> date | None:
    if year:
        y = int(year)
        if y < 100:
            y += 2000
        try:
            return date(y, month, day)
        except ValueError:
            return None
    for y in range(base.year, base.year + 9):  # nine years always hold a Feb 29
        try:
            candidate = date(y, month, day)
        except ValueError:
            continue
        if candidate >= base:
            return candidate
    return None


def date_from(m: re.Match[str], p: str, base: date) -> date | None:
    g = m.groupdict()
    try:
        if g[f"{p}_mon1"]:
            month, day, year = MONTHS[phrase_key(g[f"{p}_mon1"])], g[f"{p}_day1"], g[f"{p}_year1"]
        elif g[f"{p}_mon2"]:
            month, day, year = MONTHS[phrase_key(g[f"{p}_mon2"])], g[f"{p}_day2"], g[f"{p}_year2"]
        elif g[f"{p}_year3"]:
            month, day, year = int(g[f"{p}_mon3"]), g[f"{p}_day3"], g[f"{p}_year3"]
        elif g[f"{p}_mon4"]:
            month, day, year = int(g[f"{p}_mon4"]), g[f"{p}_day4"], g[f"{p}_year4"]
            # 31/08 can only be day/month; "Tuesday 06/10/2026" is when only that fits Tuesday
            if (
                (month > 12 and int(day) <= 12)
                or _day_first_by_weekday(g.get(f"{p}w_wd"), month, int(day), year, base)
                or (not g.get(f"{p}w_wd") and _day_first_by_time(month, int(day), year, base))
            ):
                month, day = int(day), str(month)
        elif g[f"{p}_mon5"]:
            month, day, year = int(g[f"{p}_mon5"]), g[f"{p}_day5"], g[f"{p}_year5"]
        elif g[f"{p}_mon6"]:
            month, day, year = MONTHS[phrase_key(g[f"{p}_mon6"])], g[f"{p}_day6"], g[f"{p}_year6"]
        elif g.get(f"{p}_mon8"):
            month, day, year = MONTHS[phrase_key(g[f"{p}_mon8"])], g[f"{p}_day8"], g[f"{p}_year8"]
        elif g.get(f"{p}_day7"):
            return _weekday_and_day(g[f"{p}o_wd"], int(g[f"{p}_day7"]), base)
        elif g.get(f"{p}_day9"):
            return _weekday_and_day(g[f"{p}_vwd"], int(g[f"{p}_day9"]), base)
        else:
            return None
    except KeyError:
        return None
    if not 1 <= month <= 12:
        return None
    return _calendar_date(int(day), month, year, base)


def _day_first_by_time(month: int, day: int, year: str | None, base: date) -> bool:
    """ "05/11/2026" in mail of 26 October: as month/day it was in May, as day/month it is next
    week. A date a message names is rarely months in the past, so the reading that is ahead
    of the message (and the other one not) is the writer's."""
    if day > 12 or year is None:
        return False
    us = _calendar_date(day, month, year, base)
    day_first = _calendar_date(month, day, year, base)
    return us is not None and day_first is not None and us < base <= day_first


def _weekday_and_day(weekday: str, day: int, base: date) -> date | None:
    """ "Friday 30th": the first date on or after `base` that is that day of its month and falls
    on that weekday (within a year), else that day of this month or the next."""
    wanted = weekday_of(weekday)
    fallback: date | None = None
    year, month = base.year, base.month
    for _ in range(14):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate is not None and candidate >= base:
            if fallback is None:
                fallback = candidate
            if wanted is None or candidate.weekday() == wanted:
                return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return fallback


def _day_first_by_weekday(
    weekday: str | None, month: int, day: int, year: str | None, base: date
) -> bool:
    """Whether "Tuesday 06/10/2026" is day/month: the weekday written beside an ambiguous
    numeric date agrees with the day-first reading (6 October) and not the US one (June 10)."""
    wanted = weekday_of(weekday) if weekday else None
    if wanted is None or not 1 <= day <= 12:
        return False
    us, day_first = _calendar_date(day, month, year, base), _calendar_date(month, day, year, base)
    return (us is None or us.weekday() != wanted) and (
        day_first is not None and day_first.weekday() == wanted
    )


def weekday_of(name: str) -> int | None:
    return _WEEKDAY_KEYS.get(phrase_key(name))


def monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def weekday_after(base: date, weekday: int, *, mode: str = "after") -> date:
    """`mode` "after": strictly after base; "on_or_after": base allowed; "next_week": in the
    Monday-to-Sunday week after base's."""
    if mode == "next_week":
        return monday(base) + timedelta(days=7 + weekday)
    delta = (weekday - base.weekday()) % 7
    if delta == 0 and mode == "after":
        delta = 7
    return base + timedelta(days=delta)


def add_months(d: date, n: int) -> date:
    """The same day n months later, or that month's last day; ValueError past year 9999."""
    month0 = d.month - 1 + n
    year, month = d.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def month_end(year: int, month: int) -> date:
    return add_months(date(year, month, 1), 1) - timedelta(days=1)
