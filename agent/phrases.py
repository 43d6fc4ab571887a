"""Dates written in prose: decision timelines, requests with a deadline, out-of-office returns and
meeting times, in English, German, French and Spanish.

Pure functions over a message's text. Every relative date ("by Friday", "within 5 business days")
is resolved against the message's own date (`sent`) in the user's time zone (`tz`), never a
clock. Owned here: the phrasings in shared/research/invite-formats.md sections 2.2 and 4.

Why hand-written patterns rather than `dateparser`: the job is to find a few known constructions
inside long mail and to say who they bind ("we'll" against "please"), with business days, upper
bounds of ranges and "end of next week". dateparser parses a string that already is a date; its
`search_dates` guesses dates out of any number or word ("in 2 rounds", "may"), knows nothing of
business days or ownership, and costs milliseconds per call. A false date here becomes a wrong
draft, so precision and predictability win; every rule below is tested by a table.

Conventions (each one a decision a test pins down):
- A weekday alone means the next such day strictly after the message date ("by Friday" written
  on a Friday is a week later); "this Friday" may be today; "next Friday" and "Friday next week"
  are in the following Monday-to-Sunday week.
- A date without a year is its next occurrence on or after the message date; when a weekday
  name disagrees with the date, the date wins.
- Numeric dates: "3/10" is month/day (US) unless the first number exceeds 12; "12.10." is
  day.month (German); "2026-10-12" is ISO 8601.
- Ranges take their upper bound ("5-7 business days" is 7). "A couple" is 2, "a few" is 3.
- "End of (next) week/month" is the last business day of that period; "early next week" is
  Tuesday, "mid next week" Wednesday (moved forward off a holiday); "next week" alone is its end.
- Quoted text (lines starting with ">", and everything after an "On ... wrote:" or
  "-----Original Message-----" header) is ignored for timelines, requests and returns: those
  statements belong to older messages with other dates.
"""

from __future__ import annotations

import bisect
import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import cache, lru_cache
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from agent.businessdays import BusinessCalendar, local_instant
from agent.model import Deadline, Request

__all__ = ["find_meeting_times", "find_requests", "find_return_date", "find_timeline"]

_FLAGS = re.IGNORECASE | re.VERBOSE
_WHAT_MAX = 80  # characters in Request.what
_CUE_REACH = 200  # characters between a cue and the date it governs
_SEGMENT_MAX = 300  # characters read after a cue for a request's words
_LONGEST = {"day": 366, "week": 52, "hour": 24 * 31, "month": 24}  # longer is not a deadline

# ---------------------------------------------------------------------------------------------
# Lexicon


def _words(*phrases: str) -> str:
    """An alternation of literal phrases, longest first; a space matches 1-3 whitespace chars."""
    unique = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s{1,3}") for p in unique) + ")"


def _key(words: str) -> str:
    return " ".join(words.lower().replace(".", "").split())


_WEEKDAYS: dict[str, int] = {
    "monday": 0, "montag": 0, "lundi": 0, "lunes": 0,
    "tuesday": 1, "dienstag": 1, "mardi": 1, "martes": 1,
    "wednesday": 2, "mittwoch": 2, "mercredi": 2, "miércoles": 2, "miercoles": 2,
    "thursday": 3, "donnerstag": 3, "jeudi": 3, "jueves": 3,
    "friday": 4, "freitag": 4, "vendredi": 4, "viernes": 4,
    "saturday": 5, "samstag": 5, "sonnabend": 5, "samedi": 5, "sábado": 5, "sabado": 5,
    "sunday": 6, "sonntag": 6, "dimanche": 6, "domingo": 6,
}  # fmt: skip
# Abbreviations are also English words ("sat", "wed", "sun"), so they must be capitalised.
_WEEKDAY_ABBR: dict[str, int] = {
    "Mon": 0, "Tue": 1, "Tues": 1, "Wed": 2, "Thu": 3, "Thur": 3, "Thurs": 3, "Fri": 4,
    "Sat": 5, "Sun": 6,
}  # fmt: skip
_WEEKDAY_KEYS = {**_WEEKDAYS, **{k.lower(): v for k, v in _WEEKDAY_ABBR.items()}}

_MONTHS: dict[str, int] = {
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
}  # fmt: skip

_NUMBERS: dict[str, int] = {
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
    ("day", False): ("day", "days", "tag", "tage", "tagen", "jour", "jours", "día", "días", "dia",
                     "dias"),
    ("day", True): ("werktag", "werktage", "werktagen", "arbeitstag", "arbeitstage",
                    "arbeitstagen", "businessday", "businessdays"),
    ("week", False): ("week", "weeks", "woche", "wochen", "semaine", "semaines", "semana",
                      "semanas"),
    ("hour", False): ("hour", "hours", "hr", "hrs", "stunde", "stunden", "heure", "heures", "hora",
                      "horas"),
    ("month", False): ("month", "months", "monat", "monate", "monaten", "mois", "mes", "meses"),
}
_UNITS = {word: unit for unit, words in _UNIT_WORDS.items() for word in words}

_NUM = r"(?:\d{1,3}(?!\d)|" + _words(*_NUMBERS) + r")"
_MONTH = r"(?:" + _words(*_MONTHS) + r")"
_WEEKDAY_FULL = _words(*_WEEKDAYS)
_WEEKDAY_SHORT = "(?-i:" + "|".join(sorted(_WEEKDAY_ABBR, key=len, reverse=True)) + ")"

# ---------------------------------------------------------------------------------------------
# Pattern pieces. Each takes a prefix so one compiled pattern can hold two copies of a piece
# (named groups must be unique). None has an unbounded quantifier next to another one, so
# matching stays linear on hostile input.


def _expand(template: str, prefix: str) -> str:
    return template.replace("P_", prefix + "_").replace("%MONTH", _MONTH)


def _date_piece(p: str) -> str:
    """A calendar date: month-first, day-first (any language), ISO, US numeric, German numeric."""
    return _expand(
        r"""
        (?<![\w/.:])
        (?:
            (?P<P_mon1>%MONTH)\.?\s{0,2}(?P<P_day1>\d{1,2})(?:st|nd|rd|th)?(?!\d|:\d)
                (?:,?\s{1,2}(?P<P_year1>(?:19|20|21)\d\d)(?!\d))?
          | (?P<P_day2>\d{1,2})(?:st|nd|rd|th|er|\.|º)?\s{0,2}(?:of\s{1,2}|de\s{1,2})?
                (?P<P_mon2>%MONTH)(?!\w)(?:\.(?=\s{0,2}[\d,]))?(?:,?\s{1,2}(?:de\s{1,2})?(?P<P_year2>(?:19|20|21)\d\d)(?!\d))?
          | (?P<P_year3>(?:19|20|21)\d\d)-(?P<P_mon3>\d\d)-(?P<P_day3>\d\d)(?!\d)
          | (?P<P_mon4>\d{1,2})/(?P<P_day4>\d{1,2})(?:/(?P<P_year4>\d{4}|\d\d))?(?![\d/])
          | (?P<P_day5>\d{1,2})\.(?P<P_mon5>\d{1,2})\.(?P<P_year5>\d{4}|\d\d(?!\d))?
        )
        (?!\w)
        """,
        p,
    )


def _weekday_piece(p: str) -> str:
    return _expand(
        r"(?P<P_wd>" + _WEEKDAY_FULL + "|" + _WEEKDAY_SHORT + r"(?:\.(?=\s{0,2}[\w,]))?)(?!\w)", p
    )


def _dated_piece(p: str) -> str:
    """A date, optionally after its weekday ("Friday, March 14", "Donnerstag, den 1. Oktober")."""
    return (
        r"(?:" + _weekday_piece(p + "w") + r",?\s{1,3}(?:the\s|den\s|le\s|el\s)?)?"
        + _date_piece(p)
    )


# ---------------------------------------------------------------------------------------------
# Resolving the pieces


def _base_date(sent: datetime, tz: tzinfo) -> date:
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


