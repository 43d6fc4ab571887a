"""The mechanisms that carry understanding to mail no fixture was written for (issue 13, held-out
sets 12 and 13): a reply that picks an offered slot, the sender's zone for a bare time, a
zone's offset written beside it, the reader's own clock, outcomes and invitations in many
languages as data, relayed conversations, localised reply headers and no-reply addresses.
Each test builds the smallest case that needs one mechanism and fails without it."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest

from agent.businessdays import BusinessCalendar
from agent.mail import mime
from agent.model import FindingKind, MailMessage, is_no_reply
from agent.understanding import extract, purposes, signals
from agent.understanding.company import sends_for_others
from agent.understanding.detect import Context, _to_the_invitee, understand
from agent.understanding.names import HONORIFICS
from agent.understanding.phrases import (
    find_meeting_length,
    find_meeting_times,
    zone_named_in,
    zones,
)
from agent.understanding.phrases.picks import slot_picked
from agent.understanding.phrases.prose import strip_quoted

NEW_YORK = ZoneInfo("America/New_York")
CONTEXT = Context(
    me=frozenset({"alex@example.com"}),
    tz=NEW_YORK,
    business=BusinessCalendar("US"),
    names=frozenset({"alex rivera"}),
)


def message(
    subject: str,
    text: str,
    *,
    date: str,
    sender: str = "Dana Cole <dana@tallowbrook.com>",
    headers: dict[str, str] | None = None,
    calendar: str = "",
) -> MailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = "Alex Rivera <alex@example.com>"
    mail["Subject"] = subject
    mail["Date"] = date
    mail["Message-ID"] = "<g-1@example.org>"
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(text)
    if calendar:
        method = re.search(r"METHOD:(\w+)", calendar)
        mail.add_attachment(
            calendar.encode(),
            maintype="text",
            subtype="calendar",
            params={"method": method[1] if method else "PUBLISH"},
        )
    raw = mail.as_bytes(policy=mail.policy.clone(linesep="\r\n"))
    return mime.message_from_bytes(raw, folder="INBOX", uid=1, max_part_bytes=262144, is_sent=False)


# -- a reply that settles on one of the slots its thread offered ---------------------------

OFFER = (
    "Kindly let me know which of these slots suits you:\n"
    "- Thursday 22nd October, 4:00 pm PKT\n"
    "- Friday 23rd October, 11:00 am PKT\n"
)
SENT = datetime(2026, 10, 15, 5, 3, tzinfo=UTC)
KARACHI = ZoneInfo("Asia/Karachi")


def test_a_reply_naming_a_weekday_and_an_hour_picks_the_offered_slot() -> None:
    picked = slot_picked("Perfect, done! Thursday it is, 4pm our time.", OFFER, SENT, KARACHI)
    assert [start for start, _, _ in picked] == [datetime(2026, 10, 22, 11, 0, tzinfo=UTC)]


@pytest.mark.parametrize(
    "reply",
    [
        "Unfortunately Thursday at 4pm no longer works, sorry.",  # turned down
        "Could we do Thursday at 4pm?",  # asked
        "See you at 9am.",  # fits no offered slot
        "Thanks, noted.",  # no cue at all
    ],
)
def test_a_reply_that_does_not_settle_picks_nothing(reply: str) -> None:
    assert slot_picked(reply, OFFER, SENT, KARACHI) == []


def test_an_hour_two_offered_days_share_picks_nothing() -> None:
    offer = "Would Tue 20 Oct at 8:00am or Wed 21 Oct at 8:00am HST work?"
    assert slot_picked("All set for 8 our time.", offer, SENT, ZoneInfo("Pacific/Honolulu")) == []


def test_the_picked_slot_makes_a_short_reply_an_interview() -> None:
    text = (
        "Fechado então! Quinta às 10h com a Ju e o Rafa. Boa sorte!\n\n"
        "Em seg., 19 de out. de 2026 às 11:20, Camila <camila@jabuticaba.com.br> escreveu:\n"
        "> Gostamos muito do seu perfil para a vaga de Product Manager aqui na Jabuticaba!\n"
        "> O próximo passo é uma conversa de 50 minutos (horário de São Paulo):\n"
        "> - quinta-feira (22/10) às 10h\n"
        "> - sexta-feira (23/10) às 15h\n"
        "> Consegue me confirmar até amanhã?\n"
    )
    found = understand(
        message(
            "Re: Próximos passos",
            text,
            date="Mon, 19 Oct 2026 16:02:14 -0300",
            sender="Camila <camila@jabuticaba.com.br>",
        ),
        CONTEXT,
    )
    assert found.kind == FindingKind.INTERVIEW
    assert found.interview is not None
    assert found.interview.start == datetime(2026, 10, 22, 13, 0, tzinfo=UTC)


# -- the sender's zone for a time that names none ----------------------------------------------

GERMAN_NOTICE = (
    "Sehr geehrter Herr Rivera,\n\nwir laden Sie herzlich zu einem Vorstellungsgespräch ein:\n\n"
    "Termin:  Donnerstag, 29.10.2026\nUhrzeit: 14:00 bis 15:00 Uhr\n\n"
    "Mit freundlichen Grüßen\nLena Hartmann\nTannberg Logistik AG\n"
    "Am Sandtorkai 41, 20457 Hamburg\n"
)


def test_a_bare_time_is_in_the_senders_zone_when_the_mail_says_where_that_is() -> None:
    found = understand(
        message(
            "Einladung zum Vorstellungsgespräch - Data Analyst (m/w/d)",
            GERMAN_NOTICE,
            date="Wed, 14 Oct 2026 08:47:51 +0200",
            sender="Tannberg Logistik AG <no-reply@tannberg.dvinci-hr.com>",
        ),
        CONTEXT,
    )
    assert found.interview is not None
    # 14:00 in Hamburg on 29 October, after the EU change: CET, 13:00 UTC
    assert found.interview.start == datetime(2026, 10, 29, 13, 0, tzinfo=UTC)


def test_a_bare_time_from_another_zone_of_the_users_country_stays_the_users() -> None:
    text = (
        "Hi Alex,\n\nYour interview for the Data Analyst role is confirmed for Thursday at 2pm.\n"
    )
    found = understand(
        message(
            "Interview confirmed", text, date="Mon, 05 Oct 2026 09:00:00 -0600"
        ),  # Denver's clock
        CONTEXT,
    )
    assert found.interview is not None
    assert found.interview.start == datetime(2026, 10, 8, 18, 0, tzinfo=UTC)  # 2pm New York


def test_a_zone_is_guessed_only_where_every_candidate_keeps_the_same_offsets() -> None:
    when = datetime(2026, 10, 14, 6, 47, tzinfo=UTC)
    berlin = zones.zone_keeping_offset(timedelta(hours=2), when, ["Europe/Berlin", "Europe/Vienna"])
    assert berlin is not None and berlin.key == "Europe/Berlin"
    # London and Lagos both read +01:00 in early October, and part ways at the end of it
    assert (
        zones.zone_keeping_offset(timedelta(hours=1), when, ["Europe/London", "Africa/Lagos"])
        is None
    )


# -- zones written beside a time ----------------------------------------------------------------


def test_the_readers_clock_is_the_users_whatever_zone_the_text_is_read_in() -> None:
    sent = datetime(2026, 10, 30, 10, 5, tzinfo=UTC)
    singapore = ZoneInfo("Asia/Singapore")
    for text in (
        "Confirming Wed 4 Nov, 9.30pm-10.15pm your time (Thu 5 Nov, 10.30am-11.15am SGT).",
        "Friday, 16 Oct, same time (that's Thursday 9pm on your side).",
    ):
        found = find_meeting_times(
            text,
            sent if "Nov" in text else datetime(2026, 10, 12, tzinfo=UTC),
            singapore,
            reader=NEW_YORK,
        )
        assert found, text
        local = found[0][0].astimezone(NEW_YORK)
        assert (local.hour, local.minute) in ((21, 30), (21, 0)), text


def test_an_offset_written_beside_a_zones_name_is_the_instants() -> None:
    sent = datetime(2026, 11, 9, 16, 5, tzinfo=UTC)
    text = (
        "Fecha: jueves 12 de noviembre de 2026\nHora: 9:30 a 10:30 h (hora del Pacífico, GMT-7)\n"
    )
    found = find_meeting_times(text, sent, NEW_YORK)
    # Los Cabos keeps -7 in November; California's Pacific time is -8 by then
    assert found[0][0] == datetime(2026, 11, 12, 16, 30, tzinfo=UTC)


def test_our_time_takes_the_place_or_abbreviation_in_parentheses() -> None:
    sent = datetime(2026, 9, 29, 22, 48, tzinfo=UTC)
    found = find_meeting_times(
        "It's now Thursday at 8:30 AM our time (Navajo Nation, MDT).", sent, NEW_YORK
    )
    assert found[0][0] == datetime(2026, 10, 1, 14, 30, tzinfo=UTC)
    found = find_meeting_times("Tuesday 17 November 10:00am WST (Apia) suits.", sent, NEW_YORK)
    assert found[0][0] == datetime(2026, 11, 16, 21, 0, tzinfo=UTC)


def test_a_conversion_in_parentheses_is_not_the_zone() -> None:
    sent = datetime(2026, 10, 26, 7, 47, tzinfo=UTC)
    text = (
        "Neuer Termin: Freitag, 6. November 2026, 15:00 Uhr unserer Zeit "
        "(bei Ihnen in New York 9:00 Uhr)."
    )
    found = find_meeting_times(text, sent, ZoneInfo("Europe/Rome"))
    assert found[0][0] == datetime(2026, 11, 6, 14, 0, tzinfo=UTC)


def test_an_abbreviation_follows_the_place_named_after_it() -> None:
    sent = datetime(2026, 10, 13, 15, 42, tzinfo=UTC)
    found = find_meeting_times(
        "Tuesday, October 20, 2026 10:30 AM CST (Regina, Saskatchewan)", sent, NEW_YORK
    )
    assert found[0][0] == datetime(2026, 10, 20, 16, 30, tzinfo=UTC)  # Regina keeps CST
    found = find_meeting_times(
        "Tuesday, 20th October 2026 7:30 PM BST (Dhaka time, GMT+6)", sent, NEW_YORK
    )
    assert found[0][0] == datetime(2026, 10, 20, 13, 30, tzinfo=UTC)  # Bangladesh, not Britain


@pytest.mark.parametrize(
    ("text", "hour"),
    [
        ("op donderdag 1 oktober 2026 om 15u30 (Belgische tijd)", 13),
        ("dijous, 12 de novembre de 2026, de 16.00 a 17.00 h (hora d'Andorra)", 15),
        ("Thursday 5 November, 09.00 WITA", 1),
        ("giovedì 1° ottobre 2026 alle ore 14:00 (ora svizzera)", 12),
    ],
)
def test_times_as_other_countries_write_them(text: str, hour: int) -> None:
    found = find_meeting_times(text, datetime(2026, 9, 22, tzinfo=UTC), NEW_YORK)
    assert found and found[0][0].hour == hour, found


# -- outcomes, invitations and ways out, as data --------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Nach sorgfältiger Abwägung haben wir uns für eine Kandidatin entschieden.",
        "lamentamos comunicarte que hemos decidido seguir adelante con otros perfiles",
        "nous avons le regret de vous informer que nous ne donnerons pas une suite favorable",
        "abbiamo deciso di proseguire l'iter di selezione con altri candidati",
        "har dessverre valgt å gå videre med andre kandidater",
        "Valitettavasti valintamme ei tällä kertaa kohdistunut sinuun",
        "on this occasion we won't be taking your application further",
        "we have decided to offer the position to a candidate whose experience matches",
        "the team has decided to continue with another candidate",
        "After careful consideration, the committee has selected another finalist.",
        "il cliente ha deciso di proseguire con un altro candidato",
        "we have decided to move forward with candidates whose experience more closely matches",
        "podjęliśmy decyzję o kontynuowaniu procesu rekrutacji z innymi kandydatami",
    ],
)
def test_a_rejection_is_read_in_every_language_we_read(text: str) -> None:
    assert signals.REJECTION.search(text)


@pytest.mark.parametrize(
    "text",
    [
        "Leider müssen wir den Termin verschieben.",  # "unfortunately" opens other news too
        "Lamentablemente tenemos que mover la entrevista al jueves.",
        "We will keep your details and look forward to the next round.",
    ],
)
def test_bad_news_about_a_date_is_not_a_rejection(text: str) -> None:
    assert not signals.REJECTION.search(text)


def test_offers_in_english_and_the_data_languages() -> None:
    assert signals.is_offer("I'm delighted to offer you the role of Senior Backend Engineer!")
    assert signals.is_offer("Your letter of offer is attached.")
    assert signals.is_offer("Vi vil gerne tilbyde dig stillingen som udvikler.")
    assert not signals.is_offer("This notice does not constitute an offer of employment.")


@pytest.mark.parametrize("name", ["outcomes", "confirmation_words", "opt_out", "interview_words"])
def test_every_data_pattern_compiles_and_keeps_the_screen(name: str) -> None:
    for pattern in signals.lines_of(name):
        re.compile(pattern)
    for compiled in (signals.REJECTION, signals.OFFER, signals.CONFIRMATION_WORDS, signals.OPT_OUT):
        assert compiled.screen is not None  # no line unscreened the pattern


def test_no_foreign_confirmation_word_matches_an_english_word() -> None:
    english = (
        "invitation invite invited confirmation convocation planned booked scheduled "
        "information programme programmed stabilise interview"
    )
    for pattern in signals.lines_of("confirmation_words"):
        assert not re.search(rf"\b(?:{pattern})", "we will send an invitation", re.I)
        for word in english.split():
            assert not re.fullmatch(pattern, word, re.I), (pattern, word)


def test_one_time_with_a_way_out_is_settled() -> None:
    text = (
        "Hola Alex,\n\nEt proposem venir a l'estudi el dijous 22 d'octubre, de 10:30 a 11:30 "
        "(hora de Barcelona) per a l'entrevista del lloc de Desenvolupador/a Unity.\n\n"
        "Si no et va bé, digues-m'ho.\n\nMarta\n"
    )
    found = understand(
        message(
            "Entrevista a l'estudi - Desenvolupador/a Unity",
            text,
            date="Thu, 15 Oct 2026 10:12:37 +0200",
            sender="Marta Vila <marta.vila@malvasiagames.cat>",
        ),
        CONTEXT,
    )
    assert found.kind == FindingKind.INTERVIEW
    assert found.interview is not None
    assert found.interview.start == datetime(2026, 10, 22, 8, 30, tzinfo=UTC)


# -- headers: relays, auto-replies, reply blocks, no-reply addresses -----------------------


def test_a_relayed_conversation_with_list_headers_is_not_a_newsletter() -> None:
    text = (
        "Dear Alex,\n\nThank you for your interest in the Product Analyst position. We are "
        "pleased to invite you for an interview on Wednesday 7th October 2026 at 3:00 pm "
        "Kigali time.\n\nClaudine\n"
    )
    headers = {
        "Reply-To": "reply-88127450-5a1e@messages.fuzu.com",
        "List-Unsubscribe": "<https://www.fuzu.com/unsubscribe>",
    }
    relayed = message(
        "New message from Virunga Mobility about Product Analyst",
        text,
        date="Thu, 01 Oct 2026 11:18:26 +0200",
        sender="Fuzu <messages@fuzu.com>",
        headers=headers,
    )
    assert understand(relayed, CONTEXT).kind == FindingKind.INTERVIEW
    newsletter = message(
        "New message from Virunga Mobility about Product Analyst",
        text,
        date="Thu, 01 Oct 2026 11:18:26 +0200",
        sender="Fuzu <messages@fuzu.com>",
        headers={"List-Unsubscribe": "<https://www.fuzu.com/unsubscribe>"},
    )
    assert understand(newsletter, CONTEXT).kind == FindingKind.NONE


def test_an_rfc_3834_auto_reply_is_an_out_of_office() -> None:
    ooo = message(
        "Automatická odpověď: Thank you for the interview",
        "Zpět v kanceláři budu v pondělí 19. 10. 2026.",
        date="Fri, 09 Oct 2026 07:05:40 +0000",
        headers={"Auto-Submitted": "auto-replied"},
    )
    assert understand(ooo, CONTEXT).kind == FindingKind.OUT_OF_OFFICE


@pytest.mark.parametrize(
    ("sender_label", "sent_label"),
    [("Van", "Verzonden"), ("Från", "Skickat"), ("Od", "Wysłano"), ("De", "Data")],
)
def test_outlooks_reply_block_ends_the_new_text_in_other_languages(
    sender_label: str, sent_label: str
) -> None:
    text = (
        "New words.\n\n"
        f"{sender_label}: Alex Rivera <alex@example.com>\n{sent_label}: 22 september 2026 17:41\n"
        "Old words.\n"
    )
    assert strip_quoted(text).strip() == "New words."


@pytest.mark.parametrize(
    "address",
    [
        "nao-responda@email.solides.com.br",
        "notificaciones@pandape.com",
        "powiadomienia@erecruiter.pl",
        "ne-pas-repondre@example.fr",
        "keine-antwort@example.de",
    ],
)
def test_no_reply_addresses_in_other_languages_are_nobody(address: str) -> None:
    assert is_no_reply(address)


# -- people: titles of address, the writer in the room, the list of who you meet --------------


def _interviewers(found_text: str, subject: str, date: str, sender: str) -> set[str]:
    found = understand(message(subject, found_text, date=date, sender=sender), CONTEXT)
    assert found.interview is not None
    return {p.name for p in found.interview.people if p.role == "interviewer"}


def test_titles_of_address_in_other_languages_are_not_part_of_a_name() -> None:
    for written, name in (
        ("Pani Agnieszka Wójcik", "Agnieszka Wójcik"),
        ("Mtro. Jorge Amador Geraldo", "Jorge Amador Geraldo"),
        ("M. Loïc Bourguignon", "Loïc Bourguignon"),
        ("Pak Made Wirawan", "Made Wirawan"),
        ("Dean Smith", "Dean Smith"),  # a first name, not a title, before one word
        ("Melissa Jones", "Melissa Jones"),
    ):
        assert HONORIFICS.sub("", written) == name


def test_the_writer_who_puts_themselves_in_the_room_is_an_interviewer_too() -> None:
    text = (
        "Bonjour Alex,\n\nje vous confirme votre entretien pour le poste d'Ingénieur(e) "
        "logiciel : le mardi 27 octobre 2026 de 14h00 à 15h00, heure de Guyane (UTC-3).\n\n"
        "Vous serez reçu(e) par M. Loïc Bourguignon, directeur technique, et moi-même.\n\n"
        "Bien cordialement,\n\nNadège Horth\nChargée de recrutement\nFragata Ingénierie SAS\n"
    )
    people = _interviewers(
        text,
        "Entretien – Ingénieur(e) logiciel",
        "Wed, 21 Oct 2026 10:14:09 -0300",
        "Nadège Horth <n.horth@fragata-ingenierie.gf>",
    )
    assert people == {"Loïc Bourguignon", "Nadège Horth"}


def test_a_recruiter_listed_among_the_people_you_meet_takes_part() -> None:
    text = (
        "Hola Alex:\n\nTe confirmamos la entrevista para la vacante de Analista.\n\n"
        "Fecha: jueves 12 de noviembre de 2026\nHora: 9:30 a 10:30 h (hora de Ciudad de México)\n\n"
        "Te entrevistarán:\n- Lic. Mariana Solís Cota, Atracción de Talento\n"
        "- Mtro. Jorge Amador Geraldo, Gerente Corporativo de Revenue\n\nSaludos,\nMariana\n"
    )
    people = _interviewers(
        text,
        "Convocatoria a entrevista - Analista",
        "Mon, 09 Nov 2026 10:05:33 -0600",
        "Mariana Solís Cota <msolis@grupobejuco.com.mx>",
    )
    assert people == {"Mariana Solís Cota", "Jorge Amador Geraldo"}


# -- a platform known by its own words, not by a list -----------------------------------------


def test_a_platform_that_names_itself_is_never_the_company() -> None:
    glints = message(
        "Interview invitation",
        "Hi Alex, Ulin has invited you to an interview.\n\nGood luck!\nThe Glints Team\n\n"
        "You received this email because you applied for a job on Glints.\n",
        date="Mon, 26 Oct 2026 10:00:00 +0700",
        sender="Glints <no-reply@glints.com>",
    )
    assert sends_for_others(glints, "glints.com")
    solides = message(
        "Convite para entrevista",
        "Olá Alex,\n\nEste e-mail foi enviado pela plataforma Sólides Vagas em nome de "
        "Arapaima Agroindustrial Ltda.\n",
        date="Mon, 26 Oct 2026 10:00:00 -0500",
        sender="Arapaima Agroindustrial via Sólides <nao-responda@email.solides.com.br>",
    )
    assert sends_for_others(solides, "email.solides.com.br")
    # a company's own calendar server: its people write from the domain
    own = message(
        "Einladung: Vorstellungsgespräch",
        "Jonas Pfeiffer lädt Sie ein.\nKontakt: jonas.pfeiffer@oriole-robotics.de\n",
        date="Mon, 26 Oct 2026 10:00:00 +0100",
        sender="Jonas Pfeiffer via Oriole Cloud <invitations-noreply@oriole-robotics.de>",
    )
    assert not sends_for_others(own, "oriole-robotics.de")


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("Het gesprek duurt ongeveer een uur.", 60),
        ("Wir haben eine Stunde eingeplant.", 60),
        ("durata circa mezz'ora", 30),
        ("Duração: cerca de 1 hora", 60),
        ("Plan for 1,5 Stunden", 90),
        ("Arrive 10 minutes early.", None),  # how early, not how long
        ("alle ore 14:00 (ora di Roma)", None),  # the word for hour, no length
    ],
)
def test_a_meetings_length_in_the_languages_of_the_data(text: str, minutes: int | None) -> None:
    found = find_meeting_length(text)
    assert (found.total_seconds() // 60 if found else None) == minutes


@pytest.mark.parametrize(
    ("meeting", "job"),
    [
        ("een kennismakingsgesprek", "voor de functie van Data Engineer"),
        ("ett första samtal", "om tjänsten som utvecklare"),
        ("rozmowę techniczną", "na stanowisko Senior Backend Developer"),
        ("görüşme", "pozisyon için"),
    ],
)
def test_meetings_and_jobs_in_the_languages_of_the_data(meeting: str, job: str) -> None:
    assert signals.MEETING_NOUNS.search(meeting)
    assert signals.JOB_CONTEXT.search(job)


# -- where the meeting is, and places that share a name (held-out set 15) ---------------------


def test_a_bare_time_is_the_venues_when_the_mail_gives_its_address() -> None:
    text = (
        "Dear Alex,\n\nI would very much like to meet you in person while I am in the US, to "
        "talk about the Director of Revenue Strategy role. Could we meet on Tuesday 20 October "
        "at 3:00 PM?\n\nThe Langham, New York, Fifth Avenue\n"
        "400 Fifth Avenue, New York, NY 10018\n\n"
        "If anything changes on the day, WhatsApp is the quickest way to reach me.\n\n"
        "Warm regards,\n\nPimchanok Srisawat\nRatchada Hotels\n1919 Ratchadaphisek Road, Bangkok\n"
    )
    found = understand(
        message(
            "Meeting in New York",
            text,
            date="Mon, 12 Oct 2026 21:47:09 +0700",
            sender="Pimchanok Srisawat <pimchanok.s@ratchadahotels.com>",
        ),
        CONTEXT,
    )
    assert found.interview is not None
    # 3 PM at the hotel in New York, not in Bangkok where the mail was written
    assert found.interview.start == datetime(2026, 10, 20, 19, 0, tzinfo=UTC)


def test_a_capital_a_declared_offset_and_a_shared_city_name() -> None:
    sent = datetime(2026, 11, 8, 6, 22, tzinfo=UTC)
    assert zones.zone_after(" Doha time (AST, GMT+3).", 0) == ZoneInfo("Asia/Qatar")
    rows = (
        "All times below are Qatar time (GMT+3).\n\nSunday, 15 November 2026\n"
        "09:30 - 10:00  Welcome"
    )
    assert find_meeting_times(rows, sent, NEW_YORK)[0][0] == datetime(
        2026, 11, 15, 6, 30, tzinfo=UTC
    )
    valencia = "jueves 8 de octubre de 2026 a las 14:30 (hora de Valencia)"
    # Caracas's Valencia is the larger city; a sender whose clock reads +02:00 means Spain's
    from_spain = find_meeting_times(
        valencia, datetime(2026, 10, 1, tzinfo=UTC), NEW_YORK, near=timedelta(hours=2)
    )
    assert from_spain[0][0] == datetime(2026, 10, 8, 12, 30, tzinfo=UTC)


def test_a_portuguese_offer() -> None:
    assert signals.is_offer("Tenho o prazer de te enviar a nossa proposta para a vaga de Analista.")


# -- held-out set 14 ----------------------------------------------------------------------------


def test_a_reply_attribution_is_not_the_threads_zone() -> None:
    quoted = (
        "See you then.\n\nOn 27 October 2026 16:12:09 CET, Alex <alex@example.com> wrote:\n> Hi"
    )
    assert zone_named_in(quoted) is None
    assert zone_named_in("Works for me.\n> Would 3pm UK time suit?") == ZoneInfo("Europe/London")


def test_a_numeric_date_is_read_the_way_that_lies_ahead() -> None:
    sent = datetime(2026, 10, 26, 9, 31, tzinfo=UTC)
    found = find_meeting_times(
        "Interview date 05/11/2026\nInterview time 14:00 (UK time)", sent, NEW_YORK
    )
    assert found[0][0] == datetime(2026, 11, 5, 14, 0, tzinfo=UTC)  # 5 November, not 11 May


def test_an_assessment_centre_is_live_and_a_reference_code_is_not_a_passcode() -> None:
    text = (
        "Dear Alex,\n\nApplication reference: OTP/2611 - Data Engineer\n\nThank you for "
        "completing the online assessments. We are delighted to invite you to a Virtual "
        "Assessment Centre on Microsoft Teams.\n\nDate: Wednesday 14 October 2026\n"
        "Time: 13:00 - 16:15 (UK time, BST)\n\n15:30 - 16:15  Competency-based interview\n"
    )
    found = understand(
        message(
            "Invitation to Virtual Assessment Centre - Data Engineer",
            text,
            date="Mon, 05 Oct 2026 10:14:37 +0100",
            sender="Orkney Tidal Careers <noreply@orkneytidal.tal.net>",
        ),
        CONTEXT,
    )
    assert found.kind == FindingKind.INTERVIEW


def test_a_stewards_investigatory_interview_is_not_the_users_job_interview() -> None:
    assert purposes.not_a_job("Investigatory interview - your Weingarten rights as steward")
    assert signals.REJECTION.search("you have not been successful on this occasion")


# -- held-out set 17 ----------------------------------------------------------------------------


def test_a_user_interview_stage_is_a_job_interview_and_a_user_study_is_not() -> None:
    assert not purposes.not_a_job("We are pleased to invite you to the User Interview stage.")
    assert purposes.not_a_job("Would you take part in a user interview about our banking app?")


def test_an_abbreviation_spelled_out_in_parentheses() -> None:
    text = (
        "Date: Friday, October 16, 2026\nTime: 10:00 AM - 11:00 AM PST (Philippine Standard Time)"
    )
    found = find_meeting_times(text, datetime(2026, 10, 10, tzinfo=UTC), NEW_YORK)
    assert found[0][0] == datetime(2026, 10, 16, 2, 0, tzinfo=UTC)  # Manila, not California


def test_a_boards_reply_domain_marks_a_relayed_rejection() -> None:
    rejection = message(
        "Actualización de tu postulación",
        "Hola Alex,\n\nGracias por tu tiempo. Hemos decidido avanzar con otros perfiles.\n",
        date="Mon, 26 Oct 2026 10:00:00 -0600",
        sender="Konzerta <noreply@konzerta.com>",
        headers={
            "Reply-To": "Grupo Yuca <e55120347.r9k2@respuestas.konzerta.com>",
            "List-Unsubscribe": "<https://www.konzerta.com/notificaciones?baja=1>",
        },
    )
    assert understand(rejection, CONTEXT).kind == FindingKind.REJECTION


# -- held-out set 16 ----------------------------------------------------------------------------


def test_a_year_first_date_with_its_weekday_after_it() -> None:
    text = "Időpont: 2026. október 7., szerda, 16:00-17:00 (budapesti idő szerint)"
    found = find_meeting_times(text, datetime(2026, 9, 28, 8, tzinfo=UTC), NEW_YORK)
    assert found[0][0] == datetime(2026, 10, 7, 14, 0, tzinfo=UTC)


def test_a_place_in_parentheses_after_a_range() -> None:
    text = "Date Tuesday, 3 November 2026\nTime 15:00 – 16:00 (Gibraltar, CET)\n"
    found = find_meeting_times(text, datetime(2026, 10, 27, 9, tzinfo=UTC), NEW_YORK)
    assert found[0][0] == datetime(2026, 11, 3, 14, 0, tzinfo=UTC)


def test_the_invitees_own_booking_is_not_a_notice_to_the_host() -> None:
    booked = message(
        "Confirmed: Tergi Labs – Frontend Engineer technical interview",
        "Your booking is confirmed\n",
        date="Fri, 25 Sep 2026 13:44:03 +0000",
        sender="Koalendar <notifications@koalendar.com>",
    )
    assert _to_the_invitee(booked, "Invitee: Alex Rivera (alex@example.com)\nHost: Levan")
    assert not _to_the_invitee(booked, "Invitee: Sam Lee (sam@example.org)\nHost: Alex")


def test_a_person_of_another_organisation_writing_from_a_platform() -> None:
    hirehive = message(
        "Final stage interviews - Senior Analytics Engineer - Joran Analytics",
        "Hi Alex,\n\nA calendar file with the three blocks is attached.\n",
        date="Fri, 30 Oct 2026 11:02:00 +0000",
        sender='"Aoife Walsh (Joran Analytics)" <jobs@mail.hirehive.com>',
    )
    assert sends_for_others(hirehive, "mail.hirehive.com")


# -- held-out set 18 ----------------------------------------------------------------------------


def test_bookings_that_list_the_user_as_the_guest() -> None:
    booked = message("Confirmed: Intro call", "Hi Alex\n", date="Thu, 10 Sep 2026 20:12:44 +0000")
    assert _to_the_invitee(booked, "Invitee Email:\nalex@example.com\n")  # Calendly
    assert _to_the_invitee(
        booked,
        "Who:\nPriya Chandran - Organizer\npriya@tussock.ca\n\nAlex Rivera\nalex@example.com",
    )  # Cal.com
    assert not _to_the_invitee(booked, "Who:\nAlex Rivera - Organizer\nalex@example.com\n")


def test_a_confirmation_that_offers_help_is_not_a_proposal() -> None:
    text = (
        "Hi Alex,\n\nPerfect, Thursday at 4 works. You're confirmed for Thursday, October 29 at "
        "4:00 PM ET with Marcus Lee for the Manager, CRM role, a 45-minute call. I'll send a "
        "hold as well. Let me know if anything comes up!\n\nShauna\nTalent Acquisition Partner\n"
    )
    found = understand(
        message("RE: next steps", text, date="Fri, 23 Oct 2026 16:22:53 +0000"), CONTEXT
    )
    assert found.kind == FindingKind.INTERVIEW


def test_a_move_from_the_company_of_a_known_interview() -> None:
    text = (
        "Hey Alex,\n\nI moved our intro call to Thursday (9/17), same time: 11:30 ET.\n\nMarcus\n"
    )
    moved = message(
        "moving our call to Thursday",
        text,
        date="Mon, 14 Sep 2026 13:00:00 -0400",
        sender="Marcus Bell <marcus@tallgrasslabs.com>",
    )
    assert understand(moved, CONTEXT).kind != FindingKind.INTERVIEW  # no job named, no thread
    known = replace(CONTEXT, known_company=lambda m: m.from_.domain == "tallgrasslabs.com")
    assert understand(moved, known).kind == FindingKind.INTERVIEW


def test_a_job_title_beside_the_users_name_in_an_invitations_title() -> None:
    title = "Alex Rivera <> Priya Raman: Staff Product Designer portfolio review"
    event = (
        "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:h-1@cinderslate.com\r\n"
        f"DTSTART:20261016T170000Z\r\nDTEND:20261016T180000Z\r\nSUMMARY:{title}\r\n"
        "ORGANIZER;CN=Priya Raman:mailto:priya.raman@cinderslate.com\r\n"
        "ATTENDEE;CN=Alex Rivera:mailto:alex@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    invite = message(
        f"Invitation: {title}",
        "See you Friday.",
        date="Mon, 12 Oct 2026 20:44:17 +0000",
        sender="Priya Raman <priya.raman@cinderslate.com>",
        calendar=event,
    )
    assert understand(invite, CONTEXT).kind == FindingKind.INTERVIEW


# -- held-out set 19 ----------------------------------------------------------------------------


def test_a_friends_own_round_and_calls_in_other_languages() -> None:
    assert signals.SENDERS_OWN_INTERVIEW.search("I cleared the hiring manager round at Zentrix")
    for call in ("una videollamada", "uma chamada", "un appel", "ein Telefonat", "¿charlamos?"):
        assert signals.MEETING_NOUNS.search(call), call


def test_a_booking_pages_published_file_leaves_the_mail_to_be_read() -> None:
    event = (
        "BEGIN:VCALENDAR\r\nMETHOD:PUBLISH\r\nBEGIN:VEVENT\r\nUID:p-1@calendly.com\r\n"
        "DTSTART:20261020T150000Z\r\nDTEND:20261020T153000Z\r\nSUMMARY:Primera llamada\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    booking = message(
        "Confirmado: Primera llamada – Product Manager (Rutafresca) con Nuria",
        "Hola, Alex:\n\nSe ha programado un nuevo evento.\n\nPrimera llamada – Product Manager\n"
        "11:00 - 11:30, martes, 20 de octubre de 2026 (Hora del Este)\n",
        date="Wed, 14 Oct 2026 22:17:01 +0000",
        sender="Calendly <notifications@calendly.com>",
        calendar=event,
    )
    found = understand(booking, CONTEXT)
    assert found.kind == FindingKind.INTERVIEW
    assert found.interview is not None
    assert found.interview.start == datetime(2026, 10, 20, 15, 0, tzinfo=UTC)


# -- senses of "interview" that are not the user's job interview (sets 15 to 19) ---------------


@pytest.mark.parametrize(
    "text",
    [
        "Your Oral Proficiency Interview (OPI) - Arabic",
        "Key informant interview - programme evaluation",
        "Open call: colloquio con la curatrice",
        "Entrevista de validación - futuro franquiciatario",
        "Ghostwriting: content interview for your next LinkedIn posts",
        "Staff augmentation: meet our proposed developer for your team",
        "Skipper interview before your bareboat charter out of Split",
        "We invite you to serve as Subject Expert on the Selection Committee for the post.",
        "Interviews with the teacher: each retreatant meets the teacher every other day.",
        "Your relocation consultant has scheduled your needs assessment interview.",
        "En el marco del trámite de su solicitud de adopción internacional",
        "nous vous convoquons à un entretien préalable",
        "debemos realizar con usted una breve entrevista de debida diligencia (KYC)",
        "Shortlisted attendees may be invited to on-the-spot interviews. General Admission (Free)",
        "Diego te entrevistará en vivo por LinkedIn Live y YouTube",
    ],
)
def test_senses_of_interview_that_are_not_a_job(text: str) -> None:
    assert purposes.not_a_job(text)


# -- candidacy: an interview counts only where something shows it is for a job ---------------
# No line of data names the purposes below: the structure decides, not a list of senses.

LIGHTHOUSE = (
    "Hi Alex,\n\nThanks for signing up. Your interview with our keeper is confirmed for Tuesday "
    "20 October at 3:00 pm Eastern, at the harbour office.\n\n{extra}Best,\nMorgan Hale\n{title}\n"
)


def test_an_interview_that_names_no_job_is_only_possible() -> None:
    mail = message(
        "Your interview on Tuesday",
        LIGHTHOUSE.format(extra="", title="Lighthouse Friends of Cape Ann"),
        date="Mon, 12 Oct 2026 14:00:00 +0000",
        sender="Morgan Hale <morgan@capeannlight.org>",
    )
    assert not purposes.not_a_job(mail.subject, mail.text)
    found = understand(mail, CONTEXT)
    assert found.kind == FindingKind.POSSIBLE
    assert "job" in found.reason


@pytest.mark.parametrize(
    ("extra", "title", "evidence"),
    [
        ("It is for the Data Analyst position.\n\n", "Volunteer Office", "hiring words"),
        ("", "Talent Acquisition", "signed by a recruiter"),
        ("", "Recursos Humanos · Cape Ann Light", "signed by a recruiter"),
    ],
)
def test_a_job_named_a_hiring_word_or_a_recruiter_makes_it_an_interview(
    extra: str, title: str, evidence: str
) -> None:
    mail = message(
        "Your interview on Tuesday",
        LIGHTHOUSE.format(extra=extra, title=title),
        date="Mon, 12 Oct 2026 14:00:00 +0000",
        sender="Morgan Hale <morgan@capeannlight.org>",
    )
    found = understand(mail, CONTEXT)
    assert found.kind == FindingKind.INTERVIEW
    assert found.interview is not None
    assert evidence in found.interview.evidence


@pytest.mark.parametrize(
    "weak",
    [
        "Thank you for your application.",
        "Merci pour votre candidature.",
        "The role of the keeper is explained at the visit.",
        "A coordinator will meet you at the gate.",
    ],
)
def test_words_any_selection_has_show_no_job(weak: str) -> None:
    """ "Your application" (to adopt, to volunteer), "the role" of someone, a coordinator's
    signature: an adoption, a board and a study all have them."""
    mail = message(
        "Your interview on Tuesday",
        LIGHTHOUSE.format(extra=weak + "\n\n", title="Volunteer Coordinator"),
        date="Mon, 12 Oct 2026 14:00:00 +0000",
        sender="Morgan Hale <morgan@capeannlight.org>",
    )
    assert understand(mail, CONTEXT).kind == FindingKind.POSSIBLE


def test_a_bilingual_letter_is_signed_above_its_second_half() -> None:
    text = (
        "Good afternoon Alex Rivera,\n\nWe are pleased to invite you to an interview on Monday, "
        "November 16, 2026 at 9:00 a.m. (Eastern Time).\n\nRegards,\n\nAmélie Gagnon\n"
        "Human Resources Advisor, Staffing\n\n----------------------------------------\n\n"
        "Bonjour Alex Rivera,\n\nNous avons le plaisir de vous convoquer à une entrevue le lundi "
        "16 novembre 2026 à 9 h (heure de l'Est).\n\nCordialement,\n\nAmélie Gagnon\n"
    )
    mail = message(
        "Invitation to an interview / Convocation à une entrevue",
        text,
        date="Mon, 2 Nov 2026 19:00:00 +0000",
        sender="Amélie Gagnon <amelie.gagnon@cgda-acdg.gc.ca>",
    )
    found = understand(mail, CONTEXT)
    assert found.kind == FindingKind.INTERVIEW
    assert found.interview is not None
    assert "signed by a recruiter" in found.interview.evidence


def test_a_text_message_naming_a_known_company_moves_its_interview() -> None:
    """A phone service relays the text; only the company's name ties it to the interview."""
    keys = {extract.company_key("Rathmines Analytics Ltd.")}
    sms = message(
        "New text message from +353 87 162 0458",
        "Hi Alex, it's Aoife from Rathmines Analytics. Can we push today's interview to 4pm "
        "Irish time (12 noon your time)? Same Teams link. Text back if that doesn't work.\n",
        date="Tue, 27 Oct 2026 10:05:00 +0000",  # Ireland is on GMT, New York on EDT
        sender="+353 87 162 0458 (SMS) <13475550172.353871620458.kq@txt.voice.google.com>",
    )

    def known(mail: MailMessage) -> bool:
        return extract.names_a_company(strip_quoted(mail.text), keys)

    assert understand(sms, CONTEXT).kind == FindingKind.POSSIBLE
    found = understand(sms, replace(CONTEXT, known_company=known))
    assert found.kind == FindingKind.INTERVIEW
    assert found.interview is not None
    assert found.interview.start == datetime(2026, 10, 27, 16, 0, tzinfo=UTC)
    assert not extract.names_a_company("Hi from Ulin", {extract.company_key("Ulin")})


