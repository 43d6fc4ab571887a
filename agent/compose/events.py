"""A company event in a check-in's words: what kind of event it was ("open house", "webinar"),
read from its title and named in the draft's language, and its date. The template says it in one
line, and only of an event the user accepted (planning passes no other): "It was good to join
your webinar on October 29." once it has begun, "I'm looking forward to the open house on
December 3." while it is ahead.
"""

from __future__ import annotations

import re

# The kinds of event a title names, most specific first, each named in English, French and
# Spanish, where the templates put it after a possessive that fits any noun ("your", "votre",
# "su"). German, Italian and Portuguese need an article that agrees with the noun, so their
# templates say "event" in one word of a known gender (`_ANY_EVENT`).
_NAMED = ("en", "fr", "es")
_KINDS: tuple[tuple[re.Pattern[str], dict[str, str]], ...] = tuple(
    (re.compile(pattern, re.I), dict(zip(_NAMED, names, strict=True)))
    for pattern, names in (
        (
            r"\bopen\s+(?:house|day|evening)s?\b",
            ("open house", "journée portes ouvertes", "jornada de puertas abiertas"),
        ),
        (r"\b(?:webinars?|web\s+seminars?)\b", ("webinar", "webinaire", "webinar")),
        (r"\bmeet-?ups?\b", ("meetup", "meetup", "meetup")),
        (r"\bnetworking\b", ("networking event", "soirée de networking", "evento de networking")),
        (
            r"\binfo(?:rmation(?:al)?)?\s+sessions?\b",
            ("information session", "séance d'information", "sesión informativa"),
        ),
        (
            r"\bcareers?\s+(?:fair|event|evening)s?\b",
            ("career event", "forum carrières", "feria de empleo"),
        ),
        (r"\b(?:tech\s+talks?|fireside\s+chats?)\b", ("talk", "conférence", "charla")),
        (r"\bhackathons?\b", ("hackathon", "hackathon", "hackathon")),
    )
)
_ANY_EVENT = {
    "en": "event",
    "fr": "événement",
    "de": "Veranstaltung",
    "es": "evento",
    "it": "evento",
    "pt": "evento",
}


def event_kind(title: str, language: str) -> str:
    """What kind of event `title` names, in `language` ("webinar"; "event" when it says none,
    and always in German, Italian and Portuguese)."""
    for pattern, names in _KINDS if language in _NAMED else ():
        if pattern.search(title):
            return names.get(language, names["en"])
    return _ANY_EVENT.get(language, _ANY_EVENT["en"])
