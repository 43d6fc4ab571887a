"""Fault trials shared by tests/test_faults.py and benchmarks/soak.py: a mailbox on a real
Dovecot that yields several drafts in one pass, `interview-agent once` as a subprocess killed
with SIGKILL (or its server killed) at a chosen moment, and the invariants checked after each
trial:

- every follow-up key the undisturbed pass drafts is in Drafts exactly once (no duplicate,
  none lost), and no other draft of the agent's appears;
- nothing outside Drafts changed (messages and flags: unread stays unread), and the user's own
  draft in Drafts is untouched;
- the state agrees: `status --json` shows each of those follow-ups as drafted, and no intent
  is left pending.

Kill moments are measured from the agent's first connection (seen by a `TcpProxy` that adds a
little latency, as a distant server would), so they spread over the IMAP work of the pass rather
than over Python's start-up.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import json
import random
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import harness
from harness import Cli, start_child
from helpers import ME, PASSWORD_ENV, imap_config
from servers import PASSWORD, Dovecot, Snapshot, TcpProxy

from agent.model import draft_tag_of

KEY_HEADER = "X-Interview-Agent-Key"
# A Tuesday afternoon in New York; the mailbox is dated relative to it.
NOW = datetime(2026, 10, 13, 19, 0, tzinfo=UTC)
LATENCY = 0.002  # seconds each chunk is held, as by a distant server
RUN_TIMEOUT = 120.0
CONNECT_TIMEOUT = 120.0  # interpreter start-up on a loaded machine


@dataclass(frozen=True)
class Company:
    name: str
    domain: str
    recruiter: str
    interviewers: tuple[str, ...]
    ended_ago: timedelta  # how long before "now" the interview ended

    def address(self, person: str) -> str:
        return f"{person.lower().replace(' ', '.')}@{self.domain}"


# Three interviews that ended hours ago (a thank-you per interviewer is due) and two that ended
# weeks ago with no news since (a check-in is due; their thank-yous are past saving).
COMPANIES = (
    Company(
        "Northwind",
        "northwind.io",
        "Rachel Kim",
        ("Oliver Grant", "Priya Shah"),
        timedelta(hours=2),
    ),
    Company("Fabrikam", "fabrikam.dev", "Sam Ortiz", ("Mei Chen", "Tom Berg"), timedelta(hours=20)),
    Company("Contoso", "contoso.com", "Dana Lee", ("Ravi Patel",), timedelta(hours=40)),
    Company("Tailspin", "tailspin.aero", "Jo Park", ("Ana Silva",), timedelta(days=14)),
    Company("Litware", "litware.net", "Lee Wong", ("Kai Moss",), timedelta(days=21)),
)


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def invite(company: Company, *, now: datetime, tag: str) -> tuple[bytes, datetime]:
    """An iMIP invitation (RFC 6047) from the company's recruiter for an interview that ended
    `company.ended_ago` before `now`; returns the message and its date."""
    end = now - company.ended_ago
    start = end - timedelta(hours=1)
    sent = start - timedelta(days=5)
    recruiter = company.address(company.recruiter)
    calendar = "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
            "VERSION:2.0",
            "METHOD:REQUEST",
            "BEGIN:VEVENT",
            f"DTSTART:{_stamp(start)}",
            f"DTEND:{_stamp(end)}",
            f"DTSTAMP:{_stamp(sent)}",
            f"ORGANIZER;CN={company.recruiter}:mailto:{recruiter}",
            f"UID:{tag}-{company.domain}@google.com",
            f"ATTENDEE;CUTYPE=INDIVIDUAL;PARTSTAT=NEEDS-ACTION;CN={ME[0]}:mailto:{ME[1]}",
            *(
                f"ATTENDEE;CUTYPE=INDIVIDUAL;PARTSTAT=ACCEPTED;CN={name}:mailto:"
                f"{company.address(name)}"
                for name in company.interviewers
            ),
            "SEQUENCE:0",
            "STATUS:CONFIRMED",
            f"SUMMARY:Interview with {company.name} - Software Engineer",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )
    message = EmailMessage()
    message["From"] = f"{company.recruiter} <{recruiter}>"
    message["To"] = f"{ME[0]} <{ME[1]}>"
    message["Subject"] = f"Invitation: Interview with {company.name} - Software Engineer"
    message["Date"] = format_datetime(sent)
    message["Message-ID"] = f"<{tag}@{company.domain}>"
    message.set_content(f"You have been invited to an interview with {company.name}.\n")
    message.add_alternative(calendar, subtype="calendar", params={"method": "REQUEST"})
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n")), sent


def plain(sender: str, to: str, subject: str, sent: datetime, extra: str = "") -> bytes:
    tag = "".join(c for c in subject.lower() if c.isalnum())
    return (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\n"
        f"Message-ID: <{tag}@mail.example.org>\r\nDate: {format_datetime(sent)}\r\n"
        f"{extra}\r\nHello.\r\n"
    ).encode()


def seed(server: Dovecot, now: datetime = NOW) -> None:
    """The user's mailbox: the invites (some read, some not), mail that is none of the agent's
    business (unread, flagged, from a list), a sent message and a draft of the user's own."""
    folders = server.folder_names
    with server.client() as client:
        for index, company in enumerate(COMPANIES):
            raw, sent = invite(company, now=now, tag=f"invite-{index}")
            flags = ("\\Seen",) if index % 2 else ()
            client.append("INBOX", raw, flags=flags, msg_time=sent)
        week_ago = now - timedelta(days=7)
        client.append(
            "INBOX",
            plain(
                "Weekly Jobs <jobs@news.example.org>",
                ME[1],
                "Ten new jobs for you",
                week_ago,
                "List-Id: <jobs.news.example.org>\r\n",
            ),
            msg_time=week_ago,
        )
        client.append(
            "INBOX",
            plain("Mum <mum@family.example.org>", ME[1], "Sunday lunch", week_ago),
            flags=("\\Seen", "\\Flagged"),
            msg_time=week_ago,
        )
        client.append(
            folders["sent"],
            plain(f"{ME[0]} <{ME[1]}>", "friend@example.org", "Re: Sunday lunch", week_ago),
            flags=("\\Seen",),
            msg_time=week_ago,
        )
        client.append(
            folders["drafts"],
            plain(f"{ME[0]} <{ME[1]}>", "landlord@example.org", "Lease renewal", week_ago),
            flags=("\\Draft", "\\Seen"),
            msg_time=week_ago,
        )


