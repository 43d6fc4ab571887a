"""Composing: a planned follow-up and its interview become an RFC 5322 draft (`draft`), from
Jinja2 templates the user can edit. Pure: no mail store, no clock."""

from agent.compose.draft import (
    MAX_WORDS,
    TEMPLATE_NAMES,
    Sender,
    TemplateError,
    build_draft,
    check_templates,
    environment,
    new_message_id,
    shipped_templates,
)

__all__ = [
    "MAX_WORDS",
    "TEMPLATE_NAMES",
    "Sender",
    "TemplateError",
    "build_draft",
    "check_templates",
    "environment",
    "new_message_id",
    "shipped_templates",
]
