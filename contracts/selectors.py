"""Consumer version selectors: the one typed selector and the Pact Broker's rules for combining its keys.

A selector says which consumer versions' pacts a broker hands out for verification
(``POST /pacts/provider/{p}/for-verification``). The broker (``broker.services.verification_selectors``)
refuses a bad one with a 400; the client (``brokerclient.selectors``) refuses the same selector before
sending it. Both read the same rules here: :func:`rule_violations` names every rule a selector breaks,
and each side words the refusal its own way (the broker as the Ruby broker does, the client naming the
option and the fix).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Collection
from dataclasses import dataclass, fields
from typing import Any

# JSON key -> field name (also pact-python's ``consumer_version`` keyword); the order error messages use
SELECTOR_KEYS: dict[str, str] = {
    "consumer": "consumer",
    "tag": "tag",
    "fallbackTag": "fallback_tag",
    "latest": "latest",
    "deployedOrReleased": "deployed_or_released",
    "deployed": "deployed",
    "released": "released",
    "environment": "environment",
    "mainBranch": "main_branch",
    "branch": "branch",
    "matchingBranch": "matching_branch",
    "fallbackBranch": "fallback_branch",
}
FIELD_KEYS = {field_name: key for key, field_name in SELECTOR_KEYS.items()}
# keys that can only be true (leave them out otherwise); ``latest`` is the one boolean that may be false
TRUE_ONLY_KEYS = ("mainBranch", "matchingBranch", "deployed", "released", "deployedOrReleased")
STRING_KEYS = ("tag", "fallbackTag", "branch", "fallbackBranch", "environment", "consumer")
BRANCH_KEYS = ("latest", "tag", "fallbackTag", "branch", "fallbackBranch", "matchingBranch", "mainBranch")
ENVIRONMENT_KEYS = ("environment", "deployed", "released", "deployedOrReleased")
DEPLOYMENT_KEYS = ("deployed", "released", "deployedOrReleased")
# a selector needs at least one of these (``consumer``, ``fallbackTag`` and ``fallbackBranch`` only narrow)
SELECTING_KEYS = (
    "mainBranch", "tag", "branch", "environment", "matchingBranch", "deployed", "released",
    "deployedOrReleased", "latest",
)  # fmt: skip


class Rule(enum.Enum):
    """A rule of the Pact Broker's selector validation (each one a 400 there)."""

    SELECTS_NOTHING = "selects nothing"
    MAIN_BRANCH_ALONE = "mainBranch combines only with consumer"
    MAIN_BRANCH_NOT_LATEST = "mainBranch with latest=false"
    MATCHING_BRANCH_ALONE = "matchingBranch combines only with consumer"
    TAG_AND_BRANCH = "tag and branch"
    BRANCH_NOT_LATEST = "branch with latest=false"
    BRANCH_WITH_ENVIRONMENT = "branch/tag keys with environment keys"
    FALLBACK_TAG_ALONE = "fallbackTag without tag and latest=true"
    FALLBACK_BRANCH_ALONE = "fallbackBranch without branch"
    SEVERAL_DEPLOYMENT_KEYS = "more than one of deployed, released, deployedOrReleased"


def rule_violations(present: Collection[str], latest: bool | None) -> list[Rule]:
    """Every rule broken by a selector whose set keys are ``present`` (JSON names; ``latest`` is in it when
    given, true or false), in the order the Pact Broker reports them."""
    keys = set(present)
    broken: list[Rule] = []
    if not keys & set(SELECTING_KEYS):
        broken.append(Rule.SELECTS_NOTHING)
    if "mainBranch" in keys and keys - {"mainBranch", "consumer", "latest"}:
        broken.append(Rule.MAIN_BRANCH_ALONE)
    if "mainBranch" in keys and latest is False:
        broken.append(Rule.MAIN_BRANCH_NOT_LATEST)
    if "matchingBranch" in keys and keys - {"matchingBranch", "consumer"}:
        broken.append(Rule.MATCHING_BRANCH_ALONE)
    if "tag" in keys and "branch" in keys:
        broken.append(Rule.TAG_AND_BRANCH)
    if "branch" in keys and latest is False:
        broken.append(Rule.BRANCH_NOT_LATEST)
    if keys & set(BRANCH_KEYS) and keys & set(ENVIRONMENT_KEYS):
        broken.append(Rule.BRANCH_WITH_ENVIRONMENT)
    if "fallbackTag" in keys and not ("tag" in keys and latest is True):
        broken.append(Rule.FALLBACK_TAG_ALONE)
    if "fallbackBranch" in keys and "branch" not in keys:
        broken.append(Rule.FALLBACK_BRANCH_ALONE)
    if len(keys & set(DEPLOYMENT_KEYS)) > 1:
        broken.append(Rule.SEVERAL_DEPLOYMENT_KEYS)
    return broken


@dataclass(frozen=True, slots=True)
class ConsumerVersionSelector:
    """One consumer version selector; every field left at its default is absent from the JSON."""

    main_branch: bool = False
    branch: str | None = None
    fallback_branch: str | None = None
    matching_branch: bool = False
    tag: str | None = None
    fallback_tag: str | None = None
    latest: bool | None = None
    deployed: bool = False
    released: bool = False
    deployed_or_released: bool = False
    environment: str | None = None
    consumer: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The selector as the broker's pacts-for-verification API takes it (``{"mainBranch": true}``)."""
        rendered: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value is None or (value is False and item.name != "latest"):
                continue
            rendered[FIELD_KEYS[item.name]] = value
        return rendered

    def describe(self) -> str:
        return json.dumps(self.to_json(), sort_keys=True)
