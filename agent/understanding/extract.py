"""Who and what an interview is about: company, role, interviewers and recruiter.

Pure functions over a `MailMessage` and its calendar events. This module finds the role and is
the one entry point for the rest: `agent.company` finds the employer, `agent.people` the people.
Company names come from text, display names and subjects, never from an applicant-tracking
vendor's domain. An address is only taken from a message body when its domain is the sender's,
the organizer's or the employer's (an unknown sender cannot make the agent write to a stranger).
"""

from __future__ import annotations

import re
from itertools import islice

from agent.model import CalEvent, MailMessage, Person
from agent.understanding.company import (
    agency_domains,
    company_domain_of,
    company_from_domain,
    company_key,
    company_labels,
    is_relay_address,
    names_a_company,
    sends_for_others,
    single,
    strip_prefixes,
)
from agent.understanding.company import find_company as company_of
from agent.understanding.mentions import unwrapped
from agent.understanding.people import TITLE_COMPOUND, Scene, fold, leading_name
from agent.understanding.people import find_people as people_of

__all__ = [
    "company_domain_of",
    "company_from_domain",
    "company_key",
    "ends_as_a_job_title",
    "find_company",
    "find_people",
    "find_role",
    "is_relay_address",
    "names_a_company",
    "names_an_occupation",
    "sends_for_others",
]

# The last word of a job title ("Senior Data *Engineer*", "Backend-*Entwickler*").
_HEAD_NOUNS = frozenset(
    re.findall(
        r"\S+",
        """
    engineer developer designer scientist manager analyst architect director lead consultant
    specialist intern researcher administrator accountant controller associate owner sre devops
    biologist chemist bioinformatician physicist statistician economist mathematician officer
    president vp recruiter coordinator writer editor technician strategist programmer counsel
    representative executive operator marketer producer partner head principal advocate
    entwickler ingenieur entwicklerin ingenieurin ingénieur ingénieure développeur développeuse
    leiter leiterin berater beraterin referent referentin techniker technikerin informatiker
    informatikerin elektroniker elektronikerin mechatroniker mechatronikerin architekt
    architektin programmierer programmiererin spezialist spezialistin
    desarrollador desarrolladora ingeniero ingeniera analista professor lecturer
    desenvolupador desenvolupadora desenvolvedor desenvolvedora engenheiro engenheira
    programador programadora ingegnere sviluppatore sviluppatrice programmatore programmatrice
    analyste analist ontwikkelaar utvikler utvecklare udvikler kehittäjä programista vývojář
""",
    )
)
# Head nouns that are also ranks or functions anywhere ("a partner", "the owner", "our lead"):
# no sign of a job's title by themselves.
_AMBIGUOUS_HEADS = frozenset(
    re.findall(
        r"\S+",
        """partner owner head lead principal executive associate president producer operator
        advocate officer editor writer counsel representative coordinator director""",
    )
)


def names_an_occupation(title: str) -> bool:
    """A subject or an event's title names a job by its head noun: "Primera llamada - Product
    Manager Growth (Rutafresca)", "Alex / Dana - Softwareentwickler"."""
    return any(
        (w.lower() in _HEAD_NOUNS and w.lower() not in _AMBIGUOUS_HEADS)
        or TITLE_COMPOUND.fullmatch(w)
        for w in re.findall(r"[^\W\d_]+", title)
    )


def ends_as_a_job_title(piece: str) -> bool:
    """A piece of a title that ends in a job's head noun ("Product Analytics Lead") or names
    an occupation ("Security Engineer intro"); "Corvane Data Operating Model" does neither."""
    words = re.findall(r"[^\W\d_]+", piece)
    return bool(words) and (words[-1].lower() in _HEAD_NOUNS or names_an_occupation(piece))


