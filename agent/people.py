"""Who an interview is with: interviewers, the recruiter or coordinator, and the organizer.

Pure functions over a `MailMessage` and its calendar events (iTIP, RFC 5546: ORGANIZER and
ATTENDEE with CUTYPE and ROLE). People come from three places, merged into one list: the
invite's organizer and attendees, names written in the text ("Interviewers: A, B", itinerary
lines, "with Oliver Grant (Head of Design)"), and the sender, Reply-To or signature. The user,
rooms and resources, group calendars and no-reply senders are never people. Titles decide roles:
a recruiter, talent partner or coordinator is the recruiter; everyone else the candidate meets is
an interviewer; an untitled organizer who does not take part only organizes. A recruiter who runs
a screen alone is listed twice, as recruiter and as interviewer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from agent import signals
from agent.model import Address, Attendee, CalEvent, MailMessage, Person, PersonRole
from agent.prose import QUOTE_HEADER

RECRUITER_TITLE = re.compile(
    rf"{signals.RECRUITER_TITLES.pattern}|reclut|recrut|personalreferent|people\s+operations|"
    r"scheduling|scheduler|assistant",
    re.I,
)


_MAX_TEXT = 64_000  # characters of one body or description read for names
_MAX_PEOPLE = 60  # nobody meets more; a longer list is not an interview panel


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words of job titles and departments ("Data Platform Manager", "Reclutadora").
_TITLE_WORDS = _words("""
    engineer engineering manager management director lead leader head senior sr staff principal
    vp svp evp chief cto ceo cfo coo cpo ciso president founder co-founder cofounder recruiter
    recruiting recruitment coordinator partner talent acquisition scientist designer design
    developer architect analyst analytics product officer associate intern specialist consultant
    sourcer people hr team department group platform data software research researcher operations
    ops security sales marketing member technical tech hiring interviewer interviewers panel
    organizer organiser optional guests guest attendees candidate assistant executive
    talento recrutement personal líder técnico técnica ingeniero ingeniera reclutadora reclutador
    desarrollador desarrolladora gerente jefe jefa responsable directeur directrice ingénieur
    ingénieure leiter leiterin entwickler entwicklerin
""")
# German compounds ending in a job word: "Teamleiterin", "Softwareentwickler".
TITLE_COMPOUND = re.compile(
    r"[^\W\d_]{3,}(?:leiter|entwickler|ingenieur|referent|berater|techniker|informatiker|"
    r"manager|architekt|analyst|spezialist|koordinator|assistent|programmierer|"
    r"wissenschaftler|konstrukteur|elektroniker|mechatroniker|designer)(?:in|innen)?",
    re.I,
)
# Words that are never part of a person's name: organisations, meetings, dates, greetings.
_NOT_NAME_WORDS = _TITLE_WORDS | _words("""
    labs lab inc llc ltd gmbh corp corporation company co technologies technology systems
    solutions health media bio capital ventures studio studios energy genomics fintech aerospace
    audio networks cloud bank holdings university institute foundation careers jobs calendar
    interview screen call chat meeting zoom google meet teams microsoft webex office room
    amazon chime facetime whereby bluejeans skype
    the our your my their his her this that with and from for at of on in to by via
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december today tomorrow
    hi hello hey dear hola bonjour hallo ciao thanks best regards cheers time eastern pacific
    central mountain standard daylight hq headquarters campus floor reception lobby
    event type date location when where invitee invitees questions topic agenda format
    entrevistador entrevistadora entrevistadores entrevistadoras gesprächspartner
    gesprächspartnerin gesprächspartnerinnen interlocuteur interlocuteurs intervistatori
    gesprekspartner gesprekspartners teilnehmer participantes participants staff host
    data horário quando onde local fecha hora lugar termin datum uhrzeit ort wann
    heure lieu quand
    review conversation discussion session presentation lunch breakfast dinner tour visit talk
    seminar debrief coffee welcome wrap-up
    estará estarán será serán participará participarán
