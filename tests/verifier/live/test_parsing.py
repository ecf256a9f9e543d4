"""Turning the verifier's and schemathesis' own reports into typed results (no servers needed)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from rich.console import Console

from verifier.live.events import SelfCheckOperation, SelfCheckPhaseFinished, SelfCheckPhaseStarted
from verifier.live.replay import parse_results
from verifier.live.report import print_text, render_junit
from verifier.live.results import InteractionResult, Mismatch, Outcome, ProviderVerification, ReplayResult
from verifier.live.selfcheck import build_result, parse_junit, self_check_event

# the shape of pact-python's Verifier.results (pact_ffi 0.5.12), as captured from real runs
VERIFIER_RESULTS: dict[str, Any] = {
    "errors": [],
    "interactionResults": [
        {
            "consumer": "OrderWeb",
            "description": "a request for product 42",
            "duration": "8ms",
            "pending": False,
            "provider": "OrdersApi",
            "providerStates": ["a product exists"],
            "result": "Error",
            "mismatch": {
                "interactionId": "",
                "type": "mismatches",
                "mismatches": [
                    {
                        "type": "HeaderMismatch",
                        "key": "Content-Type",
                        "expected": "application/json",
                        "actual": "text/html",
                        "mismatch": "Mismatch with header 'Content-Type'",
                    },
                    {
                        "type": "BodyMismatch",
                        "path": "$",
                        "expected": "[...]",
                        "actual": "[...]",
                        "mismatch": "Actual map is missing the following keys: name",
                    },
                ],
            },
        },
        {
            "consumer": "OrderWeb",
            "description": "a request to order two espresso cups",
            "duration": "12ms",
            "pending": True,
            "provider": "OrdersApi",
            "providerStates": [],
            "result": "Error",
            "mismatch": {
                "interactionId": "",
                "type": "error",
                "message": "Request to provider failed: timeout",
            },
        },
        {
            "consumer": "OrderWeb",
            "description": "a request for the product catalogue",
            "duration": "3ms",
            "pending": False,
            "provider": "OrdersApi",
            "providerStates": ["products exist"],
            "result": "OK",
        },
    ],
    "notices": [{"when": "before_verification", "text": "The pact at ... is being verified because ..."}],
    "output": [],
}


def test_interactions_mismatches_and_pending() -> None:
    result = parse_results({"results": VERIFIER_RESULTS, "output": "", "raised": "failed"}, published=False)
    product, order, catalogue = result.interactions
    assert product.outcome is Outcome.FAILED
    assert product.blocks
    assert product.duration_ms == 8
    assert [(m.kind, m.path, m.message) for m in product.mismatches] == [
        ("BodyMismatch", "$", "Actual map is missing the following keys: name"),
        ("HeaderMismatch", "Content-Type", "Mismatch with header 'Content-Type'"),
    ]
    assert product.mismatches[1].expected == "application/json"
    assert order.pending
    assert not order.blocks
    assert [(m.kind, m.message) for m in order.mismatches] == [
        ("Error", "Request to provider failed: timeout")
    ]
    assert catalogue.outcome is Outcome.PASSED
    assert catalogue.provider_states == ("products exist",)
    assert result.notices == ("The pact at ... is being verified because ...",)
    assert result.errors == ()
    assert not result.success


def test_pending_failures_alone_do_not_fail() -> None:
    results = {**VERIFIER_RESULTS, "interactionResults": VERIFIER_RESULTS["interactionResults"][1:]}
    result = parse_results({"results": results, "output": "", "raised": None}, published=True)
    assert result.success
    assert result.published


def test_a_run_that_failed_outside_any_interaction() -> None:
    """Read from the verifier's structured `errors`, not from its console output."""
    problem = "No pacts found for provider 'OrdersApi' matching the given selectors"
    raw = {
        "results": {
            "interactionResults": [],
            "notices": [],
            "errors": [
                {"interaction": "Failed to load pact", "mismatch": {"type": "error", "message": problem}}
            ],
        },
        "output": "\nThere were 1 pact failures\n",
        "raised": "x",
    }
    result = parse_results(raw, published=True)
    assert not result.success
    assert result.errors == (f"Failed to load pact - {problem}",)


