"""Throughput of a generated Locust scenario (contract check on every response) vs a bare FastHttpUser
and vs a hand-written FastHttpUser that checks its responses itself (``catch_response``: status,
content type, JSON parse, the fields and types the contract names).

Each variant runs as one Locust process pinned to CPU 0 against the same fast target pinned to CPU 1
(an ASGI app under uvicorn that answers like the provider). The variants are interleaved round by
round and their order rotates between rounds (bare, hand-written, generated; then hand-written,
generated, bare; ...), so machine noise hits every side; the ratios are per round, and the median
is reported.

    .venv/bin/python benchmarks/bench_loadgen.py [--seconds 10] [--users 20] [--rounds 6] [--varying-bodies]

Targets: generated / bare >= 0.85 and generated / hand-written >= 0.95 (requests per second). The
same ratios are also given per CPU-second of the Locust process (a listener appended alike to every
variant reads its CPU time while the test runs): on a shared machine, those move less with what else
runs. Figures are printed and written to benchmarks/results/loadgen.json (loadgen-varying.json with
--varying-bodies), with the command and the load average of each round.
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
from typing import Any

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

HAND_WRITTEN = """
from locust import FastHttpUser, task


def _is_product(item) -> bool:
    return (
        isinstance(item, dict)
        and isinstance(item.get("id"), int)
        and isinstance(item.get("name"), str)
        and isinstance(item.get("price"), float)
    )


class HandWrittenUser(FastHttpUser):
    # What a competent user writes to check the same contract by hand.

    def _json(self, response):
        if response.status_code != 200:
            response.failure(f"status {response.status_code}")
            return None
        if not (response.headers.get("content-type") or "").startswith("application/json"):
            response.failure("not JSON")
            return None
        try:
            return response.json()
        except ValueError as exc:
            response.failure(f"invalid JSON: {exc}")
            return None

    @task(1)
    def catalogue(self) -> None:
        with self.client.get("/products", name="GET /products", catch_response=True) as response:
            products = self._json(response)
            if products is None:
                return
            if not isinstance(products, list) or not products or not all(_is_product(p) for p in products):
                response.failure("unexpected catalogue")

    @task(1)
    def product(self) -> None:
        with self.client.get("/products/10", name="GET /products/{id}", catch_response=True) as response:
            product = self._json(response)
            if product is not None and not _is_product(product):
                response.failure("unexpected product")
"""

VARIANTS = ("bare", "hand-written", "generated")

CPU_PROBE = """

# --- appended to every variant alike by bench_loadgen.py: the CPU time this process spends while the
# test runs, so the cost per request can be compared even when other work shares the machine.
import json as _bench_json
import os as _bench_os
import time as _bench_time

from locust import events as _bench_events

_BENCH_START = {}


@_bench_events.test_start.add_listener
def _bench_started(environment, **_):
    _BENCH_START["cpu"] = _bench_time.process_time()
    _BENCH_START["requests"] = environment.stats.total.num_requests


@_bench_events.test_stop.add_listener
def _bench_stopped(environment, **_):
    with open(_bench_os.environ["BENCH_CPU_FILE"], "w") as out:
        _bench_json.dump({
            "cpu_seconds": _bench_time.process_time() - _BENCH_START["cpu"],
            "requests": environment.stats.total.num_requests - _BENCH_START["requests"],
        }, out)