""")
_PARTICLES = frozenset({"van", "von", "de", "da", "del", "der", "di", "le", "la", "du", "dos",
                        "das", "den", "ter", "ten", "bin", "al", "el", "y"})
# Courtesy and academic titles before a name ("Prof. Lin Zhao"); a word that may also be a
# first name ("Dean") only before two more words ("Dean Robert Achterberg").
_HONORIFICS = re.compile(
    r"^(?:(?:dr|mr|mrs|ms|mx|prof|professor|sir|dame)\.?|"
    r"(?:dean|provost|chancellor)(?=\s+[^\W\d_][\w'’-]*\s+[^\W\d_]))\s+",
    re.I,
)
_PRONOUNS = re.compile(r"\s*\((?:she|he|they|ze|xe)/\w+(?:/\w+)?\)", re.I)
_EMAIL = r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_TIME = r"\d{1,2}(?:[:.]\d{2})?[ \t]*(?:[ap]\.?m\.?)?"
_SCHEDULE_LINE = re.compile(  # horizontal space only: a \s* could run across every line
    rf"^[ \t]*(?:[-•*][ \t]*)?(?<!\d){_TIME}[ \t]*(?:[-–—]|to)[ \t]*{_TIME}"
    rf"(?:[ \t]*(?-i:[A-Z]{{2,4}})\b)?[ \t]+(?P<rest>\S.*)$",  # "EDT", never "Sam"
    re.M | re.I,
)
# "Interviewers: A, B", a table row "Entrevistadores<TAB>A", or the label over a list.
_LIST_HEAD = re.compile(
    r"(?:^|\n)[^\n]*?\b(?:interviewers?(?:\(s\))?|interview\s+panel|panel(?:ists)?|"
    r"entrevistador(?:es|as?)?|gesprächspartner(?:in|innen)?|gesprekspartners?|"
    r"interlocut(?:eur|rice)s?|intervistatori|"
    r"you(?:'ll|\s+will)\s+(?:be\s+)?(?:meet|meeting|speak|speaking|talk|talking)(?:\s+with)?|"
    r"vous\s+(?:échangerez|rencontrerez|parlerez|discuterez|serez\s+reçue?)(?:\s+avec)?|"
    r"(?:hablarás|conversarás|te\s+reunirás|conocerás)(?:\s+con)?|te\s+entrevistar[áa]n?|"
    r"sie\s+(?:sprechen|treffen)(?:\s+mit)?|(?:incontrerai|parlerai|conoscerai)(?:\s+con)?)"
    r"[ \t]*(?::|\t)[ \t]*(?P<rest>[^\n]*)",
    re.I,
)
_MAX_LIST_LINES = 12  # lines read under a list's label
_BULLET = re.compile(r"^[ \t]*(?:[-•*]|\d{1,2}[.)])[ \t]+(?P<item>\S.*)$")
_WITH = re.compile(
    r"\b(?:with|avec|con|mit|(?:chaired|conducted|led|hosted|interviewed)\s+by)\s+"
    r"(?:our\s+|your\s+|the\s+|nuestro\s+|nuestra\s+)?"
    r"(?=(?P<rest>(?:[^\n.;!?]|\.(?=\S)|(?<=\bDr)\.|(?<=\bProf)\.|(?<=\bM[rsx])\.|"
    r"(?<=\bMrs)\.){3,200}))",  # a lookahead: "conducted by a panel chaired by X" finds X
)
_PAREN = re.compile(r"\((?P<inner>[^()\n]{2,80})\)")
_NAME_IN_PARENS = re.compile(r"\((?P<name>[^\W\d_][^,()\n]{2,60}),\s*(?P<title>[^()\n]{2,80})\)")
_RECRUITER_CONTEXT_AFTER = re.compile(
    r"^\s*(?:\([^)]*\)\s*)?(?:,\s*)?(?:from|of|on)\s+(?:our|the)?\s*(?:[\w-]+\s+){0,2}?"
    r"(?:recruit\w*|talent\w*|people|hr|coordinat\w*|hiring\s+team|sourcing)",
    re.I,
)
_RECRUITER_CONTEXT_BEFORE = re.compile(
    r"(?:recruiter|coordinator|recruiting\s+(?:partner|contact)|point\s+of\s+contact)"
    r"(?:\s+(?:is|will\s+be))?\s*[,:]?\s*$",
    re.I,
)
_SCREEN = re.compile(
    r"phone\s+(?:screen|interview|call)|recruiter\s+(?:call|screen|chat|conversation)|"
    r"screening\s+call|will\s+call\s+you|"
    r"intro(?:ductory)?\s+(?:call|chat)|initial\s+(?:call|chat|conversation)|"
    r"(?:our|a)\s+(?:\d+[-\s]minute\s+)?(?:quick\s+)?(?:call|chat)\b|first\s+call",
    re.I,
)
# A stage a recruiter runs by name ("Initial Recruiter Screen"): its one interviewer recruits.
_RECRUITER_RUN = re.compile(
    r"\b(?:recruiter|recruiting|talent(?:\s+acquisition)?)\s+(?:phone\s+)?(?:screen(?:ing)?|call|"
    r"chat|conversation|interview)\b|\b(?:screen|call|chat)\s+with\s+(?:a|the|our)\s+recruiter\b",
    re.I,
)
_TAKES_PART = re.compile(
    r"\bwith\s+me\b|\bjoin\s+(?:me|us)\b|\bme\s+and\b|\bour\s+(?:conversation|chat|call|"
    r"discussion|interview)\b|look(?:ing)?\s+forward\s+to\s+(?:talking|speaking|chatting|"
    r"meeting\s+you|our)|\bI(?:'ll|\s+will)\s+(?:call|interview)\b",
    re.I,
)
_BOILERPLATE = re.compile(
    r"^(?:guests|invitados|invités|gäste|participants|teilnehmer|view\s+all\s+guest\s+info|"
    r"reply\s+for\s|invitation\s+from\s+google\s+calendar|_{20,}|-::~)",
    re.I | re.M,
)


def fold(text: str) -> str:
    """Lower case without accents or punctuation: "José Núñez" -> "josenunez"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c)).lower()


