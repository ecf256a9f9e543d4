"""Throughput of a generated Locust scenario (contract check on every response) vs a bare FastHttpUser.

Both run as one Locust process pinned to CPU 0 against the same fast target pinned to CPU 1 (an
ASGI app under uvicorn that answers like the provider). The ratio is what the contract checks cost.

    .venv/bin/python benchmarks/bench_loadgen.py [--seconds 10] [--users 20]

Target: generated / bare >= 0.85. Figures are printed and written to benchmarks/results/loadgen.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from contracts.pactfile import parse_pact  # noqa: E402
from loadgen.locust.render import render_locustfile  # noqa: E402
from loadgen.locust.runner import RunOptions, run_locust  # noqa: E402
from loadgen.locust.scenario import build_scenario  # noqa: E402
from tests.loadgen.locust.pacts import PROVIDER, get_product, list_products, v4_pact  # noqa: E402

TARGET = """
import itertools
import json
import os

VARYING = os.environ.get("BENCH_VARYING") == "1"
COUNTER = itertools.count()
PRODUCT = json.dumps({"id": 10, "name": "Widget", "price": 9.99}).encode()
CATALOGUE = json.dumps([{"id": i, "name": f"Widget {i}", "price": 9.99} for i in range(1, 6)]).encode()
HEADERS = [(b"content-type", b"application/json")]


# Distinct bodies are built up front, so the target costs the same in both modes.
CATALOGUES = [
    json.dumps([{"id": i, "name": f"Widget {i}", "price": 9.99, "seq": n} for i in range(1, 6)]).encode()
    for n in range(1000)
]
PRODUCTS = [json.dumps({"id": 10, "name": "Widget", "price": 9.99, "seq": n}).encode() for n in range(1000)]


def body_for(path):
    if not VARYING:
        return CATALOGUE if path == "/products" else PRODUCT
    seq = next(COUNTER) % 1000  # more distinct bodies than the verdict cache holds
    return CATALOGUES[seq] if path == "/products" else PRODUCTS[seq]


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": body_for(scope["path"])})
"""

BARE = """
from locust import FastHttpUser, task


class BareUser(FastHttpUser):
    @task(1)
    def catalogue(self) -> None:
        self.client.get("/products", name="GET /products")

    @task(1)
    def product(self) -> None:
        self.client.get("/products/10", name="GET /products/{id}")
"""


def pinned(cpu: int) -> list[str]:
    return ["taskset", "-c", str(cpu)] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument(
        "--rounds", type=int, default=3, help="Interleaved rounds; the median ratio is reported."
    )
    parser.add_argument(
        "--varying-bodies",
        action="store_true",
        help="Every response body differs (worst case: no contract verdict can be reused).",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        (work / "target.py").write_text(TARGET)
        (work / "bare.py").write_text(BARE)
        pact = parse_pact(v4_pact("Shop", [list_products(), get_product(10)]))
        (work / "generated.py").write_text(
            render_locustfile(build_scenario([pact], provider=PROVIDER), wait_time="constant(0)")
        )
        port = 18_765
        target = subprocess.Popen(
            [*pinned(1), sys.executable, "-m", "uvicorn", "target:app", "--port", str(port), "--log-level", "warning",
             "--no-access-log", "--http", "httptools"],
            cwd=work,
            env={**os.environ, "BENCH_VARYING": "1" if args.varying_bodies else "0"},
        )  # fmt: skip
        try:
            for _ in range(100):
                try:
                    httpx.get(f"http://127.0.0.1:{port}/products", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            rounds: list[dict[str, dict[str, float]]] = []
            for round_number in range(1, args.rounds + 1):
                results: dict[str, dict[str, float]] = {}
                for name in ("bare", "generated"):
                    options = RunOptions(
                        locustfile=work / f"{name}.py",
                        host=f"http://127.0.0.1:{port}",
                        users=args.users,
                        spawn_rate=args.users,
                        run_time=f"{args.seconds}s",
                        extra_args=["--loglevel", "ERROR"],
                    )
                    if pinned(0):
                        os.sched_setaffinity(0, {0})
                    result = run_locust(options)
                    results[name] = {
                        "requests": result.aggregated.requests,
                        "failures": result.aggregated.failures,
                        "rps": round(result.aggregated.rps, 1),
                        "p95_ms": result.aggregated.p95_ms,
                    }
                    print(f"round {round_number} {name:>9}: {results[name]['rps']:8.1f} req/s  "
                          f"p95 {result.aggregated.p95_ms:.0f} ms  "
                          f"failures {result.aggregated.failures}/{result.aggregated.requests}")  # fmt: skip
                rounds.append(results)
        finally:
            target.terminate()
            target.wait()
    ratios = sorted(r["generated"]["rps"] / r["bare"]["rps"] for r in rounds if r["bare"]["rps"])
    ratio = ratios[len(ratios) // 2] if ratios else 0.0
    print(f"generated / bare = {ratio:.3f} (median of {len(ratios)} rounds; target >= 0.85)")
    out = (
        ROOT / "benchmarks" / "results" / ("loadgen-varying.json" if args.varying_bodies else "loadgen.json")
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "benchmark": "loadgen", "varying_bodies": args.varying_bodies, "seconds": args.seconds, "users": args.users, "rounds": rounds,
        "ratios": [round(r, 3) for r in ratios], "ratio": round(ratio, 3), "target_ratio": 0.85,
        "load_average": os.getloadavg(), "machine": platform.platform(), "cpus": os.cpu_count(),
    }, indent=2) + "\n")  # fmt: skip


if __name__ == "__main__":
    main()
