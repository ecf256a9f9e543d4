"""The web UI's integration dashboard at scale: ``--integrations`` consumer/provider pairs (default
5,000; 250 providers), three consumer versions each with a pact, a verification of most latest pacts,
branches, and a deployment per provider. Measured against a real ``tether broker serve`` process over
loopback HTTP (full page: query, view model and template), p50/p95 of:

* the first page, a page in the middle and the last page (``LIMIT``/``OFFSET``);
* a name filter, a branch filter and an environment filter.

    .venv/bin/python benchmarks/bench_ui_dashboard.py [--integrations 5000] [--runs 30]

Target: every page p95 < 150 ms on SQLite. Figures are printed and written to
benchmarks/results/ui_dashboard.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from broker.db import Database  # noqa: E402
from broker.tables.selectables import (  # noqa: E402
    BRANCH,
    BRANCH_VERSION,
    DEPLOYED_VERSION,
    ENVIRONMENT,
    INTEGRATION,
    LATEST_VERIFICATION,
    PACT_PUBLICATION,
    PACT_VERSION,
    PACTICIPANT,
    VERIFICATION,
    VERSION,
)
from tests.support import free_port, running_process, tether_executable  # noqa: E402

PROVIDERS = 250
VERSIONS_PER_CONSUMER = 3


def seed(database_url: str, integrations: int) -> None:
    db = Database(database_url)
    db.migrate()
    stamp = datetime.now(UTC) - timedelta(days=1)
    consumers = integrations // 2  # each consumer talks to two providers
    rows: dict[str, list[dict[str, Any]]] = {
        name: [] for name in ("p", "v", "b", "bv", "pv", "pp", "i", "ver", "lv")
    }
    names = [f"provider-{i:04d}" for i in range(PROVIDERS)] + [f"consumer-{i:05d}" for i in range(consumers)]
    for index, name in enumerate(names, start=1):
        rows["p"].append({"id": index, "name": name, "created_at": stamp, "updated_at": stamp})
    provider_ids = list(range(1, PROVIDERS + 1))
    version_id = pact_version_id = publication_id = verification_id = 0
    provider_versions: dict[int, int] = {}
    for provider_id in provider_ids:
        version_id += 1
        provider_versions[provider_id] = version_id
        rows["v"].append(_version(version_id, provider_id, "1.0.0", stamp))
    for branch_id, offset in enumerate(range(consumers), start=1):
        consumer_id = PROVIDERS + 1 + offset
        branch = "main" if offset % 4 else "feat/new-thing"
        rows["b"].append(
            {
                "id": branch_id,
                "pacticipant_id": consumer_id,
                "name": branch,
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
        pair = (provider_ids[offset % PROVIDERS], provider_ids[(offset * 7 + 3) % PROVIDERS])
        for number in range(VERSIONS_PER_CONSUMER):
            version_id += 1
            rows["v"].append(_version(version_id, consumer_id, f"1.{number}.0", stamp))
            rows["bv"].append(
                {
                    "branch_id": branch_id,
                    "version_id": version_id,
                    "pacticipant_id": consumer_id,
                    "branch_name": branch,
                    "created_at": stamp,
                }
            )
            for provider_id in pair:
                pact_version_id += 1
                publication_id += 1
                rows["pv"].append(
                    {
                        "id": pact_version_id,
                        "consumer_id": consumer_id,
                        "provider_id": provider_id,
                        "sha": uuid.uuid4().hex,
                        "content": "{}",
                        "created_at": stamp,
                    }
                )
                rows["pp"].append(
                    {
                        "id": publication_id,
                        "consumer_id": consumer_id,
                        "provider_id": provider_id,
                        "consumer_version_id": version_id,
                        "pact_version_id": pact_version_id,
                        "revision_number": 1,
                        "created_at": stamp,
                        "updated_at": stamp,
                    }
                )
                if number == VERSIONS_PER_CONSUMER - 1 and publication_id % 5:
                    verification_id += 1
                    success = publication_id % 7 != 0
                    rows["ver"].append(
                        {
                            "id": verification_id,
                            "pact_version_id": pact_version_id,
                            "consumer_id": consumer_id,
                            "provider_id": provider_id,
                            "provider_version_id": provider_versions[provider_id],
                            "success": success,
                            "wip": False,
                            "pending": False,
                            "execution_date": stamp,
                            "created_at": stamp,
                        }
                    )
                    rows["lv"].append(
                        {
                            "pact_version_id": pact_version_id,
                            "provider_version_id": provider_versions[provider_id],
                            "verification_id": verification_id,
                            "success": success,
                        }
                    )
        for provider_id in pair:
            rows["i"].append(
                {
                    "consumer_id": consumer_id,
                    "provider_id": provider_id,
                    "created_at": stamp,
                    "contract_data_updated_at": stamp,
                }
            )
    tables = {
        "p": PACTICIPANT, "v": VERSION, "b": BRANCH, "bv": BRANCH_VERSION, "pv": PACT_VERSION,
        "pp": PACT_PUBLICATION, "i": INTEGRATION, "ver": VERIFICATION, "lv": LATEST_VERIFICATION,
    }  # fmt: skip
    with db.session() as session:
        for key, table in tables.items():
            for start in range(0, len(rows[key]), 5000):
                session.execute(insert(table), rows[key][start : start + 5000])
        session.execute(
            insert(ENVIRONMENT),
            [{"id": 1, "uuid": str(uuid.uuid4()), "name": "production", "display_name": "production",
              "production": True, "created_at": stamp, "updated_at": stamp}],
        )  # fmt: skip
        session.execute(
            insert(DEPLOYED_VERSION),
            [
                {"uuid": str(uuid.uuid4()), "pacticipant_id": p, "version_id": provider_versions[p],
                 "environment_id": 1, "instance_key": "", "currently_deployed": True,
                 "created_at": stamp, "updated_at": stamp}
                for p in provider_ids[:20]
            ],
        )  # fmt: skip
        session.commit()
    db.dispose()


def _version(version_id: int, pacticipant_id: int, number: str, stamp: datetime) -> dict[str, Any]:
    return {
        "id": version_id,
        "pacticipant_id": pacticipant_id,
        "number": number,
        "created_at": stamp,
        "updated_at": stamp,
    }


def measure(client: httpx.Client, path: str, runs: int) -> dict[str, float]:
    client.get(path).raise_for_status()  # warm-up
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--integrations", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{tmp}/bench.db"
        started = time.perf_counter()
        seed(database_url, args.integrations)
        print(f"seeded {args.integrations} integrations in {time.perf_counter() - started:.1f}s")
        port = free_port()
        command = [*tether_executable(), "broker", "serve", "--host", "127.0.0.1", "--port", str(port)]
        command += ["--database-url", database_url, "--log-level", "warning"]
        url = f"http://127.0.0.1:{port}"
        pages = args.integrations // 50
        cases = {
            "first page": "/ui",
            "middle page": f"/ui?page={pages // 2}",
            "last page": f"/ui?page={pages}",
            "name filter": "/ui?name=consumer-0123",
            "branch filter": "/ui?branch=feat/new-thing",
            "environment filter": "/ui?environment=production",
        }
        results: dict[str, dict[str, float]] = {}
        ready = f"{url}/diagnostic/status/heartbeat"
        with running_process(command, ready_url=ready, cwd=Path(tmp)), httpx.Client(base_url=url) as client:
            for name, path in cases.items():
                results[name] = measure(client, path, args.runs)
                figures = results[name]
                print(f"{name:20s} p50 {figures['p50_ms']:7.1f} ms   p95 {figures['p95_ms']:7.1f} ms")
    output = {
        "benchmark": "ui_dashboard",
        "integrations": args.integrations,
        "runs": args.runs,
        "backend": "sqlite",
        "machine": platform.platform(),
        "results": results,
    }
    target = ROOT / "benchmarks" / "results" / "ui_dashboard.json"
    target.write_text(json.dumps(output, indent=2) + "\n")
    print(f"written to {target}")


if __name__ == "__main__":
    main()
