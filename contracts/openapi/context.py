"""What every rule of the check shares: the options, the prepared document (`Engine`), and the state of
one interaction's check (`InteractionCheck`: the interaction's parts read once, the operation it was
routed to, and the findings it has produced so far)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contracts.findings import Finding, MockDetails, Severity, SpecDetails
from contracts.model import HttpInteraction
from contracts.openapi import matchers
from contracts.openapi.document import OpenAPIDocument, pointer_to_location
from contracts.openapi.media import JSON_LIKE
from contracts.openapi.operations import Operation, OperationIndex, Parameter
from contracts.openapi.pacts import (
    MISSING,
    Matchers,
    body_value,
    joined_headers,
    major_version,
    matching_rules,
    query_value,
)
from contracts.openapi.schemas import Mode, SchemaOptions, SchemaProblem, SchemaValidators, coerce

DEFAULT_CONTENT_TYPE = "application/json"


@dataclass(frozen=True)
class CheckOptions:
    additional_properties_in_response: bool = False
    required_properties_in_response: bool = False
    honour_matching_rules: bool = True
    # The interaction's request lists only what a hand-written mock matches on (the mock audit):
    # headers, credentials, query parameters and a body it does not name are unknown, not missing.
    partial_request: bool = False

    @property
    def schema(self) -> SchemaOptions:
        return SchemaOptions(self.additional_properties_in_response, self.required_properties_in_response)


class Engine:
    """One OpenAPI document prepared for many checks: operations indexed, validators compiled lazily."""

    def __init__(self, document: OpenAPIDocument, options: CheckOptions | None = None) -> None:
        self.document = document
        self.options = options or CheckOptions()
        self.index = OperationIndex(document)
        self.schemas = SchemaValidators(document, self.options.schema)
        self.request_validatable = tuple(
            t
            for t in JSON_LIKE
            if t != "multipart/form-data" or not self.index.config.get("disable-multipart-formdata")
        )

    def coerce(self, value: Any, schema: Any, uri: str) -> Any:
        """ajv's `coerceTypes` for parameter text (`contracts.openapi.coercion`); `anyOf`/`oneOf` branches are
        coerced one at a time while `contracts.openapi.schemas` validates them, as ajv does."""
        return coerce(value, schema, lambda node: self.schemas.resolve(node, uri))

    def parameter_problems(self, parameter: Parameter, value: Any) -> list[SchemaProblem]:
        resolved = parameter.schema
        coerced = self.coerce(value, resolved, parameter.uri)
        return self.schemas.validate(
            Mode.PARAMETER, f"{parameter.uri}{parameter.schema_pointer}", resolved, coerced, parameter.uri
        )


def js_truthy(value: Any) -> bool:
    """JavaScript truthiness, which decides in the comparator whether a body is 'there'."""
    if value is MISSING or value is None or value is False:
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0
    if isinstance(value, str):
        return value != ""
    return True


def header_of(headers: Mapping[str, str], name: str) -> str | None:
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


def suffix(path: tuple[str | int, ...]) -> str:
    return "".join(f".{p}" for p in path)


def status_entry(mapping: Mapping[Any, Any], status: str) -> Any:
    if status in mapping:
        return mapping[status]
    if status.isdigit() and int(status) in mapping:
        return mapping[int(status)]
    return None


def as_mapping(value: Any) -> Mapping[Any, Any]:
    return value if isinstance(value, Mapping) else {}


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


@dataclass
class InteractionCheck:
    """The check of one interaction (a `contracts.model.HttpInteraction`) against one operation."""

    engine: Engine
    interaction: HttpInteraction
    index: int = 0
    pact_source: str | None = None
    findings: list[Finding] = field(default_factory=list)
    operation: Operation | None = None
    request_headers: dict[str, str] = field(init=False)
    response_headers: dict[str, str] = field(init=False)
    request_body: Any = field(init=False)
    response_body: Any = field(init=False)
    query: str | dict[str, str] | None = field(init=False)
    provider_state: str | None = field(init=False)
    _request_rules: dict[str, dict[str, Matchers]] = field(init=False)
    _response_rules: dict[str, dict[str, Matchers]] = field(init=False)

    def __post_init__(self) -> None:
        request, response = self.interaction.request, self.interaction.response
        version = major_version(self.interaction.spec_version)
        self.request_headers = joined_headers(request.headers)
        self.response_headers = joined_headers(response.headers)
        self.request_body = body_value(request.body)
        self.response_body = body_value(response.body)
        self.query = query_value(request)
        states = [state.name for state in self.interaction.provider_states if state.name]
        self.provider_state = ", ".join(states) or None
        self._request_rules = matching_rules(request.matching_rules, version)
        self._response_rules = matching_rules(response.matching_rules, version)

    @property
    def method(self) -> str:
        return self.interaction.request.method

    @property
    def path(self) -> str:
        return self.interaction.request.path

    @property
    def status(self) -> int:
        return self.interaction.response.status

    @property
    def base(self) -> str:
        return f"[root].interactions[{self.index}]"

    @property
    def valid_request(self) -> bool:
        return self.status < 400

    @property
    def complete_request(self) -> bool:
        """Whether what the request does not name is absent (a pact) or merely unknown (a mock)."""
        return not self.engine.options.partial_request

    def request_header(self, name: str) -> str | None:
        return header_of(self.request_headers, name)

    def response_header(self, name: str) -> str | None:
        return header_of(self.response_headers, name)

    def request_rules(self, category: str) -> dict[str, Matchers]:
        return self._request_rules.get(category, {})

    def response_rules(self, category: str) -> dict[str, Matchers]:
        return self._response_rules.get(category, {})

    def add(
        self,
        code: str,
        severity: Severity,
        message: str,
        mock_location: str,
        mock_value: Any,
        spec_location: str,
        spec_value: Any = None,
        pointer: str | None = None,
        with_operation: bool = True,
    ) -> None:
        operation = self.operation if with_operation else None
        self.findings.append(
            Finding(
                code=code,
                severity=severity,
                message=message,
                mock=MockDetails(
                    interaction_description=self.interaction.description,
                    interaction_state=self.provider_state,
                    location=mock_location,
                    value=None if mock_value is MISSING else mock_value,
                    mock_file=self.pact_source,
                ),
                spec=SpecDetails(
                    location=spec_location,
                    path_name=operation.path if operation else None,
                    path_method=operation.method if operation else None,
                    value=spec_value,
                    pointer=pointer,
                    spec_file=self.engine.document.source,
                ),
            )
        )

    def qualified_pointer(self, problem: SchemaProblem) -> str | None:
        """The problem's JSON pointer, prefixed with the file's path when it is not the spec itself."""
        document = self.engine.document
        if problem.uri and problem.uri != document.base_uri and problem.pointer:
            source = Path(document.source_of(problem.uri))
            with contextlib.suppress(ValueError):
                source = source.relative_to(Path(document.source).resolve().parent)
            return f"{source}{problem.pointer}"
        return problem.pointer

    def add_problem(self, code: str, prefix: str, mock_location: str, problem: SchemaProblem) -> None:
        pointer = self.qualified_pointer(problem)
        severity = Severity.ERROR
        if problem.keyword == matchers.UNCHECKED:
            code, severity = code.rsplit(".", 1)[0] + ".matcher-unchecked", Severity.WARNING
            prefix = "Matching rule only partly checked against the spec"
        self.add(
            code,
            severity,
            f"{prefix}: {problem.message}",
            mock_location + suffix(problem.instance_path),
            problem.value,
            pointer_to_location(problem.pointer or "#"),
            problem.schema_value,
            pointer,
        )
