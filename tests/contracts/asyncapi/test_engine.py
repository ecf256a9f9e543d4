"""`contracts.asyncapi` beyond the comparator's fixtures: Avro payloads, other schema formats, routing by
metadata, AsyncAPI 2 documents and bad documents."""

from __future__ import annotations

from typing import Any

import pytest

from contracts.asyncapi.document import AsyncAPIError, parse_asyncapi
from contracts.asyncapi.matching import MessageMatch
from contracts.asyncapi.run import check_documents

AVRO_ORDER = {
    "type": "record",
    "name": "Order",
    "fields": [{"name": "id", "type": "long"}, {"name": "note", "type": ["null", "string"], "default": None}],
}


def _spec(payload: Any, **message: Any) -> dict[str, Any]:
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "t", "version": "1"},
        "channels": {
            "orders": {
                "address": "orders.created",
                "messages": {
                    "OrderCreated": {"payload": payload, **message},
                    "OrderDeleted": {"payload": {"type": "object"}},
                },
            }
        },
        "operations": {"onOrder": {"action": "receive", "channel": {"$ref": "#/channels/orders"}}},
    }


def _pact(content: Any, metadata: dict[str, Any] | None = None, comments: Any = None) -> dict[str, Any]:
    interaction: dict[str, Any] = {
        "type": "Asynchronous/Messages",
        "description": "an order",
        "contents": {"content": content, "contentType": "application/json", "encoded": False},
        "metadata": metadata or {},
    }
    if comments is not None:
        interaction["comments"] = comments
    return {
        "consumer": {"name": "c"},
        "provider": {"name": "p"},
        "interactions": [interaction],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }


REF = {"references": {"AsyncAPI": {"operationId": "onOrder"}}}


def test_avro_payloads_are_validated_with_the_avro_schema() -> None:
    spec = _spec({"schemaFormat": "application/vnd.apache.avro;version=1.9.0", "schema": AVRO_ORDER})
    assert check_documents(spec, [_pact({"id": 4, "note": None}, comments=REF)]).report.success
    run = check_documents(spec, [_pact({"id": "four", "note": None}, comments=REF)])
    (error,) = run.report.errors
    assert error.code == "message.no.match"
    first = error.causes[0]
    assert first.code == "message.payload.incompatible"
    assert first.message.endswith("Avro schema in the spec file: id must be Avro long")
    assert first.mock.location == "[root].interactions[0].contents.content.id"
    assert first.mock.value == "four"
    assert first.spec.location == "[root].channels.orders.messages.OrderCreated.payload.schema"


def test_a_bad_avro_schema_is_an_error_naming_its_location() -> None:
    spec = _spec({"schemaFormat": "application/vnd.apache.avro+json", "schema": {"type": "no-such-type"}})
    with pytest.raises(
        AsyncAPIError,
        match=r"\[root\]\.channels\.orders\.messages\.OrderCreated\.payload\.schema: not a valid Avro schema",
    ):
        check_documents(spec, [_pact({"id": 1}, comments=REF)])


def test_an_unsupported_schema_format_is_a_warning_not_a_pass_or_failure() -> None:
    spec = _spec({"schemaFormat": "application/vnd.google.protobuf;version=3", "schema": "message Order {}"})
    run = check_documents(spec, [_pact({"id": 1}, comments=REF)])
    assert run.report.success
    assert {w.code for w in run.report.warnings} == {"message.payload.unvalidatable"}
    assert "'application/vnd.google.protobuf;version=3' is not supported" in run.report.warnings[0].message


def test_without_a_reference_the_metadata_channel_and_message_name_route_the_message() -> None:
    spec = _spec({"type": "object", "properties": {"id": {"type": "integer"}}})
    run = check_documents(spec, [_pact({"id": 1}, {"topic": "orders.created", "messageId": "OrderCreated"})])
    (match,) = run.matches
    assert isinstance(match, MessageMatch)
    assert match.spec_location == "[root].channels.orders.messages.OrderCreated"
    assert run.report.findings == []  # the routing keys are not taken for undeclared headers
    bad = check_documents(
        spec, [_pact({"id": "x"}, {"topic": "orders.created", "messageId": "OrderCreated"})]
    )
    (error,) = bad.report.errors
    assert [c.code for c in error.causes] == ["message.payload.incompatible"]


def test_an_unroutable_message_says_how_to_reference_its_operation() -> None:
    spec = _spec({"type": "object"})
    (error,) = check_documents(spec, [_pact({"id": 1}, {"topic": "elsewhere"})]).report.errors
    assert error.code == "message.references.missing"
    assert 'add {"operationId": ...} there, or a "channel"/"topic" metadata value' in error.message


def test_asyncapi_2_publish_and_subscribe_become_operations() -> None:
    document = parse_asyncapi(
        {
            "asyncapi": "2.6.0",
            "info": {"title": "t", "version": "1"},
            "channels": {
                "orders": {
                    "publish": {"message": {"payload": {"type": "object"}}},
                    "subscribe": {
                        "operationId": "onOrder",
                        "message": {"oneOf": [{"payload": {"type": "string"}}]},
                    },
                }
            },
        }
    )
    assert sorted(document.operations) == ["onOrder", "orders.publish"]
    assert [m.location for m in document.operations["onOrder"].messages] == [
        "[root].channels.orders.subscribe.message.oneOf.0"
    ]
    assert [m.location for m in document.operations["orders.publish"].messages] == [
        "[root].channels.orders.publish.message"
    ]


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ([], "an AsyncAPI document must be a mapping (JSON object), found an array"),
        ({"asyncapi": "1.2.0"}, "unsupported AsyncAPI version '1.2.0': use an AsyncAPI 2.x or 3.x document"),
        (
            {"asyncapi": "3.0.0", "operations": {"x": {"channel": {"$ref": "#/channels/missing"}}}},
            "$ref '#/channels/missing' cannot be resolved: 'channels' not found",
        ),
    ],
)
def test_bad_documents_are_errors_saying_what_is_wrong(document: Any, problem: str) -> None:
    with pytest.raises(AsyncAPIError) as info:
        parse_asyncapi(document, "spec.yaml")
    assert problem in str(info.value)
    assert str(info.value).startswith("spec.yaml: ")
