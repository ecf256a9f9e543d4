"""Reading pact files (spec V1, V1.1, V2, V3 and V4); writing them is :mod:`contracts.pactwriter`.

:func:`parse_pact` turns a decoded pact document into a :class:`contracts.model.Pact`;
:func:`contracts.pactwriter.dump_pact` writes it back in the pact's own
spec version. Parsing then dumping gives the same JSON, with these documented normalisations:

* V3+ query parameters written as a single string (``{"a": "1"}``) come back as lists (``["1"]``);
* a V1/V2 query written as an object comes back as a query string.

Malformed documents raise :class:`contracts.errors.PactFormatError`, whose message names the JSON
location (``$.interactions[2].request.method``) and how to fix the problem. The parts of interactions
(requests, responses, message parts, bodies) are read by :mod:`contracts.pact_parts`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from contracts.errors import PactFormatError
from contracts.model import (
    ASYNC_MESSAGE,
    HTTP_INTERACTION,
    SYNC_MESSAGE,
    AsyncMessage,
    HttpInteraction,
    Interaction,
    Pact,
    ProviderState,
    SyncMessage,
)
from contracts.pact_parts import (
    MESSAGE_PART_KEYS,
    json_kind,
    json_object,
    parse_body,
    parse_message_part,
    parse_request,
    parse_response,
)
from contracts.spec_versions import (
    SPEC_VERSION_KEYS,
    SPEC_VERSION_STRINGS,
    normalise_spec_version,
    spec_at_least,
)

__all__ = [
    "SPEC_VERSION_KEYS",
    "json_kind",
    "load_pact",
    "loads_pact",
    "parse_body",
    "parse_interaction",
    "parse_message_part",
    "parse_pact",
    "parse_request",
    "parse_response",
]


def _fail(location: str, problem: str) -> PactFormatError:
    return PactFormatError(location, problem)


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
    metadata = json_object(document.get("metadata", {}), "$.metadata", "metadata")
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
    data = json_object(data, location, "an interaction")
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
        request=parse_request(data["request"], spec_version, f"{location}.request"),
        response=parse_response(data["response"], spec_version, f"{location}.response"),
        provider_states=_provider_states(data, location),
        spec_version=spec_version,
        written=frozenset(k for k in known if k in data),
        extra={k: v for k, v in data.items() if k not in known},
        **common,
    )


def _parse_v4_interaction(data: Any, location: str) -> Interaction:
    data = json_object(data, location, "an interaction")
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
    data = json_object(data, location, "a message")
    description = _description(data, location)
    part = parse_message_part(data, spec_version, location)
    known = MESSAGE_PART_KEYS | {"description", "providerStates", "providerState"}
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
    request = parse_message_part(data["request"], "4", f"{location}.request", what="request")
    raw_responses = data.get("response", [])
    if not isinstance(raw_responses, list):
        raise _fail(
            f"{location}.response", f"must be an array of response messages, found {json_kind(raw_responses)}"
        )
    responses = [
        parse_message_part(item, "4", f"{location}.response[{i}]", what="a response message")
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
