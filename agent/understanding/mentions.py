"""Names written in text: who a message's prose and an invite's description name.

Pure functions over strings. The places a name is written are an "Interviewers:" label and the
list under it, an itinerary's schedule lines, "with X" / "led by X", a name with its title in
parentheses, and the signature; `mentions` returns each as (name, email, title, how). What the
text writes beside a name is read here too: its title, or that the person recruits. Quoted
replies and a calendar producer's guest list and footer are not the message's own words.
"""

from __future__ import annotations

import re

from agent.model import CalEvent, MailMessage
from agent.understanding.names import HONORIFICS, PRONOUNS, fold, is_title, leading_name
from agent.understanding.phrases.prose import QUOTE_HEADER

_MAX_TEXT = 64_000  # characters of one body or description read for names
EMAIL = r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_TIME = r"\d{1,2}(?:[:.]\d{2})?[ \t]*(?:[ap]\.?m\.?)?"
_SCHEDULE_LINE = re.compile(  # horizontal space only: a \s* could run across every line
    rf"^[ \t]*(?:[-•*][ \t]*)?(?<!\d){_TIME}[ \t]*(?:[-–—]|to)[ \t]*{_TIME}"
    rf"(?:[ \t]*(?-i:[A-Z]{{2,4}})\b)?(?:[ \t]*[-–—|,])?[ \t]+(?P<rest>\S.*)$",  # "EDT", not "Sam"
    re.M | re.I,
)
# "Interviewers: A, B", a table row "Entrevistadores<TAB>A", or the label over a list.
_LIST_HEAD = re.compile(
    r"(?:^|\n)[^\n]*?\b(?:interviewers?(?:\(s\))?|interview\s+panel|panel(?:ists)?|"
    r"entrevistador(?:es|as?)?|gesprächspartner(?:in|innen)?|gesprekspartners?|"
    r"(?<![\w ])(?:with|avec|con|com|mit|met\s+wie|med|host(?:ed\s+by)?)(?=[ \t]*:)|"
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
    r"\b(?:with|avec|con|com|mit|(?:chaired|conducted|led|hosted|interviewed)\s+by|"
    # "conduzida pela Dra. Célia Machava", "conducida por", "menée par", "condotto da"
    r"(?:conduzid[ao]|conducid[ao]|conduit[e]?|men[ée]e?|condott[ao]|geführt|durchgeführt|"
    r"reçue?|reçu\(e\)|accueillie?|accueilli\(e\))\s+"
    r"(?:pel[ao]s?|por|par|da|von)|"
    # "Us entrevistaran la Sra. Pujol", "te entrevistará Jorge", "Rozmowę poprowadzą"
    r"(?i:(?:us|et|te|le|les|vos)\s+entrevistar(?:à|a|an|án|ão)|rozmowę\s+poprowadz[ąi]|"
    r"(?:je|u)\s+spreekt\s+met|vous\s+serez\s+reçue?\s+par)|"
    r"(?i:you(?:'ll|\s+will)\s+(?:meet|be\s+meeting)|vous\s+(?:rencontrerez|verrez)|"
    r"conocerás|incontrerai|conhecerá|conhecerás|sie\s+treffen|sie\s+lernen|"
    r"du\s+(?:kommer\s+att\s+)?träffa|du\s+(?:skal\s+)?(?:møde|møte|treffe)|"
    r"(?:je|u)\s+(?:spreekt|ontmoet)(?:\s+met)?))\s+"
    r"(?:our\s+|your\s+|the\s+|nuestro\s+|nuestra\s+|a\s+|o\s+|la\s+|le\s+|il\s+|nossa\s+|"
    r"nosso\s+|notre\s+|nostro\s+|nostra\s+|unsere[mnr]?\s+)?"
    r"(?=(?P<rest>(?:[^\n.;!?]|\.(?=\S)|(?<=\bDr)\.|(?<=\bProf)\.|(?<=\bM[rsx])\.|"
    # a lookahead: "conducted by a panel chaired by X" finds X
    r"(?<=\bMrs)\.|(?<=\bMme)\.|(?<=\bSr)\.|(?<=\bSra)\.|(?<=\b[A-Z])\.|"
    # any short capitalised title before a name: "Dra. Célia", "Eng. Hélder", "Lic. Rosa"
    r"(?:(?<=\b[A-Z][a-z])|(?<=\b[A-Z][a-z]{2}))\.(?=\s[A-ZÀ-Þ])){3,200}))",
)
# A line a mail client wrapped inside a sentence ("... et M. Karim" / "Benali, Lead ..."): a
# long line, then a line that goes on with a word (not a bullet, a label or a new paragraph).
_UNWRAPPED_LINE = re.compile(r"(?<=[^\n]{50})\n(?=[ \t]{0,2}[^\W\d_][^\n:]{0,30}(?:[,.\s]|$))")


