"""Real pacts written by pact-python 4.x (the Rust core) and pact-js 16 round-trip exactly, and every
interaction's own example satisfies its expectations once it has gone through bytes on the wire."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from contracts.generators import generate_message, generate_request, generate_response
from contracts.hashing import pact_version_sha
from contracts.matching import compile_message, compile_request, compile_response
from contracts.model import (
    AsyncMessage,
    HttpInteraction,
    Pact,
    SyncMessage,
    actual_message,
    actual_request,
    actual_response,
)
from contracts.pactfile import load_pact, loads_pact, parse_body
from contracts.pactwriter import dump_message_part, dump_pact, dump_request, dump_response, dumps_pact
from tests.support import REPO_ROOT, need, npm_tool

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
NODE_MODULES = REPO_ROOT / ".cache" / "npm-tools" / "node_modules"


def _write_python_pacts(out: Path, spec: str) -> None:
    from pact import Pact as PactBuilder
    from pact import match

    pact = PactBuilder("PyConsumer", f"PyProvider{spec}").with_specification(spec)
    (
        pact.upon_receiving("get order")
        .given("an order", id=7)
        .with_request("GET", "/orders/7")
        .with_query_parameter("expand", "lines")
        .with_header("Accept", "application/json")
        .will_respond_with(200)
        .with_header("Content-Type", "application/json")
        .with_body(
            {
                "id": match.int(7),
                "ref": match.regex("AB-12", regex=r"[A-Z]{2}-\d+"),
                "lines": match.each_like({"sku": match.str("A-1"), "qty": match.int(1, min=1)}),
                "created": match.datetime("2024-01-01T00:00:00", format="%Y-%m-%dT%H:%M:%S"),
                "total": match.decimal(9.5),
            }
        )
    )
    (
        pact.upon_receiving("create order")
        .with_request("POST", "/orders")
        .with_body({"sku": "A-1"}, "application/json")
        .will_respond_with(201)
        .with_body("<ok/>", "application/xml")
    )
    (
        pact.upon_receiving("get label")
        .with_request("GET", "/label")
        .will_respond_with(200)
        .with_binary_body(PNG, "image/png")
    )
    with pact.serve(addr="127.0.0.1") as server:
        base = str(server.url).rstrip("/")
        assert (
            httpx.get(f"{base}/orders/7?expand=lines", headers={"Accept": "application/json"}).status_code
            == 200
        )
        assert httpx.post(f"{base}/orders", json={"sku": "A-1"}).status_code == 201
        assert httpx.get(f"{base}/label").content == PNG
        pact.write_file(out)

    events = PactBuilder("PyConsumer", f"PyEvents{spec}").with_specification(spec)
    (
        events.upon_receiving("an order event", "Async")
        .given("an order", {"id": 1})
        .with_body({"id": match.int(1), "note": match.str("x")}, "application/json")
        .with_metadata({"topic": "orders"})
    )
    received: list[Any] = []
    if spec == "V4":
        (
            events.upon_receiving("stock query", "Sync")
            .with_body({"sku": "A"}, "application/json", part="Request")
            .will_respond_with()
            .with_body({"n": match.int(1)}, "application/json", part="Response")
        )
        events.verify(lambda body, metadata: received.append(body), "Sync")
    events.verify(lambda body, metadata: received.append(body), "Async")
    assert received
    events.write_file(out)


@pytest.fixture(scope="module")
def python_pacts(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("pact-python")
    _write_python_pacts(out, "V3")
    _write_python_pacts(out, "V4")
    return sorted(out.glob("*.json"))


@pytest.fixture(scope="module")
def js_pacts(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    npm_tool("pact")
    need((NODE_MODULES / "@pact-foundation" / "pact").is_dir(), "@pact-foundation/pact is not installed")
    out = tmp_path_factory.mktemp("pact-js")
    run = subprocess.run(
        ["node", str(Path(__file__).with_name("pactjs_writer.cjs")), str(out)],
        env={**os.environ, "PACT_DO_NOT_TRACK": "true", "NODE_PATH": str(NODE_MODULES)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return sorted(out.glob("*.json"))


def _check_round_trip(path: Path) -> Pact:
    original = json.loads(path.read_text())
    pact = load_pact(path)
    assert dump_pact(pact) == original
    again = loads_pact(dumps_pact(pact))
    assert again == pact
    assert pact_version_sha(again) == pact_version_sha(original)
    return pact


def _check_examples_match(pact: Pact) -> int:
    """Each interaction's example, serialised to bytes and decoded again, matches its expectations."""
    checked = 0
    version = pact.spec_version
    for interaction in pact.interactions:
        if isinstance(interaction, HttpInteraction):
            request, response = interaction.request, interaction.response
            body = request.body.to_bytes() if request.body else None
            actual = actual_request(
                request.method,
                request.path,
                request.query,
                request.header_values(),
                body,
                request.content_type(),
                spec_version=version,
            )
            assert compile_request(request, version).match(actual) == [], interaction.description
            body = response.body.to_bytes() if response.body else None
            actual = actual_response(
                response.status, response.header_values(), body, response.content_type(), spec_version=version
            )
            assert compile_response(response, version).match(actual) == [], interaction.description
        elif isinstance(interaction, AsyncMessage):
            contents = interaction.contents.to_bytes() if interaction.contents else None
            actual = actual_message(
                contents, interaction.metadata, interaction.content_type(), spec_version=version
            )
            assert compile_message(interaction, version).match(actual) == [], interaction.description
        elif isinstance(interaction, SyncMessage):
            part = interaction.request
            contents = part.contents.to_bytes() if part.contents else None
            actual = actual_message(contents, part.metadata, part.content_type(), spec_version=version)
            assert compile_message(part, version).match(actual) == []
        checked += 1
    return checked


