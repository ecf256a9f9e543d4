"""Checking a recorded mock against the provider's OpenAPI document with the one OpenAPI engine.

Each mock becomes what the engine checks: a one-interaction `contracts.model` pact built from the
request it answers (method, path, query, the JSON body it matches on) and its canned response (status,
headers, body). The engine runs with `CheckOptions(partial_request=True)`: a mock names only what it
matches on, so headers, credentials, query parameters and a body it does not name are unknown, not
missing; and with `required_properties_in_response`: the mocked response is all the consumer sees. The spec's ``servers`` paths are tried off the mock's path (the engine routes by templates).

The mock audit's questions map onto the engine's rule codes:

- unknown path, unknown method, a path parameter its schema refuses: ``request.path-or-method.unknown``
  (the message says which: the closest paths, the methods the path has, the parameter's problem);
- an undocumented status: ``response.status.unknown``;
- body problems: ``response.body.incompatible`` / ``request.body.incompatible``, and
  ``response.content-type.incompatible`` for a content type the operation does not produce.

A dynamic mock (callback, side effect) has no canned response: only the request findings are kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.findings import Finding
from contracts.model import Body, HttpInteraction, HttpRequest, HttpResponse, parse_query_string
from contracts.openapi.checker import CheckOptions, OpenAPIChecker
from contracts.openapi.document import OpenAPIDocument
from mocking.audit.recorder import UNSET, RecordedMock

UNROUTED = "request.path-or-method.unknown"
# A mock's response is everything its consumer sees, so the spec's required properties must be there
# (a pact's response may list a subset; the comparator's default).
OPTIONS = CheckOptions(required_properties_in_response=True, partial_request=True)


def interaction_of(mock: RecordedMock, method: str, path: str) -> HttpInteraction:
    """The one interaction a mock stands for (its response a bodiless 200 when the mock is dynamic)."""
    request_headers: dict[str, str | list[str]] = {}
    request_body = None
    if mock.request_json is not UNSET:
        request_headers["Content-Type"] = "application/json"
        request_body = Body(mock.request_json, "application/json")
    response_body = None
    if mock.status is not None and mock.body:
        response_body = Body.from_bytes(mock.body, mock.content_type())
    headers: dict[str, str | list[str]] = dict(mock.headers) if mock.status is not None else {}
    return HttpInteraction(
        description=mock.describe(),
        request=HttpRequest(
            method=method,
            path=path,
            query=parse_query_string(mock.query) if mock.query else {},
            headers=request_headers,
            body=request_body,
        ),
        response=HttpResponse(status=mock.status or 200, headers=headers, body=response_body),
    )


@dataclass
class SpecAudit:
    """One provider's spec prepared for many mocks (the engine compiles each validator once)."""

    checker: OpenAPIChecker
    base_paths: list[str]

    @classmethod
    def build(cls, spec: OpenAPIDocument, base_paths: list[str]) -> SpecAudit:
        return cls(OpenAPIChecker(spec, OPTIONS), sorted(base_paths, key=len, reverse=True))

    def paths(self, path: str) -> list[str]:
        """The mock's path, then the path with each of the spec's server paths taken off."""
        found = [path]
        for base in self.base_paths:
            if base and (path.startswith(base + "/") or path == base):
                found.append(path[len(base) :] or "/")
        return found

    def methods_for(self, path: str) -> list[str]:
        routers = self.checker.engine.index.routers
        return sorted(method.upper() for method, router in routers.items() if any(router.matches(path)))

    def check(self, mock: RecordedMock) -> list[Finding]:
        """The engine's findings for one mock; [] when it has no concrete request to check."""
        if mock.path is None:
            return []
        findings: list[Finding] = []
        for path in self.paths(mock.path):
            method = mock.method
            if method is None:  # the mock answers any method: checkable when the path has only one
                methods = self.methods_for(path)
                if len(methods) != 1:
                    continue
                method = methods[0]
            findings = self.checker.check_interaction(interaction_of(mock, method, path), 0, mock.location)
            if not any(f.code == UNROUTED for f in findings):
                break
        if mock.status is None:
            findings = [
                f for f in findings if not f.mock.location.startswith("[root].interactions[0].response")
            ]
        return findings
