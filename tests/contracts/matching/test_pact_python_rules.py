"""Matching rules exactly as pact-python 4.x (the Rust core) writes them into a V4 pact.

A pact with one matcher of each kind is written by pact-python; its own examples must match, and each
mutation below must be reported at the right place with the matcher's message.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from contracts.matching import compile_request, compile_response
from contracts.mismatches import MismatchKind
from contracts.pact_parts import parse_request, parse_response

os.environ.setdefault("PACT_DO_NOT_TRACK", "true")


@pytest.fixture(scope="module")
def interaction(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from pact import Pact, match

    body = {
        "id": match.int(123),
        "price": match.decimal(12.5),
        "count": match.number(7),
        "name": match.str("Mary"),
        "code": match.regex("AB-123", regex=r"[A-Z]{2}-\d{3}"),
        "flag": match.bool(True),
        "nothing": match.none(),
        "day": match.date("2024-05-01", "%Y-%m-%d"),
        "at": match.time("10:11:12", "%H:%M:%S"),
        "stamp": match.datetime("2024-05-01T10:11:12+00:00", "%Y-%m-%dT%H:%M:%S%z"),
        "uuid": match.uuid("1d7e4e6e-56e9-4b6d-8d64-6f1e2f62cdd7"),
        "tags": match.each_like("blue", min=1),
        "items": match.each_like({"sku": match.str("S1"), "qty": match.int(1)}, min=1, max=3),
        "desc": match.includes("needle"),
        "map": match.each_key_matches({"abc": 1}, rules=match.regex("abc", regex="[a-z]+")),
        "vals": match.each_value_matches({"a": "x"}, rules=match.regex("x", regex="[a-z]")),
        "contains": match.array_containing([match.like({"k": "v"})]),
    }
    pact = Pact("MatchConsumer", "MatchProvider").with_specification("V4")
    (
        pact.upon_receiving("a request using every matcher")
        .with_request("POST", match.regex("/orders/12", regex=r"/orders/\d+"))
        .with_query_parameter("page", match.int(1))
        .with_header("X-Trace", match.regex("abc-1", regex=r"\w+-\d"))
        .with_body(body, content_type="application/json")
        .will_respond_with(200)
        .with_header("Content-Type", "application/json")
        .with_body(body, content_type="application/json")
    )
    out = tmp_path_factory.mktemp("pacts")
    pact.write_file(out, overwrite=True)
    [written] = list(Path(out).glob("*.json"))
    document = json.loads(written.read_text(encoding="utf-8"))
    [only] = document["interactions"]
    assert isinstance(only, dict)
    return only


def _actual(part: dict[str, Any]) -> dict[str, Any]:
    """The part's own example as it would be received (same shape, no rules)."""
    actual = copy.deepcopy(part)
    actual.pop("matchingRules", None)
    actual.pop("generators", None)
    return actual


def test_the_examples_match_their_own_rules(interaction: dict[str, Any]) -> None:
    request = compile_request(parse_request(interaction["request"], "4"), "4")
    response = compile_response(parse_response(interaction["response"], "4"), "4")
    assert request.match(parse_request(_actual(interaction["request"]), "4")) == []
    assert response.match(parse_response(_actual(interaction["response"]), "4")) == []


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(body: dict[str, Any]) -> None:
        body[path] = value

    return change


MUTATIONS: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("integer", _set("id", 1.5), "$.id", "Expected 1.5 (Decimal) to be an integer"),
    ("decimal", _set("price", 12), "$.price", "Expected 12 (Integer) to be a decimal number"),
    ("number", _set("count", "7"), "$.count", "Expected '7' (String) to be a number"),
    ("type", _set("name", 5), "$.name", "Expected 5 (Integer) to be the same type as 'Mary' (String)"),
    ("regex", _set("code", "ab-123"), "$.code", "Expected 'ab-123' to match '[A-Z]{2}-\\d{3}'"),
    ("boolean", _set("flag", "yes"), "$.flag", "Expected 'yes' (String) to match a boolean"),
    ("null", _set("nothing", 0), "$.nothing", "Expected 0 (Integer) to be a null value"),
    (
        "date",
        _set("day", "2024-02-30"),
        "$.day",
        "Expected '2024-02-30' to match a date pattern of 'yyyy-MM-dd'",
    ),
    ("time", _set("at", "25:00:00"), "$.at", "Expected '25:00:00' to match a time pattern of 'HH:mm:ss'"),
    ("datetime", _set("stamp", "2024-05-01"), "$.stamp", "Expected '2024-05-01' to match a datetime pattern"),
    ("uuid", _set("uuid", "not-a-uuid"), "$.uuid", "Expected 'not-a-uuid' to match"),
    ("min", _set("tags", []), "$.tags", "Expected [] (size 0) to have minimum size of 1"),
    ("max", _set("items", [{"sku": "a", "qty": 1}] * 4), "$.items", "to have maximum size of 3"),
    (
        "each item",
        _set("items", [{"sku": "a", "qty": 1}, {"sku": "b", "qty": "2"}]),
        "$.items[1].qty",
        "Expected '2' (String) to be an integer",
    ),
    ("include", _set("desc", "haystack"), "$.desc", "Expected 'haystack' to include 'needle'"),
    ("eachKey", _set("map", {"abc": 1, "ABC": 2}), "$.map.ABC", "Expected 'ABC' to match '[a-z]+'"),
    ("eachValue", _set("vals", {"a": "x", "b": "1"}), "$.vals.b", "Expected '1' to match '[a-z]'"),
    (
        "arrayContains",
        _set("contains", [{"z": 1}]),
        "$.contains",
        'Variant at index 0 ({"k":"v"}) was not found',
    ),
]


@pytest.mark.parametrize(("change", "path", "message"), [pytest.param(*m[1:], id=m[0]) for m in MUTATIONS])
def test_each_rule_reports_its_mutation(
    interaction: dict[str, Any], change: Callable[[dict[str, Any]], None], path: str, message: str
) -> None:
    compiled = compile_response(parse_response(interaction["response"], "4"), "4")
    actual = _actual(interaction["response"])
    change(actual["body"]["content"])
    mismatches = compiled.match(parse_response(actual, "4"))
    assert [m.path for m in mismatches] == [path], [str(m) for m in mismatches]
    assert mismatches[0].kind is MismatchKind.BODY
    assert message in mismatches[0].message


def test_request_path_query_and_header_rules(interaction: dict[str, Any]) -> None:
    compiled = compile_request(parse_request(interaction["request"], "4"), "4")
    actual = _actual(interaction["request"])
    good = {**actual, "path": "/orders/9999", "query": {"page": ["42"]}}
    assert compiled.match(parse_request(good, "4")) == []
    bad = {
        **actual,
        "path": "/orders/x",
        "query": {"page": ["x"]},
        "headers": {**actual["headers"], "X-Trace": ["nope"]},
    }
    assert [(m.kind, m.path, m.message) for m in compiled.match(parse_request(bad, "4"))] == [
        (MismatchKind.PATH, "$", "Expected '/orders/x' to match '/orders/\\d+'"),
        (MismatchKind.QUERY, "page", "Expected 'x' (String) to be an integer"),
        (MismatchKind.HEADER, "X-Trace", "Expected 'nope' to match '\\w+-\\d'"),
    ]
