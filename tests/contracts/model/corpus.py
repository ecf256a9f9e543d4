"""Pact documents for round-trip tests: the Pact specification test cases wrapped into pacts, and the
pacts among the compatibility-suite fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support import SHARED

SPEC_CASES = SHARED / "pact-spec-testcases"
FIXTURES = SHARED / "pact-compatibility-suite" / "fixtures"
VERSION_STRINGS = {"v1": "1.0.0", "v1.1": "1.1.0", "v2": "2.0.0", "v3": "3.0.0", "v4": "4.0"}
V4_TYPES = {"request": "Synchronous/HTTP", "response": "Synchronous/HTTP", "message": "Asynchronous/Messages"}


def spec_case_files() -> list[Path]:
    return sorted(SPEC_CASES.glob("v*/*/*/*.json"))


def wrap_part(version_dir: str, kind: str, part: dict[str, Any]) -> dict[str, Any]:
    """A one-interaction pact of the case's spec version holding ``part`` (a request, response or message)."""
    if kind == "request":
        interaction: dict[str, Any] = {"description": "a case", "request": part, "response": {"status": 200}}
    elif kind == "response":
        interaction = {"description": "a case", "request": {"method": "GET", "path": "/"}, "response": part}
    else:
        interaction = {"description": "a case", **part}
    document: dict[str, Any] = {
        "consumer": {"name": "Consumer"},
        "provider": {"name": "Provider"},
        "metadata": {"pactSpecification": {"version": VERSION_STRINGS[version_dir]}},
    }
    if version_dir == "v4":
        interaction = {"type": V4_TYPES[kind], **interaction}
    if kind == "message" and version_dir != "v4":
        document["messages"] = [interaction]
    else:
        document["interactions"] = [interaction]
    return document


def load_case(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8-sig"))
    return data


def fixture_pacts() -> list[Path]:
    return [path for path in sorted(FIXTURES.glob("*.json")) if "consumer" in json.loads(path.read_text())]
