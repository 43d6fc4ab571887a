"""Which language a company writes in: English, French, German, Spanish, Italian or Portuguese,
told apart by counting each language's common short words (articles, pronouns, prepositions,
greetings). Deliberately simple: an invitation or a scheduling mail has a few dozen words,
enough for these six; a text too short or too mixed to tell is "" (and the draft is English).
"""

from __future__ import annotations

import re


# Words frequent in one language and rare in the five others (a word two of them share, such
# as "de", "que" or "con", is left out: it tells nothing).
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_WORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "the and you your to of for with is we will our this that be are have please thank "
        "thanks looking forward interview would could us hi regards best"
    ),
    "fr": _words(
        "les des vous votre vos nous notre est pour avec dans sur être merci entretien "
        "bonjour cordialement et pas au aux ce cette nos sera une"
    ),
    "de": _words(
        "der die und sie ihr ihnen ihre wir uns mit für ist nicht ein eine einen dem den zu "
        "auf bitte vielen dank gespräch grüße grüßen freundlichen hallo sehr geehrte geehrter "
        "wird werden termin"
    ),
    "es": _words(
        "el los las usted sus nuestro nuestra nuestros gracias entrevista hola saludos muy puesto"
    ),
    "it": _words(
        "gli della delle dei degli per sono è grazie colloquio buongiorno cordiali saluti "
        "lei vostro nostro nostra abbiamo che alla nel sarà"
    ),
    "pt": _words(
        "você vocês seu nosso nossa uma não obrigado obrigada olá atenciosamente dos ao em "
        "são também muito vaga é"
    ),
}
_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)
_MIN_HITS = 4


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the language `text` is written in, among en, fr, de, es, it, pt;
    "" when it cannot tell (too few telling words, or two languages close)."""
    counts = dict.fromkeys(_WORDS, 0)
    for token in _TOKEN.findall(text[:20000].lower()):
        for language, words in _WORDS.items():
            if token in words:
                counts[language] += 1
    ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < _MIN_HITS or top < 1.5 * second:
        return ""
    return best
