"""A month of a realistic job search against a real Dovecot, one day at a time.

Three companies, Oct 13 to Nov 12 2026 in New York (clocks go back on Sun Nov 1): invites
arrive, the user writes one thank-you by hand, deletes one draft and edits another, a recruiter
states a timeline, another asks for references by Friday, the user sends a check-in and gets an
out-of-office reply, one company schedules a next round and then rejects, one cancels. Every
day the command line runs `once` at 07:55, 08:05 and 18:00 local (and at the story's own
moments); after each pass the test checks the exact set of drafts in Drafts, that no other
folder changed (Trash only gains the drafts the agent retired), and what `status --json` says.

The story is the table STORY below: read it top to bottom.
"""

from __future__ import annotations

import email
import email.message
import email.policy
import email.utils
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from harness import Cli
from helpers import ME, PASSWORD_ENV, imap_config
from servers import PASSWORD, Dovecot

from agent.ingest.mailbox import interview_id
from agent.model import KEY_HEADER, draft_tag, draft_tag_of

NY = ZoneInfo("America/New_York")
FIRST_DAY, LAST_DAY = date(2026, 10, 13), date(2026, 11, 12)
DAILY = (time(7, 55), time(8, 5), time(18, 0))


def at(text: str) -> datetime:
    """'Oct 15 15:35' in New York, 2026."""
    return datetime.strptime(f"2026 {text}", "%Y %b %d %H:%M").replace(tzinfo=NY)


# --- the cast -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Round:
    company: str
    domain: str
    role: str
    uid: str
    start: datetime
    recruiter: tuple[str, str]
    interviewers: tuple[tuple[str, str], ...]

    @property
    def id(self) -> str:
        return interview_id(self.uid)

    def thank_you_key(self, email_address: str) -> str:
        return f"thank_you/{self.id}/{self.start.astimezone(UTC):%Y%m%dT%H%M}/{email_address}"


LUMEN = Round(
    "Lumen Labs",
    "lumenlabs.io",
    "Platform Engineer",
    "lumen-onsite-7f3a@lumenlabs.io",
    at("Oct 15 14:00"),
    ("Maya Chen", "maya.chen@lumenlabs.io"),
    (("Sam Ortiz", "sam.ortiz@lumenlabs.io"), ("Jo Park", "jo.park@lumenlabs.io")),
)
HARBOR = Round(
    "Harbor Analytics",
    "harbor-analytics.com",
    "Data Engineer",
    "hb-screen-20261016@harbor-analytics.com",
    at("Oct 16 10:00"),
    ("Tom Reyes", "tom.reyes@harbor-analytics.com"),
    (("Lena Fischer", "lena.fischer@harbor-analytics.com"),),
)
HARBOR_2 = Round(
    "Harbor Analytics",
    "harbor-analytics.com",
    "Data Engineer",
    "hb-final-20261102@harbor-analytics.com",
    at("Nov 02 13:00"),
    ("Tom Reyes", "tom.reyes@harbor-analytics.com"),
    (
        ("Arjun Mehta", "arjun.mehta@harbor-analytics.com"),
        ("Grace Liu", "grace.liu@harbor-analytics.com"),
    ),
)
QUILL = Round(
    "Quillworks",
    "quillworks.co",
    "Backend Developer",
    "qw-9921@quillworks.co",
    at("Oct 22 15:00"),
    ("Nadia Brooks", "nadia.brooks@quillworks.co"),
    (("Noor Haddad", "noor.haddad@quillworks.co"),),
)


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _headers(
    message: email.message.EmailMessage,
    sender: tuple[str, str],
    to: tuple[str, str],
    subject: str,
    sent: datetime,
    message_id: str,
    thread: tuple[str, ...] = (),
) -> None:
    message["From"] = email.utils.formataddr(sender)
    message["To"] = email.utils.formataddr(to)
    message["Subject"] = subject
    message["Date"] = email.utils.format_datetime(sent)
    message["Message-ID"] = message_id
    if thread:
        message["In-Reply-To"] = thread[-1]
        message["References"] = " ".join(thread)


