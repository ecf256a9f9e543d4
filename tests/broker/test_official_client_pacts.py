"""Tether's broker, as a provider, verified against the official Pact Broker clients' own pacts.

The Ruby Pact Broker verifies itself against the pacts ``pact_broker-client`` writes for it (V1:
``Pact Broker Client``, V2: ``Pact Broker Client V2``); this does the same (vendored copies, see
``client_pacts/README.md``). ``tether broker serve`` runs under uvicorn on SQLite and on PostgreSQL;
the verifiers reach it through the HAL-relation proxy (``client_pacts/hal_proxy.py``) and set up
each provider state through the broker's services (``client_pacts/states.py``).

Per interaction: every one passes except those in ``client_pacts/expected_failures.py``, and a
listed one that starts passing fails the test too, so that list only shrinks. Verdicts come from the
verifiers' JSON reports, never from their console.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.broker.client_pacts.expected_failures import EXPECTED_FAILURES
from tests.broker.client_pacts.hal_proxy import rewrite
from tests.broker.client_pacts.harness import (
    FrontDoor,
    front_door,
    interactions,
    run_pact_python,
    run_rust_cli,
    verdicts,
)
from tests.broker.client_pacts.states import STATES
from tests.broker.conftest import StartBroker
from tests.support import free_port, running_process, tether_executable

# the Ruby broker verifies these pacts with ``base_urls = ["http://example.org"]``; the pacts' literal
# hrefs name that host. No webhook worker: the webhooks the pacts create point off the machine.
BROKER_ENV = {"TETHER_BASE_URL": "http://example.org", "TETHER_WEBHOOK_WORKER": "false"}


def test_every_provider_state_of_the_pacts_is_implemented_and_expected_failures_are_real() -> None:
    keys = interactions()
    assert len(keys) == 131
    assert {k.state for k in keys if k.state} <= set(STATES)
    assert set(EXPECTED_FAILURES) <= set(keys), set(EXPECTED_FAILURES) - set(keys)
    assert all(reason.strip() for reason in EXPECTED_FAILURES.values())


def test_the_proxy_maps_placeholders_and_puts_matrix_selectors_back_together() -> None:
    assert rewrite("/HAL-REL-PLACEHOLDER-PB-PACTICIPANT-BRANCH-Foo-main", "") == (
        "/pacticipants/Foo/branches/main",
        "",
    )
    assert rewrite("/pacticipants/Foo", "a=1") == ("/pacticipants/Foo", "a=1")
    grouped = "latestby=cvpv&q[][latest]=true&q[][pacticipant]=Foo&q[][pacticipant]=Bar&q[][tag]=prod&q[][version]=1%2e2%2e3"
    path, query = rewrite("/matrix", grouped)
    assert path == "/matrix"
    assert query == (
        "q%5B%5D%5Bpacticipant%5D=Foo&q%5B%5D%5Bversion%5D=1.2.3&q%5B%5D%5Bpacticipant%5D=Bar"
        "&q%5B%5D%5Blatest%5D=true&q%5B%5D%5Btag%5D=prod&latestby=cvpv"
    )
    # a query no client sends is left alone
    assert rewrite("/matrix", "q[][pacticipant]=Foo&q[][pacticipant]=Baz") == (
        "/matrix",
        "q[][pacticipant]=Foo&q[][pacticipant]=Baz",
    )


def _check(report: dict[str, Any], door: FrontDoor, verifier: str) -> None:
    passed, failures = verdicts(report)
    keys = interactions()
    assert set(passed) == set(keys)
    assert door.states.failures == [], "provider states failed to set up"
    setups = {c["state"] for c in door.states.calls if c["action"] == "setup"}
    assert setups == {k.state for k in keys}, "the verifier did not set up every provider state"
    assert not [f for f in door.proxy.forwarded if "PLACEHOLDER" in f], (
        "a placeholder path reached the broker"
    )
    unexpected = {
        str(k): failures.get(k, "") for k, ok in passed.items() if not ok and k not in EXPECTED_FAILURES
    }
    now_passing = [str(k) for k, ok in passed.items() if ok and k in EXPECTED_FAILURES]
    summary = {
        consumer: f"{sum(ok for k, ok in passed.items() if k.consumer == consumer)}"
        f"/{sum(1 for k in keys if k.consumer == consumer)}"
        for consumer in sorted({k.consumer for k in keys})
    }
    assert not unexpected, (
        f"{verifier} {summary}: failures not listed in expected_failures.py:\n"
        + json.dumps(unexpected, indent=1)
    )
    assert not now_passing, (
        f"{verifier} {summary}: these now pass; remove them from expected_failures.py:\n"
        + "\n".join(now_passing)
    )


@pytest.fixture(scope="module")
def sqlite_front_door(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, FrontDoor]]:
    """One broker on SQLite for both verifiers (each run starts from an empty database anyway)."""
    workdir = tmp_path_factory.mktemp("official-client-pacts")
    database_url = f"sqlite:///{workdir / 'broker.db'}"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args = [*tether_executable(), "broker", "serve", "--host", "127.0.0.1", "--port", str(port)]
    args += ["--database-url", database_url, "--log-level", "warning"]
    with (
        running_process(args, ready_url=f"{url}/diagnostic/status/heartbeat", env=BROKER_ENV, cwd=workdir),
        front_door(url, database_url) as door,
    ):
        yield door


def test_the_rust_verifier_passes_the_client_pacts_on_sqlite(
    sqlite_front_door: tuple[str, FrontDoor], tmp_path: Path
) -> None:
    base_url, door = sqlite_front_door
    door.clear()
    report, _console = run_rust_cli(base_url, tmp_path)
    _check(report, door, "pact verifier (Rust CLI), SQLite")


def test_pact_python_passes_the_client_pacts_on_sqlite(
    sqlite_front_door: tuple[str, FrontDoor], tmp_path: Path
) -> None:
    base_url, door = sqlite_front_door
    door.clear()
    report = run_pact_python(base_url, tmp_path)
    _check(report, door, "pact-python Verifier, SQLite")


@pytest.mark.postgres
def test_the_rust_verifier_passes_the_client_pacts_on_postgres(
    postgres_url: str, start_broker: StartBroker, tmp_path: Path
) -> None:
    with (
        start_broker(postgres_url, env=BROKER_ENV) as broker,
        front_door(broker.url, postgres_url) as (base_url, door),
    ):
        report, _console = run_rust_cli(base_url, tmp_path)
    _check(report, door, "pact verifier (Rust CLI), PostgreSQL")
