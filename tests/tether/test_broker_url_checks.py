"""`--broker-url` pointing at the broker's web UI, or at a server that is no broker, says so, for every
command that reads a broker (the check lives in `BrokerConnection.check_reachable`)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from brokerclient.connection import BrokerConnection
from brokerclient.errors import BrokerOptionError
from tests.support import free_port, running_process, tether_executable
from tether.cli import main


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("broker")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [*tether_executable(), "broker", "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--database-url", f"sqlite:///{folder / 'broker.db'}", "--log-level", "warning"]
    with running_process(command, ready_url=f"{url}/diagnostic/status/heartbeat", cwd=folder):
        yield url


@pytest.fixture(scope="module")
def not_a_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A plain static file server: it answers /, with an HTML directory listing."""
    folder = tmp_path_factory.mktemp("static")
    (folder / "index.html").write_text("<html><body>hello</body></html>")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    with running_process(command, ready_url=url + "/", cwd=folder):
        yield url


def test_a_broker_passes(broker: str) -> None:
    BrokerConnection.from_options(broker).check_reachable()


@pytest.mark.parametrize("suffix", ["/ui", "/ui/", "/ui/integrations"])
def test_the_web_ui_is_named_with_the_url_to_use(broker: str, suffix: str) -> None:
    url = (broker + suffix).rstrip("/")
    with pytest.raises(BrokerOptionError) as caught:
        BrokerConnection.from_options(broker + suffix).check_reachable()
    assert str(caught.value) == f"--broker-url {url} is the broker's web UI; use {broker}"


def test_a_server_that_is_not_a_broker_is_named(not_a_broker: str) -> None:
    with pytest.raises(BrokerOptionError) as caught:
        BrokerConnection.from_options(not_a_broker).check_reachable()
    assert str(caught.value) == (
        f"--broker-url {not_a_broker} answered but is not a Pact Broker (no _links in /); "
        "give the broker's base URL, the one whose / lists the HAL _links"
    )


def test_a_server_without_a_root_is_named_with_its_status(not_a_broker: str) -> None:
    with pytest.raises(BrokerOptionError, match=r"answered but is not a Pact Broker \(HTTP 404 for /\)"):
        BrokerConnection.from_options(not_a_broker + "/nothing-here").check_reachable()


def test_loadgen_locustfile_says_the_url_is_the_web_ui(broker: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            *tether_executable(),
            "loadgen",
            "locustfile",
            "--provider",
            "Stock",
            "--broker-url",
            broker + "/ui",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PACT_DO_NOT_TRACK": "true", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode != 0
    assert f"--broker-url {broker}/ui is the broker's web UI; use {broker}" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_verify_provider_says_the_server_is_not_a_broker(not_a_broker: str) -> None:
    result = CliRunner().invoke(
        main,
        [
            "verify",
            "provider",
            "--provider",
            "Stock",
            "--provider-base-url",
            not_a_broker,
            "--broker-url",
            not_a_broker,
        ],
        env={"PACT_DO_NOT_TRACK": "true"},
    )
    assert result.exit_code != 0
    assert f"--broker-url {not_a_broker} answered but is not a Pact Broker (no _links in /)" in result.output
