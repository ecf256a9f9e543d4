"""`tether verify provider --pact ...` against the real example provider and its drifted twin."""

from __future__ import annotations

import json
from pathlib import Path

import defusedxml.ElementTree as SafeET

from tests.examples.servers import MOBILE_PACT, PACTS, WEB_PACT
from tests.verifier.live.cli_runner import provider_args, tether_verify

PACT_ARGS = ("--pact", str(WEB_PACT), "--pact", str(MOBILE_PACT))

# the interactions each drift breaks, and how the Rust verifier words the mismatch
DRIFTED = {
    ("OrderWeb", "a request for product 42"): (
        "BodyMismatch",
        "Actual map is missing the following keys: name",
    ),
    ("OrderWeb", "a request for the product catalogue"): (
        "BodyMismatch",
        "Actual map is missing the following keys: name",
    ),
    ("OrderWeb", "a request to order two espresso cups"): ("StatusMismatch", "expected 201 but was 200"),
    ("OrderMobile", "a request for the product shown on the product page"): (
        "BodyMismatch",
        "Actual map is missing the following keys: name",
    ),
    ("OrderMobile", "a request to order one espresso cup from the app"): (
        "StatusMismatch",
        "expected 201 but was 200",
    ),
    ("OrderMobile", "a request to cancel an order"): ("StatusMismatch", "expected 204 but was 405"),
}


def test_example_provider_passes(provider_url: str, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    run = tether_verify(*provider_args(provider_url, *PACT_ARGS, "--format", "json", "--output", str(report)))
    assert run.exit_code == 0, run.stdout + run.stderr
    data = json.loads(report.read_text())
    assert data["success"] is True
    assert data["summary"] == {
        "interactions": 10,
        "passed": 10,
        "failed": 0,
        "pendingFailed": 0,
        "selfCheckFailures": 0,
    }
    interactions = data["pactVerification"]["interactions"]
    assert {i["consumer"] for i in interactions} == {"OrderWeb", "OrderMobile"}
    assert all(i["result"] == "passed" and i["mismatches"] == [] for i in interactions)
    order = next(i for i in interactions if i["description"] == "a request for an existing order")
    assert order["providerStates"] == ["an order exists"]
    assert data["pactVerification"]["errors"] == []
    assert data["selfVerification"] is None
    # the terminal still gets the human report, with its summary table
    assert "✔ OrdersApi verified" in run.stdout
    assert "OrdersApi: verification summary" in run.stdout
    assert "json report written to" in run.stdout


def test_a_directory_of_pacts_and_a_consumer_filter(provider_url: str) -> None:
    run = tether_verify(*provider_args(provider_url, "--pact", str(PACTS), "--consumer", "OrderMobile"))
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "OrderMobile" in run.stdout
    assert "a request to cancel an order" in run.stdout
    assert "OrderWeb" not in run.stdout


def test_drifted_provider_fails_and_names_the_failing_interactions(drifted_url: str) -> None:
    run = tether_verify(*provider_args(drifted_url, *PACT_ARGS, "--format", "json"))
    assert run.exit_code == 1, run.stdout + run.stderr
    data = json.loads(run.stdout)
    assert data["success"] is False
    assert data["summary"]["failed"] == 6
    assert data["summary"]["passed"] == 4
    failed = {
        (i["consumer"], i["description"]): i
        for i in data["pactVerification"]["interactions"]
        if i["result"] == "failed"
    }
    assert set(failed) == set(DRIFTED)
    for key, (kind, message) in DRIFTED.items():
        assert {(m["type"], m["message"]) for m in failed[key]["mismatches"]} == {(kind, message)}, key
    catalogue = failed[("OrderWeb", "a request for the product catalogue")]["mismatches"]
    assert [m["path"] for m in catalogue] == ["$[0]", "$[1]", "$[2]"]
    cancel = failed[("OrderMobile", "a request to cancel an order")]["mismatches"][0]
    assert (cancel["expected"], cancel["actual"]) == (204, 405)


def test_drifted_text_report_lists_failures_and_summary(drifted_url: str) -> None:
    run = tether_verify(*provider_args(drifted_url, *PACT_ARGS))
    assert run.exit_code == 1
    assert "✘ a request to cancel an order  [given an order exists]" in run.stdout
    assert "StatusMismatch: expected 204 but was 405" in run.stdout
    assert "BodyMismatch $: Actual map is missing the following keys: name" in run.stdout
    assert "✘ OrdersApi verification FAILED" in run.stdout
    summary = [line for line in run.stdout.splitlines() if line.startswith("│ pact replay")]
    assert len(summary) == 2
    assert all("│     5 │      2 │      3 │" in line and "FAILED" in line for line in summary)


def test_junit_report(drifted_url: str, tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    run = tether_verify(*provider_args(drifted_url, *PACT_ARGS, "--format", "junit", "--output", str(report)))
    assert run.exit_code == 1
    root = SafeET.fromstring(report.read_text())
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("10", "6", "0")
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    assert set(suites) == {"pact OrderMobile -> OrdersApi", "pact OrderWeb -> OrdersApi"}
    mobile = suites["pact OrderMobile -> OrdersApi"]
    assert (mobile.get("tests"), mobile.get("failures")) == ("5", "3")
    cancel = next(
        case for case in mobile.iter("testcase") if case.get("name") == "a request to cancel an order"
    )
    failure = cancel.find("failure")
    assert failure is not None
    assert failure.get("type") == "StatusMismatch"
    assert failure.get("message") == "expected 204 but was 405"
    passing = next(
        case for case in mobile.iter("testcase") if case.get("name") == "a request for an order's status"
    )
    assert passing.find("failure") is None
    assert passing.get("classname") == "OrderMobile.OrdersApi"


def test_failing_state_change_is_reported(provider_url: str, tmp_path: Path) -> None:
    pact = json.loads(WEB_PACT.read_text())
    pact["interactions"] = [i for i in pact["interactions"] if i["description"] == "a request for product 42"]
    pact["interactions"][0]["providerStates"][0]["name"] = "the moon is full"
    path = tmp_path / "pact.json"
    path.write_text(json.dumps(pact))
    run = tether_verify(*provider_args(provider_url, "--pact", str(path), "--format", "json"))
    assert run.exit_code == 1
    data = json.loads(run.stdout)
    (interaction,) = data["pactVerification"]["interactions"]
    assert interaction["result"] == "failed"
    assert (
        interaction["mismatches"][0]["message"] == "One or more of the setup state change handlers has failed"
    )
    (error,) = data["pactVerification"]["errors"]
    assert error.startswith("state change 'the moon is full' (setup) answered HTTP 400")
    assert "known states" in error


def test_without_state_change_url_states_are_not_set_up(provider_url: str) -> None:
    """No state-change URL: the relay answers `{}` itself, so stateful interactions fail honestly."""
    args = [
        "provider",
        "--provider",
        "OrdersApi",
        "--provider-base-url",
        provider_url,
        "--pact",
        str(WEB_PACT),
    ]
    run = tether_verify(*args, "--format", "json")
    assert run.exit_code == 1
    results = {
        i["description"]: i["result"] for i in json.loads(run.stdout)["pactVerification"]["interactions"]
    }
    assert results["a request for product 42"] == "failed"  # product 42 only exists once the state is set up
    assert results["a request for the product catalogue"] == "passed"
