"""HTTP API of environments, deployments and releases: HAL bodies, headers, errors and stored state."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from broker.services import environments as service
from tests.broker.conftest import LocalBroker
from tests.broker.scenario import Scenario

HAL = "application/hal+json;charset=utf-8"


@pytest.fixture
def http(local_broker: LocalBroker) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=local_broker.url, headers={"Accept": "application/hal+json"}) as client:
        yield client


def test_environment_crud(local_broker: LocalBroker, http: httpx.Client) -> None:
    base = local_broker.url
    body = {
        "name": "production",
        "displayName": "Production",
        "production": True,
        "contacts": [{"name": "Team A", "details": {"emailAddress": "a@example.com"}}],
    }
    created = http.post("/environments", json=body)
    assert created.status_code == 201, created.text
    assert created.headers["content-type"] == HAL
    env = created.json()
    assert created.headers["location"] == f"{base}/environments/{env['uuid']}"
    assert {k: env[k] for k in ("name", "displayName", "production", "contacts")} == body
    assert env["_links"]["self"] == {
        "href": f"{base}/environments/{env['uuid']}",
        "title": "Environment",
        "name": "production",
    }
    assert env["_links"]["pb:currently-deployed-deployed-versions"]["href"] == (
        f"{base}/environments/{env['uuid']}/deployed-versions/currently-deployed"
    )
    assert env["_links"]["pb:currently-supported-released-versions"]["href"].endswith(
        "/released-versions/currently-supported"
    )
    stored = local_broker.db.read(lambda s: service.get_environment(s, env["uuid"]))
    assert (stored.name, stored.production, stored.display_name) == ("production", True, "Production")

    http.post("/environments", json={"name": "test", "production": False})
    listed = http.get("/environments").json()
    assert [e["name"] for e in listed["_embedded"]["environments"]] == ["production", "test"]
    assert [link["name"] for link in listed["_links"]["pb:environments"]] == ["production", "test"]
    assert [
        e["name"]
        for e in http.get("/environments", params={"name": "test"}).json()["_embedded"]["environments"]
    ] == ["test"]
    assert listed["_embedded"]["environments"][1]["displayName"] == "test"  # defaults to the name

    replaced = http.put(f"/environments/{env['uuid']}", json={"name": "prod", "production": True})
    assert replaced.status_code == 200
    assert (replaced.json()["name"], replaced.json()["displayName"]) == ("prod", "prod")
    assert http.delete(f"/environments/{env['uuid']}").status_code == 204
    missing = http.get(f"/environments/{env['uuid']}")
    assert missing.status_code == 404
    assert missing.json() == {"errors": {"uuid": [f"No environment with uuid '{env['uuid']}' found"]}}


@pytest.mark.parametrize(
    ("body", "field", "text"),
    [
        ({"production": True}, "name", "is missing"),
        ({"name": "my env", "production": True}, "name", "without spaces"),
        ({"name": "prod"}, "production", "not a boolean"),
        ({"name": "prod", "production": True, "contacts": "ops"}, "contacts", "must be an array"),
    ],
)
def test_invalid_environments_are_400(
    http: httpx.Client, body: dict[str, object], field: str, text: str
) -> None:
    response = http.post("/environments", json=body)
    assert response.status_code == 400
    assert text in response.json()["errors"][field][0]


def test_duplicate_environment_name_is_rejected(http: httpx.Client) -> None:
    first = http.post("/environments", json={"name": "prod", "production": True}).json()
    again = http.post("/environments", json={"name": "prod", "production": False})
    assert again.status_code == 400
    assert again.json()["errors"]["name"] == [
        f"Another environment with name 'prod' already exists ({first['uuid']})"
    ]


def test_deployments_replace_each_other_per_application_instance(
    local_broker: LocalBroker, http: httpx.Client
) -> None:
    base = local_broker.url
    scenario = Scenario(local_broker.db)
    for number in ("1", "2", "3"):
        scenario.version("Web", number)
    env = http.post("/environments", json={"name": "prod", "production": True}).json()
    version = http.get("/pacticipants/Web/versions/1").json()
    [record_link] = version["_links"]["pb:record-deployment"]
    assert record_link["name"] == "prod"
    assert (
        record_link["href"]
        == f"{base}/pacticipants/Web/versions/1/deployed-versions/environment/{env['uuid']}"
    )

    first = http.post(record_link["href"], json={"applicationInstance": "blue", "target": "blue"})
    assert first.status_code == 201, first.text
    deployed = first.json()
    assert first.headers["location"] == f"{base}/deployed-versions/{deployed['uuid']}"
    assert {
        k: deployed[k] for k in ("currentlyDeployed", "applicationInstance", "target", "undeployedAt")
    } == {
        "currentlyDeployed": True,
        "applicationInstance": "blue",
        "target": "blue",
        "undeployedAt": None,
    }
    assert deployed["_embedded"]["pacticipant"]["name"] == "Web"
    assert deployed["_embedded"]["version"]["number"] == "1"
    assert deployed["_embedded"]["environment"]["name"] == "prod"
    same_again = http.post(record_link["href"], json={"applicationInstance": "blue"})
    assert same_again.json()["uuid"] == deployed["uuid"]  # already deployed there: the same record
    env_path = f"/environments/{env['uuid']}"
    http.post(f"/pacticipants/Web/versions/2/deployed-versions/environment/{env['uuid']}", json={})
    http.post(
        f"/pacticipants/Web/versions/3/deployed-versions/environment/{env['uuid']}",
        json={"applicationInstance": "blue"},
    )
    current = http.get(
        f"{env_path}/deployed-versions/currently-deployed", params={"pacticipant": "Web"}
    ).json()
    assert sorted(
        (d["_embedded"]["version"]["number"], d["applicationInstance"])
        for d in current["_embedded"]["deployedVersions"]
    ) == [("2", None), ("3", "blue")]
    blue_only = http.get(
        f"{env_path}/deployed-versions/currently-deployed", params={"applicationInstance": "blue"}
    )
    assert [
        d["_embedded"]["version"]["number"] for d in blue_only.json()["_embedded"]["deployedVersions"]
    ] == ["3"]
    replaced = http.get(f"/deployed-versions/{deployed['uuid']}").json()
    assert replaced["currentlyDeployed"] is False
    assert replaced["undeployedAt"] is not None

    # record-undeployment, as the CLI sends it
    [three] = blue_only.json()["_embedded"]["deployedVersions"]
    patched = http.patch(
        three["_links"]["self"]["href"],
        content=b'{"currentlyDeployed": false}',
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["currentlyDeployed"] is False
    back = http.patch(three["_links"]["self"]["href"], json={"currentlyDeployed": True})
    assert back.status_code == 422
    assert "cannot be set back to true" in back.json()["errors"]["currentlyDeployed"][0]
    stored = local_broker.db.read(lambda s: service.current_deployments(s, "deployed", env["uuid"]))
    assert [(r.version, r.application_instance) for r in stored] == [("2", None)]


def test_releases_are_supported_until_support_ends(local_broker: LocalBroker, http: httpx.Client) -> None:
    Scenario(local_broker.db).version("Mobile", "7.0")
    Scenario(local_broker.db).version("Mobile", "7.1")
    env = http.post("/environments", json={"name": "store", "production": True}).json()
    url = f"/pacticipants/Mobile/versions/7.0/released-versions/environment/{env['uuid']}"
    created = http.post(url, json={})
    assert created.status_code == 201
    assert created.json()["currentlySupported"] is True
    assert http.post(url, json={}).status_code == 200  # already released
    http.post(f"/pacticipants/Mobile/versions/7.1/released-versions/environment/{env['uuid']}", json={})
    supported = http.get(f"/environments/{env['uuid']}/released-versions/currently-supported").json()
    assert sorted(
        r["_embedded"]["version"]["number"] for r in supported["_embedded"]["releasedVersions"]
    ) == ["7.0", "7.1"]
    ended = http.patch(created.json()["_links"]["self"]["href"], json={"currentlySupported": False})
    assert ended.status_code == 200
    assert ended.json()["currentlySupported"] is False
    assert ended.json()["supportEndedAt"] is not None
    only = http.get(
        f"/environments/{env['uuid']}/released-versions/currently-supported",
        params={"pacticipant": "Mobile", "version": "7.1"},
    ).json()
    assert [r["_embedded"]["version"]["number"] for r in only["_embedded"]["releasedVersions"]] == ["7.1"]
    listed = http.get(url).json()
    assert [r["currentlySupported"] for r in listed["_embedded"]["releasedVersions"]] == [False]


def test_unknown_version_or_environment_is_404(local_broker: LocalBroker, http: httpx.Client) -> None:
    Scenario(local_broker.db).version("Web", "1")
    env = http.post("/environments", json={"name": "prod", "production": True}).json()
    missing_version = http.post(
        f"/pacticipants/Web/versions/9/deployed-versions/environment/{env['uuid']}", json={}
    )
    assert missing_version.status_code == 404
    assert missing_version.json()["errors"]["version"] == ["No version 9 of pacticipant 'Web' found"]
    missing_env = http.post("/pacticipants/Web/versions/1/released-versions/environment/nope", json={})
    assert missing_env.status_code == 404
    assert http.get("/deployed-versions/nope").status_code == 404


def test_over_long_names_are_400_not_database_errors(local_broker: LocalBroker, http: httpx.Client) -> None:
    Scenario(local_broker.db).version("Web", "1")
    too_long = http.post("/environments", json={"name": "prod", "production": True, "displayName": "x" * 300})
    assert too_long.status_code == 400
    assert "at most 255 characters" in too_long.json()["errors"]["displayName"][0]
    env = http.post("/environments", json={"name": "prod", "production": True}).json()
    deploy = http.post(
        f"/pacticipants/Web/versions/1/deployed-versions/environment/{env['uuid']}",
        json={"applicationInstance": "i" * 300},
    )
    assert deploy.status_code == 400
    assert "applicationInstance" in deploy.json()["errors"]
