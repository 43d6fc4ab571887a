"""Wiring: the configured mail store, state and clock run one pass of the pipeline.

sources (mail, calendars) -> understanding -> planning -> composing -> placing. `one_pass` is
what `once` and each daemon cycle do; `current_plan` is what `status` and `preview` show
(the same planner, no side effects).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from agent.businessdays import BusinessCalendar
from agent.config.types import Config
from agent.errors import AuthenticationFailed, ConfigError
from agent.model import Interview
from agent.planning.planner import Plan, Settings, World, plan
from agent.state.store import StateStore

if TYPE_CHECKING:  # the stages a pass needs load with the pass: `status` starts in a blink
    import jinja2

    from agent.calendars import CalendarSource
    from agent.compose import Sender
    from agent.ingest.mailbox import SyncReport
    from agent.mail.store import MailStore
    from agent.understanding.detect import Context

log = logging.getLogger(__name__)


CLOCK_SUSPECT_AHEAD = timedelta(days=7)


@dataclass
class PassResult:
    sync: SyncReport
    plan: Plan
    interviews: list[Interview]
    placed: list[str] = field(default_factory=list)
    quiet: bool = False  # nothing new: planning skipped (see `settled`)
    removed_copies: list[str] = field(default_factory=list)  # our second copies, removed
    left_copies: list[str] = field(default_factory=list)  # second copies the server kept
    clock_warning: str = ""  # set when the clock looks far ahead of the mailbox


def clock_warning(now: datetime, newest: datetime | None) -> str:
    """A line for the log when `now` is far ahead of the newest mail's arrival by the mail
    server's own clock (its INTERNALDATE): a clock that jumped, or `--now` in the future.
    Decisions that depend on the clock are made again on every pass, so nothing is lost for
    good, but drafts placed meanwhile are real."""
    if newest is None or now - newest <= CLOCK_SUSPECT_AHEAD:
        return ""
    days = (now - newest).total_seconds() / 86400
    return (
        f"the clock says {now:%Y-%m-%d %H:%M} UTC, {days:.0f} days after the newest mail in "
        f"INBOX arrived ({newest:%Y-%m-%d %H:%M} UTC by the server's clock); if this "
        "machine's clock is wrong, fix it (timedatectl): follow-ups may be drafted early"
    )


def open_store(
    config: Config, environ: Mapping[str, str] | None = None, *, read_only: bool = False
) -> MailStore:
    """The configured mailbox, connected and logged in. `read_only`: create nothing (a
    Maildir's Drafts folder is not made), for `once --dry-run`."""
    from agent.config.secrets import renewal_hint, resolve_secret
    from agent.mail.imap import ImapStore
    from agent.mail.maildir import MaildirStore

    environ = os.environ if environ is None else environ
    if config.maildir is not None:
        m = config.maildir
        return MaildirStore(
            m.path,
            drafts=m.drafts_folder,
            sent=m.sent_folder,
            trash=m.trash_folder,
            read_only=read_only,
            interviews=m.interviews_folder,
        )
    imap = config.imap
    if imap is None:
        raise ConfigError([f"{config.source.name}: [imap] or [maildir] is required"])
    secret = resolve_secret(imap.auth, environ=environ)
    try:
        return ImapStore(
            host=imap.host,
            port=imap.port,
            security=imap.security,
            username=imap.username,
            secret_kind=secret.kind,
            secret=secret.value,
            ca_file=str(imap.tls_ca_file) if imap.tls_ca_file else None,
            timeout=imap.timeout_seconds,
            drafts=imap.drafts_folder,
            sent=imap.sent_folder,
            trash=imap.trash_folder,
            inbox=imap.inbox_folder,
            interviews=imap.interviews_folder,
        )
    except AuthenticationFailed as exc:
        raise AuthenticationFailed(f"{exc}; {renewal_hint(imap.auth)}") from exc


def business_calendar(config: Config) -> BusinessCalendar:
    return BusinessCalendar(config.me.country, config.me.subdivision)


def settings_of(config: Config) -> Settings:
    return Settings(
        me=config.me.addresses,
        tz=config.me.timezone,
        business=business_calendar(config),
        followups=config.followups,
        rules=config.rules,
    )


def context_of(config: Config, now: datetime) -> Context:
    from agent.understanding.detect import Context

    return Context(
        me=config.me.addresses,
        tz=config.me.timezone,
        business=business_calendar(config),
        rules=config.rules,
        now=now,
        names=frozenset({config.me.name.lower()} - {""}),
    )


def sender_of(config: Config) -> Sender:
    from agent.compose import Sender

    me = config.me
    return Sender(me.name, me.email, me.signature, me.timezone, me.languages)


def templates_of(config: Config) -> jinja2.Environment:
    from agent.compose import environment

    return environment(config.templates.folder)


def world_of(config: Config, state: StateStore) -> World:
    """What planning reads from the state: interviews, follow-ups and the messages around them."""
    interviews = state.interviews()
    records = state.followups()
    messages = state.messages_around(interviews, records.values(), config.me.addresses)
    return World(interviews=tuple(interviews), messages=tuple(messages), records=records)


def current_plan(config: Config, state: StateStore, now: datetime) -> tuple[Plan, list[Interview]]:
    world = world_of(config, state)
    return plan(world, settings_of(config), now), list(world.interviews)


def one_pass(
    config: Config,
    state: StateStore,
    store: MailStore,
    now: datetime,
    *,
    dry_run: bool = False,
    calendars: Sequence[CalendarSource] | None = None,
    full: bool = False,
) -> PassResult:
    """Sync mail, plan, and (unless `dry_run`) place every draft due at or before `now`.

    A pass that finds nothing new since a full pass whose plan still holds stops after the
    sync (`settled`), unless `full`. Otherwise the state is read once and planned on once when
    nothing changes it in between: observing Drafts or carrying out the plan rereads and
    replans only if it wrote to the state."""
    from agent.ingest import MailSync, SyncReport, sync_calendars
    from agent.placing import Placer, quiet

    syncer = MailSync(
        store,
        state,
        context_of(config, now),
        lookback_days=config.sync.lookback_days,
        max_part_bytes=config.sync.max_part_bytes,
    )
    report = SyncReport()
    if calendars is not None:  # first, so mail about a calendar's interviews is related to them
        sync_calendars(calendars, syncer, config, now, report)
        log.debug("calendars read: %d interviews new, %d updated so far", *_found(report))
    syncer.run(now, report)
    log.debug(
        "mail read: %d messages, %d interviews new, %d updated%s",
        report.messages_read,
        *_found(report),
        f"; rescanned {', '.join(report.rescanned)} (new UIDVALIDITY)" if report.rescanned else "",
    )
    if dry_run:
        the_plan, interviews = current_plan(config, state, now)
        log.debug(
            "planned %d follow-ups, %d actions", len(the_plan.followups), len(the_plan.actions)
        )
        result = PassResult(sync=report, plan=the_plan, interviews=interviews)
        result.clock_warning = _check_clock(store, now)
        return result
    inputs = quiet.Inputs.of(config, store.drafts_mark())  # before Drafts is listed
    if not full and quiet.holds(state, inputs, now):
        log.debug("nothing new since the last full pass and its plan still holds: done")
        place_digest(config, state, store, now)
        return PassResult(sync=report, plan=Plan((), ()), interviews=[], quiet=True)
    settings = settings_of(config)
    placer = Placer(store, state, templates_of(config), sender_of(config))
    generation, world = state.generation(), world_of(config, state)
    written = state.changes()
    placer.observe(list(world.messages), now)
    if state.changes() != written:
        log.debug("Drafts changed since the last pass (drafts sent, deleted or edited)")
        generation, world = state.generation(), world_of(config, state)
    the_plan = plan(world, settings, now)
    log.debug(
        "planned %d follow-ups of %d interviews: %d actions",
        len(the_plan.followups),
        len(world.interviews),
        len(the_plan.actions),
    )
    for action in the_plan.actions:
        log.debug("to do: %s", action.describe())
    warning = ""
    if full or the_plan.actions:  # about to act on what the clock says: is it plausible?
        warning = _check_clock(store, now)
    written = state.changes()
    placed = placer.execute(the_plan, {i.id: i for i in world.interviews}, now)
    if state.changes() != written:
        generation, world = state.generation(), world_of(config, state)
        the_plan = plan(world, settings, now)
    quiet.record(state, inputs, generation, world, settings, the_plan, now)
    place_digest(config, state, store, now)
    return PassResult(
        sync=report,
        plan=the_plan,
        interviews=list(world.interviews),
        placed=placed,
        removed_copies=placer.removed_copies,
        left_copies=placer.left_copies,
        clock_warning=warning,
    )


def place_digest(config: Config, state: StateStore, store: MailStore, now: datetime) -> bool:
    """The day's digest in INBOX when `[digest]` is on, its time has come and the day is not
    decided yet (`agent.placing.digest`); True when one was placed."""
    from agent.placing import digest
    from agent.review import company_events, possible

    day = digest.due_day(config.digest, config.me.timezone, now, state)
    if day is None:
        return False
    the_plan, interviews = current_plan(config, state, now)
    facts = digest.gather(
        state,
        store,
        the_plan,
        interviews,
        possible(state, config, now),
        company_events(state, interviews, config, now),
        now,
    )
    return digest.place_digest(
        store,
        state,
        facts,
        day=day,
        name=config.me.name,
        address=config.me.email,
        tz=config.me.timezone,
        now=now,
    )


def _found(report: SyncReport) -> tuple[int, int]:
    return report.interviews_new, report.interviews_updated


def _check_clock(store: MailStore, now: datetime) -> str:
    warning = clock_warning(now, store.newest_arrival())
    if warning:
        log.warning("%s", warning)
    return warning
