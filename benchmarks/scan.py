"""What the mail scan costs: `interview-agent once` on a two-year mailbox in a real Dovecot.

For each size (default 5,000 and 50,000 messages; see scan_corpus.py for the mix), one run:
  baseline   a bare imapclient session (TLS login, EXAMINE INBOX and Sent, UID SEARCH ALL,
             BODY.PEEK[HEADER.FIELDS (the agent's fields)] in chunks of 2,000 UIDs), median of 3;
  cold       `once` with a fresh state file and a lookback covering the two years;
  warm       `once` again on the same state with no new mail, median of 3: once the agent's
             own drafts are seen, such a pass finds nothing changed and skips planning
             (agent/settled.py); the first of them, printed apart, may still replan;
  STATUS     a bare client logging in, listing folders and asking STATUS of INBOX, Sent and
             Drafts, median of 3: the server's share of a quiet pass;
  replan     the same with the quiet-pass mark removed, median of 3: a pass that has to plan
             every interview again, as after a reply or a draft the user deleted;
  default    `once` with a fresh state file and the default 45-day lookback;
  peak       the agent process's peak resident memory (ru_maxrss), the largest of its runs.
The agent runs in a child process that imports the package (and the holidays country modules
its config check loads) first, so a time is the pass itself (config, state, connect, sync,
plan, place), not interpreter start-up and imports; the warm pass's wall time with them is
printed too. Before timing,
Dovecot indexes every folder (EXAMINE) and one untimed baseline and one untimed agent pass
(throwaway state) run, so both timed sides meet a server whose index and cache are warm;
those first-touch times are printed too.

Usage: .venv/bin/python benchmarks/scan.py [--sizes 5000,50000] [--quick] [--keep]
       [--now ISO] [--profile DIR]   (--profile: extra cProfile'd cold and warm passes)
Other work on the machine shows in the timings: run it on a quiet machine for figures to quote.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import pwd
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT), str(ROOT / "benchmarks")]

from helpers import PASSWORD_ENV, imap_config  # noqa: E402
from imapclient import IMAPClient  # noqa: E402
from scan_corpus import Generator, write_maildir  # noqa: E402
from servers import HOST, PASSWORD, USER, Dovecot  # noqa: E402

from agent.mail import mime  # noqa: E402

NOW = "2025-03-14T17:00:00+00:00"
FOLDERS = ("INBOX", "Sent")  # what the agent reads (agent/sync.py: inbox and sent roles)
CHUNK = 2000  # UIDs per FETCH: ~15 KB command lines, well under Dovecot's 64 KiB
HEADER_ITEM = "BODY.PEEK[HEADER.FIELDS ({})]".format(" ".join(mime.HEADER_FIELDS).upper())
KEEP_DIR = Path(tempfile.gettempdir()) / "interview-agent-scan"

CHILD = """
import cProfile, json, resource, sys, time
import holidays.countries  # config validation loads every country module: an import cost
from agent import app, calendars, cli  # import first
from agent.compose import draft as compose  # import first
from agent.mail import imap as imapstore  # import first
from agent.placing import placer as place  # import first
from agent.planning import planner  # import first
from agent.ingest import mailbox as sync  # import first
argv, out, profile = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
started = time.perf_counter()
if profile:
    box = {}
    cProfile.runctx("box['code'] = cli.main(argv)", globals(), locals(), profile)
    code = box["code"]
else:
    code = cli.main(argv)
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
with open(out, "w") as f:
    json.dump({"code": code, "seconds": elapsed, "peak_mib": peak}, f)
