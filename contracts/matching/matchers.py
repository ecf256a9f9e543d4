"""Evaluating one matcher against one value.

Three contexts:
* `check_json`: a JSON scalar (or a collection where a scalar was expected) in a JSON body;
* `check_collection`: the matcher applied to a JSON array or object as a whole (sizes, kinds);
* `check_string`: header, query, path, metadata, XML and text values, where everything is a string and
  number/integer/decimal/boolean rules coerce from the text.

Each returns None when the value satisfies the matcher, else the human message of the mismatch.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from contracts.datetime_patterns import is_valid_date
from contracts.matching.values import Json, json_equal, kind_name, render, render_spaced, same_kind, text_of
from contracts.media_types import media_type, sniff_bytes
from contracts.rules import STATUS_CLASSES, Combine, Matcher, MatcherKind, RuleList

# Semantic Versioning 2.0.0, the regex published on semver.org.
SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)
_NUMBER_TEXT = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_DECIMAL_TEXT = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER_TEXT = re.compile(r"\d+")

_PATTERN_NAMES = {MatcherKind.DATE: "date", MatcherKind.TIME: "time", MatcherKind.DATETIME: "datetime"}


def _typed(value: Json) -> str:
    return f"{render(value)} ({kind_name(value)})"


def _is_number(value: Json) -> bool:
    return type(value) in (int, float)


def check_json(matcher: Matcher, expected: Json, actual: Json, cascaded: bool) -> str | None:
    """A matcher applied to a JSON value compared as a scalar."""
    kind = matcher.kind
    if kind is MatcherKind.TYPE:
        if same_kind(expected, actual):
            return _check_size(matcher, actual, cascaded) if isinstance(actual, list | dict) else None
        return f"Expected {_typed(actual)} to be the same type as {_typed(expected)}"
    if kind is MatcherKind.REGEX:
        assert matcher.regex is not None
        text = text_of(actual)
        if matcher.regex.fullmatch(text):
            return None
        return f"Expected '{text}' to match '{matcher.value}'"
    if kind is MatcherKind.EQUALITY:
        if json_equal(expected, actual):
            return None
        return f"Expected {_typed(actual)} to be equal to {_typed(expected)}"
    if kind is MatcherKind.INCLUDE:
        if isinstance(actual, list | dict) or str(matcher.value) not in text_of(actual):
            return f"Expected {render(text_of(actual))} to include '{matcher.value}'"
        return None
    if kind is MatcherKind.NUMBER:
        return None if _is_number(actual) else f"Expected {_typed(actual)} to be a number"
    if kind is MatcherKind.INTEGER:
        return None if type(actual) is int else f"Expected {_typed(actual)} to be an integer"
    if kind is MatcherKind.DECIMAL:
        return None if type(actual) is float else f"Expected {_typed(actual)} to be a decimal number"
    if kind is MatcherKind.NULL:
        return None if actual is None else f"Expected {_typed(actual)} to be a null value"
    if kind is MatcherKind.BOOLEAN:
        if type(actual) is bool or actual in ("true", "false"):
            return None
        return f"Expected {_typed(actual)} to match a boolean"
    if kind in _PATTERN_NAMES:
        return _check_pattern(matcher, actual)
    if kind is MatcherKind.NOT_EMPTY:
        if actual is None or actual == "" or (isinstance(actual, list | dict) and not actual):
            return f"Expected {_typed(actual)} to not be empty"
        return None
    if kind is MatcherKind.SEMVER:
        if isinstance(actual, str) and SEMVER.fullmatch(actual):
            return None
        return f"'{text_of(actual)}' is not a valid semantic version"
    if kind in (MatcherKind.VALUES, MatcherKind.EACH_KEY, MatcherKind.EACH_VALUE, MatcherKind.ARRAY_CONTAINS):
        return None
    if kind is MatcherKind.CONTENT_TYPE:
        return check_content_type(matcher, text_of(actual).encode("utf-8"))
    if kind is MatcherKind.STATUS_CODE:
        return check_status(matcher, actual)
    return f"Unsupported matcher '{matcher.name}': Tether does not run plugin matchers"


def _check_size(matcher: Matcher, actual: list[Json] | dict[str, Json], cascaded: bool) -> str | None:
    if cascaded or (matcher.min is None and matcher.max is None):
        return None
    size = len(actual)
    if matcher.min is not None and size < matcher.min:
        return f"Expected {render_spaced(actual)} (size {size}) to have minimum size of {matcher.min}"
    if matcher.max is not None and size > matcher.max:
        return f"Expected {render_spaced(actual)} (size {size}) to have maximum size of {matcher.max}"
    return None


def _check_pattern(matcher: Matcher, actual: Json) -> str | None:
    assert matcher.format_regex is not None
    if isinstance(actual, str):
        match = matcher.format_regex.fullmatch(actual)
        if match is not None and is_valid_date(match):
            return None
    return f"Expected {render(text_of(actual))} to match a {_PATTERN_NAMES[matcher.kind]} pattern of '{matcher.format}'"


_COLLECTION_PASSES = frozenset(
    {
        MatcherKind.TYPE,
        MatcherKind.REGEX,
        MatcherKind.INCLUDE,
        MatcherKind.NUMBER,
        MatcherKind.INTEGER,
        MatcherKind.DECIMAL,
        MatcherKind.BOOLEAN,
        MatcherKind.DATE,
        MatcherKind.TIME,
        MatcherKind.DATETIME,
        MatcherKind.SEMVER,
        MatcherKind.CONTENT_TYPE,
        MatcherKind.VALUES,
        MatcherKind.EACH_KEY,
        MatcherKind.EACH_VALUE,
        MatcherKind.ARRAY_CONTAINS,
    }
)
_MAP_PASSES = frozenset(
    {
        MatcherKind.TYPE,
        MatcherKind.REGEX,
        MatcherKind.VALUES,
        MatcherKind.EACH_KEY,
        MatcherKind.EACH_VALUE,
    }
)


def check_collection(
    matcher: Matcher, expected: Json, actual: list[Json] | dict[str, Json], cascaded: bool
) -> str | None:
    """A matcher applied to a whole array or object (its contents are compared separately)."""
    kind = matcher.kind
    passes = _COLLECTION_PASSES if isinstance(actual, list) else _MAP_PASSES
    if kind in passes:
        return _check_size(matcher, actual, cascaded) if kind is MatcherKind.TYPE else None
    if kind is MatcherKind.EQUALITY:
        if json_equal(expected, actual):
            return None
        return f"Expected {_typed(actual)} to be equal to {_typed(expected)}"
    if kind is MatcherKind.NOT_EMPTY:
        return None if actual else f"Expected {_typed(actual)} to not be empty"
    if kind is MatcherKind.NULL:
        return f"Expected {_typed(actual)} to be a null value"
    return f"Unable to match {_typed(actual)} using the {matcher.name} matcher"


def check_string(matcher: Matcher, expected: str | None, actual: str | None) -> str | None:
    """A matcher applied to a header, query, path, metadata, XML or text value (all strings)."""
    kind = matcher.kind
    text = "" if actual is None else actual
    if kind is MatcherKind.REGEX:
        assert matcher.regex is not None
        return None if matcher.regex.fullmatch(text) else f"Expected '{text}' to match '{matcher.value}'"
    if kind is MatcherKind.TYPE:
        return None
    if kind is MatcherKind.EQUALITY:
        return None if expected == actual else f"Expected '{text}' to be equal to '{expected}'"
    if kind is MatcherKind.INCLUDE:
        return None if str(matcher.value) in text else f"Expected '{text}' to include '{matcher.value}'"
    if kind is MatcherKind.NUMBER:
        return None if _NUMBER_TEXT.fullmatch(text) else f"Expected '{text}' (String) to be a number"
    if kind is MatcherKind.INTEGER:
        return None if _INTEGER_TEXT.fullmatch(text) else f"Expected '{text}' (String) to be an integer"
    if kind is MatcherKind.DECIMAL:
        return None if _DECIMAL_TEXT.fullmatch(text) else f"Expected '{text}' (String) to be a decimal number"
    if kind is MatcherKind.NULL:
        return None if actual is None else f"Expected '{text}' (String) to be a null value"
    if kind is MatcherKind.BOOLEAN:
        return None if text in ("true", "false") else f"Expected '{text}' (String) to match a boolean"
    if kind in _PATTERN_NAMES:
        return _check_pattern(matcher, text)
    if kind is MatcherKind.NOT_EMPTY:
        return None if text else f"Expected '{text}' (String) to not be empty"
    if kind is MatcherKind.SEMVER:
        return None if SEMVER.fullmatch(text) else f"'{text}' is not a valid semantic version"
    if kind in (MatcherKind.VALUES, MatcherKind.EACH_KEY, MatcherKind.EACH_VALUE, MatcherKind.ARRAY_CONTAINS):
        return None
    if kind is MatcherKind.CONTENT_TYPE:
        return check_content_type(matcher, text.encode("utf-8"))
    if kind is MatcherKind.STATUS_CODE:
        return check_status(matcher, text)
    return f"Unsupported matcher '{matcher.name}': Tether does not run plugin matchers"


def string_checker(expected: str | None, actual: str | None) -> Callable[[Matcher], str | None]:
    """`check_string` bound to one pair of values, for `apply_rules`."""
    return lambda matcher: check_string(matcher, expected, actual)


def check_bytes(matcher: Matcher, expected: bytes, actual: bytes) -> str | None:
    """A matcher applied to a whole binary body."""
    kind = matcher.kind
    if kind is MatcherKind.CONTENT_TYPE:
        return check_content_type(matcher, actual)
    if kind is MatcherKind.NOT_EMPTY:
        return None if actual else "Expected [] (0 bytes) to not be empty"
    if kind is MatcherKind.EQUALITY:
        return None if expected == actual else "Expected the binary body to be equal to the expected one"
    if kind is MatcherKind.TYPE:
        return _check_size(matcher, list(actual), False) if matcher.sized else None
    try:
        text = actual.decode("utf-8")
    except UnicodeDecodeError:
        return f"Unable to match {len(actual)} bytes of binary data using the {matcher.name} matcher"
    return check_string(matcher, expected.decode("utf-8", "replace"), text)


def check_content_type(matcher: Matcher, data: bytes) -> str | None:
    detected = sniff_bytes(data)
    wanted = str(matcher.value)
    if detected is not None and media_type(detected) == media_type(wanted):
        return None
    return (
        f"Expected binary contents to have content type '{wanted}' "
        f"but detected contents was '{detected or 'unknown'}'"
    )


def check_status(matcher: Matcher, actual: Json) -> str | None:
    try:
        code = int(actual)
    except (TypeError, ValueError):
        return f"Expected a status code but got {render(actual)}"
    if isinstance(matcher.status, tuple):
        if code in matcher.status:
            return None
        return f"Expected status code {code} to be one of {list(matcher.status)}"
    description, low, high = STATUS_CLASSES[matcher.status or "success"]
    if low <= code <= high:
        return None
    return f"Expected status code {code} to be {description} ({low}\u2013{high})"


def apply_rules(rules: RuleList, check: Callable[[Matcher], str | None]) -> list[str]:
    """Run `check` for every matcher of a rule list and combine (AND: all must pass; OR: one must)."""
    failures = []
    for matcher in rules.matchers:
        message = check(matcher)
        if message is None:
            if rules.combine is Combine.OR:
                return []
        else:
            failures.append(message)
    return failures


# ------------------------------------------------------------------------------------ compiled plans
#
# The checks above are general; matching live traffic calls them for every value, so each rule list
# also gets a specialised function (built once, cached by rule-list identity) for the common cases.

ScalarCheck = Callable[[Json, Json, bool], "str | None"]
RulesCheck = Callable[[Json, Json, bool], "list[str]"]

_NO_FAILURES: list[str] = []
_NUMERIC = (int, float)


def fast_scalar(matcher: Matcher) -> ScalarCheck:
    """`check_json` specialised for one matcher."""
    kind = matcher.kind
    if kind is MatcherKind.TYPE:

        def type_check(expected: Json, actual: Json, cascaded: bool) -> str | None:
            expected_type = type(expected)
            actual_type = type(actual)
            if expected_type is actual_type or (expected_type in _NUMERIC and actual_type in _NUMERIC):
                if actual_type is list or actual_type is dict:
                    return _check_size(matcher, actual, cascaded)
                return None
            return f"Expected {_typed(actual)} to be the same type as {_typed(expected)}"

        return type_check
    if kind is MatcherKind.REGEX:
        assert matcher.regex is not None
        fullmatch = matcher.regex.fullmatch
        source = matcher.value

        def regex_check(expected: Json, actual: Json, cascaded: bool) -> str | None:
            text = actual if type(actual) is str else text_of(actual)
            if fullmatch(text):
                return None
            return f"Expected '{text}' to match '{source}'"

        return regex_check
    if kind is MatcherKind.INTEGER:
        return lambda expected, actual, cascaded: (
            None if type(actual) is int else f"Expected {_typed(actual)} to be an integer"
        )
    if kind is MatcherKind.DECIMAL:
        return lambda expected, actual, cascaded: (
            None if type(actual) is float else f"Expected {_typed(actual)} to be a decimal number"
        )
    if kind is MatcherKind.NUMBER:
        return lambda expected, actual, cascaded: (
            None if type(actual) in _NUMERIC else f"Expected {_typed(actual)} to be a number"
        )
    return lambda expected, actual, cascaded: check_json(matcher, expected, actual, cascaded)


_SCALAR_TYPES: dict[MatcherKind, tuple[type, ...]] = {
    MatcherKind.INTEGER: (int,),
    MatcherKind.DECIMAL: (float,),
    MatcherKind.NUMBER: _NUMERIC,
}


def scalar_types(matcher: Matcher, expected: Json) -> tuple[type, ...] | None:
    """The types of the actual values `fast_scalar(matcher)` accepts against the scalar `expected`, when
    its verdict depends on the value's type alone (``type(actual) in types``); None otherwise."""
    kind = matcher.kind
    if kind is MatcherKind.TYPE:
        expected_type = type(expected)
        if expected_type is list or expected_type is dict:
            return None  # a collection's size counts too
        return _NUMERIC if expected_type in _NUMERIC else (expected_type,)
    return _SCALAR_TYPES.get(kind)


