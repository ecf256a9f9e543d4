"""Concurrent publishers against real broker processes (two processes sharing one database), and a
broker killed with SIGKILL in the middle of the load: nothing acknowledged is lost, nothing is
half-written, no duplicate pacticipants or versions. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from broker.db import Database
from tests.broker.conftest import StartBroker
from tests.broker.test_publishing import publish_body

pytestmark = pytest.mark.slow


def pact_for(consumer: str, version: str, providers: list[str]) -> list[dict[str, Any]]:
    """The same (consumer, version, provider) always gets the same content; versions share content in pairs."""
    return [
        {
            "consumer": {"name": consumer},
            "provider": {"name": provider},
            "interactions": [
                {
                    "description": f"{consumer} asks {provider} for item {int(version[1:]) // 2}",
                    "request": {"method": "GET", "path": f"/items/{int(version[1:]) // 2}"},
                    "response": {"status": 200, "body": {"consumer": consumer}},
                }
            ],
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
        }
        for provider in providers
    ]


def request_for(index: int) -> tuple[str, str, dict[str, Any], list[dict[str, Any]]]:
    consumer = f"Consumer{index % 3}"
    version = f"v{index % 10}"
    providers = ["ProviderA", "ProviderB"] if index % 2 else ["ProviderA"]
    pacts = pact_for(consumer, version, ["ProviderA", "ProviderB"])[: len(providers)]
    body = publish_body(json.dumps(pacts[0]).encode(), version, tags=[f"t{index % 2}"], branch="main")
    for pact in pacts[1:]:
        body["contracts"].append(publish_body(json.dumps(pact).encode(), version)["contracts"][0])
    return consumer, version, body, pacts


def scalar(database_url: str, sql: str) -> Any:
    db = Database(database_url)
    try:
        return db.read(lambda s: s.execute(text(sql)).scalar_one())
    finally:
        db.dispose()


def test_fifty_concurrent_publishers_of_overlapping_versions(
    database_url: str, start_broker: StartBroker
) -> None:
    with start_broker(database_url) as first, start_broker(database_url) as second:
        urls = [first.url, second.url]
        barrier = threading.Barrier(50)

        def publish(index: int) -> tuple[int, str, str, list[dict[str, Any]], int]:
            consumer, version, body, pacts = request_for(index)
            with httpx.Client(timeout=120) as client:
                barrier.wait()
                response = client.post(urls[index % 2] + "/contracts/publish", json=body)
            return index, consumer, version, pacts, response.status_code

        with ThreadPoolExecutor(max_workers=50) as pool:
            results = list(pool.map(publish, range(50)))
        assert [status for *_, status in results] == [200] * 50

        for _, consumer, version, pacts, _ in results:
            for pact in pacts:
                provider = pact["provider"]["name"]
                served = httpx.get(
                    f"{urls[0]}/pacts/provider/{provider}/consumer/{consumer}/version/{version}"
                )
                assert served.status_code == 200
                assert (
                    served.json()["interactions"][0]["description"] == pact["interactions"][0]["description"]
                )

    url = database_url
    assert scalar(url, "SELECT count(*) FROM pacticipant") == 5
    assert scalar(url, "SELECT count(*) FROM version") == 30
    assert (
        scalar(url, "SELECT count(*) FROM (SELECT name FROM pacticipant GROUP BY name HAVING count(*) > 1) d")
        == 0
    )
    assert scalar(url, "SELECT count(*) FROM pact_publication") == 30 + 15
    # versions v0/v1, v2/v3, ... share content: 5 distinct contents per consumer/provider pair
    assert scalar(url, "SELECT count(*) FROM pact_version") == 3 * 5 + 3 * 5
    assert scalar(url, "SELECT count(*) FROM branch_version") == 30
    assert scalar(url, "SELECT count(*) FROM integration") == 6


def test_sigkill_during_publishing_loses_no_acknowledged_publish(
    database_url: str, start_broker: StartBroker
) -> None:
    acknowledged: list[tuple[str, str, str]] = []
    lock = threading.Lock()
    stop = threading.Event()
    with start_broker(database_url) as broker:
        port = broker.url.rsplit(":", 1)[1]

        def publisher(worker: int) -> None:
            with httpx.Client(timeout=30) as client:
                for n in range(1000):
                    if stop.is_set():
                        return
                    consumer, version = f"Killed{worker % 4}", f"{worker}.{n}"
                    pact = {
                        "consumer": {"name": consumer},
                        "provider": {"name": "Survivor"},
                        "interactions": [
                            {
                                "description": f"call {worker}.{n}",
                                "request": {"method": "GET", "path": f"/{n}"},
                                "response": {"status": 200},
                            }
                        ],
                    }
                    try:
                        response = client.post(
                            broker.url + "/contracts/publish",
                            json=publish_body(json.dumps(pact).encode(), version),
                        )
                    except httpx.HTTPError:
                        return
                    if response.status_code == 200:
                        with lock:
                            acknowledged.append((consumer, version, f"call {worker}.{n}"))

        threads = [threading.Thread(target=publisher, args=(worker,)) for worker in range(8)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while len(acknowledged) < 25 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(broker.process.pid, signal.SIGKILL)
        broker.process.wait()
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert len(acknowledged) >= 25

    with start_broker(database_url, port=int(port)) as restarted:
        for consumer, version, description in acknowledged:
            served = httpx.get(
                f"{restarted.url}/pacts/provider/Survivor/consumer/{consumer}/version/{version}"
            )
            assert served.status_code == 200, (consumer, version)
            assert served.json()["interactions"][0]["description"] == description
        db = Database(database_url)
        try:
            contents = db.read(
                lambda s: [row[0] for row in s.execute(text("SELECT content FROM pact_version"))]
            )
            orphans = db.read(
                lambda s: s.execute(
                    text(
                        "SELECT count(*) FROM pact_publication p LEFT JOIN pact_version v ON v.id = p.pact_version_id WHERE v.id IS NULL"
                    )
                ).scalar_one()
            )
        finally:
            db.dispose()
        assert orphans == 0
        for content in contents:
            assert json.loads(content)["provider"]["name"] == "Survivor"
        assert len(contents) >= len(acknowledged)