def _date_from(m: re.Match[str], p: str, base: date) -> date | None:
    g = m.groupdict()
    try:
        if g[f"{p}_mon1"]:
            month, day, year = _MONTHS[_key(g[f"{p}_mon1"])], g[f"{p}_day1"], g[f"{p}_year1"]
        elif g[f"{p}_mon2"]:
            month, day, year = _MONTHS[_key(g[f"{p}_mon2"])], g[f"{p}_day2"], g[f"{p}_year2"]
        elif g[f"{p}_year3"]:
            month, day, year = int(g[f"{p}_mon3"]), g[f"{p}_day3"], g[f"{p}_year3"]
        elif g[f"{p}_mon4"]:
            month, day, year = int(g[f"{p}_mon4"]), g[f"{p}_day4"], g[f"{p}_year4"]
            if month > 12 and int(day) <= 12:  # 31/08 can only be day/month
                month, day = int(day), str(month)
        elif g[f"{p}_mon5"]:
            month, day, year = int(g[f"{p}_mon5"]), g[f"{p}_day5"], g[f"{p}_year5"]
        else:
            return None
    except KeyError:
        return None
    if not 1 <= month <= 12:
        return None
    return _calendar_date(int(day), month, year, base)


def _weekday_of(name: str) -> int | None:
    return _WEEKDAY_KEYS.get(_key(name))


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _weekday_after(base: date, weekday: int, *, mode: str = "after") -> date:
    """`mode` "after": strictly after base; "on_or_after": base allowed; "next_week": in the
    Monday-to-Sunday week after base's."""
    if mode == "next_week":
        return _monday(base) + timedelta(days=7 + weekday)
    delta = (weekday - base.weekday()) % 7
    if delta == 0 and mode == "after":
        delta = 7
    return base + timedelta(days=delta)


def _add_months(d: date, n: int) -> date:
    """The same day n months later, or that month's last day; ValueError past year 9999."""
    month0 = d.month - 1 + n
    year, month = d.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _month_end(year: int, month: int) -> date:
    return _add_months(date(year, month, 1), 1) - timedelta(days=1)


def _clean(s: str) -> str:
    return " ".join(s.split())


_TRANSLATE = str.maketrans({"\u2019": "'", "\u2018": "'", "\u00a0": " ", "\u202f": " ",
                            "\u2009": " ", "\r": " "})


def _normalise(text: str) -> str:
    """Same length as `text`: curly apostrophes and odd spaces become plain ones."""
    return text.translate(_TRANSLATE)


_QUOTE_HEADER = re.compile(
    r"""
    ^[ \t]*(?:
        -{2,}\s?(?:Original\s+Message|Ursprüngliche\s+Nachricht|Message\s+d'origine
                 |Mensaje\s+original)\s?-{2,}
      | On\s[^\n]{1,300}?(?:\n[^\n]{1,200}?)?\swrote:
      | Am\s[^\n]{1,300}?schrieb[^\n]{0,100}:
      | Le\s[^\n]{1,300}?a\s+écrit\s?:
      | El\s[^\n]{1,300}?escribió:
      | (?:From|Von|De)\s?:[^\n]{1,300}\n[ \t]*(?:Sent|Date|Gesendet|Datum|Envoyé|Enviado|Fecha)\s?:
    )
    """,
    re.MULTILINE | re.VERBOSE,
)
_QUOTED_LINE = re.compile(r"^[ \t]*>[^\n]*", re.MULTILINE)


def _own_words(text: str) -> str:
    """The sender's own text: normalised, cut at the first quote header, quoted lines blanked."""
    text = _normalise(text)
    header = _QUOTE_HEADER.search(text)
    if header:
        text = text[: header.start()]
    return _QUOTED_LINE.sub("", text)


# ---------------------------------------------------------------------------------------------
# Sentences and who speaks in them

_SENTENCE_END = re.compile(
    r"""
    (?<![.!?])[.!?]+(?=\s{1,10}[A-ZÀ-ÖØ-Þ¿¡"'(\[])  # a stop before a capital (not "Oct. 12")
  | [?!]
  | \n[ \t]*\n                               # a blank line
  | \n(?=[ \t]{0,8}(?:[-*•·]|\d{1,2}[.)])\s)  # a list item
    """,
    re.VERBOSE,
)


class _Sentences:
    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]
        self.length = len(text)

    def index(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos) - 1

    def end(self, index: int) -> int:
        return self.starts[index + 1] if index + 1 < len(self.starts) else self.length


_NEUTRAL = (
    "please note", "please be aware", "please be advised", "please keep in mind",
    "please feel free", "feel free", "please don't hesitate", "please do not hesitate",
    "don't hesitate", "do not hesitate", "please find", "please see",
)
_COMPANY_OVERRIDE = (
    "please allow", "please expect", "please give us", "please bear with us",
)
_NEED = (
    "we need", "we'll need", "we will need", "we'd need", "we would need", "I need", "I'll need",
    "I will need", "wir benötigen", "wir brauchen", "wir bräuchten", "ich benötige",
    "ich brauche", "necesitamos", "necesitaremos", "necesito", "nous avons besoin de",
    "j'ai besoin de",
)
_CANDIDATE = (
    "please", "pls", "could you", "can you", "would you", "will you", "would you mind", "kindly",
    "if you could", "if you can", "you'll need to", "you will need to", "you need to",
    "you must", "you should", "make sure to", "make sure you", "be sure to", "don't forget to",
    "do not forget to", "remember to", "we'd like you to", "we would like you to",
    "we'd love for you to", "we'd ask you to", "we would ask you to", "we ask that you",
    "we ask you to", "I'd like you to", "I would like you to", "we'd appreciate",
    "we would appreciate", "I'd appreciate", "I would appreciate", "look forward to receiving",
    "looking forward to receiving",
    # German
    "bitte", "könnten Sie", "können Sie", "würden Sie", "könntest du", "kannst du",
    "würdest du", "Sie müssen", "lassen Sie uns wissen", "geben Sie uns Bescheid",
    # French
    "merci de", "merci d'", "veuillez", "pourriez-vous", "pouvez-vous", "pourrais-tu",
    "peux-tu", "je vous prie de", "nous vous prions de", "nous vous demandons de",
    "nous vous remercions de", "il vous faudra", "vous devez", "vous devrez",
    # Spanish
    "por favor", "podrías", "podría", "podrias", "podria", "puedes", "puede usted",
    "le agradeceríamos", "te agradeceríamos", "agradeceríamos", "le agradecería",
    "te agradecería", "deberás", "deberá", "debes", "te pedimos", "le pedimos",
)
# Verbs in the polite imperative, anywhere in a sentence: the request's words start with them.
_POLITE_IMPERATIVE = (
    "senden Sie", "schicken Sie", "reichen Sie", "füllen Sie", "teilen Sie", "envoyez",
    "transmettez", "envíanos", "envíenos", "envíe", "envía", "let us know", "let me know",
)
_SUBJECTS = ("the team", "our team", "the hiring team", "the hiring manager",
             "the hiring committee", "the panel", "the committee", "the recruiter",
             "the recruiting team", "the talent team")
