"""Property: a value produced by a generator always matches the matching rules it is paired with,
checked by the matching engine (contracts.matching), for V3 and V4 parts."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.generators import GeneratorContext, example_for_rules, generate_message, generate_response
from contracts.matching import compile_message, compile_response
from contracts.model import Body, actual_message, actual_response
from contracts.pact_parts import parse_message_part, parse_response

DATE_FORMATS = ["yyyy-MM-dd", "dd/MM/yyyy", "yyyyMMdd", "MMM d, yyyy", "EEE dd MMM yyyy"]
TIME_FORMATS = ["HH:mm:ss", "HH:mm", "hh:mm a", "HH:mm:ss.SSS"]
DATETIME_FORMATS = ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "yyyy-MM-dd HH:mm:ssZ"]
REGEXES = [
    r"\d{1,8}",
    r"[A-Z]{2}-\d{3,5}",
    r"(GET|POST|PUT)",
    r"[a-z]+(\.[a-z]+)*@example\.com",
    r"[0-9a-f]{4}",
]


@st.composite
def generator_with_rule(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """(generator, matcher that describes its output, example value)."""
    kind = draw(
        st.sampled_from(
            [
                "RandomInt",
                "RandomDecimal",
                "RandomHexadecimal",
                "RandomString",
                "Regex",
                "Uuid",
                "Date",
                "Time",
                "DateTime",
                "RandomBoolean",
            ]
        )
    )
    if kind == "RandomInt":
        low = draw(st.integers(-1000, 1000))
        high = draw(st.integers(low, low + 5000))
        return {"type": kind, "min": low, "max": high}, {"match": "integer"}, 0
    if kind == "RandomDecimal":
        digits = draw(st.integers(2, 12))
        return {"type": kind, "digits": digits}, {"match": "decimal"}, 1.5
    if kind == "RandomHexadecimal":
        digits = draw(st.integers(1, 20))
        return {"type": kind, "digits": digits}, {"match": "regex", "regex": f"[0-9A-F]{{{digits}}}"}, "A"
    if kind == "RandomString":
        size = draw(st.integers(0, 30))
        return {"type": kind, "size": size}, {"match": "regex", "regex": f"[A-Za-z0-9]{{{size}}}"}, "s"
    if kind == "Regex":
        regex = draw(st.sampled_from(REGEXES))
        return {"type": kind, "regex": regex}, {"match": "regex", "regex": regex}, "x"
    if kind == "Uuid":
        fmt, regex = draw(
            st.sampled_from(
                [
                    ("simple", "[0-9a-f]{32}"),
                    ("lower-case-hyphenated", "[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"),
                    ("upper-case-hyphenated", "[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}"),
                    ("URN", "urn:uuid:[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"),
                ]
            )
        )
        return {"type": kind, "format": fmt}, {"match": "regex", "regex": regex}, "u"
    if kind == "Date":
        fmt = draw(st.sampled_from(DATE_FORMATS))
        return {"type": kind, "format": fmt}, {"match": "date", "format": fmt}, "d"
    if kind == "Time":
        fmt = draw(st.sampled_from(TIME_FORMATS))
        return {"type": kind, "format": fmt}, {"match": "time", "format": fmt}, "t"
    if kind == "DateTime":
        fmt = draw(st.sampled_from(DATETIME_FORMATS))
        return {"type": kind, "format": fmt}, {"match": "datetime", "format": fmt}, "dt"
    return {"type": kind}, {"match": "boolean"}, False


def _response(
    version: str, example: Any, matcher: dict[str, Any], generator: dict[str, Any]
) -> dict[str, Any]:
    content = {"value": example, "list": [{"value": example}, {"value": example}]}
    rules = {"$.value": {"matchers": [matcher]}, "$.list[*].value": {"matchers": [matcher]}}
    generators = {"$.value": generator, "$.list[*].value": generator}
    body: Any = (
        {"content": content, "contentType": "application/json", "encoded": False}
        if version == "4"
        else content
    )
    return {
        "status": 200,
        "headers": {"Content-Type": "application/json"},
        "body": body,
        "matchingRules": {"body": rules},
        "generators": {"body": generators},
    }


@settings(max_examples=150, deadline=None)
@given(generator_with_rule(), st.sampled_from(["3", "4"]), st.integers(0, 2**32))
def test_generated_values_match_their_rules(
    case: tuple[dict[str, Any], dict[str, Any], Any], version: str, seed: int
) -> None:
    generator, matcher, example = case
    expected = _response(version, example, matcher, generator)
    generated = generate_response(expected, version, context=GeneratorContext(rng=random.Random(seed)))
    content = generated["body"]["content"] if version == "4" else generated["body"]
    actual = actual_response(
        200, {"Content-Type": "application/json"}, Body(content).to_bytes(), spec_version=version
    )
    assert compile_response(parse_response(expected, version), version).match(actual) == [], content


@settings(max_examples=60, deadline=None)
@given(generator_with_rule(), st.integers(0, 2**32))
def test_generated_message_contents_match_their_rules(
    case: tuple[dict[str, Any], dict[str, Any], Any], seed: int
) -> None:
    generator, matcher, example = case
    expected = {
        "contents": {"content": {"v": example}, "contentType": "application/json", "encoded": False},
        "matchingRules": {"content": {"$.v": {"matchers": [matcher]}}},
        "generators": {"content": {"$.v": generator}},
    }
    generated = generate_message(expected, "4", context=GeneratorContext(rng=random.Random(seed)))
    actual = actual_message(Body(generated["contents"]["content"]).to_bytes(), {}, "application/json")
    assert compile_message(parse_message_part(expected, "4"), "4").match(actual) == []


@st.composite
def rule_with_example(draw: st.DrawFn) -> tuple[dict[str, Any], Any]:
    return draw(
        st.sampled_from(
            [
                ({"match": "regex", "regex": r"[A-Z]{3}-\d{2,4}"}, "ABC-12"),
                ({"match": "integer"}, 7),
                ({"match": "decimal"}, 7.5),
                ({"match": "number"}, 7),
                ({"match": "boolean"}, True),
                ({"match": "type"}, "text"),
                ({"match": "type", "min": 2}, [{"a": 1}]),
                ({"match": "type", "max": 2}, [1, 2, 3]),
                ({"match": "date", "format": "yyyy-MM-dd"}, "2020-01-01"),
                ({"match": "time", "format": "HH:mm"}, "10:00"),
                ({"match": "datetime", "format": "yyyy-MM-dd'T'HH:mm:ssXXX"}, "2020-01-01T10:00:00Z"),
                ({"match": "semver"}, "1.2.3"),
                ({"match": "equality"}, "fixed"),
                ({"match": "include", "value": "ix"}, "fixed"),
                ({"match": "null"}, None),
            ]
        )
    )


@settings(max_examples=100, deadline=None)
@given(rule_with_example(), st.integers(0, 2**32))
def test_fresh_examples_match_their_rules(case: tuple[dict[str, Any], Any], seed: int) -> None:
    matcher, example = case
    rules = {"matchers": [matcher]}
    expected = {
        "status": 200,
        "headers": {"Content-Type": "application/json"},
        "body": {"field": example},
        "matchingRules": {"body": {"$.field": rules}},
    }
    fresh = example_for_rules(rules, example, rng=random.Random(seed))
    actual = actual_response(
        200, {"Content-Type": "application/json"}, Body({"field": fresh}).to_bytes(), spec_version="3"
    )
    assert compile_response(parse_response(expected, "3"), "3").match(actual) == [], fresh
