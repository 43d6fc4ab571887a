"""Quiet passes (`agent/settled.py`), on a real Dovecot and a real Maildir: a pass that finds
nothing new skips planning only while the last plan still holds, and any change planning reads
(mail, a draft the user touched, a command, the settings, the clock) brings a full pass."""

from __future__ import annotations

import email.message
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from harness import cli
from helpers import INTERVIEWERS, PASSWORD_ENV, imap_config, invite_eml, maildir_config
from servers import PASSWORD, Dovecot

from agent.app import PassResult, one_pass, open_store
from agent.config import load_config
from agent.model import FollowUpState
from agent.state.store import StateStore

START = datetime(2026, 10, 6, 18, 0, tzinfo=UTC)
END = START + timedelta(hours=1)
SENT = datetime(2026, 10, 1, 14, 0, tzinfo=UTC)
DRAFT_AT = END + timedelta(minutes=30)
INTERVIEWER_ADDRESSES = sorted(address for _, address in INTERVIEWERS)


def run(config_path: Path, now: datetime, *, full: bool = False) -> PassResult:
    """One pass the way `once` does it, returning what it did."""
    config = load_config(config_path)
    state = StateStore.open(config.state.path)
    store = open_store(config)
    try:
        return one_pass(config, state, store, now, full=full)
    finally:
        store.close()
        state.close()


def states(config_path: Path) -> dict[str, FollowUpState]:
    state = StateStore.open(load_config(config_path).state.path)
    try:
        return {key: record.state for key, record in state.followups().items()}
    finally:
        state.close()


def mail(subject: str, *, sender: str, list_id: str = "") -> bytes:
    message = email.message.EmailMessage()
    message["From"] = sender
    message["To"] = "Alex Rivera <alex@example.com>"
    message["Subject"] = subject
    message["Date"] = "Thu, 08 Oct 2026 09:00:00 +0000"
    message["Message-ID"] = f"<{'-'.join(subject.lower().split())}@example.org>"
    if list_id:
        message["List-Id"] = list_id
        message["List-Unsubscribe"] = "<https://example.org/unsubscribe>"
    message.set_content("Hello,\n\nA few words.\n")
    return message.as_bytes()


