"""The ``--format`` and ``--output`` options every ``tether verify`` command takes, declared once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import click

F = TypeVar("F", bound=Callable[..., object])


def report_options(formats: Iterable[str], *, json_help: str) -> Callable[[F], F]:
    """``--format`` (passed as ``fmt``; ``text`` by default) from ``formats``, and ``--output FILE``."""
    format_option = click.option(
        "--format",
        "fmt",
        type=click.Choice(sorted(formats)),
        default="text",
        show_default=True,
        help=f"text for people, {json_help}, junit for CI test reports.",
    )
    output_option = click.option(
        "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write the report to FILE."
    )

    def decorate(command: F) -> F:
        return format_option(output_option(command))

    return decorate
