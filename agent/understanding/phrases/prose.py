"""Plain-text plumbing for reading dates in prose: phrase alternations, normalised spacing,
the sender's own words (quoted replies cut off) and sentence boundaries.

Pure functions over a message's text, shared by `agent.dates`, `agent.deadlines`,
`agent.out_of_office` and `agent.meetings`. Reply headers are the forms mail clients write
(RFC 5322 quoting conventions are not standardised; these are the common English, German,
French and Spanish ones).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from typing import Any, TypeVar

FLAGS = re.IGNORECASE | re.VERBOSE


def alternation(*phrases: str) -> str:
    """An alternation of literal phrases, longest first; a space matches 1-3 whitespace chars."""
    unique = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s{1,3}") for p in unique) + ")"


def phrase_key(words: str) -> str:
    return " ".join(words.lower().replace(".", "").split())


def clean(s: str) -> str:
    return " ".join(s.split())


_TRANSLATE = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\r": " "}
)


def normalise(text: str) -> str:
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
      | Il\sgiorno\s[^\n]{1,300}?ha\sscritto:
      | Em\s[^\n]{1,300}?escreveu:
      | Op\s[^\n]{1,300}?schreef[^\n]{0,100}:
      | Den\s[^\n]{1,300}?skrev[^\n]{0,100}:
      # Outlook's header block, in the languages Outlook writes it: From/Sent, Van/Verzonden,
      # Från/Skickat, Fra/Sendt, Lähettäjä/Lähetetty, Od/Wysłano, Od/Odesláno, Kimden/Gönderildi,
      # De la/Trimis, Feladó/Elküldve, Da/Inviato, De/Enviat
      | (?:From|Von|De|Van|Från|Fra|Lähettäjä|Od|Kimden|De\sla|Feladó|Da)\s?:[^\n]{1,300}\n[ \t]*
        (?:Sent|Date|Gesendet|Datum|Envoyé|Enviado|Enviat|Fecha|Subject|Betreff|Objet|Asunto|To|An
          |À|Para|Verzonden|Skickat|Sendt|Lähetetty|Wysłano|Odesláno|Gönderildi|Gönderilme|Trimis
          |Elküldve|Inviato|Data)\s?:
    )
    """,
    re.MULTILINE | re.VERBOSE,
)
QUOTE_HEADER = _QUOTE_HEADER  # what starts the quoted part of a reply, for every reader of mail
QUOTED_LINE = re.compile(r"^[ \t]*>[^\n]*", re.MULTILINE)
# The "> > " that opens a quoted line, without the line: to read a thread's earlier messages
QUOTE_MARKS = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.MULTILINE)


def strip_quoted(text: str) -> str:
    """The new part of a reply: cut at the first quote header ("On ... wrote:", "-----Original
    Message-----", an Outlook "From:/Sent:" block), "> " lines dropped."""
    header = _QUOTE_HEADER.search(text)
    if header:
        text = text[: header.start()]
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))


def own_words(text: str) -> str:
    """The sender's own text: normalised, cut at the first quote header, quoted lines blanked."""
    text = normalise(text)
    header = _QUOTE_HEADER.search(text)
    if header:
        text = text[: header.start()]
    return QUOTED_LINE.sub("", text)


_SENTENCE_END = re.compile(
    r"""
    (?<![.!?])[.!?]+(?=\s{1,10}[A-ZÀ-ÖØ-Þ¿¡"'(\[])  # a stop before a capital (not "Oct. 12")
  | [?!]
  | \n[ \t]*\n                               # a blank line
  | \n(?=[ \t]{0,8}(?:[-*•·]|\d{1,2}[.)])\s)  # a list item
    """,
    re.VERBOSE,
)


class Sentences:
    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]
        self.length = len(text)

    def index(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos) - 1

    def end(self, index: int) -> int:
        return self.starts[index + 1] if index + 1 < len(self.starts) else self.length


_T = TypeVar("_T")


def guarded(resolve: Callable[..., _T | None], *args: Any) -> _T | None:
    """`resolve(*args)`, or None where date arithmetic runs off the calendar (year 9999)."""
    try:
        return resolve(*args)
    except (OverflowError, ValueError):
        return None
