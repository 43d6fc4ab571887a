"""Dated commitments in prose: the company's decision timeline ("we'll get back to you by the
end of next week") and the candidate's dated requests ("please send your references by Friday").

Pure functions over a message's text; relative dates ("by Friday", "within 5 business days")
are resolved against the message's own date in the user's time zone, never a clock. Owned
here: the phrasings in shared/research/invite-formats.md sections 2.2 and 4.
Conventions (each one a decision a test pins down):
- Ranges take their upper bound ("5-7 business days" is 7). "A couple" is 2, "a few" is 3.
- "End of (next) week/month" is the last business day of that period; "early next week" is
  Tuesday, "mid next week" Wednesday (moved forward off a holiday); "next week" alone is its end.
- Quoted text (lines starting with ">", and everything after an "On ... wrote:" or
  "-----Original Message-----" header) is ignored: those statements belong to older messages
  with other dates.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from agent.businessdays import BusinessCalendar
from agent.model import Deadline, Request
from agent.understanding.phrases.cues import IMPERATIVE_VERBS, REPLY_ONLY, Cue, find_cues
from agent.understanding.phrases.dates import (
    MONTH,
    MONTHS,
    NUM,
    NUMBERS,
    UNITS,
    add_months,
    base_date,
    date_from,
    dated_piece,
    monday,
    month_end,
    weekday_after,
    weekday_of,
    weekday_piece,
)
from agent.understanding.phrases.prose import (
    FLAGS,
    Sentences,
    alternation,
    clean,
    own_words,
    phrase_key,
)

_WHAT_MAX = 80  # characters in Request.what
_CUE_REACH = 200  # characters between a cue and the date it governs
_SEGMENT_MAX = 300  # characters read after a cue for a request's words
_LONGEST = {"day": 366, "week": 52, "hour": 24 * 31, "month": 24}  # longer is not a deadline


# ---------------------------------------------------------------------------------------------
# Deadlines: "by Friday", "within 5-7 business days", "bis Ende der Woche"

_POINT_PREPS = (
    "by",
    "before",
    "no later than",
    "not later than",
    "on or before",
    "prior to",
    "until",
    "till",
    "on",
    "sometime",
    "some time",
    "around",
    "bis",
    "bis zum",
    "bis zur",
    "bis spätestens",
    "spätestens",
    "spätestens bis",
    "spätestens bis zum",
    "spätestens am",
    "vor dem",
    "vor",
    "am",
    "zum",
    "noch vor",
    "d'ici",
    "d'ici le",
    "d'ici au",
    "d'ici à",
    "avant",
    "avant le",
    "au plus tard",
    "au plus tard le",
    "jusqu'au",
    "pour",
    "pour le",
    "le",
    "antes de",
    "antes del",
    "para",
    "para el",
    "a más tardar",
    "a más tardar el",
    "hasta",
    "hasta el",
    "el",
)
_DURATION_PREPS = (
    "within",
    "within the next",
    "in",
    "in the next",
    "in the coming",
    "over the next",
    "during the next",
    "up to",
    "takes",
    "take",
    "usually takes",
    "innerhalb",
    "innerhalb von",
    "innerhalb der nächsten",
    "innerhalb der kommenden",
    "in den nächsten",
    "in den kommenden",
    "binnen",
    "sous",
    "dans",
    "dans les",
    "dans un délai de",
    "d'ici",
    "en",
    "en los próximos",
    "en las próximas",
    "dentro de",
    "dentro de los próximos",
    "dentro de las próximas",
    "en un plazo de",
    "en un máximo de",
)
# Prepositions that say when rather than by when: no deadline for the candidate, and no
# company timeline unless the company's words come first ("we'll call you on Friday").
_WHEN_PREPS = {
    "on",
    "sometime",
    "some time",
    "around",
    "am",
    "le",
    "el",
    "takes",
    "take",
    "usually takes",
}

_NEXT_WEEK = r"(?:next|following|coming)\s{1,3}week"
_NEXT_WEEK_DE = r"(?:(?:der\s{1,3})?(?:nächsten|kommenden)|nächster|kommender)\s{1,3}Woche"
_NEXT_WEEK_FR = r"(?:la\s{1,3})?semaine\s{1,3}prochaine"
_NEXT_WEEK_ES = (
    r"(?:la\s{1,3}(?:próxima|proxima|siguiente)\s{1,3}semana"
    r"|la\s{1,3}semana\s{1,3}que\s{1,3}viene)"
)

_PERIOD = (
    r"""
    (?P<eonw>
        (?:the\s{1,3})?end\s{1,3}of\s{1,3}(?:the\s{1,3})?"""
    + _NEXT_WEEK
    + r"""
      | Ende\s{1,3}"""
    + _NEXT_WEEK_DE
    + r"""
      | (?:la\s{1,3})?fin\s{1,3}de\s{1,3}"""
    + _NEXT_WEEK_FR
    + r"""
      | (?:a\s{1,3})?(?:finales|fin(?:al)?)\s{1,3}de\s{1,3}"""
    + _NEXT_WEEK_ES
    + r"""
    )
  | (?P<early_nw>
        early\s{1,3}next\s{1,3}week
      | (?:the\s{1,3})?(?:beginning|start)\s{1,3}of\s{1,3}(?:the\s{1,3})?"""
    + _NEXT_WEEK
    + r"""
      | Anfang\s{1,3}"""
    + _NEXT_WEEK_DE
    + r"""
      | (?:en\s{1,3})?début\s{1,3}de\s{1,3}"""
    + _NEXT_WEEK_FR
    + r"""
      | (?:a\s{1,3})?principios\s{1,3}de\s{1,3}"""
    + _NEXT_WEEK_ES
    + r"""
    )
  | (?P<mid_nw>
        mid[-\s]?next\s{1,3}week
      | (?:the\s{1,3})?middle\s{1,3}of\s{1,3}(?:the\s{1,3})?"""
    + _NEXT_WEEK
    + r"""
      | Mitte\s{1,3}"""
    + _NEXT_WEEK_DE
    + r"""
      | (?:en\s{1,3})?milieu\s{1,3}de\s{1,3}"""
    + _NEXT_WEEK_FR
    + r"""
      | (?:a\s{1,3})?mediados\s{1,3}de\s{1,3}"""
    + _NEXT_WEEK_ES
    + r"""
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
        (?:the\s{1,3})?"""
    + _NEXT_WEEK
    + r"""
      | (?:im\s{1,3}Laufe\s{1,3})?"""
    + _NEXT_WEEK_DE
    + r""" | nächste\s{1,3}Woche
      | """
    + _NEXT_WEEK_FR
    + r""" | """
    + _NEXT_WEEK_ES
    + r"""
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
).replace("%MONTH", MONTH)

