"""Load `config.toml` (TOML, via `tomllib`) into frozen dataclasses; report every problem at once.

`SCHEMA` is the whole file format: each section lists its keys with a parser and a default.
`load_config` reads the file once; nothing else in the program indexes the TOML dicts. Any
problem (unknown key, wrong type, missing value, a password in the file, plain text to a host
that is not loopback) becomes one line of a single `ConfigError`, naming the file and the key.
Relative paths in the file are relative to the file's own folder.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import ipaddress
import json
import os
import re
import tomllib
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Literal, cast
from urllib.parse import urlsplit

import holidays

from agent.errors import ConfigError
from agent.model import FollowUpKind

SecretMethod = Literal["keyring", "command", "env", "credential", "oauth2_command"]


@dataclass(frozen=True)
class SecretSpec:
    """Where a password or token comes from. `value` is the command, variable or credential
    name ("" for keyring); `account` is the keyring account (`set-password` stores under it)."""

    method: SecretMethod
    value: str
    account: str


@dataclass(frozen=True)
class Me:
    name: str
    email: str
    aliases: tuple[str, ...]
    country: str | None  # None: business days skip weekends only
    subdivision: str | None
    signature: str
    timezone: zoneinfo.ZoneInfo

    @property
    def addresses(self) -> frozenset[str]:
        return frozenset(a.lower() for a in (self.email, *self.aliases))


@dataclass(frozen=True)
class ImapConfig:
    host: str
    port: int
    security: Literal["tls", "starttls", "none"]
    tls_ca_file: Path | None
    username: str
    auth: SecretSpec
    drafts_folder: str | None  # None: found by role (SPECIAL-USE, then well-known names)
    sent_folder: str | None
    trash_folder: str | None
    inbox_folder: str
    timeout_seconds: float


@dataclass(frozen=True)
class MaildirConfig:
    path: Path
    drafts_folder: str
    sent_folder: str
    trash_folder: str


@dataclass(frozen=True)
class StateConfig:
    path: Path


@dataclass(frozen=True)
class SyncConfig:
    lookback_days: int
    max_part_bytes: int


@dataclass(frozen=True)
class ThankYouConfig:
    enabled: bool
    delay_minutes: int
    due_hours: int
    missed_after_hours: int


@dataclass(frozen=True)
class ActionItemConfig:
    enabled: bool
    business_days_before: int
    at: time


@dataclass(frozen=True)
class CheckInConfig:
    enabled: bool
    after_timeline_business_days: int
    default_business_days: int
    max_count: int
    at: time


@dataclass(frozen=True)
class FollowupsConfig:
    default_interview_minutes: int
    thank_you: ThankYouConfig
    action_item: ActionItemConfig
    check_in: CheckInConfig
    close_after_days: int = 30  # an application quiet this long is shown as closed


@dataclass(frozen=True)
class TemplatesConfig:
    folder: Path | None  # None: the templates shipped in the package


@dataclass(frozen=True)
class DaemonConfig:
    calendar_poll_minutes: int
    idle_renew_minutes: int
    sent_poll_seconds: int
    tick_seconds: int
    max_backoff_seconds: int


@dataclass(frozen=True)
class CalendarConfig:
    name: str
    type: Literal["caldav", "ics"]
    url: str
    path: Path | None  # set for a local .ics file or vdir folder (type "ics" only)
    username: str | None
    auth: SecretSpec | None
    interviews_only: bool
    tls_ca_file: Path | None


@dataclass(frozen=True)
class Rule:
    """Matches when every match key given matches. `from_` holds lower-case sender globs."""

    name: str
    from_: tuple[str, ...]
    subject: re.Pattern[str] | None
    body: re.Pattern[str] | None
    calendar: str | None
    action: Literal["interview", "ignore", "annotate"]
    company: str | None
    role: str | None
    disable: tuple[FollowUpKind, ...]

    def matches_sender(self, address: str) -> bool:
        return any(fnmatchcase(address.lower(), glob) for glob in self.from_)


@dataclass(frozen=True)
class Config:
    me: Me
    imap: ImapConfig | None
    maildir: MaildirConfig | None
    state: StateConfig
    sync: SyncConfig
    followups: FollowupsConfig
    templates: TemplatesConfig
    daemon: DaemonConfig
    calendars: tuple[CalendarConfig, ...]
    rules: tuple[Rule, ...]
    source: Path


# --- value parsers: each returns the value or raises _Invalid saying what was expected ---


class _Invalid(Exception):
    def __init__(self, expected: str, fix: str = "") -> None:
        super().__init__(expected)
        self.expected, self.fix = expected, fix


Parse = Callable[[Any], Any]


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid("expected a string")
    return value


def _name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or "\0" in value:
        raise _Invalid("expected a non-empty string")
    return value.strip()


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        fix = "write it without quotes" if value in ("true", "false") else ""
        raise _Invalid("expected true or false", fix)
    return value


def _unquote_fix(value: Any, kind: Callable[[str], object]) -> str:
    if isinstance(value, str):
        try:
            kind(value.strip())
            return "write the number without quotes"
        except ValueError:
            pass
    return ""


def _integer(lo: int, hi: int) -> Parse:
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise _Invalid(f"expected an integer from {lo} to {hi}", _unquote_fix(value, int))
        return value

    return parse


def _number(lo: float, hi: float) -> Parse:
    def parse(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            raise _Invalid(f"expected a number from {lo:g} to {hi:g}", _unquote_fix(value, float))
        return float(value)

    return parse


def _choice(*options: str) -> Parse:
    def parse(value: Any) -> str:
        if value not in options:
            raise _Invalid("expected " + " or ".join(f'"{o}"' for o in options))
        return cast(str, value)

    return parse


def _address(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+", value):
        raise _Invalid('expected an email address such as "alex@example.com"')
    return value


def _addresses(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _Invalid('expected a list of email addresses such as ["alex@work.example"]')
    return tuple(_address(v) for v in value)


_zone_names = functools.cache(zoneinfo.available_timezones)


_ZONE_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*")


def _zone(value: Any) -> zoneinfo.ZoneInfo:
    if isinstance(value, str) and _ZONE_KEY.fullmatch(value):
        with contextlib.suppress(zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            return zoneinfo.ZoneInfo(value)  # without listing every zone (16 ms)
    zones = _zone_names()
    close = difflib.get_close_matches(value, zones, 1) if isinstance(value, str) else []
    fix = f'did you mean "{close[0]}"?' if close else ""
    raise _Invalid('expected an IANA time zone name such as "America/New_York"', fix)


@functools.cache
def _countries() -> dict[str, list[str]]:
    """Country code (alpha-2 or alpha-3) -> its subdivision codes, from the holidays package."""
    return holidays.list_supported_countries()


def _country(value: Any) -> str:
    codes = holidays.registry.EntityLoader.get_country_codes()  # no country module loaded
    if not isinstance(value, str) or value.upper() not in codes:
        raise _Invalid('expected a country code the holidays package knows, such as "US" or "DE"')
    return value.upper()


def _clock(value: Any) -> time:
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value) if isinstance(value, str) else None
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise _Invalid('expected a time of day "HH:MM", such as "08:00"')
    return time(int(match[1]), int(match[2]))


def _regex(value: Any) -> re.Pattern[str]:
    if not isinstance(value, str):
        raise _Invalid("expected a regular expression (a string)")
    try:
        return re.compile(value, re.IGNORECASE)
    except (re.error, OverflowError, RecursionError) as exc:
        raise _Invalid(f"expected a valid regular expression ({exc})") from None


def _senders(value: Any) -> tuple[str, ...]:
    """Sender globs; a bare domain "acme.com" means "*@acme.com" and its subdomains."""
    patterns = (value,) if isinstance(value, str) else value
    expected = 'expected an address glob or domain such as "*@acme.com" or "acme.com", or a list'
    if not isinstance(patterns, list | tuple) or not patterns:
        raise _Invalid(expected)
    globs: list[str] = []
    for pattern in patterns:
        if not isinstance(pattern, str) or not pattern.strip():
            raise _Invalid(expected)
        pattern = pattern.strip().lower()
        if "@" in pattern:
            globs.append(pattern)
        else:
            globs += [f"*@{pattern}"] + ([] if pattern.startswith("*") else [f"*@*.{pattern}"])
    return tuple(globs)


def _kinds(value: Any) -> tuple[FollowUpKind, ...]:
    known = [k.value for k in FollowUpKind]
    if not isinstance(value, list) or not all(v in known for v in value):
        kinds = ", ".join(f'"{k}"' for k in known)
        raise _Invalid(f"expected a list of follow-up kinds from {kinds}")
    return tuple(FollowUpKind(v) for v in value)


def _credential(value: Any) -> str | bool:
    if value is True:
        return True
    if not isinstance(value, str) or not re.fullmatch(r"[\w.@-]+", value):
        raise _Invalid('expected a systemd credential name such as "imap-password", or true')
    return value


def _env_name(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z_]\w*", value):
        raise _Invalid('expected an environment variable name such as "IMAP_PASSWORD"')
    return value


def _path(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or "\0" in value:
        raise _Invalid("expected a path (a string)")
    return value.strip()


# --- the schema ---

_REQUIRED: Any = object()


@dataclass(frozen=True)
class KeySpec:
    """One key of a section; `example` is shown when a required key is missing."""

    name: str
    parse: Parse
    default: Any = None
    example: str = ""


_SECRET_KEYS = (
    KeySpec("password_command", _name),
    KeySpec("password_env", _env_name),
    KeySpec("oauth2_token_command", _name),
    KeySpec("credential", _credential),
    KeySpec("keyring", _flag),
)
_SECRET_METHODS: tuple[tuple[SecretMethod, str], ...] = (
    ("command", "password_command"),
    ("env", "password_env"),
    ("oauth2_command", "oauth2_token_command"),
    ("credential", "credential"),
    ("keyring", "keyring"),
)
_FOLDERS = ("drafts_folder", "sent_folder", "trash_folder")

SCHEMA: dict[str, tuple[KeySpec, ...]] = {
    "me": (
        KeySpec("name", _name, _REQUIRED, 'name = "Alex Rivera"'),
        KeySpec("email", _address, _REQUIRED, 'email = "alex@example.com"'),
        KeySpec("aliases", _addresses, ()),
        KeySpec("country", _country),
        KeySpec("subdivision", _name),
        KeySpec("signature", _text, ""),
        KeySpec("timezone", _zone, _REQUIRED, 'timezone = "America/New_York"'),
    ),
    "imap": (
        KeySpec("host", _name, _REQUIRED, 'host = "imap.example.com"'),
        KeySpec("port", _integer(1, 65535)),
        KeySpec("security", _choice("tls", "starttls", "none"), "tls"),
        KeySpec("tls_ca_file", _path),
        KeySpec("username", _name),
        *_SECRET_KEYS,
        *(KeySpec(folder, _name) for folder in _FOLDERS),
        KeySpec("inbox_folder", _name, "INBOX"),
        KeySpec("timeout_seconds", _number(1, 3600), 60.0),
    ),
    "maildir": (
        KeySpec("path", _path, _REQUIRED, 'path = "~/Mail/alex"'),
        KeySpec("drafts_folder", _name, "Drafts"),
        KeySpec("sent_folder", _name, "Sent"),
        KeySpec("trash_folder", _name, "Trash"),
    ),
    "state": (KeySpec("path", _path),),
    "sync": (
        KeySpec("lookback_days", _integer(1, 3650), 45),
        KeySpec("max_part_bytes", _integer(1024, 64 * 1024 * 1024), 262144),
    ),
    "followups": (
        KeySpec("default_interview_minutes", _integer(1, 1440), 60),
        KeySpec("close_after_days", _integer(1, 3650), 30),
    ),
    "followups.thank_you": (
        KeySpec("enabled", _flag, True),
        KeySpec("delay_minutes", _integer(0, 1440), 30),
        KeySpec("due_hours", _integer(1, 720), 24),
        KeySpec("missed_after_hours", _integer(1, 720), 48),
    ),
    "followups.action_item": (
        KeySpec("enabled", _flag, True),
        KeySpec("business_days_before", _integer(0, 30), 1),
        KeySpec("at", _clock, time(8, 0)),
    ),
    "followups.check_in": (
        KeySpec("enabled", _flag, True),
        KeySpec("after_timeline_business_days", _integer(0, 60), 2),
        KeySpec("default_business_days", _integer(1, 60), 7),
        KeySpec("max_count", _integer(0, 10), 2),
        KeySpec("at", _clock, time(8, 0)),
    ),
    "templates": (KeySpec("folder", _path),),
    "daemon": (
        KeySpec("calendar_poll_minutes", _integer(1, 1440), 10),
        KeySpec("idle_renew_minutes", _integer(1, 28), 9),
        KeySpec("sent_poll_seconds", _integer(1, 120), 120),
        KeySpec("tick_seconds", _integer(1, 60), 60),
        KeySpec("max_backoff_seconds", _integer(1, 3600), 300),
    ),
    "calendars": (
        KeySpec("name", _name),
        KeySpec("type", _choice("caldav", "ics"), _REQUIRED, 'type = "caldav"'),
        KeySpec("url", _name, _REQUIRED, 'url = "https://caldav.example.com/alex/"'),
        KeySpec("username", _name),
        *_SECRET_KEYS,
        KeySpec("interviews_only", _flag, False),
        KeySpec("tls_ca_file", _path),
    ),
    "rules": (
        KeySpec("name", _name),
        KeySpec("from", _senders, ()),
        KeySpec("subject", _regex),
        KeySpec("body", _regex),
        KeySpec("calendar", _name),
        KeySpec("action", _choice("interview", "ignore", "annotate"), "annotate"),
        KeySpec("company", _name),
        KeySpec("role", _name),
        KeySpec("disable", _kinds, ()),
    ),
}
ARRAY_SECTIONS = frozenset({"calendars", "rules"})

_PASSWORD_FIX = (
    'passwords are not stored in the config file; run "interview-agent set-password" to keep it '
    "in the system keyring, or set password_command, password_env or oauth2_token_command"
)


def _show(value: Any) -> str:
    """A value as the user wrote it in TOML, shortened."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, dict):
        text = "a table"
    elif isinstance(value, list):
        text = "[" + ", ".join(_show(v) for v in value) + "]"
    elif isinstance(value, datetime | date | time):
        text = value.isoformat()
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def is_loopback(host: str) -> bool:
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Loader:
    """Collects problems while reading tables; `file` prefixes every problem line."""

    def __init__(self, source: Path, environ: Mapping[str, str]) -> None:
        self.file, self.base, self.environ = source.name, source.parent, environ
        self.problems: list[str] = []

    def problem(self, where: str, text: str) -> None:
        self.problems.append(f"{self.file}: {where}: {text}")

    def unknown(self, where: str, key: str, known: Sequence[str], what: str = "key") -> None:
        if key == "password":
            self.problem(where, _PASSWORD_FIX)
        else:
            close = difflib.get_close_matches(key, known, 1, 0.6)
            hint = f'did you mean "{close[0]}"?' if close else "known: " + ", ".join(known)
            self.problem(where, f"unknown {what}; {hint}")

    def read(self, raw: Any, where: str, section: str) -> dict[str, Any]:
        """Parse one table against SCHEMA[section]; bad or missing values come back as defaults."""
        specs = SCHEMA[section]
        subtables = [s.rpartition(".")[2] for s in SCHEMA if s.startswith(section + ".")]
        values = {s.name: (None if s.default is _REQUIRED else s.default) for s in specs}
        if not isinstance(raw, dict):
            self.problem(where, f"expected a table, got {_show(raw)}")
            return values
        for key in raw:
            if key not in values and key not in subtables:
                self.unknown(f"{where}.{key}", key, [s.name for s in specs] + subtables)
        for spec in specs:
            if spec.name not in raw:
                if spec.default is _REQUIRED:
                    self.problem(f"{where}.{spec.name}", f"missing; add it, e.g. {spec.example}")
                continue
            try:
                values[spec.name] = spec.parse(raw[spec.name])
            except _Invalid as bad:
                fix = f"; {bad.fix}" if bad.fix else ""
                got = _show(raw[spec.name])
                self.problem(f"{where}.{spec.name}", f"{bad.expected}, got {got}{fix}")
        return values

    def path(self, raw: str) -> Path:
        """`~` is the user's home ($HOME); a relative path is relative to the config file."""
        home = self.environ.get("HOME") or str(Path.home())
        tilde = raw == "~" or raw.startswith("~/")
        path = Path(home, raw[2:]) if tilde else Path(os.path.expanduser(raw))
        return path if path.is_absolute() else self.base / path

    def existing(self, where: str, raw: str | None, kind: str = "file") -> Path | None:
        if raw is None:
            return None
        path = self.path(raw)
        check = {"file": Path.is_file, "folder": Path.is_dir}.get(kind, Path.exists)
        try:
            found = check(path)
        except (OSError, ValueError):
            found = False
        if not found:
            self.problem(where, f"expected an existing {kind}, got {_show(raw)} (looked at {path})")
        return path

    def secret(
        self, where: str, v: dict[str, Any], account: str, credential: str, keyring_default: bool
    ) -> SecretSpec | None:
        """The one way to get this password or token; None when there is none."""
        methods: list[tuple[SecretMethod, str, Any]] = [
            (method, key, v[key])
            for method, key in _SECRET_METHODS
            if v[key] is not None and v[key] is not False
        ]
        if len(methods) > 1:
            keys = ", ".join(key for _, key, _ in methods)
            self.problem(where, f"only one of {keys} may be set; keep the one you use")
        if methods:
            method, _, value = methods[0]
            value = credential if value is True else value
            return SecretSpec(method, "" if method == "keyring" else value, account)
        if keyring_default and v["keyring"] is None:
            return SecretSpec("keyring", "", account)
        return None


