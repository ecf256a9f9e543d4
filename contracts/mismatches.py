"""Typed mismatches: what the matching engine reports when an actual part does not satisfy a pact.

Text, JSON and JUnit reports are renderings of these objects; nothing in Tether parses a message.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class MismatchKind(enum.StrEnum):
    """Which part of a request, response or message a mismatch is about."""

    METHOD = "method"
    PATH = "path"
    QUERY = "query"
    HEADER = "header"
    BODY = "body"
    BODY_TYPE = "body_type"
    STATUS = "status"
    METADATA = "metadata"
    MESSAGE_COUNT = "message_count"


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One difference between the expected part (from the pact) and the actual one.

    `path` locates the difference inside its part: a JSON path for bodies (`$.items[0].id`), the header
    name for headers, the parameter name for queries, the metadata key for metadata, and `$` for method,
    path and status. `expected`/`actual` hold the values compared (JSON-like data or text), and `message`
    is the human explanation, worded like the Pact reference implementation where it has one.
    """

    kind: MismatchKind
    path: str
    expected: object
    actual: object
    message: str

    def __str__(self) -> str:
        return f"{self.kind.value} {self.path}: {self.message}"

    def to_json(self) -> dict[str, object]:
        """A JSON-ready rendering (used by reports and the mock server's mismatch responses)."""
        return {
            "kind": self.kind.value,
            "path": self.path,
            "expected": self.expected,
            "actual": self.actual,
            "message": self.message,
        }
