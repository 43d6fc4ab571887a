"""What a configuration is: the frozen dataclasses `load_config` builds, one per section.

Values only: no parsing and no I/O here (`agent.config_values` checks values,
`agent.config_schema` reads the file's tables into these). `Config` is the whole file.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import time
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Literal

from agent.config.patterns import BoundedPattern
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
    # The languages the user writes drafts in (`agent.model.LANGUAGES`); English is the default
    # and the fallback.
    languages: tuple[str, ...] = ("en",)

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
    interviews_folder: str = "Interviews"  # mail the user files there is their interview mail


@dataclass(frozen=True)
class MaildirConfig:
    path: Path
    drafts_folder: str
    sent_folder: str
    trash_folder: str
    interviews_folder: str = "Interviews"


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
    # a request with no date ("when you get a chance") is due this many business days after it
    undated_business_days: int = 2
    # a task that takes days (a take-home; a request due more than `long_task_business_days`
    # business days after it arrived) gets a short acknowledgement on the day it arrives and a
    # progress update at the business-day midpoint while it is still open
    acknowledge: bool = True
    progress_update: bool = True
    long_task_business_days: int = 3


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
class DigestConfig:
    """`[digest]`: once a day, a short message in INBOX saying what waits (opt-in)."""

    enabled: bool = False
    at: time = time(8, 0)  # local, `[me] timezone`


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
    subject: BoundedPattern | re.Pattern[str] | None  # the loader makes BoundedPatterns
    body: BoundedPattern | re.Pattern[str] | None
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
    digest: DigestConfig = DigestConfig()
