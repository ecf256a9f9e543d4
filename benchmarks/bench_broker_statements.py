"""Statements per publish: the SQL one ``POST /contracts/publish`` sends, counted with SQLAlchemy's
``before_cursor_execute`` hook on an in-process app (``TestClient``) over the given database.

Run with the interpreter of the tree to measure (its editable install decides which ``broker`` is
imported), so the same script counts an old checkout and this one:

    /work/main/.venv/bin/python benchmarks/bench_broker_statements.py DATABASE_URL
    .venv/bin/python benchmarks/bench_broker_statements.py DATABASE_URL

Prints JSON: the statements of the measured publish (after three warm-up publishes), whether the pool
pings each checked-out connection (one more round trip each), and the round trips in all.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from broker.app import create_app
from broker.db import Database
from broker.settings import BrokerSettings


def pact(interactions: int = 50) -> dict[str, Any]:
    return {
        "consumer": {"name": "bench-consumer"},
        "provider": {"name": "provider-00"},
        "interactions": [
            {
                "description": f"request {i} (variant 0)",
                "providerState": f"item {i} exists",
                "request": {
                    "method": "GET",
                    "path": f"/items/{i}",
                    "headers": {"Accept": "application/json"},
                },
                "response": {"status": 200, "body": {"id": i, "name": f"item {i}", "tags": ["a", "b"]}},
            }
            for i in range(interactions)
        ],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }


def main() -> None:
    url = sys.argv[1]
    os.environ["TETHER_DATABASE_URL"] = url
    os.environ.setdefault("PACT_DO_NOT_TRACK", "true")
    db = Database(url)
    app = create_app(BrokerSettings.from_env(), database=db)
    statements: list[str] = []
    counting = [False]

    def record(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        if counting[0]:
            statements.append(" ".join(statement.split())[:160])

    for engine in {db.engine, db.write_engine}:
        event.listen(engine, "before_cursor_execute", record)
    content = base64.b64encode(json.dumps(pact()).encode()).decode()

    def body() -> dict[str, Any]:
        return {
            "pacticipantName": "bench-consumer",
            "pacticipantVersionNumber": f"count-{uuid.uuid4().hex[:8]}",
            "branch": "main",
            "contracts": [
                {
                    "consumerName": "bench-consumer",
                    "providerName": "provider-00",
                    "specification": "pact",
                    "contentType": "application/json",
                    "content": content,
                }
            ],
        }

    with TestClient(app) as client:
        for _ in range(3):
            assert client.post("/contracts/publish", json=body()).status_code == 200
        counting[0] = True
        response = client.post("/contracts/publish", json=body())
        counting[0] = False
        assert response.status_code == 200, response.text
    pre_ping = bool(getattr(db.write_engine.pool, "_pre_ping", False))
    explicit_begin = any(s.startswith("BEGIN") for s in statements)
    # PostgreSQL: psycopg sends BEGIN itself (not a cursor statement); both: COMMIT; plus the ping
    round_trips = len(statements) + (0 if explicit_begin else 1) + 1 + (1 if pre_ping else 0)
    print(
        json.dumps(
            {
                "statements": len(statements),
                "pool_pre_ping": pre_ping,
                "round_trips": round_trips,
                "sql": statements,
            }
        )
    )
    db.dispose()


if __name__ == "__main__":
    main()
