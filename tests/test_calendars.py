"""Calendar sources end to end: a real Radicale (CalDAV), an ICS feed served on loopback with
conditional GET, and a local vdir folder; each read by `interview-agent once` over a local
Maildir and checked in `status --json`."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from harness import Cli, child
from helpers import INTERVIEWERS, PASSWORD_ENV, calendar_text, invite_eml, maildir_config
from servers import PASSWORD, USER, Radicale

from agent.calendars import LocalCalendar
from agent.calendars.remote import CalDavCalendar, IcsUrlCalendar, open_remote
from agent.config import CalendarConfig, parse_config
from agent.errors import AuthenticationFailed, ConnectionFailed
from agent.ingest.mailbox import interview_id

NOW = datetime(2026, 10, 6, 21, 0, tzinfo=UTC)
START = datetime(2026, 10, 6, 18, 0, tzinfo=UTC)
END = START + timedelta(hours=1)


def vevent(
    uid: str,
    summary: str,
    start: datetime = START,
    *,
    rrule: str = "",
    organizer: str = "dana.lee@globex.example",
) -> str:
    """A calendar object as a CalDAV server stores it (no METHOD)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//interview-agent tests//EN",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20261001T120000Z",
        f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
        f"DTEND:{start + timedelta(hours=1):%Y%m%dT%H%M%SZ}",
        *([f"RRULE:{rrule}"] if rrule else []),
        f"SUMMARY:{summary}",
        f"ORGANIZER;CN=Dana Lee:mailto:{organizer}",
        "ATTENDEE;CN=Alex Rivera:mailto:alex@example.com",
        f"ATTENDEE;CN=Dana Lee:mailto:{organizer}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"


def stored(ics: str) -> str:
    return ics.replace("METHOD:REQUEST\r\n", "")