"""


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "?",
    )
    mem = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    dovecot = subprocess.run(["dovecot", "--version"], capture_output=True, text=True).stdout
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem / 1024 / 1024:.0f} GiB RAM, Python "
        f"{platform.python_version()}, Dovecot {dovecot.split()[0] if dovecot else '?'}, "
        f"load average {os.getloadavg()[0]:.1f} at start"
    )


def owner() -> tuple[int, int] | None:
    if os.geteuid() != 0:
        return None
    entry = pwd.getpwnam("dovecot")  # servers.py runs mail processes as dovecot under root
    return entry.pw_uid, entry.pw_gid


def seed(dovecot: Dovecot, size: int, now: datetime, keep: bool) -> str:
    """Put the mailbox in place: generate it, or reuse a kept one. Returns a description."""
    target = dovecot.maildir_path
    target.parent.mkdir(parents=True, exist_ok=True)
    if owner() is not None:
        os.chown(target.parent, *owner())  # type: ignore[misc]
    kept = KEEP_DIR / f"{size}-{now:%Y%m%d}"
    if keep and (kept / ".complete").exists():
        target.symlink_to(kept)
        return f"reused {kept}"
    started = time.monotonic()
    mails = Generator(size, now, seed=size).mails()
    where = kept if keep else target
    if keep:
        shutil.rmtree(kept, ignore_errors=True)
    written = write_maildir(where, mails, owner())
    if keep:
        (kept / ".complete").touch()
        target.symlink_to(kept)
    counts = {f: sum(1 for m in mails if m.folder == f) for f in FOLDERS}
    return (
        f"generated {counts['INBOX']:,} INBOX + {counts['Sent']:,} Sent, "
        f"{written / 1e6:,.0f} MB, in {time.monotonic() - started:.1f} s"
    )


def client(dovecot: Dovecot) -> IMAPClient:
    imap = IMAPClient(
        HOST, port=dovecot.tls_port, ssl=True, ssl_context=dovecot.ssl_context(), timeout=600
    )
    imap.login(USER, PASSWORD)
    return imap


def index(dovecot: Dovecot) -> float:
    """EXAMINE each folder once: Dovecot reads the Maildir and builds its index."""
    started = time.perf_counter()
    with client(dovecot) as imap:
        for folder in FOLDERS:
            imap.select_folder(folder, readonly=True)
    return time.perf_counter() - started


def baseline(dovecot: Dovecot) -> tuple[float, int]:
    """A bare fetch of the agent's header fields for every message; (seconds, messages)."""
    started = time.perf_counter()
    seen = 0
    with client(dovecot) as imap:
        for folder in FOLDERS:
            info = imap.select_folder(folder, readonly=True)
            if not info.get(b"EXISTS"):
                continue
            uids = sorted(imap.search(["ALL"]))
            for start in range(0, len(uids), CHUNK):
                seen += len(imap.fetch(uids[start : start + CHUNK], [HEADER_ITEM]))
    return time.perf_counter() - started, seen


def status_floor(dovecot: Dovecot) -> float:
    """The least a client can do to learn that nothing changed: log in, list the folders and
    ask STATUS of INBOX, Sent and Drafts (what a quiet pass asks of the server)."""
    started = time.perf_counter()
    with client(dovecot) as imap:
        imap.list_folders()
        for folder in (*FOLDERS, "Drafts"):
            imap.folder_status(folder, [b"UIDVALIDITY", b"UIDNEXT", b"MESSAGES"])
    return time.perf_counter() - started


def agent(config: Path, now: str, work: Path, profile: Path | None = None) -> dict[str, Any]:
    """One `once` pass in a child process; its seconds, peak MiB and wall time with start-up."""
    out = work / "result.json"
    argv = ["--config", str(config), "once", "--now", now]
    env = {**os.environ, PASSWORD_ENV: PASSWORD}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(argv), str(out), str(profile or "")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    result: dict[str, Any] = json.loads(out.read_text())
    if done.returncode != 0 or result["code"] != 0:
        raise RuntimeError(f"agent pass failed ({result['code']}): {done.stderr[-2000:]}")
    result["wall"] = wall
    result["said"] = done.stdout.strip().splitlines()[-1]
    return result


def forget_settled(state: Path) -> None:
    """Remove the mark that lets a pass with nothing new skip planning (agent/settled.py)."""
    with contextlib.closing(sqlite3.connect(state)) as conn, conn:
        conn.execute("DELETE FROM meta WHERE key = 'settled'")


