"""Every corpus case: Tether's verdict, codes and per-interaction findings equal the comparator's recorded
ones, except in cases that record a deliberate difference (a `tether` entry with the reason)."""

from __future__ import annotations

import pytest

from tests.verifier.openapi.corpus import Case, load_cases, run_tether

CASES = load_cases()
ALL_CODES = {
    "request.path-or-method.unknown",
    "request.body.incompatible",
    "response.status.unknown",
    "response.body.incompatible",
    "request.query.incompatible",
    "request.header.incompatible",
    "request.accept.incompatible",
    "request.content-type.incompatible",
    "response.content-type.incompatible",
    "response.header.incompatible",
    "request.authorization.missing",
    "response.body.unknown",
    "response.header.unknown",
    "response.status.default",
    "request.header.unknown",
    "request.query.unknown",
    "request.accept.unknown",
    "request.body.unknown",
    "request.body.unvalidatable",
    "request.content-type.missing",
    "request.content-type.unknown",
    "response.body.unvalidatable",
    "response.content-type.unknown",
    "response.header.undefined",
}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_matches_expectation(case: Case) -> None:
    got = run_tether(case)
    expected = case.expected
    if "tether" in case.data:
        assert {k: got[k] for k in ("success", "errors", "warnings")} == {
            k: expected[k] for k in ("success", "errors", "warnings")
        }, case.data["tether"]["why"]
    else:
        assert got == expected


@pytest.mark.parametrize("case", [c for c in CASES if "tether" in c.data], ids=lambda c: c.name)
def test_deliberate_differences_are_real_and_explained(case: Case) -> None:
    """A `tether` entry must say why, and (where the comparator could run) really differ from it."""
    assert len(case.data["tether"].get("why", "")) > 20
    comparator = case.data.get("comparator")
    if comparator is None:
        assert "spec_file" in case.data  # the comparator cannot read multi-file specs
        return
    if "crash" in comparator:
        return
    tether = {k: case.data["tether"][k] for k in ("success", "errors", "warnings")}
    options_only = bool(case.data.get("options"))
    assert tether != {k: comparator[k] for k in tether} or options_only


def test_corpus_is_large_and_covers_every_rule_code() -> None:
    assert len(CASES) >= 60
    recorded = {code for c in CASES for key in ("comparator", "tether") for code in _codes(c.data.get(key))}
    assert recorded >= ALL_CODES, sorted(ALL_CODES - recorded)
    with_oracle = [c for c in CASES if c.data.get("comparator") and "crash" not in c.data["comparator"]]
    assert len(with_oracle) >= 60


def _codes(record: object) -> list[str]:
    if not isinstance(record, dict):
        return []
    return [*record.get("errors", []), *record.get("warnings", [])]
