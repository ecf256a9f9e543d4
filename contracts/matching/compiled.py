"""Compiled expectations: a model part (:mod:`contracts.model`) read once (rules, query, headers, body)
and matched against many actual model parts.

The mock server matches every incoming request and the load checker every response, so everything
that depends only on the pact is done in the constructor; `match(actual)` only reads the actual part.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contracts.matching.bodies import compare_bodies, json_plan_for
from contracts.matching.headers import compare_headers
from contracts.matching.matchers import apply_rules, check_string, string_checker
from contracts.matching.parts import Body, body_of, fold_headers, header_content_type, request_query
from contracts.matching.query import compare_query
from contracts.matching.values import json_equal, render, text_of
from contracts.media_types import metadata_content_type, params_match
from contracts.mismatches import Mismatch, MismatchKind
from contracts.model import AsyncMessage, HttpRequest, HttpResponse, MessagePart, SyncMessage
from contracts.rules import MatchingRules, RuleList, parse_matching_rules
from contracts.spec_versions import spec_version as normalise_version


class CompiledRequest:
    """An expected HTTP request, ready to match actual requests (strict: no unexpected keys/params)."""

    def __init__(self, expected: HttpRequest, spec_version: str = "4") -> None:
        self.version = normalise_version(spec_version)
        self.rules: MatchingRules = parse_matching_rules(expected.matching_rules or None)
        self.method = expected.method or "GET"
        self.path = expected.path
        self.query = request_query(expected)
        self.headers = fold_headers(expected.headers)
        self.body = body_of(expected.body, header_content_type(self.headers))
        self.json_plan = json_plan_for(self.body, self.rules.body, strict=True)

    def match(self, actual: HttpRequest) -> list[Mismatch]:
        mismatches: list[Mismatch] = []
        method = actual.method or "GET"
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
        mismatches.extend(_compare_path(self.path, actual.path, self.rules.path))
        mismatches.extend(compare_query(self.query, request_query(actual), self.rules.query.get))
        headers = fold_headers(actual.headers)
        mismatches.extend(compare_headers(self.headers, headers, self.rules.header))
        body = body_of(actual.body, header_content_type(headers))
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


class CompiledResponse:
    """An expected HTTP response, ready to match actual responses (lenient: extra keys are fine)."""

    def __init__(self, expected: HttpResponse, spec_version: str = "4") -> None:
        self.version = normalise_version(spec_version)
        self.rules = parse_matching_rules(expected.matching_rules or None)
        self.status = expected.status
        self.headers = fold_headers(expected.headers)
        self.body = body_of(expected.body, header_content_type(self.headers))
        self.json_plan = json_plan_for(self.body, self.rules.body, strict=False)

    def match(self, actual: HttpResponse) -> list[Mismatch]:
        mismatches: list[Mismatch] = []
        status = actual.status
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
        headers = fold_headers(actual.headers)
        mismatches.extend(compare_headers(self.headers, headers, self.rules.header))
        body = body_of(actual.body, header_content_type(headers))
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


def _contents(part: MessagePart | AsyncMessage) -> Body:
    return body_of(part.contents, metadata_content_type(part.metadata))


class CompiledMessage:
    """An expected message (V3 message, V4 asynchronous message, or one message of a synchronous
    message), ready to match actual messages (contents and metadata)."""

    def __init__(self, expected: MessagePart | AsyncMessage, spec_version: str = "4") -> None:
        self.version = normalise_version(spec_version)
        self.rules = parse_matching_rules(expected.matching_rules or None, body_category="content")
        self.metadata = dict(expected.metadata)
        self.contents = _contents(expected)
        self.json_plan = json_plan_for(self.contents, self.rules.body, strict=False)

    def match(self, actual: MessagePart | AsyncMessage) -> list[Mismatch]:
        mismatches = compare_bodies(
            self.contents, _contents(actual), self.rules.body, strict=False, json_plan=self.json_plan
        )
        mismatches.extend(self._match_metadata(actual.metadata))
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


class CompiledSyncMessage:
    """An expected V4 synchronous message: its request message and every response message."""

    def __init__(self, expected: SyncMessage, spec_version: str = "4") -> None:
        self.version = normalise_version(spec_version)
        self.request = CompiledMessage(expected.request, self.version)
        self.responses = [CompiledMessage(part, self.version) for part in expected.responses]

    def match(self, actual: SyncMessage) -> list[Mismatch]:
        mismatches = self.request.match(actual.request)
        responses = actual.responses
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
            for mismatch in expected.match(got):
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
