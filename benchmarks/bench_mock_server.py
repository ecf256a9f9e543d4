"""Mock server throughput, latency, memory and start-up as users see them: `tether mock serve` next to
WireMock, Prism and the Rust pact stub server, on the same contract, on one core.

Contract (``mock_server/contract.py``): 50 path templates ``/api/r{i}/items/{id}`` with realistic JSON
bodies; every peer is configured so that a template matches *any* integer id (pact regex path matcher,
WireMock ``urlPathPattern``, an OpenAPI path parameter for Prism). Answers are checked (200 + the
template's body) for both traffic shapes before anything is measured, so nobody wins with 404s.

Traffic shapes (wrk Lua scripts in ``mock_server/``):
  cached   the same 50 URLs cycled (the flattering case: any per-URL cache always hits);
  varying  a random template and a random id per request (what a test suite or a load test sends).

Method: every server runs pinned to CPU 0 (``taskset -c 0``; JVMs also get
``-XX:ActiveProcessorCount=1``), wrk runs pinned to CPU 1 with one thread and 32 keep-alive connections
(``--timeout 30s``, so slow answers count in the latencies instead of being dropped as timeouts). All
peers are started first; each is warmed up under the varying load (JIT runtimes, WireMock's JVM and
Prism's Node, for ``--warmup`` seconds, 30 by default, then in 5 s chunks until two successive chunks
agree within 10%; Tether and the pact stub server, which have no JIT, for ``--warmup-other`` seconds,
5 by default). Then ``--rounds`` rounds: in each, every peer is measured on both
shapes for ``--duration`` seconds, the peer order rotated each round and the shape order alternated,
so the noise of a shared machine hits every peer alike. Reported: median req/s and median latency
p50/p90/p99 over the rounds, non-2xx answers, socket errors, and the server's CPU milliseconds per
answered request (utime+stime of its whole process tree / requests). Ratios: ratio of the medians,
the median of the per-round ratios (paired within a round), and requests per CPU-second (which does
not depend on the share of a busy core each server got).

Pact size (``--scaling-duration``): Tether and the pact stub server with 1, 10 and 50 templates, to show
whether a peer's cost is per request or per interaction in the pact.

Two cores: ``tether-2w`` (``tether mock serve --workers 2``, pinned to CPUs 0-1) when the option exists;
wrk then shares CPU 1 with a worker. Skipped with a note when ``--workers`` is not available.

Memory and start-up with 10,000 interactions (``--memory-tools``): time from process start to the
first 2xx answer on an interaction, resident memory (whole process tree) then, and after a short
varying load.

Needs wrk (``apt-get install -y wrk``), java for WireMock and the npm tools (``make npm-tools``);
missing ones are reported and their peers skipped.

Run::

    .venv/bin/python benchmarks/bench_mock_server.py   # full run: ~10 min quiet, 13 min at load average 15
    .venv/bin/python benchmarks/bench_mock_server.py --duration 5 --warmup 10 --warmup-other 2 \\
        --warmup-max-chunks 1 --rounds 1 --tools tether,wiremock-tuned \\
        --scaling-duration 0 --memory-tools '' --output /tmp/mock_server.json   # about one minute

A quick run understates the JIT peers (a 10 s warm-up leaves WireMock at two to three times its
warmed-up CPU per request): use it to check a change, not to quote a ratio.

Figures are printed and written to ``benchmarks/results/mock_server.json`` (``--output`` to change).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from mock_server import contract, load, peers

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "mock_server.json"
SERVER_CPU = "0"
LOAD_CPU = "1"
ALL_TOOLS = ["tether", "tether-2w", "wiremock", "wiremock-tuned", "prism", "pact-stub"]
SHAPES = ["cached", "varying"]
MEMORY_COUNT = 10_000
NOTES = [
    "The old harness's pact-stub figure (7.9 req/s with wrk timeouts) was partly the harness: wrk's default "
    "2 s timeout dropped every answer slower than 2 s (32 connections queue on a server that needs tens of "
    "ms per answer) from the latencies and counted them as timeouts; wrk now runs with --timeout 30s. The "
    "throughput itself is pact-stub-server's: it is CPU-bound (see server_cpu_ms_per_request), keep-alive "
    "works, its tokio runtime uses the one core it is given, and it matches every request against every "
    "interaction, at a cost that grows faster than the pact's size (see 'scaling': 1, 10 and 50 templates).",
    "pact-mock (the Rust `pact mock` server) is not in the rotation: it is a per-test mock that records "
    "every request for verification, not a long-running stub, and it runs the same pact_matching engine as "
    "pact-stub-server. Checked by hand with this contract (50 templates, varying, 32 connections, one "
    "core): 18 req/s, 14 ms of CPU per request, p50 1.7 s - the same order as pact-stub.",
    "On a shared core the scheduler shares CPU per thread: a server with many runnable threads (WireMock's "
    "Jetty pool) takes a larger share of CPU 0 from other jobs than a one-thread server (Tether, Prism). "
    "requests_per_cpu_second_ratio (from server_cpu_ms_per_request) does not depend on that share; on a "
    "quiet machine it and the req/s ratio should agree.",
    "WireMock is measured twice: with its defaults (request journal on and unbounded, as `wiremock` starts) "
    "and tuned as its documentation advises for load tests (--no-request-journal, "
    "--disable-request-logging, 64 container threads). Tether keeps its default journal of 1000 requests.",
    "Memory and start-up with 10,000 interactions: the first request is for the last template (r9999), "
    "the worst case for a server that scans interactions in order. A peer whose resident memory passes "
    "--rss-cap-mb before it answers is stopped and reported (pact-stub-server grows by about 100 MB/s "
    "on its first request against a 10,000-interaction pact).",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=10, help="seconds per measurement (default 10)")
    parser.add_argument("--warmup", type=float, default=30, help="JIT peers' warm-up, seconds (default 30)")
    parser.add_argument("--warmup-other", type=float, default=5, help="other peers' warm-up (default 5)")
    parser.add_argument(
        "--warmup-max-chunks",
        type=int,
        default=4,
        help="JIT peers: extra 5 s chunks until steady (default 4)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--count", type=int, default=50, help="path templates in the contract (default 50)")
    parser.add_argument(
        "--tools", "--only", default=",".join(ALL_TOOLS), help=f"subset of {','.join(ALL_TOOLS)}"
    )
    parser.add_argument(
        "--memory-tools", default="tether,wiremock-tuned,pact-stub", help="10k start-up/memory ('' skips)"
    )
    parser.add_argument(
        "--scaling-duration", type=float, default=4, help="seconds per pact-size run (0 skips; default 4)"
    )
    parser.add_argument(
        "--memory-timeout", type=float, default=180, help="10k start-up limit, s (default 180)"
    )
    parser.add_argument(
        "--rss-cap-mb", type=float, default=2000, help="stop a 10k peer past this RSS (default 2000 MB)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    args.tools = [name for name in args.tools.split(",") if name]
    args.memory_tools = [name for name in args.memory_tools.split(",") if name]
    unknown = sorted(set(args.tools + args.memory_tools) - set(ALL_TOOLS))
    if unknown:
        parser.error(f"unknown tools {unknown}; known: {ALL_TOOLS}")
    return args


def version_of(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unknown ({error})"
    text = (done.stdout + done.stderr).strip().splitlines()
    return text[0] if text else "unknown"


def machine_info() -> dict[str, Any]:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown",
    )
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    jar = peers.wiremock_jar()
    pact = peers.pact_executable()
    return {
        "cpu": model,
        "cpus": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": sys.version.split()[0],
        "versions": {
            "tether": version_of([*peers.tether_executable(), "--version"]),
            "wrk": version_of(["wrk", "-v"]),
            "java": version_of(["java", "-version"]),
            "wiremock": jar.name if jar else None,
            "node": version_of(["node", "--version"]),
            "prism": version_of([str(peers.prism_executable()), "--version"])
            if peers.prism_executable()
            else None,
            "pact-stub": version_of([str(pact), "stub", "--help"]) if pact else None,
        },
    }


def build_peer(name: str, count: int, folder: Path, port: int, *, cpus: str) -> peers.Peer:
    """NAME's peer for the COUNT-template contract (files written to FOLDER)."""
    processors = len(cpus.split(","))
    if name in ("tether", "tether-2w"):
        pact = folder / f"BenchWeb-BenchApi-{count}.json"
        if not pact.exists():
            pact = contract.write_pact(count, folder)
        return peers.tether(pact, port, cpus, workers=2 if name == "tether-2w" else None)
    if name in ("wiremock", "wiremock-tuned"):
        root = folder / f"wiremock-{count}"
        if not root.exists():
            contract.write_wiremock_root(count, root)
        jar = peers.wiremock_jar()
        assert jar is not None
        return peers.wiremock(jar, root, port, cpus, processors, tuned=name == "wiremock-tuned")
    if name == "prism":
        exe = peers.prism_executable()
        assert exe is not None
        return peers.prism(exe, contract.write_openapi(count, folder), port, cpus)
    exe = peers.pact_executable()
    assert exe is not None
    pact = folder / f"BenchWeb-BenchApi-{count}.json"
    if not pact.exists():
        pact = contract.write_pact(count, folder)
    return peers.pact_stub(exe, pact, port, cpus)