def invite(r: Round, sent: datetime, *, cancel: bool = False) -> bytes:
    """A Google Calendar invitation (or cancellation) from the recruiter, one hour long."""
    method = "CANCEL" if cancel else "REQUEST"
    people = [
        f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;"
        f"RSVP=TRUE;CN={ME[0]}:mailto:{ME[1]}"
    ]
    people += [
        f'ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN="{n}":mailto:{a}'
        for n, a in r.interviewers
    ]
    calendar = (
        "\r\n".join(
            [
                "BEGIN:VCALENDAR",
                "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
                "VERSION:2.0",
                f"METHOD:{method}",
                "BEGIN:VEVENT",
                f"DTSTART:{_stamp(r.start)}",
                f"DTEND:{_stamp(r.start + timedelta(hours=1))}",
                f"DTSTAMP:{_stamp(sent)}",
                f"ORGANIZER;CN={r.recruiter[0]}:mailto:{r.recruiter[1]}",
                f"UID:{r.uid}",
                *people,
                f"SEQUENCE:{1 if cancel else 0}",
                f"STATUS:{'CANCELLED' if cancel else 'CONFIRMED'}",
                f"SUMMARY:Interview: {r.company} - {r.role}",
                "DESCRIPTION:Video interview. Join: https://meet.google.com/xyz-abcd-efg",
                "END:VEVENT",
                "END:VCALENDAR",
            ]
        )
        + "\r\n"
    )
    local = r.start.astimezone(NY)
    when = f"{local:%A %b} {local.day}, {local:%Y %I:%M%p} - {local.tzname()}"
    message = email.message.EmailMessage()
    _headers(
        message,
        r.recruiter,
        ME,
        f"{'Canceled event' if cancel else 'Invitation'}: Interview: {r.company} - "
        f"{r.role} @ {when} ({ME[1]})",
        sent,
        f"<{'cancel' if cancel else 'invite'}-{r.uid}>",
    )
    message.set_content(
        "This event has been canceled.\n"
        if cancel
        else f"You have been invited to the following event.\n\nInterview: "
        f"{r.company} - {r.role}\n{when}\n"
    )
    message.add_alternative(calendar, subtype="calendar", params={"method": method})
    return message.as_bytes(policy=email.policy.SMTP)


def letter(
    sender: tuple[str, str],
    subject: str,
    body: str,
    sent: datetime,
    message_id: str,
    *,
    thread: tuple[str, ...] = (),
    auto: bool = False,
) -> bytes:
    """A plain message from someone at a company to the user."""
    message = email.message.EmailMessage()
    _headers(message, sender, ME, subject, sent, message_id, thread)
    if auto:
        message["Auto-Submitted"] = "auto-replied"
    message.set_content(body)
    return message.as_bytes(policy=email.policy.SMTP)


