"""What a generated locustfile plugs into Locust: the base user class, options and the verdict.

Importing this module imports Locust (which patches the process with gevent), so only generated
locustfiles import it, inside a Locust process; :mod:`loadgen.locust.runtime` stays importable
anywhere. It adds to Locust:

- :class:`ContractUser`, the base of every generated user class: it creates the per-user
  :class:`~loadgen.locust.runtime.ScenarioContext` and runs the user's own ``on_start`` hooks;
- command-line options for the thresholds (``--max-drift``, ``--max-error-ratio``, ``--max-p95-ms``,
  ``--route-limit``, ...), so a plain ``locust -f generated.py`` judges its run like
  ``tether loadgen run``;
- an ``init`` listener that drops user classes a ``--tags``/``--exclude-tags`` selection leaves
  without tasks (Locust would start them and raise "No tasks defined" for ever);
- a ``quitting`` listener that judges the run (:func:`loadgen.locust.verdict.judge`), prints the
  failures per class and interaction, and sets the process exit code.
"""

from __future__ import annotations

import logging
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

from locust import FastHttpUser, events
from locust import log as locust_log
from locust.runners import WorkerRunner
from locust.stats import StatsEntry, StatsError

from loadgen.locust.errors import LoadRunError
from loadgen.locust.runtime import ScenarioContext
from loadgen.locust.verdict import (
    EndpointStats,
    ExceptionRow,
    FailureRow,
    RouteLimit,
    RunFigures,
    Thresholds,
    judge,
    unwrap_error,
    verdict_lines,
)

logger = logging.getLogger("tether.loadgen")


class ContractUser(FastHttpUser):
    """A simulated consumer: each task replays one interaction and checks the answer against its contract."""

    abstract = True
    consumer: ClassVar[str] = ""
    state_change_url: ClassVar[str | None] = None
    """Where provider states are set up: a path relative to the host, or an absolute URL; None: never."""
    user_code: ClassVar[ModuleType | None] = None
    """The user's own module (:mod:`loadgen.locust.usercode`): its ``on_start(context)`` runs once per
    simulated user (auth headers, log-in)."""

    contract: ScenarioContext

    def on_start(self) -> None:
        self.contract = ScenarioContext(self, state_change_url=self.state_change_url)
        hook = getattr(self.user_code, "on_start", None)
        if callable(hook):
            hook(self.contract)


def _optional(value: float | None) -> float | None:
    return None if value is None or value < 0 else value


def thresholds_from(options: Any) -> Thresholds:
    """The thresholds given on Locust's command line (negative numbers mean "not judged")."""
    try:
        routes = tuple(RouteLimit.parse(text) for text in getattr(options, "route_limit", None) or ())
    except LoadRunError as exc:
        logger.error("%s", exc)
        raise SystemExit(2) from exc
    return Thresholds(
        max_drift=int(getattr(options, "max_drift", 0) or 0),
        max_error_ratio=_optional(getattr(options, "max_error_ratio", 0.0)),
        max_fail_ratio=_optional(getattr(options, "max_fail_ratio", None)),
        max_p95_ms=_optional(getattr(options, "max_p95_ms", None)),
        max_avg_ms=_optional(getattr(options, "max_avg_ms", None)),
        min_rps=_optional(getattr(options, "min_rps", None)),
        routes=routes,
    )


def _add_options(parser: Any, **_: Any) -> None:
    group = parser  # Locust's own parser: its add_argument knows include_in_web_ui (a group's does not)
    group.add_argument(
        "--max-drift",
        type=int,
        default=0,
        help="Contract violations allowed before the run fails (default 0).",
    )
    group.add_argument(
        "--max-error-ratio",
        type=float,
        default=0.0,
        help="Availability errors (no answer, timeouts, 5xx the contract does not list) per request "
        "allowed (default 0; negative: not judged).",
    )
    for name, text in (
        ("--max-fail-ratio", "All failures per request allowed."),
        ("--max-p95-ms", "Overall p95 response time allowed."),
        ("--max-avg-ms", "Overall average response time allowed."),
        ("--min-rps", "Throughput required, in requests per second."),
    ):
        group.add_argument(name, type=float, default=None, help=text)
    group.add_argument(
        "--tether-figures",
        default=None,
        include_in_web_ui=False,
        help="Write the run's final figures here as JSON (what `tether loadgen run` reads).",
    )
    group.add_argument(
        "--route-limit",
        action="append",
        default=[],
        help="Limits for one request name, e.g. 'GET /orders/{orderId} (Shop) p95=300 avg=120 fail=0.01' (repeatable).",
    )


