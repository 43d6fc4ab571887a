"""Load `config.toml` (TOML, via `tomllib`) into frozen dataclasses; report every problem at once.

This is the public face of the configuration: `load_config`, `parse_config` and `config_path`
live here, and the names other modules use are re-exported. The concepts live beside it: what a
config is in `agent.config_types`, the value parsers in `agent.config_values`, and the schema
and the loader that checks a file against it in `agent.config_schema`. Any problem becomes one
line of a single `ConfigError`, naming the file and the key.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from agent.config.schema import ARRAY_SECTIONS, SCHEMA, KeySpec, build
from agent.config.types import (
    ActionItemConfig,
    CalendarConfig,
    CheckInConfig,
    Config,
    FollowupsConfig,
    Rule,
    SecretSpec,
    ThankYouConfig,
)
from agent.config.values import is_loopback
from agent.errors import ConfigError

MAX_CONFIG_BYTES = 256 * 1024

__all__ = [
    "ARRAY_SECTIONS",
    "SCHEMA",
    "ActionItemConfig",
    "CalendarConfig",
    "CheckInConfig",
    "Config",
    "FollowupsConfig",
    "KeySpec",
    "Rule",
    "SecretSpec",
    "ThankYouConfig",
    "config_path",
    "is_loopback",
    "load_config",
    "parse_config",
]


def parse_config(
    data: Mapping[str, Any], source: Path, environ: Mapping[str, str] | None = None
) -> Config:
    """Build a Config from already-parsed TOML; raises ConfigError listing every problem."""
    return build(data, source.absolute(), os.environ if environ is None else environ)


def load_config(path: Path, environ: Mapping[str, str] | None = None) -> Config:
    """Read and check the config file; raises ConfigError listing every problem at once."""
    path = path.absolute()
    try:
        size = path.stat().st_size
        if size > MAX_CONFIG_BYTES:
            raise ConfigError(
                [
                    f"{path.name}: {size / (1024 * 1024):.1f} MiB is too large for a config file "
                    f"(the limit is {MAX_CONFIG_BYTES // 1024} KiB); a signature is a few lines "
                    "and templates belong in [templates].folder"
                ]
            )
        text = path.read_bytes().decode("utf-8-sig")  # a byte-order mark (Notepad) is fine
    except FileNotFoundError:
        raise ConfigError(
            [
                f"{path.name}: not found at {path}; copy config.example.toml (shipped with "
                f"interview-agent) to {path} and edit it, or pass --config PATH"
            ]
        ) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            [f"{path.name}: not UTF-8 text (byte {exc.start}); save it as UTF-8"]
        ) from None
    except OSError as exc:
        raise ConfigError([f"{path.name}: cannot read {path}: {exc.strerror}"]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        where = f"line {match[1]}" if match else "end of file"
        message = re.sub(r"\s*\(at [^)]*\)$", "", str(exc))
        raise ConfigError([f"{path.name}: {where}: not valid TOML: {message}"]) from None
    return parse_config(data, path, environ)


def config_path(cli_value: str | None, environ: Mapping[str, str] | None = None) -> Path:
    """--config, else $INTERVIEW_AGENT_CONFIG, else config.toml in the user config dir (XDG)."""
    env = os.environ if environ is None else environ
    home = env.get("HOME") or str(Path.home())

    def expand(value: str) -> Path:
        return Path(home, value[2:]) if value == "~" or value.startswith("~/") else Path(value)

    if cli_value is not None:
        return expand(cli_value)
    if env.get("INTERVIEW_AGENT_CONFIG"):
        return expand(env["INTERVIEW_AGENT_CONFIG"])
    xdg = env.get("XDG_CONFIG_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path(home, ".config")
    return base / "interview-agent" / "config.toml"
