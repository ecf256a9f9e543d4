"""Reading and writing pact files (spec V1, V1.1, V2, V3 and V4).

:func:`parse_pact` turns a decoded pact document into a :class:`contracts.model.Pact`;
:func:`dump_pact` writes it back in the pact's own spec version. Parsing then dumping gives the same
JSON, with these documented normalisations:

* V3+ query parameters written as a single string (``{"a": "1"}``) come back as lists (``["1"]``);
* a V1/V2 query written as an object comes back as a query string.

Malformed documents raise :class:`contracts.errors.PactFormatError`, whose message names the JSON
location (``$.interactions[2].request.method``) and how to fix the problem.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from contracts.errors import PactFormatError
from contracts.model import (
    ASYNC_MESSAGE,
    HTTP_INTERACTION,
    SPEC_VERSION_STRINGS,
    SPEC_VERSIONS,
    SYNC_MESSAGE,
    AsyncMessage,
    Body,
    BodyEncoding,
    Headers,
    HttpInteraction,
    HttpRequest,
    HttpResponse,
    Interaction,
    MessagePart,
    Pact,
    ProviderState,
    SyncMessage,
    decode_base64,
    format_query_string,
    header_values,
    is_json_content_type,
    is_text_content_type,
    normalise_spec_version,
    parse_query_string,
    spec_at_least,
)

SPEC_VERSION_KEYS = ("pactSpecification", "pact-specification", "pactSpecificationVersion")
INTERACTION_TYPES = (HTTP_INTERACTION, ASYNC_MESSAGE, SYNC_MESSAGE)

# ------------------------------------------------------------------------------------------- reading


def load_pact(path: str | Path) -> Pact:
    """Read a pact file. Errors name the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise PactFormatError("$", f"cannot read the file: {exc.strerror or exc}", source=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise PactFormatError(
            "$", "the file is not UTF-8 text; a pact file is JSON", source=str(path)
        ) from exc
    return loads_pact(text, source=str(path))


def loads_pact(text: str | bytes, *, source: str | None = None) -> Pact:
    """Parse pact JSON text."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PactFormatError(
            "$",
            f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); a pact file is one JSON object",
            source=source,
        ) from exc
    except UnicodeDecodeError as exc:
        raise PactFormatError("$", "not UTF-8 text; a pact file is JSON", source=source) from exc
    except RecursionError as exc:
        raise _too_deep(source) from exc
    try:
        return parse_pact(data)
    except PactFormatError as exc:
        if source is None:
            raise
        raise exc.with_source(source) from None
    except RecursionError as exc:
        raise _too_deep(source) from exc


def _too_deep(source: str | None) -> PactFormatError:
    return PactFormatError(
        "$",
        "the JSON is nested too deeply to be read (hundreds of levels of arrays/objects); "
        "a pact's bodies are examples: keep them shallow",
        source=source,
    )


def _fail(location: str, problem: str) -> PactFormatError:
    return PactFormatError(location, problem)


def _object(value: Any, location: str, what: str) -> dict[str, Any]:
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


def _name_of(data: dict[str, Any], role: str) -> str:
    location = f"$.{role}"
    if role not in data:
        raise _fail(location, f'missing; add "{role}": {{"name": "<the {role} name>"}}')
    party = data[role]
    if not isinstance(party, Mapping):
        raise _fail(
            location, f'must be an object like {{"name": "<the {role} name>"}}, found {json_kind(party)}'
        )
    name = party.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _fail(
            f"{location}.name", f"the {role} name must be a non-empty string, found {json_kind(name)}"
        )
    return name


def _declared_spec_version(metadata: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(normalised version, location) from the metadata, or (None, None) when none is declared."""
    for key in SPEC_VERSION_KEYS:
        if key not in metadata:
            continue
        value = metadata[key]
        location = f"$.metadata.{key}"
        if isinstance(value, Mapping):
            value = value.get("version")
            location += ".version"
        version = normalise_spec_version(value)
        if version is None:
            raise _fail(
                location,
                f"unknown pact specification version: found {json_kind(value)}, use one of "
                + ", ".join(repr(v) for v in SPEC_VERSION_STRINGS.values()),
            )
        return version, location
    return None, None


def _infer_spec_version(data: Mapping[str, Any]) -> str:
    interactions = data.get("interactions")
    if isinstance(interactions, list):
        for interaction in interactions:
            if isinstance(interaction, Mapping) and "type" in interaction:
                return "4"
    if "messages" in data:
        return "3"
    if isinstance(interactions, list):
        for interaction in interactions:
            if not isinstance(interaction, Mapping):
                continue
            if "providerStates" in interaction:
                return "3"
            request = interaction.get("request")
            if isinstance(request, Mapping) and isinstance(request.get("query"), Mapping):
                return "3"
    return "2"


def parse_pact(data: Mapping[str, Any]) -> Pact:
    """Build a :class:`Pact` from a decoded pact document.

    The spec version comes from ``metadata.pactSpecification.version`` (or the older
    ``pact-specification`` / ``pactSpecificationVersion`` keys); without one it is inferred: V4 when
    interactions carry a ``type``, V3 when there are messages, provider-state lists or query maps,
    otherwise V2.
    """
    if not isinstance(data, Mapping):
        raise _fail(
            "$",
            f"a pact must be a JSON object with consumer, provider and interactions, found {json_kind(data)}",
        )
    document = dict(data)
    consumer = _name_of(document, "consumer")
    provider = _name_of(document, "provider")
    metadata = _object(document.get("metadata", {}), "$.metadata", "metadata")
    spec_version = _declared_spec_version(metadata)[0] or _infer_spec_version(document)

    interactions: list[Interaction] = []
    if "interactions" in document:
        raw = document["interactions"]
        if not isinstance(raw, list):
            raise _fail("$.interactions", f"must be an array of interactions, found {json_kind(raw)}")
        for index, item in enumerate(raw):
            location = f"$.interactions[{index}]"
            if spec_version == "4":
                interactions.append(_parse_v4_interaction(item, location))
            else:
                interactions.append(_parse_http_interaction(item, location, spec_version))
    if "messages" in document:
        raw = document["messages"]
        if not isinstance(raw, list):
            raise _fail("$.messages", f"must be an array of messages, found {json_kind(raw)}")
        message_version = spec_version if spec_at_least(spec_version, "3") else "3"
        for index, item in enumerate(raw):
            interactions.append(_parse_async_message(item, f"$.messages[{index}]", message_version))
    if "interactions" not in document and "messages" not in document:
        raise _fail("$", 'has no "interactions" (or "messages") array; a pact needs at least an empty one')

    known = {"consumer", "provider", "interactions", "messages", "metadata"}
    return Pact(
        consumer=consumer,
        provider=provider,
        spec_version=spec_version,
        interactions=interactions,
        metadata=metadata,
        written=frozenset(k for k in known if k in document),
        extra={k: v for k, v in document.items() if k not in known},
    )


def parse_interaction(data: Mapping[str, Any], spec_version: str, *, message: bool = False) -> Interaction:
    """Parse one interaction (or, with ``message=True``, one V3 message) of a ``spec_version`` pact."""
    if spec_version == "4":
        return _parse_v4_interaction(data, "$")
    if message:
        return _parse_async_message(data, "$", spec_version)
    return _parse_http_interaction(data, "$", spec_version)


def _description(data: Mapping[str, Any], location: str) -> str:
    value = data.get("description")
    if not isinstance(value, str):
        raise _fail(
            f"{location}.description",
            f'every interaction needs a "description" string, found {json_kind(value)}',
        )
    return value


def _provider_states(data: Mapping[str, Any], location: str) -> list[ProviderState]:
    if "providerStates" in data:
        raw = data["providerStates"]
        if raw is None:
            return []
        if not isinstance(raw, list):
            raise _fail(
                f"{location}.providerStates",
                f'must be an array like [{{"name": "...", "params": {{}}}}], found {json_kind(raw)}',
            )
        states = []
        for index, state in enumerate(raw):
            state_location = f"{location}.providerStates[{index}]"
            if not isinstance(state, Mapping):
                raise _fail(state_location, f'must be an object with a "name", found {json_kind(state)}')
            name = state.get("name")
            if not isinstance(name, str):
                raise _fail(
                    f"{state_location}.name", f"a provider state needs a name string, found {json_kind(name)}"
                )
            params = state.get("params")
            if params is not None and not isinstance(params, Mapping):
                raise _fail(f"{state_location}.params", f"must be an object, found {json_kind(params)}")
            states.append(ProviderState(name, dict(params) if params is not None else None))
        return states
    for key in ("providerState", "provider_state"):
        if key in data:
            value = data[key]
            if value is None:
                return []
            if not isinstance(value, str):
                raise _fail(
                    f"{location}.{key}", f"must be a string naming the state, found {json_kind(value)}"
                )
            return [ProviderState(value)]
    return []


def _v4_common(data: Mapping[str, Any], location: str) -> dict[str, Any]:
    key = data.get("key")
    if key is not None and not isinstance(key, str):
        raise _fail(f"{location}.key", f"must be a string, found {json_kind(key)}")
    pending = data.get("pending")
    if pending is not None and not isinstance(pending, bool):
        raise _fail(f"{location}.pending", f"must be true or false, found {json_kind(pending)}")
    comments = data.get("comments")
    if comments is not None and not isinstance(comments, Mapping):
        raise _fail(
            f"{location}.comments", f'must be an object like {{"text": ["..."]}}, found {json_kind(comments)}'
        )
    return {"key": key, "pending": pending, "comments": dict(comments) if comments is not None else None}


_HTTP_KEYS = {"description", "providerState", "provider_state", "providerStates", "request", "response"}
_V4_KEYS = {"type", "description", "key", "pending", "comments", "providerStates"}


def _parse_http_interaction(data: Any, location: str, spec_version: str) -> HttpInteraction:
    data = _object(data, location, "an interaction")
    description = _description(data, location)
    if "request" not in data:
        raise _fail(
            f"{location}.request", 'missing; an HTTP interaction needs a "request" with method and path'
        )
    if "response" not in data:
        raise _fail(f"{location}.response", 'missing; an HTTP interaction needs a "response" with a status')
    known = _HTTP_KEYS | (_V4_KEYS if spec_version == "4" else set())
    common = _v4_common(data, location) if spec_version == "4" else {}
    return HttpInteraction(
        description=description,
        request=_parse_request(data["request"], f"{location}.request", spec_version),
        response=_parse_response(data["response"], f"{location}.response", spec_version),
        provider_states=_provider_states(data, location),
        spec_version=spec_version,
        written=frozenset(k for k in known if k in data),
        extra={k: v for k, v in data.items() if k not in known},
        **common,
    )


def _parse_v4_interaction(data: Any, location: str) -> Interaction:
    data = _object(data, location, "an interaction")
    kind = data.get("type", HTTP_INTERACTION if "request" in data and "response" in data else None)
    if kind == HTTP_INTERACTION:
        return _parse_http_interaction(data, location, "4")
    if kind == ASYNC_MESSAGE:
        return _parse_async_message(data, location, "4")
    if kind == SYNC_MESSAGE:
        return _parse_sync_message(data, location)
    raise _fail(
        f"{location}.type",
        f"unknown interaction type {json_kind(kind)}; a V4 interaction's type is one of "
        + ", ".join(repr(t) for t in INTERACTION_TYPES),
    )


def _parse_async_message(data: Any, location: str, spec_version: str) -> AsyncMessage:
    data = _object(data, location, "a message")
    description = _description(data, location)
    part = _parse_message_part(data, location, spec_version)
    known = _MESSAGE_PART_KEYS | {"description", "providerStates", "providerState"}
    if spec_version == "4":
        known |= _V4_KEYS
    common = _v4_common(data, location) if spec_version == "4" else {}
    return AsyncMessage(
        description=description,
        contents=part.contents,
        metadata=part.metadata,
        matching_rules=part.matching_rules,
        generators=part.generators,
        provider_states=_provider_states(data, location),
        spec_version=spec_version,
        written=frozenset(k for k in known if k in data),
        extra={k: v for k, v in data.items() if k not in known},
        **common,
    )


def _parse_sync_message(data: dict[str, Any], location: str) -> SyncMessage:
    description = _description(data, location)
    if "request" not in data:
        raise _fail(f"{location}.request", 'missing; a synchronous message needs a "request" message')
    request = _parse_message_part(
        _object(data["request"], f"{location}.request", "request"), f"{location}.request", "4"
    )
    raw_responses = data.get("response", [])
    if not isinstance(raw_responses, list):
        raise _fail(
            f"{location}.response", f"must be an array of response messages, found {json_kind(raw_responses)}"
        )
    responses = [
        _parse_message_part(
            _object(item, f"{location}.response[{i}]", "a response message"), f"{location}.response[{i}]", "4"
        )
        for i, item in enumerate(raw_responses)
    ]
    known = _V4_KEYS | {"request", "response"}
    return SyncMessage(
        description=description,
        request=request,
        responses=responses,
        provider_states=_provider_states(data, location),
        spec_version="4",
        written=frozenset(k for k in known if k in data),
        extra={k: v for k, v in data.items() if k not in known},
        **_v4_common(data, location),
    )


_MESSAGE_PART_KEYS = {"contents", "metadata", "metaData", "matchingRules", "generators"}


def _parse_message_part(data: dict[str, Any], location: str, spec_version: str) -> MessagePart:
    metadata_key = "metaData" if "metaData" in data and "metadata" not in data else "metadata"
    metadata = _object(data.get(metadata_key, {}), f"{location}.{metadata_key}", "message metadata")
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
        written=frozenset(k for k in _MESSAGE_PART_KEYS if k in data),
        extra={k: v for k, v in data.items() if k not in _MESSAGE_PART_KEYS},
    )