NEXT_STEPS = "<CAHx8-next-steps@lumenlabs.io>"
REFERENCES = "<0f1e2d3c.refs@harbor-analytics.com>"
MY_CHECK_IN = "<my-check-in-1027@example.com>"
MAIL = {
    "lumen next steps": letter(
        LUMEN.recruiter,
        "Next steps",
        "Hi Alex,\n\nThanks for your time yesterday, the team "
        "really enjoyed meeting you. We're meeting next week to compare notes and we'll get back "
        "to you by the end of next week.\n\nBest,\nMaya\n--\nMaya Chen | Recruiting, Lumen Labs\n",
        at("Oct 16 11:00"),
        NEXT_STEPS,
    ),
    "harbor references": letter(
        HARBOR.recruiter,
        "References",
        "Hi Alex,\n\nLena enjoyed talking with you on Friday. As "
        "a next step, could you please send us two professional references by Friday?\n\n"
        "Thanks,\nTom Reyes\nTalent Acquisition, Harbor Analytics\n",
        at("Oct 19 09:00"),
        REFERENCES,
    ),
    "maya out of office": letter(
        LUMEN.recruiter,
        "Automatic reply: Re: Next steps",
        "Thank you for your message. I am "
        "out of the office until Monday, November 9 with limited access to email. For anything "
        "urgent, please reach our team at talent@lumenlabs.io.\n",
        at("Oct 27 10:13"),
        "<ooo-1027@lumenlabs.io>",
        thread=(NEXT_STEPS, MY_CHECK_IN),
        auto=True,
    ),
    "harbor rejection": letter(
        HARBOR.recruiter,
        "Your application at Harbor Analytics",
        "Hi Alex,\n\nThank you for "
        "meeting Arjun and Grace on Monday. Unfortunately, we have decided to move forward with "
        "other candidates whose experience more closely matches the role.\n\nWe wish you the "
        "best in your search.\nTom\n",
        at("Nov 04 16:00"),
        "<decision-hb@harbor-analytics.com>",
    ),
    "maya is back": letter(
        LUMEN.recruiter,
        "Re: Next steps",
        "Hi Alex,\n\nThank you for your patience, and sorry "
        "for the slow reply; I was away last week. We are finalizing our decision and will have "
        "an answer for you by Friday.\n\nBest,\nMaya\n",
        at("Nov 10 10:00"),
        "<CAHx8-back@lumenlabs.io>",
        thread=(NEXT_STEPS, MY_CHECK_IN),
    ),
}


# --- the user's mailbox -------------------------------------------------------------------------


def parse(raw: bytes) -> email.message.EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message


class Mailbox(Cli):
    """The user's account on the test Dovecot, what they do in their mail client, and the CLI."""

    def __init__(self, server: Dovecot, config: Path) -> None:
        super().__init__(config)
        self.server = server
        self.drafts_folder = server.folder_names["drafts"]
        self.sent_folder = server.folder_names["sent"]
        self.trash_folder = server.folder_names["trash"]

    def deliver(self, raw: bytes, when: datetime) -> None:
        self.server.append("INBOX", raw, msg_time=when)

    def drafts(self) -> list[email.message.EmailMessage]:
        with self.server.client() as client:
            client.select_folder(self.drafts_folder, readonly=True)
            fetched = client.fetch(client.search(), ["BODY.PEEK[]"])
        return [parse(data[b"BODY[]"]) for _, data in sorted(fetched.items())]

    def take_draft(self, to: str) -> email.message.EmailMessage:
        """Remove the one draft to `to` from Drafts, as a client does on send or delete."""
        with self.server.client() as client:
            client.select_folder(self.drafts_folder)
            uids = client.search(["TO", to])
            assert len(uids) == 1, f"{len(uids)} drafts to {to}"
            raw = client.fetch(uids, ["BODY.PEEK[]"])[uids[0]][b"BODY[]"]
            client.delete_messages(uids)
            client.expunge()
        return parse(raw)

    def edit_draft(self, to: str, addition: str) -> None:
        """Edit and save: the client replaces the draft by a new message without our header."""
        old = self.take_draft(to)
        edited = email.message.EmailMessage()
        for name in ("From", "To", "Subject", "Date"):
            edited[name] = str(old[name])
        edited["Message-ID"] = email.utils.make_msgid(domain="example.com")
        body = old.get_body(("plain",))
        assert body is not None
        edited.set_content(body.get_content() + addition)
        self.server.append(self.drafts_folder, edited.as_bytes(), flags=("\\Draft", "\\Seen"))

    def send_draft(
        self, to: str, when: datetime, *, message_id: str = "", attachment: bytes = b""
    ) -> None:
        """Send a draft: it leaves Drafts and a copy (new Message-ID, no private header, as
        Gmail stores it) lands in Sent."""
        draft = self.take_draft(to)
        copy = email.message.EmailMessage()
        for name in ("From", "To", "Subject", "In-Reply-To", "References"):
            if draft[name]:
                copy[name] = str(draft[name])
        copy["Date"] = email.utils.format_datetime(when)
        copy["Message-ID"] = message_id or email.utils.make_msgid(domain="example.com")
        body = draft.get_body(("plain",))
        assert body is not None
        copy.set_content(body.get_content())
        if attachment:
            copy.add_attachment(
                attachment, maintype="application", subtype="pdf", filename="references.pdf"
            )
        self.server.append(self.sent_folder, copy.as_bytes(), flags=("\\Seen",), msg_time=when)

    def write(self, to: tuple[str, str], subject: str, body: str, when: datetime) -> None:
        """A message the user writes from scratch and sends."""
        message = email.message.EmailMessage()
        _headers(message, ME, to, subject, when, email.utils.make_msgid(domain="example.com"))
        message.set_content(body)
        self.server.append(self.sent_folder, message.as_bytes(), flags=("\\Seen",), msg_time=when)