class Account(Cli):
    """The agent's config for `server` (reached on `port`: directly or through a proxy) and
    its state, both in `directory`; its command line runs in this process (no interpreter
    start-up) except `start_once`."""

    def __init__(self, server: Dovecot, directory: Path, port: int) -> None:
        self.server = server
        self.directory = directory
        self.port = port
        super().__init__(
            imap_config(directory, port=port, ca_file=server.ca_file),
            env={PASSWORD_ENV: PASSWORD},
        )

    def start_once(self, now: datetime = NOW) -> subprocess.Popen[bytes]:
        """`interview-agent once` as a subprocess: the one thing a SIGKILL can be sent to."""
        return start_child(self.config, "once", "--now", now.isoformat(), env=self.env)

    def once(self, now: datetime = NOW) -> None:
        super().once(now)

    def pending(self) -> int:
        """Follow-ups whose intent is written but whose APPEND is not confirmed."""
        path = self.directory / "state.db"
        if not path.exists():
            return 0
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            try:
                rows = db.execute("SELECT record FROM followups").fetchall()
            except sqlite3.OperationalError:  # killed before the schema was written
                return 0
        return sum(1 for (record,) in rows if json.loads(record).get("pending"))

    def status(self, now: datetime | None = NOW) -> dict[str, Any]:
        return super().status(now)


def draft_keys(server: Dovecot) -> Counter[str]:
    """How many messages in Drafts carry each key of ours."""
    keys: Counter[str] = Counter()
    with server.client() as client:
        client.select_folder(server.folder_names["drafts"], readonly=True)
        fetched = client.fetch(client.search(), ["BODY.PEEK[HEADER]"])
    for data in fetched.values():
        headers = email.message_from_bytes(data[b"BODY[HEADER]"], policy=email.policy.default)
        key = headers.get(KEY_HEADER) or draft_tag_of(str(headers.get("Message-ID", ""))) or None
        if key is not None:
            keys[" ".join(str(key).split())] += 1
    return keys


