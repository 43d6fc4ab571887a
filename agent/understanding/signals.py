"""Word lists and address patterns that tell interview mail from everything else.

Data only (and tiny predicates over it), so that detection rules read as rules. Precision
first: a distractor pattern vetoes an interview unless a rule forces it.
"""

from __future__ import annotations

import re

from agent.understanding import datafiles
from agent.understanding.screening import ScreenedPattern


def _interview_words_in_other_languages() -> str:
    """The alternation of `data/interview_words.tsv`: a language is a line there."""
    return "|".join(f"(?:{w})".replace(" ", r"\s+") for w in datafiles.patterns("interview_words"))


def lines_of(name: str) -> list[str]:
    """The patterns of a `data/NAME.tsv` whose last column is a regular expression."""
    return datafiles.patterns(name)


_INTERVIEW_WORDS = re.compile(
    r"""\b(
        interview(?:s|ing)?|phone\s+screen|screening\s+call|recruiter\s+(?:call|screen|chat)|
        technical\s+(?:screen|round|interview)|tech\s+screen|on-?site|onsite|super\s*day|
        hiring\s+manager|final\s+round|panel\s+(?:interview|conversation)|loop\b|
        (?:first|second|third|next|final)\s+(?:round|stage)|system\s+design\s+(?:round|interview)|
        coding\s+interview|culture\s+(?:fit|interview)|intro(?:ductory)?\s+call\s+(?:with|about)|"""
    + _interview_words_in_other_languages()
    + ")",
    re.IGNORECASE | re.VERBOSE,
)
# screened (agent/understanding/screening.py): most mail holds none of its words
INTERVIEW_WORDS = ScreenedPattern(_INTERVIEW_WORDS)

# The bare word, in the languages read, and the phrases any selection has: any kind of
# interview (a podcast's, an insurer's, an oral history's), a study's screening call, an
# admissions panel, an award's final round, a club's "Kennenlerngespräch". Every other phrase of
# INTERVIEW_WORDS ("technical interview", "phone screen", "Vorstellungsgespräch",
# "sollicitatiegesprek") is a job's.
_ANY_INTERVIEW = re.compile(
    r"interview(?:s|ing)?|entrevistas?|entretiens?|entrevues?|auditions?|colloqui[oa]|"
    r"intervju(?:er|et|n)?|"
    r"interviu(?:ri|l)?|interjú|haastattelu|samtale|"
    r"screening\s+call|panel\s+\w+|loop|(?:first|second|third|next|final)\s+(?:round|stage)|"
    r"intro(?:ductory)?\s+call\s+\w+|kennenlerngespr\w+",
    re.I,
)


def is_job_interview_phrase(phrase: str) -> bool:
    """A phrase INTERVIEW_WORDS found that names a job's interview, not any interview."""
    return not _ANY_INTERVIEW.fullmatch(" ".join(phrase.split()))