def _rules(data: Mapping[str, Any], location: str, key: str) -> dict[str, Any]:
    value = data.get(key)
    if value is None:
        return {}
    return _object(value, f"{location}.{key}", key)


def _headers(data: Mapping[str, Any], location: str) -> Headers:
    raw = data.get("headers")
    if raw is None:
        return {}
    raw = _object(raw, f"{location}.headers", "headers")
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
    for name, values in header_values(headers).items():
        if name.lower() == "content-type" and values:
            return values[0]
    return None


_REQUEST_KEYS = {"method", "path", "query", "headers", "body", "matchingRules", "generators"}
_RESPONSE_KEYS = {"status", "headers", "body", "matchingRules", "generators"}


def _parse_request(data: Any, location: str, spec_version: str) -> HttpRequest:
    data = _object(data, location, "a request")
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
    data = _object(data, location, "a response")
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


# ------------------------------------------------------------------------------------------- writing


def _write(written: frozenset[str] | None, key: str, non_empty: bool) -> bool:
    return non_empty or (written is not None and key in written)


def dump_body(body: Body, spec_version: str) -> Any:
    """A body in the pact-file form of ``spec_version`` (V4: the content wrapper)."""
    if body.encoding == "base64":
        content: Any = base64.b64encode(bytes(body.content)).decode("ascii")
    else:
        content = body.content
    if spec_version != "4" or body.bare:
        return content
    wrapper: dict[str, Any] = {"content": content}
    if body.content_type is not None:
        wrapper["contentType"] = body.content_type
    if (
        body.encoded is not None
        or body.encoding == "base64"
        or _write(body.written, "encoded", body.written is None)
    ):
        wrapper["encoded"] = (
            body.encoded if body.encoded is not None else ("base64" if body.encoding == "base64" else False)
        )
    if body.content_type_hint is not None:
        wrapper["contentTypeHint"] = body.content_type_hint
    wrapper.update(body.extra)
    return wrapper


