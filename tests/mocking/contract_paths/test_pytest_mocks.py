"""The pytest mocks: set-up failures naming what exists, unmocked hosts blocked, served pacts shown,
in-process faults and sequences (retry tests without a subprocess)."""

from __future__ import annotations

import httpx
import pytest
import requests

from brokerclient.contract_source import load_pact_files
from mocking.fixtures.contract_mock import ContractMock, UnmockedHost
from mocking.fixtures.served import NothingToServe, served_contracts
from tests.mocking.contract_paths.conftest import EXAMPLES, example_contracts

ACCEPT = {"Accept": "application/json"}
EXISTS = {**ACCEPT, "X-Pact-Provider-State": "an order exists"}


def test_a_misspelled_provider_fails_naming_the_providers_that_exist() -> None:
    with pytest.raises(NothingToServe) as failed:
        served_contracts(load_pact_files([EXAMPLES], "OrderApi"))
    message = str(failed.value)
    assert message.startswith(
        "no pact for provider 'OrderApi' in pact files; providers in these pacts: ['OrdersApi'] "
        "(check the provider name)"
    )
    assert "skipped OrderMobile: " in message
    assert "pact is for provider 'OrdersApi', not 'OrderApi'" in message


def test_a_misspelled_consumer_fails_naming_the_consumers_that_exist() -> None:
    with pytest.raises(NothingToServe) as failed:
        served_contracts(example_contracts(), "OrderWebb")
    assert str(failed.value) == (
        "no pact of consumer 'OrderWebb' for provider 'OrdersApi'; consumers with pacts: "
        "['OrderMobile', 'OrderWeb'] (fix consumer=... in the marker or the factory)"
    )
    web = served_contracts(example_contracts(), "OrderWeb")
    assert [p.consumer for p in web.pacts] == ["OrderWeb"]


def test_unmocked_hosts_are_blocked_unless_allowed() -> None:
    mock = ContractMock(example_contracts(), base_url="http://orders.test")
    with mock.patched():
        with pytest.raises(UnmockedHost) as blocked:
            httpx.get("http://payments.test/charges")
        assert str(blocked.value).startswith(
            "tether contract mock: http://payments.test/charges is not mocked (mocked: http://orders.test); "
            "requests to unmocked hosts are blocked."
        )
        with pytest.raises(UnmockedHost):
            requests.get("http://payments.test/charges", timeout=1)
        assert httpx.get("http://orders.test/products", headers=ACCEPT).status_code == 200
    lenient = ContractMock(example_contracts(), base_url="http://orders.test", allow_hosts=("127.0.0.1",))
    with lenient.patched(), pytest.raises(httpx.ConnectError):
        # allowed: the request really goes out (and finds nothing listening on port 9)
        httpx.get("http://127.0.0.1:9/")


RETRY_FAULTS = {
    "interactions": [
        {
            "match": {"method": "GET", "path": "/orders/1"},
            "sequence": [
                {"status": 503, "headers": {"Retry-After": "0"}, "times": 2},
                {"contract": True},
            ],
        }
    ]
}


def test_in_process_faults_answer_503_twice_then_the_contract() -> None:
    mock = ContractMock(example_contracts(), base_url="http://orders.test", faults=RETRY_FAULTS)
    client = httpx.Client(transport=mock.httpx_transport(), base_url="http://orders.test")
    answers = [client.get("/orders/1", headers=EXISTS) for _ in range(3)]
    assert [a.status_code for a in answers] == [503, 503, 200]
    assert answers[0].headers["retry-after"] == "0"
    assert answers[0].json() == {"error": "fault injected by tether mock: 503"}
    assert [call.fault for call in mock.calls] == ["sequence: 503", "sequence: 503", "sequence: contract"]


def test_a_reset_step_raises_the_clients_connection_error() -> None:
    faults = {"interactions": [{"match": {"path": "/products"}, "sequence": [{"reset": True}]}]}
    mock = ContractMock(example_contracts(), base_url="http://orders.test", faults=faults)
    session = requests.Session()
    session.mount("http://orders.test", mock.requests_adapter())
    with pytest.raises(requests.ConnectionError, match="connection reset injected"):
        session.get("http://orders.test/products", headers=ACCEPT)
    assert session.get("http://orders.test/products", headers=ACCEPT).status_code == 200


def test_the_fixture_fails_at_set_up_and_shows_the_served_pacts(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
import httpx, pytest

@pytest.mark.tether_mock("OrderApi", pact={str(EXAMPLES)!r}, base_url="http://orders.test")
def test_misspelled(tether_mock):
    pass

@pytest.mark.tether_mock("OrdersApi", pact={str(EXAMPLES)!r}, base_url="http://orders.test",
                         consumer="OrderWeb")
def test_typo_in_path(tether_mock):
    httpx.get("http://orders.test/ordres/1001", headers={{"Accept": "application/json"}})
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "tether_mock('OrderApi'): no pact for provider 'OrderApi' in pact files; providers in these "
            "pacts: [[]'OrdersApi'[]] (check the provider name)",
            "  skipped OrderMobile: *OrderMobile-OrdersApi.json: pact is for provider 'OrdersApi', not 'OrderApi'",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*no interaction of OrdersApi matches GET /ordres/1001",
            "*closest: OrderWeb: a request for an existing order [[]an order exists[]] (GET /orders/1001)",
            "*- path $: segment 1 of path '/ordres/1001' is 'ordres' but the contract's template "
            "/orders/{orderId} (from the provider-state) has 'orders' there*",
            "*serving  OrderWeb: 5 HTTP interaction(s) from *OrderWeb-OrdersApi.json (pact file: served as "
            "given (files carry no verification results))",
        ]
    )
    result.stdout.fnmatch_lines(["*Captured tether_mock OrdersApi setup*"])
