"""The mock audit, run on small test files through pytester: each kind of drift is caught, correct
mocks stay quiet, strict mode fails the run, and the recorded mocks become a consumer pact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

# Imported here so that pytester's in-process runs (which drop modules first imported inside them)
# reuse these modules instead of importing second copies (PyYAML's loaders do not survive that).
import loadgen.audit.plugin  # noqa: F401
from contracts.pactfile import load_pact
from loadgen.contract_source import load_pact_files
from loadgen.mock.engine import IncomingRequest, MockEngine
from loadgen.mock.interactions import prepare_contracts

HERE = Path(__file__).parent
SPEC = HERE / "orders-openapi.yaml"
PACTS = HERE.parent / "mock" / "pacts"

CORRECT = """
import httpx, requests, respx, responses

ORDER = {"id": 7, "status": "open", "total": 12.5, "items": [{"sku": "A-1", "quantity": 2}]}
BASE = "https://orders.test/api"

def test_respx():
    with respx.mock:
        respx.get(f"{BASE}/orders/7").respond(200, json=ORDER)
        respx.get(f"{BASE}/orders/8").mock(return_value=httpx.Response(404, json={"error": "no such order"}))
        assert httpx.get(f"{BASE}/orders/7").json() == ORDER
        assert httpx.get(f"{BASE}/orders/8").status_code == 404

def test_pytest_httpx(httpx_mock):
    httpx_mock.add_response(method="POST", url=f"{BASE}/orders", match_json={"items": [{"sku": "A-1", "quantity": 1}]},
                            status_code=201, json={**ORDER, "note": None})
    assert httpx.post(f"{BASE}/orders", json={"items": [{"sku": "A-1", "quantity": 1}]}).status_code == 201

@responses.activate
def test_responses():
    responses.get(f"{BASE}/orders?status=open", json=[ORDER])
    assert requests.get(f"{BASE}/orders?status=open").json() == [ORDER]

def test_requests_mock(requests_mock):
    requests_mock.get(f"{BASE}/orders/7", json=ORDER, headers={"Content-Type": "application/json"})
    assert requests.get(f"{BASE}/orders/7").json()["total"] == 12.5
"""

DRIFTED = """
import httpx, requests, respx, responses

ORDER = {"id": 7, "status": "open", "total": 12.5, "items": [{"sku": "A-1", "quantity": 2}]}
BASE = "https://orders.test/api"

def test_wrong_type():
    with respx.mock:
        respx.get(f"{BASE}/orders/7").respond(200, json={**ORDER, "total": "12.50"})
        httpx.get(f"{BASE}/orders/7")

@responses.activate
def test_missing_field():
    responses.get(f"{BASE}/orders/7", json={"id": 7, "status": "open", "items": []})
    requests.get(f"{BASE}/orders/7")

def test_wrong_path(requests_mock):
    requests_mock.get(f"{BASE}/order/7", json=ORDER)
    requests.get(f"{BASE}/order/7")

def test_unknown_status(httpx_mock):
    httpx_mock.add_response(method="GET", url=f"{BASE}/orders/7", status_code=500, json={"error": "boom"})
    httpx.get(f"{BASE}/orders/7")

def test_request_body(httpx_mock):
    httpx_mock.add_response(method="POST", url=f"{BASE}/orders", match_json={"items": [{"sku": "A-1", "quantity": "1"}]},
                            status_code=201, json=ORDER)
    httpx.post(f"{BASE}/orders", json={"items": [{"sku": "A-1", "quantity": "1"}]})

@responses.activate
def test_responses_json_matcher():
    responses.post(f"{BASE}/orders", json=ORDER, status=201,
                   match=[responses.matchers.json_params_matcher({"items": [{"sku": "A-1"}]})])
    requests.post(f"{BASE}/orders", json={"items": [{"sku": "A-1"}]})

def test_unknown_method(requests_mock):
    requests_mock.delete(f"{BASE}/orders/7", status_code=204)
    requests.delete(f"{BASE}/orders/7")

def test_path_parameter(requests_mock):
    requests_mock.get(f"{BASE}/orders/latest", json=ORDER)
    requests.get(f"{BASE}/orders/latest")