# Mail that talks about interviews but is not one the candidate attends live.
DISTRACTOR_PATTERNS: dict[str, re.Pattern[str]] = {
    "job alert": re.compile(
        r"job\s+alert|new\s+jobs?\b|jobs?\s+(?:matching|for\s+you|you\s+may)|is\s+hiring\b|"
        r"\d+\s+new\s+\w+(?:\s+\w+)?\s+jobs|recommended\s+jobs|jobs\s+in\s+",
        re.I,
    ),
    "application received": re.compile(
        r"thank(?:s|\s+you)\s+(?:you\s+)?for\s+(?:applying|your\s+(?:application|interest))|"
        r"(?:we(?:'ve|\s+have)\s+)?received\s+your\s+application|application\s+(?:received|"
        r"submitted|confirmation)|your\s+application\s+(?:has\s+been|was)\s+(?:submitted|"
        r"received|sent|viewed)",
        re.I,
    ),
    "assessment": re.compile(
        r"codesignal|codility|testgorilla|coderpad\s+assessment|criteria\s*corp|"
        # an assessment to take, not one taken: "Thank you for completing the online assessments"
        r"(?<!completing\s)(?<!completed\s)(?<!completing\sthe\s)(?<!completed\sthe\s)"
        r"(?<!completing\syour\s)(?<!passing\sthe\s)"
        r"(?:coding|online|technical|skills?)\s+(?:assessment|challenge|test)|take[-\s]home|"
        r"invited\s+you\s+to\s+take|complete\s+(?:the|this|your)\s+(?:assessment|test|challenge)",
        re.I,
    ),
    "async video": re.compile(
        r"hirevue|one[-\s]way\s+(?:video\s+)?interview|record(?:ed)?\s+(?:your\s+)?"
        r"(?:answers|responses|video)|asynchronous|async\s+(?:video\s+)?interview|"
        r"micro1|willo|spark\s*hire|complete\s+your\s+(?:video\s+)?interview|"
        r"video[ \t]+interview[ \t]+(?:link|platform)|at\s+your\s+own\s+pace",
        re.I,
    ),
    "webinar": re.compile(
        r"webinar|webcast|live\s+stream|info(?:rmation)?\s+session|"
        r"career\s+fair|virtual\s+event|meetup\b|conference\s+registration|live\s+q\s?&\s?a\b|"
        r"(?:cancel|your)\s+registration|registrants?\b",
        re.I,
    ),
    "podcast": re.compile(
        r"podcast|episode|be\s+(?:a\s+)?guest|on\s+(?:our|the)\s+show|"
        r"press\s+interview|media\s+interview|journalist",
        re.I,
    ),
    "security code": re.compile(
        r"security\s+code|verification\s+code|one[-\s]time\s+"
        r"(?:code|password|passcode)|\botp\b(?![/-]\d)(?!\s*/)|confirm\s+your\s+"
        r"(?:email|identity)|verify\s+your\s+email",
        re.I,
    ),
    "newsletter": re.compile(
        r"newsletter|interview\s+tips|tips\s+for\s+(?:your|acing)|"
        r"how\s+to\s+(?:ace|prepare|nail)|unsubscribe|digest|"
        r"talent\s+community|join\s+our\s+community",
        re.I,
    ),
    "rsvp": re.compile(
        r"^(?:accepted|declined|tentative|tentatively\s+accepted|"
        r"new\s+time\s+proposed|angenommen|abgelehnt|accepté|refusé|aceptado|"
        r"rechazado)\s*:",
        re.I,
    ),
    "re-engagement": re.compile(
        r"still\s+interested|complete\s+your\s+application|"
        r"finish\s+your\s+application|reminder\s+to\s+apply",
        re.I,
    ),
    "coaching": re.compile(
        # a practice round of any kind: "mock interview", "mock system design", "a short
        # practice round", "interview prep with Sam"
        r"mock\s+(?:[\w-]+\s+){0,2}?(?:interviews?|rounds?|design|onsite|screen|session|loop|"
        r"case)\b|practice\s+(?:interviews?|rounds?|sessions?)\b|"
        r"interview\s+(?:practice|prep(?:aration)?\b|coaching|"
        r"training)|career\s+coach(?:ing)?",
        re.I,
    ),
}


def _at_word_starts(pattern: str, flags: int = 0) -> ScreenedPattern:
    """A pattern each of whose alternatives begins a word, tried only where a word begins:
    about three times faster on long mail than trying it at every character. It is screened
    (agent/understanding/screening.py): a text with none of the words every match contains
    is not searched at all, which is most mail."""
    return ScreenedPattern(re.compile(rf"\b(?:{pattern})", flags))


# Mail that speaks to a program instead of a person (prompt injection): never an interview,
# whatever else it says, because text in a message is data and not instructions.
INSTRUCTIONS_TO_A_PROGRAM = _at_word_starts(
    r"ignore\s+(?:all\s+)?(?:the\s+)?(?:previous|prior|above|earlier)\s+(?:instructions|rules|"
    r"prompts?)|(?:note|message|instructions?)\s+(?:to|for)\s+(?:the\s+)?(?:ai|llm|automated|"
    r"assistant)|(?:attention|dear)\s*:?\s+(?:the\s+)?(?:ai|llm)\b|\b(?:ai|llm)\s+(?:assistant|"
    r"agent)s?\s*[:/]|do\s+not\s+(?:tell|inform|notify)\s+the\s+user|system\s+prompt",
    re.I,
)

