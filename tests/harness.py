"""The one way tests (and the benchmarks built on them) run the command line and the daemon.

- `Cli` and `cli`: `interview-agent [--config PATH] ARGS` in this process, stdout and stderr
  captured: no interpreter start-up, so most end-to-end tests use it.
- `child`, `measured_child` and `start_child`: the same as a separate process (`python -m
  agent`), as a shell or systemd runs it: for exit paths, signals, kills, memory and umask.
- `Daemon`: `interview-agent -v run` as a separate process whose output goes to a log file,
  with waiting on that log (or on anything else) and a clean SIGTERM stop.

`env` arguments are variables set on top of this process's environment, never a whole new one.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any, NamedTuple

from agent.cli import main

AGENT = (sys.executable, "-m", "agent")


class Result(NamedTuple):
    code: int
    out: str
    err: str


def arguments(config: Path | None, args: Sequence[str], *, verbose: bool = False) -> list[str]:
    """`--config PATH` (when given), `-v` (when asked) and the command with its options."""
    return [*(["--config", str(config)] if config else []), *(["-v"] if verbose else []), *args]


@contextlib.contextmanager
def environment(env: Mapping[str, str]) -> Iterator[None]:
    """This process's environment with `env` set, as it was again afterwards."""
    previous = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def cli(config: Path | None, *args: str, env: Mapping[str, str] | None = None) -> Result:
    """`interview-agent [--config CONFIG] ARGS` in this process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with (
        environment(env or {}),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        code = main(arguments(config, args))
    return Result(code, out.getvalue(), err.getvalue())


class Cli:
    """The command line for one config file, run in this process (`env` set during each run)."""

    def __init__(self, config: Path, env: Mapping[str, str] | None = None) -> None:
        self.config = config
        self.env = dict(env or {})

    def run(self, *args: str) -> Result:
        return cli(self.config, *args, env=self.env)

    def ok(self, *args: str) -> str:
        """Run a command that must succeed; its stdout."""
        code, out, err = self.run(*args)
        if code != 0:
            raise AssertionError(f"{args[0]} exited {code}: {err.strip()}")
        return out

    def once(self, now: datetime) -> None:
        self.ok("once", "--now", now.isoformat())

    def status(self, now: datetime | None = None) -> dict[str, Any]:
        """`status --json` (at `now`, else by the real clock), parsed."""
        result: dict[str, Any] = json.loads(
            self.ok("status", "--json", *(["--now", now.isoformat()] if now else []))
        )
        return result


def command(config: Path | None, *args: str, verbose: bool = False) -> list[str]:
    """The argv of `interview-agent` as a child process."""
    return [*AGENT, *arguments(config, args, verbose=verbose)]


def child(
    config: Path | None,
    *args: str,
    env: Mapping[str, str] | None = None,
    verbose: bool = False,
    cwd: Path | None = None,
    timeout: float = 60.0,
) -> Result:
    """`interview-agent [--config CONFIG] [-v] ARGS` as a child process, to its end."""
    done = subprocess.run(
        command(config, *args, verbose=verbose),
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=timeout,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


# Peak RSS through a small launcher: a child's ru_maxrss counts the memory of the process it
# was forked from, so forking the agent straight from pytest would report pytest's size.
LAUNCHER = """import os, sys
os.umask(int(sys.argv[2], 8))
pid = os.posix_spawn(sys.executable, [sys.executable, *sys.argv[3:]], os.environ)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as report:
    report.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def measured_child(
    config: Path | None,
    *args: str,
    env: Mapping[str, str] | None = None,
    verbose: bool = False,
    umask: int = 0o022,
    timeout: float = 600.0,
) -> tuple[Result, int]:
    """`child`, started under `umask`, and the agent's peak RSS in KiB."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "maxrss"
        done = subprocess.run(
            [
                sys.executable,
                "-S",
                "-c",
                LAUNCHER,
                str(report),
                f"{umask:o}",
                *command(config, *args, verbose=verbose)[1:],
            ],
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            timeout=timeout,
            check=False,
        )
        return Result(done.returncode, done.stdout, done.stderr), int(report.read_text())


def start_child(
    config: Path | None,
    *args: str,
    env: Mapping[str, str] | None = None,
    verbose: bool = False,
    stdout: int | IO[bytes] = subprocess.DEVNULL,
    stderr: int | IO[bytes] = subprocess.PIPE,
) -> subprocess.Popen[bytes]:
    """`interview-agent ...` started as a child process and left running: the one thing a
    signal (SIGKILL, SIGTERM) can be sent to."""
    return subprocess.Popen(
        command(config, *args, verbose=verbose),
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=stderr,
        env={**os.environ, **(env or {})},
    )


class Daemon:
    """`interview-agent -v --config CONFIG run` as a child process with the real clock; what it
    says (stdout and stderr) is appended to `log`. `env` may be changed before `start()`."""

    def __init__(
        self,
        config: Path,
        log: Path,
        *,
        env: Mapping[str, str] | None = None,
        wait_seconds: float = 30.0,
        poll_seconds: float = 0.2,
    ) -> None:
        self.config = config
        self.log = log
        self.env = {**(env or {}), "PYTHONUNBUFFERED": "1"}
        self.wait_seconds = wait_seconds
        self.poll_seconds = poll_seconds
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = start_child(
                self.config, "run", env=self.env, verbose=True, stdout=log, stderr=subprocess.STDOUT
            )

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal(self, number: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(number)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait(self, done: Callable[[], bool], what: str) -> None:
        """Until `done()`; fails when the daemon exits first or `wait_seconds` pass."""
        deadline = time.monotonic() + self.wait_seconds
        while time.monotonic() < deadline:
            if done():
                return
            if not self.running:
                raise AssertionError(f"the daemon exited while waiting for {what}:\n{self.text()}")
            time.sleep(self.poll_seconds)
        raise AssertionError(f"no {what} within {self.wait_seconds:.0f} s; log:\n{self.text()}")

    def wait_for_log(self, needle: str, *, count: int = 1) -> None:
        self.wait(lambda: self.text().count(needle) >= count, f"log line {needle!r}")

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM (unless it has exited) and its exit code; killed, and an error, when it
        does not stop within `timeout` seconds."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise
