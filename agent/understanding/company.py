"""Which employer an interview is with.

Pure functions over a `MailMessage` and its calendar events. The name comes from how the
company writes itself (sender display names such as "Quillbase Careers", signatures such as
"Talent Partner, Tidewater Analytics", subjects, the text, an office address), never from an
applicant-tracking or scheduling vendor, a staffing agency, or a person (the user, a recipient,
an interviewer). When the employer's mail domain is known, the written form that matches it wins
("Cóndor Pagos" for condorpagos.mx, "Redwood Genomics" for redwoodgenomics.com); the domain
itself ("Initech" from initech.com) is the last resort.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from agent.model import Address, CalEvent, MailMessage, is_no_reply
from agent.understanding import platforms, signals
from agent.understanding.mentions import EMAIL
from agent.understanding.people import (
    body_text,
    fold,
    is_title,
    leading_name,
    mentions,
    normalize_name,
)
from agent.understanding.phrases.prose import QUOTE_MARKS

_WORD = r"[^\W\d_][\w&'’.-]*"
_PHRASE = rf"{_WORD}(?:[ \t]+(?:&[ \t]+)?{_WORD}){{0,3}}"
_COMPANY_DISPLAY = re.compile(
    r"^(?P<c>.+?)\s+(?:careers|jobs|hiring(?:\s+team)?|recruiting(?:\s+team)?|recruitment|"
    r"talent(?:\s+acquisition|\s+team)?|people\s+team|hr|candidate\s+(?:calendar|experience)|"
    r"interviews?|scheduling|@\s*icims|workday(?:\s+notification)?|hrworkday|via\s+[\w.-]+|"
    r"-\s*no\s*reply)\s*$",
    re.I,
)
_DISPLAY_FROM = re.compile(rf"\b(?:from|at|@)\s+(?P<c>{_PHRASE})\s*$")
_SUBJECT_PATTERNS = (
    re.compile(
        rf"(?i:interview|call|chat|conversation|screen|onsite|meeting|entrevista|"
        rf"entretien|gespräch)\s+(?i:with|at|for|con|avec|mit|bei|chez)\s+(?P<c>{_PHRASE})"
    ),
    re.compile(rf"(?i:\bat|\bbei|\bchez|\bcon|\bwith)\s+(?P<c>{_PHRASE})\s*(?:[!.,:|/–—()-]|$)"),
    re.compile(rf"^(?P<c>{_PHRASE})\s*(?:[|:–—]|\s-\s)"),
    re.compile(
        rf"^(?P<c>{_PHRASE})\s+(?i:interview|virtual\s+interview|in-person\s+interview|"
        rf"phone\s+screen|onsite|recruiter\s+(?:call|screen)|final\s+round)"
    ),
    re.compile(rf"(?i:interview\w*)\s*[-–—:/]\s*(?P<c>{_PHRASE})\s*[-–—/]"),
)
_BODY_PATTERNS = (
    re.compile(
        rf"(?i:on\s+behalf\s+of|here\s+at|team\s+at|role\s+at|position\s+at|"
        rf"interview\s+with|opportunity\s+at|interest\s+in|interview\s+at)\s+"
        rf"(?P<c>{_PHRASE})"
    ),
    re.compile(
        rf"(?:^|[.!][ \t]+)(?P<c>{_PHRASE})[ \t]+(?:would\s+like|is\s+excited|wants)\b", re.M
    ),
)
_LOCATION = re.compile(rf"^(?P<c>{_PHRASE})\s*[,|]\s*\d+\s", re.M)
_AT = re.compile(rf"(?:\b(?:at|bei|chez|en)|(?<!\w)w/)\s+(?P<c>{_PHRASE})")
# Industry words a glued domain label often ends with: redwoodgenomics -> Redwood Genomics.
_LABEL_SUFFIXES = sorted(
    re.findall(
        r"\w+",
        """
    health labs lab bio biotech capital media analytics data datos daten genomics security
    systems tech technologies software energy studio studios pay pagos payments fintech finance
    financial group partners ventures cloud networks robotics foods audio aero aerospace motors
    logistics therapeutics pharma insurance bank markets games digital works solutions
