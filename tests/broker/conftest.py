"""Fixtures that run a real broker.

* ``broker_url``: ``tether broker serve`` under uvicorn in a subprocess on a free loopback port,
  parametrised over SQLite (a file in tmp_path) and PostgreSQL (a fresh database).
* ``start_broker``: the same as a factory, for extra environment (auth, overrides) or restarts.
* ``local_broker``: the app served by uvicorn in a thread of the test process (fast; gives direct
  access to ``.db`` for service-level assertions), on SQLite.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from broker.app import create_app
from broker.db import Database
from broker.server import uvicorn_options
from broker.settings import BrokerSettings
from tests.support import free_port, running_process, tether_executable


@dataclass
class RunningBroker:
    url: str
    database_url: str
    process: Any = None


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'broker.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


StartBroker = Callable[..., contextlib.AbstractContextManager[RunningBroker]]


@pytest.fixture
def start_broker(tmp_path: Path) -> StartBroker:
    @contextlib.contextmanager
    def start(
        database_url: str, env: dict[str, str] | None = None, port: int | None = None
    ) -> Iterator[RunningBroker]:
        port = port or free_port()
        url = f"http://127.0.0.1:{port}"
        args = [*tether_executable(), "broker", "serve", "--host", "127.0.0.1", "--port", str(port)]
        args += ["--database-url", database_url, "--log-level", "warning"]
        with running_process(
            args, ready_url=f"{url}/diagnostic/status/heartbeat", env=env, cwd=tmp_path
        ) as process:
            yield RunningBroker(url=url, database_url=database_url, process=process)

    return start


@pytest.fixture
def broker(database_url: str, start_broker: StartBroker) -> Iterator[RunningBroker]:
    with start_broker(database_url) as running:
        yield running


@pytest.fixture
def broker_url(broker: RunningBroker) -> str:
    return broker.url


@dataclass
class LocalBroker:
    url: str
    db: Database
    settings: BrokerSettings


@contextlib.contextmanager
def serve_in_thread(settings: BrokerSettings) -> Iterator[LocalBroker]:
    app = create_app(settings)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", **uvicorn_options()
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("in-process broker did not start")
        time.sleep(0.02)
    try:
        yield LocalBroker(url=f"http://127.0.0.1:{port}", db=app.state.db, settings=settings)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.db.dispose()


LocalBrokerFactory = Callable[..., contextlib.AbstractContextManager[LocalBroker]]


@pytest.fixture
def local_broker_factory(tmp_path: Path) -> LocalBrokerFactory:
    def factory(**overrides: Any) -> contextlib.AbstractContextManager[LocalBroker]:
        overrides.setdefault("database_url", f"sqlite:///{tmp_path / 'local-broker.db'}")
        return serve_in_thread(BrokerSettings(**overrides))

    return factory


@pytest.fixture
def local_broker(local_broker_factory: LocalBrokerFactory) -> Iterator[LocalBroker]:
    with local_broker_factory() as running:
        yield running
