"""State that cannot lie: a state file that is empty, truncated or not a database is never
started afresh behind the user's back (a draft they deleted would come back): every command
stops with 78, names the file and says what to do, and the file is left as it was. A pass run
with a clock nine days fast cannot fix a decision for good: what depends on the clock (missed,
due, planned) is decided again from the interview's own times on the next pass, and the clock
is logged as suspect.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import logging
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from harness import Cli, child, cli
from helpers import invite_eml, maildir_config

from agent.app import CLOCK_SUSPECT_AHEAD, clock_warning
from agent.errors import ExitCode, StateBusy, StateError
from agent.model import draft_tag, draft_tag_of
from agent.state.store import StateStore, state_failure

START = datetime(2026, 10, 6, 18, 0, tzinfo=UTC)
END = START + timedelta(hours=1)
SENT = datetime(2026, 10, 1, 14, 0, tzinfo=UTC)
AFTER = END + timedelta(minutes=31)


class Mailbox(Cli):
    def __init__(self, root: Path, config: Path) -> None:
        super().__init__(config)
        self.root = root
        self.state = config.parent / "state.db"

    def deliver(self, raw: bytes) -> None:
        path = self.root / "new" / "1727000001.invite.host"
        path.write_bytes(raw)
        os.utime(path, (SENT.timestamp(), SENT.timestamp()))

    def drafts(self) -> dict[str, str]:
        """Tag (see `agent.model.draft_tag`) -> recipient of every draft of ours."""
        found = {}
        for sub in ("cur", "new"):
            for path in (self.root / ".Drafts" / sub).iterdir():
                message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                tag = draft_tag_of(str(message["Message-ID"]))
                if tag:
                    found[tag] = str(message["To"])
        return found

    def thank_you_tags(self) -> set[str]:
        (interview,) = self.status(AFTER)["interviews"]
        return {draft_tag(f["key"]) for f in interview["followups"] if f["kind"] == "thank_you"}


@pytest.fixture
def mailbox(tmp_path: Path) -> Mailbox:
    root = tmp_path / "Mail"
    for folder in (root, root / ".Sent", root / ".Drafts", root / ".Trash"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True)
    box = Mailbox(root, maildir_config(tmp_path / "agent", root))
    box.deliver(invite_eml(start=START, end=END, sent=SENT))
    return box


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_truncated_state_file_is_refused_and_the_deleted_draft_stays_deleted(
    mailbox: Mailbox,
) -> None:
    """The issue's case: the user deleted a draft (dismissed); the state file is then cut to
    0 bytes. Before, the next pass started afresh and placed the deleted draft again."""
    mailbox.once(AFTER)
    drafts = sorted((mailbox.root / ".Drafts" / "cur").iterdir())
    assert len(drafts) == 2
    drafts[0].unlink()
    mailbox.once(AFTER + timedelta(minutes=10))
    with mailbox.state.open("r+b") as handle:
        handle.truncate(0)
    for path in mailbox.state.parent.glob("state.db-*"):
        path.unlink()
    for args in (
        ("once", "--now", (AFTER + timedelta(minutes=20)).isoformat()),
        ("status",),
        ("preview",),
        ("once", "--dry-run"),
        ("dismiss", "thank_you/x/y/z"),
    ):
        code, _, err = mailbox.run(*args)
        assert code == ExitCode.CONFIG, (args, err)
        assert str(mailbox.state) in err and "is empty (0 bytes)" in err
        assert "Move it aside" in err and "Traceback" not in err
        assert mailbox.state.stat().st_size == 0  # never replaced
    assert len(mailbox.drafts()) == 1  # the deleted draft did not come back


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        ("garbage", "not an interview-agent state file"),
        ("half", "is truncated"),
        ("header", "is truncated"),
        ("other program", "SQLite database of another program"),
        ("corrupt page", "is damaged"),
    ],
)
def test_a_damaged_state_file_stops_every_command_with_78(
    mailbox: Mailbox, damage: str, words: str
) -> None:
    mailbox.once(AFTER)
    data = mailbox.state.read_bytes()
    for path in mailbox.state.parent.glob("state.db-*"):
        path.unlink()
    if damage == "garbage":
        mailbox.state.write_text("these are my notes, not a database\n" * 50)
    elif damage == "half":
        mailbox.state.write_bytes(data[: len(data) // 2 + 7])
    elif damage == "header":
        mailbox.state.write_bytes(data[:60])
    elif damage == "other program":
        mailbox.state.unlink()
        with sqlite3.connect(mailbox.state) as db:
            db.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)")
    else:  # a page in the middle overwritten: only SQLite itself can tell
        page = int.from_bytes(data[16:18], "big")
        mailbox.state.write_bytes(data[: page * 2] + b"\xa5" * page + data[page * 3 :])
    before = digest(mailbox.state)
    for args in (("once", "--now", AFTER.isoformat()), ("status",), ("check",)):
        code, _, err = mailbox.run(*args)
        if args == ("check",):
            continue  # check does not read the state
        assert code == ExitCode.CONFIG, (damage, args, err)
        assert str(mailbox.state) in err and words in err, err
        assert "Traceback" not in err
    assert digest(mailbox.state) == before
    done = child(mailbox.config, "run")  # the daemon stops too, without a traceback
    assert done.code == ExitCode.CONFIG, done.err
    assert str(mailbox.state) in done.err and "Traceback" not in done.err


def test_a_state_file_that_is_a_folder_or_unreadable_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "state.db"
    folder.mkdir()
    with pytest.raises(StateError) as caught:
        StateStore.open(folder)
    assert str(folder) in str(caught.value)


def test_every_sqlite_failure_names_the_file() -> None:
    path = Path("/home/alex/.local/state/interview-agent/state.db")
    for error, kind, code in (
        (sqlite3.OperationalError("database is locked"), StateBusy, ExitCode.TEMPFAIL),
        (sqlite3.OperationalError("database or disk is full"), StateBusy, ExitCode.TEMPFAIL),
        (sqlite3.DatabaseError("database disk image is malformed"), StateError, ExitCode.CONFIG),
        (sqlite3.DatabaseError("file is not a database"), StateError, ExitCode.CONFIG),
        (sqlite3.OperationalError("attempt to write a readonly database"), StateError, 78),
        (sqlite3.OperationalError("unable to open database file"), StateError, 78),
        (sqlite3.IntegrityError("UNIQUE constraint failed"), StateError, 78),
    ):
        failure = state_failure(path, error)
        assert isinstance(failure, kind) and failure.exit_code == code
        assert str(path) in str(failure)


def test_a_new_state_file_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    """Built beside its name and linked into place with its schema: no empty file is left by
    a crash while creating it, and nothing but the file (and later its lock) is left over."""
    path = tmp_path / "agent" / "state.db"
    StateStore.open(path).close()
    assert sorted(p.name for p in path.parent.iterdir()) == ["state.db"]
    assert path.stat().st_size > 0 and path.stat().st_mode & 0o777 == 0o600


# --- the clock -----------------------------------------------------------------------------------


def thank_you_states(mailbox: Mailbox, now: datetime) -> set[str]:
    (interview,) = mailbox.status(now)["interviews"]
    return {f["state"] for f in interview["followups"] if f["kind"] == "thank_you"}


def test_a_pass_with_a_clock_nine_days_fast_decides_nothing_for_good(
    mailbox: Mailbox, caplog: pytest.LogCaptureFixture
) -> None:
    """The issue's case: one pass nine days fast marked every pending thank-you `missed`, for
    good. Now `missed` is decided again on the next pass from the interview's end: back at
    the right time, the thank-yous are placed. The fast pass logs the clock as suspect."""
    fast = AFTER + timedelta(days=9)
    with caplog.at_level(logging.WARNING, logger="agent"):
        mailbox.once(fast)
    assert thank_you_states(mailbox, fast) == {"missed"}
    assert "the clock says" in caplog.text and "days after the newest mail" in caplog.text
    assert not mailbox.thank_you_tags() & set(mailbox.drafts())

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="agent"):
        mailbox.once(AFTER)  # the clock is right again
    assert thank_you_states(mailbox, AFTER) == {"drafted"}
    thanks = mailbox.thank_you_tags()
    assert sorted(to for tag, to in mailbox.drafts().items() if tag in thanks) == [
        "Oliver Grant <oliver.grant@northwind.io>",
        "Priya Shah <priya.shah@northwind.io>",
    ]
    assert "the clock says" not in caplog.text  # the mail is 5 days old: not suspect


def test_a_thank_you_past_its_window_is_missed_only_while_it_is() -> None:
    """The rule itself: missed from now and the interview's end, never from a stored mark."""
    assert clock_warning(AFTER, AFTER - CLOCK_SUSPECT_AHEAD) == ""
    assert "the clock says" in clock_warning(AFTER, AFTER - CLOCK_SUSPECT_AHEAD * 2)
    assert clock_warning(AFTER, None) == ""


def test_status_and_preview_never_write(mailbox: Mailbox) -> None:
    """Read-only commands read a private copy: the file, its folder and its lock untouched
    (and a missing state file is not created)."""
    code, _, err = mailbox.run("status")
    assert code == 0, err
    assert not mailbox.state.parent.joinpath("state.db").exists()
    mailbox.once(AFTER)
    files = {p.name: (digest(p), p.stat().st_mtime_ns) for p in mailbox.state.parent.iterdir()}
    for args in (("status",), ("status", "--json"), ("preview",), ("once", "--dry-run")):
        code, _, err = cli(mailbox.config, *args, "--now", AFTER.isoformat())
        assert code == 0, err
    after = {p.name: (digest(p), p.stat().st_mtime_ns) for p in mailbox.state.parent.iterdir()}
    assert after == files