def _build(data: Mapping[str, Any], source: Path, environ: Mapping[str, str]) -> Config:
    ld = _Loader(source, environ)
    for key, raw in data.items():
        homes = [f"[{s}]" for s, specs in SCHEMA.items() if key in {k.name for k in specs}]
        if key not in SCHEMA and not isinstance(raw, dict | list) and homes:
            ld.problem(key, f"is outside any section; move it under {' or '.join(homes)}")
        elif key not in SCHEMA or "." in key:
            where = f"[{key}]" if isinstance(raw, dict | list) else key
            ld.unknown(where, key, [s for s in SCHEMA if "." not in s], what="section")
        elif key in ARRAY_SECTIONS and not isinstance(raw, list):
            ld.problem(f"[{key}]", f"expected [[{key}]] tables (an array of tables)")

    def table(name: str) -> dict[str, Any]:
        raw: Any = data
        for part in name.split("."):
            raw = raw.get(part, {}) if isinstance(raw, dict) else {}
        return ld.read(raw, f"[{name}]", name)

    me = table("me")
    _check_subdivision(ld, me)
    imap = _imap(ld, table("imap"), me["email"]) if "imap" in data else None
    maildir = None
    if "maildir" in data:
        v = table("maildir")
        maildir = MaildirConfig(ld.path(v["path"] or "."), *(v[f] for f in _FOLDERS))
    if imap is None and maildir is None:
        ld.problem("[imap]", 'missing; add [imap] (host = "...") or [maildir] (path = "...")')
    elif imap is not None and maildir is not None:
        ld.problem("[maildir]", "[imap] is set too; keep only one of [imap] and [maildir]")

    state_path = table("state")["path"]
    if state_path is None:
        xdg = environ.get("XDG_STATE_HOME", "")
        state_path = f"{xdg if os.path.isabs(xdg) else '~/.local/state'}/interview-agent/state.db"
    sync = SyncConfig(**table("sync"))
    followups = FollowupsConfig(
        table("followups")["default_interview_minutes"],
        ThankYouConfig(**table("followups.thank_you")),
        ActionItemConfig(**table("followups.action_item")),
        CheckInConfig(**table("followups.check_in")),
        table("followups")["close_after_days"],
    )
    folder = ld.existing("[templates].folder", table("templates")["folder"], "folder")
    daemon = DaemonConfig(**table("daemon"))
    calendars = _calendars(ld, data.get("calendars"))
    rules = _rules(ld, data.get("rules"), {c.name for c in calendars})
    if ld.problems:
        raise ConfigError(ld.problems)
    return Config(
        Me(**me),
        imap,
        maildir,
        StateConfig(ld.path(state_path)),
        sync,
        followups,
        TemplatesConfig(folder),
        daemon,
        calendars,
        rules,
        source,
    )


