"""The pact model: consumers, providers and their interactions, for pact specification V1 … V4.

Objects here are immutable dataclasses (use :func:`dataclasses.replace` to derive changed copies).
Matching rules and generators are kept exactly as the pact file writes them (their layout differs
between spec versions; :mod:`contracts.matching` reads them in that form).

**Expected and actual parts.** The matching engine (``contracts.matching.compile_request(...).match``,
``compile_response``, ``compile_message``) takes these objects: the expected side is the interaction's
own :class:`HttpRequest`, :class:`HttpResponse` or :class:`MessagePart`; the actual side is built from
raw HTTP data by :func:`actual_request`, :func:`actual_response` and :func:`actual_message`, which decode
JSON, XML, text and form bodies according to the content type::

    mismatches = compile_request(interaction.request, pact.spec_version).match(
        actual_request("GET", "/items", "q=1", headers, b"", spec_version=pact.spec_version))

**Round trips.** Each object parsed from a file remembers which optional keys the file wrote
(``written``) and keeps keys the model does not know (``extra``), so serialising it again
(:func:`contracts.pactwriter.dump_pact`) gives back the same JSON. Objects built in code have
``written=None`` and serialise in the canonical form of the spec version.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from contracts import http_headers
from contracts.http_headers import HeaderInput
from contracts.media_types import (
    charset,
    is_json_content_type,
    is_text_content_type,
    is_xml_content_type,
    metadata_content_type,
    sniff_content_type,
)
from contracts.querystrings import format_query_string, parse_query_string
from contracts.spec_versions import SPEC_VERSION_STRINGS, SPEC_VERSIONS, normalise_spec_version, spec_at_least

__all__ = [
    "ASYNC_MESSAGE",
    "HTTP_INTERACTION",
    "SPEC_VERSIONS",
    "SPEC_VERSION_STRINGS",
    "SYNC_MESSAGE",
    "AsyncMessage",
    "Body",
    "BodyEncoding",
    "Headers",
    "HttpInteraction",
    "HttpRequest",
    "HttpResponse",
    "Interaction",
    "MessagePart",
    "Pact",
    "ProviderState",
    "SyncMessage",
    "actual_message",
    "actual_request",
    "actual_response",
    "decode_base64",
    "format_query_string",
    "header_values",
    "is_json_content_type",
    "is_text_content_type",
    "is_xml_content_type",
    "normalise_spec_version",
    "parse_query_string",
    "sniff_content_type",
    "spec_at_least",
]

BodyEncoding: TypeAlias = Literal["json", "text", "base64"]
Headers: TypeAlias = dict[str, str | list[str]]

HTTP_INTERACTION = "Synchronous/HTTP"
ASYNC_MESSAGE = "Asynchronous/Messages"
SYNC_MESSAGE = "Synchronous/Messages"

# json.dumps(value, ensure_ascii=False, separators=(",", ":")) without building an encoder per call
_COMPACT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


# --------------------------------------------------------------------------------------------- bodies


@dataclass(frozen=True, slots=True)
class Body:
    """A body (HTTP) or contents (message).

    ``content`` is the decoded value: for ``encoding="json"`` any JSON value (object, array, string,
    number, boolean or None), for ``"text"`` a ``str`` (XML, plain text, form data), for ``"base64"``
    the ``bytes``. ``encoded`` and ``content_type_hint`` keep the V4 wrapper attributes as written.
    """

    content: Any
    content_type: str | None = None
    encoding: BodyEncoding = "json"
    encoded: bool | str | None = None
    content_type_hint: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    written: frozenset[str] | None = None
    bare: bool = False

    def to_bytes(self) -> bytes:
        """The bytes to put on the wire for this body."""
        if self.encoding == "base64":
            return bytes(self.content)
        if self.encoding == "text":
            text = str(self.content)
            if is_json_content_type(self.content_type) and not _is_json_text(text):
                text = json.dumps(text)
            return text.encode(charset(self.content_type))
        if self.content is None:
            return b""
        return _COMPACT_JSON(self.content).encode("utf-8")

    def text(self) -> str:
        """The body as text (binary bodies are decoded as UTF-8 with replacement characters)."""
        if self.encoding == "text":
            return str(self.content)
        return self.to_bytes().decode("utf-8", errors="replace")

    @classmethod
    def from_bytes(cls, data: bytes, content_type: str | None = None) -> Body:
        """Decode raw bytes by content type: JSON → value, text types → str, anything else → bytes."""
        content_type = content_type or sniff_content_type(data)
        if is_json_content_type(content_type):
            try:
                return cls(json.loads(data.decode(charset(content_type))), content_type, "json")
            except (UnicodeDecodeError, ValueError):
                pass
        if is_text_content_type(content_type):
            try:
                return cls(data.decode(charset(content_type)), content_type, "text")
            except (UnicodeDecodeError, LookupError):
                pass
        return cls(bytes(data), content_type, "base64")


def _is_json_text(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------------------- HTTP parts


@dataclass(frozen=True, slots=True)
class ProviderState:
    """A provider state: a name and, from V3 on, parameters."""

    name: str
    params: dict[str, Any] | None = None


def header_values(headers: Mapping[str, str | Sequence[str]]) -> dict[str, list[str]]:
    """Headers as name → list of values (a written string is one value; it is not split on commas)."""
    return {name: [value] if isinstance(value, str) else list(value) for name, value in headers.items()}


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """The request of an HTTP interaction. ``query`` is always name → values; ``query_text`` keeps the
    V1/V2 string form as written. ``headers`` keep the written form (a string or a list per name);
    :meth:`header_values` gives lists."""

    method: str = "GET"
    path: str = "/"
    query: dict[str, list[str]] = field(default_factory=dict)
    headers: Headers = field(default_factory=dict)
    body: Body | None = None
    matching_rules: dict[str, Any] = field(default_factory=dict)
    generators: dict[str, Any] = field(default_factory=dict)
    query_text: str | None = None
    written: frozenset[str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def header_values(self) -> dict[str, list[str]]:
        return header_values(self.headers)

    def content_type(self) -> str | None:
        return _part_content_type(self.headers, self.body)


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """The response of an HTTP interaction (headers as in :class:`HttpRequest`)."""

    status: int = 200
    headers: Headers = field(default_factory=dict)
    body: Body | None = None
    matching_rules: dict[str, Any] = field(default_factory=dict)
    generators: dict[str, Any] = field(default_factory=dict)
    written: frozenset[str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def header_values(self) -> dict[str, list[str]]:
        return header_values(self.headers)

    def content_type(self) -> str | None:
        return _part_content_type(self.headers, self.body)


def _part_content_type(headers: Mapping[str, str | Sequence[str]], body: Body | None) -> str | None:
    if body is not None and body.content_type:
        return body.content_type
    return http_headers.find(headers, "content-type")


@dataclass(frozen=True, slots=True)
class MessagePart:
    """Contents and metadata of a message: the request or one response of a synchronous message."""

    contents: Body | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    matching_rules: dict[str, Any] = field(default_factory=dict)
    generators: dict[str, Any] = field(default_factory=dict)
    written: frozenset[str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def content_type(self) -> str | None:
        return _message_content_type(self.metadata, self.contents)


def _message_content_type(metadata: Mapping[str, Any], contents: Body | None) -> str | None:
    if contents is not None and contents.content_type:
        return contents.content_type
    return metadata_content_type(metadata)


# -------------------------------------------------------------------------------------- interactions


@dataclass(frozen=True, slots=True)
class HttpInteraction:
    """A request/response interaction (V1-V3 ``interactions[]``, V4 ``Synchronous/HTTP``)."""

    description: str
    request: HttpRequest
    response: HttpResponse
    provider_states: list[ProviderState] = field(default_factory=list)
    key: str | None = None
    pending: bool | None = None
    comments: dict[str, Any] | None = None
    spec_version: str = "4"
    written: frozenset[str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    interaction_type = HTTP_INTERACTION


@dataclass(frozen=True, slots=True)
class AsyncMessage:
    """A message a provider sends without a request (V3 ``messages[]``, V4 ``Asynchronous/Messages``)."""

    description: str
    contents: Body | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    matching_rules: dict[str, Any] = field(default_factory=dict)
    generators: dict[str, Any] = field(default_factory=dict)
    provider_states: list[ProviderState] = field(default_factory=list)
    key: str | None = None
    pending: bool | None = None
    comments: dict[str, Any] | None = None
    spec_version: str = "4"
    written: frozenset[str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    interaction_type = ASYNC_MESSAGE

    def content_type(self) -> str | None:
        return _message_content_type(self.metadata, self.contents)

    def message_part(self) -> MessagePart:
        """Contents, metadata, rules and generators as a :class:`MessagePart` (what the matcher compares)."""
        return MessagePart(
            self.contents, self.metadata, self.matching_rules, self.generators, self.written, {}
        )


@dataclass(frozen=True, slots=True)
class SyncMessage:
    """A V4 ``Synchronous/Messages`` interaction: one request message and its response messages."""

    description: str
    request: MessagePart
    responses: list[MessagePart] = field(default_factory=list)
    provider_states: list[ProviderState] = field(default_factory=list)
    key: str | None = None
    pending: bool | None = None
    comments: dict[str, Any] | None = None
    spec_version: str = "4"
    written: frozenset[str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    interaction_type = SYNC_MESSAGE


Interaction: TypeAlias = HttpInteraction | AsyncMessage | SyncMessage


@dataclass(frozen=True, slots=True)
class Pact:
    """A pact between one consumer and one provider. ``spec_version`` is one of :data:`SPEC_VERSIONS`;
    ``metadata`` is kept as written (library versions, plugins, ...)."""

    consumer: str
    provider: str
    spec_version: str = "4"
    interactions: list[Interaction] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    written: frozenset[str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def http_interactions(self) -> list[HttpInteraction]:
        return [i for i in self.interactions if isinstance(i, HttpInteraction)]

    @property
    def messages(self) -> list[AsyncMessage]:
        return [i for i in self.interactions if isinstance(i, AsyncMessage)]

    @property
    def sync_messages(self) -> list[SyncMessage]:
        return [i for i in self.interactions if isinstance(i, SyncMessage)]


# ------------------------------------------------------------------------------------- actual parts


def _actual_headers(collected: dict[str, list[str]], spec_version: str) -> Headers:
    """Repeated headers as one comma-joined value up to V3, as a list of values in V4 (as those pact
    files write them)."""
    headers: Headers = {}
    for name, values in collected.items():
        if len(values) == 1:
            headers[name] = values[0]
        elif spec_version == "4":
            headers[name] = list(values)
        else:
            headers[name] = http_headers.joined(values)
    return headers


def actual_body(data: bytes | None, content_type: str | None) -> Body | None:
    """The body of an actual part decoded by content type (sniffed when None): JSON → the document, text
    types → str, anything else → bytes. None when there is no body."""
    if not data:
        return None
    return Body.from_bytes(data, content_type)


def actual_request(
    method: str,
    path: str,
    query: str | Mapping[str, str | Sequence[str]] | None = None,
    headers: HeaderInput | None = None,
    body: bytes | None = None,
    content_type: str | None = None,
    *,
    spec_version: str = "4",
) -> HttpRequest:
    """An actual request, built from raw HTTP data, for ``compile_request(...).match``.

    ``query`` is the raw query string (without ``?``) or a mapping; ``headers`` a mapping or a list of
    (name, value) pairs (repeated names become several values: comma-joined up to V3, a list in V4);
    ``content_type`` overrides the ``Content-Type`` header for decoding the body. Up to V2 the query
    string is kept as written (``query_text``), as those pact files hold it.
    """
    collected = http_headers.collect(headers)
    query_text: str | None = None
    if isinstance(query, str):
        query_map = parse_query_string(query)
        if not spec_at_least(spec_version, "3"):
            query_text = query.lstrip("?") or None
    else:
        query_map = {k: [v] if isinstance(v, str) else list(v) for k, v in (query or {}).items()}
    return HttpRequest(
        method=method.upper(),
        path=path,
        query=query_map,
        headers=_actual_headers(collected, spec_version),
        body=actual_body(body, content_type or http_headers.find(collected, "content-type"))
        if body
        else None,
        query_text=query_text,
    )


def actual_response(
    status: int,
    headers: HeaderInput | None = None,
    body: bytes | None = None,
    content_type: str | None = None,
    *,
    spec_version: str = "4",
) -> HttpResponse:
    """An actual response, built from raw HTTP data, for ``compile_response(...).match`` (see
    :func:`actual_request`)."""
    collected = http_headers.collect(headers)
    return HttpResponse(
        status=int(status),
        headers=_actual_headers(collected, spec_version),
        body=actual_body(body, content_type or http_headers.find(collected, "content-type")),
    )


def actual_message(
    contents: bytes | None,
    metadata: Mapping[str, Any] | None = None,
    content_type: str | None = None,
    *,
    spec_version: str = "4",
) -> MessagePart:
    """An actual message, raw contents bytes plus metadata, for ``compile_message(...).match``."""
    meta = dict(metadata or {})
    return MessagePart(
        contents=actual_body(contents, content_type or metadata_content_type(meta)), metadata=meta
    )


def decode_base64(text: str) -> bytes:
    """Strict base64 decoding (raises ValueError on bad input)."""
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise ValueError(str(exc)) from exc