def available(names: list[str], notes: list[str]) -> list[str]:
    missing = peers.missing_tools()
    kept = []
    for name in names:
        family = name.removesuffix("-tuned")
        if family in missing:
            notes.append(f"{name} skipped: {missing[family]}")
        elif name == "tether-2w" and not peers.tether_has_workers():
            notes.append("tether-2w skipped: `tether mock serve --workers` is not available in this build")
        else:
            kept.append(name)
    for note in notes:
        print(f"note: {note}", flush=True)
    return kept


def measure(server: peers.Server, base: str, command: list[str]) -> dict[str, Any]:
    cpu_before = server.cpu_seconds()
    figures = load.run(command)
    cpu = server.cpu_seconds() - cpu_before
    figures["server_cpu_ms_per_request"] = (
        round(1000 * cpu / figures["requests"], 3) if figures["requests"] else None
    )
    return figures


def summarize(samples: list[dict[str, Any]]) -> dict[str, Any]:
    def median_of(values: list[float | None]) -> float | None:
        known = [v for v in values if v is not None]
        return round(statistics.median(known), 3) if known else None

    return {
        "requests_per_second": median_of([s["requests_per_second"] for s in samples]),
        "latency_ms": {p: median_of([s["latency_ms"][p] for s in samples]) for p in ("p50", "p90", "p99")},
        "server_cpu_ms_per_request": median_of([s["server_cpu_ms_per_request"] for s in samples]),
        "non_2xx": sum(s["non_2xx"] for s in samples),
        "socket_errors": {
            k: sum(s["socket_errors"][k] for s in samples) for k in samples[0]["socket_errors"]
        },
        "rounds_requests_per_second": [s["requests_per_second"] for s in samples],
    }


