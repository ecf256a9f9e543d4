"""The faults file: validation with clear errors, and the decisions it leads to."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from brokerclient.contract_source import load_pact_files
from mocking.errors import FaultsFileError
from mocking.server.faults import FaultPlan, load_faults, parse_faults
from mocking.server.interactions import MockInteraction, prepare_contracts

PACTS = Path(__file__).parent / "pacts"


@pytest.fixture(scope="module")
def interactions() -> dict[str, MockInteraction]:
    return {i.description: i for i in prepare_contracts(load_pact_files([PACTS], "OrdersApi"))}


def plan(document: dict[str, Any]) -> FaultPlan:
    return FaultPlan(parse_faults(document))


def test_sequence_gives_two_503s_then_the_contract_response(interactions: dict[str, MockInteraction]) -> None:
    faults = plan(
        {
            "interactions": [
                {
                    "match": {"method": "POST", "path": "/orders"},
                    "sequence": [
                        {"status": 503, "headers": {"Retry-After": "1"}, "times": 2},
                        {"contract": True},
                    ],
                }
            ]
        }
    )
    create = interactions["create an order"]
    decisions = [faults.decide(create) for _ in range(5)]
    assert [d.action for d in decisions] == ["error", "error", "contract", "contract", "contract"]
    assert decisions[0].status == 503
    assert ("retry-after", "1") in decisions[0].headers
    # other interactions are untouched
    assert faults.decide(interactions["list open orders"]).action == "contract"
    faults.reset()
    assert faults.decide(create).action == "error"


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        ("contract", ["error", "reset", "contract", "contract", "contract"]),
        ("repeat-last", ["error", "reset", "reset", "reset", "reset"]),
        ("cycle", ["error", "reset", "error", "reset", "error"]),
    ],
)
def test_what_happens_after_a_sequence(
    interactions: dict[str, MockInteraction], after: str, expected: list[str]
) -> None:
    faults = plan(
        {
            "interactions": [
                {
                    "match": {"description": "list open orders"},
                    "sequence": [{"status": 500}, {"reset": True}],
                    "after": after,
                }
            ]
        }
    )
    assert [faults.decide(interactions["list open orders"]).action for _ in range(5)] == expected


def test_error_rate_is_seeded_and_close_to_the_rate(interactions: dict[str, MockInteraction]) -> None:
    document = {
        "seed": 7,
        "global": {"error": {"rate": 0.25, "status": 503, "headers": {"Retry-After": "3"}}},
    }
    first = [plan(document).decide(interactions["list open orders"]).action for _ in range(1)]
    faults = plan(document)
    counts = Counter(faults.decide(interactions["list open orders"]).action for _ in range(2000))
    assert 400 <= counts["error"] <= 600
    again = plan(document)
    assert [again.decide(interactions["list open orders"]).action for _ in range(1)] == first


def test_rule_fields_override_global_fields_one_by_one(interactions: dict[str, MockInteraction]) -> None:
    faults = plan(
        {
            "global": {"delay": {"fixed_ms": 40}, "error": {"rate": 1.0, "status": 502}},
            "interactions": [
                {"match": {"consumer": "Web", "description": "create an order"}, "delay": {"fixed_ms": 5}}
            ],
        }
    )
    create = faults.decide(interactions["create an order"])
    assert create.delay == pytest.approx(0.005)
    assert create.action == "error"
    assert create.status == 502
    other = faults.decide(interactions["list open orders"])
    assert other.delay == pytest.approx(0.04)


def test_delay_distributions_stay_in_their_bounds(interactions: dict[str, MockInteraction]) -> None:
    uniform = plan({"seed": 1, "global": {"delay": {"uniform": {"min_ms": 10, "max_ms": 20}}}})
    samples = [uniform.decide(interactions["list open orders"]).delay for _ in range(500)]
    assert min(samples) >= 0.010
    assert max(samples) <= 0.020
    lognormal = plan(
        {"seed": 1, "global": {"delay": {"lognormal": {"median_ms": 50, "sigma": 0.5, "max_ms": 120}}}}
    )
    samples = sorted(lognormal.decide(interactions["list open orders"]).delay for _ in range(1001))
    assert max(samples) <= 0.120
    assert 0.040 <= samples[500] <= 0.060  # the median


def test_state_selector(interactions: dict[str, MockInteraction]) -> None:
    faults = plan({"interactions": [{"match": {"state": "no orders"}, "reset_rate": 1}]})
    assert faults.decide(interactions["get a missing order"]).action == "reset"
    assert faults.decide(interactions["get an existing order"]).action == "contract"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            {"global": {"delay": {"fixed_ms": -1}}},
            "global.delay.fixed_ms: Input should be greater than or equal to 0",
        ),
        ({"global": {"delay": {}}}, "give exactly one of fixed_ms, uniform, lognormal (got none)"),
        ({"global": {"delay": {"uniform": {"min_ms": 5, "max_ms": 1}}}}, "max_ms must be at least min_ms"),
        ({"global": {"error": {"rate": 2}}}, "global.error.rate: Input should be less than or equal to 1"),
        ({"interactions": [{"delay": {"fixed_ms": 1}}]}, "interactions[0].match: Field required"),
        ({"interactions": [{"match": {}, "sequence": [{"times": 2}]}]}, "a step needs exactly one of status"),
        ({"global": {"dleay": {"fixed_ms": 1}}}, "global.dleay: Extra inputs are not permitted"),
        (
            {"interactions": [{"match": {}, "after": "loop"}]},
            "interactions[0].after: Input should be 'contract', 'repeat-last' or 'cycle'",
        ),
    ],
)
def test_bad_faults_files_are_refused_with_the_location(document: dict[str, Any], message: str) -> None:
    with pytest.raises(FaultsFileError) as caught:
        parse_faults(document, "faults.yaml")
    assert str(caught.value).startswith("faults.yaml: invalid faults file: ")
    assert message in str(caught.value)


def test_load_faults_reads_yaml_and_json_and_reports_syntax_errors(tmp_path: Path) -> None:
    good = tmp_path / "faults.yaml"
    good.write_text("seed: 3\nglobal:\n  delay: {fixed_ms: 5}\n")
    assert load_faults(good).seed == 3
    as_json = tmp_path / "faults.json"
    as_json.write_text('{"global": {"reset_rate": 0.5}}')
    loaded = load_faults(as_json)
    assert loaded.global_ is not None
    assert loaded.global_.reset_rate == 0.5
    broken = tmp_path / "broken.json"
    broken.write_text("{nope")
    with pytest.raises(FaultsFileError, match=r"broken.json: not valid JSON"):
        load_faults(broken)
    listing = tmp_path / "list.yaml"
    listing.write_text("- 1\n- 2\n")
    with pytest.raises(
        FaultsFileError, match="a faults file is a mapping with keys seed, global, interactions"
    ):
        load_faults(listing)
    with pytest.raises(FaultsFileError, match="cannot read the faults file"):
        load_faults(tmp_path / "missing.yaml")


def test_a_global_sequence_counts_per_interaction(interactions: dict[str, MockInteraction]) -> None:
    faults = plan({"global": {"sequence": [{"status": 502}, {"contract": True}]}})
    listing, create = interactions["list open orders"], interactions["create an order"]
    assert [faults.decide(listing).action for _ in range(3)] == ["error", "contract", "contract"]
    assert faults.decide(create).status == 502
    assert faults.decide(create).action == "contract"
