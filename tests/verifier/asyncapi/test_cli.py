"""`tether verify asyncapi` (and `tether verify openapi` handing AsyncAPI on) over pacts written by
pact-python 4 (V3 messages, V4 asynchronous and synchronous messages)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from verifier.cli import verify_group

os.environ.setdefault("PACT_DO_NOT_TRACK", "true")

ASYNCAPI_3 = {
    "asyncapi": "3.0.0",
    "info": {"title": "Orders", "version": "1"},
    "channels": {
        "orderEvents": {
            "address": "orders",
            "messages": {
                "OrderCreated": {
                    "name": "OrderCreated",
                    "payload": {"$ref": "#/components/schemas/Order"},
                    "headers": {"type": "object", "properties": {"traceId": {"type": "string"}}},
                }
            },
        },
        "stock": {
            "address": "stock",
            "messages": {
                "StockQuery": {
                    "payload": {
                        "type": "object",
                        "required": ["sku"],
                        "properties": {"sku": {"type": "string"}},
                    }
                },
                "StockLevel": {"payload": {"type": "object", "properties": {"n": {"type": "integer"}}}},
            },
        },
    },
    "operations": {
        "onOrderCreated": {
            "action": "receive",
            "channel": {"$ref": "#/channels/orderEvents"},
            "messages": [{"$ref": "#/channels/orderEvents/messages/OrderCreated"}],
        },
        "queryStock": {
            "action": "send",
            "channel": {"$ref": "#/channels/stock"},
            "messages": [{"$ref": "#/channels/stock/messages/StockQuery"}],
            "reply": {
                "channel": {"$ref": "#/channels/stock"},
                "messages": [{"$ref": "#/channels/stock/messages/StockLevel"}],
            },
        },
    },
    "components": {
        "schemas": {
            "Order": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "integer"}, "note": {"type": "string"}},
            }
        }
    },
}

ASYNCAPI_2 = {
    "asyncapi": "2.6.0",
    "info": {"title": "Orders", "version": "1"},
    "channels": {
        "orders": {
            "subscribe": {
                "operationId": "onOrderCreated",
                "message": {"oneOf": [{"$ref": "#/components/messages/OrderCreated"}]},
            }
        }
    },
    "components": {
        "messages": {
            "OrderCreated": {
                "messageId": "OrderCreated",
                "payload": {
                    "type": "object",
                    "properties": {"id": {"type": "integer"}, "note": {"type": "string"}},
                },
            }
        }
    },
}


def _write_pacts(out: Path, spec: str, note: Any) -> Path:
    """A pact written by pact-python: an order event routed by its topic (metadata) and, in V4, a stock
    query referencing its operation with a reply."""
    from pact import Pact as PactBuilder
    from pact import match

    events = PactBuilder("Shop", f"Orders{spec}").with_specification(spec)
    (
        events.upon_receiving("an order event", "Async")
        .given("an order", {"id": 1})
        .with_body({"id": match.int(1), "note": note}, "application/json")
        .with_metadata({"topic": "orders", "traceId": "t-1"})
    )
    if spec == "V4":
        (
            events.upon_receiving("stock query", "Sync")
            .set_comment("references", {"AsyncAPI": {"operationId": "queryStock"}})
            .with_body({"sku": "A"}, "application/json", part="Request")
            .will_respond_with()
            .with_body({"n": match.int(3)}, "application/json", part="Response")
        )
        events.verify(lambda body, metadata: None, "Sync")
    events.verify(lambda body, metadata: None, "Async")
    events.write_file(out)
    return out / f"Shop-Orders{spec}.json"


def _run(*args: Any) -> Any:
    return CliRunner().invoke(verify_group, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def spec3(tmp_path: Path) -> Path:
    path = tmp_path / "asyncapi.yaml"
    path.write_text(yaml.safe_dump(ASYNCAPI_3), encoding="utf-8")
    return path


@pytest.mark.parametrize("spec", ["V3", "V4"])
def test_pact_python_message_pacts_are_compatible(tmp_path: Path, spec3: Path, spec: str) -> None:
    pact = _write_pacts(tmp_path, spec, "x")
    result = _run("asyncapi", spec3, pact, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"success": True, "errors": [], "warnings": []}


@pytest.mark.parametrize("spec", ["V3", "V4"])
def test_an_incompatible_payload_names_the_pact_and_spec_locations(
    tmp_path: Path, spec3: Path, spec: str
) -> None:
    pact = _write_pacts(tmp_path, spec, 42)
    result = _run("asyncapi", spec3, pact, "--format", "json")
    assert result.exit_code == 1, result.output
    (error,) = json.loads(result.output)["errors"]
    assert error["code"] == "message.no.match"
    assert error["specDetails"]["location"] == "[root].operations.onOrderCreated.messages"
    (cause,) = error["causes"]
    base = "[root].interactions[0].contents.content" if spec == "V4" else "[root].messages[0].contents"
    assert cause["code"] == "message.payload.incompatible"
    assert cause["message"].endswith("must be string")
    assert cause["mockDetails"]["location"] == f"{base}.note"
    assert cause["mockDetails"]["value"] == 42
    assert cause["mockDetails"]["interactionState"] == "an order"
    assert cause["specDetails"]["location"] == "[root].components.schemas.Order.properties.note.type"


def test_a_reply_that_breaks_the_spec_is_reported(tmp_path: Path) -> None:
    document = json.loads(json.dumps(ASYNCAPI_3))
    document["channels"]["stock"]["messages"]["StockLevel"]["payload"]["properties"]["n"] = {"type": "string"}
    spec = tmp_path / "asyncapi.json"
    spec.write_text(json.dumps(document), encoding="utf-8")
    pact = _write_pacts(tmp_path, "V4", "x")
    result = _run("asyncapi", spec, pact, "--format", "json")
    assert result.exit_code == 1
    (error,) = json.loads(result.output)["errors"]
    assert error["code"] == "message.no.match"
    assert (
        error["mockDetails"]["location"] == "[root].interactions[1].comments.references.AsyncAPI.operationId"
    )
    assert error["specDetails"]["location"] == "[root].operations.queryStock.reply.messages"
    assert [c["mockDetails"]["location"] for c in error["causes"]] == [
        "[root].interactions[1].response[0].contents.content.n"
    ]


def test_asyncapi_2_documents_are_checked_too(tmp_path: Path) -> None:
    spec = tmp_path / "asyncapi2.yaml"
    spec.write_text(yaml.safe_dump(ASYNCAPI_2), encoding="utf-8")
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    assert _run("asyncapi", spec, _write_pacts(good, "V3", "x")).exit_code == 0
    result = _run("asyncapi", spec, _write_pacts(bad, "V3", 7), "--format", "json")
    (error,) = json.loads(result.output)["errors"]
    assert error["specDetails"]["location"] == "[root].channels.orders.subscribe.message"
    assert error["causes"][0]["specDetails"]["location"] == (
        "[root].components.messages.OrderCreated.payload.properties.note.type"
    )


def test_verify_openapi_hands_an_asyncapi_document_on(tmp_path: Path, spec3: Path) -> None:
    pact = _write_pacts(tmp_path, "V4", 42)
    result = _run("openapi", spec3, pact)
    assert result.exit_code == 1
    assert "message.no.match" in result.output
    assert "message.payload.incompatible: Message payload is incompatible" in result.output


def test_mixed_pacts_check_each_part_against_its_spec(tmp_path: Path, spec3: Path) -> None:
    openapi = tmp_path / "oas.yaml"
    openapi.write_text(
        yaml.safe_dump(
            {
                "openapi": "3.0.0",
                "info": {"title": "h", "version": "1"},
                "paths": {"/health": {"get": {"responses": {"200": {"description": "ok"}}}}},
            }
        ),
        encoding="utf-8",
    )
    pact = tmp_path / "mixed.json"
    pact.write_text(
        json.dumps(
            {
                "consumer": {"name": "c"},
                "provider": {"name": "p"},
                "interactions": [
                    {
                        "type": "Synchronous/HTTP",
                        "description": "health",
                        "request": {"method": "GET", "path": "/health"},
                        "response": {"status": 404},
                    },
                    {
                        "type": "Asynchronous/Messages",
                        "description": "order",
                        "contents": {
                            "content": {"id": "one"},
                            "contentType": "application/json",
                            "encoded": False,
                        },
                        "metadata": {"topic": "orders"},
                    },
                ],
                "metadata": {"pactSpecification": {"version": "4.0"}},
            }
        ),
        encoding="utf-8",
    )
    for args in (
        ("openapi", openapi, pact, "--asyncapi", spec3),
        ("asyncapi", spec3, pact, "--openapi", openapi),
    ):
        result = _run(*args, "--format", "json")
        assert result.exit_code == 1
        codes = [e["code"] for e in json.loads(result.output)["errors"]]
        assert codes == ["response.status.unknown", "message.no.match"]


def test_unreadable_or_wrong_specs_exit_2_saying_what_to_do(tmp_path: Path) -> None:
    pact = tmp_path / "p.json"
    pact.write_text(json.dumps({"consumer": {"name": "c"}, "provider": {"name": "p"}, "messages": []}))
    missing = _run("asyncapi", tmp_path / "nope.yaml", pact)
    assert missing.exit_code == 2
    assert "nope.yaml: file: no such file" in missing.output
    old = tmp_path / "old.yaml"
    old.write_text("asyncapi: 1.2.0\ninfo: {title: t, version: '1'}\n")
    result = _run("asyncapi", old, pact)
    assert result.exit_code == 2
    assert "unsupported AsyncAPI version '1.2.0': use an AsyncAPI 2.x or 3.x document" in result.output
    openapi = tmp_path / "oas.yaml"
    openapi.write_text("openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n")
    wrong = _run("asyncapi", openapi, pact)
    assert wrong.exit_code == 2
    assert "is not an AsyncAPI document" in wrong.output


def test_verify_openapi_says_which_message_interactions_it_left_unchecked(tmp_path: Path) -> None:
    openapi = tmp_path / "oas.yaml"
    openapi.write_text("openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n", encoding="utf-8")
    pact = _write_pacts(tmp_path, "V4", "x")
    result = _run("openapi", openapi, pact)
    assert result.exit_code == 0
    assert "note: 2 message interaction(s) not checked" in result.stderr
    assert "--asyncapi FILE" in result.stderr
