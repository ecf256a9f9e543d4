"""Bi-directional contract results in the matrix: a provider contract (OpenAPI spec + self-verification)
cross-checked against a consumer pact counts like a verification in can-i-deploy, shown as
``verificationType: "BDCT"`` rows, as PactFlow does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.broker.test_provider_contracts import SPEC, WEB_PACT, contract_body, publish_pact, settled
from tests.broker.webhook_receiver import ThreadBroker, broker_in_thread, webhook_settings


@pytest.fixture
def bdct_broker(tmp_path: Path) -> Iterator[ThreadBroker]:
    with broker_in_thread(webhook_settings(f"sqlite:///{tmp_path / 'broker.db'}")) as running:
        yield running


def test_can_i_deploy_uses_cross_contract_results(bdct_broker: ThreadBroker) -> None:
    with httpx.Client(base_url=bdct_broker.url, timeout=30) as client:
        publish_pact(client, WEB_PACT, "1.0.0")
        client.post("/environments", json={"name": "prod", "production": True})
        query = "/matrix?q[][pacticipant]=OrderWeb&q[][version]=1.0.0&latestby=cvpv&environment=prod"
        for version, success in (("3.0.0", True), ("3.1.0", False)):
            published = client.post(
                "/provider-contracts/provider/OrdersApi/publish",
                json=contract_body(SPEC, version, success=success),
            )
            assert published.status_code == 200, published.text
        settled(bdct_broker, 2)
        env = client.get("/environments").json()["_embedded"]["environments"][0]
        deploy = client.post(
            f"/pacticipants/OrdersApi/versions/3.0.0/deployed-versions/environment/{env['uuid']}", json={}
        )
        assert deploy.status_code == 201

        body = client.get(query).json()
        assert body["summary"]["deployable"] is True, body["summary"]
        [row] = body["matrix"]
        assert row["verificationType"] == "BDCT"
        assert row["provider"]["version"]["number"] == "3.0.0"
        assert row["verificationResult"]["success"] is True
        href = row["verificationResult"]["_links"]["self"]["href"]
        assert "/contracts/provider/OrdersApi/version/3.0.0/consumer/OrderWeb/pact-version/" in href
        assert client.get(href).json()["summary"] == {"success": True}

        # a provider version whose spec failed its self-verification cannot be deployed next to OrderWeb
        client.post(
            f"/pacticipants/OrderWeb/versions/1.0.0/deployed-versions/environment/{env['uuid']}", json={}
        )
        failed = client.get(
            "/matrix?q[][pacticipant]=OrdersApi&q[][version]=3.1.0&latestby=cvpv&environment=prod"
        ).json()
        assert failed["summary"]["deployable"] is False
        assert failed["summary"]["reason"] == (
            "The verification for the pact between the version of OrderWeb currently in prod (1.0.0) "
            "and version 3.1.0 of OrdersApi failed: the provider contract's self-verification failed"
        )
        assert failed["matrix"][0]["verificationType"] == "BDCT"
