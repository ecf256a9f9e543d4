"""The benchmark contract and its rendering for each peer.

COUNT path templates ``/api/r{i}/items/{id}`` (GET, ``Accept: application/json``), each answering a
realistic JSON order (nested customer, three items). Every peer gets the same interactions and is set
up so that a template matches *any* integer id:

- Tether and the pact stub server: a V3 pact with a ``regex`` path matcher ``/api/r{i}/items/[0-9]+``
  and type/regex/integer/decimal rules in the response body;
- WireMock: one stub mapping per template with ``urlPathPattern`` (the same regex) and the Accept header;
- Prism: an OpenAPI 3 document with an integer path parameter and the body as the example.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import httpx


def order_body(i: int) -> dict[str, Any]:
    return {
        "id": 100 + i,
        "resource": f"r{i}",
        "status": "open",
        "total": 12.5 + i,
        "currency": "EUR",
        "customer": {"id": 1000 + i, "name": f"Customer {i}", "email": f"c{i}@example.com"},
        "items": [
            {"sku": f"SKU-{i}-{k}", "quantity": k + 1, "price": 2.5 * (k + 1), "tags": ["a", "b"]}
            for k in range(3)
        ],
        "createdAt": "2024-05-01T10:12:13Z",
    }


def path_regex(i: int) -> str:
    return f"/api/r{i}/items/[0-9]+"


def cached_path(i: int) -> str:
    return f"/api/r{i}/items/{100 + i}"


def build_pact(count: int) -> dict[str, Any]:
    interactions = [
        {
            "description": f"get item of resource {i}",
            "request": {
                "method": "GET",
                "path": cached_path(i),
                "headers": {"Accept": "application/json"},
                "matchingRules": {"path": {"matchers": [{"match": "regex", "regex": path_regex(i)}]}},
            },
            "response": {
                "status": 200,
                "headers": {"Content-Type": "application/json"},
                "body": order_body(i),
                "matchingRules": {
                    "body": {
                        "$.id": {"matchers": [{"match": "integer"}]},
                        "$.status": {"matchers": [{"match": "regex", "regex": "open|shipped|closed"}]},
                        "$.total": {"matchers": [{"match": "decimal"}]},
                        "$.customer": {"matchers": [{"match": "type"}]},
                        "$.items": {"matchers": [{"match": "type", "min": 1}]},
                        "$.createdAt": {"matchers": [{"match": "regex", "regex": "\\d{4}-\\d{2}-\\d{2}T.*"}]},
                    }
                },
            },
        }
        for i in range(count)
    ]
    return {
        "consumer": {"name": "BenchWeb"},
        "provider": {"name": "BenchApi"},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


def write_pact(count: int, folder: Path) -> Path:
    path = folder / f"BenchWeb-BenchApi-{count}.json"
    path.write_text(json.dumps(build_pact(count)))
    return path


def write_wiremock_root(count: int, folder: Path) -> Path:
    """A WireMock root directory with one mapping file per template (urlPathPattern regex)."""
    mappings = folder / "mappings"
    mappings.mkdir(parents=True)
    for i in range(count):
        mapping = {
            "request": {
                "method": "GET",
                "urlPathPattern": path_regex(i),
                "headers": {"Accept": {"equalTo": "application/json"}},
            },
            "response": {
                "status": 200,
                "headers": {"Content-Type": "application/json"},
                "jsonBody": order_body(i),
            },
        }
        (mappings / f"m{i}.json").write_text(json.dumps(mapping))
    return folder


def write_openapi(count: int, folder: Path) -> Path:
    """An OpenAPI 3 document (JSON, valid YAML) with one templated path per interaction."""
    paths: dict[str, Any] = {}
    for i in range(count):
        paths[f"/api/r{i}/items/{{itemId}}"] = {
            "get": {
                "operationId": f"getItem{i}",
                "parameters": [
                    {"name": "itemId", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {
                        "description": "item",
                        "content": {
                            "application/json": {"schema": {"type": "object"}, "example": order_body(i)}
                        },
                    }
                },
            }
        }
    document = {"openapi": "3.0.3", "info": {"title": "BenchApi", "version": "1"}, "paths": paths}
    path = folder / f"openapi-{count}.json"
    path.write_text(json.dumps(document))
    return path


def sample_requests(count: int, rng: random.Random) -> list[tuple[int, str]]:
    """(template index, path) pairs of both shapes: first, middle and last template, cached and random ids."""
    picks = sorted({0, count // 2, count - 1})
    cached = [(i, cached_path(i)) for i in picks]
    varying = [(i, f"/api/r{i}/items/{rng.randint(1, 999_999_999)}") for i in picks]
    return cached + varying


def check_answers(base: str, count: int) -> None:
    """Every peer must answer both traffic shapes with 200 and the template's body: nobody wins with 404s."""
    rng = random.Random(7)
    with httpx.Client(base_url=base, headers={"Accept": "application/json"}, timeout=120) as client:
        for i, path in sample_requests(count, rng):
            response = client.get(path)
            if response.status_code != 200:
                raise AssertionError(f"{base}{path} -> {response.status_code}: {response.text[:300]}")
            body = response.json()
            if body.get("resource") != f"r{i}" or len(body.get("items", [])) != 3:
                raise AssertionError(f"{base}{path} -> unexpected body {body}")