def measure(size: int, now: datetime, args: argparse.Namespace) -> dict[str, Any]:
    dovecot = Dovecot()
    work = Path(tempfile.mkdtemp(prefix="scan-"))
    row: dict[str, Any] = {"size": size}
    try:
        row["store"] = seed(dovecot, size, now, args.keep)
        dovecot.start()
        row["index"] = index(dovecot)
        row["baseline_first"], row["fetched"] = baseline(dovecot)

        def config(name: str, lookback: int | None) -> Path:
            sync = f"\n[sync]\nlookback_days = {lookback}\n" if lookback else ""
            path: Path = imap_config(
                work / name, port=dovecot.tls_port, ca_file=dovecot.ca_file, extra=sync
            )
            return path

        full = 2 * 366 + 10
        row["agent_first"] = agent(config("warmup", full), args.now, work)["seconds"]
        row["baseline"] = statistics.median(baseline(dovecot)[0] for _ in range(3))
        row["floor"] = statistics.median(status_floor(dovecot) for _ in range(3))
        cold_config = config("cold", full)
        cold = agent(cold_config, args.now, work)
        warm = [agent(cold_config, args.now, work) for _ in range(4)]
        replans = []
        for _ in range(3):
            forget_settled(cold_config.parent / "state.db")
            replans.append(agent(cold_config, args.now, work))
        default = agent(config("default", None), args.now, work)
        if args.profile and size == max(args.sizes):  # extra runs: profiling slows them
            args.profile.mkdir(parents=True, exist_ok=True)
            profiled = config("profile", full)
            for name in ("cold", "warm"):
                agent(profiled, args.now, work, args.profile / f"{name}-{size}.prof")
        row.update(
            cold=cold["seconds"],
            cold_said=cold["said"],
            warm_first=warm[0]["seconds"],
            warm_first_said=warm[0]["said"],
            warm=statistics.median(w["seconds"] for w in warm[1:]),
            warm_said=warm[-1]["said"],
            warm_wall=statistics.median(w["wall"] for w in warm[1:]),
            replan=statistics.median(r["seconds"] for r in replans),
            default=default["seconds"],
            default_said=default["said"],
            peak=max(r["peak_mib"] for r in (cold, *warm, *replans, default)),
        )
    finally:
        dovecot.close()
        shutil.rmtree(work, ignore_errors=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,50000", help="comma-separated message counts")
    parser.add_argument("--quick", action="store_true", help="2,000 and 5,000 messages")
    parser.add_argument(
        "--keep",
        action="store_true",
        help=f"keep the generated mailboxes under {KEEP_DIR} and reuse them",
    )
    parser.add_argument("--now", default=NOW, help="the agent's clock and the corpus's end")
    parser.add_argument("--profile", type=Path, help="write cProfile stats of the largest size")
    args = parser.parse_args()
    args.sizes = [2000, 5000] if args.quick else [int(s) for s in args.sizes.split(",")]
    now = datetime.fromisoformat(args.now)
    print(f"machine: {machine()}")
    rows = []
    for size in args.sizes:
        row = measure(size, now, args)
        rows.append(row)
        print(
            f"{size:,} messages: {row['store']}; EXAMINE indexing {row['index']:.2f} s; "
            f"first touch: baseline {row['baseline_first']:.2f} s ({row['fetched']:,} "
            f"messages), agent {row['agent_first']:.2f} s"
        )
        print(f"  cold: {row['cold_said']}; 45-day default: {row['default_said']}")
        print(
            f"  first warm pass {row['warm_first']:.3f} s ({row['warm_first_said']}); then "
            f"{row['warm_said']}; warm wall time with interpreter start-up "
            f"{row['warm_wall']:.2f} s"
        )
    print("\nserver index and cache warm for both sides; times exclude interpreter start-up")
    header = (
        "size",
        "baseline s",
        "cold s",
        "cold ratio",
        "45-day s",
        "45-day ratio",
        "warm s",
        "STATUS s",
        "replan s",
        "peak MiB",
    )
    print("  ".join(f"{h:>12}" for h in header))
    for row in rows:
        cells = (
            f"{row['size']:,}",
            f"{row['baseline']:.2f}",
            f"{row['cold']:.2f}",
            f"{row['cold'] / row['baseline']:.2f}x",
            f"{row['default']:.2f}",
            f"{row['default'] / row['baseline']:.2f}x",
            f"{row['warm']:.3f}",
            f"{row['floor']:.3f}",
            f"{row['replan']:.3f}",
            f"{row['peak']:.0f}",
        )
        print("  ".join(f"{c:>12}" for c in cells))
    print("targets: cold ratio <= 1.0x, warm <= 0.2 s and flat, peak <= 150 MiB")


if __name__ == "__main__":
    main()
