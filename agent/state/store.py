"""The state store: SQLite with a schema version and forward migrations.

It remembers where each folder was read up to (keyed by UIDVALIDITY), the interviews found,
the messages that matter to planning (indexed by address, domain and thread, so planning loads
only the messages around the interviews, not the whole mailbox's), and every follow-up key
with its draft. Drafts already
placed are recorded here, so the file is never dropped: a newer schema is migrated forward,
and a file from a newer program is refused rather than rewritten. The file is private (0600)
in a private folder (0700). Each write is one explicit transaction.

A state file that cannot be trusted is never replaced: an empty, truncated or damaged file,
or one that is not this program's, stops the command (exit 78) with the file's name and what
to do. A new file is built beside its final name and linked into place only once its schema
is written, so a crash while creating it can never leave an empty file behind. Migrations run
inside the write transaction that reads `user_version`, so two processes starting on a new
file cannot both create its tables. Every error names the file.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from agent.errors import AgentError, StateBusy, StateError
from agent.model import FollowUpRecord, Interview, MessageRecord, Note
from agent.state import codec

SCHEMA_VERSION = 3
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
    # `note --for ADDRESS` (a note for one person's draft) and `note --promise ... --to ADDRESS`
    3: """
    ALTER TABLE notes ADD COLUMN for_email TEXT NOT NULL DEFAULT '';
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


BUSY_TIMEOUT_SECONDS = 10.0
SQLITE_MAGIC = b"SQLite format 3\x00"
_TABLES = frozenset({"folders", "interviews", "notes", "messages", "followups", "meta"})


def _aside(path: Path) -> str:
    return (
        f"It is never replaced silently. Move it aside (mv '{path}' '{path}.broken') and run "
        "again to start afresh: drafts already in your Drafts folder are found by their key, "
        "so none is placed twice, but follow-ups you dismissed or deleted may be drafted again"
    )


def state_failure(path: Path, exc: sqlite3.Error | OSError) -> AgentError:
    """The error for a failure reading or writing the state file `path`, naming it."""
    text = str(exc).strip() or type(exc).__name__
    lowered = text.lower()
    if isinstance(exc, OSError):
        return StateError(f"cannot use the state file {path}: {exc.strerror or text}")
    if "locked" in lowered or "busy" in lowered:
        return StateBusy(
            f"the state file {path} stayed locked by another process for "
            f"{BUSY_TIMEOUT_SECONDS:.0f} s ({text}); try again in a moment"
        )
    if "full" in lowered:
        return StateBusy(f"no room to write the state file {path} ({text}); free some disk space")
    if isinstance(exc, sqlite3.OperationalError) and (
        "readonly" in lowered or "unable to open" in lowered or "i/o" in lowered
    ):
        return StateError(
            f"cannot write the state file {path} ({text}); check that it and its folder are "
            "yours and writable"
        )
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
        return StateError(f"the state file {path} is damaged ({text}). {_aside(path)}")
    return StateError(f"the state file {path} failed: {text}")


def check_state_file(path: Path) -> None:
    """Refuse a file that exists but is not a whole SQLite database: empty, too short for its
    own header, not SQLite at all, or shorter than the pages its header counts."""
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
            size = os.fstat(handle.fileno()).st_size
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StateError(f"cannot read the state file {path}: {exc.strerror}") from None
    if size == 0:
        raise StateError(f"the state file {path} is empty (0 bytes). {_aside(path)}")
    if not header.startswith(SQLITE_MAGIC[: len(header)]) or (
        len(header) >= 16 and header[:16] != SQLITE_MAGIC
    ):
        raise StateError(
            f"{path} is not an interview-agent state file (not an SQLite database); check "
            f"[state].path. {_aside(path)}"
        )
    if len(header) < 100:
        raise StateError(f"the state file {path} is truncated ({size} bytes). {_aside(path)}")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    counted = header[24:28] == header[92:96]  # the page count is valid (SQLite file format 1.3)
    wal = path.with_name(path.name + "-wal")
    try:
        wal_has_frames = wal.stat().st_size > 32  # the log holds pages not yet in the file
    except OSError:
        wal_has_frames = False
    if page_size < 512 or page_size & (page_size - 1):
        raise StateError(f"the state file {path} has a damaged header. {_aside(path)}")
    if not wal_has_frames and (size % page_size or (counted and size < pages * page_size)):
        raise StateError(
            f"the state file {path} is truncated ({size} bytes, its header counts "
            f"{pages * page_size}). {_aside(path)}"
        )


def use_write_ahead_log(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL, waiting up to `BUSY_TIMEOUT_SECONDS` for another process.

    Leaving a rollback journal (a file of schema 1) needs an exclusive lock, and when two
    processes ask for it at once SQLite answers one of them "locked" at once instead of
    calling the busy handler (it would deadlock otherwise), so the wait is ours to do."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            text = str(exc).lower()
            if ("locked" not in text and "busy" not in text) or time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.01, 0.05))


Method = TypeVar("Method", bound=Callable[..., Any])


