"""A pact of 10,000 interactions served by `tether mock serve` (a real process): the right answers for
varying ids, and the nearest-interaction report for a miss. (Start-up time and memory are measured in
benchmarks/, not asserted here.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from tests.support import free_port, running_process, tether_executable


def _big_pact(count: int) -> dict[str, Any]:
    interactions = [
        {
            "description": f"get item {i}",
            "request": {
                "method": "GET",
                "path": f"/api/r{i}/items/{100 + i}",
                "headers": {"Accept": "application/json"},
                "matchingRules": {
                    "path": {"matchers": [{"match": "regex", "regex": f"/api/r{i}/items/[0-9]+"}]}
                },
            },
            "response": {
                "status": 200,
                "headers": {"Content-Type": "application/json"},
                "body": {"resource": f"r{i}", "items": [{"sku": f"SKU-{i}-{k}"} for k in range(3)]},
                "matchingRules": {"body": {"$.items": {"matchers": [{"match": "type", "min": 1}]}}},
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


def test_a_pact_of_ten_thousand_interactions_is_served(tmp_path: Path) -> None:
    pact_file = tmp_path / "big.json"
    pact_file.write_text(json.dumps(_big_pact(10_000)))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [*tether_executable(), "mock", "serve", "--provider", "BenchApi", "--pact", str(pact_file)]
    with (
        running_process([*command, "--port", str(port)], ready_url=f"{url}/__tether/health", timeout=600),
        httpx.Client(base_url=url, headers={"Accept": "application/json"}, timeout=60) as client,
    ):
        for number, item in ((0, 5), (4321, 77), (9999, 123456), (4321, 78)):
            response = client.get(f"/api/r{number}/items/{item}")
            assert response.status_code == 200, response.text
            assert response.json()["resource"] == f"r{number}"
            assert response.headers["content-type"] == "application/json"
        wrong = client.get("/api/r4321/items/abc")
        assert wrong.status_code == 404
        closest = wrong.json()["closest"]
        assert closest[0]["interaction"]["description"] == "get item 4321"
        assert closest[0]["mismatches"][0]["kind"] == "path"
        assert client.get("/api/r10000/items/1").status_code == 404
        assert len(client.get("/__tether/interactions").json()) == 10_000