def normalize_name(name: str) -> str:
    """A display name as a greeting would use it: "Núñez, José" -> "José Núñez"; no "Dr.",
    pronouns, quotes or addresses."""
    name = _PRONOUNS.sub("", name or "")
    name = re.sub(r"\s+", " ", name).strip(" \t\"'<>")
    name = re.sub(r"\s*\([^()]*\)$", "", name)  # "Villanueva, Marcus (OHC)": an org, not a name
    if "@" in name:
        return ""
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        if first and last and _is_name_tokens(f"{first} {last}".split()):
            name = f"{first} {last}"
    return _HONORIFICS.sub("", name).strip()


def _is_name_word(token: str) -> bool:
    if not token or not token[0].isupper() or token.lower() in _NOT_NAME_WORDS or (
        TITLE_COMPOUND.fullmatch(token)
    ):
        return False
    letters = token.replace("'", "").replace("’", "").replace("-", "")
    if not letters.isalpha():
        return False
    return len(letters) == 1 or any(c.islower() for c in letters[1:])


def _is_name_tokens(tokens: list[str]) -> bool:
    words = [t for t in tokens if t.lower() not in _PARTICLES]
    return (
        2 <= len(words) <= 4 and all(_is_name_word(t) for t in words)
        and _is_name_word(tokens[0]) and _is_name_word(tokens[-1])
    )


def leading_name(span: str) -> str:
    """The person's name a span of prose starts with, or "": two to four capitalised words
    (particles such as "van" or "de" between them), stopping at punctuation, titles and
    lower-case words. "Hannah Lee. I'll hop on" -> "Hannah Lee"; "Tobias. We'll" -> ""."""
    tokens: list[str] = []
    for raw in span.split():
        token = raw.strip("\"“”")
        end = token[-1:] in (".", ",", ";", ":", "!", "?", ")")
        word = token.rstrip(".,;:!?)")
        if len(word) == 1 and token.endswith(".") and word.isupper():  # a middle initial
            tokens.append(token)
            continue
        if (word.lower() in _PARTICLES and tokens) or _is_name_word(word):
            tokens.append(word)
        else:
            break
        if end or len(tokens) >= 5:
            break
    while tokens and tokens[-1].lower() in _PARTICLES:
        tokens.pop()
    candidate = tokens[:5]
    for size in range(len(candidate), 1, -1):
        if _is_name_tokens([t.rstrip(".") for t in candidate[:size]]) or (
            _is_name_tokens([t for t in candidate[:size] if not t.endswith(".")])
            and not candidate[size - 1].endswith(".")
        ):
            return " ".join(candidate[:size])
    return ""


