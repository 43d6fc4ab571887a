"""One exception hierarchy and the exit codes the command line returns (sysexits.h values).

Every error a user can fix is an `AgentError` with a message that says what to do; `cli.main`
is the only place that turns one into a printed line and an exit code.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """Every code the command line can exit with; README.md lists them all."""

    OK = 0
    USAGE = 64  # EX_USAGE: bad command line
    UNAVAILABLE = 69  # EX_UNAVAILABLE: server unreachable
    SOFTWARE = 70  # EX_SOFTWARE: a bug
    TEMPFAIL = 75  # EX_TEMPFAIL: try again later (another pass holds the state, a busy server)
    NOPERM = 77  # EX_NOPERM: authentication or certificate refused
    CONFIG = 78  # EX_CONFIG: any configuration problem, and a state file that cannot be used
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
    BROKEN_PIPE = 141  # the reader of the output went away, e.g. `| head` (128 + SIGPIPE)


class AgentError(Exception):
    """Base of every error the agent reports to the user."""

    exit_code: ExitCode = ExitCode.SOFTWARE


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
    """The server refused an operation on a folder for what may be a passing reason."""

    exit_code = ExitCode.TEMPFAIL


class QuotaExceeded(MailboxError):
    """The server refused an APPEND because the mailbox is over its quota (RFC 5530
    OVERQUOTA). The user must free space; the daemon tries again on its next tick."""


class FolderMissing(ConfigError):
    """A folder the config names (or a Drafts folder to be found by role) does not exist on
    the server: retrying cannot help, the config must change."""


class StateError(AgentError):
    """The state file cannot be used as it is (not a database, truncated, empty, from a newer
    version, unreadable). Never repaired or replaced silently: the message names the file and
    what to do."""

    exit_code = ExitCode.CONFIG


class StateBusy(AgentError):
    """The state file is busy for now (another process holds a pass, or SQLite stayed
    locked); trying again later is right."""

    exit_code = ExitCode.TEMPFAIL


class UsageError(AgentError):
    """A command was given an argument it cannot use (unknown key, bad date)."""

    exit_code = ExitCode.USAGE
