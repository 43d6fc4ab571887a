"""Security, end to end through the command line: plain IMAP only to loopback (exit 78), a
private state file and folder whatever the umask, and a password that never shows in any
output, log line (at the most verbose level) or error. Wrong-CA refusal is in
test_imap_e2e.py (test_runtime_failures_are_one_plain_line)."""

from __future__ import annotations

import os
import stat
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from harness import measured_child
from helpers import PASSWORD_ENV, imap_config, invite_eml
from servers import PASSWORD, USER, Dovecot, ServerError

START = datetime(2026, 10, 6, 18, 0, tzinfo=UTC)
SENT = datetime(2026, 10, 1, 14, 0, tzinfo=UTC)
AFTER = START + timedelta(hours=1, minutes=31)
KNOWN = "Pw-7f3c9e1a-Zq!"  # distinctive, so any leak is found by a plain search
WRONG = "Wrong-5d2b88-Xy?"
WITH_PASSWORD = {PASSWORD_ENV: PASSWORD}


def test_plain_imap_to_a_remote_host_is_refused_with_exit_78(tmp_path: Path) -> None:
    config = imap_config(tmp_path, port=143, ca_file=tmp_path / "unused.pem")
    config.write_text(
        config.read_text()
        .replace('host = "127.0.0.1"', 'host = "imap.example.com"')
        .replace('security = "tls"', 'security = "none"')
    )
    (code, _out, err), _ = measured_child(config, "once", verbose=True, env=WITH_PASSWORD)
    assert code == 78
    assert "Traceback" not in err
    (line,) = [line for line in err.splitlines() if "[imap].security" in line]
    assert "loopback" in line and "imap.example.com" in line


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_state_file_and_folder_are_private_whatever_the_umask(
    umask: int, dovecot: Dovecot, tmp_path: Path
) -> None:
    dovecot.append(
        "INBOX", invite_eml(start=START, end=START + timedelta(hours=1), sent=SENT), msg_time=SENT
    )
    state = tmp_path / "home" / ".local" / "state" / "interview-agent" / "state.db"
    config = imap_config(
        tmp_path / "cfg", port=dovecot.tls_port, ca_file=dovecot.ca_file, state=state
    )
    (code, _, err), _ = measured_child(
        config, "once", "--now", AFTER.isoformat(), verbose=True, env=WITH_PASSWORD, umask=umask
    )
    assert code == 0, err
    assert stat.S_IMODE(state.parent.stat().st_mode) == 0o700
    files = [p for p in state.parent.iterdir() if p.name.startswith("state.db")]
    assert state in files
    for path in files:  # the database and its -wal / -shm companions
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def use_password(dovecot: Dovecot, password: str) -> None:
    """Give the test user a distinctive password (Dovecot re-reads its passwd-file)."""
    users = dovecot.root / "users"
    users.write_text(f"{USER}:{{PLAIN}}{password}::::::\n")
    stamp = users.stat().st_mtime + 2
    os.utime(users, (stamp, stamp))
    for _ in range(40):  # until Dovecot's auth process has read the new file
        try:
            dovecot.doveadm("auth", "test", USER, password)
            return
        except ServerError:
            time.sleep(0.25)
    raise AssertionError("Dovecot never accepted the new password")


@pytest.mark.parametrize("source", ["password_env", "password_command"])
def test_a_known_password_never_appears_in_any_output(
    source: str, dovecot: Dovecot, tmp_path: Path
) -> None:
    dovecot.append(
        "INBOX", invite_eml(start=START, end=START + timedelta(hours=1), sent=SENT), msg_time=SENT
    )
    use_password(dovecot, KNOWN)
    secret_file = tmp_path / "secret"
    config = imap_config(tmp_path / "cfg", port=dovecot.tls_port, ca_file=dovecot.ca_file)
    if source == "password_command":
        secret_file.write_text(KNOWN + "\n")
        config.write_text(
            config.read_text().replace(
                f'password_env = "{PASSWORD_ENV}"', f'password_command = "cat {secret_file}"'
            )
        )

    def run(password: str, *args: str) -> tuple[int, str]:
        secret_file.write_text(password + "\n")
        (code, out, err), _ = measured_child(
            config, *args, verbose=True, env={PASSWORD_ENV: password}
        )
        return code, out + err

    outputs = []
    for args in (
        ("once", "--now", AFTER.isoformat()),
        ("status",),
        ("status", "--json", "--now", AFTER.isoformat()),
        ("check",),
        ("preview", "--now", AFTER.isoformat()),
    ):
        code, output = run(KNOWN, *args)
        assert code == 0, output
        outputs.append(output)
    assert "DEBUG" in outputs[0] or "INFO" in outputs[0]  # the verbose log was captured
    code, output = run(WRONG, "once", "--now", AFTER.isoformat())
    assert code == 77, output
    assert "refused the login" in output
    outputs.append(output)
    code, output = run(WRONG, "check")
    assert code != 0
    outputs.append(output)
    for output in outputs:
        assert KNOWN not in output
        assert WRONG not in output
    assert KNOWN not in (tmp_path / "cfg" / "state.db").read_bytes().decode("latin-1")
