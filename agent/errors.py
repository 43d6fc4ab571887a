"""One exception hierarchy and the exit codes the command line returns (sysexits.h values).

Every error a user can fix is an `AgentError` with a message that says what to do; `cli.main`
is the only place that turns one into a printed line and an exit code.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    OK = 0
    FAILURE = 1
    USAGE = 64  # EX_USAGE: bad command line
    DATA = 65  # EX_DATAERR: bad input data (e.g. an unknown follow-up key)
    UNAVAILABLE = 69  # EX_UNAVAILABLE: server unreachable
    SOFTWARE = 70  # EX_SOFTWARE: a bug
    TEMPFAIL = 75  # EX_TEMPFAIL: try again later
    NOPERM = 77  # EX_NOPERM: authentication or certificate refused
    CONFIG = 78  # EX_CONFIG: any configuration problem


class AgentError(Exception):
    """Base of every error the agent reports to the user."""

    exit_code: ExitCode = ExitCode.FAILURE


class ConfigError(AgentError):
    """One or more configuration problems; `problems` lists them all, each naming its key."""

    exit_code = ExitCode.CONFIG

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class SecretError(AgentError):
    """A password or token could not be obtained (keyring empty, command failed, ...)."""

    exit_code = ExitCode.CONFIG


class ConnectionFailed(AgentError):
    """The server could not be reached (DNS, refused, timeout). Retried by the daemon."""

    exit_code = ExitCode.UNAVAILABLE


class CertificateError(AgentError):
    """The server's TLS certificate was not trusted."""

    exit_code = ExitCode.NOPERM


class AuthenticationFailed(AgentError):
    """The server refused the user name, password or token."""

    exit_code = ExitCode.NOPERM


class MailboxError(AgentError):
    """A folder is missing or the server refused an operation on it."""

    exit_code = ExitCode.TEMPFAIL


class StateError(AgentError):
    """The state database cannot be opened or is from a newer version."""

    exit_code = ExitCode.FAILURE


class UsageError(AgentError):
    """A command was given an argument it cannot use (unknown key, bad date)."""

    exit_code = ExitCode.USAGE
