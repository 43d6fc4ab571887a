"""Parse one config value: return it, or raise `Invalid` saying what was expected.

The parsers know nothing of files or keys; `agent.config_schema` pairs them with keys and turns
an `Invalid` into a problem line naming the file, the key and the value given. Also here:
`is_loopback`, the host check behind the plain-text rules.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import ipaddress
import re
import zoneinfo
from collections.abc import Callable
from datetime import time
from typing import Any, cast

from agent.config.patterns import BoundedPattern, catastrophic
from agent.model import LANGUAGES, FollowUpKind


class Invalid(Exception):
    def __init__(self, expected: str, fix: str = "") -> None:
        super().__init__(expected)
        self.expected, self.fix = expected, fix


Parse = Callable[[Any], Any]


def parse_text(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid("expected a string")
    return value


def parse_name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or "\0" in value:
        raise Invalid("expected a non-empty string")
    return value.strip()


def parse_flag(value: Any) -> bool:
    if not isinstance(value, bool):
        fix = "write it without quotes" if value in ("true", "false") else ""
        raise Invalid("expected true or false", fix)
    return value


def _unquote_fix(value: Any, kind: Callable[[str], object]) -> str:
    if isinstance(value, str):
        try:
            kind(value.strip())
            return "write the number without quotes"
        except ValueError:
            pass
    return ""


def parse_integer(lo: int, hi: int) -> Parse:
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise Invalid(f"expected an integer from {lo} to {hi}", _unquote_fix(value, int))
        return value

    return parse


def parse_number(lo: float, hi: float) -> Parse:
    def parse(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            raise Invalid(f"expected a number from {lo:g} to {hi:g}", _unquote_fix(value, float))
        return float(value)

    return parse


def parse_choice(*options: str) -> Parse:
    def parse(value: Any) -> str:
        if value not in options:
            raise Invalid("expected " + " or ".join(f'"{o}"' for o in options))
        return cast(str, value)

    return parse


def parse_address(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+", value):
        raise Invalid('expected an email address such as "alex@example.com"')
    return value


def parse_addresses(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise Invalid('expected a list of email addresses such as ["alex@work.example"]')
    return tuple(parse_address(v) for v in value)


_zone_names = functools.cache(zoneinfo.available_timezones)


_ZONE_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*")


# Abbreviations people write for a time zone, and the IANA zones each may mean. Some exist
# in tzdata as fixed offsets ("EST" is UTC-5 all year, never daylight time) and all are
# ambiguous ("IST": India, Ireland or Israel), so they are refused with the zones to choose.
_ABBREVIATIONS = {
    "EST": ("America/New_York", "America/Toronto", "America/Detroit", "America/Panama"),
    "EDT": ("America/New_York", "America/Toronto", "America/Detroit"),
    "CST": ("America/Chicago", "America/Mexico_City", "America/Winnipeg", "Asia/Shanghai"),
    "CDT": ("America/Chicago", "America/Winnipeg"),
    "MST": ("America/Denver", "America/Phoenix", "America/Edmonton"),
    "MDT": ("America/Denver", "America/Edmonton"),
    "PST": ("America/Los_Angeles", "America/Vancouver", "America/Tijuana"),
    "PDT": ("America/Los_Angeles", "America/Vancouver"),
    "AKST": ("America/Anchorage",),
    "AKDT": ("America/Anchorage",),
    "HST": ("Pacific/Honolulu",),
    "AST": ("America/Halifax", "America/Puerto_Rico", "Asia/Riyadh"),
    "ADT": ("America/Halifax",),
    "NST": ("America/St_Johns",),
    "GMT": ("Europe/London", "Europe/Dublin", "UTC"),
    "BST": ("Europe/London",),
    "WET": ("Europe/Lisbon", "Atlantic/Canary"),
    "WEST": ("Europe/Lisbon",),
    "CET": ("Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Rome", "Europe/Amsterdam"),
    "CEST": ("Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Rome"),
    "MET": ("Europe/Paris", "Europe/Berlin"),
    "EET": ("Europe/Athens", "Europe/Helsinki", "Europe/Bucharest", "Europe/Kyiv"),
    "EEST": ("Europe/Athens", "Europe/Helsinki", "Europe/Bucharest"),
    "MSK": ("Europe/Moscow",),
    "IST": ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"),
    "PKT": ("Asia/Karachi",),
    "SGT": ("Asia/Singapore",),
    "HKT": ("Asia/Hong_Kong",),
    "JST": ("Asia/Tokyo",),
    "KST": ("Asia/Seoul",),
    "AEST": ("Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane"),
    "AEDT": ("Australia/Sydney", "Australia/Melbourne"),
    "ACST": ("Australia/Adelaide", "Australia/Darwin"),
    "AWST": ("Australia/Perth",),
    "NZST": ("Pacific/Auckland",),
    "NZDT": ("Pacific/Auckland",),
    "BRT": ("America/Sao_Paulo",),
    "ART": ("America/Argentina/Buenos_Aires",),
    "SAST": ("Africa/Johannesburg",),
    "WAT": ("Africa/Lagos",),
    "EAT": ("Africa/Nairobi",),
}
_LEGACY_ZONE = re.compile(r"[A-Z]{2,5}(?:\d{1,2}[A-Z]{2,5})?")  # EST, CET, EST5EDT, PST8PDT


def parse_zone(value: Any) -> zoneinfo.ZoneInfo:
    if isinstance(value, str) and value != "UTC":
        key = value.strip().upper()
        if key in _ABBREVIATIONS or _LEGACY_ZONE.fullmatch(value.strip()):
            choices = _ABBREVIATIONS.get(key) or _ABBREVIATIONS.get(key[:3], ())
            names = ", ".join(f'"{zone}"' for zone in choices)
            raise Invalid(
                "expected an IANA time zone name, not an abbreviation (it cannot say when "
                "daylight time starts, and many places share it)",
                f"it may mean {names}" if names else 'such as "America/New_York"',
            )
    if isinstance(value, str) and _ZONE_KEY.fullmatch(value):
        with contextlib.suppress(zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            return zoneinfo.ZoneInfo(value)  # without listing every zone (16 ms)
    zones = _zone_names()
    close = difflib.get_close_matches(value, zones, 1) if isinstance(value, str) else []
    fix = f'did you mean "{close[0]}"?' if close else ""
    raise Invalid('expected an IANA time zone name such as "America/New_York"', fix)


@functools.cache
def supported_countries() -> dict[str, list[str]]:
    """Country code (alpha-2 or alpha-3) -> its subdivision codes, from the holidays package."""
    import holidays

    return holidays.list_supported_countries()


def parse_country(value: Any) -> str:
    import holidays

    codes = holidays.registry.EntityLoader.get_country_codes()  # no country module loaded
    if not isinstance(value, str) or value.upper() not in codes:
        raise Invalid('expected a country code the holidays package knows, such as "US" or "DE"')
    return value.upper()


def parse_clock(value: Any) -> time:
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value) if isinstance(value, str) else None
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise Invalid('expected a time of day "HH:MM", such as "08:00"')
    return time(int(match[1]), int(match[2]))


MAX_PATTERN_CHARS = 1000


def parse_regex(value: Any) -> BoundedPattern:
    """A `[[rules]]` pattern: compiled case-insensitive, refused when it has a shape known to
    run for hours on some text (`patterns.catastrophic`), and matched with bounds."""
    if not isinstance(value, str):
        raise Invalid("expected a regular expression (a string)")
    if len(value) > MAX_PATTERN_CHARS:
        raise Invalid(f"expected a regular expression of at most {MAX_PATTERN_CHARS} characters")
    try:
        compiled = re.compile(value, re.IGNORECASE)
    except (re.error, OverflowError, RecursionError) as exc:
        raise Invalid(f"expected a valid regular expression ({exc})") from None
    why = catastrophic(value)
    if why:
        raise Invalid(f"expected a regular expression that cannot run away: {why}")
    return BoundedPattern(compiled)


MAX_SIGNATURE_CHARS = 4000


def parse_signature(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid("expected a string")
    if len(value) > MAX_SIGNATURE_CHARS:
        raise Invalid(
            f"expected a signature of at most {MAX_SIGNATURE_CHARS} characters (this one has "
            f"{len(value):,}); a signature is a few lines"
        )
    return value


def parse_senders(value: Any) -> tuple[str, ...]:
    """Sender globs; a bare domain "acme.com" means "*@acme.com" and its subdomains."""
    patterns = (value,) if isinstance(value, str) else value
    expected = 'expected an address glob or domain such as "*@acme.com" or "acme.com", or a list'
    if not isinstance(patterns, list | tuple) or not patterns:
        raise Invalid(expected)
    globs: list[str] = []
    for pattern in patterns:
        if not isinstance(pattern, str) or not pattern.strip():
            raise Invalid(expected)
        pattern = pattern.strip().lower()
        if "@" in pattern:
            globs.append(pattern)
        else:
            globs += [f"*@{pattern}"] + ([] if pattern.startswith("*") else [f"*@*.{pattern}"])
    return tuple(globs)


def parse_languages(value: Any) -> tuple[str, ...]:
    known = ", ".join(f'"{code}"' for code in LANGUAGES)
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and v.lower() in LANGUAGES for v in value)
    ):
        raise Invalid(f'expected a list of language codes from {known}, such as ["en", "fr"]')
    return tuple(dict.fromkeys(v.lower() for v in value))


def parse_kinds(value: Any) -> tuple[FollowUpKind, ...]:
    known = [k.value for k in FollowUpKind]
    if not isinstance(value, list) or not all(v in known for v in value):
        kinds = ", ".join(f'"{k}"' for k in known)
        raise Invalid(f"expected a list of follow-up kinds from {kinds}")
    return tuple(FollowUpKind(v) for v in value)


def parse_credential(value: Any) -> str | bool:
    if value is True:
        return True
    if not isinstance(value, str) or not re.fullmatch(r"[\w.@-]+", value):
        raise Invalid('expected a systemd credential name such as "imap-password", or true')
    return value


def parse_env_name(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z_]\w*", value):
        raise Invalid('expected an environment variable name such as "IMAP_PASSWORD"')
    return value


def parse_path(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or "\0" in value:
        raise Invalid("expected a path (a string)")
    return value.strip()


def is_loopback(host: str) -> bool:
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
