"""Reading the parts of pact interactions: requests, responses, message parts, headers and bodies, in the
pact-file form of any spec version, into the :mod:`contracts.model` objects.

The matching engine uses these to read the dicts of the Pact specification test cases; pact documents are
read by :mod:`contracts.pactfile`. Malformed parts raise :class:`contracts.errors.PactFormatError` naming
the JSON location (``$.interactions[2].request.method``) and how to fix the problem.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any, cast

from contracts import http_headers
from contracts.errors import PactFormatError
from contracts.media_types import is_json_content_type, is_text_content_type
from contracts.model import (
    Body,
    BodyEncoding,
    Headers,
    HttpRequest,
    HttpResponse,
    MessagePart,
    decode_base64,
)
from contracts.querystrings import parse_query_string


def _fail(location: str, problem: str) -> PactFormatError:
    return PactFormatError(location, problem)


def json_object(value: Any, location: str, what: str) -> dict[str, Any]:
    """``value`` as a dict, or a PactFormatError naming ``location`` and what was found."""
    if not isinstance(value, Mapping):
        raise _fail(location, f"{what} must be a JSON object, found {json_kind(value)}")
    return dict(value)


def json_kind(value: Any) -> str:
    """How a JSON value reads in an error message: `null`, `an array`, `the string 'x'`, ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value!r}" if len(value) < 40 else "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


MESSAGE_PART_KEYS = {"contents", "metadata", "metaData", "matchingRules", "generators"}


def _parse_message_part(data: dict[str, Any], location: str, spec_version: str) -> MessagePart:
    metadata_key = "metaData" if "metaData" in data and "metadata" not in data else "metadata"
    metadata = json_object(data.get(metadata_key, {}), f"{location}.{metadata_key}", "message metadata")
    content_type = None
    for key in ("contentType", "content-type", "Content-Type"):
        if isinstance(metadata.get(key), str):
            content_type = metadata[key]
            break
    contents = (
        _parse_body(data["contents"], f"{location}.contents", spec_version, content_type)
        if "contents" in data
        else None
    )
    return MessagePart(
        contents=contents,
        metadata=metadata,
        matching_rules=_rules(data, location, "matchingRules"),
        generators=_rules(data, location, "generators"),
        written=frozenset(k for k in MESSAGE_PART_KEYS if k in data),
        extra={k: v for k, v in data.items() if k not in MESSAGE_PART_KEYS},
    )


def _rules(data: Mapping[str, Any], location: str, key: str) -> dict[str, Any]:
    value = data.get(key)
    if value is None:
        return {}
    return json_object(value, f"{location}.{key}", key)


def _headers(data: Mapping[str, Any], location: str) -> Headers:
    raw = data.get("headers")
    if raw is None:
        return {}
    raw = json_object(raw, f"{location}.headers", "headers")
    headers: Headers = {}
    for name, value in raw.items():
        if isinstance(value, str):
            headers[name] = value
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            headers[name] = list(value)
        else:
            raise _fail(
                f"{location}.headers.{name}",
                f"a header value must be a string or an array of strings, found {json_kind(value)}",
            )
    return headers


def _content_type_header(headers: Headers) -> str | None:
    return http_headers.find(headers, "content-type")


_REQUEST_KEYS = {"method", "path", "query", "headers", "body", "matchingRules", "generators"}
_RESPONSE_KEYS = {"status", "headers", "body", "matchingRules", "generators"}


def _parse_request(data: Any, location: str, spec_version: str) -> HttpRequest:
    data = json_object(data, location, "a request")
    method = data.get("method", "GET")
    if not isinstance(method, str) or not method:
        raise _fail(
            f"{location}.method",
            f'a request needs an HTTP method string like "GET", found {json_kind(method)}',
        )
    path = data.get("path", "/")
    if not isinstance(path, str):
        raise _fail(f"{location}.path", f'must be a string like "/items/1", found {json_kind(path)}')
    query: dict[str, list[str]] = {}
    query_text: str | None = None
    raw_query = data.get("query")
    if isinstance(raw_query, str):
        query_text = raw_query
        query = parse_query_string(raw_query)
    elif isinstance(raw_query, Mapping):
        for name, value in raw_query.items():
            if isinstance(value, str):
                query[name] = [value]
            elif isinstance(value, list) and all(item is None or isinstance(item, str) for item in value):
                query[name] = cast(list[str], list(value))
            else:
                raise _fail(
                    f"{location}.query.{name}",
                    f"a query parameter's values must be an array of strings, found {json_kind(value)}",
                )
    elif raw_query is not None:
        raise _fail(
            f"{location}.query",
            f'must be a query string ("a=1&b=2") up to V2 or an object of arrays from V3, found {json_kind(raw_query)}',
        )
    headers = _headers(data, location)
    body = (
        _parse_body(data["body"], f"{location}.body", spec_version, _content_type_header(headers))
        if "body" in data
        else None
    )
    return HttpRequest(
        method=method,
        path=path,
        query=query,
        headers=headers,
        body=body,
        matching_rules=_rules(data, location, "matchingRules"),
        generators=_rules(data, location, "generators"),
        query_text=query_text,
        written=frozenset(k for k in _REQUEST_KEYS if k in data),
        extra={k: v for k, v in data.items() if k not in _REQUEST_KEYS},
    )


