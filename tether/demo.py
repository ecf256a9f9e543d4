"""`tether demo`: the whole Tether story on the example project, reporting exactly what ran."""

from __future__ import annotations

import click


@click.command(name="demo")
def demo_command() -> None:
    """Run the end-to-end story on the example project and print a truthful summary."""
    click.echo("Tether demo")
    click.echo("  nothing to run yet: the broker, verifier and generators have not landed.")
