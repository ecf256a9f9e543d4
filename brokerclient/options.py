"""The command-line options that say where contracts come from, shared by `tether mock` and `tether loadgen`.

Both commands take pact files (``--pact``) or a broker with the verifier's consumer version
selectors; :func:`contract_source_options` adds those options to a click command and hands it a
single :class:`ContractOptions` (as the ``contract_options`` argument) instead of a dozen flags.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from brokerclient.contract_source import BrokerSource, ContractSet, load_contracts

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class ContractOptions:
    pact_files: tuple[Path, ...]
    broker: BrokerSource | None
    verified_only: bool

    def load(self, provider: str) -> ContractSet:
        return load_contracts(
            provider, pact_files=self.pact_files, broker=self.broker, verified_only=self.verified_only
        )


_OPTIONS = (
    click.option("--pact", "pacts", multiple=True, type=click.Path(path_type=Path), help="Pact file or folder of pact files (repeatable)."),
    click.option("--broker-url", envvar="TETHER_BROKER_URL", help="Load verified pacts from this broker."),
    click.option("--broker-token", envvar="TETHER_BROKER_TOKEN", help="Bearer token for the broker."),
    click.option("--broker-username", envvar="TETHER_BROKER_USERNAME", help="Basic-auth user for the broker."),
    click.option("--broker-password", envvar="TETHER_BROKER_PASSWORD", help="Basic-auth password for the broker."),
    click.option("--main-branch", is_flag=True, help="Select each consumer's latest main-branch pact."),
    click.option("--branch", "branches", multiple=True, help="Select the latest pact of this consumer branch (repeatable)."),
    click.option("--tag", "tags", multiple=True, help="Select the latest pact with this consumer version tag (repeatable)."),
    click.option("--environment", "environments", multiple=True, help="Select pacts deployed/released in this environment (repeatable)."),
    click.option("--deployed", is_flag=True, help="Select pacts of currently deployed consumer versions."),
    click.option("--released", is_flag=True, help="Select pacts of released, supported consumer versions."),
    click.option("--consumer", "consumers", multiple=True, help="Only these consumers (repeatable)."),
    click.option(
        "--verified-only/--include-unverified",
        default=True,
        show_default=True,
        help="Use only pact versions the provider verified successfully (broker only).",
    ),
)  # fmt: skip

_KEYS = (
    "pacts", "broker_url", "broker_token", "broker_username", "broker_password", "main_branch", "branches",
    "tags", "environments", "deployed", "released", "consumers", "verified_only",
)  # fmt: skip


def contract_source_options(function: F) -> F:
    """Add the contract-source options to a click command; it receives ``contract_options``."""

    @functools.wraps(function)
    def wrapper(**kwargs: Any) -> Any:
        values = {key: kwargs.pop(key) for key in _KEYS}
        if not values["pacts"] and not values["broker_url"]:
            raise click.UsageError(
                "give --pact FILE (repeatable) or --broker-url URL to say where the pacts come from"
            )
        selectors = ("main_branch", "branches", "tags", "environments", "deployed", "released", "consumers")
        if not values["broker_url"] and any(values[key] for key in selectors):
            raise click.UsageError(
                "selectors (--main-branch, --branch, --tag, --environment, --deployed, --released, --consumer) "
                "need --broker-url"
            )
        broker = None
        if values["broker_url"]:
            broker = BrokerSource(
                url=values["broker_url"],
                main_branch=values["main_branch"],
                branches=tuple(values["branches"]),
                tags=tuple(values["tags"]),
                environments=tuple(values["environments"]),
                deployed=values["deployed"],
                released=values["released"],
                consumers=tuple(values["consumers"]),
                token=values["broker_token"],
                username=values["broker_username"],
                password=values["broker_password"],
            )
        options = ContractOptions(tuple(values["pacts"]), broker, values["verified_only"])
        return function(contract_options=options, **kwargs)

    decorated: Any = wrapper
    for option in reversed(_OPTIONS):
        decorated = option(decorated)
    return decorated  # type: ignore[no-any-return]
