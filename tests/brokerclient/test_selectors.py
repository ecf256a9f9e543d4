"""Consumer version selectors: every kind parsed from the command line and rendered as the broker's
pacts-for-verification API takes it, and bad input refused with the option and the fix."""

from __future__ import annotations

import json
from typing import Any

import pytest

from brokerclient.errors import BrokerClientError, SelectorError
from brokerclient.selection import Selection
from brokerclient.selectors import ConsumerVersionSelector, parse_selector


@pytest.mark.parametrize(
    ("text", "selector"),
    [
        ('{"mainBranch": true}', ConsumerVersionSelector(main_branch=True)),
        (
            '{"mainBranch": true, "consumer": "Web"}',
            ConsumerVersionSelector(main_branch=True, consumer="Web"),
        ),
        ('{"branch": "feat/x"}', ConsumerVersionSelector(branch="feat/x")),
        (
            '{"branch": "feat/x", "fallbackBranch": "main"}',
            ConsumerVersionSelector(branch="feat/x", fallback_branch="main"),
        ),
        ('{"matchingBranch": true}', ConsumerVersionSelector(matching_branch=True)),
        ('{"tag": "prod"}', ConsumerVersionSelector(tag="prod")),
        ('{"tag": "prod", "latest": true}', ConsumerVersionSelector(tag="prod", latest=True)),
        ('{"tag": "prod", "latest": false}', ConsumerVersionSelector(tag="prod", latest=False)),
        (
            '{"tag": "prod", "latest": true, "fallbackTag": "main"}',
            ConsumerVersionSelector(tag="prod", latest=True, fallback_tag="main"),
        ),
        ('{"latest": true}', ConsumerVersionSelector(latest=True)),
        ('{"deployed": true}', ConsumerVersionSelector(deployed=True)),
        ('{"released": true}', ConsumerVersionSelector(released=True)),
        ('{"deployedOrReleased": true}', ConsumerVersionSelector(deployed_or_released=True)),
        ('{"environment": "production"}', ConsumerVersionSelector(environment="production")),
        (
            '{"deployed": true, "environment": "production", "consumer": "Web"}',
            ConsumerVersionSelector(deployed=True, environment="production", consumer="Web"),
        ),
    ],
)
def test_every_kind_parses_and_renders_back(text: str, selector: ConsumerVersionSelector) -> None:
    parsed = parse_selector(text)
    assert parsed == selector
    assert parsed.to_json() == json.loads(text)  # the broker's camelCase form, unset keys left out


def test_rendering_uses_the_broker_key_names() -> None:
    selector = ConsumerVersionSelector(tag="prod", latest=True, fallback_tag="main", consumer="Web")
    assert selector.to_json() == {"tag": "prod", "fallbackTag": "main", "latest": True, "consumer": "Web"}
    assert selector.pact_python_kwargs() == {
        "tag": "prod",
        "fallback_tag": "main",
        "latest": True,
        "consumer": "Web",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{mainBranch: true}", "--consumer-version-selector '{mainBranch: true}' is not JSON"),
        ("[]", "--consumer-version-selector '[]' must be a non-empty JSON object, such as"),
        ("{}", "--consumer-version-selector '{}' must be a non-empty JSON object"),
        (
            '{"mainbranch": true}',
            "--consumer-version-selector: unknown key 'mainbranch'; known keys: consumer,",
        ),
        ('{"deployed": false}', "--consumer-version-selector: 'deployed' can only be true (leave it out)"),
        ('{"latest": "yes"}', "--consumer-version-selector: 'latest' must be true or false, not 'yes'"),
        ('{"branch": ""}', "--consumer-version-selector: 'branch' must be a non-empty string"),
        ('{"consumer": "Web"}', "selects nothing; give one of mainBranch, tag, branch"),
        ('{"mainBranch": true, "tag": "prod"}', "'mainBranch' combines only with 'consumer'"),
        ('{"mainBranch": true, "latest": false}', "'mainBranch' combines only with 'consumer'"),
        ('{"matchingBranch": true, "latest": true}', "'matchingBranch' combines only with 'consumer'"),
        ('{"tag": "prod", "branch": "main"}', "give 'tag' or 'branch', not both (use two selectors"),
        (
            '{"branch": "main", "environment": "production"}',
            "branch/tag keys (branch) cannot be mixed with environment keys (environment); use two selectors",
        ),
        ('{"branch": "main", "latest": false}', "'branch' always selects the latest pact of the branch"),
        ('{"tag": "prod", "fallbackTag": "main"}', "'fallbackTag' needs 'tag' and 'latest': true"),
        ('{"fallbackBranch": "main", "latest": true}', "'fallbackBranch' needs 'branch'"),
        (
            '{"deployed": true, "released": true}',
            "give only one of deployed, released (use deployedOrReleased for both)",
        ),
    ],
)
def test_bad_selectors_name_the_option_and_the_fix(text: str, message: str) -> None:
    with pytest.raises(SelectorError) as raised:
        parse_selector(text)
    assert message in str(raised.value)
    assert str(raised.value).startswith("--consumer-version-selector")
    assert isinstance(raised.value, BrokerClientError)


def test_the_dataclass_refuses_what_the_broker_refuses() -> None:
    with pytest.raises(SelectorError, match="give 'tag' or 'branch', not both"):
        ConsumerVersionSelector(tag="prod", branch="main")
    with pytest.raises(SelectorError, match="selects nothing"):
        ConsumerVersionSelector()


def rendered(selection: Selection) -> list[dict[str, Any]]:
    return [selector.to_json() for selector in selection.consumer_version_selectors()]


def test_shorthand_options_build_the_same_selectors_everywhere() -> None:
    selection = Selection.from_options(
        selectors=['{"matchingBranch": true}'],
        main_branch=True,
        branches=["feat/x"],
        tags=["prod"],
        deployed_or_released=True,
    )
    assert rendered(selection) == [
        {"matchingBranch": True},
        {"mainBranch": True},
        {"branch": "feat/x"},
        {"tag": "prod", "latest": True},
        {"deployedOrReleased": True},
    ]


def test_environments_qualify_deployed_and_released() -> None:
    qualified = Selection.from_options(environments=["production", "staging"], deployed=True, released=True)
    assert rendered(qualified) == [
        {"deployed": True, "environment": "production"},
        {"released": True, "environment": "production"},
        {"deployed": True, "environment": "staging"},
        {"released": True, "environment": "staging"},
    ]
    assert rendered(Selection.from_options(environments=["production"])) == [{"environment": "production"}]


def test_consumers_restrict_each_selector_and_otherwise_filter_the_defaults() -> None:
    restricted = Selection.from_options(main_branch=True, consumers=["Web", "Orders (UI) and Reports"])
    assert rendered(restricted) == [
        {"mainBranch": True, "consumer": "Web"},
        {"mainBranch": True, "consumer": "Orders (UI) and Reports"},
    ]
    defaults = Selection.from_options(consumers=["Web"])
    assert rendered(defaults) == []  # the broker's default selectors
    assert defaults.keeps("Web")
    assert not defaults.keeps("Mobile")
    assert not defaults.selects
    assert defaults.describe() == "broker defaults, consumers Web"


@pytest.mark.parametrize("option", ["branches", "tags", "environments", "consumers"])
def test_empty_shorthand_values_name_their_option(option: str) -> None:
    name = {
        "branches": "--branch",
        "tags": "--tag",
        "environments": "--environment",
        "consumers": "--consumer",
    }
    with pytest.raises(SelectorError, match=f"^{name[option]} needs a non-empty name"):
        Selection.from_options(**{option: [" "]})