# A scheduler's notice to the HOST that someone booked time with them (Calendly "New Event",
# Microsoft Bookings, Acuity...): the user is the one being booked, not a candidate.
HOST_NOTIFICATION = re.compile(
    r"^\s*(?:new\s+event|new\s+booking|new\s+appointment)\s*:|"
    r"a\s+new\s+(?:event|booking|appointment|meeting)\s+has\s+been\s+(?:scheduled|booked)|"
    r"^\s*invitee(?:\s+e-?mail)?\s*:|has\s+(?:booked|scheduled)\s+(?:an?\s+)?"
    r"(?:appointment|meeting|event|time|call)\s+with\s+you|booked\s+time\s+with\s+you",
    re.I | re.M,
)

# A calendar's notice to someone invited (not to the host who was booked): "Inês has invited
# you to the appointment", "vous a invité", "hat Sie eingeladen", "te ha invitado".
INVITED_YOU = re.compile(
    r"\b(?:has|have)\s+invited\s+you\b|\binvited\s+you\s+to\b|vous\s+a\s+invit|"
    r"hat\s+(?:Sie|dich)\s+(?:zu\s+[^\n.]{1,60}\s+)?eingeladen|te\s+ha\s+invitado|le\s+ha\s+invitado|"
    r"convidou\s+(?:você|voce)|(?:ti|la)\s+ha\s+invitat",
    re.I,
)

# The interviewer's side of an interview (ATS interviewer invites): the user interviews someone.
INTERVIEWER_SIDE = _at_word_starts(
    r"\binterview\s+kit\b|\bscorecard\b|submit\s+(?:your\s+)?(?:interview\s+)?"
    r"(?:feedback|scorecard)|helping\s+us\s+hire|"
    # the user is the one hiring (a family hiring a nanny, a founder hiring): "you posted a
    # job", "applicants for your job", "happy hiring"
    r"you\s+(?:have\s+)?posted\s+(?:a|the|your)\s+(?:job|role|position|opening)|"
    r"(?:applicants?|candidates?|caregivers?)\s+for\s+your\s+(?:job|role|position|opening|posting)|"
    r"for\s+your\s+job\s+['\"‘“]|happy\s+hiring\b",
    re.I,
)
# The one who writes is the candidate: "I got the final round at Tessera!", "my interview is
# on Thursday": a friend's news, not the user's interview (a recruiter never writes "my").
SENDERS_OWN_INTERVIEW = re.compile(
    r"\bI(?:'ve|\s+have)?\s+(?:just\s+)?(?:got|landed|scored|made\s+it\s+to)\s+(?:the|a|an|my)\s+"
    r"(?:final\s+round|(?:second|third|next)\s+round|interview|onsite|offer)\b|"
    r"\bmy\s+(?:(?:final|second|first|next)\s+round|(?:job\s+)?interview|onsite|phone\s+screen)"
    r"\s+(?:at|with|for|is|on)\b|"
    r"\b(?:mon|ma)\s+entretien\s+(?:chez|avec|pour)\b|\bmi\s+entrevista\s+(?:en|con|para)\b|"
    r"\bmein\s+(?:Vorstellungs|Bewerbungs)gespräch\s+(?:bei|mit)\b|"
    # "I cleared the hiring manager round at Zentrix and they sent the invite for the final one"
    r"\bI(?:'ve|\s+have)?\s+(?:just\s+)?(?:cleared|passed|aced|got\s+through|made\s+it\s+through)\s+"
    r"(?:the|my)\s+(?:[\w-]+\s+){0,3}(?:round|stage|interview)\b",
    re.I,
)

# "Candidate: Jamie Lin" names who is interviewed; when it is not the user, the user is not.
CANDIDATE_LABEL = re.compile(
    r"^[ \t]*candidate(?:[ \t]+name)?[ \t]*:[ \t]*(?P<name>[^\n]{2,80})", re.I | re.M
)

# Context that ties a meeting to a job opening even without an interview word: "the Staff
# Platform Engineer role", "role on my team", a hiring-only scheduler named in the invite.
HIRING_CONTEXT = re.compile(
    r"\b(?:the|a|our|this|your)\s+(?-i:(?:[A-Z][\w&/+.-]*,?\s+){1,6})(?:role|position|vacancy)\b|"
    r"\b(?:role|position)\s+on\s+(?:my|our|the)\s+team\b|\byour\s+candidacy\b|"
    r"\b(?:scheduled|booked|sent|powered)\s+(?:via|with|by|through|using)\s+(?-i:Greenhouse|Lever|"
    r"Ashby|GoodTime|ModernLoop|Gem|Workday|SmartRecruiters|iCIMS|Jobvite|Workable|Recruitee|"
    r"Teamtailor|Personio|BambooHR|Rippling)\b",
    re.I,
)

