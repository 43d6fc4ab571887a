"""The config file's schema and the loader that checks a parsed TOML document against it.

`SCHEMA` is the whole file format: each section lists its keys with a parser (from
`agent.config_values`) and a default. `build` reads every table once into the dataclasses of
`agent.config_types`; nothing else in the program indexes the TOML dicts. Any problem (unknown
key, wrong type, missing value, a password in the file, plain text to a host that is not
loopback) becomes one line of a single `ConfigError`, naming the file and the key. Relative
paths in the file are relative to the file's own folder.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from agent.config.patterns import BoundedPattern
from agent.config.types import (
    ActionItemConfig,
    CalendarConfig,
    CheckInConfig,
    Config,
    DaemonConfig,
    DigestConfig,
    FollowupsConfig,
    ImapConfig,
    MaildirConfig,
    Me,
    Rule,
    SecretMethod,
    SecretSpec,
    StateConfig,
    SyncConfig,
    TemplatesConfig,
    ThankYouConfig,
)
from agent.config.values import (
    Invalid,
    Parse,
    is_loopback,
    parse_address,
    parse_addresses,
    parse_choice,
    parse_clock,
    parse_country,
    parse_credential,
    parse_env_name,
    parse_flag,
    parse_integer,
    parse_kinds,
    parse_languages,
    parse_name,
    parse_number,
    parse_path,
    parse_regex,
    parse_senders,
    parse_signature,
    parse_zone,
    supported_countries,
)
from agent.errors import ConfigError

_REQUIRED: Any = object()


@dataclass(frozen=True)
class KeySpec:
    """One key of a section; `example` is shown when a required key is missing."""

    name: str
    parse: Parse
    default: Any = None
    example: str = ""


_SECRET_KEYS = (
    KeySpec("password_command", parse_name),
    KeySpec("password_env", parse_env_name),
    KeySpec("oauth2_token_command", parse_name),
    KeySpec("credential", parse_credential),
    KeySpec("keyring", parse_flag),
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
        KeySpec("name", parse_name, _REQUIRED, 'name = "Alex Rivera"'),
        KeySpec("email", parse_address, _REQUIRED, 'email = "alex@example.com"'),
        KeySpec("aliases", parse_addresses, ()),
        KeySpec("country", parse_country),
        KeySpec("subdivision", parse_name),
        KeySpec("signature", parse_signature, ""),
        KeySpec("timezone", parse_zone, _REQUIRED, 'timezone = "America/New_York"'),
        KeySpec("languages", parse_languages, ("en",)),
    ),
    "imap": (
        KeySpec("host", parse_name, _REQUIRED, 'host = "imap.example.com"'),
        KeySpec("port", parse_integer(1, 65535)),
        KeySpec("security", parse_choice("tls", "starttls", "none"), "tls"),
        KeySpec("tls_ca_file", parse_path),
        KeySpec("username", parse_name),
        *_SECRET_KEYS,
        *(KeySpec(folder, parse_name) for folder in _FOLDERS),
        KeySpec("inbox_folder", parse_name, "INBOX"),
        KeySpec("interviews_folder", parse_name, "Interviews"),
        KeySpec("timeout_seconds", parse_number(1, 3600), 60.0),
    ),
    "maildir": (
        KeySpec("path", parse_path, _REQUIRED, 'path = "~/Mail/alex"'),
        KeySpec("drafts_folder", parse_name, "Drafts"),
        KeySpec("sent_folder", parse_name, "Sent"),
        KeySpec("trash_folder", parse_name, "Trash"),
        KeySpec("interviews_folder", parse_name, "Interviews"),
    ),
    "state": (KeySpec("path", parse_path),),
    "sync": (
        KeySpec("lookback_days", parse_integer(1, 3650), 45),
        KeySpec("max_part_bytes", parse_integer(1024, 64 * 1024 * 1024), 262144),
    ),
    "followups": (
        KeySpec("default_interview_minutes", parse_integer(1, 1440), 60),
        KeySpec("close_after_days", parse_integer(1, 3650), 30),
    ),
    "followups.thank_you": (
        KeySpec("enabled", parse_flag, True),
        KeySpec("delay_minutes", parse_integer(0, 1440), 30),
        KeySpec("due_hours", parse_integer(1, 720), 24),
        KeySpec("missed_after_hours", parse_integer(1, 720), 48),
    ),
    "followups.action_item": (
        KeySpec("enabled", parse_flag, True),
        KeySpec("business_days_before", parse_integer(0, 30), 1),
        KeySpec("at", parse_clock, time(8, 0)),
        KeySpec("undated_business_days", parse_integer(0, 30), 2),
        KeySpec("acknowledge", parse_flag, True),
        KeySpec("progress_update", parse_flag, True),
        KeySpec("long_task_business_days", parse_integer(0, 60), 3),
    ),
    "followups.check_in": (
        KeySpec("enabled", parse_flag, True),
        KeySpec("after_timeline_business_days", parse_integer(0, 60), 2),
        KeySpec("default_business_days", parse_integer(1, 60), 7),
        KeySpec("max_count", parse_integer(0, 10), 2),
        KeySpec("at", parse_clock, time(8, 0)),
    ),
    "templates": (KeySpec("folder", parse_path),),
    "daemon": (
        KeySpec("calendar_poll_minutes", parse_integer(1, 1440), 10),
        KeySpec("idle_renew_minutes", parse_integer(1, 28), 9),
        KeySpec("sent_poll_seconds", parse_integer(1, 120), 120),
        KeySpec("tick_seconds", parse_integer(1, 60), 60),
        KeySpec("max_backoff_seconds", parse_integer(1, 3600), 300),
    ),
    "digest": (
        KeySpec("enabled", parse_flag, False),
        KeySpec("time", parse_clock, time(8, 0)),
    ),
    "calendars": (
        KeySpec("name", parse_name),
        KeySpec("type", parse_choice("caldav", "ics"), _REQUIRED, 'type = "caldav"'),
        KeySpec("url", parse_name, _REQUIRED, 'url = "https://caldav.example.com/alex/"'),
        KeySpec("username", parse_name),
        *_SECRET_KEYS,
        KeySpec("interviews_only", parse_flag, False),
        KeySpec("tls_ca_file", parse_path),
    ),
    "rules": (
        KeySpec("name", parse_name),
        KeySpec("from", parse_senders, ()),
        KeySpec("subject", parse_regex),
        KeySpec("body", parse_regex),
        KeySpec("calendar", parse_name),
        KeySpec("action", parse_choice("interview", "ignore", "annotate"), "annotate"),
        KeySpec("company", parse_name),
        KeySpec("role", parse_name),
        KeySpec("disable", parse_kinds, ()),
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
            except Invalid as bad:
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


def build(data: Mapping[str, Any], source: Path, environ: Mapping[str, str]) -> Config:
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
        maildir = MaildirConfig(
            ld.path(v["path"] or "."),
            drafts_folder=v["drafts_folder"],
            sent_folder=v["sent_folder"],
            trash_folder=v["trash_folder"],
            interviews_folder=v["interviews_folder"],
        )
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
    if folder is not None:
        _check_template_sizes(ld, folder)
    daemon = DaemonConfig(**table("daemon"))
    digest = table("digest")
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
        DigestConfig(enabled=digest["enabled"], at=digest["time"]),
    )


MAX_TEMPLATE_BYTES = 64 * 1024
MAX_TEMPLATE_FILES = 200


def _check_template_sizes(ld: _Loader, folder: Path) -> None:
    """A template is a short letter: refuse a file that would take the daemon's memory (the
    unit caps it at 512 MB) or a folder that is not a templates folder at all."""
    try:
        files = [path for path in sorted(folder.rglob("*"))[: MAX_TEMPLATE_FILES + 1]]
    except OSError:
        return
    if len(files) > MAX_TEMPLATE_FILES:
        ld.problem(
            "[templates].folder",
            f"holds more than {MAX_TEMPLATE_FILES} files ({folder}); point it at a folder of "
            "templates only",
        )
        return
    for path in files:
        try:
            size = path.stat().st_size if path.is_file() else 0
        except OSError:
            continue
        if size > MAX_TEMPLATE_BYTES:
            ld.problem(
                "[templates].folder",
                f"{path.relative_to(folder)} is {_size(size)}; the limit for a template is "
                f"{_size(MAX_TEMPLATE_BYTES)}",
            )


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MiB"
    return f"{count / 1024:.0f} KiB" if count >= 1024 else f"{count} bytes"


def _check_subdivision(ld: _Loader, me: dict[str, Any]) -> None:
    if me["subdivision"] is None:
        return
    subdivisions = supported_countries().get(me["country"] or "", [])
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
        interviews_folder=v["interviews_folder"],
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
        for key in ("subject", "body"):
            if isinstance(v[key], BoundedPattern):
                v[key].where = f"{where}.{key}"
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
