"""certainly_compiles accepts only regexes re.compile accepts, and the simple ones pacts use."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.errors import MatchingRuleError
from contracts.regex_syntax import certainly_compiles
from contracts.rules import check_matching_rules, parse_matching_rules

# Every character that means something to re, and a few that do not.
_ALPHABET = "ab09AZ_-/:. \\[]^$()|*+?{},=<>!#'dDwWsSbBzp"


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


@given(st.text(alphabet=_ALPHABET, max_size=14))
@settings(max_examples=3000, deadline=None)
def test_every_accepted_pattern_compiles(pattern: str) -> None:
    if certainly_compiles(pattern):
        assert _compiles(pattern), pattern


@pytest.mark.parametrize(
    "pattern",
    [
        "/api/r12/items/[0-9]+",
        "open|shipped|closed",
        r"\d+",
        "[a-zA-Z0-9_]*",
        r"^/orders/\d+$",
        r"[^/]+\.json",
        "",
    ],
)
def test_simple_pact_regexes_are_accepted(pattern: str) -> None:
    assert certainly_compiles(pattern)


@pytest.mark.parametrize(
    "pattern",
    ["([", "[z-a]", "a**", r"\q", "^*", "+a", "a|*", "[]", r"\b+", "(?<=a+)b", "a{3,2}", "[[:alpha:]]"],
)
def test_invalid_or_unusual_patterns_are_not_vouched_for(pattern: str) -> None:
    assert not certainly_compiles(pattern)


@pytest.mark.parametrize("regex", ["([", "(?<=a+)b", "a{3,2}", r"\q"])
def test_checking_rules_raises_what_parsing_raises(regex: str) -> None:
    rules = {"path": {"matchers": [{"match": "regex", "regex": regex}]}}
    with pytest.raises(MatchingRuleError) as parsed:
        parse_matching_rules(rules)
    with pytest.raises(MatchingRuleError) as checked:
        check_matching_rules(rules)
    assert str(checked.value) == str(parsed.value)
    assert "is not a valid regular expression" in str(checked.value)


def test_checking_leaves_parsing_compiling() -> None:
    rules = {"path": {"matchers": [{"match": "regex", "regex": "/a/[0-9]+"}]}}
    check_matching_rules(rules)
    parsed = parse_matching_rules(rules)
    assert parsed.path is not None
    regex = parsed.path.matchers[0].regex
    assert regex is not None
    assert regex.fullmatch("/a/42")
