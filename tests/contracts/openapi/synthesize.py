"""A small pact made from an OpenAPI document's first operations: documented examples where there are some,
else values generated from the schemas (enough to satisfy common constraints, not a fuzzer)."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import rstr

from contracts.openapi.document import OpenAPIDocument
from contracts.openapi.ecmaregex import InvalidPattern, pattern_search
from contracts.openapi.operations import Operation, OperationIndex

MAX_DEPTH = 6

_FORMAT_VALUES = {
    "date": "2024-01-31",
    "date-time": "2024-01-31T12:30:00Z",
    "time": "12:30:00Z",
    "email": "someone@example.com",
    "uuid": "123e4567-e89b-12d3-a456-426614174000",
    "uri": "https://example.com/a",
    "url": "https://example.com/a",
    "uri-reference": "/a",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "aGVsbG8=",
    "duration": "PT5M",
}


class Synthesizer:
    def __init__(self, document: OpenAPIDocument) -> None:
        self.document = document
        self._xeger = rstr.Rstr(random.Random(0))  # deterministic

    def _resolve(self, node: Any) -> Any:
        return self.document.resolve(node).contents if isinstance(node, Mapping) else node

    def value(self, schema: Any, depth: int = 0) -> Any:
        schema = self._resolve(schema)
        if not isinstance(schema, Mapping) or depth > MAX_DEPTH:
            return None
        for key in ("example", "default", "const"):
            if key in schema and schema[key] is not None:
                return schema[key]
        examples = schema.get("examples")
        if isinstance(examples, list) and examples:
            return examples[0]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return schema["enum"][0]
        if isinstance(schema.get("allOf"), list):
            merged: dict[str, Any] | None = None
            for branch in schema["allOf"]:
                part = self.value(branch, depth + 1)
                if isinstance(part, dict):
                    merged = {**(merged or {}), **part}
                elif part is not None and merged is None:
                    return part
            return merged
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list) and schema[key]:
                return self.value(schema[key][0], depth + 1)
        declared = schema.get("type")
        kind = declared[0] if isinstance(declared, list) and declared else declared
        if kind is None:
            if "properties" in schema or "additionalProperties" in schema:
                kind = "object"
            elif "items" in schema:
                kind = "array"
            elif any(k in schema for k in ("format", "pattern", "minLength", "maxLength")):
                kind = "string"
            else:
                return None  # no constraint (e.g. a description beside a $ref in allOf): anything goes
        return self._typed(str(kind), schema, depth)

    def _typed(self, kind: str, schema: Mapping[str, Any], depth: int) -> Any:
        if kind == "object":
            out: dict[str, Any] = {}
            properties = schema.get("properties")
            if isinstance(properties, Mapping):
                required = schema.get("required") if isinstance(schema.get("required"), list) else []
                for name, sub in properties.items():
                    if name in required or depth < 3:
                        out[str(name)] = self.value(sub, depth + 1)
            return {k: v for k, v in out.items() if v is not None}
        if kind == "array":
            item = self.value(schema.get("items"), depth + 1)
            count = max(1, int(schema.get("minItems") or 0))
            return [] if item is None else [item] * count
        if kind in {"integer", "number"}:
            low = schema.get("minimum")
            high = schema.get("maximum")
            number: Any = low if isinstance(low, int | float) and not isinstance(low, bool) else 1
            if isinstance(high, int | float) and not isinstance(high, bool) and number > high:
                number = high
            if schema.get("exclusiveMinimum") is True or (
                isinstance(schema.get("exclusiveMinimum"), int | float)
                and number <= schema["exclusiveMinimum"]
            ):
                number += 1
            return int(number) if kind == "integer" else number
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        fmt = schema.get("format")
        text = _FORMAT_VALUES.get(str(fmt), "text")
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and fmt not in _FORMAT_VALUES:
            text = self._matching(pattern) or text
        low_len = schema.get("minLength")
        if isinstance(low_len, int) and len(text) < low_len:
            text = text + "x" * (low_len - len(text))
        high_len = schema.get("maxLength")
        if isinstance(high_len, int) and len(text) > high_len:
            text = text[: max(high_len, 0)]
        return text

    def _matching(self, pattern: str) -> str | None:
        """A string the (ECMAScript) pattern matches, when Python can generate one for it."""
        bounds = [int(b) for pair in re.findall(r"\{(\d+)(?:,(\d*))?\}", pattern) for b in pair if b]
        if any(bound > 100 for bound in bounds):
            return None  # rstr would build (and we would search) strings of thousands of characters
        for _ in range(5):
            try:
                candidate = self._xeger.xeger(pattern)
            except (re.error, ValueError, IndexError, OverflowError):
                return None
            if len(candidate) > 1000 or any(c in candidate for c in "\n\r\u2028\u2029"):
                continue  # keep values readable, and out of the reach of catastrophic backtracking
            try:
                if pattern_search(pattern, candidate):
                    return candidate
            except InvalidPattern:
                return None
        return None

    def parameter_value(self, node: Mapping[str, Any], schema: Any) -> str:
        value = node["example"] if "example" in node and node["example"] is not None else self.value(schema)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return ",".join(str(v) for v in value)
        if isinstance(value, dict):
            return ",".join(f"{k},{v}" for k, v in value.items())
        return "1" if value is None else str(value)


def _json_content(content: Any) -> tuple[str, Any] | None:
    if not isinstance(content, Mapping):
        return None
    for media, entry in content.items():
        if "json" in str(media) and isinstance(entry, Mapping):
            return str(media), entry
    return None


def _credentials(
    index: OperationIndex, operation: Operation, query: list[str], headers: dict[str, str]
) -> None:
    """What the operation's first security requirement asks for (an API key, a bearer token, ...)."""
    requirements = [r for r in operation.security or [] if isinstance(r, Mapping)]
    if not requirements:
        return
    for name in requirements[0]:
        scheme = index.document.resolve(index.security_schemes.get(name)).contents
        if not isinstance(scheme, Mapping):
            continue
        kind = str(scheme.get("type", "")).lower()
        if kind == "apikey":
            where, key = str(scheme.get("in", "header")), str(scheme.get("name", "api_key"))
            if where == "query" and not any(item.startswith(f"{key}=") for item in query):
                query.append(f"{key}=key")
            elif where == "header":
                headers.setdefault(key, "key")
        elif kind == "basic" or (kind == "http" and str(scheme.get("scheme", "")).lower() == "basic"):
            headers["Authorization"] = "Basic dXNlcjpwYXNz"
        elif kind in {"http", "oauth2", "openidconnect"}:
            headers["Authorization"] = "Bearer token"


