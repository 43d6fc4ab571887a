"""Soak: the fault trials of tests/test_faults.py, many times over, against real Dovecots.

(a) SIGKILL trials: `interview-agent once` over a mailbox that yields seven drafts (five
    interviews: thank-yous and check-ins) is killed -9 at a random moment of its IMAP work
    (every fourth trial twice; in one trial of ten the state file is then deleted, in another
    the server renumbers INBOX and Drafts with a new UIDVALIDITY), then run to completion;
(b) server trials: Dovecot is killed -9 at a random moment of a pass, restarted, and the pass
    run again;
(c) daemon trials: under one `interview-agent run`, Dovecot is killed in IDLE (an invite is
    delivered to the Maildir while it is down) or right after new mail woke the daemon, then
    restarted; the daemon must reconnect and draft the new thank-you once.

After each trial: every draft in Drafts exactly once (no duplicate, none lost), nothing outside
Drafts changed (flags included), the state says drafted with no intent left pending. Prints the
trials run, where the kills landed, every violation with its details and the elapsed time;
exits 1 on any violation, 2 when a trial could not be completed (a run that failed or never
connected: listed as an error, with its output).

Usage: .venv/bin/python benchmarks/soak.py [--trials 200] [--server-trials 20]
       [--daemon-trials 20] [--seed N]
"""

from __future__ import annotations

import argparse
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from faults import (  # noqa: E402
    AFTERMATHS,
    Lab,
    Outcome,
    daemon_trial,
    server_kill_trial,
    sigkill_trial,
    start_daemon,
)
from servers import Dovecot, ServerError  # noqa: E402


class Tally:
    def __init__(self) -> None:
        self.started = time.monotonic()
        self.runs: Counter[str] = Counter()
        self.interrupted: Counter[str] = Counter()
        self.drafts_at_kill: Counter[int] = Counter()
        self.pending_at_kill = 0
        self.violations: list[tuple[str, Outcome]] = []
        self.errors: list[tuple[str, str]] = []  # trials the harness could not finish

    def add(self, kind: str, outcome: Outcome) -> None:
        self.runs[kind] += 1
        self.interrupted[kind] += outcome.interrupted
        if kind != "daemon":
            self.drafts_at_kill[outcome.drafts_at_kill] += 1
            self.pending_at_kill += outcome.pending_at_kill > 0
        if outcome.problems:
            self.violations.append((kind, outcome))
            print(f"VIOLATION ({kind}, {outcome.what}):", file=sys.stderr)
            for problem in outcome.problems:
                print(f"  {problem}", file=sys.stderr)

    def elapsed(self) -> float:
        return time.monotonic() - self.started


def run(kind: str, count: int, trial: Callable[[int], Outcome], tally: Tally) -> None:
    for n in range(count):
        try:
            tally.add(kind, trial(n))
        except (AssertionError, ServerError, OSError) as error:  # not counted: see errors
            tally.errors.append((kind, f"trial {n}: {' '.join(str(error).split())[:500]}"))
            print(f"ERROR ({kind}, trial {n}): {tally.errors[-1][1]}", file=sys.stderr)
        if (n + 1) % 20 == 0 or n + 1 == count:
            print(
                f"{kind}: {n + 1}/{count} trials, {len(tally.violations)} violations, "
                f"{len(tally.errors)} errors, {tally.elapsed():.0f} s",
                flush=True,
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200, help="SIGKILL trials (200)")
    parser.add_argument(
        "--server-trials", type=int, default=20, help="Dovecot killed mid-pass under `once` (20)"
    )
    parser.add_argument(
        "--daemon-trials", type=int, default=20, help="Dovecot killed under the daemon (20)"
    )
    parser.add_argument("--seed", type=int, default=20261013)
    args = parser.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up the servers
    rng = random.Random(args.seed)
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="soak-") as directory:
        lab = Lab(Path(directory))
        expected = lab.reference()
        print(
            f"reference pass: {len(expected.keys)} drafts, IMAP work {expected.window:.2f} s;"
            f" kills drawn from [0, {expected.window:.2f}] s after the first connection"
        )
        run(
            "sigkill",
            args.trials,
            lambda n: sigkill_trial(
                lab,
                expected,
                rng,
                kills=2 if n % 4 == 3 else 1,
                then=AFTERMATHS[n % 10 - 7] if n % 10 > 7 else "",
            ),
            tally,
        )
        run("server", args.server_trials, lambda n: server_kill_trial(lab, expected, rng), tally)
        if args.daemon_trials:
            server = Dovecot()
            server.start()
            try:
                daemon, before = start_daemon(server, Path(directory) / "daemon")
                try:
                    run(
                        "daemon",
                        args.daemon_trials,
                        lambda n: daemon_trial(daemon, before, n, rng, in_idle=n % 2 == 0),
                        tally,
                    )
                finally:
                    code = daemon.stop()
                if code != 0 or "Traceback" in daemon.text():
                    tally.violations.append(
                        (
                            "daemon",
                            Outcome(
                                "daemon exit",
                                problems=[
                                    f"exit {code}; traceback in its log"
                                    if "Traceback" in daemon.text()
                                    else f"exit {code}"
                                ],
                            ),
                        )
                    )
            finally:
                server.close()

    trials = sum(tally.runs.values())
    print(f"trials run: {trials} ({', '.join(f'{k} {v}' for k, v in tally.runs.items())})")
    print(
        "kills that landed before the pass ended: "
        + ", ".join(
            f"{k} {tally.interrupted[k]}/{tally.runs[k]}" for k in tally.runs if k != "daemon"
        )
    )
    landed = ", ".join(f"{k}: {v}" for k, v in sorted(tally.drafts_at_kill.items()))
    print(f"drafts already placed when the pass died -> trials: {landed}")
    print(f"trials whose kill left an intent pending (APPEND unconfirmed): {tally.pending_at_kill}")
    print(f"violations: {len(tally.violations)}")
    for kind, outcome in tally.violations:
        print(f"  {kind}: {outcome.what}: {'; '.join(outcome.problems)}")
    print(f"errors (trials that could not be completed, not counted above): {len(tally.errors)}")
    for kind, error in tally.errors:
        print(f"  {kind}: {error}")
    print(f"elapsed: {tally.elapsed():.0f} s")
    return 1 if tally.violations else 2 if tally.errors else 0


if __name__ == "__main__":
    sys.exit(main())
