"""Content hashes of pacts: the "pact version sha" the broker de-duplicates on, and interaction ids.

Following the Pact Broker's ``base_equality_only_on_content_that_affects_verification_results``
(its default), the pact version sha covers only what changes a verification result: the
interactions (and V3 messages) and the pact specification version. Object keys are sorted
recursively and the interactions are sorted by their canonical JSON, so whitespace, key order,
interaction order and other metadata (library versions, ``createdAt``, ``_links``) do not change it.
Interaction ``_id`` keys, which a broker adds when it stores a pact, are left out too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from contracts.errors import PactFormatError
from contracts.model import Pact
from contracts.pactwriter import dump_pact
from contracts.spec_versions import SPEC_VERSION_KEYS, normalise_spec_version


def canonical_json(value: Any) -> str:
    """Compact JSON with object keys sorted recursively (non-ASCII kept as is)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _without_id(interaction: Any) -> Any:
    if isinstance(interaction, Mapping):
        return {key: value for key, value in interaction.items() if key != "_id"}
    return interaction


def _spec_version(metadata: Any) -> str | None:
    if not isinstance(metadata, Mapping):
        return None
    for key in SPEC_VERSION_KEYS:
        if key in metadata:
            value = metadata[key]
            if isinstance(value, Mapping):
                value = value.get("version")
            return normalise_spec_version(value) or (str(value) if value is not None else None)
    return None


def _document(pact_json: Mapping[str, Any] | Pact | str | bytes) -> Mapping[str, Any]:
    if isinstance(pact_json, Pact):
        return dump_pact(pact_json)
    if isinstance(pact_json, str | bytes):
        try:
            decoded = json.loads(pact_json)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise PactFormatError("$", f"not valid JSON: {exc}") from exc
        pact_json = decoded
    if not isinstance(pact_json, Mapping):
        raise PactFormatError("$", "a pact must be a JSON object")
    return pact_json


def canonical_pact_content(pact_json: Mapping[str, Any] | Pact | str | bytes) -> str:
    """The canonical text the pact version sha is computed from."""
    document = _document(pact_json)
    content: dict[str, Any] = {}
    for key in ("interactions", "messages"):
        items = document.get(key)
        if isinstance(items, list):
            content[key] = sorted(canonical_json(_without_id(item)) for item in items)
        elif items is not None:
            content[key] = canonical_json(items)
    content["pactSpecification"] = _spec_version(document.get("metadata"))
    return canonical_json(content)


def pact_version_sha(pact_json: Mapping[str, Any] | Pact | str | bytes) -> str:
    """SHA-1 hex digest identifying a pact's verification-relevant content."""
    return hashlib.sha1(canonical_pact_content(pact_json).encode("utf-8")).hexdigest()


def interaction_id(interaction: Mapping[str, Any]) -> str:
    """SHA-1 hex of an interaction's key-sorted JSON (without any ``_id``): the broker's ``_id``."""
    return hashlib.sha1(canonical_json(_without_id(interaction)).encode("utf-8")).hexdigest()


def with_interaction_ids(pact_json: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the pact document whose interactions and messages each carry ``_id`` (first key), as a
    Pact Broker stores them; existing ``_id`` values are recomputed."""
    result = dict(pact_json)
    for key in ("interactions", "messages"):
        items = result.get(key)
        if isinstance(items, list):
            result[key] = [
                {"_id": interaction_id(item), **_without_id(item)} if isinstance(item, Mapping) else item
                for item in items
            ]
    return result
