"""Fixtures for the loadgen tests: `tether mock serve` running under uvicorn in a subprocess."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import free_port, running_process, tether_executable

PACTS = Path(__file__).parent / "server" / "pacts"

MockServer = Callable[..., contextlib.AbstractContextManager[str]]


@pytest.fixture
def pact_dir() -> Path:
    return PACTS


@pytest.fixture
def mock_server() -> MockServer:
    """``with mock_server("--pact", path, ...) as url:`` runs `tether mock serve --provider OrdersApi ...`."""

    @contextlib.contextmanager
    def start(*args: str, provider: str = "OrdersApi", **env: Any) -> Iterator[str]:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        command = [*tether_executable(), "mock", "serve", "--provider", provider, "--port", str(port), *args]
        with running_process(
            command, ready_url=f"{url}/__tether/health", env={k: str(v) for k, v in env.items()}
        ):
            yield url

    return start
