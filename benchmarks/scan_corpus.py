"""A deterministic two-year mailbox for `scan.py`, written straight into Maildir++ folders.

The mix: newsletters and promotions (List-Id / List-Unsubscribe), receipts, personal and work
mail with threads, work meeting invites, the user's own replies in Sent, and about 2 % job
mail in episodes (ATS notices, recruiter scheduling, Google and Outlook invites with
text/calendar parts, typed confirmations, replies, outcomes). About 1 % carry a PDF or image
attachment of 100 KB to 5 MB. Messages are plain RFC 5322 text (LF line ends, as Maildir
stores them); each file's mtime is its date, which Dovecot takes as INTERNALDATE.
"""

from __future__ import annotations

import base64
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

ME = "Alex Rivera <alex@example.com>"
YEARS = 2
FIRST = (
    "Maya",
    "Jonas",
    "Priya",
    "Tom",
    "Lena",
    "Omar",
    "Grace",
    "Diego",
    "Hana",
    "Luca",
    "Nora",
    "Sam",
    "Iris",
    "Ben",
    "Zoe",
    "Ravi",
    "Elena",
    "Marco",
    "Aiko",
    "Felix",
)
LAST = (
    "Chen",
    "Novak",
    "Shah",
    "Berg",
    "Okafor",
    "Silva",
    "Dubois",
    "Kim",
    "Meyer",
    "Rossi",
    "Haddad",
    "Larsen",
    "Ito",
    "Walsh",
    "Costa",
    "Park",
    "Fischer",
    "Moreau",
)
SYLLABLES = (
    "vel",
    "tra",
    "qu",
    "ora",
    "nex",
    "lum",
    "bri",
    "zen",
    "cor",
    "ax",
    "ly",
    "mo",
    "dra",
    "fin",
    "sol",
    "ter",
    "pix",
    "ion",
    "ka",
    "rex",
)
ATS = ("greenhouse.io", "lever.co", "ashbyhq.com", "myworkday.com", "smartrecruiters.com")
ROLES = (
    "Backend Engineer",
    "Data Engineer",
    "Platform Engineer",
    "Product Engineer",
    "Site Reliability Engineer",
    "Staff Engineer",
)
WORDS = (
    "the",
    "quarterly",
    "update",
    "team",
    "review",
    "plan",
    "notes",
    "draft",
    "budget",
    "launch",
    "customer",
    "feedback",
    "numbers",
    "design",
    "weekend",
    "dinner",
    "photos",
    "trip",
    "project",
    "deadline",
    "meeting",
    "agenda",
    "summary",
    "report",
    "ideas",
)
_POOL = base64.encodebytes(random.Random(7).randbytes(5_200_000)).decode()


@dataclass(frozen=True)
class Mail:
    folder: str  # "INBOX" or "Sent"
    date: datetime
    raw: bytes
    seen: bool


def _company(rng: random.Random) -> tuple[str, str]:
    name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    return name, f"{name.lower()}{rng.choice(('.com', '.io', '.ai', '.co'))}"


