"""wrk runs: one thread, keep-alive connections, a Lua script per traffic shape, output parsed."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCRIPTS = {"cached": HERE / "cached.lua", "varying": HERE / "varying.lua"}
WRK_TIMEOUT = "30s"  # wrk's default (2 s) drops slow answers from the latencies and calls them timeouts


@dataclass(frozen=True)
class Load:
    connections: int
    duration: float
    wrk_cpus: str

    def command(self, base: str, shape: str, count: int, duration: float | None = None) -> list[str]:
        seconds = max(1, round(duration if duration is not None else self.duration))
        return [
            "taskset",
            "-c",
            self.wrk_cpus,
            "wrk",
            "-t1",
            f"-c{self.connections}",
            f"-d{seconds}s",
            f"--timeout={WRK_TIMEOUT}",
            "--latency",
            "-s",
            str(SCRIPTS[shape]),
            base,
            "--",
            str(count),
        ]


def to_ms(text: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not found:
        raise ValueError(f"unexpected wrk latency {text!r}")
    number, unit = found.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def parse(output: str) -> dict[str, Any]:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    latencies = {p: to_ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", output, re.MULTILINE)}
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "requests_per_second": round(float(rps.group(1)), 1) if rps else 0.0,
        "requests": int(total.group(1)) if total else 0,
        "latency_ms": {f"p{p}": latencies.get(p) for p in ("50", "90", "99")},
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": (
            dict(zip(("connect", "read", "write", "timeout"), map(int, errors.groups()), strict=True))
            if errors
            else {"connect": 0, "read": 0, "write": 0, "timeout": 0}
        ),
    }


def run(command: list[str]) -> dict[str, Any]:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    return parse(done.stdout)
