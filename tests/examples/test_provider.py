"""The example provider behaves as its README and OpenAPI spec say, and the drifted one drifts."""

from __future__ import annotations

import re

import httpx
import yaml

from tests.examples.servers import DRIFTED_SPEC, SPEC


def state(base_url: str, state_name: str, /, **params: object) -> httpx.Response:
    return httpx.post(
        f"{base_url}/_pact/provider-states", json={"state": state_name, "params": params, "action": "setup"}
    )


def test_catalogue_and_products(provider_url: str) -> None:
    state(provider_url, "products exist")
    products = httpx.get(f"{provider_url}/products").json()
    assert [p["id"] for p in products] == [1, 2, 3]
    assert products[0] == {
        "id": 1,
        "name": "Espresso cup",
        "price": 9.5,
        "currency": "EUR",
        "tags": ["kitchen", "coffee"],
    }
    missing = httpx.get(f"{provider_url}/products/999")
    assert missing.status_code == 404
    assert missing.json() == {"error": "not_found", "message": "product 999 does not exist"}


def test_order_lifecycle(provider_url: str) -> None:
    state(provider_url, "products exist")
    created = httpx.post(f"{provider_url}/orders", json={"productId": 2, "quantity": 3})
    assert created.status_code == 201
    order = created.json()
    assert created.headers["Location"] == f"/orders/{order['id']}"
    assert order["total"] == 102.0
    assert order["status"] == "pending"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", order["createdAt"])
    assert httpx.get(f"{provider_url}{created.headers['Location']}").json() == order
    assert httpx.delete(f"{provider_url}/orders/{order['id']}").status_code == 204
    gone = httpx.get(f"{provider_url}/orders/{order['id']}")
    assert gone.status_code == 404
    assert gone.json()["error"] == "not_found"


def test_malformed_input_is_a_400_in_the_documented_error_shape(provider_url: str) -> None:
    wrong_type = httpx.post(f"{provider_url}/orders", json={"productId": "1", "quantity": 2})
    assert wrong_type.status_code == 400
    assert wrong_type.json() == {
        "error": "bad_request",
        "message": "body.productId: Input should be a valid integer",
    }
    too_many = httpx.post(f"{provider_url}/orders", json={"productId": 1, "quantity": 101})
    assert too_many.status_code == 400
    assert "quantity" in too_many.json()["message"]
    unknown_product = httpx.post(f"{provider_url}/orders", json={"productId": 77, "quantity": 1})
    assert unknown_product.status_code == 404
    not_json = httpx.post(
        f"{provider_url}/orders", content=b"{", headers={"Content-Type": "application/json"}
    )
    assert not_json.status_code == 400
    assert set(not_json.json()) == {"error", "message"}
    bad_path = httpx.get(f"{provider_url}/orders/abc")
    assert bad_path.status_code == 400


def test_provider_states_return_generator_values(provider_url: str) -> None:
    answer = state(provider_url, "an order exists", productId=1, quantity=2)
    assert answer.status_code == 200
    order_id = answer.json()["orderId"]
    order = httpx.get(f"{provider_url}/orders/{order_id}").json()
    assert (order["productId"], order["quantity"], order["total"]) == (1, 2, 19.0)

    product = state(provider_url, "a product exists", id=42, name="Travel mug", price=12.5).json()
    assert product["productId"] == 42
    assert httpx.get(f"{provider_url}/products/42").json()["name"] == "Travel mug"
    created = httpx.post(f"{provider_url}/orders", json={"productId": 42, "quantity": 1}).json()
    assert created["id"] == product["nextOrderId"]

    state(provider_url, "no product exists", id=1)
    assert httpx.get(f"{provider_url}/products/1").status_code == 404

    # teardown resets to the seed data
    httpx.post(f"{provider_url}/_pact/provider-states", json={"state": "x", "action": "teardown"})
    assert httpx.get(f"{provider_url}/products/1").status_code == 200
    assert httpx.get(f"{provider_url}/orders/{order_id}").status_code == 404


def test_unknown_state_is_a_clear_400(provider_url: str) -> None:
    answer = state(provider_url, "the moon is full")
    assert answer.status_code == 400
    assert answer.json()["error"] == "bad_state"
    assert "'the moon is full'" in answer.json()["message"]
    assert "known states" in answer.json()["message"]


def test_drifted_provider_has_the_three_drifts(drifted_url: str) -> None:
    state(drifted_url, "products exist")
    product = httpx.get(f"{drifted_url}/products/1").json()
    assert "name" not in product
    assert product["title"] == "Espresso cup"
    created = httpx.post(f"{drifted_url}/orders", json={"productId": 1, "quantity": 1})
    assert created.status_code == 200
    removed = httpx.delete(f"{drifted_url}{created.headers['Location']}")
    assert removed.status_code == 405
    assert removed.headers["Allow"] == "GET"


def test_specs_describe_each_variant() -> None:
    spec = yaml.safe_load(SPEC.read_text())
    drifted = yaml.safe_load(DRIFTED_SPEC.read_text())
    product, drifted_product = (
        spec["components"]["schemas"]["Product"],
        drifted["components"]["schemas"]["Product"],
    )
    assert "name" in product["required"]
    assert "title" in drifted_product["required"]
    assert "name" not in drifted_product["properties"]
    assert set(spec["paths"]["/orders"]["post"]["responses"]) == {"201", "400", "404"}
    assert set(drifted["paths"]["/orders"]["post"]["responses"]) == {"200", "400", "404"}
    assert "delete" in spec["paths"]["/orders/{orderId}"]
    assert "delete" not in drifted["paths"]["/orders/{orderId}"]