Does = Callable[[Mailbox, datetime], None]


def mail(name: str) -> Does:
    return lambda box, now: box.deliver(MAIL[name], now)


def invited(r: Round, *, cancel: bool = False) -> Does:
    return lambda box, now: box.deliver(invite(r, now, cancel=cancel), now)


def deletes_and_edits(box: Mailbox, now: datetime) -> None:
    box.take_draft("sam.ortiz@lumenlabs.io")
    box.edit_draft("jo.park@lumenlabs.io", "\nP.S. The incident-review story stayed with me.\n")


def thanks_lena_by_hand(box: Mailbox, now: datetime) -> None:
    box.write(
        HARBOR.interviewers[0],
        "Thank you",
        "Hi Lena,\n\nThank you for the conversation "
        "this morning; I enjoyed the pipeline design discussion.\n\nBest,\nAlex\n",
        now,
    )


def sends_references(box: Mailbox, now: datetime) -> None:
    box.send_draft("tom.reyes@harbor-analytics.com", now, attachment=b"%PDF-1.4 references")


def sends_note_to_tom(box: Mailbox, now: datetime) -> None:
    """The user sends the acknowledgement (or the progress update) as it was drafted."""
    box.send_draft("tom.reyes@harbor-analytics.com", now)


def sends_check_in(box: Mailbox, now: datetime) -> None:
    box.send_draft("maya.chen@lumenlabs.io", now, message_id=MY_CHECK_IN)


# --- what the agent should have placed ----------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    key: str | None  # our header; None once the user edited and saved it; "/*" ends a prefix
    to: str
    subject: str


def thank_you(r: Round, person: int) -> Draft:
    address = r.interviewers[person][1]
    return Draft(r.thank_you_key(address), address, f"Thank you – {r.role} interview")


DRAFTS = {
    "lumen thanks Sam": thank_you(LUMEN, 0),
    "lumen thanks Jo": thank_you(LUMEN, 1),
    "lumen thanks Jo, edited": Draft(
        None, "jo.park@lumenlabs.io", "Thank you – Platform Engineer interview"
    ),
    "lumen check-in 1": Draft(f"check_in/{LUMEN.id}/1", "maya.chen@lumenlabs.io", "Re: Next steps"),
    "lumen check-in 2": Draft(f"check_in/{LUMEN.id}/2", "maya.chen@lumenlabs.io", "Re: Next steps"),
    "harbor references": Draft(
        f"action_item/{HARBOR.id}/*", "tom.reyes@harbor-analytics.com", "Re: References"
    ),
    "harbor references ack": Draft(
        f"action_item/{HARBOR.id}/*/ack", "tom.reyes@harbor-analytics.com", "Re: References"
    ),
    "harbor references progress": Draft(
        f"action_item/{HARBOR.id}/*/progress", "tom.reyes@harbor-analytics.com", "Re: References"
    ),
    "harbor final thanks Arjun": thank_you(HARBOR_2, 0),
    "harbor final thanks Grace": thank_you(HARBOR_2, 1),
}


