"""Real servers on loopback for integration tests: Dovecot 2.3, Cyrus IMAP 3.6 and Courier-IMAP 5
(IMAP, RFC 9051/6154), Radicale 3 (CalDAV, RFC 4791) and a TCP proxy that counts and cuts traffic.

Each server lives in its own temporary directory, listens on free 127.0.0.1 ports and keeps its mail
or calendars across `stop()`/`start()`. A server that does not come up raises `ServerError` with
the tail of its log, so a broken setup fails the test instead of skipping it.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import grp
import hashlib
import http.client
import ipaddress
import os
import pwd
import re
import shutil
import signal
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from imapclient import IMAPClient
from imapclient.imap_utf7 import encode as imap_utf7_encode

USER = "tester"
PASSWORD = "secret"
HOST = "127.0.0.1"
START_TIMEOUT = 10.0

Snapshot = dict[str, list[tuple[int, tuple[str, ...], str]]]


class ServerError(RuntimeError):
    """A test server failed to start or stop; the message carries its log tail."""


def free_ports(count: int) -> list[int]:
    """`count` different ports free on loopback: held open together while they are chosen, so
    the kernel cannot hand the same one out twice (a server listing it twice refuses to start)."""
    socks = [socket.socket() for _ in range(count)]
    try:
        for sock in socks:
            sock.bind((HOST, 0))
        return [int(sock.getsockname()[1]) for sock in socks]
    finally:
        for sock in socks:
            sock.close()


def free_port() -> int:
    return free_ports(1)[0]


def wait_for_port(port: int, alive: Sequence[subprocess.Popen[bytes]], describe: str) -> None:
    """Poll until `port` accepts; raise early if one of the `alive` processes exits."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if any(proc.poll() is not None for proc in alive):
            raise ServerError(f"{describe} exited before listening on {port}")
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.01)
    raise ServerError(f"{describe} did not listen on {port} within {START_TIMEOUT} s")


def wait_for_port_closed(port: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, port), timeout=1).close()
        except OSError:
            return
        time.sleep(0.01)
    raise ServerError(f"port {port} still accepts connections")


def log_tail(*paths: Path, lines: int = 30) -> str:
    text = "".join(p.read_text(errors="replace") for p in paths if p.exists())
    return "\n".join(text.splitlines()[-lines:])


def short_tempdir(prefix: str) -> Path:
    # Dovecot's unix sockets live under the root; their paths must stay under ~100 chars.
    return Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp" if os.path.isdir("/tmp") else None))


# --- TLS ----------------------------------------------------------------------------------------


def make_ca(directory: Path, name: str = "interview-agent test CA") -> Path:
    """Write a CA (`ca.pem`) and a server certificate for localhost/127.0.0.1 signed by it
    (`cert.pem`, `key.pem`) into `directory`; return the CA file."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "ca.pem").write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    (directory / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file = directory / "key.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    return directory / "ca.pem"


# --- Dovecot ------------------------------------------------------------------------------------

SPECIAL_USE = {
    "drafts": r"\Drafts",
    "sent": r"\Sent",
    "trash": r"\Trash",
    "junk": r"\Junk",
    "all": r"\All",
}


@dataclass(frozen=True)
class Layout:
    """A folder layout a real provider uses: namespace prefix, separator and role -> name."""

    prefix: str
    separator: str
    folders: dict[str, str]
    special_use: bool = True


LAYOUTS = {
    "standard": Layout(
        "",
        "/",
        {"inbox": "INBOX", "drafts": "Drafts", "sent": "Sent", "trash": "Trash", "junk": "Junk"},
    ),
    "gmail": Layout(
        "",
        "/",
        {
            "inbox": "INBOX",
            "drafts": "[Gmail]/Drafts",
            "sent": "[Gmail]/Sent Mail",
            "trash": "[Gmail]/Trash",
            "all": "[Gmail]/All Mail",
        },
    ),
    # Cyrus/Courier style with a French locale: everything under "INBOX.".
    "cyrus": Layout(
        "INBOX.",
        ".",
        {
            "inbox": "INBOX",
            "drafts": "INBOX.Brouillons",
            "sent": "INBOX.Envoyés",
            "trash": "INBOX.Corbeille",
        },
    ),
    # Old servers: the names are conventional but nothing marks them, and no SPECIAL-USE.
    "nospecialuse": Layout(
        "",
        "/",
        {"inbox": "INBOX", "drafts": "Drafts", "sent": "Sent", "trash": "Trash"},
        special_use=False,
    ),
}

# Dovecot 2.3.19's post-login capabilities minus SPECIAL-USE (imap_capability replaces the list).
CAPABILITIES_WITHOUT_SPECIAL_USE = (
    "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY THREAD=REFERENCES"
    " THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN"
    " NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES"
    " WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW"
    " STATUS=SIZE SAVEDATE LITERAL+ NOTIFY"
)

# IMAP4rev1 and nothing else (no UIDPLUS, IDLE, SPECIAL-USE, CONDSTORE, ESEARCH, MOVE, LITERAL+,
# UNSELECT, NAMESPACE): a client sees what an old or minimal server offers. Dovecot still
# understands the commands; a client that checks the capability list never sends them.
MINIMAL_CAPABILITIES = "IMAP4rev1"

DOVECOT_CONF = """\
# Dovecot 2.3 test server: loopback only, everything under one temporary root.
protocols = imap
listen = 127.0.0.1
instance_name = dovecot-test-{port}
base_dir = {root}/run/
state_dir = {root}/state/
log_path = {root}/dovecot.log

default_internal_user = {user}
default_internal_group = {group}
default_login_user = {login_user}
first_valid_uid = 1
first_valid_gid = 1

