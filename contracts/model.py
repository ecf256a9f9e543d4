"""The pact model: consumers, providers and their interactions, for pact specification V1 … V4.

Objects here are immutable dataclasses (use :func:`dataclasses.replace` to derive changed copies).
Matching rules and generators are kept exactly as the pact file writes them (their layout differs
between spec versions; :mod:`contracts.matching` reads them in that form).

**Expected and actual parts.** The matching engine (``contracts.matching.match_request``,
``match_response``, ``match_message``) compares two dicts shaped like the parts of a pact file of
the given spec version, exactly as the Pact specification test cases hold them:

* request: ``{"method": str, "path": str, "query": <V1/V2: str, V3+: {name: [values]}>,
  "headers": {name: str | [str]}, "body": <body>, "matchingRules": ..., "generators": ...}``
* response: ``{"status": int, "headers": ..., "body": <body>, "matchingRules": ..., ...}``
* message: ``{"contents": <body>, "metadata": {...}, "matchingRules": ...}``

where ``<body>`` is, up to V3, the JSON document itself (object, array, number, ...) or a string
holding the raw text (XML, plain text, form data), and in V4 the wrapper
``{"content": ..., "contentType": ..., "encoded": false | "base64"}``. An absent ``body`` key means
"no body expected / none received"; ``null`` or ``""`` means "must be empty".

The expected side comes from :meth:`HttpInteraction.expected_request`,
:meth:`HttpInteraction.expected_response` and :meth:`AsyncMessage.expected_message`; the actual side
from raw HTTP data through :func:`actual_request`, :func:`actual_response` and
:func:`actual_message`, which decode JSON, XML, text and form bodies according to the content type::

    mismatches = match_request(interaction.expected_request(),
                               actual_request("GET", "/items", "q=1", headers, b""), pact.spec_version)

**Round trips.** Each object parsed from a file remembers which optional keys the file wrote
(``written``) and keeps keys the model does not know (``extra``), so serialising it again
(:func:`contracts.pactfile.dump_pact`) gives back the same JSON. Objects built in code have
``written=None`` and serialise in the canonical form of the spec version.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

SPEC_VERSIONS: tuple[str, ...] = ("1", "1.1", "2", "3", "4")
"""The normalised pact specification versions."""

SPEC_VERSION_STRINGS: dict[str, str] = {"1": "1.0.0", "1.1": "1.1.0", "2": "2.0.0", "3": "3.0.0", "4": "4.0"}
"""How each spec version is written in ``metadata.pactSpecification.version``."""

BodyEncoding: TypeAlias = Literal["json", "text", "base64"]
Headers: TypeAlias = dict[str, str | list[str]]

HTTP_INTERACTION = "Synchronous/HTTP"
ASYNC_MESSAGE = "Asynchronous/Messages"
SYNC_MESSAGE = "Synchronous/Messages"


def normalise_spec_version(value: object) -> str | None:
    """``"3.0.0"`` → ``"3"``, ``"1.1.0"`` → ``"1.1"``, ``"4.0"`` → ``"4"``; None for anything unknown."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = value.strip().lower().removeprefix("v")
    match = re.fullmatch(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?", text)
    if match is None:
        return None
    major, minor = match.group(1), match.group(2)
    if major == "1" and minor == "1":
        return "1.1"
    if major in {"1", "2", "3", "4"} and (minor is None or int(minor) == 0):
        return major
    return None


def spec_at_least(spec_version: str, minimum: str) -> bool:
    """True when ``spec_version`` is ``minimum`` or later (both normalised)."""
    return SPEC_VERSIONS.index(spec_version) >= SPEC_VERSIONS.index(minimum)


# --------------------------------------------------------------------------------------------- bodies


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_json_content_type(content_type: str | None) -> bool:
    media = _media_type(content_type)
    return media == "application/json" or media.endswith("+json") or media.endswith("/json")


def is_xml_content_type(content_type: str | None) -> bool:
    media = _media_type(content_type)
    return media in {"application/xml", "text/xml"} or media.endswith("+xml")


def is_text_content_type(content_type: str | None) -> bool:
    """Content types whose bodies are text (JSON, XML, ``text/*``, form data, JavaScript, ...)."""
    media = _media_type(content_type)
    return (
        media.startswith("text/")
        or is_json_content_type(media)
        or is_xml_content_type(media)
        or media
        in {
            "application/x-www-form-urlencoded",
            "application/javascript",
            "application/yaml",
            "application/x-yaml",
            "application/graphql",
        }
    )


def _charset(content_type: str | None) -> str:
    for parameter in (content_type or "").split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return "utf-8"


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
            return text.encode(_charset(self.content_type))
        if self.content is None:
            return b""
        return json.dumps(self.content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

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
                return cls(json.loads(data.decode(_charset(content_type))), content_type, "json")
            except (UnicodeDecodeError, ValueError):
                pass
        if is_text_content_type(content_type):
            try:
                return cls(data.decode(_charset(content_type)), content_type, "text")
            except (UnicodeDecodeError, LookupError):
                pass
        return cls(bytes(data), content_type, "base64")


def _is_json_text(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def sniff_content_type(data: bytes) -> str:
    """Guess a content type from the first bytes, as pact-reference does when none is declared."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    start = text.lstrip()[:20].lower()
    if start.startswith("<?xml"):
        return "application/xml"
    if start.startswith("<!doctype") or start.startswith("<html"):
        return "text/html"
    if start.startswith("<"):
        return "application/xml"
    if start[:1] in {"{", "[", '"'} or re.match(r"^(-?\d|true\b|false\b|null\b)", start):
        return "application/json" if _is_json_text(text) else "text/plain"
    return "text/plain"


# ---------------------------------------------------------------------------------------- HTTP parts


@dataclass(frozen=True, slots=True)
class ProviderState:
    """A provider state: a name and, from V3 on, parameters."""

    name: str
    params: dict[str, Any] | None = None


def header_values(headers: Mapping[str, str | Sequence[str]]) -> dict[str, list[str]]:
    """Headers as name → list of values (a written string is one value; it is not split on commas)."""
    return {name: [value] if isinstance(value, str) else list(value) for name, value in headers.items()}


def parse_query_string(text: str) -> dict[str, list[str]]:
    """A V1/V2 query string as name → values, in order; ``+`` is a space, names without ``=`` get ``""``."""
    result: dict[str, list[str]] = {}
    for segment in text.lstrip("?").split("&"):
        if not segment:
            continue
        name, _, value = segment.partition("=")
        result.setdefault(urllib.parse.unquote_plus(name), []).append(urllib.parse.unquote_plus(value))
    return result


def format_query_string(query: Mapping[str, Sequence[str | None]]) -> str:
    """The inverse of :func:`parse_query_string` (percent-encoding where needed)."""
    parts = []
    for name, values in query.items():
        for value in values:
            encoded_name = urllib.parse.quote(name, safe="")
            parts.append(
                encoded_name if value is None else f"{encoded_name}={urllib.parse.quote(value, safe='')}"
            )
    return "&".join(parts)


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
    for name, values in header_values(headers).items():
        if name.lower() == "content-type" and values:
            return values[0]
    return None


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
    for key in ("contentType", "content-type", "Content-Type", "content_type"):
        value = metadata.get(key)
        if isinstance(value, str):
            return value
    return None


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

    def expected_request(self) -> dict[str, Any]:
        """The request in the pact-file shape of ``spec_version`` (input of ``match_request``)."""
        from contracts.pactfile import dump_request

        return dump_request(self.request, self.spec_version)

    def expected_response(self) -> dict[str, Any]:
        """The response in the pact-file shape of ``spec_version`` (input of ``match_response``)."""
        from contracts.pactfile import dump_response

        return dump_response(self.response, self.spec_version)


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

    def expected_message(self) -> dict[str, Any]:
        """``{"contents", "metadata", "matchingRules", "generators"}`` in the pact-file shape of
        ``spec_version`` (input of ``match_message``)."""
        from contracts.pactfile import dump_message_part

        part = MessagePart(
            self.contents, self.metadata, self.matching_rules, self.generators, self.written, {}
        )
        return dump_message_part(part, self.spec_version)


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

    def expected_request_message(self) -> dict[str, Any]:
        """The request message in pact-file shape (input of ``match_message``)."""
        from contracts.pactfile import dump_message_part

        return dump_message_part(self.request, self.spec_version)

    def expected_response_messages(self) -> list[dict[str, Any]]:
        """Each response message in pact-file shape (inputs of ``match_message``)."""
        from contracts.pactfile import dump_message_part

        return [dump_message_part(part, self.spec_version) for part in self.responses]

    def expected_message(self) -> dict[str, Any]:
        """Same as :meth:`expected_request_message`."""
        return self.expected_request_message()


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


def _collect_headers(
    headers: Mapping[str, str | Sequence[str]] | Iterable[tuple[str, str]] | None,
) -> dict[str, list[str]]:
    collected: dict[str, list[str]] = {}
    if headers is None:
        return collected
    items: Iterable[tuple[str, str | Sequence[str]]]
    items = headers.items() if isinstance(headers, Mapping) else headers
    for name, value in items:
        values = [value] if isinstance(value, str) else list(value)
        collected.setdefault(name, []).extend(values)
    return collected


def _actual_headers(collected: dict[str, list[str]], spec_version: str) -> Headers:
    headers: Headers = {}
    for name, values in collected.items():
        if len(values) == 1:
            headers[name] = values[0]
        elif spec_version == "4":
            headers[name] = list(values)
        else:
            headers[name] = ", ".join(values)
    return headers


def _find_header(collected: Mapping[str, list[str]], wanted: str) -> str | None:
    for name, values in collected.items():
        if name.lower() == wanted and values:
            return values[0]
    return None


def actual_body(data: bytes | None, content_type: str | None, spec_version: str) -> Any:
    """The ``body``/``contents`` value of an actual part, or :data:`NO_BODY` when there is none.

    Up to V3: JSON bodies as the decoded document, text bodies (XML, form, plain) as a string,
    other bytes as their base64 text (as pre-V4 pact files write binary bodies).
    V4: the wrapper ``{"content", "contentType", "encoded"}``.
    """
    if not data:
        return NO_BODY
    body = Body.from_bytes(data, content_type)
    if spec_version != "4" and body.encoding == "base64":
        return base64.b64encode(body.content).decode("ascii")
    if spec_version == "4":
        if body.encoding == "base64":
            return {
                "content": base64.b64encode(body.content).decode("ascii"),
                "contentType": body.content_type,
                "encoded": "base64",
            }
        return {"content": body.content, "contentType": body.content_type, "encoded": False}
    return body.content


class _NoBody:
    def __repr__(self) -> str:
        return "NO_BODY"


NO_BODY: Any = _NoBody()
"""Returned by :func:`actual_body` when there is no body (the key is then left out)."""


def actual_request(
    method: str,
    path: str,
    query: str | Mapping[str, str | Sequence[str]] | None = None,
    headers: Mapping[str, str | Sequence[str]] | Iterable[tuple[str, str]] | None = None,
    body: bytes | None = None,
    content_type: str | None = None,
    *,
    spec_version: str = "4",
) -> dict[str, Any]:
    """An actual request for ``match_request`` built from raw HTTP data.

    ``query`` is the raw query string (without ``?``) or a mapping; ``headers`` a mapping or a list of
    (name, value) pairs (repeated names become several values); ``content_type`` overrides the
    ``Content-Type`` header for decoding the body. The result has the shape of a request part of a
    ``spec_version`` pact (query as a string up to V2, as name → [values] from V3).
    """
    collected = _collect_headers(headers)
    if isinstance(query, str):
        query_map = parse_query_string(query)
        query_text = query.lstrip("?")
    else:
        query_map = {k: [v] if isinstance(v, str) else list(v) for k, v in (query or {}).items()}
        query_text = format_query_string(query_map)
    result: dict[str, Any] = {"method": method.upper(), "path": path}
    if spec_at_least(spec_version, "3"):
        result["query"] = query_map
    elif query_text:
        result["query"] = query_text
    result["headers"] = _actual_headers(collected, spec_version)
    decoded = actual_body(body, content_type or _find_header(collected, "content-type"), spec_version)
    if decoded is not NO_BODY:
        result["body"] = decoded
    return result


def actual_response(
    status: int,
    headers: Mapping[str, str | Sequence[str]] | Iterable[tuple[str, str]] | None = None,
    body: bytes | None = None,
    content_type: str | None = None,
    *,
    spec_version: str = "4",
) -> dict[str, Any]:
    """An actual response for ``match_response`` built from raw HTTP data (see :func:`actual_request`)."""
    collected = _collect_headers(headers)
    result: dict[str, Any] = {"status": int(status), "headers": _actual_headers(collected, spec_version)}
    decoded = actual_body(body, content_type or _find_header(collected, "content-type"), spec_version)
    if decoded is not NO_BODY:
        result["body"] = decoded
    return result


def actual_message(
    contents: bytes | None,
    metadata: Mapping[str, Any] | None = None,
    content_type: str | None = None,
    *,
    spec_version: str = "4",
) -> dict[str, Any]:
    """An actual message for ``match_message``: raw contents bytes plus metadata."""
    meta = dict(metadata or {})
    if content_type is None:
        for key in ("contentType", "content-type", "Content-Type"):
            if isinstance(meta.get(key), str):
                content_type = meta[key]
                break
    result: dict[str, Any] = {"metadata": meta}
    decoded = actual_body(contents, content_type, spec_version)
    if decoded is not NO_BODY:
        result["contents"] = decoded
    return result


def decode_base64(text: str) -> bytes:
    """Strict base64 decoding (raises ValueError on bad input)."""
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise ValueError(str(exc)) from exc