def _wire(body: Any, version: str, content_type: str | None) -> bytes | None:
    """The bytes of a pact-file body of ``version``."""
    return None if body is None else parse_body(body, version, content_type).to_bytes()


def _check_generated_parts_match(pact: Pact) -> int:
    """Requests generated for the provider (ProviderState generators resolved from the interaction's
    provider-state parameters) and responses and messages generated for the consumer satisfy the pact."""
    checked = 0
    version = pact.spec_version
    for interaction in pact.interactions:
        values = {k: v for state in interaction.provider_states for k, v in (state.params or {}).items()}
        if isinstance(interaction, HttpInteraction):
            expected = dump_request(interaction.request, version)
            generated = generate_request(expected, version, provider_state=values)
            content_type = interaction.request.content_type()
            actual = actual_request(
                generated["method"],
                generated["path"],
                generated.get("query"),
                generated.get("headers"),
                _wire(generated.get("body"), version, content_type),
                content_type,
                spec_version=version,
            )
            assert compile_request(interaction.request, version).match(actual) == [], interaction.description
            expected = dump_response(interaction.response, version)
            generated = generate_response(expected, version, mock_server_url="http://127.0.0.1:1234")
            content_type = interaction.response.content_type()
            body = _wire(generated.get("body"), version, content_type)
            actual = actual_response(
                generated["status"], generated.get("headers"), body, content_type, spec_version=version
            )
            assert compile_response(interaction.response, version).match(actual) == [], (
                interaction.description
            )
        elif isinstance(interaction, AsyncMessage):
            expected = dump_message_part(interaction.message_part(), version)
            generated = generate_message(expected, version)
            content_type = interaction.content_type()
            actual = actual_message(
                _wire(generated.get("contents"), version, content_type),
                interaction.metadata,
                content_type,
                spec_version=version,
            )
            assert compile_message(interaction, version).match(actual) == [], interaction.description
        else:
            continue
        checked += 1
    return checked


def test_pact_python_pacts_round_trip(python_pacts: list[Path]) -> None:
    names = [path.name for path in python_pacts]
    assert names == [
        "PyConsumer-PyEventsV3.json",
        "PyConsumer-PyEventsV4.json",
        "PyConsumer-PyProviderV3.json",
        "PyConsumer-PyProviderV4.json",
    ]
    pacts = {path.name: _check_round_trip(path) for path in python_pacts}
    v3_events = pacts["PyConsumer-PyEventsV3.json"]
    assert v3_events.spec_version == "3"
    assert [i.interaction_type for i in v3_events.interactions] == ["Asynchronous/Messages"]
    v4_events = pacts["PyConsumer-PyEventsV4.json"]
    assert sorted(i.interaction_type for i in v4_events.interactions) == [
        "Asynchronous/Messages",
        "Synchronous/Messages",
    ]
    v4_http = pacts["PyConsumer-PyProviderV4.json"]
    label = next(i for i in v4_http.http_interactions if i.description == "get label")
    assert label.response.body is not None
    assert label.response.body.to_bytes() == PNG
    order = next(
        i for i in pacts["PyConsumer-PyProviderV3.json"].http_interactions if i.description == "get order"
    )
    assert order.provider_states[0].params == {"id": 7}
    assert order.request.query == {"expand": ["lines"]}
    assert sum(_check_examples_match(pact) for pact in pacts.values()) == 9
    assert sum(_check_generated_parts_match(pact) for pact in pacts.values()) == 8


@pytest.mark.npm
def test_pact_js_pacts_round_trip(js_pacts: list[Path]) -> None:
    names = [path.name for path in js_pacts]
    assert names == [
        "JsConsumer-JsEventsV3.json",
        "JsConsumer-JsProviderV3.json",
        "JsConsumer-JsProviderV4.json",
    ]
    pacts = {path.name: _check_round_trip(path) for path in js_pacts}
    v3 = pacts["JsConsumer-JsProviderV3.json"]
    assert v3.spec_version == "3"
    get_order = next(i for i in v3.http_interactions if i.description == "get order 7")
    assert get_order.request.query == {"expand": ["lines", "totals"]}
    assert get_order.response.generators["body"]["$.id"]["type"] == "ProviderState"
    xml = next(i for i in v3.http_interactions if i.description == "create an order from XML")
    assert xml.request.body is not None
    assert xml.request.body.content == "<order><sku>A-1</sku></order>"
    v4 = pacts["JsConsumer-JsProviderV4.json"]
    assert sorted(i.interaction_type for i in v4.interactions) == [
        "Asynchronous/Messages",
        "Synchronous/HTTP",
        "Synchronous/HTTP",
        "Synchronous/Messages",
    ]
    commented = next(i for i in v4.http_interactions if i.description == "get order 7 (v4)")
    assert commented.comments == {"text": ["checked by the round-trip test"]}
    assert commented.pending is False
    image = next(i for i in v4.http_interactions if i.description == "get a label image")
    assert image.response.body is not None
    assert image.response.body.encoding == "base64"
    assert sum(_check_examples_match(pact) for pact in pacts.values()) == 7
    assert sum(_check_generated_parts_match(pact) for pact in pacts.values()) == 6


@pytest.mark.parametrize(
    "path", sorted((REPO_ROOT / "examples" / "pacts").glob("*.json")), ids=lambda p: p.name
)
def test_example_project_pacts(path: Path) -> None:
    pact = _check_round_trip(path)
    assert _check_examples_match(pact) == len(pact.interactions)
    assert _check_generated_parts_match(pact) == len(pact.interactions)