def test_an_invitation_titled_interview_needs_a_job_and_a_title_can_be_it() -> None:
    def invite(title: str) -> MailMessage:
        event = (
            "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:c-1@keeperhouse.org\r\n"
            f"DTSTART:20261020T190000Z\r\nDTEND:20261020T200000Z\r\nSUMMARY:{title}\r\n"
            "ORGANIZER;CN=Morgan Hale:mailto:morgan@keeperhouse.org\r\n"
            "ATTENDEE;CN=Alex Rivera:mailto:alex@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
        return message(
            f"Invitation: {title}",
            "See you then.",
            date="Mon, 12 Oct 2026 14:00:00 +0000",
            sender="Morgan Hale <morgan@keeperhouse.org>",
            calendar=event,
        )

    assert understand(invite("Interview with Morgan"), CONTEXT).kind == FindingKind.POSSIBLE
    found = understand(invite("Interview - Product Manager Growth"), CONTEXT)
    assert found.kind == FindingKind.INTERVIEW
    assert extract.names_an_occupation("Primera llamada – Product Manager Growth (Rutafresca)")
    assert not extract.names_an_occupation("Interview with our Lead and a Partner")


# -- held-out sets 20 and 21 ---------------------------------------------------------------------


def test_a_fraud_warning_denies_what_a_scam_or_a_study_asks() -> None:
    footer = "We will never ask candidates for payment, bank account details or gift cards."
    assert purposes.not_a_job(footer) == ""
    assert purposes.not_a_job("Please send your bank account details to receive the kit.")


def test_a_labelled_time_field_sits_under_the_day_before_it() -> None:
    sent = datetime(2026, 10, 8, 10, 4, tzinfo=UTC)
    for text, zone, hour in (
        ("Date: Thursday 22 October 2026\nTime: 2:00pm\nLength: 1 hour\n", "Europe/London", 13),
        ("Datum: Donnerstag, 22.10.2026\nUhrzeit: 14:00 Uhr\n", "Europe/Berlin", 12),
    ):
        found = find_meeting_times(text, sent, ZoneInfo(zone))
        assert [f[0] for f in found] == [datetime(2026, 10, 22, hour, 0, tzinfo=UTC)], text
    assert find_meeting_times("Time: 2:00pm\n", sent, NEW_YORK) == []  # no day: no meeting


def test_a_server_clock_at_utc_is_read_through_the_senders_country() -> None:
    notice = message(
        "Interview invitation: Senior Data Engineer",
        "Dear Alex Rivera,\n\nWe would like to invite you to an interview for the following job:"
        "\n\nSenior Data Engineer\n\nDate: Thursday 22 October 2026\nTime: 2:00pm\n",
        date="Thu, 08 Oct 2026 10:04:17 +0000",
        sender="NHS Jobs <noreply@jobs.nhs.uk>",
    )
    found = understand(notice, CONTEXT)
    assert found.interview is not None
    assert found.interview.start == datetime(2026, 10, 22, 13, 0, tzinfo=UTC)  # 2pm in London


@pytest.mark.parametrize(
    ("text", "hour"),
    [
        ("you're confirmed for Friday at 2:00 with Ken and Sofia", 18),
        ("Perfect, Friday at 11 it is! Omar and I will both be there", 15),
        ("so they moved you to Friday (10/9), at 2:30 and the same room", 18),
    ],
)
def test_a_meeting_hour_without_a_meridiem_is_in_the_working_day(text: str, hour: int) -> None:
    found = find_meeting_times(text, datetime(2026, 10, 6, 14, 0, tzinfo=UTC), NEW_YORK)
    assert found and found[0][0].hour == hour and found[0][0].minute in (0, 30), text
    assert signals.CONFIRMATION_WORDS.search("Perfect, Friday at 11 it is!")


def test_a_recruiter_signs_above_a_legal_notice() -> None:
    notice = "CONFIDENTIALITY NOTICE: " + "This email and any attachments are confidential. " * 4
    text = (
        "Bonjour Alex,\n\nHere is the invitation for your interview on Wednesday, November 4 "
        "from 11:00 a.m. to noon, Montréal time.\n\nGeneviève Tremblay\n"
        "Conseillère principale, Acquisition de talents | Senior Advisor, Talent Acquisition\n"
        "Boréale Assurance\n1250, boulevard René-Lévesque Ouest\n514 555-0182\n\n" + notice + "\n"
    )
    mail = message(
        "Entrevue / Interview – Alex Rivera",
        text,
        date="Thu, 29 Oct 2026 15:00:00 +0000",
        sender="Geneviève Tremblay <genevieve.tremblay@boreale.ca>",
    )
    found = understand(mail, CONTEXT)
    assert found.interview is not None
    assert "signed by a recruiter" in found.interview.evidence


def test_a_recording_platform_schedules_an_in_person_interview() -> None:
    mail = message(
        "Interview Confirmation: Senior Data Analyst - Brinemoor Logistics",
        "Hi Alex,\n\nYour interview with Brinemoor Logistics has been scheduled.\n\n"
        "Position: Senior Data Analyst\nDate: Thursday, October 8, 2026\n"
        "Time: 10:00 AM - 12:30 PM (Eastern Time - US & Canada)\nInterview type: In person\n",
        date="Thu, 01 Oct 2026 15:00:00 +0000",
        sender="Brinemoor Logistics <noreply@hirevue.com>",
    )
    found = understand(mail, CONTEXT)
    assert found.kind == FindingKind.INTERVIEW
    assert found.interview is not None
    assert found.interview.start == datetime(2026, 10, 8, 14, 0, tzinfo=UTC)


def test_a_title_piece_must_end_as_a_job_title() -> None:
    assert extract.ends_as_a_job_title("Alex / Dana — Product Analytics Lead")
    assert extract.ends_as_a_job_title("Security Engineer intro")
    assert not extract.ends_as_a_job_title("Corvane Data Operating Model")


@pytest.mark.parametrize(
    ("name", "domain"),
    [
        ("Lakeshore Children's Research Institute", "lcri.org"),
        ("Kommunale Datenzentrale Elbe-Wendland", "kdew.de"),
        ("Pequannock Valley Health", "pvhealth.org"),
        ("Wallkill County", "wallkillcountyny.gov"),
    ],
)
def test_a_domain_that_abbreviates_the_name_finds_it_written_in_full(
    name: str, domain: str
) -> None:
    from agent.understanding.company import _written_form

    text = f"Thanks,\nMorgan Hale\nHuman Resources\n{name}\n12 Main Street\n"
    assert _written_form(domain, text) == name
    assert _written_form(domain, "Regards,\nMorgan Hale\nMain Street Office\n") == ""


def test_an_institutions_noun_after_the_domains_words_is_its_name() -> None:
    from agent.understanding.company import _written_form

    assert _written_form("lamoillestate.edu", "Lamoille State University\n") == (
        "Lamoille State University"
    )


def test_an_agency_names_its_client_in_a_field() -> None:
    text = (
        "Hi Alex,\n\nGreat news - you're confirmed for your client interview:\n\n"
        "Client: Palisade Power & Gas\nRole: Data Engineer\n"
        "When: Tuesday, October 20 at 2:30 PM ET\n\nTyler Brooks\nSenior Technical Recruiter\n"
        "Corbel Staffing\n"
    )
    mail = message(
        "Client Interview Confirmation - Data Engineer",
        text,
        date="Wed, 14 Oct 2026 20:47:00 +0000",
        sender="Tyler Brooks <tyler.brooks@corbelstaffing.com>",
    )
    assert extract.find_company(mail, [], frozenset({"alex@example.com"})) == (
        "Palisade Power & Gas"
    )


@pytest.mark.parametrize(
    "text",
    [
        "we'd like to offer you the role of Product Manager, Learning Platform",
        "Palisade Power & Gas would like to bring you on as Data Engineer",
        "Vous trouverez ci-joint la proposition de recrutement",
    ],
)
def test_more_ways_to_make_an_offer(text: str) -> None:
    assert signals.is_offer(text)


def test_outlooks_automatic_reply_in_more_languages() -> None:
    for subject in ("Automatisch antwoord: Bedankt", "Automatyczna odpowiedź: Re: rozmowa"):
        assert signals.OUT_OF_OFFICE_SUBJECT.search(subject), subject


# -- held-out set 22: founders confirm in their own words ------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Perfect, Tuesday at 4pm your time it is (1pm for me).",
        "Locking it in: Thursday, November 12, 8:30 to 9:30am at Ferndale Coffee.",
        "Perfect, see you Thursday at 17:00 our time.",
    ],
)
def test_a_founder_settles_a_time_in_their_own_words(text: str) -> None:
    assert signals.CONFIRMATION_WORDS.search(text)


