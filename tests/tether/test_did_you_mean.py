"""A misspelled provider name is answered with the nearest known names ("did you mean ...?"), from pact
files (loadgen, verify provider) and from a broker (brokerclient's contract source)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from brokerclient.client import BrokerClient, ContractToPublish
from brokerclient.connection import BrokerConnection
from brokerclient.contract_source import BrokerSource, load_from_broker
from brokerclient.errors import ContractSourceError
from contracts.suggestions import did_you_mean, nearest_names
from tests.support import free_port, running_process, tether_executable
from tether.cli import main


def pact(consumer: str, provider: str) -> dict[str, Any]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [
            {
                "description": "get stock",
                "request": {"method": "GET", "path": "/stock"},
                "response": {"status": 200, "body": {"ok": True}},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


@pytest.fixture
def pact_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "pacts"
    folder.mkdir()
    for consumer, provider in (("Web", "Stock Service"), ("Web", "Prices")):
        (folder / f"{consumer}-{provider}.json").write_text(json.dumps(pact(consumer, provider)))
    return folder


def test_nearest_names() -> None:
    known = ["Stock Service", "Prices", "Orders"]
    assert nearest_names("Stok Service", known) == ["Stock Service"]
    assert nearest_names("stock service", known) == ["Stock Service"]
    assert nearest_names("Billing", known) == []
    assert did_you_mean("Order", ["Orders", "Order Book"]) == "; did you mean 'Orders' or 'Order Book'?"
    assert did_you_mean("Billing", known) == ""


def test_loadgen_locustfile_suggests_the_provider_in_the_pact_files(pact_dir: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            *tether_executable(),
            "loadgen",
            "locustfile",
            "--provider",
            "Stok Service",
            "--pact",
            str(pact_dir),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PACT_DO_NOT_TRACK": "true", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode != 0
    assert "nothing to serve; did you mean 'Stock Service'?" in result.stderr
    assert (
        "no pacts to generate a scenario from for provider 'Stok Service'; did you mean 'Stock Service'?"
        in result.stderr
    )


def test_verify_provider_suggests_the_provider_in_the_pact_directory(pact_dir: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "verify",
            "provider",
            "--provider",
            "Stok Service",
            "--provider-base-url",
            f"http://127.0.0.1:{free_port()}",
            "--pact",
            str(pact_dir),
        ],
        env={"PACT_DO_NOT_TRACK": "true"},
    )
    assert result.exit_code != 0
    assert (
        "no pact in the directory is for provider 'Stok Service' (found: Web -> Prices, Web -> Stock Service)"
        "; did you mean 'Stock Service'?"
    ) in result.output


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("broker")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [*tether_executable(), "broker", "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--database-url", f"sqlite:///{folder / 'broker.db'}", "--log-level", "warning"]
    with (
        running_process(command, ready_url=f"{url}/diagnostic/status/heartbeat", cwd=folder),
        BrokerClient(url) as client,
    ):
        contract = ContractToPublish(
            "Web", "Stock Service", json.dumps(pact("Web", "Stock Service")).encode()
        )
        client.publish_contracts("Web", "1", [contract], branch="main")
        yield url


def test_the_broker_source_suggests_a_known_pacticipant(broker: str) -> None:
    with pytest.raises(ContractSourceError) as caught:
        load_from_broker(BrokerSource(BrokerConnection(broker)), "Stok Service")
    assert str(caught.value) == (
        f"the broker at {broker} knows no provider named 'Stok Service'; did you mean 'Stock Service'?"
    )
