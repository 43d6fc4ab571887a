"""interview-agent: drafts the follow-ups a job seeker owes after interviews. Never sends."""

__version__ = "0.1.0"
