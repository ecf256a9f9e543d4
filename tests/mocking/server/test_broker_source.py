"""Verified pacts from a real broker (`tether broker serve` on SQLite): every selector, verified-only
by default, and the mock server's hot reload when a pact becomes verified."""

from __future__ import annotations

import copy
import json
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

import mocking.audit.plugin  # noqa: F401  (see tests/mocking/fixtures/test_audit.py)
from brokerclient.client import BrokerClient, ContractToPublish
from brokerclient.connection import BrokerConnection
from brokerclient.contract_source import BrokerSource, ContractSet, load_from_broker
from brokerclient.selection import Selection
from tests.mocking.conftest import PACTS, MockServer
from tests.support import free_port, running_process, tether_executable

WEB = json.loads((PACTS / "web-orders.json").read_text())


def web_feature_pact() -> dict[str, Any]:
    document = copy.deepcopy(WEB)
    document["interactions"][2]["response"]["body"][0]["status"] = "feature"
    return document


def mobile_pact(description: str) -> dict[str, Any]:
    return {
        "consumer": {"name": "Mobile"},
        "provider": {"name": "OrdersApi"},
        "interactions": [
            {
                "description": description,
                "request": {"method": "GET", "path": "/products"},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": [{"id": 1}],
                },
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


@dataclass
class SeededBroker:
    url: str
    client: BrokerClient

    def verify(self, consumer: str, version: str, *, success: bool = True) -> None:
        pact = self.client.get_pact("OrdersApi", consumer, version)
        href = pact["_links"]["pb:publish-verification-results"]["href"]
        self.client.publish_verification_result(
            href, {"success": success, "providerApplicationVersion": "p1"}
        )


def _publish(
    client: BrokerClient, consumer: str, version: str, document: dict[str, Any], **kwargs: Any
) -> None:
    contract = ContractToPublish(consumer, "OrdersApi", json.dumps(document).encode())
    client.publish_contracts(consumer, version, [contract], **kwargs)


def _environment(client: BrokerClient, name: str) -> str:
    created = client.request(
        "POST", "/environments", json_body={"name": name, "production": name == "production"}
    )
    return str(created["uuid"])


@pytest.fixture(scope="module")
def seeded_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededBroker]:
    """Web 1 (main, tag prod, verified), Web 2 (feature-x, unverified), Mobile m1 (main, deployed to
    production, verified), Mobile m2 (release-2, released in staging, verification failed)."""
    folder = tmp_path_factory.mktemp("broker")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [*tether_executable(), "broker", "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--database-url", f"sqlite:///{folder / 'broker.db'}", "--log-level", "warning"]
    with (
        running_process(command, ready_url=f"{url}/diagnostic/status/heartbeat", cwd=folder),
        BrokerClient(url) as client,
    ):
        for name in ("Web", "Mobile", "OrdersApi"):
            client.create_or_update_pacticipant(name, main_branch="main")
        _publish(client, "Web", "1", WEB, branch="main", tags=["prod"])
        _publish(client, "Web", "2", web_feature_pact(), branch="feature-x")
        _publish(client, "Mobile", "m1", mobile_pact("list products"), branch="main")
        _publish(client, "Mobile", "m2", mobile_pact("list products (v2)"), branch="release-2")
        seeded = SeededBroker(url, client)
        seeded.verify("Web", "1")
        seeded.verify("Mobile", "m1")
        seeded.verify("Mobile", "m2", success=False)
        production = _environment(client, "production")
        staging = _environment(client, "staging")
        client.request(
            "POST",
            f"/pacticipants/Mobile/versions/m1/deployed-versions/environment/{production}",
            json_body={},
        )
        client.request(
            "POST", f"/pacticipants/Mobile/versions/m2/released-versions/environment/{staging}", json_body={}
        )
        yield seeded


def served(result: ContractSet) -> list[tuple[str, str | None]]:
    return sorted((p.consumer, p.consumer_version) for p in result.pacts)


def skipped(result: ContractSet) -> list[str | None]:
    return sorted(s.consumer for s in result.skipped)


def test_default_selectors_serve_verified_pacts_and_explain_the_skip(seeded_broker: SeededBroker) -> None:
    result = load_from_broker(BrokerSource(BrokerConnection(seeded_broker.url)), "OrdersApi")
    assert served(result) == [("Mobile", "m1"), ("Web", "1")]
    assert skipped(result) == ["Mobile"]
    reason = result.skipped[0].reason
    assert reason.startswith("never successfully verified by OrdersApi (pending); selected as: ")
    assert "--include-unverified" in reason
    web = next(p for p in result.pacts if p.consumer == "Web")
    assert web.reason.startswith("verified")
    assert "provider version p1" in web.reason
    lines = "\n".join(result.describe())
    assert "serving  Web 1: 4 HTTP interaction(s)" in lines
    assert "skipped  Mobile:" in lines


def test_branch_selector_skips_unverified_unless_asked(seeded_broker: SeededBroker) -> None:
    source = BrokerSource(BrokerConnection(seeded_broker.url), Selection(branches=("feature-x",)))
    verified_only = load_from_broker(source, "OrdersApi")
    assert served(verified_only) == []
    assert skipped(verified_only) == ["Web"]
    everything = load_from_broker(source, "OrdersApi", verified_only=False)
    assert served(everything) == [("Web", "2")]
    assert everything.pacts[0].reason.startswith("UNVERIFIED (served because of --include-unverified)")
    assert everything.pacts[0].pact.http_interactions[2].response.body is not None


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ({"main_branch": True}, [("Mobile", "m1"), ("Web", "1")]),
        ({"main_branch": True, "consumers": ("Web",)}, [("Web", "1")]),
        ({"tags": ("prod",)}, [("Web", "1")]),
        ({"environments": ("production",), "deployed": True}, [("Mobile", "m1")]),
        ({"deployed": True}, [("Mobile", "m1")]),
        ({"released": True}, []),
        ({"environments": ("staging",)}, []),
    ],
)
def test_selectors(
    seeded_broker: SeededBroker, source: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    assert (
        served(
            load_from_broker(
                BrokerSource(BrokerConnection(seeded_broker.url), Selection(**source)), "OrdersApi"
            )
        )
        == expected
    )


def test_released_selector_with_unverified_pacts(seeded_broker: SeededBroker) -> None:
    result = load_from_broker(
        BrokerSource(BrokerConnection(seeded_broker.url), Selection(released=True)),
        "OrdersApi",
        verified_only=False,
    )
    assert served(result) == [("Mobile", "m2")]


def test_unknown_provider_is_a_clear_error(seeded_broker: SeededBroker) -> None:
    from brokerclient.errors import ContractSourceError

    with pytest.raises(ContractSourceError, match="knows no provider named 'Nope'"):
        load_from_broker(BrokerSource(BrokerConnection(seeded_broker.url)), "Nope")


def test_pytest_fixtures_and_audit_read_verified_pacts_from_the_broker(
    seeded_broker: SeededBroker, pytester: pytest.Pytester
) -> None:
    pytester.makepyfile(
        """
import httpx, pytest, respx

@pytest.mark.tether_mock("OrdersApi", base_url="http://orders.test")
def test_fixture_from_broker(tether_mock):
    assert httpx.get("http://orders.test/products").json() == [{"id": 1}]
    assert sorted(p.consumer for p in tether_mock.contracts.pacts) == ["Mobile", "Web"]

def test_hand_written_mock():
    with respx.mock:
        respx.get("http://orders.test/products").respond(200, json={"id": 1})
        httpx.get("http://orders.test/products")
"""
    )
    result = pytester.runpytest(
        "-p",
        "no:cacheprovider",
        f"--tether-broker-url={seeded_broker.url}",
        f"--tether-audit=OrdersApi={seeded_broker.url}",
    )
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            f"contract: OrdersApi: 2 verified pact(s) from {seeded_broker.url} (1 skipped)",
            "  skipped pact *: never successfully verified by OrdersApi (pending)*",
            "DRIFT *::test_hand_written_mock",
            "    x response.body.incompatible at response.body: Response body differs from the verified pact: "
            "Type mismatch: Expected * (Object) to be the same type as * (Array)*",
            "      according to pact Mobile: list products",
        ]
    )


