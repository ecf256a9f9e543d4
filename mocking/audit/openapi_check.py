"""Checking a recorded mock against the provider's OpenAPI document.

The operation is found by path template (after the spec's server base path) and method; then:
path parameters against their schemas, the mocked status against the documented responses, the
mocked body against the response schema (``jsonschema``: OpenAPI 3.0 and Swagger 2.0 schemas are
validated as draft 4 with ``nullable`` translated, 3.1 as draft 2020-12), its content type, and the
request body the mock expects (when the library matches on one) against the request schema.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jsonschema
import referencing
import referencing.jsonschema

from contracts.openapi.document import OpenAPIDocument, escape_pointer_token
from mocking.audit.findings import DriftKind, Finding
from mocking.audit.recorder import UNSET, RecordedMock

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _nullable_to_json_schema(node: Any) -> Any:
    """A copy of an OpenAPI 3.0 document where ``nullable: true`` is expressed in JSON Schema."""
    if isinstance(node, list):
        return [_nullable_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: _nullable_to_json_schema(value) for key, value in node.items()}
    if result.get("nullable") is True:
        kind = result.get("type")
        if isinstance(kind, str):
            result["type"] = [kind, "null"]
        elif "type" not in result and (
            "$ref" in result or "allOf" in result or "oneOf" in result or "anyOf" in result
        ):
            inner = {k: v for k, v in result.items() if k != "nullable"}
            result = {"anyOf": [inner, {"type": "null"}]}
        if isinstance(result.get("enum"), list) and None not in result["enum"]:
            result["enum"] = [*result["enum"], None]
    return result


def _properties(schema: Any) -> dict[str, Any]:
    properties = schema.get("properties") if isinstance(schema, dict) else None
    return properties if isinstance(properties, dict) else {}


def _json_path(parts: Any) -> str:
    text = "$"
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(part)):
            text += f".{part}"
        else:
            text += f"['{part}']"
    return text


def _kind_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


@dataclass(frozen=True, slots=True)
class Operation:
    template: str
    method: str
    node: dict[str, Any]
    pointer: str
    path_item: dict[str, Any]
    path_pointer: str

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.template}"


class SpecIndex:
    """A spec prepared for many checks: path templates compiled, schemas validated through a registry."""

    def __init__(self, spec: OpenAPIDocument, base_paths: list[str]) -> None:
        self.spec = spec
        self.base_paths = sorted(base_paths, key=len, reverse=True)
        self.templates: list[tuple[str, re.Pattern[str], dict[str, Any]]] = []
        for template, item in (spec.root.get("paths") or {}).items():
            if not isinstance(item, dict):
                continue
            regex = re.compile(
                "".join(
                    "[^/]+" if part.startswith("{") else re.escape(part)
                    for part in re.split(r"(\{[^}]+\})", str(template))
                )
            )
            self.templates.append((str(template), regex, item))
        # literal templates first, then by fewer parameters
        self.templates.sort(key=lambda t: (t[0].count("{"), -len(t[0])))
        specification = (
            referencing.jsonschema.DRAFT202012 if spec.version == "3.1" else referencing.jsonschema.DRAFT4
        )
        self._validator_class: Any = (
            jsonschema.Draft202012Validator if spec.version == "3.1" else jsonschema.Draft4Validator
        )
        translate = spec.version != "3.1"

        def convert(document: Any) -> Any:
            return _nullable_to_json_schema(document) if translate else copy.deepcopy(document)

        root = convert(spec.root)

        def retrieve(uri: str) -> referencing.Resource[Any]:
            return specification.create_resource(convert(spec.load_sibling(uri)))

        empty: referencing.Registry[Any] = referencing.Registry(retrieve=retrieve)  # type: ignore[call-arg]
        self.registry: referencing.Registry[Any] = empty.with_resource(
            spec.base_uri, specification.create_resource(root)
        )

    def strip_base(self, path: str) -> Iterator[str]:
        yield path
        for base in self.base_paths:
            if path.startswith(base + "/") or path == base:
                yield path[len(base) :] or "/"

    def find_path(self, path: str) -> tuple[str, dict[str, Any], dict[str, str]] | None:
        for candidate in self.strip_base(path):
            for template, regex, item in self.templates:
                if regex.fullmatch(candidate):
                    names = re.findall(r"\{([^}]+)\}", template)
                    values = regex.pattern and _path_values(template, candidate)
                    return template, item, dict(zip(names, values, strict=False))
        return None

    def closest_templates(self, path: str) -> list[str]:
        templates = [t for t, _, _ in self.templates]
        return difflib.get_close_matches(path, templates, n=3, cutoff=0.3)

    def errors(self, pointer: str, uri: str, instance: Any) -> list[jsonschema.ValidationError]:
        validator = self._validator_class({"$ref": f"{uri}{pointer}"}, registry=self.registry)
        return sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))


def _path_values(template: str, path: str) -> list[str]:
    pattern = "".join(
        "([^/]+)" if part.startswith("{") else re.escape(part) for part in re.split(r"(\{[^}]+\})", template)
    )
    match = re.fullmatch(pattern, path)
    return list(match.groups()) if match else []


def _schema_findings(
    errors: list[jsonschema.ValidationError],
    location: str,
    source: str,
    kind_override: DriftKind | None = None,
) -> list[Finding]:
    findings = []
    for error in errors:
        path = list(error.absolute_path)
        if error.validator == "required":
            missing = [
                name
                for name in (error.validator_value if isinstance(error.validator_value, list) else [])
                if isinstance(error.instance, dict) and name not in error.instance
            ]
            for name in missing or ["?"]:
                findings.append(
                    Finding(
                        kind_override or DriftKind.MISSING_FIELD,
                        "error",
                        source,
                        f"{location} {_json_path([*path, name])}",
                        f"required field {name!r} is missing",
                        expected="present",
                        actual="missing",
                    )
                )
            continue
        if error.validator == "type":
            kind = DriftKind.WRONG_TYPE
            message = f"wrong type: the spec says {error.validator_value}, the mock has {_kind_name(error.instance)} {error.instance!r}"
            expected: Any = error.validator_value
            actual: Any = error.instance
        elif error.validator == "additionalProperties":
            kind = DriftKind.UNEXPECTED_FIELD
            extra = (
                sorted(set(error.instance) - set(_properties(error.schema)))
                if isinstance(error.instance, dict)
                else []
            )
            message = f"field(s) the spec does not allow: {extra}"
            expected, actual = "no additional properties", extra
        else:
            kind = DriftKind.INVALID_VALUE
            message = f"{error.validator}: {error.message}"
            expected, actual = error.validator_value, error.instance
        findings.append(
            Finding(
                kind_override or kind,
                "error",
                source,
                f"{location} {_json_path(path)}",
                message,
                expected,
                actual,
            )
        )
    unique: dict[tuple[str, str], Finding] = {}
    for finding in findings:
        unique.setdefault((finding.location, finding.message), finding)
    return list(unique.values())


def _media_type(value: str | None) -> str:
    return (value or "").split(";")[0].strip().lower()


def _is_json(media: str) -> bool:
    return media == "application/json" or media.endswith("+json") or "json" in media.split("/")[-1]


def _same_media(mocked: str, documented: str) -> bool:
    if mocked == documented or documented in {"*/*", ""}:
        return True
    if documented.endswith("/*") and mocked.startswith(documented[:-1]):
        return True
    return _is_json(mocked) and _is_json(documented)


def _documented_status(responses: dict[str, Any], status: int) -> str | None:
    keys = {str(k).upper(): str(k) for k in responses}
    if str(status) in keys:
        return keys[str(status)]
    wildcard = f"{str(status)[0]}XX"
    if wildcard in keys:
        return keys[wildcard]
    if "DEFAULT" in keys:
        return keys["DEFAULT"]
    return None


def check_mock_against_spec(mock: RecordedMock, index: SpecIndex, source_name: str) -> list[Finding]:
    spec = index.spec
    path = mock.path
    if path is None:
        return []
    method = (mock.method or "GET").lower()
    source = f"OpenAPI {source_name}"
    found = index.find_path(path)
    if found is None:
        closest = index.closest_templates(path)
        hint = f"; closest: {', '.join(closest)}" if closest else ""
        return [
            Finding(
                DriftKind.UNKNOWN_PATH,
                "error",
                source,
                "request.path",
                f"wrong path: {path} is not a path of the spec{hint}",
                expected=closest,
                actual=path,
            )
        ]
    template, item, parameters = found
    path_pointer = "#/paths/" + escape_pointer_token(template)
    if mock.method is None:
        methods = [m for m in METHODS if m in item]
        if len(methods) != 1:
            return []  # any method: the path alone is all we can check
        method = methods[0]
    if method not in item:
        methods = [m.upper() for m in METHODS if m in item]
        return [
            Finding(
                DriftKind.UNKNOWN_METHOD,
                "error",
                source,
                "request.method",
                f"{method.upper()} is not an operation of {template} (the spec has {', '.join(methods)})",
                expected=methods,
                actual=method.upper(),
            )
        ]
    resolved_op = spec.resolve(item[method], pointer=f"{path_pointer}/{method}")
    operation = resolved_op.contents
    label = f"{method.upper()} {template}"
    findings: list[Finding] = []
    findings.extend(
        _check_path_parameters(index, item, operation, parameters, path_pointer, f"{source} {label}")
    )
    if mock.request_json is not UNSET:
        findings.extend(
            _check_request_body(
                index, operation, resolved_op.uri, resolved_op.pointer, mock, f"{source} {label}"
            )
        )
    if mock.status is None:
        return findings
    responses = operation.get("responses") or {}
    key = _documented_status(responses, mock.status)
    if key is None:
        documented = ", ".join(str(k) for k in responses)
        findings.append(
            Finding(
                DriftKind.UNKNOWN_STATUS,
                "error",
                f"{source} {label}",
                "response.status",
                f"status {mock.status} is not documented for {label} (the spec has {documented or 'no responses'})",
                expected=[str(k) for k in responses],
                actual=mock.status,
            )
        )
        return findings
    response_pointer = f"{resolved_op.pointer}/responses/{escape_pointer_token(key)}"
    resolved = spec.resolve(responses[key], resolved_op.uri, response_pointer)
    findings.extend(
        _check_response_body(
            index, resolved.contents, resolved.uri, resolved.pointer, mock, f"{source} {label} {key}"
        )
    )
    return findings


def _check_path_parameters(
    index: SpecIndex,
    item: dict[str, Any],
    operation: dict[str, Any],
    values: dict[str, str],
    path_pointer: str,
    source: str,
) -> list[Finding]:
    spec = index.spec
    declared: dict[str, tuple[Any, str, str]] = {}
    for owner, pointer in ((item, path_pointer), (operation, path_pointer)):
        for position, parameter in enumerate(owner.get("parameters") or []):
            resolved = spec.resolve(parameter, pointer=f"{pointer}/parameters/{position}")
            node = resolved.contents
            if isinstance(node, dict) and node.get("in") == "path":
                declared[str(node.get("name"))] = (node, resolved.uri, resolved.pointer)
    findings = []
    for name, raw in values.items():
        if name not in declared:
            continue
        node, uri, pointer = declared[name]
        schema_pointer = f"{pointer}/schema" if "schema" in node else pointer
        schema = node.get("schema") if "schema" in node else node
        kind = spec.resolve(schema, uri).contents.get("type") if isinstance(schema, dict) else None
        value: Any = raw
        if kind == "integer" and re.fullmatch(r"-?\d+", raw):
            value = int(raw)
        elif kind == "number" and re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", raw):
            value = float(raw)
        elif kind == "boolean" and raw in {"true", "false"}:
            value = raw == "true"
        if "schema" not in node and spec.is_swagger2:
            schema_doc = {
                k: v
                for k, v in node.items()
                if k in {"type", "format", "pattern", "enum", "minimum", "maximum"}
            }
            errors = list(jsonschema.Draft4Validator(schema_doc).iter_errors(value))
        else:
            errors = index.errors(schema_pointer, uri, value)
        for error in errors:
            findings.append(
                Finding(
                    DriftKind.PATH_PARAMETER,
                    "error",
                    source,
                    f"request.path {{{name}}}",
                    f"path parameter {name}={raw!r}: {error.message}",
                    expected=error.validator_value,
                    actual=raw,
                )
            )
    return findings


def _json_schema_of(content: dict[str, Any], pointer: str) -> tuple[str, str, bool] | None:
    """(pointer of the JSON schema, media type, has_json) of a content map."""
    for media, entry in content.items():
        if _is_json(_media_type(str(media))) and isinstance(entry, dict) and "schema" in entry:
            return f"{pointer}/content/{escape_pointer_token(media)}/schema", str(media), True
    return None


def _check_request_body(
    index: SpecIndex, operation: dict[str, Any], uri: str, pointer: str, mock: RecordedMock, source: str
) -> list[Finding]:
    spec = index.spec
    if spec.is_swagger2:
        for position, parameter in enumerate(operation.get("parameters") or []):
            node = spec.resolve(parameter, uri, f"{pointer}/parameters/{position}")
            if (
                isinstance(node.contents, dict)
                and node.contents.get("in") == "body"
                and "schema" in node.contents
            ):
                errors = index.errors(f"{node.pointer}/schema", node.uri, mock.request_json)
                return _schema_findings(errors, "request.body", source, DriftKind.REQUEST_BODY)
        return []
    if "requestBody" not in operation:
        return [
            Finding(
                DriftKind.REQUEST_BODY,
                "error",
                source,
                "request.body",
                "the mock expects a JSON request body, but the operation takes none",
                expected=None,
                actual=mock.request_json,
            )
        ]
    body = spec.resolve(operation["requestBody"], uri, f"{pointer}/requestBody")
    found = _json_schema_of(body.contents.get("content") or {}, body.pointer)
    if found is None:
        return []
    errors = index.errors(found[0], body.uri, mock.request_json)
    return _schema_findings(errors, "request.body", source, DriftKind.REQUEST_BODY)


def _check_response_body(
    index: SpecIndex, response: dict[str, Any], uri: str, pointer: str, mock: RecordedMock, source: str
) -> list[Finding]:
    spec = index.spec
    mocked_media = _media_type(mock.content_type())
    if spec.is_swagger2:
        if "schema" not in response or not mock.body:
            return []
        instance = mock.json_body()
        if instance is UNSET:
            return [
                Finding(
                    DriftKind.BODY_NOT_JSON,
                    "error",
                    source,
                    "response.body",
                    "the spec describes a JSON body, the mock's body is not JSON",
                    actual=mock.body[:200].decode(errors="replace"),
                )
            ]
        return _schema_findings(index.errors(f"{pointer}/schema", uri, instance), "response.body", source)
    content = response.get("content") or {}
    if not content or not mock.body:
        return []
    findings: list[Finding] = []
    documented = [_media_type(str(m)) for m in content]
    if mocked_media and not any(_same_media(mocked_media, d) for d in documented):
        findings.append(
            Finding(
                DriftKind.CONTENT_TYPE,
                "error",
                source,
                "response.headers Content-Type",
                f"content type {mocked_media} is not documented (the spec has {', '.join(documented)})",
                expected=documented,
                actual=mocked_media,
            )
        )
        return findings
    found = _json_schema_of(content, pointer)
    if found is None:
        return findings
    instance = mock.json_body()
    if instance is UNSET:
        findings.append(
            Finding(
                DriftKind.BODY_NOT_JSON,
                "error",
                source,
                "response.body",
                f"the spec describes a {found[1]} body, but the mock's body is not JSON",
                expected=found[1],
                actual=mock.body[:200].decode(errors="replace"),
            )
        )
        return findings
    findings.extend(_schema_findings(index.errors(found[0], uri, instance), "response.body", source))
    return findings