# Words that join the words of a title ("Head *of* Design", "Research *&* Development").
_TITLE_JOINERS = frozenset({"of", "and", "&", "/", "-", "+"})
_TITLE_WORD = re.compile(r"(?:[A-Z]|i[A-Z]|e[A-Z])[\w'’&+#./-]*|[IVX]{1,4}|\d{1,2}")
_GENDER_MARK = re.compile(r"\s*\((?:[mwfdhx]\s*/\s*){1,3}[mwfdhx]\)$|\s*\(all\s+genders\)$", re.I)
# The same mark inside a title, before its field: "Softwareentwickler (m/w/d) Steuerungstechnik".
_GENDER_MARK_INSIDE = re.compile(
    r"\s*\((?:(?:[mwfdhx]\s*/\s*){1,3}[mwfdhx]|all\s+genders)\)\s+", re.I
)
# A word's gendered ending: "Desenvolvedor(a)", "Entwickler*in", "Entwickler:innen".
_GENDERED_ENDING = re.compile(
    r"(?<=[^\W\d_]{3})(?:\((?:a|o|as|os|in|innen)\)|[*:_/](?:a|in|innen))$", re.I
)
# Stages and interviewers' functions that look like titles in an event's name.
_NOT_A_JOB = frozenset(
    {
        "hiring manager",
        "recruiter",
        "hiring team",
        "team lead",
        "manager",
        "panel",
        "lead",
        "director",
    }
)
_LEADING_FILLER = re.compile(
    r"^(?:(?:thank\s+you|thanks)\s+for\s+|your\s+(?:interest|application)\s+(?:in|for)\s+|"
    r"the\s+|our\s+|a\s+|an\s+|your\s+|this\s+|my\s+)+",
    re.I,
)
_STAGE_TAIL = re.compile(
    r"(?:\s+(?:technical|phone|final|onsite|on-site|virtual|video|panel|first|second|third|"
    r"next|initial|intro|introductory|hiring\s+manager|hm|recruiter|team))*\s+(?:interview|"
    r"interviews|conversation|chat|call|screen|screening|round|loop|onsite|on-site|"
    r"discussion|meeting|confirmation|role|position|opening|job)(?:\s+confirmation)?$",
    re.I,
)
# A one-word qualifier in parentheses belongs to the title ("Mobile Engineer (iOS)",
# "Management Consultant (Technology)"); a stage, a format or a place does not ("(Onsite)").
_PAREN_QUALIFIER = (
    r"(?:(?-i:[A-Z][\w+#.-]*|i[A-Z]\w*|[A-Z]{2,}\d*))(?<!\bOnsite)(?<!\bOn-site)(?<!\bVirtual)"
    r"(?<!\bRemote)(?<!\bHybrid)(?<!\bVideo)(?<!\bPhone)(?<!\bPanel)(?<!\bFinal)(?<!\bZoom)"
    r"(?<!\bTeams)(?<!\bInterview)(?<!\bScreen)(?<!\bRescheduled)(?<!\bUpdated)\)$"
)
_ROUND_TAIL = re.compile(
    r"\s+[-–—|:]\s+.*$|\s*\((?!(?:[mwfdhx]\s*/)|all\s+genders|"
    r"(?<=\w\()(?:a|o|as|os|in|innen)\)|" + _PAREN_QUALIFIER + r")[^()]*\)$",
    re.I,
)
# "... the X role", "X position (R-104877)": the title ends right before the cue word.
_CUE_AFTER = re.compile(
    r"\s+(?i:role|position|opening|job|req|requisition|vacancy|stelle|"
    r"poste|puesto)\b"
)
# "interview for X", "the position of X", "Position: X": the title starts right after.
_CUE_BEFORE = re.compile(
    r"\b(?i:(?:interview(?:ing)?|application|applying|applied|candidacy|considered)\s+for|"
    r"(?:position|role|post)\s+of|poste\s+d[e']|puesto\s+de|vacante\s+de|stelle\s+als|"
    r"proceso\s+de|processo\s+de|posizione\s+di|ruolo\s+di|"
    r"vaga\s+(?:de|para)|cargo\s+de|bewerbung\s+als|(?:position|tätigkeit)\s+als)\s*"
    r"(?i:the\s+|a\s+|an\s+|our\s+)?",
)
_LABEL = re.compile(
    r"^[ \t]*(?i:(?:job\s+|open\s+)?(?:role|position|title|opening|vacancy|req(?:uisition)?|"
    r"poste|puesto|stelle))[ \t]*(?::|\t)[ \t]*(?P<t>[^\r\n]{3,100})\r?$",
    re.M,
)
_QUESTION = re.compile(
    r"^[^\n]{0,120}?\b(?i:role|position|job|opening)\b[^\n]{0,120}[?:][ \t]*\r?\n[ \t]*"
    r"(?P<t>[^\r\n]{3,100})\r?$",
    re.M,
)
_MAX_CUES = 40  # cue words read per text: a title is named early, not 1000 times
# "(" ends a title unless it opens a one-word qualifier: "Mobile Engineer (iOS)".
_SENTENCE_END = re.compile(
    r"(?<!\bSr)(?<!\bJr)[.!?;:\r\n]|\((?![A-Za-z][\w+#.-]{0,20}\)|(?:[mwfdhx]\s*/\s*){1,3}"
    r"[mwfdhx]\))|\s[-–—|]\s"
)
# "for the Senior Controls Engineer interviews": weaker than a subject's own pieces, since
# "your Engineering Manager interview" may name the interviewer rather than the job.
_STAGE_CUE = re.compile(
    r"\b(?i:for|to|about)\s+(?i:the|your)\s+(?P<t>[^\n.!?;:()]{3,80}?)\s+"
    r"(?i:interviews|interview\s+(?:loop|day|process)|onsite|on-site)\b"
)
# "(Staff Backend Engineer)" right after the stage it is for: "the virtual onsite (X)".
_STAGE_PAREN = re.compile(
    r"\b(?i:interview|onsite|on-site|loop|screen|round|call|chat|conversation)\s*"
    r"\((?P<t>[^()\n]{3,80})\)"
)
# Titles written head first ("Ingeniero de Datos", "Développeur Backend Senior").
_HEAD_FIRST = frozenset(
    {
        "ingeniero",
        "ingeniera",
        "ingénieur",
        "ingénieure",
        "développeur",
        "développeuse",
        "desarrollador",
        "desarrolladora",
        "analista",
        "gerente",
        "jefe",
        "jefa",
        "directeur",
        "directrice",
        "responsable",
        "consultor",
        "consultora",
        "consultant",
        "consultante",
        "chef",
        "arquitecto",
        "arquitecta",
        "architecte",
        "diseñador",
        "diseñadora",
        "desenvolvedor",
        "desenvolvedora",
        "engenheiro",
        "engenheira",
        "arquiteto",
        "arquiteta",
        "cientista",
        "especialista",
        "coordenador",
        "coordenadora",
        "coordinador",
        "coordinadora",
        "programador",
        "programadora",
        "técnico",
        "técnica",
        "chargé",
        "chargée",
        "sviluppatore",
        "sviluppatrice",
        "ingegnere",
        "progettista",
        "consulente",
        "architetto",
        "tecnico",
    }
)
_HEAD_FIRST_WORDS = frozenset(
    {
        "de",
        "del",
        "des",
        "du",
        "en",
        "senior",
        "junior",
        "sr.",
        "jr.",
        "sr",
        "jr",
        "confirmé",
        "confirmée",
        "principal",
        "da",
        "do",
        "das",
        "dos",
        "e",
        "pleno",
        "sênior",
        "júnior",
        "di",
        "della",
    }
)
# Where a sentence names the employer after the title: "Ingeniero de Datos en Acme".
_AT_EMPLOYER = re.compile(r"\s+(?:at|en|chez|bei|presso|em|na|no)\s+(?P<c>[^\W\d_][^,;]*)$")