def test_a_failed_run_without_structured_errors_keeps_what_the_verifier_raised() -> None:
    raw = {"results": {"interactionResults": [], "errors": []}, "output": "", "raised": "verification failed"}
    assert parse_results(raw, published=False).errors == ("verification failed",)


def test_refused_publication_is_an_error() -> None:
    output = (
        "Publishing verification results ...\n"
        "Publishing of verification results failed with an error: Request Failed - 400 Bad Request\n"
        "This pact is no longer in pending state ... as a successful verification result has been published. "
        "If a verification fails in the future, it will fail the build.\n"
    )
    results = {**VERIFIER_RESULTS, "interactionResults": VERIFIER_RESULTS["interactionResults"][2:]}
    result = parse_results({"results": results, "output": output, "raised": None}, published=True)
    assert not result.published
    assert result.errors == (
        "Publishing of verification results failed with an error: Request Failed - 400 Bad Request",
    )
    assert result.publish_errors == result.errors


def test_state_change_failures_are_reported() -> None:
    results = {**VERIFIER_RESULTS, "interactionResults": VERIFIER_RESULTS["interactionResults"][2:]}
    problem = "state change 'x' (setup) answered HTTP 500: boom"
    result = parse_results(
        {"results": results, "output": "", "raised": None}, published=False, state_failures=[problem, problem]
    )
    assert result.errors == (problem,)
    assert not result.success


JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites errors="0" failures="2" skipped="1" tests="3" time="0.5">
  <testsuite name="schemathesis" errors="0" failures="2" skipped="1" tests="3" time="0.5">
    <testcase name="GET /products" time="0.04">
      <failure type="failure" message="ST108">1. Test Case ID: a

- ST108 Response violates schema</failure>
    </testcase>
    <testcase name="DELETE /orders/{orderId}" time="0.1">
      <failure type="failure" message="ST103, ST202">- ST103 Undocumented status code</failure>
    </testcase>
    <testcase name="GET /orders/{orderId}" time="0.0">
      <skipped type="skipped">Skipped after 10+ consecutive `405 Method Not Allowed` responses</skipped>
    </testcase>
    <testcase name="POST /orders" time="0.2"/>
  </testsuite>
