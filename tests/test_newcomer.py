"""Errors a newcomer can act on, each as a user meets it: a folder name that does not exist, a
mailbox over its quota, TLS asked of a plain port (and STARTTLS of a TLS port), a time zone
abbreviation, a config saved with a byte-order mark, `set-password` where there is no keyring,
`status | head -1`, `once --dry-run` (which writes nothing), `-v` (which says what each step
did), log lines with their syslog priority for journald, and exit codes: `check` exits as
`once` would, and the README lists every code there is.
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from harness import Daemon, child, cli, command
from helpers import PASSWORD_ENV, imap_config, invite_eml, maildir_config
from servers import PASSWORD, Dovecot, free_port

from agent.errors import ExitCode

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2026, 10, 6, 18, 0, tzinfo=UTC)
SENT = datetime(2026, 10, 1, 14, 0, tzinfo=UTC)
AFTER = START + timedelta(hours=1, minutes=31)
WITH_PASSWORD = {PASSWORD_ENV: PASSWORD}


def with_invite(dovecot: Dovecot) -> Dovecot:
    dovecot.append(
        "INBOX", invite_eml(start=START, end=START + timedelta(hours=1), sent=SENT), msg_time=SENT
    )
    return dovecot


# --- folders -------------------------------------------------------------------------------------


def test_a_drafts_folder_that_does_not_exist_is_a_config_problem(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    """`drafts_folder = "Draft"` (the folder is "Drafts"): `check` names it and lists the
    folders there are, `once` exits 78, and `run` stops with 78 instead of retrying it as a
    network fault for ever."""
    config = imap_config(
        tmp_path, port=dovecot.tls_port, ca_file=dovecot.ca_file, extra='drafts_folder = "Draft"'
    )
    code, out, err = cli(config, "check", env=WITH_PASSWORD)
    assert code == ExitCode.CONFIG
    (line,) = [line for line in out.splitlines() if "does not exist" in line]
    assert line.startswith('problem: mailbox: [imap].drafts_folder: "Draft" does not exist')
    assert "Drafts, INBOX, Junk, Sent, Trash" in line
    code, _, err = cli(config, "once", env=WITH_PASSWORD)
    assert code == ExitCode.CONFIG and '[imap].drafts_folder: "Draft" does not exist' in err
    started = time.monotonic()
    done = child(config, "run", env=WITH_PASSWORD)
    assert done.code == ExitCode.CONFIG, done.err
    assert time.monotonic() - started < 30 and "retrying" not in done.err
    assert "Traceback" not in done.err


# --- quota ---------------------------------------------------------------------------------------

QUOTA = """
mail_plugins = $mail_plugins quota
plugin {
  quota = maildir:User quota
  quota_rule = *:messages=%d
}
"""


@pytest.fixture
def full_mailbox() -> Iterator[Dovecot]:
    """A Dovecot whose quota is two messages, filled by an invite (for an interview that
    ended an hour ago by the real clock, so its thank-yous are due now) and one more."""
    server = Dovecot()
    server.config.write_text(server.config.read_text() + QUOTA % 2)
    try:
        server.start()
        start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
        sent = start - timedelta(days=3)
        invite = invite_eml(start=start, end=start + timedelta(hours=1), sent=sent)
        server.append("INBOX", invite, msg_time=sent)
        server.append("INBOX", b"From: a@example.org\r\nSubject: hello\r\n\r\nhi\r\n")
        yield server
    finally:
        server.close()


def test_an_append_over_quota_says_so_and_what_to_free(
    full_mailbox: Dovecot, tmp_path: Path
) -> None:
    config = imap_config(tmp_path, port=full_mailbox.tls_port, ca_file=full_mailbox.ca_file)
    code, _, err = cli(config, "once", env=WITH_PASSWORD)
    assert code == ExitCode.TEMPFAIL
    (line,) = err.splitlines()
    assert "over its quota" in line and "empty Trash" in line and "next pass" in line


def test_the_daemon_retries_a_full_mailbox_on_the_next_tick(
    full_mailbox: Dovecot, tmp_path: Path
) -> None:
    """Not a network fault: no backoff of minutes and no reconnect, a try on every tick; the
    drafts go in as soon as space is freed."""
    config = imap_config(
        tmp_path,
        port=full_mailbox.tls_port,
        ca_file=full_mailbox.ca_file,
        extra="\n[daemon]\ntick_seconds = 1\nmax_backoff_seconds = 3600\n",
    )
    daemon = Daemon(config, tmp_path / "daemon.log", env=WITH_PASSWORD)
    daemon.start()
    try:
        daemon.wait_for_log("over its quota", count=3)  # three ticks, three tries
        assert "retrying in" not in daemon.text()
        with full_mailbox.client() as client:  # the user frees space
            client.select_folder("INBOX")
            client.delete_messages(client.search(["SUBJECT", "hello"]))
            client.expunge()
        daemon.wait_for_log("draft placed")
    finally:
        assert daemon.stop() == 0
    assert "Traceback" not in daemon.text()


# --- TLS and ports -------------------------------------------------------------------------------


def test_tls_asked_of_a_plain_port_is_named(dovecot: Dovecot, tmp_path: Path) -> None:
    config = imap_config(tmp_path, port=dovecot.port, ca_file=dovecot.ca_file)
    for args in (("once",), ("check",)):
        code, out, err = cli(config, *args, env=WITH_PASSWORD)
        assert code == ExitCode.CONFIG, out + err
        assert "speaks plain IMAP" in out + err and 'security = "starttls"' in out + err


def test_starttls_asked_of_a_tls_port_is_named(dovecot: Dovecot, tmp_path: Path) -> None:
    config = imap_config(
        tmp_path, port=dovecot.tls_port, ca_file=dovecot.ca_file, extra="timeout_seconds = 2"
    )
    config.write_text(config.read_text().replace('security = "tls"', 'security = "starttls"'))
    code, _, err = cli(config, "once", env=WITH_PASSWORD)
    assert code == ExitCode.CONFIG, err
    assert "expects TLS from the first byte" in err and 'security = "tls"' in err


# --- config --------------------------------------------------------------------------------------


def maildir(tmp_path: Path) -> Path:
    mailbox = tmp_path / "Mail"
    for sub in ("cur", "new", "tmp"):
        (mailbox / sub).mkdir(parents=True)
    return mailbox


def test_a_time_zone_abbreviation_is_refused_with_the_zones_it_may_mean(tmp_path: Path) -> None:
    config = maildir_config(tmp_path / "agent", maildir(tmp_path))
    config.write_text(config.read_text().replace('"America/New_York"', '"EST"'))
    code, _, err = cli(config, "check")
    assert code == ExitCode.CONFIG
    (line,) = err.splitlines()
    assert line.startswith("config.toml: [me].timezone: ")
    assert "not an abbreviation" in line and '"America/New_York"' in line and '"EST"' in line


def test_a_config_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    config = maildir_config(tmp_path / "agent", maildir(tmp_path))
    config.write_bytes(b"\xef\xbb\xbf" + config.read_bytes())  # as Windows Notepad saves it
    code, out, err = cli(config, "check")
    assert code == 0, err
    assert "is valid" in out


# --- commands ------------------------------------------------------------------------------------


def test_status_into_a_reader_that_went_away_ends_quietly(tmp_path: Path) -> None:
    """`status | head -1`: the reader closes the pipe; no BrokenPipeError, no traceback."""
    mailbox = maildir(tmp_path)
    (mailbox / "cur" / "1.invite:2,").write_bytes(
        invite_eml(start=START, end=START + timedelta(hours=1), sent=SENT)
    )
    config = maildir_config(tmp_path / "agent", mailbox)
    assert cli(config, "once", "--now", AFTER.isoformat()).code == 0
    shell = subprocess.run(
        [
            "sh",
            "-c",
            '"$@" | head -1',
            "sh",
            *command(config, "status", "--now", AFTER.isoformat()),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shell.returncode == 0 and len(shell.stdout.splitlines()) == 1
    assert shell.stderr == ""
    read, write = os.pipe()
    os.close(read)  # a reader that is gone before the first line
    try:
        done = subprocess.run(
            command(config, "status", "--json", "--now", AFTER.isoformat()),
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write)
    assert done.stderr == ""
    assert done.returncode == ExitCode.BROKEN_PIPE


def test_set_password_without_a_keyring_says_so_before_asking(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    """On a terminal, with no keyring (a server, a container): the alternatives, exit 78, and
    no password prompt first."""
    config = imap_config(tmp_path, port=dovecot.tls_port, ca_file=dovecot.ca_file)
    config.write_text(config.read_text().replace(f'password_env = "{PASSWORD_ENV}"\n', ""))
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        command(config, "set-password"),
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env={**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
        start_new_session=True,
    )
    os.close(terminal)
    said = b""
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.2)
        if ready:
            try:
                said += os.read(controller, 4096)
            except OSError:
                break
    with_rest = said
    try:
        while select.select([controller], [], [], 0.2)[0]:
            with_rest += os.read(controller, 4096)
    except OSError:
        pass
    os.close(controller)
    code = process.wait(timeout=10)
    text = with_rest.decode(errors="replace")
    assert code == ExitCode.CONFIG, text
    assert "Password for" not in text
    assert "no system keyring is available" in text
    assert "password_command" in text and "password_env" in text and "credential" in text


def test_dry_run_writes_nothing_not_even_the_state(dovecot: Dovecot, tmp_path: Path) -> None:
    with_invite(dovecot)
    before = dovecot.snapshot()
    state_dir = tmp_path / "state"
    config = imap_config(
        tmp_path / "config",
        port=dovecot.tls_port,
        ca_file=dovecot.ca_file,
        state=state_dir / "state.db",
    )
    code, out, err = cli(config, "once", "--dry-run", "--now", AFTER.isoformat(), env=WITH_PASSWORD)
    assert code == 0, err
    assert out.count("would place thank_you draft") == 2
    assert not state_dir.exists()  # no state file, no lock file, not even the folder
    assert dovecot.snapshot() == before

    cli(config, "once", "--now", (START - timedelta(days=1)).isoformat(), env=WITH_PASSWORD)
    files = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in state_dir.iterdir()}
    before = dovecot.snapshot()
    code, out, err = cli(config, "once", "--dry-run", "--now", AFTER.isoformat(), env=WITH_PASSWORD)
    assert code == 0 and out.count("would place thank_you draft") == 2, err
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in state_dir.iterdir()} == files
    assert dovecot.snapshot() == before


def test_dry_run_on_a_maildir_creates_no_folder(tmp_path: Path) -> None:
    mailbox = maildir(tmp_path)
    config = maildir_config(tmp_path / "agent", mailbox)
    listing = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    code, _, err = cli(config, "once", "--dry-run")
    assert code == 0, err
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == listing


def test_verbose_says_what_each_step_did(dovecot: Dovecot, tmp_path: Path) -> None:
    with_invite(dovecot)
    config = imap_config(tmp_path, port=dovecot.tls_port, ca_file=dovecot.ca_file)
    done = child(config, "once", "--now", AFTER.isoformat(), env=WITH_PASSWORD, verbose=True)
    assert done.code == 0, done.err
    for step in (
        "holding the state lock",
        f"logged in to 127.0.0.1:{dovecot.tls_port} as tester",
        "folders on 127.0.0.1: drafts Drafts, sent Sent, trash Trash",
        "mail read: 1 messages, 1 interviews new",
        "planned 3 follow-ups of 1 interviews",
        "to do: place thank_you draft to oliver.grant@northwind.io",
        "APPENDed thank_you/",
        "draft placed: thank_you to priya.shah@northwind.io",
    ):
        assert step in done.err, step


def test_log_lines_carry_their_syslog_priority_for_journald(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    """Under systemd ($JOURNAL_STREAM names stderr), `journalctl -p err` finds the errors."""
    config = imap_config(tmp_path, port=dovecot.tls_port, ca_file=dovecot.ca_file)
    log = tmp_path / "journal"
    with log.open("wb") as stream:
        stat = os.fstat(stream.fileno())
        env = {
            **os.environ,
            PASSWORD_ENV: "wrong",
            "JOURNAL_STREAM": f"{stat.st_dev}:{stat.st_ino}",
        }
        subprocess.run(
            command(config, "-v", "once"), stdout=subprocess.DEVNULL, stderr=stream, env=env
        )
    lines = log.read_text().splitlines()
    assert lines and all(re.match(r"<[0-7]>", line) for line in lines), lines
    assert any(line.startswith("<7>DEBUG ") for line in lines)
    assert any(
        line.startswith("<3>interview-agent: ") and "refused the login" in line for line in lines
    )
    plain = child(config, "once", env={PASSWORD_ENV: "wrong"})  # not the journal: no prefix
    assert plain.err.startswith("interview-agent: ")


# --- exit codes ----------------------------------------------------------------------------------


def test_check_exits_with_the_code_once_would(dovecot: Dovecot, tmp_path: Path) -> None:
    cases = {
        "wrong password": ({PASSWORD_ENV: "wrong"}, "", ExitCode.NOPERM),
        "unreachable": (WITH_PASSWORD, "port", ExitCode.UNAVAILABLE),
        "missing folder": (WITH_PASSWORD, 'sent_folder = "Sent Items"', ExitCode.CONFIG),
        "no password": ({PASSWORD_ENV: ""}, "", ExitCode.CONFIG),
        "fine": (WITH_PASSWORD, "", ExitCode.OK),
    }
    for name, (env, extra, code) in cases.items():
        port = dovecot.tls_port
        if extra == "port":
            extra, port = "", free_port()  # nobody listens there
        config = imap_config(tmp_path / name, port=port, ca_file=dovecot.ca_file, extra=extra)
        results = [cli(config, command, env=env).code for command in ("check", "once")]
        assert results == [code, code], name


def test_the_readme_lists_every_exit_code() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Commands") :]
    section = section[: section.index("\n## ", 1)]
    listed = {int(code) for code in re.findall(r"^\| `(\d+)` \|", section, re.MULTILINE)}
    assert listed == {int(code) for code in ExitCode}


def test_the_readme_install_works_on_debian() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "pipx install ." in readme
    assert "loginctl enable-linger" in readme
