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
