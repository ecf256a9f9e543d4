"""`tether broker serve` (and `migrate`) show each migration as it runs: plain lines without a terminal
(CI, logs), rich lines under a spinner on a terminal."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

from rich.console import Console

from broker.cli import _migrate, _migration_progress
from tests.support import free_port, running_process, tether_executable

LINES = [
    "applying migration 0001_core (Core tables: pacticipant, version, branch, branch_version, tag, "
    "pact_version, pact_publication, integration)",
    "applying migration 0002_verification_env (Verification results and environments: verification, "
    "latest_verification, environment, deployed_version, released_version)",
    "applying migration 0002b_verification_indexes (Indexes for work-in-progress pacts: pact publications "
    "of a provider by creation time)",
    "applying migration 0003_webhooks (Webhooks: webhook, webhook_event, triggered_webhook (the delivery "
    "outbox), webhook_execution)",
    "applying migration 0004_provider_contracts (Bi-directional contracts: provider_contract and "
    "provider_contract_check)",
    "applying migration 0005_pacticipant_labels (Pacticipant labels: pacticipant_label (webhooks can select "
    "pacticipants by label))",
]


def test_migrate_without_a_terminal_prints_one_plain_line_per_migration(tmp_path: Path) -> None:
    result = subprocess.run(
        [*tether_executable(), "broker", "migrate"], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert sorted(result.stderr.splitlines()) == LINES
    assert "\x1b[" not in result.stderr
    again = subprocess.run(
        [*tether_executable(), "broker", "migrate"], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert again.stderr == ""


def test_serve_shows_the_migrations_before_it_serves(tmp_path: Path) -> None:
    port = free_port()
    command = [*tether_executable(), "broker", "serve", "--port", str(port), "--log-level", "warning"]
    with running_process(
        command, ready_url=f"http://127.0.0.1:{port}/diagnostic/status/heartbeat", cwd=tmp_path
    ):
        (log,) = tmp_path.glob(".server-*.log")
        shown = [line for line in log.read_text().splitlines() if line.startswith("applying migration")]
    assert sorted(shown) == LINES


def test_on_a_terminal_each_migration_is_a_rich_line(tmp_path: Path) -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=300, color_system="standard")
    with _migration_progress(console):
        from broker.db import Database

        database = Database(f"sqlite:///{tmp_path / 'tty.db'}")
        try:
            database.migrate()
        finally:
            database.dispose()
    text = screen.getvalue()
    assert "\x1b[36m•\x1b[0m applying migration 0001_core (Core tables:" in text
    assert "Migrating the database..." in text
    for line in LINES:
        assert line in text
    # once done, the plain path reports nothing more: no migration is pending
    assert _migrate(f"sqlite:///{tmp_path / 'tty.db'}").describe().endswith("nothing to do.")
