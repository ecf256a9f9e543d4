"""The verdict of a load run: failure classes, thresholds, and the breaches a run's figures show.

A generated scenario fails a request for one of two reasons, told apart by the start of the failure
text the runtime writes:

- **contract drift** (``contract violated (Consumer: description): ...``): the provider answered,
  and the answer breaks the contract. By default any drift fails the run (``--max-drift 0``).
- **availability** (``unavailable (Consumer: description): ...``): a connection error or reset, a
  timeout, or a 5xx status the contract does not list. Judged by ``--max-error-ratio``.

Failures written by other code (a user's own hooks) count as availability errors. Exceptions in
Locust users (a failed provider-state set-up, a bug in user code) always fail the run.

The same :func:`judge` serves ``tether loadgen run`` (from Locust's CSV statistics) and a plain
``locust -f generated.py`` (from the live statistics, in a ``quitting`` listener), so both give the
same exit code for the same run.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any

from loadgen.locust.errors import LoadRunError

DRIFT_PREFIX = "contract violated ("
UNAVAILABLE_PREFIX = "unavailable ("
_SUBJECT = re.compile(r"^(?:contract violated|unavailable) \((?P<subject>.*?)\): ")


class FailureClass(Enum):
    DRIFT = "contract drift"
    AVAILABILITY = "availability"


def classify(error: str) -> FailureClass:
    return FailureClass.DRIFT if error.startswith(DRIFT_PREFIX) else FailureClass.AVAILABILITY


def subject_of(error: str, fallback: str) -> str:
    """``Consumer: description`` of a failure text written by the runtime, else `fallback` (the request name)."""
    match = _SUBJECT.match(error)
    return match["subject"] if match else fallback


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
    average_ms: float = 0.0

    @property
    def fail_ratio(self) -> float:
        return self.failures / self.requests if self.requests else 0.0


@dataclass(frozen=True)
class FailureRow:
    method: str
    name: str
    error: str
    occurrences: int

    @property
    def failure_class(self) -> FailureClass:
        return classify(self.error)


@dataclass(frozen=True)
class ExceptionRow:
    count: int
    message: str


@dataclass(frozen=True)
class RouteLimit:
    """Limits for one request name, e.g. ``GET /orders/{orderId} p95=300 avg=120 fail=0.01``."""

    name: str
    max_p95_ms: float | None = None
    max_avg_ms: float | None = None
    max_fail_ratio: float | None = None

    @classmethod
    def parse(cls, text: str) -> RouteLimit:
        keys = {"p95": "max_p95_ms", "avg": "max_avg_ms", "fail": "max_fail_ratio"}
        words = text.split()
        limits: dict[str, float] = {}
        while words and "=" in words[-1]:
            key, _, value = words.pop().partition("=")
            if key not in keys:
                raise LoadRunError(
                    f"route limit {text!r}: unknown limit {key!r}; use p95=MS, avg=MS and/or fail=RATIO"
                )
            try:
                limits[keys[key]] = float(value)
            except ValueError:
                raise LoadRunError(f"route limit {text!r}: {key}={value!r} is not a number") from None
        if not words or not limits:
            raise LoadRunError(
                f"route limit {text!r} needs a request name and at least one limit, "
                "e.g. 'GET /orders/{orderId} p95=300 avg=120 fail=0.01'"
            )
        return cls(name=" ".join(words), **limits)


@dataclass(frozen=True)
class Thresholds:
    max_drift: int = 0
    max_error_ratio: float | None = 0.0
    max_fail_ratio: float | None = None
    max_p95_ms: float | None = None
    max_avg_ms: float | None = None
    min_rps: float | None = None
    routes: tuple[RouteLimit, ...] = ()


@dataclass(frozen=True)
class Breach:
    """A threshold the run broke: which, the limit, the measured value, and for whom."""

    threshold: str
    limit: float
    measured: float
    subject: str = ""
    detail: str = ""

    @property
    def message(self) -> str:
        labels = {
            "max_drift": "contract drift: {measured:.0f} violation(s), {limit:.0f} allowed{detail}",
            "max_error_ratio": "availability: error ratio {measured:.2%} is above the allowed {limit:.2%}{detail}",
            "max_fail_ratio": "failure ratio {measured:.2%} is above the allowed {limit:.2%}",
            "max_p95_ms": "p95 response time {measured:.0f} ms is above the allowed {limit:.0f} ms",
            "max_avg_ms": "average response time {measured:.0f} ms is above the allowed {limit:.0f} ms",
            "min_rps": "throughput {measured:.1f} requests/s is below the required {limit:.1f}",
            "exceptions": "{measured:.0f} exception(s) in Locust users{detail}",
            "locust_exit": "Locust exited with code {measured:.0f}{detail}",
            "unknown_route": "no request named {subject!r} was made{detail}",
            "no_requests": "no request was made: check --host, the --tag/--consumer filters and the "
            "provider-state set-up",
        }
        text = labels[self.threshold].format(
            measured=self.measured, limit=self.limit, subject=self.subject, detail=self.detail
        )
        if self.subject and self.threshold in ("max_fail_ratio", "max_p95_ms", "max_avg_ms"):
            text = f"{self.subject}: {text}"
        return text


@dataclass(frozen=True)
class RunFigures:
    """What a run measured: per request name, overall, its failures and its user exceptions."""

    endpoints: tuple[EndpointStats, ...]
    aggregated: EndpointStats
    failures: tuple[FailureRow, ...] = ()
    exceptions: tuple[ExceptionRow, ...] = field(default=())

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> RunFigures:
        data: dict[str, Any] = json.loads(text)
        return cls(
            endpoints=tuple(EndpointStats(**row) for row in data["endpoints"]),
            aggregated=EndpointStats(**data["aggregated"]),
            failures=tuple(FailureRow(**row) for row in data["failures"]),
            exceptions=tuple(ExceptionRow(**row) for row in data["exceptions"]),
        )

    def counts(self, failure_class: FailureClass) -> Counter[str]:
        """Failures of one class per interaction (``Consumer: description``)."""
        counts: Counter[str] = Counter()
        for row in self.failures:
            if row.failure_class is failure_class:
                counts[subject_of(row.error, row.name)] += row.occurrences
        return counts


def judge(figures: RunFigures, thresholds: Thresholds) -> tuple[Breach, ...]:
    """The thresholds the run broke; a run that made no request at all proves nothing and never passes."""
    breaches: list[Breach] = []
    total = figures.aggregated
    if figures.exceptions:
        count = sum(row.count for row in figures.exceptions)
        first = figures.exceptions[0].message.strip().splitlines()[-1:] or [""]
        breaches.append(Breach("exceptions", 0, count, detail=f", e.g. {first[0]}"))
    if total.requests == 0:
        return (*breaches, Breach("no_requests", 1, 0))
    drift = figures.counts(FailureClass.DRIFT)
    if sum(drift.values()) > thresholds.max_drift:
        per_interaction = "; ".join(f"{subject} x{count}" for subject, count in drift.most_common())
        breaches.append(
            Breach("max_drift", thresholds.max_drift, sum(drift.values()), detail=f": {per_interaction}")
        )
    errors = figures.counts(FailureClass.AVAILABILITY)
    error_ratio = sum(errors.values()) / total.requests
    if thresholds.max_error_ratio is not None and error_ratio > thresholds.max_error_ratio:
        per_interaction = "; ".join(f"{subject} x{count}" for subject, count in errors.most_common(5))
        breaches.append(
            Breach("max_error_ratio", thresholds.max_error_ratio, error_ratio, detail=f": {per_interaction}")
        )
    breaches.extend(
        _limits(
            total,
            max_fail_ratio=thresholds.max_fail_ratio,
            max_p95_ms=thresholds.max_p95_ms,
            max_avg_ms=thresholds.max_avg_ms,
        )
    )
    if thresholds.min_rps is not None and total.rps < thresholds.min_rps:
        breaches.append(Breach("min_rps", thresholds.min_rps, total.rps))
    by_name = {row.name: row for row in figures.endpoints}
    for limit in thresholds.routes:
        row = by_name.get(limit.name)
        if row is None:
            known = ", ".join(sorted(by_name)) or "none"
            breaches.append(
                Breach("unknown_route", 0, 0, subject=limit.name, detail=f"; request names: {known}")
            )
            continue
        breaches.extend(
            _limits(
                row,
                max_fail_ratio=limit.max_fail_ratio,
                max_p95_ms=limit.max_p95_ms,
                max_avg_ms=limit.max_avg_ms,
                subject=limit.name,
            )
        )
    return tuple(breaches)


def _limits(
    row: EndpointStats,
    *,
    max_fail_ratio: float | None,
    max_p95_ms: float | None,
    max_avg_ms: float | None,
    subject: str = "",
) -> list[Breach]:
    found = []
    if max_fail_ratio is not None and row.fail_ratio > max_fail_ratio:
        found.append(Breach("max_fail_ratio", max_fail_ratio, row.fail_ratio, subject=subject))
    if max_p95_ms is not None and row.p95_ms > max_p95_ms:
        found.append(Breach("max_p95_ms", max_p95_ms, row.p95_ms, subject=subject))
    if max_avg_ms is not None and row.average_ms > max_avg_ms:
        found.append(Breach("max_avg_ms", max_avg_ms, row.average_ms, subject=subject))
    return found


def unwrap_error(error: str) -> str:
    """``CatchResponseError('contract violated ...')`` → ``contract violated ...``."""
    for wrapper in ("CatchResponseError(", "HTTPError(", "ConnectionRefusedError("):
        if error.startswith(wrapper) and error.endswith(")"):
            inner = error[len(wrapper) : -1]
            if len(inner) >= 2 and inner[0] == inner[-1] and inner[0] in "'\"":
                return inner[1:-1]
            return inner
    return error


def verdict_lines(figures: RunFigures, breaches: Sequence[Breach]) -> list[str]:
    """The text both `tether loadgen run` and plain Locust print at the end: failures per class and
    interaction, then the broken thresholds."""
    lines = []
    for failure_class in FailureClass:
        for subject, count in figures.counts(failure_class).most_common():
            lines.append(f"{failure_class.value}: {subject} x{count}")
    lines.extend(f"THRESHOLD BROKEN: {breach.message}" for breach in breaches)
    return lines
