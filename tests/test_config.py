"""Config loading (every problem at once, each naming its key) and secret resolution."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from datetime import time
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import keyring.errors
import pytest
from helpers import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.config import (
    ARRAY_SECTIONS,
    SCHEMA,
    Config,
    SecretSpec,
    config_path,
    load_config,
    parse_config,
    secrets,
)
from agent.config.secrets import Secret, resolve_secret, store_password
from agent.errors import ConfigError, ExitCode, SecretError
from agent.model import FollowUpKind

EXAMPLE = Path(__file__).resolve().parent.parent / "config.example.toml"

ME = """
[me]
name = "Alex Rivera"
email = "alex@example.com"
timezone = "America/New_York"
"""
IMAP = """
[imap]
host = "imap.example.com"
password_command = "pass show mail/alex"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load(tmp_path: Path, text: str, **environ: str) -> Config:
    return load_config(write(tmp_path, text), {"HOME": str(tmp_path), **environ})


def problems(tmp_path: Path, text: str, **environ: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text, **environ)
    assert caught.value.exit_code == ExitCode.CONFIG
    assert all(line.startswith("config.toml: ") for line in caught.value.problems)
    return caught.value.problems


# --- the example file ---


def test_example_loads_with_imap_and_password_command() -> None:
    config = load_config(EXAMPLE, {"HOME": "/home/alex"})
    assert config.me.name == "Alex Rivera"
    assert config.me.timezone.key == "America/New_York"
    assert config.imap is not None and config.maildir is None
    assert config.imap.auth == SecretSpec(
        "command", "pass show mail/alex", "imap:alex@example.com@imap.example.com"
    )
    assert config.state.path == Path("/home/alex/.local/state/interview-agent/state.db")
    assert config.calendars and config.rules


def test_example_documents_every_key_of_the_schema() -> None:
    header = re.compile(r"^#?\s*\[\[?([a-z_.]+)\]\]?\s*(#.*)?$")
    key_line = re.compile(r"^#?\s*([a-z0-9_]+)\s*=")
    documented: set[tuple[str, str]] = set()
    section = ""
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if match := header.match(line.strip()):
            section = match[1]
            documented.add((section, ""))
        elif match := key_line.match(line.strip()):
            documented.add((section, match[1]))
    expected = {(s, "") for s in SCHEMA} | {(s, k.name) for s, keys in SCHEMA.items() for k in keys}
    assert expected - documented == set()


# --- problems, all at once ---


def test_four_mistakes_give_four_lines_each_naming_its_key(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        ME
        + IMAP.replace("[imap]", '[imap]\nport = "993x"')
        + """
        [followups.thank_you]
        enabled = "yes"
        [daemon]
        idle_renew_minutes = 30
        [[rules]]
        subject = "(unclosed"
        action = "ignore"
    """,
    )
    assert len(found) == 4, found
    assert found[0] == 'config.toml: [imap].port: expected an integer from 1 to 65535, got "993x"'
    assert found[1].startswith("config.toml: [followups.thank_you].enabled: expected true or false")
    assert found[2] == (
        "config.toml: [daemon].idle_renew_minutes: expected an integer from 1 to 28, got 30"
    )
    assert found[3].startswith("config.toml: [[rules]][1].subject: expected a valid regular expr")


def test_unknown_key_suggests_the_closest(tmp_path: Path) -> None:
    found = problems(tmp_path, ME.replace("timezone", "timezon") + IMAP + "[imapp]\nx = 1\n")
    assert 'config.toml: [me].timezon: unknown key; did you mean "timezone"?' in found
    assert any(p.startswith("config.toml: [me].timezone: missing") for p in found)
    assert 'config.toml: [imapp]: unknown section; did you mean "imap"?' in found
    found = problems(tmp_path, 'timezone = "UTC"\n' + ME + IMAP)
    assert found == ["config.toml: timezone: is outside any section; move it under [me]"]


