"""What kind of thing a company asked for (or the user promised), read from the request's
words: planning decides from it which requests are tasks that take days (an acknowledgement
and a progress update for them), composing words each kind its own way (`agent.compose.requests`).

Kinds: `references`, `documents` (with the document: portfolio, résumé, transcript, ...),
`availability`, `schedule` (book a call), `form` (fill in or sign: an offer letter, a
background check), `take_home` (an exercise to hand in), `assessment` (a test or a video
interview done on a platform), `confirm` (say a time works), and `other`. Requests are read
in the six languages drafts are written in.
"""

from __future__ import annotations

import re

# Kinds answered in one message (times, a booked slot, a yes): never a task that takes days.
QUICK_KINDS = frozenset({"availability", "schedule", "confirm"})


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


_REFERENCES = _words(r"\breferees?\b|\br[ée]f[ée]rences?\b|\breferenz|\breferenc|\breferenze\b")
_FORM = _words(
    r"\bforms?\b|\bformulaire|\bformular|\bformul[aá]rio|\bmodulo\b|\bquestionnaire|"
    r"\bfragebogen|\bcuestionario|\bquestion[aá]rio|\bsign(?:ed)?\b|\bunterschreib|"
    r"\bunterzeichn|\bsigner\b|\bfirmar|\bfirmare|\bassinar|\bbackground\s+check|"
    r"\bfill\s+(?:out|in)\b|\bausfüllen|\bremplir|\brellenar|\bcompilare|\bpreencher"
)
_OFFER = _words(
    r"\boffer\b|\boffre\b|\bangebot|\boferta\b|\bofferta\b|\bcontra(?:ct|t|to|tto)\b|\bvertrag"
)
_BACKGROUND = _words(r"\bbackground\b|\bantécédents|\bhintergrund|\bantecedentes|\bprecedenti")
_APPLICATION = _words(r"\bapplication\b|\bcandidature|\bbewerbung|\bsolicitud|\bcandidatura")
_AVAILABILITY = _words(
    r"\bavailab|\bdisponibilit|\bverfügbarkeit|\bdisponibilidad|\btimes?\s+(?:that\s+)?"
    r"(?:work|suit)|\btime\s*slots?\b|\bwhen\s+you(?:'re|\s+are)\s+(?:free|available)|"
    r"\bcréneaux|\bterminvorschl|\bzeitfenster|\bhorarios|\bfasce\s+orarie|\borari\b|\bhorários"
)
_SCHEDULE = _words(
    r"\bschedule\b|\bbook\s+(?:a|an|your|some)\b|\bset\s+up\s+(?:a|an)\b|\bpick\s+a\s+(?:time|slot)|"
    r"\bcalendly|\bplanifier|\bprendre\s+rendez-vous|\bvereinbaren|\bbuchen\b|\bagendar|"
    r"\bprogramar|\bfissare|\bprenotare|\bmarcar"
)
_CONFIRM = _words(r"\bconfirm|\bbestätig|\bconfirmer|\bconfirmar|\bconfermar")
_ASSESSMENT = _words(
    r"\bhackerrank|\bcodesignal|\bcodility|\bhirevue|\btestgorilla|\bassessment|\bonline\s+test|"
    r"\bvideo\s+interview|\bdigital\s+interview|\bon-demand|\bone-way\s+video|\bévaluation\s+en\s+ligne|"
    r"\bonline-test|\bprueba\s+en\s+l[ií]nea|\btest\s+online|\bavalia[cç][aã]o\s+online"
)
_VIDEO = _words(r"\bvideo|\bvidéo|\bdigital\s+interview|\bon-demand|\bhirevue|\bone-way")
_TAKE_HOME = _words(
    r"\btake[- ]?home|\bexercises?\b|\bassignment|\bcoding\s+(?:challenge|test|task)|\bchallenge\b|"
    r"\bexercice|\bprobeaufgabe|\baufgabe\b|\bejercicio|\besercizio|\bexerc[ií]cio|"
    r"\bcas\s+pratique|\bcaso\s+pr[aá]ctico|\bdesaf[ií]o|\bdevoir|\btest\s+technique|"
    r"\btechnical\s+test|\bprova\s+t[eé]cnica"
)
_DOCUMENTS = (
    ("portfolio", _words(r"\bportf[oó]li")),
    (
        "cover_letter",
        _words(
            r"\bcover\s+letter|\blettre\s+de\s+motivation|\banschreiben|"
            r"\bcarta\s+de\s+presentaci|\blettera\s+di\s+presentazione|"
            r"\bcarta\s+de\s+apresenta"
        ),
    ),
    ("cv", _words(r"\bcv\b|\blebenslauf")),
    ("resume", _words(r"\br[ée]sum[ée]s?\b|\bcurr[ií]cul")),
    (
        "transcript",
        _words(
            r"\btranscripts?\b|\brelevé\s+de\s+notes|\bnotenauszug|\bexpediente|"
            r"\bcertificato\s+degli\s+esami|\bhist[oó]rico\s+escolar"
        ),
    ),
    ("writing_sample", _words(r"\bwriting\s+samples?")),
    (
        "work_sample",
        _words(
            r"\b(?:work|code|design)\s+samples?|\bexamples?\s+of\s+(?:your|my)\s+work|"
            r"\barbeitsproben|\bcase\s+stud(?:y|ies)"
        ),
    ),
    ("certificate", _words(r"\bcertific|\bzeugnis|\bdiplom|\bdegree\b")),
    (
        "identity",
        _words(
            r"\bpassport|\bwork\s+permit|\bvisa\b|\bright\s+to\s+work|\bproof\s+of\s+identity|"
            r"\bpièce\s+d'identité|\bausweis|\bpasaporte|\bpassaport"
        ),
    ),
    ("", _words(r"\bdocuments?\b|\bdocumentation|\bunterlagen|\bdocumentos?\b|\bdocumenti\b")),
)


def request_kind(what: str) -> tuple[str, str]:
    """The kind of a request and its `thing` (a code of `agent.compose.words.DOCUMENTS` or
    `FORMS`, or an assessment's kind: `video` or `test`), from its words."""
    if _REFERENCES.search(what):
        return "references", ""
    if _FORM.search(what):
        if _OFFER.search(what):
            return "form", "offer"
        if _BACKGROUND.search(what):
            return "form", "background"
        if _APPLICATION.search(what):
            return "form", "application"
        return "form", ""
    if _CONFIRM.search(what):
        return "confirm", ""
    if _AVAILABILITY.search(what):
        return "availability", ""
    if _SCHEDULE.search(what):
        return "schedule", ""
    if _ASSESSMENT.search(what):
        return "assessment", "video" if _VIDEO.search(what) else "test"
    if _TAKE_HOME.search(what):
        return "take_home", ""
    for code, pattern in _DOCUMENTS:
        if pattern.search(what):
            return "documents", code
    return "other", ""
