"""Generated locustfiles run by real Locust processes against the real example provider."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.loadgen.locust.pacts import get_product, list_products
from tests.loadgen.locust.runs import EXAMPLE_PACTS, FAST, csv_stats, generate, generate_with_log, tether

pytestmark = pytest.mark.slow


def test_weights_are_followed(tmp_path: Path, shop_url: str) -> None:
    weights = tmp_path / "weights.yaml"
    weights.write_text(
        "interactions:\n  Shop:\n    a request for all products: 1\n    a request for product 1: 4\n"
    )
    pacts = {"Shop": [list_products(), get_product(1, "a request for product 1")]}
    out, log = generate_with_log(tmp_path, pacts, "--weights", weights, *FAST)
    assert "weights: weights file weights.yaml" in log

    run = tether(
        "loadgen", "run", "--locustfile", out, "--host", shop_url, "-u", "2", "-r", "2", "-t", "4s",
        "--max-fail-ratio", "0", "--csv", tmp_path / "run",
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "all thresholds met" in run.stdout
    stats = csv_stats(tmp_path / "run")
    catalogue, product = stats["GET /products (Shop)"], stats["GET /products/{id} (Shop)"]
    assert catalogue[1] == product[1] == 0
    total = catalogue[0] + product[0]
    assert total > 200
    # weights 1:4 -> expected shares 20% / 80%; the chi-square statistic of the observed counts
    # against that split stays far below 10.83 (p = 0.001, one degree of freedom) for a fair run.
    expected = (total * 0.2, total * 0.8)
    chi_square = sum(
        (obs - exp) ** 2 / exp for obs, exp in zip((catalogue[0], product[0]), expected, strict=True)
    )
    assert chi_square < 10.83, (catalogue, product)


def test_example_pacts_chain_ids_and_pass_against_the_real_provider(tmp_path: Path, shop_url: str) -> None:
    out = generate(tmp_path, EXAMPLE_PACTS, *FAST)
    run = tether(
        "loadgen", "run", "--locustfile", out, "--host", shop_url, "-u", "3", "-r", "3", "-t", "5s",
        "--consumer", "OrderMobile", "--max-fail-ratio", "0", "--csv", tmp_path / "run",
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    stats = csv_stats(tmp_path / "run")
    # the order ids come from the provider (POST /orders), never from the pact's example 1001
    assert stats["GET /orders/{orderId} (OrderMobile)"][0] > 0
    assert stats["DELETE /orders/{orderId} (OrderMobile)"][0] > 0
    assert all(failures == 0 for _, failures in stats.values()), stats


def test_drifted_provider_fails_with_readable_contract_messages(
    tmp_path: Path, drifted_shop_url: str
) -> None:
    out = generate(tmp_path, EXAMPLE_PACTS, *FAST)
    run = tether(
        "loadgen", "run", "--locustfile", out, "--host", drifted_shop_url, "-u", "2", "-r", "2", "-t", "5s",
        "--consumer", "OrderMobile", "--max-fail-ratio", "0.01", "--csv", tmp_path / "run",
    )  # fmt: skip
    assert run.returncode == 1, run.stdout
    assert "THRESHOLD BROKEN: failure ratio" in run.stdout
    assert "THRESHOLD BROKEN: contract drift: " in run.stdout
    assert "contract drift: OrderMobile: a request to cancel an order x" in run.stdout
    failures = (tmp_path / "run_failures.csv").read_text()
    # the renamed field, the changed status and the removed endpoint are each named
    assert "contract violated (OrderMobile: a request for the product shown on the product page)" in failures
    assert "name" in failures
    assert "Expected status 201 but was 200" in failures
    assert "contract violated (OrderMobile: a request to cancel an order)" in failures


def test_thresholds_decide_the_exit_code(tmp_path: Path, shop_url: str) -> None:
    out = generate(tmp_path, {"Shop": [list_products()]}, *FAST)
    html = tmp_path / "report.html"
    run = tether(
        "loadgen", "run", "--locustfile", out, "--host", shop_url, "-u", "1", "-r", "1", "-t", "4s",
        "--min-rps", "1000000", "--max-p95-ms", "60000", "--html", html,
    )  # fmt: skip
    assert run.returncode == 1
    assert "THRESHOLD BROKEN: throughput" in run.stdout
    assert "below the required 1000000.0" in run.stdout
    assert "p95 response time" not in run.stdout
    assert html.read_text().lstrip().lower().startswith("<!doctype html")


def test_unknown_consumer_is_a_usage_error(tmp_path: Path) -> None:
    out = generate(tmp_path, EXAMPLE_PACTS, *FAST)
    run = tether(
        "loadgen", "run", "--locustfile", out, "--host", "http://127.0.0.1:9", "--consumer", "Nobody"
    )
    assert run.returncode == 2
    assert "has no user class for consumer(s) Nobody; it has: OrderMobile, OrderWeb" in run.stderr


def test_missing_locustfile_is_a_usage_error(tmp_path: Path) -> None:
    run = tether("loadgen", "run", "--locustfile", tmp_path / "nope.py", "--host", "http://127.0.0.1:9")
    assert run.returncode == 2
    assert "does not exist" in run.stderr


def test_local_workers_share_the_load(tmp_path: Path, shop_url: str) -> None:
    out = generate(tmp_path, {"Shop": [list_products()]}, *FAST)
    run = tether(
        "loadgen", "run", "--locustfile", out, "--host", shop_url, "-u", "2", "-r", "2", "-t", "3s",
        "--workers", "2", "--max-fail-ratio", "0", "--csv", tmp_path / "run",
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    requests, failures = csv_stats(tmp_path / "run")["GET /products (Shop)"]
    assert requests > 50
    assert failures == 0


LINKED_SPEC = """
openapi: 3.0.3
info: {title: OrdersApi, version: "1"}
paths:
  /orders:
    post:
      operationId: createOrder
      responses:
        "201":
          description: created
          links:
            ReadOrder:
              operationId: getOrder
              parameters: {orderId: "$response.body#/id"}
  /orders/{orderId}:
    get:
      operationId: getOrder
      parameters: [{name: orderId, in: path, required: true, schema: {type: integer}}]
      responses: {"200": {description: the order}}
"""


def _plain_order_interactions() -> list[dict[str, Any]]:
    create = {
        "type": "Synchronous/HTTP",
        "description": "create an order",
        "request": {
            "method": "POST",
            "path": "/orders",
            "headers": {"Content-Type": ["application/json"]},
            "body": {
                "contentType": "application/json",
                "encoded": False,
                "content": {"productId": 1, "quantity": 1},
            },
        },
        "response": {"status": 201},
    }
    read = {
        "type": "Synchronous/HTTP",
        "description": "read the order",
        "request": {"method": "GET", "path": "/orders/1001"},
        "response": {
            "status": 200,
            "body": {
                "contentType": "application/json",
                "encoded": False,
                "content": {"id": 1001, "quantity": 1},
            },
            "matchingRules": {"body": {"$.id": {"combine": "AND", "matchers": [{"match": "integer"}]}}},
        },
    }
    return [create, read]


def test_openapi_links_chain_requests_without_provider_state_expressions(
    tmp_path: Path, shop_url: str
) -> None:
    """The pact hard-codes order 1001 (which never exists); the spec's link says the id comes from POST /orders."""
    spec = tmp_path / "openapi.yaml"
    spec.write_text(LINKED_SPEC)
    out = generate(tmp_path, {"Shop": _plain_order_interactions()}, "--openapi", spec, *FAST)
    text = out.read_text()
    assert 'captures={"orderId": "$response.body#/id"}' in text
    assert 'path_template="/orders/{orderId}"' in text
    assert 'requires={"orderId": SHOP_CREATE_AN_ORDER}' in text
    run = tether(
        "loadgen", "run", "--locustfile", out, "--host", shop_url, "-u", "2", "-r", "2", "-t", "3s",
        "--max-fail-ratio", "0", "--csv", tmp_path / "run",
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    stats = csv_stats(tmp_path / "run")
    assert stats["GET /orders/{orderId} (Shop)"][0] > 0
    assert stats["GET /orders/{orderId} (Shop)"][1] == 0