def _drop_users_without_tasks(environment: Any, **_: Any) -> None:
    """A tag selection must not leave user classes that only raise "No tasks defined"."""
    if isinstance(environment.runner, WorkerRunner):
        return  # workers spawn only what the master dispatches
    options = environment.parsed_options
    if not (getattr(options, "tags", None) or getattr(options, "exclude_tags", None)):
        return
    environment._filter_tasks_by_tags()
    kept = [user_class for user_class in environment.user_classes if user_class.tasks]
    dropped = sorted(user_class.__name__ for user_class in environment.user_classes if not user_class.tasks)
    if not kept:
        known = sorted({name for user_class in environment.user_classes for name in _tags_of(user_class)})
        logger.error(
            "no task is left after the tag selection (--tags %s, --exclude-tags %s); the tags are: %s",
            " ".join(options.tags or ()) or "-",
            " ".join(options.exclude_tags or ()) or "-",
            ", ".join(known),
        )
        raise SystemExit(2)
    if dropped:
        logger.info("user classes without tasks after the tag selection, not started: %s", ", ".join(dropped))
        environment.user_classes[:] = kept


def _tags_of(user_class: Any) -> set[str]:
    found: set[str] = set()
    for attribute in vars(user_class).values():
        found.update(getattr(attribute, "locust_tag_set", ()))
    return found


def figures_of(environment: Any) -> RunFigures:
    """The run's figures from Locust's live statistics (the same figures its CSV files hold)."""

    def row(entry: StatsEntry) -> EndpointStats:
        return EndpointStats(
            method=entry.method or "",
            name=entry.name,
            requests=entry.num_requests,
            failures=entry.num_failures,
            median_ms=float(entry.median_response_time or 0),
            p95_ms=float(entry.get_response_time_percentile(0.95) or 0),
            p99_ms=float(entry.get_response_time_percentile(0.99) or 0),
            rps=float(entry.total_rps),
            average_ms=float(entry.avg_response_time),
        )

    stats = environment.stats
    failures = tuple(
        FailureRow(
            error.method or "",
            error.name,
            unwrap_error(StatsError.parse_error(error.error)),
            error.occurrences,
        )
        for error in stats.errors.values()
    )
    runner = environment.runner
    exceptions = tuple(
        ExceptionRow(int(item["count"]), str(item["msg"]))
        for item in (runner.exceptions.values() if runner else ())
    )
    return RunFigures(
        tuple(row(entry) for entry in stats.entries.values()), row(stats.total), failures, exceptions
    )


def _judge_the_run(environment: Any, **_: Any) -> None:
    if isinstance(environment.runner, WorkerRunner):
        return  # the master judges the whole run
    figures = figures_of(environment)
    options = environment.parsed_options
    target = getattr(options, "tether_figures", None)
    if target:
        Path(target).write_text(figures.to_json(), encoding="utf-8")
    if not getattr(options, "headless", True) and figures.aggregated.requests == 0 and not figures.exceptions:
        return  # the web UI was closed before a test ran: nothing to judge
    breaches = judge(figures, thresholds_from(options))
    for line in verdict_lines(figures, breaches):
        if line.startswith("THRESHOLD"):
            logger.error("%s", line)
        else:
            logger.warning("%s", line)
    if breaches:
        environment.process_exit_code = 1
    elif environment.process_exit_code is None and not locust_log.unhandled_greenlet_exception:
        environment.process_exit_code = 0


events.init_command_line_parser.add_listener(_add_options)  # type: ignore[no-untyped-call]
events.init.add_listener(_drop_users_without_tasks)  # type: ignore[no-untyped-call]
events.quitting.add_listener(_judge_the_run)  # type: ignore[no-untyped-call]
