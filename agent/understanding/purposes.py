"""Meetings that look like interviews but are not the user's job interview: a research study,
a clinical trial's screening, an admissions or housing board, an exit interview at the employer
the user leaves, a reference call about someone else, a prep call with the user's own agency.

Data, one wording per line in `data/not_a_job.tsv`, so that a new purpose or language is a line.
"""

from __future__ import annotations

import re
from functools import cache

from agent.understanding import datafiles


@cache
def _pattern() -> tuple[re.Pattern[str], tuple[str, ...]]:
    """One pattern for every wording (one pass over a text), a named group per purpose."""
    by_purpose: dict[str, list[str]] = {}
    for purpose, phrase in datafiles.rows("not_a_job"):
        by_purpose.setdefault(purpose, []).append(phrase.replace(" ", r"\s{1,3}"))
    purposes = tuple(by_purpose)
    groups = "|".join(
        f"(?P<p{i}>{'|'.join(by_purpose[purpose])})" for i, purpose in enumerate(purposes)
    )
    return re.compile(rf"\b(?:{groups})", re.I | re.M), purposes


def not_a_job(*texts: str) -> str:
    """The purpose a meeting has that makes it no job interview ("a research study"), or ""."""
    pattern, purposes = _pattern()
    for text in texts:
        for m in pattern.finditer(text) if text else ():
            if m.lastgroup and not _denied(text, m.start()):
                return purposes[int(m.lastgroup[1:])]
    return ""


# An employer's fraud warning denies what a scam or a study would ask: "We will never ask
# candidates for payment, bank account details or gift cards".
_DENIAL = re.compile(
    r"\b(?:never|not|won't|don't|doesn't|nunca|jamais|jamás|niemals|nie|mai|nooit|aldri|aldrig)\b",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?\n]")
_LOOK_BACK = 160


def _denied(text: str, at: int) -> bool:
    """The phrase at `at` sits in a sentence that denies it."""
    before = text[max(0, at - _LOOK_BACK) : at]
    ends = [m.end() for m in _SENTENCE_END.finditer(before)]
    return bool(_DENIAL.search(before[ends[-1] if ends else 0 :]))
