"""Quiet passes: a pass that finds nothing new skips planning when the last plan still holds.

A full pass whose plan leaves nothing to do records what it planned on: the state's
generation (every write to interviews, notes, messages or follow-ups counts, from any
process), the Drafts folder's mark taken before the folder was listed, a digest of the
settings and the program version, and the moment until which the same world plans the same
(`planner.unchanged_until`, at most `MAX_QUIET` ahead). The next pass, after reading the
mailbox and calendars, plans again unless every one of them still holds. Skipping writes
nothing, so the at-most-once guarantee never rests on it; any doubt (a store that cannot
mark its Drafts, a clock that went back, another program version) means a full pass.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from agent import __version__
from agent.config import Config
from agent.planning.planner import (
    PlaceDraft,
    Plan,
    RefreshDraft,
    RetireDraft,
    Settings,
    World,
    unchanged_until,
)
from agent.state.store import StateStore

MAX_QUIET = timedelta(hours=1)  # a full pass at least this often, whatever the plan says
_META_KEY = "settled"


@dataclass(frozen=True)
class Inputs:
    """What a pass plans on besides the state: the Drafts folder and the settings."""

    drafts: str  # MailStore.drafts_mark(); "" when the store cannot tell
    settings: str

    @classmethod
    def of(cls, config: Config, drafts_mark: str) -> Inputs:
        planning = (__version__, config.me, config.followups, config.rules)
        return cls(drafts=drafts_mark, settings=hashlib.sha256(repr(planning).encode()).hexdigest())


def holds(state: StateStore, inputs: Inputs, now: datetime) -> bool:
    """Whether the last full pass's plan still holds at `now`, so planning may be skipped."""
    raw = state.get_meta(_META_KEY)
    if raw is None or not inputs.drafts:
        return False
    try:
        saved = json.loads(raw)
        since = datetime.fromisoformat(saved["since"])
        until = datetime.fromisoformat(saved["until"])
        same = (
            saved["generation"] == state.generation()
            and saved["drafts"] == inputs.drafts
            and saved["settings"] == inputs.settings
        )
        return bool(same and since <= now < until)
    except (ValueError, KeyError, TypeError):  # written by another version: plan again
        return False


def record(
    state: StateStore,
    inputs: Inputs,
    generation: int,
    world: World,
    settings: Settings,
    planned: Plan,
    now: datetime,
) -> None:
    """After a full pass: `planned` is the plan of `world`, read at state `generation`."""
    if not inputs.drafts or any(
        isinstance(a, PlaceDraft | RetireDraft | RefreshDraft) for a in planned.actions
    ):
        state.set_meta(_META_KEY, "{}")  # something is left to do: the next pass plans
        return
    until = unchanged_until(world, settings, planned, now, now + MAX_QUIET)
    state.set_meta(
        _META_KEY,
        json.dumps(
            {
                "generation": generation,
                "drafts": inputs.drafts,
                "settings": inputs.settings,
                "since": now.isoformat(),
                "until": until.isoformat(),
            }
        ),
    )
