"""Locust's CSV statistics (``--csv PREFIX``): the live totals, and the figures of a finished run of a
locustfile that does not write Tether's own (a hand-written one).

Locust rewrites these files once a second, so after a run they can miss its last second; generated
locustfiles write their final figures themselves (:mod:`loadgen.locust.hooks`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from loadgen.locust.errors import LoadRunError
from loadgen.locust.verdict import EndpointStats, ExceptionRow, FailureRow, RunFigures, unwrap_error


@dataclass(frozen=True)
class LiveStats:
    """The running totals Locust writes to its CSV file once a second."""

    requests: int
    failures: int
    p95_ms: str

    @property
    def line(self) -> str:
        return f"load: {self.requests} requests, {self.failures} failures, p95 {self.p95_ms} ms"


def read_live_stats(stats_csv: Path) -> LiveStats | None:
    """The Aggregated row of Locust's `*_stats.csv` while it runs; None before it has one."""
    try:
        with stats_csv.open(newline="") as handle:
            rows = [row for row in csv.DictReader(handle) if row.get("Name") == "Aggregated"]
    except (OSError, csv.Error):
        return None
    if not rows:
        return None
    row = rows[-1]
    try:
        return LiveStats(int(row["Request Count"]), int(row["Failure Count"]), row.get("95%") or "-")
    except (KeyError, ValueError):
        return None


def read_figures(prefix: Path) -> RunFigures:
    """The figures of a finished run from the CSV files Locust wrote with `prefix`."""
    stats_file = Path(f"{prefix}_stats.csv")
    if not stats_file.exists():
        raise LoadRunError(f"Locust wrote no statistics to {stats_file}")
    endpoints: list[EndpointStats] = []
    aggregated: EndpointStats | None = None
    with stats_file.open(newline="") as handle:
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
                average_ms=_number(row, "Average Response Time"),
            )
            if stats.name == "Aggregated":
                aggregated = stats
            else:
                endpoints.append(stats)
    if aggregated is None:
        raise LoadRunError(f"{stats_file} has no Aggregated row: Locust did not finish its run")
    return RunFigures(tuple(endpoints), aggregated, _failures(prefix), _exceptions(prefix))


def _number(row: dict[str, str], key: str) -> float:
    try:
        return float(row.get(key) or "0")
    except ValueError:
        return 0.0


def _failures(prefix: Path) -> tuple[FailureRow, ...]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return ()
    with path.open(newline="") as handle:
        return tuple(
            FailureRow(row["Method"], row["Name"], unwrap_error(row["Error"]), int(row["Occurrences"]))
            for row in csv.DictReader(handle)
        )


def _exceptions(prefix: Path) -> tuple[ExceptionRow, ...]:
    path = Path(f"{prefix}_exceptions.csv")
    if not path.exists():
        return ()
    with path.open(newline="") as handle:
        return tuple(
            ExceptionRow(int(_number(row, "Count")), row.get("Message") or "")
            for row in csv.DictReader(handle)
        )