def is_title(text: str) -> bool:
    """A job title or department rather than a name: "Data Platform Manager", "CTO"."""
    words = re.findall(r"[^\W\d_][\w'’&/-]*", text)
    if not words:
        return False
    if any(w.lower() in _TITLE_WORDS or TITLE_COMPOUND.fullmatch(w) for w in words):
        return True
    return all(w.isupper() and 2 <= len(w) <= 5 for w in words)


@dataclass
class _Draft:
    name: str
    email: str = ""
    title: str = ""
    recruiter_hint: bool = False
    sources: set[str] = field(default_factory=set)  # host, attendee, text, sender, signature
    participant: bool = True


@dataclass(frozen=True)
class Scene:
    """What the people finder needs to know besides the message."""

    me: frozenset[str]
    my_names: frozenset[str] = frozenset()  # lower-cased
    company: str = ""
    company_labels: frozenset[str] = frozenset()  # folded domain labels of the employer
    agencies: frozenset[str] = frozenset()  # domains of staffing agencies: their people recruit


def body_text(message: MailMessage, events: list[CalEvent]) -> str:
    """The message's own words and the invite descriptions, without quoted replies and the
    calendar producer's guest list and footer."""
    parts = [message.text[:_MAX_TEXT], *(e.description[:_MAX_TEXT] for e in events[:5])]
    kept: list[str] = []
    for part in parts:
        for cut in (QUOTE_HEADER.search(part), _BOILERPLATE.search(part)):
            if cut:
                part = part[:cut.start()]
        lines = [line for line in part.splitlines() if not line.lstrip().startswith(">")]
        kept.append("\n".join(lines))
    return "\n\n".join(kept)


def quoted_text(message: MailMessage) -> str:
    """The earlier messages a reply quotes ("> ..." lines and what follows "On ... wrote:")."""
    match = QUOTE_HEADER.search(message.text)
    tail = message.text[match.end():] if match else ""
    quoted = [line.lstrip()[1:] for line in message.text.splitlines()
              if line.lstrip().startswith(">")]
    return "\n".join([*(q.lstrip(">") for q in quoted), *(
        line for line in tail.splitlines() if not line.lstrip().startswith(">"))])


def _split_people_list(segment: str) -> list[tuple[str, str, str]]:
    """`A (Title), B and C, Title` -> [(name, email, title)], titles attached to the name
    before them (or, written first, to the name after them)."""
    found: list[tuple[str, str, str]] = []
    pending_title = ""
    segment = re.sub(r"^[a-z][a-z -]{0,30}:\s+", "", segment)  # "faculty: A and B"
    pieces = re.split(r",(?![^()]*\))|;|\s+(?:and|y|et|und|&)\s+", segment)
    for piece in pieces:
        piece = piece.strip(" \t-–—:")
        if not piece:
            continue
        inner = re.search(r"[(<\[]\s*([^)>\]]*)\s*[)>\]]", piece)
        inner_text = inner.group(1).strip() if inner else ""
        head = _HONORIFICS.sub("", piece[:inner.start()] if inner else piece)
        if piece.lower() in ("me", "us", "myself", "mí", "moi", "mir"):
            continue
        name = leading_name(head)
        if name and fold(name) == fold(head):
            email = inner_text.lower() if re.fullmatch(_EMAIL, inner_text) else ""
            title = "" if email or not inner_text else inner_text
            found.append((name, email, title or pending_title))
            pending_title = ""
            continue
        if name:  # a name followed by other words ends the list
            found.append((name, "", pending_title))
            break
        if is_title(piece) and len(piece) <= 60:
            if found and not found[-1][2]:
                last = found[-1]
                found[-1] = (last[0], last[1], piece)
            elif not found:
                pending_title = re.sub(r"^(?:our|your|the)\s+", "", piece, flags=re.I)
            continue
        break
    return found


