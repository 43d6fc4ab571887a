"""The test servers themselves work: every Dovecot layout, TLS against the test CA, restarts,
Radicale with caldav, and the proxy's counting and cutting."""

from __future__ import annotations

import datetime as dt
import hashlib
import socket
import ssl
import time
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import pytest
from caldav.davclient import DAVClient
from imapclient import IMAPClient
from imapclient.exceptions import LoginError
from servers import HOST, PASSWORD, USER, Dovecot, Radicale, TcpProxy, make_ca

EXPECTED_FOLDERS: dict[str, dict[str, bytes | None]] = {
    "standard": {"Drafts": b"\\Drafts", "Sent": b"\\Sent", "Trash": b"\\Trash", "Junk": b"\\Junk"},
    "gmail": {
        "[Gmail]/Drafts": b"\\Drafts",
        "[Gmail]/Sent Mail": b"\\Sent",
        "[Gmail]/Trash": b"\\Trash",
        "[Gmail]/All Mail": b"\\All",
    },
    "cyrus": {
        "INBOX.Brouillons": b"\\Drafts",
        "INBOX.Envoyés": b"\\Sent",
        "INBOX.Corbeille": b"\\Trash",
    },
    "nospecialuse": {"Drafts": None, "Sent": None, "Trash": None},
}
SPECIAL_USE_FLAGS = {b"\\Drafts", b"\\Sent", b"\\Trash", b"\\Junk", b"\\All"}


def message(subject: str = "Thank you", attachment: bytes = b"") -> bytes:
    msg = EmailMessage()
    msg["From"] = "tester@example.org"
    msg["To"] = "recruiter@example.com"
    msg["Subject"] = subject
    msg.set_content("Thank you for your time today.\n")
    if attachment:
        msg.add_attachment(
            attachment, maintype="application", subtype="octet-stream", filename="portfolio.bin"
        )
    return msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))


@pytest.mark.parametrize("layout", EXPECTED_FOLDERS)
def test_layout_lists_its_folders(dovecot_factory: Callable[..., Dovecot], layout: str) -> None:
    server = dovecot_factory(layout)
    with server.client() as client:
        listed = {name: set(flags) for flags, _, name in client.list_folders()}
        capabilities = client.capabilities()
    for name, special_use in EXPECTED_FOLDERS[layout].items():
        assert name in listed
        assert listed[name] & SPECIAL_USE_FLAGS == ({special_use} if special_use else set())
    assert "INBOX" in listed
    assert set(EXPECTED_FOLDERS[layout]) <= set(server.folder_names.values())
    assert (b"SPECIAL-USE" in capabilities) == (layout != "nospecialuse")


def test_cyrus_names_are_modified_utf7_on_the_wire(
    dovecot_factory: Callable[..., Dovecot],
) -> None:
    server = dovecot_factory("cyrus")
    with server.client() as client:
        assert client.namespace().personal == (("INBOX.", "."),)
        client.folder_encode = False
        names = {name for _, _, name in client.list_folders()}
    assert b"INBOX.Envoy&AOk-s" in names


def test_tls_verifies_against_the_test_ca_only(dovecot: Dovecot, tmp_path: Path) -> None:
    with dovecot.client() as client:
        assert client.noop()
    plain = IMAPClient(HOST, port=dovecot.port, ssl=False, timeout=10)
    plain.starttls(dovecot.ssl_context())
    plain.login(USER, PASSWORD)
    plain.logout()

    other_ca = ssl.create_default_context(cafile=str(make_ca(tmp_path, "some other CA")))
    with pytest.raises(ssl.SSLCertVerificationError):
        IMAPClient(HOST, port=dovecot.tls_port, ssl=True, ssl_context=other_ca, timeout=10)


def test_wrong_password_is_refused_without_penalty(dovecot: Dovecot) -> None:
    started = time.monotonic()
    for _ in range(3):
        client = IMAPClient(HOST, port=dovecot.tls_port, ssl_context=dovecot.ssl_context())
        with pytest.raises(LoginError):
            client.login(USER, "wrong")
        client.shutdown()
    dovecot.client().logout()
    assert time.monotonic() - started < 3  # Dovecot's anvil penalty alone would be 2+4+8 s


def test_append_and_snapshot(dovecot: Dovecot) -> None:
    before = dovecot.snapshot()
    raw = message()
    when = dt.datetime(2025, 3, 4, 12, 0, tzinfo=dt.UTC)
    uid = dovecot.append("Drafts", raw, flags=[r"\Draft", r"\Seen"], msg_time=when)

    after = dovecot.snapshot()
    assert after["Drafts"] == [(uid, ("\\Draft", "\\Seen"), hashlib.sha256(raw).hexdigest())]
    assert {k: v for k, v in after.items() if k != "Drafts"} == {
        k: v for k, v in before.items() if k != "Drafts"
    }
    assert dovecot.snapshot() == after  # stable: \Recent is left out
    with dovecot.client() as client:
        client.select_folder("Drafts", readonly=True)
        assert (
            client.fetch([uid], ["INTERNALDATE"])[uid][b"INTERNALDATE"].astimezone(dt.UTC) == when
        )


