"""Mock server throughput, latency and memory: `tether mock serve` side by side with the pact stub
server (`pact stub`), the Pact mock server (`pact mock`), WireMock and Prism, on the same contract.

The contract: a 50-interaction pact (V3) with JSON bodies and matching rules (path regexes, an
expected Accept header, type/regex/integer/decimal rules in the bodies). WireMock gets the same
interactions as mappings (path regex + Accept header + JSON body), Prism an OpenAPI document with the
same responses as examples.

Each server runs pinned to CPU 0 (``taskset -c 0``); wrk runs pinned to CPU 1 with keep-alive
connections, cycling through the 50 interactions (a Lua script), after a warm-up. Every server's
answers are checked first (status and body), so nobody wins by answering 404s.

Memory: `tether mock serve` with a 10,000-interaction pact: resident set size after start-up and
after 2,000 requests.

Run (needs wrk: ``apt-get install -y wrk``; the npm tools: ``make npm-tools``)::

    .venv/bin/python benchmarks/bench_mock_server.py [--duration 10] [--connections 32] [--only tether,pact-stub]

Figures are printed and written to ``benchmarks/results/mock_server.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
NPM_BIN = ROOT / ".cache" / "npm-tools" / "node_modules" / ".bin"
RESULTS = ROOT / "benchmarks" / "results" / "mock_server.json"
SERVER_CPU = "0"
LOAD_CPU = "1"


# ------------------------------------------------------------------------------------------ contract


def order_body(i: int) -> dict[str, Any]:
    return {
        "id": 100 + i,
        "resource": f"r{i}",
        "status": "open",
        "total": 12.5 + i,
        "currency": "EUR",
        "customer": {"id": 1000 + i, "name": f"Customer {i}", "email": f"c{i}@example.com"},
        "items": [
            {"sku": f"SKU-{i}-{k}", "quantity": k + 1, "price": 2.5 * (k + 1), "tags": ["a", "b"]}
            for k in range(3)
        ],
        "createdAt": "2024-05-01T10:12:13Z",
    }


def build_pact(count: int) -> dict[str, Any]:
    interactions = []
    for i in range(count):
        interactions.append(
            {
                "description": f"get item of resource {i}",
                "request": {
                    "method": "GET",
                    "path": f"/api/r{i}/items/{100 + i}",
                    "headers": {"Accept": "application/json"},
                    "matchingRules": {
                        "path": {"matchers": [{"match": "regex", "regex": f"/api/r{i}/items/[0-9]+"}]}
                    },
                },
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": order_body(i),
                    "matchingRules": {
                        "body": {
                            "$.id": {"matchers": [{"match": "integer"}]},
                            "$.status": {"matchers": [{"match": "regex", "regex": "open|shipped|closed"}]},
                            "$.total": {"matchers": [{"match": "decimal"}]},
                            "$.customer": {"matchers": [{"match": "type"}]},
                            "$.items": {"matchers": [{"match": "type", "min": 1}]},
                            "$.createdAt": {
                                "matchers": [{"match": "regex", "regex": "\\d{4}-\\d{2}-\\d{2}T.*"}]
                            },
                        }
                    },
                },
            }
        )
    return {
        "consumer": {"name": "BenchWeb"},
        "provider": {"name": "BenchApi"},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


def request_paths(count: int) -> list[str]:
    return [f"/api/r{i}/items/{100 + i}" for i in range(count)]


def wiremock_root(pact: dict[str, Any], folder: Path) -> Path:
    mappings = folder / "mappings"
    mappings.mkdir(parents=True)
    for number, interaction in enumerate(pact["interactions"]):
        regex = interaction["request"]["matchingRules"]["path"]["matchers"][0]["regex"]
        mapping = {
            "request": {
                "method": "GET",
                "urlPathPattern": regex,
                "headers": {"Accept": {"equalTo": "application/json"}},
            },
            "response": {
                "status": 200,
                "headers": {"Content-Type": "application/json"},
                "jsonBody": interaction["response"]["body"],
            },
        }
        (mappings / f"m{number}.json").write_text(json.dumps(mapping))
    return folder


def openapi_for(pact: dict[str, Any], count: int) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for i in range(count):
        paths[f"/api/r{i}/items/{{itemId}}"] = {
            "get": {
                "parameters": [
                    {"name": "itemId", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {
                        "description": "item",
                        "content": {
                            "application/json": {"schema": {"type": "object"}, "example": order_body(i)}
                        },
                    }
                },
            }
        }
    return {"openapi": "3.0.3", "info": {"title": "BenchApi", "version": "1"}, "paths": paths}


# ------------------------------------------------------------------------------------------ servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tether_command() -> list[str]:
    exe = shutil.which("tether", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "tether"]


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(url, headers={"Accept": "application/json"}, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} not ready after {timeout}s")


@contextlib.contextmanager
def running(
    command: list[str], ready_url: str, log: Path, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    with open(log, "wb") as out:
        process = subprocess.Popen(
            ["taskset", "-c", SERVER_CPU, *command],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PACT_DO_NOT_TRACK": "true", **(env or {})},
            start_new_session=True,
        )
        try:
            wait_ready(ready_url, process)
            yield process
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@contextlib.contextmanager
def pact_mock(pact_file: Path, log: Path) -> Iterator[int]:
    """`pact mock start` (master) + `pact mock create` for the pact: yields the mock server's port."""
    master = free_port()
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                "taskset",
                "-c",
                SERVER_CPU,
                str(NPM_BIN / "pact"),
                "mock",
                "--port",
                str(master),
                "--host",
                "127.0.0.1",
                "--no-file-log",
                "start",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PACT_DO_NOT_TRACK": "true"},
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            created = None
            while time.monotonic() < deadline:
                created = subprocess.run(
                    [
                        str(NPM_BIN / "pact"),
                        "mock",
                        "--port",
                        str(master),
                        "--host",
                        "127.0.0.1",
                        "create",
                        "--file",
                        str(pact_file),
                    ],
                    capture_output=True,
                    text=True,
                    env={**os.environ, "PACT_DO_NOT_TRACK": "true"},
                    check=False,
                )
                if created.returncode == 0:
                    break
                time.sleep(0.3)
            if created is None or created.returncode != 0:
                raise RuntimeError(f"pact mock create failed: {created and created.stderr}")
            found = re.search(r"port (\d+)", created.stdout + created.stderr)
            if not found:
                raise RuntimeError(f"cannot find the mock server port in: {created.stdout} {created.stderr}")
            yield int(found.group(1))
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)


