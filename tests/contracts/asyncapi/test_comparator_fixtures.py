"""Every AsyncAPI fixture of PactFlow's openapi-pact-comparator, run through `contracts.asyncapi`.

A case agrees when our outcomes equal `results.json` in order: code, type, the pact location, the spec
location, and the same for every cause. The listed deviations are deliberate; their test fails when one
stops differing (then it belongs with the agreeing cases).
"""

from __future__ import annotations

import pytest

from tests.contracts.asyncapi.comparison import CASES, Row, actual_rows, expected_rows

UNDECLARED_PROPERTY = (
    "an undeclared property is located at the property itself ('...metadata.x-unknown'), not at the object "
    "that holds it: the shared OpenAPI engine (`contracts.openapi.schemas`) reports it so for OpenAPI too"
)
DEVIATIONS = {
    "message-both-incompatible": UNDECLARED_PROPERTY,
    "message-headers-extra-properties": UNDECLARED_PROPERTY,
    "message-headers-extra-properties-no-explicit-block": UNDECLARED_PROPERTY,
    "message-payload-extra-properties": UNDECLARED_PROPERTY,
    "payload-schema-ref-incompatible": (
        "a failing keyword of a $ref'd schema is located where it is written "
        "('[root].components.schemas.UserPayload.properties.userId.type'), as the OpenAPI engine does, "
        "not along the $ref'ing message"
    ),
}
AGREEING = [case for case in CASES if case not in DEVIATIONS]


def test_the_fixture_set_is_complete() -> None:
    assert len(CASES) == 30
    assert set(DEVIATIONS) <= set(CASES)


@pytest.mark.parametrize("case", AGREEING)
def test_agrees_with_the_comparator(case: str) -> None:
    assert actual_rows(case) == expected_rows(case)


def _codes(rows: list[Row]) -> list[tuple[str, str, tuple[tuple[str, str], ...]]]:
    return [(code, kind, tuple((c[0], c[1]) for c in causes)) for code, kind, _, _, causes in rows]


@pytest.mark.parametrize("case", sorted(DEVIATIONS))
def test_deliberate_deviation_still_differs_only_in_locations(case: str) -> None:
    actual, expected = actual_rows(case), expected_rows(case)
    assert actual != expected, f"{case} now agrees with the comparator: remove it from DEVIATIONS"
    assert _codes(actual) == _codes(expected)
