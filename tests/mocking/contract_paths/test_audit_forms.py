"""The audit of hand-written mocks in the forms the libraries allow: no method, regex URLs (checked on the
requests that actually hit them), respx ``json=`` patterns, and intentional faults declared with
``@pytest.mark.tether_fault``. The provider is a real FastAPI app (``conftest.orders_provider``); its OpenAPI document is
the contract; the client code is plain requests/httpx with mocks of all four libraries."""

from __future__ import annotations

from tests.mocking.contract_paths.conftest import RunAudit

CLIENT_TESTS = r"""
import re
import httpx, pytest, requests, respx, responses

BASE = "http://orders.test"
ORDER = {"id": 7, "status": "open", "total": 12.5}

def test_httpx_mock_without_method(httpx_mock):
    httpx_mock.add_response(url=f"{BASE}/orders/7", json=ORDER, is_reusable=True)
    assert httpx.get(f"{BASE}/orders/7").json() == ORDER
    httpx.delete(f"{BASE}/orders/7")  # the mock answers; the provider has no DELETE

def test_respx_json_pattern():
    with respx.mock:
        respx.post(f"{BASE}/orders", json={"sku": "A-1", "quantity": 2}).respond(201, json=ORDER)
        assert httpx.post(f"{BASE}/orders", json={"sku": "A-1", "quantity": 2}).status_code == 201

@responses.activate
def test_responses_regex_url():
    responses.get(re.compile(r"http://orders\.test/orders/\d+"), json=ORDER)
    assert requests.get(f"{BASE}/orders/7").json() == ORDER
    requests.get(f"{BASE}/orders/7/items")  # the prefix regex answers a path the provider lacks

def test_requests_mock_regex_url(requests_mock):
    requests_mock.get(re.compile(r"orders\.test/orders/"), json=ORDER)
    assert requests.get(f"{BASE}/orders/8").json() == ORDER

def test_regex_mock_nobody_called(requests_mock):
    requests_mock.get(re.compile(r"orders\.test/nothing/"), json=ORDER)

@pytest.mark.tether_fault(503)
def test_retry_after_503(httpx_mock):
    httpx_mock.add_response(method="GET", url=f"{BASE}/orders/7", status_code=503, headers={"Retry-After": "0"})
    httpx_mock.add_response(method="GET", url=f"{BASE}/orders/7", json=ORDER)
    assert httpx.get(f"{BASE}/orders/7").status_code == 503
    assert httpx.get(f"{BASE}/orders/7").status_code == 200

def test_undeclared_503(requests_mock):
    requests_mock.get(f"{BASE}/orders/7", status_code=503)
    assert requests.get(f"{BASE}/orders/7").status_code == 503
"""


