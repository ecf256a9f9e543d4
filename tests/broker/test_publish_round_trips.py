"""What a publish costs the database, and what survives without a pre-ping per connection checkout.

* a new consumer version on an existing branch with known content is written with one statement per
  row (``INSERT ... RETURNING``, ``INSERT ... SELECT``), never inserted and then read back; its
  publication is inserted from the pact version found by sha (no look-up of its own);
* a request body is parsed (strictly) once: the middleware's value reaches the publishing service;
* the pool does not ping: a connection the server closed fails once, and reads and writes run again on
  a fresh one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy import event, text

import broker.json_guard
import broker.services.pact_content
from broker.db import Database
from tests.broker.conftest import LocalBroker, LocalBrokerFactory
from tests.broker.test_publishing import publish_body


def pact(description: str = "a request for an order") -> dict[str, Any]:
    return {
        "consumer": {"name": "OrderWeb"},
        "provider": {"name": "OrderApi"},
        "interactions": [
            {
                "description": description,
                "request": {"method": "GET", "path": "/orders/1"},
                "response": {"status": 200, "body": {"id": 1}},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


@pytest.fixture
def served(database_url: str, local_broker_factory: LocalBrokerFactory) -> Iterator[LocalBroker]:
    with local_broker_factory(database_url=database_url) as running:
        yield running


def statements_of(db: Database, action: Any) -> list[str]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(" ".join(statement.split()))

    engine = db.write_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return [s for s in seen if not s.startswith("BEGIN")]


def test_a_new_version_on_a_known_branch_is_written_without_reading_rows_back(served: LocalBroker) -> None:
    with httpx.Client(base_url=served.url, timeout=30) as http:
        assert http.post("/contracts/publish", json=publish_body(pact(), "1.0.0")).status_code == 200
        body = publish_body(pact(), "1.0.1")
        body["buildUrl"] = "https://ci.example/builds/2"
        response: list[httpx.Response] = []
        sql = statements_of(served.db, lambda: response.append(http.post("/contracts/publish", json=body)))
        assert response[0].status_code == 200, response[0].text
        served_pact = http.get("/pacts/provider/OrderApi/consumer/OrderWeb/version/1.0.1")
        assert served_pact.status_code == 200

    version_inserts = [s for s in sql if s.startswith("INSERT INTO version ")]
    assert len(version_inserts) == 1, sql
    assert "RETURNING" in version_inserts[0]
    assert not any(s.startswith("SELECT version.") for s in sql), sql  # not read back after the insert
    branch_statements = [s for s in sql if "branch_version" in s.split(" WHERE ")[0]]
    assert len(branch_statements) == 1, sql  # found the branch while inserting
    assert branch_statements[0].startswith("INSERT INTO branch_version")
    assert not any(s.startswith("SELECT pact_publication.") for s in sql), sql  # a new version has none
    assert not any("pact_version.content" in s for s in sql), sql  # the stored pact is not loaded
    # whether the provider has provider contracts, and whether any webhook is enabled, came with the
    # pacticipants, not in look-ups of their own
    assert not any(s.startswith("SELECT provider_contract.") for s in sql), sql
    assert not any(s.startswith("SELECT webhook.") for s in sql), sql
    # known content: the publication is inserted from the pact version found by its sha, one statement
    publication_inserts = [s for s in sql if s.startswith("INSERT INTO pact_publication ")]
    assert len(publication_inserts) == 1, sql
    assert "FROM pact_version" in publication_inserts[0]
    assert not any(s.startswith("SELECT pact_version.id") for s in sql), sql
    assert len(sql) <= 6, sql

    rows = served.db.read(
        lambda s: s.execute(
            text(
                "SELECT v.build_url, bv.branch_name, pv.sha FROM version v "
                "JOIN branch_version bv ON bv.version_id = v.id "
                "JOIN pact_publication pp ON pp.consumer_version_id = v.id "
                "JOIN pact_version pv ON pv.id = pp.pact_version_id WHERE v.number = '1.0.1'"
            )
        ).all()
    )
    assert [(url, branch) for url, branch, _ in rows] == [("https://ci.example/builds/2", "main")]
    assert served.db.read(lambda s: s.execute(text("SELECT count(*) FROM pact_version")).scalar_one()) == 1


def test_republishing_a_version_and_a_new_branch_still_work(served: LocalBroker) -> None:
    with httpx.Client(base_url=served.url, timeout=30) as http:
        assert http.post("/contracts/publish", json=publish_body(pact(), "1.0.0")).status_code == 200
        again = http.post("/contracts/publish", json=publish_body(pact(), "1.0.0", branch="feat/x"))
        assert again.status_code == 200, again.text
        assert any("no content changes" in n["text"] for n in again.json()["notices"])
        branches = http.get("/pacticipants/OrderWeb/versions/1.0.0").json()["_embedded"]["branchVersions"]
        assert sorted(b["name"] for b in branches) == ["feat/x", "main"]
        changed = http.post("/contracts/publish", json=publish_body(pact("changed"), "1.0.0"))
        assert changed.status_code == 409


def test_a_request_body_is_parsed_strictly_once(served: LocalBroker, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    original = broker.json_guard.strict_loads

    def counting(raw: Any, **kwargs: Any) -> Any:
        calls.append(kwargs.get("what", "body"))
        return original(raw, **kwargs)

    monkeypatch.setattr(broker.json_guard, "strict_loads", counting)
    monkeypatch.setattr(broker.services.pact_content, "strict_loads", counting)
    with httpx.Client(base_url=served.url, timeout=30) as http:
        put = http.put(
            "/pacts/provider/OrderApi/consumer/OrderWeb/version/1.0.0",
            content=json.dumps(pact()),
            headers={"Content-Type": "application/json"},
        )
        assert put.status_code == 201, put.text
        assert calls == ["body"]  # the middleware's; the service used its value
        calls.clear()
        posted = http.post("/contracts/publish", json=publish_body(pact(), "1.0.1"))
        assert posted.status_code == 200, posted.text
        assert calls == ["body", "The pact"]  # the request, then the base64 pact inside it
        nan = http.put(
            "/pacts/provider/OrderApi/consumer/OrderWeb/version/2.0.0",
            content=json.dumps(pact()).replace('"id": 1', '"id": NaN'),
            headers={"Content-Type": "application/json"},
        )
        assert nan.status_code == 400
        assert "NaN" in nan.text
        assert http.get("/pacts/provider/OrderApi/consumer/OrderWeb/version/2.0.0").status_code == 404


@pytest.mark.postgres
def test_connections_the_server_closed_are_replaced_without_a_pre_ping(postgres_url: str) -> None:
    db = Database(postgres_url)
    try:
        db.migrate()
        assert db.read(lambda s: s.execute(text("SELECT 1")).scalar_one()) == 1  # a pooled connection
        name = postgres_url.rsplit("/", 1)[1]
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{name}", autocommit=True) as admin:
            killed = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            ).fetchone()
        assert killed is not None
        assert killed[0] >= 1
        assert db.read(lambda s: s.execute(text("SELECT count(*) FROM pacticipant")).scalar_one()) == 0
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{name}", autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
        db.write(
            lambda s: s.execute(
                text("INSERT INTO pacticipant (name, created_at, updated_at) VALUES ('A', now(), now())")
            )
        )
        assert db.read(lambda s: s.execute(text("SELECT name FROM pacticipant")).scalars().all()) == ["A"]
    finally:
        db.dispose()
