"""The whole loop with Tether's broker: publish pacts (npm Pact CLI), verify with --publish, can-i-deploy.

The broker runs as `tether broker serve` on SQLite; can-i-deploy is asked by the official `pact`
CLI, so the answer is what a CI pipeline would get.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from brokerclient.client import BrokerClient
from brokerclient.selectors import ConsumerVersionSelector
from tests.examples.servers import DRIFTED_SPEC, MOBILE_PACT, PACTS, SPEC, WEB_PACT
from tests.support import free_port, npm_tool, running_process, tether_executable
from tests.verifier.live.cli_runner import provider_args, tether_verify
from verifier.live import engine
from verifier.live.events import Event, Phase, PhaseFinished, PhaseStarted, Published
from verifier.live.options import (
    BrokerOptions,
    ProviderVerificationOptions,
    PublishOptions,
    ReplayOptions,
    SelectionOptions,
    SelfCheckOptions,
)
from verifier.live.results import Publication

pytestmark = pytest.mark.npm

# the self-check here only needs a verdict to publish: the examples phase is enough
FUZZ = ("--phases", "examples", "--max-examples", "2", "--seed", "3")


@contextlib.contextmanager
def running_broker(directory: Path) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args = [*tether_executable(), "broker", "serve", "--host", "127.0.0.1", "--port", str(port)]
    args += ["--database-url", f"sqlite:///{directory / 'broker.db'}", "--log-level", "warning"]
    with running_process(args, ready_url=f"{url}/diagnostic/status/heartbeat", cwd=directory):
        yield url


def pact_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(npm_tool("pact")), *args],
        env={**os.environ, "PACT_DO_NOT_TRACK": "true"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def publish_pacts(broker: str, directory: Path, version: str, branch: str) -> None:
    run = pact_cli(
        "broker", "publish", str(directory), "--consumer-app-version", version, "--branch", branch,
        "--broker-base-url", broker,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr


def can_i_deploy(
    broker: str, consumer: str, consumer_version: str, provider_version: str
) -> subprocess.CompletedProcess[str]:
    return pact_cli(
        "broker", "can-i-deploy", "--pacticipant", consumer, "--version", consumer_version,
        "--pacticipant", "OrdersApi", "--version", provider_version, "--broker-base-url", broker,
    )  # fmt: skip


def matrix_rows(broker: str, provider_version: str) -> list[dict[str, Any]]:
    with BrokerClient(broker) as client:
        body = client.matrix(f"q[][pacticipant]=OrdersApi&q[][version]={provider_version}&latestby=cvpv")
    rows: list[dict[str, Any]] = body["matrix"]
    return rows


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A broker holding OrderWeb 1.0.0 and OrderMobile 1.0.0 (branch main), published by the Pact CLI."""
    npm_tool("pact")
    with running_broker(tmp_path_factory.mktemp("broker")) as url:
        publish_pacts(url, PACTS, "1.0.0", "main")
        yield url


def verify_from_broker(base_url: str, broker: str, version: str, *extra: str) -> tuple[int, dict[str, Any]]:
    run = tether_verify(
        *provider_args(
            base_url, "--broker-url", broker, "--provider-version", version, "--provider-branch", "main",
            *extra, "--format", "json",
        )
    )  # fmt: skip
    assert run.exit_code in (0, 1), run.stderr
    report: dict[str, Any] = json.loads(run.stdout)
    return run.exit_code, report


def test_verified_provider_can_be_deployed(provider_url: str, broker: str) -> None:
    code, report = verify_from_broker(
        provider_url, broker, "2.0.0", "--main-branch", "--publish", "--provider-tag", "rc", "--openapi", str(SPEC),
        *FUZZ,
    )  # fmt: skip
    assert code == 0, report
    replay = report["pactVerification"]
    assert replay["published"] is True
    assert len(replay["interactions"]) == 10
    assert any("latest version from branch 'main' (1.0.0)" in notice for notice in replay["notices"])
    assert report["selfVerification"]["published"] is True

    for consumer in ("OrderWeb", "OrderMobile"):
        answer = can_i_deploy(broker, consumer, "1.0.0", "2.0.0")
        assert answer.returncode == 0, answer.stdout + answer.stderr
        assert "Computer says yes" in answer.stdout
    rows = [r for r in matrix_rows(broker, "2.0.0") if r.get("verificationResult")]
    assert {r["consumer"]["name"] for r in rows} == {"OrderWeb", "OrderMobile"}
    assert all(r["verificationResult"]["success"] is True for r in rows)

    with BrokerClient(broker) as client:
        self_check = client.get(
            "/contracts/bi-directional/provider/OrdersApi/version/2.0.0/provider-contract-verification-results"
        )
        contract = client.get("/contracts/bi-directional/provider/OrdersApi/version/2.0.0/provider-contract")
    assert self_check["success"] is True
    assert "Schemathesis v4" in self_check["content"]
    assert contract["content"] == SPEC.read_text()

    with BrokerClient(broker) as client:
        version = client.get_version("OrdersApi", "2.0.0")
    assert [tag["name"] for tag in version["_embedded"]["tags"]] == ["rc"]
    assert [b["name"] for b in version["_embedded"]["branchVersions"]] == ["main"]