def test_pytest_mocks_fall_back_to_the_latest_verified_pact(
    seeded_broker: SeededBroker, pytester: pytest.Pytester
) -> None:
    """Web 2 (feature-x) is not verified: the fixture serves Web 1, the latest verified, and says why."""
    pytester.makepyfile(
        """
import httpx, pytest

@pytest.mark.tether_mock("OrdersApi", base_url="http://orders.test", consumer="Web")
def test_fallback(tether_mock):
    [served] = tether_mock.contracts.pacts
    assert (served.consumer, served.consumer_version) == ("Web", "1")
    assert httpx.get("http://orders.test/orders", params={"status": "open"}).status_code == 200
    assert False, "show the header"
"""
    )
    result = pytester.runpytest(
        "-p", "no:cacheprovider", f"--tether-broker-url={seeded_broker.url}", "--tether-branch=feature-x"
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*Captured tether_mock OrdersApi setup*",
            "  serving  Web 1: * HTTP interaction(s) from * (FALLBACK: the newest selected pact of Web is not "
            "verified yet, so its latest verified one is served (consumer version 1, verified by provider "
            "version p1))",
            "  skipped  Web: *: never successfully verified by OrdersApi (pending)*",
        ]
    )


def orders_spec() -> str:
    """The audit tests' spec, served from / and with any order status (the pact here uses "bdct")."""
    text = (Path(__file__).parent.parent / "fixtures" / "orders-openapi.yaml").read_text()
    text = text.replace("servers:\n  - url: https://orders.test/api\n", "")
    return text.replace("status: {type: string, enum: [open, shipped]}", "status: {type: string}")