def interaction(index: OperationIndex, synth: Synthesizer, operation: Operation) -> dict[str, Any]:
    path = operation.path
    query: list[str] = []
    headers: dict[str, str] = {}
    for parameter in operation.parameters:
        if parameter.location == "path":
            value = quote(synth.parameter_value(parameter.node, parameter.schema), safe="")
            path = path.replace("{" + parameter.name + "}", value)
        elif parameter.location == "query" and parameter.required:
            query.append(f"{parameter.name}={synth.parameter_value(parameter.node, parameter.schema)}")
        elif parameter.location == "header" and parameter.required:
            headers[parameter.name] = synth.parameter_value(parameter.node, parameter.schema)
    _credentials(index, operation, query, headers)
    request: dict[str, Any] = {"method": operation.method.upper(), "path": index.base_path + path}
    if query:
        request["query"] = "&".join(query)
    body = operation.request_body.contents if operation.request_body else None
    json_body = _json_content(body.get("content")) if isinstance(body, Mapping) else None
    if json_body is not None:
        media, entry = json_body
        example = entry.get("example")
        request["body"] = example if example is not None else synth.value(entry.get("schema"))
        headers["Content-Type"] = media
    if headers:
        request["headers"] = headers
    response: dict[str, Any] = {"status": 200}
    statuses = [s for s in operation.responses if str(s)[:3].isdigit()]
    if statuses and not any(str(s).startswith("2") for s in statuses):
        response["status"] = int(str(statuses[0])[:3])
    for status, raw in operation.responses.items():
        if str(status).startswith("2"):
            response["status"] = int(str(status)[:3]) if str(status)[:3].isdigit() else 200
            resolved = synth.document.resolve(raw).contents
            found = _json_content(resolved.get("content")) if isinstance(resolved, Mapping) else None
            if found is not None:
                media, entry = found
                example = entry.get("example")
                value = example if example is not None else synth.value(entry.get("schema"))
                if value is not None:
                    response["body"] = value
                    response["headers"] = {"Content-Type": media}
            break
    return {
        "description": f"{operation.method.upper()} {operation.path}",
        "request": request,
        "response": response,
    }


def synthesize_pact(document: OpenAPIDocument, operations: int = 3) -> dict[str, Any]:
    """A pact with one interaction for each of the document's first `operations` operations."""
    index = OperationIndex(document)
    synth = Synthesizer(document)
    interactions = [
        interaction(index, synth, index.operation(path, method))
        for path, method in index.operation_keys[:operations]
    ]
    return {
        "consumer": {"name": "synthesized"},
        "provider": {"name": document.source},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }
