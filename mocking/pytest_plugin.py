"""pytest fixtures for contract-backed mocks, and the mock audit (``--tether-audit``).

Loaded in every pytest run through Tether's ``pytest11`` entry point, so this module imports nothing
heavy: mocks, loaders and the audit are imported when a fixture or option is actually used.

Fixtures:

* ``tether_mock`` — the provider named by the ``@pytest.mark.tether_mock("OrdersApi", state=...,
  base_url=..., pact=..., broker_url=..., strict=...)`` marker, installed for every httpx and
  requests call to ``base_url`` (every call when no base URL is given).
* ``tether_mock_factory`` — ``tether_mock_factory("OrdersApi", state=..., ...)`` for several
  providers or explicit options; ``patch=False`` leaves transports alone (use
  ``mock.httpx_transport()`` / ``mock.requests_adapter()``).

Pacts come from ``--tether-pact PATH`` (repeatable) or ``--tether-broker-url URL`` (verified pacts
only), or from the marker's ``pact=`` / ``broker_url=``. The broker options are the commands' own
(``brokerclient.option_specs``) with a ``--tether-`` prefix: ``--tether-broker-token``,
``--tether-broker-username``/``-password``, and the selectors ``--tether-main-branch``, ``--tether-branch``,
``--tether-tag``, ``--tether-environment``, ``--tether-consumer-version-selector``... A request no interaction accepts fails the
test with the mock server's mismatch report.

Audit: ``--tether-audit PROVIDER=SOURCE`` (SOURCE: an OpenAPI file, pact files or folders, or a broker
URL; repeatable and comma-separated) checks every hand-written respx, pytest-httpx, responses and
requests-mock mock against the provider's contracts and reports drift at the end of the run;
``--tether-audit-strict`` fails the run on drift; ``--tether-audit-pact DIR`` writes the recorded mocks
as a consumer pact.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from brokerclient.option_specs import add_pytest_options, values_from_pytest
from mocking.fixtures import messages_plugin
from mocking.fixtures.messages_plugin import (  # noqa: F401  (message-contract fixtures)
    tether_messages,
    tether_messages_factory,
    tether_rabbitmq,
)

if TYPE_CHECKING:
    from brokerclient.contract_source import ContractSet
    from mocking.fixtures.contract_mock import ContractMock

_CALL_REPORT = pytest.StashKey[pytest.TestReport]()
_CONTRACT_CACHE = pytest.StashKey[dict[tuple[Any, ...], "ContractSet"]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tether", "Tether: contract-backed mocks and the mock audit")
    group.addoption(
        "--tether-pact",
        action="append",
        default=[],
        metavar="PATH",
        help="Pact file or folder for tether_mock fixtures.",
    )
    add_pytest_options(group)  # --tether-broker-url/-token/-username/-password and the selectors
    group.addoption(
        "--tether-audit",
        action="append",
        default=[],
        metavar="PROVIDER=SOURCE",
        help="Audit hand-written mocks (respx, pytest-httpx, responses, requests-mock) against PROVIDER's "
        "OpenAPI spec, pact files or broker (repeatable; SOURCE may be comma-separated).",
    )
    group.addoption(
        "--tether-audit-host",
        action="append",
        default=[],
        metavar="PROVIDER=HOST",
        help="Mocks whose URL has this host belong to PROVIDER (needed when auditing several providers "
        "whose specs name no servers).",
    )
    group.addoption(
        "--tether-audit-strict", action="store_true", help="Fail the run when the audit finds drift."
    )
    group.addoption(
        "--tether-audit-pact", metavar="DIR", help="Write the recorded mocks as consumer pacts into DIR."
    )
    group.addoption(
        "--tether-audit-consumer",
        metavar="NAME",
        help="Consumer name for --tether-audit-pact (default: the project folder).",
    )
    group.addoption("--tether-audit-json", metavar="FILE", help="Write the audit findings as JSON.")
    messages_plugin.add_options(group)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "tether_mock(provider, state=None, base_url=None, pact=None, broker_url=None, strict=False): "
        "install PROVIDER's verified interactions as the in-process mock of the tether_mock fixture",
    )
    config.addinivalue_line("markers", messages_plugin.MARKER)
    config.addinivalue_line(
        "markers",
        "tether_fault(*statuses): the test's hand-written mocks answer out of contract on purpose (a retry "
        "test's 503): the audit reports those responses as intentional faults, not drift",
    )
    if config.getoption("--tether-audit", default=None):
        from mocking.audit.plugin import AuditPlugin

        config.pluginmanager.register(AuditPlugin(config), "tether-audit")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report: pytest.TestReport = yield
    if report.when == "call":
        item.stash[_CALL_REPORT] = report
    return report


def _load(
    config: pytest.Config, provider: str, pacts: tuple[str, ...], broker_url: str | None
) -> ContractSet:
    from brokerclient.contract_source import BrokerSource, load_contracts
    from brokerclient.options import connection_from, selection_from

    cache = config.stash.setdefault(_CONTRACT_CACHE, {})
    key = (provider, pacts, broker_url)
    if key not in cache:
        values = {**values_from_pytest(config), "broker_url": broker_url}
        connection = connection_from(values)
        broker = BrokerSource(connection, selection_from(values)) if connection is not None else None
        if not pacts and broker is None:
            raise pytest.UsageError(
                f"tether_mock({provider!r}) needs pacts: pass --tether-pact PATH or --tether-broker-url URL, "
                "or give pact=... / broker_url=... to the marker or the factory"
            )
        loaded = load_contracts(provider, pact_files=pacts, broker=broker)
        if broker is not None:
            from mocking.fixtures.verified_fallback import with_verified_fallback

            loaded = with_verified_fallback(loaded, broker)
        cache[key] = loaded
    return cache[key]


MockFactory = Callable[..., "ContractMock"]


@pytest.fixture
def tether_mock_factory(request: pytest.FixtureRequest) -> Iterator[MockFactory]:
    """Build contract-backed mocks: ``tether_mock_factory(provider, state=None, base_url=None, pact=None,
    broker_url=None, strict=False, patch=True)``."""
    from brokerclient.errors import BrokerClientError
    from contracts.errors import ContractError
    from contracts.matching.path_templates import openapi_paths
    from contracts.openapi.document import load_openapi
    from mocking.errors import MockingError
    from mocking.fixtures.contract_mock import ContractMock
    from mocking.fixtures.served import served_contracts

    config = request.config
    created: list[ContractMock] = []
    exits: list[Any] = []

    def factory(
        provider: str,
        *,
        state: str | None = None,
        base_url: str | None = None,
        pact: str | list[str] | tuple[str, ...] | None = None,
        broker_url: str | None = None,
        strict: bool = False,
        patch: bool = True,
        consumer: str | None = None,
        faults: Any = None,
        block_unmocked: bool = True,
        allow_hosts: tuple[str, ...] | list[str] = (),
        stateful: bool = False,
        openapi: str | None = None,
    ) -> ContractMock:
        pacts = (pact,) if isinstance(pact, str) else tuple(pact or config.getoption("--tether-pact") or ())
        broker = broker_url or (None if pact else config.getoption("--tether-broker-url"))
        problem = None
        try:
            templates = openapi_paths(load_openapi(openapi)) if openapi else ()
            contracts = served_contracts(_load(config, provider, pacts, broker), consumer)
            mock = ContractMock(
                contracts,
                base_url=base_url,
                state=state,
                strict=strict,
                faults=faults,
                block_unmocked=block_unmocked,
                allow_hosts=tuple(allow_hosts),
                stateful=stateful,
                openapi_paths=templates,
            )
        except (MockingError, BrokerClientError, ContractError) as exc:
            problem = f"tether_mock({provider!r}): {exc}"
        if problem is not None:
            pytest.fail(problem, pytrace=False)
        request.node.add_report_section("setup", f"tether_mock {provider}", "\n".join(contracts.describe()))
        created.append(mock)
        if patch:
            context = mock.patched()
            context.__enter__()
            exits.append(context)
        return mock

    yield factory
    for context in reversed(exits):
        context.__exit__(None, None, None)
    report = request.node.stash.get(_CALL_REPORT, None)
    swallowed = [error for mock in created for error in mock.unmatched]
    if swallowed and report is not None and report.passed:
        pytest.fail(
            f"{len(swallowed)} request(s) matched no verified interaction, but the test passed (was the "
            "error caught?):\n\n" + "\n\n".join(str(error) for error in swallowed),
            pytrace=False,
        )


@pytest.fixture
def tether_mock(request: pytest.FixtureRequest, tether_mock_factory: MockFactory) -> ContractMock:
    """The provider of the test's ``@pytest.mark.tether_mock(...)`` marker, installed as an in-process mock."""
    marker = request.node.get_closest_marker("tether_mock")
    if marker is None or not (marker.args or "provider" in marker.kwargs):
        raise pytest.UsageError(
            'the tether_mock fixture needs a marker naming the provider: @pytest.mark.tether_mock("OrdersApi")'
        )
    kwargs = dict(marker.kwargs)
    provider = marker.args[0] if marker.args else kwargs.pop("provider")
    return tether_mock_factory(provider, **kwargs)
