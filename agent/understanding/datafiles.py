"""The tab-separated data files of `agent/understanding/data/`: one row per line, `#` lines
are comments. Each file's header says what its columns mean; a new language, purpose or
vendor is a line there, never code."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def rows(name: str) -> tuple[tuple[str, ...], ...]:
    """The rows of `data/NAME.tsv`, each split at its tabs."""
    text = resources.files("agent.understanding").joinpath(f"data/{name}.tsv")
    return tuple(
        tuple(line.split("\t"))
        for line in text.read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )


def patterns(name: str, kind: str | None = None) -> list[str]:
    """The last column of `data/NAME.tsv` (a regular expression), of the rows whose first
    column is `kind` when one is given."""
    return [row[-1] for row in rows(name) if kind is None or row[0] == kind]


def alternation(name: str, kind: str | None = None) -> str:
    """Those patterns as one alternation, each in its own group."""
    return "|".join(f"(?:{p})" for p in patterns(name, kind))