"""


def pinned(cpu: int) -> list[str]:
    return ["taskset", "-c", str(cpu)] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument(
        "--rounds",
        type=int,
        default=6,
        help="Interleaved rounds (the order rotates); the median ratio is reported.",
    )
    parser.add_argument(
        "--varying-bodies",
        action="store_true",
        help="Every response body differs (worst case: no contract verdict can be reused).",
    )
    args = parser.parse_args()
    load_before = os.getloadavg()

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        (work / "target.py").write_text(TARGET)
        (work / "bare.py").write_text(BARE + CPU_PROBE)
        (work / "hand-written.py").write_text(HAND_WRITTEN + CPU_PROBE)
        pact = parse_pact(v4_pact("Shop", [list_products(), get_product(10)]))
        (work / "generated.py").write_text(
            render_locustfile(build_scenario([pact], provider=PROVIDER), wait_time="constant(0)") + CPU_PROBE
        )
        cpu_file = work / "cpu.json"
        os.environ["BENCH_CPU_FILE"] = str(cpu_file)
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
            rounds: list[dict[str, Any]] = []
            for round_number in range(args.rounds):
                shift = round_number % len(VARIANTS)
                order = VARIANTS[shift:] + VARIANTS[:shift]
                results: dict[str, Any] = {"order": list(order), "load_average": os.getloadavg()}
                for name in order:
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
                    cpu_file.unlink(missing_ok=True)
                    result = run_locust(options)
                    cpu = json.loads(cpu_file.read_text())
                    results[name] = {
                        "requests": result.aggregated.requests,
                        "failures": result.aggregated.failures,
                        "rps": round(result.aggregated.rps, 1),
                        "p95_ms": result.aggregated.p95_ms,
                        "cpu_seconds": round(cpu["cpu_seconds"], 3),
                        "requests_per_cpu_second": round(cpu["requests"] / cpu["cpu_seconds"], 1),
                    }
                    print(f"round {round_number + 1} {name:>12}: {results[name]['rps']:8.1f} req/s  "
                          f"p95 {result.aggregated.p95_ms:.0f} ms  {results[name]['requests_per_cpu_second']:8.1f} req/CPU-s  "
                          f"failures {result.aggregated.failures}/{result.aggregated.requests}", flush=True)  # fmt: skip
                results["generated/bare"] = _ratio(results["generated"]["rps"], results["bare"]["rps"])
                results["generated/hand-written"] = _ratio(
                    results["generated"]["rps"], results["hand-written"]["rps"]
                )
                for other in ("bare", "hand-written"):
                    results[f"generated/{other} per CPU-second"] = _ratio(
                        results["generated"]["requests_per_cpu_second"],
                        results[other]["requests_per_cpu_second"],
                    )
                print(f"round {round_number + 1}: generated/bare {results['generated/bare']:.3f}  "
                      f"generated/hand-written {results['generated/hand-written']:.3f}  (per CPU-second: "
                      f"{results['generated/bare per CPU-second']:.3f}, "
                      f"{results['generated/hand-written per CPU-second']:.3f})", flush=True)  # fmt: skip
                rounds.append(results)
        finally:
            target.terminate()
            target.wait()
    summary = {
        comparison: _median([r[comparison] for r in rounds]) for comparison in COMPARISONS
    }  # fmt: skip
    print(
        f"generated / bare = {summary['generated/bare']:.3f} (median of {len(rounds)} rounds; target >= 0.85)"
    )
    print(f"generated / hand-written = {summary['generated/hand-written']:.3f} "
          f"(median of {len(rounds)} rounds; target >= 0.95)")  # fmt: skip
    print(f"per CPU-second of the Locust process: generated / bare = {summary['generated/bare per CPU-second']:.3f}, "
          f"generated / hand-written = {summary['generated/hand-written per CPU-second']:.3f}")  # fmt: skip
    out = (
        ROOT / "benchmarks" / "results" / ("loadgen-varying.json" if args.varying_bodies else "loadgen.json")
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "benchmark": "loadgen", "command": " ".join(["python", "benchmarks/bench_loadgen.py", *sys.argv[1:]]),
        "varying_bodies": args.varying_bodies, "seconds": args.seconds, "users": args.users,
        "rounds": rounds, "ratios": {k: sorted(r[k] for r in rounds) for k in summary}, "median": summary,
        "targets": {"generated/bare": 0.85, "generated/hand-written": 0.95},
        "load_average_before": load_before, "load_average_after": os.getloadavg(),
        "machine": platform.platform(), "cpus": os.cpu_count(),
    }, indent=2) + "\n")  # fmt: skip


COMPARISONS = (
    "generated/bare",
    "generated/hand-written",
    "generated/bare per CPU-second",
    "generated/hand-written per CPU-second",
)


def _ratio(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 3) if denominator else 0.0


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else round((ordered[middle - 1] + ordered[middle]) / 2, 3)


if __name__ == "__main__":
    main()
