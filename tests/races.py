"""Concurrency trials shared by tests/test_concurrency.py and benchmarks/concurrency.py: two
`interview-agent once` processes started together on the mailbox of faults.py (seven drafts
due), against a real Dovecot or a Maildir, either on one state file (a timer's pass meeting a
manual one: the second waits for the state lock) or on two (two machines with the same
account: both may APPEND a key, and the one whose copy came second removes its own).

After each trial: every key the undisturbed pass drafts is in Drafts exactly once (no
duplicate, none lost), nothing outside Drafts changed, each process exited 0 (or 75, "a pass
is running", when it waited longer than its bound), without a traceback, and each state says
drafted with no intent left pending.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import hashlib
import json
import shutil
import sqlite3
import subprocess
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from faults import NOW, Account, Expected, followup_states, seed
from harness import Cli, start_child
from helpers import PASSWORD_ENV, maildir_config
from servers import PASSWORD, Dovecot, Snapshot

from agent.model import KEY_HEADER, draft_tag, draft_tag_of

RUN_TIMEOUT = 120.0
EARLIER = NOW - timedelta(days=3)  # a pass then leaves a state that already holds the mailbox
REMOVED = "removed a second copy of draft"


def tag_of(raw: bytes) -> str:
    """What marks a message as one of the agent's drafts: the tag in its Message-ID (or, for
    a draft of an older version, the tag of the key in its header); "" for any other."""
    headers = email.message_from_bytes(raw, policy=email.policy.compat32)
    tag = draft_tag_of(" ".join(str(headers.get("Message-ID", "")).split()))
    key = " ".join(str(headers.get(KEY_HEADER, "")).split())
    return tag or (draft_tag(key) if key else "")


def draft_tags(server: Dovecot) -> Counter[str]:
    """How many messages in Drafts stand for each follow-up (by its tag)."""
    with server.client() as client:
        client.select_folder(server.folder_names["drafts"], readonly=True)
        fetched = client.fetch(client.search(), ["BODY.PEEK[HEADER]"])
    return Counter(tag for data in fetched.values() if (tag := tag_of(data[b"BODY[HEADER]"])))


def reference(root: Path) -> Expected:
    """One undisturbed pass over the mailbox: the drafts it places (by tag) and the
    follow-ups it records as drafted."""
    with seeded_dovecot() as server:
        account = Account(server, root, server.tls_port)
        account.once()
        drafted = frozenset(
            k for k, state in followup_states(account.status()).items() if state == "drafted"
        )
        return Expected(frozenset(draft_tags(server)), drafted, 0.0)


@dataclass
class Trial:
    """One trial: what ran, what each process said, and the invariants it broke."""

    what: str
    codes: list[int] = field(default_factory=list)
    removed: int = 0  # second copies a process removed (both APPENDed the same key)
    waited: int = 0  # processes that gave up waiting for the lock (exit 75)
    duplicates: int = 0  # keys left in Drafts more than once
    problems: list[str] = field(default_factory=list)


def run_together(configs: list[Path]) -> list[tuple[int, str]]:
    """Start one `once` per config at the same moment; (exit code, stderr) of each."""
    processes = [
        start_child(config, "once", "--now", NOW.isoformat(), env={PASSWORD_ENV: PASSWORD})
        for config in configs
    ]
    results = []
    for process in processes:
        try:
            _, err = process.communicate(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            _, err = process.communicate()
        results.append((process.returncode, err.decode(errors="replace")))
    return results


class Agent(Protocol):
    directory: Path

    def status(self, now: datetime | None = NOW) -> dict[str, Any]: ...

    def pending(self) -> int: ...


def judge(
    trial: Trial,
    results: list[tuple[int, str]],
    keys: Counter[str],
    expected: Expected,
    accounts: Sequence[Agent],
) -> None:
    """Check the invariants of a finished trial into `trial`."""
    for code, err in results:
        trial.codes.append(code)
        trial.removed += err.count(REMOVED)
        trial.waited += code == 75
        if code not in (0, 75) or "Traceback" in err or "internal error" in err:
            trial.problems.append(f"a process exited {code}: {err.strip()[-400:]}")
        elif code == 75 and "a pass is running" not in err:
            trial.problems.append(f"exit 75 without saying why: {err.strip()[-300:]}")
    if all(code == 75 for code, _ in results):
        trial.problems.append("both processes gave up: nobody ran the pass")
    if not expected.keys:
        trial.problems.append("the reference pass placed no draft: nothing was tried")
    for tag in sorted(expected.keys):
        if keys[tag] == 0:
            trial.problems.append(f"lost: no draft tagged {tag}")
        elif keys[tag] > 1:
            trial.duplicates += 1
            trial.problems.append(f"duplicate: {keys[tag]} drafts tagged {tag}")
    trial.problems += [f"unexpected draft tagged {t}" for t in sorted(set(keys) - expected.keys)]
    for account in accounts:
        states = followup_states(account.status())
        for followup in sorted(expected.drafted):
            if states.get(followup) != "drafted":
                trial.problems.append(
                    f"{account.directory.name}: {'/'.join(followup)} is {states.get(followup)}"
                )
        if account.pending():
            trial.problems.append(f"{account.directory.name}: {account.pending()} intents pending")


def unchanged_outside_drafts(before: Snapshot, after: Snapshot, drafts: str) -> list[str]:
    problems = [
        f"changed outside Drafts: {folder}"
        for folder in sorted(set(before) | set(after))
        if folder != drafts and before.get(folder) != after.get(folder)
    ]
    users = {digest for _, _, digest in before.get(drafts, [])}
    if [m for m in after.get(drafts, []) if m[2] in users] != before.get(drafts, []):
        problems.append("the user's own draft changed")
    return problems


@contextlib.contextmanager
def seeded_dovecot() -> Iterator[Dovecot]:
    server = Dovecot()
    try:
        server.start()
        seed(server)
        yield server
    finally:
        server.close()


def imap_trial(root: Path, expected: Expected, *, shared: bool, existing: bool) -> Trial:
    """Two `once` against one fresh Dovecot, on one state file (`shared`) or two; `existing`:
    the state file(s) already hold the mailbox (a pass ran three days earlier)."""
    what = f"IMAP, {'one state file' if shared else 'two state files'}, "
    what += "existing state" if existing else "new state"
    trial = Trial(what)
    with seeded_dovecot() as server:
        before = server.snapshot()
        accounts = [Account(server, root / "a", server.tls_port)]
        if not shared:
            accounts.append(Account(server, root / "b", server.tls_port))
        if existing:
            for account in accounts:
                account.once(EARLIER)
            before = server.snapshot()
        configs = [accounts[0].config, accounts[-1].config]
        results = run_together(configs)
        judge(trial, results, draft_tags(server), expected, accounts)
        trial.problems += unchanged_outside_drafts(
            before, server.snapshot(), server.folder_names["drafts"]
        )
    return trial


# --- Maildir ------------------------------------------------------------------------------------


def seed_maildir(root: Path) -> Path:
    """The faults.py mailbox as a local Maildir++ (copied from a seeded Dovecot's own files,
    without Dovecot's indexes)."""
    with seeded_dovecot() as server:
        shutil.copytree(
            server.maildir_path,
            root,
            ignore=shutil.ignore_patterns("dovecot*", "subscriptions", "maildirfolder"),
        )
    return root


def maildir_tags(mailbox: Path) -> Counter[str]:
    return Counter(
        tag
        for sub in ("cur", "new")
        for path in (mailbox / ".Drafts" / sub).iterdir()
        if (tag := tag_of(path.read_bytes()))
    )


class MaildirAccount(Cli):
    """The agent's config for a Maildir, and its state, both in `directory`."""

    def __init__(self, directory: Path, mailbox: Path) -> None:
        self.directory = directory
        super().__init__(maildir_config(directory, mailbox))

    def status(self, now: datetime | None = NOW) -> dict[str, Any]:
        return super().status(now)

    def pending(self) -> int:
        return pending_intents(self.directory / "state.db")


def pending_intents(state: Path) -> int:
    """Follow-ups whose intent is written but whose APPEND is not confirmed."""
    if not state.exists():
        return 0
    with contextlib.closing(sqlite3.connect(f"file:{state}?mode=ro", uri=True)) as db:
        rows = db.execute("SELECT record FROM followups").fetchall()
    return sum(1 for (record,) in rows if json.loads(record).get("pending"))


def maildir_files(mailbox: Path) -> dict[str, list[str]]:
    """Every message file outside Drafts (name and content digest), to see nothing changed."""
    found: dict[str, list[str]] = {}
    for path in sorted(mailbox.rglob("*")):
        if path.is_file() and path.parent.name in ("cur", "new"):
            folder = path.parent.parent.name
            if folder != ".Drafts":
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                found.setdefault(folder, []).append(f"{path.name} {digest}")
    return found


def maildir_trial(root: Path, template: Path, expected: Expected, *, shared: bool) -> Trial:
    """Two `once` on a copy of the seeded Maildir, on one state file or two."""
    trial = Trial(f"Maildir, {'one state file' if shared else 'two state files'}, new state")
    mailbox = root / "Mail"
    shutil.copytree(template, mailbox)
    before = maildir_files(mailbox)
    accounts = [MaildirAccount(root / "a", mailbox)]
    if not shared:
        accounts.append(MaildirAccount(root / "b", mailbox))
    results = run_together([accounts[0].config, accounts[-1].config])
    judge(trial, results, maildir_tags(mailbox), expected, accounts)
    if maildir_files(mailbox) != before:
        trial.problems.append("changed outside Drafts")
    return trial
