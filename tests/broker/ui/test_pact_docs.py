"""Pacts as documentation: every spec version's layout, and matching rules explained in words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from broker.ui.negotiation import wants_html
from broker.ui.pact_docs import PartDoc, document

ROOT = Path(__file__).resolve().parents[3]


def _rules(part: PartDoc) -> dict[str, str]:
    return {rule.where: rule.text for rule in part.rules}


def test_v2_pact_with_flat_rules_states_and_query() -> None:
    pact = {
        "consumer": {"name": "C"},
        "provider": {"name": "P"},
        "interactions": [
            {
                "description": "a search",
                "providerState": "items exist",
                "request": {
                    "method": "get",
                    "path": "/items/7",
                    "query": "q=mug&page=1",
                    "headers": {"Accept": "application/json"},
                    "matchingRules": {
                        "$.path": {"match": "regex", "regex": "/items/[0-9]+"},
                        "$.query.page": {"match": "regex", "regex": "\\d+"},
                        "$.headers.Accept": {"match": "regex", "regex": "application/.*json"},
                    },
                },
                "response": {
                    "status": 200,
                    "body": {"items": [{"id": 1, "price": 1.5, "tags": ["a"]}], "next": None},
                    "matchingRules": {
                        "$.body.items": {"min": 1, "match": "type"},
                        "$.body.items[*].id": {"match": "type"},
                        "$.body.items[*].price": {"match": "decimal"},
                        "$.body.items[*].tags": {"max": 3},
                        "$.body.next": {"match": "null"},
                    },
                },
            }
        ],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }
    doc = document(json.dumps(pact))
    assert (doc.consumer, doc.provider, doc.specification) == ("C", "P", "2.0.0")
    (interaction,) = doc.interactions
    assert [s.name for s in interaction.states] == ["items exist"]
    request, response = interaction.parts
    assert request.line == "GET /items/7?q=mug&page=1"
    assert _rules(request) == {
        "path": "a string matching //items/[0-9]+/",
        "query page": "a string matching /\\d+/",
        "header Accept": "a string matching /application/.*json/",
    }
    assert response.line == "200"
    assert _rules(response) == {
        "$.items": "an array with at least 1 item, each an object shaped like the example",
        "$.items[*].id": "any integer",
        "$.items[*].price": "any decimal number",
        "$.items[*].tags": "an array with at most 3 items, each any string",
        "$.next": "null",
    }


@pytest.mark.parametrize(
    ("matcher", "example", "text"),
    [
        ({"match": "type"}, True, "any boolean"),
        ({"match": "type"}, "x", "any string"),
        ({"match": "type"}, {"a": 1}, "an object shaped like the example"),
        ({"match": "type", "min": 2, "max": 4}, [1, 2], "an array of 2 to 4 items, each any integer"),
        ({"match": "integer"}, 1, "any integer"),
        ({"match": "number"}, 1, "any number"),
        ({"match": "boolean"}, True, "any boolean"),
        ({"match": "equality"}, 1, "exactly the example value"),
        ({"match": "include", "value": "cup"}, "a cup", "a string containing “cup”"),
        ({"match": "date", "format": "yyyy-MM-dd"}, "2020-01-01", "a date in the format yyyy-MM-dd"),
        ({"match": "time", "time": "HH:mm"}, "10:00", "a time in the format HH:mm"),
        ({"match": "timestamp"}, "x", "any date and time"),
        ({"match": "contentType", "value": "image/png"}, "", "content of type image/png"),
        ({"match": "values"}, {}, "a map with any keys (each value like the example)"),
        ({"match": "semver"}, "1.0.0", "a semantic version such as 1.2.3"),
        ({"match": "notEmpty"}, "x", "any string, not empty"),
        ({"match": "statusCode", "status": "success"}, 200, "any successful (2xx) status"),
        ({"match": "statusCode", "status": [200, 201]}, 200, "one of the statuses 200, 201"),
        (
            {"match": "arrayContains", "variants": [{}, {}]},
            [],
            "an array containing 2 matching elements in any order",
        ),
        (
            {"match": "eachKey", "rules": [{"match": "regex", "regex": "[a-z]+"}]},
            {},
            "a map where every key is a string matching /[a-z]+/",
        ),
        ({"match": "somethingNew", "x": 1}, 1, 'matched by {"match": "somethingNew", "x": 1}'),
    ],
)
def test_each_matcher_in_words(matcher: dict[str, object], example: object, text: str) -> None:
    pact = {
        "interactions": [
            {
                "description": "d",
                "request": {"method": "GET", "path": "/"},
                "response": {
                    "status": 200,
                    "body": {"value": example},
                    "matchingRules": {"body": {"$.value": {"matchers": [matcher]}}},
                },
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    (interaction,) = document(json.dumps(pact)).interactions
    assert _rules(interaction.parts[1]) == {"$.value": text}


def test_combined_matchers_and_or() -> None:
    rule = {"combine": "OR", "matchers": [{"match": "integer"}, {"match": "null"}]}
    pact = {
        "interactions": [
            {
                "description": "d",
                "request": {"method": "GET", "path": "/"},
                "response": {"status": 200, "body": {"a": 1}, "matchingRules": {"body": {"$.a": rule}}},
            }
        ]
    }
    assert _rules(document(json.dumps(pact)).interactions[0].parts[1]) == {"$.a": "any integer or null"}


def test_v4_example_pact_and_its_generators() -> None:
    doc = document((ROOT / "examples" / "pacts" / "OrderWeb-OrdersApi.json").read_text())
    assert doc.specification == "4.0"
    order = next(i for i in doc.interactions if i.description == "a request for an existing order")
    assert order.kind == "HTTP"
    assert [(s.name, s.params) for s in order.states] == [
        ("an order exists", (("productId", "1"), ("quantity", "2")))
    ]
    request, response = order.parts
    assert _rules(request) == {"path": "any path"}
    assert [(g.where, g.text) for g in request.generated] == [
        ("path", "from provider state: /orders/${orderId}")
    ]
    assert response.content_type == "application/json"
    assert response.body is not None
    assert json.loads(response.body)["id"] == 1001
    assert _rules(response)["$.createdAt"] == "a date and time in the format yyyy-MM-dd'T'HH:mm:ss'Z'"


def test_messages_v3_and_v4_synchronous() -> None:
    v3 = {
        "messages": [
            {
                "description": "an order event",
                "providerStates": [{"name": "an order was placed"}],
                "contents": {"orderId": 5},
                "metadata": {"contentType": "application/json"},
                "matchingRules": {"body": {"$.orderId": {"matchers": [{"match": "integer"}]}}},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    (message,) = document(json.dumps(v3)).interactions
    assert message.kind == "Message"
    (part,) = message.parts
    assert part.headers == [("contentType", "application/json")]
    assert _rules(part) == {"$.orderId": "any integer"}
    v4 = {
        "interactions": [
            {
                "type": "Synchronous/Messages",
                "description": "a lookup",
                "request": {"contents": {"content": '{"id": 1}', "contentType": "application/json"}},
                "response": [{"contents": {"content": {"name": "x"}, "contentType": "application/json"}}],
            },
            {
                "type": "Asynchronous/Messages",
                "description": "binary",
                "contents": {"content": "AAEC", "contentType": "image/png", "encoded": "base64"},
            },
        ],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }
    sync, binary = document(json.dumps(v4)).interactions
    assert sync.kind == "Synchronous message"
    assert [p.title for p in sync.parts] == ["Request message", "Response message"]
    assert json.loads(sync.parts[0].body or "") == {"id": 1}
    assert binary.parts[0].body == "(binary content, about 3 bytes, base64-encoded)"


def test_unreadable_content_is_reported_not_raised() -> None:
    assert document("not json").problem is not None
    assert document("[1]").problem == "The pact content is not a JSON object."
    assert document(json.dumps({"interactions": "nope"})).interactions == []


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),  # Chromium, Firefox
        ("application/hal+json, application/json", False),  # the Rust CLI and verifiers
        ("application/hal+json", False),
        ("*/*", False),  # pact_models, curl, httpx
        (None, False),
        ("", False),
        ("application/json, text/html;q=0.5", False),
        ("text/html;q=0", False),
        ("text/html;q=bad", False),
    ],
)
def test_browsers_are_told_apart_from_api_clients(accept: str | None, html: bool) -> None:
    assert wants_html(accept) is html
