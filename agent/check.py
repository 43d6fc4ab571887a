"""`interview-agent check`: config, templates and connectivity, every problem at once."""

from __future__ import annotations

import os

from agent import app, compose
from agent.config import Config
from agent.errors import AgentError, ExitCode


def run_check(config: Config) -> ExitCode:
    problems: list[str] = []
    print(f"config: {config.source} is valid")
    try:
        template_problems = compose.check_templates(app.templates_of(config))
    except Exception as exc:  # a broken user template folder
        template_problems = [f"templates: {exc}"]
    problems += template_problems
    if not template_problems:
        print("templates: ok")
    try:
        store = app.open_store(config, os.environ)
    except AgentError as exc:
        problems.append(f"mailbox: {exc}")
    else:
        roles = store.roles
        print(
            f"mailbox: ok (drafts: {roles.drafts}, sent: {roles.sent or 'not found'}, "
            f"trash: {roles.trash or 'not found'})"
        )
        if roles.sent is None:
            problems.append(
                "mailbox: no Sent folder found; set sent_folder so the agent can "
                "see what you already sent"
            )
        store.close()
    if config.calendars:
        from agent.calendars import open_calendars

        for source in open_calendars(config):
            try:
                source.texts()
                print(f"calendar {source.config.name}: ok")
            except Exception as exc:
                problems.append(f"calendar {source.config.name}: {exc}")
    for problem in problems:
        print(f"problem: {problem}")
    if template_problems:
        return ExitCode.CONFIG
    return ExitCode.FAILURE if problems else ExitCode.OK
