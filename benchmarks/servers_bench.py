"""One scenario on every IMAP server the tests run: Dovecot 2.3, Dovecot offering IMAP4rev1 alone
(standing in for old and minimal servers), Cyrus IMAP 3 (both namespaces) and Courier-IMAP 5,
all on loopback over implicit TLS.

The mailbox: an interview invite among `--filler` other messages in INBOX (newsletters with an
HTML part, plain notes, one in ten with a 150 KB PDF) and a fifth as many in Sent. Per server:

(a) drafts placed by a first `once` after the interview, and by a second one (0);
(b) the bytes the server sent in each pass (counted by a TCP proxy in front of it);
(c) the seconds each pass took (in this process, no interpreter start-up, after a warm-up
    pass; the least of `--repeats`), with TCP_NODELAY on the agent's connection as it ships,
    and with it off (Nagle's algorithm on);
(d) under `run`, with the default [daemon] settings: seconds from the APPEND of a new invite
    to its interview in the state `status` reads (median of `--samples`; polled every 10 ms).
    Without IDLE the daemon finds new mail at its planner tick (60 s by default); Courier as
    Debian ships it (IMAP_ENHANCEDIDLE=0) looks at the mailbox during IDLE every 60 s.

Every run of a pass uses a new account (Dovecot: a new server; Cyrus and Courier: reset).
Usage: .venv/bin/python benchmarks/servers_bench.py [--filler 300] [--samples 3]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from harness import Daemon, cli  # noqa: E402
from helpers import PASSWORD_ENV, imap_config, invite_eml  # noqa: E402
from servers import (  # noqa: E402
    MINIMAL_CAPABILITIES,
    PASSWORD,
    Courier,
    Cyrus,
    Dovecot,
    ImapTestServer,
    TcpProxy,
    UnpackedServer,
)

import agent.mail.imap  # noqa: E402
from agent.ingest.mailbox import interview_id  # noqa: E402

START = datetime(2026, 10, 6, 18, 0, tzinfo=UTC)
END = START + timedelta(hours=1)
SENT = datetime(2026, 10, 1, 14, 0, tzinfo=UTC)
AFTER = END + timedelta(minutes=31)
ENV = {PASSWORD_ENV: PASSWORD}

# name -> a new server (not started); Dovecot starts in 20 ms and is made anew for each account,
# Cyrus and Courier (about a second) start once and are reset.
SERVERS: dict[str, Callable[[], ImapTestServer]] = {
    "Dovecot 2.3.19": lambda: Dovecot(),
    "Dovecot, IMAP4rev1 only": lambda: Dovecot("nospecialuse", capabilities=MINIMAL_CAPABILITIES),
    "Cyrus 3.6": lambda: Cyrus(),
    "Cyrus 3.6, altnamespace": lambda: Cyrus(altnamespace=True),
    "Courier-IMAP 5.0": lambda: Courier(),
    "Courier, Debian's IDLE": lambda: Courier(enhanced_idle=False),
}


@dataclass
class Figures:
    placed: list[int] = field(default_factory=list)  # drafts in Drafts after each pass
    received: list[int] = field(default_factory=list)  # bytes from the server, each pass
    seconds: list[float] = field(default_factory=list)  # each pass, TCP_NODELAY on
    nagle_seconds: list[float] = field(default_factory=list)  # each pass, TCP_NODELAY off
    latencies: list[float] = field(default_factory=list)  # new invite -> status, under run


def filler(n: int, when: datetime) -> bytes:
    """The n-th ordinary message: a newsletter, a note, or a note with a PDF."""
    message = EmailMessage()
    message["Date"] = format_datetime(when)
    message["Message-ID"] = f"<filler-{n}@example.net>"
    message["To"] = "Alex Rivera <alex@example.com>"
    if n % 2 == 0:
        message["From"] = "Weekly Digest <news@digest.example.net>"
        message["Subject"] = f"This week in databases #{n}"
        message["List-Unsubscribe"] = f"<https://digest.example.net/u/{n}>"
        text = "Articles you may like.\n" + "A paragraph about indexes and caches. " * 60
        message.set_content(text)
        message.add_alternative(f"<html><body><p>{text}</p></body></html>", subtype="html")
    else:
        message["From"] = f"Friend {n} <friend{n}@example.org>"
        message["Subject"] = f"Photos from the weekend ({n})"
        message.set_content("Here they are, as promised.\n" + "More words. " * 40)
        if n % 10 == 1:
            pdf = bytes((n + i) % 251 for i in range(150_000))
            message.add_attachment(
                pdf, maintype="application", subtype="pdf", filename="photos.pdf"
            )
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def sent_note(n: int, when: datetime) -> bytes:
    message = EmailMessage()
    message["Date"] = format_datetime(when)
    message["Message-ID"] = f"<sent-{n}@example.com>"
    message["From"] = "Alex Rivera <alex@example.com>"
    message["To"] = f"Friend {n} <friend{n}@example.org>"
    message["Subject"] = f"Re: Photos from the weekend ({n})"
    message.set_content("Thanks, lovely.\n")
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def seed(server: ImapTestServer, count: int) -> None:
    """The invite among `count` messages in INBOX, count / 5 in Sent, dated in the 30 days
    before the invite (all within the 45-day look-back)."""
    sent_folder = server.folder_names["sent"]
    with server.client() as client:
        for n in range(count):
            when = SENT - timedelta(minutes=(count - n) * 30 * 24 * 60 // count)
            client.append("INBOX", filler(n, when), msg_time=when)
            if n % 5 == 0:
                client.append(sent_folder, sent_note(n, when), flags=["\\Seen"], msg_time=when)
        client.append("INBOX", invite_eml(start=START, end=END, sent=SENT), msg_time=SENT)


def drafts_count(server: ImapTestServer) -> int:
    with server.client() as client:
        return int(client.select_folder(server.folder_names["drafts"], readonly=True)[b"EXISTS"])


class Accounts:
    """New, seeded accounts on one kind of server: a new Dovecot each time; one Cyrus or
    Courier, reset each time."""

    def __init__(self, factory: Callable[[], ImapTestServer], count: int) -> None:
        self.factory = factory
        self.count = count
        self.kept: UnpackedServer | None = None

    @contextlib.contextmanager
    def new(self) -> Iterator[ImapTestServer]:
        server: ImapTestServer
        if self.kept is not None:
            self.kept.reset()
            server = self.kept
        else:
            server = self.factory()
            server.start()
            if isinstance(server, UnpackedServer):
                self.kept = server
        try:
            seed(server, self.count)
            yield server
        finally:
            if server is not self.kept:
                server.close()

    def close(self) -> None:
        if self.kept is not None:
            self.kept.close()


def passes(server: ImapTestServer, port: int, work: Path) -> tuple[list[float], list[int]]:
    """The two `once` passes through `port`: their seconds and the drafts after each."""
    config = imap_config(work, port=port, ca_file=server.ca_file)
    seconds, placed = [], []
    for now in (AFTER, AFTER + timedelta(minutes=5)):
        started = time.monotonic()
        result = cli(config, "once", "--now", now.isoformat(), env=ENV)
        seconds.append(time.monotonic() - started)
        if result.code != 0:
            raise RuntimeError(f"once exited {result.code}: {result.err.strip()}")
        placed.append(drafts_count(server))
    return seconds, placed


def has_interview(state: Path, wanted: str) -> bool:
    if not state.exists():
        return False
    with sqlite3.connect(f"file:{state}?mode=ro", uri=True, timeout=5) as db:
        return db.execute("SELECT 1 FROM interviews WHERE id = ?", (wanted,)).fetchone() is not None


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.01)
    raise RuntimeError(f"timed out waiting for {what}")


def latencies(server: ImapTestServer, work: Path, samples: int) -> list[float]:
    """Under `run` (default settings, real clock): new invite -> interview in the state."""
    config = imap_config(work, port=server.tls_port, ca_file=server.ca_file)
    state = work / "state.db"
    daemon = Daemon(config, work / "daemon.log", env=ENV, wait_seconds=60)
    daemon.start()
    found = []
    try:
        daemon.wait_for_log("pass (start)")
        daemon.wait(
            lambda: "IDLE: waiting" in daemon.text() or "does not support IDLE" in daemon.text(),
            "IDLE or polling",
        )
        for n in range(samples):
            now = datetime.now(UTC).replace(microsecond=0)
            uid = f"bench-{n}-{time.time_ns()}@google.com"
            raw = invite_eml(
                start=now + timedelta(hours=2),
                end=now + timedelta(hours=3),
                sent=now,
                uid=uid,
                message_id=f"<bench-{n}-{time.time_ns()}@google.com>",
            )
            wanted = interview_id(uid)
            with server.client() as client:  # connected first: time the APPEND onwards
                started = time.monotonic()
                client.append("INBOX", raw)
                wait_for(functools.partial(has_interview, state, wanted), 90, "the interview")
                found.append(time.monotonic() - started)
            time.sleep(0.5)
    finally:
        if daemon.running:
            daemon.stop()
    return found


@contextlib.contextmanager
def nagle() -> Iterator[None]:
    """The agent's connections without TCP_NODELAY, for comparison."""
    shipped = agent.mail.imap.no_delay
    agent.mail.imap.no_delay = lambda client: None
    try:
        yield
    finally:
        agent.mail.imap.no_delay = shipped


