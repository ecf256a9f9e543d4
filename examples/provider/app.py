"""OrdersApi: the example provider, a small FastAPI service selling products and taking orders.

Data lives in memory. `POST /_pact/provider-states` puts the service into the state a pact
interaction expects (the Pact state-change protocol: `{"state", "params", "action"}`) and answers
with the values ProviderState generators need (for example the id of the order it created).

`create_app(drift=True)` builds the *drifted* variant used to prove that Tether catches drift:
products carry `title` instead of `name`, `POST /orders` answers 200 instead of 201, and
`DELETE /orders/{id}` is gone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

SEED_PRODUCTS: tuple[dict[str, Any], ...] = (
    {"id": 1, "name": "Espresso cup", "price": 9.5, "currency": "EUR", "tags": ["kitchen", "coffee"]},
    {"id": 2, "name": "Moka pot", "price": 34.0, "currency": "EUR", "tags": ["kitchen", "coffee"]},
    {"id": 3, "name": "Tea towel", "price": 6.25, "currency": "EUR", "tags": ["kitchen"]},
)


@dataclass
class Store:
    """The provider's in-memory data. `reset()` restores the seed catalogue and empties the orders."""

    products: dict[int, dict[str, Any]] = field(default_factory=dict)
    orders: dict[int, dict[str, Any]] = field(default_factory=dict)
    next_order_id: int = 1001

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.products = {p["id"]: {**p, "tags": list(p["tags"])} for p in SEED_PRODUCTS}
        self.orders = {}
        # Order ids are not predictable, as in a real database: consumers must take them from
        # the provider state (ProviderState generators) rather than hard-code them. They start
        # above 10000, so the ids the pacts use for orders that must not exist (4242) never exist,
        # however many orders a load run creates.
        self.next_order_id = random.randint(10_000, 90_000)

    def create_order(self, product_id: int, quantity: int) -> dict[str, Any]:
        product = self.products[product_id]
        order = {
            "id": self.next_order_id,
            "productId": product_id,
            "quantity": quantity,
            "total": round(product["price"] * quantity, 2),
            "status": "pending",
            "createdAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        self.orders[order["id"]] = order
        self.next_order_id += 1
        return order


class OrderRequest(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    productId: int  # the JSON field name
    quantity: Annotated[int, Field(ge=1, le=100)]


class StateChange(BaseModel):
    state: str = ""
    params: dict[str, Any] = Field(default_factory=dict)
    action: Literal["setup", "teardown"] = "setup"


def _error(status: int, error: str, message: str) -> JSONResponse:
    return JSONResponse({"error": error, "message": message}, status_code=status)


def create_app(*, drift: bool = False) -> FastAPI:
    """Build the provider; `drift=True` builds the drifted variant (see the module docstring)."""
    app = FastAPI(
        title="OrdersApi (drifted)" if drift else "OrdersApi",
        openapi_url=None,  # the contract is examples/provider/openapi.yaml, written by hand
        docs_url=None,
        redoc_url=None,
    )
    store = Store()
    app.state.store = store

    def render_product(product: dict[str, Any]) -> dict[str, Any]:
        if not drift:
            return dict(product)
        renamed = {("title" if key == "name" else key): value for key, value in product.items()}
        return renamed

    @app.exception_handler(RequestValidationError)
    async def bad_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}" for error in exc.errors()
        )
        return _error(400, "bad_request", problems or "invalid request")

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        slug = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "error")
        response = _error(exc.status_code, slug, str(exc.detail))
        response.headers.update(exc.headers or {})
        return response

    @app.get("/products")
    async def list_products() -> JSONResponse:
        return JSONResponse(
            [render_product(p) for p in sorted(store.products.values(), key=lambda p: p["id"])]
        )

    @app.get("/products/{product_id}")
    async def get_product(product_id: int) -> JSONResponse:
        product = store.products.get(product_id)
        if product is None:
            return _error(404, "not_found", f"product {product_id} does not exist")
        return JSONResponse(render_product(product))

    @app.post("/orders")
    async def create_order(order: OrderRequest) -> JSONResponse:
        if order.productId not in store.products:
            return _error(404, "not_found", f"product {order.productId} does not exist")
        created = store.create_order(order.productId, order.quantity)
        return JSONResponse(
            created,
            status_code=200 if drift else 201,
            headers={"Location": f"/orders/{created['id']}"},
        )

    # GET and DELETE share one route so that a 405 answer lists every method in `Allow`.
    order_methods = ["GET"] if drift else ["GET", "DELETE"]

    @app.api_route("/orders/{order_id}", methods=order_methods)
    async def order_resource(order_id: int, request: Request) -> Response:
        if request.method == "DELETE":
            if store.orders.pop(order_id, None) is None:
                return _error(404, "not_found", f"order {order_id} does not exist")
            return Response(status_code=204)
        order = store.orders.get(order_id)
        if order is None:
            return _error(404, "not_found", f"order {order_id} does not exist")
        return JSONResponse(order)

    @app.post("/_pact/provider-states")
    async def provider_state(change: StateChange) -> JSONResponse:
        try:
            values = apply_state(store, change)
        except (KeyError, ValueError, TypeError) as exc:
            return _error(400, "bad_state", f"cannot set up provider state {change.state!r}: {exc}")
        return JSONResponse(values)

    return app


def apply_state(store: Store, change: StateChange) -> dict[str, Any]:
    """Set the store up for one provider state; return the values ProviderState generators use.

    Set-ups are additive (they add or remove only what the state names) and a teardown resets
    the seed data: pact replay gets a clean store per interaction, and a load run whose users set
    up states concurrently does not wipe the orders other users created.
    """
    if change.action == "teardown":
        store.reset()
        return {}
    if change.state in ("", "products exist"):
        for seed in SEED_PRODUCTS:
            store.products.setdefault(seed["id"], {**seed, "tags": list(seed["tags"])})
        return {}
    params = change.params
    if change.state == "a product exists":
        product_id = int(params.get("id", 1))
        product = store.products.get(product_id) or {
            "id": product_id,
            "name": "Sample product",
            "price": 10.0,
            "currency": "EUR",
            "tags": [],
        }
        for key in ("name", "price", "currency", "tags"):
            if key in params:
                product[key] = params[key]
        store.products[product_id] = product
        return {"productId": product_id, "nextOrderId": store.next_order_id}
    if change.state == "no product exists":
        store.products.pop(int(params.get("id", 0)), None)
        return {}
    if change.state == "an order exists":
        product_id = int(params.get("productId", 1))
        if product_id not in store.products:
            raise ValueError(f"product {product_id} is not in the catalogue")
        order = store.create_order(product_id, int(params.get("quantity", 1)))
        return {"orderId": order["id"], "productId": product_id}
    if change.state == "no order exists":
        store.orders.pop(int(params.get("id", 0)), None)
        return {}
    raise ValueError(
        "unknown state; known states: 'products exist', 'a product exists', 'no product exists', "
        "'an order exists', 'no order exists'"
    )


app = create_app()