def mentions(text: str) -> list[tuple[str, str, str, str]]:
    """(name, email, title, how) for every person the text names; how is "list", "with",
    "paren" or "signature"."""
    mentions: list[tuple[str, str, str, str]] = []
    for match in _LIST_HEAD.finditer(text):
        rest = match.group("rest").strip()
        if rest:
            mentions.extend((*p, "list") for p in _split_people_list(rest))
            continue
        for line in text[match.end():].lstrip("\n").splitlines()[:_MAX_LIST_LINES]:
            bullet = _BULLET.match(line)  # "- Jane Doe" or an indented "   Jane Doe, Title"
            item = bullet.group("item") if bullet else line if line[:1] in (" ", "\t") else ""
            people = _split_people_list(item) if item.strip() else []
            if not people:
                break
            mentions.extend((*p, "list") for p in people)
    for match in _SCHEDULE_LINE.finditer(text):
        rest = match.group("rest")
        with_match = re.search(r"\b(?:with|con|avec|mit)\s+(.*)$", rest)
        listed = _split_people_list(with_match.group(1)) if with_match else []
        if listed:
            mentions.extend((*p, "list") for p in listed)
            continue
        # "Lunch with the team   Jane Doe, Engineer": a "with" naming nobody, then the column
        segments = [s for s in re.split(r"\s{2,}|\t|\s[-–—|]\s", rest) if s.strip()]
        for segment in reversed(segments[1:] if len(segments) > 1 else segments):
            people = _split_people_list(segment)
            if people:
                mentions.append((*people[0], "list"))
                break
    for match in _WITH.finditer(text):
        mentions.extend((*p, "with") for p in _split_people_list(match.group("rest")))
    for match in _NAME_IN_PARENS.finditer(text):
        name = leading_name(match.group("name"))
        if name and fold(name) == fold(match.group("name")):
            mentions.append((name, "", match.group("title").strip(), "paren"))
    for match in _PAREN.finditer(text):
        line_start = text.rfind("\n", max(0, match.start() - 80), match.start()) + 1
        before = text[max(line_start, match.start() - 80):match.start()]
        name = _trailing_name(before)
        inner = match.group("inner").strip()
        email = inner.lower() if re.fullmatch(_EMAIL, inner) else ""
        if name and (email or is_title(inner)):
            mentions.append((name, email, "" if email else inner, "paren"))
    mentions.extend(_signature(text))
    return mentions


def _trailing_name(span: str) -> str:
    """The name a span ends with: "will join. Amy Chen" -> "Amy Chen"; a table's label
    column ("Interviewers<TAB>Amy Chen") is not part of it."""
    tokens = span.rpartition("\t")[2].split()
    for start in range(max(0, len(tokens) - 5), len(tokens) - 1):
        candidate = " ".join(tokens[start:])
        if start and tokens[start - 1].lower() in ("of", "for", "für"):
            continue  # "Director of Clinical Informatics": the end of a title
        if leading_name(candidate) == candidate:
            return candidate
    return ""


def _signature(text: str) -> list[tuple[str, str, str, str]]:
    """The signer: a line that is only a name, with the title on the same line after a comma
    or on the next line ("Rachel Kim (she/her)" / "Recruiting Coordinator | Northwind")."""
    lines = [line.strip() for line in text.strip().splitlines()]
    found: list[tuple[str, str, str, str]] = []
    for index, line in enumerate(lines):
        line = _PRONOUNS.sub("", line.lstrip("-– ")).strip()
        if not line:
            continue
        head, _, tail = line.partition(",")
        name = leading_name(head)
        if not name or name != head.strip():
            continue
        if tail.strip():
            title = tail.strip()
        elif index + 1 < len(lines) and lines[index + 1]:
            title = lines[index + 1]
        else:
            continue
        title = re.split(r"\s*[|•·]\s*|\s+at\s+|,\s*(?=[^,]*$)", title)[0].strip()
        if is_title(title) and not re.match(r"[^:]{1,30}:\s", title):  # not "Interviewer: A"
            found.append((name, "", title, "signature"))
    return found


def title_line_after(text: str, name: str) -> str:
    """The whole line under a signer's name ("Talent Partner, Tidewater Analytics")."""
    lines = [line.strip() for line in text.splitlines()]
    for index, line in enumerate(lines[:-1]):
        if fold(_PRONOUNS.sub("", line.lstrip("-– "))) == fold(name):
            return lines[index + 1]
        if "," in line and fold(line.lstrip("-– ").split(",")[0]) == fold(name):
            return line.split(",", 1)[1].strip()
    return ""


