"""The broker and selector options, declared once for every command and the pytest plugin.

Each option is an :class:`OptionSpec` (name, environment variables, help). ``brokerclient.options``
renders them as click options; :func:`add_pytest_options` renders them as ``--tether-*`` pytest options.
So `tether verify provider`, `tether mock serve`, `tether loadgen locustfile` and ``pytest --tether-*``
take the same names, the same environment variables (ours, ``TETHER_BROKER_URL``..., then the Pact
CLI's, ``PACT_BROKER_BASE_URL``...) and the same help. Imports nothing but the standard library: the
pytest plugin reads it in every pytest run.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class OptionSpec:
    """One shared option: its name, where its value may also come from, and what it means."""

    name: str
    dest: str
    help: str
    envvars: tuple[str, ...] = ()
    flag: bool = False
    multiple: bool = False
    metavar: str | None = None
    hidden_aliases: tuple[str, ...] = ()
    """Old names, still accepted but hidden from --help (deprecated)."""

    @property
    def pytest_name(self) -> str:
        return "--tether-" + self.name.removeprefix("--")

    @property
    def pytest_dest(self) -> str:
        return "tether_" + self.dest

    def environment_value(self, environ: Mapping[str, str]) -> str | None:
        for name in self.envvars:
            if environ.get(name):
                return environ[name]
        return None


BROKER_URL = OptionSpec(
    "--broker-url",
    "broker_url",
    "The Pact Broker (or Tether broker) to fetch pacts from.",
    ("TETHER_BROKER_URL", "PACT_BROKER_BASE_URL"),
    metavar="URL",
)
BROKER_OPTIONS = (
    BROKER_URL,
    OptionSpec(
        "--broker-token",
        "broker_token",
        "Bearer token for the broker.",
        ("TETHER_BROKER_TOKEN", "PACT_BROKER_TOKEN"),
        metavar="TOKEN",
    ),
    OptionSpec(
        "--broker-username",
        "broker_username",
        "Basic-auth user for the broker.",
        ("TETHER_BROKER_USERNAME", "PACT_BROKER_USERNAME"),
        metavar="USER",
    ),
    OptionSpec(
        "--broker-password",
        "broker_password",
        "Basic-auth password for the broker.",
        ("TETHER_BROKER_PASSWORD", "PACT_BROKER_PASSWORD"),
        metavar="PASSWORD",
    ),
)
SELECTOR_OPTIONS = (
    OptionSpec(
        "--consumer-version-selector",
        "selectors",
        'A consumer version selector as JSON, e.g. \'{"mainBranch": true}\' (repeatable, ORed).',
        multiple=True,
        metavar="JSON",
        hidden_aliases=("--consumer-version-selectors",),
    ),
    OptionSpec("--main-branch", "main_branch", 'Select each consumer\'s latest main-branch pact ({"mainBranch": true}).', flag=True),
    OptionSpec("--branch", "branches", 'Select the latest pact of this consumer branch ({"branch": B}; repeatable).', multiple=True, metavar="BRANCH"),
    OptionSpec("--tag", "tags", 'Select the latest pact with this consumer version tag ({"tag": T, "latest": true}; repeatable).', multiple=True, metavar="TAG"),
    OptionSpec("--environment", "environments", "Select pacts deployed or released in this environment; qualifies --deployed/--released/--deployed-or-released (repeatable).", multiple=True, metavar="ENV"),
    OptionSpec("--deployed", "deployed", 'Select pacts of currently deployed consumer versions ({"deployed": true}).', flag=True),
    OptionSpec("--released", "released", 'Select pacts of released, supported consumer versions ({"released": true}).', flag=True),
    OptionSpec("--deployed-or-released", "deployed_or_released", 'Select pacts of deployed or released consumer versions ({"deployedOrReleased": true}).', flag=True),
    OptionSpec("--consumer", "consumers", "Only pacts of this consumer (repeatable).", multiple=True, metavar="NAME"),
)  # fmt: skip
VERIFICATION_OPTIONS = (
    OptionSpec("--enable-pending", "enable_pending", "Pending pacts' failures do not fail the verification.", flag=True),
    OptionSpec("--include-wip-pacts-since", "include_wip_pacts_since", "Also verify work-in-progress pacts published since YYYY-MM-DD.", metavar="DATE"),
    OptionSpec("--provider-branch", "provider_branch", "The provider's branch (published, and used for pending/WIP).", metavar="BRANCH"),
    OptionSpec("--provider-version", "provider_version", "The provider version being verified (needed to --publish).", metavar="VERSION"),
)  # fmt: skip
SHARED_OPTIONS = (*BROKER_OPTIONS, *SELECTOR_OPTIONS)
"""The options every command that reads a broker takes, with the same names, variables and help."""


# ------------------------------------------------------------------------------------------ pytest


class PytestGroup(Protocol):
    def addoption(self, *names: str, **attrs: Any) -> None: ...


def add_pytest_options(group: PytestGroup, specs: Sequence[OptionSpec] = SHARED_OPTIONS) -> None:
    """The shared options as ``--tether-*`` pytest options (environment variables as defaults)."""
    for spec in specs:
        attrs: dict[str, Any] = {"dest": spec.pytest_dest, "help": _pytest_help(spec)}
        if spec.flag:
            attrs["action"] = "store_true"
        elif spec.multiple:
            attrs.update(action="append", default=[], metavar=spec.metavar)
        else:
            attrs.update(default=spec.environment_value(os.environ), metavar=spec.metavar)
        group.addoption(spec.pytest_name, **attrs)


def _pytest_help(spec: OptionSpec) -> str:
    if not spec.envvars:
        return spec.help
    return f"{spec.help} [env var: {', '.join(spec.envvars)}]"


class PytestOptions(Protocol):
    def getoption(self, name: str, default: Any = ...) -> Any: ...


def values_from_pytest(config: PytestOptions, specs: Sequence[OptionSpec] = SHARED_OPTIONS) -> dict[str, Any]:
    """The values of the ``--tether-*`` shared options, keyed like the click options (``broker_url``...)."""
    return {spec.dest: config.getoption(spec.pytest_dest, None) for spec in specs}
