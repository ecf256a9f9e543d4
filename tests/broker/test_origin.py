"""Writes from another site's page are refused (CSRF); the Pact tools and same-origin pages are not."""

from __future__ import annotations

import httpx

from tests.broker.conftest import LocalBroker


def _publish_pacticipant(broker: LocalBroker, name: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{broker.url}/pacticipants", json={"name": name}, headers=headers, timeout=10)


def test_cross_site_write_is_refused_and_nothing_is_stored(local_broker: LocalBroker) -> None:
    refused = _publish_pacticipant(local_broker, "Evil", {"Origin": "https://evil.example"})
    assert refused.status_code == 403
    assert refused.json() == {
        "errors": {
            "origin": [
                "Cross-site request refused: a https://evil.example page may not change this broker. "
                "Use the broker's own pages, or an API client (which sends no Origin header)."
            ]
        }
    }
    assert httpx.get(f"{local_broker.url}/pacticipants/Evil", timeout=10).status_code == 404
    opaque = _publish_pacticipant(local_broker, "Evil", {"Origin": "null"})
    assert opaque.status_code == 403


def test_api_clients_same_origin_pages_and_reads_pass(local_broker: LocalBroker) -> None:
    assert _publish_pacticipant(local_broker, "NoOrigin", {}).status_code == 201
    same = _publish_pacticipant(local_broker, "SameOrigin", {"Origin": local_broker.url})
    assert same.status_code == 201
    assert same.json()["name"] == "SameOrigin"
    read = httpx.get(
        f"{local_broker.url}/pacticipants", headers={"Origin": "https://evil.example"}, timeout=10
    )
    assert read.status_code == 200
    assert {p["name"] for p in read.json()["_embedded"]["pacticipants"]} == {"NoOrigin", "SameOrigin"}


def test_configured_base_url_is_an_allowed_origin(local_broker_factory: object) -> None:
    factory = local_broker_factory
    assert callable(factory)
    with factory(base_urls=("https://broker.example.com",)) as broker:
        allowed = _publish_pacticipant(broker, "ViaProxy", {"Origin": "https://broker.example.com"})
        assert allowed.status_code == 201