def _recruiter_context(name: str, text: str) -> bool:
    for match in re.finditer(re.escape(name), text):
        after = text[match.end():match.end() + 80]
        before = text[max(0, match.start() - 60):match.start()]
        if _RECRUITER_CONTEXT_AFTER.match(after) or _RECRUITER_CONTEXT_BEFORE.search(before):
            return True
    return False


def _usable(email: str, me: frozenset[str]) -> bool:
    return bool(email) and email not in me and not signals.is_no_reply(email) and not (
        signals.ROOM_NAMES.search(email)
    ) and not signals.domain_matches(email.rpartition("@")[2], (
        "group.calendar.google.com", "resource.calendar.google.com", "calendar.google.com"))


def _is_room(attendee: Attendee) -> bool:
    return attendee.cutype.upper() in ("ROOM", "RESOURCE") or bool(
        signals.ROOM_NAMES.search(f"{attendee.name} {attendee.email}")
    )


def _matches(draft: _Draft, name: str, email: str) -> bool:
    if email and draft.email:
        return email == draft.email
    if not name and not email:
        return False
    if name and draft.name and fold(draft.name) == fold(name):
        return True
    if email and not draft.email and not name:
        address, other = email, draft.name
    elif draft.email and not draft.name:
        address, other = draft.email, name
    else:
        return False
    if not other:
        return False
    local = [fold(p) for p in re.split(r"[._-]", address.partition("@")[0]) if p]
    words = [fold(w) for w in other.split()]
    if len(local) >= 2:
        return local[0] == words[0] and local[-1] == words[-1]
    return bool(local) and local[0] in (words[0], words[0][:1] + words[-1], words[0] + words[-1])


class _Roster:
    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self.drafts: list[_Draft] = []

    def excluded(self, name: str, email: str) -> bool:
        if email and email in self.scene.me:
            return True
        folded = fold(name)
        if not folded:
            return not email
        if name.lower() in self.scene.my_names or folded in {fold(n) for n in self.scene.my_names}:
            return True
        if self.scene.company and folded == fold(self.scene.company):
            return True
        if any(folded.startswith(label) or label.startswith(folded)
               for label in self.scene.company_labels if len(label) >= 4):
            return True
        return bool(signals.ROOM_NAMES.search(name))

    def add(self, name: str, email: str, title: str = "", source: str = "text",
            participant: bool = True) -> _Draft | None:
        name = normalize_name(name)
        email = email.lower()
        if self.excluded(name, email) or len(self.drafts) >= _MAX_PEOPLE:
            return None
        words = fold(name) and [fold(w) for w in name.split()]
        for draft in self.drafts:
            if _matches(draft, name, email) or (
                words and draft.name and not email and len(words) > len(draft.name.split()) >= 2
                and words[-len(draft.name.split()):] == [fold(w) for w in draft.name.split()]
            ):  # "Estará Javier Solís" is the attendee Javier Solís, a word glued before

                draft.email = draft.email or email
                draft.name = draft.name or name
                draft.title = draft.title or title
                draft.sources.add(source)
                draft.participant = draft.participant and participant
                return draft
        draft = _Draft(name, email, title, sources={source}, participant=participant)
        self.drafts.append(draft)
        return draft