""",
    ),
    key=len,
    reverse=True,
)
# Trailing words that describe the meeting, not the company ("Brightwave Technical Interview").
_MEETING_WORDS = re.compile(
    r"(?:\s+(?:technical|tech|final|virtual|onsite|on-site|phone|video|panel|recruiter|recruiting|"
    r"hiring|manager|interview|interviews|screen|round|intro|introductory|screening|behavioral|"
    r"coding|system|design\s+interview|loop|chat|call|team|careers|jobs|talent|candidate|"
    r"hq|headquarters|office|offices|campus|"
    r"inc\.?|llc|ltd\.?|gmbh|s\.a\.|sas|corp\.?))+$",
    re.I,
)
_NOT_COMPANY = re.compile(
    r"^(?:me|us|you|our|the|a|an|team|interview|interviews|your|my|zoom|google|teams|microsoft|"
    r"meet|outlook|gmail|webex|calendar|invitation|hiring|recruiting|onsite|on-site|virtual|"
    r"technical|final|phone|video|panel|reminder|confirmed|confirmation|update|updated|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|"
    r"may|june|july|august|september|october|november|december|today|tomorrow|next|this|am|pm|"
    r"et|pt|ct|mt|utc|gmt|edt|est|pdt|pst|head|senior|staff|lead|engineering|design|new|"
    r"hi|hello|dear|thanks|thank|please|cancel|reschedule|join|where|when|time|date)$",
    re.I,
)
# Conferencing and calendar products that name a meeting, not its host ("Zoom", "Google").
_MEETING_PRODUCTS = re.compile(r"zoom|google|gmail|outlook|microsoft|teams|webex", re.I)


def _is_vendor_name(value: str) -> bool:
    return bool(
        _MEETING_PRODUCTS.search(value) or platforms.is_name(value) or platforms.named(value)
    )


_AGENCY = re.compile(
    r"\b(?:talent|staffing|recruitment|search|headhunt\w*|resourcing|placements?|personnel)\b",
    re.I,
)
_ROLE_END = re.compile(
    r"(?:engineer|developer|designer|manager|analyst|scientist|architect|director|lead|"
    r"consultant|specialist|intern|researcher|administrator|recruiter|coordinator|partner|"
    r"acquisition|ingeniero|desarrollador|ingénieur|entwickler)$",
    re.I,
)
# A legal form ends only a company's name, never a person's: "Lindenhof Maschinenbau GmbH".
_LEGAL_FORMS = (
    r"inc|llc|llp|ltd|limited|plc|gmbh|ag|kg|se|b\.\s?v|n\.\s?v|s\.\s?a\.?\s?s|"
    r"s\.\s?a|sas|sarl|s\.\s?r\.\s?l|s\.\s?p\.\s?a|srl|spa|s\.\s?l|lda|ltda|oy|ab|a/s|as|pty|"
    r"corp|co|pvt\.?\s?ltd|pvt|private\s+limited|pty\.?\s?ltd|s\.\s?a\.\s?de\s?c\.\s?v"
)
_LEGAL_FORM = re.compile(rf"[\s,]+(?:{_LEGAL_FORMS})\.?$", re.I)
# A name written with its legal form, as footers and signatures do: "Elmstead & Vane Partners
# LLP", "Fallowmere Biosciences, Inc.", "Tanpura Labs Pvt. Ltd.".
_LEGAL_NAME = re.compile(
    r"(?<![\w&])(?P<c>(?-i:[A-ZÀ-Þ][\w'’.-]*)"
    r"(?:[ \t]+(?:&|and|und|et|y|e|(?-i:[A-ZÀ-Þ][\w'’.-]*))){0,5})"
    rf",?[ \t]+(?:{_LEGAL_FORMS})\.?(?![\w/])",
    re.I,
)
_CONNECTORS = frozenset({"&", "and", "of", "de", "del", "y", "und", "et", "für", "for"})
_STRONG = ("field", "display", "signature", "legal")
_EMPLOYER_FIELD = re.compile(
    r"^[ \t]*(?i:client|company|employer|organi[sz]ation|hiring\s+company|empresa|unternehmen|"
    r"arbeitgeber|entreprise|société|azienda|bedrijf|werkgever|firma|cliente|pracodawca|"
    rf"empregador|empleador)[ \t]?:[ \t]*(?P<c>{_PHRASE})[ \t]*$",
    re.M,
)
_SKIP_LABELS = frozenset(
    {
        "mail",
        "email",
        "careers",
        "jobs",
        "hr",
        "talent",
        "recruiting",
        "corp",
        "www",
        "us",
        "eu",
        "calendar",
    }
)


def domain_label(domain: str) -> str:
    """The organisation part of a domain: `mail.northwind.io` -> `northwind`,
    `evergreen-energy.com` -> `evergreen-energy`, `acme.co.uk` -> `acme`."""
    labels = [p for p in domain.lower().split(".") if p]
    if len(labels) >= 2:
        labels = labels[:-1]
        if len(labels) >= 2 and labels[-1] in ("co", "com", "ac", "org", "net", "gov", "edu"):
            labels = labels[:-1]
    while len(labels) > 1 and labels[-1] in _SKIP_LABELS:
        labels = labels[:-1]
    return labels[-1] if labels else ""


def company_from_domain(domain: str) -> str:
    """`northwind.io` -> `Northwind`; "" for generic, vendor and personal domains."""
    if not domain or _vendor_domain(domain):
        return ""
    words = [w for w in re.split(r"[-_]", domain_label(domain)) if w]
    if len(words) == 1:
        suffix = next(
            (x for x in _LABEL_SUFFIXES if words[0].endswith(x) and len(words[0]) - len(x) >= 3), ""
        )
        if suffix:
            words = [words[0][: -len(suffix)], suffix]
    return " ".join(w.capitalize() for w in words)


def _vendor_domain(domain: str) -> bool:
    return platforms.is_platform(domain)


def company_domain_of(addresses: Iterable[Address], me: frozenset[str]) -> str:
    """The first address domain that belongs to an employer (not a vendor, not webmail)."""
    for address in addresses:
        domain = address.domain
        if not domain or address.email in me or _vendor_domain(domain):
            continue
        return domain
    return ""


def matches_domain(name: str, domain: str) -> bool:
    """Whether a written name is the company behind a domain: "Kestrel Security" and
    kestrelsec.com, "Lighthouse" and lighthouse-design.co, "DRW" and drw.com."""
    label = fold(domain_label(domain))
    folded = fold(name)
    if not label or not folded:
        return False
    if folded == label or single(folded) == single(label):  # "Ribera Azul", riberazul.es
        return True
    initials = "".join(
        w[0] for w in re.findall(r"[^\W\d_]+", name) if w.lower() not in _CONNECTORS
    ).lower()  # "National Office of ..."
    if len(label) >= 2 and initials == label and len(initials) >= 2:
        return True
    shorter = min(len(label), len(folded))
    if shorter >= 4 and (folded.startswith(label) or label.startswith(folded)):
        return True
    # a shortened domain: "elmstd.com" for "Elmstead & Vane", "lnthrn.co" for "Lanthorn"
    first = fold(name.split()[0]) if name.split() else ""
    return len(label) >= 5 and label[0] == first[:1] and _subsequence(label, first)


def _subsequence(short: str, long: str) -> bool:
    """Every letter of `short`, in order, in `long`, and most of `long` accounted for."""
    letters = iter(long)
    return all(c in letters for c in short) and len(short) >= 0.6 * len(long)


def single(text: str) -> str:
    """Doubled letters written once, as a domain often joins words: "riberaazul" -> "riberazul"."""
    return re.sub(r"(.)\1+", r"\1", text)


def strip_prefixes(subject: str) -> str:
    return re.sub(
        r"^(?:(?:re|fwd?|aw|wg|tr|rv|sv|updated\s+invitation(?:\s+with\s+note)?|invitation"
        r"(?:\s+from\s+an\s+unknown\s+sender)?(?:\s+with\s+note)?|invitación|einladung|"
        r"reminder|erinnerung|rappel|recordatorio|confirmed|canceled|cancelled|"
        r"actualización\s+de\s+invitación|aktualisierte\s+einladung)\s*:\s*)+",
        "",
        subject,
        flags=re.I,
    ).split(" @ ")[0]


def clean_company(value: str, people: frozenset[str]) -> str:
    """A candidate trimmed of meeting words, or "" when it is not an employer's name."""
    value = re.sub(r"\s+", " ", value).strip(" \t-–—:|/,.!\"'()")
    value = re.sub(r"^(?:the)\s+", "", value, flags=re.I)
    value = re.sub(r"'s$|’s$", "", value)
    kept: list[str] = []
    words = value.split()
    for i, word in enumerate(words):
        if not (word[0].isupper() or word[0].isdigit() or word.lower() in _CONNECTORS):
            break
        if word.endswith(",") and not _LEGAL_FORM.search(" " + " ".join(words[i + 1 : i + 2])):
            kept.append(word.rstrip(","))  # "Copperleaf Robotics, Tue Oct 20": a list goes on
            break
        kept.append(word)
        if word.endswith(".") and len(word) > 4:  # the sentence ends here
            break
    while kept and kept[-1].lower() in _CONNECTORS:
        kept.pop()
    value = " ".join(kept)
    previous = ""
    while previous != value:
        previous = value
        value = _MEETING_WORDS.sub("", value).strip(" \t-–—:|/,.")
    words = value.split()
    if any(re.search(r"\d", w) and "-" in w for w in words):  # "NOGR-26-1187-MP": a reference
        return ""
    if not value or len(value) > 40 or any(_NOT_COMPANY.match(w) for w in words[:1]):
        return ""
    if signals.INTERVIEW_WORDS.fullmatch(value):  # "Entrevista", "Interview"
        return ""
    if not value[0].isupper() or _is_vendor_name(value) or _ROLE_END.search(words[-1]):
        return ""
    folded = fold(normalize_name(value))
    if folded in people or fold(value) in people:
        return ""
    if leading_name(value) == value and any(fold(value).startswith(p) for p in people if p):
        return ""
    return value


