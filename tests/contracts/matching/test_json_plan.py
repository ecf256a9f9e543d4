"""The compiled JsonPlan must report exactly what the reference JsonComparer reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.matching.json_body import compare_json
from contracts.matching.json_plan import JsonPlan
from contracts.rules import RuleCategory, parse_matching_rules
from tests.support import SHARED, need

CASES = SHARED / "pact-spec-testcases"


def _bodies(path: Path) -> tuple[Any, Any] | None:
    """The expected and actual JSON documents of a body case, or None if it has no JSON on both sides."""
    case = json.loads(path.read_text(encoding="utf-8-sig"))
    key = "contents" if path.parts[-3] == "message" else "body"
    expected, actual = case["expected"].get(key), case["actual"].get(key)
    if path.parts[-4] == "v4":
        if not isinstance(expected, dict) or not isinstance(actual, dict):
            return None
        expected, actual = expected.get("content"), actual.get("content")
    if isinstance(expected, dict | list) and isinstance(actual, dict | list):
        return expected, actual
    return None


def _json_body_cases() -> list[Any]:
    if not CASES.is_dir():
        return [pytest.param(None, id="pact-spec-testcases-missing")]
    return [
        pytest.param(path, id=path.relative_to(CASES).with_suffix("").as_posix())
        for path in sorted(CASES.glob("v*/*/body/*.json"))
        if _bodies(path) is not None
    ]


@pytest.mark.parametrize("case_file", _json_body_cases())
def test_plan_agrees_with_comparer_on_spec_cases(case_file: Path | None) -> None:
    need(case_file is not None, f"{CASES} is missing")
    assert case_file is not None
    bodies = _bodies(case_file)
    assert bodies is not None
    expected, actual = bodies
    case = json.loads(case_file.read_text(encoding="utf-8-sig"))
    rules = parse_matching_rules(case["expected"].get("matchingRules"), body_category="content").body
    strict = case_file.parts[-3] == "request"
    assert JsonPlan(expected, rules, strict=strict).match(actual) == compare_json(
        expected, actual, rules, strict=strict
    )


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(-2, 2, allow_nan=False),
    st.sampled_from(["a", "b", "1"]),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["a", "b", "c", "0"]), inner, max_size=3)
    ),
    max_leaves=12,
)
RULE_SETS = [
    {},
    {"$": {"matchers": [{"match": "type"}]}},
    {"$.a": {"matchers": [{"match": "type", "min": 1}]}, "$.a[*].b": {"matchers": [{"match": "integer"}]}},
    {
        "$.*": {"matchers": [{"match": "regex", "regex": "[ab1]"}]},
        "$.b": {"matchers": [{"match": "equality"}]},
    },
    {"$[*]": {"matchers": [{"match": "type"}]}, "$[1]": {"matchers": [{"match": "number"}]}},
    {"$.a": {"matchers": [{"match": "values"}]}, "$.c": {"matchers": [{"match": "type", "max": 2}]}},
    {"$": {"matchers": [{"match": "type"}, {"match": "notEmpty"}], "combine": "OR"}},
    {"$": {"matchers": [{"match": "eachValue", "rules": [{"match": "regex", "regex": "[ab]"}]}]}},
    {"$.a": {"matchers": [{"match": "values"}]}, "$.a.b": {"matchers": [{"match": "integer"}]}},
    {
        "$": {"matchers": [{"match": "values"}, {"match": "type"}]},
        "$.*[*]": {"matchers": [{"match": "type"}]},
    },
]


@settings(max_examples=500, deadline=None)
@given(
    expected=json_values,
    actual=json_values,
    rule_set=st.sampled_from(range(len(RULE_SETS))),
    strict=st.booleans(),
)
def test_plan_agrees_with_comparer_on_random_documents(
    expected: Any, actual: Any, rule_set: int, strict: bool
) -> None:
    rules: RuleCategory = parse_matching_rules({"body": RULE_SETS[rule_set]}).body
    assert JsonPlan(expected, rules, strict=strict).match(actual) == compare_json(
        expected, actual, rules, strict=strict
    )
