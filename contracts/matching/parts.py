"""Normalising the parts of a request, response or message as pact files (any version) and live traffic
hold them: query strings and maps, header values, and bodies with their presence and content type."""

from __future__ import annotations

import base64
import binascii
import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from contracts.errors import ContractError
from contracts.matching.content_types import BodyKind, classify, sniff_text
from contracts.matching.values import Json

# Headers whose value is a comma-separated list ([ref] splits only these).
LIST_HEADERS = frozenset(
    {
        "accept",
        "accept-encoding",
        "accept-language",
        "access-control-allow-headers",
        "access-control-allow-methods",
        "access-control-expose-headers",
        "access-control-request-headers",
        "allow",
        "cache-control",
        "if-match",
        "if-none-match",
        "vary",
    }
)

Query = dict[str, list[str | None]]
Headers = dict[str, tuple[str, list[str]]]  # lower-case name -> (name as written, values)


def parse_query_string(text: str) -> Query:
    """`a=1&b=2&a=3` -> {"a": ["1", "3"], "b": ["2"]}: percent-decoded, empty segments dropped."""
    query: Query = {}
    for segment in text.lstrip("?").split("&"):
        if not segment:
            continue
        name, sep, value = segment.partition("=")
        query.setdefault(unquote_plus(name), []).append(unquote_plus(value) if sep else None)
    return query


def load_query(value: Any) -> Query:
    """A query as a pact holds it (V1/V2 string, V3/V4 map of lists or strings) or None/absent."""
    if value is None:
        return {}
    if isinstance(value, str):
        return parse_query_string(value)
    if isinstance(value, Mapping):
        query: Query = {}
        for name, values in value.items():
            if isinstance(values, list):
                query[str(name)] = [None if item is None else str(item) for item in values]
            else:
                query[str(name)] = [None if values is None else str(values)]
        return query
    raise ContractError(
        f"'query' must be a query string or an object of parameter name -> list of values, "
        f"got {type(value).__name__}"
    )


def header_values(name: str, value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(item).strip() for item in value]
    text = str(value)
    if name in LIST_HEADERS:
        return [item.strip() for item in text.split(",")]
    return [text.strip()]


def load_headers(value: Any) -> Headers:
    headers: Headers = {}
    if not value:
        return headers
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, list | tuple) and all(
        isinstance(pair, list | tuple) and len(pair) == 2 for pair in value
    ):
        items = [(pair[0], pair[1]) for pair in value]
    else:
        raise ContractError(
            f"'headers' must be an object of header name -> value(s) or a list of [name, value] pairs, "
            f"got {type(value).__name__}"
        )
    for name, raw in items:
        lower = str(name).lower()
        values = header_values(lower, raw)
        if lower in headers:
            headers[lower][1].extend(values)
        else:
            headers[lower] = (str(name), values)
    return headers


def header_content_type(headers: Headers) -> str | None:
    entry = headers.get("content-type")
    if entry is None or not entry[1]:
        return None
    return ", ".join(entry[1])


class Presence(enum.Enum):
    MISSING = "missing"
    NULL = "null"
    EMPTY = "empty"
    PRESENT = "present"


_UNPARSED: Any = object()


@dataclass(slots=True)
class Body:
    """A body or message contents: presence, content type (declared or sniffed) and its data.

    `json` is set when the data is a JSON document (embedded in the pact or parsed); `raw` holds text or
    bytes as received. `json_error` records why `raw` could not be parsed as the JSON its type declares.
    """

    presence: Presence
    content_type: str | None = None
    declared: bool = False
    json: Json = _UNPARSED
    raw: str | bytes | None = None
    json_error: str | None = None

    @property
    def kind(self) -> BodyKind:
        return classify(self.content_type)

    @property
    def has_json(self) -> bool:
        return self.json is not _UNPARSED

    def as_bytes(self) -> bytes:
        if isinstance(self.raw, bytes):
            return self.raw
        if isinstance(self.raw, str):
            return self.raw.encode("utf-8")
        if self.has_json:
            return json.dumps(self.json, separators=(",", ":")).encode("utf-8")
        return b""

    def as_text(self) -> str:
        if isinstance(self.raw, str):
            return self.raw
        if isinstance(self.raw, bytes):
            return self.raw.decode("utf-8", "replace")
        if self.has_json:
            if isinstance(self.json, str):
                return self.json
            return json.dumps(self.json, separators=(",", ":"))
        return ""


_WRAPPER_KEYS = frozenset({"content", "contentType", "encoded", "contentTypeHint"})


def is_v4_wrapper(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and ("content" in value or "contentType" in value)
        and all(key in _WRAPPER_KEYS for key in value)
    )


def load_body(holder: Mapping[str, Any], key: str, declared_type: str | None, *, v4: bool) -> Body:
    """The body under `key` of a pact part (V1-V3 value, or a V4 wrapper when `v4`)."""
    if key not in holder:
        return Body(Presence.MISSING, declared_type, declared_type is not None)
    value = holder[key]
    content_type = declared_type
    encoded: Any = False
    if v4 and is_v4_wrapper(value):
        content_type = value.get("contentType") or declared_type
        if "content" not in value:
            return Body(Presence.MISSING, content_type, content_type is not None)
        encoded = value.get("encoded", False)
        value = value["content"]
    if value is None:
        return Body(Presence.NULL, content_type, content_type is not None)
    if value == "" or value == b"":
        return Body(Presence.EMPTY, content_type, content_type is not None)
    declared = content_type is not None
    if isinstance(value, str) and isinstance(encoded, str) and encoded.lower() == "base64":
        try:
            value = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            value = value.encode("utf-8")
        if not value:
            return Body(Presence.EMPTY, content_type, declared)
    if isinstance(value, bytes | bytearray):
        data = bytes(value)
        if content_type is None:
            try:
                content_type = sniff_text(data.decode("utf-8"))
            except UnicodeDecodeError:
                content_type = "application/octet-stream"
        return _from_text(Body(Presence.PRESENT, content_type, declared, raw=data))
    if isinstance(value, str):
        if content_type is None:
            content_type = sniff_text(value)
        return _from_text(Body(Presence.PRESENT, content_type, declared, raw=value))
    return Body(Presence.PRESENT, content_type or "application/json", declared, json=value)


def _from_text(body: Body) -> Body:
    kind = body.kind
    if kind is BodyKind.JSON:
        text = body.raw.decode("utf-8", "replace") if isinstance(body.raw, bytes) else body.raw
        assert text is not None
        try:
            body.json = json.loads(text)
        except ValueError as exc:
            body.json_error = str(exc)
    elif kind is BodyKind.BINARY and isinstance(body.raw, str):
        text = body.raw
        try:
            body.raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            body.raw = text.encode("utf-8")
    return body
