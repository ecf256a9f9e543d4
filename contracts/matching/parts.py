"""The parts of a request, response or message as the matcher compares them, read from the model
(:mod:`contracts.model`): query parameters, folded headers, and bodies with their presence and content type.

Expected parts come from pact files and actual parts from live traffic (``contracts.model.actual_request``
and friends), so both sides go through the same functions here.
"""

from __future__ import annotations

import base64
import binascii
import enum
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from contracts import http_headers
from contracts.matching.values import Json
from contracts.media_types import BodyKind, classify, sniff_text
from contracts.model import Body as ModelBody
from contracts.model import HttpRequest
from contracts.querystrings import parse_query

Query = dict[str, list[str | None]]
Headers = dict[str, tuple[str, list[str]]]  # lower-case name -> (name as written, values)


def request_query(request: HttpRequest) -> Query:
    """The query parameters of a request: the V1/V2 string as written (a bare ``name`` has the value
    None, ``name=`` the value ""), or the V3+ map."""
    if request.query_text is not None:
        return parse_query(request.query_text)
    if not request.query:
        return {}
    return {name: list(values) for name, values in request.query.items()}


def fold_headers(headers: Mapping[str, str | Sequence[str]]) -> Headers:
    """Headers by lower-case name: (the name as first written, every value), list headers split on commas."""
    folded: Headers = {}
    for name, raw in headers.items():
        lower = name.lower()
        values = http_headers.split_values(lower, raw)
        if lower in folded:
            folded[lower][1].extend(values)
        else:
            folded[lower] = (name, values)
    return folded


def header_content_type(headers: Headers) -> str | None:
    entry = headers.get("content-type")
    if entry is None or not entry[1]:
        return None
    return http_headers.joined(entry[1])


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


def body_of(body: ModelBody | None, fallback_type: str | None) -> Body:
    """A model body (or contents) as the matcher compares it; ``fallback_type`` is the part's Content-Type
    header (or message metadata) for bodies that declare none. None is a missing body."""
    if body is None:
        return Body(Presence.MISSING, fallback_type, fallback_type is not None)
    return value_body(body.content, body.content_type or fallback_type)


def value_body(value: Any, content_type: str | None) -> Body:
    """A body from its value: None (must be empty), text or bytes (decoded by content type, sniffed when
    undeclared), or a JSON document."""
    declared = content_type is not None
    if value is None:
        return Body(Presence.NULL, content_type, declared)
    if value == "" or value == b"":
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
