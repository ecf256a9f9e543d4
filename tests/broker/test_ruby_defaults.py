"""The Ruby broker's version defaults: ``auto_detect_main_branch`` on every branch or tag named
develop/main/master (the verifier's provider branch too, so ``can-i-merge`` works),
``use_first_tag_as_branch`` and ``create_deployed_versions_for_tags``, each switchable."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from broker.settings import BrokerSettings
from tests.broker.conftest import LocalBrokerFactory, RunningBroker
from tests.broker.test_cli_deploy_story import Cli
from tests.broker.test_publishing import make_pact, publish_body


@pytest.mark.npm
def test_a_provider_branch_from_the_verifier_sets_the_main_branch_and_can_i_merge_works(
    broker: RunningBroker, tmp_path: Path
) -> None:
    with httpx.Client(base_url=broker.url, timeout=30) as http:
        body = publish_body(make_pact(consumer="Web", provider="Api"), "1.0.0", branch="main")
        assert http.post("/contracts/publish", json=body).status_code == 200
        pact = http.get("/pacts/provider/Api/consumer/Web/version/1.0.0").json()
        # the verifier's flow: the provider branch-version first, then the result
        assert http.put("/pacticipants/Api/branches/main/versions/2.0.0", json={}).status_code == 201
        result = {"success": True, "providerApplicationVersion": "2.0.0"}
        published = http.post(pact["_links"]["pb:publish-verification-results"]["href"], json=result)
        assert published.status_code == 201, published.text
        assert http.get("/pacticipants/Api").json()["mainBranch"] == "main"
    merge = Cli(broker.url, tmp_path)("can-i-merge", "--pacticipant", "Web", "--version", "1.0.0")
    assert merge.returncode == 0, merge.stdout + merge.stderr
    assert "Computer says yes" in merge.stdout


def test_a_main_branch_candidate_tag_sets_the_main_branch(local_broker_factory: LocalBrokerFactory) -> None:
    with local_broker_factory() as broker, httpx.Client(base_url=broker.url) as http:
        assert http.put("/pacticipants/Api/versions/1/tags/feat-x").status_code == 201
        assert http.get("/pacticipants/Api").json().get("mainBranch") is None
        assert http.put("/pacticipants/Api/versions/2/tags/master").status_code == 201
        assert http.get("/pacticipants/Api").json()["mainBranch"] == "master"
        assert http.put("/pacticipants/Api/versions/3/tags/develop").status_code == 201
        assert http.get("/pacticipants/Api").json()["mainBranch"] == "master"  # only when unset
    with local_broker_factory(auto_detect_main_branch=False, database_url=_other(broker.settings)) as off:
        assert httpx.put(off.url + "/pacticipants/Api/branches/main/versions/1").status_code == 201
        assert httpx.get(off.url + "/pacticipants/Api").json().get("mainBranch") is None


def test_the_first_tag_of_a_new_version_without_a_branch_becomes_its_branch(
    local_broker_factory: LocalBrokerFactory,
) -> None:
    with local_broker_factory() as broker, httpx.Client(base_url=broker.url) as http:
        assert http.put("/pacticipants/Web/versions/1/tags/feat-x").status_code == 201
        assert http.put("/pacticipants/Web/versions/1/tags/other").status_code == 201
        assert [
            b["name"] for b in http.get("/pacticipants/Web/branches").json()["_embedded"]["branches"]
        ] == ["feat-x"]
        assert http.get("/pacticipants/Web/branches/feat-x/versions/1").status_code == 200
        assert http.put("/pacticipants/Web/branches/feat-y/versions/2").status_code == 201
        assert http.put("/pacticipants/Web/versions/2/tags/tagged").status_code == 201  # has a branch
        assert http.get("/pacticipants/Web/branches/tagged").status_code == 404
    with local_broker_factory(use_first_tag_as_branch=False, database_url=_other(broker.settings)) as off:
        assert httpx.put(off.url + "/pacticipants/Web/versions/1/tags/feat-x").status_code == 201
        assert httpx.get(off.url + "/pacticipants/Web/branches/feat-x").status_code == 404
    limit = {"use_first_tag_as_branch_time_limit": 0.0, "database_url": _other(broker.settings, "c")}
    with local_broker_factory(**limit) as old_versions:  # the version is older than the limit
        assert httpx.put(old_versions.url + "/pacticipants/Web/versions/1/tags/feat-x").status_code == 201
        assert httpx.get(old_versions.url + "/pacticipants/Web/branches/feat-x").status_code == 404


def test_a_tag_named_like_an_environment_records_a_deployment(
    local_broker_factory: LocalBrokerFactory, tmp_path: Path
) -> None:
    for enabled, expected in ((True, ["1"]), (False, [])):
        database_url = f"sqlite:///{tmp_path / f'deploy-{enabled}.db'}"
        with (
            local_broker_factory(
                create_deployed_versions_for_tags=enabled, database_url=database_url
            ) as broker,
            httpx.Client(base_url=broker.url) as http,
        ):
            env = http.post("/environments", json={"name": "production", "production": True})
            assert env.status_code == 201, env.text
            uuid = env.json()["uuid"]
            assert http.put("/pacticipants/Web/versions/1/tags/production").status_code == 201
            deployed = http.get(f"/environments/{uuid}/deployed-versions/currently-deployed").json()
            embedded = deployed["_embedded"]["deployedVersions"]
            assert [d["_embedded"]["version"]["number"] for d in embedded] == expected


def test_settings_from_the_environment() -> None:
    defaults = BrokerSettings.from_env({})
    assert (
        defaults.auto_detect_main_branch,
        defaults.use_first_tag_as_branch,
        defaults.use_first_tag_as_branch_time_limit,
        defaults.create_deployed_versions_for_tags,
        defaults.main_branch_candidates,
    ) == (True, True, 10.0, True, ("develop", "main", "master"))
    changed = BrokerSettings.from_env(
        {
            "TETHER_AUTO_DETECT_MAIN_BRANCH": "false",
            "TETHER_USE_FIRST_TAG_AS_BRANCH": "false",
            "TETHER_USE_FIRST_TAG_AS_BRANCH_TIME_LIMIT": "30",
            "TETHER_CREATE_DEPLOYED_VERSIONS_FOR_TAGS": "false",
            "TETHER_MAIN_BRANCH_CANDIDATES": "trunk,main",
        }
    )
    assert (
        changed.auto_detect_main_branch,
        changed.use_first_tag_as_branch,
        changed.use_first_tag_as_branch_time_limit,
        changed.create_deployed_versions_for_tags,
        changed.main_branch_candidates,
    ) == (False, False, 30.0, False, ("trunk", "main"))


def _other(settings: BrokerSettings, suffix: str = "b") -> str:
    return settings.database_url.replace(".db", f"-{suffix}.db")
