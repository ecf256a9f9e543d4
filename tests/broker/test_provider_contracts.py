"""Bi-directional contracts in the broker: PactFlow's provider-contract publish endpoint, the static
cross-check of consumer pacts against the spec (run by the real checker found through the
``tether.contract_checkers`` entry point), the read resources, the matrix hook
``cross_check_results_for``, and two real clients: ``pact pactflow publish-provider-contract`` and
swagger-mock-validator's broker mode."""

from __future__ import annotations

import base64
import importlib.metadata
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import select

from broker import provider_contracts_checker
from broker.services import contract_checks
from broker.services import provider_contracts as service
from broker.tables.core import PactVersion, Version
from broker.tables.provider_contracts import ProviderContract, ProviderContractCheck
from tests.broker.webhook_receiver import ThreadBroker, broker_in_thread, wait_until, webhook_settings
from tests.support import REPO_ROOT, npm_tool

SPEC = REPO_ROOT / "examples" / "provider" / "openapi.yaml"
DRIFTED_SPEC = REPO_ROOT / "examples" / "provider_drifted" / "openapi.yaml"
WEB_PACT = REPO_ROOT / "examples" / "pacts" / "OrderWeb-OrdersApi.json"
MOBILE_PACT = REPO_ROOT / "examples" / "pacts" / "OrderMobile-OrdersApi.json"
PROVIDER = "OrdersApi"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[ThreadBroker]:
    with broker_in_thread(webhook_settings(f"sqlite:///{tmp_path / 'broker.db'}")) as running:
        yield running


@pytest.fixture
def broker_both(database_url: str) -> Iterator[tuple[ThreadBroker, httpx.Client]]:
    """The broker on SQLite and on PostgreSQL, with a client."""
    with (
        broker_in_thread(webhook_settings(database_url)) as running,
        httpx.Client(base_url=running.url, timeout=30) as http,
    ):
        yield running, http


@pytest.fixture
def client(broker: ThreadBroker) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=broker.url, timeout=30) as http:
        yield http


def publish_pact(client: httpx.Client, pact_file: Path, version: str, branch: str = "main") -> str:
    pact = json.loads(pact_file.read_text())
    consumer = pact["consumer"]["name"]
    body = {
        "pacticipantName": consumer,
        "pacticipantVersionNumber": version,
        "branch": branch,
        "contracts": [
            {
                "consumerName": consumer,
                "providerName": pact["provider"]["name"],
                "specification": "pact",
                "contentType": "application/json",
                "content": b64(pact_file.read_bytes()),
            }
        ],
    }
    response = client.post("/contracts/publish", json=body)
    assert response.status_code == 200, response.text
    return consumer


def contract_body(spec: Path, version: str, *, success: bool | None = True, **extra: Any) -> dict[str, Any]:
    contract: dict[str, Any] = {
        "content": b64(spec.read_bytes()),
        "contentType": "application/yaml",
        "specification": "oas",
    }
    if success is not None:
        contract["selfVerificationResults"] = {
            "success": success,
            "content": b64(b"schemathesis: 42 checks passed"),
            "contentType": "text/plain",
            "format": "text",
            "verifier": "schemathesis",
            "verifierVersion": "4.3",
        }
    return {
        "pacticipantVersionNumber": version,
        "branch": "main",
        "tags": ["prod"],
        "contract": contract,
        **extra,
    }


def checks(broker: ThreadBroker) -> list[ProviderContractCheck]:
    return broker.db.read(
        lambda s: list(s.exec(select(ProviderContractCheck).order_by(ProviderContractCheck.id)).all())
    )


def settled(broker: ThreadBroker, count: int) -> list[ProviderContractCheck]:
    return wait_until(
        lambda: (
            (rows := checks(broker))
            and len(rows) == count
            and all(r.status != "pending" for r in rows)
            and rows
        ),
        message=f"{count} computed cross-checks",
    )


