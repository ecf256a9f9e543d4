"""Where the weights of a generated scenario come from.

In order of precedence, for each interaction:

1. an explicit weight in a weights file (``interactions: {Consumer: {description: weight}}``);
2. its share of a traffic sample (access log or HAR): the requests of its route, with its response
   status and from its consumer (named in the User-Agent) when the sample says, each split evenly
   between the interactions it fits; at least 1 for an interaction any request fitted, and 1 for
   all when no request fitted at all (a tiny log never yields a file Locust refuses);
3. the default: 1.

A consumer's user-class weight is its explicit weight in the weights file, else the sum of its
interactions' weights, so that by default every interaction is called equally often overall.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from contracts.errors import ContractError
from contracts.openapi.document import parse_document_text
from loadgen.locust.errors import ScenarioError
from loadgen.locust.traffic import TrafficCounts

WEIGHTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "consumers": {
            "type": "object",
            "additionalProperties": {"type": "integer", "minimum": 0},
        },
        "interactions": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": {"type": "integer", "minimum": 0},
            },
        },
    },
}


@dataclass(frozen=True)
class WeightPlan:
    """Explicit weights and traffic counts, resolved per interaction by :meth:`interaction_weight`."""

    source: str = "contract (every interaction weight 1)"
    consumers: Mapping[str, int] = field(default_factory=dict)
    interactions: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    traffic: TrafficCounts | None = None

    def explicit_interaction_weight(self, consumer: str, description: str) -> int | None:
        return self.interactions.get(consumer, {}).get(description)


def load_weights_file(path: Path) -> WeightPlan:
    try:
        document = parse_document_text(path.read_text(encoding="utf-8-sig"), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"cannot read weights file {path}: {exc}") from exc
    except ContractError as exc:  # names the line and column
        raise ScenarioError(f"weights file {exc}") from exc
    if document is None:
        document = {}
    errors = sorted(jsonschema.Draft202012Validator(WEIGHTS_SCHEMA).iter_errors(document), key=str)
    if errors:
        first = errors[0]
        where = "/".join(str(part) for part in first.absolute_path) or "(top level)"
        raise ScenarioError(
            f"{path}: invalid weights at {where}: {first.message}. Expected "
            "`consumers: {NAME: int}` and `interactions: {CONSUMER: {DESCRIPTION: int}}`."
        )
    return WeightPlan(
        source=f"weights file {path.name}",
        consumers=dict(document.get("consumers", {})),
        interactions={name: dict(values) for name, values in document.get("interactions", {}).items()},
    )
