"""Run `tether verify ...` in-process (click's runner); pact replay still runs in its own process."""

from __future__ import annotations

from dataclasses import dataclass

from click.testing import CliRunner

from verifier.cli import verify_group


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str


def tether_verify(*args: str) -> Run:
    result = CliRunner().invoke(verify_group, list(args), catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


def provider_args(base_url: str, *extra: str) -> list[str]:
    return [
        "provider",
        "--provider",
        "OrdersApi",
        "--provider-base-url",
        base_url,
        "--state-change-url",
        f"{base_url}/_pact/provider-states",
        *extra,
    ]
