"""The measured corpus (tests/corpus) and the held-out sets (tests/corpus-heldout-2 to -25): no
message raises, and the figures never regress.

The floors are issue 3's targets: no false interview at all, recall at least 0.97, and start and
end exact for every interview found. A case added for a new misdetection fails here until fixed.
"""

from __future__ import annotations

import importlib.util
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _evaluate(folder: str = "tests/corpus") -> dict[str, object]:
    spec = importlib.util.spec_from_file_location("corpus_eval", ROOT / "benchmarks/corpus_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result: dict[str, object] = module.evaluate(ROOT / folder)
    return result


def test_corpus_figures_do_not_regress() -> None:
    result = _evaluate()
    assert result["messages"] == len(list((ROOT / "tests/corpus").glob("*.eml")))
    assert result["fp"] == 0  # precision 1.00: a false interview is worse than a missed one
    assert isinstance(result["recall"], float) and result["recall"] >= 0.97
    fields = result["fields"]
    assert isinstance(fields, dict)
    ok, total = fields["start"]
    assert total >= 48 and ok == total  # start exact for every interview found
    ok, total = fields["end"]
    assert total >= 46 and ok == total  # end exact wherever the message gives one
    for name in ("timeline", "requests", "kind"):
        ok, total = fields[name]
        assert ok == total, name
    for name in ("company", "interviewers"):  # who: exact for every interview found
        ok, total = fields[name]
        assert total >= 56 and ok == total, name
    for name, floor in (("role", 0.98), ("recruiter", 1.0), ("link", 1.0)):  # issue 3
        ok, total = fields[name]
        assert total >= 45 and ok >= floor * total, name


def test_second_held_out_set_does_not_regress() -> None:
    """24 cases written without reading the rules (see its README): before the rules were
    tuned, recall was 0.64. Floors at the figures after: detection, times and every field exact
    (roles, people and links in German, Portuguese and table layouts were fixed last)."""
    result = _evaluate("tests/corpus-heldout-2")
    assert result["messages"] == len(list((ROOT / "tests/corpus-heldout-2").glob("*.eml")))
    assert result["fp"] == 0 and result["fn"] == 0
    fields = result["fields"]
    assert isinstance(fields, dict)
    for name in ("start", "end", "company"):
        ok, total = fields[name]
        assert total == 14 and ok == total, name
    for name, least in (("role", 14), ("interviewers", 14), ("recruiter", 14), ("link", 11)):
        ok, _total = fields[name]
        assert ok >= least, name


def test_third_held_out_set_does_not_regress() -> None:
    """24 more cases written without reading the rules: recall was 0.50 before the rules were
    tuned (see its README). Floors at the figures after."""
    result = _evaluate("tests/corpus-heldout-3")
    assert result["messages"] == len(list((ROOT / "tests/corpus-heldout-3").glob("*.eml")))
    assert result["fp"] == 0 and result["fn"] == 0
    fields = result["fields"]
    assert isinstance(fields, dict)
    for name, (ok, total) in fields.items():
        least = total - 1 if name == "interviewers" else total  # a first name alone is not read
        assert ok >= least, name


# Sets 4, 5 and 6 (44 cases each), written without reading the rules; each README keeps its
# first-sight figures. Floors at the figures after the fixes by class: no false interview on
# any of them, and what is read right stays right.
_LATER_SETS = {
    "tests/corpus-heldout-4": (
        26,
        {"start": 26, "end": 25, "company": 24, "role": 17, "interviewers": 20, "recruiter": 22},
    ),
    "tests/corpus-heldout-5": (
        25,
        {"start": 25, "end": 24, "company": 20, "role": 16, "interviewers": 17, "recruiter": 22},
    ),
    "tests/corpus-heldout-6": (
        26,
        {"start": 25, "end": 24, "company": 20, "role": 17, "interviewers": 18, "recruiter": 22},
    ),
    # first sight 0.86 / 0.69 (tests/corpus-heldout-7/README.md)
    "tests/corpus-heldout-7": (
        26,
        {"start": 26, "end": 25, "company": 22, "role": 16, "interviewers": 13, "recruiter": 20},
    ),
    # first sight 0.78 / 0.81 (tests/corpus-heldout-8/README.md)
    "tests/corpus-heldout-8": (
        26,
        {"start": 26, "end": 25, "company": 16, "role": 20, "interviewers": 13, "recruiter": 18},
    ),
    # first sight 0.92 / 0.85 (tests/corpus-heldout-9/README.md)
    "tests/corpus-heldout-9": (
        26,
        {"start": 26, "end": 25, "company": 21, "role": 16, "interviewers": 12, "recruiter": 20},
    ),
    # first sight 0.83 / 0.73 (tests/corpus-heldout-10/README.md)
    "tests/corpus-heldout-10": (
        25,
        {"start": 25, "end": 25, "company": 21, "role": 14, "interviewers": 11, "recruiter": 20},
    ),
    # first sight 0.88 / 0.85 (tests/corpus-heldout-11/README.md)
    "tests/corpus-heldout-11": (
        25,
        {"start": 25, "end": 24, "company": 18, "role": 18, "interviewers": 9, "recruiter": 19},
    ),
    # first sight 0.86 / 0.69 (tests/corpus-heldout-13/README.md)
    "tests/corpus-heldout-13": (
        25,
        {"start": 25, "end": 24, "company": 18, "role": 14, "interviewers": 13, "recruiter": 16},
    ),
    # first sight 0.96 / 0.92 (tests/corpus-heldout-12/README.md)
    "tests/corpus-heldout-12": (
        25,
        {"start": 25, "end": 24, "company": 13, "role": 16, "interviewers": 12, "recruiter": 17},
    ),
    # first sight 0.84 / 0.81 (tests/corpus-heldout-15/README.md)
    "tests/corpus-heldout-15": (
        25,
        {"start": 25, "end": 24, "company": 17, "role": 9, "interviewers": 9, "recruiter": 14},
    ),
    # first sight 0.96 / 0.88 (tests/corpus-heldout-14/README.md)
    "tests/corpus-heldout-14": (
        25,
        {"start": 25, "end": 23, "company": 18, "role": 11, "interviewers": 12, "recruiter": 17},
    ),
    # first sight 0.81 / 0.96 (tests/corpus-heldout-17/README.md)
    "tests/corpus-heldout-17": (
        26,
        {"start": 26, "end": 25, "company": 16, "role": 19, "interviewers": 12, "recruiter": 19},
    ),
    # first sight 0.88 / 0.85 (tests/corpus-heldout-16/README.md)
    "tests/corpus-heldout-16": (
        25,
        {"start": 25, "end": 24, "company": 16, "role": 15, "interviewers": 8, "recruiter": 13},
    ),
    # first sight 0.95 / 0.77 (tests/corpus-heldout-18/README.md)
    "tests/corpus-heldout-18": (
        26,
        {"start": 26, "end": 24, "company": 22, "role": 17, "interviewers": 20, "recruiter": 20},
    ),
    # first sight 0.89 / 0.92 (tests/corpus-heldout-19/README.md)
    "tests/corpus-heldout-19": (
        26,
        {"start": 26, "end": 25, "company": 19, "role": 16, "interviewers": 13, "recruiter": 18},
    ),
    # first sight 0.95 / 0.81 (tests/corpus-heldout-20/README.md)
    "tests/corpus-heldout-20": (
        26,
        {"start": 26, "end": 20, "company": 14, "role": 11, "interviewers": 5, "recruiter": 15},
    ),
    # first sight 0.95 / 0.73 (tests/corpus-heldout-21/README.md)
    "tests/corpus-heldout-21": (
        26,
        {"start": 26, "end": 23, "company": 8, "role": 7, "interviewers": 14, "recruiter": 19},
    ),
    # first sight 0.95 / 0.81 (tests/corpus-heldout-22/README.md)
    "tests/corpus-heldout-22": (
        25,
        {"start": 25, "end": 24, "company": 19, "role": 18, "interviewers": 15, "recruiter": 17},
    ),
    # first sight 0.93 / 1.00 (tests/corpus-heldout-23/README.md)
    "tests/corpus-heldout-23": (
        26,
        {"start": 26, "end": 25, "company": 19, "role": 12, "interviewers": 10, "recruiter": 18},
    ),
    # first sight 0.86 / 0.92 (tests/corpus-heldout-24/README.md)
    "tests/corpus-heldout-24": (
        26,
        {"start": 26, "end": 26, "company": 23, "role": 22, "interviewers": 16, "recruiter": 20},
    ),
    # the last set measured: first sight 1.00 / 1.00, nothing changed for it
    "tests/corpus-heldout-25": (
        26,
        {"start": 26, "end": 26, "company": 23, "role": 20, "interviewers": 18, "recruiter": 21},
    ),
}


def test_later_held_out_sets_do_not_regress() -> None:
    # one set per core: each evaluation is independent and takes a second or two
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        results = dict(zip(_LATER_SETS, pool.map(_evaluate, _LATER_SETS), strict=True))
    for folder, (found, floors) in _LATER_SETS.items():
        result = results[folder]
        assert result["messages"] == 44, folder
        assert result["fp"] == 0, folder  # precision 1.00
        tp = result["tp"]
        assert isinstance(tp, int) and tp >= found, folder
        fields = result["fields"]
        assert isinstance(fields, dict)
        for name, least in floors.items():
            ok, _total = fields[name]
            assert ok >= least, (folder, name)
