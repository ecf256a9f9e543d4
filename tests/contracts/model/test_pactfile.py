"""Parsing and writing pact files of every spec version: what the model holds and what comes back."""

from __future__ import annotations

import base64
import copy
from typing import Any

import pytest

from contracts.model import (
    AsyncMessage,
    Body,
    HttpInteraction,
    HttpRequest,
    HttpResponse,
    MessagePart,
    Pact,
    ProviderState,
    SyncMessage,
    normalise_spec_version,
)
from contracts.pactfile import loads_pact, parse_pact
from contracts.pactwriter import dump_message_part, dump_pact, dump_request, dump_response, dumps_pact

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"


def _pact(version: str, interactions: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "consumer": {"name": "Web"},
        "provider": {"name": "Orders API"},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": version}, "pact-js": {"version": "16.0.0"}},
        **extra,
    }


def _round_trip(document: dict[str, Any]) -> Pact:
    pact = parse_pact(copy.deepcopy(document))
    assert dump_pact(pact) == document
    assert dump_pact(loads_pact(dumps_pact(pact))) == document
    return pact


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("1.0.0", "1"),
        ("1.1.0", "1.1"),
        ("2.0.0", "2"),
        ("3.0.0", "3"),
        ("4.0", "4"),
        ("4.0.0", "4"),
        ("3", "3"),
    ],
)
def test_spec_versions_normalise(written: str, normalised: str) -> None:
    assert normalise_spec_version(written) == normalised
    document = _pact(written, [])
    assert _round_trip(document).spec_version == normalised


def test_spec_version_unknown_or_absent() -> None:
    assert normalise_spec_version("5.0.0") is None
    assert normalise_spec_version("1.2.0") is None
    document = {"consumer": {"name": "a"}, "provider": {"name": "b"}, "interactions": []}
    pact = _round_trip(document)
    assert pact.spec_version == "2"
    assert pact.written is not None
    assert "metadata" not in dump_pact(pact)


def test_v1_pact_with_query_string_and_snake_case_provider_state() -> None:
    document = {
        "consumer": {"name": "Web"},
        "provider": {"name": "Orders"},
        "interactions": [
            {
                "description": "a search",
                "provider_state": "orders exist",
                "request": {
                    "method": "get",
                    "path": "/orders",
                    "query": "status=open&page=2&tag=a+b&tag=c%26d",
                },
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": [{"id": 1}],
                },
            }
        ],
        "metadata": {"pactSpecificationVersion": "1.0.0"},
    }
    pact = _round_trip(document)
    assert pact.spec_version == "1"
    (interaction,) = pact.http_interactions
    assert interaction.provider_states == [ProviderState("orders exist")]
    assert interaction.request.query == {"status": ["open"], "page": ["2"], "tag": ["a b", "c&d"]}
    assert interaction.request.query_text == "status=open&page=2&tag=a+b&tag=c%26d"
    assert interaction.response.body == Body([{"id": 1}], "application/json", "json")
    assert (
        dump_request(interaction.request, interaction.spec_version)["query"]
        == "status=open&page=2&tag=a+b&tag=c%26d"
    )


def test_v2_pact_with_flat_matching_rules_and_provider_state() -> None:
    rules = {"$.body.id": {"match": "type"}, "$.headers.X-Trace": {"regex": "[0-9a-f]+"}}
    document = _pact(
        "2.0.0",
        [
            {
                "description": "get order 1",
                "providerState": "order 1 exists",
                "request": {"method": "GET", "path": "/orders/1", "headers": {"Accept": "application/json"}},
                "response": {
                    "status": 200,
                    "headers": {"X-Trace": "abc1", "Content-Type": "application/json; charset=utf-8"},
                    "body": {"id": 1, "lines": [{"sku": "A-1", "qty": 2}]},
                    "matchingRules": rules,
                },
            }
        ],
    )
    pact = _round_trip(document)
    (interaction,) = pact.http_interactions
    assert interaction.provider_states == [ProviderState("order 1 exists")]
    assert interaction.response.matching_rules == rules
    assert interaction.response.content_type() == "application/json; charset=utf-8"
    assert (
        dump_response(interaction.response, interaction.spec_version)
        == document["interactions"][0]["response"]
    )


