"""What the daemon costs: `interview-agent run` against a real Dovecot on loopback (implicit TLS).

(a) seconds from the APPEND of an invite to its interview in the state file `status` reads
    (median of 5; polled every 10 ms; the last one is also checked with `status --json`);
(b) CPU seconds the idle daemon uses over 60 s (utime + stime from /proc/<pid>/stat);
(c) its peak resident memory (VmHWM from /proc/<pid>/status).

The daemon runs with the default [daemon] settings (planner tick 60 s, Sent poll 120 s, IDLE
renewed every 9 min). Usage: .venv/bin/python benchmarks/daemon_bench.py [--idle-seconds N]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from harness import Daemon, child  # noqa: E402
from helpers import PASSWORD_ENV, imap_config, invite_eml  # noqa: E402
from servers import PASSWORD, Dovecot  # noqa: E402

from agent.ingest.mailbox import interview_id  # noqa: E402

SAMPLES = 5


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def wait_for(predicate: object, timeout: float, what: str, interval: float = 0.01) -> None:
    assert callable(predicate)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise RuntimeError(f"timed out waiting for {what}")


def has_interview(state: Path, wanted: str) -> bool:
    if not state.exists():
        return False
    with sqlite3.connect(f"file:{state}?mode=ro", uri=True, timeout=5) as db:
        row = db.execute("SELECT 1 FROM interviews WHERE id = ?", (wanted,)).fetchone()
    return row is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle-seconds", type=float, default=60.0)
    args = parser.parse_args()

    dovecot = Dovecot()
    dovecot.start()
    work = Path(tempfile.mkdtemp(prefix="daemon-bench-"))
    config = imap_config(work / "config", port=dovecot.tls_port, ca_file=dovecot.ca_file)
    state = work / "config" / "state.db"
    env = {PASSWORD_ENV: PASSWORD}
    daemon = Daemon(config, work / "daemon.log", env=env)
    daemon.start()
    assert daemon.proc is not None
    try:
        daemon.wait(lambda: "IDLE: waiting" in daemon.text(), "IDLE")
        latencies = []
        uid = ""
        for n in range(SAMPLES):
            now = datetime.now(UTC).replace(microsecond=0)
            uid = f"bench-{n}-{time.time_ns()}@google.com"
            raw = invite_eml(
                start=now + timedelta(hours=2),
                end=now + timedelta(hours=3),
                sent=now,
                uid=uid,
                message_id=f"<bench-{n}-{time.time_ns()}@x>",
            )
            wanted = interview_id(uid)
            with dovecot.client() as client:  # connect first: time the APPEND alone
                started = time.monotonic()
                client.append("INBOX", raw)
                wait_for(lambda w=wanted: has_interview(state, w), 30, "the interview")
                latencies.append(time.monotonic() - started)
            time.sleep(1)
        done = child(config, "status", "--json", env=env)
        assert done.code == 0, done.err
        shown = json.loads(done.out)
        assert interview_id(uid) in {i["id"] for i in shown["interviews"]}

        time.sleep(2)
        before = cpu_seconds(daemon.proc.pid)
        time.sleep(args.idle_seconds)
        idle_cpu = cpu_seconds(daemon.proc.pid) - before
        peak = peak_rss_mib(daemon.proc.pid)

        stop_started = time.monotonic()
        code = daemon.stop(timeout=10)
        stop_seconds = time.monotonic() - stop_started
    finally:
        if daemon.running:
            daemon.proc.kill()
            daemon.proc.wait()
        dovecot.close()

    rows = [
        (
            "new invite -> interview in status, median of 5",
            f"{statistics.median(latencies):.3f} s",
            f"min {min(latencies):.3f} / max {max(latencies):.3f} s",
        ),
        (
            f"CPU used while idle over {args.idle_seconds:.0f} s",
            f"{idle_cpu:.2f} s",
            f"{100 * idle_cpu / args.idle_seconds:.2f} % of one core",
        ),
        ("peak resident memory (VmHWM)", f"{peak:.1f} MiB", ""),
        ("SIGTERM -> exit", f"{stop_seconds:.2f} s", f"exit code {code}"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>10}  note")
    print(f"{'-' * width}  {'-' * 10}  {'-' * 28}")
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>10}  {note}")


if __name__ == "__main__":
    main()
