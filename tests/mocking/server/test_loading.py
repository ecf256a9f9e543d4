"""Loading in a forked child: the parent gets working interactions, and the child's errors."""

from __future__ import annotations

import gc
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from brokerclient.contract_source import ContractSet, load_pact_files
from brokerclient.errors import ContractSourceError
from mocking.cli import mock_group
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


def _pact_with_a_problem_in_the_last(count: int, request: dict[str, Any], response: dict[str, Any]) -> Any:
    interactions = [
        {
            "description": f"get item {i}",
            "request": {
                "method": "GET",
                "path": f"/api/r{i}/items/1",
                "matchingRules": {
                    "path": {"matchers": [{"match": "regex", "regex": f"/api/r{i}/items/[0-9]+"}]}
                },
            },
            "response": {
                "status": 200,
                "body": {"id": 1},
                "matchingRules": {"body": {"$.id": {"matchers": [{"match": "integer"}]}}},
            },
        }
        for i in range(count)
    ]
    interactions[-1]["request"].update(request)
    interactions[-1]["response"].update(response)
    return {
        "consumer": {"name": "Web"},
        "provider": {"name": "Api"},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


@pytest.mark.parametrize(
    ("part", "rules", "location", "problem"),
    [
        (
            "request",
            {"path": {"matchers": [{"match": "regex", "regex": "/api/(["}]}},
            "$.interactions[29].request.matchingRules",
            "matching rule regex '/api/([' is not a valid regular expression: unterminated character set at position 6",
        ),
        (  # refused by the regex compiler, not its parser
            "request",
            {"path": {"matchers": [{"match": "regex", "regex": "/api/(?<=a+)b"}]}},
            "$.interactions[29].request.matchingRules",
            "matching rule regex '/api/(?<=a+)b' is not a valid regular expression: look-behind requires "
            "fixed-width pattern",
        ),
        (  # the same rules as every other response, but one regex
            "response",
            {"body": {"$.id": {"matchers": [{"match": "regex", "regex": "[z-a]"}]}}},
            "$.interactions[29].response.matchingRules",
            "matching rule regex '[z-a]' is not a valid regular expression: bad character range z-a at position 1",
        ),
    ],
)
def test_a_pact_with_an_unusable_regex_is_refused_at_start_up_with_its_location(
    tmp_path: Path, part: str, rules: dict[str, Any], location: str, problem: str
) -> None:
    pact = _pact_with_a_problem_in_the_last(30, {"matchingRules": rules} if part == "request" else {}, {})
    if part == "response":
        pact = _pact_with_a_problem_in_the_last(30, {}, {"matchingRules": rules})
    (tmp_path / "pact.json").write_text(json.dumps(pact))
    with pytest.raises(ContractSourceError) as refused:
        load_prepared(lambda: load_pact_files([tmp_path / "pact.json"], "Api"))
    assert str(refused.value) == f"{tmp_path / 'pact.json'}: {location}: {problem}"


def test_a_pact_with_an_unknown_generator_is_refused_at_start_up(tmp_path: Path) -> None:
    pact = _pact_with_a_problem_in_the_last(30, {}, {"generators": {"body": {"$.id": {"type": "Nonsense"}}}})
    (tmp_path / "pact.json").write_text(json.dumps(pact))
    with pytest.raises(
        ContractSourceError,
        match=re.escape(
            "$.interactions[29].response.generators.body['$.id'].type: unknown generator type 'Nonsense'"
        ),
    ):
        load_prepared(lambda: load_pact_files([tmp_path / "pact.json"], "Api"))


def test_garbage_collection_is_back_on_after_loading_in_process(tmp_path: Path) -> None:
    assert gc.isenabled()
    load_prepared(lambda: load_pact_files([PACTS], "OrdersApi"), isolated=False)
    assert gc.isenabled()
    with pytest.raises(ContractSourceError):
        load_prepared(lambda: load_pact_files([tmp_path / "missing.json"], "OrdersApi"), isolated=False)
    assert gc.isenabled()


def test_the_mock_refuses_to_start_on_an_unusable_regex(tmp_path: Path) -> None:
    pact = _pact_with_a_problem_in_the_last(
        30, {"matchingRules": {"path": {"matchers": [{"match": "regex", "regex": "(?<=a+)b"}]}}}, {}
    )
    (tmp_path / "pact.json").write_text(json.dumps(pact))
    result = CliRunner().invoke(
        mock_group, ["serve", "--provider", "Api", "--pact", str(tmp_path / "pact.json"), "--port", "0"]
    )
    assert result.exit_code == 2
    assert (
        f"{tmp_path / 'pact.json'}: $.interactions[29].request.matchingRules: matching rule regex "
        "'(?<=a+)b' is not a valid regular expression: look-behind requires fixed-width pattern"
    ) in result.output
    assert "listening" not in result.output
