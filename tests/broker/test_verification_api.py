"""HTTP API of pacts for verification, verification results and the matrix: HAL bodies, links the
verifiers follow, events, errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

import broker.events
from broker.events import BrokerEvent
from broker.services.pact_metadata import decode_metadata
from broker.tables.selectables import LATEST_VERIFICATION, VERIFICATION
from brokerclient.client import BrokerClient, ContractToPublish
from tests.broker.conftest import LocalBroker

HAL = "application/hal+json;charset=utf-8"


def pact(content: str) -> bytes:
    return json.dumps(
        {
            "consumer": {"name": "Web"},
            "provider": {"name": "Api"},
            "interactions": [
                {
                    "description": f"get {content}",
                    "request": {"method": "GET", "path": f"/{content}"},
                    "response": {"status": 200},
                }
            ],
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
        }
    ).encode()


@pytest.fixture
def published(local_broker: LocalBroker) -> Iterator[tuple[httpx.Client, BrokerClient]]:
    with (
        httpx.Client(base_url=local_broker.url, headers={"Accept": "application/hal+json"}) as http,
        BrokerClient(local_broker.url) as client,
    ):
        client.create_or_update_pacticipant("Web", main_branch="main")
        client.publish_contracts(
            "Web", "1", [ContractToPublish("Web", "Api", pact("a"))], branch="main", tags=["prod"]
        )
        client.publish_contracts("Web", "2", [ContractToPublish("Web", "Api", pact("b"))], branch="feat-x")
        yield http, client


@pytest.fixture
def events() -> Iterator[list[BrokerEvent]]:
    seen: list[BrokerEvent] = []

    def collect(_session: Any, event: BrokerEvent) -> None:
        seen.append(event)

    broker.events.subscribe(collect)
    yield seen
    broker.events._subscribers.remove(collect)


def test_the_verifier_flow_get_then_post(
    local_broker: LocalBroker, published: tuple[httpx.Client, BrokerClient]
) -> None:
    http, _ = published
    base = local_broker.url
    index = http.get("/").json()
    template = index["_links"]["pb:provider-pacts-for-verification"]
    assert template == {
        "href": f"{base}/pacts/provider/{{provider}}/for-verification",
        "title": "Pact versions to be verified for the specified provider",
        "templated": True,
    }
    discovered = http.get(template["href"].replace("{provider}", "Api"))
    assert discovered.status_code == 200
    assert discovered.headers["content-type"] == HAL
    self_href = discovered.json()["_links"]["self"]["href"]
    assert self_href == f"{base}/pacts/provider/Api/for-verification"
    response = http.post(
        self_href,
        json={
            "consumerVersionSelectors": [{"mainBranch": True}, {"tag": "prod", "latest": True}],
            "providerVersionBranch": "main",
            "includePendingStatus": True,
            "includeWipPactsSince": "2020-01-01",
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["_links"]["self"] == {"href": self_href, "title": "Pacts to be verified"}
    [main, wip] = body["_embedded"]["pacts"]
    assert main["shortDescription"] == "latest from branch main, latest with tag prod"
    assert main["_links"]["self"]["name"] == "Pact between Web (1) and Api"
    properties = main["verificationProperties"]
    assert properties["pending"] is True
    assert "wip" not in properties
    whens = [notice["when"] for notice in properties["notices"]]
    assert whens == [
        "before_verification",
        "before_verification",
        "after_verification:success_true_published_false",
        "after_verification:success_false_published_false",
        "after_verification:success_true_published_true",
        "after_verification:success_false_published_true",
    ]
    assert properties["notices"][0]["text"] == (
        f"The pact at {main['_links']['self']['href']} is being verified because the pact content belongs to the "
        "consumer versions matching the following criteria:\n"
        "    * latest version from branch 'main' (1)\n"
        "    * latest version tagged 'prod' (1)"
    )
    assert all(isinstance(n["text"], str) for n in properties["notices"])
    assert wip["shortDescription"] == "latest from branch feat-x"
    assert wip["verificationProperties"]["wip"] is True
    assert wip["verificationProperties"]["pending"] is True
    assert "'work in progress' pact" in wip["verificationProperties"]["notices"][0]["text"]

    # the pact URL carries metadata; the pact's publish link re-uses it
    pact_url = main["_links"]["self"]["href"]
    metadata = pact_url.rsplit("/metadata/", 1)[1]
    assert decode_metadata(metadata).pending
    fetched = http.get(pact_url)
    assert fetched.status_code == 200
    assert (
        fetched.json()["_links"]["pb:publish-verification-results"]["href"]
        == f"{pact_url}/verification-results"
    )


def test_publishing_a_verification_result(
    local_broker: LocalBroker, published: tuple[httpx.Client, BrokerClient], events: list[BrokerEvent]
) -> None:
    http, client = published
    body = http.post(
        "/pacts/provider/Api/for-verification", json={"consumerVersionSelectors": [{"mainBranch": True}]}
    )
    pact_url = body.json()["_embedded"]["pacts"][0]["_links"]["self"]["href"]
    client.add_branch_version("Api", "main", "3.0")
    client.add_tag("Api", "3.0", "prod")
    result = {
        "success": False,
        "providerApplicationVersion": "3.0",
        "buildUrl": "https://ci.example/7",
        "testResults": [{"interactionId": "x", "success": False, "mismatches": [{"attribute": "status"}]}],
        "verifiedBy": {"implementation": "Pact-Rust", "version": "1.4.7"},
    }
    response = http.post(f"{pact_url}/verification-results", json=result)
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == HAL
    created = response.json()
    sha = pact_url.split("/pact-version/")[1].split("/")[0]
    assert response.headers["location"] == created["_links"]["self"]["href"]
    assert created["_links"]["self"]["href"].startswith(
        f"{local_broker.url}/pacts/provider/Api/consumer/Web/pact-version/{sha}/verification-results/"
    )
    assert {k: created[k] for k in ("providerName", "providerApplicationVersion", "success", "buildUrl")} == {
        "providerName": "Api",
        "providerApplicationVersion": "3.0",
        "success": False,
        "buildUrl": "https://ci.example/7",
    }
    assert created["providerVersionBranch"] == "main"
    assert created["providerVersionTags"] == ["prod"]
    assert created["testResults"] == result["testResults"]
    assert created["verifiedBy"] == {"implementation": "Pact-Rust", "version": "1.4.7"}
    assert created["_links"]["pb:pact-version"]["href"].endswith(f"/pact-version/{sha}")
    again = http.get(created["_links"]["self"]["href"])
    assert again.json()["success"] is False
    assert (
        http.get(f"/pacts/provider/Api/consumer/Web/pact-version/{sha}/verification-results/latest").json()[
            "providerApplicationVersion"
        ]
        == "3.0"
    )
    rows = local_broker.db.read(
        lambda s: (
            s.connection().execute(select(VERIFICATION.c.success, VERIFICATION.c.consumer_version_ids)).all()
        )
    )
    assert len(rows) == 1
    assert rows[0][0] is False
    assert rows[0][1]  # the consumer versions named in the pact URL metadata
    latest = local_broker.db.read(
        lambda s: s.connection().execute(select(LATEST_VERIFICATION.c.success)).all()
    )
    assert [row[0] for row in latest] == [False]
    names = [
        (e.name.value, e.consumer_version, e.provider_version, e.provider_version_branch) for e in events
    ]
    assert names == [
        ("provider_verification_published", "1", "3.0", "main"),
        ("provider_verification_failed", "1", "3.0", "main"),
    ]
    assert events[0].verification_success is False
    assert events[0].provider_version_tags == ("prod",)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"providerApplicationVersion": "1"}, "success"),
        ({"success": "yes", "providerApplicationVersion": "1"}, "success"),
        ({"success": True}, "providerApplicationVersion"),
        ({"success": True, "providerApplicationVersion": " "}, "providerApplicationVersion"),
        ({"success": True, "providerApplicationVersion": "1", "buildUrl": "not a url"}, "buildUrl"),
    ],
)
def test_invalid_verification_results_are_400_and_nothing_is_stored(
    local_broker: LocalBroker, published: tuple[httpx.Client, BrokerClient], body: dict[str, Any], field: str
) -> None:
    http, client = published
    href = client.get_pact("Api", "Web", "1")["_links"]["pb:publish-verification-results"]["href"]
    response = http.post(href, json=body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert local_broker.db.read(lambda s: s.connection().execute(select(VERIFICATION.c.id)).all()) == []


def test_errors_of_for_verification_and_results(published: tuple[httpx.Client, BrokerClient]) -> None:
    http, _ = published
    assert http.get("/pacts/provider/Nobody/for-verification").status_code == 404
    assert http.post("/pacts/provider/Nobody/for-verification", json={}).status_code == 404
    bad = http.post(
        "/pacts/provider/Api/for-verification",
        json={"consumerVersionSelectors": [{"tag": "x", "branch": "y"}]},
    )
    assert bad.status_code == 400
    assert bad.json()["errors"]["consumerVersionSelectors"] == [
        "cannot specify both a tag and a branch (at index 0)"
    ]
    malformed = http.post(
        "/pacts/provider/Api/for-verification", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert malformed.status_code == 400
    unknown_sha = http.post(
        "/pacts/provider/Api/consumer/Web/pact-version/abc/verification-results",
        json={"success": True, "providerApplicationVersion": "1"},
    )
    assert unknown_sha.status_code == 404
    assert "pact version sha 'abc'" in unknown_sha.json()["errors"]["pact"][0]


def test_deprecated_get_form_with_a_query(published: tuple[httpx.Client, BrokerClient]) -> None:
    http, _ = published
    response = http.get(
        "/pacts/provider/Api/for-verification?consumer_version_selectors[][tag]=prod&consumer_version_selectors[][latest]=true"
    )
    assert response.status_code == 200
    [entry] = response.json()["_embedded"]["pacts"]
    assert entry["shortDescription"] == "latest with tag prod"
    assert entry["verificationProperties"]["notices"][0]["text"].startswith(
        "WARNING - this version of the Pact library"
    )


def test_matrix_and_can_i_deploy_over_http(
    local_broker: LocalBroker, published: tuple[httpx.Client, BrokerClient]
) -> None:
    http, client = published
    base = local_broker.url
    client.create_environment("prod", production=True)
    href = client.get_pact("Api", "Web", "1")["_links"]["pb:publish-verification-results"]["href"]
    client.add_branch_version("Api", "main", "3.0")
    client.publish_verification_result(href, {"success": True, "providerApplicationVersion": "3.0"})
    client.record_deployment("Api", "3.0", "prod")
    response = http.get("/matrix?q[][pacticipant]=Web&q[][version]=1&latestby=cvpv&environment=prod")
    assert response.status_code == 200
    assert response.headers["content-type"] == HAL
    body = response.json()
    assert body["summary"] == {
        "deployable": True,
        "reason": "All required verification results are published and successful",
        "success": 1,
        "failed": 0,
        "unknown": 0,
    }
    assert body["notices"] == [
        {"type": "success", "text": "All required verification results are published and successful"}
    ]
    [row] = body["matrix"]
    assert row["consumer"]["name"] == "Web"
    assert row["consumer"]["version"]["number"] == "1"
    assert row["consumer"]["version"]["branch"] == "main"
    assert [t["name"] for t in row["consumer"]["version"]["tags"]] == ["prod"]
    assert row["consumer"]["version"]["_links"]["self"]["href"] == f"{base}/pacticipants/Web/versions/1"
    assert row["provider"]["version"]["number"] == "3.0"
    assert row["provider"]["version"]["environments"] == [{"name": "prod", "currentlyDeployed": True}]
    assert row["pact"]["_links"]["self"]["href"] == f"{base}/pacts/provider/Api/consumer/Web/version/1"
    verification_href = row["verificationResult"]["_links"]["self"]["href"]
    assert "/metadata/" in verification_href
    assert http.get(verification_href).json()["success"] is True

    simple = http.get("/can-i-deploy", params={"pacticipant": "Web", "version": "1", "environment": "prod"})
    assert simple.json()["summary"]["deployable"] is True
    shortcut = http.get("/pacticipants/Web/versions/1/can-i-deploy/to-environment/prod")
    assert shortcut.json()["summary"]["deployable"] is True
    branch = http.get(
        "/pacticipants/Web/branches/feat-x/latest-version/can-i-deploy/to-environment/prod"
    ).json()
    assert branch["summary"]["deployable"] is None
    assert branch["summary"]["reason"].startswith(
        "There is no verified pact between the latest version of Web from branch feat-x (2)"
    )
    invalid = http.get("/matrix?latestby=cvpv")
    assert invalid.status_code == 400
    assert invalid.json()["errors"][0].startswith("Please provide 1 or more version selectors")
    assert http.get("/can-i-deploy", params={"pacticipant": "Web", "version": "1"}).status_code == 400
    pair = http.get("/matrix/provider/Api/consumer/Web").json()
    assert sorted(
        (r["consumer"]["version"]["number"], r["verificationResult"] is not None) for r in pair["matrix"]
    ) == [
        ("1", True),
        ("2", False),
    ]


def test_huge_numbers_and_garbage_metadata_are_not_server_errors(
    published: tuple[httpx.Client, BrokerClient],
) -> None:
    import base64

    http, client = published
    href = client.get_pact("Api", "Web", "1")["_links"]["pb:publish-verification-results"]["href"]
    assert http.get(f"{href}/18415071757083287552").status_code == 404
    garbage = base64.urlsafe_b64encode(b"s[][cv]=99999999999999999999999&p=true").decode().rstrip("=")
    with_metadata = href.replace("/verification-results", f"/metadata/{garbage}/verification-results")
    published_result = http.post(with_metadata, json={"success": True, "providerApplicationVersion": "9"})
    assert published_result.status_code == 201
    assert published_result.json()["pending"] is True
    assert (
        http.post(
            href.replace("/verification-results", "/metadata/%25%25/verification-results"),
            json={"success": True, "providerApplicationVersion": "9"},
        ).status_code
        == 201
    )


def test_latest_verification_results_of_a_consumer_version(
    published: tuple[httpx.Client, BrokerClient],
) -> None:
    http, client = published
    version = http.get("/pacticipants/Web/versions/1").json()
    summary_href = version["_links"]["pb:latest-verification-results-where-pacticipant-is-consumer"]["href"]
    unknown = http.get(summary_href).json()
    assert unknown["success"] is False
    assert unknown["providerSummary"] == {"successful": [], "failed": [], "unknown": ["Api"]}
    href = client.get_pact("Api", "Web", "1")["_links"]["pb:publish-verification-results"]["href"]
    client.publish_verification_result(href, {"success": False, "providerApplicationVersion": "1.0"})
    client.publish_verification_result(href, {"success": True, "providerApplicationVersion": "1.1"})
    verified = http.get(summary_href).json()
    assert verified["success"] is True
    assert verified["providerSummary"] == {"successful": ["Api"], "failed": [], "unknown": []}
    assert [r["providerApplicationVersion"] for r in verified["_embedded"]["verificationResults"]] == ["1.1"]
    assert http.get("/verification-results/consumer/Web/version/404/latest").status_code == 404
