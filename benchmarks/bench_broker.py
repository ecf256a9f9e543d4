"""Broker latency on a database seeded at the scale one real Pact Broker user reported (issue #872 of
pact_broker: 60 pacticipants, 190,000 versions, 170,000 pact publications, 60,000 verifications),
multiplied by ``--scale`` (default 0.05), on SQLite and on PostgreSQL.

Measured against a real ``tether broker serve`` process over loopback HTTP, p50/p95 of:

* publish of a 50-interaction pact (``POST /contracts/publish``, a new consumer version each time);
* pacts for verification with ``mainBranch`` + ``deployedOrReleased`` selectors;
* can-i-deploy of a consumer version to an environment (``GET /matrix`` as the CLI sends it).

    .venv/bin/python benchmarks/bench_broker.py [--scale 0.05] [--runs 60] [--backends sqlite,postgres]
        [--baseline /work/main] [--keep-seed]

``--keep-seed`` (PostgreSQL): the seeded database is kept (``tether_bench_seeded_<scale>``, reused while
it exists: drop it after a schema change) and each run measures on a ``CREATE DATABASE ... TEMPLATE`` copy,
so the full scale is seeded once, not every run.

With ``--baseline`` (a checkout with its own ``.venv``), a second server runs that checkout's broker on
the same seeded database and every measurement alternates between the two round by round (so the
machine's noise hits both); the statements per publish of each are counted too
(``bench_broker_statements.py``, run with each tree's interpreter).

Each server's CPU time per request (from ``/proc``) is reported beside the latencies: unlike them, it
does not grow with the load other jobs put on the machine.

Targets: can-i-deploy p95 < 20 ms, pacts for verification p95 < 50 ms, publish p50 < 10 ms.
Figures are printed and written to benchmarks/results/broker.json.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import functools
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from broker.db import Database  # noqa: E402
from broker.tables.core import (  # noqa: E402
    Branch,
    BranchVersion,
    Integration,
    Pacticipant,
    PactPublication,
    PactVersion,
    Tag,
    Version,
)
from broker.tables.environments import DeployedVersion, Environment  # noqa: E402
from broker.tables.verification import LatestVerification, Verification  # noqa: E402
from tests.support import free_port, running_process, tether_executable  # noqa: E402

FULL = {"pacticipants": 60, "versions": 190_000, "publications": 170_000, "verifications": 60_000}
CONSUMERS, PROVIDERS = 40, 20
POSTGRES_ADMIN = os.environ.get("TETHER_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def pact_content(consumer: str, provider: str, variant: int, interactions: int = 5) -> str:
    return json.dumps(
        {
            "consumer": {"name": consumer},
            "provider": {"name": provider},
            "interactions": [
                {
                    "description": f"request {i} (variant {variant})",
                    "providerState": f"item {i} exists",
                    "request": {
                        "method": "GET",
                        "path": f"/items/{i}",
                        "headers": {"Accept": "application/json"},
                    },
                    "response": {
                        "status": 200,
                        "headers": {"Content-Type": "application/json"},
                        "body": {"id": i, "name": f"item {i}", "tags": ["a", "b"], "variant": variant},
                    },
                }
                for i in range(interactions)
            ],
            "metadata": {"pactSpecification": {"version": "2.0.0"}},
        }
    )


def seed(db: Database, scale: float) -> dict[str, Any]:
    """Bulk-insert a broker history: consumers publish to their providers from main and feature branches,
    providers verify main-branch pacts, the latest main versions are deployed to production."""
    rng = random.Random(872)
    n_versions = max(200, int(FULL["versions"] * scale))
    n_publications = max(150, int(FULL["publications"] * scale))
    n_verifications = max(50, int(FULL["verifications"] * scale))
    start = datetime(2025, 1, 1, tzinfo=UTC)
    names = [f"consumer-{i:02d}" for i in range(CONSUMERS)] + [f"provider-{i:02d}" for i in range(PROVIDERS)]
    pacticipants = [
        {"id": i + 1, "name": name, "main_branch": "main", "created_at": start, "updated_at": start}
        for i, name in enumerate(names)
    ]
    providers_of = {
        c: rng.sample(range(CONSUMERS + 1, CONSUMERS + PROVIDERS + 1), 3) for c in range(1, CONSUMERS + 1)
    }
    integrations = [
        {"consumer_id": c, "provider_id": p, "created_at": start, "contract_data_updated_at": start}
        for c, ps in providers_of.items()
        for p in ps
    ]
    versions: list[dict[str, Any]] = []
    branches: dict[tuple[int, str], int] = {}
    branch_versions: list[dict[str, Any]] = []
    tags: list[dict[str, Any]] = []
    consumer_versions: dict[int, list[int]] = {c: [] for c in range(1, CONSUMERS + 1)}
    provider_versions: dict[int, list[int]] = {p: [] for p in range(CONSUMERS + 1, CONSUMERS + PROVIDERS + 1)}
    n_provider_versions = n_versions - n_publications
    for vid in range(1, n_versions + 1):
        is_consumer = vid > n_provider_versions or (vid % 10 != 0 and vid > n_provider_versions // 2)
        owner = (
            rng.randint(1, CONSUMERS)
            if vid > n_provider_versions
            else rng.randint(CONSUMERS + 1, CONSUMERS + PROVIDERS)
        )
        is_consumer = owner <= CONSUMERS
        stamp = start + timedelta(seconds=vid * 60)
        versions.append(
            {
                "id": vid,
                "pacticipant_id": owner,
                "number": f"{vid:07d}",
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
        (consumer_versions if is_consumer else provider_versions)[owner].append(vid)
        branch = "main" if rng.random() < 0.7 else f"feature/{rng.randint(1, max(2, int(3600 * scale)))}"
        key = (owner, branch)
        if key not in branches:
            branches[key] = len(branches) + 1
        branch_versions.append(
            {
                "id": vid,
                "branch_id": branches[key],
                "version_id": vid,
                "pacticipant_id": owner,
                "branch_name": branch,
                "created_at": stamp,
            }
        )
        if rng.random() < 0.1:
            tags.append(
                {
                    "version_id": vid,
                    "pacticipant_id": owner,
                    "name": rng.choice(["prod", "staging", "rc"]),
                    "created_at": stamp,
                }
            )
    branch_rows = [
        {"id": bid, "pacticipant_id": owner, "name": name, "created_at": start, "updated_at": start}
        for (owner, name), bid in branches.items()
    ]
    pact_versions: list[dict[str, Any]] = []
    pact_version_of: dict[tuple[int, int, int], int] = {}
    publications: list[dict[str, Any]] = []
    for consumer, vids in consumer_versions.items():
        for index, vid in enumerate(vids):
            provider = providers_of[consumer][index % 3]
            variant = index // 30  # content changes every ~30 versions of a pair
            key = (consumer, provider, variant)
            if key not in pact_version_of:
                pact_version_of[key] = len(pact_versions) + 1
                content = pact_content(names[consumer - 1], names[provider - 1], variant)
                pact_versions.append(
                    {
                        "id": pact_version_of[key],
                        "consumer_id": consumer,
                        "provider_id": provider,
                        "sha": uuid.uuid5(uuid.NAMESPACE_OID, content).hex,
                        "content": content,
                        "created_at": start,
                    }
                )
            stamp = versions[vid - 1]["created_at"]
            publications.append(
                {
                    "consumer_id": consumer,
                    "provider_id": provider,
                    "consumer_version_id": vid,
                    "pact_version_id": pact_version_of[key],
                    "revision_number": 1,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
    verifications: list[dict[str, Any]] = []
    latest: dict[tuple[int, int], dict[str, Any]] = {}
    pv_rows = list(pact_versions)
    for vid in range(1, n_verifications + 1):
        pact_version = pv_rows[rng.randrange(len(pv_rows))]
        provider_vids = provider_versions[pact_version["provider_id"]] or [1]
        provider_vid = provider_vids[rng.randrange(len(provider_vids))]
        success = rng.random() < 0.9
        stamp = start + timedelta(seconds=vid * 30)
        verifications.append(
            {
                "id": vid,
                "pact_version_id": pact_version["id"],
                "consumer_id": pact_version["consumer_id"],
                "provider_id": pact_version["provider_id"],
                "provider_version_id": provider_vid,
                "success": success,
                "provider_version_branch": "main",
                "wip": False,
                "pending": False,
                "execution_date": stamp,
                "created_at": stamp,
            }
        )
        latest[(pact_version["id"], provider_vid)] = {
            "pact_version_id": pact_version["id"],
            "provider_version_id": provider_vid,
            "verification_id": vid,
            "success": success,
        }
    environment = {
        "id": 1,
        "uuid": str(uuid.uuid4()),
        "name": "production",
        "production": True,
        "created_at": start,
        "updated_at": start,
    }
    deployed = []
    for owner, vids in list(consumer_versions.items()) + list(provider_versions.items()):
        if vids:
            deployed.append(
                {
                    "uuid": str(uuid.uuid4()),
                    "pacticipant_id": owner,
                    "version_id": vids[-1],
                    "environment_id": 1,
                    "instance_key": "",
                    "currently_deployed": True,
                    "created_at": start,
                    "updated_at": start,
                }
            )
    with db.session() as session:
        for table, rows in (
            (Pacticipant, pacticipants),
            (Version, versions),
            (Branch, branch_rows),
            (BranchVersion, branch_versions),
            (Tag, tags),
            (PactVersion, pact_versions),
            (PactPublication, publications),
            (Integration, integrations),
            (Verification, verifications),
            (LatestVerification, list(latest.values())),
            (Environment, [environment]),
            (DeployedVersion, deployed),
        ):
            for offset in range(0, len(rows), 5000):
                session.execute(insert(table), rows[offset : offset + 5000])  # type: ignore[arg-type]
        session.commit()
    if db.dialect == "postgresql":
        with db.write_engine.connect() as connection:
            for table in (
                "pacticipant",
                "version",
                "branch",
                "branch_version",
                "pact_version",
                "verification",
                "environment",
            ):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
            connection.commit()
        # a broker that accumulated this history over years has had it vacuumed (autovacuum): visibility
        # map set (index-only scans skip the heap), hint bits written. A bulk load has neither, and on a
        # server with autovacuum off it never gets them, so measure the steady state, not the load.
        with db.write_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM (ANALYZE)")
    else:
        with db.write_engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
    counts = {
        "pacticipants": len(pacticipants),
        "versions": len(versions),
        "branches": len(branch_rows),
        "branch_versions": len(branch_versions),
        "pact_publications": len(publications),
        "pact_versions": len(pact_versions),
        "verifications": len(verifications),
    }
    deployed_consumer = next(d for d in deployed if d["pacticipant_id"] <= CONSUMERS)
    counts["probe_consumer"] = names[deployed_consumer["pacticipant_id"] - 1]
    counts["probe_consumer_version"] = f"{deployed_consumer['version_id']:07d}"
    return counts


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(variants: dict[str, Any], runs: int) -> dict[str, dict[str, float]]:
    """p50/p95 of each variant, alternating them round by round (the first one changes every round)."""
    names = list(variants)
    for _ in range(3):
        for name in names:
            variants[name](-1)
    timings: dict[str, list[float]] = {name: [] for name in names}
    for i in range(runs):
        order = names if i % 2 == 0 else names[::-1]
        for name in order:
            started = time.perf_counter()
            variants[name](i)
            timings[name].append((time.perf_counter() - started) * 1000)
    return {
        name: {
            "p50_ms": round(statistics.median(values), 2),
            "p95_ms": round(percentile(values, 0.95), 2),
            "runs": runs,
        }
        for name, values in timings.items()
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children (Linux ``/proc``), in seconds."""
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    total = 0
    for each in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def count_statements(python: str, database_url: str) -> dict[str, Any]:
    """Statements per publish with the broker that ``python``'s environment imports."""
    script = ROOT / "benchmarks" / "bench_broker_statements.py"
    done = subprocess.run(
        [python, str(script), database_url], capture_output=True, text=True, check=True, cwd="/"
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def postgres_setting(name: str) -> str:
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
        row = conn.execute("SELECT current_setting(%s)", (name,)).fetchone()
    return str(row[0]) if row else ""


@contextmanager
def postgres_database(template: str | None = None) -> Iterator[str]:
    """A new database, dropped afterwards; a copy of ``template`` when given (``CREATE DATABASE ... TEMPLATE``)."""
    import psycopg

    name = f"tether_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
        copy = f' TEMPLATE "{template}"' if template else ""
        conn.execute(f'CREATE DATABASE "{name}"{copy}')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def serve_args(executable: list[str], port: int, database_url: str) -> list[str]:
    return [
        *executable,
        "broker",
        "serve",
        "--port",
        str(port),
        "--database-url",
        database_url,
        "--log-level",
        "warning",
    ]


def template_name(scale: float) -> str:
    return f"tether_bench_seeded_{str(scale).replace('.', '_')}"


def postgres_template(scale: float) -> tuple[str, dict[str, Any] | None]:
    """The kept seeded database of this scale, seeded now when missing (its counts are kept beside it,
    as the database's comment); returns its name and the counts when it was already there."""
    import psycopg

    name = template_name(scale)
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if row is not None and row[0]:
            return name, json.loads(row[0])
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    db = Database(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
    db.migrate()
    started = time.perf_counter()
    counts = seed(db, scale)
    counts["seed_seconds"] = round(time.perf_counter() - started, 1)
    db.dispose()
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
        conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{json.dumps(counts)}'")
    return name, None


def run_backend(
    database_url: str,
    scale: float,
    runs: int,
    workdir: Path,
    baseline: Path | None,
    seeded: dict[str, Any] | None = None,
) -> dict[str, Any]:
    if seeded is None:
        db = Database(database_url)
        db.migrate()
        started = time.perf_counter()
        counts = seed(db, scale)
        seed_seconds: float | None = round(time.perf_counter() - started, 1)
        db.dispose()
    else:  # a copy of a kept seeded database
        counts = {k: v for k, v in seeded.items() if k != "seed_seconds"}
        seed_seconds = seeded.get("seed_seconds")
    trees = {"current": (tether_executable(), sys.executable)}
    if baseline is not None:
        trees["baseline"] = (
            [str(baseline / ".venv" / "bin" / "tether")],
            str(baseline / ".venv" / "bin" / "python"),
        )
    with contextlib.ExitStack() as stack:
        clients: dict[str, httpx.Client] = {}
        servers: dict[str, subprocess.Popen[bytes]] = {}
        for name, (executable, _) in trees.items():
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            servers[name] = stack.enter_context(
                running_process(
                    serve_args(executable, port, database_url),
                    ready_url=url + "/diagnostic/status/heartbeat",
                    cwd=workdir,
                )
            )
            clients[name] = stack.enter_context(httpx.Client(base_url=url, timeout=60))
        big_pact = json.loads(pact_content("bench-consumer", "provider-00", 0, interactions=50))

        def publish(client: httpx.Client, i: int) -> None:
            content = base64.b64encode(json.dumps(big_pact).encode()).decode()
            body = {
                "pacticipantName": "bench-consumer",
                "pacticipantVersionNumber": f"bench-{i}-{uuid.uuid4().hex[:6]}",
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
            response = client.post("/contracts/publish", json=body)
            assert response.status_code == 200, response.text

        def for_verification(client: httpx.Client, i: int) -> None:
            provider = f"provider-{(i % PROVIDERS):02d}" if i >= 0 else "provider-00"
            body = {
                "consumerVersionSelectors": [{"mainBranch": True}, {"deployedOrReleased": True}],
                "includePendingStatus": True,
                "providerVersionBranch": "main",
            }
            response = client.post(f"/pacts/provider/{provider}/for-verification", json=body)
            assert response.status_code == 200, response.text

        consumer, version = counts["probe_consumer"], counts["probe_consumer_version"]

        def can_i_deploy(client: httpx.Client, _: int) -> None:
            response = client.get(
                f"/matrix?q[][pacticipant]={consumer}&q[][version]={version}&latestby=cvpv&environment=production"
            )
            assert response.status_code == 200, response.text
            assert "summary" in response.json()

        def each(fn: Any) -> dict[str, Any]:
            return {name: functools.partial(fn, client) for name, client in clients.items()}

        def measured(fn: Any) -> dict[str, dict[str, float]]:
            """p50/p95 and each server's CPU milliseconds per request (load-independent, unlike latency)."""
            before = {name: cpu_seconds(server.pid) for name, server in servers.items()}
            figures = measure(each(fn), runs)
            for name, server in servers.items():
                used = cpu_seconds(server.pid) - before[name]
                figures[name]["server_cpu_ms_per_request"] = round(used / (runs + 3) * 1000, 2)
            return figures

        results = {
            "publish_50_interactions": measured(publish),
            "pacts_for_verification": measured(for_verification),
            "can_i_deploy": measured(can_i_deploy),
        }
    statements = {name: count_statements(python, database_url) for name, (_, python) in trees.items()}
    by_variant: dict[str, Any] = {
        name: {
            **{endpoint: figures[name] for endpoint, figures in results.items()},
            "statements_per_publish": statements[name]["statements"],
            "round_trips_per_publish": statements[name]["round_trips"],
            "publish_sql": statements[name]["sql"],
        }
        for name in trees
    }
    report: dict[str, Any] = {
        "seeded": counts,
        "seed_seconds": seed_seconds,
        "from_kept_seed": seeded is not None,
        **by_variant.pop("current"),
    }
    if by_variant:
        report["baseline"] = by_variant["baseline"]
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, default=0.05, help="fraction of the reported scale (1.0 = full)"
    )
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="another checkout (with .venv) to compare with, interleaved",
    )
    parser.add_argument(
        "--keep-seed",
        action="store_true",
        help="PostgreSQL: seed once into a kept database of this scale and measure on a copy of it",
    )
    options = parser.parse_args()
    os.environ.setdefault("PACT_DO_NOT_TRACK", "true")
    report: dict[str, Any] = {
        "scale": options.scale,
        "full_scale": FULL,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
            "postgres_autovacuum": postgres_setting("autovacuum") if "postgres" in options.backends else None,
        },
        "targets_ms": {"can_i_deploy_p95": 20, "pacts_for_verification_p95": 50, "publish_p50": 10},
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "baseline": str(options.baseline) if options.baseline else None,
        "backends": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        for backend in options.backends.split(","):
            if backend == "sqlite":
                report["backends"]["sqlite"] = run_backend(
                    f"sqlite:///{tmp}/bench.db", options.scale, options.runs, Path(tmp), options.baseline
                )
            elif backend == "postgres":
                template, seeded = postgres_template(options.scale) if options.keep_seed else (None, None)
                if template is not None and seeded is None:  # seeded just now: measure on a copy
                    _, seeded = postgres_template(options.scale)
                with postgres_database(template) as url:
                    report["backends"]["postgres"] = run_backend(
                        url, options.scale, options.runs, Path(tmp), options.baseline, seeded
                    )
            print(json.dumps({backend: report["backends"][backend]}, indent=2))
    report["machine"]["load_average_after"] = os.getloadavg()
    out = ROOT / "benchmarks" / "results" / "broker.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