def test_restart_and_crash_keep_mail_and_ports(dovecot: Dovecot) -> None:
    dovecot.append("INBOX", message("Interview invitation"))
    before = dovecot.snapshot()
    ports = (dovecot.port, dovecot.tls_port)

    dovecot.stop()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((HOST, dovecot.tls_port), timeout=1)
    dovecot.start()
    assert (dovecot.port, dovecot.tls_port) == ports
    assert dovecot.snapshot() == before

    client = dovecot.client()
    dovecot.kill()
    with pytest.raises((IMAPClient.AbortError, OSError)):
        client.noop()
    dovecot.start()
    assert dovecot.snapshot() == before


def test_doveadm_kick_ends_a_session(dovecot: Dovecot) -> None:
    client = dovecot.client()
    client.select_folder("INBOX")
    dovecot.doveadm("kick", USER)
    with pytest.raises((IMAPClient.AbortError, OSError)):
        client.noop()


def test_reset_uidvalidity_keeps_messages(dovecot: Dovecot) -> None:
    dovecot.append("Drafts", message())
    with dovecot.client() as client:
        old = client.folder_status("Drafts", ["UIDVALIDITY"])[b"UIDVALIDITY"]
    dovecot.stop()
    dovecot.reset_uidvalidity("Drafts")
    dovecot.start()
    with dovecot.client() as client:
        assert client.folder_status("Drafts", ["UIDVALIDITY"])[b"UIDVALIDITY"] != old
    assert len(dovecot.snapshot()["Drafts"]) == 1


def test_radicale_serves_a_put_event_to_caldav(radicale: Radicale) -> None:
    radicale.create_calendar("interviews")
    radicale.put_event(ICS, uid="interview-1", calendar="interviews")
    radicale.stop()
    radicale.start()

    client = DAVClient(url=radicale.url, username=USER, password=PASSWORD, require_tls=False)
    calendars = client.get_calendars()
    assert [str(c.url) for c in calendars] == [radicale.calendar_url("interviews")]
    events = calendars[0].get_events()
    assert isinstance(events, list)  # a coroutine only with the async client
    assert [str(event.icalendar_component["UID"]) for event in events] == ["interview-1"]


def test_proxy_counts_what_the_server_sends(
    dovecot: Dovecot, tcp_proxy: Callable[..., TcpProxy]
) -> None:
    uid = dovecot.append("INBOX", message(attachment=bytes(1_000_000)))
    proxy = tcp_proxy(dovecot.tls_port)
    with dovecot.client(port=proxy.port) as client:
        client.select_folder("INBOX", readonly=True)
        client.fetch([uid], ["BODY.PEEK[HEADER.FIELDS (SUBJECT)]", "BODYSTRUCTURE"])
        assert proxy.bytes_from_server < 20_000
        client.fetch([uid], ["BODY.PEEK[]"])
    assert proxy.bytes_from_server > 1_000_000


@pytest.mark.parametrize("direction", ["upstream", "downstream"])
def test_proxy_cuts_at_the_chosen_byte(tcp_proxy: Callable[..., TcpProxy], direction: str) -> None:
    with socket.create_server((HOST, 0)) as listener:
        proxy = tcp_proxy(listener.getsockname()[1], **{f"drop_after_{direction}_bytes": 1000})
        client = socket.create_connection((HOST, proxy.port), timeout=5)
        server, _ = listener.accept()
        server.settimeout(5)
        sender, receiver = (client, server) if direction == "upstream" else (server, client)
        sender.sendall(bytes(5000))
        assert read_until_closed(receiver) == bytes(1000)
        client.close()
        server.close()
    assert proxy.bytes_to_server + proxy.bytes_from_server == 1000


def test_proxy_cuts_an_append_midway_once(
    dovecot: Dovecot, tcp_proxy: Callable[..., TcpProxy]
) -> None:
    proxy = tcp_proxy(dovecot.tls_port)
    client = dovecot.client(port=proxy.port)
    proxy.drop_after_upstream_bytes(100_000)
    with pytest.raises((IMAPClient.AbortError, OSError)):
        client.append("Drafts", message(attachment=bytes(1_000_000)))
    assert 100_000 <= proxy.bytes_to_server < 200_000
    with dovecot.client(port=proxy.port) as client:  # the cut fired once; this one passes
        assert client.folder_status("Drafts", ["MESSAGES"])[b"MESSAGES"] == 0


def test_proxy_cut_all_drops_live_connections(
    dovecot: Dovecot, tcp_proxy: Callable[..., TcpProxy]
) -> None:
    proxy = tcp_proxy(dovecot.tls_port)
    client = dovecot.client(port=proxy.port)
    proxy.cut_all()
    with pytest.raises((IMAPClient.AbortError, OSError)):
        client.noop()


def read_until_closed(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


ICS = """\
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//interview-agent//tests//EN
BEGIN:VEVENT
UID:interview-1
DTSTAMP:20250301T090000Z
DTSTART:20250304T140000Z
DTEND:20250304T150000Z
SUMMARY:Interview with Example Corp
END:VEVENT
END:VCALENDAR
""".replace("\n", "\r\n")
