"""Obtain the IMAP or calendar password (or OAuth2 token) a `SecretSpec` points to.

Sources: the system keyring (`keyring`), a shell command's first output line, an environment
variable, a systemd credential (`$CREDENTIALS_DIRECTORY/<name>`), or an OAuth2 token command
(SASL XOAUTH2). A `Secret` never shows its value in `repr`/`str`, and no error message carries
a secret or a command's output, so neither can reach a log.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import keyring
import keyring.backends.fail
import keyring.errors

from agent.config import SecretSpec
from agent.errors import SecretError

SERVICE = "interview-agent"
COMMAND_TIMEOUT_SECONDS = 30


@dataclass(frozen=True, repr=False)
class Secret:
    """A password or an OAuth2 access token."""

    kind: Literal["password", "oauth2"]
    value: str

    def __repr__(self) -> str:
        return f"Secret(kind={self.kind!r}, value=<hidden>)"

    __str__ = __repr__


def resolve_secret(
    spec: SecretSpec, *, environ: Mapping[str, str], service: str = SERVICE
) -> Secret:
    """The secret `spec` describes; raises SecretError saying what to do when it is unavailable."""
    if spec.method == "keyring":
        try:
            value = keyring.get_password(service, spec.account)
        except keyring.errors.KeyringError as exc:
            raise _no_keyring(exc) from None
        if not value:
            raise SecretError(
                f'no password for "{spec.account}" in the system keyring; run '
                '"interview-agent set-password" to store it, or set password_command'
            )
        return Secret("password", value)
    if spec.method == "env":
        value = environ.get(spec.value, "")
        if not value:
            raise SecretError(f"password_env: the environment variable {spec.value} is not set")
        return Secret("password", value)
    if spec.method == "credential":
        return Secret("password", _read_credential(spec.value, environ))
    key = "oauth2_token_command" if spec.method == "oauth2_command" else "password_command"
    value = _first_line_of_command(key, spec.value, environ)
    return Secret("oauth2" if spec.method == "oauth2_command" else "password", value)


def renewal_hint(spec: SecretSpec) -> str:
    """What to do when the server refuses the secret `spec` produced (no secret in it)."""
    if spec.method == "keyring":
        return "run 'interview-agent set-password' to store the right password"
    if spec.method == "env":
        return f"check the password in the environment variable {spec.value}"
    if spec.method == "credential":
        return f"check the password in the systemd credential {spec.value}"
    if spec.method == "oauth2_command":
        return "check that oauth2_token_command prints a current access token"
    return "check the password that password_command prints on its first line"


def store_password(account: str, password: str, service: str = SERVICE) -> None:
    """Keep `password` in the system keyring (for `interview-agent set-password`)."""
    try:
        keyring.set_password(service, account, password)
    except keyring.errors.KeyringError as exc:
        raise _no_keyring(exc) from None


def keyring_problem() -> str:
    """Why the system keyring cannot hold a password here ("" when it can), asked before
    `set-password` prompts for one: a machine without a desktop session (a server, a
    container, SSH) usually has no keyring at all."""
    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # a broken keyring configuration
        return _no_keyring_text(f"{type(exc).__name__}")
    priority = getattr(backend, "priority", 1)
    kind = type(backend)
    viable = getattr(backend, "backends", None)  # a chainer: usable when it chains any
    if (
        isinstance(backend, keyring.backends.fail.Keyring)
        or (isinstance(priority, int | float) and priority <= 0 and not viable)
        or kind.__module__.startswith("keyring.backends.null")
    ):
        return _no_keyring_text(f"keyring found only {kind.__module__}.{kind.__name__}")
    return ""


def _no_keyring_text(why: str) -> str:
    return (
        f"no system keyring is available on this machine ({why}), so set-password cannot "
        "store a password here. Use one of these in [imap] instead: "
        'password_command = "pass show mail/you" (any command that prints it), '
        'password_env = "IMAP_PASSWORD", or credential = true (a systemd credential); '
        "see 'Keeping the password out of files' in the README"
    )


def _no_keyring(exc: Exception) -> SecretError:
    return SecretError(
        f"no usable system keyring was found ({type(exc).__name__}); set password_command "
        '(e.g. "pass show mail/me"), password_env or credential in the config file instead'
    )


def _read_credential(name: str, environ: Mapping[str, str]) -> str:
    folder = environ.get("CREDENTIALS_DIRECTORY", "")
    if not folder:
        raise SecretError(
            f'credential "{name}": $CREDENTIALS_DIRECTORY is not set; run the agent from its '
            f"systemd unit with LoadCredential={name}:/path/to/file (or SetCredentialEncrypted=)"
        )
    path = Path(folder, name)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise SecretError(
            f'credential "{name}": cannot read {path}; check LoadCredential='
        ) from None
    line = _first_line(text)
    if not line:
        raise SecretError(f'credential "{name}": {path} is empty')
    return line


def _first_line_of_command(key: str, command: str, environ: Mapping[str, str]) -> str:
    """Run `command` with /bin/sh; its first output line. Errors never include the output."""
    try:
        proc = subprocess.Popen(
            ["/bin/sh", "-c", command],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=dict(environ),
            start_new_session=True,  # so a timeout can kill the whole process group
        )
    except OSError as exc:
        raise SecretError(f"{key}: cannot start /bin/sh: {exc.strerror}") from None
    try:
        out, _ = proc.communicate(timeout=COMMAND_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise SecretError(
            f"{key}: the command did not finish within {COMMAND_TIMEOUT_SECONDS} seconds; "
            "check that it needs no terminal input (e.g. an unlocked gpg-agent)"
        ) from None
    if proc.returncode != 0:
        raise SecretError(
            f"{key}: the command failed with exit status {proc.returncode}; "
            "run it yourself to see why"
        )
    try:
        line = _first_line(out.decode("utf-8"))
    except UnicodeDecodeError:
        raise SecretError(f"{key}: the command's output is not UTF-8 text") from None
    if not line:
        raise SecretError(f"{key}: the command printed nothing on its first line")
    return line


def _first_line(text: str) -> str:
    """The first line without its line ending; other whitespace belongs to the secret."""
    return text.split("\n", 1)[0].removesuffix("\r")
