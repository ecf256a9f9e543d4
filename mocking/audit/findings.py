"""Typed audit findings: what is wrong with a hand-written mock, and according to which contract."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Literal


class DriftKind(enum.StrEnum):
    UNKNOWN_PATH = "unknown-path"
    """No operation of the spec / no verified interaction has this path."""
    UNKNOWN_METHOD = "unknown-method"
    """The path exists, but not with this method."""
    PATH_PARAMETER = "path-parameter"
    """A path parameter has a value its schema refuses (``/orders/abc`` for an integer id)."""
    UNKNOWN_STATUS = "unknown-status"
    """The mocked status is not documented / never verified for the operation."""
    WRONG_TYPE = "wrong-type"
    MISSING_FIELD = "missing-field"
    UNEXPECTED_FIELD = "unexpected-field"
    INVALID_VALUE = "invalid-value"
    """enum, pattern, format, bounds, ..."""
    CONTENT_TYPE = "content-type"
    BODY_NOT_JSON = "body-not-json"
    REQUEST_BODY = "request-body"
    """The request body the mock expects does not satisfy the operation's request schema."""
    CONTRACT_MISMATCH = "contract-mismatch"
    """The mocked response differs from every verified interaction for the operation."""
    NOT_COVERED = "not-covered"
    """No verified interaction covers this request (the spec may still document it)."""


Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Finding:
    kind: DriftKind
    severity: Severity
    source: str
    """Which contract says so: ``OpenAPI <file> GET /orders/{orderId} 200`` or ``pact Web: get an order``."""
    location: str
    """Where in the mock: ``response.body $.total``, ``request.path``, ``response.status``."""
    message: str
    expected: Any = None
    actual: Any = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "severity": self.severity,
            "source": self.source,
            "location": self.location,
            "message": self.message,
            "expected": self.expected,
            "actual": self.actual,
        }
