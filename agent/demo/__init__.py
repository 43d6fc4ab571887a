"""`interview-agent demo`: the whole job on a bundled sample mailbox, no account needed.

The sample messages ship inside the package. They are copied into a fresh Maildir, the two
notes the user would have written right after the Northwind interview (one for each
interviewer, with `note --for`) are added, one pass runs at a fixed moment (the afternoon after
two interviews), and the status table and the drafts placed are printed with the command that
opens them in mutt.
"""

from __future__ import annotations

import email
import email.policy
import shutil
import sys
import tempfile
from datetime import datetime, timedelta
from email.message import EmailMessage
from importlib import resources
from pathlib import Path
from typing import TextIO

from agent import app
from agent.calendars.ical_syntax import content_lines, parse_components, vevents
from agent.clock import FixedClock
from agent.config import load_config
from agent.errors import ExitCode
from agent.ingest.mailbox import interview_id
from agent.model import Note
from agent.state.store import StateStore

DEMO_NOW = "2026-10-01T13:00:00-04:00"

CONFIG = """\
[me]
name = "Alex Rivera"
email = "alex@example.com"
timezone = "America/New_York"
country = "US"
signature = "Alex Rivera\\n(555) 010-2030"

[maildir]
path = "{mailbox}"

[state]
path = "{state}"
"""


# What the user took away from each conversation at Northwind, noted for that person only: the
# one detail a mailbox cannot know, and what makes each thank-you theirs.
NORTHWIND_NOTES = (
    (
        "oliver.grant@northwind.io",
        "how the team plans to split the order service without a big-bang migration",
    ),
    ("priya.shah@northwind.io", "the idempotency keys we sketched for payment retries"),
)


def build_mailbox(target: Path) -> Path:
    """A Maildir++ at `target` holding the sample INBOX and Sent messages."""
    source = resources.files("agent.demo") / "mailbox"
    for folder, subdir in (("INBOX", target), ("Sent", target / ".Sent")):
        for sub in ("cur", "new", "tmp"):
            (subdir / sub).mkdir(parents=True, exist_ok=True)
        for index, item in enumerate(sorted((source / folder).iterdir(), key=lambda p: p.name)):
            if item.name.endswith(".eml"):
                name = f"17270000{index:02d}.demo{index}.sample:2,"
                (subdir / "cur" / name).write_bytes(item.read_bytes())
    for sub in ("cur", "new", "tmp"):
        (target / ".Drafts" / sub).mkdir(parents=True, exist_ok=True)
    return target


_SHOWN = ("From", "To", "Subject", "Date", "Message-ID", "In-Reply-To")


def northwind_interview() -> tuple[str, datetime]:
    """The id the agent gives the bundled Northwind invite (from its event's UID), and the
    interview's end."""
    invite = resources.files("agent.demo") / "mailbox" / "INBOX" / "01-northwind-invite.eml"
    message = email.message_from_bytes(invite.read_bytes(), policy=email.policy.default)
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            assert isinstance(part, EmailMessage)
            roots = parse_components(content_lines(part.get_content()))
            for event, _method in vevents(roots):
                uid, end = event.text("UID"), event.first("DTEND")
                if uid and end:
                    ends = datetime.strptime(end.value, "%Y%m%dT%H%M%S%z")
                    return interview_id(uid), ends
    raise ValueError(f"{invite}: no event with a UID and an end")


def note_the_conversations(state: StateStore) -> list[str]:
    """Add the user's notes on the Northwind conversations, as `note --for` right after the
    interview would have; return the commands they stand for."""
    interview, ended = northwind_interview()
    commands = []
    for address, text in NORTHWIND_NOTES:
        state.add_note(
            interview, Note(text, added=ended + timedelta(minutes=15), for_email=address)
        )
        commands.append(f'interview-agent note {interview} --for {address} "{text}"')
    return commands


def readable(raw: bytes) -> str:
    """A draft as a mail client shows it: the headers that matter, then the decoded text."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    head = "".join(f"{name}: {message[name]}\n" for name in _SHOWN if message[name])
    body = message.get_body(("plain",))
    return head + "\n" + (body.get_content() if isinstance(body, EmailMessage) else "")


def run_demo(keep: Path | None = None, out: TextIO | None = None) -> ExitCode:
    from agent.review import company_events, possible
    from agent.status import print_table

    stream: TextIO = out if out is not None else sys.stdout
    root = keep or Path(tempfile.mkdtemp(prefix="interview-agent-demo-"))
    if keep is not None and root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    mailbox = build_mailbox(root / "Mail")
    config_file = root / "config.toml"
    config_file.write_text(CONFIG.format(mailbox=mailbox, state=root / "state.db"))
    config = load_config(config_file)
    clock = FixedClock(datetime.fromisoformat(DEMO_NOW))
    state = StateStore.open(config.state.path)
    noted = note_the_conversations(state)
    store = app.open_store(config)
    try:
        result = app.one_pass(config, state, store, clock.now())
    finally:
        store.close()
    write = stream.write
    write(f"interview-agent demo: one pass over a sample mailbox at {DEMO_NOW}\n\n")
    waiting = possible(state, config, clock.now())
    events = company_events(state, result.interviews, config, clock.now())
    print_table(result.plan, result.interviews, config, clock.now(), stream, waiting, events)
    write("\nNotes added right after the Northwind interview, one for each interviewer:\n")
    write("".join(f"  {command}\n" for command in noted))
    drafts = sorted((mailbox / ".Drafts" / "cur").iterdir())
    write(f"\n{len(drafts)} drafts placed in {mailbox / '.Drafts'}:\n")
    for path in drafts:
        write("\n" + "=" * 72 + "\n")
        write(readable(path.read_bytes()))
    write("\nOpen them with:  mutt -f " + str(mailbox / ".Drafts") + "\n")
    write(
        f"The demo config is {config_file}; try:\n"
        f"  interview-agent --config {config_file} status --now {DEMO_NOW}\n"
        f"  interview-agent --config {config_file} status --json --now 2026-10-16T09:00-04:00\n"
    )
    state.close()
    return ExitCode.OK