def _dump_query(request: HttpRequest, spec_version: str) -> Any:
    if request.query_text is not None and parse_query_string(request.query_text) == request.query:
        return request.query_text
    if spec_at_least(spec_version, "3"):
        return {name: list(values) for name, values in request.query.items()}
    return format_query_string(request.query)


def dump_request(request: HttpRequest, spec_version: str) -> dict[str, Any]:
    """A request in the pact-file form of ``spec_version``."""
    written = request.written
    result: dict[str, Any] = {}
    if _write(written, "method", written is None or request.method.upper() != "GET"):
        result["method"] = request.method
    if _write(written, "path", written is None or request.path != "/"):
        result["path"] = request.path
    if _write(written, "query", bool(request.query)):
        result["query"] = _dump_query(request, spec_version)
    if _write(written, "headers", bool(request.headers)):
        result["headers"] = _dump_headers(request.headers)
    if request.body is not None:
        result["body"] = dump_body(request.body, spec_version)
    if _write(written, "matchingRules", bool(request.matching_rules)):
        result["matchingRules"] = request.matching_rules
    if _write(written, "generators", bool(request.generators)):
        result["generators"] = request.generators
    result.update(request.extra)
    return result


def dump_response(response: HttpResponse, spec_version: str) -> dict[str, Any]:
    """A response in the pact-file form of ``spec_version``."""
    written = response.written
    result: dict[str, Any] = {}
    if written is None or "status" in written or response.status != 200:
        result["status"] = response.status
    if _write(written, "headers", bool(response.headers)):
        result["headers"] = _dump_headers(response.headers)
    if response.body is not None:
        result["body"] = dump_body(response.body, spec_version)
    if _write(written, "matchingRules", bool(response.matching_rules)):
        result["matchingRules"] = response.matching_rules
    if _write(written, "generators", bool(response.generators)):
        result["generators"] = response.generators
    result.update(response.extra)
    return result


