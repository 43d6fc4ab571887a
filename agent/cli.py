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
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from agent import __version__
from agent.clock import Clock, FixedClock
from agent.errors import (
    AgentError,
    ConfigError,
    ConnectionFailed,
    ExitCode,
    MailboxError,
    UsageError,
)

if TYPE_CHECKING:  # each command imports what it uses, so `--help` and `status` start fast
    from agent.config.types import Config
    from agent.model import Interview
    from agent.planning.planner import FollowUp
    from agent.state.store import StateStore

log = logging.getLogger("agent")


def parse_now(value: str | None, tz: ZoneInfo) -> Clock:
    if not value:
        return Clock()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f'--now: expected an ISO 8601 time such as "2026-10-02T09:00-04:00", got "{value}"'
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return FixedClock(moment)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interview-agent",
        description="Drafts interview follow-ups in your Drafts folder. It never sends mail.",
    )
    parser.add_argument(
        "--config",
        help="the config file (default: $INTERVIEW_AGENT_CONFIG, "
        "else config.toml in the user config folder)",
    )
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
    with_now(note)
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
        print(
            f"interview-agent: internal error: {type(exc).__name__}: {exc} "
            "(run with -v for details)",
            file=sys.stderr,
        )
        return int(ExitCode.SOFTWARE)


def _dispatch(args: argparse.Namespace) -> ExitCode:
    if args.command == "demo":
        from agent.demo import run_demo

        return run_demo(keep=Path(args.keep) if args.keep else None)
    from agent.config import config_path, load_config
    from agent.state.store import StateStore

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
            from agent import app, status

            clock = parse_now(args.now, config.me.timezone)
            plan, interviews = app.current_plan(config, state, clock.now())
            if args.json:
                print(json.dumps(status.as_json(plan, interviews, config, clock.now()), indent=2))
            else:
                status.print_table(plan, interviews, config, clock.now(), sys.stdout)
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
    from imapclient.exceptions import IMAPClientError

    from agent import app
    from agent.calendars import open_calendars

    now = clock.now()
    store = app.open_store(config)
    try:
        result = app.one_pass(
            config,
            state,
            store,
            now,
            dry_run=dry_run,
            calendars=open_calendars(config) if config.calendars else None,
        )
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
        print(
            f"{result.sync.messages_read} messages read, {result.sync.interviews_new} new "
            f"interviews, {len(result.placed)} drafts placed"
            + (" (nothing changed since the last pass)" if result.quiet else "")
        )
    return ExitCode.OK


def _pass_failed(config: Config, exc: Exception) -> AgentError:
    """A mailbox failure in the middle of a pass, as one line (a retry is always safe: the
    Drafts folder is searched for each key before any APPEND)."""
    if config.imap is None:
        return MailboxError(f"cannot read or write the Maildir: {exc}")
    host = config.imap.host
    from imapclient.exceptions import IMAPClientAbortError

    if isinstance(exc, OSError | IMAPClientAbortError):
        return ConnectionFailed(
            f"lost the connection to {host} ({exc}); run it again, nothing will be drafted twice"
        )
    return MailboxError(f"{host} refused an operation ({exc}); run it again later")


def _preview(config: Config, state: StateStore, clock: Clock, key: str | None) -> ExitCode:
    from agent import app
    from agent.compose.draft import build_draft, new_message_id
    from agent.model import FollowUpState

    plan, interviews = app.current_plan(config, state, clock.now())
    by_id = {i.id: i for i in interviews}
    chosen: list[FollowUp] = [
        f
        for f in plan.followups
        if (key is None and f.state == FollowUpState.PLANNED) or f.key == key
    ]
    if key is not None and not chosen:
        raise UsageError(f"no follow-up with key {key!r}; 'interview-agent status' lists them")
    env = app.templates_of(config)
    for followup in chosen:
        if not followup.to:
            continue
        message = build_draft(
            env,
            followup,
            by_id[followup.interview_id],
            app.sender_of(config),
            when=clock.now(),
            message_id=new_message_id(config.me.email),
        )
        print(f"--- {followup.key} ({followup.state}, placed {followup.draft_at:%Y-%m-%d %H:%M})")
        print(message.as_string())
    if not chosen:
        print("nothing planned")
    return ExitCode.OK


def _find_interview(state: StateStore, prefix: str) -> Interview:
    matches = [i for i in state.interviews() if i.id.startswith(prefix)]
    if len(matches) != 1:
        raise UsageError(
            f"no single interview with id {prefix!r}; 'interview-agent status' lists them"
        )
    return matches[0]


def _note(config: Config, state: StateStore, args: argparse.Namespace) -> ExitCode:
    from agent.model import Note

    interview = _find_interview(state, args.interview)
    now = parse_now(args.now, config.me.timezone).now()
    if args.promise:
        if not args.due:
            raise UsageError("--promise needs --due YYYY-MM-DD")
        try:
            due = date.fromisoformat(args.due)
        except ValueError:
            raise UsageError(f"--due: expected YYYY-MM-DD, got {args.due!r}") from None
        state.add_note(interview.id, Note(text=args.promise, promise_due=due, added=now))
        print(
            f"promise noted for {interview.facts.company or interview.id}: {args.promise} by {due}"
        )
    elif args.text:
        state.add_note(interview.id, Note(text=args.text, added=now))
        print(f"note added to {interview.facts.company or interview.id}")
    else:
        raise UsageError('give the note text, or --promise "..." --due YYYY-MM-DD')
    return ExitCode.OK


def _set_state(state: StateStore, key: str, command: str) -> ExitCode:
    from agent.model import FollowUpRecord, FollowUpState

    record = state.followup(key)
    if command == "dismiss":
        if record is None:
            from agent.model import FollowUpKind

            kind = key.split("/", 1)[0]
            if kind not in {k.value for k in FollowUpKind} or key.count("/") < 2:
                raise UsageError(
                    f"{key!r} is not a follow-up key; 'interview-agent status' lists them"
                )
            record = FollowUpRecord(
                key=key,
                interview_id=key.split("/")[1],
                kind=FollowUpKind(kind),
                state=FollowUpState.DISMISSED,
            )
        from dataclasses import replace

        state.save_followup(
            replace(record, state=FollowUpState.DISMISSED, reason="dismissed by you")
        )
        print(f"dismissed {key}")
        return ExitCode.OK
    if record is None:
        raise UsageError(f"no follow-up with key {key!r} has been recorded")
    state.delete_followup(key)
    print(f"{key} will be drafted again on the next pass")
    return ExitCode.OK


def _set_password(config: Config, calendar: str | None) -> ExitCode:
    from agent.config.secrets import store_password

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
        password = (
            sys.stdin.readline().rstrip("\n")
            if not sys.stdin.isatty()
            else (getpass.getpass(f"Password for {account}: "))
        )
    if not password:
        raise UsageError("no password given")
    store_password(account, password)
    print(f"password for {account} stored in the system keyring")
    return ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())
