"""The quick paths of response matching must agree with the reference matcher.

`json_acceptor(plan, expected)(actual)` is exactly `not plan.match(actual)`; `RawResponseMatcher.accepts`
answers True only for responses the reference path (`actual_response` -> `CompiledResponse.match`)
finds no mismatch in. Both run over the Pact specification test cases and random documents.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from geventhttpclient.header import Headers
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.matching.json_accept import json_acceptor
from contracts.matching.json_plan import JsonPlan
from contracts.matching.matchers import fast_scalar, scalar_types
from contracts.matching.raw_response import RawResponseMatcher, single_header_values
from contracts.pact_parts import parse_response
from contracts.rules import RuleCategory, parse_matcher, parse_matching_rules
from tests.contracts.matching.test_json_plan import RULE_SETS, _bodies, _json_body_cases, json_values
from tests.support import SHARED, need

CASES = SHARED / "pact-spec-testcases"


@pytest.mark.parametrize("case_file", _json_body_cases())
def test_acceptor_agrees_with_the_plan_on_spec_cases(case_file: Path | None) -> None:
    need(case_file is not None, f"{CASES} is missing")
    assert case_file is not None
    bodies = _bodies(case_file)
    assert bodies is not None
    expected, actual = bodies
    case = json.loads(case_file.read_text(encoding="utf-8-sig"))
    rules = parse_matching_rules(case["expected"].get("matchingRules"), body_category="content").body
    for strict in (False, True):
        plan = JsonPlan(expected, rules, strict=strict)
        acceptor = json_acceptor(plan, expected)
        if acceptor is not None:
            assert acceptor(actual) is (not plan.match(actual))
            assert acceptor(expected) is (not plan.match(expected))


@settings(max_examples=500, deadline=None)
@given(
    expected=json_values,
    actual=json_values,
    rule_set=st.sampled_from(range(len(RULE_SETS))),
    strict=st.booleans(),
)
def test_acceptor_agrees_with_the_plan_on_random_documents(
    expected: Any, actual: Any, rule_set: int, strict: bool
) -> None:
    rules: RuleCategory = parse_matching_rules({"body": RULE_SETS[rule_set]}).body
    plan = JsonPlan(expected, rules, strict=strict)
    acceptor = json_acceptor(plan, expected)
    if acceptor is not None:
        assert acceptor(actual) is (not plan.match(actual))


def test_plans_that_delegate_to_the_comparer_get_no_acceptor() -> None:
    rules = parse_matching_rules({"body": {"$.a": {"matchers": [{"match": "values"}]}}}).body
    assert json_acceptor(JsonPlan({"a": {"x": 1}}, rules, strict=False), {"a": {"x": 1}}) is None
    contains = {"$": {"matchers": [{"match": "arrayContains", "variants": [{"index": 0, "rules": {}}]}]}}
    rules = parse_matching_rules({"body": contains}).body
    assert json_acceptor(JsonPlan([1], rules, strict=False), [1]) is None


def _raw(part: dict[str, Any], version: str) -> tuple[int, list[tuple[str, str]], bytes | None]:
    """A response of a spec case as it comes off the wire: status, header lines, body bytes."""
    response = parse_response(part, version)
    pairs = [
        (name, str(item))
        for name, value in response.headers.items()
        for item in (value if isinstance(value, list) else [value])
    ]
    body = response.body
    if body is not None and body.content_type and not any(n.lower() == "content-type" for n, _ in pairs):
        pairs.append(("Content-Type", body.content_type))
    return response.status or 200, pairs, body.to_bytes() if body is not None else None


def _response_cases() -> list[Any]:
    if not CASES.is_dir():
        return [pytest.param(None, id="pact-spec-testcases-missing")]
    return [
        pytest.param(path, id=path.relative_to(CASES).with_suffix("").as_posix())
        for path in sorted(CASES.glob("v*/response/*/*.json"))
    ]


@pytest.mark.parametrize("case_file", _response_cases())
def test_accepted_spec_responses_have_no_mismatch(case_file: Path | None) -> None:
    need(case_file is not None, f"{CASES} is missing")
    assert case_file is not None
    case = json.loads(case_file.read_text(encoding="utf-8-sig"))
    version = case_file.relative_to(CASES).parts[0].lstrip("v")
    matcher = RawResponseMatcher(parse_response(case["expected"], version), version)
    status, pairs, body = _raw(case["actual"], version)
    for headers in (Headers(pairs), dict(pairs)):
        values = single_header_values(matcher.header_names, headers)
        if matcher.accepts(status, values, body):
            assert matcher.match(status, pairs, body) == []
            assert case["match"] is True, case_file.name
    expected_status, expected_pairs, expected_body = _raw(case["expected"], version)
    values = single_header_values(matcher.header_names, Headers(expected_pairs))
    if matcher.accepts(expected_status, values, expected_body):
        assert matcher.match(expected_status, expected_pairs, expected_body) == []


CONTRACTS = [
    {
        "status": 200,
        "headers": {"Content-Type": "application/json"},
        "body": [{"id": 1, "name": "Widget", "price": 9.99}],
        "matchingRules": {
            "body": {
                "$": {"matchers": [{"match": "type", "min": 1}]},
                "$[*].id": {"matchers": [{"match": "integer"}]},
                "$[*].price": {"matchers": [{"match": "decimal"}]},
            }
        },
    },
    {"status": 200, "headers": {"Content-Type": "application/json"}, "body": {"id": 1, "tags": ["a"]}},
    {"status": 204},
    {"status": 200, "headers": {"X-Version": "1", "Cache-Control": "no-cache, no-store"}},
    {"status": 200, "body": ""},
    {
        "status": 201,
        "headers": {"Content-Type": "application/json; charset=utf-8"},
        "body": {"id": 7, "status": "new"},
        "matchingRules": {
            "body": {"$.id": {"matchers": [{"match": "integer"}]}},
            "header": {"Content-Type": {"matchers": [{"match": "regex", "regex": "application/.*json.*"}]}},
        },
    },
]
CONTENT_TYPES = [
    "application/json",
    "application/json; charset=utf-8",
    "application/json;charset=latin-1",
    "application/json; charset=bogus",
    "application/hal+json",
    "Application/JSON",
    "text/plain",
    "",
]
documents = st.one_of(
    json_values.map(lambda value: json.dumps(value).encode()),
    st.just(b'[{"id": 1, "name": "Widget", "price": 9.99}]'),
    st.sampled_from([b"", b"null", b'"text"', b"{", b"\xff\xfe{}", b"[]", b"{}"]),
)
header_lines = st.lists(
    st.tuples(
        st.sampled_from(["Content-Type", "content-type", "X-Version", "Cache-Control", "Date"]),
        st.sampled_from([*CONTENT_TYPES, "1", "2", "no-cache, no-store", "no-cache,no-store"]),
    ),
    max_size=4,
)


@settings(max_examples=1500, deadline=None)
@given(
    contract=st.sampled_from(range(len(CONTRACTS))),
    version=st.sampled_from(["2", "3", "4"]),
    status=st.sampled_from([200, 201, 204, 500]),
    lines=header_lines,
    body=documents,
)
def test_accepted_raw_responses_have_no_mismatch(
    contract: int, version: str, status: int, lines: list[tuple[str, str]], body: bytes
) -> None:
    part = dict(CONTRACTS[contract])
    if version == "2" and "matchingRules" in part:
        part.pop("matchingRules")
    matcher = RawResponseMatcher(parse_response(part, version), version)
    values = single_header_values(matcher.header_names, Headers(lines))
    if matcher.accepts(status, values, body):
        assert matcher.match(status, lines, body) == []


def test_matching_responses_are_accepted_and_others_are_left_to_the_reference() -> None:
    matcher = RawResponseMatcher(parse_response(CONTRACTS[0], "4"), "4")
    assert matcher.header_names == ("content-type",)
    good = b'[{"id": 2, "name": "Gadget", "price": 1.5, "extra": true}]'
    assert matcher.accepts(200, ("application/json",), good)
    assert not matcher.accepts(200, ("application/json",), b'[{"id": "2", "price": 1.5}]')
    assert matcher.match(200, [("Content-Type", "application/json")], b'[{"id": "2", "price": 1.5}]')
    assert not matcher.accepts(200, ("application/json",), b"[]")  # min 1
    assert not matcher.accepts(500, ("application/json",), good)
    assert not matcher.accepts(200, (None,), good)  # missing or repeated Content-Type: the reference decides
    twice = matcher.match(200, [("Content-Type", "application/json")] * 2, good)
    assert [(m.kind.value, m.actual) for m in twice] == [("header", "application/json, application/json")]
    no_body = RawResponseMatcher(parse_response(CONTRACTS[2], "4"), "4")
    assert no_body.accepts(204, ("text/plain",), b"anything")
    assert single_header_values(("content-type", "x-a"), Headers([("X-A", "1"), ("x-a", "2")])) == (
        None,
        None,
    )
    assert single_header_values(("content-type",), {"Content-Type": "a/b"}) == ("a/b",)
    assert single_header_values(("content-type",), {"Content-Type": ["a/b"]}) == (None,)


# Rule sets whose values are checked by their type alone (inline in the acceptor) and arrays whose size
# alone is checked as a whole (bounds in the acceptor): the quick path's own shortcuts.
TYPED_RULE_SETS = [
    {
        "$": {"matchers": [{"match": "type", "min": 1}]},
        "$[*].id": {"matchers": [{"match": "integer"}]},
        "$[*].name": {"matchers": [{"match": "type"}]},
        "$[*].price": {"matchers": [{"match": "decimal"}]},
    },
    {
        "$.id": {"matchers": [{"match": "integer"}]},
        "$.price": {"matchers": [{"match": "number"}]},
        "$.ok": {"matchers": [{"match": "type"}]},
        "$.tags": {"matchers": [{"match": "type", "min": 1, "max": 2}]},
        "$.tags[*]": {"matchers": [{"match": "type"}]},
    },
    {"$": {"matchers": [{"match": "type", "max": 1}]}, "$[*].*": {"matchers": [{"match": "decimal"}]}},
    {"$.*": {"matchers": [{"match": "integer"}, {"match": "decimal"}], "combine": "OR"}},
]
TYPED_EXPECTED = [
    [{"id": 1, "name": "Widget", "price": 9.99}],
    {"id": 1, "price": 2, "ok": True, "tags": ["a"], "note": None},
    [{"a": 1.5, "b": 2.5}],
    {"a": 1, "b": 2.5},
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([0.5, 9.99, -1.0]),
    st.sampled_from(["", "a"]),
)
near_documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(["id", "name", "price", "ok", "tags", "note", "a", "b"]), children),
    ),
    max_leaves=12,
)


@settings(max_examples=1500, deadline=None)
@given(
    case=st.sampled_from(range(len(TYPED_RULE_SETS))),
    expected_case=st.sampled_from(range(len(TYPED_EXPECTED))),
    actual=st.one_of(near_documents, st.sampled_from(TYPED_EXPECTED)),
    strict=st.booleans(),
)
def test_inline_type_and_size_checks_agree_with_the_plan(
    case: int, expected_case: int, actual: Any, strict: bool
) -> None:
    rules: RuleCategory = parse_matching_rules({"body": TYPED_RULE_SETS[case]}).body
    expected = TYPED_EXPECTED[expected_case]
    plan = JsonPlan(expected, rules, strict=strict)
    acceptor = json_acceptor(plan, expected)
    if acceptor is not None:
        assert acceptor(actual) is (not plan.match(actual))


def test_scalar_types_are_the_types_the_scalar_check_accepts() -> None:

    values: list[Any] = [None, True, False, 0, 1, -2, 0.0, 2.5, "", "1", "x", [], [1], {}, {"a": 1}]
    for match in ("type", "integer", "decimal", "number", "boolean", "regex"):
        definition = {"match": match, **({"regex": "1"} if match == "regex" else {})}
        matcher = parse_matcher(definition)
        check = fast_scalar(matcher)
        for expected in values:
            types = scalar_types(matcher, expected)
            if types is None:
                continue
            for actual in values:
                assert (type(actual) in types) is (check(expected, actual, False) is None), (
                    match,
                    expected,
                    actual,
                )


@pytest.mark.parametrize(
    "body",
    [
        b'[{"id": 2, "name": "Gadget", "price": 1.5}]',
        b' [{"id": 2, "name": "Gadget", "price": 1.5}]\n',
        b'[{"id": 2, "name": "Gadget", "price": 1.5}] x',
        b'[{"id": 2, "name": "Gadget", "price": 1.5}][]',
        b'\xef\xbb\xbf[{"id": 2, "name": "Gadget", "price": 1.5}]',
        b"[]",
        b'[{"id": 2, "name": "Gadget", "price": "1.5"}]',
        b'[{"id": 2, "name": "Gadget", "price": NaN}]',
    ],
)
def test_quick_json_parse_accepts_exactly_what_the_reference_accepts(body: bytes) -> None:
    matcher = RawResponseMatcher(parse_response(CONTRACTS[0], "4"), "4")
    reference = matcher.match(200, [("Content-Type", "application/json")], body)
    assert matcher.accepts(200, ("application/json",), body) is (reference == [])
