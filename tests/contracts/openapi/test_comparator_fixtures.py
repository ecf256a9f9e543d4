"""The comparator's own HTTP fixture suite (vendored in comparator_fixtures/, see its README), run through
Tether's checker.

The comparator's test runner snapshots its whole result list. Tether's messages follow jsonschema's error
split rather than ajv's, so a case agrees when both report the same set of (type, code, pact location)
findings. Spec locations are not compared: the comparator inlines every `$ref` before it validates, so it
names `paths....schema.definitions.X` where Tether names `[root].definitions.X` (the place to fix).
A case in `DEVIATIONS` is one where Tether deliberately reports something else, with the reason;
`test_listed_deviations_still_differ` fails as soon as a listed case starts agreeing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from contracts.errors import ContractError
from contracts.openapi.checker import OpenAPIChecker
from contracts.openapi.document import parse_document_text, parse_openapi
from contracts.openapi.pacts import parse_pact
from contracts.openapi.run import run_checker

FIXTURES = Path(__file__).resolve().parent / "comparator_fixtures"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "pact.json").is_file())

# case -> why Tether's findings differ from the comparator's snapshot
DEVIATIONS: dict[str, str] = {
    "broken-references": "a $ref to a schema the spec does not have is an OpenAPIError naming the $ref and "
    "where it is; the comparator skips the checks it cannot make and reports nothing (a pass)",
    "pact-formats": "an interaction of unknown type is a PactFormatError naming the interaction and the valid "
    "types; the comparator silently skips it",
    "pact-missing-interactions": "a pact without an interactions array is a PactFormatError saying what is "
    "missing; the comparator reads it as an empty pact (a pass)",
    "pact-non-http-interactions": "'Async/Messages' is not a V4 interaction type: a PactFormatError naming the "
    "valid ones, where the comparator skips the interaction and checks the rest",
    "references": "`/wildcards/**` is a literal path in OpenAPI (templates have no wildcards), so "
    "GET /wildcards/foo is not in the spec; the comparator's router (find-my-way) reads `*` as a wildcard",
}

Key = tuple[str, str, str]


_PARENT_LOCATED = re.compile(r'(?:additional properties - (?P<extra>.+)|tag "(?P<tag>[^"]+)" must)')


def _key(result: dict[str, Any]) -> Key:
    """(type, code, pact location). ajv places an unknown property or a discriminator tag at the object
    holding it; Tether at the property itself: the key uses the object's location for both."""
    location = str((result.get("mockDetails") or {}).get("location", ""))
    found = _PARENT_LOCATED.search(str(result.get("message", "")))
    name = found and (found.group("extra") or found.group("tag"))
    if name and location.endswith("." + name):
        location = location[: -len(name) - 1]
    return (str(result["type"]), str(result["code"]), location)


def expected_findings(case: str) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = json.loads((FIXTURES / case / "results.json").read_text("utf-8"))
    return results


def tether_findings(case: str) -> list[dict[str, Any]]:
    folder = FIXTURES / case
    spec = parse_document_text((folder / "oas.yaml").read_text("utf-8"), f"{case}/oas.yaml")
    pact = parse_document_text((folder / "pact.json").read_text("utf-8"), f"{case}/pact.json")
    checker = OpenAPIChecker(parse_openapi(spec, source=f"{case}/oas.yaml"))
    report = run_checker(
        checker, [(f"{case}/pact.json", parse_pact(pact, f"{case}/pact.json"))], name_files=False
    )
    return [finding.to_json() for finding in report.findings]


def differences(case: str) -> dict[str, Any]:
    """Finding keys only the comparator reports, and ones only Tether reports (or the error Tether raises)."""
    theirs = {_key(r) for r in expected_findings(case)}
    try:
        ours = {_key(r) for r in tether_findings(case)}
    except ContractError as exc:
        return {"only_comparator": sorted(theirs), "tether_raises": f"{type(exc).__name__}: {exc}"}
    return {"only_comparator": sorted(theirs - ours), "only_tether": sorted(ours - theirs)}


@pytest.mark.parametrize("case", [c for c in CASES if c not in DEVIATIONS])
def test_fixture_agrees_with_comparator(case: str) -> None:
    assert differences(case) == {"only_comparator": [], "only_tether": []}


@pytest.mark.parametrize("case", sorted(DEVIATIONS))
def test_listed_deviations_still_differ(case: str) -> None:
    assert case in CASES, f"{case} is listed as a deviation but is not a fixture"
    assert len(DEVIATIONS[case]) > 20, "say why Tether differs"
    assert differences(case) != {"only_comparator": [], "only_tether": []}, (
        f"{case} now agrees with the comparator: remove it from DEVIATIONS"
    )


def test_every_fixture_is_vendored_whole() -> None:
    assert len(CASES) >= 43
    for case in CASES:
        for name in ("oas.yaml", "pact.json", "results.json"):
            assert (FIXTURES / case / name).is_file(), f"{case}/{name}"
    assert "MIT License" in (FIXTURES / "LICENSE").read_text("utf-8")
