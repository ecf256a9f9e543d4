"""Durable webhook delivery: events fill the outbox in the causing transaction, the background worker
delivers to a real HTTP receiver, retries with back-off, gives up, claims safely across processes, and
delivers what a SIGKILLed broker left in flight once it restarts."""

from __future__ import annotations

import base64
import json
import signal
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from broker import events
from broker.clock import aware, now
from broker.db import Database
from broker.events import BrokerEvent, EventName
from broker.tables.core import Pacticipant
from broker.tables.webhooks import TriggeredWebhook, Webhook, WebhookEvent, WebhookExecution
from broker.webhooks.outbox import claim
from tests.broker.conftest import StartBroker
from tests.broker.webhook_receiver import (
    Receiver,
    ThreadBroker,
    broker_in_thread,
    receiver,
    wait_until,
    webhook_settings,
)

UUID = "0a1b2c3d-0000-4000-8000-00000000beef"


def _define(client: httpx.Client, url: str, events_: list[str]) -> None:
    for name in ("OrderWeb", "OrderApi"):
        client.post("/pacticipants", json={"name": name})
    body = {
        "description": "notify CI",
        "consumer": {"name": "OrderWeb"},
        "provider": {"name": "OrderApi"},
        "events": [{"name": e} for e in events_],
        "request": {
            "method": "POST",
            "url": url
            + "/builds?consumer=${pactbroker.consumerName}&version=${pactbroker.consumerVersionNumber}",
            "headers": {"Content-Type": "application/json", "X-Event": "${pactbroker.eventName}"},
            "body": {
                "pactUrl": "${pactbroker.pactUrl}",
                "consumer": "${pactbroker.consumerName}",
                "tags": "${pactbroker.consumerVersionTags}",
                "branch": "${pactbroker.consumerVersionBranch}",
                "github": "${pactbroker.githubVerificationStatus}",
            },
            "username": "ci",
            "password": "p@ss-word",
        },
    }
    response = client.put(f"/webhooks/{UUID}", json=body)
    assert response.status_code == 201, response.text


def _publish_event(
    db: Database, name: EventName = EventName.CONTRACT_CONTENT_CHANGED, version: str = "1.0.0"
) -> None:
    """The publish service's side of the contract: emit inside its write transaction."""
    db.write(
        lambda s: events.emit(
            s,
            BrokerEvent(
                name=name,
                consumer="OrderWeb",
                provider="OrderApi",
                pact_version_sha="c0ffee",
                consumer_version=version,
                consumer_version_branch="main",
                consumer_version_tags=("prod", "rc"),
            ),
        )
    )


