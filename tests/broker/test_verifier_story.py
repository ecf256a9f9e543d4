"""pact-python's ``Verifier`` (the Rust verifier behind every FFI-based Pact library) against our broker:
``broker_source`` with consumer version selectors, pending and WIP pacts, results published with the
provider branch, and can-i-deploy turning from unknown to yes -- and to no for a broken provider.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select

from broker.db import Database
from broker.tables.selectables import VERIFICATION
from brokerclient.client import BrokerClient, ContractToPublish
from tests.broker.conftest import RunningBroker


def pact_for(item_matcher: dict[str, Any] | None, description: str) -> bytes:
    """A V3 pact: GET /orders/1 answers {"id": 1, "item": "widget"} (``item`` matched by type if asked)."""
    response: dict[str, Any] = {"status": 200, "body": {"id": 1, "item": "widget"}}
    if item_matcher:
        response["matchingRules"] = {"body": item_matcher}
    pact = {
        "consumer": {"name": "OrderWeb"},
        "provider": {"name": "OrdersApi"},
        "interactions": [
            {
                "description": description,
                "request": {"method": "GET", "path": "/orders/1"},
                "response": response,
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    return json.dumps(pact).encode()


class Provider:
    """A tiny provider on loopback; ``broken`` makes it answer ``"id": "one"``."""

    def __init__(self) -> None:
        self.broken = False
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = json.dumps({"id": "one" if provider.broken else 1, "item": "widget"}).encode()
                self.send_response(200 if self.path == "/orders/1" else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider() -> Iterator[Provider]:
    running = Provider()
    yield running
    running.close()


def run_verifier(broker_url: str, provider: Provider, version: str) -> tuple[bool, str]:
    from pact import Verifier

    verifier = (
        Verifier("OrdersApi", host="127.0.0.1")
        .add_transport(url=provider.url)
        .broker_source(broker_url, selector=True)
        .consumer_version(main_branch=True)
        .consumer_version(deployed_or_released=True)
        .include_pending()
        .include_wip_since("2020-01-01")
        .provider_branch("main")
        .build()
        .set_publish_options(version=version, branch="main", url=f"https://ci.example/builds/{version}")
    )
    try:
        verifier.verify()
    except RuntimeError:
        return False, verifier.output(strip_ansi=True)
    return True, verifier.output(strip_ansi=True)


def test_verifier_fetches_pending_and_wip_pacts_and_its_results_drive_can_i_deploy(
    broker: RunningBroker, provider: Provider, request: pytest.FixtureRequest
) -> None:
    client = BrokerClient(broker.url)
    request.addfinalizer(client.close)
    client.create_environment("production", production=True)
    client.create_or_update_pacticipant("OrderWeb", main_branch="main")
    client.create_or_update_pacticipant("OrdersApi", main_branch="main")
    main_pact = ContractToPublish("OrderWeb", "OrdersApi", pact_for(None, "a request for order 1"))
    client.publish_contracts("OrderWeb", "1.0.0", [main_pact], branch="main")
    wip_pact = ContractToPublish(
        "OrderWeb", "OrdersApi", pact_for({"$.item": {"matchers": [{"match": "type"}]}}, "order 1 (feature)")
    )
    client.publish_contracts("OrderWeb", "1.1.0", [wip_pact], branch="feat-x")
    client.record_deployment("OrderWeb", "1.0.0", "production")
    before = client.can_i_deploy("OrderWeb", "1.0.0", environment="production")
    assert before["summary"]["deployable"] is None
    assert before["summary"]["unknown"] == 1

    # a good provider: the main pact is pending (never verified), the feature pact is WIP
    ok, output = run_verifier(broker.url, provider, "2.0.0")
    assert ok, output
    assert "is being verified because the pact content belongs to the consumer version" in output
    assert "latest version from branch 'main' (1.0.0)" in output
    assert "is being verified because it is a 'work in progress' pact" in output
    assert "This pact is in pending state for this version of OrdersApi" in output

    db = Database(broker.database_url)
    request.addfinalizer(db.dispose)
    stored = db.read(
        lambda session: session.execute(
            select(
                VERIFICATION.c.success,
                VERIFICATION.c.wip,
                VERIFICATION.c.pending,
                VERIFICATION.c.provider_version_branch,
                VERIFICATION.c.build_url,
            ).order_by(VERIFICATION.c.id)
        ).all()
    )
    assert sorted(tuple(row) for row in stored) == [
        (True, False, True, "main", "https://ci.example/builds/2.0.0"),
        (True, True, True, "main", "https://ci.example/builds/2.0.0"),
    ]
    client.record_deployment("OrdersApi", "2.0.0", "production")
    after = client.can_i_deploy("OrderWeb", "1.0.0", environment="production")
    assert after["summary"] == {
        "deployable": True,
        "reason": "All required verification results are published and successful",
        "success": 1,
        "failed": 0,
        "unknown": 0,
    }
    [row] = after["matrix"]
    assert row["provider"]["version"]["number"] == "2.0.0"
    assert row["provider"]["version"]["branch"] == "main"
    assert row["verificationResult"]["success"] is True

    # the main pact is no longer pending: a broken provider fails the build and cannot be deployed
    provider.broken = True
    ok, output = run_verifier(broker.url, provider, "2.0.1")
    assert not ok
    assert (
        "This pact has previously been successfully verified by a version of OrdersApi from branch 'main'"
        in output
    )
    broken = client.can_i_deploy("OrdersApi", "2.0.1", environment="production")
    assert broken["summary"]["deployable"] is False
    assert broken["summary"]["failed"] == 1
    assert broken["summary"]["reason"] == (
        "The verification for the pact between the version of OrderWeb currently in production (1.0.0) "
        "and version 2.0.1 of OrdersApi failed"
    )
    failed_result = client.fetch(broken["matrix"][0]["verificationResult"]["_links"]["self"]["href"])
    assert failed_result["success"] is False
    assert failed_result["testResults"], "the verifier's per-interaction results are stored"
