"""The `tether` command: one front door that assembles the commands each package contributes.

Each package owns a ``cli`` module exposing a click group; this module only names them. Groups are
imported lazily, so `tether mock ...` never pays for importing Locust (and its gevent patching),
and `tether --help` stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

# command name -> "module:attribute" of the click command that implements it
COMMANDS: dict[str, tuple[str, str]] = {
    "pact": ("contracts.cli:pact_group", "Inspect, validate and hash pact files."),
    "broker": ("broker.cli:broker_group", "Run and manage the Pact Broker-compatible broker."),
    "verify": ("verifier.cli:verify_group", "Verify pacts against OpenAPI specs and live providers."),
    "mock": ("mocking.cli:mock_group", "Serve mocks built from verified contracts."),
    "loadgen": ("loadgen.cli:loadgen_group", "Generate and run Locust load scenarios from contracts."),
    "demo": ("tether.demo:demo_command", "Run the whole Tether story end to end on the example project."),
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported only when used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, _, attribute = target[0].partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            return _unavailable(cmd_name, target[1])
        command = getattr(module, attribute)
        if not isinstance(command, click.Command):  # pragma: no cover - programming error
            raise TypeError(f"{target[0]} is not a click command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Help for the group lists short descriptions without importing every package.
        rows = [(name, help_text) for name, (_, help_text) in sorted(COMMANDS.items())]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _unavailable(name: str, help_text: str) -> click.Command:
    @click.command(name=name, help=f"{help_text} (not built yet)")
    def command() -> None:
        raise click.ClickException(f"`tether {name}` is not available in this build.")

    return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tether")
def main(**_: Any) -> None:
    """Tether: contract testing that keeps mocks aligned with real APIs."""
