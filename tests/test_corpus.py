"""The measured corpus (tests/corpus): no message raises, and the figures never regress.

The floors are today's figures; issue 3's targets (precision 1.00, recall 0.97) are not met yet.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _evaluate() -> dict[str, object]:
    spec = importlib.util.spec_from_file_location("corpus_eval", ROOT / "benchmarks/corpus_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result: dict[str, object] = module.evaluate()
    return result


def test_corpus_figures_do_not_regress() -> None:
    result = _evaluate()
    assert result["messages"] == len(list((ROOT / "tests/corpus").glob("*.eml")))
    assert isinstance(result["precision"], float) and result["precision"] >= 0.94
    assert isinstance(result["recall"], float) and result["recall"] >= 0.84
    fields = result["fields"]
    assert isinstance(fields, dict)
    ok, total = fields["start"]
    assert total >= 30 and ok == total  # start exact for every interview found
    ok, total = fields["timeline"]
    assert ok == total
