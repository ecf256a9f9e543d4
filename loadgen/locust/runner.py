"""Headless Locust runs with thresholds.

Locust has no pass/fail thresholds of its own; CI pipelines wrap it. :func:`run_locust` runs it
(alone, or as a master with local worker processes) and returns typed results judged by
:func:`loadgen.locust.verdict.judge`. A generated locustfile judges itself inside Locust with the
same thresholds (passed as Locust options) and writes its final figures, which are read here; a
hand-written locustfile is judged here from Locust's CSV files. Locust's exit code is kept: a run
that Locust failed for a reason the figures do not show never passes.
"""

from __future__ import annotations

import ast
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from loadgen.locust.csvstats import LiveStats, read_figures, read_live_stats
from loadgen.locust.errors import LoadRunError
from loadgen.locust.verdict import (
    Breach,
    EndpointStats,
    ExceptionRow,
    FailureRow,
    RunFigures,
    Thresholds,
    judge,
)


@dataclass(frozen=True)
class RunResult:
    locust_exit_code: int
    endpoints: tuple[EndpointStats, ...]
    aggregated: EndpointStats
    failures: tuple[FailureRow, ...]
    breaches: tuple[Breach, ...] = field(default=())
    html_report: Path | None = None
    exceptions: tuple[ExceptionRow, ...] = ()
    log_tail: str = ""

    @property
    def figures(self) -> RunFigures:
        return RunFigures(self.endpoints, self.aggregated, self.failures, self.exceptions)

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
    exclude_tags: Sequence[str] = ()
    user_classes: Sequence[str] = ()
    html: Path | None = None
    csv_prefix: Path | None = None
    extra_args: Sequence[str] = ()
    progress: Callable[[LiveStats], None] | None = None
    """Called about once a second with the running totals (`tether loadgen run` on a terminal)."""


def evaluate(aggregated: EndpointStats, thresholds: Thresholds) -> tuple[Breach, ...]:
    """The overall thresholds `aggregated` breaks (no failure rows, no per-route limits)."""
    return judge(RunFigures(endpoints=(), aggregated=aggregated), thresholds)


def threshold_arguments(thresholds: Thresholds) -> list[str]:
    """The thresholds as the command-line options the generated locustfile adds to Locust, so that
    Locust's own exit code follows the same verdict."""
    arguments = ["--max-drift", str(thresholds.max_drift)]
    optional = (
        ("--max-error-ratio", thresholds.max_error_ratio),
        ("--max-fail-ratio", thresholds.max_fail_ratio),
        ("--max-p95-ms", thresholds.max_p95_ms),
        ("--max-avg-ms", thresholds.max_avg_ms),
        ("--min-rps", thresholds.min_rps),
    )
    for option, value in optional:
        arguments.extend([option, "-1" if value is None else str(value)])
    for limit in thresholds.routes:
        parts = [limit.name]
        parts.extend(
            f"{key}={value}"
            for key, value in (
                ("p95", limit.max_p95_ms),
                ("avg", limit.max_avg_ms),
                ("fail", limit.max_fail_ratio),
            )
            if value is not None
        )
        arguments.extend(["--route-limit", " ".join(parts)])
    return arguments


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
        figures_file = Path(scratch) / "figures.json"
        if uses_tether_hooks(options.locustfile):  # it judges itself and writes its final figures
            judging = [*threshold_arguments(thresholds), "--tether-figures", str(figures_file)]
        else:  # a hand-written locustfile: judged here, from Locust's CSV files
            judging = ["--exit-code-on-error", "0"]
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
            *(["--tags", *options.tags] if options.tags else []),
            *(["--exclude-tags", *options.exclude_tags] if options.exclude_tags else []),
            *(["--html", str(options.html)] if options.html else []),
            *judging,
            *options.extra_args,
            *options.user_classes,
        ]
        env = {**os.environ, "PACT_DO_NOT_TRACK": "true"}
        log = Path(scratch) / "locust.log"
        code = _run(options, common, env, log)
        tail = _tail(log)
        if figures_file.exists():
            figures = RunFigures.from_json(figures_file.read_text(encoding="utf-8"))
        elif not uses_tether_hooks(options.locustfile) and Path(f"{prefix}_stats.csv").exists():
            figures = read_figures(prefix)
        else:
            raise LoadRunError(f"Locust exited with {code} and wrote no statistics:\n{tail}")
    breaches = judge(figures, thresholds)
    if code != 0 and not breaches:  # Locust failed for a reason the statistics do not show
        breaches = (Breach("locust_exit", 0, code, detail=f"; its log ends with:\n{tail}"),)
    return RunResult(
        locust_exit_code=code,
        endpoints=figures.endpoints,
        aggregated=figures.aggregated,
        failures=figures.failures,
        breaches=breaches,
        html_report=options.html,
        exceptions=figures.exceptions,
        log_tail=tail,
    )


def _run(options: RunOptions, common: list[str], env: dict[str, str], log: Path) -> int:
    with log.open("wb") as out:
        if options.workers <= 0:
            single = subprocess.Popen(
                [*locust_command(), *common], env=env, stdout=out, stderr=subprocess.STDOUT
            )
            return _wait(single, options, common)
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
            return _wait(master, options, common)
        finally:
            for worker in workers:
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()


def _wait(process: subprocess.Popen[bytes], options: RunOptions, common: list[str]) -> int:
    """Wait for Locust, telling `options.progress` the live totals about once a second."""
    if options.progress is None:
        return process.wait()
    stats_csv = Path(f"{common[common.index('--csv') + 1]}_stats.csv")
    while True:
        try:
            return process.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            live = read_live_stats(stats_csv)
            if live is not None:
                options.progress(live)


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


def uses_tether_hooks(locustfile: Path) -> bool:
    """Whether `locustfile` plugs Tether into Locust (every generated one does)."""
    try:
        return "loadgen.locust.hooks" in locustfile.read_text(encoding="utf-8")
    except OSError:
        return False


def check_tags(locustfile: Path, tags: Sequence[str]) -> None:
    """Refuse tags no task of `locustfile` has: a misspelt tag would run nothing, or everything."""
    if not tags:
        return
    try:
        tree = ast.parse(locustfile.read_text(encoding="utf-8"), filename=str(locustfile))
    except (OSError, SyntaxError) as exc:
        raise LoadRunError(f"cannot read locustfile {locustfile}: {exc}") from exc
    known: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "tag":
            known.update(
                arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            )
    unknown = [name for name in tags if name not in known]
    if unknown:
        raise LoadRunError(
            f"no task of {locustfile} has the tag(s) {', '.join(unknown)}; its tags are: "
            + (", ".join(sorted(known)) or "none")
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
