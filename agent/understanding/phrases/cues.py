"""Who speaks in a sentence: the cue phrases that make a date the company's promise ("we'll",
"you'll hear from us"), the candidate's task ("please", "could you", an imperative verb) or
neither ("please note"), in English, German, French and Spanish.

Pure: `find_cues` lists every cue in a text with its owner; `agent.deadlines` decides which cue
governs which date. The longest phrase at a place wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.understanding.phrases.prose import FLAGS, alternation, phrase_key

_NEUTRAL = (
    "please note",
    "please be aware",
    "please be advised",
    "please keep in mind",
    "please feel free",
    "feel free",
    "please don't hesitate",
    "please do not hesitate",
    "don't hesitate",
    "do not hesitate",
    "please find",
    "please see",
)
_COMPANY_OVERRIDE = (
    "please allow",
    "please expect",
    "please give us",
    "please bear with us",
)
_NEED = (
    "we need",
    "we'll need",
    "we will need",
    "we'd need",
    "we would need",
    "I need",
    "I'll need",
    "I will need",
    "wir benötigen",
    "wir brauchen",
    "wir bräuchten",
    "ich benötige",
    "ich brauche",
    "necesitamos",
    "necesitaremos",
    "necesito",
    "nous avons besoin de",
    "j'ai besoin de",
)
_CANDIDATE = (
    "please",
    "pls",
    "could you",
    "can you",
    "would you",
    "will you",
    "would you mind",
    "kindly",
    "if you could",
    "if you can",
    "you'll need to",
    "you will need to",
    "you need to",
    "you must",
    "you should",
    "make sure to",
    "make sure you",
    "be sure to",
    "don't forget to",
    "do not forget to",
    "remember to",
    "we'd like you to",
    "we would like you to",
    "we'd love for you to",
    "we'd ask you to",
    "we would ask you to",
    "we ask that you",
    "we ask you to",
    "I'd like you to",
    "I would like you to",
    "we'd appreciate",
    "we would appreciate",
    "I'd appreciate",
    "I would appreciate",
    "look forward to receiving",
    "looking forward to receiving",
    # German
    "bitte",
    "könnten Sie",
    "können Sie",
    "würden Sie",
    "könntest du",
    "kannst du",
    "würdest du",
    "Sie müssen",
    "lassen Sie uns wissen",
    "geben Sie uns Bescheid",
    # French
    "merci de",
    "merci d'",
    "veuillez",
    "pourriez-vous",
    "pouvez-vous",
    "pourrais-tu",
    "peux-tu",
    "je vous prie de",
    "nous vous prions de",
    "nous vous demandons de",
    "nous vous remercions de",
    "il vous faudra",
    "vous devez",
    "vous devrez",
    # Spanish
    "por favor",
    "podrías",
    "podría",
    "podrias",
    "podria",
    "puedes",
    "puede usted",
    "le agradeceríamos",
    "te agradeceríamos",
    "agradeceríamos",
    "le agradecería",
    "te agradecería",
    "deberás",
    "deberá",
    "debes",
    "te pedimos",
    "le pedimos",
)
# Verbs in the polite imperative, anywhere in a sentence: the request's words start with them.
_POLITE_IMPERATIVE = (
    "senden Sie",
    "schicken Sie",
    "reichen Sie",
    "füllen Sie",
    "teilen Sie",
    "envoyez",
    "transmettez",
    "envíanos",
    "envíenos",
    "envíe",
    "envía",
    "let us know",
    "let me know",
)
_SUBJECTS = (
    "the team",
    "our team",
    "the hiring team",
    "the hiring manager",
    "the hiring committee",
    "the panel",
    "the committee",
    "the recruiter",
    "the recruiting team",
    "the talent team",
)
_COMPANY = (
    "we'll",
    "we will",
    "we'd",
    "we would",
    "we should",
    "we shall",
    "we hope",
    "we aim",
    "we plan",
    "we expect",
    "we intend",
    "we're aiming",
    "we're hoping",
    "we're planning",
    "we're expecting",
    "we're looking to",
    "we are aiming",
    "we are hoping",
    "we are planning",
    "we are expecting",
    "we're going to",
    "we are going to",
    "we're wrapping up",
    "we usually",
    "we typically",
    "we normally",
    "we generally",
    "we try to",
    "we strive to",
    "we respond",
    "we reply",
    "we get back",
    "we decide",
    "we make",
    "I'll",
    "I will",
    "I'd",
    "I would",
    "I should",
    "I hope",
    "I aim",
    "I plan",
    "I expect",
    "I'm aiming",
    "I'm hoping",
    "I'm planning",
    "I'm going to",
    "I am going to",
    "you'll hear",
    "you will hear",
    "you should hear",
    "you can expect",
    "you may expect",
    "you should expect",
    "expect to hear",
    "hear back from us",
    "hear from us",
    "hear back from me",
    "hear from me",
    "heard back from us",
    "heard from us",
    "heard back from me",
    "heard from me",
    "get back to you",
    "be in touch",
    "follow up with you",
    "reach out to you",
    "let you know",
    "update you",
    "circle back",
    *(
        f"{s} {v}"
        for s in _SUBJECTS
        for v in (
            "will",
            "should",
            "aims",
            "plans",
            "expects",
            "hopes",
            "is aiming",
            "is hoping",
            "is planning",
            "meets",
        )
    ),
    # German
    "wir melden uns",
    "wir werden",
    "wir geben",
    "wir hoffen",
    "wir planen",
    "wir möchten",
    "wir wollen",
    "wir streben",
    "wir entscheiden",
    "wir informieren",
    "wir kommen",
    "ich melde mich",
    "ich werde",
    "ich gebe",
    "ich komme",
    "Sie hören",
    "Sie hören von uns",
    "Sie hören von mir",
    "Sie erhalten",
    "Sie bekommen",
    "melden uns",
    "melde mich",
    # French (future tenses are caught by _FUTURE below)
    "nous allons",
    "je vais",
    "vous aurez",
    "vous recevrez",
    "nous espérons",
    "nous prévoyons",
    "nous comptons",
    # Spanish
    "vamos a",
    "voy a",
    "tendrás noticias",
    "tendrá noticias",
    "recibirás",
    "recibirá",
    "esperamos",
)
# First-person future tenses: French "reviendrons", "contacterai"; Spanish "responderemos",
# "avisaré". They make a sentence the company's promise without listing every verb.
_FUTURE = r"\w{2,}(?:rons|rai)|\w{2,}r(?:emos|é)"
_WEAK = (
    "decision",
    "feedback",
    "update",
    "next steps",
    "response",
    "answer",
    "news",
    "process",
    "Entscheidung",
    "Rückmeldung",
    "décision",
    "réponse",
    "decisión",
    "respuesta",
    "noticias",
)

_CUE_GROUPS = (
    ("neutral", _NEUTRAL),
    ("override", _COMPANY_OVERRIDE),
    ("need", _NEED),
    ("polite", _POLITE_IMPERATIVE),
    ("cand", _CANDIDATE),
    ("comp", _COMPANY),
    ("weak", _WEAK),
)
_CUE_KINDS = {phrase_key(p): kind for kind, phrases in reversed(_CUE_GROUPS) for p in phrases}
# The longest phrase at a place wins: "you should hear" is the company's although "you should"
# is a request, "please allow" the company's although "please" asks, "we'll need" a request.
_CUE = re.compile(
    r"(?=[^\W\d_])(?<!\w)"
    rf"(?:(?P<phrase>{alternation(*_CUE_KINDS)})|(?P<future>{_FUTURE}))"
    r"(?:(?<=')|(?!\w))",
    re.IGNORECASE,
)

IMPERATIVE_VERBS = alternation(
    "send",
    "share",
    "submit",
    "complete",
    "return",
    "sign",
    "provide",
    "email",
    "e-mail",
    "reply",
    "respond",
    "book",
    "schedule",
    "fill out",
    "fill in",
    "upload",
    "confirm",
    "forward",
    "finish",
    "accept",
    "select",
    "pick",
    "choose",
    "review",
    "prepare",
    "RSVP",
    "get back to us",
    "get back to me",
    "let us know",
    "let me know",
)
_IMPERATIVE = re.compile(
    r"""
    (?:^|(?<=[.!?:;]\s)|(?<=[.!?:;]\s\s)|(?<=,\s)|(?<=\n))
    [ \t]{0,4}(?:[-*•·][ \t]{0,2}|\d{1,2}[.)][ \t]{1,2})?
    (?:(?:also|and|then|just)\s{1,2})?
    (?P<verb>"""
    + IMPERATIVE_VERBS
    + r""")(?!\w)
    """,
    re.IGNORECASE | re.VERBOSE | re.MULTILINE,
)

REPLY_ONLY = re.compile(
    r"""(?:reply|respond|get\s+back\s+to\s+(?:us|me)|let\s+(?:us|me)\s+know|rsvp|confirm)
        (?:\s+to\s+(?:this|my|our|the)\s+(?:e-?mail|message|note|invitation))?""",
    FLAGS,
)


@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    owner: str  # "candidate", "company", "weak", "neutral"
    kind: str  # group name: need, cand, imp, comp, ...


def find_cues(text: str) -> list[Cue]:
    found: list[Cue] = []
    for m in _CUE.finditer(text):
        kind = "comp" if m["future"] else _CUE_KINDS.get(phrase_key(m["phrase"]), "cand")
        owner = {
            "neutral": "neutral",
            "override": "company",
            "need": "candidate",
            "polite": "candidate",
            "cand": "candidate",
            "comp": "company",
            "weak": "weak",
        }[kind]
        found.append(Cue(m.start(), m.end(), owner, "imp" if kind == "polite" else kind))
    for m in _IMPERATIVE.finditer(text):
        found.append(Cue(m.start("verb"), m.end("verb"), "candidate", "imp"))
    found.sort(key=lambda c: c.start)
    return found
