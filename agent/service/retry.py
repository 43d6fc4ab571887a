"""What the daemon does when something fails: which failures only the user can fix (their
exit code ends the service) and which are retried, after a capped exponential backoff with
jitter; and the one line a failure gets in the log.
"""

from __future__ import annotations

import imaplib
import random
from dataclasses import dataclass, field

from imapclient.exceptions import IMAPClientError

from agent.errors import (
    AgentError,
    AuthenticationFailed,
    CertificateError,
    ConfigError,
    SecretError,
    StateError,
)

# Only the user can fix these: exit with their code (the unit does not restart on 77 or 78).
FATAL: tuple[type[AgentError], ...] = (
    AuthenticationFailed,
    CertificateError,
    ConfigError,
    SecretError,
    StateError,
)
# The network, the server or a folder failed: reconnect after a backoff.
RETRYABLE: tuple[type[BaseException], ...] = (
    AgentError,
    OSError,
    IMAPClientError,
    imaplib.IMAP4.error,
    EOFError,
)
BACKOFF_BASE_SECONDS = 2.0


def describe(exc: BaseException) -> str:
    """One line for the log: the agent's own message, or the kind of low-level failure."""
    if isinstance(exc, ConfigError):
        return "; ".join(exc.problems)
    if isinstance(exc, AgentError):
        return str(exc)
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@dataclass
class Backoff:
    """Capped exponential backoff with jitter: 2, 4, 8 ... s up to `cap`, each scaled by a
    random factor in [0.5, 1] so that many clients do not reconnect in step."""

    cap: float
    failures: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def next_delay(self) -> float:
        self.failures += 1
        delay = min(self.cap, BACKOFF_BASE_SECONDS * 2.0 ** min(self.failures - 1, 30))
        return delay * self.rng.uniform(0.5, 1.0)

    def reset(self) -> None:
        self.failures = 0
