"""Planning: from interviews, the messages around them and what was already drafted, the
follow-ups due and the actions to take (`planner`); where each interview and application
stands (`lifecycle`). Pure: values in, frozen actions out."""

from agent.planning.planner import (
    FollowUp,
    PlaceDraft,
    Plan,
    RecordState,
    RefreshDraft,
    RetireDraft,
    Settings,
    World,
    plan,
    unchanged_until,
)

__all__ = [
    "FollowUp",
    "PlaceDraft",
    "Plan",
    "RecordState",
    "RefreshDraft",
    "RetireDraft",
    "Settings",
    "World",
    "plan",
    "unchanged_until",
]
