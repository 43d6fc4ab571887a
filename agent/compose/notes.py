"""The user's notes on an interview, made into what a draft can say.

A note is taken as the user wrote it, in one of two forms:
- a **phrase** ("the event pipeline migration", "how on-call works"): the draft says what the
  conversation was about ("I also appreciated discussing the event pipeline migration and how
  on-call works.");
- a **sentence** ("I loved hearing how you halved deploy times.", "We talked about Kafka."):
  it goes into the draft as written, after the opening.
A note is a sentence when it ends like one (".", "!", "?") and starts with a capital, or when it
opens with a subject ("I", "We", "You", "It", "Thanks"...); anything else is a phrase, and so is
a note that only says what was discussed ("About the migration.", "We talked about Kafka":
"the migration", "Kafka").

A draft uses the notes for its recipient first (`note --for ADDRESS`), then the notes for
everyone, in the order they were added, up to `NOTE_WORDS` words and `MAX_NOTES` notes (a
thank-you stays short). Whatever does not fit is listed at the top of the draft, on a line in
square brackets, so the user can swap one in; nothing is dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from agent.model import Note

NOTE_WORDS = 60
MAX_NOTES = 4

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]+")
_TEMPLATE_MARKS = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
_SUBJECT = re.compile(
    r"^(?:i|i'm|i've|i'd|i'll|we|we're|we've|you|you're|your|it|it's|thanks|thank|loved|"
    r"je|j'ai|nous|vous|ich|wir|sie|yo|me|nosotros|usted|io|mi|noi|lei|eu|nós|você)\b",
    re.I,
)
_LEAD_IN = re.compile(
    r"^(?:we\s+)?(?:discussed|talked\s+about|covered|spoke\s+about|about|re:?|topic:?)\s+", re.I
)
_DETERMINER = re.compile(r"^(?:The|Our|Their|Your|His|Her|How|What|Why|When|Where|A|An)\b")


@dataclass(frozen=True)
class ChosenNotes:
    """The notes one draft uses, in the two forms, and those left out for length."""

    phrases: tuple[str, ...] = ()
    sentences: tuple[str, ...] = ()
    left_out: tuple[str, ...] = ()

    @property
    def used(self) -> bool:
        return bool(self.phrases or self.sentences)


def tidy(text: str) -> str:
    """A note on one line, without control characters or template markers."""
    return " ".join(_TEMPLATE_MARKS.sub(" ", _CONTROL.sub(" ", text)).split())


def is_sentence(text: str) -> bool:
    words = text.split()
    if not words or _LEAD_IN.match(text):  # "About the migration.", "We discussed Kafka"
        return False
    if _SUBJECT.match(text):
        return True
    return len(words) >= 4 and text[0].isupper() and text[-1] in ".!?"


def as_sentence(text: str) -> str:
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def as_phrase(text: str) -> str:
    """ "About the event pipeline migration." is "the event pipeline migration"."""
    text = _LEAD_IN.sub("", text).rstrip(" .!?;:,")
    if _DETERMINER.match(text):
        text = text[0].lower() + text[1:]
    return text


def notes_for(notes: Sequence[Note], email: str) -> list[Note]:
    """The notes a draft to `email` may use: that person's own first, then those for everyone,
    each group in the order added. Promises are action items, not notes."""
    plain = [n for n in notes if n.promise_due is None and tidy(n.text)]
    email = email.lower()
    own = [n for n in plain if n.for_email and n.for_email.lower() == email]
    shared = [n for n in plain if not n.for_email]
    return own + shared


def choose(
    notes: Sequence[Note], *, words: int = NOTE_WORDS, count: int = MAX_NOTES
) -> ChosenNotes:
    phrases: list[str] = []
    sentences: list[str] = []
    left_out: list[str] = []
    budget = words
    for note in notes:
        text = tidy(note.text)
        size = len(text.split())
        if len(phrases) + len(sentences) >= count or size > budget:
            left_out.append(text)
            continue
        budget -= size
        if is_sentence(text):
            sentences.append(as_sentence(text))
        else:
            phrase = as_phrase(text)
            if phrase:
                phrases.append(phrase)
    return ChosenNotes(tuple(phrases), tuple(sentences), tuple(left_out))


def latest(notes: Sequence[Note]) -> ChosenNotes:
    """The one note a later message brings up (a second check-in): the last one added (notes
    come in the order they were added)."""
    return choose(notes[-1:], words=40, count=1)