def test_publish_checks_existing_pacts_and_exposes_the_results(
    broker_both: tuple[ThreadBroker, httpx.Client],
) -> None:
    broker, client = broker_both
    publish_pact(client, WEB_PACT, "1.0.0")
    response = client.post(
        f"/provider-contracts/provider/{PROVIDER}/publish",
        json=contract_body(SPEC, "3.0.0", buildUrl="https://ci.example/builds/7"),
        headers={"Accept": "application/hal+json, application/problem+json"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/hal+json")
    body = response.json()
    assert body["_embedded"]["version"]["number"] == "3.0.0"
    assert body["notices"][0] == {
        "type": "success",
        "text": "Provider contract for OrdersApi version 3.0.0 with branch main and tags prod published.",
    }
    assert {
        "type": "info",
        "text": "1 consumer pact(s) queued for the cross-contract check against this contract.",
    } in body["notices"]
    assert body["_links"]["pb:pacticipant-version-tags"] == [
        {
            "href": f"{broker.url}/pacticipants/OrdersApi/versions/3.0.0/tags/prod",
            "title": "Tag",
            "name": "prod",
        }
    ]
    assert (
        body["_links"]["pb:branch-version"]["href"]
        == f"{broker.url}/pacticipants/OrdersApi/branches/main/versions/3.0.0"
    )

    (contract,) = broker.db.read(lambda s: list(s.exec(select(ProviderContract)).all()))
    assert contract.content == SPEC.read_text()
    assert (contract.self_verification_success, contract.verifier, contract.build_url) == (
        True, "schemathesis", "https://ci.example/builds/7",
    )  # fmt: skip
    assert contract.self_verification_content == "schemathesis: 42 checks passed"

    (check,) = settled(broker, 1)
    assert (check.status, check.success, check.errors) == ("success", True, [])
    assert check.checker == "tether-openapi"

    results = client.get(
        f"/contracts/bi-directional/provider/{PROVIDER}/version/3.0.0/cross-contract-verification-results"
    ).json()
    assert results["summary"] == {"success": 1, "failure": 0, "unknown": 0}
    (pair,) = results["results"]
    assert pair["consumer"] == {"name": "OrderWeb", "versions": ["1.0.0"]}
    assert pair["verificationType"] == "BDCT"
    assert pair["summary"] == {"success": True}
    assert pair["crossContractVerificationResults"]["results"] == {"errors": [], "warnings": []}
    assert pair["providerContractVerificationResults"]["verifier"] == "schemathesis"

    sha = pair["pactVersionSha"]
    single = client.get(pair["_links"]["self"]["href"])
    assert single.status_code == 200
    assert single.json()["summary"] == {"success": True}
    assert pair["_links"]["self"]["href"] == (
        f"{broker.url}/contracts/provider/{PROVIDER}/version/3.0.0/consumer/OrderWeb/pact-version/{sha}/verification-results"
    )
    spec = client.get(f"/contracts/bi-directional/provider/{PROVIDER}/version/3.0.0/provider-contract").json()
    assert spec["content"] == SPEC.read_text()
    assert spec["providerVersion"] == {"number": "3.0.0", "branches": ["main"], "tags": ["prod"]}
    own = client.get(
        f"/contracts/bi-directional/provider/{PROVIDER}/version/3.0.0/provider-contract-verification-results"
    ).json()
    assert (own["success"], own["content"], own["format"]) == (True, "schemathesis: 42 checks passed", "text")
    version = client.get(f"/pacticipants/{PROVIDER}/versions/3.0.0").json()
    assert [t["name"] for t in version["_embedded"]["tags"]] == ["prod"]


def test_a_drifted_spec_fails_the_check_with_the_checkers_findings(
    broker: ThreadBroker, client: httpx.Client
) -> None:
    publish_pact(client, WEB_PACT, "1.0.0")
    assert (
        client.post(
            f"/provider-contracts/provider/{PROVIDER}/publish", json=contract_body(DRIFTED_SPEC, "4.0.0")
        ).status_code
        == 200
    )
    results = client.get(
        f"/contracts/bi-directional/provider/{PROVIDER}/version/4.0.0/cross-contract-verification-results"
    ).json()
    assert results["summary"] == {"success": 0, "failure": 1, "unknown": 0}
    (pair,) = results["results"]
    errors = pair["crossContractVerificationResults"]["results"]["errors"]
    assert sorted(e["code"] for e in errors) == [
        "response.body.incompatible",
        "response.body.incompatible",
        "response.status.unknown",
    ]
    assert all({"code", "message", "mockDetails", "specDetails"} <= set(e) for e in errors)
    assert pair["summary"] == {"success": False}
    (check,) = checks(broker)
    assert (check.status, check.success, len(check.errors)) == ("failure", False, 3)


def test_a_pact_published_later_is_checked_against_the_providers_contract(
    broker_both: tuple[ThreadBroker, httpx.Client],
) -> None:
    broker, client = broker_both
    assert (
        client.post(
            f"/provider-contracts/provider/{PROVIDER}/publish", json=contract_body(SPEC, "3.0.0")
        ).status_code
        == 200
    )
    assert checks(broker) == []
    publish_pact(client, MOBILE_PACT, "7.1.0")
    (check,) = settled(broker, 1)  # queued by contract_published, computed by the background worker
    assert check.status == "success"
    sha = broker.db.read(
        lambda s: s.exec(select(PactVersion.sha).where(PactVersion.id == check.pact_version_id)).one()
    )
    consumer = json.loads(MOBILE_PACT.read_text())["consumer"]["name"]
    pair = client.get(
        f"/contracts/provider/{PROVIDER}/version/3.0.0/consumer/{consumer}/pact-version/{sha}/verification-results"
    )
    assert pair.status_code == 200
    assert pair.json()["consumer"]["versions"] == ["7.1.0"]


def test_matrix_hook_combines_self_verification_and_cross_check(
    broker: ThreadBroker, client: httpx.Client
) -> None:
    publish_pact(client, WEB_PACT, "1.0.0")
    client.post(f"/provider-contracts/provider/{PROVIDER}/publish", json=contract_body(SPEC, "3.0.0"))
    client.post(
        f"/provider-contracts/provider/{PROVIDER}/publish", json=contract_body(SPEC, "3.1.0", success=False)
    )
    client.post(
        f"/provider-contracts/provider/{PROVIDER}/publish", json=contract_body(SPEC, "3.2.0", success=None)
    )
    settled(broker, 3)
    pact_version_ids = broker.db.read(lambda s: list(s.exec(select(PactVersion.id)).all()))
    rows = broker.db.read(lambda s: service.cross_check_results_for(s, pact_version_ids))
    numbers = dict(broker.db.read(lambda s: list(s.exec(select(Version.id, Version.number)).all())))
    verdicts = {
        numbers[row.provider_version_id]: (
            row.cross_check_success,
            row.self_verification_success,
            row.success,
        )
        for row in rows
    }
    assert verdicts == {
        "3.0.0": (True, True, True),
        "3.1.0": (True, False, False),
        "3.2.0": (True, None, None),
    }
    assert broker.db.read(lambda s: service.cross_check_results_for(s, [])) == []


@pytest.mark.parametrize(
    ("mutate", "field", "message"),
    [
        (lambda b: b.pop("pacticipantVersionNumber"), "pacticipantVersionNumber", "non-blank"),
        (lambda b: b["contract"].update(content="%%%"), "contract.content", "not valid base64"),
        (
            lambda b: b["contract"].update(content=b64(b"title: not a spec")),
            "contract.content",
            "not an OpenAPI document",
        ),
        (
            lambda b: b["contract"].update(content=b64(b"openapi: [unclosed")),
            "contract.content",
            "not valid YAML",
        ),
        (lambda b: b["contract"].update(specification="asyncapi"), "specification", "use 'oas'"),
        (lambda b: b["contract"].update(contentType="text/html"), "contract.contentType", "not supported"),
        (lambda b: b.pop("contract"), "contract", "contract is required"),
        (lambda b: b.update(tags="prod"), "tags", "list of strings"),
    ],
)
def test_bad_publications_are_400_and_store_nothing(
    broker: ThreadBroker, client: httpx.Client, mutate: Any, field: str, message: str
) -> None:
    body = contract_body(SPEC, "3.0.0")
    mutate(body)
    response = client.post(f"/provider-contracts/provider/{PROVIDER}/publish", json=body)
    assert response.status_code == 400, response.text
    errors = response.json()["errors"]
    assert field in errors, errors
    assert message in errors[field][0]
    assert broker.db.read(lambda s: list(s.exec(select(ProviderContract)).all())) == []


def test_legacy_put_publishes_too(broker: ThreadBroker, client: httpx.Client) -> None:
    body = {
        "content": b64(SPEC.read_bytes()),
        "contractType": "oas",
        "contentType": "application/yaml",
        "verificationResults": {
            "success": True,
            "content": b64(b"ok"),
            "contentType": "text/plain",
            "verifier": "dredd",
        },
    }
    response = client.put(f"/contracts/provider/{PROVIDER}/version/5.0.0", json=body)
    assert response.status_code == 201, response.text
    (contract,) = broker.db.read(lambda s: list(s.exec(select(ProviderContract)).all()))
    assert (contract.verifier, contract.self_verification_content) == ("dredd", "ok")


def test_without_a_checker_results_are_unknown_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    """The one place a checker is faked: entry-point discovery finds nothing."""
    provider_contracts_checker.load_checker.cache_clear()
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group=None: [])
    try:
        reason = provider_contracts_checker.load_checker("oas")
        assert isinstance(reason, str)
        assert "no 'openapi' checker is installed" in reason
        outcome = contract_checks._check(
            {}, SPEC.read_text(), "application/yaml", "oas", WEB_PACT.read_text()
        )
        assert (outcome.status, outcome.success) == ("unknown", None)
        assert outcome.failure_reason == reason
    finally:
        provider_contracts_checker.load_checker.cache_clear()
    bad = provider_contracts_checker.normalise({"errors": []}, checker="x", version=None)
    assert bad.status == "unknown"
    assert "without a boolean 'success'" in (bad.failure_reason or "")


def test_pactflow_cli_publishes_a_provider_contract(broker: ThreadBroker, tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_text("all 12 schemathesis checks passed\n")
    args = [
        str(npm_tool("pact")), "pactflow", "publish-provider-contract", str(SPEC),
        "--broker-base-url", broker.url, "--provider", PROVIDER, "--provider-app-version", "9.9.9",
        "--branch", "main", "--tag", "prod,rc", "--content-type", "application/yaml",
        "--verification-success", "--verification-results", str(report),
        "--verification-results-content-type", "text/plain", "--verification-results-format", "text",
        "--verifier", "schemathesis", "--verifier-version", "4.3.0", "--build-url", "https://ci.example/9",
    ]  # fmt: skip
    result = subprocess.run(
        args, capture_output=True, text=True, timeout=60, env={**os.environ, "PACT_DO_NOT_TRACK": "true"}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "Provider contract for OrdersApi version 9.9.9 with branch main and tags prod, rc published."
        in result.stdout
    )
    (contract,) = broker.db.read(lambda s: list(s.exec(select(ProviderContract)).all()))
    assert contract.content == SPEC.read_text()
    assert (contract.self_verification_success, contract.self_verification_content) == (
        True,
        report.read_text(),
    )
    assert (contract.verifier, contract.verifier_version, contract.build_url) == (
        "schemathesis",
        "4.3.0",
        "https://ci.example/9",
    )
    with httpx.Client(base_url=broker.url) as http:
        version = http.get(f"/pacticipants/{PROVIDER}/versions/9.9.9").json()
    assert sorted(t["name"] for t in version["_embedded"]["tags"]) == ["prod", "rc"]


def test_swagger_mock_validator_broker_mode_reads_our_pacts(
    broker: ThreadBroker, client: httpx.Client
) -> None:
    validator = npm_tool("swagger-mock-validator")
    publish_pact(client, WEB_PACT, "1.0.0")
    assert client.put("/pacticipants/OrderWeb/versions/1.0.0/tags/prod").status_code in (200, 201)
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true"}

    def run(spec: Path, *extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(validator), str(spec), broker.url, "--provider", PROVIDER, *extra],
            capture_output=True, text=True, timeout=120, env=env,
        )  # fmt: skip

    ok = run(SPEC)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "0 error(s)" in ok.stdout
    tagged = run(SPEC, "--tag", "prod")
    assert tagged.returncode == 0, tagged.stdout + tagged.stderr
    assert "0 error(s)" in tagged.stdout
    drifted = run(DRIFTED_SPEC)
    assert drifted.returncode == 1
    output = drifted.stdout + drifted.stderr
    assert "response.status.unknown" in output
    assert "response.body.incompatible" in output
    assert f"{broker.url}/pacts/provider/{PROVIDER}/consumer/OrderWeb/" in output


def test_checks_left_unknown_for_want_of_a_checker_are_requeued(
    broker: ThreadBroker, client: httpx.Client
) -> None:
    publish_pact(client, WEB_PACT, "1.0.0")
    worker = broker.app.state.background_worker
    worker.stop()
    client.post(f"/provider-contracts/provider/{PROVIDER}/publish", json=contract_body(SPEC, "3.0.0"))
    (check,) = checks(broker)

    def mark_unknown(session: Any) -> None:
        row = session.get(ProviderContractCheck, check.id)
        row.status, row.failure_reason, row.checker = "unknown", "no 'openapi' checker is installed", None
        session.add(row)

    broker.db.write(mark_unknown)
    assert broker.db.write(contract_checks.requeue_unchecked) == 1  # the real checker is installed
    worker.start()
    (done,) = settled(broker, 1)
    assert (done.status, done.checker) == ("success", "tether-openapi")


def _deploy_an_unchecked_provider_version(
    broker: ThreadBroker, client: httpx.Client, tmp_path: Path
) -> tuple[int, dict[int, str]]:
    """Contracts 1.0.0 (main), 2.0.0 and 3.0.0 (feature branches); a new pact is checked against the
    latest and the main head only; then 2.0.0 is deployed, which makes (new pact, 2.0.0) relevant."""
    publish_pact(client, WEB_PACT, "1.0.0")
    for version, branch in (("1.0.0", "main"), ("2.0.0", "feat-a"), ("3.0.0", "feat-b")):
        body = contract_body(SPEC, version)
        body["branch"] = branch
        assert client.post(f"/provider-contracts/provider/{PROVIDER}/publish", json=body).status_code == 200
    settled(broker, 3)
    smaller = json.loads(WEB_PACT.read_text())
    smaller["interactions"] = smaller["interactions"][:2]
    second = tmp_path / "OrderWeb-OrdersApi-v2.json"
    second.write_text(json.dumps(smaller))
    publish_pact(client, second, "2.0.0")
    rows = settled(broker, 5)
    numbers = dict(broker.db.read(lambda s: list(s.exec(select(Version.id, Version.number)).all())))
    newest = max(r.pact_version_id for r in rows)
    assert sorted(numbers[r.provider_version_id] for r in rows if r.pact_version_id == newest) == [
        "1.0.0",
        "3.0.0",
    ]
    environment = client.post("/environments", json={"name": "production", "production": True}).json()
    deployed = client.post(
        f"/pacticipants/{PROVIDER}/versions/2.0.0/deployed-versions/environment/{environment['uuid']}",
        json={},
    )
    assert deployed.status_code == 201, deployed.text
    return newest, numbers


def test_pairs_that_become_relevant_later_are_filled_in(
    broker: ThreadBroker, client: httpx.Client, tmp_path: Path
) -> None:
    newest, numbers = _deploy_an_unchecked_provider_version(broker, client, tmp_path)
    assert (
        broker.db.write(contract_checks.fill_missing_checks) == 1
    )  # the deployed 2.0.0 against the new pact
    assert broker.db.write(contract_checks.fill_missing_checks) == 0
    rows = settled(broker, 6)
    assert sorted(numbers[r.provider_version_id] for r in rows if r.pact_version_id == newest) == [
        "1.0.0", "2.0.0", "3.0.0",
    ]  # fmt: skip
    assert all(r.status == "success" for r in rows)


def test_the_worker_fills_in_missing_pairs_by_itself(tmp_path: Path) -> None:
    settings = webhook_settings(f"sqlite:///{tmp_path / 'b.db'}", extra={"webhook_gap_fill_seconds": "0.2"})
    with broker_in_thread(settings) as broker, httpx.Client(base_url=broker.url, timeout=30) as client:
        newest, numbers = _deploy_an_unchecked_provider_version(broker, client, tmp_path)
        rows = settled(broker, 6)
    assert sorted(numbers[r.provider_version_id] for r in rows if r.pact_version_id == newest) == [
        "1.0.0", "2.0.0", "3.0.0",
    ]  # fmt: skip
    assert all(r.status == "success" for r in rows)
