"""Dates written in prose, one import away: decision timelines, requests with a deadline,
out-of-office returns and meeting times, in English, German, French and Spanish.

This module only re-exports the finders; each lives with its concept:
`agent.deadlines` (find_timeline, find_requests), `agent.out_of_office` (find_return_date),
`agent.meetings` (find_meeting_times, find_meeting_length), over the shared vocabulary in
`agent.dates`, `agent.cues` and `agent.prose`.

Why hand-written patterns rather than `dateparser`: the job is to find a few known constructions
inside long mail and to say who they bind ("we'll" against "please"), with business days, upper
bounds of ranges and "end of next week". dateparser parses a string that already is a date; its
`search_dates` guesses dates out of any number or word ("in 2 rounds", "may"), knows nothing of
business days or ownership, and costs milliseconds per call. A false date here becomes a wrong
draft, so precision and predictability win; every rule is tested by a table.
"""

from __future__ import annotations

from agent.understanding.phrases.deadlines import find_requests, find_timeline, needs_attachment
from agent.understanding.phrases.meetings import (
    find_meeting_length,
    find_meeting_times,
    zone_named_in,
)
from agent.understanding.phrases.out_of_office import find_return_date

__all__ = [
    "find_meeting_length",
    "find_meeting_times",
    "find_requests",
    "find_return_date",
    "find_timeline",
    "needs_attachment",
    "zone_named_in",
]
