"""docs/testing.md's conformance table names real tests, and cites engine functions."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "testing.md"


def _rows() -> list[str]:
    text = DOC.read_text()
    table = text.split("## Conformance", 1)[1].split("###", 1)[0]
    return [line for line in table.splitlines() if line.startswith("| ") and "---" not in line][1:]


def test_every_conformance_row_names_existing_tests_and_an_engine_function() -> None:
    rows = _rows()
    assert len(rows) >= 30
    for row in rows:
        behaviour, source, tests = (cell.strip() for cell in row.strip("|").split(" | "))
        assert behaviour and re.search(r"\w+\.go: \w+|__main__\.py: \w+", source), row
        refs = re.findall(r"`((?:\w+/)?test_\w+\.py)::(test_\w+)`", tests)
        assert refs, row
        for file, name in refs:
            tree = ast.parse((ROOT / "tests" / file).read_text())
            defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
            assert name in defined, f"{file}::{name} does not exist"
