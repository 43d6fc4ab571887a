"""What a company asked for (or the user promised), read as a kind of request and its object,
so that an action item is written from them and never by pasting the request into a sentence.

The kind (`references`, `documents`, `availability`, `schedule`, `form`, `take_home`,
`assessment`, `confirm`, `other`) is read by `agent.planning.requests`, which planning uses
too; this module adds what only the wording needs (the detail of an availability or a call).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.compose.facts import fact
from agent.planning.requests import request_kind


@dataclass(frozen=True)
class Ask:
    kind: str
    thing: str = ""  # a code of words.DOCUMENTS or words.FORMS, or assessment's kind
    # English only, with the pronouns turned to the candidate's side: "for the week of
    # October 26" (availability), "a call with your CTO" (schedule)
    detail: str = ""


_PRONOUNS = {
    "our": "your",
    "ours": "yours",
    "us": "you",
    "we": "you",
    "your": "my",
    "yours": "mine",
    "you": "me",
}
_PRONOUN = re.compile(r"\b(?:" + "|".join(_PRONOUNS) + r")\b", re.I)
_FOR = re.compile(r"\bfor\s+((?:the|a|an|our|next|this|your)\b[^.;:!?()]{2,60})$", re.I)
_CALL = re.compile(
    r"\b(?:schedule|book|set\s+up)\s+(an?\s+(?:\d+-minute\s+)?(?:call|chat|meeting|time|"
    r"interview|conversation)(?:\s+with\s+[^,.;:!?()]{2,40})?)",
    re.I,
)


def _turned(text: str) -> str:
    """The company's words from the candidate's side: "our CTO" is "your CTO"."""
    return _PRONOUN.sub(lambda m: _match_case(m[0], _PRONOUNS[m[0].lower()]), text)


def _match_case(old: str, new: str) -> str:
    return new.capitalize() if old[:1].isupper() else new


_TAIL = re.compile(
    r"\s+(?:using|via|through|by|on|at|in|within|before|next|this|when|once)\b.*$", re.I
)


def _detail(pattern: re.Pattern[str], what: str) -> str:
    match = pattern.search(what)
    if not match:
        return ""
    words = match[1] if pattern is _FOR else _TAIL.sub("", match[1])
    detail = fact(_turned(words).strip(), 70)
    return "" if re.search(r"\b(?:I|me|my)\b", match[1]) else detail


def read_request(what: str) -> Ask:
    """The kind of a request and what it is about, from its words."""
    kind, thing = request_kind(what)
    if kind == "availability":
        detail = _detail(_FOR, what)
        return Ask(kind, detail=f"for {detail}" if detail else "")
    if kind == "schedule":
        return Ask(kind, detail=_detail(_CALL, what))
    return Ask(kind, thing)