def test_a_pact_that_passed_the_static_openapi_check_counts_as_verified(seeded_broker: SeededBroker) -> None:
    import base64

    document = web_feature_pact()
    document["interactions"][2]["response"]["body"][0]["status"] = "bdct"
    _publish(seeded_broker.client, "Web", "3", document, branch="bdct")
    source = BrokerSource(BrokerConnection(seeded_broker.url), Selection(branches=("bdct",)))
    assert served(load_from_broker(source, "OrdersApi")) == []
    seeded_broker.client.request(
        "POST",
        "/provider-contracts/provider/OrdersApi/publish",
        json_body={
            "pacticipantVersionNumber": "p2",
            "branch": "main",
            "contract": {
                "content": base64.b64encode(orders_spec().encode()).decode(),
                "specification": "oas",
                "contentType": "application/yaml",
                "selfVerificationResults": {
                    "success": True,
                    "content": base64.b64encode(b"ok").decode(),
                    "contentType": "text/plain",
                    "format": "text",
                    "verifier": "tether-tests",
                },
            },
        },
    )
    result = load_from_broker(source, "OrdersApi")
    # the broker runs the static check in the background: wait until the matrix has its outcome
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        rows = seeded_broker.client.matrix("q[][pacticipant]=Web&q[][version]=3&q[][pacticipant]=OrdersApi")[
            "matrix"
        ]
        if any((row.get("verificationResult") or {}).get("success") is not None for row in rows):
            break
        time.sleep(0.2)
    result = load_from_broker(source, "OrdersApi")
    assert served(result) == [("Web", "3")]
    assert result.pacts[0].reason.startswith("verified: static OpenAPI check by provider version p2: success")


def test_audit_uses_the_provider_contract_published_to_the_broker(
    seeded_broker: SeededBroker, pytester: pytest.Pytester
) -> None:
    """Runs after the static-check test, which published OrdersApi's OpenAPI document as version p2."""
    pytester.makepyfile(
        """
import requests

def test_hand_written(requests_mock):
    requests_mock.get("http://orders.test/orders/latest", json={"id": 1, "status": "open", "total": 1.0, "items": []})
    requests.get("http://orders.test/orders/latest")
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider", f"--tether-audit=OrdersApi={seeded_broker.url}")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            f"contract: OrdersApi: OpenAPI {seeded_broker.url} (provider contract of OrdersApi p2) + * verified pact(s)*",
            "DRIFT *::test_hand_written",
            "    x request.path-or-method.unknown at request.path: Path or method not defined in spec file: "
            "GET /orders/latest (path parameter 'orderId': must be integer)",
        ]
    )


def test_mock_server_from_the_broker_reloads_when_a_pact_gets_verified(
    seeded_broker: SeededBroker, mock_server: MockServer
) -> None:
    refused = subprocess.run(
        [
            *tether_executable(),
            "mock",
            "serve",
            "--provider",
            "OrdersApi",
            "--broker-url",
            seeded_broker.url,
            "--branch",
            "feature-x",
            "--port",
            str(free_port()),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode == 2
    assert "skipped  Web: " in refused.stderr
    assert "never successfully verified by OrdersApi" in refused.stderr
    with mock_server("--broker-url", seeded_broker.url, "--branch", "feature-x", "--allow-empty") as url:
        before = httpx.get(f"{url}/orders", params={"status": "open"})
        assert before.status_code == 404
        assert "serves no interactions" in before.json()["hints"][0]
        seeded_broker.verify("Web", "2")
        reload = httpx.post(
            f"{url}/__tether/webhook", json={"event": "provider_verification_published"}
        ).json()
        assert reload["changed"] is True
        after = httpx.get(f"{url}/orders", params={"status": "open"})
        assert after.status_code == 200
        assert after.json()[0]["status"] == "feature"


def test_default_selection_serves_over_http(
    seeded_broker: SeededBroker, mock_server: MockServer, tmp_path: Path
) -> None:
    with mock_server("--broker-url", seeded_broker.url) as url:
        products = httpx.get(f"{url}/products")
        status = httpx.get(f"{url}/__tether/").json()
    assert products.status_code == 200
    assert products.json() == [{"id": 1}]
    assert sorted(p["consumer"] for p in status["served"]["pacts"]) == ["Mobile", "Web"]
    assert status["served"]["skipped"][0]["consumer"] == "Mobile"


def test_a_later_failing_verification_does_not_hide_the_successful_one(seeded_broker: SeededBroker) -> None:
    """The reason names the provider version that verified the content, not a later one that failed."""
    client = seeded_broker.client
    document = copy.deepcopy(WEB)
    document["provider"] = {"name": "BillingApi"}
    document["consumer"] = {"name": "Kiosk"}
    client.publish_contracts(
        "Kiosk",
        "k1",
        [ContractToPublish("Kiosk", "BillingApi", json.dumps(document).encode())],
        branch="main",
    )
    pact = client.get_pact("BillingApi", "Kiosk", "k1")
    href = pact["_links"]["pb:publish-verification-results"]["href"]
    client.publish_verification_result(href, {"success": True, "providerApplicationVersion": "b1"})
    client.publish_verification_result(href, {"success": False, "providerApplicationVersion": "b2-broken"})
    result = load_from_broker(BrokerSource(BrokerConnection(seeded_broker.url)), "BillingApi")
    assert served(result) == [("Kiosk", "k1")]
    assert result.pacts[0].reason.startswith("verified: verification by provider version b1: success")