@pytest.mark.parametrize(
    ("snippet", "key", "expected"),
    [
        (
            '[sync]\nlookback_days = "45"',
            "[sync].lookback_days",
            'expected an integer from 1 to 3650, got "45"; write the number without quotes',
        ),
        ("[sync]\nlookback_days = true", "[sync].lookback_days", "expected an integer"),
        (
            "[followups.check_in]\nmax_count = 2.5",
            "[followups.check_in].max_count",
            "expected an integer from 0 to 10, got 2.5",
        ),
        (
            '[followups.action_item]\nat = "8am"',
            "[followups.action_item].at",
            'expected a time of day "HH:MM"',
        ),
        ("[daemon]\ntick_seconds = 61", "[daemon].tick_seconds", "from 1 to 60, got 61"),
        ("[templates]\nfolder = 5", "[templates].folder", "expected a path"),
        ('[[rules]]\nfrom = 5\naction = "ignore"', "[[rules]][1].from", "expected an address"),
        (
            '[[rules]]\nfrom = "a.com"\ndisable = ["thanks"]',
            "[[rules]][1].disable",
            'kinds from "thank_you", "action_item", "check_in", got ["thanks"]',
        ),
        ("[sync]\n[sync.more]\nx = 1", "[sync].more", "unknown key"),
        ("sync = 3", "[sync]", "expected a table, got 3"),
        ('[calendars]\ntype = "ics"', "[calendars]", "expected [[calendars]] tables"),
    ],
)
def test_wrong_types_name_the_key_and_the_value(
    tmp_path: Path, snippet: str, key: str, expected: str
) -> None:
    found = problems(tmp_path, snippet + "\n" + ME + IMAP)
    assert len(found) == 1, found
    assert found[0].startswith(f"config.toml: {key}: ")
    assert expected in found[0]


def test_me_types(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """
        [me]
        name = 5
        email = "not an address"
        aliases = "alex@work.example"
        signature = false
        timezone = "America/New_York"
    """
        + IMAP,
    )
    assert [p.split(":")[1].strip() for p in found] == [
        "[me].name",
        "[me].email",
        "[me].aliases",
        "[me].signature",
    ]
    assert "expected a non-empty string, got 5" in found[0]
    assert "expected an email address" in found[1]


def test_missing_required_values(tmp_path: Path) -> None:
    found = problems(tmp_path, '[me]\nname = "A"\n[imap]\nport = 993\n[[calendars]]\n')
    assert [p.split(":")[1].strip() for p in found] == [
        "[me].email",
        "[me].timezone",
        "[imap].host",
        "[[calendars]][1].type",
        "[[calendars]][1].url",
    ]
    assert 'missing; add it, e.g. timezone = "America/New_York"' in found[1]


def test_mail_source_is_exactly_one_of_imap_and_maildir(tmp_path: Path) -> None:
    assert problems(tmp_path, ME) == [
        'config.toml: [imap]: missing; add [imap] (host = "...") or [maildir] (path = "...")'
    ]
    both = problems(tmp_path, ME + IMAP + '[maildir]\npath = "~/Mail"\n')
    assert len(both) == 1 and "keep only one" in both[0]
    config = load(tmp_path, ME + '[maildir]\npath = "~/Mail"\n')
    assert config.maildir is not None and config.maildir.path == tmp_path / "Mail"
    assert config.maildir.drafts_folder == "Drafts" and config.imap is None


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    found = problems(tmp_path, '[me]\nname = "Alex"\nemail alex@example.com\n')
    assert len(found) == 1 and found[0].startswith("config.toml: line 3: not valid TOML")


def test_missing_file_says_to_copy_the_example(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "nope" / "config.toml", {})
    assert "copy config.example.toml" in str(caught.value)
    assert str(tmp_path / "nope" / "config.toml") in str(caught.value)


# --- secrets in the file ---


def test_password_is_refused_with_the_alternatives(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        ME
        + IMAP.replace("password_command", "password")
        + """
        [[calendars]]
        type = "caldav"
        url = "https://cal.example.com/"
        username = "alex"
        password = "hunter2"
    """,
    )
    assert found == [
        f"config.toml: {where}.password: passwords are not stored in the config file; run "
        '"interview-agent set-password" to keep it in the system keyring, or set '
        "password_command, password_env or oauth2_token_command"
        for where in ("[imap]", "[[calendars]][1]")
    ]
    assert "hunter2" not in "".join(found)


