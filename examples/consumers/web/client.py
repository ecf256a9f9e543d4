"""The part of the OrderWeb code that talks to OrdersApi."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class Product:
    id: int
    name: str
    price: float
    currency: str
    tags: list[str]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Product:
        return cls(data["id"], data["name"], data["price"], data["currency"], list(data["tags"]))


@dataclass(frozen=True)
class Order:
    id: int
    product_id: int
    quantity: int
    total: float
    status: str
    created_at: str
    location: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any], location: str | None = None) -> Order:
        return cls(
            data["id"],
            data["productId"],
            data["quantity"],
            data["total"],
            data["status"],
            data["createdAt"],
            location,
        )


class OrdersClient:
    """A thin client of OrdersApi; every method raises httpx.HTTPStatusError on unexpected answers."""

    def __init__(self, base_url: str) -> None:
        self._http = httpx.Client(base_url=base_url, headers={"Accept": "application/json"}, timeout=10)

    def close(self) -> None:
        self._http.close()

    def list_products(self) -> list[Product]:
        response = self._http.get("/products")
        response.raise_for_status()
        return [Product.from_json(item) for item in response.json()]

    def get_product(self, product_id: int) -> Product | None:
        response = self._http.get(f"/products/{product_id}")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return Product.from_json(response.json())

    def create_order(self, product_id: int, quantity: int) -> Order:
        response = self._http.post("/orders", json={"productId": product_id, "quantity": quantity})
        if response.status_code != 201:
            raise httpx.HTTPStatusError(
                f"expected 201 Created, got {response.status_code}",
                request=response.request,
                response=response,
            )
        return Order.from_json(response.json(), response.headers["Location"])

    def get_order(self, order_id: int) -> Order:
        response = self._http.get(f"/orders/{order_id}")
        response.raise_for_status()
        return Order.from_json(response.json())
