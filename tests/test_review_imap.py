"""The user in the loop against a real Dovecot over TLS: a possible interview is listed, then
confirmed by a Message-ID prefix and thanked in the IMAP Drafts folder; a message the user files
into `Interviews` is read as their interview (and the folder is only looked at, never changed;
without it nothing happens); `add` for a phone screen gets its thank-you; the opt-in digest lands
in INBOX once, unseen, on a day with news, never on a day without, and never twice when two
machines (two state files) serve one account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from helpers import PASSWORD_ENV, imap_config
from servers import PASSWORD, Dovecot
from test_events import CHECK_IN_TIME, INVITED, THANKED_FOR_INVITATION, invitation, rsvp
from test_imap_e2e import Account
from test_review import SENT, START, meeting_offer

DIGEST = '\n[digest]\nenabled = true\ntime = "08:00"\n'
DAY_AFTER = SENT + timedelta(days=1)  # Wednesday 10:00 in New York


@pytest.fixture
def account(dovecot: Dovecot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Account:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    config = imap_config(tmp_path / "agent", port=dovecot.tls_port, ca_file=dovecot.ca_file)
    return Account(dovecot, config)


def with_digest(dovecot: Dovecot, directory: Path) -> Account:
    return Account(
        dovecot,
        imap_config(directory, port=dovecot.tls_port, ca_file=dovecot.ca_file, extra=DIGEST),
    )


def test_a_possible_interview_confirmed_by_prefix_is_thanked_in_imap_drafts(
    account: Account,
) -> None:
    account.deliver(meeting_offer("<offer-21@thornburyvale.co.uk>"), when=SENT)
    account.once(SENT + timedelta(hours=1))
    status = account.status(SENT + timedelta(hours=1))
    assert status["interviews"] == []
    assert [p["message_id"] for p in status["possible"]] == ["<offer-21@thornburyvale.co.uk>"]
    assert account.drafts() == [], "a possible interview drafts nothing"

    inbox = account.server.snapshot()["INBOX"]
    account.ok("confirm", "offer-21", "--now", (SENT + timedelta(hours=2)).isoformat())
    assert account.status(SENT + timedelta(hours=2))["possible"] == []

    account.once(START + timedelta(hours=2))
    (draft,) = account.drafts()
    assert draft["To"].addresses[0].addr_spec == "georgie.hale@thornburyvale.co.uk"
    assert "Thornbury" in draft.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert account.server.snapshot()["INBOX"] == inbox, "INBOX is only read"


def test_a_message_filed_into_interviews_is_read_and_left_as_it_was(account: Account) -> None:
    raw = meeting_offer("<offer-22@thornburyvale.co.uk>")
    account.deliver(raw, when=SENT)
    account.once(SENT + timedelta(hours=1))  # no Interviews folder yet: nothing happens
    assert account.status(SENT + timedelta(hours=1))["interviews"] == []

    with account.server.client() as client:
        client.create_folder("Interviews")
    account.server.append("Interviews", raw, msg_time=SENT)  # the user copied it there, unread
    before = account.server.snapshot()

    account.once(SENT + timedelta(hours=2))
    (interview,) = account.status(SENT + timedelta(hours=2))["interviews"]
    assert datetime.fromisoformat(interview["start"]) == START
    assert interview["evidence"][0] == "filed in the interviews folder by you"
    after = account.server.snapshot()
    assert after["Interviews"] == before["Interviews"], "EXAMINE and BODY.PEEK only"
    ((_, flags, _),) = after["Interviews"]
    assert "\\Seen" not in flags
    assert after["INBOX"] == before["INBOX"]

    account.once(START + timedelta(hours=2))
    assert [d["To"].addresses[0].addr_spec for d in account.drafts()] == [
        "georgie.hale@thornburyvale.co.uk"
    ]


def test_a_phone_screen_added_by_hand_is_thanked_in_imap_drafts(account: Account) -> None:
    at = START + timedelta(days=1)
    account.ok(
        "add",
        "--company",
        "Quayside Health",
        "--at",
        at.isoformat(),
        "--end",
        (at + timedelta(minutes=30)).isoformat(),
        "--role",
        "Data Engineer",
        "--with",
        "Dana Lee <dana.lee@quayside.example>",
        "--now",
        (at - timedelta(days=1)).isoformat(),
    )
    account.once(at + timedelta(hours=1))
    (draft,) = account.drafts()
    assert draft["To"].addresses[0].addr_spec == "dana.lee@quayside.example"
    assert "Data Engineer" in draft.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    account.once(at + timedelta(hours=2))
    assert len(account.drafts()) == 1


def digests(account: Account) -> list[tuple[set[str], EmailMessage]]:
    return [
        (flags, message)
        for flags, message, _ in account.messages("INBOX")
        if str(message["Subject"]).startswith("Interview follow-ups")
    ]


def test_the_digest_lands_in_inbox_once_a_day_with_news_also_from_two_machines(
    dovecot: Dovecot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    laptop = with_digest(dovecot, tmp_path / "laptop")
    desktop = with_digest(dovecot, tmp_path / "desktop")  # its own state file, same account
    laptop.deliver(meeting_offer("<offer-23@thornburyvale.co.uk>"), when=SENT)

    laptop.once(SENT - timedelta(hours=7))  # 03:00 in New York: before its time
    assert digests(laptop) == []

    laptop.once(SENT + timedelta(hours=1))
    ((flags, message),) = digests(laptop)
    assert "\\Seen" not in flags, "the digest arrives unread"
    assert message["Subject"] == "Interview follow-ups: 1 to confirm"
    assert message["From"] == message["To"] == "Alex Rivera <alex@example.com>"
    assert "interview-agent confirm '<offer-23@thornburyvale.co.uk>'" in message.get_content()

    laptop.once(SENT + timedelta(hours=2))
    desktop.once(SENT + timedelta(hours=2))  # the other machine, the same day: INBOX has it
    assert len(digests(laptop)) == 1
    assert desktop.status(SENT + timedelta(hours=2))["interviews"] == [], "not read as mail"

    laptop.ok("ignore", "offer-23")
    desktop.ok("ignore", "offer-23")
    laptop.once(DAY_AFTER)  # the next day: nothing to say
    desktop.once(DAY_AFTER)
    assert len(digests(laptop)) == 1
    snapshot = dovecot.snapshot()
    assert all(len(snapshot[folder]) == 0 for folder in snapshot if folder != "INBOX")


def test_a_check_in_mentions_a_company_event_accepted_from_imap_sent(account: Account) -> None:
    at = datetime(2026, 10, 23, 15, 0, tzinfo=UTC)
    account.ok(
        "add",
        "--company",
        "Quayside Health",
        "--at",
        at.isoformat(),
        "--with",
        "Dana Lee <dana.lee@quayside.example>",
        "--now",
        (at - timedelta(days=1)).isoformat(),
    )
    account.deliver(
        invitation("Quayside Health Events <events@quayside.example>", "<w-5@quayside.example>"),
        when=INVITED,
    )
    sent = account.server.folder_names["sent"]
    account.server.append(sent, rsvp("ACCEPTED", "<rsvp-5@example.com>"), flags=("\\Seen",))
    account.once(INVITED + timedelta(hours=3))
    account.once(CHECK_IN_TIME)
    bodies = [d.get_body(("plain",)) for d in account.drafts()]
    texts = [" ".join(str(b.get_content()).split()) for b in bodies if b is not None]
    assert any(THANKED_FOR_INVITATION in text for text in texts), texts