CONFIRMATION_WORDS = _at_word_starts(
    r"confirm(?:ed|ing|ation)?|scheduled|invit(?:e|ation|ed)|(?:is|are)\s+set\s+for|"
    r"look(?:ing)?\s+forward\s+to\s+(?:speaking|meeting|talking|chatting|seeing|hosting|"
    r"welcoming)|(?:here(?:'s|\s+is)\s+)?your\s+(?:\w+\s+)?itinerary\b|"
    # agreeing on a time the candidate offered: "Let's do Friday, September 25 at 9:30"
    r"let(?:'s|\s+us)\s+(?:do|go\s+with|plan\s+on|lock\s+in)\b|"
    r"you(?:'ll|\s+will)\s+(?:meet|be\s+meeting|speak|chat)|see\s+you\s+(?:on|at)|"
    r"reschedul|moved\s+to|bestätig|confirmé|confirmad|programad|geplant|prévu|conferm|"
    # a schedule handed over ("Below is your Superday schedule"), a plain "You're all set"
    r"(?:here(?:'s|\s+is)|below\s+(?:is|are)|attached\s+is)\s+(?:your|the)\s+(?:[\w-]+\s+){0,3}"
    r"(?:itinerary|schedule|agenda|(?:final\s+)?round|interviews?|onsite|loop)\b|"
    r"you(?:'re|\s+are)\s+all\s+set\b|"
    # settling on a day: "Perfect, Tuesday it is", "Thursday it is, 4pm our time"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|that|then)\s+it\s+is\b|"
    # "Perfect, Friday at 11 it is!", "3pm it is", "Perfect, Tuesday at 4pm your time it is"
    r"\d{1,2}(?:[:.]\d\d)?\s?(?:[ap]\.?m\.?)?\s+it\s+is\b|"
    r"(?:perfect|great|done|deal|lovely|excellent|brilliant|fantastic|sounds\s+good)[,!.]?\s+"
    r"[^.!?\n]{0,60}\bit\s+is\b|"
    # "Locking it in: Thursday, November 12", "Locked in for Tuesday"
    r"lock(?:ing|ed)?\s+(?:it|this|that)\s+in\b|locked\s+in\b|"
    # "Perfect, see you Thursday at 17:00"
    r"see\s+you\s+(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow)\b|"
    # moving a meeting to a named day: "Can we move to Friday 11am instead?"
    r"mov(?:e|ed|ing)\s+(?:(?:it|(?:your|the|our)\s+(?:[\w-]+\s+){0,2})\s*)?(?:again,?\s+)?to\s+(?=(?:"
    r"(?:next\s+)?(?:mon|tue|wed|thu|fri|monday|tuesday|wednesday|thursday|friday|tomorrow|week)\b|"
    r"\d))|"
    r"\bbooked\b|(?:have|put)\s+you\s+down\s+for|(?:locked|pencil(?:l?ed))\s+in|"
    r"all\s+set\s+for|\b(?:set|lined)\s+up\b|\barranged\b|"
    # a time held for the candidate: "I have reserved the following time", "fica marcada"
    r"reserved|blocked\s+(?:out|off|for)|is\s+blocked|marcad[ao]|agendad[ao]|fissat[ao]|"
    r"prenotat[ao]|vereinbart|convenu|fixée?|"
    # a reminder of, or a notice about, a meeting already set
    r"reminder|recordatorio|rappel|erinnerung|promemoria|lembrete|"
    r"upcoming\s+(?:interview|call|meeting|conversation)|"
    r"your\s+(?:[\w-]+\s+){0,3}(?:interview|call|conversation|chat)\s+(?:with\s+[^\n.]{1,60}?\s+)?"
    r"(?:on|at|is\s+on|tomorrow|today)\b|(?:record|transcribe)\s+your\s+interview|"
    r"(?:i|we)(?:'ll|\s+will)\s+(?:call|ring|phone)\s+you\b|"
    # a meeting moved, in the other languages we read
    r"verschieben|verlegen|neue[rn]?\s+termin|nouveau\s+créneau|décal|reprogramad[ao]|"
    r"cambiamos\s+(?:la|el)|spostat[ao]|spostiamo|remarcad[ao]|"
    # an invitation or a confirmation, in every language we read: data/confirmation_words.tsv
    + "|".join(f"(?:{p})" for p in lines_of("confirmation_words")),
    re.I,
)

