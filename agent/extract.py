"""Who and what an interview is about: company, role, interviewers and recruiter.

Pure functions over a `MailMessage` and its calendar events. This module finds the role and is
the one entry point for the rest: `agent.company` finds the employer, `agent.people` the people.
Company names come from text, display names and subjects, never from an applicant-tracking
vendor's domain. An address is only taken from a message body when its domain is the sender's,
the organizer's or the employer's (an unknown sender cannot make the agent write to a stranger).
"""

from __future__ import annotations

import re

from agent.company import (
    _strip_prefixes,
    agency_domains,
    company_domain_of,
    company_from_domain,
    company_labels,
)
from agent.company import find_company as _find_company
from agent.model import CalEvent, MailMessage, Person
from agent.people import Scene
from agent.people import find_people as _find_people

__all__ = ["company_domain_of", "company_from_domain", "find_company", "find_people",
           "find_role"]

_ROLE_PATTERNS = (
    re.compile(r"(?:for|für|pour|para)\s+(?:the|a|an|our|le|la|el|die|den)?\s*(?:position\s+"
               r"(?:of\s+)?|role\s+(?:of\s+)?|poste\s+de\s+|puesto\s+de\s+|stelle\s+als\s+)?"
               r"(?P<r>(?:[A-Z][\w/&+.#-]*|of|and|&|-)(?:\s+(?:[A-Z][\w/&+.#-]*|of|and|&|-|I{1,3}|"
               r"\d)){0,6})\s+(?:role|position|opening|job|req\b|Stelle|poste)", re.I),
    re.compile(r"(?:role|position|job\s+title|poste|puesto|stelle)\s*:\s*(?P<r>[^\n]{3,60})",
               re.I),
    re.compile(r"(?:for|as|als|comme|como)\s+(?:the\s+|a\s+|an\s+)?(?P<r>(?:Senior|Sr\.?|Junior|"
               r"Jr\.?|Staff|Principal|Lead|Head|Chief|Associate|Assoc|VP)?\s*[A-Z][\w/&+.#-]*"
               r"(?:\s+[A-Z][\w/&+.#-]*){0,4}\s+(?:Engineer|Developer|Designer|Manager|Analyst|"
               r"Scientist|Architect|Director|Lead|Consultant|Specialist|Intern|Researcher|"
               r"Administrator|Accountant|Controller|Associate|Product\s+Owner|SRE))\b"),
)
_ROLE_WORDS = re.compile(
    r"engineer|developer|designer|manager|analyst|scientist|architect|director|lead|"
    r"consultant|specialist|intern|researcher|administrator|accountant|controller|associate|"
    r"owner|sre|devops|recruiter|marketing|sales|product|data|finance|operations|ingenieur|"
    r"entwickler|ingénieur|développeur|desarrollador|ingeniero|analista",
    re.I,
)


def find_company(
    message: MailMessage, events: list[CalEvent], me: frozenset[str],
    my_names: frozenset[str] = frozenset(),
) -> str:
    """The employer's name, "" when the message does not say."""
    return _find_company(message, events, me, my_names)


def find_people(
    message: MailMessage, events: list[CalEvent], me: frozenset[str],
    my_names: frozenset[str] = frozenset(), company: str = "",
) -> list[Person]:
    """Interviewers, recruiter and organizer of one interview; `company` (found if not given)
    keeps the employer's own name out of the people."""
    company = company or _find_company(message, events, me, my_names)
    scene = Scene(me=me, my_names=frozenset(n.lower() for n in my_names), company=company,
                  company_labels=company_labels(message, events, me, company),
                  agencies=agency_domains(message, events, me))
    return _find_people(message, events, scene)


def find_role(message: MailMessage, events: list[CalEvent]) -> str:
    texts = [_strip_prefixes(message.subject), *(e.summary for e in events),
             message.text[:4000], *(e.description[:2000] for e in events)]
    for text in texts:
        for pattern in _ROLE_PATTERNS:
            for match in pattern.finditer(text):
                role = re.sub(r"\s+", " ", match.group("r")).strip(" .,:;-–—")
                role = re.sub(r"^(?:the|a|an)\s+", "", role, flags=re.I)
                if 2 < len(role) <= 60 and _ROLE_WORDS.search(role):
                    return role
    dashed = re.split(r"\s+[-–—|/]\s+", _strip_prefixes(message.subject))
    for piece in dashed[1:]:
        if _ROLE_WORDS.search(piece) and len(piece) <= 60:
            return piece.strip()
    return ""
