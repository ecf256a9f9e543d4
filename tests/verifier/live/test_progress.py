"""On a terminal, long runs show rich progress on stderr (forced here with FORCE_COLOR)."""

from __future__ import annotations

import re

from click.testing import CliRunner

from tests.examples.servers import PACTS, SPEC
from verifier.cli import verify_group

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def test_progress_counts_interactions_and_schemathesis_phases(provider_url: str) -> None:
    args = [
        "provider", "--provider", "OrdersApi", "--provider-base-url", provider_url,
        "--state-change-url", f"{provider_url}/_pact/provider-states", "--pact", str(PACTS),
        "--openapi", str(SPEC), "--phases", "examples", "--max-examples", "1",
    ]  # fmt: skip
    result = CliRunner().invoke(verify_group, args, env={"FORCE_COLOR": "1", "COLUMNS": "150"})
    assert result.exit_code == 0, result.stdout + result.stderr
    progress = ANSI.sub("", result.stderr)
    assert "Replaying pacts" in progress
    assert re.search(r"Replayed 10 interactions\s+━+\s+10/10", progress)
    assert re.search(r"Schemathesis: Examples done\s+━+\s+1/1", progress)
    assert "✔ OrdersApi verified" in ANSI.sub("", result.stdout)