Followup = tuple[str, str, str]  # (interview id, kind, recipient)


def followup_states(status: dict[str, object]) -> dict[Followup, str]:
    result = {}
    interviews = status["interviews"]
    assert isinstance(interviews, list)
    for interview in interviews:
        for followup in interview["followups"]:
            result[(interview["id"], followup["kind"], followup["to"])] = followup["state"]
    return result


@dataclass(frozen=True)
class Expected:
    """What one undisturbed pass leaves: the keys in Drafts, the follow-ups drafted, and how
    long its IMAP work took (seconds from the first connection to the exit)."""

    keys: frozenset[str]
    drafted: frozenset[Followup]
    window: float


def _unnumbered(messages: list[tuple[int, tuple[str, ...], str]]) -> list[tuple[object, ...]]:
    return sorted((flags, digest) for _, flags, digest in messages)


def violations(
    server: Dovecot,
    account: Account,
    before: Snapshot,
    expected: Expected,
    *,
    renumbered: bool = False,
) -> list[str]:
    """Every broken invariant, one line each (empty when the trial held). `renumbered`: the
    server gave its folders a new UIDVALIDITY, so messages are compared without their UIDs."""
    found: list[str] = []
    keys = draft_keys(server)
    for key in sorted(expected.keys):
        if keys[key] == 0:
            found.append(f"lost: no draft for {key}")
        elif keys[key] > 1:
            found.append(f"duplicate: {keys[key]} drafts for {key}")
    found += [f"unexpected draft {key}" for key in sorted(set(keys) - expected.keys)]
    after = server.snapshot()
    drafts = server.folder_names["drafts"]
    same: Callable[[list[tuple[int, tuple[str, ...], str]]], object] = (
        _unnumbered if renumbered else list
    )
    for folder in sorted(set(before) | set(after)):
        if folder != drafts and same(before.get(folder, [])) != same(after.get(folder, [])):
            found.append(f"changed outside Drafts: {folder}")
    users = {digest for _, _, digest in before.get(drafts, [])}
    if same([m for m in after.get(drafts, []) if m[2] in users]) != same(before.get(drafts, [])):
        found.append("the user's own draft changed")
    states = followup_states(account.status())
    for followup in sorted(expected.drafted):
        if states.get(followup) != "drafted":
            found.append(f"state: {'/'.join(followup)} is {states.get(followup)}")
    if account.pending():
        found.append(f"{account.pending()} intents still pending after a full pass")
    return found


class Lab:
    """Fresh seeded Dovecots and agent directories under `root`, one per trial."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.count = 0

    @contextlib.contextmanager
    def trial(self) -> Iterator[tuple[Dovecot, TcpProxy, Account, Snapshot]]:
        """A seeded server, a latency proxy in front of it, the agent's account through the
        proxy, and the snapshot taken before the agent ran."""
        self.count += 1
        server = Dovecot()
        proxy: TcpProxy | None = None
        try:
            server.start()
            seed(server)
            before = server.snapshot()
            proxy = TcpProxy(server.tls_port, latency=LATENCY)
            yield (
                server,
                proxy,
                Account(server, self.root / f"trial-{self.count}", proxy.port),
                before,
            )
        finally:
            if proxy is not None:
                proxy.close()
            server.close()

    def reference(self) -> Expected:
        """One undisturbed pass: what it drafts, and how long its IMAP work takes."""
        with self.trial() as (server, proxy, account, _):
            process = account.start_once()
            connected = wait_connected(proxy, process)
            _, err = process.communicate(timeout=RUN_TIMEOUT)
            window = time.monotonic() - connected
            if process.returncode != 0:
                raise AssertionError(f"once exited {process.returncode}: {err.decode()}")
            drafted = frozenset(
                k for k, state in followup_states(account.status()).items() if state == "drafted"
            )
            return Expected(frozenset(draft_keys(server)), drafted, window)


def wait_connected(proxy: TcpProxy, process: subprocess.Popen[bytes]) -> float:
    """Wait for the agent's first connection through `proxy`; its monotonic time."""
    deadline = time.monotonic() + CONNECT_TIMEOUT
    while not proxy.connected.wait(0.001):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            _, err = process.communicate()
            raise AssertionError(
                f"the agent never connected (exit {process.returncode}): "
                f"{err.decode(errors='replace')[-400:]}"
            )
    return time.monotonic()