def find_people(
    message: MailMessage, events: list[CalEvent], scene: Scene
) -> list[Person]:
    """Everyone on the company's side of one interview, each with a role."""
    text = body_text(message, events)
    mine = [message.from_ if message.is_sent else None, *message.to, *message.cc,
            *(a for e in events for a in e.attendees)]
    own = {normalize_name(a.name).lower() for a in mine if a and a.email in scene.me and a.name}
    scene = replace(scene, my_names=scene.my_names | (own - {""}))
    roster = _Roster(scene)
    trusted = _trusted_domains(message, events, scene)
    host: _Draft | None = None
    for event in events:
        organizer = event.organizer
        if organizer and _usable(organizer.email, scene.me) and not _is_room(organizer):
            host = roster.add(organizer.name, organizer.email, source="host") or host
        for attendee in event.attendees:
            if _is_room(attendee) or not _usable(attendee.email, scene.me):
                continue
            roster.add(attendee.name, attendee.email, source="attendee",
                       participant=attendee.role.upper() != "NON-PARTICIPANT")
    ats = any(signals.domain_matches(a.domain, signals.ATS_DOMAINS)
              for a in (message.from_, *([message.sender] if message.sender else [])))
    sender = _sender(message, scene.me)
    replier: _Draft | None = None
    if sender is not None:
        source = "replyto" if ats or sender.email != message.from_.email else "sender"
        replier = roster.add(sender.name, sender.email, source=source)
        if host is None and not events:
            host = replier
    for name, email, title, how in mentions(text):
        if email and email.rpartition("@")[2] not in trusted:
            email = ""
        roster.add(name, email, title, source="signature" if how == "signature" else "text")
    new_words = {fold(w) for w in re.findall(r"[^\W\d_]+", text)}
    earlier = quoted_text(message)
    for name, email, title, how in mentions(earlier) if earlier else []:
        if how != "signature" and fold(name.split()[0]) in new_words:  # still in the story
            if email and email.rpartition("@")[2] not in trusted:
                email = ""
            roster.add(name, email, title, source="text")
    for match in re.finditer(_EMAIL, f"{text}\n{earlier}"):
        email = match.group().lower()
        if email.rpartition("@")[2] in trusted and not any(d.email == email for d in roster.drafts):
            for draft in roster.drafts:
                if not draft.email and _matches(draft, "", email):
                    draft.email = email
                    break
            else:
                name = _name_before_address(f"{text}\n{earlier}", match.start(), email)
                if name:  # "contact Colleen Murphy at colleen.murphy@...": a contact, not a panel
                    roster.add(name, email, source="text", participant=False)
    _addresses_for_names(roster, message, trusted)
    firsts = [fold(d.name.split()[0]) for d in roster.drafts if d.name]
    for draft in roster.drafts:
        if not draft.title:
            first = draft.name.split()[0] if draft.name else ""
            unique = bool(first) and firsts.count(fold(first)) == 1
            draft.title = _title_from_text(draft.name, text) or (
                _title_from_text(first, text) if unique else "")
        draft.recruiter_hint = bool(
            RECRUITER_TITLE.search(draft.title) or (draft.name and _recruiter_context(
                draft.name, text)) or RECRUITER_TITLE.search(draft.email.partition("@")[0])
        ) or (draft is replier and ats) or draft.email.rpartition("@")[2] in scene.agencies
    return _assign_roles(roster.drafts, host, replier, text, message, events)


def _addresses_for_names(roster: _Roster, message: MailMessage, trusted: frozenset[str]) -> None:
    """A person the text names who is also a recipient ("with Rohan Mehta", Cc: Rohan Mehta
    <rohan.mehta@...>) gets that address; a recipient the text does not name is not added."""
    for address in (*message.to, *message.cc):
        email = address.email.lower()
        if not _usable(email, roster.scene.me) or email.rpartition("@")[2] not in trusted or any(
            d.email == email for d in roster.drafts
        ):
            continue
        name = normalize_name(address.name)
        named = [d for d in roster.drafts if not d.email and d.name and (
            _matches(d, name, email) if name else _matches(d, "", email))]
        if len(named) == 1:
            named[0].email = email


def _name_before_address(text: str, at: int, email: str) -> str:
    """The person an address belongs to when the same sentence names them just before it
    ("your recruiter, Colleen Murphy, at colleen.murphy@..."): the nearest name whose words
    the address's local part spells."""
    start = max(text.rfind("\n", 0, at) + 1, at - 120)
    span = text[start:at]
    probe = _Draft("", email)
    for found in reversed(list(re.finditer(r"(?<![\w'’-])[^\W\d_]", span))):
        name = leading_name(span[found.start():])
        if name and _matches(probe, name.rstrip("."), ""):
            return name.rstrip(".")
    return ""


