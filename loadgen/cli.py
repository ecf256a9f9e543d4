"""`tether loadgen`: generate Locust scenarios from verified contracts, and run them with thresholds."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from brokerclient.errors import BrokerClientError
from brokerclient.options import ContractOptions, contract_source_options
from contracts.errors import ContractError
from contracts.openapi.document import OpenAPIDocument, load_openapi
from contracts.validation import require_usable
from loadgen.errors import LoadgenError
from loadgen.locust.csvstats import LiveStats
from loadgen.locust.links import read_links
from loadgen.locust.render import DEFAULT_WAIT_TIME, render_locustfile, wait_time_call
from loadgen.locust.routes import Route
from loadgen.locust.runner import (
    RunOptions,
    RunResult,
    check_tags,
    run_locust,
    user_classes_for,
)
from loadgen.locust.scenario import STATES_TAG, build_scenario
from loadgen.locust.traffic import count_routes, read_requests
from loadgen.locust.usercode import write_user_code
from loadgen.locust.verdict import RouteLimit, Thresholds, verdict_lines
from loadgen.locust.weights import WeightPlan, load_weights_file

RUN_TIME = re.compile(r"(?:\d+h)?(?:\d+m)?(?:\d+s)?")


class InputError(click.ClickException):
    """Unusable input (a file, an option): exit code 2, like click's usage errors; 1 stays "checked and
    failed" (a broken threshold)."""

    exit_code = 2


def check_http_url(option: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"{option} {value!r} is not an http(s) URL (e.g. http://127.0.0.1:8081)")
    return value


@click.group(name="loadgen")
def loadgen_group() -> None:
    """Generate and run Locust load scenarios checked against the contract."""


@loadgen_group.command(name="locustfile")
@click.option("--provider", required=True, help="Provider whose contracts to load.")
@contract_source_options
@click.option(
    "--weights", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="YAML weights file."
)
@click.option(
    "--traffic-log",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Access log (common/combined format) or HAR file: weights from real request counts.",
)
@click.option(
    "--openapi",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The provider's OpenAPI spec: route names from its path templates, chaining from its links.",
)
@click.option(
    "--state-change-url",
    help="Provider-state set-up URL called before each task that needs a state: a path relative to the "
    "run's --host (/_pact/provider-states) or an absolute URL; $TETHER_STATE_CHANGE_URL overrides it at run time.",
)
@click.option(
    "--no-states",
    is_flag=True,
    help="Leave out the interactions that need a provider state (a provider without a state-change URL).",
)
@click.option(
    "--wait-time",
    default=DEFAULT_WAIT_TIME,
    show_default=True,
    help="Pause between a user's tasks: between(MIN, MAX), constant(S) (constant(0) for throughput), "
    "constant_pacing(S) or constant_throughput(N).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("locustfile.py"),
    show_default=True,
    help="Where to write the generated locustfile.",
)
def locustfile_command(
    provider: str,
    contract_options: ContractOptions,
    weights: Path | None,
    traffic_log: Path | None,
    openapi: Path | None,
    state_change_url: str | None,
    no_states: bool,
    wait_time: str,
    out: Path,
) -> None:
    """Write a weighted Locust scenario for PROVIDER from its (verified) contracts.

    One FastHttpUser class per consumer, one @task per interaction, tagged by consumer, provider
    state and interaction, named by path template; every response is checked against the contract.
    By default every interaction has weight 1 and a consumer's weight is the sum of its tasks'.
    """
    console = Console(stderr=True)
    if state_change_url is not None and not state_change_url.startswith("/"):
        check_http_url("--state-change-url", state_change_url)
    try:
        wait_time_call(wait_time)
        contracts = contract_options.load(provider)
        for line in contracts.describe():
            console.print(line, markup=False, highlight=False, soft_wrap=True)
        if not contracts.pacts:
            raise InputError(
                f"no pacts to generate a scenario from for provider {provider!r}{contracts.did_you_mean()}"
            )
        for item in contracts.pacts:  # rules and generators the scenario will run must be usable
            require_usable(item.pact, item.source)
        spec = load_openapi(openapi) if openapi else None
        templates = _openapi_templates(spec) if spec else ()
        links = read_links(spec) if spec else []
        plan = load_weights_file(weights) if weights else WeightPlan()
        loaded = [item.pact for item in contracts.pacts]
        if traffic_log:
            draft = build_scenario(
                loaded, provider=provider, openapi_paths=templates, with_states=not no_states
            )
            routes = {task.route for task in draft.tasks}
            consumers = [user.consumer for user in draft.users]
            counts = count_routes(
                read_requests(traffic_log), routes, source=str(traffic_log), consumers=consumers
            )
            plan = WeightPlan(
                source=f"traffic log {traffic_log.name} ({counts.matched} of {counts.total} requests matched a route)",
                consumers=plan.consumers,
                interactions=plan.interactions,
                traffic=counts,
            )
            _print_unmatched(console, counts.unmatched.most_common(10))
            for warning in counts.warnings:
                console.print(f"  warning  {warning}", markup=False, highlight=False, soft_wrap=True)
        scenario = build_scenario(
            loaded,
            provider=provider,
            plan=plan,
            openapi_paths=templates,
            links=links,
            sources=[f"{item.source} ({item.reason})" for item in contracts.pacts],
            state_change_url=state_change_url,
            with_states=not no_states,
        )
    except (LoadgenError, BrokerClientError, ContractError) as exc:
        raise InputError(str(exc)) from exc
    for reason in scenario.skipped:
        console.print(f"  note     {reason}", markup=False, highlight=False, soft_wrap=True)
    text = render_locustfile(
        scenario, command=["tether", "loadgen", *sys.argv[2:]], filename=out.name, wait_time=wait_time
    )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        user_code = write_user_code(out)
    except OSError as exc:
        raise InputError(f"--out {out}: cannot write the locustfile: {exc.strerror or exc}") from exc
    except LoadgenError as exc:
        raise InputError(str(exc)) from exc
    if user_code is not None:
        console.print(
            f"wrote {user_code}: your code (on_start hooks); regenerating never overwrites it",
            markup=False,
            highlight=False,
        )
    console.print(
        f"wrote {out}: {len(scenario.users)} user class(es), {len(scenario.tasks)} task(s); weights: {scenario.weights_source}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


def _openapi_templates(spec: OpenAPIDocument) -> tuple[str, ...]:
    """The spec's path templates, literal ones first, so `/orders/latest` wins over `/orders/{id}`."""
    paths = spec.root.get("paths") or {}
    return tuple(sorted(paths, key=lambda template: (template.count("{"), template)))


def _print_unmatched(console: Console, rows: list[tuple[str, int]]) -> None:
    for request, count in rows:
        console.print(
            f"  traffic without a matching interaction: {request} x{count}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


@loadgen_group.command(name="run")
@click.option(
    "--locustfile",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The locustfile to run (as written by `tether loadgen locustfile`).",
)
@click.option("--host", required=True, help="Base URL of the system under load, e.g. http://127.0.0.1:8000.")
@click.option(
    "-u", "--users", type=click.IntRange(min=1), default=10, show_default=True, help="Concurrent users."
)
@click.option(
    "-r",
    "--spawn-rate",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    help="Users started per second.",
)
@click.option("-t", "--run-time", default="30s", show_default=True, help="Duration, e.g. 20s, 2m.")
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Local worker processes (0 = one process).",
)
@click.option("--consumer", "consumers", multiple=True, help="Simulate only this consumer (repeatable).")
@click.option(
    "--tag",
    "tags",
    multiple=True,
    help="Run only tasks with this tag (e.g. state:an-order-exists; repeatable).",
)
@click.option(
    "--exclude-tag", "exclude_tags", multiple=True, help="Leave out tasks with this tag (repeatable)."
)
@click.option(
    "--no-states",
    is_flag=True,
    help=f"Run only the interactions that need no provider state (excludes the tag {STATES_TAG}).",
)
@click.option(
    "--max-drift",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Contract violations allowed: any more fails the run.",
)
@click.option(
    "--max-error-ratio",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Availability errors (no answer, timeouts, 5xx the contract does not list) per request allowed.",
)
@click.option(
    "--max-fail-ratio",
    type=click.FloatRange(0, 1),
    help="Fail when all failures/requests exceeds this (0.01 = 1%).",
)
@click.option(
    "--max-p95-ms",
    type=click.FloatRange(min=0),
    help="Fail when the overall p95 response time exceeds this.",
)
@click.option(
    "--max-avg-ms",
    type=click.FloatRange(min=0),
    help="Fail when the overall average response time exceeds this.",
)
@click.option(
    "--min-rps",
    type=click.FloatRange(min=0),
    help="Fail when throughput is below this many requests per second.",
)
@click.option(
    "--route-limit",
    "route_limits",
    multiple=True,
    help="Limits for one request name: 'GET /orders/{orderId} (Shop) p95=300 avg=120 fail=0.01' (repeatable).",
)
@click.option(
    "--html", type=click.Path(dir_okay=False, path_type=Path), help="Write Locust's HTML report here."
)
@click.option(
    "--csv",
    "csv_prefix",
    type=click.Path(path_type=Path),
    help="Keep Locust's CSV statistics with this prefix.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="A live line of requests, failures and p95 while Locust runs "
    "(default: on a terminal, off under CI=true or when stderr is not a terminal).",
)
@click.argument("locust_args", nargs=-1, type=click.UNPROCESSED)
def run_command(
    locustfile: Path,
    host: str,
    users: int,
    spawn_rate: float,
    run_time: str,
    workers: int,
    consumers: tuple[str, ...],
    tags: tuple[str, ...],
    exclude_tags: tuple[str, ...],
    no_states: bool,
    max_drift: int,
    max_error_ratio: float,
    max_fail_ratio: float | None,
    max_p95_ms: float | None,
    max_avg_ms: float | None,
    min_rps: float | None,
    route_limits: tuple[str, ...],
    html: Path | None,
    csv_prefix: Path | None,
    progress: bool | None,
    locust_args: tuple[str, ...],
) -> None:
    """Run a locustfile headless, print a summary, and exit 1 when a threshold is broken.

    Any contract violation fails the run (--max-drift 0); availability errors are judged by
    --max-error-ratio. Everything after `--` is passed to Locust unchanged.

    For several machines, start `locust -f FILE --master` on one and `locust -f FILE --worker
    --master-host HOST` on the others; `--workers N` does that with N local processes.
    """
    check_http_url("--host", host)
    if not run_time or (not RUN_TIME.fullmatch(run_time) and not run_time.isdigit()):
        raise InputError(
            f"-t/--run-time {run_time!r} is not a duration: use e.g. 20 (seconds), 20s, 3m, 1h20m"
        )
    for option, path in (("--html", html), ("--csv", csv_prefix)):
        if path is not None and not path.absolute().parent.is_dir():
            raise InputError(f"{option} {path}: no such directory {path.absolute().parent}")
    if no_states:
        exclude_tags = (*exclude_tags, STATES_TAG)
    try:
        user_classes = user_classes_for(locustfile, consumers)  # also checks that the file is Python
        check_tags(locustfile, (*tags, *exclude_tags))
        routes = tuple(RouteLimit.parse(text) for text in route_limits)
    except (LoadgenError, BrokerClientError) as exc:
        raise InputError(str(exc)) from exc
    options = RunOptions(
        locustfile=locustfile,
        host=host,
        user_classes=user_classes,
        users=users,
        spawn_rate=spawn_rate,
        run_time=run_time,
        workers=workers,
        tags=tags,
        exclude_tags=exclude_tags,
        html=html,
        csv_prefix=csv_prefix,
        extra_args=locust_args,
        progress=_progress_printer() if _wants_progress(progress) else None,
    )
    thresholds = Thresholds(
        max_drift=max_drift,
        max_error_ratio=max_error_ratio,
        max_fail_ratio=max_fail_ratio,
        max_p95_ms=max_p95_ms,
        max_avg_ms=max_avg_ms,
        min_rps=min_rps,
        routes=routes,
    )
    try:
        result = run_locust(options, thresholds)
    except (LoadgenError, BrokerClientError) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        if options.progress is not None:
            click.echo("", err=True)
    print_summary(Console(width=max(Console().width, 110)), result)
    if not result.passed:
        sys.exit(1)


def _wants_progress(choice: bool | None) -> bool:
    if choice is not None:
        return choice
    in_ci = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    return not in_ci and sys.stderr.isatty()


def _progress_printer() -> Callable[[LiveStats], None]:
    def show(live: LiveStats) -> None:
        click.echo(f"\r\x1b[K{live.line}", nl=False, err=True)

    return show


def print_summary(console: Console, result: RunResult) -> None:
    table = Table(title="Load run", show_lines=False, expand=False)
    for column in ("route", "requests", "failures", "median ms", "p95 ms", "p99 ms", "req/s"):
        table.add_column(column, justify="left" if column == "route" else "right")
    for row in (*result.endpoints, result.aggregated):
        route = row.name if row.name != "Aggregated" else "all"
        table.add_row(
            Text(route),
            str(row.requests),
            str(row.failures),
            f"{row.median_ms:.0f}",
            f"{row.p95_ms:.0f}",
            f"{row.p99_ms:.0f}",
            f"{row.rps:.1f}",
        )
    console.print(table)
    for failure in result.failures[:10]:
        console.print(
            f"failure x{failure.occurrences} {failure.name}: {failure.error}", markup=False, highlight=False
        )
    for exception in result.exceptions[:5]:
        console.print(
            f"exception x{exception.count}: {exception.message.strip()}", markup=False, highlight=False
        )
    if result.html_report:
        console.print(f"HTML report: {result.html_report}", markup=False)
    for line in verdict_lines(result.figures, result.breaches):
        style = "bold red" if line.startswith("THRESHOLD") else None
        console.print(line, markup=False, highlight=False, style=style, soft_wrap=True)
    if not result.breaches:
        console.print("all thresholds met", markup=False)


__all__ = ["Route", "loadgen_group"]
