"""The broker and selector options, declared once (:mod:`brokerclient.option_specs`), as click options.

:func:`click_options` turns a group of :class:`~brokerclient.option_specs.OptionSpec` into click
options, so `tether verify provider`, `tether mock serve` and `tether loadgen locustfile` take the same
names, environment variables and help (``pytest --tether-*`` takes them too, see ``option_specs``).
The values become typed objects: :class:`~brokerclient.connection.BrokerConnection` and
:class:`~brokerclient.selection.Selection`.

:func:`contract_source_options` is the whole set for the tools that *use* contracts (mocks, load
scenarios): ``--pact`` files or a broker, the selectors and ``--verified-only/--include-unverified``;
it hands the command one :class:`ContractOptions`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from brokerclient.connection import BrokerConnection
from brokerclient.contract_source import BrokerSource, ContractSet, load_contracts
from brokerclient.errors import BrokerOptionError
from brokerclient.option_specs import SELECTOR_OPTIONS, SHARED_OPTIONS, OptionSpec
from brokerclient.selection import Selection

F = TypeVar("F", bound=Callable[..., Any])


def _click_option(spec: OptionSpec) -> Callable[[F], F]:
    kwargs: dict[str, Any] = {"help": spec.help, "show_envvar": bool(spec.envvars)}
    if spec.envvars:
        kwargs["envvar"] = list(spec.envvars)
    if spec.flag:
        kwargs["is_flag"] = True
    if spec.multiple:
        kwargs["multiple"] = True
    if spec.metavar:
        kwargs["metavar"] = spec.metavar
    option: Callable[[F], F] = click.option(spec.name, spec.dest, **kwargs)
    return option


def _hidden_alias_options(spec: OptionSpec) -> list[Callable[[F], F]]:
    """Each deprecated alias as a hidden option storing into ``<dest>__<n>`` (merged by the decorator)."""
    options: list[Callable[[F], F]] = []
    for number, alias in enumerate(spec.hidden_aliases):
        kwargs: dict[str, Any] = {"hidden": True, "help": f"Deprecated alias of {spec.name}."}
        if spec.flag:
            kwargs["is_flag"] = True
        if spec.multiple:
            kwargs["multiple"] = True
        options.append(click.option(alias, f"{spec.dest}__alias{number}", **kwargs))
    return options


def click_options(specs: Sequence[OptionSpec]) -> Callable[[F], F]:
    """Add these options to a click command (their values arrive under each spec's ``dest``); deprecated
    aliases are accepted and folded into the main option's value."""

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def wrapper(**kwargs: Any) -> Any:
            for spec in specs:
                for number, alias in enumerate(spec.hidden_aliases):
                    value = kwargs.pop(f"{spec.dest}__alias{number}")
                    if not value:
                        continue
                    click.echo(f"warning: {alias} is deprecated; use {spec.name}", err=True)
                    kwargs[spec.dest] = (*kwargs[spec.dest], *value) if spec.multiple else value
            return function(**kwargs)

        decorated: Any = wrapper
        for spec in reversed(specs):
            for alias in _hidden_alias_options(spec):
                decorated = alias(decorated)
            decorated = _click_option(spec)(decorated)
        return decorated  # type: ignore[no-any-return]

    return decorate


def connection_from(values: Mapping[str, Any]) -> BrokerConnection | None:
    """The broker of the ``BROKER_OPTIONS`` values (None without ``--broker-url``); ``BrokerOptionError``."""
    if not values.get("broker_url"):
        return None
    return BrokerConnection.from_options(
        values["broker_url"],
        token=values.get("broker_token"),
        username=values.get("broker_username"),
        password=values.get("broker_password"),
    )


def selection_from(values: Mapping[str, Any]) -> Selection:
    """The ``SELECTOR_OPTIONS`` values as a :class:`Selection` (``SelectorError`` names the bad option)."""
    return Selection.from_options(
        selectors=values.get("selectors") or (),
        main_branch=bool(values.get("main_branch")),
        branches=values.get("branches") or (),
        tags=values.get("tags") or (),
        environments=values.get("environments") or (),
        deployed=bool(values.get("deployed")),
        released=bool(values.get("released")),
        deployed_or_released=bool(values.get("deployed_or_released")),
        consumers=values.get("consumers") or (),
    )


# ------------------------------------------------------------------------------- contract sources


@dataclass(frozen=True)
class ContractOptions:
    pact_files: tuple[Path, ...]
    broker: BrokerSource | None
    verified_only: bool

    def load(self, provider: str) -> ContractSet:
        return load_contracts(
            provider, pact_files=self.pact_files, broker=self.broker, verified_only=self.verified_only
        )


_PACT = click.option(
    "--pact",
    "pacts",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Pact file or folder of pact files (repeatable).",
)
_VERIFIED_ONLY = click.option(
    "--verified-only/--include-unverified",
    default=True,
    show_default=True,
    help="Use only pact versions the provider verified successfully (broker only).",
)


def contract_source_options(function: F) -> F:
    """Add ``--pact``, the shared broker and selector options and ``--verified-only`` to a click command;
    it receives one ``contract_options`` argument instead."""

    @functools.wraps(function)
    def wrapper(**kwargs: Any) -> Any:
        values = {spec.dest: kwargs.pop(spec.dest) for spec in SHARED_OPTIONS}
        pacts, verified_only = kwargs.pop("pacts"), kwargs.pop("verified_only")
        try:
            connection = connection_from(values)
            selection = selection_from(values)
        except BrokerOptionError as exc:
            raise click.UsageError(str(exc)) from exc
        if not pacts and connection is None:
            raise click.UsageError(
                "give --pact FILE (repeatable) or --broker-url URL to say where the pacts come from"
            )
        if connection is None and (selection.selects or selection.consumers):
            raise click.UsageError(
                "selectors (" + ", ".join(spec.name for spec in SELECTOR_OPTIONS) + ") need --broker-url"
            )
        broker = BrokerSource(connection, selection) if connection is not None else None
        return function(contract_options=ContractOptions(tuple(pacts), broker, verified_only), **kwargs)

    decorated: Any = click_options(SHARED_OPTIONS)(wrapper)
    decorated = _VERIFIED_ONLY(_PACT(decorated))
    return decorated  # type: ignore[no-any-return]
