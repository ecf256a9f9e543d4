"""Pact matching: does an actual request, response or message satisfy the expected one of a pact?

`expected` and `actual` are the objects a pact (or a Pact specification test case) holds, in any
specification version's format; `spec_version` is one of "1", "1.1", "2", "3", "4". Each function
returns the list of mismatches (empty = match). For matching many actual parts against one expectation,
compile it once with `compile_request` / `compile_response` / `compile_message`.

Semantics follow the Pact specification test cases and, where they differ, pact-reference (the Rust
core the Pact tools share); the conformance tests list each case concerned:

* V1 query strings are compared as parameter maps (order-insensitive; a trailing `&` is ignored).
* Regexes match the whole value. Rule selection maximises weight x rule-path length, and every rule
  cascades to the values below its path (min/max, values, eachKey and eachValue bind at their own path).
* XML: a regex on an element path tests the element name (text needs `['#text']`); value paths carry no
  index for repeated children (so `[*]` never applies there); a namespace declared only on the actual
  element is accepted; extra same-name children are allowed in responses.
* A JSON `null` body means "must be empty", never the JSON value null.
* Unknown (plugin) matchers fail with a mismatch rather than passing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contracts.matching.compiled import CompiledMessage, CompiledRequest, CompiledResponse
from contracts.mismatches import Mismatch, MismatchKind

__all__ = [
    "CompiledMessage",
    "CompiledRequest",
    "CompiledResponse",
    "Mismatch",
    "MismatchKind",
    "compile_message",
    "compile_request",
    "compile_response",
    "match_message",
    "match_request",
    "match_response",
]


def compile_request(expected: Mapping[str, Any], spec_version: str) -> CompiledRequest:
    return CompiledRequest(expected, spec_version)


def compile_response(expected: Mapping[str, Any], spec_version: str) -> CompiledResponse:
    return CompiledResponse(expected, spec_version)


def compile_message(expected: Mapping[str, Any], spec_version: str) -> CompiledMessage:
    return CompiledMessage(expected, spec_version)


def match_request(
    expected: Mapping[str, Any], actual: Mapping[str, Any], spec_version: str
) -> list[Mismatch]:
    """Mismatches of an actual HTTP request against the expected one (strict about unexpected data)."""
    return CompiledRequest(expected, spec_version).match(actual)


def match_response(
    expected: Mapping[str, Any], actual: Mapping[str, Any], spec_version: str
) -> list[Mismatch]:
    """Mismatches of an actual HTTP response against the expected one (extra keys and headers allowed)."""
    return CompiledResponse(expected, spec_version).match(actual)


def match_message(
    expected: Mapping[str, Any], actual: Mapping[str, Any], spec_version: str
) -> list[Mismatch]:
    """Mismatches of an actual message (contents + metadata, or a V4 synchronous message) against the pact."""
    return CompiledMessage(expected, spec_version).match(actual)