service anvil {{
  chroot =
  # No anvil auth penalty (up to 15 s per failed login from an IP): tests log in wrongly on
  # purpose, always from 127.0.0.1. Auth cannot open the socket, so it skips the penalty.
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}

disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users
  default_fields = uid={user} gid={group} home={root}/home/%u
}}

mail_location = maildir:~/Maildir
mail_fsync = never
imap_idle_notify_interval = {idle_notify} secs
{capability}

ssl = yes
ssl_cert = <{root}/tls/cert.pem
ssl_key = <{root}/tls/key.pem

namespace inbox {{
  inbox = yes
  prefix = {prefix}
  separator = {separator}
{mailboxes}}}
"""


def mailbox_block(name: str, special_use: str | None) -> str:
    use = f"    special_use = {special_use}\n" if special_use else ""
    return f'  mailbox "{name}" {{\n{use}    auto = subscribe\n  }}\n'


class Dovecot:
    """A real Dovecot on 127.0.0.1: `port` (plain + STARTTLS), `tls_port` (implicit TLS),
    user `tester`/`secret`, certificates signed by the CA in `ca_file`.

    `capabilities` replaces what it offers after login (`imap_capability`): MINIMAL_CAPABILITIES
    with the `nospecialuse` layout stands in for an old or minimal server."""

    def __init__(
        self,
        layout: str = "standard",
        idle_notify_seconds: int = 30,
        capabilities: str | None = None,
    ) -> None:
        self.layout = LAYOUTS[layout]
        self.capabilities = capabilities
        self.folder_names = dict(self.layout.folders)
        self.root = short_tempdir("dovecot-")
        self.root.chmod(0o755)  # the unprivileged login and mail processes must traverse it
        self.port, self.tls_port = free_ports(2)
        self.ca_file = make_ca(self.root / "tls")
        self.config = self.root / "dovecot.conf"
        self.log = self.root / "dovecot.log"
        self._console = self.root / "console.log"
        self._proc: subprocess.Popen[bytes] | None = None
        self._write_config(idle_notify_seconds)

    def _write_config(self, idle_notify_seconds: int) -> None:
        if os.geteuid() == 0:
            # Dovecot refuses to run logins or mail access as root (research Appendix A).
            user, group, login_user = "dovecot", "dovecot", "dovenull"
        else:
            user = login_user = pwd.getpwuid(os.getuid()).pw_name
            group = grp.getgrgid(os.getgid()).gr_name
        layout = self.layout
        mailboxes = "".join(
            mailbox_block(
                name.removeprefix(layout.prefix),
                SPECIAL_USE[role] if layout.special_use else None,
            )
            for role, name in layout.folders.items()
            if role != "inbox"
        )
        offered = self.capabilities or (
            None if layout.special_use else CAPABILITIES_WITHOUT_SPECIAL_USE
        )
        capability = f"imap_capability = {offered}" if offered else ""
        self.config.write_text(
            DOVECOT_CONF.format(
                root=self.root,
                port=self.port,
                tls_port=self.tls_port,
                user=user,
                group=group,
                login_user=login_user,
                idle_notify=idle_notify_seconds,
                capability=capability,
                prefix=layout.prefix,
                separator=layout.separator,
                mailboxes=mailboxes,
            )
        )
        (self.root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
        home = self.root / "home"
        home.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            owner = pwd.getpwnam(user)
            os.chown(home, owner.pw_uid, owner.pw_gid)

    @property
    def maildir_path(self) -> Path:
        return self.root / "home" / USER / "Maildir"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        with self._console.open("ab") as console:
            self._proc = subprocess.Popen(
                [dovecot_binary(), "-F", "-c", str(self.config)],
                stdin=subprocess.DEVNULL,
                stdout=console,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so kill() takes every child
            )
        try:
            for port in (self.port, self.tls_port):
                wait_for_port(port, [self._proc], "dovecot")
        except ServerError as error:
            self.kill()
            raise ServerError(f"{error}\n{log_tail(self._console, self.log)}") from None

    def stop(self) -> None:
        """Shut down cleanly (SIGTERM to the master, as `doveadm stop` does). Takes about 1 s:
        the master waits for its children; use `kill()` to simulate a crash instantly."""
        if self._proc is None:
            return
        self._proc.terminate()
        try:
            self._proc.wait(timeout=START_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise ServerError(
                f"dovecot did not stop\n{log_tail(self._console, self.log)}"
            ) from None
        self._proc = None

    def kill(self) -> None:
        """Crash the server: SIGKILL the master and all its children at once."""
        if self._proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._proc.pid, signal.SIGKILL)
        self._proc.wait()
        self._proc = None
        for port in (self.port, self.tls_port):
            wait_for_port_closed(port)  # children die a moment after the master

    def close(self) -> None:
        self.kill()
        shutil.rmtree(self.root, ignore_errors=True)

    def doveadm(self, *args: str) -> str:
        """Run `doveadm -c <our config> ARGS` (e.g. "kick", "tester") and return its output."""
        done = subprocess.run(
            ["doveadm", "-c", str(self.config), *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
        )
        if done.returncode != 0:
            raise ServerError(f"doveadm {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))

    def client(self, port: int | None = None) -> IMAPClient:
        """A logged-in client over implicit TLS, verified against `ca_file`. Pass `port` to
        go through a proxy in front of `tls_port`."""
        client = IMAPClient(
            HOST, port=port or self.tls_port, ssl=True, ssl_context=self.ssl_context(), timeout=10
        )
        client.login(USER, PASSWORD)
        return client

    def append(
        self,
        folder: str,
        raw: bytes,
        flags: Iterable[str] = (),
        msg_time: dt.datetime | None = None,
    ) -> int:
        """APPEND a message; return its UID (from UIDPLUS APPENDUID)."""
        with self.client() as client:
            response = client.append(folder, raw, flags=tuple(flags), msg_time=msg_time)
        match = re.search(rb"APPENDUID \d+ (\d+)", response)
        if match is None:
            raise ServerError(f"no APPENDUID in {response!r}")
        return int(match.group(1))

    def snapshot(self) -> Snapshot:
        """Every selectable folder -> [(uid, flags, sha256 of the message)], to assert that
        nothing changed. \\Recent is left out: it depends on which session looked first."""
        result: Snapshot = {}
        with self.client() as client:
            for flags, _, name in client.list_folders():
                if {b"\\Noselect", b"\\NonExistent"} & set(flags):
                    continue
                client.select_folder(name, readonly=True)
                messages = client.fetch(client.search(), ["FLAGS", "BODY.PEEK[]"])
                result[name] = sorted(
                    (
                        uid,
                        tuple(sorted(f.decode() for f in data[b"FLAGS"] if f != b"\\Recent")),
                        hashlib.sha256(data[b"BODY[]"]).hexdigest(),
                    )
                    for uid, data in messages.items()
                )
        return result

    def folder_path(self, folder: str) -> Path:
        """The Maildir++ directory holding `folder` (names are modified UTF-7 on disk)."""
        if folder == "INBOX":
            return self.maildir_path
        name = folder.removeprefix(self.layout.prefix).replace(self.layout.separator, ".")
        encoded: bytes = imap_utf7_encode(name)
        return self.maildir_path / ("." + encoded.decode())

    def deliver(self, folder: str, raw: bytes) -> Path:
        """Put a message straight into `folder`'s Maildir `new/`, as a local delivery agent
        does, so mail can arrive while the IMAP server is down. Returns the file."""
        new = self.folder_path(folder) / "new"
        owner = new.stat()
        path = new / f"{time.time_ns()}.P{os.getpid()}.{socket.gethostname()}"
        temporary = self.folder_path(folder) / "tmp" / path.name
        temporary.write_bytes(raw)
        os.chown(temporary, owner.st_uid, owner.st_gid)
        temporary.rename(path)  # Maildir: written in tmp/, then appears whole in new/
        return path

    def reset_uidvalidity(self, folder: str) -> None:
        """Make the server forget `folder`'s UIDs (new UIDVALIDITY on next start); the messages
        stay. Only while stopped."""
        if self.running:
            raise ServerError("stop dovecot before resetting UIDVALIDITY")
        # For INBOX both globs see the mailbox list index: remove each file once.
        for path in {
            *self.folder_path(folder).glob("dovecot*"),
            *self.maildir_path.glob("dovecot.list.index*"),
        }:
            path.unlink()


def dovecot_binary() -> str:
    found = shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        raise ServerError("dovecot is not installed (apt-get install dovecot-imapd)")
    return found


# --- Radicale -----------------------------------------------------------------------------------

RADICALE_CONF = """\
[server]
hosts = 127.0.0.1:{port}
[auth]
type = htpasswd
htpasswd_filename = {root}/users
htpasswd_encryption = plain
delay = 0
[rights]
type = owner_only
[storage]
filesystem_folder = {root}/collections
[web]
type = none
[logging]
level = warning
"""


class Radicale:
    """A real Radicale 3 over plain HTTP on loopback, user `tester`/`secret`; calendars live in
    `root` and survive `stop()`/`start()`."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="radicale-"))
        self.port = free_port()
        self.config = self.root / "config"
        self.log = self.root / "radicale.log"
        self.config.write_text(RADICALE_CONF.format(root=self.root, port=self.port))
        (self.root / "users").write_text(f"{USER}:{PASSWORD}\n")
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def calendar_url(self, name: str = "calendar") -> str:
        return f"{self.url}{USER}/{name}/"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "radicale", "--config", str(self.config)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for_port(self.port, [self._proc], "radicale")
        except ServerError as error:
            self.stop()
            raise ServerError(f"{error}\n{log_tail(self.log)}") from None

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(timeout=START_TIMEOUT)
            self._proc = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        """One authenticated HTTP request; returns (status, body)."""
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        connection = http.client.HTTPConnection(HOST, self.port, timeout=10)
        try:
            connection.request(
                method, path, body, {"Authorization": f"Basic {token}", **(headers or {})}
            )
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def create_calendar(self, name: str = "calendar") -> str:
        """MKCALENDAR /tester/<name>/ (RFC 4791 5.3.1); return its URL."""
        status, body = self.request("MKCALENDAR", f"/{USER}/{name}/")
        if status != 201:
            raise ServerError(f"MKCALENDAR {name}: {status} {body!r}")
        return self.calendar_url(name)

    def put_event(self, ics: str, uid: str, calendar: str = "calendar") -> str:
        """PUT one iCalendar object as /tester/<calendar>/<uid>.ics; return its URL."""
        path = f"/{USER}/{calendar}/{uid}.ics"
        status, body = self.request(
            "PUT", path, ics.encode(), {"Content-Type": "text/calendar; charset=utf-8"}
        )
        if status not in (201, 204):
            raise ServerError(f"PUT {path}: {status} {body!r}")
        return f"{self.url.rstrip('/')}{path}"