def measure(accounts: Accounts, work: Path, samples: int, repeats: int) -> Figures:
    figures = Figures()
    timings: dict[bool, list[list[float]]] = {True: [], False: []}
    for n in range(repeats):
        for shipped in (True, False):  # alternately, so neither gets the quieter moments
            with accounts.new() as server, contextlib.nullcontext() if shipped else nagle():
                seconds, placed = passes(server, server.tls_port, work / f"{shipped}-{n}")
            timings[shipped].append(seconds)
            figures.placed = figures.placed or placed
    figures.seconds = [min(run[i] for run in timings[True]) for i in range(2)]
    figures.nagle_seconds = [min(run[i] for run in timings[False]) for i in range(2)]
    with accounts.new() as server:
        proxy = TcpProxy(server.tls_port)
        try:
            config = imap_config(work / "bytes", port=proxy.port, ca_file=server.ca_file)
            for now in (AFTER, AFTER + timedelta(minutes=5)):
                before = proxy.bytes_from_server
                result = cli(config, "once", "--now", now.isoformat(), env=ENV)
                if result.code != 0:
                    raise RuntimeError(f"once exited {result.code}: {result.err.strip()}")
                figures.received.append(proxy.bytes_from_server - before)
        finally:
            proxy.close()
    with accounts.new() as server:
        figures.latencies = latencies(server, work / "run", samples)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--filler", type=int, default=300, help="other messages in INBOX")
    parser.add_argument("--samples", type=int, default=3, help="new invites under run")
    parser.add_argument("--repeats", type=int, default=3, help="timed passes (the least counts)")
    parser.add_argument("--only", help="only the servers whose name contains this")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("Cyrus and Courier run only as root (they drop to their own users)")

    results: dict[str, Figures] = {}
    for name, factory in SERVERS.items():
        if args.only and args.only not in name:
            continue
        print(f"{name}: measuring", file=sys.stderr, flush=True)
        accounts = Accounts(factory, args.filler)
        try:
            with tempfile.TemporaryDirectory(prefix="servers-bench-") as work:
                if not results:  # load the modules a pass imports, before timing one
                    with accounts.new() as server:
                        passes(server, server.tls_port, Path(work) / "warm-up")
                results[name] = measure(accounts, Path(work), args.samples, args.repeats)
        finally:
            accounts.close()

    print(
        f"{args.filler + 1} messages in INBOX (one invite), {args.filler // 5} in Sent; "
        f"pass seconds: least of {args.repeats}; run: median of {args.samples}"
    )
    header = (
        f"{'server':<24} {'drafts':>7} {'bytes 1st':>10} {'bytes 2nd':>10} "
        f"{'s 1st':>6} {'s 2nd':>6} {'Nagle 1st':>10} {'Nagle 2nd':>10} {'run: s':>7}"
    )
    print(header)
    print("-" * len(header))
    for name, f in results.items():
        placed = f"{f.placed[0]}+{f.placed[1] - f.placed[0]}"
        print(
            f"{name:<24} {placed:>7} {f.received[0]:>10,} {f.received[1]:>10,} "
            f"{f.seconds[0]:>6.2f} {f.seconds[1]:>6.2f} {f.nagle_seconds[0]:>10.2f} "
            f"{f.nagle_seconds[1]:>10.2f} {statistics.median(f.latencies):>7.2f}"
        )


if __name__ == "__main__":
    main()