def test_v3_pact_with_provider_state_params_query_map_and_generators() -> None:
    document = _pact(
        "3.0.0",
        [
            {
                "description": "create an order",
                "providerStates": [
                    {"name": "a customer", "params": {"id": 42}},
                    {"name": "stock is available"},
                ],
                "request": {
                    "method": "POST",
                    "path": "/customers/42/orders",
                    "query": {"dryRun": ["false"], "tag": ["a", "b"]},
                    "headers": {"Content-Type": "application/json"},
                    "body": {"sku": "A-1"},
                    "matchingRules": {
                        "path": {"matchers": [{"match": "regex", "regex": "/customers/\\d+/orders"}]}
                    },
                    "generators": {
                        "path": {"type": "ProviderState", "expression": "/customers/${id}/orders"}
                    },
                },
                "response": {
                    "status": 201,
                    "body": {"id": "6c8e", "created": "2024-05-01"},
                    "generators": {"body": {"$.created": {"type": "Date", "format": "yyyy-MM-dd"}}},
                },
            }
        ],
    )
    pact = _round_trip(document)
    (interaction,) = pact.http_interactions
    assert interaction.provider_states == [
        ProviderState("a customer", {"id": 42}),
        ProviderState("stock is available"),
    ]
    assert interaction.request.query == {"dryRun": ["false"], "tag": ["a", "b"]}
    assert interaction.request.generators["path"]["expression"] == "/customers/${id}/orders"
    assert dump_request(interaction.request, interaction.spec_version)["query"] == {
        "dryRun": ["false"],
        "tag": ["a", "b"],
    }


