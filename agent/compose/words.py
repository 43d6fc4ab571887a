"""The few words composing puts into templates ready-made, per draft language: dates, lists of
names, the round of an interview and its topic, the things a company asks for.

Everything else a draft says is in the templates (`templates/<language>/`), which the user may
edit; these are the pieces a template cannot build itself (a date in words, "Oliver and
Priya", the object of a request in the right case and pronoun).
"""

from __future__ import annotations

from datetime import date

from agent.model import LANGUAGES

__all__ = ["DOCUMENTS", "FORMS", "LANGUAGES", "ROUND_NAMES", "TOPICS", "date_words", "join_names"]

MONTHS = {
    language: tuple(names.split())
    for language, names in (
        (
            "en",
            "January February March April May June July August September October November December",
        ),
        (
            "fr",
            "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
        ),
        (
            "de",
            "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
        ),
        (
            "es",
            "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
            "diciembre",
        ),
        (
            "it",
            "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre "
            "novembre dicembre",
        ),
        (
            "pt",
            "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro "
            "dezembro",
        ),
    )
}

_AND = {"en": "and", "fr": "et", "de": "und", "es": "y", "it": "e", "pt": "e"}


def date_words(day: date, language: str, *, this_year: int | None = None) -> str:
    """A date as a person writes it in a letter ("September 29", "29 septembre"), with the year
    when it is not `this_year`. Never a weekday: "on Tuesday" turns false a week later."""
    month = MONTHS[language][day.month - 1]
    year = "" if this_year == day.year else str(day.year)
    if language == "en":
        return f"{month} {day.day}" + (f", {year}" if year else "")
    if language == "de":
        return f"{day.day}. {month}" + (f" {year}" if year else "")
    if language in ("es", "pt"):
        return f"{day.day} de {month}" + (f" de {year}" if year else "")
    first = str(day.day)
    if day.day == 1:
        first = {"fr": "1er", "it": "1°"}.get(language, first)
    return f"{first} {month}" + (f" {year}" if year else "")


def join_names(names: list[str], language: str) -> str:
    """ "Oliver", "Oliver and Priya", "Oliver, Priya and Tomás" (no serial comma)."""
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    word = _AND.get(language, "and")
    last = names[-1].lower()
    if language == "es" and (
        last[:1] in ("i", "í") or (last[:2] == "hi" and last[2:3] not in "aeiou")
    ):
        word = "e"  # "Ana e Isabel"
    return ", ".join(names[:-1]) + f" {word} " + names[-1]


# The round of an interview: how a check-in names it ("my system design interview on ...").
ROUND_NAMES: dict[str, dict[str, str]] = {
    "phone_screen": {
        "en": "phone screen",
        "fr": "entretien téléphonique",
        "de": "Telefoninterview",
        "es": "entrevista telefónica",
        "it": "colloquio telefonico",
        "pt": "entrevista por telefone",
    },
    "technical": {
        "en": "technical interview",
        "fr": "entretien technique",
        "de": "Technik-Interview",
        "es": "entrevista técnica",
        "it": "colloquio tecnico",
        "pt": "entrevista técnica",
    },
    "system_design": {
        "en": "system design interview",
        "fr": "entretien de conception de systèmes",
        "de": "Systemdesign-Interview",
        "es": "entrevista de diseño de sistemas",
        "it": "colloquio di progettazione di sistemi",
        "pt": "entrevista de design de sistemas",
    },
    "coding": {
        "en": "coding interview",
        "fr": "entretien de programmation",
        "de": "Programmier-Interview",
        "es": "entrevista de programación",
        "it": "colloquio di programmazione",
        "pt": "entrevista de programação",
    },
    "behavioral": {
        "en": "behavioral interview",
        "fr": "entretien comportemental",
        "de": "Gespräch zu meiner Arbeitsweise",
        "es": "entrevista de competencias",
        "it": "colloquio motivazionale",
        "pt": "entrevista comportamental",
    },
    "hiring_manager": {
        "en": "hiring manager interview",
        "fr": "entretien avec le manager",
        "de": "Gespräch mit der Führungskraft",
        "es": "entrevista con el responsable del puesto",
        "it": "colloquio con il responsabile",
        "pt": "entrevista com o gestor da vaga",
    },
    "portfolio": {
        "en": "portfolio review",
        "fr": "entretien de présentation de portfolio",
        "de": "Portfolio-Gespräch",
        "es": "entrevista de revisión de portafolio",
        "it": "colloquio di presentazione del portfolio",
        "pt": "entrevista de apresentação de portfólio",
    },
    "case_study": {
        "en": "case study interview",
        "fr": "entretien sur étude de cas",
        "de": "Fallstudien-Interview",
        "es": "entrevista con caso práctico",
        "it": "colloquio con caso di studio",
        "pt": "entrevista com estudo de caso",
    },
    "panel": {
        "en": "panel interview",
        "fr": "entretien collectif",
        "de": "Panel-Interview",
        "es": "entrevista con el panel",
        "it": "colloquio con il panel",
        "pt": "entrevista com o painel",
    },
    "onsite": {
        "en": "onsite interview",
        "fr": "entretien sur site",
        "de": "Vor-Ort-Gespräch",
        "es": "entrevista presencial",
        "it": "colloquio in sede",
        "pt": "entrevista presencial",
    },
    "final": {
        "en": "final-round interview",
        "fr": "entretien final",
        "de": "Abschlussgespräch",
        "es": "entrevista final",
        "it": "colloquio finale",
        "pt": "entrevista final",
    },
    "": {
        "en": "interview",
        "fr": "entretien",
        "de": "Vorstellungsgespräch",
        "es": "entrevista",
        "it": "colloquio",
        "pt": "entrevista",
    },
}