_COMPANY = (
    "we'll", "we will", "we'd", "we would", "we should", "we shall", "we hope", "we aim",
    "we plan", "we expect", "we intend", "we're aiming", "we're hoping", "we're planning",
    "we're expecting", "we're looking to", "we are aiming", "we are hoping", "we are planning",
    "we are expecting", "we're going to", "we are going to", "we're wrapping up",
    "we usually", "we typically", "we normally", "we generally", "we try to", "we strive to",
    "we respond", "we reply", "we get back", "we decide", "we make",
    "I'll", "I will", "I'd", "I would", "I should", "I hope", "I aim", "I plan", "I expect",
    "I'm aiming", "I'm hoping", "I'm planning", "I'm going to", "I am going to",
    "you'll hear", "you will hear", "you should hear", "you can expect", "you may expect",
    "you should expect", "expect to hear", "hear back from us", "hear from us",
    "hear back from me", "hear from me", "heard back from us", "heard from us",
    "heard back from me", "heard from me", "get back to you", "be in touch",
    "follow up with you", "reach out to you", "let you know", "update you", "circle back",
    *(f"{s} {v}" for s in _SUBJECTS
      for v in ("will", "should", "aims", "plans", "expects", "hopes", "is aiming", "is hoping",
                "is planning", "meets")),
    # German
    "wir melden uns", "wir werden", "wir geben", "wir hoffen", "wir planen", "wir möchten",
    "wir wollen", "wir streben", "wir entscheiden", "wir informieren", "wir kommen",
    "ich melde mich", "ich werde", "ich gebe", "ich komme", "Sie hören", "Sie hören von uns",
    "Sie hören von mir", "Sie erhalten", "Sie bekommen", "melden uns", "melde mich",
    # French (future tenses are caught by _FUTURE below)
    "nous allons", "je vais", "vous aurez", "vous recevrez", "nous espérons", "nous prévoyons",
    "nous comptons",
    # Spanish
    "vamos a", "voy a", "tendrás noticias", "tendrá noticias", "recibirás", "recibirá",
    "esperamos",
)
# First-person future tenses: French "reviendrons", "contacterai"; Spanish "responderemos",
# "avisaré". They make a sentence the company's promise without listing every verb.
_FUTURE = r"\w{2,}(?:rons|rai)|\w{2,}r(?:emos|é)"
_WEAK = (
    "decision", "feedback", "update", "next steps", "response", "answer", "news", "process",
    "Entscheidung", "Rückmeldung", "décision", "réponse", "decisión", "respuesta", "noticias",
)

_CUE_GROUPS = (
    ("neutral", _NEUTRAL), ("override", _COMPANY_OVERRIDE), ("need", _NEED),
    ("polite", _POLITE_IMPERATIVE), ("cand", _CANDIDATE), ("comp", _COMPANY), ("weak", _WEAK),
)
_CUE_KINDS = {_key(p): kind for kind, phrases in reversed(_CUE_GROUPS) for p in phrases}
# The longest phrase at a place wins: "you should hear" is the company's although "you should"
# is a request, "please allow" the company's although "please" asks, "we'll need" a request.
_CUE = re.compile(
    r"(?=[^\W\d_])(?<!\w)"
    rf"(?:(?P<phrase>{_words(*_CUE_KINDS)})|(?P<future>{_FUTURE}))"
    r"(?:(?<=')|(?!\w))",
    re.IGNORECASE,
)

_IMPERATIVE_VERBS = _words(
    "send", "share", "submit", "complete", "return", "sign", "provide", "email", "e-mail",
    "reply", "respond", "book", "schedule", "fill out", "fill in", "upload", "confirm",
    "forward", "finish", "accept", "select", "pick", "choose", "review", "prepare", "RSVP",
    "get back to us", "get back to me", "let us know", "let me know",
)
_IMPERATIVE = re.compile(
    r"""
    (?:^|(?<=[.!?:;]\s)|(?<=[.!?:;]\s\s)|(?<=,\s)|(?<=\n))
    [ \t]{0,4}(?:[-*•·][ \t]{0,2}|\d{1,2}[.)][ \t]{1,2})?
    (?:(?:also|and|then|just)\s{1,2})?
    (?P<verb>"""
    + _IMPERATIVE_VERBS
    + r""")(?!\w)
    """,
    re.IGNORECASE | re.VERBOSE | re.MULTILINE,
)

_REPLY_ONLY = re.compile(
    r"""(?:reply|respond|get\s+back\s+to\s+(?:us|me)|let\s+(?:us|me)\s+know|rsvp|confirm)
        (?:\s+to\s+(?:this|my|our|the)\s+(?:e-?mail|message|note|invitation))?""",
    _FLAGS,
)


@dataclass(frozen=True)
class _Cue:
    start: int
    end: int
    owner: str  # "candidate", "company", "weak", "neutral"
    kind: str  # group name: need, cand, imp, comp, ...


def _cues(text: str) -> list[_Cue]:
    found: list[_Cue] = []
    for m in _CUE.finditer(text):
        kind = "comp" if m["future"] else _CUE_KINDS.get(_key(m["phrase"]), "cand")
        owner = {"neutral": "neutral", "override": "company", "need": "candidate",
                 "polite": "candidate", "cand": "candidate", "comp": "company",
                 "weak": "weak"}[kind]
        found.append(_Cue(m.start(), m.end(), owner, "imp" if kind == "polite" else kind))
    for m in _IMPERATIVE.finditer(text):
        found.append(_Cue(m.start("verb"), m.end("verb"), "candidate", "imp"))
    found.sort(key=lambda c: c.start)
    return found


# ---------------------------------------------------------------------------------------------
# Deadlines: "by Friday", "within 5-7 business days", "bis Ende der Woche"

_POINT_PREPS = (
    "by", "before", "no later than", "not later than", "on or before", "prior to", "until",
    "till", "on", "sometime", "some time", "around",
    "bis", "bis zum", "bis zur", "bis spätestens", "spätestens", "spätestens bis",
    "spätestens bis zum", "spätestens am", "vor dem", "vor", "am", "zum", "noch vor",
    "d'ici", "d'ici le", "d'ici au", "d'ici à", "avant", "avant le", "au plus tard",
    "au plus tard le", "jusqu'au", "pour", "pour le", "le",
    "antes de", "antes del", "para", "para el", "a más tardar", "a más tardar el", "hasta",
    "hasta el", "el",
)
_DURATION_PREPS = (
    "within", "within the next", "in", "in the next", "in the coming", "over the next",
    "during the next", "up to", "takes", "take", "usually takes",
    "innerhalb", "innerhalb von", "innerhalb der nächsten", "innerhalb der kommenden",
    "in den nächsten", "in den kommenden", "binnen",
    "sous", "dans", "dans les", "dans un délai de", "d'ici",
    "en", "en los próximos", "en las próximas", "dentro de", "dentro de los próximos",
    "dentro de las próximas", "en un plazo de", "en un máximo de",
)
# Prepositions that say when rather than by when: no deadline for the candidate, and no
# company timeline unless the company's words come first ("we'll call you on Friday").
_WHEN_PREPS = {"on", "sometime", "some time", "around", "am", "le", "el", "takes", "take",
               "usually takes"}

_NEXT_WEEK = r"(?:next|following|coming)\s{1,3}week"
_NEXT_WEEK_DE = r"(?:(?:der\s{1,3})?(?:nächsten|kommenden)|nächster|kommender)\s{1,3}Woche"
_NEXT_WEEK_FR = r"(?:la\s{1,3})?semaine\s{1,3}prochaine"
_NEXT_WEEK_ES = (r"(?:la\s{1,3}(?:próxima|proxima|siguiente)\s{1,3}semana"
                 r"|la\s{1,3}semana\s{1,3}que\s{1,3}viene)")

