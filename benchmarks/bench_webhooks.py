"""Webhook delivery through the outbox, against real ``tether broker serve`` processes over loopback.

For each backend (SQLite, PostgreSQL) and for one and two broker processes on the same database:
publish ``--events`` pacts (each fires ``contract_published``, which one webhook listens to) as fast as
one client can, and measure

* publish latency p50/p95 with the webhook defined (the outbox row is written in the publish transaction);
* event-to-delivery latency p50/p95 (publish acknowledged -> request received by the target);
* time until every delivery arrived, and duplicates (must be 0 without crashes).

    .venv/bin/python benchmarks/bench_webhooks.py [--events 200] [--backends sqlite,postgres]

Figures are printed and written to benchmarks/results/webhooks.json.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.broker.webhook_receiver import receiver  # noqa: E402
from tests.support import free_port, running_process, tether_executable  # noqa: E402

POSTGRES_ADMIN = os.environ.get("TETHER_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pact(n: int) -> str:
    pact = {
        "consumer": {"name": "BenchWeb"},
        "provider": {"name": "BenchApi"},
        "interactions": [
            {
                "description": f"get {n}",
                "request": {"method": "GET", "path": f"/r/{n}"},
                "response": {"status": 200},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    return base64.b64encode(json.dumps(pact).encode()).decode()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(database_url: str, processes: int, events: int, workdir: Path) -> dict[str, Any]:
    env = {
        "TETHER_WEBHOOK_HOST_ALLOW_LIST": "127.0.0.1",
        "TETHER_WEBHOOK_SCHEME_ALLOW_LIST": "http,https",
        "TETHER_WEBHOOK_POLL_SECONDS": "0.2",
    }
    with receiver() as rx:
        servers = []
        urls = []
        try:
            for _ in range(processes):
                port = free_port()
                args = [*tether_executable(), "broker", "serve", "--host", "127.0.0.1", "--port", str(port)]
                args += ["--database-url", database_url, "--log-level", "warning"]
                ctx = running_process(
                    args,
                    ready_url=f"http://127.0.0.1:{port}/diagnostic/status/heartbeat",
                    env=env,
                    cwd=workdir,
                )
                ctx.__enter__()
                servers.append(ctx)
                urls.append(f"http://127.0.0.1:{port}")
            clients = [httpx.Client(base_url=u, timeout=30) for u in urls]
            for name in ("BenchWeb", "BenchApi"):
                clients[0].post("/pacticipants", json={"name": name})
            hook = {
                "provider": {"name": "BenchApi"},
                "events": [{"name": "contract_published"}],
                "request": {"method": "POST", "url": rx.url + "/hook?v=${pactbroker.consumerVersionNumber}"},
            }
            assert clients[0].post("/webhooks", json=hook).status_code == 201
            publish_ms: list[float] = []
            acknowledged: dict[str, float] = {}
            started = time.perf_counter()
            for n in range(events):
                version = f"1.0.{n}"
                body = {
                    "pacticipantName": "BenchWeb",
                    "pacticipantVersionNumber": version,
                    "branch": "main",
                    "contracts": [
                        {
                            "consumerName": "BenchWeb",
                            "providerName": "BenchApi",
                            "specification": "pact",
                            "contentType": "application/json",
                            "content": _pact(n),
                        }
                    ],
                }
                t0 = time.perf_counter()
                response = clients[n % processes].post("/contracts/publish", json=body)
                t1 = time.perf_counter()
                assert response.status_code == 200, response.text
                publish_ms.append((t1 - t0) * 1000)
                acknowledged[version] = time.time()
            rx.wait_for(events, timeout=300)
            all_delivered = time.perf_counter() - started
            time.sleep(1.0)  # would-be duplicates arrive here
            with rx.lock:
                deliveries = list(rx.deliveries)
            seen = [d.path.split("v=")[1] for d in deliveries]
            latency_ms = [
                (d.received_at - acknowledged[v]) * 1000 for d, v in zip(deliveries, seen, strict=True)
            ]
            for client in clients:
                client.close()
        finally:
            for ctx in servers:
                ctx.__exit__(None, None, None)
    return {
        "processes": processes,
        "events": events,
        "publish_ms_p50": round(statistics.median(publish_ms), 2),
        "publish_ms_p95": round(_percentile(publish_ms, 0.95), 2),
        "delivery_latency_ms_p50": round(statistics.median(latency_ms), 1),
        "delivery_latency_ms_p95": round(_percentile(latency_ms, 0.95), 1),
        "seconds_until_all_delivered": round(all_delivered, 2),
        "deliveries": len(seen),
        "duplicates": len(seen) - len(set(seen)),
    }


def _postgres_database() -> tuple[str, str]:
    import psycopg

    name = f"tether_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def _drop(name: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    os.environ.setdefault("PACT_DO_NOT_TRACK", "true")
    results: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "runs": [],
    }
    for backend in args.backends.split(","):
        for processes in (1, 2):
            with tempfile.TemporaryDirectory() as tmp:
                if backend == "sqlite":
                    figures = run(f"sqlite:///{Path(tmp) / 'bench.db'}", processes, args.events, Path(tmp))
                else:
                    name, url = _postgres_database()
                    try:
                        figures = run(url, processes, args.events, Path(tmp))
                    finally:
                        _drop(name)
            figures["backend"] = backend
            results["runs"].append(figures)
            print(json.dumps(figures))
    out = ROOT / "benchmarks" / "results" / "webhooks.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
