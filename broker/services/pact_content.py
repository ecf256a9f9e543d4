"""Pact documents as the broker sees them: validation, the content hash, interaction ids, rendering.

The broker stores the published text unchanged. When it serves a pact it parses that text (keeping
key order), gives every interaction/message without one an ``_id`` (the SHA-1 of the interaction's
key-sorted JSON, as the Ruby broker does — verifiers send it back as ``testResults[].interactionId``)
and appends ``createdAt`` and ``_links``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from broker.errors import ValidationFailed
from broker.json_input import strict_loads
from broker.services.names import check_name
from contracts.hashing import interaction_id, pact_version_sha
from contracts.spec_versions import SPEC_VERSION_KEYS, normalise_spec_version


@dataclass(frozen=True)
class PactDocument:
    text: str
    data: dict[str, Any]
    consumer: str
    provider: str
    sha: str


def parse_pact_document(raw: bytes | str, *, field: str = "body", parsed: Any = None) -> PactDocument:
    """Validate a published pact; every problem is a 400 naming the field and what to fix.

    ``parsed``: the value of ``raw`` when the caller already parsed it strictly (the request body that
    :class:`broker.json_guard.StrictJsonMiddleware` checked), so it is not parsed twice."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise ValidationFailed("The pact is not UTF-8 text.", field=field) from None
    try:
        data = strict_loads(text, field=field, what="The pact") if parsed is None else parsed
    except json.JSONDecodeError as exc:
        raise ValidationFailed(
            f"The pact is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}.", field=field
        ) from None
    if not isinstance(data, dict):
        raise ValidationFailed(
            "The pact must be a JSON object with consumer, provider and interactions.", field=field
        )
    consumer = _party(data, "consumer", field)
    provider = _party(data, "provider", field)
    for key in ("interactions", "messages"):
        if key in data and not isinstance(data[key], list):
            raise ValidationFailed(f"'{key}' must be an array.", field=f"{field}.{key}")
        for index, item in enumerate(data.get(key) or []):
            if not isinstance(item, dict):
                raise ValidationFailed(f"{key}[{index}] must be an object.", field=f"{field}.{key}")
    metadata = data.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise ValidationFailed("'metadata' must be an object.", field=f"{field}.metadata")
    spec = declared_spec_version(metadata or {})
    if spec is not None and normalise_spec_version(spec) is None:
        raise ValidationFailed(
            f"Unknown pact specification version {spec!r}: use 1.0.0, 1.1.0, 2.0.0, 3.0.0 or 4.0.",
            field=f"{field}.metadata.pactSpecification.version",
        )
    return PactDocument(text=text, data=data, consumer=consumer, provider=provider, sha=content_sha(data))


def _party(data: Mapping[str, Any], role: str, field: str) -> str:
    party = data.get(role)
    name = party.get("name") if isinstance(party, dict) else None
    if not isinstance(name, str) or not name.strip():
        raise ValidationFailed(
            f'The pact has no {role} name: add "{role}": {{"name": "..."}}.', field=f"{field}.{role}.name"
        )
    check_name(name, f"{field}.{role}.name", what=f"{role} name")
    return name


def declared_spec_version(metadata: Mapping[str, Any]) -> Any:
    for key in SPEC_VERSION_KEYS:
        if key in metadata:
            value = metadata[key]
            return value.get("version") if isinstance(value, Mapping) else value
    return None


def content_sha(data: Mapping[str, Any]) -> str:
    """The pact-version hash (``contracts.hashing``): only what affects verification counts, so key
    order, interaction order and other metadata do not make a new pact version."""
    return pact_version_sha(data)


def with_interaction_ids(data: dict[str, Any]) -> dict[str, Any]:
    """A copy where every interaction/message carries an ``_id`` (first key), the stored text unchanged."""
    result = dict(data)
    for key in ("interactions", "messages"):
        items = data.get(key)
        if isinstance(items, list):
            result[key] = [
                item if not isinstance(item, dict) or "_id" in item else {"_id": interaction_id(item), **item}
                for item in items
            ]
    return result