_PERIOD = (
    r"""
    (?P<eonw>
        (?:the\s{1,3})?end\s{1,3}of\s{1,3}(?:the\s{1,3})?""" + _NEXT_WEEK + r"""
      | Ende\s{1,3}""" + _NEXT_WEEK_DE + r"""
      | (?:la\s{1,3})?fin\s{1,3}de\s{1,3}""" + _NEXT_WEEK_FR + r"""
      | (?:a\s{1,3})?(?:finales|fin(?:al)?)\s{1,3}de\s{1,3}""" + _NEXT_WEEK_ES + r"""
    )
  | (?P<early_nw>
        early\s{1,3}next\s{1,3}week
      | (?:the\s{1,3})?(?:beginning|start)\s{1,3}of\s{1,3}(?:the\s{1,3})?""" + _NEXT_WEEK + r"""
      | Anfang\s{1,3}""" + _NEXT_WEEK_DE + r"""
      | (?:en\s{1,3})?début\s{1,3}de\s{1,3}""" + _NEXT_WEEK_FR + r"""
      | (?:a\s{1,3})?principios\s{1,3}de\s{1,3}""" + _NEXT_WEEK_ES + r"""
    )
  | (?P<mid_nw>
        mid[-\s]?next\s{1,3}week
      | (?:the\s{1,3})?middle\s{1,3}of\s{1,3}(?:the\s{1,3})?""" + _NEXT_WEEK + r"""
      | Mitte\s{1,3}""" + _NEXT_WEEK_DE + r"""
      | (?:en\s{1,3})?milieu\s{1,3}de\s{1,3}""" + _NEXT_WEEK_FR + r"""
      | (?:a\s{1,3})?mediados\s{1,3}de\s{1,3}""" + _NEXT_WEEK_ES + r"""
    )
  | (?P<late_nw> later?\s{1,3}next\s{1,3}week )
  | (?P<eow>
        (?:the\s{1,3})?end\s{1,3}of\s{1,3}(?:the\s{1,3}|this\s{1,3})?(?:work\s{0,3}|business\s{1,3})?week
      | EOW | (?:the\s{1,3})?week's\s{1,3}end
      | (?:dem\s{1,3})?Ende\s{1,3}(?:der|dieser)\s{1,3}Woche
      | (?:la\s{1,3})?fin\s{1,3}de\s{1,3}(?:la\s{1,3}|cette\s{1,3})?semaine
      | (?:a\s{1,3})?finales\s{1,3}de\s{1,3}(?:la|esta)\s{1,3}semana
      | (?:a\s{1,3})?fin(?:al)?\s{1,3}de\s{1,3}esta\s{1,3}semana
    )
  | (?P<nw>
        (?:the\s{1,3})?""" + _NEXT_WEEK + r"""
      | (?:im\s{1,3}Laufe\s{1,3})?""" + _NEXT_WEEK_DE + r""" | nächste\s{1,3}Woche
      | """ + _NEXT_WEEK_FR + r""" | """ + _NEXT_WEEK_ES + r"""
    )
  | (?P<tw>
        (?:later\s{1,3}|late\s{1,3})?this\s{1,3}week
      | (?:im\s{1,3}Laufe\s{1,3})?dieser\s{1,3}Woche | diese\s{1,3}Woche
      | cette\s{1,3}semaine | esta\s{1,3}semana
    )
  | (?P<eonm>
        (?:the\s{1,3})?end\s{1,3}of\s{1,3}(?:the\s{1,3})?next\s{1,3}month
      | Ende\s{1,3}(?:des\s{1,3})?nächsten\s{1,3}Monats
      | (?:la\s{1,3})?fin\s{1,3}du\s{1,3}mois\s{1,3}prochain
      | (?:a\s{1,3})?finales\s{1,3}del\s{1,3}(?:próximo|proximo)\s{1,3}mes
    )
  | (?P<eom>
        (?:the\s{1,3})?end\s{1,3}of\s{1,3}(?:the\s{1,3}|this\s{1,3})?month | EOM
      | month[-\s]end
      | Ende\s{1,3}(?:des|dieses)\s{1,3}Monats | Monatsende
      | (?:la\s{1,3})?fin\s{1,3}(?:du|de\s{1,3}ce)\s{1,3}mois
      | (?:a\s{1,3})?finales\s{1,3}de(?:l|\s{1,3}este)\s{1,3}mes | fin\s{1,3}de\s{1,3}mes
    )
  | (?P<eo_month>
        (?:(?:the\s{1,3})?end\s{1,3}of|Ende|(?:la\s{1,3})?fin\s{1,3}(?:de\s{1,3}|d')
          |(?:a\s{1,3})?finales\s{1,3}de)\s{0,3}(?P<eo_mon>%MONTH)(?!\w)
    )
  | (?P<eod>
        (?:the\s{1,3})?end\s{1,3}of\s{1,3}(?:the\s{1,3})?(?:business\s{1,3})?day | EOD | COB
      | (?:the\s{1,3})?close\s{1,3}of\s{1,3}business | today | heute | Tagesende
      | aujourd'hui | (?:la\s{1,3})?fin\s{1,3}de\s{1,3}(?:la\s{1,3})?journée | hoy
      | (?:el\s{1,3})?final\s{1,3}del\s{1,3}día
    )
  | (?P<tomorrow> tomorrow | morgen | demain | mañana )
    """
).replace("%MONTH", _MONTH)

_DURATION = (
    r"""
    (?P<n1>""" + _NUM + r""")
    (?:\s{0,3}(?:-|–|—|to|or|bis|à|a|o)\s{0,3}(?P<n2>""" + _NUM + r"""))?
    \s{0,3}(?:(?:prochain|prochaine|nächsten|kommenden|próximos|próximas|proximos|proximas)s?\s{1,3})?
    (?:(?P<biz_pre>business|working|work)[\s-]{1,3})?
    (?P<unit>""" + _words(*_UNITS) + r""")(?!\w)
    (?:\s{1,3}(?P<biz_post>ouvrés?|ouvrables?|hábiles|habiles|hábil|laborables?))?
    (?:\s{1,3}(?:or|o|ou|oder)\s{1,3}(?P<n3>two|three|2|3|dos|tres|deux|trois|zwei|drei))?
    """
)

_ORDINAL = r"""
    (?:the\s{1,3}(?P<ord_en>\d{1,2})(?:st|nd|rd|th)
      | (?P<ord_de>\d{1,2})\.(?!\d)
      | (?:le|el)\s{1,3}(?P<ord_rom>\d{1,2})(?:er)?(?![\d.:/])
    )
"""

_WEEKDAY_REF = (
    r"(?:(?P<wmod>this|next|coming|nächsten|kommenden|diesen|próximo|proximo|este|ce)\s{1,3})?"
    + _weekday_piece("w")
    + r"(?:\s{1,3}(?P<wafter>prochain|que\s{1,3}viene|next\s{1,3}week|this\s{1,3}week"
    r"|de\s{1,3}la\s{1,3}semaine\s{1,3}prochaine|(?:der\s{1,3})?nächsten\s{1,3}Woche"
    r"|nächster\s{1,3}Woche))?"
)

_DEADLINE = re.compile(
    r"(?=\w)(?<![\w'])(?:(?P<prep>" + _words(*_POINT_PREPS, *_DURATION_PREPS) + r")\s{1,3})?"
    r"(?:(?P<dur>" + _DURATION + r")|(?P<period>" + _PERIOD + r")|(?P<date>" + _dated_piece("d")
    + r")|(?P<wdref>" + _WEEKDAY_REF + r")|(?P<ordinal>" + _ORDINAL + r"))(?!\w)",
    _FLAGS,
)

_YOU_HAVE = re.compile(
    r"""
    (?=\w)(?<!\w)(?:you(?:'ll|\s{1,3}will)?\s{1,3}(?:have|get)
            |vous\s{1,3}(?:avez|aurez|disposez\s{1,3}de)
            |(?:tienes|tiene|tendrás|tendrá|dispones\s{1,3}de|dispone\s{1,3}de))
    \s{1,3}(?P<dur>""" + _DURATION + r""")
    \s{1,3}(?:to|pour|para)\s{1,3}(?P<what>[^.!?\n]{1,150})
    """,
    _FLAGS,
)


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    day: date
    phrase: str
    prep: str  # lower-cased, "" when bare
    bare_ok: bool  # may stand without a preposition


def _resolve_deadline(
    m: re.Match[str], sent: datetime, base: date, tz: ZoneInfo, cal: BusinessCalendar
) -> date | None:
    prep = _key(m["prep"] or "")
    point_ok = prep in _POINT_PREPS
    if m["dur"]:
        if prep not in _DURATION_PREPS:
            return None
        return _duration_end(m, sent, base, tz, cal)
    if m["period"]:
        return _period_end(m, base, cal)
    if not point_ok and not (m["wdref"] and (m["wmod"] or m["wafter"])):
        return None
    if m["date"]:
        return _date_from(m, "d", base)
    if m["wdref"]:
        weekday = _weekday_of(m["w_wd"])
        if weekday is None:
            return None
        mod, after = _key(m["wmod"] or ""), _key(m["wafter"] or "")
        if mod == "next" or "next week" in after or "nächst" in after or "prochaine" in after:
            return _weekday_after(base, weekday, mode="next_week")
        if mod in {"this", "diesen", "este", "ce"} or after == "this week":
            return _weekday_after(base, weekday, mode="on_or_after")
        return _weekday_after(base, weekday)
    day_text = m["ord_en"] or m["ord_de"] or m["ord_rom"]
    if day_text:
        day = int(day_text)
        for k in range(13):  # the next month that has this day
            first = _add_months(date(base.year, base.month, 1), k)
            try:
                candidate = first.replace(day=day)
            except ValueError:
                continue
            if candidate >= base:
                return candidate
    return None