# --- TCP proxy ----------------------------------------------------------------------------------


class TcpProxy:
    """A pass-through TCP proxy on 127.0.0.1 in front of `target_port` (TLS passes untouched).

    It counts the bytes each way over all connections (`bytes_from_server`, `bytes_to_server`) and
    can cut a connection once a number of bytes has gone one way: the proxy forwards exactly that
    many, then closes both sides. A cut fires once; later connections pass again. `latency`
    holds each chunk that long before forwarding it, as a distant server would (every round
    trip then costs twice that); `connected` is set when the first client connects.
    """

    def __init__(
        self,
        target_port: int,
        *,
        drop_after_upstream_bytes: int | None = None,
        drop_after_downstream_bytes: int | None = None,
        latency: float = 0.0,
    ) -> None:
        self.target_port = target_port
        self.latency = latency
        self.connected = threading.Event()
        self.bytes_from_server = 0
        self.bytes_to_server = 0
        self._budget = {"up": drop_after_upstream_bytes, "down": drop_after_downstream_bytes}
        self._lock = threading.Lock()
        self._live: set[tuple[socket.socket, socket.socket]] = set()
        self._listener = socket.create_server((HOST, 0))
        self.port: int = self._listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    def drop_after_upstream_bytes(self, count: int) -> None:
        """Cut the connection after `count` more bytes client -> server."""
        with self._lock:
            self._budget["up"] = count

    def drop_after_downstream_bytes(self, count: int) -> None:
        """Cut the connection after `count` more bytes server -> client."""
        with self._lock:
            self._budget["down"] = count

    def cut_all(self) -> None:
        """Drop every live connection at once, as a network failure would."""
        with self._lock:
            live = list(self._live)
        for pair in live:
            self._cut(pair)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self._listener.close()
        self.cut_all()
        self._acceptor.join(timeout=5)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self.connected.set()
            try:
                server = socket.create_connection((HOST, self.target_port), timeout=10)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            for sock in (client, server):  # no Nagle: forward each write as it comes
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            pair = (client, server)
            with self._lock:
                self._live.add(pair)
            for source, sink, direction in ((client, server, "up"), (server, client, "down")):
                threading.Thread(
                    target=self._pump, args=(pair, source, sink, direction), daemon=True
                ).start()

    def _pump(
        self,
        pair: tuple[socket.socket, socket.socket],
        source: socket.socket,
        sink: socket.socket,
        direction: str,
    ) -> None:
        while True:
            try:
                data = source.recv(65536)
                # ACK at once: a delayed ACK stalls a client that writes twice (Nagle) for
                # 40 ms, where the server it stands in for answers without delay.
                source.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            except OSError:
                break
            if not data:
                break
            if self.latency:
                time.sleep(self.latency)
            with self._lock:
                budget = self._budget[direction]
                cut = budget is not None and len(data) >= budget
                if budget is not None:
                    data = data[:budget]
                    self._budget[direction] = None if cut else budget - len(data)
                if direction == "up":
                    self.bytes_to_server += len(data)
                else:
                    self.bytes_from_server += len(data)
            try:
                sink.sendall(data)
            except OSError:
                break
            if cut:
                break
        self._cut(pair)

    def _cut(self, pair: tuple[socket.socket, socket.socket]) -> None:
        with self._lock:
            self._live.discard(pair)
        for sock in pair:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # wakes the other pump's recv()
            sock.close()


