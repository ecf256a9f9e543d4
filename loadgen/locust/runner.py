"""Headless Locust runs with thresholds.

Locust has no pass/fail thresholds of its own; CI pipelines wrap it. :func:`run_locust` runs it
(alone, or as a master with local worker processes), reads its CSV statistics into typed results,
and :func:`evaluate` says which thresholds a run broke.
"""

from __future__ import annotations

import ast
import csv
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from loadgen.locust.errors import LoadRunError


@dataclass(frozen=True)
class Thresholds:
    max_fail_ratio: float | None = None
    max_p95_ms: float | None = None
    min_rps: float | None = None


@dataclass(frozen=True)
class EndpointStats:
    method: str
    name: str
    requests: int
    failures: int
    median_ms: float
    p95_ms: float
    p99_ms: float
    rps: float

    @property
    def fail_ratio(self) -> float:
        return self.failures / self.requests if self.requests else 0.0


@dataclass(frozen=True)
class FailureRow:
    method: str
    name: str
    error: str
    occurrences: int


@dataclass(frozen=True)
class Breach:
    """A threshold the run broke: which, the limit, and the measured value."""

    threshold: str
    limit: float
    measured: float

    @property
    def message(self) -> str:
        labels = {
            "max_fail_ratio": "failure ratio {measured:.2%} is above the allowed {limit:.2%}",
            "max_p95_ms": "p95 response time {measured:.0f} ms is above the allowed {limit:.0f} ms",
            "min_rps": "throughput {measured:.1f} requests/s is below the required {limit:.1f}",
            "no_requests": "no request was made: check --host, the --tag/--consumer filters and the "
            "provider-state set-up",
        }
        return labels[self.threshold].format(measured=self.measured, limit=self.limit)


@dataclass(frozen=True)
class RunResult:
    locust_exit_code: int
    endpoints: tuple[EndpointStats, ...]
    aggregated: EndpointStats
    failures: tuple[FailureRow, ...]
    breaches: tuple[Breach, ...] = field(default=())
    html_report: Path | None = None

    @property
    def passed(self) -> bool:
        return not self.breaches


@dataclass(frozen=True)
class RunOptions:
    locustfile: Path
    host: str
    users: int = 10
    spawn_rate: float = 10.0
    run_time: str = "30s"
    workers: int = 0
    tags: Sequence[str] = ()
    user_classes: Sequence[str] = ()
    html: Path | None = None
    csv_prefix: Path | None = None
    extra_args: Sequence[str] = ()


def evaluate(aggregated: EndpointStats, thresholds: Thresholds) -> tuple[Breach, ...]:
    """The thresholds the run broke; a run that made no request at all proves nothing and never passes."""
    if aggregated.requests == 0:
        return (Breach("no_requests", 1, 0),)
    breaches = []
    if thresholds.max_fail_ratio is not None and aggregated.fail_ratio > thresholds.max_fail_ratio:
        breaches.append(Breach("max_fail_ratio", thresholds.max_fail_ratio, aggregated.fail_ratio))
    if thresholds.max_p95_ms is not None and aggregated.p95_ms > thresholds.max_p95_ms:
        breaches.append(Breach("max_p95_ms", thresholds.max_p95_ms, aggregated.p95_ms))
    if thresholds.min_rps is not None and aggregated.rps < thresholds.min_rps:
        breaches.append(Breach("min_rps", thresholds.min_rps, aggregated.rps))
    return tuple(breaches)


def locust_command() -> list[str]:
    exe = shutil.which("locust", path=str(Path(sys.executable).parent)) or shutil.which("locust")
    return [exe] if exe else [sys.executable, "-m", "locust"]


def run_locust(options: RunOptions, thresholds: Thresholds = Thresholds()) -> RunResult:
    """Run Locust headless and return its statistics, judged against `thresholds`."""
    if not options.locustfile.is_file():
        raise LoadRunError(
            f"locustfile {options.locustfile} does not exist; generate one with `tether loadgen locustfile`"
        )
    with tempfile.TemporaryDirectory(prefix="tether-locust-") as scratch:
        prefix = options.csv_prefix or Path(scratch) / "run"
        prefix.parent.mkdir(parents=True, exist_ok=True)
        common = [
            "-f",
            str(options.locustfile),
            "--host",
            options.host,
            "--headless",
            "-u",
            str(options.users),
            "-r",
            str(options.spawn_rate),
            "-t",
            options.run_time,
            "--csv",
            str(prefix),
            "--only-summary",
            "--exit-code-on-error",
            "0",
            *(["--tags", *options.tags] if options.tags else []),
            *(["--html", str(options.html)] if options.html else []),
            *options.extra_args,
            *options.user_classes,
        ]
        env = {**os.environ, "PACT_DO_NOT_TRACK": "true"}
        log = Path(scratch) / "locust.log"
        code = _run(options, common, env, log)
        stats_file = Path(f"{prefix}_stats.csv")
        if not stats_file.exists():
            raise LoadRunError(f"Locust exited with {code} and wrote no statistics:\n{_tail(log)}")
        endpoints, aggregated = _read_stats(stats_file)
        failures = _read_failures(Path(f"{prefix}_failures.csv"))
    return RunResult(
        locust_exit_code=code,
        endpoints=endpoints,
        aggregated=aggregated,
        failures=failures,
        breaches=evaluate(aggregated, thresholds),
        html_report=options.html,
    )


