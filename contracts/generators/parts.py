"""Applying all generators of a request, response or message part.

Parts are dicts in pact-file shape (as :func:`contracts.pactwriter.dump_request` and friends write
them). Generator categories: ``path`` (one definition), ``status`` (one definition),
``header``/``headers``, ``query`` and ``metadata`` (name → definition), ``body``/``content``
(JSON path → definition; paths with ``*``/``[*]`` are expanded against the existing document, paths
that do not exist are not created). Body generators apply to JSON, XML and form bodies (see
:mod:`contracts.generators.markup`); for other bodies only the root path ``$`` is honoured.

A generator that cannot produce a value leaves the example untouched (as pact-reference does),
unless ``strict=True``, which raises :class:`contracts.errors.GeneratorError`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from contracts import http_headers
from contracts.errors import GeneratorError
from contracts.generators.json_paths import apply_at_path, parse_json_path
from contracts.generators.markup import apply_form_generators, apply_xml_generators
from contracts.generators.values import GeneratorContext, GeneratorMode, generate_value
from contracts.media_types import is_json_content_type, is_xml_content_type, media_type
from contracts.querystrings import format_query_string, parse_query_string


def apply_body_generators(
    body: Any, generators: Mapping[str, Any], context: GeneratorContext, *, strict: bool = False
) -> Any:
    """A JSON document with every ``path → generator`` applied (the input is not modified)."""
    document = copy.deepcopy(body)
    for path, definition in generators.items():
        document = apply_at_path(document, parse_json_path(path), _producer(definition, context, strict))
    return document


def _producer(definition: Any, context: GeneratorContext, strict: bool) -> Callable[[Any], Any]:
    def produce(example: Any) -> Any:
        try:
            return generate_value(definition, example, context)
        except GeneratorError:
            if strict:
                raise
            return example

    return produce


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _text_body(
    text: str,
    content_type: str | None,
    generators: Mapping[str, Any],
    context: GeneratorContext,
    strict: bool,
) -> str:
    def producer(definition: Any) -> Callable[[Any], Any]:
        return _producer(definition, context, strict)

    media = media_type(content_type)
    try:
        if is_xml_content_type(content_type) or (not media and text.lstrip().startswith("<")):
            return apply_xml_generators(text, generators, producer)
        if media == "application/x-www-form-urlencoded":
            return apply_form_generators(text, generators, producer)
    except GeneratorError:
        if strict:
            raise
        return text
    if "$" in generators:
        return _as_text(producer(generators["$"])(text))
    return text


def _header(headers: Any, wanted: str) -> str | None:
    return http_headers.find(headers, wanted) if isinstance(headers, Mapping) else None


def _body_with(
    part: dict[str, Any],
    key: str,
    generators: Mapping[str, Any],
    context: GeneratorContext,
    strict: bool,
    content_type: str | None,
) -> None:
    if key not in part or not generators:
        return
    body = part[key]
    if isinstance(body, Mapping) and "content" in body and ("encoded" in body or "contentType" in body):
        wrapper = dict(body)
        encoded = wrapper.get("encoded")
        content = wrapper["content"]
        declared = wrapper.get("contentType") or content_type
        is_json = encoded in (None, False) or (isinstance(encoded, str) and encoded.lower() == "json")
        if is_json and (not isinstance(content, str) or is_json_content_type(declared)):
            wrapper["content"] = apply_body_generators(content, generators, context, strict=strict)
        elif is_json and isinstance(content, str):
            wrapper["content"] = _text_body(content, declared, generators, context, strict)
        part[key] = wrapper
        return
    if isinstance(body, str) and not is_json_content_type(content_type):
        part[key] = _text_body(body, content_type, generators, context, strict)
        return
    part[key] = apply_body_generators(body, generators, context, strict=strict)


def _named_values(
    values: Any, generators: Mapping[str, Any], context: GeneratorContext, strict: bool
) -> dict[str, Any]:
    result = dict(values or {})
    for name, definition in generators.items():
        existing = next((key for key in result if key.lower() == name.lower()), None)
        produce = _producer(definition, context, strict)
        if existing is None:
            result[name] = _as_text(produce(None))
            continue
        current = result[existing]
        if isinstance(current, list):
            result[existing] = [_as_text(produce(item)) for item in current]
        else:
            result[existing] = _as_text(produce(current))
    return result


def _query_values(query: Any, generators: Mapping[str, Any], context: GeneratorContext, strict: bool) -> Any:
    if isinstance(query, str):
        parsed = parse_query_string(query)
        updated = _named_values(parsed, generators, context, strict)
        return format_query_string({k: v if isinstance(v, list) else [v] for k, v in updated.items()})
    result = dict(query or {})
    for name, definition in generators.items():
        produce = _producer(definition, context, strict)
        current = result.get(name)
        if current is None:
            result[name] = [_as_text(produce(None))]
        elif isinstance(current, list):
            result[name] = [_as_text(produce(item)) for item in current]
        else:
            result[name] = _as_text(produce(current))
    return result


def _context(
    context: GeneratorContext | None,
    mode: GeneratorMode,
    provider_state: Mapping[str, Any] | None,
    mock_server_url: str | None,
) -> GeneratorContext:
    if context is not None:
        return context
    return GeneratorContext(
        mode=mode, provider_state=dict(provider_state or {}), mock_server_url=mock_server_url
    )


def _generators(part: Mapping[str, Any]) -> dict[str, Any]:
    generators = part.get("generators")
    if generators is None:
        return {}
    if not isinstance(generators, Mapping):
        raise GeneratorError(f"'generators' must be an object of categories, found {generators!r}")
    return dict(generators)


def _category(generators: Mapping[str, Any], *names: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for name in names:
        value = generators.get(name)
        if isinstance(value, Mapping):
            merged.update(value)
    return merged


def _start(
    part: Mapping[str, Any],
    context: GeneratorContext | None,
    mode: GeneratorMode,
    provider_state: Mapping[str, Any] | None,
    mock_server_url: str | None,
) -> tuple[GeneratorContext, dict[str, Any], dict[str, Any]]:
    """The context, the part's generators by category, and a copy of the part without them."""
    ctx = _context(context, mode, provider_state, mock_server_url)
    return ctx, _generators(part), {k: v for k, v in part.items() if k != "generators"}