def test_secret_methods(tmp_path: Path) -> None:
    config = load(tmp_path, ME + '[imap]\nhost = "h.example"\nusername = "al"\n')
    assert config.imap is not None
    assert config.imap.auth == SecretSpec("keyring", "", "imap:al@h.example")
    config = load(tmp_path, ME + '[imap]\nhost = "h.example"\ncredential = true\n')
    assert config.imap is not None and config.imap.auth.method == "credential"
    assert config.imap.auth.value == "imap-password"
    config = load(tmp_path, ME + '[imap]\nhost = "h"\noauth2_token_command = "tok"\n')
    assert config.imap is not None and config.imap.auth.method == "oauth2_command"
    found = problems(tmp_path, ME + IMAP + 'password_env = "PW"\n')
    assert found == [
        "config.toml: [imap]: only one of password_command, password_env may be "
        "set; keep the one you use"
    ]
    found = problems(tmp_path, ME + '[imap]\nhost = "h"\nkeyring = false\n')
    assert len(found) == 1 and found[0].startswith("config.toml: [imap].keyring: is false")


# --- plain text only to loopback ---


def test_security_none_is_refused_for_a_remote_host(tmp_path: Path) -> None:
    found = problems(tmp_path, ME + IMAP + 'security = "none"\n')
    assert found == [
        'config.toml: [imap].security: "none" sends your password in clear text; it is only '
        'allowed for a loopback host, got host "imap.example.com". Use "tls" or "starttls"'
    ]


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.1.2.3", "::1"])
def test_security_none_is_allowed_for_loopback(tmp_path: Path, host: str) -> None:
    config = load(tmp_path, ME + IMAP.replace("imap.example.com", host) + 'security = "none"\n')
    assert config.imap is not None
    assert (config.imap.security, config.imap.port) == ("none", 143)


def test_http_calendar_only_to_loopback(tmp_path: Path) -> None:
    calendar = '[[calendars]]\ntype = "caldav"\nurl = "{}"\n'
    found = problems(tmp_path, ME + IMAP + calendar.format("http://cal.example.com/alex/"))
    assert len(found) == 1
    assert found[0].startswith("config.toml: [[calendars]][1].url: http:// sends your password")
    assert found[0].endswith("Use https://")
    config = load(tmp_path, ME + IMAP + calendar.format("http://127.0.0.1:5232/alex/"))
    assert config.calendars[0].url == "http://127.0.0.1:5232/alex/"
    assert config.calendars[0].name == "calendar-1" and config.calendars[0].auth is None


def test_ics_calendar_may_be_a_local_file_or_folder(tmp_path: Path) -> None:
    (tmp_path / "cal.ics").write_text("BEGIN:VCALENDAR\nEND:VCALENDAR\n")
    (tmp_path / "vdir").mkdir()
    config = load(
        tmp_path,
        ME
        + IMAP
        + """
        [[calendars]]
        type = "ics"
        url = "cal.ics"
        [[calendars]]
        type = "ics"
        url = "~/vdir"
    """,
    )
    assert [c.path for c in config.calendars] == [tmp_path / "cal.ics", tmp_path / "vdir"]
    found = problems(tmp_path, ME + IMAP + '[[calendars]]\ntype = "ics"\nurl = "missing.ics"\n')
    assert len(found) == 1 and "expected an existing file or folder" in found[0]
    found = problems(tmp_path, ME + IMAP + '[[calendars]]\ntype = "caldav"\nurl = "cal.ics"\n')
    assert found == ['config.toml: [[calendars]][1].url: expected an https:// URL, got "cal.ics"']