def _duration_end(
    m: re.Match[str], sent: datetime, base: date, tz: ZoneInfo, cal: BusinessCalendar
) -> date | None:
    amounts = [_NUMBERS.get(_key(m[g]), 0) if not m[g].isdigit() else int(m[g])
               for g in ("n1", "n2", "n3") if m[g]]
    if m["n3"] and len(amounts) >= 2:  # "a week or two": the second number replaces the first
        amounts = amounts[1:]
    n = max(amounts) if amounts else 0
    unit, business = _UNITS[_key(m["unit"])]
    if not 0 < n <= _LONGEST[unit]:
        return None
    business = business or bool(m["biz_pre"] or m["biz_post"])
    try:
        if unit == "day":
            return cal.add_business_days(base, n) if business else base + timedelta(days=n)
        if unit == "week":
            return base + timedelta(weeks=n)
        if unit == "hour":
            aware = sent if sent.tzinfo is not None else sent.replace(tzinfo=UTC)
            return (aware + timedelta(hours=n)).astimezone(tz).date()
        return _add_months(base, n)
    except (OverflowError, ValueError):
        return None


def _period_end(m: re.Match[str], base: date, cal: BusinessCalendar) -> date | None:
    def last_business(day: date, floor: date) -> date:
        found = cal.last_business_day_on_or_before(day)
        return found if found >= floor else day

    this_friday = _monday(base) + timedelta(days=4)
    if this_friday < base:  # written on a weekend: "this week" is the coming one
        this_friday += timedelta(days=7)
    next_monday = _monday(base) + timedelta(days=7)
    if m["eonw"] or m["late_nw"] or m["nw"]:
        return last_business(next_monday + timedelta(days=4), next_monday)
    if m["early_nw"]:
        return cal.next_business_day_on_or_after(next_monday + timedelta(days=1))
    if m["mid_nw"]:
        return cal.next_business_day_on_or_after(next_monday + timedelta(days=2))
    if m["eow"] or m["tw"]:
        return max(last_business(this_friday, base), base)
    if m["eom"]:
        return max(last_business(_month_end(base.year, base.month), base), base)
    if m["eonm"]:
        nxt = _add_months(date(base.year, base.month, 1), 1)
        return last_business(_month_end(nxt.year, nxt.month), nxt)
    if m["eo_month"]:
        month = _MONTHS.get(_key(m["eo_mon"]))
        if month is None:
            return None
        year = base.year if month >= base.month else base.year + 1
        return max(last_business(_month_end(year, month), date(year, month, 1)), base)
    if m["eod"]:
        return base
    if m["tomorrow"]:
        return base + timedelta(days=1)
    return None


def _deadlines(
    text: str, sent: datetime, tz: ZoneInfo, cal: BusinessCalendar
) -> list[_Hit]:
    base = _base_date(sent, tz)
    hits: list[_Hit] = []
    for m in _DEADLINE.finditer(text):
        try:
            day = _resolve_deadline(m, sent, base, tz, cal)
        except (OverflowError, ValueError):  # a message dated near year 9999
            day = None
        if day is None:
            continue
        prep = _key(m["prep"] or "")
        bare_ok = (bool(m["period"]) and not (m["eod"] or m["tomorrow"])) or bool(
            m["wdref"] and (m["wmod"] or m["wafter"])
        )
        if not prep and not bare_ok:
            continue
        hits.append(_Hit(m.start(), m.end(), day, _clean(m[0]), prep, bare_ok))
    return hits


def _owner(
    hit: _Hit,
    cues: tuple[_Cue, ...],
    starts: tuple[int, ...],
    sentences: _Sentences,
    decision_words: dict[int, _Cue],
) -> _Cue | None:
    """The cue that says whose date this is: the nearest strong cue before it in its sentence;
    failing that (only for a date with a preposition) the nearest one after it; failing that a
    decision word anywhere in the sentence makes it the company's."""
    index = sentences.index(hit.start)
    lo, hi = sentences.starts[index], sentences.end(index)
    i = bisect.bisect_left(starts, hit.start)
    for j in range(i - 1, -1, -1):
        cue = cues[j]
        if cue.start < lo or hit.start - cue.end > _CUE_REACH:
            break
        if cue.end <= hit.start and cue.owner in {"candidate", "company", "neutral"}:
            return None if cue.owner == "neutral" else cue
    if hit.prep and hit.prep not in _WHEN_PREPS:  # "By Friday, we'll ..." but not "On Monday"
        for cue in cues[i:]:
            if cue.start >= hi or cue.start - hit.end > _CUE_REACH:
                break
            if cue.start >= hit.end and cue.owner in {"candidate", "company"}:
                return cue
    if not hit.prep:
        return None
    return decision_words.get(index)


def _decision_words(cues: tuple[_Cue, ...], sentences: _Sentences) -> dict[int, _Cue]:
    """Sentence index -> its first decision word ("Decision by Friday."), for sentences with
    no strong cue anywhere (one too far from the date to tell whose it is)."""
    first_weak: dict[int, _Cue] = {}
    strong: set[int] = set()
    for cue in cues:
        index = sentences.index(cue.start)
        if cue.owner in {"candidate", "company"}:
            strong.add(index)
        elif cue.owner == "weak":
            first_weak.setdefault(index, cue)
    return {i: cue for i, cue in first_weak.items() if i not in strong}


@dataclass(frozen=True)
class _Analysis:
    words: str
    sentences: _Sentences
    cues: tuple[_Cue, ...]
    starts: tuple[int, ...]
    hits: tuple[_Hit, ...]
    decision_words: dict[int, _Cue]


@lru_cache(maxsize=4)  # find_timeline and find_requests usually read the same message in turn
def _analyse(text: str, sent: datetime, tz: ZoneInfo, cal: BusinessCalendar) -> _Analysis:
    words = _own_words(text)
    cues = tuple(_cues(words))
    sentences = _Sentences(words)
    return _Analysis(words, sentences, cues, tuple(c.start for c in cues),
                     tuple(_deadlines(words, sent, tz, cal)), _decision_words(cues, sentences))


def find_timeline(
    text: str, sent: datetime, tz: ZoneInfo, cal: BusinessCalendar
) -> Deadline | None:
    """The date by which the company said it would act ("we'll get back to you by the end of
    next week", "you can expect to hear from us within 5-7 business days", "Wir melden uns bis
    Ende der Woche"), or None.

    Only dates the company binds itself to count: a "please ..." or "could you ..." date is a
    request (see `find_requests`). Of several statements the first sentence holding one wins;
    within that sentence the latest date does ("we'll wrap up this week and share an update
    early next week" is Tuesday of next week).
    """
    a = _analyse(text, sent, tz, cal)
    sentences, cues, starts = a.sentences, a.cues, a.starts
    best: tuple[int, _Hit] | None = None
    for hit in a.hits:
        cue = _owner(hit, cues, starts, sentences, a.decision_words)
        if cue is None or cue.owner == "candidate":
            continue
        if not hit.prep and not (hit.bare_ok and cue.end <= hit.start):
            continue
        index = sentences.index(hit.start)
        if best is None or (index == best[0] and hit.day > best[1].day):
            best = (index, hit)
        elif index > best[0]:
            break
    if best is None:
        return None
    return Deadline(day=best[1].day, phrase=best[1].phrase)


# ---------------------------------------------------------------------------------------------
# Requests