def _run(options: RunOptions, common: list[str], env: dict[str, str], log: Path) -> int:
    with log.open("wb") as out:
        if options.workers <= 0:
            return subprocess.run(
                [*locust_command(), *common], env=env, stdout=out, stderr=subprocess.STDOUT, check=False
            ).returncode
        port = _free_port()
        master = subprocess.Popen(
            [
                *locust_command(),
                *common,
                "--master",
                "--master-bind-host",
                "127.0.0.1",
                "--master-bind-port",
                str(port),
                "--expect-workers",
                str(options.workers),
                "--expect-workers-max-wait",
                "60",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        workers = [
            subprocess.Popen(
                [
                    *locust_command(),
                    "-f",
                    str(options.locustfile),
                    "--worker",
                    "--master-host",
                    "127.0.0.1",
                    "--master-port",
                    str(port),
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(options.workers)
        ]
        try:
            return master.wait()
        finally:
            for worker in workers:
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()


def user_classes_for(locustfile: Path, consumers: Sequence[str]) -> list[str]:
    """The user classes of a generated locustfile that simulate `consumers` (their ``consumer = ...``)."""
    try:
        tree = ast.parse(locustfile.read_text(encoding="utf-8"), filename=str(locustfile))
    except (OSError, SyntaxError) as exc:
        raise LoadRunError(f"cannot read locustfile {locustfile}: {exc}") from exc
    by_consumer: dict[str, str] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        for statement in node.body:
            if (
                isinstance(statement, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "consumer" for t in statement.targets)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
            ):
                by_consumer[statement.value.value] = node.name
    missing = [name for name in consumers if name not in by_consumer]
    if missing:
        known = ", ".join(sorted(by_consumer)) or "none (not a generated locustfile?)"
        raise LoadRunError(
            f"{locustfile} has no user class for consumer(s) {', '.join(missing)}; it has: {known}"
        )
    return [by_consumer[name] for name in consumers]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _number(row: dict[str, str], key: str) -> float:
    value = row.get(key) or "0"
    try:
        return float(value)
    except ValueError:
        return 0.0


def _read_stats(path: Path) -> tuple[tuple[EndpointStats, ...], EndpointStats]:
    endpoints: list[EndpointStats] = []
    aggregated: EndpointStats | None = None
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            stats = EndpointStats(
                method=row.get("Type", ""),
                name=row.get("Name", ""),
                requests=int(_number(row, "Request Count")),
                failures=int(_number(row, "Failure Count")),
                median_ms=_number(row, "50%"),
                p95_ms=_number(row, "95%"),
                p99_ms=_number(row, "99%"),
                rps=_number(row, "Requests/s"),
            )
            if stats.name == "Aggregated":
                aggregated = stats
            else:
                endpoints.append(stats)
    if aggregated is None:
        raise LoadRunError(f"{path} has no Aggregated row: Locust did not finish its run")
    return tuple(endpoints), aggregated


def _read_failures(path: Path) -> tuple[FailureRow, ...]:
    if not path.exists():
        return ()
    with path.open(newline="") as handle:
        return tuple(
            FailureRow(row["Method"], row["Name"], _unwrap_error(row["Error"]), int(row["Occurrences"]))
            for row in csv.DictReader(handle)
        )


def _unwrap_error(error: str) -> str:
    """``CatchResponseError('contract violated ...')`` → ``contract violated ...``."""
    for wrapper in ("CatchResponseError(", "HTTPError(", "ConnectionRefusedError("):
        if error.startswith(wrapper) and error.endswith(")"):
            inner = error[len(wrapper) : -1]
            if len(inner) >= 2 and inner[0] == inner[-1] and inner[0] in "'\"":
                return inner[1:-1]
            return inner
    return error


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
