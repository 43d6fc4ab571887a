"""`interview-agent check`: config, templates and connectivity, every problem at once.

It exits with the code `once` would exit with for the same problem (78 configuration,
templates or a folder that does not exist, 77 login or certificate refused, 69 server
unreachable, 75 a passing refusal), so a script can run `check` first. What `once` only logs
and works around (a calendar that cannot be read, no Sent folder) is listed as a warning and
does not change the code.
"""

from __future__ import annotations

import os

from agent import app, compose
from agent.config import Config
from agent.errors import AgentError, ExitCode

# When several problems are found, the code is the one `once` meets first: the config and
# templates are read before the server is asked anything.
_FIRST = (ExitCode.CONFIG, ExitCode.NOPERM, ExitCode.UNAVAILABLE, ExitCode.TEMPFAIL)


def run_check(config: Config) -> ExitCode:
    problems: list[tuple[ExitCode, str]] = []
    warnings: list[str] = []
    print(f"config: {config.source} is valid")
    try:
        template_problems = compose.check_templates(app.templates_of(config))
    except Exception as exc:  # a broken user template folder
        template_problems = [f"templates: {exc}"]
    problems += [(ExitCode.CONFIG, problem) for problem in template_problems]
    if not template_problems:
        print("templates: ok")
    try:
        store = app.open_store(config, os.environ, read_only=True)
    except AgentError as exc:
        problems.append((exc.exit_code, f"mailbox: {exc}"))
    else:
        roles = store.roles
        print(
            f"mailbox: ok (drafts: {roles.drafts}, sent: {roles.sent or 'not found'}, "
            f"trash: {roles.trash or 'not found'})"
        )
        if roles.sent is None:
            warnings.append(
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
                warnings.append(f"calendar {source.config.name}: {exc} (passes go on without it)")
    for warning in warnings:
        print(f"warning: {warning}")
    for _, problem in problems:
        print(f"problem: {problem}")
    codes = {code for code, _ in problems}
    return next((code for code in _FIRST if code in codes), min(codes, default=ExitCode.OK))
