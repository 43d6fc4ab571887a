"""Understanding: what one message or calendar event means (`understand`): interview or not
(`signals`), who and what (`extract`, `company`, `people`, `names`, `mentions`), forwards
(`forwarded`), and dates, deadlines and meetings written in prose (`phrases`). Pure: values in,
findings out; no I/O and no clock."""

from agent.understanding.detect import (
    Context,
    RuleVerdict,
    apply_rules,
    from_calendar,
    read_as_interview,
    understand,
)

__all__ = [
    "Context",
    "RuleVerdict",
    "apply_rules",
    "from_calendar",
    "read_as_interview",
    "understand",
]
