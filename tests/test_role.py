"""Role, recruiter and join-link rules of issue 3 (`agent.extract.find_role`, `agent.people`,
the location in `agent.understand`).

Each test builds the smallest message that needs one rule and fails without it. Companies,
people, domains and links are fictional.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from agent.businessdays import BusinessCalendar
from agent.calendars import ical
from agent.model import Address, Attendee, CalEvent, MailMessage, PersonRole
from agent.understanding import extract
from agent.understanding.detect import Context, understand

ME = frozenset({"alex@example.com"})
START = datetime(2026, 10, 6, 14, 0, tzinfo=UTC)
DANA = Address("Dana Cole", "dana@tallowbrook.com")


def mail(
    subject: str = "Interview",
    text: str = "",
    *,
    sender: Address = DANA,
    reply_to: tuple[Address, ...] = (),
) -> MailMessage:
    return MailMessage(
        folder="INBOX",
        uid=1,
        message_id="<t@x>",
        date=START,
        subject=subject,
        from_=sender,
        sender=None,
        reply_to=reply_to,
        to=(Address("Alex Rivera", "alex@example.com"),),
        cc=(),
        in_reply_to="",
        references=(),
        text=text,
    )


def invite(
    summary: str = "Interview",
    description: str = "",
    *,
    location: str = "",
    conference_url: str = "",
    organizer: Attendee | None = None,
    attendees: tuple[Attendee, ...] = (),
) -> CalEvent:
    return CalEvent(
        uid="u1",
        method="REQUEST",
        sequence=0,
        dtstamp=START,
        start=START,
        end=START,
        all_day=False,
        summary=summary,
        description=description,
        location=location,
        status="",
        organizer=organizer,
        attendees=(Attendee("Alex Rivera", "alex@example.com"), *attendees),
        conference_url=conference_url,
    )


def role(
    subject: str = "Interview", text: str = "", summary: str = "", description: str = ""
) -> str:
    events = [invite(summary, description)] if summary or description else []
    return extract.find_role(mail(subject, text), events)


# --- role: where the title is written ----------------------------------------------------


def test_the_title_before_role_or_position_without_the_leading_boilerplate() -> None:
    assert (
        role(
            text="Thank you for your interest in the Payments Platform Engineer "
            "position (R-20441) at Tallowbrook."
        )
        == "Payments Platform Engineer"
    )


def test_a_title_named_in_the_body_wins_over_the_event_stage() -> None:
    assert (
        role(
            "Tallowbrook - Hiring Manager Interview - Alex Rivera",
            text="Looking forward to our conversation about the Senior Data Scientist role.",
        )
        == "Senior Data Scientist"
    )


def test_a_stage_in_the_subject_is_never_a_role() -> None:
    assert role("Tallowbrook - Hiring Manager Interview") == ""
    assert role("Tallowbrook - your hiring manager conversation") == ""


def test_a_team_qualifier_written_as_part_of_the_title_is_kept() -> None:
    assert (
        role(text="your onsite for the Senior Software Engineer, Lab Automation role!")
        == "Senior Software Engineer, Lab Automation"
    )
    assert role("Interview for Principal Product Manager, Payments") == (
        "Principal Product Manager, Payments"
    )


def test_a_team_after_the_title_in_prose_is_not_part_of_it() -> None:
    assert (
        role(
            text="We'd like to confirm your interview for the position of Senior UX "
            "Researcher on our Insights team."
        )
        == "Senior UX Researcher"
    )


def test_the_title_in_parentheses_after_the_users_name_without_the_name() -> None:
    assert role("Final round: Alex Rivera (Staff Data Engineer)") == "Staff Data Engineer"


def test_an_interviewers_title_in_parentheses_is_not_the_role() -> None:
    assert role("Interview with Jamie Lin (Engineering Manager)") == ""


def test_trailing_stage_words_and_tags_are_dropped() -> None:
    assert role("Tallowbrook - Staff Product Designer interview") == "Staff Product Designer"
    assert role("Interview: Alex Rivera – Quantitative Developer (Onsite)") == (
        "Quantitative Developer"
    )
    assert role(description="Position: Senior Firmware Engineer - Round 2") == (
        "Senior Firmware Engineer"
    )


def test_gender_marks_stay_with_the_title() -> None:
    assert role("Vorstellungsgespräch – Backend-Entwickler (m/w/d) – Alex Rivera") == (
        "Backend-Entwickler (m/w/d)"
    )


def test_a_title_written_head_first() -> None:
    assert (
        role(
            text="Te confirmo tu entrevista para la vacante de Desarrollador Full Stack "
            "Sr. Conversarás con Andrés."
        )
        == "Desarrollador Full Stack Sr."
    )
    assert role(text="pour le poste de Développeur Backend Senior.") == (
        "Développeur Backend Senior"
    )


def test_portuguese_vaga_cue_and_gendered_head_first_titles() -> None:
    assert (
        role(
            text="Sua entrevista para a vaga de Engenheiro(a) de Dados Pleno na Tallowbrook "
            "está confirmada."
        )
        == "Engenheiro(a) de Dados Pleno"
    )
    assert role("Confirmação de entrevista – Analista(o) de Sistemas Sênior") == (
        "Analista(o) de Sistemas Sênior"
    )


def test_german_bewerbung_als_with_a_compound_title_and_an_inner_gender_mark() -> None:
    assert (
        role(
            text="vielen Dank für Ihre Bewerbung als Elektroniker (m/w/d) Fertigung und Ihr "
            "Interesse an der Tallowbrook GmbH."
        )
        == "Elektroniker (m/w/d) Fertigung"
    )
    assert (
        role(text="Ihre Bewerbung als Projektleiterin (m/w/d) Automatisierung ist eingegangen.")
        == "Projektleiterin (m/w/d) Automatisierung"
    )
    assert role(text="Ihre Bewerbung als Entwickler*in für Embedded Systeme") == "Entwickler*in"


def test_the_title_before_a_days_interviews_but_never_a_stage_or_a_subject_title() -> None:
    assert (
        role(
            text="We look forward to hosting you for the Staff Robotics Engineer "
            "interviews on Tuesday!"
        )
        == "Staff Robotics Engineer"
    )
    assert role(text="Please prepare for your Hiring Manager interview.") == ""
    assert (
        role("Interview – Data Analyst", "Please prepare for your Engineering Manager interview.")
        == "Data Analyst"
    )


def test_a_labelled_title_in_a_table_cell_or_under_a_question() -> None:
    assert role(text="Position\tClinical Informatics Engineer\nDate\tMonday") == (
        "Clinical Informatics Engineer"
    )
    assert (
        role(text="Questions:\r\nWhich role are you applying for?\r\nSenior Data Scientist\r\n")
        == "Senior Data Scientist"
    )


def test_a_title_in_parentheses_after_the_stage_in_prose() -> None:
    assert (
        role(text="Here is your itinerary for the virtual onsite (Staff Backend Engineer).")
        == "Staff Backend Engineer"
    )


def test_an_employer_and_job_line_but_never_a_signature_title_line() -> None:
    assert (
        role(
            description="Tallowbrook Labs - Founding Infrastructure Engineer\nScheduled via Ashby."
        )
        == "Founding Infrastructure Engineer"
    )
    assert role(text="Thanks,\nJordan Blake\nEngineering Manager | Tallowbrook") == ""


# --- recruiter ---------------------------------------------------------------------------


def people(message: MailMessage, events: list[CalEvent] | None = None) -> dict[str, set[str]]:
    found = extract.find_people(message, events or [], ME)
    return {str(r): {p.email or p.name for p in found if p.role == r} for r in PersonRole}


def test_a_signers_address_anywhere_in_the_mail_is_linked_to_the_name() -> None:
    text = (
        "Interviewers: Paloma Reyes (Research Director)\n\nKind regards,\nRenata Silva\n"
        "Talent Acquisition Lead\nrenata.silva@tallowbrook.com\n"
    )
    careers = Address("Tallowbrook Careers", "careers@tallowbrook.com")
    found = people(mail(text=text, sender=careers))
    assert found["recruiter"] == {"renata.silva@tallowbrook.com"}


def test_a_recruiter_named_in_prose_before_their_address() -> None:
    text = (
        "Interview Panel: Priscilla Gomez (Hiring Manager)\n\nIf you need to reschedule, "
        "please contact your recruiter, Colleen Murphy, at colleen.murphy@tallowbrook.com."
    )
    found = people(
        mail(text=text, sender=Address("Tallowbrook Careers", "tallowbrook@myworkday.com"))
    )
    assert found["recruiter"] == {"colleen.murphy@tallowbrook.com"}
    assert found["interviewer"] == {"Priscilla Gomez"}


def test_a_contact_address_alone_does_not_make_an_interviewer() -> None:
    text = (
        "Interviewer: Omar Said (Staff Engineer)\n\nQuestions? Write to Lena Vogt at "
        "lena.vogt@tallowbrook.com."
    )
    found = people(mail(text=text))
    assert "lena.vogt@tallowbrook.com" not in found["interviewer"]


def test_the_untitled_writer_of_a_plain_text_thread_is_also_the_recruiter() -> None:
    text = (
        "Thanks for the quick reply! Monday works: a video interview with me and Sam "
        "Oduya (Controls Lead).\n\nDana"
    )
    found = people(mail(text=text))
    assert found["recruiter"] == {"dana@tallowbrook.com"}
    assert "dana@tallowbrook.com" in found["interviewer"]


def test_an_organizer_who_only_organizes_and_sent_the_invite_is_the_coordinator() -> None:
    nina = Attendee("Nina Patel", "nina@tallowbrook.com")
    event = invite(
        description="Technical deep dive with Omar Said (CTO).",
        organizer=nina,
        attendees=(nina, Attendee("Omar Said", "omar@tallowbrook.com")),
    )
    found = people(mail(sender=Address("Nina Patel", "nina@tallowbrook.com")), [event])
    assert found["recruiter"] == {"nina@tallowbrook.com"}
    assert found["interviewer"] == {"omar@tallowbrook.com"}


def test_a_titled_writer_who_interviews_is_not_the_recruiter() -> None:
    text = "Confirming our interview on Thursday.\n\nDana Cole\nEngineering Manager, Maps"
    assert people(mail(text=text))["recruiter"] == set()


# --- location and join link --------------------------------------------------------------

CONTEXT = Context(me=ME, tz=ZoneInfo("America/New_York"), business=BusinessCalendar("US", None))
ICS = """BEGIN:VCALENDAR\r
METHOD:REQUEST\r
BEGIN:VEVENT\r
UID:u1\r
DTSTART:20261020T180000Z\r
DTEND:20261020T190000Z\r
SUMMARY:Design interview\r
ORGANIZER;CN=Ines Duarte:mailto:ines@tallowbrook.com\r
ATTENDEE;CN=Alex Rivera:mailto:alex@example.com\r
{extra}END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.mark.parametrize(
    "url",
    [
        "https://facetime.apple.com/join#v=1&p=AbCdEf&k=Xy12",
        "https://whereby.com/tallowbrook-design",
        "https://app.chime.aws/meetings/4815162342",
        "https://tallowbrook.zoom.us/my/ines.duarte",
        "https://teams.microsoft.com/meet/3391057720465?p=Rq7LmN2x",
        "https://meeting.zoho.com/meeting/register?sessionId=5550193847",
        "https://meeting.zoho.eu/join?key=5550193847",
        "https://global.gotomeeting.com/join/555019384",
        "https://meet.goto.com/555019384",
        "https://meet.jit.si/TallowbrookDesignReview",
        "https://join.skype.com/Tb5x9QwErT1y",
        "https://v.ringcentral.com/join/555019384",
        "https://meetings.dialpad.com/room/tallowbrook",
        "https://meet.around.co/r/tallowbrook-design",
        "https://app.livestorm.co/p/0f4e2c1a-77b3/live",
    ],
)
def test_join_links_of_every_provider_are_found(url: str) -> None:
    assert ical.conference_link(f"Join here: {url}\nSee you then") == url


@pytest.mark.parametrize(
    "text",
    [
        "Download Zoho Meeting at https://www.zoho.com/meeting/download.html",
        "New to GoTo? https://www.gotomeeting.com/ and https://meet.goto.com/",
        "Learn more at https://jitsi.org or https://www.skype.com/en/get-skype/",
        "Powered by https://www.ringcentral.com and https://dialpad.com/ and https://livestorm.co/",
    ],
)
def test_a_providers_home_or_download_page_is_not_a_join_link(text: str) -> None:
    assert ical.conference_link(text) == ""


def test_a_join_link_only_in_the_url_property() -> None:
    extra = "LOCATION:FaceTime\r\nURL;VALUE=URI:https://facetime.apple.com/join#v=1&p=Ab\r\n"
    (event,) = ical.parse_calendar(ICS.format(extra=extra), user_tz=ZoneInfo("UTC"))
    assert event.conference_url == "https://facetime.apple.com/join#v=1&p=Ab"


def _location(location: str, text: str) -> str:
    message = replace(
        mail("Design interview - Product Designer", text),
        calendars=(ICS.format(extra=f"LOCATION:{location}\r\n"),),
    )
    finding = understand(message, CONTEXT)
    assert finding.interview is not None
    return finding.interview.location


def test_a_join_link_in_the_text_when_the_invite_only_names_the_medium() -> None:
    link = "https://tallowbrook.zoom.us/j/84519027736?pwd=abc.1"
    assert _location("Video call (see confirmation email)", f"Zoom: {link}\n") == link


