"""The dispatch trie: a pre-filter that offers every pattern accepting a path (never misses one), and a
selection cache that treats varying ids as one request only when the path cannot change the answer."""

from __future__ import annotations

from typing import Any

import pytest

from brokerclient.contract_source import ContractSet, LoadedPact
from contracts.pactfile import parse_pact
from mocking.server.dispatch import DispatchTable, regex_literal_segments
from mocking.server.engine import IncomingRequest, MockEngine
from mocking.server.interactions import MockInteraction, prepare_contracts


def prepared(*requests: dict[str, Any]) -> list[MockInteraction]:
    document = {
        "consumer": {"name": "Web"},
        "provider": {"name": "OrdersApi"},
        "interactions": [
            {"description": f"interaction {n}", "request": request, "response": {"status": 200 + n}}
            for n, request in enumerate(requests)
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    contracts = ContractSet("OrdersApi", "test", [LoadedPact(parse_pact(document), "inline", "test")])
    return prepare_contracts(contracts)


def regex_path(example: str, regex: str, method: str = "GET", **extra: Any) -> dict[str, Any]:
    return {
        "method": method,
        "path": example,
        "matchingRules": {"path": {"matchers": [{"match": "regex", "regex": regex}]}},
        **extra,
    }


@pytest.mark.parametrize(
    ("regex", "segments"),
    [
        ("/api/r7/items/[0-9]+", ("api", "r7", "items")),
        ("^/api/r7/items/\\d+$", ("api", "r7", "items")),
        ("/orders/x?/1", ("orders",)),
        ("/orders/ab*", ("orders",)),
        ("/orders|/customers", ()),
        ("(?i)/orders/1", ()),
        ("/orders\\/1", ()),
        (".*", ()),
        ("/a/b/c", ("a", "b")),
    ],
)
def test_literal_segments_of_a_regex_are_only_what_every_match_starts_with(
    regex: str, segments: tuple[str, ...]
) -> None:
    assert regex_literal_segments(regex) == segments


def test_the_trie_offers_exactly_what_trying_every_pattern_would_accept() -> None:
    interactions = prepared(
        regex_path("/api/r1/items/1", "/api/r1/items/[0-9]+"),
        regex_path("/api/r1/items/2", "/api/r1/items/2"),
        regex_path("/api/r1/items/x", "/api/r[0-9]/items/[a-z]+"),
        regex_path("/api/other", "/api/(other|more)"),
        regex_path("/api/r1/items/1", "/api/r1/items/[0-9]+", method="POST"),
        {
            "method": "GET",
            "path": "/api/r1/items/42",
            "matchingRules": {"path": {"matchers": [{"match": "type"}]}},
        },
        {"method": "GET", "path": "/api/r1/items/7"},
    )
    table = DispatchTable(interactions)
    paths = [
        "/api/r1/items/1",
        "/api/r1/items/2",
        "/api/r1/items/99",
        "/api/r1/items/abc",
        "/api/r2/items/abc",
        "/api/r1/items/7",
        "/api/other",
        "/api/more",
        "/api/r1/items",
        "/",
        "/api//items/1",
    ]
    for method in ("GET", "POST", "PUT"):
        for path in paths:
            expected = [i for i in interactions if i.method == method and i.pattern.accepts(path)]
            assert table.candidates(method, path) == expected, (method, path)


def test_varying_ids_share_a_selection_and_get_the_same_answer() -> None:
    interactions = prepared(
        regex_path("/api/r1/items/1", "/api/r1/items/[0-9]+", headers={"Accept": "application/json"}),
        regex_path("/api/r1/items/1", "/api/r1/items/[0-9]+"),
    )
    engine = MockEngine(interactions)
    first = engine.handle(IncomingRequest("GET", "/api/r1/items/5", headers=[("Accept", "application/json")]))
    second = engine.handle(
        IncomingRequest("GET", "/api/r1/items/6", headers=[("Accept", "application/json")])
    )
    without = engine.handle(IncomingRequest("GET", "/api/r1/items/7"))
    refused = engine.handle(IncomingRequest("GET", "/api/r1/items/x"))
    assert first.interaction is interactions[0]
    assert second.interaction is interactions[0]
    assert not first.mismatches
    assert not second.mismatches
    # lenient: without the header, the interaction not expecting it (no mismatch) is chosen
    assert without.interaction is interactions[1]
    assert refused.kind == "no_match"
    assert len(engine._selections) == 2


def test_a_path_rule_mixing_equality_and_regex_keeps_the_path_in_the_selection() -> None:
    interactions = prepared(
        {
            "method": "GET",
            "path": "/orders/1",
            "matchingRules": {
                "path": {"matchers": [{"match": "regex", "regex": "/orders/[0-9]+"}, {"match": "equality"}]}
            },
        }
    )
    assert not interactions[0].path_decided
    engine = MockEngine(interactions)
    assert engine.handle(IncomingRequest("GET", "/orders/1")).kind == "matched"
    assert engine.handle(IncomingRequest("GET", "/orders/2")).kind == "no_match"
