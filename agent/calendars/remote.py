"""Calendars on a server: an ICS feed over HTTPS (RFC 5545 text fetched with a conditional
GET, RFC 9110 13.1) and a CalDAV collection (RFC 4791; change markers from RFC 6578's
DAV:sync-token or CalendarServer's getctag).

`texts()` returns the iCalendar texts of the collection, or None when nothing changed since
the last poll. Failures raise `ConnectionFailed`, `AuthenticationFailed` or `CertificateError`
with one line naming the calendar and its host, never the full URL (feed URLs often carry a
private token), a password or an event's text.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import inspect
import ipaddress
import os
import ssl
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlsplit

from agent import __version__
from agent.calendars.source import CalendarSource
from agent.config.secrets import Secret, resolve_secret
from agent.config.types import CalendarConfig
from agent.errors import AuthenticationFailed, CertificateError, ConnectionFailed

MAX_BYTES = 20 * 1024 * 1024
TIMEOUT_SECONDS = 30.0
USER_AGENT = f"interview-agent/{__version__}"


def open_remote(
    calendar: CalendarConfig, environ: Mapping[str, str] | None = None
) -> CalendarSource:
    """The source for an http(s) `[[calendars]]` entry (local files are `LocalCalendar`)."""
    env = os.environ if environ is None else environ
    if calendar.type == "caldav":
        return CalDavCalendar(calendar, environ=env)
    return IcsUrlCalendar(calendar, environ=env)


def _host(url: str) -> str:
    return urlsplit(url).hostname or "?"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _tls_context(calendar: CalendarConfig) -> ssl.SSLContext:
    ca_file = str(calendar.tls_ca_file) if calendar.tls_ca_file else None
    context = ssl.create_default_context(cafile=ca_file)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _secret(calendar: CalendarConfig, environ: Mapping[str, str]) -> Secret | None:
    return None if calendar.auth is None else resolve_secret(calendar.auth, environ=environ)


def _digest(texts: list[str]) -> str:
    hasher = hashlib.sha256()
    for text in texts:
        hasher.update(hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest())
    return hasher.hexdigest()


class _SafeRedirect(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to https (or http on loopback), and never carry the
    Authorization header to another host (urllib would)."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        target = urlsplit(newurl)
        if target.scheme != "https" and not (
            target.scheme == "http" and _is_loopback(target.hostname or "")
        ):
            raise ConnectionFailed(
                f"the calendar at {_host(req.full_url)} redirects to a plain http:// address; "
                "refusing to follow it"
            )
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and target.hostname != urlsplit(req.full_url).hostname:
            for name in list(new.headers):
                if name.lower() == "authorization":
                    del new.headers[name]
        return new


@dataclass
class IcsUrlCalendar:
    """An iCalendar feed over https (or http on loopback). Polls are conditional GETs
    (If-None-Match / If-Modified-Since): a 304, or the same bytes again, is "unchanged"."""

    config: CalendarConfig
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    timeout: float = TIMEOUT_SECONDS
    max_bytes: int = MAX_BYTES
    _etag: str = ""
    _last_modified: str = ""
    _digest: str = ""

    def texts(self) -> list[str] | None:
        url, name = self.config.url, self.config.name
        where = f"calendar {name} ({_host(url)})"
        request = urllib.request.Request(url, headers=self._headers())
        opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=_tls_context(self.config)), _SafeRedirect()
        )
        try:
            with opener.open(request, timeout=self.timeout) as response:
                body = response.read(self.max_bytes + 1)
                etag = response.headers.get("ETag", "")
                last_modified = response.headers.get("Last-Modified", "")
                charset = response.headers.get_content_charset() or "utf-8"
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                return None
            if exc.code in (401, 403):
                raise AuthenticationFailed(
                    f"{where} refused access (HTTP {exc.code}); check its username and password"
                ) from None
            raise ConnectionFailed(f"{where} answered HTTP {exc.code} {exc.reason}") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, ssl.SSLCertVerificationError):
                raise CertificateError(
                    f"{where}: the TLS certificate is not trusted ({exc.reason.verify_message}); "
                    "set tls_ca_file for a private CA"
                ) from None
            raise ConnectionFailed(f"{where} cannot be reached: {exc.reason}") from None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            raise ConnectionFailed(f"{where} failed: {type(exc).__name__}: {exc}") from None
        if len(body) > self.max_bytes:
            raise ConnectionFailed(
                f"{where} is larger than {self.max_bytes // (1024 * 1024)} MB; skipped"
            )
        try:
            text = body.decode(charset, "replace")
        except LookupError:
            text = body.decode("utf-8", "replace")
        self._etag, self._last_modified = etag, last_modified
        digest = _digest([text])
        if digest == self._digest:
            return None
        self._digest = digest
        return [text]

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "text/calendar, */*;q=0.5", "User-Agent": USER_AGENT}
        if self._etag:
            headers["If-None-Match"] = self._etag
        if self._last_modified:
            headers["If-Modified-Since"] = self._last_modified
        secret = _secret(self.config, self.environ)
        if secret is not None:
            if secret.kind == "oauth2":
                headers["Authorization"] = f"Bearer {secret.value}"
            else:
                pair = f"{self.config.username or ''}:{secret.value}".encode()
                headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        return headers


def _ctag_element() -> Any:
    from caldav.elements.base import ValuedBaseElement

    class GetCtag(ValuedBaseElement):
        tag: ClassVar[str] = "{http://calendarserver.org/ns/}getctag"

    return GetCtag()


@dataclass
class CalDavCalendar:
    """One CalDAV calendar collection (the `url` is the collection itself).

    Each poll asks for the collection's change marker (DAV:sync-token, else getctag) in one
    PROPFIND and, only when it moved, fetches every VEVENT in one calendar-query REPORT. The
    query has no time-range on purpose: a server evaluating one expands recurrences itself,
    and a hostile RRULE can hang it (seen with Radicale and FREQ=SECONDLY); `ical` expands
    within a bounded window instead.
    """

    config: CalendarConfig
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    timeout: float = TIMEOUT_SECONDS
    _client: Any = None
    _calendar: Any = None
    _marker: str = ""
    _digest: str = ""

    def texts(self) -> list[str] | None:
        from caldav.lib import error as dav_error

        where = f"calendar {self.config.name} ({_host(self.config.url)})"
        try:
            calendar = self._connect()
            marker = self._change_marker(calendar)
            if marker and marker == self._marker:
                return None
            objects = calendar.search(event=True)
            texts = [str(obj.data) for obj in objects if obj.data]
        except dav_error.AuthorizationError as exc:
            self._reset()
            raise AuthenticationFailed(
                f"{where} refused access (HTTP {exc.status or 401}); check its username and "
                "password"
            ) from None
        except dav_error.NotFoundError:
            self._reset()
            raise ConnectionFailed(
                f"{where}: no calendar at that URL; the url must be the calendar collection itself"
            ) from None
        except dav_error.DAVError as exc:
            self._reset()
            raise ConnectionFailed(f"{where}: {type(exc).__name__} ({exc.reason})") from None
        except ssl.SSLCertVerificationError as exc:
            self._reset()
            raise CertificateError(
                f"{where}: the TLS certificate is not trusted ({exc.verify_message}); set "
                "tls_ca_file for a private CA"
            ) from None
        except OSError as exc:  # niquests' errors are OSErrors
            self._reset()
            if "CERTIFICATE_VERIFY_FAILED" in str(exc):
                raise CertificateError(
                    f"{where}: the TLS certificate is not trusted; set tls_ca_file for a private CA"
                ) from None
            raise ConnectionFailed(f"{where} cannot be reached: {type(exc).__name__}") from None
        self._marker = marker
        digest = _digest(texts)
        if digest == self._digest:
            return None
        self._digest = digest
        return texts

    def _connect(self) -> Any:
        if self._calendar is not None:
            return self._calendar
        from caldav.davclient import DAVClient

        secret = _secret(self.config, self.environ)
        options: dict[str, Any] = {
            "url": self.config.url,
            "timeout": int(self.timeout),
            "ssl_verify_cert": str(self.config.tls_ca_file) if self.config.tls_ca_file else True,
        }
        accepted = inspect.signature(DAVClient).parameters
        if "enable_rfc6764" in accepted:  # caldav 2+: the URL is the collection, no discovery
            options["enable_rfc6764"] = False
        if secret is not None and secret.kind == "oauth2":
            options["headers"] = {"Authorization": f"Bearer {secret.value}"}
        elif secret is not None:
            options["username"] = self.config.username
            options["password"] = secret.value
        self._client = DAVClient(**options)
        self._calendar = self._client.calendar(url=self.config.url)
        return self._calendar

    def _change_marker(self, calendar: Any) -> str:
        from caldav.elements import dav

        properties = calendar.get_properties([dav.SyncToken(), _ctag_element()])
        for key in ("{DAV:}sync-token", "{http://calendarserver.org/ns/}getctag"):
            value = properties.get(key) if isinstance(properties, dict) else None
            if value:
                return f"{key}={value}"
        return ""

    def _reset(self) -> None:
        client, self._client, self._calendar = self._client, None, None
        if client is not None:
            client.close()
