"""Writing pact files (spec V1, V1.1, V2, V3 and V4): the model back to pact-file JSON.

:func:`dump_pact` writes a :class:`contracts.model.Pact` in its own spec version; parts of interactions
(:func:`dump_request`, :func:`dump_response`, :func:`dump_message_part`, :func:`dump_body`) are written
in the form of the spec version given. Objects parsed by :mod:`contracts.pactfile` remember which keys
their file wrote, so parsing then dumping gives the same JSON.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from contracts.errors import PactFormatError
from contracts.model import (
    AsyncMessage,
    Body,
    Headers,
    HttpInteraction,
    HttpRequest,
    HttpResponse,
    Interaction,
    MessagePart,
    Pact,
    ProviderState,
)
from contracts.querystrings import format_query_string, parse_query_string
from contracts.spec_versions import SPEC_VERSION_KEYS, SPEC_VERSION_STRINGS, SPEC_VERSIONS, spec_at_least


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
