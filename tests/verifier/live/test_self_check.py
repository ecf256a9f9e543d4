"""`--openapi SPEC`: schemathesis against the live provider with the provider's own spec."""

from __future__ import annotations

import json
from pathlib import Path

import defusedxml.ElementTree as SafeET

from tests.examples.servers import DRIFTED_SPEC, SPEC, WEB_PACT
from tests.verifier.live.cli_runner import provider_args, tether_verify

OPERATIONS = {
    "GET /products",
    "GET /products/{productId}",
    "POST /orders",
    "GET /orders/{orderId}",
    "DELETE /orders/{orderId}",
}
FUZZ = ("--max-examples", "5", "--seed", "7")


def test_provider_passes_its_own_spec_and_its_pacts(provider_url: str, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    run = tether_verify(
        *provider_args(
            provider_url,
            "--pact",
            str(WEB_PACT),
            "--openapi",
            str(SPEC),
            *FUZZ,
            "--format",
            "json",
            "--output",
            str(report),
        )
    )
    assert run.exit_code == 0, run.stdout + run.stderr
    data = json.loads(report.read_text())
    check = data["selfVerification"]
    assert check["success"] is True
    assert check["tool"] == "schemathesis"
    assert check["toolVersion"].startswith("4.")
    assert check["seed"] == 7
    assert {name: status for name, status in check["phases"].items() if name != "stateful"} == {
        "examples": "success",
        "coverage": "success",
        "fuzzing": "success",
    }
    assert check["testCases"] > 50
    assert {o["operation"] for o in check["operations"]} == OPERATIONS
    assert all(o["result"] == "passed" for o in check["operations"])
    assert check["failures"] == []
    assert data["pactVerification"]["success"] is True
    assert "│ self-check  │ schemathesis │     5 │      5 │      0 │" in run.stdout


def test_drifted_provider_fails_the_original_spec(drifted_url: str, tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    run = tether_verify(
        *provider_args(
            drifted_url, "--openapi", str(SPEC), *FUZZ, "--format", "junit", "--output", str(report)
        )
    )
    assert run.exit_code == 1
    root = SafeET.fromstring(report.read_text())
    (suite,) = root.iter("testsuite")
    assert suite.get("name") == "self-verification OrdersApi (schemathesis)"
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert set(cases) == OPERATIONS
    # renamed field: the product responses violate the schema
    for operation in ("GET /products", "GET /products/{productId}"):
        failure = cases[operation].find("failure")
        assert failure is not None
        assert "ST108" in str(failure.get("message"))
        assert '"name" is a required property' in str(failure.text)
    # changed status: 200 is not documented for POST /orders
    post = cases["POST /orders"].find("failure")
    assert post is not None
    assert "ST103" in str(post.get("message"))
    # removed endpoint: DELETE answers 405
    delete = cases["DELETE /orders/{orderId}"].find("failure")
    assert delete is not None
    assert "405" in str(delete.text)
    assert "✘ OrdersApi verification FAILED" in run.stdout


def test_drifted_provider_is_consistent_with_its_own_spec(drifted_url: str) -> None:
    """The self-check alone cannot see drift when the spec drifted too: the pacts catch it."""
    run = tether_verify(
        *provider_args(
            drifted_url,
            "--openapi",
            str(DRIFTED_SPEC),
            "--phases",
            "examples,coverage",
            *FUZZ,
            "--format",
            "json",
        )
    )
    assert run.exit_code == 0, run.stdout
    check = json.loads(run.stdout)["selfVerification"]
    assert check["success"] is True
    assert {o["operation"] for o in check["operations"]} == OPERATIONS - {"DELETE /orders/{orderId}"}


def test_text_report_shows_what_schemathesis_received_and_the_curl_reproduction(drifted_url: str) -> None:
    """A failed operation in the text output carries schemathesis' own evidence: the received vs the
    documented status and the `curl` command that reproduces the request."""
    run = tether_verify(*provider_args(drifted_url, "--openapi", str(SPEC), *FUZZ))
    assert run.exit_code == 1
    text = run.stdout
    post = text.index("POST /orders")
    evidence = text[post : post + 3000]
    assert "Received: 200" in evidence, evidence
    assert "curl -X POST" in evidence, evidence
    assert "✘ OrdersApi verification FAILED" in text