def _check_subdivision(ld: _Loader, me: dict[str, Any]) -> None:
    if me["subdivision"] is None:
        return
    subdivisions = _countries().get(me["country"] or "", [])
    given, upper = me["subdivision"], me["subdivision"].upper()
    if given in subdivisions or upper in subdivisions:
        me["subdivision"] = given if given in subdivisions else upper
    elif me["country"] is None:
        ld.problem("[me].subdivision", "needs a country; set [me].country too")
    else:
        choices = ", ".join(subdivisions) or "none"
        ld.problem("[me].subdivision", f"expected one of {choices}, got {_show(given)}")


def _imap(ld: _Loader, v: dict[str, Any], my_email: str | None) -> ImapConfig:
    host = v["host"] or ""
    if v["security"] == "none" and host and not is_loopback(host):
        ld.problem(
            "[imap].security",
            '"none" sends your password in clear text; it is only allowed for a loopback host, '
            f'got host {_show(host)}. Use "tls" or "starttls"',
        )
    username = v["username"] or my_email or ""
    auth = ld.secret("[imap]", v, f"imap:{username}@{host}", "imap-password", True)
    if auth is None:
        ld.problem(
            "[imap].keyring",
            "is false and no other password source is set; set "
            "password_command, password_env, oauth2_token_command or credential",
        )
    return ImapConfig(
        host=host,
        port=v["port"] or (993 if v["security"] == "tls" else 143),
        security=v["security"],
        tls_ca_file=ld.existing("[imap].tls_ca_file", v["tls_ca_file"]),
        username=username,
        auth=cast(SecretSpec, auth),
        drafts_folder=v["drafts_folder"],
        sent_folder=v["sent_folder"],
        trash_folder=v["trash_folder"],
        inbox_folder=v["inbox_folder"],
        timeout_seconds=v["timeout_seconds"],
    )