# --- Cyrus and Courier --------------------------------------------------------------------------
#
# Debian's cyrus-imapd and courier-imap conflict with dovecot-imapd, so tests/install_servers.sh
# unpacks them (dpkg-deb -x) under TEST_SERVERS and apt installs only their libraries. Both run
# as root-started servers that drop to the `cyrus` / `courier` system users.

TEST_SERVERS = Path(
    os.environ.get("INTERVIEW_AGENT_TEST_SERVERS", "/var/cache/interview-agent-test-servers")
)
INSTALL_HINT = "run tests/install_servers.sh as root (`make servers` does)"


class ImapTestServer(Protocol):
    """What every IMAP test server offers (Dovecot, Cyrus, Courier): a suite parametrised over
    servers types its fixture with this."""

    port: int
    tls_port: int
    ca_file: Path
    folder_names: dict[str, str]
    layout: Layout

    @property
    def running(self) -> bool: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def kill(self) -> None: ...

    def close(self) -> None: ...

    def ssl_context(self) -> ssl.SSLContext: ...

    def client(self, port: int | None = None) -> IMAPClient: ...

    def append(
        self,
        folder: str,
        raw: bytes,
        flags: Iterable[str] = (),
        msg_time: dt.datetime | None = None,
    ) -> int: ...

    def snapshot(self) -> Snapshot: ...


def unpacked(tree: str) -> Path:
    """The root of an unpacked server (`cyrus` or `courier`) under TEST_SERVERS."""
    path = TEST_SERVERS / tree
    if not (path / ".installed").exists():
        raise ServerError(f"{tree} is not unpacked in {TEST_SERVERS}: {INSTALL_HINT}")
    return path


def system_user(name: str) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        raise ServerError(f"no system user {name!r}: {INSTALL_HINT}") from None


def chown_tree(top: Path, uid: int, gid: int) -> None:
    os.chown(top, uid, gid)
    for directory, names, files in os.walk(top):
        for name in names + files:
            os.chown(os.path.join(directory, name), uid, gid)


def signal_session(session: int, signum: int) -> int:
    """Send `signum` to every process in `session` (a process group is not enough: Courier's
    couriertcpd makes its own group); return how many there were. gam_server, which Courier's
    IDLE spawns, starts its own session and exits by itself a minute or two after its last
    client."""
    count = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path("/proc", entry, "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
        if int(fields[3]) == session and fields[0] != "Z":  # state ppid pgrp session
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(entry), signum)
                count += 1
    return count


def ram_tempdir(prefix: str) -> Path:
    """A private directory in /dev/shm where there is one: Cyrus and Courier fsync every
    change, which costs nothing there (Dovecot's fixture has mail_fsync = never instead)."""
    shm = "/dev/shm"
    if os.path.isdir(shm) and os.access(shm, os.W_OK):
        return Path(tempfile.mkdtemp(prefix=prefix, dir=shm))
    return short_tempdir(prefix)


class UnpackedServer:
    """What Cyrus and Courier share: a session of processes started as root (they drop to their
    own users) on two free loopback ports (`port`: plain + STARTTLS, `tls_port`: implicit TLS),
    a CA made at test time, the test user, and IMAP-level seeding (`append`) and checking
    (`snapshot`). Needs root: Courier's paths are covered by a private mount namespace."""

    name = "server"

    def __init__(self, layout: Layout) -> None:
        if os.geteuid() != 0:
            raise ServerError(f"{self.name} runs only as root (it drops to its own user)")
        self.layout = layout
        self.folder_names = dict(layout.folders)
        self.root = ram_tempdir(f"{self.name}-")
        self.root.chmod(0o755)  # the unprivileged server processes must traverse it
        self.port, self.tls_port = free_ports(2)
        self.ca_file = make_ca(self.root / "tls")
        self.log = self.root / "console.log"
        self.started_in = 0.0  # seconds the last start() took, until both ports accept
        self._proc: subprocess.Popen[bytes] | None = None

    def _command(self) -> list[str]:
        raise NotImplementedError

    def _environment(self) -> dict[str, str]:
        return {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}

    def _wait_ready(self) -> None:
        """Beyond the ports: anything else that must be up before the first login."""

    def reset(self) -> None:
        """Back to a new account: the role folders, empty. Close clients first."""
        raise NotImplementedError

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        started = time.monotonic()
        with self.log.open("ab") as console:
            self._proc = subprocess.Popen(
                self._command(),
                stdin=subprocess.DEVNULL,
                stdout=console,
                stderr=subprocess.STDOUT,
                cwd=self.root,
                env=self._environment(),
                start_new_session=True,  # its own process group, so kill() takes every child
            )
        try:
            for port in (self.port, self.tls_port):
                wait_for_port(port, [self._proc], self.name)
            self._wait_ready()
        except ServerError as error:
            self.kill()
            raise ServerError(f"{error}\n{log_tail(self.log)}") from None
        self.started_in = time.monotonic() - started

    def stop(self) -> None:
        """Shut down cleanly: SIGTERM to every process of the server's session, then wait for
        all of them. The leader is reaped last (in kill()), so its pid, which names the session,
        cannot be reused meanwhile."""
        if self._proc is None:
            return
        session = self._proc.pid
        signal_session(session, signal.SIGTERM)
        deadline = time.monotonic() + START_TIMEOUT
        while signal_session(session, 0) and time.monotonic() < deadline:  # 0: only count
            time.sleep(0.005)
        if signal_session(session, 0):
            self.kill()
            raise ServerError(f"{self.name} did not stop\n{log_tail(self.log)}")
        self.kill()  # reaps the leader; the ports are free when this returns

    def kill(self) -> None:
        """Crash the server: SIGKILL every process of its session at once."""
        if self._proc is None:
            return
        deadline = time.monotonic() + START_TIMEOUT
        while signal_session(self._proc.pid, signal.SIGKILL) and time.monotonic() < deadline:
            time.sleep(0.005)  # until nothing is left that could still fork
        self._proc.wait()
        self._proc = None
        for port in (self.port, self.tls_port):
            wait_for_port_closed(port)

    def close(self) -> None:
        self.kill()
        shutil.rmtree(self.root, ignore_errors=True)

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))

    def client(self, port: int | None = None) -> IMAPClient:
        """A logged-in client over implicit TLS, verified against `ca_file`. Pass `port` to
        go through a proxy in front of `tls_port`."""
        client = IMAPClient(
            HOST, port=port or self.tls_port, ssl=True, ssl_context=self.ssl_context(), timeout=10
        )
        # imapclient writes some commands (SEARCH, APPEND) in two pieces: with Nagle on, Cyrus
        # and Courier (unlike Dovecot) delay their ACK and each such command takes 40 ms more.
        # Only the fixture's own clients skip that wait; the agent's connections are untouched.
        client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client.login(USER, PASSWORD)
        return client

    def append(
        self,
        folder: str,
        raw: bytes,
        flags: Iterable[str] = (),
        msg_time: dt.datetime | None = None,
    ) -> int:
        """APPEND a message; return its UID (from UIDPLUS APPENDUID)."""
        with self.client() as client:
            response = client.append(folder, raw, flags=tuple(flags), msg_time=msg_time)
        match = re.search(rb"APPENDUID \d+ (\d+)", response)
        if match is None:
            raise ServerError(f"no APPENDUID in {response!r}")
        return int(match.group(1))

    def snapshot(self) -> Snapshot:
        """Every selectable folder -> [(uid, flags, sha256 of the message)], to assert that
        nothing changed. \\Recent is left out: it depends on which session looked first."""
        result: Snapshot = {}
        with self.client() as client:
            for flags, _, name in client.list_folders():
                if {b"\\Noselect", b"\\NonExistent"} & set(flags):
                    continue
                client.select_folder(name, readonly=True)
                messages = client.fetch(client.search(), ["FLAGS", "BODY.PEEK[]"])
                result[name] = sorted(
                    (
                        uid,
                        tuple(sorted(f.decode() for f in data[b"FLAGS"] if f != b"\\Recent")),
                        hashlib.sha256(data[b"BODY[]"]).hexdigest(),
                    )
                    for uid, data in messages.items()
                )
        return result


# Cyrus IMAP 3 -----------------------------------------------------------------------------------

CYRUS_ADMIN = "admin"  # an IMAP admin (same password as USER), used by reset()

CYRUS_IMAPD_CONF = """\
# Cyrus IMAP 3 test server: loopback only, everything under one temporary root.
configdirectory: {root}/config
defaultpartition: default
partition-default: {root}/spool
proc_path: {root}/run/proc
mboxname_lockpath: {root}/run/lock
# imapd binds its own end of the idled conversation at <configdirectory>/socket/idle.<pid>
idlesocket: {root}/config/socket/idle
imapidlepoll: {idle_poll}
notifysocket: {root}/config/socket/notify
lmtpsocket: {root}/config/socket/lmtp
sievedir: {root}/sieve
servername: localhost
cyrus_user: cyrus
cyrus_group: mail
admins: {admin}
altnamespace: {altnamespace}
unixhierarchysep: no
allowplaintext: yes
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: {root}/sasldb2
sasl_mech_list: PLAIN LOGIN
tls_server_cert: {root}/tls/cert.pem
tls_server_key: {root}/tls/key.pem
delete_mode: immediate
# Tests delete and make Sent again (a new UIDVALIDITY); by default Cyrus refuses to delete a
# role folder, so only \\Important (which no folder here has) stays protected.
specialuse_protect: \\Important
# The user's INBOX and folders appear at the first login or delivery, Drafts/Sent/Trash with
# SPECIAL-USE (the xlist-<use> keys mark autocreated folders).
autocreate_quota: 0
autocreate_post: yes
autocreate_inbox_folders: Drafts | Sent | Trash
autocreate_subscribe_folders: Drafts | Sent | Trash
xlist-drafts: Drafts
xlist-sent: Sent
xlist-trash: Trash
syslog_prefix: cyrus-test
"""

CYRUS_CONF = """\
START {{
  recover cmd="{bin}/ctl_cyrusdb -C {config} -r"
}}
SERVICES {{
  imap cmd="{bin}/imapd -C {config}" listen="127.0.0.1:{port}" prefork=0
  imaps cmd="{bin}/imapd -C {config} -s" listen="127.0.0.1:{tls_port}" prefork=0
  lmtpunix cmd="{bin}/lmtpd -C {config}" listen="{root}/config/socket/lmtp" prefork=0
}}
EVENTS {{
  checkpoint cmd="{bin}/ctl_cyrusdb -C {config} -c" period=30
}}
DAEMON {{
{idled}}}
"""


class Cyrus(UnpackedServer):
    """A real Cyrus IMAP 3.6 (Debian's build) on 127.0.0.1: `port` (plain + STARTTLS),
    `tls_port` (implicit TLS), user `tester`/`secret`, certificates signed by `ca_file`.

    Folders `INBOX.Drafts`, `INBOX.Sent`, `INBOX.Trash` carry SPECIAL-USE (Cyrus spells the
    flags in lower case: `\\drafts`); with `altnamespace=True` they are `Drafts`, `Sent`, `Trash`
    beside INBOX, as Fastmail shows them. `idled=False` leaves IDLE polling the mailbox every
    `idle_poll_seconds` (Cyrus's default: 60). Cyrus logs to syslog, which goes nowhere here
    (no /dev/log in a container); the master's own errors land in `log`."""

    name = "cyrus"

    def __init__(
        self, altnamespace: bool = False, idled: bool = True, idle_poll_seconds: int = 60
    ) -> None:
        self.name = "cyrus-altns" if altnamespace else "cyrus"
        self.tree = unpacked("cyrus")
        self.owner = system_user("cyrus")
        prefix = "" if altnamespace else "INBOX."
        super().__init__(
            Layout(
                prefix,
                ".",
                {
                    "inbox": "INBOX",
                    "drafts": f"{prefix}Drafts",
                    "sent": f"{prefix}Sent",
                    "trash": f"{prefix}Trash",
                },
            )
        )
        self.config = self.root / "imapd.conf"
        self.cyrus_conf = self.root / "cyrus.conf"
        self.lmtp_socket = self.root / "config" / "socket" / "lmtp"
        binaries = self.tree / "usr" / "lib" / "cyrus" / "bin"
        self.config.write_text(
            CYRUS_IMAPD_CONF.format(
                root=self.root,
                admin=CYRUS_ADMIN,
                altnamespace="yes" if altnamespace else "no",
                idle_poll=idle_poll_seconds,
            )
        )
        self.cyrus_conf.write_text(
            CYRUS_CONF.format(
                bin=binaries,
                config=self.config,
                root=self.root,
                port=self.port,
                tls_port=self.tls_port,
                idled=f'  idled cmd="{binaries}/idled -C {self.config}"\n' if idled else "",
            )
        )
        for directory in ("config/socket", "spool", "run/proc", "run/lock", "sieve"):
            (self.root / directory).mkdir(parents=True)
        for user in (USER, CYRUS_ADMIN):
            saslpasswd = shutil.which("saslpasswd2", path="/usr/sbin:/usr/bin")
            if saslpasswd is None:
                raise ServerError(f"saslpasswd2 is missing (sasl2-bin): {INSTALL_HINT}")
            subprocess.run(
                [saslpasswd, "-c", "-p", "-u", "localhost", "-f", str(self.root / "sasldb2"), user],
                input=PASSWORD.encode(),
                check=True,
                capture_output=True,
                timeout=START_TIMEOUT,
            )
        chown_tree(self.root, self.owner.pw_uid, self.owner.pw_gid)

    def _command(self) -> list[str]:
        return [
            str(self.tree / "usr" / "lib" / "cyrus" / "bin" / "master"),
            "-C", str(self.config),
            "-M", str(self.cyrus_conf),
            "-p", str(self.root / "run" / "master.pid"),
            "-D",  # in the foreground, stderr to our log
        ]  # fmt: skip

    def _environment(self) -> dict[str, str]:
        libraries = self.tree / "usr" / "lib" / "x86_64-linux-gnu"
        return {**super()._environment(), "LD_LIBRARY_PATH": str(libraries)}

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while not self.lmtp_socket.exists():
            if time.monotonic() > deadline:
                raise ServerError("cyrus: no LMTP socket")
            time.sleep(0.01)

    def deliver(self, folder: str, raw: bytes) -> None:
        """Deliver a message as the MTA does, by LMTP to lmtpd (it arrives \\Recent, without
        APPEND). Cyrus files `tester+folder` into INBOX unless the folder grants `p`, so only
        INBOX is offered; needs the server running."""
        if folder != "INBOX":
            raise ServerError("Cyrus deliver() goes to INBOX only; use append() for others")
        with smtplib.LMTP(str(self.lmtp_socket)) as lmtp:
            refused = lmtp.sendmail("sender@example.net", [USER], raw)
        if refused:
            raise ServerError(f"LMTP refused: {refused}")

    def reset(self) -> None:
        """Back to a new account: the admin deletes the user's mailboxes (a new INBOX and
        folders, with new UIDVALIDITYs, appear at the next login). Close clients first."""
        with IMAPClient(
            HOST, port=self.tls_port, ssl=True, ssl_context=self.ssl_context(), timeout=10
        ) as admin:
            admin.login(CYRUS_ADMIN, PASSWORD)
            if admin.list_folders("", f"user.{USER}"):  # none before the first login
                admin.setacl(f"user.{USER}", CYRUS_ADMIN, "x")
                admin.delete_folder(f"user.{USER}")


# Courier-IMAP 5 ---------------------------------------------------------------------------------

COURIER_AUTHDAEMONRC = """\
authmodulelist="authuserdb"
daemons=2
authdaemonvar=/run/courier/authdaemon
DEBUG_LOGIN=0
DEFAULTOPTIONS=""
LOGGEROPTS=""
"""

# Debian's /etc/courier/imapd and imapd-ssl defaults (capabilities as shipped) but for IDLE (a
# choice), Trash purging (off), sendmail (none) and the unpacked couriertls: the environment
# both couriertcpd instances run with.
COURIER_IMAPD = """\
IMAP_CAPABILITY="IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT THREAD=REFERENCES SORT QUOTA IDLE"
IMAP_CAPABILITY_TLS="$IMAP_CAPABILITY AUTH=PLAIN"
IMAP_KEYWORDS=1
IMAP_ACL=1
IMAP_PROXY=0
IMAP_IDLE_TIMEOUT={idle_poll}
IMAP_ENHANCEDIDLE={enhanced_idle}
IMAP_USELOCKS=1
IMAP_MAILBOX_SANITY_CHECK=1
IMAP_DISABLETHREADSORT=0
IMAP_CHECK_ALL_FOLDERS=0
IMAP_OBSOLETE_CLIENT=0
IMAP_UMASK=022
IMAP_SHAREDINDEXFILE=/etc/courier/shared/index
IMAP_TRASHFOLDERNAME=Trash
IMAP_EMPTYTRASH=
IMAP_MOVE_EXPUNGE_TO_TRASH=0
SENDMAIL=/bin/false
HEADERFROM=X-IMAP-Sender
MAILDIRPATH=Maildir
IMAP_STARTTLS=YES
IMAP_TLS_REQUIRED=0
COURIERTLS={tree}/usr/bin/couriertls
TLS_CERTFILE=/etc/courier/imapd.pem
TLS_VERIFYPEER=NONE
"""  # noqa: E501

COURIER_START = """\
#!/bin/sh
# Courier-IMAP test server. Runs inside `unshare --mount`: the binds below cover the paths
# compiled into Courier and its authlib (/etc/courier, /run/courier) for these processes only.
set -e
mount --bind {root}/etc /etc/courier
mount --bind {root}/run /run/courier
set -a
. /etc/courier/authdaemonrc
. /etc/courier/imapd
set +a
umask 022
/usr/lib/courier/courier-authlib/authdaemond &
{tcpd} {port} {tree}/usr/lib/courier/courier/imaplogin {tree}/usr/bin/imapd Maildir &
IMAP_TLS=1 {tcpd} {tls_port} {tree}/usr/bin/couriertls -server -tcpd -user=courier \\
  {tree}/usr/lib/courier/courier/imaplogin {tree}/usr/bin/imapd Maildir &
wait
"""

COURIER_FOLDERS = ("Drafts", "Sent", "Trash")