_LEADING_FILLER = re.compile(
    r"""^(?:\s|,|:|please|pls|kindly|also|just|then|and|go\s+ahead\s+and|it\s+if\s+you\s+could
        |if\s+you\s+could|you\s+to|to|be\s+sure\s+to|make\s+sure\s+to|bitte|por\s+favor|de|d')
        (?:\s|,|:|$)""",
    _FLAGS,
)
_CUT = re.compile(
    r"""\s(?:so\s+that|so\s+(?:we|I)|in\s+order\s+to|because|as\s+soon\s+as|if|when|once|which
        |that\s+way|damit|afin\s+de|pour\s+que|para\s+que)(?!\w)""",
    _FLAGS,
)
_TRAILING = re.compile(r"(?:[\s,;:.!?\-–—(]|\b(?:and|or|und|oder|et|ou|y|o)\b)+$", re.IGNORECASE)
_DETERMINER = re.compile(r"(?:your|the|a|an|our|any|all|copies|proof|two|three)\b", re.I)


_AND_VERB = re.compile(
    r"\s{0,3},?\s{0,3}and\s{1,3}(?P<rest>" + _IMPERATIVE_VERBS + r"\b.*)", _FLAGS
)


def _tidy_what(segment: str) -> str:
    s = _clean(segment)
    cut = _CUT.search(s)
    if cut:
        s = s[: cut.start()]
    for _ in range(6):
        stripped = _LEADING_FILLER.sub("", s, count=1)
        if stripped == s:
            break
        s = stripped
    s = _TRAILING.sub("", s).strip()
    if len(s) > _WHAT_MAX:
        s = s[:_WHAT_MAX].rsplit(" ", 1)[0]
        s = _TRAILING.sub("", s).strip()
    if len(s) > 1 and s[0].isupper() and not s[1].isupper():
        s = s[0].lower() + s[1:]
    return s


def _what(words: str, hit: _Hit, cue: _Cue, sentences: _Sentences) -> str:
    index = sentences.index(hit.start)
    if cue.end <= hit.start:
        start = cue.start if cue.kind == "imp" else cue.end
        segment = words[start: hit.start]
    else:
        start = cue.start if cue.kind == "imp" else cue.end
        segment = words[start: min(sentences.end(index), start + _SEGMENT_MAX)]
    what = _tidy_what(segment)
    if cue.kind == "need" and what and _DETERMINER.match(what):
        what = "send " + what
    if cue.end <= hit.start:
        # the words after the date can finish the request: "confirm by Friday that this time
        # works", "complete the take-home within 5 days and send your repo link"
        tail = words[hit.end: min(sentences.end(index), hit.end + _SEGMENT_MAX)]
        tail = re.split(r"[.;:!?(\n]", tail, maxsplit=1)[0]
        more = _AND_VERB.match(tail)
        if more:
            what = _tidy_what(f"{what} and {more['rest']}")
        elif len(what.split()) <= 1 and _tidy_what(tail):
            what = _tidy_what(f"{what} {tail}")
    return what


def _pending_request(words: str, cue: _Cue, sentences: _Sentences) -> str:
    start = cue.start if cue.kind == "imp" else cue.end
    end = min(sentences.end(sentences.index(cue.start)), start + _SEGMENT_MAX)
    return _tidy_what(words[start:end])


def find_requests(
    text: str, sent: datetime, tz: ZoneInfo, cal: BusinessCalendar
) -> tuple[Request, ...]:
    """What the company asked the candidate to do by a date, in text order.

    "Please send your references by Friday" is Request("send your references", Friday).
    A bare "Reply by August 19, 2026." after a question without a date ("Could you send a copy of
    your certification?") dates that question. Requests without a date and the company's own
    promises are left out; so are dates governed by "on" ("please arrive on Friday" is not a
    deadline).
    """
    a = _analyse(text, sent, tz, cal)
    words, sentences, cues, starts, hits = a.words, a.sentences, a.cues, a.starts, a.hits
    dated_sentences = {sentences.index(h.start) for h in hits}
    found: list[tuple[int, Request]] = []
    pending: list[tuple[int, str]] = []  # dateless requests waiting for a "Reply by ..."
    events: list[tuple[int, int, object]] = [(c.start, 0, c) for c in cues]
    events += [(h.start, 1, h) for h in hits]
    events.sort(key=lambda e: (e[0], e[1]))
    for _, _, item in events:
        if isinstance(item, _Cue):
            cue = item
            if (cue.owner == "candidate" and sentences.index(cue.start) not in dated_sentences
                    and not _REPLY_ONLY.match(words, cue.start if cue.kind == "imp"
                                              else cue.end)):
                index = sentences.index(cue.start)
                if not pending or pending[-1][0] != index:
                    what = _pending_request(words, cue, sentences)
                    if what:
                        pending.append((index, what))
            continue
        assert isinstance(item, _Hit)
        hit = item
        if not hit.prep or hit.prep in _WHEN_PREPS:
            continue
        owner = _owner(hit, cues, starts, sentences, a.decision_words)
        if owner is None or owner.owner != "candidate":
            continue
        what = _what(words, hit, owner, sentences)
        if (not what or _REPLY_ONLY.fullmatch(what)) and pending:
            what = pending[0][1]
        if not what:
            continue
        pending.clear()
        found.append((hit.start, Request(what=what, due=Deadline(hit.day, hit.phrase))))
    base = _base_date(sent, tz)
    for m in _YOU_HAVE.finditer(words):
        day = _duration_end(m, sent, base, tz, cal)
        what = _tidy_what(m["what"])
        if day is not None and what:
            found.append((m.start(), Request(what=what, due=Deadline(day, _clean(m[0][: m.end(
                "dur") - m.start()])))))
    found.sort(key=lambda f: f[0])
    result: list[Request] = []
    seen: set[tuple[str, date]] = set()
    for _, request in found:
        if (request.what, request.due.day) not in seen:
            seen.add((request.what, request.due.day))
            result.append(request)
    return tuple(result)


# ---------------------------------------------------------------------------------------------
# Out-of-office return dates

_TARGET = (
    r"(?:(?P<tdate>" + _dated_piece("t") + r")|(?:(?P<tmod>next|nächsten|kommenden|el\s{1,3}"
    r"próximo|le)\s{1,3})?(?P<twd>" + _weekday_piece("u") + r")"
    r"|(?P<ttom>tomorrow|morgen|demain|mañana))"
)
_ABSENCE = re.compile(
    r"""(?=\w)(?<!\w)(?:out|away|off|OOO|on\s{1,3}(?:\w+\s{1,3})?(?:leave|vacation|holidays?|PTO|break
        |sabbatical)|travel(?:l)?ing|absent|unavailable|not\s{1,3}available|limited\s{1,3}access
        |offline|abwesend|Abwesenheit|Urlaub|nicht\s{1,3}(?:im\s{1,3}Büro|erreichbar|verfügbar)
        |außer\s{1,3}Haus|ausser\s{1,3}Haus|Dienstreise|Elternzeit|absente?|en\s{1,3}congés?
        |en\s{1,3}vacances|hors\s{1,3}du\s{1,3}bureau|indisponible|ausente|fuera\s{1,3}de\s{1,3}la
        \s{1,3}oficina|de\s{1,3}vacaciones|de\s{1,3}baja|no\s{1,3}disponible)(?!\w)""",
    _FLAGS,
)
_FROM = re.compile(r"\b(?:from|between|du|vom|von|del|desde)\b", re.IGNORECASE)
_UNTIL = re.compile(
    r"""(?=\w)(?<!\w)(?P<kw>until|till|til|through|thru|to|bis|jusqu'au|jusqu'à|hasta)
        \s{1,3}(?P<incl>(?:and\s{1,3}including|einschließlich|einschliesslich|inklusive|inkl\.
        |zum|zur|el|le|the)\s{1,3}){0,2}"""
    + _TARGET
    + r"""(?P<incl2>,?\s{1,2}(?:inclusive|inclus|incluido|included|einschließlich|inklusive))?""",
    _FLAGS,
)
_BACK = re.compile(
    r"""(?=\w)(?<!\w)(?:
        (?:back|returning|return|returns|be\s{1,3}in\s{1,3}the\s{1,3}office)
            (?:\s{1,3}(?:in|to|at)\s{1,3}(?:the\s{1,3}|my\s{1,3})?(?:office|desk|work))?
            \s{1,3}(?:on\s{1,3}|from\s{1,3})?
      | (?:ab|am)\s{1,3}(?:dem\s{1,3}|den\s{1,3})?(?=[^!?\n]{1,40}?\bwieder\b)
      | wieder\s{1,3}(?:[^.!?\n]{0,30}?\s)?(?:ab|am)\s{1,3}(?:dem\s{1,3}|den\s{1,3})?
      | de\s{1,3}retour\s{1,3}(?:au\s{1,3}bureau\s{1,3})?(?:le\s{1,3}|à\s{1,3}partir\s{1,3}du\s{1,3}
            |dès\s{1,3}le\s{1,3})?
      | (?:reviendrai|rentre|rentrerai|serai\s{1,3}(?:disponible|joignable))\s{1,3}
            (?:le\s{1,3}|à\s{1,3}partir\s{1,3}du\s{1,3}|dès\s{1,3}le\s{1,3})?
      | (?:de\s{1,3}vuelta|de\s{1,3}regreso|regreso|regresaré|regresare|volveré|volvere|vuelvo
            |me\s{1,3}reincorporo|me\s{1,3}reincorporaré)\s{1,3}(?:a\s{1,3}la\s{1,3}oficina\s{1,3})?
            (?:el\s{1,3}|a\s{1,3}partir\s{1,3}del\s{1,3})?
    )"""
    + _TARGET,
    _FLAGS,
)