def unwrapped(text: str) -> str:
    """`text` with the lines a mail client wrapped inside a sentence joined again."""
    return _UNWRAPPED_LINE.sub(" ", text)


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
_BOILERPLATE = re.compile(
    r"^(?:guests|invitados|invités|gäste|participants|teilnehmer|view\s+all\s+guest\s+info|"
    r"reply\s+for\s|invitation\s+from\s+google\s+calendar|_{20,}|-::~)",
    re.I | re.M,
)


def body_text(message: MailMessage, events: list[CalEvent]) -> str:
    """The message's own words and the invite descriptions, without quoted replies and the
    calendar producer's guest list and footer."""
    parts = [message.text[:_MAX_TEXT], *(e.description[:_MAX_TEXT] for e in events[:5])]
    kept: list[str] = []
    for part in parts:
        for cut in (QUOTE_HEADER.search(part), _BOILERPLATE.search(part)):
            if cut:
                part = part[: cut.start()]
        lines = [line for line in part.splitlines() if not line.lstrip().startswith(">")]
        kept.append("\n".join(lines))
    return "\n\n".join(kept)


def quoted_text(message: MailMessage) -> str:
    """The earlier messages a reply quotes ("> ..." lines and what follows "On ... wrote:")."""
    match = QUOTE_HEADER.search(message.text)
    tail = message.text[match.end() :] if match else ""
    quoted = [
        line.lstrip()[1:] for line in message.text.splitlines() if line.lstrip().startswith(">")
    ]
    return "\n".join(
        [
            *(q.lstrip(">") for q in quoted),
            *(line for line in tail.splitlines() if not line.lstrip().startswith(">")),
        ]
    )


