"""The static check: is every HTTP interaction of a pact allowed by an OpenAPI document?

Rule codes, severities and the order of checks follow PactFlow's `@pactflow/openapi-pact-comparator`
(2.3.1). Where Tether deliberately differs, the difference fixes a defect of the comparator or uses
information it ignores; the module docstrings of `media` (Accept lists), `router` (identical templated
paths), `security` (AND-combined requirements) and `matchers` (matching rules) say how.
"""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contracts.findings import Finding, MockDetails, Severity, SpecDetails
from contracts.openapi import matchers
from contracts.openapi.document import OpenAPIDocument, pointer_to_location
from contracts.openapi.media import JSON_LIKE, accept_ranges, find_matching_type, is_validatable
from contracts.openapi.operations import Operation, OperationIndex, Parameter
from contracts.openapi.pacts import MISSING, HttpInteraction, PactView
from contracts.openapi.pathstyles import decode_path_value
from contracts.openapi.querystrings import parse_query, parse_value, query_string
from contracts.openapi.router import Match
from contracts.openapi.schemas import Mode, SchemaOptions, SchemaProblem, SchemaValidators, coerce
from contracts.openapi.security import check_security, security_names

STANDARD_REQUEST_HEADERS = frozenset(
    [
        "accept",
        "accept-charset",
        "accept-datetime",
        "accept-encoding",
        "accept-language",
        "authorization",
        "cache-control",
        "connection",
        "content-length",
        "content-md5",
        "content-type",
        "cookie",
        "date",
        "expect",
        "forwarded",
        "from",
        "host",
        "if-match",
        "if-modified-since",
        "if-none-match",
        "if-range",
        "if-unmodified-since",
        "max-forwards",
        "origin",
        "pragma",
        "proxy-authorization",
        "range",
        "referer",
        "te",
        "upgrade",
        "user-agent",
        "via",
        "warning",
    ]
)
STANDARD_RESPONSE_HEADERS = [
    "access-control-allow-origin",
    "accept-patch",
    "accept-ranges",
    "age",
    "allow",
    "alt-svc",
    "cache-control",
    "connection",
    "content-disposition",
    "content-encoding",
    "content-language",
    "content-length",
    "content-location",
    "content-md5",
    "content-range",
    "date",
    "etag",
    "expires",
    "last-modified",
    "link",
    "location",
    "p3p",
    "pragma",
    "proxy-authenticate",
    "public-key-pins",
    "refresh",
    "retry-after",
    "server",
    "set-cookie",
    "status",
    "strict-transport-security",
    "trailer",
    "transfer-encoding",
    "tsv",
    "upgrade",
    "vary",
    "via",
    "warning",
    "www-authenticate",
    "x-frame-options",
]
SWAGGER2_SEPARATORS = {"csv": ",", "ssv": " ", "tsv": "\t", "pipes": "|"}
OAS3_QUERY_SEPARATORS = {"spaceDelimited": " ", "pipeDelimited": "|"}
DEFAULT_CONTENT_TYPE = "application/json"


@dataclass(frozen=True)
class CheckOptions:
    additional_properties_in_response: bool = False
    required_properties_in_response: bool = False
    honour_matching_rules: bool = True

    @property
    def schema(self) -> SchemaOptions:
        return SchemaOptions(self.additional_properties_in_response, self.required_properties_in_response)


def js_truthy(value: Any) -> bool:
    """JavaScript truthiness, which decides in the comparator whether a body is 'there'."""
    if value is MISSING or value is None or value is False:
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0
    if isinstance(value, str):
        return value != ""
    return True


def _suffix(path: tuple[str | int, ...]) -> str:
    return "".join(f".{p}" for p in path)


def _get(mapping: Mapping[Any, Any], status: str) -> Any:
    if status in mapping:
        return mapping[status]
    if status.isdigit() and int(status) in mapping:
        return mapping[int(status)]
    return None


