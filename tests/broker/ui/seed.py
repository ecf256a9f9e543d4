"""Seed a running broker through its HTTP API (``brokerclient.client``) with the example project's real
pacts, verification results (one failing, with mismatches), environments and deployments, a
provider contract (the example OpenAPI spec) and, optionally, a webhook."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from brokerclient.client import BrokerClient, ContractToPublish

ROOT = Path(__file__).resolve().parents[3]
PACTS = ROOT / "examples" / "pacts"
SPEC = ROOT / "examples" / "provider" / "openapi.yaml"
DRIFTED_SPEC = ROOT / "examples" / "provider_drifted" / "openapi.yaml"

WEB, MOBILE, API = "OrderWeb", "OrderMobile", "OrdersApi"
FAILING_MISMATCH = "Expected 'pending' (String) but received 'PENDING' (String)"


@dataclass(frozen=True)
class Seeded:
    web_pact_v1: dict[str, Any]
    web_pact_v2: dict[str, Any]
    changed_description: str


def _pact(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((PACTS / name).read_text())
    return loaded


def _publish(client: BrokerClient, consumer: str, version: str, pact: dict[str, Any], branch: str) -> None:
    client.publish_contracts(
        consumer,
        version,
        [ContractToPublish(consumer=consumer, provider=API, content=json.dumps(pact).encode())],
        branch=branch,
    )


def _verify(
    client: BrokerClient, consumer: str, version: str, provider_version: str, *, success: bool
) -> None:
    pact = client.get_pact(API, consumer, version)
    href = pact["_links"]["pb:publish-verification-results"]["href"]
    tests: list[dict[str, Any]] = [
        {"testDescription": i.get("description", "?"), "success": True} for i in pact.get("interactions", [])
    ]
    if not success:
        tests[0] = {
            "testDescription": tests[0]["testDescription"],
            "success": False,
            "mismatches": [{"attribute": "body", "identifier": "$.status", "description": FAILING_MISMATCH}],
        }
    client.publish_verification_result(
        href,
        {
            "success": success,
            "providerApplicationVersion": provider_version,
            "testResults": {"tests": tests},
            "verifiedBy": {"implementation": "Tether", "version": "0.1.0"},
        },
    )


def seed(base_url: str, *, auth: tuple[str, str] | None = None) -> Seeded:
    """Two consumers of OrdersApi; OrderWeb 1.1.0 changed its pact and fails verification."""
    username, password = auth if auth else (None, None)
    with BrokerClient(base_url, username=username, password=password) as client:
        web_v1 = _pact("OrderWeb-OrdersApi.json")
        web_v2 = copy.deepcopy(web_v1)
        changed = web_v2["interactions"][0]
        changed["description"] = changed["description"] + " (v2)"
        mobile = _pact("OrderMobile-OrdersApi.json")

        _publish(client, WEB, "1.0.0", web_v1, "main")
        _publish(client, MOBILE, "2.0.0", mobile, "main")
        _verify(client, WEB, "1.0.0", "5.0.0", success=True)
        _verify(client, MOBILE, "2.0.0", "5.0.0", success=True)
        _publish(client, WEB, "1.1.0", web_v2, "main")
        _verify(client, WEB, "1.1.0", "5.1.0", success=False)

        for name, production in (("production", True), ("staging", False)):
            client.create_environment(name, production=production)
        client.record_deployment(API, "5.0.0", "production")
        client.record_deployment(WEB, "1.0.0", "production")
        client.record_release(MOBILE, "2.0.0", "production")  # a mobile app is released, not deployed
        client.record_deployment(API, "5.1.0", "staging")
        for version, spec in (("5.1.0", DRIFTED_SPEC), ("5.2.0", SPEC)):
            client.publish_provider_contract(
                API,
                version,
                spec.read_bytes(),
                branch="main",
                self_verification={
                    "success": True,
                    "content": "schemathesis: 42 checks passed",
                    "contentType": "text/plain",
                    "format": "text",
                    "verifier": "schemathesis",
                    "verifierVersion": "4",
                },
            )
            # reading the cross-checks computes them now (the background worker may not have yet)
            client.get(
                f"/contracts/bi-directional/provider/{API}/version/{version}/cross-contract-verification-results"
            )
    return Seeded(web_v1, web_v2, changed["description"])


def add_webhook(base_url: str, target: str, *, auth: tuple[str, str] | None = None) -> str:
    uuid = "ui-test-webhook-0001"
    response = httpx.put(
        f"{base_url}/webhooks/{uuid}",
        json={
            "description": "Notify CI",
            "events": [{"name": "contract_content_changed"}],
            "request": {"method": "POST", "url": f"{target}/hook", "body": {"pact": "${pactbroker.pactUrl}"}},
        },
        auth=auth,
    )
    response.raise_for_status()
    return uuid