# A time set with a way out ("Shout if the time doesn't work"): data/opt_out.tsv.
OPT_OUT = _at_word_starts("|".join(f"(?:{p})" for p in lines_of("opt_out")), re.I)

# A meeting called off in prose ("we need to cancel tomorrow's interview", "your interview has
# been cancelled"); RESCHEDULED says it is moved instead, which keeps it an interview.
# Only the sender calling it off counts: "If you need to cancel, let us know" and "To cancel
# your interview, use this link" are a confirmation's boilerplate, not a cancellation.
TEXT_CANCELLATION = _at_word_starts(
    r"(?:we|i)(?:'ll|'re|'m|'ve)?\s+(?:\w+ly\s+)?(?:(?:will|are|am|have)\s+)?(?:need|have|had|"
    r"must|got|going\s+to\s+have)\s+(?:to\s+)?cancel\b|"
    r"cancel(?:l?ing|l?ed)\s+(?:your|the|our|(?:tomorrow|today|this\s+\w+)'s|\w+day's)\s+"
    r"(?:[\w-]+\s+){0,2}(?:interview|call|meeting|conversation)|"
    r"(?:interview|call|meeting|appointment|booking|session|event)\s+(?:is|has\s+been|was|will\s+be)"
    r"\s+(?:cancel(?:l)?ed|called\s+off)|"
    # a scheduler's notice: "Dana Whitfield has canceled the event below"
    r"(?:has|have)\s+cancel(?:l)?ed\s+(?:the|your|our|this)\s+(?:event|interview|call|meeting|booking|"
    r"appointment)|"
    # the same, in the other languages we read
    r"(?:entrevista|reunião|reunión|chamada|llamada)\s+(?:foi\s+|fue\s+|ha\s+sido\s+)?"
    r"(?:cancelad[ao]|desmarcad[ao])|cancelamento\s+d[ao]|(?:entretien|rendez-vous)\s+(?:est\s+)?"
    r"annulé|(?:gespräch|termin)\s+(?:wurde\s+|ist\s+)?(?:abgesagt|storniert)|"
    r"(?:colloquio|appuntamento)\s+(?:è\s+stato\s+)?annullat[oa]|"
    r"(?:precisamos|tenemos\s+que|devons|müssen|dobbiamo)\s+(?:de\s+)?(?:cancelar|annuler|absagen|"
    r"annullare)",
    re.I,
)
# New times promised for later: the cancelled slot is off, with nothing in its place yet.
REBOOK_LATER = _at_word_starts(
    r"(?:send|share|offer|suggest|propose|email|get\s+back\s+to)\s+(?:you\s+)?(?:with\s+)?(?:some|"
    r"a\s+couple\s+of|a\s+few|new|alternative|other)\s+(?:new\s+|alternative\s+)?(?:times|slots|dates|"
    r"options)|book\s+a\s+new\s+time|(?:will|'ll)\s+be\s+in\s+touch\s+to\s+reschedule",
    re.I,
)
RESCHEDULED = _at_word_starts(
    r"reschedul|new\s+(?:time|date|slot)|moved?\s+(?:it\s+)?to\b|instead\b|postpone", re.I
)

