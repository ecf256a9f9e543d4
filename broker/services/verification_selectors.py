"""Consumer version selectors of a "pacts for verification" request: parsing and validation.

The JSON body (POST) uses camelCase keys; the deprecated GET form uses snake_case nested query
parameters with the same meaning. Validation follows the Pact Broker's rules, and every problem is
reported under ``consumerVersionSelectors`` with "(at index N)" so the user can find the selector.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from dateutil.parser import isoparse

from broker.errors import ValidationFailed
from contracts.selectors import (
    BRANCH_KEYS,
    ENVIRONMENT_KEYS,
    STRING_KEYS,
    TRUE_ONLY_KEYS,
    ConsumerVersionSelector,
    Rule,
    rule_violations,
)

KNOWN_KEYS = (*BRANCH_KEYS, *ENVIRONMENT_KEYS, "consumer")
SNAKE_TO_CAMEL = {
    "main_branch": "mainBranch",
    "matching_branch": "matchingBranch",
    "fallback_tag": "fallbackTag",
    "fallback_branch": "fallbackBranch",
    "deployed_or_released": "deployedOrReleased",
}
# how the Ruby broker words each rule (every message ends with "(at index N)")
RULE_MESSAGES: dict[Rule, str] = {
    Rule.SELECTS_NOTHING: (
        "must specify a value for environment or tag or branch, or specify mainBranch=true, "
        "matchingBranch=true, latest=true, deployed=true, released=true or deployedOrReleased=true"
    ),
    Rule.MAIN_BRANCH_ALONE: "cannot specify mainBranch=true with any other criteria apart from consumer",
    Rule.MAIN_BRANCH_NOT_LATEST: "cannot specify mainBranch=true with latest=false",
    Rule.MATCHING_BRANCH_ALONE: (
        "cannot specify matchingBranch=true with any other criteria apart from consumer"
    ),
    Rule.TAG_AND_BRANCH: "cannot specify both a tag and a branch",
    Rule.BRANCH_NOT_LATEST: "cannot specify a branch with latest=false",
    Rule.BRANCH_WITH_ENVIRONMENT: (
        "cannot specify any of latest, tag, fallbackTag, branch, fallbackBranch, matchingBranch or "
        "mainBranch with any of environment, deployed, released or deployedOrReleased"
    ),
    Rule.FALLBACK_TAG_ALONE: "fallbackTag can only be set if tag is set and latest=true",
    Rule.FALLBACK_BRANCH_ALONE: "fallbackBranch can only be set if branch is set",
    Rule.SEVERAL_DEPLOYMENT_KEYS: "cannot specify more than one of deployed, released or deployedOrReleased",
}


@dataclass(frozen=True)
class ForVerificationRequest:
    selectors: tuple[ConsumerVersionSelector, ...] = ()
    provider_version_branch: str | None = None
    provider_version_tags: tuple[str, ...] = ()
    include_pending_status: bool = True
    include_wip_pacts_since: datetime | None = None
    from_get: bool = False


def _invalid(errors: dict[str, list[str]]) -> ValidationFailed:
    message = "; ".join(f"{key} {msg}" for key, msgs in errors.items() for msg in msgs)
    return ValidationFailed(message, errors=errors)


def _bool_value(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    return None


def _validate_selector(raw: Any, index: int, problems: list[str]) -> ConsumerVersionSelector | None:
    where = f"(at index {index})"
    if not isinstance(raw, dict):
        problems.append(f"must be an object {where}")
        return None
    before = len(problems)
    unknown = sorted(set(raw) - set(KNOWN_KEYS))
    if unknown:
        problems.append(f"has unknown key(s) {', '.join(unknown)} {where}")
    values: dict[str, Any] = {}
    for key in TRUE_ONLY_KEYS:
        if key in raw and raw[key] is not None:
            parsed = _bool_value(raw[key])
            if parsed is not True:
                problems.append(f"{key} can only be set to true {where}")
            values[key] = parsed is True
    if "latest" in raw and raw["latest"] is not None:
        parsed = _bool_value(raw["latest"])
        if parsed is None:
            problems.append(f"latest must be a boolean {where}")
        values["latest"] = parsed
    for key in STRING_KEYS:
        if key in raw and raw[key] is not None:
            value = raw[key]
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{key} must be a non-blank string {where}")
            elif "\n" in value:
                problems.append(f"{key} must be a single line {where}")
            else:
                values[key] = value
    if len(problems) > before:
        return None
    present = {key for key, value in values.items() if value not in (None, False)}
    if "latest" in values and values["latest"] is False:
        present.add("latest")
    problems.extend(
        f"{RULE_MESSAGES[rule]} {where}" for rule in rule_violations(present, values.get("latest"))
    )
    if len(problems) > before:
        return None
    return ConsumerVersionSelector(
        main_branch=bool(values.get("mainBranch")),
        branch=values.get("branch"),
        fallback_branch=values.get("fallbackBranch"),
        matching_branch=bool(values.get("matchingBranch")),
        tag=values.get("tag"),
        fallback_tag=values.get("fallbackTag"),
        latest=values.get("latest"),
        deployed=bool(values.get("deployed")),
        released=bool(values.get("released")),
        deployed_or_released=bool(values.get("deployedOrReleased")),
        environment=values.get("environment"),
        consumer=values.get("consumer"),
    )


def _parse_since(value: Any, errors: dict[str, list[str]]) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip():
        try:
            parsed = isoparse(value.strip())
        except ValueError:
            pass
        else:
            if isinstance(parsed, date) and not isinstance(parsed, datetime):
                parsed = datetime(parsed.year, parsed.month, parsed.day)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    errors.setdefault("includeWipPactsSince", []).append(
        f"must be a date or date-time in ISO 8601 format, e.g. 2024-01-31 (got {value!r})"
    )
    return None


def parse_request(body: Any, *, from_get: bool = False) -> ForVerificationRequest:
    """Validate a request body (or the GET query converted to the same shape)."""
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise _invalid({"body": ["must be a JSON object"]})
    errors: dict[str, list[str]] = {}
    raw_selectors = body.get("consumerVersionSelectors")
    selectors: list[ConsumerVersionSelector] = []
    if raw_selectors is not None and not isinstance(raw_selectors, list):
        errors["consumerVersionSelectors"] = ["must be an array of selector objects"]
    elif raw_selectors:
        problems: list[str] = []
        for index, raw in enumerate(raw_selectors):
            selector = _validate_selector(raw, index, problems)
            if selector is not None:
                selectors.append(selector)
        if problems:
            errors["consumerVersionSelectors"] = problems
    branch = body.get("providerVersionBranch")
    if branch is not None and not isinstance(branch, str):
        errors["providerVersionBranch"] = ["must be a string"]
        branch = None
    tags_raw = body.get("providerVersionTags")
    tags: list[str] = []
    if tags_raw is not None:
        if not isinstance(tags_raw, list) or not all(isinstance(t, str) for t in tags_raw):
            errors["providerVersionTags"] = ["must be an array of strings"]
        else:
            tags = [t for t in tags_raw if t.strip()]
    pending_raw = body.get("includePendingStatus", True)
    include_pending = _bool_value(pending_raw)
    if include_pending is None:
        errors["includePendingStatus"] = ["must be true or false"]
        include_pending = True
    since = _parse_since(body.get("includeWipPactsSince"), errors)
    if isinstance(branch, str) and branch:
        if not branch.strip():
            errors.setdefault("providerVersionBranch", []).append("cannot be blank")
        elif "\n" in branch:
            errors.setdefault("providerVersionBranch", []).append("must be a single line")
    if isinstance(branch, str) and not branch.strip() and not tags and (since or include_pending):
        errors.setdefault("providerVersionBranch", []).append(
            "cannot be blank when includePendingStatus or includeWipPactsSince is used: set the provider "
            "version branch (or leave it out)"
        )
    needs_branch = [i for i, s in enumerate(selectors) if s.matching_branch]
    if needs_branch and not (isinstance(branch, str) and branch.strip()):
        errors.setdefault("consumerVersionSelectors", []).append(
            f"matchingBranch=true requires providerVersionBranch to be set (at index {needs_branch[0]})"
        )
    if errors:
        raise _invalid(errors)
    return ForVerificationRequest(
        selectors=tuple(selectors),
        provider_version_branch=branch.strip() if isinstance(branch, str) and branch.strip() else None,
        provider_version_tags=tuple(tags),
        include_pending_status=include_pending,
        include_wip_pacts_since=since,
        from_get=from_get,
    )


def body_from_get_query(query: dict[str, Any]) -> dict[str, Any]:
    """Turn the GET form (``consumer_version_selectors[][tag]=x``) into the POST body shape."""
    body: dict[str, Any] = {}
    selectors = query.get("consumer_version_selectors")
    if isinstance(selectors, list):
        body["consumerVersionSelectors"] = [
            {SNAKE_TO_CAMEL.get(k, k): v for k, v in s.items()} if isinstance(s, dict) else s
            for s in selectors
        ]
    if "provider_version_branch" in query:
        body["providerVersionBranch"] = query["provider_version_branch"]
    tags = query.get("provider_version_tags")
    if isinstance(tags, list):
        body["providerVersionTags"] = tags
    if "include_pending_status" in query:
        body["includePendingStatus"] = query["include_pending_status"]
    if query.get("include_wip_pacts_since"):
        body["includeWipPactsSince"] = query["include_wip_pacts_since"]
    return body
