"""Every drift of the drifted provider is caught, live (pact replay) and statically (pacts vs its spec)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.examples.servers import DRIFTED_SPEC, MOBILE_PACT, SPEC, WEB_PACT
from tests.verifier.live.cli_runner import provider_args, tether_verify

# drift -> (interaction that exercises it, live mismatch, static rule code)
DRIFTS = {
    "renamed field (name -> title)": (
        ("OrderMobile", "a request for the product shown on the product page"),
        "Actual map is missing the following keys: name",
        "response.body.incompatible",
    ),
    "changed status code (POST /orders 201 -> 200)": (
        ("OrderWeb", "a request to order two espresso cups"),
        "expected 201 but was 200",
        "response.status.unknown",
    ),
    "removed endpoint (DELETE /orders/{id})": (
        ("OrderMobile", "a request to cancel an order"),
        "expected 204 but was 405",
        "request.path-or-method.unknown",
    ),
}


@pytest.fixture(scope="module")
def live_report(drifted_url: str) -> dict[str, Any]:
    run = tether_verify(
        *provider_args(drifted_url, "--pact", str(WEB_PACT), "--pact", str(MOBILE_PACT), "--format", "json")
    )
    assert run.exit_code == 1
    report: dict[str, Any] = json.loads(run.stdout)
    return report


@pytest.fixture(scope="module")
def static_report() -> dict[str, Any]:
    run = tether_verify("openapi", str(DRIFTED_SPEC), str(WEB_PACT), str(MOBILE_PACT), "--format", "json")
    assert run.exit_code == 1, run.stdout + run.stderr
    report: dict[str, Any] = json.loads(run.stdout)
    return report


@pytest.mark.parametrize("drift", sorted(DRIFTS))
def test_drift_is_caught_live(drift: str, live_report: dict[str, Any]) -> None:
    (consumer, description), message, _ = DRIFTS[drift]
    interaction = next(
        i
        for i in live_report["pactVerification"]["interactions"]
        if (i["consumer"], i["description"]) == (consumer, description)
    )
    assert interaction["result"] == "failed"
    assert message in [m["message"] for m in interaction["mismatches"]]


@pytest.mark.parametrize("drift", sorted(DRIFTS))
def test_drift_is_caught_statically(drift: str, static_report: dict[str, Any]) -> None:
    (_, description), _, code = DRIFTS[drift]
    codes = {
        e["code"]
        for e in static_report["errors"]
        if e["mockDetails"]["interactionDescription"] == description
    }
    assert code in codes


def test_pacts_are_compatible_with_the_original_spec() -> None:
    run = tether_verify("openapi", str(SPEC), str(WEB_PACT), str(MOBILE_PACT), "--format", "json")
    assert run.exit_code == 0, run.stdout
    assert json.loads(run.stdout)["errors"] == []
