"""Compiled expectations: a pact part parsed once (rules, query, headers, body) and matched many times.

The mock server matches every incoming request and the load checker every response, so everything
that depends only on the pact is done in the constructor; `match(actual)` only reads the actual part.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contracts.errors import ContractError
from contracts.matching.bodies import compare_bodies, json_plan_for
from contracts.matching.content_types import params_match
from contracts.matching.headers import compare_headers
from contracts.matching.matchers import apply_rules, check_string, string_checker
from contracts.matching.parts import Body, header_content_type, load_body, load_headers, load_query
from contracts.matching.query import compare_query
from contracts.matching.values import json_equal, render, text_of
from contracts.mismatches import Mismatch, MismatchKind
from contracts.rules import MatchingRules, RuleList, parse_matching_rules

SPEC_VERSIONS = ("1", "1.1", "2", "3", "4")


def normalise_version(spec_version: str | int | float) -> str:
    """ "3", "V3", "3.0.0", 3 -> "3"; "1.1.0" -> "1.1"."""
    text = str(spec_version).strip().lower().lstrip("v")
    if text in SPEC_VERSIONS:
        return text
    parts = text.split(".")
    if parts[0] == "1" and len(parts) > 1 and parts[1] == "1":
        return "1.1"
    if parts[0] in ("1", "2", "3", "4") and all(part == "0" for part in parts[1:]):
        return parts[0]
    raise ContractError(
        f"unknown pact specification version {spec_version!r}: use one of {', '.join(SPEC_VERSIONS)}"
    )


def _part(value: Any, what: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ContractError(f"the {what} must be a JSON object, got {type(value).__name__}")
    return value


class CompiledRequest:
    """An expected HTTP request, ready to match actual requests (strict: no unexpected keys/params)."""

    def __init__(self, expected: Mapping[str, Any], spec_version: str = "4") -> None:
        expected = _part(expected, "expected request")
        self.version = normalise_version(spec_version)
        self.rules: MatchingRules = parse_matching_rules(expected.get("matchingRules"))
        self.method = str(expected.get("method") or "GET")
        self.path = str(expected.get("path") if expected.get("path") is not None else "/")
        self.query = load_query(expected.get("query"))
        self.headers = load_headers(expected.get("headers"))
        self.body = load_body(expected, "body", header_content_type(self.headers), v4=self.version == "4")
        self.json_plan = json_plan_for(self.body, self.rules.body, strict=True)

    def match(self, actual: Mapping[str, Any]) -> list[Mismatch]:
        actual = _part(actual, "actual request")
        mismatches: list[Mismatch] = []
        method = str(actual.get("method") or "GET")
        if method.upper() != self.method.upper():
            mismatches.append(
                Mismatch(
                    MismatchKind.METHOD,
                    "$",
                    self.method,
                    method,
                    f"Expected {self.method.upper()} but received {method.upper()}",
                )
            )
        path = str(actual.get("path") if actual.get("path") is not None else "/")
        mismatches.extend(_compare_path(self.path, path, self.rules.path))
        mismatches.extend(compare_query(self.query, load_query(actual.get("query")), self.rules.query.get))
        headers = load_headers(actual.get("headers"))
        mismatches.extend(compare_headers(self.headers, headers, self.rules.header))
        body = load_body(actual, "body", header_content_type(headers), v4=self.version == "4")
        mismatches.extend(
            compare_bodies(
                self.body,
                body,
                self.rules.body,
                strict=True,
                content_type_rule=self.rules.header.get("content-type"),
                json_plan=self.json_plan,
            )
        )
        return mismatches


def _compare_path(expected: str, actual: str, rule: RuleList | None) -> list[Mismatch]:
    if rule is not None:
        return [
            Mismatch(MismatchKind.PATH, "$", expected, actual, message)
            for message in apply_rules(rule, lambda m: check_string(m, expected, actual))
        ]
    if expected == actual:
        return []
    return [
        Mismatch(
            MismatchKind.PATH, "$", expected, actual, f"Expected path '{expected}' but received '{actual}'"
        )
    ]


def _status(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ContractError(f"a response status must be an integer, got {value!r}") from None


class CompiledResponse:
    """An expected HTTP response, ready to match actual responses (lenient: extra keys are fine)."""

    def __init__(self, expected: Mapping[str, Any], spec_version: str = "4") -> None:
        expected = _part(expected, "expected response")
        self.version = normalise_version(spec_version)
        self.rules = parse_matching_rules(expected.get("matchingRules"))
        self.status = _status(expected.get("status", 200))
        self.headers = load_headers(expected.get("headers"))
        self.body = load_body(expected, "body", header_content_type(self.headers), v4=self.version == "4")
        self.json_plan = json_plan_for(self.body, self.rules.body, strict=False)

    def match(self, actual: Mapping[str, Any]) -> list[Mismatch]:
        actual = _part(actual, "actual response")
        mismatches: list[Mismatch] = []
        status = _status(actual.get("status", 200))
        if self.rules.status is not None:
            for message in apply_rules(
                self.rules.status, lambda m: check_string(m, str(self.status), str(status))
            ):
                mismatches.append(Mismatch(MismatchKind.STATUS, "$", self.status, status, message))
        elif status != self.status:
            mismatches.append(
                Mismatch(
                    MismatchKind.STATUS,
                    "$",
                    self.status,
                    status,
                    f"Expected status {self.status} but was {status}",
                )
            )
        headers = load_headers(actual.get("headers"))
        mismatches.extend(compare_headers(self.headers, headers, self.rules.header))
        body = load_body(actual, "body", header_content_type(headers), v4=self.version == "4")
        mismatches.extend(
            compare_bodies(
                self.body,
                body,
                self.rules.body,
                strict=False,
                content_type_rule=self.rules.header.get("content-type"),
                json_plan=self.json_plan,
            )
        )
        return mismatches


def _metadata(part: Mapping[str, Any]) -> dict[str, Any]:
    value = part.get("metadata", part.get("metaData"))
    return dict(value) if isinstance(value, Mapping) else {}


def _metadata_content_type(metadata: Mapping[str, Any]) -> str | None:
    for key, value in metadata.items():
        if key.lower() in ("contenttype", "content-type", "content_type") and value:
            return str(value)
    return None


def _contents(part: Mapping[str, Any], version: str, metadata: Mapping[str, Any]) -> Body:
    key = "contents" if "contents" in part else "content"
    return load_body(part, key, _metadata_content_type(metadata), v4=version == "4")


class CompiledMessage:
    """An expected message (V3 message, V4 asynchronous or synchronous message), ready to match."""

    def __init__(self, expected: Mapping[str, Any], spec_version: str = "4") -> None:
        expected = _part(expected, "expected message")
        self.version = normalise_version(spec_version)
        self.synchronous = "request" in expected and "response" in expected and "contents" not in expected
        self.responses: list[CompiledMessage] = []
        if self.synchronous:
            request = _part(expected["request"], "synchronous message request")
            rules = expected.get("matchingRules")
            if rules and "matchingRules" not in request:
                request = {**request, "matchingRules": rules}
            self.request = CompiledMessage(request, self.version)
            responses = expected.get("response") or []
            if not isinstance(responses, list):
                responses = [responses]
            self.responses = [
                CompiledMessage(_part(item, "response message"), self.version) for item in responses
            ]
            return
        self.rules = parse_matching_rules(expected.get("matchingRules"), body_category="content")
        self.metadata = _metadata(expected)
        self.contents = _contents(expected, self.version, self.metadata)
        self.json_plan = json_plan_for(self.contents, self.rules.body, strict=False)

    def match(self, actual: Mapping[str, Any]) -> list[Mismatch]:
        actual = _part(actual, "actual message")
        if self.synchronous:
            return self._match_synchronous(actual)
        metadata = _metadata(actual)
        mismatches = compare_bodies(
            self.contents,
            _contents(actual, self.version, metadata),
            self.rules.body,
            strict=False,
            json_plan=self.json_plan,
        )
        mismatches.extend(self._match_metadata(metadata))
        return mismatches

    def _match_synchronous(self, actual: Mapping[str, Any]) -> list[Mismatch]:
        mismatches = self.request.match(_part(actual.get("request"), "actual synchronous message request"))
        responses = actual.get("response") or []
        if not isinstance(responses, list):
            responses = [responses]
        if self.responses and len(responses) != len(self.responses):
            mismatches.append(
                Mismatch(
                    MismatchKind.MESSAGE_COUNT,
                    "$.response",
                    len(self.responses),
                    len(responses),
                    f"Expected {len(self.responses)} response message(s) but received {len(responses)}",
                )
            )
            return mismatches
        for index, (expected, got) in enumerate(zip(self.responses, responses, strict=False)):
            for mismatch in expected.match(_part(got, "actual response message")):
                mismatches.append(
                    Mismatch(
                        mismatch.kind,
                        f"response[{index}] {mismatch.path}",
                        mismatch.expected,
                        mismatch.actual,
                        mismatch.message,
                    )
                )
        return mismatches

    def _match_metadata(self, actual: Mapping[str, Any]) -> list[Mismatch]:
        mismatches: list[Mismatch] = []
        for key, want in self.metadata.items():
            if key not in actual:
                mismatches.append(
                    Mismatch(
                        MismatchKind.METADATA,
                        key,
                        want,
                        None,
                        f"Expected message metadata '{key}' but was missing",
                    )
                )
                continue
            got = actual[key]
            rule = self.rules.metadata.get(key)
            if rule is not None:
                for message in apply_rules(rule, string_checker(text_of(want), text_of(got))):
                    mismatches.append(Mismatch(MismatchKind.METADATA, key, want, got, message))
                continue
            if key.lower() in ("contenttype", "content-type", "content_type"):
                ok = isinstance(want, str) and isinstance(got, str) and params_match(want, got)
            else:
                ok = json_equal(want, got) or (
                    isinstance(want, str) != isinstance(got, str) and text_of(want) == text_of(got)
                )
            if not ok:
                mismatches.append(
                    Mismatch(
                        MismatchKind.METADATA,
                        key,
                        want,
                        got,
                        f"Expected message metadata '{key}' to have value {render(want)} but was {render(got)}",
                    )
                )
        return mismatches
