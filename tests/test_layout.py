"""The shape of agent/ that STYLE.md asks for, checked: no import cycle between its modules
(counting imports inside functions, which import-linter's layers let pass), a pure core that
never reads the wall clock (only agent/clock.py asks for the time), and a short top level with
the pipeline in folders."""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from pathlib import Path

import grimp

AGENT = Path(__file__).resolve().parent.parent / "agent"
PURE_CORE = ("understanding", "planning", "compose")
# What reads the wall clock (or a timer that depends on it), by qualified name.
WALL_CLOCK = {
    "datetime.datetime.now",
    "datetime.datetime.utcnow",
    "datetime.datetime.today",
    "datetime.date.today",
    "time.time",
    "time.time_ns",
    "time.monotonic",
    "time.monotonic_ns",
}
MAX_TOP_LEVEL_MODULES = 10  # besides __init__ and __main__


def find_cycle(edges: dict[str, set[str]]) -> list[str]:
    """One import cycle (its modules, the first repeated at the end), or [] when none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str]:
        state[module] = 1
        path.append(module)
        for imported in sorted(edges.get(module, ())):
            if state.get(imported) == 1:
                return [*path[path.index(imported) :], imported]
            if imported not in state and (cycle := visit(imported)):
                return cycle
        path.pop()
        state[module] = 2
        return []

    for module in sorted(edges):
        if module not in state and (cycle := visit(module)):
            return cycle
    return []


def test_find_cycle_finds_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) == []
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"a"}}) == ["a", "a"]


def test_no_import_cycle_in_agent() -> None:
    graph = grimp.build_graph("agent", cache_dir=None)  # every import, also inside functions
    edges = {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}
    cycle = find_cycle(edges)
    if cycle:
        lines = [
            f"{importer} -> {imported} (line {details[0]['line_number']})"
            for importer, imported in itertools.pairwise(cycle)
            if (details := graph.get_import_details(importer=importer, imported=imported))
        ]
        raise AssertionError("import cycle:\n" + "\n".join(lines))


def qualified_names(tree: ast.Module) -> Iterator[tuple[str, int]]:
    """Every dotted name the module uses, with its imports resolved ("dt.now" after `from
    datetime import datetime as dt` is "datetime.datetime.now"), and its line."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for name in node.names:
                aliases[name.asname or name.name.split(".")[0]] = (
                    name.name if name.asname else name.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for name in node.names:
                aliases[name.asname or name.name] = f"{node.module}.{name.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            parts = [node.attr]
            value = node.value
            while isinstance(value, ast.Attribute):
                parts.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name):
                head = aliases.get(value.id, value.id)
                yield ".".join([head, *reversed(parts)]), node.lineno
        elif isinstance(node, ast.Name) and node.id in aliases:
            yield aliases[node.id], node.lineno


def clock_readings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        f"{path.relative_to(AGENT.parent)}:{line}: {name}"
        for name, line in qualified_names(tree)
        if name in WALL_CLOCK or name.endswith(".utcnow")
    ]


def test_qualified_names_see_through_imports() -> None:
    source = (
        "import time\nimport datetime as d\nfrom datetime import date, datetime as dt\n"
        "from time import monotonic\n"
        "a = dt.now()\nb = date.today()\nc = time.time()\nd.datetime.utcnow()\nmonotonic()\n"
    )
    names = {name for name, _ in qualified_names(ast.parse(source))}
    assert names >= {
        "datetime.datetime.now",
        "datetime.date.today",
        "time.time",
        "datetime.datetime.utcnow",
        "time.monotonic",
    }


def test_the_pure_core_never_reads_the_clock() -> None:
    found = [
        reading
        for stage in PURE_CORE
        for path in sorted((AGENT / stage).rglob("*.py"))
        for reading in clock_readings(path)
    ]
    assert found == [], "the pure core takes `now` as a value:\n" + "\n".join(found)


def test_only_the_clock_asks_for_the_time_of_day() -> None:
    """Timers (time.monotonic) are allowed outside the pure core; the time of day is not."""
    found = [
        reading
        for path in sorted(AGENT.rglob("*.py"))
        if path != AGENT / "clock.py"
        for reading in clock_readings(path)
        if ".datetime.now" in reading or "utcnow" in reading
    ]
    assert found == [], "use the injected clock (agent/clock.py):\n" + "\n".join(found)


def test_the_top_level_stays_short() -> None:
    modules = sorted(p.stem for p in AGENT.glob("*.py") if p.stem not in ("__init__", "__main__"))
    assert len(modules) <= MAX_TOP_LEVEL_MODULES, modules
    stages = [p for p in AGENT.iterdir() if p.is_dir() and any(p.glob("*.py"))]
    assert all((stage / "__init__.py").is_file() for stage in stages), stages
