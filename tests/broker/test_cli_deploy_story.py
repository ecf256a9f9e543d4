"""The real Pact CLI (`pact broker ...`, pact-broker-cli) against our broker, on SQLite and PostgreSQL:
environments (create, list, describe, update, delete), can-i-deploy (no, then yes; and no for a provider that fails a deployed consumer's pact),
record-deployment / undeployment, record-release / support-ended, can-i-merge, list-environments.
Every step asserts the exit code, what the CLI printed, and what the broker stored.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from brokerclient.client import BrokerClient
from tests.broker.conftest import RunningBroker
from tests.support import npm_tool

pytestmark = pytest.mark.npm

PACT = {
    "consumer": {"name": "OrderWeb"},
    "provider": {"name": "OrdersApi"},
    "interactions": [
        {
            "description": "a request for order 1",
            "providerStates": [{"name": "order 1 exists"}],
            "request": {"method": "GET", "path": "/orders/1"},
            "response": {"status": 200, "body": {"id": 1, "item": "widget"}},
        }
    ],
    "metadata": {"pactSpecification": {"version": "3.0.0"}},
}


class Cli:
    def __init__(self, broker_url: str, cwd: Path) -> None:
        self.exe = str(npm_tool("pact"))
        self.broker_url = broker_url
        self.cwd = cwd

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PACT_DO_NOT_TRACK": "true", "NO_COLOR": "1"}
        return subprocess.run(
            [self.exe, "broker", args[0], "-b", self.broker_url, *args[1:]],
            capture_output=True,
            text=True,
            env=env,
            cwd=self.cwd,
            timeout=60,
            check=False,
        )


def verify(client: BrokerClient, *, provider_version: str, success: bool, branch: str = "main") -> None:
    """Publish a verification result the way the verifiers do: provider branch first, then the result."""
    pact = client.get_pact("OrdersApi", "OrderWeb", "1.0.0")
    client.add_branch_version("OrdersApi", branch, provider_version)
    href = pact["_links"]["pb:publish-verification-results"]["href"]
    client.publish_verification_result(
        href, {"success": success, "providerApplicationVersion": provider_version}
    )


def test_deploy_story_with_the_real_pact_cli(
    broker: RunningBroker, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    pact = Cli(broker.url, tmp_path)
    client = BrokerClient(broker.url)
    request.addfinalizer(client.close)
    pacts = tmp_path / "pacts"
    pacts.mkdir()
    (pacts / "OrderWeb-OrdersApi.json").write_text(json.dumps(PACT))

    # environments
    created = pact(
        "create-environment", "--name", "production", "--display-name", "Production", "--production"
    )
    assert created.returncode == 0, created.stderr
    env = client.environment("production")
    assert f"Created production environment in the Pact Broker with UUID {env['uuid']}" in created.stdout
    assert (env["displayName"], env["production"]) == ("Production", True)
    assert pact("create-environment", "--name", "test").returncode == 0
    listed = pact("list-environments")
    assert listed.returncode == 0, listed.stderr
    assert "production" in listed.stdout
    assert "Production" in listed.stdout
    assert " test " in listed.stdout
    assert [e["name"] for e in client.list_environments()] == ["production", "test"]
    scratch = pact("create-environment", "--name", "scratch")
    scratch_uuid = client.environment("scratch")["uuid"]
    updated = pact(
        "update-environment",
        "--uuid",
        scratch_uuid,
        "--name",
        "scratch",
        "--display-name",
        "Scratch",
        "--production",
    )
    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert (client.environment("scratch")["displayName"], client.environment("scratch")["production"]) == (
        "Scratch",
        True,
    )
    described = pact("describe-environment", "--uuid", scratch_uuid)
    assert "Display Name: Scratch" in described.stdout
    assert "Production: true" in described.stdout
    deleted = pact("delete-environment", "--uuid", scratch_uuid)
    assert deleted.returncode == 0, deleted.stdout + deleted.stderr
    assert scratch.returncode == 0
    assert [e["name"] for e in client.list_environments()] == ["production", "test"]

    for name in ("OrderWeb", "OrdersApi"):
        assert pact("create-or-update-pacticipant", "--name", name, "--main-branch", "main").returncode == 0
    published = pact("publish", str(pacts), "--consumer-app-version", "1.0.0", "--branch", "main")
    assert published.returncode == 0, published.stdout + published.stderr

    # can-i-deploy for a version nobody published: no, naming the version
    unknown = pact(
        "can-i-deploy", "--pacticipant", "OrderWeb", "--version", "9.9.9", "--to-environment", "production"
    )
    assert unknown.returncode == 1
    assert "No pacts or verifications have been published for version 9.9.9 of OrderWeb" in unknown.stdout

    # can-i-deploy: unknown (nothing deployed verified the pact) -> no, with the reason
    cannot = pact(
        "can-i-deploy", "--pacticipant", "OrderWeb", "--version", "1.0.0", "--to-environment", "production"
    )
    assert cannot.returncode == 1, cannot.stdout
    assert "Computer says no" in cannot.stdout
    assert (
        "There is no verified pact between version 1.0.0 of OrderWeb and a version of OrdersApi currently in "
        "production (no version is currently recorded as deployed/released in this environment)"
    ) in cannot.stdout

    # the provider verifies and is deployed -> yes
    verify(client, provider_version="2.0.0", success=True)
    deployed = pact(
        "record-deployment", "--pacticipant", "OrdersApi", "--version", "2.0.0", "--environment", "production"
    )
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    assert "Recorded deployment of OrdersApi version 2.0.0 to production environment" in deployed.stdout
    [current] = client.currently_deployed("production", "OrdersApi")
    assert current["currentlyDeployed"] is True
    assert current["_embedded"]["version"]["number"] == "2.0.0"
    can = pact(
        "can-i-deploy", "--pacticipant", "OrderWeb", "--version", "1.0.0", "--to-environment", "production"
    )
    assert can.returncode == 0, can.stdout
    assert "Computer says yes" in can.stdout
    assert "All required verification results are published and successful" in can.stdout
    assert "/verification-results/" in can.stdout

    # the consumer is deployed (blue instance); a provider version that fails its pact cannot follow
    blue = pact(
        "record-deployment",
        "--pacticipant", "OrderWeb", "--version", "1.0.0", "--environment", "production",
        "--application-instance", "blue",
    )  # fmt: skip
    assert blue.returncode == 0, blue.stdout + blue.stderr
    assert "(application instance blue)" in blue.stdout
    verify(client, provider_version="2.0.1", success=False, branch="feat-broken")
    broken = pact(
        "can-i-deploy", "--pacticipant", "OrdersApi", "--version", "2.0.1", "--to-environment", "production"
    )
    assert broken.returncode == 1
    assert (
        "The verification for the pact between the version of OrderWeb currently in production (1.0.0) "
        "and version 2.0.1 of OrdersApi failed"
    ) in broken.stdout
    assert (
        pact(
            "can-i-deploy",
            "--pacticipant",
            "OrdersApi",
            "--version",
            "2.0.0",
            "--to-environment",
            "production",
        ).returncode
        == 0
    )

    # undeploy the blue instance
    undeployed = pact(
        "record-undeployment",
        "--pacticipant",
        "OrderWeb",
        "--environment",
        "production",
        "--application-instance",
        "blue",
    )
    assert undeployed.returncode == 0, undeployed.stdout + undeployed.stderr
    assert "Undeployed OrderWeb from production environment" in undeployed.stdout
    assert client.currently_deployed("production", "OrderWeb") == []
    assert (
        pact(
            "can-i-deploy",
            "--pacticipant",
            "OrdersApi",
            "--version",
            "2.0.1",
            "--to-environment",
            "production",
        ).returncode
        == 0
    )  # no consumer left in production to break

    # releases
    released = pact(
        "record-release", "--pacticipant", "OrderWeb", "--version", "1.0.0", "--environment", "production"
    )
    assert released.returncode == 0, released.stdout + released.stderr
    assert "Recorded release of OrderWeb version 1.0.0 to production environment" in released.stdout
    [supported] = client.currently_supported("production", "OrderWeb")
    assert supported["currentlySupported"] is True
    ended = pact(
        "record-support-ended",
        "--pacticipant",
        "OrderWeb",
        "--version",
        "1.0.0",
        "--environment",
        "production",
    )
    assert ended.returncode == 0, ended.stdout + ended.stderr
    assert client.currently_supported("production", "OrderWeb") == []

    # can-i-merge: against the provider's main-branch head (2.0.0, successful); 2.0.1 was on a feature branch
    merge = pact("can-i-merge", "--pacticipant", "OrderWeb", "--version", "1.0.0")
    assert merge.returncode == 0, merge.stdout
    assert "Computer says yes" in merge.stdout
    verify(client, provider_version="2.0.2", success=False)  # a failing main-branch head
    no_merge = pact("can-i-merge", "--pacticipant", "OrderWeb", "--version", "1.0.0")
    assert no_merge.returncode == 1
    assert (
        "The verification for the pact between version 1.0.0 of OrderWeb and the latest version of OrdersApi "
        "from branch main (2.0.2) failed"
    ) in no_merge.stdout

    # a version resource lists one record-deployment link per environment (the CLI picks it by name)
    version = client.get_version("OrderWeb", "1.0.0")
    assert [link["name"] for link in version["_links"]["pb:record-deployment"]] == ["production", "test"]
    assert [link["name"] for link in version["_links"]["pb:record-release"]] == ["production", "test"]
    assert [link["name"] for link in version["_links"]["pb:released-environments"]] == []  # support ended
    provider_version = client.get_version("OrdersApi", "2.0.0")
    assert [link["name"] for link in provider_version["_links"]["pb:deployed-environments"]] == ["production"]
