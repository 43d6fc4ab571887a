"""Facts read from untrusted mail, made fit for a draft's body: a company, a role, a name, a
title, the round of an interview and its topic.

Anything a stranger wrote (an invite's attendee names, its summary, a signature) passes through
here before a template sees it: one line, no control or direction-changing characters, no
encoded-word or template debris, no header name left over from an injection attempt ("Aurora
Games Bcc"), no address or link, nothing that says "None". A value that stays doubtful
after that is dropped, and the template says "the role" rather than print junk.
"""

from __future__ import annotations

import re
import unicodedata

# Line breaks of every kind, then what is left of control and invisible formatting characters.
_LINE_BREAK = re.compile(r"[\r\n\v\f\x85\u2028\u2029]")
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_ENCODED_WORD = re.compile(r"=\?[^?\s]*\?[A-Za-z]?\?[^?\s]*\?=|=\?|\?=")
_TEMPLATE_MARKS = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}|\$\{")
_LINK_OR_ADDRESS = re.compile(r"\S*(?:@|://|www\.)\S*", re.I)
# What an injected header leaves behind once its line break is gone: "Aurora Games Bcc",
# "Aurora Games Bcc: x@evil.example", "Northwind To: ...".
_HEADER_FIELD = re.compile(
    r"(?<![\w-])(?:(?:bcc|cc|to|from|subject|reply-to|sender|date|message-id|content-[a-z-]+|"
    r"mime-version|x-[a-z0-9-]+)\s*:.*|(?:bcc|cc)\W*)$",
    re.I,
)
# Words a program prints for a missing value; they never belong in a letter.
_NULL_WORD = re.compile(r"\b(?:None|null|undefined|NaN)\b")
_EDGES = " \t\"'`<>()[]{}|,;:.-–—_*#=+/\\"
_NOTHING = frozenset(
    {"none", "null", "nil", "undefined", "n/a", "na", "unknown", "tbd", "tba", "nan", "false"}
)
_HONORIFICS = re.compile(
    r"^(?:dr|mr|mrs|ms|mx|prof|herr|frau|m|mme|mlle|sr|sra|srta|dott|dottssa|sig|sigra|"
    r"sra|dra|eng|ing)\.?\s+",
    re.I,
)


def fact(value: str, limit: int = 80) -> str:
    """`value` cleaned for a body, or "" when nothing trustworthy is left or it is longer than
    `limit` characters (a 200-character "company" is not one)."""
    text = unicodedata.normalize("NFC", value or "")
    text = _LINE_BREAK.sub(" ", text)
    text = _INVISIBLE.sub("", text)
    text = _ENCODED_WORD.sub(" ", text)
    text = _TEMPLATE_MARKS.sub(" ", text)
    text = _LINK_OR_ADDRESS.sub(" ", text)
    text = _NULL_WORD.sub(" ", text)
    text = " ".join(text.split()).strip(_EDGES)
    for _ in range(3):
        shorter = _HEADER_FIELD.sub("", text).strip(_EDGES)
        if shorter == text:
            break
        text = shorter
    text = text.strip(_EDGES)
    # a bracket left open or closed alone by a cut reads as debris
    if text.count("(") != text.count(")"):
        text = text.replace("(", "").replace(")", "").strip(_EDGES)
    if text.lower() in _NOTHING or not any(c.isalpha() for c in text):
        return ""
    if len(text) > limit:
        return ""
    return text


def person_name(value: str) -> str:
    """A display name fit for a body: "Grant, Oliver" is "Oliver Grant", "OLIVER GRANT" is
    "Oliver Grant", no honorific, no address."""
    name = fact(value, 60)
    if "," in name:
        last, _, first = name.partition(",")
        if first.strip() and last.strip() and " " not in last.strip():
            name = f"{first.strip()} {last.strip()}"
        else:
            name = name.replace(",", " ")
    name = _HONORIFICS.sub("", name).strip()
    if any(c.isdigit() for c in name):
        return ""
    if name.isupper() and len(name) > 3:
        name = name.title()
    return " ".join(name.split())


def first_name(value: str) -> str:
    """The name to greet someone by: the first word of their name ("" when unknown)."""
    name = person_name(value)
    first = name.split()[0] if name else ""
    return first if len(first.strip(".")) > 1 else ""


# Titles that lead a team, and titles of recruiting; every other title is an individual one.
_LEAD = re.compile(
    r"\b(?:manager|head|director|vp|vice\s+president|chief|cto|ceo|cpo|coo|cfo|cio|founder|"
    r"co-?founder|president|lead|leiter(?:in)?|teamleiter(?:in)?|geschäftsführer(?:in)?|"
    r"directeur|directrice|responsable|gérant|gerente|jefe|jefa|director[a]?|direttore|"
    r"direttrice|responsabile|diretor[a]?|gestor[a]?|chefe|fondat(?:eur|rice|ore)|fundador[a]?)\b",
    re.I,
)
_PEOPLE = re.compile(
    r"\b(?:recruit\w*|talent|sourcer|hr|human\s+resources|people\s+(?:partner|operations)|"
    r"personal\w*|rh|recrutement|recrut\w*|reclut\w*|reclutamiento|selezione|seleção)\b",
    re.I,
)


def title_kind(title: str) -> str:
    """ "people" (a recruiter or HR), "lead" (leads a team or a company), "individual", or ""
    when there is no title."""
    if not title:
        return ""
    if _PEOPLE.search(title):
        return "people"
    if _LEAD.search(title):
        return "lead"
    return "individual"


# The round of an interview, from its summary and description, in the six languages. The
# first pattern that matches the summary wins, then the first that matches the description.
_ROUNDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (code, re.compile(pattern, re.I))
    for code, pattern in (
        (
            "system_design",
            r"\bsystems?[- ]design|\bconception\s+(?:de\s+)?syst[eè]mes?|\bsystemdesign|"
            r"\bdiseño\s+de\s+sistemas|\bprogettazione\s+di\s+sistemi|\bdesign\s+de\s+sistemas",
        ),
        (
            "coding",
            r"\b(?:live[- ])?coding\b|\bpair[- ]programming|\bprogramming\s+(?:interview|exercise)",
        ),
        (
            "portfolio",
            r"\bportf[oó]li[oa]\s*(?:review|presentation|pr[ée]sentation|walk-?through)|"
            r"\bportfolio-?pr[äa]sentation|\bpresentazione\s+del\s+portfolio|"
            r"\b(?:apresentação|revisión)\s+de\s+portf[oó]li[oa]",
        ),
        (
            "case_study",
            r"\bcase\s+(?:study|interview)|\b[ée]tude\s+de\s+cas|\bfallstudie|"
            r"\bcaso\s+(?:pr[aá]ctico|di\s+studio)|\bestudo\s+de\s+caso",
        ),
        (
            "phone_screen",
            r"\bphone\s+(?:screen|interview|call)|\bscreening\s+call|\brecruiter\s+screen|"
            r"\bentretien\s+t[ée]l[ée]phonique|\btelefon(?:interview|isches)|"
            r"\bentrevista\s+(?:telef[oó]nica|por\s+telefone)|\bcolloquio\s+telefonico",
        ),
        (
            "hiring_manager",
            r"\bhiring[- ]manager|\bentretien\s+avec\s+(?:le|la)\s+manager|"
            r"\bführungskraft",
        ),
        (
            "behavioral",
            r"\bbehaviou?ral|\bculture[- ](?:fit|add)|\bvalues\s+interview|"
            r"\bentretien\s+comportemental|\bentrevista\s+(?:comportamental|por\s+competencias)",
        ),
        (
            "technical",
            r"\btech(?:nical)?\s+(?:interview|screen|round)|\bentretien\s+technique|"
            r"\btechnisches\s+(?:interview|gespräch)|\bfachgespräch|\bentrevista\s+t[ée]cnica|"
            r"\bcolloquio\s+tecnico",
        ),
        (
            "final",
            r"\bfinal[- ]round|\bfinal\s+interview|\bentretien\s+final|\babschlussgespräch|"
            r"\bfinale\s+runde|\bentrevista\s+final|\bcolloquio\s+finale",
        ),
        ("panel", r"\bpanel\b"),
        ("onsite", r"\bon-?site\b|\bvor[- ]ort\b|\ben\s+sede\b"),
    )
)

# What a round was about, when its words say so; a round of that kind talks about it too.
_TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (code, re.compile(pattern, re.I))
    for code, pattern in (
        ("system_design", _ROUNDS[0][1].pattern),
        (
            "architecture",
            r"\barchitecture\b|\barchitektur\b|\barquitectura\b|\barchitettura\b|"
            r"\barquitetura\b",
        ),
        ("coding", _ROUNDS[1][1].pattern),
        ("portfolio", _ROUNDS[2][1].pattern),
        ("case_study", _ROUNDS[3][1].pattern),
        ("product", r"\bproduct\s+(?:sense|strategy|thinking)\b"),
        ("data", r"\bdata\s+model(?:l)?ing\b"),
    )
)


def round_of(summary: str, description: str) -> str:
    """The kind of round ("system_design", "phone_screen", ...; "" when not said)."""
    for text in (summary, description[:1500]):
        for code, pattern in _ROUNDS:
            if pattern.search(text):
                return code
    return ""


def topic_of(summary: str, description: str) -> str:
    """What the round was about ("system_design", "coding", ...; "" when not said)."""
    for text in (summary, description[:1500]):
        for code, pattern in _TOPICS:
            if pattern.search(text):
                return code
    return ""
