"""The command line: `interview-agent [--config PATH] COMMAND [OPTIONS]`.

The one place that turns an `AgentError` into a plain message and an exit code (78 for any
configuration problem); a user never sees a traceback for a problem they can fix.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from imapclient.exceptions import IMAPClientAbortError, IMAPClientError

from agent import __version__, app
from agent.clock import Clock, FixedClock
from agent.config import Config, config_path, load_config
from agent.config.secrets import store_password
from agent.errors import (
    AgentError,
    ConfigError,
    ConnectionFailed,
    ExitCode,
    MailboxError,
    UsageError,
)
from agent.model import FollowUpRecord, FollowUpState, Interview, Note
from agent.planning.lifecycle import interview_status
from agent.planning.planner import FollowUp, Plan
from agent.state.store import StateStore

log = logging.getLogger("agent")


def parse_now(value: str | None, tz: ZoneInfo) -> Clock:
    if not value:
        return Clock()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f'--now: expected an ISO 8601 time such as "2026-10-02T09:00-04:00", '
                         f'got "{value}"') from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return FixedClock(moment)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interview-agent",
        description="Drafts interview follow-ups in your Drafts folder. It never sends mail.",
    )
    parser.add_argument("--config", help="the config file (default: $INTERVIEW_AGENT_CONFIG, "
                        "else config.toml in the user config folder)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_now(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--now", help="pretend it is this ISO 8601 time (previews and tests)")

    commands.add_parser("run", help="the daemon: watch mail and calendars, place drafts")
    once = commands.add_parser("once", help="one full pass, then exit")
    with_now(once)
    once.add_argument("--dry-run", action="store_true", help="show what would be drafted")
    status = commands.add_parser("status", help="interviews and their follow-ups")
    with_now(status)
    status.add_argument("--json", action="store_true", help="one JSON object")
    preview = commands.add_parser("preview", help="render planned drafts without placing them")
    with_now(preview)
    preview.add_argument("key", nargs="?", help="a follow-up key (default: all not yet placed)")
    commands.add_parser("check", help="check config, templates and connectivity")
    note = commands.add_parser("note", help="add a note or a promise to an interview")
    note.add_argument("interview", help="interview id (see status)")
    note.add_argument("text", nargs="?", help="points discussed")
    note.add_argument("--promise", help="something you promised to do")
    note.add_argument("--due", help="the promised date (YYYY-MM-DD)")
    dismiss = commands.add_parser("dismiss", help="never draft this follow-up")
    dismiss.add_argument("key")
    redraft = commands.add_parser("redraft", help="draft this follow-up again")
    redraft.add_argument("key")
    setpw = commands.add_parser("set-password", help="store the IMAP password in the keyring")
    setpw.add_argument("--calendar", help="store the password of this [[calendars]] name")
    demo = commands.add_parser("demo", help="the whole job on a bundled sample mailbox")
    demo.add_argument("--keep", metavar="DIR", help="put the demo mailbox in DIR and keep it")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("imapclient", "caldav", "urllib3", "httpx", "niquests"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        return int(_dispatch(args))
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return int(ExitCode.CONFIG)
    except AgentError as exc:
        print(f"interview-agent: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: one line, details only with -v
        log.debug("internal error", exc_info=True)
        print(f"interview-agent: internal error: {type(exc).__name__}: {exc} "
              "(run with -v for details)", file=sys.stderr)
        return int(ExitCode.SOFTWARE)


def _dispatch(args: argparse.Namespace) -> ExitCode:
    if args.command == "demo":
        from agent.demo import run_demo

        return run_demo(keep=Path(args.keep) if args.keep else None)
    config = load_config(config_path(args.config))
    if args.command == "run":
        from agent.service.daemon import run_daemon

        return run_daemon(config, args.config)
    if args.command == "check":
        from agent.check import run_check

        return run_check(config)
    if args.command == "set-password":
        return _set_password(config, args.calendar)
    state = StateStore.open(config.state.path)
    try:
        if args.command == "once":
            return _once(config, state, parse_now(args.now, config.me.timezone), args.dry_run)
        if args.command == "status":
            clock = parse_now(args.now, config.me.timezone)
            plan, interviews = app.current_plan(config, state, clock.now())
            if args.json:
                print(json.dumps(status_json(plan, interviews, config, clock.now()), indent=2))
            else:
                print_status(plan, interviews, config, clock.now(), sys.stdout)
            return ExitCode.OK
        if args.command == "preview":
            return _preview(config, state, parse_now(args.now, config.me.timezone), args.key)
        if args.command == "note":
            return _note(config, state, args)
        if args.command in ("dismiss", "redraft"):
            return _set_state(state, args.key, args.command)
    finally:
        state.close()
    raise UsageError(f"unknown command {args.command}")


def _once(config: Config, state: StateStore, clock: Clock, dry_run: bool) -> ExitCode:
    from agent.calendars import open_calendars

    now = clock.now()
    store = app.open_store(config)
    try:
        result = app.one_pass(config, state, store, now, dry_run=dry_run,
                              calendars=open_calendars(config) if config.calendars else None)
    except (OSError, IMAPClientError) as exc:
        raise _pass_failed(config, exc) from exc
    finally:
        store.close()
    if dry_run:
        from agent.planning.planner import PlaceDraft

        for action in result.plan.actions:
            if isinstance(action, PlaceDraft):
                print("would " + action.describe())
        if not any(isinstance(a, PlaceDraft) for a in result.plan.actions):
            print("nothing to draft now")
    else:
        print(f"{result.sync.messages_read} messages read, {result.sync.interviews_new} new "
              f"interviews, {len(result.placed)} drafts placed"
              + (" (nothing changed since the last pass)" if result.quiet else ""))
    return ExitCode.OK


def _pass_failed(config: Config, exc: Exception) -> AgentError:
    """A mailbox failure in the middle of a pass, as one line (a retry is always safe: the
    Drafts folder is searched for each key before any APPEND)."""
    if config.imap is None:
        return MailboxError(f"cannot read or write the Maildir: {exc}")
    host = config.imap.host
    if isinstance(exc, OSError | IMAPClientAbortError):
        return ConnectionFailed(f"lost the connection to {host} ({exc}); run it again, "
                                "nothing will be drafted twice")
    return MailboxError(f"{host} refused an operation ({exc}); run it again later")


def _local(value: datetime, tz: ZoneInfo) -> str:
    return value.astimezone(tz).isoformat(timespec="minutes")


def status_json(plan: Plan, interviews: list[Interview], config: Config,
                now: datetime) -> dict[str, Any]:
    tz = config.me.timezone
    minutes = config.followups.default_interview_minutes
    result = []
    for interview in interviews:
        facts = interview.facts
        end = facts.end or facts.start + timedelta(minutes=minutes)
        result.append({
            "id": interview.id,
            "company": facts.company,
            "role": facts.role,
            "start": _local(facts.start, tz),
            "end": _local(end, tz),
            "status": str(interview_status(interview, now, minutes)),
            "application": _stage(plan, interview.id),
            "people": [{"name": p.name, "email": p.email, "role": str(p.role)}
                       for p in facts.people],
            "followups": [
                {
                    "key": f.key,
                    "kind": str(f.kind),
                    "to": ", ".join(a.email for a in f.to),
                    "draft_at": _local(f.draft_at, tz),
                    "due": _local(f.due, tz),
                    "state": str(f.state),
                    "reason": f.reason,
                }
                for f in plan.for_interview(interview.id)
            ],
        })
    return {"interviews": result}


def _stage(plan: Plan, interview_id: str) -> str:
    found = plan.application_of(interview_id)
    return str(found.stage) if found is not None else ""


def relative(when: datetime, now: datetime) -> str:
    seconds = (when - now).total_seconds()
    if seconds < 0:
        return "overdue" if seconds < -60 else "now"
    minutes = seconds / 60
    if minutes < 60:
        return f"in {int(minutes)} min"
    if minutes < 48 * 60:
        return f"in {int(minutes // 60)} h"
    return f"in {int(minutes // 1440)} days"


def print_status(plan: Plan, interviews: list[Interview], config: Config, now: datetime,
                 out: TextIO) -> None:
    tz = config.me.timezone
    if not interviews:
        print("No interviews found yet.", file=out)
        return
    minutes = config.followups.default_interview_minutes
    by_id = {i.id: i for i in interviews}
    groups = [[by_id[i] for i in a.interview_ids if i in by_id] for a in plan.applications]
    grouped = {i.id for g in groups for i in g}
    groups += [[i] for i in interviews if i.id not in grouped]
    for members in groups:
        if not members:
            continue
        found = plan.application_of(members[0].id)
        company = members[0].facts.company or "(company unknown)"
        print(f"{company} — {found.headline(tz) if found else 'unknown stage'}", file=out)
        for interview in members:
            _print_interview(plan, interview, tz, now, minutes, out)
        print(file=out)


def _print_interview(plan: Plan, interview: Interview, tz: ZoneInfo, now: datetime,
                     minutes: int, out: TextIO) -> None:
    facts = interview.facts
    start = facts.start.astimezone(tz)
    status = interview_status(interview, now, minutes)
    print(f"  {interview.id}  {facts.company or '(company unknown)'} – "
          f"{facts.role or '(role unknown)'}  {start:%a %b %d %H:%M %Z}  [{status}]", file=out)
    for followup in plan.for_interview(interview.id):
        due = followup.due.astimezone(tz)
        when = relative(followup.due, now) if followup.state in (
            FollowUpState.PLANNED, FollowUpState.DRAFTED) else ""
        to = ", ".join(a.email for a in followup.to) or "-"
        print(f"      {followup.kind:<12} {followup.state:<9} due {due:%a %b %d %H:%M}"
              f" {when:<10} to {to}", file=out)
        print(f"          {followup.reason}", file=out)
        print(f"          key: {followup.key}", file=out)


def _preview(config: Config, state: StateStore, clock: Clock, key: str | None) -> ExitCode:
    from agent.compose.draft import build_draft, new_message_id

    plan, interviews = app.current_plan(config, state, clock.now())
    by_id = {i.id: i for i in interviews}
    chosen: list[FollowUp] = [
        f for f in plan.followups
        if (key is None and f.state == FollowUpState.PLANNED) or f.key == key
    ]
    if key is not None and not chosen:
        raise UsageError(f"no follow-up with key {key!r}; 'interview-agent status' lists them")
    env = app.templates_of(config)
    for followup in chosen:
        if not followup.to:
            continue
        message = build_draft(env, followup, by_id[followup.interview_id], app.sender_of(config),
                              when=clock.now(), message_id=new_message_id(config.me.email))
        print(f"--- {followup.key} ({followup.state}, placed {followup.draft_at:%Y-%m-%d %H:%M})")
        print(message.as_string())
    if not chosen:
        print("nothing planned")
    return ExitCode.OK


def _find_interview(state: StateStore, prefix: str) -> Interview:
    matches = [i for i in state.interviews() if i.id.startswith(prefix)]
    if len(matches) != 1:
        raise UsageError(f"no single interview with id {prefix!r}; "
                         "'interview-agent status' lists them")
    return matches[0]


def _note(config: Config, state: StateStore, args: argparse.Namespace) -> ExitCode:
    interview = _find_interview(state, args.interview)
    now = Clock().now()
    if args.promise:
        if not args.due:
            raise UsageError("--promise needs --due YYYY-MM-DD")
        try:
            due = date.fromisoformat(args.due)
        except ValueError:
            raise UsageError(f"--due: expected YYYY-MM-DD, got {args.due!r}") from None
        state.add_note(interview.id, Note(text=args.promise, promise_due=due, added=now))
        print(f"promise noted for {interview.facts.company or interview.id}: "
              f"{args.promise} by {due}")
    elif args.text:
        state.add_note(interview.id, Note(text=args.text, added=now))
        print(f"note added to {interview.facts.company or interview.id}")
    else:
        raise UsageError('give the note text, or --promise "..." --due YYYY-MM-DD')
    return ExitCode.OK


def _set_state(state: StateStore, key: str, command: str) -> ExitCode:
    record = state.followup(key)
    if command == "dismiss":
        if record is None:
            from agent.model import FollowUpKind

            kind = key.split("/", 1)[0]
            if kind not in {k.value for k in FollowUpKind} or key.count("/") < 2:
                raise UsageError(f"{key!r} is not a follow-up key; 'interview-agent status' "
                                 "lists them")
            record = FollowUpRecord(key=key, interview_id=key.split("/")[1],
                                    kind=FollowUpKind(kind), state=FollowUpState.DISMISSED)
        from dataclasses import replace

        state.save_followup(replace(record, state=FollowUpState.DISMISSED,
                                    reason="dismissed by you"))
        print(f"dismissed {key}")
        return ExitCode.OK
    if record is None:
        raise UsageError(f"no follow-up with key {key!r} has been recorded")
    state.delete_followup(key)
    print(f"{key} will be drafted again on the next pass")
    return ExitCode.OK


def _set_password(config: Config, calendar: str | None) -> ExitCode:
    if calendar:
        matches = [c for c in config.calendars if c.name == calendar]
        if not matches or matches[0].auth is None:
            raise UsageError(f"no [[calendars]] entry named {calendar!r} with a username")
        account = matches[0].auth.account
    else:
        if config.imap is None:
            raise UsageError("set-password is for [imap] accounts; this config uses [maildir]")
        account = config.imap.auth.account
    password = os.environ.get("INTERVIEW_AGENT_PASSWORD_INPUT") if not sys.stdin.isatty() else None
    if password is None:
        password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else (
            getpass.getpass(f"Password for {account}: "))
    if not password:
        raise UsageError("no password given")
    store_password(account, password)
    print(f"password for {account} stored in the system keyring")
    return ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())