def ratios(runs: dict[str, dict[str, list[dict[str, Any]]]], tools: list[str]) -> dict[str, Any]:
    """tether / peer (and tether-2w / tether): ratio of medians and median of paired per-round ratios."""
    pairs = [("tether", peer) for peer in tools if peer not in ("tether", "tether-2w")]
    if "tether-2w" in tools:
        pairs.append(("tether-2w", "tether"))
    found: dict[str, Any] = {}
    for left, right in pairs:
        if left not in tools:
            continue
        for shape in SHAPES:
            a = [s["requests_per_second"] for s in runs[left][shape]]
            b = [s["requests_per_second"] for s in runs[right][shape]]
            if not a or not b or not min(b) or not statistics.median(b):
                continue
            found[f"{left}/{right} {shape}"] = {
                "ratio_of_medians": round(statistics.median(a) / statistics.median(b), 2),
                "median_of_round_ratios": round(
                    statistics.median(x / y for x, y in zip(a, b, strict=True)), 2
                ),
                "cores": "2 vs 1 (wrk shares CPU 1)" if left == "tether-2w" else "1 vs 1",
            }
            cpu_a = [
                s["server_cpu_ms_per_request"] for s in runs[left][shape] if s["server_cpu_ms_per_request"]
            ]
            cpu_b = [
                s["server_cpu_ms_per_request"] for s in runs[right][shape] if s["server_cpu_ms_per_request"]
            ]
            if cpu_a and cpu_b:
                # requests per CPU-second, left over right: immune to how much of the shared core each got
                found[f"{left}/{right} {shape}"]["requests_per_cpu_second_ratio"] = round(
                    statistics.median(cpu_b) / statistics.median(cpu_a), 2
                )
    return found


def warm_up(args: argparse.Namespace, wrk: load.Load, server: peers.Server, base: str) -> dict[str, Any]:
    """The varying load for --warmup seconds (JIT peers) or --warmup-other; then, for JIT peers, 5 s
    chunks until two successive chunks agree within 10% (at most --warmup-max-chunks): on a busy machine
    30 s may be too few requests for the JIT to settle."""
    jit = server.peer.jit
    seconds = args.warmup if jit else args.warmup_other
    figures = measure(server, base, wrk.command(base, "varying", args.count, seconds))
    chunks = [figures["requests_per_second"]]
    while jit and len(chunks) <= args.warmup_max_chunks:
        chunks.append(
            measure(server, base, wrk.command(base, "varying", args.count, 5))["requests_per_second"]
        )
        if chunks[-2] and abs(chunks[-1] - chunks[-2]) <= 0.1 * chunks[-2]:
            break
    total = seconds + 5 * (len(chunks) - 1)
    print(f"{server.peer.name:>15}: warmed {total:.0f} s, req/s {chunks}", flush=True)
    return {
        "seconds": total,
        "shape": "varying",
        "first_run": figures,
        "requests_per_second_by_chunk": chunks,
    }