@dataclass(frozen=True)
class Step:
    """At `when` (New York), the user or a company `does` something, then `once` runs.
    `drafts`: labels of DRAFTS appearing (+) or leaving (-) Drafts in this step;
    `stages`: application stages from now on; `trash`: drafts retired to Trash in this step;
    `check`: follow-up key -> (state, draft_at or "", words in the reason) in `status`."""

    when: str
    does: Does | None = None
    drafts: tuple[str, ...] = ()
    stages: dict[str, str] = field(default_factory=dict)
    trash: int = 0
    check: dict[str, tuple[str, str, str]] = field(default_factory=dict)


def ci(r: Round, n: int) -> str:
    return f"check_in/{r.id}/{n}"


LENA = HARBOR.thank_you_key("lena.fischer@harbor-analytics.com")
SAM = LUMEN.thank_you_key("sam.ortiz@lumenlabs.io")
JO = LUMEN.thank_you_key("jo.park@lumenlabs.io")

STORY = [
    Step("Oct 13 10:00", invited(HARBOR), stages={"Harbor Analytics": "interviewing"}),
    Step("Oct 14 09:30", invited(LUMEN), stages={"Lumen Labs": "interviewing"}),
    # Lumen's onsite ends at 15:00: thank-yous 30 minutes later, not before.
    Step("Oct 15 15:25", stages={"Lumen Labs": "awaiting"}),
    Step("Oct 15 15:35", drafts=("+lumen thanks Sam", "+lumen thanks Jo")),
    # The user deletes one thank-you and rewrites the other in the mail client.
    Step(
        "Oct 15 21:00",
        deletes_and_edits,
        drafts=("-lumen thanks Sam", "-lumen thanks Jo", "+lumen thanks Jo, edited"),
        check={SAM: ("dismissed", "", "deleted"), JO: ("drafted", "", "")},
    ),
    # Maya states a timeline: end of next week (Fri Oct 23) + 2 business days.
    Step(
        "Oct 16 11:05",
        mail("lumen next steps"),
        stages={"Harbor Analytics": "awaiting"},
        check={ci(LUMEN, 1): ("planned", "2026-10-27T08:00-04:00", "by the end of next week")},
    ),
    # Harbor's screen ends at 11:00; the user thanks Lena by hand before the agent would.
    Step("Oct 16 11:10", thanks_lena_by_hand),
    Step("Oct 16 11:35", check={LENA: ("sent", "", "you wrote to Lena")}),
    Step(
        "Oct 16 18:00",
        check={ci(HARBOR, 1): ("planned", "2026-10-27T08:00-04:00", "no news since Oct 16")},
    ),
    # Tom asks for references by Friday; his mail also resets Harbor's check-in clock. Friday
    # is 4 business days away: a task that takes days, acknowledged at once.
    Step(
        "Oct 19 09:05",
        mail("harbor references"),
        drafts=("+harbor references ack",),
        check={
            ci(HARBOR, 1): ("planned", "2026-10-28T08:00-04:00", "no news since Oct 19"),
            f"action_item/{HARBOR.id}/*": ("planned", "2026-10-22T08:00-04:00", "references"),
        },
    ),
    # The user sends the acknowledgement: it answers nothing, and the progress update follows
    # halfway (2 business days on), which the user sends too.
    Step(
        "Oct 19 10:00",
        sends_note_to_tom,
        drafts=("-harbor references ack",),
        check={
            f"action_item/{HARBOR.id}/*": ("planned", "2026-10-22T08:00-04:00", "references"),
            f"action_item/{HARBOR.id}/*/progress": ("planned", "2026-10-21T08:00-04:00", ""),
        },
    ),
    Step("Oct 19 11:00", invited(QUILL), stages={"Quillworks": "interviewing"}),
    Step("Oct 20 16:00", invited(QUILL, cancel=True), stages={"Quillworks": "closed"}),
    Step("Oct 21 08:05", drafts=("+harbor references progress",)),
    Step("Oct 21 10:00", sends_note_to_tom, drafts=("-harbor references progress",)),
    Step("Oct 22 08:05", drafts=("+harbor references",)),
    # The user sends the references draft with the file attached.
    Step(
        "Oct 22 09:00",
        sends_references,
        drafts=("-harbor references",),
        check={
            f"action_item/{HARBOR.id}/*": ("sent", "", ""),
            ci(HARBOR, 1): ("planned", "2026-11-02T08:00-05:00", "no news since Oct 22"),
        },
    ),
    # A final round supersedes the screen's check-in.
    Step(
        "Oct 26 14:00",
        invited(HARBOR_2),
        stages={"Harbor Analytics": "interviewing"},
        check={ci(HARBOR, 1): ("cancelled", "", "next round on Nov 2")},
    ),
    Step("Oct 27 08:05", drafts=("+lumen check-in 1",)),
    # The user sends the check-in; Maya's auto-reply says she is away until Nov 9, so the
    # second check-in (7 business days after the sent one: Nov 5) moves to Nov 9, after DST.
    Step("Oct 27 10:12", sends_check_in, drafts=("-lumen check-in 1",)),
    Step(
        "Oct 27 10:14",
        mail("maya out of office"),
        check={
            ci(LUMEN, 1): ("sent", "", ""),
            ci(LUMEN, 2): (
                "planned",
                "2026-11-09T08:00-05:00",
                "no news since Oct 27; "
                "7 business days after the last exchange; moved to Nov 9: "
                "out of office",
            ),
        },
    ),
    Step("Nov 02 14:25", stages={"Harbor Analytics": "awaiting"}),
    Step(
        "Nov 02 14:35",
        drafts=("+harbor final thanks Arjun", "+harbor final thanks Grace"),
        check={ci(HARBOR_2, 1): ("planned", "2026-11-12T08:00-05:00", "no news since Nov 2")},
    ),
    Step(
        "Nov 04 16:05",
        mail("harbor rejection"),
        stages={"Harbor Analytics": "rejected"},
        check={ci(HARBOR_2, 1): ("cancelled", "", "declined on Nov 4")},
    ),
    Step("Nov 09 08:05", drafts=("+lumen check-in 2",)),
    # Maya answers before the user sent the second check-in: it is retired, the clock resets.
    Step(
        "Nov 10 10:05",
        mail("maya is back"),
        drafts=("-lumen check-in 2",),
        trash=1,
        check={
            ci(LUMEN, 2): ("retired", "", "Maya Chen replied on Nov 10"),
            ci(LUMEN, 3): ("planned", "2026-11-17T08:00-05:00", "by Friday"),
        },
    ),
]


# --- the run ------------------------------------------------------------------------------------


def passes() -> list[tuple[datetime, Step | None]]:
    """Every pass in time order: the story's steps and the daily ones."""
    steps = {at(s.when): s for s in STORY}
    assert len(steps) == len(STORY), "two steps at one time"
    moments = set(steps)
    day = FIRST_DAY
    while day <= LAST_DAY:
        moments.update(datetime.combine(day, t, NY) for t in DAILY)
        day += timedelta(days=1)
    return [(m, steps.get(m)) for m in sorted(moments)]


def draft_keys(
    drafts: list[email.message.EmailMessage], status: dict[str, Any]
) -> list[tuple[str | None, str, str]]:
    """Each draft's follow-up key (read from its Message-ID's tag: no header spells it),
    recipient and subject."""
    keys = {draft_tag(f["key"]): f["key"] for i in status["interviews"] for f in i["followups"]}
    found = []
    for message in drafts:
        assert message[KEY_HEADER] is None
        key = keys.get(draft_tag_of(str(message["Message-ID"])))
        found.append(
            (key and unhashed(key), message["To"].addresses[0].addr_spec, str(message["Subject"]))
        )
    return sorted(found, key=repr)


def followup_states(status: dict[str, Any]) -> dict[str, dict[str, Any]]:
    result = {}
    for interview in status["interviews"]:
        for f in interview["followups"]:
            key = f["key"]
            result[unhashed(key)] = f
    return result