def _target_date(m: re.Match[str], base: date) -> date | None:
    if m["tdate"]:
        return _date_from(m, "t", base)
    if m["ttom"]:
        return base + timedelta(days=1)
    weekday = _weekday_of(m["u_wd"])
    if weekday is None:
        return None
    mode = "next_week" if _key(m["tmod"] or "") == "next" else "after"
    return _weekday_after(base, weekday, mode=mode)


def _next_weekday(d: date) -> date:
    d += timedelta(days=1)
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def find_return_date(text: str, sent: datetime, tz: ZoneInfo) -> date | None:
    """The first day an out-of-office sender says they are back, or None.

    "back on X", "returning X", "ab dem X wieder erreichbar", "de retour le X" give X. "Out of
    the office until X" also gives X: "out until Monday" almost always means back on Monday,
    and taking X rather than X + 1 errs toward an earlier check-in, which the planner can
    still hold. Only explicitly inclusive forms ("through Friday", "bis einschließlich 12.10.",
    "jusqu'au 12 octobre inclus", "from Oct 5 to Oct 9") give the next weekday after X.
    An "until" needs an absence word in its sentence ("out", "on leave", "abwesend", ...).
    Dates before the message date are ignored; holidays are the planner's business.
    """
    words = _own_words(text)
    base = _base_date(sent, tz)
    sentences = _Sentences(words)
    absent = {sentences.index(m.start()) for m in _ABSENCE.finditer(words)}
    ranged = {sentences.index(m.start()) for m in _FROM.finditer(words)}
    first: list[tuple[int, date]] = []
    for m in _BACK.finditer(words):
        day = _guarded(_target_date, m, base)
        if day is not None and day >= base:
            first.append((m.start(), day))
            break
    for m in _UNTIL.finditer(words):
        index = sentences.index(m.start())
        kw = _key(m["kw"])
        if index not in absent or (kw == "to" and index not in ranged):
            continue
        day = _guarded(_target_date, m, base)
        if day is None:
            continue
        inclusive = (kw in {"through", "thru", "to"} or m["incl2"]
                     or re.search(r"includ|einschl|inkl", m["incl"] or "", re.IGNORECASE))
        if inclusive:
            day = _guarded(_next_weekday, day)
        if day is not None and day >= base:
            first.append((m.start(), day))
            break
    return min(first)[1] if first else None


_T = TypeVar("_T")