def throughput(args: argparse.Namespace, tools: list[str], folder: Path, results: dict[str, Any]) -> None:
    wrk = load.Load(args.connections, args.duration, LOAD_CPU)
    running: dict[str, tuple[peers.Server, str]] = {}
    try:
        for name in tools:
            cpus = "0,1" if name == "tether-2w" else SERVER_CPU
            port = free_port()
            peer = build_peer(name, args.count, folder, port, cpus=cpus)
            server = peer.launch(folder / f"{name}.log")
            base = f"http://127.0.0.1:{port}"
            startup = server.wait_first_answer(base, contract.cached_path(0), timeout=180)
            contract.check_answers(base, args.count)
            running[name] = (server, base)
            results["peers"][name] = {
                "command": server.command,
                "options": peer.options,
                "cpus": cpus,
                "startup_seconds": round(startup, 2),
            }
            print(f"{name:>15}: up in {startup:.1f} s, answers checked", flush=True)
        for name, (server, base) in running.items():
            results["peers"][name]["warmup"] = warm_up(args, wrk, server, base)
        runs: dict[str, dict[str, list[dict[str, Any]]]] = {name: {s: [] for s in SHAPES} for name in running}
        names = list(running)
        for number in range(args.rounds):
            order = names[number % len(names) :] + names[: number % len(names)]
            shapes = SHAPES if number % 2 == 0 else SHAPES[::-1]
            for name in order:
                server, base = running[name]
                for shape in shapes:
                    figures = measure(server, base, wrk.command(base, shape, args.count))
                    runs[name][shape].append(figures)
                    latency = figures["latency_ms"]
                    print(
                        f"round {number + 1} {name:>15} {shape:>8}: {figures['requests_per_second']:>9.1f} req/s"
                        f"  p50 {latency['p50']} p99 {latency['p99']} ms  cpu/req {figures['server_cpu_ms_per_request']} ms"
                        f"  non-2xx {figures['non_2xx']}  errors {figures['socket_errors']}",
                        flush=True,
                    )
        for name in running:
            results["peers"][name]["rss_mb_after_rounds"] = running[name][0].rss_mb()
            results["peers"][name]["results"] = {shape: summarize(runs[name][shape]) for shape in SHAPES}
            results["peers"][name]["rounds"] = runs[name]
        results["ratios"] = ratios(runs, names)
    finally:
        for server, _ in running.values():
            server.stop()


def memory(args: argparse.Namespace, folder: Path, results: dict[str, Any]) -> None:
    """10,000 interactions: start-up to the first 2xx, RSS after start and after a short varying load."""
    wrk = load.Load(args.connections, 5, LOAD_CPU)
    for name in args.memory_tools:
        port = free_port()
        peer = build_peer(name, MEMORY_COUNT, folder, port, cpus=SERVER_CPU)
        server = peer.launch(folder / f"{name}-{MEMORY_COUNT}.log")
        base = f"http://127.0.0.1:{port}"
        try:
            first = server.wait_first_answer(
                base,
                contract.cached_path(MEMORY_COUNT - 1),
                timeout=args.memory_timeout,
                rss_cap_mb=args.rss_cap_mb,
            )
            after_start = server.rss_mb()
            figures = measure(server, base, wrk.command(base, "varying", MEMORY_COUNT))
            entry = {
                "command": server.command,
                "seconds_to_first_2xx": round(first, 2),
                "rss_mb_at_first_2xx": after_start,
                "rss_mb_after_5s_varying_load": server.rss_mb(),
                "varying_load_5s": figures,
            }
        except (TimeoutError, RuntimeError, MemoryError) as error:
            entry = {"command": server.command, "error": str(error)}
        finally:
            server.stop()
        results["memory_10000_interactions"][name] = entry
        print(
            f"{name:>15}: 10,000 interactions: first 2xx after {entry.get('seconds_to_first_2xx')} s, "
            f"{entry.get('rss_mb_at_first_2xx')} MB then, {entry.get('rss_mb_after_5s_varying_load')} MB "
            f"after 5 s of varying load {entry.get('error', '')}",
            flush=True,
        )