def _publish_http(client: httpx.Client, version: str) -> None:
    """A real publish through the broker's API (fires contract_published/content_changed/...)."""
    pact = {
        "consumer": {"name": "OrderWeb"},
        "provider": {"name": "OrderApi"},
        "interactions": [
            {
                "description": "get order",
                "request": {"method": "GET", "path": "/orders/1"},
                "response": {"status": 200},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    body = {
        "pacticipantName": "OrderWeb",
        "pacticipantVersionNumber": version,
        "branch": "main",
        "tags": ["prod", "rc"],
        "contracts": [
            {
                "consumerName": "OrderWeb",
                "providerName": "OrderApi",
                "specification": "pact",
                "contentType": "application/json",
                "content": base64.b64encode(json.dumps(pact).encode()).decode(),
            }
        ],
    }
    response = client.post("/contracts/publish", json=body)
    assert response.status_code == 200, response.text


def _triggered(db: Database) -> list[TriggeredWebhook]:
    return db.read(lambda s: list(s.exec(select(TriggeredWebhook).order_by(TriggeredWebhook.id)).all()))


def _executions(db: Database) -> list[WebhookExecution]:
    return db.read(lambda s: list(s.exec(select(WebhookExecution).order_by(WebhookExecution.id)).all()))


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[ThreadBroker, Receiver, httpx.Client]]:
    """A broker (SQLite) with its worker, a receiver, and a client."""
    with (
        receiver() as rx,
        broker_in_thread(webhook_settings(f"sqlite:///{tmp_path / 'broker.db'}")) as broker,
        httpx.Client(base_url=broker.url) as client,
    ):
        yield broker, rx, client


@pytest.fixture
def running_both(database_url: str) -> Iterator[tuple[ThreadBroker, Receiver, httpx.Client]]:
    """The same on SQLite and PostgreSQL."""
    with (
        receiver() as rx,
        broker_in_thread(webhook_settings(database_url)) as broker,
        httpx.Client(base_url=broker.url) as client,
    ):
        yield broker, rx, client


def test_event_is_delivered_with_substituted_request(
    running: tuple[ThreadBroker, Receiver, httpx.Client],
) -> None:
    broker, rx, client = running
    _define(client, rx.url, ["contract_content_changed"])
    _publish_event(broker.db, EventName.CONTRACT_PUBLISHED)  # not subscribed: nothing queued
    _publish_event(broker.db)
    (delivery,) = rx.wait_for(1)
    assert delivery.method == "POST"
    assert delivery.path == "/builds?consumer=OrderWeb&version=1.0.0"
    assert delivery.headers["x-event"] == "contract_content_changed"
    assert delivery.headers["authorization"] == "Basic Y2k6cEBzcy13b3Jk"  # ci:p@ss-word
    body = json.loads(delivery.body)
    assert body["consumer"] == "OrderWeb"
    assert body["tags"] == "prod, rc"
    assert body["branch"] == "main"
    assert body["github"] == "pending"
    assert body["pactUrl"].startswith(
        "http://localhost/pacts/provider/OrderApi/consumer/OrderWeb/pact-version/c0ffee/metadata/"
    )

    (row,) = wait_until(
        lambda: [r for r in _triggered(broker.db) if r.status == "success"], message="success"
    )
    assert (row.event_name, row.attempts_made, row.trigger_type) == (
        "contract_content_changed",
        1,
        "resource_creation",
    )
    assert row.lease_until is None
    assert row.next_attempt_at is None
    assert row.context["values"]["consumerVersionNumber"] == "1.0.0"
    (execution,) = _executions(broker.db)
    assert execution.success
    assert execution.status_code == 200
    assert "p@ss-word" not in execution.logs
    assert "Y2k6cEBzcy13b3Jk" not in execution.logs
    assert "Authorization: **********" in execution.logs

    listed = client.get("/pacts/provider/OrderApi/consumer/OrderWeb/version/1.0.0/triggered-webhooks").json()
    (entry,) = listed["_embedded"]["triggeredWebhooks"]
    assert (entry["status"], entry["attemptsMade"], entry["attemptsRemaining"]) == ("success", 1, 0)
    assert entry["name"] == "notify CI"
    status = client.get("/pacts/provider/OrderApi/consumer/OrderWeb/webhooks/status").json()
    assert status["summary"] == {"successful": 1, "failed": 0, "retrying": 0, "notRun": 0}


def test_failures_are_retried_with_back_off_visible_in_logs(
    running: tuple[ThreadBroker, Receiver, httpx.Client],
) -> None:
    broker, rx, client = running
    _define(client, rx.url, ["contract_content_changed"])
    rx.statuses = [500, 502]
    _publish_event(broker.db)
    deliveries = rx.wait_for(3)
    assert len(deliveries) == 3
    (row,) = wait_until(
        lambda: [r for r in _triggered(broker.db) if r.status == "success"], message="success"
    )
    assert row.attempts_made == 3
    executions = _executions(broker.db)
    assert [(e.attempt, e.success, e.status_code) for e in executions] == [
        (1, False, 500),
        (2, False, 502),
        (3, True, 200),
    ]
    assert "retry scheduled in 0.3 seconds" in executions[0].logs
    assert "retry scheduled in 0.6 seconds" in executions[1].logs
    assert "Webhook succeeded (attempt 3 of 4)" in executions[2].logs
    # the back-off was honoured: each retry came no earlier than its scheduled delay
    assert deliveries[1].received_at - deliveries[0].received_at >= 0.3
    assert deliveries[2].received_at - deliveries[1].received_at >= 0.6

    logs = client.get(f"/triggered-webhooks/{row.uuid}/logs").text
    assert "--- attempt 1 failed ---" in logs
    assert "--- attempt 3 succeeded ---" in logs
    assert "HTTP/1.0 500 Internal Server Error" in logs
    detail = client.get(f"/triggered-webhooks/{row.uuid}").json()
    assert [e["status"] for e in detail["executions"]] == [500, 502, 200]


def test_gives_up_after_the_last_attempt(running: tuple[ThreadBroker, Receiver, httpx.Client]) -> None:
    broker, rx, client = running
    _define(client, rx.url, ["contract_content_changed"])
    rx.default_status = 500
    _publish_event(broker.db)
    (row,) = wait_until(
        lambda: [r for r in _triggered(broker.db) if r.status == "failure"], message="failure"
    )
    assert row.attempts_made == 4  # 1 + the 3 retries of the schedule
    assert len(rx.deliveries) == 4
    assert "giving up" in _executions(broker.db)[-1].logs
    entry = client.get(f"/webhooks/{UUID}/triggered-webhooks").json()["_embedded"]["triggeredWebhooks"][0]
    assert (entry["status"], entry["attemptsRemaining"], entry["nextAttemptAt"]) == ("failure", 0, None)


def test_a_refused_or_deleted_target_fails_without_sending(
    running: tuple[ThreadBroker, Receiver, httpx.Client],
) -> None:
    broker, rx, client = running
    _define(client, rx.url, ["contract_content_changed"])
    worker = broker.app.state.background_worker
    worker.stop()
    _publish_event(broker.db)
    assert client.delete(f"/webhooks/{UUID}").status_code == 204
    worker.start()
    (row,) = wait_until(
        lambda: [r for r in _triggered(broker.db) if r.status == "failure"], message="failure"
    )
    assert row.webhook_id is None
    assert row.attempts_made == 1
    assert "the webhook was deleted" in _executions(broker.db)[0].logs
    assert rx.deliveries == []


def _seed_due_rows(db: Database, count: int) -> None:
    def seed(session: Session) -> None:
        webhook = Webhook(uuid="claim-test-000000001", method="POST", url="https://example.com")
        session.add(webhook)
        session.flush()
        for index in range(count):
            session.add(
                TriggeredWebhook(
                    uuid=f"t{index:04d}",
                    webhook_id=webhook.id,
                    webhook_uuid=webhook.uuid,
                    event_name="contract_published",
                    next_attempt_at=now() - timedelta(seconds=1),
                    max_attempts=3,
                )
            )

    db.write(seed)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_concurrent_claims_never_hand_out_a_row_twice(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'claims.db'}"
        if backend == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    db = Database(url)
    try:
        db.migrate()
        _seed_due_rows(db, 60)
        table = TriggeredWebhook.__table__  # type: ignore[attr-defined]
        claimed: dict[str, list[int]] = {}
        barrier = threading.Barrier(4)

        def worker(token: str) -> None:
            barrier.wait()
            mine: list[int] = []
            due = table.c.status.in_(("not_run", "retrying"))
            while True:
                ids = db.write(
                    lambda s: claim(
                        s, table, due, order_by=table.c.id, lease_seconds=60, limit=7, token=token
                    )
                )
                if not ids:
                    break
                mine.extend(ids)
            claimed[token] = mine

        threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        every = [row_id for ids in claimed.values() for row_id in ids]
        assert len(every) == 60
        assert len(set(every)) == 60
        rows = _triggered(db)
        assert {r.claimed_by for r in rows} <= set(claimed)
        assert all(r.id in claimed[str(r.claimed_by)] for r in rows)
        assert all(r.lease_until is not None and aware(r.lease_until) > now() for r in rows)
    finally:
        db.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_delivery_in_flight_when_the_broker_is_killed_is_made_after_restart(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest, start_broker: StartBroker
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'broker.db'}"
        if backend == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    env = {
        "TETHER_WEBHOOK_HOST_ALLOW_LIST": "127.0.0.1",
        "TETHER_WEBHOOK_SCHEME_ALLOW_LIST": "http,https",
        "TETHER_WEBHOOK_TIMEOUT_SECONDS": "3",
        "TETHER_WEBHOOK_LEASE_SECONDS": "4",
        "TETHER_WEBHOOK_POLL_SECONDS": "0.1",
        "TETHER_WEBHOOK_RETRY_SCHEDULE": "0.5,1",
    }
    with receiver() as rx:
        rx.hold = threading.Event()  # the first delivery hangs: it is in flight when the broker dies
        with start_broker(url, env=env) as first, httpx.Client(base_url=first.url) as client:
            _define(client, rx.url, ["contract_content_changed"])
            db = Database(url)
            try:
                _publish_http(client, "1.0.0")
                rx.wait_for(1)
                (row,) = _triggered(db)
                assert row.status == "not_run"
                assert row.lease_until is not None
                assert row.claimed_by
                first.process.send_signal(signal.SIGKILL)
                first.process.wait(10)
            finally:
                db.dispose()
        (in_flight,) = _triggered_via(url)
        assert in_flight.attempts_made == 0
        assert in_flight.lease_until is not None
        rx.hold.set()
        rx.hold = None
        with start_broker(url, env=env):
            deliveries = rx.wait_for(2, timeout=40)
            (done,) = wait_until(
                lambda: [r for r in _triggered_via(url) if r.status == "success"],
                timeout=40,
                message="success",
            )
    assert len(deliveries) == 2  # at-least-once: the first attempt's answer was lost with the process
    assert json.loads(deliveries[1].body)["consumer"] == "OrderWeb"
    assert done.attempts_made == 1
    assert [e.success for e in _executions_via(url)] == [True]


def _triggered_via(url: str) -> list[TriggeredWebhook]:
    db = Database(url)
    try:
        return _triggered(db)
    finally:
        db.dispose()


def _executions_via(url: str) -> list[WebhookExecution]:
    db = Database(url)
    try:
        return _executions(db)
    finally:
        db.dispose()


def test_outbox_rows_are_written_only_when_the_cause_commits(
    running: tuple[ThreadBroker, Receiver, httpx.Client],
) -> None:
    broker, rx, client = running
    _define(client, rx.url, ["contract_content_changed"])
    broker.app.state.background_worker.stop()

    def publish_then_fail(session: Session) -> None:
        events.emit(
            session,
            BrokerEvent(name=EventName.CONTRACT_CONTENT_CHANGED, consumer="OrderWeb", provider="OrderApi"),
        )
        assert session.exec(select(TriggeredWebhook)).first() is not None
        raise RuntimeError("publish failed after emitting")

    with pytest.raises(RuntimeError):
        broker.db.write(publish_then_fail)
    assert _triggered(broker.db) == []
    assert broker.db.read(lambda s: s.exec(select(Pacticipant)).all())
    assert broker.db.read(lambda s: [e.name for e in s.exec(select(WebhookEvent)).all()]) == [
        "contract_content_changed"
    ]


def test_all_six_events_from_real_publish_and_verification(
    running_both: tuple[ThreadBroker, Receiver, httpx.Client],
) -> None:
    broker, rx, client = running_both
    for name in ("OrderWeb", "OrderApi"):
        client.post("/pacticipants", json={"name": name})
    template = {
        "event": "${pactbroker.eventName}",
        "pactUrl": "${pactbroker.pactUrl}",
        "verificationResultUrl": "${pactbroker.verificationResultUrl}",
        "consumerVersion": "${pactbroker.consumerVersionNumber}",
        "providerVersion": "${pactbroker.providerVersionNumber}",
        "providerBranch": "${pactbroker.providerVersionBranch}",
        "github": "${pactbroker.githubVerificationStatus}",
        "gitlab": "${pactbroker.gitlabVerificationStatus}",
        "buildUrl": "${pactbroker.buildUrl}",
    }
    all_events = [
        "contract_published",
        "contract_content_changed",
        "contract_requiring_verification_published",
        "provider_verification_published",
        "provider_verification_succeeded",
        "provider_verification_failed",
    ]
    created = client.post(
        "/webhooks",
        json={
            "provider": {"name": "OrderApi"},
            "events": [{"name": e} for e in all_events],
            "request": {"method": "POST", "url": rx.url + "/all", "body": template},
        },
    )
    assert created.status_code == 201, created.text
    pact = {
        "consumer": {"name": "OrderWeb"},
        "provider": {"name": "OrderApi"},
        "interactions": [
            {
                "description": "get order",
                "request": {"method": "GET", "path": "/orders/1"},
                "response": {"status": 200},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    published = client.post(
        "/contracts/publish",
        json={
            "pacticipantName": "OrderWeb",
            "pacticipantVersionNumber": "1.0.0",
            "branch": "main",
            "buildUrl": "https://ci.example/web/1",
            "contracts": [
                {
                    "consumerName": "OrderWeb",
                    "providerName": "OrderApi",
                    "specification": "pact",
                    "contentType": "application/json",
                    "content": base64.b64encode(json.dumps(pact).encode()).decode(),
                }
            ],
        },
    )
    assert published.status_code == 200, published.text
    webhook_notices = [n["text"] for n in published.json()["notices"] if n["text"].startswith("Webhook ")]
    assert len(webhook_notices) == 3
    assert webhook_notices[0].startswith(
        "Webhook 'POST 127.0.0.1' triggered for event contract_published. See logs at "
    )
    logs_url = webhook_notices[0].rsplit(" ", 1)[1]
    assert logs_url.startswith(f"{broker.url}/triggered-webhooks/")
    assert client.get(logs_url).status_code == 200
    contract_deliveries = [json.loads(d.body) for d in rx.wait_for(3)]
    assert sorted(d["event"] for d in contract_deliveries) == sorted(all_events[:3])
    for body in contract_deliveries:
        assert body["consumerVersion"] == "1.0.0"
        assert body["github"] == "pending"
        assert body["buildUrl"] == "https://ci.example/web/1"
        assert body["pactUrl"].startswith(
            f"{broker.url}/pacts/provider/OrderApi/consumer/OrderWeb/pact-version/"
        )
    fetched = client.get(contract_deliveries[0]["pactUrl"])
    assert fetched.status_code == 200
    assert fetched.json()["consumer"] == {"name": "OrderWeb"}

    publish_href = fetched.json()["_links"]["pb:publish-verification-results"]["href"]
    verified = client.post(
        publish_href,
        json={
            "success": False,
            "providerApplicationVersion": "2.0.0",
            "buildUrl": "https://ci.example/api/9",
        },
    )
    assert verified.status_code == 201, verified.text
    verification_deliveries = [json.loads(d.body) for d in rx.wait_for(5)[3:]]
    assert sorted(d["event"] for d in verification_deliveries) == [
        "provider_verification_failed",
        "provider_verification_published",
    ]
    for body in verification_deliveries:
        assert body["providerVersion"] == "2.0.0"
        assert (body["github"], body["gitlab"]) == ("failure", "failed")
        assert body["buildUrl"] == "https://ci.example/api/9"
        assert body["consumerVersion"] == "1.0.0"
        result = client.get(body["verificationResultUrl"])
        assert result.status_code == 200, body["verificationResultUrl"]
        assert result.json()["success"] is False
    rows = wait_until(
        lambda: (found := _triggered(broker.db)) and all(r.status == "success" for r in found) and found,
        message="all delivered",
    )
    assert len(rows) == 5
    by_verification = client.get(verified.json()["_links"]["pb:triggered-webhooks"]["href"]).json()
    assert sorted(t["eventName"] for t in by_verification["_embedded"]["triggeredWebhooks"]) == [
        "provider_verification_failed",
        "provider_verification_published",
    ]
    by_version = client.get(published.json()["_links"]["pb:pacticipant-version"]["href"]).json()
    pact_href = client.get("/pacts/provider/OrderApi/consumer/OrderWeb/version/1.0.0").json()
    by_pact = client.get(pact_href["_links"]["pb:triggered-webhooks"]["href"]).json()
    assert sorted(t["eventName"] for t in by_pact["_embedded"]["triggeredWebhooks"]) == sorted(all_events[:3])
    assert by_version["number"] == "1.0.0"


@pytest.mark.postgres
@pytest.mark.slow
def test_two_broker_processes_share_the_outbox_without_duplicates(
    postgres_url: str, start_broker: StartBroker
) -> None:
    env = {
        "TETHER_WEBHOOK_HOST_ALLOW_LIST": "127.0.0.1",
        "TETHER_WEBHOOK_SCHEME_ALLOW_LIST": "http,https",
        "TETHER_WEBHOOK_POLL_SECONDS": "0.05",
    }
    with (
        receiver() as rx,
        start_broker(postgres_url, env=env) as first,
        start_broker(postgres_url, env=env) as second,
        httpx.Client(base_url=first.url) as one,
        httpx.Client(base_url=second.url) as two,
    ):
        _define(one, rx.url, ["contract_published"])
        versions = [f"1.0.{n}" for n in range(12)]
        for index, version in enumerate(versions):
            _publish_http(one if index % 2 else two, version)
        deliveries = rx.wait_for(12, timeout=40)
        done = wait_until(
            lambda: (
                (rows := _triggered_via(postgres_url)) and all(r.status == "success" for r in rows) and rows
            ),
            timeout=40,
            message="all delivered",
        )
    delivered = sorted(d.path.split("version=")[1] for d in deliveries)
    assert delivered == sorted(versions)  # each exactly once
    assert len(done) == 12
    assert all(r.attempts_made == 1 for r in done)


def test_requiring_verification_runs_once_per_provider_version_to_verify(
    running: tuple[ThreadBroker, Receiver, httpx.Client],
) -> None:
    broker, rx, client = running
    for name in ("OrderWeb", "OrderApi"):
        client.post("/pacticipants", json={"name": name})
    assert client.patch("/pacticipants/OrderApi", json={"mainBranch": "main"}).status_code == 200
    assert client.put("/pacticipants/OrderApi/branches/main/versions/2.0.0", json={}).status_code == 201
    assert client.put("/pacticipants/OrderApi/versions/1.5.0", json={}).status_code == 201
    environment = client.post("/environments", json={"name": "production", "production": True}).json()
    deployed = client.post(
        f"/pacticipants/OrderApi/versions/1.5.0/deployed-versions/environment/{environment['uuid']}", json={}
    )
    assert deployed.status_code == 201, deployed.text
    body = {
        "provider": {"name": "OrderApi"},
        "events": [{"name": "contract_requiring_verification_published"}],
        "request": {
            "method": "POST",
            "url": rx.url + "/verify?providerVersion=${pactbroker.providerVersionNumber}",
            "body": {
                "branch": "${pactbroker.providerVersionBranch}",
                "why": "${pactbroker.providerVersionDescriptions}",
                "pactUrl": "${pactbroker.pactUrl}",
            },
        },
    }
    assert client.post("/webhooks", json=body).status_code == 201
    _publish_http(client, "3.0.0")
    deliveries = sorted(rx.wait_for(2), key=lambda d: d.path)
    assert [d.path for d in deliveries] == ["/verify?providerVersion=1.5.0", "/verify?providerVersion=2.0.0"]
    first, second = (json.loads(d.body) for d in deliveries)
    assert first["why"] == "the version deployed in production"
    assert (second["branch"], second["why"]) == ("main", "the latest version from the main branch main")
    assert first["pactUrl"] == second["pactUrl"]
    rows = _triggered(broker.db)
    assert sorted(r.provider_version_number or "" for r in rows) == ["1.5.0", "2.0.0"]