def _calendars(ld: _Loader, raw: Any) -> tuple[CalendarConfig, ...]:
    calendars: list[CalendarConfig] = []
    for n, entry in enumerate(raw if isinstance(raw, list) else [], 1):
        where = f"[[calendars]][{n}]"
        v = ld.read(entry, where, "calendars")
        name, url, kind = v["name"] or f"calendar-{n}", v["url"] or "", v["type"]
        try:
            parts = urlsplit(url) if "://" in url else None
        except ValueError:
            parts = urlsplit("invalid://")
        path = None
        if parts is None or parts.scheme == "file":
            if kind == "ics":
                path = ld.existing(f"{where}.url", parts.path if parts else url, "file or folder")
            elif kind == "caldav":
                ld.problem(f"{where}.url", f"expected an https:// URL, got {_show(url)}")
        elif parts.scheme not in ("http", "https") or not parts.hostname:
            ld.problem(f"{where}.url", f"expected an https:// URL, got {_show(url)}")
        elif parts.scheme == "http" and not is_loopback(parts.hostname):
            ld.problem(
                f"{where}.url",
                "http:// sends your password and calendar in clear text; it is only allowed for a "
                f"loopback host, got {_show(url)}. Use https://",
            )
        host = parts.hostname if parts is not None and parts.hostname else "local"
        account = f"{kind}:{v['username'] or ''}@{host}"
        auth = ld.secret(where, v, account, f"{name}-password", bool(v["username"]))
        if path is not None and (auth or v["username"]):
            ld.problem(where, "a local calendar file needs no username or password; remove them")
        elif auth and auth.method != "oauth2_command" and not v["username"]:
            ld.problem(f"{where}.username", "missing; a password needs a user name to go with it")
        tls_ca_file = ld.existing(f"{where}.tls_ca_file", v["tls_ca_file"])
        calendars.append(
            CalendarConfig(
                name, kind, url, path, v["username"], auth, v["interviews_only"], tls_ca_file
            )
        )
    names = [c.name for c in calendars]
    for dup in sorted({x for x in names if names.count(x) > 1}):
        ld.problem("[[calendars]].name", f"{_show(dup)} is used twice; give each its own name")
    return tuple(calendars)