def test_every_form_of_mock_is_audited(run_audit: RunAudit) -> None:
    run = run_audit(CLIENT_TESTS)
    run.result.assert_outcomes(passed=7)
    document = run.document
    found = [
        (*row, [f["code"] for f in m["intentionalFaults"]], m["note"])
        for row, m in zip(run.mocks(), document["mocks"], strict=True)
    ]
    hit = "checked on the {} request(s) that hit it"
    assert found == [
        (
            "test_httpx_mock_without_method",
            "pytest-httpx",
            "GET",
            "http://orders.test/orders/7",
            200,
            [],
            [],
            "it answers any method: " + hit.format(2),
        ),
        (
            "test_httpx_mock_without_method",
            "pytest-httpx",
            "DELETE",
            "http://orders.test/orders/7",
            200,
            ["request.path-or-method.unknown"],
            [],
            "it answers any method: " + hit.format(2),
        ),
        ("test_respx_json_pattern", "respx", "POST", "http://orders.test/orders", 201, [], [], None),
        (
            "test_responses_regex_url",
            "responses",
            "GET",
            "http://orders.test/orders/7",
            200,
            [],
            [],
            "its URL is a pattern (http://orders\\.test/orders/\\d+): " + hit.format(2),
        ),
        (
            "test_responses_regex_url",
            "responses",
            "GET",
            "http://orders.test/orders/7/items",
            200,
            ["request.path-or-method.unknown"],
            [],
            "its URL is a pattern (http://orders\\.test/orders/\\d+): " + hit.format(2),
        ),
        (
            "test_requests_mock_regex_url",
            "requests-mock",
            "GET",
            "http://orders.test/orders/8",
            200,
            [],
            [],
            "its URL is a pattern (orders\\.test/orders/): " + hit.format(1),
        ),
        (
            "test_regex_mock_nobody_called",
            "requests-mock",
            "GET",
            None,
            200,
            [],
            [],
            "its URL is a pattern (orders\\.test/nothing/) and no request hit it, so there is no concrete "
            "request to check",
        ),
        (
            "test_retry_after_503",
            "pytest-httpx",
            "GET",
            "http://orders.test/orders/7",
            503,
            [],
            ["response.status.unknown"],
            None,
        ),
        ("test_retry_after_503", "pytest-httpx", "GET", "http://orders.test/orders/7", 200, [], [], None),
        (
            "test_undeclared_503",
            "requests-mock",
            "GET",
            "http://orders.test/orders/7",
            503,
            ["response.status.unknown"],
            [],
            None,
        ),
    ]
    assert document["summary"] == {
        "mocks": 10,
        "drifted": 3,
        "errors": 3,
        "warnings": 0,
        "notAudited": 1,
        "intentionalFaults": 1,
    }
    run.result.stdout.fnmatch_lines(
        [
            "FAULT test_client.py::test_retry_after_503: pytest-httpx mock at test_client.py:*: "
            "GET http://orders.test/orders/7 -> 503 (intentional: @pytest.mark.tether_fault)",
            "*",
            "tether audit: 10 mock(s) recorded (pytest-httpx 4, requests-mock 3, responses 2, respx 1): "
            "3 drifted (3 error(s), 0 warning(s)), 5 ok, 1 intentional fault(s), 1 not audited",
        ]
    )


PATCH_AND_AIOHTTP_TESTS = r"""
import asyncio
from unittest.mock import Mock, patch

import aiohttp, requests
from aioresponses import aioresponses

BASE = "http://orders.test"
ORDER = {"id": 7, "status": "open", "total": 12.5}

def fetch(order_id):
    response = requests.get(f"{BASE}/orders/{order_id}", timeout=5)
    return response.status_code, response.json()

@patch("requests.get")
def test_patched_get_as_tutorials_teach(mock_get):
    mock_get.return_value.status_code = 200
    mock_get.return_value.json.return_value = {"id": 7, "status": "open", "total": "12.50"}
    assert fetch(7)[0] == 200

def test_patched_get_with_a_mock_response():
    with patch("requests.get", return_value=Mock(status_code=200, json=lambda: ORDER)):
        assert fetch(8) == (200, ORDER)

def test_aioresponses():
    async def call():
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{BASE}/orders/7") as good:
                assert (await good.json()) == ORDER
            async with session.get(f"{BASE}/orders/9") as drifted:
                return drifted.status
    with aioresponses() as mocked:
        mocked.get(f"{BASE}/orders/7", payload=ORDER)
        mocked.get(f"{BASE}/orders/9", status=410)
        assert asyncio.run(call()) == 410
"""


def test_unittest_patches_and_aioresponses_are_audited(run_audit: RunAudit) -> None:
    run = run_audit(PATCH_AND_AIOHTTP_TESTS)
    run.result.assert_outcomes(passed=3)
    found = run.mocks()
    assert found == [
        (
            "test_patched_get_as_tutorials_teach",
            "unittest.mock",
            "GET",
            "http://orders.test/orders/7",
            200,
            ["response.body.incompatible"],
        ),
        (
            "test_patched_get_with_a_mock_response",
            "unittest.mock",
            "GET",
            "http://orders.test/orders/8",
            200,
            [],
        ),
        ("test_aioresponses", "aioresponses", "GET", "http://orders.test/orders/7", 200, []),
        (
            "test_aioresponses",
            "aioresponses",
            "GET",
            "http://orders.test/orders/9",
            410,
            ["response.status.unknown"],
        ),
    ]
    assert run.document["summary"]["drifted"] == 2