def _title_from_text(name: str, text: str) -> str:
    if not name:
        return ""
    match = re.search(r"(?<!\w)" + re.escape(name) + r"\s*(?:\(|,\s*)(?P<t>[^()\n,]{2,60})",
                      text)
    if match and is_title(match.group("t")):
        return re.split(r"\s+at\s+", match.group("t"))[0].strip()
    line = title_line_after(text, name)
    title = re.split(r"\s*[|•·]\s*|\s+at\s+|,\s*(?=[^,]*$)", line)[0].strip() if line else ""
    return title if title and is_title(title) else ""


def _assign_roles(
    drafts: list[_Draft], host: _Draft | None, replier: _Draft | None, text: str,
    message: MailMessage, events: list[CalEvent],
) -> list[Person]:
    people: list[Person] = []
    for draft in drafts:
        if draft.recruiter_hint:
            role = PersonRole.RECRUITER
        elif draft is host:
            role = PersonRole.INTERVIEWER if draft.title or _TAKES_PART.search(text) else (
                PersonRole.ORGANIZER)
        elif draft is replier and "text" not in draft.sources and "attendee" not in draft.sources:
            role = PersonRole.RECRUITER
        elif not draft.participant or (not draft.name and "attendee" not in draft.sources):
            continue
        else:
            role = PersonRole.INTERVIEWER
        people.append(Person(draft.name, draft.email, role, draft.title))
    interviewers = [p for p in people if p.role == PersonRole.INTERVIEWER]
    if not interviewers:
        people = [replace(p, role=PersonRole.INTERVIEWER) if p.role == PersonRole.ORGANIZER
                  else p for p in people]
        interviewers = [p for p in people if p.role == PersonRole.INTERVIEWER]
    recruiters = [p for p in people if p.role == PersonRole.RECRUITER]
    if not recruiters and interviewers:
        people = [replace(p, role=PersonRole.RECRUITER) if p.role == PersonRole.ORGANIZER
                  else p for p in people]  # an organizer who only organizes coordinates
        recruiters = [p for p in people if p.role == PersonRole.RECRUITER]
    if not recruiters and not events and host is not None and host is replier and not (
        host.title
    ):  # a plain-text thread: the untitled writer arranging the time is the contact
        contact = next((p for p in people if p.email and p.email == host.email), None)
        if contact is not None:
            people.append(replace(contact, role=PersonRole.RECRUITER))
            recruiters = [people[-1]]
    heads = " ".join([message.subject, *(e.summary for e in events), text[:1500]])
    if not interviewers and len(recruiters) == 1 and _SCREEN.search(heads):
        people.append(replace(recruiters[0], role=PersonRole.INTERVIEWER))
    titles = " ".join([message.subject, *(e.summary for e in events)])
    if not recruiters and len(interviewers) == 1 and _RECRUITER_RUN.search(titles):
        people.append(replace(interviewers[0], role=PersonRole.RECRUITER))
    return people


def _sender(message: MailMessage, me: frozenset[str]) -> Address | None:
    """The person behind the mail: the sender, else (no-reply, ATS) the Reply-To person."""
    for address in (message.from_, *message.reply_to):
        if _usable(address.email, me) and not signals.domain_matches(
            address.domain, signals.ATS_DOMAINS
        ):
            return address
    for address in message.reply_to:
        if _usable(address.email, me):
            return address
    return None


def _trusted_domains(
    message: MailMessage, events: list[CalEvent], scene: Scene
) -> frozenset[str]:
    """Domains whose addresses may be taken from the text: the sender's, the organizer's,
    the Reply-To's, and any domain the employer's name matches."""
    addresses: list[str] = [message.from_.email, *(a.email for a in message.reply_to)]
    for event in events:
        if event.organizer:
            addresses.append(event.organizer.email)
        addresses.extend(a.email for a in event.attendees)
    domains = {a.rpartition("@")[2] for a in addresses if "@" in a and a not in scene.me}
    domains = {d for d in domains if not signals.domain_matches(d, signals.GENERIC_DOMAINS)}
    for email in re.findall(_EMAIL, message.text):
        domain = email.rpartition("@")[2].lower()
        label = fold(domain.split(".")[0])
        if len(label) >= 4 and label in scene.company_labels | {fold(scene.company)}:
            domains.add(domain)
    return frozenset(domains)


def names_of(addresses: Iterable[Address]) -> set[str]:
    return {normalize_name(a.name).lower() for a in addresses if a.name}