def _company_display(address: Address, domains: Iterable[str]) -> bool:
    """A display name that is the company's although it reads like a person's: it ends with
    a legal form, or it names the employer's domain on a no-reply sender ("Halyard Mobility"
    <noreply@smartrecruiters.com> for halyardmobility.com)."""
    name = (address.name or "").strip()
    return bool(name) and (
        bool(_LEGAL_FORM.search(name))
        or (is_no_reply(address.email) and any(matches_domain(name, d) for d in domains))
    )


def _candidates(
    message: MailMessage, events: list[CalEvent], domains: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """(candidate, source) in order of trust."""
    found: list[tuple[str, str]] = []
    displays = [
        message.from_,
        *message.reply_to,
        *([message.sender] if message.sender else []),
        *(Address(e.organizer.name, e.organizer.email) for e in events if e.organizer),
    ]
    for address in displays:
        name = (address.name or "").strip()
        for pattern in (_COMPANY_DISPLAY, _DISPLAY_FROM):
            match = pattern.search(name)
            if match:
                found.append((match.group("c"), "display"))
        if (
            name
            and (not leading_name(name) or _company_display(address, domains))
            and (_vendor_domain(address.domain) or is_no_reply(address.email))
            and platforms.kind_of(address.domain) != "mail"  # "Sam" <...@gmail>
        ):
            found.append((name, "display"))  # "Quillbase" <no-reply@greenhouse-mail.io>
    heads = [strip_prefixes(message.subject), *(e.summary for e in events)]
    for head in heads:
        for pattern in _SUBJECT_PATTERNS:
            found.extend((m.group("c"), "subject") for m in pattern.finditer(head))
        found.extend((part, "subject") for part in re.split(r"\s+[-–—|:/]\s+|[|:]\s+", head))
    text = body_text(message, events)
    # a field naming the employer ("Client: Palisade Power & Gas" in an agency's confirmation)
    found[:0] = [(m.group("c"), "field") for m in _EMPLOYER_FIELD.finditer(text)]
    found.extend((c, "signature") for c in _signature_companies(text))
    for pattern in _BODY_PATTERNS:
        found.extend((m.group("c"), "body") for m in pattern.finditer(text))
    locations = [e.location for e in events] + [text]
    for location in locations:
        found.extend((m.group("c"), "location") for m in _LOCATION.finditer(location))
    found.extend((m.group("c"), "prose") for m in _AT.finditer(text))
    found.extend((m.group("c"), "legal") for m in _LEGAL_NAME.finditer(text))
    return found


def _org_phrases(message: MailMessage, events: list[CalEvent]) -> list[str]:
    """Every piece of a signature or display name line, to tell an agency by its own name."""
    lines = body_text(message, events).strip().splitlines()[-40:]
    lines += [a.name for a in (message.from_, *message.reply_to) if a.name]
    parts = [part for line in lines for part in re.split(r"\s*[|•·,]\s*", line.strip())]
    return [
        p
        for p in parts
        if 0 < len(_LEGAL_FORM.sub("", p).replace("&", " ").split()) <= 4
        and not signals.INTERVIEW_WORDS.search(p)
    ]  # "Harcourt & Vane Recruitment Ltd"


def _written_form(domain: str, text: str) -> str:
    """The domain's name as the text writes it: "Ulverston Mutual" for ulverstonmutual.com."""
    label = fold(domain_label(domain))
    if len(label) < 4:
        return ""
    for m in _CAPITALISED_RUN.finditer(text):
        words = m[0].split()
        for size in range(len(words), 1, -1):
            if words[size - 1].lower() in _CONNECTORS:
                continue
            name = " ".join(words[:size])
            if fold(name) == label or _abbreviated(name, label):
                # "Lamoille State University" for lamoillestate.edu: the institution's noun
                # after the domain's words is part of the name
                rest = words[size : size + 1]
                return (
                    " ".join([name, *rest]) if rest and rest[0].lower() in _INSTITUTIONS else name
                )
    return ""


# Nouns that end an institution's name after the words its domain spells.
_INSTITUTIONS = frozenset(
    re.findall(
        r"\S+",
        """university college institute school hospital health healthcare county council trust
        district foundation agency authority bank group universitet universität université
        universidad università universidade hochschule stiftung""",
    )
)


# Capitalised words, joined by connectors ("Universitetet i Haugaland", "City of Hudson Ridge").
_CAPITALISED_RUN = re.compile(
    r"(?-i:[A-ZÀ-Þ][\w'’-]*)(?:[ \t]+(?:(?:of|i|de|del|des|du|di|der|für|and|&|y|e|und)[ \t]+)?"
    r"(?-i:[A-ZÀ-Þ][\w'’-]*)){1,5}"
)


def _abbreviated(name: str, label: str) -> bool:
    """A domain that abbreviates the name: its initials ("lcri" for Lakeshore Children's
    Research Institute, "kdew" for Kommunale Datenzentrale Elbe-Wendland), the initials with the
    last word ("pvhealth" for Pequannock Valley Health), or the name with a region after it
    ("wallkillcountyny" for Wallkill County)."""
    words = [
        w for w in re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?", name) if w.lower() not in _CONNECTORS
    ]
    if len(words) < 2:
        return False
    initials = "".join(fold(w)[:1] for w in words)
    folded = fold(name)
    return (
        (len(label) >= 3 and label == initials)
        or label == initials[:-1] + fold(words[-1])
        or (label.startswith(folded) and len(label) - len(folded) <= _REGION_SUFFIX)
    )


_REGION_SUFFIX = 2  # "ny", "ca", "uk" after the name in a domain


def _signature_companies(text: str) -> list[str]:
    """Organisations in title lines: "Talent Partner, Tidewater Analytics",
    "Senior Recruiter | Umbrella Health", "Recruiter at Globex", or on the line under a title."""
    found: list[str] = []
    lines = [line.strip() for line in text.strip().splitlines()]
    tail = lines[-40:]
    for i, line in enumerate(tail):
        below = tail[i + 1] if i + 1 < len(tail) else ""
        if (
            is_title(line)
            and leading_name(line) != line
            and 0 < len(below.split()) <= 5
            and leading_name(below) != below
            and not signals.RECRUITER_TITLES.search(below)
            and not re.search(r"\d|@|https?:|[|•·,:]", below)
        ):
            found.append(below)  # "Senior Talent Acquisition Partner" / "Glenrock Insurance"
        parts = re.split(r"\s*[|•·]\s*|,\s+|\s+at\s+|\s+@\s+", line)
        if len(parts) < 2 or len(line) > 90:
            continue
        if ":" in parts[0] or not is_title(parts[0]) or leading_name(parts[0]) == parts[0]:
            continue
        found.extend(p for p in parts[1:] if p and not re.search(r"\d|@|https?:", p))
    return found


def find_company(
    message: MailMessage,
    events: list[CalEvent],
    me: frozenset[str],
    my_names: frozenset[str] = frozenset(),
) -> str:
    """The employer's name (see the module docstring for the order of evidence); a fuller
    written form of the chosen name wins ("Quayside Health" over a subject's "Quayside")."""
    chosen, candidates = _choose(message, events, me, my_names)
    words = chosen.split()
    for candidate, _source in candidates:
        extra = candidate.split()[len(words) :]
        if (
            words
            and candidate.split()[: len(words)] == words
            and extra
            and not any(
                _NOT_COMPANY.match(w) or not (w[0].isupper() or w.lower() in _CONNECTORS)
                for w in extra
            )
        ):
            return candidate
    return chosen


def _choose(
    message: MailMessage, events: list[CalEvent], me: frozenset[str], my_names: frozenset[str]
) -> tuple[str, list[tuple[str, str]]]:
    """The employer's name and the candidates it was chosen among."""
    domains = _employer_domains(message, events, me)
    people = _person_names(message, events, me, my_names, domains)
    candidates: list[tuple[str, str]] = []
    sender = message.from_.domain
    platform = (
        fold(domain_label(sender))
        if sender and sender not in domains and sends_for_others(message, sender)
        else ""
    )
    for raw, source in _candidates(message, events, domains):
        cleaned = clean_company(raw, people)
        if cleaned and not (platform and fold(cleaned).startswith(platform)):
            candidates.append((cleaned, source))  # never the platform: "Glints", "Hosco"
    agencies = agency_domains(message, events, me)
    if agencies:
        candidates = [
            (c, s)
            for c, s in candidates
            if not _AGENCY.search(c)
            and not any(matches_domain(c, d) for d in agencies)
            and s != "signature"
        ]
        domains = [d for d in domains if d not in agencies]
    for domain in domains:
        matching = [(c, s) for c, s in candidates if matches_domain(c, domain)]
        if matching:  # a legal name first: "Tessaly Quantum Research" over "TQR"
            legal_names = [c for c, s in matching if s == "legal"]
            return (legal_names or [matching[0][0]])[0], candidates
    if domains:  # the thread's signature, when the reply's own has none: "Pombalina Software"
        thread = QUOTE_MARKS.sub("", message.text[:20000])
        for raw in _signature_companies(thread) + [
            m.group("c") for m in _LEGAL_NAME.finditer(thread)
        ]:
            cleaned = clean_company(raw, people)
            if cleaned and matches_domain(cleaned, domains[0]):
                return cleaned, candidates
    candidates = [(c, s) for c, s in candidates if s != "prose"] + [
        (c, s) for c, s in candidates if s == "prose"
    ]
    strong = [
        c
        for c, s in candidates
        if s in _STRONG and not _AGENCY.search(c) and not (s == "signature" and domains)
    ]  # "Director of Product, Payments"
    legal = [c for c, s in candidates if s == "legal" and not _AGENCY.search(c)]
    if legal and domains:  # the footer's legal name beats a domain no candidate matches
        return legal[0], candidates
    if strong:
        return strong[0], candidates
    if domains:
        written = _written_form(domains[0], body_text(message, events)) or _written_form(
            domains[0], QUOTE_MARKS.sub("", message.text[:20000])
        )  # the thread's signature writes it: "Talent Partner | Waimea Solar"
        return written or company_from_domain(domains[0]), candidates
    return next((c for c, _s in candidates if not _AGENCY.search(c)), ""), candidates


def agency_domains(
    message: MailMessage, events: list[CalEvent], me: frozenset[str]
) -> frozenset[str]:
    """Domains of staffing agencies: the signature or display name names an agency ("Apex
    Talent Partners") that matches the domain. An agency's people recruit; it is not the
    employer."""
    phrases = _org_phrases(message, events)
    return frozenset(
        d
        for d in _employer_domains(message, events, me)
        if any(_AGENCY.search(c) and matches_domain(c, d) for c in phrases)
    )


def company_labels(
    message: MailMessage, events: list[CalEvent], me: frozenset[str], company: str
) -> frozenset[str]:
    """Folded domain labels of the employer (for telling a company from a person's name)."""
    labels = {
        fold(domain_label(d))
        for d in _employer_domains(message, events, me)
        if not company or matches_domain(company, d)
    }
    return frozenset(label for label in labels if label)


# How a sending platform names itself in the mail it sends for an employer, in the languages
# we read: "Oksana Melnyk via Djinni", "you applied for a job on Glints", "View in Hosco",
# "enviado pela plataforma Sólides", "über rexx versendet", "wysłana z systemu eRecruiter",
# "a Profession.hu rendszerén keresztül". The name that follows (or precedes) is the
# platform's; when it is the sender's domain, that domain is not the employer's.
_NAME = r"(?:the\s+|la\s+|el\s+|o\s+|a\s+)?(?P<after>[^\W\d_][\w.'’&-]{1,30})"
_PLATFORM_NAMED = re.compile(
    r"(?:\b(?:sent|delivered|received|generated|applied|this\s+(?:e-?mail|message|notification))"
    r"\b[^.\n]{0,40}?\b(?:via|through|on|using)|\bpowered\s+by|"
    r"\b(?:view|open|reply|respond|accept)\b[^.\n]{0,30}?\b(?:in|on|via)|"
    r"\benviad[oa]\s+(?:pela|pelo|por|desde|através\s+d[aeo])(?:\s+(?:plataforma|sistema))?|"
    r"\bwysłan[aey]\s+z(?:\s+systemu)?|\binviat[oa]\s+tramite|\bgenerat[oa]\s+(?:\w+\s+){0,2}da[li]?|"
    r"\benvoy[ée]e?\s+(?:via|par|depuis)|\bverstuurd\s+via|\bskickat\s+(?:via|från)|"
    r"\bsendt\s+(?:via|fra)|\b(?:über|via)(?=\s+[\w.-]+\s+(?:\w+\s+)?(?:versendet|verschickt)))\s+"
    + _NAME
    + r"|(?P<before>[^\W\d_][\w.'’&-]{1,30})\s+rendszerén\s+keresztül",
    re.I,
)
_VIA_IN_DISPLAY = re.compile(r"\bvia\s+" + _NAME, re.I)
# A person's display name with their organisation in parentheses: "Aoife Walsh (Joran Analytics)".
_DISPLAY_ORG = re.compile(r"^[^()]{3,60}\(([^\W\d_][^()]{2,60})\)\s*$")


_ADDRESS = re.compile(EMAIL)
# A reply address that carries one conversation's token ("reply+t71850342.k2q9@messages.bayt.com",
# "reply-88127450-5a1e@messages.fuzu.com"), or a relay's reply domain with a token, in the
# languages boards write it ("e55120347.r9k2@respuestas.konzerta.com").
_RELAY_LOCAL = re.compile(
    r"^(?:reply|replies|respond|response|msg|message|conversation|thread|r)[+._-][\w.+-]*\d"
    r"[\w.+-]{3,}@",
    re.I,
)
_RELAY_DOMAIN = re.compile(
    r"@(?:reply|replies|relay|respuestas|respostas|reponses|réponses|antworten|risposte|"
    r"messages?|inbox|mensajes|mensagens)\.",
    re.I,
)


def is_relay_address(address: str) -> bool:
    """A board's or a network's address for one conversation, which reaches a person through
    the platform: never the person's own address."""
    local = address.partition("@")[0]
    return bool(
        _RELAY_LOCAL.match(address) or (_RELAY_DOMAIN.search(address) and re.search(r"\d", local))
    )


def _staff_at(message: MailMessage, label: str) -> bool:
    """Someone writes from the domain with a personal address: its people work there, so it
    is an employer's own domain, whatever sends its mail."""
    addresses = [a.email for a in (*message.reply_to, *message.to, *message.cc) if a.email]
    addresses += [m[0] for m in _ADDRESS.finditer(message.text[:20000])]
    for address in addresses:
        domain = address.lower().rpartition("@")[2]
        if (
            fold(domain_label(domain)) == label
            and not is_no_reply(address)
            and not is_relay_address(address)
        ):
            return True
    return False


@functools.lru_cache(maxsize=64)
def sends_for_others(message: MailMessage, domain: str) -> bool:
    """The sender's `domain` is a platform by the mail's own words: its display name says "X
    via <it>", or the text names it as the system the mail was sent through or the user
    applied on. A new platform needs no line in data/platforms.tsv to be told apart."""
    label = fold(domain_label(domain))
    if len(label) < 3 or _staff_at(message, label):
        return False  # "Jonas Pfeiffer via Oriole Cloud", and jonas.pfeiffer@oriole-robotics.de
    display = message.from_.name or ""
    org = _DISPLAY_ORG.search(display)
    if org and not matches_domain(org[1], domain) and fold(org[1]) != label:
        return True  # "Aoife Walsh (Joran Analytics)" <jobs@mail.hirehive.com>
    found = [*_VIA_IN_DISPLAY.finditer(display)]
    found += _PLATFORM_NAMED.finditer(message.text[-2000:])
    for m in found:
        name = fold(m["after"] or m["before"] or "")
        if name.startswith(label) or (len(name) >= 4 and label.startswith(name)):
            return True
    return False


def _employer_domains(
    message: MailMessage, events: list[CalEvent], me: frozenset[str]
) -> list[str]:
    addresses = [
        *(Address(e.organizer.name, e.organizer.email) for e in events if e.organizer),
        message.from_,
        *message.reply_to,
        *(Address(a.name, a.email) for e in events for a in e.attendees),
    ]
    domains: list[str] = []
    sender = message.from_.domain
    platform = fold(domain_label(sender)) if sender and sends_for_others(message, sender) else ""
    for address in addresses:
        domain = company_domain_of([address], me)
        if domain and domain not in domains and not signals.ROOM_NAMES.search(address.email):
            if platform and fold(domain_label(domain)) == platform:
                continue  # the platform's own addresses: cake.me, and its relay reply.cake.me
            domains.append(domain)
    return domains


def _person_names(
    message: MailMessage,
    events: list[CalEvent],
    me: frozenset[str],
    my_names: frozenset[str],
    domains: Iterable[str] = (),
) -> frozenset[str]:
    """Folded names of people in the message, the user first: none of them is the company."""
    names = {fold(n) for n in my_names}
    addresses: list[Address] = [*message.to, *message.cc, message.from_, *message.reply_to]
    for event in events:
        if event.organizer:
            addresses.append(Address(event.organizer.name, event.organizer.email))
        addresses.extend(Address(a.name, a.email) for a in event.attendees)
    for address in addresses:
        name = normalize_name(address.name)
        if _company_display(address, domains) and address.email not in me:
            continue
        if (name and leading_name(name) == name) or (address.email in me and name):
            names.add(fold(name))
    names.update(fold(m[0]) for m in mentions(body_text(message, events)) if m[3] != "with")
    return frozenset(n for n in names if n)


def company_key(name: str) -> str:
    """A company's name folded, without its legal form: "Rathmines Analytics Ltd." ->
    "rathminesanalytics"; the key `names_a_company` looks for."""
    return fold(_LEGAL_FORM.sub("", name.strip()))


_SHORTEST_KEY = 6  # "Ulin" would be found inside other words once folded


def names_a_company(text: str, keys: Iterable[str]) -> bool:
    """The text names one of the companies `keys` (from `company_key`): "it's Aoife from
    Rathmines Analytics", in a text message relayed by a phone service."""
    folded = fold(text)
    return any(len(key) >= _SHORTEST_KEY and key in folded for key in keys)
