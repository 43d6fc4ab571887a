"""The state store: SQLite with a schema version and forward migrations.

It remembers where each folder was read up to (keyed by UIDVALIDITY), the interviews found,
the messages that matter to planning (indexed by address, domain and thread, so planning loads
only the messages around the interviews, not the whole mailbox's), and every follow-up key
with its draft. Drafts already
placed are recorded here, so the file is never dropped: a newer schema is migrated forward,
and a file from a newer program is refused rather than rewritten. The file is private (0600)
in a private folder (0700). Each write is one explicit transaction.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from agent.errors import StateError
from agent.model import FollowUpRecord, Interview, MessageRecord, Note
from agent.state import codec

SCHEMA_VERSION = 2
_GENERATION = "generation"  # meta key: see StateStore.generation

MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE folders (
        folder TEXT PRIMARY KEY,
        uidvalidity INTEGER NOT NULL,
        last_uid INTEGER NOT NULL
    );
    CREATE TABLE interviews (
        id TEXT PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        facts TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        source TEXT NOT NULL,
        source_message_id TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE notes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        interview_id TEXT NOT NULL REFERENCES interviews(id),
        text TEXT NOT NULL,
        promise_due TEXT,
        added TEXT NOT NULL
    );
    CREATE TABLE messages (
        message_id TEXT PRIMARY KEY,
        date TEXT NOT NULL,
        record TEXT NOT NULL
    );
    CREATE INDEX messages_by_date ON messages(date);
    CREATE TABLE followups (
        key TEXT PRIMARY KEY,
        interview_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        state TEXT NOT NULL,
        record TEXT NOT NULL
    );
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    2: """
    CREATE TABLE message_keys (
        key TEXT NOT NULL,
        message_id TEXT NOT NULL,
        PRIMARY KEY (key, message_id)
    ) WITHOUT ROWID;
    CREATE INDEX message_keys_by_message ON message_keys(message_id);
    """,
}


def _message_keys(record: MessageRecord) -> set[str]:
    """What a message can be found by: "e:" addresses and "d:" domains of its sender and
    recipients, its company domain, and "t:" every Message-ID of its thread (its own too)."""
    keys = {f"t:{mid}" for mid in record.thread_ids}
    for address in (record.from_, *record.to):
        if address.email:
            keys.add(f"e:{address.email}")
        if address.domain:
            keys.add(f"d:{address.domain}")
    if record.company_domain:
        keys.add(f"d:{record.company_domain}")
    return keys


class StateStore:
    """All persistent state. Open with `StateStore.open(path)`; one writer at a time."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    def open(cls, path: Path) -> StateStore:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if path.parent.name == "interview-agent":
                os.chmod(path.parent, 0o700)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            os.close(fd)
            os.chmod(path, 0o600)
            conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        except (OSError, sqlite3.Error) as exc:
            raise StateError(f"cannot open the state file {path}: {exc}") from exc
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        store = cls(conn, path)
        store._migrate()
        return store

    def close(self) -> None:
        self._conn.close()

    def changes(self) -> int:
        """Rows written so far through this store: equal before and after a step means the
        step changed nothing, so what was read before it still holds."""
        return self._conn.total_changes

    def generation(self) -> int:
        """How many writes to what planning reads (interviews, notes, messages, follow-ups)
        the file has seen, across processes: equal at two moments means planning's input
        did not change in between. Folder positions and meta do not count."""
        return int(self.get_meta(_GENERATION) or 0)

    @contextmanager
    def transaction(self, *, planning_input: bool = True) -> Iterator[sqlite3.Connection]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            before = self._conn.total_changes
            yield self._conn
            if planning_input and self._conn.total_changes != before:
                self._conn.execute(
                    "INSERT INTO meta VALUES (?, '1') ON CONFLICT(key) DO UPDATE SET "
                    "value = CAST(value AS INTEGER) + 1",
                    (_GENERATION,),
                )
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def _migrate(self) -> None:
        version = int(self._conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StateError(
                f"{self.path} was written by a newer interview-agent (schema {version}); "
                "upgrade interview-agent instead of deleting the file"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self.transaction() as conn:
                for statement in MIGRATIONS[target].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                if target == 2:
                    self._index_messages(
                        conn, self._decoded(conn.execute("SELECT record FROM messages"))
                    )
                conn.execute(f"PRAGMA user_version = {target}")

    # -- meta -------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction(planning_input=False) as conn:
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # -- folders ----------------------------------------------------------------------------

    def folder_position(self, folder: str) -> tuple[int, int] | None:
        row = self._conn.execute(
            "SELECT uidvalidity, last_uid FROM folders WHERE folder = ?", (folder,)
        ).fetchone()
        return None if row is None else (int(row[0]), int(row[1]))

    def set_folder_position(self, folder: str, uidvalidity: int, last_uid: int) -> None:
        with self.transaction(planning_input=False) as conn:
            conn.execute(
                "INSERT OR REPLACE INTO folders VALUES (?, ?, ?)", (folder, uidvalidity, last_uid)
            )

    # -- interviews -------------------------------------------------------------------------

    def interviews(self) -> list[Interview]:
        notes: dict[str, list[Note]] = {}
        for iid, text, due, added in self._conn.execute(
            "SELECT interview_id, text, promise_due, added FROM notes ORDER BY id"
        ):
            notes.setdefault(iid, []).append(
                Note(
                    text=text,
                    promise_due=date.fromisoformat(due) if due else None,
                    added=datetime.fromisoformat(added),
                )
            )
        result = []
        for iid, _uid, facts, first_seen, source, source_mid in self._conn.execute(
            "SELECT id, uid, facts, first_seen, source, source_message_id FROM interviews"
        ):
            result.append(
                Interview(
                    id=iid,
                    facts=codec.facts_from_json(json.loads(facts)),
                    first_seen=datetime.fromisoformat(first_seen),
                    source=source,
                    source_message_id=source_mid,
                    notes=tuple(notes.get(iid, ())),
                )
            )
        result.sort(key=lambda interview: interview.start)
        return result

    def save_interview(self, interview: Interview) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO interviews VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                "uid = excluded.uid, facts = excluded.facts",
                (
                    interview.id,
                    interview.facts.uid,
                    json.dumps(codec.facts_to_json(interview.facts)),
                    interview.first_seen.isoformat(),
                    interview.source,
                    interview.source_message_id,
                ),
            )

    def add_note(self, interview_id: str, note: Note) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO notes (interview_id, text, promise_due, added) VALUES (?, ?, ?, ?)",
                (
                    interview_id,
                    note.text,
                    note.promise_due.isoformat() if note.promise_due else None,
                    (note.added or datetime.min).isoformat(),
                ),
            )

    # -- messages ---------------------------------------------------------------------------

    def has_message(self, message_id: str) -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM messages WHERE message_id = ?", (message_id,)
        ).fetchone()
        return row is not None

    def save_messages(self, records: list[MessageRecord]) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO messages VALUES (?, ?, ?)",
                [
                    (r.message_id, r.date.isoformat(), json.dumps(codec.record_to_json(r)))
                    for r in records
                ],
            )
            conn.executemany(
                "DELETE FROM message_keys WHERE message_id = ?", [(r.message_id,) for r in records]
            )
            self._index_messages(conn, records)

    @staticmethod
    def _index_messages(conn: sqlite3.Connection, records: Iterable[MessageRecord]) -> None:
        conn.executemany(
            "INSERT OR IGNORE INTO message_keys VALUES (?, ?)",
            [(key, r.message_id) for r in records for key in _message_keys(r)],
        )

    @staticmethod
    def _decoded(rows: Iterable[tuple[str]]) -> list[MessageRecord]:
        return [codec.record_from_json(json.loads(raw)) for (raw,) in rows]

    def messages(self) -> list[MessageRecord]:
        return self._decoded(self._conn.execute("SELECT record FROM messages ORDER BY date"))

    def messages_with(self, keys: Iterable[str]) -> list[MessageRecord]:
        """The messages having any of `keys` (see `_message_keys`), oldest first."""
        return self._decoded(
            self._conn.execute(
                "SELECT record FROM messages WHERE message_id IN (SELECT message_id FROM "
                "message_keys WHERE key IN (SELECT value FROM json_each(?))) ORDER BY date",
                (json.dumps(sorted(set(keys))),),
            )
        )

    def messages_around(
        self,
        interviews: Iterable[Interview],
        followups: Iterable[FollowUpRecord],
        me: frozenset[str],
    ) -> list[MessageRecord]:
        """Every message planning can relate to these interviews and follow-ups, oldest first:
        those from or to their people, domains and threads (and the drafts' own Message-IDs),
        then the messages in the threads of those and to or from their senders. Planning on
        this subset decides what it decides on the whole store."""
        keys: set[str] = set()
        for interview in interviews:
            keys.update(f"e:{p.email}" for p in interview.facts.people if p.email)
            keys.update(f"d:{d}" for d in interview.facts.company_domains if d)
            if interview.source_message_id:
                keys.add(f"t:{interview.source_message_id}")
        for record in followups:
            keys.update(f"e:{a.email}" for a in record.recipients if a.email)
            if record.draft_message_id:
                keys.add(f"t:{record.draft_message_id}")
        if not keys:
            return []
        more = set(keys)
        for message_id, sender in self._conn.execute(  # the first ring, read without decoding
            "SELECT message_id, json_extract(record, '$.from[1]') FROM messages WHERE "
            "message_id IN (SELECT message_id FROM message_keys WHERE key IN "
            "(SELECT value FROM json_each(?)))",
            (json.dumps(sorted(keys)),),
        ):
            if message_id:
                more.add(f"t:{message_id}")
            if sender and sender not in me:
                more.add(f"e:{sender}")
        return self.messages_with(more)

    # -- follow-ups -------------------------------------------------------------------------

    def followups(self) -> dict[str, FollowUpRecord]:
        return {
            key: codec.followup_from_json(json.loads(raw))
            for key, raw in self._conn.execute("SELECT key, record FROM followups")
        }

    def draft_message_ids(self) -> set[str]:
        """The Message-IDs of every draft the agent placed (a reply to one is in its thread)."""
        rows = self._conn.execute(
            "SELECT json_extract(record, '$.draft_message_id') FROM followups"
        )
        return {value for (value,) in rows if value}

    def followup(self, key: str) -> FollowUpRecord | None:
        row = self._conn.execute("SELECT record FROM followups WHERE key = ?", (key,)).fetchone()
        return None if row is None else codec.followup_from_json(json.loads(row[0]))

    def save_followup(self, record: FollowUpRecord) -> None:
        with self.transaction() as conn:
            self._put_followup(conn, record)

    def save_followups(self, records: list[FollowUpRecord]) -> None:
        with self.transaction() as conn:
            for record in records:
                self._put_followup(conn, record)

    @staticmethod
    def _put_followup(conn: sqlite3.Connection, record: FollowUpRecord) -> None:
        conn.execute(
            "INSERT OR REPLACE INTO followups VALUES (?, ?, ?, ?, ?)",
            (
                record.key,
                record.interview_id,
                str(record.kind),
                str(record.state),
                json.dumps(codec.followup_to_json(record)),
            ),
        )

    def delete_followup(self, key: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM followups WHERE key = ?", (key,))