def _generate_headers(
    result: dict[str, Any], generators: Mapping[str, Any], ctx: GeneratorContext, strict: bool
) -> None:
    headers = _category(generators, "header", "headers")
    if headers:
        result["headers"] = _named_values(result.get("headers"), headers, ctx, strict)


def _generate_http_body(
    result: dict[str, Any], generators: Mapping[str, Any], ctx: GeneratorContext, strict: bool
) -> None:
    content_type = _header(result.get("headers"), "content-type")
    _body_with(result, "body", _category(generators, "body"), ctx, strict, content_type)


def generate_request(
    part: Mapping[str, Any],
    spec_version: str = "4",
    *,
    mode: GeneratorMode = "provider",
    provider_state: Mapping[str, Any] | None = None,
    mock_server_url: str | None = None,
    context: GeneratorContext | None = None,
    strict: bool = False,
) -> dict[str, Any]:
    """A concrete request: the part with its generators applied and its ``generators`` key removed.

    The default mode is ``"provider"`` (requests are generated to be sent to a provider), where
    ProviderState generators resolve ``${name}`` from ``provider_state``.
    """
    ctx, generators, result = _start(part, context, mode, provider_state, mock_server_url)
    path_generator = generators.get("path")
    if path_generator is not None:
        result["path"] = _as_text(_producer(path_generator, ctx, strict)(result.get("path")))
    _generate_headers(result, generators, ctx, strict)
    query = _category(generators, "query")
    if query:
        result["query"] = _query_values(result.get("query"), query, ctx, strict)
    _generate_http_body(result, generators, ctx, strict)
    return result


def generate_response(
    part: Mapping[str, Any],
    spec_version: str = "4",
    *,
    mode: GeneratorMode = "consumer",
    provider_state: Mapping[str, Any] | None = None,
    mock_server_url: str | None = None,
    context: GeneratorContext | None = None,
    strict: bool = False,
) -> dict[str, Any]:
    """A concrete response (default mode ``"consumer"``: what a mock server returns)."""
    ctx, generators, result = _start(part, context, mode, provider_state, mock_server_url)
    status_generator = generators.get("status")
    if status_generator is not None:
        status = _producer(status_generator, ctx, strict)(result.get("status", 200))
        try:
            result["status"] = int(status)
        except (TypeError, ValueError) as exc:
            if strict:
                raise GeneratorError(f"status generator produced {status!r}, not a status code") from exc
    _generate_headers(result, generators, ctx, strict)
    _generate_http_body(result, generators, ctx, strict)
    return result


def generate_message(
    part: Mapping[str, Any],
    spec_version: str = "4",
    *,
    mode: GeneratorMode = "consumer",
    provider_state: Mapping[str, Any] | None = None,
    mock_server_url: str | None = None,
    context: GeneratorContext | None = None,
    strict: bool = False,
) -> dict[str, Any]:
    """Concrete message contents and metadata (categories ``body``/``content`` and ``metadata``)."""
    ctx, generators, result = _start(part, context, mode, provider_state, mock_server_url)
    metadata = _category(generators, "metadata")
    if metadata:
        key = "metaData" if "metaData" in result and "metadata" not in result else "metadata"
        meta = dict(result.get(key) or {})
        for name, definition in metadata.items():
            meta[name] = _producer(definition, ctx, strict)(meta.get(name))
        result[key] = meta
    metadata_values = result.get("metadata", result.get("metaData"))
    content_type = _header(metadata_values, "contenttype") or _header(metadata_values, "content-type")
    _body_with(result, "contents", _category(generators, "body", "content"), ctx, strict, content_type)
    return result
