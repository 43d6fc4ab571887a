"""Watching INBOX for new mail with IMAP IDLE (RFC 2177), on a connection of its own, in a
thread that only reports what it saw ("mail", "connected", "fatal") to the daemon's loop.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from agent.errors import AgentError, ConnectionFailed
from agent.mail.imap import ImapStore
from agent.mail.store import MailStore
from agent.service.retry import FATAL, RETRYABLE, Backoff, describe

log = logging.getLogger(__name__)

IDLE_EARLY_SECONDS = 1.0  # an empty idle_check this much before its timeout means EOF


def keepalive(sock: Any) -> None:
    """TCP keepalives so a dead path is noticed in minutes, not at the next read timeout."""
    options = [(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)]
    for name, value in (("TCP_KEEPIDLE", 60), ("TCP_KEEPINTVL", 15), ("TCP_KEEPCNT", 4)):
        if hasattr(socket, name):  # Linux
            options.append((socket.IPPROTO_TCP, getattr(socket, name), value))
    for level, option, value in options:
        with contextlib.suppress(OSError, AttributeError):
            sock.setsockopt(level, option, value)


def cut(store: MailStore | None) -> None:
    """Shut an IMAP connection's socket down from another thread: a blocked read returns EOF.
    (socket.socket.shutdown, not SSLSocket.shutdown, which would unwrap TLS under the reader.)"""
    if isinstance(store, ImapStore):
        with contextlib.suppress(OSError, AttributeError, ValueError):
            socket.socket.shutdown(store.client.socket(), socket.SHUT_RDWR)


class IdleWatcher:
    """Watches INBOX with IDLE on its own connection and reports "mail" when a message arrives
    and "connected" after each (re)connect, so the main loop reconciles what IDLE missed.

    imapclient's `idle_check` returns [] both on timeout and on EOF, so an empty answer well
    before its timeout is taken as a dead connection (otherwise the loop would spin). IDLE is
    re-issued every `renew_seconds`; on a black-holed path the DONE that follows fails at the
    socket's read timeout.
    """

    def __init__(
        self,
        connect: Callable[[], MailStore],
        renew_seconds: float,
        max_backoff_seconds: float,
        report: Callable[[str], None],
    ) -> None:
        self._connect = connect
        self.renew_seconds = renew_seconds
        self._backoff = Backoff(max_backoff_seconds)
        self._report = report
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._store: MailStore | None = None
        self._thread = threading.Thread(target=self._run, name="imap-idle", daemon=True)
        self.fatal: AgentError | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stopping.set()
        with self._lock:
            cut(self._store)
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                store = self._connect()
            except FATAL as exc:
                self.fatal = exc
                self._report("fatal")
                return
            except RETRYABLE as exc:
                self._pause(f"IDLE connection failed ({describe(exc)})")
                continue
            if not isinstance(store, ImapStore):
                store.close()
                return
            if "IDLE" not in store.capabilities:
                log.info("%s does not support IDLE; INBOX is polled every tick", store.host)
                store.close()
                return
            with self._lock:
                self._store = store
            try:
                self._session(store)
            except RETRYABLE as exc:
                if not self._stopping.is_set():
                    self._pause(f"IDLE connection lost ({describe(exc)})")
            finally:
                with self._lock:
                    self._store = None
                with contextlib.suppress(*RETRYABLE):
                    store.client.shutdown()  # no LOGOUT: the link may be dead and block

    def _pause(self, why: str) -> None:
        delay = self._backoff.next_delay()
        log.warning("%s; retrying in %.0f s", why, delay)
        self._stopping.wait(delay)

    def _session(self, store: ImapStore) -> None:
        client = store.client
        keepalive(client.socket())
        client.select_folder(store.roles.inbox, readonly=True)
        self._report("connected")
        first = True
        while not self._stopping.is_set():
            client.noop()  # drains untagged data some servers send before "+ idling"
            client.idle()
            self._backoff.reset()
            if first:
                log.debug("IDLE: waiting for new mail in %s", store.roles.inbox)
                first = False
            arrived = self._wait(client, time.monotonic() + self.renew_seconds)
            if self._stopping.is_set():
                return
            _, late = client.idle_done()  # what sat decrypted in a buffer poll() cannot see
            if arrived or _new_mail(late):
                log.debug("IDLE: new mail in %s", store.roles.inbox)
                self._report("mail")

    def _wait(self, client: Any, deadline: float) -> bool:
        """Until new mail (True) or the renewal deadline (False); raises on a dead link."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            started = time.monotonic()
            responses = client.idle_check(timeout=left)
            if self._stopping.is_set():
                return False
            if not responses:
                if time.monotonic() - started < left - IDLE_EARLY_SECONDS:
                    raise ConnectionFailed("the server closed the IDLE connection")
                return False
            for response in responses:
                if response and response[0] == b"BYE":
                    raise ConnectionFailed("the server ended the IDLE session (BYE)")
            if _new_mail(responses):
                return True


def _new_mail(responses: Any) -> bool:
    return any(
        isinstance(r, tuple) and len(r) > 1 and r[1] in (b"EXISTS", b"RECENT")
        for r in responses or ()
    )