def finished_or_killed(process: subprocess.Popen[bytes], delay: float) -> bool:
    """SIGKILL `process` `delay` seconds from now unless it ends first; True if killed."""
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True
    return False


@dataclass
class Outcome:
    """One trial: what was done to the pass and the invariants it broke."""

    what: str
    interrupted: bool = False
    drafts_at_kill: int = 0  # drafts of ours in Drafts right after the (last) kill
    pending_at_kill: int = 0  # intents the kill left pending in the state
    problems: list[str] = field(default_factory=list)


AFTERMATHS = ("", "state file deleted", "new UIDVALIDITY")


def recovered(account: Account) -> list[str]:
    """Run the pass that must repair everything; a failure is a violation (a crash loop)."""
    try:
        account.once()
    except AssertionError as error:
        return [f"the next pass failed: {error}"]
    return []


def sigkill_trial(
    lab: Lab, expected: Expected, rng: random.Random, *, kills: int = 1, then: str = ""
) -> Outcome:
    """SIGKILL `once` `kills` times, each at a moment drawn from its IMAP work; `then` (one of
    AFTERMATHS) delete the state file or renumber INBOX and Drafts on the server; run it to
    completion and check the invariants."""
    with lab.trial() as (server, proxy, account, before):
        delays = []
        interrupted = False
        for _ in range(kills):
            proxy.connected.clear()
            process = account.start_once()
            wait_connected(proxy, process)
            delays.append(rng.uniform(0, expected.window))
            interrupted |= finished_or_killed(process, delays[-1])
        at_kill = sum(draft_keys(server).values()), account.pending()
        if then == "state file deleted":
            for path in account.directory.glob("state.db*"):
                path.unlink()
        elif then == "new UIDVALIDITY":
            server.stop()
            for folder in ("INBOX", server.folder_names["drafts"]):
                server.reset_uidvalidity(folder)
            server.start()
        problems = recovered(account)
        what = "SIGKILL after " + ", ".join(f"{d * 1000:.0f} ms" for d in delays)
        what += f", then {then}" if then else ""
        return Outcome(
            what,
            interrupted,
            *at_kill,
            problems=problems
            + violations(server, account, before, expected, renumbered=then == "new UIDVALIDITY"),
        )


def server_kill_trial(lab: Lab, expected: Expected, rng: random.Random) -> Outcome:
    """SIGKILL Dovecot at a moment drawn from the pass's IMAP work; the pass must fail with
    one plain line (or finish); restart Dovecot, run again, check the invariants."""
    with lab.trial() as (server, proxy, account, before):
        process = account.start_once()
        wait_connected(proxy, process)
        delay = rng.uniform(0, expected.window)
        problems = []
        interrupted = False
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            server.kill()
            interrupted = True
        _, err = process.communicate(timeout=RUN_TIMEOUT)
        said = err.decode(errors="replace")
        lines = [line for line in said.splitlines() if line.startswith("interview-agent:")]
        if process.returncode != 0 and (
            len(lines) != 1 or "internal error" in said or "Traceback" in said
        ):
            problems.append(f"the failed pass (exit {process.returncode}) said: {said[-400:]}")
        if not server.running:
            server.start()
        at_kill = sum(draft_keys(server).values()), account.pending()
        problems += recovered(account)
        problems += violations(server, account, before, expected)
        return Outcome(
            f"Dovecot killed after {delay * 1000:.0f} ms", interrupted, *at_kill, problems=problems
        )


# --- the daemon ----------------------------------------------------------------------------------

DAEMON_SECTION = """\
timeout_seconds = 10

[daemon]
tick_seconds = 60
sent_poll_seconds = 120
idle_renew_minutes = 9
max_backoff_seconds = 4
"""
WAIT_SECONDS = 60.0


