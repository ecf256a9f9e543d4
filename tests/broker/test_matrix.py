"""The matrix and can-i-deploy at service level: decisions, reasons, counts, latestby, ignore, can-i-merge."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from broker.db import Database
from broker.errors import ValidationFailed
from broker.nested_query import parse_nested_query
from broker.services.matrix import MatrixResult, evaluate_matrix
from broker.services.matrix_query import parse_can_i_deploy_query, parse_matrix_query, shortcut_query
from tests.broker.scenario import Scenario


@pytest.fixture
def scenario(tmp_path: Path) -> Iterator[Scenario]:
    db = Database(f"sqlite:///{tmp_path / 'matrix.db'}")
    db.migrate()
    yield Scenario(db)
    db.dispose()


@pytest.fixture
def any_db_scenario(database_url: str) -> Iterator[Scenario]:
    db = Database(database_url)
    db.migrate()
    yield Scenario(db)
    db.dispose()


def matrix(scenario: Scenario, query: str) -> MatrixResult:
    parsed = parse_matrix_query(parse_nested_query(query))
    return scenario.db.read(lambda session: evaluate_matrix(session, parsed))


def to_prod(pacticipant: str, version: str) -> str:
    return f"q[][pacticipant]={pacticipant}&q[][version]={version}&latestby=cvpv&environment=prod"


@pytest.fixture
def web_and_api(scenario: Scenario) -> tuple[Scenario, str]:
    s = scenario
    s.pacticipant("Web", "main")
    s.pacticipant("Api", "main")
    s.environment("prod", production=True)
    sha = s.pact("Web", "1", "Api", content="a", branch="main")
    return s, sha


def test_consumer_to_prod_is_unknown_until_the_deployed_provider_verified_it(
    any_db_scenario: Scenario,
) -> None:
    s = any_db_scenario
    s.pacticipant("Web", "main")
    s.environment("prod", production=True)
    sha = s.pact("Web", "1", "Api", content="a", branch="main")
    result = matrix(s, to_prod("Web", "1"))
    assert result.deployable is None
    assert result.counts == {"success": 0, "failed": 0, "unknown": 1}
    assert result.reasons == [
        "There is no verified pact between version 1 of Web and a version of Api currently in prod "
        "(no version is currently recorded as deployed/released in this environment)"
    ]
    s.verify("Web", "Api", sha, "10", branch="main")
    s.deploy("Api", "10", "prod")
    result = matrix(s, to_prod("Web", "1"))
    assert result.deployable is True
    assert result.counts == {"success": 1, "failed": 0, "unknown": 0}
    assert result.reasons == ["All required verification results are published and successful"]
    assert result.notices == [
        {"type": "success", "text": "All required verification results are published and successful"}
    ]
    [row] = result.rows
    assert (row.consumer_version, row.provider_version, row.success) == ("1", "10", True)


def test_a_failed_verification_says_no_with_the_reason(web_and_api: tuple[Scenario, str]) -> None:
    s, sha = web_and_api
    s.verify("Web", "Api", sha, "10", success=False)
    s.deploy("Api", "10", "prod")
    result = matrix(s, to_prod("Web", "1"))
    assert result.deployable is False
    assert result.counts == {"success": 0, "failed": 1, "unknown": 0}
    assert result.reasons == [
        "The verification for the pact between version 1 of Web and the version of Api currently in prod (10) failed"
    ]
    assert result.notices[0]["type"] == "error"


def test_provider_can_deploy_when_it_verified_the_consumer_in_prod(web_and_api: tuple[Scenario, str]) -> None:
    s, sha = web_and_api
    s.pact("Web", "2", "Api", content="b", branch="main")
    s.version("Api", "10", branch="main")
    # no consumer in prod yet: nothing to break
    assert matrix(s, to_prod("Api", "10")).reasons == ["There are no missing dependencies"]
    assert matrix(s, to_prod("Api", "10")).deployable is True
    s.deploy("Web", "1", "prod")
    unknown = matrix(s, to_prod("Api", "10"))
    assert unknown.deployable is None
    assert unknown.reasons == [
        "There is no verified pact between the version of Web currently in prod (1) and version 10 of Api"
    ]
    s.verify("Web", "Api", sha, "10")
    ok = matrix(s, to_prod("Api", "10"))
    assert ok.deployable is True
    assert [(r.consumer_version, r.provider_version) for r in ok.rows] == [("1", "10")]


def test_unknown_version_says_no(web_and_api: tuple[Scenario, str]) -> None:
    s, _ = web_and_api
    result = matrix(s, to_prod("Web", "404"))
    assert result.deployable is False
    assert result.reasons == ["No pacts or verifications have been published for version 404 of Web"]
    assert result.counts == {"success": 0, "failed": 0, "unknown": 0}


def test_latestby_cvpv_keeps_every_live_provider_version_and_cvp_only_the_newest(scenario: Scenario) -> None:
    s = scenario
    s.environment("prod")
    sha = s.pact("Web", "1", "Api", content="a")
    s.verify("Web", "Api", sha, "10", success=False)
    s.verify("Web", "Api", sha, "11", success=True)
    s.deploy("Api", "10", "prod", instance="blue")
    s.deploy("Api", "11", "prod", instance="green")
    every = matrix(s, to_prod("Web", "1"))
    assert every.deployable is False  # blue still runs a provider that fails the pact (issue #903)
    assert sorted(r.provider_version or "" for r in every.rows) == ["10", "11"]
    newest = matrix(s, "q[][pacticipant]=Web&q[][version]=1&latestby=cvp&environment=prod")
    assert [r.provider_version for r in newest.rows] == ["11"]
    assert newest.deployable is True


def test_the_newest_result_per_provider_version_counts(web_and_api: tuple[Scenario, str]) -> None:
    s, sha = web_and_api
    s.verify("Web", "Api", sha, "10", success=False)
    s.deploy("Api", "10", "prod")
    assert matrix(s, to_prod("Web", "1")).deployable is False
    s.verify("Web", "Api", sha, "10", success=True)
    assert matrix(s, to_prod("Web", "1")).deployable is True


def test_ignore_turns_a_failure_into_an_ignored_row(web_and_api: tuple[Scenario, str]) -> None:
    s, sha = web_and_api
    s.deploy("Web", "1", "prod")
    s.verify("Web", "Api", sha, "11", success=False)
    assert matrix(s, to_prod("Api", "11")).deployable is False
    ignored = matrix(s, to_prod("Api", "11") + "&ignore[][pacticipant]=Web")
    assert ignored.deployable is True
    assert ignored.counts == {"success": 0, "failed": 0, "unknown": 0, "ignored": 1}
    assert ignored.rows[0].ignored
    assert ignored.reasons == [
        "There are no missing dependencies",
        "Ignoring: The verification for the pact between the version of Web currently in prod (1) "
        "and version 11 of Api failed",
    ]
    unknown_ignore = matrix(s, to_prod("Api", "11") + "&ignore[][pacticipant]=Ghost")
    assert "WARN: Cannot ignore Ghost: it is not part of this query" in unknown_ignore.reasons


def test_can_i_merge_checks_against_the_main_branch_heads(web_and_api: tuple[Scenario, str]) -> None:
    s, sha = web_and_api
    feature_sha = s.pact("Web", "2", "Api", content="b", branch="feat")
    s.verify("Web", "Api", sha, "10", branch="main")
    query = "q[][pacticipant]=Web&q[][version]=2&latestby=cvp&latest=true&mainBranch=true"
    unknown = matrix(s, query)
    assert unknown.deployable is None
    assert unknown.reasons == [
        "There is no verified pact between version 2 of Web and the latest version of Api from branch main (10)"
    ]
    s.verify("Web", "Api", feature_sha, "11", branch="feat")  # not main: still unknown
    assert matrix(s, query).deployable is None
    s.verify("Web", "Api", feature_sha, "12", branch="main")
    merged = matrix(s, query)
    assert merged.deployable is True
    assert [r.provider_version for r in merged.rows] == ["12"]
    shortcut = s.db.read(
        lambda session: evaluate_matrix(
            session, shortcut_query(pacticipant="Web", version="2", main_branch=True)
        )
    )
    assert shortcut.deployable is True


def test_two_specified_versions_and_tags(web_and_api: tuple[Scenario, str]) -> None:
    s, sha = web_and_api
    s.verify("Web", "Api", sha, "10", tags=("prod",))
    s.verify("Web", "Api", sha, "11", success=False)
    pair = "q[][pacticipant]=Web&q[][version]=1&q[][pacticipant]=Api&q[][version]={v}&latestby=cvpv"
    assert matrix(s, pair.format(v="10")).deployable is True
    failed = matrix(s, pair.format(v="11"))
    assert failed.reasons == [
        "The verification for the pact between version 1 of Web and version 11 of Api failed"
    ]
    to_tag = matrix(s, "q[][pacticipant]=Web&q[][version]=1&latestby=cvp&latest=true&tag=prod")
    assert to_tag.deployable is True
    assert [r.provider_version for r in to_tag.rows] == ["10"]


def test_single_selector_without_target_warns(web_and_api: tuple[Scenario, str]) -> None:
    s, sha = web_and_api
    s.verify("Web", "Api", sha, "10")
    result = matrix(s, "q[][pacticipant]=Web&q[][version]=1&latestby=cvp")
    assert result.deployable is True
    assert result.reasons[-1].startswith("WARN: It is recommended to specify the environment")


def test_can_i_deploy_query_form(web_and_api: tuple[Scenario, str]) -> None:
    s, sha = web_and_api
    s.verify("Web", "Api", sha, "10")
    s.deploy("Api", "10", "prod")
    query = parse_can_i_deploy_query(parse_nested_query("pacticipant=Web&version=1&environment=prod"))
    assert query.latestby == "cvpv"
    assert s.db.read(lambda session: evaluate_matrix(session, query)).deployable is True
    with pytest.raises(ValidationFailed, match="exactly one of environment=ENV or to=TAG"):
        parse_can_i_deploy_query(parse_nested_query("pacticipant=Web&version=1"))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("latestby=cvpv", "Please provide 1 or more version selectors"),
        ("q[][version]=1", "Please specify the pacticipant name for selector 1"),
        (
            "q[][pacticipant]=A&q[][version]=1&q[][latest]=true",
            "A version number and latest flag cannot both",
        ),
        ("q[][pacticipant]=A&latestby=cvx", "latestby must be one of cvpv, cvp, cp"),
        ("q[][pacticipant]=A&tag=x&environment=prod", "Please specify only one of tag, branch, environment"),
        ("q[][pacticipant]=A&latest=true&environment=prod", "Please specify either latest or environment"),
        ("q[][pacticipant]=A&limit=0", "limit must be a whole number"),
    ],
)
def test_invalid_matrix_queries(query: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_matrix_query(parse_nested_query(query))
    assert any(message in m for m in caught.value.errors["q"]), caught.value.errors


def test_unknown_pacticipant_and_environment_are_400(web_and_api: tuple[Scenario, str]) -> None:
    s, _ = web_and_api
    with pytest.raises(ValidationFailed, match="Pacticipant Nobody not found"):
        matrix(s, "q[][pacticipant]=Nobody&q[][version]=1&latestby=cvpv")
    with pytest.raises(ValidationFailed, match="Environment with name 'mars' does not exist"):
        matrix(s, "q[][pacticipant]=Web&q[][version]=1&latestby=cvpv&environment=mars")


def test_rack_query_parsing() -> None:
    parsed = parse_nested_query(
        "q[][pacticipant]=A&q[][version]=1&q[][pacticipant]=B%20C&q[]latest=true&latestby=cvpv"
        "&ignore[][pacticipant]=D&ignore[]=E&success[]=true&success[]="
    )
    assert parsed == {
        "q": [{"pacticipant": "A", "version": "1"}, {"pacticipant": "B C", "latest": "true"}],
        "latestby": "cvpv",
        "ignore": [{"pacticipant": "D"}, "E"],
        "success": ["true", ""],
    }


def test_can_i_merge_explains_a_provider_without_main_branch(scenario: Scenario) -> None:
    scenario.pact("Web", "1", "Api", content="a", branch="main")
    result = matrix(scenario, "q[][pacticipant]=Web&q[][version]=1&latestby=cvp&latest=true&mainBranch=true")
    assert result.deployable is None
    assert result.reasons == [
        "There is no verified pact between version 1 of Web and the latest version of Api from its main branch "
        "(Api has no main branch: set it with `pact broker create-or-update-pacticipant --name Api --main-branch BRANCH`)"
    ]


def test_selectors_by_branch_main_branch_and_latestby_cp(web_and_api: tuple[Scenario, str]) -> None:
    s, sha = web_and_api
    feature_sha = s.pact("Web", "2", "Api", content="b", branch="feat")
    s.verify("Web", "Api", sha, "10")
    s.verify("Web", "Api", feature_sha, "10", success=False)
    s.deploy("Api", "10", "prod")
    main = matrix(
        s, "q[][pacticipant]=Web&q[][mainBranch]=true&q[][latest]=true&latestby=cvpv&environment=prod"
    )
    assert [r.consumer_version for r in main.rows] == ["1"]
    assert main.deployable is True
    feature = matrix(
        s, "q[][pacticipant]=Web&q[][branch]=feat&q[][latest]=true&latestby=cvpv&environment=prod"
    )
    assert feature.deployable is False
    assert feature.reasons == [
        "The verification for the pact between the latest version of Web from branch feat (2) and the version "
        "of Api currently in prod (10) failed",
        "WARN: It is recommended to specify the version number (rather than the tag or branch) of the "
        "pacticipant you wish to deploy to ensure the returned result is accurate.",
    ]
    pair = matrix(s, "q[][pacticipant]=Web&q[][pacticipant]=Api&latestby=cp")
    assert [(r.consumer_version, r.provider_version) for r in pair.rows] == [("2", "10")]
    everything = matrix(s, "q[][pacticipant]=Web&q[][pacticipant]=Api")
    assert sorted((r.consumer_version, r.success) for r in everything.rows) == [("1", True), ("2", False)]
    only_failures = matrix(s, "q[][pacticipant]=Web&q[][pacticipant]=Api&success[]=false")
    assert [r.consumer_version for r in only_failures.rows] == ["2"]
