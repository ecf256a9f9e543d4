"""Each matcher on its own: verdicts and the exact mismatch messages and paths it reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from contracts.errors import ContractError, MatchingRuleError
from contracts.matching import match_message, match_request, match_response
from contracts.mismatches import Mismatch, MismatchKind


def body_rules(rules: dict[str, Any]) -> dict[str, Any]:
    return {"body": {path: {"matchers": matchers} for path, matchers in rules.items()}}


def response(body: Any, rules: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    part: dict[str, Any] = {"status": 200, "headers": {"Content-Type": "application/json"}, "body": body}
    if rules is not None:
        part["matchingRules"] = body_rules(rules)
    part.update(extra)
    return part


def check(expected_body: Any, actual_body: Any, rules: dict[str, Any]) -> list[tuple[str, str]]:
    mismatches = match_response(response(expected_body, rules), response(actual_body), "3")
    return [(m.path, m.message) for m in mismatches]


# ----------------------------------------------------------------------------------------- scalars


def test_equality_reports_both_values_with_their_types() -> None:
    assert check({"a": "OK"}, {"a": "Lovely"}, {"$.a": [{"match": "equality"}]}) == [
        ("$.a", "Expected 'Lovely' (String) to be equal to 'OK' (String)")
    ]


def test_plain_equality_keeps_json_kinds_apart() -> None:
    assert check({"a": 1}, {"a": True}, {}) == [("$.a", "Expected true (Boolean) to be equal to 1 (Integer)")]
    assert check({"a": 1}, {"a": 1.0}, {}) == [("$.a", "Expected 1.0 (Decimal) to be equal to 1 (Integer)")]
    assert check({"a": "1"}, {"a": 1}, {}) == [("$.a", "Expected 1 (Integer) to be equal to '1' (String)")]
    assert check({"a": None}, {"a": None}, {}) == []


@pytest.mark.parametrize(
    ("actual", "ok"), [("abc123", True), ("abc1234", False), ("xabc123", False), (500, False), ("a|b", False)]
)
def test_regex_matches_the_whole_value(actual: Any, ok: bool) -> None:
    result = check({"a": "abc123"}, {"a": actual}, {"$.a": [{"match": "regex", "regex": "\\w{3}\\d{3}"}]})
    assert (result == []) is ok
    if not ok:
        text = actual if isinstance(actual, str) else str(actual)
        assert result == [("$.a", f"Expected '{text}' to match '\\w{{3}}\\d{{3}}'")]


def test_regex_applies_to_the_text_of_numbers_and_alternations_are_anchored() -> None:
    assert check({"a": 1.5}, {"a": 500.55}, {"$.a": [{"match": "regex", "regex": "\\d+\\.\\d+"}]}) == []
    assert check({"a": "a"}, {"a": "ab"}, {"$.a": [{"match": "regex", "regex": "a|b"}]}) == [
        ("$.a", "Expected 'ab' to match 'a|b'")
    ]


def test_type_treats_integers_and_decimals_alike_but_not_booleans() -> None:
    rules = {"$.a": [{"match": "type"}]}
    assert check({"a": 1}, {"a": 2.5}, rules) == []
    assert check({"a": 1}, {"a": True}, rules) == [
        ("$.a", "Expected true (Boolean) to be the same type as 1 (Integer)")
    ]
    assert check({"a": "a"}, {"a": 100}, rules) == [
        ("$.a", "Expected 100 (Integer) to be the same type as 'a' (String)")
    ]


def test_include() -> None:
    rules = {"$.a": [{"match": "include", "value": "a"}]}
    assert check({"a": "cat"}, {"a": "bat"}, rules) == []
    assert check({"a": "cat"}, {"a": "dog"}, rules) == [("$.a", "Expected 'dog' to include 'a'")]


@pytest.mark.parametrize(
    ("matcher", "actual", "message"),
    [
        ("number", 1, None),
        ("number", 1.5, None),
        ("number", "1", "Expected '1' (String) to be a number"),
        ("number", False, "Expected false (Boolean) to be a number"),
        ("integer", 7, None),
        ("integer", 7.5, "Expected 7.5 (Decimal) to be an integer"),
        ("integer", [], "Expected [] (Array) to be an integer"),
        ("decimal", 7.25, None),
        ("decimal", 7, "Expected 7 (Integer) to be a decimal number"),
        ("null", None, None),
        ("null", "", "Expected '' (String) to be a null value"),
        ("boolean", False, None),
        ("boolean", "true", None),
        ("boolean", 0, "Expected 0 (Integer) to match a boolean"),
        ("notEmpty", "x", None),
        ("notEmpty", "", "Expected '' (String) to not be empty"),
        ("notEmpty", None, "Expected null (Null) to not be empty"),
        ("semver", "1.2.3-rc.1+build.5", None),
        ("semver", "1.0", "'1.0' is not a valid semantic version"),
        ("semver", "01.0.0", "'01.0.0' is not a valid semantic version"),
    ],
)
def test_kind_matchers_in_json_bodies(matcher: str, actual: Any, message: str | None) -> None:
    result = check({"a": "x"}, {"a": actual}, {"$.a": [{"match": matcher}]})
    assert result == ([] if message is None else [("$.a", message)])


@pytest.mark.parametrize(
    ("rule", "actual", "ok"),
    [
        ({"match": "date", "format": "yyyy-MM-dd"}, "2023-07-19", True),
        ({"match": "date", "format": "yyyy-MM-dd"}, "2023-13-19", False),
        ({"match": "date", "format": "dd/MM/yyyy"}, "19/07/2023", True),
        ({"match": "date", "format": "yyyy-MM-dd"}, "2023-02-29", False),
        ({"match": "date", "format": "yyyy-MM-dd"}, "2024-02-29", True),
        ({"match": "date", "format": "yyyy-MM-dd"}, "2024-04-31", False),
        ({"match": "date", "format": "EEE, d MMM yyyy"}, "Wed, 4 Jul 2001", True),
        ({"match": "date"}, "2023-07-19", True),
        ({"match": "time", "format": "HH:mm:ss"}, "23:59:01", True),
        ({"match": "time", "format": "HH:mm:ss"}, "24:00:00", False),
        ({"match": "time", "format": "h:mm a"}, "9:05 PM", True),
        (
            {"match": "timestamp", "format": "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"},
            "2024-05-01T10:12:13.123+10:00",
            True,
        ),
        ({"match": "timestamp", "format": "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"}, "2024-05-01T10:12:13.123Z", True),
        ({"match": "datetime", "format": "yyyy-MM-dd'T'HH:mm:ssZ"}, "2024-05-01T10:12:13+1000", True),
        ({"match": "datetime", "format": "yyyy-MM-dd HH:mm"}, "2024-05-01T10:12", False),
        ({"timestamp": "yyyy-MM-dd"}, "2024-05-01", True),
    ],
)
def test_date_time_patterns(rule: dict[str, Any], actual: str, ok: bool) -> None:
    assert (check({"a": "x"}, {"a": actual}, {"$.a": [rule]}) == []) is ok


def test_date_mismatch_message_names_the_pattern() -> None:
    assert check({"a": "x"}, {"a": "23/07/19"}, {"$.a": [{"match": "date", "format": "yyyy-MM-dd"}]}) == [
        ("$.a", "Expected '23/07/19' to match a date pattern of 'yyyy-MM-dd'")
    ]


# -------------------------------------------------------------------------------------- collections


def test_min_and_max_apply_at_their_own_path_only() -> None:
    rules = {"$.a": [{"match": "type", "min": 2, "max": 3}]}
    assert check({"a": [1, 2]}, {"a": [5, 6, 7]}, rules) == []
    assert check({"a": [1, 2]}, {"a": [5]}, rules) == [
        ("$.a", "Expected [5] (size 1) to have minimum size of 2")
    ]
    assert check({"a": [1, 2]}, {"a": [1, 2, 3, 4]}, rules) == [
        ("$.a", "Expected [1, 2, 3, 4] (size 4) to have maximum size of 3")
    ]
    # inherited: the nested list is compared by type, any length
    assert check({"a": [[1]]}, {"a": [[1], [2, 3, 4, 5]]}, rules) == []


def test_arrays_without_rules_must_have_the_same_length_even_in_responses() -> None:
    assert check({"a": [1, 2]}, {"a": [1, 2, 3]}, {}) == [
        ("$.a", "Expected a List with 2 elements but received 3 elements")
    ]
    assert check({"a": [1, 2]}, {"a": [1]}, {}) == [
        ("$.a[1]", "Expected 2 but was missing"),
        ("$.a", "Expected a List with 2 elements but received 1 elements"),
    ]


def test_a_rule_only_on_items_does_not_relax_the_length() -> None:
    assert check({"a": [1]}, {"a": [1, 2]}, {"$.a[*]": [{"match": "type"}]}) == [
        ("$.a", "Expected a List with 1 elements but received 2 elements")
    ]


def test_cascading_type_and_equality_reset() -> None:
    rules = {"$.one": [{"match": "type"}], "$.one.a.status": [{"match": "equality"}]}
    expected = {"one": {"a": {"ids": [1, 2], "status": "OK"}, "b": "x"}}
    assert check(expected, {"one": {"a": {"ids": [9], "status": "OK"}, "b": "y"}}, rules) == []
    assert check(expected, {"one": {"a": {"ids": [9], "status": "BAD"}, "b": "y"}}, rules) == [
        ("$.one.a.status", "Expected 'BAD' (String) to be equal to 'OK' (String)")
    ]


def test_most_specific_rule_wins() -> None:
    rules = {
        "$.items": [{"match": "type"}],
        "$.items[*].id": [{"match": "integer"}],
        "$.items[1].id": [{"match": "regex", "regex": "x\\d"}],
    }
    expected = {"items": [{"id": 1}]}
    assert check(expected, {"items": [{"id": 5}, {"id": "x1"}, {"id": 7}]}, rules) == []
    assert check(expected, {"items": [{"id": 5}, {"id": 6}, {"id": "7"}]}, rules) == [
        ("$.items[1].id", "Expected '6' to match 'x\\d'"),
        ("$.items[2].id", "Expected '7' (String) to be an integer"),
    ]


def test_wildcard_paths_and_bracket_notation() -> None:
    rules = {"$.*.level[*].id": [{"match": "integer"}], "$['odd key']": [{"match": "type"}]}
    expected = {"x": {"level": [{"id": 1}, {"id": 2}]}, "odd key": "a"}
    assert check(expected, {"x": {"level": [{"id": 2}, {"id": "3"}]}, "odd key": "b"}, rules) == [
        ("$.x.level[1].id", "Expected '3' (String) to be an integer")
    ]
    assert check(expected, {"x": {"level": [{"id": 2}, {"id": 3}]}, "odd key": 1}, rules) == [
        ("$['odd key']", "Expected 1 (Integer) to be the same type as 'a' (String)")
    ]


def test_structural_mismatch_comes_before_any_rule() -> None:
    assert check({"a": ["b"]}, {"a": "b"}, {"$.a": [{"match": "notEmpty"}]}) == [
        ("$.a", "Type mismatch: Expected 'b' (String) to be the same type as [\"b\"] (Array)")
    ]


def test_values_ignores_keys_and_compares_each_value_with_the_first_example() -> None:
    rules = {"$": [{"match": "values"}], "$.*": [{"match": "type"}]}
    assert check({"one": "a", "two": "b"}, {"x": "", "y": "z"}, rules) == []
    assert check({"one": "a"}, {"x": "", "four": 100}, rules) == [
        ("$.four", "Expected 100 (Integer) to be the same type as 'a' (String)")
    ]


def test_each_key_and_each_value() -> None:
    each_key = {"$": [{"match": "eachKey", "rules": [{"match": "regex", "regex": "[a-z]+"}]}]}
    assert check({"one": "a"}, {"one": "a", "two": "b"}, each_key) == []
    assert check({"one": "a"}, {"one": "a", "100": "b"}, each_key) == [
        ("$[100]", "Expected '100' to match '[a-z]+'")
    ]
    each_value = {"$.m": [{"match": "eachValue", "rules": [{"match": "regex", "regex": "[a-z]+"}]}]}
    assert check({"m": {"one": "a"}}, {"m": {"x": "b", "y": "c"}}, each_value) == []
    assert check({"m": {"one": "a"}}, {"m": {"x": "b", "y": "100"}}, each_value) == [
        ("$.m.y", "Expected '100' to match '[a-z]+'")
    ]


def test_array_contains_finds_each_variant_anywhere() -> None:
    rules = {
        "$.actions": [
            {
                "match": "arrayContains",
                "variants": [
                    {"index": 0, "rules": {"$.name": {"matchers": [{"match": "regex", "regex": "add.*"}]}}},
                    {"index": 1, "rules": {}},
                ],
            }
        ]
    }
    expected = {"actions": [{"name": "add"}, {"name": "delete"}]}
    assert (
        check(expected, {"actions": [{"name": "other"}, {"name": "delete"}, {"name": "add-item"}]}, rules)
        == []
    )
    assert check(expected, {"actions": [{"name": "add-item"}]}, rules) == [
        ("$.actions", 'Variant at index 1 ({"name":"delete"}) was not found in the actual list')
    ]


def test_combine_or_passes_when_one_matcher_passes() -> None:
    rules = {"body": {"$.a": {"combine": "OR", "matchers": [{"match": "integer"}, {"match": "null"}]}}}
    expected = {"status": 200, "body": {"a": 1}, "matchingRules": rules}
    assert match_response(expected, {"status": 200, "body": {"a": None}}, "3") == []
    failed = match_response(expected, {"status": 200, "body": {"a": "x"}}, "3")
    assert [m.message for m in failed] == [
        "Expected 'x' (String) to be an integer",
        "Expected 'x' (String) to be a null value",
    ]


def test_strict_requests_and_lenient_responses_for_unexpected_keys() -> None:
    request = {
        "method": "POST",
        "path": "/",
        "body": {"one": 1},
        "headers": {"Content-Type": "application/json"},
    }
    actual = {**request, "body": {"one": 1, "two": 2}}
    [mismatch] = match_request(request, actual, "3")
    assert mismatch.kind is MismatchKind.BODY
    assert mismatch.path == "$"
    assert mismatch.message == "Expected a Map with keys [one] but received one with keys [one, two]"
    assert match_response(response({"one": 1}), response({"one": 1, "two": 2}), "3") == []
    [missing] = match_response(response({"one": 1, "two": 2}), response({"one": 1}), "3")
    assert missing.message == "Actual map is missing the following keys: two"


def test_v2_flat_rules_and_v4_categories_are_both_understood() -> None:
    v2 = {
        "status": 200,
        "headers": {"Content-Type": "application/json"},
        "body": {"id": 1},
        "matchingRules": {"$.body.id": {"match": "type"}, "$.headers.X-Id": {"regex": "\\d+"}},
    }
    assert (
        match_response(
            {**v2, "headers": {**v2["headers"], "X-Id": "1"}},
            response({"id": 2}, None, headers={"Content-Type": "application/json", "X-Id": "12"}),
            "2",
        )
        == []
    )
    [mismatch] = match_response(
        {**v2, "headers": {**v2["headers"], "X-Id": "1"}},
        response({"id": 2}, None, headers={"Content-Type": "application/json", "X-Id": "1a"}),
        "2",
    )
    assert (mismatch.kind, mismatch.path) == (MismatchKind.HEADER, "X-Id")
    assert "Expected '1a' to match '\\d+'" in mismatch.message


# ----------------------------------------------------------------------- status, path, query, headers


def test_status_code_matcher() -> None:
    expected = {
        "status": 200,
        "matchingRules": {"status": {"matchers": [{"match": "statusCode", "status": "success"}]}},
    }
    assert match_response(expected, {"status": 204}, "4") == []
    [mismatch] = match_response(expected, {"status": 400}, "4")
    assert mismatch.kind is MismatchKind.STATUS
    assert mismatch.message == "Expected status code 400 to be a Successful response (200\u2013299)"
    listed = {
        "status": 200,
        "matchingRules": {"status": {"matchers": [{"match": "statusCode", "status": [200, 201]}]}},
    }
    assert match_response(listed, {"status": 201}, "4") == []
    assert [m.message for m in match_response(listed, {"status": 202}, "4")] == [
        "Expected status code 202 to be one of [200, 201]"
    ]


def test_status_without_rules_is_exact() -> None:
    [mismatch] = match_response({"status": 200}, {"status": 201}, "1")
    assert (mismatch.kind, mismatch.expected, mismatch.actual) == (MismatchKind.STATUS, 200, 201)


def test_path_and_method() -> None:
    expected = {"method": "get", "path": "/orders/1234"}
    assert match_request(expected, {"method": "GET", "path": "/orders/1234"}, "1") == []
    mismatches = match_request(expected, {"method": "POST", "path": "/orders/1234/"}, "1")
    assert [(m.kind, m.message) for m in mismatches] == [
        (MismatchKind.METHOD, "Expected GET but received POST"),
        (MismatchKind.PATH, "Expected path '/orders/1234' but received '/orders/1234/'"),
    ]
    ruled = {
        **expected,
        "matchingRules": {"path": {"matchers": [{"match": "regex", "regex": "/orders/\\d{4}"}]}},
    }
    assert match_request(ruled, {"method": "GET", "path": "/orders/9999"}, "3") == []
    [mismatch] = match_request(ruled, {"method": "GET", "path": "/orders/99999"}, "3")
    assert (mismatch.kind, mismatch.message) == (
        MismatchKind.PATH,
        "Expected '/orders/99999' to match '/orders/\\d{4}'",
    )


def test_query_parameters() -> None:
    expected = {"method": "GET", "path": "/", "query": {"a": ["1", "2"], "b": ["x"]}}
    assert match_request(expected, {"method": "GET", "path": "/", "query": "b=x&a=1&a=2"}, "3") == []
    mismatches = match_request(
        expected, {"method": "GET", "path": "/", "query": {"a": ["2", "1"], "c": ["3"]}}, "3"
    )
    assert [(m.kind, m.path, m.message) for m in mismatches] == [
        (MismatchKind.QUERY, "a", "Expected query parameter 'a' with value '1' but was '2'"),
        (MismatchKind.QUERY, "a", "Expected query parameter 'a' with value '2' but was '1'"),
        (MismatchKind.QUERY, "b", "Expected query parameter 'b' but was missing"),
        (MismatchKind.QUERY, "c", "Unexpected query parameter 'c' received"),
    ]


def test_a_query_rule_applies_to_every_repeated_value() -> None:
    expected = {
        "method": "GET",
        "path": "/",
        "query": {"a": ["1"]},
        "matchingRules": {"query": {"a": {"matchers": [{"match": "regex", "regex": "\\d{1,4}"}]}}},
    }
    assert match_request(expected, {"method": "GET", "path": "/", "query": "a=123&a=9999&a=1"}, "3") == []
    [mismatch] = match_request(expected, {"method": "GET", "path": "/", "query": "a=1&a=12345"}, "3")
    assert (mismatch.path, mismatch.message) == ("a", "Expected '12345' to match '\\d{1,4}'")


def test_query_numbers_are_coerced_from_strings() -> None:
    rules = {"query": {"a": {"matchers": [{"match": "integer"}]}, "b": {"matchers": [{"match": "decimal"}]}}}
    expected = {"method": "GET", "path": "/", "query": {"a": ["1"], "b": ["1.5"]}, "matchingRules": rules}
    assert match_request(expected, {"method": "GET", "path": "/", "query": "a=100&b=2.25"}, "3") == []
    assert [
        m.message for m in match_request(expected, {"method": "GET", "path": "/", "query": "a=-1&b=x"}, "3")
    ] == [
        "Expected '-1' (String) to be an integer",
        "Expected 'x' (String) to be a decimal number",
    ]


def test_headers() -> None:
    expected = {
        "status": 200,
        "headers": {"X-Animals": "alligators, hippos", "Content-Type": "application/json"},
    }
    ok = {
        "status": 200,
        "headers": {
            "x-animals": "alligators,hippos",
            "content-type": "application/json; charset=UTF-8",
            "Other": "1",
        },
    }
    assert match_response(expected, ok, "3") == []
    [mismatch] = match_response(
        expected, {"status": 200, "headers": {"Content-Type": "application/json"}}, "3"
    )
    assert (mismatch.kind, mismatch.path, mismatch.message) == (
        MismatchKind.HEADER,
        "X-Animals",
        "Expected a header 'X-Animals' but was missing",
    )
    [order] = match_response(
        expected,
        {"status": 200, "headers": {"X-Animals": "hippos, alligators", "Content-Type": "application/json"}},
        "3",
    )
    assert (
        order.message
        == "Expected header 'X-Animals' to have value 'alligators, hippos' but was 'hippos, alligators'"
    )


def test_accept_lists_and_content_type_parameters() -> None:
    expected = {"method": "GET", "path": "/", "headers": {"Accept": "application/json, text/plain"}}
    assert (
        match_request(
            expected,
            {"method": "GET", "path": "/", "headers": {"Accept": "application/json;q=0.9, text/plain"}},
            "3",
        )
        == []
    )
    charset = {"status": 200, "headers": {"Content-Type": "application/json; charset=UTF-8"}}
    assert (
        match_response(
            charset, {"status": 200, "headers": {"Content-Type": "application/json;charset=utf-8"}}, "3"
        )
        == []
    )
    [mismatch] = match_response(
        charset, {"status": 200, "headers": {"Content-Type": "application/json"}}, "3"
    )
    assert mismatch.kind is MismatchKind.HEADER


# ------------------------------------------------------------------------------------------- bodies


def test_body_presence() -> None:
    base = {"status": 200}
    assert match_response(base, {**base, "body": {"a": 1}}, "3") == []
    assert match_response({**base, "body": None}, base, "3") == []
    [mismatch] = match_response({**base, "body": ""}, {**base, "body": {"a": 1}}, "3")
    assert mismatch.kind is MismatchKind.BODY
    [missing] = match_response({**base, "body": {"a": 1}}, base, "3")
    assert "but the body was missing" in missing.message


def test_content_type_gate() -> None:
    expected = response({"a": 1})
    header, mismatch = match_response(
        expected, {"status": 200, "headers": {"Content-Type": "application/xml"}, "body": "<a>1</a>"}, "3"
    )
    assert header.kind is MismatchKind.HEADER
    assert mismatch.kind is MismatchKind.BODY_TYPE
    assert (
        mismatch.message
        == "Expected a body of 'application/json' but the actual content type was 'application/xml'"
    )
    hal = {"status": 200, "headers": {"Content-Type": "application/hal+json"}, "body": {"a": 1}}
    assert match_response({"status": 200, "body": {"a": 1}}, hal, "3") == []


def test_text_bodies() -> None:
    expected = {"status": 200, "headers": {"Content-Type": "text/plain"}, "body": "alligator named mary"}
    [mismatch] = match_response(expected, {**expected, "body": "alligator named fred"}, "3")
    assert mismatch.message == (
        "Expected body 'alligator named mary' to match 'alligator named fred' using equality but did not match"
    )
    ruled = {
        **expected,
        "matchingRules": {"body": {"$": {"matchers": [{"match": "regex", "regex": "alligator.*"}]}}},
    }
    assert match_response(ruled, {**expected, "body": "alligator named fred"}, "3") == []


def test_form_bodies() -> None:
    form = {"method": "POST", "path": "/", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}
    expected = {**form, "body": "a=1&b=2&c=3"}
    assert match_request(expected, {**form, "body": "c=3&b=2&a=1"}, "3") == []
    [mismatch] = match_request(expected, {**form, "body": "a=1&b=2&c=33"}, "3")
    assert (mismatch.path, mismatch.message) == (
        "$.c",
        "Expected form post parameter 'c' with value '3' but was '33'",
    )


def test_v4_body_wrappers_including_base64() -> None:
    expected = {
        "status": 200,
        "body": {"contentType": "application/octet-stream", "encoded": "base64", "content": "AAEC"},
    }
    assert (
        match_response(
            expected,
            {
                "status": 200,
                "body": {"contentType": "application/octet-stream", "encoded": "base64", "content": "AAEC"},
            },
            "4",
        )
        == []
    )
    [mismatch] = match_response(
        expected,
        {"status": 200, "headers": {"Content-Type": "application/octet-stream"}, "body": b"\x00\x01\x03"},
        "4",
    )
    assert mismatch.message.startswith(
        "Actual body [application/octet-stream, 3 bytes, starting with 000103]"
    )


XML = '<?xml version="1.0"?><ns:order xmlns:ns="urn:orders" id="1"><ns:item sku="A">one</ns:item><ns:item sku="B">two</ns:item></ns:order>'


def xml_part(body: str, rules: dict[str, Any] | None = None) -> dict[str, Any]:
    part: dict[str, Any] = {"status": 200, "headers": {"Content-Type": "application/xml"}, "body": body}
    if rules:
        part["matchingRules"] = body_rules(rules)
    return part


def test_xml_namespaces_are_compared_by_uri_not_prefix() -> None:
    other_prefix = XML.replace("<ns:", "<o:").replace("</ns:", "</o:").replace("xmlns:ns", "xmlns:o")
    assert match_response(xml_part(XML), xml_part(other_prefix), "3") == []
    other_uri = XML.replace("urn:orders", "urn:other")
    assert match_response(xml_part(XML), xml_part(other_uri), "3") != []


def test_xml_attributes_and_text_with_rules() -> None:
    rules = {
        "$.order.item": [{"match": "type"}],
        "$.order.item['@sku']": [{"match": "regex", "regex": "[A-Z]"}],
        "$.order.item['#text']": [{"match": "regex", "regex": "[a-z]+"}],
    }
    changed = XML.replace('sku="B">two', 'sku="C">three').replace(
        "</ns:order>", '<ns:item sku="D">four</ns:item></ns:order>'
    )
    assert match_response(xml_part(XML, rules), xml_part(changed), "3") == []
    bad = XML.replace('sku="B"', 'sku="BB"').replace(">two<", ">2<")
    mismatches = match_response(xml_part(XML, rules), xml_part(bad), "3")
    assert [(m.path, m.message) for m in mismatches] == [
        ("$.order.item['@sku']", "Expected 'BB' to match '[A-Z]'"),
        ("$.order.item['#text']", "Expected '2' to match '[a-z]+'"),
    ]


def test_xml_missing_child() -> None:
    expected = xml_part("<a><one/><two/></a>")
    [mismatch] = match_response(expected, xml_part("<a><one/></a>"), "3")
    assert (mismatch.path, mismatch.message) == ("$.a.two", "Expected child <two/> but was missing")


# ------------------------------------------------------------------------------------------ messages


def test_message_contents_and_metadata() -> None:
    expected = {
        "contents": {"id": 1, "name": "x"},
        "metaData": {"contentType": "application/json", "Origin": "abc-1", "kind": "order"},
        "matchingRules": {
            "body": {"$.id": {"matchers": [{"match": "integer"}]}},
            "metadata": {"Origin": {"matchers": [{"match": "regex", "regex": "\\w{3}-\\d+"}]}},
        },
    }
    actual = {
        "contents": {"id": 7, "name": "x", "extra": True},
        "metaData": {"contentType": "application/json", "Origin": "xyz-99", "kind": "order"},
    }
    assert match_message(expected, actual, "3") == []
    bad = {
        "contents": {"id": "7", "name": "x"},
        "metaData": {"contentType": "application/json", "Origin": "xyz"},
    }
    assert [(m.kind, m.path, m.message) for m in match_message(expected, bad, "3")] == [
        (MismatchKind.BODY, "$.id", "Expected '7' (String) to be an integer"),
        (MismatchKind.METADATA, "Origin", "Expected 'xyz' to match '\\w{3}-\\d+'"),
        (MismatchKind.METADATA, "kind", "Expected message metadata 'kind' but was missing"),
    ]


def test_v4_message_rules_live_under_content() -> None:
    expected = {
        "contents": {"contentType": "application/json", "encoded": False, "content": {"id": 1}},
        "matchingRules": {"content": {"$.id": {"matchers": [{"match": "type"}]}}},
    }
    actual = {"contents": {"contentType": "application/json", "encoded": False, "content": {"id": 2}}}
    assert match_message(expected, actual, "4") == []


def test_v4_synchronous_message() -> None:
    expected = {
        "request": {"contents": {"contentType": "application/json", "content": {"q": 1}}},
        "response": [{"contents": {"contentType": "application/json", "content": {"a": 1}}}],
    }
    actual = {
        "request": {"contents": {"contentType": "application/json", "content": {"q": 1}}},
        "response": [{"contents": {"contentType": "application/json", "content": {"a": 2}}}],
    }
    [mismatch] = match_message(expected, actual, "4")
    assert mismatch.path == "response[0] $.a"
    [count] = match_message(expected, {**actual, "response": []}, "4")
    assert count.kind is MismatchKind.MESSAGE_COUNT


# -------------------------------------------------------------------------------------------- errors


def test_mismatches_are_frozen_typed_objects() -> None:
    [mismatch] = match_response({"status": 200}, {"status": 500}, "4")
    assert isinstance(mismatch, Mismatch)
    with pytest.raises(AttributeError):
        mismatch.path = "x"  # type: ignore[misc]
    assert mismatch.to_json() == {
        "kind": "status",
        "path": "$",
        "expected": 200,
        "actual": 500,
        "message": "Expected status 200 but was 500",
    }


def test_bad_rules_raise_a_contract_error_naming_the_problem() -> None:
    with pytest.raises(MatchingRuleError, match="not a valid regular expression"):
        match_response(
            response({"a": 1}, {"$.a": [{"match": "regex", "regex": "("}]}), response({"a": 1}), "3"
        )
    with pytest.raises(MatchingRuleError, match="unexpected"):
        match_response(response({"a": 1}, {"$.a b": [{"match": "type"}]}), response({"a": 1}), "3")
    with pytest.raises(ContractError, match="unknown pact specification version"):
        match_response({"status": 200}, {"status": 200}, "5")


def test_unknown_matchers_fail_instead_of_passing_silently() -> None:
    [mismatch] = match_response(response({"a": 1}, {"$.a": [{"match": "protobuf"}]}), response({"a": 1}), "4")
    assert mismatch.message == "Unsupported matcher 'protobuf': Tether does not run plugin matchers"


def _fixture_body(shared_dir: Path, name: str) -> tuple[str, str]:
    """A compatibility-suite `*-body.xml` fixture as (content type, body text)."""
    root = ElementTree.parse(shared_dir / "pact-compatibility-suite" / "fixtures" / name).getroot()
    contents = root.find("contents")
    assert contents is not None
    assert contents.text is not None
    text = contents.text.strip("\n")
    if contents.get("eol") == "CRLF":
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return (root.findtext("contentType") or "").strip(), text


def test_multipart_bodies_compare_part_by_part(shared_dir: Path) -> None:
    content_type, body = _fixture_body(shared_dir, "multipart-body.xml")
    other_type, other = _fixture_body(shared_dir, "multipart2-body.xml")
    expected = {
        "method": "PUT",
        "path": "/multipart",
        "headers": {"Content-Type": content_type},
        "body": body,
    }
    assert match_request(expected, expected, "1") == []
    [mismatch] = match_request(
        expected, {**expected, "headers": {"Content-Type": other_type}, "body": other}, "1"
    )
    assert mismatch.kind is MismatchKind.BODY
    assert mismatch.message == (
        "Actual body [application/octet-stream, 50 bytes, starting with "
        "7b0a2020202022626f6479223a2022546869732069732074686520626f647920] is not equal to the expected body "
        "[application/octet-stream, 97 bytes, starting with "
        "3c68746d6c3e0a20203c686561643e0a20203c2f686561643e0a20203c626f64]"
    )


def test_an_empty_actual_body_is_checked_by_a_root_rule_on_binary_bodies() -> None:
    expected = {
        "method": "PUT",
        "path": "/",
        "headers": {"Content-Type": "image/jpeg"},
        "body": {"contentType": "image/jpeg", "encoded": "base64", "content": "/9j/4AAQ"},
        "matchingRules": {"body": {"$": {"matchers": [{"match": "notEmpty"}]}}},
    }
    actual = {"method": "PUT", "path": "/", "headers": {"Content-Type": "image/jpeg"}}
    [mismatch] = match_request(expected, actual, "4")
    assert (mismatch.path, mismatch.message) == ("$", "Expected [] (0 bytes) to not be empty")


def test_message_metadata_with_json_values_and_rules() -> None:
    """The metadata scenarios of the compatibility suite's V3 message_provider feature, at matching level."""
    rules = {
        "metadata": {"Origin": {"combine": "AND", "matchers": [{"match": "regex", "regex": "\\w{3}-\\d+"}]}}
    }
    expected = {
        "contents": {"one": "a", "two": "b"},
        "metaData": {
            "contentType": "application/json",
            "Origin": "AXP-1000",
            "TagData": {"ID": "123", "weight": 100.5},
        },
        "matchingRules": rules,
    }
    actual = {
        "contents": {"one": "a", "two": "b"},
        "metaData": {
            "contentType": "application/json",
            "Origin": "AAA-123",
            "TagData": {"ID": "123", "weight": 100.5},
        },
    }
    assert match_message(expected, actual, "3") == []
    wrong = {
        **actual,
        "metaData": {**actual["metaData"], "Origin": "AAAB-123", "TagData": {"ID": "1", "weight": 100.5}},
    }
    assert [(m.kind, m.path) for m in match_message(expected, wrong, "3")] == [
        (MismatchKind.METADATA, "Origin"),
        (MismatchKind.METADATA, "TagData"),
    ]