@pytest.fixture
def imap_account(dovecot: Dovecot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    config = imap_config(tmp_path / "agent", port=dovecot.tls_port, ca_file=dovecot.ca_file)
    dovecot.append("INBOX", invite_eml(start=START, end=END, sent=SENT), msg_time=SENT)
    return config


def test_nothing_new_skips_planning_until_a_planned_moment_comes(imap_account: Path) -> None:
    first = run(imap_account, SENT + timedelta(hours=1))
    assert not first.quiet and first.sync.interviews_new == 1
    assert run(imap_account, SENT + timedelta(minutes=119)).quiet
    assert not run(imap_account, END + timedelta(minutes=29)).quiet  # the interview ended
    assert run(imap_account, END + timedelta(minutes=29, seconds=30)).quiet
    placing = run(imap_account, DRAFT_AT)  # the thank-yous' moment
    assert not placing.quiet and len(placing.placed) == 2
    after = run(imap_account, DRAFT_AT + timedelta(minutes=1))
    assert not after.quiet and after.placed == []  # its own drafts changed Drafts: one replan
    assert run(imap_account, DRAFT_AT + timedelta(minutes=2)).quiet
    assert run(imap_account, DRAFT_AT + timedelta(minutes=3), full=True).quiet is False
    assert run(imap_account, DRAFT_AT + timedelta(minutes=4)).quiet
    assert not run(imap_account, DRAFT_AT + timedelta(minutes=1)).quiet  # the clock went back


def test_never_quiet_for_longer_than_an_hour(imap_account: Path) -> None:
    run(imap_account, SENT)
    assert run(imap_account, SENT + timedelta(minutes=59)).quiet
    assert not run(imap_account, SENT + timedelta(minutes=61)).quiet


def test_a_draft_the_user_deleted_is_seen_at_once(dovecot: Dovecot, imap_account: Path) -> None:
    run(imap_account, DRAFT_AT)
    run(imap_account, DRAFT_AT + timedelta(minutes=1))
    assert run(imap_account, DRAFT_AT + timedelta(minutes=2)).quiet
    with dovecot.client() as client:
        client.select_folder("Drafts")
        uids = client.search(["TO", INTERVIEWER_ADDRESSES[0]])
        client.delete_messages(uids)
        client.expunge()
    assert not run(imap_account, DRAFT_AT + timedelta(minutes=3)).quiet
    dismissed = [k for k, s in states(imap_account).items() if s == FollowUpState.DISMISSED]
    assert len(dismissed) == 1 and dismissed[0].endswith(INTERVIEWER_ADDRESSES[0])
    assert run(imap_account, DRAFT_AT + timedelta(minutes=4)).quiet


def test_mail_that_matters_brings_a_full_pass_and_a_newsletter_does_not(
    dovecot: Dovecot, imap_account: Path
) -> None:
    run(imap_account, SENT + timedelta(days=1))
    assert run(imap_account, SENT + timedelta(days=1, minutes=1)).quiet
    dovecot.append(
        "INBOX",
        mail(
            "This week in tech",
            sender="news@letters.example.org",
            list_id="<weekly.letters.example.org>",
        ),
    )
    newsletter = run(imap_account, SENT + timedelta(days=1, minutes=2))
    assert newsletter.quiet and newsletter.sync.messages_read == 1
    dovecot.append("INBOX", mail("Quick question", sender="Rachel Kim <rachel@northwind.io>"))
    reply = run(imap_account, SENT + timedelta(days=1, minutes=3))
    assert not reply.quiet and reply.sync.messages_read == 1
    assert run(imap_account, SENT + timedelta(days=1, minutes=4)).quiet


def test_a_command_or_new_settings_bring_a_full_pass(imap_account: Path) -> None:
    run(imap_account, DRAFT_AT - timedelta(minutes=5))
    assert run(imap_account, DRAFT_AT - timedelta(minutes=4)).quiet
    key = next(k for k in states(imap_account) if k.startswith("thank_you/"))
    assert cli(imap_account, "dismiss", key).code == 0
    assert not run(imap_account, DRAFT_AT - timedelta(minutes=3)).quiet
    assert run(imap_account, DRAFT_AT - timedelta(minutes=2)).quiet
    text = imap_account.read_text()
    imap_account.write_text(text + "\n[followups.thank_you]\ndelay_minutes = 10\n")
    changed = run(imap_account, DRAFT_AT - timedelta(minutes=2))
    assert not changed.quiet and len(changed.placed) == 1  # the one not dismissed, now due


def test_maildir_drafts_touched_by_the_user_bring_a_full_pass(tmp_path: Path) -> None:
    root = tmp_path / "Mail"
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True)
    (root / "new" / "invite").write_bytes(invite_eml(start=START, end=END, sent=SENT))
    os.utime(root / "new" / "invite", (SENT.timestamp(), SENT.timestamp()))
    config = maildir_config(tmp_path / "agent", root)
    assert len(run(config, DRAFT_AT).placed) == 2
    run(config, DRAFT_AT + timedelta(minutes=1))
    assert run(config, DRAFT_AT + timedelta(minutes=2)).quiet
    drafts = sorted((root / ".Drafts" / "cur").iterdir())
    shutil.move(drafts[0], root / ".Drafts" / "cur" / drafts[0].name.replace(":2,DS", ":2,DST"))
    assert not run(config, DRAFT_AT + timedelta(minutes=3)).quiet
    assert run(config, DRAFT_AT + timedelta(minutes=4)).quiet
    drafts[1].unlink()
    assert not run(config, DRAFT_AT + timedelta(minutes=5)).quiet
    thanks = sorted(s for k, s in states(config).items() if k.startswith("thank_you/"))
    assert thanks == [FollowUpState.DISMISSED, FollowUpState.DRAFTED]