def _split_people_list(segment: str) -> list[tuple[str, str, str]]:
    """`A (Title), B and C, Title` -> [(name, email, title)], titles attached to the name
    before them (or, written first, to the name after them)."""
    found: list[tuple[str, str, str]] = []
    pending_title = ""
    segment = re.sub(r"^[a-z][a-z -]{0,30}:\s+", "", segment)  # "faculty: A and B"
    pieces = re.split(r",(?![^()]*\))|;|\s+(?:and|y|et|und|e|&|och|og|en)\s+", segment)
    for piece in pieces:
        piece = piece.strip(" \t-–—:")
        piece = re.sub(r"^(?:and|y|et|und|e|och|og|en|i|oraz)\s+", "", piece)  # ", et M. Karim"
        piece = re.sub(r"^(?:by|pel[ao]s?|por|par|da|von)\s+", "", piece)  # "e pelo Eng. Hélder"
        piece = re.sub(r"^(?:with|avec|con|com|mit)\s+(?:(?:a|o|la|le|il|the)\s+)?", "", piece)
        if not piece:
            continue
        inner = re.search(r"[(<\[]\s*([^)>\]]*)\s*[)>\]]", piece)
        inner_text = inner.group(1).strip() if inner else ""
        head = HONORIFICS.sub("", piece[: inner.start()] if inner else piece)
        if piece.lower() in ("me", "us", "myself", "mí", "moi", "mir"):
            continue
        name = leading_name(head)
        if name and fold(name) == fold(head):
            email = inner_text.lower() if re.fullmatch(EMAIL, inner_text) else ""
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
    """(name, email, title, how) for every person the text names; how is "list", "row" (a
    schedule's row), "with", "paren" or "signature"."""
    mentions: list[tuple[str, str, str, str]] = []
    for match in _LIST_HEAD.finditer(text):
        rest = match.group("rest").strip()
        if rest:
            mentions.extend((*p, "list") for p in _split_people_list(rest))
            continue
        for line in text[match.end() :].lstrip("\n").splitlines()[:_MAX_LIST_LINES]:
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
        # A row's cells (two spaces, a tab, a dash or a bar between them, or commas): the cell
        # that is one or more people's names ("Samir Haddad & Wen Zhou"), whichever its column
        cells = [c for c in re.split(r"\s{2,}|\t|\s[-–—|]\s|,\s(?=[^\W\d_])", rest) if c.strip()]
        for cell in cells:
            people = _split_people_list(cell)
            if people and all(fold(p[0]) for p in people) and _whole_names(cell, people):
                title = next((c.strip() for c in cells if c is not cell and is_title(c)), "")
                mentions.extend(
                    (name, email, person_title or title, "row")
                    for name, email, person_title in people
                )
                break
    for match in _WITH.finditer(unwrapped(text)):
        mentions.extend((*p, "with") for p in _split_people_list(match.group("rest")))
    for match in _NAME_IN_PARENS.finditer(text):
        name = leading_name(match.group("name"))
        if name and fold(name) == fold(match.group("name")):
            mentions.append((name, "", match.group("title").strip(), "paren"))
    for match in _PAREN.finditer(text):
        line_start = text.rfind("\n", max(0, match.start() - 80), match.start()) + 1
        before = text[max(line_start, match.start() - 80) : match.start()]
        name = _trailing_name(before)
        inner = match.group("inner").strip()
        email = inner.lower() if re.fullmatch(EMAIL, inner) else ""
        if name and (email or is_title(inner)):
            mentions.append((name, email, "" if email else inner, "paren"))
    mentions.extend(_signature(text))
    return mentions


def _whole_names(cell: str, people: list[tuple[str, str, str]]) -> bool:
    """The cell is only names (with honorifics and joining words): "Dr. Imani Greer",
    "Samir Haddad & Wen Zhou", never "Jonah Pereira on Gameplay"."""
    rest = fold(HONORIFICS.sub("", cell))
    for name, _, _ in people:
        rest = rest.replace(fold(name), "", 1)
    return not rest or rest in ("and", "y", "et", "und", "e")


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
        line = PRONOUNS.sub("", line.lstrip("-– ")).strip()
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
        if fold(PRONOUNS.sub("", line.lstrip("-– "))) == fold(name):
            return lines[index + 1]
        if "," in line and fold(line.lstrip("-– ").split(",")[0]) == fold(name):
            return line.split(",", 1)[1].strip()
    return ""


def recruiter_context(name: str, text: str) -> bool:
    for match in re.finditer(re.escape(name), text):
        after = text[match.end() : match.end() + 80]
        before = text[max(0, match.start() - 60) : match.start()]
        if _RECRUITER_CONTEXT_AFTER.match(after) or _RECRUITER_CONTEXT_BEFORE.search(before):
            return True
    return False


def title_from_text(name: str, text: str) -> str:
    if not name:
        return ""
    match = re.search(r"(?<!\w)" + re.escape(name) + r"\s*(?:\(|,\s*)(?P<t>[^()\n,]{2,60})", text)
    if match and is_title(match.group("t")):
        return re.split(r"\s+at\s+", match.group("t"))[0].strip()
    line = title_line_after(text, name)
    title = re.split(r"\s*[|•·]\s*|\s+at\s+|,\s*(?=[^,]*$)", line)[0].strip() if line else ""
    return title if title and is_title(title) else ""
