"""The Pact Broker's selector rules, shared by the broker (400s) and the client (refused before sending)."""

from __future__ import annotations

import pytest

from contracts.selectors import ConsumerVersionSelector, Rule, rule_violations


@pytest.mark.parametrize(
    ("present", "latest", "broken"),
    [
        ({"mainBranch"}, None, []),
        ({"consumer"}, None, [Rule.SELECTS_NOTHING]),
        ({"mainBranch", "tag", "latest"}, False, [Rule.MAIN_BRANCH_ALONE, Rule.MAIN_BRANCH_NOT_LATEST]),
        ({"branch", "latest", "environment"}, False, [Rule.BRANCH_NOT_LATEST, Rule.BRANCH_WITH_ENVIRONMENT]),
        ({"tag", "fallbackTag"}, None, [Rule.FALLBACK_TAG_ALONE]),
        ({"tag", "fallbackTag", "latest"}, True, []),
        ({"deployed", "released"}, None, [Rule.SEVERAL_DEPLOYMENT_KEYS]),
    ],
)
def test_rule_violations_in_the_brokers_order(
    present: set[str], latest: bool | None, broken: list[Rule]
) -> None:
    assert rule_violations(present, latest) == broken


def test_the_json_form_leaves_out_unset_fields_but_keeps_latest_false() -> None:
    selector = ConsumerVersionSelector(branch="main", latest=False, consumer="Web")
    assert selector.to_json() == {"branch": "main", "latest": False, "consumer": "Web"}
    assert ConsumerVersionSelector(deployed_or_released=True).describe() == '{"deployedOrReleased": true}'
