"""OrderWeb's consumer tests: they run OrdersClient against pact-python's mock server and write the pact.

Run `pytest examples/consumers/web` (from the repository root) to regenerate
examples/pacts/OrderWeb-OrdersApi.json; set TETHER_PACT_DIR to write it elsewhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pact import Pact, generate, match

from examples.consumers.web.client import OrdersClient

PACT_DIR = Path(os.environ.get("TETHER_PACT_DIR", Path(__file__).resolve().parents[2] / "pacts"))

JSON = "application/json"
CURRENCY = r"^[A-Z]{3}$"
ORDER_STATUS = r"^(pending|confirmed|cancelled)$"
CREATED_AT = "yyyy-MM-dd'T'HH:mm:ss'Z'"


@pytest.fixture(scope="module")
def fresh_pact_file() -> Path:
    """Start from an empty pact: each test then merges its interaction into the file."""
    path = PACT_DIR / "OrderWeb-OrdersApi.json"
    path.unlink(missing_ok=True)
    return path


@pytest.fixture
def pact(fresh_pact_file: Path) -> Iterator[Pact]:
    # A pact cannot change once its mock server has run, so each test builds its own and
    # write_file merges it into the consumer's pact file.
    pact = Pact("OrderWeb", "OrdersApi").with_specification("V4")
    yield pact
    pact.write_file(fresh_pact_file.parent)


def product_body(name: str, price: float) -> dict[str, object]:
    return {
        "id": match.int(1),
        "name": match.str(name),
        "price": match.number(price),
        "currency": match.regex("EUR", regex=CURRENCY),
        # a type matcher on an array: any number of strings, including none
        "tags": match.type(["kitchen"]),
    }


def order_body(quantity: int, total: float) -> dict[str, object]:
    return {
        # the id is whatever the provider state created: a ProviderState generator fills it in
        "id": match.type(1001, generator=generate.provider_state("${orderId}")),
        "productId": match.int(1),
        "quantity": match.int(quantity),
        "total": match.number(total),
        "status": match.regex("pending", regex=ORDER_STATUS),
        "createdAt": match.datetime("2026-01-02T03:04:05Z", CREATED_AT, disable_conversion=True),
    }


def test_lists_the_catalogue(pact: Pact) -> None:
    (
        pact.upon_receiving("a request for the product catalogue")
        .given("products exist")
        .with_request("GET", "/products")
        .with_header("Accept", JSON)
        .will_respond_with(200)
        .with_header("Content-Type", JSON)
        .with_body(match.each_like(product_body("Espresso cup", 9.5), min=1), content_type=JSON)
    )
    with pact.serve() as server:
        client = OrdersClient(str(server.url))
        products = client.list_products()
        client.close()
    assert products[0].name == "Espresso cup"
    assert products[0].currency == "EUR"


def test_fetches_one_product(pact: Pact) -> None:
    (
        pact.upon_receiving("a request for product 42")
        .given("a product exists", id=42, name="Travel mug", price=12.5)
        .with_request("GET", "/products/42")
        .with_header("Accept", JSON)
        .will_respond_with(200)
        .with_header("Content-Type", JSON)
        .with_body(
            {**product_body("Travel mug", 12.5), "id": match.int(42)},
            content_type=JSON,
        )
    )
    with pact.serve() as server:
        client = OrdersClient(str(server.url))
        product = client.get_product(42)
        client.close()
    assert product is not None
    assert (product.id, product.name, product.price) == (42, "Travel mug", 12.5)


def test_reports_an_unknown_product(pact: Pact) -> None:
    (
        pact.upon_receiving("a request for a product that does not exist")
        .given("no product exists", id=999)
        .with_request("GET", "/products/999")
        .with_header("Accept", JSON)
        .will_respond_with(404)
        .with_header("Content-Type", JSON)
        .with_body(
            {"error": match.str("not_found"), "message": match.str("product 999 does not exist")},
            content_type=JSON,
        )
    )
    with pact.serve() as server:
        client = OrdersClient(str(server.url))
        product = client.get_product(999)
        client.close()
    assert product is None


def test_places_an_order(pact: Pact) -> None:
    (
        pact.upon_receiving("a request to order two espresso cups")
        .given("a product exists", id=1, name="Espresso cup", price=9.5)
        .with_request("POST", "/orders")
        .with_header("Accept", JSON)
        .with_header("Content-Type", JSON)
        .with_body({"productId": 1, "quantity": 2}, content_type=JSON)
        .will_respond_with(201)
        .with_header("Content-Type", JSON)
        .with_header(
            "Location",
            match.regex(
                "/orders/1001",
                regex=r"^/orders/[0-9]+$",
            ),
        )
        .with_body(
            {**order_body(2, 19.0), "id": match.int(1001)},
            content_type=JSON,
        )
    )
    with pact.serve() as server:
        client = OrdersClient(str(server.url))
        order = client.create_order(1, 2)
        client.close()
    assert order.location == f"/orders/{order.id}"
    assert (order.product_id, order.quantity, order.status) == (1, 2, "pending")


def test_fetches_an_order(pact: Pact) -> None:
    (
        pact.upon_receiving("a request for an existing order")
        .given("an order exists", productId=1, quantity=2)
        .with_request(
            "GET",
            # the order id comes from the provider state: a ProviderState generator rewrites the path
            match.type("/orders/1001", generator=generate.provider_state("/orders/${orderId}")),
        )
        .with_header("Accept", JSON)
        .will_respond_with(200)
        .with_header("Content-Type", JSON)
        .with_body(order_body(2, 19.0), content_type=JSON)
    )
    with pact.serve() as server:
        client = OrdersClient(str(server.url))
        order = client.get_order(1001)
        client.close()
    assert (order.id, order.quantity, order.total) == (1001, 2, 19.0)
