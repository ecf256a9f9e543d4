"""Consumer version selectors on the client side: checked before they are sent.

:class:`ConsumerVersionSelector` is ``contracts.selectors.ConsumerVersionSelector`` (the one typed
selector; ``to_json`` renders it as the Pact Broker's ``POST /pacts/provider/{p}/for-verification``
expects) that refuses, on construction, a selector the broker would refuse with a 400, naming the option
and the fix. :func:`parse_selector` reads the command-line JSON form
(``--consumer-version-selector '{"mainBranch": true}'``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from brokerclient.errors import SelectorError
from contracts import selectors as shared
from contracts.selectors import SELECTOR_KEYS, STRING_KEYS, TRUE_ONLY_KEYS, Rule

SELECTOR_OPTION = "--consumer-version-selector"

_BOOLEAN_KEYS = ("latest", *TRUE_ONLY_KEYS)

# the rule reported when a selector breaks several (the first one in this order), and how it is worded
_RULE_MESSAGES: dict[Rule, str] = {
    Rule.SELECTS_NOTHING: (
        "selects nothing; give one of "
        + ", ".join(shared.SELECTING_KEYS)
        + ' (for example {"mainBranch": true, "consumer": "Web"})'
    ),
    Rule.MAIN_BRANCH_ALONE: (
        "'mainBranch' combines only with 'consumer' (it always means the latest main-branch pact)"
    ),
    Rule.MAIN_BRANCH_NOT_LATEST: (
        "'mainBranch' combines only with 'consumer' (it always means the latest main-branch pact)"
    ),
    Rule.MATCHING_BRANCH_ALONE: (
        "'matchingBranch' combines only with 'consumer' (it takes the provider branch being verified)"
    ),
    Rule.TAG_AND_BRANCH: "give 'tag' or 'branch', not both (use two selectors to select both)",
    Rule.BRANCH_WITH_ENVIRONMENT: "",  # names the keys: see _message
    Rule.BRANCH_NOT_LATEST: "'branch' always selects the latest pact of the branch; leave out 'latest'",
    Rule.FALLBACK_TAG_ALONE: "'fallbackTag' needs 'tag' and 'latest': true",
    Rule.FALLBACK_BRANCH_ALONE: "'fallbackBranch' needs 'branch'",
    Rule.SEVERAL_DEPLOYMENT_KEYS: "",  # names the keys: see _message
}
_PRIORITY = list(_RULE_MESSAGES)


@dataclass(frozen=True, slots=True)
class ConsumerVersionSelector(shared.ConsumerVersionSelector):
    """One consumer version selector, refused on construction if the broker would refuse it."""

    def __post_init__(self) -> None:
        problem = _problem(self.to_json())
        if problem is not None:
            raise SelectorError(f"{SELECTOR_OPTION} {json.dumps(self.to_json())}: {problem}")

    def pact_python_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of pact-python's ``BrokerSelectorBuilder.consumer_version``."""
        return {SELECTOR_KEYS[key]: value for key, value in self.to_json().items()}

    def with_consumer(self, consumer: str) -> ConsumerVersionSelector:
        """This selector restricted to one consumer."""
        return selector_from_json({**self.to_json(), "consumer": consumer})


def selector_from_json(
    value: Any, *, option: str = SELECTOR_OPTION, text: str | None = None
) -> ConsumerVersionSelector:
    """A selector from its decoded JSON object, checked key by key and against the broker's rules."""
    shown = text if text is not None else json.dumps(value)
    if not isinstance(value, dict) or not value:
        raise SelectorError(
            f"{option} {shown!r} must be a non-empty JSON object, "
            'such as \'{"branch": "main"}\' or \'{"deployedOrReleased": true}\''
        )
    for key, item in value.items():
        if key not in SELECTOR_KEYS:
            raise SelectorError(f"{option}: unknown key {key!r}; known keys: {', '.join(SELECTOR_KEYS)}")
        if key in _BOOLEAN_KEYS:
            if not isinstance(item, bool):
                raise SelectorError(f"{option}: {key!r} must be true or false, not {item!r}")
            if key in TRUE_ONLY_KEYS and item is not True:
                raise SelectorError(f"{option}: {key!r} can only be true (leave it out)")
        elif not isinstance(item, str) or not item.strip():
            raise SelectorError(f"{option}: {key!r} must be a non-empty string, not {item!r}")
    problem = _problem(value)
    if problem is not None:
        raise SelectorError(f"{option} {shown}: {problem}")
    return ConsumerVersionSelector(**{SELECTOR_KEYS[key]: item for key, item in value.items()})


def parse_selector(text: str, *, option: str = SELECTOR_OPTION) -> ConsumerVersionSelector:
    """A selector from its command-line form: a JSON object such as ``{"branch": "main"}``."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SelectorError(
            f"{option} {text!r} is not JSON ({exc.msg} at column {exc.colno}); "
            "give an object such as '{\"mainBranch\": true}'"
        ) from exc
    return selector_from_json(value, option=option, text=text)


def _problem(selector: dict[str, Any]) -> str | None:
    """What the Pact Broker would refuse in this selector (its 400 validation rules), with the fix."""
    for key in TRUE_ONLY_KEYS:
        if key in selector and selector[key] is not True:
            return f"{key!r} can only be true (leave it out)"
    for key in STRING_KEYS:
        if key in selector and (not isinstance(selector[key], str) or not selector[key].strip()):
            return f"{key!r} must be a non-empty string"
    broken = shared.rule_violations(selector, selector.get("latest"))
    if not broken:
        return None
    return _message(min(broken, key=_PRIORITY.index), set(selector))


def _message(rule: Rule, keys: set[str]) -> str:
    if rule is Rule.BRANCH_WITH_ENVIRONMENT:
        branch_keys = ", ".join(sorted(keys & set(shared.BRANCH_KEYS)))
        environment_keys = ", ".join(sorted(keys & set(shared.ENVIRONMENT_KEYS)))
        return (
            f"branch/tag keys ({branch_keys}) cannot be mixed with "
            f"environment keys ({environment_keys}); use two selectors"
        )
    if rule is Rule.SEVERAL_DEPLOYMENT_KEYS:
        exclusive = ", ".join(sorted(keys & set(shared.DEPLOYMENT_KEYS)))
        return f"give only one of {exclusive} (use deployedOrReleased for both)"
    return _RULE_MESSAGES[rule]