def _dump_headers(headers: Headers) -> dict[str, Any]:
    return {name: value if isinstance(value, str) else list(value) for name, value in headers.items()}


def dump_message_part(part: MessagePart, spec_version: str) -> dict[str, Any]:
    """Message contents, metadata, rules and generators in the pact-file form of ``spec_version``."""
    written = part.written
    result: dict[str, Any] = {}
    if part.contents is not None:
        result["contents"] = dump_body(part.contents, spec_version)
    metadata_key = "metaData" if written is not None and "metaData" in written else "metadata"
    if _write(written, metadata_key, bool(part.metadata)):
        result[metadata_key] = part.metadata
    if _write(written, "matchingRules", bool(part.matching_rules)):
        result["matchingRules"] = part.matching_rules
    if _write(written, "generators", bool(part.generators)):
        result["generators"] = part.generators
    result.update(part.extra)
    return result


def _dump_states(
    states: list[ProviderState], written: frozenset[str] | None, spec_version: str
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    legacy = [key for key in ("providerState", "provider_state") if written is not None and key in written]
    use_list = (written is not None and "providerStates" in written) or (
        not legacy and spec_at_least(spec_version, "3")
    )
    for key in legacy:
        result[key] = states[0].name if states else None
    if use_list and (states or (written is not None and "providerStates" in written)):
        result["providerStates"] = [
            {"name": s.name, **({"params": s.params} if s.params is not None else {})} for s in states
        ]
    elif not use_list and not legacy and states:
        result["providerState"] = states[0].name
    return result


def _dump_v4_common(interaction: Interaction) -> dict[str, Any]:
    result: dict[str, Any] = {"type": interaction.interaction_type}
    written = interaction.written
    if written is not None and "type" not in written and isinstance(interaction, HttpInteraction):
        result = {}
    result["description"] = interaction.description
    if interaction.key is not None:
        result["key"] = interaction.key
    if interaction.pending is not None:
        result["pending"] = interaction.pending
    if interaction.comments is not None:
        result["comments"] = interaction.comments
    return result


def dump_interaction(interaction: Interaction, spec_version: str) -> dict[str, Any]:
    """One interaction (or V3 message) in the pact-file form of ``spec_version``."""
    written = interaction.written
    result: dict[str, Any] = (
        _dump_v4_common(interaction) if spec_version == "4" else {"description": interaction.description}
    )
    result.update(_dump_states(interaction.provider_states, written, spec_version))
    if isinstance(interaction, HttpInteraction):
        result["request"] = dump_request(interaction.request, spec_version)
        result["response"] = dump_response(interaction.response, spec_version)
    elif isinstance(interaction, AsyncMessage):
        part = MessagePart(
            interaction.contents,
            interaction.metadata,
            interaction.matching_rules,
            interaction.generators,
            interaction.written,
            {},
        )
        result.update(dump_message_part(part, spec_version))
    else:
        result["request"] = dump_message_part(interaction.request, spec_version)
        result["response"] = [dump_message_part(part, spec_version) for part in interaction.responses]
    result.update(interaction.extra)
    return result


def dump_pact(pact: Pact) -> dict[str, Any]:
    """The pact as a JSON-ready dict, in its own spec version."""
    if pact.spec_version not in SPEC_VERSIONS:
        raise PactFormatError(
            "$.metadata", f"cannot write spec version {pact.spec_version!r}; use one of {SPEC_VERSIONS}"
        )
    version = pact.spec_version
    written = pact.written
    result: dict[str, Any] = {"consumer": {"name": pact.consumer}, "provider": {"name": pact.provider}}
    if version == "4":
        result["interactions"] = [dump_interaction(i, version) for i in pact.interactions]
    else:
        http = [dump_interaction(i, version) for i in pact.interactions if isinstance(i, HttpInteraction)]
        messages = [
            dump_interaction(i, version) for i in pact.interactions if not isinstance(i, HttpInteraction)
        ]
        if http or not messages or (written is not None and "interactions" in written):
            result["interactions"] = http
        if messages or (written is not None and "messages" in written):
            result["messages"] = messages
    metadata = dict(pact.metadata)
    if written is None and not any(key in metadata for key in SPEC_VERSION_KEYS):
        metadata["pactSpecification"] = {"version": SPEC_VERSION_STRINGS[version]}
    if _write(written, "metadata", bool(metadata)):
        result["metadata"] = metadata
    result.update(pact.extra)
    return result


def dumps_pact(pact: Pact, *, indent: int | None = 2) -> str:
    """The pact as JSON text."""
    return json.dumps(dump_pact(pact), indent=indent, ensure_ascii=False)