def _rules(ld: _Loader, raw: Any, calendar_names: set[str]) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for n, entry in enumerate(raw if isinstance(raw, list) else [], 1):
        where = f"[[rules]][{n}]"
        v = ld.read(entry, where, "rules")
        given = entry if isinstance(entry, dict) else {}
        if not any(k in given for k in ("from", "subject", "body", "calendar")):
            ld.problem(where, "matches nothing; add from, subject, body or calendar")
        if v["calendar"] is not None and v["calendar"] not in calendar_names:
            known = ", ".join(f'"{c}"' for c in sorted(calendar_names)) or "none"
            ld.problem(
                f"{where}.calendar",
                f"expected the name of a [[calendars]] entry "
                f"(known: {known}), got {_show(v['calendar'])}",
            )
        annotations = ("company", "role", "disable")
        if v["action"] == "annotate" and not any(k in given for k in annotations):
            ld.problem(
                where,
                'an "annotate" rule needs company, role or disable; '
                'or set action = "interview" or "ignore"',
            )
        rules.append(
            Rule(
                v["name"] or f"rule-{n}",
                v["from"],
                v["subject"],
                v["body"],
                v["calendar"],
                v["action"],
                v["company"],
                v["role"],
                v["disable"],
            )
        )
    return tuple(rules)


