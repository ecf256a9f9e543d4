"""`tether mock`: serve a mock built from a provider's verified pacts."""

from __future__ import annotations

import gc
import socket
from pathlib import Path

import click

from brokerclient.contract_source import ContractSet
from brokerclient.errors import BrokerClientError
from brokerclient.options import ContractOptions, contract_source_options
from contracts.errors import ContractError
from mocking.errors import MockingError
from mocking.server.engine import DEFAULT_STATE_HEADER
from mocking.server.server import DEFAULT_HEADER_TIMEOUT


class BadInput(click.ClickException):
    """Bad input (unreadable pact, broker error, malformed faults file): exit code 2, no traceback."""

    exit_code = 2


@click.group(name="mock")
def mock_group() -> None:
    """Serve mocks built from verified contracts."""


@mock_group.command(name="serve")
@click.option("--provider", required=True, help="Provider whose interactions to serve.")
@contract_source_options
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but loopback prints a warning and needs --admin-token.",
)
@click.option(
    "--port",
    default=8080,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on; 0 lets the system pick a free one (the URL is printed).",
)
@click.option(
    "--max-body-size",
    default=1024 * 1024,
    show_default=True,
    type=click.IntRange(0),
    help="Largest request body accepted, in bytes (larger ones get 413).",
)
@click.option(
    "--admin-token",
    envvar="TETHER_MOCK_ADMIN_TOKEN",
    help="Token the admin API (/__tether/) requires as 'Authorization: Bearer TOKEN'; required when "
    "--host is not a loopback address [env: TETHER_MOCK_ADMIN_TOKEN].",
)
@click.option("--strict", is_flag=True, help="Full matches only, and refuse ambiguous requests (409).")
@click.option(
    "--stateful",
    is_flag=True,
    help="Stateful scenarios from the provider states: a successful create/delete moves the mock to the "
    "state its follow-up requests need (reset with POST /__tether/reset).",
)
@click.option(
    "--faults",
    "faults_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="YAML/JSON file of delays, error rates, resets and sequences.",
)
@click.option(
    "--state-header",
    default=DEFAULT_STATE_HEADER,
    show_default=True,
    help="Request header naming the provider state to answer from.",
)
@click.option("--default-state", help="Provider state used when a request names none.")
@click.option(
    "--openapi",
    "openapi_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The provider's OpenAPI document: type-matched pact paths take their template from it.",
)
@click.option(
    "--no-match-status",
    default=404,
    show_default=True,
    type=click.IntRange(400, 599),
    help="Status of the mismatch report sent when no interaction matches.",
)
@click.option(
    "--journal-size",
    default=1000,
    show_default=True,
    type=click.IntRange(0),
    help="Requests kept in the journal.",
)
@click.option(
    "--poll-interval",
    type=click.FloatRange(min=1, min_open=False),
    help="Reload the pacts every N seconds (the broker's new verified pacts are picked up).",
)
@click.option(
    "--base-url", help="Public URL of this mock, for MockServerURL generators (default: http://HOST:PORT)."
)
@click.option(
    "--allow-empty", is_flag=True, help="Start even when no pact qualifies (e.g. waiting for a webhook)."
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processes serving the port (SO_REUSEPORT), one per core; the admin API shows and resets all "
    "of them as one (journal, call counts). Not with --stateful; fault sequences count per worker.",
)
@click.option(
    "--header-timeout",
    default=DEFAULT_HEADER_TIMEOUT,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds a client has to send a complete request head (from connecting, or from the first "
    "byte of the next request); slower connections are closed.",
)
@click.option(
    "--log-level",
    default="warning",
    show_default=True,
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
    help="How much the server logs (requests are always in the journal at /__tether/journal).",
)
def serve_command(
    provider: str,
    contract_options: ContractOptions,
    host: str,
    port: int,
    max_body_size: int,
    admin_token: str | None,
    strict: bool,
    stateful: bool,
    faults_file: Path | None,
    state_header: str,
    default_state: str | None,
    openapi_file: Path | None,
    no_match_status: int,
    journal_size: int,
    poll_interval: float | None,
    base_url: str | None,
    allow_empty: bool,
    workers: int,
    header_timeout: float,
    log_level: str,
) -> None:
    """Serve PROVIDER's interactions from verified pacts (a broker) or pact files.

    \b
    Requests are matched with the full Pact rules (method, path, query, headers, body). The provider
    state comes from the --state-header header or --default-state. Unmatched requests get the
    --no-match-status (404 by default) with a JSON body naming the closest interactions and their
    exact mismatches. Admin API: /__tether/ (status, journal, reset, reload, webhook).
    """
    from contracts.matching.path_templates import openapi_paths
    from mocking.server.app import MockApp, MockOptions
    from mocking.server.loading import load_prepared
    from mocking.server.server import bind, is_loopback, serve
    from mocking.server.workers import PeerGroup, bind_reuse_port, run_workers

    if stateful and workers > 1:
        raise BadInput(
            "--stateful needs one process (the scenario state lives in it): drop --workers or --stateful"
        )

    if not is_loopback(host):
        click.echo(
            f"tether mock: WARNING: listening on {host}, not a loopback address: other machines can reach "
            "this mock and its admin API",
            err=True,
        )
        if not admin_token:
            raise BadInput(
                f"--host {host} is not a loopback address, so the admin API (reset, reload, journal) needs a "
                "token: pass --admin-token TOKEN (or TETHER_MOCK_ADMIN_TOKEN), or listen on 127.0.0.1"
            )

    def loader() -> ContractSet:
        return contract_options.load(provider)

    try:
        faults = None
        if faults_file:
            from mocking.server.faults import FaultPlan, load_faults  # pydantic: only for a faults file

            faults = FaultPlan(load_faults(faults_file))
        templates: tuple[str, ...] = ()
        if openapi_file:
            from contracts.openapi.document import load_openapi  # referencing: only for --openapi

            templates = openapi_paths(load_openapi(openapi_file))
        prepared = load_prepared(loader, openapi_paths=templates)
        sockets = bind_reuse_port(host, port, workers) if workers > 1 else [bind(host, port)]
    except (MockingError, BrokerClientError, ContractError) as exc:
        raise BadInput(str(exc)) from exc
    if not prepared.garbage:
        # What this process holds now (modules, the prepared pacts) lives as long as the server: out of the
        # collector's generations, it is not scanned again and again while the dispatch table is built
        # or requests are served. (It has no cycles; a reload frees the replaced pacts by reference count.)
        gc.freeze()
    port = sockets[0].getsockname()[1]
    for line in prepared.contracts.describe():
        click.echo(line, err=True)
    if not prepared.contracts.pacts and not allow_empty:
        raise BadInput(
            f"no pact for {provider} qualifies, so there is nothing to serve (see the reasons above); "
            "use --include-unverified to serve unverified pacts, or --allow-empty to start anyway"
        )
    options = MockOptions(
        provider=provider,
        strict=strict,
        state_header=state_header,
        default_state=default_state,
        no_match_status=no_match_status,
        journal_size=journal_size,
        base_url=base_url or f"http://{host}:{port}",
        poll_interval=poll_interval,
        max_body_bytes=max_body_size,
        stateful=stateful,
        openapi_paths=templates,
        admin_token=admin_token,
    )
    app = MockApp(loader, options, faults=faults, prepared=prepared)
    mode = "strict" if strict else "lenient"
    click.echo(
        f"tether mock: {len(app.served.engine.interactions)} interaction(s) of {provider} on http://{host}:{port} "
        f"({mode}; no match -> {no_match_status}; admin API at /__tether/"
        + (f"; {workers} workers" if workers > 1 else "")
        + ")",
        err=True,
    )
    del prepared
    click.echo(f"tether mock: listening on http://{host}:{port}", err=True)
    if workers == 1:
        serve(app, host, port, log_level=log_level, sock=sockets[0], header_timeout=header_timeout)
        return

    def run_worker(sock: socket.socket, peers: PeerGroup) -> None:
        app.peers = peers
        app.journal.worker = peers.index
        serve(app, host, port, log_level=log_level, sock=sock, header_timeout=header_timeout)

    raise SystemExit(run_workers(sockets, run_worker))
