"""Composing: a planned follow-up and its interview become an RFC 5322 draft (`build_draft`),
from Jinja2 templates the user can edit, in the language the company writes in when the user
writes it too. Pure: no mail store, no clock.

`context` makes the variables a template receives (cleaned by `facts`, put into words by
`words`, notes by `notes`, requests by `requests`); `draft` renders and builds the message
(`flowed` wraps its body); `checking` validates templates for `check`."""

from agent.compose.checking import check_templates, word_count
from agent.compose.context import VARIABLES, Sender, draft_language
from agent.compose.draft import (
    MAX_WORDS,
    TEMPLATE_NAMES,
    TemplateError,
    build_draft,
    environment,
    new_message_id,
    render,
    shipped_templates,
    template_path,
)
from agent.compose.flowed import flow, unflow
from agent.compose.words import LANGUAGES

__all__ = [
    "LANGUAGES",
    "MAX_WORDS",
    "TEMPLATE_NAMES",
    "VARIABLES",
    "Sender",
    "TemplateError",
    "build_draft",
    "check_templates",
    "draft_language",
    "environment",
    "flow",
    "new_message_id",
    "render",
    "shipped_templates",
    "template_path",
    "unflow",
    "word_count",
]
