"""The verdict of a run from its figures: failure classes, per-interaction counts, thresholds."""

from __future__ import annotations

import pytest

from loadgen.locust.errors import LoadRunError
from loadgen.locust.verdict import (
    EndpointStats,
    ExceptionRow,
    FailureRow,
    RouteLimit,
    RunFigures,
    Thresholds,
    judge,
    verdict_lines,
)

DRIFT = "contract violated (Shop: read an order): body $.id: Expected '1' (String) to be an integer"
BUSY = "unavailable (Shop: list orders): status 503 (the contract expects 200)"


def _figures(*failures: FailureRow, exceptions: tuple[ExceptionRow, ...] = ()) -> RunFigures:
    orders = EndpointStats("GET", "GET /orders (Shop)", 100, 10, 5.0, 40.0, 60.0, 10.0, average_ms=8.0)
    total = EndpointStats(
        "", "Aggregated", 200, sum(f.occurrences for f in failures), 5.0, 30.0, 50.0, 20.0, 7.0
    )
    return RunFigures((orders,), total, failures, exceptions)


def test_drift_and_availability_are_counted_and_judged_apart() -> None:
    figures = _figures(
        FailureRow("GET", "GET /orders/{id} (Shop)", DRIFT, 3),
        FailureRow("GET", "GET /orders (Shop)", BUSY, 7),
    )
    messages = [breach.message for breach in judge(figures, Thresholds())]
    assert messages == [
        "contract drift: 3 violation(s), 0 allowed: Shop: read an order x3",
        "availability: error ratio 3.50% is above the allowed 0.00%: Shop: list orders x7",
    ]
    assert judge(figures, Thresholds(max_drift=3, max_error_ratio=0.05)) == ()
    assert verdict_lines(figures, ()) == [
        "contract drift: Shop: read an order x3",
        "availability: Shop: list orders x7",
    ]


def test_exceptions_always_fail_and_route_limits_name_their_route() -> None:
    figures = _figures(exceptions=(ExceptionRow(4, "Traceback ...\nRuntimeError: set-up failed\n"),))
    limits = (RouteLimit.parse("GET /orders (Shop) p95=30 avg=10 fail=0.05"),)
    messages = [breach.message for breach in judge(figures, Thresholds(max_avg_ms=5, routes=limits))]
    assert messages == [
        "4 exception(s) in Locust users, e.g. RuntimeError: set-up failed",
        "average response time 7 ms is above the allowed 5 ms",
        "GET /orders (Shop): failure ratio 10.00% is above the allowed 5.00%",
        "GET /orders (Shop): p95 response time 40 ms is above the allowed 30 ms",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("GET /orders", "needs a request name and at least one limit"),
        ("p95=3", "needs a request name and at least one limit"),
        ("GET /orders p95=fast", "p95='fast' is not a number"),
    ],
)
def test_bad_route_limits_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(LoadRunError, match=message):
        RouteLimit.parse(text)


def test_figures_survive_their_json_file() -> None:
    figures = _figures(FailureRow("GET", "x", DRIFT, 1), exceptions=(ExceptionRow(1, "boom"),))
    assert RunFigures.from_json(figures.to_json()) == figures