def parse_config(
    data: Mapping[str, Any], source: Path, environ: Mapping[str, str] | None = None
) -> Config:
    """Build a Config from already-parsed TOML; raises ConfigError listing every problem."""
    return _build(data, source.absolute(), os.environ if environ is None else environ)


def load_config(path: Path, environ: Mapping[str, str] | None = None) -> Config:
    """Read and check the config file; raises ConfigError listing every problem at once."""
    path = path.absolute()
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ConfigError(
            [
                f"{path.name}: not found at {path}; copy config.example.toml (shipped with "
                f"interview-agent) to {path} and edit it, or pass --config PATH"
            ]
        ) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            [f"{path.name}: not UTF-8 text (byte {exc.start}); save it as UTF-8"]
        ) from None
    except OSError as exc:
        raise ConfigError([f"{path.name}: cannot read {path}: {exc.strerror}"]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        where = f"line {match[1]}" if match else "end of file"
        message = re.sub(r"\s*\(at [^)]*\)$", "", str(exc))
        raise ConfigError([f"{path.name}: {where}: not valid TOML: {message}"]) from None
    return parse_config(data, path, environ)


def config_path(cli_value: str | None, environ: Mapping[str, str] | None = None) -> Path:
    """--config, else $INTERVIEW_AGENT_CONFIG, else config.toml in the user config dir (XDG)."""
    env = os.environ if environ is None else environ
    home = env.get("HOME") or str(Path.home())

    def expand(value: str) -> Path:
        return Path(home, value[2:]) if value == "~" or value.startswith("~/") else Path(value)

    if cli_value is not None:
        return expand(cli_value)
    if env.get("INTERVIEW_AGENT_CONFIG"):
        return expand(env["INTERVIEW_AGENT_CONFIG"])
    xdg = env.get("XDG_CONFIG_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path(home, ".config")
    return base / "interview-agent" / "config.toml"