def test_tls_ca_file_must_exist(tmp_path: Path) -> None:
    found = problems(tmp_path, ME + IMAP + 'tls_ca_file = "ca.pem"\n')
    assert len(found) == 1 and found[0].startswith("config.toml: [imap].tls_ca_file: expected")
    (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    config = load(tmp_path, ME + IMAP + 'tls_ca_file = "ca.pem"\n')
    assert config.imap is not None and config.imap.tls_ca_file == tmp_path / "ca.pem"


# --- values checked against the world ---


def test_bad_timezone_suggests_a_real_one(tmp_path: Path) -> None:
    found = problems(tmp_path, ME.replace("America/New_York", "America/New_Yrok") + IMAP)
    assert found == [
        'config.toml: [me].timezone: expected an IANA time zone name such as "America/New_York", '
        'got "America/New_Yrok"; did you mean "America/New_York"?'
    ]


def test_country_and_subdivision(tmp_path: Path) -> None:
    found = problems(tmp_path, ME + 'country = "XX"\n' + IMAP)
    assert len(found) == 1 and found[0].startswith("config.toml: [me].country: expected a country")
    found = problems(tmp_path, ME + 'country = "US"\nsubdivision = "ZZ"\n' + IMAP)
    assert len(found) == 1 and found[0].startswith("config.toml: [me].subdivision: expected one")
    config = load(tmp_path, ME + 'country = "de"\nsubdivision = "by"\n' + IMAP)
    assert (config.me.country, config.me.subdivision) == ("DE", "BY")


def test_rules(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        ME
        + IMAP
        + """
        [[calendars]]
        name = "work"
        type = "caldav"
        url = "https://cal.example.com/"
        [[rules]]
        from = "acme.com"
        body = "Hiring Manager"
        calendar = "work"
        company = "Acme"
        disable = ["check_in"]
    """,
    )
    rule = config.rules[0]
    assert rule.name == "rule-1" and rule.action == "annotate"
    assert rule.matches_sender("Jo@ACME.com") and rule.matches_sender("jo@eu.acme.com")
    assert not rule.matches_sender("jo@notacme.com")
    assert rule.body is not None and rule.body.search("our hiring manager")
    assert rule.disable == (FollowUpKind.CHECK_IN,)
    found = problems(
        tmp_path,
        ME
        + IMAP
        + """
        [[rules]]
        action = "ignore"
        [[rules]]
        calendar = "nope"
        action = "interview"
    """,
    )
    assert found == [
        "config.toml: [[rules]][1]: matches nothing; add from, subject, body or calendar",
        "config.toml: [[rules]][2].calendar: expected the name of a [[calendars]] entry "
        '(known: none), got "nope"',
    ]


def test_defaults(tmp_path: Path) -> None:
    config = load(tmp_path, ME + IMAP, XDG_STATE_HOME="/var/state")
    assert config.state.path == Path("/var/state/interview-agent/state.db")
    assert config.followups.check_in.at == time(8, 0)
    assert config.followups.thank_you.delay_minutes == 30
    assert config.daemon.idle_renew_minutes == 9 and config.sync.lookback_days == 45
    assert config.me.addresses == frozenset({"alex@example.com"})
    assert config.imap is not None and config.imap.username == "alex@example.com"
    assert config.source == tmp_path / "config.toml"


def test_config_path_precedence(tmp_path: Path) -> None:
    env = {"HOME": "/home/a", "XDG_CONFIG_HOME": "/xdg", "INTERVIEW_AGENT_CONFIG": "/env.toml"}
    assert config_path("/cli.toml", env) == Path("/cli.toml")
    assert config_path(None, env) == Path("/env.toml")
    del env["INTERVIEW_AGENT_CONFIG"]
    assert config_path(None, env) == Path("/xdg/interview-agent/config.toml")
    assert config_path(None, {"HOME": "/home/a"}) == Path(
        "/home/a/.config/interview-agent/config.toml"
    )


# --- hypothesis: anything TOML can hold gives a Config or a ConfigError, never a crash ---

_words = st.sampled_from(
    [
        "tls",
        "none",
        "localhost",
        "imap.example.com",
        "http://cal.example.com/",
        "https://x/",
        "acme.com",
        "(",
        "America/New_York",
        "US",
        "CA",
        "08:00",
        "~/x",
        "thank_you",
        "a@b.c",
        "",
        "password",
        "ics",
        "caldav",
        "interview",
        "file:///etc",
        "http://[::1",
    ]
)
_scalars = (
    st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | _words
    | st.times()
    | st.dates()
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_words, inner, max_size=3),
    max_leaves=8,
)