# What a recruiter calls an interview when the word itself is not used ("a technical
# conversation with Marco, our Lead Engineer"): counts only from a signed recruiter.
# Screened (agent/understanding/screening.py): most mail holds none of these words.
MEETING_NOUNS = ScreenedPattern(
    re.compile(
        r"\b(?:conversation|chat|call|discussion|meeting|panel|session|intro|talk)\b|"
        # a day's work as a step of hiring: "paid trial day", "work trial", "Probetag"
        r"\b(?:(?:paid\s+)?trial\s+(?:day|shift)|work\s+trial|probetag|probearbeit|"
        r"journée\s+d'essai|d[ií]a\s+de\s+prueba)\b|"
        r"\b(?:chatting|speaking|talking|meeting)\s+(?:with|to)\b|\bmeet\s+(?:you|with)\b|"
        r"\b(?:gespräch|austausch|échange|rencontre|charla|reunión|conversa(?:ção|ción)?|reunião|"
        r"incontro|chiacchierata|charl(?:amos|ar|emos)|hablamos|(?:video)?llamada|(?:video)?chamada|liga[çc][ãa]o|appel|visio|"
        r"telefonat|anruf|(?:video)?chiamata)\b|"
        # meeting in person: "I would like to meet you in person", "conocerlos en persona"
        r"\b(?:in\s+person|en\s+persona|en\s+personne|persönlich|di\s+persona|pessoalmente|"
        r"face[-\s]to[-\s]face)\b|" + datafiles.alternation("context_words", "meeting"),
        # the other languages we read: data/context_words.tsv
        re.I,
    )
)
# Context that ties a message to a job the user is a candidate for: a role or position, an
# application or a hiring process, in each language we read.
JOB_CONTEXT = _at_word_starts(
    r"(?:the|this|a|our|your)\s+(?:[\w/&+-]+\s+){0,5}(?:role|position|opening|vacancy|job)\b|"
    r"your\s+(?:application|candidacy)\b|hiring\s+(?:process|team|manager)|recruit\w*|"
    r"(?:der|die|ihre?)\s+(?:\w+\s+){0,3}(?:Stelle|Position|Bewerbung)\b|"
    r"(?:le|ce|du|au|votre)\s+(?:\w+\s+){0,3}(?:poste|candidature|recrutement)\b|"
    r"(?:el|la|del|al|tu|su|o|do|ao)\s+(?:\w+\s+){0,3}(?:puesto|cargo|vacante|candidatura|proceso\s+de\s+"
    r"selecci[óo]n)\b|(?:la|il|della|del|alla|tua)\s+(?:\w+\s+){0,3}(?:posizione|candidatura|"
    r"selezione)\b|(?:a|o|da|do|na|sua)\s+(?:\w+\s+){0,3}(?:vaga|posição|candidatura|processo\s+"
    r"seletivo)\b|selection\s+process|processus\s+de\s+s[ée]lection|assunzion[ei]\b|avviso\s+di\s+selezione|embauche\b|contrataci[óo]n\b|"
    r"contrata[çc][ãa]o\b|" + datafiles.alternation("context_words", "job"),
    # the other languages we read: data/context_words.tsv
    re.I,
)

REJECTION = _at_word_starts(
    # "we have decided to extend an offer to another candidate"
    r"(?:extend|extended|extending|make|made|making)\s+(?:an?\s+|the\s+)?offer\s+to\s+"
    r"(?:another|a\s+different|other)\s+candidate|offer(?:ed)?\s+the\s+(?:position|role|job)\s+to\s+"
    r"(?:another|a\s+different|other|an?)\s+(?:\w+\s+)?candidate|"
    r"(?:decided|chosen|elected)\s+(?:to\s+)?(?:move|moving|go|proceed|pursue|continue)\w*\s+"
    r"(?:forward\s+)?with\s+(?:other|another|a\s+different)|not\s+(?:be\s+)?(?:moving|"
    r"proceeding|progressing|going)\s+forward|will\s+not\s+be\s+(?:moving|proceeding|"
    r"progressing)|won't\s+be\s+(?:moving|proceeding)|position\s+has\s+been\s+filled|"
    r"decided\s+not\s+to\s+(?:proceed|move|continue|extend|progress)|unable\s+to\s+offer\s+you|"
    r"not\s+(?:been\s+)?(?:to\s+)?(?:selected|successful|shortlisted)|regret\s+to\s+inform|"
    r"isn't\s+progressing|(?:selected|chosen|hired)\s+(?:another|a\s+different)\s+"
    r"(?:candidate|finalist|applicant|person)|"
    r"other\s+candidates\s+(?:who|whose)|"
    # "we have decided to move forward with candidates whose experience more closely matches"
    r"(?:move|moving|go|going|proceed|proceeding)\s+forward\s+with\s+(?:other\s+)?candidates\s+"
    r"(?:whose|who|that)\b|"
    # "on this occasion we won't be taking your application further"
    r"(?:won't|will\s+not|not)\s+be\s+taking\s+(?:your\s+application|you|things)\s+(?:any\s+)?"
    r"further|go(?:ing)?\s+in\s+(?:a\s+different|another)\s+direction|"
    # the other languages we read: data/outcomes.tsv
    + datafiles.alternation("outcomes", "rejection"),
    re.I,
)
_TO_SOMEONE_ELSE = r"(?!\s+to\s+(?:another|a\s+different|other|someone))"
OFFER = _at_word_starts(
    r"pleased\s+to\s+(?:extend\s+an\s+|make\s+(?:you\s+)?an\s+)?offer"
    + _TO_SOMEONE_ELSE
    + r"|offer\s+letter|letter\s+of\s+offer|(?:extend|extending)\s+(?:you\s+)?an?\s+offer"
    + _TO_SOMEONE_ELSE
    + r"|your\s+offer\s+from|"
    r"(?:job|employment|formal)\s+offer|offer\s+of\s+employment|happy\s+to\s+offer\s+you|"
    r"(?:delighted|pleased|thrilled|excited|glad)\s+to\s+offer\s+you\s+(?:the|a|this)\s+"
    r"(?:\w+\s+){0,2}(?:role|position|job|post)\b|"
    r"congratulations[!,.]?\s+(?:on\s+)?your\s+offer|"
    # "we'd like to offer you the role of", "would like to bring you on as"
    r"(?:like|love|want)\s+to\s+offer\s+you\s+(?:the|a|this)\s+(?:\w+\s+){0,2}(?:role|position|job|"
    r"post)\b|(?:like|love|want)\s+to\s+bring\s+you\s+on\b|details\s+of\s+(?:the|your)\s+offer|"
    # the other languages we read: data/outcomes.tsv
     + datafiles.alternation("outcomes", "offer"),
    re.I,
)
# A disclaimer that a letter is NOT an offer ("This notice does not constitute an offer of
# employment"): removed before looking for an offer.
NOT_AN_OFFER = _at_word_starts(
    r"(?:does|do|will|shall|should|is|are)\s+not\s+(?:constitute|represent|guarantee|imply|mean|"
    r"be\s+(?:considered|construed\s+as))?\s*(?:as\s+)?(?:an?\s+)?(?:(?:job|formal|employment)\s+)?"
    r"offer(?:\s+(?:of|for)\s+employment)?",
    re.I,
)


