"""Pact matching: does an actual request, response or message satisfy the expected one of a pact?

The matcher takes model objects (`contracts.model`): compile the expected part once and match actual
parts built from raw HTTP data, `compile_request(interaction.request, spec_version).match(
actual_request(method, path, query, headers, body))` (likewise `compile_response` / `actual_response`,
`compile_message` / `actual_message`, `compile_sync_message`). `spec_version` is one of "1", "1.1", "2",
"3", "4" (or a spelling such as "V3", "3.0.0"). `match` returns the list of mismatches (empty = match).

`match_request` / `match_response` / `match_message` take pact-file dicts, as the Pact specification test
cases hold them: they read both into the model (`contracts.pact_parts`) and match, the same single path.

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

from contracts.errors import ContractError
from contracts.matching.compiled import (
    CompiledMessage,
    CompiledRequest,
    CompiledResponse,
    CompiledSyncMessage,
)
from contracts.mismatches import Mismatch, MismatchKind
from contracts.model import AsyncMessage, HttpRequest, HttpResponse, MessagePart, SyncMessage
from contracts.pact_parts import parse_message_part, parse_request, parse_response
from contracts.spec_versions import spec_version as normalise_version

__all__ = [
    "CompiledMessage",
    "CompiledRequest",
    "CompiledResponse",
    "CompiledSyncMessage",
    "Mismatch",
    "MismatchKind",
    "compile_message",
    "compile_request",
    "compile_response",
    "compile_sync_message",
    "match_message",
    "match_request",
    "match_response",
]


def compile_request(expected: HttpRequest, spec_version: str) -> CompiledRequest:
    """An expected request (``interaction.request``), ready for ``.match(actual_request(...))``."""
    return CompiledRequest(expected, spec_version)


def compile_response(expected: HttpResponse, spec_version: str) -> CompiledResponse:
    """An expected response (``interaction.response``), ready for ``.match(actual_response(...))``."""
    return CompiledResponse(expected, spec_version)


def compile_message(expected: MessagePart | AsyncMessage, spec_version: str) -> CompiledMessage:
    """An expected message (an ``AsyncMessage`` or a ``MessagePart``), ready for ``.match(actual_message(...))``."""
    return CompiledMessage(expected, spec_version)


def compile_sync_message(expected: SyncMessage, spec_version: str = "4") -> CompiledSyncMessage:
    """An expected V4 synchronous message (request and response messages)."""
    return CompiledSyncMessage(expected, spec_version)


# Pact-file dicts, as the Pact specification test cases hold them: read into the model, then matched.


def _object(value: Any, what: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ContractError(f"the {what} must be a JSON object, got {type(value).__name__}")
    return value


def match_request(
    expected: Mapping[str, Any], actual: Mapping[str, Any], spec_version: str
) -> list[Mismatch]:
    """Mismatches of an actual HTTP request against the expected one, both pact-file dicts of
    ``spec_version`` (strict about unexpected data)."""
    version = normalise_version(spec_version)
    want = parse_request(_object(expected, "expected request"), version, "$.expected")
    got = parse_request(_object(actual, "actual request"), version, "$.actual")
    return CompiledRequest(want, version).match(got)


def match_response(
    expected: Mapping[str, Any], actual: Mapping[str, Any], spec_version: str
) -> list[Mismatch]:
    """Mismatches of an actual HTTP response against the expected one, both pact-file dicts (extra keys
    and headers allowed)."""
    version = normalise_version(spec_version)
    want = parse_response(_object(expected, "expected response"), version, "$.expected")
    got = parse_response(_object(actual, "actual response"), version, "$.actual")
    return CompiledResponse(want, version).match(got)


def _is_synchronous(part: Mapping[str, Any]) -> bool:
    return "request" in part and "response" in part and "contents" not in part


def _sync_message(part: Mapping[str, Any], version: str, location: str) -> SyncMessage:
    request = dict(_object(part.get("request"), "synchronous message request"))
    rules = part.get("matchingRules")
    if rules and "matchingRules" not in request:
        request["matchingRules"] = rules
    responses = part.get("response") or []
    if not isinstance(responses, list):
        responses = [responses]
    return SyncMessage(
        description="",
        request=parse_message_part(request, version, f"{location}.request"),
        responses=[
            parse_message_part(item, version, f"{location}.response[{index}]")
            for index, item in enumerate(responses)
        ],
        spec_version=version,
    )


def _message(part: Mapping[str, Any], version: str, location: str) -> MessagePart:
    if "contents" not in part and "content" in part:
        part = {("contents" if key == "content" else key): value for key, value in part.items()}
    return parse_message_part(part, version, location)


def match_message(
    expected: Mapping[str, Any], actual: Mapping[str, Any], spec_version: str
) -> list[Mismatch]:
    """Mismatches of an actual message (contents + metadata, or a V4 synchronous message with
    ``request`` and ``response``) against the expected one, both pact-file dicts."""
    version = normalise_version(spec_version)
    want = _object(expected, "expected message")
    got = _object(actual, "actual message")
    if _is_synchronous(want):
        return CompiledSyncMessage(_sync_message(want, version, "$.expected"), version).match(
            _sync_message(got, version, "$.actual")
        )
    return CompiledMessage(_message(want, version, "$.expected"), version).match(
        _message(got, version, "$.actual")
    )
