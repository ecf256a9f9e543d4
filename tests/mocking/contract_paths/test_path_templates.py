"""Path templates: a `type`-matched (or provider-state) pact path means its template, not any string.

The example pacts (examples/pacts/, written by pact-python) hold `GET /orders/1001` with a `type` matcher
and the provider-state expression `/orders/${orderId}`; the mock engine and the pytest mocks must answer
only paths of that template, and refuse the rest with the truly nearest interactions.
"""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from brokerclient.contract_source import ContractSet, LoadedPact
from contracts.matching.path_templates import openapi_paths, path_template, request_path_template
from contracts.model import HttpRequest
from contracts.openapi.document import parse_openapi
from contracts.pactfile import parse_pact
from mocking.fixtures.contract_mock import ContractMock, UnmatchedRequest
from mocking.server.engine import IncomingRequest, MockEngine
from mocking.server.interactions import prepare_contracts
from tests.mocking.contract_paths.conftest import example_contracts

ACCEPT = [("Accept", "application/json")]


def example_engine(**options: object) -> MockEngine:
    contracts = example_contracts()
    return MockEngine(prepare_contracts(contracts), provider="OrdersApi", **options)  # type: ignore[arg-type]


def test_template_from_a_provider_state_expression() -> None:
    template = path_template("/orders/1001", expression="/orders/${orderId}")
    assert (template.text, template.source) == ("/orders/{orderId}", "provider-state")
    assert template.accepts("/orders/7")
    assert template.problem("/definitely/not/an/order") == (
        "path '/definitely/not/an/order' has 4 segment(s) but the contract's template /orders/{orderId} "
        "(from the provider-state) has 2"
    )
    assert template.problem("/ordres/1001") == (
        "segment 1 of path '/ordres/1001' is 'ordres' but the contract's template /orders/{orderId} "
        "(from the provider-state) has 'orders' there"
    )


def test_template_from_the_example_keeps_literal_segments_and_versions() -> None:
    template = path_template("/v2/users/42/orders/ab12cd")
    assert template.text == "/v2/users/{param2}/orders/{param4}"
    assert template.accepts("/v2/users/7/orders/x")
    assert not template.accepts("/v3/users/7/orders/x")
    assert not template.accepts("/v2/users/7/orders")
    # no identifier-looking segment: the last one is the variable
    assert path_template("/users/bob").text == "/users/{param1}"
    assert not path_template("/products").accepts("/orders")


def test_template_from_the_openapi_paths_wins() -> None:
    template = path_template(
        "/orders/1001/items/3", openapi_paths=["/orders", "/orders/{orderId}/items/{itemId}"]
    )
    assert (template.text, template.source) == ("/orders/{orderId}/items/{itemId}", "openapi")
    assert template.accepts("/orders/a/items/b")
    assert not template.accepts("/orders/a/lines/b")


def test_literal_and_regex_paths_have_no_template() -> None:
    assert request_path_template(HttpRequest(path="/orders")) is None
    regex = {"path": {"matchers": [{"match": "regex", "regex": "/orders/\\d+"}]}}
    assert request_path_template(HttpRequest(path="/orders/1", matching_rules=regex)) is None
    typed = {"$.path": {"match": "type"}}
    found = request_path_template(HttpRequest(path="/orders/1", matching_rules=typed))
    assert found is not None
    assert found.text == "/orders/{param1}"


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/definitely/not/an/order"), ("DELETE", "/products"), ("GET", "/ordres/1001")],
)
def test_the_example_mock_refuses_paths_the_contract_does_not_have(method: str, path: str) -> None:
    outcome = example_engine().handle(IncomingRequest(method, path, headers=ACCEPT))
    assert outcome.kind == "no_match"
    assert outcome.response.status == 404
    assert outcome.report is not None
    assert all(entry["mismatches"] for entry in outcome.report["closest"])