def test_see_you_at_an_hour_is_the_meeting_under_the_day_before() -> None:
    sent = datetime(2026, 10, 9, 21, 26, tzinfo=UTC)
    found = find_meeting_times("Thursday it is! See you at 10. Ask for me.", sent, NEW_YORK)
    assert [f[0] for f in found] == [datetime(2026, 10, 15, 14, 0, tzinfo=UTC)]
    assert signals.MEETING_NOUNS.search("Next step is a paid trial day at our office")


def test_the_readers_zone_named_in_a_thread_does_not_move_the_senders_clock() -> None:
    reply = message(
        "Re: Lintra - next step",
        "Hi Alex,\n\nPerfect, see you Thursday at 17:00 our time (11:00 for you in New York). "
        "Our CTO will join the call.\n\n"
        "Michał\nCo-founder & CEO, Lintra\nlintra.dev | Warsaw\n\n"
        "On Mon, 5 Oct 2026 at 18:10, Alex Rivera <alex@example.com> wrote:\n\n"
        "> Thursday works best for me, so 11am New York time.\n>\n"
        "> On Fri, 2 Oct 2026, Michał wrote:\n>> Could you do Thursday or Friday, 17:00 our "
        "time? It is for the Senior Backend Engineer role.\n",
        date="Mon, 05 Oct 2026 18:42:10 +0200",
        sender="Michał Zieliński <michal@lintra.dev>",
    )
    found = understand(reply, CONTEXT)
    assert found.interview is not None
    assert found.interview.start == datetime(2026, 10, 8, 15, 0, tzinfo=UTC)


def test_a_data_word_ends_at_a_word_boundary() -> None:
    assert not signals.JOB_CONTEXT.search("les candidats qui postulent chez nous")


# -- held-out set 23 -----------------------------------------------------------------------------


def test_a_weekday_without_a_date_in_a_reply_is_the_one_the_thread_dated() -> None:
    reply = message(
        "RE: Senior Data Scientist: next step",
        "Hi Alex,\n\nPerfect – then we're set for Wednesday at 14:00 Copenhagen time. You'll "
        "meet Rasmus and me on a Teams call.\n\n"
        "Mette Kjærgaard\nSenior Talent Acquisition Partner\n\n"
        "From: Alex Rivera <alex@example.com>\nSent: 29. oktober 2026 22:41\n"
        "To: Mette Kjærgaard <mkj@brabrandmedico.dk>\n"
        "Subject: Re: next step\n\nWednesday works best.\n\n"
        "From: Mette Kjærgaard <mkj@brabrandmedico.dk>\nSent: 28. oktober 2026 10:02\n"
        "To: Alex Rivera <alex@example.com>\nSubject: next step\n\n"
        "Could you do Wednesday, November 11 at 14:00 or Thursday, November 12 at 10:00 "
        "Copenhagen time, for the Senior Data Scientist role?\n",
        date="Fri, 30 Oct 2026 09:12:33 +0100",
        sender="Mette Kjærgaard <mkj@brabrandmedico.dk>",
    )
    found = understand(reply, CONTEXT)
    assert found.interview is not None
    assert found.interview.start == datetime(2026, 11, 11, 13, 0, tzinfo=UTC)