def test_invalid_value_and_unexpected_content_type():
    with respx.mock:
        respx.get(f"{BASE}/orders/1").respond(200, json={**ORDER, "status": "lost"})
        respx.get(f"{BASE}/orders/2").respond(200, text="<html>no</html>", headers={"Content-Type": "text/html"})
        httpx.get(f"{BASE}/orders/1"); httpx.get(f"{BASE}/orders/2")
"""


def audit_run(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_client=source)
    return pytester.runpytest("-p", "no:cacheprovider", *args)


def test_correct_mocks_of_all_four_libraries_stay_quiet(pytester: pytest.Pytester) -> None:
    result = audit_run(pytester, CORRECT, f"--tether-audit=OrdersApi={SPEC}", "--tether-audit-strict")
    result.assert_outcomes(passed=4)
    assert result.ret == 0
    output = result.stdout.str()
    assert "DRIFT" not in output
    assert "WARN" not in output
    result.stdout.fnmatch_lines(
        [
            "*tether mock audit*",
            f"contract: OrdersApi: OpenAPI {SPEC}",
            "tether audit: 5 mock(s) recorded (pytest-httpx 1, requests-mock 1, responses 1, respx 2): "
            "0 drifted (0 error(s), 0 warning(s)), 5 ok",
        ]
    )


def test_each_kind_of_drift_is_reported_with_test_mock_and_problem(pytester: pytest.Pytester) -> None:
    result = audit_run(pytester, DRIFTED, f"--tether-audit=OrdersApi={SPEC}")
    result.assert_outcomes(passed=9)
    assert result.ret == 0  # without --tether-audit-strict drift is reported, the run still passes
    result.stdout.fnmatch_lines(
        [
            "DRIFT test_client.py::test_wrong_type",
            "  respx mock at test_client.py:8: GET https://orders.test/api/orders/7 -> 200",
            "    x wrong-type        response.body $.total: wrong type: the spec says number, the mock has string '12.50'",
            "      according to OpenAPI * GET /orders/{orderId} 200",
            "DRIFT test_client.py::test_missing_field",
            "  responses mock at test_client.py:13: GET https://orders.test/api/orders/7 -> 200",
            "    x missing-field     response.body $.total: required field 'total' is missing",
            "DRIFT test_client.py::test_wrong_path",
            "    x unknown-path      request.path: wrong path: /api/order/7 is not a path of the spec; closest: *",
            "DRIFT test_client.py::test_unknown_status",
            "    x unknown-status    response.status: status 500 is not documented for GET /orders/{orderId} (the spec has 200, 404)",
            "DRIFT test_client.py::test_request_body",
            "    x request-body      request.body $.items[0].quantity: wrong type: the spec says integer, the mock has string '1'",
            "DRIFT test_client.py::test_responses_json_matcher",
            "    x request-body      request.body $.items[0].quantity: required field 'quantity' is missing",
            "DRIFT test_client.py::test_unknown_method",
            "    x unknown-method    request.method: DELETE is not an operation of /orders/{orderId} (the spec has GET)",
            "DRIFT test_client.py::test_path_parameter",
            "    x path-parameter    request.path {orderId}: path parameter orderId='latest': 'latest' is not of type 'integer'",
            "DRIFT test_client.py::test_invalid_value_and_unexpected_content_type",
            "    x invalid-value     response.body $.status: enum: 'lost' is not one of ['open', 'shipped']",
            "    x content-type      response.headers Content-Type: content type text/html is not documented (the spec has application/json)",
            "tether audit: 10 mock(s) recorded (pytest-httpx 2, requests-mock 3, responses 2, respx 3): "
            "10 drifted (10 error(s), 0 warning(s)), 0 ok",
        ]
    )


def test_strict_mode_fails_the_run_and_json_report(pytester: pytest.Pytester, tmp_path: Path) -> None:
    report = tmp_path / "audit.json"
    result = audit_run(
        pytester,
        DRIFTED,
        f"--tether-audit=OrdersApi={SPEC}",
        "--tether-audit-strict",
        f"--tether-audit-json={report}",
    )
    result.assert_outcomes(passed=9)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*-- failing the run (--tether-audit-strict)"])
    document = json.loads(report.read_text())
    assert document["summary"] == {"mocks": 10, "drifted": 10, "errors": 10, "warnings": 0, "notAudited": 0}
    wrong_type = next(m for m in document["mocks"] if m["test"].endswith("test_wrong_type"))
    assert wrong_type["provider"] == "OrdersApi"
    assert wrong_type["findings"] == [
        {
            "kind": "wrong-type",
            "severity": "error",
            "source": f"OpenAPI {SPEC} GET /orders/{{orderId}} 200",
            "location": "response.body $.total",
            "message": "wrong type: the spec says number, the mock has string '12.50'",
            "expected": "number",
            "actual": "12.50",
        }
    ]


def test_audit_against_verified_pacts_only(pytester: pytest.Pytester) -> None:
    source = """
