"""Avro payload schemas (AsyncAPI `schemaFormat: application/vnd.apache.avro...`), validated by fastavro.

A schema is parsed once per location. fastavro names a failing field as `Record.field`; the failure is
reported at that field of the payload (`...contents.content.field`) with the Avro type it expected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import fastavro
from fastavro.validation import ValidationError as AvroValidationError
from fastavro.validation import validate

from contracts.asyncapi.document import AsyncAPIError


@dataclass(frozen=True)
class AvroProblem:
    field: tuple[str, ...]  # the payload path of the failing field (empty: the payload itself)
    value: Any
    expected: Any  # the Avro type it should have had

    @property
    def message(self) -> str:
        where = ".".join(self.field) or "the payload"
        return f"{where} must be Avro {self.expected}"


def is_avro(schema_format: str | None) -> bool:
    return isinstance(schema_format, str) and "avro" in schema_format.lower()


class AvroSchemas:
    """Parsed Avro schemas by location, so each is parsed once per document."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._parsed: dict[str, Any] = {}

    def parsed(self, key: str, schema: Any, location: str) -> Any:
        if key not in self._parsed:
            try:
                self._parsed[key] = fastavro.parse_schema(
                    dict(schema) if isinstance(schema, Mapping) else schema
                )
            except Exception as exc:  # fastavro raises several types for a bad schema
                raise AsyncAPIError(
                    self.source,
                    location,
                    f"not a valid Avro schema ({type(exc).__name__}: {exc}); fix the schema",
                ) from exc
        return self._parsed[key]

    def problems(self, key: str, schema: Any, value: Any, location: str) -> list[AvroProblem]:
        parsed = self.parsed(key, schema, location)
        try:
            validate(value, parsed, raise_errors=True)
        except AvroValidationError as exc:
            found: list[AvroProblem] = []
            for error in exc.errors:
                name = str(getattr(error, "field", "") or "")
                field = tuple(part for part in name.split(".")[1:] if part)
                expected = getattr(error, "schema", None)
                found.append(AvroProblem(field[-1:], getattr(error, "datum", None), expected))
            return found
        return []
