"""Whether text is a person's name: the words that never are (titles, departments, meetings,
greetings), name particles, honorifics and pronouns, and the tests built on them.

Pure functions over strings. `leading_name` reads the two to four capitalised words a span starts
with, `is_title` tells a job title from a name, `normalize_name` turns a display name into the
form a greeting uses and `fold` gives the accent- and case-free key names are compared by.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from agent.understanding import datafiles


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
    director directora diretor diretora direttore direttrice chefe capo responsabile
    coordenador coordenadora coordinador coordinadora coordinatrice coordinateur analista
    engenheiro engenheira ingegnere sviluppatore sviluppatrice programador programadora
    desenvolvedor desenvolvedora gestor gestora gestionnaire chargé chargée technicien
    recrutadora recrutador selezione risorse humanas humains recursos ressources
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
    heure lieu quand title focus name role team
    gentile gentili caro cara estimado estimada estimados querido querida prezado prezada
    olá cher chère liebe lieber geehrte geehrter hej hoi beste buongiorno buenos días bom dia
    teamleitung leitung leiter leiterin abteilungsleiter abteilungsleiterin bereichsleitung
    review conversation discussion session presentation lunch breakfast dinner tour visit talk
    seminar debrief coffee welcome wrap-up
    live coding pairing pair programming whiteboard deep dive dives case study systems pipeline
    collaboration values culture behavioral behavioural technical break portfolio architecture
    exercise walkthrough demo craft leadership fit values-fit onsite on-site panel final round
    screening overview q&a intro introduction closing kickoff kick-off sync check-in
    hall building center centre auditorium library atrium suite wing tower house court
    estará estarán será serán participará participarán
""")
_PARTICLES = frozenset(
    {
        "van",
        "von",
        "de",
        "da",
        "del",
        "der",
        "di",
        "le",
        "la",
        "du",
        "dos",
        "das",
        "den",
        "ter",
        "ten",
        "bin",
        "al",
        "el",
        "y",
    }
)


# Courtesy and academic titles before a name ("Prof. Lin Zhao", "Pani Agnieszka", "Mtro.
# Jorge"), from data/honorifics.tsv; a word that may also be a first name ("Dean") only before
# two more words ("Dean Robert Achterberg").
def _honorifics() -> str:
    titles = {title for row in datafiles.rows("honorifics") for title in row[1].split()}
    forms = [re.escape(t) if t.endswith(".") else re.escape(t) + r"\.?" for t in titles]
    return "|".join(sorted(forms, key=len, reverse=True))


HONORIFICS = re.compile(
    rf"^(?:(?:{_honorifics()})|"
    r"(?:dean|provost|chancellor)(?=\s+[^\W\d_][\w'’-]*\s+[^\W\d_]))\s+",
    re.I,
)
PRONOUNS = re.compile(r"\s*\((?:she|he|they|ze|xe)/\w+(?:/\w+)?\)", re.I)


@functools.lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower case without accents or punctuation: "José Núñez" -> "josenunez"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c)).lower()


def normalize_name(name: str) -> str:
    """A display name as a greeting would use it: "Núñez, José" -> "José Núñez"; no "Dr.",
    pronouns, quotes or addresses."""
    name = PRONOUNS.sub("", name or "")
    name = re.sub(r"\s+", " ", name).strip(" \t\"'<>")
    name = re.sub(r"\s*\([^()]*\)$", "", name)  # "Villanueva, Marcus (OHC)": an org, not a name
    if "@" in name:
        return ""
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        if first and last and _is_name_tokens(f"{first} {last}".split()):
            name = f"{first} {last}"
    return HONORIFICS.sub("", name).strip()


def _is_name_word(token: str) -> bool:
    if (
        not token
        or not token[0].isupper()
        or token.lower() in _NOT_NAME_WORDS
        or (TITLE_COMPOUND.fullmatch(token))
    ):
        return False
    letters = token.replace("'", "").replace("’", "").replace("-", "")
    if not letters.isalpha():
        return False
    return len(letters) == 1 or any(c.islower() for c in letters[1:])


def _is_name_tokens(tokens: list[str]) -> bool:
    words = [t for t in tokens if t.lower() not in _PARTICLES]
    return (
        2 <= len(words) <= 4
        and all(_is_name_word(t) for t in words)
        and _is_name_word(tokens[0])
        and _is_name_word(tokens[-1])
    )


def leading_name(span: str) -> str:
    """The person's name a span of prose starts with, or "": two to four capitalised words
    (particles such as "van" or "de" between them), stopping at punctuation, titles and
    lower-case words. "Hannah Lee. I'll hop on" -> "Hannah Lee"; "Tobias. We'll" -> ""."""
    tokens: list[str] = []
    for raw in span.split():
        token = raw.strip('"“”')
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