def _guarded(resolve: Callable[..., _T | None], *args: Any) -> _T | None:
    """`resolve(*args)`, or None where date arithmetic runs off the calendar (year 9999)."""
    try:
        return resolve(*args)
    except (OverflowError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------
# Meeting times

_ZONE_NAMES: tuple[tuple[str, str], ...] = (
    # (normalised prefix of a spelled-out zone, IANA zone); first match wins
    ("central europe", "Europe/Berlin"), ("mitteleurop", "Europe/Berlin"),
    ("heure d'europe centrale", "Europe/Paris"), ("heure de paris", "Europe/Paris"),
    ("eastern european", "Europe/Athens"), ("western european", "Europe/Lisbon"),
    ("australian eastern", "Australia/Sydney"), ("eastern", "America/New_York"),
    ("central", "America/Chicago"), ("mountain", "America/Denver"),
    ("pacific", "America/Los_Angeles"), ("alaska", "America/Anchorage"),
    ("hawaii", "Pacific/Honolulu"), ("atlantic", "America/Halifax"),
    ("greenwich", "UTC"), ("coordinated universal", "UTC"), ("british", "Europe/London"),
    ("india", "Asia/Kolkata"), ("japan", "Asia/Tokyo"), ("singapore", "Asia/Singapore"),
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
}  # fmt: skip


def _zone_piece(p: str) -> str:
    return _expand(
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
              | heure\s(?:d'été\s)?d'Europe\scentrale | heure\sde\sParis)
            | (?P<P_iana>(?-i:(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian
                |Pacific|Etc)/[A-Za-z_]{2,30}(?:/[A-Za-z_]{2,30})?))
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
        if first else ""
    )
    return _expand(
        r"""
        (?=\w)(?<![\w:.])
        (?:
            (?P<P_h12>\d{1,2})(?:[:.](?P<P_m12>[0-5]\d))?\s{0,2}(?P<P_ap>[ap])(?:\.\s?m\b\.?|\s?m\b)
          | (?P<P_h24>\d{1,2})[:h](?P<P_m24>[0-5]\d)(?![\d:])(?::[0-5]\d)?
                (?:\s{0,2}(?:Uhr|h|hrs|horas)\b)?
          | (?P<P_hde>\d{1,2})(?:\.(?P<P_mde>[0-5]\d))?\s{0,2}Uhr\b
          | (?P<P_hfr>\d{1,2})\s?h(?:\s?(?P<P_mfr>[0-5]\d))?(?!\w)
          | (?<=kl\.\s)(?P<P_hkl>\d{1,2})\.(?P<P_mkl>[0-5]\d)
          | (?<=a\slas\s)(?P<P_hes>\d{1,2})(?![\d:.h])
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
    + r"(?:\s{0,2}(?:-|–|—|to|until|till|bis|à|a|and|y)\s{0,2}"
    + _time_piece("e", first=False)
    + r")?"
)
_DAY_PART = (
    r"(?:" + _dated_piece("d") + r"|(?:(?P<wmod>this|next|coming)\s{1,3})?"
    + _weekday_piece("w") + r")"
)
_TIME_SEP = (
    r"(?:,?\s{0,3}(?:at|@|um|à|a\s{1,3}las|a\s{1,3}la|from|kl\.|-|–|—|\||·|⋅|:|de|T)?\s{0,3})"
)

_MEETING_DAY_FIRST = re.compile(
    r"(?=\w)(?<!\w)" + _DAY_PART + _TIME_SEP + _TIME_RANGE + r"(?:" + _zone_piece("z") + r")?",
    _FLAGS,
)
_MEETING_TIME_FIRST = re.compile(
    _TIME_RANGE + r"(?:" + _zone_piece("z") + r")?"
    r"\s{0,3}(?:-|–|—|,|on|am|le|el|\|)?\s{0,3}"
    + _DAY_PART + r"(?:" + _zone_piece("y") + r")?",
    _FLAGS,
)
_MEETING_TIME_ONLY = re.compile(_TIME_RANGE + _zone_piece("z"), _FLAGS)
_CONTEXT_DAY = re.compile(r"(?=\w)(?<!\w)" + _DAY_PART, _FLAGS)

_NOT_A_MEETING_BEFORE = re.compile(
    r"""(?:\b(?:by|before|until|till|no\s+later\s+than|due|deadline:?|bis|avant|antes\s+del?
        |d'ici|expires?|closes?|through|thru|between|entre|zwischen)\s{0,3}(?:the\s)?
      | (?:""" + _WEEKDAY_FULL + "|" + _WEEKDAY_SHORT + r""")\.?\s{0,2}(?:-|–|—|to|through|thru|bis)
        \s{0,2}(?:""" + _WEEKDAY_FULL + "|" + _WEEKDAY_SHORT + r""")?\.?,?:?\s{0,3}
      | [-–—]\s{0,2}
    )$""",
    _FLAGS,
)
_HEADER_LINE = re.compile(
    r"""^[ \t]*(?:Sent|Date|Gesendet|Datum|Envoyé|Enviado|Fecha)\s?:
      | ^[ \t]*(?:On|Am|Le|El)\s[^\n]{0,300}(?:wrote|schrieb|a\s+écrit|escribió)""",
    re.IGNORECASE | re.VERBOSE | re.MULTILINE,
)


def _clock(m: re.Match[str], p: str) -> tuple[int, int, str | None] | None:
    """(hour, minute, "a"/"p"/None) for the time piece with prefix `p`, or None if absent."""
    g = m.groupdict()
    for hour_group, minute_group in (("h12", "m12"), ("h24", "m24"), ("hde", "mde"),
                                     ("hfr", "mfr"), ("hkl", "mkl"), ("hes", None),
                                     ("hb", None)):
        hour = g.get(f"{p}_{hour_group}")
        if hour:
            minute = g.get(f"{p}_{minute_group}") if minute_group else None
            meridiem = g.get(f"{p}_ap") if hour_group == "h12" else None
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
        if start[2] is None and m["s_hb"]:
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
    local = _base_date(sent, zone)
    if weekday is not None and next_week:
        return _weekday_after(local, weekday, mode="next_week")
    day = local if weekday is None else _weekday_after(local, weekday, mode="on_or_after")
    step = 1 if weekday is None else 7
    if _instant(day, t, zone) <= sent:
        day += timedelta(days=step)
    return day


def _day_of(
    m: re.Match[str], base: date, sent: datetime, zone: tzinfo, t: time
) -> date | None:
    """The meeting's day from a match of _DAY_PART; the date beats a disagreeing weekday."""
    if m["d_mon1"] or m["d_mon2"] or m["d_year3"] or m["d_mon4"] or m["d_mon5"]:
        return _date_from(m, "d", base)
    if m["w_wd"]:
        weekday = _weekday_of(m["w_wd"])
        if weekday is None:
            return None
        return _first_day_after(sent, zone, t, weekday, _key(m["wmod"] or "") == "next")
    return None


def find_meeting_times(
    text: str, sent: datetime, tz: ZoneInfo
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
    Quoted lines (">") are ignored; unquoted older text is kept, after the newer.
    """
    words = _QUOTED_LINE.sub("", _normalise(text))
    base = _base_date(sent, tz)
    aware_sent = sent if sent.tzinfo is not None else sent.replace(tzinfo=UTC)
    matches: list[tuple[int, int, re.Match[str], str]] = []
    for kind, pattern in (("day_first", _MEETING_DAY_FIRST), ("time_first", _MEETING_TIME_FIRST),
                          ("time_only", _MEETING_TIME_ONLY)):
        for m in pattern.finditer(words):
            matches.append((m.start(), -m.end(), m, kind))
    matches.sort(key=lambda x: (x[0], x[1]))
    days_named = _DaysNamed(words)
    taken_until = -1
    results: list[tuple[datetime, datetime | None, str]] = []
    seen: set[tuple[datetime, datetime | None]] = set()
    for start, _, m, kind in matches:
        if start < taken_until:
            continue
        if _not_a_meeting(words, m):
            taken_until = m.end()  # nor is any time inside it ("by Friday 5pm ET")
            continue
        taken_until = m.end()  # a bad date or time here is not rescued by the time inside it
        found = _meeting(m, kind, days_named, base, aware_sent, tz)
        if found is None:
            continue
        if (found[0], found[1]) not in seen:
            seen.add((found[0], found[1]))
            results.append(found)
    return results


_LENGTH = re.compile(
    r"""(?<![\w.])(?:
        (?P<min>\d{2,3})\s?[-\s]?\s?(?:minutes?|mins?|minuten|minutos)\b
      | (?P<hours>\d(?:\.\d)?|an|one|two|1\.5|one\s+and\s+a\s+half)\s?[-\s]?\s?(?:hours?|hrs?)\b
      | (?P<hourlong>hour)[-\s]long\b
    )(?!\s+(?:early|before|prior|ahead|beforehand|late|after|in\s+advance|to\s+(?:complete|
        prepare|review)|of\s+(?:prep|preparation|reading)))""",
    re.IGNORECASE | re.VERBOSE,
)
_WITHIN = re.compile(r"\b(?:within|in|next|after|every|last|past|up\s+to)\s+(?:the\s+)?$", re.I)
_SHORTEST_MEETING, _LONGEST_MEETING = timedelta(minutes=15), timedelta(hours=8)


def find_meeting_length(text: str) -> timedelta | None:
    """The length a scheduling message gives its meeting ("our 30-minute phone screen",
    "Plan for 45 minutes", "an hour-long call"), or None.

    The first length between 15 minutes and 8 hours wins; lengths that say how early to
    arrive or how long to prepare ("join 10 minutes early", "2 hours before") are skipped.
    """
    words = _QUOTED_LINE.sub("", _normalise(text))
    for m in _LENGTH.finditer(words):
        if _WITHIN.search(words, max(0, m.start() - 20), m.start()):
            continue  # "within 2 hours", "in the next 30 minutes": a deadline, not a length
        if m["min"]:
            length = timedelta(minutes=int(m["min"]))
        elif m["hourlong"]:
            length = timedelta(hours=1)
        else:
            word = " ".join(m["hours"].lower().split())
            hours = {"an": 1.0, "one": 1.0, "two": 2.0, "one and a half": 1.5}.get(word)
            length = timedelta(hours=hours if hours is not None else float(word))
        if _SHORTEST_MEETING <= length <= _LONGEST_MEETING:
            return length
    return None


def _not_a_meeting(words: str, m: re.Match[str]) -> bool:
    """A deadline, office hours or a reply header rather than a meeting."""
    line_start = words.rfind("\n", max(0, m.start() - 400), m.start()) + 1
    if (line_start or m.start() <= 400) and _HEADER_LINE.match(words, line_start):
        return True
    line_start = max(line_start, m.start() - 400)
    return bool(_NOT_A_MEETING_BEFORE.search(words, max(line_start, m.start() - 40), m.start()))


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


def _meeting(
    m: re.Match[str],
    kind: str,
    days_named: _DaysNamed,
    base: date,
    sent: datetime,
    tz: ZoneInfo,
) -> tuple[datetime, datetime | None, str] | None:
    times = _times(m)
    if times is None:
        return None
    start_t, end_t = times
    written = _zone_from(m, "z") or (_zone_from(m, "y") if kind == "time_first" else None)
    zone: tzinfo = written or tz
    try:
        if kind == "time_only":
            context = days_named.last_before(m.start())
            day = _day_of(context, base, sent, zone, start_t) if context else None
            if day is None:
                day = _first_day_after(sent, zone, start_t, None, False)
        else:
            day = _day_of(m, base, sent, zone, start_t)
        if day is None:
            return None
        start = _instant(day, start_t, zone)
        end = None
        if end_t is not None:
            end = _instant(day, end_t, zone)
            if end <= start:
                end = _instant(day + timedelta(days=1), end_t, zone)
    except (OverflowError, ValueError):  # off the calendar: a forged Date header near year 9999
        return None
    return start, end, _clean(m[0])

