"""Typed verification findings, shared by the OpenAPI check and the live verifier.

The JSON rendering is the shape PactFlow's tools (swagger-mock-validator, openapi-pact-comparator) return:
`{"success", "errors", "warnings"}`, each item with `code`, `message`, `mockDetails`, `specDetails`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class MockDetails:
    """Where the problem is in the pact."""

    interaction_description: str | None
    interaction_state: str | None
    location: str  # e.g. [root].interactions[3].response.body.owner.id
    value: Any = None
    mock_file: str | None = None

    @property
    def interaction_index(self) -> int | None:
        """N of a ``[root].interactions[N]...`` location (None for a location outside interactions)."""
        marker = "[root].interactions["
        if not self.location.startswith(marker):
            return None
        digits = self.location[len(marker) :].split("]", 1)[0]
        return int(digits) if digits.isdigit() else None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "interactionDescription": self.interaction_description,
            "interactionState": self.interaction_state or "[none]",
            "location": self.location,
            "value": self.value,
        }
        if self.mock_file is not None:
            data["mockFile"] = self.mock_file
        return data


@dataclass(frozen=True)
class SpecDetails:
    """Where the problem is in the spec (PactFlow-style location plus a precise JSON pointer)."""

    location: str  # e.g. [root].components.schemas.Pet.properties.id.type
    path_name: str | None = None
    path_method: str | None = None
    value: Any = None
    pointer: str | None = None  # e.g. #/components/schemas/Pet/properties/id/type (Tether extension)
    spec_file: str | None = None
    # the contract compared with, when it is not a spec: e.g. a verified pact's interaction
    # (`Web: get an order [order 7 exists]`), for findings of the mock audit (Tether extension)
    contract: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "location": self.location,
            "pathMethod": self.path_method,
            "pathName": self.path_name,
            "value": self.value,
        }
        if self.pointer is not None:
            data["pointer"] = self.pointer
        if self.spec_file is not None:
            data["specFile"] = self.spec_file
        if self.contract is not None:
            data["contract"] = self.contract
        return data


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    mock: MockDetails
    spec: SpecDetails
    source: str = "spec-mock-validation"
    # the findings that explain this one (e.g. why no message of an AsyncAPI operation matched)
    causes: tuple[Finding, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "mockDetails": self.mock.to_json(),
            "specDetails": self.spec.to_json(),
            "source": self.source,
            "type": self.severity.value,
            **({"causes": [cause.to_json() for cause in self.causes]} if self.causes else {}),
        }


@dataclass
class VerificationReport:
    """Findings of one run, grouped by the pact (or other mock source) they concern."""

    spec_file: str | None = None
    findings: list[Finding] = field(default_factory=list)
    # every checked unit, in order: (source file, interaction index, description); used by JUnit output
    checked: list[tuple[str, int, str]] = field(default_factory=list)

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def success(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {
            "success": self.success,
            "errors": [f.to_json() for f in self.errors],
            "warnings": [f.to_json() for f in self.warnings],
        }