def test_v3_message_pact_with_metadata_spelled_both_ways() -> None:
    document = {
        "consumer": {"name": "Billing"},
        "provider": {"name": "Orders"},
        "messages": [
            {
                "description": "an order created event",
                "providerStates": [{"name": "an order", "params": {"id": 7}}],
                "contents": {"orderId": 7, "total": 12.5},
                "metaData": {"contentType": "application/json", "topic": "orders"},
                "matchingRules": {"body": {"$.orderId": {"matchers": [{"match": "integer"}]}}},
            },
            {
                "description": "a plain text ping",
                "contents": "ping",
                "metadata": {"contentType": "text/plain"},
            },
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    pact = _round_trip(document)
    assert pact.spec_version == "3"
    first, second = pact.messages
    assert first.contents == Body({"orderId": 7, "total": 12.5}, "application/json", "json")
    assert first.content_type() == "application/json"
    assert dump_message_part(first.message_part(), first.spec_version) == {
        "contents": {"orderId": 7, "total": 12.5},
        "metaData": {"contentType": "application/json", "topic": "orders"},
        "matchingRules": {"body": {"$.orderId": {"matchers": [{"match": "integer"}]}}},
    }
    assert second.contents == Body("ping", "text/plain", "text")
    assert "interactions" not in dump_pact(pact)


def _v4_interactions() -> list[dict[str, Any]]:
    return [
        {
            "type": "Synchronous/HTTP",
            "key": "0f2bd7b4a1e3c5d6",
            "pending": False,
            "comments": {"text": ["checked by the nightly job"], "testname": "test_order"},
            "description": "get an order",
            "providerStates": [{"name": "an order", "params": {"id": "7"}}],
            "request": {
                "method": "GET",
                "path": "/orders/7",
                "query": {"fields": ["id,total"]},
                "headers": {"Accept": ["application/json", "application/hal+json"]},
            },
            "response": {
                "status": 200,
                "headers": {"Content-Type": ["application/json"]},
                "body": {
                    "content": {"id": 7, "total": 12.5},
                    "contentType": "application/json",
                    "encoded": False,
                },
                "matchingRules": {"body": {"$.id": {"combine": "AND", "matchers": [{"match": "integer"}]}}},
            },
            "transport": "http",
        },
        {
            "type": "Synchronous/HTTP",
            "description": "get the order's label",
            "pending": True,
            "request": {"method": "GET", "path": "/orders/7/label"},
            "response": {
                "status": 200,
                "headers": {"Content-Type": "image/png"},
                "body": {
                    "content": base64.b64encode(PNG).decode(),
                    "contentType": "image/png",
                    "contentTypeHint": "BINARY",
                    "encoded": "base64",
                },
            },
        },
        {
            "type": "Synchronous/HTTP",
            "description": "an XML invoice",
            "request": {"method": "GET", "path": "/orders/7/invoice"},
            "response": {
                "status": 200,
                "body": {
                    "content": '<?xml version="1.0"?><invoice id="7"><total>12.5</total></invoice>',
                    "contentType": "application/xml",
                    "encoded": False,
                },
            },
        },
        {
            "type": "Asynchronous/Messages",
            "key": "m1",
            "pending": False,
            "description": "an order shipped event",
            "contents": {"content": {"orderId": 7}, "contentType": "application/json", "encoded": False},
            "metadata": {"topic": "shipping"},
            "matchingRules": {
                "content": {"$.orderId": {"combine": "AND", "matchers": [{"match": "integer"}]}}
            },
            "generators": {"content": {"$.orderId": {"type": "RandomInt", "min": 1, "max": 99}}},
        },
        {
            "type": "Synchronous/Messages",
            "key": "s1",
            "pending": False,
            "description": "a stock query over a message queue",
            "request": {
                "contents": {"content": "sku=A-1", "contentType": "text/plain", "encoded": False},
                "metadata": {"queue": "stock"},
            },
            "response": [
                {
                    "contents": {
                        "content": {"available": 3},
                        "contentType": "application/json",
                        "encoded": False,
                    }
                },
                {
                    "contents": {
                        "content": {"available": 2},
                        "contentType": "application/json",
                        "encoded": False,
                    }
                },
            ],
        },
    ]


def test_v4_pact_with_every_interaction_type() -> None:
    document = _pact("4.0", _v4_interactions(), createdAt="2024-05-01T10:00:00+00:00")
    document["metadata"]["plugins"] = [{"name": "protobuf", "version": "0.3.0"}]
    pact = _round_trip(document)
    assert pact.spec_version == "4"
    assert pact.extra == {"createdAt": "2024-05-01T10:00:00+00:00"}
    http, label, invoice, message, sync = pact.interactions
    assert isinstance(http, HttpInteraction)
    assert http.key == "0f2bd7b4a1e3c5d6"
    assert http.pending is False
    assert http.comments == {"text": ["checked by the nightly job"], "testname": "test_order"}
    assert http.extra == {"transport": "http"}
    assert http.request.header_values() == {"Accept": ["application/json", "application/hal+json"]}
    assert http.response.body is not None
    assert http.response.body.content == {"id": 7, "total": 12.5}
    assert isinstance(label, HttpInteraction)
    assert label.pending is True
    assert label.response.body == Body(
        PNG,
        "image/png",
        "base64",
        "base64",
        "BINARY",
        {},
        label.response.body.written if label.response.body else None,
    )
    assert label.response.body is not None
    assert label.response.body.to_bytes() == PNG
    assert isinstance(invoice, HttpInteraction)
    assert invoice.response.body is not None
    assert invoice.response.body.encoding == "text"
    assert invoice.response.body.to_bytes().startswith(b"<?xml")
    assert isinstance(message, AsyncMessage)
    assert dump_message_part(message.message_part(), message.spec_version) == {
        "contents": {"content": {"orderId": 7}, "contentType": "application/json", "encoded": False},
        "metadata": {"topic": "shipping"},
        "matchingRules": {"content": {"$.orderId": {"combine": "AND", "matchers": [{"match": "integer"}]}}},
        "generators": {"content": {"$.orderId": {"type": "RandomInt", "min": 1, "max": 99}}},
    }
    assert isinstance(sync, SyncMessage)
    assert sync.request.contents == Body(
        "sku=A-1",
        "text/plain",
        "text",
        False,
        None,
        {},
        sync.request.contents.written if sync.request.contents else None,
    )
    assert [part.contents.content for part in sync.responses if part.contents] == [
        {"available": 3},
        {"available": 2},
    ]
    assert dump_message_part(sync.responses[1], sync.spec_version)["contents"]["content"] == {"available": 2}
    assert [i.interaction_type for i in pact.interactions] == [
        "Synchronous/HTTP",
        "Synchronous/HTTP",
        "Synchronous/HTTP",
        "Asynchronous/Messages",
        "Synchronous/Messages",
    ]


def test_v4_interaction_ids_from_a_broker_are_kept() -> None:
    interaction = {**_v4_interactions()[2], "_id": "8a1c0e7d"}
    pact = _round_trip(_pact("4.0", [interaction]))
    assert pact.interactions[0].extra == {"_id": "8a1c0e7d"}


def test_pact_built_in_code_is_written_in_canonical_form() -> None:
    pact = Pact(
        consumer="Web",
        provider="Orders",
        spec_version="4",
        interactions=[
            HttpInteraction(
                description="get order",
                provider_states=[ProviderState("an order", {"id": 1})],
                request=HttpRequest("GET", "/orders/1", query={"x": ["1"]}),
                response=HttpResponse(
                    200, {"Content-Type": ["application/json"]}, Body({"id": 1}, "application/json")
                ),
                key="k1",
                pending=False,
            ),
            AsyncMessage("an event", contents=Body({"id": 1}, "application/json"), metadata={"topic": "t"}),
            SyncMessage(
                "a query", MessagePart(Body("q", "text/plain", "text")), [MessagePart(Body({"a": 1}))]
            ),
        ],
    )
    assert dump_pact(pact) == {
        "consumer": {"name": "Web"},
        "provider": {"name": "Orders"},
        "interactions": [
            {
                "type": "Synchronous/HTTP",
                "description": "get order",
                "key": "k1",
                "pending": False,
                "providerStates": [{"name": "an order", "params": {"id": 1}}],
                "request": {"method": "GET", "path": "/orders/1", "query": {"x": ["1"]}},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": ["application/json"]},
                    "body": {"content": {"id": 1}, "contentType": "application/json", "encoded": False},
                },
            },
            {
                "type": "Asynchronous/Messages",
                "description": "an event",
                "contents": {"content": {"id": 1}, "contentType": "application/json", "encoded": False},
                "metadata": {"topic": "t"},
            },
            {
                "type": "Synchronous/Messages",
                "description": "a query",
                "request": {"contents": {"content": "q", "contentType": "text/plain", "encoded": False}},
                "response": [{"contents": {"content": {"a": 1}, "encoded": False}}],
            },
        ],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }
    assert dump_pact(parse_pact(dump_pact(pact))) == dump_pact(pact)


def test_v2_pact_built_in_code_writes_query_string_and_provider_state() -> None:
    pact = Pact(
        "Web",
        "Orders",
        "2",
        [
            HttpInteraction(
                "search",
                HttpRequest("GET", "/orders", query={"q": ["a b"], "tag": ["x", "y"]}),
                HttpResponse(200, body=Body("<ok/>", "application/xml", "text")),
                provider_states=[ProviderState("some orders")],
            )
        ],
    )
    (interaction,) = dump_pact(pact)["interactions"]
    assert interaction["providerState"] == "some orders"
    assert interaction["request"]["query"] == "q=a%20b&tag=x&tag=y"
    assert interaction["response"]["body"] == "<ok/>"


def test_v3_query_given_as_single_strings_is_normalised_to_lists() -> None:
    document = _pact(
        "3.0.0",
        [
            {
                "description": "d",
                "request": {"method": "GET", "path": "/", "query": {"a": "1"}},
                "response": {},
            }
        ],
    )
    pact = parse_pact(document)
    (interaction,) = pact.http_interactions
    assert interaction.request.query == {"a": ["1"]}
    assert dump_request(interaction.request, interaction.spec_version)["query"] == {"a": ["1"]}
    assert interaction.response.status == 200
    assert "status" not in dump_response(interaction.response, interaction.spec_version)


def test_body_from_bytes_decodes_by_content_type() -> None:
    assert Body.from_bytes(b'{"a": 1}', "application/json") == Body({"a": 1}, "application/json", "json")
    assert Body.from_bytes(b'{"a": 1}', "application/vnd.api+json").content == {"a": 1}
    assert Body.from_bytes(b"<a/>", "application/xml") == Body("<a/>", "application/xml", "text")
    assert Body.from_bytes(b"a=1&b=2", "application/x-www-form-urlencoded").encoding == "text"
    assert Body.from_bytes(PNG, "image/png") == Body(PNG, "image/png", "base64")
    assert Body.from_bytes(b"not json", "application/json") == Body("not json", "application/json", "text")
    assert (
        Body.from_bytes("caf\u00e9".encode("latin-1"), "text/plain; charset=latin-1").content == "caf\u00e9"
    )
    assert Body.from_bytes(b"[1, 2]").content_type == "application/json"
    assert Body.from_bytes(b"<?xml version='1.0'?><a/>").content_type == "application/xml"
    assert Body.from_bytes(b"hello").content_type == "text/plain"
    assert Body.from_bytes(PNG).content_type == "application/octet-stream"


def test_body_to_bytes() -> None:
    assert Body({"a": [1, "é"]}).to_bytes() == '{"a":[1,"é"]}'.encode()
    assert Body(None).to_bytes() == b""
    assert Body("plain", "text/plain", "text").to_bytes() == b"plain"
    assert Body("not json", "application/json", "text").to_bytes() == b'"not json"'
    assert Body('{"a":1}', "application/json", "text").to_bytes() == b'{"a":1}'