def find_company(
    message: MailMessage,
    events: list[CalEvent],
    me: frozenset[str],
    my_names: frozenset[str] = frozenset(),
) -> str:
    """The employer's name, "" when the message does not say."""
    return company_of(message, events, me, my_names)


def find_people(
    message: MailMessage,
    events: list[CalEvent],
    me: frozenset[str],
    my_names: frozenset[str] = frozenset(),
    company: str = "",
) -> list[Person]:
    """Interviewers, recruiter and organizer of one interview; `company` (found if not given)
    keeps the employer's own name out of the people."""
    company = company or company_of(message, events, me, my_names)
    scene = Scene(
        me=me,
        my_names=frozenset(n.lower() for n in my_names),
        company=company,
        company_labels=company_labels(message, events, me, company),
        agencies=agency_domains(message, events, me),
    )
    return people_of(message, events, scene)


def find_role(message: MailMessage, events: list[CalEvent]) -> str:
    """The job title the message writes, "" when it writes none. A title a sentence names
    ("for the Senior Data Scientist role", "Position: X", "interview for X") wins over one read
    from the pieces of a subject or event title ("Final round: Alex Rivera (Staff Data
    Engineer)"); an event's stage ("Hiring Manager Interview") is never a role."""
    heads = [strip_prefixes(message.subject), *(e.summary for e in events[:5])]
    bodies = [message.text[:6000], *(e.description[:3000] for e in events[:5])]
    employer = _employer_labels(message, events)
    for text in (*heads, *(unwrapped(b) for b in bodies)):
        role = _named_in_prose(text)
        if role:
            return _without_employer(role, employer)
    for head in heads:
        role = _from_pieces(head)
        if role:
            return role
    for text in bodies:
        for match in islice(_STAGE_CUE.finditer(text), _MAX_CUES):
            role = _title_prefix(match.group("t"))
            if role:
                return role
    for body in bodies:
        role = _from_lines(body)
        if role:
            return role
    return ""


def _employer_labels(message: MailMessage, events: list[CalEvent]) -> frozenset[str]:
    """Folded domain labels of the sender and organizers, doubled letters written once."""
    emails = [
        message.from_.email,
        *(a.email for a in message.reply_to),
        *(e.organizer.email for e in events if e.organizer),
    ]
    labels = {single(fold(company_from_domain(e.rpartition("@")[2]))) for e in emails}
    return frozenset(label for label in labels if len(label) >= 3)


def _without_employer(role: str, employer: frozenset[str]) -> str:
    """`role` without a trailing "en Ribera Azul" that names the sender's company."""
    match = _AT_EMPLOYER.search(role)
    if match and single(fold(match.group("c"))) in employer:
        return role[: match.start()]
    return role


def _named_in_prose(text: str) -> str:
    for match in islice(_LABEL.finditer(text), _MAX_CUES):
        role = _title_prefix(match.group("t"))
        if role:
            return role
    for match in islice(_QUESTION.finditer(text), _MAX_CUES):
        role = _title_prefix(match.group("t"))
        if role:
            return role
    for match in islice(_STAGE_PAREN.finditer(text), _MAX_CUES):
        role = _clean_title(match.group("t"))
        if role:
            return role
    for match in islice(_CUE_AFTER.finditer(text), _MAX_CUES):
        before = text[max(0, match.start() - 100) : match.start()]
        role = _title_suffix(_SENTENCE_END.split(before)[-1])
        if role:
            return role
    for match in islice(_CUE_BEFORE.finditer(text), _MAX_CUES):
        role = _title_prefix(text[match.end() : match.end() + 100])
        if role:
            return role
    return ""


def _from_pieces(head: str) -> str:
    """A title among the pieces of a subject or event title: "Fabrikam - Hiring Manager
    Interview - Alex Rivera (Senior SRE)" -> "Senior SRE"."""
    for piece in re.split(r"\s+[-–—|/]\s+|:\s+|\s+@\s+", head):
        role = _clean_title(piece)
        if role:
            return role
        for inner in re.finditer(r"\(([^()]{3,80})\)", piece):
            if re.search(r"\bwith\s+\S+(?:\s+\S+)?\s*$", piece[: inner.start()], re.I):
                continue  # "with Jane Doe (Engineering Manager)": the interviewer's title
            role = _clean_title(inner.group(1))
            if role:
                return role
    return ""


def _from_lines(text: str) -> str:
    """A line that pairs the employer and the job ("Corvid Labs - Founding Infrastructure
    Engineer"), never a signature's title line or an itinerary's "Name - Title"."""
    previous = ""
    for raw in text.splitlines():
        line = raw.strip()
        pieces = re.split(r"\s+[-–—|]\s+", line)
        if (
            len(pieces) == 2
            and not re.search(r"@|https?:|\d", line)
            and not (previous and leading_name(previous) == previous)
        ):
            titles = [t for t in (_clean_title(p) for p in pieces) if t]
            others = [p for p in pieces if not _clean_title(p)]
            if len(titles) == 1 and not any(leading_name(p) == p for p in others):
                return titles[0]
        if line:
            previous = line
    return ""


def _title_suffix(span: str) -> str:
    """The longest run of words ending `span` that is a job title."""
    tokens = span.split()
    for start in range(len(tokens)):
        role = _clean_title(" ".join(tokens[start:]), strip_tail=False)
        if role:
            return role
    return ""


