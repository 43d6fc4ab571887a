"""The command line: `interview-agent [--config PATH] COMMAND [OPTIONS]`.

The one place that turns an `AgentError` into a plain message and an exit code (78 for any
configuration problem); a user never sees a traceback for a problem they can fix. Commands
that write the state take its lock (`agent.state.lock`): `once` waits for a running pass up to
`ONCE_WAIT_SECONDS`, `run` holds it for its life; `status`, `preview` and `once --dry-run`
read a private copy of the state and never wait, write or create anything.

Under systemd (stderr is the journal: `$JOURNAL_STREAM` names it) every log line and error
starts with its syslog priority (`<3>` error, `<4>` warning, `<6>` info, `<7>` debug), so
`journalctl -p err` finds the errors.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn
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
    from email.message import EmailMessage

    from agent.config.types import Config
    from agent.model import Interview, InterviewFacts, MessageRecord
    from agent.planning.planner import FollowUp
    from agent.state.store import StateStore

log = logging.getLogger("agent")

ONCE_WAIT_SECONDS = 10.0  # `once` waits this long for a pass that holds the state lock
_PRIORITIES = {
    logging.DEBUG: 7,
    logging.INFO: 6,
    logging.WARNING: 4,
    logging.ERROR: 3,
    logging.CRITICAL: 2,
}


def to_journal(environ: Mapping[str, str] | None = None) -> bool:
    """Whether stderr is systemd's journal stream ($JOURNAL_STREAM is "device:inode" of it)."""
    value = (os.environ if environ is None else environ).get("JOURNAL_STREAM", "")
    device, _, inode = value.partition(":")
    if not (device.isdigit() and inode.isdigit()):
        return False
    try:
        stat = os.fstat(sys.stderr.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return (stat.st_dev, stat.st_ino) == (int(device), int(inode))


class JournalFormatter(logging.Formatter):
    """Each line starts with its syslog priority, which journald reads (SyslogLevelPrefix)."""

    def format(self, record: logging.LogRecord) -> str:
        priority = _PRIORITIES.get(record.levelno, 6)
        return "\n".join(f"<{priority}>{line}" for line in super().format(record).splitlines())


def _error(text: str) -> None:
    """A failure, one or a few lines on stderr (with the error priority for the journal)."""
    prefix = "<3>" if to_journal() else ""
    for line in text.splitlines():
        print(prefix + line, file=sys.stderr)


class _Parser(argparse.ArgumentParser):
    """Bad usage exits 64 (EX_USAGE), like every other problem with the command line."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(int(ExitCode.USAGE), f"{self.prog}: error: {message}\n")


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
    parser = _Parser(
        prog="interview-agent",
        description="Drafts interview follow-ups in your Drafts folder. It never sends mail.",
    )
    parser.add_argument(
        "--config",
        help="the config file (default: $INTERVIEW_AGENT_CONFIG, "
        "else config.toml in the user config folder)",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="say what each step of a pass did"
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )

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
    note.add_argument(
        "--for",
        dest="for_",
        metavar="ADDRESS",
        help="a note for this person's draft only (an address or a unique start of one)",
    )
    note.add_argument(
        "--to", metavar="ADDRESS", help="with --promise: who the promise's draft goes to"
    )
    with_now(note)
    dismiss = commands.add_parser("dismiss", help="never draft this follow-up")
    dismiss.add_argument("key")
    redraft = commands.add_parser("redraft", help="draft this follow-up again")
    redraft.add_argument("key")
    confirm = commands.add_parser("confirm", help="a possible interview (or any message) is one")
    confirm.add_argument("message_id", help="its Message-ID, or the start of it (see status)")
    confirm.add_argument("--at", help="when it starts (ISO 8601), if the message does not say")
    confirm.add_argument("--end", help="when it ends (ISO 8601)")
    confirm.add_argument(
        "--with", dest="with_", action="append", default=[], help='"Name <address>" (repeat)'
    )
    confirm.add_argument("--company", default="")
    confirm.add_argument("--role", default="")
    with_now(confirm)
    ignore = commands.add_parser("ignore", help="a possible interview is not one: never again")
    ignore.add_argument("message_id", help="its Message-ID, or the start of it (see status)")
    add = commands.add_parser("add", help="an interview that has no mail (a phone screen...)")
    add.add_argument("--company", required=True)
    add.add_argument("--at", required=True, help="when it starts (ISO 8601)")
    add.add_argument("--end", help="when it ends (ISO 8601)")
    add.add_argument("--role", default="")
    add.add_argument(
        "--with", dest="with_", action="append", default=[], help='"Name <address>" (repeat)'
    )
    add.add_argument("--recruiter", help='"Name <address>" of who arranged it')
    with_now(add)
    setpw = commands.add_parser("set-password", help="store the IMAP password in the keyring")
    setpw.add_argument("--calendar", help="store the password of this [[calendars]] name")
    demo = commands.add_parser("demo", help="the whole job on a bundled sample mailbox")
    demo.add_argument("--keep", metavar="DIR", help="put the demo mailbox in DIR and keep it")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        # argparse fills positionals only before the first option: `note ID --for ADDRESS "..."`
        if (
            args.command == "note"
            and args.text is None
            and len(extra) == 1
            and not extra[0].startswith("-")
        ):
            args.text = extra[0]
        else:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
    handler = logging.StreamHandler(sys.stderr)
    style = "%(levelname)s %(name)s: %(message)s"
    handler.setFormatter(JournalFormatter(style) if to_journal() else logging.Formatter(style))
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, handlers=[handler])
    for noisy in ("imapclient", "caldav", "urllib3", "httpx", "niquests"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        code = int(_dispatch(args))
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        return _quiet_after_broken_pipe()
    except ConfigError as exc:
        _error("\n".join(exc.problems))
        return int(exc.exit_code)
    except AgentError as exc:
        _error(f"interview-agent: {exc}")
        return int(exc.exit_code)
    except KeyboardInterrupt:
        return int(ExitCode.INTERRUPTED)
    except Exception as exc:  # a bug: one line, details only with -v
        log.debug("internal error", exc_info=True)
        _error(
            f"interview-agent: internal error: {type(exc).__name__}: {exc} "
            "(run with -v for details)"
        )
        return int(ExitCode.SOFTWARE)


def _quiet_after_broken_pipe() -> int:
    """The reader of stdout went away (`status | head -1`): stop without a word. Python would
    complain again when it flushes stdout at exit, so stdout is pointed at /dev/null."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    return int(ExitCode.BROKEN_PIPE)


def _dispatch(args: argparse.Namespace) -> ExitCode:
    if args.command == "demo":
        from agent.demo import run_demo

        return run_demo(keep=Path(args.keep) if args.keep else None)
    from agent.config import config_path, load_config
    from agent.state.lock import StateLock
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
    if args.command in ("status", "preview") or (args.command == "once" and args.dry_run):
        state = StateStore.read_only(config.state.path)  # never waits, writes or creates
        try:
            clock = parse_now(args.now, config.me.timezone)
            if args.command == "once":
                return _once(config, state, clock, dry_run=True)
            if args.command == "preview":
                return _preview(config, state, clock, args.key)
            return _status(config, state, clock, as_json=args.json)
        finally:
            state.close()
    if args.command == "once":
        clock = parse_now(args.now, config.me.timezone)
        with StateLock.acquire(config.state.path, "once", wait=ONCE_WAIT_SECONDS):
            log.debug("holding the state lock %s", config.state.path)
            state = StateStore.open(config.state.path)
            try:
                return _once(config, state, clock, dry_run=False)
            finally:
                state.close()
    state = StateStore.open(config.state.path)
    try:
        if args.command == "note":
            return _note(config, state, args)
        if args.command in ("dismiss", "redraft"):
            return _set_state(state, args.key, args.command)
        if args.command in ("confirm", "ignore", "add"):
            return _review(config, state, args)
    finally:
        state.close()
    raise UsageError(f"unknown command {args.command}")


def _status(config: Config, state: StateStore, clock: Clock, *, as_json: bool) -> ExitCode:
    from agent import app, status
    from agent.review import company_events, possible

    plan, interviews = app.current_plan(config, state, clock.now())
    waiting = possible(state, config, clock.now())
    events = company_events(state, interviews, config, clock.now())
    if as_json:
        shown = status.as_json(plan, interviews, config, clock.now(), waiting, events)
        print(json.dumps(shown, indent=2))
    else:
        status.print_table(plan, interviews, config, clock.now(), sys.stdout, waiting, events)
    return ExitCode.OK


def _instant(value: str, tz: ZoneInfo, flag: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"{flag}: expected an ISO 8601 time such as 2026-10-08T14:00, got {value!r}"
        ) from None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


def _review(config: Config, state: StateStore, args: argparse.Namespace) -> ExitCode:
    """`confirm`, `ignore` and `add`: the user says what is an interview (agent/review.py)."""
    from agent import review

    tz = config.me.timezone
    now = parse_now(args.now if args.command != "ignore" else None, tz).now()
    if args.command == "ignore":
        record = review.message_id_of(state, args.message_id)
        review.ignore(state, record)
        print(f"ignored {record.message_id} ({record.subject[:60]}); it will not be offered again")
        return ExitCode.OK
    start = _instant(args.at, tz, "--at") if args.at else None
    end = _instant(args.end, tz, "--end") if args.end else None
    if args.command == "add":
        assert start is not None
        added = review.by_hand(
            state,
            company=args.company,
            start=start,
            end=end,
            role=args.role,
            people=review.people_of(args.with_, args.recruiter),
            now=now,
        )
        print(f"interview {added.id} added: {args.company} at {start.isoformat()}")
        return ExitCode.OK
    record = review.message_id_of(state, args.message_id)
    read = _read_message(config, record, now)
    if start is None and read is None:
        raise UsageError(
            f"the message gives no time for the interview; run it again with --at, e.g. "
            f"interview-agent confirm {args.message_id} --at 2026-10-08T14:00"
        )
    when = start if start is not None else read.start if read is not None else None
    assert when is not None
    confirmed = review.by_hand(
        state,
        company=args.company,
        start=when,
        end=end,
        role=args.role,
        people=review.people_of(args.with_, None),
        now=now,
        message=record,
        read=read,
    )
    print(f"interview {confirmed.id} confirmed from {record.message_id}")
    return ExitCode.OK


def _read_message(config: Config, record: MessageRecord, now: datetime) -> InterviewFacts | None:
    """The interview a stored message describes, read again from the mailbox as a forced
    interview; None when the mailbox no longer has it or it gives no time."""
    from agent import app
    from agent.understanding import read_as_interview

    store = app.open_store(config)
    try:
        folders = [store.roles.inbox]
        for folder in folders:
            uids = store.new_uids(folder, 0, (record.date - timedelta(days=1)).date())
            for message in store.fetch(
                folder, uids, max_part_bytes=config.sync.max_part_bytes, is_sent=False
            ):
                if message.message_id == record.message_id:
                    return read_as_interview(message, app.context_of(config, now))
    finally:
        store.close()
    return None


def _once(config: Config, state: StateStore, clock: Clock, *, dry_run: bool) -> ExitCode:
    from imapclient.exceptions import IMAPClientError

    from agent import app
    from agent.calendars import open_calendars

    now = clock.now()
    store = app.open_store(config, read_only=dry_run)
    log.debug("mailbox open: drafts %s, sent %s", store.roles.drafts, store.roles.sent)
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
        print("(dry run: nothing was written, not even the state file)")
    else:
        print(
            f"{result.sync.messages_read} messages read, {result.sync.interviews_new} new "
            f"interviews, {len(result.placed)} drafts placed"
            + (" (nothing changed since the last pass)" if result.quiet else "")
        )
        for key in result.left_copies:
            print(
                f"note: {key} is in Drafts twice (another instance placed it too, and the "
                "server cannot delete one message alone); delete the later copy"
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
            when=max(clock.now(), followup.draft_at),  # dated as it will be when placed
            message_id=new_message_id(config.me.email),
        )
        placed = followup.draft_at.astimezone(config.me.timezone)
        print(f"--- {followup.key} ({followup.state}, placed {placed:%Y-%m-%d %H:%M %Z})")
        print(shown(message, config.me.timezone))
    if not chosen:
        print("nothing planned")
    return ExitCode.OK


def shown(message: EmailMessage, tz: ZoneInfo) -> str:
    """A draft as a mail client shows it: headers decoded, the date in the user's zone, and the
    body decoded and its format=flowed lines joined (RFC 3676), not the wire form."""
    from email.headerregistry import DateHeader
    from email.message import EmailMessage

    from agent.compose import unflow

    lines = []
    for name in ("From", "To", "Cc", "Subject", "Date", "In-Reply-To"):
        value = message[name]
        if value is None:
            continue
        if isinstance(value, DateHeader) and value.datetime is not None:
            when = value.datetime.astimezone(tz)
            lines.append(f"{name}: {when:%a, %b} {when.day}, {when:%Y %H:%M %Z}")
        else:
            lines.append(f"{name}: {' '.join(str(value).split())}")
    body = message.get_body(("plain",))
    text = body.get_content() if isinstance(body, EmailMessage) else ""
    flowed = body is not None and body.get_param("format") == "flowed"
    return "\n".join(lines) + "\n\n" + (unflow(text) if flowed else text).rstrip("\n") + "\n"


def _find_interview(state: StateStore, prefix: str) -> Interview:
    matches = [i for i in state.interviews() if i.id.startswith(prefix)]
    if len(matches) != 1:
        raise UsageError(
            f"no single interview with id {prefix!r}; 'interview-agent status' lists them"
        )
    return matches[0]


def _person_of(interview: Interview, given: str, option: str) -> str:
    """The address of the one person of `interview` whose address is `given` or starts with it
    (as git takes commit ids); a full address that is no one's in the interview is refused, so
    a typo never sends a note nowhere."""
    wanted = given.strip().lower()
    emails = sorted({p.email.lower() for p in interview.facts.people if p.email})
    if wanted in emails:
        return wanted
    matches = [e for e in emails if e.startswith(wanted)] if wanted else []
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(emails) or "none"
    if matches:
        raise UsageError(f"{option} {given!r} is the start of {len(matches)} addresses: {known}")
    raise UsageError(f"{option} {given!r} is no one in this interview (its people: {known})")


def _note(config: Config, state: StateStore, args: argparse.Namespace) -> ExitCode:
    from agent.model import Note

    interview = _find_interview(state, args.interview)
    now = parse_now(args.now, config.me.timezone).now()
    if args.promise:
        if not args.due:
            raise UsageError("--promise needs --due YYYY-MM-DD")
        if args.for_ is not None:
            raise UsageError("--for is for notes; a promise takes --to ADDRESS")
        try:
            due = date.fromisoformat(args.due)
        except ValueError:
            raise UsageError(f"--due: expected YYYY-MM-DD, got {args.due!r}") from None
        to = _person_of(interview, args.to, "--to") if args.to is not None else ""
        state.add_note(
            interview.id, Note(text=args.promise, promise_due=due, added=now, for_email=to)
        )
        print(
            f"promise noted for {interview.facts.company or interview.id}: {args.promise} by {due}"
            + (f" (to {to})" if to else "")
        )
    elif args.text:
        if args.to is not None:
            raise UsageError("--to goes with --promise; a note for one person takes --for")
        for_email = _person_of(interview, args.for_, "--for") if args.for_ is not None else ""
        state.add_note(interview.id, Note(text=args.text, added=now, for_email=for_email))
        print(
            f"note added to {interview.facts.company or interview.id}"
            + (f" for {for_email}" if for_email else "")
        )
    else:
        raise UsageError('give the note text, or --promise "..." --due YYYY-MM-DD')
    return ExitCode.OK


def _key_of(state: StateStore, given: str) -> str:
    """A follow-up key, or the one key that starts with `given` (as git takes commit ids)."""
    if state.followup(given) is not None:
        return given
    matches = [k for k in state.followups() if k.startswith(given)]
    if len(matches) > 1:
        raise UsageError(f"{given!r} is the start of {len(matches)} keys; give more of it")
    return matches[0] if matches else given


def _set_state(state: StateStore, key: str, command: str) -> ExitCode:
    from agent.model import FollowUpRecord, FollowUpState

    key = _key_of(state, key)
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
    from agent.config.secrets import keyring_problem, store_password
    from agent.errors import SecretError

    if calendar:
        matches = [c for c in config.calendars if c.name == calendar]
        if not matches or matches[0].auth is None:
            raise UsageError(f"no [[calendars]] entry named {calendar!r} with a username")
        account = matches[0].auth.account
    else:
        if config.imap is None:
            raise UsageError("set-password is for [imap] accounts; this config uses [maildir]")
        account = config.imap.auth.account
    problem = keyring_problem()  # before asking: a password typed for nothing is no help
    if problem:
        raise SecretError(problem)
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
