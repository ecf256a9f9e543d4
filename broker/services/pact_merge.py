"""Conflicts between pact contents published for one consumer version: merging (``PATCH``) and refusing
a changed content (``PUT`` / re-publish) with a diff of what would change."""

from __future__ import annotations

import json
from typing import Any

from broker.errors import Conflict
from broker.services.pact_content import PactDocument, parse_pact_document
from broker.services.pacts import PactView, diff_texts
from broker.tables.core import PactVersion


def modification_conflict(
    consumer: str, number: str, provider: str, previous: PactVersion, new: PactVersion
) -> Conflict:
    text = (
        f"Cannot change the content of the pact for {consumer} version {number} and provider {provider}, "
        "as race conditions will cause unreliable results for can-i-deploy. Each pact must be published "
        "with a unique consumer version number. Publish with a new version number (e.g. the git sha), or "
        "set TETHER_ALLOW_DANGEROUS_CONTRACT_MODIFICATION=true on the broker to allow it."
    )
    old_view = PactView(consumer, provider, number, 0, previous.sha, previous.content, previous.created_at)
    new_view = PactView(consumer, provider, number, 0, new.sha, new.content, new.created_at)
    return Conflict(
        text,
        errors={"contracts": [text]},
        notices=[{"type": "error", "text": text}, {"type": "info", "text": diff_texts(old_view, new_view)}],
    )


def _interaction_key(interaction: dict[str, Any]) -> str:
    states = interaction.get("providerStates", interaction.get("providerState"))
    return json.dumps([interaction.get("description"), states], sort_keys=True)


def _without_id(interaction: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in interaction.items() if k != "_id"}


def merge_documents(
    existing_text: str, new: PactDocument, consumer: str, number: str, provider: str
) -> PactDocument:
    """Add the new pact's interactions to the existing ones; the same description and provider state
    with different content is a 409."""
    merged = json.loads(existing_text)
    for key in ("interactions", "messages"):
        incoming = new.data.get(key)
        if not isinstance(incoming, list):
            continue
        current: list[dict[str, Any]] = list(merged.get(key) or [])
        index = {_interaction_key(item): item for item in current if isinstance(item, dict)}
        for item in incoming:
            found = index.get(_interaction_key(item))
            if found is None:
                current.append(item)
                index[_interaction_key(item)] = item
            elif _without_id(found) != _without_id(item):
                text = (
                    f"Cannot merge the pact for {consumer} version {number} and provider {provider}: the interaction "
                    f"{item.get('description')!r} already exists with different content. Publish with a new version number."
                )
                raise Conflict(text, errors={"contracts": [text]}, notices=[{"type": "error", "text": text}])
        merged[key] = current
    return parse_pact_document(json.dumps(merged, indent=2, ensure_ascii=False))
