"""The access layer against a real broker (`tether broker serve` on SQLite, loopback): consumer names and
versions come from structured fields, also for names with " and " and parentheses."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from brokerclient.access import BrokerAccess, consumer_from_pact_url
from brokerclient.client import BrokerClient, ContractToPublish
from brokerclient.connection import BrokerConnection
from brokerclient.contract_source import BrokerSource, load_from_broker
from brokerclient.errors import BrokerOptionError
from brokerclient.selection import Selection
from brokerclient.selectors import ConsumerVersionSelector
from tests.support import free_port, running_process, tether_executable

PROVIDER = "Stock (v2) and Prices"
TRICKY = (
    "Orders (UI) and Reports"  # the old title parser read "Orders (UI)" as consumer "Orders", version "UI"
)


def pact(consumer: str, path: str) -> dict[str, Any]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": PROVIDER},
        "interactions": [
            {
                "description": f"get {path}",
                "request": {"method": "GET", "path": path},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"ok": True},
                },
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Web 1 (main, verified) and "Orders (UI) and Reports" 2.0 (rc) (main, never verified)."""
    folder = tmp_path_factory.mktemp("broker")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [*tether_executable(), "broker", "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--database-url", f"sqlite:///{folder / 'broker.db'}", "--log-level", "warning"]
    with (
        running_process(command, ready_url=f"{url}/diagnostic/status/heartbeat", cwd=folder),
        BrokerClient(url) as client,
    ):
        for consumer, version, path in (("Web", "1", "/stock"), (TRICKY, "2.0 (rc)", "/prices")):
            contract = ContractToPublish(consumer, PROVIDER, json.dumps(pact(consumer, path)).encode())
            client.publish_contracts(consumer, version, [contract], branch="main")
        web = client.get_pact(PROVIDER, "Web", "1")
        client.publish_verification_result(
            web["_links"]["pb:publish-verification-results"]["href"],
            {"success": True, "providerApplicationVersion": "p1"},
        )
        yield url


def test_pacts_for_verification_name_each_consumer_from_the_pact_url(broker: str) -> None:
    with BrokerAccess(BrokerConnection(broker)) as access:
        selected = access.pacts_for_verification(PROVIDER, [ConsumerVersionSelector(main_branch=True)])
    assert sorted((entry.consumer, entry.pending) for entry in selected) == [(TRICKY, True), ("Web", False)]
    tricky = next(entry for entry in selected if entry.consumer == TRICKY)
    assert "/consumer/Orders%20%28UI%29%20and%20Reports/" in tricky.url
    assert "main" in tricky.short_description  # what the broker says it was selected as


def test_a_pact_names_its_consumer_and_version_from_its_links(broker: str) -> None:
    with BrokerAccess(BrokerConnection(broker)) as access:
        (entry,) = access.pacts_for_verification(
            PROVIDER, [ConsumerVersionSelector(branch="main", consumer=TRICKY)]
        )
        fetched = access.pact(entry.url)
    assert (fetched.consumer, fetched.consumer_version) == (TRICKY, "2.0 (rc)")
    assert fetched.document["consumer"] == {"name": TRICKY}


def test_loaded_contracts_carry_the_structured_names(broker: str) -> None:
    source = BrokerSource(BrokerConnection(broker), Selection(main_branch=True))
    verified = load_from_broker(source, PROVIDER)
    assert [(p.consumer, p.consumer_version) for p in verified.pacts] == [("Web", "1")]
    assert [s.consumer for s in verified.skipped] == [TRICKY]
    assert verified.skipped[0].reason.startswith(f"never successfully verified by {PROVIDER} (pending)")
    everything = load_from_broker(source, PROVIDER, verified_only=False)
    assert sorted((p.consumer, p.consumer_version) for p in everything.pacts) == [
        (TRICKY, "2.0 (rc)"),
        ("Web", "1"),
    ]


def test_consumer_option_restricts_the_selectors_and_filters_the_broker_defaults(broker: str) -> None:
    connection = BrokerConnection(broker)
    restricted = load_from_broker(
        BrokerSource(connection, Selection(main_branch=True, consumers=(TRICKY,))),
        PROVIDER,
        verified_only=False,
    )
    assert [p.consumer for p in restricted.pacts] == [TRICKY]
    assert restricted.skipped == []
    defaults = load_from_broker(
        BrokerSource(connection, Selection(consumers=(TRICKY,))), PROVIDER, verified_only=False
    )
    assert [p.consumer for p in defaults.pacts] == [TRICKY]
    assert [(s.consumer, s.reason) for s in defaults.skipped] == [
        ("Web", f"not one of the consumers asked for (--consumer {TRICKY})")
    ]


def test_the_broker_is_checked_before_anything_runs(broker: str) -> None:
    BrokerConnection.from_options(broker).check_reachable()
    closed = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(BrokerOptionError, match=f"^--broker-url {closed}: the broker does not answer"):
        BrokerConnection.from_options(closed).check_reachable()


@pytest.mark.parametrize(
    ("url", "consumer"),
    [
        ("http://b/pacts/provider/P/consumer/Orders%20%28UI%29%20and%20Reports/pact-version/abc", TRICKY),
        # the Ruby broker's form, mounted under a context path, with metadata
        ("https://b/pact/pacts/provider/P%20Q/consumer/A%2FB/pact-version/abc/metadata/Y3ZuPTE", "A/B"),
        ("http://b/pacts/provider/P/consumer/Web/version/1.0", "Web"),
        ("http://b/pacts/provider/P/latest", None),
    ],
)
def test_consumer_from_pact_url(url: str, consumer: str | None) -> None:
    assert consumer_from_pact_url(url) == consumer


def test_pytest_options_reach_the_broker_with_the_same_selectors(
    broker: str, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PACT_BROKER_BASE_URL", broker)  # the Pact CLI's variable, read like the commands do
    monkeypatch.delenv("TETHER_BROKER_URL", raising=False)
    pytester.makepyfile(
        test_consumers=f"""
        def test_served(tether_mock_factory):
            mock = tether_mock_factory({PROVIDER!r}, patch=False)
            assert [(p.consumer, p.consumer_version) for p in mock.contracts.pacts] == [("Web", "1")]
            assert mock.contracts.origin.endswith('(selectors: {{"branch": "main", "consumer": "Web"}})')
        """
    )
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--tether-branch=main", "--tether-consumer=Web"
    )
    result.assert_outcomes(passed=1)