def _parse_response(data: Any, location: str, spec_version: str) -> HttpResponse:
    data = json_object(data, location, "a response")
    status = data.get("status", 200)
    if isinstance(status, str) and status.isdigit():
        raise _fail(f"{location}.status", f"must be a number, not a string: write {status} without quotes")
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 999:
        raise _fail(f"{location}.status", f"must be an HTTP status code (100-999), found {json_kind(status)}")
    headers = _headers(data, location)
    body = (
        _parse_body(data["body"], f"{location}.body", spec_version, _content_type_header(headers))
        if "body" in data
        else None
    )
    return HttpResponse(
        status=status,
        headers=headers,
        body=body,
        matching_rules=_rules(data, location, "matchingRules"),
        generators=_rules(data, location, "generators"),
        written=frozenset(k for k in _RESPONSE_KEYS if k in data),
        extra={k: v for k, v in data.items() if k not in _RESPONSE_KEYS},
    )


_BODY_KEYS = {"content", "contentType", "encoded", "contentTypeHint"}


def parse_body(raw: Any, spec_version: str, content_type: str | None = None) -> Body:
    """A ``body``/``contents`` value of a pact-file part as a :class:`Body`; ``content_type`` is the
    part's Content-Type header (or message metadata) for bodies that do not declare one.

    Use ``parse_body(part["body"], version, content_type).to_bytes()`` for the bytes to send, e.g. of
    a response produced by :func:`contracts.generators.generate_response`.
    """
    return _parse_body(raw, "$.body", spec_version, content_type)


def _canonical_base64(text: str) -> bytes | None:
    """The bytes of ``text`` if it is base64 that encodes back to exactly ``text``, else None."""
    try:
        data = decode_base64(text)
    except ValueError:
        return None
    return data if base64.b64encode(data).decode("ascii") == text else None


def _parse_body(raw: Any, location: str, spec_version: str, content_type: str | None) -> Body:
    if spec_version != "4" or not isinstance(raw, Mapping) or "content" not in raw:
        if isinstance(raw, str) and content_type and not is_text_content_type(content_type):
            binary = _canonical_base64(raw)
            if binary is not None:
                # pre-V4 files write binary bodies (image/png, application/pdf, ...) as base64 text
                return Body(binary, content_type, "base64", bare=spec_version == "4")
        encoding: BodyEncoding = "text" if isinstance(raw, str) else "json"
        return Body(raw, content_type, encoding, bare=spec_version == "4")
    declared = raw.get("contentType")
    if declared is not None and not isinstance(declared, str):
        raise _fail(
            f"{location}.contentType",
            f'must be a string like "application/json", found {json_kind(declared)}',
        )
    body_type = declared or content_type
    encoded = raw.get("encoded")
    hint = raw.get("contentTypeHint")
    content = raw["content"]
    extra = {k: v for k, v in raw.items() if k not in _BODY_KEYS}
    written = frozenset(k for k in _BODY_KEYS if k in raw)
    if encoded is not None and not isinstance(encoded, bool | str):
        raise _fail(f"{location}.encoded", f'must be false, "base64" or "json", found {json_kind(encoded)}')
    if encoded is True or (isinstance(encoded, str) and encoded.lower() == "base64"):
        if not isinstance(content, str):
            raise _fail(
                f"{location}.content", f"base64-encoded content must be a string, found {json_kind(content)}"
            )
        try:
            data = decode_base64(content)
        except ValueError as exc:
            raise _fail(
                f"{location}.content", f'is marked "encoded": "base64" but is not valid base64 ({exc})'
            ) from exc
        return Body(data, declared, "base64", encoded, hint, extra, written)
    if isinstance(content, str) and not (
        is_json_content_type(body_type) or (isinstance(encoded, str) and encoded.lower() == "json")
    ):
        return Body(content, declared, "text", encoded, hint, extra, written)
    return Body(content, declared, "json", encoded, hint, extra, written)


def parse_request(data: Any, spec_version: str, location: str = "$") -> HttpRequest:
    """A request part of a ``spec_version`` pact file (``location`` names it in errors)."""
    return _parse_request(data, location, spec_version)


def parse_response(data: Any, spec_version: str, location: str = "$") -> HttpResponse:
    """A response part of a ``spec_version`` pact file."""
    return _parse_response(data, location, spec_version)


def parse_message_part(
    data: Any, spec_version: str, location: str = "$", *, what: str = "a message"
) -> MessagePart:
    """Message contents, metadata, rules and generators of a ``spec_version`` pact file (``what`` names
    the part in the error when it is not an object)."""
    return _parse_message_part(json_object(data, location, what), location, spec_version)