def test_a_physical_location_is_kept_over_a_link_in_the_text() -> None:
    place = "Tallowbrook\\, 2100 Smallman St\\, Pittsburgh"
    assert _location(place, "Remote panelists: https://tallowbrook.zoom.us/j/845190277") == (
        "Tallowbrook, 2100 Smallman St, Pittsburgh"
    )


def test_a_plain_text_confirmation_takes_any_providers_link() -> None:
    text = (
        "Your interview is confirmed for Tuesday, October 13, 2026 at 2:00 PM ET.\n"
        "Join: https://whereby.com/tallowbrook-design\n"
    )
    finding = understand(mail("Interview confirmed - Product Designer", text), CONTEXT)
    assert finding.interview is not None
    assert finding.interview.location == "https://whereby.com/tallowbrook-design"


def test_a_one_word_qualifier_in_parentheses_stays_with_the_title() -> None:
    assert (
        extract.find_role(mail("Your interview for Data Engineer (Payments) at Fernhill"), [])
        == "Data Engineer (Payments)"
    )
    assert (
        extract.find_role(
            mail("Booking confirmed: Recruiter Screen – Product Designer (Growth)"), []
        )
        == "Product Designer (Growth)"
    )
    assert extract.find_role(mail("Interview: Staff Engineer (Onsite)"), []) == "Staff Engineer"


# --- heldout-3: academic, Spanish and Italian titles ------------------------------------------


def test_a_head_noun_before_of_and_a_field() -> None:
    assert (
        role(
            text="an interview for the position of Associate Professor of Marine "
            "Biology (tenure-track)."
        )
        == "Associate Professor of Marine Biology"
    )


def test_a_spanish_gendered_title_without_the_employer_after_en() -> None:
    message = mail(
        text="la entrevista del proceso de Ingeniero/a de Riesgos en Costa Azul.",
        sender=Address("Ida Moss", "ida@costazul.es"),
    )
    assert extract.find_role(message, []) == "Ingeniero/a de Riesgos"


def test_an_italian_position_of() -> None:
    assert (
        role(
            text="Le confermo il colloquio per la posizione di Sviluppatore Frontend "
            "presso Quorvex S.p.A."
        )
        == "Sviluppatore Frontend"
    )