import httpx, respx

def test_against_pacts():
    with respx.mock:
        respx.get("https://orders-api.internal/orders/7").respond(200, json={"id": 3, "status": "shipped", "total": 1.5, "items": [{"sku": "Q", "quantity": 1}]})
        respx.get("https://orders-api.internal/orders/8").respond(200, json={"id": "8", "status": "open", "total": 1.5, "items": []})
        respx.get("https://orders-api.internal/orders/9").respond(500)
        respx.get("https://orders-api.internal/invoices/1").respond(200, json={})
        for path in ("/orders/7", "/orders/8", "/orders/9", "/invoices/1"):
            httpx.get("https://orders-api.internal" + path)
"""
    result = audit_run(pytester, source, f"--tether-audit=OrdersApi={PACTS}")
    result.assert_outcomes(passed=1)
    output = result.stdout.str()
    assert (
        "GET https://orders-api.internal/orders/7 -> 200" not in output
    )  # a different example, same shape: fine
    result.stdout.fnmatch_lines(
        [
            "  respx mock at test_client.py:*: GET https://orders-api.internal/orders/8 -> 200",
            "    x wrong-type        response.body $.id: Expected '8' (String) to be an integer",
            "      according to pact Web: get an existing order [order 7 exists]",
            "    x contract-mismatch response.body $.items: Expected [] (size 0) to have minimum size of 1",
            "    x unknown-status    response.status: status 500 was never verified for GET /orders/9 (verified: 200, 404)",
            "    x unknown-path      request: no verified interaction covers GET /invoices/1; closest: *",
        ]
    )


def test_hosts_decide_which_provider_a_mock_belongs_to(pytester: pytest.Pytester) -> None:
    source = """
import requests

def test_two_services(requests_mock):
    requests_mock.get("https://payments.test/charges/1", json={})
    requests_mock.get("https://orders.test/api/orders/7", json={"id": 7})
    requests.get("https://payments.test/charges/1"); requests.get("https://orders.test/api/orders/7")