def _title_prefix(span: str) -> str:
    """The longest run of words starting `span` that is a job title; a ", Team" qualifier
    only when it ends the phrase ("Interview for Product Manager, Payments")."""
    span = _LEADING_FILLER.sub("", span.strip())
    phrase = (
        _SENTENCE_END.split(span)[0]
        if not _GENDER_MARK.search(span.split("\n")[0])
        else (span.split("\n")[0])
    )
    whole = _clean_title(phrase)
    if whole:
        return whole
    tokens = phrase.split()
    abbreviation = next((i for i, t in enumerate(tokens) if t.endswith(".")), None)
    if abbreviation is not None:  # "Sr." ends a title; the next capital starts a sentence
        tokens = tokens[: abbreviation + 1]
        whole = _clean_title(" ".join(tokens))
        if whole:
            return whole
    for end in range(len(tokens) - 1, 0, -1):
        role = _clean_title(" ".join(tokens[:end]).rstrip(","), strip_tail=False, qualifier=False)
        if role:
            return role
    return ""


def _clean_title(text: str, *, strip_tail: bool = True, qualifier: bool = True) -> str:
    """`text` as a job title without filler ("your interest in the"), stage words
    ("interview", "(Onsite)", "- Round 2"), or "" when it is not shaped like a title."""
    if len(text) > 300:
        return ""
    role = re.sub(r"\s+", " ", text).strip(" \t,;:!?\"'“”")
    role = role if re.search(r"\b(?:Sr|Jr)\.$", role) else role.strip(" .")
    role = _LEADING_FILLER.sub("", role)
    if strip_tail:
        for _ in range(3):
            role = _STAGE_TAIL.sub("", _ROUND_TAIL.sub("", role)).strip(" ,;:-–—")
            role = role if re.search(r"\b(?:Sr|Jr)\.$", role) else role.strip(" .")
    if not 2 < len(role) <= 70 or role.lower() in _NOT_A_JOB:
        return ""
    gender = _GENDER_MARK.search(role) or _GENDER_MARK_INSIDE.search(role)
    core = role[: gender.start()] if gender else role
    specialty = role[gender.end() :].split() if gender else []
    if len(specialty) > 3 or not all(_TITLE_WORD.fullmatch(t) for t in specialty):
        return ""  # after an inner mark only the field may follow: "(m/w/d) Steuerungstechnik"
    core = re.sub(r"\s*\([^()]{1,30}\)$", "", core)  # a kept qualifier: "(iOS)"
    main, comma, team = core.partition(",")
    if comma and not (qualifier and _is_qualifier(team)):
        return ""
    return role if _title_shaped(main.split()) else ""


def _title_shaped(tokens: list[str]) -> bool:
    tokens = [_GENDERED_ENDING.sub("", t) for t in tokens]
    if not 1 <= len(tokens) <= 8 or not _TITLE_WORD.fullmatch(tokens[0]):
        return False
    if tokens[0].lower() in _HEAD_FIRST:
        return all(
            _TITLE_WORD.fullmatch(t) or t.lower() in _TITLE_JOINERS | _HEAD_FIRST_WORDS
            for t in tokens[1:]
        )
    if not all(_TITLE_WORD.fullmatch(t) or t.lower() in _TITLE_JOINERS for t in tokens):
        return False
    if "of" in tokens[1:-1]:  # "Assistant Professor of Computer Science": the head before "of"
        cut = tokens.index("of")
        if (
            _title_shaped(tokens[:cut])
            and len(tokens) - cut - 1 <= 4
            and all(t[0].isupper() for t in tokens[cut + 1 :])
        ):
            return True
    words = [t for t in tokens if not re.fullmatch(r"[IVX]{1,4}|\d{1,2}", t)]
    last = re.split(r"[-/]", words[-1])[-1].lower() if words else ""
    return (last in _HEAD_NOUNS or bool(TITLE_COMPOUND.fullmatch(last))) and (
        len(words) > 1 or last not in {"lead", "head", "partner"}
    )


def _is_qualifier(text: str) -> bool:
    """A team after a title's comma: "Lab Automation", "AppSec", "Data Engineering"."""
    tokens = text.split()
    return (
        1 <= len(tokens) <= 3
        and all(_TITLE_WORD.fullmatch(t) or t.lower() in _TITLE_JOINERS for t in tokens)
        and not _STAGE_TAIL.search(" " + text)
    )
