"""Consumer version selectors: which consumer versions' pacts a broker hands out for verification.

:class:`ConsumerVersionSelector` is the one typed form; :meth:`ConsumerVersionSelector.to_json` renders
it as the Pact Broker's ``POST /pacts/provider/{p}/for-verification`` expects (camelCase keys, absent
when unset) and :func:`parse_selector` reads the command-line JSON form
(``--consumer-version-selector '{"mainBranch": true}'``). Both check the broker's own rules, so a
selector the broker would refuse with a 400 is refused here first, naming the option and the fix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from typing import Any

from brokerclient.errors import SelectorError

SELECTOR_OPTION = "--consumer-version-selector"

# JSON key -> (field name, pact-python ``consumer_version`` keyword); the order is the one error messages use
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
_FIELD_KEYS = {field_name: key for key, field_name in SELECTOR_KEYS.items()}
_BOOLEAN_KEYS = ("latest", "deployedOrReleased", "deployed", "released", "mainBranch", "matchingBranch")
_TRUE_ONLY_KEYS = tuple(key for key in _BOOLEAN_KEYS if key != "latest")
_SELECTING_KEYS = (
    "mainBranch", "tag", "branch", "environment", "matchingBranch", "deployed", "released",
    "deployedOrReleased", "latest",
)  # fmt: skip
_BRANCH_KEYS = ("latest", "tag", "fallbackTag", "branch", "fallbackBranch", "matchingBranch", "mainBranch")
_ENVIRONMENT_KEYS = ("environment", "deployed", "released", "deployedOrReleased")


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

    def __post_init__(self) -> None:
        problem = _problem(self.to_json())
        if problem is not None:
            raise SelectorError(f"{SELECTOR_OPTION} {json.dumps(self.to_json())}: {problem}")

    def to_json(self) -> dict[str, Any]:
        """The selector as the broker's pacts-for-verification API takes it (``{"mainBranch": true}``)."""
        rendered: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value is None or (value is False and item.name != "latest"):
                continue
            rendered[_FIELD_KEYS[item.name]] = value
        return rendered

    def pact_python_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of pact-python's ``BrokerSelectorBuilder.consumer_version``."""
        return {SELECTOR_KEYS[key]: value for key, value in self.to_json().items()}

    def with_consumer(self, consumer: str) -> ConsumerVersionSelector:
        """This selector restricted to one consumer."""
        return selector_from_json({**self.to_json(), "consumer": consumer})

    def describe(self) -> str:
        return json.dumps(self.to_json(), sort_keys=True)


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
            if key in _TRUE_ONLY_KEYS and item is not True:
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
    keys = set(selector)
    for key in _TRUE_ONLY_KEYS:
        if key in selector and selector[key] is not True:
            return f"{key!r} can only be true (leave it out)"
    for key in ("branch", "fallbackBranch", "tag", "fallbackTag", "environment", "consumer"):
        if key in selector and (not isinstance(selector[key], str) or not selector[key].strip()):
            return f"{key!r} must be a non-empty string"
    if not keys & set(_SELECTING_KEYS):
        return (
            "selects nothing; give one of "
            + ", ".join(_SELECTING_KEYS)
            + ' (for example {"mainBranch": true, "consumer": "Web"})'
        )
    if "mainBranch" in keys and (
        keys - {"mainBranch", "consumer", "latest"} or selector.get("latest") is False
    ):
        return "'mainBranch' combines only with 'consumer' (it always means the latest main-branch pact)"
    if "matchingBranch" in keys and keys - {"matchingBranch", "consumer"}:
        return "'matchingBranch' combines only with 'consumer' (it takes the provider branch being verified)"
    if "tag" in keys and "branch" in keys:
        return "give 'tag' or 'branch', not both (use two selectors to select both)"
    if keys & set(_BRANCH_KEYS) and keys & set(_ENVIRONMENT_KEYS):
        return (
            "branch/tag keys (" + ", ".join(sorted(keys & set(_BRANCH_KEYS))) + ") cannot be mixed with "
            "environment keys (" + ", ".join(sorted(keys & set(_ENVIRONMENT_KEYS))) + "); use two selectors"
        )
    if "branch" in keys and selector.get("latest") is False:
        return "'branch' always selects the latest pact of the branch; leave out 'latest'"
    if "fallbackTag" in keys and ("tag" not in keys or selector.get("latest") is not True):
        return "'fallbackTag' needs 'tag' and 'latest': true"
    if "fallbackBranch" in keys and "branch" not in keys:
        return "'fallbackBranch' needs 'branch'"
    exclusive = keys & {"deployed", "released", "deployedOrReleased"}
    if len(exclusive) > 1:
        return f"give only one of {', '.join(sorted(exclusive))} (use deployedOrReleased for both)"
    return None
