"""Applying every generator of a request, response or message part."""

from __future__ import annotations

import copy
import re
from typing import Any
from xml.etree import ElementTree

import pytest

from contracts.errors import GeneratorError
from contracts.generators import (
    GeneratorContext,
    example_for_matcher,
    example_for_rules,
    generate_message,
    generate_request,
    generate_response,
    parse_json_path,
    refresh_body,
)
from contracts.generators.json_paths import ANY_INDEX, WILDCARD
from contracts.matching import compile_response
from contracts.model import Body, actual_response
from contracts.pactfile import parse_pact
from contracts.pactwriter import dump_response


def test_json_paths() -> None:
    assert parse_json_path("$") == []
    assert parse_json_path("$.a[0].b") == ["a", 0, "b"]
    assert parse_json_path("$['x y'][*].*") == ["x y", ANY_INDEX, WILDCARD]
    assert parse_json_path('$["a.b"]') == ["a.b"]
    assert parse_json_path("one.two") == ["one", "two"]
    with pytest.raises(GeneratorError, match="cannot read the body path"):
        parse_json_path("$.a[")


REQUEST: dict[str, Any] = {
    "method": "POST",
    "path": "/orders/1",
    "query": {"page": ["1", "2"]},
    "headers": {"Content-Type": "application/json", "x-request-id": "abc"},
    "body": {"id": 1, "items": [{"sku": "a"}, {"sku": "b"}], "meta": {"created": "x"}},
    "matchingRules": {"body": {"$.id": {"matchers": [{"match": "integer"}]}}},
    "generators": {
        "path": {"type": "ProviderState", "expression": "/orders/${id}"},
        "query": {
            "page": {"type": "RandomInt", "min": 5, "max": 9},
            "new": {"type": "RandomString", "size": 3},
        },
        "header": {"X-Request-ID": {"type": "Uuid"}, "X-Created": {"type": "RandomBoolean"}},
        "body": {
            "$.id": {"type": "ProviderState", "expression": "${id}"},
            "$.items[*].sku": {"type": "Regex", "regex": "[A-Z]{3}"},
            "$.missing.deep": {"type": "RandomInt"},
            "meta.created": {"type": "Date", "format": "yyyy"},
        },
    },
}


def test_request_generators_in_every_category() -> None:
    original = copy.deepcopy(REQUEST)
    result = generate_request(REQUEST, "3", provider_state={"id": 42})
    assert original == REQUEST, "the input part is not modified"
    assert "generators" not in result
    assert result["matchingRules"] == REQUEST["matchingRules"]
    assert result["path"] == "/orders/42"
    assert all(5 <= int(v) <= 9 for v in result["query"]["page"])
    assert len(result["query"]["page"]) == 2
    assert re.fullmatch(r"[A-Za-z0-9]{3}", result["query"]["new"][0])
    assert re.fullmatch(r"[0-9a-f-]{36}", result["headers"]["x-request-id"])
    assert result["headers"]["X-Created"] in {"true", "false"}
    assert result["body"]["id"] == 42
    assert all(re.fullmatch("[A-Z]{3}", item["sku"]) for item in result["body"]["items"])
    assert "missing" not in result["body"]
    assert re.fullmatch(r"\d{4}", result["body"]["meta"]["created"])


def test_provider_state_generators_do_not_run_on_the_consumer_side() -> None:
    result = generate_request(REQUEST, "3", mode="consumer", provider_state={"id": 42})
    assert result["path"] == "/orders/1"
    assert result["body"]["id"] == 1


def test_v4_body_wrapper_and_v2_query_string() -> None:
    part = {
        "method": "GET",
        "path": "/",
        "query": "a=1&b=2",
        "body": {"content": {"n": 0}, "contentType": "application/json", "encoded": False},
        "generators": {
            "query": {"a": {"type": "RandomInt", "min": 7, "max": 7}},
            "body": {"$.n": {"type": "RandomInt", "min": 3, "max": 3}},
        },
    }
    result = generate_request(part)
    assert result["query"] == "a=7&b=2"
    assert result["body"] == {"content": {"n": 3}, "contentType": "application/json", "encoded": False}


def test_xml_bodies() -> None:
    xml = '<?xml version="1.0"?><order xmlns="urn:o" id="1"><item sku="a">x</item><item sku="b">y</item><note/></order>'
    part = {
        "status": 200,
        "headers": {"Content-Type": "application/xml"},
        "body": xml,
        "generators": {
            "body": {
                "$.order['@id']": {"type": "RandomInt", "min": 5, "max": 5},
                "$.order.item[*]['@sku']": {"type": "Regex", "regex": "[A-Z]{2}"},
                "$.order.item[1]['#text']": {"type": "RandomString", "size": 3},
                "$.order.note": {"type": "Date", "format": "yyyy"},
                "$.other.path": {"type": "RandomInt"},
            }
        },
    }
    result = generate_response(part, "3")["body"]
    assert result.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ElementTree.fromstring(result.split("?>", 1)[1])
    assert root.get("id") == "5"
    items = root.findall("{urn:o}item")
    assert [bool(re.fullmatch("[A-Z]{2}", item.get("sku", ""))) for item in items] == [True, True]
    assert items[0].text == "x"
    assert re.fullmatch("[A-Za-z0-9]{3}", items[1].text or "")
    assert re.fullmatch(r"\d{4}", root.findtext("{urn:o}note") or "")
    wrapped = {"content": "<a>1</a>", "contentType": "application/xml", "encoded": False}
    v4 = generate_response(
        {"body": wrapped, "generators": {"body": {"$.a": {"type": "RandomInt", "min": 7, "max": 7}}}}
    )
    assert v4["body"] == {"content": "<a>7</a>", "contentType": "application/xml", "encoded": False}
    broken = {
        "headers": {"Content-Type": "text/xml"},
        "body": "<a>",
        "generators": {"body": {"$.a": {"type": "RandomInt"}}},
    }
    assert generate_response(broken)["body"] == "<a>"
    with pytest.raises(GeneratorError, match="not XML"):
        generate_response(broken, strict=True)


def test_form_text_and_binary_bodies() -> None:
    form = {
        "method": "POST",
        "path": "/",
        "headers": {"content-type": "application/x-www-form-urlencoded"},
        "body": "qty=1&sku=a&qty=2",
        "generators": {"body": {"$.qty": {"type": "RandomInt", "min": 3, "max": 3}}},
    }
    assert generate_request(form)["body"] == "qty=3&sku=a&qty=3"
    text = {
        "status": 200,
        "body": "hello",
        "generators": {"body": {"$": {"type": "RandomString", "size": 4}}},
    }
    assert len(generate_response(text)["body"]) == 4
    binary = {"content": "AAEC", "contentType": "application/octet-stream", "encoded": "base64"}
    assert (
        generate_response({"body": binary, "generators": {"body": {"$": {"type": "RandomString"}}}})["body"]
        == binary
    )


def test_response_status_and_failing_generators() -> None:
    part = {"status": 200, "generators": {"status": {"type": "RandomInt", "min": 201, "max": 299}}}
    assert 201 <= generate_response(part)["status"] <= 299
    broken = {
        "status": 200,
        "body": {"a": "x"},
        "generators": {"body": {"$.a": {"type": "Regex", "regex": "(["}}},
    }
    assert generate_response(broken)["body"] == {"a": "x"}
    with pytest.raises(GeneratorError, match="not a valid regular expression"):
        generate_response(broken, strict=True)
    with pytest.raises(GeneratorError, match="'generators' must be an object"):
        generate_response({"generators": []})


def test_mock_server_url_in_a_response_header_and_body() -> None:
    part = {
        "status": 201,
        "headers": {"Location": "http://localhost:8080/orders/7"},
        "body": {"_links": {"self": {"href": "http://localhost:8080/orders/7"}}},
        "generators": {
            "header": {
                "Location": {
                    "type": "MockServerURL",
                    "regex": ".*(/orders/\\d+)$",
                    "example": "http://localhost:8080/orders/7",
                }
            },
            "body": {
                "$._links.self.href": {
                    "type": "MockServerURL",
                    "regex": ".*(/orders/\\d+)$",
                    "example": "http://localhost:8080/orders/7",
                }
            },
        },
    }
    result = generate_response(part, mock_server_url="http://127.0.0.1:5555")
    assert result["headers"]["Location"] == "http://127.0.0.1:5555/orders/7"
    assert result["body"]["_links"]["self"]["href"] == "http://127.0.0.1:5555/orders/7"


def test_message_contents_and_metadata() -> None:
    v4 = {
        "contents": {"content": {"id": 0}, "contentType": "application/json", "encoded": False},
        "metadata": {"key": "old"},
        "generators": {
            "content": {"$.id": {"type": "RandomInt", "min": 1, "max": 1}},
            "metadata": {"key": {"type": "Uuid", "format": "simple"}},
        },
    }
    result = generate_message(v4)
    assert result["contents"]["content"] == {"id": 1}
    assert re.fullmatch("[0-9a-f]{32}", result["metadata"]["key"])
    v3 = {
        "contents": {"id": 0},
        "metaData": {},
        "generators": {
            "body": {"$.id": {"type": "RandomInt", "min": 2, "max": 2}},
            "metadata": {"m": {"type": "RandomBoolean"}},
        },
    }
    result = generate_message(v3, "3", context=GeneratorContext())
    assert result["contents"] == {"id": 2}
    assert isinstance(result["metaData"]["m"], bool)


def test_generated_interaction_response_matches_its_own_pact() -> None:
    pact = parse_pact(
        {
            "consumer": {"name": "Web"},
            "provider": {"name": "Orders"},
            "interactions": [
                {
                    "type": "Synchronous/HTTP",
                    "description": "created",
                    "request": {"method": "POST", "path": "/orders"},
                    "response": {
                        "status": 201,
                        "headers": {"Content-Type": ["application/json"]},
                        "body": {
                            "content": {
                                "id": 1,
                                "ref": "AB-12",
                                "at": "2024-01-01T00:00:00",
                                "lines": [{"qty": 1}],
                            },
                            "contentType": "application/json",
                            "encoded": False,
                        },
                        "matchingRules": {
                            "body": {
                                "$.id": {"combine": "AND", "matchers": [{"match": "integer"}]},
                                "$.ref": {
                                    "combine": "AND",
                                    "matchers": [{"match": "regex", "regex": "[A-Z]{2}-\\d+"}],
                                },
                                "$.at": {
                                    "combine": "AND",
                                    "matchers": [{"match": "datetime", "format": "yyyy-MM-dd'T'HH:mm:ss"}],
                                },
                                "$.lines[*].qty": {
                                    "combine": "AND",
                                    "matchers": [{"match": "integer", "min": 1}],
                                },
                            }
                        },
                        "generators": {
                            "body": {
                                "$.id": {"type": "RandomInt", "min": 1, "max": 99999},
                                "$.ref": {"type": "Regex", "regex": "[A-Z]{2}-\\d+"},
                                "$.at": {"type": "DateTime", "format": "yyyy-MM-dd'T'HH:mm:ss"},
                                "$.lines[*].qty": {"type": "RandomInt", "min": 1, "max": 5},
                            }
                        },
                    },
                }
            ],
            "metadata": {"pactSpecification": {"version": "4.0"}},
        }
    )
    (interaction,) = pact.http_interactions
    expected = dump_response(interaction.response, pact.spec_version)
    for _ in range(20):
        generated = generate_response(expected, pact.spec_version)
        assert generated["body"]["content"] != expected["body"]["content"]
        body = Body(generated["body"]["content"], "application/json").to_bytes()
        actual = actual_response(generated["status"], generated["headers"], body)
        assert compile_response(interaction.response, pact.spec_version).match(actual) == []


@pytest.mark.parametrize(
    ("matcher", "example", "check"),
    [
        ({"match": "regex", "regex": "[a-z]{3}\\d"}, "abc1", lambda v: re.fullmatch("[a-z]{3}\\d", v)),
        ({"match": "regex", "regex": "\\d{3}"}, 123, lambda v: isinstance(v, int) and 0 <= v <= 999),
        ({"match": "integer"}, 5, lambda v: isinstance(v, int) and not isinstance(v, bool)),
        ({"match": "integer"}, "5", lambda v: v.isdigit()),
        ({"match": "decimal"}, 1.5, lambda v: isinstance(v, float) and v != int(v)),
        ({"match": "number"}, 1, lambda v: isinstance(v, int | float)),
        ({"match": "boolean"}, True, lambda v: isinstance(v, bool)),
        ({"match": "null"}, None, lambda v: v is None),
        (
            {"match": "date", "date": "dd.MM.yyyy"},
            "01.01.2020",
            lambda v: re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", v),
        ),
        ({"match": "time", "format": "HH:mm"}, "10:00", lambda v: re.fullmatch(r"\d{2}:\d{2}", v)),
        ({"match": "semver"}, "1.0.0", lambda v: re.fullmatch(r"\d+\.\d+\.\d+", v)),
        ({"match": "statusCode", "status": "clientError"}, 200, lambda v: 400 <= v <= 499),
        ({"match": "statusCode", "status": [201, 202]}, 202, lambda v: v == 202),
        ({"match": "type", "min": 3}, [{"a": 1}], lambda v: v == [{"a": 1}] * 3),
        ({"match": "type", "max": 1}, [1, 2], lambda v: v == [1]),
        ({"regex": "x+"}, "x", lambda v: re.fullmatch("x+", v)),
        ({"match": "include", "value": "b"}, "abc", lambda v: v == "abc"),
    ],
)
def test_fresh_examples_for_matchers(matcher: dict[str, Any], example: Any, check: Any) -> None:
    value = example_for_matcher(matcher, example)
    assert check(value), value


def test_fresh_examples_for_rule_lists_and_bodies() -> None:
    assert (
        example_for_rules({"matchers": [{"match": "type"}, {"match": "regex", "regex": "z{2}"}]}, "zz")
        == "zz"
    )
    assert example_for_rules([{"match": "null"}], "x") is None
    rules = {
        "$.items": {"matchers": [{"match": "type", "min": 2}]},
        "$.items[*].id": {"matchers": [{"match": "regex", "regex": "id-\\d{4}"}]},
        "$.when": {"matchers": [{"match": "date", "date": "yyyy-MM-dd"}]},
    }
    body = {"items": [{"id": "id-0000", "name": "a"}], "when": "2020-01-01", "other": "kept"}
    fresh = refresh_body(body, rules)
    assert len(fresh["items"]) == 2
    assert all(re.fullmatch(r"id-\d{4}", item["id"]) and item["name"] == "a" for item in fresh["items"])
    assert fresh["other"] == "kept"
    assert body["items"] == [{"id": "id-0000", "name": "a"}]