def _person(rng: random.Random, domain: str) -> tuple[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return f"{first} {last}", f"{first.lower()}.{last.lower()}@{domain}"


def _text(rng: random.Random, words: int) -> str:
    lines, line = [], []
    for _ in range(words):
        line.append(rng.choice(WORDS))
        if len(line) == 12:
            lines.append(" ".join(line).capitalize() + ".")
            line = []
    return "\n".join([*lines, " ".join(line)])


def _headers(
    sender: str, to: str, subject: str, date: datetime, mid: str, extra: tuple[str, ...] = ()
) -> str:
    return "".join(
        (
            f"From: {sender}\nTo: {to}\nSubject: {subject}\n",
            f"Date: {format_datetime(date)}\nMessage-ID: {mid}\nMIME-Version: 1.0\n",
            *(f"{h}\n" for h in extra),
        )
    )


def _attachment(rng: random.Random, boundary: str) -> str:
    size = int(100_000 * 50 ** rng.random())  # log-uniform, 100 KB to 5 MB
    lines = size * 4 // 3 // 76  # whole base64 lines of 76 characters and a newline
    start = rng.randrange(0, len(_POOL) // 77 - lines) * 77
    kind, name = rng.choice(
        (
            ("application/pdf", "statement.pdf"),
            ("image/jpeg", "IMG_2041.jpg"),
            ("application/pdf", "invoice.pdf"),
        )
    )
    return (
        f'--{boundary}\nContent-Type: {kind}; name="{name}"\nContent-Transfer-Encoding: '
        f'base64\nContent-Disposition: attachment; filename="{name}"\n\n'
        f"{_POOL[start : start + lines * 77]}"
    )


def _body(rng: random.Random, text: str, *, html: bool = False, attach: bool = False) -> str:
    """Content headers and body: text, text+HTML alternative, or mixed with an attachment."""
    if not html and not attach:
        return f"Content-Type: text/plain; charset=utf-8\n\n{text}\n"
    inner = f"Content-Type: text/plain; charset=utf-8\n\n{text}\n"
    if html:
        b = f"alt{rng.getrandbits(48):x}"
        markup = "".join(f"<p>{p}</p>" for p in text.split("\n"))
        inner = (
            f'Content-Type: multipart/alternative; boundary="{b}"\n\n--{b}\n{inner}--{b}\n'
            f"Content-Type: text/html; charset=utf-8\n\n<html><body>{markup}</body></html>\n"
            f"--{b}--\n"
        )
    if not attach:
        return inner
    b = f"mix{rng.getrandbits(48):x}"
    return (
        f'Content-Type: multipart/mixed; boundary="{b}"\n\n--{b}\n{inner}'
        f"{_attachment(rng, b)}--{b}--\n"
    )


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _invite(
    rng: random.Random,
    *,
    organizer: tuple[str, str],
    people: list[tuple[str, str]],
    summary: str,
    start: datetime,
    sent: datetime,
    uid: str,
    outlook: bool,
) -> str:
    """A Google-style (inline text/calendar + invite.ics) or Exchange-style (base64) invite."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        f"DTSTART:{_stamp(start)}",
        f"DTEND:{_stamp(start + timedelta(minutes=45))}",
        f"DTSTAMP:{_stamp(sent)}",
        f"ORGANIZER;CN={organizer[0]}:mailto:{organizer[1]}",
        f"UID:{uid}",
        *(
            f"ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN={n}:mailto:{a}"
            for n, a in people
        ),
        "ATTENDEE;ROLE=REQ-PARTICIPANT;CN=Alex Rivera:mailto:alex@example.com",
        f"SUMMARY:{summary}",
        "SEQUENCE:0",
        "STATUS:CONFIRMED",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    ics = "\r\n".join(lines) + "\r\n"
    text = f"You have been invited to the following event.\n\n{summary}\n{start:%A %B %d, %Y}\n"
    b = f"cal{rng.getrandbits(48):x}"
    if outlook:
        encoded = base64.encodebytes(ics.encode()).decode()
        return (
            f'Content-Type: multipart/alternative; boundary="{b}"\n\n--{b}\n'
            f"Content-Type: text/plain; charset=utf-8\n\n{text}\n--{b}\n"
            f"Content-Type: text/html; charset=utf-8\n\n<html><body><p>{summary}</p>"
            f"</body></html>\n--{b}\nContent-Type: text/calendar; charset=utf-8; "
            f"method=REQUEST\nContent-Transfer-Encoding: base64\n\n{encoded}--{b}--\n"
        )
    m = f"mix{rng.getrandbits(48):x}"
    return (
        f'Content-Type: multipart/mixed; boundary="{m}"\n\n--{m}\n'
        f'Content-Type: multipart/alternative; boundary="{b}"\n\n--{b}\n'
        f"Content-Type: text/plain; charset=utf-8\n\n{text}\n--{b}\n"
        f"Content-Type: text/calendar; charset=utf-8; method=REQUEST\n\n{ics}\n--{b}--\n"
        f'--{m}\nContent-Type: application/ics; name="invite.ics"\n'
        f'Content-Disposition: attachment; filename="invite.ics"\n\n{ics}\n--{m}--\n'
    )


class Generator:
    """Messages for a mailbox of `size` over the two years before `now`, seeded."""

    def __init__(self, size: int, now: datetime, seed: int) -> None:
        self.size, self.now = size, now
        self.rng = random.Random(seed)
        self.count = 0
        self.friends = [
            _person(self.rng, d)
            for d in ("gmail.com", "outlook.com", "fastmail.com")
            for _ in range(10)
        ]
        self.colleagues = [_person(self.rng, "acme-corp.com") for _ in range(25)]
        self.lists = [_company(self.rng) for _ in range(40)]

    def _when(self) -> datetime:
        return self.now - timedelta(seconds=self.rng.uniform(3600, YEARS * 365 * 86400))

    def _mid(self, domain: str) -> str:
        self.count += 1
        return f"<{self.count}.{self.rng.getrandbits(40):x}@{domain}>"

    def mails(self) -> list[Mail]:
        job_budget = round(self.size * 0.02)
        result: list[Mail] = []
        while job_budget > 0:
            episode = list(self._episode())[:job_budget]
            job_budget -= len(episode)
            result.extend(episode)
        while len(result) < self.size:
            result.append(self._ordinary())
        result.sort(key=lambda m: m.date)
        return result

    def _ordinary(self) -> Mail:
        rng, date = self.rng, self._when()
        roll = rng.random()
        if roll < 0.35:  # newsletters, promotions, job alerts
            name, domain = rng.choice(self.lists)
            extra = (
                f"List-Id: {name} news <news.{domain}>",
                f"List-Unsubscribe: <https://{domain}/u/{rng.getrandbits(32):x}>",
            )
            subject = rng.choice(
                (
                    f"{name} weekly: {rng.choice(WORDS)} edition",
                    f"New jobs for you at {name}",
                    f"{name}: 20% off this week",
                )
            )
            head = _headers(f"{name} <news@{domain}>", ME, subject, date, self._mid(domain), extra)
            return self._mail("INBOX", date, head + _body(rng, _text(rng, 600), html=True))
        if roll < 0.45:  # receipts and notifications
            name, domain = rng.choice(self.lists)
            head = _headers(
                f"{name} <receipts@{domain}>",
                ME,
                f"Your {name} order #{rng.randint(10000, 99999)}",
                date,
                self._mid(domain),
            )
            body = _body(rng, _text(rng, 120), html=True, attach=rng.random() < 0.04)
            return self._mail("INBOX", date, head + body)
        if roll < 0.88:  # personal and work, and the user's replies
            people = self.friends if rng.random() < 0.45 else self.colleagues
            who = rng.choice(people)
            domain = who[1].split("@")[1]
            subject = f"{rng.choice(WORDS)} {rng.choice(WORDS)}".capitalize()
            if people is self.colleagues and rng.random() < 0.06:
                uid = f"{rng.getrandbits(64):x}@google.com"
                start = date + timedelta(days=rng.randint(1, 7))
                body = _invite(
                    rng,
                    organizer=who,
                    people=rng.sample(self.colleagues, 3),
                    summary=f"Sprint {rng.choice(WORDS)} sync",
                    start=start,
                    sent=date,
                    uid=uid,
                    outlook=rng.random() < 0.3,
                )
                head = _headers(
                    f"{who[0]} <{who[1]}>",
                    ME,
                    f"Invitation: {subject} sync",
                    date,
                    self._mid(domain),
                )
                return self._mail("INBOX", date, head + body)
            if rng.random() < 0.25:
                parent = self._mid(domain)
                head = _headers(
                    ME,
                    f"{who[0]} <{who[1]}>",
                    f"Re: {subject}",
                    date,
                    self._mid("example.com"),
                    (f"In-Reply-To: {parent}", f"References: {parent}"),
                )
                return self._mail("Sent", date, head + _body(rng, _text(rng, 80)))
            head = _headers(f"{who[0]} <{who[1]}>", ME, subject, date, self._mid(domain))
            body = _body(
                rng,
                _text(rng, rng.randint(60, 500)),
                html=rng.random() < 0.3,
                attach=rng.random() < 0.015,
            )
            return self._mail("INBOX", date, head + body)
        name, domain = rng.choice(self.lists)  # automated notices without list headers
        head = _headers(
            f"{name} <no-reply@{domain}>",
            ME,
            f"Your {name} account: {rng.choice(WORDS)} {rng.choice(WORDS)}",
            date,
            self._mid(domain),
            ("Auto-Submitted: auto-generated",),
        )
        return self._mail("INBOX", date, head + _body(rng, _text(rng, 90), html=True))

    def _mail(self, folder: str, date: datetime, text: str) -> Mail:
        return Mail(folder, date, text.encode(), seen=self.rng.random() < 0.9)

    def _episode(self) -> Iterator[Mail]:
        """One application: ATS notice, scheduling mail, reply, invite, outcome, thank-you."""
        rng = self.rng
        company, domain = _company(rng)
        role = rng.choice(ROLES)
        recruiter = _person(rng, domain)
        interviewers = [_person(rng, domain) for _ in range(rng.randint(1, 2))]
        ats = rng.choice(ATS)
        t0 = self.now - timedelta(seconds=rng.uniform(20 * 86400, YEARS * 365 * 86400))
        head = _headers(
            f"{company} Recruiting <no-reply@{ats}>",
            ME,
            f"Thank you for applying to {company}",
            t0,
            self._mid(ats),
            (f"Reply-To: {recruiter[1]}",),
        )
        yield self._mail(
            "INBOX",
            t0,
            head
            + _body(
                rng,
                f"We received your application for the {role} position and will review it shortly.",
            ),
        )
        ask = t0 + timedelta(days=3, hours=rng.randint(0, 8))
        ask_id = self._mid(domain)
        head = _headers(
            f"{recruiter[0]} <{recruiter[1]}>", ME, f"{company} interview availability", ask, ask_id
        )
        yield self._mail(
            "INBOX",
            ask,
            head
            + _body(
                rng,
                "Hi Alex, would you be available for a "
                f"30-minute phone screen for the {role} role next week?",
            ),
        )
        reply = ask + timedelta(hours=2)
        head = _headers(
            ME,
            f"{recruiter[0]} <{recruiter[1]}>",
            f"Re: {company} interview availability",
            reply,
            self._mid("example.com"),
            (f"In-Reply-To: {ask_id}", f"References: {ask_id}"),
        )
        yield self._mail("Sent", reply, head + _body(rng, "Tuesday afternoon works for me."))
        sent = reply + timedelta(hours=20)
        start = (sent + timedelta(days=rng.randint(3, 8))).replace(hour=18, minute=0, second=0)
        style = rng.random()
        if style < 0.7:
            body = _invite(
                rng,
                organizer=recruiter,
                people=interviewers,
                summary=f"Interview with {company} - {role}",
                start=start,
                sent=sent,
                uid=f"{rng.getrandbits(64):x}@{domain}",
                outlook=style > 0.45,
            )
            head = _headers(
                f"{recruiter[0]} <{recruiter[1]}>",
                ME,
                f"Invitation: Interview with {company} - {role}",
                sent,
                self._mid(domain),
            )
        else:
            who = interviewers[0]
            body = _body(
                rng,
                f"Hi Alex,\n\nYou're confirmed for your interview with {company} "
                f"for the {role} role on {start:%A, %B} {start.day} at 2:00 PM ET with "
                f"{who[0]} ({who[1]}).\n\nBest,\n{recruiter[0]}",
            )
            head = _headers(
                f"{company} via {ats} <no-reply@{ats}>",
                ME,
                f"Interview confirmed: {company} {role}",
                sent,
                self._mid(ats),
                (f"Reply-To: {recruiter[1]}",),
            )
        yield self._mail("INBOX", sent, head + body)
        if rng.random() < 0.5:
            thanks = start + timedelta(hours=20)
            head = _headers(
                ME,
                f"{interviewers[0][0]} <{interviewers[0][1]}>",
                "Thank you for today",
                thanks,
                self._mid("example.com"),
            )
            yield self._mail("Sent", thanks, head + _body(rng, "Thank you for your time today."))
        outcome = start + timedelta(days=rng.randint(4, 12))
        text = rng.choice(
            (
                "we have decided to move forward with other candidates.",
                "we would like to invite you to the next round.",
            )
        )
        head = _headers(
            f"{recruiter[0]} <{recruiter[1]}>",
            ME,
            f"Your application at {company}",
            outcome,
            self._mid(domain),
        )
        text = f"Hi Alex, after careful review {text}"
        yield self._mail("INBOX", outcome, head + _body(rng, text))


def write_maildir(maildir: Path, mails: list[Mail], owner: tuple[int, int] | None) -> int:
    """Write every message into cur/ of its folder; return the bytes written."""
    total = 0
    folders = {"INBOX": maildir, "Sent": maildir / ".Sent"}
    for path in folders.values():
        for sub in ("cur", "new", "tmp"):
            (path / sub).mkdir(parents=True, exist_ok=True)
    for number, mail in enumerate(mails):
        stamp = int(mail.date.timestamp())
        name = f"{stamp}.M{number}P1.scan,S={len(mail.raw)}:2,{'S' if mail.seen else ''}"
        path = folders[mail.folder] / "cur" / name
        path.write_bytes(mail.raw)
        os.utime(path, (stamp, stamp))
        total += len(mail.raw)
    if owner is not None:
        for directory, _subdirs, files in os.walk(maildir):
            os.chown(directory, *owner)
            for name in files:
                os.chown(os.path.join(directory, name), *owner)
    return total
