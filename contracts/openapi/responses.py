"""The response rules: the status's response object, Content-Type, declared and unknown headers, the body."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contracts.findings import Severity
from contracts.openapi import matchers
from contracts.openapi.context import (
    DEFAULT_CONTENT_TYPE,
    Engine,
    InteractionCheck,
    as_mapping,
    escape,
    js_truthy,
    status_entry,
)
from contracts.openapi.media import accept_ranges, find_matching_type, is_validatable
from contracts.openapi.operations import Operation
from contracts.openapi.pacts import MISSING
from contracts.openapi.schemas import Mode

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


def response_entry(engine: Engine, operation: Operation, status: int) -> tuple[Any, str, bool]:
    """The response object for a status (exact, then `4XX`-style, then `default`), its key, and
    whether it came from `default`."""
    for key, is_default in ((str(status), False), (f"{status // 100}XX", False), ("default", True)):
        found = status_entry(operation.responses, key)
        if found is None and key.endswith("XX"):
            found = status_entry(operation.responses, key.replace("XX", "xx"))
        if found is not None:
            return found, key, is_default
    return None, "", False


def check_headers(check: InteractionCheck, operation: Operation) -> bool:
    engine = check.engine
    raw, key, _ = response_entry(engine, operation, check.status)
    if raw is None:
        return False
    resolved = engine.document.resolve(raw, engine.document.base_uri, f"{operation.pointer}/responses/{key}")
    node = resolved.contents if isinstance(resolved.contents, Mapping) else {}
    available = (
        operation.produces
        if operation.produces is not None
        else [str(t) for t in as_mapping(node.get("content"))]
    )
    header = check.response_header("content-type")
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
            f"{loc}.responses.{check.status}.content",
            available,
            f"{resolved.pointer}/content",
        )
    remaining = {name.lower(): value for name, value in check.response_headers.items()}
    remaining.pop("content-type", None)
    headers = node.get("headers") if isinstance(node.get("headers"), Mapping) else {}
    assert isinstance(headers, Mapping)
    for name, raw_header in headers.items():
        header_pointer = f"{resolved.pointer}/headers/{escape(str(name))}"
        header_node = engine.document.resolve(raw_header, resolved.uri, header_pointer)
        spec = header_node.contents if isinstance(header_node.contents, Mapping) else {}
        if isinstance(spec.get("schema"), Mapping):
            schema, pointer = spec["schema"], f"{header_node.pointer}/schema"
        else:
            schema = {k: v for k, v in spec.items() if k not in {"description", "required", "example"}}
            pointer = header_node.pointer
        value = remaining.pop(str(name).lower(), None)
        if value is None:
            continue
        coerced = engine.coerce(value, schema, header_node.uri)
        for problem in engine.schemas.validate(
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
            f"{loc}.responses.{check.status}.headers",
            None,
            f"{resolved.pointer}/headers",
        )
    return incompatible


def check_body(check: InteractionCheck, operation: Operation) -> None:
    engine = check.engine
    raw, key, is_default = response_entry(engine, operation, check.status)
    loc = operation.location
    if raw is None:
        check.add(
            "response.status.unknown",
            Severity.ERROR,
            f"Response status code not defined in spec file: {check.status}",
            f"{check.base}.response.status",
            check.status,
            f"{loc}.responses",
            sorted(str(k) for k in operation.responses),
            f"{operation.pointer}/responses",
        )
        return
    resolved = engine.document.resolve(raw, engine.document.base_uri, f"{operation.pointer}/responses/{key}")
    node = resolved.contents if isinstance(resolved.contents, Mapping) else {}
    content = node.get("content") if isinstance(node.get("content"), Mapping) else {}
    assert isinstance(content, Mapping)
    available = operation.produces if operation.produces is not None else [str(t) for t in content]
    response_header = (check.response_header("content-type") or "").split(";")[0].strip()
    content_type = (
        (find_matching_type([response_header], available) if response_header else None)
        or find_matching_type(
            accept_ranges(check.request_header("accept") or DEFAULT_CONTENT_TYPE), available
        )
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
            schema_pointer = f"{resolved.pointer}/content/{escape(str(media_key))}/schema"
    if is_default:
        check.add(
            "response.status.default",
            Severity.WARNING,
            f"Response status code matched default response in spec file: {check.status}",
            f"{check.base}.response.status",
            check.status,
            f"{loc}.responses",
            None,
            f"{operation.pointer}/responses/default",
        )
    body = check.response_body
    if not is_validatable(content_type):
        if body is not MISSING:
            check.add(
                "response.body.unvalidatable",
                Severity.WARNING,
                f"Body with content type '{content_type}' is not supported by the spec comparator",
                f"{check.base}.response.body",
                body,
                f"{loc}.responses.{check.status}.content",
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
            f"{loc}.responses.{check.status}.content",
            None,
            f"{resolved.pointer}/content",
        )
        return
    problems = engine.schemas.validate(
        Mode.RESPONSE, f"{resolved.uri}{schema_pointer}", schema, body, resolved.uri
    )
    if engine.options.honour_matching_rules:
        problems = matchers.adjust(
            engine.document,
            problems,
            schema,
            resolved.uri,
            schema_pointer,
            body,
            check.response_rules("body"),
            "response",
        )
    for problem in problems:
        check.add_problem(
            "response.body.incompatible",
            "Response body is incompatible with the response body schema in the spec file",
            f"{check.base}.response.body",
            problem,
        )