def test_times_shown_in_your_time_zone_declare_it() -> None:
    text = (
        "Tuesday, November 10, 2026\nTimes shown in your time zone: Eastern Time (GMT-05:00)\n\n"
        "10:00 AM – 10:45 AM   Product Deep Dive\n"
    )
    found = find_meeting_times(
        text, datetime(2026, 11, 4, 11, 0, tzinfo=UTC), ZoneInfo("Europe/London")
    )
    assert found and found[0][0] == datetime(2026, 11, 10, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "purpose"),
    [
        (
            "Il ne s'agit ni d'une évaluation, ni d'un entretien de recrutement.",
            "said not to be one",
        ),
        (
            "Structured Interviewing for Hiring Managers - Interviewer Certification",
            "interviewer training",
        ),
    ],
)
def test_what_a_mail_says_it_is_not_and_training_to_interview(text: str, purpose: str) -> None:
    assert purposes.not_a_job(text) == purpose


def test_outlooks_swedish_automatic_reply() -> None:
    assert signals.OUT_OF_OFFICE_SUBJECT.search("Automatiskt svar: Tack för samtalet")


# -- held-out set 24 -----------------------------------------------------------------------------


def test_a_weekday_and_a_bare_day_in_other_languages() -> None:
    sent = datetime(2026, 9, 21, 14, 0, tzinfo=UTC)
    buenos_aires = ZoneInfo("America/Argentina/Buenos_Aires")
    found = find_meeting_times("viernes 25 a las 13:00", sent, buenos_aires)
    assert [f[0] for f in found] == [datetime(2026, 9, 25, 16, 0, tzinfo=UTC)]
    # "viernes 13 h" is a time on Friday, not the 13th
    found = find_meeting_times("el viernes 13 h", sent, buenos_aires)
    assert [f[0] for f in found] == [datetime(2026, 9, 25, 16, 0, tzinfo=UTC)]


