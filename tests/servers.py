"""Real servers on loopback for integration tests: Dovecot 2.3 (IMAP, RFC 9051/6154), Radicale 3
(CalDAV, RFC 4791) and a TCP proxy that counts and cuts traffic.

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


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
    user `tester`/`secret`, certificates signed by the CA in `ca_file`."""

    def __init__(self, layout: str = "standard", idle_notify_seconds: int = 30) -> None:
        self.layout = LAYOUTS[layout]
        self.folder_names = dict(self.layout.folders)
        self.root = short_tempdir("dovecot-")
        self.root.chmod(0o755)  # the unprivileged login and mail processes must traverse it
        self.port = free_port()
        self.tls_port = free_port()
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
        capability = (
            "" if layout.special_use else (f"imap_capability = {CAPABILITIES_WITHOUT_SPECIAL_USE}")
        )
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