"""
    result = audit_run(pytester, source, f"--tether-audit=OrdersApi={SPEC}")
    result.stdout.fnmatch_lines(
        [
            "not audited: mocks for host(s) payments.test belong to no audited provider "
            "(map them with --tether-audit-host PROVIDER=HOST)",
            "tether audit: 2 mock(s) recorded (requests-mock 2): 1 drifted (3 error(s), 0 warning(s)), 0 ok, 1 not audited",
        ]
    )
    mapped = pytester.runpytest(
        "-p",
        "no:cacheprovider",
        f"--tether-audit=OrdersApi={SPEC}",
        "--tether-audit-host=OrdersApi=payments.test",
    )
    mapped.stdout.fnmatch_lines(["*wrong path: /charges/1 is not a path of the spec*"])


def test_recorded_mocks_become_a_consumer_pact_that_tether_can_serve(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    out = tmp_path / "pacts"
    result = audit_run(
        pytester,
        CORRECT,
        f"--tether-audit=OrdersApi={SPEC}",
        f"--tether-audit-pact={out}",
        "--tether-audit-consumer=OrderWeb",
    )
    result.stdout.fnmatch_lines([f"tether audit: wrote consumer pact {out / 'OrderWeb-OrdersApi.json'}"])
    pact = load_pact(out / "OrderWeb-OrdersApi.json")
    assert pact.consumer == "OrderWeb"
    assert pact.provider == "OrdersApi"
    assert sorted(i.description for i in pact.http_interactions) == [
        "GET /api/orders -> 200 (test_responses)",
        "GET /api/orders/7 -> 200 (test_respx)",  # test_requests_mock's identical mock is merged into it
        "GET /api/orders/8 -> 404 (test_respx)",
        "POST /api/orders -> 201 (test_pytest_httpx)",
    ]
    engine = MockEngine(prepare_contracts(load_pact_files([out], "OrdersApi")), provider="OrdersApi")
    created = engine.handle(
        IncomingRequest(
            "POST",
            "/api/orders",
            headers=[("Content-Type", "application/json")],
            body=b'{"items": [{"sku": "A-1", "quantity": 1}]}',
        )
    )
    assert created.kind == "matched"
    assert json.loads(created.response.body)["note"] is None
    listed = engine.handle(IncomingRequest("GET", "/api/orders", query="status=open"))
    assert listed.kind == "matched"


def test_bad_audit_options_are_usage_errors(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest("-p", "no:cacheprovider", "--tether-audit=OrdersApi")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*expected PROVIDER=SOURCE*e.g. --tether-audit OrdersApi=openapi.yaml*"])
    missing = pytester.runpytest("-p", "no:cacheprovider", "--tether-audit=OrdersApi=nowhere.yaml")
    assert missing.ret == pytest.ExitCode.USAGE_ERROR
    missing.stderr.fnmatch_lines(["*--tether-audit OrdersApi=nowhere.yaml: no such file or folder*"])


def test_the_libraries_are_patched_only_while_the_audit_runs(pytester: pytest.Pytester) -> None:
    import pytest_httpx
    import requests_mock.adapter
    import responses.registries
    import respx.models

    originals = (
        respx.models.Route.__init__,
        pytest_httpx.HTTPXMock.add_response,
        responses.registries.FirstMatchRegistry.add,
        requests_mock.adapter.Adapter.register_uri,
    )
    pytester.makepyfile(
        """
import respx
def test_wrapped():
    assert respx.models.Route.__init__.__name__ == "__init__"
    assert respx.models.Route.__init__.__module__ == "loadgen.audit.recorder"
"""
    )
    pytester.runpytest("-p", "no:cacheprovider", f"--tether-audit=OrdersApi={SPEC}").assert_outcomes(passed=1)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(failed=1)
    assert (
        respx.models.Route.__init__,
        pytest_httpx.HTTPXMock.add_response,
        responses.registries.FirstMatchRegistry.add,
        requests_mock.adapter.Adapter.register_uri,
    ) == originals


DYNAMIC = """
import httpx, requests, respx

BASE = "https://orders.test/api"

def test_pytest_httpx_callback(httpx_mock):
    httpx_mock.add_callback(lambda request: httpx.Response(200, json={}), url=f"{BASE}/orders/7", method="GET")
    httpx.get(f"{BASE}/orders/7")

def test_requests_mock_callback(requests_mock):
    requests_mock.get(f"{BASE}/order/9", json=lambda request, context: {})
    requests.get(f"{BASE}/order/9")

def test_respx_side_effect():
    with respx.mock:
        respx.get(f"{BASE}/orders/8").mock(side_effect=lambda request: httpx.Response(200, json={"id": "x"}))
        httpx.get(f"{BASE}/orders/8")
"""


def test_dynamic_mocks_are_checked_as_far_as_possible(pytester: pytest.Pytester) -> None:
    result = audit_run(pytester, DYNAMIC, f"--tether-audit=OrdersApi={SPEC}")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        [
            "DRIFT test_client.py::test_requests_mock_callback",
            "  requests-mock mock at test_client.py:10: GET https://orders.test/api/order/9 -> dynamic response",
            "    x unknown-path      request.path: wrong path: /api/order/9 is not a path of the spec*",
            "DRIFT test_client.py::test_respx_side_effect",
            "  respx mock at test_client.py:15: GET https://orders.test/api/orders/8 -> 200",
            "    x wrong-type        response.body $.id: wrong type: the spec says integer, the mock has string 'x'",
            "partly audited: pytest-httpx mock at test_client.py:6: dynamic response (callback or side effect): "
            "only the request was checked",
        ]
    )
