"""Request selection: provider states, strict and lenient modes, ranking, reports, generators."""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from typing import Any

import pytest

from brokerclient.contract_source import ContractSet, LoadedPact, load_pact_files
from contracts.pactfile import parse_pact
from mocking.server.engine import IncomingRequest, MockEngine, format_report
from mocking.server.interactions import prepare_contracts

PACTS = Path(__file__).parent / "pacts"
ACCEPT = [("Accept", "application/json")]


def engine_for(document: dict[str, Any] | None = None, **options: Any) -> MockEngine:
    contracts = (
        ContractSet("OrdersApi", "test", [LoadedPact(parse_pact(document), "inline", "test")])
        if document
        else load_pact_files([PACTS], "OrdersApi")
    )
    return MockEngine(prepare_contracts(contracts), provider="OrdersApi", **options)


def pact(*interactions: dict[str, Any]) -> dict[str, Any]:
    return {
        "consumer": {"name": "Web"},
        "provider": {"name": "OrdersApi"},
        "interactions": list(interactions),
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


def interaction(description: str, path: str, status: int, **extra: Any) -> dict[str, Any]:
    request = {"method": "GET", "path": path, **extra.pop("request", {})}
    return {"description": description, "request": request, "response": {"status": status}, **extra}


def test_state_header_chooses_between_interactions_with_the_same_request() -> None:
    engine = engine_for()
    existing = engine.handle(
        IncomingRequest("GET", "/orders/7", headers=[*ACCEPT, ("X-Pact-Provider-State", "order 7 exists")])
    )
    missing = engine.handle(
        IncomingRequest("GET", "/orders/7", headers=[*ACCEPT, ("x-pact-provider-state", "no orders")])
    )
    assert existing.kind == "matched"
    assert existing.response.status == 200
    assert existing.interaction is not None
    assert existing.interaction.description == "get an existing order"
    assert missing.kind == "matched"
    assert missing.response.status == 404
    assert json.loads(missing.response.body) == {"error": "order not found"}
    assert missing.state == "no orders"


def test_default_state_and_a_custom_state_header() -> None:
    engine = engine_for(default_state="no orders", state_header="X-Scenario")
    assert engine.handle(IncomingRequest("GET", "/orders/7", headers=ACCEPT)).response.status == 404
    chosen = engine.handle(
        IncomingRequest("GET", "/orders/7", headers=[*ACCEPT, ("X-Scenario", "order 7 exists")])
    )
    assert chosen.response.status == 200


def test_stateless_interactions_answer_in_every_state() -> None:
    engine = engine_for(default_state="no orders")
    outcome = engine.handle(IncomingRequest("GET", "/orders", query="status=open"))
    assert outcome.kind == "matched"
    assert json.loads(outcome.response.body)[0]["status"] == "open"


def test_lenient_mode_takes_the_first_interaction_in_file_order_when_states_are_not_given() -> None:
    outcome = engine_for().handle(IncomingRequest("GET", "/orders/7", headers=ACCEPT))
    assert outcome.kind == "matched"
    assert outcome.interaction is not None
    assert outcome.interaction.index == 0


def test_strict_mode_refuses_an_ambiguous_request_and_names_the_states() -> None:
    outcome = engine_for(strict=True).handle(IncomingRequest("GET", "/orders/7", headers=ACCEPT))
    assert outcome.kind == "ambiguous"
    assert outcome.response.status == 409
    report = json.loads(outcome.response.body)
    assert [c["description"] for c in report["candidates"]] == [
        "get an existing order",
        "get a missing order",
    ]
    assert "X-Pact-Provider-State" in report["hints"][0]
    assert "no orders" in report["hints"][0]


def test_strict_mode_answers_when_the_state_header_removes_the_ambiguity() -> None:
    engine = engine_for(strict=True)
    outcome = engine.handle(
        IncomingRequest("GET", "/orders/7", headers=[*ACCEPT, ("X-Pact-Provider-State", "no orders")])
    )
    assert outcome.kind == "matched"
    assert outcome.response.status == 404


def test_lenient_mode_tolerates_header_mismatches_and_says_so_strict_mode_does_not() -> None:
    request = IncomingRequest(
        "GET", "/orders/7", headers=[("Accept", "text/html"), ("X-Pact-Provider-State", "no orders")]
    )
    lenient = engine_for().handle(request)
    assert lenient.kind == "matched"
    assert [m.kind.value for m in lenient.mismatches] == ["header"]
    assert lenient.response.header("x-tether-mismatches") == "1"
    strict = engine_for(strict=True).handle(request)
    assert strict.kind == "no_match"
    assert strict.report is not None
    mismatch = strict.report["closest"][0]["mismatches"][0]
    assert mismatch["kind"] == "header"
    assert mismatch["expected"] == "application/json"
    assert mismatch["actual"] == "text/html"


def test_no_match_report_names_the_closest_interactions_and_exact_mismatches() -> None:
    outcome = engine_for().handle(
        IncomingRequest(
            "POST",
            "/orders",
            headers=[("Content-Type", "application/json")],
            body=b'{"items": [{"sku": "B", "quantity": "x"}]}',
        )
    )
    assert outcome.kind == "no_match"
    assert outcome.response.status == 404
    assert outcome.response.header("content-type") == "application/json"
    report = json.loads(outcome.response.body)
    assert report["error"] == "no interaction of OrdersApi matches POST /orders"
    closest = report["closest"][0]
    assert closest["interaction"]["description"] == "create an order"
    assert closest["mismatches"] == [
        {
            "kind": "body",
            "path": "$.items[0].quantity",
            "expected": 1,
            "actual": "x",
            "message": "Expected 'x' (String) to be an integer",
        }
    ]
    assert "create an order" in format_report(report)
    assert "$.items[0].quantity" in format_report(report)


def test_no_match_status_is_configurable_and_hints_name_other_methods_and_unknown_states() -> None:
    engine = engine_for(no_match_status=400)
    outcome = engine.handle(
        IncomingRequest("DELETE", "/orders", headers=[("X-Pact-Provider-State", "closed shop")])
    )
    assert outcome.response.status == 400
    report = json.loads(outcome.response.body)
    assert any("/orders is served for GET, POST, not DELETE" in hint for hint in report["hints"])
    assert any("no interaction has the provider state 'closed shop'" in hint for hint in report["hints"])


def test_query_mismatch_is_reported_with_the_parameter() -> None:
    outcome = engine_for().handle(IncomingRequest("GET", "/orders", query="status=closed"))
    report = json.loads(outcome.response.body)
    assert report["closest"][0]["mismatches"][0]["path"] == "status"
    assert report["closest"][0]["mismatches"][0]["actual"] == "closed"


def test_more_specific_interaction_wins_then_file_order() -> None:
    document = pact(
        interaction(
            "any order",
            "/orders/1",
            200,
            request={"matchingRules": {"path": {"matchers": [{"match": "regex", "regex": "/orders/\\d+"}]}}},
        ),
        interaction("order 5 exactly", "/orders/5", 201),
        interaction("order 5 again", "/orders/5", 202),
    )
    engine = engine_for(document)
    assert engine.handle(IncomingRequest("GET", "/orders/5")).response.status == 201
    assert engine.handle(IncomingRequest("GET", "/orders/6")).response.status == 200


def test_strict_mode_does_not_call_identical_answers_ambiguous() -> None:
    document = pact(interaction("first", "/ping", 204), interaction("second", "/ping", 204))
    outcome = engine_for(document, strict=True).handle(IncomingRequest("GET", "/ping"))
    assert outcome.kind == "matched"


def test_response_generators_give_fresh_values_each_time() -> None:
    engine = engine_for(default_state="order 7 exists")
    ids = {
        json.loads(engine.handle(IncomingRequest("GET", "/orders/7", headers=ACCEPT)).response.body)["id"]
        for _ in range(30)
    }
    assert len(ids) > 5
    assert all(1 <= value <= 1000 for value in ids)


def test_mock_server_url_generator_uses_the_base_url() -> None:
    document = pact(
        {
            "description": "links",
            "request": {"method": "GET", "path": "/"},
            "response": {
                "status": 200,
                "headers": {"Content-Type": "application/json"},
                "body": {"self": "http://localhost:1234/orders"},
                "generators": {
                    "body": {
                        "$.self": {
                            "type": "MockServerURL",
                            "example": "http://localhost:1234/orders",
                            "regex": ".*(/orders)$",
                        }
                    }
                },
            },
        }
    )
    outcome = engine_for(document, base_url="http://mock.test:9000").handle(IncomingRequest("GET", "/"))
    assert json.loads(outcome.response.body) == {"self": "http://mock.test:9000/orders"}


def test_an_empty_mock_says_why_in_its_report() -> None:
    engine = MockEngine([], provider="OrdersApi")
    report = json.loads(engine.handle(IncomingRequest("GET", "/")).response.body)
    assert report["closest"] == []
    assert "serves no interactions" in report["hints"][0]


def test_v2_pact_with_flat_path_rule_is_dispatched_by_regex() -> None:
    document = pact(
        interaction(
            "v2 style",
            "/items/1",
            200,
            request={"matchingRules": {"$.path": {"match": "regex", "regex": "/items/[0-9]+"}}},
        )
    )
    document["metadata"] = {"pactSpecification": {"version": "2.0.0"}}
    engine = engine_for(copy.deepcopy(document))
    assert engine.handle(IncomingRequest("GET", "/items/99")).kind == "matched"
    assert engine.handle(IncomingRequest("GET", "/items/x")).kind == "no_match"


@pytest.mark.parametrize("method", ["GET", "get"])
def test_method_is_case_insensitive(method: str) -> None:
    assert engine_for().handle(IncomingRequest(method, "/orders", query="status=open")).kind == "matched"


def test_requests_are_matched_as_model_parts_without_writing_pact_file_dicts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """bytes -> model -> match: a binary V4 body, a bare query flag and repeated headers are matched with no
    pact-file dict (and no base64 text) in between."""
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    document = {
        "consumer": {"name": "Web"},
        "provider": {"name": "OrdersApi"},
        "interactions": [
            {
                "type": "Synchronous/HTTP",
                "description": "upload a label",
                "request": {
                    "method": "PUT",
                    "path": "/labels/7",
                    "query": {"draft": [None]},
                    "headers": {"Content-Type": ["image/png"], "Accept": ["application/json", "text/plain"]},
                    "body": {
                        "content": base64.b64encode(png).decode(),
                        "contentType": "image/png",
                        "encoded": "base64",
                    },
                },
                "response": {"status": 204},
            }
        ],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }
    engine = engine_for(document, strict=True)

    def no_dicts(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the mock server wrote a pact-file dict on the request path")

    for name in ("dump_request", "dump_response", "dump_body"):
        monkeypatch.setattr(f"contracts.pactwriter.{name}", no_dicts)
    headers = [("Content-Type", "image/png"), ("Accept", "application/json"), ("Accept", "text/plain")]
    matched = engine.handle(IncomingRequest("PUT", "/labels/7", "draft", headers, png))
    assert matched.kind == "matched", matched.report
    assert matched.response.status == 204
    other = engine.handle(IncomingRequest("PUT", "/labels/7", "draft", headers, png[:-1] + b"X"))
    assert other.kind == "no_match"
    assert other.report is not None
    [closest] = other.report["closest"]
    assert [(m["kind"], m["path"]) for m in closest["mismatches"]] == [("body", "$")]
    assert "[image/png, 16 bytes, starting with 89504e47" in closest["mismatches"][0]["message"]
