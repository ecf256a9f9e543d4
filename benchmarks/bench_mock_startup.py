"""`tether mock serve` start-up with a 10,000-interaction pact: the `memory()` figures of
bench_mock_server.py alone, quickly, several rounds.

Each round launches ``tether mock serve --provider BenchApi --pact <10k pact> --port P`` (pinned to one
CPU like the main benchmark), and reports the seconds from launch to the first 2xx answer on the LAST
interaction's path, the resident memory of the process tree then (psutil-free: /proc statm over the
session, as the main benchmark does) and the CPU seconds the server spent to get there (the process tree's
utime+stime plus that of its waited-for children, e.g. a forked loader): a figure other load on the
machine does not inflate.

    .venv/bin/python benchmarks/bench_mock_startup.py --rounds 3
    .venv/bin/python benchmarks/bench_mock_startup.py --rounds 5 --compare /work/main   # interleaved A/B

With ``--compare TREE`` every round also starts the server from the source tree TREE (another checkout of
this repository, put first on the server's PYTHONPATH), the two in alternating order, and the results
include the per-round ratios (this tree / TREE).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from mock_server import contract, peers

COUNT = 10_000
SERVER_CPU = "0"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _cpu_with_children(server: peers.Server) -> float:
    """utime+stime+cutime+cstime over the session: counts a forked loader that has been joined."""
    total = 0
    for pid in server.pids():
        with contextlib.suppress(OSError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(value) for value in fields[11:15])
    return total / peers.CLOCK_TICKS


def one_round(pact: Path, folder: Path, timeout: float, tree: Path | None = None) -> dict[str, Any]:
    port = _free_port()
    peer = peers.tether(pact, port, SERVER_CPU)
    saved = os.environ.get("PYTHONPATH")
    if tree is not None:
        os.environ["PYTHONPATH"] = str(tree)
    try:
        server = peer.launch(folder / f"startup-{port}.log")
    finally:
        if tree is not None:
            if saved is None:
                del os.environ["PYTHONPATH"]
            else:
                os.environ["PYTHONPATH"] = saved
    try:
        seconds = server.wait_first_answer(
            f"http://127.0.0.1:{port}", contract.cached_path(COUNT - 1), timeout
        )
        return {
            "seconds_to_first_2xx": round(seconds, 2),
            "rss_mb_at_first_2xx": server.rss_mb(),
            "cpu_seconds_to_first_2xx": round(_cpu_with_children(server), 2),
        }
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--output", type=Path, default=Path("benchmarks/results/mock_startup.json"))
    parser.add_argument("--compare", type=Path, help="another source tree to start, interleaved")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    pact = contract.write_pact(COUNT, folder)
    load_before = [round(x, 2) for x in os.getloadavg()]
    rounds: list[dict[str, Any]] = []
    compared: list[dict[str, Any]] = []
    for index in range(args.rounds):
        order = [None, args.compare] if index % 2 == 0 else [args.compare, None]
        for tree in order if args.compare else [None]:
            figures = one_round(pact, folder, args.timeout, tree)
            (rounds if tree is None else compared).append(figures)
            print(
                f"round {index + 1} {'this tree' if tree is None else tree}: first 2xx after "
                f"{figures['seconds_to_first_2xx']} s, {figures['cpu_seconds_to_first_2xx']} CPU s, "
                f"{figures['rss_mb_at_first_2xx']} MB",
                flush=True,
            )
    medians = {key: round(statistics.median(r[key] for r in rounds), 2) for key in rounds[0]}
    results: dict[str, Any] = {
        "method": "tether mock serve --provider BenchApi --pact <10,000 interactions> (taskset CPU 0); "
        "seconds from launch to the first 2xx on the last interaction's path; RSS of the process tree "
        "then; CPU seconds of the tree (with joined children) by then; medians over rounds",
        "command": " ".join(peer_command_example(pact)),
        "rounds": rounds,
        "median": medians,
        "load_average_before": load_before,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    if compared:
        results["compared_with"] = {
            "tree": str(args.compare),
            "rounds": compared,
            "median": {key: round(statistics.median(r[key] for r in compared), 2) for key in compared[0]},
            "median_of_round_ratios_this_over_compared": {
                key: round(
                    statistics.median(a[key] / b[key] for a, b in zip(rounds, compared, strict=True)), 3
                )
                for key in rounds[0]
            },
        }
        print(
            f"compared with {args.compare}: {results['compared_with']['median']}; ratios this/compared "
            f"{results['compared_with']['median_of_round_ratios_this_over_compared']}"
        )
    print(f"median: {medians}; load average before {load_before}, after {results['load_average_after']}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {args.output}")


def peer_command_example(pact: Path) -> list[str]:
    return ["taskset", "-c", SERVER_CPU, *peers.tether(pact, 0, SERVER_CPU).command]


if __name__ == "__main__":
    main()
