"""Stateful scenarios derived from the example pacts' provider states: POST /orders moves the mock to
"an order exists", DELETE /orders/{orderId} to "no order exists"; a state header still wins."""

from __future__ import annotations

import httpx

from mocking.fixtures.contract_mock import ContractMock
from mocking.server.interactions import prepare_contracts
from mocking.server.scenarios import derive_transitions
from tests.mocking.conftest import MockServer
from tests.mocking.contract_paths.conftest import EXAMPLES, example_contracts

JSON = {"Accept": "application/json", "Content-Type": "application/json"}
ORDER = {"productId": 1, "quantity": 2}


def test_transitions_come_from_the_provider_states() -> None:
    interactions = prepare_contracts(example_contracts())
    derived = {
        f"{interactions[index].method} {interactions[index].path}": transition.state
        for index, transition in derive_transitions(interactions).items()
    }
    assert derived == {
        "POST /orders": "an order exists",
        "DELETE /orders/1001": "no order exists",
    }


def test_create_read_delete_read_in_process() -> None:
    mock = ContractMock(example_contracts(), base_url="http://orders.test", stateful=True)
    client = httpx.Client(transport=mock.httpx_transport(), base_url="http://orders.test", headers=JSON)
    assert client.get("/orders/4242").status_code == 404  # no state yet: the literal 404 interaction
    assert client.post("/orders", json=ORDER).status_code == 201
    assert mock.engine.scenario_state == "an order exists"
    assert client.get("/orders/4242").status_code == 200
    assert client.delete("/orders/4242").status_code == 204
    assert mock.engine.scenario_state == "no order exists"
    assert client.get("/orders/4242").status_code == 404
    explicit = client.get("/orders/4242", headers={"X-Pact-Provider-State": "an order exists"})
    assert explicit.status_code == 200  # the header wins over the scenario


def test_the_mock_server_runs_the_scenario_and_resets_it(mock_server: MockServer) -> None:
    with mock_server("--pact", str(EXAMPLES), "--stateful") as url:
        assert httpx.post(f"{url}/orders", json=ORDER, headers=JSON).status_code == 201
        assert httpx.get(f"{url}/orders/4242", headers=JSON).status_code == 200
        status = httpx.get(f"{url}/__tether/").json()
        assert status["scenario"]["state"] == "an order exists"
        assert status["scenario"]["transitions"] == [
            "-> 'an order exists': POST /orders created an item; GET /orders/... needs 'an order exists'"
        ]
        httpx.post(f"{url}/__tether/reset")
        assert httpx.get(f"{url}/orders/4242", headers=JSON).status_code == 404
