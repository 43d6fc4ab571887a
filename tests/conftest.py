"""Fixtures for the real servers in servers.py. Each test gets fresh ones: Dovecot starts in about
20 ms and Radicale in well under a second, so no test sees another's mail or calendars."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import settings
from servers import Dovecot, Radicale, TcpProxy

# CI runs the property tests on a fixed sequence of examples (HYPOTHESIS_PROFILE=ci, set by
# .ci/run), so a landing never depends on luck; `make test` on a desk explores new ones, and
# whatever it finds becomes an explicit test.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture
def dovecot_factory() -> Iterator[Callable[..., Dovecot]]:
    """Start a Dovecot: `dovecot_factory("gmail")`, layouts as in `servers.LAYOUTS`."""
    started: list[Dovecot] = []

    def start(layout: str = "standard", idle_notify_seconds: int = 30) -> Dovecot:
        server = Dovecot(layout, idle_notify_seconds)
        started.append(server)
        server.start()
        return server

    yield start
    for server in started:
        server.close()


@pytest.fixture
def dovecot(dovecot_factory: Callable[..., Dovecot]) -> Dovecot:
    return dovecot_factory("standard")


@pytest.fixture
def radicale() -> Iterator[Radicale]:
    server = Radicale()
    try:
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture
def tcp_proxy() -> Iterator[Callable[..., TcpProxy]]:
    """Make a `TcpProxy(target_port, drop_after_upstream_bytes=..., ...)`, closed after the test."""
    proxies: list[TcpProxy] = []

    def make(target_port: int, **options: Any) -> TcpProxy:
        proxy = TcpProxy(target_port, **options)
        proxies.append(proxy)
        return proxy

    yield make
    for proxy in proxies:
        proxy.close()
