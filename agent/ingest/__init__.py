"""Ingesting: what the sources hold becomes the state's interviews and message records. New mail
in INBOX, Sent and the interviews folder (`mailbox`) and the events of every calendar
(`calendars`) go through understanding; this is the one stage that joins sources, understanding
and the state store."""

from agent.ingest.calendars import sync_calendars
from agent.ingest.mailbox import MailSync, SyncReport

__all__ = ["MailSync", "SyncReport", "sync_calendars"]