# What a conversation was about, as the object of "about" / "sur" / "über" / "sobre"; in Italian
# with its preposition ("sulla progettazione di sistemi"), which contracts with the article.
TOPICS: dict[str, dict[str, str]] = {
    "system_design": {
        "en": "system design",
        "fr": "la conception de systèmes",
        "de": "Systemdesign",
        "es": "el diseño de sistemas",
        "it": "sulla progettazione di sistemi",
        "pt": "design de sistemas",
    },
    "architecture": {
        "en": "architecture",
        "fr": "l'architecture",
        "de": "Architektur",
        "es": "la arquitectura",
        "it": "sull'architettura",
        "pt": "arquitetura",
    },
    "coding": {
        "en": "the coding exercise",
        "fr": "l'exercice de programmation",
        "de": "die Programmieraufgabe",
        "es": "el ejercicio de programación",
        "it": "sull'esercizio di programmazione",
        "pt": "o exercício de programação",
    },
    "portfolio": {
        "en": "my portfolio",
        "fr": "mon portfolio",
        "de": "mein Portfolio",
        "es": "mi portafolio",
        "it": "sul mio portfolio",
        "pt": "o meu portfólio",
    },
    "case_study": {
        "en": "the case study",
        "fr": "l'étude de cas",
        "de": "die Fallstudie",
        "es": "el caso práctico",
        "it": "sul caso di studio",
        "pt": "o estudo de caso",
    },
    "product": {
        "en": "product strategy",
        "fr": "la stratégie produit",
        "de": "Produktstrategie",
        "es": "la estrategia de producto",
        "it": "sulla strategia di prodotto",
        "pt": "estratégia de produto",
    },
    "data": {
        "en": "data modeling",
        "fr": "la modélisation des données",
        "de": "Datenmodellierung",
        "es": "el modelado de datos",
        "it": "sulla modellazione dei dati",
        "pt": "modelagem de dados",
    },
}

# What a request for documents not named asks for ("identity" papers are named no better).
_THE_DOCUMENTS = {
    "en": "the documents you asked for",
    "fr": "les documents demandés",
    "de": "die angefragten Unterlagen",
    "es": "los documentos que me pidió",
    "it": "i documenti richiesti",
    "pt": "os documentos solicitados",
}
# Documents a company asks for, as "my ..." (the object of "attached", "here is").
DOCUMENTS: dict[str, dict[str, str]] = {
    "portfolio": {
        "en": "my portfolio",
        "fr": "mon portfolio",
        "de": "mein Portfolio",
        "es": "mi portafolio",
        "it": "il mio portfolio",
        "pt": "o meu portfólio",
    },
    "resume": {
        "en": "my résumé",
        "fr": "mon CV",
        "de": "meinen Lebenslauf",
        "es": "mi currículum",
        "it": "il mio curriculum",
        "pt": "o meu currículo",
    },
    "cv": {
        "en": "my CV",
        "fr": "mon CV",
        "de": "meinen Lebenslauf",
        "es": "mi CV",
        "it": "il mio CV",
        "pt": "o meu CV",
    },
    "cover_letter": {
        "en": "my cover letter",
        "fr": "ma lettre de motivation",
        "de": "mein Anschreiben",
        "es": "mi carta de presentación",
        "it": "la mia lettera di presentazione",
        "pt": "a minha carta de apresentação",
    },
    "transcript": {
        "en": "my transcript",
        "fr": "mon relevé de notes",
        "de": "meinen Notenauszug",
        "es": "mi expediente académico",
        "it": "il mio certificato degli esami",
        "pt": "o meu histórico escolar",
    },
    "certificate": {
        "en": "my certificates",
        "fr": "mes certificats",
        "de": "meine Zeugnisse",
        "es": "mis certificados",
        "it": "i miei certificati",
        "pt": "os meus certificados",
    },
    "writing_sample": {
        "en": "a writing sample",
        "fr": "un exemple de rédaction",
        "de": "eine Schreibprobe",
        "es": "una muestra de redacción",
        "it": "un esempio di scrittura",
        "pt": "uma amostra de redação",
    },
    "work_sample": {
        "en": "some samples of my work",
        "fr": "quelques exemples de mon travail",
        "de": "einige Arbeitsproben",
        "es": "algunas muestras de mi trabajo",
        "it": "alcuni esempi del mio lavoro",
        "pt": "algumas amostras do meu trabalho",
    },
    "identity": _THE_DOCUMENTS,
    "": _THE_DOCUMENTS,
}

# Forms a company asks the candidate to fill in or sign, as "the ...".
FORMS: dict[str, dict[str, str]] = {
    "offer": {
        "en": "the offer letter",
        "fr": "la lettre d'offre",
        "de": "das Angebotsschreiben",
        "es": "la carta de oferta",
        "it": "la lettera di offerta",
        "pt": "a carta de oferta",
    },
    "background": {
        "en": "the background check form",
        "fr": "le formulaire de vérification des antécédents",
        "de": "das Formular für die Hintergrundprüfung",
        "es": "el formulario de verificación de antecedentes",
        "it": "il modulo per la verifica dei precedenti",
        "pt": "o formulário de verificação de antecedentes",
    },
    "application": {
        "en": "the application form",
        "fr": "le formulaire de candidature",
        "de": "das Bewerbungsformular",
        "es": "el formulario de solicitud",
        "it": "il modulo di candidatura",
        "pt": "o formulário de candidatura",
    },
    "": {
        "en": "the form",
        "fr": "le formulaire",
        "de": "das Formular",
        "es": "el formulario",
        "it": "il modulo",
        "pt": "o formulário",
    },
}