# ------------------------------------------------------------------------------------------ load


LUA = """
local paths = {%s}
local i = 0
request = function()
  i = (i %% #paths) + 1
  return wrk.format("GET", paths[i], {["Accept"] = "application/json"})
end
"""


def check_answers(base: str, paths: list[str]) -> None:
    with httpx.Client(base_url=base, headers={"Accept": "application/json"}, timeout=10) as client:
        for number in (0, len(paths) // 2, len(paths) - 1):
            response = client.get(paths[number])
            assert response.status_code == 200, (
                f"{base}{paths[number]} -> {response.status_code}: {response.text[:200]}"
            )
            body = response.json()
            assert body["resource"] == f"r{number}", body
            assert len(body["items"]) == 3


def to_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip()).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(base: str, script: Path, *, duration: int, connections: int) -> dict[str, Any]:
    command = [
        "taskset",
        "-c",
        LOAD_CPU,
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "-s",
        str(script),
        base,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    latencies = {p: to_ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)$", output, re.MULTILINE)}
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "requests_per_second": round(rps, 1),
        "latency_ms": {"p50": latencies.get("50"), "p90": latencies.get("90"), "p99": latencies.get("99")},
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else None,
    }


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


# ------------------------------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--only", default="", help="comma-separated subset: tether,pact-stub,pact-mock,wiremock,prism,memory"
    )
    args = parser.parse_args()
    wanted = {name for name in args.only.split(",") if name} or {
        "tether",
        "pact-stub",
        "pact-mock",
        "wiremock",
        "prism",
        "memory",
    }
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    count = 50
    folder = Path(tempfile.mkdtemp(prefix="bench-mock-"))
    pact = build_pact(count)
    pact_file = folder / "BenchWeb-BenchApi.json"
    pact_file.write_text(json.dumps(pact))
    paths = request_paths(count)
    script = folder / "paths.lua"
    script.write_text(LUA % ", ".join(json.dumps(p) for p in paths))
    results: dict[str, Any] = {
        "contract": f"{count} interactions, JSON bodies with matching rules, GET with path regex + Accept header",
        "load": f"wrk -t1 -c{args.connections} -d{args.duration}s (keep-alive), server on CPU {SERVER_CPU}, wrk on CPU {LOAD_CPU}",
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "servers": {},
        "notes": [
            "The machine is shared (2 CPUs, other jobs running): compare servers within one run.",
            "pact stub / pact mock: per-request cost grows with the pact (about 6,000 req/s with 1 interaction, "
            "under 10 req/s with these 50, also with literal paths and no rules); wrk timeouts are theirs.",
            "WireMock runs with --no-request-journal and the same 2 s warm-up as everyone (a JVM warms up longer).",
        ],
    }

    def measure(name: str, base: str) -> None:
        check_answers(base, paths)
        wrk(base, script, duration=args.warmup, connections=args.connections)
        figures = wrk(base, script, duration=args.duration, connections=args.connections)
        results["servers"][name] = figures
        latency = figures["latency_ms"]
        print(
            f"{name:>10}: {figures['requests_per_second']:>9.1f} req/s  p50 {latency['p50']} ms  p99 {latency['p99']} ms"
            f"  non-2xx {figures['non_2xx']}  socket errors {figures['socket_errors']}",
            flush=True,
        )

    first = paths[0]
    if "tether" in wanted:
        port = free_port()
        command = [
            *tether_command(),
            "mock",
            "serve",
            "--provider",
            "BenchApi",
            "--pact",
            str(pact_file),
            "--port",
            str(port),
        ]
        with running(command, f"http://127.0.0.1:{port}/__tether/health", folder / "tether.log"):
            measure("tether", f"http://127.0.0.1:{port}")
    if "pact-stub" in wanted:
        port = free_port()
        command = [str(NPM_BIN / "pact"), "stub", "-f", str(pact_file), "-p", str(port), "-l", "none"]
        with running(command, f"http://127.0.0.1:{port}{first}", folder / "stub.log"):
            measure("pact-stub", f"http://127.0.0.1:{port}")
    if "pact-mock" in wanted:
        with pact_mock(pact_file, folder / "pact-mock.log") as port:
            measure("pact-mock", f"http://127.0.0.1:{port}")
    if "wiremock" in wanted:
        exe = NPM_BIN / "wiremock"
        if exe.exists():
            port = free_port()
            root = wiremock_root(pact, folder / "wiremock")
            command = [
                str(exe),
                "--port",
                str(port),
                "--root-dir",
                str(root),
                "--disable-banner",
                "--no-request-journal",
            ]
            with running(command, f"http://127.0.0.1:{port}{first}", folder / "wiremock.log"):
                measure("wiremock", f"http://127.0.0.1:{port}")
        else:
            print("wiremock: not installed (make npm-tools)")
    if "prism" in wanted:
        exe = NPM_BIN / "prism"
        if exe.exists():
            port = free_port()
            spec = folder / "openapi.yaml"
            spec.write_text(yaml.safe_dump(openapi_for(pact, count), sort_keys=False))
            command = [str(exe), "mock", str(spec), "--port", str(port), "--host", "127.0.0.1"]
            with running(command, f"http://127.0.0.1:{port}{first}", folder / "prism.log"):
                measure("prism", f"http://127.0.0.1:{port}")
        else:
            print("prism: not installed (make npm-tools)")
    if "memory" in wanted:
        big = build_pact(10_000)
        big_file = folder / "big.json"
        big_file.write_text(json.dumps(big))
        port = free_port()
        command = [
            *tether_command(),
            "mock",
            "serve",
            "--provider",
            "BenchApi",
            "--pact",
            str(big_file),
            "--port",
            str(port),
        ]
        started = time.perf_counter()
        with running(
            command, f"http://127.0.0.1:{port}/__tether/health", folder / "tether-big.log"
        ) as process:
            startup = time.perf_counter() - started
            after_start = rss_mb(process.pid)
            with httpx.Client(
                base_url=f"http://127.0.0.1:{port}", headers={"Accept": "application/json"}
            ) as client:
                for number in range(2000):
                    i = (number * 37) % 10_000
                    assert client.get(f"/api/r{i}/items/{100 + i}").status_code == 200
            after_load = rss_mb(process.pid)
        results["memory_10000_interactions"] = {
            "rss_mb_after_start": after_start,
            "rss_mb_after_2000_requests": after_load,
            "startup_seconds": round(startup, 1),
        }
        print(
            f"    memory: 10,000 interactions: {after_start} MB after start, {after_load} MB after 2,000 requests, start-up {startup:.1f} s"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {RESULTS.relative_to(ROOT)}")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
