"""Regular expressions with ECMAScript semantics, as the comparator's validator (ajv) runs them.

OpenAPI and JSON Schema `pattern`s are ECMA-262 regular expressions, not Python ones: `\\d` is ASCII only,
`$` does not match before a trailing newline, `\\Z` and `(?P<name>...)` do not exist, `\\u{1F600}` does.
We run them with `regress` (Rust's ECMAScript regex engine), as jsonschema itself does for the `regex`
format when it is installed. ajv compiles patterns with the `u` flag; a pattern only valid without it
(Annex B syntax browsers accept, e.g. `[\\w-.]`) is run without it rather than refused.

Like ajv's (V8's) engine, regress backtracks: a pattern with nested quantifiers (`(a+)+$`) can take
exponential time on a long value that almost matches, exactly as it would in the comparator.
"""

from __future__ import annotations

import re
from functools import lru_cache

import regress

from contracts.errors import ContractError

__all__ = ["InvalidPattern", "compile_pattern", "find", "is_ecma_regex", "matchable", "pattern_search"]

_Z_ANCHOR = re.compile(r"[^\\]\\Z")
_PYTHON_ONLY = (
    ("(?P<", "write a named group as (?<name>...)"),
    ("(?P=", "write a back reference as \\k<name>"),
    ("\\Z", "write the end anchor as $"),
    ("\\A", "write the start anchor as ^"),
    ("(?i)", "ECMAScript has no inline flags: spell both cases, e.g. [aA]"),
)


class InvalidPattern(ContractError, ValueError):
    """A schema's `pattern` is not an ECMAScript regular expression."""

    def __init__(self, pattern: str, problem: str) -> None:
        hints = [hint for marker, hint in _PYTHON_ONLY if marker in pattern]
        fix = hints[0] if hints else "write it in ECMAScript (JavaScript) regular expression syntax"
        super().__init__(f"pattern {pattern!r} is not an ECMAScript regular expression ({problem}): {fix}")
        self.pattern = pattern


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> regress.Regex:
    """`pattern` compiled as ajv does (`u` flag), else in Annex B mode; `InvalidPattern` if neither."""
    try:
        return regress.Regex(pattern, "u")
    except regress.RegressError:
        pass
    try:
        return regress.Regex(pattern)
    except regress.RegressError as exc:
        raise InvalidPattern(pattern, str(exc)) from exc


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def matchable(text: str) -> str:
    """`text` as the engine can take it: a lone UTF-16 surrogate (JSON allows `"\\udb87"`) becomes U+FFFD."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def find(regex: regress.Regex, text: str) -> bool:
    """Whether `regex` matches anywhere in `text`."""
    try:
        return regex.find(text) is not None
    except UnicodeEncodeError:
        return regex.find(matchable(text)) is not None


def pattern_search(pattern: str, text: str) -> bool:
    """Whether `pattern` matches anywhere in `text` (JSON Schema `pattern` semantics)."""
    return find(compile_pattern(pattern), text)


def is_ecma_regex(text: str) -> bool:
    """ajv-formats' `regex` format: `new RegExp(text)` compiles, and no Python-style `\\Z` anchor."""
    if _Z_ANCHOR.search(text):
        return False
    try:
        regress.Regex(matchable(text))
    except regress.RegressError:
        return False
    return True
