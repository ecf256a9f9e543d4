"""The rules of ARCHITECTURE.md, checked on every module's imports (at any depth: top level, inside functions
and under ``TYPE_CHECKING``), and on module sizes."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

from tests.support import REPO_ROOT

# libraries first, applications after them; an application never imports another application
PACKAGES = ("contracts", "brokerclient", "broker", "verifier", "mocking", "loadgen", "tether")
ALLOWED: dict[str, set[str]] = {
    "contracts": set(),
    "brokerclient": {"contracts"},
    "broker": {"contracts"},
    "verifier": {"contracts", "brokerclient"},
    "mocking": {"contracts", "brokerclient"},
    "loadgen": {"contracts", "brokerclient"},
    "tether": {"contracts", "brokerclient", "broker", "verifier", "mocking", "loadgen"},
}
MAX_MODULE_LINES = 600


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, root: Path | None = None) -> set[str]:
    """Every module a file imports, wherever the import statement stands; relative imports resolved."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package: list[str] = []
    if root is not None:
        package = _module_name(path, root).split(".")
        if path.name != "__init__.py":
            package = package[:-1]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                base = node.module
            elif node.level > 0 and root is not None:
                prefix = package[: len(package) - (node.level - 1)]
                base = ".".join([*prefix, *([node.module] if node.module else [])])
            else:
                continue
            names.add(base)
            # `from package import module` imports the module too
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _source_files(package: str) -> list[Path]:
    return sorted((REPO_ROOT / package).rglob("*.py"))


def _violations(package: str) -> list[str]:
    found = []
    for path in _source_files(package):
        for name in _imports(path, REPO_ROOT):
            top = name.split(".")[0]
            if top not in PACKAGES or top == package:
                continue
            if not any(name == allowed or name.startswith(allowed + ".") for allowed in ALLOWED[package]):
                found.append(f"{path.relative_to(REPO_ROOT)} imports {name}")
    return sorted(set(found))


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_point_down(package: str) -> None:
    assert _violations(package) == []


def test_rule_checker_catches_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import broker.app\n\ndef later():\n    from mocking import server\n")
    assert _imports(bad) == {"broker.app", "mocking", "mocking.server"}


def _import_graph(root: Path, packages: tuple[str, ...]) -> dict[str, set[str]]:
    modules = {
        _module_name(p, root): p for package in packages for p in sorted((root / package).rglob("*.py"))
    }
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = {target for target in _imports(path, root) if target in modules and target != name}
        graph[name] = targets
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        return list(exc.args[1])
    return None


def test_no_import_cycle_anywhere() -> None:
    """No module imports itself back, through any chain, even through an import inside a function."""
    assert _cycle(_import_graph(REPO_ROOT, PACKAGES)) is None


def test_cycle_finder_sees_a_cycle_through_a_function_level_import(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.b import thing\n")
    (package / "b.py").write_text("thing = 1\n\ndef later():\n    from pkg import a\n    return a\n")
    cycle = _cycle(_import_graph(tmp_path, ("pkg",)))
    assert cycle is not None
    assert set(cycle) == {"pkg.a", "pkg.b"}


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_over_the_size_limit(package: str) -> None:
    """Small modules named after what they hold: none over 600 lines (split by responsibility, not by line)."""
    too_long = [
        f"{path.relative_to(REPO_ROOT)}: {count} lines"
        for path in _source_files(package)
        if (count := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    ]
    assert too_long == []
