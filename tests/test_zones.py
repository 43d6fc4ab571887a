"""Zones written in words after a time (CLDR vocabulary, our frames): each names the region's
civil time on that date, daylight saving included."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib import resources
from zoneinfo import ZoneInfo

import pytest

from agent.understanding.phrases import find_meeting_times, zone_named_in
from agent.understanding.phrases.zones import build_lexicon, zone_after

NEW_YORK = ZoneInfo("America/New_York")
SENT = datetime(2026, 10, 1, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("written", "zone"),
    [
        (" (UK time)", "Europe/London"),
        (" London time", "Europe/London"),
        (" Sydney time", "Australia/Sydney"),
        (" hora de Madrid", "Europe/Madrid"),
        (" (hora peninsular)", "Europe/Madrid"),
        (" heure de Paris", "Europe/Paris"),
        (" heure d’Europe centrale", "Europe/Paris"),
        (" horário de Brasília", "America/Sao_Paulo"),
        (" (hora de Lisboa)", "Europe/Lisbon"),
        (" ora di Roma", "Europe/Rome"),
        (" ora italiana", "Europe/Rome"),
        (" Berliner Zeit", "Europe/Berlin"),
        (" hora del centro de México", "America/Mexico_City"),
        (" Zurich time", "Europe/Zurich"),
        (" Singapore time", "Asia/Singapore"),
        (" India Standard Time", "Asia/Kolkata"),
        (" Eastern Time", "America/New_York"),
        (" Mitteleuropäische Sommerzeit", "Europe/Paris"),
        # an adjective of a place, through its CLDR name's stem, in each language's frame
        (" (Nederlandse tijd)", "Europe/Amsterdam"),
        (" (deutscher Zeit)", "Europe/Berlin"),
        (" (hora canaria)", "Atlantic/Canary"),
        (" czasu polskiego", "Europe/Warsaw"),
        (" (heure suisse)", "Europe/Zurich"),
        (" (svensk tid)", "Europe/Stockholm"),
        # what stands between a time and its zone: a range's end, the word for "o'clock"
        ("–16.00 (svensk tid)", "Europe/Stockholm"),
        (" uur (Nederlandse tijd)", "Europe/Amsterdam"),
        # a city that is no zone's exemplar, from GeoNames (half a million people or more)
        (" (ora di Milano)", "Europe/Rome"),
        (" Hamburg time", "Europe/Berlin"),
        (", hora de Maputo", "Africa/Maputo"),
    ],
)
def test_a_zone_in_words_is_read(written: str, zone: str) -> None:
    assert zone_after(written, 0) == ZoneInfo(zone)


@pytest.mark.parametrize(
    "written", [" to discuss", " your time", " local time", ", Thursday", "", " West time"]
)
def test_words_that_name_no_zone_name_none(written: str) -> None:
    assert zone_after(written, 0) is None


@pytest.mark.parametrize(
    ("text", "start"),
    [
        # Sydney moved to AEDT on 4 October: 09:00 on the 6th is 22:00Z on the 5th
        ("Tuesday 6 October at 9:00 Sydney time", "2026-10-05T22:00:00+00:00"),
        # London is on BST until 25 October, New York on EDT until 1 November
        ("Friday, October 23 at 3pm (UK time)", "2026-10-23T14:00:00+00:00"),
        ("Friday, October 30 at 3pm (UK time)", "2026-10-30T15:00:00+00:00"),
        ("jueves 29 de octubre a las 16:00 (hora peninsular)", "2026-10-29T15:00:00+00:00"),
        ("Wednesday 21 October 16:00 Zurich time", "2026-10-21T14:00:00+00:00"),
    ],
)
def test_meeting_times_follow_the_named_zone(text: str, start: str) -> None:
    found = find_meeting_times(text, SENT, NEW_YORK)
    assert found and found[0][0] == datetime.fromisoformat(start)


def test_a_zone_declared_once_in_words_applies_to_every_time() -> None:
    text = "All times are UK time.\nThursday 22 October\n10:00 - 10:45  Technical interview"
    found = find_meeting_times(text, SENT, NEW_YORK)
    assert found and found[0][0] == datetime(2026, 10, 22, 9, 0, tzinfo=UTC)


def test_the_shipped_cldr_data_is_current() -> None:
    """data/zone_names.json is generated from Babel's CLDR: regenerate it when Babel changes
    (python -m agent.understanding.phrases.zones > agent/understanding/data/zone_names.json)."""
    shipped = json.loads(
        resources.files("agent.understanding").joinpath("data/zone_names.json").read_text("utf-8")
    )
    assert shipped == build_lexicon()


@pytest.mark.parametrize(
    ("text", "start"),
    [
        # tzdata's own abbreviations, where only one offset writes them
        ("Thursday, 12 November 2026, 15:00 WAT", "2026-11-12T14:00:00+00:00"),
        ("Thursday, 12 November 2026, 15:00 SAST", "2026-11-12T13:00:00+00:00"),
        ("Thursday, 12 November 2026, 09:00 NZDT", "2026-11-11T20:00:00+00:00"),
        ("quarta-feira, 14/10/2026, das 15h às 16h (BRT)", "2026-10-14T18:00:00+00:00"),
        # a weekday in parentheses after the date, the zone on the next line
        (
            "no dia 14 de Outubro de 2026 (quarta-feira), às 14h30, hora de\nMaputo",
            "2026-10-14T12:30:00+00:00",
        ),
        # "All times below are ...": a zone declared for a table's rows
        (
            "All times below are West Africa Time (WAT, GMT+1):\n\n"
            "Thursday 12 November\n15:00 – 15:45   Chidi Okonkwo, Engineering Manager",
            "2026-11-12T14:00:00+00:00",
        ),
    ],
)
def test_abbreviations_and_declared_zones(text: str, start: str) -> None:
    found = find_meeting_times(text, SENT, NEW_YORK)
    assert found and found[0][0] == datetime.fromisoformat(start)


def test_a_zone_named_anywhere_in_a_thread_is_found() -> None:
    assert zone_named_in("> He's free between 2pm and 4pm UK time") == ZoneInfo("Europe/London")
    assert zone_named_in("> > Tuesday 27 October, 14:00–15:00 CET") == ZoneInfo("Europe/Berlin")
    assert zone_named_in("Could you do 9am or 10am Brisbane time?") == ZoneInfo(
        "Australia/Brisbane"
    )
    assert zone_named_in("Talk on Tuesday at 2, it's in the diary") is None
