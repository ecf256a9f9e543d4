"""The request rules: Accept and Content-Type, declared and unknown headers, the query, the body.

Each function adds its findings to the `InteractionCheck`; order and codes follow the comparator.
Under `CheckOptions.partial_request` (a hand-written mock) required headers, query parameters and
bodies the request does not name are not reported as missing: the mock only says what it matches on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contracts.findings import Severity
from contracts.openapi import matchers
from contracts.openapi.context import (
    DEFAULT_CONTENT_TYPE,
    Engine,
    InteractionCheck,
    escape,
    js_truthy,
    status_entry,
)
from contracts.openapi.document import pointer_to_location
from contracts.openapi.media import accept_ranges, find_matching_type, is_validatable
from contracts.openapi.operations import Operation, Parameter
from contracts.openapi.pacts import MISSING
from contracts.openapi.querystrings import parse_query, parse_value, query_string
from contracts.openapi.schemas import Mode, SchemaProblem
from contracts.openapi.security import security_names

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
SWAGGER2_SEPARATORS = {"csv": ",", "ssv": " ", "tsv": "\t", "pipes": "|"}
OAS3_QUERY_SEPARATORS = {"spaceDelimited": " ", "pipeDelimited": "|"}


def rule_problems(
    engine: Engine,
    parameter: Parameter,
    rules: Mapping[str, Any],
    value: str,
    *,
    case_insensitive: bool = False,
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
        resolved = engine.document.resolve(parameter.schema, parameter.uri, parameter.schema_pointer)
        if not isinstance(resolved.contents, Mapping):
            return []
        found = (resolved.contents, resolved.uri, resolved.pointer)
        problems: list[SchemaProblem] = []
        for matcher in rule_matchers:
            if matcher.get("match") == "regex" and isinstance(matcher.get("regex"), str):
                problems.extend(matchers.regex_problems(matcher["regex"], found, (), value, "request"))
        return problems
    return []


def produced_types(engine: Engine, operation: Operation, status: int | None) -> list[str]:
    if operation.produces is not None:
        return operation.produces
    types: list[str] = []
    responses = operation.responses
    keys = [str(status)] if status is not None else [str(k) for k in responses]
    for key in keys:
        response = status_entry(responses, key)
        if response is None:
            continue
        content = engine.document.resolve(response).contents
        if isinstance(content, Mapping) and isinstance(content.get("content"), Mapping):
            types.extend(str(t) for t in content["content"])
    return types


def consumed_types(engine: Engine, operation: Operation) -> list[str]:
    if operation.consumes is not None:
        return operation.consumes
    body = operation.request_body.contents if operation.request_body else None
    if isinstance(body, Mapping) and isinstance(body.get("content"), Mapping):
        return [str(t) for t in body["content"]]
    return []


def check_headers(check: InteractionCheck, operation: Operation) -> bool:
    engine = check.engine
    loc = operation.location
    all_response_types = produced_types(engine, operation, None)
    status_response_types = produced_types(engine, operation, check.status)
    request_types = consumed_types(engine, operation)
    accept = check.request_header("accept")
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
        elif status_response_types and find_matching_type(accept_ranges(accept), all_response_types) is None:
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
    content_type_header = check.request_header("content-type")
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
            f"{operation.pointer}/requestBody/content" if operation.consumes is None else operation.pointer,
        )
    if not content_type and request_types and js_truthy(check.request_body):
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
        security_names(operation, engine.index.security_schemes, "header") if check.valid_request else set()
    )
    remaining = {name.lower(): (name, value) for name, value in check.request_headers.items()}
    for parameter in operation.parameters:
        if parameter.location != "header":
            continue
        raw = check.request_header(parameter.name)
        schema = parameter.schema
        stringy = "string" in parameter.schema_types or any(
            isinstance(s, Mapping) and s.get("type") == "string"
            for s in [*(schema.get("anyOf") or []), *(schema.get("oneOf") or [])]
        )
        value: Any = raw if stringy else parse_value(raw)
        where = f"{check.base}.request.headers.{parameter.name}"
        if raw is not None and check.valid_request:
            problems = engine.parameter_problems(parameter, value)
            if engine.options.honour_matching_rules and isinstance(raw, str):
                problems += rule_problems(
                    engine, parameter, check.request_rules("header"), raw, case_insensitive=True
                )
            for problem in problems:
                check.add_problem(
                    "request.header.incompatible",
                    "Value is incompatible with the parameter defined in the spec file",
                    where,
                    problem,
                )
        if raw is None and parameter.required and check.valid_request and check.complete_request:
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


def check_query(check: InteractionCheck, operation: Operation) -> None:
    engine = check.engine
    query = query_string(check.query)
    parsed = parse_query(query)
    unparsed = parse_query(query, comma=False, allow_dots=False)
    for parameter in operation.parameters:
        if parameter.location != "query":
            continue
        name = parameter.name
        if "string" in parameter.schema_types and name in unparsed:
            parsed[name] = unparsed[name]
        value = parsed.get(name, MISSING)
        if (value is not MISSING or (parameter.required and check.complete_request)) and check.valid_request:
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
                    if engine.document.is_swagger2:
                        separator = SWAGGER2_SEPARATORS.get(parameter.collection_format or "csv", ",")
                    else:
                        separator = OAS3_QUERY_SEPARATORS.get(parameter.style or "form", ",")
                    value = value.split(separator)
                problems = engine.parameter_problems(parameter, value)
                if engine.options.honour_matching_rules and isinstance(value, str):
                    problems += rule_problems(engine, parameter, check.request_rules("query"), value)
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
    security_queries = security_names(operation, engine.index.security_schemes, "query")
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


def check_body(check: InteractionCheck, operation: Operation) -> None:
    engine = check.engine
    body = check.request_body
    request_types = consumed_types(engine, operation)
    header = check.request_header("content-type") or ""
    content_type = (find_matching_type([header], request_types) or header) if header else DEFAULT_CONTENT_TYPE
    schema: Any = None
    schema_pointer = ""
    schema_uri = engine.document.base_uri
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
                schema_pointer = f"{operation.request_body.pointer}/content/{escape(str(key))}/schema"
        required = bool(isinstance(node, Mapping) and node.get("required"))
    body_parameter = next((p for p in operation.parameters if p.location == "body"), None)
    if body_parameter is not None:
        if schema is None and isinstance(body_parameter.node.get("schema"), Mapping):
            schema = body_parameter.node["schema"]
            schema_uri = body_parameter.uri
            schema_pointer = body_parameter.schema_pointer
        required = required or bool(body_parameter.node.get("required"))
    if body is MISSING and (not required or not check.complete_request):
        return
    validatable = is_validatable(content_type, engine.request_validatable)
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
            problems = engine.schemas.validate(
                Mode.REQUEST, f"{schema_uri}{schema_pointer}", schema, value, schema_uri
            )
            if engine.options.honour_matching_rules:
                problems = matchers.adjust(
                    engine.document,
                    problems,
                    schema,
                    schema_uri,
                    schema_pointer,
                    value,
                    check.request_rules("body"),
                    "request",
                )
            for problem in problems:
                check.add_problem("request.body.incompatible", prefix, f"{check.base}.request.body", problem)
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