def test_a_day_part_is_a_meridiem_and_a_place_after_in_is_a_zone() -> None:
    sent = datetime(2026, 9, 21, 14, 0, tzinfo=UTC)
    buenos_aires = ZoneInfo("America/Argentina/Buenos_Aires")
    text = "Pasé la entrevista al viernes 25: 12 del mediodía en Nueva York (13 h acá en Córdoba)"
    found = find_meeting_times(text, sent, buenos_aires, reader=NEW_YORK)
    assert found and found[0][0] == datetime(2026, 9, 25, 16, 0, tzinfo=UTC)
    found = find_meeting_times("el jueves a las 4 de la tarde", sent, buenos_aires)
    assert found and found[0][0] == datetime(2026, 9, 24, 19, 0, tzinfo=UTC)
    found = find_meeting_times("Thursday at 3pm in the lobby", sent, NEW_YORK)
    assert found and found[0][0] == datetime(2026, 9, 24, 19, 0, tzinfo=UTC)  # no place named


@pytest.mark.parametrize(
    ("text", "purpose"),
    [
        ("Lunch with the team on Friday. This is not another interview!", "said not to be one"),
        ("your personal subject interview for the SF86 you submitted", "background investigation"),
        ("Book a 20-minute feedback call with me", "feedback on a decision"),
        ("Reisebestätigung: Köln, 4.-5. November", "travel booking"),
    ],
)
def test_steps_around_a_job_that_are_no_interview(text: str, purpose: str) -> None:
    assert purposes.not_a_job(text) == purpose


def test_a_scheduler_says_the_host_canceled_and_a_german_offer() -> None:
    assert signals.TEXT_CANCELLATION.search("Dana Whitfield has canceled the event below.")
    assert signals.is_offer("Im Anhang findest du das Angebotsschreiben mit allen Eckdaten")


def test_an_application_for_a_title_names_the_job_and_a_quoted_bare_word_does_not() -> None:
    """ "tu candidatura para Head of Partnerships" names the job; a reply quoting only "your
    interview" (a steward's, a study's) shows no candidacy."""
    from agent.understanding.detect import _candidacy

    reply = message(
        "Re: Tuesday",
        "Great, see you Tuesday at 3pm.\n\nOn Mon, Oct 12, 2026, Morgan wrote:\n"
        "> Your interview with the steward is on Tuesday.\n",
        date="Mon, 12 Oct 2026 14:00:00 +0000",
        sender="Morgan Hale <morgan@capeannlight.org>",
    )
    assert _candidacy(reply, [], CONTEXT) == []
    applied = replace(
        reply,
        text=reply.text + "> He visto tu candidatura para Head of Partnerships en Kuvo.\n",
    )
    assert _candidacy(applied, [], CONTEXT) == ["a reply to a thread about a job"]