def scaling(args: argparse.Namespace, tools: list[str], folder: Path, results: dict[str, Any]) -> None:
    """Per-request cost against the pact's size (1, 10, 50 templates, varying shape, one short run each):
    shows whether a slow peer is slow per interaction (a property of its matcher) or per request."""
    wrk = load.Load(args.connections, args.scaling_duration, LOAD_CPU)
    for name in [name for name in ("tether", "pact-stub") if name in tools]:
        for count in (1, 10, 50):
            sub = folder / f"scaling-{name}-{count}"
            sub.mkdir()
            port = free_port()
            server = build_peer(name, count, sub, port, cpus=SERVER_CPU).launch(sub / "server.log")
            base = f"http://127.0.0.1:{port}"
            try:
                server.wait_first_answer(base, contract.cached_path(0), timeout=120)
                figures = measure(server, base, wrk.command(base, "varying", count))
            finally:
                server.stop()
            results["scaling"].setdefault(name, {})[str(count)] = figures
            print(
                f"{name:>15} with {count:>2} templates (varying): {figures['requests_per_second']:>9.1f} req/s"
                f"  cpu/req {figures['server_cpu_ms_per_request']} ms",
                flush=True,
            )


def print_summary(results: dict[str, Any]) -> None:
    print("\nmedians over rounds (server on one core unless noted):")
    for name, peer in results["peers"].items():
        for shape, figures in peer.get("results", {}).items():
            latency = figures["latency_ms"]
            print(
                f"  {name:>15} {shape:>8}: {figures['requests_per_second']:>9} req/s  p50 {latency['p50']}"
                f"  p90 {latency['p90']}  p99 {latency['p99']} ms  cpu/req {figures['server_cpu_ms_per_request']} ms"
                f"  non-2xx {figures['non_2xx']}  errors {figures['socket_errors']}"
            )
    print("ratios (req/s):")
    for key, value in results.get("ratios", {}).items():
        print(
            f"  {key:>36}: {value['ratio_of_medians']:>7}x  (median of round ratios "
            f"{value['median_of_round_ratios']}x; per CPU-second {value.get('requests_per_cpu_second_ratio')}x;"
            f" {value['cores']})"
        )


def main() -> None:
    args = parse_args()
    notes: list[str] = []
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk (Debian package wrk)")
    if not shutil.which("taskset"):
        sys.exit("taskset is missing: apt-get install -y util-linux")
    if (os.cpu_count() or 1) < 2:
        sys.exit("needs 2 CPUs: the server runs on CPU 0, wrk on CPU 1")
    tools = available(args.tools, notes)
    memory_tools = [name for name in args.memory_tools if name in available([name], [])]
    args.memory_tools = memory_tools
    results: dict[str, Any] = {
        "method": {
            "contract": f"{args.count} path templates GET /api/r{{i}}/items/{{id}} + Accept header, "
            "nested JSON bodies; pact with regex path matchers and body rules; every peer matches any id",
            "shapes": {
                "cached": "the same URLs cycled (a per-URL cache always hits)",
                "varying": "random template and random id per request (wrk Lua, math.random)",
            },
            "load": " ".join(
                load.Load(args.connections, args.duration, LOAD_CPU).command("URL", "varying", args.count)
            ),
            "server_cpus": f"CPU {SERVER_CPU} (taskset; JVM -XX:ActiveProcessorCount=1); tether-2w: CPUs 0,1",
            "wrk_cpus": f"CPU {LOAD_CPU}; for tether-2w wrk shares CPU 1 with a worker",
            "warmup_seconds": {
                "jit (wiremock, prism)": f"{args.warmup}, then 5 s chunks until two agree within 10% "
                f"(at most {args.warmup_max_chunks})",
                "others (tether, pact-stub)": args.warmup_other,
            },
            "rounds": args.rounds,
            "duration_seconds": args.duration,
            "interleaving": "all peers up at once; each round measures every peer on both shapes, peer "
            "order rotated each round, shape order alternated",
            "figures": "median over rounds; ratios are ratio of medians and median of paired round ratios; "
            "cpu/req = server process tree utime+stime / answered requests",
        },
        "machine": machine_info(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "peers": {},
        "scaling": {},
        "memory_10000_interactions": {},
        "notes": notes + NOTES,
    }
    folder = Path(tempfile.mkdtemp(prefix="bench-mock-"))
    started = time.monotonic()
    try:
        if tools:
            throughput(args, tools, folder, results)
        if args.scaling_duration > 0:
            scaling(args, tools, folder, results)
        if args.memory_tools:
            memory(args, folder, results)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    results["wall_seconds"] = round(time.monotonic() - started)
    print_summary(results)
    print(f"load average before {results['load_average_before']}, after {results['load_average_after']}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {args.output}")


if __name__ == "__main__":
    main()