def size_bounds(rules: RuleList, cascaded: bool) -> tuple[int, int | None] | None:
    """``(min, max)`` when applying `rules` to a whole array (`check_collection`) passes exactly when its
    length is within those bounds (one type matcher with a size); None otherwise."""
    if cascaded or len(rules.matchers) != 1:
        return None
    matcher = rules.matchers[0]
    if matcher.kind is not MatcherKind.TYPE:
        return None
    return (matcher.min or 0, matcher.max)


_SCALAR_PLANS: dict[RuleList, RulesCheck] = {}


def scalar_plan(rules: RuleList) -> RulesCheck:
    """`apply_rules(rules, check_json...)` as one specialised function of (expected, actual, cascaded)."""
    plan = _SCALAR_PLANS.get(rules)
    if plan is not None:
        return plan
    checks = [fast_scalar(matcher) for matcher in rules.matchers]
    if len(checks) == 1:
        only = checks[0]

        def single(expected: Json, actual: Json, cascaded: bool) -> list[str]:
            message = only(expected, actual, cascaded)
            return _NO_FAILURES if message is None else [message]

        plan = single
    else:
        any_passes = rules.combine is Combine.OR

        def several(expected: Json, actual: Json, cascaded: bool) -> list[str]:
            failures = []
            for check in checks:
                message = check(expected, actual, cascaded)
                if message is None:
                    if any_passes:
                        return _NO_FAILURES
                else:
                    failures.append(message)
            return failures

        plan = several
    _SCALAR_PLANS[rules] = plan
    return plan


_TRIVIAL_ON_MAPS = frozenset({MatcherKind.TYPE, MatcherKind.REGEX})


def trivial_on_map(rules: RuleList, cascaded: bool) -> bool:
    """True when applying `rules` to an object can never fail (so the check can be skipped)."""
    return all(m.kind in _TRIVIAL_ON_MAPS and (cascaded or not m.sized) for m in rules.matchers)


def trivial_on_list(rules: RuleList, cascaded: bool) -> bool:
    """True when applying `rules` to an array can never fail (sizes, equality, arrayContains can)."""
    return all(
        m.kind in _COLLECTION_PASSES
        and m.kind is not MatcherKind.ARRAY_CONTAINS
        and (cascaded or not m.sized)
        for m in rules.matchers
    )
