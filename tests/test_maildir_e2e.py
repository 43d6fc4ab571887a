"""End to end on a local Maildir: the same happy path as over IMAP, the bundled demo, and the
shipped templates and demo mailbox as package data."""

from __future__ import annotations

import email
import email.message
import email.policy
import email.utils
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from harness import Cli, child, cli
from helpers import INTERVIEWERS, invite_eml, maildir_config

from agent.compose import LANGUAGES, TEMPLATE_NAMES, unflow
from agent.demo import DEMO_NOW
from agent.model import KEY_HEADER, draft_tag, draft_tag_of

START = datetime(2026, 10, 6, 18, 0, tzinfo=UTC)
END = START + timedelta(hours=1)
SENT = datetime(2026, 10, 1, 14, 0, tzinfo=UTC)
AFTER = END + timedelta(minutes=31)
INTERVIEWER_ADDRESSES = sorted(address for _, address in INTERVIEWERS)
ROOT = Path(__file__).resolve().parent.parent


def parse(raw: bytes) -> email.message.EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message


class Mailbox(Cli):
    """The user's Maildir, what a delivery agent and a mail client do to it, and the CLI."""

    def __init__(self, root: Path, config: Path) -> None:
        super().__init__(config)
        self.root = root

    def deliver(self, raw: bytes, name: str, info: str = "", folder: str = "") -> Path:
        """A message as a delivery agent leaves it: unread in new/ (or in cur/ with `info`)."""
        base = self.root / folder if folder else self.root
        path = base / ("cur" if info else "new") / (name + (f":2,{info}" if info else ""))
        path.write_bytes(raw)
        os.utime(path, (SENT.timestamp(), SENT.timestamp()))
        return path

    def draft_files(self) -> list[Path]:
        folder = self.root / ".Drafts"
        return sorted(p for sub in ("cur", "new") for p in (folder / sub).iterdir())

    def drafts_to(self) -> list[str]:
        return sorted(
            str(parse(p.read_bytes())["To"].addresses[0].addr_spec) for p in self.draft_files()
        )

    def snapshot(self) -> dict[str, str]:
        """Every file outside Drafts (its name carries the Maildir flags) and its content."""
        return {
            str(p.relative_to(self.root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in self.root.rglob("*")
            if p.is_file() and p.relative_to(self.root).parts[0] != ".Drafts"
        }


@pytest.fixture
def mailbox(tmp_path: Path) -> Mailbox:
    root = tmp_path / "Mail"
    for folder in (root, root / ".Sent", root / ".Drafts", root / ".Trash"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True)
    return Mailbox(root, maildir_config(tmp_path / "agent", root))


LUNCH = (
    b"From: alex@example.com\nTo: friend@example.org\nSubject: lunch\n"
    b"Message-ID: <lunch@example.com>\nDate: Thu, 01 Oct 2026 09:00:00 -0400\n\n"
    b"See you at noon.\n"
)


def test_thank_you_per_interviewer_placed_once(mailbox: Mailbox) -> None:
    mailbox.deliver(invite_eml(start=START, end=END, sent=SENT), "1727000001.invite.host")

    mailbox.once(END + timedelta(minutes=29))
    assert mailbox.draft_files() == []

    mailbox.once(AFTER)
    placed = mailbox.draft_files()
    assert mailbox.drafts_to() == INTERVIEWER_ADDRESSES
    for path in placed:
        assert path.parent.name == "cur" and path.name.endswith(":2,DS")
        message = parse(path.read_bytes())
        assert message["From"].addresses[0].addr_spec == "alex@example.com"
        assert message["Subject"]
        assert message["Date"].datetime == AFTER
        assert message["Message-ID"].endswith("@example.com>")
        assert message["MIME-Version"] == "1.0"
        assert message.get_content_type() == "text/plain"
        assert message.get_content_charset() == "utf-8"
        assert message[KEY_HEADER] is None  # recognised by its Message-ID, not a header
        assert draft_tag_of(str(message["Message-ID"]))
        assert message.get_param("format") == "flowed"
        body = unflow(message.get_content())
        assert message["To"].addresses[0].display_name.split()[0] in body
        assert "Northwind" in body and "Senior Backend Engineer" in body
        assert "None" not in body and "{{" not in body
        assert len(body.split()) < 250

    mailbox.once(AFTER + timedelta(minutes=5))
    mailbox.once(AFTER + timedelta(hours=3))
    assert mailbox.draft_files() == placed


def test_deleted_draft_is_not_recreated(mailbox: Mailbox) -> None:
    mailbox.deliver(invite_eml(start=START, end=END, sent=SENT), "1727000001.invite.host")
    mailbox.once(AFTER)
    (oliver,) = [p for p in mailbox.draft_files() if b"oliver.grant@" in p.read_bytes()]
    oliver.unlink()

    mailbox.once(AFTER + timedelta(minutes=10))
    mailbox.once(AFTER + timedelta(hours=2))
    assert mailbox.drafts_to() == ["priya.shah@northwind.io"]
    (interview,) = mailbox.status(AFTER + timedelta(hours=2))["interviews"]
    states = {f["to"]: f["state"] for f in interview["followups"] if f["kind"] == "thank_you"}
    assert states == {
        "oliver.grant@northwind.io": "dismissed",
        "priya.shah@northwind.io": "drafted",
    }


def test_nothing_outside_drafts_changes(mailbox: Mailbox) -> None:
    mailbox.deliver(invite_eml(start=START, end=END, sent=SENT), "1727000001.invite.host")
    mailbox.deliver(LUNCH, "1727000002.lunch.host", info="S", folder=".Sent")
    mailbox.deliver(LUNCH.replace(b"lunch@", b"lunch2@"), "1727000003.lunch.host", info="FS")
    before = mailbox.snapshot()
    mailbox.once(AFTER)
    mailbox.once(AFTER + timedelta(hours=1))
    assert len(mailbox.draft_files()) == 2
    assert mailbox.snapshot() == before  # the invite is still unread in new/


def test_drafts_use_local_line_endings_and_retire_on_cancel(mailbox: Mailbox) -> None:
    mailbox.deliver(invite_eml(start=START, end=END, sent=SENT), "1727000001.invite.host")
    mailbox.once(AFTER)
    placed = mailbox.draft_files()
    assert placed and all(b"\r\n" not in p.read_bytes() for p in placed)
    (edited,) = [p for p in placed if b"oliver.grant@" in p.read_bytes()]
    edited.write_bytes(edited.read_bytes() + b"\nP.S. Loved the whiteboard session.\n")

    cancel = invite_eml(
        start=START,
        end=END,
        sent=SENT + timedelta(days=2),
        method="CANCEL",
        sequence=1,
        message_id="<cancel-1@google.com>",
    )
    mailbox.deliver(cancel, "1727000009.cancel.host")
    mailbox.once(AFTER + timedelta(minutes=10))

    assert mailbox.draft_files() == [edited]
    trashed = [p for sub in ("cur", "new") for p in (mailbox.root / ".Trash" / sub).iterdir()]
    assert [str(parse(p.read_bytes())["To"].addresses[0].addr_spec) for p in trashed] == [
        "priya.shah@northwind.io"
    ]
    (interview,) = mailbox.status(AFTER + timedelta(minutes=10))["interviews"]
    states = {f["to"]: f["state"] for f in interview["followups"] if f["kind"] == "thank_you"}
    assert states == {"oliver.grant@northwind.io": "stale", "priya.shah@northwind.io": "retired"}


def test_demo_places_the_expected_drafts(tmp_path: Path) -> None:
    code, out, _ = cli(None, "demo", "--keep", str(tmp_path / "demo"))
    assert code == 0
    assert "drafts placed" in out
    folder = tmp_path / "demo" / "Mail" / ".Drafts" / "cur"
    drafts = [parse(p.read_bytes()) for p in sorted(folder.iterdir())]
    by_to: dict[str, list[email.message.EmailMessage]] = {}
    for message in drafts:
        by_to.setdefault(str(message["To"].addresses[0].addr_spec), []).append(message)
    assert sorted(by_to) == [
        "marcus.lee@globex.com",
        "oliver.grant@northwind.io",
        "priya.shah@northwind.io",
        "rachel.kim@northwind.io",
    ]
    assert all(len(messages) == 1 for messages in by_to.values())
    status = json.loads(
        cli(tmp_path / "demo" / "config.toml", "status", "--json", "--now", DEMO_NOW).out
    )
    keys = {draft_tag(f["key"]): f["key"] for i in status["interviews"] for f in i["followups"]}
    kinds = {a: keys[draft_tag_of(str(m[0]["Message-ID"]))].split("/")[0] for a, m in by_to.items()}
    assert kinds == {
        "oliver.grant@northwind.io": "thank_you",
        "priya.shah@northwind.io": "thank_you",
        "marcus.lee@globex.com": "thank_you",
        "rachel.kim@northwind.io": "action_item",
    }
    assert all(m[0][KEY_HEADER] is None for m in by_to.values())
    oliver, priya = (
        unflow(by_to[a][0].get_content()).split("\n", 1)[1]
        for a in ("oliver.grant@northwind.io", "priya.shah@northwind.io")
    )
    sentences = [
        set(re.split(r"(?<=[.!?])\s+", " ".join(b.split("Best regards")[0].split())))
        for b in (oliver, priya)
    ]
    assert not sentences[0] & sentences[1]  # two interviewers at one company: not one sentence
    assert "Engineering Manager" not in oliver and "Staff Engineer" not in priya  # nor their titles
    assert "system design" in oliver and "system design" in priya
    # the user's note for each of them (`note --for`, shown in the output) is in theirs only
    order_service = "how the team plans to split the order service without a big-bang migration"
    idempotency = "the idempotency keys we sketched for payment retries"
    assert f'--for oliver.grant@northwind.io "{order_service}"' in out.split("drafts placed")[0]
    assert " ".join(oliver.split()).count(order_service) == 1 and idempotency not in oliver
    assert " ".join(priya.split()).count(idempotency) == 1 and order_service not in priya
    assert "[BEFORE SENDING" not in oliver + priya  # they have their detail
    (globex,) = by_to["marcus.lee@globex.com"]
    marcus = unflow(globex.get_content())
    assert marcus.startswith("[BEFORE SENDING: add one thing you and Marcus talked about")
    assert "interview-agent note" in marcus.split("\n\n", 1)[0]
    (references,) = by_to["rachel.kim@northwind.io"]
    body = unflow(references.get_content())
    assert "Here are my references, as requested:" in body and "As promised" not in body
    assert "[BEFORE SENDING: add each reference" in body
    assert references["In-Reply-To"] == "<CAF-demo-nextsteps@northwind.io>"
    assert str(references["Subject"]).startswith("Re:")


def installed_copy(target: Path) -> Path:
    """Lay the project out as `pip install .` would, from pyproject's package list, package
    directories and package data, without running pip (or needing the network)."""
    setup = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    for package in setup["packages"]:
        source = ROOT / setup.get("package-dir", {}).get(package, package.replace(".", "/"))
        destination = target / package.replace(".", "/")
        destination.mkdir(parents=True, exist_ok=True)
        files = list(source.glob("*.py"))
        for pattern in setup.get("package-data", {}).get(package, []):
            files += [p for p in source.glob(pattern) if p.is_file()]
        for path in files:
            copy = destination / path.relative_to(source)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, copy)
    return target


CHECK_INSTALLED = """
import sys
from importlib import resources
import agent
from agent import compose
assert agent.__file__.startswith(sys.argv[1]), agent.__file__
names = sorted(p.name for p in resources.files("agent.templates").iterdir())
text = resources.files("agent.templates").joinpath("thank_you.txt.j2").read_text()
assert "Subject:" in text, text[:40]
french = resources.files("agent.templates").joinpath("fr").joinpath("thank_you.txt.j2").read_text()
assert "Bonjour" in french
assert str(compose.shipped_templates()).startswith(sys.argv[1])
print(" ".join(names))
print(compose.check_templates(compose.environment(None)))
"""


def test_templates_and_demo_ship_inside_the_package(tmp_path: Path) -> None:
    site = installed_copy(tmp_path / "site")
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-c", CHECK_INSTALLED, str(site)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    names, problems = done.stdout.splitlines()
    assert names.split() == sorted(
        [f"{name}.txt.j2" for name in TEMPLATE_NAMES] + list(LANGUAGES[1:])
    )
    assert problems == "[]"

    demo = child(
        None, "demo", "--keep", str(tmp_path / "d"), env={"PYTHONPATH": str(site)}, cwd=tmp_path
    )
    assert demo.code == 0, demo.err
    assert "4 drafts placed" in demo.out
    assert str(site) not in demo.err


def test_a_reply_to_the_sent_thank_you_from_another_domain_counts(mailbox: Mailbox) -> None:
    """The interviewer answers the thank-you from a personal address, stating a timeline: the
    thread (the draft's Message-ID) relates it to the interview, so the check-in follows it."""
    mailbox.deliver(invite_eml(start=START, end=END, sent=SENT), "1727000001.invite.host")
    mailbox.once(AFTER)
    (oliver,) = [p for p in mailbox.draft_files() if b"oliver.grant@" in p.read_bytes()]
    draft = parse(oliver.read_bytes())
    oliver.rename(mailbox.root / ".Sent" / "cur" / oliver.name)  # what sending does
    replied = AFTER + timedelta(hours=2)
    reply = (
        f"From: Oliver Grant <oliver.g.1984@gmail.com>\nTo: Alex Rivera <alex@example.com>\n"
        f"Subject: Re: {draft['Subject']}\nMessage-ID: <og-reply-1@mail.gmail.com>\n"
        f"In-Reply-To: {draft['Message-ID']}\nReferences: {draft['Message-ID']}\n"
        f"Date: {email.utils.format_datetime(replied)}\n\n"
        "Thanks Alex! We will get back to you by the end of next week.\n"
    )
    mailbox.deliver(reply.encode(), "1727000010.reply.host")
    mailbox.once(replied + timedelta(minutes=5))
    (interview,) = mailbox.status(replied + timedelta(minutes=5))["interviews"]
    (check_in,) = [f for f in interview["followups"] if f["kind"] == "check_in"]
    assert "end of next week" in check_in["reason"]


def _plain(date: str, subject: str, body: str, message_id: str) -> bytes:
    return (
        f"From: Dana Cole <dana@brightpath.io>\nTo: Alex Rivera <alex@example.com>\n"
        f"Subject: {subject}\nMessage-ID: {message_id}\nDate: {date}\n\n{body}"
    ).encode()


def test_a_plain_text_cancellation_cancels_the_interview_it_names(mailbox: Mailbox) -> None:
    """Neither message has a calendar part: the cancellation's made-up UID names nothing, so
    the interview is found by its company and time; its thank-you is then never drafted."""
    mailbox.deliver(
        _plain(
            "Mon, 05 Oct 2026 10:00:00 -0400",
            "Interview confirmed: Thursday",
            "Hi Alex,\n\nYou're confirmed for your interview with Brightpath on Thursday, October 8"
            " at 2:00 PM ET. You'll meet Sam Ortiz, our Engineering Manager.\n\nDana Cole\n"
            "Recruiting Coordinator, Brightpath\n",
            "<confirm-1@brightpath.io>",
        ),
        "1727000001.c.host",
    )
    mailbox.once(datetime(2026, 10, 6, 12, 0, tzinfo=UTC))
    (interview,) = mailbox.status(datetime(2026, 10, 6, 12, 0, tzinfo=UTC))["interviews"]
    assert interview["status"] != "cancelled"
    mailbox.deliver(
        _plain(
            "Wed, 07 Oct 2026 09:00:00 -0400",
            "Re: Interview confirmed: Thursday",
            "Hi Alex,\n\nUnfortunately we need to cancel tomorrow's interview at 2:00 PM ET. I'm "
            "sorry for the short notice.\n\nDana Cole\nRecruiting Coordinator, Brightpath\n",
            "<cancel-1@brightpath.io>",
        ),
        "1727000002.x.host",
    )
    after = datetime(2026, 10, 8, 20, 0, tzinfo=UTC)  # past the thank-you's draft time
    mailbox.once(after)
    (interview,) = mailbox.status(after)["interviews"]
    assert interview["status"] == "cancelled"
    assert mailbox.draft_files() == []


TAKE_HOME_ASKED = datetime(2026, 10, 7, 14, 0, tzinfo=UTC)  # Wed 10:00 in New York
TAKE_HOME_MAIL = (
    b"From: Rachel Kim <rachel.kim@northwind.io>\nTo: Alex Rivera <alex@example.com>\n"
    b"Subject: Take-home exercise - Senior Backend Engineer\n"
    b"Message-ID: <take-home@northwind.io>\nReferences: <invite-1@google.com>\n"
    + f"Date: {email.utils.format_datetime(TAKE_HOME_ASKED)}\n".encode()
    + b"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nHi Alex,\n\n"
    b"Thanks again for your time yesterday. As a next step, please complete the take-home "
    b"exercise (link below) and send it back by Friday, October 16.\n\n"
    b"https://northwind.example/exercise\n\nBest,\nRachel\n"
)


def test_a_take_home_is_acknowledged_then_updated_in_its_thread(mailbox: Mailbox) -> None:
    """Oct 7 to Oct 16 is 6 business days (Columbus Day, Oct 12, is off): the acknowledgement
    on Oct 7, the progress update 3 business days on (Oct 13, 08:00), both replies to Rachel."""
    mailbox.deliver(invite_eml(start=START, end=END, sent=SENT), "1727000001.invite.host")
    mailbox.deliver(TAKE_HOME_MAIL, "1727000002.take-home.host")

    def replies() -> list[email.message.EmailMessage]:
        found = [parse(p.read_bytes()) for p in mailbox.draft_files()]
        return [m for m in found if m["In-Reply-To"] == "<take-home@northwind.io>"]

    mailbox.once(TAKE_HOME_ASKED + timedelta(minutes=20))
    [ack] = replies()
    assert ack["To"].addresses[0].addr_spec == "rachel.kim@northwind.io"
    assert ack["Subject"] == "Re: Take-home exercise - Senior Backend Engineer"
    assert "<take-home@northwind.io>" in str(ack["References"])
    body = unflow(ack.get_content())
    assert body.startswith("Hi Rachel,")
    assert "take-home exercise" in body and "by October 16" in body
    assert "link below" not in body and "attached" not in body and "Friday" not in body
    followups = {
        f["key"].rsplit("/", 1)[-1]: f
        for i in mailbox.status(TAKE_HOME_ASKED + timedelta(minutes=25))["interviews"]
        for f in i["followups"]
        if f["kind"] == "action_item"
    }
    assert followups["ack"]["state"] == "drafted"
    assert followups["ack"]["reason"].endswith("due Fri Oct 16")
    assert followups["progress"]["state"] == "planned"
    assert followups["progress"]["draft_at"] == "2026-10-13T08:00-04:00"

    # The user sends the acknowledgement as it is: the client moves it to Sent.
    [path] = [
        p for p in mailbox.draft_files() if parse(p.read_bytes())["Message-ID"] == ack["Message-ID"]
    ]
    shutil.move(path, mailbox.root / ".Sent" / "cur" / path.name)
    mailbox.once(datetime(2026, 10, 13, 11, 59, tzinfo=UTC))
    assert replies() == []
    mailbox.once(datetime(2026, 10, 13, 12, 5, tzinfo=UTC))
    [progress] = replies()
    assert progress["To"].addresses[0].addr_spec == "rachel.kim@northwind.io"
    assert progress["Subject"] == "Re: Take-home exercise - Senior Backend Engineer"
    body = unflow(progress.get_content())
    assert "I'm working on the take-home exercise" in body and "going well" not in body
    assert "by October 16" in body and "Friday" not in body
    states = {
        f["key"].rsplit("/", 1)[-1]: f["state"]
        for i in mailbox.status(datetime(2026, 10, 13, 12, 10, tzinfo=UTC))["interviews"]
        for f in i["followups"]
        if f["kind"] == "action_item"
    }
    assert states["ack"] == "sent" and states["progress"] == "drafted"
    assert list(states.values()).count("planned") == 1  # the take-home itself, on Oct 15