class Daemon(harness.Daemon):
    """`interview-agent run` as a subprocess with the real clock, through a latency proxy."""

    def __init__(self, server: Dovecot, directory: Path) -> None:
        self.server = server
        self.proxy = TcpProxy(server.tls_port, latency=LATENCY)
        super().__init__(
            imap_config(
                directory, port=self.proxy.port, ca_file=server.ca_file, extra=DAEMON_SECTION
            ),
            directory / "daemon.log",
            env={PASSWORD_ENV: PASSWORD},
            wait_seconds=WAIT_SECONDS,
            poll_seconds=0.05,
        )
        self.keys = 0  # distinct keys it should have placed by now
        self.start()

    def wait_for_keys(self, count: int, what: str) -> None:
        """Until `count` distinct keys of ours are in Drafts (duplicates are checked after)."""

        def placed() -> bool:
            try:
                return len(draft_keys(self.server)) >= count
            except OSError:  # the server is down
                return False

        self.wait(placed, what)
        self.keys = count

    def stop(self, timeout: float = 15.0) -> int:
        try:
            return super().stop(timeout)
        finally:
            self.proxy.close()


def start_daemon(server: Dovecot, directory: Path) -> tuple[Daemon, Snapshot]:
    """Seed `server` for the real clock, start the daemon, wait for its first pass's drafts
    and for IDLE; returns it with the snapshot to compare against."""
    seed(server, datetime.now(UTC))
    daemon = Daemon(server, directory)
    daemon.wait_for_keys(len(COMPANIES) + 2, "the first pass's drafts")
    daemon.wait(lambda: "IDLE: waiting for new mail" in daemon.text(), "IDLE")
    return daemon, server.snapshot()


def late_company(n: int) -> Company:
    return Company(
        f"Quillon {n}", f"quillon{n}.example", "Nia Brown", ("Leo Fox",), timedelta(hours=1)
    )


def daemon_trial(
    daemon: Daemon, before: Snapshot, n: int, rng: random.Random, *, in_idle: bool
) -> Outcome:
    """Kill Dovecot under the daemon, either in IDLE (an invite is delivered to the Maildir
    while IMAP is down) or a moment after an invite's APPEND woke it (mid-pass); restart it
    and wait for the one new thank-you. Then: each key once, other mail unchanged, the new
    invites still unread."""
    server = daemon.server
    raw, sent = invite(late_company(n), now=datetime.now(UTC), tag=f"late-{n}")
    if in_idle:
        downtime = rng.uniform(0.0, 2.0)
        server.kill()
        server.deliver("INBOX", raw)
        time.sleep(downtime)
        what = f"daemon: Dovecot killed in IDLE, down {downtime * 1000:.0f} ms"
    else:
        server.append("INBOX", raw, msg_time=sent)
        delay = rng.uniform(0.0, 0.4)
        time.sleep(delay)
        server.kill()
        what = f"daemon: Dovecot killed {delay * 1000:.0f} ms after new mail"
    server.start()
    problems: list[str] = []
    try:
        daemon.wait_for_keys(daemon.keys + 1, "the new invite's thank-you")
    except AssertionError as error:
        last = " | ".join(daemon.text().strip().splitlines()[-3:])
        problems.append(f"{str(error).splitlines()[0]} (log: {last})")
    keys = draft_keys(server)
    problems += [f"duplicate: {count} drafts for {key}" for key, count in keys.items() if count > 1]
    after = server.snapshot()
    drafts = server.folder_names["drafts"]
    for folder in sorted(set(before) | set(after)):
        if folder in (drafts, "INBOX"):
            continue
        if before.get(folder) != after.get(folder):
            problems.append(f"changed outside Drafts: {folder}")
    inbox = after.get("INBOX", [])
    if inbox[: len(before["INBOX"])] != before["INBOX"]:
        problems.append("changed outside Drafts: INBOX")
    if any(flags for _, flags, _ in inbox[len(before["INBOX"]) :]):
        problems.append("new mail in INBOX is no longer unread")
    earlier = {uid for uid, _, _ in before[drafts]}
    if [m for m in after[drafts] if m[0] in earlier] != before[drafts]:
        problems.append("a draft that was in Drafts before changed")
    return Outcome(what, True, problems=problems)
