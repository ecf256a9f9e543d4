"""Comparing Tether's AsyncAPI check with a comparator fixture's `results.json`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from contracts.asyncapi.matching import MessageMatch, Outcome
from contracts.asyncapi.run import check_documents

FIXTURES = Path(__file__).resolve().parent / "comparator_fixtures"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "pact.json").is_file())

Row = tuple[str, str, str | None, str | None, tuple[Any, ...]]


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None


def expected_rows(case: str) -> list[Row]:
    """(code, type, mock location, spec location, causes) of every result the comparator reports."""

    def row(item: dict[str, Any]) -> Row:
        mock = item.get("mockDetails") or {}
        spec = item.get("specDetails") or {}
        causes = tuple(sorted(row(c) for c in item.get("causes", [])))
        return (item["code"], item["type"], mock.get("location"), spec.get("location"), causes)

    return [row(item) for item in json.loads((FIXTURES / case / "results.json").read_text(encoding="utf-8"))]


def _outcome_row(outcome: Outcome) -> Row:
    if isinstance(outcome, MessageMatch):
        return (outcome.code, "info", None, outcome.spec_location, ())
    causes = tuple(sorted(_outcome_row(c) for c in outcome.causes))
    return (outcome.code, outcome.severity.value, outcome.mock.location, outcome.spec.location, causes)


def actual_rows(case: str) -> list[Row]:
    folder = FIXTURES / case
    run = check_documents(
        _load(folder / "asyncapi.yaml"),
        [json.loads((folder / "pact.json").read_text())],
        _load(folder / "oas.yaml"),
    )
    return [_outcome_row(o) for o in run.outcomes]
