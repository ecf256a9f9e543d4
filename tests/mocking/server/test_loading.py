"""Loading in a forked child: the parent gets working interactions, and the child's errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from brokerclient.contract_source import ContractSet, load_pact_files
from brokerclient.errors import ContractSourceError
from mocking.errors import MockServerError
from mocking.server.engine import IncomingRequest, MockEngine
from mocking.server.loading import load_prepared

PACTS = Path(__file__).parent / "pacts"


def test_isolated_loading_gives_working_interactions() -> None:
    prepared = load_prepared(lambda: load_pact_files([PACTS], "OrdersApi"))
    assert [i.description for i in prepared.interactions] == [
        "get an existing order",
        "get a missing order",
        "list open orders",
        "create an order",
    ]
    assert prepared.contracts.pacts[0].pact.http_interactions[2].response.body is None  # kept as bytes only
    engine = MockEngine(prepared.interactions)
    created = engine.handle(
        IncomingRequest(
            "POST",
            "/orders",
            headers=[("Content-Type", "application/json")],
            body=b'{"items": [{"sku": "Q", "quantity": 2}]}',
        )
    )
    assert created.kind == "matched"
    assert created.response.status == 201
    refused = engine.handle(
        IncomingRequest(
            "POST", "/orders", headers=[("Content-Type", "application/json")], body=b'{"items": []}'
        )
    )
    assert refused.kind == "no_match"


def test_loader_errors_reach_the_parent() -> None:
    with pytest.raises(ContractSourceError, match="no such pact file or directory"):
        load_prepared(lambda: load_pact_files([PACTS / "missing.json"], "OrdersApi"))


def test_a_crashing_loader_is_reported() -> None:
    def crash() -> ContractSet:
        raise RuntimeError("disk on fire")

    with pytest.raises(MockServerError, match="disk on fire"):
        load_prepared(crash)
