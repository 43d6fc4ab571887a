"""Meetings that look like interviews but are not the user's job interview: a research study,
a clinical trial's screening, an admissions or housing board, an exit interview at the employer
the user leaves, a reference call about someone else, a prep call with the user's own agency.

Data, one wording per line in `data/not_a_job.tsv`, so that a new purpose or language is a line.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    text = resources.files("agent.understanding").joinpath("data/not_a_job.tsv").read_text("utf-8")
    by_purpose: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        purpose, phrase = line.split("\t", 1)
        by_purpose.setdefault(purpose, []).append(phrase.replace(" ", r"\s{1,3}"))
    return tuple(
        (purpose, re.compile(r"(?:^|\b)(?:" + "|".join(phrases) + ")", re.I | re.M))
        for purpose, phrases in by_purpose.items()
    )


def not_a_job(*texts: str) -> str:
    """The purpose a meeting has that makes it no job interview ("a research study"), or ""."""
    for purpose, pattern in _patterns():
        if any(pattern.search(t) for t in texts if t):
            return purpose
    return ""
