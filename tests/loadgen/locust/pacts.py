"""Small pacts for the scenario tests, written as a pact-python/pact-js user would publish them."""

from __future__ import annotations

from typing import Any

PROVIDER = "OrdersApi"


def v4_pact(consumer: str, interactions: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": PROVIDER},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }


def get_product(product_id: int = 10, description: str = "a request for a product") -> dict[str, Any]:
    return {
        "type": "Synchronous/HTTP",
        "description": description,
        "providerStates": [{"name": "a product exists", "params": {"id": product_id}}],
        "request": {
            "method": "GET",
            "path": f"/products/{product_id}",
            "generators": {"path": {"type": "ProviderState", "expression": "/products/${id}"}},
        },
        "response": {
            "status": 200,
            "headers": {"Content-Type": ["application/json"]},
            "body": {
                "contentType": "application/json",
                "encoded": False,
                "content": {"id": product_id, "name": "Widget", "price": 9.99},
            },
            "matchingRules": {
                "body": {
                    "$.id": {"combine": "AND", "matchers": [{"match": "integer"}]},
                    "$.name": {"combine": "AND", "matchers": [{"match": "type"}]},
                    "$.price": {"combine": "AND", "matchers": [{"match": "decimal"}]},
                }
            },
        },
    }


def list_products() -> dict[str, Any]:
    return {
        "type": "Synchronous/HTTP",
        "description": "a request for all products",
        "request": {"method": "GET", "path": "/products"},
        "response": {
            "status": 200,
            "headers": {"Content-Type": ["application/json"]},
            "body": {
                "contentType": "application/json",
                "encoded": False,
                "content": [{"id": 1, "name": "Widget", "price": 9.99}],
            },
            "matchingRules": {
                "body": {
                    "$": {"combine": "AND", "matchers": [{"match": "type", "min": 1}]},
                    "$[*].id": {"combine": "AND", "matchers": [{"match": "integer"}]},
                    "$[*].name": {"combine": "AND", "matchers": [{"match": "type"}]},
                    "$[*].price": {"combine": "AND", "matchers": [{"match": "decimal"}]},
                }
            },
        },
    }


def create_order() -> dict[str, Any]:
    return {
        "type": "Synchronous/HTTP",
        "description": "a request to create an order",
        "request": {
            "method": "POST",
            "path": "/orders",
            "headers": {"Content-Type": ["application/json"]},
            "body": {
                "contentType": "application/json",
                "encoded": False,
                "content": {"productId": 1, "quantity": 2},
            },
        },
        "response": {
            "status": 201,
            "headers": {"Content-Type": ["application/json"]},
            "body": {
                "contentType": "application/json",
                "encoded": False,
                "content": {"id": 7, "status": "new"},
            },
            "matchingRules": {
                "body": {
                    "$.id": {"combine": "AND", "matchers": [{"match": "integer"}]},
                    "$.status": {"combine": "AND", "matchers": [{"match": "regex", "regex": "new|paid"}]},
                }
            },
        },
    }


def http(
    description: str,
    method: str,
    path: str,
    status: int,
    *,
    body: Any = None,
    integer_fields: tuple[str, ...] = (),
    states: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A V4 HTTP interaction; `integer_fields` are body paths (``$.id``) matched as integers."""
    response: dict[str, Any] = {"status": status}
    if body is not None:
        response["headers"] = {"Content-Type": ["application/json"]}
        response["body"] = {"contentType": "application/json", "encoded": False, "content": body}
    if integer_fields:
        response["matchingRules"] = {
            "body": {path: {"combine": "AND", "matchers": [{"match": "integer"}]} for path in integer_fields}
        }
    return {
        "type": "Synchronous/HTTP",
        "description": description,
        "providerStates": [{"name": name} for name in states],
        "request": {"method": method, "path": path},
        "response": response,
    }


def list_items() -> dict[str, Any]:
    return http("list the items", "GET", "/items", 200, body=[{"id": 1, "name": "cup"}])


def read_drifting_item() -> dict[str, Any]:
    return http(
        "read the drifting item",
        "GET",
        "/drift",
        200,
        body={"id": 1, "name": "cup"},
        integer_fields=("$.id",),
    )


def read_busy_item() -> dict[str, Any]:
    return http("read the busy item", "GET", "/busy", 200, body={"id": 1, "name": "cup"})