def unhashed(key: str) -> str:
    """An action item's key with `*` for its hash: `action_item/<interview>/*[/ack]`."""
    parts = key.split("/")
    return "/".join([*parts[:2], "*", *parts[3:]]) if parts[0] == "action_item" else key


@pytest.fixture
def mailbox(
    dovecot: Dovecot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Mailbox:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    config = imap_config(tmp_path / "agent", port=dovecot.tls_port, ca_file=dovecot.ca_file)
    return Mailbox(dovecot, config)


def test_a_month_of_job_search(mailbox: Mailbox) -> None:
    expected: list[str] = []
    stages: dict[str, str] = {}
    before = mailbox.server.snapshot()
    for now, step in passes():
        where = f"at {now:%a %b %d %H:%M %Z}"
        trashed = 0
        if step is not None and step.does is not None:
            step.does(mailbox, now)
            before = mailbox.server.snapshot()
        mailbox.once(now)
        if step is not None:
            for change in step.drafts:
                label = change[1:]
                assert label in DRAFTS, label
                if change[0] == "+":
                    expected.append(label)
                else:
                    expected.remove(label)
            stages.update(step.stages)
            trashed = step.trash

        status = mailbox.status(now)
        assert draft_keys(mailbox.drafts(), status) == sorted(
            ((d.key, d.to, d.subject) for d in (DRAFTS[label] for label in expected)), key=repr
        ), where
        after = mailbox.server.snapshot()
        untouched = set(before) - {mailbox.drafts_folder, mailbox.trash_folder}
        assert {f: after[f] for f in untouched} == {f: before[f] for f in untouched}, where
        assert len(after[mailbox.trash_folder]) == len(before[mailbox.trash_folder]) + trashed
        before = after

        assert {i["company"]: i["application"] for i in status["interviews"]} == stages, where
        states = followup_states(status)
        for key, (state, draft_at, words) in step.check.items() if step else ():
            assert key in states, f"{where}: no follow-up {key}"
            assert states[key]["state"] == state, (where, states[key])
            if draft_at:
                assert states[key]["draft_at"] == draft_at, (where, states[key])
            assert words in states[key]["reason"], (where, states[key])
        # check-ins and action items land at 08:00 on business days (an acknowledgement: as the
        # request arrives)
        for key, f in states.items():
            if key.endswith("/ack"):
                continue
            if f["kind"] in ("check_in", "action_item") and f["state"] in ("planned", "drafted"):
                placed = datetime.fromisoformat(f["draft_at"])
                assert placed.time() == time(8, 0) and placed.weekday() < 5, (where, f)

    final = mailbox.status(at("Nov 12 18:00"))
    by_id = {i["id"]: i for i in final["interviews"]}
    assert by_id[QUILL.id]["status"] == "cancelled"
    assert all(f["state"] == "cancelled" for f in by_id[QUILL.id]["followups"])
    assert by_id[HARBOR.id]["status"] == by_id[HARBOR_2.id]["status"] == "done"
    assert not [f for f in by_id[HARBOR_2.id]["followups"] if f["state"] == "planned"]
    table = mailbox.ok("status", "--now", at("Nov 12 18:00").isoformat())
    headlines = [line for line in table.splitlines() if line and not line.startswith(" ")]
    assert headlines == [
        "Lumen Labs — awaiting a decision since Oct 15 (Maya wrote 'by Friday' on Nov 10)",
        "Harbor Analytics — rejected since Nov 4 (Tom Reyes declined on Nov 4)",
        "Quillworks — closed (every interview was cancelled)",
    ]