def test_deployed_or_released_selector(provider_url: str, broker: str) -> None:
    for args in (
        ("create-environment", "--name", "production", "--production"),
        (
            "record-deployment",
            "--pacticipant",
            "OrderMobile",
            "--version",
            "1.0.0",
            "--environment",
            "production",
        ),
    ):
        run = pact_cli("broker", *args, "--broker-base-url", broker)
        assert run.returncode == 0, run.stdout + run.stderr
    code, report = verify_from_broker(provider_url, broker, "2.0.2", "--deployed-or-released")
    assert code == 0, report
    assert {i["consumer"] for i in report["pactVerification"]["interactions"]} == {"OrderMobile"}
    assert any("deployed" in notice for notice in report["pactVerification"]["notices"])


def test_drifted_provider_cannot_be_deployed(drifted_url: str, broker: str) -> None:
    code, report = verify_from_broker(drifted_url, broker, "2.0.1-drifted", "--main-branch", "--publish")
    assert code == 1
    assert report["pactVerification"]["published"] is True
    assert report["summary"]["failed"] == 6

    for consumer in ("OrderWeb", "OrderMobile"):
        answer = can_i_deploy(broker, consumer, "1.0.0", "2.0.1-drifted")
        assert answer.returncode == 1, answer.stdout + answer.stderr
        assert "Computer says no" in answer.stdout
    rows = [r for r in matrix_rows(broker, "2.0.1-drifted") if r.get("verificationResult")]
    assert {r["consumer"]["name"] for r in rows} == {"OrderWeb", "OrderMobile"}
    assert all(r["verificationResult"]["success"] is False for r in rows)


def cross_contract_results(broker: str, provider_version: str) -> dict[str, Any]:
    with BrokerClient(broker) as client:
        body: dict[str, Any] = client.get(
            f"/contracts/bi-directional/provider/OrdersApi/version/{provider_version}/cross-contract-verification-results"
        )
    return body


def test_self_check_alone_feeds_can_i_deploy(provider_url: str, drifted_url: str, broker: str) -> None:
    """Bi-directional: a provider version with only its spec + self-check. The drifted spec passes its
    own self-check, but the broker's static check of the consumers' pacts against it finds every drift."""
    code, report = verify_from_broker(
        drifted_url,
        broker,
        "3.0.0-drifted",
        "--openapi",
        str(DRIFTED_SPEC),
        "--self-check-only",
        "--publish",
        *FUZZ,
    )
    assert code == 0, report
    assert report["pactVerification"] is None
    assert report["selfVerification"]["published"] is True
    cross = cross_contract_results(broker, "3.0.0-drifted")
    assert cross["summary"] == {"success": 0, "failure": 2, "unknown": 0}
    codes = {
        error["code"]
        for result in cross["results"]
        for error in result["crossContractVerificationResults"]["results"]["errors"]
    }
    assert codes == {
        "response.body.incompatible",
        "response.status.unknown",
        "request.path-or-method.unknown",
    }
    assert all(r["providerContractVerificationResults"]["success"] is True for r in cross["results"])
    # can-i-deploy answers from the bi-directional result alone: a failed check, not an unknown one
    answer = can_i_deploy(broker, "OrderMobile", "1.0.0", "3.0.0-drifted")
    assert answer.returncode == 1, answer.stdout + answer.stderr
    assert "Computer says no" in answer.stdout
    (row,) = [r for r in matrix_rows(broker, "3.0.0-drifted") if r["consumer"]["name"] == "OrderMobile"]
    assert row["verificationResult"]["success"] is False
    assert row["verificationType"] == "BDCT"

    code, report = verify_from_broker(
        provider_url, broker, "3.1.0", "--openapi", str(SPEC), "--self-check-only", "--publish", *FUZZ
    )
    assert code == 0, report
    cross = cross_contract_results(broker, "3.1.0")
    assert cross["summary"] == {"success": 2, "failure": 0, "unknown": 0}
    assert {r["consumer"]["name"] for r in cross["results"]} == {"OrderWeb", "OrderMobile"}
    for consumer in ("OrderWeb", "OrderMobile"):
        answer = can_i_deploy(broker, consumer, "1.0.0", "3.1.0")
        assert answer.returncode == 0, answer.stdout + answer.stderr
        assert "Computer says yes" in answer.stdout