def is_offer(text: str) -> bool:
    """An offer is made in the text, disclaimers that it is not one aside."""
    return bool(OFFER.search(NOT_AN_OFFER.sub(" ", text)))


OUT_OF_OFFICE_SUBJECT = re.compile(
    r"^(?:automatic\s+reply|auto(?:matic)?[-\s]?reply|out\s+of\s+(?:the\s+)?office|"
    r"abwesenheitsnotiz|automatische\s+antwort|absence|réponse\s+automatique|"
    r"respuesta\s+automática|risposta\s+automatica|resposta\s+automática|fuori\s+sede|"
    r"fuera\s+de\s+la\s+oficina|autosvar|ooo\b|"
    # Outlook's automatic reply in its other languages
    r"automatisch\s+antwoord|automatiskt?\s+svar|automaattinen\s+vastaus|automatyczna\s+odpowied|"
    r"automatická\s+odpověď|otomatik\s+yanıt|răspuns\s+automat|automatikus\s+válasz)",
    re.I,
)

ROOM_NAMES = re.compile(
    r"\b(?:room|conf(?:erence)?\s*(?:rm|room)|meeting\s+room|boardroom|huddle|floor\s+\d|"
    r"bldg|building|salle|raum|sala)\b|resource\.calendar\.google\.com",
    re.I,
)
RECRUITER_TITLES = _at_word_starts(
    r"recruit|talent|sourc(?:er|ing)|coordinator|people\s+(?:team|partner|ops)|\bhr\b|"
    r"human\s+resources|hiring\s+team|careers|personalabteilung|recrutement|reclutamiento|"
    # human resources and selection in the other languages we read: "Técnica de Recursos
    # Humanos", "Selección de Personal", "People & Culture"
    r"recursos\s+humanos|ressources\s+humaines|risorse\s+umane|people\s*(?:&|and)\s*culture|"
    r"selecci[óo]n\s+de\s+personal|selezione\s+(?:del\s+)?personale",
    re.I,
)


def domain_matches(domain: str, patterns: tuple[str, ...]) -> bool:
    domain = domain.lower()
    return any(domain == p or domain.endswith("." + p) for p in patterns)


def distractor_kind(*texts: str) -> str:
    """The first distractor kind any of the texts matches, or ""."""
    for kind, pattern in DISTRACTOR_PATTERNS.items():
        if any(pattern.search(text) for text in texts if text):
            return kind
    return ""
