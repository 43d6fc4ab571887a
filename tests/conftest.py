"""Fixtures for the real servers in servers.py. Each test gets fresh ones: Dovecot starts in about
20 ms and Radicale in well under a second, so no test sees another's mail or calendars.

Cyrus and Courier (unpacked by tests/install_servers.sh) are started once per session; a test
that needs a new account calls their `reset()` first. One that cannot start fails its tests.

Also the test tiers: every test that needs a server is marked `servers` here (`make unit` runs
the others), and the hypothesis profiles (`ci`: a fixed sequence; `dev`: fewer examples)."""

from __future__ import annotations

import inspect
import os
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import settings
from servers import (
    MINIMAL_CAPABILITIES,
    Courier,
    Cyrus,
    Dovecot,
    Radicale,
    TcpProxy,
    UnpackedServer,
)

# CI runs the property tests on a fixed sequence of examples (HYPOTHESIS_PROFILE=ci, set by
# .ci/run), so a landing never depends on luck; `make test` on a desk explores new ones, and
# whatever it finds becomes an explicit test.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
# `make unit` (the edit-test loop) runs a tenth of each property test's examples: see
# helpers.examples, which scales the counts the tests write by this profile's max_examples.
settings.register_profile("dev", max_examples=10)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


# --- tiers ---------------------------------------------------------------------------------------
# `make unit` runs every test not marked `servers`. The mark is put here, from what a test uses,
# so that no test has to remember it. A test needs servers when its fixture closure (which pytest
# computes through fixtures built on others) holds a server fixture; when a fixture picks a server
# fixture by parameter (`request.getfixturevalue`); or when the code of the test or of one of its
# fixtures starts a server itself: uses a server class of servers.py, directly or through the
# functions and classes of the test modules it calls (the trials of faults.py, for one).

SERVER_WORDS = ("dovecot", "radicale", "cyrus", "courier", "tcp_proxy")
SERVER_CLASSES = (Dovecot, Radicale, TcpProxy, UnpackedServer)
TESTS = Path(__file__).resolve().parent


def names_a_server(name: str) -> bool:
    return any(word in name for word in SERVER_WORDS)


def global_names(function: object) -> Iterator[object]:
    """The module-level objects `function` (and the functions and classes nested in it) use."""
    function = inspect.unwrap(function)  # type: ignore[arg-type]
    code = getattr(function, "__code__", None)
    namespace: dict[str, object] = getattr(function, "__globals__", {})
    codes = [code] if isinstance(code, types.CodeType) else []
    while codes:
        current = codes.pop()
        codes.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
        yield from (namespace[name] for name in current.co_names if name in namespace)


def written_in_the_tests(value: object) -> bool:
    """A function or class of a module in tests/ (a helper such as faults.py)."""
    if not isinstance(value, (type, types.FunctionType)):
        return False
    module = sys.modules.get(getattr(value, "__module__", ""))
    path = getattr(module, "__file__", None)
    return path is not None and Path(path).resolve().parent == TESTS


def functions_of(value: object) -> list[object]:
    if not isinstance(value, type):
        return [value]
    found: list[object] = []
    for member in vars(value).values():
        if isinstance(member, (staticmethod, classmethod)):
            member = member.__func__
        elif isinstance(member, property):
            member = member.fget
        if callable(member):
            found.append(member)
    return found


def starts_a_server(function: object, seen: set[int] | None = None) -> bool:
    seen = set() if seen is None else seen
    if id(function) in seen:  # looked at already, or being looked at (a helper calling itself)
        return False
    seen.add(id(function))
    return any(
        (isinstance(value, type) and issubclass(value, SERVER_CLASSES))
        or (
            written_in_the_tests(value)
            and any(starts_a_server(inner, seen) for inner in functions_of(value))
        )
        for value in global_names(function)
    )


def needs_servers(item: pytest.Function) -> bool:
    if any(names_a_server(name) for name in item.fixturenames):
        return True
    chosen = getattr(item, "callspec", None)
    params: dict[str, object] = chosen.params if chosen is not None else {}
    functions: list[object] = [item.function]
    for name, definitions in item._fixtureinfo.name2fixturedefs.items():
        for definition in definitions:
            functions.append(definition.func)
            picked = params.get(name)
            if (
                "getfixturevalue" in definition.func.__code__.co_names
                and isinstance(picked, str)
                and names_a_server(picked)
            ):
                return True
    return any(starts_a_server(function) for function in functions)


@pytest.hookimpl(tryfirst=True)  # before `-m "not servers"` deselects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if isinstance(item, pytest.Function) and needs_servers(item):
            item.add_marker(pytest.mark.servers)


@pytest.fixture
def dovecot_factory() -> Iterator[Callable[..., Dovecot]]:
    """Start a Dovecot: `dovecot_factory("gmail")`, layouts as in `servers.LAYOUTS`."""
    started: list[Dovecot] = []

    def start(
        layout: str = "standard", idle_notify_seconds: int = 30, capabilities: str | None = None
    ) -> Dovecot:
        server = Dovecot(layout, idle_notify_seconds, capabilities)
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
def dovecot_minimal(dovecot_factory: Callable[..., Dovecot]) -> Dovecot:
    """A Dovecot offering IMAP4rev1 alone (no UIDPLUS, IDLE, SPECIAL-USE, CONDSTORE, ESEARCH,
    MOVE, LITERAL+) and no special-use flags: an old or minimal server."""
    return dovecot_factory("nospecialuse", capabilities=MINIMAL_CAPABILITIES)


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


Started = TypeVar("Started", bound=UnpackedServer)


def started(server: Started) -> Iterator[Started]:
    try:
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def cyrus() -> Iterator[Cyrus]:
    """Cyrus IMAP 3: `INBOX.Drafts`, `INBOX.Sent`, `INBOX.Trash` with SPECIAL-USE, idled."""
    server = Cyrus()
    yield from started(server)


@pytest.fixture(scope="session")
def cyrus_altns() -> Iterator[Cyrus]:
    """Cyrus with `altnamespace: yes`: `Drafts`, `Sent`, `Trash` beside INBOX."""
    server = Cyrus(altnamespace=True)
    yield from started(server)


@pytest.fixture(scope="session")
def courier() -> Iterator[Courier]:
    """Courier-IMAP 5: Maildir++ `INBOX.Drafts`, `INBOX.Sent`, `INBOX.Trash`, no SPECIAL-USE,
    enhanced IDLE (gamin)."""
    server = Courier()
    yield from started(server)
