"""Publishing through the HTTP API: response bodies and headers, de-duplication, 409 on modified
content (and the documented override), merge, legacy PUT, pact resources, events."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from broker import events
from broker.events import BrokerEvent, EventName
from tests.broker.conftest import LocalBroker, LocalBrokerFactory

HAL = "application/hal+json;charset=utf-8"


def make_pact(
    consumer: str = "OrderWeb", provider: str = "OrderApi", *, status: int = 200, extra: int = 0
) -> dict[str, Any]:
    interactions = [
        {
            "description": "a request for order 1",
            "providerState": "order 1 exists",
            "request": {"method": "GET", "path": "/orders/1"},
            "response": {"status": status, "body": {"id": 1}},
        }
    ]
    interactions += [
        {
            "description": f"extra {i}",
            "request": {"method": "GET", "path": f"/x/{i}"},
            "response": {"status": 200},
        }
        for i in range(extra)
    ]
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }


def publish_body(
    pact: dict[str, Any] | bytes,
    version: str = "1.0.0",
    *,
    branch: str | None = "main",
    tags: list[str] | None = None,
    on_conflict: str = "overwrite",
) -> dict[str, Any]:
    raw = pact if isinstance(pact, bytes) else json.dumps(pact).encode()
    data = json.loads(raw)
    body: dict[str, Any] = {
        "pacticipantName": data["consumer"]["name"],
        "pacticipantVersionNumber": version,
        "contracts": [
            {
                "consumerName": data["consumer"]["name"],
                "providerName": data["provider"]["name"],
                "specification": "pact",
                "contentType": "application/json",
                "content": base64.b64encode(raw).decode(),
                "onConflict": on_conflict,
            }
        ],
    }
    if branch:
        body["branch"] = branch
    if tags:
        body["tags"] = tags
    return body


def count(broker: LocalBroker, table: str) -> int:
    return int(broker.db.read(lambda s: s.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()))


@pytest.fixture
def recorded_events() -> Iterator[list[BrokerEvent]]:
    seen: list[BrokerEvent] = []

    def record(_session: Any, event: BrokerEvent) -> None:
        seen.append(event)

    events.subscribe(record)
    try:
        yield seen
    finally:
        events._subscribers.remove(record)


def test_publish_response_has_every_field_the_clis_parse(local_broker: LocalBroker) -> None:
    url = local_broker.url
    response = httpx.post(url + "/contracts/publish", json=publish_body(make_pact(), tags=["prod", "rc"]))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == HAL
    body = response.json()
    assert body["_embedded"]["pacticipant"] == {
        "name": "OrderWeb",
        "_links": {"self": {"href": f"{url}/pacticipants/OrderWeb"}},
    }
    assert body["_embedded"]["version"] == {
        "number": "1.0.0",
        "_links": {
            "self": {
                "href": f"{url}/pacticipants/OrderWeb/versions/1.0.0",
                "title": "Version",
                "name": "1.0.0",
            }
        },
    }
    links = body["_links"]
    assert links["pb:pacticipant"] == {
        "href": f"{url}/pacticipants/OrderWeb",
        "title": "Pacticipant",
        "name": "OrderWeb",
    }
    assert links["pb:pacticipant-version"]["name"] == "1.0.0"
    assert [t["name"] for t in links["pb:pacticipant-version-tags"]] == ["prod", "rc"]
    assert links["pb:contracts"] == [
        {
            "href": f"{url}/pacts/provider/OrderApi/consumer/OrderWeb/version/1.0.0",
            "title": "Pact",
            "name": "Pact between OrderWeb (1.0.0) and OrderApi",
        }
    ]
    texts = [n["text"] for n in body["notices"]]
    assert texts[0] == "Created OrderWeb version 1.0.0 with branch main and tags prod, rc"
    assert "Pact published for OrderWeb version 1.0.0 and provider OrderApi." in texts
    assert body["logs"][0] == {
        "level": "success",
        "message": texts[0],
        "deprecationWarning": "Replaced by notices",
    }
    # a version with no tags still gets an (empty) array
    second = httpx.post(url + "/contracts/publish", json=publish_body(make_pact(), "1.0.1")).json()
    assert second["_links"]["pb:pacticipant-version-tags"] == []


def test_pact_comes_back_as_published_plus_links(local_broker: LocalBroker) -> None:
    url = local_broker.url
    raw = b'{"provider": {"name": "OrderApi"},  "consumer": {"name": "OrderWeb"},\n "interactions": [{"response": {"status": 204}, "description": "d", "request": {"path": "/", "method": "DELETE"}}], "metadata": {"pactSpecification": {"version": "3.0.0"}, "z": [1, 2.5, "\\u00e9"]}}'
    assert httpx.post(url + "/contracts/publish", json=publish_body(raw)).status_code == 200
    response = httpx.get(url + "/pacts/provider/OrderApi/consumer/OrderWeb/version/1.0.0")
    assert response.headers["content-type"] == HAL
    served = response.json()
    links = served.pop("_links")
    created_at = served.pop("createdAt")
    assert created_at.endswith("+00:00")
    interaction_id = served["interactions"][0].pop("_id")
    assert len(interaction_id) == 40
    original = json.loads(raw)
    assert served == original
    assert list(served) == list(original)  # key order kept
    assert list(served["interactions"][0]) == list(original["interactions"][0])
    sha = links["pb:pact-version"]["name"]
    assert links["pb:publish-verification-results"]["href"] == (
        f"{url}/pacts/provider/OrderApi/consumer/OrderWeb/pact-version/{sha}/verification-results"
    )
    assert links["pb:provider"]["href"] == f"{url}/pacticipants/OrderApi"
    assert links["pb:consumer-version"]["href"] == f"{url}/pacticipants/OrderWeb/versions/1.0.0"
    assert links["pb:latest-tagged-pact-version"]["templated"] is True
    stored = local_broker.db.read(lambda s: s.execute(text("SELECT content FROM pact_version")).scalar_one())
    assert stored == raw.decode()


def test_same_content_is_one_pact_version_whatever_the_formatting(local_broker: LocalBroker) -> None:
    url = local_broker.url
    pact = make_pact(extra=2)
    reordered = dict(reversed(list(pact.items())))
    reordered["interactions"] = list(reversed(pact["interactions"]))
    assert httpx.post(url + "/contracts/publish", json=publish_body(pact, "1")).status_code == 200
    body = publish_body(json.dumps(reordered, indent=4).encode(), "2")
    assert httpx.post(url + "/contracts/publish", json=body).status_code == 200
    assert count(local_broker, "pact_version") == 1
    assert count(local_broker, "pact_publication") == 2
    one = httpx.get(url + "/pacts/provider/OrderApi/consumer/OrderWeb/version/1").json()["_links"][
        "pb:pact-version"
    ]
    two = httpx.get(url + "/pacts/provider/OrderApi/consumer/OrderWeb/version/2").json()["_links"][
        "pb:pact-version"
    ]
    assert one == two


def test_changed_content_for_the_same_version_is_a_409_and_nothing_changes(local_broker: LocalBroker) -> None:
    url = local_broker.url
    assert httpx.post(url + "/contracts/publish", json=publish_body(make_pact())).status_code == 200
    response = httpx.post(url + "/contracts/publish", json=publish_body(make_pact(status=500)))
    assert response.status_code == 409
    body = response.json()
    message = body["errors"]["contracts"][0]
    assert message.startswith(
        "Cannot change the content of the pact for OrderWeb version 1.0.0 and provider OrderApi"
    )
    assert "TETHER_ALLOW_DANGEROUS_CONTRACT_MODIFICATION" in message
    assert body["notices"][0] == {"type": "error", "text": message}
    assert '-        "status": 200' in body["notices"][1]["text"]
    assert '+        "status": 500' in body["notices"][1]["text"]
    assert count(local_broker, "pact_version") == 1
    served = httpx.get(url + "/pacts/provider/OrderApi/consumer/OrderWeb/version/1.0.0").json()
    assert served["interactions"][0]["response"]["status"] == 200


def test_override_allows_a_new_revision(
    local_broker_factory: LocalBrokerFactory, recorded_events: list[BrokerEvent]
) -> None:
    with local_broker_factory(allow_dangerous_contract_modification=True) as broker:
        assert (
            httpx.post(broker.url + "/contracts/publish", json=publish_body(make_pact())).status_code == 200
        )
        recorded_events.clear()
        response = httpx.post(broker.url + "/contracts/publish", json=publish_body(make_pact(status=500)))
        assert response.status_code == 200
        assert any(n["type"] == "warning" and "replaced" in n["text"] for n in response.json()["notices"])
        served = httpx.get(broker.url + "/pacts/provider/OrderApi/consumer/OrderWeb/version/1.0.0").json()
        assert served["interactions"][0]["response"]["status"] == 500
        revision = broker.db.read(
            lambda s: s.execute(text("SELECT revision_number FROM pact_publication")).scalar_one()
        )
        assert revision == 2
    assert [e.name for e in recorded_events] == [
        EventName.CONTRACT_PUBLISHED,
        EventName.CONTRACT_CONTENT_CHANGED,
        EventName.CONTRACT_REQUIRING_VERIFICATION_PUBLISHED,
    ]


def _addition() -> dict[str, Any]:
    addition = make_pact()
    addition["interactions"] = [
        {"description": "new one", "request": {"method": "GET", "path": "/n"}, "response": {"status": 200}}
    ]
    return addition


PACT_URL = "/pacts/provider/OrderApi/consumer/OrderWeb/version/1.0.0"


def test_merge_is_a_modification_refused_unless_dangerous_modification_is_allowed(
    local_broker: LocalBroker,
) -> None:
    url = local_broker.url
    assert httpx.post(url + "/contracts/publish", json=publish_body(make_pact())).status_code == 200
    before = httpx.get(url + PACT_URL).json()
    merged = httpx.post(url + "/contracts/publish", json=publish_body(_addition(), on_conflict="merge"))
    assert merged.status_code == 409, merged.text
    assert (
        "Cannot change the content of the pact for OrderWeb version 1.0.0"
        in (merged.json()["errors"]["contracts"][0])
    )
    patched = httpx.patch(url + PACT_URL, json=_addition())
    assert patched.status_code == 409, patched.text
    assert "TETHER_ALLOW_DANGEROUS_CONTRACT_MODIFICATION=true" in json.dumps(patched.json())
    after = httpx.get(url + PACT_URL).json()
    assert [i["description"] for i in after["interactions"]] == ["a request for order 1"]
    assert after["_links"]["self"] == before["_links"]["self"]
    assert count(local_broker, "pact_version") == 1
    assert httpx.patch(url + PACT_URL, json=make_pact()).status_code == 200  # same content: no change
    created = httpx.patch(url + PACT_URL.replace("1.0.0", "2.0.0"), json=_addition())
    assert created.status_code == 201  # a PATCH that creates a pact changes nothing published


def test_merge_adds_interactions_and_refuses_conflicting_ones_when_modification_is_allowed(
    local_broker_factory: LocalBrokerFactory,
) -> None:
    with local_broker_factory(allow_dangerous_contract_modification=True) as broker:
        url = broker.url
        assert httpx.post(url + "/contracts/publish", json=publish_body(make_pact())).status_code == 200
        body = publish_body(_addition(), on_conflict="merge")
        response = httpx.post(url + "/contracts/publish", json=body)
        assert response.status_code == 200, response.text
        served = httpx.get(url + PACT_URL).json()
        assert [i["description"] for i in served["interactions"]] == ["a request for order 1", "new one"]
        conflicting = make_pact(status=404)
        response = httpx.post(url + "/contracts/publish", json=publish_body(conflicting, on_conflict="merge"))
        assert response.status_code == 409
        assert "already exists with different content" in response.json()["errors"]["contracts"][0]
        patched = httpx.patch(url + PACT_URL, json=make_pact(status=404))
        assert patched.status_code == 409
        assert "already exists with different content" in json.dumps(patched.json())


def test_events_are_emitted_inside_the_publication(
    local_broker: LocalBroker, recorded_events: list[BrokerEvent]
) -> None:
    url = local_broker.url
    httpx.post(url + "/contracts/publish", json=publish_body(make_pact(), "1", tags=["prod"]))
    first = [(e.name, e.extra["reason"]) for e in recorded_events]
    assert first == [
        (EventName.CONTRACT_PUBLISHED, ""),
        (
            EventName.CONTRACT_CONTENT_CHANGED,
            "first time any pact published for this consumer with consumer version tagged prod",
        ),
        (EventName.CONTRACT_REQUIRING_VERIFICATION_PUBLISHED, "new pact content"),
    ]
    event = recorded_events[0]
    assert (event.consumer, event.provider, event.consumer_version, event.consumer_version_branch) == (
        "OrderWeb",
        "OrderApi",
        "1",
        "main",
    )
    assert event.consumer_version_tags == ("prod",)
    recorded_events.clear()
    httpx.post(url + "/contracts/publish", json=publish_body(make_pact(), "2", tags=["prod"]))
    assert [e.name for e in recorded_events] == [EventName.CONTRACT_PUBLISHED]


def test_legacy_put_creates_then_updates(local_broker: LocalBroker) -> None:
    url = local_broker.url
    path = url + "/pacts/provider/OrderApi/consumer/OrderWeb/version/1.0.0"
    raw = json.dumps(make_pact()).encode()
    created = httpx.put(path, content=raw, headers={"Content-Type": "application/json"})
    assert created.status_code == 201
    assert created.headers["location"] == path
    assert created.headers["content-type"] == HAL
    assert created.json()["_links"]["self"]["href"] == path
    again = httpx.put(path, content=raw, headers={"Content-Type": "application/json"})
    assert again.status_code == 200
    changed = httpx.put(
        path, content=json.dumps(make_pact(status=418)).encode(), headers={"Content-Type": "application/json"}
    )
    assert changed.status_code == 409
    wrong = httpx.put(
        url + "/pacts/provider/Other/consumer/OrderWeb/version/1.0.0",
        content=raw,
        headers={"Content-Type": "application/json"},
    )
    assert wrong.status_code == 400
    assert "does not match the provider in the URL" in wrong.json()["errors"]["provider.name"][0]


def test_pact_resources_latest_tag_branch_sha_metadata_and_diff(local_broker: LocalBroker) -> None:
    url = local_broker.url
    pair = url + "/pacts/provider/OrderApi/consumer/OrderWeb"
    httpx.patch(url + "/pacticipants/OrderWeb", json={"mainBranch": "main"})
    httpx.post(url + "/contracts/publish", json=publish_body(make_pact(), "1", tags=["prod"]))
    httpx.post(url + "/contracts/publish", json=publish_body(make_pact(extra=1), "2", branch="feat/x"))
    assert (
        httpx.get(pair + "/latest").json()["_links"]["self"]["name"]
        == "Pact between OrderWeb (2) and OrderApi"
    )
    assert httpx.get(pair + "/latest/prod").json()["_links"]["pb:consumer-version"]["name"] == "1"
    assert httpx.get(pair + "/branch/feat%2Fx/latest").json()["_links"]["pb:consumer-version"]["name"] == "2"
    assert httpx.get(pair + "/latest-untagged").json()["_links"]["pb:consumer-version"]["name"] == "2"
    missing = httpx.get(pair + "/latest/nope")
    assert missing.status_code == 404
    assert "tag 'nope'" in missing.json()["errors"]["pact"][0]

    one = httpx.get(pair + "/version/1").json()["_links"]["pb:pact-version"]["name"]
    two = httpx.get(pair + "/version/2").json()["_links"]["pb:pact-version"]["name"]
    by_sha = httpx.get(f"{pair}/pact-version/{one}/metadata/c1tdW2JdPW1haW4")
    assert by_sha.status_code == 200
    assert by_sha.json()["_links"]["pb:publish-verification-results"]["href"] == (
        f"{pair}/pact-version/{one}/metadata/c1tdW2JdPW1haW4/verification-results"
    )
    diff = httpx.get(f"{pair}/pact-version/{two}/diff/pact-version/{one}")
    assert diff.headers["content-type"].startswith("text/plain")
    assert '+      "description": "extra 0",' in diff.text
    assert "extra 0" in httpx.get(pair + "/version/2/diff/previous-distinct").text

    provider_latest = httpx.get(url + "/pacts/provider/OrderApi/latest").json()["_links"]
    assert [link["name"] for link in provider_latest["pacts"]] == ["OrderWeb"]
    assert provider_latest["pacts"] == provider_latest["pb:pacts"]
    assert provider_latest["pacts"][0]["href"] == pair + "/version/2"
    tagged = httpx.get(url + "/pacts/provider/OrderApi/latest/prod").json()["_links"]["pacts"]
    assert tagged[0]["href"] == pair + "/version/1"
    main = httpx.get(url + "/pacts/provider/OrderApi/branch/latest").json()["_links"]["pacts"]
    assert main[0]["href"] == pair + "/version/1"
    all_versions = httpx.get(pair + "/versions").json()["_embedded"]["pacts"]
    assert [p["consumerVersionNumber"] for p in all_versions] == ["2", "1"]


def test_version_resource_links_and_embedded_branches_and_tags(local_broker: LocalBroker) -> None:
    url = local_broker.url
    httpx.post(
        url + "/contracts/publish", json=publish_body(make_pact(), "1.0+b", tags=["prod"], branch="feat/x")
    )
    response = httpx.get(url + "/pacticipants/OrderWeb/versions/1.0%2Bb")
    body = response.json()
    assert body["number"] == "1.0+b"
    assert body["_embedded"]["tags"][0]["name"] == "prod"
    assert body["_embedded"]["tags"][0]["latest"] is True
    assert body["_embedded"]["branchVersions"][0]["name"] == "feat/x"
    assert body["_links"]["self"]["href"] == f"{url}/pacticipants/OrderWeb/versions/1.0%2Bb"
    assert isinstance(body["_links"]["pb:record-deployment"], list)
    assert isinstance(body["_links"]["pb:record-release"], list)
    assert (
        body["_links"]["pb:pact-versions"][0]["href"]
        == f"{url}/pacts/provider/OrderApi/consumer/OrderWeb/version/1.0%2Bb"
    )
    pacticipant = httpx.get(url + "/pacticipants/OrderWeb").json()
    assert pacticipant["_embedded"]["latestVersion"]["number"] == "1.0+b"
    assert pacticipant["_links"]["pb:branch-version"] == {
        "href": f"{url}/pacticipants/OrderWeb/branches/{{branch}}/versions/{{version}}",
        "title": "Branch version",
        "templated": True,
    }
    assert pacticipant["mainBranch"] is None  # feat/x is not a main-branch name
    tag = httpx.put(
        url + "/pacticipants/OrderWeb/versions/1.0%2Bb/tags/rc",
        content=b"",
        headers={"Content-Type": "application/json"},
    )
    assert tag.status_code == 201
    assert tag.headers["location"] == f"{url}/pacticipants/OrderWeb/versions/1.0%2Bb/tags/rc"
    assert httpx.put(url + "/pacticipants/OrderWeb/versions/1.0%2Bb/tags/rc", json={}).status_code == 200
    assert httpx.delete(url + "/pacticipants/OrderWeb/versions/1.0%2Bb/tags/rc").status_code == 204
    assert httpx.get(url + "/pacticipants/OrderWeb/versions/1.0%2Bb/tags/rc").status_code == 404


def test_pacticipant_put_post_patch_delete(local_broker: LocalBroker) -> None:
    url = local_broker.url
    assert httpx.put(url + "/pacticipants/Nobody", json={"name": "Nobody"}).status_code == 404
    created = httpx.post(url + "/pacticipants", json={"name": "Billing", "repositoryUrl": "https://git/b"})
    assert created.status_code == 201
    assert created.headers["location"] == f"{url}/pacticipants/Billing"
    assert httpx.post(url + "/pacticipants", json={"name": "Billing"}).status_code == 409
    replaced = httpx.put(
        url + "/pacticipants/Billing", json={"name": "Billing", "mainBranch": "trunk"}
    ).json()
    assert (replaced["mainBranch"], replaced["repositoryUrl"]) == ("trunk", None)
    patched = httpx.patch(
        url + "/pacticipants/Billing",
        json={"displayName": "Billing service"},
        headers={"Content-Type": "application/merge-patch+json"},
    ).json()
    assert (patched["mainBranch"], patched["displayName"]) == ("trunk", "Billing service")
    listed = httpx.get(url + "/pacticipants").json()
    assert [p["name"] for p in listed["_embedded"]["pacticipants"]] == ["Billing"]
    assert httpx.delete(url + "/pacticipants/Billing").status_code == 204
    assert httpx.get(url + "/pacticipants/Billing").status_code == 404


def test_provider_states_and_integrations(local_broker: LocalBroker) -> None:
    url = local_broker.url
    v3 = make_pact("Mobile")
    v3["interactions"][0].pop("providerState")
    v3["interactions"][0]["providerStates"] = [{"name": "order 1 exists", "params": {"id": 1}}]
    httpx.post(url + "/contracts/publish", json=publish_body(make_pact(), "1"))
    httpx.post(url + "/contracts/publish", json=publish_body(v3, "7"))
    states = httpx.get(url + "/pacts/provider/OrderApi/provider-states").json()["providerStates"]
    assert states == [
        {"name": "order 1 exists", "consumers": ["OrderWeb"]},
        {"name": "order 1 exists", "params": {"id": 1}, "consumers": ["Mobile"]},
    ]
    integrations = httpx.get(url + "/integrations").json()["_embedded"]["integrations"]
    assert [(i["consumer"]["name"], i["provider"]["name"]) for i in integrations] == [
        ("Mobile", "OrderApi"),
        ("OrderWeb", "OrderApi"),
    ]


def test_every_plain_link_of_the_core_resources_resolves(local_broker: LocalBroker) -> None:
    url = local_broker.url
    httpx.post(url + "/contracts/publish", json=publish_body(make_pact(), "1", tags=["prod"]))
    httpx.post(url + "/contracts/publish", json=publish_body(make_pact(extra=1), "2"))
    # POST-only relations, and results that do not exist yet
    expected_missing = {
        "pb:publish-contracts",
        "pb:publish-verification-results",
        "pb:latest-verification-results",
        "pb:tag-prod-version",
    }
    for start in (
        "/",
        "/pacts/provider/OrderApi/consumer/OrderWeb/version/2",
        "/pacticipants/OrderWeb",
        "/pacticipants/OrderWeb/versions/1",
        "/pacts/latest",
        "/pacts/provider/OrderApi/latest",
    ):
        links = httpx.get(url + start).json()["_links"]
        for relation, value in links.items():
            for item in value if isinstance(value, list) else [value]:
                if relation == "curies" or item.get("templated") or relation in expected_missing:
                    continue
                assert item["href"].startswith(url + "/")
                response = httpx.get(item["href"])
                assert response.status_code == 200, (start, relation, item["href"], response.status_code)
    metrics = httpx.get(url + "/metrics").json()
    assert metrics["pactPublications"] == {"count": 2}
    assert metrics["pactVersions"] == {"count": 2}


def test_a_name_differing_only_by_case_or_punctuation_is_a_409(
    local_broker_factory: LocalBrokerFactory, tmp_path: Path
) -> None:
    with local_broker_factory() as broker:
        assert (
            httpx.post(broker.url + "/contracts/publish", json=publish_body(make_pact(), "1")).status_code
            == 200
        )
        similar = publish_body(make_pact(consumer="order-web"), "1")
        response = httpx.post(broker.url + "/contracts/publish", json=similar)
        assert response.status_code == 409
        message = response.json()["errors"]["pacticipantName"][0]
        assert "very similar to the following existing pacticipants: OrderWeb" in message
        assert count(broker, "pacticipant") == 2
        # once the pacticipant exists on purpose, publishing works
        assert httpx.post(broker.url + "/pacticipants", json={"name": "order-web"}).status_code == 201
        assert httpx.post(broker.url + "/contracts/publish", json=similar).status_code == 200
    unchecked = {
        "check_for_potential_duplicate_pacticipant_names": False,
        "database_url": f"sqlite:///{tmp_path / 'u.db'}",
    }
    with local_broker_factory(**unchecked) as other:
        assert (
            httpx.post(other.url + "/contracts/publish", json=publish_body(make_pact(), "1")).status_code
            == 200
        )
        assert httpx.post(other.url + "/contracts/publish", json=similar).status_code == 200