def test_pending_and_wip_pacts(provider_url: str, tmp_path: Path) -> None:
    """A feature-branch pact the provider does not satisfy yet: pending, so it does not fail the build."""
    feature = tmp_path / "feature"
    feature.mkdir()
    pact = json.loads(WEB_PACT.read_text())
    colour = json.loads(
        json.dumps(next(i for i in pact["interactions"] if i["description"] == "a request for product 42"))
    )
    colour["description"] = "a request for product 42 with its colour"
    colour["response"]["body"]["content"]["colour"] = "blue"
    pact["interactions"].append(colour)
    (feature / WEB_PACT.name).write_text(json.dumps(pact))
    shutil.copy(MOBILE_PACT, tmp_path / "unused.json")  # only the feature directory is published below

    with running_broker(tmp_path) as broker:
        publish_pacts(broker, PACTS, "1.0.0", "main")
        code, _ = verify_from_broker(provider_url, broker, "2.0.0", "--main-branch", "--publish")
        assert code == 0  # main's pacts are no longer pending for the provider's main branch
        publish_pacts(broker, feature, "1.1.0", "feat-x")

        code, report = verify_from_broker(
            provider_url,
            broker,
            "2.1.0",
            "--main-branch",
            "--branch",
            "feat-x",
            "--enable-pending",
            "--publish",
        )
        assert code == 0, report
        assert report["summary"]["pendingFailed"] == 1
        assert report["summary"]["failed"] == 0
        (failed,) = [i for i in report["pactVerification"]["interactions"] if i["result"] == "failed"]
        assert failed["description"] == "a request for product 42 with its colour"
        assert failed["pending"] is True
        assert failed["mismatches"][0]["message"] == "Actual map is missing the following keys: colour"
        assert any("pending state" in notice for notice in report["pactVerification"]["notices"])

        # without pending, the same failure blocks
        code, report = verify_from_broker(provider_url, broker, "2.1.1", "--branch", "feat-x")
        assert code == 1
        assert report["summary"]["failed"] == 1

        # WIP: only main is selected, the feature pact comes in as work in progress (pending)
        code, report = verify_from_broker(
            provider_url,
            broker,
            "2.1.2",
            "--main-branch",
            "--enable-pending",
            "--include-wip-pacts-since",
            "2020-01-01",
        )
        assert code == 0, report
        assert report["summary"]["pendingFailed"] == 1
        assert any("work in progress" in notice for notice in report["pactVerification"]["notices"])


def test_a_pact_url_as_a_webhook_hands_out(provider_url: str, broker: str) -> None:
    """`--pact <pact URL>` (what a contract_requiring_verification_published webhook passes on)."""
    with BrokerClient(broker) as client:
        pact_url = client.get_pact("OrdersApi", "OrderWeb", "1.0.0")["_links"]["self"]["href"]
    run = tether_verify(
        *provider_args(
            provider_url, "--pact", pact_url, "--broker-url", broker, "--provider-version", "2.0.3",
            "--provider-branch", "main", "--publish", "--format", "json",
        )
    )  # fmt: skip
    assert run.exit_code == 0, run.stdout + run.stderr
    report = json.loads(run.stdout)
    assert {i["consumer"] for i in report["pactVerification"]["interactions"]} == {"OrderWeb"}
    assert report["pactVerification"]["published"] is True
    answer = can_i_deploy(broker, "OrderWeb", "1.0.0", "2.0.3")
    assert answer.returncode == 0, answer.stdout + answer.stderr


def test_the_engine_reports_both_publications(provider_url: str, broker: str) -> None:
    """engine.run directly: pacts from the broker, results and provider contract published back."""
    access = BrokerOptions(url=broker)
    publish = PublishOptions(provider_version="4.0.0-engine", provider_branch="main")
    options = ProviderVerificationOptions(
        provider="OrdersApi",
        base_url=provider_url,
        provider_version="4.0.0-engine",
        replay=ReplayOptions(
            provider="OrdersApi",
            base_url=provider_url,
            broker=access,
            selection=SelectionOptions(
                consumer_version_selectors=(ConsumerVersionSelector(main_branch=True),)
            ),
            state_change_url=f"{provider_url}/_pact/provider-states",
            publish=publish,
            provider_branch="main",
        ),
        self_check=SelfCheckOptions(
            spec=str(SPEC), base_url=provider_url, max_examples=2, seed=3, phases=("examples",)
        ),
        publish=publish,
        broker=access,
    )
    events: list[Event] = []
    result = engine.run(options, events.append)

    assert events[0] == PhaseStarted(
        Phase.REPLAY, provider_url, None, provider="OrdersApi"
    )  # the broker decides how many
    replay_end = events.index(PhaseFinished(Phase.REPLAY, True, 10))
    assert events[replay_end - 1] == Published("verification results", True, "")
    assert events[-3:] == [
        PhaseStarted(Phase.PUBLISH, broker, 1),
        Published("provider contract", True, "OrdersApi 4.0.0-engine"),
        PhaseFinished(Phase.PUBLISH, True, 1),
    ]
    assert result.publications == (
        Publication("verification results", True, ""),
        Publication("provider contract", True, "OrdersApi 4.0.0-engine"),
    )
    assert result.exit_status == 0
    assert result.self_check is not None
    assert result.self_check.published
    rows = [r for r in matrix_rows(broker, "4.0.0-engine") if r.get("verificationResult")]
    assert {r["consumer"]["name"] for r in rows} == {"OrderWeb", "OrderMobile"}