class Setup(Cli):
    """A Maildir account, a config with the given [[calendars]], and the CLI."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.mail = tmp_path / "Mail"
        for sub in ("cur", "new", "tmp"):
            (self.mail / sub).mkdir(parents=True)
        super().__init__(maildir_config(tmp_path / "config", self.mail))
        monkeypatch.setenv(PASSWORD_ENV, PASSWORD)

    def calendar(self, **keys: object) -> None:
        lines = ["", "[[calendars]]"] + [f"{k} = {json.dumps(v)}" for k, v in keys.items()]
        with self.config.open("a") as config:
            config.write("\n".join(lines) + "\n")

    def once(self, now: datetime = NOW) -> None:
        super().once(now)

    def interviews(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.status(NOW)["interviews"]
        return found


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Setup:
    return Setup(tmp_path, monkeypatch)


def caldav_keys(radicale: Radicale, name: str, interviews_only: bool) -> dict[str, object]:
    return {
        "name": name,
        "type": "caldav",
        "url": radicale.calendar_url(name),
        "username": USER,
        "password_env": PASSWORD_ENV,
        "interviews_only": interviews_only,
    }


def test_caldav_event_in_an_interviews_calendar_is_an_interview(
    setup: Setup, radicale: Radicale
) -> None:
    radicale.create_calendar("interviews")
    radicale.create_calendar("personal")
    radicale.put_event(vevent("chat-1", "Chat with Dana"), "chat-1", "interviews")
    radicale.put_event(
        vevent("chat-2", "Chat with Dana", START + timedelta(days=1)), "chat-2", "personal"
    )
    setup.calendar(**caldav_keys(radicale, "interviews", True))
    setup.calendar(**caldav_keys(radicale, "personal", False))
    setup.once()

    interviews = setup.interviews()
    assert [i["id"] for i in interviews] == [interview_id("chat-1")]  # not the personal one
    interview = interviews[0]
    assert interview["start"].startswith("2026-10-06T14:00")  # shown in America/New_York
    assert {p["email"] for p in interview["people"]} >= {"dana.lee@globex.example"}
    kinds = {f["kind"] for f in interview["followups"]}
    assert "thank_you" in kinds
    assert all(f["to"] != "alex@example.com" for f in interview["followups"])


def test_caldav_polls_return_none_until_the_collection_changes(
    radicale: Radicale, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    radicale.create_calendar("interviews")
    radicale.put_event(vevent("chat-1", "Chat with Dana"), "chat-1", "interviews")
    config = load_calendar(caldav_keys(radicale, "interviews", True))
    source = open_remote(config)
    assert isinstance(source, CalDavCalendar)
    first = source.texts()
    assert first is not None and len(first) == 1
    assert source.texts() is None
    radicale.put_event(vevent("chat-2", "Chat with Dana"), "chat-2", "interviews")
    second = source.texts()
    assert second is not None and len(second) == 2

    monkeypatch.setenv(PASSWORD_ENV, "wrong")
    with pytest.raises(AuthenticationFailed, match="refused access"):
        open_remote(config).texts()


def load_calendar(keys: dict[str, object]) -> CalendarConfig:
    data = {
        "me": {"name": "Alex Rivera", "email": "alex@example.com", "timezone": "America/New_York"},
        "maildir": {"path": "/tmp"},
        "calendars": [keys],
    }
    return parse_config(data, Path("config.toml")).calendars[0]


def test_same_uid_in_mail_and_calendar_is_one_interview(setup: Setup, radicale: Radicale) -> None:
    sent = START - timedelta(days=5)
    (setup.mail / "new" / "1.invite").write_bytes(invite_eml(start=START, end=END, sent=sent))
    radicale.create_calendar("work")
    radicale.put_event(stored(calendar_text(start=START, end=END, sent=sent)), "invite", "work")
    setup.calendar(**caldav_keys(radicale, "work", False))
    setup.once()
    setup.once()  # a second pass (calendar unchanged) changes nothing

    interviews = setup.interviews()
    assert len(interviews) == 1
    thank_yous = [f for f in interviews[0]["followups"] if f["kind"] == "thank_you"]
    assert sorted(f["to"] for f in thank_yous) == sorted(a for _, a in INTERVIEWERS)
    assert len(list((setup.mail / ".Drafts" / "cur").iterdir())) == len(thank_yous)


def test_secondly_rrule_does_not_hang(setup: Setup, radicale: Radicale) -> None:
    radicale.create_calendar("interviews")
    storm = vevent(
        "storm-1", "Interview storm", datetime(1970, 1, 1, tzinfo=UTC), rrule="FREQ=SECONDLY"
    )
    radicale.put_event(storm, "storm-1", "interviews")
    radicale.put_event(vevent("chat-1", "Chat with Dana"), "chat-1", "interviews")
    setup.calendar(**caldav_keys(radicale, "interviews", True))
    started = time.monotonic()
    done = child(
        setup.config, "once", "--now", NOW.isoformat(), env={PASSWORD_ENV: PASSWORD}, timeout=120
    )
    assert done.code == 0, done.err
    assert time.monotonic() - started < 60
    assert [i["id"] for i in setup.interviews()] == [interview_id("chat-1")]


class FeedServer:
    """An ICS feed on 127.0.0.1 that answers If-None-Match with 304, in a thread."""

    def __init__(self, body: str) -> None:
        self.body = body.encode()
        self.etag = '"v1"'
        self.requests: list[dict[str, str]] = []
        self.redirect = ""
        feed = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                feed.requests.append(dict(self.headers.items()))
                if feed.redirect:
                    self.send_response(302)
                    self.send_header("Location", feed.redirect)
                    self.end_headers()
                    return
                if self.headers.get("If-None-Match") == feed.etag:
                    self.send_response(304)
                    self.send_header("ETag", feed.etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar; charset=utf-8")
                self.send_header("ETag", feed.etag)
                self.send_header("Content-Length", str(len(feed.body)))
                self.end_headers()
                self.wfile.write(feed.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/alex/basic.ics"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def feed() -> Iterator[FeedServer]:
    server = FeedServer(vevent("feed-1", "Interview with Globex"))
    yield server
    server.close()


def test_ics_url_answers_304_on_the_second_poll(feed: FeedServer) -> None:
    source = open_remote(CalendarConfig("feed", "ics", feed.url, None, None, None, True, None))
    assert isinstance(source, IcsUrlCalendar)
    first = source.texts()
    assert first is not None and "feed-1" in first[0]
    assert source.texts() is None
    assert "If-None-Match" not in feed.requests[0]
    assert feed.requests[1]["If-None-Match"] == '"v1"'

    feed.body, feed.etag = vevent("feed-2", "Interview with Globex").encode(), '"v2"'
    changed = source.texts()
    assert changed is not None and "feed-2" in changed[0]


def test_ics_url_refuses_a_downgrade_and_a_huge_feed(feed: FeedServer) -> None:
    config = CalendarConfig("feed", "ics", feed.url, None, None, None, True, None)
    with pytest.raises(ConnectionFailed, match="larger than"):
        IcsUrlCalendar(config, max_bytes=100).texts()
    feed.redirect = "http://calendar.example.com/alex.ics"
    with pytest.raises(ConnectionFailed, match="plain http"):
        IcsUrlCalendar(config).texts()


def test_ics_url_feeds_status(setup: Setup, feed: FeedServer) -> None:
    setup.calendar(name="feed", type="ics", url=feed.url, interviews_only=True)
    setup.once()
    assert [i["id"] for i in setup.interviews()] == [interview_id("feed-1")]


def test_local_vdir_folder(setup: Setup, tmp_path: Path) -> None:
    vdir = tmp_path / "calendars" / "interviews"
    vdir.mkdir(parents=True)
    (vdir / "a.ics").write_text(vevent("vdir-1", "Interview with Globex"))
    (vdir / "b.ics").write_text(
        vevent("vdir-2", "Final round with Globex", START + timedelta(days=2))
    )
    (vdir / "notes.txt").write_text("not a calendar")
    setup.calendar(name="local", type="ics", url=str(vdir), interviews_only=True)
    setup.once()
    assert {i["id"] for i in setup.interviews()} == {interview_id("vdir-1"), interview_id("vdir-2")}

    source = LocalCalendar(CalendarConfig("local", "ics", str(vdir), vdir, None, None, True, None))
    assert source.texts() is not None
    assert source.texts() is None
    (vdir / "b.ics").unlink()
    changed = source.texts()
    assert changed is not None and len(changed) == 1


def test_mail_about_a_calendar_interview_is_read_in_the_same_first_pass(
    setup: Setup, tmp_path: Path
) -> None:
    """The interview is known only from a calendar; the company's reply stating a timeline is
    in the mailbox already. Calendars are read first, so the reply counts in the first pass."""
    vdir = tmp_path / "calendars" / "interviews"
    vdir.mkdir(parents=True)
    (vdir / "a.ics").write_text(vevent("vdir-1", "Interview with Globex"))
    setup.calendar(name="local", type="ics", url=str(vdir), interviews_only=True)
    reply = (
        "From: Dana Lee <dana.lee@globex.example>\r\nTo: Alex Rivera <alex@example.com>\r\n"
        "Subject: Thanks for today\r\nMessage-ID: <reply-1@globex.example>\r\n"
        "Date: Tue, 06 Oct 2026 16:00:00 -0400\r\n\r\n"
        "Hi Alex,\r\n\r\nThanks for your time today. We'll get back to you by the end of "
        "next week.\r\n\r\nDana\r\n"
    )
    (setup.mail / "new" / "1791300000.reply.host").write_text(reply)
    setup.once()
    (interview,) = setup.interviews()
    (check_in,) = [f for f in interview["followups"] if f["kind"] == "check_in"]
    assert "end of next week" in check_in["reason"]
