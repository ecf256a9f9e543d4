"""The static check: is every HTTP interaction of a pact allowed by an OpenAPI document?

Rule codes, severities and the order of checks follow PactFlow's `@pactflow/openapi-pact-comparator`
(2.3.1). Where Tether deliberately differs, the difference fixes a defect of the comparator or uses
information it ignores; the module docstrings of `media` (Accept lists), `router` (identical templated
paths), `security` (AND-combined requirements) and `matchers` (matching rules) say how.

This module only orchestrates: `routing` finds the operation, `security` and `requests` check the
request, `responses` the response; `context` holds what they share. The check reads the project's pact
model (`contracts.model.Pact` / `HttpInteraction`) directly.
"""

from __future__ import annotations

from contracts.findings import Finding
from contracts.model import HttpInteraction, Pact
from contracts.openapi import requests, responses
from contracts.openapi.context import CheckOptions, Engine, InteractionCheck
from contracts.openapi.document import OpenAPIDocument
from contracts.openapi.routing import route
from contracts.openapi.security import check_security


class OpenAPIChecker:
    """Checks pacts against one OpenAPI document; reuse it for many pacts to reuse compiled validators."""

    def __init__(self, document: OpenAPIDocument, options: CheckOptions | None = None) -> None:
        self.engine = Engine(document, options)

    @property
    def document(self) -> OpenAPIDocument:
        return self.engine.document

    @property
    def options(self) -> CheckOptions:
        return self.engine.options

    def check_pact(self, pact: Pact, source: str | None = None) -> list[Finding]:
        """Findings of every HTTP interaction of a pact; `source` (its file) is named in each finding."""
        findings: list[Finding] = []
        for index, interaction in enumerate(pact.interactions):
            if isinstance(interaction, HttpInteraction):
                findings.extend(self.check_interaction(interaction, index, source))
        return findings

    def check_interaction(
        self, interaction: HttpInteraction, index: int = 0, pact_source: str | None = None
    ) -> list[Finding]:
        """Findings of one interaction; `index` is its position in its pact (for `[root].interactions[N]`)."""
        check = InteractionCheck(self.engine, interaction, index, pact_source)
        if route(check) is None:
            return check.findings
        operation = check.operation
        assert operation is not None
        check_security(check, operation, self.engine.index.security_schemes)
        content_type_incompatible = requests.check_headers(check, operation)
        requests.check_query(check, operation)
        if not content_type_incompatible:
            requests.check_body(check, operation)
        response_content_type_incompatible = responses.check_headers(check, operation)
        if not response_content_type_incompatible:
            responses.check_body(check, operation)
        return check.findings


__all__ = ["CheckOptions", "InteractionCheck", "OpenAPIChecker"]
