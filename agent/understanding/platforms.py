"""The platforms that send or relay mail for employers (applicant tracking, schedulers, job
boards, interviewing services), host meetings, or carry personal mail: data, one line per
platform in `data/platforms.tsv`, so that a new vendor is a line and not code.

A platform's name or domain is never the company; its kind says what its mail can be (an
assessment platform never sends a live interview; a job board relays a recruiter's words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

# Kinds whose mail can schedule a live interview on an employer's behalf.
ON_BEHALF = frozenset({"ats", "scheduler", "board", "interviewing", "agency-ats"})
# Of those, the kinds whose mail is about a job by what they are (a booking tool books anything).
HIRING = ON_BEHALF - {"scheduler"}
# Kinds whose mail is never a live interview.
NEVER_LIVE = frozenset({"assessment", "newsletter"})
# Kinds whose addresses belong to nobody's employer: personal mail, conferencing, calendars.
GENERIC = frozenset({"mail", "meeting", "calendar"})


@dataclass(frozen=True)
class Platform:
    name: str
    kind: str
    domains: tuple[str, ...]
    names: tuple[str, ...]  # the name and any other name it goes by
    common_word: bool = False  # its name is also a word: only its domain counts in running text


@cache
def platforms() -> tuple[Platform, ...]:
    text = resources.files("agent.understanding").joinpath("data/platforms.tsv").read_text("utf-8")
    found = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, kind, domains, *other = line.split("\t")
        word = name.endswith("*")
        name = name.rstrip("*")
        aliases = tuple(n.strip() for n in other[0].split(",") if n.strip()) if other else ()
        found.append(Platform(name, kind, tuple(domains.lower().split()), (name, *aliases), word))
    return tuple(found)


@cache
def _by_domain() -> dict[str, Platform]:
    return {domain: p for p in platforms() for domain in p.domains}


def platform_of(domain: str) -> Platform | None:
    """The platform a domain (or any parent domain of it) belongs to."""
    labels = domain.lower().strip(".").split(".")
    table = _by_domain()
    for i in range(len(labels) - 1):
        found = table.get(".".join(labels[i:]))
        if found is not None:
            return found
    return None


def kind_of(domain: str) -> str:
    found = platform_of(domain) if domain else None
    return found.kind if found is not None else ""


def sends_on_behalf(domain: str) -> bool:
    return kind_of(domain) in ON_BEHALF


def never_live(domain: str) -> bool:
    return kind_of(domain) in NEVER_LIVE


def is_generic(domain: str) -> bool:
    return kind_of(domain) in GENERIC


def is_platform(domain: str) -> bool:
    """Any platform's domain: never an employer's."""
    return bool(kind_of(domain))


@cache
def name_pattern() -> re.Pattern[str]:
    """A platform's name as written ("via Greenhouse", "Cronofy", "YouCanBook.me"); names that
    are also words ("Lever", "Indeed") are left out: in running text they are no sign."""
    names = sorted(
        {n for p in platforms() if not p.common_word for n in p.names if len(n) > 2},
        key=len,
        reverse=True,
    )
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)")


@cache
def _by_name() -> dict[str, Platform]:
    return {n.lower(): p for p in platforms() for n in p.names}


def named(text: str) -> list[Platform]:
    """Every platform `text` names, in order, each once."""
    found: list[Platform] = []
    for m in name_pattern().finditer(text):
        platform = _by_name().get(m[0].lower())
        if platform is not None and platform not in found:
            found.append(platform)
    return found


def is_name(text: str) -> bool:
    """`text` is a platform's name, whole ("Greenhouse", "Lever", "Indeed Hiring")."""
    words = text.split()
    return any(" ".join(words[:n]).lower() in _by_name() for n in range(1, min(len(words), 3) + 1))
