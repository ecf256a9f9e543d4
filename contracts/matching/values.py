"""JSON value kinds, equality and rendering as the Pact reference prints them in mismatch messages.

Python's `True == 1` and `1 == 1.0` would make plain `==` wrong for JSON: equality here compares the
JSON kind first (booleans are not numbers; integers and decimals differ, as in the Rust reference).
"""

from __future__ import annotations

import json
from typing import Any

Json = Any  # a value as json.loads returns it


def kind_name(value: Json) -> str:
    """The type name used in mismatch messages: String, Integer, Decimal, Boolean, Null, Array, Object."""
    kind = type(value)
    if kind is str:
        return "String"
    if kind is bool:
        return "Boolean"
    if kind is int:
        return "Integer"
    if kind is float:
        return "Decimal"
    if value is None:
        return "Null"
    if kind is list:
        return "Array"
    if kind is dict:
        return "Object"
    return kind.__name__


def render(value: Json) -> str:
    """Strings single-quoted, everything else as compact JSON (`'a'`, `100`, `["b"]`, `null`)."""
    if isinstance(value, str):
        return f"'{value}'"
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def render_spaced(value: Json) -> str:
    """JSON with `, ` separators (`[1, 2, 3]`), as the reference prints collections in size messages."""
    if isinstance(value, str):
        return f"'{value}'"
    return json.dumps(value, ensure_ascii=False, default=str)


def render_sorted(value: Json) -> str:
    """Compact JSON with sorted keys, as the reference prints `arrayContains` variants."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False, default=str)


def text_of(value: Json) -> str:
    """The text a regex/include/date matcher sees: strings as they are, other values as JSON text."""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def json_equal(left: Json, right: Json) -> bool:
    """Deep JSON equality that keeps kinds apart (`true` != `1`, `1` != `1.0`, `"1"` != `1`)."""
    kind = type(left)
    if kind is not type(right):
        return False
    if kind is dict:
        if left.keys() != right.keys():
            return False
        return all(json_equal(item, right[key]) for key, item in left.items())
    if kind is list:
        if len(left) != len(right):
            return False
        return all(json_equal(a, b) for a, b in zip(left, right, strict=True))
    return bool(left == right)


def same_kind(expected: Json, actual: Json) -> bool:
    """The `type` matcher: same JSON kind, integers and decimals interchangeable, booleans not numbers."""
    expected_kind = type(expected)
    actual_kind = type(actual)
    if expected_kind is actual_kind:
        return True
    numbers = (int, float)
    return expected_kind in numbers and actual_kind in numbers
