"""Whatever the parts hold, matching returns mismatches or raises ContractError naming the problem.

The mock server matches every request it receives and pacts come from outside: neither may turn into
a TypeError or KeyError deep inside the engine.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.errors import ContractError
from contracts.matching import match_message, match_request, match_response
from contracts.mismatches import Mismatch

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(-2, 2, allow_nan=False),
    st.sampled_from(["a", "1", "", "<a/>", "{}", "2024-01-01"]),
)
keys = st.sampled_from(["a", "b", "0", "@x", "#text"])
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=3)),
    max_leaves=8,
)
matcher_names = st.sampled_from(
    [
        "type",
        "regex",
        "equality",
        "include",
        "integer",
        "decimal",
        "number",
        "boolean",
        "null",
        "date",
        "time",
        "datetime",
        "timestamp",
        "values",
        "eachKey",
        "eachValue",
        "arrayContains",
        "notEmpty",
        "semver",
        "contentType",
        "statusCode",
        "plugin",
    ]
)
matchers = st.one_of(
    st.fixed_dictionaries(
        {"match": matcher_names},
        optional={
            "regex": st.sampled_from(["a", "\\d+", "("]),
            "min": st.integers(0, 3),
            "max": st.one_of(st.integers(0, 3), st.just("x")),
            "value": scalars,
            "format": st.sampled_from(["yyyy", "HH:mm", "'x", "qqqqq", "bbb"]),
            "rules": st.lists(
                st.fixed_dictionaries({"match": st.just("regex"), "regex": st.just("a")}), max_size=2
            ),
            "variants": st.lists(
                st.fixed_dictionaries({"index": st.integers(0, 3), "rules": st.just({})}), max_size=2
            ),
            "status": st.sampled_from(["success", "bad", [200]]),
        },
    ),
    values,
)
rule_paths = st.sampled_from(["$", "$.a", "$.a[*]", "$[*]", "$.*", "$['a']", "a", "$[0]", "$..a", "$["])
rule_lists = st.one_of(
    st.fixed_dictionaries(
        {"matchers": st.lists(matchers, max_size=2)}, optional={"combine": st.sampled_from(["AND", "OR"])}
    ),
    matchers,
)
rules = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "body": st.dictionaries(rule_paths, rule_lists, max_size=3),
            "content": st.dictionaries(rule_paths, rule_lists, max_size=2),
            "header": st.dictionaries(st.sampled_from(["Content-Type", "X"]), rule_lists, max_size=2),
            "query": st.dictionaries(st.just("a"), rule_lists, max_size=1),
            "path": rule_lists,
            "status": rule_lists,
            "metadata": st.dictionaries(st.sampled_from(["contentType", "k"]), rule_lists, max_size=1),
        },
    ),
    st.dictionaries(
        st.sampled_from(["$.body", "$.body.a", "$.headers.X", "$.query.a", "$.path", "$.x"]), matchers
    ),
    values,
)
content_types = st.sampled_from(
    [
        "application/json",
        "application/xml",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "image/jpeg",
        "",
    ]
)
bodies = st.one_of(
    values,
    st.sampled_from(["<a x='1'><b>t</b></a>", "<a><b/><b/></a>", "a=1&b=2", "plain", "", '{"a":1}', "<bad"]),
    st.binary(max_size=8),
    st.fixed_dictionaries(
        {"content": values},
        optional={"contentType": content_types, "encoded": st.sampled_from([False, "base64", "json"])},
    ),
)
parts = st.fixed_dictionaries(
    {},
    optional={
        "method": st.one_of(st.sampled_from(["GET", "post"]), values),
        "path": st.one_of(st.sampled_from(["/", "/a"]), values),
        "query": st.one_of(st.sampled_from(["a=1&a=2", "b", ""]), values),
        "headers": st.one_of(
            st.dictionaries(
                st.sampled_from(["Content-Type", "Accept", "X"]),
                st.one_of(content_types, st.lists(content_types)),
            ),
            values,
        ),
        "body": bodies,
        "status": st.one_of(st.sampled_from([200, 404, "201"]), values),
        "contents": bodies,
        "metaData": st.one_of(st.dictionaries(st.sampled_from(["contentType", "k"]), values), values),
        "matchingRules": rules,
        "request": st.fixed_dictionaries({"contents": bodies}),
        "response": st.lists(st.fixed_dictionaries({"contents": bodies}), max_size=2),
    },
)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    expected=parts,
    actual=parts,
    version=st.sampled_from(["1", "1.1", "2", "3", "4"]),
    function=st.sampled_from([match_request, match_response, match_message]),
)
def test_matching_returns_mismatches_or_raises_contract_error(
    expected: dict[str, Any], actual: dict[str, Any], version: str, function: Any
) -> None:
    result: list[Mismatch] | ContractError
    try:
        result = function(expected, actual, version)
    except ContractError as exc:
        result = exc
    if isinstance(result, ContractError):
        assert str(result)
    else:
        assert isinstance(result, list)
        assert all(isinstance(mismatch, Mismatch) and mismatch.message for mismatch in result)
