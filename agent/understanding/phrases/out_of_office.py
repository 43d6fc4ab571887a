"""Out-of-office replies: the day the sender says they are back ("back on Monday", "out of
the office until October 12", "ab dem 12.10. wieder erreichbar", "de retour le 12 octobre").

Pure: resolved against the message's own date, never a clock; quoted text is ignored.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from agent.understanding.phrases.dates import (
    base_date,
    date_from,
    dated_piece,
    weekday_after,
    weekday_of,
    weekday_piece,
)
from agent.understanding.phrases.prose import FLAGS, Sentences, guarded, own_words, phrase_key

_TARGET = (
    r"(?:(?P<tdate>" + dated_piece("t") + r")|(?:(?P<tmod>next|nächsten|kommenden|el\s{1,3}"
    r"próximo|le)\s{1,3})?(?P<twd>" + weekday_piece("u") + r")"
    r"|(?P<ttom>tomorrow|morgen|demain|mañana))"
)
_ABSENCE = re.compile(
    r"""(?=\w)(?<!\w)(?:out|away|off|OOO|on\s{1,3}(?:\w+\s{1,3})?(?:leave|vacation|holidays?|PTO|break
        |sabbatical)|travel(?:l)?ing|absent|unavailable|not\s{1,3}available|limited\s{1,3}access
        |offline|abwesend|Abwesenheit|Urlaub|nicht\s{1,3}(?:im\s{1,3}Büro|erreichbar|verfügbar)
        |außer\s{1,3}Haus|ausser\s{1,3}Haus|Dienstreise|Elternzeit|absente?|en\s{1,3}congés?
        |en\s{1,3}vacances|hors\s{1,3}du\s{1,3}bureau|indisponible|ausente|fuera\s{1,3}de\s{1,3}la
        \s{1,3}oficina|de\s{1,3}vacaciones|de\s{1,3}baja|no\s{1,3}disponible)(?!\w)""",
    FLAGS,
)
_FROM = re.compile(r"\b(?:from|between|du|vom|von|del|desde)\b", re.IGNORECASE)
_UNTIL = re.compile(
    r"""(?=\w)(?<!\w)(?P<kw>until|till|til|through|thru|to|bis|jusqu'au|jusqu'à|hasta)
        \s{1,3}(?P<incl>(?:and\s{1,3}including|einschließlich|einschliesslich|inklusive|inkl\.
        |zum|zur|el|le|the)\s{1,3}){0,2}"""
    + _TARGET
    + r"""(?P<incl2>,?\s{1,2}(?:inclusive|inclus|incluido|included|einschließlich|inklusive))?""",
    FLAGS,
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
    FLAGS,
)


def _target_date(m: re.Match[str], base: date) -> date | None:
    if m["tdate"]:
        return date_from(m, "t", base)
    if m["ttom"]:
        return base + timedelta(days=1)
    weekday = weekday_of(m["u_wd"])
    if weekday is None:
        return None
    mode = "next_week" if phrase_key(m["tmod"] or "") == "next" else "after"
    return weekday_after(base, weekday, mode=mode)


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
    words = own_words(text)
    base = base_date(sent, tz)
    sentences = Sentences(words)
    absent = {sentences.index(m.start()) for m in _ABSENCE.finditer(words)}
    ranged = {sentences.index(m.start()) for m in _FROM.finditer(words)}
    first: list[tuple[int, date]] = []
    for m in _BACK.finditer(words):
        day = guarded(_target_date, m, base)
        if day is not None and day >= base:
            first.append((m.start(), day))
            break
    for m in _UNTIL.finditer(words):
        index = sentences.index(m.start())
        kw = phrase_key(m["kw"])
        if index not in absent or (kw == "to" and index not in ranged):
            continue
        day = guarded(_target_date, m, base)
        if day is None:
            continue
        inclusive = (
            kw in {"through", "thru", "to"}
            or m["incl2"]
            or re.search(r"includ|einschl|inkl", m["incl"] or "", re.IGNORECASE)
        )
        if inclusive:
            day = guarded(_next_weekday, day)
        if day is not None and day >= base:
            first.append((m.start(), day))
            break
    return min(first)[1] if first else None
