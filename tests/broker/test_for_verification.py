"""Pacts for verification at service level: every selector, fallbacks, defaults, pending and WIP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from broker.db import Database
from broker.errors import NotFound, ValidationFailed
from broker.services.for_verification import PactsForVerification, pacts_for_verification
from broker.services.pact_metadata import decode_metadata
from broker.services.verification_selectors import parse_request
from tests.broker.scenario import Scenario


@pytest.fixture
def scenario(tmp_path: Path) -> Iterator[Scenario]:
    db = Database(f"sqlite:///{tmp_path / 'fv.db'}")
    db.migrate()
    yield Scenario(db)
    db.dispose()


@pytest.fixture
def any_db_scenario(database_url: str) -> Iterator[Scenario]:
    db = Database(database_url)
    db.migrate()
    yield Scenario(db)
    db.dispose()


def fetch(scenario: Scenario, provider: str = "Api", **body: Any) -> PactsForVerification:
    request = parse_request(body)
    return scenario.db.read(
        lambda session: pacts_for_verification(session, provider=provider, request=request)
    )


def summary(result: PactsForVerification) -> list[tuple[str, str, str]]:
    """(consumer, latest consumer version, short description) per pact."""
    from broker.services.verification_notices import short_descriptions

    return [(p.consumer, p.consumer_version_number, short_descriptions(p.reasons)) for p in result.pacts]


@pytest.fixture
def two_consumers(scenario: Scenario) -> Scenario:
    """Web: main 1 -> 2 (content a, b), feat-x 3 (c), tagged prod on 1; Mobile: master m1, tagged prod."""
    s = scenario
    s.pacticipant("Web", "main")
    s.pacticipant("Mobile", "master")
    s.pacticipant("Api", "main")
    s.pact("Web", "1", "Api", content="a", branch="main", tags=("prod",))
    s.pact("Web", "2", "Api", content="b", branch="main")
    s.pact("Web", "3", "Api", content="c", branch="feat-x", tags=("feat",))
    s.pact("Mobile", "m1", "Api", content="m", branch="master", tags=("prod",))
    s.pact("Web", "9", "Other", content="z", branch="main")  # another provider: never selected
    return s


def test_main_branch_selects_each_consumers_main_branch_head(two_consumers: Scenario) -> None:
    result = fetch(two_consumers, consumerVersionSelectors=[{"mainBranch": True}])
    assert summary(result) == [
        ("Mobile", "m1", "latest from branch master"),
        ("Web", "2", "latest from branch main"),
    ]


def test_branch_selector_and_consumer_restriction(two_consumers: Scenario) -> None:
    result = fetch(two_consumers, consumerVersionSelectors=[{"branch": "feat-x"}])
    assert summary(result) == [("Web", "3", "latest from branch feat-x")]
    result = fetch(two_consumers, consumerVersionSelectors=[{"branch": "main", "consumer": "Mobile"}])
    assert summary(result) == []


def test_fallback_branch_is_used_only_when_the_branch_has_no_pact(two_consumers: Scenario) -> None:
    result = fetch(two_consumers, consumerVersionSelectors=[{"branch": "feat-y", "fallbackBranch": "main"}])
    assert summary(result) == [("Web", "2", "latest from branch main")]
    assert result.pacts[0].reasons[0].fallback_branch == "main"
    result = fetch(two_consumers, consumerVersionSelectors=[{"branch": "feat-x", "fallbackBranch": "main"}])
    assert summary(result) == [("Web", "3", "latest from branch feat-x")]


def test_matching_branch_uses_the_provider_branch(two_consumers: Scenario) -> None:
    result = fetch(
        two_consumers, consumerVersionSelectors=[{"matchingBranch": True}], providerVersionBranch="feat-x"
    )
    assert summary(result) == [("Web", "3", "latest from branch feat-x")]


def test_latest_tag_all_tag_and_fallback_tag(two_consumers: Scenario) -> None:
    s = two_consumers
    s.pact("Web", "4", "Api", content="d", tags=("prod",))
    latest = fetch(s, consumerVersionSelectors=[{"tag": "prod", "latest": True}])
    assert summary(latest) == [("Mobile", "m1", "latest with tag prod"), ("Web", "4", "latest with tag prod")]
    everything = fetch(s, consumerVersionSelectors=[{"tag": "prod"}])
    assert summary(everything) == [
        ("Mobile", "m1", "one of prod"),
        ("Web", "1", "one of prod"),
        ("Web", "4", "one of prod"),
    ]
    one_consumer = fetch(s, consumerVersionSelectors=[{"tag": "prod", "consumer": "Web"}])
    assert [d for _, _, d in summary(one_consumer)] == ["one of Web prod", "one of Web prod"]
    fallback = fetch(s, consumerVersionSelectors=[{"tag": "nope", "latest": True, "fallbackTag": "feat"}])
    assert summary(fallback) == [("Web", "3", "latest with tag feat")]


def test_overall_latest_per_consumer(two_consumers: Scenario) -> None:
    result = fetch(two_consumers, consumerVersionSelectors=[{"latest": True}])
    assert summary(result) == [("Mobile", "m1", "latest"), ("Web", "3", "latest")]


def test_deployed_released_environment_and_deployed_or_released(two_consumers: Scenario) -> None:
    s = two_consumers
    s.environment("test")
    s.environment("prod", production=True)
    s.deploy("Web", "1", "prod")
    s.deploy("Web", "2", "test")
    s.release("Mobile", "m1", "prod")
    assert summary(fetch(s, consumerVersionSelectors=[{"deployed": True}])) == [
        ("Web", "1", "deployed to prod"),
        ("Web", "2", "deployed to test"),
    ]
    assert summary(fetch(s, consumerVersionSelectors=[{"deployed": True, "environment": "prod"}])) == [
        ("Web", "1", "deployed to prod")
    ]
    assert summary(fetch(s, consumerVersionSelectors=[{"released": True}])) == [
        ("Mobile", "m1", "released in prod")
    ]
    assert summary(fetch(s, consumerVersionSelectors=[{"environment": "prod"}])) == [
        ("Mobile", "m1", "released in prod"),
        ("Web", "1", "deployed to prod"),
    ]
    both = fetch(s, consumerVersionSelectors=[{"deployedOrReleased": True}])
    assert len(both.pacts) == 3
    # undeploying removes it from the selection
    s.deploy("Web", "2", "prod")
    assert summary(fetch(s, consumerVersionSelectors=[{"deployed": True, "environment": "prod"}])) == [
        ("Web", "2", "deployed to prod")
    ]


def test_unknown_environment_is_a_400_naming_the_selector(two_consumers: Scenario) -> None:
    with pytest.raises(ValidationFailed, match=r"No environment found with name 'nowhere' \(at index 0\)"):
        fetch(two_consumers, consumerVersionSelectors=[{"environment": "nowhere"}])


def test_same_content_from_several_selectors_is_one_entry_naming_every_reason(
    two_consumers: Scenario,
) -> None:
    s = two_consumers
    s.pact("Web", "5", "Api", content="b", branch="main", tags=("prod",))  # same content as Web 2
    result = fetch(s, consumerVersionSelectors=[{"mainBranch": True}, {"tag": "prod", "latest": True}])
    web = [p for p in result.pacts if p.consumer == "Web"]
    assert len(web) == 1
    assert web[0].consumer_version_number == "5"
    assert summary(result)[-1] == ("Web", "5", "latest from branch main, latest with tag prod")
    metadata = decode_metadata(web[0].metadata)
    assert {m.branch for m in metadata.selectors} == {"main", None}
    assert metadata.consumer_version_ids  # the verification result will know which versions it covers


def test_default_selectors_main_branch_else_latest_plus_deployed(two_consumers: Scenario) -> None:
    s = two_consumers
    s.pacticipant("NoMain")
    s.pact("NoMain", "n1", "Api", content="n1")
    s.pact("NoMain", "n2", "Api", content="n2")
    s.environment("prod")
    s.deploy("Web", "1", "prod")
    assert summary(fetch(s)) == [
        ("Mobile", "m1", "latest from branch master"),
        ("NoMain", "n2", "latest"),
        ("Web", "1", "deployed to prod"),
        ("Web", "2", "latest from branch main"),
    ]


def test_unknown_provider_is_404(scenario: Scenario) -> None:
    with pytest.raises(NotFound, match="No provider with name 'Nope' found"):
        fetch(scenario, provider="Nope")


def test_pending_follows_successful_verifications_from_the_provider_branch(any_db_scenario: Scenario) -> None:
    s = any_db_scenario
    s.pacticipant("Web", "main")
    sha = s.pact("Web", "1", "Api", content="a", branch="main")
    body = {
        "consumerVersionSelectors": [{"mainBranch": True}],
        "providerVersionBranch": "main",
        "includePendingStatus": True,
    }
    first = fetch(s, **body).pacts[0]
    assert first.pending is not None
    assert first.pending.pending
    s.verify("Web", "Api", sha, "p1", success=False, branch="main")
    assert fetch(s, **body).pacts[0].pending.pending  # type: ignore[union-attr]
    s.verify("Web", "Api", sha, "p2", success=True, branch="main")
    assert not fetch(s, **body).pacts[0].pending.pending  # type: ignore[union-attr]
    # a new provider branch created after main verified it inherits "not pending"
    feature = fetch(s, **{**body, "providerVersionBranch": "feat-new"}).pacts[0]
    assert feature.pending is not None
    assert not feature.pending.pending


def test_pending_for_a_branch_that_existed_before_the_verification(scenario: Scenario) -> None:
    s = scenario
    s.pacticipant("Web", "main")
    s.version("Api", "old", branch="feat-old")  # the provider branch exists already
    sha = s.pact("Web", "1", "Api", content="a", branch="main")
    s.verify("Web", "Api", sha, "p1", success=True, branch="main")
    body = {"consumerVersionSelectors": [{"mainBranch": True}], "includePendingStatus": True}
    assert fetch(s, **body, providerVersionBranch="feat-old").pacts[0].pending.pending  # type: ignore[union-attr]
    assert not fetch(s, **body, providerVersionBranch="main").pacts[0].pending.pending  # type: ignore[union-attr]


def test_pending_with_tags_and_without_branch_or_tags(scenario: Scenario) -> None:
    s = scenario
    s.pacticipant("Web", "main")
    s.version("Api", "t0", tags=("dev",))
    sha = s.pact("Web", "1", "Api", content="a", branch="main")
    body = {"consumerVersionSelectors": [{"mainBranch": True}], "includePendingStatus": True}
    assert fetch(s, **body).pacts[0].pending.pending  # type: ignore[union-attr]
    s.verify("Web", "Api", sha, "p1", success=True, tags=("prod",))
    assert not fetch(s, **body).pacts[0].pending.pending  # type: ignore[union-attr]
    tagged = fetch(s, **body, providerVersionTags=["prod", "dev"]).pacts[0].pending
    assert tagged is not None
    assert tagged.pending
    assert tagged.pending_tags == ("dev",)


def test_pending_status_is_left_out_unless_asked_for(scenario: Scenario) -> None:
    s = scenario
    s.pacticipant("Web", "main")
    s.pact("Web", "1", "Api", content="a", branch="main")
    result = fetch(s, consumerVersionSelectors=[{"mainBranch": True}], includePendingStatus=False)
    assert result.pacts[0].pending is None


def test_wip_pacts_are_unverified_branch_heads_published_since_the_date(any_db_scenario: Scenario) -> None:
    s = any_db_scenario
    s.pacticipant("Web", "main")
    s.pact("Web", "1", "Api", content="a", branch="main")
    s.pact("Web", "2", "Api", content="b", branch="feat-x")
    s.pact("Web", "3", "Api", content="c", branch="feat-y")
    s.pact("Web", "4", "Api", content="d", branch="feat-y")  # feat-y's head
    sha_z = s.pact("Web", "5", "Api", content="e", branch="feat-z")
    s.verify("Web", "Api", sha_z, "p1", success=True, branch="main")  # verified: not WIP
    body: dict[str, Any] = {
        "consumerVersionSelectors": [{"mainBranch": True}],
        "providerVersionBranch": "main",
        "includePendingStatus": True,
        "includeWipPactsSince": "2020-01-01",
    }
    result = fetch(s, **body)
    assert [(p.consumer_version_number, p.wip) for p in result.pacts] == [
        ("1", False),
        ("2", True),
        ("4", True),
    ]
    wip = result.pacts[1]
    assert wip.pending is not None
    assert wip.pending.pending
    assert decode_metadata(wip.metadata).wip
    # the date filters out older publications
    later = fetch(s, **{**body, "includeWipPactsSince": "2999-01-01"})
    assert [p.wip for p in later.pacts] == [False]
    # without a provider branch or tags there are no WIP pacts
    no_branch = {k: v for k, v in body.items() if k != "providerVersionBranch"}
    assert [p.wip for p in fetch(s, **no_branch).pacts] == [False]


def test_wip_verification_does_not_take_a_pact_out_of_wip(scenario: Scenario) -> None:
    s = scenario
    s.pacticipant("Web", "main")
    s.pact("Web", "1", "Api", content="a", branch="main")
    sha = s.pact("Web", "2", "Api", content="b", branch="feat-x")
    s.verify("Web", "Api", sha, "p1", success=True, branch="main", wip=True)
    body: dict[str, Any] = {
        "consumerVersionSelectors": [{"mainBranch": True}],
        "providerVersionBranch": "main",
        "includeWipPactsSince": "2020-01-01",
    }
    assert [p.wip for p in fetch(s, **body).pacts] == [False, True]
    s.verify("Web", "Api", sha, "p2", success=True, branch="main")
    assert [p.wip for p in fetch(s, **body).pacts] == [False]


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        ({}, "must specify a value for environment or tag or branch"),
        ({"mainBranch": True, "tag": "x"}, "cannot specify mainBranch=true with any other criteria"),
        ({"matchingBranch": True, "consumer": "Web"}, "matchingBranch=true requires providerVersionBranch"),
        ({"tag": "x", "branch": "y"}, "cannot specify both a tag and a branch"),
        ({"branch": "main", "environment": "prod"}, "cannot specify any of latest, tag"),
        ({"tag": "x", "fallbackTag": "y"}, "fallbackTag can only be set if tag is set and latest=true"),
        ({"fallbackBranch": "main", "consumer": "Web"}, "fallbackBranch can only be set if branch is set"),
        ({"deployed": True, "released": True}, "cannot specify more than one of deployed, released"),
        ({"deployed": False}, "deployed can only be set to true"),
        ({"branch": "main", "latest": False}, "cannot specify a branch with latest=false"),
        ({"tag": "  "}, "tag must be a non-blank string"),
        ({"colour": "red", "latest": True}, "unknown key(s) colour"),
    ],
)
def test_invalid_selectors_are_rejected_with_their_index(selector: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_request({"consumerVersionSelectors": [{"latest": True}, selector]})
    messages = caught.value.errors["consumerVersionSelectors"]
    assert any(message in m for m in messages), messages
    assert any("(at index 1)" in m for m in messages)


def test_invalid_request_fields() -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_request(
            {
                "includeWipPactsSince": "yesterday-ish",
                "providerVersionTags": "main",
                "includePendingStatus": "maybe",
            }
        )
    assert set(caught.value.errors) == {"includeWipPactsSince", "providerVersionTags", "includePendingStatus"}
    with pytest.raises(ValidationFailed, match="cannot be blank"):
        parse_request({"providerVersionBranch": "  "})
