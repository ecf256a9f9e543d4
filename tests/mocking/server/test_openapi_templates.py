"""`tether mock serve --openapi FILE`: type-matched pact paths take their template from the provider's
OpenAPI, on a real server; the refusal (404 body and journal) names the template segment missed."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.mocking.conftest import MockServer


def test_mock_serve_takes_path_templates_from_openapi(mock_server: MockServer, tmp_path: Path) -> None:
    pact = {
        "consumer": {"name": "Web"},
        "provider": {"name": "UsersApi"},
        "interactions": [
            {
                "description": "a user's orders",
                "request": {
                    "method": "GET",
                    "path": "/users/bob/orders",
                    "matchingRules": {"path": {"matchers": [{"match": "type"}]}},
                },
                "response": {"status": 200, "body": []},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "UsersApi", "version": "1"},
        "paths": {"/users/{name}/orders": {"get": {"responses": {"200": {"description": "orders"}}}}},
    }
    (tmp_path / "web-users.json").write_text(json.dumps(pact))
    (tmp_path / "users.json").write_text(json.dumps(spec))
    served = mock_server(
        "--pact",
        str(tmp_path / "web-users.json"),
        "--openapi",
        str(tmp_path / "users.json"),
        provider="UsersApi",
    )
    with served as url:
        assert httpx.get(f"{url}/users/alice/orders").status_code == 200
        refused = httpx.get(f"{url}/users/bob/items")
        assert refused.status_code == 404
        [nearest] = refused.json()["closest"]
        assert nearest["mismatches"][0]["message"] == (
            "segment 3 of path '/users/bob/items' is 'items' but the contract's template "
            "/users/{name}/orders (from the openapi) has 'orders' there"
        )
        journal = httpx.get(f"{url}/__tether/journal?unmatched=true").json()
        assert journal[-1]["report"]["closest"][0]["mismatches"] == nearest["mismatches"]
