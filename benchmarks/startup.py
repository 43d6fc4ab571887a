"""How long `interview-agent` takes to start, side by side with a bare Python (issue 11).

Three commands take turns, 15 runs each by default (interleaved, so whatever else loads the
machine weighs on all three alike), after `python -m compileall` of the package and with
PYTHONDONTWRITEBYTECODE unset for the children, so every run reads compiled bytecode as an
installed program does:

- bare: `python -c "import argparse, email, json, logging, sqlite3, tomllib, zoneinfo"`, the
  standard library a command line like this one cannot do without;
- `interview-agent --help`;
- `interview-agent status` on a small Maildir: a copy of the demo mailbox after one `once` pass,
  so the state holds its interviews and their follow-ups.

Prints each median in seconds and its ratio to the bare start, against the targets: `--help`
within 3x, `status` within 5x. Usage:
    .venv/bin/python benchmarks/startup.py [--runs N] [--check]   (--check: exit 1 on a miss)
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from agent.demo import DEMO_NOW, build_mailbox  # noqa: E402

BARE_IMPORTS = "import argparse, email, json, logging, sqlite3, tomllib, zoneinfo"
CONFIG = """\
[me]
name = "Alex Rivera"
email = "alex@example.com"
timezone = "America/New_York"
country = "US"

[maildir]
path = "{mailbox}"

[state]
path = "{state}"
"""


def program() -> str:
    """The installed `interview-agent` beside this Python (the console script a user runs)."""
    found = Path(sys.executable).parent / "interview-agent"
    if not found.exists():
        raise SystemExit(f"{found} is missing: install the project first (`make` does)")
    return str(found)


def children_environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def compile_package(env: dict[str, str]) -> None:
    spec = importlib.util.find_spec("agent")
    assert spec is not None and spec.submodule_search_locations is not None
    for location in spec.submodule_search_locations:
        subprocess.run([sys.executable, "-m", "compileall", "-q", location], env=env, check=True)


def run(argv: Sequence[str], env: dict[str, str]) -> str:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.strip()}")
    return done.stdout


def seconds(argv: Sequence[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}")
    return elapsed


def demo_account(work: Path, env: dict[str, str]) -> tuple[Path, int]:
    """A config on a copy of the demo mailbox after one pass; its interview count."""
    mailbox = build_mailbox(work / "Mail")
    config = work / "config.toml"
    config.write_text(CONFIG.format(mailbox=mailbox, state=work / "state.db"))
    run([program(), "--config", str(config), "once", "--now", DEMO_NOW], env)
    shown = json.loads(run([program(), "--config", str(config), "status", "--json"], env))
    return config, len(shown["interviews"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    options = parser.parse_args()

    env = children_environment()
    compile_package(env)
    with tempfile.TemporaryDirectory(prefix="startup-bench-") as scratch:
        config, interviews = demo_account(Path(scratch), env)
        cases = [
            (f"bare python ({BARE_IMPORTS[7:]})", [sys.executable, "-c", BARE_IMPORTS], None),
            ("interview-agent --help", [program(), "--help"], 3.0),
            (
                f"interview-agent status (Maildir, {interviews} interviews)",
                [program(), "--config", str(config), "status"],
                5.0,
            ),
        ]
        for _, argv, _ in cases:  # once each first: file caches warm, nothing left to compile
            seconds(argv, env)
        times: list[list[float]] = [[] for _ in cases]
        for _ in range(options.runs):
            for index, (_, argv, _) in enumerate(cases):
                times[index].append(seconds(argv, env))

    medians = [statistics.median(values) for values in times]
    width = max(len(name) for name, _, _ in cases)
    python = sys.version.split()[0]
    print(f"start-up, median of {options.runs} interleaved runs each, Python {python}")
    missed = False
    for (name, _, target), median, values in zip(cases, medians, times, strict=True):
        ratio = median / medians[0]
        verdict = ""
        if target is not None:
            missed |= ratio > target
            verdict = f"target {target:.0f}x: {'ok' if ratio <= target else 'MISSED'}"
        spread = f"min {min(values):.3f} max {max(values):.3f}"
        print(f"  {name:<{width}}  {median:6.3f} s  {ratio:5.2f}x  {spread}  {verdict}")
    return 1 if options.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