def _names_its_file(method: Method) -> Method:
    """SQLite errors out of `method` become state errors naming the file."""

    @functools.wraps(method)
    def wrapper(self: StateStore, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise state_failure(self.path, exc) from exc

    return wrapper  # type: ignore[return-value]


class StateStore:
    """All persistent state. Open with `StateStore.open(path)` to read and write (under the
    state lock, see `agent.state.lock`), or `StateStore.read_only(path)` for a private copy
    in memory that never touches the file (status, preview, `once --dry-run`)."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    def open(cls, path: Path) -> StateStore:
        check_state_file(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if path.parent.name == "interview-agent":
                os.chmod(path.parent, 0o700)
            if not path.exists():
                cls._create(path)
            os.chmod(path, 0o600)
            conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS)
        except (OSError, sqlite3.Error) as exc:
            raise state_failure(path, exc) from exc
        store = cls(conn, path)
        try:
            store._check_owner()  # before anything is written to it
            store._check_pages()
            use_write_ahead_log(conn)
            conn.execute("PRAGMA synchronous=FULL")
            store._migrate()
        except sqlite3.Error as exc:
            conn.close()
            raise state_failure(path, exc) from exc
        except BaseException:
            conn.close()
            raise
        return store

    @classmethod
    def _create(cls, path: Path) -> None:
        """A new state file with its whole schema, linked into place at once (or not at all:
        a second process creating it meanwhile wins, and its file is used)."""
        building = path.with_name(f".{path.name}.new-{os.getpid()}")
        for leftover in path.parent.glob(f".{path.name}.new-{os.getpid()}*"):
            leftover.unlink()
        fd = os.open(building, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        try:
            conn = sqlite3.connect(building, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                cls(conn, path)._migrate()
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
            with open(building, "rb") as handle:
                os.fsync(handle.fileno())
            try:
                os.link(building, path)
            except FileExistsError:
                pass  # another process made it first: use theirs
            except OSError:  # a file system without hard links
                if not path.exists():
                    os.rename(building, path)
            directory = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
        finally:
            for leftover in path.parent.glob(f".{path.name}.new-{os.getpid()}*"):
                with contextlib.suppress(OSError):
                    leftover.unlink()

    @classmethod
    def read_only(cls, path: Path) -> StateStore:
        """A copy of the state in memory: reads see the file as it is now, writes go nowhere,
        and the file (and its folder) are never created, locked or changed. A missing file
        reads as a new, empty state."""
        conn = sqlite3.connect(":memory:", isolation_level=None)
        store = cls(conn, path)
        try:
            if path.exists():
                store._copy_from(path)
            store._check_owner()
            store._check_pages()
            store._migrate()
        except sqlite3.Error as exc:
            conn.close()
            raise state_failure(path, exc) from exc
        except BaseException:
            conn.close()
            raise
        return store

    def _copy_from(self, path: Path) -> None:
        check_state_file(path)
        wal = path.with_name(path.name + "-wal")
        if wal.exists():  # a writer is (or was) at work: SQLite reads the file with its log
            source = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
            try:
                source.backup(self._conn)
            finally:
                source.close()
            return
        for _ in range(5):
            before = path.stat()
            data = bytearray(path.read_bytes())
            after = path.stat()
            if (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns):
                break
        data[18:20] = b"\x01\x01"  # the copy is an ordinary (rollback journal) database
        self._conn.deserialize(bytes(data))

    def _check_pages(self) -> None:
        """SQLite's own structural check (every page, every index entry; some ms for a
        state of thousands of messages), so a damaged file is named at once rather than on
        the day a pass reads its damaged page."""
        verdict = str(self._conn.execute("PRAGMA quick_check(1)").fetchone()[0])
        if verdict != "ok":
            raise StateError(
                f"the state file {self.path} is damaged ({verdict}). {_aside(self.path)}"
            )

    def _check_owner(self) -> None:
        """An SQLite file that another program made (tables but no schema version of ours)
        is refused rather than written into."""
        version = int(self._conn.execute("PRAGMA user_version").fetchone()[0])
        if version:
            return
        tables = {
            str(name)
            for (name,) in self._conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        }
        if tables - _TABLES:
            raise StateError(
                f"{self.path} is an SQLite database of another program (tables: "
                f"{', '.join(sorted(tables)[:5])}); check [state].path"
            )

    @_names_its_file
    def close(self) -> None:
        self._conn.close()

    def changes(self) -> int:
        """Rows written so far through this store: equal before and after a step means the
        step changed nothing, so what was read before it still holds."""
        return self._conn.total_changes

    @_names_its_file
    def generation(self) -> int:
        """How many writes to what planning reads (interviews, notes, messages, follow-ups)
        the file has seen, across processes: equal at two moments means planning's input
        did not change in between. Folder positions and meta do not count."""
        return int(self.get_meta(_GENERATION) or 0)

    @contextmanager
    def transaction(self, *, planning_input: bool = True) -> Iterator[sqlite3.Connection]:
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise state_failure(self.path, exc) from exc
        try:
            before = self._conn.total_changes
            yield self._conn
            if planning_input and self._conn.total_changes != before:
                self._conn.execute(
                    "INSERT INTO meta VALUES (?, '1') ON CONFLICT(key) DO UPDATE SET "
                    "value = CAST(value AS INTEGER) + 1",
                    (_GENERATION,),
                )
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")
            raise state_failure(self.path, exc) from exc
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")
            raise
        try:
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")
            raise state_failure(self.path, exc) from exc

    def _migrate(self) -> None:
        """Each step in one write transaction that first reads `user_version`: a second
        process that waited for the first finds the step done and skips it."""
        while True:
            with self.transaction() as conn:
                version = int(conn.execute("PRAGMA user_version").fetchone()[0])
                if version > SCHEMA_VERSION:
                    raise StateError(
                        f"{self.path} was written by a newer interview-agent (schema "
                        f"{version}); upgrade interview-agent instead of deleting the file"
                    )
                if version == SCHEMA_VERSION:
                    return
                target = version + 1
                for statement in MIGRATIONS[target].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                if target == 2:
                    self._index_messages(
                        conn, self._decoded(conn.execute("SELECT record FROM messages"))
                    )
                conn.execute(f"PRAGMA user_version = {target}")

    # -- meta -------------------------------------------------------------------------------

    @_names_its_file
    def get_meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @_names_its_file
    def set_meta(self, key: str, value: str) -> None:
        with self.transaction(planning_input=False) as conn:
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # -- folders ----------------------------------------------------------------------------

    @_names_its_file
    def folder_position(self, folder: str) -> tuple[int, int] | None:
        row = self._conn.execute(
            "SELECT uidvalidity, last_uid FROM folders WHERE folder = ?", (folder,)
        ).fetchone()
        return None if row is None else (int(row[0]), int(row[1]))

    @_names_its_file
    def set_folder_position(self, folder: str, uidvalidity: int, last_uid: int) -> None:
        with self.transaction(planning_input=False) as conn:
            conn.execute(
                "INSERT OR REPLACE INTO folders VALUES (?, ?, ?)", (folder, uidvalidity, last_uid)
            )

    # -- interviews -------------------------------------------------------------------------

    @_names_its_file
    def interviews(self) -> list[Interview]:
        notes: dict[str, list[Note]] = {}
        for iid, text, due, added, for_email in self._conn.execute(
            "SELECT interview_id, text, promise_due, added, for_email FROM notes ORDER BY id"
        ):
            notes.setdefault(iid, []).append(
                Note(
                    text=text,
                    promise_due=date.fromisoformat(due) if due else None,
                    added=datetime.fromisoformat(added),
                    for_email=for_email,
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

    @_names_its_file
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

    @_names_its_file
    def add_note(self, interview_id: str, note: Note) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO notes (interview_id, text, promise_due, added, for_email) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    interview_id,
                    note.text,
                    note.promise_due.isoformat() if note.promise_due else None,
                    (note.added or datetime.min).isoformat(),
                    note.for_email.lower(),
                ),
            )

    # -- messages ---------------------------------------------------------------------------

    @_names_its_file
    def has_message(self, message_id: str) -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM messages WHERE message_id = ?", (message_id,)
        ).fetchone()
        return row is not None

    @_names_its_file
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

    @_names_its_file
    def messages(self) -> list[MessageRecord]:
        return self._decoded(self._conn.execute("SELECT record FROM messages ORDER BY date"))

    @_names_its_file
    def messages_of_kind(self, kind: str) -> list[MessageRecord]:
        """The messages read as `kind` (a `FindingKind`), oldest first."""
        return self._decoded(
            self._conn.execute(
                "SELECT record FROM messages WHERE json_extract(record, '$.kind') = ? "
                "ORDER BY date",
                (kind,),
            )
        )

    @_names_its_file
    def messages_with(self, keys: Iterable[str]) -> list[MessageRecord]:
        """The messages having any of `keys` (see `_message_keys`), oldest first."""
        return self._decoded(
            self._conn.execute(
                "SELECT record FROM messages WHERE message_id IN (SELECT message_id FROM "
                "message_keys WHERE key IN (SELECT value FROM json_each(?))) ORDER BY date",
                (json.dumps(sorted(set(keys))),),
            )
        )

    @_names_its_file
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

    @_names_its_file
    def followups(self) -> dict[str, FollowUpRecord]:
        return {
            key: codec.followup_from_json(json.loads(raw))
            for key, raw in self._conn.execute("SELECT key, record FROM followups")
        }

    @_names_its_file
    def draft_message_ids(self) -> set[str]:
        """The Message-IDs of every draft the agent placed (a reply to one is in its thread)."""
        rows = self._conn.execute(
            "SELECT json_extract(record, '$.draft_message_id') FROM followups"
        )
        return {value for (value,) in rows if value}

    @_names_its_file
    def followup(self, key: str) -> FollowUpRecord | None:
        row = self._conn.execute("SELECT record FROM followups WHERE key = ?", (key,)).fetchone()
        return None if row is None else codec.followup_from_json(json.loads(row[0]))

    @_names_its_file
    def save_followup(self, record: FollowUpRecord) -> None:
        with self.transaction() as conn:
            self._put_followup(conn, record)

    @_names_its_file
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

    @_names_its_file
    def delete_followup(self, key: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM followups WHERE key = ?", (key,))
