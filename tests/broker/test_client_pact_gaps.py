"""What the official Pact Broker clients' own consumer pacts expect (issue 13), over HTTP, on SQLite and
PostgreSQL: the matrix as a Pact verifier replays its queries (one key at a time), complete rows for
``latest`` selectors, ``ignore[]`` in the decision, HAL error bodies, webhooks selecting pacticipants by
label, pacticipants embedding their latest version, environment contacts and git repository URLs.

The request shapes come from ``spec/pacts/*.json`` of pact-foundation/pact_broker-client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from broker.db import Database
from tests.broker.conftest import RunningBroker
from tests.broker.scenario import Scenario
from tests.broker.test_publishing import make_pact, publish_body

HAL = "application/hal+json;charset=utf-8"
Q = "q%5B%5D%5B{}%5D={}"


@pytest.fixture
def db(broker: RunningBroker) -> Iterator[Database]:
    database = Database(broker.database_url)
    try:
        yield database
    finally:
        database.dispose()


def _rows(db: Database, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]


def _matrix(url: str, query: str) -> httpx.Response:
    response = httpx.get(f"{url}/matrix?{query}")
    assert response.headers["content-type"] == HAL
    return response


def _pairs(body: dict[str, Any]) -> list[tuple[str, str, str, str | None, bool | None]]:
    return [
        (
            row["consumer"]["name"],
            row["consumer"]["version"]["number"],
            row["provider"]["name"],
            (row["provider"]["version"] or {}).get("number"),
            (row["verificationResult"] or {}).get("success"),
        )
        for row in body["matrix"]
    ]


def _assert_complete_row(row: dict[str, Any]) -> None:
    """Every object the clients' pacts match by type on a verified row."""
    assert isinstance(row["consumer"]["name"], str)
    assert isinstance(row["consumer"]["version"]["number"], str)
    assert isinstance(row["provider"]["version"]["number"], str)
    assert isinstance(row["pact"]["createdAt"], str)
    result = row["verificationResult"]
    assert isinstance(result["success"], bool)
    assert isinstance(result["verifiedAt"], str)
    assert result["_links"]["self"]["href"].startswith("http")


def _foo_and_bar(db: Database) -> None:
    """Foo 1.2.3 verified by Bar 4.5.6 (tagged prod); Foo 1.2.4 failed by Bar 9.9.9."""
    scenario = Scenario(db)
    good = scenario.pact("Foo", "1.2.3", "Bar")
    scenario.verify("Foo", "Bar", good, "4.5.6")
    scenario.version("Bar", "4.5.6", tags=("prod",))
    bad = scenario.pact("Foo", "1.2.4", "Bar", content="v2")
    scenario.verify("Foo", "Bar", bad, "9.9.9", success=False)


def test_matrix_selectors_sent_one_key_at_a_time(broker: RunningBroker, db: Database) -> None:
    _foo_and_bar(db)
    interleaved = "&".join(
        [
            Q.format("pacticipant", "Foo"),
            Q.format("version", "1.2.3"),
            Q.format("pacticipant", "Bar"),
            Q.format("version", "4.5.6"),
            "latestby=cvpv",
        ]
    )
    # the V2 client pact, as a Pact verifier sends it: keys sorted, each key's values together
    replayed = "latestby=cvpv&q[][pacticipant]=Foo&q[][pacticipant]=Bar&q[][version]=1%2e2%2e3&q[][version]=4%2e5%2e6"
    for query in (interleaved, replayed):
        response = _matrix(broker.url, query)
        assert response.status_code == 200, response.text
        body = response.json()
        assert _pairs(body) == [("Foo", "1.2.3", "Bar", "4.5.6", True)]
        _assert_complete_row(body["matrix"][0])
        assert body["summary"]["deployable"] is True
        assert body["summary"]["success"] == 1

    ambiguous = _matrix(
        broker.url, "q[][pacticipant]=Foo&q[][pacticipant]=Bar&q[][version]=1.2.3&latestby=cvpv"
    )
    assert ambiguous.status_code == 200, ambiguous.text  # Rack's reading: Foo (all), Bar 1.2.3 (absent)
    nameless = _matrix(
        broker.url, "q[][pacticipant]=Foo&q[][pacticipant]=Bar&q[][version]=1&q[][version]=2&q[][version]=3"
    )
    assert nameless.status_code == 400
    (message,) = nameless.json()["errors"]
    assert message.startswith("the q[] parameters come one key at a time")
    assert "send each selector's keys together" in message


