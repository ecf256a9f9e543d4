"""The example project end to end: the real OrderWeb client against mocks built from the example V4
pacts (written by pact-python and pact-js), in-process and over HTTP, and the audit of hand-written
mocks of that client against the example provider's OpenAPI spec."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

import loadgen.audit.plugin  # noqa: F401  (see test_audit.py)
from examples.consumers.web.client import OrdersClient
from loadgen.mocks.contract_mock import ContractMock
from tests.loadgen.conftest import MockServer

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
PACTS = EXAMPLES / "pacts"
SPEC = EXAMPLES / "provider" / "openapi.yaml"


@pytest.mark.tether_mock(
    "OrdersApi", pact=str(PACTS), base_url="http://orders.example", state="a product exists"
)
def test_the_web_client_against_the_verified_interactions(tether_mock: ContractMock) -> None:
    client = OrdersClient("http://orders.example")
    product = client.get_product(42)
    assert product is not None
    assert product.id == 42
    order = client.create_order(1, 2)  # the pact's example: product 1 (matched by equality)
    assert order.quantity == 2
    assert order.location is not None
    with tether_mock.in_state("no product exists"):
        assert client.get_product(999) is None
    with tether_mock.in_state("products exist"):
        assert client.list_products()
    with tether_mock.refuses() as refused:
        client.create_order(42, 2)  # no verified interaction orders product 42
    assert refused[0].report["closest"][0]["mismatches"][0]["path"] == "$.productId"


def test_the_web_client_against_the_mock_server(mock_server: MockServer) -> None:
    with mock_server("--pact", str(PACTS), "--default-state", "an order exists") as url:
        client = OrdersClient(url)
        order = client.get_order(1001)
        assert order.id == 1001
        response = httpx.delete(f"{url}/orders/1001", headers={"Accept": "application/json"})
        assert response.status_code == 204
        missing = httpx.get(f"{url}/orders/1001", headers={"X-Pact-Provider-State": "no order exists"})
        assert missing.status_code == 404
        assert missing.json()["hints"] or missing.json()["closest"]


def test_audit_of_hand_written_mocks_of_the_web_client(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import respx
from examples.consumers.web.client import OrdersClient

PRODUCT = {"id": 42, "name": "Espresso cup", "price": 4.5, "currency": "EUR", "tags": ["kitchen"]}

def test_honest():
    with respx.mock(base_url="http://orders.example") as mock:
        mock.get("/products/42").respond(200, json=PRODUCT)
        assert OrdersClient("http://orders.example").get_product(42).name == "Espresso cup"

def test_drifted():
    with respx.mock(base_url="http://orders.example") as mock:
        mock.get("/products/42").respond(200, json={**PRODUCT, "price": "4.50"})
        OrdersClient("http://orders.example").get_product(42)
"""
    )
    pytester.syspathinsert(str(EXAMPLES.parent))
    result = pytester.runpytest("-p", "no:cacheprovider", f"--tether-audit=OrdersApi={SPEC},{PACTS}")
    result.assert_outcomes(passed=2)
    output = result.stdout.str()
    assert "DRIFT test_honest.py" not in output
    assert "test_honest" not in output.split("tether mock audit")[1]
    result.stdout.fnmatch_lines(
        [
            "DRIFT test_audit_of_hand_written_mocks_of_the_web_client.py::test_drifted",
            "*x wrong-type        response.body $.price: wrong type: the spec says number, the mock has string '4.50'",
        ]
    )