_DURATION = (
    r"""
    (?P<n1>"""
    + NUM
    + r""")
    (?:\s{0,3}(?:-|–|—|to|or|bis|à|a|o)\s{0,3}(?P<n2>"""
    + NUM
    + r"""))?
    \s{0,3}(?:(?:prochain|prochaine|nächsten|kommenden|próximos|próximas|proximos|proximas)s?\s{1,3})?
    (?:(?P<biz_pre>business|working|work)[\s-]{1,3})?
    (?P<unit>"""
    + alternation(*UNITS)
    + r""")(?!\w)
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
    + weekday_piece("w")
    + r"(?:\s{1,3}(?P<wafter>prochain|que\s{1,3}viene|next\s{1,3}week|this\s{1,3}week"
    r"|de\s{1,3}la\s{1,3}semaine\s{1,3}prochaine|(?:der\s{1,3})?nächsten\s{1,3}Woche"
    r"|nächster\s{1,3}Woche))?"
)

_DEADLINE = re.compile(
    r"(?=\w)(?<![\w'])(?:(?P<prep>" + alternation(*_POINT_PREPS, *_DURATION_PREPS) + r")\s{1,3})?"
    r"(?:(?P<dur>"
    + _DURATION
    + r")|(?P<period>"
    + _PERIOD
    + r")|(?P<date>"
    + dated_piece("d")
    + r")|(?P<wdref>"
    + _WEEKDAY_REF
    + r")|(?P<ordinal>"
    + _ORDINAL
    + r"))(?!\w)",
    FLAGS,
)

_YOU_HAVE = re.compile(
    r"""
    (?=\w)(?<!\w)(?:you(?:'ll|\s{1,3}will)?\s{1,3}(?:have|get)
            |vous\s{1,3}(?:avez|aurez|disposez\s{1,3}de)
            |(?:tienes|tiene|tendrás|tendrá|dispones\s{1,3}de|dispone\s{1,3}de))
    \s{1,3}(?P<dur>"""
    + _DURATION
    + r""")
    \s{1,3}(?:to|pour|para)\s{1,3}(?P<what>[^.!?\n]{1,150})
    """,
    FLAGS,
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
    prep = phrase_key(m["prep"] or "")
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
        return date_from(m, "d", base)
    if m["wdref"]:
        weekday = weekday_of(m["w_wd"])
        if weekday is None:
            return None
        mod, after = phrase_key(m["wmod"] or ""), phrase_key(m["wafter"] or "")
        if mod == "next" or "next week" in after or "nächst" in after or "prochaine" in after:
            return weekday_after(base, weekday, mode="next_week")
        if mod in {"this", "diesen", "este", "ce"} or after == "this week":
            return weekday_after(base, weekday, mode="on_or_after")
        return weekday_after(base, weekday)
    day_text = m["ord_en"] or m["ord_de"] or m["ord_rom"]
    if day_text:
        day = int(day_text)
        for k in range(13):  # the next month that has this day
            first = add_months(date(base.year, base.month, 1), k)
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
    amounts = [
        NUMBERS.get(phrase_key(m[g]), 0) if not m[g].isdigit() else int(m[g])
        for g in ("n1", "n2", "n3")
        if m[g]
    ]
    if m["n3"] and len(amounts) >= 2:  # "a week or two": the second number replaces the first
        amounts = amounts[1:]
    n = max(amounts) if amounts else 0
    unit, business = UNITS[phrase_key(m["unit"])]
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
        return add_months(base, n)
    except (OverflowError, ValueError):
        return None


def _period_end(m: re.Match[str], base: date, cal: BusinessCalendar) -> date | None:
    def last_business(day: date, floor: date) -> date:
        found = cal.last_business_day_on_or_before(day)
        return found if found >= floor else day

    this_friday = monday(base) + timedelta(days=4)
    if this_friday < base:  # written on a weekend: "this week" is the coming one
        this_friday += timedelta(days=7)
    next_monday = monday(base) + timedelta(days=7)
    if m["eonw"] or m["late_nw"] or m["nw"]:
        return last_business(next_monday + timedelta(days=4), next_monday)
    if m["early_nw"]:
        return cal.next_business_day_on_or_after(next_monday + timedelta(days=1))
    if m["mid_nw"]:
        return cal.next_business_day_on_or_after(next_monday + timedelta(days=2))
    if m["eow"] or m["tw"]:
        return max(last_business(this_friday, base), base)
    if m["eom"]:
        return max(last_business(month_end(base.year, base.month), base), base)
    if m["eonm"]:
        nxt = add_months(date(base.year, base.month, 1), 1)
        return last_business(month_end(nxt.year, nxt.month), nxt)
    if m["eo_month"]:
        month = MONTHS.get(phrase_key(m["eo_mon"]))
        if month is None:
            return None
        year = base.year if month >= base.month else base.year + 1
        return max(last_business(month_end(year, month), date(year, month, 1)), base)
    if m["eod"]:
        return base
    if m["tomorrow"]:
        return base + timedelta(days=1)
    return None


def _deadlines(text: str, sent: datetime, tz: ZoneInfo, cal: BusinessCalendar) -> list[_Hit]:
    base = base_date(sent, tz)
    hits: list[_Hit] = []
    for m in _DEADLINE.finditer(text):
        try:
            day = _resolve_deadline(m, sent, base, tz, cal)
        except (OverflowError, ValueError):  # a message dated near year 9999
            day = None
        if day is None:
            continue
        prep = phrase_key(m["prep"] or "")
        bare_ok = (bool(m["period"]) and not (m["eod"] or m["tomorrow"])) or bool(
            m["wdref"] and (m["wmod"] or m["wafter"])
        )
        if not prep and not bare_ok:
            continue
        hits.append(_Hit(m.start(), m.end(), day, clean(m[0]), prep, bare_ok))
    return hits


def _owner(
    hit: _Hit,
    cues: tuple[Cue, ...],
    starts: tuple[int, ...],
    sentences: Sentences,
    decision_words: dict[int, Cue],
) -> Cue | None:
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


def _decision_words(cues: tuple[Cue, ...], sentences: Sentences) -> dict[int, Cue]:
    """Sentence index -> its first decision word ("Decision by Friday."), for sentences with
    no strong cue anywhere (one too far from the date to tell whose it is)."""
    first_weak: dict[int, Cue] = {}
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
    sentences: Sentences
    cues: tuple[Cue, ...]
    starts: tuple[int, ...]
    hits: tuple[_Hit, ...]
    decision_words: dict[int, Cue]


@lru_cache(maxsize=4)  # find_timeline and find_requests usually read the same message in turn
def _analyse(text: str, sent: datetime, tz: ZoneInfo, cal: BusinessCalendar) -> _Analysis:
    words = own_words(text)
    cues = tuple(find_cues(words))
    sentences = Sentences(words)
    return _Analysis(
        words,
        sentences,
        cues,
        tuple(c.start for c in cues),
        tuple(_deadlines(words, sent, tz, cal)),
        _decision_words(cues, sentences),
    )


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
    FLAGS,
)
_CUT = re.compile(
    r"""\s(?:so\s+that|so\s+(?:we|I)|in\s+order\s+to|because|as\s+soon\s+as|if|when|once|which
        |that\s+way|damit|afin\s+de|pour\s+que|para\s+que)(?!\w)""",
    FLAGS,
)
_TRAILING = re.compile(r"(?:[\s,;:.!?\-–—(]|\b(?:and|or|und|oder|et|ou|y|o)\b)+$", re.IGNORECASE)
_DETERMINER = re.compile(r"(?:your|the|a|an|our|any|all|copies|proof|two|three)\b", re.I)


_AND_VERB = re.compile(r"\s{0,3},?\s{0,3}and\s{1,3}(?P<rest>" + IMPERATIVE_VERBS + r"\b.*)", FLAGS)


def _tidy_what(segment: str) -> str:
    s = clean(segment)
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


def _what(words: str, hit: _Hit, cue: Cue, sentences: Sentences) -> str:
    index = sentences.index(hit.start)
    if cue.end <= hit.start:
        start = cue.start if cue.kind == "imp" else cue.end
        segment = words[start : hit.start]
    else:
        start = cue.start if cue.kind == "imp" else cue.end
        segment = words[start : min(sentences.end(index), start + _SEGMENT_MAX)]
    what = _tidy_what(segment)
    if cue.kind == "need" and what and _DETERMINER.match(what):
        what = "send " + what
    if cue.end <= hit.start:
        # the words after the date can finish the request: "confirm by Friday that this time
        # works", "complete the take-home within 5 days and send your repo link"
        tail = words[hit.end : min(sentences.end(index), hit.end + _SEGMENT_MAX)]
        tail = re.split(r"[.;:!?(\n]", tail, maxsplit=1)[0]
        more = _AND_VERB.match(tail)
        if more:
            what = _tidy_what(f"{what} and {more['rest']}")
        elif len(what.split()) <= 1 and _tidy_what(tail):
            what = _tidy_what(f"{what} {tail}")
    return what


def _pending_request(words: str, cue: Cue, sentences: Sentences) -> str:
    start = cue.start if cue.kind == "imp" else cue.end
    end = min(sentences.end(sentences.index(cue.start)), start + _SEGMENT_MAX)
    return _tidy_what(words[start:end])


# An undated request is kept only when it asks for something to hand over or book, so that
# "please accept the invitation" or "please keep this confidential" never becomes a draft.
_DELIVERABLE = re.compile(
    r"(?:send|share|submit|provide|complete|fill|sign|return|upload|forward|email|book|schedule|"
    r"envoy|transmet|partag|rempli|compl[eé]t|schick|übermittel|teil|ausfüll|enviar|"
    r"mand|compart|complet|rellen|inviar|invia|condivid|compil|preench|partilh)",
    re.I,
)

# A request answered by handing over a file (a document, a form to sign, an exercise): only a
# reply with an attachment settles it. Any other request is settled by any reply in its thread.
_DOCUMENT = re.compile(
    r"\b(?:portf[oó]li|r[ée]sum[ée]|cv\b|curr[ií]cul|lebenslauf|cover\s+letter|transcript|"
    r"(?:writing|work|code|design)\s+samples?|certific|diplom|passport|visa\b|work\s+permit|"
    r"documents?\b|unterlagen|documentos?\b|documenti\b|forms?\b|formulaire|formular|"
    r"sign(?:ed)?\b|take[- ]?home|exercises?\b|exercice|ejercicio|esercizio|assignment|"
    r"attach|pi[eè]ce\s+jointe|anhang|adjunt|allegat|anexo|copy\s+of)",
    re.I,
)


def needs_attachment(what: str) -> bool:
    """Whether the request `what` asks for a file, which only a reply with an attachment gives."""
    return bool(_DOCUMENT.search(what))


def find_requests(
    text: str, sent: datetime, tz: ZoneInfo, cal: BusinessCalendar, *, undated: bool = False
) -> tuple[Request, ...]:
    """What the company asked the candidate to do by a date, in text order.

    "Please send your references by Friday" is Request("send your references", Friday).
    A bare "Reply by August 19, 2026." after a question without a date ("Could you send a copy of
    your certification?") dates that question. Requests without a date and the company's own
    promises are left out; so are dates governed by "on" ("please arrive on Friday" is not a
    deadline). With `undated`, a request that no date governs ("send your references when you
    get a chance") is kept too, as a Request with `dated=False` due on the day it was sent.
    """
    a = _analyse(text, sent, tz, cal)
    words, sentences, cues, starts, hits = a.words, a.sentences, a.cues, a.starts, a.hits
    dated_sentences = {sentences.index(h.start) for h in hits}
    found: list[tuple[int, Request]] = []
    # dateless requests waiting for a "Reply by ...": sentence index, request, position
    pending: list[tuple[int, str, int]] = []
    events: list[tuple[int, int, object]] = [(c.start, 0, c) for c in cues]
    events += [(h.start, 1, h) for h in hits]
    events.sort(key=lambda e: (e[0], e[1]))
    for _, _, item in events:
        if isinstance(item, Cue):
            cue = item
            if (
                cue.owner == "candidate"
                and sentences.index(cue.start) not in dated_sentences
                and not REPLY_ONLY.match(words, cue.start if cue.kind == "imp" else cue.end)
            ):
                index = sentences.index(cue.start)
                if not pending or pending[-1][0] != index:
                    what = _pending_request(words, cue, sentences)
                    if what:
                        pending.append((index, what, cue.start))
            continue
        assert isinstance(item, _Hit)
        hit = item
        if not hit.prep or hit.prep in _WHEN_PREPS:
            continue
        owner = _owner(hit, cues, starts, sentences, a.decision_words)
        if owner is None or owner.owner != "candidate":
            continue
        what = _what(words, hit, owner, sentences)
        if (not what or REPLY_ONLY.fullmatch(what)) and pending:
            what = pending[0][1]
        if not what:
            continue
        pending.clear()
        found.append((hit.start, Request(what=what, due=Deadline(hit.day, hit.phrase))))
    base = base_date(sent, tz)
    if undated:
        for _, what, position in pending:
            if _DELIVERABLE.match(what):
                found.append((position, Request(what, Deadline(base, ""), dated=False)))
    for m in _YOU_HAVE.finditer(words):
        day = _duration_end(m, sent, base, tz, cal)
        what = _tidy_what(m["what"])
        if day is not None and what:
            found.append(
                (
                    m.start(),
                    Request(what=what, due=Deadline(day, clean(m[0][: m.end("dur") - m.start()]))),
                )
            )
    found.sort(key=lambda f: f[0])
    result: list[Request] = []
    seen: set[tuple[str, date]] = set()
    for _, request in found:
        if (request.what, request.due.day) not in seen:
            seen.add((request.what, request.due.day))
            result.append(request)
    return tuple(result)
