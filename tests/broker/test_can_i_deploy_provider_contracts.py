"""One answer per integration: a provider contract whose self-verification failed, or whose cross-check
with a consumer pact failed, blocks the real Pact CLI's `can-i-deploy` against `tether broker serve`,
and the CLI prints why (also when a Pact verification of the same provider version passed)."""

from __future__ import annotations

import html
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.broker.test_provider_contracts import DRIFTED_SPEC, SPEC, WEB_PACT, contract_body, publish_pact
from tests.broker.webhook_receiver import wait_until
from tests.support import free_port, npm_tool, running_process, tether_executable

pytestmark = pytest.mark.npm

SELF_FAILED = "the provider contract's self-verification failed"
CROSS_FAILED = "the pact is not compatible with the provider contract (OpenAPI cross-check failed)"


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [*tether_executable(), "broker", "serve", "--port", str(port), "--log-level", "warning"]
    command += ["--database-url", f"sqlite:///{tmp_path / 'broker.db'}"]
    with running_process(command, ready_url=f"{url}/diagnostic/status/heartbeat", cwd=tmp_path):
        yield url


def can_i_deploy(broker: str, version: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true", "NO_COLOR": "1"}
    base = [str(npm_tool("pact")), "broker", "can-i-deploy", "-b", broker, "--pacticipant", "OrdersApi"]
    return subprocess.run(
        [*base, "--version", version, "--to-environment", "prod", *extra],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def checked(client: httpx.Client, version: str) -> None:
    """Wait until the broker's background worker has cross-checked OrderWeb's pact against ``version``."""
    query = (
        f"/matrix?q[][pacticipant]=OrdersApi&q[][version]={version}&q[][pacticipant]=OrderWeb&latestby=cvpv"
    )

    def done() -> bool:
        rows = client.get(query).json()["matrix"]
        results = [row.get("verificationResult") or {} for row in rows]
        return bool(rows) and all(result.get("success") is not None for result in results)

    wait_until(done, message=f"the cross-check of OrdersApi {version}")


@pytest.fixture
def deployed_consumer(broker: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=broker, timeout=30) as client:
        publish_pact(client, WEB_PACT, "1.0.0")
        created = client.post("/environments", json={"name": "prod", "production": True})
        assert created.status_code == 201, created.text
        uuid = created.json()["uuid"]
        deployed = client.post(
            f"/pacticipants/OrderWeb/versions/1.0.0/deployed-versions/environment/{uuid}", json={}
        )
        assert deployed.status_code == 201, deployed.text
        yield client


def publish_contract(client: httpx.Client, spec: Path, version: str, *, success: bool) -> None:
    published = client.post(
        "/provider-contracts/provider/OrdersApi/publish", json=contract_body(spec, version, success=success)
    )
    assert published.status_code == 200, published.text
    checked(client, version)


def test_a_passing_provider_contract_may_deploy(broker: str, deployed_consumer: httpx.Client) -> None:
    publish_contract(deployed_consumer, SPEC, "3.0.0", success=True)
    result = can_i_deploy(broker, "3.0.0")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All required verification results are published and successful" in result.stdout


def test_a_failed_self_verification_blocks_with_its_reason(
    broker: str, deployed_consumer: httpx.Client
) -> None:
    publish_contract(deployed_consumer, SPEC, "3.1.0", success=False)
    result = can_i_deploy(broker, "3.1.0")
    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        "The verification for the pact between the version of OrderWeb currently in prod (1.0.0) and "
        f"version 3.1.0 of OrdersApi failed: {SELF_FAILED}"
    ) in result.stdout


def test_a_failed_cross_check_blocks_with_its_reason(broker: str, deployed_consumer: httpx.Client) -> None:
    publish_contract(deployed_consumer, DRIFTED_SPEC, "4.0.0", success=True)
    result = can_i_deploy(broker, "4.0.0")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"version 4.0.0 of OrdersApi failed: {CROSS_FAILED}" in result.stdout


def test_a_failed_provider_contract_blocks_even_a_passing_pact_verification(
    broker: str, deployed_consumer: httpx.Client
) -> None:
    client = deployed_consumer
    pact = client.get("/pacts/provider/OrdersApi/consumer/OrderWeb/version/1.0.0").json()
    href = pact["_links"]["pb:publish-verification-results"]["href"]
    verified = client.post(href, json={"success": True, "providerApplicationVersion": "5.0.0"})
    assert verified.status_code == 201, verified.text
    publish_contract(client, SPEC, "5.0.0", success=False)
    result = can_i_deploy(broker, "5.0.0")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"version 5.0.0 of OrdersApi failed: {SELF_FAILED}" in result.stdout
    as_json = can_i_deploy(broker, "5.0.0", "--output", "json")
    assert json.loads(as_json.stdout)["summary"]["deployable"] is False


def test_the_dashboard_matrix_and_provider_contract_page_give_the_same_answer(
    broker: str, deployed_consumer: httpx.Client
) -> None:
    client = deployed_consumer
    publish_contract(client, DRIFTED_SPEC, "4.0.0", success=False)
    both = f"{SELF_FAILED}; {CROSS_FAILED}"
    # the self-verification result is there at once; the cross-check is the background worker's (outbox)
    wait_until(
        lambda: f"version 4.0.0 of OrdersApi failed: {both}" in can_i_deploy(broker, "4.0.0").stdout,
        message="can-i-deploy naming both the failed self-verification and the failed cross-check",
    )

    def page(path: str) -> str:
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 200, response.text
        return html.unescape(response.text)

    dashboard = page("/ui")
    assert 'class="row-failed"' in dashboard
    assert f'<div class="sub failure-reason">{both}</div>' in dashboard
    contract = page("/ui/provider-contracts/provider/OrdersApi/version/4.0.0")
    assert f'<p class="notice notice-error verdict-reason">{both}</p>' in contract
    matrix = page("/ui/matrix?consumer=OrderWeb&provider=OrdersApi")
    assert f'<div class="sub failure-reason">{both}</div>' in matrix
    assert 'class="row-failed"' in matrix
