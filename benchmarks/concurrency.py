"""Concurrency: the trials of tests/test_concurrency.py, many times over, against real Dovecots
and Maildirs.

Each trial starts two `interview-agent once` processes at the same moment over a mailbox that
yields seven drafts (five interviews: thank-yous and check-ins):

(a) one state file, the state new or already holding the mailbox (a timer's pass meeting a
    manual one): the second waits for the state lock, then finds every draft in place;
(b) two state files, new or existing (two machines with one account): both may APPEND the same
    key; each searches Drafts again after its APPEND, and the process whose copy came second
    (the higher UID) removes it;
(c) a Maildir, with one state file and with two (the same rule by file name).

After each trial: every key in Drafts exactly once (no duplicate, none lost), nothing outside
Drafts changed, both processes exited 0 or 75 ("a pass is running", after waiting its bound)
without a traceback, and every state says drafted with no intent pending. Prints the trials
run, how often both placed the same key (a second copy removed), how often a process gave up
waiting, the duplicates found and every violation; exits 1 on any violation, 2 when a trial
could not be completed.

Usage: .venv/bin/python benchmarks/concurrency.py [--trials 100] [--maildir-trials 50]
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from races import Trial, imap_trial, maildir_trial, reference, seed_maildir  # noqa: E402
from servers import ServerError  # noqa: E402


class Tally:
    def __init__(self) -> None:
        self.started = time.monotonic()
        self.runs: Counter[str] = Counter()
        self.raced: Counter[str] = Counter()  # trials in which a second copy was removed
        self.removed: Counter[str] = Counter()  # second copies removed
        self.waited: Counter[str] = Counter()  # processes that gave up waiting (exit 75)
        self.duplicates: Counter[str] = Counter()  # keys found in Drafts twice after a trial
        self.violations: list[Trial] = []
        self.errors: list[str] = []

    def add(self, kind: str, trial: Trial) -> None:
        self.runs[kind] += 1
        self.raced[kind] += trial.removed > 0
        self.removed[kind] += trial.removed
        self.waited[kind] += trial.waited
        self.duplicates[kind] += trial.duplicates
        if trial.problems:
            self.violations.append(trial)
            print(f"VIOLATION ({trial.what}):", file=sys.stderr)
            for problem in trial.problems:
                print(f"  {problem}", file=sys.stderr)


def run(kind: str, count: int, trial: Callable[[int, Path], Trial], tally: Tally) -> None:
    for n in range(count):
        with tempfile.TemporaryDirectory(prefix="concurrency-") as directory:
            try:
                tally.add(kind, trial(n, Path(directory)))
            except (AssertionError, ServerError, OSError) as error:
                tally.errors.append(f"{kind}, trial {n}: {' '.join(str(error).split())[:500]}")
                print(f"ERROR {tally.errors[-1]}", file=sys.stderr)
        if (n + 1) % 20 == 0 or n + 1 == count:
            print(
                f"{kind}: {n + 1}/{count} trials, {len(tally.violations)} violations, "
                f"{time.monotonic() - tally.started:.0f} s",
                flush=True,
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100, help="IMAP trials of each kind (100)")
    parser.add_argument("--maildir-trials", type=int, default=50, help="Maildir, each kind (50)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up the servers
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="concurrency-") as directory:
        expected = reference(Path(directory) / "reference")
        template = seed_maildir(Path(directory) / "Mail")
        print(f"reference pass: {len(expected.keys)} drafts")
        for shared in (True, False):

            def imap(n: int, root: Path, shared: bool = shared) -> Trial:
                return imap_trial(root, expected, shared=shared, existing=n % 2 == 1)

            def maildir(n: int, root: Path, shared: bool = shared) -> Trial:
                return maildir_trial(root, template, expected, shared=shared)

            state = "one state file" if shared else "two state files"
            run(f"IMAP, {state}", args.trials, imap, tally)
            run(f"Maildir, {state}", args.maildir_trials, maildir, tally)
    print(f"{'kind':28} {'trials':>6} {'raced':>6} {'removed':>8} {'gave up':>8} {'dups':>5}")
    for kind, count in tally.runs.items():
        print(
            f"{kind:28} {count:6} {tally.raced[kind]:6} {tally.removed[kind]:8} "
            f"{tally.waited[kind]:8} {tally.duplicates[kind]:5}"
        )
    print(
        "raced: trials in which both processes placed a key and one removed its copy; "
        "gave up: processes that waited for the lock longer than their bound (exit 75)"
    )
    total, duplicates = sum(tally.runs.values()), sum(tally.duplicates.values())
    print(f"trials run: {total}; duplicates found: {duplicates}")
    print(f"violations: {len(tally.violations)}")
    for trial in tally.violations:
        print(f"  {trial.what}: {'; '.join(trial.problems)}")
    print(f"errors (trials that could not be completed): {len(tally.errors)}")
    for error in tally.errors:
        print(f"  {error}")
    print(f"elapsed: {time.monotonic() - tally.started:.0f} s")
    return 1 if tally.violations else 2 if tally.errors else 0


if __name__ == "__main__":
    sys.exit(main())