class Courier(UnpackedServer):
    """A real Courier-IMAP 5.0 (Debian's build) on 127.0.0.1: `port` (plain + STARTTLS),
    `tls_port` (implicit TLS via couriertls), user `tester`/`secret` in a userdb, certificates
    signed by `ca_file`. Maildir++ folders `INBOX.Drafts`, `INBOX.Sent`, `INBOX.Trash`, no
    SPECIAL-USE, no UNSELECT.

    `enhanced_idle=True` (the default here; Debian ships it off) makes IDLE report changes within
    about a second through gamin; off, IDLE polls every `idle_poll_seconds` (Debian: 60).
    Everything Courier prints (logins, errors) lands in `log`."""

    name = "courier"

    def __init__(self, enhanced_idle: bool = True, idle_poll_seconds: int = 60) -> None:
        self.tree = unpacked("courier")
        self.owner = system_user("courier")
        super().__init__(
            Layout(
                "INBOX.",
                ".",
                {"inbox": "INBOX", **{n.lower(): f"INBOX.{n}" for n in COURIER_FOLDERS}},
                special_use=False,
            )
        )
        for host_path in ("/etc/courier", "/usr/lib/courier/courier-authlib/authdaemond"):
            if not os.path.exists(host_path):
                raise ServerError(f"{host_path} is missing (courier-authlib): {INSTALL_HINT}")
        etc = self.root / "etc"
        etc.mkdir()
        (etc / "authdaemonrc").write_text(COURIER_AUTHDAEMONRC)
        (etc / "imapd").write_text(
            COURIER_IMAPD.format(
                tree=self.tree,
                idle_poll=idle_poll_seconds,
                enhanced_idle=1 if enhanced_idle else 0,
            )
        )
        pem = etc / "imapd.pem"
        pem.write_bytes(
            (self.root / "tls" / "key.pem").read_bytes()
            + self.ca_file.with_name("cert.pem").read_bytes()
        )
        os.chown(pem, 0, self.owner.pw_gid)  # as Debian's postinst: couriertls reads it as courier
        pem.chmod(0o640)
        self._write_userdb(etc)
        run = self.root / "run"
        (run / "authdaemon").mkdir(parents=True)
        for path, mode in ((run, 0o775), (run / "authdaemon", 0o750)):
            os.chown(path, 0, self.owner.pw_gid)
            path.chmod(mode)
        tcpd = (
            f"{self.tree}/usr/sbin/couriertcpd -address={HOST} -nodnslookup -noidentlookup"
            " -maxprocs=40 -maxperip=40"
        )
        self.script = self.root / "start.sh"
        self.script.write_text(
            COURIER_START.format(
                root=self.root, tree=self.tree, tcpd=tcpd, port=self.port, tls_port=self.tls_port
            )
        )
        self.reset()

    def _write_userdb(self, etc: Path) -> None:
        digest = base64.b64encode(hashlib.sha256(PASSWORD.encode()).digest()).decode()
        home = self.root / "home" / USER
        fields = (
            f"uid={self.owner.pw_uid}|gid={self.owner.pw_gid}|home={home}"
            f"|mail={self.maildir_path}|systempw={{SHA256}}{digest}"
        )
        userdb = etc / "userdb"
        userdb.write_text(f"{USER}\t{fields}\n")
        userdb.chmod(0o600)  # makeuserdb refuses a readable one
        done = subprocess.run(
            ["makeuserdb", "-f", str(userdb)],
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
        )
        if done.returncode != 0:
            raise ServerError(f"makeuserdb: {done.stderr.strip()}")

    @property
    def maildir_path(self) -> Path:
        return self.root / "home" / USER / "Maildir"

    def _command(self) -> list[str]:
        if not os.path.isdir("/run/courier"):
            # The mount point the namespace covers; courier-authdaemon's tmpfiles.d makes it at
            # boot, a container never ran that.
            os.makedirs("/run/courier", mode=0o775)
            os.chown("/run/courier", 0, self.owner.pw_gid)
        unshare = shutil.which("unshare")
        if unshare is None:
            raise ServerError("unshare (util-linux) is not installed")
        return [unshare, "--mount", "--propagation", "private", "/bin/sh", str(self.script)]

    def _wait_ready(self) -> None:
        socket_path = self.root / "run" / "authdaemon" / "socket"
        deadline = time.monotonic() + START_TIMEOUT
        while not socket_path.exists():
            if time.monotonic() > deadline:
                raise ServerError("courier: authdaemond did not make its socket")
            time.sleep(0.01)

    def reset(self) -> None:
        """Back to a new account: an empty Maildir with INBOX.Drafts, INBOX.Sent, INBOX.Trash,
        all subscribed, none ever opened (so each has no UIDVALIDITY of its own yet). Courier
        keeps nothing in memory between sessions; close clients first."""
        home = self.maildir_path.parent
        shutil.rmtree(home, ignore_errors=True)
        for folder in ("", *(f".{name}" for name in COURIER_FOLDERS)):
            for part in ("cur", "new", "tmp"):
                (self.maildir_path / folder / part).mkdir(parents=True)
            if folder:
                (self.maildir_path / folder / "maildirfolder").touch()
        (self.maildir_path / "courierimapsubscribed").write_text(
            "".join(f"INBOX.{name}\n" for name in COURIER_FOLDERS)
        )
        chown_tree(home, self.owner.pw_uid, self.owner.pw_gid)

    def folder_path(self, folder: str) -> Path:
        """The Maildir++ directory holding `folder` (names are modified UTF-7 on disk)."""
        if folder == "INBOX":
            return self.maildir_path
        encoded: bytes = imap_utf7_encode(folder.removeprefix("INBOX."))
        return self.maildir_path / ("." + encoded.decode())

    def deliver(self, folder: str, raw: bytes) -> Path:
        """Put a message straight into `folder`'s Maildir `new/`, as a local delivery agent
        does, so mail can arrive while the IMAP server is down. Returns the file."""
        new = self.folder_path(folder) / "new"
        path = new / f"{time.time_ns()}.P{os.getpid()}.{socket.gethostname()}"
        temporary = self.folder_path(folder) / "tmp" / path.name
        temporary.write_bytes(raw)
        os.chown(temporary, self.owner.pw_uid, self.owner.pw_gid)
        temporary.rename(path)
        return path

    def reset_uidvalidity(self, folder: str) -> None:
        """Make Courier forget `folder`'s UIDs: the next session gives it a new UIDVALIDITY
        and numbers its messages afresh; the messages stay. Courier caches nothing, so this
        works while it runs."""
        with contextlib.suppress(FileNotFoundError):
            (self.folder_path(folder) / "courierimapuiddb").unlink()
