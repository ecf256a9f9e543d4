"""Generated locustfiles run by real Locust processes against the real example provider."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.loadgen.locust.pacts import PROVIDER, get_product, list_products, v4_pact
from tests.support import REPO_ROOT, free_port, running_process, tether_executable

pytestmark = pytest.mark.slow

PACTS = REPO_ROOT / "examples" / "pacts"


def _provider(drift: bool) -> Iterator[str]:
    port = free_port()
    module = "examples.provider_drifted" if drift else "examples.provider"
    url = f"http://127.0.0.1:{port}"
    with running_process([sys.executable, "-m", module, "--port", str(port)], ready_url=f"{url}/products"):
        yield url


@pytest.fixture(scope="module")
def provider_url() -> Iterator[str]:
    yield from _provider(drift=False)


@pytest.fixture(scope="module")
def drifted_url() -> Iterator[str]:
    yield from _provider(drift=True)


def tether(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*tether_executable(), *map(str, args)], capture_output=True, text=True, check=False, timeout=120
    )


def _stats(prefix: Path) -> dict[str, tuple[int, int]]:
    rows = (prefix.parent / f"{prefix.name}_stats.csv").read_text().splitlines()[1:]
    result = {}
    for row in rows:
        cells = row.split(",")
        result[cells[1]] = (int(cells[2]), int(cells[3]))
    return result


def test_weights_are_followed(tmp_path: Path, provider_url: str) -> None:
    pact = tmp_path / "pacts" / "Shop-OrdersApi.json"
    pact.parent.mkdir()
    pact.write_text(json.dumps(v4_pact("Shop", [list_products(), get_product(1, "a request for product 1")])))
    weights = tmp_path / "weights.yaml"
    weights.write_text(
        "interactions:\n  Shop:\n    a request for all products: 1\n    a request for product 1: 4\n"
    )
    out = tmp_path / "locustfile.py"
    generated = tether(
        "loadgen",
        "locustfile",
        "--provider",
        PROVIDER,
        "--pact",
        pact.parent,
        "--weights",
        weights,
        "--wait-time",
        "constant(0)",
        "--out",
        out,
    )
    assert generated.returncode == 0, generated.stderr
    assert "weights: weights file weights.yaml" in generated.stderr

    run = tether(
        "loadgen", "run", "--locustfile", out, "--host", provider_url, "-u", "2", "-r", "2", "-t", "4s",
        "--max-fail-ratio", "0", "--csv", tmp_path / "run",
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "all thresholds met" in run.stdout
    stats = _stats(tmp_path / "run")
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


def test_example_pacts_chain_ids_and_pass_against_the_real_provider(
    tmp_path: Path, provider_url: str
) -> None:
    out = tmp_path / "locustfile.py"
    generated = tether(
        "loadgen",
        "locustfile",
        "--provider",
        PROVIDER,
        "--pact",
        PACTS,
        "--wait-time",
        "constant(0)",
        "--out",
        out,
    )
    assert generated.returncode == 0, generated.stderr
    run = tether(
        "loadgen", "run", "--locustfile", out, "--host", provider_url, "-u", "3", "-r", "3", "-t", "5s",
        "--consumer", "OrderMobile", "--max-fail-ratio", "0", "--csv", tmp_path / "run",
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    stats = _stats(tmp_path / "run")
    # the order ids come from the provider (POST /orders), never from the pact's example 1001
    assert stats["GET /orders/{orderId} (OrderMobile)"][0] > 0
    assert stats["DELETE /orders/{orderId} (OrderMobile)"][0] > 0
    assert all(failures == 0 for _, failures in stats.values()), stats


def test_drifted_provider_fails_with_readable_contract_messages(tmp_path: Path, drifted_url: str) -> None:
    out = tmp_path / "locustfile.py"
    assert (
        tether(
            "loadgen",
            "locustfile",
            "--provider",
            PROVIDER,
            "--pact",
            PACTS,
            "--wait-time",
            "constant(0)",
            "--out",
            out,
        ).returncode
        == 0
    )
    run = tether(
        "loadgen", "run", "--locustfile", out, "--host", drifted_url, "-u", "2", "-r", "2", "-t", "5s",
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


def test_thresholds_decide_the_exit_code(tmp_path: Path, provider_url: str) -> None:
    pact = tmp_path / "pacts" / "Shop-OrdersApi.json"
    pact.parent.mkdir()
    pact.write_text(json.dumps(v4_pact("Shop", [list_products()])))
    out = tmp_path / "locustfile.py"
    assert (
        tether(
            "loadgen",
            "locustfile",
            "--provider",
            PROVIDER,
            "--pact",
            pact.parent,
            "--wait-time",
            "constant(0)",
            "--out",
            out,
        ).returncode
        == 0
    )
    html = tmp_path / "report.html"
    run = tether(
        "loadgen", "run", "--locustfile", out, "--host", provider_url, "-u", "1", "-r", "1", "-t", "4s",
        "--min-rps", "1000000", "--max-p95-ms", "60000", "--html", html,
    )  # fmt: skip
    assert run.returncode == 1
    assert "THRESHOLD BROKEN: throughput" in run.stdout
    assert "below the required 1000000.0" in run.stdout
    assert "p95 response time" not in run.stdout
    assert html.read_text().lstrip().lower().startswith("<!doctype html")


def test_unknown_consumer_is_a_usage_error(tmp_path: Path) -> None:
    out = tmp_path / "locustfile.py"
    assert (
        tether(
            "loadgen",
            "locustfile",
            "--provider",
            PROVIDER,
            "--pact",
            PACTS,
            "--wait-time",
            "constant(0)",
            "--out",
            out,
        ).returncode
        == 0
    )
    run = tether(
        "loadgen", "run", "--locustfile", out, "--host", "http://127.0.0.1:9", "--consumer", "Nobody"
    )
    assert run.returncode == 2
    assert "has no user class for consumer(s) Nobody; it has: OrderMobile, OrderWeb" in run.stderr


def test_missing_locustfile_is_a_usage_error(tmp_path: Path) -> None:
    run = tether("loadgen", "run", "--locustfile", tmp_path / "nope.py", "--host", "http://127.0.0.1:9")
    assert run.returncode == 2
    assert "does not exist" in run.stderr


def test_local_workers_share_the_load(tmp_path: Path, provider_url: str) -> None:
    pact = tmp_path / "pacts" / "Shop-OrdersApi.json"
    pact.parent.mkdir()
    pact.write_text(json.dumps(v4_pact("Shop", [list_products()])))
    out = tmp_path / "locustfile.py"
    assert (
        tether(
            "loadgen",
            "locustfile",
            "--provider",
            PROVIDER,
            "--pact",
            pact.parent,
            "--wait-time",
            "constant(0)",
            "--out",
            out,
        ).returncode
        == 0
    )
    run = tether(
        "loadgen", "run", "--locustfile", out, "--host", provider_url, "-u", "2", "-r", "2", "-t", "3s",
        "--workers", "2", "--max-fail-ratio", "0", "--csv", tmp_path / "run",
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    requests, failures = _stats(tmp_path / "run")["GET /products (Shop)"]
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


def _plain_order_pact() -> dict[str, object]:
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
    return v4_pact("Shop", [create, read])


def test_openapi_links_chain_requests_without_provider_state_expressions(
    tmp_path: Path, provider_url: str
) -> None:
    """The pact hard-codes order 1001 (which never exists); the spec's link says the id comes from POST /orders."""
    pact = tmp_path / "pacts" / "Shop-OrdersApi.json"
    pact.parent.mkdir()
    pact.write_text(json.dumps(_plain_order_pact()))
    spec = tmp_path / "openapi.yaml"
    spec.write_text(LINKED_SPEC)
    out = tmp_path / "locustfile.py"
    generated = tether(
        "loadgen", "locustfile", "--provider", PROVIDER, "--pact", pact.parent, "--openapi", spec,
        "--wait-time", "constant(0)", "--out", out,
    )  # fmt: skip
    assert generated.returncode == 0, generated.stderr
    text = out.read_text()
    assert 'captures={"orderId": "$response.body#/id"}' in text
    assert 'path_template="/orders/{orderId}"' in text
    assert 'requires={"orderId": SHOP_CREATE_AN_ORDER}' in text
    run = tether(
        "loadgen", "run", "--locustfile", out, "--host", provider_url, "-u", "2", "-r", "2", "-t", "3s",
        "--max-fail-ratio", "0", "--csv", tmp_path / "run",
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    stats = _stats(tmp_path / "run")
    assert stats["GET /orders/{orderId} (Shop)"][0] > 0
    assert stats["GET /orders/{orderId} (Shop)"][1] == 0
