"""`tether verify provider --provider-messages-url URL`: message pacts written by pact-python, verified by
pact-python's Verifier against a real producer's HTTP message endpoint on loopback."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.mocking.messages.pacts import write_order_events
from tests.verifier.live.cli_runner import tether_verify

ORDER = {"id": 12, "ref": "0b7f5d3c-3c1e-4f0e-8a61-5c1f3b2a9e77", "lines": [{"sku": "B-2", "qty": 4}]}


class Producer(BaseHTTPRequestHandler):
    """The producer's message endpoint: builds the message a description names, as the application would."""

    messages: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    calls: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).calls.append(request)
        body, metadata = self.messages[request["description"]]
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Pact-Message-Metadata", base64.b64encode(json.dumps(metadata).encode()).decode())
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def producer() -> Iterator[tuple[str, type[Producer]]]:
    handler = type("OrderProducer", (Producer,), {"messages": {}, "calls": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", handler
    server.shutdown()
    server.server_close()


def _verify(url: str, pact: Path, report: Path) -> Any:
    return tether_verify(
        "provider",
        "--provider",
        "OrderEvents",
        "--provider-base-url",
        url,
        "--provider-messages-url",
        f"{url}/messages",
        "--pact",
        str(pact),
        "--format",
        "json",
        "--output",
        str(report),
    )


def test_a_producer_that_keeps_the_contract_is_verified(producer: Any, tmp_path: Path) -> None:
    url, handler = producer
    handler.messages.update(
        {
            "an order created event": (
                ORDER,
                {"routingKey": "orders.created", "contentType": "application/json"},
            ),
            "a stock query": ({"n": 5}, {"contentType": "application/json"}),
        }
    )
    report = tmp_path / "report.json"
    run = _verify(url, write_order_events(tmp_path, "V4"), report)
    assert run.exit_code == 0, run.stdout + run.stderr
    data = json.loads(report.read_text())
    results = {i["description"]: i["result"] for i in data["pactVerification"]["interactions"]}
    assert results == {"an order created event": "passed", "a stock query": "passed"}
    assert {
        "description": "an order created event",
        "providerStates": [{"name": "an order exists"}],
    } in handler.calls


def test_a_producer_that_breaks_the_contract_fails_with_the_mismatch(producer: Any, tmp_path: Path) -> None:
    url, handler = producer
    handler.messages["an order created event"] = ({**ORDER, "id": "12"}, {"routingKey": "orders.created"})
    report = tmp_path / "report.json"
    run = _verify(url, write_order_events(tmp_path, "V3"), report)
    assert run.exit_code == 1, run.stdout + run.stderr
    (interaction,) = json.loads(report.read_text())["pactVerification"]["interactions"]
    assert interaction["result"] == "failed"
    assert {(m["type"], m["path"]) for m in interaction["mismatches"]} >= {("BodyMismatch", "$.id")}