def _section(name: str) -> st.SearchStrategy[Any]:
    keys = st.sampled_from([k.name for k in SCHEMA[name]] + ["password", "bogus"])
    table = st.dictionaries(keys, _values, max_size=6)
    if name in ARRAY_SECTIONS:
        return st.lists(table, max_size=2) | _values
    return table | _values


_configs = st.fixed_dictionaries(
    {}, optional={name: _section(name) for name in SCHEMA if "." not in name}
).flatmap(
    lambda data: st.fixed_dictionaries(
        {}, optional={sub.partition(".")[2]: _section(sub) for sub in SCHEMA if "." in sub}
    ).map(
        lambda subs: (
            {**data, "followups": {**data.get("followups", {}), **subs}}
            if isinstance(data.get("followups", {}), dict)
            else data
        )
    )
) | st.dictionaries(st.text(max_size=8) | _words, _values, max_size=4)


_VALID = {
    "me": {"name": "A", "email": "a@b.c", "timezone": "UTC"},
    "imap": {"host": "localhost", "password_env": "PW"},
}


@settings(max_examples=examples(400), deadline=None)
@given(_configs | _configs.map(lambda data: {**_VALID, **data}))
def test_any_toml_data_gives_a_config_or_a_config_error(data: dict[str, Any]) -> None:
    try:
        parse_config(data, Path("/nonexistent/config.toml"), {"HOME": "/nonexistent"})
    except ConfigError as error:
        assert error.problems
        assert all(p.startswith("config.toml: ") for p in error.problems)


# --- secrets ---


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A real (if forgetful) keyring backend."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.passwords[(service, username)]


class BrokenKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("locked")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def resolve(method: str, value: str, **environ: str) -> Secret:
    spec = SecretSpec(method, value, "imap:alex@h")  # type: ignore[arg-type]
    return resolve_secret(spec, environ={"PATH": "/usr/bin:/bin", **environ})


def test_command_gives_its_first_line() -> None:
    secret = resolve("command", "printf 's3cret pass\\nsecond line\\n'")
    assert secret == Secret("password", "s3cret pass")


def test_failing_command_reports_the_status_not_the_output() -> None:
    with pytest.raises(SecretError) as caught:
        resolve("command", "echo topsecret; echo topsecret >&2; exit 3")
    assert "exit status 3" in str(caught.value)
    assert "topsecret" not in str(caught.value)


def test_command_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(secrets, "COMMAND_TIMEOUT_SECONDS", 0.5)
    with pytest.raises(SecretError, match="did not finish"):
        resolve("command", "sleep 10 & wait")


def test_env_and_credential(tmp_path: Path) -> None:
    assert resolve("env", "IMAP_PW", IMAP_PW="pw from env").value == "pw from env"
    with pytest.raises(SecretError, match="IMAP_PW"):
        resolve("env", "IMAP_PW")
    (tmp_path / "imap-password").write_text("pw from systemd\n")
    secret = resolve("credential", "imap-password", CREDENTIALS_DIRECTORY=str(tmp_path))
    assert secret.value == "pw from systemd"
    with pytest.raises(SecretError, match="CREDENTIALS_DIRECTORY"):
        resolve("credential", "imap-password")


def test_oauth2_token_command() -> None:
    assert resolve("oauth2_command", "echo ya29.token") == Secret("oauth2", "ya29.token")


def test_keyring_backend(memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(SecretError, match="interview-agent set-password"):
        resolve("keyring", "")
    store_password("imap:alex@h", "from keyring")
    assert memory_keyring.passwords == {("interview-agent", "imap:alex@h"): "from keyring"}
    assert resolve("keyring", "") == Secret("password", "from keyring")
    keyring.set_keyring(BrokenKeyring())
    with pytest.raises(SecretError, match="no usable system keyring"):
        store_password("imap:alex@h", "pw")


def test_secret_never_shows_its_value() -> None:
    secret = Secret("password", "hunter2")
    for shown in (repr(secret), str(secret), f"{secret}", f"{secret!r}", repr([secret])):
        assert "hunter2" not in shown
    assert repr(secret) == "Secret(kind='password', value=<hidden>)"