</testsuites>
"""


def test_junit_report_per_operation() -> None:
    operations = {o.operation: o for o in parse_junit(JUNIT)}
    assert operations["GET /products"].outcome is Outcome.FAILED
    assert operations["GET /products"].codes == ("ST108",)
    assert "ST108 Response violates schema" in operations["GET /products"].details
    assert operations["DELETE /orders/{orderId}"].codes == ("ST103", "ST202")
    assert operations["GET /orders/{orderId}"].outcome is Outcome.SKIPPED
    assert operations["POST /orders"].outcome is Outcome.PASSED


RUN_REPORT: dict[str, Any] = {
    "schemathesis_version": "4.32.5",
    "command": "st run spec.yaml",
    "seed": 3,
    "exit_code": 0,
    "phases": {
        "examples": {"status": "success"},
        "coverage": {"status": "success"},
        "stateful": {"status": "skip"},
    },
    "test_cases": {"generated": 85},
    "failures": [],
    "errors": [],
    "warnings": {"missing_auth": [], "method_not_allowed": []},
}


def test_clean_run() -> None:
    check = build_result("spec.yaml", RUN_REPORT, parse_junit(JUNIT)[3:], "report", returncode=0)
    assert check.success
    assert check.phases == {"examples": "success", "coverage": "success", "stateful": "skip"}
    assert check.test_cases == 85
    assert check.warnings == {}
    assert check.seed == 3


def test_documented_operation_answering_405_fails_the_self_check() -> None:
    """Schemathesis only warns (and skips the operation); for Tether a documented operation is missing."""
    run = {**RUN_REPORT, "warnings": {"method_not_allowed": ["GET /orders/{orderId}"]}}
    check = build_result("spec.yaml", run, parse_junit(JUNIT), "report", returncode=0)
    assert not check.success
    (failure,) = check.failures
    assert (failure.code, failure.operations) == ("method_not_allowed", ("GET /orders/{orderId}",))
    missing = next(o for o in check.operations if o.operation == "GET /orders/{orderId}")
    assert missing.outcome is Outcome.FAILED
    assert missing.codes == ("method_not_allowed",)


def test_failures_and_errors_of_the_run() -> None:
    run = {
        **RUN_REPORT,
        "exit_code": 1,
        "failures": [
            {
                "code": "ST108",
                "title": "Response violates schema",
                "count": 4,
                "operations": ["GET /products"],
            }
        ],
        "errors": [{"operation": "POST /orders", "title": "Network error", "message": "connection refused"}],
    }
    check = build_result("spec.yaml", run, parse_junit(JUNIT), "report", returncode=1)
    assert not check.success
    assert [(f.code, f.count) for f in check.failures] == [("ST108", 4)]
    assert check.errors == ("POST /orders: Network error: connection refused",)


def test_the_junit_report_stays_valid_xml_with_control_characters_in_descriptions() -> None:
    failed = InteractionResult(
        "Web\x01",
        "a request \x1b[31m in red",
        (),
        Outcome.FAILED,
        mismatches=(Mismatch("BodyMismatch", "expected \x00 but got \x02"),),
    )
    result = ProviderVerification("OrdersApi", "http://x", None, ReplayResult((failed,)), None)
    case = ET.fromstring(render_junit(result)).find("testsuite/testcase")
    assert case is not None
    assert case.get("name") == "a request \\x1b[31m in red"
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message") == "expected \\x00 but got \\x02"


def test_the_text_report_prints_names_with_square_brackets_literally() -> None:
    item = InteractionResult("web[/x]", "get [/b] thing", ("[/s]",), Outcome.PASSED)
    result = ProviderVerification("[red]orders", "http://x", None, ReplayResult((item,)), None)
    console = Console(width=200, record=True)
    print_text(console, result)
    text = console.export_text()
    assert "web[/x]" in text
    assert "get [/b] thing" in text
    assert "[red]orders: verification summary" in text


def test_schemathesis_event_stream_lines_become_events() -> None:
    phases = ("examples", "coverage")
    lines = [
        '{"Initialize":{"command":"st run","schemathesis_version":"4.32.5","seed":1}}',
        '{"PhaseStarted":{"id":"a","phase":{"name":"probing","is_enabled":true}}}',
        '{"PhaseStarted":{"id":"b","phase":{"name":"examples","is_enabled":true}}}',
        '{"ScenarioFinished":{"id":"c","phase":"examples","status":"skip","skip_reason":"No examples in schema",'
        '"recorder":{"label":"GET /products"}}}',
        '{"ScenarioFinished":{"id":"d","phase":"examples","status":"failure","recorder":{"label":"POST /orders",'
        '"cases":{}}}}',
        '{"PhaseFinished":{"id":"e","phase":{"name":"examples","is_enabled":true},"status":"failure"}}',
        '{"PhaseFinished":{"id":"f","phase":{"name":"stateful","is_enabled":false},"status":"skip"}}',
        '{"ScenarioFinished":{"phase":"examples","status":"succ',  # cut short
    ]
    events = [self_check_event(line, phases) for line in lines]
    assert events == [
        None,
        None,
        SelfCheckPhaseStarted("examples"),
        SelfCheckOperation("examples", "GET /products", "skip", "No examples in schema"),
        SelfCheckOperation("examples", "POST /orders", "failure"),
        SelfCheckPhaseFinished("examples", "failure"),
        None,
        None,
    ]
