"""The engine's events on stderr: rich progress on a terminal (forced here with FORCE_COLOR), a few plain
lines otherwise and under CI."""

from __future__ import annotations

import re

from click.testing import CliRunner

from tests.examples.servers import PACTS, SPEC
from verifier.cli import verify_group

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _args(provider_url: str) -> list[str]:
    return [
        "provider", "--provider", "OrdersApi", "--provider-base-url", provider_url,
        "--state-change-url", f"{provider_url}/_pact/provider-states", "--pact", str(PACTS),
        "--openapi", str(SPEC), "--phases", "examples", "--max-examples", "1",
    ]  # fmt: skip


def test_progress_counts_interactions_and_schemathesis_phases(provider_url: str) -> None:
    env = {"FORCE_COLOR": "1", "COLUMNS": "150", "CI": None}
    result = CliRunner().invoke(verify_group, _args(provider_url), env=env)
    assert result.exit_code == 0, result.stdout + result.stderr
    progress = ANSI.sub("", result.stderr)
    assert "Replaying pacts" in progress
    assert re.search(r"Replayed 10 interactions\s+━+\s+10/10", progress)
    assert re.search(r"Schemathesis: Examples done\s+━+\s+1/1", progress)
    assert "✔ OrdersApi verified" in ANSI.sub("", result.stdout)


def test_plain_lines_when_not_a_terminal_or_under_ci(provider_url: str) -> None:
    expected = [
        f"Replaying pacts against OrdersApi at {provider_url} ...",
        "  replayed 10 interactions: 10 passed, 0 failed",
        f"Running schemathesis (examples) against {provider_url} ...",
        "  schemathesis examples: success",
    ]
    for env in ({"CI": None}, {"CI": "true", "FORCE_COLOR": "1"}):
        result = CliRunner().invoke(verify_group, [*_args(provider_url), "--format", "json"], env=env)
        assert result.exit_code == 0, result.stdout + result.stderr
        assert result.stderr.splitlines() == expected, env
        assert result.stdout.startswith("{")
