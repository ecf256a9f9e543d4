"""Publishing under contention: 50 concurrent publishers against one broker served by 2 worker processes
(``tether broker serve --workers 2``), on SQLite and on PostgreSQL.

Each publisher sends ``POST /contracts/publish`` as the Pact CLI does (base64 pact, branch, one tag),
mostly distinct consumer versions of ten consumers to three providers, and every fourth publish goes to
one shared consumer with a version number other publishers use too (the same content, so the broker
answers 200 "unchanged"): those race on the same pacticipant, version, branch and pact-publication rows.
Reported: publishes/s, p50/p95 latency, the error count (any non-200, e.g. a 5xx, "database is locked" or a
unique-violation 500, must be 0), and whether the database holds exactly what was acknowledged.

    .venv/bin/python benchmarks/bench_broker_concurrency.py [--publishers 50] [--per-publisher 10]
        [--rounds 2] [--backends sqlite,postgres] [--baseline /work/main]

With ``--baseline`` the same load runs against that checkout's broker too, alternating round by round.
Figures are printed and written to benchmarks/results/broker_concurrency.json.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_broker import percentile, postgres_database  # noqa: E402
from broker.db import Database  # noqa: E402
from tests.support import free_port, running_process, tether_executable  # noqa: E402

PROVIDERS = ("provider-a", "provider-b", "provider-c")
SHARED_CONSUMER = "shared-consumer"
KEEPALIVE_EXPIRY = 2.0  # seconds: below the broker's keep-alive (5 s), see load()


def pact(consumer: str, provider: str, variant: str) -> dict[str, Any]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [
            {
                "description": f"request {i} ({variant})",
                "providerState": f"item {i} exists",
                "request": {"method": "GET", "path": f"/items/{i}"},
                "response": {"status": 200, "body": {"id": i, "variant": variant}},
            }
            for i in range(10)
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


def publish_body(consumer: str, version: str, provider: str, variant: str, tag: str) -> dict[str, Any]:
    content = base64.b64encode(json.dumps(pact(consumer, provider, variant)).encode()).decode()
    return {
        "pacticipantName": consumer,
        "pacticipantVersionNumber": version,
        "branch": "main",
        "tags": [tag],
        "contracts": [
            {
                "consumerName": consumer,
                "providerName": provider,
                "specification": "pact",
                "contentType": "application/json",
                "content": content,
            }
        ],
    }


def plan(run: str, publishers: int, per_publisher: int) -> list[list[dict[str, Any]]]:
    """Each publisher's bodies. Shared versions carry the same content whoever publishes them."""
    bodies: list[list[dict[str, Any]]] = []
    for p in range(publishers):
        mine = []
        for j in range(per_publisher):
            if j % 4 == 3:
                shared = f"{run}-shared-{j}"
                mine.append(publish_body(SHARED_CONSUMER, shared, PROVIDERS[0], shared, "shared"))
            else:
                consumer = f"consumer-{p % 10}"
                version = f"{run}-p{p}-{j}"
                variant = f"v{j // 3}"  # content changes every third version
                mine.append(publish_body(consumer, version, PROVIDERS[j % 3], variant, f"t{j % 2}"))
        bodies.append(mine)
    return bodies


async def load(url: str, bodies: list[list[dict[str, Any]]]) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[str] = []
    start = asyncio.Event()

    async def publisher(client: httpx.AsyncClient, mine: list[dict[str, Any]]) -> None:
        await start.wait()
        for body in mine:
            began = time.perf_counter()
            try:
                response = await client.post("/contracts/publish", json=body)
            except httpx.HTTPError as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
                continue
            latencies.append((time.perf_counter() - began) * 1000)
            if response.status_code != 200:
                errors.append(f"{response.status_code}: {response.text[:300]}")

    # The broker closes a connection idle for 5 s after a response (uvicorn's keep-alive, default
    # TETHER_KEEP_ALIVE_SECONDS); httpx keeps an idle connection for 5 s too (keepalive_expiry). A pooled
    # connection picked up just as the server's timer closes it fails with ReadError before the request is
    # read: a race of the client's pool, not a broker error. The client lets idle connections go first.
    limits = httpx.Limits(
        max_connections=len(bodies), max_keepalive_connections=len(bodies), keepalive_expiry=KEEPALIVE_EXPIRY
    )
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        tasks = [asyncio.create_task(publisher(client, mine)) for mine in bodies]
        began = time.perf_counter()
        start.set()
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - began
    total = sum(len(mine) for mine in bodies)
    return {
        "publishes": total,
        "seconds": round(elapsed, 2),
        "publishes_per_s": round(total / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 0.95), 1) if latencies else None,
        "errors": len(errors),
        "error_samples": errors[:5],
    }


