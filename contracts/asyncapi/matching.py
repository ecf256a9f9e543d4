"""Matching one pact message against an operation's candidate messages: payload and headers.

A candidate matches when neither its payload schema nor its headers schema reports an error; the first
match wins (`message.matched`), and when none matches every candidate's errors become the causes of one
`message.no.match`. Validation goes through the OpenAPI engine's `SchemaValidators` (one compiled
validator per schema): messages a consumer receives (`Asynchronous/Messages`, replies) are checked like
OpenAPI response bodies (no undeclared property, `required` not enforced), requests of synchronous
messages like request bodies, as the comparator does.

Tether extension: metadata keys that carry the message's content type or route it (`contentType`,
`topic`, `routingKey`, ...) are not treated as headers unless the headers schema declares them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from contracts.asyncapi.avro import AvroSchemas, is_avro
from contracts.asyncapi.document import AsyncAPIDocument, MessageRef, Operation
from contracts.asyncapi.units import CHANNEL_KEYS, MESSAGE_KEYS, MessageUnit
from contracts.findings import Finding, MockDetails, Severity, SpecDetails
from contracts.model import is_json_content_type
from contracts.openapi.context import suffix
from contracts.openapi.document import pointer_to_location
from contracts.openapi.pacts import MISSING
from contracts.openapi.schemas import Mode, SchemaValidators

CONTENT_TYPE_KEYS = ("contentType", "content-type", "Content-Type", "content_type")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
JSON_SCHEMA_FORMATS = ("json", "asyncapi", "openapi")


@dataclass(frozen=True)
class MessageMatch:
    """A pact message matched a message of the spec (the comparator's `message.matched`, type info)."""

    interaction_index: int
    description: str
    mock_location: str
    spec_location: str
    pointer: str
    operation_id: str
    message: Mapping[str, Any]
    code: str = "message.matched"

    @property
    def text(self) -> str:
        return f"Matched message at {self.spec_location}"


Outcome = Finding | MessageMatch


@dataclass(frozen=True)
class Subject:
    """Who the findings are about: the interaction and the pact file."""

    index: int
    description: str
    provider_state: str | None
    pact_source: str | None
    spec_source: str | None

    def finding(
        self,
        code: str,
        severity: Severity,
        message: str,
        mock: tuple[str, Any],
        spec: tuple[str, Any],
        pointer: str | None = None,
        causes: Sequence[Finding] = (),
    ) -> Finding:
        return Finding(
            code=code,
            severity=severity,
            message=message,
            mock=MockDetails(
                interaction_description=self.description,
                interaction_state=self.provider_state,
                location=mock[0],
                value=None if mock[1] is MISSING else mock[1],
                mock_file=self.pact_source,
            ),
            spec=SpecDetails(location=spec[0], value=spec[1], pointer=pointer, spec_file=self.spec_source),
            causes=tuple(causes),
        )


class MessageMatcher:
    """Validates pact messages against one AsyncAPI document's messages, reusing compiled validators."""

    def __init__(self, document: AsyncAPIDocument) -> None:
        self.document = document
        self.schemas = SchemaValidators(document.schemas_document)
        self.avro = AvroSchemas(document.source)

    def _schema(self, message: MessageRef, key: str) -> tuple[Any, str] | None:
        """The JSON Schema under `key` of a message and its pointer (Multi Format Schema Objects unwrapped)."""
        schema = message.message.get(key)
        if schema is None:
            return None
        pointer = f"{message.pointer}/{key}"
        if isinstance(schema, Mapping) and "schemaFormat" in schema and "schema" in schema:
            return schema["schema"], f"{pointer}/schema"
        return schema, pointer

    def _format(self, message: MessageRef) -> str | None:
        """The payload's schema format: a Multi Format Schema Object's (3.x) or the message's (2.x)."""
        schema = message.message.get("payload")
        fmt = message.message.get("schemaFormat")
        if isinstance(schema, Mapping) and isinstance(schema.get("schemaFormat"), str):
            fmt = schema["schemaFormat"]
        return fmt if isinstance(fmt, str) else None

    def _unsupported_format(self, message: MessageRef) -> str | None:
        fmt = self._format(message)
        if (
            fmt is not None
            and not is_avro(fmt)
            and not any(word in fmt.lower() for word in JSON_SCHEMA_FORMATS)
        ):
            return fmt
        return None

    def _avro(
        self, subject: Subject, message: MessageRef, unit: MessageUnit, schema: Any, pointer: str
    ) -> list[Finding]:
        resolved, uri, where = self.document.resolve(schema, pointer)
        location = pointer_to_location(where)
        return [
            subject.finding(
                "message.payload.incompatible",
                Severity.ERROR,
                f"Message payload is incompatible with the Avro schema in the spec file: {problem.message}",
                (unit.payload_location + suffix(problem.field), problem.value),
                (location, problem.expected),
                where,
            )
            for problem in self.avro.problems(f"{uri}{where}", resolved, unit.payload, location)
        ]

    def payload(self, subject: Subject, message: MessageRef, unit: MessageUnit, mode: Mode) -> list[Finding]:
        kind = unit.content_type
        if kind is None or unit.payload is MISSING:
            return []
        media = kind.split(";")[0].strip().lower()
        if not is_json_content_type(kind) and media not in FORM_TYPES:
            return [
                subject.finding(
                    "message.payload.unvalidatable",
                    Severity.WARNING,
                    f"Body with content type '{kind}' is not supported by the spec comparator",
                    (unit.payload_location, unit.payload),
                    (message.location, None),
                )
            ]
        unsupported = self._unsupported_format(message)
        if unsupported is not None:
            return [
                subject.finding(
                    "message.payload.unvalidatable",
                    Severity.WARNING,
                    f"Payload schema format '{unsupported}' is not supported; only JSON Schema / AsyncAPI "
                    "schemas are checked",
                    (unit.payload_location, unit.payload),
                    (message.location + ".payload", None),
                )
            ]
        found = self._schema(message, "payload")
        if found is None:
            return [
                subject.finding(
                    "message.payload.unknown",
                    Severity.WARNING,
                    "No schema found for message payload",
                    (unit.payload_location, unit.payload),
                    (message.location, None),
                )
            ]
        schema, pointer = found
        if is_avro(self._format(message)):
            return self._avro(subject, message, unit, schema, pointer)
        problems = self.schemas.validate(mode, f"{message.uri}{pointer}", schema, unit.payload, message.uri)
        return [
            subject.finding(
                "message.payload.incompatible",
                Severity.ERROR,
                f"Message payload is incompatible with the schema in the spec file: {problem.message}",
                (unit.payload_location + suffix(problem.instance_path), problem.value),
                (pointer_to_location(problem.pointer or "#"), problem.schema_value),
                problem.pointer,
            )
            for problem in problems
        ]

    def _headers_value(self, schema: Any, metadata: Mapping[str, Any]) -> dict[str, Any]:
        resolved = self.schemas.resolve(schema, None)
        declared = resolved.get("properties") if isinstance(resolved, Mapping) else None
        names = set(declared) if isinstance(declared, Mapping) else set()
        transport = set(CONTENT_TYPE_KEYS) | set(CHANNEL_KEYS) | set(MESSAGE_KEYS)
        return {k: v for k, v in metadata.items() if k in names or k not in transport}

    def headers(self, subject: Subject, message: MessageRef, unit: MessageUnit, mode: Mode) -> list[Finding]:
        found = self._schema(message, "headers")
        if found is None or not unit.metadata:
            return []
        schema, pointer = found
        value = self._headers_value(schema, unit.metadata)
        problems = self.schemas.validate(mode, f"{message.uri}{pointer}", schema, value, message.uri)
        return [
            subject.finding(
                "message.headers.incompatible",
                Severity.ERROR,
                f"Message headers are incompatible with the schema in the spec file: {problem.message}",
                (unit.headers_location + suffix(problem.instance_path), problem.value),
                (pointer_to_location(problem.pointer or "#"), problem.schema_value),
                problem.pointer,
            )
            for problem in problems
        ]

    def match(
        self,
        subject: Subject,
        candidates: Sequence[tuple[Operation, MessageRef]],
        unit: MessageUnit,
        mode: Mode,
        no_match: tuple[tuple[str, Any], str],
    ) -> tuple[list[Outcome], Operation | None]:
        """The outcomes of matching `unit` against `candidates`; the matched message's operation, if any."""
        causes: list[Finding] = []
        for operation, message in candidates:
            results = self.payload(subject, message, unit, mode) + self.headers(subject, message, unit, mode)
            errors = [r for r in results if r.is_error]
            if errors:
                causes.extend(errors)
                continue
            matched = MessageMatch(
                interaction_index=subject.index,
                description=subject.description,
                mock_location=unit.payload_location,
                spec_location=message.location,
                pointer=message.pointer,
                operation_id=operation.operation_id,
                message=message.message,
            )
            return [*results, matched], operation
        mock, spec_location = no_match
        finding = subject.finding(
            "message.no.match",
            Severity.ERROR,
            "No message in the operation matched the interaction",
            mock,
            (spec_location, None),
            causes=causes,
        )
        return [finding], None
