"""The daemon (`interview-agent run`): a full pass of the pipeline whenever something may have
changed, for as long as the service runs.

What starts a pass: new mail in INBOX (IMAP IDLE, RFC 2177, watched on a connection of its
own), the planner tick (`tick_seconds`), the Sent folder poll (`sent_poll_seconds`) and the
calendar poll (`calendar_poll_minutes`, the only pass that fetches calendars). A pass is cheap
because mail sync is incremental. Network and server failures are retried with capped
exponential backoff and jitter, never a crash loop; problems only the user can fix
(authentication, certificate, config, secrets, a folder that does not exist, a state file that
cannot be used) end the daemon with their exit code, which the systemd unit does not restart.
A mailbox over its quota is retried on the next planner tick, with the connection kept.

The daemon holds the state lock for its whole life: a second `run` on the same state file
exits 75 at once, naming this one's pid. SIGTERM and SIGINT let the current step finish for
`STOP_GRACE_SECONDS`; a pass still running then is ended where it is (its connection cut and
an exception raised in it, which also stops a regular expression mid-match), and the daemon
exits 0 within a second, whatever the pass was doing. That is as safe as a crash, which the
intent-first placing is built for. SIGHUP reloads the config file and keeps the old config
when the new one is bad.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from types import FrameType
from typing import Any

import schedule

from agent import app
from agent.calendars import CalendarSource, open_calendars
from agent.clock import Clock
from agent.config import Config, config_path, load_config
from agent.errors import (
    AgentError,
    ConfigError,
    ExitCode,
    QuotaExceeded,
    StateBusy,
    StateError,
)
from agent.mail.imap import ImapStore
from agent.mail.store import MailStore
from agent.service.idle import IdleWatcher, cut, keepalive
from agent.service.retry import FATAL, RETRYABLE, Backoff, describe
from agent.state.lock import StateLock
from agent.state.store import StateStore

log = logging.getLogger(__name__)

STOP_GRACE_SECONDS = 0.5  # then a pass still running is ended where it is (exit within 1 s)


class StopNow(BaseException):
    """Raised in the main thread, from the signal handler, to end a pass that outlived the
    stop grace. A BaseException, so that no `except Exception` inside a pass swallows it."""


def run_daemon(config: Config, config_arg: str | None) -> ExitCode:
    """Run until SIGTERM/SIGINT (exit 0) or a problem only the user can fix (its exit code)."""
    logging.getLogger("schedule").setLevel(logging.WARNING)  # it logs every job at INFO
    return Daemon(config, config_path(config_arg)).run()


class Control:
    """What the main loop is asked to do, set from signal handlers, the scheduler and the IDLE
    thread. `wake` interrupts every wait; the reasons say what happened."""

    def __init__(self) -> None:
        self.wake = threading.Event()
        self.stopping = False
        self.reload = False
        self._lock = threading.Lock()
        self._reasons: set[str] = set()

    def request(self, reason: str) -> None:
        with self._lock:
            self._reasons.add(reason)
        self.wake.set()

    def pending(self) -> set[str]:
        with self._lock:
            return set(self._reasons)

    def take(self) -> set[str]:
        with self._lock:
            reasons, self._reasons = self._reasons, set()
        return reasons


class Daemon:
    """The main loop. It alone touches the state store and the main mail connection, both
    kept open for the daemon's life; the IDLE thread and the scheduler only post reasons to
    `control`, and every reason leads to the same full pass."""

    def __init__(
        self,
        config: Config,
        config_file: Path,
        *,
        clock: Clock | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.config = config
        self.config_file = config_file
        self.clock = clock or Clock()
        self.environ = os.environ if environ is None else environ
        self.control = Control()
        self.scheduler = schedule.Scheduler()
        self.backoff = Backoff(config.daemon.max_backoff_seconds)
        self.state: StateStore | None = None
        self.lock: StateLock | None = None
        self.store: MailStore | None = None
        self.watcher: IdleWatcher | None = None
        self.calendars: list[CalendarSource] | None = None
        self._in_pass = False
        self._end_pass = False  # set when the stop grace is over: the handler raises StopNow
        self._signals_installed = False
        self._stop_timer: threading.Timer | None = None

    # -- the loop ------------------------------------------------------------------------

    def run(self) -> ExitCode:
        previous = self._install_signals()
        try:
            try:
                self.lock = StateLock.acquire(self.config.state.path, "run")
                self.state = StateStore.open(self.config.state.path)
            except (StateError, StateBusy) as exc:
                return self._fatal(exc)
            self._schedule()
            self._log_start()
            self.control.request("start")
            while not self.control.stopping:
                if self.control.reload:
                    self._reload()
                delay = self._cycle()
                if isinstance(delay, ExitCode):
                    return delay
                if self.control.stopping:
                    break
                if delay is None:
                    self._wait_for_work()
                else:
                    self._wait_backoff(delay)
            log.info("stopping (signal received)")
            return ExitCode.OK
        except StopNow:
            log.info("stopping (signal received; the pass was ended where it was)")
            return ExitCode.OK
        finally:
            self._shutdown()
            self._restore_signals(previous)

    def _cycle(self) -> float | ExitCode | None:
        """One full pass. None when it worked, a backoff delay when it failed and may be
        retried, an exit code for a problem only the user can fix."""
        reasons = self.control.take()
        if self.watcher is not None and self.watcher.fatal is not None:
            return self._fatal(self.watcher.fatal)
        assert self.state is not None
        self._in_pass = True
        try:
            store = self._ensure_store()
            calendars = None
            if self.config.calendars and reasons & {"calendars", "start", "reload", "retry"}:
                if self.calendars is None:
                    self.calendars = open_calendars(self.config)
                calendars = self.calendars
            result = app.one_pass(
                self.config,
                self.state,
                store,
                self.clock.now(),
                calendars=calendars,
                full=bool(reasons & {"start", "reload"}),
            )
        except QuotaExceeded as exc:  # the user must free space: try on the next tick
            log.warning("%s", describe(exc))
            return None
        except FATAL as exc:
            return self._fatal(exc)
        except RETRYABLE as exc:
            return self._failed(exc)
        except Exception as exc:  # a bug: one line, the traceback only with -v
            log.debug("internal error in a pass", exc_info=True)
            return self._failed(exc, internal=True)
        finally:
            self._in_pass = False
        if self.backoff.failures:
            log.info("working again after %d failed attempts", self.backoff.failures)
        self.backoff.reset()
        log.debug(
            "pass (%s): %d messages read, %d new interviews, %d drafts placed%s",
            ", ".join(sorted(reasons)) or "retry",
            result.sync.messages_read,
            result.sync.interviews_new,
            len(result.placed),
            "; nothing new, plan unchanged" if result.quiet else "",
        )
        return None

    def _failed(self, exc: BaseException, *, internal: bool = False) -> float:
        delay = self.backoff.next_delay()
        if self.control.stopping:
            return delay
        what = "internal error" if internal else "pass failed"
        log.warning("%s: %s; retrying in %.0f s", what, describe(exc), delay)
        self._drop_store()
        self.calendars = None  # their "unchanged" markers may be ahead of what was stored
        return delay

    def _fatal(self, exc: AgentError) -> ExitCode:
        log.error("%s", describe(exc))
        log.error("stopping: this needs your attention (exit %d)", int(exc.exit_code))
        return exc.exit_code

    def _ensure_store(self) -> MailStore:
        if self.store is None:
            self.store = app.open_store(self.config, self.environ)
            if isinstance(self.store, ImapStore):
                keepalive(self.store.client.socket())
                log.info("connected to %s", self.store.host)
        if self.watcher is None and self.config.imap is not None:
            self.watcher = IdleWatcher(
                lambda: app.open_store(self.config, self.environ),
                self.config.daemon.idle_renew_minutes * 60.0,
                self.config.daemon.max_backoff_seconds,
                self.control.request,
            )
            self.watcher.start()
        return self.store

    def _drop_store(self, *, broken: bool = True) -> None:
        """Forget the main connection: cut it when it failed, else LOGOUT (briefly: a link
        that died since the last pass must not hold up a stop)."""
        store, self.store = self.store, None
        if store is None:
            return
        if broken:
            cut(store)
        elif isinstance(store, ImapStore):
            with contextlib.suppress(*RETRYABLE):
                store.client.socket().settimeout(2.0)
        with contextlib.suppress(*RETRYABLE):
            store.close()

    # -- waiting -------------------------------------------------------------------------

    def _schedule(self) -> None:
        d = self.config.daemon
        self.scheduler.clear()
        self.scheduler.every(d.tick_seconds).seconds.do(self.control.request, "tick")
        self.scheduler.every(d.sent_poll_seconds).seconds.do(self.control.request, "sent")
        if self.config.calendars:
            self.scheduler.every(d.calendar_poll_minutes).minutes.do(
                self.control.request, "calendars"
            )

    def _wait_for_work(self) -> None:
        """Sleep until a job is due, IDLE reports mail, or a signal arrives."""
        while not self.control.stopping and not self.control.reload:
            self.scheduler.run_pending()
            if self.control.pending():
                return
            idle = self.scheduler.idle_seconds
            self.control.wake.wait(max(0.0, idle if idle is not None else 60.0))
            self.control.wake.clear()

    def _wait_backoff(self, delay: float) -> None:
        """Sleep `delay` seconds; new mail or a reconnect of the IDLE thread cut it short."""
        deadline = time.monotonic() + delay
        while not self.control.stopping and not self.control.reload:
            if self.control.pending() & {"mail", "connected", "fatal"}:
                break
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self.control.wake.wait(left)
            self.control.wake.clear()
        self.control.request("retry")

    # -- signals and reload --------------------------------------------------------------

    def _install_signals(self) -> dict[int, Any]:
        if threading.current_thread() is not threading.main_thread():
            return {}
        self._signals_installed = True
        previous: dict[int, Any] = {}
        for number, handler in (
            (signal.SIGTERM, self._on_stop),
            (signal.SIGINT, self._on_stop),
            (signal.SIGHUP, self._on_reload),
            (signal.SIGALRM, self._on_grace_over),
        ):
            previous[number] = signal.signal(number, handler)
        return previous

    def _restore_signals(self, previous: dict[int, Any]) -> None:
        if self._signals_installed:
            signal.setitimer(signal.ITIMER_REAL, 0)
        for number, handler in previous.items():
            signal.signal(number, handler)

    def _on_stop(self, signum: int, frame: FrameType | None) -> None:
        """Stop after the current step, or, `STOP_GRACE_SECONDS` into a pass still running,
        where it is. Two clocks measure the grace, because a pass may hold the interpreter
        in one long C call (a regular expression) where no other thread can run: a real-time
        timer whose SIGALRM the main thread handles even there (`re` checks for signals), and
        a timer thread for a pass waiting on the network (it cuts the connection and signals
        the main thread)."""
        if self._end_pass and self._in_pass:
            raise StopNow  # the grace is over: end the pass here, whatever it is doing
        self.control.stopping = True
        self.control.wake.set()
        if self._stop_timer is None:
            self._stop_timer = threading.Timer(STOP_GRACE_SECONDS, self._cut_stuck_pass)
            self._stop_timer.daemon = True
            self._stop_timer.start()
            if self._signals_installed and self._in_pass:
                signal.setitimer(signal.ITIMER_REAL, STOP_GRACE_SECONDS)

    def _on_grace_over(self, signum: int, frame: FrameType | None) -> None:
        if self._in_pass and self.control.stopping:
            self._end_pass = True
            log.warning("a pass is still running; closing the connection to stop")
            cut(self.store)
            raise StopNow

    def _on_reload(self, signum: int, frame: FrameType | None) -> None:
        self.control.reload = True
        self.control.wake.set()

    def _cut_stuck_pass(self) -> None:
        """Still inside a pass after the grace time (a server that does not answer): cut its
        connection and raise `StopNow` in the main thread (the signal handler does, on the
        signal sent here). Safe: a draft APPEND is recorded as pending first and resolved on
        the next start, as after a crash."""
        if not self._in_pass or self._end_pass:
            return
        log.warning("a pass is still running; closing the connection to stop")
        self._end_pass = True
        cut(self.store)
        main = threading.main_thread().ident
        if main is not None and self._signals_installed:
            with contextlib.suppress(OSError, ValueError):
                signal.pthread_kill(main, signal.SIGTERM)

    def _reload(self) -> None:
        self.control.reload = False
        try:
            new = load_config(self.config_file, self.environ)
        except ConfigError as exc:
            log.error("config reload failed, keeping the old config: %s", describe(exc))
            return
        if new.state.path != self.config.state.path:
            try:
                lock = StateLock.acquire(new.state.path, "run")
            except (StateError, StateBusy) as exc:
                log.error("config reload failed, keeping the old config: %s", describe(exc))
                return
            try:
                state = StateStore.open(new.state.path)
            except (StateError, StateBusy) as exc:
                lock.release()
                log.error("config reload failed, keeping the old config: %s", describe(exc))
                return
            if self.state is not None:
                self.state.close()
            if self.lock is not None:
                self.lock.release()
            self.state, self.lock = state, lock
        self.config = new
        self._stop_watcher()
        self._drop_store(broken=False)
        self.calendars = None
        self.backoff = Backoff(new.daemon.max_backoff_seconds)
        self._schedule()
        self.control.request("reload")
        log.info("config reloaded from %s", self.config_file)

    # -- start and stop ------------------------------------------------------------------

    def _log_start(self) -> None:
        d = self.config.daemon
        mail = (
            f"IMAP {self.config.imap.host} (IDLE on INBOX, renewed every "
            f"{d.idle_renew_minutes} min)"
            if self.config.imap is not None
            else f"Maildir {self.config.maildir.path if self.config.maildir else '?'}"
        )
        calendars = (
            f"{len(self.config.calendars)} calendars every {d.calendar_poll_minutes} min"
            if self.config.calendars
            else "no calendars"
        )
        log.info(
            "started: %s; Sent every %d s; planner every %d s; %s",
            mail,
            d.sent_poll_seconds,
            d.tick_seconds,
            calendars,
        )

    def _stop_watcher(self) -> None:
        watcher, self.watcher = self.watcher, None
        if watcher is not None:
            watcher.stop()

    def _shutdown(self) -> None:
        if self._stop_timer is not None:
            self._stop_timer.cancel()
        self._stop_watcher()
        self._drop_store(broken=self._end_pass)
        if self.state is not None:
            self.state.close()
            self.state = None
        if self.lock is not None:
            self.lock.release()
            self.lock = None
        self.scheduler.clear()