def test_matrix_rows_for_latest_selectors_are_complete(broker: RunningBroker, db: Database) -> None:
    _foo_and_bar(db)
    latest = _matrix(
        broker.url,
        f"{Q.format('pacticipant', 'Foo')}&{Q.format('version', '1.2.4')}&{Q.format('pacticipant', 'Bar')}"
        f"&{Q.format('latest', 'true')}&latestby=cvpv",
    )
    assert latest.status_code == 200, latest.text
    assert _pairs(latest.json()) == [("Foo", "1.2.4", "Bar", "9.9.9", False)]
    _assert_complete_row(latest.json()["matrix"][0])
    assert latest.json()["summary"]["deployable"] is False

    latest_prod = _matrix(
        broker.url,
        f"{Q.format('pacticipant', 'Foo')}&{Q.format('version', '1.2.3')}&{Q.format('pacticipant', 'Bar')}"
        f"&{Q.format('latest', 'true')}&{Q.format('tag', 'prod')}&latestby=cvpv",
    )
    assert latest_prod.status_code == 200, latest_prod.text
    assert _pairs(latest_prod.json()) == [("Foo", "1.2.3", "Bar", "4.5.6", True)]
    row = latest_prod.json()["matrix"][0]
    _assert_complete_row(row)
    assert [tag["name"] for tag in row["provider"]["version"]["tags"]] == ["prod"]

    others = _matrix(
        broker.url,
        f"{Q.format('pacticipant', 'Foo')}&{Q.format('version', '1.2.3')}&latestby=cvp&latest=true&tag=prod",
    )
    assert others.status_code == 200, others.text
    assert _pairs(others.json()) == [("Foo", "1.2.3", "Bar", "4.5.6", True)]


def test_ignore_selectors_change_the_decision(broker: RunningBroker, db: Database) -> None:
    scenario = Scenario(db)
    good = scenario.pact("Foo", "1.2.3", "Bar", tags=("prod",))
    scenario.verify("Foo", "Bar", good, "4.5.6")
    bad = scenario.pact("Foo", "3.4.5", "Bar", content="v2", tags=("prod",))
    scenario.verify("Foo", "Bar", bad, "4.5.6", success=False)
    selectors = (
        f"{Q.format('pacticipant', 'Bar')}&{Q.format('version', '4.5.6')}"
        f"&{Q.format('pacticipant', 'Foo')}&{Q.format('tag', 'prod')}&latestby=cvpv"
    )
    without = _matrix(broker.url, selectors).json()
    assert without["summary"]["deployable"] is False
    assert "ignored" not in without["summary"]

    for ignore in (
        "ignore%5B%5D%5Bpacticipant%5D=Foo&ignore%5B%5D%5Bversion%5D=3.4.5",
        "ignore[][pacticipant]=Foo&ignore[][version]=3%2e4%2e5",
    ):
        response = _matrix(broker.url, f"{selectors}&{ignore}")
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["summary"]["deployable"] is True
        assert body["summary"]["ignored"] == 1
        flags = {row["consumer"]["version"]["number"]: row.get("ignored", False) for row in body["matrix"]}
        assert flags == {"1.2.3": False, "3.4.5": True}
        assert any(notice["type"] == "info" and "Ignoring" in notice["text"] for notice in body["notices"])

    nameless = _matrix(broker.url, f"{selectors}&ignore[][version]=3.4.5")
    assert nameless.status_code == 400
    assert "ignore selector 1" in nameless.json()["errors"][0]


