"""The import rules of ARCHITECTURE.md, checked on every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support import REPO_ROOT

PACKAGES = ("contracts", "broker", "verifier", "loadgen", "tether")
ALLOWED: dict[str, set[str]] = {
    "contracts": set(),
    "broker": {"contracts"},
    "verifier": {"contracts", "broker.client"},
    "loadgen": {"contracts", "broker.client"},
    "tether": {"contracts", "broker", "verifier", "loadgen"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _violations(package: str) -> list[str]:
    found = []
    for path in sorted((REPO_ROOT / package).rglob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            if top not in PACKAGES or top == package:
                continue
            if not any(name == allowed or name.startswith(allowed + ".") for allowed in ALLOWED[package]):
                found.append(f"{path.relative_to(REPO_ROOT)} imports {name}")
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_point_down(package: str) -> None:
    assert _violations(package) == []


def test_rule_checker_catches_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import broker.app\nfrom loadgen import mock\n")
    assert _imports(bad) == {"broker.app", "loadgen"}
