"""Logins in any script: a user name or password with characters beyond ASCII logs in with
AUTHENTICATE PLAIN (RFC 4616: UTF-8; RFC 6855), which IMAP LOGIN cannot carry; a wrong one is
refused with exit 77, and no error shows the secret or any piece of it. Before, such a password
crashed with `UnicodeEncodeError` (exit 70), printing one of its characters and its position.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from harness import cli
from helpers import PASSWORD_ENV, imap_config
from servers import PASSWORD, USER, Dovecot

from agent.errors import ExitCode

START = datetime(2026, 10, 6, 18, 0, tzinfo=UTC)
SENT = datetime(2026, 10, 1, 14, 0, tzinfo=UTC)
AFTER = START + timedelta(hours=1, minutes=31)
SECRET = "Pässwärd-密码-ÿ9"  # Latin-1, CJK, a character past ASCII at the end; none in "jörg"
WRONG = "Wrøng-ßecret-ключ"
ASCII_USER = "anna"
UTF8_USER = "jörg"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Dovecot]:
    """A Dovecot whose users have non-ASCII passwords (and one a non-ASCII name)."""
    dovecot = Dovecot()
    # Dovecot allows only ASCII letters, digits and ".-_@" in user names by default.
    dovecot.config.write_text(dovecot.config.read_text() + "auth_username_chars =\n")
    users = dovecot.root / "users"
    users.write_text(
        "".join(
            f"{name}:{{PLAIN}}{password}::::::\n"
            for name, password in ((USER, PASSWORD), (ASCII_USER, SECRET), (UTF8_USER, SECRET))
        ),
        encoding="utf-8",
    )
    try:
        dovecot.start()
        yield dovecot
    finally:
        dovecot.close()


def pieces(secret: str) -> list[str]:
    """What a leak could show: each character beyond ASCII (the old crash printed one), and
    every 3-character run of the secret that holds one (ASCII runs such as "ssw" also occur
    in the test's own paths)."""
    runs = [secret[i : i + 3] for i in range(len(secret) - 2)]
    return [c for c in secret if not c.isascii()] + [r for r in runs if not r.isascii()]


@pytest.mark.parametrize("username", [ASCII_USER, UTF8_USER])
def test_a_non_ascii_password_logs_in_with_authenticate_plain(
    server: Dovecot, tmp_path: Path, username: str, caplog: pytest.LogCaptureFixture
) -> None:
    config = imap_config(tmp_path, port=server.tls_port, ca_file=server.ca_file)
    config.write_text(config.read_text().replace('username = "tester"', f'username = "{username}"'))
    with caplog.at_level(logging.DEBUG, logger="agent"):
        code, out, err = cli(
            config, "-v", "once", "--now", AFTER.isoformat(), env={PASSWORD_ENV: SECRET}
        )
    assert code == 0, err
    assert "logging in with AUTHENTICATE PLAIN (UTF-8)" in caplog.text
    assert f"logged in to 127.0.0.1:{server.tls_port} as {username}" in caplog.text
    code, out, err = cli(config, "check", env={PASSWORD_ENV: SECRET})
    assert code == 0 and "mailbox: ok" in out, out + err
    for piece in pieces(SECRET):
        assert piece not in out + err + caplog.text


def test_a_wrong_non_ascii_password_is_refused_without_a_trace_of_it(
    server: Dovecot, tmp_path: Path
) -> None:
    config = imap_config(tmp_path, port=server.tls_port, ca_file=server.ca_file)
    config.write_text(
        config.read_text().replace('username = "tester"', f'username = "{UTF8_USER}"')
    )
    for args in (("once",), ("check",), ("-v", "once")):
        code, out, err = cli(config, *args, env={PASSWORD_ENV: WRONG})
        assert code == ExitCode.NOPERM, err
        assert f"refused the login for {UTF8_USER}" in out + err
        assert "Traceback" not in err and "UnicodeEncodeError" not in err
        for piece in pieces(WRONG) + pieces(SECRET):
            assert piece not in out + err, piece