def test_errors_are_hal_json_unless_problem_json_is_asked_for(broker: RunningBroker) -> None:
    url = broker.url
    missing = httpx.get(url + "/pacticipants/Pricing%20Service", headers={"Accept": "application/hal+json"})
    assert (missing.status_code, missing.headers["content-type"]) == (404, HAL)
    assert missing.json()["errors"]
    unknown = _matrix(
        url, f"{Q.format('pacticipant', 'Wiffle')}&{Q.format('version', '1.2.3')}&latestby=cvpv"
    )
    assert unknown.status_code == 400
    assert unknown.json()["errors"] == [
        "Pacticipant Wiffle not found: check the name (names are case-sensitive)"
    ]
    webhook = httpx.post(
        url + "/webhooks/provider/Pricing%20Service/consumer/Condor",
        json={"request": {"method": "POST", "url": "https://webhook"}},
        headers={"Accept": "application/hal+json"},
    )
    assert (webhook.status_code, webhook.headers["content-type"]) == (404, HAL)
    invalid = httpx.post(url + "/webhooks", json=_webhook(consumer={"name": "Condor"}))
    assert (invalid.status_code, invalid.headers["content-type"]) == (400, HAL)
    assert "consumer.name" in invalid.json()["errors"]
    problem = httpx.get(url + "/pacticipants/Nobody", headers={"Accept": "application/problem+json"})
    assert (problem.status_code, problem.headers["content-type"]) == (
        404,
        "application/problem+json;charset=utf-8",
    )
    assert problem.json()["status"] == 404


def _webhook(**selectors: Any) -> dict[str, Any]:
    return {
        **selectors,
        "description": "a webhook",
        "events": [{"name": "contract_content_changed"}],
        "request": {"method": "POST", "url": "https://webhook", "body": {"some": "body"}},
    }


def test_webhooks_select_pacticipants_by_label(broker: RunningBroker, db: Database) -> None:
    url = broker.url
    created = httpx.post(url + "/webhooks", json=_webhook(consumer={"label": "consumer_label"}))
    assert created.status_code == 201, created.text
    assert created.headers["content-type"] == HAL
    body = created.json()
    assert body["consumer"] == {"label": "consumer_label"}
    assert "pb:consumer" not in body["_links"]
    provider = httpx.post(url + "/webhooks", json=_webhook(provider={"label": "provider_label"}))
    assert provider.status_code == 201, provider.text
    assert provider.json()["provider"] == {"label": "provider_label"}
    assert sorted(
        _rows(db, "SELECT consumer_name, consumer_label, provider_name, provider_label FROM webhook"), key=str
    ) == sorted([(None, "consumer_label", None, None), (None, None, None, "provider_label")], key=str)
    fetched = httpx.get(body["_links"]["self"]["href"]).json()
    assert fetched["consumer"] == {"label": "consumer_label"}

    # a label webhook fires for a labelled consumer only
    assert (
        httpx.post(url + "/contracts/publish", json=publish_body(make_pact("Plain", "Api"))).status_code
        == 200
    )
    assert httpx.post(url + "/pacticipants", json={"name": "Tagged"}).status_code == 201
    put = httpx.put(url + "/pacticipants/Tagged/labels/consumer_label")
    assert (put.status_code, put.json()["name"]) == (201, "consumer_label")
    assert httpx.put(url + "/pacticipants/Tagged/labels/consumer_label").status_code == 200
    assert (
        httpx.post(url + "/contracts/publish", json=publish_body(make_pact("Tagged", "Api"))).status_code
        == 200
    )
    fired = _rows(
        db,
        "SELECT w.consumer_label, t.consumer_name FROM triggered_webhook t JOIN webhook w ON w.id = t.webhook_id",
    )
    assert fired == [("consumer_label", "Tagged")]
    assert (
        httpx.get(url + "/pacticipants/Tagged").json()["_embedded"]["labels"][0]["name"] == "consumer_label"
    )
    assert httpx.delete(url + "/pacticipants/Tagged/labels/consumer_label").status_code == 204
    assert httpx.get(url + "/pacticipants/Tagged/labels/consumer_label").status_code == 404
    assert _rows(db, "SELECT count(*) FROM pacticipant_label") == [(0,)]

    both = httpx.post(url + "/webhooks", json=_webhook(consumer={"name": "Tagged", "label": "x"}))
    assert both.status_code == 400
    assert both.json()["errors"]["consumer.label"] == [
        "cannot be given together with name: select by name or by label"
    ]
    blank = httpx.post(url + "/webhooks", json=_webhook(provider={"label": " "}))
    assert blank.json()["errors"]["provider.label"] == ["must be a non-blank string"]


def test_pacticipants_embed_their_latest_version(broker: RunningBroker) -> None:
    url = broker.url
    created = httpx.patch(
        url + "/pacticipants/Pricing%20Service",
        json={"repository_url": "git@git.realestate.com.au:business-systems/pricing-service"},
    )
    assert (created.status_code, created.headers["content-type"]) == (201, HAL)
    assert httpx.put(url + "/pacticipants/Pricing%20Service/versions/1.2.0", json={}).status_code == 201
    assert httpx.put(url + "/pacticipants/Pricing%20Service/versions/1.3.0", json={}).status_code == 201
    assert httpx.post(url + "/pacticipants", json={"name": "Condor"}).status_code == 201

    one = httpx.get(url + "/pacticipants/Pricing%20Service").json()
    assert one["repositoryUrl"] == "git@git.realestate.com.au:business-systems/pricing-service"
    assert one["_embedded"]["latest-version"]["number"] == "1.3.0"
    assert one["_embedded"]["latest-version"]["_links"]["self"]["href"] == (
        url + "/pacticipants/Pricing%20Service/versions/1.3.0"
    )
    assert one["_links"]["versions"]["href"] == url + "/pacticipants/Pricing%20Service/versions"

    listed = httpx.get(url + "/pacticipants").json()
    by_name = {item["name"]: item for item in listed["pacticipants"]}
    assert by_name["Pricing Service"]["_embedded"]["latest-version"]["number"] == "1.3.0"
    assert "latest-version" not in by_name["Condor"]["_embedded"]
    assert [link["title"] for link in listed["_links"]["pacticipants"]] == ["Condor", "Pricing Service"]

    refused = httpx.patch(url + "/pacticipants/Condor", json={"repositoryUrl": "javascript:alert(1)"})
    assert refused.status_code == 400
    assert "git remote" in refused.json()["errors"]["repositoryUrl"][0]


def test_environment_contacts_are_stored_and_returned(broker: RunningBroker, db: Database) -> None:
    contacts = [{"name": "Foo team", "details": {"emailAddress": "foo@bar.com"}}]
    created = httpx.post(
        broker.url + "/environments",
        json={"name": "test", "displayName": "Test", "production": False, "contacts": contacts},
    )
    assert (created.status_code, created.headers["content-type"]) == (201, HAL)
    assert created.json()["contacts"] == contacts
    listed = httpx.get(broker.url + "/environments").json()["_embedded"]["environments"]
    assert [env["contacts"] for env in listed] == [contacts]
    env_uuid = created.json()["uuid"]
    replaced = httpx.put(
        f"{broker.url}/environments/{env_uuid}",
        json={"name": "test", "production": False, "contacts": [{"name": "Bar team"}]},
    )
    assert replaced.json()["contacts"] == [{"name": "Bar team"}]
    (stored,) = _rows(db, "SELECT contacts FROM environment")
    assert stored[0] in ([{"name": "Bar team"}], '[{"name": "Bar team"}]')
    bad = httpx.post(broker.url + "/environments", json={"name": "x", "production": False, "contacts": "me"})
    assert bad.status_code == 400
    assert "contacts" in bad.json()["errors"]