def check_database(database_url: str, runs: list[str], publishers: int, per_publisher: int) -> dict[str, Any]:
    """What the database holds against what was acknowledged (every publish answered 200)."""
    shared_per_run = len([j for j in range(per_publisher) if j % 4 == 3])
    own_per_run = publishers * (per_publisher - shared_per_run)
    expected_versions = len(runs) * (own_per_run + shared_per_run)
    db = Database(database_url)
    try:

        def count(sql: str) -> int:
            return int(db.read(lambda s: s.execute(text(sql)).scalar_one()))

        found = {
            "versions": count("SELECT count(*) FROM version"),
            "pact_publications": count("SELECT count(*) FROM pact_publication"),
            "branch_versions": count("SELECT count(*) FROM branch_version"),
            "pacticipants": count("SELECT count(*) FROM pacticipant"),
            "duplicate_pacticipant_names": count(
                "SELECT count(*) FROM (SELECT name FROM pacticipant GROUP BY name HAVING count(*) > 1) d"
            ),
            "versions_without_publication": count(
                "SELECT count(*) FROM version v WHERE NOT EXISTS "
                "(SELECT 1 FROM pact_publication p WHERE p.consumer_version_id = v.id)"
            ),
        }
    finally:
        db.dispose()
    expected = {
        "versions": expected_versions,
        "pact_publications": expected_versions,
        "branch_versions": expected_versions,
        "pacticipants": 10 + 1 + len(PROVIDERS),
        "duplicate_pacticipant_names": 0,
        "versions_without_publication": 0,
    }
    return {"found": found, "expected": expected, "consistent": found == expected}


def run_backend(database_url: str, options: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    trees = {"current": tether_executable()}
    if options.baseline is not None:
        trees["baseline"] = [str(options.baseline / ".venv" / "bin" / "tether")]
    results: dict[str, Any] = {name: {"rounds": []} for name in trees}
    for round_index in range(options.rounds):
        order = list(trees) if round_index % 2 == 0 else list(trees)[::-1]
        for name in order:
            # a fresh database per run, so each variant starts from the same state
            with database_for(database_url, workdir, f"{name}{round_index}") as url:
                port = free_port()
                args = [*trees[name], "broker", "serve", "--port", str(port), "--database-url", url]
                args += ["--workers", str(options.workers), "--log-level", "warning"]
                base = f"http://127.0.0.1:{port}"
                with running_process(
                    args, ready_url=base + "/diagnostic/status/heartbeat", cwd=workdir, timeout=300
                ):
                    warm = plan("warm", 4, 2)
                    asyncio.run(load(base, warm))
                    run_id = f"r{round_index}"
                    figures = asyncio.run(load(base, plan(run_id, options.publishers, options.per_publisher)))
                # warm-up publishes are checked too: 4 publishers x 2 own versions
                check = check_database(url, [run_id], options.publishers, options.per_publisher)
                check["expected"]["versions"] += 8
                check["expected"]["pact_publications"] += 8
                check["expected"]["branch_versions"] += 8
                check["consistent"] = check["found"] == check["expected"]
                figures["database"] = check
                results[name]["rounds"].append(figures)
                print(name, json.dumps(figures), flush=True)
    for figures in results.values():
        rounds = figures["rounds"]
        figures["publishes_per_s"] = round(statistics.median(r["publishes_per_s"] for r in rounds), 1)
        figures["p50_ms"] = round(statistics.median(r["p50_ms"] for r in rounds), 1)
        figures["p95_ms"] = round(statistics.median(r["p95_ms"] for r in rounds), 1)
        figures["errors"] = sum(r["errors"] for r in rounds)
        figures["consistent"] = all(r["database"]["consistent"] for r in rounds)
    return results


@contextlib.contextmanager
def database_for(backend: str, workdir: Path, name: str) -> Iterator[str]:
    """A fresh database: a SQLite file, or a new PostgreSQL database (dropped afterwards)."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / f'{name}-{uuid.uuid4().hex[:6]}.db'}"
        return
    with postgres_database() as url:
        yield url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--publishers", type=int, default=50)
    parser.add_argument("--per-publisher", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--baseline", type=Path, default=None)
    options = parser.parse_args()
    os.environ.setdefault("PACT_DO_NOT_TRACK", "true")
    report: dict[str, Any] = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "publishers": options.publishers,
        "per_publisher": options.per_publisher,
        "workers": options.workers,
        "baseline": str(options.baseline) if options.baseline else None,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
        },
        "backends": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        for backend in options.backends.split(","):
            report["backends"][backend] = run_backend(
                "sqlite" if backend == "sqlite" else "postgres", options, Path(tmp)
            )
    report["machine"]["load_average_after"] = os.getloadavg()
    summary = {
        backend: {
            name: {k: v for k, v in figures.items() if k != "rounds"} for name, figures in variants.items()
        }
        for backend, variants in report["backends"].items()
    }
    print(json.dumps(summary, indent=2))
    out = ROOT / "benchmarks" / "results" / "broker_concurrency.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