def test_the_example_mock_serves_any_order_id() -> None:
    outcome = example_engine().handle(
        IncomingRequest("GET", "/orders/77", headers=[*ACCEPT, ("X-Pact-Provider-State", "an order exists")])
    )
    assert outcome.kind == "matched"
    assert outcome.interaction is not None
    assert outcome.interaction.description in (
        "a request for an existing order",  # OrderWeb
        "a request for an order's status",  # OrderMobile: same request, same state
    )


def test_the_closest_interaction_is_the_truly_nearest_with_its_real_mismatches() -> None:
    outcome = example_engine().handle(IncomingRequest("GET", "/ordres/1001", headers=ACCEPT))
    assert outcome.report is not None
    nearest = outcome.report["closest"][0]
    assert (
        nearest["interaction"]["description"] == "a request for an order's status"
    )  # OrderMobile: first file
    assert nearest["mismatches"] == [
        {
            "kind": "path",
            "path": "$",
            "expected": "/orders/{orderId}",
            "actual": "/ordres/1001",
            "message": "segment 1 of path '/ordres/1001' is 'ordres' but the contract's template "
            "/orders/{orderId} (from the provider-state) has 'orders' there",
        }
    ]


def test_the_literal_product_interaction_is_not_reported_without_mismatches() -> None:
    outcome = example_engine().handle(IncomingRequest("DELETE", "/products", headers=ACCEPT))
    assert outcome.report is not None
    nearest = outcome.report["closest"][0]
    assert nearest["interaction"]["description"] == "a request for the product catalogue"
    assert [m["kind"] for m in nearest["mismatches"]] == ["method"]


def test_the_pytest_mock_refuses_a_typo_in_the_path() -> None:
    mock = ContractMock(example_contracts(), base_url="http://orders.test")
    client = httpx.Client(transport=mock.httpx_transport(), base_url="http://orders.test")
    with pytest.raises(UnmatchedRequest) as refused:
        client.get("/ordres/1001", headers=dict(ACCEPT))
    assert refused.value.report["closest"][0]["interaction"]["description"] == (
        "a request for an order's status"
    )
    assert "segment 1 of path '/ordres/1001' is 'ordres'" in str(refused.value)
    ok = client.get("/orders/5", headers={**dict(ACCEPT), "X-Pact-Provider-State": "an order exists"})
    assert ok.status_code == 200


def _users_pact() -> ContractSet:
    document = {
        "consumer": {"name": "Web"},
        "provider": {"name": "UsersApi"},
        "interactions": [
            {
                "description": "a user's orders",
                "request": {
                    "method": "GET",
                    "path": "/users/bob/orders",
                    "matchingRules": {"path": {"matchers": [{"match": "type"}]}},
                },
                "response": {"status": 200, "body": []},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    return ContractSet("UsersApi", "test", [LoadedPact(parse_pact(document), "inline", "test")])


def test_the_providers_openapi_gives_the_template() -> None:
    app = FastAPI()

    @app.get("/users/{name}/orders")
    def orders(name: str) -> list[int]:
        return []

    templates = openapi_paths(parse_openapi(app.openapi()))
    assert templates == ("/users/{name}/orders",)
    with_spec = ContractMock(_users_pact(), openapi_paths=templates)
    guessed = ContractMock(_users_pact())
    client_spec = httpx.Client(transport=with_spec.httpx_transport(), base_url="http://users.test")
    client_guess = httpx.Client(transport=guessed.httpx_transport(), base_url="http://users.test")
    assert client_spec.get("/users/alice/orders").status_code == 200
    with pytest.raises(UnmatchedRequest, match=r"template /users/\{name\}/orders \(from the openapi\)"):
        client_spec.get("/users/bob/items")
    # from the example alone, "bob" looks literal and the last segment variable
    assert client_guess.get("/users/bob/items").status_code == 200
    with pytest.raises(UnmatchedRequest):
        client_guess.get("/users/alice/orders")
