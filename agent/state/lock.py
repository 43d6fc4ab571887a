"""One instance per state file on a machine: an exclusive `flock(2)` on `<state file>.lock`.

A pass (`once`, each pass of the daemon) reads the mailbox, decides, searches Drafts, writes
its intent and APPENDs; two processes doing that at once on one state file could both decide
to place the same draft. So whoever writes holds the lock for the length of its work:
`once` for its pass, `run` for the daemon's whole life (a second daemon on the same state is
a mistake, and stops at once naming the first). Commands that only read (`status`,
`preview`, `once --dry-run`) never take it, and so never wait.

The lock file (mode 0600, beside the state file) holds the holder's pid and command, so the
one who waits can say who holds it. The kernel drops the lock when its holder dies, even by
SIGKILL: there is no stale lock to clean up. (This is the `flock` of mbsync and vdirsyncer; it
does not reach across machines: there, the search for each key in Drafts after every APPEND
removes a second copy.)
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from pathlib import Path
from types import TracebackType

from agent.errors import StateBusy, StateError

POLL_SECONDS = 0.05


def lock_path(state_path: Path) -> Path:
    return state_path.with_name(state_path.name + ".lock")


class StateLock:
    """The exclusive lock on one state file, held until `release()` (or the process ends)."""

    def __init__(self, state_path: Path, fd: int) -> None:
        self.state_path = state_path
        self.path = lock_path(state_path)
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, state_path: Path, command: str, *, wait: float = 0.0) -> StateLock:
        """Take the lock, waiting up to `wait` seconds for a holder to finish; raise
        `StateBusy` naming the holder when it does not."""
        path = lock_path(state_path)
        try:
            state_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise StateError(
                f"cannot create the lock file {path} beside the state file: {exc.strerror}; "
                "check that its folder is yours and writable"
            ) from None
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise StateError(f"cannot lock {path}: {exc.strerror}") from None
            if time.monotonic() >= deadline:
                holder = _read_holder(fd)
                os.close(fd)
                raise StateBusy(busy_message(state_path, holder, waited=wait))
            time.sleep(POLL_SECONDS)
        with contextlib.suppress(OSError):
            os.fchmod(fd, 0o600)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()} {command}\n".encode(), 0)
        return cls(state_path, fd)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Let go. The file stays: removing it would let a waiter lock an unlinked inode
        while a newcomer locks a fresh file."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)  # closing the descriptor drops the flock

    def __enter__(self) -> StateLock:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()


def _read_holder(fd: int) -> tuple[int, str] | None:
    """(pid, command) written by the holder; None while it has not written it yet."""
    for _ in range(20):  # the holder writes right after it locks
        try:
            text = os.pread(fd, 200, 0).decode("ascii", "replace").split()
        except OSError:
            return None
        if len(text) >= 2 and text[0].isdigit():
            return int(text[0]), text[1]
        time.sleep(0.01)
    return None


def busy_message(state_path: Path, holder: tuple[int, str] | None, *, waited: float) -> str:
    who = f"pid {holder[0]}" if holder else "another process"
    after = f" (waited {waited:.0f} s)" if waited >= 1 else ""
    if holder and holder[1] == "run":
        return (
            f"interview-agent run ({who}) is running on the state file {state_path}{after}; "
            "it places drafts by itself. Stop it first (systemctl --user stop "
            "interview-agent) if you want to run this command"
        )
    return (
        f"a pass is running ({who}, interview-agent {holder[1] if holder else 'once'}) on the "
        f"state file {state_path}{after}; try again when it has finished"
    )
