"""`tether verify provider`: replay pacts against a running provider and fuzz it against its own spec.

This module parses the options, hands them to ``verifier.live.engine.run``, shows its events
(``verifier.live.progress``) and renders the result (``verifier.live.report``).

Exit status: 0 verified, 1 a verification failed (replay or self-check), 2 unusable input (an
option, a file, an unreachable provider or broker).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from brokerclient.errors import BrokerClientError
from brokerclient.option_specs import BROKER_OPTIONS, SELECTOR_OPTIONS, VERIFICATION_OPTIONS
from brokerclient.options import click_options, connection_from, selection_from
from verifier.errors import VerifierError
from verifier.live import engine
from verifier.live.options import (
    BrokerOptions,
    LiveOptionsError,
    ProviderVerificationOptions,
    PublishOptions,
    ReplayOptions,
    SelectionOptions,
    SelfCheckOptions,
    check_date,
    check_http_url,
    check_pact_source,
    local_pacts,
    parse_header,
)
from verifier.live.progress import event_view
from verifier.live.report import FORMATS, print_text
from verifier.live.results import ProviderVerification
from verifier.live.selfcheck import check_spec
from verifier.report.options import report_options

PHASES = ("examples", "coverage", "fuzzing", "stateful")


@click.command(name="provider")
@click.option("--provider", required=True, help="The provider's pacticipant name (as in the pacts).")
@click.option("--provider-base-url", required=True, help="Where the running provider answers.")
@click.option(
    "--pact",
    "pacts",
    multiple=True,
    help="A pact file, a directory of pact files, or a pact URL (repeatable). Without it, pacts come "
    "from --broker-url.",
)
@click_options(BROKER_OPTIONS)
@click.option("--state-change-url", help="The provider's state-change endpoint (Pact body format).")
@click.option(
    "--provider-messages-url",
    help="The provider's HTTP message endpoint, for message pacts: the verifier POSTs "
    '{"description", "providerStates"} and compares the answer (body = the message, metadata as base64 JSON '
    "in a Pact-Message-Metadata header) with the pact.",
)
@click.option("--provider-tag", "provider_tags", multiple=True, help="A provider version tag (repeatable).")
@click.option("--build-url", help="Link to the CI build, published with the results.")
@click.option(
    "--publish", is_flag=True, help="Publish verification results (and the provider contract) to the broker."
)
@click_options(SELECTOR_OPTIONS)
@click_options(VERIFICATION_OPTIONS)
@click.option(
    "--header",
    "headers",
    multiple=True,
    help="'Name: value' added to every request sent to the provider, replay and self-check (repeatable).",
)
@click.option(
    "--request-timeout", type=click.IntRange(min=1), default=5000, show_default=True, help="Per request, ms."
)
@click.option(
    "--openapi", "spec", help="The provider's OpenAPI spec: also fuzz the provider against it (schemathesis)."
)
@click.option(
    "--max-examples", type=click.IntRange(min=1), help="Schemathesis test cases per operation [default: 50]."
)
@click.option("--max-time", type=click.IntRange(min=1), help="Time budget of the self-check, in seconds.")
@click.option("--seed", type=int, help="Schemathesis random seed (reproducible self-checks).")
@click.option(
    "--phases",
    default="examples,coverage,fuzzing",
    show_default=True,
    help=f"Schemathesis phases, comma-separated ({', '.join(PHASES)}).",
)
@click.option(
    "--self-check-only",
    is_flag=True,
    help="Only run the --openapi self-check (and publish it with --publish); replay no pacts.",
)
@report_options(FORMATS, json_help="json for tools")
def provider_command(**raw: Any) -> None:
    """Replay pacts against the running provider with pact-python's Verifier (the Rust reference
    verifier), and with --openapi also run schemathesis against it. Results are shown per
    interaction and, with --publish, published to the broker.

    Exit status: 0 verified, 1 verification failed, 2 unusable input.
    """
    try:
        options = _options(raw)
    except (VerifierError, BrokerClientError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    warning = _unset_states_warning(options.replay, raw["pacts"])
    if warning:
        click.echo(f"warning: {warning}", err=True)
    try:
        with event_view(Console(stderr=True, soft_wrap=True)) as on_event:
            result = engine.run(options, on_event)
    except (VerifierError, BrokerClientError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    _emit(result, raw["fmt"], raw["output"])
    sys.exit(result.exit_status)


def _unset_states_warning(replay: ReplayOptions | None, pact_sources: Sequence[str]) -> str | None:
    """Which interactions of the local pacts need a provider state that nobody will set up."""
    if replay is None or replay.state_change_url is not None:
        return None
    interactions = [
        interaction
        for source in pact_sources
        if not source.startswith(("http://", "https://"))
        for pact in local_pacts(Path(source), replay.provider)
        for interaction in pact.interactions
    ]
    stateful = [i for i in interactions if i.provider_states]
    if not stateful:
        return None
    states = sorted({state.name for i in stateful for state in i.provider_states})
    shown = ", ".join(repr(name) for name in states[:10]) + (", ..." if len(states) > 10 else "")
    return (
        f"{len(stateful)} of {len(interactions)} interactions need a provider state ({shown}), "
        "but no --state-change-url was given: the provider is not set up for them and they may fail; "
        "give --state-change-url URL (the provider's state set-up endpoint)"
    )


def _broker(raw: dict[str, Any]) -> BrokerOptions:
    broker = connection_from(raw)
    if broker is None:
        raise LiveOptionsError("give --broker-url")
    return broker


def _options(raw: dict[str, Any]) -> ProviderVerificationOptions:
    base_url = check_http_url("--provider-base-url", raw["provider_base_url"])
    broker = _broker(raw) if raw["broker_url"] else None
    headers = tuple(parse_header(h) for h in raw["headers"])
    sources = tuple(check_pact_source(p, raw["provider"]) for p in raw["pacts"])
    selection = selection_from(raw)
    selectors = selection.consumer_version_selectors()
    wip = (
        check_date("--include-wip-pacts-since", raw["include_wip_pacts_since"])
        if raw["include_wip_pacts_since"]
        else None
    )
    if raw["self_check_only"]:
        if not raw["spec"]:
            raise LiveOptionsError("--self-check-only needs --openapi SPEC")
        if sources:
            raise LiveOptionsError("--self-check-only replays no pacts: leave out --pact")
    from_broker = broker is not None and not sources and not raw["self_check_only"]
    if not from_broker:
        for name, given in (
            ("/".join(o.name for o in SELECTOR_OPTIONS if o.dest != "consumers"), bool(selectors)),
            ("--enable-pending", raw["enable_pending"]),
            ("--include-wip-pacts-since", wip is not None),
        ):
            if given:
                raise LiveOptionsError(f"{name} selects pacts from a broker: give --broker-url and no --pact")
    if not sources and broker is None and not raw["spec"]:
        raise LiveOptionsError("nothing to verify: give --pact FILE, --broker-url URL, or --openapi SPEC")
    publish: PublishOptions | None = None
    if raw["publish"]:
        if not raw["provider_version"]:
            raise LiveOptionsError(
                "--publish needs --provider-version (the provider version to record results for)"
            )
        remote = from_broker or any(s.startswith(("http://", "https://")) for s in sources)
        if not remote and not (raw["spec"] and broker is not None):
            raise LiveOptionsError(
                "--publish needs a broker: give --broker-url (pacts from local files cannot carry results back)"
            )
        publish = PublishOptions(
            provider_version=raw["provider_version"],
            provider_branch=raw["provider_branch"],
            provider_tags=tuple(raw["provider_tags"]),
            build_url=raw["build_url"],
        )
    replay: ReplayOptions | None = None
    if sources or from_broker:
        replay = ReplayOptions(
            provider=raw["provider"],
            base_url=base_url,
            pact_sources=sources,
            broker=broker,
            selection=SelectionOptions(
                consumer_version_selectors=selectors,
                enable_pending=raw["enable_pending"],
                include_wip_pacts_since=wip,
                consumers=selection.consumers,
            ),
            state_change_url=check_http_url("--state-change-url", raw["state_change_url"])
            if raw["state_change_url"]
            else None,
            publish=publish if (from_broker or any(s.startswith("http") for s in sources)) else None,
            provider_branch=raw["provider_branch"],
            provider_tags=tuple(raw["provider_tags"]),
            request_timeout_ms=raw["request_timeout"],
            custom_headers=headers,
            message_url=check_http_url("--provider-messages-url", raw["provider_messages_url"])
            if raw["provider_messages_url"]
            else None,
        )
    check: SelfCheckOptions | None = None
    if raw["spec"]:
        phases = tuple(p.strip() for p in raw["phases"].split(",") if p.strip())
        unknown = [p for p in phases if p not in PHASES]
        if unknown or not phases:
            raise LiveOptionsError(
                f"--phases {raw['phases']!r}: unknown phase(s) {unknown}; choose from {', '.join(PHASES)}"
            )
        check_spec(raw["spec"])
        check = SelfCheckOptions(
            spec=raw["spec"],
            base_url=base_url,
            max_examples=raw["max_examples"] or 50,
            max_time=raw["max_time"],
            seed=raw["seed"],
            phases=phases,
            headers=tuple(f"{name}: {value}" for name, value in headers),
        )
    else:
        for name in ("max_examples", "max_time", "seed"):
            if raw[name] is not None:
                raise LiveOptionsError(
                    f"--{name.replace('_', '-')} tunes the self-check: give --openapi SPEC too"
                )
    return ProviderVerificationOptions(
        provider=raw["provider"],
        base_url=base_url,
        provider_version=raw["provider_version"],
        replay=replay,
        self_check=check,
        publish=publish,
        broker=broker,
    )


def _emit(result: ProviderVerification, fmt: str, output: Path | None) -> None:
    stdout = Console(soft_wrap=True, highlight=False)
    if output is None:
        if fmt == "text":
            print_text(stdout, result)
        else:
            click.echo(FORMATS[fmt](result), nl=False)
        return
    try:
        output.write_text(FORMATS[fmt](result), encoding="utf-8")
    except OSError as exc:
        click.echo(f"error: cannot write {output}: {exc}", err=True)
        sys.exit(2)
    print_text(stdout, result)
    stdout.print(f"{fmt} report written to {output}")