@dataclass
class InteractionCheck:
    """The findings of one interaction against one operation."""

    checker: OpenAPIChecker
    interaction: HttpInteraction
    pact_source: str | None
    findings: list[Finding] = field(default_factory=list)
    operation: Operation | None = None

    @property
    def base(self) -> str:
        return f"[root].interactions[{self.interaction.index}]"

    @property
    def valid_request(self) -> bool:
        return self.interaction.response.status < 400

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
                    interaction_state=self.interaction.provider_state,
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
                    spec_file=self.checker.document.source,
                ),
            )
        )

    def qualified_pointer(self, problem: SchemaProblem) -> str | None:
        """The problem's JSON pointer, prefixed with the file's path when it is not the spec itself."""
        document = self.checker.document
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
            mock_location + _suffix(problem.instance_path),
            problem.value,
            pointer_to_location(problem.pointer or "#"),
            problem.schema_value,
            pointer,
        )


class OpenAPIChecker:
    """Checks pacts against one OpenAPI document; reuse it for many pacts to reuse compiled validators."""

    def __init__(self, document: OpenAPIDocument, options: CheckOptions | None = None) -> None:
        self.document = document
        self.options = options or CheckOptions()
        self.index = OperationIndex(document)
        self.schemas = SchemaValidators(document, self.options.schema)
        self._request_validatable = tuple(
            t
            for t in JSON_LIKE
            if t != "multipart/form-data" or not self.index.config.get("disable-multipart-formdata")
        )

    # -- entry points -------------------------------------------------------------------------------
    def check_pact(self, pact: PactView, *, name_file: bool = True) -> list[Finding]:
        findings: list[Finding] = []
        for interaction in pact.interactions:
            findings.extend(self.check_interaction(interaction, pact.source if name_file else None))
        return findings

    def check_interaction(
        self, interaction: HttpInteraction, pact_source: str | None = None
    ) -> list[Finding]:
        check = InteractionCheck(self, interaction, pact_source)
        match = self._route(check)
        if match is None:
            return check.findings
        operation = check.operation
        assert operation is not None
        check_security(check, operation, self.index.security_schemes)
        content_type_incompatible = self._request_headers(check, operation)
        self._query(check, operation)
        if not content_type_incompatible:
            self._request_body(check, operation)
        response_content_type_incompatible = self._response_headers(check, operation)
        if not response_content_type_incompatible:
            self._response_body(check, operation)
        return check.findings

    # -- path and method ----------------------------------------------------------------------------
    def _route(self, check: InteractionCheck) -> Match | None:
        request = check.interaction.request
        path = request.path if request.path.startswith("/") else "/" + request.path
        router = self.index.routers.get(request.method.lower())
        candidates = [] if router is None or "?" in path else list(router.matches(path))
        unknown = f"Path or method not defined in spec file: {request.method} {request.path}"
        if not candidates:
            check.add(
                "request.path-or-method.unknown",
                Severity.ERROR,
                unknown + self._route_hint(request.method, path),
                f"{check.base}.request.path",
                request.path,
                "[root].paths",
                None,
                "#/paths",
                with_operation=False,
            )
            return None
        first_problems: list[tuple[Parameter, SchemaProblem]] | None = None
        for candidate in candidates:
            operation = self.index.operation(candidate.template.path, request.method.lower())
            problems = self._path_parameter_problems(operation, candidate)
            if not problems:
                check.operation = operation
                return candidate
            if first_problems is None:
                first_problems = problems
        assert first_problems is not None
        for parameter, problem in first_problems:
            check.add(
                "request.path-or-method.unknown",
                Severity.ERROR,
                f"{unknown} (path parameter '{parameter.name}': {problem.message})",
                f"{check.base}.request.path",
                request.path,
                "[root].paths",
                problem.schema_value,
                check.qualified_pointer(problem),
                with_operation=False,
            )
        return None

    def _route_hint(self, method: str, path: str) -> str:
        """Help for an unknown path or method: the methods the path has, or the closest templates."""
        if "?" in path:
            return " (the query string belongs in the pact's query, not in its path)"
        methods = sorted(
            m.upper()
            for m, router in self.index.routers.items()
            if m != method.lower() and any(router.matches(path))
        )
        if methods:
            return f" (the spec defines this path for {', '.join(methods)})"
        templates = sorted({path for path, _ in self.index.operation_keys})
        prefix = self.index.base_path.rstrip("/")
        close = difflib.get_close_matches(path, [prefix + t for t in templates], n=2, cutoff=0.6)
        return f" (closest paths in the spec: {', '.join(close)})" if close else ""

    def _path_parameter_problems(
        self, operation: Operation, match: Match
    ) -> list[tuple[Parameter, SchemaProblem]]:
        found: list[tuple[Parameter, SchemaProblem]] = []
        for parameter in operation.parameters:
            if parameter.location != "path" or parameter.name not in match.params:
                continue
            value = decode_path_value(parameter, match.params[parameter.name])
            for problem in self._parameter_problems(parameter, value):
                found.append((parameter, problem))
        return found

    def _parameter_problems(self, parameter: Parameter, value: Any) -> list[SchemaProblem]:
        resolved = parameter.schema
        coerced = self._coerce(value, resolved, parameter.uri)
        return self.schemas.validate(
            Mode.PARAMETER, f"{parameter.uri}{parameter.schema_pointer}", resolved, coerced, parameter.uri
        )

    def _rule_problems(
        self, parameter: Parameter, rules: Mapping[str, Any], value: str, *, case_insensitive: bool = False
    ) -> list[SchemaProblem]:
        """A regex matcher on a query parameter or header, compared with the parameter's schema."""
        wanted = parameter.name.lower() if case_insensitive else parameter.name
        for path, rule_matchers in rules.items():
            tokens = matchers.parse_rule_path(path)
            if not tokens or len(tokens) != 1:
                continue
            name = str(tokens[0]).lower() if case_insensitive else str(tokens[0])
            if name != wanted:
                continue
            resolved = self.document.resolve(parameter.schema, parameter.uri, parameter.schema_pointer)
            if not isinstance(resolved.contents, Mapping):
                return []
            found = (resolved.contents, resolved.uri, resolved.pointer)
            problems: list[SchemaProblem] = []
            for matcher in rule_matchers:
                if matcher.get("match") == "regex" and isinstance(matcher.get("regex"), str):
                    problems.extend(matchers.regex_problems(matcher["regex"], found, (), value, "request"))
            return problems
        return []

    def _coerce(self, value: Any, schema: Any, uri: str) -> Any:
        return coerce(value, schema, lambda s: self.schemas.resolve(s, uri))

    # -- request headers (accept, content-type, declared and unknown headers) -----------------------
    def _response_types(self, operation: Operation, status: int | None) -> list[str]:
        if operation.produces is not None:
            return operation.produces
        types: list[str] = []
        responses = operation.responses
        keys = [str(status)] if status is not None else [str(k) for k in responses]
        for key in keys:
            response = _get(responses, key)
            if response is None:
                continue
            content = self.document.resolve(response).contents
            if isinstance(content, Mapping) and isinstance(content.get("content"), Mapping):
                types.extend(str(t) for t in content["content"])
        return types

    def _request_types(self, operation: Operation) -> list[str]:
        if operation.consumes is not None:
            return operation.consumes
        body = operation.request_body.contents if operation.request_body else None
        if isinstance(body, Mapping) and isinstance(body.get("content"), Mapping):
            return [str(t) for t in body["content"]]
        return []

    def _request_headers(self, check: InteractionCheck, operation: Operation) -> bool:
        request = check.interaction.request
        loc = operation.location
        all_response_types = self._response_types(operation, None)
        status_response_types = self._response_types(operation, check.interaction.response.status)
        request_types = self._request_types(operation)
        accept = request.header("accept")
        if accept:
            if not all_response_types:
                check.add(
                    "request.accept.unknown",
                    Severity.WARNING,
                    "Request Accept header is defined but the spec does not specify any mime-types to produce",
                    f"{check.base}.request.headers.accept",
                    accept,
                    loc,
                    None,
                    operation.pointer,
                )
            elif (
                status_response_types
                and find_matching_type(accept_ranges(accept), all_response_types) is None
            ):
                check.add(
                    "request.accept.incompatible",
                    Severity.ERROR,
                    "Request Accept header is incompatible with the mime-types the spec defines to produce",
                    f"{check.base}.request.headers.accept",
                    accept,
                    loc,
                    status_response_types,
                    f"{operation.pointer}/responses",
                )
        content_type_header = request.header("content-type")
        content_type = (content_type_header or "").split(";")[0].strip()
        incompatible = False
        if content_type and not request_types:
            check.add(
                "request.content-type.unknown",
                Severity.WARNING,
                "Request content-type header is defined but the spec does not specify any mime-types to consume",
                f"{check.base}.request.headers.content-type",
                content_type_header,
                loc,
                None,
                operation.pointer,
            )
        if content_type and request_types and find_matching_type([content_type], request_types) is None:
            incompatible = True
            check.add(
                "request.content-type.incompatible",
                Severity.ERROR,
                "Request Content-Type header is incompatible with the mime-types the spec accepts to consume",
                f"{check.base}.request.headers.content-type",
                content_type_header,
                f"{loc}.requestBody.content" if operation.consumes is None else f"{loc}.consumes",
                request_types,
                f"{operation.pointer}/requestBody/content"
                if operation.consumes is None
                else operation.pointer,
            )
        if not content_type and request_types and js_truthy(request.body):
            check.add(
                "request.content-type.missing",
                Severity.WARNING,
                "Request content type header is not defined but spec specifies mime-types to consume",
                f"{check.base}.request.headers.content-type",
                None,
                loc,
                None,
                operation.pointer,
            )
        security_headers = (
            security_names(operation, self.index.security_schemes, "header") if check.valid_request else set()
        )
        remaining = {name.lower(): (name, value) for name, value in request.headers.items()}
        for parameter in operation.parameters:
            if parameter.location != "header":
                continue
            raw = request.header(parameter.name)
            schema = parameter.schema
            stringy = "string" in parameter.schema_types or any(
                isinstance(s, Mapping) and s.get("type") == "string"
                for s in [*(schema.get("anyOf") or []), *(schema.get("oneOf") or [])]
            )
            value: Any = raw if stringy else parse_value(raw)
            where = f"{check.base}.request.headers.{parameter.name}"
            if raw is not None and check.valid_request:
                problems = self._parameter_problems(parameter, value)
                if self.options.honour_matching_rules and isinstance(raw, str):
                    problems += self._rule_problems(
                        parameter, request.rules("header"), raw, case_insensitive=True
                    )
                for problem in problems:
                    check.add_problem(
                        "request.header.incompatible",
                        "Value is incompatible with the parameter defined in the spec file",
                        where,
                        problem,
                    )
            if raw is None and parameter.required and check.valid_request:
                check.add(
                    "request.header.incompatible",
                    Severity.ERROR,
                    "Value is incompatible with the parameter defined in the spec file: "
                    f"must have required property '{parameter.name}'",
                    where,
                    None,
                    f"{loc}.parameters[{parameter.index}]",
                    dict(parameter.node),
                    parameter.schema_pointer,
                )
            remaining.pop(parameter.name.lower(), None)
        for name in STANDARD_REQUEST_HEADERS:
            remaining.pop(name, None)
        if check.valid_request:
            for lowered, (_, value) in remaining.items():
                if lowered in security_headers:
                    continue
                check.add(
                    "request.header.unknown",
                    Severity.WARNING,
                    f"Request header is not defined in the spec file: {lowered}",
                    f"{check.base}.request.headers.{lowered}",
                    value,
                    loc,
                    None,
                    operation.pointer,
                )
        return incompatible

    # -- query --------------------------------------------------------------------------------------
    def _query(self, check: InteractionCheck, operation: Operation) -> None:
        request = check.interaction.request
        query = query_string(request.query)
        parsed = parse_query(query)
        unparsed = parse_query(query, comma=False, allow_dots=False)
        for parameter in operation.parameters:
            if parameter.location != "query":
                continue
            name = parameter.name
            if "string" in parameter.schema_types and name in unparsed:
                parsed[name] = unparsed[name]
            value = parsed.get(name, MISSING)
            if (value is not MISSING or parameter.required) and check.valid_request:
                where = f"{check.base}.request.query.{name}"
                if value is MISSING:
                    check.add(
                        "request.query.incompatible",
                        Severity.ERROR,
                        "Value is incompatible with the parameter defined in the spec file: "
                        f"must have required property '{name}'",
                        where,
                        None,
                        f"{operation.location}.parameters[{parameter.index}]",
                        dict(parameter.node),
                        parameter.schema_pointer,
                    )
                else:
                    if "array" in parameter.schema_types and isinstance(value, str):
                        if self.document.is_swagger2:
                            separator = SWAGGER2_SEPARATORS.get(parameter.collection_format or "csv", ",")
                        else:
                            separator = OAS3_QUERY_SEPARATORS.get(parameter.style or "form", ",")
                        value = value.split(separator)
                    problems = self._parameter_problems(parameter, value)
                    if self.options.honour_matching_rules and isinstance(value, str):
                        problems += self._rule_problems(parameter, request.rules("query"), value)
                    for problem in problems:
                        check.add_problem(
                            "request.query.incompatible",
                            "Value is incompatible with the parameter defined in the spec file",
                            where,
                            problem,
                        )
            parsed.pop(name, None)
        if not check.valid_request:
            return
        security_queries = security_names(operation, self.index.security_schemes, "query")
        for name, value in parsed.items():
            if name in security_queries:
                continue
            check.add(
                "request.query.unknown",
                Severity.WARNING,
                f"Query parameter is not defined in the spec file: {name}",
                f"{check.base}.request.query.{name}",
                value,
                operation.location,
                None,
                operation.pointer,
            )

    # -- request body -------------------------------------------------------------------------------
    def _request_body(self, check: InteractionCheck, operation: Operation) -> None:
        request = check.interaction.request
        body = request.body
        request_types = self._request_types(operation)
        header = request.header("content-type") or ""
        content_type = (
            (find_matching_type([header], request_types) or header) if header else DEFAULT_CONTENT_TYPE
        )
        schema: Any = None
        schema_pointer = ""
        schema_uri = self.document.base_uri
        required = False
        if operation.request_body is not None:
            node = operation.request_body.contents
            content = node.get("content") if isinstance(node, Mapping) else None
            if isinstance(content, Mapping):
                key = find_matching_type([content_type], [str(k) for k in content])
                media = content.get(key) if key is not None else None
                if isinstance(media, Mapping) and "schema" in media:
                    schema = media["schema"]
                    schema_uri = operation.request_body.uri
                    schema_pointer = f"{operation.request_body.pointer}/content/{_escape(str(key))}/schema"
            required = bool(isinstance(node, Mapping) and node.get("required"))
        body_parameter = next((p for p in operation.parameters if p.location == "body"), None)
        if body_parameter is not None:
            if schema is None and isinstance(body_parameter.node.get("schema"), Mapping):
                schema = body_parameter.node["schema"]
                schema_uri = body_parameter.uri
                schema_pointer = body_parameter.schema_pointer
            required = required or bool(body_parameter.node.get("required"))
        if not required and body is MISSING:
            return
        validatable = is_validatable(content_type, self._request_validatable)
        if not validatable:
            if body is not MISSING and check.valid_request:
                check.add(
                    "request.body.unvalidatable",
                    Severity.WARNING,
                    f"Body with content type '{content_type}' is not supported by the spec comparator",
                    f"{check.base}.request.body",
                    body,
                    f"{operation.location}.requestBody.content",
                    None,
                    f"{operation.pointer}/requestBody/content",
                )
            return
        prefix = "Request body is incompatible with the request body schema in the spec file"
        if schema is not None and check.valid_request:
            if body is MISSING:
                check.add(
                    "request.body.incompatible",
                    Severity.ERROR,
                    f"{prefix}: the spec requires a request body but the interaction has none",
                    f"{check.base}.request.body",
                    None,
                    pointer_to_location(schema_pointer),
                    None,
                    schema_pointer,
                )
            else:
                value = _parse_body(body, header)
                problems = self.schemas.validate(
                    Mode.REQUEST, f"{schema_uri}{schema_pointer}", schema, value, schema_uri
                )
                if self.options.honour_matching_rules:
                    problems = matchers.adjust(
                        check,
                        self,
                        problems,
                        schema,
                        schema_uri,
                        schema_pointer,
                        value,
                        request.rules("body"),
                        "request",
                    )
                for problem in problems:
                    check.add_problem(
                        "request.body.incompatible", prefix, f"{check.base}.request.body", problem
                    )
        if js_truthy(body) and schema is None and check.valid_request:
            check.add(
                "request.body.unknown",
                Severity.WARNING,
                "No matching schema found for request body",
                f"{check.base}.request.body",
                body,
                f"{operation.location}.requestBody.content",
                None,
                f"{operation.pointer}/requestBody/content",
            )

    # -- responses ----------------------------------------------------------------------------------
    def _response(self, operation: Operation, status: int) -> tuple[Any, str, bool]:
        """The response object for a status (exact, then `4XX`-style, then `default`), its key, and
        whether it came from `default`."""
        for key, is_default in ((str(status), False), (f"{status // 100}XX", False), ("default", True)):
            found = _get(operation.responses, key)
            if found is None and key.endswith("XX"):
                found = _get(operation.responses, key.replace("XX", "xx"))
            if found is not None:
                return found, key, is_default
        return None, "", False

    def _response_headers(self, check: InteractionCheck, operation: Operation) -> bool:
        response = check.interaction.response
        raw, key, _ = self._response(operation, response.status)
        if raw is None:
            return False
        resolved = self.document.resolve(raw, self.document.base_uri, f"{operation.pointer}/responses/{key}")
        node = resolved.contents if isinstance(resolved.contents, Mapping) else {}
        available = (
            operation.produces
            if operation.produces is not None
            else [str(t) for t in _mapping(node.get("content"))]
        )
        header = response.header("content-type")
        content_type = (header or "").split(";")[0].strip()
        loc = operation.location
        incompatible = False
        if content_type and not available:
            check.add(
                "response.content-type.unknown",
                Severity.WARNING,
                "Response Content-Type header is defined but the spec does not specify any mime-types to produce",
                f"{check.base}.response.headers.content-type",
                header,
                loc,
                None,
                operation.pointer,
            )
        if content_type and available and find_matching_type([content_type], available) is None:
            incompatible = True
            check.add(
                "response.content-type.incompatible",
                Severity.ERROR,
                "Response Content-Type header is incompatible with the mime-types the spec defines to produce",
                f"{check.base}.response.headers.content-type",
                header,
                f"{loc}.responses.{response.status}.content",
                available,
                f"{resolved.pointer}/content",
            )
        remaining = {name.lower(): value for name, value in response.headers.items()}
        remaining.pop("content-type", None)
        headers = node.get("headers") if isinstance(node.get("headers"), Mapping) else {}
        assert isinstance(headers, Mapping)
        for name, raw_header in headers.items():
            header_pointer = f"{resolved.pointer}/headers/{_escape(str(name))}"
            header_node = self.document.resolve(raw_header, resolved.uri, header_pointer)
            spec = header_node.contents if isinstance(header_node.contents, Mapping) else {}
            if isinstance(spec.get("schema"), Mapping):
                schema, pointer = spec["schema"], f"{header_node.pointer}/schema"
            else:
                schema = {k: v for k, v in spec.items() if k not in {"description", "required", "example"}}
                pointer = header_node.pointer
            value = remaining.pop(str(name).lower(), None)
            if value is None:
                continue
            coerced = self._coerce(value, schema, header_node.uri)
            for problem in self.schemas.validate(
                Mode.PARAMETER, f"{header_node.uri}{pointer}", schema, coerced, header_node.uri
            ):
                check.add_problem(
                    "response.header.incompatible",
                    "Value is incompatible with the parameter defined in the spec file",
                    f"{check.base}.response.headers.{name}",
                    problem,
                )
        for name in STANDARD_RESPONSE_HEADERS:
            if name in remaining:
                check.add(
                    "response.header.undefined",
                    Severity.WARNING,
                    f"Standard http response header is not defined in the spec file: {name}",
                    f"{check.base}.response.headers.{name}",
                    remaining.pop(name),
                    loc,
                    None,
                    operation.pointer,
                )
        for name, value in remaining.items():
            check.add(
                "response.header.unknown",
                Severity.ERROR,
                f"Response header is not defined in the spec file: {name}",
                f"{check.base}.response.headers.{name}",
                value,
                f"{loc}.responses.{response.status}.headers",
                None,
                f"{resolved.pointer}/headers",
            )
        return incompatible

    def _response_body(self, check: InteractionCheck, operation: Operation) -> None:
        response = check.interaction.response
        request = check.interaction.request
        raw, key, is_default = self._response(operation, response.status)
        loc = operation.location
        if raw is None:
            check.add(
                "response.status.unknown",
                Severity.ERROR,
                f"Response status code not defined in spec file: {response.status}",
                f"{check.base}.response.status",
                response.status,
                f"{loc}.responses",
                sorted(str(k) for k in operation.responses),
                f"{operation.pointer}/responses",
            )
            return
        resolved = self.document.resolve(raw, self.document.base_uri, f"{operation.pointer}/responses/{key}")
        node = resolved.contents if isinstance(resolved.contents, Mapping) else {}
        content = node.get("content") if isinstance(node.get("content"), Mapping) else {}
        assert isinstance(content, Mapping)
        available = operation.produces if operation.produces is not None else [str(t) for t in content]
        response_header = (response.header("content-type") or "").split(";")[0].strip()
        content_type = (
            (find_matching_type([response_header], available) if response_header else None)
            or find_matching_type(accept_ranges(request.header("accept") or DEFAULT_CONTENT_TYPE), available)
            or (available[0] if available else None)
            or DEFAULT_CONTENT_TYPE
        )
        schema: Any = None
        schema_pointer = ""
        if "schema" in node:
            schema, schema_pointer = node["schema"], f"{resolved.pointer}/schema"
        elif content:
            media_key = find_matching_type([content_type], [str(k) for k in content])
            media = content.get(media_key) if media_key is not None else None
            if isinstance(media, Mapping) and "schema" in media:
                schema = media["schema"]
                schema_pointer = f"{resolved.pointer}/content/{_escape(str(media_key))}/schema"
        if is_default:
            check.add(
                "response.status.default",
                Severity.WARNING,
                f"Response status code matched default response in spec file: {response.status}",
                f"{check.base}.response.status",
                response.status,
                f"{loc}.responses",
                None,
                f"{operation.pointer}/responses/default",
            )
        body = response.body
        if not is_validatable(content_type):
            if body is not MISSING:
                check.add(
                    "response.body.unvalidatable",
                    Severity.WARNING,
                    f"Body with content type '{content_type}' is not supported by the spec comparator",
                    f"{check.base}.response.body",
                    body,
                    f"{loc}.responses.{response.status}.content",
                    None,
                    f"{resolved.pointer}/content",
                )
            return
        if not js_truthy(body):
            return
        if schema is None:
            check.add(
                "response.body.unknown",
                Severity.ERROR,
                "No matching schema found for response body",
                f"{check.base}.response.body",
                body,
                f"{loc}.responses.{response.status}.content",
                None,
                f"{resolved.pointer}/content",
            )
            return
        problems = self.schemas.validate(
            Mode.RESPONSE, f"{resolved.uri}{schema_pointer}", schema, body, resolved.uri
        )
        if self.options.honour_matching_rules:
            problems = matchers.adjust(
                check,
                self,
                problems,
                schema,
                resolved.uri,
                schema_pointer,
                body,
                response.rules("body"),
                "response",
            )
        for problem in problems:
            check.add_problem(
                "response.body.incompatible",
                "Response body is incompatible with the response body schema in the spec file",
                f"{check.base}.response.body",
                problem,
            )


def _mapping(value: Any) -> Mapping[Any, Any]:
    return value if isinstance(value, Mapping) else {}


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _parse_body(body: Any, content_type: str) -> Any:
    if isinstance(body, str) and "application/x-www-form-urlencoded" in content_type:
        return parse_query(body)
    if isinstance(body, str) and "multipart/form-data" in content_type and "boundary=" in content_type:
        boundary = content_type.split("boundary=", 1)[1].split(";")[0].strip().strip('"')
        return _parse_multipart(body, boundary)
    return body


def _parse_multipart(body: str, boundary: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for chunk in body.split(f"--{boundary}"):
        head, sep, data = chunk.partition("\r\n\r\n")
        if not sep:
            head, sep, data = chunk.partition("\n\n")
        if not sep or 'name="' not in head:
            continue
        name = head.split('name="', 1)[1].split('"', 1)[0]
        parts[name] = data.rstrip("\r\n")
    return parts


__all__ = ["CheckOptions", "InteractionCheck", "OpenAPIChecker"]
